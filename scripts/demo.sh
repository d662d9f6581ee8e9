#!/bin/sh
# make demo: build the demo database from data/ (again only when data/ changed) through the
# real import path, then open it in the REPL; with no terminal on stdin, just build it.
set -eu
build=${1:-build}
prog="$build/claimdb"
db="$build/demo.db"
stale=1
if [ -f "$db" ]; then
    stale=0
    for f in data/articles.tsv data/aliases.tsv data/claims.tsv data/reviews.jsonl data/articles/*.txt "$prog"; do
        [ "$f" -nt "$db" ] && stale=1
    done
fi
if [ "$stale" = 1 ]; then
    tmp="$db.new"
    rm -f "$tmp" "$tmp-lock"
    # Aliases first, so that claims written with an alias land on the canonical term; the
    # example reviews (data/README.md: not real fact-checks) last.
    CI=${CI:-} "$prog" import "$tmp" data/articles.tsv data/aliases.tsv data/claims.tsv \
        data/reviews.jsonl
    rm -f "$db-lock"
    mv "$tmp" "$db"
    rm -f "$tmp-lock"
    echo "demo database: $db"
fi
if [ -t 0 ] && [ -t 1 ]; then
    exec "$prog" "$db"
fi
echo "no terminal: not opening the REPL. Try: $prog $db \"CHECK Taliban demand withdrawal;\""
