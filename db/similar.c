/* similar.c — SIMILAR "text" [IN REVIEWS | QUOTES | CLAIMS] [MIN score] [LIMIT k]: the
 * reviews, citation quotes and claims whose text is closest to a claim, ranked by BM25 over
 * the stemmed words of the text index (store_text.c).
 *
 * The score is BM25 divided by the BM25 score of the query's own text taken as a document
 * (every query word once, in a document of the query's length), capped at 1: a document that
 * says the same words as the query scores 1, whatever the query's length, and a query word
 * that no document holds (it has the greatest idf) lowers every score. So a claim whose
 * distinctive words are all found scores high, one that shares only common words low. A
 * document that repeats the query's words in fewer other words may exceed the self score: the
 * cap keeps the range [0, 1].
 *
 * That BM25 score is then fused, over BM25's best RERANK_POOL documents, with the cosine of
 * the character 3- to 5-gram sets of query and document (ngram.c), which forgives spellings
 * the stemmer does not join: score = (1 - NGRAM_WEIGHT) * bm25 + NGRAM_WEIGHT * cosine, in
 * [0, 1]; identical texts score 1.
 *
 * Each kind of document is ranked against its own collection (its idf, its mean length, its
 * self score): a score says how much of the query a document holds relative to that
 * collection, on the same [0, 1] scale for every kind, so that without IN the kinds are
 * merged by score. */
#include "engine.h"
#include "ngram.h"
#include "ratings.h"
#include "text_token.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Chosen on CheckThat!'s training split (MAP@5, with the n-gram fusion below): k1 1.2 b 0.75
 * (the usual) 0.8459, 1.2/0.5 0.8499, 1.2/0.4 0.8502, 1.2/0.3 0.8471, 1.5/0.75 0.8475,
 * 1.5/0.5 0.8508, 0.9/0.75 0.8459. Claims are short: length matters less than in documents. */
#define BM25_K1 1.5
#define BM25_B 0.5
#define SIMILAR_DEFAULT_LIMIT 10
/* The n-gram cosine's share of the score, chosen on CheckThat!'s training split with k1 1.2,
 * b 0.75 (MAP@5 0.841 with BM25 alone, 0.846 at 0.2 and 0.3, 0.845 at 0.4, 0.839 at 0.5). With
 * k1 1.5, b 0.5 it is 0.8438 alone, 0.8508 fused on train, but 0.8082 alone and 0.8028 fused
 * on the development split: a small gain that does not carry over to every sample. */
#define NGRAM_WEIGHT 0.3
/* BM25's best this many (at least LIMIT) are re-ranked with n-grams. On the training split 50
 * gave MAP@5 0.8466 and 20 gave 0.8459 at half the time (1.5 ms a query against 3.6). */
#define RERANK_POOL 20

static const char *const columns[] = {"kind", "ref", "text", "score", "verdict"};

/* Scores by document id, in an array as long as the kind's ids go (the ids of a kind are
 * dense: a counter's values), with the list of the ids scored. A hash table was half of a
 * query's time over a million quotes. */
typedef struct acc {
    double *score;
    uint64_t cap; /* ids [0, cap) */
    uint64_t *touched;
    size_t n, tcap;
} acc;

static int acc_add(acc *a, uint64_t id, double s)
{
    if (id >= a->cap) { /* past the counter read at the start: grow, to be safe */
        uint64_t nc = id + 1 + a->cap / 2;
        double *ns = realloc(a->score, nc * sizeof *ns);
        if (!ns) return CLAIMDB_NOMEM;
        memset(ns + a->cap, 0, (nc - a->cap) * sizeof *ns);
        a->score = ns;
        a->cap = nc;
    }
    if (a->score[id] == 0) {
        if (a->n == a->tcap) {
            size_t nc = a->tcap ? 2 * a->tcap : 1024;
            uint64_t *nt = realloc(a->touched, nc * sizeof *nt);
            if (!nt) return CLAIMDB_NOMEM;
            a->touched = nt;
            a->tcap = nc;
        }
        a->touched[a->n++] = id;
    }
    a->score[id] += s;
    return CLAIMDB_OK;
}

typedef struct hit {
    uint64_t id;
    double score;
    uint8_t kind; /* STORE_TEXT_* */
} hit;

/* Equal scores: reviews, then quotes, then claims; within a kind the older first. */
static int kind_rank(uint8_t kind)
{
    return kind == STORE_TEXT_REVIEW ? 0 : kind == STORE_TEXT_QUOTE ? 1 : 2;
}

