/* run_floor.c — the raw LMDB floor of claimdb-bench: the least work that builds the indexes
 * claimdb builds, and answers each workload with hand-written cursor scans over them.
 *
 * What the floor keeps is what claimdb keeps (store.h), key for key:
 *   term    name -> id (u64 BE)            termid  id -> name
 *   spo, pos, osp  [pol][a][b][c], ids of 5 bytes BE, split: key [pol][a], duplicates [b][c]
 *   cite    [pol][s][p][o][article u64][slot u32] -> [flags|method][claimant varint]
 *           [stored varint][confidence?][quote]
 *   artcite [article][pol][s][p][o], split: key [article], duplicates the claim
 *   article id -> [flags] (no duplicate)   tstat [pol][role][id] -> count (1-8 bytes BE)
 * What it leaves out is everything a database does beyond that: no term normalisation (names
 * are keys as given), no statistics kept while writing, no write log, no query language, no
 * checks. The load maps names to ids through a hash table, sorts each index's keys in memory
 * and appends them (MDB_APPEND) in one transaction, committed with LMDB's durable fsync; its
 * time includes all of that, from the generated citations to the commit.
 *
 * This file includes lmdb.h, which the library keeps inside db/: the floor is the benchmark's
 * yardstick, not a part of claimdb.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>

#include "bench.h"

enum { F_TERM, F_TERMID, F_SPO, F_POS, F_OSP, F_CITE, F_ARTCITE, F_ARTICLE, F_TSTAT, F_NDB };
static const char *const fdb_names[F_NDB] = {"term", "termid",  "spo",     "pos",  "osp",
                                             "cite", "artcite", "article", "tstat"};

/* claimdb's layout (db/store.h, store_internal.h): term ids of ID_LEN bytes in keys */
#define ID_LEN 5
#define O_A 1                /* a claim key's first id */
#define O_B (1 + ID_LEN)     /* its second */
#define O_C (1 + 2 * ID_LEN) /* its third */
#define CLAIM_LEN (1 + 3 * ID_LEN)
#define C_ART CLAIM_LEN /* a "cite" key's article */
#define CITE_LEN (CLAIM_LEN + 12)
#define ARTCITE_LEN (8 + CLAIM_LEN)
#define TSTAT_LEN (2 + ID_LEN)
#define CITE_HAS_CONF 1
#define CITE_HAS_QUOTE 2

/* spo, pos, osp and artcite are split as claimdb splits them (db_split in
 * db/store_internal.h): LMDB's key is the first split bytes, the rest a fixed-width duplicate. */
static size_t fdb_split(int db)
{
    return db >= F_SPO && db <= F_OSP ? 1 + ID_LEN : db == F_ARTCITE ? 8 : 0;
}
#define ART_HAS_DUP 1

static void mdb_check(int rc, const char *what)
{
    if (rc != MDB_SUCCESS) bench_die("floor: %s: %s", what, mdb_strerror(rc));
}

