/* test_text_index.c — the text index of issue 15: how text is cut into stems (text_token.c),
 * and the posting lists of store_text.c kept in step with reviews, citation quotes and claims
 * put, changed, deleted, aliased, rolled back to a savepoint, replayed after map growth, and
 * rebuilt. */
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
    store_postings *c;
    assert_int_equal(store_postings_open(t, STORE_TEXT_REVIEW, stem, &c), CLAIMDB_OK);
    static char buf[4096];
    buf[0] = '\0';
    uint64_t doc;
    uint32_t tf, dl;
    int r;
    while ((r = store_postings_next(c, &doc, &tf, &dl)) == CLAIMDB_ROW)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%llu:%u:%u", buf[0] ? " " : "",
                 (unsigned long long)doc, tf, dl);
    assert_int_equal(r, CLAIMDB_DONE);
    store_postings_close(c);
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
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    assert_int_equal(post_remove(t, STORE_TEXT_REVIEW, "autism", 1), CLAIMDB_OK);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    assert_int_equal(check(f->st, first), 2); /* the review's postings, and the total */
    assert_string_equal(first, "txtpost: the postings of review 1 are missing or wrong");
    /* Put back, plus one no review makes. */
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    assert_int_equal(post_insert(t, STORE_TEXT_REVIEW, "autism", 1, 1, 3), CLAIMDB_OK);
    assert_int_equal(post_insert(t, STORE_TEXT_REVIEW, "autism", 2, 1, 3), CLAIMDB_OK);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    assert_int_equal(check(f->st, first), 1);
    assert_string_equal(first, "txtpost: 7 postings, the documents make 6");
}

/* Posting blocks: many documents of one stem split into blocks, removals and insertions in
 * the middle and at the front, read back in order. */
static void test_blocks(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &f->st), CLAIMDB_OK);
    store_txn *t;
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    for (uint64_t d = 10; d < 1010; d += 2) /* 500 postings: four blocks at least */
        assert_int_equal(post_insert(t, STORE_TEXT_QUOTE, "x", d, (uint32_t)(d % 7 + 1), 9),
                         CLAIMDB_OK);
    for (uint64_t d = 11; d < 1010; d += 50) /* into the middle of blocks */
        assert_int_equal(post_insert(t, STORE_TEXT_QUOTE, "x", d, 1, 4), CLAIMDB_OK);
    assert_int_equal(post_insert(t, STORE_TEXT_QUOTE, "x", 3, 2, 2), CLAIMDB_OK); /* front */
    for (uint64_t d = 10; d < 1010; d += 10) /* every fifth even one goes */
        assert_int_equal(post_remove(t, STORE_TEXT_QUOTE, "x", d), CLAIMDB_OK);
    assert_int_equal(post_remove(t, STORE_TEXT_QUOTE, "x", 10), CLAIMDB_NOTFOUND);
    assert_int_equal(post_remove(t, STORE_TEXT_QUOTE, "y", 10), CLAIMDB_NOTFOUND);
    assert_int_equal(post_remove(t, STORE_TEXT_QUOTE, "x", 3), CLAIMDB_OK); /* a first */
    /* The same rewrite again, from the list the test keeps. */
    store_postings *c;
    assert_int_equal(store_postings_open(t, STORE_TEXT_QUOTE, "x", &c), CLAIMDB_OK);
    uint64_t want = 10, doc, n = 0;
    uint32_t tf, dl;
    int r;
    while ((r = store_postings_next(c, &doc, &tf, &dl)) == CLAIMDB_ROW) {
        /* the next document the test kept: even and not a multiple of 10, or 11 + 50k */
        for (;;) {
            want++;
            if ((want % 2 == 0 && want % 10 != 0) || (want >= 11 && (want - 11) % 50 == 0)) break;
        }
        assert_int_equal(doc, want);
        assert_int_equal(tf, want % 2 ? 1 : want % 7 + 1);
        assert_int_equal(dl, want % 2 ? 4 : 9);
        n++;
    }
    assert_int_equal(r, CLAIMDB_DONE);
    store_postings_close(c);
    assert_int_equal(n, 400 + 20);
    uint64_t all;
    bool ok;
    assert_int_equal(post_count_all(t, &all, &ok), CLAIMDB_OK);
    assert_true(ok);
    assert_int_equal(all, n);
    assert_int_equal(post_find(t, STORE_TEXT_QUOTE, "x", 511, &tf, &dl), CLAIMDB_OK);
    assert_int_equal(post_find(t, STORE_TEXT_QUOTE, "x", 510, &tf, &dl), CLAIMDB_NOTFOUND);
    store_abort(t);
}

/* ---- quotes and claims ---- */

