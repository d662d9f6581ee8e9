/* batch.h — running ClaimQL text (files, standard input, a command-line argument, a REPL
 * entry): statements through claimdb_prepare()/claimdb_step(), dot-commands through dot.h,
 * errors reported as "NAME:LINE:COL: message". */
#ifndef CLAIMDB_REPL_BATCH_H
#define CLAIMDB_REPL_BATCH_H

#include "shell.h"

#include <stddef.h>

/* Run every statement and dot-command of text[0..len). name is used in error messages
 * ("<stdin>", "<command line>", a file name). Errors are reported and counted; the run goes on
 * unless --bail (then sh->stop is set). Returns 0 when everything succeeded, else 1. */
int batch_run_text(shell *sh, const char *name, const char *text, size_t len);

/* Run a file of statements ("-" is standard input). Returns 0 or 1 as batch_run_text(). */
int batch_run_file(shell *sh, const char *path);

/* Bind the shell's .param values to stmt, step it and print its rows, timing it when .timer
 * is on. Returns CLAIMDB_DONE or the error claimdb_step() gave. */
int batch_run_statement(shell *sh, claimdb_stmt *stmt);

/* Skip white space and "--" comments in [p, end). */
const char *batch_skip_space(const char *p, const char *end);

#endif /* CLAIMDB_REPL_BATCH_H */
