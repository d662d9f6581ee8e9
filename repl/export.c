/* export.c — the export driver: reads aliases (SHOW ALIASES), articles (SHOW ARTICLES) and
 * every citation (two FIND statements, positive and negative claims, each ordered by subject,
 * predicate, object and article, merged here so that a claim's positive citations come before
 * its negative ones) and hands them to the format's sink in that deterministic order. */
#include "export.h"

#include "output.h"
#include "records.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IRI_DEFAULT_BASE "urn:claimdb:"

static const char *const find_citations[2] = {
    "FIND ?s, ?p, ?o, ?src, ?q, ?who, ?c, ?d WHERE ?s ?p ?o FROM ?src QUOTE ?q BY ?who "
    "CONFIDENCE ?c ON ?d ORDER BY ?s, ?p, ?o, ?src, ?q;",
    "FIND ?s, ?p, ?o, ?src, ?q, ?who, ?c, ?d WHERE NOT ?s ?p ?o FROM ?src QUOTE ?q BY ?who "
    "CONFIDENCE ?c ON ?d ORDER BY ?s, ?p, ?o, ?src, ?q;",
};

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static int failed(claimdb *db, const char *name, const char *what)
{
    diag("claimdb: %s: export failed reading %s: %s\n", name, what, claimdb_errmsg_text(db));
    return 1;
}

/* ---- aliases ----------------------------------------------------------------------------- */

typedef struct alias_row {
    char *alias, *canonical;
} alias_row;

static int cmp_alias(const void *a, const void *b)
{
    const alias_row *x = a, *y = b;
    int c = strcmp(x->alias, y->alias);
    return c ? c : strcmp(x->canonical, y->canonical);
}

static int export_aliases(claimdb *db, const char *name, export_sink *sink)
{
    claimdb_stmt *stmt = NULL;
    if (claimdb_prepare(db, "SHOW ALIASES;", -1, &stmt, NULL) != CLAIMDB_OK)
        return failed(db, name, "aliases");
    int ia = stmt_column_index(stmt, "alias"), ic = stmt_column_index(stmt, "term");
    if (ia < 0) ia = 0;
    if (ic < 0) ic = 1;
    alias_row *rows = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = claimdb_step(stmt)) == CLAIMDB_ROW) {
        const char *a = stmt_text_or_null(stmt, ia), *c = stmt_text_or_null(stmt, ic);
        if (!a || !c) continue;
        if (n == cap) rows = xrealloc(rows, (cap = cap ? cap * 2 : 64) * sizeof *rows);
        rows[n].alias = xstrdup(a);
        rows[n].canonical = xstrdup(c);
        n++;
    }
    int result = 0;
    if (rc != CLAIMDB_DONE) result = failed(db, name, "aliases");
    claimdb_finalize(stmt);
    if (n) qsort(rows, n, sizeof *rows, cmp_alias);
    for (size_t i = 0; i < n; i++) {
        rec_alias r = {rows[i].alias, rows[i].canonical};
        if (!result && sink->alias(sink->state, &r) != 0) result = 1;
        free(rows[i].alias);
        free(rows[i].canonical);
    }
    free(rows);
    return result;
}

/* ---- articles ----------------------------------------------------------------------------- */

