#!/bin/sh
# claimdb check: a sound database passes with a summary; a file cut short, a file that is not
# a database, and databases with random bytes changed (tests/fuzz/mutate.c --flip, seeded) are reported
# with exit status 1, never a crash; and whenever check passes a damaged file, queries and
# writes on it do not crash either. CLAIMDB_FUZZ_COUNT sets the number of damaged copies.
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1
san=""
grep -q '^CLAIMDB_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && san="-fsanitize=address,undefined"
cc $san -O1 -o mutate "$src/tests/fuzz/mutate.c" || exit 1
"$prog" import seed.db "$src/data/articles.tsv" "$src/data/aliases.tsv" "$src/data/claims.tsv" 2> /dev/null || exit 1

"$prog" check seed.db > out 2> err || fail "check of the seed failed: $(cat out err)"
grep -qx "seed.db: ok: 83 claims, 119 citations, 5 articles, 139 terms, 31 aliases, [0-9]* pages" out ||
    fail "check summary: $(cat out)"
"$prog" check nosuch.db > out 2> err && fail "check of a missing file succeeded"
grep -q "nosuch.db: cannot check: no such file" err || fail "missing file message: $(cat err)"
[ -e nosuch.db ] && fail "check created the database"
"$prog" check > out 2> err; [ $? = 2 ] || fail "check without a database: not a usage error"
printf '.check\n' | "$prog" seed.db > out 2> err || fail ".check failed: $(cat out err)"
grep -q "^seed.db: ok: 83 claims" out || fail ".check output: $(cat out err)"

cp seed.db cut.db
truncate -s 8192 cut.db
"$prog" check cut.db > out 2> err && fail "check passed a file cut short"
grep -q "cut.db: the file is cut short" out || fail "cut short message: $(cat out err)"
printf 'subject\tpredicate\n' > notdb.db
"$prog" check notdb.db > out 2> err && fail "check passed a text file"
grep -q "notdb.db: not an LMDB file" out || fail "not a database message: $(cat out err)"

cat > q.cq << 'CQ'
SHOW STATS; SHOW ARTICLES; SHOW ALIASES; SHOW PREDICATES; SHOW QUOTES NOT FOUND;
FIND * WHERE ?s ?p ?o FROM ?src QUOTE ?q BY ?w CONFIDENCE ?c AT ?a TO ?b ON ?d STORED ?t;
CHECK Taliban demand withdrawal; EVIDENCE Taliban demand withdrawal;
FIND ?s WHERE ?s ?p ?o INDEPENDENT SOURCES >= 2; SHOW TERMS LIKE "%";
ASSERT a b c FROM 1 QUOTE "x"; ALIAS Taliban2 FOR Taliban; RETRACT Taliban demand withdrawal;
ARTICLE 0 TEXT "new text";
CQ
count=${CLAIMDB_FUZZ_COUNT:-80}
found=0 passed=0 i=0
while [ $i -lt "$count" ]; do
    i=$((i + 1))
    ./mutate seed.db "$i" --flip 8192 > bad.db
    rm -f bad.db-lock
    "$prog" check bad.db > out 2> err
    status=$?
    case $status in
    0) passed=$((passed + 1))
       "$prog" bad.db -f q.cq > /dev/null 2> qerr
       q=$?
       [ $q -le 1 ] || fail "seed $i: check passed, then a query exited with status $q: $(tail -c 300 qerr)" ;;
    1) found=$((found + 1))
       grep -q "^bad.db: [0-9]* problems\? found$" out || fail "seed $i: no problem count: $(tail -c 300 out)" ;;
    *) fail "seed $i: check exited with status $status: $(tail -c 300 err)" ;;
    esac
done
echo "check: $count damaged copies, $found found damaged, $passed passed (then queried without a crash), $fails failures"
[ "$found" -gt 0 ] || fail "no damage was found: the flips do not reach the data"
[ "$fails" -eq 0 ]
