#!/bin/sh
# Runs one end-to-end case, tests/e2e/NAME.test: a script for the claimdb program in which the
# statements are followed by their expected output, as in sqllogictest:
#
#     -- args: --bail            optional, before the first statement: more program arguments
#     -- A comment.
#     ASSERT Taliban demands withdrawal FROM 0;
#     FIND ?x WHERE ?x demands withdrawal;
#     ----                       what the statements since the last output print, stdout and
#     x                          stderr as they interleave, up to a blank line (an empty line
#     Taliban                    of output is written <empty line>)
#
#     FIND ?x WHERE ?x demands;
#     ----
#     NAME.test:9:25: syntax error: expected a term, a variable or '_' after 'demands', found ';'
#
#     -- exit: 1                 the program's exit status, once at the end of each process
#     -- new process             optional: what follows runs in a new process, same database
#
# Statements with no ---- after them print nothing. "---- to the end" instead of ---- holds all
# the rest of the process's output: after --bail's first error, .exit, or a statement that
# runs to the end of the file (an unterminated string); the statements after it print nothing. Each process runs the file itself (the
# other lines blanked, so messages give the case file's lines), on a fresh database, from a
# copy of tests/e2e (for the files the cases import), as
# `claimdb DB -m tsv --headers on ARGS -f NAME.test`. A ---- line runs ".print @e2e:LINE",
# so each output is checked against the statements it follows; a malformed case file fails.
# CLAIMDB_REGEN=1 rewrites the outputs and exit statuses in NAME.test (review the diff), until
# they settle (an output that grows moves the positions of the messages after it).
#   run.sh PROGRAM CASE.test
set -u
# Citations are stamped with this time instead of the clock, so outputs are reproducible.
export SOURCE_DATE_EPOCH=1700000000
prog=$1
case_file=$2
case $prog in /*) ;; *) prog=$PWD/$prog ;; esac
dir=$(cd "$(dirname "$case_file")" && pwd)
name=$(basename "$case_file")
awk_file=$(cd "$(dirname "$0")/../lib" && pwd)/e2e.awk
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# run_case: runs the case file as it is now; its expected output in $tmp/split/expected, what
# the program printed in $tmp/actual.
run_case() {
    rm -rf "$tmp/split" "$tmp/case" "$tmp"/test.db*
    mkdir "$tmp/split" "$tmp/case"
    nproc=$(awk -v mode=split -v dir="$tmp/split" -v name="$name" -f "$awk_file" "$dir/$name") ||
        exit 2
    cp -R "$dir/." "$tmp/case/"
    out="$tmp/out"
    : > "$out"
    k=1
    while [ "$k" -le "$nproc" ]; do
        cp "$tmp/split/script.$k" "$tmp/case/$name"
        args=$(cat "$tmp/split/args.$k")
        # shellcheck disable=SC2086
        (cd "$tmp/case" && CI=true "$prog" "$tmp/test.db" -m tsv --headers on $args -f "$name" \
            < /dev/null) >> "$out" 2>&1
        echo "exit: $?" >> "$out"
        k=$((k + 1))
    done
    # With .echo on, the program echoes the markers' .print commands too: not part of the case.
    grep -v '^\.print @e2e:[0-9]*$' "$out" > "$tmp/actual"
}
if [ "${CLAIMDB_REGEN:-0}" = 1 ]; then
    # A changed output can move the lines after it, and with them the positions in messages:
    # rewrite until the file no longer changes.
    i=0
    while [ $i -lt 5 ]; do
        run_case
        awk -v mode=regen -v actual="$tmp/actual" -v name="$name" -f "$awk_file" "$dir/$name" \
            > "$tmp/regen" || exit 2
        cmp -s "$tmp/regen" "$dir/$name" && exit 0
        cp "$tmp/regen" "$dir/$name"
        i=$((i + 1))
    done
    echo "e2e case $name: the outputs did not settle in 5 rewrites" >&2
    exit 1
fi
run_case
if ! diff -u "$tmp/split/expected" "$tmp/actual"; then
    echo "e2e case $name: the output differs from the file's (see the diff above; @e2e:N" \
        "marks the ---- at line N)" >&2
    exit 1
fi
