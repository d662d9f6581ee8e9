/* store_post.c — the text index's posting lists ("txtpost") in blocks:
 *
 *   [kind][stem][0x00][first doc u64 BE] -> [n varint] n x ([doc - previous doc varint]
 *                                           [tf varint][document length varint])
 *
 * A stem's postings are its blocks in key order, each of at most BLOCK_MAX postings in
 * document order (the first entry's delta is from the key's document: 0). One key a
 * posting, as before, took some 35 bytes a posting and an LMDB write each: a load of a
 * million quotes wrote ten million keys. In blocks a posting takes three to five bytes, a
 * load appends to the last block of each stem, and a query decodes a block per 128
 * postings instead of stepping a cursor per posting.
 *
 * Writes go through the raw LMDB calls, not sdb_*: they run inside the pending-writes flush
 * (text_pend_flush, which adds each stem's new postings at once), where sdb_* would flush
 * again. Their callers outside it flush first. */
#include "claimdb.h"
#include "store_internal.h"
#include "text_token.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_MAX 128
#define PREFIX_MAX (1 + TOKEN_MAX + 1)
#define KEY_MAX (PREFIX_MAX + 8)

typedef text_posting post;

/* ---- encoding ---- */

static size_t put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static bool get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

#define ENTRY_MAX 30 /* bytes of one encoded posting, at most */

static size_t block_encode(const post *p, size_t n, uint8_t *out)
{
    size_t len = put_varint(out, n);
    uint64_t prev = n ? p[0].doc : 0;
    for (size_t i = 0; i < n; i++) {
        len += put_varint(out + len, p[i].doc - prev);
        len += put_varint(out + len, p[i].tf);
        len += put_varint(out + len, p[i].dl);
        prev = p[i].doc;
    }
    return len;
}

/* Append the postings of the block (first document first) to *out; false if damaged. */
static bool block_decode(const uint8_t *v, size_t len, uint64_t first, post **out, size_t *n,
                         size_t *cap)
{
    const uint8_t *p = v, *end = v + len;
    uint64_t count;
    if (!get_varint(&p, end, &count) || count > len) return false;
    if (*n + count > *cap) {
        size_t nc = *cap ? *cap : 256;
        while (nc < *n + count)
            nc *= 2;
        post *np = realloc(*out, nc * sizeof *np);
        if (!np) return false;
        *out = np;
        *cap = nc;
    }
    uint64_t doc = first;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t d, tf, dl;
        if (!get_varint(&p, end, &d) || !get_varint(&p, end, &tf) || !get_varint(&p, end, &dl) ||
            tf > UINT32_MAX || dl > UINT32_MAX || (i && d == 0))
            return false;
        doc += d;
        (*out)[(*n)++] = (post){doc, (uint32_t)tf, (uint32_t)dl};
    }
    return p == end;
}

static bool block_count(const uint8_t *v, size_t len, uint64_t *count)
{
    const uint8_t *p = v;
    return get_varint(&p, v + len, count);
}

static size_t prefix_of(uint8_t *key, uint8_t kind, const char *stem)
{
    size_t sl = strlen(stem);
    if (sl > TOKEN_MAX) sl = TOKEN_MAX;
    key[0] = kind;
    memcpy(key + 1, stem, sl);
    key[1 + sl] = 0;
    return sl + 2;
}

/* ---- raw access ---- */

static int damaged(store_txn *t)
{
    return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged text index posting block");
}

/* Put the postings p[0, n) of one stem (prefix) as blocks of at most BLOCK_MAX, after
 * deleting the block that began at old_first (had_old) if no block begins there now. */
