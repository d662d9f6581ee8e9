/* jsonl.c — JSON Lines (jansson): one object per line.
 *   {"subject": …, "predicate": …, "object": …, "article": 4, "quote": …, "claimant": …,
 *    "polarity": "+"|"-", "confidence": 0.9}                        a citation ("type" absent
 *                                                                    or "claim")
 *   {"type": "article", "id": 4, "title": …, "outlet": …, "date": …, "url": …, "author": …,
 *    "duplicate_of": 0, "text": …}
 *   {"type": "alias", "alias": …, "canonical": …}
 *   {"type": "review", "claim_reviewed": …, "url": …, "reviewer": …, "author": …,
 *    "rating": …, "rating_value": 1, "best_rating": 6, "worst_rating": 1, "date": …,
 *    "claimant": …, "claim_date": …, "appearance": 4 or "https://…", "appearance_url": …
 *    (the URL when appearance is an article id), "title": …,
 *    "language": …, "subject": …, "predicate": …, "object": …, "polarity": "+"|"-",
 *    "verdict": …}                                                   a fact-check review
 *    (claim_reviewed and url required; subject, predicate and object all or none; verdict,
 *    written by export, is checked to be one of the six and otherwise not read: the
 *    library normalises the rating)
 * A citation written by `claimdb extract` also has "method": "extracted" (stored as such;
 * "imported" is the default) and the words as written with their offsets: "subject_text",
 * "subject_start", "subject_end", and the same for predicate, object, claimant and quote
 * (checked: strings and integers >= 0; not stored).
 * Absent, null and "" optional fields mean none; unknown fields are errors. */
#include "import.h"

#include "util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading --------------------------------------------------------------------------------- */

typedef struct jline {
    import_ctx *ic;
    const char *text;
    size_t len;
    long lineno;
} jline;

/* The column of "key" in the line (where its name is written), or 1. */
static long key_col(const jline *l, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i + kl + 2 <= l->len; i++) {
        if (l->text[i] != '"' || memcmp(l->text + i + 1, key, kl) || l->text[i + kl + 1] != '"')
            continue;
        size_t j = i + kl + 2;
        while (j < l->len && (l->text[j] == ' ' || l->text[j] == '\t'))
            j++;
        if (j < l->len && l->text[j] == ':') return (long)utf8_count(l->text, i) + 1;
    }
    return 1;
}

static int bad(const jline *l, const char *key, const char *what)
{
    return import_error(l->ic, l->lineno, key_col(l, key), "field '%s': %s", key, what);
}

/* A string field: *out NULL when absent, null or "" (an error when required). */
static int get_string(const jline *l, json_t *obj, const char *key, int required, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v && !json_is_null(v)) {
        if (!json_is_string(v)) return bad(l, key, "expected a string");
        if (strlen(json_string_value(v)) != json_string_length(v))
            return bad(l, key, "holds a NUL character");
        if (json_string_length(v)) *out = json_string_value(v);
    }
    if (!*out && required)
        return import_error(l->ic, l->lineno, v ? key_col(l, key) : 1, "%s '%s'",
                            v ? "empty field" : "missing field", key);
    return 0;
}

static int get_id(const jline *l, json_t *obj, const char *key, int required, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    *out = -1;
    if (!v || json_is_null(v)) {
        if (required) return import_error(l->ic, l->lineno, 1, "missing field '%s'", key);
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return bad(l, key, "bad article id: expected an integer >= 0");
    *out = (int64_t)json_integer_value(v);
    return 0;
}

/* An optional offset: an integer >= 0. */
static int get_offset(const jline *l, json_t *obj, const char *key, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    *out = -1;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return bad(l, key, "expected an offset: an integer >= 0");
    *out = (int64_t)json_integer_value(v);
    return 0;
}

static int check_keys(const jline *l, json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        int ok = 0;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = !strcmp(key, allowed[i]);
        if (!ok) return import_error(l->ic, l->lineno, key_col(l, key), "unknown field '%s'", key);
    }
    return 0;
}

