/* test_api.c — the public API as an embedding application uses it, including its documented
 * answers to misuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "claimdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fixture {
    char dir[64];
    char path[96];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/claimdb-api-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0) return -1;
    free(f);
    return 0;
}

static claimdb *open_db(const char *path, int flags)
{
    claimdb *db = NULL;
    int rc = claimdb_open(path, flags, &db);
    if (rc != CLAIMDB_OK) fail_msg("open %s: %s", path, db ? claimdb_errmsg(db) : "?");
    return db;
}

static void exec_ok(claimdb *db, const char *sql)
{
    int rc = claimdb_exec(db, sql, NULL, NULL);
    if (rc != CLAIMDB_OK) fail_msg("%s: %s", sql, claimdb_errmsg(db));
}

/* Run a one-column query and join its rows with ','. */
static char *column0(claimdb *db, const char *sql)
{
    claimdb_stmt *st;
    if (claimdb_prepare(db, sql, -1, &st, NULL) != CLAIMDB_OK) fail_msg("%s", claimdb_errmsg(db));
    static char out[4096];
    out[0] = '\0';
    int rc;
    while ((rc = claimdb_step(st)) == CLAIMDB_ROW) {
        if (out[0]) strcat(out, ",");
        const char *t = claimdb_column_text(st, 0);
        strcat(out, t ? t : "NULL");
    }
    if (rc != CLAIMDB_DONE) fail_msg("%s: %s", sql, claimdb_errmsg(db));
    claimdb_finalize(st);
    return out;
}

static claimdb *claimdb_stmt_db_for_test;

static void test_open_missing_and_null(void **state)
{
    fixture *f = *state;
    claimdb *db = NULL;
    assert_int_equal(claimdb_open(f->path, 0, &db), CLAIMDB_NOTFOUND);
    assert_non_null(db); /* the handle explains the failure */
    assert_non_null(strstr(claimdb_errmsg(db), "t.db"));
    claimdb_close(db);
    assert_int_equal(claimdb_open(NULL, 0, &db), CLAIMDB_MISUSE);
    assert_null(db);
    assert_int_equal(claimdb_open(f->path, 0, NULL), CLAIMDB_MISUSE);
    assert_int_equal(claimdb_close(NULL), CLAIMDB_OK);
    assert_int_equal(claimdb_finalize(NULL), CLAIMDB_OK);
    assert_int_equal(claimdb_step(NULL), CLAIMDB_MISUSE);
    assert_int_equal(claimdb_reset(NULL), CLAIMDB_MISUSE);
    assert_int_equal(claimdb_column_count(NULL), 0);
    assert_null(claimdb_column_text(NULL, 0));
    assert_int_equal(claimdb_column_type(NULL, 0), CLAIMDB_NULL);
    assert_int_equal(claimdb_errcode(NULL), CLAIMDB_NOMEM);
    assert_string_equal(claimdb_strerror(CLAIMDB_SYNTAX), "syntax error");
    assert_string_equal(claimdb_strerror(12345), "unknown status");
    assert_non_null(claimdb_version());
}

/* The header's version macros agree with each other and with the library built from it. */
static void test_version_macros(void **state)
{
    (void)state;
    assert_string_equal(claimdb_version(), CLAIMDB_VERSION_STRING);
    unsigned major, minor, patch;
    assert_int_equal(sscanf(CLAIMDB_VERSION_STRING, "%u.%u.%u", &major, &minor, &patch), 3);
    assert_int_equal(CLAIMDB_VERSION_NUMBER, major * 1000000 + minor * 1000 + patch);
    assert_string_equal(claimdb_strerror(CLAIMDB_FORMAT), claimdb_strerror(10));
}

static void test_mission_example(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    exec_ok(db, "ASSERT Taliban demands withdrawal FROM 0, 4 QUOTE \"the Taliban has demanded "
                "that foreign forces pull out\" BY Taliban CONFIDENCE 0.9;");
    assert_string_equal(column0(db, "FIND ?src WHERE taliban DEMANDS withdrawal FROM ?src;"),
                        "0,4");
    claimdb_close(db);
    /* Persisted: a new handle sees it. */
    db = open_db(f->path, 0);
    assert_string_equal(column0(db, "FIND ?src WHERE Taliban demands withdrawal FROM ?src;"),
                        "0,4");
    assert_string_equal(
        column0(db, "FIND ?q WHERE Taliban demands withdrawal FROM ?src QUOTE ?q LIMIT 1;"),
        "the Taliban has demanded that foreign forces pull out");
    claimdb_close(db);
}

