/* test_kinds.c — the table of statement kinds (db/kinds.c): every kind the parser makes has a
 * row that says how it runs, and the columns a statement has at prepare are its kind's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
// cmocka needs the above first
#include <cmocka.h>

#include "engine.h"
#include "tmpdb.h"

#include <string.h>

/* A row for every kind up to the last the parser makes, and each row consistent: a reader
 * has a row source and no run function, the others the opposite and no columns. */
static void test_every_kind_has_a_row(void **state)
{
    (void)state;
    for (int k = STMT_FIND; k <= STMT_SIMILAR; k++) {
        ast_stmt ast;
        memset(&ast, 0, sizeof ast);
        ast.kind = (ast_stmt_kind)k;
        const stmt_kind *row = stmt_kind_of(&ast);
        assert_non_null(row);
        if (row->mode == MODE_READ) {
            assert_non_null(row->start);
            assert_null(row->run);
            assert_true(row->shape || row->ncolumns > 0);
        } else {
            assert_true(row->mode == MODE_WRITE || row->mode == MODE_TXN);
            assert_non_null(row->run);
            assert_null(row->start);
            assert_null(row->shape);
            assert_int_equal(row->ncolumns, 0);
        }
        assert_true((row->columns == NULL) == (row->ncolumns == 0));
    }
    ast_stmt past;
    memset(&past, 0, sizeof past);
    past.kind = (ast_stmt_kind)(STMT_SIMILAR + 1000);
    assert_null(stmt_kind_of(&past));
}

/* The columns known at prepare, before any step, as docs/language.md lists them. */
static void test_columns_at_prepare(void **state)
{
    (void)state;
    static const struct {
        const char *stmt;
        const char *columns; /* space-separated */
    } cases[] = {
        {"FIND ?s, ?o WHERE ?s says ?o;", "s o"},
        {"EXPLAIN FIND ?s WHERE ?s says ?o;", "step pattern index bound estimate"},
        {"EVIDENCE a b c;", "article title outlet date claimant quote polarity confidence said_on "
                            "stored quote_start quote_end kind rating verdict url"},
        {"CHECK a b c;", "verdict supporting contradicting independent_supporting weight_for "
                         "weight_against self_serving sources_for sources_against"},
        {"CHECK a b c REVIEWS;",
         "verdict supporting contradicting independent_supporting weight_for weight_against "
         "self_serving sources_for sources_against reviews reviewers latest_verdict "
         "reviewers_disagree"},
        {"SHOW ARTICLES;", "id title outlet date url author duplicate_of claims"},
        {"SHOW ARTICLE 1;", "id title outlet date url author duplicate_of claims text"},
        {"SHOW PREDICATES;", "predicate claims"},
        {"SHOW ALIASES;", "alias term"},
        {"SHOW STATS;", "name value"},
        {"SHOW TERMS LIKE 'a%';", "term"},
        {"SIMILAR 'a claim';", "kind ref text score verdict"},
        {"ASSERT a b c FROM 1;", ""},
        {"BEGIN;", ""},
    };
    tmpdb tmp;
    assert_int_equal(tmpdb_make(&tmp, "kinds"), 0);
    claimdb *db;
    assert_int_equal(claimdb_open(tmp.path, CLAIMDB_OPEN_CREATE, &db), CLAIMDB_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        claimdb_stmt *st;
        int rc = claimdb_prepare(db, cases[i].stmt, -1, &st, NULL);
        if (rc != CLAIMDB_OK) fail_msg("%s: %s", cases[i].stmt, claimdb_errmsg(db));
        char got[512] = "";
        for (int c = 0; c < claimdb_column_count(st); c++) {
            if (c) strcat(got, " ");
            strcat(got, claimdb_column_name(st, c));
        }
        if (strcmp(got, cases[i].columns))
            fail_msg("%s: columns \"%s\", expected \"%s\"", cases[i].stmt, got, cases[i].columns);
        claimdb_finalize(st);
    }
    claimdb_close(db);
    tmpdb_remove(&tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind_has_a_row),
        cmocka_unit_test(test_columns_at_prepare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
