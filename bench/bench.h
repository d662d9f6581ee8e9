/* bench.h — shared pieces of claimdb-bench: the synthetic data, the workloads and the
 * per-system runners (claimdb in run_claimdb.c, SQLite in run_sqlite.c).
 *
 * The data is generated once, deterministically from a seed, and both systems load and query
 * exactly the same citations with exactly the same parameter values. Every query records how
 * many rows it returned and an order-independent hash of them, so that main.c can check that
 * both systems answered the same thing (and that the benchmark measured real work).
 */
#ifndef CLAIMDB_BENCH_H
#define CLAIMDB_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* ---- synthetic data (gen.c) ---- */

#define BENCH_NPREDICATES 200
#define BENCH_NARTICLES 5000
#define BENCH_NCLAIMANTS 2000
#define BENCH_NAME_MAX 40 /* bytes of a generated term name, with its NUL */
#define BENCH_QUOTE_MAX 96

typedef struct bench_claim {
    uint32_t s, o;   /* entity ids */
    uint16_t p;      /* predicate id */
    uint8_t pol;     /* 1: positive, 0: negative */
    uint8_t ncit;    /* 1..3 citing articles */
    uint16_t art[3]; /* distinct article ids */
} bench_claim;

typedef struct bench_data {
    uint64_t seed;
    size_t nclaims, npos, ncitations;
    uint32_t nsubjects,
        nentities; /* subjects are entities 0..nsubjects-1; objects 0..nentities-1 */
    bench_claim *claims;
    uint32_t pred_pos[BENCH_NPREDICATES]; /* positive claims per predicate */
} bench_data;

/* One citation as both loaders see it: strings in the struct's own buffers. */
typedef struct bench_cit {
    char s[BENCH_NAME_MAX], p[BENCH_NAME_MAX], o[BENCH_NAME_MAX], claimant[BENCH_NAME_MAX];
    char quote[BENCH_QUOTE_MAX];
    int pol, has_claimant, has_confidence;
    int64_t article;
    double confidence;
} bench_cit;

uint64_t bench_splitmix64(uint64_t *state);
uint64_t bench_mix(uint64_t a, uint64_t b);
void bench_entity_name(uint32_t id, char *buf);
void bench_predicate_name(uint32_t id, char *buf);
/* Generate n distinct claims; exits with a message when out of memory. */
void bench_generate(bench_data *d, size_t n, uint64_t seed);
void bench_data_free(bench_data *d);
/* Citation k (0 <= k < ncit) of claim i. */
void bench_citation(const bench_data *d, size_t i, int k, bench_cit *out);

/* ---- workloads ---- */

enum {
    W_LOOKUP,  /* FIND ?src WHERE $s $p $o FROM ?src; */
    W_SP_O,    /* FIND ?o WHERE $s $p ?o; */
    W_PO_S,    /* FIND ?s WHERE ?s $p $o; */
    W_JOIN,    /* FIND ?o2 WHERE $s ?p ?o AND ?o ?p2 ?o2 LIMIT 100; */
    W_COUNT,   /* FIND COUNT(*) WHERE ?s $p ?o; */
    W_LIMIT,   /* FIND ?s, ?o WHERE ?s ?p ?o LIMIT 10; */
    W_CITED,   /* Q3: FIND ?s, ?p, ?o WHERE ?s ?p ?o CITED BY $a; */
    W_SOURCES, /* Q5: FIND COUNT(*) WHERE ?s ?p ?o SOURCES >= 2; */
    W_CHECK,   /* Q8: CHECK $s $p $o; (verdict, supporting, contradicting) */
    W_SUBJECT, /* Q1: FIND ?p, ?o, ?src WHERE $s ?p ?o FROM ?src; */
    W_PAIR,    /* Q4: FIND COUNT(*) WHERE ?s $p ?o1 AND ?s $p2 ?o2; */
    W_COUNT_OF
};

/* Kind of a result column: an integer (article id, count) or a term's text. */
enum { COL_INT, COL_TEXT };

