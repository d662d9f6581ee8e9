/* utf8.h — UTF-8 checks on byte strings that need not be NUL-terminated. */
#ifndef CLAIMDB_REPL_UTF8_H
#define CLAIMDB_REPL_UTF8_H

#include <stddef.h>

/* The length of the longest valid UTF-8 prefix of s[0..n) (n when all of it is valid). */
size_t utf8_valid_prefix(const char *s, size_t n);
/* The number of characters in s[0..n) (bytes that do not continue a character). */
size_t utf8_count(const char *s, size_t n);

#endif /* CLAIMDB_REPL_UTF8_H */
