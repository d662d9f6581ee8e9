/* gen.c — the differential test's generator: random numbers, the vocabulary, random data
 * sets (the operations of one data set, replayed into the engine and the reference) and random
 * FIND and CHECK queries (see test_differential.c for what they cover). */
#include "diff.h"

/* ---- random numbers (splitmix64; every data set and query has its own stream) -------------- */

static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rnd64(diff_state *d)
{
    d->rng += 0x9E3779B97F4A7C15ULL;
    return mix64(d->rng);
}

int rnd(diff_state *d, int n)
{
    return n <= 1 ? 0 : (int)(rnd64(d) % (uint64_t)n);
}

bool chance(diff_state *d, int pct)
{
    return rnd(d, 100) < pct;
}

void reseed(diff_state *d, uint64_t a, uint64_t b)
{
    d->rng = mix64(mix64(d->opt_seed) ^ mix64(a * 0x100000001B3ULL + 7) ^ mix64(b + 0x51ED27));
}

static void shuffle(diff_state *d, int *v, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = rnd(d, i + 1), t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

/* The matching key of a term (ASCII here): case folded, white space runs collapsed, trimmed. */
void term_key(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    bool space = false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isspace(c)) {
            space = n > 0;
            continue;
        }
        if (space && n + 1 < cap) out[n++] = ' ';
        space = false;
        if (n + 1 < cap) out[n++] = (char)tolower(c);
    }
    out[n] = '\0';
}

/* A spelling of base: random case; with ws, also white space variations. */
static void spell(diff_state *d, const char *base, char *out, size_t cap, bool ws)
{
    int mode = rnd(d, 5); /* 0, 4: as written; 1 lower; 2 upper; 3 random letters */
    size_t n = 0;
    if (ws && chance(d, 8)) out[n++] = ' ';
    for (const char *p = base; *p && n + 8 < cap; p++) {
        char c = *p;
        if (c == ' ' && ws && chance(d, 50)) {
            int k = 2 + rnd(d, 2);
            while (k--)
                out[n++] = chance(d, 15) ? '\t' : ' ';
            continue;
        }
        if (isalpha((unsigned char)c)) {
            if (mode == 1 || (mode == 3 && chance(d, 50)))
                c = (char)tolower((unsigned char)c);
            else if (mode == 2 || (mode == 3 && chance(d, 50)))
                c = (char)toupper((unsigned char)c);
        }
        out[n++] = c;
    }
    if (ws && chance(d, 8)) out[n++] = ' ';
    out[n] = '\0';
}

bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A spelling of quote q: as written, or with its white space changed (runs of spaces, tabs,
 * line breaks; with api also \r \f \v, which ClaimQL writes as \u escapes), sometimes with
 * white space around it. Every spelling is the same quote for citation identity. */
static void spell_quote(diff_state *d, int q, char *out, size_t cap, bool api)
{
    const char *b = QUOTES[q];
    if (chance(d, 50)) {
        snprintf(out, cap, "%s", b);
        return;
    }
    static const char ws_all[] = " \t\n\r\f\v";
    int nws = api ? 6 : 3;
    size_t n = 0;
    if (chance(d, 15)) out[n++] = ws_all[rnd(d, nws)];
    for (const char *p = b; *p && n + 6 < cap; p++) {
        if (*p == ' ' && chance(d, 40)) {
            int k = 1 + rnd(d, 3);
            while (k--)
                out[n++] = chance(d, 50) ? ' ' : ws_all[rnd(d, nws)];
            continue;
        }
        out[n++] = *p;
    }
    if (chance(d, 15)) out[n++] = ws_all[rnd(d, nws)];
    out[n] = '\0';
}

static void app(char *out, size_t *n, size_t cap, const char *s)
{
    size_t k = strlen(s);
    if (*n + k + 1 > cap) return;
    memcpy(out + *n, s, k + 1);
    *n += k;
}

/* An article text: fillers (some not ASCII, so that characters and bytes differ) and quotes,
 * each written with other white space, upper case (not found), cut short (not found), glued
 * to a word before it, or twice (the first is the place). Sometimes the text is exactly one
 * quote with single spaces, shorter in bytes than a spelling of it with more white space. */
static void gen_text(diff_state *d, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    if (chance(d, 6)) {
        /* exactly one quote: a quote written with more white space than the whole text must
         * still be placed (quote_locate once gave up when it was longer in bytes) */
        app(out, &n, cap, QUOTES[rnd(d, NQUOTES)]);
        return;
    }
    int pieces = 2 + rnd(d, 4);
    for (int i = 0; i < pieces; i++) {
        app(out, &n, cap, FILLER[rnd(d, NELEM(FILLER))]);
        const char *b = QUOTES[rnd(d, NQUOTES)];
        char tmp[160];
        size_t k = 0;
        int r = rnd(d, 100);
        if (r < 55 || r >= 85) {
            for (const char *p = b; *p && k + 6 < sizeof tmp; p++) {
                if (*p == ' ' && chance(d, 35)) {
                    static const char *const runs[] = {"  ", "\n", "\t", " \n ", "\n\n"};
                    const char *w = runs[rnd(d, NELEM(runs))];
                    while (*w)
                        tmp[k++] = *w++;
                    continue;
                }
                tmp[k++] = *p;
            }
            tmp[k] = '\0';
            if (r >= 85) {
                app(out, &n, cap, tmp);
                app(out, &n, cap, ", and again: ");
                snprintf(tmp, sizeof tmp, "%s", b);
            }
        } else if (r < 65) {
            for (const char *p = b; *p && k + 2 < sizeof tmp; p++)
                tmp[k++] = (char)toupper((unsigned char)*p);
            tmp[k] = '\0';
        } else if (r < 75) {
            const char *sp = strrchr(b, ' ');
            k = sp ? (size_t)(sp - b) : strlen(b) / 2;
            memcpy(tmp, b, k);
            tmp[k] = '\0';
        } else {
            snprintf(tmp, sizeof tmp, "%s%s", chance(d, 50) ? "«" : "re", b);
        }
        app(out, &n, cap, tmp);
        app(out, &n, cap, chance(d, 70) ? ". " : ".\n");
    }
}

/* Spell the terms of a citation: a term written for the first time gets one spelling (its
 * display form, no white space games) used for all its positions in this citation. */
static void spell_op(diff_state *d, op *o, bool *written)
{
    int bases[4] = {o->as ? NBASE + o->sb : o->sb, o->pb, o->ao ? NBASE + o->ob : o->ob,
                    o->aw ? NBASE + o->wb : o->wb};
    char *dst[4] = {o->s, o->p, o->o, o->w};
    char first[4][64];
    for (int i = 0; i < 4; i++) {
        if (bases[i] < 0) {
            dst[i][0] = '\0';
            continue;
        }
        int b = bases[i];
        if (written[b]) {
            spell(d, BASE[b], dst[i], 64, true);
            continue;
        }
        int j = 0;
        while (j < i && bases[j] != b)
            j++;
        if (j < i)
            strcpy(dst[i], first[j]);
        else
            spell(d, BASE[b], dst[i], 64, false);
        strcpy(first[i], dst[i]);
    }
    for (int i = 0; i < 4; i++)
        if (bases[i] >= 0) written[bases[i]] = true;
}

/* A skewed index below n: the first half is drawn three times as often, so that some terms
 * are frequent and constants hit. */
