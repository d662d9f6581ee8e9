#!/bin/sh
# Issue 11, rows 8, 9 and 11: clear messages, and no text gets in that would break output
# later: a blank term, NUL in an N-Quads literal (it was stored cut short), a full disk during
# an import (it said "Input/output error"; the database is left as it was).
set -u
. "$(dirname "$0")/../lib/common.sh"
export CI=true
cd "$tmp" || exit 1
check() {
    name=$1 want=$2
    shift 2
    "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
    got=$?
    [ "$got" = "$want" ] || fail "$name: exit $got, expected $want (stderr: $(cat "$tmp/err"))"
}
has() { grep -qF -- "$2" "$tmp/$1" || fail "$3: $1 lacks '$2' ($(cat "$tmp/$1"))"; }

check blank 1 "$prog" t.db 'ASSERT "   " p o FROM 1;'
has err "subject: blank: a term needs a character that is not white space" blank
check blank-pred 1 "$prog" t.db 'ASSERT a "	" o FROM 1;'
has err "predicate: blank" blank-pred

# An N-Quads literal with \u0000 is refused with its line, like TSV and JSON Lines do.
R='http://www.w3.org/1999/02/22-rdf-syntax-ns#'
quads() {
    cat << EOQ
<urn:claimdb:term/a> <urn:claimdb:pred/b> <urn:claimdb:term/c> <urn:claimdb:article/0> .
_:c1 <${R}type> <${R}Statement> <urn:claimdb:article/0> .
_:c1 <${R}subject> <urn:claimdb:term/a> <urn:claimdb:article/0> .
_:c1 <${R}predicate> <urn:claimdb:pred/b> <urn:claimdb:article/0> .
_:c1 <${R}object> <urn:claimdb:term/c> <urn:claimdb:article/0> .
_:c1 <urn:claimdb:vocab/quote> "$1" <urn:claimdb:article/0> .
EOQ
}
quads 'a\u0000b' > nul.nq
check nquads-nul 1 "$prog" import n.db nul.nq
has err "nul.nq:6:" nquads-nul
has err "NUL" nquads-nul
check nquads-nul-stored 0 "$prog" n.db --create 'FIND ?q WHERE a b c FROM ?s QUOTE ?q;'
[ "$(cat out)" = "q" ] || fail "the N-Quads file with NUL stored something: $(cat out)"
quads 'a\u00e9b' > ok.nq
check nquads-ok 0 "$prog" import n.db ok.nq
check nquads-ok-stored 0 "$prog" n.db 'FIND ?q WHERE a b c FROM ?s QUOTE ?q;'
has out "aéb" nquads-ok-stored
# ... and the JSON output and the exporters work on what got in.
check json 0 "$prog" n.db -m json 'FIND ?q WHERE a b c FROM ?s QUOTE ?q;'
check export 0 "$prog" export n.db --format jsonl
has out "aéb" export

# A full disk during an import: a message that says so; the database is unchanged.
if [ "$(id -u)" = 0 ] && mkdir full && mount -t tmpfs -o size=600k tmpfs full 2> /dev/null; then
    awk 'BEGIN { print "subject\tpredicate\tobject\tarticle\tquote";
                 for (i = 0; i < 20000; i++) printf "s%d\tp%d\to%d\t%d\tsome quote words %d\n", i, i % 7, i, i % 50, i }' > big.tsv
    "$prog" full/f.db 'ASSERT x before full FROM 1;' > /dev/null 2>&1
    check disk-full 1 "$prog" import full/f.db big.tsv
    has err "the disk is full" disk-full
    check disk-full-after 0 "$prog" full/f.db 'FIND ?s, ?p, ?o WHERE ?s ?p ?o;'
    [ "$(cat out)" = "$(printf 's\tp\to\nx\tbefore\tfull')" ] ||
        fail "after a full disk the database holds: $(head -3 out)"
    umount full
fi

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo ok
