/* cq_regex.h — the regular expressions of ClaimQL's `~`: PCRE2, with limits.
 *
 * POSIX regex (glibc) backtracks without bound: "(.*)*\1\1\1x" on a 100-character quote ran
 * for hours and could not be interrupted. PCRE2 stops a match after CQ_REGEX_MATCH_LIMIT
 * backtracking steps (a few milliseconds), so one row costs a bounded time and
 * claimdb_interrupt(), checked between rows, takes effect. The dialect (docs/language.md):
 * Perl-compatible, UTF-8, case-insensitive with Unicode case folding, '.' matches a newline,
 * '$' only the very end. Used by the checker (to report a bad pattern at prepare) and the
 * executor. */
#ifndef CLAIMDB_PARSER_REGEX_H
#define CLAIMDB_PARSER_REGEX_H

#include <stddef.h>

#define CQ_REGEX_MATCH_LIMIT 1000000 /* backtracking steps per value */
#define CQ_REGEX_DEPTH_LIMIT 100000  /* nested backtracking points per value */
#define CQ_REGEX_HEAP_LIMIT 65536    /* KiB of backtracking memory per value */

enum { CQ_REGEX_LIMIT = -1, CQ_REGEX_NOMEM = -2 };

typedef struct cq_regex cq_regex;

/* Compile pattern (NUL-terminated). Returns 0 and *out, or -1 with a message in msg (without
 * "invalid regular expression") and *out NULL. */
int cq_regex_compile(const char *pattern, cq_regex **out, char *msg, size_t msgsize);
/* Search s[0..n) (need not be NUL-terminated, may be invalid UTF-8): 1 found, 0 not found,
 * CQ_REGEX_LIMIT when a limit above was reached, CQ_REGEX_NOMEM. */
int cq_regex_match(cq_regex *re, const char *s, size_t n);
void cq_regex_free(cq_regex *re);

#endif /* CLAIMDB_PARSER_REGEX_H */
