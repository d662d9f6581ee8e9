# e2e.awk — reads an end-to-end case file (tests/e2e/NAME.test, format in tests/e2e/run.sh)
# for run.sh. Two jobs, chosen by -v mode=:
#   split   writes DIR/script.K (the statements of process K, one line for each line of the
#           case file so that positions in messages are the case file's), DIR/args.K and
#           DIR/expected (the output blocks with a marker line after each, then "exit: N" per
#           process), and prints the number of processes. A malformed file is an error.
#   regen   prints the case file with its blocks and exit statuses replaced by what the run
#           printed (the file -v actual=, as run.sh collected it).
# Errors go to stderr as FILE:LINE: message, with exit status 2.
# The marker for the block at line L is "@e2e:L": the script runs ".print @e2e:L" there. A
# "---- to the end" block has none: it holds the rest of its process's output.

function fail(line, msg) {
    printf "%s:%d: %s\n", name, line, msg > "/dev/stderr"
    failed = 1
    exit 2
}

function end_block() {
    if (!in_block) return
    in_block = 0
    if (mode == "split" && !at_end) print "@e2e:" block_line > (dir "/expected")
}

function end_process(line) {
    if (!exit_given) fail(line, "the process has no \"-- exit: N\" line at its end")
}

BEGIN {
    proc = 1; in_block = 0; exit_given = 0; stmts = 0; since_block = 0; at_end = 0; n = 0
    if (mode == "regen") {
        na = 0
        while ((getline l < actual) > 0) out[++na] = l
        ai = 1
    }
}

{
    n++
    text[n] = $0
    section[n] = proc
    script[n] = ""
}

in_block && $0 == "" { end_block(); if (mode == "regen") print ""; next }
in_block && $0 ~ /^----( to the end)?$/ {
    fail(NR, $0 " inside an expected output: end the output with a blank line first")
}
in_block {
    if (mode == "split") print ($0 == "<empty line>" ? "" : $0) > (dir "/expected")
    next
}

$0 == "---- to the end" {
    if (exit_given) fail(NR, "---- to the end after the process's \"-- exit:\" line")
    if (at_end) fail(NR, "a second ---- to the end in one process")
    if (!since_block) fail(NR, "---- to the end with no statement before it (since the last output)")
    in_block = 1; at_end = 1; since_block = 0
    if (mode == "regen") {
        print
        for (; ai <= na && out[ai] !~ /^exit: [0-9]+$/; ai++)
            print (out[ai] == "" ? "<empty line>" : out[ai])
    }
    next
}

$0 == "----" {
    if (exit_given) fail(NR, "---- after the process's \"-- exit:\" line")
    if (at_end) fail(NR, "---- after \"---- to the end\", which holds all the rest of the output")
    if (!since_block) fail(NR, "---- with no statement before it (since the last output)")
    in_block = 1; block_line = NR; since_block = 0
    script[n] = ".print @e2e:" NR
    if (mode == "regen") {
        print "----"
        while (ai <= na && out[ai] != "@e2e:" NR) {
            if (out[ai] ~ /^exit: [0-9]+$/)
                fail(NR, "the run ended before this ---- (a stop, or a statement that ran to the end of the file?)")
            print (out[ai] == "" ? "<empty line>" : out[ai])
            ai++
        }
        if (ai > na) fail(NR, "the run ended before this ---- (a stop, or a statement that ran to the end of the file?)")
        ai++
    }
    next
}

/^-- exit: / {
    if (exit_given) fail(NR, "a second \"-- exit:\" line in one process")
    if ($0 !~ /^-- exit: [0-9]+$/) fail(NR, "expected \"-- exit: N\" with a number N")
    exit_given = 1
    if (mode == "split") print "exit: " substr($0, 10) > (dir "/expected")
    if (mode == "regen") {
        if (ai <= na && out[ai] !~ /^exit: [0-9]+$/)
            fail(NR, "statements after the last ---- printed something: add a ---- after them")
        if (ai > na) fail(NR, "the run printed no exit status for this process")
        print "-- exit: " substr(out[ai], 7)
        ai++
    }
    next
}

$0 == "-- new process" {
    end_process(NR)
    proc++; exit_given = 0; stmts = 0; since_block = 0; at_end = 0
    if (mode == "regen") print
    next
}

/^-- args: / {
    if (stmts) fail(NR, "\"-- args:\" after the first statement of its process")
    if (mode == "split") print substr($0, 10) > (dir "/args." proc)
}

{
    if (mode == "regen") print
    script[n] = $0
    if ($0 !~ /^[ \t]*(--.*)?$/) {
        if (exit_given) fail(NR, "a statement after the process's \"-- exit:\" line")
        stmts = 1; since_block = !at_end
    }
}

END {
    if (failed) exit 2
    end_block()
    end_process(n)
    if (failed) exit 2
    if (mode == "split") {
        for (k = 1; k <= proc; k++) {
            f = dir "/script." k
            printf "" > f
            for (i = 1; i <= n; i++) print (section[i] == k ? script[i] : "") > f
            close(f)
            printf "" >> (dir "/args." k)
        }
        print proc
    }
    if (mode == "regen" && ai <= na) fail(n, "the run printed more than the file expects")
}
