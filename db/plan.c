/* plan.c — the planner: estimate each pattern's cardinality from the index statistics, order
 * the patterns greedily (cheapest connected pattern next, so bound values of one pattern
 * become prefix bounds of the next), and pick for each the index whose key prefix covers its
 * bound positions — or, when the pattern names its articles (CITED BY, or FROM's variable
 * fixed by an earlier step or a FILTER equality) and they cite fewer claims than that range
 * holds, the article -> claims index; or, when a FILTER part `?v MATCH "…"` is on a variable
 * the pattern binds and the text index says fewer documents hold its rarest word, the claims
 * of those documents. */
#include "plan.h"
#include "try.h"

#include "match.h"

#include <stdlib.h>
#include <string.h>

const int idx_order[3][3] = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}};

const char *idx_name(store_index idx)
{
    static const char *const names[] = {"SPO", "POS", "OSP"};
    return names[idx];
}

void plan_free(plan *p)
{
    for (size_t i = 0; i < p->nsteps; i++) {
        free(p->steps[i].cited);
        free(p->steps[i].arts);
        free(p->steps[i].mkeys);
    }
    for (size_t i = 0; i < p->nwithout; i++) {
        free(p->without[i].cited);
        free(p->without[i].arts);
    }
    free(p->steps);
    free(p->without);
    memset(p, 0, sizeof *p);
}

/* Which index serves a set of bound positions (bit 0 s, 1 p, 2 o), and how many of its
 * leading key positions are bound. Every one of the 8 sets is a prefix of one index. */
static void choose_index(unsigned bound, store_index *idx, int *nprefix)
{
    switch (bound) {
    case 0:
        *idx = IDX_SPO;
        *nprefix = 0;
        break;
    case 1:
        *idx = IDX_SPO;
        *nprefix = 1;
        break;
    case 3:
        *idx = IDX_SPO;
        *nprefix = 2;
        break;
    case 7:
        *idx = IDX_SPO;
        *nprefix = 3;
        break;
    case 2:
        *idx = IDX_POS;
        *nprefix = 1;
        break;
    case 6:
        *idx = IDX_POS;
        *nprefix = 2;
        break;
    case 4:
        *idx = IDX_OSP;
        *nprefix = 1;
        break;
    default:
        *idx = IDX_OSP;
        *nprefix = 2;
        break; /* 5: s and o */
    }
}

/* The values a step takes from the statement: its terms' ids, BY's, CITED BY's articles and
 * SOURCES' number. same_snap: the constants' ids were found in this very snapshot. warn: read
 * the terms as stmt_read_term does, with their warnings (a constant found in this snapshot is
 * read again only when it gave one, which a new run must give again); else look them up
 * only, the warnings left to plan_warn. */
static int step_values(claimdb_stmt *stmt, step_plan *sp, bool same_snap, bool warn)
{
    const ast_pattern *pat = sp->pat;
    const ast_term *terms[3] = {&pat->s, &pat->p, &pat->o};
    int rc;
    for (int i = 0; i < 3; i++) {
        if (terms[i]->kind != TERM_PARAM && terms[i]->kind != TERM_CONST) continue;
        if (!warn) {
            if (terms[i]->kind == TERM_PARAM || !same_snap)
                TRY(rc, stmt_term_lookup(stmt, terms[i], &sp->pos[i].id));
            continue;
        }
        if (terms[i]->kind == TERM_CONST && same_snap && sp->quiet[i]) continue;
        int before = stmt->nwarnings;
        TRY(rc, stmt_read_term_at(stmt, terms[i], sp->pol, i, &sp->pos[i].id));
        sp->quiet[i] = stmt->nwarnings == before && before < STMT_MAX_WARNINGS;
    }
    if (pat->by.kind == TERM_PARAM || (pat->by.kind == TERM_CONST && !same_snap))
        TRY(rc, stmt_term_lookup(stmt, &pat->by, &sp->by_const));
    for (size_t i = 0; i < sp->ncited; i++)
        TRY(rc, stmt_value_uint(stmt, &pat->cited[i], "CITED BY", &sp->cited[i]));
    if (pat->has_sources) {
        uint64_t n;
        TRY(rc, stmt_value_uint(stmt, &pat->sources_n, "SOURCES", &n));
        sp->sources_n = n > INT64_MAX ? INT64_MAX : (int64_t)n;
    }
    return CLAIMDB_OK;
}

