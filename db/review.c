/* review.c — fact-check reviews in the engine: storing one (REVIEW, claimdb_review_put()),
 * RETRACT REVIEW, the rating table of a handle, and the rows of SHOW REVIEWS and of the review
 * side of CHECK and EVIDENCE (inspect.c calls those). */
#include "engine.h"
#include "try.h"

#include "ratings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the handle's rating table ---- */

int db_ratings(claimdb *db, ratings **out)
{
    /* Built on first use: a handle that stores no review never reads the table. A
     * $CLAIMDB_RATINGS that cannot be read, or has a bad line, is an error of every use until
     * it is fixed: reviews rated with a table other than the one asked for would be wrong
     * without a word. */
    *out = NULL;
    if (!db->ratings) {
        char err[512];
        ratings *r = ratings_new(err, sizeof err);
        if (!r) return db_nomem(db);
        if (err[0]) {
            ratings_free(r);
            return db_error(db, CLAIMDB_ERROR, "CLAIMDB_RATINGS: %s", err);
        }
        db->ratings = r;
    }
    *out = db->ratings;
    return CLAIMDB_OK;
}

const char *claimdb_verdict(claimdb *db, const char *label, int *mapped)
{
    if (mapped) *mapped = 0;
    if (!db || !label) return "other";
    ratings *r;
    uint8_t v = VERDICT_OTHER;
    bool ok = db_ratings(db, &r) == CLAIMDB_OK && ratings_lookup(r, label, strlen(label), &v);
    if (mapped) *mapped = ok;
    return verdict_name(v);
}

int claimdb_ratings_load(claimdb *db, const char *path)
{
    if (!db) return CLAIMDB_MISUSE;
    if (!path) return db_error(db, CLAIMDB_MISUSE, "claimdb_ratings_load: no path");
    ratings *r;
    int rc = db_ratings(db, &r);
    if (rc != CLAIMDB_OK) return rc;
    char err[512];
    if ((rc = ratings_load_file(r, path, err, sizeof err)) != CLAIMDB_OK)
        return db_error(db, rc, "%s", err);
    db_clear_error(db);
    return CLAIMDB_OK;
}

/* ---- storing a review ---- */

/* A stored review's texts copied out of the map (the put may move them). */
static int copy_review(const store_review *src, store_review *dst, char **mem)
{
    *dst = *src;
    store_text *f[] = {&dst->text,       &dst->url,      &dst->claimant, &dst->appearance_url,
                       &dst->claim_date, &dst->reviewer, &dst->author,   &dst->date,
                       &dst->rating,     &dst->language, &dst->title};
    size_t total = 1;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i]->ptr) total += f[i]->len;
    char *p = *mem = malloc(total);
    if (!p) return CLAIMDB_NOMEM;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (!f[i]->ptr) continue;
        if (f[i]->len) memcpy(p, f[i]->ptr, f[i]->len);
        f[i]->ptr = p;
        p += f[i]->len;
    }
    return CLAIMDB_OK;
}

static bool given(store_text t)
{
    return t.ptr && t.len;
}

/* The URL and dates of a review to write: the checks made before anything is read. */
static int check_review_in(claimdb *db, const review_in *in)
{
    if (!given(in->url)) return db_error(db, CLAIMDB_MISUSE, "a review needs its URL");
    if (in->url.len > STORE_MAX_KEY)
        return db_error(db, CLAIMDB_TOOBIG, "review URL too long (at most %d bytes)",
                        STORE_MAX_KEY);
    const store_text dates[2] = {in->date, in->claim_date};
    static const char *const date_what[2] = {"the review's date", "the claim's date"};
    for (int i = 0; i < 2; i++)
        if (given(dates[i]) && !date_valid(dates[i].ptr, dates[i].len))
            return db_error(db, CLAIMDB_ERROR, "%s must be a calendar date YYYY-MM-DD that exists",
                            date_what[i]);
    return CLAIMDB_OK;
}

