#!/bin/sh
# The CaRB development split (641 sentences, tests/carb/) through `claimdb extract`, fast and
# --deep, each with and without --reporting, scored by the CaRB scorer; the deep runs print
# where the sentences' claims came from. A minute or two of parsing on two cores: the suite
# deep-parses only a subset (tests/sh/extract_deep.sh).
#   sh bench/extract_carb.sh [PROGRAM [SOURCE_DIR]]   (default: build/claimdb, .)
set -eu
prog=${1:-build/claimdb}
src=${2:-.}
carb=$src/tests/carb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$carb/dev_sentences.txt" > "$tmp/in.jsonl" <<'PY'
import json, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    print(json.dumps({"id": i, "text": line.rstrip("\r\n")}))
PY
for flags in "" "--reporting" "--deep" "--deep --reporting"; do
    "$prog" extract --jobs 2 $flags < "$tmp/in.jsonl" > "$tmp/out.jsonl" 2> "$tmp/err"
    python3 - "$tmp/out.jsonl" > "$tmp/claims.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    c = json.loads(line)
    print(json.dumps({"subject": c["subject_text"], "predicate": c["predicate_text"] or c["predicate"],
                      "object": c["object_text"], "article": c["article"],
                      "confidence": c["confidence"]}))
PY
    echo "claimdb extract $flags: $(python3 "$carb/score.py" --claims-jsonl "$tmp/claims.jsonl" \
        --sentences "$carb/dev_sentences.txt" --gold "$carb/dev_gold.tsv")"
    [ -s "$tmp/err" ] && sed 's/^/  /' "$tmp/err"
done
