/* test_text_index.c — the text index of issue 15: how text is cut into stems (text_token.c),
 * and the posting lists of store_text.c kept in step with reviews put, changed, deleted,
 * rolled back to a savepoint, and replayed after map growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
// cmocka needs the above first
#include <cmocka.h>

#include "claimdb.h"
#include "tmpdb.h"
#include "store_internal.h"
#include "text_token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fx {
    tmpdb tmp;
    store *st;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || tmpdb_make(&f->tmp, "text")) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    store_close(f->st);
    tmpdb_remove(&f->tmp);
    free(f);
    return 0;
}

/* The stems of s joined by spaces. */
static char *stems(const char *s)
{
    text_tokenizer *tk = text_tokenizer_new();
    assert_non_null(tk);
    token_list l = {0};
    assert_int_equal(text_tokenize(tk, s, strlen(s), &l), CLAIMDB_OK);
    text_tokenizer_free(tk);
    char *out = calloc(1, l.len + 1);
    assert_non_null(out);
    for (size_t i = 0; i < l.n; i++) {
        if (i) strcat(out, " ");
        strcat(out, token_at(&l, i));
    }
    token_list_free(&l);
    return out;
}

static void expect_stems(const char *text, const char *want)
{
    char *got = stems(text);
    assert_string_equal(got, want);
    free(got);
}

static void test_tokenize(void **state)
{
    (void)state;
    expect_stems("Vaccines cause AUTISM", "vaccin caus autism");
    expect_stems("Does vaccination cause autism?", "vaccin caus autism"); /* "does": stop */
    expect_stems("Café owners were fined", "cafe owner fine");            /* accents folded */
    expect_stems("Trump's tweets don't", "trump tweet");                  /* apostrophes */
    expect_stems("see https://t.co/Ab12 and pic.twitter.com/xy now", "see now");
    expect_stems("#DefundTheCBChttps://t.co/CsHG8R9cHp", "defundthecbc");
    expect_stems("a I 5 G 2020", "5 2020"); /* single letters dropped, numbers kept */
    expect_stems("the of and was", "");
    expect_stems("", "");
    expect_stems("\xff\xfe bad UTF-8 words", "bad utf 8 word");
}

static void put_review(store_txn *t, const char *url, const char *text, const char *title)
{
    store_review r = {0};
    r.url = (store_text){url, strlen(url)};
    r.text = (store_text){text, strlen(text)};
    if (title) r.title = (store_text){title, strlen(title)};
    assert_int_equal(store_review_put(t, &r, NULL, NULL), CLAIMDB_OK);
}

/* The documents holding stem, as "id:tf:dl" joined by spaces. */
static char *postings(store_txn *t, const char *stem)
{
    store_cursor *c;
    assert_int_equal(store_postings_open(t, STORE_TEXT_REVIEW, stem, &c), CLAIMDB_OK);
    static char buf[4096];
    buf[0] = '\0';
    uint64_t doc;
    uint32_t tf, dl;
    int r;
    while ((r = store_cursor_next_posting(c, &doc, &tf, &dl)) == CLAIMDB_ROW)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%llu:%u:%u", buf[0] ? " " : "",
                 (unsigned long long)doc, tf, dl);
    assert_int_equal(r, CLAIMDB_DONE);
    store_cursor_close(c);
    return buf;
}

static void expect_stats(store_txn *t, uint64_t docs, uint64_t words)
{
    uint64_t d, w;
    assert_int_equal(store_text_stats(t, STORE_TEXT_REVIEW, &d, &w), CLAIMDB_OK);
    assert_int_equal(d, docs);
    assert_int_equal(w, words);
}