static int pick(diff_state *d, int n)
{
    return chance(d, 50) ? rnd(d, (n + 1) / 2) : rnd(d, n);
}

static uint16_t qbit(int q)
{
    return (uint16_t)(1u << (q + 1));
}

static bool aliasable(diff_state *d, int b)
{
    return b >= 0 && b < NALIAS && d->ds_alias[b];
}

static int gclaim_find(const gclaim *gc, int n, bool neg, int s, int p, int o)
{
    for (int i = 0; i < n; i++)
        if (gc[i].neg == neg && gc[i].s == s && gc[i].p == p && gc[i].o == o) return i;
    return -1;
}

static bool gc_live_form(const gclaim *g, int f)
{
    for (int a = 0; a < NART; a++)
        if (g->cites[f][a]) return true;
    return false;
}

/* A random citation of g among the forms in fmask: false when there is none. */
static bool gc_pick(diff_state *d, const gclaim *g, int fmask, int *form, int *art, int *quote)
{
    int n = 0;
    for (int f = 0; f < 4; f++)
        for (int a = 0; (fmask >> f & 1) && a < NART; a++)
            for (int q = -1; q < NQUOTES; q++)
                n += (g->cites[f][a] & qbit(q)) != 0;
    if (n == 0) return false;
    int k = rnd(d, n);
    for (int f = 0; f < 4; f++)
        for (int a = 0; (fmask >> f & 1) && a < NART; a++)
            for (int q = -1; q < NQUOTES; q++)
                if ((g->cites[f][a] & qbit(q)) && k-- == 0) {
                    *form = f;
                    *art = a;
                    *quote = q;
                    return true;
                }
    return false;
}

/* RETRACT a claim (whole, the citations of some articles, or one citation by its quote). */
void gen_retract(diff_state *d, gclaim *gc, int ngc, bool *written, bool pre_alias)
{
    int live[MAXOPS], n = 0;
    for (int i = 0; i < ngc; i++)
        for (int f = 0; f < 4; f++)
            if (gc_live_form(&gc[i], f)) {
                live[n++] = i;
                break;
            }
    if (n == 0 || d->nops >= MAXOPS) return;
    gclaim *g = &gc[live[rnd(d, n)]];
    int forms[4], nf = 0;
    for (int f = 0; f < 4; f++)
        if (gc_live_form(g, f)) forms[nf++] = f;
    int form = forms[rnd(d, nf)];
    op *o = &d->OPS[d->nops++];
    memset(o, 0, sizeof *o);
    o->kind = OP_RETRACT;
    o->neg = g->neg;
    o->sb = g->s;
    o->pb = g->p;
    o->ob = g->o;
    o->wb = -1;
    o->rquote = -2;
    /* Before the ALIAS statements each form is a claim: retract under its spelling. */
    if (pre_alias) {
        o->as = form & 1;
        o->ao = (form & 2) != 0;
    } else {
        o->as = aliasable(d, o->sb) && chance(d, 30);
        o->ao = aliasable(d, o->ob) && chance(d, 30);
    }
    int r = rnd(d, 100), f, a, q;
    if (r < 25) {
        memset(g->cites[form], 0, sizeof g->cites[form]);
    } else if (r < 60 && gc_pick(d, g, 1 << form, &f, &a, &q)) {
        /* One citation by its quote (sometimes one that is not there). */
        if (chance(d, 12)) q = chance(d, 30) ? -1 : rnd(d, NQUOTES);
        o->nretract = 1;
        o->retract[0] = a;
        o->rquote = q;
        if (q >= 0) spell_quote(d, q, o->q, sizeof o->q, false);
        g->cites[form][a] &= (uint16_t)~qbit(q);
    } else {
        o->nretract = 1 + rnd(d, 2);
        for (int k = 0; k < o->nretract; k++) {
            a = rnd(d, NART);
            if (k == 0 && gc_pick(d, g, 1 << form, &f, &a, &q)) {
                /* a is an article citing it */
            }
            o->retract[k] = a;
            g->cites[form][a] = 0;
        }
    }
    spell_op(d, o, written);
}

static op *new_meta(diff_state *d, int art)
{
    op *m = &d->OPS[d->nops++];
    memset(m, 0, sizeof *m);
    m->kind = OP_META;
    m->art = art;
    m->title = m->outlet = m->date = -1;
    m->text = -1;
    return m;
}

void gen_data(diff_state *d, bool dense)
{
    memcpy(d->ART_ID, chance(d, 50) ? ART_IDS_SMALL : ART_IDS_BIG, sizeof d->ART_ID);
    int subj[NPOOL], obj[NPOOL], preds[6];
    for (int i = 0; i < NPOOL; i++)
        subj[i] = obj[i] = i;
    shuffle(d, subj, NPOOL);
    shuffle(d, obj, NPOOL);
    for (int i = 0; i < 6; i++)
        preds[i] = NPOOL + i;
    shuffle(d, preds, 6);
    if (chance(d, 40)) preds[3] = rnd(d, NPOOL); /* a pool term as predicate: ?x ?x _ can match */
    memcpy(d->ds_subj, subj, sizeof d->ds_subj);
    memcpy(d->ds_obj, obj, sizeof d->ds_obj);
    memcpy(d->ds_pred, preds, sizeof d->ds_pred);
    int who[NPOOL];
    for (int i = 0; i < NPOOL; i++)
        who[i] = i;
    shuffle(d, who, NPOOL);
    memcpy(d->ds_who, who, sizeof d->ds_who);
    d->ngc = d->ndup = 0;
    memset(d->written, 0, sizeof d->written);
    memset(d->has_dup, 0, sizeof d->has_dup);
    int ncit = 60 + rnd(d, 91);
    if (dense) ncit = 400 + rnd(d, 500); /* many pages, many citations per claim */
    d->nops = 0;
    /* Texts of some articles before any citation (placed on ASSERT), others come later
     * (placed again when ARTICLE ... TEXT changes). */
    for (int a = 0; a < NART; a++)
        if (chance(d, 55)) {
            op *m = new_meta(d, a);
            m->text = 1;
            gen_text(d, m->tx, sizeof m->tx);
        }
    /* Aliases: all ALIAS statements at one point; alias spellings before it make claims of
     * their own (merged into the canonical ones by ALIAS), after it they mean the canonical
     * term. */
    int nalias = 0, alias_at = -1;
    for (int i = 0; i < NALIAS; i++)
        d->ds_alias[i] = false;
    if (chance(d, 50)) {
        for (int i = 0; i < NALIAS; i++)
            nalias += d->ds_alias[i] = chance(d, 50);
        alias_at = rnd(d, ncit);
    }
    d->pre_alias = nalias > 0;
    gen_citations(d, ncit, alias_at);
    for (int i = rnd(d, 4); i > 0; i--)
        gen_retract(d, d->gc, d->ngc, d->written, d->pre_alias);
    for (int i = 0; i < d->nops; i++)
        d->op_on[i] = true;
}

/* A citation of claim ci: a new one, an update of one it has (another spelling of the quote,
 * other values), or before ALIAS one under an alias form that its form 0 has too (the merge
 * keeps form 0's whole). */
