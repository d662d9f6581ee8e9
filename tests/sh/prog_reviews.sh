#!/bin/sh
# Fact-check reviews through the program: LIAR (the sample in tests/liar/), schema.org
# ClaimReview JSON-LD (a single object, an array, @graph), ClaimsKG CSV and JSON Lines are
# imported with their counts and unmapped labels; JSON Lines and JSON-LD round-trip byte for
# byte; the rating table can be extended; formats without reviews say what they leave out.
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1

# LIAR: 300 rows, PolitiFact's six labels, all mapped.
"$prog" import liar.db "$src/tests/liar/train.tsv" --format liar 2> err || fail "LIAR import failed: $(cat err)"
grep -qF "train.tsv: 300 review records (300 reviews added, 0 updated, 0 unchanged), 0 links to a triple added, 0 with an unmapped rating" err ||
    fail "LIAR counts: $(cat err)"
"$prog" liar.db -m tsv --headers off 'SHOW REVIEWS;' > reviews.tsv
dist=$(cut -f5 reviews.tsv | sort | uniq -c | awk '{printf "%s %s;", $2, $1}')
[ "$dist" = "false 78;mixture 61;mostly-false 45;mostly-true 66;true 50;" ] || fail "LIAR verdicts: $dist"
head -1 reviews.tsv | cut -f1-6 | grep -qF "$(printf 'liar:train/2635.json\tPolitiFact\t\tfalse\tfalse\tSays the Annies List')" ||
    fail "LIAR first review: $(head -1 reviews.tsv)"
grep -q "	dwayne-bohac	" reviews.tsv || fail "LIAR: speaker not stored as claimant"
"$prog" import liar.db "$src/tests/liar/train.tsv" --format liar 2> err
grep -qF "300 review records (0 reviews added, 0 updated, 300 unchanged)" err || fail "LIAR again: $(cat err)"

# A database with reviews of every shape: triples (one negative, one not a claim), both
# appearances, numeric ratings, texts with quotes, tabs, newlines and non-ASCII.
cat > data.cq <<'CQ'
ALIAS "Islamic Emirate" FOR Taliban;
ASSERT Taliban demand withdrawal FROM 0 QUOTE "pull out";
REVIEW Taliban demand withdrawal BY PolitiFact RATING "Pants on Fire!" URL "https://pf.example/1?a=1&b=2" DATE 2021-05-01 ON 2021-04-28 CLAIMANT "Ann O'Neil" AUTHOR "Jo «Doe»" TITLE "No, \"they\" did not\tat all" LANGUAGE "en" APPEARANCE 0;
REVIEW NOT "Islamic Emirate" accept talks URL "https://pf.example/1?a=1&b=2";
REVIEW URL "https://kg.example/2" TEXT "東京 line one\nline two" RATING "Four Pinocchios" VALUE 1 BEST 4 WORST 0.30000000000000004 APPEARANCE "https://tv.example/x";
REVIEW URL "https://kg.example/3" TEXT "numbers only" VALUE 4.5 BEST 5 WORST 1;
CQ
"$prog" orig.db -f data.cq || { echo "setup failed"; exit 1; }
"$prog" orig.db 'REVIEW URL "https://kg.example/2" RATING "Four Pinocchios"; REVIEW URL "x:4" TEXT "t" RATING "Four Pinocchios";' || fail "update"
for fmt in jsonl claimreview; do
    rm -f one.db* two.db*
    "$prog" export orig.db --format $fmt -o "one.$fmt" 2> err || fail "$fmt: export failed"
    "$prog" import one.db "one.$fmt" --format $fmt 2> err || fail "$fmt: import failed: $(cat err)"
    grep -qF '("Four Pinocchios" 2: verdict other)' err || fail "$fmt: unmapped labels: $(cat err)"
    "$prog" export one.db --format $fmt -o "two.$fmt" 2> /dev/null || fail "$fmt: second export failed"
    cmp "one.$fmt" "two.$fmt" || fail "$fmt: export -> import -> export differs"
    "$prog" orig.db -m tsv 'SHOW REVIEWS;' | cut -f1-10,12-21 > a.tsv
    "$prog" one.db -m tsv 'SHOW REVIEWS;' | cut -f1-10,12-21 > b.tsv
    cmp a.tsv b.tsv || fail "$fmt: the reviews differ after the round trip"