static int blocks_write(store_txn *t, MDB_cursor *mc, const uint8_t *prefix, size_t plen,
                        const post *p, size_t n, bool had_old, uint64_t old_first)
{
    uint8_t key[KEY_MAX];
    memcpy(key, prefix, plen);
    int mrc = 0;
    if (had_old && (n == 0 || p[0].doc != old_first)) {
        put_u64(key + plen, old_first);
        MDB_val k = {plen + 8, key}, v;
        mrc = mdb_cursor_get(mc, &k, &v, MDB_SET);
        if (!mrc) mrc = mdb_cursor_del(mc, 0);
        if (mrc == MDB_NOTFOUND) mrc = 0;
    }
    uint8_t buf[16 + BLOCK_MAX * ENTRY_MAX];
    for (size_t i = 0, m; i < n && !mrc; i += m) {
        size_t r = n - i;
        /* A few postings past a full block: two blocks of about half each instead. */
        m = r <= BLOCK_MAX ? r : r < BLOCK_MAX + BLOCK_MAX / 4 ? r / 2 : BLOCK_MAX;
        put_u64(key + plen, p[i].doc);
        MDB_val k = {plen + 8, key}, v = {block_encode(p + i, m, buf), buf};
        mrc = mdb_cursor_put(mc, &k, &v, 0);
    }
    return mrc ? store_mdb_err(t->st, mrc, "writing the text index") : CLAIMDB_OK;
}

/* Position on the block of prefix holding doc's place: the last block whose first document is
 * at most doc, else the stem's first block; *found false when the stem has no block. *first
 * gets the block's first document and *next the first document of the block after it
 * (UINT64_MAX: none). */
static int block_seek(store_txn *t, MDB_cursor *mc, const uint8_t *prefix, size_t plen,
                      uint64_t doc, bool *found, uint64_t *first, uint64_t *next, MDB_val *val)
{
    uint8_t key[KEY_MAX];
    memcpy(key, prefix, plen);
    put_u64(key + plen, doc);
    MDB_val k = {plen + 8, key}, v;
    *found = false;
    *next = UINT64_MAX;
    int mrc = mdb_cursor_get(mc, &k, &v, MDB_SET_RANGE);
    bool at_after = false; /* the cursor is on the stem's first block past doc */
    if (mrc == 0 && k.mv_size == plen + 8 && !memcmp(k.mv_data, prefix, plen)) {
        if (get_u64((const uint8_t *)k.mv_data + plen) == doc) {
            *found = true;
        } else {
            at_after = true;
            *next = get_u64((const uint8_t *)k.mv_data + plen);
        }
    } else if (mrc && mrc != MDB_NOTFOUND) {
        return store_mdb_err(t->st, mrc, "reading the text index");
    }
    if (!*found) {
        mrc = mrc == MDB_NOTFOUND ? mdb_cursor_get(mc, &k, &v, MDB_LAST)
                                  : mdb_cursor_get(mc, &k, &v, MDB_PREV);
        if (mrc == 0 && k.mv_size == plen + 8 && !memcmp(k.mv_data, prefix, plen)) {
            *found = true;
        } else if (mrc && mrc != MDB_NOTFOUND) {
            return store_mdb_err(t->st, mrc, "reading the text index");
        } else if (at_after) {
            /* doc comes before the stem's first block: that block is where it goes */
            put_u64(key + plen, *next);
            k = (MDB_val){plen + 8, key};
            if ((mrc = mdb_cursor_get(mc, &k, &v, MDB_SET)))
                return store_mdb_err(t->st, mrc, "reading the text index");
            *found = true;
            *next = UINT64_MAX;
        }
    }
    if (!*found) return CLAIMDB_OK;
    *first = get_u64((const uint8_t *)k.mv_data + plen);
    *val = v;
    if (*next == UINT64_MAX) { /* the block after this one, if any */
        MDB_val k2, v2;
        int r = mdb_cursor_get(mc, &k2, &v2, MDB_NEXT);
        if (r == 0 && k2.mv_size == plen + 8 && !memcmp(k2.mv_data, prefix, plen))
            *next = get_u64((const uint8_t *)k2.mv_data + plen);
        else if (r && r != MDB_NOTFOUND)
            return store_mdb_err(t->st, r, "reading the text index");
    }
    return CLAIMDB_OK;
}

