/* store_term.c — term keys, the term dictionary and aliases.
 *
 * A term's key is its text mapped by utf8proc to NFC with full case folding, with every run of
 * white space made one ASCII space and the ends trimmed. Unassigned code points are refused
 * (UTF8PROC_REJECTNA): their folding may change in a later Unicode version, which would make
 * stored keys unreachable.
 */
#include "store_internal.h"
#include "try.h"

#include "claimdb.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- keys ---- */

static bool is_space(utf8proc_int32_t cp)
{
    if (cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || cp == 0x85 || cp == 0x2028 || cp == 0x2029)
        return true;
    return cp > 0x7f && utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

/* Collapse white space runs of buf[0, n) in place; returns the new length. */
static size_t collapse(uint8_t *buf, size_t n)
{
    size_t w = 0, i = 0;
    bool pending = false;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t l;
        if (buf[i] < 0x80) {
            cp = buf[i];
            l = 1;
        } else {
            l = utf8proc_iterate(buf + i, (utf8proc_ssize_t)(n - i), &cp);
            if (l <= 0) /* cannot happen: utf8proc wrote it */
                l = 1, cp = -1;
        }
        if (is_space(cp)) {
            pending = true;
        } else {
            if (pending && w > 0) buf[w++] = ' ';
            pending = false;
            memmove(buf + w, buf + i, (size_t)l);
            w += (size_t)l;
        }
        i += (size_t)l;
    }
    return w;
}

