/* test_differential.c — differential test of FIND.
 *
 * A deliberately naive reference evaluator (nested loops over every claim and citation, held
 * in plain C arrays) and the engine must agree on random FIND queries over random data.
 *
 * Data (a new database every 100 queries): ~8 subjects and ~8 objects drawn from one pool of
 * 12 terms, 4 predicates, claimants from the same pool (so BY ?who joins), 60-150 citations
 * (400-900 in every fifth data set) over 6 articles (ids 0..5, or ids past one byte such as
 * 300 and 1048576), both polarities, quotes, claimants and confidences present or absent.
 * Terms are written with random case and white space; a term's display form is its first
 * spelling. Also: re-asserted citations, RETRACT (citations and whole claims), ARTICLE
 * metadata, ARTICLE n DUPLICATE OF m, ALIAS (alias spellings used before it are merged,
 * after it they mean the canonical term). Citations go in through claimdb_assert inside
 * BEGIN/COMMIT, the other statements through claimdb_exec; some data sets are queried while
 * the last write transaction is still open.
 *
 * Queries: joins of 1-3 patterns (mostly sharing variables; some cross products and
 * all-constant patterns), constants in any position (changed case and white space, aliases,
 * unknown terms, $parameters bound through the API), '_', a variable repeated in a pattern,
 * NOT, WITHOUT, FROM/QUOTE/BY/CONFIDENCE, BY constant, CITED BY a AND/OR b,
 * [INDEPENDENT] SOURCES op n, FILTER (= != < <= > >= between variables and constants, ~,
 * LIKE, title()/date()/outlet(), AND OR NOT), DISTINCT, GROUP BY with or without COUNT(*),
 * COUNT(DISTINCT), MIN, MAX, ORDER BY, LIMIT/OFFSET, bare one-pattern COUNT(*) (the engine's
 * term-statistics path); sometimes a few rows are stepped and the statement reset first.
 *
 * Checks: rows are rendered from claimdb_column_type/_text ("T:text", "I:n", "R:x", "N" for
 * NULL) and compared as multisets; under ORDER BY the engine's rows must also be in order of
 * the keys that are output columns; LIMIT/OFFSET under an ORDER BY over every output column
 * is compared as a sequence, without ORDER BY by its count and as a sub-multiset. Output
 * column names are checked where the query names them (variable or AS).
 *
 * Where the language text is silent the reference takes these rules: NULL sorts first (and
 * MIN/MAX, COUNT(DISTINCT) skip it; GROUP BY puts NULLs in one group); a constant compared by
 * < or > stands for its term's display form when it names a term, else for its text; BY a
 * constant without FROM means some citation has that claimant; texts (quotes, titles)
 * compare by key for = and !=; ARTICLE changes only the fields it gives; ALIAS rewrites claims
 * stored under the alias's own term (db/store.h). Queries whose result is not determined by
 * the language (LIMIT without a total order, merging two citations of one article) are not
 * generated, or only checked for what is determined.
 *
 * Usage: test_differential [--seed N] [--count N] [--all] [--dump] [--verbose] [--minimize]
 *   --seed N     seed (default fixed; also CLAIMDB_DIFF_SEED)
 *   --count N    number of queries (default 1000; also CLAIMDB_DIFF_COUNT)
 *   --all        report every mismatch instead of stopping at the first
 *   --dump       print each data set as ClaimQL
 *   --verbose    print every query (with the reference's solution and row counts)
 *   --minimize   on a mismatch, drop data statements while it persists and print the rest
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "claimdb.h"

#include <ctype.h>
#include <inttypes.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- options ------------------------------------------------------------------------------ */

static uint64_t opt_seed = 20240611;
static long opt_count = 1000;
static bool opt_all, opt_dump, opt_verbose, opt_minimize;

#define QUERIES_PER_DATASET 100

/* ---- random numbers (splitmix64; every data set and query has its own stream) -------------- */

static uint64_t rng;

static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rnd64(void)
{
    rng += 0x9E3779B97F4A7C15ULL;
    return mix64(rng);
}

static int rnd(int n)
{
    return n <= 1 ? 0 : (int)(rnd64() % (uint64_t)n);
}

static bool chance(int pct)
{
    return rnd(100) < pct;
}

static void reseed(uint64_t a, uint64_t b)
{
    rng = mix64(mix64(opt_seed) ^ mix64(a * 0x100000001B3ULL + 7) ^ mix64(b + 0x51ED27));
}

static void shuffle(int *v, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = rnd(i + 1), t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

/* ---- a growing string --------------------------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->n + k + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + k + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) abort();
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, k + 1);
    b->n += k;
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_put(b, tmp);
}

static void sb_clear(sbuf *b)
{
    b->n = 0;
    if (b->p) b->p[0] = '\0';
}

/* ---- vocabulary --------------------------------------------------------------------------- */

/* 0..11: subjects, objects and claimants; 12..17: predicates. */
static const char *const BASE[] = {"Taliban", "United States", "Qatar", "al-Qaeda", "U.S.", "Kabul",
                                   "Doha", "Ghani", "withdrawal", "peace talks", "O'Brien",
                                   "Pakistan", "demands", "met with", "accepts", "rejects",
                                   "supports", "condemns",
                                   /* 18..21: aliases (ALIAS ... FOR the pool term 0..3) */
                                   "Islamic Emirate", "USA", "Emirate of Qatar", "Al Qaida"};
#define NPOOL 12
#define NBASE 18 /* pool and predicates */
#define NALIAS 4
#define NALL (NBASE + NALIAS)
static const char *const UNKNOWN[] = {"Atlantis", "Narnia", "nobody at all", "Gondor"};
static const char *const QUOTES[] = {"We demand a full withdrawal",
                                     "talks will resume in Doha",
                                     "no comment",
                                     "The ceasefire holds",
                                     "they met twice",
                                     "Kabul rejects the plan",
                                     "an agreement is near",
                                     "We will not accept this"};
#define NQUOTES 8
static const double CONFS[] = {0.0, 0.25, 0.5, 0.8, 0.9, 1.0};
static const char *const REGEXES[] = {"^ta",    "an$",  "a.a", "(qa|do)", "[ku]", "^u", "s$",
                                      "^[a-m]", "e.*e", "\\.", "^we ",    "o'b",  "-",  "^(.)a"};
static const char *const LIKES[] = {"ta%",    "%an",  "%a%",  "_a%",  "u.s.", "%s",  "q___r",
                                    "%with%", "we %", "%O'%", "d_ha", "%",    "%e_", "k%l"};
static const char *const TITLES[] = {"Talks resume in Doha", "Taliban demands withdrawal",
                                     "Kabul: no comment", "A deal is near", "talks stall"};
static const char *const OUTLETS[] = {"AFP", "Reuters", "al Jazeera", "BBC"};
static const char *const DATES[] = {"2018-10-13", "2019-01-05", "2020-02-29", "2021-07-18",
                                    "2021-08-15"};
#define NART 6
/* Article ids of the data set by index (0..NART-1), and one nobody cites (NART). Internally
 * articles are indexes; ids appear only in statements and results. */
static int64_t ART_ID[NART + 1];
static const int64_t ART_IDS_SMALL[NART + 1] = {0, 1, 2, 3, 4, 5, 6};
static const int64_t ART_IDS_BIG[NART + 1] = {0, 1, 7, 255, 300, 1048576, 70000};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The matching key of a term (ASCII here): case folded, white space runs collapsed, trimmed. */
static void term_key(const char *s, char *out, size_t cap)
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
static void spell(const char *base, char *out, size_t cap, bool ws)
{
    int mode = rnd(5); /* 0, 4: as written; 1 lower; 2 upper; 3 random letters */
    size_t n = 0;
    if (ws && chance(8)) out[n++] = ' ';
    for (const char *p = base; *p && n + 8 < cap; p++) {
        char c = *p;
        if (c == ' ' && ws && chance(50)) {
            int k = 2 + rnd(2);
            while (k--)
                out[n++] = chance(15) ? '\t' : ' ';
            continue;
        }
        if (isalpha((unsigned char)c)) {
            if (mode == 1 || (mode == 3 && chance(50)))
                c = (char)tolower((unsigned char)c);
            else if (mode == 2 || (mode == 3 && chance(50)))
                c = (char)toupper((unsigned char)c);
        }
        out[n++] = c;
    }
    if (ws && chance(8)) out[n++] = ' ';
    out[n] = '\0';
}

/* ---- data: the statements of one data set ------------------------------------------------- */

enum { OP_CITE, OP_DUP, OP_RETRACT, OP_META, OP_ALIAS };

typedef struct op {
    int kind;
    int art, dup_of;          /* OP_DUP: ARTICLE art DUPLICATE OF dup_of */
    int nretract, retract[2]; /* OP_RETRACT: FROM these articles; 0: the whole claim */
    int title, outlet, date;  /* OP_META: ARTICLE art [TITLE] [OUTLET] [DATE]; -1: not given */
    bool neg;                 /* OP_CITE */
    int sb, pb, ob, wb;       /* base ids; wb -1: no claimant. OP_ALIAS: ALIAS sb FOR ob */
    bool as, ao, aw;          /* spell s, o, claimant by the alias of their (pool) term */
    char s[64], p[64], o[64], w[64]; /* spellings */
    int article;
    int quote; /* -1: none */
    bool has_conf;
    double conf;
} op;

#define MAXOPS 1400
static op OPS[MAXOPS];
static int nops;
static bool op_on[MAXOPS];

/* Spell the terms of a citation: a term written for the first time gets one spelling (its
 * display form, no white space games) used for all its positions in this citation. */
static bool ds_alias[NALIAS]; /* pool term i (< NALIAS) has an alias in this data set */

static void spell_op(op *o, bool *written)
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
            spell(BASE[b], dst[i], 64, true);
            continue;
        }
        int j = 0;
        while (j < i && bases[j] != b)
            j++;
        if (j < i)
            strcpy(dst[i], first[j]);
        else
            spell(BASE[b], dst[i], 64, false);
        strcpy(first[i], dst[i]);
    }
    for (int i = 0; i < 4; i++)
        if (bases[i] >= 0) written[bases[i]] = true;
}

/* The vocabulary of the current data set (base ids), for constants in queries. */
static int ds_subj[8], ds_obj[8], ds_pred[4], ds_who[5];

/* A skewed index below n: the first half is drawn three times as often, so that some terms
 * are frequent and constants hit. */
static int pick(int n)
{
    return chance(50) ? rnd((n + 1) / 2) : rnd(n);
}

typedef struct gclaim {
    bool neg;
    int s, p, o;
    unsigned arts;
    unsigned
        alias_arts; /* before the ALIAS statements: citations stored under the alias spelling */
} gclaim;

static bool aliasable(int b)
{
    return b >= 0 && b < NALIAS && ds_alias[b];
}

static int gclaim_find(const gclaim *gc, int n, bool neg, int s, int p, int o)
{
    for (int i = 0; i < n; i++)
        if (gc[i].neg == neg && gc[i].s == s && gc[i].p == p && gc[i].o == o) return i;
    return -1;
}

/* RETRACT a claim (whole, or some of its citations) of the generation model. */
static void gen_retract(gclaim *gc, int ngc, bool *written, bool pre_alias)
{
    int live[MAXOPS], n = 0;
    for (int i = 0; i < ngc; i++)
        if (gc[i].arts) live[n++] = i;
    if (n == 0 || nops >= MAXOPS) return;
    gclaim *g = &gc[live[rnd(n)]];
    op *o = &OPS[nops++];
    memset(o, 0, sizeof *o);
    o->kind = OP_RETRACT;
    o->neg = g->neg;
    o->sb = g->s;
    o->pb = g->p;
    o->ob = g->o;
    o->wb = -1;
    /* Before the ALIAS statements a claim may be stored under two spellings (alias or not),
     * which are two claims until then: retract under the spelling of the citations. */
    bool form = false;
    if (pre_alias && g->alias_arts) {
        if (g->alias_arts != g->arts) {
            int a;
            do
                a = rnd(NART);
            while (!(g->arts & (1u << a)));
            form = (g->alias_arts >> a) & 1u;
            o->nretract = 1;
            o->retract[0] = a;
            g->arts &= ~(1u << a);
            g->alias_arts &= ~(1u << a);
        } else {
            form = true;
        }
    }
    if (o->nretract) {
        /* done above */
    } else if (chance(35)) {
        g->arts = g->alias_arts = 0;
    } else {
        o->nretract = 1 + rnd(2);
        for (int k = 0; k < o->nretract; k++) {
            int a = rnd(NART);
            if (k == 0)
                for (int t = 0; t < 20 && !(g->arts & (1u << a)); t++)
                    a = rnd(NART);
            o->retract[k] = a;
            g->arts &= ~(1u << a);
            g->alias_arts &= ~(1u << a);
        }
    }
    if (pre_alias) {
        o->as = form && aliasable(o->sb);
        o->ao = form && aliasable(o->ob);
    } else {
        o->as = aliasable(o->sb) && chance(30);
        o->ao = aliasable(o->ob) && chance(30);
    }
    spell_op(o, written);
}

