/* match.c — MATCH's queries, the per-row check and the text index's candidates (match.h). */
#include "match.h"

#include "claimdb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void match_query_free(match_query *q)
{
    token_list_free(&q->stems);
    free(q->start);
    memset(q, 0, sizeof *q);
}

/* Add the group of stems [from, to) (nothing when empty). */
static int group_add(match_query *q, size_t *cap, size_t from, size_t to)
{
    if (from == to) return CLAIMDB_OK;
    if (q->ngroups + 2 > *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        size_t *ns = realloc(q->start, nc * sizeof *ns);
        if (!ns) return CLAIMDB_NOMEM;
        q->start = ns;
        *cap = nc;
    }
    q->start[q->ngroups++] = from;
    q->start[q->ngroups] = to;
    return CLAIMDB_OK;
}

int match_query_parse(text_tokenizer *tk, const char *s, size_t n, match_query *out,
                      const char **why)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0, quotes = 0;
    for (size_t i = 0; i < n; i++)
        quotes += s[i] == '"';
    if (quotes % 2) {
        *why = "a phrase's closing '\"' is missing";
        return CLAIMDB_ERROR;
    }
    int rc = CLAIMDB_OK;
    bool phrase = false; /* segments alternate: words, phrase, words, … */
    for (size_t i = 0; i <= n && !rc; phrase = !phrase) {
        size_t j = i;
        while (j < n && s[j] != '"')
            j++;
        size_t from = out->stems.n;
        rc = text_tokenize(tk, s + i, j - i, &out->stems);
        if (!rc && phrase) rc = group_add(out, &cap, from, out->stems.n);
        for (size_t k = from; !rc && !phrase && k < out->stems.n; k++)
            rc = group_add(out, &cap, k, k + 1);
        i = j + 1;
    }
    if (rc) {
        match_query_free(out);
        *why = "out of memory";
    }
    return rc;
}

static bool group_in(const match_query *q, size_t g, const token_list *t)
{
    size_t a = q->start[g], len = q->start[g + 1] - a;
    for (size_t i = 0; i + len <= t->n; i++) {
        size_t k = 0;
        while (k < len && !strcmp(token_at(t, i + k), token_at(&q->stems, a + k)))
            k++;
        if (k == len) return true;
    }
    return false;
}

int match_text(text_tokenizer *tk, const match_query *q, const char *s, size_t n, bool *res)
{
    *res = false;
    if (!q->ngroups) return CLAIMDB_OK;
    token_list t = {0};
    int rc = text_tokenize(tk, s, n, &t);
    if (rc) return rc;
    bool all = true;
    for (size_t g = 0; g < q->ngroups && all; g++)
        all = group_in(q, g, &t);
    token_list_free(&t);
    *res = all;
    return CLAIMDB_OK;
}

int match_estimate(store_txn *txn, uint8_t kind, const match_query *q, uint64_t cap, uint64_t *out)
{
    *out = 0;
    if (!q->ngroups) return CLAIMDB_OK;
    uint64_t best = UINT64_MAX;
    for (size_t i = 0; i < q->stems.n; i++) {
        store_postings *c;
        int rc = store_postings_open(txn, kind, token_at(&q->stems, i), &c);
        if (rc) return rc;
        uint64_t n;
        rc = store_postings_count(c, best < cap ? best : cap, &n);
        store_postings_close(c);
        if (rc) return rc;
        if (n < best) best = n;
    }
    *out = best;
    return CLAIMDB_OK;
}

/* The documents of a stem, in id order. */
static int doc_list(store_txn *txn, uint8_t kind, const char *stem, uint64_t **out, size_t *n)
{
    store_postings *c;
    int rc = store_postings_open(txn, kind, stem, &c), r;
    if (rc) return rc;
    uint64_t *d = NULL, doc;
    size_t cap = 0;
    uint32_t tf, dl;
    *n = 0;
    while ((r = store_postings_next(c, &doc, &tf, &dl)) == CLAIMDB_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            uint64_t *nd = realloc(d, cap * sizeof *nd);
            if (!nd) {
                r = CLAIMDB_NOMEM;
                break;
            }
            d = nd;
        }
        d[(*n)++] = doc;
    }
    store_postings_close(c);
    if (store_step_err(r)) {
        free(d);
        return r;
    }
    *out = d;
    return CLAIMDB_OK;
}

int match_claims(store_txn *txn, text_tokenizer *tk, uint8_t kind, int pos, const match_query *q,
                 uint8_t pol, claim_key **keys, size_t *nkeys)
{
    *keys = NULL;
    *nkeys = 0;
    if (!q->ngroups) return CLAIMDB_OK;
    /* The documents holding every stem: the posting lists (in id order) intersected. */
    uint64_t *docs = NULL;
    size_t nd = 0;
    int rc = CLAIMDB_OK;
    for (size_t i = 0; i < q->stems.n && !rc; i++) {
        uint64_t *d;
        size_t n;
        if ((rc = doc_list(txn, kind, token_at(&q->stems, i), &d, &n))) break;
        if (i == 0) {
            docs = d;
            nd = n;
            continue;
        }
        size_t w = 0;
        for (size_t a = 0, b = 0; a < nd && b < n;) {
            if (docs[a] == d[b]) {
                docs[w++] = docs[a];
                a++;
                b++;
            } else if (docs[a] < d[b]) {
                a++;
            } else {
                b++;
            }
        }
        nd = w;
        free(d);
        if (!nd) break;
    }
    claim_key *k = NULL;
    if (!rc && nd && !(k = malloc(nd * sizeof *k))) rc = CLAIMDB_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < nd && !rc; i++) {
        store_text_doc d;
        if ((rc = store_text_doc_get(txn, kind, docs[i], &d))) break;
        if (d.k.pol != pol) continue;
        /* The text the per-row check will read: the quote, or the term at pos. */
        store_text t = d.text;
        if (kind == STORE_TEXT_CLAIM && (rc = store_term_text(txn,
                                                              pos == 0   ? d.k.s
                                                              : pos == 1 ? d.k.p
                                                                         : d.k.o,
                                                              &t)))
            break;
        bool ok;
        if ((rc = match_text(tk, q, t.ptr, t.len, &ok))) break;
        if (ok) k[n++] = d.k;
    }
    free(docs);
    if (rc) {
        free(k);
        return rc;
    }
    n = claim_keys_sort_unique(k, n);
    *keys = k;
    *nkeys = n;
    return CLAIMDB_OK;
}
