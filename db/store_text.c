/* store_text.c — the text index: posting lists of stemmed words over three kinds of
 * document, kept in the same write transactions as the data they come from (the *_apply
 * functions call it, so the write log's replay after map growth replays it too):
 *
 *   review 'r'  a review's claim_reviewed and title; its id is the review id
 *   quote  'q'  a citation's quote, with its claimant's name
 *   claim  'c'  a claim's subject, predicate and object, with the aliases of each
 *
 *   "txtpost" [kind][stem][0x00][first doc u64 BE] -> a block of postings (store_post.c)
 *   "txtdoc"  'D' [kind][doc u64 BE]     -> [ref][main text length u32 BE][main][extra]
 *             'R' [kind][ref key][doc u64 BE] -> empty: the documents of a ref
 *             'A' [term id u64 BE]       -> the texts of the term's aliases, one per line
 *   "meta"    "text.<kind>.docs", "text.<kind>.words" -> u64: documents and their words;
 *             "text.<kind>.next" -> the next document id of quotes and claims
 *
 * One prefix scan per query word yields its posting list with everything BM25 needs: the
 * document length rides in each posting (with the term frequency), so ranking reads no
 * document record. A quote or a
 * claim has no id of its own that fits a posting (a citation's key is 28 bytes and its slot
 * moves when a neighbour is deleted), so it gets a counter's next value, and 'R' finds it
 * again from the claim, the article and the hash of the quote (cite_quote_home). The 'D'
 * record keeps the indexed text: removing a document re-derives its postings from the text
 * it was indexed with, whatever happened since to the aliases or the claimant. The ref of a
 * quote is [claim key][article u64]; of a claim, [claim key] (IDX_SPO order).
 *
 * Reviews are always indexed. Quotes and claims are indexed once asked for (CREATE TEXT
 * INDEX ON QUOTES, CLAIMS): at a million claims they make a load three times the work and the
 * file three times the size, which a database that never searches them should not pay. The
 * kinds asked for are the meta counter "text.kinds" (STORE_TEXT_ON_*), which the write
 * transaction caches: every hook below asks it first. The alias texts ('A') are kept whatever
 * is indexed: they are one record per alias, and building the claims' kind needs them. */
#include "claimdb.h"
#include "store_internal.h"
#include "text_token.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void stat_names(uint8_t kind, char docs[32], char words[32])
{
    snprintf(docs, 32, "text.%c.docs", kind);
    snprintf(words, 32, "text.%c.words", kind);
}

/* ---- which kinds are indexed ---- */

bool store_text_kind_on(unsigned on, uint8_t kind)
{
    return kind == STORE_TEXT_REVIEW || (kind == STORE_TEXT_QUOTE && (on & STORE_TEXT_ON_QUOTES)) ||
           (kind == STORE_TEXT_CLAIM && (on & STORE_TEXT_ON_CLAIMS));
}

static int kind_on(store_txn *t, uint8_t kind, bool *on)
{
    uint64_t v;
    int rc = meta_u64(t, "text.kinds", &v);
    *on = !rc && store_text_kind_on((unsigned)v, kind);
    return rc;
}

int store_text_kinds(store_txn *t, unsigned *on)
{
    uint64_t v = 0;
    int rc = txn_check_read(t);
    if (!rc) rc = meta_u64(t, "text.kinds", &v);
    *on = rc ? 0 : (unsigned)v & (STORE_TEXT_ON_QUOTES | STORE_TEXT_ON_CLAIMS);
    return rc;
}

/* ---- pending writes ----
 *
 * A load of many citations adds a document per quote and per claim, each with some ten
 * postings scattered over the whole "txtpost" tree: written one by one they made a load ten
 * times slower. They are kept here instead, with the counters, and written in key order by
 * store_pend.c's flush (text_pend_flush), which runs before anything reads or deletes in
 * "txtpost" (pend_db), when a savepoint begins or ends, at commit, and when they grow past
 * TEXT_PEND_MAX. A savepoint rolled back or a replay after map growth forgets them
 * (pend_reset), as it forgets the other pending writes.
 *
 * The documents' records ('D') and ref keys ('R') wait there too, and are written in key
 * order with the postings: a ref key starts with its claim's key, so one at a time they went
 * all over "txtdoc". Only this file reads 'D' and 'R' in a write transaction, and it flushes
 * first (docs_sync); the alias texts ('A') are written at once and read at any time. */

/* Each flush past the first puts its keys in between those of the flushes before, which
 * splits pages half full: at a million claims (some 700 MB pending) a limit of 128 MB made the
 * load 22.5 s of CPU and the file 1,250 MB, 1 GiB 16.2 s and 900 MB, for 140 MB more peak RSS
 * (bench/README.md). */
#define TEXT_PEND_MAX ((size_t)1024 << 20)
#define NKINDS 3

/* The new postings of one stem: [kind][stem][0] and its postings, in the order added. */
typedef struct pstem {
    uint8_t key[1 + TOKEN_MAX + 1];
    uint8_t klen;
    bool unsorted; /* a document added before one added earlier (a review changed) */
    text_posting *p;
    size_t n, cap;
} pstem;

typedef struct text_pend {
    pstem *stems; /* by stem: a load of many documents appends to few lists */
    size_t nstems, capstems;
    uint32_t *slots; /* stem index + 1, 0 empty; nslots a power of two */
    size_t nslots;
    size_t bytes;                        /* memory held by the postings */
    int64_t docs[NKINDS], words[NKINDS]; /* counter deltas */
    bool counted;                        /* some delta is not 0 */
    uint64_t next[NKINDS];               /* next document id; 0: not read yet */
    bool next_dirty[NKINDS];
    /* Pending "txtdoc" records: each [key length u8][value length u32][key][value] in recs,
     * at the offsets in at. */
    uint8_t *recs;
    size_t nrecs_bytes, caprecs;
    size_t *at;
    size_t nat, capat;
} text_pend;

