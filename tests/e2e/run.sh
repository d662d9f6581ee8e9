#!/bin/sh
# Runs one end-to-end case: tests/e2e/NAME.cq through the claimdb program on a new database,
# then NAME.then.cq (if present) from a new process on the same database, and compares what
# they print (stdout and stderr, then "exit: N") with NAME.expected.
# A first line "-- args: ..." in a case file gives extra program arguments.
# CLAIMDB_REGEN=1 rewrites NAME.expected instead of comparing (review the diff before commit).
set -u
# Citations are stamped with this time instead of the clock, so outputs are reproducible.
export SOURCE_DATE_EPOCH=1700000000
prog=$1
case_file=$2
dir=$(dirname "$case_file")
name=$(basename "$case_file" .cq)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out="$tmp/out"
: > "$out"
for f in "$name.cq" "$name.then.cq"; do
    [ -f "$dir/$f" ] || continue
    args=$(sed -n '1s/^-- args: //p' "$dir/$f")
    # shellcheck disable=SC2086
    (cd "$dir" && CI=true "$prog" "$tmp/test.db" -m tsv --headers on $args -f "$f" < /dev/null) >> "$out" 2>&1
    echo "exit: $?" >> "$out"
done
if [ "${CLAIMDB_REGEN:-0}" = 1 ]; then
    cp "$out" "$dir/$name.expected"
    exit 0
fi
if ! diff -u "$dir/$name.expected" "$out"; then
    echo "e2e case $name: output differs from $name.expected (see diff above)" >&2
    exit 1
fi
