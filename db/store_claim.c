/* store_claim.c — claims, their three indexes, citations, scans and per-term statistics.
 *
 * A claim exists while it has at least one citation. Adding its first citation writes its
 * spo/pos/osp entries, counts it in meta ("claims.pos"/"claims.neg") and in tstat for its
 * subject (ROLE_S), predicate (ROLE_P) and object (ROLE_O); removing the last undoes all that.
 *
 * Citation record (the key has the claim, the article and the slot):
 *   [flags: 1 confidence, 2 quote, 4 said on, 8 placed; method << 4]
 *   [claimant: varint, 0 none][stored: varint of the i64's bits]
 *   ([confidence: IEEE 754 bits, u64 BE] when flag 1)
 *   ([quote start: varint][quote length: varint, > 0] when flag 8)
 *   ([said-on length u8][said-on bytes] when flag 4) [quote bytes...]
 * A varint is LEB128: 7 bits a byte, low bits first, the high bit set on all but the last.
 * Claimant ids and quote spans are small and a time is 5 bytes, where fixed fields took 8.
 * A decoder never trusts a length it has not checked against the record's size.
 */
#include "store_internal.h"
#include "try.h"

#include "claimdb.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CITE_HAS_CONF 1
#define CITE_HAS_QUOTE 2
#define CITE_HAS_SAID 4
#define CITE_PLACED 8
#define CITE_METHOD_SHIFT 4

/* ---- encodings ---- */

void claim_key_encode(uint8_t out[CLAIM_KEY_LEN], store_index idx, const claim_key *k)
{
    term_id a = k->s, b = k->p, c = k->o;
    if (idx == IDX_POS)
        a = k->p, b = k->o, c = k->s;
    else if (idx == IDX_OSP)
        a = k->o, b = k->s, c = k->p;
    out[0] = k->pol;
    put_id(out + 1, a);
    put_id(out + 1 + ID_LEN, b);
    put_id(out + 1 + 2 * ID_LEN, c);
}

static void claim_key_decode(const uint8_t *in, store_index idx, claim_key *k)
{
    term_id a = get_id(in + 1), b = get_id(in + 1 + ID_LEN), c = get_id(in + 1 + 2 * ID_LEN);
    k->pol = in[0];
    if (idx == IDX_SPO)
        k->s = a, k->p = b, k->o = c;
    else if (idx == IDX_POS)
        k->p = a, k->o = b, k->s = c;
    else
        k->o = a, k->s = b, k->p = c;
}

void cite_key_encode(uint8_t out[CITE_KEY_LEN], const claim_key *k, uint64_t article, uint64_t slot)
{
    claim_key_encode(out, IDX_SPO, k);
    put_u64(out + CITE_ART_OFF, article);
    put_u32(out + CITE_SLOT_OFF, (uint32_t)slot);
}

static void artcite_key_encode(uint8_t out[ARTCITE_KEY_LEN], const claim_key *k, uint64_t article)
{
    put_u64(out, article);
    claim_key_encode(out + 8, IDX_SPO, k);
}

/* A quote is placed when it has a non-empty span (a zeroed citation is not placed). */
static bool cite_placed(const store_citation *c)
{
    return c->quote.ptr && c->qstart >= 0 && c->qend > c->qstart;
}

