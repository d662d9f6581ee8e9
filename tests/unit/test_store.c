/* test_store.c — unit tests of the storage layer (db/store.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "claimdb.h"
#include "tmpdb.h"
#include "store.h"
#include "store_internal.h" /* to inspect the LMDB reader table */

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- fixture: a fresh directory per test ---- */

typedef struct fx {
    tmpdb tmp;
    store *st;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || tmpdb_make(&f->tmp, "store")) {
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

static store *open_db(fx *f)
{
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &f->st), CLAIMDB_OK);
    return f->st;
}

static store_txn *begin(store *st, bool write)
{
    store_txn *t = NULL;
    assert_int_equal(store_begin(st, write, &t), CLAIMDB_OK);
    assert_non_null(t);
    return t;
}

static term_id intern(store_txn *t, const char *s)
{
    term_id id = 0;
    assert_int_equal(store_term_intern(t, s, strlen(s), &id), CLAIMDB_OK);
    assert_true(id != 0);
    return id;
}

static int put_cite(store_txn *t, uint8_t pol, term_id s, term_id p, term_id o, uint64_t art,
                    const char *quote)
{
    claim_key k = {pol, s, p, o};
    store_citation c = {.article = art,
                        .quote = {quote, quote ? strlen(quote) : 0},
                        .method = CLAIMDB_METHOD_CURATED};
    int added = -1;
    assert_int_equal(store_cite_put(t, &k, &c, &added), CLAIMDB_OK);
    return added;
}

static bool exists(store_txn *t, uint8_t pol, term_id s, term_id p, term_id o)
{
    claim_key k = {pol, s, p, o};
    int rc = store_claim_exists(t, &k);
    assert_true(rc == CLAIMDB_OK || rc == CLAIMDB_NOTFOUND);
    return rc == CLAIMDB_OK;
}

static uint64_t stat_of(store_txn *t, uint8_t pol, int role, term_id id)
{
    uint64_t n = 99;
    assert_int_equal(store_term_stat(t, pol, role, id, &n), CLAIMDB_OK);
    return n;
}

static store_counts counts(store_txn *t)
{
    store_counts c;
    assert_int_equal(store_counts_get(t, &c), CLAIMDB_OK);
    return c;
}

static void text_is(store_text got, const char *want)
{
    assert_non_null(got.ptr);
    assert_int_equal(got.len, strlen(want));
    assert_memory_equal(got.ptr, want, got.len);
}

/* ---- term keys ---- */

static void key_is(const char *in, const char *want)
{
    char *key = NULL;
    size_t len = 0;
    assert_int_equal(store_term_key(in, strlen(in), &key, &len), CLAIMDB_OK);
    assert_non_null(key);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(key, want, len);
    free(key);
}

static int key_rc(const char *in, size_t len)
{
    char *key = (char *)"unset";
    size_t kl = 7;
    int rc = store_term_key(in, len, &key, &kl);
    if (rc == CLAIMDB_OK)
        free(key);
    else
        assert_null(key);
    return rc;
}

static void test_key_case(void **state)
{
    (void)state;
    key_is("Taliban", "taliban");
    key_is("TALIBAN", "taliban");
    key_is("\xc3\x89lys\xc3\xa9"
           "e",
           "\xc3\xa9lys\xc3\xa9"
           "e"); /* Élysée */
    key_is("Stra\xc3\x9f"
           "e",
           "strasse"); /* full case folding */
    key_is("\xce\xa3\xce\x9f\xce\xa6\xce\x99\xce\x91", "\xcf\x83\xce\xbf\xcf\x86\xce\xb9\xce\xb1");
}

static void test_key_composed(void **state)
{
    (void)state;
    /* U+00E9 and e + U+0301 are one key: NFC */
    key_is("caf\xc3\xa9", "caf\xc3\xa9");
    key_is("cafe\xcc\x81", "caf\xc3\xa9");
    key_is("CAFE\xcc\x81", "caf\xc3\xa9");
    key_is("\xe2\x84\xab", "\xc3\xa5"); /* ANGSTROM SIGN -> a with ring (canonical) */
}

static void test_key_whitespace(void **state)
{
    (void)state;
    key_is("  a  b  ", "a b");
    key_is("a\t\n\r\v\fb", "a b");
    key_is("a\xc2\xa0"
           "b",
           "a b"); /* NO-BREAK SPACE (Zs) */
    key_is("a\xe3\x80\x80"
           "b",
           "a b"); /* IDEOGRAPHIC SPACE (Zs) */
    key_is("a\xc2\x85"
           "b",
           "a b"); /* NEL */
    key_is("a\xe2\x80\xa8\xe2\x80\xa9"
           "b",
           "a b"); /* LINE/PARAGRAPH SEPARATOR */
    key_is("\xe2\x80\x83New   York\n", "new york");
}

static void test_key_errors(void **state)
{
    (void)state;
    assert_int_equal(key_rc("\xff", 1), CLAIMDB_ERROR);
    assert_int_equal(key_rc("ab\xc3", 3), CLAIMDB_ERROR);       /* truncated */
    assert_int_equal(key_rc("\xed\xa0\x80", 3), CLAIMDB_ERROR); /* surrogate */
    assert_int_equal(key_rc("\xc0\xaf", 2), CLAIMDB_ERROR);     /* overlong */
    assert_int_equal(key_rc("x\xcd\xb8", 3), CLAIMDB_ERROR);    /* U+0378 unassigned */
    assert_int_equal(key_rc("", 0), CLAIMDB_ERROR);
    assert_int_equal(key_rc(" \t\xc2\xa0 ", 5), CLAIMDB_ERROR);
    char buf[1200];
    memset(buf, 'A', sizeof buf);
    assert_int_equal(key_rc(buf, STORE_MAX_KEY), CLAIMDB_OK);
    assert_int_equal(key_rc(buf, STORE_MAX_KEY + 1), CLAIMDB_TOOBIG);
    /* the limit is on the key: trailing white space does not count */
    memset(buf + STORE_MAX_KEY, ' ', 100);
    assert_int_equal(key_rc(buf, STORE_MAX_KEY + 100), CLAIMDB_OK);
    for (int i = 0; i < 241; i++)
        memcpy(buf + 2 * i, "\xc3\xa9", 2);
    assert_int_equal(key_rc(buf, 480), CLAIMDB_OK);
    assert_int_equal(key_rc(buf, 482), CLAIMDB_TOOBIG);
}

/* ---- dictionary ---- */

static void test_intern_lookup_text(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id a = intern(t, "Taliban");
    assert_int_equal(intern(t, "  TALIBAN "), a);
    term_id b = intern(t, "cafe\xcc\x81");
    assert_int_not_equal(a, b);
    assert_int_equal(intern(t, "Caf\xc3\xa9"), b);
    store_text tx;
    assert_int_equal(store_term_text(t, a, &tx), CLAIMDB_OK);
    text_is(tx, "Taliban"); /* the display form as first written */
    assert_int_equal(store_term_text(t, b, &tx), CLAIMDB_OK);
    text_is(tx, "cafe\xcc\x81");
    term_id id = 0;
    assert_int_equal(store_term_lookup(t, "taliban", 7, &id), CLAIMDB_OK);
    assert_int_equal(id, a);
    assert_int_equal(store_term_lookup(t, "nobody", 6, &id), CLAIMDB_NOTFOUND);
    assert_int_equal(store_term_text(t, 999, &tx), CLAIMDB_NOTFOUND);
    assert_int_equal(store_term_intern(t, "\xff", 1, &id), CLAIMDB_ERROR);
    assert_string_equal(store_errmsg(st), "invalid UTF-8 in a term");
    assert_int_equal(store_term_intern(t, "", 0, &id), CLAIMDB_ERROR);
    assert_int_equal(counts(t).terms, 2);
    assert_int_equal(store_commit(t), CLAIMDB_OK);

    t = begin(st, false);
    assert_int_equal(store_term_intern(t, "new", 3, &id), CLAIMDB_MISUSE);
    assert_int_equal(store_term_lookup(t, "TALIBAN", 7, &id), CLAIMDB_OK);
    assert_int_equal(id, a);
    store_abort(t);
}

static void test_terms_cursor(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id ta = intern(t, "Taliban");
    term_id tb = intern(t, "Tallinn");
    intern(t, "Kabul");
    store_cursor *c;
    assert_int_equal(store_terms_open(t, "tal", 3, &c), CLAIMDB_OK);
    term_id id;
    store_text d;
    assert_int_equal(store_cursor_next_term(c, &id, &d), CLAIMDB_ROW);
    assert_int_equal(id, ta);
    text_is(d, "Taliban");
    assert_int_equal(store_cursor_next_term(c, &id, &d), CLAIMDB_ROW);
    assert_int_equal(id, tb);
    assert_int_equal(store_cursor_next_term(c, &id, &d), CLAIMDB_DONE);
    assert_int_equal(store_cursor_next_term(c, &id, &d), CLAIMDB_DONE);
    store_cursor_close(c);
    assert_int_equal(store_terms_open(t, "", 0, &c), CLAIMDB_OK);
    int n = 0;
    while (store_cursor_next_term(c, &id, &d) == CLAIMDB_ROW)
        n++;
    assert_int_equal(n, 3);
    store_cursor_close(c);
    store_abort(t);
}

/* ---- index access paths ---- */

typedef struct tuple {
    uint8_t pol;
    term_id v[3]; /* in index order */
} tuple;

static void order(store_index idx, const claim_key *k, term_id out[3])
{
    if (idx == IDX_SPO)
        out[0] = k->s, out[1] = k->p, out[2] = k->o;
    else if (idx == IDX_POS)
        out[0] = k->p, out[1] = k->o, out[2] = k->s;
    else
        out[0] = k->o, out[1] = k->s, out[2] = k->p;
}

