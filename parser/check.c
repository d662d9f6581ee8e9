/* check.c — semantic checks and annotation of parsed statements (see check.h). */
#include "check.h"

#include "cq_regex.h"
#include "parse.h"

#include "claimdb.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chk {
    const char *text;
    size_t len;
    parse_error *err;
    ast_find *f;
    const char *stmt_name; /* "ASSERT", ... for messages about constant-only statements */
} chk;

enum where { IN_ITEM, IN_FILTER, IN_ORDER, IN_ARG, IN_HAVING };

static int fail(chk *c, ast_loc at, const char *fmt, ...)
{
    c->err->code = CLAIMDB_SEMANTIC;
    c->err->offset = at.off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err->message, sizeof c->err->message, fmt, ap);
    va_end(ap);
    return CLAIMDB_SEMANTIC;
}

static int nomem(chk *c)
{
    c->err->code = CLAIMDB_NOMEM;
    c->err->offset = 0;
    snprintf(c->err->message, sizeof c->err->message, "out of memory");
    return CLAIMDB_NOMEM;
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        int rc_ = (x);                                                                             \
        if (rc_) return rc_;                                                                       \
    } while (0)

static const char *kind_name(ast_var_kind k)
{
    switch (k) {
    case VAR_TERM:
        return "a term";
    case VAR_ARTICLE:
        return "an article (FROM)";
    case VAR_QUOTE:
        return "a quote (QUOTE)";
    case VAR_CONFIDENCE:
        return "a confidence (CONFIDENCE)";
    case VAR_POSITION:
        return "a position (AT, TO)";
    case VAR_SAID_ON:
        return "a date (ON)";
    case VAR_STORED:
        return "a time (STORED)";
    case VAR_REVIEW:
        return "a review (REVIEWED)";
    case VAR_METHOD:
        return "a method (METHOD)";
    case VAR_POLARITY:
        return "a polarity (POLARITY)";
    }
    return "?";
}

/* The source text at loc with runs of white space collapsed to one space (malloc'ed). */
static char *source_text(chk *c, ast_loc loc)
{
    size_t n = loc.len;
    if (loc.off > c->len)
        n = 0;
    else if (n > c->len - loc.off)
        n = c->len - loc.off;
    const char *s = c->text + loc.off;
    char *out = malloc(n + 1), *o = out;
    if (!out) return NULL;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
            space = true;
            continue;
        }
        if (space && o != out) *o++ = ' ';
        space = false;
        *o++ = ch;
    }
    *o = '\0';
    return out;
}

/* ---- variables ---------------------------------------------------------------------------- */

static int find_var(ast_find *f, const char *name)
{
    for (size_t i = 0; i < f->nvars; i++)
        if (!strcmp(f->vars[i].name, name)) return (int)i;
    return -1;
}

/* A variable in a positive pattern: bind it (or check it has the same kind). */
static int bind_var(chk *c, ast_term *t, ast_var_kind kind)
{
    if (t->kind != TERM_VAR) return 0;
    ast_find *f = c->f;
    int i = find_var(f, t->text);
    if (i >= 0) {
        if (f->vars[i].kind != kind)
            return fail(c, t->loc, "variable ?%s is used as %s and as %s", t->text,
                        kind_name(f->vars[i].kind), kind_name(kind));
        t->slot = i;
        return 0;
    }
    if (f->nvars >= CQ_MAX_VARS)
        return fail(c, t->loc, "too many variables: a FIND has at most %d", CQ_MAX_VARS);
    ast_var *nv = realloc(f->vars, (f->nvars + 1) * sizeof *nv);
    if (!nv) return nomem(c);
    f->vars = nv;
    ast_var v = {strdup(t->text), kind, t->loc};
    if (!v.name) return nomem(c);
    f->vars[f->nvars] = v;
    t->slot = (int)f->nvars++;
    return 0;
}