static size_t varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static uint8_t *varint_put(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

/* Reads a varint at p[*off, n): false when it runs past n or past 64 bits. */
static bool varint_get(const uint8_t *p, size_t n, size_t *off, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*off >= n) return false;
        uint8_t b = p[(*off)++];
        if (shift == 63 && b > 1) return false;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

size_t cite_value_size(const store_citation *c)
{
    return 1 + varint_size(c->claimant) + varint_size((uint64_t)c->stored) +
           (c->has_confidence ? 8 : 0) +
           (cite_placed(c)
                ? varint_size((uint64_t)c->qstart) + varint_size((uint64_t)(c->qend - c->qstart))
                : 0) +
           (c->said_on.ptr ? 1 + c->said_on.len : 0) + (c->quote.ptr ? c->quote.len : 0);
}

void cite_value_encode(uint8_t *out, const store_citation *c)
{
    bool placed = cite_placed(c);
    uint8_t *p = out;
    *p++ = (uint8_t)((c->has_confidence ? CITE_HAS_CONF : 0) | (c->quote.ptr ? CITE_HAS_QUOTE : 0) |
                     (c->said_on.ptr ? CITE_HAS_SAID : 0) | (placed ? CITE_PLACED : 0) |
                     c->method << CITE_METHOD_SHIFT);
    p = varint_put(p, c->claimant);
    p = varint_put(p, (uint64_t)c->stored);
    if (c->has_confidence) {
        uint64_t bits;
        memcpy(&bits, &c->confidence, sizeof bits);
        put_u64(p, bits);
        p += 8;
    }
    if (placed) {
        p = varint_put(p, (uint64_t)c->qstart);
        p = varint_put(p, (uint64_t)(c->qend - c->qstart));
    }
    if (c->said_on.ptr) {
        *p++ = (uint8_t)c->said_on.len;
        if (c->said_on.len) memcpy(p, c->said_on.ptr, c->said_on.len);
        p += c->said_on.len;
    }
    if (c->quote.ptr && c->quote.len) memcpy(p, c->quote.ptr, c->quote.len);
}

int cite_value_decode(const uint8_t *p, size_t n, store_citation *c)
{
    if (n < 3) return CLAIMDB_CORRUPT;
    uint8_t flags = p[0] & 0xf;
    c->method = p[0] >> CITE_METHOD_SHIFT;
    if (c->method > CLAIMDB_METHOD_EXTRACTED) return CLAIMDB_CORRUPT;
    size_t off = 1;
    uint64_t stored;
    if (!varint_get(p, n, &off, &c->claimant) || !varint_get(p, n, &off, &stored))
        return CLAIMDB_CORRUPT;
    c->stored = (int64_t)stored;
    c->has_confidence = (flags & CITE_HAS_CONF) != 0;
    c->confidence = 0.0;
    if (c->has_confidence) {
        if (n - off < 8) return CLAIMDB_CORRUPT;
        uint64_t bits = get_u64(p + off);
        memcpy(&c->confidence, &bits, sizeof bits);
        off += 8;
    }
    c->qstart = c->qend = -1;
    if (flags & CITE_PLACED) {
        uint64_t qs, ql;
        if (!(flags & CITE_HAS_QUOTE) || !varint_get(p, n, &off, &qs) ||
            !varint_get(p, n, &off, &ql) || ql == 0 || qs > INT64_MAX || ql > INT64_MAX - qs)
            return CLAIMDB_CORRUPT;
        c->qstart = (int64_t)qs;
        c->qend = (int64_t)(qs + ql);
    }
    c->said_on.ptr = NULL;
    c->said_on.len = 0;
    if (flags & CITE_HAS_SAID) {
        if (off >= n || p[off] > n - off - 1) return CLAIMDB_CORRUPT;
        c->said_on.len = p[off];
        c->said_on.ptr = (const char *)p + off + 1;
        off += 1 + c->said_on.len;
    }
    if (flags & CITE_HAS_QUOTE) {
        c->quote.ptr = (const char *)p + off;
        c->quote.len = n - off;
    } else {
        if (n != off) return CLAIMDB_CORRUPT;
        c->quote.ptr = NULL;
        c->quote.len = 0;
    }
    return CLAIMDB_OK;
}

static int decode_cite(store_txn *t, const MDB_val *k, const MDB_val *v, store_citation *c)
{
    if (k->mv_size != CITE_KEY_LEN || cite_value_decode(v->mv_data, v->mv_size, c))
        return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged citation record");
    c->article = get_u64((const uint8_t *)k->mv_data + CITE_ART_OFF);
    return CLAIMDB_OK;
}

/* No term has an id past ID_MAX (create_term), and a key has no room for one. */
static bool ids_fit(const term_id *ids, int n)
{
    for (int i = 0; i < n; i++)
        if (ids[i] > ID_MAX) return false;
    return true;
}

static int check_claim(store_txn *t, const claim_key *k)
{
    if (!k || k->pol > 1 || !k->s || !k->p || !k->o || k->s > ID_MAX || k->p > ID_MAX ||
        k->o > ID_MAX)
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid claim key");
    return CLAIMDB_OK;
}

/* ---- quote identity ---- */

size_t store_space_len(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (c == 0xC2 && end - p >= 2 && (unsigned char)p[1] == 0xA0) return 2;
    if (c == 0xE2 && end - p >= 3 && (unsigned char)p[1] == 0x80 &&
        ((unsigned char)p[2] == 0x89 || (unsigned char)p[2] == 0xAF))
        return 3;
    return 0;
}

/* Walks a quote as its identity sees it: white space runs as one space, none at the ends. */
typedef struct qwalk {
    const char *p, *end;
} qwalk;

static void skip_space(qwalk *w)
{
    size_t n;
    while (w->p < w->end && (n = store_space_len(w->p, w->end)) > 0)
        w->p += n;
}

static void qwalk_init(qwalk *w, store_text q)
{
    w->p = q.ptr;
    w->end = q.ptr + q.len;
    skip_space(w);
}

/* The next byte, or -1 at the end. */
static int qwalk_next(qwalk *w)
{
    if (w->p == w->end) return -1;
    unsigned char c = (unsigned char)*w->p;
    if (c > ' ' && c < 0x80) { /* most bytes: printable ASCII is never white space */
        w->p++;
        return c;
    }
    if (store_space_len(w->p, w->end) == 0) return (unsigned char)*w->p++;
    skip_space(w);
    return w->p == w->end ? -1 : ' ';
}

bool store_quote_same(store_text a, store_text b)
{
    if (!a.ptr || !b.ptr) return !a.ptr && !b.ptr;
    qwalk x, y;
    qwalk_init(&x, a);
    qwalk_init(&y, b);
    for (;;) {
        int cx = qwalk_next(&x), cy = qwalk_next(&y);
        if (cx != cy) return false;
        if (cx < 0) return true;
    }
}

/* The home slot of a quote: 0 for none, else the high 32 bits of a 64-bit FNV-1a hash of its
 * identity form (slots count on from there modulo 2^32). */
uint64_t cite_quote_home(store_text q)
{
    if (!q.ptr) return 0;
    qwalk w;
    qwalk_init(&w, q);
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    int ch;
    while ((ch = qwalk_next(&w)) >= 0)
        h = (h ^ (uint64_t)ch) * UINT64_C(0x100000001b3);
    return h >> 32; /* (FNV's high bits are its best mixed; they keep the order of 64-bit slots) */
}

/* Where the citation (k, article, quote) is: CLAIMDB_OK with *slot, and *pc when it is a
 * pending write, *cur decoded (pointing into the map or the pending values); or
 * CLAIMDB_NOTFOUND with *slot the free slot where it goes. */
static int cite_find(store_txn *t, const claim_key *k, uint64_t article, store_text quote,
                     uint64_t *slot, pend_cite **pc, store_citation *cur)
{
    uint64_t s = cite_quote_home(quote);
    for (;; s = (uint32_t)(s + 1)) {
        pend_cite *p = NULL;
        const uint8_t *pv;
        size_t pn;
        int rc = pend_cite_find(t, k, article, s, &p, &pv, &pn);
        if (rc == CLAIMDB_OK) {
            if (cite_value_decode(pv, pn, cur))
                return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged pending citation");
        } else if (rc != CLAIMDB_NOTFOUND) {
            return rc;
        } else {
            uint8_t ck[CITE_KEY_LEN];
            cite_key_encode(ck, k, article, s);
            MDB_val key = {sizeof ck, ck}, v;
            rc = sdb_get_raw(t, DB_CITE, ck, sizeof ck, &v);
            if (rc == CLAIMDB_NOTFOUND) {
                *slot = s;
                return rc;
            }
            if (rc || (rc = decode_cite(t, &key, &v, cur))) return rc;
        }
        cur->article = article;
        if (store_quote_same(cur->quote, quote)) {
            *slot = s;
            if (pc) *pc = p;
            return CLAIMDB_OK;
        }
    }
}

static bool text_equal(store_text a, store_text b)
{
    if (!a.ptr || !b.ptr) return !a.ptr && !b.ptr;
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* Does the new version b of a citation change anything? Its stored time only when earlier:
 * the citation was first stored then (a copy from another database), and a later time is
 * only a re-assertion. */
static bool cite_differs(const store_citation *a, const store_citation *b)
{
    return b->stored < a->stored || a->has_confidence != b->has_confidence ||
           (a->has_confidence && a->confidence != b->confidence) || a->claimant != b->claimant ||
           a->method != b->method || !text_equal(a->quote, b->quote) ||
           !text_equal(a->said_on, b->said_on) || cite_placed(a) != cite_placed(b) ||
           (cite_placed(a) && (a->qstart != b->qstart || a->qend != b->qend));
}

/* ---- claims ---- */

static int tstat_add(store_txn *t, uint8_t pol, int role, term_id id, int64_t delta)
{
    uint8_t k[TSTAT_KEY_LEN];
    k[0] = pol;
    k[1] = (uint8_t)role;
    put_id(k + 2, id);
    return sdb_u64_add(t, DB_TSTAT, k, sizeof k, delta, true);
}

static const char *claims_counter(uint8_t pol)
{
    return pol ? "claims.pos" : "claims.neg";
}

/* Index entries, statistics and count of a claim (delta +1 adds, -1 removes). */
static int claim_index(store_txn *t, const claim_key *k, int delta)
{
    uint8_t key[CLAIM_KEY_LEN];
    int rc;
    for (int idx = IDX_SPO; idx <= IDX_OSP; idx++) {
        claim_key_encode(key, (store_index)idx, k);
        if (delta > 0)
            rc = sdb_put(t, DB_SPO + idx, key, sizeof key, "", 0, 0);
        else if ((rc = sdb_del(t, DB_SPO + idx, key, sizeof key)) == CLAIMDB_NOTFOUND)
            rc = CLAIMDB_OK;
        if (rc) return rc;
    }
    if (delta < 0 && (rc = text_unindex_claim(t, k))) return rc;
    if ((rc = tstat_add(t, k->pol, ROLE_S, k->s, delta)) ||
        (rc = tstat_add(t, k->pol, ROLE_P, k->p, delta)) ||
        (rc = tstat_add(t, k->pol, ROLE_O, k->o, delta)))
        return rc;
    return meta_add(t, claims_counter(k->pol), delta);
}

static int article_ensure(store_txn *t, uint64_t article)
{
    if (acache_plain(t, article)) return CLAIMDB_OK;
    uint8_t key[8];
    put_u64(key, article);
    MDB_val v;
    int rc = sdb_get(t, DB_ARTICLE, key, 8, &v);
    if (rc != CLAIMDB_NOTFOUND) return rc;
    store_article empty = {0};
    uint8_t rec[64];
    size_t n = article_value_size(&empty);
    article_value_encode(rec, &empty);
    TRY(rc, sdb_put(t, DB_ARTICLE, key, 8, rec, n, 0));
    acache_add(t, article);
    return meta_add(t, "articles", 1);
}

int cite_put_apply(store_txn *t, const claim_key *k, const store_citation *c, int *added)
{
    int rc = check_claim(t, k);
    if (rc) return rc;
    /* The writes go to the pending writes (store_pend.c): cite_find looks there first, then
     * in LMDB. */
    int flags = 0;
    uint64_t slot;
    pend_cite *pc = NULL;
    store_citation cur;
    rc = cite_find(t, k, c->article, c->quote, &slot, &pc, &cur);
    if (rc == CLAIMDB_OK) {
        if (!cite_differs(&cur, c)) {
            if (added) *added = 0;
            return CLAIMDB_OK;
        }
        store_citation upd = *c;
        /* an update keeps when the citation was first stored */
        if (cur.stored < upd.stored) upd.stored = cur.stored;
        TRY(rc, pend_cite_put(t, pc, k, slot, &upd, false));
        /* The quote's document holds the claimant's name and the quote as written. */
        if (c->quote.ptr && (cur.claimant != c->claimant || !text_equal(cur.quote, c->quote))) {
            TRY(rc, text_unindex_quotes(t, k, &c->article, &c->quote));
            TRY(rc, text_index_quote(t, k, c->article, c->quote, c->claimant));
        }
        if (added) *added = CLAIMDB_UPDATED_CITATION;
        return CLAIMDB_OK;
    }
    if (rc != CLAIMDB_NOTFOUND) return rc;
    uint8_t key[CLAIM_KEY_LEN];
    claim_key_encode(key, IDX_SPO, k);
    MDB_val v;
    bool pending;
    TRY(rc, pend_claim_find(t, k, &pending));
    rc = pending ? CLAIMDB_OK : sdb_get_raw(t, DB_SPO, key, sizeof key, &v);
    if (rc == CLAIMDB_NOTFOUND) {
        if ((rc = pend_claim_add(t, k)) || (rc = meta_add(t, claims_counter(k->pol), 1))) return rc;
        flags |= CLAIMDB_ADDED_CLAIM;
    } else if (rc) {
        return rc;
    }
    if ((rc = article_ensure(t, c->article)) || (rc = meta_add(t, "citations", 1))) return rc;
    flags |= CLAIMDB_ADDED_CITATION;
    TRY(rc, pend_cite_put(t, NULL, k, slot, c, true));
    if (flags & CLAIMDB_ADDED_CLAIM) TRY(rc, text_index_claim(t, k));
    TRY(rc, text_index_quote(t, k, c->article, c->quote, c->claimant));
    if (added) *added = flags;
    return CLAIMDB_OK;
}

/* Is there a record whose key starts with prefix? */
static int has_prefix(store_txn *t, int db, const uint8_t *prefix, size_t plen, bool *yes)
{
    MDB_cursor *mc;
    *yes = false;
    int mrc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, db), &mc);
    if (mrc) return store_mdb_err(t->st, mrc, store_db_names[db]);
    MDB_val key = {plen, (void *)prefix}, v;
    mrc = scur_get(t->st, mc, &key, &v, MDB_SET_RANGE);
    mdb_cursor_close(mc);
    if (mrc == MDB_NOTFOUND) return CLAIMDB_OK;
    if (mrc) return store_mdb_err(t->st, mrc, store_db_names[db]);
    *yes = key.mv_size >= plen && memcmp(key.mv_data, prefix, plen) == 0;
    return CLAIMDB_OK;
}

