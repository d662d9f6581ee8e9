/* print.c — the canonical text of a statement: keywords in upper case, one space between
 * tokens, terms bare when they can be, FILTER with only the parentheses it needs. Used by the
 * tests (parse -> print -> parse gives the same print) and for messages that quote a statement.
 */
#include "ast_build.h"
#include "claimdb.h"
#include "keywords.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    char *s;
    size_t n, cap;
    bool failed;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->failed = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(buf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static bool ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Can s be written as a bare word that reads back as the same term? */
static bool bare_ok(const char *s)
{
    if (!s || !(ascii_alpha(s[0]) || s[0] == '_') || !strcmp(s, "_")) return false;
    for (const char *p = s; *p; p++) {
        if (!(ascii_alpha(*p) || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '\'' ||
              *p == '-'))
            return false;
        if (p[0] == '-' && p[1] == '-') return false;
    }
    const parse_keyword *k = parse_keyword_find(s, strlen(s));
    return !k || !(k->flags & (KW_RESERVED | KW_CONTEXTUAL)); /* COUNT alone is a word */
}

static void put_string(buf *b, const char *s)
{
    puts_(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            puts_(b, "\\\"");
            break;
        case '\\':
            puts_(b, "\\\\");
            break;
        case '\n':
            puts_(b, "\\n");
            break;
        case '\t':
            puts_(b, "\\t");
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                putf(b, "\\u%04X", *p);
            else
                put(b, (const char *)p, 1);
        }
    }
    puts_(b, "\"");
}

static void put_word(buf *b, const char *s)
{
    if (bare_ok(s))
        puts_(b, s);
    else
        put_string(b, s ? s : "");
}

static void put_term(buf *b, const ast_term *t)
{
    switch (t->kind) {
    case TERM_NONE:
        break;
    case TERM_CONST:
        put_word(b, t->text);
        break;
    case TERM_VAR:
        putf(b, "?");
        puts_(b, t->text);
        break;
    case TERM_ANON:
        puts_(b, "_");
        break;
    case TERM_PARAM:
        puts_(b, t->text);
        break;
    }
}

static void put_real(buf *b, double r)
{
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.*g", claimdb_real_digits(r), r);
    puts_(b, tmp);
    if (!strpbrk(tmp, ".eEn")) puts_(b, ".0");
}

static void put_value(buf *b, const ast_value *v)
{
    switch (v->kind) {
    case VAL_NONE:
        break;
    case VAL_INT:
        putf(b, "%lld", (long long)v->i);
        break;
    case VAL_REAL:
        put_real(b, v->r);
        break;
    case VAL_STRING:
        put_string(b, v->s);
        break;
    case VAL_DATE:
    case VAL_PARAM:
        puts_(b, v->s);
        break;
    }
}

static const char *cmp_text(int op)
{
    static const char *ops[] = {"=", "!=", "<", "<=", ">", ">="};
    return op >= 0 && op < 6 ? ops[op] : "?";
}

static int prec(const ast_expr *e)
{
    switch (e->kind) {
    case EXPR_OR:
        return 1;
    case EXPR_AND:
        return 2;
    case EXPR_NOT:
        return 3;
    default:
        return 4;
    }
}

static void put_expr(buf *b, const ast_expr *e, const ast_find *f);

static void put_sub(buf *b, const ast_expr *e, int min, const ast_find *f)
{
    bool paren = prec(e) < min;
    if (paren) puts_(b, "(");
    put_expr(b, e, f);
    if (paren) puts_(b, ")");
}

