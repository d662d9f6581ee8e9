/* output.c — the output modes. Each mode is a row of the modes[] table: a begin, row and end
 * function over one statement's result. Table mode collects the rows to size its columns;
 * the others stream. */
#include "output.h"

#include "util.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

typedef struct outctx {
    shell *sh;
    claimdb_stmt *stmt;
    int ncols;
    int headers;
    size_t nrows;
    /* table mode: the cells as displayed, row by row, and whether each is a number */
    char **cells;
    unsigned char *numeric;
    size_t ncells, capcells;
    buf line; /* scratch for building one line */
} outctx;

/* Column i of the current row as text, a missing value shown as .nullvalue says (empty by
 * default). */
static const char *cell(const outctx *c, int i)
{
    const char *t = claimdb_column_text(c->stmt, i);
    return t ? t : c->sh->nullvalue;
}

typedef struct mode_ops {
    const char *name;
    int headers; /* prints a header row by default */
    void (*begin)(outctx *c);
    void (*row)(outctx *c);
    void (*end)(outctx *c);
} mode_ops;

/* ---- the one output function --------------------------------------------------------- */

void out_write(shell *sh, const char *s, size_t n)
{
    if (n) fwrite(s, 1, n, sh->out);
}

void out_printf(shell *sh, const char *fmt, ...)
{
    buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    out_write(sh, b.p, b.len);
    buf_free(&b);
}

void diag(const char *fmt, ...)
{
    fflush(stdout); /* keep results and messages in order when both go to one file */
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

static void flush_line(outctx *c)
{
    out_write(c->sh, c->line.p, c->line.len);
    buf_clear(&c->line);
}

static int is_number_column(claimdb_stmt *stmt, int i)
{
    int t = claimdb_column_type(stmt, i);
    return t == CLAIMDB_INTEGER || t == CLAIMDB_REAL;
}

/* ---- widths ------------------------------------------------------------------------------ */

size_t display_width(const char *s, size_t n)
{
    size_t w = 0, i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) { /* not UTF-8: count the byte as one column */
            w++;
            i++;
            continue;
        }
        int cw = utf8proc_charwidth(cp);
        if (cw > 0) w += (size_t)cw;
        i += (size_t)k;
    }
    return w;
}

/* The longest prefix of s that fits in width columns. */
static size_t fit_prefix(const char *s, size_t n, size_t width)
{
    size_t w = 0, i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        size_t step = k <= 0 ? 1 : (size_t)k;
        int cw = k <= 0 ? 1 : utf8proc_charwidth(cp);
        size_t add = cw > 0 ? (size_t)cw : 0;
        if (w + add > width) break;
        w += add;
        i += step;
    }
    return i;
}

/* ---- table -------------------------------------------------------------------------------- */

/* A value as shown in a table cell: control characters made visible so rows stay one line. */
static char *table_text(const char *s)
{
    buf b = {0};
    buf_reserve(&b, 0);
    b.p[0] = '\0';
    if (!s) return b.p;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\n')
            buf_puts(&b, "\\n");
        else if (ch == '\t')
            buf_puts(&b, "\\t");
        else if (ch == '\r')
            buf_puts(&b, "\\r");
        else if (ch < 0x20 || ch == 0x7F)
            buf_printf(&b, "\\x%02X", ch);
        else
            buf_putc(&b, (char)ch);
    }
    return b.p;
}

static void table_push(outctx *c, char *cell, int numeric)
{
    if (c->ncells == c->capcells) {
        c->capcells = c->capcells ? c->capcells * 2 : 64;
        c->cells = xrealloc(c->cells, c->capcells * sizeof *c->cells);
        c->numeric = xrealloc(c->numeric, c->capcells);
    }
    c->cells[c->ncells] = cell;
    c->numeric[c->ncells] = (unsigned char)numeric;
    c->ncells++;
}

