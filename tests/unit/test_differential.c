/* test_differential.c — differential test of FIND and CHECK.
 *
 * A deliberately naive reference evaluator (nested loops over every claim and citation, held
 * in plain C arrays) and the engine must agree on random FIND and CHECK queries over random
 * data, and on the flags claimdb_assert returns while the data goes in.
 *
 * Data (a new database every 100 queries): ~8 subjects and ~8 objects drawn from one pool of
 * 12 terms, 4 predicates, claimants from the same pool (so BY ?who joins; sometimes the
 * claim's own subject: self-serving), 60-150 citations (400-900 in every fifth data set) over
 * 6 articles (ids 0..5, or ids past one byte such as 300 and 1048576), both polarities.
 * Terms are written with random case and white space; a term's display form is its first
 * spelling. Citations are identified by (claim, article, quote): a claim gets several
 * citations from one article with different quotes (10 quotes, one differing from another
 * in case only, one not ASCII; or none, sometimes written as ""), and citations are asserted
 * again with the same quote in other white space (space runs, tabs, line breaks, and through
 * the API \r \f \v), which replaces the citation whole: claimant, confidence, claim date
 * (ON / said_on), method, the quote as now written. Claimants and confidences present or
 * absent. Also: RETRACT (whole claims, the citations of some articles, or one citation by
 * its QUOTE, also QUOTE "" and quotes not there), ARTICLE metadata, ARTICLE n TEXT (before
 * and after the citations, changed and cleared: quotes in other white space, in upper case,
 * cut short, glued to a word, twice; fillers not ASCII so that characters and bytes differ),
 * ARTICLE n DUPLICATE OF m, ALIAS (alias spellings used before it are merged, after it they
 * mean the canonical term; claimants written by the alias spelling are rewritten). Before
 * ALIAS a claim may be stored under the alias spellings of its subject and/or object, as
 * claims of their own that ALIAS merges into the canonical one, often with a citation that
 * the canonical claim has too (the same article and quote, other values): the canonical
 * claim's is kept. Citations go in through claimdb_assert (its *added flags checked) or as
 * ASSERT (with ON) inside BEGIN/COMMIT, the other statements through claimdb_exec; some data
 * sets are queried while the last write transaction is still open; now and then more
 * writes come between queries.
 *
 * Queries: joins of 1-3 patterns (mostly sharing variables; some cross products and
 * all-constant patterns), constants in any position (changed case and white space, aliases,
 * unknown terms, $parameters bound through the API), '_', a variable repeated in a pattern,
 * NOT, WITHOUT, FROM (one row per citation)/QUOTE/BY/CONFIDENCE/AT/TO/ON/STORED, BY
 * constant, CITED BY a AND/OR b, [INDEPENDENT] SOURCES op n, POLARITY ?pol (both
 * polarities, "+" or "-"; shared by two patterns, and in WITHOUT), FILTER (= != < <= > >=
 * between variables and constants, ~, LIKE, title()/date()/outlet(), BOUND(?v), IS [NOT]
 * EMPTY, AND OR NOT), DISTINCT, GROUP BY variables, title()/date()/outlet() of one, or an
 * item's AS name, with or without COUNT(*), COUNT(DISTINCT), MIN, MAX, HAVING (COUNT(*) and
 * COUNT(DISTINCT ?v), also by AS name, against numbers; conditions on grouped variables),
 * ORDER BY, LIMIT/OFFSET, bare
 * one-pattern COUNT(*) (the engine's term-statistics path); sometimes a few rows are stepped
 * and the statement reset first. CHECK s p o and CHECK NOT s p o, mostly of a claim of the
 * data set (its terms respelled or by alias), sometimes of unknown terms.
 *
 * Checks: rows are rendered from claimdb_column_type/_text ("T:text", "I:n", "R:x", "L:ids"
 * for a CLAIMDB_LIST, whose text must be what claimdb_column_list gives; "N" for NULL) and
 * compared as multisets; under ORDER BY the engine's rows must also be in order of the keys
 * that are output columns; LIMIT/OFFSET under an ORDER BY over every output column is
 * compared as a sequence, without ORDER BY by its count and as a sub-multiset. Output column
 * names are checked where the query names them (variable or AS; CHECK's nine columns).
 *
 * The reference's rules (language.md 4.4, 5, 8; where the text is silent, marked *):
 *  - a citation's identity is (claim, article, quote): the quote with runs of ASCII white
 *    space as one space and none at the ends, case kept; no quote (or "") is its own value.
 *    Asserting an identity that exists replaces the citation (clauses not given are cleared);
 *    claimdb_assert gives ADDED_CLAIM|ADDED_CITATION, ADDED_CITATION, UPDATED_CITATION, or 0
 *    when every field (claimant, confidence, method, claim date, the quote's bytes) is as
 *    stored; plus QUOTE_NOT_FOUND when the article has a text without the quote;
 *  - RETRACT s p o FROM a drops every citation of (claim, a), with QUOTE only that one; a
 *    claim goes with its last citation;
 *  - FROM ?src gives one solution per citation; SOURCES and INDEPENDENT SOURCES count
 *    distinct articles (duplicate roots); CITED BY a: a cites the claim at least once; BY a
 *    constant without FROM: some citation has that claimant;
 *  - AT/TO: the quote's place in its article's text now (placed on ASSERT and again when
 *    TEXT changes): the quote's words in order, at least one white space character of the
 *    text wherever the quote has white space, the first place, in code points, the end
 *    exclusive; NULL without text or when not found. ON: the claim date. STORED: the time
 *    of SOURCE_DATE_EPOCH (main sets it);
 *  - ALIAS: claims using the alias's own term are rewritten onto the canonical term; each
 *    citation moves whole, and one whose (article, quote) the claim already stored under
 *    the canonical terms has is dropped (the target's is kept). A claim with one term as
 *    subject and object has three alias forms that one ALIAS merges together: when two of
 *    them have the same citation and the canonical claim does not, which one is kept depends
 *    on the engine's order (language.md leaves it open); the generator avoids it and a data
 *    set where it happens anyway (after a RETRACT) is drawn again;
 *  - CHECK [NOT] s p o: the "for" side is the claim named (negative with NOT), "against" its
 *    negation; supporting/contradicting = distinct articles per side; independent_supporting
 *    = distinct duplicate roots of the for side; self-serving = the claimant is the claim's
 *    subject; weight of a side = sum over duplicate roots of the largest confidence (1.0 when
 *    none) of its citations that are not self-serving; self_serving counts citations on both
 *    sides; sources_* = the ids, ascending; verdict unknown (no citation, or a term unknown),
 *    disputed (both weights > 0), supported (for >= 1), contradicted (against >= 1), else
 *    unverified;
 *  - NULL sorts first (and MIN/MAX, COUNT(DISTINCT) skip it; GROUP BY puts NULLs in one
 *    group)*; a constant compared by < or > stands for its term's display form when it names
 *    a term, else for its text*; texts (quotes, titles, dates) compare by key for = and !=
 *    and by bytes for < > ORDER BY MIN MAX, and DISTINCT/GROUP BY keep byte-different texts
 *    apart*; LIKE matches keys, '_' one character; ARTICLE changes only the fields it gives.
 * Queries whose result is not determined by the language (LIMIT without a total order; a
 * text variable bound in two patterns to two spellings of one quote, which shows the one of
 * the pattern the engine joins first) are not generated, drawn again, or only checked for
 * what is determined.
 *
 * Usage: test_differential [--seed N] [--count N] [--all] [--dump] [--verbose] [--minimize]
 *   --seed N     seed (default fixed; also CLAIMDB_DIFF_SEED)
 *   --count N    number of queries (default 1000; also CLAIMDB_DIFF_COUNT)
 *   --all        report every mismatch instead of stopping at the first
 *   --dump       print each data set as ClaimQL
 *   --verbose    print every query (with the reference's solution and row counts)
 *   --minimize   on a mismatch, drop data statements while it persists and print the rest
 */
#define _GNU_SOURCE /* qsort_r */
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
static const char *const QUOTES[] = {
    "We demand a full withdrawal", "talks will resume in Doha", "no comment", "The ceasefire holds",
    "they met twice", "Kabul rejects the plan", "an agreement is near", "We will not accept this",
    /* 8: differs from 2 in case only (another quote); 9: not ASCII */
    "No comment", "l’accord est «proche»"};
#define NQUOTES 10
/* Claim dates (ASSERT ... ON, claimdb_citation.said_on). */
static const char *const SAID[] = {"2018-10-12", "2019-01-05", "2020-02-29", "2021-08-15"};
/* The stored time of every citation under SOURCE_DATE_EPOCH=1700000000 (set in main). */
#define STORED_AT "2023-11-14T22:13:20Z"
/* Article texts are made of these and of the quotes (some changed). */
static const char *const FILLER[] = {
    "Kabul — ",         "«Reuters»: ", "Doha, 5 févr. ",          "The spokesman said: ",
    "Ghani’s office: ", "x",           "An official noted that ", "Über alles, "};
#define TEXTCAP 360
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

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A spelling of quote q: as written, or with its white space changed (runs of spaces, tabs,
 * line breaks; with api also \r \f \v, which ClaimQL writes as \u escapes), sometimes with
 * white space around it. Every spelling is the same quote for citation identity. */
