/* tsv.c — tab-separated values. A file holds one or more tables, separated by an empty line;
 * each starts with a header row that says what it holds by its column names:
 *   claims:   subject predicate object article quote [claimant] [polarity] [confidence]
 *             [said_on]
 *   articles: id [title] [outlet] [date] [url] [author] [duplicate_of] [text_file] [text]
 *   aliases:  alias canonical
 * Columns may come in any order, their names in any case. Field escapes: \t \n \r \\. Empty
 * fields are absent values. Lines of white space only are skipped: after them a header row
 * starts a new table, any other row goes on with the table before. */
#include "import.h"

#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { T_NONE, T_CLAIMS, T_ARTICLES, T_ALIASES };

enum {
    C_SUBJECT,
    C_PREDICATE,
    C_OBJECT,
    C_ARTICLE,
    C_QUOTE,
    C_CLAIMANT,
    C_POLARITY,
    C_CONFIDENCE,
    C_SAID_ON
};
static const char *const claim_cols[] = {"subject",  "predicate", "object",     "article", "quote",
                                         "claimant", "polarity",  "confidence", "said_on"};
enum { A_ID, A_TITLE, A_OUTLET, A_DATE, A_URL, A_AUTHOR, A_DUP, A_TEXT_FILE, A_TEXT };
static const char *const article_cols[] = {"id",     "title",        "outlet",    "date", "url",
                                           "author", "duplicate_of", "text_file", "text"};
enum { L_ALIAS, L_CANONICAL };
static const char *const alias_cols[] = {"alias", "canonical"};

#define MAX_COLS 9

typedef struct table {
    int kind;
    const char *const *names;
    int nnames, required; /* the first `required` names must be present */
    int ncols;            /* columns in the header */
    int pos[MAX_COLS];    /* name index -> header column, or -1 */
} table;

typedef struct row {
    size_t n, cap;
    size_t *start, *end; /* raw field byte ranges in the line */
    buf *val;            /* unescaped values */
} row;

static void row_split(row *r, const char *line, size_t n)
{
    r->n = 0;
    size_t s = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && line[i] != '\t') continue;
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 16;
            r->start = xrealloc(r->start, r->cap * sizeof *r->start);
            r->end = xrealloc(r->end, r->cap * sizeof *r->end);
            r->val = xrealloc(r->val, r->cap * sizeof *r->val);
            for (size_t k = r->n; k < r->cap; k++)
                memset(&r->val[k], 0, sizeof r->val[k]);
        }
        r->start[r->n] = s;
        r->end[r->n] = i;
        r->n++;
        s = i + 1;
    }
}

static void row_free(row *r)
{
    for (size_t k = 0; k < r->cap; k++)
        buf_free(&r->val[k]);
    free(r->start);
    free(r->end);
    free(r->val);
}

static long col_of(const char *line, size_t off)
{
    return (long)utf8_count(line, off) + 1;
}

/* Unescape field i into r->val[i]. */
static int unescape(import_ctx *ic, const char *line, row *r, size_t i)
{
    buf *b = &r->val[i];
    buf_clear(b);
    buf_reserve(b, 0);
    b->p[0] = '\0';
    for (size_t k = r->start[i]; k < r->end[i]; k++) {
        char c = line[k];
        if (c != '\\') {
            buf_putc(b, c);
            continue;
        }
        char e = k + 1 < r->end[i] ? line[k + 1] : '\0';
        switch (e) {
        case 't':
            buf_putc(b, '\t');
            break;
        case 'n':
            buf_putc(b, '\n');
            break;
        case 'r':
            buf_putc(b, '\r');
            break;
        case '\\':
            buf_putc(b, '\\');
            break;
        default:
            return import_error(ic, import_lineno(ic), col_of(line, k),
                                "bad escape '\\%s' (use \\t, \\n, \\r or \\\\)",
                                e ? (char[]){e, '\0'} : "");
        }
        k++;
    }
    return 0;
}

/* Whether the row names the first column of a kind of table (case aside): then it is a
 * header row. */
static int is_header(const char *line, const row *r)
{
    static const char *const keys[] = {"subject", "id", "alias"};
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < r->n; i++)
            if (r->end[i] - r->start[i] == strlen(keys[k]) &&
                !ascii_ncasecmp(line + r->start[i], keys[k], strlen(keys[k])))
                return 1;
    return 0;
}

