/* test_data.c: checks the curated seed data in data/ (claims.tsv, articles.tsv, aliases.tsv)
 * against the seed articles in data/articles/N.txt.
 *
 * - claims.tsv: exact header; 8 fields per row; article id 0..4 whose text file exists; every
 *   quote (after unescaping \t \n \\) is a substring of its article, byte for byte;
 *   polarity + or -; confidence empty or a number in [0,1]; one citation per (claim, article);
 *   predicates are
 *   lower-case single-word lemmas; subjects/objects/claimants are canonical (not an alias) and
 *   spelled one way; >= 60 distinct claims, >= 90 citations, >= 3 distinct claimants, >= 2
 *   negative claims, all five articles cited; "Taliban demand withdrawal" (+) cited by 0, 1, 4.
 * - articles.tsv: exact header; 8 fields per row; ids 0..4 once each; text_file exists;
 *   article 1 is a duplicate of 0.
 * - aliases.tsv: exact header; 2 non-empty fields per row; no alias maps to itself, none is
 *   listed twice, and no canonical is itself an alias.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef CLAIMDB_SOURCE_DIR
#error "CLAIMDB_SOURCE_DIR must be defined (the repository path)"
#endif

#define N_ARTICLES 5
#define CLAIM_FIELDS 8
#define ARTICLE_FIELDS 8
#define ALIAS_FIELDS 2

static const char CLAIMS_HEADER[] =
    "subject\tpredicate\tobject\tarticle\tquote\tclaimant\tpolarity\tconfidence";
static const char ARTICLES_HEADER[] =
    "id\ttitle\toutlet\tdate\turl\tauthor\tduplicate_of\ttext_file";
static const char ALIASES_HEADER[] = "alias\tcanonical";

/* One TSV file split into lines and fields; the fields point into buf. */
typedef struct {
    char *buf;
    size_t nlines; /* data lines, header excluded */
    char *header;
    char ***fields;  /* fields[i][j] */
    size_t *nfields; /* nfields[i] */
} tsv;

typedef struct {
    tsv claims, articles, aliases;
    char *text[N_ARTICLES]; /* collapsed article texts, NULL if unreadable */
} data;

static char *path_join(const char *rel)
{
    size_t n = strlen(CLAIMDB_SOURCE_DIR) + 1 + strlen(rel) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", CLAIMDB_SOURCE_DIR, rel);
    return p;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) break;
        if (cap - len - 1 == 0) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (!buf) return NULL;
    if (err) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

static int file_exists(const char *rel)
{
    char *p = path_join(rel);
    if (!p) return 0;
    FILE *f = fopen(p, "rb");
    free(p);
    if (!f) return 0;
    fclose(f);
    return 1;
}

/* Collapse runs of whitespace (ASCII space, \t \n \v \f \r, and UTF-8 U+00A0) into one space. */
static char *collapse_ws(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    size_t o = 0;
    int in_ws = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t w = 0;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r')
            w = 1;
        else if (c == 0xC2 && (unsigned char)s[i + 1] == 0xA0)
            w = 2;
        if (w) {
            if (!in_ws) out[o++] = ' ';
            in_ws = 1;
            i += w;
        } else {
            out[o++] = s[i++];
            in_ws = 0;
        }
    }
    out[o] = '\0';
    return out;
}

/* Unescape \t \n \\ ; returns NULL (and sets *bad) on any other backslash sequence. */
static char *unescape(const char *s, int *bad)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    size_t o = 0;
    *bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            out[o++] = s[i];
            continue;
        }
        char e = s[i + 1];
        if (e == 't')
            out[o++] = '\t';
        else if (e == 'n')
            out[o++] = '\n';
        else if (e == '\\')
            out[o++] = '\\';
        else {
            *bad = 1;
            free(out);
            return NULL;
        }
        i++;
    }
    out[o] = '\0';
    return out;
}

static void tsv_free(tsv *t)
{
    for (size_t i = 0; i < t->nlines; i++)
        free(t->fields[i]);
    free(t->fields);
    free(t->nfields);
    free(t->buf);
    memset(t, 0, sizeof *t);
}

/* Load a TSV file; returns 0 on success. Blank lines (other than a final newline) are data
 * lines with one empty field, so that they fail the field-count checks. */
