/* run_claimdb.c — the claimdb side of claimdb-bench, through the public API only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "claimdb.h"

static void check(claimdb *db, int rc, const char *what)
{
    if (rc != CLAIMDB_OK)
        bench_die("claimdb: %s: %s (%s)", what, claimdb_errmsg(db), claimdb_strerror(rc));
}

/* Run a one-row, one-integer statement. */
static int64_t scalar(claimdb *db, const char *cql)
{
    claimdb_stmt *st = NULL;
    check(db, claimdb_prepare(db, cql, -1, &st, NULL), cql);
    int rc = claimdb_step(st);
    if (rc != CLAIMDB_ROW) bench_die("claimdb: %s: no row (%s)", cql, claimdb_errmsg(db));
    int64_t v = claimdb_column_int64(st, 0);
    claimdb_finalize(st);
    return v;
}

void claimdb_run_load(const bench_data *d, const char *path, bench_load *out, int verbose)
{
    char lock[4200];
    snprintf(lock, sizeof lock, "%s-lock", path);
    unlink(path);
    unlink(lock);
    claimdb *db = NULL;
    int rc = claimdb_open(path, CLAIMDB_OPEN_CREATE, &db);
    if (rc != CLAIMDB_OK) bench_die("claimdb: open %s: %s", path, db ? claimdb_errmsg(db) : "");

    bench_cit bc;
    claimdb_citation c;
    memset(&c, 0, sizeof c);
    c.method = CLAIMDB_METHOD_IMPORTED;
    double t0 = bench_now(), c0 = bench_cpu_now();
    check(db, claimdb_exec(db, "BEGIN;", NULL, NULL), "BEGIN");
    for (size_t i = 0; i < d->nclaims; i++) {
        for (int k = 0; k < d->claims[i].ncit; k++) {
            bench_citation(d, i, k, &bc);
            c.subject = bc.s;
            c.predicate = bc.p;
            c.object = bc.o;
            c.negated = !bc.pol;
            c.article = bc.article;
            c.quote = bc.quote;
            c.claimant = bc.has_claimant ? bc.claimant : NULL;
            c.has_confidence = bc.has_confidence;
            c.confidence = bc.confidence;
            int added = 0;
            check(db, claimdb_assert(db, &c, &added), "claimdb_assert");
            int want =
                k == 0 ? CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION : CLAIMDB_ADDED_CITATION;
            if (added != want)
                bench_die("claimdb: claimdb_assert(%s%s %s %s FROM %lld) set added=%d, expected %d",
                          bc.pol ? "" : "NOT ", bc.s, bc.p, bc.o, (long long)bc.article, added,
                          want);
        }
        if (verbose || (i & 0xFFFF) == 0) bench_progress("claimdb load", i, d->nclaims);
    }
    check(db, claimdb_exec(db, "COMMIT;", NULL, NULL), "COMMIT");
    out->seconds = bench_now() - t0;
    out->cpu_seconds = bench_cpu_now() - c0;
    bench_progress("claimdb load", d->nclaims, d->nclaims);
    claimdb_close(db);
    out->file_bytes = bench_file_size(path);
    out->peak_rss = bench_peak_rss(); /* before the count below reads the file */

    /* Count what landed, from a fresh handle. */
    check(db, claimdb_open(path, CLAIMDB_OPEN_READONLY, &db), "reopen");
    double t1 = bench_now();
    out->check_pos_claims = scalar(db, "FIND COUNT(*) WHERE ?s ?p ?o;");
    out->check_pos_citations = scalar(db, "FIND COUNT(*) WHERE ?s ?p ?o FROM ?src;");
    fprintf(stderr,
            "  claimdb: load %.2f s; counted %lld positive claims, %lld citations in %.2f s\n",
            out->seconds, (long long)out->check_pos_claims, (long long)out->check_pos_citations,
            bench_now() - t1);
    if (verbose) {
        claimdb_stmt *st = NULL;
        check(db, claimdb_prepare(db, "SHOW STATS;", -1, &st, NULL), "SHOW STATS");
        while (claimdb_step(st) == CLAIMDB_ROW) {
            fputs("    ", stderr);
            for (int i = 0; i < claimdb_column_count(st); i++) {
                const char *v = claimdb_column_text(st, i);
                fprintf(stderr, "%s%s=%s", i ? " " : "", claimdb_column_name(st, i),
                        v ? v : "NULL");
            }
            fputc('\n', stderr);
        }
        claimdb_finalize(st);
    }
    claimdb_close(db);
}