/* After the citation at slot hole was deleted, move up the citations that linear probing had
 * pushed past it, so that cite_find, which stops at the first free slot, finds them. */
static int close_hole(store_txn *t, const claim_key *k, uint64_t article, uint64_t hole)
{
    for (uint64_t s = (uint32_t)(hole + 1);; s = (uint32_t)(s + 1)) {
        uint8_t ck[CITE_KEY_LEN];
        cite_key_encode(ck, k, article, s);
        MDB_val key = {sizeof ck, ck}, v;
        int rc = sdb_get(t, DB_CITE, ck, sizeof ck, &v);
        if (rc == CLAIMDB_NOTFOUND) return CLAIMDB_OK;
        store_citation c;
        if (rc || (rc = decode_cite(t, &key, &v, &c))) return rc;
        uint64_t home = cite_quote_home(c.quote);
        if ((uint32_t)(s - home) < (uint32_t)(s - hole))
            continue; /* its home lies after the hole: it stays */
        size_t n = v.mv_size;
        uint8_t *copy = malloc(n ? n : 1);
        if (!copy) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
        memcpy(copy, v.mv_data, n);
        uint8_t hk[CITE_KEY_LEN];
        cite_key_encode(hk, k, article, hole);
        rc = sdb_put(t, DB_CITE, hk, sizeof hk, copy, n, 0);
        free(copy);
        if (rc || (rc = sdb_del(t, DB_CITE, ck, sizeof ck))) return rc;
        hole = s;
    }
}