static int kind_index(uint8_t kind)
{
    return kind == STORE_TEXT_REVIEW ? 0 : kind == STORE_TEXT_QUOTE ? 1 : 2;
}

bool text_pend_any(const store_txn *t)
{
    const text_pend *p = t->pend.text;
    if (!p) return false;
    if (p->nstems || p->counted || p->nat) return true;
    for (int i = 0; i < NKINDS; i++)
        if (p->next_dirty[i]) return true;
    return false;
}

static void stems_free(text_pend *p)
{
    for (size_t i = 0; i < p->nstems; i++)
        free(p->stems[i].p);
    free(p->stems);
    free(p->slots);
    free(p->recs);
    free(p->at);
    p->stems = NULL;
    p->slots = NULL;
    p->recs = NULL;
    p->at = NULL;
    p->nstems = p->capstems = p->nslots = p->bytes = 0;
    p->nrecs_bytes = p->caprecs = p->nat = p->capat = 0;
}

void text_pend_free(store_txn *t)
{
    text_pend *p = t->pend.text;
    if (!p) return;
    stems_free(p);
    free(p);
    t->pend.text = NULL;
}

static text_pend *text_pend_get(store_txn *t)
{
    if (!t->pend.text) t->pend.text = calloc(1, sizeof *t->pend.text);
    return t->pend.text;
}

static uint64_t key_hash(const uint8_t *k, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++)
        h = (h ^ k[i]) * UINT64_C(0x100000001b3);
    return h ^ (h >> 29);
}

/* The pending list of a stem, made when new (NULL: out of memory). */
static pstem *stem_list(text_pend *p, const uint8_t *key, size_t kl)
{
    if (2 * (p->nstems + 1) > p->nslots) {
        size_t ns = p->nslots ? 2 * p->nslots : 1024;
        uint32_t *sl = calloc(ns, sizeof *sl);
        if (!sl) return NULL;
        for (size_t i = 0; i < p->nstems; i++) {
            size_t j = key_hash(p->stems[i].key, p->stems[i].klen) & (ns - 1);
            while (sl[j])
                j = (j + 1) & (ns - 1);
            sl[j] = (uint32_t)i + 1;
        }
        free(p->slots);
        p->slots = sl;
        p->nslots = ns;
    }
    size_t j = key_hash(key, kl) & (p->nslots - 1);
    for (; p->slots[j]; j = (j + 1) & (p->nslots - 1)) {
        pstem *s = &p->stems[p->slots[j] - 1];
        if (s->klen == kl && !memcmp(s->key, key, kl)) return s;
    }
    if (p->nstems == p->capstems) {
        size_t nc = p->capstems ? 2 * p->capstems : 256;
        pstem *n = realloc(p->stems, nc * sizeof *n);
        if (!n) return NULL;
        p->stems = n;
        p->capstems = nc;
    }
    pstem *s = &p->stems[p->nstems];
    memset(s, 0, sizeof *s);
    memcpy(s->key, key, kl);
    s->klen = (uint8_t)kl;
    p->slots[j] = (uint32_t)++p->nstems;
    return s;
}

static int pend_posting(store_txn *t, uint8_t kind, const char *stem, uint64_t doc, uint32_t tf,
                        uint32_t dl)
{
    uint8_t key[1 + TOKEN_MAX + 1];
    size_t sl = strlen(stem);
    if (sl > TOKEN_MAX) sl = TOKEN_MAX;
    key[0] = kind;
    memcpy(key + 1, stem, sl);
    key[1 + sl] = 0;
    text_pend *p = text_pend_get(t);
    pstem *s = p ? stem_list(p, key, sl + 2) : NULL;
    if (!s) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 4;
        text_posting *np = realloc(s->p, nc * sizeof *np);
        if (!np) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
        s->p = np;
        s->cap = nc;
        p->bytes += (nc - s->n) * sizeof *np;
    }
    if (s->n && s->p[s->n - 1].doc >= doc) s->unsorted = true;
    s->p[s->n++] = (text_posting){doc, tf, dl};
    t->pend.bytes += 6; /* what LMDB will store: a posting in a block */
    if (p->bytes > TEXT_PEND_MAX) return pend_flush(t);
    return CLAIMDB_OK;
}

/* Hold the "txtdoc" record key -> value (key at most 255 bytes) until the flush. */
static int pend_doc_put(store_txn *t, const uint8_t *key, size_t kl, const void *val, size_t vl)
{
    text_pend *p = text_pend_get(t);
    size_t need = 5 + kl + vl;
    if (!p || vl > UINT32_MAX) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    if (p->caprecs - p->nrecs_bytes < need) {
        size_t nc = p->caprecs ? 2 * p->caprecs : 1 << 16;
        while (nc - p->nrecs_bytes < need)
            nc *= 2;
        uint8_t *n = realloc(p->recs, nc);
        if (!n) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
        p->bytes += nc - p->caprecs;
        p->recs = n;
        p->caprecs = nc;
    }
    if (p->nat == p->capat) {
        size_t nc = p->capat ? 2 * p->capat : 1024;
        size_t *n = realloc(p->at, nc * sizeof *n);
        if (!n) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
        p->bytes += (nc - p->capat) * sizeof *n;
        p->at = n;
        p->capat = nc;
    }
    uint8_t *r = p->recs + p->nrecs_bytes;
    r[0] = (uint8_t)kl;
    put_u32(r + 1, (uint32_t)vl);
    memcpy(r + 5, key, kl);
    if (vl) memcpy(r + 5 + kl, val, vl);
    p->at[p->nat++] = p->nrecs_bytes;
    p->nrecs_bytes += need;
    t->pend.bytes += kl + vl + 16; /* what LMDB will store, about */
    if (p->bytes > TEXT_PEND_MAX) return pend_flush(t);
    return CLAIMDB_OK;
}

