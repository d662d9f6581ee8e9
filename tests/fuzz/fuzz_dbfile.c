/* fuzz_dbfile.c — libFuzzer target: a database file as damaged as the input makes it. The
 * input is written as a file and opened read-only, then queried; claimdb must answer or say
 * CLAIMDB_CORRUPT, never crash.
 *
 * What is fuzzed is what claimdb itself checks before LMDB reads a page: the input replaces
 * the first FUZZ_HEAD bytes of a valid database (its two meta pages: page headers, magic,
 * version, page size, map size, transaction ids, last page) and gives the file's length (a
 * file cut short, or grown). The meta pages' tree records (roots, depths, counts) are put
 * back from the valid file, and so is a last page lowered below the real one: a root moved to
 * another page of the file, or a tree that refers past a lowered last page, is damage inside
 * the B-tree, which LMDB trusts and can fault on (docs/reliability.md; for `claimdb check`
 * and issue 11 row 3). The fuzzer found two such SIGBUSes in LMDB that way before the tree
 * records were kept. */
#include "fuzz_common.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_HEAD 8192 /* two meta pages of 4 KiB */
/* Offsets in LMDB 0.9's MDB_meta (64-bit), after the 16-byte page header. */
#define META_TREES 30      /* from mm_dbs[FREE_DBI].md_depth ... */
#define META_TREES_END 120 /* ... to the end of mm_dbs[MAIN_DBI] */
#define META_LAST 120      /* mm_last_pg */

static unsigned char *base;
static size_t base_len;
static char path[128];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char src[128];
    snprintf(src, sizeof src, "%s/base.db", fuzz_scratch_dir());
    snprintf(path, sizeof path, "%s/damaged.db", fuzz_scratch_dir());
    claimdb *db;
    if (claimdb_open(src, CLAIMDB_OPEN_CREATE, &db) != CLAIMDB_OK ||
        claimdb_exec(db,
                     "ARTICLE 0 TITLE 't'; ASSERT Taliban demand withdrawal FROM 0, 1 QUOTE 'q';"
                     "ASSERT NOT a b c FROM 2; ALIAS e FOR Taliban;",
                     NULL, NULL) != CLAIMDB_OK)
        exit(1);
    claimdb_close(db);
    FILE *f = fopen(src, "rb");
    if (!f) exit(1);
    fseek(f, 0, SEEK_END);
    base_len = (size_t)ftell(f);
    rewind(f);
    base = malloc(base_len);
    if (!base || fread(base, 1, base_len, f) != base_len) exit(1);
    fclose(f);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the first two bytes say how long the file is, in 256-byte steps (0: as the base) */
    if (size < 2) return 0;
    size_t len = ((size_t)data[0] << 8 | data[1]) * 256;
    if (len == 0 || len > base_len * 2) len = base_len;
    data += 2;
    size -= 2;
    unsigned char *file = calloc(1, len);
    if (!file) return 0;
    memcpy(file, base, len < base_len ? len : base_len);
    size_t head = size < FUZZ_HEAD ? size : FUZZ_HEAD;
    memcpy(file, data, head < len ? head : len);
    for (size_t m = 16; m + META_TREES_END <= len && m < FUZZ_HEAD; m += 4096) {
        /* put back the tree records (after FREE's page size and flags) */
        memcpy(file + m + META_TREES, base + m + META_TREES, META_TREES_END - META_TREES);
        uint64_t last, real;
        memcpy(&last, file + m + META_LAST, 8);
        memcpy(&real, base + m + META_LAST, 8);
        if (last < real) memcpy(file + m + META_LAST, &real, 8);
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        if (write(fd, file, len) != (ssize_t)len) len = 0;
        close(fd);
    }
    free(file);
    claimdb *db = NULL;
    if (claimdb_open(path, CLAIMDB_OPEN_READONLY, &db) == CLAIMDB_OK) {
        static const char q[] = "SHOW STATS; FIND ?s, ?p, ?o WHERE ?s ?p ?o; SHOW ARTICLES;";
        fuzz_run_text(db, q, sizeof q - 1, 1000);
    } else {
        (void)claimdb_errmsg(db);
    }
    claimdb_close(db);
    char lock[160];
    snprintf(lock, sizeof lock, "%s-lock", path);
    unlink(lock);
    return 0;
}
