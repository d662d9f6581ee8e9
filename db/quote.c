/* quote.c — where a citation's quote is in its article's text.
 *
 * A quote is copied from an article by a person or a program that may have re-wrapped it:
 * line breaks joined, double spaces made single. So the match is white-space-insensitive: the
 * quote's words (runs of non-space bytes) must appear in the text in order, separated by at
 * least one white space character wherever the quote has white space, and joined wherever the
 * quote joins them. White space is ASCII's and the no-break spaces (store_space_len). Positions are
 * counted in characters (Unicode code points) of the text, the end exclusive, so that a reader in
 * any language can slice the text with them. */
#include "engine.h"

#include <string.h>

/* Does the quote (already trimmed) match text at t? White space runs (store_space_len) on
 * either side match runs on the other. On a match *mend is the byte after the match. */
static bool match_at(const char *t, size_t tn, size_t at, const char *q, size_t qn, size_t *mend)
{
    const char *tp = t + at, *te = t + tn, *qp = q, *qe = q + qn;
    size_t n;
    while (qp < qe) {
        if ((n = store_space_len(qp, qe)) > 0) {
            while (qp < qe && (n = store_space_len(qp, qe)) > 0)
                qp += n;
            if (tp >= te || store_space_len(tp, te) == 0) return false;
            while (tp < te && (n = store_space_len(tp, te)) > 0)
                tp += n;
            continue;
        }
        if (tp >= te || *tp != *qp) return false;
        tp++;
        qp++;
    }
    *mend = (size_t)(tp - t);
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
    size_t n;
    while (qn && (n = store_space_len(quote, quote + qn)) > 0)
        quote += n, qn -= n;
    /* Trailing white space: walk forward, remembering where the last run began. */
    size_t keep = 0;
    for (size_t i = 0; i < qn;) {
        n = store_space_len(quote + i, quote + qn);
        if (n == 0) {
            i++;
            keep = i;
        } else {
            i += n;
        }
    }
    qn = keep;
    if (qn == 0) return false;
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
