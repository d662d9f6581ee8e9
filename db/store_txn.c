/* store_txn.c — transactions, savepoints, the write log with map growth, and cursors.
 *
 * Map growth. LMDB reports MDB_MAP_FULL when a write transaction needs more pages than the
 * map holds, and the map can only be enlarged (mdb_env_set_mapsize) while no transaction of
 * the process is active. So every write call first appends a copy of its arguments to the
 * transaction's log, then runs from that copy. On MDB_MAP_FULL we abort the LMDB transaction,
 * double the map, begin again, check that no other process committed meanwhile (the new
 * transaction must get the same id), replay the log — reopening nested transactions where
 * savepoints began — and run the failed call again. A savepoint records the log's length;
 * rolling back truncates the log to it.
 */
#include "store_internal.h"
#include "text_token.h"

#include "claimdb.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sysmacros.h>
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

/* ---- low-level access ---- */

/* Where the kernel mapped the database file for LMDB: LMDB does not say (MDB_envinfo's
 * me_mapaddr is only set with MDB_FIXEDMAP), so read it from /proc/self/maps: the mapping of
 * the file's device and inode of that size. NULL when it cannot be found. */
static const char *find_map(const store_env *e, size_t mapsize)
{
    FILE *fp = fopen("/proc/self/maps", "r");
    if (!fp) return NULL;
    char line[512];
    const char *base = NULL;
    while (!base && fgets(line, sizeof line, fp)) {
        unsigned long long lo, hi, off, ino;
        unsigned maj, min;
        char perms[8];
        if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu", &lo, &hi, perms, &off, &maj, &min,
                   &ino) != 7)
            continue;
        if (ino == (unsigned long long)e->ino && major(e->dev) == maj && minor(e->dev) == min &&
            off == 0 && hi - lo >= mapsize)
            base = (const char *)(uintptr_t)lo;
    }
    fclose(fp);
    return base;
}

void store_map_bounds(store *st)
{
    MDB_envinfo info;
    MDB_stat ms;
    store_env *e = st->se;
    if (mdb_env_info(e->env, &info) || mdb_env_stat(e->env, &ms)) {
        st->map_lo = NULL;
        return;
    }
    /* The map only moves when its size changes (no transaction of this process is open
     * then), so it is looked up again only then. */
    store_registry_lock();
    if (e->map_size != info.me_mapsize) {
        e->map_base = find_map(e, info.me_mapsize);
        e->map_size = info.me_mapsize;
    }
    st->map_lo = e->map_base;
    store_registry_unlock();
    uint64_t used = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
    st->map_used = used < info.me_mapsize ? (size_t)used : info.me_mapsize;
}

/* Does v lie where a record can? In the used map; or, in a write transaction, anywhere
 * outside the map (LMDB's dirty pages are in the heap). */
static bool val_ok(const store *st, const MDB_val *v)
{
    if (!st->map_lo) return true;
    const char *p = v->mv_data, *lo = st->map_lo;
    if (v->mv_size > st->map_used) return false;
    if ((uintptr_t)p >= (uintptr_t)lo && (uintptr_t)p < (uintptr_t)lo + st->map_used)
        return v->mv_size <= st->map_used - (size_t)(p - lo);
    return v->mv_size == 0 || st->se->writing;
}

int scur_get(store *st, MDB_cursor *mc, MDB_val *k, MDB_val *v, MDB_cursor_op op)
{
    st->cursor_ops++;
    int rc = mdb_cursor_get(mc, k, v, op);
    if (rc == 0 && (!val_ok(st, k) || !val_ok(st, v))) rc = MDB_CORRUPTED;
    return rc;
}

int sdb_get_raw(store_txn *t, int db, const void *k, size_t kl, MDB_val *v)
{
    MDB_val key = {kl, (void *)k};
    int rc = mdb_get(txn_mdb(t), txn_dbi(t, db), &key, v);
    if (rc == 0 && !val_ok(t->st, v)) rc = MDB_CORRUPTED;
    if (rc == MDB_NOTFOUND) return CLAIMDB_NOTFOUND;
    if (rc) return store_mdb_err(t->st, rc, store_db_names[db]);
    return CLAIMDB_OK;
}