/* A variable that must be bound already (WITHOUT patterns). */
static int use_var(chk *c, ast_term *t, ast_var_kind kind)
{
    if (t->kind != TERM_VAR) return 0;
    int i = find_var(c->f, t->text);
    if (i < 0) return fail(c, t->loc, "variable ?%s is not bound by any pattern", t->text);
    if (c->f->vars[i].kind != kind)
        return fail(c, t->loc, "variable ?%s is used as %s and as %s", t->text,
                    kind_name(c->f->vars[i].kind), kind_name(kind));
    t->slot = i;
    return 0;
}

static int check_id(chk *c, const ast_value *v, const char *what)
{
    if (v->kind == VAL_INT && v->i < 0) return fail(c, v->loc, "%s must not be negative", what);
    return 0;
}

typedef struct slot_term {
    ast_term *t;
    ast_var_kind k;
} slot_term;

static int check_pattern(chk *c, ast_pattern *p, bool bind)
{
    /* clauses that need FROM */
    if (p->from.kind == TERM_NONE) {
        const ast_term *need[8] = {&p->quote, &p->by, &p->confidence, &p->at,
                                   &p->to,    &p->on, &p->stored,     &p->method};
        const char *msg[8] = {"QUOTE needs FROM ?src in the same pattern",
                              "BY ?who needs FROM ?src in the same pattern",
                              "CONFIDENCE needs FROM ?src in the same pattern",
                              "AT needs FROM ?src in the same pattern",
                              "TO needs FROM ?src in the same pattern",
                              "ON needs FROM ?src in the same pattern",
                              "STORED needs FROM ?src in the same pattern",
                              "METHOD needs FROM ?src in the same pattern"};
        const ast_term *first = NULL;
        int which = 0;
        for (int i = 0; i < 8; i++) {
            const ast_term *t = need[i];
            if (t->kind == TERM_NONE || (i == 1 && t->kind != TERM_VAR)) continue;
            if (!first || t->loc.off < first->loc.off) {
                first = t;
                which = i;
            }
        }
        if (first) return fail(c, first->loc, "%s", msg[which]);
    }
    if (p->polarity.kind == TERM_VAR && p->negated)
        return fail(c, p->polarity.loc,
                    "POLARITY ?%s matches both polarities: drop the NOT in front of the pattern",
                    p->polarity.text);
    for (size_t i = 0; i < p->ncited; i++)
        TRY(check_id(c, &p->cited[i], "an article id"));
    if (p->has_sources) TRY(check_id(c, &p->sources_n, "SOURCES"));

    /* s p o first, then the clauses in the order written */
    slot_term terms[14] = {{&p->s, VAR_TERM},
                           {&p->p, VAR_TERM},
                           {&p->o, VAR_TERM},
                           {&p->from, VAR_ARTICLE},
                           {&p->quote, VAR_QUOTE},
                           {&p->by, VAR_TERM},
                           {&p->confidence, VAR_CONFIDENCE},
                           {&p->at, VAR_POSITION},
                           {&p->to, VAR_POSITION},
                           {&p->on, VAR_SAID_ON},
                           {&p->stored, VAR_STORED},
                           {&p->reviewed, VAR_REVIEW},
                           {&p->method, VAR_METHOD},
                           {&p->polarity, VAR_POLARITY}};
    for (int i = 4; i < 14; i++) /* insertion sort of the clauses by position */
        for (int j = i; j > 3 && terms[j].t->loc.off < terms[j - 1].t->loc.off; j--) {
            slot_term tmp = terms[j];
            terms[j] = terms[j - 1];
            terms[j - 1] = tmp;
        }
    for (int i = 0; i < 14; i++)
        TRY(bind ? bind_var(c, terms[i].t, terms[i].k) : use_var(c, terms[i].t, terms[i].k));
    return 0;
}

/* ---- expressions -------------------------------------------------------------------------- */

/* Two expressions that compute the same value: one variable, or one function of it. */
static bool same_expr(const ast_expr *a, const ast_expr *b)
{
    if (a->kind != b->kind) return false;
    if (a->kind == EXPR_VAR) return a->slot == b->slot;
    return a->kind == EXPR_CALL && a->op == b->op && !strcmp(a->text, b->text) && a->a && b->a &&
           same_expr(a->a, b->a);
}

