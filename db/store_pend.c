/* store_pend.c — the pending writes of a write transaction, and its term cache.
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
 * A load larger than memory: when the claims and citations in memory would take more than
 * PEND_RUN_BYTES in the file, they go to a temporary file as a run (each database's share
 * sorted in its order, see prun) and memory starts again; fingerprint sets tell the load's
 * look-ups which keys to look for in the runs. The flush then merges the runs, each database
 * once, in key order: the indexes are written by appends only, and no more memory than a
 * buffer per run. (Flushing each batch into LMDB instead would insert every batch after the
 * first between keys already written: random page writes and half-full pages.)
 *
 * The pending writes are a function of the write log: map growth forgets them and the replay
 * rebuilds them; a savepoint rollback forgets them (they were flushed when it began).
 */
#include "store_internal.h"
#include "try.h"

#include "claimdb.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RUN_BUF ((size_t)64 << 10)       /* buffer per run stream while merging */
#define CITE_ENT_LEN (CITE_KEY_LEN + 12) /* a run's citation entry: key, value offset, length */
/* Node overhead per record in an LMDB leaf page (node header and index), for the estimates. */
#define NODE_OVERHEAD 10
#define TC_MAX_ENTRIES ((size_t)1 << 22)

/* ---- hash tables ---- */

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

static uint64_t hash_words(const uint64_t *k, int n)
{
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15);
    for (int i = 0; i < n; i++)
        h = (h ^ k[i]) * UINT64_C(0x100000001b3) + (h >> 29);
    return mix64(h);
}

static void ptab_init(ptab *p, size_t stride, int nwords)
{
    memset(p, 0, sizeof *p);
    p->stride = stride;
    p->nwords = nwords;
}

static void ptab_free(ptab *p)
{
    free(p->items);
    free(p->slots);
    ptab_init(p, p->stride, p->nwords);
}

static void *ptab_item(const ptab *p, size_t i)
{
    return p->items + i * p->stride;
}

/* The slot of key k: holding its item, or the empty slot where it goes. */
static uint32_t *ptab_slot(const ptab *p, const uint64_t *k)
{
    size_t mask = p->nslots - 1;
    size_t i = (size_t)hash_words(k, p->nwords) & mask;
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

static void claim_words(const claim_key *k, uint64_t w[4])
{
    w[0] = k->pol;
    w[1] = k->s;
    w[2] = k->p;
    w[3] = k->o;
}

static void pend_init(pend *p)
{
    ptab_init(&p->claims, sizeof(pend_claim), 4);
    ptab_init(&p->cites, sizeof(pend_cite), 6);
    ptab_init(&p->stats, sizeof(pend_stat), 2);
}

/* ---- fingerprint sets (of the keys in runs) ---- */

static bool fp_has(const fpset *s, uint64_t h)
{
    if (!s->nslots) return false;
    h |= 1;
    size_t mask = s->nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        if (s->slots[i] == h) return true;
        if (s->slots[i] == 0) return false;
    }
}

static bool fp_add(fpset *s, uint64_t h)
{
    h |= 1;
    if ((s->n + 1) * 4 > s->nslots * 3) { /* at most 3/4 full */
        size_t ns = s->nslots ? 2 * s->nslots : 4096;
        uint64_t *sl = calloc(ns, sizeof *sl);
        if (!sl) return false;
        for (size_t j = 0; j < s->nslots; j++) {
            if (!s->slots[j]) continue;
            size_t i = (size_t)s->slots[j] & (ns - 1);
            while (sl[i])
                i = (i + 1) & (ns - 1);
            sl[i] = s->slots[j];
        }
        free(s->slots);
        s->slots = sl;
        s->nslots = ns;
    }
    size_t mask = s->nslots - 1, i = (size_t)h & mask;
    while (s->slots[i] && s->slots[i] != h)
        i = (i + 1) & mask;
    if (!s->slots[i]) s->n++;
    s->slots[i] = h;
    return true;
}

