/* store_review.c — fact-check reviews: their records, the URL that identifies them, and their
 * links to triples.
 *
 * Record: [version 1][verdict][flags][field mask u16 BE]
 *         [appearance u64 BE, flag 1][value, flag 2][best, flag 4][worst, flag 8]
 *         (the numbers as IEEE 754 bits, u64 BE), then for each present text field in the
 *         order of fields() below: [u32 BE length][bytes].
 * A link is written twice, "claimrev" [pol][s][p][o][review] and "revclaim"
 * [review][pol][s][p][o], so that both a claim's reviews and a review's triples are one
 * prefix range. Links name a triple, not a claim: they are not touched when a claim goes, and
 * an alias merge rewrites them as it rewrites claims.
 */
#include "store_internal.h"
#include "try.h"

#include "claimdb.h"

#include <stdlib.h>
#include <string.h>

#define REVIEW_VERSION 1
#define NFIELDS 11
enum { HAS_APPEARANCE = 1, HAS_VALUE = 2, HAS_BEST = 4, HAS_WORST = 8 };

static void fields(const store_review *r, const store_text *f[NFIELDS])
{
    const store_text *all[NFIELDS] = {
        &r->text,   &r->url,  &r->claimant, &r->appearance_url, &r->claim_date, &r->reviewer,
        &r->author, &r->date, &r->rating,   &r->language,       &r->title};
    memcpy(f, all, sizeof all);
}

static void put_double(uint8_t *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    put_u64(p, u);
}

