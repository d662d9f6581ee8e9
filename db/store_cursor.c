/* store_cursor.c — cursors over a key prefix, which outlive savepoints and map growth: a
 * cursor whose LMDB cursor was freed finds its place again from the last key it returned.
 */
#include "store_internal.h"

#include "claimdb.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int cur_open(store_txn *t, int db, const void *prefix, size_t plen, store_cursor **out)
{
    *out = NULL;
    int rc = txn_check_read(t);
    if (rc || (rc = pend_sync_db(t, db))) /* STORE_MAPFULL only inside an operation */
        return rc;
    store_cursor *c = NULL;
    if (!t->write) {
        store_cursor **pp = &t->pool;
        while (*pp && (*pp)->db != db)
            pp = &(*pp)->next;
        if (*pp) {
            c = *pp;
            *pp = c->next;
            MDB_cursor *mc = c->mc;
            if (mdb_cursor_renew(txn_mdb(t), mc) != 0) {
                mdb_cursor_close(mc);
                mc = NULL;
            }
            /* The key buffers need no clearing: their lengths say what they hold. */
            memset(c, 0, offsetof(store_cursor, oldprefix));
            c->mc = mc;
            c->oldplen = c->plen = c->lastlen = 0;
            c->held = false;
            c->prev = c->next = NULL;
        }
    }
    if (!c) {
        if (!(c = malloc(sizeof *c))) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
        memset(c, 0, offsetof(store_cursor, oldprefix));
    }
    c->t = t;
    c->db = db;
    c->depth = t->depth;
    if (plen > sizeof c->prefix)
        c->ended = true; /* no key is that long */
    else if (plen) {
        memcpy(c->prefix, prefix, plen);
        c->plen = plen;
    }
    if (!c->mc && (rc = mdb_cursor_open(txn_mdb(t), txn_dbi(t, db), &c->mc))) {
        free(c);
        return store_mdb_err(t->st, rc, "opening a cursor");
    }
    c->next = t->cursors;
    if (t->cursors) t->cursors->prev = c;
    t->cursors = c;
    *out = c;
    return CLAIMDB_OK;
}

/* A cursor operation, its record joined into a whole key for a split database. */
static int get(store_cursor *c, MDB_val *k, MDB_val *v, MDB_cursor_op op)
{
    c->dups = NULL;
    int rc = scur_get(c->t->st, c->mc, k, v, op);
    if (rc == 0) c->raw = *v;
    if (rc == 0 && db_split(c->db)) rc = split_join(c->db, c->joined, k, v);
    return rc;
}

static int seek(store_cursor *c, const void *key, size_t kl, MDB_val *k, MDB_val *v)
{
    c->dups = NULL;
    int rc = scur_seek(c->t->st, c->db, c->mc, key, kl, k, v);
    if (rc == 0) c->raw = *v;
    if (rc == 0 && db_split(c->db)) rc = split_join(c->db, c->joined, k, v);
    return rc;
}

/* The page of duplicates the LMDB cursor is on, and the place in it of the record returned
 * last (c->raw). LMDB returns the whole page whatever the duplicate the cursor was on, and
 * leaves the cursor on the page's last: a record that is not in the page (never expected)
 * cannot be stepped from, and is MDB_CORRUPTED. An MDB code. */
static int load_page(store_cursor *c)
{
    MDB_val k = {0, NULL}, v = {0, NULL};
    int rc = scur_get(c->t->st, c->mc, &k, &v, MDB_GET_MULTIPLE);
    /* The counter counts records moved to (every one a page gives, below), not calls. */
    c->t->st->cursor_ops--;
    if (rc) return rc;
    /* A key's only duplicate is not on a page of duplicates, and LMDB then returns nothing. */
    if (!v.mv_data) v = c->raw;
    size_t w = c->raw.mv_size;
    const uint8_t *base = v.mv_data, *at = c->raw.mv_data;
    if (!w || w > STORE_KEYBUF - db_split(c->db) || v.mv_size % w || at < base ||
        at >= base + v.mv_size || (size_t)(at - base) % w)
        return MDB_CORRUPTED;
    c->dups = base;
    c->ndups = v.mv_size / w;
    c->dupw = w;
    c->idup = (size_t)(at - base) / w;
    return 0;
}

/* The page's duplicate c->idup as the whole key (load_page checked the width fits). Constant
 * sizes for the claim indexes: this runs on nearly every step of their long scans. */
static void take(store_cursor *c, MDB_val *k, MDB_val *v)
{
    size_t split = db_split(c->db);
    const uint8_t *dup = c->dups + c->idup * c->dupw;
    if (split == 1 + ID_LEN && c->dupw == 2 * ID_LEN)
        memcpy(c->joined + 1 + ID_LEN, dup, 2 * ID_LEN);
    else
        memcpy(c->joined + split, dup, c->dupw);
    *k = (MDB_val){split + c->dupw, c->joined};
    *v = (MDB_val){0, c->joined};
}

/* MDB_NEXT for a split database in a read transaction: the next duplicate of the page the
 * cursor holds, else the next page of the key's duplicates, else the next key's first. The
 * key's part of c->joined stays that of every duplicate of the key. */
