/* claimdb.h — the embedding API of claimdb, a claim database for fact-checking.
 *
 * claimdb stores claims (subject–predicate–object triples, positive or negative) with their
 * provenance (citing article, quote, claimant, confidence) in LMDB and answers ClaimQL
 * queries. The surface follows SQLite's: an opaque database handle, prepared statements that
 * are bound, stepped row by row and finalized, and integer status codes.
 *
 * Conventions, valid for every function below:
 *  - Status 0 is CLAIMDB_OK; every other status is one of the CLAIMDB_* codes below.
 *    CLAIMDB_ROW and CLAIMDB_DONE are results of claimdb_step(), not errors.
 *  - A length argument that is negative means "up to the terminating NUL".
 *  - Strings are UTF-8. Strings returned by the library are owned by the library; the
 *    function's note says how long they stay valid. Never free them.
 *  - Closing or finalizing NULL is a harmless no-op.
 *  - A handle may be used by one thread at a time. Several handles, in one process or in
 *    several, may use one database at once: readers never block the writer and see a
 *    consistent snapshot; writers take turns.
 *  - After an error, claimdb_errcode(), claimdb_errmsg() and claimdb_error_offset() describe it
 *    until the next call that can fail on the same handle.
 */
#ifndef CLAIMDB_H
#define CLAIMDB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup version The version of this header (claimdb_version() gives the library's) */
#define CLAIMDB_VERSION_STRING "0.1.0"
/** MAJOR * 1000000 + MINOR * 1000 + PATCH, for comparisons in #if. */
#define CLAIMDB_VERSION_NUMBER 1000

/** @defgroup status Status codes */
#define CLAIMDB_OK 0       /**< success */
#define CLAIMDB_ERROR 1    /**< a statement failed for a reason its message gives */
#define CLAIMDB_SYNTAX 2   /**< the statement text does not parse */
#define CLAIMDB_SEMANTIC 3 /**< the statement parses but means nothing (unbound variable, ...) */
#define CLAIMDB_NOMEM 4    /**< out of memory */
#define CLAIMDB_NOTFOUND 5 /**< the database file does not exist (and CREATE was not given) */
#define CLAIMDB_READONLY 6 /**< a write on a read-only handle */
#define CLAIMDB_BUSY                                                                               \
    7 /**< another handle holds the write transaction (past the busy timeout), or no reader slot   \
         is free */
#define CLAIMDB_IOERR 8      /**< the operating system refused a read or write */
#define CLAIMDB_CORRUPT 9    /**< the file is not a claimdb database, or is damaged */
#define CLAIMDB_FORMAT 10    /**< the database was written in another on-disk format version */
#define CLAIMDB_MISUSE 11    /**< the API was called wrongly (NULL handle, step after error, ...) */
#define CLAIMDB_RANGE 12     /**< a column index or parameter name that does not exist */
#define CLAIMDB_INTERRUPT 13 /**< claimdb_interrupt() stopped the statement */
#define CLAIMDB_ABORT 14     /**< a claimdb_exec() callback asked to stop */
#define CLAIMDB_TOOBIG 15    /**< a term or value larger than the storage allows */
#define CLAIMDB_ROW 100      /**< claimdb_step() has a row ready */
#define CLAIMDB_DONE 101     /**< claimdb_step() has finished the statement */
/* CLAIMDB_FORMAT was called CLAIMDB_VERSION up to 0.1.0, a name that read like a version
 * macro; code written for it compiles with CLAIMDB_OLD_NAMES defined. */
#ifdef CLAIMDB_OLD_NAMES
#define CLAIMDB_VERSION CLAIMDB_FORMAT
#endif

/** @defgroup open Flags for claimdb_open() */
#define CLAIMDB_OPEN_READONLY 0x1 /**< open for reading only; writes fail with CLAIMDB_READONLY */
#define CLAIMDB_OPEN_CREATE 0x2   /**< create the database if it does not exist */

/** @defgroup types Column types */
#define CLAIMDB_INTEGER 1 /**< an article id, a count */
#define CLAIMDB_REAL 2    /**< a confidence */
#define CLAIMDB_TEXT 3    /**< a term (display form), a quote, a title, ... */
#define CLAIMDB_NULL 5    /**< no value (an article without a title, a citation without quote) */
#define CLAIMDB_LIST 6    /**< a list of article ids (CHECK's sources): see claimdb_column_list() */

/** @defgroup method How a citation got into the database */
#define CLAIMDB_METHOD_CURATED 0   /**< written by a person (ASSERT, curated files) */
#define CLAIMDB_METHOD_IMPORTED 1  /**< loaded from a file of another system */
#define CLAIMDB_METHOD_EXTRACTED 2 /**< found in article text by the extractor */

/** @defgroup assert Flags returned by claimdb_assert() */
#define CLAIMDB_ADDED_CLAIM 0x1      /**< the claim did not exist before */
#define CLAIMDB_ADDED_CITATION 0x2   /**< the (claim, article, quote) citation is new */
#define CLAIMDB_UPDATED_CITATION 0x4 /**< an existing citation changed (claimant, ...) */
#define CLAIMDB_QUOTE_NOT_FOUND 0x8  /**< the article's stored text does not hold the quote */