static int cmp_tuple(const void *a, const void *b)
{
    const tuple *x = a, *y = b;
    for (int i = 0; i < 3; i++)
        if (x->v[i] != y->v[i]) return x->v[i] < y->v[i] ? -1 : 1;
    return 0;
}

static void test_scan_paths(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id ids[4];
    const char *names[4] = {"alpha", "beta", "gamma", "delta"};
    for (int i = 0; i < 4; i++)
        ids[i] = intern(t, names[i]);
    claim_key all[128];
    int n = 0;
    for (int pol = 0; pol <= 1; pol++)
        for (int s = 0; s < 4; s++)
            for (int p = 0; p < 4; p++)
                for (int o = 0; o < 4; o++)
                    if ((s * 7 + p * 3 + o * 5 + pol) % 3 == 0) {
                        all[n] = (claim_key){(uint8_t)pol, ids[s], ids[p], ids[o]};
                        put_cite(t, (uint8_t)pol, ids[s], ids[p], ids[o], 1, NULL);
                        n++;
                    }
    assert_true(n > 30);
    assert_int_equal(store_commit(t), CLAIMDB_OK);

    t = begin(st, false);
    int scans = 0;
    for (int idx = IDX_SPO; idx <= IDX_OSP; idx++) {
        for (int pol = 0; pol <= 1; pol++) {
            for (int np = 0; np <= 3; np++) {
                int combos = 1;
                for (int i = 0; i < np; i++)
                    combos *= 4;
                for (int combo = 0; combo < combos; combo++) {
                    term_id prefix[3];
                    for (int i = 0, x = combo; i < np; i++, x /= 4)
                        prefix[i] = ids[x % 4];
                    tuple want[128];
                    int nw = 0;
                    for (int i = 0; i < n; i++) {
                        if (all[i].pol != pol) continue;
                        tuple tp = {all[i].pol, {0, 0, 0}};
                        order((store_index)idx, &all[i], tp.v);
                        bool match = true;
                        for (int j = 0; j < np; j++)
                            match = match && tp.v[j] == prefix[j];
                        if (match) want[nw++] = tp;
                    }
                    qsort(want, (size_t)nw, sizeof *want, cmp_tuple);
                    store_cursor *c;
                    assert_int_equal(
                        store_scan_open(t, (store_index)idx, (uint8_t)pol, prefix, np, &c),
                        CLAIMDB_OK);
                    claim_key k;
                    int got = 0, r;
                    while ((r = store_cursor_next_claim(c, &k)) == CLAIMDB_ROW) {
                        assert_true(got < nw);
                        assert_int_equal(k.pol, pol);
                        term_id v[3];
                        order((store_index)idx, &k, v);
                        assert_memory_equal(v, want[got].v, sizeof v);
                        got++;
                    }
                    assert_int_equal(r, CLAIMDB_DONE);
                    assert_int_equal(got, nw);
                    store_cursor_close(c);
                    scans++;
                }
            }
        }
    }
    assert_int_equal(scans, 3 * 2 * 85);
    store_cursor *c;
    assert_int_equal(store_scan_open(t, IDX_SPO, POL_POS, ids, 4, &c), CLAIMDB_MISUSE);
    assert_int_equal(store_scan_open(t, IDX_SPO, 2, ids, 1, &c), CLAIMDB_MISUSE);
    store_abort(t);
}

/* ---- citations ---- */