/* Fill the parts of a step that do not depend on the order. */
static int step_init(claimdb_stmt *stmt, const ast_pattern *pat, step_plan *sp, bool warn)
{
    memset(sp, 0, sizeof *sp);
    sp->pat = pat;
    sp->pol = pat->negated ? POL_NEG : POL_POS;
    const ast_term *terms[3] = {&pat->s, &pat->p, &pat->o};
    for (int i = 0; i < 3; i++) {
        sp->pos[i].slot = -1;
        switch (terms[i]->kind) {
        case TERM_CONST:
        case TERM_PARAM:
            sp->pos[i].kind = POS_CONST;
            break;
        case TERM_VAR:
            sp->pos[i].kind = POS_NEW;
            sp->pos[i].slot = terms[i]->slot;
            break;
        default:
            sp->pos[i].kind = POS_ANON;
            break;
        }
    }
    const ast_term *cts[CV_N] = {&pat->from, &pat->quote, &pat->by,     &pat->confidence, &pat->at,
                                 &pat->to,   &pat->on,    &pat->stored, &pat->method};
    for (int i = 0; i < CV_N; i++)
        sp->cv[i].slot = cts[i]->kind == TERM_VAR ? cts[i]->slot : -1;
    sp->cite_rows = sp->cv[CV_SRC].slot >= 0;
    sp->reviewed = pat->reviewed.kind == TERM_VAR;
    sp->rv.slot = sp->reviewed ? pat->reviewed.slot : -1;
    sp->both_pol = pat->polarity.kind == TERM_VAR;
    sp->pv.slot = sp->both_pol ? pat->polarity.slot : -1;
    sp->has_by_const = pat->by.kind == TERM_CONST || pat->by.kind == TERM_PARAM;
    if (pat->ncited) {
        sp->cited = malloc(pat->ncited * sizeof *sp->cited);
        if (!sp->cited) return db_nomem(stmt->db);
        sp->ncited = pat->ncited;
    }
    sp->has_sources = pat->has_sources;
    return step_values(stmt, sp, false, warn);
}

/* Mark positions and citation variables as bound or new given the variables bound so far,
 * choose the index, and add what the step binds to `bound`. */
static void step_bind(step_plan *sp, bool *bound)
{
    unsigned mask = 0;
    for (int i = 0; i < 3; i++) {
        pos_plan *pp = &sp->pos[i];
        if (pp->kind == POS_CONST) mask |= 1u << i;
        if (pp->slot < 0) continue;
        if (bound[pp->slot]) {
            pp->kind = POS_BOUND;
            mask |= 1u << i;
            continue;
        }
        pp->kind = POS_NEW;
        for (int j = 0; j < i; j++)
            if (sp->pos[j].slot == pp->slot) pp->kind = POS_SAME;
    }
    for (int i = 0; i < 3; i++)
        if (sp->pos[i].slot >= 0) bound[sp->pos[i].slot] = true;
    for (int i = 0; i < CV_N; i++) {
        if (sp->cv[i].slot < 0) continue;
        sp->cv[i].is_new = !bound[sp->cv[i].slot];
        bound[sp->cv[i].slot] = true;
    }
    if (sp->both_pol) {
        sp->pv.is_new = !bound[sp->pv.slot];
        bound[sp->pv.slot] = true;
    }
    if (sp->reviewed) {
        sp->rv.is_new = !bound[sp->rv.slot];
        bound[sp->rv.slot] = true;
        /* "claimrev" is in s, p, o order only: its range is the leading bound positions. */
        sp->idx = IDX_SPO;
        sp->nprefix = 0;
        while (sp->nprefix < 3 && (mask & (1u << sp->nprefix)))
            sp->nprefix++;
        return;
    }
    choose_index(mask, &sp->idx, &sp->nprefix);
}

/* Rows in the index range a step scans given the variables bound before it (before CITED BY,
 * SOURCES and BY, which are checked claim by claim). */
static double range_rows(claimdb_stmt *stmt, const step_plan *sp, const bool *bound, double total)
{
    double est = total;
    int nbound = 0, nvar = 0;
    for (int i = 0; i < 3; i++) {
        const pos_plan *pp = &sp->pos[i];
        if (pp->kind == POS_CONST) {
            if (pp->id == 0) return 0;
            uint64_t n = 0;
            if (store_term_stat(stmt->txn, sp->pol, i, pp->id, &n) == CLAIMDB_OK && (double)n < est)
                est = (double)n;
            nbound++;
        } else if (pp->slot >= 0 && bound[pp->slot]) {
            nbound++;
            nvar++;
        }
    }
    if (nbound == 3) return est < 1 ? est : 1;
    /* A position bound by a variable of an earlier step narrows the range by a factor we
     * cannot know without value statistics; one tenth per position is a common guess. */
    for (int i = 0; i < nvar; i++)
        est /= 10;
    return est;
}

