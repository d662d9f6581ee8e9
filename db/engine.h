/* engine.h — what the modules of the engine (db/) share: the handle and statement structs,
 * values, result rows, and the entry points of each statement kind. Not a public header. */
#ifndef CLAIMDB_ENGINE_H
#define CLAIMDB_ENGINE_H

#include "ast.h"
#include "claimdb.h"
#include "store.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- values ---- */

/* V_LIST: article ids as the text "0, 1, 4" (CHECK's sources; claimdb_column_list parses it). */
typedef enum vkind { V_NULL = 0, V_INT, V_REAL, V_TERM, V_TEXT, V_LIST } vkind;

/* A value stays a term id until it is printed or compared by its text. Text points into
 * the LMDB map (valid while the statement's transaction lives) or into memory the statement
 * owns. */
typedef struct value {
    vkind k;
    union {
        int64_t i;
        double r;
        term_id t;
        struct {
            const char *p;
            size_t n;
        } s;
    } u;
} value;

/* ---- the handle ---- */

struct claimdb {
    store *st;
    int flags;
    store_txn *txn; /* the explicit transaction (BEGIN … COMMIT), or NULL */
    volatile sig_atomic_t interrupted;
    claimdb_busy_callback busy_cb; /* claimdb_busy_handler() */
    void *busy_ctx;
    struct claimdb_stmt *stmts; /* every live statement, for claimdb_close */
    int64_t quotes_not_found;   /* CLAIMDB_COUNTER_QUOTES_NOT_FOUND */
    int64_t plans;              /* CLAIMDB_COUNTER_PLANS */
    struct ratings *ratings;    /* rating label -> verdict, built on first use (review.c) */
    int errcode;
    int erroff;
    char errtext[1024]; /* the message without position */
    char errmsg[1100];  /* "LINE:COL: " + errtext, or errtext */
};

typedef struct binding {
    vkind k; /* V_NULL: not bound; V_INT, V_REAL, or V_TEXT (owned copy in u.s.p) */
    union {
        int64_t i;
        double r;
        struct {
            char *p;
            size_t n;
        } s;
    } u;
    /* The term the value names, worked out once per bind: its key (store_term_key; NULL until
     * a lookup needs it) and the id found in read snapshot `snap` (0: none yet). */
    char *key;
    size_t keylen;
    uint64_t snap;
    term_id id;
} binding;

typedef enum stmt_state { ST_READY, ST_RUNNING, ST_DONE, ST_FAILED } stmt_state;

typedef struct exec exec; /* a running statement's row source (stmt_kind.start) */

#define STMT_MAX_WARNINGS 16 /* per run: a statement names only so many terms */

struct claimdb_stmt {
    claimdb *db;
    struct claimdb_stmt *next, *prev;
    char *src; /* the prepared text up to the statement's end: AST offsets point into it */
    size_t srclen;
    ast_stmt *ast;
    binding *binds; /* one per ast->params entry */
    stmt_state state;
    store_txn *txn; /* the transaction the statement reads in (own or the db's explicit one) */
    bool own_txn;
    const struct stmt_kind *kind; /* kinds.c */
    exec *ex;
    /* Kept from the last run for the next (claimdb_reset, then step): the statement's own read
     * transaction, parked (store_park), and its executor, rewound. */
    store_txn *parked;
    exec *idle;
    int ncols;
    const char **colnames; /* point into the AST, or static strings */
    value *row;            /* ncols values of the current row */
    char **coltext;        /* per column, text produced by claimdb_column_text */
    size_t *coltextcap;
    /* per column, the term whose display form coltext holds (0: none), until the run ends:
     * consecutive rows often repeat a term (a claim's citations, a subject's claims) */
    term_id *coltextid;
    int64_t **collist; /* per column, integers produced by claimdb_column_list */
    size_t *collistcap;
    /* Warnings of the current run (suggest.c): messages and their offsets in src. */
    char *warnings[STMT_MAX_WARNINGS];
    size_t warnoff[STMT_MAX_WARNINGS];
    int nwarnings;
};

