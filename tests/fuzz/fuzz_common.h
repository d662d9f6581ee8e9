/* fuzz_common.h — what the libFuzzer targets share: a scratch folder (in /dev/shm when there
 * is one, so that LMDB's fsync costs nothing), and a watchdog that interrupts a statement that
 * runs too long (a fuzzed 10-way join is slow, not a bug). libFuzzer's interface is a pair of
 * global functions, so the state of a target lives in file-scope variables of its file. */
#ifndef CLAIMDB_FUZZ_COMMON_H
#define CLAIMDB_FUZZ_COMMON_H

#include "claimdb.h"

#include <stddef.h>
#include <stdint.h>

/* A new empty folder for this process; exits on failure. */
const char *fuzz_scratch_dir(void);
/* Interrupt db when one input runs longer than ms; fuzz_watch_start/stop bracket an input. */
void fuzz_watch_init(claimdb *db, int ms);
void fuzz_watch_start(void);
void fuzz_watch_stop(void);
/* Run every statement of text[0..n) on db: parameters bound, at most max_rows rows each,
 * every column read. */
void fuzz_run_text(claimdb *db, const char *text, size_t n, int max_rows);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