static void table_begin(outctx *c)
{
    for (int i = 0; i < c->ncols; i++)
        table_push(c, table_text(claimdb_column_name(c->stmt, i)), 0);
}

static void table_row(outctx *c)
{
    for (int i = 0; i < c->ncols; i++)
        table_push(c, table_text(cell(c, i)), is_number_column(c->stmt, i));
}

static void table_rule(outctx *c, const size_t *w, const char *left, const char *mid,
                       const char *right)
{
    buf_puts(&c->line, left);
    for (int i = 0; i < c->ncols; i++) {
        for (size_t k = 0; k < w[i] + 2; k++)
            buf_puts(&c->line, "\xE2\x94\x80"); /* ─ */
        buf_puts(&c->line, i + 1 < c->ncols ? mid : right);
    }
    buf_putc(&c->line, '\n');
    flush_line(c);
}

static void table_line(outctx *c, const size_t *w, const size_t *fixed, size_t first)
{
    static const char bar[] = "\xE2\x94\x82"; /* │ */
    buf_puts(&c->line, bar);
    for (int i = 0; i < c->ncols; i++) {
        const char *s = c->cells[first + (size_t)i];
        size_t n = strlen(s);
        size_t cw = display_width(s, n);
        int truncated = 0;
        if (fixed[i] && cw > fixed[i]) {
            n = fit_prefix(s, n, fixed[i] - 1);
            cw = display_width(s, n) + 1;
            truncated = 1;
        }
        size_t pad = w[i] > cw ? w[i] - cw : 0;
        buf_putc(&c->line, ' ');
        if (c->numeric[first + (size_t)i])
            for (size_t k = 0; k < pad; k++)
                buf_putc(&c->line, ' ');
        buf_append(&c->line, s, n);
        if (truncated) buf_puts(&c->line, "\xE2\x80\xA6"); /* … */
        if (!c->numeric[first + (size_t)i])
            for (size_t k = 0; k < pad; k++)
                buf_putc(&c->line, ' ');
        buf_putc(&c->line, ' ');
        buf_puts(&c->line, bar);
    }
    buf_putc(&c->line, '\n');
    flush_line(c);
}

static void table_end(outctx *c)
{
    size_t nc = (size_t)c->ncols;
    size_t *w = xcalloc(nc, sizeof *w);
    size_t *fixed = xcalloc(nc, sizeof *fixed);
    size_t first = c->headers ? 0 : nc;
    for (size_t i = 0; i < nc; i++) {
        if (i < c->sh->nwidths && c->sh->widths[i] > 0) fixed[i] = (size_t)c->sh->widths[i];
        if (fixed[i]) {
            w[i] = fixed[i];
            continue;
        }
        for (size_t r = first; r < c->ncells; r += nc) {
            size_t cw = display_width(c->cells[r + i], strlen(c->cells[r + i]));
            if (cw > w[i]) w[i] = cw;
        }
    }
    table_rule(c, w, "\xE2\x94\x8C", "\xE2\x94\xAC", "\xE2\x94\x90"); /* ┌ ┬ ┐ */
    for (size_t r = first; r < c->ncells; r += nc) {
        table_line(c, w, fixed, r);
        if (r == 0 && c->headers && c->ncells > nc)
            table_rule(c, w, "\xE2\x94\x9C", "\xE2\x94\xBC", "\xE2\x94\xA4"); /* ├ ┼ ┤ */
    }
    table_rule(c, w, "\xE2\x94\x94", "\xE2\x94\xB4", "\xE2\x94\x98"); /* └ ┴ ┘ */
    free(w);
    free(fixed);
}

/* ---- csv (RFC 4180) ---------------------------------------------------------------------- */

static void csv_field(outctx *c, const char *s)
{
    if (!s) return;
    int quote = *s == ' ' || (*s && s[strlen(s) - 1] == ' ') || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        buf_puts(&c->line, s);
        return;
    }
    buf_putc(&c->line, '"');
    for (; *s; s++) {
        if (*s == '"') buf_putc(&c->line, '"');
        buf_putc(&c->line, *s);
    }
    buf_putc(&c->line, '"');
}

