/* main.c — the claimdb program: arguments, then batch mode, the REPL, or a subcommand
 * (import, export, check). Exit status: 0 success, 1 a statement, command or file failed, 2 usage.
 */
#include "batch.h"
#include "check.h"
#include "export.h"
#include "extract_cmd.h"
#include "import.h"
#include "ingest.h"
#include "merge.h"
#include "output.h"
#include "repl.h"
#include "shell.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define EXIT_USAGE 2

static const char usage_text[] =
    "Usage: claimdb [DB] [OPTIONS] [STATEMENTS]\n"
    "       claimdb import DB FILE... [--format F] [--dry-run] [--base IRI] [--ratings FILE]\n"
    "       claimdb export DB [--format tsv|jsonl|nquads|claimreview] [-o FILE] [--base IRI]\n"
    "       claimdb check DB [--rebuild-text]\n"
    "       claimdb extract [--jobs N] [--deep] [FILE...]\n"
    "       claimdb ingest DB [--deep] FILE|DIR...\n"
    "       claimdb merge OUT [--renumber] [--offset-articles N] DB... [--dry-run]\n"
    "\n"
    "Query the claim database DB with ClaimQL STATEMENTS, the statements of -f files, or\n"
    "those read from standard input when it is not a terminal; with none of these, on a\n"
    "terminal, start the interactive shell. A DB that does not exist is created by the\n"
    "first statement when it writes (ASSERT, RETRACT, ARTICLE, ALIAS, REVIEW, BEGIN), or\n"
    "at once with --create; a first statement that only reads is an error. A DB you may\n"
    "not write is opened read-only.\n"
    "Without DB, open the bundled demo database read-only ($CLAIMDB_DEMO, else demo.db\n"
    "beside the program; 'make demo' builds it); a lone argument holding a ';' that names\n"
    "no file is taken as STATEMENTS for it.\n"
    "\n"
    "Options:\n"
    "  -f, --file FILE       run the statements of FILE ('-': standard input); repeatable\n"
    "  -m, --mode MODE       output mode: %s\n"
    "                        (default: table on a terminal, else tsv)\n"
    "      --headers on|off  print column names in table, csv and tsv modes (default on)\n"
    "      --bail            stop at the first error (also -bail)\n"
    "      --cmd STMT        run STMT (statements or a dot-command) before the other input;\n"
    "                        repeatable (also -cmd)\n"
    "      --init FILE       run FILE first; without it the shell (not a script) reads\n"
    "                        $XDG_CONFIG_HOME/claimdb/claimdbrc or ~/.claimdbrc (also -init)\n"
    "      --echo            print each statement and command before it runs (also -echo)\n"
    "      --batch           read statements, never start the shell (also -batch)\n"
    "      --interactive     start the shell even when input is not a terminal\n"
    "      --create          create DB now when it does not exist\n"
    "      --readonly        open DB for reading only (also on read-only media)\n"
    "      --timeout MS      how long a write waits for another writer (default 5000;\n"
    "                        0: fail at once)\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n";