static void bind_params(claimdb *db, claimdb_stmt *st, int mask, const bench_param *bp)
{
    if (mask & 1) check(db, claimdb_bind_text(st, "$s", bp->s, -1), "bind $s");
    if (mask & 2) check(db, claimdb_bind_text(st, "$p", bp->p, -1), "bind $p");
    if (mask & 4) check(db, claimdb_bind_text(st, "$o", bp->o, -1), "bind $o");
    if (mask & 8) check(db, claimdb_bind_int64(st, "$a", bp->a), "bind $a");
    if (mask & 16) check(db, claimdb_bind_text(st, "$p2", bp->p2, -1), "bind $p2");
}

static void explain(claimdb *db, const bench_workload *w, const bench_param *bp)
{
    char text[512];
    snprintf(text, sizeof text, "EXPLAIN %s", w->cql);
    claimdb_stmt *st = NULL;
    if (claimdb_prepare(db, text, -1, &st, NULL) != CLAIMDB_OK || !st) {
        fprintf(stderr, "    (EXPLAIN failed: %s)\n", claimdb_errmsg(db));
        return;
    }
    bind_params(db, st, w->nparams, bp);
    fprintf(stderr, "  claimdb plan of %s\n", w->cql);
    int rc;
    while ((rc = claimdb_step(st)) == CLAIMDB_ROW) {
        fputs("    ", stderr);
        for (int i = 0; i < claimdb_column_count(st); i++) {
            const char *v = claimdb_column_text(st, i);
            fprintf(stderr, "%s%s", i ? " | " : "", v ? v : "NULL");
        }
        fputc('\n', stderr);
    }
    if (rc != CLAIMDB_DONE) fprintf(stderr, "    (EXPLAIN: %s)\n", claimdb_errmsg(db));
    claimdb_finalize(st);
}

struct claimdb_q {
    claimdb *db;
    claimdb_stmt *st[W_COUNT_OF];
};

claimdb_q *claimdb_q_open(const char *path, const bench_queryset qs[W_COUNT_OF], int verbose)
{
    claimdb_q *h = calloc(1, sizeof *h);
    if (!h) bench_die("out of memory");
    int rc = claimdb_open(path, CLAIMDB_OPEN_READONLY, &h->db);
    if (rc != CLAIMDB_OK)
        bench_die("claimdb: open %s: %s", path, h->db ? claimdb_errmsg(h->db) : "");
    for (int wi = 0; wi < W_COUNT_OF; wi++) {
        const bench_workload *w = &bench_workloads[wi];
        if (verbose && qs[wi].n) explain(h->db, w, &qs[wi].params[0]);
        check(h->db, claimdb_prepare(h->db, w->cql, -1, &h->st[wi], NULL), w->cql);
        if (!h->st[wi]) bench_die("claimdb: %s prepared to nothing", w->cql);
        /* CHECK has more columns than are compared */
        if (wi == W_CHECK ? claimdb_column_count(h->st[wi]) < w->ncols
                          : claimdb_column_count(h->st[wi]) != w->ncols)
            bench_die("claimdb: %s has %d columns, expected %d", w->cql,
                      claimdb_column_count(h->st[wi]), w->ncols);
    }
    return h;
}

void claimdb_q_pass(claimdb_q *h, int wi, const bench_queryset *q, bench_result *r)
{
    const bench_workload *w = &bench_workloads[wi];
    claimdb *db = h->db;
    claimdb_stmt *st = h->st[wi];
    int rc;
    claimdb_counter(db, CLAIMDB_COUNTER_CURSOR_OPS, 1);
    r->total_rows = 0;
    double t0 = bench_now();
    for (size_t i = 0; i < q->n; i++) {
        bind_params(db, st, w->nparams, &q->params[i]);
        int64_t rows = 0;
        uint64_t hash = 0;
        while ((rc = claimdb_step(st)) == CLAIMDB_ROW) {
            for (int col = 0; col < w->ncols; col++) {
                if (w->coltype[col] == COL_INT) {
                    int64_t v = claimdb_column_int64(st, col);
                    hash += bench_hash_int(v);
                    if (w->is_count && col == 0) rows = v;
                } else {
                    hash += bench_hash_text(claimdb_column_text(st, col));
                }
            }
            if (!w->is_count) rows++;
        }
        if (rc != CLAIMDB_DONE)
            bench_die("claimdb: step %s: %s (%s)", w->cql, claimdb_errmsg(db),
                      claimdb_strerror(rc));
        claimdb_reset(st);
        r->rows[i] = rows;
        r->hash[i] = hash;
        r->total_rows += rows;
    }
    r->seconds = bench_now() - t0;
    r->cursor_ops = claimdb_counter(db, CLAIMDB_COUNTER_CURSOR_OPS, 1);
}

void claimdb_q_close(claimdb_q *h)
{
    if (!h) return;
    for (int wi = 0; wi < W_COUNT_OF; wi++)
        claimdb_finalize(h->st[wi]);
    claimdb_close(h->db);
    free(h);
}
