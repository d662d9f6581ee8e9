/* term.c — the term written for a span of tokens: quote marks, leading determiners and
 * possessive determiners, and punctuation at either end dropped; words joined by one space
 * (no space before a possessive 's, around a hyphen or after an opening bracket). */
#include "extract.h"

#include <string.h>

static int droppable_lead(const token *t)
{
    return t->tag == T_DET || t->tag == T_PPRON || t->tag == T_QUOTE || t->tag == T_PUNCT;
}

size_t make_term(const char *text, const token_buf *tb, size_t a, size_t b, char *out, size_t n)
{
    while (a < b && droppable_lead(&tb->t[a]))
        a++;
    while (b > a && (tb->t[b - 1].tag == T_PUNCT || tb->t[b - 1].tag == T_QUOTE))
        b--;
    size_t len = 0;
    for (size_t k = a; k < b; k++) {
        const token *t = &tb->t[k];
        if (t->tag == T_QUOTE) continue;
        size_t w = t->end - t->start;
        int glue = len == 0 || t->tag == T_POSS ||
                   (k > a && tb->t[k - 1].end == t->start && tb->t[k - 1].tag != T_QUOTE);
        if (len + w + 2 >= n) break;
        if (!glue) out[len++] = ' ';
        memcpy(out + len, text + t->start, w);
        len += w;
    }
    out[len] = '\0';
    return len;
}