static void put_expr(buf *b, const ast_expr *e, const ast_find *f)
{
    static const char *aggs[] = {"COUNT", "COUNT", "COUNT", "MIN", "MAX"};
    switch (e->kind) {
    case EXPR_VAR:
        puts_(b, "?");
        puts_(b, e->text);
        break;
    case EXPR_TERM:
        put_word(b, e->text);
        break;
    case EXPR_NUMBER:
        put_value(b, &e->value);
        break;
    case EXPR_DATE:
        puts_(b, e->value.s);
        break;
    case EXPR_PARAM:
        puts_(b, e->text);
        break;
    case EXPR_CMP:
        put_sub(b, e->a, 4, f);
        putf(b, " %s ", cmp_text(e->op));
        put_sub(b, e->b, 4, f);
        break;
    case EXPR_AND:
    case EXPR_OR:
        for (size_t i = 0; i < e->nargs; i++) {
            if (i) puts_(b, e->kind == EXPR_AND ? " AND " : " OR ");
            put_sub(b, e->args[i], i ? prec(e) + 1 : prec(e), f);
        }
        break;
    case EXPR_NOT:
        puts_(b, "NOT ");
        put_sub(b, e->a, 3, f);
        break;
    case EXPR_REGEX:
    case EXPR_LIKE:
        put_sub(b, e->a, 4, f);
        puts_(b, e->kind == EXPR_REGEX ? " ~ " : " LIKE ");
        put_string(b, e->text);
        break;
    case EXPR_MATCH:
        put_sub(b, e->a, 4, f);
        puts_(b, " MATCH ");
        if (e->b->kind == EXPR_PARAM)
            puts_(b, e->b->text);
        else
            put_string(b, e->b->text);
        break;
    case EXPR_CALL:
        puts_(b, e->text);
        puts_(b, "(");
        if (e->op == 1)
            puts_(b, "*");
        else {
            if (e->op == 2) puts_(b, "DISTINCT ");
            if (e->a) put_expr(b, e->a, f);
        }
        puts_(b, ")");
        break;
    case EXPR_AGG:
        puts_(b, aggs[e->op]);
        puts_(b, "(");
        if (e->op == AGG_COUNT_STAR)
            puts_(b, "*");
        else {
            if (e->op == AGG_COUNT_DISTINCT) puts_(b, "DISTINCT ");
            if (e->a) put_expr(b, e->a, f);
        }
        puts_(b, ")");
        break;
    case EXPR_EMPTY:
        if (e->op == EMPTY_BOUND) {
            puts_(b, "bound(");
            put_expr(b, e->a, f);
            puts_(b, ")");
            break;
        }
        put_sub(b, e->a, 4, f);
        puts_(b, e->op == EMPTY_IS ? " IS EMPTY" : " IS NOT EMPTY");
        break;
    case EXPR_COLUMN:
        if (f && e->op >= 0 && (size_t)e->op < f->nitems)
            put_word(b, f->items[e->op].name);
        else
            put_word(b, e->text);
        break;
    }
}

static void put_values(buf *b, const ast_value *v, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++) {
        if (i) puts_(b, sep);
        put_value(b, &v[i]);
    }
}

static void put_pattern(buf *b, const ast_pattern *p)
{
    if (p->without) puts_(b, "WITHOUT ");
    if (p->negated) puts_(b, "NOT ");
    put_term(b, &p->s);
    puts_(b, " ");
    put_term(b, &p->p);
    puts_(b, " ");
    put_term(b, &p->o);
    if (p->ncited) {
        puts_(b, " CITED BY ");
        put_values(b, p->cited, p->ncited, p->cited_mode == CITED_ANY ? " OR " : " AND ");
    }
    const struct {
        const char *kw;
        const ast_term *t;
    } cl[] = {{" FROM ", &p->from},
              {" QUOTE ", &p->quote},
              {" BY ", &p->by},
              {" CONFIDENCE ", &p->confidence},
              {" AT ", &p->at},
              {" TO ", &p->to},
              {" ON ", &p->on},
              {" STORED ", &p->stored},
              {" METHOD ", &p->method},
              {" REVIEWED ", &p->reviewed},
              {" POLARITY ", &p->polarity}};
    for (size_t i = 0; i < sizeof cl / sizeof cl[0]; i++)
        if (cl[i].t->kind != TERM_NONE) {
            puts_(b, cl[i].kw);
            put_term(b, cl[i].t);
        }
    if (p->has_sources) {
        puts_(b, p->independent ? " INDEPENDENT SOURCES " : " SOURCES ");
        puts_(b, cmp_text(p->sources_op));
        puts_(b, " ");
        put_value(b, &p->sources_n);
    }
}

