/* dot.c — the dot-commands. Each is a row of commands[]: name, arguments, handler, help;
 * .help prints the table, and an unknown name gets the closest one suggested. */
#include "dot.h"

#include "batch.h"
#include "check.h"
#include "export.h"
#include "import.h"
#include "ingest.h"
#include "output.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef int (*dot_fn)(shell *sh, int argc, char **argv, buf *err);

typedef struct dot_cmd {
    const char *name; /* with its '.' */
    const char *args;
    dot_fn fn;
    const char *help;
} dot_cmd;

/* The table is at the end of the file, after its handlers; .help reaches it through here. */
static const dot_cmd *command_table(size_t *n);

/* ---- argument splitting: words, "double quoted" (with \ escapes) or 'single quoted' ---- */

static int split_args(const char *line, size_t len, char ***argvp, buf *err)
{
    char **argv = NULL;
    int argc = 0;
    size_t i = 0;
    for (;;) {
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i >= len) break;
        buf word = {0};
        buf_reserve(&word, 0);
        word.p[0] = '\0';
        if (line[i] == '"' || line[i] == '\'') {
            char q = line[i++];
            while (i < len && line[i] != q) {
                if (q == '"' && line[i] == '\\' && i + 1 < len) {
                    i++;
                    char c = line[i] == 'n' ? '\n' : line[i] == 't' ? '\t' : line[i];
                    buf_putc(&word, c);
                } else {
                    buf_putc(&word, line[i]);
                }
                i++;
            }
            if (i >= len) {
                buf_printf(err, "unterminated %c quote", q);
                buf_free(&word);
                for (int k = 0; k < argc; k++)
                    free(argv[k]);
                free(argv);
                return -1;
            }
            i++;
        } else {
            while (i < len && line[i] != ' ' && line[i] != '\t')
                buf_putc(&word, line[i++]);
        }
        argv = xrealloc(argv, (size_t)(argc + 2) * sizeof *argv);
        argv[argc++] = word.p;
        argv[argc] = NULL;
    }
    *argvp = argv;
    return argc;
}

/* ---- handlers ---------------------------------------------------------------------------- */

static int usage(const char *name, buf *err)
{
    size_t ncommands;
    const dot_cmd *commands = command_table(&ncommands);
    for (size_t i = 0; i < ncommands; i++)
        if (!strcmp(commands[i].name, name)) {
            buf_printf(err, "usage: %s %s", name, commands[i].args);
            return 1;
        }
    buf_printf(err, "bad arguments to %s", name);
    return 1;
}

static int cmd_help(shell *sh, int argc, char **argv, buf *err)
{
    size_t ncommands;
    const dot_cmd *commands = command_table(&ncommands);
    size_t w = 0;
    for (size_t i = 0; i < ncommands; i++) {
        size_t n = strlen(commands[i].name) + 1 + strlen(commands[i].args);
        if (n > w) w = n;
    }
    int shown = 0;
    for (size_t i = 0; i < ncommands; i++) {
        const dot_cmd *c = &commands[i];
        if (argc > 1 && strcmp(c->name, argv[1]) && strcmp(c->name + 1, argv[1])) continue;
        buf line = {0}, more = {0};
        buf_printf(&line, "%s %s", c->name, c->args);
        if (!strcmp(c->name, ".mode")) { /* the list comes from the mode table */
            buf_puts(&more, ": ");
            output_mode_list(&more);
        }
        out_printf(sh, "%-*s  %s%s\n", (int)w, line.p, c->help, more.p ? more.p : "");
        buf_free(&line);
        buf_free(&more);
        shown++;
    }
    if (argc > 1 && !shown) {
        buf_printf(err, "no such command: %s", argv[1]);
        return 1;
    }
    if (argc == 1) {
        buf modes = {0};
        output_mode_list(&modes);
        out_printf(sh, "\nStatements end with ';'. Output modes: %s.\n", modes.p);
        buf_free(&modes);
    }
    return 0;
}

static int cmd_mode(shell *sh, int argc, char **argv, buf *err)
{
    if (argc == 1) {
        out_printf(sh, "%s\n", output_mode_name(sh->mode));
        return 0;
    }
    if (argc != 2) return usage(argv[0], err);
    int m = output_mode_find(argv[1]);
    if (m < 0) {
        buf_printf(err, "unknown mode \"%s\" (modes: ", argv[1]);
        output_mode_list(err);
        buf_puts(err, ")");
        return 1;
    }
    sh->mode = m;
    return 0;
}

