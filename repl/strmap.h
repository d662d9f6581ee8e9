/* strmap.h — a hash map from byte strings (NULs allowed) to size_t values. */
#ifndef CLAIMDB_REPL_STRMAP_H
#define CLAIMDB_REPL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a: HASH_INIT continued over n bytes with hash_bytes(HASH_INIT, p, n), the map's
 * hash and the program's one for rows and texts seen before. */
#define HASH_INIT 1469598103934665603ULL
uint64_t hash_bytes(uint64_t h, const void *p, size_t n);

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
