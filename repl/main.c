/* main.c — the claimdb program: arguments, then batch mode, the REPL, or a subcommand
 * (import, export, check). Exit status: 0 success, 1 a statement, command or file failed, 2 usage.
 */
#include "batch.h"
#include "check.h"
#include "export.h"
#include "extract_cmd.h"
#include "import.h"
#include "ingest.h"
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
    "       claimdb import DB FILE... [--format tsv|jsonl|nquads] [--dry-run] [--base IRI]\n"
    "       claimdb export DB [--format tsv|jsonl|nquads] [-o FILE] [--base IRI]\n"
    "       claimdb check DB\n"
    "       claimdb extract [--jobs N] [--deep] [FILE...]\n"
    "       claimdb ingest DB [--deep] FILE|DIR...\n"
    "\n"
    "Query the claim database DB with ClaimQL STATEMENTS, the statements of -f files, or\n"
    "those read from standard input when it is not a terminal; with none of these, on a\n"
    "terminal, start the interactive shell. A DB that does not exist is created by the\n"
    "first statement when it writes (ASSERT, RETRACT, ARTICLE, ALIAS, BEGIN), or at once\n"
    "with --create; a first statement that only reads is an error. A DB you may not write\n"
    "is opened read-only.\n"
    "Without DB, open the bundled demo database read-only ($CLAIMDB_DEMO, else demo.db\n"
    "beside the program; 'make demo' builds it); a lone argument holding a ';' that names\n"
    "no file is taken as STATEMENTS for it.\n"
    "\n"
    "Options:\n"
    "  -f, --file FILE       run the statements of FILE ('-': standard input); repeatable\n"
    "  -m, --mode MODE       output mode: table, csv, tsv, json, jsonl, line\n"
    "                        (default: table on a terminal, else tsv)\n"
    "      --headers on|off  print column names in table, csv and tsv modes (default on)\n"
    "      --bail            stop at the first error\n"
    "      --create          create DB now when it does not exist\n"
    "      --readonly        open DB for reading only (also on read-only media)\n"
    "      --timeout MS      how long a write waits for another writer (default 5000;\n"
    "                        0: fail at once)\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "import: load TSV (.tsv), JSON Lines (.jsonl, .ndjson) or N-Quads (.nq, .nt) files,\n"
    "  each in one transaction ('-': standard input, needs --format).\n"
    "      --format F        the format, when the file name does not tell\n"
    "      --dry-run         check the files, store nothing\n"
    "      --base IRI        N-Quads IRI base (default urn:claimdb:)\n"
    "      --timeout MS      how long to wait for another writer (default 5000)\n"
    "export: write every alias, article and citation, in a stable order.\n"
    "      --format F        tsv, jsonl or nquads (or from the -o file name)\n"
    "  -o, --output FILE     write to FILE instead of standard output\n"
    "      --base IRI        N-Quads IRI base (default urn:claimdb:)\n"
    "check: verify the file's structure and that its indexes, statistics and counters\n"
    "  agree; print each problem and a summary (exit status 1 when there are problems).\n"
    "extract: claims from articles (JSON Lines {\"id\",\"text\"} on standard input, or\n"
    "  text files) to standard output as JSON Lines for import; no database.\n"
    "  -j, --jobs N          N threads ('claimdb extract --help' says more)\n"
    "      --deep            parse sentences with link-grammar (slower, better claims)\n"
    "ingest: store article files (N.txt is article N; a folder: its .txt files) with the\n"
    "  claims extracted from them, one transaction per article; the same text again is a\n"
    "  no-op, a near duplicate of an earlier article is marked DUPLICATE OF it.\n"
    "      --deep            extract as 'claimdb extract --deep' does\n"
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