static void put_find(buf *b, const ast_find *f)
{
    puts_(b, "FIND ");
    if (f->distinct) puts_(b, "DISTINCT ");
    if (f->star)
        puts_(b, "*");
    else
        for (size_t i = 0; i < f->nitems; i++) {
            if (i) puts_(b, ", ");
            put_expr(b, f->items[i].expr, f);
            if (f->items[i].alias) {
                puts_(b, " AS ");
                put_word(b, f->items[i].alias);
            }
        }
    puts_(b, " WHERE ");
    for (size_t i = 0; i < f->npats; i++) {
        if (i) puts_(b, " AND ");
        put_pattern(b, &f->pats[i]);
    }
    if (f->filter) {
        puts_(b, " FILTER ");
        put_expr(b, f->filter, f);
    }
    for (size_t i = 0; i < f->ngroup; i++) {
        puts_(b, i ? ", " : " GROUP BY ");
        put_expr(b, f->group[i], f);
    }
    if (f->having) {
        puts_(b, " HAVING ");
        put_expr(b, f->having, f);
    }
    for (size_t i = 0; i < f->norder; i++) {
        puts_(b, i ? ", " : " ORDER BY ");
        put_expr(b, f->order[i].expr, f);
        if (f->order[i].desc) puts_(b, " DESC");
    }
    if (f->limit.kind != VAL_NONE) {
        puts_(b, " LIMIT ");
        put_value(b, &f->limit);
    }
    if (f->offset.kind != VAL_NONE) {
        puts_(b, " OFFSET ");
        put_value(b, &f->offset);
    }
}

static void put_claim(buf *b, const ast_claim_stmt *c, bool polarity)
{
    if (polarity && c->negated) puts_(b, "NOT ");
    put_term(b, &c->s);
    puts_(b, " ");
    put_term(b, &c->p);
    puts_(b, " ");
    put_term(b, &c->o);
    if (c->narticles) {
        puts_(b, " FROM ");
        put_values(b, c->articles, c->narticles, ", ");
    }
    if (c->quote.kind != VAL_NONE) {
        puts_(b, " QUOTE ");
        put_value(b, &c->quote);
    }
    if (c->by.kind != TERM_NONE) {
        puts_(b, " BY ");
        put_term(b, &c->by);
    }
    if (c->confidence.kind != VAL_NONE) {
        puts_(b, " CONFIDENCE ");
        put_value(b, &c->confidence);
    }
    if (c->said_on.kind != VAL_NONE) {
        puts_(b, " ON ");
        put_value(b, &c->said_on);
    }
}

static void put_field(buf *b, const char *kw, const ast_value *v)
{
    if (v->kind == VAL_NONE) return;
    puts_(b, kw);
    put_value(b, v);
}

