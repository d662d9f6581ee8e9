/* store_txn.c — beginning, committing and aborting transactions, and the wait for the
 * writer of this or another process.
 */
#include "store_internal.h"
#include "text_token.h"

#include "claimdb.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>

/* ---- checks ---- */

int txn_check_read(store_txn *t)
{
    if (!t) return CLAIMDB_MISUSE;
    if (t->dead)
        return store_seterr(t->st, t->dead,
                            "the transaction was lost after an error; roll it "
                            "back");
    return CLAIMDB_OK;
}

int txn_check_write(store_txn *t)
{
    int rc = txn_check_read(t);
    if (rc) return rc;
    if (!t->write) return store_seterr(t->st, CLAIMDB_MISUSE, "a write in a read transaction");
    return CLAIMDB_OK;
}

uint64_t store_txn_snapshot(const store_txn *t)
{
    return t && !t->write && !t->dead ? t->txnid : 0;
}

bool store_txn_is_write(const store_txn *t)
{
    return t && t->write;
}
/* ---- transactions ---- */

/* The writer of this process ends: drop the flock and wake a handle waiting to write. Called
 * with the registry mutex held. */
static void writer_release(store_env *e)
{
    if (e->lockfd >= 0) flock(e->lockfd, LOCK_UN);
    e->writing = false;
    pthread_cond_signal(&e->writer_done);
}

int txn_ensure_depth(store_txn *t, int depth)
{
    if (depth < t->cap) return CLAIMDB_OK;
    int cap = t->cap ? t->cap * 2 : 4;
    while (cap <= depth)
        cap *= 2;
    MDB_txn **txns = realloc(t->txns, (size_t)cap * sizeof *txns);
    if (!txns) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    t->txns = txns;
    size_t *marks = realloc(t->marks, (size_t)cap * sizeof *marks);
    if (!marks) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    t->marks = marks;
    meta_cache *saved = realloc(t->saved, (size_t)cap * sizeof *saved);
    if (!saved) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    t->saved = saved;
    t->cap = cap;
    return CLAIMDB_OK;
}

