#!/bin/sh
# The interactive shell on a pseudo-terminal (tests/pty/ptydrive.c, built here): a query typed
# over two lines with a term completed by Tab (it needs quotes), the aligned table it prints,
# the up arrow bringing the whole statement back, Ctrl-C dropping half-typed input, Ctrl-C
# stopping a long query without leaving, the history file, the banner naming the database, an
# error's caret, completion by context (dot-command arguments, SHOW's kinds), and Ctrl-D.
set -u
. "$(dirname "$0")/../lib/common.sh"
${CC:-cc} -std=c11 -o "$tmp/ptydrive" "$src/tests/pty/ptydrive.c" -lutil ||
    { echo "cannot build ptydrive"; exit 1; }
unset CI
export XDG_STATE_HOME="$tmp/state" HOME="$tmp/home" TERM=xterm
mkdir -p "$HOME"
db=$tmp/t.db
CI=true "$prog" "$db" '
ASSERT Taliban meets "Zalmay Khalilzad" FROM 4;
ASSERT "Zalmay Khalilzad" represents "United States" FROM 4;
ASSERT "Zalmay Khalilzad" visits Afghanistan FROM 4;
ASSERT Zabihullah speaks "for the Taliban" FROM 4;
ALIAS "Zalmay K." FOR "Zalmay Khalilzad";
ASSERT Zebra runs fast FROM 4;
RETRACT Zebra runs fast;' || { echo "setup failed"; exit 1; }
# A database where a three-way join runs for a very long time, for Ctrl-C.
awk 'BEGIN { print "subject\tpredicate\tobject\tarticle\tquote";
             for (i = 0; i < 2000; i++) printf "s%d\tp\to%d\t1\t\n", i, i }' > "$tmp/big.tsv"
CI=true "$prog" import "$tmp/big.db" "$tmp/big.tsv" 2> /dev/null || { echo "setup failed"; exit 1; }