/* Before this file reads 'D' or 'R' in a write transaction: the pending records written. */
static int docs_sync(store_txn *t)
{
    const text_pend *p = t->pend.text;
    return t->write && p && p->nat ? pend_sync(t) : CLAIMDB_OK;
}

/* Pending records (pointers to them) in key order. */
static int cmp_rec(const void *a, const void *b)
{
    const uint8_t *x = *(const uint8_t *const *)a, *y = *(const uint8_t *const *)b;
    size_t n = x[0] < y[0] ? x[0] : y[0];
    int c = memcmp(x + 5, y + 5, n);
    return c ? c : (int)x[0] - (int)y[0];
}

static int cmp_stem(const void *a, const void *b)
{
    const pstem *x = *(const pstem *const *)a, *y = *(const pstem *const *)b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (int)x->klen - (int)y->klen;
}

static int cmp_doc(const void *a, const void *b)
{
    uint64_t x = ((const text_posting *)a)->doc, y = ((const text_posting *)b)->doc;
    return x < y ? -1 : x > y;
}

/* Write the pending "txtdoc" records in key order. */
static int docs_flush(store_txn *t, text_pend *p)
{
    if (!p->nat) return CLAIMDB_OK;
    const uint8_t **order = malloc(p->nat * sizeof *order);
    if (!order) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    for (size_t i = 0; i < p->nat; i++)
        order[i] = p->recs + p->at[i];
    qsort(order, p->nat, sizeof *order, cmp_rec);
    int rc = CLAIMDB_OK;
    for (size_t i = 0; i < p->nat && !rc; i++) {
        const uint8_t *r = order[i];
        rc = sdb_put(t, DB_TXTDOC, r + 5, r[0], r + 5 + r[0], get_u32(r + 1), 0);
    }
    free(order);
    return rc;
}

int text_pend_flush(store_txn *t)
{
    text_pend *p = t->pend.text;
    if (!p) return CLAIMDB_OK;
    int drc = docs_flush(t, p);
    if (drc) return drc;
    if (p->nstems) {
        /* Stems in key order, each list in document order: the blocks are written in order. */
        pstem **order = malloc(p->nstems * sizeof *order);
        if (!order) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
        for (size_t i = 0; i < p->nstems; i++)
            order[i] = &p->stems[i];
        qsort(order, p->nstems, sizeof *order, cmp_stem);
        int rc = CLAIMDB_OK;
        for (size_t i = 0; i < p->nstems && !rc; i++) {
            pstem *s = order[i];
            if (s->unsorted) qsort(s->p, s->n, sizeof *s->p, cmp_doc);
            rc = post_add(t, s->key, s->klen, s->p, s->n);
        }
        free(order);
        if (rc) return rc;
    }
    for (int i = 0; i < NKINDS; i++) {
        static const uint8_t kinds[NKINDS] = {STORE_TEXT_REVIEW, STORE_TEXT_QUOTE,
                                              STORE_TEXT_CLAIM};
        char name[32];
        int rc = CLAIMDB_OK;
        if (p->docs[i] || p->words[i]) {
            snprintf(name, sizeof name, "text.%c.docs", kinds[i]);
            rc = sdb_u64_add(t, DB_META, name, strlen(name), p->docs[i], false);
            snprintf(name, sizeof name, "text.%c.words", kinds[i]);
            if (!rc) rc = sdb_u64_add(t, DB_META, name, strlen(name), p->words[i], false);
        }
        if (!rc && p->next_dirty[i]) {
            uint8_t b[8];
            put_u64(b, p->next[i]);
            snprintf(name, sizeof name, "text.%c.next", kinds[i]);
            rc = sdb_put(t, DB_META, name, strlen(name), b, 8, 0);
        }
        if (rc) return rc;
    }
    /* Written: what is pending now is nothing (pend_flush resets the rest). */
    stems_free(p);
    memset(p->docs, 0, sizeof p->docs);
    memset(p->words, 0, sizeof p->words);
    memset(p->next_dirty, 0, sizeof p->next_dirty);
    p->counted = false;
    return CLAIMDB_OK;
}

