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
    double t0 = bench_now();
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
            int want = k == 0 ? CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION : CLAIMDB_ADDED_CITATION;
            if (added != want)
                bench_die("claimdb: claimdb_assert(%s%s %s %s FROM %lld) set added=%d, expected %d",
                          bc.pol ? "" : "NOT ", bc.s, bc.p, bc.o, (long long)bc.article, added, want);
        }
        if (verbose || (i & 0xFFFF) == 0) bench_progress("claimdb load", i, d->nclaims);
    }
    check(db, claimdb_exec(db, "COMMIT;", NULL, NULL), "COMMIT");
    out->seconds = bench_now() - t0;
    bench_progress("claimdb load", d->nclaims, d->nclaims);
    claimdb_close(db);
    out->file_bytes = bench_file_size(path);

    /* Count what landed, from a fresh handle. */
    check(db, claimdb_open(path, CLAIMDB_OPEN_READONLY, &db), "reopen");
    double t1 = bench_now();
    out->check_pos_claims = scalar(db, "FIND COUNT(*) WHERE ?s ?p ?o;");
    out->check_pos_citations = scalar(db, "FIND COUNT(*) WHERE ?s ?p ?o FROM ?src;");
    fprintf(stderr, "  claimdb: load %.2f s; counted %lld positive claims, %lld citations in %.2f s\n",
            out->seconds, (long long)out->check_pos_claims, (long long)out->check_pos_citations,
            bench_now() - t1);
    if (verbose) {
        claimdb_stmt *st = NULL;
        check(db, claimdb_prepare(db, "SHOW STATS;", -1, &st, NULL), "SHOW STATS");
        while (claimdb_step(st) == CLAIMDB_ROW) {
            fputs("    ", stderr);
            for (int i = 0; i < claimdb_column_count(st); i++) {
                const char *v = claimdb_column_text(st, i);
                fprintf(stderr, "%s%s=%s", i ? " " : "", claimdb_column_name(st, i), v ? v : "NULL");
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

void claimdb_run_queries(const char *path, const bench_queryset qs[W_COUNT_OF],
                         bench_result res[W_COUNT_OF], int warmup, int verbose)
{
    claimdb *db = NULL;
    int rc = claimdb_open(path, CLAIMDB_OPEN_READONLY, &db);
    if (rc != CLAIMDB_OK) bench_die("claimdb: open %s: %s", path, db ? claimdb_errmsg(db) : "");
    for (int wi = 0; wi < W_COUNT_OF; wi++) {
        const bench_workload *w = &bench_workloads[wi];
        const bench_queryset *q = &qs[wi];
        bench_result *r = &res[wi];
        if (verbose && q->n) explain(db, w, &q->params[0]);
        claimdb_stmt *st = NULL;
        check(db, claimdb_prepare(db, w->cql, -1, &st, NULL), w->cql);
        if (!st) bench_die("claimdb: %s prepared to nothing", w->cql);
        if (claimdb_column_count(st) != w->ncols)
            bench_die("claimdb: %s has %d columns, expected %d", w->cql, claimdb_column_count(st),
                      w->ncols);
        for (int pass = warmup ? 0 : 1; pass < 2; pass++) { /* pass 0: warm-up, untimed */
        claimdb_counter(db, CLAIMDB_COUNTER_CURSOR_OPS, 1);
        r->total_rows = 0;
        double t0 = bench_now();
        for (size_t i = 0; i < q->n; i++) {
            bind_params(db, st, w->nparams, &q->params[i]);
            int64_t rows = 0;
            uint64_t h = 0;
            while ((rc = claimdb_step(st)) == CLAIMDB_ROW) {
                for (int col = 0; col < w->ncols; col++) {
                    if (w->coltype[col] == COL_INT) {
                        int64_t v = claimdb_column_int64(st, col);
                        h += bench_hash_int(v);
                        if (wi == W_COUNT) rows = v;
                    } else {
                        h += bench_hash_text(claimdb_column_text(st, col));
                    }
                }
                if (wi != W_COUNT) rows++;
            }
            if (rc != CLAIMDB_DONE)
                bench_die("claimdb: step %s: %s (%s)", w->cql, claimdb_errmsg(db),
                          claimdb_strerror(rc));
            claimdb_reset(st);
            r->rows[i] = rows;
            r->hash[i] = h;
            r->total_rows += rows;
        }
        r->seconds = bench_now() - t0;
        r->cursor_ops = claimdb_counter(db, CLAIMDB_COUNTER_CURSOR_OPS, 1);
        }
        claimdb_finalize(st);
        fprintf(stderr, "  claimdb: %-42s %9.2f µs/query, %.1f cursor ops/query\n", w->name,
                q->n ? r->seconds * 1e6 / (double)q->n : 0.0,
                q->n ? (double)r->cursor_ops / (double)q->n : 0.0);
    }
    claimdb_close(db);
}