static int cmp_hit(const void *x, const void *y)
{
    const hit *a = x, *b = y;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    if (a->kind != b->kind) return kind_rank(a->kind) - kind_rank(b->kind);
    return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The query's distinct stems, sorted (*w points into *l). */
static int query_stems(const char *q, size_t qn, token_list *l, const char ***w, size_t *nw)
{
    *w = NULL;
    *nw = 0;
    text_tokenizer *tk = text_tokenizer_new();
    if (!tk) return CLAIMDB_NOMEM;
    int rc = text_tokenize(tk, q, qn, l);
    text_tokenizer_free(tk);
    if (!rc && l->n && !(*w = malloc(l->n * sizeof **w))) rc = CLAIMDB_NOMEM;
    if (rc) return rc;
    for (size_t i = 0; i < l->n; i++)
        (*w)[i] = token_at(l, i);
    if (l->n) qsort(*w, l->n, sizeof **w, cmp_str);
    for (size_t i = 0; i < l->n; i++)
        if (!*nw || strcmp((*w)[i], (*w)[*nw - 1])) (*w)[(*nw)++] = (*w)[i];
    return CLAIMDB_OK;
}

/* Add one query word's BM25 contributions to a; *bound gets its contribution to the query's
 * self score (tf 1 in a document of qlen words). */
static int score_word(store_txn *txn, uint8_t kind, const char *stem, double ndocs, double avgdl,
                      double qlen, acc *a, double *bound)
{
    /* idf needs the list's length before any score: the blocks' counts give it. */
    store_postings *c;
    uint64_t df;
    int rc = store_postings_open(txn, kind, stem, &c);
    if (rc) return rc;
    rc = store_postings_count(c, UINT64_MAX, &df);
    store_postings_close(c);
    if (rc) return rc;
    double idf = log(1.0 + (ndocs - (double)df + 0.5) / ((double)df + 0.5));
    /* A word no document holds still counts in the bound: it lowers every score. */
    *bound = idf * (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * qlen / avgdl));
    if (!df) return CLAIMDB_OK;
    if ((rc = store_postings_open(txn, kind, stem, &c))) return rc;
    uint64_t doc;
    uint32_t tf, dl;
    int r = CLAIMDB_DONE;
    double k1 = BM25_K1 * (1 - BM25_B), k2 = BM25_K1 * BM25_B / avgdl;
    while (!rc && (r = store_postings_next(c, &doc, &tf, &dl)) == CLAIMDB_ROW)
        rc = acc_add(a, doc, idf * tf * (BM25_K1 + 1) / (tf + k1 + k2 * dl));
    store_postings_close(c);
    return rc ? rc : store_step_err(r);
}

/* Is x worse than y (lower score, or equal and later)? The heap keeps the worst on top. */
static bool worse(const hit *x, const hit *y)
{
    return cmp_hit(x, y) > 0;
}

static void heap_down(hit *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && worse(&h[l], &h[m])) m = l;
        if (r < n && worse(&h[r], &h[m])) m = r;
        if (m == i) return;
        hit t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/* The best pool hits of the query's stems w[0, nw) (qlen words) among the documents of kind,
 * best first; *bound is the score's upper bound. */
static int rank(store_txn *txn, uint8_t kind, const char *const *w, size_t nw, size_t qlen,
                size_t pool, hit **out, size_t *nout, double *bound)
{
    *out = NULL;
    *nout = 0;
    *bound = 0;
    uint64_t ndocs, nwords, maxid;
    int rc = store_text_stats(txn, kind, &ndocs, &nwords);
    if (rc || ndocs == 0 || nw == 0 || pool == 0) return rc;
    if ((rc = store_text_maxdoc(txn, kind, &maxid))) return rc;
    acc a = {0};
    a.cap = maxid + 1;
    if (!(a.score = calloc(a.cap, sizeof *a.score))) return CLAIMDB_NOMEM;
    double avgdl = nwords ? (double)nwords / (double)ndocs : 1.0;
    /* Each distinct word counts once: a tweet that repeats a hashtag says no more. */
    for (size_t i = 0; i < nw && !rc; i++) {
        double b = 0;
        rc = score_word(txn, kind, w[i], (double)ndocs, avgdl, (double)qlen, &a, &b);
        *bound += b;
    }
    /* The best pool: a heap of them, the worst on top. */
    size_t k = pool < a.n ? pool : a.n;
    hit *h = NULL;
    if (!rc && k && !(h = malloc(k * sizeof *h))) rc = CLAIMDB_NOMEM;
    if (!rc && k) {
        size_t n = 0;
        for (size_t i = 0; i < a.n; i++) {
            hit x = {a.touched[i], a.score[a.touched[i]], kind};
            if (n < k) {
                h[n++] = x;
                if (n == k)
                    for (size_t j = k / 2; j-- > 0;)
                        heap_down(h, k, j);
            } else if (worse(&h[0], &x)) {
                h[0] = x;
                heap_down(h, k, 0);
            }
        }
        qsort(h, k, sizeof *h, cmp_hit);
        *out = h;
        *nout = k;
    }
    free(a.score);
    free(a.touched);
    return rc;
}

