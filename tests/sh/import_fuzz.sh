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
count=${CLAIMDB_FUZZ_COUNT:-60}
loaded=0 refused=0
for fmt in tsv jsonl nq; do
    "$prog" export seed.db --format "$(echo $fmt | sed 's/^nq$/nquads/')" -o "orig.$fmt" || exit 1
    i=0
    while [ $i -lt "$count" ]; do
        i=$((i + 1))
        ./mutate "orig.$fmt" "$i" > "bad.$fmt"
        rm -f t.db t.db-lock
        "$prog" t.db 'ASSERT canary says alive FROM 9;' || exit 1
        "$prog" export t.db --format tsv > before.tsv
        "$prog" import t.db "bad.$fmt" > out.txt 2> err.txt
        status=$?
        case $status in
        0) loaded=$((loaded + 1)) ;;
        1)
            refused=$((refused + 1))
            grep -Eq "^bad\.$fmt:[0-9]+:[0-9]+: " err.txt ||
                fail "$fmt seed $i: the error names no FILE:LINE:COL: $(head -c 300 err.txt)"
            "$prog" export t.db --format tsv | cmp -s - before.tsv ||
                fail "$fmt seed $i: a refused import changed the database"
            ;;
        *) fail "$fmt seed $i: import exited with status $status: $(head -c 300 err.txt)" ;;
        esac
    done
done
echo "import fuzz: $((3 * count)) damaged files, $loaded loaded, $refused refused, $fails failures"
[ "$refused" -gt 0 ] || fail "no damaged file was refused: the mutations do not reach the parsers"
[ "$fails" -eq 0 ]
