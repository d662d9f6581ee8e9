/* check.c — claimdb_check(): the file's structure first (check_file.c, which cannot be crashed
 * by damage), then, only when that is sound, its contents through the store (store_check.c). */
#include "engine.h"

#include <stdio.h>
#include <string.h>

int claimdb_check(const char *path, claimdb_check_report report, void *ctx, int64_t *problems,
                  char *summary, size_t summary_len)
{
    if (summary && summary_len) summary[0] = '\0';
    if (!path || !problems) return CLAIMDB_MISUSE;
    *problems = 0;
    uint64_t pages = 0;
    int rc = check_file(path, report, ctx, problems, &pages);
    if (rc != CLAIMDB_OK || *problems) return rc;
    claimdb *db = NULL;
    rc = claimdb_open(path, CLAIMDB_OPEN_READONLY, &db);
    if (rc != CLAIMDB_OK) {
        if (rc == CLAIMDB_CORRUPT && report) {
            (*problems)++;
            report(ctx, claimdb_errmsg(db));
            rc = CLAIMDB_OK;
        }
        claimdb_close(db);
        return rc;
    }
    store_txn *txn;
    if ((rc = store_begin(db->st, false, &txn)) != CLAIMDB_OK) {
        claimdb_close(db);
        return rc;
    }
    store_counts found;
    rc = store_check(txn, report, ctx, problems, &found);
    store_abort(txn);
    claimdb_close(db);
    if (rc == CLAIMDB_CORRUPT) { /* a damaged record the walk could not step over */
        (*problems)++;
        if (report) report(ctx, "a record could not be read: the file is damaged");
        rc = CLAIMDB_OK;
    }
    if (rc == CLAIMDB_OK && summary && summary_len)
        snprintf(summary, summary_len,
                 "%llu claims, %llu citations, %llu articles, %llu terms, %llu aliases, "
                 "%llu pages",
                 (unsigned long long)(found.claims_pos + found.claims_neg),
                 (unsigned long long)found.citations, (unsigned long long)found.articles,
                 (unsigned long long)found.terms, (unsigned long long)found.aliases,
                 (unsigned long long)pages);
    return rc;
}