static void gen_cite(diff_state *d, int ci)
{
    gclaim *g = &d->gc[ci];
    int form = 0, f, a, q;
    if (d->pre_alias) {
        int allowed = (aliasable(d, g->s) ? 1 : 0) | (aliasable(d, g->o) ? 2 : 0);
        while (allowed && form == 0 && chance(d, 50)) {
            form = 1 + rnd(d, 3);
            if ((form & allowed) != form) form = allowed;
        }
    }
    int r = rnd(d, 100);
    if (!(form && r < 45 && gc_pick(d, g, 1, &f, &a, &q)) &&
        !(r < 60 && gc_pick(d, g, d->pre_alias ? 1 << form : 15, &f, &a, &q))) {
        /* a new citation: sometimes from an article that cites the claim already */
        q = chance(d, 35) ? -1 : rnd(d, NQUOTES);
        int q2;
        if (!(r < 80 && gc_pick(d, g, 15, &f, &a, &q2))) a = rnd(d, NART);
    }
    /* A claim with one term as subject and object has three alias forms, all merged by one
     * ALIAS: two of them with the same citation and form 0 without it is not determined
     * (which is kept depends on the engine's order), so put it on form 0 instead. */
    if (form && g->s == g->o)
        for (int k = 1; k < 4; k++)
            if (k != form && (g->cites[k][a] & qbit(q)) && !(g->cites[0][a] & qbit(q))) form = 0;
    op *o = &d->OPS[d->nops++];
    memset(o, 0, sizeof *o);
    o->kind = OP_CITE;
    o->neg = g->neg;
    o->sb = g->s;
    o->pb = g->p;
    o->ob = g->o;
    o->wb = chance(d, 50) ? d->ds_who[pick(d, 5)] : -1;
    if (chance(d, 5)) o->wb = g->s; /* self-serving (CHECK) */
    o->article = a;
    o->via_sql = chance(d, 15);
    o->quote = q;
    if (q >= 0)
        spell_quote(d, q, o->q, sizeof o->q, !o->via_sql);
    else
        o->qempty = chance(d, 20);
    o->said = chance(d, 30) ? rnd(d, NELEM(SAID)) : -1;
    o->method = o->via_sql || chance(d, 80) ? CLAIMDB_METHOD_CURATED : rnd(d, 3);
    o->has_conf = chance(d, 50);
    o->conf = o->has_conf ? CONFS[rnd(d, NELEM(CONFS))] : 0.0;
    if (d->pre_alias) {
        o->as = form & 1;
        o->ao = (form & 2) != 0;
        o->aw = aliasable(d, o->wb) && chance(d, 25); /* the claimant is rewritten by ALIAS */
    } else {
        o->as = aliasable(d, o->sb) && chance(d, 25);
        o->ao = aliasable(d, o->ob) && chance(d, 25);
        o->aw = aliasable(d, o->wb) && chance(d, 25);
    }
    g->cites[form][a] |= qbit(q);
    spell_op(d, o, d->written);
}

/* n more citations (and now and then a re-assertion, RETRACT, ARTICLE); the ALIAS statements
 * go before citation alias_at. */
void gen_citations(diff_state *d, int n, int alias_at)
{
    for (int i = 0; i < n && d->nops < MAXOPS - 10; i++) {
        if (i == alias_at) {
            for (int k = 0; k < NALIAS; k++) {
                if (!d->ds_alias[k]) continue;
                op *al = &d->OPS[d->nops++];
                memset(al, 0, sizeof *al);
                al->kind = OP_ALIAS;
                al->sb = NBASE + k;
                al->ob = k;
                al->pb = al->wb = -1;
                spell_op(d, al, d->written);
            }
            for (int k = 0; k < d->ngc; k++)
                for (int f = 1; f < 4; f++)
                    for (int a = 0; a < NART; a++) {
                        d->gc[k].cites[0][a] |= d->gc[k].cites[f][a];
                        d->gc[k].cites[f][a] = 0;
                    }
            d->pre_alias = false;
        }
        int ci = -1, r = rnd(d, 100);
        if (d->ngc > 0 && r < 40) {
            ci = rnd(d, d->ngc);
        } else if (d->ngc > 0 && r < 48) {
            gclaim g = d->gc[rnd(d, d->ngc)];
            ci = gclaim_find(d->gc, d->ngc, !g.neg, g.s, g.p, g.o);
            if (ci < 0) {
                memset(&d->gc[d->ngc], 0, sizeof d->gc[d->ngc]);
                d->gc[d->ngc].neg = !g.neg;
                d->gc[d->ngc].s = g.s;
                d->gc[d->ngc].p = g.p;
                d->gc[d->ngc].o = g.o;
                ci = d->ngc++;
            }
        } else {
            bool neg = chance(d, 22);
            int s = d->ds_subj[pick(d, 8)], p = d->ds_pred[pick(d, 4)],
                o = chance(d, 5) ? s : d->ds_obj[pick(d, 8)];
            ci = gclaim_find(d->gc, d->ngc, neg, s, p, o);
            if (ci < 0) {
                memset(&d->gc[d->ngc], 0, sizeof d->gc[d->ngc]);
                d->gc[d->ngc].neg = neg;
                d->gc[d->ngc].s = s;
                d->gc[d->ngc].p = p;
                d->gc[d->ngc].o = o;
                ci = d->ngc++;
            }
        }
        gen_cite(d, ci);
        if (chance(d, 6)) {
            /* An earlier statement again: the same values, in other spellings (unchanged, or
             * changed only by the quote's white space), or an older version of a citation. */
            int k = rnd(d, d->nops);
            if (d->OPS[k].kind == OP_CITE) {
                op *c = &d->OPS[d->nops++];
                *c = d->OPS[k];
                if (c->quote >= 0 && chance(d, 50))
                    spell_quote(d, c->quote, c->q, sizeof c->q, !c->via_sql);
                int g = gclaim_find(d->gc, d->ngc, c->neg, c->sb, c->pb, c->ob);
                int form = d->pre_alias ? (c->as ? 1 : 0) | (c->ao ? 2 : 0) : 0;
                if (g >= 0 && form && d->gc[g].s == d->gc[g].o)
                    for (int f = 1; f < 4; f++)
                        if (f != form && (d->gc[g].cites[f][c->article] & qbit(c->quote)) &&
                            !(d->gc[g].cites[0][c->article] & qbit(c->quote)))
                            form = -1;
                if (g < 0 || form < 0) {
                    d->nops--;
                } else {
                    d->gc[g].cites[form][c->article] |= qbit(c->quote);
                    spell_op(d, c, d->written);
                }
            }
        }
        if (chance(d, 5)) gen_retract(d, d->gc, d->ngc, d->written, d->pre_alias);
        if (chance(d, 7)) {
            op *m = new_meta(d, rnd(d, NART));
            int t = rnd(d, 100);
            m->text = t < 35 ? 1 : t < 42 ? 0 : -1;
            if (m->text == 1) gen_text(d, m->tx, sizeof m->tx);
            m->title = chance(d, 50) ? rnd(d, NELEM(TITLES)) : -1;
            m->outlet = chance(d, 50) ? rnd(d, NELEM(OUTLETS)) : -1;
            m->date = chance(d, 50) || (m->title < 0 && m->outlet < 0 && m->text < 0)
                          ? rnd(d, NELEM(DATES))
                          : -1;
        }
        if (d->ndup < 2 && chance(d, 4)) {
            int x = 1 + rnd(d, NART - 1);
            if (!d->has_dup[x]) {
                d->has_dup[x] = true;
                op *dup = &d->OPS[d->nops++];
                memset(dup, 0, sizeof *dup);
                dup->kind = OP_DUP;
                dup->art = x;
                dup->dup_of = rnd(d, x);
                d->ndup++;
            }
        }
    }
}

