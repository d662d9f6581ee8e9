/* store_pend.c — the pending writes of a write transaction.
 *
 * Bulk loading (many store_cite_put in one transaction) would otherwise insert into six
 * B-trees in random key order: every put searches from the root, touches a random page and
 * half-fills the pages it splits. Instead cite_put_apply records the new claims, citations and
 * statistic increments in hash tables here; pend_flush sorts each database's share and writes
 * it in key order with one cursor, appending (MDB_APPEND, which also fills pages fully) once
 * the keys pass the database's last key. Flushes happen before any other access to those
 * databases (pend_sync, called by the sdb_* helpers and the cursors), before a savepoint
 * begins or ends, and at commit.
 *
 * A load larger than memory: past store_run_bytes the claims and citations in memory go to
 * a sorted run in a temporary file, and the flush merges the runs (store_run.c).
 *
 * The pending writes are a function of the write log: map growth forgets them and the replay
 * rebuilds them; a savepoint rollback forgets them (they were flushed when it began).
 */
#include "store_internal.h"
#include "try.h"

#include "claimdb.h"

#include <stdlib.h>
#include <string.h>

/* Node overhead per record in an LMDB leaf page (node header and index), for the estimates. */
#define NODE_OVERHEAD 10

/* ---- hash tables ---- */

static void ptab_init(ptab *p, size_t stride, int nwords)
{
    memset(p, 0, sizeof *p);
    p->stride = stride;
    p->nwords = nwords;
}

void ptab_free(ptab *p)
{
    free(p->items);
    free(p->slots);
    ptab_init(p, p->stride, p->nwords);
}

/* The slot of key k: holding its item, or the empty slot where it goes. */
static uint32_t *ptab_slot(const ptab *p, const uint64_t *k)
{
    size_t mask = p->nslots - 1;
    size_t i = (size_t)store_hash_words(k, p->nwords) & mask;
    for (;;) {
        uint32_t s = p->slots[i];
        if (s == 0) return &p->slots[i];
        const uint64_t *w = (const uint64_t *)(const void *)ptab_item(p, s - 1);
        int j = 0;
        while (j < p->nwords && w[j] == k[j])
            j++;
        if (j == p->nwords) return &p->slots[i];
        i = (i + 1) & mask;
    }
}

static void *ptab_find(const ptab *p, const uint64_t *k)
{
    if (p->n == 0) return NULL;
    uint32_t s = *ptab_slot(p, k);
    return s ? ptab_item(p, s - 1) : NULL;
}

static bool ptab_rehash(ptab *p, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots) return false;
    free(p->slots);
    p->slots = slots;
    p->nslots = nslots;
    for (size_t i = 0; i < p->n; i++)
        *ptab_slot(p, ptab_item(p, i)) = (uint32_t)(i + 1);
    return true;
}

/* Add a zeroed item with key k (which must not be there); NULL when out of memory. */
static void *ptab_add(ptab *p, const uint64_t *k)
{
    if (p->n >= UINT32_MAX - 1) return NULL;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        unsigned char *items = realloc(p->items, cap * p->stride);
        if (!items) return NULL;
        p->items = items;
        p->cap = cap;
    }
    if ((p->n + 1) * 2 > p->nslots && !ptab_rehash(p, p->nslots ? p->nslots * 2 : 1024))
        return NULL;
    void *it = ptab_item(p, p->n);
    memset(it, 0, p->stride);
    memcpy(it, k, (size_t)p->nwords * sizeof(uint64_t));
    *ptab_slot(p, k) = (uint32_t)(p->n + 1);
    p->n++;
    return it;
}

/* ---- recording ---- */

static void pend_init(pend *p)
{
    ptab_init(&p->claims, sizeof(pend_claim), 4);
    ptab_init(&p->cites, sizeof(pend_cite), 6);
    ptab_init(&p->stats, sizeof(pend_stat), 2);
}

/* ---- the pending writes ---- */

void pend_reset(store_txn *t)
{
    pend *p = &t->pend;
    text_pend_free(t);
    ptab_free(&p->claims);
    ptab_free(&p->cites);
    ptab_free(&p->stats);
    free(p->vals);
    runs_reset(p);
    memset(p, 0, sizeof *p);
    p->fd = -1;
    pend_init(p);
}

static int nomem(store_txn *t)
{
    return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
}

