/* nquads.c — N-Quads and N-Triples through serd. The mapping (docs/formats.md):
 *   term       <BASE term/PCT>     PCT: the display form, UTF-8, every byte outside
 *   predicate  <BASE pred/PCT>          A-Z a-z 0-9 - . _ ~ written %XX
 *   article    <BASE article/N>    also the named graph of the citations it makes
 *   a positive citation            <s> <p> <o> <BASE article/N> .
 *   a citation with polarity, quote, claimant or confidence: a reified node in the same graph
 *     _:cK rdf:type rdf:Statement; rdf:subject <s>; rdf:predicate <p>; rdf:object <o>;
 *          <BASE vocab/negated> true; <BASE vocab/quote> "…"; <BASE vocab/claimant> <term>;
 *          <BASE vocab/confidence> "0.9"^^xsd:double          (each in graph <BASE article/N>)
 *   article metadata (default graph) <BASE article/N> rdf:type <BASE vocab/Article>, and
 *     <BASE vocab/title|outlet|url|author|text> "…", <BASE vocab/date> "…"^^xsd:date,
 *     <BASE vocab/duplicateOf> <BASE article/M>
 *   alias (default graph)          <BASE term/A> <BASE vocab/aliasOf> <BASE term/B> .
 *   review (graph <BASE reviews>)  <BASE review/PCT(url)> a schema:ClaimReview, with
 *     schema:url, claimReviewed, author (an Organization: the reviewer), creator (a Person),
 *     datePublished, headline, inLanguage, reviewRating (a Rating: alternateName, ratingValue,
 *     bestRating, worstRating), itemReviewed (a Claim: author, datePublished, appearance),
 *     <BASE vocab/verdict> "false", and per triple <BASE vocab/about> a reified rdf:Statement
 *     (as a citation's node). The reader does not read reviews back (JSON Lines and JSON-LD
 *     do): it skips the graph <BASE reviews> and says how many quads it skipped.
 * Reading goes line by line (N-Quads is line-based), so errors have their line; the records
 * are gathered and stored at the end, since a citation's quads may come in any order. */
#include "import.h"

#include "output.h"
#include "util.h"

#include <serd/serd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XSD "http://www.w3.org/2001/XMLSchema#"

/* ---- IRIs -------------------------------------------------------------------------------- */

static void pct_encode(buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            buf_putc(b, (char)c);
        } else {
            buf_putc(b, '%');
            buf_putc(b, hex[c >> 4]);
            buf_putc(b, hex[c & 15]);
        }
    }
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

/* Decode %XX escapes of s[0..n) into b; -1 on a bad escape, a NUL or invalid UTF-8. */
static int pct_decode(buf *b, const char *s, size_t n)
{
    buf_clear(b);
    buf_reserve(b, n);
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            buf_putc(b, s[i]);
            continue;
        }
        int hi, lo;
        if (i + 2 >= n) return -1;
        if ((hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0) return -1;
        char c = (char)(hi * 16 + lo);
        if (!c) return -1;
        buf_putc(b, c);
        i += 2;
    }
    b->p[b->len] = '\0';
    return utf8_valid_prefix(b->p, b->len) == b->len ? 0 : -1;
}

/* ---- reading ----------------------------------------------------------------------------- */

enum { P_DIRECT, P_NODE };

typedef struct pending {
    int kind;
    int merged;
    char *s, *p, *o, *quote, *claimant, *said_on;
    int negated, has_conf;
    double conf;
    int64_t article;
    long line;
} pending;

typedef struct pend_article {
    rec_article a; /* strings owned */
    long line;
} pend_article;

typedef struct nq_reader {
    import_ctx *ic;
    const char *base;
    size_t baselen;
    const char *line; /* the line being read, for error columns */
    long lineno;
    int failed;
    buf serd_msg;
    long serd_col;
    buf tmp;
    pending *cits;
    size_t ncits, capcits;
    strmap direct, nodes; /* keys -> index into cits */
    pend_article *arts;
    size_t narts, caparts;
    strmap artmap;
    long review_quads; /* quads of the graph <BASE reviews>, not read */
} nq_reader;

static SerdStatus on_serd_error(void *handle, const SerdError *e)
{
    nq_reader *r = handle;
    if (r->serd_msg.len) return SERD_SUCCESS; /* keep the first */
    va_list ap;
    va_copy(ap, *e->args);
    buf_vprintf(&r->serd_msg, e->fmt, ap);
    va_end(ap);
    while (r->serd_msg.len && (r->serd_msg.p[r->serd_msg.len - 1] == '\n'))
        r->serd_msg.p[--r->serd_msg.len] = '\0';
    r->serd_col = (long)e->col;
    return SERD_SUCCESS;
}

