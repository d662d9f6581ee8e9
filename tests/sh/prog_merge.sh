#!/bin/sh
# claimdb merge OUT DB...: a merge of one database into a new one exports the same; merging
# the same files again changes nothing (idempotent, counts "unchanged"); aliases of one input
# apply to the claims of another; a citation keeps the earliest STORED time of its copies;
# article texts, titles and DUPLICATE OF come across; an article id that two inputs give
# different fields is an error naming both files and nothing is stored; --offset-articles N
# and --renumber move an input's ids; cycles of aliases or duplicates across inputs are
# errors; bad usage; a damaged input fails cleanly.
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1

"$prog" import seed.db "$src/data/aliases.tsv" "$src/data/articles.tsv" "$src/data/claims.tsv" 2> err ||
    fail "import of the seed: $(cat err)"
"$prog" export seed.db --format jsonl -o seed.jsonl || fail "export of the seed"

# One database into a new one: the same export, STORED times and methods included.
"$prog" merge one.db seed.db 2> err || fail "merge into a new database: $(cat err)"
grep -q '^seed.db: 83 claims added, 119 citations added, 0 updated, 0 unchanged, 5 articles, 31 aliases$' err ||
    fail "merge counts: $(cat err)"
grep -q '^merge: 1 database into one.db, 119 citations in [0-9.]* s$' err || fail "merge summary: $(cat err)"
"$prog" export one.db --format jsonl | cmp -s - seed.jsonl || fail "merged export differs from the input's"
q='FIND ?s, ?p, ?o, ?src, ?q, ?t, ?m WHERE ?s ?p ?o FROM ?src QUOTE ?q STORED ?t METHOD ?m ORDER BY ?s, ?p, ?o, ?src, ?q;'
"$prog" seed.db "$q" > a.tsv && "$prog" one.db "$q" > b.tsv && cmp -s a.tsv b.tsv ||
    fail "STORED times or methods differ after merge"
grep -q '	imported$' b.tsv || fail "no imported citation in the merged seed: $(head -3 b.tsv)"

# Idempotent: the same file again, and twice in one run, changes nothing.
cp one.db before.db
"$prog" export one.db --format tsv -o before.tsv
"$prog" merge one.db seed.db seed.db 2> err || fail "merge again: $(cat err)"
[ "$(grep -c '^seed.db: 0 claims added, 0 citations added, 0 updated, 119 unchanged, 31 aliases$' err)" = 2 ] ||
    fail "merge again counts: $(cat err)"
"$prog" export one.db --format tsv | cmp -s - before.tsv || fail "merging again changed the export"
"$prog" check one.db > out || fail "check after merges: $(cat out)"

# Two inputs: an alias of the second applies to claims of the first; the earliest STORED
# time of a citation wins whichever input comes first; texts and DUPLICATE OF come across.
SOURCE_DATE_EPOCH=1500000000 "$prog" late.db 'ASSERT "Islamic Emirate" demand talks FROM 7 QUOTE "we demand talks" CONFIDENCE 0.5;' ||
    fail "late.db"
SOURCE_DATE_EPOCH=1000000000 "$prog" early.db 'ALIAS "Islamic Emirate" FOR Taliban;
ARTICLE 7 TITLE "Talks" TEXT "Today we demand talks, they said.";
ARTICLE 8 DUPLICATE OF 7;
ASSERT Taliban demand talks FROM 7 QUOTE "we demand talks" BY Taliban;' || fail "early.db"
"$prog" merge two.db late.db early.db 2> err || fail "merge of two: $(cat err)"
"$prog" two.db 'FIND ?s, ?src, ?who, ?c, ?at, ?t WHERE ?s demand talks FROM ?src BY ?who CONFIDENCE ?c AT ?at STORED ?t;' > out
printf 's\tsrc\twho\tc\tat\tt\nTaliban\t7\tTaliban\t\t6\t2001-09-09T01:46:40Z\n' | cmp -s - out ||
    fail "aliased, updated citation with the earliest STORED time: $(cat out)"
"$prog" two.db 'FIND ?m WHERE Taliban demand talks FROM ?src METHOD ?m;' > out
printf 'm\ncurated\n' | cmp -s - out || fail "method of the merged citation: $(cat out)"
"$prog" two.db 'SHOW ARTICLE 8; FIND ?x WHERE ?x demand talks FROM ?src FILTER text(?src) = "Today we demand talks, they said.";' > out
grep -q '^8	.*	7	0	$' out && grep -q '^Taliban$' out || fail "article fields after merge: $(cat out)"