/* ---- writes ---- */

/* Merge the sorted postings add[0, n) of one stem into its blocks (a posting of a document
 * already there replaces it). */
static int stem_add(store_txn *t, MDB_cursor *mc, const uint8_t *prefix, size_t plen,
                    const post *add, size_t n, post **tmp, size_t *cap, post **out, size_t *ocap)
{
    size_t i = 0;
    while (i < n) {
        bool found;
        uint64_t first = 0, next;
        MDB_val v;
        int rc = block_seek(t, mc, prefix, plen, add[i].doc, &found, &first, &next, &v);
        if (rc) return rc;
        size_t m = 0;
        if (found && !block_decode(v.mv_data, v.mv_size, first, tmp, &m, cap)) return damaged(t);
        /* Every new posting before the next block goes in this one. */
        size_t j = i;
        while (j < n && add[j].doc < next)
            j++;
        size_t total = m + (j - i);
        if (total > *ocap) {
            post *np = realloc(*out, total * 2 * sizeof *np);
            if (!np) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
            *out = np;
            *ocap = total * 2;
        }
        size_t a = 0, b = i, w = 0;
        while (a < m || b < j) {
            if (b == j || (a < m && (*tmp)[a].doc < add[b].doc)) {
                (*out)[w++] = (*tmp)[a++];
            } else {
                if (a < m && (*tmp)[a].doc == add[b].doc) a++;
                (*out)[w++] = add[b++];
            }
        }
        if ((rc = blocks_write(t, mc, prefix, plen, *out, w, found, first))) return rc;
        i = j;
    }
    return CLAIMDB_OK;
}

int post_add(store_txn *t, const uint8_t *prefix, size_t plen, const text_posting *p, size_t n)
{
    if (!n) return CLAIMDB_OK;
    MDB_cursor *mc;
    int mrc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, DB_TXTPOST), &mc);
    if (mrc) return store_mdb_err(t->st, mrc, "writing the text index");
    post *tmp = NULL, *out = NULL;
    size_t tcap = 0, ocap = 0;
    int rc = stem_add(t, mc, prefix, plen, p, n, &tmp, &tcap, &out, &ocap);
    mdb_cursor_close(mc);
    free(tmp);
    free(out);
    return rc;
}

/* The postings of the block of (kind, stem) that holds doc, decoded into *p (n of them, the
 * caller frees), and the index of doc among them; the cursor mc is left on that block.
 * CLAIMDB_NOTFOUND when no block holds doc. */
static int block_load(store_txn *t, MDB_cursor *mc, const uint8_t *prefix, size_t plen,
                      uint64_t doc, uint64_t *first, post **p, size_t *n, size_t *at)
{
    bool found;
    uint64_t next;
    MDB_val v;
    size_t cap = 0;
    *first = 0;
    int rc = block_seek(t, mc, prefix, plen, doc, &found, first, &next, &v);
    if (rc) return rc;
    if (!found) return CLAIMDB_NOTFOUND;
    if (!block_decode(v.mv_data, v.mv_size, *first, p, n, &cap)) return damaged(t);
    for (*at = 0; *at < *n; ++*at)
        if ((*p)[*at].doc == doc) return CLAIMDB_OK;
    return CLAIMDB_NOTFOUND;
}

int post_remove(store_txn *t, uint8_t kind, const char *stem, uint64_t doc)
{
    uint8_t prefix[PREFIX_MAX];
    size_t plen = prefix_of(prefix, kind, stem);
    MDB_cursor *mc;
    int mrc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, DB_TXTPOST), &mc);
    if (mrc) return store_mdb_err(t->st, mrc, "writing the text index");
    uint64_t first;
    post *p = NULL;
    size_t n = 0, i = 0;
    int rc = block_load(t, mc, prefix, plen, doc, &first, &p, &n, &i);
    if (!rc) {
        memmove(p + i, p + i + 1, (n - i - 1) * sizeof *p);
        rc = blocks_write(t, mc, prefix, plen, p, n - 1, true, first);
    }
    mdb_cursor_close(mc);
    free(p);
    return rc;
}