/* The column where text appears in the current line (as written, between delimiters), or 1. */
static long col_of(const nq_reader *r, const SerdNode *n)
{
    if (!n || !n->buf) return 1;
    const char *hit = strstr(r->line, (const char *)n->buf);
    long col = hit ? (long)utf8_count(r->line, (size_t)(hit - r->line)) : 1;
    return col > 0 ? col : 1; /* the '<' or '"' before the text */
}

static SerdStatus fail(nq_reader *r, const SerdNode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static SerdStatus fail(nq_reader *r, const SerdNode *at, const char *fmt, ...)
{
    if (r->failed) return SERD_FAILURE;
    buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    import_error(r->ic, r->lineno, col_of(r, at), "%s", b.p);
    buf_free(&b);
    r->failed = 1;
    return SERD_FAILURE;
}

static int is_iri(const SerdNode *n, const char *iri)
{
    return n && n->type == SERD_URI && !strcmp((const char *)n->buf, iri);
}

/* If n is <BASE kind/REST>, set *rest and return 1. */
static int under(const nq_reader *r, const SerdNode *n, const char *kind, const char **rest)
{
    if (!n || n->type != SERD_URI) return 0;
    const char *s = (const char *)n->buf;
    size_t kl = strlen(kind);
    if (strncmp(s, r->base, r->baselen) || strncmp(s + r->baselen, kind, kl)) return 0;
    *rest = s + r->baselen + kl;
    return 1;
}

static int vocab(const nq_reader *r, const SerdNode *n, const char *name)
{
    const char *rest;
    return under(r, n, "vocab/", &rest) && !strcmp(rest, name);
}

/* A term (term/ or pred/) as an owned display form, or NULL after reporting. */
static char *term_of(nq_reader *r, const SerdNode *n, const char *kind)
{
    const char *rest;
    if (!under(r, n, kind, &rest)) {
        fail(r, n, "expected an IRI <%s%s…>", r->base, kind);
        return NULL;
    }
    if (pct_decode(&r->tmp, rest, strlen(rest)) != 0 || r->tmp.len == 0) {
        fail(r, n, "bad term IRI: not a percent-encoded UTF-8 name");
        return NULL;
    }
    return xstrdup(r->tmp.p);
}

static int article_of(nq_reader *r, const SerdNode *n, int64_t *id)
{
    const char *rest;
    if (!under(r, n, "article/", &rest) || parse_uint64(rest, id) != 0) {
        fail(r, n, "bad article id: expected <%sarticle/N>", r->base);
        return -1;
    }
    return 0;
}

static pending *new_pending(nq_reader *r, int kind, int64_t article)
{
    if (r->ncits == r->capcits)
        r->cits =
            xrealloc(r->cits, (r->capcits = r->capcits ? r->capcits * 2 : 64) * sizeof *r->cits);
    pending *p = &r->cits[r->ncits++];
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->article = article;
    p->line = r->lineno;
    return p;
}

static void claim_key(buf *k, const char *s, const char *p, const char *o, int64_t article)
{
    buf_clear(k);
    buf_append(k, s, strlen(s) + 1);
    buf_append(k, p, strlen(p) + 1);
    buf_append(k, o, strlen(o) + 1);
    buf_printf(k, "%lld", (long long)article);
}

static int set_once(nq_reader *r, const SerdNode *at, char **slot, char *value, const char *what)
{
    if (*slot) {
        free(value);
        fail(r, at, "%s given twice", what);
        return -1;
    }
    *slot = value;
    return 0;
}

/* The citation of blank node s in the article's graph, made when it is first seen. */
static pending *citation_node(nq_reader *r, int64_t article, const SerdNode *s)
{
    buf key = {0};
    buf_printf(&key, "%lld", (long long)article);
    buf_append(&key, "", 1);
    buf_append(&key, (const char *)s->buf, s->n_bytes);
    int created;
    size_t *slot = strmap_put(&r->nodes, key.p, key.len, &created);
    buf_free(&key);
    if (created) {
        *slot = r->ncits;
        new_pending(r, P_NODE, article);
    }
    return &r->cits[*slot];
}

/* One property p of a citation node: its claim (rdf:subject, rdf:predicate, rdf:object),
 * claimant, quote, negated, saidOn or confidence. */
static SerdStatus node_property(nq_reader *r, pending *c, const SerdNode *p, const SerdNode *o)
{
    char *v;
    const char *b = (const char *)o->buf;
    if (is_iri(p, RDF "type")) {
        if (!is_iri(o, RDF "Statement"))
            return fail(r, o, "a citation node's rdf:type must be rdf:Statement");
    } else if (is_iri(p, RDF "subject")) {
        if (!(v = term_of(r, o, "term/")) || set_once(r, o, &c->s, v, "rdf:subject"))
            return SERD_FAILURE;
    } else if (is_iri(p, RDF "predicate")) {
        if (!(v = term_of(r, o, "pred/")) || set_once(r, o, &c->p, v, "rdf:predicate"))
            return SERD_FAILURE;
    } else if (is_iri(p, RDF "object")) {
        if (!(v = term_of(r, o, "term/")) || set_once(r, o, &c->o, v, "rdf:object"))
            return SERD_FAILURE;
    } else if (vocab(r, p, "claimant")) {
        if (!(v = term_of(r, o, "term/")) || set_once(r, o, &c->claimant, v, "claimant"))
            return SERD_FAILURE;
    } else if (vocab(r, p, "quote")) {
        if (o->type != SERD_LITERAL) return fail(r, o, "a quote must be a literal");
        if (set_once(r, o, &c->quote, xstrndup(b, o->n_bytes), "quote")) return SERD_FAILURE;
    } else if (vocab(r, p, "negated")) {
        if (o->type != SERD_LITERAL ||
            (strcmp(b, "true") && strcmp(b, "false") && strcmp(b, "1") && strcmp(b, "0")))
            return fail(r, o, "negated must be true or false");
        c->negated = !strcmp(b, "true") || !strcmp(b, "1");
    } else if (vocab(r, p, "saidOn")) {
        if (o->type != SERD_LITERAL || !valid_date(b))
            return fail(r, o, "bad saidOn: expected a date YYYY-MM-DD");
        if (set_once(r, o, &c->said_on, xstrndup(b, o->n_bytes), "saidOn")) return SERD_FAILURE;
    } else if (vocab(r, p, "confidence")) {
        double d;
        if (o->type != SERD_LITERAL || parse_real(b, &d) != 0 || d < 0 || d > 1)
            return fail(r, o, "bad confidence: expected a number from 0 to 1");
        c->has_conf = 1;
        c->conf = d;
    } else {
        return fail(r, p, "unknown property of a citation node");
    }
    return SERD_SUCCESS;
}

/* A plain quad s p o in an article's graph: a citation without details, once however often
 * it is written. */
static SerdStatus direct_quad(nq_reader *r, int64_t article, const SerdNode *s, const SerdNode *p,
                              const SerdNode *o)
{
    pending c0 = {0};
    if (!(c0.s = term_of(r, s, "term/")) || !(c0.p = term_of(r, p, "pred/")) ||
        !(c0.o = term_of(r, o, "term/"))) {
        free(c0.s);
        free(c0.p);
        return SERD_FAILURE;
    }
    buf key = {0};
    claim_key(&key, c0.s, c0.p, c0.o, article);
    int created;
    size_t *slot = strmap_put(&r->direct, key.p, key.len, &created);
    buf_free(&key);
    if (!created) { /* the same quad twice: once is enough */
        free(c0.s);
        free(c0.p);
        free(c0.o);
        return SERD_SUCCESS;
    }
    *slot = r->ncits;
    pending *c = new_pending(r, P_DIRECT, article);
    c->s = c0.s;
    c->p = c0.p;
    c->o = c0.o;
    return SERD_SUCCESS;
}

static SerdStatus citation_quad(nq_reader *r, const SerdNode *g, const SerdNode *s,
                                const SerdNode *p, const SerdNode *o)
{
    int64_t article;
    if (article_of(r, g, &article) != 0) return SERD_FAILURE;
    if (s->type == SERD_BLANK) return node_property(r, citation_node(r, article, s), p, o);
    return direct_quad(r, article, s, p, o);
}

static pend_article *article_rec(nq_reader *r, int64_t id)
{
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)id);
    int created;
    size_t *slot = strmap_put(&r->artmap, key, strlen(key), &created);
    if (created) {
        if (r->narts == r->caparts)
            r->arts = xrealloc(r->arts,
                               (r->caparts = r->caparts ? r->caparts * 2 : 16) * sizeof *r->arts);
        *slot = r->narts;
        pend_article *a = &r->arts[r->narts++];
        memset(a, 0, sizeof *a);
        a->a.id = id;
        a->a.duplicate_of = -1;
        a->line = r->lineno;
    }
    return &r->arts[*slot];
}