static void fp_free(fpset *s)
{
    free(s->slots);
    memset(s, 0, sizeof *s);
}

/* ---- the pending writes ---- */

void pend_reset(store_txn *t)
{
    pend *p = &t->pend;
    ptab_free(&p->claims);
    ptab_free(&p->cites);
    ptab_free(&p->stats);
    free(p->vals);
    free(p->runs);
    fp_free(&p->claimfp);
    fp_free(&p->citefp);
    free(p->scratch);
    if (p->fd >= 0) close(p->fd);
    memset(p, 0, sizeof *p);
    p->fd = -1;
    pend_init(p);
}

static int nomem(store_txn *t)
{
    return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
}

/* Binary search of the n fixed-size records of len bytes at off, ordered by their first
 * klen bytes, for key; *at gets its index. */
static int run_search(store_txn *t, uint64_t off, size_t n, size_t len, const uint8_t *key,
                      size_t klen, bool *found, size_t *at)
{
    uint8_t rec[CITE_ENT_LEN];
    size_t lo = 0, hi = n;
    *found = false;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int rc = spill_read(t, t->pend.fd, rec, len, off + (uint64_t)mid * len);
        if (rc) return rc;
        int c = memcmp(rec, key, klen);
        if (c == 0) {
            *found = true;
            *at = mid;
            return CLAIMDB_OK;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return CLAIMDB_OK;
}

int pend_claim_find(store_txn *t, const claim_key *k, bool *found)
{
    pend *p = &t->pend;
    uint64_t w[4];
    claim_words(k, w);
    *found = ptab_find(&p->claims, w) != NULL;
    if (*found || !fp_has(&p->claimfp, hash_words(w, 4))) return CLAIMDB_OK;
    uint8_t key[CLAIM_KEY_LEN];
    claim_key_encode(key, IDX_SPO, k);
    for (size_t r = p->nruns; r-- > 0 && !*found;) {
        size_t at;
        int rc = run_search(t, p->runs[r].claims_off[IDX_SPO], p->runs[r].nclaims, CLAIM_KEY_LEN,
                            key, CLAIM_KEY_LEN, found, &at);
        if (rc) return rc;
    }
    return CLAIMDB_OK;
}

int pend_cite_find(store_txn *t, const claim_key *k, uint64_t article, uint64_t slot,
                   pend_cite **pc, const uint8_t **val, size_t *vlen)
{
    pend *p = &t->pend;
    uint64_t w[6];
    claim_words(k, w);
    w[4] = article;
    w[5] = slot;
    *pc = ptab_find(&p->cites, w);
    if (*pc) {
        *val = p->vals + (*pc)->voff;
        *vlen = (*pc)->vlen;
        return CLAIMDB_OK;
    }
    if (!fp_has(&p->citefp, hash_words(w, 6))) return CLAIMDB_NOTFOUND;
    uint8_t key[CITE_KEY_LEN];
    cite_key_encode(key, k, article, slot);
    for (size_t r = p->nruns; r-- > 0;) { /* the newest run has the latest value */
        const prun *run = &p->runs[r];
        bool found;
        size_t at;
        int rc = run_search(t, run->cites_off, run->ncites, CITE_ENT_LEN, key, CITE_KEY_LEN, &found,
                            &at);
        if (rc) return rc;
        if (!found) continue;
        uint8_t ent[CITE_ENT_LEN];
        TRY(rc,
            spill_read(t, p->fd, ent, CITE_ENT_LEN, run->cites_off + (uint64_t)at * CITE_ENT_LEN));
        uint64_t voff = get_u64(ent + CITE_KEY_LEN);
        size_t n = get_u32(ent + CITE_KEY_LEN + 8);
        if (n > p->scratchcap) {
            unsigned char *b = realloc(p->scratch, n);
            if (!b) return nomem(t);
            p->scratch = b;
            p->scratchcap = n;
        }
        TRY(rc, spill_read(t, p->fd, p->scratch, n, run->vals_off + voff));
        *val = p->scratch;
        *vlen = n;
        return CLAIMDB_OK;
    }
    return CLAIMDB_NOTFOUND;
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
    claim_words(k, w);
    if (!ptab_add(&t->pend.claims, w)) return nomem(t);
    t->pend.bytes += 3 * (CLAIM_KEY_LEN + NODE_OVERHEAD);
    t->pend.batch += 3 * (CLAIM_KEY_LEN + NODE_OVERHEAD);
    int rc;
    if ((rc = stat_add(t, k->pol, ROLE_S, k->s)) || (rc = stat_add(t, k->pol, ROLE_P, k->p)) ||
        (rc = stat_add(t, k->pol, ROLE_O, k->o)))
        return rc;
    return CLAIMDB_OK;
}

static int pend_spill(store_txn *t);

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
        claim_words(k, w);
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
    if (p->batch > t->st->run_bytes) return pend_spill(t); /* about twice that in memory */
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
static const int ORD_CITE[6] = {0, 1, 2, 3, 4, 5}, ORD_ARTCITE[6] = {4, 0, 1, 2, 3, 5};

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

static size_t *sorted_keys(const ptab *p, const int *order, int nw)
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

/* Puts in ascending key order through one cursor: plain puts until the keys pass the
 * database's last key, appends from then on. */
typedef struct swriter {
    store_txn *t;
    int db;
    MDB_cursor *mc;
    bool append;
    uint8_t last[STORE_KEYBUF];
    size_t lastlen;
} swriter;

static int sw_open(store_txn *t, int db, swriter *w)
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
    if (rc == 0 && k.mv_size > sizeof w->last) rc = MDB_CORRUPTED;
    if (rc) return store_mdb_err(t->st, rc, store_db_names[db]);
    memcpy(w->last, k.mv_data, k.mv_size);
    w->lastlen = k.mv_size;
    return CLAIMDB_OK;
}