/* The article id a FILTER equality `?src = n` (n a whole number, or a parameter bound to one)
 * fixes FROM's variable slot to. Only AND-ed parts count: under OR or NOT other rows pass. */
static bool filter_fixes(claimdb_stmt *stmt, const ast_expr *e, int slot, uint64_t *id)
{
    if (!e) return false;
    if (e->kind == EXPR_AND) { /* one node for the chain: its operands are in args */
        for (size_t i = 0; i < e->nargs; i++)
            if (filter_fixes(stmt, e->args[i], slot, id)) return true;
        return false;
    }
    if (e->kind != EXPR_CMP || e->op != CMP_EQ) return false;
    const ast_expr *var = e->a, *c = e->b;
    if (var->kind != EXPR_VAR) {
        var = e->b;
        c = e->a;
    }
    if (var->kind != EXPR_VAR || var->slot != slot) return false;
    if (c->kind == EXPR_NUMBER && c->value.kind == VAL_INT && c->value.i >= 0) {
        *id = (uint64_t)c->value.i;
        return true;
    }
    if (c->kind == EXPR_PARAM) {
        const binding *b = stmt_binding(stmt, c->text);
        if (b && b->k == V_INT && b->u.i >= 0) {
            *id = (uint64_t)b->u.i;
            return true;
        }
    }
    return false;
}

/* The FILTER parts that must hold for every row: the operands of a top-level AND chain, or
 * the condition itself. */
static const ast_expr *const *conjuncts(const ast_expr *const *filter, size_t *n)
{
    if (!*filter) {
        *n = 0;
        return NULL;
    }
    if ((*filter)->kind == EXPR_AND) {
        *n = (*filter)->nargs;
        return (const ast_expr *const *)(*filter)->args;
    }
    *n = 1;
    return filter;
}

/* Is there a MATCH part on a variable (the planner may use the text index)? */
static bool has_match(const ast_expr *filter)
{
    size_t n;
    const ast_expr *const *c = conjuncts(&filter, &n);
    for (size_t i = 0; i < n; i++)
        if (c[i]->kind == EXPR_MATCH && c[i]->a->kind == EXPR_VAR) return true;
    return false;
}

/* The fewest documents the text index says can satisfy a MATCH part on a variable this step
 * binds anew (counted up to cap), with the part, or -1 when there is no such part. */
static double match_rows(claimdb_stmt *stmt, const ast_find *f, const step_plan *sp,
                         const bool *bound, double cap, const ast_expr **which, uint8_t *kind,
                         int *pos)
{
    if (sp->reviewed || sp->both_pol) return -1; /* no MATCH path for two polarities */
    size_t n;
    const ast_expr *const *c = conjuncts((const ast_expr *const *)&f->filter, &n);
    double best = -1;
    text_tokenizer *tk = NULL;
    unsigned on;
    if (store_text_kinds(stmt->txn, &on)) return -1; /* no index known: the range path serves */
    for (size_t i = 0; i < n; i++) {
        const ast_expr *e = c[i];
        if (e->kind != EXPR_MATCH || e->a->kind != EXPR_VAR || e->a->slot < 0 || bound[e->a->slot])
            continue;
        int slot = e->a->slot, at = -1;
        uint8_t k = 0;
        if (sp->cv[CV_QUOTE].slot == slot && sp->cite_rows) {
            k = STORE_TEXT_QUOTE;
        } else {
            for (int j = 0; j < 3 && at < 0; j++)
                if (sp->pos[j].slot == slot) at = j;
            if (at < 0) continue;
            k = STORE_TEXT_CLAIM;
        }
        if (!store_text_kind_on(on, k)) continue; /* not indexed: FILTER checks each row */
        const char *q = e->b->text;
        size_t qn = q ? strlen(q) : 0;
        if (e->b->kind == EXPR_PARAM) {
            const binding *b = stmt_binding(stmt, e->b->text);
            if (!b || b->k != V_TEXT) continue; /* the FILTER's preparation says why */
            q = b->u.s.p;
            qn = b->u.s.n;
        }
        if (!tk && !(tk = text_tokenizer_new())) break;
        match_query mq;
        const char *why;
        uint64_t docs;
        if (match_query_parse(tk, q, qn, &mq, &why)) continue;
        int rc =
            match_estimate(stmt->txn, k, &mq, cap >= 0 ? (uint64_t)cap + 1 : UINT64_MAX, &docs);
        match_query_free(&mq);
        if (rc) continue; /* no estimate: the range path serves */
        if (best < 0 || (double)docs < best) {
            best = (double)docs;
            *which = e;
            *kind = k;
            *pos = at;
        }
    }
    text_tokenizer_free(tk);
    return best;
}

