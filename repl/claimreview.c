/* claimreview.c — schema.org ClaimReview as JSON-LD (jansson), as fact-checkers publish it on
 * their pages and as Google's Fact Check Tools read it.
 *
 * Reading: the file is one JSON value: a ClaimReview object, an array of them, or an object
 * with "@graph" (also inside the array). A node whose "@type" is ClaimReview (also written
 * "schema:ClaimReview" or with the schema.org IRI) is one review:
 *   url (else @id) -> url (required)       claimReviewed -> claim_reviewed (required)
 *   author.name (or author as a string) -> reviewer     creator.name -> author
 *   datePublished -> date                  name (else headline) -> title
 *   inLanguage -> language
 *   reviewRating: alternateName -> rating; ratingValue, bestRating, worstRating (numbers, or
 *     strings holding numbers)
 *   itemReviewed (a Claim): author.name -> claimant, datePublished -> claim_date,
 *     appearance (else firstAppearance): url, or a string -> appearance_url;
 *     claimdb:appearsInArticle -> the id of the article of the database it appeared in
 *   claimdb:about: [{claimdb:subject, claimdb:predicate, claimdb:object, claimdb:polarity}]
 *     -> the triples the review is about (what this program writes; "claimdb" is
 *     urn:claimdb:vocab/)
 * Dates may carry a time (2021-05-01T10:00:00Z): the calendar date is kept. Nodes of other
 * types are skipped and counted. JSON-LD has no lines to speak of: an error names the line and
 * column of the review's "@type" (its n-th ClaimReview), and the path of the field at fault.
 *
 * Writing: one JSON-LD document, {"@context": …, "@graph": [ClaimReview, …]}, each review
 * with its verdict (claimdb:verdict) and its triples; claims, articles and aliases have no
 * place in it (the export says how many it left out). */
#include "import.h"

#include "output.h"
#include "util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define VOCAB "urn:claimdb:vocab/"

/* ---- reading --------------------------------------------------------------------------------- */

typedef struct cr_reader {
    import_ctx *ic;
    const char *text;
    size_t len;
    textpos tp;
    size_t search;  /* where to look for the next review's @type */
    long line, col; /* of the current review */
    long index;     /* of the current review, from 1 */
    long skipped;   /* nodes that are not ClaimReview */
} cr_reader;

static int is_claimreview_type(const char *t)
{
    static const char *const names[] = {"ClaimReview", "schema:ClaimReview",
                                        "http://schema.org/ClaimReview",
                                        "https://schema.org/ClaimReview"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(t, names[i])) return 1;
    return 0;
}

static int is_review(json_t *node)
{
    json_t *t = json_object_get(node, "@type");
    if (json_is_string(t)) return is_claimreview_type(json_string_value(t));
    size_t i;
    json_t *v;
    json_array_foreach(t, i, v) if (json_is_string(v) &&
                                    is_claimreview_type(json_string_value(v))) return 1;
    return 0;
}

/* Place the current review: the next "…ClaimReview" in the text. */
static void locate(cr_reader *r)
{
    r->line = r->col = 1;
    const char *needle = "ClaimReview\"";
    size_t nl = strlen(needle);
    for (size_t i = r->search; i + nl <= r->len; i++) {
        if (memcmp(r->text + i, needle, nl)) continue;
        size_t q = i; /* back to the opening quote */
        while (q > 0 && r->text[q - 1] != '"')
            q--;
        textpos_at(&r->tp, q ? q - 1 : 0, &r->line, &r->col);
        r->search = i + nl;
        return;
    }
}

static int fail(cr_reader *r, const char *path, const char *what)
{
    return import_error(r->ic, r->line, r->col, "review %ld: %s: %s", r->index, path, what);
}

/* A string field, or a field whose "name" is one (author: {"name": …}), or the first of an
 * array of those. *out NULL when absent or "". */
static int get_name(cr_reader *r, json_t *obj, const char *key, const char *path, int named,
                    const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (json_is_array(v)) v = json_array_get(v, 0);
    if (!v || json_is_null(v)) return 0;
    if (named && json_is_object(v)) {
        json_t *n = json_object_get(v, "name");
        if (!n) n = json_object_get(v, "url");
        v = n;
        if (!v || json_is_null(v)) return 0;
    }
    if (!json_is_string(v)) return fail(r, path, "expected a string");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return fail(r, path, "holds a NUL character");
    if (json_string_length(v)) *out = json_string_value(v);
    return 0;
}

