#!/usr/bin/python3
"""Run `claimdb extract` as the map stage of a Dask distributed job (docs/scaling.md).

The input (JSON Lines files of articles {"id", "text", ...}, folders of N.txt files, or
.txt files) is cut into partitions; each partition is piped through `claimdb extract` on a
Dask worker, and its output is written as one shard file, OUT/part-NNNNN.jsonl, in the JSON
Lines import format. `claimdb import DB OUT/part-*.jsonl` then loads the shards (one writer).

    dask_extract.py --workers 2 --out shards data/articles          # a LocalCluster
    dask_extract.py --scheduler tcp://host:8786 --out /shared/shards /shared/articles.jsonl

Each shard starts with the partition's articles ({"type": "article", "id", "text", and the
title, outlet, date, url, author and duplicate_of fields the input gives}) unless
--no-articles, so that the loaded database holds the texts and places the quotes in them.

Where the data lives: by default a worker reads its partition from the input path and writes
its shard into OUT itself, so on a real cluster both must be on storage every worker sees
(NFS, a cluster file system). With --ship the client reads each partition and sends it with
the task, and the worker sends the shard back for the client to write: nothing shared is
needed but the client's bandwidth. A shard is written to a temporary name and renamed, so a
task that Dask runs again (a lost worker) never leaves half a shard.

Standard library plus dask.distributed (Debian: python3-distributed). Exit status: 0, 1 when
an article or partition failed (the others are still written), 2 bad usage.
"""

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time

# Fields of an input article that the import format's article record carries.
ARTICLE_FIELDS = ("title", "outlet", "date", "url", "author", "duplicate_of")

# A partition of about this many bytes of input keeps a task long enough (a few seconds at
# 20 MB/s) that Dask's per-task overhead (milliseconds) does not count.
DEFAULT_PARTITION_BYTES = 64 << 20


def jsonl_partitions(path, target):
    """Byte ranges [start, end) of path, each ending at a line end, of about target bytes."""
    size = os.path.getsize(path)
    parts, start = [], 0
    with open(path, "rb") as f:
        while start < size:
            end = min(start + target, size)
            if end < size:
                f.seek(end)
                f.readline()  # to the end of the line that straddles the cut
                end = f.tell()
            parts.append({"kind": "jsonl", "path": path, "start": start, "end": end})
            start = end
    return parts


def text_files(paths):
    """(id, path) of the .txt articles, numbered as `claimdb ingest` numbers them: N.txt is
    article N; the other names, in name order, take the ids after the largest N."""
    numbered, named = [], []
    for p in paths:
        m = re.fullmatch(r"(0|[1-9][0-9]{0,17})\.txt", os.path.basename(p))
        if m:
            numbered.append((int(m.group(1)), p))
        else:
            named.append(p)
    numbered.sort()
    next_id = numbered[-1][0] + 1 if numbered else 0
    out = list(numbered)
    for p in sorted(named):
        out.append((next_id, p))
        next_id += 1
    return out


def text_partitions(files, target):
    """Groups of (id, path) of about target bytes each."""
    parts, cur, size = [], [], 0
    for ident, p in files:
        cur.append((ident, p))
        size += os.path.getsize(p)
        if size >= target:
            parts.append({"kind": "text", "files": cur})
            cur, size = [], 0
    if cur:
        parts.append({"kind": "text", "files": cur})
    return parts


