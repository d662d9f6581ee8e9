/* util.h — small helpers the program's modules share: memory that never fails (it exits),
 * a growable byte buffer, UTF-8 checks, text positions, number parsing and formatting. */
#ifndef CLAIMDB_REPL_UTIL_H
#define CLAIMDB_REPL_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Allocation that prints "out of memory" and exits on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable byte buffer, always NUL-terminated once anything was appended. */
typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

void buf_reserve(buf *b, size_t extra);
void buf_append(buf *b, const char *s, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
void buf_clear(buf *b);
void buf_free(buf *b);

/* Read a whole stream into b. Returns 0, or -1 on a read error (errno set). */
int read_stream(FILE *fp, buf *b);

/* The length of the longest valid UTF-8 prefix of s[0..n) (n when all of it is valid). */
size_t utf8_valid_prefix(const char *s, size_t n);
/* The number of characters in s[0..n) (bytes that do not continue a character). */
size_t utf8_count(const char *s, size_t n);

/* Line and column (1-based, columns in characters) of byte offsets in one text, computed
 * incrementally: offsets asked in increasing order cost one pass over the text in all. */
typedef struct textpos {
    const char *text;
    size_t len;
    size_t off; /* position reached */
    long line;  /* line of off */
    size_t bol; /* offset of the start of that line */
} textpos;

void textpos_init(textpos *tp, const char *text, size_t len);
void textpos_at(textpos *tp, size_t off, long *line, long *col);

/* Whole-string number parsing: 0 on success, -1 when s is not entirely a number. */
int parse_int64(const char *s, int64_t *out);
int parse_uint64(const char *s, int64_t *out); /* digits only, >= 0 */
int parse_real(const char *s, double *out);    /* finite decimal number */

/* Format a real with the fewest digits (15 to 17) that read back as the same value. */
void format_real(char *out, size_t n, double v);
/* That number of significant digits. */
int real_digits(double v);

/* Whether s is an ISO 8601 calendar date YYYY-MM-DD that exists. */
int valid_date(const char *s);

/* Seconds since an arbitrary start (monotonic). */
double now_seconds(void);

/* Levenshtein distance between two short ASCII strings (case-insensitive). */
size_t edit_distance(const char *a, const char *b);

/* ASCII case-insensitive comparisons. */
int ascii_casecmp(const char *a, const char *b);
int ascii_ncasecmp(const char *a, const char *b, size_t n);

/* "on"/"off"/"1"/"0"/"yes"/"no"/"true"/"false": 1 or 0; -1 otherwise. */
int parse_bool(const char *s);

/* The part of path after its last '/', and the directory part ("." when none; caller frees). */
const char *path_base(const char *path);
char *path_dir(const char *path);

/* A hash map from byte strings (NULs allowed) to size_t values. */
typedef struct strmap {
    char **keys;
    size_t *lens;
    size_t *vals;
    size_t cap, n;
} strmap;

/* The value slot of key, or NULL when absent. */
size_t *strmap_get(const strmap *m, const char *key, size_t len);
/* The value slot of key, inserted (value 0, *created 1) when absent. */
size_t *strmap_put(strmap *m, const char *key, size_t len, int *created);
void strmap_free(strmap *m);

#endif /* CLAIMDB_REPL_UTIL_H */