int cite_delete_apply(store_txn *t, const claim_key *k, uint64_t article, const store_text *quote)
{
    int rc = check_claim(t, k);
    if (rc || (rc = pend_sync(t))) return rc;
    int64_t removed = 0;
    uint8_t prefix[CITE_KEY_LEN];
    cite_key_encode(prefix, k, article, 0);
    if ((!quote || quote->ptr) && (rc = text_unindex_quotes(t, k, &article, quote))) return rc;
    if (quote) {
        uint64_t slot;
        store_citation cur;
        rc = cite_find(t, k, article, *quote, &slot, NULL, &cur);
        if (rc == CLAIMDB_NOTFOUND) return store_seterr(t->st, rc, "no such citation");
        uint8_t ck[CITE_KEY_LEN];
        cite_key_encode(ck, k, article, slot);
        if (rc || (rc = sdb_del(t, DB_CITE, ck, sizeof ck)) ||
            (rc = close_hole(t, k, article, slot)))
            return rc;
        removed = 1;
    } else {
        MDB_cursor *mc;
        int mrc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, DB_CITE), &mc);
        if (mrc) return store_mdb_err(t->st, mrc, "cite");
        MDB_val key, v;
        for (;;) {
            key.mv_size = CITE_SLOT_OFF;
            key.mv_data = prefix;
            mrc = scur_get(t->st, mc, &key, &v, MDB_SET_RANGE);
            if (mrc || key.mv_size != CITE_KEY_LEN || memcmp(key.mv_data, prefix, CITE_SLOT_OFF))
                break;
            if ((mrc = mdb_cursor_del(mc, 0))) break;
            removed++;
        }
        mdb_cursor_close(mc);
        if (mrc && mrc != MDB_NOTFOUND) return store_mdb_err(t->st, mrc, "cite");
        if (!removed) return store_seterr(t->st, CLAIMDB_NOTFOUND, "no such citation");
    }
    TRY(rc, meta_add(t, "citations", -removed));
    bool more = false;
    TRY(rc, has_prefix(t, DB_CITE, prefix, CITE_SLOT_OFF, &more));
    if (!more) {
        uint8_t ak[ARTCITE_KEY_LEN];
        artcite_key_encode(ak, k, article);
        if ((rc = sdb_del(t, DB_ARTCITE, ak, sizeof ak)) && rc != CLAIMDB_NOTFOUND) return rc;
        TRY(rc, has_prefix(t, DB_CITE, prefix, CLAIM_KEY_LEN, &more));
    }
    return more ? CLAIMDB_OK : claim_index(t, k, -1);
}

