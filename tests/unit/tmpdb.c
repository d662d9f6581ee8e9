/* tmpdb.c — see tmpdb.h. */
#include "tmpdb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int tmpdb_make(tmpdb *t, const char *tag)
{
    int n = snprintf(t->dir, sizeof t->dir, "/tmp/claimdb-%s-XXXXXX", tag);
    if (n < 0 || (size_t)n >= sizeof t->dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (!mkdtemp(t->dir)) return -1;
    snprintf(t->path, sizeof t->path, "%s/test.claimdb", t->dir);
    return 0;
}

void tmpdb_remove(const tmpdb *t)
{
    char lock[sizeof t->path + 8];
    snprintf(lock, sizeof lock, "%s-lock", t->path);
    unlink(t->path);
    unlink(lock);
    rmdir(t->dir);
}
