/* store_text.c — the text index: posting lists of stemmed words over review texts, kept in
 * the same write transactions as the reviews (review_put_apply and review_delete_apply call
 * it, so the write log's replay after map growth replays it too).
 *
 *   "txtpost" [kind][stem][0x00][doc u64 BE] -> [tf u32 BE][document length u32 BE]
 *   "meta"    "text.<kind>.docs", "text.<kind>.words" -> u64: documents and their words
 *
 * One prefix scan per query word yields its posting list with everything BM25 needs: the
 * document length rides in each posting, so ranking reads no document record. A document is
 * the review's claim_reviewed and title together; its id is the review id. */
#include "claimdb.h"
#include "store_internal.h"
#include "text_token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POST_KEY_MAX (1 + TOKEN_MAX + 1 + 8)

static void stat_names(uint8_t kind, char docs[32], char words[32])
{
    snprintf(docs, 32, "text.%c.docs", kind);
    snprintf(words, 32, "text.%c.words", kind);
}

/* The distinct stems of a document with their counts: a sort of the token list. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted stems of a document made of the given texts (*w points into *l). */
static int doc_stems(store_txn *t, const store_text *texts, int ntexts, token_list *l,
                     const char ***w)
{
    /* One stemmer for the transaction: a load of many reviews would otherwise make one each. */
    if (!t->tk && !(t->tk = text_tokenizer_new()))
        return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    *w = NULL;
    int rc = CLAIMDB_OK;
    for (int i = 0; i < ntexts && !rc; i++)
        if (texts[i].ptr && texts[i].len) rc = text_tokenize(t->tk, texts[i].ptr, texts[i].len, l);
    if (!rc && l->n && !(*w = malloc(l->n * sizeof **w))) rc = CLAIMDB_NOMEM;
    if (rc) {
        token_list_free(l);
        return store_seterr(t->st, rc, "out of memory");
    }
    for (size_t i = 0; i < l->n; i++)
        (*w)[i] = token_at(l, i);
    if (l->n) qsort(*w, l->n, sizeof **w, cmp_str);
    return CLAIMDB_OK;
}

static size_t post_key(uint8_t key[POST_KEY_MAX], uint8_t kind, const char *stem, uint64_t doc)
{
    size_t sl = strlen(stem);
    key[0] = kind;
    memcpy(key + 1, stem, sl);
    key[1 + sl] = 0;
    put_u64(key + 2 + sl, doc);
    return 10 + sl;
}

/* Add (sign 1) or remove (sign -1) the postings of a document made of the given texts. */
static int index_doc(store_txn *t, uint8_t kind, uint64_t doc, const store_text *texts, int ntexts,
                     int sign)
{
    token_list l = {0};
    const char **w;
    int rc = doc_stems(t, texts, ntexts, &l, &w);
    if (rc) return rc;
    uint32_t dl = l.n > UINT32_MAX ? UINT32_MAX : (uint32_t)l.n;
    for (size_t i = 0; i < l.n && !rc;) {
        size_t j = i + 1;
        while (j < l.n && !strcmp(w[j], w[i]))
            j++;
        uint8_t key[POST_KEY_MAX];
        size_t kl = post_key(key, kind, w[i], doc);
        if (sign > 0) {
            uint8_t v[8];
            put_u32(v, (uint32_t)(j - i));
            put_u32(v + 4, dl);
            rc = sdb_put(t, DB_TXTPOST, key, kl, v, sizeof v, 0);
        } else {
            rc = sdb_del(t, DB_TXTPOST, key, kl);
            if (rc == CLAIMDB_NOTFOUND) rc = CLAIMDB_OK;
        }
        i = j;
    }
    free(w);
    token_list_free(&l);
    char docs[32], words[32];
    stat_names(kind, docs, words);
    if (!rc) rc = sdb_u64_add(t, DB_META, docs, strlen(docs), sign, false);
    if (!rc) rc = sdb_u64_add(t, DB_META, words, strlen(words), sign * (int64_t)dl, false);
    return rc;
}

int text_index_verify_review(store_txn *t, const store_review *r, uint64_t *postings,
                             uint64_t *words, bool *ok)
{
    const store_text texts[2] = {r->text, r->title};
    token_list l = {0};
    const char **w;
    int rc = doc_stems(t, texts, 2, &l, &w);
    if (rc) return rc;
    *ok = true;
    *words += l.n;
    for (size_t i = 0; i < l.n && !rc;) {
        size_t j = i + 1;
        while (j < l.n && !strcmp(w[j], w[i]))
            j++;
        (*postings)++;
        uint8_t key[POST_KEY_MAX];
        size_t kl = post_key(key, STORE_TEXT_REVIEW, w[i], r->id);
        MDB_val v;
        rc = sdb_get(t, DB_TXTPOST, key, kl, &v);
        if (rc == CLAIMDB_NOTFOUND) {
            *ok = false;
            rc = CLAIMDB_OK;
        } else if (!rc && (v.mv_size != 8 || get_u32(v.mv_data) != j - i ||
                           get_u32((const uint8_t *)v.mv_data + 4) != l.n)) {
            *ok = false;
        }
        i = j;
    }
    free(w);
    token_list_free(&l);
    return rc;
}

int text_index_review(store_txn *t, const store_review *r, int sign)
{
    const store_text texts[2] = {r->text, r->title};
    return index_doc(t, STORE_TEXT_REVIEW, r->id, texts, 2, sign);
}

int store_text_stats(store_txn *t, uint8_t kind, uint64_t *docs, uint64_t *words)
{
    int rc = txn_check_read(t);
    if (rc) return rc;
    char dn[32], wn[32];
    stat_names(kind, dn, wn);
    if ((rc = sdb_u64_get(t, DB_META, dn, strlen(dn), docs))) return rc;
    return sdb_u64_get(t, DB_META, wn, strlen(wn), words);
}

int store_postings_open(store_txn *t, uint8_t kind, const char *stem, store_cursor **out)
{
    size_t sl = strlen(stem);
    if (sl > TOKEN_MAX) sl = TOKEN_MAX;
    uint8_t p[1 + TOKEN_MAX + 1];
    p[0] = kind;
    memcpy(p + 1, stem, sl);
    p[1 + sl] = 0;
    return cur_open(t, DB_TXTPOST, p, sl + 2, out);
}

int store_cursor_next_posting(store_cursor *c, uint64_t *doc, uint32_t *tf, uint32_t *dl)
{
    MDB_val k, v;
    int r = cur_step(c, &k, &v);
    if (r != CLAIMDB_ROW) return r;
    if (c->db != DB_TXTPOST || k.mv_size != c->plen + 8 || v.mv_size != 8)
        return store_seterr(c->t->st, CLAIMDB_CORRUPT, "damaged text index");
    *doc = get_u64((const uint8_t *)k.mv_data + c->plen);
    *tf = get_u32(v.mv_data);
    *dl = get_u32((const uint8_t *)v.mv_data + 4);
    return CLAIMDB_ROW;
}
