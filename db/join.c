/* join.c — the join: one level per planned pattern, each a prefix range scan whose bounds
 * come from the constants and the variables bound by the levels before it; claim- and
 * citation-level conditions; and the WITHOUT and FILTER checks, each placed at the first level
 * that binds what it reads. */
#include "find.h"
#include "try.h"

#include <stdlib.h>
#include <string.h>

/* The claims several articles cite (CITED BY a OR b …), each once, in s, p, o order as one
 * article's range gives them. */
static int level_merge_articles(find_exec *fx, level *l, const term_id *prefix)
{
    step_plan *sp = l->sp;
    size_t cap = 0;
    int rc = CLAIMDB_OK, r = 0;
    for (size_t a = 0; a < sp->narts && rc == CLAIMDB_OK; a++) {
        store_cursor *c;
        rc = store_article_scan_open(fx->stmt->txn, sp->arts[a], l->pol, prefix, sp->art_nprefix,
                                     &c);
        if (rc != CLAIMDB_OK) return db_store_error(fx->stmt->db, rc);
        claim_key k;
        while ((r = store_cursor_next_claim(c, &k)) == CLAIMDB_ROW) {
            if (l->nkeys == cap) {
                cap = cap ? 2 * cap : 64;
                claim_key *p = realloc(l->keys, cap * sizeof *p);
                if (!p) {
                    rc = CLAIMDB_NOMEM;
                    break;
                }
                l->keys = p;
            }
            l->keys[l->nkeys++] = k;
        }
        store_cursor_close(c);
        if (store_step_err(r)) return find_store_err(fx, r);
    }
    if (rc == CLAIMDB_NOMEM) return db_nomem(fx->stmt->db);
    l->nkeys = claim_keys_sort_unique(l->keys, l->nkeys);
    return CLAIMDB_OK;
}

/* Open a step's article path: the claims of its article(s), narrowed by the s, p, o positions
 * bound in front. */
static int level_open_article(find_exec *fx, level *l)
{
    step_plan *sp = l->sp;
    term_id prefix[3];
    for (int i = 0; i < sp->art_nprefix; i++) {
        const pos_plan *pp = &sp->pos[i];
        value v = pp->kind == POS_BOUND ? find_var(fx, pp->slot) : v_null();
        term_id id = pp->kind == POS_CONST ? pp->id : v.k == V_TERM ? v.u.t : 0;
        if (id == 0) {
            l->empty = true;
            return CLAIMDB_OK;
        }
        prefix[i] = id;
    }
    uint64_t article;
    if (sp->art_from_var) {
        value a = find_var(fx, sp->cv[CV_SRC].slot);
        if (a.k != V_INT || a.u.i < 0) {
            l->empty = true;
            return CLAIMDB_OK;
        }
        article = (uint64_t)a.u.i;
    } else if (sp->narts == 1) {
        article = sp->arts[0];
    } else {
        return level_merge_articles(fx, l, prefix);
    }
    int rc =
        store_article_scan_open(fx->stmt->txn, article, l->pol, prefix, sp->art_nprefix, &l->scan);
    if (rc != CLAIMDB_OK) {
        l->scan = NULL;
        return db_store_error(fx->stmt->db, rc);
    }
    return CLAIMDB_OK;
}

/* Open a step's MATCH path: the claims whose quote or term the text index says match,
 * read once for the statement. */
static int level_open_match(find_exec *fx, level *l)
{
    step_plan *sp = l->sp;
    if (!sp->mready) {
        const match_query *q = find_match_query(fx, sp->match);
        if (!q) return db_error(fx->stmt->db, CLAIMDB_MISUSE, "MATCH was not prepared");
        int rc = match_claims(fx->stmt->txn, fx->tk, sp->match_kind, sp->match_pos, q, l->pol,
                              &sp->mkeys, &sp->nmkeys);
        if (rc == CLAIMDB_NOMEM) return db_nomem(fx->stmt->db);
        if (rc) return db_store_error(fx->stmt->db, rc);
        sp->mready = true;
    }
    l->keys = sp->mkeys;
    l->nkeys = sp->nmkeys;
    l->borrowed = true;
    return CLAIMDB_OK;
}

