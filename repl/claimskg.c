/* claimskg.c — the CSV that ClaimsKG's extractor writes (github.com/claimskg): a header row
 * naming the columns, then one review a record; fields are CSV-quoted ("…", "" for a quote)
 * and may hold line breaks inside quotes. The columns read:
 *   claimReview_claimReviewed -> claim_reviewed (required)
 *   claimReview_url           -> url (required: the review's identity)
 *   claimReview_author_name (else claimReview_author, else claimReview_source) -> reviewer
 *   claimReview_datePublished -> date        creativeWork_author_name -> claimant
 *   creativeWork_datePublished -> claim_date extra_title -> title
 *   rating_alternateName -> rating           rating_ratingValue, rating_bestRating,
 *   rating_worstRating -> the numeric rating  claimReview_inLanguage (or language) -> language
 * Other columns (the extractor writes many: extra_body, extra_entities_*, extra_tags, …) are
 * not read, and the import names them once. Dates may carry a time: the calendar date is kept.
 * An empty field is an absent value. */
#include "import.h"

#include "output.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

enum {
    K_TEXT,
    K_URL,
    K_AUTHOR_NAME,
    K_AUTHOR,
    K_SOURCE,
    K_DATE,
    K_CLAIMANT,
    K_CLAIM_DATE,
    K_TITLE,
    K_RATING,
    K_VALUE,
    K_BEST,
    K_WORST,
    K_LANGUAGE,
    K_LANGUAGE2,
    K_N
};
static const char *const names[K_N] = {"claimReview_claimReviewed",
                                       "claimReview_url",
                                       "claimReview_author_name",
                                       "claimReview_author",
                                       "claimReview_source",
                                       "claimReview_datePublished",
                                       "creativeWork_author_name",
                                       "creativeWork_datePublished",
                                       "extra_title",
                                       "rating_alternateName",
                                       "rating_ratingValue",
                                       "rating_bestRating",
                                       "rating_worstRating",
                                       "claimReview_inLanguage",
                                       "language"};

/* One CSV record: its fields unquoted, with where each starts (line and column). */
typedef struct record {
    buf text;         /* the record's lines as read */
    buf *val;         /* values */
    long *line, *col; /* where each field starts */
    size_t n, cap;
} record;

static void field_start(record *rec, long line, long col)
{
    if (rec->n == rec->cap) {
        size_t cap = rec->cap ? rec->cap * 2 : 32;
        rec->val = xrealloc(rec->val, cap * sizeof *rec->val);
        rec->line = xrealloc(rec->line, cap * sizeof *rec->line);
        rec->col = xrealloc(rec->col, cap * sizeof *rec->col);
        for (size_t i = rec->cap; i < cap; i++)
            memset(&rec->val[i], 0, sizeof rec->val[i]);
        rec->cap = cap;
    }
    buf_clear(&rec->val[rec->n]);
    buf_putc(&rec->val[rec->n], '\0');
    rec->val[rec->n].len = 0;
    rec->line[rec->n] = line;
    rec->col[rec->n] = col;
    rec->n++;
}

static void record_free(record *rec)
{
    for (size_t i = 0; i < rec->cap; i++)
        buf_free(&rec->val[i]);
    free(rec->val);
    free(rec->line);
    free(rec->col);
    buf_free(&rec->text);
}

/* Read one record (which may span lines). 1: a record; 0: end of input; -1: an error. */
static int read_record(import_ctx *ic, record *rec, char **line, size_t *cap)
{
    rec->n = 0;
    int quoted = 0, in_field = 0, after_quote = 0;
    long len;
    while ((len = import_getline(ic, line, cap)) >= 0) {
        size_t n = (size_t)len;
        long lineno = import_lineno(ic);
        if (import_check_text(ic, *line, n) != 0) return -1;
        const char *p = *line;
        if (!quoted && rec->n == 0) {
            size_t k = n;
            while (k && (p[k - 1] == '\n' || p[k - 1] == '\r'))
                k--;
            if (k == 0) continue; /* a blank line between records */
        }
        if (!in_field) {
            field_start(rec, lineno, 1);
            in_field = 1;
        }
        long col = 1;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)p[i];
            if ((c & 0xC0) != 0x80 && i) col++;
            buf *v = &rec->val[rec->n - 1];
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && p[i + 1] == '"') {
                        buf_putc(v, '"');
                        i++;
                        col++;
                    } else {
                        quoted = 0;
                        after_quote = 1;
                    }
                } else {
                    buf_putc(v, (char)c);
                }
                continue;
            }
            if (c == ',') {
                field_start(rec, lineno, col + 1);
                after_quote = 0;
                continue;
            }
            if (c == '\r' && i + 1 < n && p[i + 1] == '\n') continue;
            if (c == '\n') return 1;
            if (after_quote)
                return import_error(ic, lineno, col,
                                    "expected ',' or the end of the line after a "
                                    "closing quote");
            if (c == '"') {
                if (v->len != 0)
                    return import_error(ic, lineno, col,
                                        "a quote inside an unquoted field (write \"\" inside "
                                        "a quoted field)");
                quoted = 1;
                continue;
            }
            buf_putc(v, (char)c);
        }
        if (!quoted) return 1; /* the last line, without newline */
    }
    if (quoted)
        return import_error(ic, rec->line[rec->n - 1], rec->col[rec->n - 1],
                            "a quoted field not closed before the end of the file");
    return rec->n ? 1 : 0;
}