static int var_new(diff_state *d, query *q, int kind, int role)
{
    static const char *const names[8][8] = {{"x", "y", "z", "u", "v", "w", "t", "r"},
                                            {"src", "art", "doc"},
                                            {"q", "q2"},
                                            {"c", "c2"},
                                            {"st", "en", "k"},
                                            {"d", "d2"},
                                            {"tm"},
                                            {"pol", "pol2"}};
    static const int maxn[8] = {8, 3, 2, 2, 3, 2, 1, 2};
    int have = 0, any[MAXV];
    for (int i = 0; i < q->nvars; i++)
        if (q->vars[i].kind == kind) any[have++] = i;
    if (have >= maxn[kind]) {
        int v = any[rnd(d, have)];
        q->vars[v].role |= role;
        return v;
    }
    assert_true(q->nvars < MAXV);
    qvar *v = &q->vars[q->nvars];
    snprintf(v->name, sizeof v->name, "%s", names[kind][have]);
    v->kind = kind;
    v->role = role;
    return q->nvars++;
}

/* A variable of kind among the first `limit`, with a role in rolemask (0: any), not in excl. */
static int var_pick(diff_state *d, const query *q, int kind, int rolemask, int limit,
                    const int *excl, int nexcl)
{
    int cand[MAXV], n = 0;
    for (int i = 0; i < limit && i < q->nvars; i++) {
        if (q->vars[i].kind != kind) continue;
        if (rolemask && !(q->vars[i].role & rolemask)) continue;
        bool ex = false;
        for (int j = 0; j < nexcl; j++)
            ex |= excl[j] == i;
        if (!ex) cand[n++] = i;
    }
    return n ? cand[rnd(d, n)] : -1;
}

/* A constant for position which (0 subject, 1 predicate, 2 object, 3 claimant): mostly a
 * term of the data set's vocabulary for that position, sometimes another or an unknown one. */
static void gen_const(diff_state *d, qterm *t, int which)
{
    t->kind = Q_CONST;
    t->var = -1;
    int r = rnd(d, 100), b;
    if (r < 6) {
        spell(d, UNKNOWN[rnd(d, NELEM(UNKNOWN))], t->text, sizeof t->text, true);
        return;
    }
    if (r < 88)
        b = which == 0   ? d->ds_subj[pick(d, 8)]
            : which == 1 ? d->ds_pred[pick(d, 4)]
            : which == 2 ? d->ds_obj[pick(d, 8)]
                         : d->ds_who[pick(d, 5)];
    else
        b = rnd(d, which == 1 ? NBASE : NPOOL);
    if (aliasable(d, b) && chance(d, 25)) b += NBASE; /* the alias means the term */
    spell(d, BASE[b], t->text, sizeof t->text, true);
}

/* BY constant together with FROM. (This test found that an unknown constant matched every
 * citation without a claimant; fixed in 97c4647, so unknown constants are drawn here too.) */
static void gen_by_const_from(diff_state *d, qpat *p)
{
    p->has_by_const = true;
    gen_const(d, &p->by, 3);
}

static void pat_init(qpat *p)
{
    memset(p, 0, sizeof *p);
    p->src = p->quote = p->who = p->conf = -1;
    p->at = p->to = p->on = p->stored = -1;
    p->pol = -1;
    p->src_op = -1;
}

static void gen_clause_extras(diff_state *d, qpat *p, int pct)
{
    if (chance(d, pct)) {
        int ids[NART + 1];
        for (int i = 0; i <= NART; i++)
            ids[i] = i; /* NART itself: an article nobody cites */
        shuffle(d, ids, NART + 1);
        p->ncited = 1 + rnd(d, 3);
        for (int i = 0; i < p->ncited; i++)
            p->cited[i] = ids[i];
        p->cited_mode = p->ncited == 1 ? 1 : 1 + rnd(d, 2);
    }
    if (chance(d, pct)) {
        p->src_op = rnd(d, 6);
        p->src_n = chance(d, 10) ? 0 : 1 + rnd(d, 3);
        p->indep = chance(d, 35);
    }
}

static void pat_order_clauses(diff_state *d, qpat *p)
{
    p->nclauses = 0;
    if (p->src >= 0) p->corder[p->nclauses++] = CL_FROM;
    if (p->quote >= 0) p->corder[p->nclauses++] = CL_QUOTE;
    if (p->who >= 0 || p->has_by_const) p->corder[p->nclauses++] = CL_BY;
    if (p->conf >= 0) p->corder[p->nclauses++] = CL_CONF;
    if (p->cited_mode) p->corder[p->nclauses++] = CL_CITED;
    if (p->src_op >= 0) p->corder[p->nclauses++] = CL_SOURCES;
    if (p->at >= 0) p->corder[p->nclauses++] = CL_AT;
    if (p->to >= 0) p->corder[p->nclauses++] = CL_TO;
    if (p->on >= 0) p->corder[p->nclauses++] = CL_ON;
    if (p->stored >= 0) p->corder[p->nclauses++] = CL_STORED;
    if (p->pol >= 0) p->corder[p->nclauses++] = CL_POL;
    shuffle(d, p->corder, p->nclauses);
}

