#!/bin/sh
# CaRB (tests/carb/README.md): `claimdb extract` on the 641 sentences of the CaRB development
# split (each sentence one article), its extractions scored by the CaRB scorer
# (tests/carb/score.py: words as written, confidences for the threshold sweep), twice: as
# claimdb stores them, and with --reporting (the act of saying is a tuple too, as CaRB's gold
# counts it). F1 must reach the floors below (the measured figures are in docs/extraction.md).
# Skipped (status 77) when python3 is not installed.
set -u
. "$(dirname "$0")/../lib/common.sh"
F1_FLOOR=0.44           # claimdb extract
F1_FLOOR_REPORTING=0.46 # claimdb extract --reporting
if ! command -v python3 > /dev/null; then
    echo "SKIPPED: python3 is not installed, so the CaRB scorer cannot run"
    exit 77
fi
carb=$src/tests/carb
cd "$tmp" || exit 1
python3 - "$carb/dev_sentences.txt" > in.jsonl <<'PY' || fail "sentences to JSON Lines"
import json, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    print(json.dumps({"id": i, "text": line.rstrip("\r\n")}))
PY
score() { # score FLAGS: prints the scorer's line, fails the test when it cannot
    "$prog" extract --jobs 2 $1 < in.jsonl > out.jsonl 2> err || fail "extract $1: $(cat err)"
    python3 - out.jsonl > claims.jsonl <<'PY' || fail "extractions to the scorer's format"
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    c = json.loads(line)
    print(json.dumps({"subject": c["subject_text"], "predicate": c["predicate_text"] or c["predicate"],
                      "object": c["object_text"], "article": c["article"],
                      "confidence": c["confidence"]}))
PY
    python3 "$carb/score.py" --claims-jsonl claims.jsonl --sentences "$carb/dev_sentences.txt" \
        --gold "$carb/dev_gold.tsv" 2> err || fail "scorer: $(cat err)"
}
check() { # check LABEL SCORE FLOOR
    echo "$1: $2"
    f1=$(echo "$2" | sed -n 's/.* F1 \([0-9.]*\) .*/\1/p')
    [ -n "$f1" ] || fail "$1: no F1 in the scorer's output"
    awk -v f="${f1:-0}" -v floor="$3" 'BEGIN { exit !(f >= floor) }' || fail "$1: CaRB F1 $f1 below $3"
}
check "claimdb extract" "$(score '')" "$F1_FLOOR"
check "claimdb extract --reporting" "$(score --reporting)" "$F1_FLOOR_REPORTING"
exit $((fails > 0))
