/* token.c — words, punctuation and quote marks of one sentence, with their byte offsets in
 * the original text. Curly and straight quotes are one kind (TOK_QUOTE); an apostrophe inside
 * a word stays in it ("Taliban’s" gives "Taliban" and a TOK_POSS "’s"; "don't" gives "do"
 * and "n't"); "U.S.", "Mr." and initials keep their final period. */
#include "extract.h"

#include <stdlib.h>
#include <string.h>

/* The code point at s[i] (i < n) and its length; invalid bytes read as themselves. */
static unsigned decode(const char *s, size_t i, size_t n, size_t *len)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80 || i + 1 >= n) {
        *len = 1;
        return c;
    }
    unsigned char c1 = (unsigned char)s[i + 1];
    if ((c & 0xE0) == 0xC0 && (c1 & 0xC0) == 0x80) {
        *len = 2;
        return ((c & 0x1Fu) << 6) | (c1 & 0x3Fu);
    }
    if ((c & 0xF0) == 0xE0 && i + 2 < n && (c1 & 0xC0) == 0x80 &&
        ((unsigned char)s[i + 2] & 0xC0) == 0x80) {
        *len = 3;
        return ((c & 0x0Fu) << 12) | ((c1 & 0x3Fu) << 6) | ((unsigned char)s[i + 2] & 0x3Fu);
    }
    if ((c & 0xF8) == 0xF0 && i + 3 < n) {
        *len = 4;
        return 0x10000; /* some letter or symbol outside the BMP: a word character */
    }
    *len = 1;
    return c;
}

enum { C_SPACE, C_ALNUM, C_QUOTE, C_APOS, C_PUNCT };

static int cls(unsigned cp)
{
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
        cp == 0 || cp == 0xA0 || cp == 0x2009 || cp == 0x200B || cp == 0x202F)
        return C_SPACE;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))
        return C_ALNUM;
    if (cp == '\'' || cp == 0x2019) return C_APOS;
    if (cp == '"' || cp == '`' || cp == 0x2018 || cp == 0x201C || cp == 0x201D || cp == 0xAB ||
        cp == 0xBB || cp == 0x201E)
        return C_QUOTE;
    if (cp < 0x80 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0xA9 || cp == 0xAE || cp == 0xB7)
        return C_PUNCT;
    return C_ALNUM; /* letters of other scripts, accented letters */
}

void token_buf_free(token_buf *tb)
{
    free(tb->t);
    free(tb->arena);
    memset(tb, 0, sizeof *tb);
}

char *token_arena_add(token_buf *tb, const char *s, size_t n)
{
    if (tb->alen + n + 1 > tb->acap) return NULL; /* reserved by tokenize(): never happens */
    char *p = tb->arena + tb->alen;
    memcpy(p, s, n);
    p[n] = '\0';
    tb->alen += n + 1;
    return p;
}

static int push(token_buf *tb, size_t start, size_t end, int kind)
{
    if (tb->n == tb->cap) {
        size_t cap = tb->cap ? tb->cap * 2 : 64;
        token *t = realloc(tb->t, cap * sizeof *t);
        if (!t) return -1;
        tb->t = t;
        tb->cap = cap;
    }
    token *t = &tb->t[tb->n++];
    memset(t, 0, sizeof *t);
    t->start = start;
    t->end = end;
    t->kind = kind;
    return 0;
}

/* Whether text[s, e) is letters separated by dots: U.S, a.m, U.N */
static int dotted_letters(const char *text, size_t s, size_t e)
{
    int dots = 0;
    size_t seg = 0;
    for (size_t i = s; i < e; i++) {
        char c = text[i];
        if (c == '.') {
            if (seg == 0 || seg > 2) return 0;
            dots++;
            seg = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            seg++;
        } else {
            return 0;
        }
    }
    return dots > 0 && seg > 0 && seg <= 2;
}