int claim_delete_apply(store_txn *t, const claim_key *k)
{
    int rc = check_claim(t, k);
    if (rc || (rc = pend_sync(t))) return rc;
    uint8_t prefix[CLAIM_KEY_LEN];
    claim_key_encode(prefix, IDX_SPO, k);
    MDB_val v;
    rc = sdb_get(t, DB_SPO, prefix, sizeof prefix, &v);
    if (rc == CLAIMDB_NOTFOUND) return store_seterr(t->st, rc, "no such claim");
    if (rc || (rc = text_unindex_quotes(t, k, NULL, NULL))) return rc;
    MDB_cursor *mc;
    int mrc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, DB_CITE), &mc);
    if (mrc) return store_mdb_err(t->st, mrc, "cite");
    int64_t removed = 0;
    for (;;) {
        MDB_val key = {sizeof prefix, prefix};
        mrc = scur_get(t->st, mc, &key, &v, MDB_SET_RANGE);
        if (mrc || key.mv_size != CITE_KEY_LEN || memcmp(key.mv_data, prefix, sizeof prefix)) break;
        uint64_t article = get_u64((const uint8_t *)key.mv_data + CITE_ART_OFF);
        if ((mrc = mdb_cursor_del(mc, 0))) break;
        uint8_t ak[ARTCITE_KEY_LEN];
        artcite_key_encode(ak, k, article);
        if ((rc = sdb_del(t, DB_ARTCITE, ak, sizeof ak)) && rc != CLAIMDB_NOTFOUND) {
            mdb_cursor_close(mc);
            return rc;
        }
        removed++;
    }
    mdb_cursor_close(mc);
    if (mrc && mrc != MDB_NOTFOUND) return store_mdb_err(t->st, mrc, "cite");
    TRY(rc, meta_add(t, "citations", -removed));
    return claim_index(t, k, -1);
}

/* ---- public writes: log, then run ---- */

int store_cite_put(store_txn *t, const claim_key *k, const store_citation *c, int *added)
{
    if (added) *added = 0;
    int rc = txn_check_write(t);
    if (rc) return rc;
    if (!c || (c->quote.len && !c->quote.ptr) || (c->said_on.len && !c->said_on.ptr) ||
        c->said_on.len > 255)
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid citation");
    TRY(rc, check_claim(t, k));
    /* The time is fixed before logging, so that a replay after map growth writes the same. */
    store_citation cc = *c;
    if (!cc.stored) cc.stored = t->st->fixed_now ? t->st->fixed_now : (int64_t)time(NULL);
    size_t start;
    TRY(rc, oplog_cite_put(t, k, &cc, &start));
    int flags = 0;
    rc = oplog_exec(t, start, &flags);
    if (added && !rc) *added = flags;
    return rc;
}

int store_cite_delete(store_txn *t, const claim_key *k, uint64_t article, const store_text *quote)
{
    int rc = txn_check_write(t);
    if (rc || (rc = check_claim(t, k))) return rc;
    if (quote && quote->len && !quote->ptr)
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid quote");
    size_t start;
    TRY(rc, oplog_cite_del(t, k, article, quote, &start));
    return oplog_exec(t, start, NULL);
}

int store_claim_delete(store_txn *t, const claim_key *k)
{
    int rc = txn_check_write(t);
    if (rc || (rc = check_claim(t, k))) return rc;
    size_t start;
    TRY(rc, oplog_claim_del(t, k, &start));
    return oplog_exec(t, start, NULL);
}

/* ---- reads ---- */

int store_claim_exists(store_txn *t, const claim_key *k)
{
    int rc = txn_check_read(t);
    if (rc || (rc = check_claim(t, k))) return rc;
    uint8_t key[CLAIM_KEY_LEN];
    claim_key_encode(key, IDX_SPO, k);
    MDB_val v;
    return sdb_get(t, DB_SPO, key, sizeof key, &v);
}

int store_cite_exists(store_txn *t, const claim_key *k, uint64_t article)
{
    int rc = txn_check_read(t);
    if (rc || (rc = check_claim(t, k))) return rc;
    uint8_t ak[ARTCITE_KEY_LEN];
    artcite_key_encode(ak, k, article);
    MDB_val v;
    return sdb_get(t, DB_ARTCITE, ak, sizeof ak, &v);
}

int store_cite_get(store_txn *t, const claim_key *k, uint64_t article, const store_text *quote,
                   store_citation *out)
{
    int rc = txn_check_read(t);
    if (rc || (rc = check_claim(t, k)) || (rc = pend_sync_db(t, DB_CITE))) return rc;
    uint64_t slot;
    store_text none = {NULL, 0};
    rc = cite_find(t, k, article, quote ? *quote : none, &slot, NULL, out);
    if (rc == CLAIMDB_NOTFOUND) store_setmsg(t->st, "no such citation");
    return rc;
}

int store_cites_retarget(store_cursor *c, const claim_key *k)
{
    if (!c || c->db != DB_CITE || !c->t)
        return c && c->t ? store_seterr(c->t->st, CLAIMDB_MISUSE, "not a citation cursor")
                         : CLAIMDB_MISUSE;
    int rc = check_claim(c->t, k);
    if (rc) return rc;
    uint8_t prefix[CLAIM_KEY_LEN];
    claim_key_encode(prefix, IDX_SPO, k);
    cur_retarget(c, prefix, sizeof prefix);
    return CLAIMDB_OK;
}

