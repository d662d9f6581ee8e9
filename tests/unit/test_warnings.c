/* test_warnings.c — statement warnings (a pattern's term in no claim, with the nearest
 * spelling) and claimdb_term_state(), as include/claimdb.h describes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "claimdb.h"
#include "tmpdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    tmpdb t;
    claimdb *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || tmpdb_make(&f->t, "warn") != 0) return -1;
    if (claimdb_open(f->t.path, CLAIMDB_OPEN_CREATE, &f->db) != CLAIMDB_OK) return -1;
    const char *setup_sql = "ARTICLE 1 TITLE \"a\";"
                            "ASSERT Taliban demand withdrawal FROM 1;"
                            "ASSERT \"United States\" reject withdrawal FROM 1;"
                            "ALIAS \"Islamic Emirate\" FOR Taliban;"
                            "ASSERT Zorblax eat pizza FROM 1;"
                            "RETRACT Zorblax eat pizza;";
    if (claimdb_exec(f->db, setup_sql, NULL, NULL) != CLAIMDB_OK) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    claimdb_close(f->db);
    tmpdb_remove(&f->t);
    free(f);
    return 0;
}

/* Run sql to the end; the warnings, one per line "OFFSET message", into out. */
static void run(claimdb *db, const char *sql, char *out, size_t cap)
{
    claimdb_stmt *stmt = NULL;
    assert_int_equal(claimdb_prepare(db, sql, -1, &stmt, NULL), CLAIMDB_OK);
    int rc;
    while ((rc = claimdb_step(stmt)) == CLAIMDB_ROW)
        ;
    assert_int_equal(rc, CLAIMDB_DONE);
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < claimdb_warning_count(stmt); i++) {
        int off = -2;
        const char *w = claimdb_warning(stmt, i, &off);
        assert_non_null(w);
        n += (size_t)snprintf(out + n, cap - n, "%d %s\n", off, w);
    }
    assert_null(claimdb_warning(stmt, claimdb_warning_count(stmt), NULL));
    assert_null(claimdb_warning(stmt, -1, NULL));
    claimdb_finalize(stmt);
}

static void misspelt_terms_are_warned_with_the_nearest(void **state)
{
    fixture *f = *state;
    char w[2048];
    run(f->db, "CHECK Talibn demand withdrawal;", w, sizeof w);
    assert_string_equal(w, "6 \"Talibn\" is not in the database; did you mean \"Taliban\"?\n");
    run(f->db, "EVIDENCE taliban demnad withdrawl;", w, sizeof w);
    assert_string_equal(w,
                        "17 \"demnad\" is not in the database; did you mean \"demand\"?\n"
                        "24 \"withdrawl\" is not in the database; did you mean \"withdrawal\"?\n");
    /* the alias spelling is a spelling of a live term: it is suggested, and no warning */
    run(f->db, "FIND ?x WHERE \"Islamic Emirat\" demand ?x;", w, sizeof w);
    assert_string_equal(
        w, "14 \"Islamic Emirat\" is not in the database; did you mean \"Islamic Emirate\"?\n");
    run(f->db, "FIND ?x WHERE \"islamic emirate\" demand ?x;", w, sizeof w);
    assert_string_equal(w, "");
    /* far from every term, or a wrong first character: no suggestion */
    run(f->db, "FIND ?x WHERE ?x demand xyzzy;", w, sizeof w);
    assert_string_equal(w, "24 \"xyzzy\" is not in the database\n");
    run(f->db, "FIND ?x WHERE Yaliban demand ?x;", w, sizeof w);
    assert_string_equal(w, "14 \"Yaliban\" is not in the database\n");
    /* a term whose claims are all retracted is not suggested, and is said to be in none */
    run(f->db, "FIND ?x WHERE Zorblax ?p ?x;", w, sizeof w);
    assert_string_equal(w, "14 \"Zorblax\" is in no claim of the database\n");
    run(f->db, "FIND ?x WHERE Zorblx ?p ?x;", w, sizeof w);
    assert_string_equal(w, "14 \"Zorblx\" is not in the database\n");
    /* terms that are there, and statements that write: nothing */
    run(f->db, "FIND ?x WHERE Taliban demand ?x;", w, sizeof w);
    assert_string_equal(w, "");
    run(f->db, "RETRACT Talibn demand withdrawal;", w, sizeof w);
    assert_string_equal(w, "");
}

/* A claimant has no statistic: a name the dictionary lacks is warned about (the nearest term
 * of the dictionary suggested, a claimant being one), a known term never. */
