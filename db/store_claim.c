/* store_claim.c — claims, their three indexes, citations, scans and per-term statistics.
 *
 * A claim exists while it has at least one citation. Adding its first citation writes its
 * spo/pos/osp entries, counts it in meta ("claims.pos"/"claims.neg") and in tstat for its
 * subject (ROLE_S), predicate (ROLE_P) and object (ROLE_O); removing the last undoes all that.
 *
 * Citation record: [version 1][flags: 1 has confidence, 2 has quote][method]
 *                  [confidence: IEEE 754 bits, u64 BE][claimant u64 BE][quote bytes...]
 */
#include "store_internal.h"

#include "claimdb.h"

#include <stdlib.h>
#include <string.h>

#define CITE_VERSION 1
#define CITE_FIXED 19
#define CITE_HAS_CONF 1
#define CITE_HAS_QUOTE 2

/* ---- encodings ---- */

void claim_key_encode(uint8_t out[CLAIM_KEY_LEN], store_index idx, const claim_key *k)
{
    term_id a = k->s, b = k->p, c = k->o;
    if (idx == IDX_POS)
        a = k->p, b = k->o, c = k->s;
    else if (idx == IDX_OSP)
        a = k->o, b = k->s, c = k->p;
    out[0] = k->pol;
    put_u64(out + 1, a);
    put_u64(out + 9, b);
    put_u64(out + 17, c);
}

static void claim_key_decode(const uint8_t *in, store_index idx, claim_key *k)
{
    term_id a = get_u64(in + 1), b = get_u64(in + 9), c = get_u64(in + 17);
    k->pol = in[0];
    if (idx == IDX_SPO)
        k->s = a, k->p = b, k->o = c;
    else if (idx == IDX_POS)
        k->p = a, k->o = b, k->s = c;
    else
        k->o = a, k->s = b, k->p = c;
}

void cite_key_encode(uint8_t out[CITE_KEY_LEN], const claim_key *k, uint64_t article)
{
    claim_key_encode(out, IDX_SPO, k);
    put_u64(out + 25, article);
}

static void artcite_key_encode(uint8_t out[CITE_KEY_LEN], const claim_key *k, uint64_t article)
{
    put_u64(out, article);
    claim_key_encode(out + 8, IDX_SPO, k);
}

size_t cite_value_size(const store_citation *c)
{
    return CITE_FIXED + (c->quote.ptr ? c->quote.len : 0);
}

void cite_value_encode(uint8_t *out, const store_citation *c)
{
    uint64_t bits = 0;
    double conf = c->has_confidence ? c->confidence : 0.0;
    memcpy(&bits, &conf, sizeof bits);
    out[0] = CITE_VERSION;
    out[1] =
        (uint8_t)((c->has_confidence ? CITE_HAS_CONF : 0) | (c->quote.ptr ? CITE_HAS_QUOTE : 0));
    out[2] = c->method;
    put_u64(out + 3, bits);
    put_u64(out + 11, c->claimant);
    if (c->quote.ptr && c->quote.len) memcpy(out + CITE_FIXED, c->quote.ptr, c->quote.len);
}

int cite_value_decode(const uint8_t *p, size_t n, store_citation *c)
{
    if (n < CITE_FIXED || p[0] != CITE_VERSION) return CLAIMDB_CORRUPT;
    uint64_t bits = get_u64(p + 3);
    c->has_confidence = (p[1] & CITE_HAS_CONF) != 0;
    memcpy(&c->confidence, &bits, sizeof bits);
    c->method = p[2];
    c->claimant = get_u64(p + 11);
    if (p[1] & CITE_HAS_QUOTE) {
        c->quote.ptr = (const char *)p + CITE_FIXED;
        c->quote.len = n - CITE_FIXED;
    } else {
        if (n != CITE_FIXED) return CLAIMDB_CORRUPT;
        c->quote.ptr = NULL;
        c->quote.len = 0;
    }
    return CLAIMDB_OK;
}

static int decode_cite(store_txn *t, const MDB_val *k, const MDB_val *v, store_citation *c)
{
    if (cite_value_decode(v->mv_data, v->mv_size, c))
        return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged citation record");
    c->article = k->mv_size == CITE_KEY_LEN ? get_u64((const uint8_t *)k->mv_data + 25) : 0;
    return CLAIMDB_OK;
}

static int check_claim(store_txn *t, const claim_key *k)
{
    if (!k || k->pol > 1 || !k->s || !k->p || !k->o)
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid claim key");
    return CLAIMDB_OK;
}

/* ---- claims ---- */

