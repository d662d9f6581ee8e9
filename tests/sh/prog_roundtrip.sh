#!/bin/sh
# Export -> import into a new database -> export is byte-identical, in all three formats, with
# quotes that hold tabs, newlines, quote marks, backslashes and non-ASCII text, negative
# claims, claimants, confidences, claim dates, several citations by one article (with and
# without quote), article metadata, duplicates and aliases. Every format also
# carries the same data as the others (imported from any, exported as TSV, all agree).
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1

cat > data.cq <<'CQ'
ALIAS "Islamic Emirate" FOR Taliban;
ALIAS "U.S." FOR "United States";
ARTICLE 0 TITLE "Taliban \"invites\" jihadists" OUTLET "Breitbart" DATE 2018-10-13
          URL "https://example.org/a?x=1&y=%20" AUTHOR "Edwin Mora";
ARTICLE 1 TITLE "Copy of 0" DUPLICATE OF 0;
ARTICLE 7 OUTLET "Ле Монд";
ASSERT Taliban demands withdrawal FROM 0, 4
       QUOTE "the Taliban has \"demanded\"\tthat foreign forces\npull out — «now»\\really"
       BY "Islamic Emirate" CONFIDENCE 0.9;
ASSERT Taliban demands withdrawal FROM 1;
ASSERT NOT "United States" accepts "withdrawal before talks" FROM 0 QUOTE "the U.S. has refused";
ASSERT "U.S." accepts "withdrawal before talks" FROM 7 CONFIDENCE 0.30000000000000004;
ASSERT "東京 office" "hosts/holds" "talks #3 <maybe> 100%" FROM 2 QUOTE 'it\'s "quoted"' BY 'Ann O\'Neil' CONFIDENCE 1;
ASSERT NOT "Café" serves "tea" FROM 3 CONFIDENCE 0;
ASSERT a b c FROM 5;
ASSERT Taliban demands withdrawal FROM 1 QUOTE "second words" BY Taliban ON 2018-10-12;
ASSERT Taliban demands withdrawal FROM 1 QUOTE "third words";
ASSERT NOT "Café" serves "tea" FROM 3 QUOTE "no tea" ON 2020-02-29;
CQ
"$prog" orig.db -f data.cq || { echo "setup failed"; exit 1; }
"$prog" export orig.db --format tsv -o orig.tsv || { echo "export failed"; exit 1; }
# The export holds what was written, escaped.
grep -qF 'the Taliban has "demanded"\tthat foreign forces\npull out — «now»\\really' orig.tsv ||
    fail "TSV export lacks the escaped quote: $(grep demands orig.tsv)"
grep -qF "$(printf 'United States\taccepts\twithdrawal before talks\t0\tthe U.S. has refused\t\t-\t')" orig.tsv ||
    fail "TSV export lacks the negative claim"
grep -qF "0.30000000000000004" orig.tsv || fail "TSV export lost confidence digits"

for fmt in tsv jsonl nquads; do
    rm -f one.db* two.db*
    "$prog" export orig.db --format $fmt -o "one.$fmt" || fail "$fmt: export failed"
    "$prog" import one.db "one.$fmt" --format $fmt 2> err || fail "$fmt: import failed: $(cat err)"
    grep -q "6 claims added, 11 citations added, 0 updated, 0 unchanged" err ||
        fail "$fmt: import counts: $(cat err)"
    "$prog" export one.db --format $fmt -o "two.$fmt" || fail "$fmt: second export failed"
    cmp "one.$fmt" "two.$fmt" || fail "$fmt: export -> import -> export differs"
    "$prog" export one.db --format tsv > "via-$fmt.tsv"
    cmp orig.tsv "via-$fmt.tsv" || fail "$fmt: the data differs from the original (as TSV)"
    # Importing the same file again adds nothing.
    "$prog" import one.db "one.$fmt" --format $fmt 2> err
    grep -q "0 claims added, 0 citations added, 0 updated, 11 unchanged" err ||
        fail "$fmt: second import counts: $(cat err)"
done

# Formats from the extension; standard input with --format.
cp one.jsonl x.ndjson
cp one.nquads x.nq
rm -f three.db*
"$prog" import three.db x.ndjson 2> err || fail ".ndjson import: $(cat err)"
"$prog" export three.db --format tsv | cmp -s - orig.tsv || fail ".ndjson data differs"
rm -f three.db*
"$prog" import three.db x.nq 2> err || fail ".nq import: $(cat err)"
"$prog" export three.db --format tsv | cmp -s - orig.tsv || fail ".nq data differs"
rm -f three.db*
"$prog" import three.db - --format tsv < orig.tsv 2> err || fail "stdin import: $(cat err)"
grep -q "^<stdin>: 6 claims added" err || fail "stdin import counts: $(cat err)"
"$prog" export three.db --format tsv | cmp -s - orig.tsv || fail "stdin data differs"
"$prog" import three.db - 2> err < orig.tsv && fail "stdin import without --format succeeded"
"$prog" export three.db -o out.nq && grep -q '^<urn:claimdb:' out.nq || fail "-o out.nq is not N-Quads"

# N-Quads under another base: the IRIs use it, and reading needs the same base.
"$prog" export orig.db --format nquads --base https://example.org/kb/ -o base.nq
grep -q '<https://example.org/kb/term/Taliban> <https://example.org/kb/pred/demands> <https://example.org/kb/term/withdrawal> <https://example.org/kb/article/0> \.' base.nq ||
    fail "--base: $(head -3 base.nq)"
grep -q 'urn:claimdb' base.nq && fail "--base: the default base remains"
rm -f four.db*
"$prog" import four.db base.nq --base https://example.org/kb/ 2> err || fail "--base import: $(cat err)"
"$prog" export four.db --format tsv | cmp -s - orig.tsv || fail "--base data differs"
rm -f five.db*
"$prog" import five.db base.nq 2> err && fail "import with the wrong base succeeded"
# A negative claim is never stated as a plain quad.
grep -F '<urn:claimdb:term/United%20States> <urn:claimdb:pred/accepts>' one.nquads | grep -q 'article/0> \.$' &&
    fail "N-Quads states the negative claim"
grep -q 'vocab/negated> "true"' one.nquads || fail "N-Quads lacks the negation"

# The dot-commands do the same as the subcommands.
rm -f six.db*
"$prog" six.db ".import one.jsonl
.export six.tsv" 2> err || fail ".import/.export: $(cat err)"
cmp -s six.tsv orig.tsv || fail ".export differs from export"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "prog_roundtrip: ok"
