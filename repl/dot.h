/* dot.h — the dot-commands (.help, .mode, ...): a table of {name, arguments, handler, help};
 * .help is generated from it. */
#ifndef CLAIMDB_REPL_DOT_H
#define CLAIMDB_REPL_DOT_H

#include "shell.h"
#include "util.h"

#include <stddef.h>

/* Run one dot-command line (starting with '.', without its newline). Returns 0 on success;
 * 1 on failure, with a message in err (without position) unless the command already printed
 * its own (an import's FILE:LINE:COL errors). */
int dot_run(shell *sh, const char *line, size_t len, buf *err);

/* Dot-command names in table order, for completion: the i-th name (with its '.'), or NULL. */
const char *dot_command_name(size_t i);

#endif /* CLAIMDB_REPL_DOT_H */