int post_insert(store_txn *t, uint8_t kind, const char *stem, uint64_t doc, uint32_t tf,
                uint32_t dl)
{
    uint8_t prefix[PREFIX_MAX];
    size_t plen = prefix_of(prefix, kind, stem);
    text_posting p = {doc, tf, dl};
    return post_add(t, prefix, plen, &p, 1);
}

int post_find(store_txn *t, uint8_t kind, const char *stem, uint64_t doc, uint32_t *tf,
              uint32_t *dl)
{
    uint8_t prefix[PREFIX_MAX];
    size_t plen = prefix_of(prefix, kind, stem);
    MDB_cursor *mc;
    int mrc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, DB_TXTPOST), &mc);
    if (mrc) return store_mdb_err(t->st, mrc, "reading the text index");
    uint64_t first;
    post *p = NULL;
    size_t n = 0, i = 0;
    int rc = block_load(t, mc, prefix, plen, doc, &first, &p, &n, &i);
    mdb_cursor_close(mc);
    if (!rc) {
        *tf = p[i].tf;
        *dl = p[i].dl;
    }
    free(p);
    return rc;
}

int post_count_all(store_txn *t, uint64_t *n, bool *ok)
{
    store_cursor *c;
    *n = 0;
    *ok = true;
    int rc = cur_open(t, DB_TXTPOST, NULL, 0, &c), r;
    if (rc) return rc;
    MDB_val k, v;
    while ((r = cur_step(c, &k, &v)) == CLAIMDB_ROW) {
        uint64_t m;
        if (!block_count(v.mv_data, v.mv_size, &m) || k.mv_size < 10) {
            *ok = false;
            continue;
        }
        *n += m;
    }
    store_cursor_close(c);
    return store_step_err(r);
}

/* ---- reads ---- */

struct store_postings {
    store_cursor *c;
    post *p;
    size_t n, i, cap;
};

int store_postings_open(store_txn *t, uint8_t kind, const char *stem, store_postings **out)
{
    *out = NULL;
    store_postings *sp = calloc(1, sizeof *sp);
    if (!sp) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    uint8_t prefix[PREFIX_MAX];
    int rc = cur_open(t, DB_TXTPOST, prefix, prefix_of(prefix, kind, stem), &sp->c);
    if (rc) {
        free(sp);
        return rc;
    }
    *out = sp;
    return CLAIMDB_OK;
}

int store_postings_next(store_postings *sp, uint64_t *doc, uint32_t *tf, uint32_t *dl)
{
    while (sp->i == sp->n) {
        MDB_val k, v;
        int r = cur_step(sp->c, &k, &v);
        if (r != CLAIMDB_ROW) return r;
        sp->n = sp->i = 0;
        if (k.mv_size != sp->c->plen + 8 ||
            !block_decode(v.mv_data, v.mv_size, get_u64((const uint8_t *)k.mv_data + sp->c->plen),
                          &sp->p, &sp->n, &sp->cap))
            return damaged(sp->c->t);
    }
    const post *p = &sp->p[sp->i++];
    *doc = p->doc;
    *tf = p->tf;
    *dl = p->dl;
    return CLAIMDB_ROW;
}

int store_postings_count(store_postings *sp, uint64_t cap, uint64_t *n)
{
    *n = 0;
    while (*n < cap) {
        MDB_val k, v;
        int r = cur_step(sp->c, &k, &v);
        if (r == CLAIMDB_DONE) break;
        if (r != CLAIMDB_ROW) return r;
        uint64_t m;
        if (!block_count(v.mv_data, v.mv_size, &m)) return damaged(sp->c->t);
        *n += m;
    }
    return CLAIMDB_OK;
}

void store_postings_close(store_postings *sp)
{
    if (!sp) return;
    store_cursor_close(sp->c);
    free(sp->p);
    free(sp);
}
