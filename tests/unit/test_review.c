/* test_review.c — fact-check reviews: the store's records and links (store_review.c), their
 * fate under RETRACT and ALIAS, the rating table (ratings.c), and the API's
 * claimdb_review_put() with its flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
// cmocka needs the above first
#include <cmocka.h>

#include "claimdb.h"
#include "tmpdb.h"
#include "ratings.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fx {
    tmpdb tmp;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || tmpdb_make(&f->tmp, "review")) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    tmpdb_remove(&f->tmp);
    free(f);
    return 0;
}

static store_text T(const char *s)
{
    return (store_text){s, strlen(s)};
}

static term_id intern(store_txn *t, const char *s)
{
    term_id id = 0;
    assert_int_equal(store_term_intern(t, s, strlen(s), &id), CLAIMDB_OK);
    return id;
}

static void put_cite(store_txn *t, const claim_key *k, uint64_t article)
{
    store_citation c = {0};
    c.article = article;
    c.qstart = c.qend = -1;
    assert_int_equal(store_cite_put(t, k, &c, NULL), CLAIMDB_OK);
}

static int count_reviews_of(store_txn *t, const claim_key *k)
{
    store_cursor *c;
    assert_int_equal(store_claim_reviews_open(t, k, &c), CLAIMDB_OK);
    uint64_t id;
    int n = 0, r;
    while ((r = store_cursor_next_review_id(c, &id)) == CLAIMDB_ROW)
        n++;
    assert_int_equal(r, CLAIMDB_DONE);
    store_cursor_close(c);
    return n;
}

static void report_fail(void *ctx, const char *msg)
{
    (void)ctx;
    print_message("check: %s\n", msg);
}

static void test_put_get_update_delete(void **state)
{
    fx *f = *state;
    store *st;
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &st), CLAIMDB_OK);
    store_txn *t;
    assert_int_equal(store_begin(st, true, &t), CLAIMDB_OK);
    claim_key k = {POL_POS, intern(t, "a"), intern(t, "b"), intern(t, "c")};
    put_cite(t, &k, 1);
    store_review r = {0};
    r.text = T("a b c");
    r.url = T("https://x/1");
    r.reviewer = T("PolitiFact");
    r.rating = T("Pants on Fire");
    r.verdict = VERDICT_FALSE;
    r.has_value = true;
    r.value = 1.5;
    r.has_appearance = true;
    r.appearance = 7;
    int added = 0;
    assert_int_equal(store_review_put(t, &r, &k, &added), CLAIMDB_OK);
    assert_int_equal(added, STORE_REVIEW_ADDED | STORE_REVIEW_ATTACHED);
    /* The same again changes nothing; a changed field updates; a new triple attaches. */
    assert_int_equal(store_review_put(t, &r, &k, &added), CLAIMDB_OK);
    assert_int_equal(added, 0);
    r.rating = T("False");
    assert_int_equal(store_review_put(t, &r, NULL, &added), CLAIMDB_OK);
    assert_int_equal(added, STORE_REVIEW_UPDATED);
    claim_key k2 = {POL_NEG, k.s, k.p, intern(t, "d")}; /* not a claim: still linked */
    assert_int_equal(store_review_put(t, &r, &k2, &added), CLAIMDB_OK);
    assert_int_equal(added, STORE_REVIEW_ATTACHED);
    store_review got;
    assert_int_equal(store_review_get_url(t, "https://x/1", 11, &got), CLAIMDB_OK);
    assert_int_equal(got.id, 1);
    assert_int_equal(got.rating.len, 5);
    assert_memory_equal(got.rating.ptr, "False", 5);
    assert_true(got.has_value && got.value == 1.5 && !got.has_best);
    assert_true(got.has_appearance && got.appearance == 7);
    assert_null(got.author.ptr);
    assert_int_equal(count_reviews_of(t, &k), 1);
    assert_int_equal(count_reviews_of(t, &k2), 1);
    store_counts cn;
    assert_int_equal(store_counts_get(t, &cn), CLAIMDB_OK);
    assert_int_equal(cn.reviews, 1);
    /* A review outlives its claim. */
    assert_int_equal(store_claim_delete(t, &k), CLAIMDB_OK);
    assert_int_equal(count_reviews_of(t, &k), 1);
    /* Its own retraction removes it and its links. */
    assert_int_equal(store_review_delete(t, "https://x/1", 11), CLAIMDB_OK);
    assert_int_equal(store_review_delete(t, "https://x/1", 11), CLAIMDB_NOTFOUND);
    assert_int_equal(count_reviews_of(t, &k), 0);
    assert_int_equal(count_reviews_of(t, &k2), 0);
    assert_int_equal(store_counts_get(t, &cn), CLAIMDB_OK);
    assert_int_equal(cn.reviews, 0);
    /* Ids are not reused. */
    r.url = T("https://x/2");
    assert_int_equal(store_review_put(t, &r, NULL, &added), CLAIMDB_OK);
    assert_int_equal(store_review_get_url(t, "https://x/2", 11, &got), CLAIMDB_OK);
    assert_int_equal(got.id, 2);
    /* Refused: no URL, a URL too long for a key. */
    store_review bad = r;
    bad.url = T("");
    assert_int_equal(store_review_put(t, &bad, NULL, NULL), CLAIMDB_MISUSE);
    char longurl[600];
    memset(longurl, 'u', sizeof longurl - 1);
    longurl[sizeof longurl - 1] = '\0';
    bad.url = T(longurl);
    assert_int_equal(store_review_put(t, &bad, NULL, NULL), CLAIMDB_TOOBIG);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    store_close(st);
    int64_t problems = -1;
    assert_int_equal(claimdb_check(f->tmp.path, report_fail, NULL, &problems, NULL, 0), CLAIMDB_OK);
    assert_int_equal(problems, 0);
}