static void test_citations(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id s = intern(t, "Taliban"), p = intern(t, "demands"), o = intern(t, "withdrawal");
    term_id who = intern(t, "spokesman");
    claim_key k = {POL_POS, s, p, o};
    store_citation c = {.article = 4,
                        .has_confidence = true,
                        .confidence = 0.75,
                        .claimant = who,
                        .method = CLAIMDB_METHOD_EXTRACTED,
                        .quote = {"the Taliban demand", 18}};
    int added = -1;
    assert_int_equal(store_cite_put(t, &k, &c, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    assert_int_equal(put_cite(t, POL_POS, s, p, o, 0, NULL), CLAIMDB_ADDED_CITATION);
    /* the same quote (white space aside) updates the citation; the same again changes nothing */
    c.quote = (store_text){"  the   Taliban\ndemand ", 23};
    c.has_confidence = false;
    assert_int_equal(store_cite_put(t, &k, &c, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_UPDATED_CITATION);
    assert_int_equal(store_cite_put(t, &k, &c, &added), CLAIMDB_OK);
    assert_int_equal(added, 0);
    /* another quote from the same article is another citation */
    store_citation c2 = c;
    c2.quote = (store_text){"they demand withdrawal", 22};
    c2.claimant = 0;
    assert_int_equal(store_cite_put(t, &k, &c2, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_ADDED_CITATION);
    uint64_t n;
    assert_int_equal(store_cite_count(t, &k, &n), CLAIMDB_OK);
    assert_int_equal(n, 2); /* distinct articles */
    store_citation got;
    store_text q1 = {"the Taliban demand", 18}, q2 = {"they demand withdrawal", 22};
    assert_int_equal(store_cite_get(t, &k, 4, &q1, &got), CLAIMDB_OK);
    assert_int_equal(got.article, 4);
    assert_false(got.has_confidence);
    assert_int_equal(got.claimant, who);
    assert_int_equal(got.method, CLAIMDB_METHOD_EXTRACTED);
    text_is(got.quote, "  the   Taliban\ndemand ");
    assert_true(got.stored > 0);
    assert_int_equal(store_cite_get(t, &k, 4, &q2, &got), CLAIMDB_OK);
    assert_int_equal(got.claimant, 0);
    assert_int_equal(store_cite_get(t, &k, 0, NULL, &got), CLAIMDB_OK);
    assert_null(got.quote.ptr);
    assert_int_equal(got.claimant, 0);
    assert_int_equal(store_cite_get(t, &k, 0, &q1, &got), CLAIMDB_NOTFOUND);
    assert_int_equal(store_cite_get(t, &k, 5, NULL, &got), CLAIMDB_NOTFOUND);
    assert_int_equal(store_cite_exists(t, &k, 4), CLAIMDB_OK);
    assert_int_equal(store_cite_exists(t, &k, 5), CLAIMDB_NOTFOUND);
    /* confidence, date and position round trip, and an empty quote is not an absent one */
    c.has_confidence = true;
    c.confidence = 0.1;
    c.quote = (store_text){"", 0};
    c.said_on = (store_text){"2021-07-18", 10};
    assert_int_equal(store_cite_put(t, &k, &c, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_ADDED_CITATION);
    store_text empty = {"", 0};
    assert_int_equal(store_cite_get(t, &k, 4, &empty, &got), CLAIMDB_OK);
    assert_true(got.has_confidence);
    assert_true(got.confidence == 0.1);
    assert_non_null(got.quote.ptr);
    assert_int_equal(got.quote.len, 0);
    text_is(got.said_on, "2021-07-18");
    assert_int_equal(got.qstart, -1);
    c2.qstart = 7;
    c2.qend = 29;
    assert_int_equal(store_cite_put(t, &k, &c2, &added), CLAIMDB_OK);
    assert_int_equal(added, CLAIMDB_UPDATED_CITATION);
    assert_int_equal(store_cite_get(t, &k, 4, &q2, &got), CLAIMDB_OK);
    assert_int_equal(got.qstart, 7);
    assert_int_equal(got.qend, 29);
    /* citations in article order */
    store_cursor *cur;
    assert_int_equal(store_cites_open(t, &k, &cur), CLAIMDB_OK);
    assert_int_equal(store_cursor_next_cite(cur, &got), CLAIMDB_ROW);
    assert_int_equal(got.article, 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(store_cursor_next_cite(cur, &got), CLAIMDB_ROW);
        assert_int_equal(got.article, 4);
    }
    assert_int_equal(store_cursor_next_cite(cur, &got), CLAIMDB_DONE);
    store_cursor_close(cur);
    store_counts cn = counts(t);
    assert_int_equal(cn.claims_pos, 1);
    assert_int_equal(cn.claims_neg, 0);
    assert_int_equal(cn.citations, 4);
    assert_int_equal(cn.articles, 2); /* 0 and 4 created empty */
    /* deleting: one quote, then the rest of an article */
    assert_int_equal(store_cite_delete(t, &k, 4, &q2), CLAIMDB_OK);
    assert_int_equal(store_cite_delete(t, &k, 4, &q2), CLAIMDB_NOTFOUND);
    assert_int_equal(store_cite_exists(t, &k, 4), CLAIMDB_OK);
    assert_int_equal(store_cite_delete(t, &k, 4, NULL), CLAIMDB_OK);
    assert_int_equal(store_cite_delete(t, &k, 4, NULL), CLAIMDB_NOTFOUND);
    assert_int_equal(store_cite_exists(t, &k, 4), CLAIMDB_NOTFOUND);
    assert_true(exists(t, POL_POS, s, p, o));
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, s), 1);
    store_text none = {NULL, 0};
    assert_int_equal(store_cite_delete(t, &k, 0, &none), CLAIMDB_OK);
    assert_false(exists(t, POL_POS, s, p, o));
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, s), 0);
    assert_int_equal(stat_of(t, POL_POS, ROLE_O, o), 0);
    cn = counts(t);
    assert_int_equal(cn.claims_pos, 0);
    assert_int_equal(cn.citations, 0);
    assert_int_equal(cn.articles, 2); /* articles stay */
    for (int idx = IDX_SPO; idx <= IDX_OSP; idx++) {
        claim_key kk;
        assert_int_equal(store_scan_open(t, (store_index)idx, POL_POS, NULL, 0, &cur), 0);
        assert_int_equal(store_cursor_next_claim(cur, &kk), CLAIMDB_DONE);
        store_cursor_close(cur);
    }
    assert_int_equal(store_article_claims_open(t, 4, &cur), CLAIMDB_OK);
    claim_key kk;
    assert_int_equal(store_cursor_next_claim(cur, &kk), CLAIMDB_DONE);
    store_cursor_close(cur);
    /* bad keys */
    claim_key bad = {POL_POS, 0, p, o};
    assert_int_equal(store_cite_put(t, &bad, &c, &added), CLAIMDB_MISUSE);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
}

static void test_claim_delete(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id s = intern(t, "s"), p = intern(t, "p"), o = intern(t, "o");
    for (uint64_t a = 1; a <= 3; a++)
        put_cite(t, POL_NEG, s, p, o, a, "q");
    put_cite(t, POL_POS, s, p, o, 1, "q");
    store_counts cn = counts(t);
    assert_int_equal(cn.claims_neg, 1);
    assert_int_equal(cn.claims_pos, 1);
    assert_int_equal(cn.citations, 4);
    claim_key k = {POL_NEG, s, p, o};
    assert_int_equal(store_claim_delete(t, &k), CLAIMDB_OK);
    assert_int_equal(store_claim_delete(t, &k), CLAIMDB_NOTFOUND);
    cn = counts(t);
    assert_int_equal(cn.claims_neg, 0);
    assert_int_equal(cn.claims_pos, 1);
    assert_int_equal(cn.citations, 1);
    assert_int_equal(stat_of(t, POL_NEG, ROLE_P, p), 0);
    assert_int_equal(stat_of(t, POL_POS, ROLE_P, p), 1);
    /* article 1 still cites the positive claim, article 2 nothing */
    store_cursor *c;
    claim_key got;
    assert_int_equal(store_article_claims_open(t, 1, &c), CLAIMDB_OK);
    assert_int_equal(store_cursor_next_claim(c, &got), CLAIMDB_ROW);
    assert_int_equal(got.pol, POL_POS);
    assert_int_equal(got.s, s);
    assert_int_equal(got.o, o);
    assert_int_equal(store_cursor_next_claim(c, &got), CLAIMDB_DONE);
    store_cursor_close(c);
    assert_int_equal(store_article_claims_open(t, 2, &c), CLAIMDB_OK);
    assert_int_equal(store_cursor_next_claim(c, &got), CLAIMDB_DONE);
    store_cursor_close(c);
    store_abort(t);
}

/* ---- articles ---- */

static store_text tx(const char *s)
{
    return (store_text){s, s ? strlen(s) : 0};
}

static void test_articles(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    store_article a = {.id = 7,
                       .title = tx("Talks resume"),
                       .outlet = tx("Wire"),
                       .date = tx("2021-08-01"),
                       .url = tx("https://example.org/7"),
                       .author = tx(""),
                       .text = tx("Full text.\nSecond line.")};
    assert_int_equal(store_article_put(t, &a), CLAIMDB_OK);
    store_article g;
    assert_int_equal(store_article_get(t, 7, &g), CLAIMDB_OK);
    assert_int_equal(g.id, 7);
    text_is(g.title, "Talks resume");
    text_is(g.outlet, "Wire");
    text_is(g.date, "2021-08-01");
    text_is(g.url, "https://example.org/7");
    assert_non_null(g.author.ptr);
    assert_int_equal(g.author.len, 0);
    text_is(g.text, "Full text.\nSecond line.");
    assert_false(g.has_duplicate_of);
    /* replace the whole record */
    store_article b = {.id = 7,
                       .title = tx("Talks resume (updated)"),
                       .has_duplicate_of = true,
                       .duplicate_of = 3};
    assert_int_equal(store_article_put(t, &b), CLAIMDB_OK);
    assert_int_equal(store_article_get(t, 7, &g), CLAIMDB_OK);
    text_is(g.title, "Talks resume (updated)");
    assert_null(g.outlet.ptr);
    assert_null(g.text.ptr);
    assert_true(g.has_duplicate_of);
    assert_int_equal(g.duplicate_of, 3);
    assert_int_equal(counts(t).articles, 1);
    assert_int_equal(store_article_get(t, 8, &g), CLAIMDB_NOTFOUND);
    /* a citation of an unknown article creates an empty record */
    term_id s = intern(t, "a"), p = intern(t, "b"), o = intern(t, "c");
    put_cite(t, POL_POS, s, p, o, 2, NULL);
    assert_int_equal(store_article_get(t, 2, &g), CLAIMDB_OK);
    assert_null(g.title.ptr);
    assert_null(g.text.ptr);
    assert_false(g.has_duplicate_of);
    assert_int_equal(counts(t).articles, 2);
    /* and does not touch a known one */
    put_cite(t, POL_POS, s, p, o, 7, NULL);
    assert_int_equal(store_article_get(t, 7, &g), CLAIMDB_OK);
    text_is(g.title, "Talks resume (updated)");
    assert_int_equal(counts(t).articles, 2);
    /* in id order */
    store_cursor *c;
    assert_int_equal(store_articles_open(t, &c), CLAIMDB_OK);
    assert_int_equal(store_cursor_next_article(c, &g), CLAIMDB_ROW);
    assert_int_equal(g.id, 2);
    assert_int_equal(store_cursor_next_article(c, &g), CLAIMDB_ROW);
    assert_int_equal(g.id, 7);
    assert_int_equal(store_cursor_next_article(c, &g), CLAIMDB_DONE);
    store_cursor_close(c);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
}

/* ---- aliases ---- */

static void test_alias_lookup(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    assert_int_equal(store_alias_put(t, "USA", 3, "United States", 13), CLAIMDB_OK);
    term_id us = 0, id = 0;
    assert_int_equal(store_term_lookup(t, "united states", 13, &us), CLAIMDB_OK);
    assert_int_equal(store_term_lookup(t, "usa", 3, &id), CLAIMDB_OK);
    assert_int_equal(id, us);
    assert_int_equal(intern(t, " U S A"), intern(t, "U S A")); /* unrelated: no alias */
    assert_int_equal(intern(t, "Usa"), us);
    assert_int_equal(counts(t).aliases, 1);
    store_cursor *c;
    store_text alias;
    term_id canon;
    assert_int_equal(store_aliases_open(t, &c), CLAIMDB_OK);
    assert_int_equal(store_cursor_next_alias(c, &alias, &canon), CLAIMDB_ROW);
    text_is(alias, "USA");
    assert_int_equal(canon, us);
    assert_int_equal(store_cursor_next_alias(c, &alias, &canon), CLAIMDB_DONE);
    store_cursor_close(c);
    /* chains stay flat: the canonical term becoming an alias repoints its aliases */
    assert_int_equal(store_alias_put(t, "United States", 13, "United States of America", 24),
                     CLAIMDB_OK);
    term_id usa_long;
    assert_int_equal(store_term_lookup(t, "united states of america", 24, &usa_long), 0);
    assert_int_equal(store_term_lookup(t, "usa", 3, &id), CLAIMDB_OK);
    assert_int_equal(id, usa_long);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
}

static void test_alias_rewrite(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id usa = intern(t, "USA"), us = intern(t, "United States");
    term_id borders = intern(t, "borders"), canada = intern(t, "Canada");
    term_id x = intern(t, "x"), said = intern(t, "said");
    claim_key a = {POL_POS, usa, borders, canada};
    claim_key b = {POL_POS, us, borders, canada};
    store_citation c1 = {.article = 1, .quote = tx("q1"), .claimant = usa};
    store_citation c2 = {.article = 2, .quote = tx("q2")};
    store_citation c1b = {.article = 1, .has_confidence = true, .confidence = 0.5};
    assert_int_equal(store_cite_put(t, &a, &c1, NULL), 0);
    assert_int_equal(store_cite_put(t, &a, &c2, NULL), 0);
    assert_int_equal(store_cite_put(t, &b, &c1b, NULL), 0);
    /* the same citation (article 2, quote q2) on both claims: b's is kept whole */
    store_citation c2b = {.article = 2, .quote = tx(" q2"), .claimant = x};
    assert_int_equal(store_cite_put(t, &b, &c2b, NULL), 0);
    put_cite(t, POL_NEG, canada, borders, usa, 3, "q3");
    claim_key d = {POL_POS, x, said, usa};
    store_citation c4 = {.article = 4, .claimant = usa};
    assert_int_equal(store_cite_put(t, &d, &c4, NULL), 0);
    claim_key e = {POL_POS, x, said, x};
    store_citation c5 = {.article = 5, .claimant = usa};
    assert_int_equal(store_cite_put(t, &e, &c5, NULL), 0);
    store_counts before = counts(t);
    assert_int_equal(before.claims_pos, 4);
    assert_int_equal(before.claims_neg, 1);
    assert_int_equal(before.citations, 7);

    assert_int_equal(store_alias_put(t, "usa", 3, "united states", 13), CLAIMDB_OK);

    assert_false(exists(t, POL_POS, usa, borders, canada));
    assert_true(exists(t, POL_POS, us, borders, canada));
    assert_false(exists(t, POL_NEG, canada, borders, usa));
    assert_true(exists(t, POL_NEG, canada, borders, us));
    assert_false(exists(t, POL_POS, x, said, usa));
    assert_true(exists(t, POL_POS, x, said, us));
    uint64_t n;
    assert_int_equal(store_cite_count(t, &b, &n), CLAIMDB_OK);
    assert_int_equal(n, 2);
    store_citation g;
    store_text q1 = tx("q1"), q2 = tx("q2");
    /* never blended: article 1's two citations stay two, each whole */
    assert_int_equal(store_cite_get(t, &b, 1, &q1, &g), CLAIMDB_OK);
    assert_false(g.has_confidence);
    text_is(g.quote, "q1");
    assert_int_equal(g.claimant, us);
    assert_int_equal(store_cite_get(t, &b, 1, NULL, &g), CLAIMDB_OK);
    assert_true(g.has_confidence);
    assert_true(g.confidence == 0.5);
    assert_int_equal(g.claimant, 0);
    assert_int_equal(store_cite_get(t, &b, 2, &q2, &g), CLAIMDB_OK);
    text_is(g.quote, " q2");
    assert_int_equal(g.claimant, x);
    claim_key d2 = {POL_POS, x, said, us};
    assert_int_equal(store_cite_get(t, &d2, 4, NULL, &g), CLAIMDB_OK);
    assert_int_equal(g.claimant, us);
    assert_int_equal(store_cite_get(t, &e, 5, NULL, &g), CLAIMDB_OK); /* claim untouched */
    assert_int_equal(g.claimant, us);
    store_counts after = counts(t);
    assert_int_equal(after.claims_pos, 3);
    assert_int_equal(after.claims_neg, 1);
    assert_int_equal(after.citations, 6);
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, usa), 0);
    assert_int_equal(stat_of(t, POL_POS, ROLE_O, usa), 0);
    assert_int_equal(stat_of(t, POL_NEG, ROLE_O, usa), 0);
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, us), 1);
    assert_int_equal(stat_of(t, POL_POS, ROLE_O, us), 1);
    assert_int_equal(stat_of(t, POL_NEG, ROLE_O, us), 1);
    assert_int_equal(stat_of(t, POL_POS, ROLE_P, borders), 1);
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, x), 2);
    /* article 1 cites only the merged claim */
    store_cursor *c;
    claim_key k;
    assert_int_equal(store_article_claims_open(t, 1, &c), CLAIMDB_OK);
    assert_int_equal(store_cursor_next_claim(c, &k), CLAIMDB_ROW);
    assert_int_equal(k.s, us);
    assert_int_equal(store_cursor_next_claim(c, &k), CLAIMDB_DONE);
    store_cursor_close(c);
    /* new writes through the alias land on the canonical term */
    assert_int_equal(intern(t, "USA"), us);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
}

