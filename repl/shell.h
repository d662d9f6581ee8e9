/* shell.h — the state of one run of the claimdb program, shared by batch mode, the REPL and
 * the dot-commands. One instance lives in main(); nothing here is global. */
#ifndef CLAIMDB_REPL_SHELL_H
#define CLAIMDB_REPL_SHELL_H

#include "claimdb.h"

#include <stddef.h>
#include <stdio.h>

/* A .param binding: name with its '$', value as typed. */
typedef struct shell_param {
    char *name;
    char *value;
} shell_param;

/* How long a write waits for another writer by default (--timeout, .timeout). */
#define SHELL_DEFAULT_TIMEOUT_MS 5000

/* What the program says while a write waits for another writer: once per wait, on a
 * terminal, so that a silent pause is not taken for a hang. Lives as long as the handle. */
typedef struct busy_note {
    const char *path;
    int timeout_ms;
    int told; /* the current wait was announced */
} busy_note;

/* Give db the timeout of note and make it say so while it waits. */
void busy_note_install(claimdb *db, busy_note *note);

typedef struct shell {
    claimdb *db;
    const char *db_path;
    char *opened_path;   /* .open's copy of the path db_path points at, or NULL */
    int readonly;        /* open read-only (--readonly, the demo, or a file we may not write) */
    int create_on_write; /* db_path does not exist: the first write statement creates it */
    int timeout_ms;      /* the busy timeout (--timeout, .timeout) */
    busy_note note;      /* says that a write waits */
    int mode;            /* an OUTPUT_* mode */
    int headers;         /* 1 on, 0 off, -1 the mode's default */
    int timer;           /* print each statement's time on stderr */
    int bail;            /* stop at the first error */
    int interactive;     /* the REPL: errors are shown without a file name */
    int *widths;         /* .width: table column widths, 0 = automatic */
    size_t nwidths;
    shell_param *params;
    size_t nparams;
    int stop;   /* .quit, or an error under --bail: read no more input */
    int failed; /* a statement or command failed */
    int depth;  /* .read nesting */
    FILE *out;  /* where results go: stdout, or the file of .output / .once */
    char *out_path;  /* .output/.once file name, NULL for stdout */
    int out_once;    /* .once: back to stdout after the next statement */
    char *nullvalue; /* .nullvalue: how a missing value is shown (NULL: empty) */
    int echo;        /* .echo on, -echo: print each statement and command before it runs */
    int exit_code;   /* .exit CODE: the program's exit status, -1 when not given */
} shell;

/* Send results to path ("-" or NULL: standard output) from now on, or (once) for the next
 * statement only. Prints why and returns 1 when the file cannot be written. */
int shell_output(shell *sh, const char *path, int once);
/* After a statement: end a .once redirection. */
void shell_statement_done(shell *sh);

void shell_init(shell *sh);
void shell_free(shell *sh);

/* Open sh->db_path with CLAIMDB_OPEN_* flags, applying the busy timeout. Prints why on
 * failure and returns 1; 0 on success. */
int shell_open(shell *sh, int flags);
/* Make sure sh->db is open before a statement or command that reads (write 0) or writes
 * (write 1): a database that does not exist yet is created by the first write only. Prints
 * why on failure and returns 1; 0 when sh->db is ready. */
int shell_db(shell *sh, int write);
/* Whether the statement at text (after white space and comments) is one that writes, by its
 * first word: ASSERT, RETRACT, ARTICLE, ALIAS, BEGIN. */
int shell_is_write(const char *text, const char *end);

#endif /* CLAIMDB_REPL_SHELL_H */
