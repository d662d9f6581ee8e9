/* store_check.c — do claimdb's databases agree with one another?
 *
 * Read in one snapshot: the three claim indexes hold the same claims; every claim has a
 * citation and every citation a claim; "artcite" holds exactly the (article, claim) pairs the
 * citations make; each citation sits where its quote's slot probing finds it; the per-term
 * statistics and the meta counters equal what the data gives; every term id resolves, every
 * key maps to a term that maps back, every alias points at a term, every record decodes,
 * every cited or duplicated article exists; every review decodes, is found by its URL and
 * every link to a triple is written from both sides; the text index holds exactly the postings
 * the reviews' texts make, and its counters agree. Each disagreement is reported by the callback.
 * Memory: one bit per term id, and sorted arrays of the claims' keys (the checks are merges).
 */
#include "store_internal.h"
#include "try.h"

#include "claimdb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct checker {
    store_txn *t;
    void (*report)(void *ctx, const char *msg);
    void *ctx;
    int64_t problems;
    int64_t limit_left; /* reports beyond this are counted, not described */
} checker;

static void bad(checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(checker *c, const char *fmt, ...)
{
    c->problems++;
    if (c->limit_left <= 0 || !c->report) return;
    c->limit_left--;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->report(c->ctx, msg);
}

typedef struct keys {
    uint8_t *k; /* n keys of width w, sorted */
    size_t n, cap, w;
} keys;

static int keys_push(keys *ks, const void *k)
{
    if (ks->n == ks->cap) {
        size_t cap = ks->cap ? ks->cap * 2 : 1024;
        uint8_t *nk = realloc(ks->k, cap * ks->w);
        if (!nk) return CLAIMDB_NOMEM;
        ks->k = nk;
        ks->cap = cap;
    }
    memcpy(ks->k + ks->n * ks->w, k, ks->w);
    ks->n++;
    return CLAIMDB_OK;
}

static bool keys_has(const keys *ks, const uint8_t *k)
{
    size_t lo = 0, hi = ks->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(ks->k + mid * ks->w, k, ks->w);
        if (c == 0) return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static const char *const idx_names[3] = {"spo", "pos", "osp"};

static void claim_text(char *buf, size_t n, const claim_key *k)
{
    snprintf(buf, n, "%s(%llu %llu %llu)", k->pol ? "" : "NOT ", (unsigned long long)k->s,
             (unsigned long long)k->p, (unsigned long long)k->o);
}

/* Does term id exist in "termid"? */
static int term_exists(checker *c, term_id id, bool *yes)
{
    uint8_t k[8];
    put_u64(k, id);
    MDB_val v;
    int rc = sdb_get(c->t, DB_TERMID, k, 8, &v);
    *yes = rc == CLAIMDB_OK;
    return rc == CLAIMDB_NOTFOUND ? CLAIMDB_OK : rc;
}

static int check_terms(checker *c, uint64_t *nterms, uint64_t next_term)
{
    store_cursor *cur;
    int rc = cur_open(c->t, DB_TERM, NULL, 0, &cur), r;
    MDB_val k, v;
    *nterms = 0;
    while (rc == CLAIMDB_OK && (r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        if (v.mv_size != 8) {
            bad(c, "term: the key '%.*s' maps to a damaged id record",
                (int)(k.mv_size > 60 ? 60 : k.mv_size), (const char *)k.mv_data);
            continue;
        }
        term_id id = get_u64(v.mv_data);
        bool yes;
        if ((rc = term_exists(c, id, &yes))) break;
        if (!yes)
            bad(c, "term: the key '%.*s' maps to term %llu, which has no display form",
                (int)(k.mv_size > 60 ? 60 : k.mv_size), (const char *)k.mv_data,
                (unsigned long long)id);
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    if (rc || (rc = cur_open(c->t, DB_TERMID, NULL, 0, &cur))) return rc;
    while ((r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        (*nterms)++;
        if (k.mv_size != 8) {
            bad(c, "termid: a damaged key of %zu bytes", k.mv_size);
            continue;
        }
        term_id id = get_u64(k.mv_data);
        if (id == 0 || id >= next_term)
            bad(c, "termid: term %llu is outside the ids handed out (1..%llu)",
                (unsigned long long)id, (unsigned long long)next_term - 1);
        /* the term's key must map back to it, directly or as an alias does not count */
        char *key;
        size_t klen;
        const char *why;
        int krc = term_key_why(v.mv_data, v.mv_size, &key, &klen, &why);
        if (krc) {
            bad(c, "termid: term %llu has a display form without a valid key (%s)",
                (unsigned long long)id, why ? why : "invalid");
            continue;
        }
        MDB_val tv;
        int g = sdb_get(c->t, DB_TERM, key, klen, &tv);
        free(key);
        if (g == CLAIMDB_NOTFOUND)
            bad(c, "termid: term %llu '%.*s' is not found by its key", (unsigned long long)id,
                (int)(v.mv_size > 60 ? 60 : v.mv_size), (const char *)v.mv_data);
        else if (g)
            rc = g;
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    return rc;
}

static int check_aliases(checker *c, uint64_t *naliases)
{
    store_cursor *cur;
    int rc = cur_open(c->t, DB_ALIAS, NULL, 0, &cur), r;
    MDB_val k, v;
    *naliases = 0;
    if (rc) return rc;
    while ((r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        (*naliases)++;
        if (v.mv_size != 8) {
            bad(c, "alias: a damaged record for '%.*s'", (int)(k.mv_size > 60 ? 60 : k.mv_size),
                (const char *)k.mv_data);
            continue;
        }
        bool yes;
        if ((rc = term_exists(c, get_u64(v.mv_data), &yes))) break;
        if (!yes)
            bad(c, "alias: '%.*s' points at term %llu, which does not exist",
                (int)(k.mv_size > 60 ? 60 : k.mv_size), (const char *)k.mv_data,
                (unsigned long long)get_u64(v.mv_data));
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    return rc;
}

/* The documents of one kind of quotes or claims: each one's postings are right and what it
 * refers to exists; *n gets their number. */
static int check_text_docs(checker *c, uint8_t kind, uint64_t *n, uint64_t *want_postings,
                           uint64_t *want_words)
{
    const uint8_t prefix[2] = {'D', kind};
    store_cursor *cur;
    int rc = cur_open(c->t, DB_TXTDOC, prefix, 2, &cur), r = 0;
    if (rc) return rc;
    MDB_val k, v;
    *n = 0;
    *want_words = 0;
    while (!rc && (r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        store_text_doc d;
        uint64_t id = k.mv_size == 10 ? get_u64((const uint8_t *)k.mv_data + 2) : 0;
        (*n)++;
        if (k.mv_size != 10 || store_text_doc_decode(kind, v.mv_data, v.mv_size, &d)) {
            bad(c, "txtdoc: %s document %llu is damaged",
                kind == STORE_TEXT_QUOTE ? "quote" : "claim", (unsigned long long)id);
            continue;
        }
        d.id = id;
        bool ok;
        if ((rc = text_index_verify_doc(c->t, &d, want_postings, want_words, &ok))) break;
        if (!ok)
            bad(c, "txtpost: the postings of %s document %llu are missing or wrong",
                kind == STORE_TEXT_QUOTE ? "quote" : "claim", (unsigned long long)id);
        store_citation ct;
        int e = kind == STORE_TEXT_QUOTE ? store_cite_get(c->t, &d.k, d.article, &d.text, &ct)
                                         : store_claim_exists(c->t, &d.k);
        if (e == CLAIMDB_NOTFOUND)
            bad(c, "txtdoc: %s document %llu refers to a %s that does not exist",
                kind == STORE_TEXT_QUOTE ? "quote" : "claim", (unsigned long long)id,
                kind == STORE_TEXT_QUOTE ? "citation" : "claim");
        else if (e)
            rc = e;
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    return rc;
}

/* The text index: every review's, quote's and claim's stems have their postings with the
 * right counts, "txtpost" holds no other, there is one document per review, and per quoted
 * citation and claim when their kinds are indexed (else none), and the documents and words
 * counters agree. */
static int check_text_index(checker *c, uint64_t nreviews, uint64_t nclaims)
{
    store_cursor *cur;
    int rc = cur_open(c->t, DB_REVIEW, NULL, 0, &cur), r;
    if (rc) return rc;
    MDB_val k, v;
    uint64_t want_postings = 0, want_words = 0;
    while (!rc && (r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        store_review rv = {0};
        if (k.mv_size != 8 || review_value_decode(v.mv_data, v.mv_size, &rv)) continue;
        rv.id = get_u64(k.mv_data);
        bool ok;
        rc = text_index_verify_review(c->t, &rv, &want_postings, &want_words, &ok);
        if (!rc && !ok)
            bad(c, "txtpost: the postings of review %llu are missing or wrong",
                (unsigned long long)rv.id);
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    uint64_t nquotes = 0; /* citations with a quote */
    unsigned on = 0;
    if (!rc) rc = store_text_kinds(c->t, &on);
    bool quotes = on & STORE_TEXT_ON_QUOTES, claims = on & STORE_TEXT_ON_CLAIMS;
    if (!claims) nclaims = 0;
    if (!rc && quotes && !(rc = cur_open(c->t, DB_CITE, NULL, 0, &cur))) {
        while ((r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
            store_citation ct;
            if (!cite_value_decode(v.mv_data, v.mv_size, &ct) && ct.quote.ptr) nquotes++;
        }
        store_cursor_close(cur);
        if (store_step_err(r)) rc = r;
    }
    uint64_t ndocs[2] = {0, 0}, dwords[2] = {0, 0};
    static const uint8_t kinds[2] = {STORE_TEXT_QUOTE, STORE_TEXT_CLAIM};
    for (int i = 0; i < 2 && !rc; i++)
        rc = check_text_docs(c, kinds[i], &ndocs[i], &want_postings, &dwords[i]);
    if (!rc && ndocs[0] != nquotes)
        bad(c,
            quotes ? "txtdoc: %llu quote documents for %llu citations with a quote"
                   : "txtdoc: %llu quote documents, and quotes are not indexed (%llu)",
            (unsigned long long)ndocs[0], (unsigned long long)nquotes);
    if (!rc && ndocs[1] != nclaims)
        bad(c,
            claims ? "txtdoc: %llu claim documents for %llu claims"
                   : "txtdoc: %llu claim documents, and claims are not indexed (%llu)",
            (unsigned long long)ndocs[1], (unsigned long long)nclaims);
    uint64_t have = 0;
    bool blocks_ok = true;
    if (!rc) rc = post_count_all(c->t, &have, &blocks_ok);
    if (!rc && !blocks_ok) bad(c, "txtpost: a damaged block of postings");
    if (!rc && have != want_postings)
        bad(c, "txtpost: %llu postings, the documents make %llu", (unsigned long long)have,
            (unsigned long long)want_postings);
    static const char *const names[3] = {"reviews", "quotes", "claims"};
    static const uint8_t all[3] = {STORE_TEXT_REVIEW, STORE_TEXT_QUOTE, STORE_TEXT_CLAIM};
    const uint64_t want_docs[3] = {nreviews, ndocs[0], ndocs[1]};
    const uint64_t want_w[3] = {want_words, dwords[0], dwords[1]};
    for (int i = 0; i < 3 && !rc; i++) {
        uint64_t docs = 0, words = 0;
        if (!(rc = store_text_stats(c->t, all[i], &docs, &words)) &&
            (docs != want_docs[i] || words != want_w[i]))
            bad(c,
                "meta: the text index counts %llu documents and %llu words of %s, the data "
                "makes %llu and %llu",
                (unsigned long long)docs, (unsigned long long)words, names[i],
                (unsigned long long)want_docs[i], (unsigned long long)want_w[i]);
    }
    return rc;
}

/* Reviews: the record decodes and its URL leads back to it; "claimrev" and "revclaim" hold
 * the same links, each to a review that exists; "reviews" counts the records. */
static int check_reviews(checker *c, uint64_t *nreviews, uint64_t nclaims)
{
    store_cursor *cur;
    int rc = cur_open(c->t, DB_REVIEW, NULL, 0, &cur), r;
    MDB_val k, v;
    *nreviews = 0;
    if (rc) return rc;
    while ((r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        (*nreviews)++;
        store_review rv = {0};
        uint64_t id = k.mv_size == 8 ? get_u64(k.mv_data) : 0;
        if (k.mv_size != 8 || review_value_decode(v.mv_data, v.mv_size, &rv)) {
            bad(c, "review %llu: a damaged record", (unsigned long long)id);
            continue;
        }
        MDB_val uv;
        int g = sdb_get(c->t, DB_REVURL, rv.url.ptr, rv.url.len, &uv);
        if (g && g != CLAIMDB_NOTFOUND) {
            rc = g;
            break;
        }
        if (g || uv.mv_size != 8 || get_u64(uv.mv_data) != id)
            bad(c, "review %llu: its URL does not lead to it", (unsigned long long)id);
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    for (int side = 0; side < 2 && !rc; side++) {
        int db = side ? DB_REVCLAIM : DB_CLAIMREV, other = side ? DB_CLAIMREV : DB_REVCLAIM;
        if ((rc = cur_open(c->t, db, NULL, 0, &cur))) break;
        while ((r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
            if (k.mv_size != CLAIMREV_KEY_LEN) {
                bad(c, "%s: a damaged key", store_db_names[db]);
                continue;
            }
            const uint8_t *p = k.mv_data;
            uint8_t flip[CLAIMREV_KEY_LEN], idk[8];
            /* claimrev [claim][id 8] <-> revclaim [id 8][claim] */
            size_t idoff = side ? 0 : CLAIM_KEY_LEN, coff = side ? 8 : 0;
            memcpy(idk, p + idoff, 8);
            memcpy(flip + (side ? 0 : 8), p + coff, CLAIM_KEY_LEN);
            memcpy(flip + (side ? CLAIM_KEY_LEN : 0), idk, 8);
            MDB_val x;
            int g = sdb_get(c->t, other, flip, sizeof flip, &x);
            if (g == CLAIMDB_NOTFOUND)
                bad(c, "%s: a link of review %llu missing from %s", store_db_names[db],
                    (unsigned long long)get_u64(idk), store_db_names[other]);
            else if (g) {
                rc = g;
                break;
            }
            if (side) continue;
            g = sdb_get(c->t, DB_REVIEW, idk, 8, &x);
            if (g == CLAIMDB_NOTFOUND)
                bad(c, "claimrev: a link to review %llu, which does not exist",
                    (unsigned long long)get_u64(idk));
            else if (g) {
                rc = g;
                break;
            }
        }
        store_cursor_close(cur);
        if (rc == CLAIMDB_OK) rc = store_step_err(r);
    }
    if (!rc) rc = check_text_index(c, *nreviews, nclaims);
    uint64_t counted = 0;
    if (!rc && !(rc = meta_u64(c->t, "reviews", &counted)) && counted != *nreviews)
        bad(c, "meta: reviews is %llu, the data has %llu", (unsigned long long)counted,
            (unsigned long long)*nreviews);
    return rc;
}

static int check_articles(checker *c, keys *arts)
{
    store_cursor *cur;
    int rc = cur_open(c->t, DB_ARTICLE, NULL, 0, &cur), r;
    MDB_val k, v;
    if (rc) return rc;
    while ((r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        if (k.mv_size != 8) {
            bad(c, "article: a damaged key of %zu bytes", k.mv_size);
            continue;
        }
        store_article a = {.id = get_u64(k.mv_data)};
        if (article_value_decode(v.mv_data, v.mv_size, &a) != CLAIMDB_OK)
            bad(c, "article %llu: the record does not decode", (unsigned long long)a.id);
        if ((rc = keys_push(arts, k.mv_data))) break;
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    if (rc) return rc;
    /* every DUPLICATE OF points at an article */
    TRY(rc, cur_open(c->t, DB_ARTICLE, NULL, 0, &cur));
    while ((r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        if (k.mv_size != 8) continue;
        store_article a = {.id = get_u64(k.mv_data)};
        if (article_value_decode(v.mv_data, v.mv_size, &a) != CLAIMDB_OK || !a.has_duplicate_of)
            continue;
        uint8_t dk[8];
        put_u64(dk, a.duplicate_of);
        if (!keys_has(arts, dk))
            bad(c, "article %llu: a duplicate of article %llu, which does not exist",
                (unsigned long long)a.id, (unsigned long long)a.duplicate_of);
    }
    store_cursor_close(cur);
    return store_step_err(r);
}

static int cmp_pair(const void *a, const void *b)
{
    return memcmp(a, b, ARTCITE_KEY_LEN);
}

/* The sorted key arrays the checks merge against one another. */
typedef struct claim_sets {
    keys claims; /* spo's claims */
    keys cited;  /* claims with a citation */
    keys pairs;  /* (article, claim) pairs the citations make */
    keys arts;   /* articles */
} claim_sets;

static const char *const meta_names[4] = {"claims.pos", "claims.neg", "citations", "articles"};

/* The claim's terms exist and "pos" and "osp" hold it. */
static int check_claim(checker *c, const claim_key *ck)
{
    char ct[96];
    claim_text(ct, sizeof ct, ck);
    term_id ids[3] = {ck->s, ck->p, ck->o};
    int rc;
    for (int i = 0; i < 3; i++) {
        bool yes;
        TRY(rc, term_exists(c, ids[i], &yes));
        if (!yes) bad(c, "claim %s: term %llu does not exist", ct, (unsigned long long)ids[i]);
    }
    for (int idx = IDX_POS; idx <= IDX_OSP; idx++) {
        uint8_t ik[CLAIM_KEY_LEN];
        claim_key_encode(ik, (store_index)idx, ck);
        MDB_val iv;
        int g = sdb_get(c->t, DB_SPO + idx, ik, sizeof ik, &iv);
        if (g == CLAIMDB_NOTFOUND)
            bad(c, "claim %s is missing from %s", ct, idx_names[idx]);
        else if (g)
            return g;
    }
    return CLAIMDB_OK;
}

/* spo: the claims, each checked and collected into s->claims and counted by polarity. */
static int check_spo(checker *c, claim_sets *s, store_counts *found)
{
    store_cursor *cur;
    MDB_val k, v;
    int r = 0, rc = cur_open(c->t, DB_SPO, NULL, 0, &cur);
    if (rc) return rc;
    while (!rc && (r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        if (k.mv_size != CLAIM_KEY_LEN || ((const uint8_t *)k.mv_data)[0] > 1) {
            bad(c, "spo: a damaged key");
            continue;
        }
        if ((rc = keys_push(&s->claims, k.mv_data))) break;
        claim_key ck = claim_key_get(k.mv_data);
        if (ck.pol)
            found->claims_pos++;
        else
            found->claims_neg++;
        rc = check_claim(c, &ck);
    }
    store_cursor_close(cur);
    if (!rc) rc = store_step_err(r);
    return rc;
}

/* pos and osp hold as many claims as spo: with check_claim, nothing else. */
static int check_index_sizes(checker *c, size_t nclaims)
{
    store_cursor *cur;
    MDB_val k, v;
    int r, rc = CLAIMDB_OK;
    for (int idx = IDX_POS; idx <= IDX_OSP && !rc; idx++) {
        uint64_t n = 0;
        if ((rc = cur_open(c->t, DB_SPO + idx, NULL, 0, &cur))) break;
        while ((r = cur_step(cur, &k, &v)) == CLAIMDB_ROW)
            n++;
        store_cursor_close(cur);
        if (store_step_err(r)) rc = r;
        if (!rc && n != nclaims)
            bad(c, "%s holds %llu claims, spo %zu", idx_names[idx], (unsigned long long)n, nclaims);
    }
    return rc;
}

/* The probe path from the quote's home slot to the citation's slot (the key kp) must be
 * unbroken, or a look-up by quote stops before it reaches the citation. */
static int check_probe_path(checker *c, const uint8_t *kp, uint64_t home, const char *ct)
{
    uint64_t article = get_u64(kp + CITE_ART_OFF), slot = get_u32(kp + CITE_SLOT_OFF);
    claim_key ck = claim_key_get(kp);
    for (uint64_t s = home; s != slot; s = (uint32_t)(s + 1)) {
        uint8_t sk[CITE_KEY_LEN];
        cite_key_encode(sk, &ck, article, s);
        MDB_val sv;
        int g = sdb_get(c->t, DB_CITE, sk, sizeof sk, &sv);
        if (g == CLAIMDB_NOTFOUND) {
            bad(c,
                "citation of %s by article %llu is at slot %llu, where its quote "
                "cannot find it",
                ct, (unsigned long long)article, (unsigned long long)slot);
            return CLAIMDB_OK;
        }
        if (g) return g;
        if ((uint32_t)(s - home) > 1000000) break; /* a damaged slot far from home */
    }
    return CLAIMDB_OK;
}

/* One citation (key kp of CITE_KEY_LEN bytes, record v): it decodes, its claimant and article
 * exist and its quote finds it; its claim and (article, claim) pair are collected. */
static int check_citation(checker *c, claim_sets *s, const uint8_t *kp, const MDB_val *v)
{
    uint64_t article = get_u64(kp + CITE_ART_OFF);
    claim_key ck = claim_key_get(kp);
    char ct[96];
    claim_text(ct, sizeof ct, &ck);
    store_citation cit;
    if (cite_value_decode(v->mv_data, v->mv_size, &cit) != CLAIMDB_OK) {
        bad(c, "citation of %s by article %llu: the record does not decode", ct,
            (unsigned long long)article);
        return CLAIMDB_OK;
    }
    int rc;
    /* "cite" is in claim order, so a claim already collected is the last one */
    if (!s->cited.n || memcmp(s->cited.k + (s->cited.n - 1) * s->cited.w, kp, CLAIM_KEY_LEN))
        TRY(rc, keys_push(&s->cited, kp));
    uint8_t pk[ARTCITE_KEY_LEN];
    put_u64(pk, article);
    memcpy(pk + 8, kp, CLAIM_KEY_LEN);
    TRY(rc, keys_push(&s->pairs, pk));
    if (cit.claimant) {
        bool yes;
        TRY(rc, term_exists(c, cit.claimant, &yes));
        if (!yes)
            bad(c, "citation of %s by article %llu: claimant %llu does not exist", ct,
                (unsigned long long)article, (unsigned long long)cit.claimant);
    }
    uint8_t ak[8];
    put_u64(ak, article);
    if (!keys_has(&s->arts, ak))
        bad(c, "citation of %s: article %llu does not exist", ct, (unsigned long long)article);
    return check_probe_path(c, kp, cite_quote_home(cit.quote), ct);
}

/* cite: every citation, counted into *ncitations. */
static int check_citations(checker *c, claim_sets *s, uint64_t *ncitations)
{
    store_cursor *cur;
    MDB_val k, v;
    int r = 0, rc = cur_open(c->t, DB_CITE, NULL, 0, &cur);
    if (rc) return rc;
    while ((r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        (*ncitations)++;
        if (k.mv_size != CITE_KEY_LEN) {
            bad(c, "cite: a damaged key");
            continue;
        }
        if ((rc = check_citation(c, s, k.mv_data, &v))) break;
    }
    store_cursor_close(cur);
    if (!rc) rc = store_step_err(r);
    return rc;
}

/* Reports each claim of a (sorted) that b lacks, with fmt naming the claim. */
static void report_missing_claims(checker *c, const keys *a, const keys *b, const char *fmt)
{
    for (size_t i = 0; i < a->n; i++) {
        const uint8_t *kp = a->k + i * CLAIM_KEY_LEN;
        if (keys_has(b, kp)) continue;
        claim_key ck = claim_key_get(kp);
        char ct[96];
        claim_text(ct, sizeof ct, &ck);
        bad(c, fmt, ct);
    }
}

/* Sorts the pairs and drops repeats, so keys_has can search them. */
static void keys_sort_unique(keys *ks)
{
    if (ks->n) /* a database without citations has no array: qsort wants one */
        qsort(ks->k, ks->n, ks->w, cmp_pair);
    size_t w = 0;
    for (size_t i = 0; i < ks->n; i++)
        if (!w || memcmp(ks->k + (w - 1) * ks->w, ks->k + i * ks->w, ks->w))
            memmove(ks->k + w++ * ks->w, ks->k + i * ks->w, ks->w);
    ks->n = w;
}

/* artcite: exactly the (article, claim) pairs the citations make. */
static int check_artcite(checker *c, keys *pairs)
{
    keys_sort_unique(pairs);
    store_cursor *cur;
    MDB_val k, v;
    int r, rc = cur_open(c->t, DB_ARTCITE, NULL, 0, &cur);
    if (rc) return rc;
    uint64_t n = 0;
    while ((r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        n++;
        if (k.mv_size != ARTCITE_KEY_LEN || !keys_has(pairs, k.mv_data))
            bad(c, "artcite: article %llu is listed for a claim it does not cite",
                k.mv_size >= 8 ? (unsigned long long)get_u64(k.mv_data) : 0ULL);
    }
    store_cursor_close(cur);
    if (store_step_err(r)) return r;
    if (n < pairs->n)
        bad(c, "artcite lacks %llu of the %zu (article, claim) pairs the citations make",
            (unsigned long long)(pairs->n - n), pairs->n);
    return CLAIMDB_OK;
}

/* tstat: per (polarity, role, term) the number of claims, so each role's counts add up to
 * the claims of that polarity. */
static int check_tstat(checker *c, const store_counts *found)
{
    store_cursor *cur;
    MDB_val k, v;
    int r, rc = cur_open(c->t, DB_TSTAT, NULL, 0, &cur);
    if (rc) return rc;
    uint64_t total[2][3] = {{0}};
    while ((r = cur_step(cur, &k, &v)) == CLAIMDB_ROW) {
        const uint8_t *kp = k.mv_data;
        uint64_t n;
        if (k.mv_size != TSTAT_KEY_LEN || !get_count(&v, &n) || kp[0] > 1 || kp[1] > 2) {
            bad(c, "tstat: a damaged record");
            continue;
        }
        total[kp[0]][kp[1]] += n;
    }
    store_cursor_close(cur);
    if (store_step_err(r)) return r;
    static const char *const roles[3] = {"subject", "predicate", "object"};
    for (int pol = 0; pol < 2; pol++)
        for (int role = 0; role < 3; role++) {
            uint64_t want = pol ? found->claims_pos : found->claims_neg;
            if (total[pol][role] != want)
                bad(c, "tstat: the %s counts of %s claims add up to %llu, not %llu", roles[role],
                    pol ? "positive" : "negative", (unsigned long long)total[pol][role],
                    (unsigned long long)want);
        }
    return CLAIMDB_OK;
}

static void check_meta_counts(checker *c, const uint64_t meta_v[4], const store_counts *found)
{
    uint64_t have[4] = {found->claims_pos, found->claims_neg, found->citations, found->articles};
    for (int i = 0; i < 4; i++)
        if (have[i] != meta_v[i])
            bad(c, "meta: %s is %llu, the data has %llu", meta_names[i],
                (unsigned long long)meta_v[i], (unsigned long long)have[i]);
}

/* The checks after the meta counters are read; *found gets what the data holds. */
static int check_all(checker *c, claim_sets *s, uint64_t next_term, const uint64_t meta_v[4],
                     store_counts *found)
{
    int rc;
    TRY(rc, check_terms(c, &found->terms, next_term ? next_term : 1));
    TRY(rc, check_aliases(c, &found->aliases));
    TRY(rc, check_articles(c, &s->arts));
    found->articles = s->arts.n;
    TRY(rc, check_spo(c, s, found));
    TRY(rc, check_index_sizes(c, s->claims.n));
    TRY(rc, check_citations(c, s, &found->citations));
    /* claims and cited claims: the same sets (both sorted, spo order) */
    report_missing_claims(c, &s->claims, &s->cited, "claim %s has no citation");
    report_missing_claims(c, &s->cited, &s->claims, "citations of %s, which is not in spo");
    TRY(rc, check_artcite(c, &s->pairs));
    TRY(rc, check_tstat(c, found));
    TRY(rc, check_reviews(c, &found->reviews, found->claims_pos + found->claims_neg));
    check_meta_counts(c, meta_v, found);
    return CLAIMDB_OK;
}

int store_check(store_txn *t, void (*report)(void *ctx, const char *msg), void *ctx,
                int64_t *problems, store_counts *found)
{
    checker c = {.t = t, .report = report, .ctx = ctx, .limit_left = 1000};
    claim_sets s = {.claims = {.w = CLAIM_KEY_LEN},
                    .cited = {.w = CLAIM_KEY_LEN},
                    .pairs = {.w = ARTCITE_KEY_LEN},
                    .arts = {.w = 8}};
    memset(found, 0, sizeof *found);
    uint64_t next_term = 1, meta_v[4] = {0};
    /* In a write transaction, what is pending is written first: the text index's documents
     * are read here with plain cursors. */
    int rc = t->write ? pend_sync(t) : CLAIMDB_OK;
    if (!rc) rc = meta_u64(t, "next_term", &next_term);
    for (int i = 0; i < 4 && !rc; i++)
        rc = meta_u64(t, meta_names[i], &meta_v[i]);
    if (!rc) rc = check_all(&c, &s, next_term, meta_v, found);
    free(s.claims.k);
    free(s.cited.k);
    free(s.pairs.k);
    free(s.arts.k);
    *problems = c.problems;
    return rc;
}