/* The generation model of the current data set: one entry per canonical claim. */
static gclaim gc[MAXOPS];
static int ngc, ndup;
static bool written[NALL], has_dup[NART], pre_alias;

static void gen_citations(int n, int alias_at);

static void gen_data(bool dense)
{
    memcpy(ART_ID, chance(50) ? ART_IDS_SMALL : ART_IDS_BIG, sizeof ART_ID);
    int subj[NPOOL], obj[NPOOL], preds[6];
    for (int i = 0; i < NPOOL; i++)
        subj[i] = obj[i] = i;
    shuffle(subj, NPOOL);
    shuffle(obj, NPOOL);
    for (int i = 0; i < 6; i++)
        preds[i] = NPOOL + i;
    shuffle(preds, 6);
    if (chance(40)) preds[3] = rnd(NPOOL); /* a pool term as predicate: ?x ?x _ can match */
    memcpy(ds_subj, subj, sizeof ds_subj);
    memcpy(ds_obj, obj, sizeof ds_obj);
    memcpy(ds_pred, preds, sizeof ds_pred);
    int who[NPOOL];
    for (int i = 0; i < NPOOL; i++)
        who[i] = i;
    shuffle(who, NPOOL);
    memcpy(ds_who, who, sizeof ds_who);
    ngc = ndup = 0;
    memset(written, 0, sizeof written);
    memset(has_dup, 0, sizeof has_dup);
    int ncit = 60 + rnd(91);
    if (dense) ncit = 400 + rnd(500); /* many pages, many citations per claim */
    nops = 0;
    /* Aliases: all ALIAS statements at one point; alias spellings before it make claims of
     * their own (merged into the canonical ones by ALIAS), after it they mean the canonical
     * term. Articles never collide in a merge (one model claim per canonical claim). */
    int nalias = 0, alias_at = -1;
    for (int i = 0; i < NALIAS; i++)
        ds_alias[i] = false;
    if (chance(50)) {
        for (int i = 0; i < NALIAS; i++)
            nalias += ds_alias[i] = chance(50);
        alias_at = rnd(ncit);
    }
    pre_alias = nalias > 0;
    gen_citations(ncit, alias_at);
    for (int i = rnd(4); i > 0; i--)
        gen_retract(gc, ngc, written, pre_alias);
    for (int i = 0; i < nops; i++)
        op_on[i] = true;
}

/* n more citations (and now and then a re-assertion, RETRACT, ARTICLE); the ALIAS statements
 * go before citation alias_at. */
static void gen_citations(int n, int alias_at)
{
    for (int i = 0; i < n && nops < MAXOPS - 10; i++) {
        if (i == alias_at) {
            for (int k = 0; k < NALIAS; k++) {
                if (!ds_alias[k]) continue;
                op *al = &OPS[nops++];
                memset(al, 0, sizeof *al);
                al->kind = OP_ALIAS;
                al->sb = NBASE + k;
                al->ob = k;
                al->pb = al->wb = -1;
                spell_op(al, written);
            }
            for (int k = 0; k < ngc; k++)
                gc[k].alias_arts = 0;
            pre_alias = false;
        }
        int ci = -1, r = rnd(100);
        if (ngc > 0 && r < 35) {
            ci = rnd(ngc);
        } else if (ngc > 0 && r < 43) {
            gclaim g = gc[rnd(ngc)];
            ci = gclaim_find(gc, ngc, !g.neg, g.s, g.p, g.o);
            if (ci < 0) {
                gc[ngc] = (gclaim){!g.neg, g.s, g.p, g.o, 0, 0};
                ci = ngc++;
            }
        } else {
            bool neg = chance(22);
            int s = ds_subj[pick(8)], p = ds_pred[pick(4)], o = chance(5) ? s : ds_obj[pick(8)];
            ci = gclaim_find(gc, ngc, neg, s, p, o);
            if (ci < 0) {
                gc[ngc] = (gclaim){neg, s, p, o, 0, 0};
                ci = ngc++;
            }
        }
        if (gc[ci].arts == (1u << NART) - 1) continue;
        int a;
        do
            a = rnd(NART);
        while (gc[ci].arts & (1u << a));
        gc[ci].arts |= 1u << a;
        op *o = &OPS[nops++];
        memset(o, 0, sizeof *o);
        o->kind = OP_CITE;
        o->neg = gc[ci].neg;
        o->sb = gc[ci].s;
        o->pb = gc[ci].p;
        o->ob = gc[ci].o;
        o->wb = chance(50) ? ds_who[pick(5)] : -1;
        o->article = a;
        if (pre_alias) {
            bool form = (aliasable(o->sb) || aliasable(o->ob)) && chance(30);
            o->as = form && aliasable(o->sb);
            o->ao = form && aliasable(o->ob);
            if (form) gc[ci].alias_arts |= 1u << a;
        } else {
            o->as = aliasable(o->sb) && chance(25);
            o->ao = aliasable(o->ob) && chance(25);
            o->aw = aliasable(o->wb) && chance(25);
        }
        o->quote = chance(60) ? rnd(NQUOTES) : -1;
        o->has_conf = chance(50);
        o->conf = o->has_conf ? CONFS[rnd(NELEM(CONFS))] : 0.0;
        spell_op(o, written);
        if (chance(8)) {
            /* Assert an earlier citation again, the same values in other spellings. */
            int k = rnd(nops);
            /* the latest version of that citation: an update with other values would depend
             * on whether absent fields are cleared or kept, which the language leaves open */
            for (int j = nops - 1; j > k && OPS[k].kind == OP_CITE; j--)
                if (OPS[j].kind == OP_CITE && OPS[j].neg == OPS[k].neg && OPS[j].sb == OPS[k].sb &&
                    OPS[j].pb == OPS[k].pb && OPS[j].ob == OPS[k].ob &&
                    OPS[j].article == OPS[k].article) {
                    k = j;
                    break;
                }
            int g = OPS[k].kind == OP_CITE
                        ? gclaim_find(gc, ngc, OPS[k].neg, OPS[k].sb, OPS[k].pb, OPS[k].ob)
                        : -1;
            unsigned bit = 1u << OPS[k].article;
            /* only a live citation, and before ALIAS under the spelling it is stored with */
            if (g >= 0 && (gc[g].arts & bit) &&
                (!pre_alias || ((gc[g].alias_arts & bit) != 0) == (OPS[k].as || OPS[k].ao))) {
                op *c = &OPS[nops++];
                *c = OPS[k];
                spell_op(c, written);
            }
        }
        if (chance(5)) gen_retract(gc, ngc, written, pre_alias);
        if (chance(6)) {
            op *m = &OPS[nops++];
            memset(m, 0, sizeof *m);
            m->kind = OP_META;
            m->art = rnd(NART);
            m->title = chance(60) ? rnd(NELEM(TITLES)) : -1;
            m->outlet = chance(60) ? rnd(NELEM(OUTLETS)) : -1;
            m->date = chance(60) || (m->title < 0 && m->outlet < 0) ? rnd(NELEM(DATES)) : -1;
        }
        if (ndup < 2 && chance(4)) {
            int x = 1 + rnd(NART - 1);
            if (!has_dup[x]) {
                has_dup[x] = true;
                op *d = &OPS[nops++];
                memset(d, 0, sizeof *d);
                d->kind = OP_DUP;
                d->art = x;
                d->dup_of = rnd(x);
                ndup++;
            }
        }
    }
}

static void claimql_string(sbuf *b, const char *s)
{
    sb_put(b, "\"");
    for (; *s; s++) {
        char c[3] = {*s, 0, 0};
        if (*s == '"' || *s == '\\')
            c[0] = '\\', c[1] = *s;
        else if (*s == '\t')
            c[0] = '\\', c[1] = 't';
        else if (*s == '\n')
            c[0] = '\\', c[1] = 'n';
        sb_put(b, c);
    }
    sb_put(b, "\"");
}

static void retract_statement(sbuf *b, const op *o)
{
    sb_put(b, o->neg ? "RETRACT NOT " : "RETRACT ");
    claimql_string(b, o->s);
    sb_put(b, " ");
    claimql_string(b, o->p);
    sb_put(b, " ");
    claimql_string(b, o->o);
    for (int k = 0; k < o->nretract; k++)
        sb_printf(b, "%s%" PRId64, k ? ", " : " FROM ", ART_ID[o->retract[k]]);
    sb_put(b, ";");
}

static void alias_statement(sbuf *b, const op *o)
{
    sb_put(b, "ALIAS ");
    claimql_string(b, o->s);
    sb_put(b, " FOR ");
    claimql_string(b, o->o);
    sb_put(b, ";");
}

static void meta_statement(sbuf *b, const op *o)
{
    sb_printf(b, "ARTICLE %" PRId64, ART_ID[o->art]);
    if (o->title >= 0) {
        sb_put(b, " TITLE ");
        claimql_string(b, TITLES[o->title]);
    }
    if (o->outlet >= 0) {
        sb_put(b, " OUTLET ");
        claimql_string(b, OUTLETS[o->outlet]);
    }
    if (o->date >= 0) sb_printf(b, " DATE %s", DATES[o->date]);
    sb_put(b, ";");
}

/* The enabled statements as a ClaimQL script (for --dump and reproductions). */
static void data_script(sbuf *b)
{
    for (int i = 0; i < nops; i++) {
        if (!op_on[i]) continue;
        const op *o = &OPS[i];
        if (o->kind == OP_DUP) {
            sb_printf(b, "ARTICLE %" PRId64 " DUPLICATE OF %" PRId64 ";\n", ART_ID[o->art],
                      ART_ID[o->dup_of]);
            continue;
        }
        if (o->kind == OP_RETRACT || o->kind == OP_META || o->kind == OP_ALIAS) {
            (o->kind == OP_RETRACT ? retract_statement
             : o->kind == OP_META  ? meta_statement
                                   : alias_statement)(b, o);
            sb_put(b, "\n");
            continue;
        }
        sb_put(b, o->neg ? "ASSERT NOT " : "ASSERT ");
        claimql_string(b, o->s);
        sb_put(b, " ");
        claimql_string(b, o->p);
        sb_put(b, " ");
        claimql_string(b, o->o);
        sb_printf(b, " FROM %" PRId64, ART_ID[o->article]);
        if (o->quote >= 0) {
            sb_put(b, " QUOTE ");
            claimql_string(b, QUOTES[o->quote]);
        }
        if (o->wb >= 0) {
            sb_put(b, " BY ");
            claimql_string(b, o->w);
        }
        if (o->has_conf) sb_printf(b, " CONFIDENCE %g", o->conf);
        sb_put(b, ";\n");
    }
}

/* ---- the reference store: plain arrays ---------------------------------------------------- */

#define MAXTERMS 64
#define MAXCLAIMS MAXOPS

typedef struct rterm {
    char key[64];
    char display[64];
} rterm;

typedef struct rclaim {
    bool neg;
    int s, p, o;
    int ncite;
    int cites[NART];
} rclaim;

typedef struct rcite {
    int claim;
    int article;
    int quote;    /* -1: none */
    int claimant; /* term id, -1: none */
    bool has_conf;
    double conf;
} rcite;

static rterm T[MAXTERMS];
static int nterms;
static rclaim C[MAXCLAIMS];
static int nclaims;
static rcite CT[MAXOPS];
static int ncites;
static int dup_of[NART];
static int art_title[NART], art_outlet[NART], art_date[NART]; /* -1: none */

static bool ref_ambiguous; /* an ALIAS merged two citations of one article (unspecified) */
static char alias_key[NALIAS][64];
static int alias_target[NALIAS], naliases;

/* A term's own entry, ignoring aliases. */
static int term_own(const char *text)
{
    char k[64];
    term_key(text, k, sizeof k);
    for (int i = 0; i < nterms; i++)
        if (!strcmp(T[i].key, k)) return i;
    return -1;
}

static int term_lookup(const char *text)
{
    char k[64];
    term_key(text, k, sizeof k);
    for (int i = 0; i < naliases; i++)
        if (!strcmp(alias_key[i], k)) return alias_target[i];
    return term_own(text);
}

static int term_intern(const char *text)
{
    int t = term_lookup(text);
    if (t >= 0) return t;
    assert_true(nterms < MAXTERMS);
    term_key(text, T[nterms].key, sizeof T[nterms].key);
    snprintf(T[nterms].display, sizeof T[nterms].display, "%s", text);
    return nterms++;
}

