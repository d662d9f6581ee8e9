/* ast.c — constructors and destructors of the ClaimQL syntax tree. */
#include "ast_build.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

ast_loc ast_loc_span(ast_loc a, ast_loc b)
{
    ast_loc l = {a.off, b.off + b.len >= a.off ? b.off + b.len - a.off : a.len};
    return l;
}

ast_term ast_term_make(ast_term_kind kind, char *text, ast_loc loc)
{
    ast_term t = {kind, text, loc, -1};
    return t;
}

ast_term ast_term_none(void)
{
    ast_term t = {TERM_NONE, NULL, {0, 0}, -1};
    return t;
}

void ast_term_clear(ast_term *t)
{
    free(t->text);
    *t = ast_term_none();
}

ast_value ast_value_none(void)
{
    ast_value v;
    memset(&v, 0, sizeof v);
    return v;
}

ast_value ast_value_int(int64_t i, ast_loc loc)
{
    ast_value v = ast_value_none();
    v.kind = VAL_INT;
    v.i = i;
    v.r = (double)i;
    v.loc = loc;
    return v;
}

ast_value ast_value_real(double r, ast_loc loc)
{
    ast_value v = ast_value_none();
    v.kind = VAL_REAL;
    v.r = r;
    v.loc = loc;
    return v;
}

ast_value ast_value_str(ast_value_kind kind, char *s, ast_loc loc)
{
    ast_value v = ast_value_none();
    v.kind = kind;
    v.s = s;
    v.loc = loc;
    return v;
}

void ast_value_clear(ast_value *v)
{
    free(v->s);
    *v = ast_value_none();
}

ast_expr *ast_expr_new(ast_expr_kind kind, ast_loc loc)
{
    ast_expr *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->kind = kind;
    e->slot = -1;
    e->loc = loc;
    return e;
}

ast_expr *ast_expr_text(ast_expr_kind kind, char *text, ast_loc loc)
{
    ast_expr *e = ast_expr_new(kind, loc);
    if (e) e->text = text;
    return e;
}

ast_expr *ast_expr_value(ast_expr_kind kind, ast_value v, ast_loc loc)
{
    ast_expr *e = ast_expr_new(kind, loc);
    if (e) e->value = v;
    return e;
}

ast_expr *ast_expr_binary(ast_expr_kind kind, int op, ast_expr *a, ast_expr *b, ast_loc loc)
{
    ast_expr *e = ast_expr_new(kind, loc);
    if (!e) return NULL;
    e->op = op;
    e->a = a;
    e->b = b;
    return e;
}

ast_expr *ast_expr_chain(ast_expr_kind kind, ast_expr *a, ast_expr *b, ast_loc loc)
{
    if (a->kind == kind) {
        if ((a->nargs & (a->nargs - 1)) == 0) { /* capacity is the next power of two */
            ast_expr **args = realloc(a->args, 2 * a->nargs * sizeof *args);
            if (!args) goto fail;
            a->args = args;
        }
        a->args[a->nargs++] = b;
        a->loc = loc;
        return a;
    }
    ast_expr *e = ast_expr_new(kind, loc);
    if (!e) goto fail;
    if (!(e->args = malloc(2 * sizeof *e->args))) {
        free(e);
        goto fail;
    }
    e->args[0] = a;
    e->args[1] = b;
    e->nargs = 2;
    return e;
fail:
    ast_expr_free(a);
    ast_expr_free(b);
    return NULL;
}

