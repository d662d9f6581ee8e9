#!/bin/sh
# The LIAR import, measured: the whole training split (10,269 PolitiFact statements) from
# ../shared/factcheck/liar/train.tsv (the data set is not in the tree: tests/liar/ holds a
# 300-row sample) into a new database, in one command, RUNS times; prints the import's own
# summary, the best wall time and reviews a second, and the verdicts as imported.
#
#   sh bench/liar_import.sh [PROGRAM] [TRAIN.tsv] [RUNS]
#   (defaults: build-bench/claimdb, else build/claimdb; ../shared/factcheck/liar/train.tsv; 3)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
prog=${1:-}
if [ -z "$prog" ]; then
    prog=$here/build-bench/claimdb
    [ -x "$prog" ] || prog=$here/build/claimdb
fi
train=${2:-$here/../shared/factcheck/liar/train.tsv}
runs=${3:-3}
[ -f "$train" ] || { echo "liar_import: no $train (the LIAR data set is not in the tree)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rows=$(grep -c . "$train")
best=""
i=0
while [ $i -lt "$runs" ]; do
    i=$((i + 1))
    rm -f "$tmp/liar.db" "$tmp/liar.db-lock"
    t0=$(date +%s.%N)
    CI=true "$prog" import "$tmp/liar.db" "$train" --format liar 2> "$tmp/summary"
    t1=$(date +%s.%N)
    dt=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$dt < $best" | bc -l)" = 1 ]; then best=$dt; fi
done
cat "$tmp/summary"
printf 'rows: %s; best of %s runs: %.3f s, %.0f reviews/s\n' "$rows" "$runs" "$best" "$(echo "$rows / $best" | bc -l)"
echo "verdicts as imported (SHOW REVIEWS):"
"$prog" "$tmp/liar.db" -m tsv --headers off 'SHOW REVIEWS;' | cut -f4,5 | sort | uniq -c | sort -rn |
    awk '{ printf "  %-13s %5d  (label %s)\n", $3, $1, $2 }'
echo "by verdict:"
"$prog" "$tmp/liar.db" -m tsv --headers off 'SHOW REVIEWS;' | cut -f5 | sort | uniq -c | sort -rn |
    awk -v n="$rows" '{ printf "  %-13s %5d  %5.1f%%\n", $2, $1, 100 * $1 / n }'