static double get_double(const uint8_t *p)
{
    uint64_t u = get_u64(p);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

size_t review_value_size(const store_review *r)
{
    size_t n = 5 + 8 * ((size_t)r->has_appearance + r->has_value + r->has_best + r->has_worst);
    const store_text *f[NFIELDS];
    fields(r, f);
    for (int i = 0; i < NFIELDS; i++)
        if (f[i]->ptr) n += 4 + f[i]->len;
    return n;
}

void review_value_encode(uint8_t *out, const store_review *r)
{
    uint8_t flags = 0;
    uint8_t *p = out + 5;
    if (r->has_appearance) {
        flags |= HAS_APPEARANCE;
        put_u64(p, r->appearance);
        p += 8;
    }
    const bool has[3] = {r->has_value, r->has_best, r->has_worst};
    const double num[3] = {r->value, r->best, r->worst};
    for (int i = 0; i < 3; i++) {
        if (!has[i]) continue;
        flags |= (uint8_t)(HAS_VALUE << i);
        put_double(p, num[i]);
        p += 8;
    }
    const store_text *f[NFIELDS];
    fields(r, f);
    unsigned mask = 0;
    for (int i = 0; i < NFIELDS; i++) {
        if (!f[i]->ptr) continue;
        mask |= 1u << i;
        put_u32(p, (uint32_t)f[i]->len);
        if (f[i]->len) memcpy(p + 4, f[i]->ptr, f[i]->len);
        p += 4 + f[i]->len;
    }
    out[0] = REVIEW_VERSION;
    out[1] = r->verdict;
    out[2] = flags;
    out[3] = (uint8_t)(mask >> 8);
    out[4] = (uint8_t)mask;
}

int review_value_decode(const uint8_t *p, size_t n, store_review *r)
{
    uint64_t id = r->id;
    memset(r, 0, sizeof *r);
    r->id = id;
    if (n < 5 || p[0] != REVIEW_VERSION || p[1] >= VERDICT_COUNT) return CLAIMDB_CORRUPT;
    r->verdict = p[1];
    uint8_t flags = p[2];
    unsigned mask = (unsigned)p[3] << 8 | p[4];
    size_t off = 5;
    if (flags & HAS_APPEARANCE) {
        if (n - off < 8) return CLAIMDB_CORRUPT;
        r->has_appearance = true;
        r->appearance = get_u64(p + off);
        off += 8;
    }
    bool *has[3] = {&r->has_value, &r->has_best, &r->has_worst};
    double *num[3] = {&r->value, &r->best, &r->worst};
    for (int i = 0; i < 3; i++) {
        if (!(flags & (HAS_VALUE << i))) continue;
        if (n - off < 8) return CLAIMDB_CORRUPT;
        *has[i] = true;
        *num[i] = get_double(p + off);
        off += 8;
    }
    store_text *f[NFIELDS] = {&r->text,       &r->url,      &r->claimant, &r->appearance_url,
                              &r->claim_date, &r->reviewer, &r->author,   &r->date,
                              &r->rating,     &r->language, &r->title};
    for (int i = 0; i < NFIELDS; i++) {
        if (!(mask & (1u << i))) continue;
        if (n - off < 4) return CLAIMDB_CORRUPT;
        size_t len = get_u32(p + off);
        off += 4;
        if (n - off < len) return CLAIMDB_CORRUPT;
        f[i]->ptr = (const char *)p + off;
        f[i]->len = len;
        off += len;
    }
    if (!r->text.ptr || !r->url.ptr) return CLAIMDB_CORRUPT;
    return off == n ? CLAIMDB_OK : CLAIMDB_CORRUPT;
}

static void link_keys(uint8_t cr[CLAIMREV_KEY_LEN], uint8_t rc[REVCLAIM_KEY_LEN],
                      const claim_key *k, uint64_t id)
{
    uint8_t ck[CLAIM_KEY_LEN];
    claim_key_encode(ck, IDX_SPO, k);
    memcpy(cr, ck, CLAIM_KEY_LEN);
    put_u64(cr + CLAIM_KEY_LEN, id);
    put_u64(rc, id);
    memcpy(rc + 8, ck, CLAIM_KEY_LEN);
}

/* Add the link of review id to triple k; *added when it is new. */
static int link_add(store_txn *t, uint64_t id, const claim_key *k, bool *added)
{
    uint8_t cr[CLAIMREV_KEY_LEN], rv[REVCLAIM_KEY_LEN];
    link_keys(cr, rv, k, id);
    MDB_val v;
    int rc = sdb_get(t, DB_CLAIMREV, cr, sizeof cr, &v);
    *added = rc == CLAIMDB_NOTFOUND;
    if (rc != CLAIMDB_NOTFOUND) return rc;
    TRY(rc, sdb_put(t, DB_CLAIMREV, cr, sizeof cr, "", 0, 0));
    return sdb_put(t, DB_REVCLAIM, rv, sizeof rv, "", 0, 0);
}

static int link_del(store_txn *t, uint64_t id, const claim_key *k)
{
    uint8_t cr[CLAIMREV_KEY_LEN], rv[REVCLAIM_KEY_LEN];
    link_keys(cr, rv, k, id);
    int rc = sdb_del(t, DB_CLAIMREV, cr, sizeof cr);
    if (rc && rc != CLAIMDB_NOTFOUND) return rc;
    rc = sdb_del(t, DB_REVCLAIM, rv, sizeof rv);
    return rc == CLAIMDB_NOTFOUND ? CLAIMDB_OK : rc;
}

/* Are the stored record and the new one the same bytes? */
static bool same_record(const MDB_val *old, const store_review *r, uint8_t *scratch)
{
    size_t n = review_value_size(r);
    if (old->mv_size != n) return false;
    review_value_encode(scratch, r);
    return memcmp(old->mv_data, scratch, n) == 0;
}

int review_put_apply(store_txn *t, const store_review *r, const claim_key *k, int *out)
{
    *out = 0;
    MDB_val v;
    uint64_t id;
    int rc = sdb_get(t, DB_REVURL, r->url.ptr, r->url.len, &v);
    bool isnew = rc == CLAIMDB_NOTFOUND;
    if (rc && !isnew) return rc;
    if (isnew) {
        uint64_t next;
        TRY(rc, meta_u64(t, "next_review", &next));
        id = next ? next : 1; /* a new file's counter starts at 0: ids start at 1 */
        if ((rc = meta_set(t, "next_review", id + 1)) || (rc = meta_add(t, "reviews", 1)))
            return rc;
        uint8_t idb[8];
        put_u64(idb, id);
        TRY(rc, sdb_put(t, DB_REVURL, r->url.ptr, r->url.len, idb, 8, 0));
        *out |= STORE_REVIEW_ADDED;
    } else {
        if (v.mv_size != 8) return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged review URL index");
        id = get_u64(v.mv_data);
    }
    uint8_t key[8];
    put_u64(key, id);
    bool changed = true, had = false;
    if (!isnew) {
        rc = sdb_get(t, DB_REVIEW, key, 8, &v);
        if (rc && rc != CLAIMDB_NOTFOUND) return rc;
        if (rc == CLAIMDB_OK) {
            had = true;
            uint8_t *scratch = malloc(review_value_size(r));
            if (!scratch) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
            changed = !same_record(&v, r, scratch);
            free(scratch);
        }
    }
    if (changed && had) {
        /* The old words leave the text index before the record they are read from changes. */
        store_review old;
        old.id = id;
        if (review_value_decode(v.mv_data, v.mv_size, &old))
            return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged record of review %llu",
                                (unsigned long long)id);
        TRY(rc, text_index_review(t, &old, -1));
    }
    if (changed) {
        store_review nr = *r;
        nr.id = id;
        TRY(rc, text_index_review(t, &nr, 1));
        void *dst;
        TRY(rc, sdb_reserve(t, DB_REVIEW, key, 8, review_value_size(r), &dst));
        review_value_encode(dst, r);
        if (!isnew) *out |= STORE_REVIEW_UPDATED;
    }
    if (k) {
        bool added;
        TRY(rc, link_add(t, id, k, &added));
        if (added) *out |= STORE_REVIEW_ATTACHED;
    }
    return CLAIMDB_OK;
}

