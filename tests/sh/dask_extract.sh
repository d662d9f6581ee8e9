#!/bin/sh
# scripts/dask_extract.py: a Dask LocalCluster with 2 workers extracts the seed articles in
# several partitions; the shards imported into one database export the same citations and
# article texts as `claimdb ingest` of the same files in one process (ingest alone also finds
# headlines and near duplicates: the title and duplicate_of fields are left out of the
# comparison, docs/scaling.md); --ship gives the same shards; each shard loaded into a
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
grep -q '^dask_extract: [3-9] partitions, 5 articles, [0-9]* claims, .* on 2 workers$' err ||
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

# --ship: the partitions and shards travel through Dask; the same shards.
"$py" "$driver" --workers 2 --partition-mb 0.004 --claimdb "$prog" --ship --out shipped \
    "$src/data/articles" 2> err || fail "dask_extract --ship: $(cat err)"
for f in shards/part-*.jsonl; do
    cmp -s "$f" "shipped/${f#shards/}" || fail "--ship shard ${f#shards/} differs"
done

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
exit $((fails > 0))
