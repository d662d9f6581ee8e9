/* batch.c — runs ClaimQL text statement by statement with claimdb_prepare()'s tail pointer,
 * dot-commands at statement starts, and reports every error with its file, line and column. */
#include "batch.h"

#include "dot.h"
#include "output.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Errors of one text come in increasing offsets: tp counts lines once for all of them. */
static void report(shell *sh, const char *name, textpos *tp, size_t off, const char *message)
{
    long line, col;
    textpos_at(tp, off, &line, &col);
    if (!sh->interactive) {
        diag("%s:%ld:%ld: %s\n", name, line, col, message);
        return;
    }
    int warning = !strncmp(message, "warning:", 8);
    diag("%s%ld:%ld: %s\n", warning ? "" : "error: ", line, col, message);
    if (warning) return;
    /* In the shell, the line as typed and a caret under the place (columns count
     * characters; a line longer than a screen is not repeated). */
    const char *bol = tp->text + tp->bol, *end = tp->text + tp->len;
    const char *eol = memchr(bol, '\n', (size_t)(end - bol));
    size_t n = (size_t)((eol ? eol : end) - bol);
    if (n == 0 || n > 200 || col < 1) return;
    buf b = {0};
    buf_printf(&b, "  %.*s\n  ", (int)n, bol);
    for (long i = 1; i < col; i++)
        buf_putc(&b, bol[0] == '\t' && i == 1 ? '\t' : ' ');
    buf_puts(&b, "^\n");
    diag("%s", b.p);
    buf_free(&b);
}

/* Does s look like a number that should be bound as one? */
static void bind_param(claimdb_stmt *stmt, const char *name, const char *value)
{
    int64_t i;
    double d;
    if (parse_int64(value, &i) == 0)
        claimdb_bind_int64(stmt, name, i);
    else if (parse_real(value, &d) == 0)
        claimdb_bind_double(stmt, name, d);
    else
        claimdb_bind_text(stmt, name, value, -1);
}

static void bind_params(shell *sh, claimdb_stmt *stmt)
{
    int n = claimdb_bind_parameter_count(stmt);
    for (int i = 0; i < n; i++) {
        const char *name = claimdb_bind_parameter_name(stmt, i);
        if (!name) continue;
        for (size_t k = 0; k < sh->nparams; k++)
            if (!strcmp(sh->params[k].name, name)) bind_param(stmt, name, sh->params[k].value);
    }
}

int batch_run_statement(shell *sh, claimdb_stmt *stmt)
{
    double t0 = now_seconds();
    bind_params(sh, stmt);
    int rc = output_statement(sh, stmt);
    if (sh->timer) diag("time: %.6f s\n", now_seconds() - t0);
    return rc;
}

const char *batch_skip_space(const char *p, const char *end)
{
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v') {
            p++;
        } else if (*p == '-' && p + 1 < end && p[1] == '-') {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
        } else {
            break;
        }
    }
    return p;
}

static void failed(shell *sh)
{
    sh->failed = 1;
    if (sh->bail) sh->stop = 1;
}

/* Run one dot-command line starting at p; return where the next line starts. */
static const char *run_dot(shell *sh, const char *name, textpos *tp, const char *p, int *errors)
{
    const char *text = tp->text;
    const char *end = text + tp->len;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    size_t n = (size_t)(stop - p);
    if (n && p[n - 1] == '\r') n--;
    if (sh->echo) out_printf(sh, "%.*s\n", (int)n, p);
    buf err = {0};
    if (dot_run(sh, p, n, &err) != 0) {
        if (err.len) report(sh, name, tp, (size_t)(p - text), err.p);
        ++*errors;
        failed(sh);
    }
    buf_free(&err);
    return nl ? nl + 1 : end;
}

int batch_run_text(shell *sh, const char *name, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    int errors = 0;
    textpos tp;
    textpos_init(&tp, text, len);
    while (!sh->stop) {
        const char *q = batch_skip_space(p, end);
        if (q >= end) break;
        if (*q == '.') {
            p = run_dot(sh, name, &tp, q, &errors);
            continue;
        }
        if (!sh->db && shell_db(sh, shell_is_write(q, end))) {
            errors++;
            failed(sh);
            if (!sh->interactive) sh->stop = 1; /* no statement can run without a database */
            break;
        }
        claimdb_stmt *stmt = NULL;
        const char *tail = NULL;
        size_t avail = (size_t)(end - q);
        int rc = claimdb_prepare(sh->db, q, avail > INT_MAX ? INT_MAX : (int)avail, &stmt, &tail);
        if (!tail || tail <= q || tail > end) tail = end;
        if (rc != CLAIMDB_OK) {
            int off = claimdb_error_offset(sh->db);
            report(sh, name, &tp, (size_t)(q - text) + (off >= 0 ? (size_t)off : 0),
                   claimdb_errmsg_text(sh->db));
            errors++;
            failed(sh);
            p = tail;
            continue;
        }
        if (stmt) {
            if (sh->echo) out_printf(sh, "%.*s\n", (int)(tail - q), q);
            claimdb_counter(sh->db, CLAIMDB_COUNTER_QUOTES_NOT_FOUND, 1);
            rc = batch_run_statement(sh, stmt);
            shell_statement_done(sh);
            /* What the statement read that no claim holds: a warning at the term, so that
             * the rows and the exit status stay those of the statement. */
            for (int w = 0; w < claimdb_warning_count(stmt); w++) {
                int woff = -1;
                const char *wmsg = claimdb_warning(stmt, w, &woff);
                buf m = {0};
                buf_printf(&m, "warning: %s", wmsg);
                report(sh, name, &tp, (size_t)(q - text) + (woff >= 0 ? (size_t)woff : 0), m.p);
                buf_free(&m);
            }
            int64_t unplaced = claimdb_counter(sh->db, CLAIMDB_COUNTER_QUOTES_NOT_FOUND, 1);
            if (unplaced > 0 && rc == CLAIMDB_DONE) {
                char msg[160];
                snprintf(msg, sizeof msg,
                         "warning: %lld quote%s not found in the cited article's text (stored "
                         "without a position)",
                         (long long)unplaced, unplaced == 1 ? "" : "s");
                report(sh, name, &tp, (size_t)(q - text), msg);
            }
            int halt = 0;
            if (rc == CLAIMDB_INTERRUPT && sh->interactive) {
                diag("interrupted\n"); /* Ctrl-C: drop the rest of the entry too */
                errors++;
                halt = 1;
            } else if (rc != CLAIMDB_DONE) {
                int off = claimdb_error_offset(sh->db);
                report(sh, name, &tp, (size_t)(q - text) + (off >= 0 ? (size_t)off : 0),
                       claimdb_errmsg_text(sh->db));
                errors++;
                failed(sh);
            }
            claimdb_finalize(stmt);
            if (halt) break;
        }
        p = tail;
    }
    return errors ? 1 : 0;
}

int batch_run_file(shell *sh, const char *path)
{
    int is_stdin = !strcmp(path, "-");
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        diag("claimdb: cannot open %s: %s\n", path, strerror(errno));
        failed(sh);
        return 1;
    }
    buf text = {0};
    int rd = read_stream(fp, &text);
    int err = errno;
    if (!is_stdin) fclose(fp);
    if (rd != 0) {
        diag("claimdb: cannot read %s: %s\n", path, strerror(err));
        buf_free(&text);
        failed(sh);
        return 1;
    }
    int rc = batch_run_text(sh, name, text.p, text.len);
    buf_free(&text);
    return rc;
}
