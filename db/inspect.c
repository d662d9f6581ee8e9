/* inspect.c — the fact-checking statements EVIDENCE and CHECK, and SHOW. Their results are
 * small (one claim's citations, one verdict, the articles), so they are computed whole into
 * a rowset; SHOW TERMS, which can be as large as the dictionary, streams from a cursor. */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static value text_or_null(store_text t)
{
    return t.ptr ? v_text(t.ptr, t.len) : v_null();
}

/* The claim's three terms, looked up; *found is false when one is unknown. */
static int claim_terms(claimdb_stmt *stmt, claim_key *k, bool *found)
{
    const ast_claim_stmt *c = &stmt->ast->u.claim;
    int rc;
    if ((rc = stmt_read_term(stmt, &c->s, &k->s)) || (rc = stmt_read_term(stmt, &c->p, &k->p)) ||
        (rc = stmt_read_term(stmt, &c->o, &k->o)))
        return rc;
    *found = k->s && k->p && k->o;
    return CLAIMDB_OK;
}

/* A citation fills the first twelve columns; a review (review.c) puts its own fields where
 * they mean the most alike, and says "review" in kind (docs/language.md, 5.1). */
const char *const evidence_columns[EVIDENCE_COLUMNS] = {
    "article", "title",  "outlet",      "date",      "claimant", "quote",  "polarity", "confidence",
    "said_on", "stored", "quote_start", "quote_end", "kind",     "rating", "verdict",  "url"};

const char *const check_columns[CHECK_ALL_COLUMNS] = {
    "verdict",        "supporting",     "contradicting",     "independent_supporting", "weight_for",
    "weight_against", "self_serving",   "sources_for",       "sources_against",        "reviews",
    "reviewers",      "latest_verdict", "reviewers_disagree"};

int evidence_start(claimdb_stmt *stmt, exec **out)
{
    rowset *rs = rowset_new(EVIDENCE_COLUMNS);
    if (!rs) return db_error(stmt->db, CLAIMDB_NOMEM, "out of memory");
    claim_key k;
    bool found;
    int rc = claim_terms(stmt, &k, &found);
    /* Supporting citations first, then contradicting ones, each in article order. */
    for (int side = 0; rc == CLAIMDB_OK && found && side < 2; side++) {
        k.pol = side == 0 ? POL_POS : POL_NEG;
        store_cursor *cur;
        if ((rc = store_cites_open(stmt->txn, &k, &cur)) != CLAIMDB_OK) break;
        store_citation c;
        int r;
        while ((r = store_cursor_next_cite(cur, &c)) == CLAIMDB_ROW) {
            store_article a;
            memset(&a, 0, sizeof a);
            int ar = store_article_get(stmt->txn, c.article, &a);
            if (ar != CLAIMDB_OK && ar != CLAIMDB_NOTFOUND) {
                r = -ar;
                break;
            }
            char when[32];
            size_t wn = format_utc(c.stored, when, sizeof when);
            value row[EVIDENCE_COLUMNS] = {
                v_int((int64_t)c.article),
                text_or_null(a.title),
                text_or_null(a.outlet),
                text_or_null(a.date),
                v_term(c.claimant),
                text_or_null(c.quote),
                v_cstr(side == 0 ? "+" : "-"),
                c.has_confidence ? v_real(c.confidence) : v_null(),
                text_or_null(c.said_on),
                wn ? v_text(when, wn) : v_null(),
                c.qstart >= 0 ? v_int(c.qstart) : v_null(),
                c.qend >= 0 ? v_int(c.qend) : v_null(),
                v_cstr("citation"),
                v_null(),
                v_null(),
                text_or_null(a.url),
            };
            if (row[4].k == V_TERM) {
                store_text t;
                if (store_term_text(stmt->txn, c.claimant, &t) == CLAIMDB_OK)
                    row[4] = text_or_null(t);
            }
            if ((rc = rowset_add(rs, row)) != CLAIMDB_OK) break;
        }
        store_cursor_close(cur);
        if (rc == CLAIMDB_OK) rc = store_step_err(r);
    }
    /* Then what fact-checkers concluded about the triple, of either polarity. */
    if (rc == CLAIMDB_OK && found) rc = evidence_reviews(stmt, k, rs);
    if (rc != CLAIMDB_OK) {
        rowset_free(rs);
        return stmt->db->errcode ? stmt->db->errcode : db_store_error(stmt->db, rc);
    }
    return rowset_exec(rs, out);
}

