/* test_match.c — FILTER ?v MATCH "words": the text index's access path (the planner's choice
 * when the words are rare) and the per-row check (forced here by an OR the index cannot
 * serve) return the same rows as a reference that cuts every stored text itself, over random
 * quotes and terms, for words, phrases, stop words, parameters and negative claims. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
// cmocka needs the above first
#include <cmocka.h>

#include "claimdb.h"
#include "text_token.h"
#include "tmpdb.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const vocab[] = {
    "the",      "Taliban",   "demanded", "demands",   "withdrawal", "withdrawing", "of",
    "troops",   "troop",     "foreign",  "forces",    "Kabul",      "government",  "talks",
    "peace",    "ceasefire", "agreed",   "agreement", "said",       "spokesman",   "a",
    "not",      "United",    "States",   "envoy",     "meeting",    "Doha",        "attack",
    "attacked", "city",      "police",   "officials", "rejected",   "plan",        "all"};
#define NVOCAB (sizeof vocab / sizeof *vocab)

static const char *const names[] = {"Taliban",          "United States", "Afghan government",
                                    "Zalmay Khalilzad", "peace talks",   "foreign troops",
                                    "Kabul police",     "ceasefire plan"};
#define NNAMES (sizeof names / sizeof *names)

#define NCITES 600
#define QMAX 160

typedef struct cite {
    int s, p, o, neg;
    int64_t article;
    char quote[QMAX];
} cite;

typedef struct fx {
    tmpdb tmp;
    claimdb *db;
    cite c[NCITES];
    size_t n;
    uint64_t rng;
    text_tokenizer *tk;
} fx;

static uint64_t next(fx *f)
{
    uint64_t z = (f->rng += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f || tmpdb_make(&f->tmp, "match")) {
        free(f);
        return -1;
    }
    f->rng = 42;
    f->tk = text_tokenizer_new();
    if (claimdb_open(f->tmp.path, CLAIMDB_OPEN_CREATE, &f->db) != CLAIMDB_OK) return -1;
    /* Quotes and claims are indexed when asked for: asked here, before the load. */
    if (claimdb_exec(f->db, "CREATE TEXT INDEX ON QUOTES, CLAIMS;", NULL, NULL) != CLAIMDB_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    claimdb_close(f->db);
    text_tokenizer_free(f->tk);
    tmpdb_remove(&f->tmp);
    free(f);
    return 0;
}

/* Random claims, each cited with a random quote of vocabulary words; some quotes repeat a
 * citation's claim from another article, some claims are negative. */
static void load(fx *f)
{
    static const char *const preds[] = {"demand", "reject", "attack", "fund"};
    assert_int_equal(claimdb_exec(f->db, "BEGIN;", NULL, NULL), CLAIMDB_OK);
    for (size_t i = 0; i < NCITES; i++) {
        cite *c = &f->c[f->n];
        c->s = (int)(next(f) % NNAMES);
        c->p = (int)(next(f) % 4);
        c->o = (int)(next(f) % NNAMES);
        c->neg = next(f) % 5 == 0;
        c->article = (int64_t)(next(f) % 50);
        size_t len = 0, words = 3 + next(f) % 9;
        for (size_t w = 0; w < words; w++) {
            const char *v = vocab[next(f) % NVOCAB];
            len += (size_t)snprintf(c->quote + len, QMAX - len, "%s%s", w ? " " : "", v);
        }
        /* A word in nearly every quote: more documents than claims, no index path. */
        if (next(f) % 10) snprintf(c->quote + len, QMAX - len, " reportedly");
        claimdb_citation ct = {0};
        ct.subject = names[c->s];
        ct.predicate = preds[c->p];
        ct.object = names[c->o];
        ct.negated = c->neg;
        ct.article = c->article;
        ct.quote = c->quote;
        ct.method = CLAIMDB_METHOD_CURATED;
        int added = 0;
        assert_int_equal(claimdb_assert(f->db, &ct, &added), CLAIMDB_OK);
        if (added & CLAIMDB_ADDED_CITATION) f->n++; /* a repeated citation is one row */
    }
    assert_int_equal(claimdb_exec(f->db, "COMMIT;", NULL, NULL), CLAIMDB_OK);
}

/* The reference: does text hold every word of q and every phrase (the words between two
 * '"', consecutive among the text's stems)? Cut with the index's tokenizer, matched here. */