static void test_alias_refused(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    assert_int_equal(store_alias_put(t, "a", 1, "b", 1), CLAIMDB_OK);
    store_counts before = counts(t);
    assert_int_equal(store_alias_put(t, "b", 1, "a", 1), CLAIMDB_ERROR);
    assert_non_null(strstr(store_errmsg(st), "cycle"));
    assert_int_equal(store_alias_put(t, "c", 1, "c", 1), CLAIMDB_ERROR);
    assert_non_null(strstr(store_errmsg(st), "itself"));
    assert_int_equal(store_alias_put(t, "C ", 2, " c", 2), CLAIMDB_ERROR);
    assert_int_equal(store_alias_put(t, "\xff", 1, "c", 1), CLAIMDB_ERROR);
    store_counts after = counts(t);
    assert_int_equal(after.terms, before.terms); /* refused aliases leave no trace */
    assert_int_equal(after.aliases, before.aliases);
    term_id id;
    assert_int_equal(store_term_lookup(t, "c", 1, &id), CLAIMDB_NOTFOUND);
    /* b -> c then a -> c through the chain; c -> a is a cycle too */
    assert_int_equal(store_alias_put(t, "b", 1, "c", 1), CLAIMDB_OK);
    term_id cid, aid;
    assert_int_equal(store_term_lookup(t, "c", 1, &cid), CLAIMDB_OK);
    assert_int_equal(store_term_lookup(t, "a", 1, &aid), CLAIMDB_OK);
    assert_int_equal(aid, cid);
    assert_int_equal(store_alias_put(t, "c", 1, "a", 1), CLAIMDB_ERROR);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
}

/* ---- statistics ---- */

static void test_stats_counts(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id a = intern(t, "a"), b = intern(t, "b"), c = intern(t, "c");
    put_cite(t, POL_POS, a, b, c, 1, NULL);
    put_cite(t, POL_POS, a, b, a, 1, NULL);
    put_cite(t, POL_POS, a, b, a, 2, NULL); /* second citation: no new claim */
    put_cite(t, POL_NEG, c, b, a, 3, NULL);
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, a), 2);
    assert_int_equal(stat_of(t, POL_POS, ROLE_O, a), 1);
    assert_int_equal(stat_of(t, POL_POS, ROLE_P, b), 2);
    assert_int_equal(stat_of(t, POL_NEG, ROLE_P, b), 1);
    assert_int_equal(stat_of(t, POL_NEG, ROLE_S, a), 0);
    assert_int_equal(stat_of(t, POL_NEG, ROLE_O, a), 1);
    uint64_t n;
    assert_int_equal(store_term_stat(t, POL_POS, 3, a, &n), CLAIMDB_MISUSE);
    store_counts cn = counts(t);
    assert_int_equal(cn.terms, 3);
    assert_int_equal(cn.claims_pos, 2);
    assert_int_equal(cn.claims_neg, 1);
    assert_int_equal(cn.citations, 4);
    assert_int_equal(cn.articles, 3);
    assert_int_equal(cn.aliases, 0);
    assert_true(cn.map_size >= 64u << 20);
    assert_true(cn.used_bytes > 0 && cn.used_bytes < cn.map_size);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
}

/* ---- persistence, handles, processes ---- */

static void test_persistence(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id a = intern(t, "Kabul"), b = intern(t, "is in"), c = intern(t, "Afghanistan");
    put_cite(t, POL_POS, a, b, c, 9, "quote");
    assert_int_equal(store_alias_put(t, "Kaboul", 6, "Kabul", 5), CLAIMDB_OK);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    t = begin(st, true); /* aborted work does not persist */
    intern(t, "ghost");
    store_abort(t);
    store_close(st);
    f->st = NULL;

    st = open_db(f);
    t = begin(st, true);
    term_id id;
    assert_int_equal(store_term_lookup(t, "kaboul", 6, &id), CLAIMDB_OK);
    assert_int_equal(id, a);
    assert_int_equal(store_term_lookup(t, "ghost", 5, &id), CLAIMDB_NOTFOUND);
    assert_true(exists(t, POL_POS, a, b, c));
    store_citation g;
    claim_key k = {POL_POS, a, b, c};
    assert_int_equal(store_cite_get(t, &k, 9, &(store_text){"quote", 5}, &g), CLAIMDB_OK);
    text_is(g.quote, "quote");
    term_id d = intern(t, "new term"); /* ids keep counting */
    assert_true(d > a && d > b && d > c);
    store_text txt;
    assert_int_equal(store_term_text(t, a, &txt), CLAIMDB_OK);
    text_is(txt, "Kabul");
    assert_int_equal(store_commit(t), CLAIMDB_OK);
}

static void test_two_handles(void **state)
{
    fx *f = *state;
    store *st1 = open_db(f), *st2;
    assert_int_equal(store_open(f->tmp.path, 0, &st2), CLAIMDB_OK);
    store_txn *w = begin(st1, true);
    term_id a = intern(w, "a");
    store_txn *w2 = (store_txn *)1;
    store_busy_timeout(st2, 0);                                  /* fail at once */
    assert_int_equal(store_begin(st2, true, &w2), CLAIMDB_BUSY); /* no deadlock */
    assert_null(w2);
    assert_non_null(strstr(store_errmsg(st2), "write"));
    store_busy_timeout(st2, 30); /* wait, then fail */
    assert_int_equal(store_begin(st2, true, &w2), CLAIMDB_BUSY);
    assert_non_null(strstr(store_errmsg(st2), "waited 30 ms"));
    store_txn *r2 = begin(st2, false), *r1 = begin(st1, false);
    term_id id;
    assert_int_equal(store_term_lookup(r2, "a", 1, &id), CLAIMDB_NOTFOUND); /* not committed */
    assert_int_equal(store_commit(w), CLAIMDB_OK);
    assert_int_equal(store_term_lookup(r1, "a", 1, &id), CLAIMDB_NOTFOUND); /* snapshot */
    store_abort(r1);
    store_abort(r2);
    r2 = begin(st2, false);
    r1 = begin(st1, false);
    assert_int_equal(store_term_lookup(r2, "a", 1, &id), CLAIMDB_OK);
    assert_int_equal(id, a);
    assert_int_equal(store_term_lookup(r1, "a", 1, &id), CLAIMDB_OK);
    store_abort(r1);
    store_abort(r2);
    w2 = begin(st2, true);
    intern(w2, "b");
    assert_int_equal(store_commit(w2), CLAIMDB_OK);
    store_close(st2);
    /* the shared environment outlives one of its handles */
    r1 = begin(st1, false);
    assert_int_equal(store_term_lookup(r1, "b", 1, &id), CLAIMDB_OK);
    store_abort(r1);
    /* a read-only handle shares it and refuses writes */
    store *ro;
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_READONLY, &ro), CLAIMDB_OK);
    assert_int_equal(store_begin(ro, true, &w2), CLAIMDB_READONLY);
    r1 = begin(ro, false);
    assert_int_equal(store_term_lookup(r1, "b", 1, &id), CLAIMDB_OK);
    store_abort(r1);
    store_close(ro);
}

static uint64_t claims_in(store_txn *t)
{
    store_cursor *c;
    uint64_t n = 0;
    if (store_scan_open(t, IDX_SPO, POL_POS, NULL, 0, &c)) return UINT64_MAX;
    claim_key k;
    while (store_cursor_next_claim(c, &k) == CLAIMDB_ROW)
        n++;
    store_cursor_close(c);
    return n;
}

static int child_reader(const char *path, int in, int out)
{
    store *st;
    store_txn *t;
    if (store_open(path, 0, &st)) return 10;
    if (store_begin(st, false, &t)) return 11;
    uint64_t n0 = claims_in(t);
    if (write(out, "r", 1) != 1) return 12;
    char ch;
    if (read(in, &ch, 1) != 1) return 13;
    /* the parent has committed 10 more claims: this snapshot does not see them */
    if (claims_in(t) != n0) return 14;
    store_counts cn;
    if (store_counts_get(t, &cn) || cn.claims_pos != n0) return 15;
    store_abort(t);
    if (store_begin(st, false, &t)) return 16;
    if (claims_in(t) != n0 + 10) return 17;
    store_abort(t);
    store_close(st);
    return 0;
}