static void sw_close(swriter *w)
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

static int sw_put(swriter *w, const uint8_t *key, size_t kl, const void *val, size_t vl)
{
    MDB_val k = {kl, (void *)key}, v = {vl, (void *)val};
    unsigned flags = sw_past_end(w, key, kl) ? MDB_APPEND : 0;
    int rc = mdb_cursor_put(w->mc, &k, &v, flags);
    return rc ? store_mdb_err(w->t->st, rc, store_db_names[w->db]) : CLAIMDB_OK;
}

static int flush_index(store_txn *t, store_index idx)
{
    ptab *p = &t->pend.claims;
    static const int *const orders[3] = {ORD_SPO, ORD_POS, ORD_OSP};
    if (p->n == 0) return CLAIMDB_OK;
    size_t *ks = sorted_keys(p, orders[idx], 4);
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
    size_t *ks = sorted_keys(p, ORD_CITE, 6);
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
    if (!(ks = sorted_keys(p, ORD_ARTCITE, 6))) return nomem(t);
    rc = sw_open(t, DB_ARTCITE, &w);
    const pend_cite *prev = NULL;
    for (size_t i = 0; i < p->n && !rc; i++) {
        const pend_cite *c = ptab_item(p, ks[i]);
        if (!c->isnew) continue;
        /* Several new citations of one (claim, article) need one entry: appending a key
         * twice would fail. */
        if (prev && memcmp(prev->k, c->k, 5 * sizeof c->k[0]) == 0) continue;
        prev = c;
        uint8_t key[ARTCITE_KEY_LEN];
        claim_key k = {(uint8_t)c->k[0], c->k[1], c->k[2], c->k[3]};
        put_u64(key, c->k[4]);
        claim_key_encode(key + 8, IDX_SPO, &k);
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
        put_u64(key + 2, s->k[1]);
        uint64_t n = s->n;
        if (!sw_past_end(&w, key, sizeof key)) {
            MDB_val k = {sizeof key, key}, v;
            int mrc = mdb_cursor_get(w.mc, &k, &v, MDB_SET_KEY);
            if (mrc == 0) {
                if (v.mv_size != 8) {
                    rc = store_seterr(t->st, CLAIMDB_CORRUPT, "tstat: damaged counter");
                    break;
                }
                put_u64(val, n + get_u64(v.mv_data));
                MDB_val nv = {8, val};
                mrc = mdb_cursor_put(w.mc, &k, &nv, MDB_CURRENT);
                if (mrc) rc = store_mdb_err(t->st, mrc, "tstat");
                continue;
            }
            if (mrc != MDB_NOTFOUND) {
                rc = store_mdb_err(t->st, mrc, "tstat");
                break;
            }
        }
        put_u64(val, n);
        rc = sw_put(&w, key, sizeof key, val, 8);
    }
    sw_close(&w);
    return rc;
}

