/* export.h — writing a whole database as TSV, JSON Lines or N-Quads in a deterministic order
 * (aliases, articles by id, then citations by subject, predicate, object, polarity, article),
 * read through FIND and SHOW statements of the public API. */
#ifndef CLAIMDB_REPL_EXPORT_H
#define CLAIMDB_REPL_EXPORT_H

#include "claimdb.h"
#include "records.h"

#include <stdio.h>

typedef struct export_options {
    int format;       /* FORMAT_* */
    const char *base; /* N-Quads IRI base, or NULL for the default */
} export_options;

/* The format of an export to out that names none: TSV, readable, on a terminal (it leaves out
 * the reviews, and says so); else JSON Lines, which carries everything. */
int export_default_format(FILE *out);

/* Export db to out; name is used in error messages. Returns 0, or 1 after printing an error. */
int export_db(claimdb *db, FILE *out, const char *name, const export_options *o);

/* Where the columns of SHOW REVIEWS are that a review record is read from (export and merge
 * read reviews alike). */
typedef struct review_columns {
    int at[20];
} review_columns;

/* The columns of stmt, a prepared SHOW REVIEWS. */
void review_columns_find(claimdb_stmt *stmt, review_columns *cols);

/* The review record of stmt's current row. Its strings are the statement's: valid until the
 * next step. */
void review_of_row(claimdb_stmt *stmt, const review_columns *cols, rec_review *rr);

#endif /* CLAIMDB_REPL_EXPORT_H */
