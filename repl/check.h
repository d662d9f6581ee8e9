/* check.h — `claimdb check DB` and `.check`: claimdb_check() with its report on stderr. */
#ifndef CLAIMDB_REPL_CHECK_H
#define CLAIMDB_REPL_CHECK_H

#include <stdbool.h>

/* Check the database at path: each problem, then a one-line summary, on standard output.
 * Returns 0 when it is sound, 1 when problems were found or the check could not run. */
/* rebuild: rebuild the text index first (claimdb_text_rebuild). */
int check_database(const char *path, bool rebuild);

#endif /* CLAIMDB_REPL_CHECK_H */
