/* ngram.c — character n-gram sets and their cosine (see ngram.h). */
#include "ngram.h"

#include "claimdb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* FNV-1a of n bytes, mixed with n so that a 3-gram and a 4-gram never share a hash by
 * construction. */
static uint64_t hash(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull ^ n;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Append the n-grams of " w1 w2 … " (bytes; folded text is mostly ASCII, and a cut inside a
 * multi-byte character only makes a gram that both sides cut alike). */
static int grams(const token_list *l, uint64_t **h, size_t *n, size_t *cap)
{
    size_t len = 1;
    for (size_t i = 0; i < l->n; i++)
        len += strlen(token_at(l, i)) + 1;
    char *s = malloc(len + 1);
    if (!s) return CLAIMDB_NOMEM;
    size_t k = 0;
    s[k++] = ' ';
    for (size_t i = 0; i < l->n; i++) {
        size_t wl = strlen(token_at(l, i));
        memcpy(s + k, token_at(l, i), wl);
        k += wl;
        s[k++] = ' ';
    }
    for (size_t g = 3; g <= 5; g++) {
        for (size_t i = 0; i + g <= k; i++) {
            if (*n == *cap) {
                size_t nc = *cap ? *cap * 2 : 256;
                uint64_t *nh = realloc(*h, nc * sizeof *nh);
                if (!nh) {
                    free(s);
                    return CLAIMDB_NOMEM;
                }
                *h = nh;
                *cap = nc;
            }
            (*h)[(*n)++] = hash(s + i, g);
        }
    }
    free(s);
    return CLAIMDB_OK;
}

int ngram_set_make2(text_tokenizer *tk, const char *a, size_t an, const char *b, size_t bn,
                    ngram_set *out)
{
    out->h = NULL;
    out->n = 0;
    token_list l = {0};
    int rc = text_words(tk, a, an, &l);
    if (!rc && b) rc = text_words(tk, b, bn, &l);
    size_t cap = 0;
    if (!rc) rc = grams(&l, &out->h, &out->n, &cap);
    token_list_free(&l);
    if (rc) {
        ngram_set_free(out);
        return rc;
    }
    if (out->n) qsort(out->h, out->n, sizeof *out->h, cmp_u64);
    size_t w = 0;
    for (size_t i = 0; i < out->n; i++)
        if (!w || out->h[w - 1] != out->h[i]) out->h[w++] = out->h[i];
    out->n = w;
    return CLAIMDB_OK;
}

int ngram_set_make(text_tokenizer *tk, const char *s, size_t n, ngram_set *out)
{
    return ngram_set_make2(tk, s, n, NULL, 0, out);
}

void ngram_set_free(ngram_set *s)
{
    free(s->h);
    s->h = NULL;
    s->n = 0;
}

double ngram_cosine(const ngram_set *a, const ngram_set *b)
{
    if (!a->n || !b->n) return 0;
    size_t i = 0, j = 0, common = 0;
    while (i < a->n && j < b->n) {
        if (a->h[i] == b->h[j]) {
            common++;
            i++;
            j++;
        } else if (a->h[i] < b->h[j]) {
            i++;
        } else {
            j++;
        }
    }
    return (double)common / sqrt((double)a->n * (double)b->n);
}
