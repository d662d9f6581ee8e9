#!/bin/sh
# make install into a temporary prefix, then build docs/examples/who_says.c against it with
# pkg-config alone, as an application would, and run it on a database made by the program.
set -eu
prog=$1 src=$2 build=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log"
pc=$(dirname "$(find "$tmp/prefix" -name claimdb.pc)")
test -f "$tmp/prefix/include/claimdb.h"
test -x "$tmp/prefix/bin/claimdb"
# A sanitizer build's library needs the application built with the same runtime.
san=""
grep -q '^CLAIMDB_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && san="-fsanitize=address,undefined"
PKG_CONFIG_PATH="$pc" cc $san "$src/docs/examples/who_says.c" \
    $(PKG_CONFIG_PATH="$pc" pkg-config --cflags --libs claimdb) -Wl,-rpath,"$(PKG_CONFIG_PATH="$pc" pkg-config --variable=libdir claimdb)" \
    -o "$tmp/who_says"
CI=true "$tmp/prefix/bin/claimdb" "$tmp/t.db" 'ASSERT Taliban demands withdrawal FROM 0, 4 QUOTE "pull out"; ASSERT Taliban seeks talks FROM 2;'
out=$("$tmp/who_says" "$tmp/t.db" taliban DEMANDS withdrawal)
expected="article 0: pull out
article 4: pull out"
if [ "$out" != "$expected" ]; then
    echo "who_says printed:"; echo "$out"; echo "expected:"; echo "$expected"
    exit 1
fi
# The shared library exports the API and nothing of the engine's insides.
lib=$(find "$tmp/prefix" -name 'libclaimdb.so.*.*' | head -1)
if nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^claimdb_' | grep -q .; then
    echo "libclaimdb.so exports symbols without the claimdb_ prefix:"
    nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^claimdb_'
    exit 1
fi
echo "install and pkg-config build: ok"
