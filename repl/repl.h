/* repl.h — the interactive loop (libedit): prompts, continuation lines until a statement is
 * complete, history, tab completion, Ctrl-C handling. */
#ifndef CLAIMDB_REPL_REPL_H
#define CLAIMDB_REPL_REPL_H

#include "shell.h"

/* Read and run statements from the terminal until Ctrl-D or .quit. Errors are shown and the
 * loop goes on; returns 0 (1 only when the terminal could not be set up). */
int repl_run(shell *sh);

#endif /* CLAIMDB_REPL_REPL_H */
