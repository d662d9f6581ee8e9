#!/bin/sh
# The throughput measurement of docs/scaling.md: a synthetic corpus of MB megabytes
# (bench/gen_corpus.py), extracted by `claimdb extract --jobs 1` and `--jobs 2`, and by
# scripts/dask_extract.py on a LocalCluster of 1 and 2 workers; then the load: the shards of a
# LOAD_MB slice imported into one database, and the same claims merged from two databases
# with `claimdb merge`. Never run by ctest (speed is measured, not asserted).
#
#   sh bench/scale_bench.sh [CLAIMDB] [DIR]      (env: MB=200 LOAD_MB=20 KEEP=1)
#
# CLAIMDB defaults to build-bench/claimdb (make bench-build; a Release build), DIR to a new
# folder in /var/tmp, removed at the end unless KEEP=1. The load average is printed before
# and after: on a shared machine it says how much of the two cores the runs had.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prog=${1:-$here/../build-bench/claimdb}
case $prog in /*) ;; *) prog=$PWD/$prog ;; esac
dir=${2:-$(mktemp -d /var/tmp/claimdb-scale.XXXXXX)}
MB=${MB:-200}
LOAD_MB=${LOAD_MB:-20}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"
cd "$dir"

now() { "$py" -c 'import time; print("%.3f" % time.monotonic())'; }
rate() { awk -v b="$1" -v t0="$2" -v t1="$3" 'BEGIN { printf "%.2f s, %.2f MB/s", t1 - t0, b / 1e6 / (t1 - t0) }'; }

echo "# machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$py" "$here/gen_corpus.py" --mb "$MB" --out corpus.jsonl
bytes=$(wc -c < corpus.jsonl)

# Wall time and CPU time (user + system) of a command: "s cpu".
timed() { /usr/bin/time -f '%e %U %S' -o time.out "$@" && awk '{ printf "%s %.2f", $1, $2 + $3 }' time.out; }

for j in 1 2; do
    set -- $(timed sh -c '"$0" extract --jobs "$1" < corpus.jsonl > /dev/null' "$prog" $j)
    echo "claimdb extract --jobs $j: $1 s, $(awk -v b="$bytes" -v t="$1" -v c="$2" 'BEGIN { printf "%.2f MB/s; %.2f CPU s, %.2f MB per CPU s", b / 1e6 / t, c, b / 1e6 / c }') (load $(cut -d' ' -f1 /proc/loadavg))"
done

for w in 1 2; do
    t0=$(now)
    "$py" "$here/../scripts/dask_extract.py" --workers $w --claimdb "$prog" --partition-mb 16 \
        --out shards$w corpus.jsonl 2> dask$w.err || { cat dask$w.err; exit 1; }
    t1=$(now)
    echo "dask_extract --workers $w: $(rate "$bytes" "$t0" "$t1") with cluster start-up (load $(cut -d' ' -f1 /proc/loadavg))"
    sed -n 's/^dask_extract: /  /p' dask$w.err
    [ $w = 1 ] && rm -rf shards1
done
du -sh shards2 | sed 's/^/shards (with article texts): /'

# The load: a LOAD_MB slice, in two halves.
"$py" - "$LOAD_MB" <<'PY'
import sys
limit = float(sys.argv[1]) * 1e6
done = 0
with open("corpus.jsonl", "rb") as f, open("half1.jsonl", "wb") as a, open("half2.jsonl", "wb") as b:
    for line in f:
        if done >= limit:
            break
        (a if done < limit / 2 else b).write(line)
        done += len(line)
PY
"$prog" extract --jobs 2 half1.jsonl > claims1.jsonl
"$prog" extract --jobs 2 half2.jsonl > claims2.jsonl
python_articles() { # the article records of a slice, as the Dask shards carry them
    "$py" -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    a = json.loads(line)
    print(json.dumps({"type": "article", "id": a["id"], "text": a["text"]}, ensure_ascii=False))' "$1"
}
python_articles half1.jsonl > art1.jsonl
python_articles half2.jsonl > art2.jsonl
cat art1.jsonl claims1.jsonl > shard1.jsonl
cat art2.jsonl claims2.jsonl > shard2.jsonl
n=$(cat claims1.jsonl claims2.jsonl | wc -l)
t0=$(now)
"$prog" import all.db shard1.jsonl shard2.jsonl 2> import.err
t1=$(now)
echo "import of 2 shards ($LOAD_MB MB of articles, $n citations): $(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f s, %.0f citations/s", b - a, n / (b - a) }')"
"$prog" import a.db shard1.jsonl 2> /dev/null
"$prog" import b.db shard2.jsonl 2> /dev/null
t0=$(now)
"$prog" merge merged.db a.db b.db 2> merge.err
t1=$(now)
echo "merge of 2 databases ($n citations): $(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f s, %.0f citations/s", b - a, n / (b - a) }')"
t0=$(now)
"$prog" merge merged.db a.db b.db 2> merge2.err
t1=$(now)
echo "merge again (all unchanged): $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f s", b - a }')"
ls -l all.db merged.db | awk '{ printf "%s: %.1f MB\n", $NF, $5 / 1e6 }'
"$prog" export all.db --format jsonl > all.export
"$prog" export merged.db --format jsonl > merged.export
cmp -s all.export merged.export && echo "merged database exports the same as the import" ||
    echo "merged database differs from the import"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
