/* parse.c — the parser driver: one statement at a time from text to a checked tree.
 *
 * cq_yylex() stands between the Flex scanner and the Bison parser. It
 *  - returns end of input once the first ';' has been delivered (one statement per call);
 *  - turns AND into AND_NUM when an article id follows (a number, or a parameter that does
 *    not start a pattern), so that "CITED BY 0 AND 4 AND ?x p o" is read without conflicts;
 *  - remembers the last two tokens, for the "after 'x'" of syntax errors;
 *  - collects the $names in order of first appearance;
 *  - turns a lexical error token into the parser's error token, recording the message.
 */
#include "parse.h"

#include "check.h"
#include "claimdb.h"
#include "keywords.h"
#include "parser.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cq_error(struct cq_ctx *ctx, int code, size_t offset, const char *fmt, ...)
{
    if (ctx->err->code) return;
    ctx->err->code = code;
    ctx->err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->err->message, sizeof ctx->err->message, fmt, ap);
    va_end(ap);
}

void cq_defer(struct cq_ctx *ctx, ast_loc at, const char *fmt, ...)
{
    if (ctx->has_deferred) return;
    ctx->has_deferred = true;
    ctx->deferred.code = CLAIMDB_SEMANTIC;
    ctx->deferred.offset = at.off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->deferred.message, sizeof ctx->deferred.message, fmt, ap);
    va_end(ap);
}

char *cq_source(struct cq_ctx *ctx, ast_loc loc)
{
    return strndup(ctx->text + loc.off, loc.len);
}

static bool has_str(int kind)
{
    switch (kind) {
    case TOK_WORD:
    case TOK_STRING:
    case TOK_VAR:
    case TOK_PARAM:
    case TOK_FUNC:
    case TOK_DATE_LIT:
    case TOK_LEXERR:
        return true;
    default:
        return false;
    }
}

void cq_token_free(cq_token *t)
{
    if (has_str(t->kind)) free(t->val.str);
    t->kind = TOK_END;
}

static void scan(struct cq_ctx *ctx, cq_token *t)
{
    memset(&t->val, 0, sizeof t->val);
    t->kind = cq_scan_token(&t->val, &t->loc, ctx);
}

/* The i-th token after those delivered (i < 3). */
static cq_token *peek(struct cq_ctx *ctx, int i)
{
    while (ctx->nqueue <= i)
        scan(ctx, &ctx->queue[ctx->nqueue++]);
    return &ctx->queue[i];
}

static void next(struct cq_ctx *ctx, cq_token *t)
{
    if (ctx->nqueue > 0) {
        *t = ctx->queue[0];
        memmove(&ctx->queue[0], &ctx->queue[1], (size_t)(ctx->nqueue - 1) * sizeof ctx->queue[0]);
        ctx->nqueue--;
    } else {
        scan(ctx, t);
    }
}

/* Can this token begin a pattern (a term, a variable, '_', a parameter)? */
static bool term_start(int kind)
{
    if (kind == TOK_WORD || kind == TOK_STRING || kind == TOK_VAR || kind == TOK_ANON ||
        kind == TOK_PARAM || kind == TOK_NOT)
        return true;
    const parse_keyword *k;
    for (int i = 0; (k = parse_keyword_entry(i)); i++)
        if (k->token == kind) return (k->flags & KW_CONTEXTUAL) != 0;
    return false;
}

static bool has_param(const struct cq_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->nparams; i++)
        if (!strcmp(ctx->params[i], name)) return true;
    return false;
}

static bool add_param(struct cq_ctx *ctx, const char *name)
{
    if (has_param(ctx, name)) return true;
    char **np = realloc(ctx->params, (ctx->nparams + 1) * sizeof *np);
    if (!np) return false;
    ctx->params = np;
    if (!(np[ctx->nparams] = strdup(name))) return false;
    ctx->nparams++;
    return true;
}

int cq_yylex(CQ_YYSTYPE *lval, ast_loc *lloc, struct cq_ctx *ctx)
{
    cq_token t;
    if (ctx->done) {
        t.kind = TOK_END;
        t.loc.off = (uint32_t)ctx->semi_end;
        t.loc.len = 0;
        memset(&t.val, 0, sizeof t.val);
    } else {
        next(ctx, &t);
    }
    if (t.kind == TOK_AND) {
        cq_token *a = peek(ctx, 0);
        if (a->kind == TOK_INT || (a->kind == TOK_PARAM && !term_start(peek(ctx, 1)->kind)))
            t.kind = TOK_AND_NUM;
    } else if (t.kind == ';') {
        ctx->done = true;
        ctx->semi_end = t.loc.off + 1;
    } else if (t.kind == TOK_END && ctx->ntokens > 0 && !ctx->done) {
        /* report a missing token right after the last one */
        t.loc.off = ctx->cur_loc.off + ctx->cur_loc.len;
    } else if (t.kind == TOK_PARAM) {
        if (ctx->nparams >= CQ_MAX_PARAMS && !has_param(ctx, t.val.str)) {
            cq_error(ctx, CLAIMDB_SYNTAX, t.loc.off,
                     "too many parameters: a statement has at most %d distinct $names",
                     CQ_MAX_PARAMS);
            free(t.val.str);
            t.kind = TOK_CQ_YYerror;
        } else if (!add_param(ctx, t.val.str)) {
            free(t.val.str);
            ctx->nomem = true;
            t.kind = TOK_CQ_YYerror;
        }
    }
    ctx->prev_kind = ctx->cur_kind;
    ctx->prev_loc = ctx->cur_loc;
    ctx->cur_kind = t.kind;
    ctx->cur_loc = t.loc;
    ctx->ntokens++;
    if (t.kind == TOK_LEXERR) {
        if (t.val.str)
            cq_error(ctx, CLAIMDB_SYNTAX, t.loc.off, "%s", t.val.str);
        else
            ctx->nomem = true;
        free(t.val.str);
        t.val.str = NULL;
        t.kind = TOK_CQ_YYerror;
    }
    *lval = t.val;
    *lloc = t.loc;
    return t.kind;
}