/** @defgroup counters Counters for claimdb_counter() */
#define CLAIMDB_COUNTER_CURSOR_OPS 1 /**< LMDB cursor positionings made by this handle */
/** Citations written by this handle whose quote is not in their article's stored text (a
 * program reads it after each statement to warn; see claimdb_assert()). */
#define CLAIMDB_COUNTER_QUOTES_NOT_FOUND 2
/** FIND plans made by this handle: a prepared statement run again keeps its plan while the
 * statistics that chose it have not moved by more than a factor of 2 (docs/api.md). */
#define CLAIMDB_COUNTER_PLANS 3

/** An open database. Opaque; created by claimdb_open(), freed by claimdb_close(). */
typedef struct claimdb claimdb;

/** A prepared statement. Opaque; created by claimdb_prepare(), freed by claimdb_finalize(). */
typedef struct claimdb_stmt claimdb_stmt;

/** One citation for claimdb_assert(). The library copies what it needs; the caller keeps
 * ownership of every string. A citation is identified by (claim, article, quote): the same
 * quote again (compared with white space runs as one space) updates it, another quote adds
 * a citation, and a citation without quote is one more. Zero-initialise the struct, so that
 * fields added by later versions are absent. */
typedef struct claimdb_citation {
    const char *subject;   /**< required, NUL-terminated */
    const char *predicate; /**< required, NUL-terminated */
    const char *object;    /**< required, NUL-terminated */
    int negated;           /**< 0: the article says it; 1: the article says the opposite */
    int64_t article;       /**< the citing article's id, >= 0 */
    const char *quote;     /**< the article's words, or NULL */
    const char *claimant;  /**< to whom the article attributes the claim, or NULL */
    int has_confidence;    /**< 0: no confidence given; 1: confidence is meaningful */
    double confidence;     /**< in [0, 1] */
    int method;            /**< one of CLAIMDB_METHOD_* */
    const char *said_on;   /**< the date the claim was made ("YYYY-MM-DD"), or NULL */
    /** When the citation was first stored, in seconds since 1970-01-01 UTC; 0: now. A copy
     * of a citation from another database (claimdb merge) passes its STORED time: a stored
     * time earlier than the one kept replaces it (the citation was first stored then,
     * elsewhere), a later one is ignored, so an update keeps the first stored time. */
    int64_t stored;
} claimdb_citation;

/** Return the library's version, as "MAJOR.MINOR.PATCH". The string is static. */
const char *claimdb_version(void);

/** Return a static English description of a status code ("syntax error", ...). Never NULL;
 * an unknown code gives "unknown status". */
const char *claimdb_strerror(int status);

/** Open the database at path (one file, plus "PATH-lock" beside it).
 * @param[in] path the database file.
 * @param[in] flags CLAIMDB_OPEN_READONLY and/or CLAIMDB_OPEN_CREATE.
 * @param[out] db the new handle. On failure it is still set when memory allowed, so that
 *  claimdb_errmsg() can explain; close it with claimdb_close(). It is NULL when path or db
 *  was NULL, or on CLAIMDB_NOMEM.
 * @return CLAIMDB_OK, or CLAIMDB_NOTFOUND (no such file and no CREATE flag), CLAIMDB_FORMAT
 *  (another on-disk format), CLAIMDB_CORRUPT (not a claimdb file), CLAIMDB_IOERR,
 *  CLAIMDB_READONLY (CREATE with READONLY on a missing file), CLAIMDB_NOMEM, CLAIMDB_MISUSE.
 * @note A file cut short, or one that is not an LMDB file, gives CLAIMDB_CORRUPT before any
 *  page of it is mapped, and leaves no "PATH-lock" file behind. With CLAIMDB_OPEN_READONLY a
 *  file on read-only media, or in a folder where no lock file can be made, opens for
 *  reading (docs/reliability.md says what that gives up). Stale reader slots left by dead
 *  processes are cleared on open and whenever the reader table is full. */
int claimdb_open(const char *path, int flags, claimdb **db);

/** Close a handle, finalizing first any statement still open on it (their pointers become
 * invalid). An explicit transaction still open is rolled back.
 * @return CLAIMDB_OK (also for NULL). */
int claimdb_close(claimdb *db);

/** Set how long a write (a write statement, BEGIN, claimdb_assert()) waits for the write
 * transaction that another handle holds, in this process or another, before it fails with
 * CLAIMDB_BUSY. Handles in one process wait on a condition variable, processes on a lock of
 * the database file: neither spins. claimdb_interrupt() ends a wait.
 * @param[in] ms milliseconds; 0 (or negative) fails at once. The default is 5000.
 * @return CLAIMDB_OK, or CLAIMDB_MISUSE for a NULL or unopened handle. */
int claimdb_busy_timeout(claimdb *db, int ms);

/** Called about ten times a second while a write waits for another writer, with the
 * milliseconds waited so far. Return 0 to go on waiting (up to the busy timeout), anything
 * else to stop now (the write then fails with CLAIMDB_BUSY). It runs on the waiting thread. */
