/* shell.c — creating and freeing the program's state. */
#include "shell.h"

#include "output.h"

#include <stdlib.h>
#include <string.h>

void shell_init(shell *sh)
{
    memset(sh, 0, sizeof *sh);
    sh->mode = OUTPUT_TSV;
    sh->headers = -1;
    sh->out = stdout;
}

void shell_free(shell *sh)
{
    for (size_t i = 0; i < sh->nparams; i++) {
        free(sh->params[i].name);
        free(sh->params[i].value);
    }
    free(sh->params);
    free(sh->widths);
    claimdb_close(sh->db);
    sh->db = NULL;
}
