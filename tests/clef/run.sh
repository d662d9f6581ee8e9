#!/bin/sh
# The CheckThat! 2020 task 2 development split (README.md here): SIMILAR's MAP@5 must stay at
# or above the floor. Usage: run.sh CLAIMDB_CLEF_PROGRAM FLOOR
set -eu
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$1" "$tmp/clef.claimdb" "$here/verified_claims.docs.tsv" "$here/dev.tweets.queries.tsv" \
    "$here/dev.tweet-vclaim-pairs.qrels" --floor "$2"
