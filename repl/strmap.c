/* strmap.c — see strmap.h. */
#include "strmap.h"
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static size_t strmap_find(const strmap *m, const char *key, size_t len)
{
    size_t i = (size_t)hash_bytes(HASH_INIT, key, len) & (m->cap - 1);
    while (m->keys[i] && (m->lens[i] != len || memcmp(m->keys[i], key, len)))
        i = (i + 1) & (m->cap - 1);
    return i;
}

size_t *strmap_get(const strmap *m, const char *key, size_t len)
{
    if (!m->cap) return NULL;
    size_t i = strmap_find(m, key, len);
    return m->keys[i] ? &m->vals[i] : NULL;
}

static void strmap_grow(strmap *m)
{
    strmap bigger = {0};
    bigger.cap = m->cap ? m->cap * 2 : 64;
    bigger.keys = xcalloc(bigger.cap, sizeof *bigger.keys);
    bigger.lens = xcalloc(bigger.cap, sizeof *bigger.lens);
    bigger.vals = xcalloc(bigger.cap, sizeof *bigger.vals);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t j = strmap_find(&bigger, m->keys[i], m->lens[i]);
        bigger.keys[j] = m->keys[i];
        bigger.lens[j] = m->lens[i];
        bigger.vals[j] = m->vals[i];
    }
    bigger.n = m->n;
    free(m->keys);
    free(m->lens);
    free(m->vals);
    *m = bigger;
}

size_t *strmap_put(strmap *m, const char *key, size_t len, int *created)
{
    if ((m->n + 1) * 2 > m->cap) strmap_grow(m);
    size_t i = strmap_find(m, key, len);
    *created = !m->keys[i];
    if (*created) {
        m->keys[i] = xstrndup(key, len);
        m->lens[i] = len;
        m->vals[i] = 0;
        m->n++;
    }
    return &m->vals[i];
}

void strmap_free(strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->lens);
    free(m->vals);
    memset(m, 0, sizeof *m);
}