/* What GROUP BY key i groups by: the expression, or the item a column name names. */
static const ast_expr *group_key(const ast_find *f, size_t i)
{
    const ast_expr *g = f->group[i];
    return g->kind == EXPR_COLUMN ? f->items[g->op].expr : g;
}

/* Does every solution of a group give e the same value? A grouped expression does, and so
 * does a function of a grouped variable (an article's title when ?src is grouped). */
static bool grouped(const ast_find *f, const ast_expr *e)
{
    for (size_t i = 0; i < f->ngroup; i++)
        if (same_expr(group_key(f, i), e)) return true;
    return e->kind == EXPR_CALL && e->a && e->a->kind == EXPR_VAR && grouped(f, e->a);
}

/* The kinds that are conditions (true or false) rather than values. */
static bool is_cond(const ast_expr *e)
{
    switch (e->kind) {
    case EXPR_CMP:
    case EXPR_AND:
    case EXPR_OR:
    case EXPR_NOT:
    case EXPR_REGEX:
    case EXPR_LIKE:
    case EXPR_MATCH:
    case EXPR_EMPTY:
        return true;
    default:
        return false;
    }
}

/* A condition where one is wanted (FILTER, HAVING, the operands of AND, OR, NOT) and a value
 * everywhere else: the grammar lets a lone call stand as a condition for BOUND(?v), and BOUND
 * reads as a call where a value goes. */
static int check_shape(chk *c, const ast_expr *e, bool want_cond)
{
    if (e->kind == EXPR_CALL && !strcmp(e->text, "bound")) /* BOUND(*), BOUND(DISTINCT ?v) */
        return fail(c, e->loc, "BOUND() takes one variable");
    if (want_cond != is_cond(e)) {
        char *src = source_text(c, e->loc);
        int rc = want_cond
                     ? fail(c, e->loc,
                            "%s is not a condition (%s IS NOT EMPTY tests that it has a value)",
                            src ? src : "a value", src ? src : "a value")
                     : fail(c, e->loc, "%s is a condition, not a value", src ? src : "a condition");
        free(src);
        return rc;
    }
    switch (e->kind) {
    case EXPR_AND:
    case EXPR_OR:
        for (size_t i = 0; i < e->nargs; i++)
            TRY(check_shape(c, e->args[i], true));
        return 0;
    case EXPR_NOT:
        return check_shape(c, e->a, true);
    case EXPR_CMP:
        TRY(check_shape(c, e->a, false));
        return check_shape(c, e->b, false);
    default:
        return e->a ? check_shape(c, e->a, false) : 0;
    }
}

static int check_expr(chk *c, ast_expr *e, enum where w);

static int resolve_var(chk *c, ast_expr *e)
{
    int i = find_var(c->f, e->text);
    if (i < 0) return fail(c, e->loc, "variable ?%s is not bound by any pattern", e->text);
    e->slot = i;
    return 0;
}

/* The functions of an article (FROM) and of a review (REVIEWED): title, date, url and author
 * take either; outlet and text only an article; verdict, reviewer and rating only a review. */