static int export_articles(claimdb *db, const char *name, export_sink *sink)
{
    claimdb_stmt *stmt = NULL;
    if (claimdb_prepare(db, "SHOW ARTICLES;", -1, &stmt, NULL) != CLAIMDB_OK)
        return failed(db, name, "articles");
    int col[8];
    static const char *const names[8] = {"id",  "title",  "outlet",       "date",
                                         "url", "author", "duplicate_of", "text"};
    for (int i = 0; i < 8; i++)
        col[i] = stmt_column_index(stmt, names[i]);
    /* SHOW ARTICLES leaves the texts out (they are long); SHOW ARTICLE n has the text. */
    claimdb_stmt *one = NULL;
    if (claimdb_prepare(db, "SHOW ARTICLE $id;", -1, &one, NULL) != CLAIMDB_OK) {
        claimdb_finalize(stmt);
        return failed(db, name, "articles");
    }
    int text_col = stmt_column_index(one, "text");
    int rc, result = 0;
    int64_t last = -1;
    while (!result && (rc = claimdb_step(stmt)) == CLAIMDB_ROW) {
        rec_article a;
        a.id = claimdb_column_int64(stmt, col[0] >= 0 ? col[0] : 0);
        a.title = stmt_text_or_null(stmt, col[1]);
        a.outlet = stmt_text_or_null(stmt, col[2]);
        a.date = stmt_text_or_null(stmt, col[3]);
        a.url = stmt_text_or_null(stmt, col[4]);
        a.author = stmt_text_or_null(stmt, col[5]);
        a.duplicate_of = col[6] >= 0 && claimdb_column_type(stmt, col[6]) != CLAIMDB_NULL
                             ? claimdb_column_int64(stmt, col[6])
                             : -1;
        a.text = stmt_text_or_null(stmt, col[7]);
        if (!a.text && text_col >= 0) {
            claimdb_reset(one);
            if (claimdb_bind_int64(one, "$id", a.id) != CLAIMDB_OK) {
                result = failed(db, name, "articles");
                break;
            }
            int r1 = claimdb_step(one);
            if (r1 == CLAIMDB_ROW)
                a.text = stmt_text_or_null(one, text_col);
            else if (r1 != CLAIMDB_DONE) {
                result = failed(db, name, "article texts");
                break;
            }
        }
        if (a.id <= last) { /* the engine lists articles by id; the order is part of the format */
            diag("claimdb: %s: SHOW ARTICLES is not in id order\n", name);
            result = 1;
            break;
        }
        last = a.id;
        if (sink->article(sink->state, &a) != 0) result = 1;
    }
    if (!result && rc != CLAIMDB_DONE) result = failed(db, name, "articles");
    claimdb_finalize(one);
    claimdb_finalize(stmt);
    return result;
}

/* ---- citations ---------------------------------------------------------------------------- */

typedef struct cursor {
    claimdb_stmt *stmt;
    int negated;
    int has_row;
    rec_claim row; /* strings owned by the cursor */
} cursor;

static void cursor_clear(cursor *c)
{
    free((char *)c->row.subject);
    free((char *)c->row.predicate);
    free((char *)c->row.object);
    free((char *)c->row.quote);
    free((char *)c->row.claimant);
    free((char *)c->row.said_on);
    memset(&c->row, 0, sizeof c->row);
    c->has_row = 0;
}

/* Step to the next citation; returns CLAIMDB_ROW, CLAIMDB_DONE or an error. */
static int cursor_next(cursor *c)
{
    cursor_clear(c);
    int rc = claimdb_step(c->stmt);
    if (rc != CLAIMDB_ROW) return rc;
    claimdb_stmt *s = c->stmt;
    c->row.subject = dup_or_null(stmt_text_or_null(s, 0));
    c->row.predicate = dup_or_null(stmt_text_or_null(s, 1));
    c->row.object = dup_or_null(stmt_text_or_null(s, 2));
    c->row.article = claimdb_column_int64(s, 3);
    c->row.quote = dup_or_null(stmt_text_or_null(s, 4));
    c->row.claimant = dup_or_null(stmt_text_or_null(s, 5));
    c->row.has_confidence = claimdb_column_type(s, 6) != CLAIMDB_NULL;
    c->row.confidence = c->row.has_confidence ? claimdb_column_double(s, 6) : 0;
    c->row.said_on = dup_or_null(stmt_text_or_null(s, 7));
    c->row.negated = c->negated;
    if (!c->row.subject || !c->row.predicate || !c->row.object) {
        cursor_clear(c);
        return CLAIMDB_ERROR;
    }
    c->has_row = 1;
    return rc;
}

static int cmp_claim(const rec_claim *a, const rec_claim *b)
{
    int c;
    if ((c = strcmp(a->subject, b->subject)) || (c = strcmp(a->predicate, b->predicate)) ||
        (c = strcmp(a->object, b->object)))
        return c;
    if (a->negated != b->negated) return a->negated - b->negated;
    return (a->article > b->article) - (a->article < b->article);
}