static int set_flag(int *flag, int argc, char **argv, buf *err)
{
    int v;
    if (argc != 2 || (v = parse_bool(argv[1])) < 0) return usage(argv[0], err);
    *flag = v;
    return 0;
}

static int cmd_headers(shell *sh, int argc, char **argv, buf *err)
{
    return set_flag(&sh->headers, argc, argv, err);
}

static int cmd_timer(shell *sh, int argc, char **argv, buf *err)
{
    return set_flag(&sh->timer, argc, argv, err);
}

static int cmd_width(shell *sh, int argc, char **argv, buf *err)
{
    int *w = argc > 1 ? xmalloc((size_t)(argc - 1) * sizeof *w) : NULL;
    for (int i = 1; i < argc; i++) {
        int64_t v;
        if (parse_uint64(argv[i], &v) != 0 || v > 10000) {
            free(w);
            buf_printf(err, "bad width \"%s\": expected a number of columns (0: automatic)",
                       argv[i]);
            return 1;
        }
        w[i - 1] = (int)v;
    }
    free(sh->widths);
    sh->widths = w;
    sh->nwidths = (size_t)(argc - 1);
    return 0;
}

static int cmd_read(shell *sh, int argc, char **argv, buf *err)
{
    if (argc != 2) return usage(argv[0], err);
    if (sh->depth >= 32) {
        buf_puts(err, ".read nested too deeply");
        return 1;
    }
    if (strcmp(argv[1], "-") && access(argv[1], R_OK) != 0) {
        buf_printf(err, "cannot read %s: %s", argv[1], strerror(errno));
        return 1;
    }
    int interactive = sh->interactive;
    sh->interactive = 0; /* errors in the file name the file */
    sh->depth++;
    int rc = batch_run_file(sh, argv[1]);
    sh->depth--;
    sh->interactive = interactive;
    return rc;
}

/* Parse "--format F", "--dry-run" (import only) and "--base IRI"; the rest are files. */
static int transfer_options(int argc, char **argv, int allow_dry, int *format, int *dry,
                            const char **base, char ***files, int *nfiles, buf *err)
{
    *files = xmalloc((size_t)argc * sizeof **files);
    *nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            *format = format_from_name(argv[++i]);
            if (*format < 0) {
                buf_printf(err,
                           "unknown format \"%s\" (formats: tsv, jsonl, nquads, claimreview, "
                           "and for import claimskg, liar)",
                           argv[i]);
                return -1;
            }
        } else if (!strcmp(argv[i], "--base") && i + 1 < argc) {
            *base = argv[++i];
        } else if (allow_dry && !strcmp(argv[i], "--dry-run")) {
            *dry = 1;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            buf_printf(err, "unknown option %s", argv[i]);
            return -1;
        } else {
            (*files)[(*nfiles)++] = argv[i];
        }
    }
    return 0;
}

static int cmd_import(shell *sh, int argc, char **argv, buf *err)
{
    import_options o = {-1, 0, NULL};
    char **files;
    int nfiles, rc = 0;
    if (transfer_options(argc, argv, 1, &o.format, &o.dry_run, &o.base, &files, &nfiles, err)) {
        free(files);
        return 1;
    }
    if (nfiles == 0) {
        free(files);
        return usage(argv[0], err);
    }
    /* a dry run does not create the database: it runs in a scratch one */
    char *scratch = NULL;
    claimdb *db = NULL;
    if (!sh->db && o.dry_run && sh->create_on_write && access(sh->db_path, F_OK) != 0) {
        if (import_scratch_open(&db, &scratch)) rc = 1;
    } else if (shell_db(sh, 1)) {
        rc = 1;
    } else {
        db = sh->db;
    }
    for (int i = 0; i < nfiles && db; i++)
        if (import_file(db, files[i], &o) != 0) rc = 1;
    if (scratch) import_scratch_close(db, scratch);
    free(files);
    return rc;
}

static int cmd_ingest(shell *sh, int argc, char **argv, buf *err)
{
    if (argc < 2) return usage(argv[0], err);
    if (shell_db(sh, 1)) return 1;
    return ingest_paths(sh->db, (const char *const *)argv + 1, argc - 1, 0);
}