static SerdStatus default_quad(nq_reader *r, const SerdNode *s, const SerdNode *p,
                               const SerdNode *o)
{
    if (vocab(r, p, "aliasOf")) {
        char *a = term_of(r, s, "term/");
        char *b = a ? term_of(r, o, "term/") : NULL;
        int rc = -1;
        if (a && b) {
            rec_alias al = {a, b};
            rc = import_alias(r->ic, &al, r->lineno, 1);
        }
        free(a);
        free(b);
        if (rc) r->failed = 1;
        return rc ? SERD_FAILURE : SERD_SUCCESS;
    }
    int64_t id;
    const char *rest;
    if (!under(r, s, "article/", &rest))
        return fail(r, s,
                    "a quad outside an article's graph must be an alias (%svocab/aliasOf) "
                    "or describe an article (%sarticle/N)",
                    r->base, r->base);
    if (article_of(r, s, &id) != 0) return SERD_FAILURE;
    pend_article *pa = article_rec(r, id);
    rec_article *a = &pa->a;
    if (is_iri(p, RDF "type")) {
        if (!vocab(r, o, "Article"))
            return fail(r, o, "an article's rdf:type must be <%svocab/Article>", r->base);
        return SERD_SUCCESS;
    }
    if (vocab(r, p, "duplicateOf")) {
        if (article_of(r, o, &a->duplicate_of) != 0) return SERD_FAILURE;
        return SERD_SUCCESS;
    }
    static const char *const fields[] = {"title", "outlet", "date", "url", "author", "text"};
    const char **slots[] = {&a->title, &a->outlet, &a->date, &a->url, &a->author, &a->text};
    for (size_t i = 0; i < 6; i++) {
        if (!vocab(r, p, fields[i])) continue;
        if (o->type != SERD_LITERAL)
            return fail(r, o, "an article's %s must be a literal", fields[i]);
        if (i == 2 && !valid_date((const char *)o->buf))
            return fail(r, o, "bad date: expected YYYY-MM-DD");
        if (*slots[i]) return fail(r, p, "%s given twice", fields[i]);
        *slots[i] = xstrndup((const char *)o->buf, o->n_bytes);
        return SERD_SUCCESS;
    }
    return fail(r, p, "unknown article property");
}

