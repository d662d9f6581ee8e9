/* main.c — claimdb-bench: load the same synthetic claims into claimdb and into SQLite, run the
 * same queries on both, check that both return the same results, and print a table.
 *
 *   claimdb-bench [--claims N] [--dir DIR] [--seed S] [--lookups K] [--queries Q]
 *                 [--only claimdb|sqlite] [--repeat R] [--no-warmup] [--sqlite-cache MB]
 *                 [--keep] [--verbose]
 *
 * Speed is measured here, never asserted: ctest does not run this program.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "claimdb.h"

#include "bench.h"

int bench_sqlite_cache_mb = 0;

const bench_workload bench_workloads[W_COUNT_OF] = {
    [W_LOOKUP] = {"point lookup  $s $p $o FROM ?src",
                  "FIND ?src WHERE $s $p $o FROM ?src;",
                  "SELECT ct.article FROM terms ts, terms tp, terms tob, claims c, citations ct"
                  " WHERE ts.name = ?1 AND tp.name = ?2 AND tob.name = ?3"
                  " AND c.pol = 1 AND c.s = ts.id AND c.p = tp.id AND c.o = tob.id"
                  " AND ct.claim = c.id;",
                  7,
                  1,
                  {COL_INT, 0},
                  0},
    [W_SP_O] = {"scan  $s $p ?o",
                "FIND ?o WHERE $s $p ?o;",
                "SELECT tob.name FROM terms ts, terms tp, claims c, terms tob"
                " WHERE ts.name = ?1 AND tp.name = ?2"
                " AND c.pol = 1 AND c.s = ts.id AND c.p = tp.id AND tob.id = c.o;",
                3,
                1,
                {COL_TEXT, 0},
                0},
    [W_PO_S] = {"scan  ?s $p $o",
                "FIND ?s WHERE ?s $p $o;",
                "SELECT ts.name FROM terms tp, terms tob, claims c, terms ts"
                " WHERE tp.name = ?2 AND tob.name = ?3"
                " AND c.pol = 1 AND c.p = tp.id AND c.o = tob.id AND ts.id = c.s;",
                6,
                1,
                {COL_TEXT, 0},
                0},
    [W_JOIN] = {"join  $s ?p ?o . ?o ?p2 ?o2 LIMIT 100",
                "FIND ?o2 WHERE $s ?p ?o AND ?o ?p2 ?o2 LIMIT 100;",
                "SELECT t2.name FROM terms ts CROSS JOIN claims c1 CROSS JOIN claims c2"
                " CROSS JOIN terms t2"
                " WHERE ts.name = ?1 AND c1.pol = 1 AND c1.s = ts.id"
                " AND c2.pol = 1 AND c2.s = c1.o AND t2.id = c2.o LIMIT 100;",
                1,
                1,
                {COL_TEXT, 0},
                100},
    [W_COUNT] = {"count  COUNT(*) ?s $p ?o",
                 "FIND COUNT(*) WHERE ?s $p ?o;",
                 "SELECT count(*) FROM terms tp, claims c"
                 " WHERE tp.name = ?2 AND c.pol = 1 AND c.p = tp.id;",
                 2,
                 1,
                 {COL_INT, 0},
                 0},
    [W_LIMIT] = {"LIMIT 10  ?s ?p ?o",
                 "FIND ?s, ?o WHERE ?s ?p ?o LIMIT 10;",
                 "SELECT ts.name, tob.name FROM claims c, terms ts, terms tob"
                 " WHERE c.pol = 1 AND ts.id = c.s AND tob.id = c.o LIMIT 10;",
                 0,
                 2,
                 {COL_TEXT, COL_TEXT},
                 10},
};

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

uint64_t bench_hash_text(const char *s)
{
    uint64_t h = UINT64_C(0xCBF29CE484222325);
    for (; s && *s; s++)
        h = (h ^ (uint8_t)*s) * UINT64_C(0x100000001B3);
    return bench_mix(h, 1);
}

uint64_t bench_hash_int(int64_t v)
{
    return bench_mix((uint64_t)v, 2);
}

void bench_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("claimdb-bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

void bench_progress(const char *what, size_t done, size_t total)
{
    static int last = -1;
    if (!isatty(2)) return;
    int pct = total ? (int)(done * 100 / total) : 100;
    if (done == 0) last = -1;
    if (pct / 10 == last / 10 && done != total) return;
    last = pct;
    fprintf(stderr, "\r  %s: %3d%%", what, pct);
    if (done == total) fputc('\n', stderr);
    fflush(stderr);
}

int64_t bench_file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

/* ---- query sets ---- */