/* The key of the triple the review is attached to, its terms interned. */
static int intern_claim(claimdb *db, store_txn *txn, const review_in *in, claim_key *k)
{
    static const char *const what[3] = {"subject", "predicate", "object"};
    const char *texts[3] = {in->s.ptr, in->p.ptr, in->o.ptr};
    size_t lens[3] = {in->s.len, in->p.len, in->o.len};
    term_id ids[3];
    int bad = -1;
    int rc = store_terms_intern(txn, 3, texts, lens, ids, &bad);
    if (rc != CLAIMDB_OK) {
        if (bad < 0) return db_store_error(db, rc);
        if (rc == CLAIMDB_TOOBIG)
            return db_error(db, rc, "%s too long (at most %d bytes once normalised)", what[bad],
                            STORE_MAX_KEY);
        return db_error(db, rc, "%s: %s", what[bad], lens[bad] ? "invalid UTF-8" : "empty term");
    }
    *k = (claim_key){in->negated ? POL_NEG : POL_POS, ids[0], ids[1], ids[2]};
    return CLAIMDB_OK;
}

/* *r gets the review stored under in's URL (its texts copied into *mem, as the store's
 * pages do not outlive the write), or stays empty when there is none. */
static int load_review(claimdb *db, store_txn *txn, const review_in *in, store_review *r,
                       char **mem)
{
    store_review old;
    memset(r, 0, sizeof *r);
    int rc = store_review_get_url(txn, in->url.ptr, in->url.len, &old);
    if (rc == CLAIMDB_NOTFOUND) return CLAIMDB_OK;
    if (rc != CLAIMDB_OK) return db_store_error(db, rc);
    if ((rc = copy_review(&old, r, mem)) != CLAIMDB_OK) return db_error(db, rc, "out of memory");
    return CLAIMDB_OK;
}

/* Fields given replace the stored ones; absent ones keep theirs. */
static void merge_review(store_review *r, const review_in *in)
{
    const store_text *src[] = {&in->text,       &in->url,      &in->claimant, &in->appearance_url,
                               &in->claim_date, &in->reviewer, &in->author,   &in->date,
                               &in->rating,     &in->language, &in->title};
    store_text *dst[] = {&r->text,       &r->url,      &r->claimant, &r->appearance_url,
                         &r->claim_date, &r->reviewer, &r->author,   &r->date,
                         &r->rating,     &r->language, &r->title};
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++)
        if (given(*src[i])) *dst[i] = *src[i];
    if (in->has_appearance) {
        r->has_appearance = true;
        r->appearance = in->appearance;
    }
    if (in->has_value) r->has_value = true, r->value = in->value;
    if (in->has_best) r->has_best = true, r->best = in->best;
    if (in->has_worst) r->has_worst = true, r->worst = in->worst;
}

/* A review without its text reviews the triple, as written; *deftext owns that text. */
static int default_text(claimdb *db, const review_in *in, store_review *r, char **deftext)
{
    if (!in->has_claim)
        return db_error(db, CLAIMDB_MISUSE,
                        "a review needs the claim it reviews: TEXT, or a triple");
    size_t n = in->s.len + in->p.len + in->o.len + 2;
    if (!(*deftext = malloc(n + 1))) return db_nomem(db);
    snprintf(*deftext, n + 1, "%.*s %.*s %.*s", (int)in->s.len, in->s.ptr, (int)in->p.len,
             in->p.ptr, (int)in->o.len, in->o.ptr);
    r->text = (store_text){*deftext, n};
    return CLAIMDB_OK;
}

/* r's verdict from its rating text or its numbers; *mapped is false for a rating text the
 * ratings table does not know. */
static int set_verdict(claimdb *db, store_review *r, bool *mapped)
{
    ratings *tab;
    int rc;
    TRY(rc, db_ratings(db, &tab));
    *mapped = true;
    r->verdict = VERDICT_OTHER;
    if (given(r->rating))
        *mapped = ratings_lookup(tab, r->rating.ptr, r->rating.len, &r->verdict);
    else if (r->has_value && r->has_best && r->has_worst)
        ratings_numeric(r->value, r->best, r->worst, &r->verdict);
    return CLAIMDB_OK;
}

/* The store's STORE_REVIEW_* flags as the API's CLAIMDB_* ones. */
static int added_flags(int flags, bool mapped)
{
    return (flags & STORE_REVIEW_ADDED ? CLAIMDB_ADDED_REVIEW : 0) |
           (flags & STORE_REVIEW_UPDATED ? CLAIMDB_UPDATED_REVIEW : 0) |
           (flags & STORE_REVIEW_ATTACHED ? CLAIMDB_ATTACHED_REVIEW : 0) |
           (!mapped ? CLAIMDB_RATING_UNMAPPED : 0);
}