static void put_be(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t get_be(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void put_u32be(uint8_t *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static void put_id(uint8_t *p, uint64_t v)
{
    for (int i = ID_LEN - 1; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t get_id(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < ID_LEN; i++)
        v = v << 8 | p[i];
    return v;
}

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
    for (; v >= 0x80; v >>= 7)
        *p++ = (uint8_t)(v | 0x80);
    *p++ = (uint8_t)v;
    return p;
}

static const uint8_t *skip_varint(const uint8_t *p)
{
    while (*p & 0x80)
        p++;
    return p + 1;
}

static uint64_t get_varint(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        v |= (uint64_t)(*p & 0x7f) << shift;
        if (!(*p++ & 0x80)) return v;
    }
}

/* ---- the load ---- */

/* Names to ids, first seen first numbered (as claimdb numbers its terms). */
typedef struct dict {
    char *arena;
    size_t alen, acap;
    size_t *off; /* off[id - 1]: the name's offset in arena */
    size_t n, cap;
    uint32_t *slots; /* id, 0 empty */
    size_t nslots;
} dict;

static uint64_t name_hash(const char *s)
{
    uint64_t h = UINT64_C(0xCBF29CE484222325);
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * UINT64_C(0x100000001B3);
    return h ^ h >> 29;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) bench_die("floor: out of memory");
    return q;
}

static void dict_grow(dict *t)
{
    size_t ns = t->nslots ? t->nslots * 2 : 1 << 16;
    uint32_t *sl = calloc(ns, sizeof *sl);
    if (!sl) bench_die("floor: out of memory");
    for (size_t i = 0; i < t->n; i++) {
        size_t j = name_hash(t->arena + t->off[i]) & (ns - 1);
        while (sl[j])
            j = (j + 1) & (ns - 1);
        sl[j] = (uint32_t)(i + 1);
    }
    free(t->slots);
    t->slots = sl;
    t->nslots = ns;
}

static uint64_t dict_id(dict *t, const char *name)
{
    if (2 * (t->n + 1) > t->nslots) dict_grow(t);
    size_t j = name_hash(name) & (t->nslots - 1);
    while (t->slots[j]) {
        if (!strcmp(t->arena + t->off[t->slots[j] - 1], name)) return t->slots[j];
        j = (j + 1) & (t->nslots - 1);
    }
    size_t len = strlen(name) + 1;
    if (t->alen + len > t->acap) {
        t->acap = t->acap ? t->acap * 2 : 1 << 20;
        t->arena = xrealloc(t->arena, t->acap);
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1 << 14;
        t->off = xrealloc(t->off, t->cap * sizeof *t->off);
    }
    memcpy(t->arena + t->alen, name, len);
    t->off[t->n++] = t->alen;
    t->alen += len;
    t->slots[j] = (uint32_t)t->n;
    return t->n;
}

/* Keys to sort are tuples of u64s, compared field by field (the order of their big-endian
 * encoding). */
typedef struct tup4 {
    uint64_t k[4];
} tup4;
typedef struct tup5 {
    uint64_t k[5];
} tup5;
typedef struct cite_item {
    uint64_t k[6];     /* pol, s, p, o, article, slot */
    uint64_t claimant; /* term id, 0 none */
    uint32_t claim;    /* index in the generated data, to rebuild the quote */
    uint8_t cit;
} cite_item;

static int cmp_words(const uint64_t *a, const uint64_t *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}
static int cmp_tup4(const void *a, const void *b)
{
    return cmp_words(((const tup4 *)a)->k, ((const tup4 *)b)->k, 4);
}
static int cmp_tup5(const void *a, const void *b)
{
    return cmp_words(((const tup5 *)a)->k, ((const tup5 *)b)->k, 5);
}
static int cmp_cite(const void *a, const void *b)
{
    return cmp_words(((const cite_item *)a)->k, ((const cite_item *)b)->k, 6);
}
typedef struct named {
    const char *name;
    uint64_t id;
} named;
static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

static void append(MDB_cursor *c, const void *k, size_t kl, const void *v, size_t vl)
{
    MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
    mdb_check(mdb_cursor_put(c, &key, &val, MDB_APPEND), "append");
}

/* Appends the key of a split database; same: its first split bytes are the last key's. */
static void append_split(MDB_cursor *c, const uint8_t *k, size_t kl, size_t split, int same)
{
    MDB_val key = {split, (void *)k}, val = {kl - split, (void *)(k + split)};
    mdb_check(mdb_cursor_put(c, &key, &val, same ? MDB_APPENDDUP : MDB_APPEND), "append");
}

static void put_claim_key(uint8_t *out, uint64_t pol, uint64_t a, uint64_t b, uint64_t c)
{
    out[0] = (uint8_t)pol;
    put_id(out + O_A, a);
    put_id(out + O_B, b);
    put_id(out + O_C, c);
}

static void append_index(MDB_cursor *c, tup4 *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_tup4);
    uint8_t key[CLAIM_LEN];
    for (size_t i = 0; i < n; i++) {
        put_claim_key(key, t[i].k[0], t[i].k[1], t[i].k[2], t[i].k[3]);
        append_split(c, key, sizeof key, O_B,
                     i && t[i].k[0] == t[i - 1].k[0] && t[i].k[1] == t[i - 1].k[1]);
    }
}

static MDB_env *env_open(const char *path, unsigned flags)
{
    MDB_env *env;
    mdb_check(mdb_env_create(&env), "env_create");
    mdb_check(mdb_env_set_maxdbs(env, F_NDB), "set_maxdbs");
    mdb_check(mdb_env_set_mapsize(env, (size_t)1 << 36), "set_mapsize");
    mdb_check(mdb_env_open(env, path, MDB_NOSUBDIR | flags, 0644), "env_open");
    return env;
}

static uint64_t quote_slot(const char *q)
{
    return (name_hash(q) >> 32) | 1; /* claimdb keeps slot 0 for "no quote" */
}