/* Claims of a polarity one article cites, on average (the "artcite" range of one article). */
static double per_article(const store_counts *c, uint8_t pol)
{
    double claims = (double)(c->claims_pos + c->claims_neg);
    double share =
        claims > 0 ? (double)(pol == POL_POS ? c->claims_pos : c->claims_neg) / claims : 0;
    return (double)c->citations / (double)(c->articles ? c->articles : 1) * share;
}

/* Rows of the article range a step could scan instead of a claim index, or -1 when it has
 * none: the articles of CITED BY (each of them when any may cite, one when all must), or the
 * one FROM's variable stands for when an earlier step binds it or a FILTER fixes it. */
static double article_rows(claimdb_stmt *stmt, const ast_find *f, const step_plan *sp,
                           const bool *bound, const store_counts *counts, bool without)
{
    double one = per_article(counts, sp->pol);
    if (sp->ncited) return sp->pat->cited_mode == CITED_ANY ? one * (double)sp->ncited : one;
    int slot = sp->cv[CV_SRC].slot;
    uint64_t id;
    if (slot < 0) return -1;
    if (bound[slot]) return one;
    if (!without && filter_fixes(stmt, f->filter, slot, &id)) return one;
    return -1;
}

/* Estimated rows of a step of its polarity given the variables bound before it. */
static double estimate_pol(claimdb_stmt *stmt, const ast_find *f, const step_plan *sp,
                           const bool *bound, const store_counts *counts, bool without)
{
    double total = (double)(sp->pol == POL_POS ? counts->claims_pos : counts->claims_neg);
    if (sp->reviewed) {
        /* The links: about one a review. The claims' statistics bound a constant's share. */
        double links = (double)counts->reviews;
        double est = range_rows(stmt, sp, bound, links > total ? links : total);
        est = est < links ? est : links;
        return est < 1 && est > 0 ? 1 : est;
    }
    double est = range_rows(stmt, sp, bound, total);
    if (est == 0) return 0;
    if (sp->ncited || sp->has_sources || sp->has_by_const) est /= 2;
    double art = article_rows(stmt, f, sp, bound, counts, without);
    if (art >= 0 && art < est) est = art;
    const ast_expr *e;
    uint8_t kind;
    int pos;
    double m = without ? -1 : match_rows(stmt, f, sp, bound, est, &e, &kind, &pos);
    if (m >= 0 && m < est) est = m;
    return est < 1 && est > 0 ? 1 : est;
}

/* Estimated rows of a step: with POLARITY (unbound before it) those of both polarities. */
static double estimate(claimdb_stmt *stmt, const ast_find *f, const step_plan *sp,
                       const bool *bound, const store_counts *counts, bool without)
{
    if (!sp->both_pol || bound[sp->pv.slot])
        return estimate_pol(stmt, f, sp, bound, counts, without);
    step_plan other = *sp;
    other.pol = POL_NEG;
    return estimate_pol(stmt, f, sp, bound, counts, without) +
           estimate_pol(stmt, f, &other, bound, counts, without);
}

/* Make a step start from the article range (article_rows) rather than its claim index when
 * that range is the smaller; bound is the set before the step, the step already bound. */
static int choose_access(claimdb_stmt *stmt, const ast_find *f, step_plan *sp, const bool *bound,
                         const store_counts *counts, bool without)
{
    if (sp->reviewed) return CLAIMDB_OK; /* the links have no article path */
    double total = (double)(sp->pol == POL_POS ? counts->claims_pos : counts->claims_neg);
    double art = article_rows(stmt, f, sp, bound, counts, without);
    double range = range_rows(stmt, sp, bound, total);
    double other = art >= 0 && art < range ? art : range;
    const ast_expr *e = NULL;
    uint8_t kind = 0;
    int pos = -1;
    double m = without ? -1 : match_rows(stmt, f, sp, bound, other, &e, &kind, &pos);
    if (m >= 0 && m < other) {
        sp->match = e;
        sp->match_kind = kind;
        sp->match_pos = pos;
        return CLAIMDB_OK;
    }
    if (art < 0 || art >= range) return CLAIMDB_OK;
    sp->by_article = true;
    uint64_t fixed = 0;
    size_t n = 0;
    if (sp->ncited) {
        bool any = sp->pat->cited_mode == CITED_ANY;
        n = any ? sp->ncited : 1;
        sp->cited_implied = any || sp->ncited == 1;
    } else if (!sp->cv[CV_SRC].is_new) {
        sp->art_from_var = true;
    } else {
        filter_fixes(stmt, f->filter, sp->cv[CV_SRC].slot, &fixed);
        n = 1;
        sp->src_fixed = true;
    }
    if (n) {
        sp->arts = malloc(n * sizeof *sp->arts);
        if (!sp->arts) return db_nomem(stmt->db);
        if (sp->ncited)
            memcpy(sp->arts, sp->cited, n * sizeof *sp->arts);
        else
            sp->arts[0] = fixed;
        sp->narts = n;
    }
    /* "artcite" keys go on in s, p, o order: bound leading positions narrow the range. */
    while (sp->art_nprefix < 3 && (sp->pos[sp->art_nprefix].kind == POS_CONST ||
                                   sp->pos[sp->art_nprefix].kind == POS_BOUND))
        sp->art_nprefix++;
    return CLAIMDB_OK;
}