static void test_alias_moves_links(void **state)
{
    fx *f = *state;
    store *st;
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &st), CLAIMDB_OK);
    store_txn *t;
    assert_int_equal(store_begin(st, true, &t), CLAIMDB_OK);
    claim_key k = {POL_POS, intern(t, "Islamic Emirate"), intern(t, "demand"), intern(t, "x")};
    put_cite(t, &k, 0);
    store_review r = {0};
    r.text = T("the Islamic Emirate demands x");
    r.url = T("u1");
    assert_int_equal(store_review_put(t, &r, &k, NULL), CLAIMDB_OK);
    r.url = T("u2"); /* about a triple that is no claim */
    claim_key k2 = {POL_POS, k.s, k.p, intern(t, "y")};
    assert_int_equal(store_review_put(t, &r, &k2, NULL), CLAIMDB_OK);
    assert_int_equal(store_alias_put(t, "Islamic Emirate", 15, "Taliban", 7), CLAIMDB_OK);
    term_id tal;
    assert_int_equal(store_term_lookup(t, "Taliban", 7, &tal), CLAIMDB_OK);
    assert_int_equal(count_reviews_of(t, &k), 0);
    claim_key nk = {POL_POS, tal, k.p, k.o}, nk2 = {POL_POS, tal, k.p, k2.o};
    assert_int_equal(count_reviews_of(t, &nk), 1);
    assert_int_equal(count_reviews_of(t, &nk2), 1);
    assert_int_equal(store_claim_exists(t, &nk), CLAIMDB_OK);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    store_close(st);
    int64_t problems = -1;
    assert_int_equal(claimdb_check(f->tmp.path, report_fail, NULL, &problems, NULL, 0), CLAIMDB_OK);
    assert_int_equal(problems, 0);
}

/* Reviews written into a tiny map: the growth replays their log records. */
static void test_map_growth(void **state)
{
    fx *f = *state;
    store *st;
    assert_int_equal(store_open_mapsize(f->tmp.path, CLAIMDB_OPEN_CREATE, 64 * 1024, &st), 0);
    store_txn *t;
    assert_int_equal(store_begin(st, true, &t), CLAIMDB_OK);
    claim_key k = {POL_POS, intern(t, "s"), intern(t, "p"), intern(t, "o")};
    char url[32], text[64];
    for (int i = 0; i < 2000; i++) {
        snprintf(url, sizeof url, "liar:%d", i);
        snprintf(text, sizeof text, "statement number %d of the test", i);
        store_review r = {0};
        r.url = T(url);
        r.text = T(text);
        r.rating = T("half-true");
        r.verdict = VERDICT_MIXTURE;
        assert_int_equal(store_review_put(t, &r, i % 3 ? NULL : &k, NULL), CLAIMDB_OK);
        if (i % 10 == 9) assert_int_equal(store_review_delete(t, url, strlen(url)), CLAIMDB_OK);
    }
    assert_int_equal(count_reviews_of(t, &k), 667 - 67); /* i % 3 == 0, less i % 30 == 9 */
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    store_close(st);
    int64_t problems = -1;
    assert_int_equal(claimdb_check(f->tmp.path, report_fail, NULL, &problems, NULL, 0), CLAIMDB_OK);
    assert_int_equal(problems, 0);
}

