/* merge.h — `claimdb merge OUT DB...`: several claimdb files into one, through the public API
 * only (read with FIND and SHOW, written with claimdb_assert(), ARTICLE and ALIAS in one
 * write transaction). */
#ifndef CLAIMDB_REPL_MERGE_H
#define CLAIMDB_REPL_MERGE_H

#include "claimdb.h"

#include <stdint.h>

/* One database to merge and the number added to each of its article ids (0: as they are). */
typedef struct merge_input {
    const char *path;
    int64_t offset;
} merge_input;

typedef struct merge_options {
    int renumber;   /* each input's ids go after the largest id already in OUT */
    int dry_run;    /* check everything, store nothing */
    int timeout_ms; /* how long to wait for another writer of OUT */
} merge_options;

/* Merge the inputs into the database at outpath (created when missing), all in one write
 * transaction: nothing is stored when any input fails (an article id conflict, a damaged
 * file, ...). Prints a line of counts per input and a summary, or the error, on stderr.
 * Returns 0 on success, 1 on failure. */
int merge_databases(const char *outpath, const merge_input *inputs, int ninputs,
                    const merge_options *o);

#endif /* CLAIMDB_REPL_MERGE_H */
