/* fuzz_import.c — libFuzzer target: one importer (FUZZ_FORMAT: FORMAT_TSV, FORMAT_JSONL,
 * FORMAT_NQUADS, or for reviews FORMAT_LIAR, FORMAT_CLAIMREVIEW, FORMAT_CLAIMSKG) on the input
 * as a file, into a scratch database; every few inputs the database is checked with a query
 * and, when it has grown, started afresh. */
#include "fuzz_common.h"
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_FORMAT
#error "define FUZZ_FORMAT"
#endif

static claimdb *db;
static char dbpath[128], input[128];
static unsigned long runs;

static void open_fresh(void)
{
    claimdb_close(db);
    unlink(dbpath);
    char lock[160];
    snprintf(lock, sizeof lock, "%s-lock", dbpath);
    unlink(lock);
    if (claimdb_open(dbpath, CLAIMDB_OPEN_CREATE, &db) != CLAIMDB_OK) {
        fprintf(stderr, "fuzz_import: cannot open %s\n", dbpath);
        exit(1);
    }
    claimdb_busy_timeout(db, 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dbpath, sizeof dbpath, "%s/import.db", fuzz_scratch_dir());
    snprintf(input, sizeof input, "%s/input", fuzz_scratch_dir());
    open_fresh(); /* run.sh gives -close_fd_mask=2: the importers' messages are not shown */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(input, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    import_options o = {FUZZ_FORMAT, 0, NULL};
    import_file(db, input, &o);
    if (++runs % 64 == 0) {
        static const char q[] = "FIND ?s, ?p, ?o, ?q WHERE ?s ?p ?o FROM ?a QUOTE ?q; SHOW STATS; "
                                "SHOW REVIEWS;";
        fuzz_run_text(db, q, sizeof q - 1, 100);
        open_fresh();
    }
    return 0;
}
