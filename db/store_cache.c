/* store_cache.c — what a write transaction remembers to skip work: the ids of the terms it
 * met (text as given -> id: no normalisation, no dictionary look-up for a term met again),
 * and the articles it found without a text (read once, not once per citation).
 */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#define TC_MAX_ENTRIES ((size_t)1 << 22)

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * UINT64_C(0x100000001b3);
        h ^= h >> 29;
    }
    uint64_t w = 0;
    if (n > i) memcpy(&w, s + i, n - i);
    h = (h ^ w) * UINT64_C(0x100000001b3);
    return store_mix64(h);
}

/* ---- articles without text ---- */

#define AC_MAX_ENTRIES ((size_t)1 << 20) /* beyond this, start again: the cache stays small */

static size_t ac_hash(uint64_t id, size_t mask)
{
    return (size_t)((id * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & mask;
}

bool acache_plain(const store_txn *t, uint64_t article)
{
    const article_cache *c = &t->ac;
    if (!c->nslots) return false;
    size_t mask = c->nslots - 1;
    for (size_t i = ac_hash(article, mask);; i = (i + 1) & mask) {
        if (c->slots[i] == 0) return false;
        if (c->slots[i] == article + 1) return true;
    }
}

void acache_add(store_txn *t, uint64_t article)
{
    article_cache *c = &t->ac;
    if (article == UINT64_MAX || acache_plain(t, article)) return;
    if (c->n >= AC_MAX_ENTRIES) acache_clear(t);
    if (2 * (c->n + 1) > c->nslots) {
        size_t ns = c->nslots ? 2 * c->nslots : 256;
        uint64_t *sl = calloc(ns, sizeof *sl);
        if (!sl) return; /* only a cache */
        for (size_t j = 0; j < c->nslots; j++) {
            if (!c->slots[j]) continue;
            size_t i = ac_hash(c->slots[j] - 1, ns - 1);
            while (sl[i])
                i = (i + 1) & (ns - 1);
            sl[i] = c->slots[j];
        }
        free(c->slots);
        c->slots = sl;
        c->nslots = ns;
    }
    size_t mask = c->nslots - 1, i = ac_hash(article, mask);
    while (c->slots[i])
        i = (i + 1) & mask;
    c->slots[i] = article + 1;
    c->n++;
}

void acache_clear(store_txn *t)
{
    free(t->ac.slots);
    memset(&t->ac, 0, sizeof t->ac);
}

void tcache_clear(store_txn *t)
{
    term_cache *c = &t->tc;
    free(c->ents);
    free(c->slots);
    free(c->text);
    memset(c, 0, sizeof *c);
}

static uint32_t *tc_slot(term_cache *c, uint64_t h, const char *text, size_t len)
{
    size_t mask = c->nslots - 1, i = (size_t)h & mask;
    for (;;) {
        uint32_t s = c->slots[i];
        if (s == 0) return &c->slots[i];
        const struct tc_ent *e = &c->ents[s - 1];
        if (e->h == h && e->len == len && (len == 0 || memcmp(c->text + e->off, text, len) == 0))
            return &c->slots[i];
        i = (i + 1) & mask;
    }
}

bool tcache_find(store_txn *t, const char *text, size_t len, term_id *id)
{
    term_cache *c = &t->tc;
    if (c->n == 0 || !text) return false;
    uint32_t s = *tc_slot(c, hash_bytes(text, len), text, len);
    if (!s) return false;
    *id = c->ents[s - 1].id;
    return true;
}

void tcache_add(store_txn *t, const char *text, size_t len, term_id id)
{
    term_cache *c = &t->tc;
    if (!text) return;
    if (c->n >= TC_MAX_ENTRIES) tcache_clear(t);
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        struct tc_ent *ents = realloc(c->ents, cap * sizeof *ents);
        if (!ents) return;
        c->ents = ents;
        c->cap = cap;
    }
    if (c->tlen + len + 1 > c->tcap) {
        size_t cap = c->tcap ? c->tcap : 4096;
        while (cap < c->tlen + len + 1)
            cap *= 2;
        char *text2 = realloc(c->text, cap);
        if (!text2) return;
        c->text = text2;
        c->tcap = cap;
    }
    if ((c->n + 1) * 2 > c->nslots) {
        size_t ns = c->nslots ? c->nslots * 2 : 1024;
        uint32_t *slots = calloc(ns, sizeof *slots);
        if (!slots) return;
        free(c->slots);
        c->slots = slots;
        c->nslots = ns;
        for (size_t i = 0; i < c->n; i++) {
            const struct tc_ent *e = &c->ents[i];
            *tc_slot(c, e->h, c->text + e->off, e->len) = (uint32_t)(i + 1);
        }
    }
    uint64_t h = hash_bytes(text, len);
    uint32_t *slot = tc_slot(c, h, text, len);
    if (*slot) { /* already there */
        c->ents[*slot - 1].id = id;
        return;
    }
    if (len) memcpy(c->text + c->tlen, text, len);
    c->ents[c->n] = (struct tc_ent){h, id, c->tlen, len};
    c->tlen += len;
    c->n++;
    *slot = (uint32_t)c->n;
}