/* The subcommands' part, apart: one string literal may hold at most 4095 bytes in C11. */
static const char usage_subcommands[] =
    "import: load TSV (.tsv), JSON Lines (.jsonl, .ndjson) or N-Quads (.nq, .nt) files, or\n"
    "  fact-check reviews from ClaimReview JSON-LD (.jsonld), ClaimsKG CSV (.csv) or LIAR\n"
    "  TSV; each file in one transaction ('-': standard input, needs --format).\n"
    "      --format F        tsv, jsonl, nquads, claimreview, claimskg or liar, when the file\n"
    "                        name does not tell\n"
    "      --dry-run         check the files, store nothing (a new DB is not created)\n"
    "      --base IRI        N-Quads IRI base (default urn:claimdb:)\n"
    "      --ratings FILE    more rating labels (label TAB verdict); also $CLAIMDB_RATINGS\n"
    "      --timeout MS      how long to wait for another writer (default 5000)\n"
    "export: write every alias, article, citation and review, in a stable order.\n"
    "      --format F        tsv, jsonl, nquads or claimreview (default: from the -o file\n"
    "                        name; to a terminal tsv, else jsonl, which holds everything)\n"
    "  -o, --output FILE     write to FILE instead of standard output\n"
    "      --base IRI        N-Quads IRI base (default urn:claimdb:)\n"
    "check: verify the file's structure and that its indexes, statistics and counters\n"
    "  agree; print each problem and a summary (exit status 1 when there are problems).\n"
    "      --rebuild-text    first drop the text index (SIMILAR, MATCH) and build again\n"
    "                        the kinds it holds (SHOW TEXT INDEX)\n"
    "extract: claims from articles (JSON Lines {\"id\",\"text\"} on standard input, or\n"
    "  text files) to standard output as JSON Lines for import; no database.\n"
    "  -j, --jobs N          N threads ('claimdb extract --help' says more)\n"
    "      --deep            parse sentences with link-grammar (slower, better claims)\n"
    "ingest: store article files (N.txt is article N; a folder: its .txt files) with the\n"
    "  claims extracted from them, one transaction per article; the same text again is a\n"
    "  no-op, a near duplicate of an earlier article is marked DUPLICATE OF it.\n"
    "      --deep            extract as 'claimdb extract --deep' does\n"
    "merge: copy the aliases, articles, citations and reviews of each DB into OUT (created\n"
    "  when missing) in one transaction, with the rules of ALIAS and import: merging a DB\n"
    "  twice changes nothing. An article id that two files give different fields is an\n"
    "  error.\n"
    "      --offset-articles N  add N to the article ids of the DBs after it\n"
    "      --renumber        each DB's ids go after the largest id already in OUT\n"
    "      --dry-run         check, store nothing\n"
    "      --timeout MS      how long to wait for another writer (default 5000)\n"
    "\n"
    "Exit status: 0 success, 1 an error in a statement, command or file, 2 bad usage.\n"
    "In the shell, .help lists the dot-commands.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("claimdb: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'claimdb --help'.\n", stderr);
    return EXIT_USAGE;
}

/* The mode lists of --help and of --mode's error come from the mode table. */
static void print_usage(void)
{
    buf modes = {0};
    output_mode_list(&modes);
    printf(usage_text, modes.p);
    buf_free(&modes);
    fputs(usage_subcommands, stdout);
}

static int mode_error(const char *v)
{
    buf msg = {0};
    buf_puts(&msg, "--mode needs one of ");
    output_mode_list(&msg);
    buf_puts(&msg, ", not '%s'");
    int rc = usage_error(msg.p, v ? v : "");
    buf_free(&msg);
    return rc;
}

/* The value of an option written "--opt VALUE" or "--opt=VALUE" (or "-o VALUE"). */
static const char *option_value(int argc, char **argv, int *i, const char *longname)
{
    const char *a = argv[*i];
    size_t n = strlen(longname);
    if (!strncmp(a, longname, n) && a[n] == '=') return a + n + 1;
    if (*i + 1 < argc) return argv[++*i];
    return NULL;
}

static int is_opt(const char *a, const char *shortname, const char *longname)
{
    size_t n = strlen(longname);
    return (shortname && !strcmp(a, shortname)) || !strcmp(a, longname) ||
           (!strncmp(a, longname, n) && a[n] == '=');
}

/* Open path; note (NULL for a read-only use) gives the busy timeout and says that a write
 * waits, and must outlive the handle. */
static int open_db(const char *path, int flags, busy_note *note, claimdb **db)
{
    int rc = claimdb_open(path, flags, db);
    if (rc != CLAIMDB_OK) {
        diag("claimdb: cannot open %s: %s\n", path,
             *db ? claimdb_errmsg(*db) : claimdb_strerror(rc));
        claimdb_close(*db);
        *db = NULL;
        return 1;
    }
    if (note) busy_note_install(*db, note);
    return 0;
}

/* "--timeout MS": a whole number of milliseconds. */
static int timeout_value(const char *v, int *ms)
{
    int64_t n;
    if (!v || parse_uint64(v, &n) != 0 || n > INT_MAX) return -1;
    *ms = (int)n;
    return 0;
}

/* A first argument that names no file and starts with a ClaimQL keyword followed by a space
 * ("CHECK a b c"): statements without their ';', not a database name. */
static int looks_like_statement(const char *a)
{
    const char *sp = strpbrk(a, " \t\n");
    if (!sp || access(a, F_OK) == 0) return 0;
    for (int i = 0; i < claimdb_keyword_count(); i++) {
        const char *k = claimdb_keyword_name(i);
        if (strlen(k) == (size_t)(sp - a) && !strncasecmp(a, k, (size_t)(sp - a))) return 1;
    }
    return 0;
}

