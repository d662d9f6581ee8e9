/* find.c — the FIND executor: a pull pipeline. Nested index lookups produce solutions one at
 * a time (scan → join), then WITHOUT and FILTER drop some, then, only when the query asks
 * for them, grouping, DISTINCT and sorting gather rows; OFFSET and LIMIT count what leaves.
 * Without ORDER BY or aggregates nothing is gathered, so LIMIT 10 reads a few pages. */
#include "plan.h"

#include <regex.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the join: one level per planned pattern ---- */

typedef struct level {
    step_plan *sp;
    store_cursor *scan;
    store_cursor *cites;
    claim_key cur;
    bool empty;       /* a constant is unknown or a bound value is null: nothing matches */
    bool single_done; /* FROM ?src with ?src bound: the one citation was tried */
} level;

typedef struct regex_entry {
    const ast_expr *e;
    regex_t re;
} regex_entry;

typedef struct const_entry {
    const ast_expr *e;
    value v;
} const_entry;

typedef struct conjunct {
    const ast_expr *e;
    size_t step;
} conjunct;

/* Gathered rows: the output columns, then the sort keys, then the arrival number (the
 * final tie-break, so equal keys keep the order they came in). */
typedef struct grow {
    size_t seq;
    value v[];
} grow;

typedef struct agg_state {
    int64_t count;
    value best; /* MIN / MAX */
    void *distinct;
    value **dkeys; /* the nodes of distinct, freed at the end */
    size_t ndkeys, capdkeys;
} agg_state;

typedef struct group {
    value *key;      /* ngroup values */
    value *first;    /* the first solution's variables (for grouped variables and functions) */
    agg_state *aggs; /* one per computed column */
    size_t seq;
} group;

typedef struct find_exec {
    exec base;
    claimdb_stmt *stmt;
    const ast_find *f;
    plan pl;
    level *lv;
    size_t nlv;
    int depth;
    bool started, finished, gathered;
    value *vars;
    /* checks placed at the step that binds what they read (place_checks) */
    size_t *bound_at;     /* per variable: the step that binds it */
    size_t *without_step; /* per WITHOUT pattern */
    conjunct *conj;       /* the AND-ed parts of FILTER */
    size_t nconj;
    /* resolved pieces of FILTER */
    regex_entry *regexes;
    size_t nregex;
    const_entry *consts;
    size_t nconsts;
    /* computed columns: items, then ORDER BY keys */
    size_t ncols, nkeys;
    const ast_expr **cols;
    /* LIMIT / OFFSET */
    bool has_limit;
    uint64_t limit, offset, emitted, skipped;
    /* DISTINCT */
    void *seen;
    value **seen_rows;
    size_t nseen, capseen;
    /* gathered rows (ORDER BY, or aggregates) */
    bool gather;
    grow **rows;
    size_t nrows, caprows, next;
    /* groups */
    void *groups;
    group **grouplist;
    size_t ngroups, capgroups;
    size_t ncomputed; /* ncols + nkeys */
} find_exec;

static int store_err(find_exec *fx, int r)
{
    return db_store_error(fx->stmt->db, r < -1 ? -r : CLAIMDB_ERROR);
}

static value var_value(find_exec *fx, int slot)
{
    return fx->vars[slot];
}

static int level_open(find_exec *fx, level *l)
{
    step_plan *sp = l->sp;
    term_id prefix[3];
    l->empty = false;
    l->single_done = false;
    l->cites = NULL;
    for (int i = 0; i < sp->nprefix; i++) {
        const pos_plan *pp = &sp->pos[idx_order[sp->idx][i]];
        term_id id = 0;
        if (pp->kind == POS_CONST)
            id = pp->id;
        else if (pp->kind == POS_BOUND) {
            value v = var_value(fx, pp->slot);
            id = v.k == V_TERM ? v.u.t : 0;
        }
        if (id == 0) {
            l->empty = true;
            return CLAIMDB_OK;
        }
        prefix[i] = id;
    }
    int rc = store_scan_open(fx->stmt->txn, sp->idx, sp->pol, prefix, sp->nprefix, &l->scan);
    if (rc != CLAIMDB_OK) {
        l->scan = NULL;
        return db_store_error(fx->stmt->db, rc);
    }
    return CLAIMDB_OK;
}

static void level_close(level *l)
{
    store_cursor_close(l->cites);
    store_cursor_close(l->scan);
    l->cites = NULL;
    l->scan = NULL;
}

static term_id key_pos(const claim_key *k, int i)
{
    return i == 0 ? k->s : i == 1 ? k->p : k->o;
}