static void gen_positive(diff_state *d, query *q, qpat *p, int pi)
{
    pat_init(p);
    int before = q->nvars;
    int inpat[8], ninpat = 0;
    /* Patterns after the first mostly share a variable with the earlier ones; some do not
     * (a cross product), and some are all constants (each match multiplies the rows). */
    int link = -1; /* 0 / 2: subject / object reuses an earlier variable; 3: FROM does */
    bool all_const = false;
    if (pi > 0) {
        link = rnd(d, 2) ? 0 : 2;
        if (chance(d, 20) && var_pick(d, q, VT_ART, 0, before, NULL, 0) >= 0) link = 3;
        if (chance(d, 10)) {
            link = -1;
            all_const = chance(d, 60);
        }
    }
    p->neg = chance(d, 20);
    for (int pos = 0; pos < 3; pos++) {
        qterm *t = &p->spo[pos];
        int role = pos == 1 ? ROLE_P : ROLE_SO;
        if (pos == link) {
            int v = var_pick(d, q, VT_TERM, ROLE_SO | ROLE_WHO, before, NULL, 0);
            if (v < 0) v = var_pick(d, q, VT_TERM, 0, before, NULL, 0);
            t->kind = Q_VAR;
            t->var = v;
            q->vars[v].role |= role;
            inpat[ninpat++] = v;
            continue;
        }
        int r = all_const ? 0 : rnd(d, 100);
        int pconst = pos == 1 ? 55 : 25, pvar = pos == 1 ? 28 : 62;
        if (r < pconst) {
            gen_const(d, t, pos);
        } else if (r < pconst + pvar) {
            int v = -1;
            if (chance(d, pos == 1 ? 30 : 50))
                v = var_pick(d, q, VT_TERM, pos == 1 ? ROLE_P : ROLE_SO | ROLE_WHO, q->nvars, inpat,
                             chance(d, 85) ? ninpat : 0);
            if (v < 0) v = var_new(d, q, VT_TERM, role);
            q->vars[v].role |= role;
            t->kind = Q_VAR;
            t->var = v;
            inpat[ninpat++] = v;
        } else {
            t->kind = Q_ANON;
            t->var = -1;
        }
    }
    if (pi == 0 && p->spo[0].kind != Q_VAR && p->spo[2].kind != Q_VAR) {
        p->spo[0].kind = Q_VAR;
        p->spo[0].var = var_new(d, q, VT_TERM, ROLE_SO);
        inpat[ninpat++] = p->spo[0].var;
    }
    if (link == 3 || chance(d, 40)) {
        int v = -1;
        if (link == 3)
            v = var_pick(d, q, VT_ART, 0, before, NULL, 0);
        else if (chance(d, 35))
            v = var_pick(d, q, VT_ART, 0, q->nvars, NULL, 0);
        if (v < 0) v = var_new(d, q, VT_ART, 0);
        p->src = v;
        if (chance(d, 30)) {
            v = chance(d, 12) ? var_pick(d, q, VT_QUOTE, 0, q->nvars, NULL, 0) : -1;
            p->quote = v >= 0 ? v : var_new(d, q, VT_QUOTE, 0);
        }
        if (chance(d, 35)) {
            v = chance(d, 50) ? var_pick(d, q, VT_TERM, ROLE_SO | ROLE_WHO, q->nvars, inpat,
                                         chance(d, 70) ? ninpat : 0)
                              : -1;
            if (v < 0) v = var_new(d, q, VT_TERM, ROLE_WHO);
            q->vars[v].role |= ROLE_WHO;
            p->who = v;
        } else if (chance(d, 12)) {
            gen_by_const_from(d, p);
        }
        if (chance(d, 30)) {
            v = chance(d, 12) ? var_pick(d, q, VT_CONF, 0, q->nvars, NULL, 0) : -1;
            p->conf = v >= 0 ? v : var_new(d, q, VT_CONF, 0);
        }
        /* The citation's place in the article text, its claim date, when it was stored. */
        int *cv[3] = {&p->at, &p->to, &p->on};
        static const int cvk[3] = {VT_POS, VT_POS, VT_DATE};
        for (int k = 0; k < 3; k++)
            if (chance(d, k == 2 ? 18 : 22)) {
                v = chance(d, 12) ? var_pick(d, q, cvk[k], 0, q->nvars, NULL, 0) : -1;
                *cv[k] = v >= 0 ? v : var_new(d, q, cvk[k], 0);
            }
        if (chance(d, 4)) p->stored = var_new(d, q, VT_STORED, 0);
    } else if (chance(d, 8)) {
        p->has_by_const = true;
        gen_const(d, &p->by, 3);
    }
    if (!p->neg && chance(d, 15)) {
        /* POLARITY: both polarities; a variable met before joins on the polarity */
        int v = chance(d, 25) ? var_pick(d, q, VT_POL, 0, q->nvars, NULL, 0) : -1;
        p->pol = v >= 0 ? v : var_new(d, q, VT_POL, 0);
    }
    gen_clause_extras(d, p, 15);
    pat_order_clauses(d, p);
}

/* A WITHOUT pattern: only variables the positive patterns bind. */
static void gen_without(diff_state *d, query *q, qpat *p)
{
    pat_init(p);
    p->without = true;
    p->neg = chance(d, 25);
    bool hasvar = false;
    for (int pos = 0; pos < 3; pos++) {
        qterm *t = &p->spo[pos];
        int r = rnd(d, 100), v = -1;
        if (pos == 1) {
            if (r < 60)
                gen_const(d, t, 1);
            else if (r < 70 && (v = var_pick(d, q, VT_TERM, ROLE_P, q->nvars, NULL, 0)) >= 0)
                t->kind = Q_VAR, t->var = v;
            else
                t->kind = Q_ANON;
        } else {
            if (r < 55 && (v = var_pick(d, q, VT_TERM, ROLE_SO | ROLE_WHO, q->nvars, NULL, 0)) >= 0)
                t->kind = Q_VAR, t->var = v;
            else if (r < 85)
                gen_const(d, t, pos);
            else
                t->kind = Q_ANON;
        }
        hasvar |= t->kind == Q_VAR;
    }
    if (!hasvar && chance(d, 85)) {
        int pos = rnd(d, 2) ? 0 : 2;
        int v = var_pick(d, q, VT_TERM, ROLE_SO | ROLE_WHO, q->nvars, NULL, 0);
        if (v >= 0) p->spo[pos].kind = Q_VAR, p->spo[pos].var = v;
    }
    int v;
    if (chance(d, 20) && (v = var_pick(d, q, VT_ART, 0, q->nvars, NULL, 0)) >= 0) {
        p->src = v;
        if (chance(d, 15)) p->quote = var_pick(d, q, VT_QUOTE, 0, q->nvars, NULL, 0);
        if (chance(d, 25))
            p->who = var_pick(d, q, VT_TERM, ROLE_SO | ROLE_WHO, q->nvars, NULL, 0);
        else if (chance(d, 15)) {
            gen_by_const_from(d, p);
        }
        if (chance(d, 10)) p->conf = var_pick(d, q, VT_CONF, 0, q->nvars, NULL, 0);
        if (chance(d, 12)) p->at = var_pick(d, q, VT_POS, 0, q->nvars, NULL, 0);
        if (chance(d, 12)) p->to = var_pick(d, q, VT_POS, 0, q->nvars, NULL, 0);
        if (chance(d, 12)) p->on = var_pick(d, q, VT_DATE, 0, q->nvars, NULL, 0);
    } else if (chance(d, 8)) {
        p->has_by_const = true;
        gen_const(d, &p->by, 3);
    }
    if (!p->neg && chance(d, 30)) p->pol = var_pick(d, q, VT_POL, 0, q->nvars, NULL, 0);
    gen_clause_extras(d, p, 10);
    p->omit_and = chance(d, 40);
    pat_order_clauses(d, p);
}

static int new_expr(query *q, int kind)
{
    assert_true(q->nex < MAXEX);
    expr *e = &q->ex[q->nex];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->l = e->r = -1;
    return q->nex++;
}

static void operand_var(operand *o, int v)
{
    memset(o, 0, sizeof *o);
    o->kind = O_VAR;
    o->var = v;
}

