/* test_extract.c: the extractor (extract/) through the public API, and its sentence splitter
 * and lemmatiser directly.
 *
 * - the lexicon: a missing dictionary is CLAIMDB_NOTFOUND with a message naming the file and
 *   the package; closing NULL is harmless; verb lemmas of regular and irregular forms;
 * - sentences: "U.S.", "Mr.", "Jan.", initials, decimals, ellipses and quotations do not end a
 *   sentence where they should not, and end it where they should;
 * - claims: subject, predicate lemma, object, claimant ("X said (that)", ", X said",
 *   "according to X"), negation ("not", "declined to", "denied"), hedges lowering the
 *   confidence, min_confidence, a callback that stops;
 * - offsets, over the five seed articles: every span lies inside its quote, has no blank at
 *   either end, and the object term is made of words of its span (the predicate span is
 *   empty only for the implicit "be" of an appositive); quotes are never in page furniture
 *   (the copyright line, the author box);
 * - headlines of the seed articles, and MinHash: articles 0 and 1 are near duplicates, no
 *   other pair is;
 * - hostile input: long chains of "of", a line of 300 kB, thousands of commas, random bytes
 *   with NULs, lone quote marks: extraction ends, and every span stays inside the text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "claimdb.h"
#include "extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CLAIMDB_SOURCE_DIR
#error "CLAIMDB_SOURCE_DIR must be defined (the repository path)"
#endif

/* The duplicate threshold documented in docs/extraction.md and used by ingest. */
#define DUPLICATE_THRESHOLD 0.5

static claimdb_lexicon *lex;

static int setup(void **state)
{
    (void)state;
    int rc = claimdb_lexicon_open(NULL, &lex);
    if (rc != CLAIMDB_OK) fprintf(stderr, "%s\n", claimdb_lexicon_errmsg(lex));
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    claimdb_lexicon_close(lex);
    return 0;
}

static char *read_article(int n, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/data/articles/%d.txt", CLAIMDB_SOURCE_DIR, n);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *p = malloc(1 << 20);
    assert_non_null(p);
    *len = fread(p, 1, (1 << 20) - 1, fp);
    p[*len] = '\0';
    fclose(fp);
    return p;
}

/* ---- lexicon ---- */

static void test_lexicon_missing(void **state)
{
    (void)state;
    claimdb_lexicon *l = NULL;
    assert_int_equal(claimdb_lexicon_open("/nonexistent/wordnet", &l), CLAIMDB_NOTFOUND);
    assert_non_null(l);
    assert_non_null(strstr(claimdb_lexicon_errmsg(l), "/nonexistent/wordnet/index.verb"));
    assert_non_null(strstr(claimdb_lexicon_errmsg(l), "wordnet-base"));
    claimdb_lexicon_close(l);
    claimdb_lexicon_close(NULL);
    assert_int_equal(claimdb_lexicon_open(NULL, NULL), CLAIMDB_MISUSE);
}

static void test_verb_lemmas(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"demanded", "demand"}, {"said", "say"},    {"stopped", "stop"},    {"noted", "note"},
        {"agreed", "agree"},    {"hinted", "hint"}, {"insisted", "insist"}, {"cries", "cry"},
        {"pulled", "pull"},     {"led", "lead"},    {"Urges", "urge"},      {"met", "meet"},
        {"refused", "refuse"},  {"denies", "deny"}, {"planning", "plan"},   {"making", "make"}};
    char buf[64];
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const char *l = claimdb_lexicon_verb_lemma(lex, pairs[i][0], strlen(pairs[i][0]), buf);
        assert_non_null(l);
        assert_string_equal(l, pairs[i][1]);
    }
    assert_null(claimdb_lexicon_verb_lemma(lex, "taliban", 7, buf));
}

/* ---- sentences ---- */

typedef struct sents {
    const char *text;
    char got[16][256];
    int n;
} sents;

static int on_sentence(void *ctx, size_t a, size_t b)
{
    sents *s = ctx;
    if (s->n < 16) {
        size_t n = b - a < 255 ? b - a : 255;
        memcpy(s->got[s->n], s->text + a, n);
        s->got[s->n][n] = '\0';
    }
    s->n++;
    return 0;
}