void floor_run_load(const bench_data *d, const char *path, bench_load *out, int verbose)
{
    char lock[4200];
    snprintf(lock, sizeof lock, "%s-lock", path);
    unlink(path);
    unlink(lock);
    (void)verbose;
    double t0 = bench_now(), c0 = bench_cpu_now();

    /* Names to ids, claim keys and citation keys, in generation order. */
    dict terms;
    memset(&terms, 0, sizeof terms);
    tup4 *claims = malloc((d->nclaims ? d->nclaims : 1) * sizeof *claims);
    cite_item *cites = malloc((d->ncitations ? d->ncitations : 1) * sizeof *cites);
    if (!claims || !cites) bench_die("floor: out of memory");
    size_t nc = 0;
    bench_cit bc;
    for (size_t i = 0; i < d->nclaims; i++) {
        for (int k = 0; k < d->claims[i].ncit; k++) {
            bench_citation(d, i, k, &bc);
            uint64_t s = dict_id(&terms, bc.s), p = dict_id(&terms, bc.p),
                     o = dict_id(&terms, bc.o);
            if (k == 0) claims[i] = (tup4){{(uint64_t)bc.pol, s, p, o}};
            cite_item *ci = &cites[nc++];
            *ci =
                (cite_item){{(uint64_t)bc.pol, s, p, o, (uint64_t)bc.article, quote_slot(bc.quote)},
                            bc.has_claimant ? dict_id(&terms, bc.claimant) : 0,
                            (uint32_t)i,
                            (uint8_t)k};
        }
    }

    MDB_env *env = env_open(path, 0);
    MDB_txn *txn;
    mdb_check(mdb_txn_begin(env, NULL, 0, &txn), "txn_begin");
    MDB_dbi dbi[F_NDB];
    MDB_cursor *cur[F_NDB];
    for (int i = 0; i < F_NDB; i++) {
        mdb_check(mdb_dbi_open(txn, fdb_names[i],
                               MDB_CREATE | (fdb_split(i) ? MDB_DUPSORT | MDB_DUPFIXED : 0),
                               &dbi[i]),
                  "dbi_open");
        mdb_check(mdb_cursor_open(txn, dbi[i], &cur[i]), "cursor_open");
    }

    /* term and termid */
    named *order = malloc((terms.n ? terms.n : 1) * sizeof *order);
    if (!order) bench_die("floor: out of memory");
    for (size_t i = 0; i < terms.n; i++)
        order[i] = (named){terms.arena + terms.off[i], i + 1};
    qsort(order, terms.n, sizeof *order, cmp_named);
    uint8_t idbuf[8];
    for (size_t i = 0; i < terms.n; i++) {
        put_be(idbuf, order[i].id);
        append(cur[F_TERM], order[i].name, strlen(order[i].name), idbuf, 8);
    }
    for (size_t i = 0; i < terms.n; i++) {
        const char *name = terms.arena + terms.off[i];
        put_be(idbuf, i + 1);
        append(cur[F_TERMID], idbuf, 8, name, strlen(name));
    }
    free(order);

    /* tstat, counted from the claims */
    size_t nt = terms.n + 1;
    uint32_t *cnt = calloc(6 * nt, sizeof *cnt);
    if (!cnt) bench_die("floor: out of memory");
    for (size_t i = 0; i < d->nclaims; i++)
        for (int r = 0; r < 3; r++)
            cnt[(claims[i].k[0] * 3 + (uint64_t)r) * nt + claims[i].k[1 + r]]++;
    for (uint64_t pr = 0; pr < 6; pr++) {
        for (size_t id = 1; id < nt; id++) {
            if (!cnt[pr * nt + id]) continue;
            uint8_t key[TSTAT_LEN], val[8];
            key[0] = (uint8_t)(pr / 3);
            key[1] = (uint8_t)(pr % 3);
            put_id(key + 2, id);
            uint32_t n = cnt[pr * nt + id];
            size_t len = 1; /* the count in as few big-endian bytes as it needs */
            while (len < 4 && n >> (8 * len))
                len++;
            for (size_t i = len; i-- > 0; n >>= 8)
                val[i] = (uint8_t)n;
            append(cur[F_TSTAT], key, sizeof key, val, len);
        }
    }
    free(cnt);

    /* spo, pos, osp: one array, rotated in place between the sorts */
    append_index(cur[F_SPO], claims, d->nclaims);
    for (size_t i = 0; i < d->nclaims; i++) { /* s p o -> p o s */
        uint64_t s = claims[i].k[1];
        claims[i].k[1] = claims[i].k[2];
        claims[i].k[2] = claims[i].k[3];
        claims[i].k[3] = s;
    }
    append_index(cur[F_POS], claims, d->nclaims);
    for (size_t i = 0; i < d->nclaims; i++) { /* p o s -> o s p */
        uint64_t p = claims[i].k[1];
        claims[i].k[1] = claims[i].k[2];
        claims[i].k[2] = claims[i].k[3];
        claims[i].k[3] = p;
    }
    append_index(cur[F_OSP], claims, d->nclaims);
    free(claims);

    /* cite: values rebuilt from the generator (the quote), written in key order */
    qsort(cites, nc, sizeof *cites, cmp_cite);
    uint8_t key[CITE_LEN], val[32 + BENCH_QUOTE_MAX];
    for (size_t i = 0; i < nc; i++) {
        const cite_item *ci = &cites[i];
        bench_citation(d, ci->claim, ci->cit, &bc);
        put_claim_key(key, ci->k[0], ci->k[1], ci->k[2], ci->k[3]);
        put_be(key + C_ART, ci->k[4]);
        put_u32be(key + C_ART + 8, (uint32_t)ci->k[5]);
        size_t ql = strlen(bc.quote);
        val[0] = CITE_HAS_QUOTE | (bc.has_confidence ? CITE_HAS_CONF : 0); /* method 0 */
        uint8_t *vp = put_varint(val + 1, ci->claimant);
        vp = put_varint(vp, 0); /* stored */
        size_t vl = (size_t)(vp - val);
        if (bc.has_confidence) {
            uint64_t bits;
            memcpy(&bits, &bc.confidence, sizeof bits);
            put_be(val + vl, bits);
            vl += 8;
        }
        memcpy(val + vl, bc.quote, ql);
        append(cur[F_CITE], key, sizeof key, val, vl + ql);
    }

    /* artcite and article */
    tup5 *ac = malloc((nc ? nc : 1) * sizeof *ac);
    if (!ac) bench_die("floor: out of memory");
    for (size_t i = 0; i < nc; i++)
        ac[i] = (tup5){{cites[i].k[4], cites[i].k[0], cites[i].k[1], cites[i].k[2], cites[i].k[3]}};
    free(cites);
    qsort(ac, nc, sizeof *ac, cmp_tup5);
    uint8_t akey[ARTCITE_LEN], flags = 0;
    for (size_t i = 0; i < nc; i++) {
        if (i && !cmp_tup5(&ac[i], &ac[i - 1])) continue; /* one entry per (article, claim) */
        put_be(akey, ac[i].k[0]);
        put_claim_key(akey + 8, ac[i].k[1], ac[i].k[2], ac[i].k[3], ac[i].k[4]);
        int same = i && ac[i].k[0] == ac[i - 1].k[0];
        append_split(cur[F_ARTCITE], akey, sizeof akey, 8, same);
        if (!same) append(cur[F_ARTICLE], akey, 8, &flags, 1);
    }
    free(ac);

    for (int i = 0; i < F_NDB; i++)
        mdb_cursor_close(cur[i]);
    mdb_check(mdb_txn_commit(txn), "commit");
    out->seconds = bench_now() - t0;
    out->cpu_seconds = bench_cpu_now() - c0;
    mdb_env_close(env);
    free(terms.arena);
    free(terms.off);
    free(terms.slots);
    out->file_bytes = bench_file_size(path);
    out->peak_rss = bench_peak_rss(); /* before the count below reads the file */

    /* Count what landed, as the other systems do: positive claims and citations. */
    double t1 = bench_now();
    env = env_open(path, MDB_RDONLY);
    mdb_check(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), "txn_begin");
    int64_t counts[2] = {0, 0};
    for (int j = 0; j < 2; j++) {
        MDB_dbi db;
        MDB_cursor *c;
        mdb_check(mdb_dbi_open(txn, fdb_names[j ? F_CITE : F_SPO], 0, &db), "dbi_open");
        mdb_check(mdb_cursor_open(txn, db, &c), "cursor_open");
        uint8_t one = 1;
        MDB_val k = {1, &one}, v;
        int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
        for (; rc == MDB_SUCCESS && ((uint8_t *)k.mv_data)[0] == 1;
             rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
            counts[j]++;
        mdb_cursor_close(c);
    }
    mdb_txn_abort(txn);
    mdb_env_close(env);
    out->check_pos_claims = counts[0];
    out->check_pos_citations = counts[1];
    fprintf(stderr,
            "  floor: load %.2f s; counted %lld positive claims, %lld citations in %.2f s\n",
            out->seconds, (long long)counts[0], (long long)counts[1], bench_now() - t1);
}