static bool ref_match(fx *f, const char *q, const char *text)
{
    token_list t = {0};
    assert_int_equal(text_tokenize(f->tk, text, strlen(text), &t), CLAIMDB_OK);
    bool all = true, phrase = false, any = false;
    for (const char *p = q; all; phrase = !phrase) {
        const char *e = strchr(p, '"');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        token_list g = {0};
        assert_int_equal(text_tokenize(f->tk, p, n, &g), CLAIMDB_OK);
        size_t glen = phrase ? g.n : 1;
        for (size_t start = 0; start < g.n && all; start += glen) {
            bool found = false;
            for (size_t i = 0; i + glen <= t.n && !found; i++) {
                size_t k = 0;
                while (k < glen && !strcmp(token_at(&t, i + k), token_at(&g, start + k)))
                    k++;
                found = k == glen;
            }
            all = found;
            any = true;
        }
        token_list_free(&g);
        if (!e) break;
        p = e + 1;
    }
    token_list_free(&t);
    return all && any; /* no word at all: nothing matches */
}

/* Run a prepared FIND again with $m bound: its rows, each "a|b|…", sorted and joined by
 * newlines. */
static char *run_rows(claimdb_stmt *st, const char *m)
{
    assert_int_equal(claimdb_reset(st), CLAIMDB_OK);
    assert_int_equal(claimdb_bind_text(st, "$m", m, -1), CLAIMDB_OK);
    char **r = NULL;
    size_t n = 0, cap = 0, total = 1;
    int rc;
    while ((rc = claimdb_step(st)) == CLAIMDB_ROW) {
        char line[512] = "";
        for (int i = 0; i < claimdb_column_count(st); i++) {
            const char *v = claimdb_column_text(st, i);
            snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s", i ? "|" : "",
                     v ? v : "");
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            r = realloc(r, cap * sizeof *r);
            assert_non_null(r);
        }
        r[n++] = strdup(line);
        total += strlen(line) + 1;
    }
    assert_int_equal(rc, CLAIMDB_DONE);
    for (size_t i = 1; i < n; i++) /* insertion sort: a few hundred rows */
        for (size_t j = i; j > 0 && strcmp(r[j - 1], r[j]) > 0; j--) {
            char *t = r[j];
            r[j] = r[j - 1];
            r[j - 1] = t;
        }
    char *out = calloc(1, total);
    for (size_t i = 0; i < n; i++) {
        strcat(out, r[i]);
        strcat(out, "\n");
        free(r[i]);
    }
    free(r);
    return out;
}