static void test_prepare_bind_step_columns(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    exec_ok(db, "ASSERT Taliban demands withdrawal FROM 0; ASSERT Taliban seeks talks FROM 2;");
    claimdb_stmt *st = NULL;
    const char *sql = "FIND ?o, ?src WHERE $s ?p ?o FROM ?src ORDER BY ?o; FIND ?x WHERE ?x ?y ?z;";
    const char *tail = NULL;
    assert_int_equal(claimdb_prepare(db, sql, -1, &st, &tail), CLAIMDB_OK);
    assert_non_null(st);
    assert_string_equal(tail, " FIND ?x WHERE ?x ?y ?z;");
    assert_int_equal(claimdb_bind_parameter_count(st), 1);
    assert_string_equal(claimdb_bind_parameter_name(st, 0), "$s");
    assert_null(claimdb_bind_parameter_name(st, 1));
    assert_int_equal(claimdb_column_count(st), 2);
    assert_string_equal(claimdb_column_name(st, 0), "o");
    assert_string_equal(claimdb_column_name(st, 1), "src");
    assert_null(claimdb_column_name(st, 2));
    assert_int_equal(claimdb_bind_text(st, "$nope", "x", -1), CLAIMDB_RANGE);
    /* Unbound: an error at step, naming the parameter. */
    assert_int_equal(claimdb_step(st), CLAIMDB_ERROR);
    assert_non_null(strstr(claimdb_errmsg(db), "$s"));
    assert_int_equal(claimdb_step(st), CLAIMDB_MISUSE); /* failed: reset first */
    assert_int_equal(claimdb_reset(st), CLAIMDB_OK);
    assert_int_equal(claimdb_bind_text(st, "$s", "TALIBAN", -1), CLAIMDB_OK);
    assert_int_equal(claimdb_step(st), CLAIMDB_ROW);
    assert_string_equal(claimdb_column_text(st, 0), "talks");
    assert_int_equal(claimdb_column_type(st, 0), CLAIMDB_TEXT);
    assert_int_equal(claimdb_column_type(st, 1), CLAIMDB_INTEGER);
    assert_int_equal(claimdb_column_int64(st, 1), 2);
    assert_true(claimdb_column_double(st, 1) == 2.0);
    assert_null(claimdb_column_text(st, 7));
    assert_int_equal(claimdb_column_type(st, -1), CLAIMDB_NULL);
    /* Binding while running is misuse. */
    assert_int_equal(claimdb_bind_int64(st, "$s", 1), CLAIMDB_MISUSE);
    assert_int_equal(claimdb_step(st), CLAIMDB_ROW);
    assert_string_equal(claimdb_column_text(st, 0), "withdrawal");
    assert_int_equal(claimdb_step(st), CLAIMDB_DONE);
    assert_int_equal(claimdb_step(st), CLAIMDB_DONE); /* stays done */
    /* Reset keeps bindings. */
    assert_int_equal(claimdb_reset(st), CLAIMDB_OK);
    assert_int_equal(claimdb_step(st), CLAIMDB_ROW);
    assert_int_equal(claimdb_clear_bindings(st), CLAIMDB_MISUSE); /* running */
    claimdb_finalize(st);
    /* Only white space and comments: no statement, no error. */
    assert_int_equal(claimdb_prepare(db, "  -- nothing\n ", -1, &st, &tail), CLAIMDB_OK);
    assert_null(st);
    assert_int_equal(claimdb_prepare(db, NULL, -1, &st, NULL), CLAIMDB_MISUSE);
    claimdb_close(db);
}

/* A prepared statement run again after reset: a parameter's term is looked up once per bind
 * and data snapshot, so what a write changed in between (a new term, an alias) is seen, and a
 * new binding is never answered from the old one. CITED BY $a: the article path per binding. */
static void step_rows(claimdb_stmt *st, const char *want)
{
    char got[256] = "";
    int rc;
    while ((rc = claimdb_step(st)) == CLAIMDB_ROW) {
        if (got[0]) strcat(got, ",");
        const char *t = claimdb_column_text(st, 0);
        strcat(got, t ? t : "NULL");
    }
    assert_int_equal(rc, CLAIMDB_DONE);
    assert_string_equal(got, want);
    assert_int_equal(claimdb_reset(st), CLAIMDB_OK);
}

static void test_rebind_and_rerun(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    exec_ok(db, "ASSERT A says B FROM 1; ASSERT A says C FROM 2; ASSERT D says E FROM 2;");
    claimdb_stmt *st = NULL, *cited = NULL;
    assert_int_equal(claimdb_prepare(db, "FIND ?o WHERE $s says ?o;", -1, &st, NULL), CLAIMDB_OK);
    assert_int_equal(claimdb_bind_text(st, "$s", "a", -1), CLAIMDB_OK);
    step_rows(st, "B,C");
    step_rows(st, "B,C"); /* the same binding and data */
    assert_int_equal(claimdb_bind_text(st, "$s", "Z", -1), CLAIMDB_OK);
    step_rows(st, "");
    exec_ok(db, "ASSERT Z says Y FROM 3;"); /* Z now exists */
    step_rows(st, "Y");
    exec_ok(db, "ALIAS Zed FOR D;");
    assert_int_equal(claimdb_bind_text(st, "$s", "zed", -1), CLAIMDB_OK);
    step_rows(st, "E");
    assert_int_equal(claimdb_bind_int64(st, "$s", 7), CLAIMDB_OK); /* a number names a term */
    step_rows(st, "");
    exec_ok(db, "ASSERT \"7\" says eight FROM 4;");
    step_rows(st, "eight");
    assert_int_equal(claimdb_bind_text(st, "$s", "", -1), CLAIMDB_OK);
    assert_int_equal(claimdb_step(st), CLAIMDB_ERROR); /* not a term */
    assert_int_equal(claimdb_reset(st), CLAIMDB_OK);
    assert_int_equal(claimdb_prepare(db, "FIND ?s WHERE ?s ?p ?o CITED BY $a;", -1, &cited, NULL),
                     CLAIMDB_OK);
    for (int a = 1; a <= 4; a++) {
        static const char *const want[] = {"", "A", "A,D", "Z", "7"};
        assert_int_equal(claimdb_bind_int64(cited, "$a", a), CLAIMDB_OK);
        step_rows(cited, want[a]);
    }
    claimdb_finalize(cited);
    claimdb_finalize(st);
    claimdb_close(db);
}

