/* minhash.c — near-duplicate detection: MinHash signatures over 5-word shingles of an
 * article's prose (page furniture skipped, words folded to lower case), and the estimated
 * Jaccard similarity of two signatures. */
#include "extract.h"

#include <stdlib.h>
#include <string.h>

#define SHINGLE 5

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

typedef struct shingler {
    uint64_t window[SHINGLE];
    size_t words;
    size_t shingles;
    uint64_t *sig;
} shingler;

static void add_word(shingler *s, uint64_t h)
{
    memmove(s->window, s->window + 1, (SHINGLE - 1) * sizeof s->window[0]);
    s->window[SHINGLE - 1] = h;
    if (++s->words < SHINGLE) return;
    uint64_t sh = 0;
    for (int i = 0; i < SHINGLE; i++)
        sh = mix(sh ^ s->window[i]);
    s->shingles++;
    for (int i = 0; i < CLAIMDB_SIGNATURE_SIZE; i++) {
        uint64_t v = mix(sh ^ ((uint64_t)(i + 1) * 0x632be59bd9b4e019ull));
        if (v < s->sig[i]) s->sig[i] = v;
    }
}

static void add_text(shingler *s, const char *text, size_t a, size_t b)
{
    size_t i = a;
    while (i < b) {
        while (i < b && !word_byte((unsigned char)text[i]))
            i++;
        if (i >= b) break;
        uint64_t h = 1469598103934665603ull;
        while (i < b && word_byte((unsigned char)text[i])) {
            unsigned char c = (unsigned char)text[i++];
            if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
            h = (h ^ c) * 1099511628211ull;
        }
        add_word(s, h);
    }
}

size_t claimdb_signature(const char *text, size_t len, uint64_t sig[CLAIMDB_SIGNATURE_SIZE])
{
    for (int i = 0; i < CLAIMDB_SIGNATURE_SIZE; i++)
        sig[i] = UINT64_MAX;
    if (!text || !len) return 0;
    text_line *lines;
    long n = clean_lines(text, len, 0, &lines);
    shingler s = {{0}, 0, 0, sig};
    if (n < 0) {
        add_text(&s, text, 0, len);
        return s.shingles;
    }
    for (long k = 0; k < n; k++)
        if (lines[k].kind == LINE_PROSE) add_text(&s, text, lines[k].start, lines[k].end);
    free(lines);
    return s.shingles;
}

double claimdb_signature_similarity(const uint64_t a[CLAIMDB_SIGNATURE_SIZE],
                                    const uint64_t b[CLAIMDB_SIGNATURE_SIZE])
{
    int same = 0;
    for (int i = 0; i < CLAIMDB_SIGNATURE_SIZE; i++)
        same += a[i] == b[i] && a[i] != UINT64_MAX;
    return (double)same / CLAIMDB_SIGNATURE_SIZE;
}
