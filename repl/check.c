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

int check_database(const char *path)
{
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