static int cmd_export(shell *sh, int argc, char **argv, buf *err)
{
    export_options o = {-1, NULL};
    char **files;
    int nfiles, dry = 0;
    if (transfer_options(argc, argv, 0, &o.format, &dry, &o.base, &files, &nfiles, err)) {
        free(files);
        return 1;
    }
    if (nfiles != 1) {
        free(files);
        return usage(argv[0], err);
    }
    const char *path = files[0];
    free(files);
    if (shell_db(sh, 0)) return 1;
    if (o.format < 0)
        o.format = strcmp(path, "-") ? format_from_path(path) : export_default_format(sh->out);
    if (o.format == FORMAT_LIAR || o.format == FORMAT_CLAIMSKG) {
        buf_printf(err, "%s is a format to import, not to export", format_name(o.format));
        return 1;
    }
    if (o.format < 0) {
        buf_printf(err,
                   "cannot tell the format of %s from its name: give --format tsv, jsonl, "
                   "nquads or claimreview",
                   path);
        return 1;
    }
    if (!strcmp(path, "-")) {
        fflush(sh->out);
        return export_db(sh->db, sh->out, "<stdout>", &o);
    }
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        buf_printf(err, "cannot write %s: %s", path, strerror(errno));
        return 1;
    }
    int rc = export_db(sh->db, fp, path, &o);
    if (fclose(fp) != 0 && rc == 0) {
        buf_printf(err, "cannot write %s: %s", path, strerror(errno));
        rc = 1;
    }
    return rc;
}

static shell_param *find_param(shell *sh, const char *name)
{
    for (size_t i = 0; i < sh->nparams; i++)
        if (!strcmp(sh->params[i].name, name)) return &sh->params[i];
    return NULL;
}

static char *param_name(const char *name)
{
    if (name[0] == '$') return xstrdup(name);
    char *n = xmalloc(strlen(name) + 2);
    n[0] = '$';
    strcpy(n + 1, name);
    return n;
}

static int cmd_param(shell *sh, int argc, char **argv, buf *err)
{
    if (argc >= 4 && !strcmp(argv[1], "set")) {
        char *name = param_name(argv[2]);
        buf value = {0};
        for (int i = 3; i < argc; i++) {
            if (i > 3) buf_putc(&value, ' ');
            buf_puts(&value, argv[i]);
        }
        shell_param *p = find_param(sh, name);
        if (p) {
            free(name);
            free(p->value);
        } else {
            sh->params = xrealloc(sh->params, (sh->nparams + 1) * sizeof *sh->params);
            p = &sh->params[sh->nparams++];
            p->name = name;
        }
        p->value = value.p;
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "list")) {
        for (size_t i = 0; i < sh->nparams; i++)
            out_printf(sh, "%s %s\n", sh->params[i].name, sh->params[i].value);
        return 0;
    }
    if ((argc == 2 || argc == 3) && !strcmp(argv[1], "clear")) {
        char *only = argc == 3 ? param_name(argv[2]) : NULL;
        size_t kept = 0;
        for (size_t i = 0; i < sh->nparams; i++) {
            if (!only || !strcmp(only, sh->params[i].name)) {
                free(sh->params[i].name);
                free(sh->params[i].value);
            } else {
                sh->params[kept++] = sh->params[i];
            }
        }
        sh->nparams = kept;
        free(only);
        return 0;
    }
    return usage(argv[0], err);
}

static int cmd_stats(shell *sh, int argc, char **argv, buf *err)
{
    if (argc != 1) return usage(argv[0], err);
    if (shell_db(sh, 0)) return 1;
    claimdb_stmt *stmt = NULL;
    int rc = claimdb_prepare(sh->db, "SHOW STATS;", -1, &stmt, NULL);
    if (rc == CLAIMDB_OK) rc = batch_run_statement(sh, stmt);
    if (rc != CLAIMDB_OK && rc != CLAIMDB_DONE) buf_puts(err, claimdb_errmsg_text(sh->db));
    claimdb_finalize(stmt);
    return rc == CLAIMDB_OK || rc == CLAIMDB_DONE ? 0 : 1;
}

static int cmd_check(shell *sh, int argc, char **argv, buf *err)
{
    if (argc != 1) return usage(argv[0], err);
    if (!sh->db_path) {
        buf_puts(err, "no database file to check");
        return 1;
    }
    fflush(stdout);
    return check_database(sh->db_path, false);
}

static int cmd_timeout(shell *sh, int argc, char **argv, buf *err)
{
    int64_t ms;
    if (argc == 1) {
        out_printf(sh, "%d\n", sh->timeout_ms);
        return 0;
    }
    if (argc != 2 || parse_uint64(argv[1], &ms) != 0 || ms > INT_MAX) return usage(argv[0], err);
    sh->timeout_ms = (int)ms;
    sh->note.timeout_ms = sh->timeout_ms;
    if (sh->db) claimdb_busy_timeout(sh->db, sh->timeout_ms);
    return 0;
}