/* Column names are compared without case ("Subject", "SUBJECT"). */
static int read_header(import_ctx *ic, table *t, const char *line, row *r)
{
    static const struct {
        int kind;
        const char *const *names;
        int nnames, required;
    } kinds[] = {
        {T_CLAIMS, claim_cols, 9, 5},
        {T_ARTICLES, article_cols, 9, 1},
        {T_ALIASES, alias_cols, 2, 2},
    };
    long lineno = import_lineno(ic);
    memset(t, 0, sizeof *t);
    for (size_t k = 0; k < 3 && !t->kind; k++)
        for (size_t i = 0; i < r->n; i++)
            if (r->end[i] - r->start[i] == strlen(kinds[k].names[0]) &&
                !ascii_ncasecmp(line + r->start[i], kinds[k].names[0], r->end[i] - r->start[i])) {
                t->kind = kinds[k].kind;
                t->names = kinds[k].names;
                t->nnames = kinds[k].nnames;
                t->required = kinds[k].required;
            }
    if (!t->kind)
        return import_error(ic, lineno, 1,
                            "expected a header row: claims (subject, predicate, object, article, "
                            "quote, ...), articles (id, title, ...) or aliases (alias, canonical)");
    for (int k = 0; k < MAX_COLS; k++)
        t->pos[k] = -1;
    t->ncols = (int)r->n;
    for (size_t i = 0; i < r->n; i++) {
        size_t len = r->end[i] - r->start[i];
        int found = -1;
        for (int k = 0; k < t->nnames; k++)
            if (strlen(t->names[k]) == len && !ascii_ncasecmp(line + r->start[i], t->names[k], len))
                found = k;
        if (found < 0)
            return import_error(ic, lineno, col_of(line, r->start[i]), "unknown column '%.*s'",
                                (int)len, line + r->start[i]);
        if (t->pos[found] >= 0)
            return import_error(ic, lineno, col_of(line, r->start[i]), "column '%s' repeated",
                                t->names[found]);
        t->pos[found] = (int)i;
    }
    for (int k = 0; k < t->required; k++)
        if (t->pos[k] < 0)
            return import_error(ic, lineno, 1, "the header lacks the column '%s'", t->names[k]);
    return 0;
}

/* The value of named column k, or NULL when the column is absent or the field empty. */
static const char *field(const table *t, const row *r, int k)
{
    if (t->pos[k] < 0) return NULL;
    const buf *b = &r->val[t->pos[k]];
    return b->len ? b->p : NULL;
}

static long field_col(const table *t, const row *r, const char *line, int k)
{
    return t->pos[k] < 0 ? 1 : col_of(line, r->start[t->pos[k]]);
}

static int required(import_ctx *ic, const table *t, const row *r, const char *line, int k,
                    const char **out)
{
    *out = field(t, r, k);
    if (!*out)
        return import_error(ic, import_lineno(ic), field_col(t, r, line, k), "empty %s",
                            t->names[k]);
    return 0;
}

static int id_field(import_ctx *ic, const table *t, const row *r, const char *line, int k,
                    int64_t *out)
{
    const char *s = field(t, r, k);
    if (!s || parse_uint64(s, out) != 0)
        return import_error(ic, import_lineno(ic), field_col(t, r, line, k),
                            "bad %s '%s': expected an article id (0, 1, 2, ...)",
                            t->kind == T_ARTICLES && k == A_DUP ? "duplicate_of" : "article id",
                            s ? s : "");
    return 0;
}

static int claim_row(import_ctx *ic, const table *t, const row *r, const char *line)
{
    long lineno = import_lineno(ic);
    rec_claim c = {0};
    if (required(ic, t, r, line, C_SUBJECT, &c.subject) ||
        required(ic, t, r, line, C_PREDICATE, &c.predicate) ||
        required(ic, t, r, line, C_OBJECT, &c.object) ||
        id_field(ic, t, r, line, C_ARTICLE, &c.article))
        return -1;
    c.quote = field(t, r, C_QUOTE);
    c.claimant = field(t, r, C_CLAIMANT);
    const char *pol = field(t, r, C_POLARITY);
    if (pol && strcmp(pol, "+") && strcmp(pol, "-"))
        return import_error(ic, lineno, field_col(t, r, line, C_POLARITY),
                            "bad polarity '%s': expected + or -", pol);
    c.negated = pol && !strcmp(pol, "-");
    const char *conf = field(t, r, C_CONFIDENCE);
    if (conf) {
        if (parse_real(conf, &c.confidence) != 0 || c.confidence < 0 || c.confidence > 1)
            return import_error(ic, lineno, field_col(t, r, line, C_CONFIDENCE),
                                "bad confidence '%s': expected a number from 0 to 1", conf);
        c.has_confidence = 1;
    }
    c.said_on = field(t, r, C_SAID_ON);
    if (c.said_on && !valid_date(c.said_on))
        return import_error(ic, lineno, field_col(t, r, line, C_SAID_ON),
                            "bad said_on '%s': expected YYYY-MM-DD", c.said_on);
    return import_claim(ic, &c, lineno, 1);
}

