/* store_internal.h — what the store_*.c files share and nobody else sees.
 *
 * Layout of the storage layer:
 *   store_env.c      the process-wide registry of LMDB environments, open/close, errors,
 *                    counts
 *   store_kv.c       the small get/put/del helpers every other file uses, the map's bounds
 *   store_meta.c     the meta counters, cached by a write transaction
 *   store_cursor.c   cursors over a key prefix
 *   store_txn.c      begin, commit, abort, and waiting for the writer
 *   store_savepoint.c savepoints (nested transactions)
 *   store_log.c      the write log and map growth by replaying it
 *   store_pend.c     pending writes of a load, written in key order
 *   store_run.c      pending writes moved to sorted runs in a temporary file, merged
 *   store_cache.c    the term and article caches of a write transaction
 *   store_spill.c    temporary files (the write log's and the runs')
 *   store_term.c     term keys (utf8proc), the dictionary, aliases and their rewrite
 *   store_claim.c    claim indexes, citations, scans, per-term statistics
 *   store_article.c  article records
 *   store_review.c   fact-check reviews, their URL index and their links to claims
 *   store_text.c     the text index's documents (reviews, quotes, claims) and their upkeep
 *   store_post.c     the text index's posting lists, in blocks
 *
 * Internal functions return CLAIMDB_* codes, or STORE_MAPFULL (outside the public range, never
 * shown to the user) when LMDB reported MDB_MAP_FULL: the write wrappers in store_log.c then grow
 * the map and replay the transaction's log.
 */
#ifndef CLAIMDB_STORE_INTERNAL_H
#define CLAIMDB_STORE_INTERNAL_H

#include "store.h"

#include <lmdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <sys/types.h>

/* MDB_MAP_FULL inside the store: positive like every other code, and outside claimdb.h's range
 * (0-15, 100-101) so that no public code can be mistaken for it. */
#define STORE_MAPFULL 256
/* The map is address space, not disk: LMDB does not allocate the file up to it on Linux, so
 * a generous start spares loads the abort-grow-replay of a full map (a write transaction
 * cannot grow the map without ending): 16 GiB holds a load of some 40 million claims in one
 * transaction; 1 GiB held 2.5 million, and a 3-million-claim load replayed its whole log. A
 * 32-bit process has no such address space to spare. */
#define STORE_DEFAULT_MAP (sizeof(size_t) >= 8 ? (size_t)1 << 34 : (size_t)1 << 30)
#define STORE_KEYBUF 512 /* larger than any key we write (LMDB's own limit is 511) */

enum {
    DB_TERM,
    DB_TERMID,
    DB_SPO,
    DB_POS,
    DB_OSP,
    DB_CITE,
    DB_ARTCITE,
    DB_ARTICLE,
    DB_ALIAS,
    DB_TSTAT,
    DB_META,
    DB_REVIEW,
    DB_REVURL,
    DB_CLAIMREV,
    DB_REVCLAIM,
    DB_TXTPOST,
    DB_TXTDOC,
    DB_COUNT
};
extern const char *const store_db_names[DB_COUNT];

/* A term id in a key takes ID_LEN bytes, big-endian: 40 bits hold a trillion terms, and the
 * three ids of every claim key are what the file is mostly made of (store.h). Article and
 * review ids stay 8 bytes: an article id is the caller's, any int64 >= 0. */
#define ID_LEN 5
#define ID_MAX ((UINT64_C(1) << (8 * ID_LEN)) - 1)
#define CLAIM_KEY_LEN (1 + 3 * ID_LEN)       /* [pol][a][b][c] */
#define CITE_ART_OFF CLAIM_KEY_LEN           /* where the article is in a "cite" key */
#define CITE_SLOT_OFF (CLAIM_KEY_LEN + 8)    /* where the slot is */
#define CITE_KEY_LEN (CLAIM_KEY_LEN + 8 + 4) /* [pol][s][p][o][article][slot] */
#define ARTCITE_KEY_LEN (8 + CLAIM_KEY_LEN)  /* [article][pol][s][p][o] */
#define TSTAT_KEY_LEN (2 + ID_LEN)           /* [pol][role][id] */
#define CLAIMREV_KEY_LEN (CLAIM_KEY_LEN + 8) /* [pol][s][p][o][review] */
#define REVCLAIM_KEY_LEN (8 + CLAIM_KEY_LEN) /* [review][pol][s][p][o] */