static void spell_quote(int q, char *out, size_t cap, bool api)
{
    const char *b = QUOTES[q];
    if (chance(50)) {
        snprintf(out, cap, "%s", b);
        return;
    }
    static const char ws_all[] = " \t\n\r\f\v";
    int nws = api ? 6 : 3;
    size_t n = 0;
    if (chance(15)) out[n++] = ws_all[rnd(nws)];
    for (const char *p = b; *p && n + 6 < cap; p++) {
        if (*p == ' ' && chance(40)) {
            int k = 1 + rnd(3);
            while (k--)
                out[n++] = chance(50) ? ' ' : ws_all[rnd(nws)];
            continue;
        }
        out[n++] = *p;
    }
    if (chance(15)) out[n++] = ws_all[rnd(nws)];
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
static void gen_text(char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    if (chance(6)) {
        /* exactly one quote: a quote written with more white space than the whole text must
         * still be placed (quote_locate once gave up when it was longer in bytes) */
        app(out, &n, cap, QUOTES[rnd(NQUOTES)]);
        return;
    }
    int pieces = 2 + rnd(4);
    for (int i = 0; i < pieces; i++) {
        app(out, &n, cap, FILLER[rnd(NELEM(FILLER))]);
        const char *b = QUOTES[rnd(NQUOTES)];
        char tmp[160];
        size_t k = 0;
        int r = rnd(100);
        if (r < 55 || r >= 85) {
            for (const char *p = b; *p && k + 6 < sizeof tmp; p++) {
                if (*p == ' ' && chance(35)) {
                    static const char *const runs[] = {"  ", "\n", "\t", " \n ", "\n\n"};
                    const char *w = runs[rnd(NELEM(runs))];
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
            snprintf(tmp, sizeof tmp, "%s%s", chance(50) ? "«" : "re", b);
        }
        app(out, &n, cap, tmp);
        app(out, &n, cap, chance(70) ? ". " : ".\n");
    }
}

/* ---- data: the statements of one data set ------------------------------------------------- */

enum { OP_CITE, OP_DUP, OP_RETRACT, OP_META, OP_ALIAS };

typedef struct op {
    int kind;
    int art, dup_of;          /* OP_DUP: ARTICLE art DUPLICATE OF dup_of */
    int nretract, retract[2]; /* OP_RETRACT: FROM these articles; 0: the whole claim */
    int rquote; /* OP_RETRACT FROM one article: -2 no QUOTE; -1 QUOTE ""; else the quote (q) */
    int title, outlet, date; /* OP_META: ARTICLE art [TITLE] [OUTLET] [DATE]; -1: not given */
    int text;                /* OP_META: -1 no TEXT; 0 TEXT "" (clears); 1 TEXT tx */
    bool neg;                /* OP_CITE */
    int sb, pb, ob, wb;      /* base ids; wb -1: no claimant. OP_ALIAS: ALIAS sb FOR ob */
    bool as, ao, aw;         /* spell s, o, claimant by the alias of their (pool) term */
    char s[64], p[64], o[64], w[64]; /* spellings */
    int article;
    int quote;    /* the quote (QUOTES index), -1: none */
    bool qempty;  /* no quote, written as "" */
    char q[96];   /* the quote as written */
    int said;     /* SAID index, -1: none */
    int method;   /* CLAIMDB_METHOD_* (through claimdb_assert) */
    bool via_sql; /* ASSERT through claimdb_exec instead of claimdb_assert */
    bool has_conf;
    double conf;
    char tx[TEXTCAP]; /* OP_META text */
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

/* The generation model of a claim: which citations (article, quote) each of its stored forms
 * has. Before the ALIAS statements a claim whose subject or object has an alias may be stored
 * under four forms (bit 0: the subject, bit 1: the object written by the alias spelling),
 * which are claims of their own until ALIAS merges them into form 0. */
typedef struct gclaim {
    bool neg;
    int s, p, o;
    uint16_t cites[4][NART]; /* form -> article -> quotes (bit q + 1; bit 0: no quote) */
} gclaim;

static uint16_t qbit(int q)
{
    return (uint16_t)(1u << (q + 1));
}

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

static bool gc_live_form(const gclaim *g, int f)
{
    for (int a = 0; a < NART; a++)
        if (g->cites[f][a]) return true;
    return false;
}

/* A random citation of g among the forms in fmask: false when there is none. */
static bool gc_pick(const gclaim *g, int fmask, int *form, int *art, int *quote)
{
    int n = 0;
    for (int f = 0; f < 4; f++)
        for (int a = 0; (fmask >> f & 1) && a < NART; a++)
            for (int q = -1; q < NQUOTES; q++)
                n += (g->cites[f][a] & qbit(q)) != 0;
    if (n == 0) return false;
    int k = rnd(n);
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
static void gen_retract(gclaim *gc, int ngc, bool *written, bool pre_alias)
{
    int live[MAXOPS], n = 0;
    for (int i = 0; i < ngc; i++)
        for (int f = 0; f < 4; f++)
            if (gc_live_form(&gc[i], f)) {
                live[n++] = i;
                break;
            }
    if (n == 0 || nops >= MAXOPS) return;
    gclaim *g = &gc[live[rnd(n)]];
    int forms[4], nf = 0;
    for (int f = 0; f < 4; f++)
        if (gc_live_form(g, f)) forms[nf++] = f;
    int form = forms[rnd(nf)];
    op *o = &OPS[nops++];
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
        o->as = aliasable(o->sb) && chance(30);
        o->ao = aliasable(o->ob) && chance(30);
    }
    int r = rnd(100), f, a, q;
    if (r < 25) {
        memset(g->cites[form], 0, sizeof g->cites[form]);
    } else if (r < 60 && gc_pick(g, 1 << form, &f, &a, &q)) {
        /* One citation by its quote (sometimes one that is not there). */
        if (chance(12)) q = chance(30) ? -1 : rnd(NQUOTES);
        o->nretract = 1;
        o->retract[0] = a;
        o->rquote = q;
        if (q >= 0) spell_quote(q, o->q, sizeof o->q, false);
        g->cites[form][a] &= (uint16_t)~qbit(q);
    } else {
        o->nretract = 1 + rnd(2);
        for (int k = 0; k < o->nretract; k++) {
            a = rnd(NART);
            if (k == 0 && gc_pick(g, 1 << form, &f, &a, &q)) {
                /* a is an article citing it */
            }
            o->retract[k] = a;
            g->cites[form][a] = 0;
        }
    }
    spell_op(o, written);
}

/* The generation model of the current data set: one entry per canonical claim. */
static gclaim gc[MAXOPS];
static int ngc, ndup;
static bool written[NALL], has_dup[NART], pre_alias;

static void gen_citations(int n, int alias_at);

static op *new_meta(int art)
{
    op *m = &OPS[nops++];
    memset(m, 0, sizeof *m);
    m->kind = OP_META;
    m->art = art;
    m->title = m->outlet = m->date = -1;
    m->text = -1;
    return m;
}

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
    /* Texts of some articles before any citation (placed on ASSERT), others come later
     * (placed again when ARTICLE ... TEXT changes). */
    for (int a = 0; a < NART; a++)
        if (chance(55)) {
            op *m = new_meta(a);
            m->text = 1;
            gen_text(m->tx, sizeof m->tx);
        }
    /* Aliases: all ALIAS statements at one point; alias spellings before it make claims of
     * their own (merged into the canonical ones by ALIAS), after it they mean the canonical
     * term. */
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

/* A citation of claim ci: a new one, an update of one it has (another spelling of the quote,
 * other values), or before ALIAS one under an alias form that its form 0 has too (the merge
 * keeps form 0's whole). */
static void gen_cite(int ci)
{
    gclaim *g = &gc[ci];
    int form = 0, f, a, q;
    if (pre_alias) {
        int allowed = (aliasable(g->s) ? 1 : 0) | (aliasable(g->o) ? 2 : 0);
        while (allowed && form == 0 && chance(50)) {
            form = 1 + rnd(3);
            if ((form & allowed) != form) form = allowed;
        }
    }
    int r = rnd(100);
    if (!(form && r < 45 && gc_pick(g, 1, &f, &a, &q)) &&
        !(r < 60 && gc_pick(g, pre_alias ? 1 << form : 15, &f, &a, &q))) {
        /* a new citation: sometimes from an article that cites the claim already */
        q = chance(35) ? -1 : rnd(NQUOTES);
        int q2;
        if (!(r < 80 && gc_pick(g, 15, &f, &a, &q2))) a = rnd(NART);
    }
    /* A claim with one term as subject and object has three alias forms, all merged by one
     * ALIAS: two of them with the same citation and form 0 without it is not determined
     * (which is kept depends on the engine's order), so put it on form 0 instead. */
    if (form && g->s == g->o)
        for (int k = 1; k < 4; k++)
            if (k != form && (g->cites[k][a] & qbit(q)) && !(g->cites[0][a] & qbit(q))) form = 0;
    op *o = &OPS[nops++];
    memset(o, 0, sizeof *o);
    o->kind = OP_CITE;
    o->neg = g->neg;
    o->sb = g->s;
    o->pb = g->p;
    o->ob = g->o;
    o->wb = chance(50) ? ds_who[pick(5)] : -1;
    if (chance(5)) o->wb = g->s; /* self-serving (CHECK) */
    o->article = a;
    o->via_sql = chance(15);
    o->quote = q;
    if (q >= 0)
        spell_quote(q, o->q, sizeof o->q, !o->via_sql);
    else
        o->qempty = chance(20);
    o->said = chance(30) ? rnd(NELEM(SAID)) : -1;
    o->method = o->via_sql || chance(80) ? CLAIMDB_METHOD_CURATED : rnd(3);
    o->has_conf = chance(50);
    o->conf = o->has_conf ? CONFS[rnd(NELEM(CONFS))] : 0.0;
    if (pre_alias) {
        o->as = form & 1;
        o->ao = (form & 2) != 0;
        o->aw = aliasable(o->wb) && chance(25); /* the claimant is rewritten by ALIAS */
    } else {
        o->as = aliasable(o->sb) && chance(25);
        o->ao = aliasable(o->ob) && chance(25);
        o->aw = aliasable(o->wb) && chance(25);
    }
    g->cites[form][a] |= qbit(q);
    spell_op(o, written);
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
                for (int f = 1; f < 4; f++)
                    for (int a = 0; a < NART; a++) {
                        gc[k].cites[0][a] |= gc[k].cites[f][a];
                        gc[k].cites[f][a] = 0;
                    }
            pre_alias = false;
        }
        int ci = -1, r = rnd(100);
        if (ngc > 0 && r < 40) {
            ci = rnd(ngc);
        } else if (ngc > 0 && r < 48) {
            gclaim g = gc[rnd(ngc)];
            ci = gclaim_find(gc, ngc, !g.neg, g.s, g.p, g.o);
            if (ci < 0) {
                memset(&gc[ngc], 0, sizeof gc[ngc]);
                gc[ngc].neg = !g.neg;
                gc[ngc].s = g.s;
                gc[ngc].p = g.p;
                gc[ngc].o = g.o;
                ci = ngc++;
            }
        } else {
            bool neg = chance(22);
            int s = ds_subj[pick(8)], p = ds_pred[pick(4)], o = chance(5) ? s : ds_obj[pick(8)];
            ci = gclaim_find(gc, ngc, neg, s, p, o);
            if (ci < 0) {
                memset(&gc[ngc], 0, sizeof gc[ngc]);
                gc[ngc].neg = neg;
                gc[ngc].s = s;
                gc[ngc].p = p;
                gc[ngc].o = o;
                ci = ngc++;
            }
        }
        gen_cite(ci);
        if (chance(6)) {
            /* An earlier statement again: the same values, in other spellings (unchanged, or
             * changed only by the quote's white space), or an older version of a citation. */
            int k = rnd(nops);
            if (OPS[k].kind == OP_CITE) {
                op *c = &OPS[nops++];
                *c = OPS[k];
                if (c->quote >= 0 && chance(50))
                    spell_quote(c->quote, c->q, sizeof c->q, !c->via_sql);
                int g = gclaim_find(gc, ngc, c->neg, c->sb, c->pb, c->ob);
                int form = pre_alias ? (c->as ? 1 : 0) | (c->ao ? 2 : 0) : 0;
                if (g >= 0 && form && gc[g].s == gc[g].o)
                    for (int f = 1; f < 4; f++)
                        if (f != form && (gc[g].cites[f][c->article] & qbit(c->quote)) &&
                            !(gc[g].cites[0][c->article] & qbit(c->quote)))
                            form = -1;
                if (g < 0 || form < 0) {
                    nops--;
                } else {
                    gc[g].cites[form][c->article] |= qbit(c->quote);
                    spell_op(c, written);
                }
            }
        }
        if (chance(5)) gen_retract(gc, ngc, written, pre_alias);
        if (chance(7)) {
            op *m = new_meta(rnd(NART));
            int t = rnd(100);
            m->text = t < 35 ? 1 : t < 42 ? 0 : -1;
            if (m->text == 1) gen_text(m->tx, sizeof m->tx);
            m->title = chance(50) ? rnd(NELEM(TITLES)) : -1;
            m->outlet = chance(50) ? rnd(NELEM(OUTLETS)) : -1;
            m->date = chance(50) || (m->title < 0 && m->outlet < 0 && m->text < 0)
                          ? rnd(NELEM(DATES))
                          : -1;
        }
        if (ndup < 2 && chance(4)) {
            int x = 1 + rnd(NART - 1);
            if (!has_dup[x]) {
                has_dup[x] = true;
                op *dup = &OPS[nops++];
                memset(dup, 0, sizeof *dup);
                dup->kind = OP_DUP;
                dup->art = x;
                dup->dup_of = rnd(x);
                ndup++;
            }
        }
    }
}

static void claimql_string(sbuf *b, const char *s)
{
    sb_put(b, "\"");
    for (; *s; s++) {
        char c[8] = {*s, 0};
        if (*s == '"' || *s == '\\')
            c[0] = '\\', c[1] = *s;
        else if (*s == '\t')
            c[0] = '\\', c[1] = 't';
        else if (*s == '\n')
            c[0] = '\\', c[1] = 'n';
        else if (*s == '\r' || *s == '\f' || *s == '\v')
            snprintf(c, sizeof c, "\\u%04X", (unsigned)*s);
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
    if (o->nretract && o->rquote != -2) {
        sb_put(b, " QUOTE ");
        claimql_string(b, o->rquote >= 0 ? o->q : "");
    }
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
    if (o->text >= 0) {
        sb_put(b, " TEXT ");
        claimql_string(b, o->text ? o->tx : "");
    }
    sb_put(b, ";");
}

/* A citation as ASSERT (claimdb_assert's method has no ClaimQL form: the script leaves it). */
static void cite_statement(sbuf *b, const op *o)
{
    sb_put(b, o->neg ? "ASSERT NOT " : "ASSERT ");
    claimql_string(b, o->s);
    sb_put(b, " ");
    claimql_string(b, o->p);
    sb_put(b, " ");
    claimql_string(b, o->o);
    sb_printf(b, " FROM %" PRId64, ART_ID[o->article]);
    if (o->quote >= 0 || o->qempty) {
        sb_put(b, " QUOTE ");
        claimql_string(b, o->quote >= 0 ? o->q : "");
    }
    if (o->wb >= 0) {
        sb_put(b, " BY ");
        claimql_string(b, o->w);
    }
    if (o->has_conf) sb_printf(b, " CONFIDENCE %g", o->conf);
    if (o->said >= 0) sb_printf(b, " ON %s", SAID[o->said]);
    sb_put(b, ";");
}

/* The enabled statements as a ClaimQL script (for --dump and reproductions). */
/* The ClaimQL statement of an operation that is not a DUPLICATE OF. */
static void op_statement(sbuf *b, const op *o)
{
    switch (o->kind) {
    case OP_RETRACT:
        retract_statement(b, o);
        break;
    case OP_META:
        meta_statement(b, o);
        break;
    case OP_ALIAS:
        alias_statement(b, o);
        break;
    default:
        cite_statement(b, o);
        break;
    }
}

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
        op_statement(b, o);
        if (o->kind == OP_CITE && o->method != CLAIMDB_METHOD_CURATED)
            sb_printf(b, "   -- method %d", o->method);
        sb_put(b, "\n");
    }
}

/* ---- the reference store: plain arrays ---------------------------------------------------- */

#define MAXTERMS 64
#define MAXCLAIMS MAXOPS
#define MAXCPC (NART * (NQUOTES + 1)) /* citations of one claim at most */

typedef struct rterm {
    char key[64];
    char display[64];
} rterm;

typedef struct rclaim {
    bool neg;
    int s, p, o; /* -2: merged away by ALIAS */
    int ncite;   /* 0: no claim (retracted, or never) */
    int cites[MAXCPC];
} rclaim;

typedef struct rcite {
    int claim;
    int article;
    bool has_quote;
    char quote[96]; /* as last written */
    int claimant;   /* term id, -1: none */
    bool has_conf;
    double conf;
    int said; /* SAID index, -1: none */
    int method;
    bool moved;     /* moved by the ALIAS being applied */
    int64_t qs, qe; /* where the quote is in the article's text (-1: not placed) */
} rcite;

static rterm T[MAXTERMS];
static int nterms;
static rclaim C[MAXCLAIMS];
static int nclaims;
static rcite CT[MAXOPS];
static int ncites;
static int dup_of[NART];
static int art_title[NART], art_outlet[NART], art_date[NART]; /* -1: none */
static bool art_has_text[NART];
static char art_text[NART][TEXTCAP];
static int exp_flags[MAXOPS]; /* what claimdb_assert should set *added to, per statement */
static long ref_merge_moved, ref_merge_dropped; /* statistics of ALIAS merges */

static bool ref_ambiguous; /* an ALIAS whose outcome the language leaves open */
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

static int claim_find(bool neg, int s, int p, int o)
{
    for (int ci = 0; ci < nclaims; ci++)
        if (C[ci].neg == neg && C[ci].s == s && C[ci].p == p && C[ci].o == o) return ci;
    return -1;
}

/* ALIAS: the alias's own term a (if it has one) becomes c in every claim and as claimant.
 * Each claim using a is rewritten onto c; when that claim exists, the citations move onto it
 * one by one, and one with the same (article, quote) as a citation it already had is dropped
 * (the target's is kept whole). Two claims moving onto one that did not exist, with the same
 * citation, would depend on the engine's order: ref_ambiguous. */
static void ref_alias(int a, int c)
{
    for (int k = 0; k < ncites; k++)
        if (CT[k].claimant == a) CT[k].claimant = c;
    bool src[MAXCLAIMS];
    for (int ci = 0; ci < nclaims; ci++)
        src[ci] = C[ci].ncite > 0 && (C[ci].s == a || C[ci].p == a || C[ci].o == a);
    for (int ci = 0; ci < nclaims; ci++) {
        if (!src[ci]) continue;
        rclaim *x = &C[ci];
        int ns = x->s == a ? c : x->s, np = x->p == a ? c : x->p, no = x->o == a ? c : x->o;
        int tj = claim_find(x->neg, ns, np, no);
        if (tj < 0) {
            x->s = ns;
            x->p = np;
            x->o = no;
            for (int k = 0; k < x->ncite; k++)
                CT[x->cites[k]].moved = true;
            continue;
        }
        rclaim *t = &C[tj];
        for (int k = 0; k < x->ncite; k++) {
            rcite *m = &CT[x->cites[k]];
            int have = -1;
            for (int j = 0; j < t->ncite && have < 0; j++) {
                const rcite *h = &CT[t->cites[j]];
                if (h->article == m->article &&
                    same_quote(h->has_quote, h->quote, m->has_quote, m->quote))
                    have = t->cites[j];
            }
            if (have >= 0) {
                ref_ambiguous |= CT[have].moved;
                ref_merge_dropped++;
                continue;
            }
            m->moved = true;
            m->claim = tj;
            t->cites[t->ncite++] = x->cites[k];
            ref_merge_moved++;
        }
        x->ncite = 0;
        x->s = x->p = x->o = -2; /* never found again */
    }
    for (int k = 0; k < ncites; k++)
        CT[k].moved = false;
}

static void build_ref(void)
{
    nterms = nclaims = ncites = naliases = 0;
    ref_ambiguous = false;
    ref_merge_moved = ref_merge_dropped = 0;
    for (int a = 0; a < NART; a++) {
        dup_of[a] = art_title[a] = art_outlet[a] = art_date[a] = -1;
        art_has_text[a] = false;
    }
    for (int i = 0; i < nops; i++) {
        exp_flags[i] = -1;
        if (!op_on[i]) continue;
        const op *o = &OPS[i];
        if (o->kind == OP_DUP) {
            dup_of[o->art] = o->dup_of;
            continue;
        }
        if (o->kind == OP_ALIAS) {
            /* From now on the alias's key means the canonical term. */
            int c = term_intern(o->o), a = term_own(o->s);
            term_key(o->s, alias_key[naliases], sizeof alias_key[0]);
            alias_target[naliases++] = c;
            if (a >= 0 && a != c) ref_alias(a, c);
            continue;
        }
        if (o->kind == OP_META) {
            /* Create or update: the fields given replace, the others stay. */
            if (o->title >= 0) art_title[o->art] = o->title;
            if (o->outlet >= 0) art_outlet[o->art] = o->outlet;
            if (o->date >= 0) art_date[o->art] = o->date;
            if (o->text >= 0) {
                art_has_text[o->art] = o->text == 1 && o->tx[0];
                snprintf(art_text[o->art], TEXTCAP, "%s", o->text ? o->tx : "");
            }
            continue;
        }
        if (o->kind == OP_RETRACT) {
            /* Drop those citations (all, those of the articles, or the one with the quote);
             * a claim left without any is gone (ncite 0). */
            int rs = term_lookup(o->s), rp = term_lookup(o->p), ro = term_lookup(o->o);
            for (int ci = 0; ci < nclaims; ci++) {
                rclaim *c = &C[ci];
                if (c->neg != o->neg || c->s != rs || c->p != rp || c->o != ro) continue;
                int w = 0;
                for (int k = 0; k < c->ncite; k++) {
                    const rcite *t = &CT[c->cites[k]];
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
        int s = term_intern(o->s), p = term_intern(o->p), ob = term_intern(o->o);
        int w = o->wb >= 0 ? term_intern(o->w) : -1;
        int ci = claim_find(o->neg, s, p, ob);
        if (ci < 0) {
            assert_true(nclaims < MAXCLAIMS);
            memset(&C[nclaims], 0, sizeof C[nclaims]);
            C[nclaims] = (rclaim){o->neg, s, p, ob, 0, {0}};
            ci = nclaims++;
        }
        bool hq = o->quote >= 0;
        const char *qt = hq ? o->q : "";
        int ti = -1;
        for (int k = 0; k < C[ci].ncite && ti < 0; k++) {
            const rcite *t = &CT[C[ci].cites[k]];
            if (t->article == o->article && same_quote(t->has_quote, t->quote, hq, qt))
                ti = C[ci].cites[k];
        }
        int method = o->via_sql ? CLAIMDB_METHOD_CURATED : o->method;
        int flags;
        if (ti >= 0) {
            /* The same citation: replaced whole; unchanged values change nothing. */
            const rcite *t = &CT[ti];
            bool differs = t->has_conf != o->has_conf || (o->has_conf && t->conf != o->conf) ||
                           t->claimant != w || t->method != method || t->said != o->said ||
                           strcmp(t->quote, qt) != 0;
            flags = differs ? CLAIMDB_UPDATED_CITATION : 0;
        } else {
            flags = (C[ci].ncite ? 0 : CLAIMDB_ADDED_CLAIM) | CLAIMDB_ADDED_CITATION;
            ti = ncites++;
            C[ci].cites[C[ci].ncite++] = ti;
        }
        rcite *t = &CT[ti];
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
        if (hq && art_has_text[o->article]) {
            int64_t st, en;
            ref_locate(art_text[o->article], qt, &st, &en);
            if (st < 0) flags |= CLAIMDB_QUOTE_NOT_FOUND;
        }
        exp_flags[i] = flags;
    }
    /* A citation's place is where its quote is in its article's text now: placed on ASSERT,
     * and again when ARTICLE ... TEXT changes. */
    for (int k = 0; k < ncites; k++) {
        rcite *t = &CT[k];
        t->qs = t->qe = -1;
        if (t->has_quote && art_has_text[t->article])
            ref_locate(art_text[t->article], t->quote, &t->qs, &t->qe);
    }
}

static int article_root(int a)
{
    for (int depth = 0; depth < 64 && a >= 0 && a < NART && dup_of[a] >= 0; depth++)
        a = dup_of[a];
    return a;
}

/* ---- queries ------------------------------------------------------------------------------ */

enum { VT_TERM, VT_ART, VT_QUOTE, VT_CONF, VT_POS, VT_DATE, VT_STORED, VT_POL };
enum { ROLE_SO = 1, ROLE_P = 2, ROLE_WHO = 4 };
enum { Q_CONST, Q_VAR, Q_ANON };
enum {
    CL_FROM,
    CL_QUOTE,
    CL_BY,
    CL_CONF,
    CL_CITED,
    CL_SOURCES,
    CL_AT,
    CL_TO,
    CL_ON,
    CL_STORED,
    CL_POL
};
enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };
static const char *const CMP_TEXT[] = {"=", "!=", "<", "<=", ">", ">="};

#define MAXV 24 /* at most 8 + 3 + 2 + 2 + 3 + 2 + 1 + 2 variables (var_new) */
#define MAXPATS 6
#define MAXCOLS 24 /* FIND * shows every variable */
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
    int at, to, on, stored;    /* variables, -1: absent */
    int pol;                   /* POLARITY ?pol: both polarities; -1: absent */
    bool has_by_const;
    qterm by;
    int cited_mode; /* 0 none, 1 AND (all), 2 OR (any) */
    int ncited, cited[3];
    int src_op; /* -1: no SOURCES clause */
    int src_n;
    bool indep;
    int corder[11], nclauses;
} qpat;

/* E_EMPTY: a IS EMPTY (cmp 0), a IS NOT EMPTY (1), BOUND(a) (2) */
enum { E_AND, E_OR, E_NOT, E_CMP, E_REGEX, E_LIKE, E_EMPTY };
/* O_AGG (HAVING): COUNT(*) (fn I_COUNT) or COUNT(DISTINCT ?var) (fn I_COUNTD) of the group,
 * written as the AS name text when that is not empty */
enum { O_VAR, O_TERM, O_INT, O_REAL, O_FUNC, O_DATE, O_AGG };
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
    char alias[32];
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
    int group_fn[3];       /* GROUP BY fn(?var) (F_*), or -1: the variable */
    bool group_by_name[3]; /* written as the AS name of the item that is the key */
    int having;            /* HAVING condition, or -1 */
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
    int check;       /* 1: CHECK pats[0]; 2: CHECK NOT pats[0]; 0: FIND */
} query;

static int var_new(query *q, int kind, int role)
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
        int v = any[rnd(have)];
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
    p->at = p->to = p->on = p->stored = -1;
    p->pol = -1;
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
    if (p->at >= 0) p->corder[p->nclauses++] = CL_AT;
    if (p->to >= 0) p->corder[p->nclauses++] = CL_TO;
    if (p->on >= 0) p->corder[p->nclauses++] = CL_ON;
    if (p->stored >= 0) p->corder[p->nclauses++] = CL_STORED;
    if (p->pol >= 0) p->corder[p->nclauses++] = CL_POL;
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
        /* The citation's place in the article text, its claim date, when it was stored. */
        int *cv[3] = {&p->at, &p->to, &p->on};
        static const int cvk[3] = {VT_POS, VT_POS, VT_DATE};
        for (int k = 0; k < 3; k++)
            if (chance(k == 2 ? 18 : 22)) {
                v = chance(12) ? var_pick(q, cvk[k], 0, q->nvars, NULL, 0) : -1;
                *cv[k] = v >= 0 ? v : var_new(q, cvk[k], 0);
            }
        if (chance(4)) p->stored = var_new(q, VT_STORED, 0);
    } else if (chance(8)) {
        p->has_by_const = true;
        gen_const(&p->by, 3);
    }
    if (!p->neg && chance(15)) {
        /* POLARITY: both polarities; a variable met before joins on the polarity */
        int v = chance(25) ? var_pick(q, VT_POL, 0, q->nvars, NULL, 0) : -1;
        p->pol = v >= 0 ? v : var_new(q, VT_POL, 0);
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
        if (chance(12)) p->at = var_pick(q, VT_POS, 0, q->nvars, NULL, 0);
        if (chance(12)) p->to = var_pick(q, VT_POS, 0, q->nvars, NULL, 0);
        if (chance(12)) p->on = var_pick(q, VT_DATE, 0, q->nvars, NULL, 0);
    } else if (chance(8)) {
        p->has_by_const = true;
        gen_const(&p->by, 3);
    }
    if (!p->neg && chance(30)) p->pol = var_pick(q, VT_POL, 0, q->nvars, NULL, 0);
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

