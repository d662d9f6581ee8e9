/* shell.c — creating and freeing the program's state. */
#include "shell.h"

#include "batch.h"
#include "output.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

void shell_init(shell *sh)
{
    memset(sh, 0, sizeof *sh);
    sh->mode = OUTPUT_TSV;
    sh->headers = -1;
    sh->out = stdout;
    sh->timeout_ms = SHELL_DEFAULT_TIMEOUT_MS;
    sh->exit_code = -1;
}

static void output_close(shell *sh)
{
    if (sh->out != stdout) {
        if (fclose(sh->out) != 0)
            diag("claimdb: cannot write %s: %s\n", sh->out_path, strerror(errno));
        sh->out = stdout;
    }
    free(sh->out_path);
    sh->out_path = NULL;
    sh->out_once = 0;
}

int shell_output(shell *sh, const char *path, int once)
{
    fflush(sh->out);
    output_close(sh);
    if (!path || !strcmp(path, "-")) return 0;
    FILE *fp = fopen(path, "w");
    if (!fp) {
        diag("claimdb: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    sh->out = fp;
    sh->out_path = xstrdup(path);
    sh->out_once = once;
    return 0;
}

void shell_statement_done(shell *sh)
{
    if (sh->out_once) output_close(sh);
}

void shell_free(shell *sh)
{
    for (size_t i = 0; i < sh->nparams; i++) {
        free(sh->params[i].name);
        free(sh->params[i].value);
    }
    free(sh->params);
    free(sh->widths);
    output_close(sh);
    free(sh->nullvalue);
    free(sh->opened_path);
    claimdb_close(sh->db);
    sh->db = NULL;
}

static int busy_notice(void *ctx, int waited_ms)
{
    busy_note *note = ctx;
    if (waited_ms < 1000) {
        note->told = 0; /* a new wait */
        return 0;
    }
    if (!note->told && isatty(STDERR_FILENO)) {
        diag("claimdb: waiting for another writer of %s to finish (up to %d s; Ctrl-C stops)\n",
             note->path, note->timeout_ms / 1000);
        note->told = 1;
    }
    return 0;
}

void busy_note_install(claimdb *db, busy_note *note)
{
    claimdb_busy_timeout(db, note->timeout_ms);
    claimdb_busy_handler(db, busy_notice, note);
}

int shell_open(shell *sh, int flags)
{
    int rc = claimdb_open(sh->db_path, flags, &sh->db);
    if (rc != CLAIMDB_OK) {
        diag("claimdb: cannot open %s: %s\n", sh->db_path,
             sh->db ? claimdb_errmsg(sh->db) : claimdb_strerror(rc));
        claimdb_close(sh->db);
        sh->db = NULL;
        return 1;
    }
    sh->create_on_write = 0;
    sh->note = (busy_note){sh->db_path, sh->timeout_ms, 0};
    busy_note_install(sh->db, &sh->note);
    return 0;
}

int shell_db(shell *sh, int write)
{
    if (sh->db) return 0;
    if (!sh->create_on_write) return 1; /* opening failed earlier, and said why */
    if (access(sh->db_path, F_OK) == 0) /* made meanwhile by another process */
        return shell_open(sh, sh->readonly ? CLAIMDB_OPEN_READONLY : 0);
    if (!write) {
        diag("claimdb: no such database: %s (a write statement creates it, or give --create)\n",
             sh->db_path);
        return 1;
    }
    return shell_open(sh, CLAIMDB_OPEN_CREATE);
}

int shell_is_write(const char *text, const char *end)
{
    static const char *const writes[] = {"ASSERT", "RETRACT", "ARTICLE",
                                         "ALIAS",  "REVIEW",  "BEGIN"};
    const char *p = batch_skip_space(text, end), *w = p;
    while (w < end && isalpha((unsigned char)*w))
        w++;
    for (size_t i = 0; i < sizeof writes / sizeof *writes; i++)
        if ((size_t)(w - p) == strlen(writes[i]) && !strncasecmp(p, writes[i], (size_t)(w - p)))
            return 1;
    return 0;
}
