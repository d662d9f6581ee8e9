/* write.c — the statements that change the database: ASSERT, RETRACT, ARTICLE, ALIAS, and
 * the bulk citation path of claimdb_assert(). Each runs inside a write transaction that the
 * caller (api.c) commits, or rolls back on error, so a failed statement changes nothing. */
#include "engine.h"
#include "try.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The message of a term that has no valid key. */
static int term_error(claimdb *db, int rc, const char *what, const char *s)
{
    if (rc == CLAIMDB_TOOBIG)
        return db_error(db, rc, "%s too long (at most %d bytes once normalised)", what,
                        STORE_MAX_KEY);
    if (rc == CLAIMDB_NOMEM) return db_nomem(db);
    (void)s;
    return db_error(db, rc, "%s: %s", what, store_errmsg(db->st)); /* the store says why */
}

/* Place the citation's quote in its article's stored text; *unplaced when the article has a
 * text that does not hold it. */
static int locate(store_txn *txn, store_citation *c, bool *unplaced)
{
    store_text text;
    *unplaced = false;
    int rc = store_article_text(txn, c->article, &text);
    if (rc || !text.ptr) return rc;
    *unplaced = !quote_locate(text.ptr, text.len, c->quote.ptr, c->quote.len, &c->qstart, &c->qend);
    return CLAIMDB_OK;
}

int write_citation(claimdb *db, store_txn *txn, const claimdb_citation *c, int *added)
{
    int rc;
    /* The terms are all checked before anything is written (store_terms_intern), so a failing
     * citation leaves no orphan terms. */
    static const char *const what[4] = {"subject", "predicate", "object", "claimant"};
    const char *texts[4] = {c->subject, c->predicate, c->object, c->claimant};
    size_t lens[4];
    term_id ids[4] = {0};
    int n = c->claimant && *c->claimant ? 4 : 3, bad = -1;
    TRY(rc, text_check_citation(db, c));
    for (int i = 0; i < n; i++)
        lens[i] = strlen(texts[i]);
    if ((rc = store_terms_intern(txn, n, texts, lens, ids, &bad)) != CLAIMDB_OK)
        return bad >= 0 ? term_error(db, rc, what[bad], texts[bad]) : db_store_error(db, rc);
    claim_key k = {.pol = c->negated ? POL_NEG : POL_POS, .s = ids[0], .p = ids[1], .o = ids[2]};
    store_citation cite;
    memset(&cite, 0, sizeof cite);
    cite.article = (uint64_t)c->article;
    cite.has_confidence = c->has_confidence != 0;
    cite.confidence = c->has_confidence ? c->confidence : 0.0;
    cite.method = (uint8_t)c->method;
    cite.claimant = ids[3];
    cite.stored = c->stored > 0 ? c->stored : 0; /* 0: store_cite_put stamps the time now */
    cite.qstart = cite.qend = -1;
    bool unplaced = false;
    if (c->quote && *c->quote) {
        cite.quote.ptr = c->quote;
        cite.quote.len = strlen(c->quote);
        if ((rc = locate(txn, &cite, &unplaced))) return db_store_error(db, rc);
    }
    if (c->said_on && *c->said_on) {
        cite.said_on.ptr = c->said_on;
        cite.said_on.len = strlen(c->said_on);
    }
    if ((rc = store_cite_put(txn, &k, &cite, added)) != CLAIMDB_OK) return db_store_error(db, rc);
    if (unplaced) {
        db->quotes_not_found++;
        if (added) *added |= CLAIMDB_QUOTE_NOT_FOUND;
    }
    return CLAIMDB_OK;
}

