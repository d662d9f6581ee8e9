/* text_bench.c — claimdb-text-bench: the text index (issue 15) on the synthetic citations of
 * gen.c, against SQLite FTS5 on the same quotes.
 *
 * The text index over quotes and claims is opt-in (CREATE TEXT INDEX ON QUOTES, CLAIMS), as an
 * FTS5 table is. Both ways of getting it are timed: claimdb loads N claims (with their
 * 50-70-byte quotes) into a database that has it from the start, and into one without it,
 * which then builds it (CREATE TEXT INDEX); SQLite loads the quotes into a table, then builds
 * an FTS5 index over it (external content, porter stemmer). The file sizes are printed with
 * and without the index. Then the same MATCH queries on both — words that both stemmers cut
 * alike, ANDed — checking that both return the same number of quotes of positive claims; then
 * SIMILAR ... IN QUOTES, and FTS5's bm25() top 10 of the same words ORed, for the ranked case.
 * Prints a table; exit status 1 when the systems disagree. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"
#include "claimdb.h"

void bench_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("claimdb-text-bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static double mb(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (double)sb.st_size / 1e6 : -1;
}

/* Wall-clock and CPU seconds of one timed part. */
typedef struct span {
    double wall, cpu;
} span;

static span span_start(void)
{
    return (span){now(), cpu()};
}

static span span_end(span s)
{
    return (span){now() - s.wall, cpu() - s.cpu};
}

static void check(claimdb *db, int rc, const char *what)
{
    if (rc != CLAIMDB_OK)
        bench_die("claimdb: %s: %s (%s)", what, claimdb_errmsg(db), claimdb_strerror(rc));
}

static void sq(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        bench_die("sqlite: %s: %s", what, sqlite3_errmsg(db));
}

/* The content words of gen.c's quotes (its stop words left out: claimdb drops them, FTS5
 * does not) that Snowball's English stemmer and FTS5's porter cut alike. */
static const char *const words[] = {
    "minister",  "said",         "tuesday", "forces",    "withdraw",  "talks",      "spokesman",
    "told",      "reporters",    "kabul",   "officials", "confirmed", "meeting",    "envoy",
    "weeks",     "negotiations", "denied",  "role",      "attack",    "government", "demanded",
    "statement", "late",         "monday",  "according", "sources",   "close",      "held",
    "city",      "local",        "police"};
#define NWORDS (sizeof words / sizeof *words)

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct timing {
    double mean, p50, p95;
} timing;

static timing summarise(double *t, size_t n)
{
    timing r = {0, 0, 0};
    if (!n) return r;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += t[i];
    qsort(t, n, sizeof *t, cmp_double);
    r.mean = sum / (double)n;
    r.p50 = t[n / 2];
    r.p95 = t[(size_t)((double)n * 0.95) < n ? (size_t)((double)n * 0.95) : n - 1];
    return r;
}

/* Rows of a claimdb statement with $m bound, every column read. */
static int64_t claimdb_rows(claimdb *db, claimdb_stmt *st, const char *m)
{
    check(db, claimdb_reset(st), "reset");
    check(db, claimdb_bind_text(st, "$m", m, -1), "bind");
    int64_t n = 0;
    int rc;
    while ((rc = claimdb_step(st)) == CLAIMDB_ROW) {
        for (int i = 0; i < claimdb_column_count(st); i++)
            (void)claimdb_column_text(st, i);
        n++;
    }
    if (rc != CLAIMDB_DONE) check(db, rc, "step");
    return n;
}

static int64_t sqlite_rows(sqlite3 *db, sqlite3_stmt *st, const char *m)
{
    sqlite3_reset(st);
    sq(db, sqlite3_bind_text(st, 1, m, -1, SQLITE_TRANSIENT), "bind");
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++)
            (void)sqlite3_column_text(st, i);
        n++;
    }
    sq(db, rc, "step");
    return n;
}

/* Load every citation of d into a new claimdb at path in one transaction, the text index
 * over quotes and claims created first when index is set. */