/* The triples review id is linked to, copied (the caller frees *out). */
static int review_links(store_txn *t, uint64_t id, claim_key **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    store_cursor *c;
    int rc = store_review_claims_open(t, id, &c);
    if (rc) return rc;
    claim_key *arr = NULL, k;
    size_t n = 0, cap = 0;
    int r;
    while ((r = store_cursor_next_review_claim(c, &k)) == CLAIMDB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            claim_key *na = realloc(arr, cap * sizeof *na);
            if (!na) {
                r = store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
                break;
            }
            arr = na;
        }
        arr[n++] = k;
    }
    store_cursor_close(c);
    if (store_step_err(r)) {
        free(arr);
        return r;
    }
    *out = arr;
    *count = n;
    return CLAIMDB_OK;
}

int review_delete_apply(store_txn *t, const char *url, size_t len)
{
    MDB_val v;
    int rc = sdb_get(t, DB_REVURL, url, len, &v);
    if (rc == CLAIMDB_NOTFOUND) return store_seterr(t->st, rc, "no such review");
    if (rc) return rc;
    if (v.mv_size != 8) return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged review URL index");
    uint64_t id = get_u64(v.mv_data);
    claim_key *links;
    size_t n;
    TRY(rc, review_links(t, id, &links, &n));
    for (size_t i = 0; i < n && !rc; i++)
        rc = link_del(t, id, &links[i]);
    free(links);
    uint8_t key[8];
    put_u64(key, id);
    if (!rc) {
        MDB_val rv;
        rc = sdb_get(t, DB_REVIEW, key, 8, &rv);
        if (rc == CLAIMDB_OK) {
            store_review old;
            old.id = id;
            if (review_value_decode(rv.mv_data, rv.mv_size, &old))
                return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged record of review %llu",
                                    (unsigned long long)id);
            rc = text_index_review(t, &old, -1);
        } else if (rc == CLAIMDB_NOTFOUND) {
            rc = CLAIMDB_OK;
        }
    }
    if (rc || (rc = sdb_del(t, DB_REVURL, url, len))) return rc;
    rc = sdb_del(t, DB_REVIEW, key, 8);
    if (rc && rc != CLAIMDB_NOTFOUND) return rc;
    return meta_add(t, "reviews", -1);
}

static term_id swap(term_id x, term_id from, term_id to)
{
    return x == from ? to : x;
}

