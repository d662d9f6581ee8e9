/* sources.c — counting a claim's sources: all citing articles, or independent ones, where
 * articles marked as duplicates of each other (ARTICLE … DUPLICATE OF) count once. Used by
 * [INDEPENDENT] SOURCES in FIND and by CHECK, so both count the same way. */
#include "engine.h"

#include <stdlib.h>

int article_root(store_txn *txn, uint64_t id, uint64_t *root)
{
    /* Chains are kept acyclic by ARTICLE; the bound only guards against damaged data. */
    for (int depth = 0; depth < 64; depth++) {
        store_article a;
        int rc = store_article_get(txn, id, &a);
        if (rc == CLAIMDB_NOTFOUND || (rc == CLAIMDB_OK && !a.has_duplicate_of)) break;
        if (rc != CLAIMDB_OK) return rc;
        id = a.duplicate_of;
    }
    *root = id;
    return CLAIMDB_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int claim_articles(store_txn *txn, const claim_key *k, uint64_t **ids, size_t *n)
{
    store_cursor *cur = NULL;
    int rc = claim_articles_cur(txn, &cur, k, ids, n);
    store_cursor_close(cur);
    return rc;
}

int claim_articles_cur(store_txn *txn, store_cursor **reuse, const claim_key *k, uint64_t **ids,
                       size_t *n)
{
    *ids = NULL;
    *n = 0;
    int rc = *reuse ? store_cites_retarget(*reuse, k) : store_cites_open(txn, k, reuse);
    if (rc != CLAIMDB_OK) return rc;
    store_cursor *cur = *reuse;
    store_citation c;
    size_t cap = 0;
    int r;
    while ((r = store_cursor_next_cite(cur, &c)) == CLAIMDB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            uint64_t *p = realloc(*ids, cap * sizeof *p);
            if (!p) return CLAIMDB_NOMEM;
            *ids = p;
        }
        /* Citations come in article order; one article citing twice is one source. */
        if (*n && (*ids)[*n - 1] == c.article) continue;
        (*ids)[(*n)++] = c.article;
    }
    return store_step_err(r);
}

int independent_count(store_txn *txn, const uint64_t *ids, size_t n, int64_t *count)
{
    uint64_t *roots = malloc((n ? n : 1) * sizeof *roots);
    if (!roots) return CLAIMDB_NOMEM;
    for (size_t i = 0; i < n; i++) {
        int rc = article_root(txn, ids[i], &roots[i]);
        if (rc != CLAIMDB_OK) {
            free(roots);
            return rc;
        }
    }
    qsort(roots, n, sizeof *roots, cmp_u64);
    int64_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        distinct += i == 0 || roots[i] != roots[i - 1];
    free(roots);
    *count = distinct;
    return CLAIMDB_OK;
}
