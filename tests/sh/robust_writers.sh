#!/bin/sh
# Issue 11, row 10: a second writer waits for the first, up to the busy timeout, and says so
# on a terminal (it waited forever, silently). Two shells on pseudo-terminals: the first holds
# a transaction for two seconds; the second's ASSERT waits, tells the user, and succeeds after
# the first commits. --timeout 0 fails at once with "database is busy"; .timeout shows it.
set -u
. "$(dirname "$0")/../lib/common.sh"
${CC:-cc} -std=c11 -o "$tmp/ptydrive" "$src/tests/pty/ptydrive.c" -lutil ||
    { echo "cannot build ptydrive"; exit 1; }
unset CI
export XDG_STATE_HOME="$tmp/state" HOME="$tmp/home" TERM=xterm
mkdir -p "$HOME"
db=$tmp/t.db
CI=true "$prog" "$db" 'ASSERT a b c FROM 1;' > /dev/null || { echo "setup failed"; exit 1; }

cat > "$tmp/holder" << 'SCRIPT'
expect claimdb> 
send BEGIN; ASSERT first b c FROM 1;\r
expect claimdb> 
sleep 2500
send COMMIT;\r
expect claimdb> 
send \x04
SCRIPT
cat > "$tmp/waiter" << 'SCRIPT'
expect claimdb> 
send .timeout\r
expect 20000
send ASSERT second b c FROM 2;\r
expect waiting for another writer
expect claimdb> 
send FIND ?s WHERE ?s b c ORDER BY ?s;\r
expect second
expect claimdb> 
send \x04
SCRIPT
"$tmp/ptydrive" "$prog" "$db" < "$tmp/holder" > "$tmp/out1" 2>&1 &
holder=$!
# the holder's transaction has begun once a writer with no patience is refused
n=0
while :; do
    CI=true "$prog" "$db" --timeout 0 'ASSERT probe b c FROM 3;' > /dev/null 2> "$tmp/probe"
    grep -q "database is busy" "$tmp/probe" && break
    n=$((n + 1))
    [ $n -gt 100 ] && break
    sleep 0.05
done
grep -q "database is busy: another process holds the write transaction" "$tmp/probe" ||
    fail "--timeout 0 during another transaction: $(cat "$tmp/probe")"
"$tmp/ptydrive" "$prog" "$db" --timeout 20000 < "$tmp/waiter" > "$tmp/out2" 2>&1 ||
    fail "the waiting shell: $(cat "$tmp/out2")"
wait $holder || fail "the holding shell: $(cat "$tmp/out1")"
grep -q "first" "$tmp/out2" && grep -q "second" "$tmp/out2" ||
    fail "after the wait: $(cat "$tmp/out2")"
grep -q "error" "$tmp/out2" && fail "the waiting shell printed an error: $(cat "$tmp/out2")"
# 'claimdb import' on a terminal says so too while it waits.
printf 'subject\tpredicate\tobject\tarticle\tquote\nthird\tb\tc\t4\tq\n' > "$tmp/x.tsv"
"$tmp/ptydrive" "$prog" "$db" < "$tmp/holder" > "$tmp/out3" 2>&1 &
holder=$!
n=0
while :; do
    CI=true "$prog" "$db" --timeout 0 'ASSERT probe b c FROM 3;' > /dev/null 2> "$tmp/probe"
    grep -q "database is busy" "$tmp/probe" && break
    n=$((n + 1))
    [ $n -gt 100 ] && break
    sleep 0.05
done
printf 'expect waiting for another writer\nexpect 1 claims added\n' > "$tmp/importer"
"$tmp/ptydrive" "$prog" import "$db" "$tmp/x.tsv" --timeout 20000 < "$tmp/importer" \
    > "$tmp/out4" 2>&1 || fail "the waiting import: $(cat "$tmp/out4")"
wait $holder || fail "the second holding shell: $(cat "$tmp/out3")"
# Usage errors of the option.
CI=true "$prog" "$db" --timeout soon 'FIND ?s WHERE ?s b c;' > /dev/null 2> "$tmp/err"
[ $? = 2 ] || fail "--timeout soon: not a usage error"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo ok