static int read_text_file(import_ctx *ic, const char *name, long col, buf *out)
{
    buf path = {0};
    if (name[0] == '/')
        buf_puts(&path, name);
    else
        buf_printf(&path, "%s/%s", import_dir(ic), name);
    FILE *fp = fopen(path.p, "rb");
    int rc = 0;
    if (!fp || read_stream(fp, out) != 0)
        rc = import_error(ic, import_lineno(ic), col, "cannot read text_file '%s': %s", path.p,
                          strerror(errno));
    else if (utf8_valid_prefix(out->p, out->len) < out->len || memchr(out->p, '\0', out->len))
        rc = import_error(ic, import_lineno(ic), col, "text_file '%s' is not UTF-8 text", path.p);
    if (fp) fclose(fp);
    buf_free(&path);
    return rc;
}

static int article_row(import_ctx *ic, const table *t, const row *r, const char *line)
{
    long lineno = import_lineno(ic);
    rec_article a = {0};
    a.duplicate_of = -1;
    if (id_field(ic, t, r, line, A_ID, &a.id)) return -1;
    a.title = field(t, r, A_TITLE);
    a.outlet = field(t, r, A_OUTLET);
    a.date = field(t, r, A_DATE);
    a.url = field(t, r, A_URL);
    a.author = field(t, r, A_AUTHOR);
    a.text = field(t, r, A_TEXT);
    if (a.date && !valid_date(a.date))
        return import_error(ic, lineno, field_col(t, r, line, A_DATE),
                            "bad date '%s': expected YYYY-MM-DD", a.date);
    if (field(t, r, A_DUP) && id_field(ic, t, r, line, A_DUP, &a.duplicate_of)) return -1;
    const char *tf = field(t, r, A_TEXT_FILE);
    buf text = {0};
    if (tf) {
        if (a.text)
            return import_error(ic, lineno, field_col(t, r, line, A_TEXT_FILE),
                                "both text and text_file given");
        if (read_text_file(ic, tf, field_col(t, r, line, A_TEXT_FILE), &text) != 0) {
            buf_free(&text);
            return -1;
        }
        a.text = text.p ? text.p : "";
    }
    int rc = import_article(ic, &a, lineno, 1);
    buf_free(&text);
    return rc;
}

static int alias_row(import_ctx *ic, const table *t, const row *r, const char *line)
{
    rec_alias a;
    if (required(ic, t, r, line, L_ALIAS, &a.alias) ||
        required(ic, t, r, line, L_CANONICAL, &a.canonical))
        return -1;
    return import_alias(ic, &a, import_lineno(ic), 1);
}

int tsv_read(import_ctx *ic)
{
    char *line = NULL;
    size_t cap = 0;
    long len;
    row r = {0};
    table t = {0}, prev = {0};
    int rc = 0;
    while (rc == 0 && (len = import_getline(ic, &line, &cap)) >= 0) {
        size_t n = (size_t)len;
        if (n && line[n - 1] == '\n') n--;
        if (n && line[n - 1] == '\r') n--;
        if ((rc = import_check_text(ic, line, n)) != 0) break;
        line[n] = '\0';
        size_t sp = 0;
        while (sp < n && (line[sp] == ' ' || line[sp] == '\t'))
            sp++;
        if (sp == n) { /* a blank line ends a table; a header may follow */
            if (t.kind != T_NONE) prev = t;
            t.kind = T_NONE;
            continue;
        }
        row_split(&r, line, n);
        if (t.kind == T_NONE) {
            if (prev.kind == T_NONE || is_header(line, &r)) {
                rc = read_header(ic, &t, line, &r);
                continue;
            }
            t = prev; /* no header after the blank lines: the table goes on */
        }
        if ((int)r.n < t.ncols) {
            int missing = -1;
            for (int k = 0; k < t.nnames && missing < 0; k++)
                if (t.pos[k] == (int)r.n) missing = k;
            rc = import_error(ic, import_lineno(ic), col_of(line, n), "missing field '%s'",
                              missing >= 0 ? t.names[missing] : "?");
            break;
        }
        if ((int)r.n > t.ncols) {
            rc = import_error(ic, import_lineno(ic), col_of(line, r.start[t.ncols]),
                              "extra field (the header has %d columns)", t.ncols);
            break;
        }
        for (size_t i = 0; i < r.n && rc == 0; i++)
            rc = unescape(ic, line, &r, i);
        if (rc) break;
        import_row_seen(ic, t.kind, line, n, import_lineno(ic));
        rc = t.kind == T_CLAIMS     ? claim_row(ic, &t, &r, line)
             : t.kind == T_ARTICLES ? article_row(ic, &t, &r, line)
                                    : alias_row(ic, &t, &r, line);
    }
    row_free(&r);
    free(line);
    return rc;
}

