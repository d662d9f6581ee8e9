/* store_run.c — runs: a load's pending claims and citations moved out of memory.
 *
 * When the claims and citations in memory would take more than store_run_bytes in the file,
 * store_pend.c hands them to run_spill, which writes each database's share, sorted in its key
 * order, to a temporary file (see prun), and memory starts again. Fingerprint sets of the keys
 * in runs send the load's look-ups to the file only for keys that are there (a binary search
 * by pread). The flush merges the runs, each database once, in key order, the newest run's
 * record winning on equal keys: the indexes are written by appends only, with no more memory
 * than a buffer per run. (Flushing each batch into LMDB instead would insert every batch after
 * the first between keys already written: random page writes and half-full pages.)
 */
#include "store_internal.h"
#include "try.h"

#include "claimdb.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RUN_BUF ((size_t)64 << 10)       /* buffer per run stream while merging */
#define CITE_ENT_LEN (CITE_KEY_LEN + 12) /* a run's citation entry: key, value offset, length */

static int nomem(store_txn *t)
{
    return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
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

void runs_forget_fingerprints(pend *p)
{
    fp_free(&p->claimfp);
    fp_free(&p->citefp);
}

void runs_reset(pend *p)
{
    free(p->runs);
    runs_forget_fingerprints(p);
    free(p->scratch);
    if (p->fd >= 0) close(p->fd);
    p->runs = NULL;
    p->scratch = NULL;
    p->fd = -1;
}

/* ---- look-ups ---- */

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

int run_claim_find(store_txn *t, const claim_key *k, const uint64_t w[4], bool *found)
{
    pend *p = &t->pend;
    *found = false;
    if (!fp_has(&p->claimfp, store_hash_words(w, 4))) return CLAIMDB_OK;
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

int run_cite_find(store_txn *t, const claim_key *k, const uint64_t w[6], const uint8_t **val,
                  size_t *vlen)
{
    pend *p = &t->pend;
    uint64_t article = w[4], slot = w[5];
    if (!fp_has(&p->citefp, store_hash_words(w, 6))) return CLAIMDB_NOTFOUND;
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

/* ---- writing and merging ---- */

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
    ptab *p = &t->pend.claims;
    r->nclaims = p->n;
    for (int idx = IDX_SPO; idx <= IDX_OSP; idx++) {
        size_t *ks = pend_sorted(p, pend_claim_orders[idx], 4);
        if (!ks) return nomem(t);
        r->claims_off[idx] = w->off + w->n;
        int rc = CLAIMDB_OK;
        for (size_t i = 0; i < p->n && !rc; i++) {
            const pend_claim *c = ptab_item(p, ks[i]);
            claim_key k = {(uint8_t)c->k[0], c->k[1], c->k[2], c->k[3]};
            uint8_t key[CLAIM_KEY_LEN];
            claim_key_encode(key, (store_index)idx, &k);
            rc = wb_put(w, key, sizeof key);
            if (!rc && idx == IDX_SPO && !fp_add(&t->pend.claimfp, store_hash_words(c->k, 4)))
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
    size_t *ks = pend_sorted(p, pend_ord_cite, 6);
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
        if (!rc && !fp_add(&pd->citefp, store_hash_words(c->k, 6))) rc = nomem(t);
    }
    r->vals_off = w->off + w->n;
    for (size_t i = 0; i < p->n && !rc; i++) {
        const pend_cite *c = ptab_item(p, ks[i]);
        rc = wb_put(w, pd->vals + c->voff, c->vlen);
    }
    free(ks);
    if (rc) return rc;
    if (!(ks = pend_sorted(p, pend_ord_artcite, 6))) return nomem(t);
    r->arts_off = w->off + w->n;
    const pend_cite *prev = NULL;
    for (size_t i = 0; i < p->n && !rc; i++) {
        uint8_t key[ARTCITE_KEY_LEN];
        if (!pend_artcite_key(ptab_item(p, ks[i]), &prev, key)) continue;
        rc = wb_put(w, key, sizeof key);
        r->narts++;
    }
    free(ks);
    return rc;
}

/* Move the claims and citations in memory to a new run. Without a temporary file they are
 * written into LMDB instead. */
int run_spill(store_txn *t)
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
int runs_flush(store_txn *t)
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