static void test_ratings(void **state)
{
    (void)state;
    ratings *r = ratings_new(NULL, 0);
    assert_non_null(r);
    static const struct {
        const char *label;
        const char *verdict;
        bool mapped;
    } cases[] = {
        {"Pants on Fire!", "false", true},
        {"pants-fire", "false", true},
        {"PANTS ON FIRE", "false", true},
        {"barely-true", "mostly-false", true},
        {"Half True", "mixture", true},
        {"half-true", "mixture", true},
        {"Mostly True", "mostly-true", true},
        {"TRUE", "true", true},
        {"MIXTURE", "mixture", true},
        {"Miscaptioned", "mostly-false", true},
        {"Missing context", "mixture", true},
        {"total lie", "false", true}, /* X-Fact */
        {"almost true", "mostly-true", true},
        {"  mostly   false ", "mostly-false", true},
        {"Four Pinocchios", "other", false},
        {"", "other", false},
        {"!!!", "other", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t v;
        bool m = ratings_lookup(r, cases[i].label, strlen(cases[i].label), &v);
        if (m != cases[i].mapped || strcmp(verdict_name(v), cases[i].verdict))
            fail_msg("'%s': %s (%d), expected %s", cases[i].label, verdict_name(v), m,
                     cases[i].verdict);
    }
    /* A file read over the table: later lines win; a bad line keeps nothing of the file. */
    char path[] = "/tmp/claimdb-ratings-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *good = "# extra\nFour Pinocchios\tfalse\npants on fire\tother\n";
    assert_int_equal(write(fd, good, strlen(good)), (ssize_t)strlen(good));
    close(fd);
    char err[256];
    assert_int_equal(ratings_load_file(r, path, err, sizeof err), CLAIMDB_OK);
    uint8_t v;
    assert_true(ratings_lookup(r, "four pinocchios", 15, &v) && v == VERDICT_FALSE);
    assert_true(ratings_lookup(r, "Pants on fire", 13, &v) && v == VERDICT_OTHER);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("Two Pinocchios\tmostly-false\nThree Pinocchios\tmostly false\n", fp);
    fclose(fp);
    assert_int_equal(ratings_load_file(r, path, err, sizeof err), CLAIMDB_ERROR);
    assert_non_null(strstr(err, ":2: unknown verdict 'mostly false'"));
    assert_false(ratings_lookup(r, "two pinocchios", 14, &v));
    unlink(path);
    assert_int_equal(ratings_load_file(r, path, err, sizeof err), CLAIMDB_NOTFOUND);
    ratings_free(r);
    ratings_free(NULL);
    /* Numeric ratings: the fifth of the scale. */
    assert_true(ratings_numeric(5, 5, 1, &v) && v == VERDICT_TRUE);
    assert_true(ratings_numeric(1, 5, 1, &v) && v == VERDICT_FALSE);
    assert_true(ratings_numeric(3, 5, 1, &v) && v == VERDICT_MIXTURE);
    assert_true(ratings_numeric(0, 0, 10, &v) && v == VERDICT_TRUE); /* reversed scale */
    assert_false(ratings_numeric(7, 5, 1, &v));
    assert_false(ratings_numeric(1, 1, 1, &v));
}

static void test_api(void **state)
{
    fx *f = *state;
    claimdb *db;
    assert_int_equal(claimdb_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &db), CLAIMDB_OK);
    claimdb_review r = {0};
    r.url = "https://www.politifact.com/x";
    r.claim_reviewed = "The Taliban demands withdrawal";
    r.reviewer = "PolitiFact";
    r.rating = "Pants on Fire";
    r.subject = "Taliban";
    r.predicate = "demand";
    r.object = "withdrawal";
    int added = 0;
    assert_int_equal(claimdb_review_put(db, &r, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_ADDED_REVIEW | CLAIMDB_ATTACHED_REVIEW);
    r.rating = "Four Pinocchios";
    assert_int_equal(claimdb_review_put(db, &r, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_UPDATED_REVIEW | CLAIMDB_RATING_UNMAPPED);
    claimdb_review bad = {0};
    bad.url = "u";
    assert_int_equal(claimdb_review_put(db, &bad, NULL), CLAIMDB_MISUSE); /* no claim text */
    bad.claim_reviewed = "x";
    bad.subject = "only a subject";
    assert_int_equal(claimdb_review_put(db, &bad, NULL), CLAIMDB_MISUSE);
    bad.subject = NULL;
    bad.date = "2021-02-30";
    assert_int_equal(claimdb_review_put(db, &bad, NULL), CLAIMDB_ERROR);
    assert_int_equal(claimdb_review_put(NULL, &bad, NULL), CLAIMDB_MISUSE);
    int mapped = -1;
    assert_string_equal(claimdb_verdict(db, "Half-True", &mapped), "mixture");
    assert_int_equal(mapped, 1);
    assert_string_equal(claimdb_verdict(db, "Four Pinocchios", &mapped), "other");
    assert_int_equal(mapped, 0);
    assert_string_equal(claimdb_verdict(NULL, "x", NULL), "other");
    assert_int_equal(claimdb_ratings_load(db, "/nonexistent/ratings.tsv"), CLAIMDB_NOTFOUND);
    claimdb_stmt *stmt;
    assert_int_equal(
        claimdb_prepare(db, "CHECK Taliban demand withdrawal REVIEWS;", -1, &stmt, NULL),
        CLAIMDB_OK);
    assert_int_equal(claimdb_column_count(stmt), 13);
    assert_int_equal(claimdb_step(stmt), CLAIMDB_ROW);
    assert_string_equal(claimdb_column_name(stmt, 9), "reviews");
    assert_int_equal(claimdb_column_int64(stmt, 9), 1);
    assert_string_equal(claimdb_column_text(stmt, 10), "PolitiFact");
    assert_string_equal(claimdb_column_text(stmt, 11), "other");
    claimdb_finalize(stmt);
    /* Without REVIEWS, CHECK keeps its nine columns. */
    assert_int_equal(claimdb_prepare(db, "CHECK Taliban demand withdrawal;", -1, &stmt, NULL),
                     CLAIMDB_OK);
    assert_int_equal(claimdb_column_count(stmt), 9);
    claimdb_finalize(stmt);
    claimdb_close(db);
}

/* A file of format 2 (before reviews) lacks their databases: it is another format version,
 * not a damaged file. */
static void test_old_format(void **state)
{
    fx *f = *state;
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 32);
    assert_int_equal(mdb_env_open(env, f->tmp.path, MDB_NOSUBDIR, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    static const char *const v2[] = {"term",    "termid",  "spo",   "pos",   "osp", "cite",
                                     "artcite", "article", "alias", "tstat", "meta"};
    for (size_t i = 0; i < sizeof v2 / sizeof v2[0]; i++)
        assert_int_equal(mdb_dbi_open(txn, v2[i], MDB_CREATE, &dbi), 0);
    uint8_t ver[4] = {0, 0, 0, 2};
    MDB_val k = {6, (void *)"format"}, v = {4, ver};
    assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    store *st = NULL;
    assert_int_equal(store_open(f->tmp.path, 0, &st), CLAIMDB_FORMAT);
    char want[256];
    snprintf(want, sizeof want, "%s: database format version 2, this claimdb reads version %d",
             f->tmp.path, STORE_FORMAT_VERSION);
    assert_string_equal(store_errmsg(st), want);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_put_get_update_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alias_moves_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_growth, setup, teardown),
        cmocka_unit_test(test_ratings),
        cmocka_unit_test_setup_teardown(test_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_format, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