static int check_call(chk *c, ast_expr *e)
{
    static const struct {
        const char *name;
        bool article, review;
    } fns[] = {{"title", true, true},    {"date", true, true},      {"url", true, true},
               {"author", true, true},   {"outlet", true, false},   {"text", true, false},
               {"verdict", false, true}, {"reviewer", false, true}, {"rating", false, true}};
    size_t f = 0;
    while (f < sizeof fns / sizeof fns[0] && strcmp(e->text, fns[f].name))
        f++;
    if (!strcmp(e->text, "bound")) return fail(c, e->loc, "BOUND() takes one variable");
    if (f == sizeof fns / sizeof fns[0])
        return fail(c, e->loc,
                    "unknown function %s() (the functions are title, date, outlet, url, author, "
                    "text, verdict, reviewer, rating, COUNT, MIN, MAX, BOUND)",
                    e->text);
    int which = !fns[f].review ? 0 : !fns[f].article ? 1 : 2;
    static const char *const one[3] = {"one article variable (bound by FROM)",
                                       "one review variable (bound by REVIEWED)",
                                       "one article (FROM) or review (REVIEWED) variable"};
    static const char *const an[3] = {"an article variable (bound by FROM)",
                                      "a review variable (bound by REVIEWED)",
                                      "an article (FROM) or review (REVIEWED) variable"};
    if (e->op != 0 || !e->a || e->a->kind != EXPR_VAR)
        return fail(c, e->loc, "%s() takes %s", e->text, one[which]);
    TRY(resolve_var(c, e->a));
    ast_var_kind k = c->f->vars[e->a->slot].kind;
    if (!((k == VAR_ARTICLE && fns[f].article) || (k == VAR_REVIEW && fns[f].review)))
        return fail(c, e->a->loc, "%s() takes %s, not ?%s", e->text, an[which], e->a->text);
    return 0;
}

static int check_agg(chk *c, ast_expr *e)
{
    static const char *names[] = {"COUNT", "COUNT", "COUNT", "MIN", "MAX"};
    if (e->op == AGG_COUNT_STAR) return 0;
    if (!e->a || e->a->kind != EXPR_VAR)
        return fail(c, e->a ? e->a->loc : e->loc, "%s() takes a variable", names[e->op]);
    return resolve_var(c, e->a);
}

static int check_expr(chk *c, ast_expr *e, enum where w)
{
    switch (e->kind) {
    case EXPR_VAR:
        return resolve_var(c, e);
    case EXPR_TERM:
    case EXPR_NUMBER:
    case EXPR_DATE:
    case EXPR_PARAM:
    case EXPR_COLUMN:
        return 0;
    case EXPR_CMP:
        TRY(check_expr(c, e->a, w));
        return check_expr(c, e->b, w);
    case EXPR_AND:
    case EXPR_OR:
        for (size_t i = 0; i < e->nargs; i++)
            TRY(check_expr(c, e->args[i], w));
        return 0;
    case EXPR_NOT:
    case EXPR_LIKE:
        return check_expr(c, e->a, w);
    case EXPR_MATCH: {
        TRY(check_expr(c, e->a, w));
        TRY(check_expr(c, e->b, w));
        /* A phrase is the words between two '"': one left open is a typing error. */
        size_t quotes = 0;
        for (const char *p = e->b->kind == EXPR_TERM ? e->b->text : ""; *p; p++)
            quotes += *p == '"';
        if (quotes % 2) return fail(c, e->b->loc, "MATCH: a phrase's closing '\"' is missing");
        return 0;
    }
    case EXPR_EMPTY:
        if (e->op == EMPTY_BOUND && e->a->kind != EXPR_VAR) {
            char *src = source_text(c, e->a->loc);
            int rc = fail(c, e->loc, "BOUND() takes a variable; write %s IS NOT EMPTY",
                          src ? src : "the value");
            free(src);
            return rc;
        }
        return check_expr(c, e->a, w);
    case EXPR_REGEX: {
        TRY(check_expr(c, e->a, w));
        cq_regex *re;
        char buf[240];
        if (cq_regex_compile(e->text, &re, buf, sizeof buf))
            return fail(c, e->value.loc, "invalid regular expression: %s", buf);
        cq_regex_free(re);
        return 0;
    }
    case EXPR_CALL:
        return check_call(c, e);
    case EXPR_AGG:
        if (w == IN_FILTER) return fail(c, e->loc, "aggregates are not allowed in FILTER");
        if (w == IN_ARG) return fail(c, e->loc, "an aggregate cannot be a function's argument");
        if (w == IN_ORDER && !c->f->aggregate)
            return fail(c, e->loc, "ORDER BY an aggregate needs an aggregate query");
        return check_agg(c, e); /* IN_ITEM, IN_ORDER, IN_HAVING */
    }
    return 0;
}

/* ---- FIND ----------------------------------------------------------------------------------- */