static int tstat_add(store_txn *t, uint8_t pol, int role, term_id id, int64_t delta)
{
    uint8_t k[TSTAT_KEY_LEN];
    k[0] = pol;
    k[1] = (uint8_t)role;
    put_u64(k + 2, id);
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
    if ((rc = tstat_add(t, k->pol, ROLE_S, k->s, delta)) ||
        (rc = tstat_add(t, k->pol, ROLE_P, k->p, delta)) ||
        (rc = tstat_add(t, k->pol, ROLE_O, k->o, delta)))
        return rc;
    return meta_add(t, claims_counter(k->pol), delta);
}

static int article_ensure(store_txn *t, uint64_t article)
{
    uint8_t key[8];
    put_u64(key, article);
    MDB_val v;
    int rc = sdb_get(t, DB_ARTICLE, key, 8, &v);
    if (rc != CLAIMDB_NOTFOUND) return rc;
    store_article empty = {0};
    uint8_t rec[64];
    size_t n = article_value_size(&empty);
    article_value_encode(rec, &empty);
    if ((rc = sdb_put(t, DB_ARTICLE, key, 8, rec, n, 0))) return rc;
    return meta_add(t, "articles", 1);
}

int cite_put_apply(store_txn *t, const claim_key *k, const store_citation *c, int *added)
{
    int rc = check_claim(t, k);
    if (rc) return rc;
    /* The writes go to the pending writes (store_pend.c): look there first, then in LMDB. */
    int flags = 0;
    bool isnew = false;
    pend_cite *pc = pend_cite_find(t, k, c->article);
    if (!pc) {
        uint8_t ck[CITE_KEY_LEN];
        cite_key_encode(ck, k, c->article);
        MDB_val v;
        rc = sdb_get_raw(t, DB_CITE, ck, sizeof ck, &v);
        if (rc == CLAIMDB_NOTFOUND) {
            uint8_t key[CLAIM_KEY_LEN];
            claim_key_encode(key, IDX_SPO, k);
            rc = pend_claim_find(t, k) ? CLAIMDB_OK : sdb_get_raw(t, DB_SPO, key, sizeof key, &v);
            if (rc == CLAIMDB_NOTFOUND) {
                if ((rc = pend_claim_add(t, k)) || (rc = meta_add(t, claims_counter(k->pol), 1)))
                    return rc;
                flags |= CLAIMDB_ADDED_CLAIM;
            } else if (rc) {
                return rc;
            }
            if ((rc = article_ensure(t, c->article)) || (rc = meta_add(t, "citations", 1)))
                return rc;
            flags |= CLAIMDB_ADDED_CITATION;
            isnew = true;
        } else if (rc) {
            return rc;
        }
    }
    if ((rc = pend_cite_put(t, pc, k, c, isnew))) return rc;
    if (added) *added = flags;
    return CLAIMDB_OK;
}

/* Does the claim still have a citation? */
static int has_cites(store_txn *t, const claim_key *k, bool *yes)
{
    uint8_t prefix[CLAIM_KEY_LEN];
    claim_key_encode(prefix, IDX_SPO, k);
    MDB_cursor *mc;
    int mrc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, DB_CITE), &mc);
    if (mrc) return store_mdb_err(t->st, mrc, "cite");
    MDB_val key = {sizeof prefix, prefix}, v;
    mrc = scur_get(t->st, mc, &key, &v, MDB_SET_RANGE);
    mdb_cursor_close(mc);
    *yes = false;
    if (mrc == MDB_NOTFOUND) return CLAIMDB_OK;
    if (mrc) return store_mdb_err(t->st, mrc, "cite");
    *yes = key.mv_size >= sizeof prefix && memcmp(key.mv_data, prefix, sizeof prefix) == 0;
    return CLAIMDB_OK;
}