/* The databases of fixed-width keys with no values that are stored split: the first
 * db_split(db) bytes of a key are LMDB's key, the rest one of its sorted duplicates of fixed
 * width (MDB_DUPSORT | MDB_DUPFIXED). A duplicate costs its bytes alone, without the key and
 * the 10 bytes of node header and pointer an entry costs: an index key [pol][a][b][c] stores
 * [pol][a] once per distinct first term, an "artcite" key its article once per article.
 * store_kv.c, store_cursor.c and the writer in store_pend.c join and split them, so that
 * everything else sees whole keys. 0: a plain database. */
static inline size_t db_split(int db)
{
    return db >= DB_SPO && db <= DB_OSP ? 1 + ID_LEN : db == DB_ARTCITE ? 8 : 0;
}

/* One LMDB environment, shared by every store of this process on the same file. Fields below
 * `refs` are guarded by the registry mutex (store_env.c). */
typedef struct store_env {
    dev_t dev;
    ino_t ino;
    pid_t pid; /* a forked child must not use its parent's environment */
    MDB_env *env;
    MDB_dbi dbi[DB_COUNT];
    bool rdonly; /* opened with MDB_RDONLY */
    int refs;
    int active;                 /* live transactions of this process (read and write) */
    int parked;                 /* read transactions parked for reuse (store_park) */
    bool writing;               /* a store of this process holds the write transaction */
    pthread_cond_t writer_done; /* signalled when `writing` becomes false */
    int lockfd;                 /* the database file, for the writers' flock (-1 read-only) */
    const char *map_base;       /* where the file is mapped (store_map_bounds), or NULL */
    size_t map_size;            /* the map size map_base was found for */
    char *tmpdir;               /* the database's directory, for temporary files (writable) */
    struct store_env *next;
} store_env;

struct store {
    store_env *se;
    bool readonly;
    int64_t fixed_now; /* SOURCE_DATE_EPOCH when set: the time new citations get */
    /* The map as of the last transaction begun: every record a read returns must lie inside
     * its used part, or the file is damaged (LMDB trusts the sizes stored in its pages). */
    const char *map_lo;
    size_t map_used;
    int64_t cursor_ops;
    int busy_ms;      /* how long a writer waits for another to finish (store_busy_timeout) */
    size_t run_bytes; /* store_run_bytes */
    int (*busy_cb)(void *ctx, int waited_ms); /* told while waiting; nonzero: give up */
    void *busy_ctx;
    uint64_t counted_snap;    /* the read snapshot counts_cache was read in, 0: none */
    uint64_t counts_cache[5]; /* claims.pos, claims.neg, citations, articles, reviews */
    const char *msg;          /* points at a static string or at buf */
    char buf[512];
};

/* A record of one write call, decoded from the transaction's log. Pointers point into the log. */
typedef enum store_op_type {
    OP_INTERN = 1,
    OP_ALIAS,
    OP_CITE_PUT,
    OP_CITE_DEL,
    OP_CLAIM_DEL,
    OP_ARTICLE_PUT,
    OP_REVIEW_PUT,
    OP_REVIEW_DEL,
    OP_TEXT_REBUILD,
    OP_TEXT_KINDS
} store_op_type;

typedef struct store_op {
    store_op_type type;
    const char *s1, *s2; /* OP_INTERN: s1 the text; OP_ALIAS: s1 alias, s2 canonical */
    size_t n1, n2;
    claim_key k;
    store_citation c; /* OP_CITE_PUT; OP_CITE_DEL: c.quote */
    uint64_t article; /* OP_CITE_DEL */
    int del_mode;     /* OP_CITE_DEL: CITE_DEL_* */
    store_article a;  /* OP_ARTICLE_PUT */
    store_review r;   /* OP_REVIEW_PUT; OP_REVIEW_DEL: r.url */
    bool has_claim;   /* OP_REVIEW_PUT: attach the review to k */
    unsigned kinds;   /* OP_TEXT_KINDS: the STORE_TEXT_ON_* bits indexed after it */
} store_op;