static SerdStatus on_statement(void *handle, SerdStatementFlags flags, const SerdNode *graph,
                               const SerdNode *subject, const SerdNode *predicate,
                               const SerdNode *object, const SerdNode *datatype,
                               const SerdNode *lang)
{
    nq_reader *r = handle;
    (void)flags;
    (void)datatype; /* a literal's datatype: the value is read from its text */
    (void)lang;
    if (r->failed) return SERD_FAILURE;
    const char *rest;
    if (graph && graph->type == SERD_URI && under(r, graph, "reviews", &rest) && !*rest) {
        r->review_quads++;
        return SERD_SUCCESS;
    }
    /* Serd decodes "\u0000" to a NUL byte; every later step reads C strings and would cut the
     * literal there ("a\u0000b" was stored as "a"). TSV and JSON Lines refuse NUL too. */
    const SerdNode *nodes[] = {subject, predicate, object};
    for (size_t i = 0; i < 3; i++)
        if (nodes[i] && nodes[i]->buf && memchr(nodes[i]->buf, 0, nodes[i]->n_bytes))
            return fail(r, nodes[i], "a NUL character (\\u0000): claimdb stores no NUL");
    if (graph && graph->type != SERD_NOTHING)
        return citation_quad(r, graph, subject, predicate, object);
    return default_quad(r, subject, predicate, object);
}

static void free_pending(pending *c)
{
    free(c->s);
    free(c->p);
    free(c->o);
    free(c->quote);
    free(c->claimant);
    free(c->said_on);
}

/* A positive claim's plain quad says that the article cites it; its citation nodes say how.
 * Where a (claim, article) has nodes, each node is a citation and the plain quad adds none;
 * without nodes the plain quad is one citation with no details. Then store articles and
 * citations. */
static int flush(nq_reader *r)
{
    buf key = {0};
    for (size_t i = 0; i < r->ncits && !r->failed; i++) {
        pending *c = &r->cits[i];
        if (c->kind != P_NODE) continue;
        if (!c->s || !c->p || !c->o) {
            import_error(r->ic, c->line, 1, "citation node lacks rdf:%s",
                         !c->s   ? "subject"
                         : !c->p ? "predicate"
                                 : "object");
            r->failed = 1;
            break;
        }
        if (c->negated) continue;
        claim_key(&key, c->s, c->p, c->o, c->article);
        size_t *slot = strmap_get(&r->direct, key.p, key.len);
        if (!slot) continue;
        r->cits[*slot].merged = 1;
    }
    buf_free(&key);
    for (size_t i = 0; i < r->narts && !r->failed; i++)
        if (import_article(r->ic, &r->arts[i].a, r->arts[i].line, 1) != 0) r->failed = 1;
    for (size_t i = 0; i < r->ncits && !r->failed; i++) {
        pending *c = &r->cits[i];
        if (c->merged) continue;
        rec_claim rc = {c->s,        c->p,        c->o,    c->negated, c->article, c->quote,
                        c->claimant, c->has_conf, c->conf, c->said_on, 0};
        if (import_claim(r->ic, &rc, c->line, 1) != 0) r->failed = 1;
    }
    return r->failed ? -1 : 0;
}