static void claimants_missing_from_the_dictionary(void **state)
{
    fixture *f = *state;
    char w[2048];
    assert_int_equal(claimdb_exec(f->db,
                                  "ASSERT Taliban demand withdrawal FROM 1 BY \"Zabihullah "
                                  "Mujahid\";",
                                  NULL, NULL),
                     CLAIMDB_OK);
    run(f->db, "FIND ?o WHERE Taliban demand ?o FROM ?a BY \"Zabihulah Mujahid\";", w, sizeof w);
    assert_string_equal(w, "43 \"Zabihulah Mujahid\" is not in the database; did you mean "
                           "\"Zabihullah Mujahid\"?\n");
    run(f->db, "FIND ?o WHERE Taliban demand ?o FROM ?a BY \"Zabihullah Mujahid\";", w, sizeof w);
    assert_string_equal(w, "");
    /* a term of the dictionary that is no claimant: not said (finding out reads every
     * citation), the run simply finds nothing */
    run(f->db, "FIND ?o WHERE Taliban demand ?o FROM ?a BY pizza;", w, sizeof w);
    assert_string_equal(w, "");
}

static void parameters_and_reruns(void **state)
{
    fixture *f = *state;
    claimdb_stmt *stmt = NULL;
    assert_int_equal(claimdb_prepare(f->db, "CHECK $s demand withdrawal;", -1, &stmt, NULL),
                     CLAIMDB_OK);
    assert_int_equal(claimdb_bind_text(stmt, "$s", "Talibam", -1), CLAIMDB_OK);
    assert_int_equal(claimdb_warning_count(stmt), 0);
    assert_int_equal(claimdb_step(stmt), CLAIMDB_ROW);
    assert_int_equal(claimdb_warning_count(stmt), 1);
    int off = -2;
    assert_string_equal(claimdb_warning(stmt, 0, &off),
                        "\"Talibam\" is not in the database; did you mean \"Taliban\"?");
    assert_int_equal(off, 6);
    /* a run again forgets them; a good binding gives none */
    assert_int_equal(claimdb_reset(stmt), CLAIMDB_OK);
    assert_int_equal(claimdb_warning_count(stmt), 0);
    assert_int_equal(claimdb_bind_text(stmt, "$s", "Taliban", -1), CLAIMDB_OK);
    assert_int_equal(claimdb_step(stmt), CLAIMDB_ROW);
    assert_int_equal(claimdb_warning_count(stmt), 0);
    claimdb_finalize(stmt);
    assert_int_equal(claimdb_warning_count(NULL), 0);
    assert_null(claimdb_warning(NULL, 0, NULL));
}

/* Warnings of FIND statements run again on their kept plan: given when a run finds no
 * solution (its terms then are read again), in the order of the statement's terms, WITHOUT
 * patterns' after the others, none when a solution shows every term in a claim. */
static void find_reruns(void **state)
{
    fixture *f = *state;
    char w[2048];
    claimdb_stmt *stmt = NULL;
    const char *sql = "FIND ?o WHERE $s demand ?o WITHOUT Zorblax eat ?o;";
    assert_int_equal(claimdb_prepare(f->db, sql, -1, &stmt, NULL), CLAIMDB_OK);
    for (int run = 0; run < 3; run++) {
        static const char *const binds[] = {"Talibam", "Taliban", "Zorblax"};
        static const char *const want[] = {
            "14 \"Talibam\" is not in the database; did you mean \"Taliban\"?\n"
            "35 \"Zorblax\" is in no claim of the database\n"
            "43 \"eat\" is in no claim of the database\n",
            "35 \"Zorblax\" is in no claim of the database\n"
            "43 \"eat\" is in no claim of the database\n",
            "14 \"Zorblax\" is in no claim of the database\n"
            "35 \"Zorblax\" is in no claim of the database\n"
            "43 \"eat\" is in no claim of the database\n"};
        assert_int_equal(claimdb_bind_text(stmt, "$s", binds[run], -1), CLAIMDB_OK);
        int rc, rows = 0;
        while ((rc = claimdb_step(stmt)) == CLAIMDB_ROW)
            rows++;
        assert_int_equal(rc, CLAIMDB_DONE);
        assert_int_equal(rows, run == 1);
        size_t n = 0;
        w[0] = '\0';
        for (int i = 0; i < claimdb_warning_count(stmt); i++) {
            int off = -2;
            const char *m = claimdb_warning(stmt, i, &off);
            n += (size_t)snprintf(w + n, sizeof w - n, "%d %s\n", off, m);
        }
        assert_string_equal(w, want[run]);
        assert_int_equal(claimdb_reset(stmt), CLAIMDB_OK);
    }
    claimdb_finalize(stmt);
    /* a count from statistics: 0 for a term in no claim, with its warning; a constant's
     * warning again on a second run in the same snapshot */
    assert_int_equal(claimdb_prepare(f->db, "FIND COUNT(*) WHERE ?s eat ?o;", -1, &stmt, NULL),
                     CLAIMDB_OK);
    for (int run = 0; run < 2; run++) {
        assert_int_equal(claimdb_step(stmt), CLAIMDB_ROW);
        assert_int_equal(claimdb_column_int64(stmt, 0), 0);
        assert_int_equal(claimdb_step(stmt), CLAIMDB_DONE);
        assert_int_equal(claimdb_warning_count(stmt), 1);
        assert_string_equal(claimdb_warning(stmt, 0, NULL),
                            "\"eat\" is in no claim of the database");
        assert_int_equal(claimdb_reset(stmt), CLAIMDB_OK);
    }
    claimdb_finalize(stmt);
    run(f->db, "FIND COUNT(*) WHERE ?s demand ?o;", w, sizeof w);
    assert_string_equal(w, "");
}

