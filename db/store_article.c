/* store_article.c — article records.
 *
 * Record: [version 1][flags][duplicate_of u64 BE, when flag 1]
 *         then for each present field, in the order title, outlet, date, url, author, text
 *         (flags 2, 4, 8, 16, 32, 64): [u32 BE length][bytes].
 * An absent field (ptr NULL) is not the same as an empty one.
 */
#include "store_internal.h"
#include "try.h"

#include "claimdb.h"

#include <string.h>

#define ARTICLE_VERSION 1
#define ART_HAS_DUP 1
#define NFIELDS 6

static const store_text *field(const store_article *a, int i)
{
    const store_text *f[NFIELDS] = {&a->title, &a->outlet, &a->date, &a->url, &a->author, &a->text};
    return f[i];
}

size_t article_value_size(const store_article *a)
{
    size_t n = 2 + (a->has_duplicate_of ? 8 : 0);
    for (int i = 0; i < NFIELDS; i++)
        if (field(a, i)->ptr) n += 4 + field(a, i)->len;
    return n;
}

void article_value_encode(uint8_t *out, const store_article *a)
{
    uint8_t flags = a->has_duplicate_of ? ART_HAS_DUP : 0;
    uint8_t *p = out + 2;
    if (a->has_duplicate_of) {
        put_u64(p, a->duplicate_of);
        p += 8;
    }
    for (int i = 0; i < NFIELDS; i++) {
        const store_text *f = field(a, i);
        if (!f->ptr) continue;
        flags |= (uint8_t)(2u << i);
        put_u32(p, (uint32_t)f->len);
        if (f->len) memcpy(p + 4, f->ptr, f->len);
        p += 4 + f->len;
    }
    out[0] = ARTICLE_VERSION;
    out[1] = flags;
}

int article_value_decode(const uint8_t *p, size_t n, store_article *a)
{
    uint64_t id = a->id;
    memset(a, 0, sizeof *a);
    a->id = id;
    if (n < 2 || p[0] != ARTICLE_VERSION) return CLAIMDB_CORRUPT;
    uint8_t flags = p[1];
    size_t off = 2;
    if (flags & ART_HAS_DUP) {
        if (n - off < 8) return CLAIMDB_CORRUPT;
        a->has_duplicate_of = true;
        a->duplicate_of = get_u64(p + off);
        off += 8;
    }
    store_text *f[NFIELDS] = {&a->title, &a->outlet, &a->date, &a->url, &a->author, &a->text};
    for (int i = 0; i < NFIELDS; i++) {
        if (!(flags & (2u << i))) continue;
        if (n - off < 4) return CLAIMDB_CORRUPT;
        size_t len = get_u32(p + off);
        off += 4;
        if (n - off < len) return CLAIMDB_CORRUPT;
        f[i]->ptr = (const char *)p + off;
        f[i]->len = len;
        off += len;
    }
    return off == n ? CLAIMDB_OK : CLAIMDB_CORRUPT;
}

int article_put_apply(store_txn *t, const store_article *a)
{
    uint8_t key[8];
    put_u64(key, a->id);
    MDB_val v;
    int rc = sdb_get(t, DB_ARTICLE, key, 8, &v);
    if (rc == CLAIMDB_NOTFOUND) rc = meta_add(t, "articles", 1);
    if (rc) return rc;
    acache_clear(t); /* the article may have a text now */
    void *dst;
    TRY(rc, sdb_reserve(t, DB_ARTICLE, key, 8, article_value_size(a), &dst));
    article_value_encode(dst, a);
    return CLAIMDB_OK;
}

int store_article_put(store_txn *t, const store_article *a)
{
    int rc = txn_check_write(t);
    if (rc) return rc;
    if (!a) return store_seterr(t->st, CLAIMDB_MISUSE, "no article");
    for (int i = 0; i < NFIELDS; i++) {
        const store_text *f = field(a, i);
        if (f->len && !f->ptr) return store_seterr(t->st, CLAIMDB_MISUSE, "invalid article field");
        if (f->len > UINT32_MAX)
            return store_seterr(t->st, CLAIMDB_TOOBIG, "article field larger than 4 GiB");
    }
    size_t start;
    TRY(rc, oplog_article_put(t, a, &start));
    return oplog_exec(t, start, NULL);
}

static int decode(store_txn *t, uint64_t id, const MDB_val *v, store_article *out)
{
    out->id = id;
    if (article_value_decode(v->mv_data, v->mv_size, out))
        return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged record of article %llu",
                            (unsigned long long)id);
    return CLAIMDB_OK;
}

int store_article_get(store_txn *t, uint64_t id, store_article *out)
{
    int rc = txn_check_read(t);
    if (rc) return rc;
    uint8_t key[8];
    put_u64(key, id);
    MDB_val v;
    rc = sdb_get(t, DB_ARTICLE, key, 8, &v);
    if (rc == CLAIMDB_NOTFOUND)
        return store_seterr(t->st, rc, "no article %llu", (unsigned long long)id);
    if (rc) return rc;
    return decode(t, id, &v, out);
}

int store_article_text(store_txn *t, uint64_t id, store_text *text)
{
    text->ptr = NULL;
    text->len = 0;
    int rc = txn_check_read(t);
    if (rc) return rc;
    if (t->write && acache_plain(t, id)) return CLAIMDB_OK;
    store_article a;
    rc = store_article_get(t, id, &a);
    if (rc == CLAIMDB_NOTFOUND) return CLAIMDB_OK;
    if (rc) return rc;
    *text = a.text;
    if (t->write && !a.text.ptr) acache_add(t, id);
    return CLAIMDB_OK;
}

int store_articles_open(store_txn *t, store_cursor **out)
{
    return cur_open(t, DB_ARTICLE, NULL, 0, out);
}

int store_cursor_next_article(store_cursor *c, store_article *out)
{
    MDB_val k, v;
    int r = cur_step(c, &k, &v);
    if (r != CLAIMDB_ROW) return r;
    if (c->db != DB_ARTICLE || k.mv_size != 8)
        return store_seterr(c->t->st, CLAIMDB_MISUSE, "not an article cursor");
    int rc = decode(c->t, get_u64(k.mv_data), &v, out);
    return rc ? rc : CLAIMDB_ROW;
}