/* ---- the queries ---- */

struct floor_q {
    MDB_env *env;
    MDB_dbi dbi[F_NDB];
    MDB_txn *txn; /* reset between queries, renewed for each (a snapshot per query) */
    MDB_cursor *cur[F_NDB], *cur2;
    uint8_t join[2][ARTCITE_LEN]; /* a split database's key and duplicate joined (cur, cur2) */
    unsigned renewed;             /* cursors renewed on the current snapshot */
    /* Q4: subject -> claims of the smaller predicate, open addressing, kept across queries */
    uint64_t *hkey;
    uint32_t *hcount;
    size_t hslots;
};

floor_q *floor_q_open(const char *path)
{
    floor_q *h = calloc(1, sizeof *h);
    if (!h) bench_die("out of memory");
    h->env = env_open(path, MDB_RDONLY);
    /* Handles opened by a read transaction serve others only once it has committed. */
    mdb_check(mdb_txn_begin(h->env, NULL, MDB_RDONLY, &h->txn), "txn_begin");
    for (int i = 0; i < F_NDB; i++)
        mdb_check(mdb_dbi_open(h->txn, fdb_names[i], 0, &h->dbi[i]), "dbi_open");
    mdb_check(mdb_txn_commit(h->txn), "txn_commit");
    mdb_check(mdb_txn_begin(h->env, NULL, MDB_RDONLY, &h->txn), "txn_begin");
    for (int i = 0; i < F_NDB; i++)
        mdb_check(mdb_cursor_open(h->txn, h->dbi[i], &h->cur[i]), "cursor_open");
    mdb_check(mdb_cursor_open(h->txn, h->dbi[F_SPO], &h->cur2), "cursor_open");
    mdb_txn_reset(h->txn);
    return h;
}

