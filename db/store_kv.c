/* store_kv.c — the small get/put/del helpers every store file uses, and the check that a
 * record read lies inside the used part of the map.
 */
#include "store_internal.h"

#include "claimdb.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

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

int scur_seek(store *st, int db, MDB_cursor *mc, const void *key, size_t kl, MDB_val *k, MDB_val *v)
{
    size_t split = db_split(db);
    *k = (MDB_val){kl, (void *)key};
    if (!split || kl <= split) return scur_get(st, mc, k, v, MDB_SET_RANGE);
    /* The first duplicate >= the rest of the key under that key, else the next key's first. */
    *k = (MDB_val){split, (void *)key};
    *v = (MDB_val){kl - split, (uint8_t *)key + split};
    st->cursor_ops++;
    int rc = mdb_cursor_get(mc, k, v, MDB_GET_BOTH_RANGE);
    /* LMDB leaves k pointing at our key, which the record's key equals (the caller copies it
     * before the key changes); the duplicate is the record's, checked like every other. */
    if (rc == 0) {
        *k = (MDB_val){split, (void *)key};
        return val_ok(st, v) ? 0 : MDB_CORRUPTED;
    }
    if (rc != MDB_NOTFOUND) return rc;
    *k = (MDB_val){split, (void *)key};
    rc = scur_get(st, mc, k, v, MDB_SET_RANGE);
    if (rc == 0 && k->mv_size == split && memcmp(k->mv_data, key, split) == 0)
        rc = scur_get(st, mc, k, v, MDB_NEXT_NODUP);
    return rc;
}

/* mdb_get, or for a split database the lookup of its key and duplicate. */
static int split_get(store_txn *t, int db, const void *k, size_t kl, MDB_val *v)
{
    size_t split = db_split(db);
    MDB_val key = {kl, (void *)k};
    if (!split) return mdb_get(txn_mdb(t), txn_dbi(t, db), &key, v);
    if (kl <= split) return MDB_NOTFOUND;
    MDB_cursor *mc;
    int rc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, db), &mc);
    if (rc) return rc;
    key.mv_size = split;
    MDB_val d = {kl - split, (uint8_t *)k + split};
    rc = mdb_cursor_get(mc, &key, &d, MDB_GET_BOTH);
    mdb_cursor_close(mc);
    *v = (MDB_val){0, (void *)k};
    return rc;
}

int sdb_get_raw(store_txn *t, int db, const void *k, size_t kl, MDB_val *v)
{
    int rc = split_get(t, db, k, kl, v);
    if (rc == 0 && !val_ok(t->st, v)) rc = MDB_CORRUPTED;
    if (rc == MDB_NOTFOUND) return CLAIMDB_NOTFOUND;
    if (rc) return store_mdb_err(t->st, rc, store_db_names[db]);
    return CLAIMDB_OK;
}

int sdb_get(store_txn *t, int db, const void *k, size_t kl, MDB_val *v)
{
    int prc = pend_sync_db(t, db);
    if (prc) return prc;
    int rc = split_get(t, db, k, kl, v);
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
    size_t split = db_split(db);
    if (split) { /* no values: the rest of the key is the duplicate */
        if (kl <= split || vl) return store_seterr(t->st, CLAIMDB_MISUSE, "invalid split key");
        key.mv_size = split;
        val = (MDB_val){kl - split, (uint8_t *)k + split};
        if (flags & MDB_NOOVERWRITE) flags = (flags & ~(unsigned)MDB_NOOVERWRITE) | MDB_NODUPDATA;
    }
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
    MDB_val key = {kl, (void *)k}, d;
    size_t split = db_split(db);
    if (split) {
        if (kl <= split) return CLAIMDB_NOTFOUND;
        key.mv_size = split;
        d = (MDB_val){kl - split, (uint8_t *)k + split};
    }
    int rc = mdb_del(txn_mdb(t), txn_dbi(t, db), &key, split ? &d : NULL);
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
    if (db == DB_TSTAT ? !get_count(&v, n) : v.mv_size != 8)
        return store_seterr(t->st, CLAIMDB_CORRUPT, "%s: damaged counter", store_db_names[db]);
    if (db != DB_TSTAT) *n = get_u64(v.mv_data);
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
    size_t len = 8;
    if (db == DB_TSTAT)
        len = put_count(buf, n);
    else
        put_u64(buf, n);
    return sdb_put(t, db, k, kl, buf, len, 0);
}