/* ---- claimdb import DB FILE... ----------------------------------------------------------- */

static int cmd_import(int argc, char **argv)
{
    import_options o = {-1, 0, NULL};
    const char *dbpath = NULL, *ratings = NULL;
    const char **files = xmalloc((size_t)argc * sizeof *files);
    int nfiles = 0, timeout_ms = SHELL_DEFAULT_TIMEOUT_MS;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        if (is_opt(a, NULL, "--timeout")) {
            if (timeout_value(v = option_value(argc, argv, &i, "--timeout"), &timeout_ms)) {
                free(files);
                return usage_error("--timeout needs milliseconds, not '%s'", v ? v : "");
            }
        } else if (is_opt(a, NULL, "--format")) {
            if (!(v = option_value(argc, argv, &i, "--format")) ||
                (o.format = format_from_name(v)) < 0) {
                free(files);
                return usage_error("--format needs tsv, jsonl, nquads, claimreview, claimskg or "
                                   "liar, not '%s'",
                                   v ? v : "");
            }
        } else if (is_opt(a, NULL, "--ratings")) {
            if (!(ratings = option_value(argc, argv, &i, "--ratings"))) {
                free(files);
                return usage_error("%s needs a file", a);
            }
        } else if (is_opt(a, NULL, "--base")) {
            if (!(o.base = option_value(argc, argv, &i, "--base"))) {
                free(files);
                return usage_error("%s needs an IRI", a);
            }
        } else if (!strcmp(a, "--dry-run")) {
            o.dry_run = 1;
        } else if (a[0] == '-' && a[1]) {
            free(files);
            return usage_error("import: unknown option '%s'", a);
        } else if (!dbpath) {
            dbpath = a;
        } else {
            files[nfiles++] = a;
        }
    }
    if (!dbpath || nfiles == 0) {
        free(files);
        return usage_error("%s", "import needs a database and at least one file");
    }
    claimdb *db = NULL;
    char *scratch = NULL;
    busy_note note = {dbpath, timeout_ms, 0};
    if (o.dry_run && access(dbpath, F_OK) != 0 ? import_scratch_open(&db, &scratch)
                                               : open_db(dbpath, CLAIMDB_OPEN_CREATE, &note, &db)) {
        free(files);
        return 1;
    }
    int rc = 0;
    if (ratings && claimdb_ratings_load(db, ratings) != CLAIMDB_OK) {
        diag("claimdb: %s\n", claimdb_errmsg_text(db));
        nfiles = 0;
        rc = 1;
    }
    for (int i = 0; i < nfiles; i++)
        if (import_file(db, files[i], &o) != 0) rc = 1;
    free(files);
    if (scratch)
        import_scratch_close(db, scratch);
    else
        claimdb_close(db);
    return rc;
}

/* ---- claimdb export DB --format F [-o FILE] ---------------------------------------------- */

static int cmd_export(int argc, char **argv)
{
    export_options o = {-1, NULL};
    const char *dbpath = NULL, *outpath = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        if (is_opt(a, NULL, "--format")) {
            if (!(v = option_value(argc, argv, &i, "--format")) ||
                (o.format = format_from_name(v)) < 0 || o.format == FORMAT_LIAR ||
                o.format == FORMAT_CLAIMSKG)
                return usage_error("--format needs tsv, jsonl, nquads or claimreview, not '%s'",
                                   v ? v : "");
        } else if (is_opt(a, NULL, "--base")) {
            if (!(o.base = option_value(argc, argv, &i, "--base")))
                return usage_error("%s needs an IRI", a);
        } else if (is_opt(a, "-o", "--output")) {
            if (!(outpath = option_value(argc, argv, &i, "--output")))
                return usage_error("%s needs a file name", a);
        } else if (a[0] == '-' && a[1]) {
            return usage_error("export: unknown option '%s'", a);
        } else if (!dbpath) {
            dbpath = a;
        } else {
            return usage_error("export: unexpected argument '%s'", a);
        }
    }
    if (!dbpath) return usage_error("%s", "export needs a database");
    if (o.format < 0 && outpath) o.format = format_from_path(outpath);
    if (o.format == FORMAT_LIAR || o.format == FORMAT_CLAIMSKG) o.format = -1;
    if (o.format < 0 && (!outpath || !strcmp(outpath, "-")))
        o.format = export_default_format(stdout);
    if (o.format < 0)
        return usage_error("cannot tell the format of %s from its name: give --format tsv, jsonl, "
                           "nquads or claimreview",
                           outpath);
    claimdb *db = NULL;
    if (open_db(dbpath, CLAIMDB_OPEN_READONLY, NULL, &db)) return 1;
    FILE *out = stdout;
    const char *name = "<stdout>";
    if (outpath && strcmp(outpath, "-")) {
        out = fopen(outpath, "wb");
        name = outpath;
        if (!out) {
            diag("claimdb: cannot write %s: %s\n", outpath, strerror(errno));
            claimdb_close(db);
            return 1;
        }
    }
    int rc = export_db(db, out, name, &o);
    if (out != stdout) {
        if (fclose(out) != 0 && rc == 0) {
            diag("claimdb: cannot write %s: %s\n", outpath, strerror(errno));
            rc = 1;
        }
    } else if (fflush(out) != 0 && rc == 0) {
        diag("claimdb: cannot write to standard output: %s\n", strerror(errno));
        rc = 1;
    }
    claimdb_close(db);
    return rc;
}

