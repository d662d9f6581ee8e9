/* fuzz_common.c — see fuzz_common.h. */
#include "fuzz_common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char dir[64];

static void remove_scratch(void)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

const char *fuzz_scratch_dir(void)
{
    if (dir[0]) return dir;
    snprintf(dir, sizeof dir, "%s/claimdb-fuzz-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(1);
    }
    atexit(remove_scratch);
    return dir;
}

static claimdb *watched;
static int watch_ms;
static atomic_llong started_ms; /* 0: no input running */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watchdog(void *arg)
{
    (void)arg;
    for (;;) {
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
        long long s = atomic_load(&started_ms);
        if (s && now_ms() - s > watch_ms) claimdb_interrupt(watched);
    }
    return NULL;
}

void fuzz_watch_init(claimdb *db, int ms)
{
    watched = db;
    watch_ms = ms;
    pthread_t th;
    if (pthread_create(&th, NULL, watchdog, NULL) == 0) pthread_detach(th);
}

void fuzz_watch_start(void)
{
    atomic_store(&started_ms, now_ms());
}

void fuzz_watch_stop(void)
{
    atomic_store(&started_ms, 0);
}

void fuzz_run_text(claimdb *db, const char *text, size_t n, int max_rows)
{
    const char *p = text, *end = text + n;
    while (p < end) {
        claimdb_stmt *st = NULL;
        const char *tail = NULL;
        int rc = claimdb_prepare(db, p, (int)(end - p), &st, &tail);
        if (rc == CLAIMDB_OK && st) {
            for (int i = 0; i < claimdb_bind_parameter_count(st); i++) {
                const char *name = claimdb_bind_parameter_name(st, i);
                if (i % 3 == 0) claimdb_bind_text(st, name, "Taliban", -1);
                if (i % 3 == 1) claimdb_bind_int64(st, name, 1);
                if (i % 3 == 2) claimdb_bind_double(st, name, 0.5);
            }
            int rows = 0;
            while (rows < max_rows && claimdb_step(st) == CLAIMDB_ROW) {
                for (int c = 0; c < claimdb_column_count(st); c++) {
                    const char *t = claimdb_column_text(st, c);
                    if (t) (void)strlen(t);
                    (void)claimdb_column_type(st, c);
                    (void)claimdb_column_double(st, c);
                }
                rows++;
            }
            (void)claimdb_errmsg(db);
        }
        claimdb_finalize(st);
        if (!tail || tail <= p) break;
        p = tail;
    }
}