static int read_claim(const jline *l, json_t *obj)
{
    static const char *const keys[] = {"type",           "subject",
                                       "predicate",      "object",
                                       "article",        "quote",
                                       "claimant",       "polarity",
                                       "confidence",     "said_on",
                                       "method",         "subject_text",
                                       "subject_start",  "subject_end",
                                       "predicate_text", "predicate_start",
                                       "predicate_end",  "object_text",
                                       "object_start",   "object_end",
                                       "claimant_text",  "claimant_start",
                                       "claimant_end",   "quote_start",
                                       "quote_end",      NULL};
    rec_claim c = {0};
    const char *pol, *method, *ignored;
    int64_t off;
    for (size_t i = 11; keys[i]; i++) { /* the words as written and their offsets */
        size_t kl = strlen(keys[i]);
        int is_text = kl > 5 && !strcmp(keys[i] + kl - 5, "_text");
        if (is_text ? get_string(l, obj, keys[i], 0, &ignored) : get_offset(l, obj, keys[i], &off))
            return -1;
    }
    if (get_string(l, obj, "method", 0, &method)) return -1;
    if (method && strcmp(method, "extracted") && strcmp(method, "imported"))
        return bad(l, "method", "expected \"extracted\" or \"imported\"");
    c.extracted = method && !strcmp(method, "extracted");
    if (check_keys(l, obj, keys) || get_string(l, obj, "subject", 1, &c.subject) ||
        get_string(l, obj, "predicate", 1, &c.predicate) ||
        get_string(l, obj, "object", 1, &c.object) || get_id(l, obj, "article", 1, &c.article) ||
        get_string(l, obj, "quote", 0, &c.quote) ||
        get_string(l, obj, "claimant", 0, &c.claimant) || get_string(l, obj, "polarity", 0, &pol))
        return -1;
    if (pol && strcmp(pol, "+") && strcmp(pol, "-"))
        return bad(l, "polarity", "expected \"+\" or \"-\"");
    c.negated = pol && !strcmp(pol, "-");
    json_t *conf = json_object_get(obj, "confidence");
    if (conf && !json_is_null(conf)) {
        if (!json_is_number(conf) || json_number_value(conf) < 0 || json_number_value(conf) > 1)
            return bad(l, "confidence", "expected a number from 0 to 1");
        c.has_confidence = 1;
        c.confidence = json_number_value(conf);
    }
    if (get_string(l, obj, "said_on", 0, &c.said_on)) return -1;
    if (c.said_on && !valid_date(c.said_on)) return bad(l, "said_on", "expected a date YYYY-MM-DD");
    return import_claim(l->ic, &c, l->lineno, 1);
}

static int read_article(const jline *l, json_t *obj)
{
    static const char *const keys[] = {"type", "id",     "title",        "outlet", "date",
                                       "url",  "author", "duplicate_of", "text",   NULL};
    rec_article a = {0};
    if (check_keys(l, obj, keys) || get_id(l, obj, "id", 1, &a.id) ||
        get_string(l, obj, "title", 0, &a.title) || get_string(l, obj, "outlet", 0, &a.outlet) ||
        get_string(l, obj, "date", 0, &a.date) || get_string(l, obj, "url", 0, &a.url) ||
        get_string(l, obj, "author", 0, &a.author) ||
        get_id(l, obj, "duplicate_of", 0, &a.duplicate_of) ||
        get_string(l, obj, "text", 0, &a.text))
        return -1;
    if (a.date && !valid_date(a.date)) return bad(l, "date", "expected a date YYYY-MM-DD");
    return import_article(l->ic, &a, l->lineno, 1);
}

static int read_alias(const jline *l, json_t *obj)
{
    static const char *const keys[] = {"type", "alias", "canonical", NULL};
    rec_alias a;
    if (check_keys(l, obj, keys) || get_string(l, obj, "alias", 1, &a.alias) ||
        get_string(l, obj, "canonical", 1, &a.canonical))
        return -1;
    return import_alias(l->ic, &a, l->lineno, 1);
}

static int get_number(const jline *l, json_t *obj, const char *key, int *has, double *out)
{
    json_t *v = json_object_get(obj, key);
    *has = 0;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_number(v)) return bad(l, key, "expected a number");
    *has = 1;
    *out = json_number_value(v);
    return 0;
}

