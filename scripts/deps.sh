#!/bin/sh
# Installs, with apt-get, the Debian packages claimdb needs that are missing.
# A no-op when all are present; when not root it prints the command to run.
set -eu
PKGS="cmake make gcc pkg-config flex bison liblmdb-dev libcmocka-dev libedit-dev libutf8proc-dev libpcre2-dev libjansson-dev libserd-dev libsqlite3-dev libstemmer-dev wordnet-base python3 python3-distributed liblink-grammar-dev link-grammar-dictionaries-en"
missing=""
# 'make fuzz' (and CI) also needs clang with its sanitizer and libFuzzer runtimes.
[ "${1:-}" = fuzz ] && PKGS="$PKGS clang libclang-rt-dev"
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "claimdb needs these Debian packages:$missing" >&2
    echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
