/* ingest.h — `claimdb ingest DB FILE|DIR...` and `.ingest`: article files into a database,
 * with the claims the extractor finds in them. */
#ifndef CLAIMDB_REPL_INGEST_H
#define CLAIMDB_REPL_INGEST_H

#include "claimdb.h"

/* Articles whose MinHash similarity with an earlier article is at least this are marked
 * DUPLICATE OF it (docs/extraction.md). */
#define INGEST_DUPLICATE_THRESHOLD 0.5

/* Ingest files and folders (their *.txt files) into db: one transaction per article. Prints
 * a line per notable article (unchanged, duplicate, error), a summary, and a progress bar on a
 * terminal, all on stderr. Returns 0, or 1 when a file failed (the others are still done). */
int ingest_paths(claimdb *db, const char *const *paths, int npaths, int deep);

#endif /* CLAIMDB_REPL_INGEST_H */