static void term_states(void **state)
{
    fixture *f = *state;
    int st = -1;
    assert_int_equal(claimdb_term_state(f->db, "taliban", -1, &st), CLAIMDB_OK);
    assert_int_equal(st, CLAIMDB_TERM_LIVE);
    assert_int_equal(claimdb_term_state(f->db, "Islamic  Emirate", -1, &st), CLAIMDB_OK);
    assert_int_equal(st, CLAIMDB_TERM_ALIAS);
    assert_int_equal(claimdb_term_state(f->db, "Zorblax", -1, &st), CLAIMDB_OK);
    assert_int_equal(st, CLAIMDB_TERM_DEAD);
    assert_int_equal(claimdb_term_state(f->db, "Talibn", 6, &st), CLAIMDB_OK);
    assert_int_equal(st, CLAIMDB_TERM_ABSENT);
    assert_int_equal(claimdb_term_state(f->db, "   ", -1, &st), CLAIMDB_ERROR);
    assert_int_equal(claimdb_term_state(f->db, NULL, -1, &st), CLAIMDB_MISUSE);
    assert_int_equal(claimdb_term_state(NULL, "x", -1, &st), CLAIMDB_MISUSE);
    /* inside a transaction it reads the transaction's writes */
    assert_int_equal(claimdb_exec(f->db, "BEGIN; ASSERT Zorblax eat pizza FROM 1;", NULL, NULL),
                     CLAIMDB_OK);
    assert_int_equal(claimdb_term_state(f->db, "Zorblax", -1, &st), CLAIMDB_OK);
    assert_int_equal(st, CLAIMDB_TERM_LIVE);
    assert_int_equal(claimdb_exec(f->db, "ROLLBACK;", NULL, NULL), CLAIMDB_OK);
}

/* The suggestion search is bounded: among many terms sharing the first character, the one
 * misspelt is still found when it shares the first three (the near probe). */
static void bounded_search_finds_near_prefix(void **state)
{
    fixture *f = *state;
    assert_int_equal(claimdb_exec(f->db, "BEGIN;", NULL, NULL), CLAIMDB_OK);
    for (int i = 0; i < 6000; i++) {
        char term[32];
        snprintf(term, sizeof term, "t%05d", i);
        claimdb_citation c = {.subject = term,
                              .predicate = "be",
                              .object = "filler",
                              .article = 1,
                              .method = CLAIMDB_METHOD_CURATED};
        assert_int_equal(claimdb_assert(f->db, &c, NULL), CLAIMDB_OK);
    }
    assert_int_equal(claimdb_exec(f->db, "COMMIT;", NULL, NULL), CLAIMDB_OK);
    char w[512];
    run(f->db, "CHECK Talibann demand withdrawal;", w, sizeof w);
    assert_string_equal(w, "6 \"Talibann\" is not in the database; did you mean \"Taliban\"?\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(misspelt_terms_are_warned_with_the_nearest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(claimants_missing_from_the_dictionary, setup, teardown),
        cmocka_unit_test_setup_teardown(parameters_and_reruns, setup, teardown),
        cmocka_unit_test_setup_teardown(find_reruns, setup, teardown),
        cmocka_unit_test_setup_teardown(term_states, setup, teardown),
        cmocka_unit_test_setup_teardown(bounded_search_finds_near_prefix, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
