/* fuzz_statements.c — libFuzzer target: ClaimQL text run on a scratch database holding a few
 * claims, articles and aliases. Each input runs inside BEGIN … ROLLBACK, so writes are fuzzed
 * too and the database stays small (an input that COMMITs keeps its writes). */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>

static claimdb *db;

static const char seed_data[] =
    "ARTICLE 0 TITLE 'Taliban seek talks' OUTLET 'BBC' DATE 2021-07-18;"
    "ARTICLE 1 DUPLICATE OF 0;"
    "ASSERT Taliban demand withdrawal FROM 0, 1, 4 QUOTE 'pull out' BY Taliban CONFIDENCE 0.9;"
    "ASSERT NOT \"United States\" accept \"withdrawal before talks\" FROM 0;"
    "ASSERT \"Zalmay Khalilzad\" meets Taliban FROM 2, 3;"
    "ALIAS \"Islamic Emirate\" FOR Taliban;";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char path[128];
    snprintf(path, sizeof path, "%s/statements.db", fuzz_scratch_dir());
    if (claimdb_open(path, CLAIMDB_OPEN_CREATE, &db) != CLAIMDB_OK ||
        claimdb_exec(db, seed_data, NULL, NULL) != CLAIMDB_OK) {
        fprintf(stderr, "fuzz_statements: cannot set up %s: %s\n", path, claimdb_errmsg(db));
        exit(1);
    }
    claimdb_busy_timeout(db, 0);
    fuzz_watch_init(db, 250); /* a fuzzed join over every claim may run for minutes */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    fuzz_watch_start();
    claimdb_exec(db, "BEGIN;", NULL, NULL);
    fuzz_run_text(db, (const char *)data, size, 2000);
    claimdb_exec(db, "ROLLBACK;", NULL, NULL);
    fuzz_watch_stop();
    return 0;
}