static int cmd_quit(shell *sh, int argc, char **argv, buf *err)
{
    if (argc != 1) return usage(argv[0], err);
    sh->stop = 1;
    return 0;
}

static int cmd_open(shell *sh, int argc, char **argv, buf *err)
{
    int ro = argc == 3 && !strcmp(argv[1], "--readonly");
    if (argc != 2 + ro || argv[argc - 1][0] == '-') return usage(argv[0], err);
    const char *path = argv[argc - 1];
    int exists = access(path, F_OK) == 0;
    if (ro && !exists) { /* nothing to read: keep the database in use */
        buf_printf(err, "no such database: %s", path);
        return 1;
    }
    /* the handle of the database left behind goes, an open transaction of it rolled back */
    claimdb_close(sh->db);
    sh->db = NULL;
    free(sh->opened_path);
    sh->opened_path = xstrdup(path);
    sh->db_path = sh->opened_path;
    sh->readonly = ro;
    sh->create_on_write = 0;
    if (exists) return shell_open(sh, ro ? CLAIMDB_OPEN_READONLY : 0);
    sh->create_on_write = 1; /* as on the command line: the first write creates it */
    out_printf(sh, "%s does not exist yet: the first write statement creates it.\n", path);
    return 0;
}

static int cmd_exit(shell *sh, int argc, char **argv, buf *err)
{
    int64_t code = 0;
    if (argc > 2 || (argc == 2 && (parse_uint64(argv[1], &code) != 0 || code > 255)))
        return usage(argv[0], err);
    sh->exit_code = (int)code;
    sh->stop = 1;
    return 0;
}

static int cmd_output(shell *sh, int argc, char **argv, buf *err)
{
    if (argc > 2) return usage(argv[0], err);
    return shell_output(sh, argc == 2 ? argv[1] : NULL, 0);
}

static int cmd_once(shell *sh, int argc, char **argv, buf *err)
{
    if (argc != 2) return usage(argv[0], err);
    return shell_output(sh, argv[1], 1);
}

static int cmd_print(shell *sh, int argc, char **argv, buf *err)
{
    (void)err;
    for (int i = 1; i < argc; i++)
        out_printf(sh, "%s%s", i > 1 ? " " : "", argv[i]);
    out_printf(sh, "\n");
    return 0;
}

static int cmd_nullvalue(shell *sh, int argc, char **argv, buf *err)
{
    if (argc > 2) return usage(argv[0], err);
    free(sh->nullvalue);
    sh->nullvalue = argc == 2 && argv[1][0] ? xstrdup(argv[1]) : NULL;
    return 0;
}

static int cmd_echo(shell *sh, int argc, char **argv, buf *err)
{
    return set_flag(&sh->echo, argc, argv, err);
}

static int cmd_bail(shell *sh, int argc, char **argv, buf *err)
{
    return set_flag(&sh->bail, argc, argv, err);
}

