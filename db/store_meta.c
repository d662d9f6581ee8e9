/* store_meta.c — the meta counters ("claims.pos", "citations", "next_term", ...): kept in
 * memory by a write transaction and written once, at commit.
 */
#include "store_internal.h"

#include "claimdb.h"

#include <string.h>

static const char *const meta_names[META_N] = {
    [META_CLAIMS_NEG] = "claims.neg",   [META_CLAIMS_POS] = "claims.pos",
    [META_CITATIONS] = "citations",     [META_ARTICLES] = "articles",
    [META_NEXT_TERM] = "next_term",     [META_REVIEWS] = "reviews",
    [META_NEXT_REVIEW] = "next_review", [META_TEXT_KINDS] = "text.kinds",
};

static int meta_index(const char *name)
{
    for (int i = 0; i < META_N; i++)
        if (strcmp(name, meta_names[i]) == 0) return i;
    return -1;
}

/* The cached counter of a write transaction, loaded on first use. */
static int meta_slot(store_txn *t, const char *name, uint64_t **slot)
{
    int i = meta_index(name);
    if (i < 0) return store_seterr(t->st, CLAIMDB_MISUSE, "unknown counter %s", name);
    if (!t->meta.loaded) {
        for (int j = 0; j < META_N; j++) {
            int rc = sdb_u64_get(t, DB_META, meta_names[j], strlen(meta_names[j]), &t->meta.v[j]);
            if (rc) return rc;
        }
        t->meta.loaded = true;
        t->meta.dirty = false;
    }
    *slot = &t->meta.v[i];
    return CLAIMDB_OK;
}

int meta_add(store_txn *t, const char *name, int64_t delta)
{
    uint64_t *v;
    int rc = meta_slot(t, name, &v);
    if (rc) return rc;
    if (delta < 0 && (uint64_t)-delta > *v)
        *v = 0; /* never wrap */
    else
        *v += (uint64_t)delta;
    t->meta.dirty = true;
    return CLAIMDB_OK;
}

int meta_set(store_txn *t, const char *name, uint64_t n)
{
    uint64_t *v;
    int rc = meta_slot(t, name, &v);
    if (rc) return rc;
    *v = n;
    t->meta.dirty = true;
    return CLAIMDB_OK;
}

int meta_u64(store_txn *t, const char *name, uint64_t *n)
{
    if (!t->write) return sdb_u64_get(t, DB_META, name, strlen(name), n);
    uint64_t *v;
    int rc = meta_slot(t, name, &v);
    if (rc) return rc;
    *n = *v;
    return CLAIMDB_OK;
}

/* Write the cached counters into the root transaction. */
int meta_flush(store_txn *t)
{
    if (!t->meta.dirty) return CLAIMDB_OK;
    for (int i = 0; i < META_N; i++) {
        uint8_t b[8];
        put_u64(b, t->meta.v[i]);
        int rc = sdb_put(t, DB_META, meta_names[i], strlen(meta_names[i]), b, 8, 0);
        if (rc) return rc;
    }
    t->meta.dirty = false;
    return CLAIMDB_OK;
}
