/* show.c — SHOW: what the database holds (articles, predicates, aliases, counts, terms,
 * quotes not found, reviews). One row of the table below per object shown, with its columns
 * beside the function that fills them. The lists are small and computed whole into a rowset;
 * SHOW TERMS, which can be as large as the dictionary, streams from a cursor. */
#include "engine.h"
#include "try.h"

#include <stdlib.h>
#include <string.h>

/* SHOW ARTICLES has all but the last (the text), SHOW ARTICLE all. */
static const char *const article_columns[] = {"id",     "title",        "outlet", "date", "url",
                                              "author", "duplicate_of", "claims", "text"};
static const char *const predicate_columns[] = {"predicate", "claims"};
static const char *const alias_columns[] = {"alias", "term"};
static const char *const stat_columns[] = {"name", "value"};
static const char *const term_columns[] = {"term"};
static const char *const unplaced_columns[] = {"article", "subject",  "predicate",
                                               "object",  "polarity", "quote"};

/* One SHOW ARTICLES row (with the text too for SHOW ARTICLE). */
static int article_row(claimdb_stmt *stmt, rowset *rs, const store_article *a, bool text)
{
    store_cursor *cc;
    int64_t n = 0;
    int rc = store_article_claims_open(stmt->txn, a->id, &cc);
    if (rc != CLAIMDB_OK) return rc;
    claim_key k;
    int r;
    while ((r = store_cursor_next_claim(cc, &k)) == CLAIMDB_ROW)
        n++;
    store_cursor_close(cc);
    if (store_step_err(r)) return r;
    value row[COUNT_OF(article_columns)] = {v_int((int64_t)a->id),
                                            v_stored(a->title),
                                            v_stored(a->outlet),
                                            v_stored(a->date),
                                            v_stored(a->url),
                                            v_stored(a->author),
                                            a->has_duplicate_of ? v_int((int64_t)a->duplicate_of)
                                                                : v_null(),
                                            v_int(n),
                                            text ? v_stored(a->text) : v_null()};
    return rowset_add(rs, row);
}

static int show_articles(claimdb_stmt *stmt, rowset *rs)
{
    store_cursor *cur;
    int rc = store_articles_open(stmt->txn, &cur);
    if (rc != CLAIMDB_OK) return rc;
    store_article a;
    int r;
    while ((r = store_cursor_next_article(cur, &a)) == CLAIMDB_ROW)
        if ((rc = article_row(stmt, rs, &a, false)) != CLAIMDB_OK) break;
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    return rc;
}

static int show_article(claimdb_stmt *stmt, rowset *rs)
{
    uint64_t id;
    int rc = stmt_value_uint(stmt, &stmt->ast->u.show.like, "an article id", &id);
    if (rc != CLAIMDB_OK) return rc;
    store_article a;
    rc = store_article_get(stmt->txn, id, &a);
    if (rc == CLAIMDB_NOTFOUND) return CLAIMDB_OK; /* no such article: no row */
    if (rc != CLAIMDB_OK) return rc;
    return article_row(stmt, rs, &a, true);
}

