#!/bin/sh
# Damaged review files never crash the program: each import either loads the file or fails
# with FILE:LINE:COL and leaves the database as it was. The files are the LIAR sample, and
# reviews exported as JSON Lines and ClaimReview JSON-LD, and as ClaimsKG CSV, each mutated by
# tests/fuzz/mutate.c (seeded: a failure names the seed). CLAIMDB_FUZZ_COUNT sets mutations
# per format.
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1
san=""
grep -q '^CLAIMDB_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && san="-fsanitize=address,undefined"
cc $san -O1 -o mutate "$src/tests/fuzz/mutate.c" || exit 1
head -60 "$src/tests/liar/train.tsv" > orig.liar
"$prog" import seed.db orig.liar --format liar 2> /dev/null || exit 1
"$prog" seed.db 'REVIEW Taliban demand withdrawal URL "https://x/1" RATING "Pants on Fire" BY PolitiFact VALUE 1 BEST 6 WORST 1 DATE 2021-01-02;' || exit 1
"$prog" export seed.db --format jsonl -o orig.jsonl || exit 1
"$prog" export seed.db --format claimreview -o orig.jsonld 2> /dev/null || exit 1
{
    echo 'claimReview_url,claimReview_claimReviewed,rating_alternateName,claimReview_author_name,claimReview_datePublished,rating_ratingValue'
    awk -F'\t' 'NR <= 40 { gsub(/"/, "\"\"", $3); printf "https://liar.example/%s,\"%s\",%s,PolitiFact,2019-0%d-1%d,%d\n", $1, $3, $2, NR % 9 + 1, NR % 10, NR % 6 }' orig.liar
} > orig.csv
. "$src/tests/lib/import.sh"
count=${CLAIMDB_FUZZ_COUNT:-40}
fuzz_format liar "$count" 'REVIEW URL "canary" TEXT "alive";' jsonl --format liar
for fmt in jsonl jsonld csv; do
    fuzz_format $fmt "$count" 'REVIEW URL "canary" TEXT "alive";' jsonl
done
echo "review fuzz: $((4 * count)) damaged files, $loaded loaded, $refused refused, $fails failures"
[ "$refused" -gt 0 ] || fail "no damaged file was refused: the mutations do not reach the parsers"
[ "$fails" -eq 0 ]