static void test_postings_follow_reviews(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &f->st), CLAIMDB_OK);
    store_txn *t;
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    put_review(t, "u1", "Vaccines cause autism", "Do vaccines cause autism?");
    put_review(t, "u2", "The moon landing was faked", NULL);
    assert_string_equal(postings(t, "vaccin"), "1:2:6");
    assert_string_equal(postings(t, "moon"), "2:1:3");
    expect_stats(t, 2, 9);
    /* The same record again changes nothing; a new text replaces the old words. */
    put_review(t, "u1", "Vaccines cause autism", "Do vaccines cause autism?");
    expect_stats(t, 2, 9);
    put_review(t, "u2", "Apollo astronauts never walked on the moon", NULL);
    assert_string_equal(postings(t, "land"), "");
    assert_string_equal(postings(t, "moon"), "2:1:5");
    expect_stats(t, 2, 11);
    /* A savepoint rolled back takes its words with it. */
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    put_review(t, "u3", "Vaccines contain microchips", NULL);
    assert_int_equal(store_review_delete(t, "u1", 2), CLAIMDB_OK);
    assert_string_equal(postings(t, "vaccin"), "3:1:3");
    expect_stats(t, 2, 8);
    assert_int_equal(store_savepoint_rollback(t), CLAIMDB_OK);
    assert_string_equal(postings(t, "vaccin"), "1:2:6");
    assert_string_equal(postings(t, "microchip"), "");
    expect_stats(t, 2, 11);
    assert_int_equal(store_review_delete(t, "u1", 2), CLAIMDB_OK);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    assert_int_equal(store_begin(f->st, false, &t), CLAIMDB_OK);
    assert_string_equal(postings(t, "vaccin"), "");
    assert_string_equal(postings(t, "autism"), "");
    expect_stats(t, 1, 5);
    store_abort(t);
}

static void test_map_growth_replays_index(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open_mapsize(f->tmp.path, CLAIMDB_OPEN_CREATE, 64 * 1024, &f->st),
                     CLAIMDB_OK);
    store_txn *t;
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    char url[32], text[96];
    for (int i = 0; i < 2000; i++) {
        snprintf(url, sizeof url, "https://ex.org/%d", i);
        snprintf(text, sizeof text, "claim number %d about topic%d and common words", i, i % 10);
        put_review(t, url, text, NULL);
    }
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    assert_int_equal(store_begin(f->st, false, &t), CLAIMDB_OK);
    expect_stats(t, 2000, 2000 * 6);
    /* topic7 is in reviews 8, 18, …: 200 postings, each once. */
    char *p = postings(t, "topic7");
    int n = 0;
    for (char *s = p; *s; s++)
        n += *s == ' ';
    assert_int_equal(n + 1, 200);
    assert_true(strncmp(p, "8:1:6 18:1:6", 12) == 0);
    store_abort(t);
}

static void collect(void *ctx, const char *msg)
{
    char *out = ctx;
    if (!out[0]) snprintf(out, 256, "%s", msg);
}

static int64_t check(store *st, char first[256])
{
    store_txn *t;
    assert_int_equal(store_begin(st, false, &t), CLAIMDB_OK);
    int64_t problems = -1;
    store_counts found;
    first[0] = '\0';
    assert_int_equal(store_check(t, collect, first, &problems, &found), CLAIMDB_OK);
    store_abort(t);
    return problems;
}

/* claimdb check finds a posting lost and one left over. */
static void test_check(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &f->st), CLAIMDB_OK);
    store_txn *t;
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    put_review(t, "u1", "Vaccines cause autism", NULL);
    put_review(t, "u2", "The moon landing was faked", NULL);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    char first[256];
    assert_int_equal(check(f->st, first), 0);
    /* A posting lost: review 1 no longer has "autism". */
    uint8_t key[32] = {STORE_TEXT_REVIEW, 'a', 'u', 't', 'i', 's', 'm', 0};
    put_u64(key + 8, 1);
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    assert_int_equal(sdb_del(t, DB_TXTPOST, key, 16), CLAIMDB_OK);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    assert_int_equal(check(f->st, first), 2); /* the review's postings, and the total */
    assert_string_equal(first, "txtpost: the postings of review 1 are missing or wrong");
    /* Put back, plus one no review makes. */
    uint8_t v[8] = {0, 0, 0, 1, 0, 0, 0, 3};
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    assert_int_equal(sdb_put(t, DB_TXTPOST, key, 16, v, 8, 0), CLAIMDB_OK);
    put_u64(key + 8, 2);
    assert_int_equal(sdb_put(t, DB_TXTPOST, key, 16, v, 8, 0), CLAIMDB_OK);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    assert_int_equal(check(f->st, first), 1);
    assert_string_equal(first, "txtpost: 7 postings, the reviews make 6");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokenize),
        cmocka_unit_test_setup_teardown(test_postings_follow_reviews, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_growth_replays_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