struct store_cursor {
    store_txn *t;
    int db;
    int depth;      /* savepoint level the cursor was opened at */
    MDB_cursor *mc; /* NULL when dead or waiting to be reopened after map growth */
    bool started, ended, dead, reposition;
    /* The last range ended on the first key past it (not at the end of the database), and the
     * cursor still sits there: a retarget to a later prefix may start from that key. */
    bool past_range;
    bool retargeted; /* the prefix changed since the cursor last moved */
    size_t oldplen;
    bool held;     /* store_cursor_next_cited: the key the cursor sits on starts the next claim */
    MDB_val heldk; /* that key: in a read transaction it stays valid, no need to read it again */
    size_t plen;
    size_t lastlen;
    /* A split database read in a read transaction: the page of duplicates the LMDB cursor is on
     * (MDB_GET_MULTIPLE), and which of them was returned last. One call reads a page instead of
     * one call (two cursor moves, the key's and the duplicate's) per duplicate. NULL: the LMDB
     * cursor sits on the record returned last, which `raw` holds (its parts, not joined). */
    const uint8_t *dups;
    size_t ndups, idup, dupw;
    MDB_val raw;
    struct store_cursor *prev, *next; /* in t->cursors, or next in t->pool */
    /* The buffers last: cur_open zeroes the fields above them only (a statement opens many
     * cursors, and 2 KiB of zeroes each cost more than the scan of a short range). */
    uint8_t oldprefix[STORE_KEYBUF];
    uint8_t prefix[STORE_KEYBUF];
    uint8_t last[STORE_KEYBUF];   /* the last key returned, to reposition after map growth */
    uint8_t joined[STORE_KEYBUF]; /* a split database's key and duplicate, joined */
};

/* The meta counters, kept in a write transaction and written at commit (they would otherwise
 * be read and rewritten by every write call). */
enum {
    META_CLAIMS_NEG,
    META_CLAIMS_POS,
    META_CITATIONS,
    META_ARTICLES,
    META_NEXT_TERM,
    META_REVIEWS,
    META_NEXT_REVIEW,
    META_TEXT_KINDS, /* "text.kinds": STORE_TEXT_ON_* of the kinds indexed besides reviews */
    META_N
};
typedef struct meta_cache {
    bool loaded, dirty;
    uint64_t v[META_N];
} meta_cache;

/* Pending writes of a write transaction (store_pend.c). A new citation is not written to
 * "spo", "pos", "osp", "cite", "artcite" and "tstat" at once: it is kept here, and written, each
 * database in key order (MDB_APPEND past the database's last key), by pend_flush. Every other
 * access to those databases flushes first (pend_sync), so that nobody sees the difference.
 * Tables are open-addressed hash tables over items whose key is their first nwords u64s. */
typedef struct ptab {
    unsigned char *items;
    size_t n, cap, stride;
    int nwords;
    uint32_t *slots; /* item index + 1, 0 empty; nslots a power of two, 0 when none */
    size_t nslots;
} ptab;

typedef struct pend_claim { /* a claim new in this transaction */
    uint64_t k[4];          /* pol, s, p, o */
} pend_claim;

typedef struct pend_cite { /* a citation put in this transaction */
    uint64_t k[6];         /* pol, s, p, o, article, slot */
    size_t voff;           /* its value in pend.vals */
    uint32_t vlen;
    bool isnew; /* not in LMDB before: "artcite" gets an entry */
} pend_cite;

typedef struct pend_stat { /* an increment of a "tstat" counter */
    uint64_t k[2];         /* pol << 8 | role, term id */
    uint64_t n;
} pend_stat;

/* A batch of pending claims and citations moved to the temporary file (store_run.c), each
 * database's share sorted in its key order: claim keys of "spo", "pos" and "osp"
 * (CLAIM_KEY_LEN bytes each); the citations as fixed-size entries [cite key][u64 value offset]
 * [u32 value length] with their values after them in the same order; new "artcite" keys
 * (ARTCITE_KEY_LEN bytes). */
typedef struct prun {
    uint64_t claims_off[3], cites_off, vals_off, arts_off; /* file offsets */
    size_t nclaims, ncites, narts;
} prun;

/* A set of 64-bit fingerprints (open addressing, 0 empty): which keys the runs hold, so that
 * the look-ups of a load go to the file only for keys that are there. */
typedef struct fpset {
    uint64_t *slots;
    size_t n, nslots;
} fpset;

typedef struct pend {
    ptab claims, cites, stats;
    unsigned char *vals;
    size_t vlen, vcap;
    size_t bytes; /* estimate of what the flush writes (keys, values, node overhead) */
    size_t batch; /* of which for the claims and citations in memory (not yet in a run) */
    prun *runs;
    size_t nruns, capruns;
    int fd;           /* the runs' temporary file, -1 none */
    uint64_t fileend; /* where the next run goes */
    fpset claimfp, citefp;
    unsigned char *scratch; /* a citation's value read from a run */
    size_t scratchcap;
    struct text_pend *text; /* the text index's new postings and counters (store_text.c) */
} pend;

/* Terms seen by this write transaction: text as given -> id, to skip the normalisation and
 * the dictionary look-up of terms met again. Cleared whenever a mapping may change (aliases,
 * savepoint rollback, map growth). */