def read_partition(part):
    """The partition as JSON Lines of articles, and the errors met reading it."""
    if part["kind"] == "jsonl":
        with open(part["path"], "rb") as f:
            f.seek(part["start"])
            return f.read(part["end"] - part["start"]), []
    lines, errors = [], []
    for ident, p in part["files"]:
        try:
            with open(p, "rb") as f:
                text = f.read().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            errors.append("%s: %s" % (p, e))
            continue
        lines.append(json.dumps({"id": ident, "text": text}, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b"", errors


def article_records(data):
    """The import format's article records for the articles of a JSON Lines partition (lines
    that do not parse are left to `claimdb extract`, which reports them)."""
    out = []
    for line in data.splitlines():
        try:
            a = json.loads(line)
        except ValueError:
            continue
        if not isinstance(a, dict) or not isinstance(a.get("id"), int) or a["id"] < 0:
            continue
        rec = {"type": "article", "id": a["id"]}
        for k in ARTICLE_FIELDS:
            if a.get(k) not in (None, ""):
                rec[k] = a[k]
        if isinstance(a.get("text"), str) and a["text"]:
            rec["text"] = a["text"]
        out.append(json.dumps(rec, ensure_ascii=False))
    return ("\n".join(out) + "\n").encode("utf-8") if out else b""


def write_shard(path, data):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def extract_partition(part, number, opts):
    """The task a worker runs: the partition through `claimdb extract`, its shard written (or
    returned with --ship). Returns counts and the error lines."""
    t0 = time.monotonic()
    if "data" in part:
        data, errors = part["data"], list(part.get("errors", []))
    else:
        data, errors = read_partition(part)
    # CPU time of the extraction itself: a worker runs one task at a time (one thread), so
    # the children's time it gained during the task is this task's.
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [opts["claimdb"], "extract", "--jobs", str(opts["jobs"])],
        input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if proc.returncode not in (0, 1):  # 1: bad lines, the others extracted
        raise RuntimeError("partition %d: claimdb extract exited %d: %s" % (
            number, proc.returncode, proc.stderr.decode("utf-8", "replace").strip()))
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru1.ru_utime - ru0.ru_utime + ru1.ru_stime - ru0.ru_stime
    errors += ["partition %d: %s" % (number, line)
               for line in proc.stderr.decode("utf-8", "replace").splitlines()]
    shard = (b"" if opts["no_articles"] else article_records(data)) + proc.stdout
    name = "part-%05d.jsonl" % number
    result = {"name": name, "bytes": len(data), "claims": proc.stdout.count(b"\n"),
              "articles": sum(1 for line in data.splitlines() if line.strip()), "errors": errors,
              "seconds": time.monotonic() - t0, "cpu": cpu}
    if opts["ship"]:
        result["shard"] = shard
    else:
        write_shard(os.path.join(opts["out"], name), shard)
    return result


def find_claimdb(given):
    if given:
        return os.path.abspath(given) if os.sep in given else given
    here = os.path.dirname(os.path.abspath(__file__))
    for p in (shutil.which("claimdb"), os.path.join(here, "..", "build", "claimdb")):
        if p and os.access(p, os.X_OK):
            return os.path.abspath(p)
    return "claimdb"


def main(argv):
    ap = argparse.ArgumentParser(
        description="Extract claims from articles with `claimdb extract` on Dask workers; "
                    "write one JSON Lines shard per partition.")
    ap.add_argument("inputs", nargs="+", metavar="INPUT",
                    help="a .jsonl file of articles, a folder of .txt files, or .txt files")
    ap.add_argument("--out", required=True, help="folder for the shards (created)")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="address of a running Dask scheduler "
                       "(tcp://host:8786); default: a LocalCluster")
    where.add_argument("--workers", type=int, default=2,
                       help="processes of the LocalCluster (default 2)")
    ap.add_argument("--jobs", type=int, default=1,
                    help="threads of each `claimdb extract` (default 1: one per worker)")
    ap.add_argument("--partition-mb", type=float, default=DEFAULT_PARTITION_BYTES / 2**20,
                    help="input bytes per partition, in MB (default 64)")
    ap.add_argument("--claimdb", help="the claimdb program on the workers (default: claimdb "
                    "on PATH, else build/claimdb beside this script)")
    ap.add_argument("--ship", action="store_true",
                    help="send partitions and shards through Dask (no shared storage)")
    ap.add_argument("--no-articles", action="store_true",
                    help="shards hold claims only, no article records")
    args = ap.parse_args(argv)
    if args.workers < 1 or args.jobs < 1 or args.partition_mb <= 0:
        ap.error("--workers, --jobs and --partition-mb must be positive")

    target = max(1, int(args.partition_mb * 2**20))
    parts, txt = [], []
    for p in args.inputs:
        if os.path.isdir(p):
            txt += [os.path.join(p, n) for n in os.listdir(p) if n.endswith(".txt")]
        elif p.endswith(".txt"):
            txt.append(p)
        elif os.path.isfile(p):
            parts += jsonl_partitions(os.path.abspath(p), target)
        else:
            ap.error("%s: no such file or folder" % p)
    parts += text_partitions([(i, os.path.abspath(p)) for i, p in text_files(txt)], target)
    os.makedirs(args.out, exist_ok=True)
    opts = {"claimdb": find_claimdb(args.claimdb), "jobs": args.jobs,
            "out": os.path.abspath(args.out), "ship": args.ship,
            "no_articles": args.no_articles}
    if args.ship:
        for part in parts:
            part["data"], part["errors"] = read_partition(part)

    from dask.distributed import Client, LocalCluster, as_completed

    t0 = time.monotonic()
    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
        nworkers = 0  # counted at the end: workers may join while the job runs
    else:
        # One single-threaded process per worker: `claimdb extract` is the parallelism, and
        # the Python side only waits on its pipe.
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        nworkers = args.workers
    try:
        futures = client.map(extract_partition, parts, range(len(parts)),
                             [opts] * len(parts), pure=False)
        total = {"bytes": 0, "claims": 0, "articles": 0, "cpu": 0.0}
        failed = False
        for fut in as_completed(futures):
            try:
                r = fut.result()
            except Exception as e:  # the task's own error, as the worker raised it
                print("dask_extract: %s" % e, file=sys.stderr)
                failed = True
                continue
            if args.ship:
                write_shard(os.path.join(opts["out"], r["name"]), r["shard"])
            for e in r["errors"]:
                print("dask_extract: %s" % e, file=sys.stderr)
            failed |= bool(r["errors"])
            for k in total:
                total[k] += r[k]
        if args.scheduler:
            nworkers = len(client.scheduler_info()["workers"])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    dt = time.monotonic() - t0
    print("dask_extract: %d partitions, %d articles, %d claims, %.1f MB in %.2f s "
          "(%.2f MB/s) on %d workers" % (
              len(parts), total["articles"], total["claims"], total["bytes"] / 1e6, dt,
              total["bytes"] / 1e6 / dt if dt > 0 else 0.0, nworkers), file=sys.stderr)
    print("dask_extract: claimdb extract used %.2f CPU s (%.2f MB per CPU s)" % (
        total["cpu"], total["bytes"] / 1e6 / total["cpu"] if total["cpu"] > 0 else 0.0),
        file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