static void reader_free(nq_reader *r)
{
    for (size_t i = 0; i < r->ncits; i++)
        free_pending(&r->cits[i]);
    free(r->cits);
    for (size_t i = 0; i < r->narts; i++) {
        rec_article *a = &r->arts[i].a;
        free((char *)a->title);
        free((char *)a->outlet);
        free((char *)a->date);
        free((char *)a->url);
        free((char *)a->author);
        free((char *)a->text);
    }
    free(r->arts);
    strmap_free(&r->direct);
    strmap_free(&r->nodes);
    strmap_free(&r->artmap);
    buf_free(&r->serd_msg);
    buf_free(&r->tmp);
}

int nquads_read(import_ctx *ic)
{
    nq_reader r = {0};
    r.ic = ic;
    r.base = import_base(ic);
    r.baselen = strlen(r.base);
    SerdReader *reader = serd_reader_new(SERD_NQUADS, &r, NULL, NULL, NULL, on_statement, NULL);
    serd_reader_set_strict(reader, true);
    serd_reader_set_error_sink(reader, on_serd_error, &r);
    char *line = NULL;
    size_t cap = 0;
    long len;
    while (!r.failed && (len = import_getline(ic, &line, &cap)) >= 0) {
        size_t n = (size_t)len;
        if (import_check_text(ic, line, n) != 0) {
            r.failed = 1;
            break;
        }
        r.line = line;
        r.lineno = import_lineno(ic);
        buf_clear(&r.serd_msg);
        SerdStatus st = serd_reader_read_string(reader, (const uint8_t *)line);
        if (r.failed) break;
        if (r.serd_msg.len || (st != SERD_SUCCESS && st != SERD_FAILURE)) {
            import_error(ic, r.lineno, r.serd_col > 0 ? r.serd_col : 1, "%s",
                         r.serd_msg.len ? r.serd_msg.p : (const char *)serd_strerror(st));
            r.failed = 1;
        }
    }
    free(line);
    serd_reader_free(reader);
    int rc = r.failed ? -1 : flush(&r);
    if (rc == 0 && r.review_quads)
        diag("%s: %ld quad%s of the graph <%sreviews> not read: reviews are imported from JSON "
             "Lines or ClaimReview JSON-LD\n",
             import_name(ic), r.review_quads, r.review_quads == 1 ? "" : "s", r.base);
    reader_free(&r);
    return rc;
}

/* ---- writing ----------------------------------------------------------------------------- */

typedef struct nq_sink {
    FILE *out;
    SerdEnv *env;
    SerdWriter *w;
    char *base;
    long nblank;
    buf iri[4];
    int err;
    buf prev;        /* the (claim, article) of the last positive citation written */
    int prev_bare;   /* it was written as a plain quad only */
    buf prev_review; /* the URL of the last review written */
} nq_sink;

static SerdNode uri(buf *b, const char *base, const char *kind, const char *name, int encode)
{
    buf_clear(b);
    buf_puts(b, base);
    buf_puts(b, kind);
    if (encode)
        pct_encode(b, name);
    else
        buf_puts(b, name);
    return serd_node_from_string(SERD_URI, (const uint8_t *)b->p);
}

static SerdNode fixed(const char *iri)
{
    return serd_node_from_string(SERD_URI, (const uint8_t *)iri);
}

static void quad(nq_sink *s, const SerdNode *g, const SerdNode *sub, const SerdNode *p,
                 const SerdNode *o, const SerdNode *dt)
{
    if (serd_writer_write_statement(s->w, 0, g, sub, p, o, dt, NULL) != SERD_SUCCESS) s->err = 1;
}

static void vocab_quad(nq_sink *s, const SerdNode *g, const SerdNode *sub, const char *name,
                       const SerdNode *o, const SerdNode *dt)
{
    buf v = {0};
    SerdNode p = uri(&v, s->base, "vocab/", name, 0);
    quad(s, g, sub, &p, o, dt);
    buf_free(&v);
}