static int read_review(const jline *l, json_t *obj)
{
    static const char *const keys[] = {"type",
                                       "claim_reviewed",
                                       "url",
                                       "reviewer",
                                       "author",
                                       "rating",
                                       "rating_value",
                                       "best_rating",
                                       "worst_rating",
                                       "date",
                                       "claimant",
                                       "claim_date",
                                       "appearance",
                                       "title",
                                       "language",
                                       "subject",
                                       "predicate",
                                       "object",
                                       "polarity",
                                       "verdict",
                                       "appearance_url",
                                       NULL};
    claimdb_review r = {0};
    const char *pol, *verdict;
    if (check_keys(l, obj, keys) || get_string(l, obj, "claim_reviewed", 1, &r.claim_reviewed) ||
        get_string(l, obj, "url", 1, &r.url) || get_string(l, obj, "reviewer", 0, &r.reviewer) ||
        get_string(l, obj, "author", 0, &r.author) || get_string(l, obj, "rating", 0, &r.rating) ||
        get_number(l, obj, "rating_value", &r.has_rating_value, &r.rating_value) ||
        get_number(l, obj, "best_rating", &r.has_best_rating, &r.best_rating) ||
        get_number(l, obj, "worst_rating", &r.has_worst_rating, &r.worst_rating) ||
        get_string(l, obj, "date", 0, &r.date) || get_string(l, obj, "claimant", 0, &r.claimant) ||
        get_string(l, obj, "claim_date", 0, &r.claim_date) ||
        get_string(l, obj, "title", 0, &r.title) ||
        get_string(l, obj, "language", 0, &r.language) ||
        get_string(l, obj, "subject", 0, &r.subject) ||
        get_string(l, obj, "predicate", 0, &r.predicate) ||
        get_string(l, obj, "object", 0, &r.object) || get_string(l, obj, "polarity", 0, &pol) ||
        get_string(l, obj, "verdict", 0, &verdict))
        return -1;
    if (r.date && !valid_date(r.date)) return bad(l, "date", "expected a date YYYY-MM-DD");
    if (r.claim_date && !valid_date(r.claim_date))
        return bad(l, "claim_date", "expected a date YYYY-MM-DD");
    int parts = !!r.subject + !!r.predicate + !!r.object;
    if (parts != 0 && parts != 3) {
        const char *missing = !r.subject ? "subject" : !r.predicate ? "predicate" : "object";
        return import_error(l->ic, l->lineno, 1,
                            "missing field '%s': a review's triple needs subject, predicate and "
                            "object",
                            missing);
    }
    if (pol && strcmp(pol, "+") && strcmp(pol, "-"))
        return bad(l, "polarity", "expected \"+\" or \"-\"");
    if (pol && !parts) return bad(l, "polarity", "a polarity without a triple");
    r.negated = pol && !strcmp(pol, "-");
    static const char *const verdicts[] = {"true",         "mostly-true", "mixture",
                                           "mostly-false", "false",       "other"};
    int vok = !verdict;
    for (size_t i = 0; i < 6 && !vok; i++)
        vok = !strcmp(verdict, verdicts[i]);
    if (!vok)
        return bad(l, "verdict",
                   "expected true, mostly-true, mixture, mostly-false, false or other");
    json_t *ap = json_object_get(obj, "appearance");
    if (ap && !json_is_null(ap)) {
        if (json_is_integer(ap) && json_integer_value(ap) >= 0) {
            r.has_appearance = 1;
            r.appearance = (int64_t)json_integer_value(ap);
        } else if (!json_is_string(ap) || get_string(l, obj, "appearance", 0, &r.appearance_url)) {
            return bad(l, "appearance", "expected an article id (an integer >= 0) or a URL");
        }
    }
    const char *apu;
    if (get_string(l, obj, "appearance_url", 0, &apu)) return -1;
    if (apu && r.appearance_url)
        return bad(l, "appearance_url", "a second URL: \"appearance\" holds one already");
    if (apu) r.appearance_url = apu;
    return import_review(l->ic, &r, l->lineno, 1);
}

int jsonl_read(import_ctx *ic)
{
    char *line = NULL;
    size_t cap = 0;
    long len;
    int rc = 0;
    while (rc == 0 && (len = import_getline(ic, &line, &cap)) >= 0) {
        size_t n = (size_t)len;
        if (n && line[n - 1] == '\n') n--;
        if (n && line[n - 1] == '\r') n--;
        if ((rc = import_check_text(ic, line, n)) != 0) break;
        size_t k = 0;
        while (k < n && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == n) continue; /* blank line */
        jline l = {ic, line, n, import_lineno(ic)};
        import_row_seen(ic, 0, line + k, n - k, l.lineno);
        json_error_t err;
        json_t *obj = json_loadb(line, n, JSON_REJECT_DUPLICATES, &err);
        if (!obj) {
            rc = import_error(ic, l.lineno, err.column > 0 ? err.column : 1, "%s", err.text);
            break;
        }
        if (!json_is_object(obj)) {
            rc = import_error(ic, l.lineno, (long)k + 1, "expected a JSON object");
        } else {
            const char *type = NULL;
            json_t *t = json_object_get(obj, "type");
            if (t && !json_is_string(t))
                rc = bad(&l, "type", "expected \"claim\", \"article\", \"alias\" or \"review\"");
            else
                type = t ? json_string_value(t) : "claim";
            if (rc == 0) {
                if (!strcmp(type, "claim"))
                    rc = read_claim(&l, obj);
                else if (!strcmp(type, "article"))
                    rc = read_article(&l, obj);
                else if (!strcmp(type, "alias"))
                    rc = read_alias(&l, obj);
                else if (!strcmp(type, "review"))
                    rc = read_review(&l, obj);
                else
                    rc =
                        bad(&l, "type", "expected \"claim\", \"article\", \"alias\" or \"review\"");
            }
        }
        json_decref(obj);
    }
    free(line);
    return rc;
}