static size_t random_pos_claim(const bench_data *d, uint64_t *st)
{
    for (;;) {
        size_t i = (size_t)(bench_splitmix64(st) % d->nclaims);
        if (d->claims[i].pol) return i;
    }
}

static void make_queries(const bench_data *d, size_t lookups, size_t queries, size_t limit_reps,
                         bench_queryset qs[W_COUNT_OF])
{
    uint64_t st = d->seed ^ UINT64_C(0x9E3779B97F4A7C15);
    for (int w = 0; w < W_COUNT_OF; w++) {
        size_t n = w == W_LOOKUP ? lookups : w == W_LIMIT ? limit_reps : queries;
        qs[w].n = n;
        qs[w].params = calloc(n ? n : 1, sizeof *qs[w].params);
        if (!qs[w].params) bench_die("out of memory");
        for (size_t q = 0; q < n; q++) {
            bench_param *bp = &qs[w].params[q];
            bp->expect = -1;
            if (w == W_COUNT) { /* a predicate used by at least one positive claim, uniformly */
                uint32_t p;
                do
                    p = (uint32_t)(bench_splitmix64(&st) % BENCH_NPREDICATES);
                while (!d->pred_pos[p]);
                bench_predicate_name(p, bp->p);
                bp->expect = d->pred_pos[p];
                continue;
            }
            if (w == W_LIMIT) continue;
            const bench_claim *c = &d->claims[random_pos_claim(d, &st)];
            bench_entity_name(c->s, bp->s);
            bench_predicate_name(c->p, bp->p);
            bench_entity_name(c->o, bp->o);
            if (w == W_LOOKUP) bp->expect = c->ncit;
        }
    }
}

static void alloc_results(const bench_queryset qs[W_COUNT_OF], bench_result res[W_COUNT_OF])
{
    for (int w = 0; w < W_COUNT_OF; w++) {
        size_t n = qs[w].n ? qs[w].n : 1;
        res[w].rows = calloc(n, sizeof *res[w].rows);
        res[w].hash = calloc(n, sizeof *res[w].hash);
        if (!res[w].rows || !res[w].hash) bench_die("out of memory");
        res[w].cursor_ops = -1;
    }
}

static void free_results(bench_result res[W_COUNT_OF])
{
    for (int w = 0; w < W_COUNT_OF; w++) {
        free(res[w].rows);
        free(res[w].hash);
    }
}

/* Abort unless a system's results make sense on their own: expected counts, and some rows. */
static void check_alone(const char *sys, const bench_queryset qs[W_COUNT_OF],
                        const bench_result res[W_COUNT_OF])
{
    for (int w = 0; w < W_COUNT_OF; w++) {
        for (size_t q = 0; q < qs[w].n; q++) {
            const bench_param *bp = &qs[w].params[q];
            if (bp->expect >= 0 && res[w].rows[q] != bp->expect)
                bench_die("%s: %s with $s=\"%s\" $p=\"%s\" $o=\"%s\" gave %lld, expected %lld", sys,
                          bench_workloads[w].cql, bp->s, bp->p, bp->o, (long long)res[w].rows[q],
                          (long long)bp->expect);
            if (bench_workloads[w].limit && res[w].rows[q] > bench_workloads[w].limit)
                bench_die("%s: %s returned %lld rows, more than its LIMIT", sys,
                          bench_workloads[w].cql, (long long)res[w].rows[q]);
        }
        if (qs[w].n && res[w].total_rows == 0)
            bench_die("%s: %s returned no rows at all over %zu queries: nothing was measured", sys,
                      bench_workloads[w].cql, qs[w].n);
    }
}

/* Abort when the two systems disagree on a count, or (below LIMIT) on the rows' hash. */
static void check_agree(const bench_queryset qs[W_COUNT_OF], const bench_result a[W_COUNT_OF],
                        const bench_result b[W_COUNT_OF])
{
    for (int w = 0; w < W_COUNT_OF; w++) {
        for (size_t q = 0; q < qs[w].n; q++) {
            const bench_param *bp = &qs[w].params[q];
            int lim = bench_workloads[w].limit;
            int hash_ok = !lim || a[w].rows[q] < lim;
            if (a[w].rows[q] != b[w].rows[q] || (hash_ok && a[w].hash[q] != b[w].hash[q]))
                bench_die("claimdb and SQLite disagree on %s with $s=\"%s\" $p=\"%s\" $o=\"%s\": "
                          "claimdb %lld rows (hash %016llx), SQLite %lld rows (hash %016llx)",
                          bench_workloads[w].cql, bp->s, bp->p, bp->o, (long long)a[w].rows[q],
                          (unsigned long long)a[w].hash[q], (long long)b[w].rows[q],
                          (unsigned long long)b[w].hash[q]);
        }
    }
}