typedef int (*claimdb_busy_callback)(void *ctx, int waited_ms);

/** Set (or with NULL remove) db's busy callback; a program uses it to say that it waits.
 * @return CLAIMDB_OK, or CLAIMDB_MISUSE for a NULL or unopened handle. */
int claimdb_busy_handler(claimdb *db, claimdb_busy_callback callback, void *ctx);

/** Compile the first statement of text.
 * @param[in] db the handle.
 * @param[in] text ClaimQL text holding one or more statements ended by ';'.
 * @param[in] len bytes of text to read, or negative for up to the NUL.
 * @param[out] stmt the statement, or NULL when text held only white space and comments, or
 *  on error. Free it with claimdb_finalize().
 * @param[out] tail may be NULL; else set to the first byte after the statement's ';' (after
 *  the failing statement's ';', or the end, on a syntax error, so that a caller can go on).
 * @return CLAIMDB_OK, CLAIMDB_SYNTAX, CLAIMDB_SEMANTIC, CLAIMDB_NOMEM, CLAIMDB_MISUSE.
 * @note Error positions (claimdb_errmsg(), claimdb_error_offset()) are relative to text. */
int claimdb_prepare(claimdb *db, const char *text, int len, claimdb_stmt **stmt, const char **tail);

/** Return how many distinct parameters ($name) the statement uses (0 for NULL). */
int claimdb_bind_parameter_count(claimdb_stmt *stmt);

/** Return the name, with its '$', of parameter i (0-based), or NULL when out of range. Valid
 * until the statement is finalized. */
const char *claimdb_bind_parameter_name(claimdb_stmt *stmt, int i);

/** Bind a value to the parameter called name ("$s": the sigil is part of the name). The value
 * is used where the parameter stands: a term, a string, a number, an article id or a date
 * (text bound where a number is needed is converted, and a bad one fails at claimdb_step()).
 * Text is copied; it must be UTF-8 without NUL (within len), at most 1 GiB, as every text
 * that goes into the database. Bindings survive claimdb_reset().
 * @return CLAIMDB_OK, CLAIMDB_RANGE (no such parameter), CLAIMDB_MISUSE (NULL statement or
 *  name, or the statement is running: reset it first), CLAIMDB_ERROR (invalid UTF-8 or a
 *  NUL: the message says which), CLAIMDB_TOOBIG, CLAIMDB_NOMEM. */
int claimdb_bind_text(claimdb_stmt *stmt, const char *name, const char *value, int len);
/** As claimdb_bind_text(), for an integer. */
int claimdb_bind_int64(claimdb_stmt *stmt, const char *name, int64_t value);
/** As claimdb_bind_text(), for a real number. */
int claimdb_bind_double(claimdb_stmt *stmt, const char *name, double value);
/** Forget every binding. @return CLAIMDB_OK or CLAIMDB_MISUSE. */
int claimdb_clear_bindings(claimdb_stmt *stmt);

/** Run the statement until its next row.
 * @return CLAIMDB_ROW (the columns hold a row), CLAIMDB_DONE (finished; stepping again
 *  returns CLAIMDB_DONE), or an error: CLAIMDB_ERROR (for example an unbound parameter),
 *  CLAIMDB_READONLY, CLAIMDB_BUSY, CLAIMDB_IOERR, CLAIMDB_INTERRUPT, CLAIMDB_NOMEM,
 *  CLAIMDB_TOOBIG, CLAIMDB_MISUSE (NULL, or stepping after an error without reset).
 *  A failed write statement has changed nothing. */
int claimdb_step(claimdb_stmt *stmt);

/** Return the number of result columns (0 for statements without rows, and for NULL). */
int claimdb_column_count(claimdb_stmt *stmt);
/** Return the name of column i, or NULL when out of range. Valid until finalize. */
const char *claimdb_column_name(claimdb_stmt *stmt, int i);
/** Return the type of column i in the current row (CLAIMDB_NULL when out of range or no row). */
int claimdb_column_type(claimdb_stmt *stmt, int i);
/** Return column i as text (a number is formatted; NULL for a null value or out of range).
 * Valid until the next claimdb_step(), claimdb_reset() or claimdb_finalize(). */
const char *claimdb_column_text(claimdb_stmt *stmt, int i);
/** Return column i as an integer (text is parsed; 0 when null or not a number). */
int64_t claimdb_column_int64(claimdb_stmt *stmt, int i);
/** Return column i as a real (text is parsed; 0.0 when null or not a number). */
double claimdb_column_double(claimdb_stmt *stmt, int i);

/** Return column i as a list of integers (a CLAIMDB_LIST column: CHECK's sources_for and
 * sources_against). claimdb_column_text() gives the same list as text ("0, 1, 4").
 * @param[out] items may be NULL; else set to the integers, valid until the next
 *  claimdb_step(), claimdb_reset() or claimdb_finalize() (NULL for an empty list).
 * @return the number of integers, or -1 when the column is not a list (or out of range, or
 *  out of memory). */
int claimdb_column_list(claimdb_stmt *stmt, int i, const int64_t **items);

