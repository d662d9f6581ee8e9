#!/bin/sh
# Runs the examples of a Markdown document and compares their output with the document.
#
#   run_examples.sh PROGRAM SOURCE_DIR DOC.md
#
# Every ```claimql block is run, in document order, on one database loaded from the seed
# corpus (data/, its example reviews included); a ```claimql liar block on another, the LIAR
# sample of tests/liar/ imported as reviews; by `claimdb DB -m table -f example.cq` (stderr too: error examples are
# documented with their messages). The ```text block that follows it must hold exactly what
# that printed. With CLAIMDB_REGEN=1 the document is rewritten with the real output instead
# (review the diff before committing); a claimql block without an output block gets one.
set -eu
# Citations are stamped with this time instead of the clock, so outputs are reproducible.
export SOURCE_DATE_EPOCH=1700000000
prog=$1 src=$2 doc=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/demo.db"
CI=true "$prog" import "$db" "$src/data/articles.tsv" "$src/data/aliases.tsv" "$src/data/claims.tsv" \
    "$src/data/reviews.jsonl" \
    > /dev/null 2> "$tmp/import.log" || { cat "$tmp/import.log"; exit 1; }

liar="$tmp/liar.db"
CI=true "$prog" import "$liar" "$src/tests/liar/train.tsv" --format liar \
    > /dev/null 2> "$tmp/import.log" || { cat "$tmp/import.log"; exit 1; }

set +e
awk -v prog="$prog" -v demo="$db" -v liar="$liar" -v tmp="$tmp" -v regen="${CLAIMDB_REGEN:-0}" '
function run_block(   cmd) {
    close(tmp "/example.cq")
    cmd = "cd \"" tmp "\" && CI=true \"" prog "\" \"" db "\" -m table -f example.cq > out.txt 2>&1; true"
    system(cmd)
    nblocks++
}
function emit_output(   line) {
    while ((getline line < (tmp "/out.txt")) > 0) print line
    close(tmp "/out.txt")
}
# An example followed by no output block: regen adds one, a check fails.
function no_output() {
    if (regen) { print "```text"; emit_output(); print "```"; print "" }
    else { printf "%s: example %d (line %d) has no ```text output block\n", FILENAME, nblocks, qline > "/dev/stderr"; failed++ }
    pending = 0
}
BEGIN { state = "text"; nblocks = 0; failed = 0 }
{
    if (state == "text") {
        if ($0 ~ /^```claimql( liar)?[ \t]*$/) {
            db = $0 ~ /liar/ ? liar : demo
            if (pending) no_output()
            state = "query"; printf "" > (tmp "/example.cq"); if (regen) print; next
        }
        if ($0 ~ /^```text[ \t]*$/ && pending) {
            state = "expected"; printf "" > (tmp "/expected.txt"); if (regen) { print; emit_output() } ; next
        }
        if (pending && $0 !~ /^[ \t]*$/) no_output()
        if (regen) print
        next
    }
    if (state == "query") {
        if ($0 ~ /^```[ \t]*$/) { state = "text"; run_block(); pending = 1; qline = NR; if (regen) print; next }
        print >> (tmp "/example.cq")
        if (regen) print
        next
    }
    if (state == "expected") {
        if ($0 ~ /^```[ \t]*$/) {
            state = "text"; pending = 0
            close(tmp "/expected.txt")
            if (!regen && system("cmp -s \"" tmp "/expected.txt\" \"" tmp "/out.txt\"") != 0) {
                printf "%s: example %d (line %d) printed something else than the document says:\n", FILENAME, nblocks, qline > "/dev/stderr"
                system("diff -u \"" tmp "/expected.txt\" \"" tmp "/out.txt\" >&2")
                failed++
            }
            if (regen) print
            next
        }
        print >> (tmp "/expected.txt")
        next
    }
}
END {
    if (pending && regen) { print "```text"; emit_output(); print "```" }
    if (!regen) printf "%s: %d examples, %d differ\n", FILENAME, nblocks, failed > "/dev/stderr"
    if (nblocks == 0) { print FILENAME ": no examples found" > "/dev/stderr"; exit 1 }
    exit failed ? 1 : 0
}' "$doc" > "$tmp/new.md"
status=$?
set -e
if [ "${CLAIMDB_REGEN:-0}" = 1 ]; then
    cp "$tmp/new.md" "$doc"
fi
exit $status
