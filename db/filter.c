/* filter.c — FILTER expressions: constants resolved once per run (terms to ids, so that =
 * compares ids), regular expressions compiled once, and evaluation against the current
 * variables. */
#include "find.h"
#include "try.h"

#include "ratings.h"

#include <stdlib.h>
#include <string.h>

int find_eval_value(find_exec *fx, const ast_expr *e, value *out);

/* title(?x), date(?x), …: a field of the article (FROM binds its id) or of the review
 * (REVIEWED binds its URL) that ?x holds. */
static int lookup_field(find_exec *fx, const ast_expr *e, value *out)
{
    value a;
    int rc = find_eval_value(fx, e->a, &a);
    if (rc != CLAIMDB_OK) return rc;
    *out = v_null();
    if (a.k == V_TEXT) {
        store_review r;
        rc = store_review_get_url(fx->stmt->txn, a.u.s.p, a.u.s.n, &r);
        if (rc == CLAIMDB_NOTFOUND) return CLAIMDB_OK;
        if (rc != CLAIMDB_OK) return db_store_error(fx->stmt->db, rc);
        if (strcmp(e->text, "verdict") == 0) {
            *out = v_cstr(verdict_name(r.verdict));
            return CLAIMDB_OK;
        }
        store_text t = strcmp(e->text, "title") == 0      ? r.title
                       : strcmp(e->text, "url") == 0      ? r.url
                       : strcmp(e->text, "author") == 0   ? r.author
                       : strcmp(e->text, "reviewer") == 0 ? r.reviewer
                       : strcmp(e->text, "rating") == 0   ? r.rating
                       : strcmp(e->text, "date") == 0     ? r.date
                                                          : (store_text){NULL, 0};
        if (t.ptr) *out = v_text(t.ptr, t.len);
        return CLAIMDB_OK;
    }
    if (a.k != V_INT || a.u.i < 0) return CLAIMDB_OK;
    store_article art;
    rc = store_article_get(fx->stmt->txn, (uint64_t)a.u.i, &art);
    if (rc == CLAIMDB_NOTFOUND) return CLAIMDB_OK;
    if (rc != CLAIMDB_OK) return db_store_error(fx->stmt->db, rc);
    store_text t = strcmp(e->text, "title") == 0    ? art.title
                   : strcmp(e->text, "outlet") == 0 ? art.outlet
                   : strcmp(e->text, "url") == 0    ? art.url
                   : strcmp(e->text, "author") == 0 ? art.author
                   : strcmp(e->text, "text") == 0   ? art.text
                                                    : art.date;
    if (t.ptr) *out = v_text(t.ptr, t.len);
    return CLAIMDB_OK;
}

int find_eval_value(find_exec *fx, const ast_expr *e, value *out)
{
    switch (e->kind) {
    case EXPR_VAR:
        *out = find_var(fx, e->slot);
        return CLAIMDB_OK;
    case EXPR_CALL:
        return lookup_field(fx, e, out);
    case EXPR_COLUMN: /* HAVING: a column of the group's row, by its AS name */
    case EXPR_AGG:    /* HAVING: an aggregate of the group, a column of its own */
        if (fx->gvals) {
            size_t i = e->kind == EXPR_COLUMN ? (size_t)e->op : 0;
            while (e->kind == EXPR_AGG && i < fx->ncomputed && fx->cols[i] != e)
                i++;
            if (i < fx->ncomputed) {
                *out = fx->gvals[i];
                return CLAIMDB_OK;
            }
        }
        return stmt_error_at(fx->stmt, CLAIMDB_ERROR, e->loc.off, "not a value");
    case EXPR_TERM:
    case EXPR_PARAM:
    case EXPR_NUMBER:
    case EXPR_DATE: {
        const_entry key = {e, v_null()};
        const const_entry *c = bsearch(&key, fx->consts, fx->nconsts, sizeof key, find_const_order);
        *out = c ? c->v : v_null();
        return CLAIMDB_OK;
    }
    default:
        return stmt_error_at(fx->stmt, CLAIMDB_ERROR, e->loc.off, "not a value");
    }
}

/* x and y by e's comparison; either absent makes it false. */
static int eval_cmp(find_exec *fx, const ast_expr *e, bool *res)
{
    int rc;
    value x, y;
    TRY(rc, find_eval_value(fx, e->a, &x));
    TRY(rc, find_eval_value(fx, e->b, &y));
    if (x.k == V_NULL || y.k == V_NULL) return *res = false, CLAIMDB_OK;
    if (e->op == CMP_EQ || e->op == CMP_NE) {
        bool b;
        if ((rc = value_equal(fx->stmt->txn, &x, &y, &b))) return db_store_error(fx->stmt->db, rc);
        *res = e->op == CMP_EQ ? b : !b;
        return CLAIMDB_OK;
    }
    int c;
    if ((rc = value_order(fx->stmt->txn, &x, &y, &c))) return db_store_error(fx->stmt->db, rc);
    *res = e->op == CMP_LT ? c < 0 : e->op == CMP_LE ? c <= 0 : e->op == CMP_GT ? c > 0 : c >= 0;
    return CLAIMDB_OK;
}

