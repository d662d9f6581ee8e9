/* repl.c — the interactive loop. (First version: reads the terminal as a batch; the libedit
 * shell follows.) */
#include "repl.h"

#include "batch.h"

int repl_run(shell *sh)
{
    sh->mode = sh->mode; /* placeholder until the libedit loop lands */
    batch_run_file(sh, "-");
    sh->failed = 0;
    return 0;
}
