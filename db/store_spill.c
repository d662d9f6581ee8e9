/* store_spill.c — temporary files for what a write transaction keeps out of memory (the write
 * log past its last megabyte): anonymous files in the database's own directory, so that they
 * land on the database's disk rather than in a /tmp that may be RAM, and vanish on close or
 * crash.
 */
#define _GNU_SOURCE /* O_TMPFILE, mkostemp */
#include "store_internal.h"

#include "claimdb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int spill_open(store_txn *t)
{
    const char *dir = t->se->tmpdir ? t->se->tmpdir : ".";
    int fd = -1;
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
    if (fd < 0) {
        /* No O_TMPFILE (an old kernel, some file systems): a named file, unlinked at once. */
        size_t n = strlen(dir) + sizeof "/.claimdb-spill-XXXXXX";
        char *name = malloc(n);
        if (!name) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory"), -1;
        snprintf(name, n, "%s/.claimdb-spill-XXXXXX", dir);
        fd = mkostemp(name, O_CLOEXEC);
        if (fd >= 0) unlink(name);
        free(name);
    }
    if (fd < 0)
        store_seterr(t->st, CLAIMDB_IOERR, "%s: cannot make a temporary file: %s", dir,
                     strerror(errno));
    return fd;
}

int spill_write(store_txn *t, int fd, const void *buf, size_t n, uint64_t off)
{
    const char *p = buf;
    while (n) {
        ssize_t w = pwrite(fd, p, n, (off_t)off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return store_mdb_err(t->st, w < 0 ? errno : ENOSPC, "writing a temporary file");
        p += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return CLAIMDB_OK;
}

int spill_read(store_txn *t, int fd, void *buf, size_t n, uint64_t off)
{
    char *p = buf;
    while (n) {
        ssize_t r = pread(fd, p, n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0)
            return store_seterr(t->st, CLAIMDB_IOERR, "reading a temporary file: %s",
                                r < 0 ? strerror(errno) : "it is shorter than written");
        p += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return CLAIMDB_OK;
}