typedef struct term_cache {
    struct tc_ent {
        uint64_t h;
        term_id id;
        size_t off;
        size_t len;
    } * ents;
    size_t n, cap;
    uint32_t *slots;
    size_t nslots;
    char *text;
    size_t tlen, tcap;
} term_cache;

/* Articles a write transaction knows to exist without a text (id + 1 per slot, 0 empty): a
 * load of many citations reads each article once, instead of once per citation to place the
 * quote and once more to make sure the article exists. Cleared whenever it may be wrong: an
 * article written, a savepoint rolled back, the map grown. */
typedef struct article_cache {
    uint64_t *slots;
    size_t n, nslots; /* nslots a power of two, 0 when none */
} article_cache;

struct store_txn {
    store *st;
    store_env *se;
    bool write;
    int dead;       /* 0, or the CLAIMDB_* code that killed the transaction (map growth failed) */
    MDB_txn **txns; /* txns[0] the root, txns[depth] the innermost savepoint */
    size_t *marks;  /* marks[i]: log length when savepoint i+1 began */
    meta_cache *saved; /* saved[i]: the counters when savepoint i+1 began */
    meta_cache meta;
    int depth, cap;
    uint64_t txnid;
    /* The write log, replayed after map growth: loglen bytes in all, of which [0, logbase)
     * were moved to the temporary file logfd (-1: none yet) and the rest are in log. */
    unsigned char *log;
    size_t loglen, logcap, logbase;
    int logfd;              /* -2: no file could be made, the log stays in memory */
    unsigned char *logread; /* a replay's window on the file: [logreadoff, +logreadlen) */
    size_t logreadoff, logreadlen, logreadcap;
    store_cursor *cursors;
    /* A read transaction's closed cursors, LMDB cursor kept, for the next cur_open of the same
     * database (mdb_cursor_renew instead of a 2 KB calloc and mdb_cursor_open); they survive
     * store_park. */
    store_cursor *pool;
    bool parked; /* store_park: reset, holding its reader slot, until store_renew */
    /* A read transaction's last statistic read (store_term_stat): a statement often asks for
     * the same one twice (whether a term is in a claim, then a count or an estimate). */
    bool stat_valid;
    uint8_t stat_key[TSTAT_KEY_LEN];
    uint64_t stat_n;
    /* A read transaction's alias tree: 0 not looked at yet, 1 empty, 2 not. A term's lookup
     * probes it first, and most files have no alias: one look per snapshot, not per term. */
    uint8_t aliases;
    bool in_op;       /* running a logged operation (oplog_exec, replay) */
    size_t grow_want; /* bytes the next map growth should add at least */
    pend pend;
    term_cache tc;
    article_cache ac;
    struct text_tokenizer *tk; /* the text index's stemmer, made on first use (store_text.c) */
};

