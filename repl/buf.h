/* buf.h — a growable byte buffer, and reading a whole stream into one. */
#ifndef CLAIMDB_REPL_BUF_H
#define CLAIMDB_REPL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

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

#endif /* CLAIMDB_REPL_BUF_H */