int sdb_get(store_txn *t, int db, const void *k, size_t kl, MDB_val *v)
{
    int prc = pend_sync_db(t, db);
    if (prc) return prc;
    MDB_val key = {kl, (void *)k};
    int rc = mdb_get(txn_mdb(t), txn_dbi(t, db), &key, v);
    if (rc == 0 && !val_ok(t->st, v)) rc = MDB_CORRUPTED;
    if (rc == MDB_NOTFOUND) return CLAIMDB_NOTFOUND;
    if (rc) return store_mdb_err(t->st, rc, store_db_names[db]);
    return CLAIMDB_OK;
}

int sdb_put(store_txn *t, int db, const void *k, size_t kl, const void *v, size_t vl,
            unsigned flags)
{
    int prc = pend_sync_db(t, db);
    if (prc) return prc;
    MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
    int rc = mdb_put(txn_mdb(t), txn_dbi(t, db), &key, &val, flags);
    if (rc) return store_mdb_err(t->st, rc, store_db_names[db]);
    return CLAIMDB_OK;
}

int sdb_reserve(store_txn *t, int db, const void *k, size_t kl, size_t vl, void **out)
{
    int prc = pend_sync_db(t, db);
    if (prc) return prc;
    MDB_val key = {kl, (void *)k}, val = {vl, NULL};
    int rc = mdb_put(txn_mdb(t), txn_dbi(t, db), &key, &val, MDB_RESERVE);
    if (rc) return store_mdb_err(t->st, rc, store_db_names[db]);
    *out = val.mv_data;
    return CLAIMDB_OK;
}

int sdb_del(store_txn *t, int db, const void *k, size_t kl)
{
    int prc = pend_sync_db(t, db);
    if (prc) return prc;
    MDB_val key = {kl, (void *)k};
    int rc = mdb_del(txn_mdb(t), txn_dbi(t, db), &key, NULL);
    if (rc == MDB_NOTFOUND) return CLAIMDB_NOTFOUND;
    if (rc) return store_mdb_err(t->st, rc, store_db_names[db]);
    return CLAIMDB_OK;
}

int sdb_u64_get(store_txn *t, int db, const void *k, size_t kl, uint64_t *n)
{
    MDB_val v;
    int rc = sdb_get(t, db, k, kl, &v);
    *n = 0;
    if (rc == CLAIMDB_NOTFOUND) return CLAIMDB_OK;
    if (rc) return rc;
    if (v.mv_size != 8)
        return store_seterr(t->st, CLAIMDB_CORRUPT, "%s: damaged counter", store_db_names[db]);
    *n = get_u64(v.mv_data);
    return CLAIMDB_OK;
}

int sdb_u64_add(store_txn *t, int db, const void *k, size_t kl, int64_t delta, bool drop0)
{
    uint64_t n;
    int rc = sdb_u64_get(t, db, k, kl, &n);
    if (rc) return rc;
    if (delta < 0 && (uint64_t)-delta > n)
        n = 0; /* never wrap; a counter cannot go below zero */
    else
        n += (uint64_t)delta;
    if (n == 0 && drop0) {
        rc = sdb_del(t, db, k, kl);
        return rc == CLAIMDB_NOTFOUND ? CLAIMDB_OK : rc;
    }
    uint8_t buf[8];
    put_u64(buf, n);
    return sdb_put(t, db, k, kl, buf, 8, 0);
}

static const char *const meta_names[META_N] = {
    [META_CLAIMS_NEG] = "claims.neg",   [META_CLAIMS_POS] = "claims.pos",
    [META_CITATIONS] = "citations",     [META_ARTICLES] = "articles",
    [META_NEXT_TERM] = "next_term",     [META_REVIEWS] = "reviews",
    [META_NEXT_REVIEW] = "next_review",
};

static int meta_index(const char *name)
{
    for (int i = 0; i < META_N; i++)
        if (strcmp(name, meta_names[i]) == 0) return i;
    return -1;
}