/* ---- claimdb ingest DB FILE|DIR... ------------------------------------------------------- */

static int cmd_ingest(int argc, char **argv)
{
    const char *dbpath = NULL;
    const char **paths = xmalloc((size_t)argc * sizeof *paths);
    int npaths = 0, deep = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--deep")) {
            deep = 1;
            continue;
        }
        if (a[0] == '-' && a[1]) {
            free(paths);
            return usage_error("ingest: unknown option '%s'", a);
        }
        if (!dbpath)
            dbpath = a;
        else
            paths[npaths++] = a;
    }
    if (!dbpath || npaths == 0) {
        free(paths);
        return usage_error("%s", "ingest needs a database and at least one file or folder");
    }
    claimdb *db = NULL;
    busy_note note = {dbpath, SHELL_DEFAULT_TIMEOUT_MS, 0};
    if (open_db(dbpath, CLAIMDB_OPEN_CREATE, &note, &db)) {
        free(paths);
        return 1;
    }
    int rc = ingest_paths(db, paths, npaths, deep);
    free(paths);
    claimdb_close(db);
    return rc;
}

/* ---- claimdb merge OUT DB... ------------------------------------------------------------ */

static int cmd_merge(int argc, char **argv)
{
    merge_options o = {0, 0, SHELL_DEFAULT_TIMEOUT_MS};
    const char *outpath = NULL;
    merge_input *in = xmalloc((size_t)argc * sizeof *in);
    int nin = 0;
    int64_t offset = 0; /* --offset-articles applies to the inputs after it */
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        if (is_opt(a, NULL, "--timeout")) {
            if (timeout_value(v = option_value(argc, argv, &i, "--timeout"), &o.timeout_ms)) {
                free(in);
                return usage_error("--timeout needs milliseconds, not '%s'", v ? v : "");
            }
        } else if (is_opt(a, NULL, "--offset-articles")) {
            v = option_value(argc, argv, &i, "--offset-articles");
            if (!v || parse_uint64(v, &offset) != 0) {
                free(in);
                return usage_error("--offset-articles needs a whole number, not '%s'", v ? v : "");
            }
        } else if (!strcmp(a, "--renumber")) {
            o.renumber = 1;
        } else if (!strcmp(a, "--dry-run")) {
            o.dry_run = 1;
        } else if (a[0] == '-' && a[1]) {
            free(in);
            return usage_error("merge: unknown option '%s'", a);
        } else if (!outpath) {
            outpath = a;
        } else {
            in[nin].path = a;
            in[nin++].offset = offset;
        }
    }
    if (!outpath || nin == 0) {
        free(in);
        return usage_error("%s", "merge needs an output database and at least one database");
    }
    if (o.renumber && offset) {
        free(in);
        return usage_error("%s", "--renumber and --offset-articles contradict each other");
    }
    int rc = merge_databases(outpath, in, nin, &o);
    free(in);
    return rc;
}

/* ---- the demo database --------------------------------------------------------------------- */

static char *demo_path(const char *argv0)
{
    const char *env = getenv("CLAIMDB_DEMO");
    if (env && *env) return xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0)
        exe[n] = '\0';
    else
        snprintf(exe, sizeof exe, "%s", argv0);
    char *dir = path_dir(exe);
    buf b = {0};
    buf_printf(&b, "%s/demo.db", dir);
    free(dir);
    return b.p;
}