static term_id term(store_txn *t, const char *s)
{
    term_id id;
    assert_int_equal(store_term_intern(t, s, strlen(s), &id), CLAIMDB_OK);
    return id;
}

static claim_key claim(store_txn *t, int pol, const char *s, const char *p, const char *o)
{
    return (claim_key){(uint8_t)pol, term(t, s), term(t, p), term(t, o)};
}

static void cite(store_txn *t, claim_key k, uint64_t article, const char *quote, const char *who)
{
    store_citation c = {0};
    c.article = article;
    c.qstart = c.qend = -1;
    if (quote) c.quote = (store_text){quote, strlen(quote)};
    if (who) c.claimant = term(t, who);
    assert_int_equal(store_cite_put(t, &k, &c, NULL), CLAIMDB_OK);
}

/* The documents of kind holding stem, as "id:tf:dl" joined by spaces. */
static char *kpostings(store_txn *t, uint8_t kind, const char *stem)
{
    store_postings *c;
    assert_int_equal(store_postings_open(t, kind, stem, &c), CLAIMDB_OK);
    static char buf[4096];
    buf[0] = '\0';
    uint64_t doc;
    uint32_t tf, dl;
    int r;
    while ((r = store_postings_next(c, &doc, &tf, &dl)) == CLAIMDB_ROW)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%llu:%u:%u", buf[0] ? " " : "",
                 (unsigned long long)doc, tf, dl);
    assert_int_equal(r, CLAIMDB_DONE);
    store_postings_close(c);
    return buf;
}

static uint64_t ndocs(store_txn *t, uint8_t kind)
{
    uint64_t d, w;
    assert_int_equal(store_text_stats(t, kind, &d, &w), CLAIMDB_OK);
    return d;
}

static int64_t check(store *st, char first[256]);

/* CREATE TEXT INDEX ON QUOTES, CLAIMS. */
static void index_on(store_txn *t)
{
    assert_int_equal(store_text_set_kinds(t, STORE_TEXT_ON_QUOTES | STORE_TEXT_ON_CLAIMS, 0),
                     CLAIMDB_OK);
}

/* Check the whole file inside a write transaction's life: commit, check, begin again. */
static store_txn *checked(store *st, store_txn *t)
{
    char first[256];
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    int64_t n = check(st, first);
    if (n) fail_msg("check: %lld problems, first: %s", (long long)n, first);
    assert_int_equal(store_begin(st, true, &t), CLAIMDB_OK);
    return t;
}

static void test_quotes_and_claims_follow_writes(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &f->st), CLAIMDB_OK);
    store_txn *t;
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    index_on(t);
    claim_key k1 = claim(t, 1, "Taliban", "demand", "withdrawal");
    cite(t, k1, 1, "The Taliban demanded a withdrawal of troops", "Zabihullah Mujahid");
    cite(t, k1, 2, "Troops must leave", NULL);
    cite(t, k1, 3, NULL, NULL); /* no quote: no quote document */
    claim_key k2 = claim(t, 0, "United States", "fund", "Afghan army");
    cite(t, k2, 1, "Washington does not pay for the army", NULL);
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), 3);
    assert_int_equal(ndocs(t, STORE_TEXT_CLAIM), 2);
    /* quote 1: taliban demand withdraw troop zabihullah mujahid */
    assert_string_equal(kpostings(t, STORE_TEXT_QUOTE, "troop"), "1:1:6 2:1:3");
    assert_string_equal(kpostings(t, STORE_TEXT_QUOTE, "mujahid"), "1:1:6");
    assert_string_equal(kpostings(t, STORE_TEXT_CLAIM, "withdraw"), "1:1:3");
    assert_string_equal(kpostings(t, STORE_TEXT_CLAIM, "armi"), "2:1:5");
    t = checked(f->st, t);

    /* A new claimant rewrites the quote's document (new id). */
    cite(t, k1, 2, "Troops  must leave", "Suhail Shaheen");
    assert_string_equal(kpostings(t, STORE_TEXT_QUOTE, "troop"), "1:1:6 4:1:5");
    assert_string_equal(kpostings(t, STORE_TEXT_QUOTE, "shaheen"), "4:1:5");
    t = checked(f->st, t);

    /* Aliases: the alias's name becomes text of the canonical term's claims, and of the quotes
     * its claimant said; claims of the alias's own term move with their documents. */
    claim_key k3 = claim(t, 1, "USA", "fund", "Afghan police");
    cite(t, k3, 5, "The USA pays the police", NULL);
    assert_int_equal(store_alias_put(t, "USA", 3, "United States", 13), CLAIMDB_OK);
    assert_int_equal(store_alias_put(t, "Zabi", 4, "Zabihullah Mujahid", 18), CLAIMDB_OK);
    assert_int_equal(ndocs(t, STORE_TEXT_CLAIM), 3);
    assert_string_equal(kpostings(t, STORE_TEXT_QUOTE, "zabi"), "7:1:7");
    char *usa = kpostings(t, STORE_TEXT_CLAIM, "usa");
    assert_true(strlen(usa) > 0 && strchr(usa, ' ')); /* both claims of the United States */
    t = checked(f->st, t);

    /* Deletes: one quote, every citation of an article, a whole claim. */
    store_text q = {"The Taliban demanded a withdrawal of troops", 43};
    assert_int_equal(store_cite_delete(t, &k1, 1, &q), CLAIMDB_OK);
    assert_string_equal(kpostings(t, STORE_TEXT_QUOTE, "zabi"), "");
    t = checked(f->st, t);
    assert_int_equal(store_cite_delete(t, &k1, 2, NULL), CLAIMDB_OK);
    assert_string_equal(kpostings(t, STORE_TEXT_QUOTE, "troop"), "");
    t = checked(f->st, t);
    assert_int_equal(store_cite_delete(t, &k1, 3, NULL), CLAIMDB_OK); /* its last: claim goes */
    assert_string_equal(kpostings(t, STORE_TEXT_CLAIM, "withdraw"), "");
    t = checked(f->st, t);

    /* A savepoint rolled back takes the documents with it. */
    uint64_t before = ndocs(t, STORE_TEXT_QUOTE);
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    cite(t, claim(t, 1, "a", "b", "c"), 9, "microchips in vaccines", NULL);
    assert_int_equal(store_claim_delete(t, &k2), CLAIMDB_OK);
    assert_int_equal(store_savepoint_rollback(t), CLAIMDB_OK);
    assert_string_equal(kpostings(t, STORE_TEXT_QUOTE, "microchip"), "");
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), before);
    assert_int_equal(store_claim_delete(t, &k2), CLAIMDB_OK);
    t = checked(f->st, t);
    store_abort(t);
}