static void ctx_close(struct cq_ctx *ctx)
{
    for (int i = 0; i < ctx->nqueue; i++)
        cq_token_free(&ctx->queue[i]);
    ctx->nqueue = 0;
    for (size_t i = 0; i < ctx->nparams; i++)
        free(ctx->params[i]);
    free(ctx->params);
    ctx->params = NULL;
    ctx->nparams = 0;
    cq_scanner_close(ctx);
}

/* After an error: the offset just after the next ';' (token-aware), or len. */
static size_t skip_statement(struct cq_ctx *ctx)
{
    if (ctx->done) return ctx->semi_end;
    for (;;) {
        cq_token t;
        next(ctx, &t);
        int kind = t.kind;
        size_t end = t.loc.off + 1;
        cq_token_free(&t);
        if (kind == ';') return end;
        if (kind == TOK_END) return ctx->len;
    }
}

static int fail_nomem(parse_error *err)
{
    err->code = CLAIMDB_NOMEM;
    err->offset = 0;
    snprintf(err->message, sizeof err->message, "out of memory");
    return CLAIMDB_NOMEM;
}

int parse_statement(const char *text, size_t len, ast_stmt **out, size_t *consumed,
                    parse_error *err)
{
    return parse_statement_stop(text, len, NULL, out, consumed, err);
}

int parse_statement_stop(const char *text, size_t len, const volatile sig_atomic_t *stop,
                         ast_stmt **out, size_t *consumed, parse_error *err)
{
    parse_error dummy;
    size_t dummy_consumed;
    ast_stmt *dummy_out;
    if (!err) err = &dummy;
    if (!consumed) consumed = &dummy_consumed;
    if (!out) out = &dummy_out;
    memset(err, 0, sizeof *err);
    *out = NULL;
    *consumed = 0;
    if (!text) len = 0;
    if (len >= UINT32_MAX) {
        *consumed = len;
        err->code = CLAIMDB_TOOBIG;
        snprintf(err->message, sizeof err->message, "statement text too long");
        return CLAIMDB_TOOBIG;
    }

    struct cq_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.text = text ? text : "";
    ctx.len = len;
    ctx.err = err;
    ctx.stop = stop;
    ctx.cur_kind = ctx.prev_kind = TOK_END;
    if (cq_scanner_open(&ctx)) return fail_nomem(err);

    int rc = cq_yyparse(&ctx);
    if (ctx.stopped) {
        ast_stmt_free(ctx.result);
        ctx.result = NULL;
        ctx_close(&ctx);
        *consumed = len;
        memset(err, 0, sizeof *err);
        err->code = CLAIMDB_INTERRUPT;
        snprintf(err->message, sizeof err->message, "interrupted");
        return CLAIMDB_INTERRUPT;
    }
    if (rc == 0 && !err->code && !ctx.nomem) {
        ast_stmt *st = ctx.result;
        if (!st) {
            *consumed = len;
            ctx_close(&ctx);
            return 0;
        }
        *consumed = ctx.semi_end;
        st->params = ctx.params;
        st->nparams = ctx.nparams;
        ctx.params = NULL;
        ctx.nparams = 0;
        ctx_close(&ctx);
        if (ctx.has_deferred) {
            *err = ctx.deferred;
            ast_stmt_free(st);
            return err->code;
        }
        rc = check_statement(st, ctx.text, len, err);
        if (rc) {
            ast_stmt_free(st);
            return rc;
        }
        *out = st;
        return 0;
    }
    if (ctx.nomem) {
        ctx_close(&ctx);
        *consumed = len;
        return fail_nomem(err);
    }

    if (!err->code) {
        err->code = CLAIMDB_SYNTAX;
        err->offset = ctx.cur_loc.off;
        snprintf(err->message, sizeof err->message, "syntax error");
    }
    *consumed = skip_statement(&ctx);
    ctx_close(&ctx);
    return err->code;
}

int parse_complete(const char *text, size_t len)
{
    if (!text || len >= UINT32_MAX) return 0;
    parse_error err;
    memset(&err, 0, sizeof err);
    struct cq_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.text = text;
    ctx.len = len;
    ctx.err = &err;
    if (cq_scanner_open(&ctx)) return 0;
    /* Complete when the last token is ';': "CHECK a b c; CHECK" is still being typed (a
     * statement goes on after a whole one on the same line). */
    int complete = 0;
    for (;;) {
        cq_token t;
        scan(&ctx, &t);
        int kind = t.kind;
        cq_token_free(&t);
        if (kind == TOK_END) break;
        complete = kind == ';';
    }
    ctx_close(&ctx);
    return complete;
}

void parse_position(const char *text, size_t len, size_t offset, unsigned *line, unsigned *column)
{
    unsigned l = 1, c = 1;
    if (offset > len) offset = len;
    for (size_t i = 0; text && i < offset; i++) {
        unsigned char b = (unsigned char)text[i];
        if (b == '\n') {
            l++;
            c = 1;
        } else if ((b & 0xC0) != 0x80) {
            c++; /* count the first byte of each character (and each stray byte) */
        }
    }
    if (line) *line = l;
    if (column) *column = c;
}