/* Begin the root LMDB transaction, adopting a map grown by another process. */
static int begin_root(store_txn *t)
{
    store *st = t->st;
    store_env *e = t->se;
    bool checked = false;
    for (int attempt = 0;; attempt++) {
        MDB_txn *txn = NULL;
        int rc = mdb_txn_begin(e->env, NULL, t->write ? 0 : MDB_RDONLY, &txn);
        if (rc == MDB_MAP_RESIZED && attempt < 4) {
            store_registry_lock();
            if (e->active > 1) {
                store_registry_unlock();
                return store_seterr(st, CLAIMDB_BUSY,
                                    "another process grew the database; end the other "
                                    "transactions of this process and try again");
            }
            rc = mdb_env_set_mapsize(e->env, 0);
            store_registry_unlock();
            if (rc) return store_mdb_err(st, rc, "adopting the new map size");
            continue;
        }
        if (rc == MDB_READERS_FULL && !checked) {
            /* Slots of processes that died (kill -9) stay taken until someone clears them:
             * do it now rather than fail. */
            int dead = 0;
            mdb_reader_check(e->env, &dead);
            checked = true;
            continue;
        }
        if (rc == MDB_READERS_FULL) {
            unsigned max = 0;
            mdb_env_get_maxreaders(e->env, &max);
            return store_seterr(st, CLAIMDB_BUSY,
                                "too many readers: all %u reader slots of the lock file are "
                                "held by live transactions (docs/reliability.md)",
                                max);
        }
        if (rc) {
            rc = store_mdb_err(st, rc, "beginning a transaction");
            return rc == STORE_MAPFULL ? CLAIMDB_IOERR : rc;
        }
        t->txns[0] = txn;
        t->txnid = (uint64_t)mdb_txn_id(txn);
        store_map_bounds(st);
        return CLAIMDB_OK;
    }
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Tell the handle's busy callback, about ten times a second, that a write is waiting; nonzero from
 * it means give up. Called without the registry mutex. */
static bool busy_give_up(store *st, int64_t start, int64_t *next_notice)
{
    int64_t now = now_ms();
    if (!st->busy_cb || now < *next_notice) return false;
    *next_notice = now + 100;
    return st->busy_cb(st->busy_ctx, (int)(now - start)) != 0;
}

/* Become this process's writer, waiting up to the busy timeout for another handle of this
 * process to end its write transaction (on a condition variable: no spinning). Called, and
 * returns, with the registry mutex held. */
static int wait_local_writer(store *st, store_env *e, int64_t start, int64_t *next_notice)
{
    int64_t deadline = start + st->busy_ms;
    while (e->writing) {
        int64_t now = now_ms();
        if (now >= deadline)
            return store_seterr(st, CLAIMDB_BUSY,
                                "database is busy: another handle of this process holds the "
                                "write transaction (waited %d ms)",
                                st->busy_ms);
        int64_t until = deadline;
        if (st->busy_cb && *next_notice < until) until = *next_notice;
        if (until <= now) {
            store_registry_unlock();
            bool stop = busy_give_up(st, start, next_notice);
            store_registry_lock();
            if (stop) return store_seterr(st, CLAIMDB_BUSY, "database is busy: gave up waiting");
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t ns = ts.tv_nsec + (until - now) * 1000000;
        ts.tv_sec += (time_t)(ns / 1000000000);
        ts.tv_nsec = (long)(ns % 1000000000);
        pthread_cond_timedwait(&e->writer_done, store_registry_mutex(), &ts);
    }
    e->writing = true;
    return CLAIMDB_OK;
}

/* Take the writers' flock on the database file, waiting up to the busy timeout for a writer in
 * another process. LMDB's own writer mutex cannot be waited for with a timeout, so claimdb
 * writers queue here first and find LMDB's mutex free. The kernel drops the flock of a process
 * that dies. */
static int wait_other_writer(store *st, store_env *e, int64_t start, int64_t *next_notice)
{
    int64_t deadline = start + st->busy_ms;
    int nap = 1;
    for (;;) {
        if (flock(e->lockfd, LOCK_EX | LOCK_NB) == 0) return CLAIMDB_OK;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return store_seterr(st, CLAIMDB_IOERR, "locking the database: %s", strerror(errno));
        int64_t now = now_ms();
        if (now >= deadline)
            return store_seterr(st, CLAIMDB_BUSY,
                                "database is busy: another process holds the write transaction "
                                "(waited %d ms)",
                                st->busy_ms);
        if (busy_give_up(st, start, next_notice))
            return store_seterr(st, CLAIMDB_BUSY, "database is busy: gave up waiting");
        int64_t left = deadline - now;
        struct timespec ts = {0, (long)(nap < left ? nap : left) * 1000000};
        nanosleep(&ts, NULL);
        if (nap < 50) nap *= 2;
    }
}

void store_busy_timeout(store *st, int ms)
{
    if (st) st->busy_ms = ms < 0 ? 0 : ms;
}

void store_busy_handler(store *st, int (*cb)(void *ctx, int waited_ms), void *ctx)
{
    if (!st) return;
    st->busy_cb = cb;
    st->busy_ctx = ctx;
}

int store_begin(store *st, bool write, store_txn **out)
{
    if (!out) return CLAIMDB_MISUSE;
    *out = NULL;
    if (!st || !st->se) return CLAIMDB_MISUSE;
    store_env *e = st->se;
    if (write && (st->readonly || e->rdonly))
        return store_seterr(st, CLAIMDB_READONLY, "the database is open read-only");
    store_txn *t = calloc(1, sizeof *t);
    if (!t) return store_seterr(st, CLAIMDB_NOMEM, "out of memory");
    t->st = st;
    t->se = e;
    t->write = write;
    t->logfd = -1;
    t->pend.fd = -1;
    pend_reset(t);
    if (txn_ensure_depth(t, 1)) {
        free(t->txns);
        free(t->marks);
        free(t->saved);
        free(t);
        return CLAIMDB_NOMEM;
    }
    int64_t start = now_ms(), next_notice = start + 100;
    store_registry_lock();
    if (write) {
        int rc = wait_local_writer(st, e, start, &next_notice);
        if (rc == CLAIMDB_OK) {
            store_registry_unlock();
            rc = wait_other_writer(st, e, start, &next_notice);
            store_registry_lock();
            if (rc) {
                e->writing = false;
                pthread_cond_signal(&e->writer_done);
            }
        }
        if (rc) {
            store_registry_unlock();
            free(t->txns);
            free(t->marks);
            free(t->saved);
            free(t);
            return rc;
        }
    }
    if (write && e->active == 0) {
        /* Grow ahead while it is cheap (no transaction to replay): past half full, double. */
        MDB_envinfo info;
        MDB_stat ms;
        if (mdb_env_info(e->env, &info) == 0 && mdb_env_stat(e->env, &ms) == 0 &&
            (uint64_t)(info.me_last_pgno + 1) * ms.ms_psize > info.me_mapsize / 2 &&
            info.me_mapsize <= SIZE_MAX / 2)
            mdb_env_set_mapsize(e->env, info.me_mapsize * 2); /* on failure, grow later */
    }
    e->active++;
    store_registry_unlock();

    int rc = begin_root(t);
    if (rc) {
        store_registry_lock();
        e->active--;
        if (write) writer_release(e);
        store_registry_unlock();
        free(t->txns);
        free(t->marks);
        free(t->saved);
        free(t);
        return rc;
    }
    *out = t;
    return CLAIMDB_OK;
}

static void txn_free(store_txn *t)
{
    pend_reset(t);
    tcache_clear(t);
    acache_clear(t);
    cursors_pool_free(t);
    store_registry_lock();
    if (t->parked)
        t->se->parked--;
    else
        t->se->active--;
    if (t->write) writer_release(t->se);
    store_registry_unlock();
    free(t->txns);
    free(t->marks);
    free(t->saved);
    log_free(t);
    text_tokenizer_free(t->tk);
    free(t);
}

/* A read transaction that ends is aborted: a reset one keeps its reader slot, and idle
 * handles holding slots is how MDB_READERS_FULL came about. Only store_park keeps one, for a
 * statement that is still prepared, and only so many. */
static void end_read(store_txn *t)
{
    cursors_pool_free(t); /* LMDB cursors of a read transaction are closed before it ends */
    mdb_txn_abort(t->txns[0]);
    t->txns[0] = NULL;
}

void store_park(store_txn **tp)
{
    store_txn *t = *tp;
    if (!t || t->parked) return;
    if (t->write || t->dead || !t->txns[0]) {
        store_abort(t);
        *tp = NULL;
        return;
    }
    store_env *e = t->se;
    store_registry_lock();
    bool keep = e->parked < STORE_MAX_PARKED;
    if (keep) {
        e->parked++;
        e->active--;
    }
    store_registry_unlock();
    if (!keep) {
        store_abort(t);
        *tp = NULL;
        return;
    }
    cursors_detach(t); /* the open ones; the pool keeps its LMDB cursors for mdb_cursor_renew */
    mdb_txn_reset(t->txns[0]);
    t->parked = true;
    t->stat_valid = false;
    t->aliases = 0;
    t->txnid = 0;
}

int store_renew(store_txn *t)
{
    if (!t || !t->parked) return CLAIMDB_MISUSE;
    store_env *e = t->se;
    store_registry_lock();
    e->parked--;
    e->active++;
    store_registry_unlock();
    t->parked = false;
    int rc = mdb_txn_renew(t->txns[0]);
    if (rc == 0) {
        t->txnid = (uint64_t)mdb_txn_id(t->txns[0]);
        store_map_bounds(t->st);
        return CLAIMDB_OK;
    }
    /* Another process grew the map, or the reader table is full: the way store_begin deals
     * with those, from a new LMDB transaction. */
    end_read(t);
    return begin_root(t);
}

void store_abort(store_txn *t)
{
    if (!t) return;
    cursors_detach(t);
    if (t->txns[0]) {
        if (t->write)
            mdb_txn_abort(t->txns[0]); /* aborts the savepoints too */
        else
            end_read(t);
    }
    txn_free(t);
}

/* The transaction cannot go on (the map could not grow): remember why. */
int txn_die(store_txn *t, int code)
{
    pend_reset(t);
    tcache_clear(t);
    acache_clear(t);
    if (t->txns[0]) {
        mdb_txn_abort(t->txns[0]);
        t->txns[0] = NULL;
    }
    cursors_detach(t);
    t->depth = 0;
    t->dead = code;
    return code;
}

int store_commit(store_txn *t)
{
    if (!t) return CLAIMDB_MISUSE;
    if (t->dead) {
        int rc = store_seterr(t->st, t->dead, "the transaction was lost after an error: %s",
                              "it has been rolled back");
        store_abort(t);
        return rc;
    }
    if (!t->write) {
        cursors_detach(t);
        end_read(t);
        txn_free(t);
        return CLAIMDB_OK;
    }
    int rc = CLAIMDB_OK;
    while (t->depth > 0 && rc == CLAIMDB_OK)
        rc = store_savepoint_release(t);
    if (rc) {
        store_abort(t);
        return rc;
    }
    /* The caches serve the writes, which are over: their memory goes to the flush. */
    tcache_clear(t);
    acache_clear(t);
    for (;;) {
        rc = pend_flush(t);
        if (rc == STORE_MAPFULL) {
            rc = txn_grow(t, t->loglen);
            if (rc) break;
            continue;
        }
        if (rc) break;
        cursors_detach(t);
        rc = meta_flush(t);
        if (rc == STORE_MAPFULL) {
            rc = txn_grow(t, t->loglen);
            if (rc) break;
            continue;
        }
        if (rc) {
            mdb_txn_abort(t->txns[0]);
            t->txns[0] = NULL;
            break;
        }
        int mrc = mdb_txn_commit(t->txns[0]); /* frees the transaction, also on failure */
        t->txns[0] = NULL;
        if (mrc == MDB_MAP_FULL) {
            rc = txn_grow(t, t->loglen);
            if (rc) break;
            cursors_detach(t);
            continue;
        }
        if (mrc) rc = store_mdb_err(t->st, mrc, "committing");
        break;
    }
    txn_free(t);
    return rc;
}
