#!/bin/sh
# The import progress bar: shown on a terminal (stderr on a pseudo-terminal, with the delay
# before it appears set to 0), with bytes done of the total, rate and time left; never in a
# pipe, nor with CI set.
set -u
. "$(dirname "$0")/../lib/common.sh"
${CC:-cc} -std=c11 -o "$tmp/ptydrive" "$src/tests/pty/ptydrive.c" -lutil ||
    { echo "cannot build ptydrive"; exit 1; }
awk 'BEGIN { print "subject\tpredicate\tobject\tarticle\tquote";
             for (i = 0; i < 20000; i++) printf "s%d\tp%d\to%d\t%d\tquote %d\n", i, i % 9, i, i % 50, i }' \
    > "$tmp/claims.tsv"
unset CI
export CLAIMDB_PROGRESS_DELAY=0
"$tmp/ptydrive" "$prog" import "$tmp/a.db" "$tmp/claims.tsv" < /dev/null > "$tmp/tty" 2>&1 ||
    fail "import on a terminal failed: $(cat "$tmp/tty")"
grep -Eq 'claims\.tsv \[[#-]+\] +[0-9]+% [0-9.]+ [kM]?B of [0-9.]+ [kM]?B, [0-9.]+ [kM]?B/s, [0-9]+ s left' "$tmp/tty" ||
    fail "no progress bar on a terminal: $(cat "$tmp/tty")"
grep -q "claims.tsv: 20000 claims added" "$tmp/tty" || fail "no counts on a terminal"
# The bar is erased before the counts are printed.
tr '\r' '\n' < "$tmp/tty" | grep 'claims added' | grep -q '%' && fail "the bar was not erased"

"$prog" import "$tmp/b.db" "$tmp/claims.tsv" > "$tmp/pipe" 2>&1 || fail "import in a pipe failed"
grep -q '%' "$tmp/pipe" && fail "progress shown in a pipe"
CI=true "$tmp/ptydrive" "$prog" import "$tmp/c.db" "$tmp/claims.tsv" < /dev/null > "$tmp/ci" 2>&1 ||
    fail "import with CI failed"
grep -q '%' "$tmp/ci" && fail "progress shown with CI=true"
grep -q "claims.tsv: 20000 claims added" "$tmp/ci" || fail "no counts with CI=true"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "prog_progress: ok"
