#!/bin/sh
# Bad review files, in every format that carries reviews (JSON Lines, LIAR, ClaimReview
# JSON-LD, ClaimsKG CSV): each is refused with FILE:LINE:COL: what is wrong, exit status 1,
# and the database is unchanged (good records before the bad one are rolled back too).
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1
db=$tmp/t.db
"$prog" "$db" 'ASSERT Taliban demand withdrawal FROM 0; REVIEW Taliban demand withdrawal URL "https://x/1" RATING "False";' ||
    { echo "setup failed"; exit 1; }
. "$src/tests/lib/import.sh"
refused_setup "$db" jsonl "review records"
grep -q '"type":"review"' before.snap || { echo "export lacks the review"; exit 1; }


# JSON Lines
R='{"type":"review","url":"https://x/2","claim_reviewed":"ok"}'
bad text.jsonl "$R\n{\"type\":\"review\",\"url\":\"u\"}\n" "text.jsonl:2:1: missing field 'claim_reviewed'"
bad url.jsonl "$R\n{\"type\":\"review\",\"claim_reviewed\":\"x\"}\n" "url.jsonl:2:1: missing field 'url'"
bad triple.jsonl '{"type":"review","url":"u","claim_reviewed":"x","subject":"a"}\n' \
    "triple.jsonl:1:1: missing field 'predicate': a review's triple needs subject, predicate and object"
bad date.jsonl '{"type":"review","url":"u","claim_reviewed":"x","date":"2021-13-01"}\n' \
    "date.jsonl:1:49: field 'date': expected a date YYYY-MM-DD"
bad number.jsonl '{"type":"review","url":"u","claim_reviewed":"x","rating_value":"one"}\n' \
    "number.jsonl:1:49: field 'rating_value': expected a number"
bad verdict.jsonl '{"type":"review","url":"u","claim_reviewed":"x","verdict":"pants"}\n' \
    "verdict.jsonl:1:49: field 'verdict': expected true, mostly-true, mixture, mostly-false, false or other"
bad appearance.jsonl '{"type":"review","url":"u","claim_reviewed":"x","appearance":-3}\n' \
    "appearance.jsonl:1:49: field 'appearance': expected an article id"
bad unknown.jsonl '{"type":"review","url":"u","claim_reviewed":"x","zz":1}\n' "unknown.jsonl:1:49: unknown field 'zz'"
bad polarity.jsonl '{"type":"review","url":"u","claim_reviewed":"x","polarity":"-"}\n' \
    "polarity.jsonl:1:49: field 'polarity': a polarity without a triple"
bad longurl.jsonl "{\"type\":\"review\",\"url\":\"$(printf '%0600d' 0)\",\"claim_reviewed\":\"x\"}\n" \
    "longurl.jsonl:1:1: review URL too long (at most 480 bytes)"

# LIAR
L='1.json\tfalse\tSays x.\ts\tsp\tj\tst\tp\t0\t0\t0\t0\t0\tc\n'
bad fewer.tsv "${L}2.json\ttrue\tonly three\n" "fewer.tsv:2:23: expected 14 TAB-separated columns (LIAR), found fewer" --format liar
bad more.tsv '1.json\tfalse\tx\ts\tsp\tj\tst\tp\t0\t0\t0\t0\t0\tc\textra\n' \
    "more.tsv:1:40: expected 14 TAB-separated columns (LIAR), found more" --format liar
bad label.tsv "${L}2.json\t\tx\ts\tsp\tj\tst\tp\t0\t0\t0\t0\t0\tc\n" "label.tsv:2:8: empty label" --format liar
bad statement.tsv '1.json\ttrue\t\ts\tsp\tj\tst\tp\t0\t0\t0\t0\t0\tc\n' "statement.tsv:1:13: empty statement" --format liar
bad utf8.tsv '1.json\tfalse\tx\377\ts\tsp\tj\tst\tp\t0\t0\t0\t0\t0\tc\n' "utf8.tsv:1:15: invalid UTF-8 (byte 0xFF)" --format liar
bad nul.tsv '1.json\tfalse\tx\000y\ts\tsp\tj\tst\tp\t0\t0\t0\t0\t0\tc\n' "nul.tsv:1:15: NUL byte" --format liar

# ClaimReview JSON-LD
bad url.jsonld '{"@type":"ClaimReview","claimReviewed":"x"}' \
    "url.jsonld:1:10: review 1: url: missing (a review is identified by its URL)"
bad date.jsonld '[{"@type":"ClaimReview","url":"u","claimReviewed":"x"},\n {"@type":"ClaimReview","url":"v","claimReviewed":"y","datePublished":"yesterday"}]' \
    "date.jsonld:2:11: review 2: datePublished: expected a date YYYY-MM-DD"
bad none.jsonld '{"@type":"WebPage"}' "none.jsonld:1:1: no ClaimReview in the file (1 other node)"
bad syntax.jsonld '{"@type":"ClaimReview",' "syntax.jsonld:1:23:"
bad rating.jsonld '{"@type":"ClaimReview","url":"u","claimReviewed":"x","reviewRating":{"ratingValue":"high"}}' \
    "rating.jsonld:1:10: review 1: reviewRating.ratingValue: expected a number"
bad item.jsonld '{"@type":"ClaimReview","url":"u","claimReviewed":"x","itemReviewed":"a claim"}' \
    "item.jsonld:1:10: review 1: itemReviewed: expected an object (a Claim)"
bad utf8.jsonld '{"@type":"ClaimReview","url":"u","claimReviewed":"\377"}' "utf8.jsonld:1:51: invalid UTF-8 (byte 0xFF)"
bad about.jsonld '{"@type":"ClaimReview","url":"u","claimReviewed":"x","claimdb:about":[{"claimdb:subject":"a"}]}' \
    "about.jsonld:1:10: review 1: claimdb:about[0]: a triple needs subject, predicate and object"

# ClaimsKG CSV
H='claimReview_url,claimReview_claimReviewed'
bad open.csv "$H\nu,\"unterminated\n" "open.csv:2:3: a quoted field not closed before the end of the file"
bad header.csv 'claimReview_url,x\nu,y\n' "header.csv:1:1: no column claimReview_claimReviewed in the header"
bad fields.csv "$H\nu,x\nv,x,extra\n" "fields.csv:3:1: 3 fields, the header has 2"
bad date.csv "$H,claimReview_datePublished\nu,x,soon\n" \
    "date.csv:2:5: claimReview_datePublished: expected a date YYYY-MM-DD"
bad quote.csv "$H\nu,ab\"c\n" "quote.csv:2:5: a quote inside an unquoted field"
bad empty.csv "$H\n,x\n" "empty.csv:2:1: empty claimReview_url"
bad after.csv "$H\n\"u\"x,y\n" "after.csv:2:4: expected ',' or the end of the line after a closing quote"
bad twice.csv "$H,claimReview_url\nu,x,v\n" "twice.csv:1:43: column claimReview_url given twice"
bad number.csv "$H,rating_ratingValue\nu,x,lots\n" "number.csv:2:5: rating_ratingValue: expected a number"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "prog_review_errors: ok"