static int expand_star(chk *c)
{
    ast_find *f = c->f;
    if (f->nvars == 0) return fail(c, f->pats[0].loc, "FIND * but no pattern has a variable");
    f->items = calloc(f->nvars, sizeof *f->items);
    if (!f->items) return nomem(c);
    for (size_t i = 0; i < f->nvars; i++) {
        ast_item *it = &f->items[f->nitems];
        char *t = strdup(f->vars[i].name), *n = strdup(f->vars[i].name);
        ast_expr *e = t && n ? calloc(1, sizeof *e) : NULL;
        if (!e) {
            free(t);
            free(n);
            return nomem(c);
        }
        e->kind = EXPR_VAR;
        e->text = t;
        e->slot = (int)i;
        e->loc = f->vars[i].first;
        it->expr = e;
        it->name = n;
        f->nitems++;
    }
    return 0;
}

static int check_items(chk *c)
{
    ast_find *f = c->f;
    for (size_t i = 0; i < f->nitems; i++) {
        ast_item *it = &f->items[i];
        TRY(check_shape(c, it->expr, false));
        TRY(check_expr(c, it->expr, IN_ITEM));
        if (it->expr->kind == EXPR_AGG) f->aggregate = true;
        if (it->name) continue;
        if (it->alias)
            it->name = strdup(it->alias);
        else if (it->expr->kind == EXPR_VAR)
            it->name = strdup(it->expr->text);
        else
            it->name = source_text(c, it->expr->loc);
        if (!it->name) return nomem(c);
    }
    return 0;
}

/* An ORDER BY, GROUP BY or HAVING word that names an item: the index of the item, or -1.
 * In HAVING only AS names count (any other word is a term), and only bare words. */
static int column_named(chk *c, const ast_expr *e, bool alias_only)
{
    if (alias_only && e->loc.off < c->len &&
        (c->text[e->loc.off] == '"' || c->text[e->loc.off] == '\''))
        return -1;
    for (size_t k = 0; k < c->f->nitems; k++) {
        const ast_item *it = &c->f->items[k];
        const char *name = alias_only ? it->alias : it->name;
        if (name && !strcmp(name, e->text)) return (int)k;
    }
    return -1;
}

static int check_group_key(chk *c, ast_expr *e)
{
    ast_find *f = c->f;
    if (e->kind == EXPR_TERM) {
        int k = column_named(c, e, false);
        if (k < 0) return fail(c, e->loc, "GROUP BY %s: no column has that name", e->text);
        if (f->items[k].expr->kind == EXPR_AGG)
            return fail(c, e->loc, "GROUP BY %s: the column is an aggregate", e->text);
        e->kind = EXPR_COLUMN;
        e->op = k;
        return 0;
    }
    if (e->kind == EXPR_AGG) return fail(c, e->loc, "GROUP BY cannot take an aggregate");
    TRY(check_shape(c, e, false));
    return check_expr(c, e, IN_ARG);
}

/* Values in HAVING outside aggregates: each must be the same for the whole group. */
static int check_having_grouped(chk *c, const ast_expr *e)
{
    switch (e->kind) {
    case EXPR_AGG:
    case EXPR_COLUMN:
        return 0;
    case EXPR_VAR:
    case EXPR_CALL:
        if (!grouped(c->f, e)) {
            char *src = source_text(c, e->loc);
            int rc = fail(c, e->loc, "%s is neither in GROUP BY nor in an aggregate",
                          src ? src : "a value");
            free(src);
            return rc;
        }
        return 0;
    default:
        if (e->a) TRY(check_having_grouped(c, e->a));
        if (e->b) TRY(check_having_grouped(c, e->b));
        for (size_t i = 0; i < e->nargs; i++)
            TRY(check_having_grouped(c, e->args[i]));
        return 0;
    }
}

