/* test_deep.c: the deep extraction path (extract/grammar.c, extract/deep.c) through the public
 * API: claimdb_grammar_open() and its errors, a grammar that failed to open is refused by
 * claimdb_extract(), and claims read from full linkages: a "that"-clause under a negating
 * speech verb, a passive with its place and time kept in the object, an appositive's "be",
 * coordinated subjects and objects split, negation by "not" (linked twice by the parser) and
 * "never", a quotation attributed at its end; parsed claims rank above the rules'; the sentence
 * counts; two threads sharing one grammar give what one gives; over two seed articles and hostile
 * text, every span lies inside its sentence. Without link-grammar in the build, the
 * message names the packages and the claims part is skipped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "claimdb.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static claimdb_lexicon *lex;
static claimdb_grammar *grammar; /* NULL: built without link-grammar */

static int setup(void **state)
{
    (void)state;
    if (claimdb_lexicon_open(NULL, &lex) != CLAIMDB_OK) {
        fprintf(stderr, "%s\n", claimdb_lexicon_errmsg(lex));
        return -1;
    }
    if (claimdb_grammar_open(NULL, &grammar) != CLAIMDB_OK) {
        fprintf(stderr, "deep path absent: %s\n", claimdb_grammar_errmsg(grammar));
        claimdb_grammar_close(grammar);
        grammar = NULL;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    claimdb_grammar_close(grammar);
    claimdb_lexicon_close(lex);
    return 0;
}

typedef struct got {
    char lines[32][512];
    double conf[32];
    int n;
} got;

/* "subject|predicate|object|claimant|polarity" */
static int collect(void *ctx, const claimdb_extracted *e)
{
    got *g = ctx;
    if (g->n < 32) {
        snprintf(g->lines[g->n], sizeof g->lines[g->n], "%s|%s|%s|%s|%c", e->subject, e->predicate,
                 e->object, e->claimant ? e->claimant : "", e->negated ? '-' : '+');
        g->conf[g->n] = e->confidence;
        g->n++;
    }
    return 0;
}

static void extract(const char *text, const claimdb_grammar *g, claimdb_extract_stats *st, got *out)
{
    claimdb_extract_options opt = {0};
    opt.lexicon = lex;
    opt.grammar = g;
    opt.stats = st;
    memset(out, 0, sizeof *out);
    assert_int_equal(claimdb_extract(text, strlen(text), &opt, collect, out, NULL), CLAIMDB_OK);
}

static int has(const got *g, const char *line)
{
    for (int i = 0; i < g->n; i++)
        if (!strcmp(g->lines[i], line)) return 1;
    return 0;
}

static void show(const got *g)
{
    for (int i = 0; i < g->n; i++)
        fprintf(stderr, "  %s (%.3f)\n", g->lines[i], g->conf[i]);
}

static void test_open_errors(void **state)
{
    (void)state;
    claimdb_grammar *g = NULL;
    assert_int_equal(claimdb_grammar_open("relative/en", &g), CLAIMDB_ERROR);
    assert_non_null(g);
    /* without link-grammar the message names the packages, else it refuses the relative path */
    const char *m = claimdb_grammar_errmsg(g);
    assert_true(strstr(m, "absolute") || strstr(m, "link-grammar-dictionaries-en"));
    /* a grammar that failed to open is refused, not used */
    claimdb_extract_options opt = {0};
    opt.lexicon = lex;
    opt.grammar = g;
    assert_int_equal(claimdb_extract("A b c.", 6, &opt, NULL, NULL, NULL), CLAIMDB_MISUSE);
    claimdb_grammar_close(g);
    g = NULL;
    assert_int_equal(claimdb_grammar_open("/nonexistent/link-grammar", &g), CLAIMDB_ERROR);
    assert_non_null(strstr(claimdb_grammar_errmsg(g), "link-grammar-dictionaries-en"));
    claimdb_grammar_close(g);
    claimdb_grammar_close(NULL);
    assert_string_equal(claimdb_grammar_errmsg(NULL), "out of memory");
    assert_int_equal(claimdb_grammar_open(NULL, NULL), CLAIMDB_MISUSE);
}

static void test_claims(void **state)
{
    (void)state;
    if (!grammar) skip();
    claimdb_extract_stats st = {0};
    got g;
    extract("The ministry denied that the army attacked the village.", grammar, &st, &g);
    show(&g);
    assert_true(has(&g, "army|attack|village|ministry|-"));
    extract("Ismail Khan, a prominent jihadi leader, was killed in Herat on Tuesday.", grammar, &st,
            &g);
    show(&g);
    assert_true(has(&g, "Ismail Khan|be killed|Herat on Tuesday||+"));
    assert_true(has(&g, "Ismail Khan|be|prominent jihadi leader||+"));
    extract("The Taliban and the U.S. signed a deal.", grammar, &st, &g);
    show(&g);
    assert_true(has(&g, "Taliban|sign|deal||+"));
    assert_true(has(&g, "U.S.|sign|deal||+"));
    /* objects joined to the verb by VJd */
    extract("He bought apples and oranges in the market.", grammar, &st, &g);
    show(&g);
    assert_true(has(&g, "He|buy|apples||+"));
    assert_true(has(&g, "He|buy|oranges in the market||+"));
    extract("\xe2\x80\x9cThe army will not leave the city,\xe2\x80\x9d the official said.", grammar,
            &st, &g);
    show(&g);
    assert_true(has(&g, "army|leave|city|official|-"));
    extract("He never visited Kabul.", grammar, &st, &g);
    assert_true(has(&g, "He|visit|Kabul||-"));
    /* parsed claims rank above the rules' */
    for (int i = 0; i < g.n; i++)
        assert_true(g.conf[i] >= 0.7);
    assert_int_equal(st.sentences, 6);
    assert_int_equal(st.full, 6);
    assert_int_equal(st.no_linkage + st.timeout + st.too_long, 0);
    /* a sentence over the length cap goes to the rules, with their confidences scaled down */
    char longs[2048] = "The army attacked the village";
    for (int i = 0; i < 70; i++)
        strcat(longs, " and the town");
    strcat(longs, ".");
    extract(longs, grammar, &st, &g);
    assert_int_equal(st.too_long, 1);
    assert_true(g.n >= 1);
    for (int i = 0; i < g.n; i++)
        assert_true(g.conf[i] < 0.7);
}

typedef struct job {
    const char *text;
    got out;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    claimdb_extract_options opt = {0};
    opt.lexicon = lex;
    opt.grammar = grammar;
    claimdb_extract(j->text, strlen(j->text), &opt, collect, &j->out, NULL);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    if (!grammar) skip();
    const char *text = "The ministry denied that the army attacked the village. Ismail Khan, a "
                       "prominent jihadi leader, was killed in Herat on Tuesday. The Taliban "
                       "and the U.S. signed a deal in Doha.";
    got one;
    extract(text, grammar, NULL, &one);
    job jobs[2];
    memset(jobs, 0, sizeof jobs);
    jobs[0].text = jobs[1].text = text;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, run_job, &jobs[0]), 0);
    run_job(&jobs[1]);
    pthread_join(th, NULL);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(jobs[k].out.n, one.n);
        for (int i = 0; i < one.n; i++)
            assert_string_equal(jobs[k].out.lines[i], one.lines[i]);
    }
}