static SerdNode literal(const char *text)
{
    return serd_node_from_string(SERD_LITERAL, (const uint8_t *)text);
}

static int sink_alias(void *state, const rec_alias *a)
{
    nq_sink *s = state;
    SerdNode x = uri(&s->iri[0], s->base, "term/", a->alias, 1);
    SerdNode y = uri(&s->iri[1], s->base, "term/", a->canonical, 1);
    vocab_quad(s, NULL, &x, "aliasOf", &y, NULL);
    return s->err ? -1 : 0;
}

static int sink_article(void *state, const rec_article *a)
{
    nq_sink *s = state;
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)a->id);
    SerdNode art = uri(&s->iri[0], s->base, "article/", id, 0);
    SerdNode type = fixed(RDF "type");
    SerdNode cls = uri(&s->iri[1], s->base, "vocab/", "Article", 0);
    quad(s, NULL, &art, &type, &cls, NULL);
    static const char *const names[] = {"title", "outlet", "date", "url", "author"};
    const char *vals[] = {a->title, a->outlet, a->date, a->url, a->author};
    SerdNode xsd_date = fixed(XSD "date");
    for (size_t i = 0; i < 5; i++) {
        if (!vals[i]) continue;
        SerdNode v = literal(vals[i]);
        vocab_quad(s, NULL, &art, names[i], &v, i == 2 ? &xsd_date : NULL);
    }
    if (a->duplicate_of >= 0) {
        snprintf(id, sizeof id, "%lld", (long long)a->duplicate_of);
        SerdNode dup = uri(&s->iri[2], s->base, "article/", id, 0);
        vocab_quad(s, NULL, &art, "duplicateOf", &dup, NULL);
    }
    if (a->text) {
        SerdNode v = literal(a->text);
        vocab_quad(s, NULL, &art, "text", &v, NULL);
    }
    return s->err ? -1 : 0;
}

/* A new citation node in graph g, typed and with its claim; label is its storage. */
static SerdNode node_head(nq_sink *s, char *label, size_t size, const SerdNode *g,
                          const SerdNode *sub, const SerdNode *pred, const SerdNode *obj)
{
    snprintf(label, size, "c%ld", ++s->nblank);
    SerdNode node = serd_node_from_string(SERD_BLANK, (const uint8_t *)label);
    SerdNode type = fixed(RDF "type"), stmt = fixed(RDF "Statement");
    SerdNode rs = fixed(RDF "subject"), rp = fixed(RDF "predicate"), ro = fixed(RDF "object");
    quad(s, g, &node, &type, &stmt, NULL);
    quad(s, g, &node, &rs, sub, NULL);
    quad(s, g, &node, &rp, pred, NULL);
    quad(s, g, &node, &ro, obj, NULL);
    return node;
}

/* claimdb:negated true on a citation node. */
static void negated_quad(nq_sink *s, const SerdNode *g, const SerdNode *node)
{
    SerdNode t = literal("true"), xb = fixed(XSD "boolean");
    vocab_quad(s, g, node, "negated", &t, &xb);
}

static int sink_claim(void *state, const rec_claim *c)
{
    nq_sink *s = state;
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)c->article);
    SerdNode g = uri(&s->iri[0], s->base, "article/", id, 0);
    SerdNode sub = uri(&s->iri[1], s->base, "term/", c->subject, 1);
    SerdNode pred = uri(&s->iri[2], s->base, "pred/", c->predicate, 1);
    SerdNode obj = uri(&s->iri[3], s->base, "term/", c->object, 1);
    /* Citations of one (claim, article) come one after another. When there are several, each
     * gets a node (the reader then takes the nodes, not the plain quad, as the citations), the
     * first too, even if it was written bare. */
    buf key = {0};
    buf_printf(&key, "%s\t%s\t%s\t%lld", c->subject, c->predicate, c->object,
               (long long)c->article);
    bool same = !c->negated && s->prev.p && key.len == s->prev.len &&
                memcmp(key.p, s->prev.p, key.len) == 0;
    if (!c->negated && !same) quad(s, &g, &sub, &pred, &obj, NULL);
    char label[32];
    if (same && s->prev_bare) node_head(s, label, sizeof label, &g, &sub, &pred, &obj);
    bool details = c->negated || c->quote || c->claimant || c->has_confidence || c->said_on;
    if (!c->negated) {
        buf_clear(&s->prev);
        buf_puts(&s->prev, key.p);
        s->prev_bare = !details && !same;
    }
    buf_free(&key);
    if (details || same) {
        SerdNode node = node_head(s, label, sizeof label, &g, &sub, &pred, &obj);
        if (c->negated) negated_quad(s, &g, &node);
        if (c->quote) {
            SerdNode q = literal(c->quote);
            vocab_quad(s, &g, &node, "quote", &q, NULL);
        }
        if (c->claimant) {
            buf b = {0};
            SerdNode who = uri(&b, s->base, "term/", c->claimant, 1);
            vocab_quad(s, &g, &node, "claimant", &who, NULL);
            buf_free(&b);
        }
        if (c->has_confidence) {
            char num[64];
            format_real(num, sizeof num, c->confidence);
            SerdNode v = literal(num), xd = fixed(XSD "double");
            vocab_quad(s, &g, &node, "confidence", &v, &xd);
        }
        if (c->said_on) {
            SerdNode v = literal(c->said_on), xd = fixed(XSD "date");
            vocab_quad(s, &g, &node, "saidOn", &v, &xd);
        }
    }
    return s->err ? -1 : 0;
}