/** Put a statement back to before its first step, keeping its bindings. Ends its read
 * snapshot: the next step reads the latest data. The statement keeps what its next run can use
 * (its read transaction, reset: an LMDB reader slot that pins no page; its plan while the
 * statistics that chose it hold; see docs/api.md) until claimdb_finalize().
 * @return CLAIMDB_OK, or CLAIMDB_MISUSE for NULL. */
int claimdb_reset(claimdb_stmt *stmt);

/** Free a statement. @return CLAIMDB_OK (also for NULL). */
int claimdb_finalize(claimdb_stmt *stmt);

/** Called by claimdb_exec() for each row; read the row with the claimdb_column_*() functions.
 * Return 0 to go on, anything else to stop (claimdb_exec() then returns CLAIMDB_ABORT). */
typedef int (*claimdb_row_callback)(void *ctx, claimdb_stmt *stmt);

/** Prepare and run every statement of a NUL-terminated script, in order, stopping at the
 * first error. callback may be NULL.
 * @return CLAIMDB_OK, CLAIMDB_ABORT, or the first error (its position is relative to script). */
int claimdb_exec(claimdb *db, const char *script, claimdb_row_callback callback, void *ctx);

/** Store one citation without parsing: the bulk path for loaders. Inside BEGIN…COMMIT it joins
 * that transaction (the fast way to load many); otherwise it commits on its own. Terms are
 * matched and aliased as in ASSERT.
 * @param[out] added may be NULL; else set to CLAIMDB_ADDED_CLAIM, CLAIMDB_ADDED_CITATION,
 *  CLAIMDB_UPDATED_CITATION (0: the citation was already there as given), and
 *  CLAIMDB_QUOTE_NOT_FOUND when the article has text and the quote is not in it (the
 *  citation is stored all the same, without a position).
 * Every text must be valid UTF-8 (at most 1 GiB); a term must hold a character that is not
 * white space.
 * @return CLAIMDB_OK, CLAIMDB_MISUSE (NULL or empty field, negative article, bad method),
 *  CLAIMDB_ERROR (invalid UTF-8 or a blank term, "FIELD: why"; confidence outside [0, 1]),
 * CLAIMDB_TOOBIG, CLAIMDB_READONLY, CLAIMDB_BUSY, CLAIMDB_IOERR, CLAIMDB_NOMEM. */
int claimdb_assert(claimdb *db, const claimdb_citation *citation, int *added);

/** @defgroup review Fact-check reviews */
/** One fact-checker's review of a claim (the fields of schema.org ClaimReview), for
 * claimdb_review_put(). Zero-initialise it, then set what is known; strings are NULL (or "") when
 * absent. The library copies what it needs. A review is identified by its URL: storing a URL
 * again updates that review, the fields given replacing the stored ones and absent fields
 * keeping theirs, and adds the link to the triple when one is given. */
typedef struct claimdb_review {
    const char *claim_reviewed; /**< the claim as the reviewer states it (required for a new
                                     review; when NULL with a triple: "subject predicate
                                     object") */
    const char *url;            /**< the review's URL: its identity (required) */
    const char *reviewer;       /**< the fact-checking organisation ("PolitiFact") */
    const char *author;         /**< the person who wrote the review */
    const char *date;           /**< when the review was published, "YYYY-MM-DD" */
    const char *rating;         /**< the raw rating label ("Pants on Fire") */
    int has_rating_value;       /**< 1: rating_value is meaningful; the same for best, worst */
    double rating_value;
    int has_best_rating;
    double best_rating;
    int has_worst_rating;
    double worst_rating;
    const char *claimant;       /**< who made the claim */
    const char *claim_date;     /**< when the claim was made, "YYYY-MM-DD" */
    const char *appearance_url; /**< where the claim appeared */
    int has_appearance;         /**< 1: the claim appeared in article appearance */
    int64_t appearance;
    const char *language;  /**< the review's language ("en") */
    const char *title;     /**< the review's headline */
    const char *subject;   /**< with predicate and object: the triple the review is about, */
    const char *predicate; /**< matched and aliased as in ASSERT (it need not be a claim */
    const char *object;    /**< of the database); all three NULL: no triple */
    int negated;           /**< the triple is the negative claim */
} claimdb_review;

/** @defgroup reviewed Flags returned by claimdb_review_put() */
#define CLAIMDB_ADDED_REVIEW 0x10    /**< no review had that URL */
#define CLAIMDB_UPDATED_REVIEW 0x20  /**< the stored review changed */
#define CLAIMDB_ATTACHED_REVIEW 0x40 /**< the review is newly linked to the triple */
#define CLAIMDB_RATING_UNMAPPED                                                                    \
    0x80 /**< the rating label is not in the rating table: the                                     \
              review's verdict is "other" */