/* Open the scan of the level's polarity (l->pol). */
static int level_open_scan(find_exec *fx, level *l)
{
    step_plan *sp = l->sp;
    term_id prefix[3];
    if (sp->by_article) return level_open_article(fx, l);
    for (int i = 0; i < sp->nprefix; i++) {
        const pos_plan *pp = &sp->pos[sp->reviewed ? i : idx_order[sp->idx][i]];
        term_id id = 0;
        if (pp->kind == POS_CONST)
            id = pp->id;
        else if (pp->kind == POS_BOUND) {
            value v = find_var(fx, pp->slot);
            id = v.k == V_TERM ? v.u.t : 0;
        }
        if (id == 0) {
            l->empty = true;
            return CLAIMDB_OK;
        }
        prefix[i] = id;
    }
    int rc = sp->reviewed
                 ? store_claimrev_scan_open(fx->stmt->txn, l->pol, prefix, sp->nprefix, &l->scan)
                 : store_scan_open(fx->stmt->txn, sp->idx, l->pol, prefix, sp->nprefix, &l->scan);
    if (rc != CLAIMDB_OK) {
        l->scan = NULL;
        return db_store_error(fx->stmt->db, rc);
    }
    return CLAIMDB_OK;
}

/* The polarity a POLARITY variable holds ("+" or "-"), or -1. */
static int polarity_of(value v)
{
    if (v.k != V_TEXT || v.u.s.n != 1) return -1;
    return v.u.s.p[0] == '+' ? POL_POS : v.u.s.p[0] == '-' ? POL_NEG : -1;
}

static int level_open(find_exec *fx, level *l)
{
    step_plan *sp = l->sp;
    l->empty = false;
    l->cites = NULL;
    l->srcs = NULL;
    l->keys = NULL;
    l->nkeys = l->ki = 0;
    l->pol = sp->pol;
    l->pol_next = false;
    if (sp->both_pol && sp->pv.is_new) {
        l->pol = POL_POS;
        l->pol_next = true;
    } else if (sp->both_pol) {
        int pol = polarity_of(find_var(fx, sp->pv.slot));
        if (pol < 0) {
            l->empty = true;
            return CLAIMDB_OK;
        }
        l->pol = (uint8_t)pol;
    }
    l->borrowed = false;
    if (sp->match) return level_open_match(fx, l); /* never with POLARITY (plan.c) */
    return level_open_scan(fx, l);
}

void find_level_close(level *l)
{
    store_cursor_close(l->cites);
    store_cursor_close(l->srcs);
    store_cursor_close(l->scan);
    if (!l->borrowed) free(l->keys);
    l->borrowed = false;
    l->srcs = NULL;
    l->cites = NULL;
    l->scan = NULL;
    l->keys = NULL;
    l->nkeys = l->ki = 0;
}

/* The level's next claim, from its scan or its merged keys: CLAIMDB_ROW, CLAIMDB_DONE at the
 * end, or an error code. */
static int level_claim(level *l)
{
    if (!l->scan) {
        if (l->ki == l->nkeys) return CLAIMDB_DONE;
        l->cur = l->keys[l->ki++];
        return CLAIMDB_ROW;
    }
    if (l->sp->reviewed) return store_cursor_next_link(l->scan, &l->cur, &l->rev);
    return store_cursor_next_claim(l->scan, &l->cur);
}

/* REVIEWED ?r: bind the link's review (by its URL), or check it is the one ?r holds. */
static int review_accept(find_exec *fx, level *l, bool *ok)
{
    store_review r;
    *ok = false;
    int rc = store_review_get(fx->stmt->txn, l->rev, &r);
    if (rc == CLAIMDB_NOTFOUND) return CLAIMDB_OK;
    if (rc) return db_store_error(fx->stmt->db, rc);
    value got = v_text(r.url.ptr, r.url.len);
    if (l->sp->rv.is_new) {
        fx->vars[l->sp->rv.slot] = got;
        *ok = true;
        return CLAIMDB_OK;
    }
    value have = find_var(fx, l->sp->rv.slot);
    *ok = have.k == V_TEXT && have.u.s.n == got.u.s.n && !memcmp(have.u.s.p, got.u.s.p, got.u.s.n);
    return CLAIMDB_OK;
}