#define SCHEMA "https://schema.org/"

static SerdNode blank(nq_sink *s, char *label, size_t size)
{
    snprintf(label, size, "r%ld", ++s->nblank);
    return serd_node_from_string(SERD_BLANK, (const uint8_t *)label);
}

/* node rdf:type schema:type, schema:name name (in the reviews graph), for an author. */
static void named_node(nq_sink *s, const SerdNode *g, const SerdNode *sub, const char *prop,
                       const char *type, const char *name)
{
    char label[32];
    SerdNode n = blank(s, label, sizeof label);
    SerdNode p = fixed(prop), rt = fixed(RDF "type"), t = fixed(type), pn = fixed(SCHEMA "name");
    SerdNode v = literal(name);
    quad(s, g, sub, &p, &n, NULL);
    quad(s, g, &n, &rt, &t, NULL);
    quad(s, g, &n, &pn, &v, NULL);
}

/* The review's own properties (the first time its URL comes): type, URL, claim reviewed,
 * dates, headline, language, publisher and author. */
static void review_head(nq_sink *s, const SerdNode *g, const SerdNode *rv, const claimdb_review *r)
{
    SerdNode rt = fixed(RDF "type"), cls = fixed(SCHEMA "ClaimReview");
    SerdNode xdate = fixed(XSD "date"), xuri = fixed(XSD "anyURI");
    quad(s, g, rv, &rt, &cls, NULL);
    static const char *const props[] = {SCHEMA "url", SCHEMA "claimReviewed",
                                        SCHEMA "datePublished", SCHEMA "headline",
                                        SCHEMA "inLanguage"};
    const char *vals[] = {r->url, r->claim_reviewed, r->date, r->title, r->language};
    const SerdNode *types[] = {&xuri, NULL, &xdate, NULL, NULL};
    for (size_t i = 0; i < 5; i++) {
        if (!vals[i]) continue;
        SerdNode p = fixed(props[i]), v = literal(vals[i]);
        quad(s, g, rv, &p, &v, types[i]);
    }
    if (r->reviewer) named_node(s, g, rv, SCHEMA "author", SCHEMA "Organization", r->reviewer);
    if (r->author) named_node(s, g, rv, SCHEMA "creator", SCHEMA "Person", r->author);
}

/* schema:reviewRating: the verdict's name and its numbers on the scale, when there are any. */
static void review_rating(nq_sink *s, const SerdNode *g, const SerdNode *rv,
                          const claimdb_review *r)
{
    if (!r->rating && !r->has_rating_value && !r->has_best_rating && !r->has_worst_rating) return;
    char label[32], num[64];
    SerdNode rating = blank(s, label, sizeof label), rcls = fixed(SCHEMA "Rating");
    SerdNode rt = fixed(RDF "type"), xd = fixed(XSD "double");
    SerdNode p = fixed(SCHEMA "reviewRating");
    quad(s, g, rv, &p, &rating, NULL);
    quad(s, g, &rating, &rt, &rcls, NULL);
    if (r->rating) {
        SerdNode alt = fixed(SCHEMA "alternateName"), v = literal(r->rating);
        quad(s, g, &rating, &alt, &v, NULL);
    }
    const int has[3] = {r->has_rating_value, r->has_best_rating, r->has_worst_rating};
    const double nums[3] = {r->rating_value, r->best_rating, r->worst_rating};
    static const char *const nprops[3] = {SCHEMA "ratingValue", SCHEMA "bestRating",
                                          SCHEMA "worstRating"};
    for (int i = 0; i < 3; i++) {
        if (!has[i]) continue;
        format_real(num, sizeof num, nums[i]);
        SerdNode np = fixed(nprops[i]), v = literal(num);
        quad(s, g, &rating, &np, &v, &xd);
    }
}