int store_cite_count_cur(store_txn *t, store_cursor **cur, const claim_key *k, uint64_t *n)
{
    *n = 0;
    int rc = *cur ? store_cites_retarget(*cur, k) : store_cites_open(t, k, cur);
    if (rc) return rc;
    store_cursor *c = *cur;
    MDB_val key, v;
    int r;
    uint64_t last = 0;
    while ((r = cur_step(c, &key, &v)) == CLAIMDB_ROW) {
        if (key.mv_size != CITE_KEY_LEN) {
            r = store_seterr(t->st, CLAIMDB_CORRUPT, "damaged citation key");
            break;
        }
        uint64_t a = get_u64((const uint8_t *)key.mv_data + CITE_ART_OFF);
        if (*n == 0 || a != last) (*n)++;
        last = a;
    }
    return store_step_err(r);
}

int store_cite_count(store_txn *t, const claim_key *k, uint64_t *n)
{
    store_cursor *c = NULL;
    int rc = store_cite_count_cur(t, &c, k, n);
    store_cursor_close(c);
    return rc;
}

int store_scan_open(store_txn *t, store_index idx, uint8_t pol, const term_id *prefix, int nprefix,
                    store_cursor **out)
{
    *out = NULL;
    int rc = txn_check_read(t);
    if (rc) return rc;
    if ((int)idx < IDX_SPO || idx > IDX_OSP || pol > 1 || nprefix < 0 || nprefix > 3 ||
        (nprefix && !prefix) || !ids_fit(prefix, nprefix))
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid scan");
    uint8_t key[CLAIM_KEY_LEN];
    key[0] = pol;
    for (int i = 0; i < nprefix; i++)
        put_id(key + 1 + ID_LEN * i, prefix[i]);
    return cur_open(t, DB_SPO + (int)idx, key, 1 + ID_LEN * (size_t)nprefix, out);
}

int store_cursor_next_claim(store_cursor *c, claim_key *k)
{
    MDB_val key, v;
    int r = cur_step(c, &key, &v);
    if (r != CLAIMDB_ROW) return r;
    const uint8_t *p = key.mv_data;
    if (c->db >= DB_SPO && c->db <= DB_OSP && key.mv_size == CLAIM_KEY_LEN) {
        /* the index scans' step: decoded here, the three orders spelled out */
        term_id a = get_id(p + 1), b = get_id(p + 1 + ID_LEN), d = get_id(p + 1 + 2 * ID_LEN);
        *k = c->db == DB_SPO   ? (claim_key){p[0], a, b, d}
             : c->db == DB_POS ? (claim_key){p[0], d, a, b}
                               : (claim_key){p[0], b, d, a};
    } else if (c->db == DB_ARTCITE) {
        if (key.mv_size != ARTCITE_KEY_LEN)
            return store_seterr(c->t->st, CLAIMDB_CORRUPT, "damaged artcite key");
        claim_key_decode(p + 8, IDX_SPO, k);
    } else if (c->db >= DB_SPO && c->db <= DB_OSP) {
        return store_seterr(c->t->st, CLAIMDB_CORRUPT, "damaged index key");
    } else {
        return store_seterr(c->t->st, CLAIMDB_MISUSE, "not a claim cursor");
    }
    return CLAIMDB_ROW;
}

int store_cites_open(store_txn *t, const claim_key *k, store_cursor **out)
{
    *out = NULL;
    int rc = txn_check_read(t);
    if (rc || (rc = check_claim(t, k))) return rc;
    uint8_t prefix[CLAIM_KEY_LEN];
    claim_key_encode(prefix, IDX_SPO, k);
    return cur_open(t, DB_CITE, prefix, sizeof prefix, out);
}

int store_cites_open_article(store_txn *t, const claim_key *k, uint64_t article, store_cursor **out)
{
    *out = NULL;
    int rc = txn_check_read(t);
    if (rc || (rc = check_claim(t, k))) return rc;
    uint8_t prefix[CITE_KEY_LEN];
    cite_key_encode(prefix, k, article, 0);
    return cur_open(t, DB_CITE, prefix, CITE_SLOT_OFF, out);
}

int store_cursor_next_cite(store_cursor *c, store_citation *out)
{
    MDB_val key, v;
    int r = cur_step(c, &key, &v);
    if (r != CLAIMDB_ROW) return r;
    if (c->db != DB_CITE) return store_seterr(c->t->st, CLAIMDB_MISUSE, "not a citation cursor");
    int rc = decode_cite(c->t, &key, &v, out);
    return rc ? rc : CLAIMDB_ROW;
}

int store_cited_claims_open(store_txn *t, uint8_t pol, const term_id *prefix, int nprefix,
                            store_cursor **out)
{
    *out = NULL;
    int rc = txn_check_read(t);
    if (rc) return rc;
    if (pol > 1 || nprefix < 0 || nprefix > 3 || (nprefix && !prefix) || !ids_fit(prefix, nprefix))
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid scan");
    uint8_t key[CLAIM_KEY_LEN];
    key[0] = pol;
    for (int i = 0; i < nprefix; i++)
        put_id(key + 1 + ID_LEN * i, prefix[i]);
    return cur_open(t, DB_CITE, key, 1 + ID_LEN * (size_t)nprefix, out);
}