/* A FILTER (or HAVING) condition on variable v. */
static int gen_leaf_var(diff_state *d, query *q, int v)
{
    const qvar *qv = &q->vars[v];
    int r = rnd(d, 100);
    int ei;
    if (chance(d, 10)) {
        /* BOUND(?v), ?v IS [NOT] EMPTY, fn(?src) IS [NOT] EMPTY */
        ei = new_expr(q, E_EMPTY);
        expr *e = &q->ex[ei];
        e->cmp = rnd(d, 3);
        operand_var(&e->a, v);
        if (qv->kind == VT_ART && e->cmp < 2 && chance(d, 50)) {
            e->a.kind = O_FUNC;
            e->a.fn = rnd(d, 3);
        }
        return ei;
    }
    switch (qv->kind) {
    case VT_POL: {
        ei = new_expr(q, E_CMP);
        expr *e = &q->ex[ei];
        e->cmp = chance(d, 70) ? rnd(d, 2) : rnd(d, 6);
        operand_var(&e->a, v);
        int w = var_pick(d, q, VT_POL, 0, q->nvars, &v, 1);
        if (w >= 0 && chance(d, 30)) {
            operand_var(&e->b, w);
        } else {
            e->b.kind = O_TERM;
            snprintf(e->b.text, sizeof e->b.text, "%s", chance(d, 50) ? "+" : "-");
        }
        if (chance(d, 25)) {
            operand t = e->a;
            e->a = e->b;
            e->b = t;
        }
        return ei;
    }
    case VT_TERM:
        if (r < 45) {
            ei = new_expr(q, E_CMP);
            expr *e = &q->ex[ei];
            e->cmp = chance(d, 60) ? rnd(d, 2) : 2 + rnd(d, 4);
            operand_var(&e->a, v);
            e->b.kind = O_TERM;
            qterm c;
            gen_const(d, &c, qv->role & ROLE_P ? 1 : qv->role & ROLE_WHO ? 3 : rnd(d, 2) ? 0 : 2);
            memcpy(e->b.text, c.text, sizeof e->b.text);
            if (chance(d, 25)) {
                operand t = e->a;
                e->a = e->b;
                e->b = t;
            }
        } else if (r < 65) {
            ei = new_expr(q, E_CMP);
            expr *e = &q->ex[ei];
            e->cmp = chance(d, 60) ? rnd(d, 2) : 2 + rnd(d, 4);
            operand_var(&e->a, v);
            int w = var_pick(d, q, VT_TERM, 0, q->nvars, &v, chance(d, 80) ? 1 : 0);
            operand_var(&e->b, w >= 0 ? w : v);
        } else if (r < 83) {
            ei = new_expr(q, E_REGEX);
            operand_var(&q->ex[ei].a, v);
            q->ex[ei].pat = REGEXES[rnd(d, NELEM(REGEXES))];
        } else {
            ei = new_expr(q, E_LIKE);
            operand_var(&q->ex[ei].a, v);
            q->ex[ei].pat = LIKES[rnd(d, NELEM(LIKES))];
        }
        return ei;
    case VT_ART:
        if (r < 40) {
            int fn = rnd(d, 3), k = rnd(d, 100);
            if (fn == F_DATE || k < 40) {
                ei = new_expr(q, E_CMP);
                expr *e = &q->ex[ei];
                e->cmp = fn == F_OUTLET && chance(d, 70) ? rnd(d, 2) : rnd(d, 6);
                if (fn == F_DATE) {
                    static const char *const ds[] = {"2019-01-05", "2020-01-01", "2021-07-18",
                                                     "2021-12-31"};
                    e->b.kind = O_DATE;
                    snprintf(e->b.text, sizeof e->b.text, "%s", ds[rnd(d, NELEM(ds))]);
                } else {
                    e->b.kind = O_TERM;
                    if (fn == F_OUTLET)
                        spell(d, OUTLETS[rnd(d, NELEM(OUTLETS))], e->b.text, sizeof e->b.text,
                              false);
                    else
                        snprintf(e->b.text, sizeof e->b.text, "%s", TITLES[rnd(d, NELEM(TITLES))]);
                }
            } else {
                ei = new_expr(q, k < 70 ? E_LIKE : E_REGEX);
                q->ex[ei].pat =
                    k < 70 ? LIKES[rnd(d, NELEM(LIKES))] : REGEXES[rnd(d, NELEM(REGEXES))];
            }
            expr *e = &q->ex[ei];
            e->a.kind = O_FUNC;
            e->a.var = v;
            e->a.fn = fn;
            if (e->kind == E_CMP && chance(d, 25)) {
                operand t = e->a;
                e->a = e->b;
                e->b = t;
            }
            return ei;
        }
        /* fall through */
    case VT_CONF:
    case VT_POS: {
        ei = new_expr(q, E_CMP);
        expr *e = &q->ex[ei];
        e->cmp = rnd(d, 6);
        operand_var(&e->a, v);
        int w = var_pick(d, q, qv->kind, 0, q->nvars, &v, 1);
        if (w >= 0 && chance(d, 20)) {
            operand_var(&e->b, w);
        } else if (qv->kind == VT_ART) {
            e->b.kind = O_INT;
            e->b.i = chance(d, 85) ? d->ART_ID[rnd(d, NART + 1)] : d->ART_ID[rnd(d, NART)] + 1;
        } else if (qv->kind == VT_POS) {
            e->b.kind = O_INT;
            e->b.i = rnd(d, 80);
        } else {
            static const double cs[] = {0.0, 0.25, 0.5, 0.6, 0.8, 0.9, 1.0};
            e->b.kind = chance(d, 20) ? O_INT : O_REAL;
            if (e->b.kind == O_INT)
                e->b.i = rnd(d, 2);
            else
                e->b.r = cs[rnd(d, NELEM(cs))];
        }
        if (chance(d, 25)) {
            operand t = e->a;
            e->a = e->b;
            e->b = t;
        }
        return ei;
    }
    case VT_DATE:
    case VT_STORED: {
        ei = new_expr(q, E_CMP);
        expr *e = &q->ex[ei];
        e->cmp = rnd(d, 6);
        operand_var(&e->a, v);
        int w = var_pick(d, q, qv->kind, 0, q->nvars, &v, 1);
        if (w >= 0 && chance(d, 25)) {
            operand_var(&e->b, w);
        } else if (qv->kind == VT_DATE) {
            static const char *const ds[] = {"2018-10-12", "2019-01-05", "2020-01-01",
                                             "2021-08-15"};
            e->b.kind = O_DATE;
            snprintf(e->b.text, sizeof e->b.text, "%s", ds[rnd(d, NELEM(ds))]);
        } else {
            static const char *const ts[] = {STORED_AT, "2023-11-14", "2024-01-01T00:00:00Z"};
            e->b.kind = O_TERM;
            snprintf(e->b.text, sizeof e->b.text, "%s", ts[rnd(d, NELEM(ts))]);
        }
        if (chance(d, 25)) {
            operand t = e->a;
            e->a = e->b;
            e->b = t;
        }
        return ei;
    }
    default: /* VT_QUOTE */
        if (r < 35) {
            ei = new_expr(q, E_LIKE);
            q->ex[ei].pat = LIKES[rnd(d, NELEM(LIKES))];
        } else if (r < 65) {
            ei = new_expr(q, E_REGEX);
            q->ex[ei].pat = REGEXES[rnd(d, NELEM(REGEXES))];
        } else {
            ei = new_expr(q, E_CMP);
            q->ex[ei].cmp = chance(d, 60) ? rnd(d, 2) : 2 + rnd(d, 4);
            q->ex[ei].b.kind = O_TERM;
            spell_quote(d, rnd(d, NQUOTES), q->ex[ei].b.text, sizeof q->ex[ei].b.text, false);
        }
        operand_var(&q->ex[ei].a, v);
        return ei;
    }
}

static int gen_leaf(diff_state *d, query *q)
{
    return gen_leaf_var(d, q, rnd(d, q->nvars));
}

static int gen_cond(diff_state *d, query *q, int depth)
{
    if (depth < 2 && q->nex < MAXEX - 4 && chance(d, 35)) {
        int ei = new_expr(q, chance(d, 50) ? E_AND : E_OR);
        int l = gen_cond(d, q, depth + 1), r = gen_cond(d, q, depth + 1);
        q->ex[ei].l = l;
        q->ex[ei].r = r;
        return ei;
    }
    if (depth < 2 && q->nex < MAXEX - 4 && chance(d, 12)) {
        int ei = new_expr(q, E_NOT);
        int l = gen_cond(d, q, depth + 1);
        q->ex[ei].l = l;
        return ei;
    }
    return gen_leaf(d, q);
}

