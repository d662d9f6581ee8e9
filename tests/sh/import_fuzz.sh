#!/bin/sh
# Damaged import files of every format never crash the program: each import either loads the
# file or fails with FILE:LINE:COL and leaves the database exactly as it was. The files are the
# seed corpus exported in the three formats, mutated by tests/fuzz/mutate.c (seeded, so a
# failure names the seed that replays it). CLAIMDB_FUZZ_COUNT sets mutations per format.
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1
san=""
grep -q '^CLAIMDB_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && san="-fsanitize=address,undefined"
cc $san -O1 -o mutate "$src/tests/fuzz/mutate.c" || exit 1
"$prog" import seed.db "$src/data/articles.tsv" "$src/data/aliases.tsv" "$src/data/claims.tsv" 2> /dev/null || exit 1
. "$src/tests/lib/import.sh"
count=${CLAIMDB_FUZZ_COUNT:-60}
for fmt in tsv jsonl nq; do
    "$prog" export seed.db --format "$(echo $fmt | sed 's/^nq$/nquads/')" -o "orig.$fmt" || exit 1
    fuzz_format $fmt "$count" 'ASSERT canary says alive FROM 9;' tsv
done
echo "import fuzz: $((3 * count)) damaged files, $loaded loaded, $refused refused, $fails failures"
[ "$refused" -gt 0 ] || fail "no damaged file was refused: the mutations do not reach the parsers"
[ "$fails" -eq 0 ]
