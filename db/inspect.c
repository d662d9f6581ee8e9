/* inspect.c — the fact-checking statements EVIDENCE and CHECK. Their results are small (one
 * claim's citations, one verdict), so they are computed whole into a rowset. */
#include "engine.h"
#include "try.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The claim's three terms, looked up; *found is false when one is unknown. */
static int claim_terms(claimdb_stmt *stmt, claim_key *k, bool *found)
{
    const ast_claim_stmt *c = &stmt->ast->u.claim;
    int rc;
    /* most claims asked about are positive ones */
    TRY(rc, stmt_read_term_at(stmt, &c->s, POL_POS, ROLE_S, &k->s));
    TRY(rc, stmt_read_term_at(stmt, &c->p, POL_POS, ROLE_P, &k->p));
    TRY(rc, stmt_read_term_at(stmt, &c->o, POL_POS, ROLE_O, &k->o));
    *found = k->s && k->p && k->o;
    return CLAIMDB_OK;
}

/* A citation fills the first twelve columns; a review (review.c) puts its own fields where
 * they mean the most alike, and says "review" in kind (docs/language.md, 5.1). */
static const char *const evidence_columns[EVIDENCE_COLUMNS] = {
    "article", "title",  "outlet",      "date",      "claimant", "quote",  "polarity", "confidence",
    "said_on", "stored", "quote_start", "quote_end", "kind",     "rating", "verdict",  "url"};

static const char *const check_columns[CHECK_COLUMNS + CHECK_REVIEW_COLUMNS] = {
    "verdict",        "supporting",     "contradicting",     "independent_supporting", "weight_for",
    "weight_against", "self_serving",   "sources_for",       "sources_against",        "reviews",
    "reviewers",      "latest_verdict", "reviewers_disagree"};

static int evidence_start(claimdb_stmt *stmt, exec **out)
{
    rowset *rs = rowset_new(EVIDENCE_COLUMNS);
    if (!rs) return db_nomem(stmt->db);
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
                v_stored(a.title),
                v_stored(a.outlet),
                v_stored(a.date),
                v_term(c.claimant),
                v_stored(c.quote),
                v_cstr(side == 0 ? "+" : "-"),
                c.has_confidence ? v_real(c.confidence) : v_null(),
                v_stored(c.said_on),
                wn ? v_text(when, wn) : v_null(),
                c.qstart >= 0 ? v_int(c.qstart) : v_null(),
                c.qend >= 0 ? v_int(c.qend) : v_null(),
                v_cstr("citation"),
                v_null(),
                v_null(),
                v_stored(a.url),
            };
            if (row[4].k == V_TERM) {
                store_text t;
                if (store_term_text(stmt->txn, c.claimant, &t) == CLAIMDB_OK) row[4] = v_stored(t);
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

static int check_start(claimdb_stmt *stmt, exec **out)
{
    claim_key k;
    bool found;
    side pro, con;
    memset(&pro, 0, sizeof pro);
    memset(&con, 0, sizeof con);
    /* The terms looked up without their warnings: a claim of either polarity found shows
     * all three in a claim; only when none is are they read again for the warnings. */
    const ast_claim_stmt *c = &stmt->ast->u.claim;
    int rc;
    TRY(rc, stmt_term_lookup(stmt, &c->s, &k.s));
    TRY(rc, stmt_term_lookup(stmt, &c->p, &k.p));
    TRY(rc, stmt_term_lookup(stmt, &c->o, &k.o));
    found = k.s && k.p && k.o;
    if (found) {
        /* CHECK NOT s p o asks about the negation: its support is the negative claim. */
        bool neg = stmt->ast->u.claim.negated;
        store_cursor *cur = NULL;
        k.pol = neg ? POL_NEG : POL_POS;
        rc = side_weigh(stmt->txn, &cur, &k, &pro);
        k.pol = neg ? POL_POS : POL_NEG;
        if (rc == CLAIMDB_OK) rc = side_weigh(stmt->txn, &cur, &k, &con);
        store_cursor_close(cur);
        if (rc != CLAIMDB_OK) rc = db_fail(stmt->db, rc);
    }
    if (rc == CLAIMDB_OK && pro.n + con.n == 0) TRY(rc, claim_terms(stmt, &k, &found));
    char *lp = NULL, *lc = NULL, *rmem = NULL;
    bool reviews = stmt->ast->u.claim.reviews;
    rowset *rs = rowset_new(stmt->ncols);
    value rv[CHECK_REVIEW_COLUMNS] = {{0}};
    /* CHECK … REVIEWS: the reviews of the triple asked about, with its polarity. */
    k.pol = stmt->ast->u.claim.negated ? POL_NEG : POL_POS;
    if (rc == CLAIMDB_OK && reviews &&
        (rc = check_review_values(stmt, found ? &k : NULL, rv, &rmem)))
        rc = db_fail(stmt->db, rc);
    if (rc == CLAIMDB_OK) {
        value row[CHECK_COLUMNS + CHECK_REVIEW_COLUMNS] = {v_cstr(verdict_of(&pro, &con)),
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
            rc = db_nomem(stmt->db);
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
        return rc == CLAIMDB_NOMEM ? db_nomem(stmt->db) : rc;
    }
    return rowset_exec(rs, out);
}

const stmt_kind stmt_evidence = {.mode = MODE_READ,
                                 .columns = evidence_columns,
                                 .ncolumns = EVIDENCE_COLUMNS,
                                 .start = evidence_start};

/* CHECK … REVIEWS adds the review columns. */
static int check_shape(claimdb_stmt *stmt)
{
    return stmt_set_columns(stmt,
                            CHECK_COLUMNS + (stmt->ast->u.claim.reviews ? CHECK_REVIEW_COLUMNS : 0),
                            check_columns);
}

const stmt_kind stmt_check = {.mode = MODE_READ, .shape = check_shape, .start = check_start};