int term_key_why(const char *text, size_t len, char **key, size_t *keylen, const char **why)
{
    *key = NULL;
    *keylen = 0;
    *why = NULL;
    if (!text && len) {
        *why = "no term text";
        return CLAIMDB_MISUSE;
    }
    if (len > ((size_t)1 << 28)) {
        *why = "term too long";
        return CLAIMDB_TOOBIG;
    }
    bool ascii = true;
    for (size_t i = 0; i < len && ascii; i++)
        ascii = (unsigned char)text[i] < 0x80;
    uint8_t *m;
    size_t n;
    if (ascii) { /* NFC is the identity and case folding is tolower */
        m = malloc(len + 1);
        if (!m) {
            *why = "out of memory";
            return CLAIMDB_NOMEM;
        }
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = (unsigned char)text[i];
            m[i] = (uint8_t)(ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
        }
        n = len;
    } else {
        utf8proc_uint8_t *dst = NULL;
        utf8proc_ssize_t r = utf8proc_map(
            (const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &dst,
            UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_REJECTNA);
        if (r < 0) {
            free(dst);
            switch (r) {
            case UTF8PROC_ERROR_NOMEM:
                *why = "out of memory";
                return CLAIMDB_NOMEM;
            case UTF8PROC_ERROR_OVERFLOW:
                *why = "term too long";
                return CLAIMDB_TOOBIG;
            case UTF8PROC_ERROR_NOTASSIGNED:
                *why = "term holds an unassigned Unicode code point";
                return CLAIMDB_ERROR;
            default:
                *why = "invalid UTF-8 in a term";
                return CLAIMDB_ERROR;
            }
        }
        m = dst;
        n = (size_t)r;
    }
    n = collapse(m, n);
    m[n] = 0;
    if (n == 0) {
        free(m);
        *why = len ? "blank: a term needs a character that is not white space" : "empty term";
        return CLAIMDB_ERROR;
    }
    if (n > STORE_MAX_KEY) {
        free(m);
        *why = "term too long: its key is longer than 480 bytes";
        return CLAIMDB_TOOBIG;
    }
    *key = (char *)m;
    *keylen = n;
    return CLAIMDB_OK;
}

int store_term_key(const char *text, size_t len, char **key, size_t *keylen)
{
    const char *why;
    return term_key_why(text, len, key, keylen, &why);
}

int term_key_err(store *st, int rc, const char *why, const char *text, size_t len)
{
    (void)text;
    (void)len;
    return store_seterr(st, rc, "%s", why ? why : "bad term");
}

/* ---- dictionary ---- */

static int read_id(store_txn *t, const MDB_val *v, term_id *id)
{
    if (v->mv_size != 8) return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged term id record");
    *id = get_u64(v->mv_data);
    return CLAIMDB_OK;
}

/* The term with this key: through the alias db first. */
/* Whether the alias tree may hold the key: in a read transaction, not when it is empty. */
static bool may_alias(store_txn *t)
{
    if (t->write) return true;
    if (!t->aliases) {
        MDB_stat ms;
        t->aliases = mdb_stat(txn_mdb(t), txn_dbi(t, DB_ALIAS), &ms) || ms.ms_entries ? 2 : 1;
    }
    return t->aliases == 2;
}

static int lookup_key(store_txn *t, const char *key, size_t kl, term_id *id)
{
    MDB_val v;
    int rc = may_alias(t) ? sdb_get(t, DB_ALIAS, key, kl, &v) : CLAIMDB_NOTFOUND;
    if (rc == CLAIMDB_NOTFOUND) rc = sdb_get(t, DB_TERM, key, kl, &v);
    if (rc) return rc;
    return read_id(t, &v, id);
}

/* The key's own term, ignoring aliases (0 when none). */
static int own_term(store_txn *t, const char *key, size_t kl, term_id *id)
{
    MDB_val v;
    *id = 0;
    int rc = sdb_get(t, DB_TERM, key, kl, &v);
    if (rc == CLAIMDB_NOTFOUND) return CLAIMDB_OK;
    if (rc) return rc;
    return read_id(t, &v, id);
}

static int create_term(store_txn *t, const char *key, size_t kl, const char *text, size_t len,
                       term_id *id)
{
    uint64_t next;
    int rc = meta_u64(t, "next_term", &next);
    if (rc) return rc;
    if (next == 0) next = 1;
    if (next > ID_MAX) /* claim keys hold ids of ID_LEN bytes */
        return store_seterr(t->st, CLAIMDB_TOOBIG, "the dictionary is full (%llu terms)",
                            (unsigned long long)ID_MAX);
    uint8_t idb[8];
    put_u64(idb, next);
    TRY(rc, sdb_put(t, DB_TERM, key, kl, idb, 8, 0));
    /* Ids only grow: append (which fills the pages), unless the database says otherwise. */
    MDB_val ik = {8, idb}, iv = {len, len ? (void *)text : ""};
    int mrc = mdb_put(txn_mdb(t), txn_dbi(t, DB_TERMID), &ik, &iv, MDB_APPEND);
    if (mrc == MDB_KEYEXIST)
        rc = sdb_put(t, DB_TERMID, idb, 8, len ? text : "", len, 0);
    else if (mrc)
        rc = store_mdb_err(t->st, mrc, "termid");
    if (rc) return rc;
    TRY(rc, meta_set(t, "next_term", next + 1));
    *id = next;
    return CLAIMDB_OK;
}

int term_intern_apply(store_txn *t, const char *text, size_t len, term_id *id)
{
    char *key;
    size_t kl;
    const char *why;
    int rc = term_key_why(text, len, &key, &kl, &why);
    if (rc) return term_key_err(t->st, rc, why, text, len);
    rc = lookup_key(t, key, kl, id);
    if (rc == CLAIMDB_NOTFOUND) rc = create_term(t, key, kl, text, len, id);
    free(key);
    return rc;
}

int store_term_lookup(store_txn *t, const char *text, size_t len, term_id *id)
{
    int rc = txn_check_read(t);
    if (rc) return rc;
    char *key;
    size_t kl;
    const char *why;
    rc = term_key_why(text, len, &key, &kl, &why);
    if (rc) return term_key_err(t->st, rc, why, text, len);
    rc = lookup_key(t, key, kl, id);
    free(key);
    if (rc == CLAIMDB_NOTFOUND) store_setmsg(t->st, "no such term");
    return rc;
}

int store_term_lookup_key(store_txn *t, const char *key, size_t kl, term_id *id)
{
    int rc = txn_check_read(t);
    if (rc) return rc;
    if (!key || kl == 0 || kl > STORE_MAX_KEY)
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid term key");
    rc = lookup_key(t, key, kl, id);
    if (rc == CLAIMDB_NOTFOUND) store_setmsg(t->st, "no such term");
    return rc;
}

/* Intern a term whose key is known (and not in the cache). */
static int intern_key(store_txn *t, const char *text, size_t len, const char *key, size_t kl,
                      term_id *id)
{
    int rc = lookup_key(t, key, kl, id);
    if (rc == CLAIMDB_NOTFOUND) { /* not found: write it, through the log */
        size_t start;
        if ((rc = oplog_intern(t, text, len, &start)) || (rc = oplog_exec(t, start, id))) return rc;
    }
    if (rc == CLAIMDB_OK) tcache_add(t, text, len, *id);
    return rc;
}

int store_term_intern(store_txn *t, const char *text, size_t len, term_id *id)
{
    int rc = txn_check_write(t);
    if (rc) return rc;
    if (tcache_find(t, text, len, id)) return CLAIMDB_OK;
    char *key;
    size_t kl;
    const char *why;
    rc = term_key_why(text, len, &key, &kl, &why);
    if (rc) return term_key_err(t->st, rc, why, text, len);
    rc = intern_key(t, text, len, key, kl, id);
    free(key);
    return rc;
}

int store_terms_intern(store_txn *t, int n, const char *const *texts, const size_t *lens,
                       term_id *ids, int *bad)
{
    *bad = -1;
    int rc = txn_check_write(t);
    if (rc) return rc;
    if (n < 0 || n > STORE_TERMS_MAX || (n && (!texts || !lens || !ids)))
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid term list");
    char *keys[STORE_TERMS_MAX] = {0};
    size_t kls[STORE_TERMS_MAX] = {0};
    bool known[STORE_TERMS_MAX] = {0};
    /* Check them all before writing anything. */
    for (int i = 0; i < n; i++) {
        known[i] = tcache_find(t, texts[i], lens[i], &ids[i]);
        if (known[i]) continue;
        const char *why;
        rc = term_key_why(texts[i], lens[i], &keys[i], &kls[i], &why);
        if (rc) {
            *bad = i;
            rc = term_key_err(t->st, rc, why, texts[i], lens[i]);
            goto out;
        }
    }
    for (int i = 0; i < n && !rc; i++)
        if (!known[i] && !tcache_find(t, texts[i], lens[i], &ids[i]))
            rc = intern_key(t, texts[i], lens[i], keys[i], kls[i], &ids[i]);
out:
    for (int i = 0; i < n; i++)
        free(keys[i]);
    return rc;
}

int store_term_text(store_txn *t, term_id id, store_text *out)
{
    int rc = txn_check_read(t);
    if (rc) return rc;
    uint8_t idb[8];
    put_u64(idb, id);
    MDB_val v;
    rc = sdb_get(t, DB_TERMID, idb, 8, &v);
    if (rc == CLAIMDB_NOTFOUND)
        return store_seterr(t->st, rc, "no term with id %llu", (unsigned long long)id);
    if (rc) return rc;
    out->ptr = v.mv_data;
    out->len = v.mv_size;
    return CLAIMDB_OK;
}

int store_terms_open(store_txn *t, const char *keyprefix, size_t len, store_cursor **out)
{
    return cur_open(t, DB_TERM, keyprefix, len, out);
}

int store_cursor_next_term(store_cursor *c, term_id *id, store_text *display)
{
    store_text key;
    return store_cursor_next_term_key(c, id, &key, display);
}

int store_cursor_next_term_key(store_cursor *c, term_id *id, store_text *key, store_text *display)
{
    MDB_val k, v;
    int r = cur_step(c, &k, &v);
    if (r != CLAIMDB_ROW) return r;
    key->ptr = k.mv_data;
    key->len = k.mv_size;
    int rc = read_id(c->t, &v, id);
    if (rc) return rc;
    uint8_t idb[8];
    put_u64(idb, *id);
    rc = sdb_get(c->t, DB_TERMID, idb, 8, &v);
    if (rc == CLAIMDB_NOTFOUND)
        rc = store_seterr(c->t->st, CLAIMDB_CORRUPT, "term %llu has no display form",
                          (unsigned long long)*id);
    if (rc) return rc;
    display->ptr = v.mv_data;
    display->len = v.mv_size;
    return CLAIMDB_ROW;
}

/* ---- aliases ---- */

/* Repoint every alias whose canonical term is from onto to. */
static int repoint_aliases(store_txn *t, term_id from, term_id to)
{
    MDB_cursor *mc;
    int mrc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, DB_ALIAS), &mc);
    if (mrc) return store_mdb_err(t->st, mrc, "alias");
    MDB_val k, v;
    uint8_t tob[8];
    put_u64(tob, to);
    int rc = CLAIMDB_OK;
    for (mrc = scur_get(t->st, mc, &k, &v, MDB_FIRST); mrc == 0;
         mrc = scur_get(t->st, mc, &k, &v, MDB_NEXT)) {
        if (v.mv_size == 8 && get_u64(v.mv_data) == from) {
            MDB_val nv = {8, tob};
            mrc = mdb_cursor_put(mc, &k, &nv, MDB_CURRENT);
            if (mrc) break;
        }
    }
    if (mrc && mrc != MDB_NOTFOUND) rc = store_mdb_err(t->st, mrc, "alias");
    mdb_cursor_close(mc);
    return rc;
}