__attribute__((noinline)) static claimdb *load_claimdb(const bench_data *d, const char *path,
                                                       int index, span *t, int64_t *positive_quotes)
{
    claimdb *db = NULL;
    if (claimdb_open(path, CLAIMDB_OPEN_CREATE, &db) != CLAIMDB_OK)
        bench_die("claimdb: open %s", path);
    if (index)
        check(db, claimdb_exec(db, "CREATE TEXT INDEX ON QUOTES, CLAIMS;", NULL, NULL),
              "CREATE TEXT INDEX");
    bench_cit bc;
    claimdb_citation c;
    memset(&c, 0, sizeof c);
    c.method = CLAIMDB_METHOD_IMPORTED;
    *positive_quotes = 0;
    span s = span_start();
    check(db, claimdb_exec(db, "BEGIN;", NULL, NULL), "BEGIN");
    for (size_t i = 0; i < d->nclaims; i++)
        for (int k = 0; k < d->claims[i].ncit; k++) {
            bench_citation(d, i, k, &bc);
            c.subject = bc.s;
            c.predicate = bc.p;
            c.object = bc.o;
            c.negated = !bc.pol;
            c.article = bc.article;
            c.quote = bc.quote;
            c.claimant = bc.has_claimant ? bc.claimant : NULL;
            *positive_quotes += bc.pol;
            check(db, claimdb_assert(db, &c, NULL), "claimdb_assert");
        }
    check(db, claimdb_exec(db, "COMMIT;", NULL, NULL), "COMMIT");
    *t = span_end(s);
    return db;
}