static term_id key_pos(const claim_key *k, int i)
{
    return i == 0 ? k->s : i == 1 ? k->p : k->o;
}

/* The claim's terms against the step's constants, bound variables and repeated variables. */
static bool positions_ok(find_exec *fx, const step_plan *sp, const claim_key *k)
{
    for (int i = 0; i < 3; i++) {
        const pos_plan *pp = &sp->pos[i];
        term_id id = key_pos(k, i);
        if (pp->kind == POS_CONST && pp->id != id) return false;
        if (pp->kind == POS_BOUND) {
            value v = find_var(fx, pp->slot);
            if (v.k != V_TERM || v.u.t != id) return false;
        }
        if (pp->kind == POS_SAME) {
            for (int j = 0; j < i; j++)
                if (sp->pos[j].slot == pp->slot && key_pos(k, j) != id) return false;
        }
    }
    return true;
}

/* CITED BY: the claim is cited by all, or any, of the articles listed. */
static int cited_ok(find_exec *fx, const step_plan *sp, const claim_key *k, bool *ok)
{
    size_t hits = 0;
    for (size_t i = 0; i < sp->ncited; i++) {
        int rc = store_cite_exists(fx->stmt->txn, k, sp->cited[i]);
        if (rc == CLAIMDB_OK)
            hits++;
        else if (rc != CLAIMDB_NOTFOUND)
            return db_store_error(fx->stmt->db, rc);
    }
    bool all = sp->pat->cited_mode != CITED_ANY;
    *ok = all ? hits >= sp->ncited : hits > 0;
    return CLAIMDB_OK;
}

/* SOURCES op n: the claim's articles, or its independent ones, counted. */
static int sources_ok(find_exec *fx, level *l, const claim_key *k, bool *ok)
{
    const step_plan *sp = l->sp;
    store_txn *txn = fx->stmt->txn;
    int64_t n;
    int rc;
    if (sp->pat->independent) {
        uint64_t *ids;
        size_t nids;
        if ((rc = claim_articles_cur(txn, &l->srcs, k, &ids, &nids)) == CLAIMDB_OK)
            rc = independent_count(txn, ids, nids, &n);
        free(ids);
        if (rc) return db_store_error(fx->stmt->db, rc);
    } else {
        uint64_t u;
        if ((rc = store_cite_count_cur(txn, &l->srcs, k, &u)))
            return db_store_error(fx->stmt->db, rc);
        n = (int64_t)u;
    }
    *ok = find_cmp_holds(sp->pat->sources_op, n, sp->sources_n);
    return CLAIMDB_OK;
}

/* BY a constant without FROM: some citation has that claimant. */
static int claimant_ok(find_exec *fx, level *l, const claim_key *k, bool *ok)
{
    const step_plan *sp = l->sp;
    *ok = false;
    if (sp->by_const == 0) return CLAIMDB_OK;
    int rc =
        l->srcs ? store_cites_retarget(l->srcs, k) : store_cites_open(fx->stmt->txn, k, &l->srcs);
    if (rc) return db_store_error(fx->stmt->db, rc);
    store_citation c;
    int r;
    while (!*ok && (r = store_cursor_next_cite(l->srcs, &c)) == CLAIMDB_ROW)
        *ok = c.claimant == sp->by_const;
    if (store_step_err(r)) return find_store_err(fx, r);
    return CLAIMDB_OK;
}

/* Claim-level conditions: bound and repeated positions, CITED BY, SOURCES, BY constant. */
static int claim_ok(find_exec *fx, level *l, const claim_key *k, bool *ok)
{
    const step_plan *sp = l->sp;
    *ok = false;
    if (!positions_ok(fx, sp, k)) return CLAIMDB_OK;
    int rc;
    bool pass = true;
    if (sp->ncited && !(sp->by_article && sp->cited_implied)) TRY(rc, cited_ok(fx, sp, k, &pass));
    if (pass && sp->has_sources) TRY(rc, sources_ok(fx, l, k, &pass));
    if (pass && sp->has_by_const && !sp->cite_rows) TRY(rc, claimant_ok(fx, l, k, &pass));
    *ok = pass;
    return CLAIMDB_OK;
}