static int find_pid(const char *msg, void *ctx)
{
    int pid;
    if (sscanf(msg, "%d", &pid) == 1 && pid == *(int *)ctx) *(int *)ctx = -1;
    return 0;
}

static void test_fork_reader(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id s = intern(t, "s"), p = intern(t, "p");
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "o%d", i);
        put_cite(t, POL_POS, s, p, intern(t, name), 1, NULL);
    }
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    int p2c[2], c2p[2];
    assert_int_equal(pipe(p2c), 0);
    assert_int_equal(pipe(c2p), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p2c[1]);
        close(c2p[0]);
        _exit(child_reader(f->tmp.path, p2c[0], c2p[1]));
    }
    close(p2c[0]);
    close(c2p[1]);
    char ch;
    assert_int_equal(read(c2p[0], &ch, 1), 1); /* the child holds its snapshot */
    /* in a reader slot of its own (not one inherited from this process's environment) */
    int look = (int)pid;
    assert_true(mdb_reader_list(st->se->env, find_pid, &look) >= 0);
    assert_int_equal(look, -1);
    t = begin(st, true);
    for (int i = 5; i < 15; i++) {
        char name[16];
        snprintf(name, sizeof name, "o%d", i);
        put_cite(t, POL_POS, s, p, intern(t, name), 1, NULL);
    }
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    assert_int_equal(write(p2c[1], "c", 1), 1);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(p2c[1]);
    close(c2p[0]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Change the file behind claimdb's back, as damage or a buggy tool would. */
static void raw_edit(const char *path, const char *db, const void *key, size_t klen,
                     const void *val, size_t vlen, bool del)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 16);
    assert_int_equal(mdb_env_open(env, path, MDB_NOSUBDIR, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
    MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
    size_t split = 0; /* a split database (store_internal.h): the key's rest is a duplicate */
    for (int i = 0; i < DB_COUNT; i++)
        if (strcmp(store_db_names[i], db) == 0) split = db_split(i);
    if (split) {
        k.mv_size = split;
        v = (MDB_val){klen - split, (uint8_t *)key + split};
    }
    int rc = del ? mdb_del(txn, dbi, &k, split ? &v : NULL) : mdb_put(txn, dbi, &k, &v, 0);
    if (rc) fail_msg("raw %s in %s: %s", del ? "delete" : "put", db, mdb_strerror(rc));
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
}

/* ---- store_check: each kind of disagreement between the databases is found ---- */

typedef struct found_msgs {
    char text[8192];
    int n;
} found_msgs;

static void collect(void *ctx, const char *msg)
{
    found_msgs *m = ctx;
    m->n++;
    size_t len = strlen(m->text);
    snprintf(m->text + len, sizeof m->text - len, "%s\n", msg);
}

static int64_t run_check(fx *f, found_msgs *m)
{
    store *st;
    assert_int_equal(store_open(f->tmp.path, 0, &st), CLAIMDB_OK);
    store_txn *t = begin(st, false);
    int64_t problems = -1;
    store_counts found;
    memset(m, 0, sizeof *m);
    assert_int_equal(store_check(t, collect, m, &problems, &found), CLAIMDB_OK);
    store_abort(t);
    store_close(st);
    return problems;
}

static void test_check(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    /* The quotes in the text index too: the damaged citation below is found from there too. */
    assert_int_equal(store_text_set_kinds(t, STORE_TEXT_ON_QUOTES | STORE_TEXT_ON_CLAIMS, 0),
                     CLAIMDB_OK);
    term_id a = intern(t, "a"), b = intern(t, "b"), c = intern(t, "c");
    put_cite(t, POL_POS, a, b, c, 1, "one");
    put_cite(t, POL_POS, a, b, c, 1, "two");
    put_cite(t, POL_NEG, c, b, a, 2, NULL);
    assert_int_equal(store_alias_put(t, "zed", 3, "c", 1), CLAIMDB_OK);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    store_close(st);
    f->st = NULL;
    found_msgs m;
    assert_int_equal(run_check(f, &m), 0);

    claim_key k = {POL_POS, a, b, c};
    uint8_t key[CLAIM_KEY_LEN];
    claim_key_encode(key, IDX_POS, &k);
    raw_edit(f->tmp.path, "pos", key, sizeof key, NULL, 0, true);
    assert_int_equal(run_check(f, &m), 2);
    assert_non_null(strstr(m.text, "is missing from pos"));
    assert_non_null(strstr(m.text, "pos holds 1 claims, spo 2"));
    raw_edit(f->tmp.path, "pos", key, sizeof key, "", 0, false);

    uint8_t ak[ARTCITE_KEY_LEN];
    put_u64(ak, 2);
    claim_key_encode(ak + 8, IDX_SPO, &(claim_key){POL_NEG, c, b, a});
    raw_edit(f->tmp.path, "artcite", ak, sizeof ak, NULL, 0, true);
    assert_int_equal(run_check(f, &m), 1);
    assert_non_null(strstr(m.text, "artcite lacks 1 of the 2"));
    raw_edit(f->tmp.path, "artcite", ak, sizeof ak, "", 0, false);

    uint8_t sk[TSTAT_KEY_LEN], nine[8];
    sk[0] = POL_POS;
    sk[1] = ROLE_S;
    put_id(sk + 2, a);
    put_u64(nine, 9);
    raw_edit(f->tmp.path, "tstat", sk, sizeof sk, nine, 8, false);
    assert_int_equal(run_check(f, &m), 1);
    assert_non_null(strstr(m.text, "subject counts of positive claims add up to 9, not 1"));
    put_u64(nine, 1);
    raw_edit(f->tmp.path, "tstat", sk, sizeof sk, nine, 8, false);

    raw_edit(f->tmp.path, "meta", "citations", 9, nine, 8, false);
    assert_int_equal(run_check(f, &m), 1);
    assert_non_null(strstr(m.text, "meta: citations is 1, the data has 3"));
    put_u64(nine, 3);
    raw_edit(f->tmp.path, "meta", "citations", 9, nine, 8, false);

    /* a citation moved off its probe path: the quote's lookup would miss it */
    uint8_t ck[CITE_KEY_LEN], moved[CITE_KEY_LEN];
    cite_key_encode(ck, &k, 1, cite_quote_home((store_text){"one", 3}));
    memcpy(moved, ck, sizeof ck);
    put_u32(moved + CITE_SLOT_OFF, get_u32(ck + CITE_SLOT_OFF) + 7);
    {
        MDB_env *env;
        MDB_txn *txn;
        MDB_dbi dbi;
        assert_int_equal(mdb_env_create(&env), 0);
        mdb_env_set_maxdbs(env, 16);
        assert_int_equal(mdb_env_open(env, f->tmp.path, MDB_NOSUBDIR, 0644), 0);
        assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
        assert_int_equal(mdb_dbi_open(txn, "cite", 0, &dbi), 0);
        MDB_val kv = {sizeof ck, ck}, v;
        assert_int_equal(mdb_get(txn, dbi, &kv, &v), 0);
        uint8_t rec[256];
        assert_true(v.mv_size <= sizeof rec);
        size_t n = v.mv_size;
        memcpy(rec, v.mv_data, n);
        assert_int_equal(mdb_del(txn, dbi, &kv, NULL), 0);
        MDB_val mk = {sizeof moved, moved}, mv = {n, rec};
        assert_int_equal(mdb_put(txn, dbi, &mk, &mv, 0), 0);
        assert_int_equal(mdb_txn_commit(txn), 0);
        mdb_env_close(env);
    }
    /* The quote's document in the text index no longer finds its citation either. */
    assert_int_equal(run_check(f, &m), 2);
    assert_non_null(strstr(m.text, "where its quote cannot find it"));
    assert_non_null(strstr(m.text, "refers to a citation that does not exist"));
}

/* ---- opening errors and format version ---- */

static void raw_put_format(const char *path, uint32_t version)
{
    uint8_t v[4] = {(uint8_t)(version >> 24), (uint8_t)(version >> 16), (uint8_t)(version >> 8),
                    (uint8_t)version};
    raw_edit(path, "meta", "format", 6, v, 4, false);
}

static void test_version_mismatch(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_close(st);
    f->st = NULL;
    raw_put_format(f->tmp.path, 1); /* a file of claimdb 0.x, before citations had identity */
    assert_int_equal(store_open(f->tmp.path, 0, &f->st), CLAIMDB_FORMAT);
    char want[256];
    snprintf(want, sizeof want, "%s: database format version 1, this claimdb reads version %d",
             f->tmp.path, STORE_FORMAT_VERSION);
    assert_string_equal(store_errmsg(f->st), want);
    store_close(f->st);
    f->st = NULL;
    raw_put_format(f->tmp.path, STORE_FORMAT_VERSION);
    assert_int_equal(store_open(f->tmp.path, 0, &f->st), CLAIMDB_OK);
}

/* A file of this version whose "pos" is a plain database (not split into sorted duplicates):
 * damaged, said so when it is opened rather than misread. */
static void test_split_flags(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_close(st);
    f->st = NULL;
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 32);
    assert_int_equal(mdb_env_open(env, f->tmp.path, MDB_NOSUBDIR, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "pos", 0, &dbi), 0);
    assert_int_equal(mdb_drop(txn, dbi, 1), 0);
    assert_int_equal(mdb_dbi_open(txn, "pos", MDB_CREATE, &dbi), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    assert_int_equal(store_open(f->tmp.path, 0, &f->st), CLAIMDB_CORRUPT);
    assert_non_null(strstr(store_errmsg(f->st), "the database \"pos\" is damaged"));
}

static void test_open_errors(void **state)
{
    fx *f = *state;
    store *st = NULL;
    assert_int_equal(store_open(f->tmp.path, 0, &st), CLAIMDB_NOTFOUND);
    assert_non_null(st);
    assert_non_null(strstr(store_errmsg(st), f->tmp.path));
    store_close(st);
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_READONLY, &st), CLAIMDB_NOTFOUND);
    store_close(st);
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_READONLY | CLAIMDB_OPEN_CREATE, &st),
                     CLAIMDB_READONLY);
    store_close(st);
    assert_int_equal(access(f->tmp.path, F_OK), -1); /* nothing was created */
    assert_int_equal(store_open(NULL, 0, &st), CLAIMDB_MISUSE);
    store_close(st);
    assert_int_equal(store_open(f->tmp.path, 0, NULL), CLAIMDB_MISUSE);

    /* not an LMDB file */
    FILE *fp = fopen(f->tmp.path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 1000; i++)
        fputs("this is not a database\n", fp);
    fclose(fp);
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &st), CLAIMDB_CORRUPT);
    assert_non_null(strstr(store_errmsg(st), "not a claimdb database"));
    store_close(st);
    unlink(f->tmp.path);

    /* an LMDB file that is not ours */
    MDB_env *env;
    MDB_txn *txn;
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_open(env, f->tmp.path, MDB_NOSUBDIR, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    MDB_dbi dbi;
    assert_int_equal(mdb_dbi_open(txn, NULL, 0, &dbi), 0);
    MDB_val k = {5, (void *)"hello"}, v = {5, (void *)"world"};
    assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &st), CLAIMDB_CORRUPT);
    store_close(st);
    unlink(f->tmp.path);

    /* read-only handle on an existing file */
    store_close(open_db(f));
    f->st = NULL;
    assert_int_equal(store_open(f->tmp.path, CLAIMDB_OPEN_READONLY, &st), CLAIMDB_OK);
    store_txn *t = NULL;
    assert_int_equal(store_begin(st, true, &t), CLAIMDB_READONLY);
    t = begin(st, false);
    assert_int_equal(counts(t).terms, 0);
    store_abort(t);
    store_close(st);
}