done
grep -qF '"claimdb:verdict": "false"' one.claimreview || fail "JSON-LD lacks the verdict"
grep -qF '"verdict":"false"' one.jsonl || fail "JSON Lines lacks the verdict"
grep -qF 'format holds reviews only' err || true
"$prog" export orig.db --format claimreview -o x.jsonld 2> err
grep -qF "1 claims (1 citations), 1 articles and 1 aliases left out: this format holds reviews only" err ||
    fail "claimreview export: $(cat err)"
"$prog" export orig.db --format tsv -o x.tsv 2> err
grep -qF "5 review records left out: this format has no reviews" err || fail "tsv export: $(cat err)"
"$prog" export orig.db --format nquads -o x.nq 2> /dev/null || fail "nquads export failed"
grep -qF "<https://schema.org/ClaimReview> <urn:claimdb:reviews> ." x.nq || fail "N-Quads lacks ClaimReview"
grep -qF '<https://schema.org/alternateName> "Pants on Fire!"' x.nq || fail "N-Quads lacks the rating"
"$prog" import nq.db x.nq 2> err || fail "N-Quads import failed: $(cat err)"
grep -Eq "x.nq: [0-9]+ quads of the graph <urn:claimdb:reviews> not read" err || fail "N-Quads skip: $(cat err)"

# JSON-LD as published: an object, an array, @graph; dates with times, numbers as strings.
cat > one.jsonld <<'EOF2'
{"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://fc.example/1",
 "claimReviewed": "The sky is green", "datePublished": "2020-03-04T10:00:00+01:00",
 "author": {"@type": "Organization", "name": "Example Check"},
 "reviewRating": {"@type": "Rating", "ratingValue": "1", "bestRating": "5", "worstRating": "1", "alternateName": "Pants on Fire!"},
 "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A. Politician"},
   "datePublished": "2020-03-01", "appearance": [{"@type": "CreativeWork", "url": "https://tv.example/x"}]}}
EOF2
printf '[{"@type":"ClaimReview","url":"u:2","claimReviewed":"two","author":"X"},{"@graph":[{"@type":"schema:ClaimReview","@id":"u:3","claimReviewed":"three"},{"@type":"WebPage"}]}]\n' > many.jsonld
"$prog" import ld.db one.jsonld many.jsonld 2> err || fail "JSON-LD import: $(cat err)"
grep -qF "many.jsonld: 1 node that is not a ClaimReview skipped" err || fail "JSON-LD skip note: $(cat err)"
"$prog" ld.db -m tsv --headers off 'SHOW REVIEWS;' | cut -f1-6,12,13,18-21 > ld.tsv
printf 'https://fc.example/1\tExample Check\t2020-03-04\tPants on Fire!\tfalse\tThe sky is green\tA. Politician\t2020-03-01\thttps://tv.example/x\t1\t5\t1\nu:2\tX\t\t\tother\ttwo\t\t\t\t\t\t\nu:3\t\t\t\tother\tthree\t\t\t\t\t\t\n' > want.tsv
cmp ld.tsv want.tsv || fail "JSON-LD fields: $(cat ld.tsv)"

# ClaimsKG CSV: quoted fields with "" and a line break, extra columns named once.
printf 'claimReview_url,claimReview_claimReviewed,rating_alternateName,claimReview_author_name,extra_body,extra_tags,claimReview_datePublished\n"https://c.example/1","He said ""no""\nand left",FALSE,Snopes,"long, body",,2019-01-02 00:00:00\nhttps://c.example/2,Plain,Mostly False,WaPo,,,\n' > kg.csv
"$prog" import kg.db kg.csv 2> err || fail "ClaimsKG import: $(cat err)"
grep -qF "kg.csv: columns not read: extra_body, extra_tags" err || fail "ClaimsKG columns note: $(cat err)"
grep -qF "kg.csv: 2 review records (2 reviews added" err || fail "ClaimsKG counts: $(cat err)"
"$prog" kg.db -m tsv --headers off 'SHOW REVIEWS;' | cut -f1-6 > kg.tsv
printf 'https://c.example/1\tSnopes\t2019-01-02\tFALSE\tfalse\tHe said "no"\\nand left\nhttps://c.example/2\tWaPo\t\tMostly False\tmostly-false\tPlain\n' > want.tsv
cmp kg.tsv want.tsv || fail "ClaimsKG fields: $(cat kg.tsv)"

