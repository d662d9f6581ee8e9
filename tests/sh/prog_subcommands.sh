#!/bin/sh
# claimdb import / export as pipeline tools: several files in one import (each its own
# transaction: a bad one is rolled back, the others stay), counts per file, the seed data,
# export to a file or standard output, and their failures.
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1

printf 'alias\tcanonical\nIslamic Emirate\tTaliban\n' > aliases.tsv
printf 'subject\tpredicate\tobject\tarticle\tquote\nMars\tis\tred\t1\tq\nMars\tis\tblue\tone\t\n' > bad.tsv
printf 'subject\tpredicate\tobject\tarticle\tquote\tpolarity\nIslamic Emirate\tdemands\twithdrawal\t0\tpull out\t+\nTaliban\tdemands\twithdrawal\t4\t\t+\n' > claims.tsv
"$prog" import t.db aliases.tsv bad.tsv claims.tsv > out 2> err
[ $? = 1 ] || fail "import with a bad file: status not 1"
[ -s out ] && fail "import wrote to stdout: $(cat out)"
grep -qxF "aliases.tsv: 0 claims added, 0 citations added, 0 updated, 0 unchanged, 1 alias" err || fail "aliases counts: $(cat err)"
grep -qxF "bad.tsv:3:14: bad article id 'one': expected an article id (0, 1, 2, ...)" err || fail "bad file error: $(cat err)"
grep -qxF "claims.tsv: 1 claims added, 2 citations added, 0 updated, 0 unchanged" err || fail "claims counts: $(cat err)"
"$prog" t.db 'FIND ?src WHERE Taliban demands withdrawal FROM ?src ORDER BY ?src;' > out
[ "$(cat out)" = "$(printf 'src\n0\n4')" ] || fail "the good files were not stored: $(cat out)"
"$prog" t.db 'FIND ?o WHERE Mars is ?o;' > out
[ "$(cat out)" = "o" ] || fail "the bad file left data: $(cat out)"

# The seed data, in the order make demo loads it.
"$prog" import seed.db "$src/data/articles.tsv" "$src/data/aliases.tsv" "$src/data/claims.tsv" 2> err ||
    fail "seed import: $(cat err)"
"$prog" seed.db 'FIND ?src WHERE Taliban demand withdrawal FROM ?src ORDER BY ?src;' > out
grep -qx 0 out && grep -qx 4 out || fail "seed: Taliban demand withdrawal is not cited by 0 and 4: $(cat out)"

# Export: to standard output, to -o FILE (format from its name), errors.
"$prog" export t.db --format jsonl > a.jsonl || fail "export to stdout"
"$prog" export t.db -o b.jsonl || fail "export -o"
cmp -s a.jsonl b.jsonl || fail "export -o differs from standard output"
"$prog" export t.db --output=c.tsv --format=tsv && grep -q '^Taliban	demands	withdrawal	0	pull out		+		$' c.tsv ||
    fail "export --output= --format=: $(cat c.tsv)"
"$prog" export nosuch.db --format tsv > out 2> err && fail "export of a missing database succeeded"
grep -q "cannot open nosuch.db" err || fail "missing database message: $(cat err)"
[ -e nosuch.db ] && fail "export created the database"
"$prog" export t.db --format tsv -o /nonexistent/dir/x.tsv 2> err && fail "export to an unwritable file succeeded"
grep -q "cannot write /nonexistent/dir/x.tsv" err || fail "unwritable message: $(cat err)"
"$prog" import t.db x.unknown 2> err && fail "import of an unknown extension succeeded"
grep -q "give --format" err || fail "unknown extension message: $(cat err)"

# Counts per citation: two quotes from one article are two citations; importing again with
# one of them changed reports it updated and the other unchanged.
printf 'subject\tpredicate\tobject\tarticle\tquote\tclaimant\nX\tsay\tY\t8\tone\tAlice\nX\tsay\tY\t8\ttwo\tBob\n' > two.tsv
"$prog" import c.db two.tsv 2> err || fail "two quotes: $(cat err)"
grep -qxF "two.tsv: 1 claims added, 2 citations added, 0 updated, 0 unchanged" err || fail "two quotes counts: $(cat err)"
printf 'subject\tpredicate\tobject\tarticle\tquote\tclaimant\nX\tsay\tY\t8\tone\tAlice\nX\tsay\tY\t8\ttwo\tCarol\n' > two.tsv
"$prog" import c.db two.tsv 2> err || fail "two quotes again: $(cat err)"
grep -qxF "two.tsv: 0 claims added, 0 citations added, 1 updated, 1 unchanged" err || fail "two quotes again counts: $(cat err)"
# A quote that is not in its article's text is stored, with a warning naming the line.
printf 'id\ttext\n8\tAlice said one thing.\n' > text.tsv
printf 'subject\tpredicate\tobject\tarticle\tquote\nX\tsay\tZ\t8\tone thing\nX\tsay\tZ\t8\tthree things\n' > three.tsv
"$prog" import c.db text.tsv three.tsv 2> err || fail "quotes in text: $(cat err)"
grep -qxF "three.tsv:3:1: warning: the quote is not in article 8's text" err || fail "quote warning: $(cat err)"
grep -qF "2 citations added, 0 updated, 0 unchanged, 1 quote not found in the article's text" err ||
    fail "quote warning count: $(cat err)"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "prog_subcommands: ok"
