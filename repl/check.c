/* check.c — `claimdb check DB` and `.check`: the problems and the summary go to standard
 * output (they are what was asked for), a check that cannot run to standard error. */
#include "check.h"

#include "claimdb.h"
#include "output.h"

#include <stdint.h>
#include <stdio.h>

static void report(void *ctx, const char *problem)
{
    printf("%s: %s\n", (const char *)ctx, problem);
}

/* Rebuild the text index of an existing file (opened as it is: never created). */
static int rebuild_text(const char *path)
{
    claimdb *db = NULL;
    int rc = claimdb_open(path, 0, &db);
    if (rc == CLAIMDB_OK) rc = claimdb_text_rebuild(db);
    if (rc != CLAIMDB_OK)
        diag("%s: cannot rebuild the text index: %s\n", path,
             db ? claimdb_errmsg(db) : claimdb_strerror(rc));
    claimdb_close(db);
    return rc;
}

int check_database(const char *path, bool rebuild)
{
    if (rebuild && rebuild_text(path) != CLAIMDB_OK) return 1;
    int64_t problems = 0;
    char summary[256];
    int rc = claimdb_check(path, report, (void *)path, &problems, summary, sizeof summary);
    if (rc != CLAIMDB_OK) {
        diag("%s: cannot check: %s\n", path,
             rc == CLAIMDB_NOTFOUND ? "no such file" : claimdb_strerror(rc));
        return 1;
    }
    if (problems)
        printf("%s: %lld problem%s found\n", path, (long long)problems, problems == 1 ? "" : "s");
    else
        printf("%s: ok: %s\n", path, summary);
    return fflush(stdout) != 0 || problems ? 1 : 0;
}