/* Run st (reset after) and return its first column's rows joined with ','. */
static const char *rows_of(claimdb_stmt *st)
{
    static char got[512];
    got[0] = '\0';
    int rc;
    while ((rc = claimdb_step(st)) == CLAIMDB_ROW) {
        if (got[0]) strcat(got, ",");
        const char *t = claimdb_column_text(st, 0);
        strcat(got, t ? t : "NULL");
    }
    if (rc != CLAIMDB_DONE) fail_msg("step: %s", claimdb_errmsg(claimdb_stmt_db_for_test));
    assert_int_equal(claimdb_reset(st), CLAIMDB_OK);
    return got;
}

/* A prepared statement keeps its plan, executor and read transaction across reset and rebind:
 * what it reads is still the latest data — after a write on its handle, an ALIAS, another
 * handle's commit, another process's commit, inside BEGIN … COMMIT —, and it is planned again
 * when the statistics that chose its plan move by more than a factor of 2. */
static void test_kept_plan(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    claimdb_stmt_db_for_test = db;
    exec_ok(db, "ASSERT a says b FROM 1; ASSERT b says c FROM 1; ASSERT d says e FROM 2;");
    claimdb_stmt *one, *cnt, *join, *con;
    assert_int_equal(claimdb_prepare(db, "FIND ?o WHERE $s says ?o;", -1, &one, NULL), CLAIMDB_OK);
    assert_int_equal(claimdb_prepare(db, "FIND COUNT(*) WHERE ?s says ?o;", -1, &cnt, NULL),
                     CLAIMDB_OK);
    assert_int_equal(
        claimdb_prepare(db, "FIND ?o2 WHERE $s says ?o AND ?o says ?o2;", -1, &join, NULL),
        CLAIMDB_OK);
    assert_int_equal(claimdb_prepare(db, "FIND ?o WHERE zed says ?o;", -1, &con, NULL), CLAIMDB_OK);
    claimdb_counter(db, CLAIMDB_COUNTER_PLANS, 1);
    assert_int_equal(claimdb_bind_text(one, "$s", "a", -1), CLAIMDB_OK);
    assert_string_equal(rows_of(one), "b");
    assert_string_equal(rows_of(cnt), "3");
    assert_int_equal(claimdb_bind_text(join, "$s", "a", -1), CLAIMDB_OK);
    assert_string_equal(rows_of(join), "c");
    assert_string_equal(rows_of(con), "");
    assert_int_equal(claimdb_counter(db, CLAIMDB_COUNTER_PLANS, 1), 4);
    /* rebound and run again: no new plan */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(claimdb_bind_text(one, "$s", i % 2 ? "a" : "d", -1), CLAIMDB_OK);
        assert_string_equal(rows_of(one), i % 2 ? "b" : "e");
        assert_int_equal(claimdb_bind_text(join, "$s", i % 2 ? "a" : "d", -1), CLAIMDB_OK);
        assert_string_equal(rows_of(join), i % 2 ? "c" : "");
        assert_string_equal(rows_of(cnt), "3");
    }
    assert_int_equal(claimdb_counter(db, CLAIMDB_COUNTER_PLANS, 1), 0);

    /* a write on this handle */
    exec_ok(db, "ASSERT a says f FROM 3; ASSERT e says g FROM 3;");
    assert_int_equal(claimdb_bind_text(one, "$s", "a", -1), CLAIMDB_OK);
    assert_string_equal(rows_of(one), "b,f");
    assert_string_equal(rows_of(cnt), "5");
    assert_int_equal(claimdb_bind_text(join, "$s", "d", -1), CLAIMDB_OK);
    assert_string_equal(rows_of(join), "g");
    /* an ALIAS: the constant zed and a parameter bound to zed now name d */
    exec_ok(db, "ALIAS zed FOR d;");
    assert_string_equal(rows_of(con), "e");
    assert_int_equal(claimdb_bind_text(one, "$s", "ZED", -1), CLAIMDB_OK);
    assert_string_equal(rows_of(one), "e");
    /* another handle's commit */
    claimdb *db2 = open_db(f->path, 0);
    exec_ok(db2, "ASSERT d says h FROM 4;");
    assert_string_equal(rows_of(one), "e,h");
    assert_string_equal(rows_of(con), "e,h");
    assert_string_equal(rows_of(cnt), "6");
    /* another process's commit */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        claimdb *c = NULL;
        int ok = claimdb_open(f->path, 0, &c) == CLAIMDB_OK &&
                 claimdb_exec(c, "ASSERT d says i FROM 5;", NULL, NULL) == CLAIMDB_OK;
        claimdb_close(c);
        _exit(ok ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_string_equal(rows_of(one), "e,h,i");
    assert_string_equal(rows_of(cnt), "7");
    /* inside a transaction the statement reads it, writes included; after ROLLBACK not */
    exec_ok(db, "BEGIN; ASSERT zed says j FROM 6;");
    assert_string_equal(rows_of(one), "e,h,i,j");
    assert_string_equal(rows_of(cnt), "8");
    exec_ok(db, "ROLLBACK;");
    assert_string_equal(rows_of(one), "e,h,i");
    assert_string_equal(rows_of(cnt), "7");
    /* reset in the middle of a run, then a full run */
    assert_int_equal(claimdb_step(one), CLAIMDB_ROW);
    assert_int_equal(claimdb_reset(one), CLAIMDB_OK);
    assert_string_equal(rows_of(one), "e,h,i");
    /* none of that planned again: the statistics moved less than a factor of 2 ... */
    assert_int_equal(claimdb_counter(db, CLAIMDB_COUNTER_PLANS, 1), 0);
    /* ... until they do: the join was planned with 3 claims, says in 3 of them */
    for (int i = 0; i < 8; i++) {
        char q[64];
        snprintf(q, sizeof q, "ASSERT x%d says y%d FROM 7;", i, i);
        exec_ok(db, q);
    }
    assert_int_equal(claimdb_bind_text(join, "$s", "a", -1), CLAIMDB_OK);
    assert_string_equal(rows_of(join), "c");
    assert_int_equal(claimdb_counter(db, CLAIMDB_COUNTER_PLANS, 1), 1);
    assert_string_equal(rows_of(join), "c"); /* and the new plan is kept */
    assert_int_equal(claimdb_counter(db, CLAIMDB_COUNTER_PLANS, 1), 0);
    /* a lone pattern's plan reads no statistics: kept whatever they do */
    assert_string_equal(rows_of(one), "e,h,i");
    assert_int_equal(claimdb_counter(db, CLAIMDB_COUNTER_PLANS, 1), 0);
    /* a constant's statistic alone: the join's $s from 1 claim (a) to 0 (unknown) */
    assert_int_equal(claimdb_bind_text(join, "$s", "nobody", -1), CLAIMDB_OK);
    assert_string_equal(rows_of(join), "");
    assert_int_equal(claimdb_counter(db, CLAIMDB_COUNTER_PLANS, 1), 1);
    /* more statements than transactions are parked: every one still runs */
    claimdb_stmt *many[80];
    for (int i = 0; i < 80; i++) {
        assert_int_equal(claimdb_prepare(db, "FIND ?o WHERE d says ?o;", -1, &many[i], NULL),
                         CLAIMDB_OK);
        assert_string_equal(rows_of(many[i]), "e,h,i");
    }
    exec_ok(db2, "ASSERT d says k FROM 8;");
    for (int i = 0; i < 80; i++) {
        assert_string_equal(rows_of(many[i]), "e,h,i,k");
        claimdb_finalize(many[i]);
    }
    claimdb_finalize(one);
    claimdb_finalize(cnt);
    claimdb_finalize(join);
    claimdb_finalize(con);
    claimdb_close(db2);
    claimdb_close(db);
}