/* ---- runs ---- */

/* Sequential writes to the runs' file through a buffer. */
typedef struct wbuf {
    store_txn *t;
    uint64_t off; /* where buf goes */
    unsigned char *buf;
    size_t n;
} wbuf;

static int wb_flush(wbuf *w)
{
    int rc = spill_write(w->t, w->t->pend.fd, w->buf, w->n, w->off);
    w->off += w->n;
    w->n = 0;
    return rc;
}

static int wb_put(wbuf *w, const void *data, size_t len)
{
    const unsigned char *d = data;
    int rc;
    while (len) {
        if (w->n == RUN_BUF) TRY(rc, wb_flush(w));
        size_t k = RUN_BUF - w->n < len ? RUN_BUF - w->n : len;
        memcpy(w->buf + w->n, d, k);
        w->n += k;
        d += k;
        len -= k;
    }
    return CLAIMDB_OK;
}

static int spill_claims(store_txn *t, wbuf *w, prun *r)
{
    static const int *const orders[3] = {ORD_SPO, ORD_POS, ORD_OSP};
    ptab *p = &t->pend.claims;
    r->nclaims = p->n;
    for (int idx = IDX_SPO; idx <= IDX_OSP; idx++) {
        size_t *ks = sorted_keys(p, orders[idx], 4);
        if (!ks) return nomem(t);
        r->claims_off[idx] = w->off + w->n;
        int rc = CLAIMDB_OK;
        for (size_t i = 0; i < p->n && !rc; i++) {
            const pend_claim *c = ptab_item(p, ks[i]);
            claim_key k = {(uint8_t)c->k[0], c->k[1], c->k[2], c->k[3]};
            uint8_t key[CLAIM_KEY_LEN];
            claim_key_encode(key, (store_index)idx, &k);
            rc = wb_put(w, key, sizeof key);
            if (!rc && idx == IDX_SPO && !fp_add(&t->pend.claimfp, hash_words(c->k, 4)))
                rc = nomem(t);
        }
        free(ks);
        if (rc) return rc;
    }
    return CLAIMDB_OK;
}