/* A damaged index is found, and store_text_rebuild makes it whole, with the same words. */
static void test_rebuild(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &f->st), CLAIMDB_OK);
    store_txn *t;
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    index_on(t);
    put_review(t, "u1", "Vaccines cause autism", NULL);
    cite(t, claim(t, 1, "vaccines", "cause", "autism"), 1, "They said vaccines cause autism",
         "Andrew Wakefield");
    cite(t, claim(t, 1, "MMR", "cause", "autism"), 2, "The MMR jab is to blame", NULL);
    assert_int_equal(store_alias_put(t, "MMR", 3, "vaccines", 8), CLAIMDB_OK);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    char first[256];
    assert_int_equal(check(f->st, first), 0);
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    char want_q[256], want_c[256];
    snprintf(want_q, sizeof want_q, "%s", kpostings(t, STORE_TEXT_QUOTE, "autism"));
    snprintf(want_c, sizeof want_c, "%s", kpostings(t, STORE_TEXT_CLAIM, "mmr"));
    assert_string_not_equal(want_c, "");
    /* Damage: the index emptied. */
    assert_int_equal(mdb_drop(txn_mdb(t), txn_dbi(t, DB_TXTDOC), 0), 0);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    assert_true(check(f->st, first) > 0);
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    assert_int_equal(store_text_rebuild(t), CLAIMDB_OK);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    assert_int_equal(check(f->st, first), 0);
    assert_int_equal(store_begin(f->st, false, &t), CLAIMDB_OK);
    /* Documents are numbered afresh, in key order: the same words, maybe other ids. */
    assert_int_equal(strlen(kpostings(t, STORE_TEXT_QUOTE, "autism")), strlen(want_q));
    assert_int_equal(strlen(kpostings(t, STORE_TEXT_CLAIM, "mmr")), strlen(want_c));
    assert_int_equal(ndocs(t, STORE_TEXT_REVIEW), 1);
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), 2);
    assert_int_equal(ndocs(t, STORE_TEXT_CLAIM), 1);
    store_abort(t);

    /* Without the claims' kind, a rebuild makes the reviews' and the quotes' documents only. */
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    assert_int_equal(store_text_set_kinds(t, 0, STORE_TEXT_ON_CLAIMS), CLAIMDB_OK);
    assert_int_equal(store_text_rebuild(t), CLAIMDB_OK);
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), 2);
    assert_int_equal(ndocs(t, STORE_TEXT_CLAIM), 0);
    assert_string_equal(kpostings(t, STORE_TEXT_CLAIM, "mmr"), "");
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    assert_int_equal(check(f->st, first), 0);
}