/* ---- report ---- */

static void machine_line(char *buf, size_t len)
{
    char model[256] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "model name", 10) == 0) {
                char *c = strchr(line, ':');
                if (c) {
                    c++;
                    while (*c == ' ' || *c == '\t')
                        c++;
                    c[strcspn(c, "\n")] = '\0';
                    snprintf(model, sizeof model, "%s", c);
                }
                break;
            }
        }
        fclose(f);
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(buf, len, "nproc %ld, %s", n, model);
}

static void cell(char *buf, size_t len, double v, const char *fmt)
{
    if (v < 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, fmt, v);
}

static void row(const char *name, double a, double b, const char *fmt, int higher_better,
                const char *extra)
{
    char ca[32], cb[32], cr[32];
    cell(ca, sizeof ca, a, fmt);
    cell(cb, sizeof cb, b, fmt);
    if (a > 0 && b > 0)
        snprintf(cr, sizeof cr, "%.2f", higher_better ? a / b : b / a);
    else
        snprintf(cr, sizeof cr, "-");
    size_t width = 0; /* display columns: UTF-8 continuation bytes take none */
    for (const char *c = name; *c; c++)
        width += ((uint8_t)*c & 0xC0) != 0x80;
    printf("| %s%*s | %10s | %10s | %6s | %s\n", name, width < 52 ? (int)(52 - width) : 0, "", ca,
           cb, cr, extra ? extra : "");
}

/* CPU time of the whole machine and of this process, to tell how busy other processes kept
 * the machine (a shared VM is noisy: the report says so). */
typedef struct cpu_mark {
    double wall, busy, self;
} cpu_mark;

static void cpu_now(cpu_mark *m)
{
    m->wall = bench_now();
    m->busy = m->self = 0;
    FILE *f = fopen("/proc/stat", "r");
    if (f) {
        unsigned long long v[10] = {0};
        if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                   &v[4], &v[5], &v[6], &v[7]) == 8)
            m->busy =
                (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)sysconf(_SC_CLK_TCK);
        fclose(f);
    }
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        m->self = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
                  (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static double cpu_others(const cpu_mark *a, const cpu_mark *b)
{
    double wall = b->wall - a->wall;
    if (wall <= 0 || b->busy <= 0) return 0;
    double o = ((b->busy - a->busy) - (b->self - a->self)) / wall;
    return o < 0 ? 0 : o;
}

static void usage(void)
{
    fputs("usage: claimdb-bench [--claims N] [--dir DIR] [--seed S] [--lookups K] [--queries Q]\n"
          "                     [--only claimdb|sqlite] [--repeat R] [--no-warmup]\n"
          "                     [--sqlite-cache MB] [--keep] [--verbose]\n",
          stderr);
    exit(2);
}

static size_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end) usage();
    return (size_t)v;
}