/* Append "a, b, c" of ids to buf. */
static void append_ids(char *buf, size_t cap, const uint64_t *ids, size_t n)
{
    size_t len = strlen(buf);
    for (size_t i = 0; i < n && len < cap; i++) {
        int w = snprintf(buf + len, cap - len, "%s%llu", i ? ", " : "", (unsigned long long)ids[i]);
        if (w < 0) break;
        len += (size_t)w;
    }
}

/* What one side of a claim (its citations of one polarity) weighs for CHECK. */
typedef struct side {
    uint64_t *ids; /* distinct citing articles, in order */
    size_t n;
    int64_t independent; /* ids with duplicates of one article counted once */
    double weight;       /* per independent article, the most sure citation that is not
                          * self-serving; summed */
    int64_t self;        /* self-serving citations: the claimant is the subject */
} side;

/* One pass over a side's citations (through *cur, kept for the other side): the distinct
 * articles (citations come in article order), the self-serving citations, and per independent
 * group (articles with one DUPLICATE OF root) the surest citation that is not self-serving.
 * Each article's root is read once. */
static int side_weigh(store_txn *txn, store_cursor **cur, const claim_key *k, side *sd)
{
    memset(sd, 0, sizeof *sd);
    int rc = *cur ? store_cites_retarget(*cur, k) : store_cites_open(txn, k, cur);
    if (rc != CLAIMDB_OK) return rc;
    uint64_t *roots = NULL, root = 0; /* roots[i]: the root of group i; best[i] its weight */
    double *best = NULL;
    size_t nroots = 0, cap = 0;
    store_citation c;
    int r;
    while ((r = store_cursor_next_cite(*cur, &c)) == CLAIMDB_ROW) {
        if (sd->n == 0 || sd->ids[sd->n - 1] != c.article) {
            if (sd->n == cap) {
                cap = cap ? 2 * cap : 8;
                uint64_t *ni = realloc(sd->ids, cap * sizeof *ni);
                if (ni) sd->ids = ni;
                uint64_t *nr = ni ? realloc(roots, cap * sizeof *nr) : NULL;
                if (nr) roots = nr;
                double *nb = nr ? realloc(best, cap * sizeof *nb) : NULL;
                if (nb) best = nb;
                if (!nb) {
                    rc = CLAIMDB_NOMEM;
                    break;
                }
            }
            sd->ids[sd->n++] = c.article;
            if ((rc = article_root(txn, c.article, &root)) != CLAIMDB_OK) break;
            size_t i = 0;
            while (i < nroots && roots[i] != root)
                i++;
            if (i == nroots) {
                roots[nroots] = root;
                best[nroots++] = 0;
            }
        }
        if (c.claimant && c.claimant == k->s) {
            sd->self++;
            continue;
        }
        double w = c.has_confidence ? c.confidence : 1.0;
        size_t i = 0;
        while (roots[i] != root)
            i++;
        if (w > best[i]) best[i] = w;
    }
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    sd->independent = (int64_t)nroots;
    for (size_t i = 0; i < nroots; i++)
        sd->weight += best[i];
    free(roots);
    free(best);
    return rc;
}

/* The verdict from the two sides' weights (docs/language.md, "CHECK's verdict"). */
static const char *verdict_of(const side *pro, const side *con)
{
    if (pro->n == 0 && con->n == 0) return "unknown";
    if (pro->weight > 0 && con->weight > 0) return "disputed";
    if (pro->weight >= 1) return "supported";
    if (con->weight >= 1) return "contradicted";
    return "unverified";
}

static value id_list(char **buf, const side *sd)
{
    size_t cap = 1 + 22 * sd->n;
    *buf = calloc(1, cap);
    if (!*buf) return v_null();
    append_ids(*buf, cap, sd->ids, sd->n);
    return v_list(*buf, strlen(*buf));
}