/* The shell's startup file, when there is one: $XDG_CONFIG_HOME/claimdb/claimdbrc (default
 * ~/.config/claimdb/claimdbrc), else ~/.claimdbrc. NULL when neither exists. */
static char *startup_file(void)
{
    const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
    buf b = {0};
    if (xdg && *xdg)
        buf_printf(&b, "%s/claimdb/claimdbrc", xdg);
    else if (home && *home)
        buf_printf(&b, "%s/.config/claimdb/claimdbrc", home);
    if (b.p && access(b.p, R_OK) == 0) return b.p;
    buf_clear(&b);
    if (home && *home) buf_printf(&b, "%s/.claimdbrc", home);
    if (b.p && b.len && access(b.p, R_OK) == 0) return b.p;
    buf_free(&b);
    return NULL;
}

/* Which database the shell opened and what it holds, so that a mistyped name shows at once. */
static void banner(shell *sh)
{
    int64_t claims = -1, articles = -1;
    claimdb_stmt *st = NULL;
    if (claimdb_prepare(sh->db, "SHOW STATS;", -1, &st, NULL) == CLAIMDB_OK && st) {
        while (claimdb_step(st) == CLAIMDB_ROW) {
            const char *name = claimdb_column_text(st, 0);
            if (name && !strcmp(name, "claims")) claims = claimdb_column_int64(st, 1);
            if (name && !strcmp(name, "articles")) articles = claimdb_column_int64(st, 1);
        }
    }
    claimdb_finalize(st);
    if (claims == 0 && articles == 0)
        diag("%s: a new, empty database%s.\n", sh->db_path, sh->readonly ? " (read-only)" : "");
    else
        diag("%s: %lld claims, %lld articles%s.\n", sh->db_path, (long long)claims,
             (long long)articles, sh->readonly ? " (read-only)" : "");
}

/* ---- claimdb check DB [--rebuild-text] --------------------------------------------------- */

static int cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    bool rebuild = false;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--rebuild-text"))
            rebuild = true;
        else if (argv[i][0] == '-')
            return usage_error("check: unknown option '%s'", argv[i]);
        else if (path)
            return usage_error("%s", "check takes one database");
        else
            path = argv[i];
    }
    if (!path) return usage_error("%s", "check needs a database");
    return check_database(path, rebuild);
}

/* The subcommands: run when they are the first argument, suggested when it is a near miss. */
static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} subcommands[] = {{"import", cmd_import},   {"export", cmd_export}, {"check", cmd_check},
                   {"extract", cmd_extract}, {"ingest", cmd_ingest}, {"merge", cmd_merge}};

/* A first argument that names no file, has no '/' or '.', and is a subcommand misspelt
 * (improt): the user meant the subcommand, not a new database called "improt". */
static const char *mistyped_subcommand(const char *a)
{
    if (strchr(a, '/') || strchr(a, '.') || access(a, F_OK) == 0) return NULL;
    for (size_t i = 0; i < sizeof subcommands / sizeof *subcommands; i++) {
        size_t d = edit_distance(a, subcommands[i].name);
        if (d > 0 && d <= 2) return subcommands[i].name;
    }
    return NULL;
}

/* ---- the query program --------------------------------------------------------------------- */

/* What the command line asks of the query program (the shell's settings go to the shell). */
typedef struct program_args {
    const char *dbpath, *statements;
    const char **files; /* --file, in order */
    int nfiles;
    const char **cmds; /* --cmd, in order */
    int ncmds;
    const char *init;
    int only_positional, create;
    int force; /* 1: --batch, 2: --interactive */
} program_args;

/* Returned by the argument readers when the program goes on. */
enum { ARGS_GO_ON = -1 };

static int take_positional(program_args *pa, const char *a)
{
    if (!pa->dbpath)
        pa->dbpath = a;
    else if (!pa->statements)
        pa->statements = a;
    else
        return usage_error("unexpected argument '%s' (quote the statements as one argument)", a);
    return ARGS_GO_ON;
}