static int export_citations(claimdb *db, const char *name, export_sink *sink)
{
    cursor cur[2] = {{0}};
    int result = 0;
    for (int i = 0; i < 2 && !result; i++) {
        cur[i].negated = i;
        if (claimdb_prepare(db, find_citations[i], -1, &cur[i].stmt, NULL) != CLAIMDB_OK) {
            result = failed(db, name, "citations");
            break;
        }
        int rc = cursor_next(&cur[i]);
        if (rc != CLAIMDB_ROW && rc != CLAIMDB_DONE) result = failed(db, name, "citations");
    }
    while (!result && (cur[0].has_row || cur[1].has_row)) {
        int pick;
        if (!cur[0].has_row || !cur[1].has_row)
            pick = cur[1].has_row;
        else
            pick = cmp_claim(&cur[0].row, &cur[1].row) > 0;
        if (sink->claim(sink->state, &cur[pick].row) != 0) {
            result = 1;
            break;
        }
        int rc = cursor_next(&cur[pick]);
        if (rc != CLAIMDB_ROW && rc != CLAIMDB_DONE) result = failed(db, name, "citations");
    }
    for (int i = 0; i < 2; i++) {
        cursor_clear(&cur[i]);
        claimdb_finalize(cur[i].stmt);
    }
    return result;
}

/* ---- reviews ------------------------------------------------------------------------------- */

static int export_reviews(claimdb *db, const char *name, export_sink *sink);

/* Everything, in the order of the format: a format without aliases, articles or citations
 * (claimreview) says how many of each it left out. */
static int export_records(claimdb *db, const char *name, export_sink *sink)
{
    if (sink->alias && sink->article && sink->claim) {
        int rc = export_aliases(db, name, sink);
        if (!rc) rc = export_articles(db, name, sink);
        if (!rc) rc = export_citations(db, name, sink);
        if (!rc) rc = export_reviews(db, name, sink);
        return rc;
    }
    static const char *const counted[4] = {"claims", "citations", "articles", "aliases"};
    claimdb_stmt *stmt = NULL;
    if (claimdb_prepare(db, "SHOW STATS;", -1, &stmt, NULL) != CLAIMDB_OK)
        return failed(db, name, "statistics");
    long long n[4] = {0};
    while (claimdb_step(stmt) == CLAIMDB_ROW)
        for (int i = 0; i < 4; i++)
            if (!strcmp(claimdb_column_text(stmt, 0), counted[i]))
                n[i] = claimdb_column_int64(stmt, 1);
    claimdb_finalize(stmt);
    if (n[0] || n[2] || n[3])
        diag("claimdb: %s: %lld claims (%lld citations), %lld articles and %lld aliases left "
             "out: this format holds reviews only\n",
             name, n[0], n[1], n[2], n[3]);
    return export_reviews(db, name, sink);
}

/* The columns of SHOW REVIEWS that a review record is read from (review_columns.at). */
enum {
    R_URL,
    R_REVIEWER,
    R_DATE,
    R_RATING,
    R_VERDICT,
    R_TEXT,
    R_S,
    R_P,
    R_O,
    R_POL,
    R_CLAIMANT,
    R_CLAIM_DATE,
    R_AUTHOR,
    R_TITLE,
    R_LANGUAGE,
    R_APPEARANCE,
    R_APPEARANCE_URL,
    R_VALUE,
    R_BEST,
    R_WORST,
    R_N
};

_Static_assert(R_N == sizeof((review_columns *)0)->at / sizeof(int),
               "review_columns holds every R_ column");

void review_columns_find(claimdb_stmt *stmt, review_columns *cols)
{
    static const char *const names[R_N] = {
        "url",         "reviewer",    "date",     "rating",     "verdict",        "claim_reviewed",
        "subject",     "predicate",   "object",   "polarity",   "claimant",       "claim_date",
        "author",      "title",       "language", "appearance", "appearance_url", "rating_value",
        "best_rating", "worst_rating"};
    for (int i = 0; i < R_N; i++)
        cols->at[i] = stmt_column_index(stmt, names[i]);
}