static int next_dup(store_cursor *c, MDB_val *k, MDB_val *v)
{
    int rc;
    if (!c->dups && (rc = load_page(c))) return rc;
    if (c->idup + 1 >= c->ndups) {
        MDB_val pk = {0, NULL}, pv = {0, NULL};
        rc = scur_get(c->t->st, c->mc, &pk, &pv, MDB_NEXT_MULTIPLE);
        if (rc == MDB_NOTFOUND) return get(c, k, v, MDB_NEXT_NODUP);
        if (rc) return rc;
        if (pv.mv_size < c->dupw || pv.mv_size % c->dupw) return MDB_CORRUPTED;
        c->dups = pv.mv_data;
        c->ndups = pv.mv_size / c->dupw;
        c->idup = 0;
    } else {
        c->idup++;
        c->t->st->cursor_ops++;
    }
    take(c, k, v);
    return 0;
}

/* The next duplicate of the page the cursor holds: the step that most of a long scan of a split
 * database takes. The key's part of c->joined is already the record's, so only a prefix that
 * reaches into the duplicates needs comparing. */
static int page_step(store_cursor *c, MDB_val *k, MDB_val *v)
{
    size_t split = db_split(c->db);
    c->idup++;
    c->t->st->cursor_ops++;
    take(c, k, v);
    if (c->plen > split && (k->mv_size < c->plen ||
                            memcmp(c->joined + split, c->prefix + split, c->plen - split) != 0)) {
        c->ended = true;
        c->past_range = c->idup + 1 == c->ndups;
        return CLAIMDB_DONE;
    }
    return CLAIMDB_ROW;
}

int cur_step(store_cursor *c, MDB_val *k, MDB_val *v)
{
    if (!c || c->dead || !c->t || !c->mc) return CLAIMDB_MISUSE;
    if (c->ended) return CLAIMDB_DONE;
    if (c->dups && c->idup + 1 < c->ndups && c->started && !c->reposition && !c->t->write)
        return page_step(c, k, v);
    store *st = c->t->st;
    int rc;
    /* Written since the cursor opened. (Operations never write while they step a cursor, so
     * STORE_MAPFULL, which cannot be returned here, does not happen.) */
    if (c->t->write && (rc = pend_sync_db(c->t, c->db)))
        return rc == STORE_MAPFULL ? CLAIMDB_IOERR : rc;
    if (c->dead || !c->mc) return CLAIMDB_MISUSE;
    /* (Read transactions only: in a write transaction a flush of pending writes may put keys
     * between the old range and the key the cursor sits on.) */
    if (!c->started && c->retargeted && c->past_range && !c->t->write && c->plen == c->oldplen &&
        memcmp(c->prefix, c->oldprefix, c->plen) > 0) {
        /* Every key before the one the cursor sits on is below the old prefix or in the old
         * range, so below the new one: if that key is not below the new prefix, it is the
         * first key of the new range (or past it: an empty range). */
        c->started = true;
        c->retargeted = c->past_range = false;
        rc = get(c, k, v, MDB_GET_CURRENT);
        if (rc == 0 && (k->mv_size < c->plen ? memcmp(k->mv_data, c->prefix, k->mv_size) < 0
                                             : memcmp(k->mv_data, c->prefix, c->plen) < 0))
            rc = seek(c, c->prefix, c->plen, k, v);
    } else if (!c->started) {
        c->started = true;
        c->retargeted = c->past_range = false;
        rc = c->plen ? seek(c, c->prefix, c->plen, k, v) : get(c, k, v, MDB_FIRST);
    } else if (c->reposition) {
        c->reposition = false;
        rc = seek(c, c->last, c->lastlen, k, v);
        if (rc == 0 && k->mv_size == c->lastlen && memcmp(k->mv_data, c->last, c->lastlen) == 0)
            rc = get(c, k, v, MDB_NEXT);
    } else if (db_split(c->db) && !c->t->write) {
        rc = next_dup(c, k, v);
    } else {
        rc = get(c, k, v, MDB_NEXT);
    }
    if (rc == MDB_NOTFOUND) {
        c->ended = true;
        return CLAIMDB_DONE;
    }
    if (rc) {
        rc = store_mdb_err(st, rc, "reading");
        return rc == STORE_MAPFULL ? CLAIMDB_IOERR : rc;
    }
    if (k->mv_size < c->plen || memcmp(k->mv_data, c->prefix, c->plen) != 0) {
        c->ended = true;
        /* Read from a page, the record is not where the LMDB cursor sits (a later one of the
         * page is): cur_step cannot start the next range from the cursor's record. */
        c->past_range = !c->dups || c->idup + 1 == c->ndups;
        return CLAIMDB_DONE;
    }
    if (c->t->write && k->mv_size <= sizeof c->last) { /* only write txns are ever replayed */
        memcpy(c->last, k->mv_data, k->mv_size);
        c->lastlen = k->mv_size;
    }
    return CLAIMDB_ROW;
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
    c->dups = NULL;
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
        if (c->mc && !t->write && !c->dead) {
            c->prev = NULL;
            c->next = t->pool;
            t->pool = c;
            return;
        }
        if (c->mc) mdb_cursor_close(c->mc);
    }
    free(c);
}

void cursors_pool_free(store_txn *t)
{
    while (t->pool) {
        store_cursor *c = t->pool;
        t->pool = c->next;
        mdb_cursor_close(c->mc);
        free(c);
    }
}

/* LMDB frees a write transaction's cursors when it ends: forget ours opened at or above depth
 * (they die), and make the others find their place again. */
void cursors_after_nested_end(store_txn *t, int depth)
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
void cursors_detach(store_txn *t)
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
