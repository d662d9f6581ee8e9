#!/bin/sh
# Runs the EXAMPLES of the man page (docs/claimdb.1), in order, so that they cannot drift from
# the program and the data:
#
#   man_examples.sh PROGRAM SOURCE_DIR
#
# news.db (and desk1.db, desk2.db, desk3.db for merge) is the demo database, loaded from the
# seed corpus as tests/docs/run_examples.sh loads it; the files the examples name are the seed
# corpus's (aliases.tsv, articles.tsv, claims.tsv, data/articles/), and articles.jsonl its
# articles as JSON Lines. Each example runs by sh with `claimdb` on PATH and must exit with
# status 0 and print no warning (a misspelt term warns, e.g. "demands" for "demand"); one that
# queries (FIND, CHECK, EVIDENCE) must print at least one row.
set -u
export SOURCE_DATE_EPOCH=1700000000 CI=true
prog=$1 src=$2
case $prog in /*) ;; *) prog=$PWD/$prog ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/data"
ln -s "$prog" "$tmp/bin/claimdb"
cp "$src/data/aliases.tsv" "$src/data/articles.tsv" "$src/data/claims.tsv" "$tmp/"
cp -R "$src/data/articles" "$tmp/data/articles"
cd "$tmp" || exit 1
# articles.tsv names its text files relative to its folder
cp -R "$src/data/articles" "$tmp/articles"
"$prog" import news.db articles.tsv aliases.tsv claims.tsv "$src/data/reviews.jsonl" 2> import.log ||
    { cat import.log; exit 1; }
for d in desk1 desk2 desk3; do cp news.db $d.db; done
"$prog" export news.db --format jsonl | grep '"type":"article"' > articles.jsonl
[ -s articles.jsonl ] || { echo "no articles for articles.jsonl"; exit 1; }

sed -n '/^\.SH EXAMPLES/,/^\.SH/p' "$src/docs/claimdb.1" |
    sed -n '/^\.nf/,/^\.fi/p' | sed '/^\.nf/d; /^\.fi/d; s/\\-/-/g' > examples
n=$(wc -l < examples)
[ "$n" -gt 0 ] || { echo "docs/claimdb.1: no examples found"; exit 1; }
fails=0 i=0
while IFS= read -r example; do
    i=$((i + 1))
    PATH="$tmp/bin:$PATH" sh -c "$example" > out 2> err < /dev/null
    st=$?
    problem=""
    if [ $st != 0 ]; then
        problem="exit status $st"
    elif grep -q 'warning:' err; then
        problem="a warning"
    elif echo "$example" | grep -Eq 'FIND|CHECK|EVIDENCE'; then
        # rows: every line, less the header of a table (JSON has none: '[]' is no row)
        rows=$(wc -l < out)
        head -1 out | grep -q '{' || rows=$((rows - 1))
        [ "$rows" -gt 0 ] || problem="no row"
    fi
    if [ -n "$problem" ]; then
        printf 'docs/claimdb.1: example %d gives %s: %s\n' "$i" "$problem" "$example"
        sed 's/^/  stdout: /' out | head -5
        sed 's/^/  stderr: /' err | head -5
        fails=$((fails + 1))
    fi
done < examples
echo "docs/claimdb.1: $n examples, $fails failing"
[ $fails = 0 ]