static void build_ref(void)
{
    nterms = nclaims = ncites = naliases = 0;
    ref_ambiguous = false;
    for (int a = 0; a < NART; a++)
        dup_of[a] = art_title[a] = art_outlet[a] = art_date[a] = -1;
    for (int i = 0; i < nops; i++) {
        if (!op_on[i]) continue;
        const op *o = &OPS[i];
        if (o->kind == OP_DUP) {
            dup_of[o->art] = o->dup_of;
            continue;
        }
        if (o->kind == OP_ALIAS) {
            /* From now on the alias's key means the canonical term; claims stored with the
             * alias's own term are rewritten onto it, their citations merged. */
            int c = term_intern(o->o), a = term_own(o->s);
            term_key(o->s, alias_key[naliases], sizeof alias_key[0]);
            alias_target[naliases++] = c;
            if (a < 0 || a == c) continue;
            for (int k = 0; k < ncites; k++)
                if (CT[k].claimant == a) CT[k].claimant = c;
            for (int ci = 0; ci < nclaims; ci++) {
                rclaim *x = &C[ci];
                if (x->s == a) x->s = c;
                if (x->p == a) x->p = c;
                if (x->o == a) x->o = c;
            }
            for (int ci = 0; ci < nclaims; ci++)
                for (int cj = ci + 1; cj < nclaims; cj++) {
                    rclaim *x = &C[ci], *y = &C[cj];
                    if (x->neg != y->neg || x->s != y->s || x->p != y->p || x->o != y->o) continue;
                    for (int k = 0; k < y->ncite; k++) {
                        bool have = false;
                        for (int j = 0; j < x->ncite; j++)
                            have |= CT[x->cites[j]].article == CT[y->cites[k]].article;
                        if (!have) x->cites[x->ncite++] = y->cites[k];
                        ref_ambiguous |= have;
                    }
                    y->ncite = 0;
                    y->neg = !y->neg; /* never found again */
                    y->s = y->p = y->o = -2;
                }
            continue;
        }
        if (o->kind == OP_META) {
            /* Create or update: the fields given replace, the others stay. */
            if (o->title >= 0) art_title[o->art] = o->title;
            if (o->outlet >= 0) art_outlet[o->art] = o->outlet;
            if (o->date >= 0) art_date[o->art] = o->date;
            continue;
        }
        if (o->kind == OP_RETRACT) {
            /* Drop those citations (or all); a claim left without any is gone (ncite 0). */
            int rs = term_lookup(o->s), rp = term_lookup(o->p), ro = term_lookup(o->o);
            for (int ci = 0; ci < nclaims; ci++) {
                rclaim *c = &C[ci];
                if (c->neg != o->neg || c->s != rs || c->p != rp || c->o != ro) continue;
                int w = 0;
                for (int k = 0; k < c->ncite; k++) {
                    bool drop = o->nretract == 0;
                    for (int j = 0; j < o->nretract; j++)
                        drop |= CT[c->cites[k]].article == o->retract[j];
                    if (!drop) c->cites[w++] = c->cites[k];
                }
                c->ncite = w;
            }
            continue;
        }
        int s = term_intern(o->s), p = term_intern(o->p), ob = term_intern(o->o);
        int w = o->wb >= 0 ? term_intern(o->w) : -1;
        int ci = 0;
        while (ci < nclaims &&
               !(C[ci].neg == o->neg && C[ci].s == s && C[ci].p == p && C[ci].o == ob))
            ci++;
        if (ci == nclaims) {
            C[nclaims++] = (rclaim){o->neg, s, p, ob, 0, {0}};
        }
        int ti = -1;
        for (int k = 0; k < C[ci].ncite; k++)
            if (CT[C[ci].cites[k]].article == o->article) ti = C[ci].cites[k];
        if (ti < 0) {
            ti = ncites++;
            C[ci].cites[C[ci].ncite++] = ti;
        }
        CT[ti] = (rcite){ci, o->article, o->quote, w, o->has_conf, o->conf};
    }
}

static int article_root(int a)
{
    for (int depth = 0; depth < 64 && a >= 0 && a < NART && dup_of[a] >= 0; depth++)
        a = dup_of[a];
    return a;
}

/* ---- queries ------------------------------------------------------------------------------ */

enum { VT_TERM, VT_ART, VT_QUOTE, VT_CONF };
enum { ROLE_SO = 1, ROLE_P = 2, ROLE_WHO = 4 };
enum { Q_CONST, Q_VAR, Q_ANON };
enum { CL_FROM, CL_QUOTE, CL_BY, CL_CONF, CL_CITED, CL_SOURCES };
enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };
static const char *const CMP_TEXT[] = {"=", "!=", "<", "<=", ">", ">="};

#define MAXV 16
#define MAXPATS 6
#define MAXCOLS 16
#define MAXEX 24

typedef struct qvar {
    char name[8];
    int kind;
    int role;
} qvar;

typedef struct qterm {
    int kind;
    int var;
    int term; /* resolved: the reference's term id, -1: unknown */
    char text[64];
} qterm;

typedef struct qpat {
    bool neg, without, omit_and;
    qterm spo[3];
    int src, quote, who, conf; /* variables, -1: absent */
    bool has_by_const;
    qterm by;
    int cited_mode; /* 0 none, 1 AND (all), 2 OR (any) */
    int ncited, cited[3];
    int src_op; /* -1: no SOURCES clause */
    int src_n;
    bool indep;
    int corder[6], nclauses;
} qpat;

enum { E_AND, E_OR, E_NOT, E_CMP, E_REGEX, E_LIKE };
enum { O_VAR, O_TERM, O_INT, O_REAL, O_FUNC, O_DATE };
enum { F_TITLE, F_DATE, F_OUTLET };
static const char *const FUNC_NAME[] = {"title", "date", "outlet"};

typedef struct operand {
    int kind;
    int var;
    int fn;   /* O_FUNC: F_* of ?var */
    int term; /* O_TERM, resolved */
    char text[64];
    int64_t i;
    double r;
} operand;

typedef struct expr {
    int kind, cmp;
    operand a, b;
    const char *pat;
    int l, r;
} expr;

enum { I_VAR, I_COUNT, I_COUNTD, I_MIN, I_MAX, I_FUNC };

typedef struct qitem {
    int kind, var, fn;
    char alias[16];
} qitem;

typedef struct qorder {
    int col; /* output column, or -1: ?var, which is not one */
    int var;
    int dir; /* 0 none, 1 ASC, 2 DESC */
    bool by_name;
} qorder;

typedef struct query {
    qvar vars[MAXV];
    int nvars;
    qpat pats[MAXPATS];
    int npats;
    expr ex[MAXEX];
    int nex, filter;
    bool distinct, star, agg;
    int group[3], ngroup;
    qitem items[MAXCOLS];
    int nitems;
    qorder order[MAXCOLS];
    int norder;
    int limit, offset; /* -1: none */
    sbuf text;
    /* $parameters the rendering used, bound through the API before stepping */
    struct qparam {
        char name[16];
        int kind; /* 0 text, 1 integer, 2 real */
        char text[64];
        int64_t i;
        double r;
    } params[40];
    int nparams;
    int reset_after; /* > 0: step that many rows, claimdb_reset, then run for real */
} query;

static int var_new(query *q, int kind, int role)
{
    static const char *const names[4][8] = {
        {"x", "y", "z", "u", "v", "w", "t", "r"}, {"src", "art", "doc"}, {"q", "q2"}, {"c", "c2"}};
    static const int maxn[4] = {8, 3, 2, 2};
    int have = 0, any[MAXV];
    for (int i = 0; i < q->nvars; i++)
        if (q->vars[i].kind == kind) any[have++] = i;
    if (have >= maxn[kind]) {
        int v = any[rnd(have)];
        q->vars[v].role |= role;
        return v;
    }
    qvar *v = &q->vars[q->nvars];
    snprintf(v->name, sizeof v->name, "%s", names[kind][have]);
    v->kind = kind;
    v->role = role;
    return q->nvars++;
}

/* A variable of kind among the first `limit`, with a role in rolemask (0: any), not in excl. */
static int var_pick(const query *q, int kind, int rolemask, int limit, const int *excl, int nexcl)
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
    return n ? cand[rnd(n)] : -1;
}

/* A constant for position which (0 subject, 1 predicate, 2 object, 3 claimant): mostly a
 * term of the data set's vocabulary for that position, sometimes another or an unknown one. */
static void gen_const(qterm *t, int which)
{
    t->kind = Q_CONST;
    t->var = -1;
    int r = rnd(100), b;
    if (r < 6) {
        spell(UNKNOWN[rnd(NELEM(UNKNOWN))], t->text, sizeof t->text, true);
        return;
    }
    if (r < 88)
        b = which == 0   ? ds_subj[pick(8)]
            : which == 1 ? ds_pred[pick(4)]
            : which == 2 ? ds_obj[pick(8)]
                         : ds_who[pick(5)];
    else
        b = rnd(which == 1 ? NBASE : NPOOL);
    if (aliasable(b) && chance(25)) b += NBASE; /* the alias means the term */
    spell(BASE[b], t->text, sizeof t->text, true);
}

/* BY constant together with FROM. (This test found that an unknown constant matched every
 * citation without a claimant; fixed in 97c4647, so unknown constants are drawn here too.) */
static void gen_by_const_from(qpat *p)
{
    p->has_by_const = true;
    gen_const(&p->by, 3);
}

static void pat_init(qpat *p)
{
    memset(p, 0, sizeof *p);
    p->src = p->quote = p->who = p->conf = -1;
    p->src_op = -1;
}

static void gen_clause_extras(qpat *p, int pct)
{
    if (chance(pct)) {
        int ids[NART + 1];
        for (int i = 0; i <= NART; i++)
            ids[i] = i; /* NART itself: an article nobody cites */
        shuffle(ids, NART + 1);
        p->ncited = 1 + rnd(3);
        for (int i = 0; i < p->ncited; i++)
            p->cited[i] = ids[i];
        p->cited_mode = p->ncited == 1 ? 1 : 1 + rnd(2);
    }
    if (chance(pct)) {
        p->src_op = rnd(6);
        p->src_n = chance(10) ? 0 : 1 + rnd(3);
        p->indep = chance(35);
    }
}

static void pat_order_clauses(qpat *p)
{
    p->nclauses = 0;
    if (p->src >= 0) p->corder[p->nclauses++] = CL_FROM;
    if (p->quote >= 0) p->corder[p->nclauses++] = CL_QUOTE;
    if (p->who >= 0 || p->has_by_const) p->corder[p->nclauses++] = CL_BY;
    if (p->conf >= 0) p->corder[p->nclauses++] = CL_CONF;
    if (p->cited_mode) p->corder[p->nclauses++] = CL_CITED;
    if (p->src_op >= 0) p->corder[p->nclauses++] = CL_SOURCES;
    shuffle(p->corder, p->nclauses);
}