/* Bare words in HAVING that are AS names become those columns. */
static void having_columns(chk *c, ast_expr *e)
{
    if (e->kind == EXPR_TERM) {
        int k = column_named(c, e, true);
        if (k >= 0) {
            e->kind = EXPR_COLUMN;
            e->op = k;
        }
        return;
    }
    if (e->kind == EXPR_AGG) return;
    if (e->a) having_columns(c, e->a);
    if (e->b) having_columns(c, e->b);
    for (size_t i = 0; i < e->nargs; i++)
        having_columns(c, e->args[i]);
}

static int check_having(chk *c)
{
    ast_find *f = c->f;
    if (!f->having) return 0;
    if (f->ngroup == 0)
        return fail(c, f->having->loc,
                    "HAVING needs GROUP BY (FILTER keeps solutions before they are grouped)");
    TRY(check_shape(c, f->having, true));
    having_columns(c, f->having);
    TRY(check_expr(c, f->having, IN_HAVING));
    return check_having_grouped(c, f->having);
}

static int check_grouping(chk *c)
{
    ast_find *f = c->f;
    for (size_t i = 0; i < f->ngroup; i++)
        TRY(check_group_key(c, f->group[i]));
    if (f->ngroup > 0) f->aggregate = true;
    if (!f->aggregate) return 0;
    for (size_t i = 0; i < f->nitems; i++) {
        ast_expr *e = f->items[i].expr;
        if (e->kind == EXPR_AGG) continue;
        if (!grouped(f, e)) {
            char *src = source_text(c, e->loc);
            int rc = fail(c, e->loc, "%s is neither in GROUP BY nor in an aggregate",
                          src ? src : "an item");
            free(src);
            return rc;
        }
    }
    return 0;
}

static int check_order(chk *c)
{
    ast_find *f = c->f;
    for (size_t i = 0; i < f->norder; i++) {
        ast_expr *e = f->order[i].expr;
        if (e->kind == EXPR_TERM) {
            int k = column_named(c, e, false);
            if (k < 0) return fail(c, e->loc, "ORDER BY %s: no column has that name", e->text);
            e->kind = EXPR_COLUMN;
            e->op = k;
            continue;
        }
        TRY(check_shape(c, e, false));
        TRY(check_expr(c, e, IN_ORDER));
        if (f->aggregate && e->kind != EXPR_AGG && !grouped(f, e)) {
            const ast_expr *v = e->kind == EXPR_VAR ? e : e->a;
            if (v && v->kind == EXPR_VAR)
                return fail(c, v->loc,
                            "ORDER BY ?%s: the variable is not in GROUP BY of this aggregate query",
                            v->text);
        }
    }
    return 0;
}

static int check_find(chk *c, ast_find *f)
{
    c->f = f;
    if (f->npats > CQ_MAX_PATTERNS)
        return fail(c, f->pats[CQ_MAX_PATTERNS].loc, "too many patterns: a FIND has at most %d",
                    CQ_MAX_PATTERNS);
    bool positive = false;
    for (size_t i = 0; i < f->npats; i++)
        positive |= !f->pats[i].without;
    if (!positive) return fail(c, f->pats[0].loc, "FIND needs a pattern that is not WITHOUT");
    for (size_t i = 0; i < f->npats; i++)
        if (!f->pats[i].without) TRY(check_pattern(c, &f->pats[i], true));
    for (size_t i = 0; i < f->npats; i++)
        if (f->pats[i].without) TRY(check_pattern(c, &f->pats[i], false));
    if (f->star || f->nitems == 0) {
        f->star = true;
        TRY(expand_star(c));
    }
    TRY(check_items(c));
    if (f->filter) {
        TRY(check_shape(c, f->filter, true));
        TRY(check_expr(c, f->filter, IN_FILTER));
    }
    TRY(check_grouping(c));
    TRY(check_having(c));
    TRY(check_order(c));
    if (f->limit.kind == VAL_INT && f->limit.i < 0)
        return fail(c, f->limit.loc, "LIMIT must not be negative");
    if (f->offset.kind == VAL_INT && f->offset.i < 0)
        return fail(c, f->offset.loc, "OFFSET must not be negative");
    return 0;
}

/* ---- data statements ------------------------------------------------------------------------ */

