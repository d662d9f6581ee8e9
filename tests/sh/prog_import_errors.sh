#!/bin/sh
# Bad import files: each is refused with FILE:LINE:COL: what is wrong, exit status 1, and the
# database is unchanged (its export before and after is the same), since one file is one
# transaction. Good lines before the bad one are rolled back too.
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1
db=$tmp/t.db
"$prog" "$db" 'ASSERT Taliban demands withdrawal FROM 0 QUOTE "pull out" CONFIDENCE 0.9; ALIAS "Islamic Emirate" FOR Taliban;' ||
    { echo "setup failed"; exit 1; }
. "$src/tests/lib/import.sh"
refused_setup "$db" tsv "claims added"
grep -q Taliban before.snap || { echo "export lacks the data"; exit 1; }

H='subject\tpredicate\tobject\tarticle\tquote'

# TSV
bad utf8.tsv "$H\nMars\tis\tred\t1\tq\nTal\377iban\tx\ty\t1\t\n" \
    "utf8.tsv:3:4: invalid UTF-8 (byte 0xFF)"
bad utf8col.tsv "$H\nMars\tis\tréd\t1\tq\nMars\tis\tröd\t1\t\342\202\n" \
    "utf8col.tsv:3:15: invalid UTF-8"
bad missing.tsv "$H\nMars\tis\tred\t1\tq\nMars\tis\tblue\t1\n" \
    "missing.tsv:3:15: missing field 'quote'"
bad article.tsv "$H\nMars\tis\tred\t1\tq\nMärs\tis\tred\tx7\tq\n" \
    "article.tsv:3:13: bad article id 'x7'"
bad negative.tsv "$H\nMars\tis\tred\t-1\tq\n" "negative.tsv:2:13: bad article id '-1'"
bad truncated.tsv "$H\nMars\tis\tred\t1\tq\nMars\tis" \
    "truncated.tsv:3:8: missing field 'object'"
bad polarity.tsv 'subject\tpredicate\tobject\tarticle\tquote\tpolarity\nMars\tis\tred\t1\tq\tno\n' \
    "polarity.tsv:2:17: bad polarity 'no': expected + or -"
bad confidence.tsv 'subject\tpredicate\tobject\tarticle\tquote\tconfidence\nMars\tis\tred\t1\tq\t1.5\n' \
    "confidence.tsv:2:17: bad confidence '1.5'"
bad column.tsv 'subject\tpredicate\tobject\tarticle\tquote\tsource\nMars\tis\tred\t1\tq\tx\n' \
    "column.tsv:1:40: unknown column 'source'"
bad header.tsv 'subject\tpredicate\tobject\tquote\n' "header.tsv:1:1: the header lacks the column 'article'"
bad empty.tsv "$H\nMars\t\tred\t1\tq\n" "empty.tsv:2:6: empty predicate"
bad escape.tsv "$H\nMars\tis\tred\t1\tsay \\\\x\n" "escape.tsv:2:19: bad escape"
bad extra.tsv "$H\nMars\tis\tred\t1\tq\tmore\n" "extra.tsv:2:17: extra field"
bad date.tsv 'id\ttitle\tdate\n7\tX\t2021-02-30\n' "date.tsv:2:5: bad date '2021-02-30'"
bad textfile.tsv 'id\ttext_file\n7\tnosuch.txt\n' "textfile.tsv:2:3: cannot read text_file"
bad nul.tsv "$H\nMars\tis\tr\000d\t1\tq\n" "nul.tsv:2:10: NUL byte"

# JSON Lines
J='{"subject":"Mars","predicate":"is","object":"red","article":1}'
bad truncated.jsonl "$J\n{\"subject\":\"Mars\",\"predicate\":\"is\",\"obj" "truncated.jsonl:2:"
bad utf8.jsonl "$J\n{\"subject\":\"M\377rs\",\"predicate\":\"is\",\"object\":\"red\",\"article\":1}\n" \
    "utf8.jsonl:2:14: invalid UTF-8"
bad missing.jsonl "$J\n{\"subject\":\"Mars\",\"predicate\":\"is\",\"article\":1}\n" \
    "missing.jsonl:2:1: missing field 'object'"
bad article.jsonl "$J\n{\"subject\":\"Mars\",\"predicate\":\"is\",\"object\":\"red\",\"article\":\"one\"}\n" \
    "article.jsonl:2:51: field 'article': bad article id"
bad unknown.jsonl "$J\n{\"subject\":\"Mars\",\"predicate\":\"is\",\"object\":\"red\",\"article\":1,\"x\":2}\n" \
    "unknown.jsonl:2:63: unknown field 'x'"
bad notobject.jsonl "$J\n[1,2]\n" "notobject.jsonl:2:1: expected a JSON object"
bad type.jsonl '{"type":"claimz"}\n' "type.jsonl:1:2: field 'type'"

# N-Quads
B='urn:claimdb:'
Q="<${B}term/Mars> <${B}pred/is> <${B}term/red> <${B}article/1> ."
bad truncated.nq "$Q\n<${B}term/Mars> <${B}pred/is> <${B}term/red> <${B}article/1>" "truncated.nq:2:"
bad article.nq "$Q\n<${B}term/Mars> <${B}pred/is> <${B}term/red> <${B}article/one> .\n" \
    "article.nq:2:70: bad article id"
