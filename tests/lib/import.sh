# Sourced by the import tests in tests/sh, after common.sh: a bad file is refused without a
# trace, and damaged files never crash the program.

# Set what refused_setup's snapshot and bad() compare: the database ($1) and the export
# format its snapshot is taken in ($2: tsv carries claims, jsonl reviews too), and the words
# of the success summary that a failed import must not print ($3).
refused_setup() {
    db=$1 snap_format=$2 counts=$3
    "$prog" export "$db" --format "$snap_format" > before.snap || { echo "export failed"; exit 1; }
}

# bad NAME CONTENT(printf format) EXPECTED-MESSAGE [IMPORT-OPTIONS...]: importing NAME, made of
# CONTENT, exits with status 1, says EXPECTED-MESSAGE, prints no counts and leaves the database
# as the snapshot has it.
bad() {
    name=$1 content=$2 want=$3
    shift 3
    # shellcheck disable=SC2059
    printf "$content" > "$name"
    "$prog" import "$db" "$name" "$@" > out 2> err
    st=$?
    [ $st = 1 ] || fail "$name: exit status $st, expected 1"
    grep -qF -- "$want" err || fail "$name: expected '$want', got: $(cat err)"
    grep -q "$counts" err && fail "$name: counts printed for a failed import"
    "$prog" export "$db" --format "$snap_format" > after.snap
    cmp -s before.snap after.snap || fail "$name: the database changed"
}

# fuzz_format FMT COUNT CANARY SNAP_FORMAT [IMPORT-OPTIONS...]: COUNT mutations of orig.FMT
# (tests/fuzz/mutate.c, built as ./mutate; seeds 1..COUNT), each imported into a new t.db
# holding the CANARY statement: either it loads (counted in $loaded), or it is refused
# (counted in $refused) naming FILE:LINE:COL and leaving the database as it was, compared
# through an export in SNAP_FORMAT.
loaded=0 refused=0
fuzz_format() {
    fmt=$1 count=$2 canary=$3 snap=$4
    shift 4
    i=0
    while [ $i -lt "$count" ]; do
        i=$((i + 1))
        ./mutate "orig.$fmt" "$i" > "bad.$fmt"
        rm -f t.db t.db-lock
        "$prog" t.db "$canary" || exit 1
        "$prog" export t.db --format "$snap" > before.snap
        "$prog" import t.db "bad.$fmt" "$@" > out.txt 2> err.txt
        status=$?
        case $status in
        0) loaded=$((loaded + 1)) ;;
        1)
            refused=$((refused + 1))
            grep -Eq "^bad\.$fmt:[0-9]+:[0-9]+: " err.txt ||
                fail "$fmt seed $i: the error names no FILE:LINE:COL: $(head -c 300 err.txt)"
            "$prog" export t.db --format "$snap" | cmp -s - before.snap ||
                fail "$fmt seed $i: a refused import changed the database"
            ;;
        *) fail "$fmt seed $i: import exited with status $status: $(head -c 300 err.txt)" ;;
        esac
    done
}