/* The cached counter of a write transaction, loaded on first use. */
static int meta_slot(store_txn *t, const char *name, uint64_t **slot)
{
    int i = meta_index(name);
    if (i < 0) return store_seterr(t->st, CLAIMDB_MISUSE, "unknown counter %s", name);
    if (!t->meta.loaded) {
        for (int j = 0; j < META_N; j++) {
            int rc = sdb_u64_get(t, DB_META, meta_names[j], strlen(meta_names[j]), &t->meta.v[j]);
            if (rc) return rc;
        }
        t->meta.loaded = true;
        t->meta.dirty = false;
    }
    *slot = &t->meta.v[i];
    return CLAIMDB_OK;
}

int meta_add(store_txn *t, const char *name, int64_t delta)
{
    uint64_t *v;
    int rc = meta_slot(t, name, &v);
    if (rc) return rc;
    if (delta < 0 && (uint64_t)-delta > *v)
        *v = 0; /* never wrap */
    else
        *v += (uint64_t)delta;
    t->meta.dirty = true;
    return CLAIMDB_OK;
}

int meta_set(store_txn *t, const char *name, uint64_t n)
{
    uint64_t *v;
    int rc = meta_slot(t, name, &v);
    if (rc) return rc;
    *v = n;
    t->meta.dirty = true;
    return CLAIMDB_OK;
}

int meta_u64(store_txn *t, const char *name, uint64_t *n)
{
    if (!t->write) return sdb_u64_get(t, DB_META, name, strlen(name), n);
    uint64_t *v;
    int rc = meta_slot(t, name, &v);
    if (rc) return rc;
    *n = *v;
    return CLAIMDB_OK;
}

/* Write the cached counters into the root transaction. */
static int meta_flush(store_txn *t)
{
    if (!t->meta.dirty) return CLAIMDB_OK;
    for (int i = 0; i < META_N; i++) {
        uint8_t b[8];
        put_u64(b, t->meta.v[i]);
        int rc = sdb_put(t, DB_META, meta_names[i], strlen(meta_names[i]), b, 8, 0);
        if (rc) return rc;
    }
    t->meta.dirty = false;
    return CLAIMDB_OK;
}

/* ---- cursors ---- */

int cur_open(store_txn *t, int db, const void *prefix, size_t plen, store_cursor **out)
{
    *out = NULL;
    int rc = txn_check_read(t);
    if (rc || (rc = pend_sync_db(t, db))) /* STORE_MAPFULL only inside an operation */
        return rc;
    store_cursor *c = calloc(1, sizeof *c);
    if (!c) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
    c->t = t;
    c->db = db;
    c->depth = t->depth;
    if (plen > sizeof c->prefix)
        c->ended = true; /* no key is that long */
    else if (plen) {
        memcpy(c->prefix, prefix, plen);
        c->plen = plen;
    }
    rc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, db), &c->mc);
    if (rc) {
        free(c);
        return store_mdb_err(t->st, rc, "opening a cursor");
    }
    c->next = t->cursors;
    if (t->cursors) t->cursors->prev = c;
    t->cursors = c;
    *out = c;
    return CLAIMDB_OK;
}