static int spill_cites(store_txn *t, wbuf *w, prun *r)
{
    pend *pd = &t->pend;
    ptab *p = &pd->cites;
    size_t *ks = sorted_keys(p, ORD_CITE, 6);
    if (!ks) return nomem(t);
    r->ncites = p->n;
    r->cites_off = w->off + w->n;
    int rc = CLAIMDB_OK;
    uint64_t voff = 0;
    for (size_t i = 0; i < p->n && !rc; i++) {
        const pend_cite *c = ptab_item(p, ks[i]);
        claim_key k = {(uint8_t)c->k[0], c->k[1], c->k[2], c->k[3]};
        uint8_t ent[CITE_ENT_LEN];
        cite_key_encode(ent, &k, c->k[4], c->k[5]);
        put_u64(ent + CITE_KEY_LEN, voff);
        put_u32(ent + CITE_KEY_LEN + 8, c->vlen);
        voff += c->vlen;
        rc = wb_put(w, ent, sizeof ent);
        if (!rc && !fp_add(&pd->citefp, hash_words(c->k, 6))) rc = nomem(t);
    }
    r->vals_off = w->off + w->n;
    for (size_t i = 0; i < p->n && !rc; i++) {
        const pend_cite *c = ptab_item(p, ks[i]);
        rc = wb_put(w, pd->vals + c->voff, c->vlen);
    }
    free(ks);
    if (rc) return rc;
    if (!(ks = sorted_keys(p, ORD_ARTCITE, 6))) return nomem(t);
    r->arts_off = w->off + w->n;
    const pend_cite *prev = NULL;
    for (size_t i = 0; i < p->n && !rc; i++) {
        const pend_cite *c = ptab_item(p, ks[i]);
        if (!c->isnew) continue;
        if (prev && memcmp(prev->k, c->k, 5 * sizeof c->k[0]) == 0) continue;
        prev = c;
        uint8_t key[ARTCITE_KEY_LEN];
        claim_key k = {(uint8_t)c->k[0], c->k[1], c->k[2], c->k[3]};
        put_u64(key, c->k[4]);
        claim_key_encode(key + 8, IDX_SPO, &k);
        rc = wb_put(w, key, sizeof key);
        r->narts++;
    }
    free(ks);
    return rc;
}

/* Move the claims and citations in memory to a new run. Without a temporary file they are
 * written into LMDB instead. */
static int pend_spill(store_txn *t)
{
    pend *p = &t->pend;
    if (p->fd < 0 && (p->fd = spill_open(t)) < 0) return pend_flush(t);
    if (p->nruns == p->capruns) {
        size_t cap = p->capruns ? 2 * p->capruns : 16;
        prun *runs = realloc(p->runs, cap * sizeof *runs);
        if (!runs) return nomem(t);
        p->runs = runs;
        p->capruns = cap;
    }
    wbuf w = {t, p->fileend, malloc(RUN_BUF), 0};
    if (!w.buf) return nomem(t);
    prun r = {0};
    int rc = spill_claims(t, &w, &r);
    if (!rc) rc = spill_cites(t, &w, &r);
    if (!rc) rc = wb_flush(&w);
    free(w.buf);
    /* The fingerprints of a half-written run are in the sets: the transaction cannot go on. */
    if (rc) return txn_die(t, rc);
    p->fileend = w.off;
    p->runs[p->nruns++] = r;
    ptab_free(&p->claims);
    ptab_free(&p->cites);
    free(p->vals);
    p->vals = NULL;
    p->vlen = p->vcap = 0;
    p->batch = 0;
    return CLAIMDB_OK;
}

/* One run's records of one database, read in order through a buffer. */
typedef struct rstream {
    uint64_t off, end; /* the part of the file not yet read */
    size_t len;        /* record size (0: values of varying size) */
    unsigned char *buf;
    size_t pos, n, cap;
    const uint8_t *cur; /* the current record */
} rstream;

/* Make the next len bytes of s readable at s->buf + s->pos. */
static int rs_fill(store_txn *t, rstream *s, size_t len)
{
    if (s->n - s->pos >= len) return CLAIMDB_OK;
    memmove(s->buf, s->buf + s->pos, s->n - s->pos);
    s->n -= s->pos;
    s->pos = 0;
    if (len > s->cap) {
        unsigned char *b = realloc(s->buf, len);
        if (!b) return nomem(t);
        s->buf = b;
        s->cap = len;
    }
    size_t want = s->cap - s->n;
    if (want > s->end - s->off) want = (size_t)(s->end - s->off);
    if (s->n + want < len)
        return store_seterr(t->st, CLAIMDB_IOERR, "a temporary file is shorter than written");
    int rc = spill_read(t, t->pend.fd, s->buf + s->n, want, s->off);
    if (rc) return rc;
    s->off += want;
    s->n += want;
    return CLAIMDB_OK;
}