static void check_split(const char *text, int n, const char *const *want)
{
    sents s = {text, {{0}}, 0};
    assert_int_equal(split_sentences(text, 0, strlen(text), on_sentence, &s), 0);
    for (int i = 0; i < s.n && i < n; i++)
        assert_string_equal(s.got[i], want[i]);
    assert_int_equal(s.n, n);
}

static void test_sentences(void **state)
{
    (void)state;
    const char *a[] = {"The U.S. has refused, and Mr. J. R. Smith left on Jan. 5 at 4.25 p.m. "
                       "sharp.",
                       "He said “we have . . . directed all our forces.”",
                       "The talks ended… Then the U.S. left.", "Did they go?", "“Yes,” he said."};
    check_split("The U.S. has refused, and Mr. J. R. Smith left on Jan. 5 at 4.25 p.m. sharp. "
                "He said “we have . . . directed all our forces.” The talks ended… Then the "
                "U.S. left. Did they go? “Yes,” he said.",
                5, a);
    const char *b[] = {"Talks began in the U.S.", "The group left."};
    check_split("Talks began in the U.S. The group left.", 2, b);
    const char *c[] = {"“He was referring to them,” reports Voice of America (VOA)."};
    check_split("“He was referring to them,” reports Voice of America (VOA).", 1, c);
}

/* ---- claims ---- */

typedef struct claim {
    char s[256], p[64], o[256], who[256];
    int neg;
    double conf;
} claim;

typedef struct claims {
    const char *text;
    size_t len;
    claim c[32];
    int n;
    int stop_after;
} claims;

static int collect(void *ctx, const claimdb_extracted *e)
{
    claims *cs = ctx;
    if (cs->n < 32) {
        claim *c = &cs->c[cs->n];
        snprintf(c->s, sizeof c->s, "%s", e->subject);
        snprintf(c->p, sizeof c->p, "%s", e->predicate);
        snprintf(c->o, sizeof c->o, "%s", e->object);
        snprintf(c->who, sizeof c->who, "%s", e->claimant ? e->claimant : "");
        c->neg = e->negated;
        c->conf = e->confidence;
        assert_int_equal(e->method, CLAIMDB_METHOD_EXTRACTED);
    }
    cs->n++;
    return cs->stop_after && cs->n >= cs->stop_after;
}

static claims *extract(const char *text)
{
    static claims cs;
    memset(&cs, 0, sizeof cs);
    cs.text = text;
    claimdb_extract_options opt = {0};
    opt.lexicon = lex;
    size_t n = 0;
    assert_int_equal(claimdb_extract(text, strlen(text), &opt, collect, &cs, &n), CLAIMDB_OK);
    assert_int_equal((int)n, cs.n);
    return &cs;
}

static const claim *find(const claims *cs, const char *s, const char *p)
{
    for (int i = 0; i < cs->n && i < 32; i++)
        if (!strcmp(cs->c[i].s, s) && !strcmp(cs->c[i].p, p)) return &cs->c[i];
    for (int i = 0; i < cs->n && i < 32; i++)
        fprintf(stderr, "  got: %s | %s | %s | by %s | %s %.2f\n", cs->c[i].s, cs->c[i].p,
                cs->c[i].o, cs->c[i].who, cs->c[i].neg ? "-" : "+", cs->c[i].conf);
    fail_msg("no claim %s %s", s, p);
    return NULL;
}

static void test_attribution(void **state)
{
    (void)state;
    const claim *c =
        find(extract("The Taliban said the U.S. controls the government."), "U.S.", "control");
    assert_string_equal(c->o, "government");
    assert_string_equal(c->who, "Taliban");
    assert_int_equal(c->neg, 0);
    c = find(extract("The Taliban said that the U.S. controls the government."), "U.S.", "control");
    assert_string_equal(c->who, "Taliban");
    c = find(extract("Foreign forces must leave the country, the Taliban said on Saturday."),
             "Foreign forces", "leave");
    assert_string_equal(c->o, "country");
    assert_string_equal(c->who, "Taliban");
    c = find(extract("According to the Pentagon, the region is home to many groups."), "region",
             "be home");
    assert_string_equal(c->who, "Pentagon");
    claims *cs = extract("The region hosts many groups, according to the Pentagon.");
    c = find(cs, "region", "host");
    assert_string_equal(c->who, "Pentagon");
    for (int i = 0; i < cs->n; i++)
        assert_null(strstr(cs->c[i].s, "according"));
    c = find(extract("“We will leave the country,” said Mullah Omar."), "Mullah Omar", "leave");
    assert_string_equal(c->who, "Mullah Omar");
}