void floor_q_close(floor_q *h)
{
    if (!h) return;
    for (int i = 0; i < F_NDB; i++)
        mdb_cursor_close(h->cur[i]);
    mdb_cursor_close(h->cur2);
    mdb_txn_abort(h->txn);
    mdb_env_close(h->env);
    free(h->hkey);
    free(h->hcount);
    free(h);
}

static MDB_cursor *cur(floor_q *h, int db)
{
    if (!(h->renewed & 1u << db)) {
        mdb_check(mdb_cursor_renew(h->txn, h->cur[db]), "cursor_renew");
        h->renewed |= 1u << db;
    }
    return h->cur[db];
}

static uint64_t term_get(floor_q *h, const char *name)
{
    MDB_val k = {strlen(name), (void *)name}, v;
    int rc = mdb_get(h->txn, h->dbi[F_TERM], &k, &v);
    if (rc == MDB_NOTFOUND) return 0;
    mdb_check(rc, "term get");
    return get_be(v.mv_data);
}

static uint64_t hash_name(floor_q *h, uint64_t id)
{
    uint8_t kb[8];
    put_be(kb, id);
    MDB_val k = {8, kb}, v;
    mdb_check(mdb_get(h->txn, h->dbi[F_TERMID], &k, &v), "termid get");
    char buf[BENCH_NAME_MAX * 4];
    size_t n = v.mv_size < sizeof buf ? v.mv_size : sizeof buf - 1;
    memcpy(buf, v.mv_data, n);
    buf[n] = '\0';
    return bench_hash_text(buf);
}

/* Position c at the first key >= prefix; true while the key starts with prefix. */
/* The first record of a prefix range and the next ones. In a split database (split > 0) k is
 * the key and duplicate joined in join. */
static int in_range(const uint8_t *prefix, size_t plen, size_t split, uint8_t *join, MDB_val *k,
                    MDB_val *v)
{
    if (split) {
        memcpy(join, k->mv_data, split);
        memcpy(join + split, v->mv_data, v->mv_size);
        *k = (MDB_val){split + v->mv_size, join};
    }
    return k->mv_size >= plen && !memcmp(k->mv_data, prefix, plen);
}

static int range_first(MDB_cursor *c, const uint8_t *prefix, size_t plen, size_t split,
                       uint8_t *join, MDB_val *k, MDB_val *v)
{
    int rc;
    if (split && plen > split) {
        *k = (MDB_val){split, (void *)prefix};
        *v = (MDB_val){plen - split, (void *)(prefix + split)};
        rc = mdb_cursor_get(c, k, v, MDB_GET_BOTH_RANGE);
        if (rc == MDB_NOTFOUND) return 0; /* nothing under the key: the range is empty */
        mdb_check(rc, "cursor get_both_range");
        *k = (MDB_val){split, (void *)prefix};
    } else {
        *k = (MDB_val){plen, (void *)prefix};
        rc = mdb_cursor_get(c, k, v, MDB_SET_RANGE);
        if (rc == MDB_NOTFOUND) return 0;
        mdb_check(rc, "cursor set_range");
    }
    return in_range(prefix, plen, split, join, k, v);
}