static void test_syntax_error_position(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    claimdb_stmt *st = (claimdb_stmt *)1;
    const char *tail;
    const char *sql = "FIND ?x\nWHERE \"\xc3\x9c\" demands ;\nFIND ?y WHERE ?y a b;";
    assert_int_equal(claimdb_prepare(db, sql, -1, &st, &tail), CLAIMDB_SYNTAX);
    assert_null(st);
    assert_int_equal(claimdb_errcode(db), CLAIMDB_SYNTAX);
    /* Line 2, column 19 counts the U with umlaut as one character. */
    assert_true(strncmp(claimdb_errmsg(db), "2:19: syntax error", 18) == 0);
    assert_int_equal(claimdb_error_offset(db), 27);
    assert_string_equal(tail, "\nFIND ?y WHERE ?y a b;"); /* a caller can go on */
    /* claimdb_exec reports positions in the whole script. */
    assert_int_equal(claimdb_exec(db, "ASSERT a b c FROM 1;\nFIND ?x WHERE ?x b ;", NULL, NULL),
                     CLAIMDB_SYNTAX);
    assert_true(strncmp(claimdb_errmsg(db), "2:20:", 5) == 0);
    claimdb_close(db);
}

static int count_rows(void *ctx, claimdb_stmt *st)
{
    (void)st;
    return ++*(int *)ctx >= 2;
}

static void test_exec_callback_abort(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    exec_ok(db, "ASSERT a b c FROM 1; ASSERT a b d FROM 1; ASSERT a b e FROM 1;");
    int n = 0;
    assert_int_equal(claimdb_exec(db, "FIND ?o WHERE a b ?o;", count_rows, &n), CLAIMDB_ABORT);
    assert_int_equal(n, 2);
    claimdb_close(db);
}

static void test_transactions(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    exec_ok(db, "BEGIN; ASSERT a b c FROM 1; ROLLBACK;");
    assert_string_equal(column0(db, "FIND ?o WHERE a b ?o;"), "");
    exec_ok(db, "BEGIN; ASSERT a b c FROM 1;");
    /* An error inside the transaction rolls back that statement only. */
    assert_int_equal(claimdb_exec(db, "ASSERT a b d FROM 1 CONFIDENCE $c;", NULL, NULL),
                     CLAIMDB_ERROR);
    exec_ok(db, "ASSERT a b e FROM 1; COMMIT;");
    assert_string_equal(column0(db, "FIND ?o WHERE a b ?o ORDER BY ?o;"), "c,e");
    assert_int_equal(claimdb_exec(db, "COMMIT;", NULL, NULL), CLAIMDB_ERROR);
    assert_int_equal(claimdb_exec(db, "BEGIN; BEGIN;", NULL, NULL), CLAIMDB_ERROR);
    exec_ok(db, "ROLLBACK;");
    claimdb_close(db);
}