static void test_negation_and_hedges(void **state)
{
    (void)state;
    const claim *c = find(extract("The U.S. has not accepted the offer."), "U.S.", "accept");
    assert_int_equal(c->neg, 1);
    c = find(extract("A spokesperson for the embassy declined to comment on the statement."),
             "spokesperson for the embassy", "comment");
    assert_int_equal(c->neg, 1);
    assert_string_equal(c->o, "statement");
    c = find(extract("Kabul never signed the deal."), "Kabul", "sign");
    assert_int_equal(c->neg, 1);
    c = find(extract("The ministry denied that the army attacked the village."), "army", "attack");
    assert_int_equal(c->neg, 1);
    assert_string_equal(c->who, "ministry");
    double plain = find(extract("The group attacked the base."), "group", "attack")->conf;
    double hedged =
        find(extract("The group reportedly attacked the base."), "group", "attack")->conf;
    double may = find(extract("The group may attack the base."), "group", "attack")->conf;
    assert_true(hedged < plain);
    assert_true(may < plain);
    c = find(extract("The Taliban has demanded that foreign forces pull out of the country."),
             "Taliban", "demand");
    assert_string_equal(c->o, "foreign forces pull out of the country");
}

static void test_options(void **state)
{
    (void)state;
    const char *t = "The group attacked the base. The group may attack the town.";
    claimdb_extract_options opt = {0};
    opt.lexicon = lex;
    size_t n = 0;
    assert_int_equal(claimdb_extract(t, strlen(t), &opt, NULL, NULL, &n), CLAIMDB_OK);
    assert_int_equal((int)n, 2);
    opt.min_confidence = 0.8;
    assert_int_equal(claimdb_extract(t, strlen(t), &opt, NULL, NULL, &n), CLAIMDB_OK);
    assert_int_equal((int)n, 1);
    opt.min_confidence = 0;
    claims cs;
    memset(&cs, 0, sizeof cs);
    cs.stop_after = 1;
    assert_int_equal(claimdb_extract(t, strlen(t), &opt, collect, &cs, &n), CLAIMDB_ABORT);
    assert_int_equal(cs.n, 1);
    assert_int_equal(claimdb_extract(NULL, 5, &opt, NULL, NULL, NULL), CLAIMDB_MISUSE);
    assert_int_equal(claimdb_extract(t, strlen(t), NULL, NULL, NULL, NULL), CLAIMDB_MISUSE);
    assert_int_equal(claimdb_extract("", 0, &opt, NULL, NULL, &n), CLAIMDB_OK);
    assert_int_equal((int)n, 0);
}

/* Each flag the header names does what it says. */
static void test_flags(void **state)
{
    (void)state;
    claimdb_extract_options opt = {0};
    opt.lexicon = lex;
    claims cs;
    /* NO_COREF: "He" stays the claimant instead of the name it stands for. */
    const char *t = "Joe Biden visited Kabul on Monday. He said the United States would "
                    "withdraw its troops.";
    memset(&cs, 0, sizeof cs);
    assert_int_equal(claimdb_extract(t, strlen(t), &opt, collect, &cs, NULL), CLAIMDB_OK);
    assert_int_equal(cs.n, 2);
    assert_string_equal(cs.c[1].who, "Joe Biden");
    opt.flags = CLAIMDB_EXTRACT_NO_COREF;
    memset(&cs, 0, sizeof cs);
    assert_int_equal(claimdb_extract(t, strlen(t), &opt, collect, &cs, NULL), CLAIMDB_OK);
    assert_int_equal(cs.n, 2);
    assert_string_equal(cs.c[1].who, "He");
    /* REPORTING: the act of saying is a claim too. */
    opt.flags = CLAIMDB_EXTRACT_REPORTING;
    memset(&cs, 0, sizeof cs);
    assert_int_equal(claimdb_extract(t, strlen(t), &opt, collect, &cs, NULL), CLAIMDB_OK);
    int said = 0;
    for (int i = 0; i < cs.n; i++)
        said += !strcmp(cs.c[i].p, "say") && !strcmp(cs.c[i].s, "Joe Biden");
    assert_int_equal(said, 1);
    /* NO_CLEAN: a line of page furniture is read as prose. */
    const char *f = "Share this article\nThe group attacked the base.\n\n"
                    "Copyright 2021 The Group attacked the town.\n";
    size_t with = 0, without = 0;
    opt.flags = 0;
    assert_int_equal(claimdb_extract(f, strlen(f), &opt, NULL, NULL, &with), CLAIMDB_OK);
    opt.flags = CLAIMDB_EXTRACT_NO_CLEAN;
    assert_int_equal(claimdb_extract(f, strlen(f), &opt, NULL, NULL, &without), CLAIMDB_OK);
    assert_true(without > with);
}