/* A date, or a date and time: the calendar date into buf. */
static int get_date(cr_reader *r, json_t *obj, const char *key, const char *path, char day[11],
                    const char **out)
{
    const char *s;
    if (get_name(r, obj, key, path, 0, &s)) return -1;
    *out = NULL;
    if (!s) return 0;
    if (strlen(s) >= 10 && (s[10] == '\0' || s[10] == 'T' || s[10] == ' ')) {
        memcpy(day, s, 10);
        day[10] = '\0';
        if (valid_date(day)) {
            *out = day;
            return 0;
        }
    }
    return fail(r, path, "expected a date YYYY-MM-DD (a time after it is allowed)");
}

static int get_number(cr_reader *r, json_t *obj, const char *key, const char *path, int *has,
                      double *out)
{
    json_t *v = json_object_get(obj, key);
    *has = 0;
    if (!v || json_is_null(v)) return 0;
    if (json_is_number(v)) {
        *out = json_number_value(v);
    } else if (!json_is_string(v) || parse_real(json_string_value(v), out) != 0) {
        return fail(r, path, "expected a number");
    }
    *has = 1;
    return 0;
}

static int read_about(cr_reader *r, json_t *about, claimdb_review *rv)
{
    size_t i;
    json_t *t;
    json_t *one = json_is_object(about) ? about : NULL;
    if (!one && !json_is_array(about)) return fail(r, "claimdb:about", "expected triples");
    size_t n = one ? 1 : json_array_size(about);
    for (i = 0; i < n; i++) {
        t = one ? one : json_array_get(about, i);
        char path[64];
        snprintf(path, sizeof path, "claimdb:about[%zu]", i);
        if (!json_is_object(t)) return fail(r, path, "expected an object");
        claimdb_review x = *rv;
        const char *pol;
        static const char *const keys[] = {"claimdb:subject", "claimdb:predicate",
                                           "claimdb:object"};
        const char **dst[] = {&x.subject, &x.predicate, &x.object};
        for (int k = 0; k < 3; k++) {
            if (get_name(r, t, keys[k], keys[k], 0, dst[k])) return -1;
            if (!*dst[k]) return fail(r, path, "a triple needs subject, predicate and object");
        }
        if (get_name(r, t, "claimdb:polarity", "claimdb:polarity", 0, &pol)) return -1;
        if (pol && strcmp(pol, "+") && strcmp(pol, "-"))
            return fail(r, "claimdb:polarity", "expected \"+\" or \"-\"");
        x.negated = pol && !strcmp(pol, "-");
        if (import_review(r->ic, &x, r->line, r->col)) return -1;
    }
    return 0;
}