/* Claim-level conditions: bound and repeated positions, CITED BY, SOURCES, BY constant. */
static int claim_ok(find_exec *fx, const step_plan *sp, const claim_key *k, bool *ok)
{
    store_txn *txn = fx->stmt->txn;
    *ok = false;
    for (int i = 0; i < 3; i++) {
        const pos_plan *pp = &sp->pos[i];
        term_id id = key_pos(k, i);
        if (pp->kind == POS_CONST && pp->id != id) return CLAIMDB_OK;
        if (pp->kind == POS_BOUND) {
            value v = var_value(fx, pp->slot);
            if (v.k != V_TERM || v.u.t != id) return CLAIMDB_OK;
        }
        if (pp->kind == POS_SAME) {
            for (int j = 0; j < i; j++)
                if (sp->pos[j].slot == pp->slot && key_pos(k, j) != id) return CLAIMDB_OK;
        }
    }
    int rc;
    if (sp->ncited) {
        size_t hits = 0;
        for (size_t i = 0; i < sp->ncited; i++) {
            store_citation c;
            rc = store_cite_get(txn, k, sp->cited[i], &c);
            if (rc == CLAIMDB_OK)
                hits++;
            else if (rc != CLAIMDB_NOTFOUND)
                return db_store_error(fx->stmt->db, rc);
        }
        bool all = sp->pat->cited_mode != CITED_ANY;
        if (all ? hits < sp->ncited : hits == 0) return CLAIMDB_OK;
    }
    if (sp->has_sources) {
        int64_t n;
        if (sp->pat->independent) {
            uint64_t *ids;
            size_t nids;
            if ((rc = claim_articles(txn, k, &ids, &nids)) == CLAIMDB_OK)
                rc = independent_count(txn, ids, nids, &n);
            free(ids);
            if (rc) return db_store_error(fx->stmt->db, rc);
        } else {
            uint64_t u;
            if ((rc = store_cite_count(txn, k, &u))) return db_store_error(fx->stmt->db, rc);
            n = (int64_t)u;
        }
        int64_t m = sp->sources_n;
        bool pass = false;
        switch (sp->pat->sources_op) {
        case CMP_EQ:
            pass = n == m;
            break;
        case CMP_NE:
            pass = n != m;
            break;
        case CMP_LT:
            pass = n < m;
            break;
        case CMP_LE:
            pass = n <= m;
            break;
        case CMP_GT:
            pass = n > m;
            break;
        case CMP_GE:
            pass = n >= m;
            break;
        }
        if (!pass) return CLAIMDB_OK;
    }
    if (sp->has_by_const && !sp->cite_rows) {
        /* BY a constant without FROM: some citation has that claimant. */
        if (sp->by_const == 0) return CLAIMDB_OK;
        store_cursor *cur;
        if ((rc = store_cites_open(txn, k, &cur))) return db_store_error(fx->stmt->db, rc);
        store_citation c;
        int r;
        bool found = false;
        while (!found && (r = store_cursor_next_cite(cur, &c)) == 1)
            found = c.claimant == sp->by_const;
        store_cursor_close(cur);
        if (!found) return CLAIMDB_OK;
    }
    *ok = true;
    return CLAIMDB_OK;
}

static value cite_value(const store_citation *c, int which)
{
    switch (which) {
    case 0:
        return v_int((int64_t)c->article);
    case 1:
        return c->quote.ptr ? v_text(c->quote.ptr, c->quote.len) : v_null();
    case 2:
        return v_term(c->claimant);
    default:
        return c->has_confidence ? v_real(c->confidence) : v_null();
    }
}

/* Citation-level conditions; binds the citation variables when they pass. */
static int cite_accept(find_exec *fx, const step_plan *sp, const store_citation *c, bool *ok)
{
    *ok = false;
    /* An unknown claimant (id 0) matches nothing, not the citations without claimant. */
    if (sp->has_by_const && (sp->by_const == 0 || c->claimant != sp->by_const)) return CLAIMDB_OK;
    const cite_var *cv[4] = {&sp->src, &sp->quote, &sp->who, &sp->conf};
    for (int i = 0; i < 4; i++) {
        if (cv[i]->slot < 0 || cv[i]->is_new) continue;
        value have = var_value(fx, cv[i]->slot), got = cite_value(c, i);
        bool eq;
        int rc = value_equal(fx->stmt->txn, &have, &got, &eq);
        if (rc != CLAIMDB_OK) return db_store_error(fx->stmt->db, rc);
        if (!eq) return CLAIMDB_OK;
    }
    for (int i = 0; i < 4; i++)
        if (cv[i]->slot >= 0 && cv[i]->is_new) fx->vars[cv[i]->slot] = cite_value(c, i);
    *ok = true;
    return CLAIMDB_OK;
}

/* Advance a level to its next binding: 1 bound, 0 exhausted, or an error code + 1000. */
#define LEVEL_ERR(rc) (1000 + (rc))
static int level_next(find_exec *fx, level *l)
{
    step_plan *sp = l->sp;
    claimdb *db = fx->stmt->db;
    if (l->empty) return 0;
    for (;;) {
        int r, rc;
        bool ok;
        if (l->cites) {
            store_citation c;
            while ((r = store_cursor_next_cite(l->cites, &c)) == 1) {
                if ((rc = cite_accept(fx, sp, &c, &ok))) return LEVEL_ERR(rc);
                if (ok) return 1;
            }
            store_cursor_close(l->cites);
            l->cites = NULL;
            if (r < 0) return LEVEL_ERR(store_err(fx, r));
        }
        if (db->interrupted) return LEVEL_ERR(db_error(db, CLAIMDB_INTERRUPT, "interrupted"));
        r = store_cursor_next_claim(l->scan, &l->cur);
        if (r == 0) return 0;
        if (r < 0) return LEVEL_ERR(store_err(fx, r));
        if ((rc = claim_ok(fx, sp, &l->cur, &ok))) return LEVEL_ERR(rc);
        if (!ok) continue;
        for (int i = 0; i < 3; i++)
            if (sp->pos[i].kind == POS_NEW) fx->vars[sp->pos[i].slot] = v_term(key_pos(&l->cur, i));
        if (!sp->cite_rows) return 1;
        if (!sp->src.is_new) {
            /* ?src is bound: look that one citation up instead of walking them all. */
            value a = var_value(fx, sp->src.slot);
            if (a.k != V_INT || a.u.i < 0) continue;
            store_citation c;
            rc = store_cite_get(fx->stmt->txn, &l->cur, (uint64_t)a.u.i, &c);
            if (rc == CLAIMDB_NOTFOUND) continue;
            if (rc != CLAIMDB_OK) return LEVEL_ERR(db_store_error(db, rc));
            if ((rc = cite_accept(fx, sp, &c, &ok))) return LEVEL_ERR(rc);
            if (ok) return 1;
            continue;
        }
        if ((rc = store_cites_open(fx->stmt->txn, &l->cur, &l->cites))) {
            l->cites = NULL;
            return LEVEL_ERR(db_store_error(db, rc));
        }
    }
}

