/* store_log.c — the write log, and map growth by replaying it.
 *
 * LMDB reports MDB_MAP_FULL when a write transaction needs more pages than the map holds, and
 * the map can only be enlarged (mdb_env_set_mapsize) while no transaction of the process is
 * active. So every write call first appends a copy of its arguments to the transaction's log,
 * then runs from that copy. On MDB_MAP_FULL we abort the LMDB transaction, double the map,
 * begin again, check that no other process committed meanwhile (the new transaction must get
 * the same id), replay the log — reopening nested transactions where savepoints began — and
 * run the failed call again. A savepoint records the log's length; rolling back truncates the
 * log to it.
 *
 * A load writes as much log as data, and replays are rare (the map starts at 16 GiB): all but
 * the last LOG_TAIL_MAX bytes of the log go to a temporary file (store_spill.c), read back
 * only by a replay. The record being run is always in memory.
 */
#include "store_internal.h"

#include "claimdb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OPHDR 5                          /* [type][u32 payload length] */
#define LOG_TAIL_MAX ((size_t)1 << 20)   /* log kept in memory before it goes to the file */
#define LOG_READ_CHUNK ((size_t)1 << 20) /* what a replay reads from the file at a time */

/* Move the log in memory to the file. Without a file (none can be made) it stays. */
static int log_spill(store_txn *t)
{
    if (t->logfd == -2) return CLAIMDB_OK;
    if (t->logfd < 0 && (t->logfd = spill_open(t)) < 0) {
        t->logfd = -2; /* do not try again for every record */
        return CLAIMDB_OK;
    }
    size_t n = t->loglen - t->logbase;
    int rc = spill_write(t, t->logfd, t->log, n, t->logbase);
    if (rc) return rc;
    t->logbase = t->loglen;
    t->logreadlen = 0; /* what a replay read may have been overwritten */
    return CLAIMDB_OK;
}

static int log_reserve(store_txn *t, store_op_type type, size_t len, uint8_t **payload,
                       size_t *start)
{
    if (len > UINT32_MAX) return store_seterr(t->st, CLAIMDB_TOOBIG, "a value larger than 4 GiB");
    if (t->loglen - t->logbase > LOG_TAIL_MAX) {
        int rc = log_spill(t);
        if (rc) return rc;
    }
    size_t tail = t->loglen - t->logbase, need = tail + OPHDR + len;
    if (need > t->logcap) {
        size_t cap = t->logcap ? t->logcap : 4096;
        while (cap < need)
            cap *= 2;
        unsigned char *log = realloc(t->log, cap);
        if (!log) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory");
        t->log = log;
        t->logcap = cap;
    }
    uint8_t *p = t->log + tail;
    p[0] = (uint8_t)type;
    put_u32(p + 1, (uint32_t)len);
    *start = t->loglen;
    *payload = p + OPHDR;
    t->loglen += OPHDR + len;
    return CLAIMDB_OK;
}

void log_truncate(store_txn *t, size_t len)
{
    if (len >= t->loglen) return;
    if (len < t->logbase) {
        /* Records in the file are overwritten by the next spill; give the disk back now. */
        if (t->logfd >= 0 && ftruncate(t->logfd, (off_t)len) != 0) {
            /* harmless: the file is only longer than it needs to be */
        }
        t->logbase = len;
        t->logreadlen = 0;
    }
    t->loglen = len;
}

void log_free(store_txn *t)
{
    free(t->log);
    free(t->logread);
    if (t->logfd >= 0) close(t->logfd);
    t->log = t->logread = NULL;
    t->logfd = -1;
    t->loglen = t->logbase = t->logcap = t->logreadcap = 0;
}

/* The record at pos: in memory, or read from the file into logread (valid until the next
 * call). NULL (message set) when the file cannot be read. */
static const uint8_t *log_at(store_txn *t, size_t pos)
{
    if (pos >= t->logbase) return t->log + (pos - t->logbase);
    size_t have = t->logreadlen;
    if (pos < t->logreadoff || pos + OPHDR > t->logreadoff + have ||
        pos + OPHDR + get_u32(t->logread + (pos - t->logreadoff) + 1) > t->logreadoff + have) {
        /* Refill from pos: a chunk, or the whole record when it is larger. */
        uint8_t h[OPHDR];
        if (spill_read(t, t->logfd, h, OPHDR, pos)) return NULL;
        size_t want = OPHDR + (size_t)get_u32(h + 1);
        if (want < LOG_READ_CHUNK) want = LOG_READ_CHUNK;
        if (want > t->logbase - pos) want = t->logbase - pos;
        if (want > t->logreadcap) {
            unsigned char *b = realloc(t->logread, want);
            if (!b) return store_seterr(t->st, CLAIMDB_NOMEM, "out of memory"), NULL;
            t->logread = b;
            t->logreadcap = want;
        }
        if (spill_read(t, t->logfd, t->logread, want, pos)) return NULL;
        t->logreadoff = pos;
        t->logreadlen = want;
    }
    return t->logread + (pos - t->logreadoff);
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

int oplog_text_kinds(store_txn *t, unsigned kinds, size_t *start)
{
    uint8_t *p = NULL;
    int rc = log_reserve(t, OP_TEXT_KINDS, 1, &p, start);
    if (!rc) p[0] = (uint8_t)kinds;
    return rc;
}

/* Decode the record at h; returns its length. */
static size_t oplog_decode(const uint8_t *h, store_op *o)
{
    const uint8_t *p = h + OPHDR;
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
    case OP_TEXT_KINDS:
        o->kinds = p[0];
        break;
    }
    return OPHDR + len;
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
    case OP_TEXT_KINDS:
        return text_kinds_apply(t, o->kinds);
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
        const uint8_t *h = log_at(t, pos);
        if (!h) return CLAIMDB_IOERR;
        pos += oplog_decode(h, &o);
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
        oplog_decode(t->log + (start - t->logbase), &o); /* the last record: in memory */
        t->in_op = true;
        rc = op_apply(t, &o, out);
        t->in_op = false;
        if (rc != STORE_MAPFULL) break;
        rc = txn_grow(t, start);
        if (rc) break;
    }
    if (rc && !t->dead) log_truncate(t, start);
    return rc;
}
