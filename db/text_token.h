/* text_token.h — the words of a text as the text index sees them: case folded, accents
 * stripped, stop words dropped, stemmed with Snowball's English stemmer. The index (when it
 * stores a review) and SIMILAR (when it reads the query) must cut text the same way, so both
 * call this. */
#ifndef CLAIMDB_TEXT_TOKEN_H
#define CLAIMDB_TEXT_TOKEN_H

#include <stddef.h>

#define TOKEN_MAX 64 /* bytes of a stem; longer words are cut (they are never stop words) */

typedef struct token_list {
    char *buf; /* the stems, each NUL-terminated, one after another */
    size_t len, cap;
    size_t *offs; /* where each stem starts in buf */
    size_t n, ncap;
} token_list;

typedef struct text_tokenizer text_tokenizer; /* owns a Snowball stemmer: one per thread */

text_tokenizer *text_tokenizer_new(void); /* NULL: out of memory */
void text_tokenizer_free(text_tokenizer *tk);
/* Append the stems of s[0, n) to out (0, or CLAIMDB_NOMEM). */
int text_tokenize(text_tokenizer *tk, const char *s, size_t n, token_list *out);
/* As text_tokenize, the words folded but not stemmed (for character n-grams). */
int text_words(text_tokenizer *tk, const char *s, size_t n, token_list *out);
void token_list_free(token_list *l);
static inline const char *token_at(const token_list *l, size_t i)
{
    return l->buf + l->offs[i];
}

#endif /* CLAIMDB_TEXT_TOKEN_H */