/* ---- offsets over the seed articles ---- */

typedef struct offs {
    const char *text;
    size_t len;
    int claims;
    int later_claimants;      /* claimants found after the quote (quotations over sentences) */
    const char *forbidden[4]; /* page furniture that no quote may touch */
} offs;

static int blank(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static void check_span(const offs *o, claimdb_span s, claimdb_span q, const char *term)
{
    assert_true(s.start < s.end);
    assert_true(s.end <= o->len);
    assert_true(q.start <= s.start && s.end <= q.end);
    assert_false(blank(o->text[s.start]));
    assert_false(blank(o->text[s.end - 1]));
    if (!term) return;
    /* every word of the term is in the span */
    char w[256];
    const char *p = term;
    while (*p) {
        size_t k = strcspn(p, " ");
        if (k && k < sizeof w) {
            memcpy(w, p, k);
            w[k] = '\0';
            const char *hit = strstr(o->text + s.start, w);
            assert_non_null(hit);
            assert_true((size_t)(hit - o->text) + k <= s.end);
        }
        p += k;
        while (*p == ' ')
            p++;
    }
}

static int check_offsets(void *ctx, const claimdb_extracted *e)
{
    offs *o = ctx;
    claimdb_span q = e->quote_span;
    assert_true(q.start < q.end && q.end <= o->len);
    assert_false(blank(o->text[q.start]));
    assert_false(blank(o->text[q.end - 1]));
    check_span(o, e->subject_span, q, strchr(e->subject, ' ') || !e->claimant ? NULL : NULL);
    if (e->predicate_span.start == e->predicate_span.end) { /* implicit: an appositive */
        assert_true(q.start <= e->predicate_span.start && e->predicate_span.end <= q.end);
        assert_string_equal(e->predicate, "be");
    } else {
        check_span(o, e->predicate_span, q, NULL);
    }
    check_span(o, e->object_span, q, e->object);
    if (e->claimant) { /* in the quote, or after it: a quotation attributed at its end */
        assert_true(e->claimant_span.start < e->claimant_span.end);
        assert_true(e->claimant_span.end <= o->len);
        assert_true(e->claimant_span.start >= q.start);
        if (e->claimant_span.end > q.end) {
            assert_true(e->claimant_span.start >= q.end);
            o->later_claimants++;
        }
    }
    for (int i = 0; i < 4 && o->forbidden[i]; i++) {
        const char *f = strstr(o->text, o->forbidden[i]);
        assert_non_null(f);
        size_t fa = (size_t)(f - o->text), fb = fa + strlen(o->forbidden[i]);
        assert_true(q.end <= fa || q.start >= fb);
    }
    o->claims++;
    return 0;
}

static void test_offsets_seed_articles(void **state)
{
    (void)state;
    for (int n = 0; n < 5; n++) {
        offs o = {0};
        o.text = read_article(n, &o.len);
        if (n == 2) o.forbidden[0] = "All rights reserved";
        if (n == 3) {
            o.forbidden[0] = "Jack Davis is a freelance writer";
            o.forbidden[1] = "jackwritings1@gmail.com";
            o.forbidden[2] = "Advertise with The Western Journal";
        }
        claimdb_extract_options opt = {0};
        opt.lexicon = lex;
        assert_int_equal(claimdb_extract(o.text, o.len, &opt, check_offsets, &o, NULL), CLAIMDB_OK);
        assert_true(o.claims >= 10);
        /* “We fully assure … that Afghanistan will not permit anyone …. And we …,” the
         * statement added. */
        if (n == 3) assert_true(o.later_claimants >= 2);
        free((char *)o.text);
    }
}

/* ---- headlines and duplicates ---- */

static void test_titles(void **state)
{
    (void)state;
    static const char *const want[5] = {
        NULL,
        "Taliban Invites Anti-U.S. Jihadists to Establish ‘an Islamic System and "
        "Reconciliation’",
        NULL, "Taliban Extends Offer to Biden, Unclear if President Will Accept Their Terms",
        "Taliban confirms talks with US envoy Zalmay Khalilzad in Qatar"};
    for (int n = 0; n < 5; n++) {
        size_t len;
        char *t = read_article(n, &len);
        claimdb_span s;
        int has = claimdb_extract_title(t, len, &s);
        assert_int_equal(has, want[n] != NULL);
        if (has) {
            assert_int_equal(s.end - s.start, strlen(want[n]));
            assert_memory_equal(t + s.start, want[n], s.end - s.start);
        }
        free(t);
    }
}

static void test_duplicates(void **state)
{
    (void)state;
    uint64_t sig[5][CLAIMDB_SIGNATURE_SIZE];
    for (int n = 0; n < 5; n++) {
        size_t len;
        char *t = read_article(n, &len);
        assert_true(claimdb_signature(t, len, sig[n]) > 100);
        free(t);
    }
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++) {
            double s = claimdb_signature_similarity(sig[i], sig[j]);
            if (i == 0 && j == 1)
                assert_true(s >= DUPLICATE_THRESHOLD);
            else
                assert_true(s < DUPLICATE_THRESHOLD / 2);
        }
    uint64_t empty[CLAIMDB_SIGNATURE_SIZE];
    assert_int_equal(claimdb_signature("too short", 9, empty), 0);
    assert_true(claimdb_signature_similarity(empty, empty) == 0.0);
}