/* ---- savepoints ---- */

static void test_savepoints(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id a = intern(t, "a"), b = intern(t, "b");
    put_cite(t, POL_POS, a, b, a, 1, NULL);
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    term_id c = intern(t, "c");
    put_cite(t, POL_POS, a, b, c, 1, NULL);
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    put_cite(t, POL_NEG, c, b, c, 2, NULL);
    assert_int_equal(store_savepoint_rollback(t), CLAIMDB_OK);
    assert_false(exists(t, POL_NEG, c, b, c));
    assert_true(exists(t, POL_POS, a, b, c));
    assert_int_equal(counts(t).claims_neg, 0);
    assert_int_equal(store_savepoint_rollback(t), CLAIMDB_OK);
    assert_false(exists(t, POL_POS, a, b, c));
    term_id id;
    assert_int_equal(store_term_lookup(t, "c", 1, &id), CLAIMDB_NOTFOUND);
    store_counts cn = counts(t);
    assert_int_equal(cn.claims_pos, 1);
    assert_int_equal(cn.terms, 2);
    assert_int_equal(cn.citations, 1);
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, a), 1);
    assert_int_equal(store_savepoint_rollback(t), CLAIMDB_MISUSE);
    assert_int_equal(store_savepoint_release(t), CLAIMDB_MISUSE);
    /* a released savepoint's work stays */
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    term_id d = intern(t, "d");
    put_cite(t, POL_POS, d, b, a, 3, NULL);
    assert_int_equal(store_savepoint_release(t), CLAIMDB_OK);
    /* an open savepoint is released by commit */
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    put_cite(t, POL_POS, d, b, d, 3, NULL);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    t = begin(st, false);
    assert_true(exists(t, POL_POS, d, b, a));
    assert_true(exists(t, POL_POS, d, b, d));
    assert_true(exists(t, POL_POS, a, b, a));
    assert_int_equal(counts(t).claims_pos, 3);
    assert_int_equal(store_savepoint(t), CLAIMDB_MISUSE);
    store_abort(t);
}

/* ---- map growth ---- */

#define TINY_MAP ((size_t)64 << 10)

static void put_numbered(store_txn *t, term_id s, term_id p, int i)
{
    char name[32], quote[160];
    snprintf(name, sizeof name, "object number %d", i);
    snprintf(quote, sizeof quote,
             "quote %d: a sentence long enough to fill the map quickly, padded out with words %d",
             i, i);
    put_cite(t, POL_POS, s, p, intern(t, name), (uint64_t)i, quote);
}

static void check_numbered(store_txn *t, term_id s, term_id p, int i, bool present)
{
    char name[32], quote[160];
    snprintf(name, sizeof name, "object number %d", i);
    snprintf(quote, sizeof quote,
             "quote %d: a sentence long enough to fill the map quickly, padded out with words %d",
             i, i);
    term_id o = 0;
    int rc = store_term_lookup(t, name, strlen(name), &o);
    if (!present) {
        assert_int_equal(rc, CLAIMDB_NOTFOUND);
        return;
    }
    assert_int_equal(rc, CLAIMDB_OK);
    claim_key k = {POL_POS, s, p, o};
    store_citation g;
    assert_int_equal(store_cite_get(t, &k, (uint64_t)i, &(store_text){quote, strlen(quote)}, &g),
                     CLAIMDB_OK);
    text_is(g.quote, quote);
    store_text txt;
    assert_int_equal(store_term_text(t, o, &txt), CLAIMDB_OK);
    text_is(txt, name);
}

static void test_map_growth(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open_mapsize(f->tmp.path, CLAIMDB_OPEN_CREATE, TINY_MAP, &f->st), 0);
    store *st = f->st;
    store_txn *t = begin(st, true);
    size_t map0 = counts(t).map_size;
    assert_true(map0 <= 2 * TINY_MAP);
    term_id s = intern(t, "subject"), p = intern(t, "predicate");
    for (int i = 0; i < 3000; i++)
        put_numbered(t, s, p, i);
    store_counts cn = counts(t);
    assert_true(cn.map_size >= 16 * map0); /* grown several times */
    assert_int_equal(cn.claims_pos, 3000);
    assert_int_equal(cn.terms, 3002);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    store_close(st);
    f->st = NULL;
    assert_int_equal(store_open_mapsize(f->tmp.path, 0, TINY_MAP, &f->st), 0);
    t = begin(f->st, false);
    for (int i = 0; i < 3000; i += 7)
        check_numbered(t, s, p, i, true);
    cn = counts(t);
    assert_int_equal(cn.claims_pos, 3000);
    assert_int_equal(cn.citations, 3000);
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, s), 3000);
    store_abort(t);
}

static void test_map_growth_savepoints(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open_mapsize(f->tmp.path, CLAIMDB_OPEN_CREATE, TINY_MAP, &f->st), 0);
    store *st = f->st;
    store_txn *t = begin(st, true);
    term_id s = intern(t, "subject"), p = intern(t, "predicate");
    for (int i = 0; i < 300; i++)
        put_numbered(t, s, p, i);
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    for (int i = 300; i < 900; i++)
        put_numbered(t, s, p, i);
    assert_int_equal(store_savepoint_rollback(t), CLAIMDB_OK);
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    for (int i = 900; i < 1500; i++)
        put_numbered(t, s, p, i);
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    for (int i = 1500; i < 2100; i++)
        put_numbered(t, s, p, i);
    assert_int_equal(store_savepoint_release(t), CLAIMDB_OK);
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    for (int i = 2100; i < 2700; i++)
        put_numbered(t, s, p, i);
    assert_int_equal(store_savepoint_rollback(t), CLAIMDB_OK);
    assert_int_equal(store_savepoint_release(t), CLAIMDB_OK);
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    for (int i = 2700; i < 3300; i++)
        put_numbered(t, s, p, i);
    /* commit with the savepoint open */
    assert_true(counts(t).map_size >= 16 * TINY_MAP);
    assert_int_equal(store_commit(t), CLAIMDB_OK);

    t = begin(st, false);
    for (int i = 0; i < 3300; i += 3) {
        bool in = i < 300 || (i >= 900 && i < 2100) || i >= 2700;
        check_numbered(t, s, p, i, in);
    }
    store_counts cn = counts(t);
    assert_int_equal(cn.claims_pos, 300 + 1200 + 600);
    assert_int_equal(cn.citations, 300 + 1200 + 600);
    assert_int_equal(cn.terms, 2 + 300 + 1200 + 600);
    assert_int_equal(cn.articles, 300 + 1200 + 600);
    store_abort(t);
}

/* A transaction whose write log outgrows memory (1 MiB, then a temporary file): map growth
 * replays it from the file, also across savepoints rolled back past what went to the file. */
static void test_map_growth_log_file(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open_mapsize(f->tmp.path, CLAIMDB_OPEN_CREATE, TINY_MAP, &f->st), 0);
    store *st = f->st;
    store_txn *t = begin(st, true);
    term_id s = intern(t, "subject"), p = intern(t, "predicate");
    for (int i = 0; i < 7000; i++)
        put_numbered(t, s, p, i);
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    for (int i = 7000; i < 14000; i++)
        put_numbered(t, s, p, i);
    assert_int_equal(store_savepoint_rollback(t), CLAIMDB_OK);
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    for (int i = 14000; i < 20000; i++)
        put_numbered(t, s, p, i);
    assert_int_equal(store_savepoint_release(t), CLAIMDB_OK);
    assert_true(counts(t).map_size >= 64 * TINY_MAP); /* grown, and replayed, many times */
    assert_int_equal(store_commit(t), CLAIMDB_OK);

    t = begin(st, false);
    for (int i = 0; i < 20000; i += 13)
        check_numbered(t, s, p, i, i < 7000 || i >= 14000);
    store_counts cn = counts(t);
    assert_int_equal(cn.claims_pos, 13000);
    assert_int_equal(cn.citations, 13000);
    assert_int_equal(cn.terms, 2 + 13000);
    store_abort(t);
}

