/* ascii.h — ASCII words compared without case: comparisons, yes/no settings, and the edit distance
 * behind "did you mean" suggestions. */
#ifndef CLAIMDB_REPL_ASCII_H
#define CLAIMDB_REPL_ASCII_H

#include <stddef.h>

/* Levenshtein distance between two short ASCII strings (case-insensitive). */
size_t edit_distance(const char *a, const char *b);

/* ASCII case-insensitive comparisons. */
int ascii_casecmp(const char *a, const char *b);
int ascii_ncasecmp(const char *a, const char *b, size_t n);

/* "on"/"off"/"1"/"0"/"yes"/"no"/"true"/"false": 1 or 0; -1 otherwise. */
int parse_bool(const char *s);

#endif /* CLAIMDB_REPL_ASCII_H */