static int tsv_load(tsv *t, const char *rel)
{
    memset(t, 0, sizeof *t);
    char *p = path_join(rel);
    if (!p) return -1;
    t->buf = read_file(p);
    free(p);
    if (!t->buf) return -1;
    size_t len = strlen(t->buf);
    if (len > 0 && t->buf[len - 1] == '\n') t->buf[--len] = '\0';
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        if (t->buf[i] == '\n') lines++;
    t->fields = calloc(lines, sizeof *t->fields);
    t->nfields = calloc(lines, sizeof *t->nfields);
    if (!t->fields || !t->nfields) return -1;
    char *line = t->buf;
    for (size_t li = 0; li < lines; li++) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        if (li == 0) {
            t->header = line;
        } else {
            size_t nf = 1;
            for (char *c = line; *c; c++)
                if (*c == '\t') nf++;
            char **f = malloc(nf * sizeof *f);
            if (!f) return -1;
            size_t k = 0;
            f[k++] = line;
            for (char *c = line; *c; c++)
                if (*c == '\t') {
                    *c = '\0';
                    f[k++] = c + 1;
                }
            t->fields[t->nlines] = f;
            t->nfields[t->nlines] = nf;
            t->nlines++;
        }
        if (!nl) break;
        line = nl + 1;
    }
    return 0;
}

static int group_setup(void **state)
{
    data *d = calloc(1, sizeof *d);
    if (!d) return -1;
    *state = d;
    if (tsv_load(&d->claims, "data/claims.tsv") != 0) return -1;
    if (tsv_load(&d->articles, "data/articles.tsv") != 0) return -1;
    if (tsv_load(&d->aliases, "data/aliases.tsv") != 0) return -1;
    for (int i = 0; i < N_ARTICLES; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "data/articles/%d.txt", i);
        char *p = path_join(rel);
        char *raw = p ? read_file(p) : NULL;
        free(p);
        d->text[i] = raw; /* as it is: quotes must match it byte for byte */
    }
    return 0;
}

static int group_teardown(void **state)
{
    data *d = *state;
    if (!d) return 0;
    tsv_free(&d->claims);
    tsv_free(&d->articles);
    tsv_free(&d->aliases);
    for (int i = 0; i < N_ARTICLES; i++)
        free(d->text[i]);
    free(d);
    return 0;
}

/* Article id field: exactly one decimal digit 0..4; returns -1 otherwise. */
static int article_id(const char *s)
{
    if (s[0] >= '0' && s[0] < '0' + N_ARTICLES && s[1] == '\0') return s[0] - '0';
    return -1;
}

enum { F_S, F_P, F_O, F_ART, F_QUOTE, F_CLAIMANT, F_POL, F_CONF };

/* ---------------------------------------------------------------- claims.tsv */