/* The text of a stored time, formatted once per distinct time and kept until the statement
 * ends: gathered rows, DISTINCT sets and groups hold on to the values they are given. */
static int stored_text(find_exec *fx, int64_t t, value *out)
{
    struct stored_time *st = &fx->stored;
    if (st->nslots) {
        size_t mask = st->nslots - 1;
        for (size_t i = (size_t)((uint64_t)t * UINT64_C(0x9E3779B97F4A7C15) >> 32) & mask;;
             i = (i + 1) & mask) {
            if (!st->slots[i]) break;
            if (st->slots[i]->t == t) {
                *out = v_text(st->slots[i]->text, st->slots[i]->len);
                return CLAIMDB_OK;
            }
        }
    }
    if ((st->n + 1) * 2 > st->nslots) { /* grow (and rehash) the table */
        size_t ns = st->nslots ? st->nslots * 2 : 16;
        struct stored_ent **slots = calloc(ns, sizeof *slots);
        if (!slots) return db_nomem(fx->stmt->db);
        for (size_t j = 0; j < st->nslots; j++) {
            struct stored_ent *e = st->slots[j];
            if (!e) continue;
            size_t i = (size_t)((uint64_t)e->t * UINT64_C(0x9E3779B97F4A7C15) >> 32) & (ns - 1);
            while (slots[i])
                i = (i + 1) & (ns - 1);
            slots[i] = e;
        }
        free(st->slots);
        st->slots = slots;
        st->nslots = ns;
    }
    struct stored_ent *e = malloc(sizeof *e);
    if (!e) return db_nomem(fx->stmt->db);
    e->t = t;
    e->len = format_utc(t, e->text, sizeof e->text);
    size_t mask = st->nslots - 1;
    size_t i = (size_t)((uint64_t)t * UINT64_C(0x9E3779B97F4A7C15) >> 32) & mask;
    while (st->slots[i])
        i = (i + 1) & mask;
    st->slots[i] = e;
    st->n++;
    *out = e->len ? v_text(e->text, e->len) : v_null();
    return CLAIMDB_OK;
}

void find_stored_free(find_exec *fx)
{
    for (size_t i = 0; i < fx->stored.nslots; i++)
        free(fx->stored.slots[i]);
    free(fx->stored.slots);
    memset(&fx->stored, 0, sizeof fx->stored);
}

static value cite_value_plain(const store_citation *c, int which)
{
    switch (which) {
    case CV_SRC:
        return v_int((int64_t)c->article);
    case CV_QUOTE:
        return c->quote.ptr ? v_text(c->quote.ptr, c->quote.len) : v_null();
    case CV_WHO:
        return v_term(c->claimant);
    case CV_CONF:
        return c->has_confidence ? v_real(c->confidence) : v_null();
    case CV_AT:
        return c->qstart >= 0 ? v_int(c->qstart) : v_null();
    case CV_TO:
        return c->qend >= 0 ? v_int(c->qend) : v_null();
    case CV_METHOD: {
        /* the names of CLAIMDB_METHOD_*, static: values may point at them for good */
        static const char *const names[] = {"curated", "imported", "extracted"};
        const char *m = c->method < sizeof names / sizeof names[0] ? names[c->method] : NULL;
        return m ? v_text(m, strlen(m)) : v_null();
    }
    default:
        return c->said_on.ptr ? v_text(c->said_on.ptr, c->said_on.len) : v_null();
    }
}

/* The value of citation variable which (CV_*). */
static int cite_value(find_exec *fx, const store_citation *c, int which, value *out)
{
    switch (which) {
    case CV_STORED:
        return stored_text(fx, c->stored, out);
    default:
        *out = cite_value_plain(c, which);
        return CLAIMDB_OK;
    }
}