static void test_map_growth_cursor(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open_mapsize(f->tmp.path, CLAIMDB_OPEN_CREATE, TINY_MAP, &f->st), 0);
    store *st = f->st;
    store_txn *t = begin(st, true);
    term_id s = intern(t, "subject"), p = intern(t, "predicate");
    term_id other = intern(t, "other");
    for (int i = 0; i < 50; i++)
        put_numbered(t, s, p, i);
    store_cursor *c;
    assert_int_equal(store_scan_open(t, IDX_SPO, POL_POS, &s, 1, &c), CLAIMDB_OK);
    claim_key k, prev = {0, 0, 0, 0};
    int seen = 0;
    for (; seen < 10; seen++) {
        assert_int_equal(store_cursor_next_claim(c, &k), CLAIMDB_ROW);
        assert_true(k.o > prev.o);
        prev = k;
    }
    size_t map = counts(t).map_size;
    for (int i = 50; i < 2000; i++)
        put_numbered(t, other, p, i);
    assert_true(counts(t).map_size > map);
    int r;
    while ((r = store_cursor_next_claim(c, &k)) == CLAIMDB_ROW) {
        assert_int_equal(k.s, s);
        assert_true(k.o > prev.o);
        prev = k;
        seen++;
    }
    assert_int_equal(r, CLAIMDB_DONE);
    assert_int_equal(seen, 50);
    store_cursor_close(c);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
}

static void test_map_growth_busy(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open_mapsize(f->tmp.path, CLAIMDB_OPEN_CREATE, TINY_MAP, &f->st), 0);
    store *st = f->st, *st2;
    assert_int_equal(store_open(f->tmp.path, 0, &st2), CLAIMDB_OK);
    store_txn *r = begin(st2, false);
    store_txn *t = begin(st, true);
    term_id s = intern(t, "subject"), p = intern(t, "predicate");
    int rc = CLAIMDB_OK, i;
    for (i = 0; i < 5000 && rc == CLAIMDB_OK; i++) {
        claim_key k = {POL_POS, s, p, s};
        store_citation c = {.article = (uint64_t)i, .quote = tx("some words to fill pages")};
        rc = store_cite_put(t, &k, &c, NULL);
    }
    assert_int_equal(rc, CLAIMDB_BUSY);
    assert_non_null(strstr(store_errmsg(st), "cannot grow"));
    assert_int_equal(store_commit(t), CLAIMDB_BUSY); /* the transaction is lost */
    store_abort(r);
    /* with the reader gone the same work succeeds */
    t = begin(st, true);
    s = intern(t, "subject");
    p = intern(t, "predicate");
    for (int j = 0; j < i; j++) {
        claim_key k = {POL_POS, s, p, s};
        store_citation c = {.article = (uint64_t)j, .quote = tx("some words to fill pages")};
        assert_int_equal(store_cite_put(t, &k, &c, NULL), CLAIMDB_OK);
    }
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    store_close(st2);
}

/* Another process grows the map: this one adopts the new size when it next begins. */
static void test_map_grown_elsewhere(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open_mapsize(f->tmp.path, CLAIMDB_OPEN_CREATE, TINY_MAP, &f->st), 0);
    store *st = f->st;
    store_txn *t = begin(st, true);
    term_id s = intern(t, "subject"), p = intern(t, "predicate");
    put_numbered(t, s, p, 0);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    t = begin(st, false); /* leaves a spare read transaction to renew */
    store_abort(t);
    size_t map0 = 0;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        store *cst;
        store_txn *ct;
        term_id id;
        if (store_open_mapsize(f->tmp.path, 0, TINY_MAP, &cst) || store_begin(cst, true, &ct))
            _exit(1);
        for (int i = 1; i < 2000; i++) {
            char name[32];
            snprintf(name, sizeof name, "object number %d", i);
            claim_key k = {POL_POS, s, p, 0};
            store_citation c = {.article = (uint64_t)i, .quote = tx("words words words words")};
            if (store_term_intern(ct, name, strlen(name), &id)) _exit(2);
            k.o = id;
            if (store_cite_put(ct, &k, &c, NULL)) _exit(3);
        }
        if (store_commit(ct)) _exit(4);
        store_close(cst);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    t = begin(st, false);
    store_counts cn = counts(t);
    assert_int_equal(cn.claims_pos, 2000);
    map0 = cn.map_size;
    assert_true(map0 > 2 * TINY_MAP);
    check_numbered(t, s, p, 0, true);
    store_abort(t);
    t = begin(st, true);
    put_numbered(t, s, p, 5000);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
}

/* ---- cursor accounting and lifetimes ---- */

/* Scans over keys with many pages of duplicates (read a page at a time), keys with one
 * duplicate, and prefixes that end inside a key's duplicates, against what was written. */
static void test_scan_many_duplicates(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id s = intern(t, "s"), lone = intern(t, "lone"), p = intern(t, "p"), q = intern(t, "q");
    enum { N = 1500 };
    term_id o[N];
    for (int i = 0; i < N; i++) {
        char name[16];
        snprintf(name, sizeof name, "o%d", i);
        o[i] = intern(t, name);
        put_cite(t, POL_POS, s, p, o[i], 1, NULL);
        if (i % 3 == 0) put_cite(t, POL_POS, s, q, o[i], 1, NULL);
    }
    put_cite(t, POL_POS, lone, p, o[0], 1, NULL);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    t = begin(st, false);
    struct {
        store_index idx;
        term_id prefix[2];
        int nprefix;
        int want;
    } cases[] = {
        {IDX_SPO, {s, p}, 2, N}, {IDX_SPO, {s, q}, 2, N / 3}, {IDX_SPO, {s}, 1, N + N / 3},
        {IDX_SPO, {lone}, 1, 1}, {IDX_POS, {p}, 1, N + 1},    {IDX_POS, {q}, 1, N / 3},
        {IDX_OSP, {o[0]}, 1, 3}, {IDX_POS, {p, o[0]}, 2, 2},  {IDX_SPO, {s, lone}, 2, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        store_cursor *c;
        assert_int_equal(
            store_scan_open(t, cases[i].idx, POL_POS, cases[i].prefix, cases[i].nprefix, &c),
            CLAIMDB_OK);
        claim_key k, prev = {0, 0, 0, 0};
        int n = 0, r;
        store_cursor_ops(st, true);
        while ((r = store_cursor_next_claim(c, &k)) == CLAIMDB_ROW) {
            term_id part[3] = {k.s, k.p, k.o};
            if (cases[i].idx == IDX_POS) part[0] = k.p, part[1] = k.o, part[2] = k.s;
            if (cases[i].idx == IDX_OSP) part[0] = k.o, part[1] = k.s, part[2] = k.p;
            for (int j = 0; j < cases[i].nprefix; j++)
                assert_true(part[j] == cases[i].prefix[j]);
            assert_true(exists(t, POL_POS, k.s, k.p, k.o));
            assert_true(n == 0 || memcmp(&prev, &k, sizeof k) != 0);
            prev = k;
            n++;
        }
        assert_int_equal(r, CLAIMDB_DONE);
        assert_int_equal(n, cases[i].want);
        /* every record moved to counts, plus the seek's and the moves past the range */
        assert_true(store_cursor_ops(st, true) <= n + 4);
        store_cursor_close(c);
    }
    store_abort(t);
}

static void test_cursor_ops(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id s = intern(t, "s"), p = intern(t, "p");
    for (int i = 0; i < 1000; i++) {
        char name[16];
        snprintf(name, sizeof name, "o%d", i);
        put_cite(t, POL_POS, s, p, intern(t, name), 1, NULL);
    }
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    t = begin(st, false);
    store_cursor_ops(st, true);
    assert_int_equal(store_cursor_ops(st, false), 0);
    store_cursor *c;
    assert_int_equal(store_scan_open(t, IDX_POS, POL_POS, &p, 1, &c), CLAIMDB_OK);
    claim_key k;
    for (int i = 0; i < 10; i++)
        assert_int_equal(store_cursor_next_claim(c, &k), CLAIMDB_ROW);
    store_cursor_close(c);
    int64_t ops = store_cursor_ops(st, true);
    assert_true(ops >= 10 && ops <= 11);
    assert_int_equal(store_cursor_ops(st, false), 0);
    /* a cursor outliving its transaction is inert, and closing it is safe */
    assert_int_equal(store_scan_open(t, IDX_SPO, POL_POS, NULL, 0, &c), CLAIMDB_OK);
    assert_int_equal(store_cursor_next_claim(c, &k), CLAIMDB_ROW);
    store_abort(t);
    assert_int_equal(store_cursor_next_claim(c, &k), CLAIMDB_MISUSE);
    store_cursor_close(c);
    t = begin(st, true);
    assert_int_equal(store_scan_open(t, IDX_SPO, POL_POS, NULL, 0, &c), CLAIMDB_OK);
    assert_int_equal(store_commit(t), CLAIMDB_OK);
    store_cursor_close(c);
}

/* Counting citations through one cursor kept across claims (store_cite_count_cur) gives what
 * a fresh cursor per claim gives: claims in key order (the merge, which starts each range from
 * where the last one stopped), out of order, claims with no citations in between, and in a
 * write transaction. */
/* A statistic already in "tstat" that a later load moves past a byte (255 -> 256 claims)
 * takes a longer record: the count is right and nothing else in "tstat" changes. */
static void test_stat_grows(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t;
    for (int round = 0; round < 2; round++) {
        assert_int_equal(store_begin(st, true, &t), CLAIMDB_OK);
        term_id s = intern(t, "subject"), p = intern(t, "said");
        for (int i = round ? 255 : 0; i < (round ? 300 : 255); i++) {
            char name[32];
            snprintf(name, sizeof name, "object %d", i);
            assert_int_equal(put_cite(t, POL_POS, s, p, intern(t, name), 1, NULL),
                             CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
        }
        assert_int_equal(store_commit(t), CLAIMDB_OK);
    }
    assert_int_equal(store_begin(st, false, &t), CLAIMDB_OK);
    term_id s = 0, p = 0;
    assert_int_equal(store_term_lookup(t, "subject", 7, &s), CLAIMDB_OK);
    assert_int_equal(store_term_lookup(t, "said", 4, &p), CLAIMDB_OK);
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, s), 300);
    assert_int_equal(stat_of(t, POL_POS, ROLE_P, p), 300);
    store_abort(t);
    store_close(st);
    f->st = NULL;
    found_msgs m;
    assert_int_equal(run_check(f, &m), 0);
}