int store_cursor_next_cited(store_cursor *c, claim_key *k, uint64_t *articles)
{
    if (!c || c->db != DB_CITE) return CLAIMDB_MISUSE;
    MDB_val key, v;
    int r;
    /* A claim's first citation was read by the call before, which stopped on it (held). */
    uint8_t claim[CLAIM_KEY_LEN];
    uint64_t last = 0, n = 0;
    if (c->held && !c->t->write) {
        c->held = false;
        key = c->heldk;
        r = CLAIMDB_ROW;
    } else if (c->held) {
        c->held = false;
        r = scur_get(c->t->st, c->mc, &key, &v, MDB_GET_CURRENT) == 0 ? CLAIMDB_ROW : CLAIMDB_IOERR;
    } else {
        r = cur_step(c, &key, &v);
    }
    while (r == CLAIMDB_ROW) {
        if (key.mv_size != CITE_KEY_LEN)
            return store_seterr(c->t->st, CLAIMDB_CORRUPT, "damaged citation key");
        const uint8_t *p = key.mv_data;
        uint64_t a = get_u64(p + CITE_ART_OFF);
        if (n == 0) {
            memcpy(claim, p, CLAIM_KEY_LEN);
        } else if (memcmp(claim, p, CLAIM_KEY_LEN) != 0) {
            c->held = true; /* the next claim's first citation */
            c->heldk = key;
            break;
        }
        n += n == 0 || a != last;
        last = a;
        r = cur_step(c, &key, &v);
    }
    if (store_step_err(r)) return r;
    if (n == 0) return CLAIMDB_DONE;
    claim_key_decode(claim, IDX_SPO, k);
    *articles = n;
    return CLAIMDB_ROW;
}

int store_article_claims_open(store_txn *t, uint64_t article, store_cursor **out)
{
    uint8_t prefix[8];
    put_u64(prefix, article);
    return cur_open(t, DB_ARTCITE, prefix, sizeof prefix, out);
}

int store_article_scan_open(store_txn *t, uint64_t article, uint8_t pol, const term_id *prefix,
                            int nprefix, store_cursor **out)
{
    *out = NULL;
    int rc = txn_check_read(t);
    if (rc) return rc;
    if (pol > 1 || nprefix < 0 || nprefix > 3 || (nprefix && !prefix) || !ids_fit(prefix, nprefix))
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid scan");
    uint8_t key[ARTCITE_KEY_LEN];
    put_u64(key, article);
    key[8] = pol;
    for (int i = 0; i < nprefix; i++)
        put_id(key + 9 + ID_LEN * i, prefix[i]);
    return cur_open(t, DB_ARTCITE, key, 9 + ID_LEN * (size_t)nprefix, out);
}

int store_term_stat(store_txn *t, uint8_t pol, int role, term_id id, uint64_t *n)
{
    *n = 0;
    int rc = txn_check_read(t);
    if (rc) return rc;
    if (pol > 1 || role < ROLE_S || role > ROLE_O)
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid statistic");
    uint8_t k[TSTAT_KEY_LEN];
    k[0] = pol;
    k[1] = (uint8_t)role;
    put_id(k + 2, id);
    if (t->write) return sdb_u64_get(t, DB_TSTAT, k, sizeof k, n);
    if (t->stat_valid && memcmp(k, t->stat_key, sizeof k) == 0) {
        *n = t->stat_n;
        return CLAIMDB_OK;
    }
    rc = sdb_u64_get(t, DB_TSTAT, k, sizeof k, n);
    t->stat_valid = rc == CLAIMDB_OK;
    memcpy(t->stat_key, k, sizeof k);
    t->stat_n = *n;
    return rc;
}

/* ---- rewriting a term (aliases) ---- */

typedef struct owned_cite {
    store_citation c;
    char *quote; /* owned copy of the quote and the said-on date */
} owned_cite;

static int cmp_claims(const void *a, const void *b)
{
    uint8_t ka[CLAIM_KEY_LEN], kb[CLAIM_KEY_LEN];
    claim_key_encode(ka, IDX_SPO, a);
    claim_key_encode(kb, IDX_SPO, b);
    return memcmp(ka, kb, sizeof ka);
}

static int push(store_txn *t, void **arr, size_t *n, size_t *cap, size_t size, const void *item)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        void *na = realloc(*arr, nc * size);
        if (!na) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
        *arr = na;
        *cap = nc;
    }
    memcpy((char *)*arr + *n * size, item, size);
    (*n)++;
    return CLAIMDB_OK;
}

/* Claims having term id in any role, sorted and without duplicates. */
static int claims_using(store_txn *t, term_id id, claim_key **out, size_t *count)
{
    claim_key *arr = NULL;
    size_t n = 0, cap = 0;
    int rc = CLAIMDB_OK;
    for (uint8_t pol = 0; pol <= 1 && !rc; pol++) {
        for (int idx = IDX_SPO; idx <= IDX_OSP && !rc; idx++) {
            store_cursor *c;
            if ((rc = store_scan_open(t, (store_index)idx, pol, &id, 1, &c))) break;
            claim_key k;
            int r;
            while ((r = store_cursor_next_claim(c, &k)) == CLAIMDB_ROW && !rc)
                rc = push(t, (void **)&arr, &n, &cap, sizeof k, &k);
            if (!rc) rc = store_step_err(r);
            store_cursor_close(c);
        }
    }
    if (rc) {
        free(arr);
        return rc;
    }
    if (n > 1) {
        qsort(arr, n, sizeof *arr, cmp_claims);
        size_t w = 1;
        for (size_t i = 1; i < n; i++)
            if (cmp_claims(&arr[i], &arr[w - 1]) != 0) arr[w++] = arr[i];
        n = w;
    }
    *out = arr;
    *count = n;
    return CLAIMDB_OK;
}

static void free_owned(owned_cite *cs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(cs[i].quote);
    free(cs);
}

