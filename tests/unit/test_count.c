/* test_count.c — COUNT over a join of two patterns from per-value counts (db/count.c, chosen by
 * the planner in db/plan.c): on random data large enough for the planner to choose it, random
 * two-pattern counts (shared variable in any position, constants, `_`, NOT, unknown terms, no
 * shared variable, COUNT(DISTINCT ?shared), GROUP BY ?shared) must give what the nested loop
 * gives. The nested loop is the same query with `FILTER 1 = 1`, which keeps every solution
 * and rules the count join out. EXPLAIN says which plan ran; the test fails unless both plans
 * were each compared many times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
// cmocka needs the above first
#include <cmocka.h>

#include "claimdb.h"
#include "tmpdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPRED 5
#define NQUERIES 400

static uint64_t rng_next(uint64_t *st)
{
    uint64_t z = (*st += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static unsigned rnd(uint64_t *st, unsigned n)
{
    return (unsigned)(rng_next(st) % n);
}

static const char *const preds[NPRED] = {"says", "denies", "meets", "leads", "funds"};

/* Subjects E0..E59, objects E20..E99: objects and subjects overlap, so joins on s = o find
 * something; predicates skewed toward the first. */
static void load(claimdb *db, uint64_t *st)
{
    assert_int_equal(claimdb_exec(db, "BEGIN;", NULL, NULL), CLAIMDB_OK);
    char s[16], o[16];
    for (int i = 0; i < 4000; i++) {
        snprintf(s, sizeof s, "E%u", rnd(st, 60));
        snprintf(o, sizeof o, "E%u", 20 + rnd(st, 80));
        unsigned p = rnd(st, NPRED);
        if (p && rnd(st, 2)) p = 0;
        claimdb_citation c;
        memset(&c, 0, sizeof c);
        c.subject = s;
        c.predicate = preds[p];
        c.object = o;
        c.negated = rnd(st, 10) == 0;
        c.article = rnd(st, 50);
        c.method = CLAIMDB_METHOD_IMPORTED;
        assert_int_equal(claimdb_assert(db, &c, NULL), CLAIMDB_OK);
    }
    assert_int_equal(claimdb_exec(db, "COMMIT;", NULL, NULL), CLAIMDB_OK);
}

/* Every row of a statement, its columns as text, one line per row. */
static char *rows_of(claimdb *db, const char *q)
{
    claimdb_stmt *stmt = NULL;
    if (claimdb_prepare(db, q, -1, &stmt, NULL) != CLAIMDB_OK)
        fail_msg("%s: %s", q, claimdb_errmsg(db));
    size_t len = 0, cap = 256;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = '\0';
    int rc;
    while ((rc = claimdb_step(stmt)) == CLAIMDB_ROW) {
        for (int i = 0; i < claimdb_column_count(stmt); i++) {
            const char *v = claimdb_column_text(stmt, i);
            size_t n = strlen(v ? v : "NULL") + 2;
            if (len + n + 1 > cap) {
                cap = 2 * (len + n + 1);
                out = realloc(out, cap);
                assert_non_null(out);
            }
            len += (size_t)snprintf(out + len, cap - len, "%s%c", v ? v : "NULL",
                                    i + 1 < claimdb_column_count(stmt) ? '|' : '\n');
        }
    }
    if (rc != CLAIMDB_DONE) fail_msg("%s: %s", q, claimdb_errmsg(db));
    claimdb_finalize(stmt);
    return out;
}

/* One position of a pattern: a variable (named, so that it can be shared), a constant (known
 * or not), or `_`. */
static void position(uint64_t *st, int pos, char *buf, size_t cap, const char *var)
{
    unsigned k = rnd(st, 20);
    if (var && k < 9) {
        snprintf(buf, cap, "?%s", var);
    } else if (k < 16) {
        if (rnd(st, 40) == 0)
            snprintf(buf, cap, "nobody");
        else if (pos == 1)
            snprintf(buf, cap, "%s", preds[rnd(st, NPRED)]);
        else
            snprintf(buf, cap, "E%u", pos == 0 ? rnd(st, 60) : 20 + rnd(st, 80));
    } else {
        snprintf(buf, cap, "_");
    }
}

