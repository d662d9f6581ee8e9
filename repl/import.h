/* import.h — loading TSV, JSON Lines and N-Quads files into a database: one transaction per
 * file, every record checked, errors as "FILE:LINE:COL: what is wrong", nothing stored from
 * a file with an error. The format readers (tsv.c, jsonl.c, nquads.c) parse and hand records
 * to the import_* functions below. */
#ifndef CLAIMDB_REPL_IMPORT_H
#define CLAIMDB_REPL_IMPORT_H

#include "claimdb.h"
#include "records.h"

#include <stdio.h>

typedef struct import_options {
    int format;       /* FORMAT_*, or -1: from the file's extension */
    int dry_run;      /* check everything, store nothing */
    const char *base; /* N-Quads IRI base, or NULL for the default */
} import_options;

#define IMPORT_DEFAULT_BASE "urn:claimdb:"

/* Import one file ("-": standard input). Prints errors and the counts on stderr.
 * Returns 0 on success, 1 on failure (nothing from the file is stored). */
int import_file(claimdb *db, const char *path, const import_options *o);

/* A dry run into a database that does not exist must not create it: it runs in a new
 * database in a temporary folder instead (checked as against an empty database), which
 * import_scratch_close() removes. Returns 0, or 1 after saying why it failed. */
int import_scratch_open(claimdb **db, char **dir);
void import_scratch_close(claimdb *db, char *dir);

/* ---- for the format readers ---- */

typedef struct import_ctx import_ctx;

/* The name to use in messages ("<stdin>" for "-"), the folder of the file (for text_file
 * paths), and the IRI base. */
const char *import_name(const import_ctx *ic);
const char *import_dir(const import_ctx *ic);
const char *import_base(const import_ctx *ic);

/* Read one line (with its '\n', if any) into *line (reused; free() it at the end). Returns
 * its length, or -1 at the end of input or on a read error (see import_read_failed). Counts
 * lines and feeds the progress bar. A UTF-8 byte-order mark that starts the file is dropped
 * (also by import_slurp). */
long import_getline(import_ctx *ic, char **line, size_t *cap);
/* The number of the last line read (1-based). */
long import_lineno(const import_ctx *ic);

/* Report an error at line:col ("FILE:LINE:COL: message"); the import fails. Returns -1. */
int import_error(import_ctx *ic, long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Note a record read at line, as its text (a TSV row, a JSON line; kind tells apart records
 * whose text may be the same but mean something else): a record that repeats an earlier one
 * of the file is counted, and the import warns with their number and the first repeat. */
void import_row_seen(import_ctx *ic, int kind, const char *row, size_t n, long line);

/* Check that line[0..n) is UTF-8 and holds no NUL; else report it and return -1. */
int import_check_text(import_ctx *ic, const char *line, size_t n);

/* Store records; on failure they report the error at line (column col) and return -1. */
int import_claim(import_ctx *ic, const rec_claim *c, long line, long col);
int import_article(import_ctx *ic, const rec_article *a, long line, long col);
int import_alias(import_ctx *ic, const rec_alias *a, long line, long col);
int import_review(import_ctx *ic, const claimdb_review *r, long line, long col);
/* The file as given on the command line ("-" for standard input), for readers that name
 * their records after it (LIAR: liar:train/2635.json from train.tsv). */
const char *import_path(const import_ctx *ic);
/* The whole rest of the input, for formats that are not line based (JSON-LD); NUL-terminated,
 * the caller frees it. NULL on a read error (reported). */
char *import_slurp(import_ctx *ic, size_t *len);

/* The readers: return 0 on success, -1 after an error was reported. */
int tsv_read(import_ctx *ic);
int jsonl_read(import_ctx *ic);
int nquads_read(import_ctx *ic);
int liar_read(import_ctx *ic);        /* liar.c */
int claimreview_read(import_ctx *ic); /* claimreview.c */
int claimskg_read(import_ctx *ic);    /* claimskg.c */

#endif /* CLAIMDB_REPL_IMPORT_H */
