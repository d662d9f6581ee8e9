/* test_store_runs.c — a load larger than its memory budget (store_run_bytes) moves its pending
 * claims and citations to sorted runs in a temporary file and merges them at commit. The same
 * writes, made with runs every few citations, with a tiny map (growth replays while runs
 * exist), and with everything in memory, must answer every look-up the same way during the
 * load and leave the same data. */
#include "store.h"
#include "store_internal.h" /* meta_set: term ids from a chosen first id */
#include "tmpdb.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

enum { NDB = 3, NOPS = 6000, NTERMS = 400, NARTS = 60 };

typedef struct fx {
    tmpdb tmp[NDB];
    store *st[NDB];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f) return -1;
    for (int i = 0; i < NDB; i++)
        if (tmpdb_make(&f->tmp[i], "runs")) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    for (int i = 0; i < NDB; i++) {
        store_close(f->st[i]);
        tmpdb_remove(&f->tmp[i]);
    }
    free(f);
    return 0;
}

static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Op i of the workload: a citation of one of few claims (so that claims and citations met
 * before, now in a run, come back), with a quote out of three (several citations of one
 * claim and article), and a confidence that changes (updates of citations in runs). */
static void op(store_txn *t, uint64_t *rng, const term_id *terms, int *added)
{
    uint64_t r = next_rand(rng);
    claim_key k = {r % 10 ? POL_POS : POL_NEG, terms[(r >> 8) % 60],
                   terms[NTERMS - 1 - (r >> 16) % 8], terms[(r >> 24) % NTERMS]};
    static const char *const quotes[3] = {"the quote", "another  quote", NULL};
    const char *q = quotes[(r >> 40) % 3];
    store_citation c = {.article = (r >> 32) % NARTS,
                        .quote = {q, q ? strlen(q) : 0},
                        .method = CLAIMDB_METHOD_CURATED,
                        .has_confidence = (r >> 48) % 2,
                        .confidence = (double)((r >> 50) % 4) / 4,
                        .stored = 1000};
    assert_int_equal(store_cite_put(t, &k, &c, added), CLAIMDB_OK);
}

static void report(void *ctx, const char *msg)
{
    (void)ctx;
    print_message("check: %s\n", msg);
}

/* Everything a database holds that a load writes, as text, in key order. */
static char *dump(store *st, const term_id *terms, size_t *len)
{
    char *buf = NULL;
    size_t cap = 0;
    FILE *out = open_memstream(&buf, &cap);
    assert_non_null(out);
    store_txn *t = NULL;
    assert_int_equal(store_begin(st, false, &t), CLAIMDB_OK);
    for (uint8_t pol = 0; pol <= 1; pol++) {
        for (int idx = IDX_SPO; idx <= IDX_OSP; idx++) {
            store_cursor *c;
            assert_int_equal(store_scan_open(t, (store_index)idx, pol, NULL, 0, &c), CLAIMDB_OK);
            claim_key k;
            int r;
            while ((r = store_cursor_next_claim(c, &k)) == CLAIMDB_ROW) {
                fprintf(out, "%d %d %llu %llu %llu\n", idx, pol, (unsigned long long)k.s,
                        (unsigned long long)k.p, (unsigned long long)k.o);
                if (idx != IDX_SPO) continue;
                store_cursor *cc;
                assert_int_equal(store_cites_open(t, &k, &cc), CLAIMDB_OK);
                store_citation ci;
                while ((r = store_cursor_next_cite(cc, &ci)) == CLAIMDB_ROW)
                    fprintf(out, "  %llu '%.*s' %d %g %lld\n", (unsigned long long)ci.article,
                            (int)ci.quote.len, ci.quote.ptr ? ci.quote.ptr : "", ci.has_confidence,
                            ci.confidence, (long long)ci.stored);
                assert_int_equal(r, CLAIMDB_DONE);
                store_cursor_close(cc);
            }
            assert_int_equal(r, CLAIMDB_DONE);
            store_cursor_close(c);
        }
    }
    for (uint64_t a = 0; a < NARTS; a++) {
        store_cursor *c;
        assert_int_equal(store_article_claims_open(t, a, &c), CLAIMDB_OK);
        claim_key k;
        int r;
        while ((r = store_cursor_next_claim(c, &k)) == CLAIMDB_ROW)
            fprintf(out, "art %llu: %d %llu %llu %llu\n", (unsigned long long)a, k.pol,
                    (unsigned long long)k.s, (unsigned long long)k.p, (unsigned long long)k.o);
        assert_int_equal(r, CLAIMDB_DONE);
        store_cursor_close(c);
    }
    for (int j = 0; j < NTERMS; j++)
        for (uint8_t pol = 0; pol <= 1; pol++)
            for (int role = ROLE_S; role <= ROLE_O; role++) {
                uint64_t n;
                assert_int_equal(store_term_stat(t, pol, role, terms[j], &n), CLAIMDB_OK);
                if (n)
                    fprintf(out, "stat %d %d %llu: %llu\n", pol, role, (unsigned long long)terms[j],
                            (unsigned long long)n);
            }
    store_counts cn;
    assert_int_equal(store_counts_get(t, &cn), CLAIMDB_OK);
    fprintf(out, "counts %llu %llu %llu %llu %llu\n", (unsigned long long)cn.terms,
            (unsigned long long)cn.claims_pos, (unsigned long long)cn.claims_neg,
            (unsigned long long)cn.citations, (unsigned long long)cn.articles);
    int64_t problems = -1;
    store_counts found;
    assert_int_equal(store_check(t, report, NULL, &problems, &found), CLAIMDB_OK);
    assert_int_equal(problems, 0);
    store_abort(t);
    fclose(out);
    *len = cap;
    return buf;
}

