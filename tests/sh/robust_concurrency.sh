#!/bin/sh
# Issue 11: readers and writers at once.
#  - 3 readers, each running SHOW STATS over and over in process after process, while a writer imports 5
#    files one after the other: every count a reader sees is the count before, or after, some
#    whole file (never half a file), and a reader's counts never go down.
#  - readers killed with SIGKILL in the middle: the writer and new readers go on.
#  - two writers importing at once with the busy timeout: both succeed, nothing is lost.
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1
db=$tmp/c.db
lines=${CLAIMDB_CONC_LINES:-8000}
gen() { # FILE PREDICATE
    awk -v p="$2" -v n="$lines" 'BEGIN { print "subject\tpredicate\tobject\tarticle\tquote";
        for (i = 0; i < n; i++) printf "s%d\t%s\to%d\t%d\tq %d\n", i, p, i, i % 97, i }' > "$1"
}
citations() { "$prog" "$db" --headers off 'SHOW STATS;' | awk '$1 == "citations" { print $2 }'; }
"$prog" "$db" 'ASSERT before b c FROM 1;' > /dev/null || { echo "setup failed"; exit 1; }
for i in 1 2 3 4 5; do gen "f$i.tsv" "p$i"; done
# a reader: processes of 50 statements each (every statement its own snapshot), one after the
# other, until the writer is done
i=0
while [ $i -lt 50 ]; do echo 'SHOW STATS;'; i=$((i + 1)); done > loop.cq
reader() {
    while [ ! -f done ]; do
        "$prog" "$db" --headers off -f loop.cq >> "$1.out" 2>> "$1.err" || break
    done
}
for r in 1 2 3; do
    reader "reader$r" &
    eval "reader$r=\$!"
done
# two more readers that get killed while they read
"$prog" "$db" --headers off -f loop.cq -f loop.cq -f loop.cq > /dev/null 2>&1 &
victim1=$!
"$prog" "$db" --headers off -f loop.cq -f loop.cq -f loop.cq > /dev/null 2>&1 &
victim2=$!
for i in 1 2 3 4 5; do
    "$prog" import "$db" "f$i.tsv" 2> "import$i.err" || fail "import $i: $(cat "import$i.err")"
    [ $i = 2 ] && kill -9 $victim1 $victim2 2> /dev/null
done
: > done
wait $reader1 $reader2 $reader3
wait $victim1 $victim2 2> /dev/null
for r in 1 2 3; do
    [ -s "reader$r.err" ] && fail "reader $r: $(head -3 "reader$r.err")"
    awk -v n="$lines" '$1 == "citations" {
            c = $2
            if ((c - 1) % n != 0) { printf "half a file: %d citations\n", c; bad = 1 }
            if (c < last) { printf "went down: %d after %d\n", c, last; bad = 1 }
            last = c; seen++
        }
        END { if (seen < 50) { printf "%d counts only\n", seen; bad = 1 }; exit bad }' \
        "reader$r.out" > "check$r" || fail "reader $r: $(head -3 "check$r")"
done
[ "$(citations)" = $((1 + 5 * lines)) ] || fail "after the imports: $(citations) citations"
distinct=$(cat reader1.out reader2.out reader3.out | awk '$1 == "citations"' | sort -u | wc -l)
seen=$(cat reader1.out reader2.out reader3.out | awk '$1 == "citations"' | wc -l)
echo "3 readers: $seen counts held while 5 files of $lines were imported ($distinct distinct counts)"
[ "$distinct" -ge 2 ] || fail "the readers never overlapped the writer ($distinct distinct counts)"
# New readers work after the killed ones.
[ "$(citations)" = $((1 + 5 * lines)) ] || fail "a reader after the kills"

# Two writers at once, each waiting for the other as needed.
gen g1.tsv q1
gen g2.tsv q2
"$prog" import "$db" g1.tsv --timeout 60000 2> w1.err &
w1=$!
"$prog" import "$db" g2.tsv --timeout 60000 2> w2.err &
w2=$!
wait $w1 || fail "writer 1: $(cat w1.err)"
wait $w2 || fail "writer 2: $(cat w2.err)"
[ "$(citations)" = $((1 + 7 * lines)) ] || fail "after two writers: $(citations) citations"
"$prog" check "$db" > check.out 2>&1 || fail "claimdb check: $(head -5 check.out)"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo ok