/* Copy the citation's texts (quote, date), which point into the map, into one block. */
static int own_quote(store_txn *t, owned_cite *oc)
{
    oc->quote = NULL;
    size_t q = oc->c.quote.ptr ? oc->c.quote.len : 0, d = oc->c.said_on.ptr ? oc->c.said_on.len : 0;
    if (!oc->c.quote.ptr && !oc->c.said_on.ptr) return CLAIMDB_OK;
    oc->quote = malloc(q + d + 1);
    if (!oc->quote) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    if (oc->c.quote.ptr) {
        if (q) memcpy(oc->quote, oc->c.quote.ptr, q);
        oc->c.quote.ptr = oc->quote;
    }
    if (oc->c.said_on.ptr) {
        if (d) memcpy(oc->quote + q, oc->c.said_on.ptr, d);
        oc->c.said_on.ptr = oc->quote + q;
    }
    return CLAIMDB_OK;
}

/* Copies of a claim's citations. */
static int cites_copy(store_txn *t, const claim_key *k, owned_cite **out, size_t *count)
{
    owned_cite *arr = NULL;
    size_t n = 0, cap = 0;
    store_cursor *c;
    int rc = store_cites_open(t, k, &c);
    if (rc) return rc;
    owned_cite oc;
    int r;
    while ((r = store_cursor_next_cite(c, &oc.c)) == CLAIMDB_ROW) {
        if ((rc = own_quote(t, &oc))) break;
        if ((rc = push(t, (void **)&arr, &n, &cap, sizeof oc, &oc))) {
            free(oc.quote);
            break;
        }
    }
    if (!rc) rc = store_step_err(r);
    store_cursor_close(c);
    if (rc) {
        free_owned(arr, n);
        return rc;
    }
    *out = arr;
    *count = n;
    return CLAIMDB_OK;
}

/* Put citation m, moved from a claim that merges into k, on k. Citations are never blended:
 * when k already has the same citation (same article, same quote), k's is kept whole and m
 * is dropped; otherwise m is added whole, with its stored time. */
static int cite_merge(store_txn *t, const claim_key *k, const store_citation *m)
{
    store_citation cur;
    uint64_t slot;
    int rc = pend_sync(t);
    if (rc) return rc;
    rc = cite_find(t, k, m->article, m->quote, &slot, NULL, &cur);
    if (rc == CLAIMDB_NOTFOUND) return cite_put_apply(t, k, m, NULL);
    return rc;
}

static term_id swap_id(term_id x, term_id from, term_id to)
{
    return x == from ? to : x;
}

/* Citations anywhere whose claimant is from. */
static int rewrite_claimants(store_txn *t, term_id from, term_id to)
{
    uint8_t(*keys)[CITE_KEY_LEN] = NULL;
    size_t n = 0, cap = 0;
    store_cursor *c;
    int rc = cur_open(t, DB_CITE, NULL, 0, &c);
    if (rc) return rc;
    MDB_val key, v;
    int r;
    while ((r = cur_step(c, &key, &v)) == CLAIMDB_ROW) {
        store_citation cit;
        if ((rc = decode_cite(t, &key, &v, &cit))) break;
        if (cit.claimant == from && key.mv_size == CITE_KEY_LEN &&
            (rc = push(t, (void **)&keys, &n, &cap, CITE_KEY_LEN, key.mv_data)))
            break;
    }
    if (!rc) rc = store_step_err(r);
    store_cursor_close(c);
    for (size_t i = 0; i < n && !rc; i++) {
        claim_key k;
        claim_key_decode(keys[i], IDX_SPO, &k);
        MDB_val kv = {CITE_KEY_LEN, keys[i]};
        owned_cite oc;
        if ((rc = sdb_get(t, DB_CITE, keys[i], CITE_KEY_LEN, &v)) ||
            (rc = decode_cite(t, &kv, &v, &oc.c)) || (rc = own_quote(t, &oc)))
            break;
        oc.c.claimant = to;
        rc = cite_put_apply(t, &k, &oc.c, NULL);
        free(oc.quote);
    }
    free(keys);
    return rc;
}

int claims_rewrite_term(store_txn *t, term_id from, term_id to)
{
    claim_key *claims;
    size_t n;
    int rc = claims_using(t, from, &claims, &n);
    if (rc) return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        owned_cite *cs;
        size_t nc;
        if ((rc = cites_copy(t, &claims[i], &cs, &nc))) break;
        rc = claim_delete_apply(t, &claims[i]);
        claim_key nk = {claims[i].pol, swap_id(claims[i].s, from, to),
                        swap_id(claims[i].p, from, to), swap_id(claims[i].o, from, to)};
        for (size_t j = 0; j < nc && !rc; j++) {
            cs[j].c.claimant = swap_id(cs[j].c.claimant, from, to);
            rc = cite_merge(t, &nk, &cs[j].c);
        }
        free_owned(cs, nc);
    }
    free(claims);
    return rc ? rc : rewrite_claimants(t, from, to);
}

static int cmp_spo(const void *a, const void *b)
{
    const claim_key *x = a, *y = b;
    if (x->s != y->s) return x->s < y->s ? -1 : 1;
    if (x->p != y->p) return x->p < y->p ? -1 : 1;
    if (x->o != y->o) return x->o < y->o ? -1 : 1;
    return 0;
}

size_t claim_keys_sort_unique(claim_key *keys, size_t n)
{
    if (n < 2) return n;
    qsort(keys, n, sizeof *keys, cmp_spo);
    size_t w = 1;
    for (size_t i = 1; i < n; i++)
        if (cmp_spo(&keys[i], &keys[w - 1]) != 0) keys[w++] = keys[i];
    return w;
}