int main(int argc, char **argv)
{
    size_t nclaims = 1000000, lookups = 100000, queries = 5000, limit_reps = 10000;
    uint64_t seed = 1;
    const char *dir = NULL, *only = NULL;
    int keep = 0, verbose = 0, warmup = 1, repeat = 3;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--claims") && i + 1 < argc)
            nclaims = parse_size(argv[++i]);
        else if (!strcmp(a, "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(a, "--seed") && i + 1 < argc)
            seed = parse_size(argv[++i]);
        else if (!strcmp(a, "--lookups") && i + 1 < argc)
            lookups = parse_size(argv[++i]);
        else if (!strcmp(a, "--queries") && i + 1 < argc)
            queries = parse_size(argv[++i]);
        else if (!strcmp(a, "--only") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(a, "--keep"))
            keep = 1;
        else if (!strcmp(a, "--no-warmup"))
            warmup = 0;
        else if (!strcmp(a, "--repeat") && i + 1 < argc) {
            size_t r = parse_size(argv[++i]);
            if (r < 1 || r > 1000) usage();
            repeat = (int)r;
        } else if (!strcmp(a, "--sqlite-cache") && i + 1 < argc) {
            size_t mb = parse_size(argv[++i]);
            if (mb > 1000000) usage();
            bench_sqlite_cache_mb = (int)mb;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v"))
            verbose = 1;
        else
            usage();
    }
    if (nclaims == 0) bench_die("--claims must be at least 1");
    if (only && strcmp(only, "claimdb") && strcmp(only, "sqlite")) usage();
    int run_c = !only || !strcmp(only, "claimdb"), run_s = !only || !strcmp(only, "sqlite");

    char tmpl[] = "/var/tmp/claimdb-bench.XXXXXX";
    int made_dir = 0;
    if (!dir) {
        if (!mkdtemp(tmpl)) bench_die("mkdtemp %s: %s", tmpl, strerror(errno));
        dir = tmpl;
        made_dir = 1;
    }
    char cpath[4096], cpath_lock[4200], spath[4096], spath_j[4200];
    snprintf(cpath, sizeof cpath, "%s/bench.claimdb", dir);
    snprintf(cpath_lock, sizeof cpath_lock, "%s-lock", cpath);
    snprintf(spath, sizeof spath, "%s/bench.sqlite", dir);
    snprintf(spath_j, sizeof spath_j, "%s-journal", spath);

    char machine[400];
    machine_line(machine, sizeof machine);

    fprintf(stderr, "generating %zu claims (seed %llu)...\n", nclaims, (unsigned long long)seed);
    double t0 = bench_now();
    bench_data d;
    bench_generate(&d, nclaims, seed);
    bench_queryset qs[W_COUNT_OF];
    make_queries(&d, lookups, queries, limit_reps, qs);
    fprintf(stderr, "  %zu claims (%zu positive), %zu citations, in %.2f s\n", d.nclaims, d.npos,
            d.ncitations, bench_now() - t0);

    bench_load lc = {-1, -1, -1, -1}, ls = {-1, -1, -1, -1};
    bench_result rc[W_COUNT_OF], rs[W_COUNT_OF];
    memset(rc, 0, sizeof rc);
    memset(rs, 0, sizeof rs);
    alloc_results(qs, rc);
    alloc_results(qs, rs);
    for (int w = 0; w < W_COUNT_OF; w++)
        rc[w].seconds = rs[w].seconds = -1;

    cpu_mark m0, m1, m2;
    cpu_now(&m0);
    if (run_c) {
        fprintf(stderr, "claimdb %s: %s\n", claimdb_version(), cpath);
        claimdb_run_load(&d, cpath, &lc, verbose);
    }
    if (run_s) {
        fprintf(stderr, "SQLite %s (default journal and synchronous): %s\n", sqlite3_libversion(),
                spath);
        sqlite_run_load(&d, spath, &ls, verbose);
    }
    cpu_now(&m1);

    /* Queries: the systems alternate workload by workload, and each timed pass is repeated,
     * keeping the fastest, so that a burst of load from other processes on a shared machine
     * hits neither system alone. */
    fprintf(stderr, "queries (%d timed pass%s each, fastest kept%s):\n", repeat,
            repeat == 1 ? "" : "es", warmup ? ", after one untimed pass" : "");
    claimdb_q *hc = run_c ? claimdb_q_open(cpath, qs, verbose) : NULL;
    sqlite_q *hs = run_s ? sqlite_q_open(spath, verbose) : NULL;
    bench_result tmp;
    memset(&tmp, 0, sizeof tmp);
    for (int w = 0; w < W_COUNT_OF; w++) {
        for (int pass = warmup ? -1 : 0; pass < repeat; pass++) {
            for (int sys = 0; sys < 2; sys++) {
                bench_result *r = sys == 0 ? &rc[w] : &rs[w];
                if (sys == 0 && !hc) continue;
                if (sys == 1 && !hs) continue;
                tmp.rows = r->rows;
                tmp.hash = r->hash;
                if (sys == 0)
                    claimdb_q_pass(hc, w, &qs[w], &tmp);
                else
                    sqlite_q_pass(hs, w, &qs[w], &tmp);
                r->total_rows = tmp.total_rows;
                r->cursor_ops = sys == 0 ? tmp.cursor_ops : -1;
                if (pass >= 0 && (r->seconds < 0 || tmp.seconds < r->seconds))
                    r->seconds = tmp.seconds;
            }
        }
        double n = qs[w].n ? (double)qs[w].n : 1;
        fprintf(stderr, "  %-42s claimdb %9.2f µs, SQLite %9.2f µs\n", bench_workloads[w].name,
                rc[w].seconds * 1e6 / n, rs[w].seconds * 1e6 / n);
    }
    claimdb_q_close(hc);
    sqlite_q_close(hs);
    cpu_now(&m2);
    if (run_c) check_alone("claimdb", qs, rc);
    if (run_s) check_alone("SQLite", qs, rs);
    if (run_c && run_s) {
        if (lc.check_pos_claims != ls.check_pos_claims ||
            lc.check_pos_citations != ls.check_pos_citations)
            bench_die("after loading, claimdb counts %lld positive claims and %lld citations, "
                      "SQLite %lld and %lld",
                      (long long)lc.check_pos_claims, (long long)lc.check_pos_citations,
                      (long long)ls.check_pos_claims, (long long)ls.check_pos_citations);
        check_agree(qs, rc, rs);
        fprintf(stderr, "results agree: every query returned the same rows in both systems\n");
    }

    printf("\nclaimdb-bench: %zu claims (%zu positive, %zu negative), %zu citations, "
           "%u subjects, %u entities, %d predicates, %d articles, seed %llu\n",
           d.nclaims, d.npos, d.nclaims - d.npos, d.ncitations, d.nsubjects, d.nentities,
           BENCH_NPREDICATES, BENCH_NARTICLES, (unsigned long long)seed);
    printf("machine: %s\n", machine);
    if (bench_sqlite_cache_mb)
        printf("claimdb %s, SQLite %s (page cache %d MiB)\n", claimdb_version(),
               sqlite3_libversion(), bench_sqlite_cache_mb);
    else
        printf("claimdb %s, SQLite %s (default page cache, 2 MiB)\n", claimdb_version(),
               sqlite3_libversion());
    printf(
        "queries: %s%d timed pass%s per system, the fastest kept; systems alternate per workload\n",
        warmup ? "one untimed pass, then " : "no warm-up, ", repeat, repeat == 1 ? "" : "es");
    printf(
        "other processes kept %.2f of %ld CPUs busy during the loads, %.2f during the queries\n\n",
        cpu_others(&m0, &m1), sysconf(_SC_NPROCESSORS_ONLN), cpu_others(&m1, &m2));
    printf("| %-52s | %10s | %10s | %6s | %s\n", "workload", "claimdb", "SQLite", "ratio",
           "claimdb cursor ops/query");
    printf("|------------------------------------------------------|------------|------------|"
           "--------|--------------------------\n");
    row("bulk load, one transaction (s)", lc.seconds, ls.seconds, "%.2f", 0, NULL);
    row("  claims/s", lc.seconds > 0 ? (double)d.nclaims / lc.seconds : -1,
        ls.seconds > 0 ? (double)d.nclaims / ls.seconds : -1, "%.0f", 1, NULL);
    row("  citations/s", lc.seconds > 0 ? (double)d.ncitations / lc.seconds : -1,
        ls.seconds > 0 ? (double)d.ncitations / ls.seconds : -1, "%.0f", 1, NULL);
    row("database file (MB)", lc.file_bytes >= 0 ? (double)lc.file_bytes / 1048576.0 : -1,
        ls.file_bytes >= 0 ? (double)ls.file_bytes / 1048576.0 : -1, "%.1f", 0, NULL);
    for (int w = 0; w < W_COUNT_OF; w++) {
        char name[96], extra[64] = "";
        snprintf(name, sizeof name, "%s (µs, %zu q)", bench_workloads[w].name, qs[w].n);
        double n = qs[w].n ? (double)qs[w].n : 1;
        if (rc[w].cursor_ops >= 0)
            snprintf(extra, sizeof extra, "%.1f", (double)rc[w].cursor_ops / n);
        row(name, rc[w].seconds >= 0 ? rc[w].seconds * 1e6 / n : -1,
            rs[w].seconds >= 0 ? rs[w].seconds * 1e6 / n : -1, "%.2f", 0, extra);
    }
    printf("\nratio = SQLite / claimdb for times, claimdb / SQLite for rates: > 1 means claimdb "
           "is faster.\nrows per query:");
    for (int w = 0; w < W_COUNT_OF; w++) {
        double n = qs[w].n ? (double)qs[w].n : 1;
        printf(" %s%.1f", w ? "; " : "", (double)(run_c ? rc[w].total_rows : rs[w].total_rows) / n);
    }
    printf(" (lookup; sp?o; ?spo; join; count value; limit)\n");

    if (!keep) {
        unlink(cpath);
        unlink(cpath_lock);
        unlink(spath);
        unlink(spath_j);
        if (made_dir) rmdir(dir);
    } else {
        fprintf(stderr, "kept %s and %s\n", cpath, spath);
    }
    free_results(rc);
    free_results(rs);
    for (int w = 0; w < W_COUNT_OF; w++)
        free(qs[w].params);
    bench_data_free(&d);
    return 0;
}