/* ---- hostile input ---- */

typedef struct bounds {
    size_t len;
    size_t n;
} bounds;

static int in_bounds(void *ctx, const claimdb_extracted *e)
{
    bounds *b = ctx;
    const claimdb_span *s[] = {&e->subject_span, &e->predicate_span, &e->object_span,
                               &e->claimant_span, &e->quote_span};
    for (size_t i = 0; i < 5; i++)
        assert_true(s[i]->start <= s[i]->end && s[i]->end <= b->len);
    b->n++;
    return 0;
}

static void run_hostile(const char *text, size_t len)
{
    claimdb_extract_options opt = {0};
    opt.lexicon = lex;
    bounds b = {len, 0};
    assert_int_equal(claimdb_extract(text, len, &opt, in_bounds, &b, NULL), CLAIMDB_OK);
    uint64_t sig[CLAIMDB_SIGNATURE_SIZE];
    claimdb_signature(text, len, sig);
    claimdb_span t;
    claimdb_extract_title(text, len, &t);
}

static void test_hostile(void **state)
{
    (void)state;
    size_t n = 300000;
    char *p = malloc(n + 1);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) /* "the group of the men of the group of ..." */
        p[i] = "the group of "[i % 13];
    run_hostile(p, n);
    for (size_t i = 0; i < n; i++) /* "Taliban, Taliban, ... said the US." */
        p[i] = "Taliban, "[i % 9];
    memcpy(p + n - 14, " said the US.", 13);
    run_hostile(p, n);
    unsigned x = 12345;
    for (size_t i = 0; i < n; i++) { /* random bytes, NULs, newlines, quotes */
        x = x * 1103515245u + 12345u;
        p[i] = (char)(x >> 16);
    }
    run_hostile(p, n);
    for (size_t i = 0; i < n; i++) /* words and quote marks, no sentence end */
        p[i] = "We \"said\" \xE2\x80\x9C it "[i % 18];
    run_hostile(p, n);
    free(p);
    static const char *const small[] = {"",      "\n\n\n", "“",   "”.",        "...",
                                        ". . .", "'s",     "n't", "U.S.",      "Mr. ",
                                        "The",   "A b c.", "?",   "“He said,”"};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
        run_hostile(small[i], strlen(small[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lexicon_missing),
        cmocka_unit_test(test_verb_lemmas),
        cmocka_unit_test(test_sentences),
        cmocka_unit_test(test_attribution),
        cmocka_unit_test(test_negation_and_hedges),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_offsets_seed_articles),
        cmocka_unit_test(test_titles),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