/* An option that takes a value: *i moves past the value. */
static int take_valued_option(int argc, char **argv, int *i, shell *sh, program_args *pa)
{
    const char *a = argv[*i], *v;
    if (is_opt(a, "-cmd", "--cmd")) {
        if (!(v = option_value(argc, argv, i, "--cmd")))
            return usage_error("%s needs statements or a dot-command", a);
        pa->cmds[pa->ncmds++] = v;
    } else if (is_opt(a, "-init", "--init")) {
        if (!(pa->init = option_value(argc, argv, i, "--init")))
            return usage_error("%s needs a file name", a);
    } else if (is_opt(a, "-f", "--file")) {
        if (!(v = option_value(argc, argv, i, "--file")))
            return usage_error("%s needs a file name", a);
        pa->files[pa->nfiles++] = v;
    } else if (is_opt(a, "-m", "--mode")) {
        v = option_value(argc, argv, i, "--mode");
        if (!v || (sh->mode = output_mode_find(v)) < 0) return mode_error(v);
    } else if (is_opt(a, NULL, "--headers")) {
        v = option_value(argc, argv, i, "--headers");
        if (!v || (sh->headers = parse_bool(v)) < 0)
            return usage_error("--headers needs on or off, not '%s'", v ? v : "");
    } else if (is_opt(a, NULL, "--timeout")) {
        if (timeout_value(v = option_value(argc, argv, i, "--timeout"), &sh->timeout_ms))
            return usage_error("--timeout needs milliseconds, not '%s'", v ? v : "");
    } else {
        return usage_error("unknown option '%s'", a);
    }
    return ARGS_GO_ON;
}

/* One option; --help and --version end the program with 0. */
static int take_option(int argc, char **argv, int *i, shell *sh, program_args *pa)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--")) {
        pa->only_positional = 1;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
        print_usage();
        return 0;
    } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
        printf("claimdb %s\n", claimdb_version());
        return 0;
    } else if (!strcmp(a, "-echo") || !strcmp(a, "--echo")) {
        sh->echo = 1;
    } else if (!strcmp(a, "-bail") || !strcmp(a, "--bail")) {
        sh->bail = 1;
    } else if (!strcmp(a, "-batch") || !strcmp(a, "--batch")) {
        pa->force = 1;
    } else if (!strcmp(a, "-interactive") || !strcmp(a, "--interactive")) {
        pa->force = 2;
    } else if (!strcmp(a, "--create")) {
        pa->create = 1;
    } else if (!strcmp(a, "--readonly")) {
        sh->readonly = 1;
    } else {
        return take_valued_option(argc, argv, i, sh, pa);
    }
    return ARGS_GO_ON;
}

static int read_args(int argc, char **argv, shell *sh, program_args *pa)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = pa->only_positional || a[0] != '-' || !a[1] ? take_positional(pa, a)
                                                             : take_option(argc, argv, &i, sh, pa);
        if (rc != ARGS_GO_ON) return rc;
    }
    return ARGS_GO_ON;
}

/* A database name that does not exist and looks like a misspelt subcommand or like
 * statements is a mistake to point out, not a database to create. */
static int check_db_name(shell *sh, program_args *pa)
{
    /* "claimdb 'CHECK ...;'": one argument that is statements, not a file, is for the demo. */
    if (pa->dbpath && !pa->statements && strchr(pa->dbpath, ';') && access(pa->dbpath, F_OK) != 0) {
        pa->statements = pa->dbpath;
        pa->dbpath = NULL;
    }
    const char *db = pa->dbpath;
    if (db && !pa->create && access(db, F_OK) != 0) {
        const char *sub = mistyped_subcommand(db);
        if (sub) {
            diag("claimdb: '%s' is not a command, and no database of that name exists.\n"
                 "Did you mean 'claimdb %s'? (To create a database called %s, give --create.)\n",
                 db, sub, db);
            return EXIT_USAGE;
        }
        if (looks_like_statement(db)) {
            diag("claimdb: '%s' is not a database; statements end with ';'.\n", db);
            return EXIT_USAGE;
        }
    }
    if (pa->create && sh->readonly)
        return usage_error("%s", "--create and --readonly contradict each other");
    return ARGS_GO_ON;
}

/* Opens the database (the demo, read-only, when none is named; *demo is then its path), or
 * leaves it for the first write statement to create. 1 when it cannot be opened. */