static int open_db(const char *path, int flags, int timeout_ms, claimdb **db)
{
    int rc = claimdb_open(path, flags, db);
    if (rc != CLAIMDB_OK) {
        diag("claimdb: cannot open %s: %s\n", path,
             *db ? claimdb_errmsg(*db) : claimdb_strerror(rc));
        claimdb_close(*db);
        *db = NULL;
        return 1;
    }
    claimdb_busy_timeout(*db, timeout_ms);
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

/* The subcommands, for suggesting one when the first argument is a near miss. */
static const char *const subcommands[] = {"import", "export", "check", "extract", "ingest"};

/* A first argument that names no file, has no '/' or '.', and is a subcommand misspelt
 * (improt): the user meant the subcommand, not a new database called "improt". */
static const char *mistyped_subcommand(const char *a)
{
    if (strchr(a, '/') || strchr(a, '.') || access(a, F_OK) == 0) return NULL;
    for (size_t i = 0; i < sizeof subcommands / sizeof *subcommands; i++) {
        size_t d = edit_distance(a, subcommands[i]);
        if (d > 0 && d <= 2) return subcommands[i];
    }
    return NULL;
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
    const char *dbpath = NULL;
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
                return usage_error("--format needs tsv, jsonl or nquads, not '%s'", v ? v : "");
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
    if (open_db(dbpath, CLAIMDB_OPEN_CREATE, timeout_ms, &db)) {
        free(files);
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < nfiles; i++)
        if (import_file(db, files[i], &o) != 0) rc = 1;
    free(files);
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
                (o.format = format_from_name(v)) < 0)
                return usage_error("--format needs tsv, jsonl or nquads, not '%s'", v ? v : "");
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
    if (o.format < 0) return usage_error("%s", "export needs --format tsv, jsonl or nquads");
    claimdb *db = NULL;
    if (open_db(dbpath, CLAIMDB_OPEN_READONLY, 0, &db)) return 1;
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
    if (open_db(dbpath, CLAIMDB_OPEN_CREATE, SHELL_DEFAULT_TIMEOUT_MS, &db)) {
        free(paths);
        return 1;
    }
    int rc = ingest_paths(db, paths, npaths, deep);
    free(paths);
    claimdb_close(db);
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

/* ---- the query program --------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "import")) return cmd_import(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "export")) return cmd_export(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "check")) {
        if (argc != 3 || argv[2][0] == '-')
            return usage_error("%s",
                               argc == 3 ? "check: unknown option" : "check needs a database");
        return check_database(argv[2]);
    }
    if (argc > 1 && !strcmp(argv[1], "extract")) return cmd_extract(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "ingest")) return cmd_ingest(argc, argv);

    shell sh;
    shell_init(&sh);
    sh.mode = isatty(STDOUT_FILENO) ? OUTPUT_TABLE : OUTPUT_TSV;
    const char *dbpath = NULL, *statements = NULL;
    const char **files = xmalloc((size_t)argc * sizeof *files);
    int nfiles = 0, only_positional = 0, create = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        if (only_positional || a[0] != '-' || !a[1]) {
            if (!dbpath) {
                dbpath = a;
            } else if (!statements) {
                statements = a;
            } else {
                free(files);
                return usage_error("unexpected argument '%s' (quote the statements as one "
                                   "argument)",
                                   a);
            }
        } else if (!strcmp(a, "--")) {
            only_positional = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_text, stdout);
            free(files);
            return 0;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            printf("claimdb %s\n", claimdb_version());
            free(files);
            return 0;
        } else if (is_opt(a, "-f", "--file")) {
            if (!(v = option_value(argc, argv, &i, "--file"))) {
                free(files);
                return usage_error("%s needs a file name", a);
            }
            files[nfiles++] = v;
        } else if (is_opt(a, "-m", "--mode")) {
            v = option_value(argc, argv, &i, "--mode");
            if (!v || (sh.mode = output_mode_find(v)) < 0) {
                free(files);
                return usage_error("--mode needs one of table, csv, tsv, json, jsonl, line, "
                                   "not '%s'",
                                   v ? v : "");
            }
        } else if (is_opt(a, NULL, "--headers")) {
            v = option_value(argc, argv, &i, "--headers");
            if (!v || (sh.headers = parse_bool(v)) < 0) {
                free(files);
                return usage_error("--headers needs on or off, not '%s'", v ? v : "");
            }
        } else if (!strcmp(a, "--bail")) {
            sh.bail = 1;
        } else if (!strcmp(a, "--create")) {
            create = 1;
        } else if (!strcmp(a, "--readonly")) {
            sh.readonly = 1;
        } else if (is_opt(a, NULL, "--timeout")) {
            if (timeout_value(v = option_value(argc, argv, &i, "--timeout"), &sh.timeout_ms)) {
                free(files);
                return usage_error("--timeout needs milliseconds, not '%s'", v ? v : "");
            }
        } else {
            free(files);
            return usage_error("unknown option '%s'", a);
        }
    }

    /* "claimdb 'CHECK ...;'": one argument that is statements, not a file, is for the demo. */
    if (dbpath && !statements && strchr(dbpath, ';') && access(dbpath, F_OK) != 0) {
        statements = dbpath;
        dbpath = NULL;
    }
    if (dbpath && !create && access(dbpath, F_OK) != 0) {
        const char *sub = mistyped_subcommand(dbpath);
        if (sub) {
            free(files);
            diag("claimdb: '%s' is not a command, and no database of that name exists.\n"
                 "Did you mean 'claimdb %s'? (To create a database called %s, give --create.)\n",
                 dbpath, sub, dbpath);
            return EXIT_USAGE;
        }
        if (looks_like_statement(dbpath)) {
            free(files);
            diag("claimdb: '%s' is not a database; statements end with ';'.\n", dbpath);
            return EXIT_USAGE;
        }
    }
    if (create && sh.readonly) {
        free(files);
        return usage_error("%s", "--create and --readonly contradict each other");
    }
    char *demo = NULL;
    if (!dbpath) {
        demo = demo_path(argv[0]);
        if (access(demo, F_OK) != 0) {
            diag("claimdb: no database given, and the demo database %s does not exist.\n"
                 "Build it with 'make demo', or name a database: claimdb FILE\n",
                 demo);
            free(demo);
            free(files);
            return 1;
        }
        dbpath = demo;
        sh.readonly = 1;
    }
    sh.db_path = dbpath;
    int exists = access(dbpath, F_OK) == 0;
    /* A file we may not write (its mode, or read-only media) is opened read-only, so that
     * queries work; writes then fail with "read-only". */
    if (exists && !sh.readonly && access(dbpath, W_OK) != 0 && (errno == EACCES || errno == EROFS))
        sh.readonly = 1;
    int open_failed = 0;
    if (exists || create)
        open_failed = shell_open(&sh, sh.readonly ? CLAIMDB_OPEN_READONLY : CLAIMDB_OPEN_CREATE);
    else if (sh.readonly)
        open_failed = shell_open(&sh, CLAIMDB_OPEN_READONLY); /* says: no such database */
    else
        sh.create_on_write = 1; /* the first statement decides (shell_db) */
    if (open_failed) {
        free(demo);
        free(files);
        return 1;
    }

    int interactive = nfiles == 0 && !statements && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    if (interactive) {
        if (demo)
            diag("Using the demo database %s (read-only); to use your own: claimdb FILE\n", demo);
        else if (sh.create_on_write)
            diag("%s does not exist yet: the first write statement creates it.\n", dbpath);
        else if (sh.readonly)
            diag("%s is open read-only.\n", dbpath);
        repl_run(&sh);
    } else {
        for (int i = 0; i < nfiles && !sh.stop; i++)
            batch_run_file(&sh, files[i]);
        if (statements && !sh.stop)
            batch_run_text(&sh, "<command line>", statements, strlen(statements));
        if (nfiles == 0 && !statements) batch_run_file(&sh, "-");
    }
    fflush(stdout);
    int rc = sh.failed ? 1 : 0;
    shell_free(&sh);
    free(demo);
    free(files);
    return rc;
}