static int exec_assert(claimdb_stmt *stmt)
{
    const ast_claim_stmt *a = &stmt->ast->u.claim;
    char sb[64], pb[64], ob[64], cb[64], qb[64], db[64];
    claimdb_citation c;
    memset(&c, 0, sizeof c);
    size_t n;
    int rc;
    TRY(rc, stmt_term_text(stmt, &a->s, &c.subject, &n, sb, sizeof sb));
    TRY(rc, stmt_term_text(stmt, &a->p, &c.predicate, &n, pb, sizeof pb));
    TRY(rc, stmt_term_text(stmt, &a->o, &c.object, &n, ob, sizeof ob));
    if (a->by.kind != TERM_NONE &&
        (rc = stmt_term_text(stmt, &a->by, &c.claimant, &n, cb, sizeof cb)))
        return rc;
    if (a->quote.kind != VAL_NONE &&
        (rc = stmt_value_text(stmt, &a->quote, "QUOTE", &c.quote, &n, qb, sizeof qb)))
        return rc;
    if (a->confidence.kind != VAL_NONE) {
        TRY(rc, stmt_value_real(stmt, &a->confidence, "CONFIDENCE", &c.confidence));
        if (!(c.confidence >= 0.0 && c.confidence <= 1.0))
            return stmt_error_at(stmt, CLAIMDB_ERROR, a->confidence.loc.off,
                                 "CONFIDENCE must be between 0 and 1");
        c.has_confidence = 1;
    }
    if (a->said_on.kind != VAL_NONE) {
        TRY(rc, stmt_value_text(stmt, &a->said_on, "ON", &c.said_on, &n, db, sizeof db));
        if (!date_valid(c.said_on, n))
            return stmt_error_at(stmt, CLAIMDB_ERROR, a->said_on.loc.off,
                                 "ON must be a calendar date YYYY-MM-DD that exists");
    }
    c.negated = a->negated;
    c.method = CLAIMDB_METHOD_CURATED;
    if (a->narticles == 0)
        return stmt_error_at(stmt, CLAIMDB_SEMANTIC, stmt->ast->loc.off,
                             "ASSERT needs FROM and at least one article id");
    for (size_t i = 0; i < a->narticles; i++) {
        uint64_t art;
        TRY(rc, stmt_value_uint(stmt, &a->articles[i], "an article id", &art));
        if (art > INT64_MAX)
            return stmt_error_at(stmt, CLAIMDB_ERROR, a->articles[i].loc.off,
                                 "article id too large");
        c.article = (int64_t)art;
        if ((rc = write_citation(stmt->db, stmt->txn, &c, NULL)) != CLAIMDB_OK) {
            /* Give the message the statement's position (copied: it is rewritten in place). */
            char msg[sizeof stmt->db->errtext];
            memcpy(msg, stmt->db->errtext, sizeof msg);
            return stmt_error_at(stmt, rc, stmt->ast->loc.off, "%s", msg);
        }
    }
    return CLAIMDB_OK;
}

static int exec_retract(claimdb_stmt *stmt)
{
    const ast_claim_stmt *a = &stmt->ast->u.claim;
    claim_key k = {.pol = a->negated ? POL_NEG : POL_POS};
    int rc;
    TRY(rc, stmt_term_lookup(stmt, &a->s, &k.s));
    TRY(rc, stmt_term_lookup(stmt, &a->p, &k.p));
    TRY(rc, stmt_term_lookup(stmt, &a->o, &k.o));
    /* Retracting what is not there is no error: the database already says what was asked. */
    if (!k.s || !k.p || !k.o) return CLAIMDB_OK;
    if (a->narticles == 0) {
        rc = store_claim_delete(stmt->txn, &k);
        return rc == CLAIMDB_OK || rc == CLAIMDB_NOTFOUND ? CLAIMDB_OK
                                                          : db_store_error(stmt->db, rc);
    }
    store_text quote = {NULL, 0};
    if (a->quote.kind != VAL_NONE) {
        char qb[64];
        TRY(rc, stmt_value_text(stmt, &a->quote, "QUOTE", &quote.ptr, &quote.len, qb, sizeof qb));
        if (quote.len == 0) quote.ptr = NULL; /* an empty quote is no quote, as in ASSERT */
    }
    for (size_t i = 0; i < a->narticles; i++) {
        uint64_t art;
        TRY(rc, stmt_value_uint(stmt, &a->articles[i], "an article id", &art));
        rc = store_cite_delete(stmt->txn, &k, art, a->quote.kind != VAL_NONE ? &quote : NULL);
        if (rc != CLAIMDB_OK && rc != CLAIMDB_NOTFOUND) return db_store_error(stmt->db, rc);
    }
    return CLAIMDB_OK;
}

/* A citation copied out of the map (its texts in one block of its own). */
typedef struct cite_copy {
    claim_key k;
    store_citation c;
    char *mem;
} cite_copy;