/* ---- writing --------------------------------------------------------------------------------- */

typedef struct jsonl_sink {
    FILE *out;
} jsonl_sink;

static void set_str(json_t *obj, const char *key, const char *v)
{
    if (!v) return;
    json_t *s = json_string(v);
    json_object_set_new(obj, key, s ? s : json_string_nocheck(v));
}

static int emit(jsonl_sink *s, json_t *obj, int digits)
{
    char *text = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(digits));
    json_decref(obj);
    if (!text) return -1;
    fputs(text, s->out);
    putc('\n', s->out);
    free(text);
    return ferror(s->out) ? -1 : 0;
}

static int sink_alias(void *state, const rec_alias *a)
{
    json_t *obj = json_object();
    set_str(obj, "type", "alias");
    set_str(obj, "alias", a->alias);
    set_str(obj, "canonical", a->canonical);
    return emit(state, obj, 17);
}

static int sink_article(void *state, const rec_article *a)
{
    json_t *obj = json_object();
    set_str(obj, "type", "article");
    json_object_set_new(obj, "id", json_integer((json_int_t)a->id));
    set_str(obj, "title", a->title);
    set_str(obj, "outlet", a->outlet);
    set_str(obj, "date", a->date);
    set_str(obj, "url", a->url);
    set_str(obj, "author", a->author);
    if (a->duplicate_of >= 0)
        json_object_set_new(obj, "duplicate_of", json_integer((json_int_t)a->duplicate_of));
    set_str(obj, "text", a->text);
    return emit(state, obj, 17);
}

static int sink_claim(void *state, const rec_claim *c)
{
    json_t *obj = json_object();
    set_str(obj, "subject", c->subject);
    set_str(obj, "predicate", c->predicate);
    set_str(obj, "object", c->object);
    json_object_set_new(obj, "article", json_integer((json_int_t)c->article));
    set_str(obj, "quote", c->quote);
    set_str(obj, "claimant", c->claimant);
    set_str(obj, "polarity", c->negated ? "-" : "+");
    int digits = 17;
    if (c->has_confidence) {
        json_object_set_new(obj, "confidence", json_real(c->confidence));
        digits = real_digits(c->confidence);
    }
    set_str(obj, "said_on", c->said_on);
    return emit(state, obj, digits);
}

static int sink_review(void *state, const rec_review *rr)
{
    const claimdb_review *r = &rr->r;
    json_t *obj = json_object();
    set_str(obj, "type", "review");
    set_str(obj, "url", r->url);
    set_str(obj, "claim_reviewed", r->claim_reviewed);
    set_str(obj, "reviewer", r->reviewer);
    set_str(obj, "author", r->author);
    set_str(obj, "date", r->date);
    set_str(obj, "rating", r->rating);
    int digits = 15;
    const int has[3] = {r->has_rating_value, r->has_best_rating, r->has_worst_rating};
    const double num[3] = {r->rating_value, r->best_rating, r->worst_rating};
    static const char *const names[3] = {"rating_value", "best_rating", "worst_rating"};
    for (int i = 0; i < 3; i++) {
        if (!has[i]) continue;
        json_object_set_new(obj, names[i], json_real(num[i]));
        if (real_digits(num[i]) > digits) digits = real_digits(num[i]);
    }
    set_str(obj, "verdict", rr->verdict);
    set_str(obj, "claimant", r->claimant);
    set_str(obj, "claim_date", r->claim_date);
    if (r->has_appearance) {
        json_object_set_new(obj, "appearance", json_integer((json_int_t)r->appearance));
        set_str(obj, "appearance_url", r->appearance_url);
    } else {
        set_str(obj, "appearance", r->appearance_url);
    }
    set_str(obj, "title", r->title);
    set_str(obj, "language", r->language);
    if (r->subject) {
        set_str(obj, "subject", r->subject);
        set_str(obj, "predicate", r->predicate);
        set_str(obj, "object", r->object);
        set_str(obj, "polarity", r->negated ? "-" : "+");
    }
    return emit(state, obj, digits);
}

static int sink_finish(void *state)
{
    jsonl_sink *s = state;
    int rc = fflush(s->out) != 0 || ferror(s->out) ? -1 : 0;
    free(s);
    return rc;
}

void jsonl_sink_open(export_sink *sink, FILE *out)
{
    jsonl_sink *s = xcalloc(1, sizeof *s);
    s->out = out;
    sink->state = s;
    sink->alias = sink_alias;
    sink->article = sink_article;
    sink->claim = sink_claim;
    sink->review = sink_review;
    sink->finish = sink_finish;
}