/* The operand of a text condition (MATCH, LIKE, a regular expression) as text. */
typedef struct operand_text {
    char buf[64]; /* holds a short number or date; terms are the store's */
    const char *s;
    size_t n;
    bool present; /* false when it is absent, which no text condition matches */
} operand_text;

static int eval_operand_text(find_exec *fx, const ast_expr *e, operand_text *t)
{
    int rc;
    value x;
    TRY(rc, find_eval_value(fx, e->a, &x));
    t->present = x.k != V_NULL;
    if (!t->present) return CLAIMDB_OK;
    if ((rc = value_text(fx->stmt->txn, &x, &t->s, &t->n, t->buf, sizeof t->buf)))
        return db_store_error(fx->stmt->db, rc);
    return CLAIMDB_OK;
}

static int eval_match(find_exec *fx, const ast_expr *e, bool *res)
{
    operand_text t;
    int rc;
    TRY(rc, eval_operand_text(fx, e, &t));
    *res = false;
    const match_query *q = find_match_query(fx, e);
    if (!t.present || !q) return CLAIMDB_OK;
    if ((rc = match_text(fx->tk, q, t.s, t.n, res)))
        return db_error(fx->stmt->db, rc, "out of memory");
    return CLAIMDB_OK;
}

/* LIKE, or a regular expression compiled by find_prepare_expr. */
static int eval_pattern(find_exec *fx, const ast_expr *e, bool *res)
{
    operand_text t;
    int rc;
    TRY(rc, eval_operand_text(fx, e, &t));
    *res = false;
    if (!t.present) return CLAIMDB_OK;
    if (e->kind == EXPR_LIKE) {
        if ((rc = like_match(e->text, strlen(e->text), t.s, t.n, res)))
            return db_error(fx->stmt->db, rc, "out of memory");
        return CLAIMDB_OK;
    }
    regex_entry key = {e, NULL};
    const regex_entry *r = bsearch(&key, fx->regexes, fx->nregex, sizeof key, find_regex_order);
    if (!r) return CLAIMDB_OK;
    int m = cq_regex_match(r->re, t.s, t.n);
    if (m == CQ_REGEX_NOMEM) return db_nomem(fx->stmt->db);
    if (m == CQ_REGEX_LIMIT)
        return stmt_error_at(fx->stmt, CLAIMDB_ERROR, e->loc.off,
                             "the regular expression gives up on a value of %zu bytes: it "
                             "backtracks too much (simplify it)",
                             t.n);
    *res = m == 1;
    return CLAIMDB_OK;
}

int find_eval_cond(find_exec *fx, const ast_expr *e, bool *res)
{
    int rc;
    bool a;
    value x;
    switch (e->kind) {
    case EXPR_AND:
    case EXPR_OR: { /* the first operand that decides, decides */
        bool decides = e->kind == EXPR_OR;
        for (size_t i = 0; i < e->nargs; i++) {
            TRY(rc, find_eval_cond(fx, e->args[i], &a));
            if (a == decides) return *res = decides, CLAIMDB_OK;
        }
        *res = !decides;
        return CLAIMDB_OK;
    }
    case EXPR_NOT:
        TRY(rc, find_eval_cond(fx, e->a, &a));
        *res = !a;
        return CLAIMDB_OK;
    case EXPR_EMPTY: /* IS EMPTY, IS NOT EMPTY, BOUND() */
        TRY(rc, find_eval_value(fx, e->a, &x));
        *res = (x.k == V_NULL) == (e->op == EMPTY_IS);
        return CLAIMDB_OK;
    case EXPR_CMP:
        return eval_cmp(fx, e, res);
    case EXPR_MATCH:
        return eval_match(fx, e, res);
    case EXPR_REGEX:
    case EXPR_LIKE:
        return eval_pattern(fx, e, res);
    default:
        /* A bare value as a condition: true when it is there. */
        TRY(rc, find_eval_value(fx, e, &x));
        *res = x.k != V_NULL;
        return CLAIMDB_OK;
    }
}

int find_const_order(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const const_entry *)a)->e,
              y = (uintptr_t)((const const_entry *)b)->e;
    return x < y ? -1 : x > y;
}

const match_query *find_match_query(const find_exec *fx, const ast_expr *e)
{
    /* Prepared in a walk of the tree, not in address order: few enough to look through. */
    for (size_t i = 0; i < fx->nmatch; i++)
        if (fx->matches[i].e == e) return &fx->matches[i].q;
    return NULL;
}

int find_regex_order(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const regex_entry *)a)->e,
              y = (uintptr_t)((const regex_entry *)b)->e;
    return x < y ? -1 : x > y;
}