typedef struct bench_workload {
    const char *name; /* short label for the table */
    const char *cql;  /* the ClaimQL statement */
    const char *sql;  /* the SQLite statement */
    int nparams;      /* $s, $p, $o, $a, $p2: which are used, as a mask 1=s 2=p 4=o 8=a 16=p2 */
    int ncols;        /* columns read (CHECK has more; the first ncols are compared) */
    int coltype[3];
    int limit;    /* LIMIT of the statement, 0 if none (hash comparable only below it) */
    int is_count; /* one row whose first column is a count: "rows" records its value */
} bench_workload;

extern const bench_workload bench_workloads[W_COUNT_OF];

/* Parameter values of one query (unused ones are empty). */
typedef struct bench_param {
    char s[BENCH_NAME_MAX], p[BENCH_NAME_MAX], o[BENCH_NAME_MAX], p2[BENCH_NAME_MAX];
    int64_t a;      /* article id ($a) */
    int64_t expect; /* expected rows (LOOKUP, CHECK, Q1) or count (COUNT, SOURCES, Q4), -1 if
                     * unknown */
} bench_param;

typedef struct bench_queryset {
    size_t n;
    bench_param *params;
} bench_queryset;

/* What one system measured for one workload. */
typedef struct bench_result {
    double seconds;     /* total for all n queries */
    int64_t cursor_ops; /* claimdb only: total LMDB cursor operations, -1 when unknown */
    int64_t *rows;      /* per query: rows returned (for COUNT: the count value) */
    uint64_t *hash;     /* per query: sum of hashes of every returned value */
    int64_t total_rows;
} bench_result;

typedef struct bench_load {
    double seconds;
    int64_t file_bytes;
    int64_t peak_rss;   /* bytes: the load's process (main.c forks one per load), up to the end
                         * of the load (not the count after it, which reads the whole file
                         * through the map); -1 if unknown */
    double cpu_seconds; /* user + system CPU time of the timed part, -1 if unknown: on a busy
                         * shared machine it moves less than the wall-clock time */
    int64_t check_pos_claims, check_pos_citations; /* counted after the load, -1 if not */
} bench_load;

/* ---- helpers (main.c) ---- */
double bench_now(void);
double bench_cpu_now(void);   /* user + system CPU time of this process, seconds */
int64_t bench_peak_rss(void); /* the peak RSS of this process so far, bytes; -1 unknown */
uint64_t bench_hash_text(const char *s);
uint64_t bench_hash_int(int64_t v);
void bench_die(const char *fmt, ...);
void bench_progress(const char *what, size_t done, size_t total);
int64_t bench_file_size(const char *path);

/* ---- runners ---- */
/* SQLite page cache in MiB for every connection (PRAGMA cache_size); 0: SQLite's default. */
extern int bench_sqlite_cache_mb;
/* Load d into a new database at path (removed first). */
void claimdb_run_load(const bench_data *d, const char *path, bench_load *out, int verbose);
/* Query side: open a read-only handle with every workload's statement prepared; run one pass
 * of a workload's query set (r gets the pass's time, rows and hashes); close. */
typedef struct claimdb_q claimdb_q;
claimdb_q *claimdb_q_open(const char *path, const bench_queryset qs[W_COUNT_OF], int verbose);
void claimdb_q_pass(claimdb_q *h, int w, const bench_queryset *q, bench_result *r);
void claimdb_q_close(claimdb_q *h);

void sqlite_run_load(const bench_data *d, const char *path, bench_load *out, int verbose);
typedef struct sqlite_q sqlite_q;
sqlite_q *sqlite_q_open(const char *path, int verbose);
void sqlite_q_pass(sqlite_q *h, int w, const bench_queryset *q, bench_result *r);
void sqlite_q_close(sqlite_q *h);

/* The raw LMDB floor (run_floor.c): the least work that builds claimdb's indexes (same keys,
 * same values) and answers each workload with hand-written cursor scans. */
void floor_run_load(const bench_data *d, const char *path, bench_load *out, int verbose);
typedef struct floor_q floor_q;
floor_q *floor_q_open(const char *path);
void floor_q_pass(floor_q *h, int w, const bench_queryset *q, bench_result *r);
void floor_q_close(floor_q *h);
const char *floor_lmdb_version(void);

#endif /* CLAIMDB_BENCH_H */