static void test_cite_count_reuse(void **state)
{
    fx *f = *state;
    store *st = open_db(f);
    store_txn *t = begin(st, true);
    term_id p = intern(t, "p");
    term_id subj[6], obj[4];
    for (int i = 0; i < 6; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", i);
        subj[i] = intern(t, name);
    }
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "o%d", i);
        obj[i] = intern(t, name);
    }
    /* claim (s_i, o_j) gets (i + j) % 4 articles, the second twice (two quotes); (i + j) % 4
     * == 0 makes no claim at all */
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 4; j++)
            for (int a = 0; a < (i + j) % 4; a++) {
                put_cite(t, (i + j) % 5 ? POL_POS : POL_NEG, subj[i], p, obj[j], 10 + (uint64_t)a,
                         "q1");
                if (a == 1)
                    put_cite(t, (i + j) % 5 ? POL_POS : POL_NEG, subj[i], p, obj[j], 11, "q2");
            }
    assert_int_equal(store_commit(t), CLAIMDB_OK);

    claim_key keys[2 * 6 * 4];
    size_t n = 0;
    for (int pol = 0; pol < 2; pol++)
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 4; j++)
                keys[n++] = (claim_key){(uint8_t)pol, subj[i], p, obj[j]};
    for (int pass = 0; pass < 4; pass++) {
        t = begin(st, pass == 2);
        store_cursor *c = NULL;
        uint64_t total = 0;
        for (size_t x = 0; x < n; x++) {
            /* pass 1 walks backwards: every range starts with a seek; pass 3 skips two claims
             * of three, so that a range often starts past the key the last one stopped on */
            if (pass == 3 && x % 3) continue;
            const claim_key *k = &keys[pass == 1 ? n - 1 - x : x];
            uint64_t want = 99, got = 99;
            assert_int_equal(store_cite_count(t, k, &want), CLAIMDB_OK);
            assert_int_equal(store_cite_count_cur(t, &c, k, &got), CLAIMDB_OK);
            assert_int_equal(got, want);
            total += got;
        }
        /* sum over i, j of (i + j) % 4 */
        if (pass != 3) assert_int_equal(total, 36);
        store_cursor_close(c);
        store_abort(t);
    }
}

static void test_null_safe(void **state)
{
    (void)state;
    store_close(NULL);
    store_abort(NULL);
    store_cursor_close(NULL);
    assert_int_equal(store_commit(NULL), CLAIMDB_MISUSE);
    assert_string_equal(store_errmsg(NULL), "out of memory");
    assert_int_equal(store_cursor_ops(NULL, true), 0);
    store_txn *t = (store_txn *)1;
    assert_int_equal(store_begin(NULL, false, &t), CLAIMDB_MISUSE);
    assert_null(t);
    assert_false(store_txn_is_write(NULL));
}

/* Writes of one transaction are kept pending and written in key order (store_pend.c): every
 * read, flag, count, savepoint and term id must be as if they had been written at once. */
static void test_pending_writes(void **state)
{
    store *st = open_db(*state);
    store_txn *t = begin(st, true);
    term_id a = intern(t, "Alpha"), b = intern(t, "beta"), c = intern(t, "Gamma"),
            d = intern(t, "delta");
    assert_int_equal(intern(t, "alpha"), a);
    assert_int_equal(intern(t, "Alpha"), a);
    assert_int_equal(put_cite(t, POL_POS, a, b, c, 1, "first"),
                     CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    assert_int_equal(put_cite(t, POL_POS, a, b, c, 1, " first  "), CLAIMDB_UPDATED_CITATION);
    assert_int_equal(put_cite(t, POL_POS, a, b, c, 1, " first  "), 0);
    assert_int_equal(put_cite(t, POL_POS, a, b, c, 2, NULL), CLAIMDB_ADDED_CITATION);
    claim_key k = {POL_POS, a, b, c};
    store_citation g;
    store_text first = {"first", 5};
    assert_int_equal(store_cite_get(t, &k, 1, &first, &g), CLAIMDB_OK);
    text_is(g.quote, " first  ");
    assert_true(exists(t, POL_POS, a, b, c));
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, a), 1);
    /* a cursor opened before a write sees it */
    store_cursor *cur;
    assert_int_equal(store_scan_open(t, IDX_SPO, POL_POS, &a, 1, &cur), CLAIMDB_OK);
    assert_int_equal(put_cite(t, POL_POS, a, b, d, 1, "x"),
                     CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    claim_key got;
    int n = 0;
    while (store_cursor_next_claim(cur, &got) == CLAIMDB_ROW)
        n++;
    assert_int_equal(n, 2);
    store_cursor_close(cur);
    store_counts cn = counts(t);
    assert_int_equal(cn.claims_pos, 2);
    assert_int_equal(cn.citations, 3);
    assert_int_equal(store_commit(t), CLAIMDB_OK);

    /* on top of stored data: keys before, between and after the stored ones */
    t = begin(st, true);
    assert_int_equal(put_cite(t, POL_POS, a, b, c, 3, "third"), CLAIMDB_ADDED_CITATION);
    assert_int_equal(put_cite(t, POL_POS, a, b, c, 1, "first"), CLAIMDB_UPDATED_CITATION);
    assert_int_equal(put_cite(t, POL_POS, a, a, a, 1, NULL),
                     CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    assert_int_equal(put_cite(t, POL_NEG, d, d, d, 9, NULL),
                     CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    assert_int_equal(put_cite(t, POL_POS, d, c, b, 9, NULL),
                     CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    /* a savepoint rolled back forgets its pending writes, and the flags stay exact */
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    assert_int_equal(put_cite(t, POL_POS, c, b, a, 5, NULL),
                     CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    term_id e = intern(t, "epsilon");
    assert_int_equal(put_cite(t, POL_POS, e, b, a, 5, NULL),
                     CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    assert_int_equal(store_savepoint_rollback(t), CLAIMDB_OK);
    assert_false(exists(t, POL_POS, c, b, a));
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, c), 0);
    term_id e2 = intern(t, "epsilon"); /* the rolled back term is gone: made again */
    assert_true(e2 != 0);
    assert_int_equal(put_cite(t, POL_POS, c, b, a, 5, NULL),
                     CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    assert_int_equal(store_savepoint(t), CLAIMDB_OK);
    assert_int_equal(put_cite(t, POL_POS, c, b, a, 6, NULL), CLAIMDB_ADDED_CITATION);
    assert_int_equal(store_savepoint_release(t), CLAIMDB_OK);
    /* deleting what is still pending */
    assert_int_equal(put_cite(t, POL_POS, b, b, b, 1, NULL),
                     CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    assert_int_equal(store_cite_delete(t, &(claim_key){POL_POS, b, b, b}, 1, NULL), CLAIMDB_OK);
    assert_false(exists(t, POL_POS, b, b, b));
    assert_int_equal(put_cite(t, POL_POS, b, b, b, 1, NULL),
                     CLAIMDB_ADDED_CLAIM | CLAIMDB_ADDED_CITATION);
    assert_int_equal(store_claim_delete(t, &(claim_key){POL_POS, b, b, b}), CLAIMDB_OK);
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, b), 0);
    /* an alias changes what a cached term means */
    term_id z = intern(t, "zeta");
    assert_int_equal(store_alias_put(t, "zeta", 4, "Alpha", 5), CLAIMDB_OK);
    assert_true(z != a);
    assert_int_equal(intern(t, "zeta"), a);
    assert_int_equal(store_commit(t), CLAIMDB_OK);

    t = begin(st, false);
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, a), 3);
    assert_int_equal(stat_of(t, POL_POS, ROLE_P, b), 3);
    assert_int_equal(stat_of(t, POL_POS, ROLE_S, c), 1);
    assert_int_equal(stat_of(t, POL_NEG, ROLE_O, d), 1);
    uint64_t nc = 0;
    assert_int_equal(store_cite_count(t, &k, &nc), CLAIMDB_OK);
    assert_int_equal(nc, 3);
    assert_int_equal(store_cite_get(t, &k, 1, &(store_text){"first", 5}, &g), CLAIMDB_OK);
    text_is(g.quote, "first");
    assert_int_equal(store_cite_count(t, &(claim_key){POL_POS, c, b, a}, &nc), CLAIMDB_OK);
    assert_int_equal(nc, 2);
    cn = counts(t);
    assert_int_equal(cn.claims_pos, 5);
    assert_int_equal(cn.claims_neg, 1);
    assert_int_equal(cn.citations, 9);
    n = 0;
    assert_int_equal(store_article_claims_open(t, 9, &cur), CLAIMDB_OK);
    while (store_cursor_next_claim(cur, &got) == CLAIMDB_ROW)
        n++;
    store_cursor_close(cur);
    assert_int_equal(n, 2);
    store_abort(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_case),
        cmocka_unit_test(test_key_composed),
        cmocka_unit_test(test_key_whitespace),
        cmocka_unit_test(test_key_errors),
        cmocka_unit_test_setup_teardown(test_intern_lookup_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_terms_cursor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_citations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_articles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alias_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alias_rewrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alias_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persistence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_handles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fork_reader, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_savepoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_growth_savepoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_growth_log_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_growth_cursor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_growth_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_grown_elsewhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_many_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cursor_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stat_grows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cite_count_reuse, setup, teardown),
        cmocka_unit_test(test_null_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
