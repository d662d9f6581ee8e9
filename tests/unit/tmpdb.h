/* tmpdb.h — a database path in a fresh temporary directory, for the unit tests' fixtures.
 *
 * Each test gets its own directory so that a failed test leaves nothing that the next one
 * could open by mistake, and the lock file LMDB makes beside the data file goes with it. */
#ifndef CLAIMDB_TESTS_TMPDB_H
#define CLAIMDB_TESTS_TMPDB_H

typedef struct tmpdb {
    char dir[64];   /* /tmp/claimdb-<tag>-XXXXXX */
    char path[128]; /* <dir>/test.claimdb, not yet created */
} tmpdb;

/* Make the directory; 0 on success, -1 with errno set otherwise.  tag names the test
 * program in the directory's name and must be short (at most 24 bytes). */
int tmpdb_make(tmpdb *t, const char *tag);

/* Remove the data file, its lock file and the directory, whichever exist. */
void tmpdb_remove(const tmpdb *t);

#endif
