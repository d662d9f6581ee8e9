/* group.c — what FIND computes after the join: output and sort-key columns, groups and their
 * aggregates, the sets behind DISTINCT and COUNT(DISTINCT), and the stable sort of gathered
 * rows. */
#include "find.h"
#include "try.h"

#include <search.h>
#include <stdlib.h>
#include <string.h>

/* ---- computed columns ---- */

bool find_is_agg(const ast_expr *e)
{
    return e && e->kind == EXPR_AGG;
}

/* The value of a non-aggregate column from the current variables. */
static int column_value(find_exec *fx, const ast_expr *e, value *out)
{
    if (e->kind == EXPR_COLUMN) {
        /* filled after the items; see compute_row */
        *out = v_null();
        return CLAIMDB_OK;
    }
    return find_eval_value(fx, e, out);
}

/* Identity comparison of value tuples, for DISTINCT, groups and COUNT(DISTINCT). */
static int vcmp_ident(const value *a, const value *b)
{
    if (a->k != b->k) return a->k < b->k ? -1 : 1;
    switch (a->k) {
    case V_INT:
        return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
    case V_REAL:
        return a->u.r < b->u.r ? -1 : a->u.r > b->u.r;
    case V_TERM:
        return a->u.t < b->u.t ? -1 : a->u.t > b->u.t;
    case V_TEXT: {
        size_t n = a->u.s.n < b->u.s.n ? a->u.s.n : b->u.s.n;
        int c = memcmp(a->u.s.p, b->u.s.p, n);
        if (c) return c;
        return a->u.s.n < b->u.s.n ? -1 : a->u.s.n > b->u.s.n;
    }
    default:
        return 0;
    }
}

/* Tuples stored in trees carry their length in a leading V_INT cell. */
static int tuple_cmp(const void *pa, const void *pb)
{
    const value *a = pa, *b = pb;
    size_t n = (size_t)a[0].u.i;
    for (size_t i = 1; i <= n; i++) {
        int c = vcmp_ident(&a[i], &b[i]);
        if (c) return c;
    }
    return 0;
}

static value *tuple_new(const value *v, size_t n)
{
    value *t = malloc((n + 1) * sizeof *t);
    if (!t) return NULL;
    t[0] = v_int((int64_t)n);
    memcpy(t + 1, v, n * sizeof *v);
    return t;
}

/* Insert a tuple into a tree: 1 if new, 0 if present, -1 out of memory. */
int find_tuple_insert(void **tree, value ***keep, size_t *nkeep, size_t *capkeep, const value *v,
                      size_t n)
{
    value *t = tuple_new(v, n);
    if (!t) return -1;
    value **node = tsearch(t, tree, tuple_cmp);
    if (!node) {
        free(t);
        return -1;
    }
    if (*node != t) {
        free(t);
        return 0;
    }
    if (*nkeep == *capkeep) {
        size_t cap = *capkeep ? *capkeep * 2 : 64;
        value **k = realloc(*keep, cap * sizeof *k);
        if (!k) {
            tdelete(t, tree, tuple_cmp);
            free(t);
            return -1;
        }
        *keep = k;
        *capkeep = cap;
    }
    (*keep)[(*nkeep)++] = t;
    return 1;
}

void find_tuples_free(void **tree, value **keep, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tdelete(keep[i], tree, tuple_cmp);
        free(keep[i]);
    }
    free(keep);
    *tree = NULL;
}

/* ---- gathering ---- */

int find_gather_row(find_exec *fx, const value *vals)
{
    if (fx->nrows == fx->caprows) {
        size_t cap = fx->caprows ? fx->caprows * 2 : 256;
        grow **r = realloc(fx->rows, cap * sizeof *r);
        if (!r) return db_nomem(fx->stmt->db);
        fx->rows = r;
        fx->caprows = cap;
    }
    grow *g = malloc(sizeof *g + fx->ncomputed * sizeof(value));
    if (!g) return db_nomem(fx->stmt->db);
    g->seq = fx->nrows;
    memcpy(g->v, vals, fx->ncomputed * sizeof(value));
    fx->rows[fx->nrows++] = g;
    return CLAIMDB_OK;
}

