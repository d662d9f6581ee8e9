#!/bin/sh
# scripts/dask_extract.py: a Dask LocalCluster with 2 workers extracts the seed articles in
# several partitions; the shards imported into one database export the same citations and
# article texts as `claimdb ingest` of the same files in one process (ingest alone also finds
# headlines and near duplicates: the title and duplicate_of fields are left out of the
# comparison, docs/scaling.md); a dask-scheduler with two dask-worker processes, given to
# the driver by its address, with --ship, gives the same shards; each shard loaded into a
# database of its own and `claimdb merge`d gives the same database as the import of all
# shards. Skipped (status 77) when python3-distributed is not installed.
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1

py=/usr/bin/python3
[ -x "$py" ] || py=python3
if ! "$py" -c 'import distributed' 2> /dev/null; then
    echo "SKIPPED: python3-distributed is not installed (make deps installs it)"
    exit 77
fi
driver=$src/scripts/dask_extract.py

# Partitions of about 4 kB: the five articles (2.4 to 3.9 kB) make three tasks for the two workers.
"$py" "$driver" --workers 2 --partition-mb 0.004 --claimdb "$prog" --out shards \
    "$src/data/articles" 2> err || fail "dask_extract: $(cat err)"
grep -q '^dask_extract: 3 partitions, 5 articles, [0-9]* claims, .* on 2 workers$' err ||
    fail "driver summary: $(grep dask_extract err)"
"$prog" import dask.db shards/part-*.jsonl 2> err || fail "import of the shards: $(cat err)"
"$prog" ingest one.db "$src/data/articles" 2> err || fail "ingest: $(cat err)"

# The exports, without the fields only ingest writes.
strip() {
    "$py" -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    r.pop("title", None)
    r.pop("duplicate_of", None)
    print(json.dumps(r, ensure_ascii=False, sort_keys=True))' < "$1"
}
"$prog" export dask.db --format jsonl -o dask.jsonl || fail "export of the Dask database"
"$prog" export one.db --format jsonl -o one.jsonl || fail "export of the ingested database"
strip dask.jsonl > dask.cmp
strip one.jsonl > one.cmp
[ "$(grep -c '"type": "article"' one.cmp)" = 5 ] || fail "ingest stored $(grep -c '"type": "article"' one.cmp) articles, not 5"
[ "$(grep -vc '"type"' one.cmp)" -ge 100 ] || fail "ingest found too few citations: $(grep -vc '"type"' one.cmp)"
cmp -s dask.cmp one.cmp || fail "Dask import and ingest differ: $(diff dask.cmp one.cmp | head -5)"

# A real cluster, as on several machines: dask-scheduler and two dask-worker processes, the
# driver given the scheduler's address, with --ship (the partitions and shards travel through
# Dask): the same shards.
# At exit the workers are stopped first (while the scheduler can still see them go), then
# the scheduler; each is waited for, so that no process outlives the test.
sched= workers=
stop() {
    for p in $workers; do kill "$p" 2> /dev/null; done
    for p in $workers; do wait "$p" 2> /dev/null; done
    [ -z "$sched" ] || { kill "$sched" 2> /dev/null; wait "$sched" 2> /dev/null; }
    rm -rf "$tmp"
}
trap stop EXIT
dask-scheduler --host 127.0.0.1 --port 0 --no-dashboard --scheduler-file sched.json \
    > sched.log 2>&1 &
sched=$!
i=0
while [ ! -s sched.json ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
addr=$("$py" -c 'import json; print(json.load(open("sched.json"))["address"])' 2> /dev/null)
case $addr in tcp://127.0.0.1:*) ;; *) fail "dask-scheduler did not start: $(cat sched.log)" ;; esac
for w in 1 2; do
    dask-worker "$addr" --nthreads 1 --no-nanny --no-dashboard > worker$w.log 2>&1 &
    workers="$workers $!"
done
"$py" "$driver" --scheduler "$addr" --partition-mb 0.004 --claimdb "$prog" --ship --out shipped \
    "$src/data/articles" 2> err || fail "dask_extract --scheduler --ship: $(cat err)"
grep -q '^dask_extract: 3 partitions, 5 articles, [0-9]* claims, .* on [12] workers$' err ||
    fail "driver summary with --scheduler: $(grep dask_extract err)"
for f in shards/part-*.jsonl; do
    cmp -s "$f" "shipped/${f#shards/}" || fail "--scheduler --ship shard ${f#shards/} differs"
done
[ "$(ls shipped | wc -l)" = "$(ls shards | wc -l)" ] || fail "--ship wrote $(ls shipped | wc -l) shards"

# One database per shard, merged: the same as the import of all shards.
set --
for f in shards/part-*.jsonl; do
    b=${f#shards/}
    "$prog" import "${b%.jsonl}.db" "$f" 2> err || fail "import of $f: $(cat err)"
    set -- "$@" "${b%.jsonl}.db"
done
"$prog" merge merged.db "$@" 2> err || fail "merge of the shard databases: $(cat err)"
"$prog" export merged.db --format jsonl | cmp -s - dask.jsonl ||
    fail "merged shard databases differ from the import of the shards"
q='FIND ?m, COUNT(*) WHERE ?s ?p ?o FROM ?src METHOD ?m GROUP BY ?m;'
"$prog" merged.db "$q" > merged.methods
"$prog" one.db "$q" | cmp -s - merged.methods && grep -q '^extracted	[1-9]' merged.methods ||
    fail "methods after the merge: $(cat merged.methods)"
exit $((fails > 0))