static int show_predicates(claimdb_stmt *stmt, rowset *rs)
{
    /* Walk the dictionary (terms, not claims) and keep terms used as predicates: the work is
     * bounded by the number of terms however many claims there are. */
    store_cursor *cur;
    int rc = store_terms_open(stmt->txn, "", 0, &cur);
    if (rc != CLAIMDB_OK) return rc;
    term_id id;
    store_text t;
    int r;
    while ((r = store_cursor_next_term(cur, &id, &t)) == CLAIMDB_ROW) {
        uint64_t np = 0, nn = 0;
        if ((rc = store_term_stat(stmt->txn, POL_POS, ROLE_P, id, &np)) ||
            (rc = store_term_stat(stmt->txn, POL_NEG, ROLE_P, id, &nn)))
            break;
        if (np + nn == 0) continue;
        value row[COUNT_OF(predicate_columns)] = {v_text(t.ptr, t.len), v_int((int64_t)(np + nn))};
        if ((rc = rowset_add(rs, row)) != CLAIMDB_OK) break;
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    return rc;
}

static int show_aliases(claimdb_stmt *stmt, rowset *rs)
{
    store_cursor *cur;
    int rc = store_aliases_open(stmt->txn, &cur);
    if (rc != CLAIMDB_OK) return rc;
    store_text alias;
    term_id canon;
    int r;
    while ((r = store_cursor_next_alias(cur, &alias, &canon)) == CLAIMDB_ROW) {
        store_text t;
        if ((rc = store_term_text(stmt->txn, canon, &t)) != CLAIMDB_OK) break;
        value row[COUNT_OF(alias_columns)] = {v_text(alias.ptr, alias.len), v_text(t.ptr, t.len)};
        if ((rc = rowset_add(rs, row)) != CLAIMDB_OK) break;
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    return rc;
}

static int show_stats(claimdb_stmt *stmt, rowset *rs)
{
    store_counts c;
    int rc = store_counts_get(stmt->txn, &c);
    if (rc != CLAIMDB_OK) return rc;
    struct {
        const char *name;
        uint64_t v;
    } rows[] = {
        {"format_version", STORE_FORMAT_VERSION},
        {"terms", c.terms},
        {"claims", c.claims_pos + c.claims_neg},
        {"negative_claims", c.claims_neg},
        {"citations", c.citations},
        {"articles", c.articles},
        {"aliases", c.aliases},
        {"reviews", c.reviews},
        {"map_size", c.map_size},
        {"used_bytes", c.used_bytes},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        value row[COUNT_OF(stat_columns)] = {v_cstr(rows[i].name), v_int((int64_t)rows[i].v)};
        TRY(rc, rowset_add(rs, row));
    }
    return CLAIMDB_OK;
}

/* Citations whose article has a stored text that does not hold their quote: placing is done
 * when a citation or its article's text is stored, so these are the unplaced ones. */
static int show_unplaced(claimdb_stmt *stmt, rowset *rs)
{
    store_cursor *arts;
    int rc = store_articles_open(stmt->txn, &arts);
    if (rc != CLAIMDB_OK) return rc;
    store_article a;
    int r;
    while (rc == CLAIMDB_OK && (r = store_cursor_next_article(arts, &a)) == CLAIMDB_ROW) {
        if (!a.text.ptr) continue;
        store_cursor *cc;
        if ((rc = store_article_claims_open(stmt->txn, a.id, &cc))) break;
        claim_key k;
        int r2;
        while (rc == CLAIMDB_OK && (r2 = store_cursor_next_claim(cc, &k)) == CLAIMDB_ROW) {
            store_cursor *cur;
            if ((rc = store_cites_open_article(stmt->txn, &k, a.id, &cur))) break;
            store_citation c;
            int r3;
            while ((r3 = store_cursor_next_cite(cur, &c)) == CLAIMDB_ROW) {
                if (!c.quote.ptr || c.qstart >= 0) continue;
                value row[COUNT_OF(unplaced_columns)] = {v_int((int64_t)a.id),
                                                         v_term(k.s),
                                                         v_term(k.p),
                                                         v_term(k.o),
                                                         v_cstr(k.pol == POL_POS ? "+" : "-"),
                                                         v_text(c.quote.ptr, c.quote.len)};
                if ((rc = rowset_add(rs, row))) break;
            }
            store_cursor_close(cur);
            if (rc == CLAIMDB_OK) rc = store_step_err(r3);
        }
        store_cursor_close(cc);
        if (rc == CLAIMDB_OK) rc = store_step_err(r2);
    }
    store_cursor_close(arts);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    return rc;
}

/* SHOW TERMS LIKE streams: a prefix range scan of the dictionary on the pattern's literal
 * prefix, each candidate checked against the whole pattern. */
typedef struct terms_exec {
    exec base;
    store_cursor *cur;
    char *pattern;
    size_t plen;
} terms_exec;

static int terms_next(claimdb_stmt *stmt, exec *self)
{
    terms_exec *e = (terms_exec *)self;
    term_id id;
    store_text t;
    int r;
    while ((r = store_cursor_next_term(e->cur, &id, &t)) == CLAIMDB_ROW) {
        bool m;
        int rc = like_match(e->pattern, e->plen, t.ptr, t.len, &m);
        if (rc != CLAIMDB_OK) return db_error(stmt->db, rc, "out of memory");
        if (!m) continue;
        stmt->row[0] = v_text(t.ptr, t.len);
        return CLAIMDB_ROW;
    }
    if (store_step_err(r)) return db_store_error(stmt->db, r);
    return CLAIMDB_DONE;
}

static void terms_free(exec *self)
{
    terms_exec *e = (terms_exec *)self;
    store_cursor_close(e->cur);
    free(e->pattern);
    free(e);
}

static int show_terms(claimdb_stmt *stmt, exec **out)
{
    const char *p;
    size_t n;
    char buf[64];
    int rc = stmt_value_text(stmt, &stmt->ast->u.show.like, "LIKE", &p, &n, buf, sizeof buf);
    if (rc != CLAIMDB_OK) return rc;
    terms_exec *e = calloc(1, sizeof *e);
    if (e) e->pattern = malloc(n + 1);
    if (!e || !e->pattern) {
        free(e);
        return db_nomem(stmt->db);
    }
    memcpy(e->pattern, p, n);
    e->pattern[n] = '\0';
    e->plen = n;
    e->base.next = terms_next;
    e->base.free = terms_free;
    /* The key of the literal prefix bounds the scan. Normalising trims trailing white
     * space, which only widens the range; the LIKE check keeps the result exact. */
    size_t lp = like_prefix(p, n);
    char *key = NULL;
    size_t klen = 0;
    if (lp > 0 && store_term_key(p, lp, &key, &klen) != CLAIMDB_OK) {
        key = NULL;
        klen = 0;
    }
    rc = store_terms_open(stmt->txn, key ? key : "", klen, &e->cur);
    free(key);
    if (rc != CLAIMDB_OK) {
        terms_free(&e->base);
        return db_store_error(stmt->db, rc);
    }
    *out = &e->base;
    return CLAIMDB_OK;
}

/* One row per object SHOW names: its columns and what fills them, or for SHOW TERMS what
 * streams them. */
static const struct show {
    const char *const *columns;
    int ncolumns;
    int (*fill)(claimdb_stmt *stmt, rowset *rs);
    int (*stream)(claimdb_stmt *stmt, exec **out);
} shows[] = {
    [SHOW_ARTICLES] = {article_columns, COUNT_OF(article_columns) - 1, show_articles},
    [SHOW_ARTICLE] = {article_columns, COUNT_OF(article_columns), show_article},
    [SHOW_PREDICATES] = {predicate_columns, COUNT_OF(predicate_columns), show_predicates},
    [SHOW_ALIASES] = {alias_columns, COUNT_OF(alias_columns), show_aliases},
    [SHOW_STATS] = {stat_columns, COUNT_OF(stat_columns), show_stats},
    [SHOW_TERMS] = {term_columns, COUNT_OF(term_columns), NULL, show_terms},
    [SHOW_QUOTES_NOT_FOUND] = {unplaced_columns, COUNT_OF(unplaced_columns), show_unplaced},
    [SHOW_REVIEWS] = {review_columns, REVIEW_COLUMNS, show_reviews}, /* review.c */
    [SHOW_TEXT_INDEX] = {text_index_columns, TEXT_INDEX_COLUMNS,
                         show_text_index}, /* text_index.c */
};

static int show_shape(claimdb_stmt *stmt)
{
    size_t k = (size_t)stmt->ast->u.show.kind;
    if (k >= sizeof shows / sizeof shows[0] || !shows[k].columns)
        return db_error(stmt->db, CLAIMDB_MISUSE, "SHOW of an object the engine does not know");
    return stmt_set_columns(stmt, shows[k].ncolumns, shows[k].columns);
}

static int show_start(claimdb_stmt *stmt, exec **out)
{
    const struct show *sh = &shows[stmt->ast->u.show.kind];
    if (sh->stream) return sh->stream(stmt, out);
    rowset *rs = rowset_new(stmt->ncols);
    if (!rs) return db_nomem(stmt->db);
    int rc = sh->fill(stmt, rs);
    if (rc != CLAIMDB_OK) {
        rowset_free(rs);
        if (stmt->db->errcode == rc) return rc; /* already described, with its position */
        return db_fail(stmt->db, rc);
    }
    return rowset_exec(rs, out);
}

const stmt_kind stmt_show = {.mode = MODE_READ, .shape = show_shape, .start = show_start};