/** Store one review without parsing (the bulk path for importers). Inside BEGIN…COMMIT it
 * joins that transaction; otherwise it commits on its own. The rating label is normalised into
 * a verdict by the handle's rating table (claimdb_verdict()); a review without a label but
 * with a numeric rating gets the verdict of the fifth of its scale the value falls in.
 * @param[out] added may be NULL; else set to CLAIMDB_ADDED_REVIEW, CLAIMDB_UPDATED_REVIEW,
 *  CLAIMDB_ATTACHED_REVIEW and CLAIMDB_RATING_UNMAPPED flags (0: nothing changed).
 * @return CLAIMDB_OK, CLAIMDB_MISUSE (NULL db or review, no URL, no claim_reviewed for a new
 *  review without triple, a triple with a missing part), CLAIMDB_ERROR (a date that is not
 *  YYYY-MM-DD; $CLAIMDB_RATINGS names a file that cannot be read or has a bad line),
 *  CLAIMDB_TOOBIG (a URL longer than 480 bytes), CLAIMDB_READONLY,
 *  CLAIMDB_BUSY, CLAIMDB_IOERR, CLAIMDB_NOMEM. */
int claimdb_review_put(claimdb *db, const claimdb_review *review, int *added);

/** Normalise a rating label with db's rating table.
 * @param[out] mapped may be NULL; else set to 1 when the table maps the label, 0 when not.
 * @return the verdict, one of the static strings "true", "mostly-true", "mixture",
 *  "mostly-false", "false", "other" ("other" for an unmapped label, for NULL, and when the
 *  table cannot be built: then claimdb_errmsg() says why). */
const char *claimdb_verdict(claimdb *db, const char *label, int *mapped);

/** Read a file of rating mappings over db's rating table: lines "label<TAB>verdict" ('#'
 * starts a comment line), a label mapped again taking its last verdict. The table starts as
 * the one built into the library (data/ratings/ in the source), then $CLAIMDB_RATINGS when
 * that names a file. Reviews stored before keep their verdict.
 * @return CLAIMDB_OK, CLAIMDB_NOTFOUND, CLAIMDB_IOERR, CLAIMDB_ERROR (a bad line: the message
 *  names it, and nothing of the file is used; or $CLAIMDB_RATINGS is bad), CLAIMDB_NOMEM,
 *  CLAIMDB_MISUSE. */
int claimdb_ratings_load(claimdb *db, const char *path);

/** Called by claimdb_check() once per problem found, with a one-line English description. */
typedef void (*claimdb_check_report)(void *ctx, const char *problem);

/** Check a database file: first its structure, read with plain reads so that damage cannot
 * crash the check (every B-tree page LMDB would follow: page numbers, headers, node sizes,
 * overflow runs, key order, depths, counts); then, when that is sound, its contents (the three
 * claim indexes agree, every claim has a citation and every citation a claim, the
 * article→claim index matches the citations, statistics and counters match the data, every
 * id resolves, every record decodes).
 * @param[in] path the database file (opened read-only; nothing is written).
 * @param[in] report called for each problem (the first thousand of the contents check); may
 *  be NULL.
 * @param[out] problems the number of problems found (0: the database is sound).
 * @param[out] summary may be NULL; else receives what was checked, NUL-terminated and cut to
 *  summary_len bytes: "N claims, N citations, N articles, N terms, N aliases, N pages".
 * @return CLAIMDB_OK when the check ran (whatever it found), else CLAIMDB_NOTFOUND,
 *  CLAIMDB_IOERR, CLAIMDB_NOMEM, CLAIMDB_FORMAT (another format: not checked),
 *  CLAIMDB_MISUSE. */
int claimdb_check(const char *path, claimdb_check_report report, void *ctx, int64_t *problems,
                  char *summary, size_t summary_len);

/** Drop the text index (the words of reviews, and of citation quotes and claims when the
 * database indexes them, that SIMILAR and MATCH search) and build it again from the data, for
 * a file whose check reports the index damaged. Which kinds are indexed is chosen with the
 * statements CREATE TEXT INDEX ON QUOTES, CLAIMS; and DROP TEXT INDEX ON …; (SHOW TEXT INDEX;
 * lists them): a rebuild keeps the choice. Every write keeps the index up to date: this is a repair, not upkeep. Inside
 * BEGIN … COMMIT it joins the transaction; otherwise it commits on its own.
 * @return CLAIMDB_OK, CLAIMDB_READONLY, CLAIMDB_BUSY, CLAIMDB_NOMEM, CLAIMDB_IOERR,
 *  CLAIMDB_CORRUPT (a record the rebuild reads is damaged), CLAIMDB_MISUSE for NULL. */
int claimdb_text_rebuild(claimdb *db);

/** Return 1 when db has no explicit transaction open (each statement commits on its own), 0
 * inside BEGIN … COMMIT (closing the handle then rolls it back); 0 for NULL. */
int claimdb_autocommit(claimdb *db);

/** Ask the running statement of db to stop at its next row: claimdb_step() then returns
 * CLAIMDB_INTERRUPT. Also ends a wait for another writer (CLAIMDB_BUSY). Safe to call from a
 * signal handler. */
void claimdb_interrupt(claimdb *db);

/** Return whether text ends a statement: 1 when its last token is ';' (outside strings and
 * comments; white space and comments may follow), 0 otherwise, also when a statement follows
 * a whole one ("CHECK a b c; CHECK") — a REPL's continuation test. NULL gives 0. */