static void csv_begin(outctx *c)
{
    if (!c->headers) return;
    for (int i = 0; i < c->ncols; i++) {
        if (i) buf_putc(&c->line, ',');
        csv_field(c, claimdb_column_name(c->stmt, i));
    }
    buf_puts(&c->line, "\r\n");
    flush_line(c);
}

static void csv_row(outctx *c)
{
    for (int i = 0; i < c->ncols; i++) {
        if (i) buf_putc(&c->line, ',');
        csv_field(c, cell(c, i));
    }
    buf_puts(&c->line, "\r\n");
    flush_line(c);
}

/* ---- tsv ------------------------------------------------------------------------------------ */

static void tsv_field(outctx *c, const char *s)
{
    if (!s) return;
    for (; *s; s++) {
        switch (*s) {
        case '\t':
            buf_puts(&c->line, "\\t");
            break;
        case '\n':
            buf_puts(&c->line, "\\n");
            break;
        case '\r':
            buf_puts(&c->line, "\\r");
            break;
        case '\\':
            buf_puts(&c->line, "\\\\");
            break;
        default:
            buf_putc(&c->line, *s);
        }
    }
}

static void tsv_begin(outctx *c)
{
    if (!c->headers) return;
    for (int i = 0; i < c->ncols; i++) {
        if (i) buf_putc(&c->line, '\t');
        tsv_field(c, claimdb_column_name(c->stmt, i));
    }
    buf_putc(&c->line, '\n');
    flush_line(c);
}

static void tsv_row(outctx *c)
{
    for (int i = 0; i < c->ncols; i++) {
        if (i) buf_putc(&c->line, '\t');
        tsv_field(c, cell(c, i));
    }
    buf_putc(&c->line, '\n');
    flush_line(c);
}

/* ---- json and jsonl (jansson) ------------------------------------------------------------ */

/* The current row as one JSON object, dumped compactly; reals with the fewest digits that
 * read back the same. */
static void json_row_text(outctx *c)
{
    json_t *obj = json_object();
    int digits = 1;
    for (int i = 0; i < c->ncols; i++) {
        json_t *v;
        const char *text;
        switch (claimdb_column_type(c->stmt, i)) {
        case CLAIMDB_INTEGER:
            v = json_integer((json_int_t)claimdb_column_int64(c->stmt, i));
            break;
        case CLAIMDB_REAL: {
            double d = claimdb_column_double(c->stmt, i);
            v = json_real(d); /* NULL for inf and nan */
            if (v && real_digits(d) > digits) digits = real_digits(d);
            break;
        }
        case CLAIMDB_LIST: {
            const int64_t *items;
            int n = claimdb_column_list(c->stmt, i, &items);
            v = json_array();
            for (int j = 0; v && j < n; j++)
                json_array_append_new(v, json_integer((json_int_t)items[j]));
            break;
        }
        case CLAIMDB_TEXT:
            text = claimdb_column_text(c->stmt, i);
            v = json_string(text ? text : "");
            if (!v) /* not UTF-8: keep the bytes rather than lose the value */
                v = json_string_nocheck(text);
            break;
        default:
            v = NULL;
            break;
        }
        json_object_set_new(obj, claimdb_column_name(c->stmt, i), v ? v : json_null());
    }
    char *s = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(digits));
    json_decref(obj);
    if (!s) {
        fputs("claimdb: out of memory\n", stderr);
        exit(1);
    }
    buf_puts(&c->line, s);
    free(s);
}

static void json_begin(outctx *c)
{
    buf_putc(&c->line, '[');
}

static void json_row(outctx *c)
{
    if (c->nrows) buf_puts(&c->line, ",\n");
    json_row_text(c);
    flush_line(c);
}

static void json_end(outctx *c)
{
    buf_puts(&c->line, "]\n");
    flush_line(c);
}