# A conflict: article 7 with another title. An error naming both files; nothing stored.
"$prog" other.db 'ARTICLE 7 TITLE "Other talks"; ASSERT a b c FROM 7;' || fail "other.db"
"$prog" export two.db --format tsv -o two.tsv
"$prog" merge two.db other.db 2> err
[ $? = 1 ] || fail "conflicting merge: status not 1"
grep -q '^claimdb: merge: article 7: two.db (the output) and other.db give different title; nothing was merged (move one file.s articles with --offset-articles N or --renumber)$' err ||
    fail "conflict message: $(cat err)"
"$prog" merge new.db early.db other.db 2> err
grep -q '^claimdb: merge: article 7: early.db and other.db give different title' err ||
    fail "conflict message naming both inputs: $(cat err)"
grep -q '^claimdb: merge: nothing was stored in new.db$' err || fail "rollback message: $(cat err)"
[ "$("$prog" new.db 'SHOW STATS;' | grep '^citations')" = "citations	0" ] || fail "a failed merge stored something"
"$prog" check new.db > out 2>&1 || fail "check of the empty database a failed merge left: $(cat out)"
"$prog" export two.db --format tsv | cmp -s - two.tsv || fail "a failed merge changed the output database"

# --offset-articles N moves the ids of the inputs after it (DUPLICATE OF too); --renumber
# puts each input after the largest id so far.
"$prog" merge moved.db early.db --offset-articles 100 other.db --offset-articles 200 early.db 2> err ||
    fail "merge with offsets: $(cat err)"
"$prog" moved.db 'SHOW ARTICLES;' | cut -f1,2,7 > out
printf 'id\ttitle\tduplicate_of\n7\tTalks\t\n8\t\t7\n107\tOther talks\t\n207\tTalks\t\n208\t\t207\n' | cmp -s - out ||
    fail "--offset-articles ids: $(cat out)"
"$prog" merge renum.db early.db other.db early.db --renumber 2> err || fail "merge --renumber: $(cat err)"
"$prog" renum.db 'SHOW ARTICLES;' | cut -f1,2,7 > out
printf 'id\ttitle\tduplicate_of\n7\tTalks\t\n8\t\t7\n16\tOther talks\t\n24\tTalks\t\n25\t\t24\n' | cmp -s - out ||
    fail "--renumber ids: $(cat out)"

# What ALIAS and DUPLICATE OF refuse, merge refuses: a cycle of aliases or of duplicates made
# of two inputs is an error naming the input, and nothing is stored.
"$prog" al1.db 'ALIAS IE FOR Taliban;' && "$prog" al2.db 'ALIAS Taliban FOR IE;' || fail "alias inputs"
"$prog" merge al.db al1.db al2.db 2> err
[ $? = 1 ] && grep -q "^claimdb: merge: al2.db: the alias 'Taliban' for 'IE' cannot be stored in al.db: .*cycle" err ||
    fail "alias cycle: $(cat err)"
"$prog" du1.db 'ARTICLE 1 DUPLICATE OF 2;' && "$prog" du2.db 'ARTICLE 2 DUPLICATE OF 1;' || fail "duplicate inputs"
"$prog" merge du.db du1.db du2.db 2> err
[ $? = 1 ] && grep -q "^claimdb: merge: du2.db: article 2 cannot be stored in du.db: .*cycle" err ||
    fail "duplicate cycle: $(cat err)"

# Usage and bad inputs.
"$prog" merge only.db 2> err
[ $? = 2 ] || fail "merge without inputs: status not 2"
"$prog" merge x.db --offset-articles -3 seed.db 2> err
[ $? = 2 ] || fail "negative offset: status not 2"
"$prog" merge x.db --renumber --offset-articles 5 seed.db 2> err
[ $? = 2 ] || fail "--renumber with --offset-articles: status not 2"
"$prog" merge big.db --offset-articles 9223372036854775807 du1.db 2> err
[ $? = 1 ] && grep -q '^claimdb: merge: du1.db: article [12] plus the offset 9223372036854775807 is too large$' err ||
    fail "offset past the largest id: $(cat err)"
"$prog" merge one.db one.db 2> err
[ $? = 1 ] && grep -q 'one.db is the output database itself' err || fail "merge into itself: $(cat err)"
"$prog" merge x.db missing.db 2> err
[ $? = 1 ] && grep -q '^claimdb: merge: cannot open missing.db' err || fail "missing input: $(cat err)"
printf 'not a database' > junk.db
"$prog" merge x.db junk.db 2> err
[ $? = 1 ] && grep -q '^claimdb: merge: cannot open junk.db' err || fail "damaged input: $(cat err)"
exit $((fails > 0))