int claimdb_complete(const char *text);

/** @defgroup warnings Warnings of a statement
 * A warning is not an error: the statement runs and its rows are right, but what it asked for
 * is probably not what was meant. The library never prints them: a program reads them after
 * the statement has run. Today one kind is given: a subject, predicate or object of a CHECK,
 * EVIDENCE or FIND pattern (written or bound) that is in no claim of the database,
 * "\"Talibn\" is not in the database; did you mean \"Taliban\"?" ("is in no claim of the
 * database" for a term whose claims are all retracted, said only when the database holds no
 * fact-check review: a review's triple need not be a claim, and CHECK shows its reviews).
 * A claim found shows that its terms are in one, so CHECK asks about its terms only when
 * neither polarity of the claim is stored, and FIND about those of its patterns (other than
 * WITHOUT's) only when its run finds no solution; either way the warnings are there once the
 * step that gives the first row, or CLAIMDB_DONE, returns.
 *
 * The suggestion is the nearest spelling (edit distance with transpositions on the folded
 * key: at most 1 for keys of up to 4 bytes, 2 up to 8, 3 beyond; keys over 64 bytes get none)
 * of a term or alias that is in a claim. The search is made only for a term that is in no
 * claim and is bounded whatever the size of the database: it reads at most 1024 dictionary
 * keys sharing the term's first three characters and 4096 sharing its first character, so a
 * misspelt first character gets no suggestion.
 * @{ */

/** Return how many warnings the statement's run has given so far (0 for NULL). They are
 * forgotten when it runs again (its first claimdb_step() after prepare or reset). */
int claimdb_warning_count(claimdb_stmt *stmt);

/** Return warning i (0-based) of stmt, or NULL when out of range.
 * @param[out] offset may be NULL; else set to the byte offset, in the text given to
 *  claimdb_prepare(), of what the warning is about (-1: no position).
 * @note Valid until the statement is reset, run again or finalized. */
const char *claimdb_warning(claimdb_stmt *stmt, int i, int *offset);

#define CLAIMDB_TERM_ABSENT 0 /**< no term of the database has this spelling */
#define CLAIMDB_TERM_LIVE 1   /**< a term of at least one claim */
#define CLAIMDB_TERM_DEAD 2   /**< a term that no claim holds (any more) */
#define CLAIMDB_TERM_ALIAS 3  /**< an alias spelling of another term (ALIAS) */

/** Tell what a spelling names in db, as ClaimQL matches terms (case and white space folded):
 * a program's completion offers the live terms only.
 * @param[out] state one of CLAIMDB_TERM_*.
 * @return CLAIMDB_OK, CLAIMDB_ERROR (not a valid term: invalid UTF-8, only white space),
 *  CLAIMDB_TOOBIG, CLAIMDB_IOERR, CLAIMDB_NOMEM, CLAIMDB_MISUSE (a NULL argument). */
int claimdb_term_state(claimdb *db, const char *text, int len, int *state);

/** @} */

/** Return 1 when text[0..len) is an ISO 8601 calendar date YYYY-MM-DD that exists (leap
 * years counted; year 0000 allowed), else 0 — the rule for every date the library stores or
 * parses (len < 0: up to the NUL). NULL gives 0. */
int claimdb_date_valid(const char *text, int len);

/** Return the precision with which "%.*g" prints value as the library prints reals (in
 * claimdb_column_text and the statement printer): the shortest text that reads back as the
 * same double, so 0.1 gives "0.1". 15 when 15 or fewer digits read back (%g drops the
 * trailing zeros), else 16 or 17. */
int claimdb_real_digits(double value);

/** Return the number of ClaimQL keywords. */
int claimdb_keyword_count(void);
/** Return keyword i (upper case, static), or NULL when out of range. */
const char *claimdb_keyword_name(int i);

/** Return the status of the last failing call on db (CLAIMDB_OK when the last call succeeded,
 * CLAIMDB_NOMEM for NULL). */
int claimdb_errcode(claimdb *db);
/** Return the message of the last error on db, "LINE:COLUMN: message" when it has a position
 * (1-based; columns count characters), "not an error" after success. Valid until the next
 * call on db. */
const char *claimdb_errmsg(claimdb *db);
/** Return the message of the last error without its position. Valid until the next call. */
const char *claimdb_errmsg_text(claimdb *db);
/** Return the byte offset of the last error in the text given to claimdb_prepare() or
 * claimdb_exec(), or -1 when it has no position. */
int claimdb_error_offset(claimdb *db);

/** Return the value of a counter of db (CLAIMDB_COUNTER_*); reset it to 0 when reset != 0.
 * Returns 0 for NULL or an unknown counter. */
int64_t claimdb_counter(claimdb *db, int counter, int reset);