/* ---- writing --------------------------------------------------------------------------------- */

typedef struct tsv_sink {
    FILE *out;
    int section;
    int err;
} tsv_sink;

static void put_field(tsv_sink *s, const char *v)
{
    if (!v) return;
    for (; *v; v++) {
        switch (*v) {
        case '\t':
            fputs("\\t", s->out);
            break;
        case '\n':
            fputs("\\n", s->out);
            break;
        case '\r':
            fputs("\\r", s->out);
            break;
        case '\\':
            fputs("\\\\", s->out);
            break;
        default:
            putc(*v, s->out);
        }
    }
}

static void section(tsv_sink *s, int kind)
{
    if (s->section == kind) return;
    if (s->section != T_NONE) putc('\n', s->out);
    s->section = kind;
    const char *const *names = kind == T_CLAIMS    ? claim_cols
                               : kind == T_ALIASES ? alias_cols
                                                   : article_cols;
    int n = kind == T_CLAIMS ? 9 : kind == T_ALIASES ? 2 : 9;
    for (int i = 0; i < n; i++) {
        if (kind == T_ARTICLES && i == A_TEXT_FILE) continue; /* text goes inline */
        fprintf(s->out, "%s%s", i ? "\t" : "", names[i]);
    }
    putc('\n', s->out);
}

static int sink_alias(void *state, const rec_alias *a)
{
    tsv_sink *s = state;
    section(s, T_ALIASES);
    put_field(s, a->alias);
    putc('\t', s->out);
    put_field(s, a->canonical);
    putc('\n', s->out);
    return ferror(s->out) ? -1 : 0;
}

static int sink_article(void *state, const rec_article *a)
{
    tsv_sink *s = state;
    section(s, T_ARTICLES);
    fprintf(s->out, "%lld", (long long)a->id);
    const char *v[] = {a->title, a->outlet, a->date, a->url, a->author};
    for (size_t i = 0; i < 5; i++) {
        putc('\t', s->out);
        put_field(s, v[i]);
    }
    putc('\t', s->out);
    if (a->duplicate_of >= 0) fprintf(s->out, "%lld", (long long)a->duplicate_of);
    putc('\t', s->out);
    put_field(s, a->text);
    putc('\n', s->out);
    return ferror(s->out) ? -1 : 0;
}

static int sink_claim(void *state, const rec_claim *c)
{
    tsv_sink *s = state;
    section(s, T_CLAIMS);
    put_field(s, c->subject);
    putc('\t', s->out);
    put_field(s, c->predicate);
    putc('\t', s->out);
    put_field(s, c->object);
    fprintf(s->out, "\t%lld\t", (long long)c->article);
    put_field(s, c->quote);
    putc('\t', s->out);
    put_field(s, c->claimant);
    fprintf(s->out, "\t%s\t", c->negated ? "-" : "+");
    if (c->has_confidence) {
        char num[64];
        format_real(num, sizeof num, c->confidence);
        fputs(num, s->out);
    }
    putc('\t', s->out);
    put_field(s, c->said_on);
    putc('\n', s->out);
    return ferror(s->out) ? -1 : 0;
}

static int sink_finish(void *state)
{
    tsv_sink *s = state;
    if (s->section != T_CLAIMS) section(s, T_CLAIMS); /* always a claims table, even an empty one */
    int rc = fflush(s->out) != 0 || ferror(s->out) ? -1 : 0;
    free(s);
    return rc;
}

void tsv_sink_open(export_sink *sink, FILE *out)
{
    tsv_sink *s = xcalloc(1, sizeof *s);
    s->out = out;
    sink->state = s;
    sink->alias = sink_alias;
    sink->article = sink_article;
    sink->claim = sink_claim;
    sink->finish = sink_finish;
}