static int rs_open(store_txn *t, rstream *s, uint64_t off, size_t nrec, size_t len, uint64_t end)
{
    memset(s, 0, sizeof *s);
    s->off = off;
    s->end = len ? off + (uint64_t)nrec * len : end;
    s->len = len;
    s->cap = RUN_BUF;
    if (!(s->buf = malloc(s->cap))) return nomem(t);
    return CLAIMDB_OK;
}

/* The next record of a fixed-size stream: s->cur, or NULL at the end. */
static int rs_next(store_txn *t, rstream *s)
{
    s->cur = NULL;
    if (s->n - s->pos < s->len && s->off == s->end) return CLAIMDB_OK;
    int rc = rs_fill(t, s, s->len);
    if (rc) return rc;
    s->cur = s->buf + s->pos;
    s->pos += s->len;
    return CLAIMDB_OK;
}

/* The next len bytes of a value stream (valid until the next call). */
static int rs_take(store_txn *t, rstream *s, size_t len, const uint8_t **out)
{
    int rc = rs_fill(t, s, len);
    if (rc) return rc;
    *out = s->buf + s->pos;
    s->pos += len;
    return CLAIMDB_OK;
}

/* A merge of one database's runs: a binary heap of the streams by their current key (klen
 * bytes), a newer run before an older one on equal keys. */
typedef struct merge {
    rstream *s;
    size_t *heap, nheap, klen;
} merge;

static bool mg_before(const merge *m, size_t a, size_t b)
{
    int c = memcmp(m->s[a].cur, m->s[b].cur, m->klen);
    return c < 0 || (c == 0 && a > b);
}

static void mg_down(merge *m, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, best = i;
        if (l < m->nheap && mg_before(m, m->heap[l], m->heap[best])) best = l;
        if (r < m->nheap && mg_before(m, m->heap[r], m->heap[best])) best = r;
        if (best == i) return;
        size_t x = m->heap[i];
        m->heap[i] = m->heap[best];
        m->heap[best] = x;
        i = best;
    }
}

/* Write one database from the runs' streams (fixed-size records whose first klen bytes are
 * the key): each key once, the newest run's. With vals, the records are citation entries
 * and their values come from vals[run]. */
static int merge_into(store_txn *t, int db, rstream *s, rstream *vals, size_t klen)
{
    pend *p = &t->pend;
    size_t nr = p->nruns;
    merge m = {s, malloc(nr * sizeof(size_t)), 0, klen};
    if (!m.heap) return nomem(t);
    int rc = CLAIMDB_OK;
    for (size_t r = 0; r < nr && !rc; r++) {
        rc = rs_next(t, &s[r]);
        if (!rc && s[r].cur) m.heap[m.nheap++] = r;
    }
    for (size_t i = m.nheap / 2; i-- > 0;)
        mg_down(&m, i);
    swriter w = {.mc = NULL};
    if (!rc) rc = sw_open(t, db, &w);
    uint8_t last[CITE_ENT_LEN];
    bool have_last = false;
    while (!rc && m.nheap) {
        size_t r = m.heap[0];
        const uint8_t *rec = s[r].cur;
        bool dup = have_last && memcmp(rec, last, klen) == 0;
        const uint8_t *val = (const uint8_t *)"";
        size_t vl = 0;
        if (vals) {
            vl = get_u32(rec + CITE_KEY_LEN + 8);
            rc = rs_take(t, &vals[r], vl, &val); /* consumed also when skipped */
        }
        if (!rc && !dup) {
            memcpy(last, rec, klen);
            have_last = true;
            rc = sw_put(&w, rec, klen, val, vl);
        }
        if (!rc) rc = rs_next(t, &s[r]);
        if (rc) break;
        if (!s[r].cur) m.heap[0] = m.heap[--m.nheap];
        mg_down(&m, 0);
    }
    sw_close(&w);
    free(m.heap);
    return rc;
}