int cite_delete_apply(store_txn *t, const claim_key *k, uint64_t article)
{
    int rc = check_claim(t, k);
    if (rc || (rc = pend_sync(t))) return rc;
    uint8_t ck[CITE_KEY_LEN], ak[CITE_KEY_LEN];
    cite_key_encode(ck, k, article);
    artcite_key_encode(ak, k, article);
    rc = sdb_del(t, DB_CITE, ck, sizeof ck);
    if (rc == CLAIMDB_NOTFOUND) return store_seterr(t->st, rc, "no such citation");
    if (rc) return rc;
    if ((rc = sdb_del(t, DB_ARTCITE, ak, sizeof ak)) == CLAIMDB_NOTFOUND) rc = CLAIMDB_OK;
    if (rc || (rc = meta_add(t, "citations", -1))) return rc;
    bool more = false;
    if ((rc = has_cites(t, k, &more))) return rc;
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
    if (rc) return rc;
    MDB_cursor *mc;
    int mrc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, DB_CITE), &mc);
    if (mrc) return store_mdb_err(t->st, mrc, "cite");
    int64_t removed = 0;
    for (;;) {
        MDB_val key = {sizeof prefix, prefix};
        mrc = scur_get(t->st, mc, &key, &v, MDB_SET_RANGE);
        if (mrc || key.mv_size != CITE_KEY_LEN || memcmp(key.mv_data, prefix, sizeof prefix)) break;
        uint64_t article = get_u64((const uint8_t *)key.mv_data + 25);
        if ((mrc = mdb_cursor_del(mc, 0))) break;
        uint8_t ak[CITE_KEY_LEN];
        artcite_key_encode(ak, k, article);
        if ((rc = sdb_del(t, DB_ARTCITE, ak, sizeof ak)) && rc != CLAIMDB_NOTFOUND) {
            mdb_cursor_close(mc);
            return rc;
        }
        removed++;
    }
    mdb_cursor_close(mc);
    if (mrc && mrc != MDB_NOTFOUND) return store_mdb_err(t->st, mrc, "cite");
    if ((rc = meta_add(t, "citations", -removed))) return rc;
    return claim_index(t, k, -1);
}

/* ---- public writes: log, then run ---- */

int store_cite_put(store_txn *t, const claim_key *k, const store_citation *c, int *added)
{
    if (added) *added = 0;
    int rc = txn_check_write(t);
    if (rc) return rc;
    if (!c || (c->quote.len && !c->quote.ptr))
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid citation");
    if ((rc = check_claim(t, k))) return rc;
    size_t start;
    if ((rc = oplog_cite_put(t, k, c, &start))) return rc;
    int flags = 0;
    rc = oplog_exec(t, start, &flags);
    if (added && !rc) *added = flags;
    return rc;
}

int store_cite_delete(store_txn *t, const claim_key *k, uint64_t article)
{
    int rc = txn_check_write(t);
    if (rc || (rc = check_claim(t, k))) return rc;
    size_t start;
    if ((rc = oplog_cite_del(t, k, article, &start))) return rc;
    return oplog_exec(t, start, NULL);
}