int write_review(claimdb *db, store_txn *txn, const review_in *in, int *added)
{
    if (added) *added = 0;
    int rc;
    TRY(rc, check_review_in(db, in));
    claim_key k = {0};
    if (in->has_claim) TRY(rc, intern_claim(db, txn, in, &k));
    store_review r;
    char *mem = NULL, *deftext = NULL;
    TRY(rc, load_review(db, txn, in, &r, &mem));
    merge_review(&r, in);
    bool mapped = true;
    int flags = 0;
    if (!given(r.text) && (rc = default_text(db, in, &r, &deftext))) goto out;
    if ((rc = set_verdict(db, &r, &mapped))) goto out;
    if ((rc = store_review_put(txn, &r, in->has_claim ? &k : NULL, &flags))) {
        rc = db_store_error(db, rc);
        goto out;
    }
    if (added) *added = added_flags(flags, mapped);
out:
    free(mem);
    free(deftext);
    return rc;
}

static store_text cstr(const char *s)
{
    return (store_text){s && *s ? s : NULL, s ? strlen(s) : 0};
}

int review_from_api(const claimdb_review *a, review_in *in)
{
    memset(in, 0, sizeof *in);
    in->text = cstr(a->claim_reviewed);
    in->url = cstr(a->url);
    in->reviewer = cstr(a->reviewer);
    in->author = cstr(a->author);
    in->date = cstr(a->date);
    in->rating = cstr(a->rating);
    in->claimant = cstr(a->claimant);
    in->claim_date = cstr(a->claim_date);
    in->appearance_url = cstr(a->appearance_url);
    in->language = cstr(a->language);
    in->title = cstr(a->title);
    in->has_value = a->has_rating_value != 0;
    in->value = a->rating_value;
    in->has_best = a->has_best_rating != 0;
    in->best = a->best_rating;
    in->has_worst = a->has_worst_rating != 0;
    in->worst = a->worst_rating;
    if (a->has_appearance) {
        if (a->appearance < 0) return CLAIMDB_MISUSE;
        in->has_appearance = true;
        in->appearance = (uint64_t)a->appearance;
    }
    int parts = !!a->subject + !!a->predicate + !!a->object;
    if (parts == 0) return CLAIMDB_OK;
    if (parts != 3) return CLAIMDB_MISUSE;
    in->has_claim = true;
    in->negated = a->negated != 0;
    in->s = (store_text){a->subject, strlen(a->subject)};
    in->p = (store_text){a->predicate, strlen(a->predicate)};
    in->o = (store_text){a->object, strlen(a->object)};
    return CLAIMDB_OK;
}

/* ---- REVIEW and RETRACT REVIEW ---- */

static int value_field(claimdb_stmt *stmt, const ast_value *v, const char *what, store_text *dst,
                       char *buf, size_t bufsz)
{
    if (v->kind == VAL_NONE) return CLAIMDB_OK;
    return stmt_value_text(stmt, v, what, &dst->ptr, &dst->len, buf, bufsz);
}