/* Citation-level conditions; binds the citation variables when they pass. */
static int cite_accept(find_exec *fx, level *l, const store_citation *c, bool *ok)
{
    const step_plan *sp = l->sp;
    *ok = false;
    /* An unknown claimant (id 0) matches nothing, not the citations without claimant. */
    if (sp->has_by_const && (sp->by_const == 0 || c->claimant != sp->by_const)) return CLAIMDB_OK;
    for (int i = 0; i < CV_N; i++) {
        if (sp->cv[i].slot < 0 || sp->cv[i].is_new) continue;
        value have = find_var(fx, sp->cv[i].slot), got;
        bool eq;
        int rc = cite_value(fx, c, i, &got);
        if (rc) return rc;
        rc = value_equal(fx->stmt->txn, &have, &got, &eq);
        if (rc != CLAIMDB_OK) return db_store_error(fx->stmt->db, rc);
        if (!eq) return CLAIMDB_OK;
    }
    for (int i = 0; i < CV_N; i++)
        if (sp->cv[i].slot >= 0 && sp->cv[i].is_new) {
            int rc = cite_value(fx, c, i, &fx->vars[sp->cv[i].slot]);
            if (rc) return rc;
        }
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
            while ((r = store_cursor_next_cite(l->cites, &c)) == CLAIMDB_ROW) {
                if ((rc = cite_accept(fx, l, &c, &ok))) return LEVEL_ERR(rc);
                if (ok) return 1;
            }
            store_cursor_close(l->cites);
            l->cites = NULL;
            if (store_step_err(r)) return LEVEL_ERR(find_store_err(fx, r));
        }
        if (db->interrupted) return LEVEL_ERR(db_error(db, CLAIMDB_INTERRUPT, "interrupted"));
        r = level_claim(l);
        if (r == CLAIMDB_DONE && l->pol_next) {
            /* POLARITY: the positive claims are done; now the negative ones */
            store_cursor_close(l->scan);
            free(l->keys);
            l->scan = NULL;
            l->keys = NULL;
            l->nkeys = l->ki = 0;
            l->pol = POL_NEG;
            l->pol_next = false;
            if ((rc = level_open_scan(fx, l))) return LEVEL_ERR(rc);
            if (l->empty) return 0;
            continue;
        }
        if (r == CLAIMDB_DONE) return 0;
        if (r != CLAIMDB_ROW) return LEVEL_ERR(find_store_err(fx, r));
        if ((rc = claim_ok(fx, l, &l->cur, &ok))) return LEVEL_ERR(rc);
        if (!ok) continue;
        if (sp->reviewed) {
            if ((rc = review_accept(fx, l, &ok))) return LEVEL_ERR(rc);
            if (!ok) continue;
        }
        for (int i = 0; i < 3; i++)
            if (sp->pos[i].kind == POS_NEW) fx->vars[sp->pos[i].slot] = v_term(key_pos(&l->cur, i));
        if (sp->both_pol && sp->pv.is_new)
            fx->vars[sp->pv.slot] = v_cstr(l->pol == POL_POS ? "+" : "-");
        if (!sp->cite_rows) return 1;
        if (!sp->cv[CV_SRC].is_new) {
            /* ?src is bound: walk that article's citations only. */
            value a = find_var(fx, sp->cv[CV_SRC].slot);
            if (a.k != V_INT || a.u.i < 0) continue;
            rc = store_cites_open_article(fx->stmt->txn, &l->cur, (uint64_t)a.u.i, &l->cites);
        } else if (sp->src_fixed) {
            /* A FILTER keeps only this article's rows: walk its citations only. */
            rc = store_cites_open_article(fx->stmt->txn, &l->cur, sp->arts[0], &l->cites);
        } else {
            rc = store_cites_open(fx->stmt->txn, &l->cur, &l->cites);
        }
        if (rc) {
            l->cites = NULL;
            return LEVEL_ERR(db_store_error(db, rc));
        }
    }
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
        TRY(rc, level_open(fx, &w));
        int r = level_next(fx, &w);
        find_level_close(&w);
        if (r >= 1000) return r - 1000;
        if (r == 1) return *pass = false, CLAIMDB_OK;
    }
    for (size_t i = 0; i < fx->nconj; i++) {
        if (fx->conj[i].step != step) continue;
        bool ok;
        TRY(rc, find_eval_cond(fx, fx->conj[i].e, &ok));
        if (!ok) return *pass = false, CLAIMDB_OK;
    }
    return CLAIMDB_OK;
}