int pend_claim_find(store_txn *t, const claim_key *k, bool *found)
{
    uint64_t w[4];
    pend_claim_words(k, w);
    *found = ptab_find(&t->pend.claims, w) != NULL;
    return *found ? CLAIMDB_OK : run_claim_find(t, k, w, found);
}

int pend_cite_find(store_txn *t, const claim_key *k, uint64_t article, uint64_t slot,
                   pend_cite **pc, const uint8_t **val, size_t *vlen)
{
    pend *p = &t->pend;
    uint64_t w[6];
    pend_claim_words(k, w);
    w[4] = article;
    w[5] = slot;
    *pc = ptab_find(&p->cites, w);
    if (!*pc) return run_cite_find(t, k, w, val, vlen);
    *val = p->vals + (*pc)->voff;
    *vlen = (*pc)->vlen;
    return CLAIMDB_OK;
}

static int stat_add(store_txn *t, uint8_t pol, int role, term_id id)
{
    uint64_t w[2] = {(uint64_t)pol << 8 | (uint64_t)role, id};
    pend_stat *s = ptab_find(&t->pend.stats, w);
    if (!s) {
        if (!(s = ptab_add(&t->pend.stats, w))) return nomem(t);
        t->pend.bytes += TSTAT_KEY_LEN + 8 + NODE_OVERHEAD;
    }
    s->n++;
    return CLAIMDB_OK;
}

int pend_claim_add(store_txn *t, const claim_key *k)
{
    uint64_t w[4];
    pend_claim_words(k, w);
    if (!ptab_add(&t->pend.claims, w)) return nomem(t);
    t->pend.bytes += 3 * (CLAIM_KEY_LEN + NODE_OVERHEAD);
    t->pend.batch += 3 * (CLAIM_KEY_LEN + NODE_OVERHEAD);
    int rc;
    if ((rc = stat_add(t, k->pol, ROLE_S, k->s)) || (rc = stat_add(t, k->pol, ROLE_P, k->p)) ||
        (rc = stat_add(t, k->pol, ROLE_O, k->o)))
        return rc;
    return CLAIMDB_OK;
}

void store_run_bytes(store *st, size_t bytes)
{
    if (st) st->run_bytes = bytes;
}

int pend_cite_put(store_txn *t, pend_cite *found, const claim_key *k, uint64_t slot,
                  const store_citation *c, bool isnew)
{
    pend *p = &t->pend;
    size_t vl = cite_value_size(c);
    if (vl > UINT32_MAX) return store_seterr(t->st, CLAIMDB_TOOBIG, "a citation larger than 4 GiB");
    if (p->vlen + vl > p->vcap) {
        size_t cap = p->vcap ? p->vcap : 65536;
        while (cap < p->vlen + vl)
            cap *= 2;
        unsigned char *vals = realloc(p->vals, cap);
        if (!vals) return nomem(t);
        p->vals = vals;
        p->vcap = cap;
    }
    pend_cite *pc = found;
    if (!pc) {
        uint64_t w[6];
        pend_claim_words(k, w);
        w[4] = c->article;
        w[5] = slot;
        if (!(pc = ptab_add(&p->cites, w))) return nomem(t);
        pc->isnew = isnew;
        size_t b = CITE_KEY_LEN + NODE_OVERHEAD + (isnew ? ARTCITE_KEY_LEN + NODE_OVERHEAD : 0);
        p->bytes += b;
        p->batch += b;
    } else {
        p->bytes -= pc->vlen;
        p->batch -= pc->vlen;
    }
    cite_value_encode(p->vals + p->vlen, c); /* a replaced value stays unused in vals */
    pc->voff = p->vlen;
    pc->vlen = (uint32_t)vl;
    p->vlen += vl;
    p->bytes += vl;
    p->batch += vl;
    if (p->batch > t->st->run_bytes) return run_spill(t); /* about twice that in memory */
    return CLAIMDB_OK;
}

/* ---- flushing ---- */

