/* ref.c — the differential test's reference: the data set in plain arrays (ALIAS merges,
 * RETRACT, quote places) and a deliberately naive evaluator of FIND and CHECK over them (nested
 * loops over every claim and citation; see test_differential.c for its rules). */
#include "diff.h"

#include <regex.h>

/* A term's own entry, ignoring aliases. */
static int term_own(diff_state *d, const char *text)
{
    char k[64];
    term_key(text, k, sizeof k);
    for (int i = 0; i < d->nterms; i++)
        if (!strcmp(d->T[i].key, k)) return i;
    return -1;
}

int term_lookup(diff_state *d, const char *text)
{
    char k[64];
    term_key(text, k, sizeof k);
    for (int i = 0; i < d->naliases; i++)
        if (!strcmp(d->alias_key[i], k)) return d->alias_target[i];
    return term_own(d, text);
}

static int term_intern(diff_state *d, const char *text)
{
    int t = term_lookup(d, text);
    if (t >= 0) return t;
    assert_true(d->nterms < MAXTERMS);
    term_key(text, d->T[d->nterms].key, sizeof d->T[d->nterms].key);
    snprintf(d->T[d->nterms].display, sizeof d->T[d->nterms].display, "%s", text);
    return d->nterms++;
}

/* A quote's identity: ASCII white space runs one space, none at the ends; case kept. */
static void quote_ident(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    bool space = false;
    for (; *s; s++) {
        if (is_ws(*s)) {
            space = n > 0;
            continue;
        }
        if (space && n + 1 < cap) out[n++] = ' ';
        space = false;
        if (n + 1 < cap) out[n++] = *s;
    }
    out[n] = '\0';
}

/* Same citation identity (article aside): both without quote, or the same quote. */
static bool same_quote(bool ha, const char *a, bool hb, const char *b)
{
    if (!ha || !hb) return ha == hb;
    char ka[96], kb[96];
    quote_ident(a, ka, sizeof ka);
    quote_ident(b, kb, sizeof kb);
    return !strcmp(ka, kb);
}