static int range_next(MDB_cursor *c, const uint8_t *prefix, size_t plen, size_t split,
                      uint8_t *join, MDB_val *k, MDB_val *v)
{
    int rc = mdb_cursor_get(c, k, v, MDB_NEXT);
    if (rc == MDB_NOTFOUND) return 0;
    mdb_check(rc, "cursor next");
    return in_range(prefix, plen, split, join, k, v);
}

static uint64_t kpart(const MDB_val *k, size_t off)
{
    return get_be((const uint8_t *)k->mv_data + off);
}

static uint64_t kid(const MDB_val *k, size_t off)
{
    return get_id((const uint8_t *)k->mv_data + off);
}

/* The root of an article's DUPLICATE OF chain (as claimdb's CHECK counts). */
static uint64_t article_root(floor_q *h, uint64_t id)
{
    for (int depth = 0; depth < 64; depth++) {
        uint8_t kb[8];
        put_be(kb, id);
        MDB_val k = {8, kb}, v;
        int rc = mdb_get(h->txn, h->dbi[F_ARTICLE], &k, &v);
        if (rc == MDB_NOTFOUND) break;
        mdb_check(rc, "article get");
        const uint8_t *p = v.mv_data;
        if (!(p[0] & ART_HAS_DUP)) break;
        id = get_be(p + 1);
    }
    return id;
}

/* One side of CHECK: distinct articles, and the weight (per independent article, the surest
 * citation whose claimant is not the subject). */
static void check_side(floor_q *h, uint8_t pol, uint64_t s, uint64_t p, uint64_t o, int64_t *n,
                       double *weight)
{
    uint8_t prefix[CLAIM_LEN];
    put_claim_key(prefix, pol, s, p, o);
    MDB_cursor *c = cur(h, F_CITE);
    MDB_val k, v;
    uint64_t roots[64], last = UINT64_MAX;
    double best[64];
    size_t nroots = 0;
    *n = 0;
    *weight = 0;
    for (int ok = range_first(c, prefix, sizeof prefix, 0, NULL, &k, &v); ok;
         ok = range_next(c, prefix, sizeof prefix, 0, NULL, &k, &v)) {
        uint64_t art = kpart(&k, C_ART);
        *n += art != last;
        last = art;
        const uint8_t *val = v.mv_data;
        uint64_t claimant = get_varint(val + 1);
        if (claimant && claimant == s) continue;
        double w = 1.0;
        if (val[0] & CITE_HAS_CONF) {
            uint64_t bits = get_be(skip_varint(skip_varint(val + 1)));
            memcpy(&w, &bits, sizeof w);
        }
        uint64_t root = article_root(h, art);
        size_t i = 0;
        while (i < nroots && roots[i] != root)
            i++;
        if (i == nroots) {
            if (nroots == 64) bench_die("floor: more than 64 articles on one claim");
            roots[nroots] = root;
            best[nroots++] = 0;
        }
        if (w > best[i]) best[i] = w;
    }
    for (size_t i = 0; i < nroots; i++)
        *weight += best[i];
}

static int64_t pred_claims(floor_q *h, uint64_t p)
{
    uint8_t key[TSTAT_LEN];
    key[0] = 1;
    key[1] = 1; /* role p */
    put_id(key + 2, p);
    MDB_val tk = {sizeof key, key}, tv;
    int rc = mdb_get(h->txn, h->dbi[F_TSTAT], &tk, &tv);
    if (rc == MDB_NOTFOUND) return 0;
    mdb_check(rc, "tstat get");
    int64_t n = 0;
    for (size_t i = 0; i < tv.mv_size; i++)
        n = n << 8 | ((const uint8_t *)tv.mv_data)[i];
    return n;
}

static size_t subj_slot(const floor_q *h, uint64_t s)
{
    size_t i = (size_t)(s * UINT64_C(0x9E3779B97F4A7C15) >> 20) & (h->hslots - 1);
    while (h->hkey[i] && h->hkey[i] != s)
        i = (i + 1) & (h->hslots - 1);
    return i;
}

/* Q4: the subjects of the smaller predicate's positive claims counted in a hash table, then
 * the other predicate's claims summing their subjects' counts: two range scans of "pos". */