cat > "$tmp/script" <<'SCRIPT'
expect Enter .help
expect claimdb> 
send FIND ?p, ?o\r
expect    ...> 
send WHERE Zal\t
expect "Zalmay Khalilzad" 
send ?p ?o ORDER BY ?p;\r
expect └
expect claimdb> 
send \e[A
expect ?p ?o ORDER BY ?p;
send \r
expect └
expect claimdb> 
send FIND ?x WHERE\r
expect    ...> 
send \x03
expect claimdb> 
send FIND ?x WHERE ?x meets ?y;\r
expect Taliban
expect claimdb> 
send FIND ?x WHERE ?x meets 2;\r
expect ^
expect claimdb> 
send \x04
SCRIPT
"$tmp/ptydrive" "$prog" "$db" < "$tmp/script" > "$tmp/out" 2>&1
st=$?
[ $st = 0 ] || fail "the session ended with status $st"
tr -d '\r' < "$tmp/out" > "$tmp/screen"
# The banner names the database; an error shows the line with a caret under its column.
grep -qF "$db: 4 claims, 1 articles." "$tmp/screen" || fail "no banner naming the database"
grep -qxF "  FIND ?x WHERE ?x meets 2;" "$tmp/screen" || fail "the erring line is not shown"
grep -qxF "                         ^" "$tmp/screen" || fail "no caret under column 26"
for line in \
    '┌────────────┬───────────────┐' \
    '│ p          │ o             │' \
    '├────────────┼───────────────┤' \
    '│ represents │ United States │' \
    '│ visits     │ Afghanistan   │' \
    '└────────────┴───────────────┘'; do
    n=$(grep -cxF "$line" "$tmp/screen")
    [ "$n" = 2 ] || fail "the table line '$line' appears $n times, expected 2 (typed, then recalled)"
done
grep -q '\^C' "$tmp/screen" || fail "Ctrl-C was not shown"
grep -q '^│ Taliban │' "$tmp/screen" || fail "no query ran after Ctrl-C"
hist="$XDG_STATE_HOME/claimdb/history"
[ -f "$hist" ] || fail "no history file at $hist"
grep -qF 'FIND\040?p,\040?o\040WHERE\040"Zalmay\040Khalilzad"\040?p\040?o\040ORDER\040BY\040?p;' "$hist" ||
    fail "the history lacks the whole statement: $(cat "$hist")"
grep -q 'FIND\\040?x\\040WHERE$' "$hist" && fail "cancelled input went into the history"

# The history is read back by the next session: the up arrow reaches the earlier statement.
cat > "$tmp/script3" <<'SCRIPT'
expect claimdb> 
send \e[A
expect ?x meets 2;
send \e[A
expect ?y;
send \r
expect │ Taliban │
expect claimdb> 
send \x04
SCRIPT
"$tmp/ptydrive" "$prog" "$db" < "$tmp/script3" > "$tmp/out3" 2>&1 ||
    fail "history was not loaded: $(cat "$tmp/out3")"

# Completion by context: a dot-command's arguments (on/off, modes), SHOW's kinds.
cat > "$tmp/script4" <<'SCRIPT'
expect claimdb> 
send .headers of\t\r
expect claimdb> 
send .mode cs\t\r
expect claimdb> 
send .show\r
expect timeout
expect claimdb> 
send show pred\t;\r
expect meets,1
expect claimdb> 
send \x04
SCRIPT
"$tmp/ptydrive" "$prog" "$db" < "$tmp/script4" > "$tmp/out4" 2>&1 ||
    fail "completion session: $(cat "$tmp/out4")"
tr -d '\r' < "$tmp/out4" > "$tmp/screen4"
grep -q "headers: off" "$tmp/screen4" || fail ".headers of<Tab> did not complete to off"
grep -q "mode: csv" "$tmp/screen4" || fail ".mode cs<Tab> did not complete to csv"
grep -q "^meets,1" "$tmp/screen4" || fail "show pred<Tab> did not complete to predicates"

# Completion offers only the terms of claims (not the alias "Zalmay K.", nor Zebra, whose
# claim is retracted: Zal<Tab> above completed at once), predicates after a subject, file
# names with their folders; terms in no claim are warned about with the nearest; a statement
# begun after a whole one on the same line goes on; unknown words get suggestions, dot-commands
# that exist do not.
printf '.print read-ok\n' > "$tmp/readme.cq"
mkdir "$tmp/sub" && printf '.print sub-ok\n' > "$tmp/sub/only.cq"
cat > "$tmp/script5" <<SCRIPT
expect claimdb> 
send FIND COUNT(*) WHERE Zeb\t?p ?o;\r
expect "Zeb" is not in the database
expect claimdb> 
send FIND ?o WHERE Taliban \t
expect meets  represents  speaks  visits
send \x15FIND ?o WHERE "Zalmay Khalilzad" re\t?o;\r
expect United States
expect claimdb> 
send .headers o\t\t
expect on  off
send \x15.mode j\t\t
expect json  jsonl
send \x15SHOW \t\t
expect ARTICLES  ARTICLE  PREDICATES
send \x15.read $tmp/rea\t\r
expect read-ok
expect claimdb> 
send .read $tmp/su\tonl\t\r
expect sub-ok
expect claimdb> 
send CHECK Talibn meets "Zalmay Khalilzad";\r
expect warning: "Talibn" is not in the database; did you mean "Taliban"?
expect claimdb> 
send CHECK Taliban meets "Zalmay Khalilzad"; CHECK\r
expect    ...> 
send Taliban meets "Zalmay K.";\r
expect └
expect └
expect claimdb> 
send FIDN ?x WHERE a b c;\r
expect did you mean FIND?
expect claimdb> 
send .output\r
expect claimdb> 
send .open $db\r
expect claimdb> 
send \x04
SCRIPT
"$tmp/ptydrive" "$prog" "$db" < "$tmp/script5" > "$tmp/out5" 2>&1 ||
    fail "completion and warnings session: $(cat "$tmp/out5")"
tr -d '\r' < "$tmp/out5" > "$tmp/screen5"
grep -q 'Zebra' "$tmp/screen5" && fail "a term whose claims are retracted was offered"
grep -q 'did you mean "\.' "$tmp/screen5" && fail ".output or .open got a suggestion: $(cat "$tmp/screen5")"
n=$(grep -c '^│ supported' "$tmp/screen5")
[ "$n" = 2 ] || fail "'CHECK ...; CHECK' then the rest ran $n statements, expected 2"

# .bail on in the shell: the first error ends it, with status 1 (sqlite3's -bail).
printf 'expect claimdb> \nsend .bail on\\r\nexpect claimdb> \nsend FIND x;\\r\nexpect syntax error\n' > "$tmp/script7"
"$tmp/ptydrive" "$prog" "$db" < "$tmp/script7" > "$tmp/out7" 2>&1
st=$?
[ $st = 1 ] || fail ".bail on then an error: the shell ended with status $st, expected 1: $(cat "$tmp/out7")"

# Export to a terminal without --format writes TSV, a table a person reads.
printf 'expect Zalmay Khalilzad\n' > "$tmp/script6"
"$tmp/ptydrive" "$prog" export "$db" < "$tmp/script6" > "$tmp/out6" 2>&1 ||
    fail "export to a terminal: $(cat "$tmp/out6")"
grep -q '^alias	canonical' "$tmp/out6" || fail "export to a terminal is not TSV: $(cat "$tmp/out6")"

# Ctrl-C stops a running statement; the shell stays and answers the next one.
cat > "$tmp/script2" <<'SCRIPT'
expect claimdb> 
send FIND COUNT(*) WHERE ?a p ?b AND ?c p ?d AND ?e p ?f;\r
sleep 700
sendnow \x03
expect interrupted
expect claimdb> 
send FIND ?o WHERE s7 p ?o;\r
expect o7
expect claimdb> 
send \x04
SCRIPT
"$tmp/ptydrive" "$prog" "$tmp/big.db" < "$tmp/script2" > "$tmp/out2" 2>&1 ||
    fail "interrupt session: $(cat "$tmp/out2")"

[ $fails = 0 ] || { echo "$fails failure(s)"; cat "$tmp/out"; exit 1; }
echo "repl_pty: ok"