static int constant(chk *c, const ast_term *t)
{
    if (t->kind == TERM_VAR)
        return fail(c, t->loc, "%s takes no variables: ?%s is not allowed here", c->stmt_name,
                    t->text);
    if (t->kind == TERM_ANON)
        return fail(c, t->loc, "%s takes no variables: '_' is not allowed here", c->stmt_name);
    return 0;
}

static int check_claim(chk *c, ast_stmt *st)
{
    ast_claim_stmt *cl = &st->u.claim;
    TRY(constant(c, &cl->s));
    TRY(constant(c, &cl->p));
    TRY(constant(c, &cl->o));
    TRY(constant(c, &cl->by));
    for (size_t i = 0; i < cl->narticles; i++)
        TRY(check_id(c, &cl->articles[i], "an article id"));
    if (st->kind == STMT_ASSERT && cl->narticles == 0) {
        ast_loc semi = {st->loc.off + (st->loc.len ? st->loc.len - 1 : 0), 1};
        return fail(c, semi, "ASSERT needs FROM and the ids of the articles that make the claim");
    }
    const ast_value *cf = &cl->confidence;
    if ((cf->kind == VAL_INT && (cf->i < 0 || cf->i > 1)) ||
        (cf->kind == VAL_REAL && !(cf->r >= 0.0 && cf->r <= 1.0)))
        return fail(c, cf->loc, "CONFIDENCE must be between 0 and 1");
    return 0;
}

static int check_article(chk *c, ast_article_stmt *a)
{
    TRY(check_id(c, &a->id, "an article id"));
    TRY(check_id(c, &a->duplicate_of, "an article id"));
    if (a->id.kind == VAL_INT && a->duplicate_of.kind == VAL_INT && a->id.i == a->duplicate_of.i)
        return fail(c, a->duplicate_of.loc, "an article cannot be a duplicate of itself");
    return 0;
}

static int check_review(chk *c, ast_stmt *st)
{
    ast_review_stmt *r = &st->u.review;
    if (r->has_claim) {
        TRY(constant(c, &r->s));
        TRY(constant(c, &r->p));
        TRY(constant(c, &r->o));
    }
    TRY(constant(c, &r->by));
    TRY(constant(c, &r->claimant));
    if (r->v[REV_URL].kind == VAL_NONE) {
        ast_loc semi = {st->loc.off + (st->loc.len ? st->loc.len - 1 : 0), 1};
        return fail(c, semi, "%s needs URL and the review's address (its identity)", c->stmt_name);
    }
    return 0;
}

int check_statement(ast_stmt *st, const char *text, size_t len, parse_error *err)
{
    chk c = {text, len, err, NULL, ""};
    switch (st->kind) {
    case STMT_FIND:
    case STMT_EXPLAIN:
        return check_find(&c, &st->u.find);
    case STMT_ASSERT:
        c.stmt_name = "ASSERT";
        return check_claim(&c, st);
    case STMT_RETRACT:
        c.stmt_name = "RETRACT";
        return check_claim(&c, st);
    case STMT_EVIDENCE:
        c.stmt_name = "EVIDENCE";
        return check_claim(&c, st);
    case STMT_CHECK:
        c.stmt_name = "CHECK";
        return check_claim(&c, st);
    case STMT_ARTICLE:
        return check_article(&c, &st->u.article);
    case STMT_ALIAS:
        c.stmt_name = "ALIAS";
        TRY(constant(&c, &st->u.alias.alias));
        return constant(&c, &st->u.alias.canonical);
    case STMT_REVIEW:
        c.stmt_name = "REVIEW";
        return check_review(&c, st);
    case STMT_RETRACT_REVIEW:
        c.stmt_name = "RETRACT REVIEW";
        return check_review(&c, st);
    case STMT_SHOW:
    case STMT_SIMILAR:
    case STMT_TEXT_INDEX:
    case STMT_BEGIN:
    case STMT_COMMIT:
    case STMT_ROLLBACK:
        return 0;
    }
    return 0;
}