void review_of_row(claimdb_stmt *stmt, const review_columns *cols, rec_review *rr)
{
    const int *col = cols->at;
    claimdb_review *r = &rr->r;
    memset(rr, 0, sizeof *rr);
    r->url = stmt_text_or_null(stmt, col[R_URL]);
    r->reviewer = stmt_text_or_null(stmt, col[R_REVIEWER]);
    r->date = stmt_text_or_null(stmt, col[R_DATE]);
    r->rating = stmt_text_or_null(stmt, col[R_RATING]);
    rr->verdict = stmt_text_or_null(stmt, col[R_VERDICT]);
    r->claim_reviewed = stmt_text_or_null(stmt, col[R_TEXT]);
    r->subject = stmt_text_or_null(stmt, col[R_S]);
    r->predicate = stmt_text_or_null(stmt, col[R_P]);
    r->object = stmt_text_or_null(stmt, col[R_O]);
    const char *pol = stmt_text_or_null(stmt, col[R_POL]);
    r->negated = pol && !strcmp(pol, "-");
    r->claimant = stmt_text_or_null(stmt, col[R_CLAIMANT]);
    r->claim_date = stmt_text_or_null(stmt, col[R_CLAIM_DATE]);
    r->author = stmt_text_or_null(stmt, col[R_AUTHOR]);
    r->title = stmt_text_or_null(stmt, col[R_TITLE]);
    r->language = stmt_text_or_null(stmt, col[R_LANGUAGE]);
    if (stmt_text_or_null(stmt, col[R_APPEARANCE])) {
        r->has_appearance = 1;
        r->appearance = claimdb_column_int64(stmt, col[R_APPEARANCE]);
    }
    r->appearance_url = stmt_text_or_null(stmt, col[R_APPEARANCE_URL]);
    int *has[3] = {&r->has_rating_value, &r->has_best_rating, &r->has_worst_rating};
    double *num[3] = {&r->rating_value, &r->best_rating, &r->worst_rating};
    for (int i = 0; i < 3; i++)
        if (stmt_text_or_null(stmt, col[R_VALUE + i])) {
            *has[i] = 1;
            *num[i] = claimdb_column_double(stmt, col[R_VALUE + i]);
        }
}

/* Every review, one record per (review, triple), in the order SHOW REVIEWS gives (by when the
 * review was first stored, then by triple). A sink that cannot hold reviews gets none, and the
 * export says how many it left out. */
static int export_reviews(claimdb *db, const char *name, export_sink *sink)
{
    claimdb_stmt *stmt = NULL;
    if (claimdb_prepare(db, "SHOW REVIEWS;", -1, &stmt, NULL) != CLAIMDB_OK)
        return failed(db, name, "reviews");
    review_columns cols;
    review_columns_find(stmt, &cols);
    int rc, result = 0;
    long left_out = 0;
    while (!result && (rc = claimdb_step(stmt)) == CLAIMDB_ROW) {
        if (!sink->review) {
            left_out++;
            continue;
        }
        rec_review rr;
        review_of_row(stmt, &cols, &rr);
        if (!rr.r.url || !rr.r.claim_reviewed) {
            diag("claimdb: %s: SHOW REVIEWS gave a review without URL or text\n", name);
            result = 1;
            break;
        }
        if (sink->review(sink->state, &rr) != 0) result = 1;
    }
    if (!result && rc != CLAIMDB_DONE) result = failed(db, name, "reviews");
    claimdb_finalize(stmt);
    if (!result && left_out)
        diag("claimdb: %s: %ld review record%s left out: this format has no reviews (jsonl, "
             "nquads and claimreview have)\n",
             name, left_out, left_out == 1 ? "" : "s");
    return result;
}

int export_default_format(FILE *out)
{
    return isatty(fileno(out)) ? FORMAT_TSV : FORMAT_JSONL;
}

int export_db(claimdb *db, FILE *out, const char *name, const export_options *o)
{
    export_sink sink;
    memset(&sink, 0, sizeof sink);
    switch (o->format) {
    case FORMAT_TSV:
        tsv_sink_open(&sink, out);
        break;
    case FORMAT_JSONL:
        jsonl_sink_open(&sink, out);
        break;
    case FORMAT_CLAIMREVIEW:
        claimreview_sink_open(&sink, out);
        break;
    default:
        nquads_sink_open(&sink, out, o->base ? o->base : IRI_DEFAULT_BASE);
        break;
    }
    int rc = export_records(db, name, &sink);
    if (sink.finish(sink.state) != 0 && !rc) {
        diag("claimdb: %s: write error\n", name);
        rc = 1;
    }
    return rc;
}