static int64_t code_points(const char *s, size_t from, size_t to)
{
    int64_t n = 0;
    for (size_t i = from; i < to; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Where the quote is in text (language.md 4.4, AT/TO): its words in order, at least one white
 * space character of the text wherever the quote has white space; the first place; in
 * characters, the end exclusive. */
static void ref_locate(const char *text, const char *quote, int64_t *st, int64_t *en)
{
    *st = *en = -1;
    while (is_ws(*quote))
        quote++;
    size_t qn = strlen(quote);
    while (qn && is_ws(quote[qn - 1]))
        qn--;
    if (qn == 0) return;
    for (size_t at = 0; text[at]; at++) {
        size_t i = at, j = 0;
        bool ok = true;
        while (ok && j < qn) {
            if (is_ws(quote[j])) {
                while (j < qn && is_ws(quote[j]))
                    j++;
                if (!is_ws(text[i])) ok = false;
                while (is_ws(text[i]))
                    i++;
            } else if (text[i] != quote[j]) {
                ok = false;
            } else {
                i++;
                j++;
            }
        }
        if (ok) {
            *st = code_points(text, 0, at);
            *en = *st + code_points(text, at, i);
            return;
        }
    }
}

static int claim_find(diff_state *d, bool neg, int s, int p, int o)
{
    for (int ci = 0; ci < d->nclaims; ci++)
        if (d->C[ci].neg == neg && d->C[ci].s == s && d->C[ci].p == p && d->C[ci].o == o) return ci;
    return -1;
}

/* ALIAS: the alias's own term a (if it has one) becomes c in every claim and as claimant.
 * Each claim using a is rewritten onto c; when that claim exists, the citations move onto it
 * one by one, and one with the same (article, quote) as a citation it already had is dropped
 * (the target's is kept whole). Two claims moving onto one that did not exist, with the same
 * citation, would depend on the engine's order: ref_ambiguous. */
static void ref_alias(diff_state *d, int a, int c)
{
    for (int k = 0; k < d->ncites; k++)
        if (d->CT[k].claimant == a) d->CT[k].claimant = c;
    bool src[MAXCLAIMS];
    for (int ci = 0; ci < d->nclaims; ci++)
        src[ci] = d->C[ci].ncite > 0 && (d->C[ci].s == a || d->C[ci].p == a || d->C[ci].o == a);
    for (int ci = 0; ci < d->nclaims; ci++) {
        if (!src[ci]) continue;
        rclaim *x = &d->C[ci];
        int ns = x->s == a ? c : x->s, np = x->p == a ? c : x->p, no = x->o == a ? c : x->o;
        int tj = claim_find(d, x->neg, ns, np, no);
        if (tj < 0) {
            x->s = ns;
            x->p = np;
            x->o = no;
            for (int k = 0; k < x->ncite; k++)
                d->CT[x->cites[k]].moved = true;
            continue;
        }
        rclaim *t = &d->C[tj];
        for (int k = 0; k < x->ncite; k++) {
            rcite *m = &d->CT[x->cites[k]];
            int have = -1;
            for (int j = 0; j < t->ncite && have < 0; j++) {
                const rcite *h = &d->CT[t->cites[j]];
                if (h->article == m->article &&
                    same_quote(h->has_quote, h->quote, m->has_quote, m->quote))
                    have = t->cites[j];
            }
            if (have >= 0) {
                d->ref_ambiguous |= d->CT[have].moved;
                d->ref_merge_dropped++;
                continue;
            }
            m->moved = true;
            m->claim = tj;
            t->cites[t->ncite++] = x->cites[k];
            d->ref_merge_moved++;
        }
        x->ncite = 0;
        x->s = x->p = x->o = -2; /* never found again */
    }
    for (int k = 0; k < d->ncites; k++)
        d->CT[k].moved = false;
}

void build_ref(diff_state *d)
{
    d->nterms = d->nclaims = d->ncites = d->naliases = 0;
    d->ref_ambiguous = false;
    d->ref_merge_moved = d->ref_merge_dropped = 0;
    for (int a = 0; a < NART; a++) {
        d->dup_of[a] = d->art_title[a] = d->art_outlet[a] = d->art_date[a] = -1;
        d->art_has_text[a] = false;
    }
    for (int i = 0; i < d->nops; i++) {
        d->exp_flags[i] = -1;
        if (!d->op_on[i]) continue;
        const op *o = &d->OPS[i];
        if (o->kind == OP_DUP) {
            d->dup_of[o->art] = o->dup_of;
            continue;
        }
        if (o->kind == OP_ALIAS) {
            /* From now on the alias's key means the canonical term. */
            int c = term_intern(d, o->o), a = term_own(d, o->s);
            term_key(o->s, d->alias_key[d->naliases], sizeof d->alias_key[0]);
            d->alias_target[d->naliases++] = c;
            if (a >= 0 && a != c) ref_alias(d, a, c);
            continue;
        }
        if (o->kind == OP_META) {
            /* Create or update: the fields given replace, the others stay. */
            if (o->title >= 0) d->art_title[o->art] = o->title;
            if (o->outlet >= 0) d->art_outlet[o->art] = o->outlet;
            if (o->date >= 0) d->art_date[o->art] = o->date;
            if (o->text >= 0) {
                d->art_has_text[o->art] = o->text == 1 && o->tx[0];
                snprintf(d->art_text[o->art], TEXTCAP, "%s", o->text ? o->tx : "");
            }
            continue;
        }
        if (o->kind == OP_RETRACT) {
            /* Drop those citations (all, those of the articles, or the one with the quote);
             * a claim left without any is gone (ncite 0). */
            int rs = term_lookup(d, o->s), rp = term_lookup(d, o->p), ro = term_lookup(d, o->o);
            for (int ci = 0; ci < d->nclaims; ci++) {
                rclaim *c = &d->C[ci];
                if (c->neg != o->neg || c->s != rs || c->p != rp || c->o != ro) continue;
                int w = 0;
                for (int k = 0; k < c->ncite; k++) {
                    const rcite *t = &d->CT[c->cites[k]];
                    bool drop = o->nretract == 0;
                    for (int j = 0; j < o->nretract; j++)
                        drop |= t->article == o->retract[j] &&
                                (o->rquote == -2 ||
                                 same_quote(t->has_quote, t->quote, o->rquote >= 0, o->q));
                    if (!drop) c->cites[w++] = c->cites[k];
                }
                c->ncite = w;
            }
            continue;
        }
        int s = term_intern(d, o->s), p = term_intern(d, o->p), ob = term_intern(d, o->o);
        int w = o->wb >= 0 ? term_intern(d, o->w) : -1;
        int ci = claim_find(d, o->neg, s, p, ob);
        if (ci < 0) {
            assert_true(d->nclaims < MAXCLAIMS);
            memset(&d->C[d->nclaims], 0, sizeof d->C[d->nclaims]);
            d->C[d->nclaims] = (rclaim){o->neg, s, p, ob, 0, {0}};
            ci = d->nclaims++;
        }
        bool hq = o->quote >= 0;
        const char *qt = hq ? o->q : "";
        int ti = -1;
        for (int k = 0; k < d->C[ci].ncite && ti < 0; k++) {
            const rcite *t = &d->CT[d->C[ci].cites[k]];
            if (t->article == o->article && same_quote(t->has_quote, t->quote, hq, qt))
                ti = d->C[ci].cites[k];
        }
        int method = o->via_sql ? CLAIMDB_METHOD_CURATED : o->method;
        int flags;
        if (ti >= 0) {
            /* The same citation: replaced whole; unchanged values change nothing. */
            const rcite *t = &d->CT[ti];
            bool differs = t->has_conf != o->has_conf || (o->has_conf && t->conf != o->conf) ||
                           t->claimant != w || t->method != method || t->said != o->said ||
                           strcmp(t->quote, qt) != 0;
            flags = differs ? CLAIMDB_UPDATED_CITATION : 0;
        } else {
            flags = (d->C[ci].ncite ? 0 : CLAIMDB_ADDED_CLAIM) | CLAIMDB_ADDED_CITATION;
            ti = d->ncites++;
            d->C[ci].cites[d->C[ci].ncite++] = ti;
        }
        rcite *t = &d->CT[ti];
        memset(t, 0, sizeof *t);
        t->claim = ci;
        t->article = o->article;
        t->has_quote = hq;
        snprintf(t->quote, sizeof t->quote, "%s", qt);
        t->claimant = w;
        t->has_conf = o->has_conf;
        t->conf = o->conf;
        t->said = o->said;
        t->method = method;
        if (hq && d->art_has_text[o->article]) {
            int64_t st, en;
            ref_locate(d->art_text[o->article], qt, &st, &en);
            if (st < 0) flags |= CLAIMDB_QUOTE_NOT_FOUND;
        }
        d->exp_flags[i] = flags;
    }
    /* A citation's place is where its quote is in its article's text now: placed on ASSERT,
     * and again when ARTICLE ... TEXT changes. */
    for (int k = 0; k < d->ncites; k++) {
        rcite *t = &d->CT[k];
        t->qs = t->qe = -1;
        if (t->has_quote && d->art_has_text[t->article])
            ref_locate(d->art_text[t->article], t->quote, &t->qs, &t->qe);
    }
}

static int ref_article_root(diff_state *d, int a)
{
    for (int depth = 0; depth < 64 && a >= 0 && a < NART && d->dup_of[a] >= 0; depth++)
        a = d->dup_of[a];
    return a;
}

static bool rv_equal(const rv *a, const rv *b)
{
    if (a->k != b->k || a->k == RV_NULL || a->k == RV_UNBOUND) return false;
    switch (a->k) {
    case RV_TERM:
        return a->t == b->t;
    case RV_TEXT: {
        char ka[CELL], kb[CELL];
        term_key(a->s, ka, sizeof ka);
        term_key(b->s, kb, sizeof kb);
        return !strcmp(ka, kb);
    }
    case RV_INT:
        return a->i == b->i;
    default:
        return a->r == b->r;
    }
}

/* A variable meets a value: bind it when unbound, else they must be equal (NULL equals
 * nothing). */
static bool meet(diff_state *d, rv *vars, int v, rv val)
{
    if (v < 0) return true;
    if (vars[v].k == RV_UNBOUND) {
        vars[v] = val;
        return true;
    }
    bool eq = rv_equal(&vars[v], &val);
    /* Two quotes equal by key but written differently (white space, case): which spelling
     * the variable shows depends on which pattern the engine joins first. */
    if (eq && d->binding && vars[v].k == RV_TEXT && strcmp(vars[v].s, val.s)) d->text_open = true;
    return eq;
}

static bool match_pos(diff_state *d, const qterm *t, int id, rv *vars)
{
    if (t->kind == Q_ANON) return true;
    if (t->kind == Q_CONST) return t->term >= 0 && t->term == id;
    return meet(d, vars, t->var, (rv){RV_TERM, id, 0, 0, NULL});
}

static bool cmp_int(int64_t a, int cmpop, int64_t b)
{
    switch (cmpop) {
    case CMP_EQ:
        return a == b;
    case CMP_NE:
        return a != b;
    case CMP_LT:
        return a < b;
    case CMP_LE:
        return a <= b;
    case CMP_GT:
        return a > b;
    default:
        return a >= b;
    }
}

static bool claim_cited_by(diff_state *d, int ci, int a)
{
    for (int k = 0; k < d->C[ci].ncite; k++)
        if (d->CT[d->C[ci].cites[k]].article == a) return true;
    return false;
}

/* The claim-level part of a pattern: polarity, s p o, CITED BY, SOURCES, BY constant without
 * FROM. Binds s p o variables in vars. */
static bool claim_ok(diff_state *d, const qpat *p, int ci, rv *vars)
{
    const rclaim *c = &d->C[ci];
    if (p->pol >= 0) {
        /* POLARITY ?pol: either polarity, "+" or "-" (a bound ?pol picks one) */
        if (!meet(d, vars, p->pol, (rv){RV_TEXT, 0, 0, 0, c->neg ? "-" : "+"})) return false;
    } else if (c->neg != p->neg) {
        return false;
    }
    if (!match_pos(d, &p->spo[0], c->s, vars) || !match_pos(d, &p->spo[1], c->p, vars) ||
        !match_pos(d, &p->spo[2], c->o, vars))
        return false;
    if (p->cited_mode) {
        int hits = 0;
        for (int i = 0; i < p->ncited; i++)
            hits += claim_cited_by(d, ci, p->cited[i]);
        if (p->cited_mode == 1 ? hits < p->ncited : hits == 0) return false;
    }
    if (p->src_op >= 0) {
        int n = 0;
        if (p->indep) {
            bool seen[NART] = {false};
            for (int k = 0; k < c->ncite; k++) {
                int root = ref_article_root(d, d->CT[c->cites[k]].article);
                if (!seen[root]) n++;
                seen[root] = true;
            }
        } else {
            bool seen[NART] = {false};
            for (int k = 0; k < c->ncite; k++) {
                int a = d->CT[c->cites[k]].article;
                n += !seen[a];
                seen[a] = true;
            }
        }
        if (!cmp_int(n, p->src_op, p->src_n)) return false;
    }
    if (p->has_by_const && p->src < 0) {
        bool found = false;
        for (int k = 0; k < c->ncite; k++)
            found |= p->by.term >= 0 && d->CT[c->cites[k]].claimant == p->by.term;
        if (!found) return false;
    }
    return true;
}

/* The citation-level part: FROM, QUOTE, BY, CONFIDENCE. */
static bool cite_ok(diff_state *d, const qpat *p, int ti, rv *vars)
{
    const rcite *t = &d->CT[ti];
    if (p->has_by_const && !(p->by.term >= 0 && t->claimant == p->by.term)) return false;
    rv nul = {RV_NULL, 0, 0, 0, NULL};
    if (!meet(d, vars, p->src, (rv){RV_INT, 0, d->ART_ID[t->article], 0, NULL})) return false;
    if (!meet(d, vars, p->quote, t->has_quote ? (rv){RV_TEXT, 0, 0, 0, t->quote} : nul))
        return false;
    if (!meet(d, vars, p->who, t->claimant >= 0 ? (rv){RV_TERM, t->claimant, 0, 0, NULL} : nul))
        return false;
    if (!meet(d, vars, p->conf, t->has_conf ? (rv){RV_REAL, 0, 0, t->conf, NULL} : nul))
        return false;
    if (!meet(d, vars, p->at, t->qs >= 0 ? (rv){RV_INT, 0, t->qs, 0, NULL} : nul)) return false;
    if (!meet(d, vars, p->to, t->qe >= 0 ? (rv){RV_INT, 0, t->qe, 0, NULL} : nul)) return false;
    if (!meet(d, vars, p->on, t->said >= 0 ? (rv){RV_TEXT, 0, 0, 0, SAID[t->said]} : nul))
        return false;
    if (!meet(d, vars, p->stored, (rv){RV_TEXT, 0, 0, 0, STORED_AT})) return false;
    return true;
}

/* Does some claim (and citation) match p under the bindings? (WITHOUT) */
static bool exists_match(diff_state *d, const qpat *p, const rv *vars)
{
    rv a[MAXV], b[MAXV];
    d->binding = false;
    for (int ci = 0; ci < d->nclaims; ci++) {
        d->work++;
        memcpy(a, vars, sizeof a);
        if (d->C[ci].ncite == 0 || !claim_ok(d, p, ci, a)) continue;
        if (p->src < 0) return true;
        for (int k = 0; k < d->C[ci].ncite; k++) {
            memcpy(b, a, sizeof b);
            if (cite_ok(d, p, d->C[ci].cites[k], b)) return true;
        }
    }
    return false;
}

/* title(?a), date(?a), outlet(?a): the article's field, or NULL. */
static rv art_field(diff_state *d, const rv *a, int fn)
{
    rv v = {RV_NULL, 0, 0, 0, NULL};
    int x = 0;
    while (x < NART && !(a->k == RV_INT && d->ART_ID[x] == a->i))
        x++;
    if (x == NART) return v;
    int k = fn == F_TITLE ? d->art_title[x] : fn == F_DATE ? d->art_date[x] : d->art_outlet[x];
    if (k >= 0) {
        v.k = RV_TEXT;
        v.s = fn == F_TITLE ? TITLES[k] : fn == F_DATE ? DATES[k] : OUTLETS[k];
    }
    return v;
}

static void render_rv(diff_state *d, const rv *v, char *out);

/* COUNT(*) (fn I_COUNT) or COUNT(DISTINCT ?var) of the group agg_g. */
static int64_t group_count(diff_state *d, int fn, int var)
{
    int64_t n = 0;
    char(*seen)[CELL] = malloc(((size_t)d->nsols + 1) * CELL);
    if (!seen) abort();
    for (int s = 0; s < d->nsols; s++) {
        if (d->agg_gid[s] != d->agg_g) continue;
        if (fn == I_COUNT) {
            n++;
            continue;
        }
        const rv *v = &d->sols[(size_t)s * MAXV + (size_t)var];
        if (v->k == RV_NULL) continue;
        render_rv(d, v, seen[n]);
        bool dup = false;
        for (int64_t k = 0; k < n && !dup; k++)
            dup = !strcmp(seen[k], seen[n]);
        n += !dup;
    }
    free(seen);
    return n;
}

static fv operand_value(diff_state *d, const operand *o, const rv *vars)
{
    fv f = {0, 0, NULL};
    switch (o->kind) {
    case O_VAR: {
        const rv *v = &vars[o->var];
        if (v->k == RV_TERM)
            f = (fv){2, 0, d->T[v->t].display};
        else if (v->k == RV_TEXT)
            f = (fv){2, 0, v->s};
        else if (v->k == RV_INT)
            f = (fv){1, (double)v->i, NULL};
        else if (v->k == RV_REAL)
            f = (fv){1, v->r, NULL};
        break;
    }
    case O_TERM:
        /* A constant that names a term stands for that term (its display form). */
        f = (fv){2, 0, o->term >= 0 ? d->T[o->term].display : o->text};
        break;
    case O_INT:
        f = (fv){1, (double)o->i, NULL};
        break;
    case O_REAL:
        f = (fv){1, o->r, NULL};
        break;
    case O_DATE:
        f = (fv){2, 0, o->text};
        break;
    case O_AGG:
        f = (fv){1, (double)group_count(d, o->fn, o->var), NULL};
        break;
    default: {
        rv a = art_field(d, &vars[o->var], o->fn);
        if (a.k == RV_TEXT) f = (fv){2, 0, a.s};
        break;
    }
    }
    return f;
}

static int cp_len(const char *s)
{
    int n = 1;
    while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
        n++;
    return n;
}

/* LIKE over keys (case folded, white space runs one space): '_' is one character. */
static bool like_key(const char *p, const char *s)
{
    if (!*p) return !*s;
    if (*p == '%') return like_key(p + 1, s) || (*s && like_key(p, s + cp_len(s)));
    if (!*s) return false;
    if (*p == '_') return like_key(p + 1, s + cp_len(s));
    if (*p == *s) return like_key(p + 1, s + 1);
    return false;
}

static bool like(const char *p, const char *s)
{
    char kp[64], ks[CELL];
    term_key(p, kp, sizeof kp);
    term_key(s, ks, sizeof ks);
    return like_key(kp, ks);
}

static bool eval_cond(diff_state *d, const query *q, int ei, const rv *vars)
{
    const expr *e = &q->ex[ei];
    switch (e->kind) {
    case E_AND:
        return eval_cond(d, q, e->l, vars) && eval_cond(d, q, e->r, vars);
    case E_OR:
        return eval_cond(d, q, e->l, vars) || eval_cond(d, q, e->r, vars);
    case E_NOT:
        return !eval_cond(d, q, e->l, vars);
    case E_EMPTY: {
        bool empty = operand_value(d, &e->a, vars).k == 0;
        return e->cmp == 0 ? empty : !empty;
    }
    case E_CMP: {
        fv a = operand_value(d, &e->a, vars), b = operand_value(d, &e->b, vars);
        if (a.k == 0 || b.k == 0) return false; /* NULL compares false, even with != */
        int c;
        if (e->cmp == CMP_EQ || e->cmp == CMP_NE) {
            bool eq;
            if (a.k == 1 && b.k == 1)
                eq = a.num == b.num;
            else if (a.k == 2 && b.k == 2) {
                char ka[64], kb[64];
                term_key(a.text, ka, sizeof ka);
                term_key(b.text, kb, sizeof kb);
                eq = !strcmp(ka, kb);
            } else
                eq = false;
            return e->cmp == CMP_EQ ? eq : !eq;
        }
        if (a.k == 1 && b.k == 1)
            c = a.num < b.num ? -1 : a.num > b.num;
        else if (a.k == 2 && b.k == 2)
            c = strcmp(a.text, b.text);
        else
            c = a.k < b.k ? -1 : 1;
        return cmp_int(c, e->cmp, 0);
    }
    default: {
        fv a = operand_value(d, &e->a, vars);
        if (a.k != 2) return false;
        if (e->kind == E_LIKE) return like(e->pat, a.text);
        regex_t re;
        if (regcomp(&re, e->pat, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) return false;
        bool m = regexec(&re, a.text, 0, NULL, 0) == 0;
        regfree(&re);
        return m;
    }
    }
}

static void emit_solution(diff_state *d)
{
    for (int i = 0; i < d->RQ->npats; i++)
        if (d->RQ->pats[i].without && exists_match(d, &d->RQ->pats[i], d->cur)) return;
    if (d->RQ->filter >= 0 && !eval_cond(d, d->RQ, d->RQ->filter, d->cur)) return;
    if (d->nsols >= REF_MAX_SOLUTIONS) {
        d->too_big = true;
        return;
    }
    if (d->nsols == d->capsols) {
        d->capsols = d->capsols ? d->capsols * 2 : 1024;
        d->sols = realloc(d->sols, (size_t)d->capsols * MAXV * sizeof *d->sols);
        if (!d->sols) abort();
    }
    memcpy(&d->sols[(size_t)d->nsols * MAXV], d->cur, sizeof d->cur);
    d->nsols++;
}

/* Nested loops: pattern pi against every claim, and with FROM every citation. */
static void solve(diff_state *d, int pi)
{
    if (d->too_big) return;
    while (pi < d->RQ->npats && d->RQ->pats[pi].without)
        pi++;
    if (pi == d->RQ->npats) {
        emit_solution(d);
        return;
    }
    const qpat *p = &d->RQ->pats[pi];
    rv save[MAXV], save2[MAXV];
    memcpy(save, d->cur, sizeof d->cur);
    for (int ci = 0; ci < d->nclaims && !d->too_big; ci++) {
        if (++d->work > REF_MAX_WORK) d->too_big = true;
        memcpy(d->cur, save, sizeof d->cur);
        d->binding = true;
        if (d->C[ci].ncite == 0 || !claim_ok(d, p, ci, d->cur)) continue;
        if (p->src < 0) {
            solve(d, pi + 1);
            continue;
        }
        memcpy(save2, d->cur, sizeof d->cur);
        for (int k = 0; k < d->C[ci].ncite; k++) {
            memcpy(d->cur, save2, sizeof d->cur);
            d->binding = true;
            if (cite_ok(d, p, d->C[ci].cites[k], d->cur)) solve(d, pi + 1);
        }
    }
    memcpy(d->cur, save, sizeof d->cur);
}

static void render_rv(diff_state *d, const rv *v, char *out)
{
    switch (v->k) {
    case RV_TERM:
        snprintf(out, CELL, "T:%s", d->T[v->t].display);
        break;
    case RV_TEXT:
        snprintf(out, CELL, "T:%s", v->s);
        break;
    case RV_INT:
        snprintf(out, CELL, "I:%" PRId64, v->i);
        break;
    case RV_REAL:
        snprintf(out, CELL, "R:%g", v->r);
        break;
    case RV_NULL:
        snprintf(out, CELL, "N");
        break;
    default:
        snprintf(out, CELL, "?unbound");
        break;
    }
}

static void check_weigh(diff_state *d, bool neg, int s, int p, int o, check_side *sd)
{
    memset(sd, 0, sizeof *sd);
    int ci = claim_find(d, neg, s, p, o);
    if (ci < 0) return;
    bool art[NART] = {false}, root_seen[NART] = {false};
    double best[NART] = {0};
    for (int k = 0; k < d->C[ci].ncite; k++) {
        const rcite *t = &d->CT[d->C[ci].cites[k]];
        art[t->article] = true;
        if (t->claimant >= 0 && t->claimant == s) {
            sd->self++;
            continue;
        }
        double w = t->has_conf ? t->conf : 1.0;
        int r = ref_article_root(d, t->article);
        if (w > best[r]) best[r] = w;
    }
    for (int a = 0; a < NART; a++) {
        if (!art[a]) continue;
        sd->arts[sd->narts++] = a;
        int r = ref_article_root(d, a);
        sd->independent += !root_seen[r];
        root_seen[r] = true;
    }
    for (int r = 0; r < NART; r++)
        sd->weight += best[r];
}

static void render_ids(diff_state *d, const check_side *sd, char *out)
{
    int64_t ids[NART];
    for (int i = 0; i < sd->narts; i++)
        ids[i] = d->ART_ID[sd->arts[i]];
    for (int i = 1; i < sd->narts; i++)
        for (int j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            int64_t t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    size_t n = (size_t)snprintf(out, CELL, "L:");
    for (int i = 0; i < sd->narts; i++)
        n += (size_t)snprintf(out + n, CELL - n, "%s%" PRId64, i ? ", " : "", ids[i]);
}

/* CHECK [NOT] s p o (language.md 5): the "for" side is the claim CHECK names. */
static void ref_check(diff_state *d, const query *q, table *out, int *nsolutions)
{
    const qpat *p = &q->pats[0];
    check_side sf, sa;
    memset(&sf, 0, sizeof sf);
    memset(&sa, 0, sizeof sa);
    int s = p->spo[0].term, pr = p->spo[1].term, o = p->spo[2].term;
    if (s >= 0 && pr >= 0 && o >= 0) {
        check_weigh(d, q->check == 2, s, pr, o, &sf);
        check_weigh(d, q->check != 2, s, pr, o, &sa);
    }
    const char *verdict = sf.narts == 0 && sa.narts == 0   ? "unknown"
                          : sf.weight > 0 && sa.weight > 0 ? "disputed"
                          : sf.weight >= 1                 ? "supported"
                          : sa.weight >= 1                 ? "contradicted"
                                                           : "unverified";
    table_reset(out, q->nitems);
    int r = table_add(out);
    snprintf(cellp(out, r, 0), CELL, "T:%s", verdict);
    snprintf(cellp(out, r, 1), CELL, "I:%d", sf.narts);
    snprintf(cellp(out, r, 2), CELL, "I:%d", sa.narts);
    snprintf(cellp(out, r, 3), CELL, "I:%d", sf.independent);
    snprintf(cellp(out, r, 4), CELL, "R:%g", sf.weight);
    snprintf(cellp(out, r, 5), CELL, "R:%g", sa.weight);
    snprintf(cellp(out, r, 6), CELL, "I:%d", sf.self + sa.self);
    render_ids(d, &sf, cellp(out, r, 7));
    render_ids(d, &sa, cellp(out, r, 8));
    *nsolutions = sf.narts + sa.narts > 0;
}

/* Evaluate q over the reference data into out. Returns false when the query is too big for
 * the naive evaluator, or its result is not determined (the caller draws another). */
bool ref_eval(diff_state *d, const query *q, table *out, int *nsolutions)
{
    if (q->check) {
        ref_check(d, q, out, nsolutions);
        return true;
    }
    d->RQ = q;
    d->nsols = 0;
    d->work = 0;
    d->too_big = d->text_open = false;
    for (int i = 0; i < MAXV; i++)
        d->cur[i] = (rv){RV_UNBOUND, 0, 0, 0, NULL};
    solve(d, 0);
    if (d->too_big || d->text_open) return false;
    *nsolutions = d->nsols;
    table_reset(out, q->nitems);
    char cell[CELL];
    if (q->agg) {
        /* Groups by the rendered values of the GROUP BY variables (NULL is one group). */
        int *gid = malloc(((size_t)d->nsols + 1) * sizeof *gid);
        int *rep = malloc(((size_t)d->nsols + 1) * sizeof *rep);
        int ng = 0;
        if (!gid || !rep) abort();
        for (int s = 0; s < d->nsols; s++) {
            const rv *sv = &d->sols[(size_t)s * MAXV];
            int g = 0;
            for (; g < ng; g++) {
                const rv *gv = &d->sols[(size_t)rep[g] * MAXV];
                bool same = true;
                for (int k = 0; k < q->ngroup && same; k++) {
                    char a[CELL], b[CELL];
                    rv x = sv[q->group[k]], y = gv[q->group[k]];
                    if (q->group_fn[k] >= 0) {
                        x = art_field(d, &x, q->group_fn[k]);
                        y = art_field(d, &y, q->group_fn[k]);
                    }
                    render_rv(d, &x, a);
                    render_rv(d, &y, b);
                    same = !strcmp(a, b);
                }
                if (same) break;
            }
            if (g == ng) rep[ng++] = s;
            gid[s] = g;
        }
        if (q->ngroup == 0 && ng == 0) {
            rep[0] = -1; /* an aggregate without GROUP BY: one row, even over nothing */
            ng = 1;
        }
        for (int g = 0; g < ng; g++) {
            int r = table_add(out);
            for (int i = 0; i < q->nitems; i++) {
                const qitem *it = &q->items[i];
                char *dst = cellp(out, r, i);
                if (it->kind == I_VAR || it->kind == I_FUNC) {
                    rv v = d->sols[(size_t)rep[g] * MAXV + (size_t)it->var];
                    if (it->kind == I_FUNC) v = art_field(d, &v, it->fn);
                    render_rv(d, &v, dst);
                    continue;
                }
                int count = 0;
                char best[CELL] = "N";
                char(*seen)[CELL] = malloc(((size_t)d->nsols + 1) * CELL);
                int nseen = 0;
                if (!seen) abort();
                for (int s = 0; s < d->nsols; s++) {
                    if (gid[s] != g) continue;
                    if (it->kind == I_COUNT) {
                        count++;
                        continue;
                    }
                    const rv *v = &d->sols[(size_t)s * MAXV + (size_t)it->var];
                    if (v->k == RV_NULL) continue;
                    render_rv(d, v, cell);
                    if (it->kind == I_COUNTD) {
                        bool dup = false;
                        for (int k = 0; k < nseen && !dup; k++)
                            dup = !strcmp(seen[k], cell);
                        if (!dup) strcpy(seen[nseen++], cell);
                        count = nseen;
                    } else if (!strcmp(best, "N") ||
                               (it->kind == I_MIN ? cmp_cell(cell, best) < 0
                                                  : cmp_cell(cell, best) > 0)) {
                        strcpy(best, cell);
                    }
                }
                free(seen);
                if (it->kind == I_MIN || it->kind == I_MAX)
                    strcpy(dst, best);
                else
                    snprintf(dst, CELL, "I:%d", count);
            }
            if (q->having >= 0) {
                /* HAVING: the group's variables are its first solution's (the grouped ones
                 * agree); its aggregates are counted again over its solutions */
                d->agg_gid = gid;
                d->agg_g = g;
                if (!eval_cond(d, q, q->having, &d->sols[(size_t)rep[g] * MAXV])) out->n--;
            }
        }
        free(gid);
        free(rep);
    } else {
        for (int s = 0; s < d->nsols; s++) {
            int r = table_add(out);
            for (int i = 0; i < q->nitems; i++) {
                rv v = d->sols[(size_t)s * MAXV + (size_t)q->items[i].var];
                if (q->items[i].kind == I_FUNC) v = art_field(d, &v, q->items[i].fn);
                render_rv(d, &v, cellp(out, r, i));
            }
        }
    }
    if (q->distinct && out->n > 1) {
        table_sort(out);
        int w = 1;
        for (int r = 1; r < out->n; r++) {
            if (row_cmp(out, r, out, w - 1) != 0) {
                if (w != r) memcpy(cellp(out, w, 0), cellp(out, r, 0), (size_t)out->ncols * CELL);
                w++;
            }
        }
        out->n = w;
    }
    if (q->norder) {
        table_sort_keys(out, q);
    }
    if (q->norder && (q->offset > 0 || q->limit >= 0)) {
        int from = q->offset > 0 ? q->offset : 0;
        if (from > out->n) from = out->n;
        int n = out->n - from;
        if (q->limit >= 0 && q->limit < n) n = q->limit;
        if (from > 0 && n > 0)
            memmove(cellp(out, 0, 0), cellp(out, from, 0), (size_t)n * (size_t)out->ncols * CELL);
        out->n = n;
    }
    return true;
}