static bool grouped_plain(const query *q, int v)
{
    for (int i = 0; i < q->ngroup; i++)
        if (q->group[i] == v && q->group_fn[i] < 0) return true;
    return false;
}

/* A HAVING condition: COUNT(*) or COUNT(DISTINCT ?v) (an item's, by its AS name or written
 * again, or one of its own) against a number, or a condition on a variable that is grouped
 * as it is; joined by AND, OR and NOT. */
static int gen_having(diff_state *d, query *q, int depth)
{
    if (depth < 2 && q->nex < MAXEX - 4 && chance(d, 30)) {
        int ei = new_expr(q, chance(d, 50) ? E_AND : E_OR);
        int l = gen_having(d, q, depth + 1), r = gen_having(d, q, depth + 1);
        q->ex[ei].l = l;
        q->ex[ei].r = r;
        return ei;
    }
    if (depth < 2 && q->nex < MAXEX - 4 && chance(d, 10)) {
        int ei = new_expr(q, E_NOT);
        int l = gen_having(d, q, depth + 1);
        q->ex[ei].l = l;
        return ei;
    }
    int plain[3], np = 0;
    for (int i = 0; i < q->ngroup; i++)
        if (q->group_fn[i] < 0) plain[np++] = q->group[i];
    if (np && chance(d, 35)) {
        int v = plain[rnd(d, np)];
        int ei = gen_leaf_var(d, q, v);
        /* a second variable must be grouped too: else compare v with itself */
        operand *ops[2] = {&q->ex[ei].a, &q->ex[ei].b};
        for (int k = 0; k < 2; k++)
            if ((ops[k]->kind == O_VAR || ops[k]->kind == O_FUNC) && !grouped_plain(q, ops[k]->var))
                operand_var(ops[k], v);
        return ei;
    }
    int ei = new_expr(q, E_CMP);
    expr *e = &q->ex[ei];
    e->cmp = rnd(d, 6);
    e->a.kind = O_AGG;
    int cand[MAXCOLS], nc = 0;
    for (int i = 0; i < q->nitems; i++)
        if (q->items[i].kind == I_COUNT || q->items[i].kind == I_COUNTD) cand[nc++] = i;
    if (nc && chance(d, 60)) {
        const qitem *it = &q->items[cand[rnd(d, nc)]];
        e->a.fn = it->kind;
        e->a.var = it->var;
        if (it->alias[0] && chance(d, 60)) memcpy(e->a.text, it->alias, sizeof it->alias);
    } else {
        e->a.fn = chance(d, 50) ? I_COUNT : I_COUNTD;
        e->a.var = e->a.fn == I_COUNT ? -1 : rnd(d, q->nvars);
    }
    e->b.kind = O_INT;
    e->b.i = rnd(d, 4);
    if (chance(d, 25)) {
        operand t = e->a;
        e->a = e->b;
        e->b = t;
    }
    return ei;
}

/* The variables in order of first appearance in the positive patterns (FIND *). */
static int star_vars(const query *q, int *out)
{
    int n = 0;
    bool seen[MAXV] = {false};
    for (int i = 0; i < q->npats; i++) {
        const qpat *p = &q->pats[i];
        if (p->without) continue;
        int vs[16], nv = 0;
        for (int k = 0; k < 3; k++)
            if (p->spo[k].kind == Q_VAR) vs[nv++] = p->spo[k].var;
        for (int k = 0; k < p->nclauses; k++) {
            switch (p->corder[k]) {
            case CL_FROM:
                vs[nv++] = p->src;
                break;
            case CL_QUOTE:
                vs[nv++] = p->quote;
                break;
            case CL_BY:
                if (p->who >= 0) vs[nv++] = p->who;
                break;
            case CL_CONF:
                vs[nv++] = p->conf;
                break;
            case CL_AT:
                vs[nv++] = p->at;
                break;
            case CL_TO:
                vs[nv++] = p->to;
                break;
            case CL_ON:
                vs[nv++] = p->on;
                break;
            case CL_STORED:
                vs[nv++] = p->stored;
                break;
            case CL_POL:
                vs[nv++] = p->pol;
                break;
            default:
                break;
            }
        }
        for (int k = 0; k < nv; k++)
            if (!seen[vs[k]]) {
                seen[vs[k]] = true;
                out[n++] = vs[k];
            }
    }
    return n;
}

/* A spelling of the reference's term t: its display form in other case and white space, or
 * (sometimes) the alias that means it. */
static void spell_term(diff_state *d, int t, char *out, size_t cap)
{
    for (int b = 0; b < NBASE; b++) {
        char k[64];
        term_key(BASE[b], k, sizeof k);
        if (strcmp(k, d->T[t].key)) continue;
        if (aliasable(d, b) && d->naliases && chance(d, 25)) b += NBASE;
        spell(d, BASE[b], out, cap, true);
        return;
    }
    spell(d, d->T[t].display, out, cap, true);
}

/* CHECK [NOT] s p o: mostly a claim (or the negation of one) of the data set. */
static void gen_check(diff_state *d, query *q)
{
    q->check = chance(d, 30) ? 2 : 1;
    qpat *p = &q->pats[q->npats++];
    pat_init(p);
    int live[MAXCLAIMS], n = 0;
    for (int ci = 0; ci < d->nclaims; ci++)
        if (d->C[ci].ncite) live[n++] = ci;
    if (n && chance(d, 80)) {
        const rclaim *c = &d->C[live[rnd(d, n)]];
        int ts[3] = {c->s, c->p, c->o};
        for (int k = 0; k < 3; k++) {
            p->spo[k].kind = Q_CONST;
            spell_term(d, ts[k], p->spo[k].text, sizeof p->spo[k].text);
        }
    } else {
        for (int k = 0; k < 3; k++)
            gen_const(d, &p->spo[k], k);
    }
    for (int i = 0; i < NELEM(CHECK_COLS); i++) {
        qitem it = {I_VAR, -1, 0, ""};
        snprintf(it.alias, sizeof it.alias, "%s", CHECK_COLS[i]);
        q->items[q->nitems++] = it;
    }
}