/* The texts a document's n-grams are taken from. */
static int doc_texts(store_txn *txn, const hit *h, store_text *a, store_text *b)
{
    if (h->kind == STORE_TEXT_REVIEW) {
        store_review r;
        int rc = store_review_get(txn, h->id, &r);
        *a = r.text;
        *b = r.title;
        return rc;
    }
    store_text_doc d;
    int rc = store_text_doc_get(txn, h->kind, h->id, &d);
    *a = d.text;
    *b = d.extra;
    return rc;
}

/* Fuse BM25 (normalised) with the character n-gram cosine of query and document over the
 * first pool hits, and sort those again. */
static int rerank(store_txn *txn, const char *q, size_t qn, hit *h, size_t pool, double bound,
                  double weight)
{
    text_tokenizer *tk = text_tokenizer_new();
    if (!tk) return CLAIMDB_NOMEM;
    ngram_set qs;
    int rc = ngram_set_make(tk, q, qn, &qs);
    for (size_t i = 0; i < pool && !rc; i++) {
        store_text ta, tb;
        if ((rc = doc_texts(txn, &h[i], &ta, &tb))) break;
        ngram_set ds;
        if ((rc = ngram_set_make2(tk, ta.ptr, ta.len, tb.ptr, tb.len, &ds))) break;
        double b = bound > 0 ? h[i].score / bound : 0;
        if (b > 1) b = 1;
        h[i].score = (1 - weight) * b + weight * ngram_cosine(&qs, &ds);
        ngram_set_free(&ds);
    }
    ngram_set_free(&qs);
    text_tokenizer_free(tk);
    if (!rc) qsort(h, pool, sizeof *h, cmp_hit);
    return rc;
}

/* A claim as ClaimQL writes it: [NOT] subject predicate object, a term quoted unless it is
 * one plain word. */
static int put_term(store_txn *txn, term_id id, char sep, char **buf, size_t *n, size_t *cap)
{
    store_text t;
    int rc = store_term_text(txn, id, &t);
    if (rc) return rc;
    bool plain = t.len > 0;
    for (size_t i = 0; i < t.len && plain; i++) {
        unsigned char c = (unsigned char)t.ptr[i];
        plain = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9' && i > 0) || c == '_' || (c == '-' && i > 0);
    }
    size_t need = *n + 2 * t.len + 4;
    if (need > *cap) {
        size_t nc = *cap ? *cap : 64;
        while (nc < need)
            nc *= 2;
        char *nb = realloc(*buf, nc);
        if (!nb) return CLAIMDB_NOMEM;
        *buf = nb;
        *cap = nc;
    }
    if (sep) (*buf)[(*n)++] = sep;
    if (!plain) (*buf)[(*n)++] = '"';
    for (size_t i = 0; i < t.len; i++) {
        if (!plain && (t.ptr[i] == '"' || t.ptr[i] == '\\')) (*buf)[(*n)++] = '\\';
        (*buf)[(*n)++] = t.ptr[i];
    }
    if (!plain) (*buf)[(*n)++] = '"';
    return CLAIMDB_OK;
}

/* The ref of a quote ("article N: claim") or a claim ("claim"), malloc'd in *out. */
static int claim_ref(store_txn *txn, const store_text_doc *d, char **out, size_t *len)
{
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = CLAIMDB_OK;
    char head[48] = "";
    if (d->kind == STORE_TEXT_QUOTE)
        snprintf(head, sizeof head, "article %llu: ", (unsigned long long)d->article);
    if (!d->k.pol) strcat(head, "NOT ");
    size_t hl = strlen(head);
    if (!(buf = malloc(hl + 64))) return CLAIMDB_NOMEM;
    cap = hl + 64;
    memcpy(buf, head, hl);
    n = hl;
    if (!rc) rc = put_term(txn, d->k.s, 0, &buf, &n, &cap);
    if (!rc) rc = put_term(txn, d->k.p, ' ', &buf, &n, &cap);
    if (!rc) rc = put_term(txn, d->k.o, ' ', &buf, &n, &cap);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return CLAIMDB_OK;
}

