/* ngram.h — character n-gram similarity (3- to 5-grams) of two texts, for SIMILAR's
 * re-ranking: it forgives spelling variants and word forms the stemmer does not join
 * ("Obama's" / "Obamas", "covid19" / "covid-19", misspelt names). */
#ifndef CLAIMDB_NGRAM_H
#define CLAIMDB_NGRAM_H

#include "text_token.h"

#include <stddef.h>
#include <stdint.h>

/* The distinct hashed 3-, 4- and 5-grams of the text's words (folded, stop words dropped,
 * joined by single spaces), sorted. */
typedef struct ngram_set {
    uint64_t *h;
    size_t n;
} ngram_set;

int ngram_set_make(text_tokenizer *tk, const char *s, size_t n, ngram_set *out);
/* As ngram_set_make over two texts taken as one (a review's claim and title). */
int ngram_set_make2(text_tokenizer *tk, const char *a, size_t an, const char *b, size_t bn,
                    ngram_set *out);
void ngram_set_free(ngram_set *s);
/* Cosine of the two sets: |A ∩ B| / sqrt(|A| |B|), in [0, 1]; 0 when either is empty. */
double ngram_cosine(const ngram_set *a, const ngram_set *b);

#endif /* CLAIMDB_NGRAM_H */