static void test_autocommit(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    assert_int_equal(claimdb_autocommit(db), 1);
    exec_ok(db, "BEGIN;");
    assert_int_equal(claimdb_autocommit(db), 0);
    exec_ok(db, "ROLLBACK;");
    assert_int_equal(claimdb_autocommit(db), 1);
    assert_int_equal(claimdb_autocommit(NULL), 0);
    claimdb_close(db);
}

static void test_readonly_and_two_handles(void **state)
{
    fixture *f = *state;
    claimdb *w = open_db(f->path, CLAIMDB_OPEN_CREATE);
    claimdb *r = open_db(f->path, CLAIMDB_OPEN_READONLY);
    exec_ok(w, "ASSERT a b c FROM 1;");
    assert_string_equal(column0(r, "FIND ?o WHERE a b ?o;"), "c");
    assert_int_equal(claimdb_exec(r, "ASSERT a b d FROM 1;", NULL, NULL), CLAIMDB_READONLY);
    claimdb_citation c = {.subject = "x", .predicate = "y", .object = "z", .article = 1};
    assert_int_equal(claimdb_assert(r, &c, NULL), CLAIMDB_READONLY);
    /* A reader holding a snapshot does not see later commits until it finishes. */
    claimdb_stmt *st;
    assert_int_equal(claimdb_prepare(r, "FIND ?o WHERE a b ?o;", -1, &st, NULL), CLAIMDB_OK);
    assert_int_equal(claimdb_step(st), CLAIMDB_ROW);
    exec_ok(w, "ASSERT a b d FROM 1;");
    assert_int_equal(claimdb_step(st), CLAIMDB_DONE);
    claimdb_finalize(st);
    assert_string_equal(column0(r, "FIND ?o WHERE a b ?o ORDER BY ?o;"), "c,d");
    claimdb_close(r);
    claimdb_close(w);
}