/* The load of the three databases, its term ids from first_id on: small ids pack into one
 * 64-bit word for the radix sort of claim keys, ids past 2^21 into two. */
static void runs_same_data(fx *f, uint64_t first_id)
{
    /* 0: all in memory; 1: a run every few citations; 2: the same in a 64 KiB map */
    for (int i = 0; i < NDB; i++) {
        int rc = i == 2
                     ? store_open_mapsize(f->tmp[i].path, CLAIMDB_OPEN_CREATE, 64 << 10, &f->st[i])
                     : store_open(f->tmp[i].path, CLAIMDB_OPEN_CREATE, &f->st[i]);
        assert_int_equal(rc, CLAIMDB_OK);
        if (i) store_run_bytes(f->st[i], 2048);
    }
    store_txn *t[NDB];
    term_id terms[NDB][NTERMS];
    uint64_t rng[NDB];
    for (int i = 0; i < NDB; i++) {
        assert_int_equal(store_begin(f->st[i], true, &t[i]), CLAIMDB_OK);
        assert_int_equal(meta_set(t[i], "next_term", first_id), CLAIMDB_OK);
        assert_int_equal(store_commit(t[i]), CLAIMDB_OK);
        assert_int_equal(store_begin(f->st[i], true, &t[i]), CLAIMDB_OK);
        for (int j = 0; j < NTERMS; j++) {
            char name[32];
            snprintf(name, sizeof name, "term %d", j);
            assert_int_equal(store_term_intern(t[i], name, strlen(name), &terms[i][j]), CLAIMDB_OK);
            assert_true(terms[i][j] == first_id + (uint64_t)j);
        }
        rng[i] = 42;
    }
    for (int n = 0; n < NOPS; n++) {
        int added[NDB];
        for (int i = 0; i < NDB; i++)
            op(t[i], &rng[i], terms[i], &added[i]);
        assert_int_equal(added[1], added[0]);
        assert_int_equal(added[2], added[0]);
        if (n == NOPS / 2) {
            /* A read of the indexes in the middle writes the runs into LMDB; later runs are
             * then merged into a database that is not empty. */
            for (int i = 0; i < NDB; i++) {
                claim_key k = {POL_POS, terms[i][0], terms[i][NTERMS - 1], terms[i][1]};
                uint64_t cnt;
                assert_int_equal(store_cite_count(t[i], &k, &cnt), CLAIMDB_OK);
            }
        }
    }
    for (int i = 0; i < NDB; i++)
        assert_int_equal(store_commit(t[i]), CLAIMDB_OK);
    size_t len0, len;
    char *d0 = dump(f->st[0], terms[0], &len0);
    assert_true(len0 > 10000);
    for (int i = 1; i < NDB; i++) {
        char *d = dump(f->st[i], terms[i], &len);
        assert_int_equal(len, len0);
        assert_memory_equal(d, d0, len0);
        free(d);
    }
    free(d0);
}

static void test_runs_small_ids(void **state)
{
    runs_same_data(*state, 1);
}

static void test_runs_wide_ids(void **state)
{
    runs_same_data(*state, (uint64_t)1 << 30);
}

/* The last ids a key can hold (ID_LEN bytes): the top bits of every key byte are used. */
static void test_runs_widest_ids(void **state)
{
    runs_same_data(*state, ID_MAX + 1 - NTERMS);
}

/* Past the last id a key can hold the dictionary refuses new terms (and keeps the old). */
static void test_ids_full(void **state)
{
    fx *f = *state;
    assert_int_equal(store_open(f->tmp[0].path, CLAIMDB_OPEN_CREATE, &f->st[0]), CLAIMDB_OK);
    store_txn *t;
    assert_int_equal(store_begin(f->st[0], true, &t), CLAIMDB_OK);
    assert_int_equal(meta_set(t, "next_term", ID_MAX), CLAIMDB_OK);
    term_id a, b;
    assert_int_equal(store_term_intern(t, "last", 4, &a), CLAIMDB_OK);
    assert_true(a == ID_MAX);
    assert_int_equal(store_term_intern(t, "one more", 8, &b), CLAIMDB_TOOBIG);
    assert_non_null(strstr(store_errmsg(f->st[0]), "the dictionary is full"));
    store_abort(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_runs_small_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runs_wide_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runs_widest_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_full, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