char *ast_print(const ast_stmt *st)
{
    buf b = {NULL, 0, 0, false};
    static const char *shows[] = {"ARTICLES", "PREDICATES",       "ALIASES", "STATS",     "TERMS",
                                  "ARTICLE",  "QUOTES NOT FOUND", "REVIEWS", "TEXT INDEX"};
    static const char *const review_kw[REV_NVALUES] = {
        [REV_URL] = " URL ",     [REV_TEXT] = " TEXT ",         [REV_RATING] = " RATING ",
        [REV_DATE] = " DATE ",   [REV_CLAIM_DATE] = " ON ",     [REV_AUTHOR] = " AUTHOR ",
        [REV_TITLE] = " TITLE ", [REV_LANGUAGE] = " LANGUAGE ", [REV_APPEARANCE] = " APPEARANCE ",
        [REV_VALUE] = " VALUE ", [REV_BEST] = " BEST ",         [REV_WORST] = " WORST "};
    switch (st->kind) {
    case STMT_FIND:
        put_find(&b, &st->u.find);
        break;
    case STMT_EXPLAIN:
        puts_(&b, "EXPLAIN ");
        put_find(&b, &st->u.find);
        break;
    case STMT_ASSERT:
        puts_(&b, "ASSERT ");
        put_claim(&b, &st->u.claim, true);
        break;
    case STMT_RETRACT:
        puts_(&b, "RETRACT ");
        put_claim(&b, &st->u.claim, true);
        break;
    case STMT_EVIDENCE:
        puts_(&b, "EVIDENCE ");
        put_claim(&b, &st->u.claim, false);
        break;
    case STMT_CHECK:
        puts_(&b, "CHECK ");
        put_claim(&b, &st->u.claim, true);
        if (st->u.claim.reviews) puts_(&b, " REVIEWS");
        break;
    case STMT_ARTICLE: {
        const ast_article_stmt *a = &st->u.article;
        puts_(&b, "ARTICLE ");
        put_value(&b, &a->id);
        put_field(&b, " TITLE ", &a->title);
        put_field(&b, " OUTLET ", &a->outlet);
        put_field(&b, " DATE ", &a->date);
        put_field(&b, " URL ", &a->url);
        put_field(&b, " AUTHOR ", &a->author);
        put_field(&b, " TEXT ", &a->text);
        put_field(&b, " DUPLICATE OF ", &a->duplicate_of);
        break;
    }
    case STMT_ALIAS:
        puts_(&b, "ALIAS ");
        put_term(&b, &st->u.alias.alias);
        puts_(&b, " FOR ");
        put_term(&b, &st->u.alias.canonical);
        break;
    case STMT_SIMILAR:
        puts_(&b, "SIMILAR ");
        put_value(&b, &st->u.similar.text);
        if (st->u.similar.in != SIMILAR_IN_ALL) {
            static const char *const ins[] = {"", " IN REVIEWS", " IN QUOTES", " IN CLAIMS"};
            puts_(&b, ins[st->u.similar.in]);
        }
        if (st->u.similar.min.kind != VAL_NONE) {
            puts_(&b, " MIN ");
            put_value(&b, &st->u.similar.min);
        }
        if (st->u.similar.limit.kind != VAL_NONE) {
            puts_(&b, " LIMIT ");
            put_value(&b, &st->u.similar.limit);
        }
        break;
    case STMT_SHOW:
        puts_(&b, "SHOW ");
        puts_(&b, shows[st->u.show.kind]);
        if (st->u.show.kind == SHOW_TERMS) {
            puts_(&b, " LIKE ");
            put_value(&b, &st->u.show.like);
        } else if (st->u.show.kind == SHOW_ARTICLE) {
            puts_(&b, " ");
            put_value(&b, &st->u.show.like);
        }
        break;
    case STMT_REVIEW: {
        const ast_review_stmt *r = &st->u.review;
        puts_(&b, "REVIEW");
        if (r->has_claim) {
            puts_(&b, r->negated ? " NOT " : " ");
            put_term(&b, &r->s);
            puts_(&b, " ");
            put_term(&b, &r->p);
            puts_(&b, " ");
            put_term(&b, &r->o);
        }
        if (r->by.kind != TERM_NONE) {
            puts_(&b, " BY ");
            put_term(&b, &r->by);
        }
        if (r->claimant.kind != TERM_NONE) {
            puts_(&b, " CLAIMANT ");
            put_term(&b, &r->claimant);
        }
        for (int i = 0; i < REV_NVALUES; i++)
            put_field(&b, review_kw[i], &r->v[i]);
        break;
    }
    case STMT_RETRACT_REVIEW:
        puts_(&b, "RETRACT REVIEW");
        put_field(&b, " URL ", &st->u.review.v[REV_URL]);
        break;
    case STMT_BEGIN:
        puts_(&b, "BEGIN");
        break;
    case STMT_COMMIT:
        puts_(&b, "COMMIT");
        break;
    case STMT_ROLLBACK:
        puts_(&b, "ROLLBACK");
        break;
    case STMT_TEXT_INDEX: {
        unsigned k = st->u.text_index.kinds;
        puts_(&b, st->u.text_index.drop ? "DROP TEXT INDEX ON " : "CREATE TEXT INDEX ON ");
        if (k & AST_TEXT_QUOTES) puts_(&b, k & AST_TEXT_CLAIMS ? "QUOTES, " : "QUOTES");
        if (k & AST_TEXT_CLAIMS) puts_(&b, "CLAIMS");
        break;
    }
    }
    puts_(&b, ";");
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