/* The next solution of patterns, WITHOUT and FILTER: CLAIMDB_ROW, CLAIMDB_DONE or an error. */
int find_next_solution(find_exec *fx)
{
    if (fx->finished) return CLAIMDB_DONE;
    int rc;
    if (!fx->started) {
        fx->started = true;
        fx->depth = 0;
        TRY(rc, level_open(fx, &fx->lv[0]));
    }
    for (;;) {
        level *l = &fx->lv[fx->depth];
        int r = level_next(fx, l);
        if (r >= 1000) return r - 1000;
        if (r == 0) {
            find_level_close(l);
            if (fx->depth == 0) {
                fx->finished = true;
                return CLAIMDB_DONE;
            }
            fx->depth--;
            continue;
        }
        bool pass;
        TRY(rc, checks_pass(fx, (size_t)fx->depth, &pass));
        if (!pass) continue;
        if ((size_t)fx->depth + 1 < fx->nlv) {
            fx->depth++;
            TRY(rc, level_open(fx, &fx->lv[fx->depth]));
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
    for (size_t i = 0; i < e->nargs; i++)
        expr_slots(e->args[i], used);
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
        for (size_t i = 0; i < e->nargs; i++) {
            int rc = add_conjuncts(fx, e->args[i], used);
            if (rc) return rc;
        }
        return CLAIMDB_OK;
    }
    conjunct *c = fx->conj;
    if (find_full(fx->nconj)) {
        c = realloc(fx->conj, find_grown(fx->nconj) * sizeof *c);
        if (!c) return db_nomem(fx->stmt->db);
        fx->conj = c;
    }
    memset(used, 0, (fx->f->nvars ? fx->f->nvars : 1) * sizeof *used);
    expr_slots(e, used);
    c[fx->nconj].e = e;
    c[fx->nconj].step = step_binding(fx, used);
    fx->nconj++;
    return CLAIMDB_OK;
}

/* Place every check at the first step where all it reads is bound. */
int find_place_checks(find_exec *fx)
{
    const ast_find *f = fx->f;
    size_t nv = f->nvars ? f->nvars : 1;
    fx->bound_at = calloc(nv, sizeof *fx->bound_at);
    fx->without_step = calloc(fx->pl.nwithout ? fx->pl.nwithout : 1, sizeof *fx->without_step);
    bool *used = calloc(nv, sizeof *used);
    int rc = CLAIMDB_OK;
    if (!fx->bound_at || !fx->without_step || !used) {
        free(used);
        return db_nomem(fx->stmt->db);
    }
    for (size_t i = 0; i < fx->pl.nsteps; i++) {
        const step_plan *sp = &fx->pl.steps[i];
        for (int k = 0; k < 3; k++)
            if (sp->pos[k].kind == POS_NEW) fx->bound_at[sp->pos[k].slot] = i;
        for (int k = 0; k < CV_N; k++)
            if (sp->cv[k].slot >= 0 && sp->cv[k].is_new) fx->bound_at[sp->cv[k].slot] = i;
        if (sp->reviewed && sp->rv.is_new) fx->bound_at[sp->rv.slot] = i;
        if (sp->both_pol && sp->pv.is_new) fx->bound_at[sp->pv.slot] = i;
    }
    for (size_t i = 0; i < fx->pl.nwithout; i++) {
        const step_plan *sp = &fx->pl.without[i];
        memset(used, 0, nv * sizeof *used);
        for (int k = 0; k < 3; k++)
            if (sp->pos[k].slot >= 0) used[sp->pos[k].slot] = true;
        for (int k = 0; k < CV_N; k++)
            if (sp->cv[k].slot >= 0) used[sp->cv[k].slot] = true;
        if (sp->both_pol) used[sp->pv.slot] = true;
        fx->without_step[i] = step_binding(fx, used);
    }
    if (f->filter) rc = add_conjuncts(fx, f->filter, used);
    free(used);
    return rc;
}