/* MATCH's query: its text, or the text bound to its parameter, parsed once per run. */
static int prepare_match(find_exec *fx, const ast_expr *e)
{
    claimdb_stmt *stmt = fx->stmt;
    const char *q;
    size_t qn;
    if (e->b->kind == EXPR_PARAM) {
        const binding *b = stmt_binding(stmt, e->b->text);
        if (!b || b->k != V_TEXT)
            return stmt_error_at(stmt, CLAIMDB_ERROR, e->b->loc.off,
                                 b && b->k != V_NULL ? "MATCH needs a text: %s is not one"
                                                     : "parameter %s is not bound",
                                 e->b->text);
        q = b->u.s.p;
        qn = b->u.s.n;
    } else {
        q = e->b->text;
        qn = strlen(q);
    }
    if (!fx->tk && !(fx->tk = text_tokenizer_new()))
        return db_error(stmt->db, CLAIMDB_NOMEM, "out of memory");
    match_entry *m = fx->matches;
    if (find_full(fx->nmatch)) {
        m = realloc(fx->matches, find_grown(fx->nmatch) * sizeof *m);
        if (!m) return db_error(stmt->db, CLAIMDB_NOMEM, "out of memory");
        fx->matches = m;
    }
    const char *why;
    int rc = match_query_parse(fx->tk, q, qn, &m[fx->nmatch].q, &why);
    if (rc)
        return rc == CLAIMDB_NOMEM ? db_error(stmt->db, rc, "out of memory")
                                   : stmt_error_at(stmt, rc, e->b->loc.off, "MATCH: %s", why);
    m[fx->nmatch++].e = e;
    return CLAIMDB_OK;
}

static int prepare_regex(find_exec *fx, const ast_expr *e)
{
    regex_entry *r = fx->regexes;
    if (find_full(fx->nregex)) { /* grow by doubling: a FILTER may have 100,000 parts */
        r = realloc(fx->regexes, find_grown(fx->nregex) * sizeof *r);
        if (!r) return db_nomem(fx->stmt->db);
        fx->regexes = r;
    }
    char msg[256];
    if (cq_regex_compile(e->text, &r[fx->nregex].re, msg, sizeof msg))
        return stmt_error_at(fx->stmt, CLAIMDB_SEMANTIC, e->loc.off, "bad regular expression: %s",
                             msg);
    r[fx->nregex++].e = e;
    return CLAIMDB_OK;
}

/* The value of a constant (a term, parameter, number or date); a text that names a term
 * becomes that term, so = compares ids. */
static int const_value(claimdb_stmt *stmt, const ast_expr *e, value *out)
{
    value v = v_null();
    if (e->kind == EXPR_NUMBER)
        v = e->value.kind == VAL_INT ? v_int(e->value.i) : v_real(e->value.r);
    else if (e->kind == EXPR_DATE)
        v = v_cstr(e->value.s);
    else if (e->kind == EXPR_TERM)
        v = v_cstr(e->text);
    else {
        const binding *b = stmt_binding(stmt, e->text);
        if (!b || b->k == V_NULL)
            return stmt_error_at(stmt, CLAIMDB_ERROR, e->loc.off, "parameter %s is not bound",
                                 e->text);
        v = b->k == V_INT    ? v_int(b->u.i)
            : b->k == V_REAL ? v_real(b->u.r)
                             : v_text(b->u.s.p, b->u.s.n);
    }
    term_id id;
    if (v.k == V_TEXT && store_term_lookup(stmt->txn, v.u.s.p, v.u.s.n, &id) == CLAIMDB_OK)
        v = v_term(id);
    *out = v;
    return CLAIMDB_OK;
}

static int prepare_const(find_exec *fx, const ast_expr *e)
{
    value v;
    int rc;
    TRY(rc, const_value(fx->stmt, e, &v));
    const_entry *c = fx->consts;
    if (find_full(fx->nconsts)) {
        c = realloc(fx->consts, find_grown(fx->nconsts) * sizeof *c);
        if (!c) return db_nomem(fx->stmt->db);
        fx->consts = c;
    }
    c[fx->nconsts].e = e;
    c[fx->nconsts].v = v;
    fx->nconsts++;
    return CLAIMDB_OK;
}

/* Resolve FILTER constants (terms looked up once, so that = compares ids) and compile
 * regular expressions, once per run. */
int find_prepare_expr(find_exec *fx, const ast_expr *e)
{
    if (!e) return CLAIMDB_OK;
    int rc;
    if (e->kind == EXPR_MATCH) {
        TRY(rc, prepare_match(fx, e));
        /* Its operand is read as the words it is, never as a term. */
        return find_prepare_expr(fx, e->a);
    }
    TRY(rc, find_prepare_expr(fx, e->a));
    TRY(rc, find_prepare_expr(fx, e->b));
    for (size_t i = 0; i < e->nargs; i++)
        TRY(rc, find_prepare_expr(fx, e->args[i]));
    if (e->kind == EXPR_REGEX) return prepare_regex(fx, e);
    if (e->kind == EXPR_TERM || e->kind == EXPR_PARAM || e->kind == EXPR_NUMBER ||
        e->kind == EXPR_DATE)
        return prepare_const(fx, e);
    return CLAIMDB_OK;
}