/* Fill the columns (items then keys) that are not aggregates. */
int find_compute_plain(find_exec *fx, value *vals)
{
    int rc;
    for (size_t i = 0; i < fx->ncomputed; i++) {
        if (find_is_agg(fx->cols[i])) continue;
        TRY(rc, column_value(fx, fx->cols[i], &vals[i]));
    }
    for (size_t i = fx->ncols; i < fx->ncomputed; i++)
        if (fx->cols[i]->kind == EXPR_COLUMN) vals[i] = vals[fx->cols[i]->op];
    return CLAIMDB_OK;
}

int find_group_cmp(const void *pa, const void *pb)
{
    const group *a = pa, *b = pb;
    return tuple_cmp(a->key, b->key);
}

void find_group_free(find_exec *fx, group *g)
{
    for (size_t i = 0; i < fx->ncomputed; i++)
        find_tuples_free(&g->aggs[i].distinct, g->aggs[i].dkeys, g->aggs[i].ndkeys);
    free(g->aggs);
    free(g->key);
    free(g->first);
    free(g);
}

/* The current solution's group key, malloc'd: its length, then the GROUP BY values. */
static int group_key(find_exec *fx, value **out)
{
    const ast_find *f = fx->f;
    size_t nk = f->ngroup;
    value *key = malloc((nk + 1) * sizeof *key);
    if (!key) return db_nomem(fx->stmt->db);
    key[0] = v_int((int64_t)nk);
    for (size_t i = 0; i < nk; i++) {
        /* a variable, a function of one (outlet(?src)), or an item named by its column name */
        const ast_expr *g = f->group[i];
        if (g->kind == EXPR_COLUMN) g = f->items[g->op].expr;
        int rc = find_eval_value(fx, g, &key[i + 1]);
        if (rc) {
            free(key);
            return rc;
        }
    }
    *out = key;
    return CLAIMDB_OK;
}

/* A new group for key (which it takes, also on failure), its first solution the current
 * one, added to the tree and, in the order of first sight, to the list. */
static int group_new(find_exec *fx, value *key, group **out)
{
    claimdb *db = fx->stmt->db;
    group *g = calloc(1, sizeof *g);
    if (g) g->aggs = calloc(fx->ncomputed ? fx->ncomputed : 1, sizeof *g->aggs);
    if (g) g->first = malloc((fx->f->nvars ? fx->f->nvars : 1) * sizeof *g->first);
    if (!g || !g->aggs || !g->first) {
        if (g) {
            free(g->aggs);
            free(g->first);
        }
        free(g);
        free(key);
        return db_nomem(db);
    }
    g->key = key;
    memcpy(g->first, fx->vars, fx->f->nvars * sizeof *g->first);
    if (fx->ngroups == fx->capgroups) {
        size_t cap = fx->capgroups ? fx->capgroups * 2 : 64;
        group **gl = realloc(fx->grouplist, cap * sizeof *gl);
        if (!gl) {
            find_group_free(fx, g);
            return db_nomem(db);
        }
        fx->grouplist = gl;
        fx->capgroups = cap;
    }
    if (!tsearch(g, &fx->groups, find_group_cmp)) {
        find_group_free(fx, g);
        return db_nomem(db);
    }
    g->seq = fx->ngroups;
    fx->grouplist[fx->ngroups++] = g;
    *out = g;
    return CLAIMDB_OK;
}

/* One aggregate column e takes in v, the value of its variable in the current solution. */
static int agg_take(find_exec *fx, const ast_expr *e, agg_state *st, value v)
{
    switch ((ast_agg)e->op) {
    case AGG_COUNT_STAR:
        st->count++;
        break;
    case AGG_COUNT:
        if (v.k != V_NULL) st->count++;
        break;
    case AGG_COUNT_DISTINCT: {
        if (v.k == V_NULL) break;
        int r = find_tuple_insert(&st->distinct, &st->dkeys, &st->ndkeys, &st->capdkeys, &v, 1);
        if (r < 0) return db_nomem(fx->stmt->db);
        st->count += r;
        break;
    }
    case AGG_MIN:
    case AGG_MAX: {
        if (v.k == V_NULL) break;
        if (st->count++ == 0) {
            st->best = v;
            break;
        }
        int c;
        int rc = value_order(fx->stmt->txn, &v, &st->best, &c);
        if (rc) return db_store_error(fx->stmt->db, rc);
        if (e->op == AGG_MIN ? c < 0 : c > 0) st->best = v;
        break;
    }
    }
    return CLAIMDB_OK;
}