static void test_claims_header_and_fields(void **state)
{
    data *d = *state;
    assert_non_null(d->claims.header);
    assert_string_equal(d->claims.header, CLAIMS_HEADER);
    assert_true(d->claims.nlines > 0);
    int bad = 0;
    for (size_t i = 0; i < d->claims.nlines; i++) {
        char **f = d->claims.fields[i];
        if (d->claims.nfields[i] != CLAIM_FIELDS) {
            print_error("claims.tsv line %zu: %zu fields, want %d\n", i + 2, d->claims.nfields[i],
                        CLAIM_FIELDS);
            bad++;
            continue;
        }
        if (!f[F_S][0] || !f[F_P][0] || !f[F_O][0] || !f[F_QUOTE][0]) {
            print_error("claims.tsv line %zu: empty subject, predicate, object or quote\n", i + 2);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_claims_articles_exist(void **state)
{
    data *d = *state;
    int bad = 0;
    for (size_t i = 0; i < d->claims.nlines; i++) {
        if (d->claims.nfields[i] != CLAIM_FIELDS) {
            bad++;
            continue;
        }
        const char *a = d->claims.fields[i][F_ART];
        int id = article_id(a);
        if (id < 0) {
            print_error("claims.tsv line %zu: article '%s' not in 0..4\n", i + 2, a);
            bad++;
            continue;
        }
        char rel[64];
        snprintf(rel, sizeof rel, "data/articles/%d.txt", id);
        if (!file_exists(rel) || !d->text[id]) {
            print_error("claims.tsv line %zu: %s missing\n", i + 2, rel);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_claims_quotes_verbatim(void **state)
{
    data *d = *state;
    int bad = 0;
    for (size_t i = 0; i < d->claims.nlines; i++) {
        if (d->claims.nfields[i] != CLAIM_FIELDS) {
            bad++;
            continue;
        }
        char **f = d->claims.fields[i];
        int id = article_id(f[F_ART]);
        if (id < 0 || !d->text[id]) {
            bad++;
            continue;
        }
        int esc_bad = 0;
        char *q = unescape(f[F_QUOTE], &esc_bad);
        if (!q) {
            print_error("claims.tsv line %zu: bad escape in quote\n", i + 2);
            bad++;
            continue;
        }
        char *cq = collapse_ws(q);
        assert_non_null(cq);
        /* a quote of only whitespace would trivially match */
        int blank = strcmp(cq, "") == 0 || strcmp(cq, " ") == 0;
        free(cq);
        if (blank || !strstr(d->text[id], q)) {
            print_error("claims.tsv line %zu: quote not found in article %d: %s\n", i + 2, id,
                        f[F_QUOTE]);
            bad++;
        }
        free(q);
    }
    assert_int_equal(bad, 0);
}

static void test_claims_polarity_confidence(void **state)
{
    data *d = *state;
    int bad = 0;
    for (size_t i = 0; i < d->claims.nlines; i++) {
        if (d->claims.nfields[i] != CLAIM_FIELDS) {
            bad++;
            continue;
        }
        char **f = d->claims.fields[i];
        if (strcmp(f[F_POL], "+") != 0 && strcmp(f[F_POL], "-") != 0) {
            print_error("claims.tsv line %zu: polarity '%s'\n", i + 2, f[F_POL]);
            bad++;
        }
        const char *c = f[F_CONF];
        if (c[0] != '\0') {
            char *end = NULL;
            double v = strtod(c, &end);
            if (end == c || *end != '\0' || !(v >= 0.0 && v <= 1.0)) {
                print_error("claims.tsv line %zu: confidence '%s'\n", i + 2, c);
                bad++;
            }
        }
    }
    assert_int_equal(bad, 0);
}

static void test_claims_predicates_are_lemmas(void **state)
{
    data *d = *state;
    int bad = 0;
    for (size_t i = 0; i < d->claims.nlines; i++) {
        if (d->claims.nfields[i] != CLAIM_FIELDS) {
            bad++;
            continue;
        }
        const char *p = d->claims.fields[i][F_P];
        for (const char *c = p; *c; c++) {
            if (*c < 'a' || *c > 'z') {
                print_error("claims.tsv line %zu: predicate '%s' is not a lower-case word\n", i + 2,
                            p);
                bad++;
                break;
            }
        }
    }
    assert_int_equal(bad, 0);
}

/* The distinct-claim key "pol\x1fs\x1fp\x1fo"; with article appended for citations. */
static char *claim_key(char **f, int with_article)
{
    size_t n =
        strlen(f[F_POL]) + strlen(f[F_S]) + strlen(f[F_P]) + strlen(f[F_O]) + strlen(f[F_ART]) + 6;
    char *k = malloc(n);
    if (!k) return NULL;
    if (with_article)
        snprintf(k, n, "%s\x1f%s\x1f%s\x1f%s\x1f%s", f[F_POL], f[F_S], f[F_P], f[F_O], f[F_ART]);
    else
        snprintf(k, n, "%s\x1f%s\x1f%s\x1f%s", f[F_POL], f[F_S], f[F_P], f[F_O]);
    return k;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort keys[0..n) and return the number of distinct ones; *dups gets the number of repeats,
 * each printed when report is set. */
static size_t count_distinct(char **keys, size_t n, size_t *dups, int report)
{
    qsort(keys, n, sizeof *keys, cmp_str);
    size_t distinct = 0;
    *dups = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(keys[i], keys[i - 1]) == 0) {
            (*dups)++;
            if (report) print_error("citation repeated (claim and article): %s\n", keys[i]);
        } else {
            distinct++;
        }
    }
    return distinct;
}

static void test_claims_counts(void **state)
{
    data *d = *state;
    size_t n = d->claims.nlines;
    char **claims = calloc(n + 1, sizeof *claims);
    char **cites = calloc(n + 1, sizeof *cites);
    char **claimants = calloc(n + 1, sizeof *claimants);
    char **negs = calloc(n + 1, sizeof *negs);
    assert_non_null(claims);
    assert_non_null(cites);
    assert_non_null(claimants);
    assert_non_null(negs);
    size_t nc = 0, ncl = 0, nneg = 0;
    int per_article[N_ARTICLES] = {0};
    int demand[N_ARTICLES] = {0};
    for (size_t i = 0; i < n; i++) {
        if (d->claims.nfields[i] != CLAIM_FIELDS) continue;
        char **f = d->claims.fields[i];
        claims[nc] = claim_key(f, 0);
        cites[nc] = claim_key(f, 1);
        assert_non_null(claims[nc]);
        assert_non_null(cites[nc]);
        if (f[F_POL][0] == '-') negs[nneg++] = claims[nc];
        nc++;
        if (f[F_CLAIMANT][0]) claimants[ncl++] = f[F_CLAIMANT];
        int id = article_id(f[F_ART]);
        if (id >= 0) {
            per_article[id]++;
            if (strcmp(f[F_POL], "+") == 0 && strcmp(f[F_S], "Taliban") == 0 &&
                strcmp(f[F_P], "demand") == 0 && strcmp(f[F_O], "withdrawal") == 0)
                demand[id]++;
        }
    }
    size_t dups = 0, cite_dups = 0, d1 = 0, d2 = 0;
    /* negs points into claims: count it before claims is sorted (sorting moves pointers only) */
    size_t distinct_negs = count_distinct(negs, nneg, &d1, 0);
    size_t distinct_claims = count_distinct(claims, nc, &dups, 0);
    size_t distinct_cites = count_distinct(cites, nc, &cite_dups, 1);
    size_t distinct_claimants = count_distinct(claimants, ncl, &d2, 0);
    print_message("claims.tsv: %zu citations, %zu distinct claims, %zu claimants, %zu negative "
                  "claims; per article: %d %d %d %d %d\n",
                  nc, distinct_claims, distinct_claimants, distinct_negs, per_article[0],
                  per_article[1], per_article[2], per_article[3], per_article[4]);
    for (size_t i = 0; i < nc; i++) {
        free(claims[i]);
        free(cites[i]);
    }
    free(claims);
    free(cites);
    free(claimants);
    free(negs);

    assert_int_equal(nc, n);        /* every row parsed */
    assert_int_equal(cite_dups, 0); /* one citation per (claim, article) */
    (void)distinct_cites;
    assert_true(distinct_claims >= 60);
    assert_true(nc >= 90);
    assert_true(distinct_claimants >= 3);
    assert_true(distinct_negs >= 2);
    for (int a = 0; a < N_ARTICLES; a++)
        assert_true(per_article[a] > 0);
    assert_int_equal(demand[0], 1);
    assert_int_equal(demand[1], 1);
    assert_int_equal(demand[4], 1);
}

/* Terms (subjects, objects, claimants) use the canonical spelling: none is an alias, and no
 * two spellings differ only in ASCII case. */
static void test_claims_terms_canonical(void **state)
{
    data *d = *state;
    size_t n = d->claims.nlines;
    char **terms = calloc(3 * n + 1, sizeof *terms);
    assert_non_null(terms);
    size_t nt = 0;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (d->claims.nfields[i] != CLAIM_FIELDS) continue;
        char **f = d->claims.fields[i];
        const int pos[3] = {F_S, F_O, F_CLAIMANT};
        for (int k = 0; k < 3; k++) {
            const char *t = f[pos[k]];
            if (!t[0]) continue;
            terms[nt++] = f[pos[k]];
            for (size_t j = 0; j < d->aliases.nlines; j++) {
                if (d->aliases.nfields[j] != ALIAS_FIELDS) continue;
                if (strcasecmp(t, d->aliases.fields[j][0]) == 0) {
                    print_error("claims.tsv line %zu: '%s' is an alias of '%s'\n", i + 2, t,
                                d->aliases.fields[j][1]);
                    bad++;
                }
            }
        }
    }
    qsort(terms, nt, sizeof *terms, cmp_str);
    for (size_t i = 0; i < nt; i++)
        for (size_t j = i + 1; j < nt; j++)
            if (strcmp(terms[i], terms[j]) != 0 && strcasecmp(terms[i], terms[j]) == 0) {
                print_error("terms spelled two ways: '%s' / '%s'\n", terms[i], terms[j]);
                bad++;
            }
    free(terms);
    assert_int_equal(bad, 0);
}

/* -------------------------------------------------------------- articles.tsv */

static void test_articles_tsv(void **state)
{
    data *d = *state;
    assert_non_null(d->articles.header);
    assert_string_equal(d->articles.header, ARTICLES_HEADER);
    int seen[N_ARTICLES] = {0};
    int bad = 0;
    for (size_t i = 0; i < d->articles.nlines; i++) {
        char **f = d->articles.fields[i];
        if (d->articles.nfields[i] != ARTICLE_FIELDS) {
            print_error("articles.tsv line %zu: %zu fields, want %d\n", i + 2,
                        d->articles.nfields[i], ARTICLE_FIELDS);
            bad++;
            continue;
        }
        int id = article_id(f[0]);
        if (id < 0) {
            print_error("articles.tsv line %zu: id '%s'\n", i + 2, f[0]);
            bad++;
            continue;
        }
        seen[id]++;
        char want[32], rel[64];
        snprintf(want, sizeof want, "articles/%d.txt", id);
        if (strcmp(f[7], want) != 0) {
            print_error("articles.tsv line %zu: text_file '%s', want '%s'\n", i + 2, f[7], want);
            bad++;
        }
        snprintf(rel, sizeof rel, "data/%s", f[7]);
        if (!file_exists(rel)) {
            print_error("articles.tsv: %s missing\n", rel);
            bad++;
        }
        if (strcmp(f[6], id == 1 ? "0" : "") != 0) {
            print_error("articles.tsv line %zu: duplicate_of '%s'\n", i + 2, f[6]);
            bad++;
        }
        /* date, when given, is an ISO calendar date YYYY-MM-DD */
        if (f[3][0]) {
            const char *t = f[3];
            int ok = strlen(t) == 10 && t[4] == '-' && t[7] == '-';
            for (int k = 0; ok && k < 10; k++)
                if (k != 4 && k != 7 && (t[k] < '0' || t[k] > '9')) ok = 0;
            if (!ok) {
                print_error("articles.tsv line %zu: date '%s'\n", i + 2, t);
                bad++;
            }
        }
    }
    for (int a = 0; a < N_ARTICLES; a++)
        if (seen[a] != 1) {
            print_error("articles.tsv: article %d listed %d times\n", a, seen[a]);
            bad++;
        }
    assert_int_equal(bad, 0);
}

/* --------------------------------------------------------------- aliases.tsv */

static void test_aliases_tsv(void **state)
{
    data *d = *state;
    assert_non_null(d->aliases.header);
    assert_string_equal(d->aliases.header, ALIASES_HEADER);
    assert_true(d->aliases.nlines > 0);
    int bad = 0;
    for (size_t i = 0; i < d->aliases.nlines; i++) {
        if (d->aliases.nfields[i] != ALIAS_FIELDS) {
            print_error("aliases.tsv line %zu: %zu fields, want %d\n", i + 2, d->aliases.nfields[i],
                        ALIAS_FIELDS);
            bad++;
            continue;
        }
        const char *a = d->aliases.fields[i][0], *c = d->aliases.fields[i][1];
        if (!a[0] || !c[0]) {
            print_error("aliases.tsv line %zu: empty field\n", i + 2);
            bad++;
        }
        if (strcasecmp(a, c) == 0) {
            print_error("aliases.tsv line %zu: '%s' maps to itself\n", i + 2, a);
            bad++;
        }
        for (size_t j = 0; j < d->aliases.nlines; j++) {
            if (d->aliases.nfields[j] != ALIAS_FIELDS) continue;
            const char *b = d->aliases.fields[j][0];
            if (j > i && strcasecmp(a, b) == 0) {
                print_error("aliases.tsv: '%s' listed twice\n", a);
                bad++;
            }
            if (strcasecmp(c, b) == 0) {
                print_error("aliases.tsv line %zu: canonical '%s' is itself an alias\n", i + 2, c);
                bad++;
            }
        }
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claims_header_and_fields),
        cmocka_unit_test(test_claims_articles_exist),
        cmocka_unit_test(test_claims_quotes_verbatim),
        cmocka_unit_test(test_claims_polarity_confidence),
        cmocka_unit_test(test_claims_predicates_are_lemmas),
        cmocka_unit_test(test_claims_counts),
        cmocka_unit_test(test_claims_terms_canonical),
        cmocka_unit_test(test_articles_tsv),
        cmocka_unit_test(test_aliases_tsv),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