static const char *value(const record *rec, const int *pos, int k)
{
    if (pos[k] < 0 || (size_t)pos[k] >= rec->n || rec->val[pos[k]].len == 0) return NULL;
    return rec->val[pos[k]].p;
}

static int get_date(import_ctx *ic, const record *rec, const int *pos, int k, char day[11],
                    const char **out)
{
    const char *s = value(rec, pos, k);
    *out = NULL;
    if (!s) return 0;
    if (strlen(s) >= 10 && (s[10] == '\0' || s[10] == 'T' || s[10] == ' ')) {
        memcpy(day, s, 10);
        day[10] = '\0';
        if (valid_date(day)) {
            *out = day;
            return 0;
        }
    }
    return import_error(ic, rec->line[pos[k]], rec->col[pos[k]],
                        "%s: expected a date YYYY-MM-DD (a time after it is allowed)", names[k]);
}

static int get_number(import_ctx *ic, const record *rec, const int *pos, int k, int *has,
                      double *out)
{
    const char *s = value(rec, pos, k);
    *has = 0;
    if (!s) return 0;
    if (parse_real(s, out) != 0)
        return import_error(ic, rec->line[pos[k]], rec->col[pos[k]], "%s: expected a number",
                            names[k]);
    *has = 1;
    return 0;
}

int claimskg_read(import_ctx *ic)
{
    record rec = {0};
    char *line = NULL;
    size_t cap = 0;
    int pos[K_N];
    for (int k = 0; k < K_N; k++)
        pos[k] = -1;
    int rc = read_record(ic, &rec, &line, &cap);
    if (rc == 0) rc = import_error(ic, 1, 1, "empty file: expected a header row");
    if (rc < 0) goto out;
    rc = 0;
    size_t ncols = rec.n;
    buf ignored = {0};
    for (size_t i = 0; i < rec.n; i++) {
        int k = 0;
        while (k < K_N && ascii_casecmp(rec.val[i].p ? rec.val[i].p : "", names[k]))
            k++;
        if (k == K_N) {
            buf_printf(&ignored, "%s%s", ignored.len ? ", " : "", rec.val[i].p ? rec.val[i].p : "");
            continue;
        }
        if (pos[k] >= 0) {
            rc = import_error(ic, rec.line[i], rec.col[i], "column %s given twice", names[k]);
            break;
        }
        pos[k] = (int)i;
    }
    for (int k = 0; k < 2 && rc == 0; k++)
        if (pos[k] < 0) rc = import_error(ic, 1, 1, "no column %s in the header", names[k]);
    if (rc == 0 && ignored.len) diag("%s: columns not read: %s\n", import_name(ic), ignored.p);
    buf_free(&ignored);
    while (rc == 0 && (rc = read_record(ic, &rec, &line, &cap)) == 1) {
        rc = 0;
        if (rec.n != ncols) {
            rc = import_error(ic, rec.line[0], 1, "%zu fields, the header has %zu", rec.n, ncols);
            break;
        }
        buf whole = {0}; /* the record's fields, to tell a repeated record */
        for (size_t i = 0; i < rec.n; i++) {
            buf_puts(&whole, rec.val[i].p ? rec.val[i].p : "");
            buf_putc(&whole, '\0');
        }
        import_row_seen(ic, 0, whole.p, whole.len, rec.line[0]);
        buf_free(&whole);
        claimdb_review r = {0};
        char d1[11], d2[11];
        r.claim_reviewed = value(&rec, pos, K_TEXT);
        r.url = value(&rec, pos, K_URL);
        for (int k = 0; k < 2 && rc == 0; k++)
            if (!value(&rec, pos, k))
                rc = import_error(ic, rec.line[pos[k]], rec.col[pos[k]], "empty %s", names[k]);
        if (rc) break;
        r.reviewer = value(&rec, pos, K_AUTHOR_NAME);
        if (!r.reviewer) r.reviewer = value(&rec, pos, K_AUTHOR);
        if (!r.reviewer) r.reviewer = value(&rec, pos, K_SOURCE);
        r.claimant = value(&rec, pos, K_CLAIMANT);
        r.title = value(&rec, pos, K_TITLE);
        r.rating = value(&rec, pos, K_RATING);
        r.language = value(&rec, pos, K_LANGUAGE);
        if (!r.language) r.language = value(&rec, pos, K_LANGUAGE2);
        if (get_date(ic, &rec, pos, K_DATE, d1, &r.date) ||
            get_date(ic, &rec, pos, K_CLAIM_DATE, d2, &r.claim_date) ||
            get_number(ic, &rec, pos, K_VALUE, &r.has_rating_value, &r.rating_value) ||
            get_number(ic, &rec, pos, K_BEST, &r.has_best_rating, &r.best_rating) ||
            get_number(ic, &rec, pos, K_WORST, &r.has_worst_rating, &r.worst_rating) ||
            import_review(ic, &r, rec.line[0], 1)) {
            rc = -1;
            break;
        }
    }
    if (rc > 0) rc = 0;
out:
    record_free(&rec);
    free(line);
    return rc;
}