/* ---- store_env.c ---- */
int store_seterr(store *st, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void store_setmsg(store *st, const char *static_msg);
/* Translate an MDB_* or errno value into a CLAIMDB_* code (STORE_MAPFULL for MDB_MAP_FULL)
 * and record "what: reason" as the message. */
int store_mdb_err(store *st, int rc, const char *what);
int store_code_of(int mdb_rc);
/* The registry lock, also guarding store_env.active and .writing. */
void store_registry_lock(void);
void store_registry_unlock(void);
pthread_mutex_t *store_registry_mutex(void); /* for waits on a store_env's condition */

/* ---- store_spill.c: temporary files ---- */
/* An anonymous file for what a write transaction moves out of memory, beside the database
 * (on its disk, not in a RAM-backed /tmp); removed when closed. -1 (message set) on failure. */
int spill_open(store_txn *t);
/* Write or read n bytes at off, whole (CLAIMDB_IOERR, with a message, otherwise). */
int spill_write(store_txn *t, int fd, const void *buf, size_t n, uint64_t off);
int spill_read(store_txn *t, int fd, void *buf, size_t n, uint64_t off);

/* ---- store_kv.c: low-level access ---- */
static inline MDB_txn *txn_mdb(store_txn *t)
{
    return t->txns[t->depth];
}
static inline MDB_dbi txn_dbi(store_txn *t, int db)
{
    return t->se->dbi[db];
}
int txn_check_write(store_txn *t);
int txn_check_read(store_txn *t);
int sdb_get(store_txn *t, int db, const void *k, size_t kl, MDB_val *v); /* OK / NOTFOUND / err */
/* As sdb_get without flushing the pending writes first (callers consult them themselves). */
int sdb_get_raw(store_txn *t, int db, const void *k, size_t kl, MDB_val *v);
int sdb_put(store_txn *t, int db, const void *k, size_t kl, const void *v, size_t vl,
            unsigned flags);
int sdb_reserve(store_txn *t, int db, const void *k, size_t kl, size_t vl, void **out);
int sdb_del(store_txn *t, int db, const void *k, size_t kl); /* OK / NOTFOUND / err */
int sdb_u64_get(store_txn *t, int db, const void *k, size_t kl, uint64_t *n); /* absent: 0 */
/* Add delta to a u64 counter; delete the record when it reaches 0 and drop0 is set. */
int sdb_u64_add(store_txn *t, int db, const void *k, size_t kl, int64_t delta, bool drop0);
int scur_get(store *st, MDB_cursor *mc, MDB_val *k, MDB_val *v, MDB_cursor_op op);
/* Position mc of database db on the first key >= (key, kl), whole keys compared (MDB_SET_RANGE
 * for a split database). An MDB code; k and v as scur_get leaves them (not joined). */
int scur_seek(store *st, int db, MDB_cursor *mc, const void *key, size_t kl, MDB_val *k,
              MDB_val *v);
/* A split database's record (k, v) as its whole key, in buf (STORE_KEYBUF bytes): k points at
 * it, v is empty. MDB_CORRUPTED when the parts do not make a key of this database. Inline, and
 * with constant sizes for the claim indexes: it runs on every step of every index scan. */
static inline int split_join(int db, uint8_t *buf, MDB_val *k, MDB_val *v)
{
    size_t split = db_split(db);
    if (k->mv_size != split || v->mv_size > STORE_KEYBUF - split) return MDB_CORRUPTED;
    if (split == 1 + ID_LEN && v->mv_size == 2 * ID_LEN) {
        memcpy(buf, k->mv_data, 1 + ID_LEN);
        memcpy(buf + 1 + ID_LEN, v->mv_data, 2 * ID_LEN);
    } else {
        memcpy(buf, k->mv_data, split);
        if (v->mv_size) memcpy(buf + split, v->mv_data, v->mv_size);
    }
    *k = (MDB_val){split + v->mv_size, buf};
    *v = (MDB_val){0, buf};
    return 0;
}
/* Record where the map is and how much of it is used (after a transaction begins). */
void store_map_bounds(store *st);

/* ---- store_meta.c ---- */
/* Meta counters by name ("claims.pos", "claims.neg", "citations", "articles", "next_term"). */
int meta_add(store_txn *t, const char *name, int64_t delta);
int meta_u64(store_txn *t, const char *name, uint64_t *n);
int meta_set(store_txn *t, const char *name, uint64_t n);
/* Write the cached counters into the root transaction (at commit). */
int meta_flush(store_txn *t);

/* ---- store_txn.c ---- */
/* The transaction cannot go on: abort it and remember why (returns code). */
int txn_die(store_txn *t, int code);
/* Make room for savepoint levels up to depth. */
int txn_ensure_depth(store_txn *t, int depth);

/* ---- store_pend.c: pending writes ---- */
static inline uint64_t store_mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}
static inline uint64_t store_hash_words(const uint64_t *k, int n)
{
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15);
    for (int i = 0; i < n; i++)
        h = (h ^ k[i]) * UINT64_C(0x100000001b3) + (h >> 29);
    return store_mix64(h);
}
static inline void *ptab_item(const ptab *p, size_t i)
{
    return p->items + i * p->stride;
}
static inline void pend_claim_words(const claim_key *k, uint64_t w[4])
{
    w[0] = k->pol;
    w[1] = k->s;
    w[2] = k->p;
    w[3] = k->o;
}
void ptab_free(ptab *p);
/* The key orders of the pending tables' items: "spo", "pos", "osp" (claims), "cite" and
 * "artcite" (citations). */
extern const int *const pend_claim_orders[3];
extern const int pend_ord_cite[6], pend_ord_artcite[6];
/* The item numbers of a table in the order of key words order[0..nw); NULL: out of memory. */
size_t *pend_sorted(const ptab *p, const int *order, int nw);
/* The "artcite" key of a new pending citation c met in artcite order, or false when c is not
 * new or its (claim, article) was the previous one's (*prev): several new citations of one
 * (claim, article) need one entry, and appending a key twice would fail. */
bool pend_artcite_key(const pend_cite *c, const pend_cite **prev, uint8_t key[ARTCITE_KEY_LEN]);
/* Puts in ascending key order through one cursor: plain puts until the keys pass the
 * database's last key, appends from then on. */