static int64_t pair_count(floor_q *h, uint64_t p1, uint64_t p2)
{
    int64_t n1 = pred_claims(h, p1), n2 = pred_claims(h, p2), n = 0;
    if (!n1 || !n2) return 0;
    uint64_t small = n1 <= n2 ? p1 : p2, large = n1 <= n2 ? p2 : p1;
    size_t want = 16;
    while (want < 2 * (size_t)(n1 <= n2 ? n1 : n2))
        want <<= 1;
    if (want > h->hslots) {
        free(h->hkey);
        free(h->hcount);
        h->hkey = malloc(want * sizeof *h->hkey);
        h->hcount = malloc(want * sizeof *h->hcount);
        if (!h->hkey || !h->hcount) bench_die("floor: out of memory");
        h->hslots = want;
    }
    memset(h->hkey, 0, h->hslots * sizeof *h->hkey);
    uint8_t prefix[O_B];
    MDB_val k, v;
    MDB_cursor *c = cur(h, F_POS);
    prefix[0] = 1;
    put_id(prefix + O_A, small);
    for (int ok = range_first(c, prefix, O_B, O_B, h->join[0], &k, &v); ok;
         ok = range_next(c, prefix, O_B, O_B, h->join[0], &k, &v)) {
        uint64_t s = kid(&k, O_C);
        size_t i = subj_slot(h, s);
        if (!h->hkey[i]) {
            h->hkey[i] = s;
            h->hcount[i] = 0;
        }
        h->hcount[i]++;
    }
    put_id(prefix + O_A, large);
    for (int ok = range_first(c, prefix, O_B, O_B, h->join[0], &k, &v); ok;
         ok = range_next(c, prefix, O_B, O_B, h->join[0], &k, &v)) {
        size_t i = subj_slot(h, kid(&k, O_C));
        if (h->hkey[i]) n += h->hcount[i];
    }
    return n;
}

