/* quote.c — where a citation's quote is in its article's text.
 *
 * A quote is copied from an article by a person or a program that may have re-wrapped it:
 * line breaks joined, double spaces made single. So the match is white-space-insensitive: the
 * quote's words (runs of non-space bytes) must appear in the text in order, separated by at
 * least one white space character wherever the quote has white space, and joined wherever the
 * quote joins them. Positions are counted in characters (Unicode code points) of the text, the
 * end exclusive, so that a reader in any language can slice the text with them. */
#include "engine.h"

#include <string.h>

static bool ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Does the quote (already trimmed: q[0] and q[qn-1] are not space) match text at t? On a
 * match *mend is the byte after the match. */
static bool match_at(const char *t, size_t tn, size_t at, const char *q, size_t qn, size_t *mend)
{
    size_t i = at, j = 0;
    while (j < qn) {
        if (ws((unsigned char)q[j])) {
            while (j < qn && ws((unsigned char)q[j]))
                j++;
            if (i >= tn || !ws((unsigned char)t[i])) return false;
            while (i < tn && ws((unsigned char)t[i]))
                i++;
            continue;
        }
        if (i >= tn || t[i] != q[j]) return false;
        i++;
        j++;
    }
    *mend = i;
    return true;
}

static int64_t chars_before(const char *t, int64_t from_chars, size_t from, size_t to)
{
    int64_t c = from_chars;
    for (size_t i = from; i < to; i++)
        c += ((unsigned char)t[i] & 0xC0) != 0x80;
    return c;
}

bool quote_locate(const char *text, size_t tn, const char *quote, size_t qn, int64_t *start,
                  int64_t *end)
{
    *start = *end = -1;
    if (!text || !quote) return false;
    while (qn && ws((unsigned char)quote[0]))
        quote++, qn--;
    while (qn && ws((unsigned char)quote[qn - 1]))
        qn--;
    if (qn == 0 || qn > tn) return false;
    /* Candidates are the places of the quote's first byte (memchr), checked whole. */
    size_t pos = 0;
    while (pos < tn) {
        const char *hit = memchr(text + pos, quote[0], tn - pos);
        if (!hit) return false;
        size_t at = (size_t)(hit - text), mend;
        if (match_at(text, tn, at, quote, qn, &mend)) {
            *start = chars_before(text, 0, 0, at);
            *end = chars_before(text, *start, at, mend);
            return true;
        }
        pos = at + 1;
    }
    return false;
}