static int read_review(cr_reader *r, json_t *node)
{
    claimdb_review rv = {0};
    char d1[11], d2[11];
    locate(r);
    json_t *rating = json_object_get(node, "reviewRating");
    json_t *item = json_object_get(node, "itemReviewed");
    if (json_is_array(rating)) rating = json_array_get(rating, 0);
    if (json_is_array(item)) item = json_array_get(item, 0);
    if (rating && !json_is_null(rating) && !json_is_object(rating))
        return fail(r, "reviewRating", "expected an object (a Rating)");
    if (item && !json_is_null(item) && !json_is_object(item))
        return fail(r, "itemReviewed", "expected an object (a Claim)");
    if (get_name(r, node, "url", "url", 0, &rv.url) ||
        (!rv.url && get_name(r, node, "@id", "@id", 0, &rv.url)) ||
        get_name(r, node, "claimReviewed", "claimReviewed", 0, &rv.claim_reviewed) ||
        get_name(r, node, "author", "author", 1, &rv.reviewer) ||
        get_name(r, node, "creator", "creator", 1, &rv.author) ||
        get_date(r, node, "datePublished", "datePublished", d1, &rv.date) ||
        get_name(r, node, "name", "name", 0, &rv.title) ||
        (!rv.title && get_name(r, node, "headline", "headline", 0, &rv.title)) ||
        get_name(r, node, "inLanguage", "inLanguage", 1, &rv.language))
        return -1;
    if (!rv.url) return fail(r, "url", "missing (a review is identified by its URL)");
    if (!rv.claim_reviewed) return fail(r, "claimReviewed", "missing");
    if (json_is_object(rating) &&
        (get_name(r, rating, "alternateName", "reviewRating.alternateName", 0, &rv.rating) ||
         get_number(r, rating, "ratingValue", "reviewRating.ratingValue", &rv.has_rating_value,
                    &rv.rating_value) ||
         get_number(r, rating, "bestRating", "reviewRating.bestRating", &rv.has_best_rating,
                    &rv.best_rating) ||
         get_number(r, rating, "worstRating", "reviewRating.worstRating", &rv.has_worst_rating,
                    &rv.worst_rating)))
        return -1;
    if (json_is_object(item) &&
        (get_name(r, item, "author", "itemReviewed.author", 1, &rv.claimant) ||
         get_date(r, item, "datePublished", "itemReviewed.datePublished", d2, &rv.claim_date) ||
         get_name(r, item, "appearance", "itemReviewed.appearance", 1, &rv.appearance_url) ||
         (!rv.appearance_url && get_name(r, item, "firstAppearance", "itemReviewed.firstAppearance",
                                         1, &rv.appearance_url))))
        return -1;
    json_t *art = json_is_object(item) ? json_object_get(item, "claimdb:appearsInArticle") : NULL;
    if (art && !json_is_null(art)) {
        if (!json_is_integer(art) || json_integer_value(art) < 0)
            return fail(r, "itemReviewed.claimdb:appearsInArticle",
                        "expected an article id: an integer >= 0");
        rv.has_appearance = 1;
        rv.appearance = (int64_t)json_integer_value(art);
    }
    /* With triples, each is one record of the review (the first stores it). */
    json_t *about = json_object_get(node, "claimdb:about");
    if (about && !json_is_null(about) && json_array_size(about) != 0)
        return read_about(r, about, &rv);
    return import_review(r->ic, &rv, r->line, r->col);
}

static int read_nodes(cr_reader *r, json_t *v, int depth)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) if (read_nodes(r, e, depth + 1)) return -1;
        return 0;
    }
    if (!json_is_object(v)) {
        r->skipped++;
        return 0;
    }
    json_t *graph = json_object_get(v, "@graph");
    if (graph && depth < 4) return read_nodes(r, graph, depth + 1);
    if (!is_review(v)) {
        r->skipped++;
        return 0;
    }
    r->index++;
    return read_review(r, v);
}

int claimreview_read(import_ctx *ic)
{
    size_t len;
    char *text = import_slurp(ic, &len);
    if (!text) return -1;
    cr_reader r = {ic, text, len, {0}, 0, 1, 1, 0, 0};
    textpos_init(&r.tp, text, len);
    int rc = 0;
    size_t ok = utf8_valid_prefix(text, len);
    if (ok < len || memchr(text, '\0', len)) {
        size_t bad = ok < len ? ok : (size_t)((const char *)memchr(text, '\0', len) - text);
        long line, col;
        textpos_at(&r.tp, bad, &line, &col);
        rc = import_error(ic, line, col, ok < len ? "invalid UTF-8 (byte 0x%02X)" : "NUL byte",
                          (unsigned char)text[bad]);
    }
    json_t *root = NULL;
    if (rc == 0) {
        json_error_t err;
        root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
        if (!root)
            rc = import_error(ic, err.line > 0 ? err.line : 1, err.column > 0 ? err.column : 1,
                              "%s", err.text);
    }
    if (rc == 0) rc = read_nodes(&r, root, 0);
    if (rc == 0 && r.index == 0)
        rc = import_error(ic, 1, 1, "no ClaimReview in the file (%ld other node%s)", r.skipped,
                          r.skipped == 1 ? "" : "s");
    if (rc == 0 && r.skipped)
        diag("%s: %ld node%s that %s not a ClaimReview skipped\n", import_name(ic), r.skipped,
             r.skipped == 1 ? "" : "s", r.skipped == 1 ? "is" : "are");
    json_decref(root);
    free(text);
    return rc;
}

/* ---- writing --------------------------------------------------------------------------------- */