/* Quotes indexed in a transaction that outgrows the map: the replay indexes them once. */
static void test_quotes_replay(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open_mapsize(f->tmp.path, CLAIMDB_OPEN_CREATE, 64 * 1024, &f->st),
                     CLAIMDB_OK);
    store_txn *t;
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    index_on(t);
    char s[32], q[96];
    for (int i = 0; i < 1000; i++) {
        snprintf(s, sizeof s, "subject%d", i);
        snprintf(q, sizeof q, "quote number %d about topic%d", i, i % 10);
        cite(t, claim(t, 1, s, "say", "something"), (uint64_t)i, q, "speaker");
    }
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    char first[256];
    assert_int_equal(check(f->st, first), 0);
    assert_int_equal(store_begin(f->st, false, &t), CLAIMDB_OK);
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), 1000);
    assert_int_equal(ndocs(t, STORE_TEXT_CLAIM), 1000);
    store_abort(t);
}

/* Quotes and claims are indexed once asked for: before, writes add no documents of theirs;
 * asking builds them from what is stored (here in a transaction that outgrows the map, so
 * that the build is replayed); a savepoint rolled back keeps them; dropping removes them. */
static void test_opt_in(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open_mapsize(f->tmp.path, CLAIMDB_OPEN_CREATE, 64 * 1024, &f->st),
                     CLAIMDB_OK);
    store_txn *t;
    assert_int_equal(store_begin(f->st, true, &t), CLAIMDB_OK);
    unsigned on = 9;
    assert_int_equal(store_text_kinds(t, &on), CLAIMDB_OK);
    assert_int_equal(on, 0);
    put_review(t, "u1", "Vaccines cause autism", NULL);
    char s[32], q[96];
    for (int i = 0; i < 600; i++) {
        snprintf(s, sizeof s, "subject%d", i);
        snprintf(q, sizeof q, "quote number %d about topic%d", i, i % 10);
        cite(t, claim(t, 1, s, "say", "something"), (uint64_t)i, q, "speaker");
    }
    assert_int_equal(store_alias_put(t, "orator", 6, "speaker", 7), CLAIMDB_OK);
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), 0);
    assert_int_equal(ndocs(t, STORE_TEXT_CLAIM), 0);
    assert_string_equal(kpostings(t, STORE_TEXT_QUOTE, "topic3"), "");
    t = checked(f->st, t);

    index_on(t);
    assert_int_equal(store_text_kinds(t, &on), CLAIMDB_OK);
    assert_int_equal(on, STORE_TEXT_ON_QUOTES | STORE_TEXT_ON_CLAIMS);
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), 600);
    assert_int_equal(ndocs(t, STORE_TEXT_CLAIM), 600);
    assert_true(strlen(kpostings(t, STORE_TEXT_QUOTE, "orat")) > 0); /* the alias's name */
    t = checked(f->st, t);
    cite(t, claim(t, 1, "later", "say", "more"), 700, "a later quote", NULL);
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), 601);

    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    assert_int_equal(store_text_set_kinds(t, 0, STORE_TEXT_ON_QUOTES), CLAIMDB_OK);
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), 0);
    assert_int_equal(store_savepoint_rollback(t), CLAIMDB_OK);
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), 601);
    assert_int_equal(store_text_kinds(t, &on), CLAIMDB_OK);
    assert_int_equal(on, STORE_TEXT_ON_QUOTES | STORE_TEXT_ON_CLAIMS);
    t = checked(f->st, t);

    assert_int_equal(store_text_set_kinds(t, 0, STORE_TEXT_ON_QUOTES), CLAIMDB_OK);
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), 0);
    assert_string_equal(kpostings(t, STORE_TEXT_QUOTE, "topic3"), "");
    assert_int_equal(ndocs(t, STORE_TEXT_CLAIM), 601);
    cite(t, claim(t, 1, "last", "say", "most"), 701, "the last quote", NULL);
    assert_int_equal(ndocs(t, STORE_TEXT_QUOTE), 0);
    assert_int_equal(ndocs(t, STORE_TEXT_CLAIM), 602);
    t = checked(f->st, t);
    assert_int_equal(store_text_set_kinds(t, 0, STORE_TEXT_ON_CLAIMS), CLAIMDB_OK);
    t = checked(f->st, t);
    uint64_t n;
    bool ok;
    assert_int_equal(post_count_all(t, &n, &ok), CLAIMDB_OK);
    assert_int_equal(n, 3); /* the review's three stems are all that is left */
    assert_int_equal(ndocs(t, STORE_TEXT_REVIEW), 1);
    store_abort(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokenize),
        cmocka_unit_test_setup_teardown(test_postings_follow_reviews, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_growth_replays_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quotes_and_claims_follow_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebuild, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quotes_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_opt_in, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