bad base.nq "$Q\n<http://example.org/Mars> <${B}pred/is> <${B}term/red> <${B}article/1> .\n" \
    "base.nq:2:1: expected an IRI <urn:claimdb:term/"
bad utf8.nq "$Q\n<${B}term/Mars> <${B}pred/is> \"r\377d\" <${B}article/1> .\n" "utf8.nq:2:"
bad syntax.nq "$Q\n<${B}term/Mars> <${B}pred/is> .\n" "syntax.nq:2:"
bad node.nq "_:c1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <${B}term/Mars> <${B}article/1> .\n" \
    "node.nq:1:1: citation node lacks rdf:predicate"
bad pct.nq "<${B}term/Ma%%ZZrs> <${B}pred/is> <${B}term/red> <${B}article/1> .\n" \
    "pct.nq:1:1: bad term IRI"

# --dry-run of a good file stores nothing either, and says so.
printf "$H\nMars\tis\tred\t1\tq\n" > good.tsv
"$prog" import "$db" good.tsv --dry-run 2> err || fail "dry run of a good file failed"
grep -qF "good.tsv: 1 claims added, 1 citations added, 0 updated, 0 unchanged (dry run: nothing stored)" err ||
    fail "dry run counts: $(cat err)"
"$prog" export "$db" --format tsv > after.snap
cmp -s before.snap after.snap || fail "--dry-run changed the database"

# Not errors: a UTF-8 byte-order mark, header names in another case, blank lines (inside a
# table they are skipped; a header after them starts a new table), rows repeated (counted, and
# the first repeat named).
good() { # good NAME CONTENT(printf format) EXPECTED-MESSAGE
    # shellcheck disable=SC2059
    printf "$2" > "$1"
    rm -f g.db g.db-lock
    "$prog" import g.db "$1" 2> err || fail "$1: refused: $(cat err)"
    grep -qF -- "$3" err || fail "$1: expected '$3', got: $(cat err)"
}
good bom.tsv "\357\273\277$H\nMars\tis\tred\t1\tq\n" "bom.tsv: 1 claims added"
good bom.jsonl "\357\273\277$J\n" "bom.jsonl: 1 claims added"
good bom.csv '\357\273\277claimReview_url,claimReview_claimReviewed\nhttps://x/9,Mars is red\n' \
    "bom.csv: 1 review record"
good case.tsv 'Subject\tPREDICATE\tObject\tARTICLE\tquote\nMars\tis\tred\t1\tq\n' "case.tsv: 1 claims added"
good case.csv 'ClaimReview_URL,claimreview_claimreviewed\nhttps://x/9,Mars is red\n' "case.csv: 1 review record"
good blank.tsv "\n$H\nMars\tis\tred\t1\tq\n\n  \t\nMars\tis\tblue\t1\tq\n\nid\ttitle\n1\tMars\n\n" \
    "blank.tsv: 2 claims added, 2 citations added, 0 updated, 0 unchanged, 1 article"
good repeat.tsv "$H\nMars\tis\tred\t1\tq\nMars\tis\tblue\t1\tq\nMars\tis\tred\t1\tq\nMars\tis\tred\t1\tq\n" \
    "repeat.tsv:4: warning: 2 rows repeat an earlier row of the file (the first repeat is on this line)"
good repeat.jsonl "$J\n\n$J\n" "repeat.jsonl:3: warning: 1 row repeats an earlier row of the file"
good norepeat.tsv "$H\nMars\tis\tred\t1\tq\nMars\tis\tred\t1\tp\n" "norepeat.tsv: 1 claims added, 2 citations"
grep -q "warning" err && fail "norepeat.tsv: rows that differ were taken for repeats: $(cat err)"
# a row after a blank line that is not a header, with nothing before: still no table
bad noheader.tsv "\n\nMars\tis\tred\t1\tq\n" "noheader.tsv:3:1: expected a header row"

# --dry-run into a database that does not exist creates nothing (not even its lock file),
# from the subcommand and from the shell's .import.
"$prog" import new.db good.tsv --dry-run 2> err || fail "dry run into a new database failed: $(cat err)"
grep -qF "good.tsv: 1 claims added" err || fail "dry run into a new database: $(cat err)"
ls new.db* > /dev/null 2>&1 && fail "--dry-run created the database: $(ls new.db*)"
printf '.import good.tsv --dry-run\n' | "$prog" new2.db 2> err || fail ".import --dry-run failed: $(cat err)"
ls new2.db* > /dev/null 2>&1 && fail ".import --dry-run created the database: $(ls new2.db*)"
bad dry.tsv "$H\nMars\tis\n" "dry.tsv:2:8: missing field 'object'" --dry-run

# Export without --format: to a pipe JSON Lines (all of it); the -o name's extension; article
# text is in every format.
"$prog" "$db" "ARTICLE 5 TITLE \"t\" TEXT \"Mars is red, they said.\";" || fail "article setup"
"$prog" export "$db" > all.out || fail "export without --format to a pipe failed"
head -1 all.out | grep -q '^{"type":' || fail "export to a pipe is not JSON Lines: $(head -1 all.out)"
for f in tsv jsonl nquads; do
    "$prog" export "$db" --format $f | grep -q 'Mars is red, they said.' || fail "$f export lacks the article text"
done
"$prog" export "$db" -o x.unknown 2> err && fail "export to x.unknown guessed a format"
grep -qF "cannot tell the format of x.unknown" err || fail "export -o x.unknown: $(cat err)"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "prog_import_errors: ok"
