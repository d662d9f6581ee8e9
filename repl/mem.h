/* mem.h — allocation that never fails: on failure it prints "out of memory" and exits, so
 * callers need no error path for it. */
#ifndef CLAIMDB_REPL_MEM_H
#define CLAIMDB_REPL_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif /* CLAIMDB_REPL_MEM_H */