static void jsonl_row(outctx *c)
{
    json_row_text(c);
    buf_putc(&c->line, '\n');
    flush_line(c);
}

/* ---- line ------------------------------------------------------------------------------------ */

static void line_row(outctx *c)
{
    size_t w = 0;
    for (int i = 0; i < c->ncols; i++) {
        const char *name = claimdb_column_name(c->stmt, i);
        size_t cw = display_width(name, strlen(name));
        if (cw > w) w = cw;
    }
    if (c->nrows) buf_putc(&c->line, '\n');
    for (int i = 0; i < c->ncols; i++) {
        const char *name = claimdb_column_name(c->stmt, i);
        const char *v = cell(c, i);
        for (size_t k = display_width(name, strlen(name)); k < w; k++)
            buf_putc(&c->line, ' ');
        buf_printf(&c->line, "%s = %s\n", name, v ? v : "");
    }
    flush_line(c);
}

static void nothing(outctx *c)
{
    (void)c;
}

static const mode_ops modes[OUTPUT_COUNT] = {
    [OUTPUT_TABLE] = {"table", 1, table_begin, table_row, table_end},
    [OUTPUT_CSV] = {"csv", 1, csv_begin, csv_row, nothing},
    [OUTPUT_TSV] = {"tsv", 1, tsv_begin, tsv_row, nothing},
    [OUTPUT_JSON] = {"json", 0, json_begin, json_row, json_end},
    [OUTPUT_JSONL] = {"jsonl", 0, nothing, jsonl_row, nothing},
    [OUTPUT_LINE] = {"line", 0, nothing, line_row, nothing},
};

int output_mode_find(const char *name)
{
    for (int i = 0; i < OUTPUT_COUNT; i++)
        if (!ascii_casecmp(name, modes[i].name)) return i;
    return -1;
}

const char *output_mode_name(int mode)
{
    return mode >= 0 && mode < OUTPUT_COUNT ? modes[mode].name : "?";
}

void output_mode_list(buf *b)
{
    const char *sep = "";
    for (int i = 0; i < OUTPUT_COUNT; i++) {
        buf_printf(b, "%s%s", sep, modes[i].name);
        sep = ", ";
    }
}

int output_mode_has_headers(int mode)
{
    return mode >= 0 && mode < OUTPUT_COUNT && modes[mode].headers;
}

int stmt_column_index(claimdb_stmt *stmt, const char *name)
{
    int n = claimdb_column_count(stmt);
    for (int i = 0; i < n; i++)
        if (!strcmp(claimdb_column_name(stmt, i), name)) return i;
    return -1;
}

const char *stmt_text_or_null(claimdb_stmt *stmt, int i)
{
    return i < 0 || claimdb_column_type(stmt, i) == CLAIMDB_NULL ? NULL
                                                                 : claimdb_column_text(stmt, i);
}

int output_statement(shell *sh, claimdb_stmt *stmt)
{
    const mode_ops *m = &modes[sh->mode];
    outctx c = {0};
    c.sh = sh;
    c.stmt = stmt;
    c.headers = m->headers && sh->headers != 0;
    int rc = claimdb_step(stmt);
    c.ncols = claimdb_column_count(stmt);
    if (c.ncols == 0) { /* a statement without rows */
        while (rc == CLAIMDB_ROW)
            rc = claimdb_step(stmt);
        return rc;
    }
    if (rc != CLAIMDB_ROW && rc != CLAIMDB_DONE) return rc;
    m->begin(&c);
    while (rc == CLAIMDB_ROW) {
        m->row(&c);
        c.nrows++;
        rc = claimdb_step(stmt);
    }
    m->end(&c);
    for (size_t i = 0; i < c.ncells; i++)
        free(c.cells[i]);
    free(c.cells);
    free(c.numeric);
    buf_free(&c.line);
    fflush(sh->out);
    return rc;
}
