#!/bin/sh
# 'make fuzz': runs each libFuzzer target for SECONDS (two at a time, FUZZ_PARALLEL), on corpora
# seeded from the tests, and prints the executions and what was found. A crash input is kept
# in BUILD/fuzz-crashes; copy it to tests/fuzz/regress/TARGET/ with the fix, and ctest replays
# it from then on.
#   run.sh BUILD SECONDS [TARGET...]
set -u
build=$(cd "$1" && pwd) secs=$2
shift 2
src=$(cd "$(dirname "$0")/../.." && pwd)
targets=${*:-statements import_tsv import_jsonl import_nquads dbfile}
prog=$build/claimdb
corpus=$build/fuzz-corpus crashes=$build/fuzz-crashes
mkdir -p "$crashes"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export CI=true

# ---- seeds --------------------------------------------------------------------------------
seed_statements() {
    for f in "$src"/tests/e2e/*.test; do # the statements, without the expected outputs
        awk -v mode=split -v dir="$1" -v name=x -f "$src/tests/lib/e2e.awk" "$f" > /dev/null &&
            mv "$1/script.1" "$1/$(basename "$f" .test).cq"
        rm -f "$1"/script.* "$1"/args.* "$1/expected"
    done
    # each statement of the parser's case files on its own
    n=0
    for f in "$src"/tests/parser/*.cases; do
        grep -aE '^[A-Z]' "$f" | while IFS= read -r line; do
            n=$((n + 1))
            printf '%s\n' "$line" > "$1/$(basename "$f" .cases)-$n.cq"
        done
    done
}
seed_import() { # DIR FORMAT
    tmpdb=$seed_db
    rm -f "$tmpdb" "$tmpdb-lock"
    "$prog" import "$tmpdb" "$src/data/aliases.tsv" "$src/data/articles.tsv" \
        "$src/data/claims.tsv" > /dev/null 2>&1
    "$prog" export "$tmpdb" --format "$2" 2> /dev/null | head -c 16000 > "$1/demo.$2"
    for f in "$src"/tests/e2e/*."$2" "$src"/data/*."$2"; do
        [ -f "$f" ] && head -c 16000 "$f" > "$1/$(basename "$f")"
    done
    rm -f "$tmpdb" "$tmpdb-lock"
}
seed_dbfile() {
    tmpdb=$seed_db
    rm -f "$tmpdb" "$tmpdb-lock"
    "$prog" "$tmpdb" "ARTICLE 0 TITLE 't'; ASSERT Taliban demand withdrawal FROM 0, 1 QUOTE 'q';" \
        > /dev/null 2>&1
    # two bytes: the file's length in 256-byte steps (0: whole), then its first 8 KiB
    { printf '\000\000'; head -c 8192 "$tmpdb"; } > "$1/whole"
    { printf '\000\040'; head -c 8192 "$tmpdb"; } > "$1/cut-8k"
    { printf '\000\000'; head -c 4096 "$tmpdb"; } > "$1/meta0"
    rm -f "$tmpdb" "$tmpdb-lock"
}

# run_one TARGET: seeds its corpus, fuzzes it, writes its line of the summary and its status
run_one() {
    t=$1
    bin=$build/tests/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "fuzz $t: $bin is not built" > "$build/fuzz-$t.summary"; echo 2 > "$build/fuzz-$t.status"; return; }
    mkdir -p "$corpus/$t"
    if [ -z "$(ls -A "$corpus/$t")" ]; then
        case $t in
        statements) seed_statements "$corpus/$t" ;;
        import_tsv) seed_import "$corpus/$t" tsv ;;
        import_jsonl) seed_import "$corpus/$t" jsonl ;;
        import_nquads) seed_import "$corpus/$t" nquads ;;
        dbfile) seed_dbfile "$corpus/$t" ;;
        esac
    fi
    # the saved crashes are seeds too
    [ -d "$src/tests/fuzz/regress/$t" ] && cp "$src/tests/fuzz/regress/$t"/* "$corpus/$t"/ 2> /dev/null
    log=$build/fuzz-$t.log
    quiet=
    case $t in import_*) quiet=-close_fd_mask=2 ;; esac # the importers' messages
    "$bin" $quiet -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=16384 \
        -artifact_prefix="$crashes/$t-" -print_final_stats=1 "$corpus/$t" > "$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    if [ $rc = 0 ]; then
        echo "fuzz $t: ${execs:-?} executions in ${secs} s, no crash" > "$build/fuzz-$t.summary"
    else
        { echo "fuzz $t: FAILED after ${execs:-?} executions (status $rc); see $log:"
          grep -E 'ERROR|SUMMARY|Test unit written|#[0-9] ' "$log" | head -20; } > "$build/fuzz-$t.summary"
    fi
    echo $rc > "$build/fuzz-$t.status"
}

# Two targets at a time (libFuzzer uses one core each; CI has two).
parallel=${FUZZ_PARALLEL:-2}
running=""
n=0
for t in $targets; do
    # each seeds with its own scratch database name
    (seed_db=$build/fuzz-seed-$t.db; run_one "$t") &
    running="$running $!"
    n=$((n + 1))
    if [ $n -ge "$parallel" ]; then
        wait $running
        running="" n=0
    fi
done
[ -n "$running" ] && wait $running
status=0
for t in $targets; do
    cat "$build/fuzz-$t.summary"
    [ "$(cat "$build/fuzz-$t.status")" = 0 ] || status=1
done
exit $status