/* ---- FILTER ---- */

static int eval_value(find_exec *fx, const ast_expr *e, value *out);

static int lookup_article_field(find_exec *fx, const ast_expr *e, value *out)
{
    value a;
    int rc = eval_value(fx, e->a, &a);
    if (rc != CLAIMDB_OK) return rc;
    *out = v_null();
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

static int eval_value(find_exec *fx, const ast_expr *e, value *out)
{
    switch (e->kind) {
    case EXPR_VAR:
        *out = var_value(fx, e->slot);
        return CLAIMDB_OK;
    case EXPR_CALL:
        return lookup_article_field(fx, e, out);
    case EXPR_TERM:
    case EXPR_PARAM:
    case EXPR_NUMBER:
    case EXPR_DATE:
        for (size_t i = 0; i < fx->nconsts; i++)
            if (fx->consts[i].e == e) {
                *out = fx->consts[i].v;
                return CLAIMDB_OK;
            }
        *out = v_null();
        return CLAIMDB_OK;
    default:
        return stmt_error_at(fx->stmt, CLAIMDB_ERROR, e->loc.off, "not a value");
    }
}

static int eval_cond(find_exec *fx, const ast_expr *e, bool *res)
{
    int rc;
    bool a, b;
    value x, y;
    switch (e->kind) {
    case EXPR_AND:
        if ((rc = eval_cond(fx, e->a, &a))) return rc;
        if (!a) return *res = false, CLAIMDB_OK;
        return eval_cond(fx, e->b, res);
    case EXPR_OR:
        if ((rc = eval_cond(fx, e->a, &a))) return rc;
        if (a) return *res = true, CLAIMDB_OK;
        return eval_cond(fx, e->b, res);
    case EXPR_NOT:
        if ((rc = eval_cond(fx, e->a, &a))) return rc;
        *res = !a;
        return CLAIMDB_OK;
    case EXPR_CMP:
        if ((rc = eval_value(fx, e->a, &x)) || (rc = eval_value(fx, e->b, &y))) return rc;
        if (x.k == V_NULL || y.k == V_NULL) return *res = false, CLAIMDB_OK;
        if (e->op == CMP_EQ || e->op == CMP_NE) {
            if ((rc = value_equal(fx->stmt->txn, &x, &y, &b)))
                return db_store_error(fx->stmt->db, rc);
            *res = e->op == CMP_EQ ? b : !b;
            return CLAIMDB_OK;
        } else {
            int c;
            if ((rc = value_order(fx->stmt->txn, &x, &y, &c)))
                return db_store_error(fx->stmt->db, rc);
            *res = e->op == CMP_LT   ? c < 0
                   : e->op == CMP_LE ? c <= 0
                   : e->op == CMP_GT ? c > 0
                                     : c >= 0;
            return CLAIMDB_OK;
        }
    case EXPR_REGEX:
    case EXPR_LIKE: {
        if ((rc = eval_value(fx, e->a, &x))) return rc;
        *res = false;
        if (x.k == V_NULL) return CLAIMDB_OK;
        char buf[64];
        const char *s;
        size_t n;
        if ((rc = value_text(fx->stmt->txn, &x, &s, &n, buf, sizeof buf)))
            return db_store_error(fx->stmt->db, rc);
        if (e->kind == EXPR_LIKE) {
            if ((rc = like_match(e->text, strlen(e->text), s, n, res)))
                return db_error(fx->stmt->db, rc, "out of memory");
            return CLAIMDB_OK;
        }
        for (size_t i = 0; i < fx->nregex; i++) {
            if (fx->regexes[i].e != e) continue;
            /* regexec needs a NUL-terminated subject. */
            char *copy = malloc(n + 1);
            if (!copy) return db_error(fx->stmt->db, CLAIMDB_NOMEM, "out of memory");
            memcpy(copy, s, n);
            copy[n] = '\0';
            *res = regexec(&fx->regexes[i].re, copy, 0, NULL, 0) == 0;
            free(copy);
        }
        return CLAIMDB_OK;
    }
    default: {
        /* A bare value as a condition: true when it is there. */
        if ((rc = eval_value(fx, e, &x))) return rc;
        *res = x.k != V_NULL;
        return CLAIMDB_OK;
    }
    }
}

/* Resolve FILTER constants (terms looked up once, so that = compares ids) and compile
 * regular expressions, once per run. */
static int prepare_expr(find_exec *fx, const ast_expr *e)
{
    if (!e) return CLAIMDB_OK;
    claimdb_stmt *stmt = fx->stmt;
    int rc;
    if ((rc = prepare_expr(fx, e->a)) || (rc = prepare_expr(fx, e->b))) return rc;
    if (e->kind == EXPR_REGEX) {
        regex_entry *r = realloc(fx->regexes, (fx->nregex + 1) * sizeof *r);
        if (!r) return db_error(stmt->db, CLAIMDB_NOMEM, "out of memory");
        fx->regexes = r;
        int err = regcomp(&r[fx->nregex].re, e->text, REG_EXTENDED | REG_ICASE | REG_NOSUB);
        if (err) {
            char msg[256];
            regerror(err, &r[fx->nregex].re, msg, sizeof msg);
            return stmt_error_at(stmt, CLAIMDB_SEMANTIC, e->loc.off, "bad regular expression: %s",
                                 msg);
        }
        r[fx->nregex++].e = e;
        return CLAIMDB_OK;
    }
    if (e->kind != EXPR_TERM && e->kind != EXPR_PARAM && e->kind != EXPR_NUMBER &&
        e->kind != EXPR_DATE)
        return CLAIMDB_OK;
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
    if (v.k == V_TEXT) {
        /* A text that names a term becomes that term, so = compares ids. */
        term_id id;
        rc = store_term_lookup(stmt->txn, v.u.s.p, v.u.s.n, &id);
        if (rc == CLAIMDB_OK) v = v_term(id);
    }
    const_entry *c = realloc(fx->consts, (fx->nconsts + 1) * sizeof *c);
    if (!c) return db_error(stmt->db, CLAIMDB_NOMEM, "out of memory");
    fx->consts = c;
    c[fx->nconsts].e = e;
    c[fx->nconsts].v = v;
    fx->nconsts++;
    return CLAIMDB_OK;
}

/* ---- the solution stream ---- */

/* The next solution of patterns, WITHOUT and FILTER: CLAIMDB_ROW, CLAIMDB_DONE or an error. */
/* Checks that run as soon as a step has bound everything they read: WITHOUT patterns and
 * the AND-ed parts of FILTER. Checking early prunes the join instead of filtering its end. */
static int checks_pass(find_exec *fx, size_t step, bool *pass)
{
    int rc;
    *pass = true;
    for (size_t i = 0; i < fx->pl.nwithout; i++) {
        if (fx->without_step[i] != step) continue;
        level w = {.sp = &fx->pl.without[i]};
        if ((rc = level_open(fx, &w))) return rc;
        int r = level_next(fx, &w);
        level_close(&w);
        if (r >= 1000) return r - 1000;
        if (r == 1) return *pass = false, CLAIMDB_OK;
    }
    for (size_t i = 0; i < fx->nconj; i++) {
        if (fx->conj[i].step != step) continue;
        bool ok;
        if ((rc = eval_cond(fx, fx->conj[i].e, &ok))) return rc;
        if (!ok) return *pass = false, CLAIMDB_OK;
    }
    return CLAIMDB_OK;
}

/* The next solution of patterns, WITHOUT and FILTER: CLAIMDB_ROW, CLAIMDB_DONE or an error. */
static int next_solution(find_exec *fx)
{
    if (fx->finished) return CLAIMDB_DONE;
    int rc;
    if (!fx->started) {
        fx->started = true;
        fx->depth = 0;
        if ((rc = level_open(fx, &fx->lv[0]))) return rc;
    }
    for (;;) {
        level *l = &fx->lv[fx->depth];
        int r = level_next(fx, l);
        if (r >= 1000) return r - 1000;
        if (r == 0) {
            level_close(l);
            if (fx->depth == 0) {
                fx->finished = true;
                return CLAIMDB_DONE;
            }
            fx->depth--;
            continue;
        }
        bool pass;
        if ((rc = checks_pass(fx, (size_t)fx->depth, &pass))) return rc;
        if (!pass) continue;
        if ((size_t)fx->depth + 1 < fx->nlv) {
            fx->depth++;
            if ((rc = level_open(fx, &fx->lv[fx->depth]))) return rc;
            continue;
        }
        return CLAIMDB_ROW;
    }
}

static void expr_slots(const ast_expr *e, bool *used)
{
    if (!e) return;
    if (e->kind == EXPR_VAR && e->slot >= 0) used[e->slot] = true;
    expr_slots(e->a, used);
    expr_slots(e->b, used);
}

/* The step after which every variable in used is bound (0 when none is used). */
static size_t step_binding(const find_exec *fx, const bool *used)
{
    size_t last = 0;
    for (size_t v = 0; v < fx->f->nvars; v++)
        if (used[v] && fx->bound_at[v] > last) last = fx->bound_at[v];
    return last;
}

static int add_conjuncts(find_exec *fx, const ast_expr *e, bool *used)
{
    if (e->kind == EXPR_AND) {
        int rc = add_conjuncts(fx, e->a, used);
        return rc ? rc : add_conjuncts(fx, e->b, used);
    }
    conjunct *c = realloc(fx->conj, (fx->nconj + 1) * sizeof *c);
    if (!c) return db_error(fx->stmt->db, CLAIMDB_NOMEM, "out of memory");
    fx->conj = c;
    memset(used, 0, (fx->f->nvars ? fx->f->nvars : 1) * sizeof *used);
    expr_slots(e, used);
    c[fx->nconj].e = e;
    c[fx->nconj].step = step_binding(fx, used);
    fx->nconj++;
    return CLAIMDB_OK;
}

/* Place every check at the first step where all it reads is bound. */
static int place_checks(find_exec *fx)
{
    const ast_find *f = fx->f;
    size_t nv = f->nvars ? f->nvars : 1;
    fx->bound_at = calloc(nv, sizeof *fx->bound_at);
    fx->without_step = calloc(fx->pl.nwithout ? fx->pl.nwithout : 1, sizeof *fx->without_step);
    bool *used = calloc(nv, sizeof *used);
    int rc = CLAIMDB_OK;
    if (!fx->bound_at || !fx->without_step || !used) {
        free(used);
        return db_error(fx->stmt->db, CLAIMDB_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < fx->pl.nsteps; i++) {
        const step_plan *sp = &fx->pl.steps[i];
        for (int k = 0; k < 3; k++)
            if (sp->pos[k].kind == POS_NEW) fx->bound_at[sp->pos[k].slot] = i;
        const cite_var *cv[4] = {&sp->src, &sp->quote, &sp->who, &sp->conf};
        for (int k = 0; k < 4; k++)
            if (cv[k]->slot >= 0 && cv[k]->is_new) fx->bound_at[cv[k]->slot] = i;
    }
    for (size_t i = 0; i < fx->pl.nwithout; i++) {
        const step_plan *sp = &fx->pl.without[i];
        memset(used, 0, nv * sizeof *used);
        for (int k = 0; k < 3; k++)
            if (sp->pos[k].slot >= 0) used[sp->pos[k].slot] = true;
        const cite_var *cv[4] = {&sp->src, &sp->quote, &sp->who, &sp->conf};
        for (int k = 0; k < 4; k++)
            if (cv[k]->slot >= 0) used[cv[k]->slot] = true;
        fx->without_step[i] = step_binding(fx, used);
    }
    if (f->filter) rc = add_conjuncts(fx, f->filter, used);
    free(used);
    return rc;
}

/* ---- computed columns ---- */

static bool is_agg(const ast_expr *e)
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
    return eval_value(fx, e, out);
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
static int tuple_insert(void **tree, value ***keep, size_t *nkeep, size_t *capkeep, const value *v,
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

static void tuples_free(void **tree, value **keep, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tdelete(keep[i], tree, tuple_cmp);
        free(keep[i]);
    }
    free(keep);
    *tree = NULL;
}

/* ---- gathering ---- */

static int gather_row(find_exec *fx, const value *vals)
{
    if (fx->nrows == fx->caprows) {
        size_t cap = fx->caprows ? fx->caprows * 2 : 256;
        grow **r = realloc(fx->rows, cap * sizeof *r);
        if (!r) return db_error(fx->stmt->db, CLAIMDB_NOMEM, "out of memory");
        fx->rows = r;
        fx->caprows = cap;
    }
    grow *g = malloc(sizeof *g + fx->ncomputed * sizeof(value));
    if (!g) return db_error(fx->stmt->db, CLAIMDB_NOMEM, "out of memory");
    g->seq = fx->nrows;
    memcpy(g->v, vals, fx->ncomputed * sizeof(value));
    fx->rows[fx->nrows++] = g;
    return CLAIMDB_OK;
}

/* Fill the columns (items then keys) that are not aggregates. */
static int compute_plain(find_exec *fx, value *vals)
{
    int rc;
    for (size_t i = 0; i < fx->ncomputed; i++) {
        if (is_agg(fx->cols[i])) continue;
        if ((rc = column_value(fx, fx->cols[i], &vals[i]))) return rc;
    }
    for (size_t i = fx->ncols; i < fx->ncomputed; i++)
        if (fx->cols[i]->kind == EXPR_COLUMN) vals[i] = vals[fx->cols[i]->op];
    return CLAIMDB_OK;
}

static int group_cmp(const void *pa, const void *pb)
{
    const group *a = pa, *b = pb;
    return tuple_cmp(a->key, b->key);
}

static void group_free(find_exec *fx, group *g)
{
    for (size_t i = 0; i < fx->ncomputed; i++)
        tuples_free(&g->aggs[i].distinct, g->aggs[i].dkeys, g->aggs[i].ndkeys);
    free(g->aggs);
    free(g->key);
    free(g->first);
    free(g);
}

/* Add the current solution to its group (accumulate false: only make sure it exists). */
static int group_add(find_exec *fx, bool accumulate)
{
    claimdb *db = fx->stmt->db;
    const ast_find *f = fx->f;
    size_t nk = f->ngroup;
    value *key = malloc((nk + 1) * sizeof *key);
    if (!key) return db_error(db, CLAIMDB_NOMEM, "out of memory");
    key[0] = v_int((int64_t)nk);
    for (size_t i = 0; i < nk; i++)
        key[i + 1] = var_value(fx, f->group[i]->slot);
    group probe = {.key = key};
    group **found = tfind(&probe, &fx->groups, group_cmp);
    group *g;
    if (found) {
        g = *found;
        free(key);
    } else {
        g = calloc(1, sizeof *g);
        if (g) g->aggs = calloc(fx->ncomputed ? fx->ncomputed : 1, sizeof *g->aggs);
        if (g) g->first = malloc((f->nvars ? f->nvars : 1) * sizeof *g->first);
        if (!g || !g->aggs || !g->first) {
            if (g) {
                free(g->aggs);
                free(g->first);
            }
            free(g);
            free(key);
            return db_error(db, CLAIMDB_NOMEM, "out of memory");
        }
        g->key = key;
        memcpy(g->first, fx->vars, f->nvars * sizeof *g->first);
        if (fx->ngroups == fx->capgroups) {
            size_t cap = fx->capgroups ? fx->capgroups * 2 : 64;
            group **gl = realloc(fx->grouplist, cap * sizeof *gl);
            if (!gl) {
                group_free(fx, g);
                return db_error(db, CLAIMDB_NOMEM, "out of memory");
            }
            fx->grouplist = gl;
            fx->capgroups = cap;
        }
        if (!tsearch(g, &fx->groups, group_cmp)) {
            group_free(fx, g);
            return db_error(db, CLAIMDB_NOMEM, "out of memory");
        }
        g->seq = fx->ngroups;
        fx->grouplist[fx->ngroups++] = g;
    }
    for (size_t i = 0; accumulate && i < fx->ncomputed; i++) {
        const ast_expr *e = fx->cols[i];
        if (!is_agg(e)) continue;
        agg_state *st = &g->aggs[i];
        value v = e->a ? var_value(fx, e->a->slot) : v_null();
        switch ((ast_agg)e->op) {
        case AGG_COUNT_STAR:
            st->count++;
            break;
        case AGG_COUNT:
            if (v.k != V_NULL) st->count++;
            break;
        case AGG_COUNT_DISTINCT: {
            if (v.k == V_NULL) break;
            int r = tuple_insert(&st->distinct, &st->dkeys, &st->ndkeys, &st->capdkeys, &v, 1);
            if (r < 0) return db_error(db, CLAIMDB_NOMEM, "out of memory");
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
            if (rc) return db_store_error(db, rc);
            if (e->op == AGG_MIN ? c < 0 : c > 0) st->best = v;
            break;
        }
        }
    }
    return CLAIMDB_OK;
}

/* Turn the groups into gathered rows. */
static int groups_emit(find_exec *fx)
{
    value *vals = malloc((fx->ncomputed ? fx->ncomputed : 1) * sizeof *vals);
    value *saved = malloc((fx->f->nvars ? fx->f->nvars : 1) * sizeof *saved);
    int rc = CLAIMDB_OK;
    if (!vals || !saved) rc = db_error(fx->stmt->db, CLAIMDB_NOMEM, "out of memory");
    for (size_t gi = 0; rc == CLAIMDB_OK && gi < fx->ngroups; gi++) {
        group *g = fx->grouplist[gi];
        /* Non-aggregate columns read the group's variables (grouped ones agree). */
        memcpy(fx->vars, g->first, fx->f->nvars * sizeof *fx->vars);
        if ((rc = compute_plain(fx, vals))) break;
        for (size_t i = 0; i < fx->ncomputed; i++) {
            const ast_expr *e = fx->cols[i];
            if (!is_agg(e)) continue;
            agg_state *st = &g->aggs[i];
            if (e->op == AGG_MIN || e->op == AGG_MAX)
                vals[i] = st->count ? st->best : v_null();
            else
                vals[i] = v_int(st->count);
        }
        for (size_t i = fx->ncols; i < fx->ncomputed; i++)
            if (fx->cols[i]->kind == EXPR_COLUMN) vals[i] = vals[fx->cols[i]->op];
        rc = gather_row(fx, vals);
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
static void merge_sort(find_exec *fx, grow **a, grow **tmp, size_t n)
{
    if (n < 2) return;
    size_t h = n / 2;
    merge_sort(fx, a, tmp, h);
    merge_sort(fx, a + h, tmp, n - h);
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
static int resolve_sort_keys(find_exec *fx)
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

/* ---- DISTINCT, OFFSET, LIMIT and output ---- */

/* Offer an output row: 1 when it leaves as the statement's row, 0 when skipped. */
static int offer(find_exec *fx, const value *out)
{
    if (fx->f->distinct) {
        int r = tuple_insert(&fx->seen, &fx->seen_rows, &fx->nseen, &fx->capseen, out, fx->ncols);
        if (r < 0) return -db_error(fx->stmt->db, CLAIMDB_NOMEM, "out of memory");
        if (r == 0) return 0;
    }
    if (fx->skipped < fx->offset) {
        fx->skipped++;
        return 0;
    }
    memcpy(fx->stmt->row, out, fx->ncols * sizeof *out);
    fx->emitted++;
    return 1;
}

/* FIND COUNT(*) WHERE one pattern with at most one constant and nothing else is answered
 * from the per-term statistics the store keeps, without reading the claims. */
static int count_from_stats(find_exec *fx, bool *fast, int64_t *n)
{
    const ast_find *f = fx->f;
    *fast = false;
    if (f->npats != 1 || fx->pl.nsteps != 1 || f->filter || f->ngroup || f->norder)
        return CLAIMDB_OK;
    for (size_t i = 0; i < f->nitems; i++)
        if (f->items[i].expr->kind != EXPR_AGG || f->items[i].expr->op != AGG_COUNT_STAR)
            return CLAIMDB_OK;
    const step_plan *sp = &fx->pl.steps[0];
    const ast_pattern *pat = sp->pat;
    if (pat->ncited || pat->has_sources || pat->from.kind != TERM_NONE ||
        pat->quote.kind != TERM_NONE || pat->by.kind != TERM_NONE ||
        pat->confidence.kind != TERM_NONE)
        return CLAIMDB_OK;
    int nconst = 0, role = 0;
    for (int i = 0; i < 3; i++) {
        if (sp->pos[i].kind == POS_SAME) return CLAIMDB_OK;
        if (sp->pos[i].kind == POS_CONST) {
            nconst++;
            role = i;
        }
    }
    int rc;
    if (nconst == 0) {
        store_counts c;
        if ((rc = store_counts_get(fx->stmt->txn, &c))) return db_store_error(fx->stmt->db, rc);
        *n = (int64_t)(sp->pol == POL_POS ? c.claims_pos : c.claims_neg);
    } else if (nconst == 1) {
        uint64_t u = 0;
        term_id id = sp->pos[role].id;
        if (id && (rc = store_term_stat(fx->stmt->txn, sp->pol, role, id, &u)))
            return db_store_error(fx->stmt->db, rc);
        *n = (int64_t)u;
    } else {
        return CLAIMDB_OK;
    }
    *fast = true;
    return CLAIMDB_OK;
}

static int find_next(claimdb_stmt *stmt, exec *self)
{
    find_exec *fx = (find_exec *)self;
    (void)stmt;
    int rc;
    if (fx->has_limit && fx->emitted >= fx->limit) return CLAIMDB_DONE;
    if (!fx->gather) {
        value tmp[64];
        value *buf = fx->ncomputed <= 64 ? tmp : malloc(fx->ncomputed * sizeof *buf);
        if (!buf) return db_error(fx->stmt->db, CLAIMDB_NOMEM, "out of memory");
        for (;;) {
            rc = next_solution(fx);
            if (rc != CLAIMDB_ROW) break;
            if ((rc = compute_plain(fx, buf))) break;
            int r = offer(fx, buf);
            if (r < 0) {
                rc = -r;
                break;
            }
            if (r == 1) {
                rc = CLAIMDB_ROW;
                break;
            }
        }
        if (buf != tmp) free(buf);
        return rc;
    }
    if (!fx->gathered) {
        /* Gather everything, then group and sort. */
        fx->gathered = true;
        bool fast;
        int64_t count;
        if ((rc = count_from_stats(fx, &fast, &count))) return rc;
        if (fast) {
            for (size_t i = 0; i < fx->f->nvars; i++)
                fx->vars[i] = v_null();
            if ((rc = group_add(fx, false))) return rc;
            for (size_t i = 0; i < fx->ncomputed; i++)
                fx->grouplist[0]->aggs[i].count = count;
            fx->finished = true;
        }
        bool grouping = fx->f->aggregate || fx->f->ngroup > 0;
        value tmp[64];
        value *buf = fx->ncomputed <= 64 ? tmp : malloc(fx->ncomputed * sizeof *buf);
        if (!buf) return db_error(fx->stmt->db, CLAIMDB_NOMEM, "out of memory");
        while (!fast && (rc = next_solution(fx)) == CLAIMDB_ROW) {
            if (grouping)
                rc = group_add(fx, true);
            else if (!(rc = compute_plain(fx, buf)))
                rc = gather_row(fx, buf);
            if (rc) break;
        }
        if (buf != tmp) free(buf);
        if (!fast && rc != CLAIMDB_DONE) return rc;
        if (grouping) {
            /* An aggregate without GROUP BY has one group even when nothing matched. */
            if (fx->f->ngroup == 0 && fx->ngroups == 0) {
                for (size_t i = 0; i < fx->f->nvars; i++)
                    fx->vars[i] = v_null();
                if ((rc = group_add(fx, false))) return rc;
            }
            if ((rc = groups_emit(fx))) return rc;
        }
        if (fx->nkeys) {
            if ((rc = resolve_sort_keys(fx))) return rc;
            grow **tmpv = malloc((fx->nrows ? fx->nrows : 1) * sizeof *tmpv);
            if (!tmpv) return db_error(fx->stmt->db, CLAIMDB_NOMEM, "out of memory");
            merge_sort(fx, fx->rows, tmpv, fx->nrows);
            free(tmpv);
        }
    }
    while (fx->next < fx->nrows) {
        int r = offer(fx, fx->rows[fx->next++]->v);
        if (r < 0) return -r;
        if (r == 1) return CLAIMDB_ROW;
    }
    return CLAIMDB_DONE;
}

static void find_free(exec *self)
{
    find_exec *fx = (find_exec *)self;
    for (size_t i = 0; i < fx->nlv; i++)
        level_close(&fx->lv[i]);
    free(fx->lv);
    plan_free(&fx->pl);
    for (size_t i = 0; i < fx->nregex; i++)
        regfree(&fx->regexes[i].re);
    free(fx->regexes);
    free(fx->consts);
    free(fx->bound_at);
    free(fx->without_step);
    free(fx->conj);
    free(fx->vars);
    free(fx->cols);
    tuples_free(&fx->seen, fx->seen_rows, fx->nseen);
    for (size_t i = 0; i < fx->nrows; i++)
        free(fx->rows[i]);
    free(fx->rows);
    for (size_t i = 0; i < fx->ngroups; i++) {
        tdelete(fx->grouplist[i], &fx->groups, group_cmp);
        group_free(fx, fx->grouplist[i]);
    }
    free(fx->grouplist);
    free(fx);
}

static int find_setup(claimdb_stmt *stmt, const ast_find *f, find_exec **out)
{
    find_exec *fx = calloc(1, sizeof *fx);
    if (!fx) return db_error(stmt->db, CLAIMDB_NOMEM, "out of memory");
    fx->base.next = find_next;
    fx->base.free = find_free;
    fx->stmt = stmt;
    fx->f = f;
    *out = fx;
    int rc = plan_build(stmt, f, &fx->pl);
    if (rc != CLAIMDB_OK) return rc;
    fx->nlv = fx->pl.nsteps;
    fx->lv = calloc(fx->nlv ? fx->nlv : 1, sizeof *fx->lv);
    fx->vars = calloc(f->nvars ? f->nvars : 1, sizeof *fx->vars);
    fx->ncols = f->nitems;
    fx->nkeys = f->norder;
    fx->ncomputed = fx->ncols + fx->nkeys;
    fx->cols = calloc(fx->ncomputed ? fx->ncomputed : 1, sizeof *fx->cols);
    if (!fx->lv || !fx->vars || !fx->cols)
        return db_error(stmt->db, CLAIMDB_NOMEM, "out of memory");
    for (size_t i = 0; i < fx->nlv; i++)
        fx->lv[i].sp = &fx->pl.steps[i];
    for (size_t i = 0; i < f->nitems; i++)
        fx->cols[i] = f->items[i].expr;
    for (size_t i = 0; i < f->norder; i++)
        fx->cols[f->nitems + i] = f->order[i].expr;
    fx->gather = f->norder > 0 || f->aggregate || f->ngroup > 0;
    if (f->limit.kind != VAL_NONE) {
        fx->has_limit = true;
        if ((rc = stmt_value_uint(stmt, &f->limit, "LIMIT", &fx->limit))) return rc;
    }
    if (f->offset.kind != VAL_NONE &&
        (rc = stmt_value_uint(stmt, &f->offset, "OFFSET", &fx->offset)))
        return rc;
    if ((rc = prepare_expr(fx, f->filter))) return rc;
    if ((rc = place_checks(fx))) return rc;
    for (size_t i = 0; i < fx->ncomputed; i++)
        if ((rc = prepare_expr(fx, fx->cols[i]))) return rc;
    if (fx->nlv == 0) fx->finished = true;
    return CLAIMDB_OK;
}

int find_start(claimdb_stmt *stmt, exec **out)
{
    find_exec *fx = NULL;
    int rc = find_setup(stmt, &stmt->ast->u.find, &fx);
    if (rc != CLAIMDB_OK) {
        if (fx) find_free(&fx->base);
        return rc;
    }
    *out = &fx->base;
    return CLAIMDB_OK;
}

/* ---- EXPLAIN ---- */

static void term_text(char *buf, size_t cap, const ast_term *t)
{
    switch (t->kind) {
    case TERM_VAR:
        snprintf(buf, cap, "?%s", t->text);
        break;
    case TERM_ANON:
        snprintf(buf, cap, "_");
        break;
    case TERM_PARAM:
        snprintf(buf, cap, "%s", t->text);
        break;
    case TERM_CONST: {
        bool bare = t->text[0] != '\0';
        for (const char *p = t->text; *p && bare; p++)
            bare = (*p & 0x80) || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                   (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.';
        snprintf(buf, cap, bare ? "%s" : "\"%s\"", t->text);
        break;
    }
    default:
        buf[0] = '\0';
        break;
    }
}

static int explain_step(claimdb_stmt *stmt, rowset *rs, const step_plan *sp, int64_t n,
                        bool without)
{
    char s[128], p[128], o[128], pat[512], bound[32] = "";
    term_text(s, sizeof s, &sp->pat->s);
    term_text(p, sizeof p, &sp->pat->p);
    term_text(o, sizeof o, &sp->pat->o);
    snprintf(pat, sizeof pat, "%s%s%s %s %s", without ? "WITHOUT " : "",
             sp->pol == POL_NEG ? "NOT " : "", s, p, o);
    static const char *const pos_names[] = {"s", "p", "o"};
    for (int i = 0; i < sp->nprefix; i++) {
        strcat(bound, i ? "," : "");
        strcat(bound, pos_names[idx_order[sp->idx][i]]);
    }
    if (!bound[0]) strcpy(bound, "-");
    char idx[64];
    snprintf(idx, sizeof idx, "%s%s", idx_name(sp->idx), sp->nprefix ? " prefix" : " full scan");
    value row[5] = {v_int(n), v_cstr(pat), v_cstr(idx), v_cstr(bound),
                    v_int((int64_t)(sp->est + 0.5))};
    (void)stmt;
    return rowset_add(rs, row);
}

int explain_start(claimdb_stmt *stmt, exec **out)
{
    plan pl;
    int rc = plan_build(stmt, &stmt->ast->u.find, &pl);
    if (rc != CLAIMDB_OK) return rc;
    rowset *rs = rowset_new(5);
    if (!rs) rc = CLAIMDB_NOMEM;
    for (size_t i = 0; rc == CLAIMDB_OK && i < pl.nsteps; i++)
        rc = explain_step(stmt, rs, &pl.steps[i], (int64_t)i + 1, false);
    for (size_t i = 0; rc == CLAIMDB_OK && i < pl.nwithout; i++)
        rc = explain_step(stmt, rs, &pl.without[i], (int64_t)(pl.nsteps + i + 1), true);
    plan_free(&pl);
    if (rc != CLAIMDB_OK) {
        rowset_free(rs);
        return db_error(stmt->db, rc, "out of memory");
    }
    return rowset_exec(rs, out);
}
