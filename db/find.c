/* find.c — the FIND executor: a pull pipeline. Nested index lookups produce solutions one at
 * a time (join.c), WITHOUT and FILTER drop some on the way, then, only when the query asks
 * for them, grouping, DISTINCT and sorting gather rows (group.c); OFFSET and LIMIT count what
 * leaves. Without ORDER BY or aggregates nothing is gathered, so LIMIT 10 reads a few pages. */
#include "find.h"
#include "try.h"

#include <search.h>
#include <stdlib.h>
#include <string.h>

/* ---- DISTINCT, OFFSET, LIMIT and output ---- */

/* Offer an output row: 1 when it leaves as the statement's row, 0 when skipped. */
static int offer(find_exec *fx, const value *out)
{
    if (fx->f->distinct) {
        int r =
            find_tuple_insert(&fx->seen, &fx->seen_rows, &fx->nseen, &fx->capseen, out, fx->ncols);
        if (r < 0) return -db_nomem(fx->stmt->db);
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

/* FIND COUNT(*), COUNT(*)... of one pattern in one step, with no FILTER, grouping or order:
 * the shape both counts without rows below start from. */
static bool only_count_of_one_pattern(const ast_find *f, const plan *pl)
{
    if (f->npats != 1 || pl->nsteps != 1 || f->filter || f->ngroup || f->norder) return false;
    for (size_t i = 0; i < f->nitems; i++)
        if (f->items[i].expr->kind != EXPR_AGG || f->items[i].expr->op != AGG_COUNT_STAR)
            return false;
    return true;
}

/* FIND COUNT(*) WHERE one pattern with at most one constant and nothing else is answered
 * from the per-term statistics the store keeps, without reading the claims. */
static int count_from_stats(find_exec *fx, bool *fast, int64_t *n)
{
    *fast = false;
    if (!only_count_of_one_pattern(fx->f, &fx->pl)) return CLAIMDB_OK;
    const step_plan *sp = &fx->pl.steps[0];
    const ast_pattern *pat = sp->pat;
    if (pat->ncited || pat->has_sources || pat->from.kind != TERM_NONE || sp->reviewed ||
        sp->both_pol || pat->quote.kind != TERM_NONE || pat->by.kind != TERM_NONE ||
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

/* FIND COUNT(*) WHERE one pattern whose only condition is SOURCES (not INDEPENDENT; no
 * REVIEWED, which makes a row per review), its constants a leading s, p, o prefix: counted in one
 * pass over the citation tree, which holds every claim with its articles, instead of a claim scan
 * with a citation count per claim. Read transactions only (the pass keeps its place between
 * claims). */
static int count_by_sources(find_exec *fx, bool *fast, int64_t *n)
{
    *fast = false;
    if (!only_count_of_one_pattern(fx->f, &fx->pl) || !store_txn_snapshot(fx->stmt->txn))
        return CLAIMDB_OK;
    const step_plan *sp = &fx->pl.steps[0];
    const ast_pattern *pat = sp->pat;
    if (!pat->has_sources || pat->independent || pat->ncited || sp->reviewed || sp->both_pol ||
        pat->from.kind != TERM_NONE || pat->quote.kind != TERM_NONE || pat->by.kind != TERM_NONE ||
        pat->confidence.kind != TERM_NONE || pat->at.kind != TERM_NONE ||
        pat->to.kind != TERM_NONE || pat->on.kind != TERM_NONE || pat->stored.kind != TERM_NONE)
        return CLAIMDB_OK;
    term_id prefix[3];
    int nprefix = 0;
    for (int i = 0; i < 3; i++) {
        const pos_plan *pp = &sp->pos[i];
        if (pp->kind == POS_SAME) return CLAIMDB_OK;
        if (pp->kind != POS_CONST) continue;
        if (nprefix != i) return CLAIMDB_OK; /* not a leading prefix */
        if (pp->id == 0) {
            /* an unknown term: nothing matches */
            *n = 0;
            *fast = true;
            return CLAIMDB_OK;
        }
        prefix[nprefix++] = pp->id;
    }
    store_cursor *cur;
    int rc = store_cited_claims_open(fx->stmt->txn, sp->pol, prefix, nprefix, &cur);
    if (rc) return db_store_error(fx->stmt->db, rc);
    int64_t count = 0, m = sp->sources_n;
    claim_key k;
    uint64_t u, seen = 0;
    int r;
    while ((r = store_cursor_next_cited(cur, &k, &u)) == CLAIMDB_ROW) {
        int64_t a = u > INT64_MAX ? INT64_MAX : (int64_t)u;
        count += find_cmp_holds(pat->sources_op, a, m);
        if ((++seen & 0xFFF) == 0 && fx->stmt->db->interrupted) {
            r = CLAIMDB_INTERRUPT;
            break;
        }
    }
    store_cursor_close(cur);
    if (r == CLAIMDB_INTERRUPT) return db_error(fx->stmt->db, CLAIMDB_INTERRUPT, "interrupted");
    if (store_step_err(r)) return find_store_err(fx, r);
    *n = count;
    *fast = true;
    return CLAIMDB_OK;
}

/* Once a run knows whether it found a solution: the warnings for its terms if it found none. */
static int find_warn(find_exec *fx)
{
    if (fx->warned) return CLAIMDB_OK;
    fx->warned = true;
    return fx->any_solution ? CLAIMDB_OK : plan_warn(fx->stmt, fx->f);
}

/* Without gathering: solutions are computed and offered one at a time until one leaves. */
static int next_streamed(find_exec *fx)
{
    value tmp[64];
    value *buf = fx->ncomputed <= 64 ? tmp : malloc(fx->ncomputed * sizeof *buf);
    if (!buf) return db_nomem(fx->stmt->db);
    int rc;
    for (;;) {
        rc = find_next_solution(fx);
        if (rc == CLAIMDB_DONE) {
            int w = find_warn(fx);
            if (w) rc = w;
        }
        if (rc != CLAIMDB_ROW) break;
        fx->any_solution = true;
        if ((rc = find_compute_plain(fx, buf))) break;
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

/* A COUNT(*) known without the solutions: *fast tells whether it is. */
static int count_fast(find_exec *fx, bool *fast, int64_t *count)
{
    int rc;
    TRY(rc, count_from_stats(fx, fast, count));
    if (!*fast) TRY(rc, count_by_sources(fx, fast, count));
    return CLAIMDB_OK;
}

/* Every column is COUNT(*) and there is no ORDER BY: the one row, without a group (whose
 * making and freeing cost more than the count's mdb_get). CLAIMDB_ROW or CLAIMDB_DONE when
 * that row settles the statement; CLAIMDB_OK when it went into a group, as a row wider than
 * the stack buffer does. */
static int count_row(find_exec *fx, int64_t count)
{
    fx->finished = true;
    fx->any_solution = count > 0;
    int rc;
    TRY(rc, find_warn(fx));
    if (fx->ncols > 64) {
        TRY(rc, find_group_add(fx, false));
        for (size_t i = 0; i < fx->ncomputed; i++)
            fx->grouplist[0]->aggs[i].count = count;
        return CLAIMDB_OK;
    }
    value row[64];
    for (size_t i = 0; i < fx->ncols; i++)
        row[i] = v_int(count);
    int r = offer(fx, row);
    if (r < 0) return -r;
    return r == 1 ? CLAIMDB_ROW : CLAIMDB_DONE;
}

/* Every solution into a group or a gathered row. */
static int gather_solutions(find_exec *fx, bool grouping)
{
    value tmp[64];
    value *buf = fx->ncomputed <= 64 ? tmp : malloc(fx->ncomputed * sizeof *buf);
    if (!buf) return db_nomem(fx->stmt->db);
    int rc;
    while ((rc = find_next_solution(fx)) == CLAIMDB_ROW) {
        fx->any_solution = true;
        if (grouping)
            rc = find_group_add(fx, true);
        else if (!(rc = find_compute_plain(fx, buf)))
            rc = find_gather_row(fx, buf);
        if (rc) break;
    }
    if (buf != tmp) free(buf);
    return rc == CLAIMDB_DONE ? CLAIMDB_OK : rc;
}

static int sort_rows(find_exec *fx)
{
    int rc;
    TRY(rc, find_resolve_sort_keys(fx));
    grow **tmpv = malloc((fx->nrows ? fx->nrows : 1) * sizeof *tmpv);
    if (!tmpv) return db_nomem(fx->stmt->db);
    find_merge_sort(fx, fx->rows, tmpv, fx->nrows);
    free(tmpv);
    return CLAIMDB_OK;
}

/* Gathers everything, then groups and sorts into fx->rows. CLAIMDB_OK then; any other status
 * (an error, or the ROW or DONE of a count answered at once) is find_next's. */
static int gather_all(find_exec *fx)
{
    bool fast = false;
    int64_t count;
    int rc;
    if (fx->pl.count_join) {
        TRY(rc, find_count_join(fx));
        fx->finished = fast = true;
    } else {
        TRY(rc, count_fast(fx, &fast, &count));
        if (fast) TRY(rc, count_row(fx, count));
    }
    bool grouping = fx->f->aggregate || fx->f->ngroup > 0;
    if (!fast) TRY(rc, gather_solutions(fx, grouping));
    TRY(rc, find_warn(fx));
    if (grouping) {
        /* An aggregate without GROUP BY has one group even when nothing matched. */
        if (fx->f->ngroup == 0 && fx->ngroups == 0) {
            for (size_t i = 0; i < fx->f->nvars; i++)
                fx->vars[i] = v_null();
            TRY(rc, find_group_add(fx, false));
        }
        TRY(rc, find_groups_emit(fx));
    }
    if (fx->nkeys) TRY(rc, sort_rows(fx));
    return CLAIMDB_OK;
}

static int find_next(claimdb_stmt *stmt, exec *self)
{
    find_exec *fx = (find_exec *)self;
    (void)stmt;
    int rc;
    if (fx->has_limit && fx->emitted >= fx->limit) {
        TRY(rc, find_warn(fx));
        return CLAIMDB_DONE;
    }
    if (!fx->gather) return next_streamed(fx);
    if (!fx->gathered) {
        fx->gathered = true;
        TRY(rc, gather_all(fx));
    }
    while (fx->next < fx->nrows) {
        int r = offer(fx, fx->rows[fx->next++]->v);
        if (r < 0) return -r;
        if (r == 1) return CLAIMDB_ROW;
    }
    return CLAIMDB_DONE;
}

void find_free(exec *self)
{
    find_exec *fx = (find_exec *)self;
    for (size_t i = 0; i < fx->nlv; i++)
        find_level_close(&fx->lv[i]);
    free(fx->lv);
    plan_free(&fx->pl);
    for (size_t i = 0; i < fx->nregex; i++)
        cq_regex_free(fx->regexes[i].re);
    free(fx->regexes);
    for (size_t i = 0; i < fx->nmatch; i++)
        match_query_free(&fx->matches[i].q);
    free(fx->matches);
    text_tokenizer_free(fx->tk);
    free(fx->consts);
    free(fx->bound_at);
    free(fx->without_step);
    free(fx->conj);
    free(fx->vars);
    free(fx->cols);
    find_tuples_free(&fx->seen, fx->seen_rows, fx->nseen);
    for (size_t i = 0; i < fx->nrows; i++)
        free(fx->rows[i]);
    free(fx->rows);
    for (size_t i = 0; i < fx->ngroups; i++) {
        tdelete(fx->grouplist[i], &fx->groups, find_group_cmp);
        find_group_free(fx, fx->grouplist[i]);
    }
    free(fx->grouplist);
    find_stored_free(fx); /* last: the sets and groups above compare STORED texts */
    free(fx);
}

/* The aggregates of HAVING (not those inside another): their number, and into out when given.
 * They are computed per group as hidden columns after the items and the sort keys. */
static size_t count_aggs(const ast_expr *e, const ast_expr **out)
{
    if (!e) return 0;
    if (e->kind == EXPR_AGG) {
        if (out) out[0] = e;
        return 1;
    }
    size_t n = count_aggs(e->a, out);
    n += count_aggs(e->b, out ? out + n : NULL);
    for (size_t i = 0; i < e->nargs; i++)
        n += count_aggs(e->args[i], out ? out + n : NULL);
    return n;
}

/* What a run takes from the bindings and its snapshot, beyond the plan: LIMIT, OFFSET, and
 * the constants and regular expressions of FILTER, HAVING and the computed columns. */
static int find_resolve(find_exec *fx)
{
    claimdb_stmt *stmt = fx->stmt;
    const ast_find *f = fx->f;
    int rc;
    if (fx->has_limit) TRY(rc, stmt_value_uint(stmt, &f->limit, "LIMIT", &fx->limit));
    if (f->offset.kind != VAL_NONE)
        TRY(rc, stmt_value_uint(stmt, &f->offset, "OFFSET", &fx->offset));
    TRY(rc, find_prepare_expr(fx, f->filter));
    TRY(rc, find_prepare_expr(fx, f->having));
    for (size_t i = 0; i < fx->ncomputed; i++)
        TRY(rc, find_prepare_expr(fx, fx->cols[i]));
    if (fx->nregex) qsort(fx->regexes, fx->nregex, sizeof *fx->regexes, find_regex_order);
    if (fx->nconsts) qsort(fx->consts, fx->nconsts, sizeof *fx->consts, find_const_order);
    if (fx->nlv == 0) fx->finished = true;
    return CLAIMDB_OK;
}

int find_open(claimdb_stmt *stmt, const ast_find *f, bool explain, find_exec **out)
{
    find_exec *fx = calloc(1, sizeof *fx);
    if (!fx) return db_nomem(stmt->db);
    fx->base.next = find_next;
    fx->base.free = find_free;
    fx->stmt = stmt;
    fx->f = f;
    *out = fx;
    int rc = plan_build(stmt, f, explain, &fx->pl);
    if (rc != CLAIMDB_OK) return rc;
    fx->nlv = fx->pl.nsteps;
    fx->lv = calloc(fx->nlv ? fx->nlv : 1, sizeof *fx->lv);
    fx->vars = calloc(f->nvars ? f->nvars : 1, sizeof *fx->vars);
    fx->ncols = f->nitems;
    fx->nkeys = f->norder;
    fx->nhaving = count_aggs(f->having, NULL);
    fx->ncomputed = fx->ncols + fx->nkeys + fx->nhaving;
    fx->cols = calloc(fx->ncomputed ? fx->ncomputed : 1, sizeof *fx->cols);
    if (!fx->lv || !fx->vars || !fx->cols) return db_nomem(stmt->db);
    for (size_t i = 0; i < fx->nlv; i++)
        fx->lv[i].sp = &fx->pl.steps[i];
    for (size_t i = 0; i < f->nitems; i++)
        fx->cols[i] = f->items[i].expr;
    for (size_t i = 0; i < f->norder; i++)
        fx->cols[f->nitems + i] = f->order[i].expr;
    count_aggs(f->having, fx->cols + f->nitems + f->norder);
    fx->gather = f->norder > 0 || f->aggregate || f->ngroup > 0;
    fx->has_limit = f->limit.kind != VAL_NONE;
    TRY(rc, find_place_checks(fx));
    return find_resolve(fx);
}

/* Drop what a run made; keep the plan, the placed checks and the memory. */
static void find_rewind(exec *self)
{
    find_exec *fx = (find_exec *)self;
    for (size_t i = 0; i < fx->nlv; i++) {
        find_level_close(&fx->lv[i]);
        step_plan *sp = fx->lv[i].sp;
        memset(&fx->lv[i], 0, sizeof fx->lv[i]);
        fx->lv[i].sp = sp;
    }
    for (size_t i = 0; i < fx->nregex; i++)
        cq_regex_free(fx->regexes[i].re);
    /* MATCH's words come from the run's bindings: parsed again by the next run. */
    for (size_t i = 0; i < fx->nmatch; i++)
        match_query_free(&fx->matches[i].q);
    fx->nregex = fx->nconsts = fx->nmatch = 0;
    find_tuples_free(&fx->seen, fx->seen_rows, fx->nseen);
    fx->seen_rows = NULL;
    fx->nseen = fx->capseen = 0;
    for (size_t i = 0; i < fx->nrows; i++)
        free(fx->rows[i]);
    fx->nrows = fx->next = 0;
    for (size_t i = 0; i < fx->ngroups; i++) {
        tdelete(fx->grouplist[i], &fx->groups, find_group_cmp);
        find_group_free(fx, fx->grouplist[i]);
    }
    fx->ngroups = 0;
    fx->groups = NULL;
    find_stored_free(fx);
    /* The claims a MATCH path read were for this run's words and snapshot. */
    for (size_t i = 0; i < fx->pl.nsteps; i++) {
        step_plan *sp = &fx->pl.steps[i];
        free(sp->mkeys);
        sp->mkeys = NULL;
        sp->nmkeys = 0;
        sp->mready = false;
    }
    fx->depth = 0;
    fx->started = fx->finished = fx->gathered = false;
    fx->any_solution = fx->warned = false;
    fx->emitted = fx->skipped = 0;
}

/* A run that failed before it could know whether it finds a solution gives the warnings
 * planning gave before runs planned without them: those of the terms read before the error
 * (the error itself is kept). */
static void warn_failed(claimdb_stmt *stmt)
{
    claimdb *db = stmt->db;
    int code = db->errcode, off = db->erroff;
    char text[sizeof db->errtext], msg[sizeof db->errmsg];
    memcpy(text, db->errtext, sizeof text);
    memcpy(msg, db->errmsg, sizeof msg);
    plan_warn(stmt, &stmt->ast->u.find);
    db->errcode = code;
    db->erroff = off;
    memcpy(db->errtext, text, sizeof text);
    memcpy(db->errmsg, msg, sizeof msg);
}

/* Run a rewound FIND again: its plan refreshed (or *kept false), then what the run takes
 * from its bindings and snapshot resolved again. */
static int find_restart(claimdb_stmt *stmt, exec *self, bool *kept)
{
    find_exec *fx = (find_exec *)self;
    const ast_find *f = fx->f;
    int rc = plan_refresh(stmt, f, &fx->pl, kept);
    if (rc == CLAIMDB_OK && *kept) {
        fx->stmt = stmt;
        memset(fx->vars, 0, (f->nvars ? f->nvars : 1) * sizeof *fx->vars);
        rc = find_resolve(fx);
    }
    if (rc != CLAIMDB_OK) warn_failed(stmt);
    return rc;
}

static int find_start(claimdb_stmt *stmt, exec **out)
{
    find_exec *fx = NULL;
    int rc = find_open(stmt, &stmt->ast->u.find, false, &fx);
    if (rc != CLAIMDB_OK) {
        if (fx) find_free(&fx->base);
        warn_failed(stmt);
        return rc;
    }
    fx->base.rewind = find_rewind;
    fx->base.restart = find_restart;
    *out = &fx->base;
    return CLAIMDB_OK;
}

/* FIND's columns are its items, named in the statement. */
static int find_shape(claimdb_stmt *stmt)
{
    const ast_find *f = &stmt->ast->u.find;
    const char **names = malloc((f->nitems ? f->nitems : 1) * sizeof *names);
    if (!names) return CLAIMDB_NOMEM;
    for (size_t i = 0; i < f->nitems; i++)
        names[i] = f->items[i].name;
    int rc = stmt_set_columns(stmt, (int)f->nitems, names);
    free(names);
    return rc;
}

const stmt_kind stmt_find = {.mode = MODE_READ, .shape = find_shape, .start = find_start};