static void test_assert_api(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    claimdb_citation c = {.subject = "Taliban",
                          .predicate = "demand",
                          .object = "withdrawal",
                          .article = 4,
                          .quote = "q",
                          .claimant = "Mujahid",
                          .has_confidence = 1,
                          .confidence = 0.5};
    int added = -1;
    assert_int_equal(claimdb_assert(db, &c, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    c.article = 0;
    assert_int_equal(claimdb_assert(db, &c, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_ADDED_CITATION);
    assert_int_equal(claimdb_assert(db, &c, &added), CLAIMDB_OK);
    assert_int_equal(added, 0);
    c.confidence = 2;
    assert_int_equal(claimdb_assert(db, &c, NULL), CLAIMDB_ERROR);
    c.confidence = 0.5;
    c.article = -1;
    assert_int_equal(claimdb_assert(db, &c, NULL), CLAIMDB_MISUSE);
    c.article = 1;
    c.subject = NULL;
    assert_int_equal(claimdb_assert(db, &c, NULL), CLAIMDB_MISUSE);
    assert_int_equal(claimdb_assert(db, NULL, NULL), CLAIMDB_MISUSE);
    assert_int_equal(claimdb_assert(NULL, &c, NULL), CLAIMDB_MISUSE);
    assert_string_equal(column0(db, "FIND ?who WHERE taliban demand withdrawal FROM ?s BY ?who;"),
                        "Mujahid,Mujahid");
    claimdb_close(db);
}

/* Issue 9's API side: flags per citation, claim dates, CHECK's list columns. */
static void test_citation_api(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    exec_ok(db, "ARTICLE 1 TEXT 'Kabul. They said: we want them out.';");
    claimdb_citation c = {.subject = "Taliban",
                          .predicate = "demand",
                          .object = "exit",
                          .article = 1,
                          .quote = "we want them out.",
                          .said_on = "2021-07-18"};
    int added = -1;
    assert_int_equal(claimdb_assert(db, &c, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    c.quote = "we  want them\nout.";
    assert_int_equal(claimdb_assert(db, &c, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_UPDATED_CITATION); /* same quote, other white space */
    assert_int_equal(claimdb_assert(db, &c, &added), CLAIMDB_OK);
    assert_int_equal(added, 0);
    c.quote = "not there";
    assert_int_equal(claimdb_assert(db, &c, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_ADDED_CITATION | CLAIMDB_QUOTE_NOT_FOUND);
    assert_int_equal(claimdb_counter(db, CLAIMDB_COUNTER_QUOTES_NOT_FOUND, 1), 1);
    assert_int_equal(claimdb_counter(db, CLAIMDB_COUNTER_QUOTES_NOT_FOUND, 0), 0);
    c.said_on = "2021-02-30";
    assert_int_equal(claimdb_assert(db, &c, NULL), CLAIMDB_ERROR);
    assert_string_equal(
        column0(db, "FIND ?a WHERE Taliban demand exit FROM ?s AT ?a ON ?d ORDER BY ?a;"),
        "NULL,18");
    exec_ok(db, "ASSERT NOT Taliban demand exit FROM 3, 5;");
    claimdb_stmt *st;
    assert_int_equal(claimdb_prepare(db, "CHECK NOT Taliban demand exit;", -1, &st, NULL),
                     CLAIMDB_OK);
    assert_int_equal(claimdb_step(st), CLAIMDB_ROW);
    assert_string_equal(claimdb_column_name(st, 7), "sources_for");
    assert_int_equal(claimdb_column_type(st, 7), CLAIMDB_LIST);
    const int64_t *ids;
    assert_int_equal(claimdb_column_list(st, 7, &ids), 2);
    assert_int_equal(ids[0], 3);
    assert_int_equal(ids[1], 5);
    assert_string_equal(claimdb_column_text(st, 7), "3, 5");
    assert_int_equal(claimdb_column_list(st, 8, &ids), 1);
    assert_int_equal(ids[0], 1);
    assert_int_equal(claimdb_column_list(st, 0, &ids), -1); /* not a list */
    assert_string_equal(claimdb_column_text(st, 0), "disputed");
    claimdb_finalize(st);
    claimdb_close(db);
}

/* A statement reads the snapshot it started with, even when its own handle writes in the same
 * transaction between its steps (issue 11, row 4): deriving claims from the rows of a FIND
 * must neither add rows to that FIND nor loop. */
static void test_statement_snapshot_in_transaction(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    exec_ok(db, "ASSERT a r b FROM 1 QUOTE 'q1'; ASSERT b r c FROM 1; ASSERT c r d FROM 2;");
    exec_ok(db, "BEGIN;");
    claimdb_stmt *find, *ins;
    assert_int_equal(
        claimdb_prepare(db, "FIND ?x, ?y, ?q WHERE ?x r ?y FROM ?s QUOTE ?q;", -1, &find, NULL),
        CLAIMDB_OK);
    /* each row derives a claim with a new object: a new term sorts after every other, so a
     * FIND that saw its own writes would meet it again and never end */
    assert_int_equal(claimdb_prepare(db, "ASSERT $y r $x FROM 9 QUOTE $q;", -1, &ins, NULL),
                     CLAIMDB_OK);
    claimdb_stmt *ins2;
    assert_int_equal(claimdb_prepare(db, "ASSERT $x r $new FROM 9;", -1, &ins2, NULL), CLAIMDB_OK);
    int rows = 0, rc;
    while ((rc = claimdb_step(find)) == CLAIMDB_ROW) {
        rows++;
        char x[64], y[64];
        snprintf(x, sizeof x, "%s", claimdb_column_text(find, 0));
        snprintf(y, sizeof y, "%s", claimdb_column_text(find, 1));
        const char *q = claimdb_column_text(find, 2);
        claimdb_bind_text(ins, "$x", x, -1);
        claimdb_bind_text(ins, "$y", y, -1);
        claimdb_bind_text(ins, "$q", q ? q : "", -1);
        assert_int_equal(claimdb_step(ins), CLAIMDB_DONE);
        claimdb_reset(ins);
        char fresh[32];
        snprintf(fresh, sizeof fresh, "fresh %d", rows);
        claimdb_bind_text(ins2, "$x", x, -1);
        claimdb_bind_text(ins2, "$new", fresh, -1);
        assert_int_equal(claimdb_step(ins2), CLAIMDB_DONE);
        claimdb_reset(ins2);
        /* the current row is still readable after the write */
        assert_string_equal(claimdb_column_text(find, 0), x);
        assert_true(rows < 100);
    }
    assert_int_equal(rc, CLAIMDB_DONE);
    assert_int_equal(rows, 3);
    claimdb_finalize(find);
    claimdb_finalize(ins);
    claimdb_finalize(ins2);
    exec_ok(db, "COMMIT;");
    assert_string_equal(column0(db, "FIND COUNT(*) WHERE ?x r ?y;"), "9");
    claimdb_close(db);
}

/* The limits of one statement (docs/language.md, section 10): refused at once with the
 * limit named, and a statement at the limits prepares quickly. */
static void test_statement_limits(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    exec_ok(db, "ASSERT a r b FROM 1;");
    size_t cap = 64 << 10;
    char *q = malloc(cap);
    assert_non_null(q);
    claimdb_stmt *st = NULL;
    /* 1001 distinct parameters */
    size_t n = (size_t)snprintf(q, cap, "FIND ?s WHERE ?s ?p ?o FILTER ?o = $p0");
    for (int i = 1; i <= 1000; i++)
        n += (size_t)snprintf(q + n, cap - n, " OR ?o = $p%d", i);
    snprintf(q + n, cap - n, ";");
    assert_int_equal(claimdb_prepare(db, q, -1, &st, NULL), CLAIMDB_SYNTAX);
    assert_non_null(strstr(claimdb_errmsg(db), "at most 1000 distinct $names"));
    /* 1001 patterns */
    n = (size_t)snprintf(q, cap, "FIND ?s0 WHERE ?s0 r ?s1");
    for (int i = 1; i <= 1000; i++)
        n += (size_t)snprintf(q + n, cap - n, " AND ?s%d r ?s%d", i % 400, (i + 1) % 400);
    snprintf(q + n, cap - n, " LIMIT 1;");
    assert_int_equal(claimdb_prepare(db, q, -1, &st, NULL), CLAIMDB_SEMANTIC);
    assert_non_null(strstr(claimdb_errmsg(db), "too many patterns: a FIND has at most 1000"));
    /* 1200 variables in 400 patterns */
    n = (size_t)snprintf(q, cap, "FIND ?x0 WHERE ?x0 ?x1 ?x2");
    for (int i = 1; i < 400; i++)
        n += (size_t)snprintf(q + n, cap - n, " AND ?x%d ?x%d ?x%d", 3 * i, 3 * i + 1, 3 * i + 2);
    snprintf(q + n, cap - n, " LIMIT 1;");
    assert_int_equal(claimdb_prepare(db, q, -1, &st, NULL), CLAIMDB_SEMANTIC);
    assert_non_null(strstr(claimdb_errmsg(db), "too many variables: a FIND has at most 1000"));
    /* 1000 patterns over 400 variables: fine */
    n = (size_t)snprintf(q, cap, "FIND ?s0 WHERE ?s0 r ?s1");
    for (int i = 1; i < 1000; i++)
        n += (size_t)snprintf(q + n, cap - n, " AND ?s%d r ?s%d", i % 400, (i + 1) % 400);
    snprintf(q + n, cap - n, " LIMIT 1;");
    assert_int_equal(claimdb_prepare(db, q, -1, &st, NULL), CLAIMDB_OK);
    assert_int_equal(claimdb_step(st), CLAIMDB_DONE);
    claimdb_finalize(st);
    free(q);
    claimdb_close(db);
}

/* A prepared statement run again sees an alias made since its last run (a read transaction
 * remembers whether the file has aliases, for its snapshot only). */
static void test_rerun_sees_new_alias(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    exec_ok(db, "ASSERT Taliban demands withdrawal FROM 3;");
    claimdb_stmt *st;
    assert_int_equal(claimdb_prepare(db,
                                     "FIND ?src WHERE \"Islamic Emirate\" demands withdrawal "
                                     "FROM ?src;",
                                     -1, &st, NULL),
                     CLAIMDB_OK);
    assert_int_equal(claimdb_step(st), CLAIMDB_DONE);
    claimdb_reset(st);
    exec_ok(db, "ALIAS \"Islamic Emirate\" FOR Taliban;");
    assert_int_equal(claimdb_step(st), CLAIMDB_ROW);
    assert_int_equal(claimdb_column_int64(st, 0), 3);
    assert_int_equal(claimdb_step(st), CLAIMDB_DONE);
    claimdb_finalize(st);
    claimdb_close(db);
}

static void test_interrupt_and_laziness(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    exec_ok(db, "BEGIN;");
    char s[32], o[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(s, sizeof s, "s%d", i % 500);
        snprintf(o, sizeof o, "o%d", i);
        claimdb_citation c = {.subject = s, .predicate = "p", .object = o, .article = i % 7};
        assert_int_equal(claimdb_assert(db, &c, NULL), CLAIMDB_OK);
    }
    exec_ok(db, "COMMIT;");
    claimdb_counter(db, CLAIMDB_COUNTER_CURSOR_OPS, 1);
    assert_string_equal(column0(db, "FIND COUNT(DISTINCT ?o) WHERE ?s p ?o;"), "20000");
    int64_t full = claimdb_counter(db, CLAIMDB_COUNTER_CURSOR_OPS, 1);
    assert_true(full >= 20000);
    /* A plain count of one pattern comes from the statistics, reading no claim. */
    assert_string_equal(column0(db, "FIND COUNT(*) WHERE ?s p ?o;"), "20000");
    assert_string_equal(column0(db, "FIND COUNT(*) AS n WHERE s7 ?p ?o;"), "40");
    assert_true(claimdb_counter(db, CLAIMDB_COUNTER_CURSOR_OPS, 1) < 10);
    claimdb_stmt *st;
    assert_int_equal(claimdb_prepare(db, "FIND ?s, ?o WHERE ?s p ?o LIMIT 10;", -1, &st, NULL),
                     CLAIMDB_OK);
    int n = 0;
    while (claimdb_step(st) == CLAIMDB_ROW)
        n++;
    claimdb_finalize(st);
    assert_int_equal(n, 10);
    int64_t lazy = claimdb_counter(db, CLAIMDB_COUNTER_CURSOR_OPS, 1);
    assert_true(lazy <= 30);
    /* Interrupt stops a running statement. */
    assert_int_equal(claimdb_prepare(db, "FIND ?s WHERE ?s p ?o;", -1, &st, NULL), CLAIMDB_OK);
    assert_int_equal(claimdb_step(st), CLAIMDB_ROW);
    claimdb_interrupt(db);
    assert_int_equal(claimdb_step(st), CLAIMDB_INTERRUPT);
    claimdb_finalize(st);
    claimdb_close(db);
}

/* A reader in another process sees all of a committed batch or none of it. */
static void test_reader_in_child_process(void **state)
{
    fixture *f = *state;
    claimdb *db = open_db(f->path, CLAIMDB_OPEN_CREATE);
    exec_ok(db, "ASSERT seed seed seed FROM 0;");
    claimdb_close(db);
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* The child opens its own handle: nothing of the parent's is used after fork. */
        close(go[1]);
        claimdb *r = NULL;
        if (claimdb_open(f->path, CLAIMDB_OPEN_READONLY, &r) != CLAIMDB_OK) _exit(2);
        char c;
        if (read(go[0], &c, 1) != 1) _exit(3);
        for (int i = 0; i < 100000; i++) {
            claimdb_stmt *st;
            if (claimdb_prepare(r, "FIND COUNT(*) WHERE ?s n ?o;", -1, &st, NULL)) _exit(4);
            if (claimdb_step(st) != CLAIMDB_ROW) _exit(5);
            int64_t n = claimdb_column_int64(st, 0);
            claimdb_finalize(st);
            if (n != 0 && n != 500) _exit(6); /* a half-committed batch */
            if (n == 500) {
                claimdb_close(r);
                _exit(0);
            }
        }
        _exit(7);
    }
    close(go[0]);
    db = open_db(f->path, 0);
    exec_ok(db, "BEGIN;");
    assert_int_equal(write(go[1], "x", 1), 1);
    char s[16];
    for (int i = 0; i < 500; i++) {
        snprintf(s, sizeof s, "o%d", i);
        claimdb_citation c = {.subject = "s", .predicate = "n", .object = s, .article = 1};
        assert_int_equal(claimdb_assert(db, &c, NULL), CLAIMDB_OK);
    }
    exec_ok(db, "COMMIT;");
    close(go[1]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    claimdb_close(db);
}

static void test_complete_and_keywords(void **state)
{
    (void)state;
    assert_int_equal(claimdb_complete("FIND ?x WHERE a b ?x;"), 1);
    assert_int_equal(claimdb_complete("FIND ?x WHERE a b ?x"), 0);
    assert_int_equal(claimdb_complete("ASSERT a b c FROM 1 QUOTE \"x;"), 0);
    assert_int_equal(claimdb_complete("FIND ?x -- ;"), 0);
    assert_int_equal(claimdb_complete(NULL), 0);
    /* a statement begun after a whole one keeps the entry open (the shell reads on) */
    assert_int_equal(claimdb_complete("CHECK a b c; CHECK"), 0);
    assert_int_equal(claimdb_complete("CHECK a b c; CHECK\nTaliban demand withdrawal;"), 1);
    assert_int_equal(claimdb_complete("CHECK a b c; -- a note\n  "), 1);
    assert_true(claimdb_keyword_count() > 20);
    int found = 0;
    for (int i = 0; i < claimdb_keyword_count(); i++)
        found += strcmp(claimdb_keyword_name(i), "WITHOUT") == 0;
    assert_int_equal(found, 1);
    assert_null(claimdb_keyword_name(-1));
}

/* The one date rule: calendar dates that exist, leap years counted, nothing else. */
static void test_date_valid(void **state)
{
    (void)state;
    assert_int_equal(claimdb_date_valid("2024-02-29", -1), 1);
    assert_int_equal(claimdb_date_valid("2000-02-29", -1), 1);
    assert_int_equal(claimdb_date_valid("2100-02-29", -1), 0);
    assert_int_equal(claimdb_date_valid("2021-02-30", -1), 0);
    assert_int_equal(claimdb_date_valid("2021-13-01", -1), 0);
    assert_int_equal(claimdb_date_valid("2021-00-10", -1), 0);
    assert_int_equal(claimdb_date_valid("0000-01-01", -1), 1);
    assert_int_equal(claimdb_date_valid("2021-1-01", -1), 0);
    assert_int_equal(claimdb_date_valid("2021-01-01T", -1), 0);
    assert_int_equal(claimdb_date_valid("2021-01-01 and more", 10), 1);
    assert_int_equal(claimdb_date_valid("2021-01-0", 10), 0);
    assert_int_equal(claimdb_date_valid(NULL, -1), 0);
}

/* The real formatter gives the shortest text that reads back as the same double. */
static void test_real_digits(void **state)
{
    (void)state;
    static const double cases[] = {0.1,
                                   0.3,
                                   1.0 / 3,
                                   2.0 / 3,
                                   1e-300,
                                   5e-324,
                                   123456789.125,
                                   0.30000000000000004,
                                   1.7976931348623157e308,
                                   -0.0};
    char text[400]; /* %g of a precision the compiler cannot bound */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int d = claimdb_real_digits(cases[i]);
        assert_true(d >= 15 && d <= 17);
        snprintf(text, sizeof text, "%.*g", d, cases[i]);
        assert_true(strtod(text, NULL) == cases[i]);
        if (d > 15) { /* one digit fewer would not read back */
            snprintf(text, sizeof text, "%.*g", d - 1, cases[i]);
            assert_true(strtod(text, NULL) != cases[i]);
        }
    }
    snprintf(text, sizeof text, "%.*g", claimdb_real_digits(0.1), 0.1);
    assert_string_equal(text, "0.1");
    snprintf(text, sizeof text, "%.*g", claimdb_real_digits(0.30000000000000004),
             0.30000000000000004);
    assert_string_equal(text, "0.30000000000000004");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_missing_and_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mission_example, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prepare_bind_step_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error_position, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exec_callback_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autocommit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly_and_two_handles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assert_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_citation_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statement_snapshot_in_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statement_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rerun_sees_new_alias, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_and_laziness, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_in_child_process, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebind_and_rerun, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kept_plan, setup, teardown),
        cmocka_unit_test(test_complete_and_keywords),
        cmocka_unit_test(test_version_macros),
        cmocka_unit_test(test_date_valid),
        cmocka_unit_test(test_real_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
