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

typedef struct shell {
    claimdb *db;
    const char *db_path;
    int readonly;    /* the database was opened read-only (the demo) */
    int mode;        /* an OUTPUT_* mode */
    int headers;     /* 1 on, 0 off, -1 the mode's default */
    int timer;       /* print each statement's time on stderr */
    int bail;        /* stop at the first error */
    int interactive; /* the REPL: errors are shown without a file name */
    int *widths;     /* .width: table column widths, 0 = automatic */
    size_t nwidths;
    shell_param *params;
    size_t nparams;
    int stop;   /* .quit, or an error under --bail: read no more input */
    int failed; /* a statement or command failed */
    int depth;  /* .read nesting */
    FILE *out;  /* where results go (stdout) */
} shell;

void shell_init(shell *sh);
void shell_free(shell *sh);

#endif /* CLAIMDB_REPL_SHELL_H */
