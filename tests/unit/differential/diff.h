/* diff.h — what the parts of the differential test share (test_differential.c is the driver;
 * gen.c, render.c, ref.c and compare.c the generator, renderer, reference evaluator and
 * comparer): the vocabulary, the types of data operations, queries and result tables, and
 * diff_state, which holds everything that changes while the test runs and is passed to every
 * function that reads or changes it. */
#ifndef CLAIMDB_DIFF_H
#define CLAIMDB_DIFF_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "claimdb.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUERIES_PER_DATASET 100

/* ---- a growing string --------------------------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

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

static const int64_t ART_IDS_SMALL[NART + 1] = {0, 1, 2, 3, 4, 5, 6};

static const int64_t ART_IDS_BIG[NART + 1] = {0, 1, 7, 255, 300, 1048576, 70000};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

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

/* The generation model of a claim: which citations (article, quote) each of its stored forms
 * has. Before the ALIAS statements a claim whose subject or object has an alias may be stored
 * under four forms (bit 0: the subject, bit 1: the object written by the alias spelling),
 * which are claims of their own until ALIAS merges them into form 0. */
typedef struct gclaim {
    bool neg;
    int s, p, o;
    uint16_t cites[4][NART]; /* form -> article -> quotes (bit q + 1; bit 0: no quote) */
} gclaim;

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

static const char *const CHECK_COLS[] = {
    "verdict",        "supporting",   "contradicting", "independent_supporting", "weight_for",
    "weight_against", "self_serving", "sources_for",   "sources_against"};

/* ---- result tables: rows of rendered cells ------------------------------------------------ */

#define CELL 96

typedef struct table {
    int ncols, n, cap;
    char *cells;
} table;

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

/* A value as FILTER sees it. */
typedef struct fv {
    int k; /* 0 null, 1 number, 2 text */
    double num;
    const char *text;
} fv;

/* One side of CHECK: the citations of claim (neg, s, p, o). */
typedef struct check_side {
    int narts, arts[NART]; /* distinct citing articles */
    int independent;       /* their distinct duplicate roots */
    double weight;         /* per root, the most sure citation that is not self-serving */
    int self;              /* self-serving citations: the claimant is the subject */
} check_side;

/* ---- the engine ----------------------------------------------------------------------------- */

typedef struct engine_result {
    bool failed;
    char err[512];
    int ncols;
    char names[MAXCOLS][32];
} engine_result;

/* Everything that changes while the test runs, in one place: every function that reads or
 * changes any of it takes it as its first argument. */
typedef struct diff_state {
    /* options (main) */
    uint64_t opt_seed;
    long opt_count;
    bool opt_all, opt_dump, opt_verbose, opt_minimize;

    /* the random stream (gen.c: splitmix64, reseeded per data set and per query) */
    uint64_t rng;

    /* the data set being generated (gen.c) */
    int64_t ART_ID[NART + 1]; /* article ids by index (0..NART-1), and one nobody cites (NART) */
    op OPS[MAXOPS];           /* its operations, in order */
    int nops;
    bool op_on[MAXOPS];    /* an operation still in (--minimize drops some) */
    bool ds_alias[NALIAS]; /* pool term i (< NALIAS) has an alias here */
    int ds_subj[8], ds_obj[8], ds_pred[4], ds_who[5]; /* its vocabulary (base ids) for queries */
    gclaim gc[MAXOPS];                                /* its model: one entry per canonical claim */
    int ngc, ndup;
    bool written[NALL], has_dup[NART], pre_alias;

    /* the reference store (ref.c): the data set replayed into plain arrays */
    rterm T[MAXTERMS];
    int nterms;
    rclaim C[MAXCLAIMS];
    int nclaims;
    rcite CT[MAXOPS];
    int ncites;
    int dup_of[NART];
    int art_title[NART], art_outlet[NART], art_date[NART]; /* -1: none */
    bool art_has_text[NART];
    char art_text[NART][TEXTCAP];
    int exp_flags[MAXOPS];                   /* what claimdb_assert should set *added to */
    long ref_merge_moved, ref_merge_dropped; /* statistics of ALIAS merges */
    bool ref_ambiguous;                      /* an ALIAS whose outcome the language leaves open */
    char alias_key[NALIAS][64];
    int alias_target[NALIAS], naliases;

    /* rendering (render.c) */
    query *render_q; /* the query being rendered (for its parameters) */
    bool no_param;   /* put_uint writes a number, not a parameter */

    /* the reference evaluator (ref.c) */
    const query *RQ; /* the query being evaluated */
    rv cur[MAXV];    /* the solution being built */
    rv *sols;        /* the solutions, MAXV values each */
    int nsols, capsols;
    long work;
    bool too_big;
    bool binding;       /* meet binds in a positive pattern (not in WITHOUT) */
    bool text_open;     /* a text variable met another spelling of its value (see meet) */
    const int *agg_gid; /* HAVING: the solutions' groups */
    int agg_g;          /* HAVING: the group whose row is checked */

    /* comparison (compare.c) and the driver's tables */
    table ref_t, eng_t, tmp_a, tmp_b;

    /* the database (test_differential.c) */
    char tmpdir[64];
    int dbcounter;
    bool check_flags; /* compare claimdb_assert's *added with the reference's */
    long flag_errors, flags_checked;
    char flag_error[600];
} diff_state;

/* gen.c */
int rnd(diff_state *d, int n);
bool chance(diff_state *d, int pct);
void reseed(diff_state *d, uint64_t a, uint64_t b);
void term_key(const char *s, char *out, size_t cap);
bool is_ws(char c);
void gen_retract(diff_state *d, gclaim *gc, int ngc, bool *written, bool pre_alias);
void gen_data(diff_state *d, bool dense);
void gen_citations(diff_state *d, int n, int alias_at);
void gen_query(diff_state *d, query *q);

/* render.c */
void cite_statement(diff_state *d, sbuf *b, const op *o);
void op_statement(diff_state *d, sbuf *b, const op *o);
void data_script(diff_state *d, sbuf *b);
const char *col_name(const query *q, int i);
void render_query(diff_state *d, query *q);
void resolve_query(diff_state *d, query *q);
char *cellp(const table *t, int r, int c);
void table_reset(table *t, int ncols);
int table_add(table *t);
int cmp_cell(const char *a, const char *b);
int cmp_row_full(const void *pa, const void *pb, void *ncols);
int cmp_row_keys(const void *pa, const void *pb, void *sq);
int row_cmp(const table *t, int ra, const table *u, int rb);
void table_sort(table *t);
void table_sort_keys(table *t, const query *q);

/* ref.c */
int term_lookup(diff_state *d, const char *text);
void build_ref(diff_state *d);
bool ref_eval(diff_state *d, const query *q, table *out, int *nsolutions);

/* compare.c */
bool compare(diff_state *d, const query *q, const table *ref, const table *eng,
             const engine_result *er, char *why, size_t whycap);
void print_table(const char *title, const table *t);
void report(diff_state *d, const query *q, int dset, int qi, const table *ref, const table *eng,
            const char *why);

#endif /* CLAIMDB_DIFF_H */
