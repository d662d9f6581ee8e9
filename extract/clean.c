/* clean.c — page furniture: which lines of an article are prose, which its headline, and
 * which are share buttons, section labels, bylines, author boxes, copyright lines, tag lists,
 * "Related:" links and the like. Nothing is deleted: lines are only classified, so offsets
 * keep pointing into the original text.
 *
 * A line is furniture when it matches one of the patterns below, or when it does not end a
 * sentence (no final . ! ? : ; after closing quotes) and the next line does not continue it
 * (a next line starting with a lower-case letter continues it). The first such line of four
 * words or more, before any prose, is the headline (LINE_TITLE). */
#include "extract.h"

#include <stdlib.h>
#include <string.h>

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int icase_prefix(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    if (n < k) return 0;
    for (size_t i = 0; i < k; i++) {
        char a = s[i], b = p[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
        if (a != b) return 0;
    }
    return 1;
}

/* The prefix p as a whole word (or words) of s. */
static int icase_word_prefix(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    if (!icase_prefix(s, n, p)) return 0;
    if (n == k || p[k - 1] == ':' || p[k - 1] == ' ') return 1;
    char c = s[k];
    return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

static int icase_contains(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    for (size_t i = 0; i + k <= n; i++)
        if (icase_prefix(s + i, n - i, p)) return 1;
    return 0;
}

static size_t count_words(const char *s, size_t n)
{
    size_t w = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = is_blank(s[i]);
        if (!sp && !in) w++;
        in = !sp;
    }
    return w;
}

/* Whether the line ends a sentence: its last character, after closing quotes and brackets. */
static int ends_sentence(const char *s, size_t n)
{
    while (n > 0) {
        unsigned char c = (unsigned char)s[n - 1];
        if (c == '"' || c == '\'' || c == ')' || c == ']' || c == ' ' || c == '`') {
            n--;
        } else if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
                   (c == 0x9D || c == 0x99)) {
            n -= 3; /* ” ’ */
        } else {
            break;
        }
    }
    if (!n) return 0;
    char c = s[n - 1];
    if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';') return 1;
    return n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
           (unsigned char)s[n - 1] == 0xA6; /* … */
}

/* Page furniture recognised by its words. */
static const char *const furniture_prefixes[] = {"related",
                                                 "tags:",
                                                 "tags ",
                                                 "share",
                                                 "read more",
                                                 "read next",
                                                 "advertise",
                                                 "subscribe",
                                                 "sign up",
                                                 "follow us",
                                                 "click here",
                                                 "back to top",
                                                 "submit a correction",
                                                 "comments",
                                                 "leave a comment",
                                                 "photo:",
                                                 "image:",
                                                 "credit:",
                                                 "copyright",
                                                 "with reporting from",
                                                 "reporting by",
                                                 "editing by",
                                                 "sponsored",
                                                 "recommended",
                                                 "most read",
                                                 "trending",
                                                 NULL};

static const char *const author_roles[] = {
    "writer",    "reporter",    "journalist", "correspondent", "editor",
    "columnist", "contributor", "author",     "freelancer",    NULL};

static int author_box(const char *s, size_t n)
{
    /* "Jane Doe is a (freelance|staff|senior ...) writer ..." */
    const char *is = NULL;
    for (size_t i = 0; i + 6 < n && i < 60; i++)
        if (!memcmp(s + i, " is a ", 6) || !memcmp(s + i, " is an ", 7)) {
            is = s + i;
            break;
        }
    if (!is || !(s[0] >= 'A' && s[0] <= 'Z')) return 0;
    const char *rest = is + 5;
    size_t left = n - (size_t)(rest - s);
    if (left > 60) left = 60;
    for (size_t i = 0; author_roles[i]; i++)
        if (icase_contains(rest, left, author_roles[i])) return 1;
    return 0;
}