/* The next document id of kind (a counter kept in the transaction). */
static int next_doc(store_txn *t, uint8_t kind, uint64_t *id)
{
    text_pend *p = text_pend_get(t);
    if (!p) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    int i = kind_index(kind);
    if (!p->next[i]) {
        char name[32];
        snprintf(name, sizeof name, "text.%c.next", kind);
        uint64_t n;
        int rc = sdb_u64_get(t, DB_META, name, strlen(name), &n);
        if (rc) return rc;
        p->next[i] = n ? n : 1;
    }
    *id = p->next[i]++;
    p->next_dirty[i] = true;
    return CLAIMDB_OK;
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

/* Add (sign 1) or remove (sign -1) the postings of a document made of the given texts. */
static int index_doc(store_txn *t, uint8_t kind, uint64_t doc, const store_text *texts, int ntexts,
                     int sign)
{
    token_list l = {0};
    const char **w;
    /* A removal edits blocks in place: the pending postings go first. */
    int rc = sign < 0 ? pend_sync(t) : CLAIMDB_OK;
    if (rc || (rc = doc_stems(t, texts, ntexts, &l, &w))) return rc;
    uint32_t dl = l.n > UINT32_MAX ? UINT32_MAX : (uint32_t)l.n;
    for (size_t i = 0; i < l.n && !rc;) {
        size_t j = i + 1;
        while (j < l.n && !strcmp(w[j], w[i]))
            j++;
        if (sign > 0) {
            rc = pend_posting(t, kind, w[i], doc, (uint32_t)(j - i), dl);
        } else {
            rc = post_remove(t, kind, w[i], doc);
            if (rc == CLAIMDB_NOTFOUND) rc = CLAIMDB_OK;
        }
        i = j;
    }
    free(w);
    token_list_free(&l);
    text_pend *p = rc ? NULL : text_pend_get(t);
    if (!rc && !p) rc = store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    if (!rc) {
        p->docs[kind_index(kind)] += sign;
        p->words[kind_index(kind)] += sign * (int64_t)dl;
        p->counted = true;
    }
    return rc;
}

/* Are the postings of document (kind, doc) made of texts all there with the right counts? */
static int verify_texts(store_txn *t, uint8_t kind, uint64_t doc, const store_text *texts,
                        int ntexts, uint64_t *postings, uint64_t *words, bool *ok)
{
    token_list l = {0};
    const char **w;
    int rc = doc_stems(t, texts, ntexts, &l, &w);
    if (rc) return rc;
    *ok = true;
    *words += l.n;
    for (size_t i = 0; i < l.n && !rc;) {
        size_t j = i + 1;
        while (j < l.n && !strcmp(w[j], w[i]))
            j++;
        (*postings)++;
        uint32_t tf, dl;
        rc = post_find(t, kind, w[i], doc, &tf, &dl);
        if (rc == CLAIMDB_NOTFOUND || rc == CLAIMDB_CORRUPT) {
            *ok = false;
            rc = CLAIMDB_OK;
        } else if (!rc && (tf != j - i || dl != l.n)) {
            *ok = false;
        }
        i = j;
    }
    free(w);
    token_list_free(&l);
    return rc;
}

int text_index_verify_review(store_txn *t, const store_review *r, uint64_t *postings,
                             uint64_t *words, bool *ok)
{
    const store_text texts[2] = {r->text, r->title};
    return verify_texts(t, STORE_TEXT_REVIEW, r->id, texts, 2, postings, words, ok);
}

int text_index_verify_doc(store_txn *t, const store_text_doc *d, uint64_t *postings,
                          uint64_t *words, bool *ok)
{
    const store_text texts[2] = {d->text, d->extra};
    return verify_texts(t, d->kind, d->id, texts, 2, postings, words, ok);
}

int text_index_review(store_txn *t, const store_review *r, int sign)
{
    const store_text texts[2] = {r->text, r->title};
    return index_doc(t, STORE_TEXT_REVIEW, r->id, texts, 2, sign);
}

int store_text_maxdoc(store_txn *t, uint8_t kind, uint64_t *max)
{
    int rc = txn_check_read(t);
    if (rc || (t->write && (rc = pend_sync(t)))) return rc;
    char name[32];
    snprintf(name, sizeof name, "text.%c.next", kind);
    uint64_t next;
    /* A review's id is the review's, from the counter the meta cache keeps. */
    rc = kind == STORE_TEXT_REVIEW ? meta_u64(t, "next_review", &next)
                                   : sdb_u64_get(t, DB_META, name, strlen(name), &next);
    if (rc) return rc;
    *max = next ? next - 1 : 0;
    return CLAIMDB_OK;
}

int store_text_stats(store_txn *t, uint8_t kind, uint64_t *docs, uint64_t *words)
{
    int rc = txn_check_read(t);
    if (rc || (t->write && (rc = pend_sync(t)))) return rc;
    char dn[32], wn[32];
    stat_names(kind, dn, wn);
    if ((rc = sdb_u64_get(t, DB_META, dn, strlen(dn), docs))) return rc;
    return sdb_u64_get(t, DB_META, wn, strlen(wn), words);
}

/* ---- quotes and claims ---- */

#define REF_QUOTE (CLAIM_KEY_LEN + 8) /* [claim key][article] */
#define REF_CLAIM CLAIM_KEY_LEN       /* [claim key] */
#define RKEY_MAX (2 + REF_QUOTE + 8)

static size_t ref_len(uint8_t kind)
{
    return kind == STORE_TEXT_QUOTE ? REF_QUOTE : REF_CLAIM;
}

static size_t doc_key(uint8_t key[10], uint8_t kind, uint64_t doc)
{
    key[0] = 'D';
    key[1] = kind;
    put_u64(key + 2, doc);
    return 10;
}

/* The 'R' key of a ref: a quote's ends with the hash its citation probes from. */
static size_t ref_key(uint8_t key[RKEY_MAX], uint8_t kind, const uint8_t *ref, store_text quote)
{
    key[0] = 'R';
    key[1] = kind;
    memcpy(key + 2, ref, ref_len(kind));
    if (kind != STORE_TEXT_QUOTE) return 2 + REF_CLAIM;
    put_u64(key + 2 + REF_QUOTE, cite_quote_home(quote));
    return 2 + REF_QUOTE + 8;
}

int store_text_doc_decode(uint8_t kind, const void *rec, size_t n, store_text_doc *out)
{
    const uint8_t *p = rec;
    size_t rl = ref_len(kind);
    if (n < rl + 4) return CLAIMDB_CORRUPT;
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->k = claim_key_get(p);
    if (kind == STORE_TEXT_QUOTE) out->article = get_u64(p + CLAIM_KEY_LEN);
    uint32_t ml = get_u32(p + rl);
    if (ml > n - rl - 4) return CLAIMDB_CORRUPT;
    out->text = (store_text){(const char *)p + rl + 4, ml};
    out->extra = (store_text){(const char *)p + rl + 4 + ml, n - rl - 4 - ml};
    return CLAIMDB_OK;
}

int store_text_doc_get(store_txn *t, uint8_t kind, uint64_t doc, store_text_doc *out)
{
    int rc = txn_check_read(t);
    if (rc || (rc = docs_sync(t))) return rc;
    uint8_t key[10];
    MDB_val v;
    if ((rc = sdb_get(t, DB_TXTDOC, key, doc_key(key, kind, doc), &v))) return rc;
    if (store_text_doc_decode(kind, v.mv_data, v.mv_size, out))
        return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged text index document");
    out->id = doc;
    return CLAIMDB_OK;
}

/* Store document (kind, ref) of texts main and extra under a new id, and index it. The texts
 * may point into the map: they are copied into the record before anything is written. */
static int doc_add(store_txn *t, uint8_t kind, const uint8_t *ref, store_text main,
                   store_text extra)
{
    size_t rl = ref_len(kind);
    if (main.len > UINT32_MAX) main.len = UINT32_MAX;
    size_t n = rl + 4 + main.len + extra.len;
    uint8_t *rec = malloc(n);
    if (!rec) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    memcpy(rec, ref, rl);
    put_u32(rec + rl, (uint32_t)main.len);
    if (main.len) memcpy(rec + rl + 4, main.ptr, main.len);
    if (extra.len) memcpy(rec + rl + 4 + main.len, extra.ptr, extra.len);
    uint64_t id = 0;
    int rc = next_doc(t, kind, &id);
    uint8_t dk[10];
    if (!rc) rc = pend_doc_put(t, dk, doc_key(dk, kind, id), rec, n);
    uint8_t rk[RKEY_MAX + 8]; /* the ref's key, then the document id */
    size_t rkl = ref_key(rk, kind, ref, (store_text){(const char *)rec + rl + 4, main.len});
    put_u64(rk + rkl, id);
    if (!rc) rc = pend_doc_put(t, rk, rkl + 8, "", 0);
    const store_text texts[2] = {{(const char *)rec + rl + 4, main.len},
                                 {(const char *)rec + rl + 4 + main.len, extra.len}};
    if (!rc) rc = index_doc(t, kind, id, texts, 2, 1);
    free(rec);
    return rc;
}

/* Remove document id of kind: its postings, its record and its 'R' key rk. */
static int doc_del(store_txn *t, uint8_t kind, uint64_t id, const uint8_t *rk, size_t rkl)
{
    store_text_doc d;
    int rc = store_text_doc_get(t, kind, id, &d);
    if (rc == CLAIMDB_NOTFOUND) return CLAIMDB_OK;
    const store_text texts[2] = {d.text, d.extra};
    /* index_doc cuts the texts (in the map) before it writes. */
    if (rc || (rc = index_doc(t, kind, id, texts, 2, -1))) return rc;
    uint8_t dk[10];
    if ((rc = sdb_del(t, DB_TXTDOC, dk, doc_key(dk, kind, id)))) return rc;
    rc = sdb_del(t, DB_TXTDOC, rk, rkl);
    return rc == CLAIMDB_NOTFOUND ? CLAIMDB_OK : rc;
}

typedef struct ref_ids {
    uint8_t (*keys)[RKEY_MAX + 8];
    size_t *klen;
    uint64_t *ids;
    size_t n, cap;
} ref_ids;

static void ref_ids_free(ref_ids *r)
{
    free(r->keys);
    free(r->klen);
    free(r->ids);
}

/* The documents whose 'R' key starts with prefix, read before any of them is removed. */
static int ref_ids_read(store_txn *t, const uint8_t *prefix, size_t plen, ref_ids *out)
{
    memset(out, 0, sizeof *out);
    store_cursor *c;
    int rc = docs_sync(t), r = 0;
    if (rc || (rc = cur_open(t, DB_TXTDOC, prefix, plen, &c))) return rc;
    MDB_val k, v;
    while (!rc && (r = cur_step(c, &k, &v)) == CLAIMDB_ROW) {
        if (k.mv_size > RKEY_MAX + 8 || k.mv_size < plen + 8) {
            rc = store_seterr(t->st, CLAIMDB_CORRUPT, "damaged text index reference");
            break;
        }
        if (out->n == out->cap) {
            size_t cap = out->cap ? 2 * out->cap : 8;
            void *a = realloc(out->keys, cap * sizeof *out->keys);
            if (a) out->keys = a;
            void *b = a ? realloc(out->klen, cap * sizeof *out->klen) : NULL;
            if (b) out->klen = b;
            void *d = b ? realloc(out->ids, cap * sizeof *out->ids) : NULL;
            if (!d) {
                rc = store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
                break;
            }
            out->ids = d;
            out->cap = cap;
        }
        memcpy(out->keys[out->n], k.mv_data, k.mv_size);
        out->klen[out->n] = k.mv_size;
        out->ids[out->n++] = get_u64((const uint8_t *)k.mv_data + k.mv_size - 8);
    }
    store_cursor_close(c);
    if (!rc) rc = store_step_err(r);
    if (rc) {
        ref_ids_free(out);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* The alias texts of a term ('A' record; ptr NULL when none). */
static int term_aliases(store_txn *t, term_id id, store_text *out)
{
    uint8_t key[9] = {'A'};
    put_u64(key + 1, id);
    MDB_val v;
    int rc = sdb_get(t, DB_TXTDOC, key, sizeof key, &v);
    *out = (store_text){NULL, 0};
    if (rc == CLAIMDB_NOTFOUND) return CLAIMDB_OK;
    if (!rc) *out = (store_text){v.mv_data, v.mv_size};
    return rc;
}

/* A growing byte buffer for building texts. */
typedef struct tbuf {
    char *p;
    size_t n, cap;
} tbuf;

static int tbuf_add(tbuf *b, const char *s, size_t n, char sep)
{
    if (n > SIZE_MAX / 4) return CLAIMDB_NOMEM;
    if (b->cap - b->n < n + 1) {
        size_t cap = b->cap ? b->cap : 128;
        while (cap - b->n < n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) return CLAIMDB_NOMEM;
        b->p = np;
        b->cap = cap;
    }
    if (b->n && sep) b->p[b->n++] = sep;
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    return CLAIMDB_OK;
}

int text_index_quote(store_txn *t, const claim_key *k, uint64_t article, store_text quote,
                     term_id claimant)
{
    bool on;
    int rc = kind_on(t, STORE_TEXT_QUOTE, &on);
    if (rc || !on || !quote.ptr) return rc; /* no quote, no document */
    uint8_t ref[REF_QUOTE];
    claim_key_encode(ref, IDX_SPO, k);
    put_u64(ref + CLAIM_KEY_LEN, article);
    /* The claimant's name and its aliases: "who said it" is searched by any of them. */
    tbuf who = {0};
    if (claimant) {
        store_text d, a;
        if ((rc = store_term_text(t, claimant, &d)) || (rc = term_aliases(t, claimant, &a)))
            return rc;
        if (tbuf_add(&who, d.ptr, d.len, 0) || (a.len && tbuf_add(&who, a.ptr, a.len, '\n'))) {
            free(who.p);
            return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
        }
    }
    rc = doc_add(t, STORE_TEXT_QUOTE, ref, quote, (store_text){who.p, who.n});
    free(who.p);
    return rc;
}

int text_unindex_quotes(store_txn *t, const claim_key *k, const uint64_t *article,
                        const store_text *quote)
{
    bool on;
    int rc = kind_on(t, STORE_TEXT_QUOTE, &on);
    if (rc || !on) return rc;
    uint8_t ref[REF_QUOTE];
    claim_key_encode(ref, IDX_SPO, k);
    if (article) put_u64(ref + CLAIM_KEY_LEN, *article);
    uint8_t prefix[RKEY_MAX];
    size_t plen = quote && article ? ref_key(prefix, STORE_TEXT_QUOTE, ref, *quote)
                                   : 2 + (article ? REF_QUOTE : REF_CLAIM);
    if (!(quote && article)) {
        prefix[0] = 'R';
        prefix[1] = STORE_TEXT_QUOTE;
        memcpy(prefix + 2, ref, plen - 2);
    }
    ref_ids r;
    rc = ref_ids_read(t, prefix, plen, &r);
    for (size_t i = 0; i < r.n && !rc; i++) {
        if (quote) {
            store_text_doc d;
            rc = store_text_doc_get(t, STORE_TEXT_QUOTE, r.ids[i], &d);
            if (rc == CLAIMDB_NOTFOUND) {
                rc = CLAIMDB_OK;
                continue;
            }
            if (rc || !store_quote_same(d.text, *quote)) continue;
        }
        rc = doc_del(t, STORE_TEXT_QUOTE, r.ids[i], r.keys[i], r.klen[i]);
    }
    ref_ids_free(&r);
    return rc;
}

int text_index_claim(store_txn *t, const claim_key *k)
{
    bool on;
    int rc = kind_on(t, STORE_TEXT_CLAIM, &on);
    if (rc || !on) return rc;
    tbuf main = {0}, extra = {0};
    const term_id ids[3] = {k->s, k->p, k->o};
    for (int i = 0; i < 3 && !rc; i++) {
        store_text d, a;
        if ((rc = store_term_text(t, ids[i], &d)) || (rc = term_aliases(t, ids[i], &a))) break;
        if (tbuf_add(&main, d.ptr, d.len, ' ') || (a.len && tbuf_add(&extra, a.ptr, a.len, '\n')))
            rc = store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    }
    uint8_t ref[REF_CLAIM];
    claim_key_encode(ref, IDX_SPO, k);
    if (!rc)
        rc = doc_add(t, STORE_TEXT_CLAIM, ref, (store_text){main.p, main.n},
                     (store_text){extra.p, extra.n});
    free(main.p);
    free(extra.p);
    return rc;
}

int text_unindex_claim(store_txn *t, const claim_key *k)
{
    bool on;
    int rc = kind_on(t, STORE_TEXT_CLAIM, &on);
    if (rc || !on) return rc;
    uint8_t ref[REF_CLAIM], rk[RKEY_MAX];
    claim_key_encode(ref, IDX_SPO, k);
    size_t rkl = ref_key(rk, STORE_TEXT_CLAIM, ref, (store_text){NULL, 0});
    ref_ids r;
    rc = ref_ids_read(t, rk, rkl, &r);
    for (size_t i = 0; i < r.n && !rc; i++)
        rc = doc_del(t, STORE_TEXT_CLAIM, r.ids[i], r.keys[i], r.klen[i]);
    ref_ids_free(&r);
    return rc;
}

int text_alias_added(store_txn *t, term_id alias, term_id canonical, const char *text, size_t len)
{
    store_text mine, theirs = {NULL, 0};
    int rc = term_aliases(t, canonical, &mine);
    tbuf b = {0};
    if (!rc && mine.len && tbuf_add(&b, mine.ptr, mine.len, 0)) rc = CLAIMDB_NOMEM;
    if (!rc && tbuf_add(&b, text, len, '\n')) rc = CLAIMDB_NOMEM;
    /* The alias's own aliases now point at the canonical term (repoint_aliases): so do their
     * texts. */
    if (!rc) rc = term_aliases(t, alias, &theirs);
    if (!rc && theirs.len && tbuf_add(&b, theirs.ptr, theirs.len, '\n')) rc = CLAIMDB_NOMEM;
    if (rc == CLAIMDB_NOMEM) rc = store_seterr(t->st, rc, "out of memory");
    uint8_t key[9] = {'A'};
    put_u64(key + 1, canonical);
    if (!rc) rc = sdb_put(t, DB_TXTDOC, key, sizeof key, b.p, b.n, 0);
    put_u64(key + 1, alias);
    if (!rc && theirs.ptr && (rc = sdb_del(t, DB_TXTDOC, key, sizeof key)) == CLAIMDB_NOTFOUND)
        rc = CLAIMDB_OK;
    free(b.p);
    return rc;
}

/* The quotes whose claimant is id, indexed again with its names (a scan of every citation,
 * as the alias's rewrite of claimants makes anyway). */
static int reindex_claimant(store_txn *t, term_id id)
{
    typedef struct qref {
        claim_key k;
        uint64_t article;
        char *quote;
        size_t len;
    } qref;
    qref *qs = NULL;
    size_t n = 0, cap = 0;
    store_cursor *c;
    int rc = cur_open(t, DB_CITE, NULL, 0, &c), r = 0;
    MDB_val k, v;
    while (!rc && (r = cur_step(c, &k, &v)) == CLAIMDB_ROW) {
        store_citation ct;
        if (k.mv_size != CITE_KEY_LEN || cite_value_decode(v.mv_data, v.mv_size, &ct)) {
            rc = store_seterr(t->st, CLAIMDB_CORRUPT, "damaged citation");
            break;
        }
        if (ct.claimant != id || !ct.quote.ptr) continue;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 16;
            qref *nq = realloc(qs, nc * sizeof *nq);
            if (!nq) {
                rc = store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
                break;
            }
            qs = nq;
            cap = nc;
        }
        const uint8_t *p = k.mv_data;
        qref q = {claim_key_get(p), get_u64(p + CITE_ART_OFF), malloc(ct.quote.len + 1),
                  ct.quote.len};
        if (!q.quote) {
            rc = store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
            break;
        }
        memcpy(q.quote, ct.quote.ptr, ct.quote.len);
        qs[n++] = q;
    }
    store_cursor_close(c);
    if (!rc) rc = store_step_err(r);
    for (size_t i = 0; i < n; i++) {
        store_text qt = {qs[i].quote, qs[i].len};
        if (!rc && !(rc = text_unindex_quotes(t, &qs[i].k, &qs[i].article, &qt)))
            rc = text_index_quote(t, &qs[i].k, qs[i].article, qt, id);
        free(qs[i].quote);
    }
    free(qs);
    return rc;
}

int text_reindex_term(store_txn *t, term_id id)
{
    claim_key *ks = NULL;
    size_t n = 0, cap = 0;
    bool claims, quotes;
    int rc = kind_on(t, STORE_TEXT_CLAIM, &claims);
    if (rc || (rc = kind_on(t, STORE_TEXT_QUOTE, &quotes))) return rc;
    for (uint8_t pol = 0; pol <= 1 && claims && !rc; pol++)
        for (int idx = IDX_SPO; idx <= IDX_OSP && !rc; idx++) {
            store_cursor *c;
            if ((rc = store_scan_open(t, (store_index)idx, pol, &id, 1, &c))) break;
            claim_key k;
            int r;
            while ((r = store_cursor_next_claim(c, &k)) == CLAIMDB_ROW) {
                /* A claim with the term in two roles is met twice: once is enough. */
                if ((idx == IDX_POS && k.s == id) || (idx == IDX_OSP && (k.s == id || k.p == id)))
                    continue;
                if (n == cap) {
                    size_t nc = cap ? 2 * cap : 16;
                    claim_key *nk = realloc(ks, nc * sizeof *nk);
                    if (!nk) {
                        r = store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
                        break;
                    }
                    ks = nk;
                    cap = nc;
                }
                ks[n++] = k;
            }
            store_cursor_close(c);
            rc = store_step_err(r);
        }
    for (size_t i = 0; i < n && !rc; i++)
        if (!(rc = text_unindex_claim(t, &ks[i]))) rc = text_index_claim(t, &ks[i]);
    free(ks);
    return rc || !quotes ? rc : reindex_claimant(t, id);
}

/* ---- rebuilding ---- */

static int drop_all(store_txn *t)
{
    int mrc = mdb_drop(txn_mdb(t), txn_dbi(t, DB_TXTPOST), 0);
    if (!mrc) mrc = mdb_drop(txn_mdb(t), txn_dbi(t, DB_TXTDOC), 0);
    if (mrc) return store_mdb_err(t->st, mrc, "emptying the text index");
    static const uint8_t kinds[] = {STORE_TEXT_REVIEW, STORE_TEXT_QUOTE, STORE_TEXT_CLAIM};
    static const char *const what[] = {"docs", "words", "next"};
    for (size_t i = 0; i < sizeof kinds; i++)
        for (size_t j = 0; j < sizeof what / sizeof *what; j++) {
            char name[32];
            snprintf(name, sizeof name, "text.%c.%s", kinds[i], what[j]);
            int rc = sdb_del(t, DB_META, name, strlen(name));
            if (rc && rc != CLAIMDB_NOTFOUND) return rc;
        }
    return CLAIMDB_OK;
}

/* Call fn with every record of db, in key order, until it returns an error. */
static int each_record(store_txn *t, int db,
                       int (*fn)(store_txn *t, const MDB_val *k, const MDB_val *v))
{
    store_cursor *c;
    int rc = cur_open(t, db, NULL, 0, &c), r = 0;
    MDB_val k, v;
    while (!rc && (r = cur_step(c, &k, &v)) == CLAIMDB_ROW)
        rc = fn(t, &k, &v);
    store_cursor_close(c);
    return rc ? rc : store_step_err(r);
}

static int rebuild_review(store_txn *t, const MDB_val *k, const MDB_val *v)
{
    store_review rv = {0};
    if (k->mv_size != 8 || review_value_decode(v->mv_data, v->mv_size, &rv))
        return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged review record");
    rv.id = get_u64(k->mv_data);
    return text_index_review(t, &rv, 1);
}

/* The alias texts first: claims are indexed with them. */
static int rebuild_alias(store_txn *t, const MDB_val *k, const MDB_val *v)
{
    MDB_val own;
    store_text d;
    if (v->mv_size != 8) return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged alias");
    term_id canonical = get_u64(v->mv_data);
    int rc = sdb_get(t, DB_TERM, k->mv_data, k->mv_size, &own);
    if (rc) return rc;
    if (own.mv_size != 8) return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged term dictionary");
    if ((rc = store_term_text(t, get_u64(own.mv_data), &d))) return rc;
    /* d is in the map, which the write below may change: copy it. */
    char *copy = malloc(d.len ? d.len : 1);
    if (!copy) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    memcpy(copy, d.ptr, d.len);
    rc = text_alias_added(t, get_u64(own.mv_data), canonical, copy, d.len);
    free(copy);
    return rc;
}

static int rebuild_quote(store_txn *t, const MDB_val *k, const MDB_val *v)
{
    store_citation ct;
    if (k->mv_size != CITE_KEY_LEN || cite_value_decode(v->mv_data, v->mv_size, &ct))
        return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged citation");
    const uint8_t *p = k->mv_data;
    claim_key ck = claim_key_get(p);
    return text_index_quote(t, &ck, get_u64(p + CITE_ART_OFF), ct.quote, ct.claimant);
}

static int rebuild_claims(store_txn *t)
{
    int rc = CLAIMDB_OK;
    for (uint8_t pol = 0; pol <= 1 && !rc; pol++) {
        store_cursor *c;
        if ((rc = store_scan_open(t, IDX_SPO, pol, NULL, 0, &c))) break;
        claim_key k;
        int r = 0;
        while (!rc && (r = store_cursor_next_claim(c, &k)) == CLAIMDB_ROW)
            rc = text_index_claim(t, &k);
        store_cursor_close(c);
        if (!rc) rc = store_step_err(r);
    }
    return rc;
}

int text_rebuild_apply(store_txn *t)
{
    bool quotes, claims;
    int rc = pend_sync(t);
    if (rc || (rc = drop_all(t)) || (rc = each_record(t, DB_REVIEW, rebuild_review)) ||
        (rc = each_record(t, DB_ALIAS, rebuild_alias)) ||
        (rc = kind_on(t, STORE_TEXT_QUOTE, &quotes)) ||
        (rc = kind_on(t, STORE_TEXT_CLAIM, &claims)))
        return rc;
    if (quotes && (rc = each_record(t, DB_CITE, rebuild_quote))) return rc;
    return claims ? rebuild_claims(t) : CLAIMDB_OK;
}

/* Delete every key of db that starts with prefix. */
static int drop_prefix(store_txn *t, int db, const uint8_t *prefix, size_t plen)
{
    MDB_cursor *mc;
    int mrc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, db), &mc);
    if (mrc) return store_mdb_err(t->st, mrc, "emptying the text index");
    MDB_val k = {plen, (void *)prefix}, v;
    mrc = mdb_cursor_get(mc, &k, &v, MDB_SET_RANGE);
    while (!mrc && k.mv_size >= plen && !memcmp(k.mv_data, prefix, plen)) {
        if ((mrc = mdb_cursor_del(mc, 0))) break;
        /* Sought again: after a delete empties a page, where the cursor stands is not sure. */
        k = (MDB_val){plen, (void *)prefix};
        mrc = mdb_cursor_get(mc, &k, &v, MDB_SET_RANGE);
    }
    mdb_cursor_close(mc);
    if (mrc && mrc != MDB_NOTFOUND) return store_mdb_err(t->st, mrc, "emptying the text index");
    return CLAIMDB_OK;
}