typedef struct swriter {
    store_txn *t;
    int db;
    MDB_cursor *mc;
    bool append;
    uint8_t last[STORE_KEYBUF];
    size_t lastlen;
} swriter;
int sw_open(store_txn *t, int db, swriter *w);
int sw_put(swriter *w, const uint8_t *key, size_t kl, const void *val, size_t vl);
void sw_close(swriter *w);
static inline bool pend_db(int db)
{
    return (db >= DB_SPO && db <= DB_ARTCITE) || db == DB_TSTAT || db == DB_TXTPOST;
}
/* store_text.c: are postings or counters of the text index pending? Write them (in key
 * order; STORE_MAPFULL as pend_flush); forget them (freeing their memory). */
bool text_pend_any(const store_txn *t);
int text_pend_flush(store_txn *t);
void text_pend_free(store_txn *t);
static inline bool pend_any(const store_txn *t)
{
    return t->pend.claims.n || t->pend.cites.n || t->pend.stats.n || t->pend.nruns ||
           text_pend_any(t);
}
/* Write the pending writes into the innermost LMDB transaction. STORE_MAPFULL leaves them
 * pending (and sets t->grow_want); another error kills the transaction. */
int pend_flush(store_txn *t);
/* Flush if anything is pending: inside an operation STORE_MAPFULL is returned (the caller
 * grows and replays), outside one the map is grown and the flush retried here. */
int pend_sync(store_txn *t);
/* Before db is read or written: the pending writes into it. The text index's postings go
 * only into "txtpost": a read of the claims while they are pending (CREATE TEXT INDEX reads
 * every claim and citation) leaves them pending, to be written in one sorted pass. */
static inline int pend_sync_db(store_txn *t, int db)
{
    if (!pend_db(db)) return 0;
    bool any = db == DB_TXTPOST
                   ? pend_any(t)
                   : t->pend.claims.n || t->pend.cites.n || t->pend.stats.n || t->pend.nruns;
    return any ? pend_sync(t) : 0;
}
void pend_reset(store_txn *t); /* forget the pending writes, free their memory */
/* Is the claim pending (*found)? An error only when a run cannot be read. */
int pend_claim_find(store_txn *t, const claim_key *k, bool *found);
/* The pending citation (k, article, slot): CLAIMDB_OK with its encoded value (valid until the
 * next call) and *pc the entry in memory (NULL when it is in a run); or CLAIMDB_NOTFOUND. */
int pend_cite_find(store_txn *t, const claim_key *k, uint64_t article, uint64_t slot,
                   pend_cite **pc, const uint8_t **val, size_t *vlen);
/* Record a new claim (its index entries, statistics) and a citation put. */
int pend_claim_add(store_txn *t, const claim_key *k);
int pend_cite_put(store_txn *t, pend_cite *found, const claim_key *k, uint64_t slot,
                  const store_citation *c, bool isnew);

/* ---- store_run.c: pending writes moved to sorted runs ---- */
/* Move the claims and citations in memory to a new run (without a temporary file, flush). */
int run_spill(store_txn *t);
/* Write every run into LMDB, each database in key order. */
int runs_flush(store_txn *t);
/* Is the claim (words w) in a run? The citation (k, w[4] article, w[5] slot) in a run:
 * CLAIMDB_OK with its value (valid until the next call), or CLAIMDB_NOTFOUND. */
int run_claim_find(store_txn *t, const claim_key *k, const uint64_t w[4], bool *found);
int run_cite_find(store_txn *t, const claim_key *k, const uint64_t w[6], const uint8_t **val,
                  size_t *vlen);
void runs_forget_fingerprints(pend *p); /* nothing will be looked up in the runs any more */
void runs_reset(pend *p);               /* forget the runs, close their file */

/* ---- store_cache.c ---- */
bool tcache_find(store_txn *t, const char *text, size_t len, term_id *id);
void tcache_add(store_txn *t, const char *text, size_t len, term_id id); /* best effort */
void tcache_clear(store_txn *t);
bool acache_plain(const store_txn *t, uint64_t article);
void acache_add(store_txn *t, uint64_t article); /* best effort */
void acache_clear(store_txn *t);

/* ---- store_cursor.c ---- */
int cur_open(store_txn *t, int db, const void *prefix, size_t plen, store_cursor **out);
/* Next record under the prefix: CLAIMDB_ROW, CLAIMDB_DONE at the end, or a CLAIMDB_* error. */
int cur_step(store_cursor *c, MDB_val *k, MDB_val *v);
/* Make an open cursor walk another prefix (of the same length) from its start. When the new
 * prefix comes after the old one and the cursor stopped on the key past the old range, the
 * next step of a read transaction starts there without a seek from the root: a scan that
 * visits claims in key order walks their citations as one merge. */