static int copy_cite(cite_copy *cc, const claim_key *k, const store_citation *c)
{
    size_t q = c->quote.ptr ? c->quote.len : 0, d = c->said_on.ptr ? c->said_on.len : 0;
    cc->k = *k;
    cc->c = *c;
    cc->mem = malloc(q + d + 1);
    if (!cc->mem) return CLAIMDB_NOMEM;
    if (q) memcpy(cc->mem, c->quote.ptr, q);
    if (d) memcpy(cc->mem + q, c->said_on.ptr, d);
    if (c->quote.ptr) cc->c.quote.ptr = cc->mem;
    if (c->said_on.ptr) cc->c.said_on.ptr = cc->mem + q;
    return CLAIMDB_OK;
}

/* The citations of an article, copied (the caller frees each mem and the array). */
static int article_cites(store_txn *txn, uint64_t id, cite_copy **out, size_t *count)
{
    cite_copy *arr = NULL;
    size_t n = 0, cap = 0;
    store_cursor *cc;
    int rc = store_article_claims_open(txn, id, &cc), r = 0;
    claim_key k;
    while (rc == CLAIMDB_OK && (r = store_cursor_next_claim(cc, &k)) == CLAIMDB_ROW) {
        store_cursor *cur;
        if ((rc = store_cites_open_article(txn, &k, id, &cur))) break;
        store_citation c;
        int r2;
        while ((r2 = store_cursor_next_cite(cur, &c)) == CLAIMDB_ROW) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                cite_copy *na = realloc(arr, cap * sizeof *na);
                if (!na) {
                    rc = CLAIMDB_NOMEM;
                    break;
                }
                arr = na;
            }
            if ((rc = copy_cite(&arr[n], &k, &c))) break;
            n++;
        }
        store_cursor_close(cur);
        if (!rc) rc = store_step_err(r2);
    }
    store_cursor_close(cc);
    if (!rc) rc = store_step_err(r);
    *out = arr;
    *count = n;
    return rc;
}

/* The article's text changed: place every quote that cites it again. */
static int replace_quotes(claimdb_stmt *stmt, uint64_t id)
{
    cite_copy *cs;
    size_t n;
    int rc = article_cites(stmt->txn, id, &cs, &n);
    for (size_t i = 0; i < n && rc == CLAIMDB_OK; i++) {
        store_citation *c = &cs[i].c;
        if (!c->quote.ptr) continue;
        bool unplaced;
        c->qstart = c->qend = -1;
        if ((rc = locate(stmt->txn, c, &unplaced))) break;
        if (unplaced) stmt->db->quotes_not_found++;
        rc = store_cite_put(stmt->txn, &cs[i].k, c, NULL);
    }
    for (size_t i = 0; i < n; i++)
        free(cs[i].mem);
    free(cs);
    return rc == CLAIMDB_OK ? rc : db_fail(stmt->db, rc);
}

static int field(claimdb_stmt *stmt, const ast_value *v, const char *what, store_text *dst,
                 char *buf, size_t bufsz)
{
    if (v->kind == VAL_NONE) return CLAIMDB_OK;
    const char *s;
    size_t n;
    int rc = stmt_value_text(stmt, v, what, &s, &n, buf, bufsz);
    if (rc != CLAIMDB_OK) return rc;
    dst->ptr = n ? s : NULL; /* an empty value clears the field */
    dst->len = n;
    return CLAIMDB_OK;
}

/* The old record's fields point into the map, which the put may move: copied into memory of
 * our own (copies[i] for fields[i], freed by the caller, also on failure). */
static int own_fields(claimdb_stmt *stmt, store_text *const fields[6], char *copies[6])
{
    for (int i = 0; i < 6; i++) {
        if (!fields[i]->ptr) continue;
        copies[i] = malloc(fields[i]->len + 1);
        if (!copies[i]) return db_nomem(stmt->db);
        memcpy(copies[i], fields[i]->ptr, fields[i]->len);
        fields[i]->ptr = copies[i];
    }
    return CLAIMDB_OK;
}

/* DUPLICATE OF: article id becomes a duplicate of another, which must not lead back to it
 * and is made when it does not exist yet, as FROM does for cited articles. */