/* Remove the postings, documents and counters of one kind. */
static int drop_kind(store_txn *t, uint8_t kind)
{
    const uint8_t post[1] = {kind}, docs[2] = {'D', kind}, refs[2] = {'R', kind};
    int rc;
    if ((rc = drop_prefix(t, DB_TXTPOST, post, 1)) || (rc = drop_prefix(t, DB_TXTDOC, docs, 2)) ||
        (rc = drop_prefix(t, DB_TXTDOC, refs, 2)))
        return rc;
    static const char *const what[] = {"docs", "words", "next"};
    for (size_t j = 0; j < sizeof what / sizeof *what; j++) {
        char name[32];
        snprintf(name, sizeof name, "text.%c.%s", kind, what[j]);
        if ((rc = sdb_del(t, DB_META, name, strlen(name))) && rc != CLAIMDB_NOTFOUND) return rc;
    }
    /* The counters the transaction holds are gone with the records. */
    text_pend *p = t->pend.text;
    if (p) p->next[kind_index(kind)] = 0;
    return CLAIMDB_OK;
}

int text_kinds_apply(store_txn *t, unsigned kinds)
{
    uint64_t v;
    int rc = pend_sync(t);
    if (rc || (rc = meta_u64(t, "text.kinds", &v))) return rc;
    unsigned old = (unsigned)v;
    /* The hooks index what the counter names: set first, so that a build's documents go in. */
    if ((rc = meta_set(t, "text.kinds", kinds))) return rc;
    if ((kinds & ~old & STORE_TEXT_ON_QUOTES) && (rc = each_record(t, DB_CITE, rebuild_quote)))
        return rc;
    if ((kinds & ~old & STORE_TEXT_ON_CLAIMS) && (rc = rebuild_claims(t))) return rc;
    /* The builds' postings are pending: written before a drop edits the same tree. */
    if ((old & ~kinds) && (rc = pend_sync(t))) return rc;
    if ((old & ~kinds & STORE_TEXT_ON_QUOTES) && (rc = drop_kind(t, STORE_TEXT_QUOTE))) return rc;
    if ((old & ~kinds & STORE_TEXT_ON_CLAIMS) && (rc = drop_kind(t, STORE_TEXT_CLAIM))) return rc;
    return CLAIMDB_OK;
}

int store_text_set_kinds(store_txn *t, unsigned add, unsigned drop)
{
    unsigned on;
    int rc = txn_check_write(t);
    if (rc || (rc = store_text_kinds(t, &on))) return rc;
    unsigned want = (on | add) & ~drop & (STORE_TEXT_ON_QUOTES | STORE_TEXT_ON_CLAIMS);
    if (want == on) return CLAIMDB_OK;
    size_t start;
    if ((rc = oplog_text_kinds(t, want, &start))) return rc;
    return oplog_exec(t, start, NULL);
}

int store_text_rebuild(store_txn *t)
{
    int rc = txn_check_write(t);
    size_t start;
    if (rc || (rc = oplog_text_rebuild(t, &start))) return rc;
    return oplog_exec(t, start, NULL);
}