static int open_database(shell *sh, program_args *pa, const char *argv0, char **demo)
{
    if (!pa->dbpath) {
        *demo = demo_path(argv0);
        if (access(*demo, F_OK) != 0) {
            diag("claimdb: no database given, and the demo database %s does not exist.\n"
                 "Build it with 'make demo', or name a database: claimdb FILE\n",
                 *demo);
            return 1;
        }
        pa->dbpath = *demo;
        sh->readonly = 1;
    }
    sh->db_path = pa->dbpath;
    int exists = access(pa->dbpath, F_OK) == 0;
    /* A file we may not write (its mode, or read-only media) is opened read-only, so that
     * queries work; writes then fail with "read-only". */
    if (exists && !sh->readonly && access(pa->dbpath, W_OK) != 0 &&
        (errno == EACCES || errno == EROFS))
        sh->readonly = 1;
    if (exists || pa->create)
        return shell_open(sh, sh->readonly ? CLAIMDB_OPEN_READONLY : CLAIMDB_OPEN_CREATE) ? 1 : 0;
    if (sh->readonly) return shell_open(sh, CLAIMDB_OPEN_READONLY) ? 1 : 0; /* no such database */
    sh->create_on_write = 1; /* the first statement decides (shell_db) */
    return 0;
}

/* The startup statements, then the shell or the batch input. */
static void run_input(shell *sh, const program_args *pa, const char *demo)
{
    int interactive = pa->force == 2 || (pa->force == 0 && pa->nfiles == 0 && !pa->statements &&
                                         isatty(STDIN_FILENO) && isatty(STDOUT_FILENO));
    /* --init FILE, else (in the shell only, so that scripts do not depend on it) the startup
     * file; then each --cmd, before any other input */
    char *rc_path = pa->init ? NULL : interactive ? startup_file() : NULL;
    if (pa->init || rc_path) batch_run_file(sh, pa->init ? pa->init : rc_path);
    free(rc_path);
    for (int i = 0; i < pa->ncmds && !sh->stop; i++)
        batch_run_text(sh, "--cmd", pa->cmds[i], strlen(pa->cmds[i]));
    if (sh->stop) return; /* .exit or --bail in the startup statements: nothing more to read */
    if (interactive) {
        if (demo)
            diag("Using the demo database %s (read-only); to use your own: claimdb FILE\n", demo);
        else if (sh->create_on_write)
            diag("%s does not exist yet: the first write statement creates it.\n", pa->dbpath);
        else
            banner(sh);
        repl_run(sh);
        return;
    }
    for (int i = 0; i < pa->nfiles && !sh->stop; i++)
        batch_run_file(sh, pa->files[i]);
    if (pa->statements && !sh->stop)
        batch_run_text(sh, "<command line>", pa->statements, strlen(pa->statements));
    if (pa->nfiles == 0 && !pa->statements) batch_run_file(sh, "-");
}

/* The exit status once the input is read. */
static int finish(shell *sh)
{
    fflush(stdout);
    if (sh->db && !claimdb_autocommit(sh->db)) {
        /* closing rolls it back: say so rather than lose the changes silently */
        diag("claimdb: the input ended inside BEGIN without COMMIT: its changes are rolled "
             "back\n");
        sh->failed = 1;
    }
    return sh->exit_code >= 0 ? sh->exit_code : sh->failed ? 1 : 0;
}

/* The query program: its arguments, then the database, then the input. */
static int query_program(int argc, char **argv, program_args *pa, char **demo)
{
    shell sh;
    shell_init(&sh);
    sh.mode = isatty(STDOUT_FILENO) ? OUTPUT_TABLE : OUTPUT_TSV;
    int rc = read_args(argc, argv, &sh, pa);
    if (rc == ARGS_GO_ON) rc = check_db_name(&sh, pa);
    if (rc != ARGS_GO_ON) return rc;
    if (open_database(&sh, pa, argv[0], demo)) return 1;
    run_input(&sh, pa, *demo);
    rc = finish(&sh);
    shell_free(&sh);
    return rc;
}

int main(int argc, char **argv)
{
    for (size_t i = 0; argc > 1 && i < sizeof subcommands / sizeof *subcommands; i++)
        if (!strcmp(argv[1], subcommands[i].name)) return subcommands[i].run(argc, argv);
    program_args pa = {0};
    pa.files = xmalloc((size_t)argc * sizeof *pa.files);
    pa.cmds = xmalloc((size_t)argc * sizeof *pa.cmds);
    char *demo = NULL;
    int rc = query_program(argc, argv, &pa, &demo);
    free(demo);
    free(pa.files);
    free(pa.cmds);
    return rc;
}