static bool connected(const step_plan *sp, const bool *bound)
{
    for (int i = 0; i < 3; i++)
        if (sp->pos[i].slot >= 0 && bound[sp->pos[i].slot]) return true;
    for (int i = 0; i < CV_N; i++)
        if (sp->cv[i].slot >= 0 && bound[sp->cv[i].slot]) return true;
    return (sp->reviewed && bound[sp->rv.slot]) || (sp->both_pol && bound[sp->pv.slot]);
}

/* Do estimates matter? Only to order several patterns, to choose an article path, and for
 * EXPLAIN: a lone pattern otherwise gets its index from which positions are bound, and
 * reading statistics for it would be a quarter of a point lookup's work. */
static bool need_estimates(claimdb_stmt *stmt, const ast_find *f, size_t npos, bool explain)
{
    if (explain || npos > 1 || has_match(f->filter)) return true;
    for (size_t i = 0; i < f->npats; i++) {
        const ast_pattern *pat = &f->pats[i];
        uint64_t id;
        if (pat->ncited) return true;
        if (pat->from.kind == TERM_VAR &&
            (pat->without || filter_fixes(stmt, f->filter, pat->from.slot, &id)))
            return true;
    }
    return false;
}

/* A pattern that is only a claim pattern: no clause that reads citations, reviews or articles. */
static bool pattern_plain(const ast_pattern *pat)
{
    return !pat->without && !pat->ncited && !pat->has_sources && pat->from.kind == TERM_NONE &&
           pat->quote.kind == TERM_NONE && pat->by.kind == TERM_NONE &&
           pat->confidence.kind == TERM_NONE && pat->at.kind == TERM_NONE &&
           pat->to.kind == TERM_NONE && pat->on.kind == TERM_NONE &&
           pat->stored.kind == TERM_NONE && pat->reviewed.kind == TERM_NONE &&
           pat->method.kind == TERM_NONE && pat->polarity.kind == TERM_NONE;
}

/* Can a column be computed from per-value counts? Counts of solutions (every variable of
 * plain patterns is a term, never missing), the distinct values of the shared variable, and
 * that variable itself as a group's key. */
static bool count_column_ok(const ast_expr *e, int slot, bool grouped)
{
    switch (e->kind) {
    case EXPR_AGG:
        return e->op == AGG_COUNT_STAR || e->op == AGG_COUNT ||
               (e->op == AGG_COUNT_DISTINCT && slot >= 0 && e->a && e->a->slot == slot);
    case EXPR_VAR:
        return grouped && e->slot == slot;
    case EXPR_COLUMN:
        return true; /* names an item, checked as an item */
    default:
        return false;
    }
}

/* Choose the count join (plan.count_join) for a FIND of two plain patterns whose columns
 * are all counts, when scanning each pattern's constant range once is estimated cheaper than
 * the nested loop: its first step's rows, and for each of them a seek and the second's rows
 * (solutions made one by one). */