static int set_duplicate_of(claimdb_stmt *stmt, const ast_value *v, uint64_t id, store_article *art)
{
    uint64_t dup, root;
    int rc;
    TRY(rc, stmt_value_uint(stmt, v, "DUPLICATE OF", &dup));
    if ((rc = article_root(stmt->txn, dup, &root)) != CLAIMDB_OK)
        return db_store_error(stmt->db, rc);
    if (dup == id)
        return stmt_error_at(stmt, CLAIMDB_ERROR, v->loc.off,
                             "article %llu cannot be a duplicate of itself",
                             (unsigned long long)id);
    if (root == id)
        return stmt_error_at(stmt, CLAIMDB_ERROR, v->loc.off,
                             "article %llu is already a duplicate of article %llu: "
                             "DUPLICATE OF %llu would make a cycle",
                             (unsigned long long)dup, (unsigned long long)id,
                             (unsigned long long)dup);
    art->has_duplicate_of = true;
    art->duplicate_of = dup;
    store_article orig;
    rc = store_article_get(stmt->txn, dup, &orig);
    if (rc == CLAIMDB_NOTFOUND) {
        store_article empty;
        memset(&empty, 0, sizeof empty);
        empty.id = dup;
        rc = store_article_put(stmt->txn, &empty);
    }
    return rc != CLAIMDB_OK ? db_store_error(stmt->db, rc) : CLAIMDB_OK;
}

static int exec_article(claimdb_stmt *stmt)
{
    const ast_article_stmt *a = &stmt->ast->u.article;
    uint64_t id;
    int rc;
    TRY(rc, stmt_value_uint(stmt, &a->id, "an article id", &id));
    store_article art;
    memset(&art, 0, sizeof art);
    rc = store_article_get(stmt->txn, id, &art);
    if (rc != CLAIMDB_OK && rc != CLAIMDB_NOTFOUND) return db_store_error(stmt->db, rc);
    art.id = id;
    store_text *const fields[6] = {&art.title, &art.outlet, &art.date,
                                   &art.url,   &art.author, &art.text};
    char *copies[6] = {0};
    if ((rc = own_fields(stmt, fields, copies))) goto out;
    char b[6][64];
    const ast_value *vals[] = {&a->title, &a->outlet, &a->date, &a->url, &a->author, &a->text};
    static const char *const names[] = {"TITLE", "OUTLET", "DATE", "URL", "AUTHOR", "TEXT"};
    for (int i = 0; i < 6; i++)
        if ((rc = field(stmt, vals[i], names[i], fields[i], b[i], sizeof b[i]))) goto out;
    if (a->date.kind != VAL_NONE && art.date.ptr && !date_valid(art.date.ptr, art.date.len)) {
        rc = stmt_error_at(stmt, CLAIMDB_ERROR, a->date.loc.off,
                           "DATE must be a calendar date YYYY-MM-DD that exists");
        goto out;
    }
    if (a->duplicate_of.kind != VAL_NONE &&
        (rc = set_duplicate_of(stmt, &a->duplicate_of, id, &art)))
        goto out;
    if ((rc = store_article_put(stmt->txn, &art)) != CLAIMDB_OK)
        rc = db_store_error(stmt->db, rc);
    else if (a->text.kind != VAL_NONE)
        rc = replace_quotes(stmt, id);
out:
    for (int i = 0; i < 6; i++)
        free(copies[i]);
    return rc;
}

static int exec_alias(claimdb_stmt *stmt)
{
    const ast_alias_stmt *a = &stmt->ast->u.alias;
    const char *as, *cs;
    size_t an, cn;
    char ab[64], cb[64];
    int rc;
    TRY(rc, stmt_term_text(stmt, &a->alias, &as, &an, ab, sizeof ab));
    TRY(rc, stmt_term_text(stmt, &a->canonical, &cs, &cn, cb, sizeof cb));
    rc = store_alias_put(stmt->txn, as, an, cs, cn);
    if (rc == CLAIMDB_OK) return rc;
    const char *m = store_errmsg(stmt->db->st);
    return stmt_error_at(stmt, rc, a->alias.loc.off, "%s", m && *m ? m : claimdb_strerror(rc));
}

const stmt_kind stmt_assert = {.mode = MODE_WRITE, .run = exec_assert};
const stmt_kind stmt_retract = {.mode = MODE_WRITE, .run = exec_retract};
const stmt_kind stmt_article = {.mode = MODE_WRITE, .run = exec_article};
const stmt_kind stmt_alias = {.mode = MODE_WRITE, .run = exec_alias};