/** @defgroup extract Claim extraction from article text
 *
 * A rule-based open information extractor that knows nothing of the database: text in,
 * claims out. It skips page furniture (share buttons, section labels, bylines, copyright
 * lines...) without changing the text, splits sentences, tags words with a lexicon read from
 * WordNet, finds verb groups and their noun-phrase arguments, and turns attribution
 * ("X said that ...", "according to X"), negation ("not", "denied", "declined to") and hedges
 * ("reportedly", "may") into the claimant, the polarity and a lower confidence.
 *
 * Offsets: every offset is a BYTE offset into the text given to claimdb_extract(), as a
 * half-open range [start, end): text + start points at the first byte of the span as it is
 * written (quote marks and all), whatever the cleaning skipped. The `claimdb extract` program
 * also writes character (code point) offsets; see docs/extraction.md.
 * @{ */

/** The lexicon the extractor tags words with: WordNet's index and exception files, read into
 * hash tables. Opaque; created by claimdb_lexicon_open(), freed by claimdb_lexicon_close().
 * Read-only once open, so one lexicon may serve any number of threads at once. */
typedef struct claimdb_lexicon claimdb_lexicon;

/** A half-open byte range [start, end) of the text given to claimdb_extract(). */
typedef struct claimdb_span {
    size_t start; /**< offset of the first byte */
    size_t end;   /**< offset after the last byte; start == end for an absent span */
} claimdb_span;

/** One claim found by claimdb_extract(). Every pointer is valid only during the callback;
 * copy what you keep. */
typedef struct claimdb_extracted {
    const char *subject;         /**< the subject term: the noun phrase without determiners */
    const char *predicate;       /**< the predicate term: the verb's lemma (+ particle), "demand" */
    const char *object;          /**< the object term */
    const char *claimant;        /**< to whom the text attributes the claim, or NULL */
    claimdb_span subject_span;   /**< the subject's words as written */
    claimdb_span predicate_span; /**< the verb group as written ("has demanded") */
    claimdb_span object_span;    /**< the object's words as written (the whole argument) */
    claimdb_span claimant_span;  /**< the claimant as written (empty when claimant is NULL);
                                      after the quote when a quotation over several sentences
                                      names its speaker at its end */
    claimdb_span quote_span;     /**< the sentence that makes the claim */
    int negated;                 /**< 1 when the sentence says the opposite (not, denied, ...) */
    double confidence;           /**< in (0, 1]: lower for hedges, pronouns, inferred subjects */
    int method;                  /**< always CLAIMDB_METHOD_EXTRACTED */
    size_t sentence;             /**< the sentence's number in the text, from 0 */
} claimdb_extracted;

/** Flags for claimdb_extract_options.flags. */
#define CLAIMDB_EXTRACT_NO_COREF 0x1 /**< keep pronoun subjects as written ("he") */
#define CLAIMDB_EXTRACT_NO_CLEAN 0x2 /**< treat every line as prose (no furniture skipped) */
/** Also report the act of saying as a claim ("X said Y" gives X / say / Y besides Y with
 * claimant X), as Open IE benchmarks count it; the reported content is still a claim. */
#define CLAIMDB_EXTRACT_REPORTING 0x4

/** The deep path's grammar: link-grammar's English dictionary (CMU link grammar, Debian's
 * link-grammar-dictionaries-en), loaded once. Opaque; created by claimdb_grammar_open(), freed
 * by claimdb_grammar_close(). Read-only once open, so one grammar may serve any number of
 * threads at once (each claimdb_extract() call makes its own parse options). */
typedef struct claimdb_grammar claimdb_grammar;

/** Sentence counts of claimdb_extract() with a grammar: where each sentence's claims came from.
 * claimdb_extract() adds to the counts (it does not zero them). */
typedef struct claimdb_extract_stats {
    size_t sentences;  /**< sentences read (questions and 400-word "sentences" excepted) */
    size_t full;       /**< parsed with a full linkage: claims read from the parse */
    size_t no_linkage; /**< no full linkage: claims from the rules */
    size_t timeout;    /**< past the parser's time or memory limit: claims from the rules */
    size_t too_long;   /**< over the deep path's 60 words: claims from the rules */
} claimdb_extract_stats;

/** Options for claimdb_extract(). Zero-initialise, then set the lexicon. */
typedef struct claimdb_extract_options {
    const claimdb_lexicon *lexicon; /**< required: from claimdb_lexicon_open() */
    int flags;                      /**< CLAIMDB_EXTRACT_* flags, or 0 */
    double min_confidence;          /**< claims below this are not reported (0: all) */
    /** NULL: the fast, rule-based path. A grammar from claimdb_grammar_open(): the deep path,
     * about a thousand times slower: each sentence of at most 60 words is parsed (1 s at most)
     * and its claims are read from its full linkage (subjects, objects, passives, negation,
     * "said that" complements, coordination); a sentence without one, or over the limits,
     * goes to the rules. Parsed claims have confidences of 0.7 and up, the rules' are then
     * scaled by 0.75, so that a threshold keeps parsed claims first. */
    const claimdb_grammar *grammar;
    /** NULL, or counts to add this call's sentences to (deep path). Not shared between threads
     * extracting at once: give each its own. */
    claimdb_extract_stats *stats;
} claimdb_extract_options;

/** Called by claimdb_extract() for each claim, in text order. Return 0 to go on, anything else
 * to stop (claimdb_extract() then returns CLAIMDB_ABORT). */
