#!/bin/sh
# The claimdb program's command line: --help and --version, exit statuses (0, 1, 2), where
# statements come from (argument, -f files, standard input), error names for each, the default
# output mode in a pipe, --mode=, .timer, and the demo database (missing, then read-only).
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1
# check NAME EXPECTED-STATUS COMMAND...: runs it, keeps stdout in $tmp/out, stderr in $tmp/err
check() {
    name=$1 want=$2
    shift 2
    "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
    got=$?
    [ "$got" = "$want" ] || fail "$name: exit $got, expected $want (stderr: $(cat "$tmp/err"))"
}
has() { grep -qF -- "$2" "$tmp/$1" || fail "$3: $1 lacks '$2'"; }
db=$tmp/t.db

# --help tells every option, and exits 0; the man page documents the same options.
check help 0 "$prog" --help
for opt in -f --file -m --mode --headers --bail --create --readonly --timeout --help --version import export --format \
           --dry-run --base -o --output --cmd --init --echo --batch --interactive; do
    has out "$opt" "--help"
    grep -qF -- "$(printf '%s' "$opt" | sed 's/-/\\-/g')" "$src/docs/claimdb.1" ||
        fail "docs/claimdb.1 does not mention $opt"
done
check help-short 0 "$prog" -h
check version 0 "$prog" --version
grep -Eq '^claimdb [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || fail "--version printed: $(cat "$tmp/out")"

# Usage errors: 2, with a hint.
check bad-option 2 "$prog" "$db" --nosuch
has err "unknown option '--nosuch'" bad-option
has err "claimdb --help" bad-option
check bad-mode 2 "$prog" "$db" -m yaml 'FIND ?x WHERE ?x a b;'
check bad-headers 2 "$prog" "$db" --headers maybe 'FIND ?x WHERE ?x a b;'
check missing-file-arg 2 "$prog" "$db" -f
check extra-arg 2 "$prog" "$db" 'FIND ?x WHERE ?x a b;' extra
check import-usage 2 "$prog" import "$db"
check export-usage 2 "$prog" export "$db" -o out.unknown
check export-bad-format 2 "$prog" export "$db" --format xml

# Statements as an argument: success 0, default mode in a pipe is tsv with headers.
check arg 0 "$prog" "$db" 'ASSERT Taliban demands withdrawal FROM 0, 4; FIND ?src WHERE Taliban demands withdrawal FROM ?src ORDER BY ?src;'
[ "$(cat "$tmp/out")" = "$(printf 'src\n0\n4')" ] || fail "arg output: $(cat "$tmp/out")"
check mode-eq 0 "$prog" "$db" --mode=csv --headers=off 'FIND ?src WHERE Taliban demands withdrawal FROM ?src ORDER BY ?src;'
[ "$(cat "$tmp/out" | tr -d '\r')" = "$(printf '0\n4')" ] || fail "--mode=csv output: $(cat "$tmp/out")"
# An error in an argument is named <command line>, and the status is 1.
check arg-error 1 "$prog" "$db" 'FIND ?x WHERE ?x demands;'
has err "<command line>:1:25: syntax error" arg-error

# Standard input when it is not a terminal; errors named <stdin>; all errors reported.
printf 'FIND ?x WHERE ?x demands withdrawal;\nFIND ?x\n WHERE ;\nFIND ?y WHERE;\n' > "$tmp/in.cq"
"$prog" "$db" < "$tmp/in.cq" > "$tmp/out" 2> "$tmp/err"
[ $? = 1 ] || fail "stdin errors: exit status not 1"
has out Taliban stdin
has err "<stdin>:3:8:" stdin
has err "<stdin>:4:14:" stdin

# -f files, repeatable, run in order; -f - reads standard input.
printf 'FIND ?x WHERE ?x demands withdrawal;\n' > "$tmp/a.cq"
printf '.mode csv\nFIND ?o WHERE Taliban demands ?o;\n' > "$tmp/b.cq"
check files 0 "$prog" "$db" -f "$tmp/a.cq" -f "$tmp/b.cq"
[ "$(tr -d '\r' < "$tmp/out")" = "$(printf 'x\nTaliban\no\nwithdrawal')" ] || fail "-f -f output: $(cat "$tmp/out")"
"$prog" "$db" -f - < "$tmp/a.cq" > "$tmp/out" 2>&1 || fail "-f - failed"
has out Taliban "-f -"
check missing-file 1 "$prog" "$db" -f "$tmp/nosuch.cq"
has err "nosuch.cq" missing-file

# .timer on prints each statement's time on stderr, not stdout.
check timer 0 "$prog" "$db" '.timer on
FIND ?x WHERE ?x demands withdrawal;'
grep -Eq '^time: [0-9]+\.[0-9]+ s$' "$tmp/err" || fail ".timer: stderr $(cat "$tmp/err")"
grep -q time "$tmp/out" && fail ".timer wrote to stdout"

# .stats shows the statistics.
check stats 0 "$prog" "$db" '.stats'
has out citations .stats

# A database that cannot be opened: status 1 and the reason.
echo "not a database" > "$tmp/bad.db"
check corrupt 1 "$prog" "$tmp/bad.db" 'FIND ?x WHERE ?x a b;'
has err "cannot open $tmp/bad.db" corrupt

