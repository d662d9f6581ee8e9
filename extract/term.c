/* term.c — the term written for a span of tokens: quote marks, leading determiners and
 * possessive determiners, and punctuation at either end dropped; words joined by one space
 * (no space before a possessive 's, around a hyphen or after an opening bracket). */
#include "extract.h"

#include <string.h>

static int droppable_lead(const token *t)
{
    return t->tag == T_DET || t->tag == T_PPRON || t->tag == T_QUOTE || t->tag == T_PUNCT;
}

/* Titles and roles before a name: "U.S. envoy Zalmay Khalilzad" is Zalmay Khalilzad. */
static const char *const titles[] = {
    "president", "secretary",      "minister",   "leader",    "general",       "governor",
    "chairman",  "envoy",          "ambassador", "spokesman", "spokeswoman",   "spokesperson",
    "senator",   "representative", "commander",  "chief",     "director",      "judge",
    "king",      "queen",          "prince",     "ceo",       "founder",       "head",
    "editor",    "analyst",        "official",   "reporter",  "correspondent", NULL};

static int is_title(const token *t)
{
    for (size_t i = 0; titles[i]; i++)
        if (!strcmp(t->low, titles[i])) return 1;
    return 0;
}

size_t make_name_term(const char *text, const token_buf *tb, size_t a, size_t b, char *out,
                      size_t n)
{
    size_t e = b;
    while (e > a && (tb->t[e - 1].tag == T_PUNCT || tb->t[e - 1].tag == T_QUOTE))
        e--;
    size_t s = e;
    while (s > a && tb->t[s - 1].tag == T_PROPN && !is_title(&tb->t[s - 1]) &&
           !(s - 1 > a && !strcmp(tb->t[s - 2].low, "of")))
        s--;
    /* the name follows a title or role noun inside the phrase */
    if (s < e && s > a &&
        (is_title(&tb->t[s - 1]) || (tb->t[s - 1].tag == T_NOUN && tb->t[s - 1].lowlen > 2) ||
         (s - 1 > a && !strcmp(tb->t[s - 2].low, "of") && tb->t[s - 1].tag == T_PROPN)))
        return make_term(text, tb, s, e, out, n);
    return make_term(text, tb, a, b, out, n);
}

size_t make_term(const char *text, const token_buf *tb, size_t a, size_t b, char *out, size_t n)
{
    while (a < b && droppable_lead(&tb->t[a]))
        a++;
    while (b > a && (tb->t[b - 1].tag == T_PUNCT || tb->t[b - 1].tag == T_QUOTE) &&
           !(tb->t[b - 1].end - tb->t[b - 1].start == 1 && text[tb->t[b - 1].start] == '%'))
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
