/* main.c — claimdb-bench: load the same synthetic claims into claimdb and into SQLite, run the
 * same queries on both, check that both return the same results, and print a table.
 *
 *   claimdb-bench [--claims N] [--dir DIR] [--seed S] [--lookups K] [--queries Q]
 *                 [--only claimdb|sqlite] [--repeat R] [--no-warmup] [--sqlite-cache MB]
 *                 [--keep] [--verbose]
 *
 * Speed is measured here, never asserted: ctest does not run this program.
 */
/* wait4, for a child's own peak RSS */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
                 0,
                 1},
    [W_LIMIT] = {"LIMIT 10  ?s ?p ?o",
                 "FIND ?s, ?o WHERE ?s ?p ?o LIMIT 10;",
                 "SELECT ts.name, tob.name FROM claims c, terms ts, terms tob"
                 " WHERE c.pol = 1 AND ts.id = c.s AND tob.id = c.o LIMIT 10;",
                 0,
                 2,
                 {COL_TEXT, COL_TEXT},
                 10},
    [W_CITED] = {"Q3 claims of an article  CITED BY $a",
                 "FIND ?s, ?p, ?o WHERE ?s ?p ?o CITED BY $a;",
                 "SELECT ts.name, tp.name, tob.name FROM citations ct, claims c, terms ts,"
                 " terms tp, terms tob WHERE ct.article = ?4 AND c.id = ct.claim AND c.pol = 1"
                 " AND ts.id = c.s AND tp.id = c.p AND tob.id = c.o;",
                 8,
                 3,
                 {COL_TEXT, COL_TEXT, COL_TEXT},
                 0},
    [W_SOURCES] = {"Q5 COUNT(*) ?s ?p ?o SOURCES >= 2",
                   "FIND COUNT(*) WHERE ?s ?p ?o SOURCES >= 2;",
                   "SELECT count(*) FROM claims c WHERE c.pol = 1"
                   " AND (SELECT count(*) FROM citations ct WHERE ct.claim = c.id) >= 2;",
                   0,
                   1,
                   {COL_INT, 0},
                   0,
                   1},
    /* The first three of CHECK's columns. SQLite's schema has no DUPLICATE OF, and one
     * citation per (claim, article), so a side's weight is a plain sum there. */
    [W_CHECK] = {"Q8 CHECK $s $p $o",
                 "CHECK $s $p $o;",
                 "SELECT CASE WHEN np = 0 AND nn = 0 THEN 'unknown'"
                 " WHEN wp > 0 AND wn > 0 THEN 'disputed' WHEN wp >= 1 THEN 'supported'"
                 " WHEN wn >= 1 THEN 'contradicted' ELSE 'unverified' END, np, nn FROM ("
                 "SELECT coalesce(sum(c.pol = 1), 0) AS np, coalesce(sum(c.pol = 0), 0) AS nn,"
                 " coalesce(sum(CASE WHEN c.pol = 1 AND ct.claimant IS NOT c.s"
                 " THEN coalesce(ct.confidence, 1.0) END), 0) AS wp,"
                 " coalesce(sum(CASE WHEN c.pol = 0 AND ct.claimant IS NOT c.s"
                 " THEN coalesce(ct.confidence, 1.0) END), 0) AS wn"
                 " FROM terms ts, terms tp, terms tob, claims c, citations ct"
                 " WHERE ts.name = ?1 AND tp.name = ?2 AND tob.name = ?3 AND c.pol IN (0, 1)"
                 " AND c.s = ts.id AND c.p = tp.id AND c.o = tob.id AND ct.claim = c.id);",
                 7,
                 3,
                 {COL_TEXT, COL_INT, COL_INT},
                 0},
    [W_SUBJECT] = {"Q1 subject  $s ?p ?o FROM ?src",
                   "FIND ?p, ?o, ?src WHERE $s ?p ?o FROM ?src;",
                   "SELECT tp.name, tob.name, ct.article FROM terms ts, claims c, citations ct,"
                   " terms tp, terms tob WHERE ts.name = ?1 AND c.pol = 1 AND c.s = ts.id"
                   " AND ct.claim = c.id AND tp.id = c.p AND tob.id = c.o;",
                   1,
                   3,
                   {COL_TEXT, COL_TEXT, COL_INT},
                   0},
    /* Without statistics SQLite's planner may start from either predicate; it starts from
     * the first (the pos index), then looks the subject's second predicate up in (pol,s,p,o). */
    [W_PAIR] = {"Q4 COUNT(*) ?s $p ?o1 . ?s $p2 ?o2",
                "FIND COUNT(*) WHERE ?s $p ?o1 AND ?s $p2 ?o2;",
                "SELECT count(*) FROM terms t1, terms t2, claims c1, claims c2"
                " WHERE t1.name = ?2 AND t2.name = ?5 AND c1.pol = 1 AND c1.p = t1.id"
                " AND c2.pol = 1 AND c2.s = c1.s AND c2.p = t2.id;",
                2 | 16,
                1,
                {COL_INT, 0},
                0,
                1},
};

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_cpu_now(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

int64_t bench_peak_rss(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
    return (int64_t)ru.ru_maxrss * 1024;
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

/* The subjects of each predicate's positive claims (one per claim), for Q4's expected counts:
 * pred_subj[pred_start[p] .. pred_start[p + 1]). */
typedef struct pred_index {
    size_t start[BENCH_NPREDICATES + 1];
    uint32_t *subj;
    uint32_t *count; /* per subject, zero between uses */
} pred_index;

static void pred_index_build(const bench_data *d, pred_index *pi)
{
    size_t at = 0;
    for (int p = 0; p < BENCH_NPREDICATES; p++) {
        pi->start[p] = at;
        at += d->pred_pos[p];
    }
    pi->start[BENCH_NPREDICATES] = at;
    size_t fill[BENCH_NPREDICATES];
    memcpy(fill, pi->start, sizeof fill);
    pi->subj = malloc((at ? at : 1) * sizeof *pi->subj);
    pi->count = calloc(d->nsubjects, sizeof *pi->count);
    if (!pi->subj || !pi->count) bench_die("out of memory");
    for (size_t i = 0; i < d->nclaims; i++)
        if (d->claims[i].pol) pi->subj[fill[d->claims[i].p]++] = d->claims[i].s;
}

/* Solutions of ?s p1 ?o1 AND ?s p2 ?o2: per subject, its p1 claims times its p2 claims. */
static int64_t pred_pair_count(pred_index *pi, uint32_t p1, uint32_t p2)
{
    int64_t n = 0;
    for (size_t i = pi->start[p1]; i < pi->start[p1 + 1]; i++)
        pi->count[pi->subj[i]]++;
    for (size_t i = pi->start[p2]; i < pi->start[p2 + 1]; i++)
        n += pi->count[pi->subj[i]];
    for (size_t i = pi->start[p1]; i < pi->start[p1 + 1]; i++)
        pi->count[pi->subj[i]] = 0;
    return n;
}

/* A predicate used by at least one positive claim, drawn uniformly. */
static uint32_t random_predicate(const bench_data *d, uint64_t *st)
{
    uint32_t p;
    do
        p = (uint32_t)(bench_splitmix64(st) % BENCH_NPREDICATES);
    while (!d->pred_pos[p]);
    return p;
}

static void make_queries(const bench_data *d, size_t lookups, size_t queries, size_t limit_reps,
                         size_t checks, size_t full_scans, bench_queryset qs[W_COUNT_OF])
{
    uint64_t st = d->seed ^ UINT64_C(0x9E3779B97F4A7C15);
    int64_t multi = 0; /* positive claims with two sources or more */
    /* per subject: the citations of its positive claims (Q1's rows) */
    int64_t *subj_cites = calloc(d->nsubjects, sizeof *subj_cites);
    if (!subj_cites) bench_die("out of memory");
    for (size_t i = 0; i < d->nclaims; i++) {
        multi += d->claims[i].pol && d->claims[i].ncit >= 2;
        if (d->claims[i].pol) subj_cites[d->claims[i].s] += d->claims[i].ncit;
    }
    pred_index pi;
    pred_index_build(d, &pi);
    for (int w = 0; w < W_COUNT_OF; w++) {
        /* Q4 reads two predicates' claims in SQLite and the floor: a tenth as many queries */
        size_t n = w == W_LOOKUP    ? lookups
                   : w == W_LIMIT   ? limit_reps
                   : w == W_CHECK   ? checks
                   : w == W_SOURCES ? full_scans
                   : w == W_PAIR    ? (queries + 9) / 10
                                    : queries;
        qs[w].n = n;
        qs[w].params = calloc(n ? n : 1, sizeof *qs[w].params);
        if (!qs[w].params) bench_die("out of memory");
        for (size_t q = 0; q < n; q++) {
            bench_param *bp = &qs[w].params[q];
            bp->expect = -1;
            if (w == W_COUNT) {
                uint32_t p = random_predicate(d, &st);
                bench_predicate_name(p, bp->p);
                bp->expect = d->pred_pos[p];
                continue;
            }
            if (w == W_PAIR) { /* two predicates, each drawn as COUNT's */
                uint32_t p1 = random_predicate(d, &st), p2 = random_predicate(d, &st);
                bench_predicate_name(p1, bp->p);
                bench_predicate_name(p2, bp->p2);
                bp->expect = pred_pair_count(&pi, p1, p2);
                continue;
            }
            if (w == W_LIMIT) continue;
            if (w == W_SOURCES) {
                bp->expect = multi;
                continue;
            }
            if (w == W_CITED) { /* an article drawn uniformly, cited or not */
                bp->a = (int64_t)(bench_splitmix64(&st) % BENCH_NARTICLES);
                continue;
            }
            const bench_claim *c =
                &d->claims[w == W_CHECK ? (size_t)(bench_splitmix64(&st) % d->nclaims)
                                        : random_pos_claim(d, &st)];
            bench_entity_name(c->s, bp->s);
            bench_predicate_name(c->p, bp->p);
            bench_entity_name(c->o, bp->o);
            if (w == W_LOOKUP) bp->expect = c->ncit;
            if (w == W_CHECK) bp->expect = 1;
            if (w == W_SUBJECT) bp->expect = subj_cites[c->s];
        }
    }
    free(subj_cites);
    free(pi.subj);
    free(pi.count);
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
                bench_die("%s: %s with $s=\"%s\" $p=\"%s\" $o=\"%s\" $p2=\"%s\" gave %lld, "
                          "expected %lld",
                          sys, bench_workloads[w].cql, bp->s, bp->p, bp->o, bp->p2,
                          (long long)res[w].rows[q], (long long)bp->expect);
            if (bench_workloads[w].limit && res[w].rows[q] > bench_workloads[w].limit)
                bench_die("%s: %s returned %lld rows, more than its LIMIT", sys,
                          bench_workloads[w].cql, (long long)res[w].rows[q]);
        }
        if (qs[w].n && res[w].total_rows == 0)
            bench_die("%s: %s returned no rows at all over %zu queries: nothing was measured", sys,
                      bench_workloads[w].cql, qs[w].n);
    }
}