ast_expr *ast_expr_call(char *name, ast_expr *arg, bool star, bool distinct, ast_loc loc)
{
    ast_expr *e = ast_expr_new(EXPR_CALL, loc);
    if (!e) return NULL;
    for (char *c = name; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    e->text = name;
    e->a = arg;
    if (!strcmp(name, "count")) {
        e->kind = EXPR_AGG;
        e->op = star ? AGG_COUNT_STAR : distinct ? AGG_COUNT_DISTINCT : AGG_COUNT;
    } else if (!strcmp(name, "bound") && !star && !distinct) {
        e->kind = EXPR_EMPTY; /* BOUND(?v) is ?v IS NOT EMPTY, printed as written */
        e->op = EMPTY_BOUND;
    } else if (!strcmp(name, "min") && !star && !distinct) {
        e->kind = EXPR_AGG;
        e->op = AGG_MIN;
    } else if (!strcmp(name, "max") && !star && !distinct) {
        e->kind = EXPR_AGG;
        e->op = AGG_MAX;
    } else {
        /* the checker rejects these: op records how the call was written */
        e->op = star ? 1 : distinct ? 2 : 0;
    }
    return e;
}

void ast_expr_free(ast_expr *e)
{
    if (!e) return;
    ast_expr_free(e->a);
    ast_expr_free(e->b);
    for (size_t i = 0; i < e->nargs; i++)
        ast_expr_free(e->args[i]);
    free(e->args);
    free(e->text);
    ast_value_clear(&e->value);
    free(e);
}

ast_pattern *ast_pattern_new(bool negated, ast_term s, ast_term p, ast_term o, ast_loc loc)
{
    ast_pattern *pat = calloc(1, sizeof *pat);
    if (!pat) return NULL;
    pat->negated = negated;
    pat->s = s;
    pat->p = p;
    pat->o = o;
    pat->from = pat->quote = pat->by = pat->confidence = ast_term_none();
    pat->at = pat->to = pat->on = pat->stored = pat->reviewed = pat->method = ast_term_none();
    pat->polarity = ast_term_none();
    pat->sources_n = ast_value_none();
    pat->loc = loc;
    return pat;
}

void ast_pattern_clear(ast_pattern *p)
{
    ast_term_clear(&p->s);
    ast_term_clear(&p->p);
    ast_term_clear(&p->o);
    for (size_t i = 0; i < p->ncited; i++)
        ast_value_clear(&p->cited[i]);
    free(p->cited);
    p->cited = NULL;
    p->ncited = 0;
    ast_term_clear(&p->from);
    ast_term_clear(&p->quote);
    ast_term_clear(&p->by);
    ast_term_clear(&p->confidence);
    ast_term_clear(&p->at);
    ast_term_clear(&p->to);
    ast_term_clear(&p->on);
    ast_term_clear(&p->stored);
    ast_term_clear(&p->reviewed);
    ast_term_clear(&p->method);
    ast_term_clear(&p->polarity);
    ast_value_clear(&p->sources_n);
}

void ast_pattern_free(ast_pattern *p)
{
    if (!p) return;
    ast_pattern_clear(p);
    free(p);
}

void ast_item_clear(ast_item *it)
{
    ast_expr_free(it->expr);
    free(it->alias);
    free(it->name);
    it->expr = NULL;
    it->alias = it->name = NULL;
}

void ast_order_clear(ast_order *o)
{
    ast_expr_free(o->expr);
    o->expr = NULL;
}

ast_stmt *ast_stmt_new(ast_stmt_kind kind)
{
    ast_stmt *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->kind = kind;
    switch (kind) {
    case STMT_ASSERT:
    case STMT_RETRACT:
    case STMT_EVIDENCE:
    case STMT_CHECK:
        st->u.claim.s = st->u.claim.p = st->u.claim.o = ast_term_none();
        st->u.claim.by = ast_term_none();
        break;
    default:
        break;
    }
    return st;
}

static void find_clear(ast_find *f)
{
    for (size_t i = 0; i < f->nitems; i++)
        ast_item_clear(&f->items[i]);
    free(f->items);
    for (size_t i = 0; i < f->npats; i++)
        ast_pattern_clear(&f->pats[i]);
    free(f->pats);
    ast_expr_free(f->filter);
    for (size_t i = 0; i < f->ngroup; i++)
        ast_expr_free(f->group[i]);
    free(f->group);
    ast_expr_free(f->having);
    for (size_t i = 0; i < f->norder; i++)
        ast_order_clear(&f->order[i]);
    free(f->order);
    ast_value_clear(&f->limit);
    ast_value_clear(&f->offset);
    for (size_t i = 0; i < f->nvars; i++)
        free(f->vars[i].name);
    free(f->vars);
}

void ast_stmt_free(ast_stmt *st)
{
    if (!st) return;
    switch (st->kind) {
    case STMT_FIND:
    case STMT_EXPLAIN:
        find_clear(&st->u.find);
        break;
    case STMT_ASSERT:
    case STMT_RETRACT:
    case STMT_EVIDENCE:
    case STMT_CHECK: {
        ast_claim_stmt *c = &st->u.claim;
        ast_term_clear(&c->s);
        ast_term_clear(&c->p);
        ast_term_clear(&c->o);
        for (size_t i = 0; i < c->narticles; i++)
            ast_value_clear(&c->articles[i]);
        free(c->articles);
        ast_value_clear(&c->quote);
        ast_term_clear(&c->by);
        ast_value_clear(&c->confidence);
        ast_value_clear(&c->said_on);
        break;
    }
    case STMT_ARTICLE: {
        ast_article_stmt *a = &st->u.article;
        ast_value_clear(&a->id);
        ast_value_clear(&a->title);
        ast_value_clear(&a->outlet);
        ast_value_clear(&a->date);
        ast_value_clear(&a->url);
        ast_value_clear(&a->author);
        ast_value_clear(&a->text);
        ast_value_clear(&a->duplicate_of);
        break;
    }
    case STMT_ALIAS:
        ast_term_clear(&st->u.alias.alias);
        ast_term_clear(&st->u.alias.canonical);
        break;
    case STMT_SHOW:
        ast_value_clear(&st->u.show.like);
        break;
    case STMT_SIMILAR:
        ast_value_clear(&st->u.similar.text);
        ast_value_clear(&st->u.similar.min);
        ast_value_clear(&st->u.similar.limit);
        break;
    case STMT_REVIEW:
    case STMT_RETRACT_REVIEW: {
        ast_review_stmt *r = &st->u.review;
        ast_term_clear(&r->s);
        ast_term_clear(&r->p);
        ast_term_clear(&r->o);
        ast_term_clear(&r->by);
        ast_term_clear(&r->claimant);
        for (int i = 0; i < REV_NVALUES; i++)
            ast_value_clear(&r->v[i]);
        break;
    }
    case STMT_TEXT_INDEX:
    case STMT_BEGIN:
    case STMT_COMMIT:
    case STMT_ROLLBACK:
        break;
    }
    for (size_t i = 0; i < st->nparams; i++)
        free(st->params[i]);
    free(st->params);
    free(st);
}

/* ---- lists ---------------------------------------------------------------------------- */

static bool grow(void **v, size_t n, size_t size)
{
    /* the capacity is 4, then each power of two: grow when n reaches it */
    if (n != 0 && (n < 4 || (n & (n - 1)) != 0)) return true;
    size_t cap = n < 4 ? 4 : n * 2;
    void *nv = realloc(*v, cap * size);
    if (!nv) return false;
    *v = nv;
    return true;
}

#define PUSH(l, x)                                                                                 \
    do {                                                                                           \
        void *v_ = (l)->v;                                                                         \
        if (!grow(&v_, (l)->n, sizeof *(l)->v)) return false;                                      \
        (l)->v = v_;                                                                               \
        (l)->v[(l)->n++] = (x);                                                                    \
        return true;                                                                               \
    } while (0)

bool cq_values_push(cq_values *l, ast_value v)
{
    PUSH(l, v);
}
bool cq_items_push(cq_items *l, ast_item it)
{
    PUSH(l, it);
}
bool cq_exprs_push(cq_exprs *l, ast_expr *e)
{
    PUSH(l, e);
}
bool cq_orders_push(cq_orders *l, ast_order o)
{
    PUSH(l, o);
}

bool cq_pats_push(cq_pats *l, ast_pattern *p)
{
    void *v = l->v;
    if (!grow(&v, l->n, sizeof *l->v)) return false;
    l->v = v;
    l->v[l->n++] = *p;
    free(p);
    return true;
}

void cq_values_clear(cq_values *l)
{
    for (size_t i = 0; i < l->n; i++)
        ast_value_clear(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void cq_items_clear(cq_items *l)
{
    for (size_t i = 0; i < l->n; i++)
        ast_item_clear(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void cq_pats_clear(cq_pats *l)
{
    for (size_t i = 0; i < l->n; i++)
        ast_pattern_clear(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void cq_exprs_clear(cq_exprs *l)
{
    for (size_t i = 0; i < l->n; i++)
        ast_expr_free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void cq_orders_clear(cq_orders *l)
{
    for (size_t i = 0; i < l->n; i++)
        ast_order_clear(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