int alias_apply(store_txn *t, const char *alias, size_t alen, const char *canonical, size_t clen)
{
    char *akey = NULL, *ckey = NULL;
    size_t akl, ckl;
    const char *why;
    int rc = term_key_why(alias, alen, &akey, &akl, &why);
    if (rc) return term_key_err(t->st, rc, why, alias, alen);
    rc = term_key_why(canonical, clen, &ckey, &ckl, &why);
    if (rc) {
        free(akey);
        return term_key_err(t->st, rc, why, canonical, clen);
    }
    /* Validate before writing anything: a refused alias leaves no trace. */
    term_id cid = 0, aown = 0;
    if (akl == ckl && memcmp(akey, ckey, akl) == 0) {
        rc = store_seterr(t->st, CLAIMDB_ERROR, "cannot make \"%.*s\" an alias of itself",
                          (int)(alen > 200 ? 200 : alen), alias);
        goto out;
    }
    rc = lookup_key(t, ckey, ckl, &cid);
    if (rc == CLAIMDB_NOTFOUND) {
        cid = 0;
        rc = CLAIMDB_OK;
    }
    if (rc || (rc = own_term(t, akey, akl, &aown))) goto out;
    if (cid != 0 && cid == aown) {
        rc = store_seterr(
            t->st, CLAIMDB_ERROR, "making \"%.*s\" an alias of \"%.*s\" would make a cycle",
            (int)(alen > 200 ? 200 : alen), alias, (int)(clen > 200 ? 200 : clen), canonical);
        goto out;
    }
    /* Writes. Terms now resolve differently: forget the cached ids. */
    tcache_clear(t);
    if (cid == 0 && (rc = create_term(t, ckey, ckl, canonical, clen, &cid))) goto out;
    if (aown == 0 && (rc = create_term(t, akey, akl, alias, alen, &aown))) goto out;
    uint8_t cb[8];
    put_u64(cb, cid);
    if ((rc = sdb_put(t, DB_ALIAS, akey, akl, cb, 8, 0))) goto out;
    if ((rc = repoint_aliases(t, aown, cid))) goto out;
    /* The text index: the alias's name becomes text of the canonical term's claims. */
    store_text at;
    if ((rc = store_term_text(t, aown, &at))) goto out;
    char *atext = malloc(at.len ? at.len : 1); /* at is in the map, which writes change */
    if (!atext) {
        rc = store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
        goto out;
    }
    memcpy(atext, at.ptr, at.len);
    rc = text_alias_added(t, aown, cid, atext, at.len);
    free(atext);
    if (rc || (rc = claims_rewrite_term(t, aown, cid))) goto out;
    if ((rc = reviews_rewrite_term(t, aown, cid))) goto out;
    rc = text_reindex_term(t, cid);
out:
    free(akey);
    free(ckey);
    return rc;
}

