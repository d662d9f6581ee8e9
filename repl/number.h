/* number.h — whole-string number parsing, and the one shortest-round-trip formatter for reals. */
#ifndef CLAIMDB_REPL_NUMBER_H
#define CLAIMDB_REPL_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/* Whole-string number parsing: 0 on success, -1 when s is not entirely a number. */
int parse_int64(const char *s, int64_t *out);
int parse_uint64(const char *s, int64_t *out); /* digits only, >= 0 */
int parse_real(const char *s, double *out);    /* finite decimal number */

/* Format a real as the library does: the fewest digits that read back as the same value. */
void format_real(char *out, size_t n, double v);
/* The precision for "%.*g" that gives that text (claimdb_real_digits). */
int real_digits(double v);

#endif /* CLAIMDB_REPL_NUMBER_H */