typedef struct bounds {
    size_t len;
    int claims;
} bounds;

static void inside(const claimdb_span *s, const claimdb_extracted *e, size_t len)
{
    assert_true(s->start <= s->end && s->end <= len);
    if (s->end > s->start && s != &e->claimant_span) {
        assert_true(s->start >= e->quote_span.start && s->end <= e->quote_span.end);
    }
}

static int check_spans(void *ctx, const claimdb_extracted *e)
{
    bounds *b = ctx;
    inside(&e->subject_span, e, b->len);
    inside(&e->predicate_span, e, b->len);
    inside(&e->object_span, e, b->len);
    inside(&e->claimant_span, e, b->len);
    inside(&e->quote_span, e, b->len);
    assert_true(e->confidence > 0 && e->confidence <= 1);
    b->claims++;
    return 0;
}

static void test_spans(void **state)
{
    (void)state;
    if (!grammar) skip();
    claimdb_extract_options opt = {0};
    opt.lexicon = lex;
    opt.grammar = grammar;
    for (int n = 3; n <= 4; n++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/data/articles/%d.txt", CLAIMDB_SOURCE_DIR, n);
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        static char text[1 << 16];
        size_t len = fread(text, 1, sizeof text - 1, fp);
        fclose(fp);
        bounds b = {len, 0};
        assert_int_equal(claimdb_extract(text, len, &opt, check_spans, &b, NULL), CLAIMDB_OK);
        assert_true(b.claims > 10);
    }
    /* quote marks, brackets and backslashes the parser treats specially, a NUL, long words */
    static const char hostile[] =
        "He said [that] the {army} attacked \\ the village; \xe2\x80\x9cquoted\xe2\x80\x9d "
        "\xe2\x80\x98single\xe2\x80\x99 \xc2\xab guillemets \xc2\xbb \xe2\x80\x94 dash. The "
        "army \0 attacked the village. \xe2\x80\x9c \xe2\x80\x9d \" \" . It is 4.25 % of $ 3 "
        "billion ( about 2 % ) . Xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx "
        "attacked the village.";
    bounds b = {sizeof hostile - 1, 0};
    assert_int_equal(claimdb_extract(hostile, sizeof hostile - 1, &opt, check_spans, &b, NULL),
                     CLAIMDB_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_claims),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_spans),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
