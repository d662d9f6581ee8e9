/* sentence.c — sentence boundaries in a paragraph of prose. A period, '!', '?' or an ellipsis
 * (with any closing quotes and brackets after it) ends a sentence when the next word starts
 * with a capital, a digit or an opening quote; "Mr.", "Jan.", initials and decimals never end
 * one; "U.S." and an ellipsis end one only before a capitalised function word ("The", "He").
 * A colon at the end of a line ends a sentence too. */
#include "extract.h"

#include <stdlib.h>
#include <string.h>

static const char *const abbreviations[] = {
    "mr",     "mrs", "ms",   "dr",   "prof", "gen",  "sen",  "rep",  "gov",    "lt",
    "col",    "sgt", "capt", "cmdr", "adm",  "maj",  "st",   "jr",   "sr",     "inc",
    "corp",   "co",  "ltd",  "vs",   "etc",  "jan",  "feb",  "mar",  "apr",    "jun",
    "jul",    "aug", "sep",  "sept", "oct",  "nov",  "dec",  "no",   "mt",     "ft",
    "rev",    "hon", "pres", "supt", "dept", "univ", "assn", "bros", "messrs", "fig",
    "approx", "al",  "cf",   "op",   "vol",  "pp",   NULL};

int is_abbreviation(const char *low, size_t n)
{
    for (size_t i = 0; abbreviations[i]; i++)
        if (strlen(abbreviations[i]) == n && !memcmp(abbreviations[i], low, n)) return 1;
    return 0;
}

/* Capitalised words that start sentences and are never part of a name. */
static const char *const starters[] = {
    "the",   "he",     "she",  "it",    "they",  "we",   "i",     "you",   "but",     "and",
    "in",    "on",     "at",   "a",     "an",    "this", "that",  "these", "those",   "his",
    "her",   "their",  "its",  "our",   "there", "some", "many",  "most",  "however", "meanwhile",
    "after", "before", "when", "while", "if",    "as",   "both",  "such",  "what",    "who",
    "for",   "since",  "yet",  "so",    "still", "last", "other", NULL};

static int is_starter(const token *t)
{
    if (!t->cap) return 0;
    for (size_t i = 0; starters[i]; i++)
        if (strlen(starters[i]) == t->lowlen && !memcmp(starters[i], t->low, t->lowlen)) return 1;
    return 0;
}

static int is_char(const char *text, const token *t, char c)
{
    return t->end - t->start == 1 && text[t->start] == c;
}

static int starts_upper_or_digit(const char *text, const token *t)
{
    unsigned char c = (unsigned char)text[t->start];
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int has_newline(const char *text, size_t a, size_t b)
{
    return memchr(text + a, '\n', b - a) != NULL;
}

int split_sentences(const char *text, size_t start, size_t end, sentence_fn fn, void *ctx)
{
    token_buf tb = {0};
    if (tokenize(text, start, end, &tb)) {
        token_buf_free(&tb);
        return -1;
    }
    size_t s = 0; /* first token of the current sentence */
    int rc = 0;
    for (size_t k = 0; k < tb.n && !rc; k++) {
        const token *t = &tb.t[k];
        int strong = 0, weak = 0;
        if (t->kind == TOK_PUNCT) {
            size_t len = t->end - t->start;
            int dot = is_char(text, t, '.');
            int ell = (len == 3 && text[t->start] == '.') ||
                      (len == 3 && (unsigned char)text[t->start] == 0xE2 &&
                       (unsigned char)text[t->start + 1] == 0x80 &&
                       (unsigned char)text[t->start + 2] == 0xA6);
            if (is_char(text, t, '!') || is_char(text, t, '?')) {
                strong = 1;
            } else if (dot) {
                if (k + 1 < tb.n && is_char(text, &tb.t[k + 1], '.') &&
                    tb.t[k + 1].start <= t->end + 1)
                    continue; /* inside ". . ." */
                if (k > 0 && is_char(text, &tb.t[k - 1], '.') && tb.t[k - 1].end + 1 >= t->start)
                    weak = 1;
                else
                    strong = 1;
            } else if (ell) {
                weak = 1;
            } else if (is_char(text, t, ':') && k + 1 < tb.n &&
                       has_newline(text, t->end, tb.t[k + 1].start)) {
                strong = 2;
            }
        } else if (t->kind == TOK_WORD && text[t->end - 1] == '.') {
            weak = !is_abbreviation(t->low, t->lowlen - 1) && t->lowlen > 2;
        }
        if (!strong && !weak) continue;
        /* closing quotes and brackets stay with the sentence */
        size_t e = k + 1;
        while (e < tb.n && (tb.t[e].kind == TOK_QUOTE || is_char(text, &tb.t[e], ')')) &&
               (tb.t[e].start == tb.t[e - 1].end))
            e++;
        int brk = 0;
        if (e >= tb.n) {
            brk = 1;
        } else {
            const token *n = &tb.t[e];
            const token *w = n;
            size_t j = e;
            while (j < tb.n && (tb.t[j].kind == TOK_QUOTE || is_char(text, &tb.t[j], '(')))
                j++;
            if (j < tb.n) w = &tb.t[j];
            if (strong == 2)
                brk = 1;
            else if (strong)
                brk = starts_upper_or_digit(text, w) || (n != w && w->cap);
            else
                brk = is_starter(w) || (has_newline(text, t->end, n->start) && w->cap);
        }
        if (brk) {
            rc = fn(ctx, tb.t[s].start, tb.t[e - 1].end);
            s = e;
            k = e - 1;
        }
    }
    if (!rc && s < tb.n) rc = fn(ctx, tb.t[s].start, tb.t[tb.n - 1].end);
    token_buf_free(&tb);
    return rc;
}