int store_claim_delete(store_txn *t, const claim_key *k)
{
    int rc = txn_check_write(t);
    if (rc || (rc = check_claim(t, k))) return rc;
    size_t start;
    if ((rc = oplog_claim_del(t, k, &start))) return rc;
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

int store_cite_get(store_txn *t, const claim_key *k, uint64_t article, store_citation *out)
{
    int rc = txn_check_read(t);
    if (rc || (rc = check_claim(t, k))) return rc;
    uint8_t ck[CITE_KEY_LEN];
    cite_key_encode(ck, k, article);
    MDB_val key = {sizeof ck, ck}, v;
    rc = sdb_get(t, DB_CITE, ck, sizeof ck, &v);
    if (rc == CLAIMDB_NOTFOUND) store_setmsg(t->st, "no such citation");
    if (rc) return rc;
    return decode_cite(t, &key, &v, out);
}

int store_cite_count(store_txn *t, const claim_key *k, uint64_t *n)
{
    *n = 0;
    store_cursor *c;
    int rc = store_cites_open(t, k, &c);
    if (rc) return rc;
    MDB_val key, v;
    int r;
    while ((r = cur_step(c, &key, &v)) > 0)
        (*n)++;
    store_cursor_close(c);
    return r < 0 ? -r : CLAIMDB_OK;
}

int store_scan_open(store_txn *t, store_index idx, uint8_t pol, const term_id *prefix, int nprefix,
                    store_cursor **out)
{
    *out = NULL;
    int rc = txn_check_read(t);
    if (rc) return rc;
    if ((int)idx < IDX_SPO || idx > IDX_OSP || pol > 1 || nprefix < 0 || nprefix > 3 ||
        (nprefix && !prefix))
        return store_seterr(t->st, CLAIMDB_MISUSE, "invalid scan");
    uint8_t key[CLAIM_KEY_LEN];
    key[0] = pol;
    for (int i = 0; i < nprefix; i++)
        put_u64(key + 1 + 8 * i, prefix[i]);
    return cur_open(t, DB_SPO + (int)idx, key, 1 + 8 * (size_t)nprefix, out);
}

int store_cursor_next_claim(store_cursor *c, claim_key *k)
{
    MDB_val key, v;
    int r = cur_step(c, &key, &v);
    if (r <= 0) return r;
    const uint8_t *p = key.mv_data;
    if (c->db == DB_ARTCITE) {
        if (key.mv_size != CITE_KEY_LEN)
            return -store_seterr(c->t->st, CLAIMDB_CORRUPT, "damaged artcite key");
        claim_key_decode(p + 8, IDX_SPO, k);
    } else if (c->db >= DB_SPO && c->db <= DB_OSP) {
        if (key.mv_size != CLAIM_KEY_LEN)
            return -store_seterr(c->t->st, CLAIMDB_CORRUPT, "damaged index key");
        claim_key_decode(p, (store_index)(c->db - DB_SPO), k);
    } else {
        return -store_seterr(c->t->st, CLAIMDB_MISUSE, "not a claim cursor");
    }
    return 1;
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

int store_cursor_next_cite(store_cursor *c, store_citation *out)
{
    MDB_val key, v;
    int r = cur_step(c, &key, &v);
    if (r <= 0) return r;
    if (c->db != DB_CITE) return -store_seterr(c->t->st, CLAIMDB_MISUSE, "not a citation cursor");
    int rc = decode_cite(c->t, &key, &v, out);
    return rc ? -rc : 1;
}

int store_article_claims_open(store_txn *t, uint64_t article, store_cursor **out)
{
    uint8_t prefix[8];
    put_u64(prefix, article);
    return cur_open(t, DB_ARTCITE, prefix, sizeof prefix, out);
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
    put_u64(k + 2, id);
    return sdb_u64_get(t, DB_TSTAT, k, sizeof k, n);
}

/* ---- rewriting a term (aliases) ---- */

typedef struct owned_cite {
    store_citation c;
    char *quote; /* owned copy */
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
            while ((r = store_cursor_next_claim(c, &k)) > 0 && !rc)
                rc = push(t, (void **)&arr, &n, &cap, sizeof k, &k);
            if (r < 0 && !rc) rc = -r;
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

static int own_quote(store_txn *t, owned_cite *oc)
{
    oc->quote = NULL;
    if (!oc->c.quote.ptr) return CLAIMDB_OK;
    oc->quote = malloc(oc->c.quote.len + 1);
    if (!oc->quote) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    memcpy(oc->quote, oc->c.quote.ptr, oc->c.quote.len);
    oc->c.quote.ptr = oc->quote;
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
    while ((r = store_cursor_next_cite(c, &oc.c)) > 0) {
        if ((rc = own_quote(t, &oc))) break;
        if ((rc = push(t, (void **)&arr, &n, &cap, sizeof oc, &oc))) {
            free(oc.quote);
            break;
        }
    }
    if (r < 0 && !rc) rc = -r;
    store_cursor_close(c);
    if (rc) {
        free_owned(arr, n);
        return rc;
    }
    *out = arr;
    *count = n;
    return CLAIMDB_OK;
}

/* Put citation m on claim k, merged with the citation of the same article k may have: the
 * existing one wins, the moved one fills what it lacks. */
static int cite_merge(store_txn *t, const claim_key *k, const store_citation *m)
{
    store_citation cur;
    uint8_t ck[CITE_KEY_LEN];
    cite_key_encode(ck, k, m->article);
    MDB_val key = {sizeof ck, ck}, v;
    int rc = sdb_get(t, DB_CITE, ck, sizeof ck, &v);
    if (rc == CLAIMDB_NOTFOUND) return cite_put_apply(t, k, m, NULL);
    if (rc || (rc = decode_cite(t, &key, &v, &cur))) return rc;
    owned_cite oc = {.c = cur};
    if ((rc = own_quote(t, &oc))) return rc;
    if (!oc.c.has_confidence && m->has_confidence) {
        oc.c.has_confidence = true;
        oc.c.confidence = m->confidence;
    }
    if (!oc.c.claimant) oc.c.claimant = m->claimant;
    if (!oc.c.quote.ptr) oc.c.quote = m->quote;
    rc = cite_put_apply(t, k, &oc.c, NULL);
    free(oc.quote);
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
    while ((r = cur_step(c, &key, &v)) > 0) {
        store_citation cit;
        if ((rc = decode_cite(t, &key, &v, &cit))) break;
        if (cit.claimant == from && key.mv_size == CITE_KEY_LEN &&
            (rc = push(t, (void **)&keys, &n, &cap, CITE_KEY_LEN, key.mv_data)))
            break;
    }
    if (r < 0 && !rc) rc = -r;
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