static int choose_count_join(claimdb_stmt *stmt, const ast_find *f, const store_counts *counts,
                             plan *pl)
{
    if (pl->nsteps != 2 || pl->nwithout || f->filter || f->having || (!f->aggregate && !f->ngroup))
        return CLAIMDB_OK;
    int shared = -1;
    for (size_t i = 0; i < 2; i++) {
        const step_plan *sp = &pl->steps[i];
        if (!pattern_plain(sp->pat)) return CLAIMDB_OK;
        for (int k = 0; k < 3; k++) {
            int slot = sp->pos[k].slot;
            if (slot < 0) continue;
            for (int j = 0; j < k; j++)
                if (sp->pos[j].slot == slot) return CLAIMDB_OK; /* ?x ?p ?x */
            if (i == 0) continue;
            for (int j = 0; j < 3; j++)
                if (pl->steps[0].pos[j].slot == slot) {
                    if (shared >= 0) return CLAIMDB_OK; /* two shared variables */
                    shared = slot;
                }
        }
    }
    bool grouped = f->ngroup > 0;
    if (f->ngroup > 1 || (grouped && f->group[0]->slot != shared) || (grouped && shared < 0))
        return CLAIMDB_OK;
    for (size_t i = 0; i < f->nitems; i++)
        if (!count_column_ok(f->items[i].expr, shared, grouped)) return CLAIMDB_OK;
    for (size_t i = 0; i < f->norder; i++)
        if (!count_column_ok(f->order[i].expr, shared, grouped)) return CLAIMDB_OK;
    size_t nv = f->nvars ? f->nvars : 1;
    bool *none = calloc(nv, sizeof *none);
    if (!none) return db_nomem(stmt->db);
    double alone[2];
    for (size_t i = 0; i < 2; i++) {
        const step_plan *sp = &pl->steps[i];
        double total = (double)(sp->pol == POL_POS ? counts->claims_pos : counts->claims_neg);
        alone[i] = range_rows(stmt, sp, none, total);
    }
    free(none);
    /* The nested loop seeks once per row of the first step and makes that row's solutions.
     * The planner's per-row estimate (a tenth of the range per bound position) is far too
     * high on a large range; without counts of distinct values, a bound position is taken to
     * match at most ten claims, so that a small first step over a large second keeps the
     * nested loop (it reads a few claims per row where the count join would read them all). */
    double per_row = pl->steps[1].est < 10 ? pl->steps[1].est : 10;
    double nested = pl->steps[0].est * (1 + per_row);
    if (!(alone[0] + alone[1] < nested)) return CLAIMDB_OK;
    pl->count_join = true;
    pl->join_slot = shared;
    for (size_t i = 0; i < 2; i++) {
        step_plan *sp = &pl->steps[i];
        unsigned mask = 0;
        for (int k = 0; k < 3; k++) {
            if (sp->pos[k].kind == POS_CONST) mask |= 1u << k;
            if (sp->pos[k].kind == POS_BOUND) sp->pos[k].kind = POS_NEW;
        }
        choose_index(mask, &sp->idx, &sp->nprefix);
        sp->est = alone[i];
    }
    return CLAIMDB_OK;
}

/* A constant's number of claims in its role (0 for a term not in the dictionary). */
static int const_stat(claimdb_stmt *stmt, const step_plan *sp, int i, uint64_t *n)
{
    *n = 0;
    if (sp->pos[i].kind != POS_CONST || sp->pos[i].id == 0) return CLAIMDB_OK;
    int rc = store_term_stat(stmt->txn, sp->pol, i, sp->pos[i].id, n);
    if (rc == CLAIMDB_OK && sp->both_pol) { /* POLARITY ?v: both polarities' claims */
        uint64_t neg = 0;
        rc = store_term_stat(stmt->txn, POL_NEG, i, sp->pos[i].id, &neg);
        *n += neg;
    }
    return rc ? db_store_error(stmt->db, rc) : CLAIMDB_OK;
}

/* Keep the constants' statistics the estimates were made from, for plan_refresh. */
static int note_stats(claimdb_stmt *stmt, plan *p)
{
    int rc;
    for (size_t k = 0; k < p->nsteps + p->nwithout; k++) {
        step_plan *sp = k < p->nsteps ? &p->steps[k] : &p->without[k - p->nsteps];
        for (int i = 0; i < 3; i++)
            if ((rc = const_stat(stmt, sp, i, &sp->stat[i]))) return rc;
    }
    return CLAIMDB_OK;
}

/* Within a factor of PLAN_STATS_FACTOR of each other (0 is near only 0). */
static bool near(uint64_t a, uint64_t b)
{
    uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
    return hi == lo ||
           (lo > 0 && (lo > UINT64_MAX / PLAN_STATS_FACTOR || hi <= lo * PLAN_STATS_FACTOR));
}