void gen_query(diff_state *d, query *q)
{
    sbuf keep = q->text;
    memset(q, 0, sizeof *q);
    q->text = keep;
    q->filter = q->having = -1;
    q->limit = q->offset = -1;
    if (chance(d, 7)) {
        gen_check(d, q);
        return;
    }
    if (chance(d, 5)) {
        /* FIND COUNT(*) WHERE one bare pattern: answered from the store's term statistics
         * when it has at most one constant, so those must follow every change. */
        qpat *p = &q->pats[q->npats++];
        pat_init(p);
        p->neg = chance(d, 25);
        int nconst = rnd(d, 100) < 45 ? 1 : chance(d, 50) ? 0 : 2;
        int cpos[3] = {0, 1, 2};
        shuffle(d, cpos, 3);
        for (int k = 0; k < 3; k++) {
            qterm *t = &p->spo[k];
            bool c = false;
            for (int j = 0; j < nconst; j++)
                c |= cpos[j] == k;
            if (c)
                gen_const(d, t, k);
            else if (chance(d, 50))
                t->kind = Q_ANON;
            else {
                t->kind = Q_VAR;
                t->var = chance(d, 10) && q->nvars
                             ? rnd(d, q->nvars)
                             : var_new(d, q, VT_TERM, k == 1 ? ROLE_P : ROLE_SO);
            }
        }
        q->agg = true;
        int n = chance(d, 20) ? 2 : 1;
        for (int i = 0; i < n; i++) {
            qitem it = {I_COUNT, -1, 0, ""};
            if (chance(d, 50)) snprintf(it.alias, sizeof it.alias, "n%d", i);
            q->items[q->nitems++] = it;
        }
        return;
    }
    int r = rnd(d, 100);
    int npos = r < 35 ? 1 : r < 75 ? 2 : 3;
    for (int i = 0; i < npos; i++)
        gen_positive(d, q, &q->pats[q->npats++], i);
    int nwo = chance(d, 25) ? (chance(d, 15) ? 2 : 1) : 0;
    q->agg = chance(d, 20);
    q->star = !q->agg && chance(d, 20);
    for (int i = 0; i < nwo; i++) {
        /* Anywhere among the patterns, except with FIND * (whose column order is the order
         * of first appearance in the positive patterns): then last. */
        int at = q->star ? q->npats : rnd(d, q->npats + 1);
        memmove(&q->pats[at + 1], &q->pats[at], (size_t)(q->npats - at) * sizeof q->pats[0]);
        gen_without(d, q, &q->pats[at]);
        q->npats++;
    }
    if (chance(d, 45)) q->filter = gen_cond(d, q, 0);
    q->distinct = chance(d, 20);

    if (q->agg) {
        int cand[MAXV];
        for (int i = 0; i < q->nvars; i++)
            cand[i] = i;
        shuffle(d, cand, q->nvars);
        for (int i = 1; i < q->nvars && chance(d, 40); i++)
            if (q->vars[cand[i]].kind == VT_ART) { /* group by an article, or its fields */
                int t = cand[0];
                cand[0] = cand[i];
                cand[i] = t;
                break;
            }
        q->ngroup = rnd(d, 3);
        if (q->ngroup > q->nvars) q->ngroup = q->nvars;
        for (int i = 0; i < q->ngroup; i++) {
            /* GROUP BY ?src or GROUP BY title(?src), date(?src), outlet(?src) */
            q->group[i] = cand[i];
            q->group_fn[i] = q->vars[cand[i]].kind == VT_ART && chance(d, 40) ? rnd(d, 3) : -1;
        }
        for (int i = 0; i < q->ngroup; i++)
            if (chance(d, 80)) {
                bool fn = q->group_fn[i] >= 0;
                qitem it = {fn ? I_FUNC : I_VAR, q->group[i], fn ? q->group_fn[i] : 0, ""};
                if (chance(d, fn ? 50 : 15)) snprintf(it.alias, sizeof it.alias, "g%d", i);
                q->items[q->nitems++] = it;
                q->group_by_name[i] = it.alias[0] && chance(d, 50);
            }
        for (int i = 0; i < q->ngroup; i++)
            if (q->vars[q->group[i]].kind == VT_ART && q->group_fn[i] < 0 && chance(d, 30)) {
                qitem it = {I_FUNC, q->group[i], rnd(d, 3), ""};
                if (chance(d, 50)) snprintf(it.alias, sizeof it.alias, "f%d", i);
                q->items[q->nitems++] = it;
            }
        int na = 1 + (chance(d, 40) ? 1 : 0);
        if (q->ngroup > 0 && chance(d, 15)) {
            na = 0; /* GROUP BY alone: one row per group */
            if (q->nitems == 0)
                q->items[q->nitems++] = q->group_fn[0] < 0
                                            ? (qitem){I_VAR, q->group[0], 0, ""}
                                            : (qitem){I_FUNC, q->group[0], q->group_fn[0], ""};
        }
        for (int i = 0; i < na; i++) {
            int k = rnd(d, 100);
            qitem it = {k < 40 ? I_COUNT : k < 65 ? I_COUNTD : k < 82 ? I_MIN : I_MAX, -1, 0, ""};
            if (it.kind != I_COUNT) it.var = rnd(d, q->nvars);
            if (chance(d, 70)) snprintf(it.alias, sizeof it.alias, "n%d", i);
            q->items[q->nitems++] = it;
        }
        if (q->ngroup > 0 && chance(d, 35)) q->having = gen_having(d, q, 0);
    } else if (q->star) {
        int vs[MAXV];
        int n = star_vars(q, vs);
        for (int i = 0; i < n; i++)
            q->items[q->nitems++] = (qitem){I_VAR, vs[i], 0, ""};
    } else {
        int cand[MAXV];
        for (int i = 0; i < q->nvars; i++)
            cand[i] = i;
        shuffle(d, cand, q->nvars);
        int n = 1 + rnd(d, 3);
        if (n > q->nvars) n = q->nvars;
        for (int i = 0; i < n; i++) {
            qitem it = {I_VAR, cand[i], 0, ""};
            if (chance(d, 20)) snprintf(it.alias, sizeof it.alias, "a%d", i);
            q->items[q->nitems++] = it;
        }
        int art = var_pick(d, q, VT_ART, 0, q->nvars, NULL, 0);
        if (art >= 0 && chance(d, 30)) {
            qitem it = {I_FUNC, art, rnd(d, 3), ""};
            if (chance(d, 50)) snprintf(it.alias, sizeof it.alias, "f0");
            q->items[q->nitems++] = it;
        }
    }

    if (!q->agg && !q->distinct && chance(d, 8)) {
        /* LIMIT/OFFSET without ORDER BY: which rows is open, how many is not. */
        if (chance(d, 85)) q->limit = rnd(d, 8);
        if (q->limit < 0 || chance(d, 35)) q->offset = rnd(d, 5);
    } else if (chance(d, 40)) {
        bool total = chance(d, 55);
        int cols[MAXCOLS], n = 0;
        for (int i = 0; i < q->nitems; i++) {
            if (q->items[i].kind != I_VAR && q->items[i].kind != I_FUNC && !q->items[i].alias[0]) {
                if (!total) continue;
                snprintf(q->items[i].alias, sizeof q->items[i].alias, "n%d", 5 + i);
            }
            cols[n++] = i;
        }
        shuffle(d, cols, n);
        int nk = total ? n : (n > 0 ? 1 + rnd(d, n < 2 ? n : 2) : 0);
        for (int i = 0; i < nk; i++) {
            qorder *o = &q->order[q->norder++];
            o->col = cols[i];
            o->dir = rnd(d, 3);
            const qitem *it = &q->items[cols[i]];
            o->by_name =
                it->kind == I_VAR || it->kind == I_FUNC ? it->alias[0] && chance(d, 40) : true;
            if (it->kind == I_VAR && !it->alias[0]) o->by_name = chance(d, 40);
        }
        if (total && nk > 0) {
            if (chance(d, 85)) q->limit = rnd(d, 8);
            if (q->limit < 0 || chance(d, 35)) q->offset = rnd(d, 5);
        } else if (!q->agg && !q->distinct && chance(d, 25)) {
            /* A last key that is not an output column: the rows' order then only shows in
             * the keys before it. */
            int v = rnd(d, q->nvars);
            bool shown = false;
            for (int i = 0; i < q->nitems; i++)
                shown |= q->items[i].kind == I_VAR && q->items[i].var == v;
            if (!shown) {
                qorder *o = &q->order[q->norder++];
                o->col = -1;
                o->var = v;
                o->dir = rnd(d, 3);
            }
        }
    }
}