/* schema:itemReviewed: the claim as the review states it, who made it, when and where. */
static void reviewed_claim(nq_sink *s, const SerdNode *g, const SerdNode *rv,
                           const claimdb_review *r)
{
    char clabel[32];
    SerdNode claim = blank(s, clabel, sizeof clabel), ccls = fixed(SCHEMA "Claim");
    SerdNode rt = fixed(RDF "type"), p = fixed(SCHEMA "itemReviewed");
    quad(s, g, rv, &p, &claim, NULL);
    quad(s, g, &claim, &rt, &ccls, NULL);
    if (r->claimant) named_node(s, g, &claim, SCHEMA "author", SCHEMA "Thing", r->claimant);
    if (r->claim_date) {
        SerdNode dp = fixed(SCHEMA "datePublished"), v = literal(r->claim_date);
        SerdNode xdate = fixed(XSD "date");
        quad(s, g, &claim, &dp, &v, &xdate);
    }
    SerdNode ap = fixed(SCHEMA "appearance");
    if (r->appearance_url) {
        SerdNode v = literal(r->appearance_url), xuri = fixed(XSD "anyURI");
        quad(s, g, &claim, &ap, &v, &xuri);
    }
    if (r->has_appearance) {
        char num[64];
        buf a = {0};
        snprintf(num, sizeof num, "%lld", (long long)r->appearance);
        SerdNode art = uri(&a, s->base, "article/", num, 0);
        quad(s, g, &claim, &ap, &art, NULL);
        buf_free(&a);
    }
}

/* claimdb:about: the claim of the database the review is about, as a citation node. */
static void review_about(nq_sink *s, const SerdNode *g, const SerdNode *rv, const claimdb_review *r)
{
    char label[32];
    buf b[3] = {{0}};
    SerdNode sub = uri(&b[0], s->base, "term/", r->subject, 1);
    SerdNode pred = uri(&b[1], s->base, "pred/", r->predicate, 1);
    SerdNode obj = uri(&b[2], s->base, "term/", r->object, 1);
    SerdNode node = node_head(s, label, sizeof label, g, &sub, &pred, &obj);
    vocab_quad(s, g, rv, "about", &node, NULL);
    if (r->negated) negated_quad(s, g, &node);
    for (int i = 0; i < 3; i++)
        buf_free(&b[i]);
}

/* A review's rows come one after another, one per claim it is about: its own properties go
 * with the first. */
static int sink_review(void *state, const rec_review *rr)
{
    nq_sink *s = state;
    const claimdb_review *r = &rr->r;
    buf g_iri = {0}, r_iri = {0};
    SerdNode g = uri(&g_iri, s->base, "reviews", "", 0);
    SerdNode rv = uri(&r_iri, s->base, "review/", r->url, 1);
    if (!s->prev_review.p || strcmp(s->prev_review.p, r->url)) {
        buf_clear(&s->prev_review);
        buf_puts(&s->prev_review, r->url);
        review_head(s, &g, &rv, r);
        review_rating(s, &g, &rv, r);
        reviewed_claim(s, &g, &rv, r);
        if (rr->verdict) {
            SerdNode v = literal(rr->verdict);
            vocab_quad(s, &g, &rv, "verdict", &v, NULL);
        }
    }
    if (r->subject) review_about(s, &g, &rv, r);
    buf_free(&g_iri);
    buf_free(&r_iri);
    return s->err ? -1 : 0;
}

static int sink_finish(void *state)
{
    nq_sink *s = state;
    serd_writer_finish(s->w);
    serd_writer_free(s->w);
    serd_env_free(s->env);
    int rc = s->err || fflush(s->out) != 0 || ferror(s->out) ? -1 : 0;
    for (size_t i = 0; i < 4; i++)
        buf_free(&s->iri[i]);
    buf_free(&s->prev);
    buf_free(&s->prev_review);
    free(s->base);
    free(s);
    return rc;
}

void nquads_sink_open(export_sink *sink, FILE *out, const char *base)
{
    nq_sink *s = xcalloc(1, sizeof *s);
    s->out = out;
    s->base = xstrdup(base);
    s->env = serd_env_new(NULL);
    s->w = serd_writer_new(SERD_NQUADS, (SerdStyle)0, s->env, NULL, serd_file_sink, out);
    sink->state = s;
    sink->alias = sink_alias;
    sink->article = sink_article;
    sink->claim = sink_claim;
    sink->review = sink_review;
    sink->finish = sink_finish;
}
