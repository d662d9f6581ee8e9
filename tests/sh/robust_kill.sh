#!/bin/sh
# Issue 11: 'claimdb import' of a large file SIGKILLed at 21 random moments (a third of them in
# the last tenth of the import, where it commits). After each kill the database opens, 'claimdb
# check' passes, and the file is in it entirely or not at all; what was there before is intact.
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1
db=$tmp/k.db
lines=${CLAIMDB_KILL_LINES:-10000}
kills=${CLAIMDB_KILLS:-21}
rand() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; } # 0..65535
ms() { date +%s%3N; }
counts() { # "PREDICATE COUNT" lines: the citations of each predicate
    "$prog" "$db" --headers off 'FIND ?p, COUNT(*) WHERE ?s ?p ?o FROM ?a GROUP BY ?p;' \
        > "$tmp/counts" 2> "$tmp/err" || fail "counting: $(cat "$tmp/err")"
}
count() { awk -v p="$1" '$1 == p { print $2; found = 1 } END { if (!found) print 0 }' "$tmp/counts"; }
gen() { # FILE PREDICATE
    awk -v p="$2" -v n="$lines" 'BEGIN { print "subject\tpredicate\tobject\tarticle\tquote";
        for (i = 0; i < n; i++) printf "s%d\t%s\to%d\t%d\tsome words %d\n", i, p, i, i % 97, i }' > "$1"
}
"$prog" "$db" 'ASSERT before b c FROM 1;' > /dev/null || { echo "setup failed"; exit 1; }
gen full.tsv p0
t0=$(ms)
"$prog" import "$db" full.tsv 2> /dev/null || { echo "the first import failed"; exit 1; }
full=$(($(ms) - t0))
counts
[ "$(count p0)" = "$lines" ] || fail "a whole import holds $(count p0) citations, not $lines"

survived=0 whole=0 none=0
i=1
while [ $i -le $kills ]; do
    gen f.tsv "p$i"
    if [ $((i % 3)) = 0 ]; then # near the end: the commit
        delay=$((full * 9 / 10 + $(rand) % (full / 5 + 1)))
    else
        delay=$(($(rand) % (full + 1)))
    fi
    "$prog" import "$db" f.tsv > /dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
    kill -9 $pid 2> /dev/null
    wait $pid 2> /dev/null
    counts
    n=$(count "p$i")
    case $n in
    0) none=$((none + 1)) ;;
    "$lines") whole=$((whole + 1)) ;;
    *) fail "kill $i after $delay ms: the file is in the database in part ($n of $lines citations): $(cat "$tmp/err")" ;;
    esac
    [ "$(count b)" = 1 ] || fail "kill $i: the claim made before is gone"
    [ "$(count p0)" = "$lines" ] || fail "kill $i: the first file is no longer whole"
    if "$prog" check "$db" > "$tmp/check" 2>&1; then
        survived=$((survived + 1))
    else
        fail "kill $i after $delay ms: claimdb check: $(head -5 "$tmp/check")"
    fi
    i=$((i + 1))
done
echo "kills: $kills (import of $lines lines takes $full ms); survived $survived; file whole $whole, absent $none"
[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo ok