int reviews_rewrite_term(store_txn *t, term_id from, term_id to)
{
    /* Aliases are rare and a merge touches every link that names the alias's term in any
     * position: one pass over the links, collected first (the writes would move the cursor). */
    store_cursor *c;
    int rc = cur_open(t, DB_CLAIMREV, NULL, 0, &c);
    if (rc) return rc;
    struct link {
        claim_key k;
        uint64_t id;
    } *arr = NULL;
    size_t n = 0, cap = 0;
    MDB_val key, v;
    int r;
    while ((r = cur_step(c, &key, &v)) == CLAIMDB_ROW) {
        if (key.mv_size != CLAIMREV_KEY_LEN) {
            r = store_seterr(t->st, CLAIMDB_CORRUPT, "damaged claimrev key");
            break;
        }
        const uint8_t *p = key.mv_data;
        claim_key k = claim_key_get(p);
        if (k.s != from && k.p != from && k.o != from) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            struct link *na = realloc(arr, cap * sizeof *na);
            if (!na) {
                r = store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
                break;
            }
            arr = na;
        }
        arr[n].k = k;
        arr[n].id = get_u64(p + CLAIM_KEY_LEN);
        n++;
    }
    store_cursor_close(c);
    if (store_step_err(r)) rc = r;
    for (size_t i = 0; i < n && !rc; i++) {
        claim_key nk = {arr[i].k.pol, swap(arr[i].k.s, from, to), swap(arr[i].k.p, from, to),
                        swap(arr[i].k.o, from, to)};
        bool added;
        if (!(rc = link_del(t, arr[i].id, &arr[i].k))) rc = link_add(t, arr[i].id, &nk, &added);
    }
    free(arr);
    return rc;
}

/* ---- public interface: check, log, run ---- */

int store_review_put(store_txn *t, const store_review *r, const claim_key *k, int *added)
{
    if (added) *added = 0;
    int rc = txn_check_write(t);
    if (rc) return rc;
    if (!r || !r->url.ptr || !r->url.len || !r->text.ptr || !r->text.len)
        return store_seterr(t->st, CLAIMDB_MISUSE, "a review needs its text and its URL");
    if (r->url.len > STORE_MAX_KEY)
        return store_seterr(t->st, CLAIMDB_TOOBIG, "review URL longer than %d bytes",
                            STORE_MAX_KEY);
    if (r->verdict >= VERDICT_COUNT) return store_seterr(t->st, CLAIMDB_MISUSE, "bad verdict");
    const store_text *f[NFIELDS];
    fields(r, f);
    for (int i = 0; i < NFIELDS; i++)
        if (f[i]->len > UINT32_MAX)
            return store_seterr(t->st, CLAIMDB_TOOBIG, "review field larger than 4 GiB");
    size_t start;
    TRY(rc, oplog_review_put(t, r, k, &start));
    int out = 0;
    rc = oplog_exec(t, start, &out);
    if (!rc && added) *added = out;
    return rc;
}

int store_review_delete(store_txn *t, const char *url, size_t len)
{
    int rc = txn_check_write(t);
    if (rc) return rc;
    if (!url || !len || len > STORE_MAX_KEY)
        return store_seterr(t->st, CLAIMDB_NOTFOUND, "no such review");
    /* Look first: a delete of nothing is not logged. */
    MDB_val v;
    TRY(rc, sdb_get(t, DB_REVURL, url, len, &v));
    size_t start;
    TRY(rc, oplog_review_del(t, url, len, &start));
    return oplog_exec(t, start, NULL);
}

static int decode(store_txn *t, uint64_t id, const MDB_val *v, store_review *out)
{
    out->id = id;
    if (review_value_decode(v->mv_data, v->mv_size, out))
        return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged record of review %llu",
                            (unsigned long long)id);
    return CLAIMDB_OK;
}

int store_review_get(store_txn *t, uint64_t id, store_review *out)
{
    int rc = txn_check_read(t);
    if (rc) return rc;
    uint8_t key[8];
    put_u64(key, id);
    MDB_val v;
    TRY(rc, sdb_get(t, DB_REVIEW, key, 8, &v));
    return decode(t, id, &v, out);
}

