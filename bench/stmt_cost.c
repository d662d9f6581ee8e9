/* stmt_cost.c — one prepared statement of claimdb-bench's workloads run again and again, with
 * new bindings each run, for callgrind to count the instructions of a run (bench/README.md):
 *
 *   valgrind --tool=callgrind --toggle-collect=stmt_cost_runs \
 *       claimdb-stmt-cost FILE WORKLOAD [RUNS]
 *
 * The instructions collected divided by RUNS + 1 (one warm-up run is collected too) are one
 * run's: binding, stepping every row, reading every column (integers as integers, as
 * claimdb-bench does), reset. The bindings come from the file's first 1000 claims, visited in
 * a scattered order. */
#include "claimdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TRIPLES 1000

static const struct {
    const char *name, *cql;
    int params; /* 1 $s, 2 $p, 4 $o, 8 $a, 16 $p2 */
} workloads[] = {
    {"lookup", "FIND ?src WHERE $s $p $o FROM ?src;", 7},
    {"spo", "FIND ?o WHERE $s $p ?o;", 3},
    {"pos", "FIND ?s WHERE ?s $p $o;", 6},
    {"join", "FIND ?o2 WHERE $s ?p ?o AND ?o ?p2 ?o2 LIMIT 100;", 1},
    {"count", "FIND COUNT(*) WHERE ?s $p ?o;", 2},
    {"limit", "FIND ?s, ?o WHERE ?s ?p ?o LIMIT 10;", 0},
    {"q3", "FIND ?s, ?p, ?o WHERE ?s ?p ?o CITED BY $a;", 8},
    {"check", "CHECK $s $p $o;", 7},
    {"q1", "FIND ?p, ?o, ?src WHERE $s ?p ?o FROM ?src;", 1},
    {"q4", "FIND COUNT(*) WHERE ?s $p ?o1 AND ?s $p2 ?o2;", 2 | 16},
};

static char *subj[MAX_TRIPLES], *pred[MAX_TRIPLES], *obj[MAX_TRIPLES];
static int ntriples;

static void die(claimdb *db, const char *what)
{
    fprintf(stderr, "claimdb-stmt-cost: %s: %s\n", what, db ? claimdb_errmsg(db) : "");
    exit(1);
}

/* Not inlined: callgrind collects this function's instructions alone. */
__attribute__((noinline)) long stmt_cost_runs(claimdb *db, claimdb_stmt *st, int params, int runs)
{
    long sink = 0;
    for (int i = 0; i < runs; i++) {
        int j = (int)(((long)i * 7919) % ntriples);
        if ((params & 1 && claimdb_bind_text(st, "$s", subj[j], -1)) ||
            (params & 2 && claimdb_bind_text(st, "$p", pred[j], -1)) ||
            (params & 4 && claimdb_bind_text(st, "$o", obj[j], -1)) ||
            (params & 8 && claimdb_bind_int64(st, "$a", j)) ||
            (params & 16 && claimdb_bind_text(st, "$p2", pred[(j + 1) % ntriples], -1)))
            die(db, "bind");
        int rc;
        while ((rc = claimdb_step(st)) == CLAIMDB_ROW)
            for (int c = 0; c < claimdb_column_count(st); c++) {
                if (claimdb_column_type(st, c) == CLAIMDB_INTEGER) {
                    sink += claimdb_column_int64(st, c);
                } else {
                    const char *t = claimdb_column_text(st, c);
                    sink += t ? (long)strlen(t) : 0;
                }
            }
        if (rc != CLAIMDB_DONE) die(db, "step");
        claimdb_reset(st);
    }
    return sink;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: claimdb-stmt-cost FILE WORKLOAD [RUNS]\n");
        return 2;
    }
    claimdb *db = NULL;
    if (claimdb_open(argv[1], CLAIMDB_OPEN_READONLY, &db) != CLAIMDB_OK) die(db, argv[1]);
    claimdb_stmt *st = NULL;
    if (claimdb_prepare(db, "FIND ?s, ?p, ?o WHERE ?s ?p ?o LIMIT 1000;", -1, &st, NULL))
        die(db, "prepare");
    while (claimdb_step(st) == CLAIMDB_ROW && ntriples < MAX_TRIPLES) {
        subj[ntriples] = strdup(claimdb_column_text(st, 0));
        pred[ntriples] = strdup(claimdb_column_text(st, 1));
        obj[ntriples] = strdup(claimdb_column_text(st, 2));
        if (!subj[ntriples] || !pred[ntriples] || !obj[ntriples]) die(NULL, "out of memory");
        ntriples++;
    }
    claimdb_finalize(st);
    if (ntriples == 0) die(NULL, "the database holds no claim");
    int runs = argc > 3 ? atoi(argv[3]) : 1000;
    for (size_t w = 0; w < sizeof workloads / sizeof workloads[0]; w++) {
        if (strcmp(argv[2], workloads[w].name) != 0) continue;
        if (claimdb_prepare(db, workloads[w].cql, -1, &st, NULL)) die(db, workloads[w].cql);
        long sink = stmt_cost_runs(db, st, workloads[w].params, 1); /* first run: plans */
        sink += stmt_cost_runs(db, st, workloads[w].params, runs);
        printf("%s: %d runs (%ld)\n", workloads[w].name, runs + 1, sink);
        claimdb_finalize(st);
        claimdb_close(db);
        for (int i = 0; i < ntriples; i++) {
            free(subj[i]);
            free(pred[i]);
            free(obj[i]);
        }
        return 0;
    }
    fprintf(stderr, "claimdb-stmt-cost: no workload %s\n", argv[2]);
    return 2;
}