static int cmd_shell(shell *sh, int argc, char **argv, buf *err)
{
    if (argc < 2) return usage(argv[0], err);
    buf cmd = {0};
    for (int i = 1; i < argc; i++)
        buf_printf(&cmd, "%s%s", i > 1 ? " " : "", argv[i]);
    fflush(sh->out);
    fflush(stdout);
    int st = system(cmd.p);
    buf_free(&cmd);
    if (st == -1) {
        buf_printf(err, "cannot run the command: %s", strerror(errno));
        return 1;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        buf_printf(err, "the command exited with status %d",
                   WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
        return 1;
    }
    return 0;
}

static int cmd_show(shell *sh, int argc, char **argv, buf *err)
{
    if (argc != 1) return usage(argv[0], err);
    const char *on[2] = {"off", "on"};
    out_printf(sh, "%12s: %s%s\n", "database", sh->db_path ? sh->db_path : "(none)",
               sh->readonly          ? " (read-only)"
               : sh->create_on_write ? " (not created yet)"
                                     : "");
    out_printf(sh, "%12s: %s\n", "mode", output_mode_name(sh->mode));
    out_printf(sh, "%12s: %s\n", "headers",
               sh->headers < 0 ? "the mode's default" : on[sh->headers != 0]);
    out_printf(sh, "%12s: \"%s\"\n", "nullvalue", sh->nullvalue ? sh->nullvalue : "");
    out_printf(sh, "%12s: %s%s\n", "output", sh->out_path ? sh->out_path : "stdout",
               sh->out_once ? " (once)" : "");
    out_printf(sh, "%12s: %s\n", "echo", on[sh->echo != 0]);
    out_printf(sh, "%12s: %s\n", "bail", on[sh->bail != 0]);
    out_printf(sh, "%12s: %s\n", "timer", on[sh->timer != 0]);
    out_printf(sh, "%12s: %d ms\n", "timeout", sh->timeout_ms);
    buf w = {0};
    for (size_t i = 0; i < sh->nwidths; i++)
        buf_printf(&w, "%s%d", i ? " " : "", sh->widths[i]);
    out_printf(sh, "%12s: %s\n", "width", sh->nwidths ? w.p : "automatic");
    buf_free(&w);
    return 0;
}

static const dot_cmd commands[] = {
    {".help", "[COMMAND]", cmd_help, "show this help, or one command's"},
    {".mode", "[MODE]", cmd_mode, "set the output mode"}, /* cmd_help adds the modes */
    {".headers", "on|off", cmd_headers, "show column names (table, csv, tsv)"},
    {".timer", "on|off", cmd_timer, "print each statement's run time on stderr"},
    {".width", "[N ...]", cmd_width, "fix table column widths (0: automatic; none: reset)"},
    {".read", "FILE", cmd_read, "run the statements and commands of FILE"},
    {".import", "FILE... [--format F] [--dry-run] [--base IRI]", cmd_import,
     "load TSV, JSON Lines or N-Quads files"},
    {".ingest", "FILE|DIR...", cmd_ingest,
     "store article files and the claims extracted from them"},
    {".export", "FILE [--format F] [--base IRI]", cmd_export,
     "write the whole database to FILE ('-': standard output)"},
    {".param", "set NAME VALUE | list | clear [NAME]", cmd_param,
     "values for $parameters of the statements"},
    {".stats", "", cmd_stats, "show database statistics (SHOW STATS)"},
    {".check", "", cmd_check, "check the database file's structure and contents"},
    {".timeout", "[MS]", cmd_timeout,
     "how long a write waits for another writer (0: fail at once)"},
    {".open", "[--readonly] PATH", cmd_open,
     "close this database and use PATH (created by the first write)"},
    {".output", "[FILE]", cmd_output, "send results to FILE ('-' or none: standard output)"},
    {".once", "FILE", cmd_once, "send the next statement's results to FILE"},
    {".print", "[TEXT ...]", cmd_print, "print TEXT"},
    {".nullvalue", "[TEXT]", cmd_nullvalue, "show a missing value as TEXT (none: empty)"},
    {".echo", "on|off", cmd_echo, "print each statement and command before it runs"},
    {".bail", "on|off", cmd_bail, "stop at the first error"},
    {".shell", "CMD ...", cmd_shell, "run CMD in the system's shell"},
    {".system", "CMD ...", cmd_shell, "run CMD in the system's shell"},
    {".show", "", cmd_show, "show the current settings"},
    {".quit", "", cmd_quit, "leave"},
    {".exit", "[CODE]", cmd_exit, "leave, with exit status CODE (default 0)"},
};
static const size_t ncommands = sizeof commands / sizeof commands[0];

static const dot_cmd *command_table(size_t *n)
{
    *n = ncommands;
    return commands;
}

const char *dot_command_name(size_t i)
{
    return i < ncommands ? commands[i].name : NULL;
}

int dot_run(shell *sh, const char *line, size_t len, buf *err)
{
    char **argv = NULL;
    int argc = split_args(line, len, &argv, err);
    if (argc <= 0) {
        free(argv);
        return argc < 0 ? 1 : 0;
    }
    const dot_cmd *cmd = NULL;
    for (size_t i = 0; i < ncommands && !cmd; i++)
        if (!strcmp(commands[i].name, argv[0])) cmd = &commands[i];
    int rc;
    if (cmd) {
        rc = cmd->fn(sh, argc, argv, err);
    } else {
        size_t best = 0, bestd = (size_t)-1;
        for (size_t i = 0; i < ncommands; i++) {
            size_t d = edit_distance(argv[0], commands[i].name);
            if (d < bestd) {
                bestd = d;
                best = i;
            }
        }
        buf_printf(err, "unknown command \"%s\"; did you mean \"%s\"? (.help lists them)", argv[0],
                   commands[best].name);
        rc = 1;
    }
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    return rc;
}