static int furniture_words(const char *s, size_t n, size_t words)
{
    for (size_t i = 0; furniture_prefixes[i]; i++)
        if (icase_word_prefix(s, n, furniture_prefixes[i]) && words <= 8) return 1;
    if (icase_contains(s, n, "\xC2\xA9") || icase_contains(s, n, "all rights reserved")) return 1;
    if (icase_prefix(s, n, "by ") && words <= 6) return 1; /* byline */
    if (author_box(s, n)) return 1;
    /* an e-mail address: "can be reached at x@y.z" */
    const char *at = memchr(s, '@', n);
    if (at && memchr(at, '.', n - (size_t)(at - s))) return 1;
    /* only punctuation */
    int letters = 0;
    for (size_t i = 0; i < n && !letters; i++)
        letters = (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
                  (s[i] >= '0' && s[i] <= '9') || (unsigned char)s[i] >= 0xC0;
    return !letters;
}

long clean_lines(const char *text, size_t len, int no_clean, text_line **out)
{
    size_t cap = 16, n = 0;
    text_line *lines = malloc(cap * sizeof *lines);
    if (!lines) return -1;
    for (size_t i = 0; i <= len;) {
        const char *nl = i < len ? memchr(text + i, '\n', len - i) : NULL;
        size_t e = nl ? (size_t)(nl - text) : len;
        size_t a = i, b = e;
        while (a < b && is_blank(text[a]))
            a++;
        while (b > a && is_blank(text[b - 1]))
            b--;
        if (n == cap) {
            text_line *q = realloc(lines, cap * 2 * sizeof *q);
            if (!q) {
                free(lines);
                return -1;
            }
            lines = q;
            cap *= 2;
        }
        lines[n++] = (text_line){a, b, a == b ? LINE_BLANK : LINE_PROSE};
        if (!nl) break;
        i = e + 1;
    }
    if (no_clean) {
        *out = lines;
        return (long)n;
    }
    int seen_prose = 0, seen_title = 0, related = 0;
    for (size_t k = 0; k < n; k++) {
        text_line *l = &lines[k];
        if (l->kind == LINE_BLANK) {
            related = 0;
            continue;
        }
        const char *s = text + l->start;
        size_t m = l->end - l->start;
        size_t words = count_words(s, m);
        if (related || furniture_words(s, m, words)) {
            l->kind = LINE_FURNITURE;
            if (icase_prefix(s, m, "related")) related = 1;
            continue;
        }
        if (ends_sentence(s, m)) {
            seen_prose = 1;
            continue;
        }
        /* continued by the next line? */
        if (k + 1 < n && lines[k + 1].kind != LINE_BLANK) {
            unsigned char c = (unsigned char)text[lines[k + 1].start];
            if (c >= 'a' && c <= 'z') continue; /* prose */
        }
        if (!seen_prose && !seen_title && words >= 4 && words <= 30) {
            l->kind = LINE_TITLE;
            seen_title = 1;
        } else {
            l->kind = LINE_FURNITURE;
        }
    }
    /* a line continuing a furniture line is furniture too */
    for (size_t k = 1; k < n; k++)
        if (lines[k].kind == LINE_PROSE && lines[k - 1].kind == LINE_FURNITURE &&
            !ends_sentence(text + lines[k - 1].start, lines[k - 1].end - lines[k - 1].start) &&
            text[lines[k].start] >= 'a' && text[lines[k].start] <= 'z')
            lines[k].kind = LINE_FURNITURE;
    *out = lines;
    return (long)n;
}

int claimdb_extract_title(const char *text, size_t len, claimdb_span *span)
{
    if (!text || !span) return 0;
    text_line *lines;
    long n = clean_lines(text, len, 0, &lines);
    int found = 0;
    for (long k = 0; k < n && !found; k++)
        if (lines[k].kind == LINE_TITLE) {
            span->start = lines[k].start;
            span->end = lines[k].end;
            found = 1;
        }
    free(lines);
    return found;
}