static void gen_positive(query *q, qpat *p, int pi)
{
    pat_init(p);
    int before = q->nvars;
    int inpat[8], ninpat = 0;
    /* Patterns after the first mostly share a variable with the earlier ones; some do not
     * (a cross product), and some are all constants (each match multiplies the rows). */
    int link = -1; /* 0 / 2: subject / object reuses an earlier variable; 3: FROM does */
    bool all_const = false;
    if (pi > 0) {
        link = rnd(2) ? 0 : 2;
        if (chance(20) && var_pick(q, VT_ART, 0, before, NULL, 0) >= 0) link = 3;
        if (chance(10)) {
            link = -1;
            all_const = chance(60);
        }
    }
    p->neg = chance(20);
    for (int pos = 0; pos < 3; pos++) {
        qterm *t = &p->spo[pos];
        int role = pos == 1 ? ROLE_P : ROLE_SO;
        if (pos == link) {
            int v = var_pick(q, VT_TERM, ROLE_SO | ROLE_WHO, before, NULL, 0);
            if (v < 0) v = var_pick(q, VT_TERM, 0, before, NULL, 0);
            t->kind = Q_VAR;
            t->var = v;
            q->vars[v].role |= role;
            inpat[ninpat++] = v;
            continue;
        }
        int r = all_const ? 0 : rnd(100);
        int pconst = pos == 1 ? 55 : 25, pvar = pos == 1 ? 28 : 62;
        if (r < pconst) {
            gen_const(t, pos);
        } else if (r < pconst + pvar) {
            int v = -1;
            if (chance(pos == 1 ? 30 : 50))
                v = var_pick(q, VT_TERM, pos == 1 ? ROLE_P : ROLE_SO | ROLE_WHO, q->nvars, inpat,
                             chance(85) ? ninpat : 0);
            if (v < 0) v = var_new(q, VT_TERM, role);
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
        p->spo[0].var = var_new(q, VT_TERM, ROLE_SO);
        inpat[ninpat++] = p->spo[0].var;
    }
    if (link == 3 || chance(40)) {
        int v = -1;
        if (link == 3)
            v = var_pick(q, VT_ART, 0, before, NULL, 0);
        else if (chance(35))
            v = var_pick(q, VT_ART, 0, q->nvars, NULL, 0);
        if (v < 0) v = var_new(q, VT_ART, 0);
        p->src = v;
        if (chance(30)) {
            v = chance(12) ? var_pick(q, VT_QUOTE, 0, q->nvars, NULL, 0) : -1;
            p->quote = v >= 0 ? v : var_new(q, VT_QUOTE, 0);
        }
        if (chance(35)) {
            v = chance(50) ? var_pick(q, VT_TERM, ROLE_SO | ROLE_WHO, q->nvars, inpat,
                                      chance(70) ? ninpat : 0)
                           : -1;
            if (v < 0) v = var_new(q, VT_TERM, ROLE_WHO);
            q->vars[v].role |= ROLE_WHO;
            p->who = v;
        } else if (chance(12)) {
            gen_by_const_from(p);
        }
        if (chance(30)) {
            v = chance(12) ? var_pick(q, VT_CONF, 0, q->nvars, NULL, 0) : -1;
            p->conf = v >= 0 ? v : var_new(q, VT_CONF, 0);
        }
    } else if (chance(8)) {
        p->has_by_const = true;
        gen_const(&p->by, 3);
    }
    gen_clause_extras(p, 15);
    pat_order_clauses(p);
}

/* A WITHOUT pattern: only variables the positive patterns bind. */
static void gen_without(query *q, qpat *p)
{
    pat_init(p);
    p->without = true;
    p->neg = chance(25);
    bool hasvar = false;
    for (int pos = 0; pos < 3; pos++) {
        qterm *t = &p->spo[pos];
        int r = rnd(100), v = -1;
        if (pos == 1) {
            if (r < 60)
                gen_const(t, 1);
            else if (r < 70 && (v = var_pick(q, VT_TERM, ROLE_P, q->nvars, NULL, 0)) >= 0)
                t->kind = Q_VAR, t->var = v;
            else
                t->kind = Q_ANON;
        } else {
            if (r < 55 && (v = var_pick(q, VT_TERM, ROLE_SO | ROLE_WHO, q->nvars, NULL, 0)) >= 0)
                t->kind = Q_VAR, t->var = v;
            else if (r < 85)
                gen_const(t, pos);
            else
                t->kind = Q_ANON;
        }
        hasvar |= t->kind == Q_VAR;
    }
    if (!hasvar && chance(85)) {
        int pos = rnd(2) ? 0 : 2;
        int v = var_pick(q, VT_TERM, ROLE_SO | ROLE_WHO, q->nvars, NULL, 0);
        if (v >= 0) p->spo[pos].kind = Q_VAR, p->spo[pos].var = v;
    }
    int v;
    if (chance(20) && (v = var_pick(q, VT_ART, 0, q->nvars, NULL, 0)) >= 0) {
        p->src = v;
        if (chance(15)) p->quote = var_pick(q, VT_QUOTE, 0, q->nvars, NULL, 0);
        if (chance(25))
            p->who = var_pick(q, VT_TERM, ROLE_SO | ROLE_WHO, q->nvars, NULL, 0);
        else if (chance(15)) {
            gen_by_const_from(p);
        }
        if (chance(10)) p->conf = var_pick(q, VT_CONF, 0, q->nvars, NULL, 0);
    } else if (chance(8)) {
        p->has_by_const = true;
        gen_const(&p->by, 3);
    }
    gen_clause_extras(p, 10);
    p->omit_and = chance(40);
    pat_order_clauses(p);
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

static int gen_leaf(query *q)
{
    int v = rnd(q->nvars);
    const qvar *qv = &q->vars[v];
    int r = rnd(100);
    int ei;
    switch (qv->kind) {
    case VT_TERM:
        if (r < 45) {
            ei = new_expr(q, E_CMP);
            expr *e = &q->ex[ei];
            e->cmp = chance(60) ? rnd(2) : 2 + rnd(4);
            operand_var(&e->a, v);
            e->b.kind = O_TERM;
            qterm c;
            gen_const(&c, qv->role & ROLE_P ? 1 : qv->role & ROLE_WHO ? 3 : rnd(2) ? 0 : 2);
            memcpy(e->b.text, c.text, sizeof e->b.text);
            if (chance(25)) {
                operand t = e->a;
                e->a = e->b;
                e->b = t;
            }
        } else if (r < 65) {
            ei = new_expr(q, E_CMP);
            expr *e = &q->ex[ei];
            e->cmp = chance(60) ? rnd(2) : 2 + rnd(4);
            operand_var(&e->a, v);
            int w = var_pick(q, VT_TERM, 0, q->nvars, &v, chance(80) ? 1 : 0);
            operand_var(&e->b, w >= 0 ? w : v);
        } else if (r < 83) {
            ei = new_expr(q, E_REGEX);
            operand_var(&q->ex[ei].a, v);
            q->ex[ei].pat = REGEXES[rnd(NELEM(REGEXES))];
        } else {
            ei = new_expr(q, E_LIKE);
            operand_var(&q->ex[ei].a, v);
            q->ex[ei].pat = LIKES[rnd(NELEM(LIKES))];
        }
        return ei;
    case VT_ART:
        if (r < 40) {
            int fn = rnd(3), k = rnd(100);
            if (fn == F_DATE || k < 40) {
                ei = new_expr(q, E_CMP);
                expr *e = &q->ex[ei];
                e->cmp = fn == F_OUTLET && chance(70) ? rnd(2) : rnd(6);
                if (fn == F_DATE) {
                    static const char *const ds[] = {"2019-01-05", "2020-01-01", "2021-07-18",
                                                     "2021-12-31"};
                    e->b.kind = O_DATE;
                    snprintf(e->b.text, sizeof e->b.text, "%s", ds[rnd(NELEM(ds))]);
                } else {
                    e->b.kind = O_TERM;
                    if (fn == F_OUTLET)
                        spell(OUTLETS[rnd(NELEM(OUTLETS))], e->b.text, sizeof e->b.text, false);
                    else
                        snprintf(e->b.text, sizeof e->b.text, "%s", TITLES[rnd(NELEM(TITLES))]);
                }
            } else {
                ei = new_expr(q, k < 70 ? E_LIKE : E_REGEX);
                q->ex[ei].pat = k < 70 ? LIKES[rnd(NELEM(LIKES))] : REGEXES[rnd(NELEM(REGEXES))];
            }
            expr *e = &q->ex[ei];
            e->a.kind = O_FUNC;
            e->a.var = v;
            e->a.fn = fn;
            if (e->kind == E_CMP && chance(25)) {
                operand t = e->a;
                e->a = e->b;
                e->b = t;
            }
            return ei;
        }
        /* fall through */
    case VT_CONF: {
        ei = new_expr(q, E_CMP);
        expr *e = &q->ex[ei];
        e->cmp = rnd(6);
        operand_var(&e->a, v);
        int w = var_pick(q, qv->kind, 0, q->nvars, &v, 1);
        if (w >= 0 && chance(20)) {
            operand_var(&e->b, w);
        } else if (qv->kind == VT_ART) {
            e->b.kind = O_INT;
            e->b.i = chance(85) ? ART_ID[rnd(NART + 1)] : ART_ID[rnd(NART)] + 1;
        } else {
            static const double cs[] = {0.0, 0.25, 0.5, 0.6, 0.8, 0.9, 1.0};
            e->b.kind = chance(20) ? O_INT : O_REAL;
            if (e->b.kind == O_INT)
                e->b.i = rnd(2);
            else
                e->b.r = cs[rnd(NELEM(cs))];
        }
        if (chance(25)) {
            operand t = e->a;
            e->a = e->b;
            e->b = t;
        }
        return ei;
    }
    default: /* VT_QUOTE */
        if (r < 35) {
            ei = new_expr(q, E_LIKE);
            q->ex[ei].pat = LIKES[rnd(NELEM(LIKES))];
        } else if (r < 65) {
            ei = new_expr(q, E_REGEX);
            q->ex[ei].pat = REGEXES[rnd(NELEM(REGEXES))];
        } else {
            ei = new_expr(q, E_CMP);
            q->ex[ei].cmp = chance(60) ? rnd(2) : 2 + rnd(4);
            q->ex[ei].b.kind = O_TERM;
            snprintf(q->ex[ei].b.text, sizeof q->ex[ei].b.text, "%s", QUOTES[rnd(NQUOTES)]);
        }
        operand_var(&q->ex[ei].a, v);
        return ei;
    }
}

static int gen_cond(query *q, int depth)
{
    if (depth < 2 && q->nex < MAXEX - 4 && chance(35)) {
        int ei = new_expr(q, chance(50) ? E_AND : E_OR);
        int l = gen_cond(q, depth + 1), r = gen_cond(q, depth + 1);
        q->ex[ei].l = l;
        q->ex[ei].r = r;
        return ei;
    }
    if (depth < 2 && q->nex < MAXEX - 4 && chance(12)) {
        int ei = new_expr(q, E_NOT);
        int l = gen_cond(q, depth + 1);
        q->ex[ei].l = l;
        return ei;
    }
    return gen_leaf(q);
}

/* The variables in order of first appearance in the positive patterns (FIND *). */
static int star_vars(const query *q, int *out)
{
    int n = 0;
    bool seen[MAXV] = {false};
    for (int i = 0; i < q->npats; i++) {
        const qpat *p = &q->pats[i];
        if (p->without) continue;
        int vs[8], nv = 0;
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

static void gen_query(query *q)
{
    sbuf keep = q->text;
    memset(q, 0, sizeof *q);
    q->text = keep;
    q->filter = -1;
    q->limit = q->offset = -1;
    if (chance(5)) {
        /* FIND COUNT(*) WHERE one bare pattern: answered from the store's term statistics
         * when it has at most one constant, so those must follow every change. */
        qpat *p = &q->pats[q->npats++];
        pat_init(p);
        p->neg = chance(25);
        int nconst = rnd(100) < 45 ? 1 : chance(50) ? 0 : 2;
        int cpos[3] = {0, 1, 2};
        shuffle(cpos, 3);
        for (int k = 0; k < 3; k++) {
            qterm *t = &p->spo[k];
            bool c = false;
            for (int j = 0; j < nconst; j++)
                c |= cpos[j] == k;
            if (c)
                gen_const(t, k);
            else if (chance(50))
                t->kind = Q_ANON;
            else {
                t->kind = Q_VAR;
                t->var = chance(10) && q->nvars ? rnd(q->nvars)
                                                : var_new(q, VT_TERM, k == 1 ? ROLE_P : ROLE_SO);
            }
        }
        q->agg = true;
        int n = chance(20) ? 2 : 1;
        for (int i = 0; i < n; i++) {
            qitem it = {I_COUNT, -1, 0, ""};
            if (chance(50)) snprintf(it.alias, sizeof it.alias, "n%d", i);
            q->items[q->nitems++] = it;
        }
        return;
    }
    int r = rnd(100);
    int npos = r < 35 ? 1 : r < 75 ? 2 : 3;
    for (int i = 0; i < npos; i++)
        gen_positive(q, &q->pats[q->npats++], i);
    int nwo = chance(25) ? (chance(15) ? 2 : 1) : 0;
    q->agg = chance(20);
    q->star = !q->agg && chance(20);
    for (int i = 0; i < nwo; i++) {
        /* Anywhere among the patterns, except with FIND * (whose column order is the order
         * of first appearance in the positive patterns): then last. */
        int at = q->star ? q->npats : rnd(q->npats + 1);
        memmove(&q->pats[at + 1], &q->pats[at], (size_t)(q->npats - at) * sizeof q->pats[0]);
        gen_without(q, &q->pats[at]);
        q->npats++;
    }
    if (chance(45)) q->filter = gen_cond(q, 0);
    q->distinct = chance(20);

    if (q->agg) {
        int cand[MAXV];
        for (int i = 0; i < q->nvars; i++)
            cand[i] = i;
        shuffle(cand, q->nvars);
        q->ngroup = rnd(3);
        if (q->ngroup > q->nvars) q->ngroup = q->nvars;
        for (int i = 0; i < q->ngroup; i++)
            q->group[i] = cand[i];
        for (int i = 0; i < q->ngroup; i++)
            if (chance(80)) q->items[q->nitems++] = (qitem){I_VAR, q->group[i], 0, ""};
        for (int i = 0; i < q->ngroup; i++)
            if (q->vars[q->group[i]].kind == VT_ART && chance(30)) {
                qitem it = {I_FUNC, q->group[i], rnd(3), ""};
                if (chance(50)) snprintf(it.alias, sizeof it.alias, "f%d", i);
                q->items[q->nitems++] = it;
            }
        int na = 1 + (chance(40) ? 1 : 0);
        if (q->ngroup > 0 && chance(15)) {
            na = 0; /* GROUP BY alone: one row per group */
            if (q->nitems == 0) q->items[q->nitems++] = (qitem){I_VAR, q->group[0], 0, ""};
        }
        for (int i = 0; i < na; i++) {
            int k = rnd(100);
            qitem it = {k < 40 ? I_COUNT : k < 65 ? I_COUNTD : k < 82 ? I_MIN : I_MAX, -1, 0, ""};
            if (it.kind != I_COUNT) it.var = rnd(q->nvars);
            if (chance(70)) snprintf(it.alias, sizeof it.alias, "n%d", i);
            q->items[q->nitems++] = it;
        }
    } else if (q->star) {
        int vs[MAXV];
        int n = star_vars(q, vs);
        for (int i = 0; i < n; i++)
            q->items[q->nitems++] = (qitem){I_VAR, vs[i], 0, ""};
    } else {
        int cand[MAXV];
        for (int i = 0; i < q->nvars; i++)
            cand[i] = i;
        shuffle(cand, q->nvars);
        int n = 1 + rnd(3);
        if (n > q->nvars) n = q->nvars;
        for (int i = 0; i < n; i++) {
            qitem it = {I_VAR, cand[i], 0, ""};
            if (chance(20)) snprintf(it.alias, sizeof it.alias, "a%d", i);
            q->items[q->nitems++] = it;
        }
        int art = var_pick(q, VT_ART, 0, q->nvars, NULL, 0);
        if (art >= 0 && chance(30)) {
            qitem it = {I_FUNC, art, rnd(3), ""};
            if (chance(50)) snprintf(it.alias, sizeof it.alias, "f0");
            q->items[q->nitems++] = it;
        }
    }

    if (!q->agg && !q->distinct && chance(8)) {
        /* LIMIT/OFFSET without ORDER BY: which rows is open, how many is not. */
        if (chance(85)) q->limit = rnd(8);
        if (q->limit < 0 || chance(35)) q->offset = rnd(5);
    } else if (chance(40)) {
        bool total = chance(55);
        int cols[MAXCOLS], n = 0;
        for (int i = 0; i < q->nitems; i++) {
            if (q->items[i].kind != I_VAR && q->items[i].kind != I_FUNC && !q->items[i].alias[0]) {
                if (!total) continue;
                snprintf(q->items[i].alias, sizeof q->items[i].alias, "n%d", 5 + i);
            }
            cols[n++] = i;
        }
        shuffle(cols, n);
        int nk = total ? n : (n > 0 ? 1 + rnd(n < 2 ? n : 2) : 0);
        for (int i = 0; i < nk; i++) {
            qorder *o = &q->order[q->norder++];
            o->col = cols[i];
            o->dir = rnd(3);
            const qitem *it = &q->items[cols[i]];
            o->by_name =
                it->kind == I_VAR || it->kind == I_FUNC ? it->alias[0] && chance(40) : true;
            if (it->kind == I_VAR && !it->alias[0]) o->by_name = chance(40);
        }
        if (total && nk > 0) {
            if (chance(85)) q->limit = rnd(8);
            if (q->limit < 0 || chance(35)) q->offset = rnd(5);
        } else if (!q->agg && !q->distinct && chance(25)) {
            /* A last key that is not an output column: the rows' order then only shows in
             * the keys before it. */
            int v = rnd(q->nvars);
            bool shown = false;
            for (int i = 0; i < q->nitems; i++)
                shown |= q->items[i].kind == I_VAR && q->items[i].var == v;
            if (!shown) {
                qorder *o = &q->order[q->norder++];
                o->col = -1;
                o->var = v;
                o->dir = rnd(3);
            }
        }
    }
}

/* ---- rendering a query as ClaimQL --------------------------------------------------------- */

static void kw(sbuf *b, const char *k)
{
    char out[32];
    int m = rnd(10);
    size_t i = 0;
    for (; k[i] && i + 1 < sizeof out; i++) {
        char c = k[i];
        if (m >= 7) c = (char)((m == 9 && i == 0) ? c : tolower((unsigned char)c));
        out[i] = c;
    }
    out[i] = '\0';
    sb_put(b, out);
}

static bool is_reserved(const char *s)
{
    static const char *const R[] = {
        "AND",    "AS",   "BY",    "CITED",       "CONFIDENCE", "DISTINCT", "FILTER",
        "FOR",    "FROM", "GROUP", "INDEPENDENT", "LIKE",       "LIMIT",    "NOT",
        "OFFSET", "OR",   "ORDER", "QUOTE",       "SOURCES",    "WHERE",    "WITHOUT"};
    for (int i = 0; i < NELEM(R); i++) {
        size_t k = 0;
        while (R[i][k] && s[k] && toupper((unsigned char)s[k]) == R[i][k])
            k++;
        if (!R[i][k] && !s[k]) return true;
    }
    return false;
}

static bool is_bare(const char *s)
{
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_') || (s[0] == '_' && !s[1])) return false;
    for (const char *p = s + 1; *p; p++) {
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.' || *p == '\''))
            return false;
        if (p[0] == '-' && p[1] == '-') return false;
    }
    return !is_reserved(s);
}

static void put_string(sbuf *b, const char *s)
{
    char q = chance(50) ? '"' : '\'';
    char qs[2] = {q, 0};
    sb_put(b, qs);
    for (; *s; s++) {
        char c[3] = {*s, 0, 0};
        if (*s == q || *s == '\\')
            c[0] = '\\', c[1] = *s;
        else if (*s == '\t')
            c[0] = '\\', c[1] = 't';
        sb_put(b, c);
    }
    sb_put(b, qs);
}

static query *render_q; /* the query being rendered (for its parameters) */

/* Write $name for a value and record the binding; a value bound before may reuse its name. */
static bool put_param(sbuf *b, int kind, const char *text, int64_t i, double r)
{
    query *q = render_q;
    if (!q || q->nparams >= NELEM(q->params)) return false;
    for (int k = 0; k < q->nparams; k++) {
        const struct qparam *pp = &q->params[k];
        if (pp->kind == kind &&
            (kind == 0   ? !strcmp(pp->text, text)
             : kind == 1 ? pp->i == i
                         : pp->r == r) &&
            chance(50)) {
            sb_put(b, pp->name);
            return true;
        }
    }
    struct qparam *pp = &q->params[q->nparams];
    snprintf(pp->name, sizeof pp->name, "$p%d", q->nparams);
    pp->kind = kind;
    snprintf(pp->text, sizeof pp->text, "%s", text ? text : "");
    pp->i = i;
    pp->r = r;
    q->nparams++;
    sb_put(b, pp->name);
    return true;
}

static void put_const(sbuf *b, const char *s)
{
    if (chance(10) && put_param(b, 0, s, 0, 0)) return;
    if (is_bare(s) && chance(65))
        sb_put(b, s);
    else
        put_string(b, s);
}

/* An article id, count, LIMIT or OFFSET: a number, sometimes a parameter. */
static void put_uint(sbuf *b, int64_t v)
{
    if (chance(8) && put_param(b, 1, NULL, v, 0)) return;
    sb_printf(b, "%" PRId64, v);
}

static void put_qterm(sbuf *b, const query *q, const qterm *t)
{
    if (t->kind == Q_ANON)
        sb_put(b, "_");
    else if (t->kind == Q_VAR)
        sb_printf(b, "?%s", q->vars[t->var].name);
    else
        put_const(b, t->text);
}

static void put_pattern(sbuf *b, const query *q, const qpat *p)
{
    if (p->neg) {
        kw(b, "NOT");
        sb_put(b, " ");
    }
    for (int k = 0; k < 3; k++) {
        if (k) sb_put(b, " ");
        put_qterm(b, q, &p->spo[k]);
    }
    for (int c = 0; c < p->nclauses; c++) {
        sb_put(b, " ");
        switch (p->corder[c]) {
        case CL_FROM:
            kw(b, "FROM");
            sb_printf(b, " ?%s", q->vars[p->src].name);
            break;
        case CL_QUOTE:
            kw(b, "QUOTE");
            sb_printf(b, " ?%s", q->vars[p->quote].name);
            break;
        case CL_BY:
            kw(b, "BY");
            sb_put(b, " ");
            if (p->who >= 0)
                sb_printf(b, "?%s", q->vars[p->who].name);
            else
                put_const(b, p->by.text);
            break;
        case CL_CONF:
            kw(b, "CONFIDENCE");
            sb_printf(b, " ?%s", q->vars[p->conf].name);
            break;
        case CL_CITED:
            kw(b, "CITED");
            sb_put(b, " ");
            kw(b, "BY");
            for (int i = 0; i < p->ncited; i++) {
                if (i) {
                    sb_put(b, " ");
                    kw(b, p->cited_mode == 1 ? "AND" : "OR");
                }
                sb_put(b, " ");
                put_uint(b, ART_ID[p->cited[i]]);
            }
            break;
        case CL_SOURCES:
            if (p->indep) {
                kw(b, "INDEPENDENT");
                sb_put(b, " ");
            }
            kw(b, "SOURCES");
            sb_printf(b, " %s ", CMP_TEXT[p->src_op]);
            put_uint(b, p->src_n);
            break;
        }
    }
}

static void put_operand(sbuf *b, const query *q, const operand *o)
{
    switch (o->kind) {
    case O_VAR:
        sb_printf(b, "?%s", q->vars[o->var].name);
        break;
    case O_TERM:
        put_const(b, o->text);
        break;
    case O_INT:
        put_uint(b, o->i);
        break;
    case O_FUNC:
        kw(b, FUNC_NAME[o->fn]);
        sb_printf(b, "(?%s)", q->vars[o->var].name);
        break;
    case O_DATE:
        sb_put(b, o->text);
        break;
    default:
        if (chance(8) && put_param(b, 2, NULL, 0, o->r)) break;
        if (o->r == (double)(int64_t)o->r)
            sb_printf(b, "%.1f", o->r); /* 1.0: a real, not an id */
        else
            sb_printf(b, "%g", o->r);
        break;
    }
}

static void put_expr(sbuf *b, const query *q, int ei, bool top)
{
    const expr *e = &q->ex[ei];
    switch (e->kind) {
    case E_AND:
    case E_OR:
        if (!top) sb_put(b, "(");
        put_expr(b, q, e->l, false);
        sb_put(b, " ");
        kw(b, e->kind == E_AND ? "AND" : "OR");
        sb_put(b, " ");
        put_expr(b, q, e->r, false);
        if (!top) sb_put(b, ")");
        break;
    case E_NOT:
        kw(b, "NOT");
        sb_put(b, " (");
        put_expr(b, q, e->l, true);
        sb_put(b, ")");
        break;
    case E_CMP:
        put_operand(b, q, &e->a);
        sb_printf(b, " %s ", CMP_TEXT[e->cmp]);
        put_operand(b, q, &e->b);
        break;
    case E_REGEX:
    case E_LIKE:
        put_operand(b, q, &e->a);
        sb_put(b, " ");
        if (e->kind == E_LIKE)
            kw(b, "LIKE");
        else
            sb_put(b, "~");
        sb_put(b, " ");
        put_string(b, e->pat);
        break;
    }
}

static const char *col_name(const query *q, int i)
{
    const qitem *it = &q->items[i];
    if (it->alias[0]) return it->alias;
    if (it->kind == I_VAR) return q->vars[it->var].name;
    return NULL;
}

static void render_query(query *q)
{
    sbuf *b = &q->text;
    sb_clear(b);
    render_q = q;
    q->nparams = 0;
    q->reset_after = chance(10) ? 1 + rnd(3) : 0;
    kw(b, "FIND");
    sb_put(b, " ");
    if (q->distinct) {
        kw(b, "DISTINCT");
        sb_put(b, " ");
    }
    if (q->star) sb_put(b, "*");
    for (int i = 0; !q->star && i < q->nitems; i++) {
        const qitem *it = &q->items[i];
        if (i) sb_put(b, ", ");
        switch (it->kind) {
        case I_VAR:
            sb_printf(b, "?%s", q->vars[it->var].name);
            break;
        case I_FUNC:
            kw(b, FUNC_NAME[it->fn]);
            sb_printf(b, "(?%s)", q->vars[it->var].name);
            break;
        case I_COUNT:
            kw(b, "COUNT");
            sb_put(b, "(*)");
            break;
        case I_COUNTD:
            kw(b, "COUNT");
            sb_put(b, "(");
            kw(b, "DISTINCT");
            sb_printf(b, " ?%s)", q->vars[it->var].name);
            break;
        default:
            kw(b, it->kind == I_MIN ? "MIN" : "MAX");
            sb_printf(b, "(?%s)", q->vars[it->var].name);
            break;
        }
        if (it->alias[0]) {
            sb_put(b, " ");
            kw(b, "AS");
            sb_printf(b, " %s", it->alias);
        }
    }
    sb_put(b, " ");
    kw(b, "WHERE");
    sb_put(b, " ");
    for (int i = 0; i < q->npats; i++) {
        const qpat *p = &q->pats[i];
        if (i) {
            sb_put(b, " ");
            if (!(p->without && p->omit_and)) {
                kw(b, "AND");
                sb_put(b, " ");
            }
        }
        if (p->without) {
            kw(b, "WITHOUT");
            sb_put(b, " ");
        }
        put_pattern(b, q, p);
    }
    if (q->filter >= 0) {
        sb_put(b, " ");
        kw(b, "FILTER");
        sb_put(b, " ");
        put_expr(b, q, q->filter, chance(70));
    }
    if (q->ngroup) {
        sb_put(b, " ");
        kw(b, "GROUP");
        sb_put(b, " ");
        kw(b, "BY");
        for (int i = 0; i < q->ngroup; i++)
            sb_printf(b, "%s ?%s", i ? "," : "", q->vars[q->group[i]].name);
    }
    if (q->norder) {
        sb_put(b, " ");
        kw(b, "ORDER");
        sb_put(b, " ");
        kw(b, "BY");
        for (int i = 0; i < q->norder; i++) {
            const qorder *o = &q->order[i];
            const qitem *it = &q->items[o->col < 0 ? 0 : o->col];
            sb_put(b, i ? ", " : " ");
            if (o->col < 0) {
                sb_printf(b, "?%s", q->vars[o->var].name);
            } else if (o->by_name) {
                sb_put(b, col_name(q, o->col));
            } else if (it->kind == I_FUNC) {
                kw(b, FUNC_NAME[it->fn]);
                sb_printf(b, "(?%s)", q->vars[it->var].name);
            } else {
                sb_printf(b, "?%s", q->vars[it->var].name);
            }
            if (o->dir) {
                sb_put(b, " ");
                kw(b, o->dir == 1 ? "ASC" : "DESC");
            }
        }
    }
    if (q->limit >= 0) {
        sb_put(b, " ");
        kw(b, "LIMIT");
        sb_put(b, " ");
        put_uint(b, q->limit);
    }
    if (q->offset >= 0) {
        sb_put(b, " ");
        kw(b, "OFFSET");
        sb_put(b, " ");
        put_uint(b, q->offset);
    }
    sb_put(b, ";");
    render_q = NULL;
}

/* Resolve the query's constants against the reference's dictionary. */
static void resolve_query(query *q)
{
    for (int i = 0; i < q->npats; i++) {
        qpat *p = &q->pats[i];
        for (int k = 0; k < 3; k++)
            if (p->spo[k].kind == Q_CONST) p->spo[k].term = term_lookup(p->spo[k].text);
        if (p->has_by_const) p->by.term = term_lookup(p->by.text);
    }
    for (int i = 0; i < q->nex; i++) {
        if (q->ex[i].a.kind == O_TERM) q->ex[i].a.term = term_lookup(q->ex[i].a.text);
        if (q->ex[i].b.kind == O_TERM) q->ex[i].b.term = term_lookup(q->ex[i].b.text);
    }
}

/* ---- result tables: rows of rendered cells ------------------------------------------------ */

#define CELL 96

typedef struct table {
    int ncols, n, cap;
    char *cells;
} table;

static char *cellp(const table *t, int r, int c)
{
    return t->cells + ((size_t)r * (size_t)t->ncols + (size_t)c) * CELL;
}

static void table_reset(table *t, int ncols)
{
    t->ncols = ncols > 0 ? ncols : 1;
    t->n = 0;
}

static int table_add(table *t)
{
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 256;
        char *c = realloc(t->cells, (size_t)cap * MAXCOLS * CELL);
        if (!c) abort();
        t->cells = c;
        t->cap = cap;
    }
    memset(cellp(t, t->n, 0), 0, (size_t)t->ncols * CELL);
    return t->n++;
}

static int cell_rank(const char *c)
{
    return c[0] == 'N' ? 0 : (c[0] == 'I' || c[0] == 'R') ? 1 : 2;
}

/* The order of ORDER BY, MIN and MAX: NULL first, numbers by value, texts by bytes. */
static int cmp_cell(const char *a, const char *b)
{
    int ra = cell_rank(a), rb = cell_rank(b);
    if (ra != rb) return ra < rb ? -1 : 1;
    if (ra == 0) return 0;
    if (ra == 1) {
        double x = strtod(a + 2, NULL), y = strtod(b + 2, NULL);
        return x < y ? -1 : x > y;
    }
    return strcmp(a + 2, b + 2);
}

static const query *sort_q;
static int sort_ncols;

static int cmp_row_full(const void *pa, const void *pb)
{
    const char *a = pa, *b = pb;
    for (int c = 0; c < sort_ncols; c++) {
        int k = strcmp(a + (size_t)c * CELL, b + (size_t)c * CELL);
        if (k) return k;
    }
    return 0;
}

static int cmp_row_keys(const void *pa, const void *pb)
{
    const char *a = pa, *b = pb;
    for (int i = 0; i < sort_q->norder; i++) {
        int c = sort_q->order[i].col;
        if (c < 0) break; /* not an output column: its order cannot be seen */
        int k = cmp_cell(a + (size_t)c * CELL, b + (size_t)c * CELL);
        if (k) return sort_q->order[i].dir == 2 ? -k : k;
    }
    return 0;
}

static void table_sort(table *t, int (*cmp)(const void *, const void *))
{
    sort_ncols = t->ncols;
    if (t->n < 2) return;
    qsort(t->cells, (size_t)t->n, (size_t)t->ncols * CELL, cmp);
}

/* ---- the reference evaluator -------------------------------------------------------------- */

enum { RV_UNBOUND, RV_NULL, RV_TERM, RV_INT, RV_REAL, RV_TEXT };

typedef struct rv {
    int k;
    int t; /* RV_TERM: term id */
    int64_t i;
    double r;
    const char *s; /* RV_TEXT */
} rv;

#define REF_MAX_SOLUTIONS 4000
#define REF_MAX_WORK 3000000L

static const query *RQ;
static rv cur[MAXV];
static rv *sols;
static int nsols, capsols;
static long work;
static bool too_big;

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
static bool meet(rv *vars, int v, rv val)
{
    if (v < 0) return true;
    if (vars[v].k == RV_UNBOUND) {
        vars[v] = val;
        return true;
    }
    return rv_equal(&vars[v], &val);
}

static bool match_pos(const qterm *t, int id, rv *vars)
{
    if (t->kind == Q_ANON) return true;
    if (t->kind == Q_CONST) return t->term >= 0 && t->term == id;
    return meet(vars, t->var, (rv){RV_TERM, id, 0, 0, NULL});
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

static bool claim_cited_by(int ci, int a)
{
    for (int k = 0; k < C[ci].ncite; k++)
        if (CT[C[ci].cites[k]].article == a) return true;
    return false;
}

/* The claim-level part of a pattern: polarity, s p o, CITED BY, SOURCES, BY constant without
 * FROM. Binds s p o variables in vars. */
static bool claim_ok(const qpat *p, int ci, rv *vars)
{
    const rclaim *c = &C[ci];
    if (c->neg != p->neg) return false;
    if (!match_pos(&p->spo[0], c->s, vars) || !match_pos(&p->spo[1], c->p, vars) ||
        !match_pos(&p->spo[2], c->o, vars))
        return false;
    if (p->cited_mode) {
        int hits = 0;
        for (int i = 0; i < p->ncited; i++)
            hits += claim_cited_by(ci, p->cited[i]);
        if (p->cited_mode == 1 ? hits < p->ncited : hits == 0) return false;
    }
    if (p->src_op >= 0) {
        int n = 0;
        if (p->indep) {
            bool seen[NART] = {false};
            for (int k = 0; k < c->ncite; k++) {
                int root = article_root(CT[c->cites[k]].article);
                if (!seen[root]) n++;
                seen[root] = true;
            }
        } else {
            n = c->ncite;
        }
        if (!cmp_int(n, p->src_op, p->src_n)) return false;
    }
    if (p->has_by_const && p->src < 0) {
        bool found = false;
        for (int k = 0; k < c->ncite; k++)
            found |= p->by.term >= 0 && CT[c->cites[k]].claimant == p->by.term;
        if (!found) return false;
    }
    return true;
}

/* The citation-level part: FROM, QUOTE, BY, CONFIDENCE. */
static bool cite_ok(const qpat *p, int ti, rv *vars)
{
    const rcite *t = &CT[ti];
    if (p->has_by_const && !(p->by.term >= 0 && t->claimant == p->by.term)) return false;
    rv nul = {RV_NULL, 0, 0, 0, NULL};
    if (!meet(vars, p->src, (rv){RV_INT, 0, ART_ID[t->article], 0, NULL})) return false;
    if (!meet(vars, p->quote, t->quote >= 0 ? (rv){RV_TEXT, 0, 0, 0, QUOTES[t->quote]} : nul))
        return false;
    if (!meet(vars, p->who, t->claimant >= 0 ? (rv){RV_TERM, t->claimant, 0, 0, NULL} : nul))
        return false;
    if (!meet(vars, p->conf, t->has_conf ? (rv){RV_REAL, 0, 0, t->conf, NULL} : nul)) return false;
    return true;
}

/* Does some claim (and citation) match p under the bindings? (WITHOUT) */
static bool exists_match(const qpat *p, const rv *vars)
{
    rv a[MAXV], b[MAXV];
    for (int ci = 0; ci < nclaims; ci++) {
        work++;
        memcpy(a, vars, sizeof a);
        if (C[ci].ncite == 0 || !claim_ok(p, ci, a)) continue;
        if (p->src < 0) return true;
        for (int k = 0; k < C[ci].ncite; k++) {
            memcpy(b, a, sizeof b);
            if (cite_ok(p, C[ci].cites[k], b)) return true;
        }
    }
    return false;
}

/* title(?a), date(?a), outlet(?a): the article's field, or NULL. */
static rv art_field(const rv *a, int fn)
{
    rv v = {RV_NULL, 0, 0, 0, NULL};
    int x = 0;
    while (x < NART && !(a->k == RV_INT && ART_ID[x] == a->i))
        x++;
    if (x == NART) return v;
    int k = fn == F_TITLE ? art_title[x] : fn == F_DATE ? art_date[x] : art_outlet[x];
    if (k >= 0) {
        v.k = RV_TEXT;
        v.s = fn == F_TITLE ? TITLES[k] : fn == F_DATE ? DATES[k] : OUTLETS[k];
    }
    return v;
}

/* A value as FILTER sees it. */
typedef struct fv {
    int k; /* 0 null, 1 number, 2 text */
    double num;
    const char *text;
} fv;

static fv operand_value(const operand *o, const rv *vars)
{
    fv f = {0, 0, NULL};
    switch (o->kind) {
    case O_VAR: {
        const rv *v = &vars[o->var];
        if (v->k == RV_TERM)
            f = (fv){2, 0, T[v->t].display};
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
        f = (fv){2, 0, o->term >= 0 ? T[o->term].display : o->text};
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
    default: {
        rv a = art_field(&vars[o->var], o->fn);
        if (a.k == RV_TEXT) f = (fv){2, 0, a.s};
        break;
    }
    }
    return f;
}

static bool like(const char *p, const char *s)
{
    if (!*p) return !*s;
    if (*p == '%') return like(p + 1, s) || (*s && like(p, s + 1));
    if (!*s) return false;
    if (*p == '_' || tolower((unsigned char)*p) == tolower((unsigned char)*s))
        return like(p + 1, s + 1);
    return false;
}

static bool eval_cond(const query *q, int ei, const rv *vars)
{
    const expr *e = &q->ex[ei];
    switch (e->kind) {
    case E_AND:
        return eval_cond(q, e->l, vars) && eval_cond(q, e->r, vars);
    case E_OR:
        return eval_cond(q, e->l, vars) || eval_cond(q, e->r, vars);
    case E_NOT:
        return !eval_cond(q, e->l, vars);
    case E_CMP: {
        fv a = operand_value(&e->a, vars), b = operand_value(&e->b, vars);
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
        fv a = operand_value(&e->a, vars);
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

static void emit_solution(void)
{
    for (int i = 0; i < RQ->npats; i++)
        if (RQ->pats[i].without && exists_match(&RQ->pats[i], cur)) return;
    if (RQ->filter >= 0 && !eval_cond(RQ, RQ->filter, cur)) return;
    if (nsols >= REF_MAX_SOLUTIONS) {
        too_big = true;
        return;
    }
    if (nsols == capsols) {
        capsols = capsols ? capsols * 2 : 1024;
        sols = realloc(sols, (size_t)capsols * MAXV * sizeof *sols);
        if (!sols) abort();
    }
    memcpy(&sols[(size_t)nsols * MAXV], cur, sizeof cur);
    nsols++;
}

/* Nested loops: pattern pi against every claim, and with FROM every citation. */
static void solve(int pi)
{
    if (too_big) return;
    while (pi < RQ->npats && RQ->pats[pi].without)
        pi++;
    if (pi == RQ->npats) {
        emit_solution();
        return;
    }
    const qpat *p = &RQ->pats[pi];
    rv save[MAXV], save2[MAXV];
    memcpy(save, cur, sizeof cur);
    for (int ci = 0; ci < nclaims && !too_big; ci++) {
        if (++work > REF_MAX_WORK) too_big = true;
        memcpy(cur, save, sizeof cur);
        if (C[ci].ncite == 0 || !claim_ok(p, ci, cur)) continue;
        if (p->src < 0) {
            solve(pi + 1);
            continue;
        }
        memcpy(save2, cur, sizeof cur);
        for (int k = 0; k < C[ci].ncite; k++) {
            memcpy(cur, save2, sizeof cur);
            if (cite_ok(p, C[ci].cites[k], cur)) solve(pi + 1);
        }
    }
    memcpy(cur, save, sizeof cur);
}

static void render_rv(const rv *v, char *out)
{
    switch (v->k) {
    case RV_TERM:
        snprintf(out, CELL, "T:%s", T[v->t].display);
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

/* Evaluate q over the reference data into out. Returns false when the query is too big for
 * the naive evaluator (the caller draws another). */
static bool ref_eval(const query *q, table *out, int *nsolutions)
{
    RQ = q;
    nsols = 0;
    work = 0;
    too_big = false;
    for (int i = 0; i < MAXV; i++)
        cur[i] = (rv){RV_UNBOUND, 0, 0, 0, NULL};
    solve(0);
    if (too_big) return false;
    *nsolutions = nsols;
    table_reset(out, q->nitems);
    char cell[CELL];
    if (q->agg) {
        /* Groups by the rendered values of the GROUP BY variables (NULL is one group). */
        int *gid = malloc(((size_t)nsols + 1) * sizeof *gid);
        int *rep = malloc(((size_t)nsols + 1) * sizeof *rep);
        int ng = 0;
        if (!gid || !rep) abort();
        for (int s = 0; s < nsols; s++) {
            const rv *sv = &sols[(size_t)s * MAXV];
            int g = 0;
            for (; g < ng; g++) {
                const rv *gv = &sols[(size_t)rep[g] * MAXV];
                bool same = true;
                for (int k = 0; k < q->ngroup && same; k++) {
                    char a[CELL], b[CELL];
                    render_rv(&sv[q->group[k]], a);
                    render_rv(&gv[q->group[k]], b);
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
                    rv v = sols[(size_t)rep[g] * MAXV + (size_t)it->var];
                    if (it->kind == I_FUNC) v = art_field(&v, it->fn);
                    render_rv(&v, dst);
                    continue;
                }
                int count = 0;
                char best[CELL] = "N";
                char(*seen)[CELL] = malloc(((size_t)nsols + 1) * CELL);
                int nseen = 0;
                if (!seen) abort();
                for (int s = 0; s < nsols; s++) {
                    if (gid[s] != g) continue;
                    if (it->kind == I_COUNT) {
                        count++;
                        continue;
                    }
                    const rv *v = &sols[(size_t)s * MAXV + (size_t)it->var];
                    if (v->k == RV_NULL) continue;
                    render_rv(v, cell);
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
        }
        free(gid);
        free(rep);
    } else {
        for (int s = 0; s < nsols; s++) {
            int r = table_add(out);
            for (int i = 0; i < q->nitems; i++) {
                rv v = sols[(size_t)s * MAXV + (size_t)q->items[i].var];
                if (q->items[i].kind == I_FUNC) v = art_field(&v, q->items[i].fn);
                render_rv(&v, cellp(out, r, i));
            }
        }
    }
    if (q->distinct && out->n > 1) {
        table_sort(out, cmp_row_full);
        int w = 1;
        for (int r = 1; r < out->n; r++) {
            sort_ncols = out->ncols;
            if (cmp_row_full(cellp(out, r, 0), cellp(out, w - 1, 0)) != 0) {
                if (w != r) memcpy(cellp(out, w, 0), cellp(out, r, 0), (size_t)out->ncols * CELL);
                w++;
            }
        }
        out->n = w;
    }
    if (q->norder) {
        sort_q = q;
        table_sort(out, cmp_row_keys);
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

/* ---- the engine ----------------------------------------------------------------------------- */

typedef struct engine_result {
    bool failed;
    char err[512];
    int ncols;
    char names[MAXCOLS][32];
} engine_result;

static void run_engine(claimdb *db, const query *q, table *out, engine_result *er)
{
    memset(er, 0, sizeof *er);
    table_reset(out, q->nitems);
    claimdb_stmt *st = NULL;
    int rc = claimdb_prepare(db, q->text.p, -1, &st, NULL);
    if (rc != CLAIMDB_OK || !st) {
        er->failed = true;
        snprintf(er->err, sizeof er->err, "prepare: %s (%s)", claimdb_errmsg(db),
                 claimdb_strerror(rc));
        claimdb_finalize(st);
        return;
    }
    for (int i = 0; i < q->nparams; i++) {
        const struct qparam *pp = &q->params[i];
        rc = pp->kind == 0   ? claimdb_bind_text(st, pp->name, pp->text, -1)
             : pp->kind == 1 ? claimdb_bind_int64(st, pp->name, pp->i)
                             : claimdb_bind_double(st, pp->name, pp->r);
        if (rc != CLAIMDB_OK) {
            er->failed = true;
            snprintf(er->err, sizeof er->err, "bind %s: %s", pp->name, claimdb_errmsg(db));
            claimdb_finalize(st);
            return;
        }
    }
    if (q->reset_after > 0) {
        /* Step a few rows, then start again: the rows after the reset are the result. */
        for (int i = 0; i < q->reset_after && claimdb_step(st) == CLAIMDB_ROW; i++)
            continue;
        claimdb_reset(st);
    }
    er->ncols = claimdb_column_count(st);
    for (int i = 0; i < er->ncols && i < MAXCOLS; i++) {
        const char *nm = claimdb_column_name(st, i);
        snprintf(er->names[i], sizeof er->names[i], "%s", nm ? nm : "(null)");
    }
    if (er->ncols != q->nitems) {
        er->failed = true;
        snprintf(er->err, sizeof er->err, "engine gives %d columns, expected %d", er->ncols,
                 q->nitems);
        claimdb_finalize(st);
        return;
    }
    while ((rc = claimdb_step(st)) == CLAIMDB_ROW) {
        if (out->n >= 4 * REF_MAX_SOLUTIONS) {
            er->failed = true;
            snprintf(er->err, sizeof er->err, "engine gives more than %d rows", out->n);
            break;
        }
        int r = table_add(out);
        for (int c = 0; c < out->ncols; c++) {
            int ty = claimdb_column_type(st, c);
            const char *tx = claimdb_column_text(st, c);
            char *dst = cellp(out, r, c);
            if (ty == CLAIMDB_NULL && !tx)
                snprintf(dst, CELL, "N");
            else if (ty == CLAIMDB_NULL)
                snprintf(dst, CELL, "N(with text %s)", tx);
            else if (!tx)
                snprintf(dst, CELL, "type %d without text", ty);
            else if (ty == CLAIMDB_INTEGER)
                snprintf(dst, CELL, "I:%s", tx);
            else if (ty == CLAIMDB_REAL)
                snprintf(dst, CELL, "R:%s", tx);
            else if (ty == CLAIMDB_TEXT)
                snprintf(dst, CELL, "T:%s", tx);
            else
                snprintf(dst, CELL, "type%d:%s", ty, tx);
        }
    }
    if (rc != CLAIMDB_ROW && rc != CLAIMDB_DONE) {
        er->failed = true;
        snprintf(er->err, sizeof er->err, "step: %s (%s)", claimdb_errmsg(db),
                 claimdb_strerror(rc));
    }
    claimdb_finalize(st);
}

/* ---- comparison ------------------------------------------------------------------------------ */

static table ref_t, eng_t, tmp_a, tmp_b;

static void table_copy(table *dst, const table *src)
{
    table_reset(dst, src->ncols);
    for (int r = 0; r < src->n; r++) {
        int k = table_add(dst);
        memcpy(cellp(dst, k, 0), cellp(src, r, 0), (size_t)src->ncols * CELL);
    }
}

static bool rows_equal(const table *a, int ra, const table *b, int rb)
{
    for (int c = 0; c < a->ncols; c++)
        if (strcmp(cellp(a, ra, c), cellp(b, rb, c))) return false;
    return true;
}

/* Compare; on a difference write why into why. */
static bool compare(const query *q, const table *ref, const table *eng, const engine_result *er,
                    char *why, size_t whycap)
{
    if (er->failed) {
        snprintf(why, whycap, "%s", er->err);
        return false;
    }
    for (int i = 0; i < q->nitems; i++) {
        const char *want = col_name(q, i);
        if (want && strcmp(want, er->names[i])) {
            snprintf(why, whycap, "column %d is named '%s', expected '%s'", i + 1, er->names[i],
                     want);
            return false;
        }
    }
    if ((q->limit >= 0 || q->offset >= 0) && !q->norder) {
        /* LIMIT/OFFSET without ORDER BY: the count is determined, and every row must be one
         * of the full result's (as a sub-multiset). */
        int from = q->offset > 0 ? q->offset : 0;
        int n = from > ref->n ? 0 : ref->n - from;
        if (q->limit >= 0 && q->limit < n) n = q->limit;
        if (eng->n != n) {
            snprintf(why, whycap, "LIMIT/OFFSET without ORDER BY: %d rows, expected %d of the %d",
                     eng->n, n, ref->n);
            return false;
        }
        table_copy(&tmp_a, ref);
        table_copy(&tmp_b, eng);
        table_sort(&tmp_a, cmp_row_full);
        table_sort(&tmp_b, cmp_row_full);
        int i = 0;
        for (int j = 0; j < tmp_b.n; j++) {
            while (i < tmp_a.n && cmp_row_full(cellp(&tmp_a, i, 0), cellp(&tmp_b, j, 0)) < 0)
                i++;
            if (i == tmp_a.n || !rows_equal(&tmp_a, i, &tmp_b, j)) {
                snprintf(why, whycap,
                         "LIMIT/OFFSET without ORDER BY: engine row %d is not in the full result",
                         j + 1);
                return false;
            }
            i++;
        }
        return true;
    }
    if (q->limit >= 0 || q->offset >= 0) {
        /* ORDER BY covers every column: the sequence is determined. */
        bool same = ref->n == eng->n;
        for (int r = 0; same && r < ref->n; r++)
            same = rows_equal(ref, r, eng, r);
        if (!same)
            snprintf(why, whycap,
                     "rows differ (LIMIT/OFFSET under a total ORDER BY: compared in order)");
        return same;
    }
    table_copy(&tmp_a, ref);
    table_copy(&tmp_b, eng);
    table_sort(&tmp_a, cmp_row_full);
    table_sort(&tmp_b, cmp_row_full);
    bool same = tmp_a.n == tmp_b.n;
    for (int r = 0; same && r < tmp_a.n; r++)
        same = rows_equal(&tmp_a, r, &tmp_b, r);
    if (!same) {
        snprintf(why, whycap, "the multisets of rows differ");
        return false;
    }
    if (q->norder) {
        sort_q = q;
        sort_ncols = eng->ncols;
        for (int r = 1; r < eng->n; r++)
            if (cmp_row_keys(cellp(eng, r - 1, 0), cellp(eng, r, 0)) > 0) {
                snprintf(why, whycap, "rows %d and %d are out of ORDER BY order", r, r + 1);
                return false;
            }
    }
    return true;
}

static void print_row(const char *prefix, const table *t, int r)
{
    printf("%s", prefix);
    for (int c = 0; c < t->ncols; c++)
        printf("%s%s", c ? " | " : "", cellp(t, r, c));
    printf("\n");
}

static void print_table(const char *title, const table *t)
{
    printf("[diff] %s: %d row(s)\n", title, t->n);
    for (int r = 0; r < t->n && r < 12; r++)
        print_row("[diff]     ", t, r);
    if (t->n > 12) printf("[diff]     ... %d more\n", t->n - 12);
}

/* Rows of a not in b (as multisets; both sorted by cmp_row_full). */
static void print_only(const char *title, const table *a, const table *b)
{
    int i = 0, j = 0, shown = 0, total = 0;
    sort_ncols = a->ncols;
    while (i < a->n) {
        int c = j < b->n ? cmp_row_full(cellp(a, i, 0), cellp(b, j, 0)) : -1;
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            if (shown++ == 0) printf("[diff] %s:\n", title);
            if (shown <= 10) print_row("[diff]     ", a, i);
            total++;
            i++;
        } else {
            j++;
        }
    }
    if (total > 10) printf("[diff]     ... %d more\n", total - 10);
}

static void print_params(const query *q)
{
    for (int i = 0; i < q->nparams; i++) {
        const struct qparam *pp = &q->params[i];
        if (pp->kind == 0)
            printf("[diff] bind %s = '%s'\n", pp->name, pp->text);
        else if (pp->kind == 1)
            printf("[diff] bind %s = %" PRId64 "\n", pp->name, pp->i);
        else
            printf("[diff] bind %s = %g\n", pp->name, pp->r);
    }
    if (q->reset_after)
        printf("[diff] (stepped %d row(s) and reset before the run)\n", q->reset_after);
}

static void report(const query *q, int d, int qi, const table *ref, const table *eng,
                   const char *why)
{
    printf("[diff] MISMATCH (seed %" PRIu64 ", data set %d, query %d): %s\n", opt_seed, d, qi, why);
    printf("[diff] query: %s\n", q->text.p);
    print_params(q);
    print_table("expected (reference)", ref);
    print_table("engine", eng);
    table_copy(&tmp_a, ref);
    table_copy(&tmp_b, eng);
    table_sort(&tmp_a, cmp_row_full);
    table_sort(&tmp_b, cmp_row_full);
    print_only("only in expected", &tmp_a, &tmp_b);
    print_only("only in engine", &tmp_b, &tmp_a);
    printf("[diff] reproduce: test_differential --seed %" PRIu64
           " --count %ld [--dump] [--minimize]\n",
           opt_seed, (long)d * QUERIES_PER_DATASET + qi + 1);
}

/* ---- the database ---------------------------------------------------------------------------- */

static char tmpdir[64];
static int dbcounter;

static void exec_ok(claimdb *db, const char *sql)
{
    int rc = claimdb_exec(db, sql, NULL, NULL);
    if (rc != CLAIMDB_OK) fail_msg("%s: %s", sql, claimdb_errmsg(db));
}

/* Build the database from the enabled statements; with leave_open the last transaction is
 * left open, so that the queries read inside a write transaction. */
/* Run one data statement on db. */
static void apply_op(claimdb *db, const op *o)
{
    if (o->kind == OP_RETRACT || o->kind == OP_META || o->kind == OP_ALIAS) {
        sbuf b = {0};
        (o->kind == OP_RETRACT ? retract_statement
         : o->kind == OP_META  ? meta_statement
                               : alias_statement)(&b, o);
        exec_ok(db, b.p);
        free(b.p);
        return;
    }
    if (o->kind == OP_DUP) {
        char sql[80];
        snprintf(sql, sizeof sql, "ARTICLE %" PRId64 " DUPLICATE OF %" PRId64 ";", ART_ID[o->art],
                 ART_ID[o->dup_of]);
        exec_ok(db, sql);
        return;
    }
    claimdb_citation c = {.subject = o->s,
                          .predicate = o->p,
                          .object = o->o,
                          .negated = o->neg,
                          .article = ART_ID[o->article],
                          .quote = o->quote >= 0 ? QUOTES[o->quote] : NULL,
                          .claimant = o->wb >= 0 ? o->w : NULL,
                          .has_confidence = o->has_conf,
                          .confidence = o->conf,
                          .method = CLAIMDB_METHOD_CURATED};
    int rc = claimdb_assert(db, &c, NULL);
    if (rc != CLAIMDB_OK) fail_msg("claimdb_assert: %s", claimdb_errmsg(db));
}

static claimdb *build_db(char *path, size_t pathcap, bool leave_open)
{
    snprintf(path, pathcap, "%s/d%d.db", tmpdir, dbcounter++);
    claimdb *db = NULL;
    int rc = claimdb_open(path, CLAIMDB_OPEN_CREATE, &db);
    if (rc != CLAIMDB_OK) fail_msg("open %s: %s", path, db ? claimdb_errmsg(db) : "?");
    int split = rnd(nops + 1); /* two transactions */
    exec_ok(db, "BEGIN;");
    for (int i = 0; i < nops; i++) {
        if (i == split) {
            exec_ok(db, "COMMIT;");
            exec_ok(db, "BEGIN;");
        }
        if (op_on[i]) apply_op(db, &OPS[i]);
    }
    if (!leave_open) exec_ok(db, "COMMIT;");
    return db;
}

static void drop_db(claimdb *db, const char *path)
{
    claimdb_close(db);
    char lock[160];
    snprintf(lock, sizeof lock, "%s-lock", path);
    unlink(path);
    unlink(lock);
}

/* Does q still show a difference on the enabled data? */
static bool still_fails(query *q)
{
    build_ref();
    if (ref_ambiguous) return false;
    resolve_query(q);
    int ns;
    if (!ref_eval(q, &ref_t, &ns)) return false;
    char path[128];
    claimdb *db = build_db(path, sizeof path, false);
    engine_result er;
    run_engine(db, q, &eng_t, &er);
    drop_db(db, path);
    char why[600];
    return !compare(q, &ref_t, &eng_t, &er, why, sizeof why);
}

/* Greedily drop data statements while the difference persists; print what is left. */
static void minimize(query *q)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (int i = 0; i < nops; i++) {
            if (!op_on[i]) continue;
            op_on[i] = false;
            if (still_fails(q))
                changed = true;
            else
                op_on[i] = true;
        }
    }
    still_fails(q);
    sbuf b = {0};
    data_script(&b);
    printf("[diff] minimized data:\n%s", b.p ? b.p : "");
    printf("[diff] query: %s\n", q->text.p);
    print_table("expected (reference)", &ref_t);
    print_table("engine", &eng_t);
    free(b.p);
}

/* ---- the test ----------------------------------------------------------------------------------
 */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_differential(void **state)
{
    (void)state;
    double t0 = now();
    printf("[diff] seed %" PRIu64 ", %ld queries\n", opt_seed, opt_count);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/claimdb-diff-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    static query q;
    long done = 0, nonempty_rows = 0, nonempty_sols = 0, redrawn = 0, redrawn_empty = 0,
         mismatches = 0;
    long ordered = 0, limited = 0, aggregates = 0, withouts = 0, filters = 0;
    int ndatasets = 0, nopen = 0, ncitations = 0, maxcitations = 0, nbatches = 0;
    for (int d = 0; done < opt_count; d++) {
        reseed((uint64_t)d, UINT64_MAX);
        gen_data(d % 5 == 3);
        build_ref();
        if (ref_ambiguous)
            fail_msg("generator bug: data set %d merges two citations of one article in ALIAS", d);
        if (opt_dump) {
            sbuf b = {0};
            data_script(&b);
            printf("[diff] data set %d:\n%s", d, b.p ? b.p : "");
            free(b.p);
        }
        char path[128];
        bool open_txn = d % 4 == 1 || chance(10);
        ndatasets++;
        nopen += open_txn;
        ncitations += ncites;
        maxcitations = ncites > maxcitations ? ncites : maxcitations;
        claimdb *db = build_db(path, sizeof path, open_txn);
        for (int qi = 0; qi < QUERIES_PER_DATASET && done < opt_count; qi++, done++) {
            int ns = 0;
            for (int attempt = 0;; attempt++) {
                reseed((uint64_t)d, (uint64_t)qi * 64 + (uint64_t)attempt);
                gen_query(&q);
                render_query(&q);
                resolve_query(&q);
                if (!ref_eval(&q, &ref_t, &ns)) {
                    redrawn++;
                    continue;
                }
                /* Most queries should find something, or the test proves little: draw again
                 * for most (not all) queries without solutions. */
                if (ns == 0 && attempt < 12 && chance(75)) {
                    redrawn_empty++;
                    continue;
                }
                break;
            }
            if (opt_verbose)
                printf("[diff] %d.%d (%d solutions, %d rows): %s\n", d, qi, ns, ref_t.n, q.text.p);
            engine_result er;
            run_engine(db, &q, &eng_t, &er);
            char why[600];
            nonempty_rows += ref_t.n > 0;
            nonempty_sols += ns > 0;
            ordered += q.norder > 0;
            limited += q.limit >= 0 || q.offset >= 0;
            aggregates += q.agg;
            filters += q.filter >= 0;
            for (int i = 0; i < q.npats; i++)
                if (q.pats[i].without) {
                    withouts++;
                    break;
                }
            if (!compare(&q, &ref_t, &eng_t, &er, why, sizeof why)) {
                mismatches++;
                report(&q, d, qi, &ref_t, &eng_t, why);
                if (opt_dump || opt_minimize) {
                    sbuf b = {0};
                    data_script(&b);
                    if (opt_dump) printf("[diff] data:\n%s", b.p ? b.p : "");
                    free(b.p);
                }
                if (opt_minimize) {
                    minimize(&q);
                    for (int i = 0; i < nops; i++)
                        op_on[i] = true;
                    build_ref();
                }
                if (!opt_all) {
                    fflush(stdout);
                    drop_db(db, path);
                    rmdir(tmpdir);
                    fail_msg("differential mismatch: seed %" PRIu64 ", data set %d, query %d: %s",
                             opt_seed, d, qi, q.text.p);
                }
            }
            /* Now and then more writes between two queries: in the open transaction, in one
             * of their own, or each committing on its own. */
            reseed((uint64_t)d, ((uint64_t)1 << 40) + (uint64_t)qi);
            if (qi % 20 == 19 && chance(50)) {
                int first = nops;
                gen_citations(3 + rnd(15), -1);
                if (chance(40)) gen_retract(gc, ngc, written, pre_alias);
                bool own = !open_txn && chance(50);
                if (own) exec_ok(db, "BEGIN;");
                for (int i = first; i < nops; i++) {
                    op_on[i] = true;
                    apply_op(db, &OPS[i]);
                }
                if (own) exec_ok(db, "COMMIT;");
                build_ref();
                if (ref_ambiguous)
                    fail_msg("generator bug: data set %d, writes after query %d", d, qi);
                if (opt_dump) {
                    sbuf b = {0};
                    for (int i = 0; i < first; i++)
                        op_on[i] = false;
                    data_script(&b);
                    for (int i = 0; i < first; i++)
                        op_on[i] = true;
                    printf("[diff] more after query %d:\n%s", qi, b.p ? b.p : "");
                    free(b.p);
                }
                nbatches++;
            }
        }
        drop_db(db, path);
    }
    rmdir(tmpdir);
    printf("[diff] %d data sets (%d queried inside an open write transaction), %d citations at "
           "first, at most %d in one; %d batches of writes between queries\n",
           ndatasets, nopen, ncitations, maxcitations, nbatches);
    printf("[diff] %ld queries: %ld with solutions (%.0f%%), %ld with rows; %ld ORDER BY, %ld "
           "LIMIT/OFFSET, "
           "%ld aggregate, %ld WITHOUT, %ld FILTER; redrawn: %ld empty, %ld too big for the "
           "reference; %.2f s\n",
           done, nonempty_sols, done ? 100.0 * (double)nonempty_sols / (double)done : 0.0,
           nonempty_rows, ordered, limited, aggregates, withouts, filters, redrawn_empty, redrawn,
           now() - t0);
    fflush(stdout);
    if (mismatches) fail_msg("%ld mismatches (seed %" PRIu64 ")", mismatches, opt_seed);
}

static bool parse_num(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !*s) return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end) return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    uint64_t v;
    if (parse_num(getenv("CLAIMDB_DIFF_SEED"), &v)) opt_seed = v;
    if (parse_num(getenv("CLAIMDB_DIFF_COUNT"), &v)) opt_count = (long)v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--seed") && parse_num(val, &v))
            opt_seed = v, i++;
        else if (!strncmp(a, "--seed=", 7) && parse_num(a + 7, &v))
            opt_seed = v;
        else if (!strcmp(a, "--count") && parse_num(val, &v))
            opt_count = (long)v, i++;
        else if (!strncmp(a, "--count=", 8) && parse_num(a + 8, &v))
            opt_count = (long)v;
        else if (!strcmp(a, "--all"))
            opt_all = true;
        else if (!strcmp(a, "--dump"))
            opt_dump = true;
        else if (!strcmp(a, "--verbose"))
            opt_verbose = true;
        else if (!strcmp(a, "--minimize"))
            opt_minimize = true;
        else {
            fprintf(stderr,
                    "usage: %s [--seed N] [--count N] [--all] [--dump] [--verbose] [--minimize]\n",
                    argv[0]);
            return 2;
        }
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_differential),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