/* A FILTER (or HAVING) condition on variable v. */
static int gen_leaf_var(query *q, int v)
{
    const qvar *qv = &q->vars[v];
    int r = rnd(100);
    int ei;
    if (chance(10)) {
        /* BOUND(?v), ?v IS [NOT] EMPTY, fn(?src) IS [NOT] EMPTY */
        ei = new_expr(q, E_EMPTY);
        expr *e = &q->ex[ei];
        e->cmp = rnd(3);
        operand_var(&e->a, v);
        if (qv->kind == VT_ART && e->cmp < 2 && chance(50)) {
            e->a.kind = O_FUNC;
            e->a.fn = rnd(3);
        }
        return ei;
    }
    switch (qv->kind) {
    case VT_POL: {
        ei = new_expr(q, E_CMP);
        expr *e = &q->ex[ei];
        e->cmp = chance(70) ? rnd(2) : rnd(6);
        operand_var(&e->a, v);
        int w = var_pick(q, VT_POL, 0, q->nvars, &v, 1);
        if (w >= 0 && chance(30)) {
            operand_var(&e->b, w);
        } else {
            e->b.kind = O_TERM;
            snprintf(e->b.text, sizeof e->b.text, "%s", chance(50) ? "+" : "-");
        }
        if (chance(25)) {
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
    case VT_CONF:
    case VT_POS: {
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
        } else if (qv->kind == VT_POS) {
            e->b.kind = O_INT;
            e->b.i = rnd(80);
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
    case VT_DATE:
    case VT_STORED: {
        ei = new_expr(q, E_CMP);
        expr *e = &q->ex[ei];
        e->cmp = rnd(6);
        operand_var(&e->a, v);
        int w = var_pick(q, qv->kind, 0, q->nvars, &v, 1);
        if (w >= 0 && chance(25)) {
            operand_var(&e->b, w);
        } else if (qv->kind == VT_DATE) {
            static const char *const ds[] = {"2018-10-12", "2019-01-05", "2020-01-01",
                                             "2021-08-15"};
            e->b.kind = O_DATE;
            snprintf(e->b.text, sizeof e->b.text, "%s", ds[rnd(NELEM(ds))]);
        } else {
            static const char *const ts[] = {STORED_AT, "2023-11-14", "2024-01-01T00:00:00Z"};
            e->b.kind = O_TERM;
            snprintf(e->b.text, sizeof e->b.text, "%s", ts[rnd(NELEM(ts))]);
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
            spell_quote(rnd(NQUOTES), q->ex[ei].b.text, sizeof q->ex[ei].b.text, false);
        }
        operand_var(&q->ex[ei].a, v);
        return ei;
    }
}

static int gen_leaf(query *q)
{
    return gen_leaf_var(q, rnd(q->nvars));
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

static bool grouped_plain(const query *q, int v)
{
    for (int i = 0; i < q->ngroup; i++)
        if (q->group[i] == v && q->group_fn[i] < 0) return true;
    return false;
}

/* A HAVING condition: COUNT(*) or COUNT(DISTINCT ?v) (an item's, by its AS name or written
 * again, or one of its own) against a number, or a condition on a variable that is grouped
 * as it is; joined by AND, OR and NOT. */
static int gen_having(query *q, int depth)
{
    if (depth < 2 && q->nex < MAXEX - 4 && chance(30)) {
        int ei = new_expr(q, chance(50) ? E_AND : E_OR);
        int l = gen_having(q, depth + 1), r = gen_having(q, depth + 1);
        q->ex[ei].l = l;
        q->ex[ei].r = r;
        return ei;
    }
    if (depth < 2 && q->nex < MAXEX - 4 && chance(10)) {
        int ei = new_expr(q, E_NOT);
        int l = gen_having(q, depth + 1);
        q->ex[ei].l = l;
        return ei;
    }
    int plain[3], np = 0;
    for (int i = 0; i < q->ngroup; i++)
        if (q->group_fn[i] < 0) plain[np++] = q->group[i];
    if (np && chance(35)) {
        int v = plain[rnd(np)];
        int ei = gen_leaf_var(q, v);
        /* a second variable must be grouped too: else compare v with itself */
        operand *ops[2] = {&q->ex[ei].a, &q->ex[ei].b};
        for (int k = 0; k < 2; k++)
            if ((ops[k]->kind == O_VAR || ops[k]->kind == O_FUNC) && !grouped_plain(q, ops[k]->var))
                operand_var(ops[k], v);
        return ei;
    }
    int ei = new_expr(q, E_CMP);
    expr *e = &q->ex[ei];
    e->cmp = rnd(6);
    e->a.kind = O_AGG;
    int cand[MAXCOLS], nc = 0;
    for (int i = 0; i < q->nitems; i++)
        if (q->items[i].kind == I_COUNT || q->items[i].kind == I_COUNTD) cand[nc++] = i;
    if (nc && chance(60)) {
        const qitem *it = &q->items[cand[rnd(nc)]];
        e->a.fn = it->kind;
        e->a.var = it->var;
        if (it->alias[0] && chance(60)) memcpy(e->a.text, it->alias, sizeof it->alias);
    } else {
        e->a.fn = chance(50) ? I_COUNT : I_COUNTD;
        e->a.var = e->a.fn == I_COUNT ? -1 : rnd(q->nvars);
    }
    e->b.kind = O_INT;
    e->b.i = rnd(4);
    if (chance(25)) {
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

static const char *const CHECK_COLS[] = {
    "verdict",        "supporting",   "contradicting", "independent_supporting", "weight_for",
    "weight_against", "self_serving", "sources_for",   "sources_against"};

/* A spelling of the reference's term t: its display form in other case and white space, or
 * (sometimes) the alias that means it. */
static void spell_term(int t, char *out, size_t cap)
{
    for (int b = 0; b < NBASE; b++) {
        char k[64];
        term_key(BASE[b], k, sizeof k);
        if (strcmp(k, T[t].key)) continue;
        if (aliasable(b) && naliases && chance(25)) b += NBASE;
        spell(BASE[b], out, cap, true);
        return;
    }
    spell(T[t].display, out, cap, true);
}

/* CHECK [NOT] s p o: mostly a claim (or the negation of one) of the data set. */
static void gen_check(query *q)
{
    q->check = chance(30) ? 2 : 1;
    qpat *p = &q->pats[q->npats++];
    pat_init(p);
    int live[MAXCLAIMS], n = 0;
    for (int ci = 0; ci < nclaims; ci++)
        if (C[ci].ncite) live[n++] = ci;
    if (n && chance(80)) {
        const rclaim *c = &C[live[rnd(n)]];
        int ts[3] = {c->s, c->p, c->o};
        for (int k = 0; k < 3; k++) {
            p->spo[k].kind = Q_CONST;
            spell_term(ts[k], p->spo[k].text, sizeof p->spo[k].text);
        }
    } else {
        for (int k = 0; k < 3; k++)
            gen_const(&p->spo[k], k);
    }
    for (int i = 0; i < NELEM(CHECK_COLS); i++) {
        qitem it = {I_VAR, -1, 0, ""};
        snprintf(it.alias, sizeof it.alias, "%s", CHECK_COLS[i]);
        q->items[q->nitems++] = it;
    }
}

static void gen_query(query *q)
{
    sbuf keep = q->text;
    memset(q, 0, sizeof *q);
    q->text = keep;
    q->filter = q->having = -1;
    q->limit = q->offset = -1;
    if (chance(7)) {
        gen_check(q);
        return;
    }
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
        for (int i = 1; i < q->nvars && chance(40); i++)
            if (q->vars[cand[i]].kind == VT_ART) { /* group by an article, or its fields */
                int t = cand[0];
                cand[0] = cand[i];
                cand[i] = t;
                break;
            }
        q->ngroup = rnd(3);
        if (q->ngroup > q->nvars) q->ngroup = q->nvars;
        for (int i = 0; i < q->ngroup; i++) {
            /* GROUP BY ?src or GROUP BY title(?src), date(?src), outlet(?src) */
            q->group[i] = cand[i];
            q->group_fn[i] = q->vars[cand[i]].kind == VT_ART && chance(40) ? rnd(3) : -1;
        }
        for (int i = 0; i < q->ngroup; i++)
            if (chance(80)) {
                bool fn = q->group_fn[i] >= 0;
                qitem it = {fn ? I_FUNC : I_VAR, q->group[i], fn ? q->group_fn[i] : 0, ""};
                if (chance(fn ? 50 : 15)) snprintf(it.alias, sizeof it.alias, "g%d", i);
                q->items[q->nitems++] = it;
                q->group_by_name[i] = it.alias[0] && chance(50);
            }
        for (int i = 0; i < q->ngroup; i++)
            if (q->vars[q->group[i]].kind == VT_ART && q->group_fn[i] < 0 && chance(30)) {
                qitem it = {I_FUNC, q->group[i], rnd(3), ""};
                if (chance(50)) snprintf(it.alias, sizeof it.alias, "f%d", i);
                q->items[q->nitems++] = it;
            }
        int na = 1 + (chance(40) ? 1 : 0);
        if (q->ngroup > 0 && chance(15)) {
            na = 0; /* GROUP BY alone: one row per group */
            if (q->nitems == 0)
                q->items[q->nitems++] = q->group_fn[0] < 0
                                            ? (qitem){I_VAR, q->group[0], 0, ""}
                                            : (qitem){I_FUNC, q->group[0], q->group_fn[0], ""};
        }
        for (int i = 0; i < na; i++) {
            int k = rnd(100);
            qitem it = {k < 40 ? I_COUNT : k < 65 ? I_COUNTD : k < 82 ? I_MIN : I_MAX, -1, 0, ""};
            if (it.kind != I_COUNT) it.var = rnd(q->nvars);
            if (chance(70)) snprintf(it.alias, sizeof it.alias, "n%d", i);
            q->items[q->nitems++] = it;
        }
        if (q->ngroup > 0 && chance(35)) q->having = gen_having(q, 0);
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
        else if (*s == '\n')
            c[0] = '\\', c[1] = 'n';
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

static bool no_param; /* put_uint writes a number, not a parameter */

/* An article id, count, LIMIT or OFFSET: a number, sometimes a parameter. */
static void put_uint(sbuf *b, int64_t v)
{
    if (!no_param && chance(8) && put_param(b, 1, NULL, v, 0)) return;
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
    for (int c_ = 0; c_ < p->nclauses; c_++) {
        sb_put(b, " ");
        switch (p->corder[c_]) {
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
        case CL_AT:
        case CL_TO:
        case CL_ON:
        case CL_STORED: {
            int c = p->corder[c_];
            kw(b, c == CL_AT ? "AT" : c == CL_TO ? "TO" : c == CL_ON ? "ON" : "STORED");
            sb_printf(b, " ?%s",
                      q->vars[c == CL_AT   ? p->at
                              : c == CL_TO ? p->to
                              : c == CL_ON ? p->on
                                           : p->stored]
                          .name);
            break;
        }
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
                /* CITED BY 1 AND $p AT ?st: "$p AT ?st" starts a pattern (AT, TO, ON and
                 * STORED are contextual keywords, so terms there; language.md 4.4). */
                no_param = i > 0 && c_ + 1 < p->nclauses && p->corder[c_ + 1] >= CL_AT;
                put_uint(b, ART_ID[p->cited[i]]);
                no_param = false;
            }
            break;
        case CL_POL:
            kw(b, "POLARITY");
            sb_printf(b, " ?%s", q->vars[p->pol].name);
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
    case O_AGG:
        if (o->text[0]) {
            sb_put(b, o->text);
        } else if (o->fn == I_COUNT) {
            kw(b, "COUNT");
            sb_put(b, "(*)");
        } else {
            kw(b, "COUNT");
            sb_put(b, "(");
            kw(b, "DISTINCT");
            sb_printf(b, " ?%s)", q->vars[o->var].name);
        }
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
    case E_EMPTY:
        if (e->cmp == 2) {
            kw(b, "BOUND");
            sb_printf(b, "(?%s)", q->vars[e->a.var].name);
            break;
        }
        put_operand(b, q, &e->a);
        sb_put(b, " ");
        kw(b, "IS");
        sb_put(b, " ");
        if (e->cmp == 1) {
            kw(b, "NOT");
            sb_put(b, " ");
        }
        kw(b, "EMPTY");
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
    if (q->check) {
        kw(b, "CHECK");
        if (q->check == 2) {
            sb_put(b, " ");
            kw(b, "NOT");
        }
        for (int k = 0; k < 3; k++) {
            sb_put(b, " ");
            put_qterm(b, q, &q->pats[0].spo[k]);
        }
        sb_put(b, ";");
        render_q = NULL;
        return;
    }
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
        for (int i = 0; i < q->ngroup; i++) {
            sb_put(b, i ? ", " : " ");
            const char *name = NULL;
            for (int k = 0; q->group_by_name[i] && k < q->nitems && !name; k++)
                if (q->items[k].var == q->group[i] &&
                    q->items[k].kind == (q->group_fn[i] < 0 ? I_VAR : I_FUNC) &&
                    (q->group_fn[i] < 0 || q->items[k].fn == q->group_fn[i]) &&
                    q->items[k].alias[0])
                    name = q->items[k].alias;
            if (name) {
                sb_put(b, name);
            } else if (q->group_fn[i] >= 0) {
                kw(b, FUNC_NAME[q->group_fn[i]]);
                sb_printf(b, "(?%s)", q->vars[q->group[i]].name);
            } else {
                sb_printf(b, "?%s", q->vars[q->group[i]].name);
            }
        }
    }
    if (q->having >= 0) {
        sb_put(b, " ");
        kw(b, "HAVING");
        sb_put(b, " ");
        put_expr(b, q, q->having, chance(70));
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

/* Rows compared cell by cell, over *(const int *)ncols cells (qsort_r's argument). */
static int cmp_row_full(const void *pa, const void *pb, void *ncols)
{
    const char *a = pa, *b = pb;
    for (int c = 0; c < *(const int *)ncols; c++) {
        int k = strcmp(a + (size_t)c * CELL, b + (size_t)c * CELL);
        if (k) return k;
    }
    return 0;
}

/* Rows compared by the ORDER BY keys of query *sq that are output columns. */
static int cmp_row_keys(const void *pa, const void *pb, void *sq)
{
    const query *sort_q = sq;
    const char *a = pa, *b = pb;
    for (int i = 0; i < sort_q->norder; i++) {
        int c = sort_q->order[i].col;
        if (c < 0) break; /* not an output column: its order cannot be seen */
        int k = cmp_cell(a + (size_t)c * CELL, b + (size_t)c * CELL);
        if (k) return sort_q->order[i].dir == 2 ? -k : k;
    }
    return 0;
}

/* Two rows of t, cell by cell. */
static int row_cmp(const table *t, int ra, const table *u, int rb)
{
    return cmp_row_full(cellp(t, ra, 0), cellp(u, rb, 0), (void *)&t->ncols);
}

/* Sort t's rows cell by cell. */
static void table_sort(table *t)
{
    if (t->n < 2) return;
    qsort_r(t->cells, (size_t)t->n, (size_t)t->ncols * CELL, cmp_row_full, &t->ncols);
}

/* Sort t's rows by the ORDER BY keys of q that are output columns. */
static void table_sort_keys(table *t, const query *q)
{
    if (t->n < 2) return;
    qsort_r(t->cells, (size_t)t->n, (size_t)t->ncols * CELL, cmp_row_keys, (void *)q);
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
static bool binding;   /* meet binds in a positive pattern (not in WITHOUT) */
static bool text_open; /* a text variable met another spelling of its value (see meet) */

static bool meet(rv *vars, int v, rv val)
{
    if (v < 0) return true;
    if (vars[v].k == RV_UNBOUND) {
        vars[v] = val;
        return true;
    }
    bool eq = rv_equal(&vars[v], &val);
    /* Two quotes equal by key but written differently (white space, case): which spelling
     * the variable shows depends on which pattern the engine joins first. */
    if (eq && binding && vars[v].k == RV_TEXT && strcmp(vars[v].s, val.s)) text_open = true;
    return eq;
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
    if (p->pol >= 0) {
        /* POLARITY ?pol: either polarity, "+" or "-" (a bound ?pol picks one) */
        if (!meet(vars, p->pol, (rv){RV_TEXT, 0, 0, 0, c->neg ? "-" : "+"})) return false;
    } else if (c->neg != p->neg) {
        return false;
    }
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
            bool seen[NART] = {false};
            for (int k = 0; k < c->ncite; k++) {
                int a = CT[c->cites[k]].article;
                n += !seen[a];
                seen[a] = true;
            }
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
    if (!meet(vars, p->quote, t->has_quote ? (rv){RV_TEXT, 0, 0, 0, t->quote} : nul)) return false;
    if (!meet(vars, p->who, t->claimant >= 0 ? (rv){RV_TERM, t->claimant, 0, 0, NULL} : nul))
        return false;
    if (!meet(vars, p->conf, t->has_conf ? (rv){RV_REAL, 0, 0, t->conf, NULL} : nul)) return false;
    if (!meet(vars, p->at, t->qs >= 0 ? (rv){RV_INT, 0, t->qs, 0, NULL} : nul)) return false;
    if (!meet(vars, p->to, t->qe >= 0 ? (rv){RV_INT, 0, t->qe, 0, NULL} : nul)) return false;
    if (!meet(vars, p->on, t->said >= 0 ? (rv){RV_TEXT, 0, 0, 0, SAID[t->said]} : nul))
        return false;
    if (!meet(vars, p->stored, (rv){RV_TEXT, 0, 0, 0, STORED_AT})) return false;
    return true;
}

/* Does some claim (and citation) match p under the bindings? (WITHOUT) */
static bool exists_match(const qpat *p, const rv *vars)
{
    rv a[MAXV], b[MAXV];
    binding = false;
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

static void render_rv(const rv *v, char *out);

/* HAVING: the solutions' groups, and the group whose row is checked. */
static const int *agg_gid;
static int agg_g;

/* COUNT(*) (fn I_COUNT) or COUNT(DISTINCT ?var) of the group agg_g. */
static int64_t group_count(int fn, int var)
{
    int64_t n = 0;
    char(*seen)[CELL] = malloc(((size_t)nsols + 1) * CELL);
    if (!seen) abort();
    for (int s = 0; s < nsols; s++) {
        if (agg_gid[s] != agg_g) continue;
        if (fn == I_COUNT) {
            n++;
            continue;
        }
        const rv *v = &sols[(size_t)s * MAXV + (size_t)var];
        if (v->k == RV_NULL) continue;
        render_rv(v, seen[n]);
        bool dup = false;
        for (int64_t k = 0; k < n && !dup; k++)
            dup = !strcmp(seen[k], seen[n]);
        n += !dup;
    }
    free(seen);
    return n;
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
    case O_AGG:
        f = (fv){1, (double)group_count(o->fn, o->var), NULL};
        break;
    default: {
        rv a = art_field(&vars[o->var], o->fn);
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
    case E_EMPTY: {
        bool empty = operand_value(&e->a, vars).k == 0;
        return e->cmp == 0 ? empty : !empty;
    }
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
        binding = true;
        if (C[ci].ncite == 0 || !claim_ok(p, ci, cur)) continue;
        if (p->src < 0) {
            solve(pi + 1);
            continue;
        }
        memcpy(save2, cur, sizeof cur);
        for (int k = 0; k < C[ci].ncite; k++) {
            memcpy(cur, save2, sizeof cur);
            binding = true;
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

/* One side of CHECK: the citations of claim (neg, s, p, o). */
typedef struct check_side {
    int narts, arts[NART]; /* distinct citing articles */
    int independent;       /* their distinct duplicate roots */
    double weight;         /* per root, the most sure citation that is not self-serving */
    int self;              /* self-serving citations: the claimant is the subject */
} check_side;

static void check_weigh(bool neg, int s, int p, int o, check_side *sd)
{
    memset(sd, 0, sizeof *sd);
    int ci = claim_find(neg, s, p, o);
    if (ci < 0) return;
    bool art[NART] = {false}, root_seen[NART] = {false};
    double best[NART] = {0};
    for (int k = 0; k < C[ci].ncite; k++) {
        const rcite *t = &CT[C[ci].cites[k]];
        art[t->article] = true;
        if (t->claimant >= 0 && t->claimant == s) {
            sd->self++;
            continue;
        }
        double w = t->has_conf ? t->conf : 1.0;
        int r = article_root(t->article);
        if (w > best[r]) best[r] = w;
    }
    for (int a = 0; a < NART; a++) {
        if (!art[a]) continue;
        sd->arts[sd->narts++] = a;
        int r = article_root(a);
        sd->independent += !root_seen[r];
        root_seen[r] = true;
    }
    for (int r = 0; r < NART; r++)
        sd->weight += best[r];
}

static void render_ids(const check_side *sd, char *out)
{
    int64_t ids[NART];
    for (int i = 0; i < sd->narts; i++)
        ids[i] = ART_ID[sd->arts[i]];
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
static void ref_check(const query *q, table *out, int *nsolutions)
{
    const qpat *p = &q->pats[0];
    check_side sf, sa;
    memset(&sf, 0, sizeof sf);
    memset(&sa, 0, sizeof sa);
    int s = p->spo[0].term, pr = p->spo[1].term, o = p->spo[2].term;
    if (s >= 0 && pr >= 0 && o >= 0) {
        check_weigh(q->check == 2, s, pr, o, &sf);
        check_weigh(q->check != 2, s, pr, o, &sa);
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
    render_ids(&sf, cellp(out, r, 7));
    render_ids(&sa, cellp(out, r, 8));
    *nsolutions = sf.narts + sa.narts > 0;
}

/* Evaluate q over the reference data into out. Returns false when the query is too big for
 * the naive evaluator, or its result is not determined (the caller draws another). */
static bool ref_eval(const query *q, table *out, int *nsolutions)
{
    if (q->check) {
        ref_check(q, out, nsolutions);
        return true;
    }
    RQ = q;
    nsols = 0;
    work = 0;
    too_big = text_open = false;
    for (int i = 0; i < MAXV; i++)
        cur[i] = (rv){RV_UNBOUND, 0, 0, 0, NULL};
    solve(0);
    if (too_big || text_open) return false;
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
                    rv x = sv[q->group[k]], y = gv[q->group[k]];
                    if (q->group_fn[k] >= 0) {
                        x = art_field(&x, q->group_fn[k]);
                        y = art_field(&y, q->group_fn[k]);
                    }
                    render_rv(&x, a);
                    render_rv(&y, b);
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
            if (q->having >= 0) {
                /* HAVING: the group's variables are its first solution's (the grouped ones
                 * agree); its aggregates are counted again over its solutions */
                agg_gid = gid;
                agg_g = g;
                if (!eval_cond(q, q->having, &sols[(size_t)rep[g] * MAXV])) out->n--;
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
            else if (ty == CLAIMDB_REAL) {
                /* The text reads back as the value (the fewest digits that do); compared at
                 * 6 significant digits, as the reference prints, since the reference may add a
                 * CHECK weight's parts in another order (0.8 + 0.9 = 1.7000000000000002) */
                double x = claimdb_column_double(st, c);
                if (strtod(tx, NULL) != x)
                    snprintf(dst, CELL, "R:text %s is not %.17g", tx, x);
                else
                    snprintf(dst, CELL, "R:%g", x);
            } else if (ty == CLAIMDB_TEXT)
                snprintf(dst, CELL, "T:%s", tx);
            else if (ty == CLAIMDB_LIST) {
                /* The text ("0, 1, 4"; "" when empty) and claimdb_column_list must agree. */
                const int64_t *items = NULL;
                int n = claimdb_column_list(st, c, &items);
                char lt[CELL] = "";
                size_t k = 0;
                for (int i = 0; i < n && items && k < sizeof lt; i++)
                    k += (size_t)snprintf(lt + k, sizeof lt - k, "%s%" PRId64, i ? ", " : "",
                                          items[i]);
                if (n < 0 || (n > 0 && !items) || (n == 0 && items) || strcmp(lt, tx))
                    snprintf(dst, CELL, "list '%.24s' vs column_list %d '%.24s'", tx, n, lt);
                else
                    snprintf(dst, CELL, "L:%s", tx);
            } else
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
        table_sort(&tmp_a);
        table_sort(&tmp_b);
        int i = 0;
        for (int j = 0; j < tmp_b.n; j++) {
            while (i < tmp_a.n && row_cmp(&tmp_a, i, &tmp_b, j) < 0)
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
    table_sort(&tmp_a);
    table_sort(&tmp_b);
    bool same = tmp_a.n == tmp_b.n;
    for (int r = 0; same && r < tmp_a.n; r++)
        same = rows_equal(&tmp_a, r, &tmp_b, r);
    if (!same) {
        snprintf(why, whycap, "the multisets of rows differ");
        return false;
    }
    if (q->norder) {

        for (int r = 1; r < eng->n; r++)
            if (cmp_row_keys(cellp(eng, r - 1, 0), cellp(eng, r, 0), (void *)q) > 0) {
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
    while (i < a->n) {
        int c = j < b->n ? cmp_row_full(cellp(a, i, 0), cellp(b, j, 0), (void *)&a->ncols) : -1;
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

static void report(const query *q, int dset, int qi, const table *ref, const table *eng,
                   const char *why)
{
    printf("[diff] MISMATCH (seed %" PRIu64 ", data set %d, query %d): %s\n", opt_seed, dset, qi,
           why);
    printf("[diff] query: %s\n", q->text.p);
    print_params(q);
    print_table("expected (reference)", ref);
    print_table("engine", eng);
    table_copy(&tmp_a, ref);
    table_copy(&tmp_b, eng);
    table_sort(&tmp_a);
    table_sort(&tmp_b);
    print_only("only in expected", &tmp_a, &tmp_b);
    print_only("only in engine", &tmp_b, &tmp_a);
    printf("[diff] reproduce: test_differential --seed %" PRIu64
           " --count %ld [--dump] [--minimize]\n",
           opt_seed, (long)dset * QUERIES_PER_DATASET + qi + 1);
}

/* ---- the database ---------------------------------------------------------------------------- */

static char tmpdir[64];
static int dbcounter;

static void exec_ok(claimdb *db, const char *sql)
{
    int rc = claimdb_exec(db, sql, NULL, NULL);
    if (rc != CLAIMDB_OK) fail_msg("%s: %s", sql, claimdb_errmsg(db));
}

static bool check_flags; /* compare claimdb_assert's *added with the reference's */
static long flag_errors, flags_checked;
static char flag_error[600];

static void describe_flags(int f, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s%s%s%s", f == 0 ? "0" : "",
             f & CLAIMDB_ADDED_CLAIM ? "ADDED_CLAIM " : "",
             f & CLAIMDB_ADDED_CITATION ? "ADDED_CITATION " : "",
             f & CLAIMDB_UPDATED_CITATION ? "UPDATED_CITATION " : "",
             f & CLAIMDB_QUOTE_NOT_FOUND ? "QUOTE_NOT_FOUND " : "");
}

/* Run data statement i on db (a citation through claimdb_assert, or ASSERT). */
static void apply_op(claimdb *db, int i)
{
    const op *o = &OPS[i];
    if (o->kind != OP_DUP && (o->kind != OP_CITE || o->via_sql)) {
        sbuf b = {0};
        op_statement(&b, o);
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
                          .quote = o->quote >= 0 ? o->q
                                   : o->qempty   ? ""
                                                 : NULL,
                          .claimant = o->wb >= 0 ? o->w : NULL,
                          .has_confidence = o->has_conf,
                          .confidence = o->conf,
                          .method = o->method,
                          .said_on = o->said >= 0 ? SAID[o->said] : NULL};
    int added = -1;
    int rc = claimdb_assert(db, &c, &added);
    if (rc != CLAIMDB_OK) fail_msg("claimdb_assert: %s", claimdb_errmsg(db));
    if (!check_flags) return;
    flags_checked++;
    if (added != exp_flags[i] && flag_errors++ == 0) {
        char want[120], got[120];
        describe_flags(exp_flags[i], want, sizeof want);
        describe_flags(added, got, sizeof got);
        sbuf b = {0};
        cite_statement(&b, o);
        snprintf(flag_error, sizeof flag_error,
                 "claimdb_assert (statement %d: %s) set *added to %s, expected %s", i + 1, b.p, got,
                 want);
        free(b.p);
    }
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
        if (op_on[i]) apply_op(db, i);
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
    check_flags = false;
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
    query q;
    memset(&q, 0, sizeof q);
    long done = 0, nonempty_rows = 0, nonempty_sols = 0, redrawn = 0, redrawn_empty = 0,
         mismatches = 0;
    long ordered = 0, limited = 0, aggregates = 0, withouts = 0, filters = 0;
    int ndatasets = 0, nopen = 0, ncitations = 0, maxcitations = 0, nbatches = 0;
    long checks = 0, verdicts[5] = {0}, clause_queries = 0, regenerated = 0;
    long merged_moved = 0, merged_dropped = 0, placed = 0, multi = 0;
    for (int dset = 0; done < opt_count; dset++) {
        /* A data set whose ALIAS merge is not determined (see gen_cite) is drawn again. */
        for (int attempt = 0;; attempt++) {
            reseed((uint64_t)dset, UINT64_MAX - (uint64_t)attempt);
            gen_data(dset % 5 == 3);
            build_ref();
            if (!ref_ambiguous) break;
            regenerated++;
            if (attempt == 20) fail_msg("generator bug: data set %d: ALIAS merges stay open", dset);
        }
        merged_moved += ref_merge_moved;
        merged_dropped += ref_merge_dropped;
        for (int k = 0; k < ncites; k++)
            placed += CT[k].qs >= 0;
        for (int ci = 0; ci < nclaims; ci++) {
            bool seen[NART] = {false};
            for (int k = 0; k < C[ci].ncite; k++) {
                multi += seen[CT[C[ci].cites[k]].article];
                seen[CT[C[ci].cites[k]].article] = true;
            }
        }
        check_flags = true;
        if (opt_dump) {
            sbuf b = {0};
            data_script(&b);
            printf("[diff] data set %d:\n%s", dset, b.p ? b.p : "");
            free(b.p);
        }
        char path[128];
        bool open_txn = dset % 4 == 1 || chance(10);
        ndatasets++;
        nopen += open_txn;
        ncitations += ncites;
        maxcitations = ncites > maxcitations ? ncites : maxcitations;
        claimdb *db = build_db(path, sizeof path, open_txn);
        for (int qi = 0; qi < QUERIES_PER_DATASET && done < opt_count; qi++, done++) {
            int ns = 0;
            for (int attempt = 0;; attempt++) {
                reseed((uint64_t)dset, (uint64_t)qi * 64 + (uint64_t)attempt);
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
                printf("[diff] %d.%d (%d solutions, %d rows): %s\n", dset, qi, ns, ref_t.n,
                       q.text.p);
            engine_result er;
            run_engine(db, &q, &eng_t, &er);
            char why[600];
            nonempty_rows += ref_t.n > 0;
            nonempty_sols += ns > 0;
            ordered += q.norder > 0;
            limited += q.limit >= 0 || q.offset >= 0;
            aggregates += q.agg;
            filters += q.filter >= 0;
            if (q.check) {
                checks++;
                static const char *const vs[5] = {"unknown", "disputed", "supported",
                                                  "contradicted", "unverified"};
                for (int k = 0; k < 5; k++)
                    verdicts[k] += !strcmp(cellp(&ref_t, 0, 0) + 2, vs[k]);
            }
            for (int i = 0; i < q.npats; i++)
                if (q.pats[i].at >= 0 || q.pats[i].to >= 0 || q.pats[i].on >= 0 ||
                    q.pats[i].stored >= 0) {
                    clause_queries++;
                    break;
                }
            for (int i = 0; i < q.npats; i++)
                if (q.pats[i].without) {
                    withouts++;
                    break;
                }
            if (!compare(&q, &ref_t, &eng_t, &er, why, sizeof why)) {
                mismatches++;
                report(&q, dset, qi, &ref_t, &eng_t, why);
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
                    check_flags = true;
                }
                if (!opt_all) {
                    fflush(stdout);
                    drop_db(db, path);
                    rmdir(tmpdir);
                    fail_msg("differential mismatch: seed %" PRIu64 ", data set %d, query %d: %s",
                             opt_seed, dset, qi, q.text.p);
                }
            }
            /* Now and then more writes between two queries: in the open transaction, in one
             * of their own, or each committing on its own. */
            reseed((uint64_t)dset, ((uint64_t)1 << 40) + (uint64_t)qi);
            if (qi % 20 == 19 && chance(50)) {
                int first = nops;
                gen_citations(3 + rnd(15), -1);
                if (chance(40)) gen_retract(gc, ngc, written, pre_alias);
                bool own = !open_txn && chance(50);
                if (own) exec_ok(db, "BEGIN;");
                for (int i = first; i < nops; i++)
                    op_on[i] = true;
                build_ref();
                if (ref_ambiguous)
                    fail_msg("generator bug: data set %d, writes after query %d", dset, qi);
                for (int i = first; i < nops; i++)
                    apply_op(db, i);
                if (own) exec_ok(db, "COMMIT;");
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
    printf("[diff] %ld data sets drawn again (ALIAS merge not determined); %ld citations with "
           "a second one from the same article, %ld placed in their article's text; ALIAS "
           "moved %ld citations and dropped %ld exact duplicates; %ld claimdb_assert flags "
           "checked\n",
           regenerated, multi, placed, merged_moved, merged_dropped, flags_checked);
    printf("[diff] %ld CHECK (%ld unknown, %ld disputed, %ld supported, %ld contradicted, %ld "
           "unverified), %ld FIND with AT/TO/ON/STORED\n",
           checks, verdicts[0], verdicts[1], verdicts[2], verdicts[3], verdicts[4], clause_queries);
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
    if (flag_errors)
        fail_msg("%ld claimdb_assert flag mismatch(es) (seed %" PRIu64 "), the first: %s",
                 flag_errors, opt_seed, flag_error);
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
    /* Every citation's STORED time is this one (so that STORED ?t is determined). */
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
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