/* The lower-case form of text[s, e) into the arena (’ becomes '). */
static char *lower(token_buf *tb, const char *text, size_t s, size_t e, size_t *n)
{
    char *p = tb->arena + tb->alen, *q = p;
    for (size_t i = s; i < e; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == 0xE2 && i + 2 < e && (unsigned char)text[i + 1] == 0x80 &&
            (unsigned char)text[i + 2] == 0x99) {
            *q++ = '\'';
            i += 2;
        } else {
            *q++ = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
    }
    *q = '\0';
    *n = (size_t)(q - p);
    tb->alen += *n + 1;
    return p;
}

/* The text being cut into tokens, and where they go. */
typedef struct scanner {
    const char *text;
    size_t end;
    token_buf *tb;
} scanner;

/* A quotation mark at i (`` and '' as one), or "Bush 's": a possessive written apart, as in
 * tokenised text. */
static int scan_quote(const scanner *s, size_t i, unsigned cp, size_t cl, size_t *next)
{
    const char *text = s->text;
    size_t end = s->end, e = i + cl;
    token_buf *tb = s->tb;
    if ((cp == '`' || cp == '\'') && e < end && text[e] == (char)cp) e++;
    if (cp == '\'' && e < end && text[e] == 's' && tb->n && tb->t[tb->n - 1].kind == TOK_WORD &&
        (e + 1 == end || text[e + 1] == ' ' || text[e + 1] == '\n')) {
        *next = e + 1;
        return push(tb, i, e + 1, TOK_POSS);
    }
    *next = e;
    return push(tb, i, e, TOK_QUOTE);
}

/* An apostrophe right after a word: 's, or a closing quote. */
static int scan_apostrophe(const scanner *s, size_t i, size_t cl, size_t *next)
{
    size_t end = s->end, e = i + cl;
    if (e < end && (s->text[e] == 's' || s->text[e] == 'S')) {
        size_t l2;
        int after = e + 1 < end ? cls(decode(s->text, e + 1, end, &l2)) : C_SPACE;
        if (after != C_ALNUM) {
            *next = e + 1;
            return push(s->tb, i, e + 1, TOK_POSS);
        }
    }
    *next = e;
    return push(s->tb, i, e, TOK_QUOTE);
}

/* A punctuation mark; "..." is one. */
static int scan_punct(const scanner *s, size_t i, unsigned cp, size_t cl, size_t *next)
{
    size_t e = i + cl;
    if (cp == '.' && e + 1 < s->end && s->text[e] == '.' && s->text[e + 1] == '.') e += 2;
    *next = e;
    return push(s->tb, i, e, TOK_PUNCT);
}

/* Where a word's characters from e end: letters and digits, and - . & ' between two of them
 * ("al-Qaeda", "U.S", "AT&T", "don't"); a final 's is a possessive, not part of the word. */
static size_t span_word(const char *text, size_t e, size_t end)
{
    while (e < end) {
        size_t l1;
        unsigned c1 = decode(text, e, end, &l1);
        int k = cls(c1);
        if (k == C_ALNUM) {
            e += l1;
            continue;
        }
        if ((c1 == '-' || c1 == '.' || c1 == '&' || k == C_APOS) && e + l1 < end) {
            size_t l2;
            unsigned c2 = decode(text, e + l1, end, &l2);
            if (cls(c2) == C_ALNUM) {
                if (k == C_APOS && (c2 == 's' || c2 == 'S')) {
                    size_t l3;
                    size_t p3 = e + l1 + l2;
                    if (p3 >= end || cls(decode(text, p3, end, &l3)) != C_ALNUM) break;
                }
                e += l1 + l2;
                continue;
            }
        }
        break;
    }
    return e;
}

/* The word text[i, e) keeps the period after it: an abbreviation (Mr.), dotted letters
 * (U.S.) or an initial (J.). */