/* Prepare a FIND and run it once with $m bound (run_rows). */
static char *rows(fx *f, const char *sql, const char *m)
{
    claimdb_stmt *st;
    char text[512];
    int n = snprintf(text, sizeof text, "%s;", sql);
    if (n < 0 || (size_t)n >= sizeof text) fail_msg("statement too long for the test: %s", sql);
    if (claimdb_prepare(f->db, text, -1, &st, NULL) != CLAIMDB_OK)
        fail_msg("%s: %s", text, claimdb_errmsg(f->db));
    char *out = run_rows(st, m);
    claimdb_finalize(st);
    return out;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Does EXPLAIN of sql (with $m bound) read the text index? */
static bool uses_index(fx *f, const char *sql, const char *m)
{
    char ex[512];
    snprintf(ex, sizeof ex, "EXPLAIN %s", sql);
    char *r = rows(f, ex, m);
    bool yes = strstr(r, "|TEXT quotes|") || strstr(r, "|TEXT claims|");
    free(r);
    return yes;
}

/* A random query: one to three words, or a phrase cut from a stored quote, or both. */
static void make_query(fx *f, char *q, size_t cap)
{
    q[0] = '\0';
    int kind = (int)(next(f) % 4);
    if (kind < 2) {
        size_t words = 1 + next(f) % 3;
        for (size_t w = 0; w < words; w++)
            snprintf(q + strlen(q), cap - strlen(q), "%s%s", w ? " " : "", vocab[next(f) % NVOCAB]);
    }
    if (kind >= 2) {
        const char *src = f->c[next(f) % f->n].quote;
        /* two or three consecutive words of it */
        size_t nw = 0, starts[32];
        for (size_t i = 0; src[i] && nw < 32; i++)
            if (i == 0 || src[i - 1] == ' ') starts[nw++] = i;
        size_t a = next(f) % nw, len = 2 + next(f) % 2;
        size_t from = starts[a], to = a + len < nw ? starts[a + len] - 1 : strlen(src);
        snprintf(q + strlen(q), cap - strlen(q), "\"%.*s\"", (int)(to - from), src + from);
        if (kind == 3) snprintf(q + strlen(q), cap - strlen(q), " %s", vocab[next(f) % NVOCAB]);
    }
}

static const char *const q_index = "FIND ?s, ?p, ?o, ?src, ?q WHERE ?s ?p ?o FROM ?src QUOTE ?q "
                                   "FILTER ?q MATCH $m";
static const char *const q_rows = "FIND ?s, ?p, ?o, ?src, ?q WHERE ?s ?p ?o FROM ?src QUOTE ?q "
                                  "FILTER (?q MATCH $m OR ?src < 0)";

static void test_quotes_index_equals_rows(void **state)
{
    fx *f = *state;
    load(f);
    size_t indexed = 0, nonempty = 0;
    for (int i = 0; i < 150; i++) {
        char q[256];
        make_query(f, q, sizeof q);
        char *a = rows(f, q_index, q), *b = rows(f, q_rows, q);
        if (strcmp(a, b)) fail_msg("MATCH %s: the index path and the per-row check differ", q);
        assert_false(uses_index(f, q_rows, q)); /* under OR the index cannot serve */
        indexed += uses_index(f, q_index, q);
        size_t want = 0;
        for (size_t k = 0; k < f->n; k++)
            want += f->c[k].neg == 0 && ref_match(f, q, f->c[k].quote);
        if (count_lines(a) != want)
            fail_msg("MATCH %s: %zu rows, the reference finds %zu", q, count_lines(a), want);
        nonempty += want > 0;
        free(a);
        free(b);
    }
    /* The index served rare words, on queries that find something. */
    assert_true(indexed > 20);
    assert_true(nonempty > 50);
    /* A word most quotes hold is cheaper to check row by row: the planner scans the claims. */
    assert_false(uses_index(f, q_index, "reportedly"));
    char *a = rows(f, q_index, "reportedly \"troops reportedly\"");
    size_t want = 0;
    for (size_t k = 0; k < f->n; k++)
        want += f->c[k].neg == 0 && ref_match(f, "reportedly \"troops reportedly\"", f->c[k].quote);
    assert_int_equal(count_lines(a), want);
    assert_true(want > 0);
    free(a);

    /* Without the index MATCH checks each row: the same rows, no TEXT path. Built again from
     * the stored quotes, the index serves the same queries as the one kept up by the load. */
    enum { NQ = 40 };
    char qs[NQ][256], *with[NQ];
    bool used[NQ];
    for (int i = 0; i < NQ; i++) {
        make_query(f, qs[i], sizeof qs[i]);
        with[i] = rows(f, q_index, qs[i]);
        used[i] = uses_index(f, q_index, qs[i]);
    }
    assert_int_equal(claimdb_exec(f->db, "DROP TEXT INDEX ON QUOTES;", NULL, NULL), CLAIMDB_OK);
    for (int i = 0; i < NQ; i++) {
        a = rows(f, q_index, qs[i]);
        assert_string_equal(a, with[i]);
        assert_false(uses_index(f, q_index, qs[i]));
        free(a);
    }
    assert_int_equal(claimdb_exec(f->db, "CREATE TEXT INDEX ON QUOTES;", NULL, NULL), CLAIMDB_OK);
    for (int i = 0; i < NQ; i++) {
        a = rows(f, q_index, qs[i]);
        assert_string_equal(a, with[i]);
        assert_int_equal(uses_index(f, q_index, qs[i]), used[i]);
        free(a);
        free(with[i]);
    }
}

/* One prepared statement run again and again with other words (the executor and plan are
 * kept between runs): each run's rows are those of a statement prepared for its words alone.
 * The claims the text index gave the first run must not serve the next. */
static void test_rerun_with_other_words(void **state)
{
    fx *f = *state;
    load(f);
    claimdb_stmt *st;
    char text[512];
    snprintf(text, sizeof text, "%s;", q_index);
    assert_int_equal(claimdb_prepare(f->db, text, -1, &st, NULL), CLAIMDB_OK);
    size_t indexed = 0;
    for (int i = 0; i < 60; i++) {
        char q[256];
        make_query(f, q, sizeof q);
        char *a = run_rows(st, q), *b = rows(f, q_rows, q);
        if (strcmp(a, b)) fail_msg("MATCH %s run again: not the rows of a fresh statement", q);
        indexed += uses_index(f, q_index, q);
        free(a);
        free(b);
    }
    assert_true(indexed > 5);
    /* Its words read through the index, then the index dropped: the next run scans. */
    const char *rare = NULL;
    char *a = NULL;
    for (size_t i = 0; i < NVOCAB && !rare; i++) {
        if (!uses_index(f, q_index, vocab[i])) continue;
        free(a);
        a = run_rows(st, vocab[i]);
        if (*a) rare = vocab[i];
    }
    assert_non_null(rare);
    assert_int_equal(claimdb_exec(f->db, "DROP TEXT INDEX ON QUOTES;", NULL, NULL), CLAIMDB_OK);
    char *b = run_rows(st, rare);
    assert_string_equal(a, b);
    free(a);
    free(b);
    claimdb_finalize(st);
}

static void test_negative_and_terms(void **state)
{
    fx *f = *state;
    load(f);
    static const char *const qs[] = {"government",
                                     "\"united states\"",
                                     "peace",
                                     "police kabul",
                                     "\"states united\"",
                                     "talk",
                                     "the of",
                                     "zalmay"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        /* negative claims' quotes */
        const char *ni =
            "FIND ?s, ?src, ?q WHERE NOT ?s ?p ?o FROM ?src QUOTE ?q FILTER ?q MATCH $m";
        const char *nr = "FIND ?s, ?src, ?q WHERE NOT ?s ?p ?o FROM ?src QUOTE ?q "
                         "FILTER (?q MATCH $m OR ?src < 0)";
        char *a = rows(f, ni, qs[i]), *b = rows(f, nr, qs[i]);
        assert_string_equal(a, b);
        free(a);
        free(b);
        /* a term: the claims whose object's name holds the words */
        const char *ti = "FIND ?s, ?p, ?o WHERE ?s ?p ?o FILTER ?o MATCH $m";
        const char *tr = "FIND ?s, ?p, ?o WHERE ?s ?p ?o FILTER (?o MATCH $m OR ?s = nobody)";
        a = rows(f, ti, qs[i]);
        b = rows(f, tr, qs[i]);
        assert_string_equal(a, b);
        size_t want = 0; /* distinct positive claims whose object matches */
        for (size_t k = 0; k < f->n; k++) {
            bool dup = false;
            for (size_t j = 0; j < k && !dup; j++)
                dup = f->c[j].s == f->c[k].s && f->c[j].p == f->c[k].p && f->c[j].o == f->c[k].o &&
                      f->c[j].neg == f->c[k].neg;
            want += !dup && !f->c[k].neg && ref_match(f, qs[i], names[f->c[k].o]);
        }
        assert_int_equal(count_lines(a), want);
        free(a);
        free(b);
    }
    /* Stop words only: nothing, either way; "states united" is no phrase of "United States". */
    char *a = rows(f, q_index, "the of a");
    assert_string_equal(a, "");
    free(a);
    a = rows(f, "FIND ?o WHERE ?s ?p ?o FILTER ?o MATCH $m", "\"states united\"");
    assert_string_equal(a, "");
    free(a);
    /* The index serves a term's MATCH too. */
    assert_true(uses_index(f, "FIND ?s WHERE ?s ?p ?o FILTER ?o MATCH $m", "zalmay"));
}

/* A MATCH after RETRACT and ALIAS sees the data as it is now. */
static void test_index_follows_changes(void **state)
{
    fx *f = *state;
    assert_int_equal(claimdb_exec(f->db,
                                  "ASSERT Taliban demand withdrawal FROM 1 QUOTE \"Foreign troops "
                                  "must leave\";"
                                  "ASSERT Taliban reject talks FROM 2 QUOTE \"No talks with the "
                                  "puppets\";",
                                  NULL, NULL),
                     CLAIMDB_OK);
    const char *q = "FIND ?src WHERE ?s ?p ?o FROM ?src QUOTE ?q FILTER ?q MATCH $m";
    char *a = rows(f, q, "troops");
    assert_string_equal(a, "1\n");
    free(a);
    assert_int_equal(claimdb_exec(f->db, "RETRACT Taliban demand withdrawal FROM 1;", NULL, NULL),
                     CLAIMDB_OK);
    a = rows(f, q, "troops");
    assert_string_equal(a, "");
    free(a);
    assert_int_equal(claimdb_exec(f->db, "ALIAS \"Islamic Emirate\" FOR Taliban;", NULL, NULL),
                     CLAIMDB_OK);
    a = rows(f, "SIMILAR $m IN CLAIMS", "islamic emirate talks");
    assert_non_null(strstr(a, "Taliban reject talks"));
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_quotes_index_equals_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negative_and_terms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rerun_with_other_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_follows_changes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