/* Reviews come one record per (review, triple), a review's records one after another: they
 * are gathered into one node, written when the next review starts. */
typedef struct cr_sink {
    FILE *out;
    json_t *graph;
    json_t *cur; /* the node of the current review, or NULL */
    char *cur_url;
} cr_sink;

static void set_str(json_t *obj, const char *key, const char *v)
{
    if (!v) return;
    json_t *s = json_string(v);
    json_object_set_new(obj, key, s ? s : json_string_nocheck(v));
}

static json_t *named(const char *type, const char *name)
{
    json_t *o = json_object();
    set_str(o, "@type", type);
    set_str(o, "name", name);
    return o;
}

static int sink_review(void *state, const rec_review *rr)
{
    cr_sink *s = state;
    const claimdb_review *r = &rr->r;
    if (!s->cur || strcmp(s->cur_url, r->url)) {
        json_t *n = s->cur = json_object();
        free(s->cur_url);
        s->cur_url = xstrdup(r->url);
        json_array_append_new(s->graph, n);
        set_str(n, "@type", "ClaimReview");
        set_str(n, "url", r->url);
        set_str(n, "claimReviewed", r->claim_reviewed);
        if (r->reviewer) json_object_set_new(n, "author", named("Organization", r->reviewer));
        if (r->author) json_object_set_new(n, "creator", named("Person", r->author));
        set_str(n, "datePublished", r->date);
        set_str(n, "name", r->title);
        set_str(n, "inLanguage", r->language);
        if (r->rating || r->has_rating_value || r->has_best_rating || r->has_worst_rating) {
            json_t *rt = json_object();
            set_str(rt, "@type", "Rating");
            set_str(rt, "alternateName", r->rating);
            if (r->has_rating_value)
                json_object_set_new(rt, "ratingValue", json_real(r->rating_value));
            if (r->has_best_rating)
                json_object_set_new(rt, "bestRating", json_real(r->best_rating));
            if (r->has_worst_rating)
                json_object_set_new(rt, "worstRating", json_real(r->worst_rating));
            json_object_set_new(n, "reviewRating", rt);
        }
        json_t *item = json_object();
        set_str(item, "@type", "Claim");
        if (r->claimant) json_object_set_new(item, "author", named("Thing", r->claimant));
        set_str(item, "datePublished", r->claim_date);
        if (r->appearance_url) {
            json_t *ap = json_object();
            set_str(ap, "@type", "CreativeWork");
            set_str(ap, "url", r->appearance_url);
            json_object_set_new(item, "appearance", ap);
        }
        if (r->has_appearance)
            json_object_set_new(item, "claimdb:appearsInArticle",
                                json_integer((json_int_t)r->appearance));
        json_object_set_new(n, "itemReviewed", item);
        set_str(n, "claimdb:verdict", rr->verdict);
    }
    if (r->subject) {
        json_t *about = json_object_get(s->cur, "claimdb:about");
        if (!about) {
            about = json_array();
            json_object_set_new(s->cur, "claimdb:about", about);
        }
        json_t *t = json_object();
        set_str(t, "claimdb:subject", r->subject);
        set_str(t, "claimdb:predicate", r->predicate);
        set_str(t, "claimdb:object", r->object);
        set_str(t, "claimdb:polarity", r->negated ? "-" : "+");
        json_array_append_new(about, t);
    }
    return 0;
}

static int sink_finish(void *state)
{
    cr_sink *s = state;
    json_t *doc = json_object();
    json_t *ctx = json_object();
    set_str(ctx, "@vocab", "https://schema.org/");
    set_str(ctx, "claimdb", VOCAB);
    json_object_set_new(doc, "@context", ctx);
    json_object_set_new(doc, "@graph", s->graph);
    int rc = json_dumpf(doc, s->out, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0 ? -1 : 0;
    json_decref(doc);
    if (rc == 0) putc('\n', s->out);
    if (fflush(s->out) != 0 || ferror(s->out)) rc = -1;
    free(s->cur_url);
    free(s);
    return rc;
}

void claimreview_sink_open(export_sink *sink, FILE *out)
{
    cr_sink *s = xcalloc(1, sizeof *s);
    s->out = out;
    s->graph = json_array();
    sink->state = s;
    sink->review = sink_review;
    sink->finish = sink_finish;
}
