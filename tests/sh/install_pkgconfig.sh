#!/bin/sh
# make install into a temporary prefix, then build docs/examples/who_says.c against it with
# pkg-config alone, as an application would, and run it on a database made by the program;
# the static library keeps its insides local (an application may reuse their names), and
# claimdb.h compiles alone in C and C++ with no flags of the libraries behind it.
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
# The static library too: only claimdb_ names are global in it.
a=$(find "$tmp/prefix" -name 'libclaimdb.a' | head -1)
if nm -g --defined-only "$a" | awk 'NF == 3 {print $3}' | grep -v '^claimdb_' | grep -q .; then
    echo "libclaimdb.a defines global symbols without the claimdb_ prefix:"
    nm -g --defined-only "$a" | awk 'NF == 3 {print $3}' | grep -v '^claimdb_' | head
    exit 1
fi
# An application linked statically may define names the engine uses inside.
cat > "$tmp/clash.c" << 'CLASH'
#include <claimdb.h>
#include <stdio.h>
int db_error(void) { return 7; } /* names of the engine's insides */
int v_int(void) { return 8; }
int plan_build(void) { return 9; }
int main(void)
{
    claimdb *db = NULL;
    int rc = claimdb_open("/nonexistent/dir/x.db", 0, &db);
    claimdb_close(db);
    printf("%s %d\n", claimdb_version() ? "ok" : "no", db_error() + v_int() + plan_build() + (rc != 0));
    return 0;
}
CLASH
libs=$(PKG_CONFIG_PATH="$pc" pkg-config --libs --static claimdb | sed 's/-lclaimdb//')
cc $san "$tmp/clash.c" -I"$tmp/prefix/include" "$a" $libs -o "$tmp/clash"
[ "$("$tmp/clash")" = "ok 25" ] || { echo "static link with clashing names failed"; exit 1; }
# claimdb.h needs no flags of the libraries behind it, and compiles alone in C and in C++.
cflags=$(PKG_CONFIG_PATH="$pc" pkg-config --cflags claimdb)
case $cflags in *-D*) echo "pkg-config passes definitions to applications: $cflags"; exit 1 ;; esac
printf '#include <claimdb.h>\nint main(void) { return claimdb_version() == 0; }\n' > "$tmp/alone.c"
cc -std=c11 -Wall -Werror -c "$tmp/alone.c" -I"$tmp/prefix/include" -o "$tmp/alone.o"
if command -v c++ > /dev/null; then
    cp "$tmp/alone.c" "$tmp/alone.cc"
    c++ -Wall -Werror -c "$tmp/alone.cc" -I"$tmp/prefix/include" -o "$tmp/alone2.o"
fi
echo "install and pkg-config build: ok"