int check_start(claimdb_stmt *stmt, exec **out)
{
    claim_key k;
    bool found;
    side pro, con;
    memset(&pro, 0, sizeof pro);
    memset(&con, 0, sizeof con);
    int rc = claim_terms(stmt, &k, &found);
    if (rc != CLAIMDB_OK) return rc;
    if (found) {
        /* CHECK NOT s p o asks about the negation: its support is the negative claim. */
        bool neg = stmt->ast->u.claim.negated;
        store_cursor *cur = NULL;
        k.pol = neg ? POL_NEG : POL_POS;
        rc = side_weigh(stmt->txn, &cur, &k, &pro);
        k.pol = neg ? POL_POS : POL_NEG;
        if (rc == CLAIMDB_OK) rc = side_weigh(stmt->txn, &cur, &k, &con);
        store_cursor_close(cur);
        if (rc != CLAIMDB_OK)
            rc = rc == CLAIMDB_NOMEM ? db_error(stmt->db, rc, "out of memory")
                                     : db_store_error(stmt->db, rc);
    }
    char *lp = NULL, *lc = NULL, *rmem = NULL;
    bool reviews = stmt->ast->u.claim.reviews;
    rowset *rs = rowset_new(reviews ? CHECK_ALL_COLUMNS : CHECK_COLUMNS);
    value rv[CHECK_REVIEW_COLUMNS] = {{0}};
    /* CHECK … REVIEWS: the reviews of the triple asked about, with its polarity. */
    k.pol = stmt->ast->u.claim.negated ? POL_NEG : POL_POS;
    if (rc == CLAIMDB_OK && reviews &&
        (rc = check_review_values(stmt, found ? &k : NULL, rv, &rmem)))
        rc = rc == CLAIMDB_NOMEM ? db_error(stmt->db, rc, "out of memory")
                                 : db_store_error(stmt->db, rc);
    if (rc == CLAIMDB_OK) {
        value row[CHECK_ALL_COLUMNS] = {v_cstr(verdict_of(&pro, &con)),
                                    v_int((int64_t)pro.n),
                                    v_int((int64_t)con.n),
                                    v_int(pro.independent),
                                    v_real(pro.weight),
                                    v_real(con.weight),
                                    v_int(pro.self + con.self),
                                    id_list(&lp, &pro),
                                    id_list(&lc, &con),
                                    rv[0],
                                    rv[1],
                                    rv[2],
                                    rv[3]};
        if (!rs || !lp || !lc)
            rc = db_error(stmt->db, CLAIMDB_NOMEM, "out of memory");
        else
            rc = rowset_add(rs, row);
    }
    free(lp);
    free(lc);
    free(rmem);
    free(pro.ids);
    free(con.ids);
    if (rc != CLAIMDB_OK) {
        rowset_free(rs);
        return rc == CLAIMDB_NOMEM ? db_error(stmt->db, rc, "out of memory") : rc;
    }
    return rowset_exec(rs, out);
}

/* ---- SHOW ---- */

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
    value row[9] = {v_int((int64_t)a->id),
                    text_or_null(a->title),
                    text_or_null(a->outlet),
                    text_or_null(a->date),
                    text_or_null(a->url),
                    text_or_null(a->author),
                    a->has_duplicate_of ? v_int((int64_t)a->duplicate_of) : v_null(),
                    v_int(n),
                    text ? text_or_null(a->text) : v_null()};
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
        value row[2] = {v_text(t.ptr, t.len), v_int((int64_t)(np + nn))};
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
        value row[2] = {v_text(alias.ptr, alias.len), v_text(t.ptr, t.len)};
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
        value row[2] = {v_cstr(rows[i].name), v_int((int64_t)rows[i].v)};
        if ((rc = rowset_add(rs, row)) != CLAIMDB_OK) return rc;
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
                value row[6] = {v_int((int64_t)a.id),
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
        return db_error(stmt->db, CLAIMDB_NOMEM, "out of memory");
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

int show_start(claimdb_stmt *stmt, exec **out)
{
    if (stmt->ast->u.show.kind == SHOW_TERMS) return show_terms(stmt, out);
    rowset *rs = rowset_new(stmt->ncols);
    if (!rs) return db_error(stmt->db, CLAIMDB_NOMEM, "out of memory");
    int rc = CLAIMDB_OK;
    switch (stmt->ast->u.show.kind) {
    case SHOW_ARTICLES:
        rc = show_articles(stmt, rs);
        break;
    case SHOW_ARTICLE:
        rc = show_article(stmt, rs);
        break;
    case SHOW_PREDICATES:
        rc = show_predicates(stmt, rs);
        break;
    case SHOW_ALIASES:
        rc = show_aliases(stmt, rs);
        break;
    case SHOW_STATS:
        rc = show_stats(stmt, rs);
        break;
    case SHOW_QUOTES_NOT_FOUND:
        rc = show_unplaced(stmt, rs);
        break;
    case SHOW_REVIEWS:
        rc = show_reviews(stmt, rs);
        break;
    case SHOW_TERMS:
        break;
    }
    if (rc != CLAIMDB_OK) {
        rowset_free(rs);
        if (stmt->db->errcode == rc) return rc; /* already described, with its position */
        return rc == CLAIMDB_NOMEM ? db_error(stmt->db, rc, "out of memory")
                                   : db_store_error(stmt->db, rc);
    }
    return rowset_exec(rs, out);
}
