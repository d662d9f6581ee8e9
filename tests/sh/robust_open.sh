#!/bin/sh
# Issue 11, rows 1, 12 and 13: opening. Nothing is created by accident (a misspelt subcommand,
# a statement without ';', a query on a missing file), a file cut short or not a database is
# refused before LMDB maps it and leaves no lock file, and read-only files, folders and media
# work for queries (--readonly, or a file the user may not write).
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
mkdir "$tmp/w" && cd "$tmp/w" || exit 1
# check NAME EXPECTED-STATUS COMMAND...: runs it, keeps stdout in $tmp/out, stderr in $tmp/err
check() {
    name=$1 want=$2
    shift 2
    "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
    got=$?
    [ "$got" = "$want" ] || fail "$name: exit $got, expected $want (stderr: $(cat "$tmp/err"))"
}
has() { grep -qF -- "$2" "$tmp/$1" || fail "$3: $1 lacks '$2' ($(cat "$tmp/$1"))"; }
only() { # only NAME FILE...: the folder holds exactly these files
    name=$1
    shift
    want=$(for f in "$@"; do echo "$f"; done | sort | tr '\n' ' ')
    got=$(ls -A | sort | tr '\n' ' ')
    [ "$got" = "$want" ] || fail "$name: the folder holds '$got', expected '$want'"
}

# Row 13: a misspelt subcommand is suggested, not created.
check improt 2 "$prog" improt x.tsv
has err "Did you mean 'claimdb import'?" improt
check exprot 2 "$prog" exprot x.tsv
has err "'claimdb export'" exprot
only improt
# A query on a missing database is an error and creates nothing.
check dmeo 1 "$prog" build/dmeo.db 'CHECK a b c;'
has err "no such database: build/dmeo.db" dmeo
check missing 1 "$prog" t.db 'FIND ?x WHERE ?x a b;'
has err "no such database: t.db" missing
printf 'CHECK a b c;\n' | "$prog" t.db > /dev/null 2>&1 && fail "stdin read on a missing database succeeded"
check missing-stats 1 "$prog" t.db '.stats'
only missing
# A statement without its ';' is not a database name.
check no-semicolon 2 "$prog" 'CHECK a b c'
has err "statements end with ';'" no-semicolon
only no-semicolon
# The first write creates it, as the sqlite3 shell does; so does --create, and import.
check first-write 0 "$prog" t.db '
-- a comment
ASSERT a b c FROM 1; CHECK a b c;'
has out supported first-write
[ -f t.db ] || fail "the first write did not create t.db"
check create 0 "$prog" u.db --create 'FIND ?x WHERE ?x a b;'
[ -f u.db ] || fail "--create did not create u.db"
check create-readonly 2 "$prog" v.db --create --readonly 'FIND ?x WHERE ?x a b;'
printf 'subject\tpredicate\tobject\tarticle\tquote\na\tb\tc\t1\tq\n' > x.tsv
check import-creates 0 "$prog" import w.db x.tsv
rm -f u.db* w.db* x.tsv

# Opening a file that is not a database leaves no lock file.
printf 'hello\n' > notdb
check notdb 1 "$prog" notdb 'FIND ?x WHERE ?x a b;'
has err "not a claimdb database" notdb
check notdb-import 1 "$prog" import notdb "$src/data/claims.tsv"
[ -e notdb-lock ] && fail "opening a non-database left notdb-lock"
: > empty
check empty 1 "$prog" empty --readonly 'FIND ?x WHERE ?x a b;'
[ -e empty-lock ] && fail "opening an empty file read-only left empty-lock"
rm -f notdb empty
# An LMDB file of another program: refused, and its lock file is not left either.
cat > "$tmp/other.c" << 'EOC'
#include <lmdb.h>
int main(int argc, char **argv)
{
    MDB_env *env;
    MDB_txn *t;
    MDB_dbi d;
    MDB_val k = {1, "k"}, v = {1, "v"};
    (void)argc;
    if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, 4) ||
        mdb_env_open(env, argv[1], MDB_NOSUBDIR, 0644) || mdb_txn_begin(env, 0, 0, &t) ||
        mdb_dbi_open(t, "foo", MDB_CREATE, &d) || mdb_put(t, d, &k, &v, 0) || mdb_txn_commit(t))
        return 1;
    mdb_env_close(env);
    return 0;
}
EOC
if ${CC:-cc} -o "$tmp/other" "$tmp/other.c" -llmdb 2> /dev/null && "$tmp/other" other.db; then
    rm -f other.db-lock
    check other-lmdb 1 "$prog" other.db 'FIND ?x WHERE ?x a b;'
    has err "not a claimdb database" other-lmdb
    [ -e other.db-lock ] && fail "opening another program's LMDB file left other.db-lock"
    rm -f other.db
fi

# Row 1: a database cut short is CLAIMDB_CORRUPT with a message, never SIGBUS, whatever the cut.
"$prog" t.db 'ASSERT a b c FROM 1;' > /dev/null 2>&1
size=$(wc -c < t.db)
for cut in 8192 4096 12000 100 $((size - 4096)); do
    [ "$cut" -ge "$size" ] && continue
    cp t.db cut.db
    truncate -s "$cut" cut.db
    check "cut-$cut" 1 "$prog" cut.db 'SHOW STATS;'
    if [ "$cut" -ge 4096 ]; then has err "cut short" "cut-$cut"; else has err "not a claimdb database" "cut-$cut"; fi
    rm -f cut.db cut.db-lock
done

# Row 12: --readonly reads, refuses writes.
check readonly 0 "$prog" t.db --readonly 'CHECK a b c;'
has out supported readonly
check readonly-write 1 "$prog" t.db --readonly 'ASSERT d e f FROM 1;'
has err "read-only" readonly-write
check readonly-missing 1 "$prog" nosuch.db --readonly 'FIND ?x WHERE ?x a b;'
[ -e nosuch.db ] && fail "--readonly created nosuch.db"

# A file and folder the user may not write (as another user, when we are root).
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
    mkdir ro
    cp t.db ro/t.db
    chmod 444 ro/t.db
    chmod 555 ro
    chmod 755 "$tmp" "$tmp/w"
    nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    check ro-file 0 nobody "$prog" ro/t.db 'CHECK a b c;'
    has out supported ro-file
    check ro-write 1 nobody "$prog" ro/t.db 'ASSERT d e f FROM 1;'
    has err "read-only" ro-write
    [ -e ro/t.db-lock ] && fail "a read in a folder we may not write made a lock file"
    # A lock file we may not write is named in the message.
    cp t.db own.db
    "$prog" own.db 'CHECK a b c;' > /dev/null 2>&1
    chmod 644 own.db own.db-lock
    check ro-lock 1 nobody "$prog" own.db 'CHECK a b c;'
    has err "own.db-lock: Permission denied" ro-lock
    # Read-only media, when this machine lets us mount a file system.
    mkdir mnt
    if mount -t tmpfs -o size=4m tmpfs mnt 2> /dev/null; then
        cp t.db mnt/t.db
        mount -o remount,ro mnt
        check media 0 "$prog" mnt/t.db 'CHECK a b c;'
        has out supported media
        check media-write 1 "$prog" mnt/t.db 'ASSERT d e f FROM 1;'
        has err "read-only" media-write
        umount mnt
    fi
    chmod 755 ro
fi

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo ok