int cur_step(store_cursor *c, MDB_val *k, MDB_val *v)
{
    if (!c || c->dead || !c->t || !c->mc) return -CLAIMDB_MISUSE;
    if (c->ended) return 0;
    store *st = c->t->st;
    int rc;
    /* Written since the cursor opened. (Operations never write while they step a cursor, so
     * STORE_MAPFULL, which cannot be returned here, does not happen.) */
    if (c->t->write && (rc = pend_sync_db(c->t, c->db)))
        return rc == STORE_MAPFULL ? -CLAIMDB_IOERR : -rc;
    if (c->dead || !c->mc) return -CLAIMDB_MISUSE;
    /* (Read transactions only: in a write transaction a flush of pending writes may put keys
     * between the old range and the key the cursor sits on.) */
    if (!c->started && c->retargeted && c->past_range && !c->t->write && c->plen == c->oldplen &&
        memcmp(c->prefix, c->oldprefix, c->plen) > 0) {
        /* Every key before the one the cursor sits on is below the old prefix or in the old
         * range, so below the new one: if that key is not below the new prefix, it is the
         * first key of the new range (or past it: an empty range). */
        c->started = true;
        c->retargeted = c->past_range = false;
        rc = scur_get(st, c->mc, k, v, MDB_GET_CURRENT);
        if (rc == 0 && (k->mv_size < c->plen ? memcmp(k->mv_data, c->prefix, k->mv_size) < 0
                                             : memcmp(k->mv_data, c->prefix, c->plen) < 0)) {
            k->mv_size = c->plen;
            k->mv_data = c->prefix;
            rc = scur_get(st, c->mc, k, v, MDB_SET_RANGE);
        }
    } else if (!c->started) {
        c->started = true;
        c->retargeted = c->past_range = false;
        if (c->plen) {
            k->mv_size = c->plen;
            k->mv_data = c->prefix;
            rc = scur_get(st, c->mc, k, v, MDB_SET_RANGE);
        } else {
            rc = scur_get(st, c->mc, k, v, MDB_FIRST);
        }
    } else if (c->reposition) {
        c->reposition = false;
        k->mv_size = c->lastlen;
        k->mv_data = c->last;
        rc = scur_get(st, c->mc, k, v, MDB_SET_RANGE);
        if (rc == 0 && k->mv_size == c->lastlen && memcmp(k->mv_data, c->last, c->lastlen) == 0)
            rc = scur_get(st, c->mc, k, v, MDB_NEXT);
    } else {
        rc = scur_get(st, c->mc, k, v, MDB_NEXT);
    }
    if (rc == MDB_NOTFOUND) {
        c->ended = true;
        return 0;
    }
    if (rc) {
        rc = store_mdb_err(st, rc, "reading");
        return rc == STORE_MAPFULL ? -CLAIMDB_IOERR : -rc;
    }
    if (k->mv_size < c->plen || memcmp(k->mv_data, c->prefix, c->plen) != 0) {
        c->ended = true;
        c->past_range = true;
        return 0;
    }
    if (c->t->write && k->mv_size <= sizeof c->last) { /* only write txns are ever replayed */
        memcpy(c->last, k->mv_data, k->mv_size);
        c->lastlen = k->mv_size;
    }
    return 1;
}

void cur_retarget(store_cursor *c, const void *prefix, size_t plen)
{
    /* Only a range that ran to its end left the cursor on the key past it. */
    c->past_range = c->past_range && c->ended && !c->reposition;
    memcpy(c->oldprefix, c->prefix, c->plen);
    c->oldplen = c->plen;
    memcpy(c->prefix, prefix, plen);
    c->plen = plen;
    c->started = c->ended = c->reposition = false;
    c->retargeted = true;
}

void store_cursor_close(store_cursor *c)
{
    if (!c) return;
    store_txn *t = c->t;
    if (t) {
        if (c->prev)
            c->prev->next = c->next;
        else
            t->cursors = c->next;
        if (c->next) c->next->prev = c->prev;
        if (c->mc) mdb_cursor_close(c->mc);
    }
    free(c);
}

/* LMDB frees a write transaction's cursors when it ends: forget ours opened at or above depth
 * (they die), and make the others find their place again. */
static void cursors_after_nested_end(store_txn *t, int depth)
{
    for (store_cursor *c = t->cursors; c; c = c->next) {
        if (c->dead) continue;
        if (c->depth >= depth) {
            c->mc = NULL;
            c->dead = true;
        } else if (c->started && !c->ended) {
            c->reposition = true;
        }
    }
}

/* The whole transaction ends: for a read one close the cursors (LMDB leaves that to us);
 * a write one's are freed by LMDB. Cursors stay allocated until store_cursor_close. */