static int exec_review(claimdb_stmt *stmt)
{
    const ast_review_stmt *a = &stmt->ast->u.review;
    review_in in;
    memset(&in, 0, sizeof in);
    char b[REV_NVALUES][64], sb[3][64], byb[64], cb[64];
    int rc;
    if (a->has_claim) {
        const ast_term *t[3] = {&a->s, &a->p, &a->o};
        store_text *d[3] = {&in.s, &in.p, &in.o};
        for (int i = 0; i < 3; i++)
            TRY(rc, stmt_term_text(stmt, t[i], &d[i]->ptr, &d[i]->len, sb[i], sizeof sb[i]));
        in.has_claim = true;
        in.negated = a->negated;
    }
    if (a->by.kind != TERM_NONE &&
        (rc = stmt_term_text(stmt, &a->by, &in.reviewer.ptr, &in.reviewer.len, byb, sizeof byb)))
        return rc;
    if (a->claimant.kind != TERM_NONE && (rc = stmt_term_text(stmt, &a->claimant, &in.claimant.ptr,
                                                              &in.claimant.len, cb, sizeof cb)))
        return rc;
    static const char *const what[REV_NVALUES] = {
        [REV_URL] = "URL",     [REV_TEXT] = "TEXT",         [REV_RATING] = "RATING",
        [REV_DATE] = "DATE",   [REV_CLAIM_DATE] = "ON",     [REV_AUTHOR] = "AUTHOR",
        [REV_TITLE] = "TITLE", [REV_LANGUAGE] = "LANGUAGE", [REV_APPEARANCE] = "APPEARANCE",
        [REV_VALUE] = "VALUE", [REV_BEST] = "BEST",         [REV_WORST] = "WORST"};
    store_text *text_dst[REV_NVALUES] = {[REV_URL] = &in.url,
                                         [REV_TEXT] = &in.text,
                                         [REV_RATING] = &in.rating,
                                         [REV_DATE] = &in.date,
                                         [REV_CLAIM_DATE] = &in.claim_date,
                                         [REV_AUTHOR] = &in.author,
                                         [REV_TITLE] = &in.title,
                                         [REV_LANGUAGE] = &in.language};
    for (int i = 0; i < REV_NVALUES; i++)
        if (text_dst[i] &&
            (rc = value_field(stmt, &a->v[i], what[i], text_dst[i], b[i], sizeof b[i])))
            return rc;
    const ast_value *ap = &a->v[REV_APPEARANCE];
    if (ap->kind == VAL_STRING) {
        in.appearance_url = (store_text){ap->s, strlen(ap->s)};
    } else if (ap->kind != VAL_NONE) {
        /* An article id, or through a parameter an id or a URL. */
        const binding *bd = ap->kind == VAL_PARAM ? stmt_binding(stmt, ap->s) : NULL;
        if (bd && bd->k == V_TEXT) {
            in.appearance_url = (store_text){bd->u.s.p, bd->u.s.n};
        } else {
            uint64_t id;
            TRY(rc, stmt_value_uint(stmt, ap, "APPEARANCE", &id));
            in.has_appearance = true;
            in.appearance = id;
        }
    }
    bool *has[3] = {&in.has_value, &in.has_best, &in.has_worst};
    double *num[3] = {&in.value, &in.best, &in.worst};
    for (int i = 0; i < 3; i++) {
        const ast_value *v = &a->v[REV_VALUE + i];
        if (v->kind == VAL_NONE) continue;
        TRY(rc, stmt_value_real(stmt, v, what[REV_VALUE + i], num[i]));
        *has[i] = true;
    }
    rc = write_review(stmt->db, stmt->txn, &in, NULL);
    if (rc != CLAIMDB_OK) {
        char msg[sizeof stmt->db->errtext];
        memcpy(msg, stmt->db->errtext, sizeof msg);
        return stmt_error_at(stmt, rc, stmt->ast->loc.off, "%s", msg);
    }
    return CLAIMDB_OK;
}

static int exec_retract_review(claimdb_stmt *stmt)
{
    store_text url;
    char buf[64];
    int rc = stmt_value_text(stmt, &stmt->ast->u.review.v[REV_URL], "URL", &url.ptr, &url.len, buf,
                             sizeof buf);
    if (rc != CLAIMDB_OK) return rc;
    /* Retracting what is not there is no error, as for claims. */
    rc = store_review_delete(stmt->txn, url.ptr, url.len);
    return rc == CLAIMDB_OK || rc == CLAIMDB_NOTFOUND ? CLAIMDB_OK : db_store_error(stmt->db, rc);
}

const stmt_kind stmt_review = {.mode = MODE_WRITE, .run = exec_review};
const stmt_kind stmt_retract_review = {.mode = MODE_WRITE, .run = exec_retract_review};

/* ---- reading ---- */

/* SHOW REVIEWS: one row per review and triple it is about (one row for a review about none),
 * every field of the review, the most read first. */
const char *const review_columns[REVIEW_COLUMNS] = {
    "url",          "reviewer",    "date",        "rating",   "verdict",    "claim_reviewed",
    "subject",      "predicate",   "object",      "polarity", "cited",      "claimant",
    "claim_date",   "author",      "title",       "language", "appearance", "appearance_url",
    "rating_value", "best_rating", "worst_rating"};