static void one_query(floor_q *h, int wi, const bench_param *bp, int64_t *rows, uint64_t *hash)
{
    uint8_t prefix[CITE_LEN];
    MDB_val k, v;
    MDB_cursor *c;
    uint64_t s = 0, p = 0, o = 0;
    int mask = bench_workloads[wi].nparams;
    if (mask & 1 && !(s = term_get(h, bp->s)) && wi != W_CHECK) return;
    if (mask & 2 && !(p = term_get(h, bp->p)) && wi != W_CHECK) return;
    if (mask & 4 && !(o = term_get(h, bp->o)) && wi != W_CHECK) return;
    uint64_t second = 0;
    if (mask & 16 && !(second = term_get(h, bp->p2))) return;
    switch (wi) {
    case W_LOOKUP:
        put_claim_key(prefix, 1, s, p, o);
        c = cur(h, F_CITE);
        for (int ok = range_first(c, prefix, CLAIM_LEN, 0, NULL, &k, &v); ok;
             ok = range_next(c, prefix, CLAIM_LEN, 0, NULL, &k, &v)) {
            *hash += bench_hash_int((int64_t)kpart(&k, C_ART));
            ++*rows;
        }
        break;
    case W_SP_O:
    case W_PO_S:
        prefix[0] = 1;
        put_id(prefix + O_A, wi == W_SP_O ? s : p);
        put_id(prefix + O_B, wi == W_SP_O ? p : o);
        c = cur(h, wi == W_SP_O ? F_SPO : F_POS);
        for (int ok = range_first(c, prefix, O_C, O_B, h->join[0], &k, &v); ok;
             ok = range_next(c, prefix, O_C, O_B, h->join[0], &k, &v)) {
            *hash += hash_name(h, kid(&k, O_C));
            ++*rows;
        }
        break;
    case W_JOIN: {
        uint8_t p2[O_B];
        prefix[0] = p2[0] = 1;
        put_id(prefix + O_A, s);
        c = cur(h, F_SPO);
        if (!(h->renewed & 1u << F_NDB)) {
            mdb_check(mdb_cursor_renew(h->txn, h->cur2), "cursor_renew");
            h->renewed |= 1u << F_NDB;
        }
        for (int ok = range_first(c, prefix, O_B, O_B, h->join[0], &k, &v); ok && *rows < 100;
             ok = range_next(c, prefix, O_B, O_B, h->join[0], &k, &v)) {
            memcpy(p2 + O_A, (uint8_t *)k.mv_data + O_C, ID_LEN);
            MDB_val k2, v2;
            for (int ok2 = range_first(h->cur2, p2, O_B, O_B, h->join[1], &k2, &v2);
                 ok2 && *rows < 100;
                 ok2 = range_next(h->cur2, p2, O_B, O_B, h->join[1], &k2, &v2)) {
                *hash += hash_name(h, kid(&k2, O_C));
                ++*rows;
            }
        }
        break;
    }
    case W_COUNT: {
        int64_t n = pred_claims(h, p);
        *rows = n;
        *hash += bench_hash_int(n);
        break;
    }
    case W_LIMIT:
        prefix[0] = 1;
        c = cur(h, F_SPO);
        for (int ok = range_first(c, prefix, 1, O_B, h->join[0], &k, &v); ok && *rows < 10;
             ok = range_next(c, prefix, 1, O_B, h->join[0], &k, &v)) {
            *hash += hash_name(h, kid(&k, O_A)) + hash_name(h, kid(&k, O_C));
            ++*rows;
        }
        break;
    case W_CITED:
        if (bp->a < 0) break;
        put_be(prefix, (uint64_t)bp->a);
        prefix[8] = 1;
        c = cur(h, F_ARTCITE);
        for (int ok = range_first(c, prefix, 9, 8, h->join[0], &k, &v); ok;
             ok = range_next(c, prefix, 9, 8, h->join[0], &k, &v)) {
            *hash += hash_name(h, kid(&k, 8 + O_A)) + hash_name(h, kid(&k, 8 + O_B)) +
                     hash_name(h, kid(&k, 8 + O_C));
            ++*rows;
        }
        break;
    case W_SOURCES: {
        /* One ordered pass over the positive citations: claims change every few entries,
         * articles come in order within a claim. */
        int64_t n = 0, arts = 0;
        uint8_t claim[CLAIM_LEN];
        uint64_t last = 0;
        prefix[0] = 1;
        c = cur(h, F_CITE);
        for (int ok = range_first(c, prefix, 1, 0, NULL, &k, &v); ok;
             ok = range_next(c, prefix, 1, 0, NULL, &k, &v)) {
            uint64_t art = kpart(&k, C_ART);
            if (arts == 0 || memcmp(claim, k.mv_data, CLAIM_LEN)) {
                n += arts >= 2;
                memcpy(claim, k.mv_data, CLAIM_LEN);
                arts = 1;
            } else {
                arts += art != last;
            }
            last = art;
        }
        n += arts >= 2;
        *rows = n;
        *hash += bench_hash_int(n);
        break;
    }
    case W_CHECK: {
        int64_t np = 0, nn = 0;
        double wp = 0, wn = 0;
        if (s && p && o) {
            check_side(h, 1, s, p, o, &np, &wp);
            check_side(h, 0, s, p, o, &nn, &wn);
        }
        const char *verdict = np == 0 && nn == 0 ? "unknown"
                              : wp > 0 && wn > 0 ? "disputed"
                              : wp >= 1          ? "supported"
                              : wn >= 1          ? "contradicted"
                                                 : "unverified";
        *hash += bench_hash_text(verdict) + bench_hash_int(np) + bench_hash_int(nn);
        *rows = 1;
        break;
    }
    case W_SUBJECT: {
        /* The subject's positive citations in (p, o, article) order; a claim's names are
         * read once for all its citations. */
        uint64_t lp = 0, lo = 0, hp = 0, ho = 0;
        prefix[0] = 1;
        put_id(prefix + O_A, s);
        c = cur(h, F_CITE);
        for (int ok = range_first(c, prefix, O_B, 0, NULL, &k, &v); ok;
             ok = range_next(c, prefix, O_B, 0, NULL, &k, &v)) {
            uint64_t kp = kid(&k, O_B), ko = kid(&k, O_C);
            int newp = kp != lp;
            if (newp) hp = hash_name(h, lp = kp);
            if (newp || ko != lo) ho = hash_name(h, lo = ko);
            *hash += hp + ho + bench_hash_int((int64_t)kpart(&k, C_ART));
            ++*rows;
        }
        break;
    }
    case W_PAIR: {
        int64_t n = pair_count(h, p, second);
        *rows = n;
        *hash += bench_hash_int(n);
        break;
    }
    default:
        bench_die("floor: no workload %d", wi);
    }
}

void floor_q_pass(floor_q *h, int wi, const bench_queryset *q, bench_result *r)
{
    r->total_rows = 0;
    double t0 = bench_now();
    for (size_t i = 0; i < q->n; i++) {
        mdb_check(mdb_txn_renew(h->txn), "txn_renew");
        h->renewed = 0;
        int64_t rows = 0;
        uint64_t hash = 0;
        one_query(h, wi, &q->params[i], &rows, &hash);
        mdb_txn_reset(h->txn);
        r->rows[i] = rows;
        r->hash[i] = hash;
        r->total_rows += rows;
    }
    r->seconds = bench_now() - t0;
}

const char *floor_lmdb_version(void)
{
    return mdb_version(NULL, NULL, NULL);
}