static void count_join_matches_nested(void **state)
{
    (void)state;
    tmpdb tmp;
    assert_int_equal(tmpdb_make(&tmp, "count"), 0);
    claimdb *db = NULL;
    assert_int_equal(claimdb_open(tmp.path, CLAIMDB_OPEN_CREATE, &db), CLAIMDB_OK);
    uint64_t st = 12;
    load(db, &st);
    int joined = 0, nested = 0, nonzero = 0;
    static const char *const avars[3] = {"a0", "a1", "a2"}, *const bvars[3] = {"b0", "b1", "b2"};
    for (int q = 0; q < NQUERIES; q++) {
        char a[3][24], b[3][24];
        for (int i = 0; i < 3; i++)
            position(&st, i, a[i], sizeof a[i], avars[i]);
        /* B shares one of A's variables in a random position (mostly), else none */
        int shared_from = -1, shared_at = -1;
        if (rnd(&st, 8)) {
            int have[3], nh = 0;
            for (int i = 0; i < 3; i++)
                if (a[i][0] == '?') have[nh++] = i;
            if (nh) {
                shared_from = have[rnd(&st, (unsigned)nh)];
                shared_at = (int)rnd(&st, 3);
            }
        }
        for (int i = 0; i < 3; i++) {
            if (i == shared_at)
                snprintf(b[i], sizeof b[i], "%s", a[shared_from]);
            else
                position(&st, i, b[i], sizeof b[i], bvars[i]);
        }
        const char *sv = shared_from >= 0 ? a[shared_from] : NULL;
        char items[160], tail[96] = "";
        unsigned shape = rnd(&st, 4);
        if (sv && shape == 0) {
            snprintf(items, sizeof items, "%s, COUNT(*) AS n", sv);
            snprintf(tail, sizeof tail, " GROUP BY %s ORDER BY n DESC, %s", sv, sv);
        } else if (sv && shape == 1) {
            snprintf(items, sizeof items, "COUNT(*), COUNT(DISTINCT %s), COUNT(%s)", sv, sv);
        } else {
            snprintf(items, sizeof items, "COUNT(*) AS n");
        }
        char qa[512], qb[512], ea[520];
        snprintf(qa, sizeof qa, "FIND %s WHERE %s%s %s %s AND %s%s %s %s%s;", items,
                 rnd(&st, 6) ? "" : "NOT ", a[0], a[1], a[2], rnd(&st, 6) ? "" : "NOT ", b[0], b[1],
                 b[2], tail);
        /* the same query with a FILTER that keeps every solution: the nested loop */
        char *where = strstr(qa, " GROUP BY");
        size_t cut = where ? (size_t)(where - qa) : strlen(qa) - 1;
        snprintf(qb, sizeof qb, "%.*s FILTER 1 = 1%s", (int)cut, qa, qa + cut);
        snprintf(ea, sizeof ea, "EXPLAIN %s", qa);
        char *plan = rows_of(db, ea), *plan_b;
        char eb[520];
        snprintf(eb, sizeof eb, "EXPLAIN %s", qb);
        plan_b = rows_of(db, eb);
        if (strstr(plan_b, "hash count")) fail_msg("%s chose the count join:\n%s", qb, plan_b);
        if (strstr(plan, "hash count"))
            joined++;
        else
            nested++;
        char *ra = rows_of(db, qa), *rb = rows_of(db, qb);
        if (strcmp(ra, rb))
            fail_msg("%s\ngave\n%swhere the nested loop gives\n%splan:\n%s", qa, ra, rb, plan);
        nonzero += strncmp(ra, "0", 1) != 0 && ra[0] != '\0';
        free(plan);
        free(plan_b);
        free(ra);
        free(rb);
    }
    /* The comparison means something only if both plans ran often, on non-empty results. */
    assert_true(joined >= NQUERIES / 5);
    assert_true(nested >= NQUERIES / 10);
    assert_true(nonzero >= NQUERIES / 4);
    claimdb_close(db);
    tmpdb_remove(&tmp);
}

/* EXPLAIN names the shared variable, and the steps scan their constants' ranges alone. */
static void count_join_explain(void **state)
{
    (void)state;
    tmpdb tmp;
    assert_int_equal(tmpdb_make(&tmp, "countx"), 0);
    claimdb *db = NULL;
    assert_int_equal(claimdb_open(tmp.path, CLAIMDB_OPEN_CREATE, &db), CLAIMDB_OK);
    uint64_t st = 7;
    load(db, &st);
    char *plan = rows_of(db, "EXPLAIN FIND COUNT(*) WHERE ?x says ?y AND ?x denies ?z;");
    assert_non_null(strstr(plan, "|POS prefix|p|"));
    assert_null(strstr(plan, "SPO prefix"));
    assert_non_null(strstr(plan, "3|COUNT ON ?x|hash count|-|NULL\n"));
    free(plan);
    /* a subject fixed by a constant: a few claims per row, the nested loop stays */
    plan = rows_of(db, "EXPLAIN FIND COUNT(*) WHERE E3 ?p ?y AND ?y ?q ?z;");
    assert_null(strstr(plan, "hash count"));
    free(plan);
    /* the count of the cross product of two patterns sharing nothing */
    char *n = rows_of(db, "FIND COUNT(*) WHERE ?a leads ?b AND ?c funds ?d;");
    char *na = rows_of(db, "FIND COUNT(*) WHERE ?a leads ?b;");
    char *nb = rows_of(db, "FIND COUNT(*) WHERE ?c funds ?d;");
    assert_int_equal(strtoll(n, NULL, 10), strtoll(na, NULL, 10) * strtoll(nb, NULL, 10));
    assert_true(strtoll(na, NULL, 10) > 0);
    free(n);
    free(na);
    free(nb);
    claimdb_close(db);
    tmpdb_remove(&tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(count_join_matches_nested),
        cmocka_unit_test(count_join_explain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
