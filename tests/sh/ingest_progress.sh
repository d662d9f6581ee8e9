#!/bin/sh
# The ingest progress bar: shown on a terminal (stderr on a pseudo-terminal, the delay before
# it appears set to 0), with bytes done of the total, rate and time left, and erased before
# the summary; never in a pipe, nor with CI set.
set -u
. "$(dirname "$0")/../lib/common.sh"
${CC:-cc} -std=c11 -o "$tmp/ptydrive" "$src/tests/pty/ptydrive.c" -lutil ||
    { echo "cannot build ptydrive"; exit 1; }
mkdir "$tmp/articles"
i=0
while [ $i -lt 40 ]; do # forty articles: the seeds, each with a line of its own
    { cat "$src/data/articles/$((i % 5)).txt"; printf '\n\nThis is copy %d of the story.\n' $i; } \
        > "$tmp/articles/$((100 + i)).txt"
    i=$((i + 1))
done
unset CI
export CLAIMDB_PROGRESS_DELAY=0
"$tmp/ptydrive" "$prog" ingest "$tmp/a.db" "$tmp/articles" < /dev/null > "$tmp/tty" 2>&1 ||
    fail "ingest on a terminal failed: $(cat "$tmp/tty")"
grep -Eq 'ingest \[[#-]+\] +[0-9]+% [0-9.]+ [kM]?B of [0-9.]+ [kM]?B, [0-9.]+ [kM]?B/s, [0-9]+ s left' "$tmp/tty" ||
    fail "no progress bar on a terminal: $(cat "$tmp/tty")"
grep -q "ingest: 40 articles stored (3[0-9] marked duplicate)" "$tmp/tty" ||
    fail "no summary on a terminal: $(tr '\r' '\n' < "$tmp/tty" | tail -3)"
tr '\r' '\n' < "$tmp/tty" | grep 'articles stored' | grep -q '%' && fail "the bar was not erased"

"$prog" ingest "$tmp/b.db" "$tmp/articles" > "$tmp/pipe" 2>&1 || fail "ingest in a pipe failed"
grep -q '%' "$tmp/pipe" && fail "progress shown in a pipe"
CI=true "$tmp/ptydrive" "$prog" ingest "$tmp/c.db" "$tmp/articles" < /dev/null > "$tmp/ci" 2>&1 ||
    fail "ingest with CI failed"
grep -q '%' "$tmp/ci" && fail "progress shown with CI=true"
grep -q "^ingest: 40 articles stored" "$tmp/ci" || fail "no summary with CI=true"
exit $((fails > 0))
