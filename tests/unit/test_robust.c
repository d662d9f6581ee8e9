/* test_robust.c — user input cannot break the engine: tens of thousands of mutated
 * statements (bytes flipped, cut, spliced, tokens inserted) go through prepare, bind and
 * step on a small database. Every call must return a documented status, and an error must
 * come with a message; under the sanitizer build any memory error fails the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "claimdb.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const seeds[] = {
    "FIND ?src, ?q WHERE Taliban demand withdrawal FROM ?src QUOTE ?q BY ?who ORDER BY ?src;",
    "FIND ?x, COUNT(*) AS n WHERE ?x ?p ?o FROM ?s GROUP BY ?x ORDER BY n DESC LIMIT 3 OFFSET 1;",
    "FIND DISTINCT ?s WHERE ?s demand ?o CITED BY 0 AND 4 AND NOT ?s accept ?o WITHOUT ?o x _;",
    "FIND * WHERE ?s ?p ?o SOURCES >= 2 FILTER ?s ~ \"^Tal\" OR (?o LIKE 'w%' AND NOT ?s = x);",
    "FIND ?a, title(?a), date(?a) WHERE ?s ?p ?o FROM ?a CONFIDENCE ?c FILTER ?c > 0.5;",
    "ASSERT Taliban demand withdrawal FROM 0, 4 QUOTE \"pull out\" BY Taliban CONFIDENCE 0.9;",
    "ASSERT NOT \"United States\" accept \"withdrawal before talks\" FROM 0;",
    "RETRACT Taliban demand withdrawal FROM 4; RETRACT NOT a b c;",
    "ARTICLE 1 TITLE \"t\" OUTLET 'o' DATE 2021-07-18 URL \"u\" AUTHOR \"a\" DUPLICATE OF 0;",
    "ALIAS \"Islamic Emirate\" FOR Taliban;",
    "EVIDENCE Taliban demand withdrawal; CHECK $s $p $o;",
    "EXPLAIN FIND ?x WHERE ?x demand ?y AND ?y ?p ?z INDEPENDENT SOURCES > 1;",
    "SHOW ARTICLES; SHOW PREDICATES; SHOW ALIASES; SHOW STATS; SHOW TERMS LIKE \"T%\"; SHOW "
    "ARTICLE 0;",
    "BEGIN; ASSERT a b c FROM 1; COMMIT; BEGIN; ROLLBACK;",
    "FIND MIN(?src), MAX(?src), COUNT(DISTINCT ?s) WHERE ?s ?p ?o FROM ?src;",
    "FIND ?x WHERE \"\\u00dcber\" ?p ?x -- comment\n;",
};

static const char *const tokens[] = {
    ";",
    "?x",
    "$s",
    "_",
    "'",
    "\"",
    "(",
    ")",
    ",",
    "AND",
    "OR",
    "NOT",
    "WITHOUT",
    "FROM",
    "QUOTE",
    "BY",
    "CITED BY",
    "SOURCES",
    "FILTER",
    "~",
    "LIKE",
    "=",
    "!=",
    "<",
    ">=",
    "ORDER BY",
    "GROUP BY",
    "LIMIT",
    "OFFSET",
    "-1",
    "0",
    "18446744073709551616",
    "0.5",
    "2021-02-30",
    "2020-02-29",
    "COUNT(*)",
    "title(",
    "\\u",
    "\xc3",
    "\xff",
    "\xe2\x80\x9c",
    "--",
    "\n",
    "FIND",
    "ASSERT",
    "DISTINCT",
    "*",
    "AS",
    "INDEPENDENT",
    "DUPLICATE OF",
};

static uint64_t rng_state;
static uint64_t rnd(void)
{
    /* splitmix64: deterministic, so that a failure is reproducible */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t mutate(char *buf, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(buf, src, n);
    int edits = 1 + (int)(rnd() % 4);
    for (int e = 0; e < edits; e++) {
        size_t at = n ? (size_t)(rnd() % (n + 1)) : 0;
        switch (rnd() % 4) {
        case 0: /* flip a byte */
            if (n) buf[at % n] = (char)(rnd() & 0xff);
            break;
        case 1: /* cut */
            n = at;
            break;
        case 2: { /* insert a token */
            const char *t = tokens[rnd() % (sizeof tokens / sizeof tokens[0])];
            size_t tl = strlen(t);
            if (n + tl + 1 >= cap) break;
            memmove(buf + at + tl + 1, buf + at, n - at);
            memcpy(buf + at, t, tl);
            buf[at + tl] = ' ';
            n += tl + 1;
            break;
        }
        default: { /* splice in a piece of another seed */
            const char *o = seeds[rnd() % (sizeof seeds / sizeof seeds[0])];
            size_t ol = strlen(o), from = (size_t)(rnd() % ol), len = (size_t)(rnd() % 24);
            if (from + len > ol) len = ol - from;
            if (n + len >= cap) break;
            memmove(buf + at + len, buf + at, n - at);
            memcpy(buf + at, o + from, len);
            n += len;
            break;
        }
        }
    }
    buf[n] = '\0';
    return n;
}