void cur_retarget(store_cursor *c, const void *prefix, size_t plen);
/* LMDB frees a write transaction's cursors when a nested transaction at depth or above ends:
 * ours opened there die, the others find their place again. */
void cursors_after_nested_end(store_txn *t, int depth);
/* The whole transaction ends: every cursor dies (and stays allocated until closed). */
void cursors_detach(store_txn *t);
/* Free a read transaction's pool of closed cursors. */
void cursors_pool_free(store_txn *t);

/* ---- store_log.c: the write log ---- */
/* Grow the map and rebuild the transaction from log[0, upto). */
int txn_grow(store_txn *t, size_t upto);
/* Forget the log from len on (a savepoint rolled back, a failed operation). */
void log_truncate(store_txn *t, size_t len);
/* Free the log and close its file. */
void log_free(store_txn *t);
/* Append a record; *start gets its offset. */
int oplog_intern(store_txn *t, const char *text, size_t len, size_t *start);
int oplog_alias(store_txn *t, const char *a, size_t alen, const char *c, size_t clen,
                size_t *start);
int oplog_cite_put(store_txn *t, const claim_key *k, const store_citation *c, size_t *start);
/* Which citations of (claim, article) a delete removes. */
enum { CITE_DEL_ALL = 0, CITE_DEL_NOQUOTE = 1, CITE_DEL_QUOTE = 2 };
int oplog_cite_del(store_txn *t, const claim_key *k, uint64_t article, const store_text *quote,
                   size_t *start);
int oplog_claim_del(store_txn *t, const claim_key *k, size_t *start);
int oplog_article_put(store_txn *t, const store_article *a, size_t *start);
/* k NULL: the review alone; else it is attached to k too. */
int oplog_review_put(store_txn *t, const store_review *r, const claim_key *k, size_t *start);
int oplog_review_del(store_txn *t, const char *url, size_t len, size_t *start);
int oplog_text_rebuild(store_txn *t, size_t *start);
int oplog_text_kinds(store_txn *t, unsigned kinds, size_t *start);
/* Apply the record at start, growing the map and replaying as needed; out is the op's output
 * (term_id * for OP_INTERN, int * for OP_CITE_PUT, else unused). Drops the record on error. */
int oplog_exec(store_txn *t, size_t start, void *out);

/* ---- the operations, applied once or replayed ---- */
int term_intern_apply(store_txn *t, const char *text, size_t len, term_id *id);
int alias_apply(store_txn *t, const char *a, size_t alen, const char *c, size_t clen);
int cite_put_apply(store_txn *t, const claim_key *k, const store_citation *c, int *added);
/* quote: NULL for all the citations of (claim, article), else the one with that quote. */
int cite_delete_apply(store_txn *t, const claim_key *k, uint64_t article, const store_text *quote);
int claim_delete_apply(store_txn *t, const claim_key *k);
int article_put_apply(store_txn *t, const store_article *a);
/* out: STORE_REVIEW_* flags. */
int review_put_apply(store_txn *t, const store_review *r, const claim_key *k, int *out);
int review_delete_apply(store_txn *t, const char *url, size_t len);
int text_rebuild_apply(store_txn *t);
/* Make the kinds indexed besides reviews those of the STORE_TEXT_ON_* bits in kinds. */
int text_kinds_apply(store_txn *t, unsigned kinds);