/* Abort when two systems disagree on a count, or (below LIMIT) on the rows' hash. */
static void check_agree(const char *na, const char *nb, const bench_queryset qs[W_COUNT_OF],
                        const bench_result a[W_COUNT_OF], const bench_result b[W_COUNT_OF])
{
    for (int w = 0; w < W_COUNT_OF; w++) {
        for (size_t q = 0; q < qs[w].n; q++) {
            const bench_param *bp = &qs[w].params[q];
            int lim = bench_workloads[w].limit;
            int hash_ok = !lim || a[w].rows[q] < lim;
            if (a[w].rows[q] != b[w].rows[q] || (hash_ok && a[w].hash[q] != b[w].hash[q]))
                bench_die("%s and %s disagree on %s with $s=\"%s\" $p=\"%s\" $o=\"%s\" $a=%lld "
                          "$p2=\"%s\": %s %lld rows (hash %016llx), %s %lld rows (hash %016llx)",
                          na, nb, bench_workloads[w].cql, bp->s, bp->p, bp->o, (long long)bp->a,
                          bp->p2, na, (long long)a[w].rows[q], (unsigned long long)a[w].hash[q], nb,
                          (long long)b[w].rows[q], (unsigned long long)b[w].hash[q]);
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

/* One line of the table: the three systems' figures, then claimdb's relative to the other two
 * (claimdb / other: for times, < 1 means claimdb is faster). */
static void row(const char *name, const double v[3], const char *fmt, int ratios, const char *extra)
{
    char c[3][32], r[2][32];
    for (int i = 0; i < 3; i++)
        cell(c[i], sizeof c[i], v[i], fmt);
    for (int i = 0; i < 2; i++) {
        if (ratios && v[0] > 0 && v[i + 1] > 0)
            snprintf(r[i], sizeof r[i], v[0] / v[i + 1] < 10 ? "%.2f" : "%.0f", v[0] / v[i + 1]);
        else
            snprintf(r[i], sizeof r[i], "-");
    }
    size_t width = 0; /* display columns: UTF-8 continuation bytes take none */
    for (const char *ch = name; *ch; ch++)
        width += ((uint8_t)*ch & 0xC0) != 0x80;
    printf("| %s%*s | %10s | %10s | %10s | %9s | %9s | %s\n", name,
           width < 52 ? (int)(52 - width) : 0, "", c[0], c[1], c[2], r[0], r[1],
           extra ? extra : "");
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
          "                     [--checks C] [--only claimdb|sqlite|floor[,...]] [--repeat R]\n"
          "                     [--no-warmup] [--sqlite-cache MB] [--keep] [--verbose]\n",
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

enum { SYS_CLAIMDB, SYS_SQLITE, SYS_FLOOR, SYS_N };
static const char *const sys_names[SYS_N] = {"claimdb", "SQLite", "floor"};

typedef void (*load_fn)(const bench_data *d, const char *path, bench_load *out, int verbose);

/* Run a load in a child process, so that its peak RSS is its own (wait4's ru_maxrss); the
 * child sends its figures back through a pipe. */
static void load_forked(load_fn fn, const bench_data *d, const char *path, bench_load *out,
                        int verbose)
{
    int fds[2];
    if (pipe(fds) != 0) bench_die("pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) bench_die("fork: %s", strerror(errno));
    if (pid == 0) {
        close(fds[0]);
        fn(d, path, out, verbose);
        ssize_t w = write(fds[1], out, sizeof *out);
        _exit(w == (ssize_t)sizeof *out ? 0 : 1);
    }
    close(fds[1]);
    ssize_t got = read(fds[0], out, sizeof *out);
    close(fds[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid) bench_die("wait4: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != (ssize_t)sizeof *out)
        bench_die("the load in process %d failed", (int)pid);
    if (out->peak_rss <= 0) out->peak_rss = (int64_t)ru.ru_maxrss * 1024;
}

int main(int argc, char **argv)
{
    size_t nclaims = 1000000, lookups = 100000, queries = 5000, limit_reps = 10000, checks = 10000;
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
        else if (!strcmp(a, "--checks") && i + 1 < argc)
            checks = parse_size(argv[++i]);
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
    int run[SYS_N] = {1, 1, 1};
    if (only) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s", only);
        memset(run, 0, sizeof run);
        for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
            int found = 0;
            for (int sys = 0; sys < SYS_N; sys++)
                if (!strcasecmp(tok, sys_names[sys])) run[sys] = found = 1;
            if (!found) usage();
        }
    }

    char tmpl[] = "/var/tmp/claimdb-bench.XXXXXX";
    int made_dir = 0;
    if (!dir) {
        if (!mkdtemp(tmpl)) bench_die("mkdtemp %s: %s", tmpl, strerror(errno));
        dir = tmpl;
        made_dir = 1;
    }
    char path[SYS_N][4096], extra_file[SYS_N][4200];
    static const char *const file_names[SYS_N] = {"bench.claimdb", "bench.sqlite", "bench.floor"};
    static const char *const extra_suffix[SYS_N] = {"-lock", "-journal", "-lock"};
    for (int sys = 0; sys < SYS_N; sys++) {
        snprintf(path[sys], sizeof path[sys], "%s/%s", dir, file_names[sys]);
        snprintf(extra_file[sys], sizeof extra_file[sys], "%.4000s%s", path[sys],
                 extra_suffix[sys]);
    }

    char machine[400];
    machine_line(machine, sizeof machine);

    fprintf(stderr, "generating %zu claims (seed %llu)...\n", nclaims, (unsigned long long)seed);
    double t0 = bench_now();
    bench_data d;
    bench_generate(&d, nclaims, seed);
    bench_queryset qs[W_COUNT_OF];
    make_queries(&d, lookups, queries, limit_reps, checks, 3, qs);
    fprintf(stderr, "  %zu claims (%zu positive), %zu citations, in %.2f s\n", d.nclaims, d.npos,
            d.ncitations, bench_now() - t0);

    bench_load ld[SYS_N];
    bench_result res[SYS_N][W_COUNT_OF];
    memset(res, 0, sizeof res);
    for (int sys = 0; sys < SYS_N; sys++) {
        ld[sys] = (bench_load){-1, -1, -1, -1, -1, -1};
        alloc_results(qs, res[sys]);
        for (int w = 0; w < W_COUNT_OF; w++)
            res[sys][w].seconds = -1;
    }

    static const load_fn loaders[SYS_N] = {claimdb_run_load, sqlite_run_load, floor_run_load};
    cpu_mark m0, m1, m2;
    cpu_now(&m0);
    for (int sys = 0; sys < SYS_N; sys++) {
        if (!run[sys]) continue;
        if (sys == SYS_CLAIMDB)
            fprintf(stderr, "claimdb %s: %s\n", claimdb_version(), path[sys]);
        else if (sys == SYS_SQLITE)
            fprintf(stderr, "SQLite %s (default journal and synchronous): %s\n",
                    sqlite3_libversion(), path[sys]);
        else
            fprintf(stderr, "raw LMDB floor: %s\n", path[sys]);
        load_forked(loaders[sys], &d, path[sys], &ld[sys], verbose);
    }
    cpu_now(&m1);

    /* Queries: the systems alternate workload by workload, and each timed pass is repeated,
     * keeping the fastest, so that a burst of load from other processes on a shared machine
     * hits no system alone. */
    fprintf(stderr, "queries (%d timed pass%s each, fastest kept%s):\n", repeat,
            repeat == 1 ? "" : "es", warmup ? ", after one untimed pass" : "");
    claimdb_q *hc = run[SYS_CLAIMDB] ? claimdb_q_open(path[SYS_CLAIMDB], qs, verbose) : NULL;
    sqlite_q *hs = run[SYS_SQLITE] ? sqlite_q_open(path[SYS_SQLITE], verbose) : NULL;
    floor_q *hf = run[SYS_FLOOR] ? floor_q_open(path[SYS_FLOOR]) : NULL;
    bench_result tmp;
    memset(&tmp, 0, sizeof tmp);
    for (int w = 0; w < W_COUNT_OF; w++) {
        for (int pass = warmup ? -1 : 0; pass < repeat; pass++) {
            for (int sys = 0; sys < SYS_N; sys++) {
                if (!run[sys]) continue;
                bench_result *r = &res[sys][w];
                tmp.rows = r->rows;
                tmp.hash = r->hash;
                tmp.cursor_ops = -1;
                if (sys == SYS_CLAIMDB)
                    claimdb_q_pass(hc, w, &qs[w], &tmp);
                else if (sys == SYS_SQLITE)
                    sqlite_q_pass(hs, w, &qs[w], &tmp);
                else
                    floor_q_pass(hf, w, &qs[w], &tmp);
                r->total_rows = tmp.total_rows;
                r->cursor_ops = tmp.cursor_ops;
                if (pass >= 0 && (r->seconds < 0 || tmp.seconds < r->seconds))
                    r->seconds = tmp.seconds;
            }
        }
        double n = qs[w].n ? (double)qs[w].n : 1;
        fprintf(stderr, "  %-42s", bench_workloads[w].name);
        for (int sys = 0; sys < SYS_N; sys++)
            if (run[sys])
                fprintf(stderr, " %s %9.2f µs", sys_names[sys], res[sys][w].seconds * 1e6 / n);
        fputc('\n', stderr);
    }
    claimdb_q_close(hc);
    sqlite_q_close(hs);
    floor_q_close(hf);
    cpu_now(&m2);
    int first = -1;
    for (int sys = 0; sys < SYS_N; sys++) {
        if (!run[sys]) continue;
        check_alone(sys_names[sys], qs, res[sys]);
        if (first < 0) {
            first = sys;
            continue;
        }
        if (ld[sys].check_pos_claims != ld[first].check_pos_claims ||
            ld[sys].check_pos_citations != ld[first].check_pos_citations)
            bench_die("after loading, %s counts %lld positive claims and %lld citations, "
                      "%s %lld and %lld",
                      sys_names[first], (long long)ld[first].check_pos_claims,
                      (long long)ld[first].check_pos_citations, sys_names[sys],
                      (long long)ld[sys].check_pos_claims, (long long)ld[sys].check_pos_citations);
        check_agree(sys_names[first], sys_names[sys], qs, res[first], res[sys]);
    }
    if (first >= 0)
        fprintf(stderr, "results agree: every query returned the same rows in every system\n");

    printf("\nclaimdb-bench: %zu claims (%zu positive, %zu negative), %zu citations, "
           "%u subjects, %u entities, %d predicates, %d articles, seed %llu\n",
           d.nclaims, d.npos, d.nclaims - d.npos, d.ncitations, d.nsubjects, d.nentities,
           BENCH_NPREDICATES, BENCH_NARTICLES, (unsigned long long)seed);
    printf("machine: %s\n", machine);
    printf("claimdb %s, SQLite %s (page cache %s), the floor on %s\n", claimdb_version(),
           sqlite3_libversion(), bench_sqlite_cache_mb ? "set by --sqlite-cache" : "default, 2 MiB",
           floor_lmdb_version());
    printf(
        "queries: %s%d timed pass%s per system, the fastest kept; systems alternate per workload\n",
        warmup ? "one untimed pass, then " : "no warm-up, ", repeat, repeat == 1 ? "" : "es");
    printf(
        "other processes kept %.2f of %ld CPUs busy during the loads, %.2f during the queries\n\n",
        cpu_others(&m0, &m1), sysconf(_SC_NPROCESSORS_ONLN), cpu_others(&m1, &m2));
    printf("| %-52s | %10s | %10s | %10s | %9s | %9s | %s\n", "workload", "claimdb", "SQLite",
           "floor", "c/SQLite", "c/floor", "claimdb cursor ops/query");
    printf("|------------------------------------------------------|------------|------------|"
           "------------|-----------|-----------|--------------------------\n");
    double v[SYS_N];
    for (int sys = 0; sys < SYS_N; sys++)
        v[sys] = ld[sys].seconds;
    row("load, one transaction (s)", v, "%.2f", 1, NULL);
    for (int sys = 0; sys < SYS_N; sys++)
        v[sys] = ld[sys].cpu_seconds;
    row("  CPU time of the load (s)", v, "%.2f", 1, NULL);
    for (int sys = 0; sys < SYS_N; sys++)
        v[sys] = ld[sys].seconds > 0 ? (double)d.nclaims / ld[sys].seconds : -1;
    row("  claims/s", v, "%.0f", 0, NULL);
    for (int sys = 0; sys < SYS_N; sys++)
        v[sys] = ld[sys].file_bytes >= 0 ? (double)ld[sys].file_bytes / 1048576.0 : -1;
    row("database file (MB)", v, "%.1f", 1, NULL);
    for (int sys = 0; sys < SYS_N; sys++)
        v[sys] = ld[sys].peak_rss >= 0 ? (double)ld[sys].peak_rss / 1048576.0 : -1;
    row("peak RSS of the load (MB)", v, "%.0f", 1, NULL);
    for (int w = 0; w < W_COUNT_OF; w++) {
        char name[96], extra[64] = "";
        snprintf(name, sizeof name, "%s (µs, %zu q)", bench_workloads[w].name, qs[w].n);
        double n = qs[w].n ? (double)qs[w].n : 1;
        if (res[SYS_CLAIMDB][w].cursor_ops >= 0)
            snprintf(extra, sizeof extra, "%.1f", (double)res[SYS_CLAIMDB][w].cursor_ops / n);
        for (int sys = 0; sys < SYS_N; sys++)
            v[sys] = res[sys][w].seconds >= 0 ? res[sys][w].seconds * 1e6 / n : -1;
        row(name, v, "%.2f", 1, extra);
    }
    printf("\nc/SQLite, c/floor = claimdb's figure / the other system's: for times and sizes, "
           "< 1 means claimdb is smaller or faster.\nrows per query:");
    int shown = first >= 0 ? first : 0;
    for (int w = 0; w < W_COUNT_OF; w++) {
        double n = qs[w].n ? (double)qs[w].n : 1;
        printf("%s%.1f", w ? "; " : " ", (double)res[shown][w].total_rows / n);
    }
    printf(" (lookup; sp?o; ?spo; join; count value; limit; Q3; Q5 count value; Q8; Q1; Q4 count "
           "value)\n");

    if (!keep) {
        for (int sys = 0; sys < SYS_N; sys++) {
            unlink(path[sys]);
            unlink(extra_file[sys]);
        }
        if (made_dir) rmdir(dir);
    } else {
        fprintf(stderr, "kept %s, %s and %s\n", path[0], path[1], path[2]);
    }
    for (int sys = 0; sys < SYS_N; sys++)
        free_results(res[sys]);
    for (int w = 0; w < W_COUNT_OF; w++)
        free(qs[w].params);
    bench_data_free(&d);
    return 0;
}