int store_review_get_url(store_txn *t, const char *url, size_t len, store_review *out)
{
    int rc = txn_check_read(t);
    if (rc) return rc;
    if (!url || !len || len > STORE_MAX_KEY) return CLAIMDB_NOTFOUND;
    MDB_val v;
    TRY(rc, sdb_get(t, DB_REVURL, url, len, &v));
    if (v.mv_size != 8) return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged review URL index");
    return store_review_get(t, get_u64(v.mv_data), out);
}

int store_reviews_open(store_txn *t, store_cursor **out)
{
    return cur_open(t, DB_REVIEW, NULL, 0, out);
}

int store_cursor_next_review(store_cursor *c, store_review *out)
{
    MDB_val k, v;
    int r = cur_step(c, &k, &v);
    if (r != CLAIMDB_ROW) return r;
    if (c->db != DB_REVIEW || k.mv_size != 8)
        return store_seterr(c->t->st, CLAIMDB_MISUSE, "not a review cursor");
    int rc = decode(c->t, get_u64(k.mv_data), &v, out);
    return rc ? rc : CLAIMDB_ROW;
}

int store_claim_reviews_open(store_txn *t, const claim_key *k, store_cursor **out)
{
    uint8_t prefix[CLAIM_KEY_LEN];
    claim_key_encode(prefix, IDX_SPO, k);
    return cur_open(t, DB_CLAIMREV, prefix, sizeof prefix, out);
}

int store_cursor_next_review_id(store_cursor *c, uint64_t *id)
{
    MDB_val k, v;
    int r = cur_step(c, &k, &v);
    if (r != CLAIMDB_ROW) return r;
    if (c->db != DB_CLAIMREV || k.mv_size != CLAIMREV_KEY_LEN)
        return store_seterr(c->t->st, CLAIMDB_CORRUPT, "damaged claimrev key");
    *id = get_u64((const uint8_t *)k.mv_data + CLAIM_KEY_LEN);
    return CLAIMDB_ROW;
}

int store_claimrev_scan_open(store_txn *t, uint8_t pol, const term_id *prefix, int nprefix,
                             store_cursor **out)
{
    uint8_t p[CLAIM_KEY_LEN];
    p[0] = pol;
    for (int i = 0; i < nprefix && i < 3; i++)
        put_id(p + 1 + ID_LEN * i, prefix[i]);
    return cur_open(t, DB_CLAIMREV, p, 1 + ID_LEN * (size_t)(nprefix < 3 ? nprefix : 3), out);
}

int store_cursor_next_link(store_cursor *c, claim_key *k, uint64_t *id)
{
    MDB_val key, v;
    int r = cur_step(c, &key, &v);
    if (r != CLAIMDB_ROW) return r;
    if (c->db != DB_CLAIMREV || key.mv_size != CLAIMREV_KEY_LEN)
        return store_seterr(c->t->st, CLAIMDB_CORRUPT, "damaged claimrev key");
    const uint8_t *p = key.mv_data;
    *k = claim_key_get(p);
    *id = get_u64(p + CLAIM_KEY_LEN);
    return CLAIMDB_ROW;
}

int store_review_claims_open(store_txn *t, uint64_t id, store_cursor **out)
{
    uint8_t prefix[8];
    put_u64(prefix, id);
    return cur_open(t, DB_REVCLAIM, prefix, sizeof prefix, out);
}

int store_cursor_next_review_claim(store_cursor *c, claim_key *k)
{
    MDB_val key, v;
    int r = cur_step(c, &key, &v);
    if (r != CLAIMDB_ROW) return r;
    if (c->db != DB_REVCLAIM || key.mv_size != REVCLAIM_KEY_LEN)
        return store_seterr(c->t->st, CLAIMDB_CORRUPT, "damaged revclaim key");
    const uint8_t *p = (const uint8_t *)key.mv_data + 8;
    *k = claim_key_get(p);
    return CLAIMDB_ROW;
}