/* ---- encodings ---- */
static inline void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}
static inline uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}
static inline void put_id(uint8_t *p, uint64_t v)
{
    for (int i = ID_LEN - 1; i >= 0; i--) {
        p[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}
static inline uint64_t get_id(const uint8_t *p)
{
    /* Written out so that the compiler makes it a 4-byte swapped load and a byte (the loop it
     * leaves as five loads and shifts): three per index record read. */
    _Static_assert(ID_LEN == 5, "get_id reads 5 bytes");
    return (uint64_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
               << 8 |
           p[4];
}
/* The claim in a key that holds it in "spo" order (spo, cite, artcite, claimrev, revclaim). */
static inline claim_key claim_key_get(const uint8_t *p)
{
    return (claim_key){p[0], get_id(p + 1), get_id(p + 1 + ID_LEN), get_id(p + 1 + 2 * ID_LEN)};
}
/* A count in "tstat": big-endian in as few bytes as it needs, 1 to 8 (the value's size says
 * how many). Most terms are in a few claims: one byte where a fixed u64 took eight. */
static inline size_t put_count(uint8_t p[8], uint64_t n)
{
    size_t len = 1;
    while (len < 8 && n >> (8 * len))
        len++;
    for (size_t i = len; i-- > 0; n >>= 8)
        p[i] = (uint8_t)(n & 0xff);
    return len;
}
static inline bool get_count(const MDB_val *v, uint64_t *n)
{
    if (v->mv_size < 1 || v->mv_size > 8) return false;
    const uint8_t *p = v->mv_data;
    *n = 0;
    for (size_t i = 0; i < v->mv_size; i++)
        *n = *n << 8 | p[i];
    return true;
}
static inline void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static inline uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* store_claim.c */
void claim_key_encode(uint8_t out[CLAIM_KEY_LEN], store_index idx, const claim_key *k);
void cite_key_encode(uint8_t out[CITE_KEY_LEN], const claim_key *k, uint64_t article,
                     uint64_t slot);
/* Citation value record; size of the encoding, and decode (CLAIMDB_CORRUPT if malformed). */
size_t cite_value_size(const store_citation *c);
void cite_value_encode(uint8_t *out, const store_citation *c);
int cite_value_decode(const uint8_t *p, size_t n, store_citation *c);
/* The slot a citation's quote probes from (see store.h). */
uint64_t cite_quote_home(store_text quote);
/* Rewrite every claim using term from (in any role, and as claimant) onto to, merging
 * citations with claims that already exist. */
int claims_rewrite_term(store_txn *t, term_id from, term_id to);
/* store_article.c */
size_t article_value_size(const store_article *a);
void article_value_encode(uint8_t *out, const store_article *a);
int article_value_decode(const uint8_t *p, size_t n, store_article *a);
/* store_review.c */
size_t review_value_size(const store_review *r);
void review_value_encode(uint8_t *out, const store_review *r);
int review_value_decode(const uint8_t *p, size_t n, store_review *r);
/* Rewrite the links of reviews to triples using term from onto to (an alias merge). */
int reviews_rewrite_term(store_txn *t, term_id from, term_id to);
/* store_text.c: add (sign 1) or remove (sign -1) review r (its id set) in the text index. */
int text_index_review(store_txn *t, const store_review *r, int sign);
/* store_check.c's check of one review's postings: *ok false when one is missing or differs;
 * the review's distinct stems are added to *postings and its words to *words. */
int text_index_verify_review(store_txn *t, const store_review *r, uint64_t *postings,
                             uint64_t *words, bool *ok);
/* The same for a quote or claim document. */
int text_index_verify_doc(store_txn *t, const store_text_doc *d, uint64_t *postings,
                          uint64_t *words, bool *ok);
/* Quotes: index the citation's quote (no quote: nothing) with its claimant's name; remove
 * the documents of a claim's quotes (article NULL: of every article; quote NULL: every
 * quote of the article). */
int text_index_quote(store_txn *t, const claim_key *k, uint64_t article, store_text quote,
                     term_id claimant);
int text_unindex_quotes(store_txn *t, const claim_key *k, const uint64_t *article,
                        const store_text *quote);
/* Claims: index a new claim (its terms' texts and their aliases), remove a claim's. */
int text_index_claim(store_txn *t, const claim_key *k);
int text_unindex_claim(store_txn *t, const claim_key *k);
/* alias became an alias of canonical (given as text): the alias texts canonical's claims are
 * indexed with; before the claims are rewritten. Then text_reindex_term(canonical) indexes
 * the claims that already had canonical again with them. */
int text_alias_added(store_txn *t, term_id alias, term_id canonical, const char *text, size_t len);
int text_reindex_term(store_txn *t, term_id id);
/* store_post.c: the posting blocks of "txtpost". Add the postings p[0, n) (in document
 * order) of the stem whose key prefix ([kind][stem][0]) is given; remove one
 * (CLAIMDB_NOTFOUND if absent); add one at once (tests); find one; count them all (*ok false
 * when a block is damaged). */
typedef struct text_posting {
    uint64_t doc;
    uint32_t tf, dl;
} text_posting;
int post_add(store_txn *t, const uint8_t *prefix, size_t plen, const text_posting *p, size_t n);
int post_remove(store_txn *t, uint8_t kind, const char *stem, uint64_t doc);
int post_insert(store_txn *t, uint8_t kind, const char *stem, uint64_t doc, uint32_t tf,
                uint32_t dl);
int post_find(store_txn *t, uint8_t kind, const char *stem, uint64_t doc, uint32_t *tf,
              uint32_t *dl);
int post_count_all(store_txn *t, uint64_t *n, bool *ok);
/* store_term.c */
/* As store_term_key, with a reason for the message on failure. */
int term_key_why(const char *text, size_t len, char **key, size_t *keylen, const char **why);
int term_key_err(store *st, int rc, const char *why, const char *text, size_t len);

#endif /* CLAIMDB_STORE_INTERNAL_H */
