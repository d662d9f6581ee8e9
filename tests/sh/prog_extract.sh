#!/bin/sh
# claimdb extract: a filter without a database. --help; articles as plain text files and as
# JSON Lines on standard input; --jobs N gives the same output as one thread; the output is
# read by 'claimdb import --format jsonl' with method "extracted"; a bad input line is reported
# with its line number and the others are still processed; a missing WordNet is a clear error;
# the character offsets (*_start, *_end) point exactly at the *_text fields in every article
# (checked with python3 when it is installed).
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1

"$prog" extract --help > out || fail "extract --help: status $?"
grep -q '^Usage: claimdb extract \[--jobs N\] \[--deep\] \[--reporting\] \[--no-coref\] \[FILE...\]' out ||
    fail "extract --help text: $(head -3 out)"
"$prog" --help | grep -q 'claimdb extract' || fail "claimdb --help does not mention extract"
"$prog" extract --bogus > out 2> err
[ $? = 2 ] || fail "extract --bogus: status not 2"
grep -q "unknown option '--bogus'" err || fail "extract --bogus message: $(cat err)"
"$prog" extract --jobs 0 < /dev/null 2> err
[ $? = 2 ] || fail "extract --jobs 0: status not 2"

# Plain text files: N.txt is article N.
"$prog" extract "$src/data/articles/0.txt" "$src/data/articles/4.txt" > files.jsonl 2> err ||
    fail "extract of text files: $(cat err)"
[ "$(wc -l < files.jsonl)" -ge 20 ] || fail "too few claims from articles 0 and 4: $(wc -l < files.jsonl)"
grep -q '"article":0,' files.jsonl && grep -q '"article":4,' files.jsonl || fail "article ids from file names"
grep -v '"method":"extracted"' files.jsonl | head -1 | grep -q . && fail "a claim without method extracted"
grep -q '"subject":"Taliban","predicate":"demand","object":"foreign forces pull out of the country","article":0' files.jsonl ||
    fail "the Taliban's demand in article 0: $(grep -i demand files.jsonl)"

# JSON Lines on standard input, a bad line in the middle.
{
    printf '{"id": 7, "text": "The ministry denied that the army attacked the village.", "title": "x"}\n'
    printf '{"id": 8, "text": \n'
    printf '{"id": "nine", "text": "The group attacked the base."}\n'
    printf '\n{"id": 9, "text": "According to the Pentagon, the region is home to many groups."}\n'
} > in.jsonl
"$prog" extract < in.jsonl > out.jsonl 2> err
[ $? = 1 ] || fail "extract with bad lines: status not 1"
grep -q '^<stdin>:2:' err || fail "bad JSON line not reported at line 2: $(cat err)"
grep -q "^<stdin>:3: field 'id'" err || fail "bad id not reported at line 3: $(cat err)"
grep -q '"subject":"army","predicate":"attack","object":"village","article":7,.*"claimant":"ministry","polarity":"-"' out.jsonl ||
    fail "denial: $(cat out.jsonl)"
grep -q '"article":9,.*"claimant":"Pentagon"' out.jsonl || fail "according to: $(cat out.jsonl)"

# --reporting adds the act of saying; --no-coref keeps the pronoun.
printf '{"id": 1, "text": "Biden has said that he will not abandon the government."}\n' > said.jsonl
"$prog" extract < said.jsonl > out || fail "extract of said.jsonl"
grep -q '"subject":"Biden","predicate":"abandon","object":"government",.*"claimant":"Biden","polarity":"-"' out ||
    fail "he as the speaker: $(cat out)"
[ "$(wc -l < out)" = 1 ] || fail "more than one claim without --reporting: $(cat out)"
"$prog" extract --reporting --no-coref < said.jsonl > out || fail "extract --reporting --no-coref"
grep -q '"subject":"Biden","predicate":"say","object":"he will not abandon the government"' out ||
    fail "--reporting: $(cat out)"
grep -q '"subject":"he","predicate":"abandon"' out || fail "--no-coref: $(cat out)"

# --jobs: same output.
for i in 0 1 2 3 4; do cat "$src/data/articles/$i.txt" > "$i.txt"; done
"$prog" extract 0.txt 1.txt 2.txt 3.txt 4.txt > one.jsonl || fail "extract of the seeds"
"$prog" extract --jobs 3 0.txt 1.txt 2.txt 3.txt 4.txt > three.jsonl || fail "extract --jobs 3"
cmp -s one.jsonl three.jsonl || fail "--jobs 3 output differs"

# Into a database through import.
"$prog" import x.db - --format jsonl < one.jsonl 2> err || fail "import of extract output: $(cat err)"
n=$(wc -l < one.jsonl)
grep -q "^<stdin>: [0-9]* claims added, $n citations added, 0 updated, 0 unchanged$" err ||
    fail "import counts (expected $n citations): $(cat err)"
"$prog" x.db 'FIND ?q WHERE Taliban demand ?o FROM ?src QUOTE ?q FILTER ?src = 0;' > out
grep -qF 'the Taliban has demanded that foreign forces pull out of the country' out ||
    fail "the demand's quote: $(cat out)"

# A text file that is not UTF-8 is reported; the others are still done.
printf 'The group attacked the \377 base.\n' > bad.txt
"$prog" extract bad.txt 4.txt > out 2> err
[ $? = 1 ] || fail "extract of a non-UTF-8 file: status not 1"
grep -q '^bad.txt: not UTF-8 text (byte 24)$' err || fail "non-UTF-8 message: $(cat err)"
grep -q '"article":4,' out || fail "the good file after a bad one was not extracted"

# No dictionary.
CLAIMDB_WORDNET=/nonexistent "$prog" extract 0.txt > out 2> err
[ $? = 1 ] || fail "missing WordNet: status not 1"
grep -q "/nonexistent/index.verb.*wordnet-base" err || fail "missing WordNet message: $(cat err)"

# Offsets: characters of the article's text.
if command -v python3 > /dev/null; then
    python3 - "$src/data/articles" one.jsonl > err 2>&1 <<'PY' || fail "offsets: $(cat err)"
import json, sys
d, out = sys.argv[1], sys.argv[2]
texts = {i: open("%s/%d.txt" % (d, i), encoding="utf-8").read() for i in range(5)}
n = 0
for line in open(out, encoding="utf-8"):
    c = json.loads(line)
    t = texts[c["article"]]
    for f in ("subject", "predicate", "object", "claimant", "quote"):
        if f + "_start" not in c:
            continue
        got = t[c[f + "_start"]:c[f + "_end"]]
        want = c[f] if f == "quote" else c[f + "_text"]
        if got != want:
            sys.exit("article %d %s: %r != %r" % (c["article"], f, got, want))
        n += 1
if n < 300:
    sys.exit("only %d spans" % n)
PY
else
    echo "python3 not found: character offsets not checked"
fi
exit $((fails > 0))