static int cmp_words(const uint64_t *a, const uint64_t *b, const int *order, int n)
{
    for (int i = 0; i < n; i++) {
        uint64_t x = a[order[i]], y = b[order[i]];
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

static const int ORD_SPO[4] = {0, 1, 2, 3}, ORD_POS[4] = {0, 2, 3, 1}, ORD_OSP[4] = {0, 3, 1, 2};
const int *const pend_claim_orders[3] = {ORD_SPO, ORD_POS, ORD_OSP};
const int pend_ord_cite[6] = {0, 1, 2, 3, 4, 5}, pend_ord_artcite[6] = {4, 0, 1, 2, 3, 5};

static int cmp_stat(const void *a, const void *b)
{
    return cmp_words(a, b, ORD_SPO, 2);
}

/* The order of a table's items by key words order[0..nw) (nw <= 6), as an array of item
 * numbers; the items themselves never move. NULL when out of memory.
 *
 * Claim keys (nw 4: a polarity and three term ids) whose ids fit in b bits pack into one
 * 1 + 3b-bit number (b <= 42): those are radix sorted, 24-byte pairs of key and item, eight
 * bits at a time, skipping the bytes every key shares (ids of a few million need some nine
 * passes). Other keys are copied, in that order, into a compact array with each item's
 * number and sorted there by qsort, so that a comparison reads adjacent words. */
typedef struct skey {
    uint64_t w[6];
    size_t item;
} skey;

static int cmp_skey4(const void *a, const void *b)
{
    const uint64_t *x = ((const skey *)a)->w, *y = ((const skey *)b)->w;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    if (x[1] != y[1]) return x[1] < y[1] ? -1 : 1;
    if (x[2] != y[2]) return x[2] < y[2] ? -1 : 1;
    return x[3] < y[3] ? -1 : x[3] > y[3];
}

static int cmp_skey6(const void *a, const void *b)
{
    int c = cmp_skey4(a, b);
    if (c) return c;
    const uint64_t *x = ((const skey *)a)->w, *y = ((const skey *)b)->w;
    if (x[4] != y[4]) return x[4] < y[4] ? -1 : 1;
    return x[5] < y[5] ? -1 : x[5] > y[5];
}

typedef struct pkey {
    uint64_t hi, lo; /* the packed key */
    size_t item;
} pkey;

static uint8_t pkey_byte(const pkey *k, int i) /* byte i, 0 the least significant */
{
    return (uint8_t)((i < 8 ? k->lo >> (8 * i) : k->hi >> (8 * (i - 8))) & 0xff);
}

/* Radix sort of the packed claim keys; NULL when an id is too wide or out of memory. */
static size_t *sorted_claims(const ptab *p, const int *order)
{
    uint64_t max = 1;
    for (size_t i = 0; i < p->n; i++) {
        const uint64_t *k = (const uint64_t *)(const void *)ptab_item(p, i);
        max |= k[1] | k[2] | k[3];
    }
    int b = 0;
    while (b < 64 && max >> b)
        b++;
    if (b > 42) return NULL;
    size_t n = p->n;
    pkey *a = malloc((n ? n : 1) * sizeof *a), *tmp = malloc((n ? n : 1) * sizeof *tmp);
    size_t *out = malloc((n ? n : 1) * sizeof *out);
    if (!a || !tmp || !out) {
        free(a);
        free(tmp);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const uint64_t *k = (const uint64_t *)(const void *)ptab_item(p, i);
        uint64_t hi = 0, lo = k[order[0]];
        for (int j = 1; j < 4; j++) {
            hi = (hi << b) | (lo >> (64 - b));
            lo = (lo << b) | k[order[j]];
        }
        a[i] = (pkey){hi, lo, i};
    }
    for (int d = 0; d < 16; d++) {
        size_t count[256] = {0};
        for (size_t i = 0; i < n; i++)
            count[pkey_byte(&a[i], d)]++;
        if (n == 0 || count[pkey_byte(&a[0], d)] == n) continue; /* every key shares it */
        size_t pos = 0;
        for (int v = 0; v < 256; v++) {
            size_t c = count[v];
            count[v] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[pkey_byte(&a[i], d)]++] = a[i];
        pkey *x = a;
        a = tmp;
        tmp = x;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = a[i].item;
    free(a);
    free(tmp);
    return out;
}

size_t *pend_sorted(const ptab *p, const int *order, int nw)
{
    if (nw == 4) {
        size_t *out = sorted_claims(p, order);
        if (out) return out;
    }
    skey *ks = malloc((p->n ? p->n : 1) * sizeof *ks);
    size_t *out = malloc((p->n ? p->n : 1) * sizeof *out);
    if (!ks || !out) {
        free(ks);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < p->n; i++) {
        const uint64_t *k = (const uint64_t *)(const void *)ptab_item(p, i);
        for (int j = 0; j < 6; j++)
            ks[i].w[j] = j < nw ? k[order[j]] : 0;
        ks[i].item = i;
    }
    qsort(ks, p->n, sizeof *ks, nw <= 4 ? cmp_skey4 : cmp_skey6);
    for (size_t i = 0; i < p->n; i++)
        out[i] = ks[i].item;
    free(ks);
    return out;
}

int sw_open(store_txn *t, int db, swriter *w)
{
    w->t = t;
    w->db = db;
    w->append = false;
    w->lastlen = 0;
    w->mc = NULL;
    int rc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, db), &w->mc);
    if (rc) {
        w->mc = NULL;
        return store_mdb_err(t->st, rc, store_db_names[db]);
    }
    MDB_val k, v;
    rc = mdb_cursor_get(w->mc, &k, &v, MDB_LAST);
    if (rc == MDB_NOTFOUND) {
        w->append = true;
        return CLAIMDB_OK;
    }
    if (rc == 0 && db_split(db)) rc = split_join(db, w->last, &k, &v);
    if (rc == 0 && k.mv_size > sizeof w->last) rc = MDB_CORRUPTED;
    if (rc) return store_mdb_err(t->st, rc, store_db_names[db]);
    memmove(w->last, k.mv_data, k.mv_size);
    w->lastlen = k.mv_size;
    return CLAIMDB_OK;
}

void sw_close(swriter *w)
{
    if (w->mc) mdb_cursor_close(w->mc);
    w->mc = NULL;
}

/* Does key go after every key of the database? Then this and all later puts append. */
static bool sw_past_end(swriter *w, const uint8_t *key, size_t kl)
{
    if (!w->append) {
        size_t n = kl < w->lastlen ? kl : w->lastlen;
        int c = memcmp(key, w->last, n);
        if (c > 0 || (c == 0 && kl > w->lastlen)) w->append = true;
    }
    return w->append;
}

int sw_put(swriter *w, const uint8_t *key, size_t kl, const void *val, size_t vl)
{
    MDB_val k = {kl, (void *)key}, v = {vl, (void *)val};
    unsigned flags = sw_past_end(w, key, kl) ? MDB_APPEND : 0;
    size_t split = db_split(w->db);
    if (split) {
        if (kl <= split || vl || kl > sizeof w->last)
            return store_seterr(w->t->st, CLAIMDB_MISUSE, "invalid split key");
        k.mv_size = split;
        v = (MDB_val){kl - split, (uint8_t *)key + split};
        if (flags) {
            /* A duplicate past the last of the last key appends to it; else a new key. */
            if (w->lastlen >= split && memcmp(w->last, key, split) == 0) flags = MDB_APPENDDUP;
            memcpy(w->last, key, kl);
            w->lastlen = kl;
        }
    }
    int rc = mdb_cursor_put(w->mc, &k, &v, flags);
    return rc ? store_mdb_err(w->t->st, rc, store_db_names[w->db]) : CLAIMDB_OK;
}

static int flush_index(store_txn *t, store_index idx)
{
    ptab *p = &t->pend.claims;
    static const int *const orders[3] = {ORD_SPO, ORD_POS, ORD_OSP};
    if (p->n == 0) return CLAIMDB_OK;
    size_t *ks = pend_sorted(p, orders[idx], 4);
    if (!ks) return nomem(t);
    swriter w;
    int rc = sw_open(t, DB_SPO + (int)idx, &w);
    for (size_t i = 0; i < p->n && !rc; i++) {
        const pend_claim *c = ptab_item(p, ks[i]);
        claim_key k = {(uint8_t)c->k[0], c->k[1], c->k[2], c->k[3]};
        uint8_t key[CLAIM_KEY_LEN];
        claim_key_encode(key, idx, &k);
        rc = sw_put(&w, key, sizeof key, "", 0);
    }
    sw_close(&w);
    free(ks);
    return rc;
}

static int flush_cites(store_txn *t)
{
    pend *pd = &t->pend;
    ptab *p = &pd->cites;
    if (p->n == 0) return CLAIMDB_OK;
    size_t *ks = pend_sorted(p, pend_ord_cite, 6);
    if (!ks) return nomem(t);
    swriter w;
    int rc = sw_open(t, DB_CITE, &w);
    for (size_t i = 0; i < p->n && !rc; i++) {
        const pend_cite *c = ptab_item(p, ks[i]);
        claim_key k = {(uint8_t)c->k[0], c->k[1], c->k[2], c->k[3]};
        uint8_t key[CITE_KEY_LEN];
        cite_key_encode(key, &k, c->k[4], c->k[5]);
        rc = sw_put(&w, key, sizeof key, pd->vals + c->voff, c->vlen);
    }
    sw_close(&w);
    free(ks);
    if (rc) return rc;
    if (!(ks = pend_sorted(p, pend_ord_artcite, 6))) return nomem(t);
    rc = sw_open(t, DB_ARTCITE, &w);
    const pend_cite *prev = NULL;
    for (size_t i = 0; i < p->n && !rc; i++) {
        uint8_t key[ARTCITE_KEY_LEN];
        if (pend_artcite_key(ptab_item(p, ks[i]), &prev, key))
            rc = sw_put(&w, key, sizeof key, "", 0);
    }
    sw_close(&w);
    free(ks);
    return rc;
}

static int flush_stats(store_txn *t)
{
    ptab *p = &t->pend.stats;
    if (p->n == 0) return CLAIMDB_OK;
    qsort(p->items, p->n, p->stride, cmp_stat);
    swriter w;
    int rc = sw_open(t, DB_TSTAT, &w);
    for (size_t i = 0; i < p->n && !rc; i++) {
        const pend_stat *s = ptab_item(p, i);
        uint8_t key[TSTAT_KEY_LEN], val[8];
        key[0] = (uint8_t)(s->k[0] >> 8);
        key[1] = (uint8_t)s->k[0];
        put_id(key + 2, s->k[1]);
        uint64_t n = s->n;
        if (!sw_past_end(&w, key, sizeof key)) {
            MDB_val k = {sizeof key, key}, v;
            int mrc = mdb_cursor_get(w.mc, &k, &v, MDB_SET_KEY);
            if (mrc == 0) {
                uint64_t had;
                if (!get_count(&v, &had)) {
                    rc = store_seterr(t->st, CLAIMDB_CORRUPT, "tstat: damaged counter");
                    break;
                }
                /* Our key, not k: MDB_SET_KEY pointed k into the page, and a value of
                 * another size moves the record (LMDB deletes the node, then adds it again
                 * from the key given). */
                MDB_val ok = {sizeof key, key}, nv = {put_count(val, n + had), val};
                mrc = mdb_cursor_put(w.mc, &ok, &nv, 0);
                if (mrc) rc = store_mdb_err(t->st, mrc, "tstat");
                continue;
            }
            if (mrc != MDB_NOTFOUND) {
                rc = store_mdb_err(t->st, mrc, "tstat");
                break;
            }
        }
        rc = sw_put(&w, key, sizeof key, val, put_count(val, n));
    }
    sw_close(&w);
    return rc;
}

int pend_flush(store_txn *t)
{
    if (!pend_any(t)) return CLAIMDB_OK;
    int rc = CLAIMDB_OK;
    pend *p = &t->pend;
    if (p->nruns && (p->claims.n || p->cites.n)) {
        rc = run_spill(t); /* the rest joins the merge as the newest run */
        if (rc) return rc;
    }
    /* Nothing is looked up in the runs any more: give their fingerprints' memory to the merge
     * (LMDB's dirty pages). */
    runs_forget_fingerprints(p);
    if (p->nruns) {
        rc = runs_flush(t);
    } else {
        for (int idx = IDX_SPO; idx <= IDX_OSP && !rc; idx++)
            rc = flush_index(t, (store_index)idx);
        if (!rc) rc = flush_cites(t);
    }
    if (!rc) rc = flush_stats(t);
    if (!rc) rc = text_pend_flush(t);
    if (rc == STORE_MAPFULL) {
        t->grow_want = 2 * t->pend.bytes;
        return rc;
    }
    if (rc) return txn_die(t, rc); /* written in part: the transaction cannot be trusted */
    pend_reset(t);
    return CLAIMDB_OK;
}

int pend_sync(store_txn *t)
{
    if (!pend_any(t)) return CLAIMDB_OK;
    if (t->in_op) return pend_flush(t);
    for (;;) {
        int rc = pend_flush(t);
        if (rc != STORE_MAPFULL) return rc;
        TRY(rc, txn_grow(t, t->loglen));
    }
}

bool pend_artcite_key(const pend_cite *c, const pend_cite **prev, uint8_t key[ARTCITE_KEY_LEN])
{
    if (!c->isnew) return false;
    if (*prev && memcmp((*prev)->k, c->k, 5 * sizeof c->k[0]) == 0) return false;
    *prev = c;
    claim_key k = {(uint8_t)c->k[0], c->k[1], c->k[2], c->k[3]};
    put_u64(key, c->k[4]);
    claim_key_encode(key + 8, IDX_SPO, &k);
    return true;
}