# No DB argument: the demo database, read-only; a clear error when it is missing.
check demo-missing 1 env CLAIMDB_DEMO="$tmp/nodemo.db" "$prog" -f "$tmp/a.cq"
has err "make demo" demo-missing
check demo 0 env CLAIMDB_DEMO="$db" "$prog" -f "$tmp/a.cq"
has out Taliban demo
check demo-statements 0 env CLAIMDB_DEMO="$db" "$prog" 'FIND ?x WHERE ?x demands withdrawal;'
has out Taliban demo-statements
[ -e 'FIND ?x WHERE ?x demands withdrawal;' ] && fail "a lone statements argument became a database file"
printf 'ASSERT a b c FROM 1;\n' > "$tmp/w.cq"
check demo-readonly 1 env CLAIMDB_DEMO="$db" "$prog" -f "$tmp/w.cq"

# --cmd runs before the other input, --init FILE before that; the startup file
# ($XDG_CONFIG_HOME/claimdb/claimdbrc, else ~/.config/claimdb/claimdbrc, else ~/.claimdbrc) is
# read by the shell only, so that scripts never depend on it.
printf '.nullvalue (init)\n.print from init\n' > "$tmp/init.cq"
check cmd 0 "$prog" "$db" --init "$tmp/init.cq" --cmd '.print from cmd' --cmd 'ASSERT x y z FROM 7;' \
    'FIND ?q WHERE x y z FROM ?s QUOTE ?q;'
[ "$(cat "$tmp/out")" = "$(printf 'from init\nfrom cmd\nq\n(init)')" ] || fail "--init/--cmd order: $(cat "$tmp/out")"
mkdir -p "$tmp/home/.config/claimdb"
printf '.print from the startup file\n' > "$tmp/home/.config/claimdb/claimdbrc"
check rc-batch 0 env HOME="$tmp/home" XDG_CONFIG_HOME= "$prog" "$db" 'FIND ?s WHERE ?s y z;'
grep -q "startup" "$tmp/out" && fail "the startup file was read by a script"
printf 'FIND ?s WHERE ?s y z;\n' > "$tmp/in.cq"
HOME="$tmp/home" XDG_CONFIG_HOME= "$prog" "$db" --interactive < "$tmp/in.cq" > "$tmp/out" 2> "$tmp/err" ||
    fail "--interactive: $(cat "$tmp/err")"
has out "from the startup file" rc-interactive
has out "x" rc-interactive
check echo 0 "$prog" "$db" -echo 'FIND ?s WHERE ?s y z;'
has out "FIND ?s WHERE ?s y z;" echo
# .show says what is set; .exit CODE is the exit status
printf '.mode csv\n.nullvalue -\n.show\n.exit 7\n' > "$tmp/show.cq"
check show 7 "$prog" t.db -f "$tmp/show.cq"
has out "database: t.db" show
has out "mode: csv" show
has out 'nullvalue: "-"' show
check exit-usage 1 "$prog" "$db" --cmd '.exit 300'
has err "usage: .exit [CODE]" exit-usage
# .open: another database (created by its first write), read-only, or refused when missing
printf '.open %s\nASSERT a b c FROM 1;\nFIND ?s WHERE ?s b c;\n.open --readonly %s\nFIND ?s WHERE ?s y z;\nASSERT q r s FROM 2;\n.open --readonly %s\n.show\n' \
    "$tmp/other.db" "$db" "$tmp/nope.db" > "$tmp/open.cq"
check open 1 "$prog" "$db" -f "$tmp/open.cq"
[ -f "$tmp/other.db" ] || fail ".open: the first write did not create the database"
has out "database: $db (read-only)" open
has err "the database is open read-only" open
has err "no such database: $tmp/nope.db" open
[ -e "$tmp/nope.db" ] && fail ".open --readonly created a file"
# A batch that ends inside BEGIN says that its changes are rolled back, and fails.
check open-txn 1 "$prog" "$db" 'BEGIN; ASSERT k l m FROM 1;'
has err "ended inside BEGIN without COMMIT: its changes are rolled back" open-txn
check open-txn-gone 0 "$prog" "$db" 'FIND ?s WHERE ?s l m;'
[ "$(cat "$tmp/out")" = "s" ] || fail "the rolled-back ASSERT was kept: $(cat "$tmp/out")"
# .once sends one statement's results to a file, .output all of them until .output alone
printf '.once %s\nFIND ?s WHERE ?s y z;\nFIND COUNT(*) WHERE ?s ?p ?o;\n.output %s\nFIND ?o WHERE x y ?o;\n.print in the file\n.output\n.print back\n' \
    "$tmp/once.txt" "$tmp/all.txt" > "$tmp/output.cq"
check output 0 "$prog" "$db" -f "$tmp/output.cq"
[ "$(cat "$tmp/once.txt")" = "$(printf 's\nx')" ] || fail ".once file: $(cat "$tmp/once.txt")"
[ "$(cat "$tmp/all.txt")" = "$(printf 'o\nz\nin the file')" ] || fail ".output file: $(cat "$tmp/all.txt")"
[ "$(sed -n '1p;3p' "$tmp/out")" = "$(printf 'COUNT(*)\nback')" ] && [ "$(wc -l < "$tmp/out")" = 3 ] ||
    fail "stdout around .once/.output: $(cat "$tmp/out")"
check output-bad 1 "$prog" "$db" --cmd ".output $tmp/no/such/dir/x.txt"
has err "cannot write $tmp/no/such/dir/x.txt" output-bad

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "prog_cli: ok"