typedef int (*claimdb_extract_callback)(void *ctx, const claimdb_extracted *claim);

/** Open the WordNet lexicon.
 * @param[in] dir the folder of WordNet's dictionary files (index.verb, verb.exc, ...), or NULL
 *  for the default: $CLAIMDB_WORDNET when set, else /usr/share/wordnet (Debian's
 *  wordnet-base package).
 * @param[out] lex the new lexicon. On failure it is still set when memory allowed, holding the
 *  message that claimdb_lexicon_errmsg() returns; close it with claimdb_lexicon_close().
 * @return CLAIMDB_OK, CLAIMDB_NOTFOUND (a file is missing: the message names it and the
 *  package), CLAIMDB_IOERR, CLAIMDB_CORRUPT (a file does not look like WordNet's),
 *  CLAIMDB_NOMEM, CLAIMDB_MISUSE (lex is NULL). */
int claimdb_lexicon_open(const char *dir, claimdb_lexicon **lex);

/** Return why claimdb_lexicon_open() failed ("not an error" after success; "out of memory"
 * for NULL). Valid until the lexicon is closed. */
const char *claimdb_lexicon_errmsg(const claimdb_lexicon *lex);

/** Free a lexicon. NULL is a harmless no-op. */
void claimdb_lexicon_close(claimdb_lexicon *lex);

/** Open link-grammar's English dictionary for the deep path.
 * @param[in] dir the dictionary's folder (holding 4.0.dict), an absolute path, or NULL for the
 *  default: $CLAIMDB_LINK_GRAMMAR when set, else /usr/share/link-grammar/en. (A relative name
 *  would make link-grammar search ./data first.)
 * @param[out] g the new grammar. On failure it is still set when memory allowed, holding the
 *  message that claimdb_grammar_errmsg() returns; close it with claimdb_grammar_close().
 * @return CLAIMDB_OK, CLAIMDB_ERROR (no dictionary there, or this claimdb was built without
 *  link-grammar: the message says which and what to install), CLAIMDB_NOMEM, CLAIMDB_MISUSE
 *  (g is NULL).
 * @note link-grammar's messages never reach stderr: an error handler takes them. */
int claimdb_grammar_open(const char *dir, claimdb_grammar **g);

/** Return why claimdb_grammar_open() failed ("not an error" after success; "out of memory"
 * for NULL). Valid until the grammar is closed. */
const char *claimdb_grammar_errmsg(const claimdb_grammar *g);

/** Free a grammar. NULL is a harmless no-op. */
void claimdb_grammar_close(claimdb_grammar *g);

/** Return the lemma of a verb form ("demanded" -> "demand", "said" -> "say") in buf, or NULL
 * when word is not a verb WordNet knows. buf must hold at least len + 3 bytes. */
const char *claimdb_lexicon_verb_lemma(const claimdb_lexicon *lex, const char *word, size_t len,
                                       char *buf);

/** Extract the claims of text, calling callback for each.
 * @param[in] text UTF-8 text (an invalid byte is read as a letter; NUL bytes as spaces).
 * @param[in] len its length in bytes.
 * @param[in] opt options; opt->lexicon is required.
 * @param[in] callback called for each claim (may be NULL: claims are only counted).
 * @param[in] ctx passed to callback unchanged.
 * @param[out] count may be NULL; else set to the number of claims reported.
 * @return CLAIMDB_OK, CLAIMDB_ABORT (the callback stopped it), CLAIMDB_NOMEM, CLAIMDB_MISUSE
 *  (NULL text with len > 0, NULL opt or lexicon, a grammar that failed to open).
 * @note Reentrant: it keeps no state between calls, so threads may extract at once (sharing
 *  one lexicon). Sentences of more than 400 words make no claims; coreference spans the text.
 */
int claimdb_extract(const char *text, size_t len, const claimdb_extract_options *opt,
                    claimdb_extract_callback callback, void *ctx, size_t *count);

/** Find the headline of an article: a short first line without final punctuation, before the
 * first paragraph of prose (section labels and tag lines before it are skipped).
 * @param[out] span set to the headline's bytes when there is one.
 * @return 1 when there is a headline, 0 otherwise (and for NULL). */
int claimdb_extract_title(const char *text, size_t len, claimdb_span *span);

/** The number of MinHash values in a signature. */
#define CLAIMDB_SIGNATURE_SIZE 128

/** Compute the MinHash signature of the text's prose (page furniture skipped; words folded to
 * lower case; shingles of 5 words), for claimdb_signature_similarity().
 * @return the number of shingles (0: the text has fewer than 5 words of prose, and sig is
 *  all ones). */
size_t claimdb_signature(const char *text, size_t len, uint64_t sig[CLAIMDB_SIGNATURE_SIZE]);

/** Return the estimated Jaccard similarity (0 to 1) of the shingle sets of two signatures. */
double claimdb_signature_similarity(const uint64_t a[CLAIMDB_SIGNATURE_SIZE],
                                    const uint64_t b[CLAIMDB_SIGNATURE_SIZE]);

/** @} */

#ifdef __cplusplus
}
#endif
#endif /* CLAIMDB_H */