static value num_or_null(bool has, double v)
{
    return has ? v_real(v) : v_null();
}

/* One SHOW REVIEWS row: the review, and the triple k (NULL: none). */
static int review_row(claimdb_stmt *stmt, rowset *rs, const store_review *r, const claim_key *k)
{
    uint64_t cited = 0;
    if (k) {
        int rc = store_claim_exists(stmt->txn, k);
        if (rc == CLAIMDB_OK) rc = store_cite_count(stmt->txn, k, &cited);
        if (rc != CLAIMDB_OK && rc != CLAIMDB_NOTFOUND) return rc;
    }
    value row[REVIEW_COLUMNS] = {
        v_text(r->url.ptr, r->url.len),
        v_stored(r->reviewer),
        v_stored(r->date),
        v_stored(r->rating),
        v_cstr(verdict_name(r->verdict)),
        v_text(r->text.ptr, r->text.len),
        k ? v_term(k->s) : v_null(),
        k ? v_term(k->p) : v_null(),
        k ? v_term(k->o) : v_null(),
        k ? v_cstr(k->pol == POL_POS ? "+" : "-") : v_null(),
        k ? v_int((int64_t)cited) : v_null(),
        v_stored(r->claimant),
        v_stored(r->claim_date),
        v_stored(r->author),
        v_stored(r->title),
        v_stored(r->language),
        r->has_appearance ? v_int((int64_t)r->appearance) : v_null(),
        v_stored(r->appearance_url),
        num_or_null(r->has_value, r->value),
        num_or_null(r->has_best, r->best),
        num_or_null(r->has_worst, r->worst),
    };
    return rowset_add(rs, row);
}

int show_reviews(claimdb_stmt *stmt, rowset *rs)
{
    store_cursor *cur;
    int rc = store_reviews_open(stmt->txn, &cur);
    if (rc != CLAIMDB_OK) return rc;
    store_review r;
    int r1;
    while (rc == CLAIMDB_OK && (r1 = store_cursor_next_review(cur, &r)) == CLAIMDB_ROW) {
        store_cursor *lc;
        if ((rc = store_review_claims_open(stmt->txn, r.id, &lc))) break;
        claim_key k;
        int r2, n = 0;
        while (rc == CLAIMDB_OK && (r2 = store_cursor_next_review_claim(lc, &k)) == CLAIMDB_ROW) {
            rc = review_row(stmt, rs, &r, &k);
            n++;
        }
        store_cursor_close(lc);
        if (rc == CLAIMDB_OK) rc = store_step_err(r2);
        if (rc == CLAIMDB_OK && n == 0) rc = review_row(stmt, rs, &r, NULL);
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r1);
    return rc;
}