static void cursors_detach(store_txn *t)
{
    store_cursor *c = t->cursors;
    while (c) {
        store_cursor *next = c->next;
        if (c->mc && !t->write) mdb_cursor_close(c->mc);
        c->mc = NULL;
        c->dead = true;
        c->t = NULL;
        c->prev = c->next = NULL;
        c = next;
    }
    t->cursors = NULL;
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

static int ensure_depth(store_txn *t, int depth)
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
    pend_reset(t);
    if (ensure_depth(t, 1)) {
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
    store_registry_lock();
    t->se->active--;
    if (t->write) writer_release(t->se);
    store_registry_unlock();
    free(t->txns);
    free(t->marks);
    free(t->saved);
    free(t->log);
    text_tokenizer_free(t->tk);
    free(t);
}

/* A read transaction is aborted, not reset for reuse: a reset one keeps its reader slot, and
 * idle handles holding slots is how MDB_READERS_FULL came about. */
static void end_read(store_txn *t)
{
    mdb_txn_abort(t->txns[0]);
    t->txns[0] = NULL;
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

/* ---- savepoints ---- */

int store_savepoint(store_txn *t)
{
    int rc = txn_check_write(t);
    if (rc) return rc;
    if ((rc = ensure_depth(t, t->depth + 1)) || (rc = pend_sync(t))) return rc;
    MDB_txn *child;
    int mrc = mdb_txn_begin(t->se->env, txn_mdb(t), 0, &child);
    if (mrc) {
        rc = store_mdb_err(t->st, mrc, "beginning a savepoint");
        return rc == STORE_MAPFULL ? CLAIMDB_IOERR : rc;
    }
    t->marks[t->depth] = t->loglen;
    t->saved[t->depth] = t->meta;
    t->depth++;
    t->txns[t->depth] = child;
    return CLAIMDB_OK;
}

int store_savepoint_release(store_txn *t)
{
    int rc = txn_check_write(t);
    if (rc) return rc;
    if (t->depth == 0) return store_seterr(t->st, CLAIMDB_MISUSE, "no savepoint to release");
    if ((rc = pend_sync(t))) return rc;
    MDB_txn *child = t->txns[t->depth];
    cursors_after_nested_end(t, t->depth);
    size_t mark = t->marks[t->depth - 1];
    t->depth--;
    int mrc = mdb_txn_commit(child); /* merges into the parent, or aborts the child on failure */
    if (mrc == MDB_MAP_FULL) return txn_grow(t, t->loglen);
    if (mrc) {
        t->loglen = mark; /* the child's writes are gone */
        t->meta = t->saved[t->depth];
        return store_mdb_err(t->st, mrc, "releasing a savepoint");
    }
    return CLAIMDB_OK;
}

int store_savepoint_rollback(store_txn *t)
{
    int rc = txn_check_write(t);
    if (rc) return rc;
    if (t->depth == 0) return store_seterr(t->st, CLAIMDB_MISUSE, "no savepoint to roll back");
    pend_reset(t); /* flushed when the savepoint began: all of it is the savepoint's */
    tcache_clear(t);
    acache_clear(t);
    cursors_after_nested_end(t, t->depth);
    mdb_txn_abort(t->txns[t->depth]);
    t->depth--;
    t->loglen = t->marks[t->depth];
    t->meta = t->saved[t->depth];
    return CLAIMDB_OK;
}

/* ---- the write log ---- */

#define OPHDR 5 /* [type][u32 payload length] */

static int log_reserve(store_txn *t, store_op_type type, size_t len, uint8_t **payload,
                       size_t *start)
{
    if (len > UINT32_MAX) return store_seterr(t->st, CLAIMDB_TOOBIG, "a value larger than 4 GiB");
    size_t need = t->loglen + OPHDR + len;
    if (need > t->logcap) {
        size_t cap = t->logcap ? t->logcap : 4096;
        while (cap < need)
            cap *= 2;
        unsigned char *log = realloc(t->log, cap);
        if (!log) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
        t->log = log;
        t->logcap = cap;
    }
    uint8_t *p = t->log + t->loglen;
    p[0] = (uint8_t)type;
    put_u32(p + 1, (uint32_t)len);
    *start = t->loglen;
    *payload = p + OPHDR;
    t->loglen = need;
    return CLAIMDB_OK;
}

static void log_claim(uint8_t *p, const claim_key *k)
{
    p[0] = k->pol;
    put_u64(p + 1, k->s);
    put_u64(p + 9, k->p);
    put_u64(p + 17, k->o);
}

static void unlog_claim(const uint8_t *p, claim_key *k)
{
    k->pol = p[0];
    k->s = get_u64(p + 1);
    k->p = get_u64(p + 9);
    k->o = get_u64(p + 17);
}

int oplog_intern(store_txn *t, const char *text, size_t len, size_t *start)
{
    uint8_t *p = NULL;
    int rc = log_reserve(t, OP_INTERN, len, &p, start);
    if (!rc && len) memcpy(p, text, len);
    return rc;
}

int oplog_alias(store_txn *t, const char *a, size_t alen, const char *c, size_t clen, size_t *start)
{
    uint8_t *p = NULL;
    if (alen > UINT32_MAX) return store_seterr(t->st, CLAIMDB_TOOBIG, "alias too long");
    int rc = log_reserve(t, OP_ALIAS, 4 + alen + clen, &p, start);
    if (rc) return rc;
    put_u32(p, (uint32_t)alen);
    if (alen) memcpy(p + 4, a, alen);
    if (clen) memcpy(p + 4 + alen, c, clen);
    return CLAIMDB_OK;
}

int oplog_cite_put(store_txn *t, const claim_key *k, const store_citation *c, size_t *start)
{
    uint8_t *p = NULL;
    size_t vlen = cite_value_size(c);
    int rc = log_reserve(t, OP_CITE_PUT, 25 + 8 + vlen, &p, start);
    if (rc) return rc;
    log_claim(p, k);
    put_u64(p + 25, c->article);
    cite_value_encode(p + 33, c);
    return CLAIMDB_OK;
}

int oplog_cite_del(store_txn *t, const claim_key *k, uint64_t article, const store_text *quote,
                   size_t *start)
{
    uint8_t *p = NULL;
    size_t qlen = quote && quote->ptr ? quote->len : 0;
    int rc = log_reserve(t, OP_CITE_DEL, 34 + qlen, &p, start);
    if (rc) return rc;
    log_claim(p, k);
    put_u64(p + 25, article);
    p[33] = (uint8_t)(!quote ? CITE_DEL_ALL : quote->ptr ? CITE_DEL_QUOTE : CITE_DEL_NOQUOTE);
    if (qlen) memcpy(p + 34, quote->ptr, qlen);
    return CLAIMDB_OK;
}

int oplog_claim_del(store_txn *t, const claim_key *k, size_t *start)
{
    uint8_t *p = NULL;
    int rc = log_reserve(t, OP_CLAIM_DEL, 25, &p, start);
    if (rc) return rc;
    log_claim(p, k);
    return CLAIMDB_OK;
}

int oplog_article_put(store_txn *t, const store_article *a, size_t *start)
{
    uint8_t *p = NULL;
    int rc = log_reserve(t, OP_ARTICLE_PUT, 8 + article_value_size(a), &p, start);
    if (rc) return rc;
    put_u64(p, a->id);
    article_value_encode(p + 8, a);
    return CLAIMDB_OK;
}

int oplog_review_put(store_txn *t, const store_review *r, const claim_key *k, size_t *start)
{
    uint8_t *p = NULL;
    int rc = log_reserve(t, OP_REVIEW_PUT, 26 + review_value_size(r), &p, start);
    if (rc) return rc;
    p[0] = k != NULL;
    if (k)
        log_claim(p + 1, k);
    else
        memset(p + 1, 0, 25);
    review_value_encode(p + 26, r);
    return CLAIMDB_OK;
}

int oplog_review_del(store_txn *t, const char *url, size_t len, size_t *start)
{
    uint8_t *p = NULL;
    int rc = log_reserve(t, OP_REVIEW_DEL, len, &p, start);
    if (!rc && len) memcpy(p, url, len);
    return rc;
}

int oplog_text_rebuild(store_txn *t, size_t *start)
{
    uint8_t *p = NULL;
    return log_reserve(t, OP_TEXT_REBUILD, 0, &p, start);
}

/* Decode the record at pos; returns the position after it. */
static size_t oplog_decode(store_txn *t, size_t pos, store_op *o)
{
    const uint8_t *h = t->log + pos, *p = h + OPHDR;
    size_t len = get_u32(h + 1);
    memset(o, 0, sizeof *o);
    o->type = (store_op_type)h[0];
    switch (o->type) {
    case OP_INTERN:
        o->s1 = (const char *)p;
        o->n1 = len;
        break;
    case OP_ALIAS:
        o->n1 = get_u32(p);
        o->s1 = (const char *)p + 4;
        o->s2 = o->s1 + o->n1;
        o->n2 = len - 4 - o->n1;
        break;
    case OP_CITE_PUT:
        unlog_claim(p, &o->k);
        cite_value_decode(p + 33, len - 33, &o->c); /* we wrote it: cannot fail */
        o->c.article = get_u64(p + 25);
        break;
    case OP_CITE_DEL:
        unlog_claim(p, &o->k);
        o->article = get_u64(p + 25);
        o->del_mode = p[33];
        if (o->del_mode == CITE_DEL_QUOTE) {
            o->c.quote.ptr = (const char *)p + 34;
            o->c.quote.len = len - 34;
        }
        break;
    case OP_CLAIM_DEL:
        unlog_claim(p, &o->k);
        break;
    case OP_ARTICLE_PUT:
        article_value_decode(p + 8, len - 8, &o->a);
        o->a.id = get_u64(p);
        break;
    case OP_REVIEW_PUT:
        o->has_claim = p[0] != 0;
        unlog_claim(p + 1, &o->k);
        review_value_decode(p + 26, len - 26, &o->r); /* we wrote it: cannot fail */
        break;
    case OP_REVIEW_DEL:
        o->r.url.ptr = (const char *)p;
        o->r.url.len = len;
        break;
    case OP_TEXT_REBUILD:
        break;
    }
    return pos + OPHDR + len;
}

static int op_apply(store_txn *t, const store_op *o, void *out)
{
    switch (o->type) {
    case OP_INTERN: {
        term_id dummy;
        return term_intern_apply(t, o->s1, o->n1, out ? out : &dummy);
    }
    case OP_ALIAS:
        return alias_apply(t, o->s1, o->n1, o->s2, o->n2);
    case OP_CITE_PUT:
        return cite_put_apply(t, &o->k, &o->c, out);
    case OP_CITE_DEL:
        return cite_delete_apply(t, &o->k, o->article,
                                 o->del_mode == CITE_DEL_ALL ? NULL : &o->c.quote);
    case OP_CLAIM_DEL:
        return claim_delete_apply(t, &o->k);
    case OP_ARTICLE_PUT:
        return article_put_apply(t, &o->a);
    case OP_REVIEW_PUT: {
        int dummy;
        return review_put_apply(t, &o->r, o->has_claim ? &o->k : NULL, out ? out : &dummy);
    }
    case OP_REVIEW_DEL:
        return review_delete_apply(t, o->r.url.ptr, o->r.url.len);
    case OP_TEXT_REBUILD:
        return text_rebuild_apply(t);
    }
    return store_seterr(t->st, CLAIMDB_CORRUPT, "damaged write log");
}

/* Replay log[0, upto) into the fresh root transaction, beginning a nested transaction where
 * each of the target_depth savepoints began. */
static int replay(store_txn *t, size_t upto, int target_depth)
{
    size_t pos = 0;
    for (;;) {
        while (t->depth < target_depth && t->marks[t->depth] <= pos) {
            int prc = pend_flush(t); /* as store_savepoint did */
            if (prc) return prc;
            MDB_txn *child;
            int mrc = mdb_txn_begin(t->se->env, txn_mdb(t), 0, &child);
            if (mrc) {
                int rc = store_mdb_err(t->st, mrc, "beginning a savepoint");
                return rc == STORE_MAPFULL ? CLAIMDB_IOERR : rc;
            }
            t->saved[t->depth] = t->meta;
            t->depth++;
            t->txns[t->depth] = child;
        }
        if (pos >= upto) return CLAIMDB_OK;
        store_op o;
        pos = oplog_decode(t, pos, &o);
        bool was = t->in_op;
        t->in_op = true;
        int rc = op_apply(t, &o, NULL);
        t->in_op = was;
        if (rc) return rc;
    }
}

/* Grow the map and rebuild the transaction from log[0, upto). */
int txn_grow(store_txn *t, size_t upto)
{
    store *st = t->st;
    store_env *e = t->se;
    int target_depth = t->depth;
    for (;;) {
        /* LMDB frees the write transaction's cursors: ours wait to be reopened. */
        for (store_cursor *c = t->cursors; c; c = c->next) {
            c->mc = NULL;
            if (c->started && !c->ended) c->reposition = true;
        }
        if (t->txns[0]) {
            mdb_txn_abort(t->txns[0]);
            t->txns[0] = NULL;
        }
        t->depth = 0;
        size_t want = t->grow_want;
        t->grow_want = 0;
        pend_reset(t); /* rebuilt by the replay */
        tcache_clear(t);
        acache_clear(t);
        store_registry_lock();
        if (e->active > 1) {
            store_registry_unlock();
            return txn_die(t, store_seterr(st, CLAIMDB_BUSY,
                                           "the database map is full and cannot grow while "
                                           "other transactions of this process are open"));
        }
        MDB_envinfo info;
        mdb_env_info(e->env, &info);
        size_t size = info.me_mapsize;
        if (size > SIZE_MAX / 4 || want > SIZE_MAX / 4) {
            store_registry_unlock();
            return txn_die(t, store_seterr(st, CLAIMDB_TOOBIG, "the database map is full"));
        }
        size_t nsize = size * 2 > size + want ? size * 2 : size + want;
        int mrc = mdb_env_set_mapsize(e->env, nsize);
        store_registry_unlock();
        if (mrc) return txn_die(t, store_mdb_err(st, mrc, "growing the map"));
        MDB_txn *root;
        mrc = mdb_txn_begin(e->env, NULL, 0, &root);
        if (mrc == MDB_MAP_RESIZED)
            return txn_die(
                t, store_seterr(st, CLAIMDB_BUSY, "database changed while growing the map"));
        if (mrc) {
            int rc = store_mdb_err(st, mrc, "growing the map");
            return txn_die(t, rc == STORE_MAPFULL ? CLAIMDB_IOERR : rc);
        }
        if ((uint64_t)mdb_txn_id(root) != t->txnid) {
            mdb_txn_abort(root);
            return txn_die(
                t, store_seterr(st, CLAIMDB_BUSY, "database changed while growing the map"));
        }
        t->txns[0] = root;
        store_map_bounds(st);
        t->meta = (meta_cache){0}; /* recomputed by the replay */
        int rc = replay(t, upto, target_depth);
        if (rc == STORE_MAPFULL) continue;
        if (rc) return txn_die(t, rc);
        for (store_cursor *c = t->cursors; c; c = c->next) {
            if (c->dead) continue;
            mrc = mdb_cursor_open(t->txns[c->depth], txn_dbi(t, c->db), &c->mc);
            if (mrc) {
                c->mc = NULL;
                c->dead = true;
            }
        }
        return CLAIMDB_OK;
    }
}

int oplog_exec(store_txn *t, size_t start, void *out)
{
    int rc;
    for (;;) {
        store_op o;
        oplog_decode(t, start, &o);
        t->in_op = true;
        rc = op_apply(t, &o, out);
        t->in_op = false;
        if (rc != STORE_MAPFULL) break;
        rc = txn_grow(t, start);
        if (rc) break;
    }
    if (rc && !t->dead) t->loglen = start;
    return rc;
}
