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
"$prog" export "$db" --format tsv > before.tsv || { echo "export failed"; exit 1; }
grep -q Taliban before.tsv || { echo "export lacks the data"; exit 1; }

H='subject\tpredicate\tobject\tarticle\tquote'
# bad NAME CONTENT(printf format) EXPECTED-MESSAGE [IMPORT-OPTIONS...]
bad() {
    name=$1 content=$2 want=$3
    shift 3
    # shellcheck disable=SC2059
    printf "$content" > "$name"
    "$prog" import "$db" "$name" "$@" > out 2> err
    st=$?
    [ $st = 1 ] || fail "$name: exit status $st, expected 1"
    grep -qF -- "$want" err || fail "$name: expected '$want', got: $(cat err)"
    grep -q "claims added" err && fail "$name: counts printed for a failed import"
    "$prog" export "$db" --format tsv > after.tsv
    cmp -s before.tsv after.tsv || fail "$name: the database changed"
}

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
"$prog" export "$db" --format tsv > after.tsv
cmp -s before.tsv after.tsv || fail "--dry-run changed the database"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "prog_import_errors: ok"
