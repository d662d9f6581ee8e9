#!/bin/sh
# The build lists its sources (CMakeLists.txt, tests/CMakeLists.txt) instead of globbing them:
# every C file of the library, the program and the differential test must be in a list, so that
# a file added without its line fails here rather than being silently left out of the build.
set -u
. "$(dirname "$0")/../lib/common.sh"
missing=""
for f in "$src"/parser/*.c "$src"/db/*.c "$src"/extract/*.c "$src"/repl/*.c; do
    rel=${f#"$src"/}
    grep -qw "$rel" "$src/CMakeLists.txt" || missing="$missing $rel"
done
for f in "$src"/tests/unit/differential/*.c; do
    rel=${f#"$src"/tests/}
    grep -qw "$rel" "$src/tests/CMakeLists.txt" || missing="$missing tests/$rel"
done
[ -z "$missing" ] || fail "source files in no list of the build:$missing"
exit $((fails > 0))