int store_alias_put(store_txn *t, const char *alias, size_t alen, const char *canonical,
                    size_t clen)
{
    int rc = txn_check_write(t);
    if (rc) return rc;
    if ((!alias && alen) || (!canonical && clen))
        return store_seterr(t->st, CLAIMDB_MISUSE, "no alias text");
    size_t start;
    TRY(rc, oplog_alias(t, alias, alen, canonical, clen, &start));
    return oplog_exec(t, start, NULL);
}

int store_aliases_open(store_txn *t, store_cursor **out)
{
    return cur_open(t, DB_ALIAS, NULL, 0, out);
}

int store_cursor_next_alias(store_cursor *c, store_text *alias, term_id *canonical)
{
    MDB_val k, v;
    int r = cur_step(c, &k, &v);
    if (r != CLAIMDB_ROW) return r;
    int rc = read_id(c->t, &v, canonical);
    if (rc) return rc;
    /* The alias's display form is that of its own term; else the key itself. */
    alias->ptr = k.mv_data;
    alias->len = k.mv_size;
    rc = sdb_get(c->t, DB_TERM, k.mv_data, k.mv_size, &v);
    if (rc == CLAIMDB_OK && v.mv_size == 8) {
        rc = sdb_get(c->t, DB_TERMID, v.mv_data, 8, &v);
        if (rc == CLAIMDB_OK) {
            alias->ptr = v.mv_data;
            alias->len = v.mv_size;
        }
    }
    if (rc && rc != CLAIMDB_NOTFOUND) return rc;
    return CLAIMDB_ROW;
}