static void rs_free_all(rstream *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i].buf);
    free(s);
}

/* Write every run into LMDB, each database in key order. */
static int flush_runs(store_txn *t)
{
    pend *p = &t->pend;
    size_t nr = p->nruns;
    rstream *s = calloc(nr, sizeof *s), *v = calloc(nr, sizeof *v);
    int rc = s && v ? CLAIMDB_OK : nomem(t);
    for (int idx = IDX_SPO; idx <= IDX_OSP && !rc; idx++) {
        for (size_t r = 0; r < nr && !rc; r++) {
            free(s[r].buf);
            rc =
                rs_open(t, &s[r], p->runs[r].claims_off[idx], p->runs[r].nclaims, CLAIM_KEY_LEN, 0);
        }
        if (!rc) rc = merge_into(t, DB_SPO + idx, s, NULL, CLAIM_KEY_LEN);
    }
    for (size_t r = 0; r < nr && !rc; r++) {
        free(s[r].buf);
        const prun *run = &p->runs[r];
        rc = rs_open(t, &s[r], run->cites_off, run->ncites, CITE_ENT_LEN, 0);
        if (!rc) rc = rs_open(t, &v[r], run->vals_off, 0, 0, run->arts_off);
    }
    if (!rc) rc = merge_into(t, DB_CITE, s, v, CITE_KEY_LEN);
    for (size_t r = 0; r < nr && !rc; r++) {
        free(s[r].buf);
        rc = rs_open(t, &s[r], p->runs[r].arts_off, p->runs[r].narts, ARTCITE_KEY_LEN, 0);
    }
    if (!rc) rc = merge_into(t, DB_ARTCITE, s, NULL, ARTCITE_KEY_LEN);
    rs_free_all(s, nr);
    rs_free_all(v, nr);
    return rc;
}

int pend_flush(store_txn *t)
{
    if (!pend_any(t)) return CLAIMDB_OK;
    int rc = CLAIMDB_OK;
    pend *p = &t->pend;
    if (p->nruns && (p->claims.n || p->cites.n)) {
        rc = pend_spill(t); /* the rest joins the merge as the newest run */
        if (rc) return rc;
    }
    /* Nothing is looked up in the runs any more: give their fingerprints' memory to the merge
     * (LMDB's dirty pages). */
    fp_free(&p->claimfp);
    fp_free(&p->citefp);
    if (p->nruns) {
        rc = flush_runs(t);
    } else {
        for (int idx = IDX_SPO; idx <= IDX_OSP && !rc; idx++)
            rc = flush_index(t, (store_index)idx);
        if (!rc) rc = flush_cites(t);
    }
    if (!rc) rc = flush_stats(t);
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

/* ---- the term cache ---- */

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * UINT64_C(0x100000001b3);
        h ^= h >> 29;
    }
    uint64_t w = 0;
    if (n > i) memcpy(&w, s + i, n - i);
    h = (h ^ w) * UINT64_C(0x100000001b3);
    return mix64(h);
}

/* ---- articles without text ---- */

#define AC_MAX_ENTRIES ((size_t)1 << 20) /* beyond this, start again: the cache stays small */