int main(int argc, char **argv)
{
    size_t nclaims = 1000000, nqueries = 50;
    uint64_t seed = 1;
    const char *dir = "/var/tmp";
    int keep = 0, load_only = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--claims") && i + 1 < argc)
            nclaims = (size_t)strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--queries") && i + 1 < argc)
            nqueries = (size_t)strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--keep"))
            keep = 1;
        else if (!strcmp(argv[i], "--load-only"))
            load_only = 1;
        else {
            fprintf(stderr, "usage: claimdb-text-bench [--claims N] [--queries Q] [--seed S] "
                            "[--dir DIR] [--keep] [--load-only]\n");
            return 2;
        }
    }
    char cpath[4096], npath[4096], spath[4096], lock[4200], nlock[4200];
    snprintf(cpath, sizeof cpath, "%s/text-bench.claimdb", dir);
    snprintf(npath, sizeof npath, "%s/text-bench-noindex.claimdb", dir);
    snprintf(spath, sizeof spath, "%s/text-bench.sqlite", dir);
    snprintf(lock, sizeof lock, "%s-lock", cpath);
    snprintf(nlock, sizeof nlock, "%s-lock", npath);
    unlink(cpath);
    unlink(lock);
    unlink(npath);
    unlink(nlock);
    unlink(spath);
    bench_data d;
    bench_generate(&d, nclaims, seed);
    fprintf(stderr, "%zu claims, %zu citations (each with a quote)\n", d.nclaims, d.ncitations);

    /* ---- claimdb: a load that keeps the index as it goes; a load without it, then the
     * index built (CREATE TEXT INDEX) ---- */
    int64_t positive_quotes;
    span load, noindex, build;
    if (load_only) { /* the load with the index alone: for a profiler (callgrind) */
        claimdb *db = load_claimdb(&d, cpath, 1, &load, &positive_quotes);
        claimdb_close(db);
        printf("load with the text index: wall %.2f s, CPU %.2f s, file %.1f MB\n", load.wall,
               load.cpu, mb(cpath));
        if (!keep) {
            unlink(cpath);
            unlink(lock);
        }
        bench_data_free(&d);
        return 0;
    }
    claimdb *ndb = load_claimdb(&d, npath, 0, &noindex, &positive_quotes);
    double nsize = mb(npath);
    span s0 = span_start();
    check(ndb, claimdb_exec(ndb, "CREATE TEXT INDEX ON QUOTES, CLAIMS;", NULL, NULL),
          "CREATE TEXT INDEX");
    build = span_end(s0);
    double bsize = mb(npath);
    claimdb_close(ndb);
    if (!keep) {
        unlink(npath);
        unlink(nlock);
    }
    claimdb *db = load_claimdb(&d, cpath, 1, &load, &positive_quotes);
    double csize = mb(cpath);
    size_t texts = d.ncitations + d.nclaims; /* a document per quote and per claim */

    /* ---- SQLite: the quotes in a table, then an FTS5 index over it ---- */
    sqlite3 *sdb;
    if (sqlite3_open(spath, &sdb) != SQLITE_OK) bench_die("sqlite: open %s", spath);
    sq(sdb, sqlite3_exec(sdb, "CREATE TABLE cit(quote TEXT, pol INTEGER);", NULL, NULL, NULL),
       "CREATE TABLE");
    sqlite3_stmt *ins;
    sq(sdb, sqlite3_prepare_v2(sdb, "INSERT INTO cit(quote, pol) VALUES (?, ?);", -1, &ins, NULL),
       "prepare insert");
    bench_cit bc;
    s0 = span_start();
    sq(sdb, sqlite3_exec(sdb, "BEGIN;", NULL, NULL, NULL), "BEGIN");
    for (size_t i = 0; i < d.nclaims; i++)
        for (int k = 0; k < d.claims[i].ncit; k++) {
            bench_citation(&d, i, k, &bc);
            sqlite3_reset(ins);
            sqlite3_bind_text(ins, 1, bc.quote, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(ins, 2, bc.pol);
            sq(sdb, sqlite3_step(ins), "insert");
        }
    sq(sdb, sqlite3_exec(sdb, "COMMIT;", NULL, NULL, NULL), "COMMIT");
    span sload = span_end(s0);
    sqlite3_finalize(ins);
    double ssize = mb(spath);
    s0 = span_start();
    sq(sdb,
       sqlite3_exec(sdb,
                    "CREATE VIRTUAL TABLE q USING fts5(quote, pol UNINDEXED, content = 'cit', "
                    "tokenize = 'porter unicode61');"
                    "INSERT INTO q(q) VALUES ('rebuild');",
                    NULL, NULL, NULL),
       "CREATE VIRTUAL TABLE (is FTS5 built in?)");
    span fts = span_end(s0);
    double fsize = mb(spath);

    /* ---- the queries: the same words for both ---- */
    char(*qs)[128] = calloc(nqueries, sizeof *qs);
    char(*ors)[192] = calloc(nqueries, sizeof *ors);
    if (!qs || !ors) bench_die("out of memory");
    uint64_t st = seed ^ UINT64_C(0x7E57);
    for (size_t i = 0; i < nqueries; i++) {
        size_t n = 2 + bench_splitmix64(&st) % 2; /* two or three words */
        for (size_t w = 0; w < n; w++) {
            const char *x = words[bench_splitmix64(&st) % NWORDS];
            snprintf(qs[i] + strlen(qs[i]), sizeof qs[i] - strlen(qs[i]), "%s%s", w ? " " : "", x);
            snprintf(ors[i] + strlen(ors[i]), sizeof ors[i] - strlen(ors[i]), "%s%s",
                     w ? " OR " : "", x);
        }
    }
    claimdb_stmt *cm, *cs;
    check(db,
          claimdb_prepare(db, "FIND ?src, ?q WHERE ?s ?p ?o FROM ?src QUOTE ?q FILTER ?q MATCH $m;",
                          -1, &cm, NULL),
          "prepare MATCH");
    check(db, claimdb_prepare(db, "SIMILAR $m IN QUOTES LIMIT 10;", -1, &cs, NULL),
          "prepare SIMILAR");
    sqlite3_stmt *sm, *sr;
    sq(sdb,
       sqlite3_prepare_v2(sdb, "SELECT rowid, quote FROM q WHERE q MATCH ? AND pol = 1;", -1, &sm,
                          NULL),
       "prepare MATCH");
    sq(sdb,
       sqlite3_prepare_v2(sdb,
                          "SELECT rowid, quote, bm25(q) FROM q WHERE q MATCH ? ORDER BY bm25(q) "
                          "LIMIT 10;",
                          -1, &sr, NULL),
       "prepare bm25");
    double *tc = calloc(nqueries, sizeof *tc), *ts = calloc(nqueries, sizeof *ts);
    double *tsim = calloc(nqueries, sizeof *tsim), *tbm = calloc(nqueries, sizeof *tbm);
    if (!tc || !ts || !tsim || !tbm) bench_die("out of memory");
    int64_t rows = 0;
    for (size_t i = 0; i < nqueries; i++) {
        double a = now();
        int64_t n1 = claimdb_rows(db, cm, qs[i]);
        tc[i] = now() - a;
        a = now();
        int64_t n2 = sqlite_rows(sdb, sm, qs[i]);
        ts[i] = now() - a;
        if (n1 != n2)
            bench_die("MATCH \"%s\": claimdb %lld quotes, FTS5 %lld", qs[i], (long long)n1,
                      (long long)n2);
        rows += n1;
        a = now();
        int64_t k1 = claimdb_rows(db, cs, qs[i]);
        tsim[i] = now() - a;
        a = now();
        int64_t k2 = sqlite_rows(sdb, sr, ors[i]);
        tbm[i] = now() - a;
        if (k1 != 10 || k2 != 10)
            bench_die("top 10 of \"%s\": claimdb %lld rows, FTS5 %lld", qs[i], (long long)k1,
                      (long long)k2);
    }
    if (!rows) bench_die("no MATCH query found anything: nothing was measured");
    timing a = summarise(tc, nqueries), b = summarise(ts, nqueries), s1 = summarise(tsim, nqueries),
           s2 = summarise(tbm, nqueries);
    printf("claimdb-text-bench: %zu claims, %zu quotes (%lld of positive claims), %zu queries\n",
           d.nclaims, d.ncitations, (long long)positive_quotes, nqueries);
    printf("| measure | claimdb | SQLite FTS5 |\n| --- | ---: | ---: |\n");
    printf("| load without the text index, one transaction: wall / CPU (s) | %.2f / %.2f (claims "
           "and citations) | %.2f / %.2f (a table of the quotes) |\n",
           noindex.wall, noindex.cpu, sload.wall, sload.cpu);
    printf("| text index built after the load: wall / CPU (s) | %.2f / %.2f: %.0f texts/s (%zu "
           "quotes + %zu claims; CREATE TEXT INDEX) | %.2f / %.2f (%zu quotes; FTS5 'rebuild') "
           "|\n",
           build.wall, build.cpu, (double)texts / build.wall, d.ncitations, d.nclaims, fts.wall,
           fts.cpu, d.ncitations);
    printf("| load with the text index kept as it goes: wall / CPU (s) | %.2f / %.2f | |\n",
           load.wall, load.cpu);
    printf("| file without / with the text index (MB) | %.1f / %.1f (built after: %.1f) | %.1f "
           "/ %.1f |\n",
           nsize, csize, bsize, ssize, fsize);
    printf("| MATCH, 2-3 words ANDed: mean / p50 / p95 (ms) | %.1f / %.1f / %.1f | %.1f / %.1f / "
           "%.1f |\n",
           a.mean * 1e3, a.p50 * 1e3, a.p95 * 1e3, b.mean * 1e3, b.p50 * 1e3, b.p95 * 1e3);
    printf("| MATCH rows a query, mean (same in both) | %.0f | %.0f |\n",
           (double)rows / (double)nqueries, (double)rows / (double)nqueries);
    printf("| top 10 ranked: SIMILAR IN QUOTES / bm25() of the words ORed, mean / p50 / p95 "
           "(ms) | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f |\n",
           s1.mean * 1e3, s1.p50 * 1e3, s1.p95 * 1e3, s2.mean * 1e3, s2.p50 * 1e3, s2.p95 * 1e3);
    claimdb_finalize(cm);
    claimdb_finalize(cs);
    sqlite3_finalize(sm);
    sqlite3_finalize(sr);
    sqlite3_close(sdb);
    claimdb_close(db);
    if (!keep) {
        unlink(cpath);
        unlink(lock);
        unlink(spath);
    }
    free(qs);
    free(ors);
    free(tc);
    free(ts);
    free(tsim);
    free(tbm);
    bench_data_free(&d);
    return 0;
}