/* Add the current solution to its group (accumulate false: only make sure it exists). */
int find_group_add(find_exec *fx, bool accumulate)
{
    value *key = NULL;
    int rc;
    TRY(rc, group_key(fx, &key));
    group probe = {.key = key};
    group **found = tfind(&probe, &fx->groups, find_group_cmp);
    group *g = NULL;
    if (found) {
        g = *found;
        free(key);
    } else {
        TRY(rc, group_new(fx, key, &g));
    }
    for (size_t i = 0; accumulate && i < fx->ncomputed; i++) {
        const ast_expr *e = fx->cols[i];
        if (!find_is_agg(e)) continue;
        value v = e->a ? find_var(fx, e->a->slot) : v_null();
        TRY(rc, agg_take(fx, e, &g->aggs[i], v));
    }
    return CLAIMDB_OK;
}

/* Turn the groups into gathered rows. */
int find_groups_emit(find_exec *fx)
{
    value *vals = malloc((fx->ncomputed ? fx->ncomputed : 1) * sizeof *vals);
    value *saved = malloc((fx->f->nvars ? fx->f->nvars : 1) * sizeof *saved);
    int rc = CLAIMDB_OK;
    if (!vals || !saved) rc = db_nomem(fx->stmt->db);
    for (size_t gi = 0; rc == CLAIMDB_OK && gi < fx->ngroups; gi++) {
        group *g = fx->grouplist[gi];
        /* Non-aggregate columns read the group's variables (grouped ones agree). */
        memcpy(fx->vars, g->first, fx->f->nvars * sizeof *fx->vars);
        if ((rc = find_compute_plain(fx, vals))) break;
        for (size_t i = 0; i < fx->ncomputed; i++) {
            const ast_expr *e = fx->cols[i];
            if (!find_is_agg(e)) continue;
            agg_state *st = &g->aggs[i];
            if (e->op == AGG_MIN || e->op == AGG_MAX)
                vals[i] = st->count ? st->best : v_null();
            else
                vals[i] = v_int(st->count);
        }
        for (size_t i = fx->ncols; i < fx->ncomputed; i++)
            if (fx->cols[i]->kind == EXPR_COLUMN) vals[i] = vals[fx->cols[i]->op];
        if (fx->f->having) {
            bool keep;
            fx->gvals = vals;
            rc = find_eval_cond(fx, fx->f->having, &keep);
            fx->gvals = NULL;
            if (rc || !keep) continue;
        }
        rc = find_gather_row(fx, vals);
    }
    free(vals);
    free(saved);
    return rc;
}

/* ---- sorting ---- */

static int sort_cmp_rows(find_exec *fx, const grow *a, const grow *b)
{
    for (size_t k = 0; k < fx->nkeys; k++) {
        const value *x = &a->v[fx->ncols + k], *y = &b->v[fx->ncols + k];
        int c = 0;
        value_order(fx->stmt->txn, x, y, &c);
        if (c) return fx->f->order[k].desc ? -c : c;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Merge sort (stable, and it takes our context without a global). */
void find_merge_sort(find_exec *fx, grow **a, grow **tmp, size_t n)
{
    if (n < 2) return;
    size_t h = n / 2;
    find_merge_sort(fx, a, tmp, h);
    find_merge_sort(fx, a + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = sort_cmp_rows(fx, a[i], a[j]) <= 0 ? a[i++] : a[j++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

/* Sort keys that are terms are compared by their text: decode them once, not per compare. */
int find_resolve_sort_keys(find_exec *fx)
{
    for (size_t r = 0; r < fx->nrows; r++) {
        for (size_t k = fx->ncols; k < fx->ncomputed; k++) {
            value *v = &fx->rows[r]->v[k];
            if (v->k != V_TERM) continue;
            store_text t;
            int rc = store_term_text(fx->stmt->txn, v->u.t, &t);
            if (rc) return db_store_error(fx->stmt->db, rc);
            *v = v_text(t.ptr, t.len);
        }
    }
    return CLAIMDB_OK;
}
