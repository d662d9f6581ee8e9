#!/bin/sh
# The end-to-end driver (tests/e2e/run.sh) fails on a case file that is malformed or whose
# outputs do not hold, each with a message naming the line; a well-formed case passes and
# CLAIMDB_REGEN=1 writes the outputs it checks.
set -u
. "$(dirname "$0")/../lib/common.sh"
run=$src/tests/e2e/run.sh
mkdir "$tmp/cases"
# case NAME STATUS MESSAGE: writes standard input to NAME.test, runs the driver on it, and
# checks its exit status and that its output holds MESSAGE.
case_() {
    name=$1 want=$2 msg=$3
    cat > "$tmp/cases/$name.test"
    sh "$run" "$prog" "$tmp/cases/$name.test" > "$tmp/out" 2>&1
    got=$?
    [ "$got" = "$want" ] || fail "$name: exit $got, expected $want ($(cat "$tmp/out"))"
    [ -z "$msg" ] || grep -qF -- "$msg" "$tmp/out" || fail "$name: the output lacks '$msg' ($(cat "$tmp/out"))"
}

case_ good 0 "" << 'END'
-- A well-formed case.
ASSERT Taliban demands withdrawal FROM 0;
FIND ?x WHERE ?x demands withdrawal;
----
x
Taliban

FIND ?x WHERE ?x demands;
----
good.test:8:25: syntax error: expected a term, a variable or '_' after 'demands', found ';'

-- exit: 1
END

# Not well-formed: each is an error of the file, at its line.
case_ no-exit 2 "no-exit.test:5: the process has no \"-- exit: N\" line at its end" << 'END'
ASSERT a b c FROM 0;
FIND ?x WHERE ?x b c;
----
x
a
END
case_ bad-exit 2 "bad-exit.test:2: expected \"-- exit: N\" with a number N" << 'END'
ASSERT a b c FROM 0;
-- exit: zero
END
case_ no-statement 2 "no-statement.test:6: ---- with no statement before it" << 'END'
FIND ?x WHERE ?x b c;
----
x

-- an output with no statement
----
x
-- exit: 0
END
case_ unended 2 "unended.test:4: ---- inside an expected output" << 'END'
FIND ?x WHERE ?x b c;
----
x
----
-- exit: 0
END
case_ after-exit 2 "after-exit.test:3: a statement after the process's \"-- exit:\" line" << 'END'
ASSERT a b c FROM 0;
-- exit: 0
FIND ?x WHERE ?x b c;
END
case_ late-args 2 "late-args.test:2: \"-- args:\" after the first statement" << 'END'
ASSERT a b c FROM 0;
-- args: --bail
-- exit: 0
END

# Well-formed, but the outputs do not hold.
case_ wrong-row 1 "+a" << 'END'
ASSERT a b c FROM 0;
FIND ?x WHERE ?x b c;
----
x
b

-- exit: 0
END
case_ wrong-exit 1 "+exit: 1" << 'END'
FIND ?x WHERE ?x b;
----
wrong-exit.test:1:19: syntax error: expected a term, a variable or '_' after 'b', found ';'

-- exit: 0
END
# The right rows under the wrong statement: the FIND prints them, not the ASSERT (all the
# output together is what the file says, in the same order).
case_ misplaced 1 "+@e2e:2" << 'END'
ASSERT a b c FROM 0;
----
x
a

FIND ?x WHERE ?x b c;
----

-- exit: 0
END
case_ silent 1 "+x" << 'END'
ASSERT a b c FROM 0;
FIND ?x WHERE ?x b c;
-- the FIND prints, but no ---- says what
-- exit: 0
END

# CLAIMDB_REGEN=1 fills in what the run printed; the result then passes.
cat > "$tmp/cases/regen.test" << 'END'
ASSERT a b c FROM 0;
FIND ?x WHERE ?x b c;
----

-- exit: 7
END
CLAIMDB_REGEN=1 sh "$run" "$prog" "$tmp/cases/regen.test" > "$tmp/out" 2>&1 ||
    fail "regen: $(cat "$tmp/out")"
printf 'ASSERT a b c FROM 0;\nFIND ?x WHERE ?x b c;\n----\nx\na\n\n-- exit: 0\n' > "$tmp/want"
cmp -s "$tmp/want" "$tmp/cases/regen.test" || fail "regen: $(diff "$tmp/want" "$tmp/cases/regen.test")"
sh "$run" "$prog" "$tmp/cases/regen.test" > "$tmp/out" 2>&1 || fail "regen: the result fails"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo ok
