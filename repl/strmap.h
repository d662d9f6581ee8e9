/* strmap.h — a hash map from byte strings (NULs allowed) to size_t values. */
#ifndef CLAIMDB_REPL_STRMAP_H
#define CLAIMDB_REPL_STRMAP_H

#include <stddef.h>

/* Open addressing with linear probing; the map owns copies of its keys. */
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

#endif /* CLAIMDB_REPL_STRMAP_H */