static size_t ac_hash(uint64_t id, size_t mask)
{
    return (size_t)((id * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & mask;
}

bool acache_plain(const store_txn *t, uint64_t article)
{
    const article_cache *c = &t->ac;
    if (!c->nslots) return false;
    size_t mask = c->nslots - 1;
    for (size_t i = ac_hash(article, mask);; i = (i + 1) & mask) {
        if (c->slots[i] == 0) return false;
        if (c->slots[i] == article + 1) return true;
    }
}

void acache_add(store_txn *t, uint64_t article)
{
    article_cache *c = &t->ac;
    if (article == UINT64_MAX || acache_plain(t, article)) return;
    if (c->n >= AC_MAX_ENTRIES) acache_clear(t);
    if (2 * (c->n + 1) > c->nslots) {
        size_t ns = c->nslots ? 2 * c->nslots : 256;
        uint64_t *sl = calloc(ns, sizeof *sl);
        if (!sl) return; /* only a cache */
        for (size_t j = 0; j < c->nslots; j++) {
            if (!c->slots[j]) continue;
            size_t i = ac_hash(c->slots[j] - 1, ns - 1);
            while (sl[i])
                i = (i + 1) & (ns - 1);
            sl[i] = c->slots[j];
        }
        free(c->slots);
        c->slots = sl;
        c->nslots = ns;
    }
    size_t mask = c->nslots - 1, i = ac_hash(article, mask);
    while (c->slots[i])
        i = (i + 1) & mask;
    c->slots[i] = article + 1;
    c->n++;
}

void acache_clear(store_txn *t)
{
    free(t->ac.slots);
    memset(&t->ac, 0, sizeof t->ac);
}

void tcache_clear(store_txn *t)
{
    term_cache *c = &t->tc;
    free(c->ents);
    free(c->slots);
    free(c->text);
    memset(c, 0, sizeof *c);
}

static uint32_t *tc_slot(term_cache *c, uint64_t h, const char *text, size_t len)
{
    size_t mask = c->nslots - 1, i = (size_t)h & mask;
    for (;;) {
        uint32_t s = c->slots[i];
        if (s == 0) return &c->slots[i];
        const struct tc_ent *e = &c->ents[s - 1];
        if (e->h == h && e->len == len && (len == 0 || memcmp(c->text + e->off, text, len) == 0))
            return &c->slots[i];
        i = (i + 1) & mask;
    }
}

bool tcache_find(store_txn *t, const char *text, size_t len, term_id *id)
{
    term_cache *c = &t->tc;
    if (c->n == 0 || !text) return false;
    uint32_t s = *tc_slot(c, hash_bytes(text, len), text, len);
    if (!s) return false;
    *id = c->ents[s - 1].id;
    return true;
}

void tcache_add(store_txn *t, const char *text, size_t len, term_id id)
{
    term_cache *c = &t->tc;
    if (!text) return;
    if (c->n >= TC_MAX_ENTRIES) tcache_clear(t);
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        struct tc_ent *ents = realloc(c->ents, cap * sizeof *ents);
        if (!ents) return;
        c->ents = ents;
        c->cap = cap;
    }
    if (c->tlen + len + 1 > c->tcap) {
        size_t cap = c->tcap ? c->tcap : 4096;
        while (cap < c->tlen + len + 1)
            cap *= 2;
        char *text2 = realloc(c->text, cap);
        if (!text2) return;
        c->text = text2;
        c->tcap = cap;
    }
    if ((c->n + 1) * 2 > c->nslots) {
        size_t ns = c->nslots ? c->nslots * 2 : 1024;
        uint32_t *slots = calloc(ns, sizeof *slots);
        if (!slots) return;
        free(c->slots);
        c->slots = slots;
        c->nslots = ns;
        for (size_t i = 0; i < c->n; i++) {
            const struct tc_ent *e = &c->ents[i];
            *tc_slot(c, e->h, c->text + e->off, e->len) = (uint32_t)(i + 1);
        }
    }
    uint64_t h = hash_bytes(text, len);
    uint32_t *slot = tc_slot(c, h, text, len);
    if (*slot) { /* already there */
        c->ents[*slot - 1].id = id;
        return;
    }
    if (len) memcpy(c->text + c->tlen, text, len);
    c->ents[c->n] = (struct tc_ent){h, id, c->tlen, len};
    c->tlen += len;
    c->n++;
    *slot = (uint32_t)c->n;
}