static int add_row(store_txn *txn, rowset *rs, const hit *h)
{
    if (h->kind == STORE_TEXT_REVIEW) {
        store_review r;
        int rc = store_review_get(txn, h->id, &r);
        if (rc) return rc;
        value row[COUNT_OF(columns)] = {v_cstr("review"), v_text(r.url.ptr, r.url.len),
                                        v_text(r.text.ptr, r.text.len), v_real(h->score),
                                        v_cstr(verdict_name(r.verdict))};
        return rowset_add(rs, row);
    }
    store_text_doc d;
    int rc = store_text_doc_get(txn, h->kind, h->id, &d);
    char *ref;
    size_t rl;
    if (rc || (rc = claim_ref(txn, &d, &ref, &rl))) return rc;
    value row[COUNT_OF(columns)] = {v_cstr(h->kind == STORE_TEXT_QUOTE ? "quote" : "claim"),
                                    v_text(ref, rl), v_text(d.text.ptr, d.text.len),
                                    v_real(h->score), v_null()};
    rc = rowset_add(rs, row);
    free(ref);
    return rc;
}

static int similar_start(claimdb_stmt *stmt, exec **out)
{
    const ast_similar_stmt *s = &stmt->ast->u.similar;
    const char *q;
    size_t qn;
    char buf[64];
    int rc = stmt_value_text(stmt, &s->text, "SIMILAR", &q, &qn, buf, sizeof buf);
    if (rc) return rc;
    double min = 0;
    if (s->min.kind != VAL_NONE && (rc = stmt_value_real(stmt, &s->min, "MIN", &min))) return rc;
    uint64_t limit = SIMILAR_DEFAULT_LIMIT;
    if (s->limit.kind != VAL_NONE && (rc = stmt_value_uint(stmt, &s->limit, "LIMIT", &limit)))
        return rc;
    /* Without IN, the kinds indexed; IN a kind that is not: say which statement indexes it. */
    unsigned on;
    if ((rc = store_text_kinds(stmt->txn, &on))) return db_store_error(stmt->db, rc);
    if (s->in == SIMILAR_IN_QUOTES || s->in == SIMILAR_IN_CLAIMS) {
        const char *what = s->in == SIMILAR_IN_QUOTES ? "QUOTES" : "CLAIMS";
        if (!store_text_kind_on(on,
                                s->in == SIMILAR_IN_QUOTES ? STORE_TEXT_QUOTE : STORE_TEXT_CLAIM))
            return stmt_error_at(stmt, CLAIMDB_ERROR, s->in_loc.off,
                                 "%s are not in the text index: CREATE TEXT INDEX ON %s; builds it",
                                 what, what);
    }
    /* The query text may live in a binding that a row's values must not outlive: copy it. */
    char *qc = malloc(qn + 1);
    if (!qc) return db_nomem(stmt->db);
    memcpy(qc, q, qn);
    qc[qn] = '\0';
    static const uint8_t kinds[3] = {STORE_TEXT_REVIEW, STORE_TEXT_QUOTE, STORE_TEXT_CLAIM};
    token_list l = {0};
    const char **w = NULL;
    size_t nw = 0;
    rc = query_stems(qc, qn, &l, &w, &nw);
    /* Each kind's best pool, re-ranked, then all of them merged by score. */
    size_t pool = limit > RERANK_POOL ? (size_t)limit : RERANK_POOL;
    hit *all = NULL;
    size_t nall = 0;
    for (int i = 0; i < 3 && !rc; i++) {
        if (s->in != SIMILAR_IN_ALL && (int)s->in != (int)SIMILAR_IN_REVIEWS + i) continue;
        if (!store_text_kind_on(on, kinds[i])) continue;
        hit *h;
        size_t n;
        double bound;
        if ((rc = rank(stmt->txn, kinds[i], w, nw, l.n, pool, &h, &n, &bound))) break;
        size_t p = n;
        if (p) rc = rerank(stmt->txn, qc, qn, h, p, bound, NGRAM_WEIGHT);
        hit *na = rc || !p ? all : realloc(all, (nall + p) * sizeof *na);
        if (!na && p && !rc) rc = CLAIMDB_NOMEM;
        if (!rc && p) {
            all = na;
            memcpy(all + nall, h, p * sizeof *h);
            nall += p;
        }
        free(h);
    }
    free(w);
    token_list_free(&l);
    free(qc);
    if (!rc && nall) qsort(all, nall, sizeof *all, cmp_hit);
    rowset *rs = rc ? NULL : rowset_new(stmt->ncols);
    if (!rc && !rs) rc = CLAIMDB_NOMEM;
    for (size_t i = 0; i < nall && i < limit && !rc; i++) {
        if (all[i].score < min) break;
        rc = add_row(stmt->txn, rs, &all[i]);
    }
    free(all);
    if (rc) {
        rowset_free(rs);
        if (stmt->db->errcode == rc) return rc;
        return db_fail(stmt->db, rc);
    }
    return rowset_exec(rs, out);
}

const stmt_kind stmt_similar = {
    .mode = MODE_READ, .columns = columns, .ncolumns = COUNT_OF(columns), .start = similar_start};