/* The reviews of triple k, in id order, through fn. */
static int each_review(store_txn *txn, const claim_key *k,
                       int (*fn)(void *ctx, const store_review *r), void *ctx)
{
    store_cursor *cur;
    int rc = store_claim_reviews_open(txn, k, &cur), r;
    if (rc != CLAIMDB_OK) return rc;
    uint64_t id;
    while ((r = store_cursor_next_review_id(cur, &id)) == CLAIMDB_ROW) {
        store_review rv;
        if ((rc = store_review_get(txn, id, &rv)) != CLAIMDB_OK) break;
        if ((rc = fn(ctx, &rv)) != CLAIMDB_OK) break;
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    return rc;
}

/* CHECK's review side. */
typedef struct review_side {
    int64_t n;
    store_text *names; /* distinct reviewers, in the order first met (point into the map) */
    size_t nnames, capnames;
    bool has_latest;
    char latest_date[16];
    uint8_t latest;
    int lo, hi; /* the range of the rated verdicts on the scale true 1 .. false 5; lo 0: none */
} review_side;

static int side_add(void *ctx, const store_review *r)
{
    review_side *s = ctx;
    s->n++;
    if (r->reviewer.ptr && r->reviewer.len) {
        /* Distinct by exact spelling: reviewers are few per claim, a scan of the list does. */
        bool seen = false;
        for (size_t i = 0; i < s->nnames && !seen; i++)
            seen = s->names[i].len == r->reviewer.len &&
                   !memcmp(s->names[i].ptr, r->reviewer.ptr, r->reviewer.len);
        if (!seen) {
            if (s->nnames == s->capnames) {
                size_t cap = s->capnames ? s->capnames * 2 : 8;
                store_text *nn = realloc(s->names, cap * sizeof *nn);
                if (!nn) return CLAIMDB_NOMEM;
                s->names = nn;
                s->capnames = cap;
            }
            s->names[s->nnames++] = r->reviewer;
        }
    }
    /* The latest: the greatest date (a review without date is older than any with one); of
     * equal dates the one stored last (ids grow). */
    char date[16] = "";
    if (r->date.ptr && r->date.len < sizeof date) {
        memcpy(date, r->date.ptr, r->date.len);
        date[r->date.len] = '\0';
    }
    if (!s->has_latest || strcmp(date, s->latest_date) >= 0) {
        s->has_latest = true;
        memcpy(s->latest_date, date, sizeof date);
        s->latest = r->verdict;
    }
    if (r->verdict != VERDICT_OTHER) {
        int step = r->verdict; /* VERDICT_TRUE 1 .. VERDICT_FALSE 5 */
        if (!s->lo || step < s->lo) s->lo = step;
        if (!s->hi || step > s->hi) s->hi = step;
    }
    return CLAIMDB_OK;
}

int check_review_values(claimdb_stmt *stmt, const claim_key *k, value out[CHECK_REVIEW_COLUMNS],
                        char **mem)
{
    review_side s;
    memset(&s, 0, sizeof s);
    *mem = NULL;
    int rc = k ? each_review(stmt->txn, k, side_add, &s) : CLAIMDB_OK;
    /* The reviewers as one text, "A, B" (the names point into the map until the row is
     * added; the text is the caller's to free after). */
    size_t len = 0;
    for (size_t i = 0; i < s.nnames; i++)
        len += s.names[i].len + 2;
    char *text = rc == CLAIMDB_OK && s.nnames ? malloc(len + 1) : NULL;
    if (rc == CLAIMDB_OK && s.nnames && !text) rc = CLAIMDB_NOMEM;
    if (rc != CLAIMDB_OK) {
        free(s.names);
        return rc;
    }
    size_t w = 0;
    for (size_t i = 0; i < s.nnames; i++) {
        if (i) {
            memcpy(text + w, ", ", 2);
            w += 2;
        }
        memcpy(text + w, s.names[i].ptr, s.names[i].len);
        w += s.names[i].len;
    }
    free(s.names);
    *mem = text;
    out[0] = v_int(s.n);
    out[1] = text ? v_text(text, w) : v_null();
    out[2] = s.has_latest ? v_cstr(verdict_name(s.latest)) : v_null();
    /* Reviewers disagree when two rated verdicts lie two or more steps apart on the scale
     * true, mostly-true, mixture, mostly-false, false (docs/language.md, 12.4). */
    out[3] = v_int(s.lo && s.hi - s.lo >= 2);
    return CLAIMDB_OK;
}

/* EVIDENCE's review rows. */
typedef struct ev_ctx {
    rowset *rs;
    uint8_t pol;
} ev_ctx;

static int ev_add(void *ctx, const store_review *r)
{
    ev_ctx *e = ctx;
    value row[EVIDENCE_COLUMNS] = {
        r->has_appearance ? v_int((int64_t)r->appearance) : v_null(),
        v_stored(r->title),
        v_stored(r->reviewer),
        v_stored(r->date),
        v_stored(r->claimant),
        v_text(r->text.ptr, r->text.len),
        v_cstr(e->pol == POL_POS ? "+" : "-"),
        v_null(),
        v_stored(r->claim_date),
        v_null(),
        v_null(),
        v_null(),
        v_cstr("review"),
        v_stored(r->rating),
        v_cstr(verdict_name(r->verdict)),
        v_text(r->url.ptr, r->url.len),
    };
    return rowset_add(e->rs, row);
}

int evidence_reviews(claimdb_stmt *stmt, claim_key k, rowset *rs)
{
    int rc = CLAIMDB_OK;
    for (int side = 0; side < 2 && rc == CLAIMDB_OK; side++) {
        k.pol = side == 0 ? POL_POS : POL_NEG;
        ev_ctx e = {rs, k.pol};
        rc = each_review(stmt->txn, &k, ev_add, &e);
    }
    return rc;
}
