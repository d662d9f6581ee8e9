# Sourced by the shell tests in tests/sh: the program ($1), source tree ($2) and build tree
# ($3) as absolute paths, a temporary folder $tmp removed at exit, and fail() counting failures in $fails.
prog=$1 src=${2:-} build=${3:-}
case $prog in /*) ;; *) prog=$PWD/$prog ;; esac
case $src in /* | '') ;; *) src=$PWD/$src ;; esac
case $build in /* | '') ;; *) build=$PWD/$build ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
export SOURCE_DATE_EPOCH=1700000000 # citations stamped with a fixed time: reproducible output
fail() { printf 'FAIL: %s\n' "$*"; fails=$((fails + 1)); }