int plan_refresh(claimdb_stmt *stmt, const ast_find *f, plan *p, bool *kept)
{
    *kept = false;
    /* A MATCH's path depends on its words (the rarest one's postings against the range) and
     * on the kinds the text index holds, which DROP TEXT INDEX may have changed: planned
     * again. */
    if (has_match(f->filter)) return CLAIMDB_OK;
    if (need_estimates(stmt, f, p->nsteps, false) != p->estimated) return CLAIMDB_OK;
    uint64_t snap = store_txn_snapshot(stmt->txn);
    bool same = snap && snap == p->snap;
    int rc;
    for (size_t k = 0; k < p->nsteps + p->nwithout; k++) {
        step_plan *sp = k < p->nsteps ? &p->steps[k] : &p->without[k - p->nsteps];
        if ((rc = step_values(stmt, sp, same, k >= p->nsteps))) return rc;
        if (sp->narts && sp->ncited) {
            memcpy(sp->arts, sp->cited, sp->narts * sizeof *sp->arts);
        } else if (sp->src_fixed) {
            uint64_t id;
            if (!filter_fixes(stmt, f->filter, sp->cv[CV_SRC].slot, &id)) return CLAIMDB_OK;
            sp->arts[0] = id;
        }
    }
    p->snap = snap;
    if (p->estimated) {
        store_counts c;
        if ((rc = store_claim_counts(stmt->txn, &c))) return db_store_error(stmt->db, rc);
        if (!near(c.claims_pos, p->counts.claims_pos) ||
            !near(c.claims_neg, p->counts.claims_neg) || !near(c.citations, p->counts.citations) ||
            !near(c.articles, p->counts.articles) || !near(c.reviews, p->counts.reviews))
            return CLAIMDB_OK;
        for (size_t k = 0; k < p->nsteps + p->nwithout; k++) {
            step_plan *sp = k < p->nsteps ? &p->steps[k] : &p->without[k - p->nsteps];
            for (int i = 0; i < 3; i++) {
                uint64_t n;
                if (sp->pos[i].kind != POS_CONST) continue;
                if ((rc = const_stat(stmt, sp, i, &n))) return rc;
                if (!near(n, sp->stat[i])) return CLAIMDB_OK;
            }
        }
    }
    *kept = true;
    return CLAIMDB_OK;
}

int plan_warn(claimdb_stmt *stmt, const ast_find *f)
{
    int before = stmt->nwarnings, rc;
    for (size_t i = 0; i < f->npats; i++) {
        const ast_pattern *pat = &f->pats[i];
        const ast_term *terms[3] = {&pat->s, &pat->p, &pat->o};
        if (pat->without) continue;
        for (int k = 0; k < 3; k++) {
            term_id id;
            if (terms[k]->kind == TERM_CONST || terms[k]->kind == TERM_PARAM)
                TRY(rc,
                    stmt_read_term_at(stmt, terms[k], pat->negated ? POL_NEG : POL_POS, k, &id));
        }
        if (pat->by.kind == TERM_CONST || pat->by.kind == TERM_PARAM)
            TRY(rc, stmt_read_claimant(stmt, &pat->by));
    }
    /* The WITHOUT patterns' warnings, given when planning, come after these. */
    int added = stmt->nwarnings - before;
    for (int r = 0; r < added; r++) {
        char *w = stmt->warnings[stmt->nwarnings - 1];
        size_t off = stmt->warnoff[stmt->nwarnings - 1];
        memmove(stmt->warnings + 1, stmt->warnings,
                (size_t)(stmt->nwarnings - 1) * sizeof *stmt->warnings);
        memmove(stmt->warnoff + 1, stmt->warnoff,
                (size_t)(stmt->nwarnings - 1) * sizeof *stmt->warnoff);
        stmt->warnings[0] = w;
        stmt->warnoff[0] = off;
    }
    return CLAIMDB_OK;
}

/* What planning one FIND carries from step to step. */
typedef struct planner {
    claimdb_stmt *stmt;
    const ast_find *f;
    plan *out;
    bool est; /* estimates are made (see need_estimates) */
    store_counts counts;
    step_plan *cand; /* the positive patterns, not yet placed unless used */
    size_t npos, nv;
    /* sets of variables bound: now, before the step being placed, for a WITHOUT pattern;
     * and the candidates placed */
    bool *bound, *before, *b2, *used;
} planner;

/* The next positive pattern to run: the cheapest, among those that share a variable with
 * what is bound when any does, to avoid cross products. */
static size_t pick_step(planner *pl, double *best_est)
{
    bool any_connected = false;
    for (size_t i = 0; i < pl->npos; i++)
        if (!pl->used[i] && connected(&pl->cand[i], pl->bound)) any_connected = true;
    size_t best = SIZE_MAX;
    *best_est = 0;
    for (size_t i = 0; i < pl->npos; i++) {
        if (pl->used[i] || (any_connected && !connected(&pl->cand[i], pl->bound))) continue;
        double e =
            pl->est ? estimate(pl->stmt, pl->f, &pl->cand[i], pl->bound, &pl->counts, false) : 0;
        if (best == SIZE_MAX || e < *best_est) {
            best = i;
            *best_est = e;
        }
    }
    return best;
}