static bool documented(int rc)
{
    return (rc >= CLAIMDB_OK && rc <= CLAIMDB_TOOBIG) || rc == CLAIMDB_ROW || rc == CLAIMDB_DONE;
}

static void run_script(claimdb *db, const char *text, size_t len, int *nrows)
{
    const char *p = text, *end = text + len;
    int guard = 0;
    while (p < end && guard++ < 64) {
        claimdb_stmt *st = NULL;
        const char *tail = NULL;
        int rc = claimdb_prepare(db, p, (int)(end - p), &st, &tail);
        assert_true(documented(rc));
        if (rc != CLAIMDB_OK) {
            assert_non_null(claimdb_errmsg(db));
            assert_true(strlen(claimdb_errmsg(db)) > 0);
            assert_true(tail >= p && tail <= end);
            if (tail == p) break;
            p = tail;
            continue;
        }
        assert_true(tail >= p && tail <= end);
        if (!st) break;
        for (int i = 0; i < claimdb_bind_parameter_count(st); i++)
            claimdb_bind_text(st, claimdb_bind_parameter_name(st, i), "Taliban", -1);
        int steps = 0;
        while ((rc = claimdb_step(st)) == CLAIMDB_ROW && steps++ < 200) {
            for (int c = 0; c < claimdb_column_count(st); c++) {
                (void)claimdb_column_text(st, c);
                (void)claimdb_column_type(st, c);
            }
            (*nrows)++;
        }
        assert_true(documented(rc));
        if (rc != CLAIMDB_ROW && rc != CLAIMDB_DONE) assert_true(strlen(claimdb_errmsg(db)) > 0);
        claimdb_finalize(st);
        if (tail == p) break;
        p = tail;
    }
    /* Leave no transaction open for the next input. */
    claimdb_exec(db, "ROLLBACK;", NULL, NULL);
}

static void test_mutated_statements(void **state)
{
    (void)state;
    char dir[] = "/tmp/claimdb-robust-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/r.db", dir);
    claimdb *db = NULL;
    assert_int_equal(claimdb_open(path, CLAIMDB_OPEN_CREATE, &db), CLAIMDB_OK);
    assert_int_equal(
        claimdb_exec(db,
                     "ARTICLE 0 TITLE 'Original'; ARTICLE 1 DUPLICATE OF 0;"
                     "ASSERT Taliban demand withdrawal FROM 0, 1, 4 QUOTE 'q' BY Taliban;"
                     "ASSERT NOT Taliban demand withdrawal FROM 2;"
                     "ASSERT 'United States' refuse talks FROM 4 CONFIDENCE 0.7;"
                     "ALIAS 'Islamic Emirate' FOR Taliban;",
                     NULL, NULL),
        CLAIMDB_OK);
    const char *env = getenv("CLAIMDB_ROBUST_COUNT");
    long count = env ? strtol(env, NULL, 10) : 20000;
    rng_state = 42;
    char buf[1024];
    int rows = 0, parsed = 0;
    for (long i = 0; i < count; i++) {
        size_t n = mutate(buf, sizeof buf, seeds[rnd() % (sizeof seeds / sizeof seeds[0])]);
        claimdb_stmt *probe = NULL;
        if (claimdb_prepare(db, buf, (int)n, &probe, NULL) == CLAIMDB_OK && probe) parsed++;
        claimdb_finalize(probe);
        run_script(db, buf, n, &rows);
    }
    printf("[robust] %ld inputs, %d parsed as a first statement, %d rows read\n", count, parsed,
           rows);
    /* The mutations must reach the engine, not only the parser's error paths. */
    assert_true(parsed > count / 20);
    assert_true(rows > 0);
    claimdb_close(db);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_mutated_statements)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