# The rating table extended by --ratings and by $CLAIMDB_RATINGS; a bad table is refused.
printf '# the Washington Post\nFour Pinocchios\tfalse\n' > extra.tsv
"$prog" import r1.db one.jsonl --ratings extra.tsv 2> err || fail "--ratings import: $(cat err)"
grep -qF "0 with an unmapped rating" err || fail "--ratings: $(cat err)"
"$prog" r1.db -m tsv --headers off 'SHOW REVIEWS;' | grep -q "Four Pinocchios	false" || fail "--ratings verdict"
CLAIMDB_RATINGS=$tmp/extra.tsv "$prog" import r2.db one.jsonl 2> err || fail "CLAIMDB_RATINGS import: $(cat err)"
grep -qF "0 with an unmapped rating" err || fail "CLAIMDB_RATINGS: $(cat err)"
CLAIMDB_RATINGS=$tmp/extra.tsv "$prog" r3.db -m tsv --headers off 'REVIEW URL "w" TEXT "t" RATING "four pinocchios!"; SHOW REVIEWS;' |
    grep -q "	false	t	" || fail "CLAIMDB_RATINGS in a statement"
printf 'Four Pinocchios\tvery false\n' > badtable.tsv
CLAIMDB_RATINGS=$tmp/badtable.tsv "$prog" import r5.db one.jsonl 2> err && fail "a bad CLAIMDB_RATINGS was accepted"
grep -qF "CLAIMDB_RATINGS: $tmp/badtable.tsv:1: unknown verdict 'very false'" err || fail "bad CLAIMDB_RATINGS: $(cat err)"
CLAIMDB_RATINGS=$tmp/nosuch.tsv "$prog" r6.db 'REVIEW URL "u" TEXT "t";' 2> err && fail "a missing CLAIMDB_RATINGS was accepted"
grep -qF "CLAIMDB_RATINGS: $tmp/nosuch.tsv: No such file or directory" err || fail "missing CLAIMDB_RATINGS: $(cat err)"
"$prog" import r4.db one.jsonl --ratings badtable.tsv 2> err && fail "a bad rating table was accepted"
grep -qF "badtable.tsv:1: unknown verdict 'very false'" err || fail "bad rating table: $(cat err)"

# claimdb merge carries the reviews, their links and their appearance (moved with the ids).
"$prog" merge merged.db orig.db liar.db 2> err || fail "merge failed: $(cat err)"
grep -qF "orig.db: 1 claims added, 1 citations added, 0 updated, 0 unchanged, 1 article, 1 alias, 5 review records" err ||
    fail "merge counts: $(cat err)"
grep -qF "liar.db: 0 claims added, 0 citations added, 0 updated, 0 unchanged, 300 review records" err ||
    fail "merge counts (LIAR): $(cat err)"
"$prog" orig.db -m tsv 'SHOW REVIEWS;' | cut -f1-10,12-21 > a.tsv
"$prog" merged.db -m tsv 'SHOW REVIEWS;' | cut -f1-10,12-21 | head -"$(wc -l < a.tsv)" > b.tsv
cmp a.tsv b.tsv || fail "merge: the reviews differ"
"$prog" merge moved.db --offset-articles 10 orig.db 2> /dev/null || fail "merge --offset-articles failed"
"$prog" moved.db -m tsv --headers off 'SHOW REVIEWS;' | grep "pf.example" | cut -f17 | sort -u | grep -qx 10 ||
    fail "merge: the appearance did not move with the article ids"

# The rating table is built into the program: a copy run far from the source tree (as after
# make install) maps labels all the same.
mkdir -p far/bin && cp "$prog" far/bin/claimdb
(cd far && env -u CLAIMDB_RATINGS ./bin/claimdb f.db -m tsv --headers off \
    'REVIEW URL "u" TEXT "t" RATING "PANTS on fire!!"; SHOW REVIEWS;') | cut -f5 > far.txt
[ "$(cat far.txt)" = false ] || fail "the built-in table away from the tree: $(cat far.txt)"

# A record without a rating that updates a review whose stored rating is unmapped: the review
# is still counted as unmapped, and only the label a record gave is named (this crashed: found
# by the import_jsonl fuzz target).
printf '%s\n' '{"type":"review","url":"https://x.example/1","claim_reviewed":"A b c.","rating":"Wobbly","subject":"A","predicate":"b","object":"c"}' \
    '{"type":"review","url":"https://x.example/1","claim_reviewed":"A b c!"}' > unmapped.jsonl
"$prog" import unmapped.db unmapped.jsonl > out 2>&1 || fail "update of an unmapped review: $(cat out)"
grep -q '2 with an unmapped rating ("Wobbly" 1: verdict other)' out || fail "unmapped count: $(cat out)"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "prog_reviews: ok"