/* The positive patterns, in the order pick_step chooses, each with its access path. */
static int place_steps(planner *pl)
{
    plan *out = pl->out;
    for (size_t n = 0; n < pl->npos; n++) {
        double best_est;
        size_t best = pick_step(pl, &best_est);
        pl->used[best] = true;
        pl->cand[best].est = best_est;
        memcpy(pl->before, pl->bound, pl->nv * sizeof *pl->before);
        step_bind(&pl->cand[best], pl->bound);
        out->steps[out->nsteps++] = pl->cand[best];
        memset(&pl->cand[best], 0, sizeof pl->cand[best]); /* ownership of cited moved */
        if (pl->est) {
            int rc = choose_access(pl->stmt, pl->f, &out->steps[out->nsteps - 1], pl->before,
                                   &pl->counts, false);
            if (rc != CLAIMDB_OK) return rc;
        }
    }
    return CLAIMDB_OK;
}

/* The WITHOUT patterns, run once every positive one has bound its variables. */
static int place_withouts(planner *pl)
{
    plan *out = pl->out;
    const ast_find *f = pl->f;
    int rc;
    for (size_t i = 0; i < f->npats; i++) {
        if (!f->pats[i].without) continue;
        step_plan *sp = &out->without[out->nwithout];
        rc = step_init(pl->stmt, &f->pats[i], sp, true);
        out->nwithout++; /* so that plan_free frees what step_init made */
        if (rc != CLAIMDB_OK) return rc;
        /* Work on a copy of the bound set: a WITHOUT pattern binds nothing for the others. */
        memcpy(pl->b2, pl->bound, pl->nv * sizeof *pl->b2);
        sp->est = pl->est ? estimate(pl->stmt, f, sp, pl->b2, &pl->counts, true) : 0;
        step_bind(sp, pl->b2);
        sp->cite_rows = sp->cv[CV_SRC].slot >= 0;
        if (pl->est) TRY(rc, choose_access(pl->stmt, f, sp, pl->bound, &pl->counts, true));
    }
    return CLAIMDB_OK;
}

static int init_candidates(planner *pl, bool explain)
{
    const ast_find *f = pl->f;
    size_t k = 0;
    int rc;
    for (size_t i = 0; i < f->npats; i++)
        if (!f->pats[i].without) TRY(rc, step_init(pl->stmt, &f->pats[i], &pl->cand[k++], explain));
    return CLAIMDB_OK;
}

/* Orders the patterns and chooses their access paths, then the count join and statistics. */
static int plan_steps(planner *pl, bool explain)
{
    claimdb_stmt *stmt = pl->stmt;
    plan *out = pl->out;
    int rc;
    pl->est = need_estimates(stmt, pl->f, pl->npos, explain);
    if (pl->est && (rc = store_claim_counts(stmt->txn, &pl->counts)) != CLAIMDB_OK)
        return db_store_error(stmt->db, rc);
    TRY(rc, init_candidates(pl, explain));
    TRY(rc, place_steps(pl));
    TRY(rc, place_withouts(pl));
    out->join_slot = -1;
    rc = pl->est ? choose_count_join(stmt, pl->f, &pl->counts, out) : CLAIMDB_OK;
    out->estimated = pl->est;
    out->counts = pl->counts;
    out->snap = store_txn_snapshot(stmt->txn);
    stmt->db->plans++;
    if (pl->est && rc == CLAIMDB_OK) rc = note_stats(stmt, out);
    return rc;
}

int plan_build(claimdb_stmt *stmt, const ast_find *f, bool explain, plan *out)
{
    memset(out, 0, sizeof *out);
    size_t npos = 0, nwo = 0;
    for (size_t i = 0; i < f->npats; i++) {
        if (f->pats[i].without)
            nwo++;
        else
            npos++;
    }
    /* The sets of bound variables and of the patterns placed: one block, since a statement is
     * planned each time it runs. */
    size_t nv = f->nvars ? f->nvars : 1;
    planner pl = {.stmt = stmt, .f = f, .out = out, .npos = npos, .nv = nv};
    pl.cand = calloc(npos ? npos : 1, sizeof *pl.cand);
    bool *sets = calloc(3 * nv + (npos ? npos : 1), sizeof *sets);
    pl.bound = sets, pl.before = sets + nv, pl.b2 = sets + 2 * nv, pl.used = sets + 3 * nv;
    out->steps = calloc(npos ? npos : 1, sizeof *out->steps);
    out->without = calloc(nwo ? nwo : 1, sizeof *out->without);
    int rc = pl.cand && sets && out->steps && out->without ? plan_steps(&pl, explain)
                                                           : db_nomem(stmt->db);
    if (pl.cand)
        for (size_t i = 0; i < npos; i++)
            free(pl.cand[i].cited);
    free(pl.cand);
    free(sets);
    if (rc != CLAIMDB_OK) plan_free(out);
    return rc;
}