static int keeps_period(const char *text, size_t i, size_t e)
{
    size_t wl = e - i;
    char low[16];
    int abbr = 0;
    if (wl < sizeof low) {
        for (size_t k = 0; k < wl; k++)
            low[k] =
                (char)(text[i + k] >= 'A' && text[i + k] <= 'Z' ? text[i + k] + 32 : text[i + k]);
        abbr = is_abbreviation(low, wl);
    }
    return abbr || dotted_letters(text, i, e) || (wl == 1 && text[i] >= 'A' && text[i] <= 'Z');
}

/* The end of the word that starts at i with a character of length cl: its final period
 * kept where it belongs to it, and a hyphen after that goes on ("U.S.-NATO"). */
static size_t word_end(const char *text, size_t i, size_t cl, size_t end)
{
    size_t e = i + cl;
    for (;;) {
        e = span_word(text, e, end);
        if (e >= end || text[e] != '.') return e;
        if (keeps_period(text, i, e)) e++;
        if (!(e + 1 < end && text[e - 1] == '.' && text[e] == '-' &&
              cls((unsigned char)text[e + 1]) == C_ALNUM))
            return e;
        e += 2;
    }
}

/* The word text[i, e), with n't (or n’t) as a word of its own. */
static int push_word(token_buf *tb, const char *text, size_t i, size_t e)
{
    if (e - i > 3 && (text[e - 3] == 'n' || text[e - 3] == 'N') && (text[e - 2] == '\'') &&
        (text[e - 1] == 't' || text[e - 1] == 'T'))
        return push(tb, i, e - 3, TOK_WORD) || push(tb, e - 3, e, TOK_WORD) ? -1 : 0;
    if (e - i > 5 && (text[e - 5] == 'n' || text[e - 5] == 'N') &&
        (unsigned char)text[e - 4] == 0xE2 && (unsigned char)text[e - 3] == 0x80 &&
        (unsigned char)text[e - 2] == 0x99 && (text[e - 1] == 't' || text[e - 1] == 'T'))
        return push(tb, i, e - 5, TOK_WORD) || push(tb, e - 5, e, TOK_WORD) ? -1 : 0;
    return push(tb, i, e, TOK_WORD);
}

/* Each token's lower-case form and whether it is capitalised ("al-Baghdadi", "bin-Laden": a
 * lower-case particle and a capitalised name count as capitalised). */
static void fill_forms(token_buf *tb, const char *text)
{
    for (size_t k = 0; k < tb->n; k++) {
        token *t = &tb->t[k];
        t->low = lower(tb, text, t->start, t->end, &t->lowlen);
        t->cap = text[t->start] >= 'A' && text[t->start] <= 'Z';
        for (size_t q = t->start; !t->cap && q < t->end && q < t->start + 4; q++)
            if (text[q] == '-' && q > t->start && q + 1 < t->end && text[q + 1] >= 'A' &&
                text[q + 1] <= 'Z')
                t->cap = 1;
    }
}

int tokenize(const char *text, size_t start, size_t end, token_buf *tb)
{
    tb->n = 0;
    tb->alen = 0;
    /* room for every lower-case form and the lemmas tag_tokens() adds */
    size_t need = 6 * (end - start) + 256;
    if (tb->acap < need) {
        char *a = realloc(tb->arena, need);
        if (!a) return -1;
        tb->arena = a;
        tb->acap = need;
    }
    scanner s = {text, end, tb};
    size_t i = start;
    while (i < end) {
        size_t cl;
        unsigned cp = decode(text, i, end, &cl);
        int c = cls(cp), rc;
        if (c == C_SPACE) {
            i += cl;
            continue;
        }
        if (c == C_QUOTE || (c == C_APOS && (tb->n == 0 || tb->t[tb->n - 1].end != i)))
            rc = scan_quote(&s, i, cp, cl, &i);
        else if (c == C_APOS)
            rc = scan_apostrophe(&s, i, cl, &i);
        else if (c == C_PUNCT)
            rc = scan_punct(&s, i, cp, cl, &i);
        else {
            size_t e = word_end(text, i, cl, end);
            rc = push_word(tb, text, i, e);
            i = e;
        }
        if (rc) return -1;
    }
    fill_forms(tb, text);
    return 0;
}