/* One running statement's row source. */
struct exec {
    int (*next)(claimdb_stmt *stmt, exec *self); /* CLAIMDB_ROW, CLAIMDB_DONE or an error */
    void (*free)(exec *self);
    /* Optional, both or neither: rewind drops what one run made (rows, cursors) and keeps what
     * the next can use (the plan, the memory); restart readies the rewound executor to run
     * again in stmt->txn with the current bindings, or sets *kept false when it cannot (the
     * caller frees it and starts a new one). */
    void (*rewind)(exec *self);
    int (*restart)(claimdb_stmt *stmt, exec *self, bool *kept);
};

/* ---- errors (error.c) ---- */

/* Record an error on db. With a statement, off (>= 0) is a byte offset into its source and
 * the message gets "LINE:COL: " in front. Returns code. */
int db_error(claimdb *db, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int stmt_error_at(claimdb_stmt *stmt, int code, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Record the store's last error under code. */
int db_store_error(claimdb *db, int code);
/* Record "out of memory". Returns CLAIMDB_NOMEM. */
int db_nomem(claimdb *db);
/* Record a failure of the store or of an allocation: "out of memory" for CLAIMDB_NOMEM, else
 * the store's last error. Returns code. */
int db_fail(claimdb *db, int code);
void db_clear_error(claimdb *db);
/* Rewrite the current error's position as relative to a larger text that holds the erring
 * text at byte base (claimdb_exec reports positions in its script). */
void db_error_rebase(claimdb *db, const char *text, size_t len, size_t base);

/* ---- parameters and constants (bind.c) ---- */

/* The binding of a parameter by name ("$x"), or NULL when the statement has no such one. */
const binding *stmt_binding(claimdb_stmt *stmt, const char *name);
/* Forget a binding's value (and what was worked out from it): unbound. */
void binding_clear(binding *b);
/* A term written in the statement (constant or parameter) as text; an unbound parameter is
 * an error at its position. */
int stmt_term_text(claimdb_stmt *stmt, const ast_term *t, const char **text, size_t *len,
                   char *numbuf, size_t numbufsz);
/* Look a term up (CLAIMDB_OK with *id 0 when absent) or intern it (write transactions). */
int stmt_term_lookup(claimdb_stmt *stmt, const ast_term *t, term_id *id);
int stmt_term_intern(claimdb_stmt *stmt, const ast_term *t, term_id *id);

/* ---- warnings about the terms of reading patterns (suggest.c) ---- */

/* As stmt_term_lookup, for a term that a CHECK, EVIDENCE or FIND pattern reads: one that is
 * in no claim (absent, or left without claims) adds a warning to the statement, with the
 * nearest spelling of a term that is in a claim when one is close. */
int stmt_read_term(claimdb_stmt *stmt, const ast_term *t, term_id *id);
/* As stmt_read_term for a term in role (ROLE_*) of a pattern of polarity pol (POL_*): whether
 * it is in a claim is asked of that statistic first, in one get when it is. */
int stmt_read_term_at(claimdb_stmt *stmt, const ast_term *t, int pol, int role, term_id *id);
/* Warn when the claimant t of a BY is not in the database at all (with the nearest name). */
int stmt_read_claimant(claimdb_stmt *stmt, const ast_term *t);
/* Forget the statement's warnings (a new run, or finalize). */
void stmt_clear_warnings(claimdb_stmt *stmt);
/* The state of a term's spelling: CLAIMDB_TERM_* of claimdb.h. */
int term_state(store_txn *txn, const char *text, size_t len, int *state);
/* Values written in the statement, parameters resolved and converted. */
int stmt_value_uint(claimdb_stmt *stmt, const ast_value *v, const char *what, uint64_t *out);
int stmt_value_real(claimdb_stmt *stmt, const ast_value *v, const char *what, double *out);
int stmt_value_text(claimdb_stmt *stmt, const ast_value *v, const char *what, const char **s,
                    size_t *n, char *numbuf, size_t numbufsz);
/* A time (seconds since 1970) as "YYYY-MM-DDTHH:MM:SSZ" in buf; the length, 0 if it does not
 * fit or the time is out of range. */
size_t format_utc(int64_t t, char *buf, size_t bufsz);

/* ---- dates and reals as text (scalar.c) ---- */

/* Whether s[0..n) is a date YYYY-MM-DD that exists (claimdb_date_valid). */
bool date_valid(const char *s, size_t n);
/* A real as the library prints it (claimdb_real_digits) into buf; the length, truncated to
 * fit. */
size_t real_text(double r, char *buf, size_t bufsz);

/* ---- values (value.c) ---- */

/* The text of a value: a term is decoded through the store; numbers are formatted into buf. */
int value_text(store_txn *txn, const value *v, const char **s, size_t *n, char *buf, size_t bufsz);
/* Equality as matching does it: term ids, else keys of the texts; NULL equals nothing. */
int value_equal(store_txn *txn, const value *a, const value *b, bool *eq);
/* Ordering for ORDER BY, MIN, MAX, < and >: NULL first, then numbers, then texts by bytes.
 * *cmp < 0, 0, > 0. */
int value_order(store_txn *txn, const value *a, const value *b, int *cmp);
/* SQL LIKE with % and _, case-insensitive (on case-folded keys). */
int like_match(const char *pattern, size_t plen, const char *s, size_t n, bool *match);
/* The literal prefix of a LIKE pattern (bytes before the first % or _). */
size_t like_prefix(const char *pattern, size_t plen);

/* ---- statement kinds (kinds.c) ---- */

/* How a statement kind is stepped. */
typedef enum stmt_mode {
    MODE_READ = 1, /* start() opens a row source in a read snapshot or the explicit transaction */
    MODE_WRITE,    /* run() writes, in its own write transaction or under a savepoint */
    MODE_TXN,      /* run() begins or ends the explicit transaction (transaction.c) */
} stmt_mode;

/* What the API needs to prepare and step one kind of statement. Each kind's file defines its
 * row (stmt_evidence in inspect.c, ...) beside the code the row names, with its result
 * columns; kinds.c indexes the rows by ast_stmt_kind. */
typedef struct stmt_kind {
    stmt_mode mode;
    /* The result columns, known at prepare (NULL and 0: none). */
    const char *const *columns;
    int ncolumns;
    /* For columns that depend on the statement (FIND's items, CHECK … REVIEWS, SHOW's
     * object): set them with stmt_set_columns. NULL: the fixed list above. */
    int (*shape)(claimdb_stmt *stmt);
    int (*start)(claimdb_stmt *stmt, exec **out); /* MODE_READ */
    int (*run)(claimdb_stmt *stmt);               /* MODE_WRITE, MODE_TXN */
} stmt_kind;

/* The row of a statement's kind, or NULL for a kind without one. */
const stmt_kind *stmt_kind_of(const ast_stmt *ast);

/* The number of elements of an array. */
#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* EVIDENCE's columns (inspect.c): a citation's, or a review's (evidence_reviews). */
#define EVIDENCE_COLUMNS 16
/* CHECK's nine columns; CHECK … REVIEWS adds CHECK_REVIEW_COLUMNS more (check_review_values). */
#define CHECK_COLUMNS 9
#define CHECK_REVIEW_COLUMNS 4

/* ---- text (text.c) ---- */

#define CLAIMDB_MAX_TEXT ((size_t)1 << 30) /* bytes of one stored text */
/* Whether s[0..n) may be stored: valid UTF-8, no NUL, at most CLAIMDB_MAX_TEXT bytes.
 * CLAIMDB_OK, or CLAIMDB_ERROR / CLAIMDB_TOOBIG with *why ("invalid UTF-8", ...). */
int text_check(const char *s, size_t n, const char **why);
/* text_check of every text of a citation; on failure db's error says which field. */
int text_check_citation(claimdb *db, const claimdb_citation *c);

/* ---- fact-check reviews (review.c) ---- */

/* One review to store: what REVIEW and claimdb_review_put() give. Texts need no NUL. */
typedef struct review_in {
    store_text text, url, reviewer, author, date, rating, claimant, claim_date, appearance_url,
        language, title;
    bool has_appearance;
    uint64_t appearance;
    bool has_value, has_best, has_worst;
    double value, best, worst;
    bool has_claim, negated;
    store_text s, p, o;
} review_in;
/* Store a review (fields given replace the stored ones); *added gets CLAIMDB_*_REVIEW and
 * CLAIMDB_RATING_UNMAPPED flags. */
int write_review(claimdb *db, store_txn *txn, const review_in *in, int *added);
/* claimdb_review_put()'s struct as a review_in; CLAIMDB_MISUSE for a partial triple or a
 * negative appearance. */
int review_from_api(const claimdb_review *a, review_in *in);
/* The handle's rating table, built on first use (CLAIMDB_ERROR when $CLAIMDB_RATINGS names a
 * file that cannot be read or has a bad line). */
int db_ratings(claimdb *db, struct ratings **out);
/* SHOW REVIEWS (review.c): its columns, and its rows into rs. */
#define REVIEW_COLUMNS 21
extern const char *const review_columns[REVIEW_COLUMNS];
typedef struct rowset rowset;
int show_reviews(claimdb_stmt *stmt, rowset *rs);
/* SHOW TEXT INDEX (text_index.c): a row per kind of document, whether it is indexed, and its
 * documents and words. */
#define TEXT_INDEX_COLUMNS 4
extern const char *const text_index_columns[TEXT_INDEX_COLUMNS];
int show_text_index(claimdb_stmt *stmt, rowset *rs);
/* CHECK's review columns (reviews, reviewers, latest_verdict, reviewers_disagree) for the
 * triple k (NULL: none); *mem holds texts the values point at until the caller frees it. */
int check_review_values(claimdb_stmt *stmt, const claim_key *k, value out[CHECK_REVIEW_COLUMNS],
                        char **mem);
/* EVIDENCE's review rows of both polarities of k's triple. */
int evidence_reviews(claimdb_stmt *stmt, claim_key k, rowset *rs);

/* Store one citation (claimdb_assert and ASSERT share it). */
int write_citation(claimdb *db, store_txn *txn, const claimdb_citation *c, int *added);

/* ---- sources (sources.c) ---- */

/* The article root of a duplicate chain (an article that is no duplicate). */
int article_root(store_txn *txn, uint64_t id, uint64_t *root);
/* The ids of the articles citing a claim, in order (*ids malloc'd, caller frees). */
int claim_articles(store_txn *txn, const claim_key *k, uint64_t **ids, size_t *n);
/* As claim_articles, through *reuse, a citation cursor kept across claims (opened when NULL;
 * the caller closes it). */
int claim_articles_cur(store_txn *txn, store_cursor **reuse, const claim_key *k, uint64_t **ids,
                       size_t *n);
/* How many of ids are independent: duplicates of one article count once. */
int independent_count(store_txn *txn, const uint64_t *ids, size_t n, int64_t *count);

/* ---- checking (check_file.c) ---- */

/* Walk the LMDB file's B-trees with pread (never mapping it): *problems counts what is wrong,
 * *pages the pages in use. CLAIMDB_OK when the walk ran. */
int check_file(const char *path, claimdb_check_report report, void *ctx, int64_t *problems,
               uint64_t *pages);

/* ---- quotes (quote.c) ---- */

/* Find quote in an article's text, white space insensitively: true with [*start, *end) in
 * characters of text, or false with both -1. */
bool quote_locate(const char *text, size_t tn, const char *quote, size_t qn, int64_t *start,
                  int64_t *end);

/* ---- result columns ---- */

/* Set the statement's result columns (names are not copied: static or AST strings). */
int stmt_set_columns(claimdb_stmt *stmt, int ncols, const char *const *names);

/* ---- a materialised result (rowset.c) ---- */

typedef struct rowset rowset;
rowset *rowset_new(int ncols);
/* Append a row; text values are copied. */
int rowset_add(rowset *rs, const value *row);
/* An exec that hands the rows out in order, taking ownership of rs. */
int rowset_exec(rowset *rs, exec **out);
void rowset_free(rowset *rs);
/* Run a running statement to its end now, keeping its rows (and its current row) in a rowset
 * it goes on stepping through: a statement reads the snapshot it started with, also when its
 * own handle writes in the same transaction before it is done. */
int rowset_drain(claimdb_stmt *stmt);
/* Helpers to build rows. */
value v_int(int64_t i);
value v_real(double r);
value v_text(const char *s, size_t n);
value v_cstr(const char *s);
/* A text field of a stored record, or NULL when the record has none. */
value v_stored(store_text t);
value v_term(term_id t);
value v_null(void);
/* A list of ids (kept as its text, which the caller owns until the row is added). */
value v_list(const char *text, size_t n);

#endif /* CLAIMDB_ENGINE_H */
