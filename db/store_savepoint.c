/* store_savepoint.c — savepoints: nested LMDB transactions, each remembering the write log's
 * length and the meta counters as they were when it began.
 */
#include "store_internal.h"
#include "try.h"

#include "claimdb.h"

int store_savepoint(store_txn *t)
{
    int rc = txn_check_write(t);
    if (rc) return rc;
    if ((rc = txn_ensure_depth(t, t->depth + 1)) || (rc = pend_sync(t))) return rc;
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
    TRY(rc, pend_sync(t));
    MDB_txn *child = t->txns[t->depth];
    cursors_after_nested_end(t, t->depth);
    size_t mark = t->marks[t->depth - 1];
    t->depth--;
    int mrc = mdb_txn_commit(child); /* merges into the parent, or aborts the child on failure */
    if (mrc == MDB_MAP_FULL) return txn_grow(t, t->loglen);
    if (mrc) {
        log_truncate(t, mark); /* the child's writes are gone */
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
    log_truncate(t, t->marks[t->depth]);
    t->meta = t->saved[t->depth];
    return CLAIMDB_OK;
}
