/* test_parser.c — the ClaimQL front end: lexer, grammar, driver, checks, printer.
 *
 * Most cases are data, in the files tests/parser/NAME.cases; each case is a statement followed by
 * what parse_statement() must make of it:
 *
 *     FIND * WHERE ?s demands ?o;          <- the statement (one or more lines)
 *     => FIND * WHERE ?s demands ?o;       <- canonical print of the checked statement
 *     cols: s, o                           <- optional: column names
 *     vars: s:term o:term                  <- optional: variables, slots in order, and kinds
 *     params: $a $b                        <- optional: the parameters, in order
 *     consumed: 27                         <- optional: bytes consumed
 *
 *     ASSERT a b c;
 *     !! SEMANTIC 1:13 ASSERT needs FROM ...   <- or: the error code, LINE:COL and message
 *
 * Cases are separated by blank lines; lines starting with '#' between cases are comments. A
 * block without an expectation line (a mistyped "=>") fails, as does an unknown expectation.
 * Every case that parses is printed, parsed again and printed again: both prints must agree.
 * The driver reports every failing case with its file and line before failing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ast_build.h"
#include "claimdb.h"
#include "keywords.h"
#include "parse.h"
#include "parser.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CLAIMDB_SOURCE_DIR
#define CLAIMDB_SOURCE_DIR "."
#endif

/* ---- helpers -------------------------------------------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    size_t k;
    while (s && (k = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (n + 1 == cap) {
            char *ns = realloc(s, cap *= 2);
            if (!ns) {
                free(s);
                s = NULL;
            }
            s = ns;
        }
    }
    fclose(f);
    if (s) s[n] = '\0';
    *len = n;
    return s;
}

static const char *code_name(int code)
{
    switch (code) {
    case CLAIMDB_SYNTAX:
        return "SYNTAX";
    case CLAIMDB_SEMANTIC:
        return "SEMANTIC";
    case CLAIMDB_NOMEM:
        return "NOMEM";
    case CLAIMDB_TOOBIG:
        return "TOOBIG";
    default:
        return "OTHER";
    }
}

static const char *var_kind_name(ast_var_kind k)
{
    switch (k) {
    case VAR_TERM:
        return "term";
    case VAR_ARTICLE:
        return "article";
    case VAR_QUOTE:
        return "quote";
    case VAR_CONFIDENCE:
        return "confidence";
    case VAR_POSITION:
        return "position";
    case VAR_SAID_ON:
        return "said_on";
    case VAR_STORED:
        return "stored";
    case VAR_REVIEW:
        return "review";
    case VAR_METHOD:
        return "method";
    case VAR_POLARITY:
        return "polarity";
    }
    return "?";
}

/* What parse_statement() made of text, in the notation of the case files. */
typedef struct outcome {
    char result[2048]; /* "=> print" or "!! CODE L:C message" */
    char cols[512], vars[512], params[512];
    size_t consumed;
    char *print;
} outcome;

static void describe(const char *text, size_t len, outcome *o)
{
    memset(o, 0, sizeof *o);
    ast_stmt *st = (ast_stmt *)1;
    parse_error err;
    int rc = parse_statement(text, len, &st, &o->consumed, &err);
    if (rc) {
        unsigned line, col;
        parse_position(text, len, err.offset, &line, &col);
        snprintf(o->result, sizeof o->result, "!! %s %u:%u %s", code_name(rc), line, col,
                 err.message);
        assert_null(st);
        return;
    }
    if (!st) {
        snprintf(o->result, sizeof o->result, "=> (empty)");
        return;
    }
    o->print = ast_print(st);
    assert_non_null(o->print);
    snprintf(o->result, sizeof o->result, "=> %s", o->print);
    if (st->kind == STMT_FIND || st->kind == STMT_EXPLAIN) {
        const ast_find *f = &st->u.find;
        size_t used = 0;
        for (size_t i = 0; i < f->nitems; i++)
            used += (size_t)snprintf(o->cols + used, sizeof o->cols - used, "%s%s", i ? ", " : "",
                                     f->items[i].name);
        used = 0;
        for (size_t i = 0; i < f->nvars; i++)
            used += (size_t)snprintf(o->vars + used, sizeof o->vars - used, "%s%s:%s", i ? " " : "",
                                     f->vars[i].name, var_kind_name(f->vars[i].kind));
    }
    size_t used = 0;
    for (size_t i = 0; i < st->nparams; i++)
        used += (size_t)snprintf(o->params + used, sizeof o->params - used, "%s%s", i ? " " : "",
                                 st->params[i]);
    ast_stmt_free(st);
}

/* ---- case files ----------------------------------------------------------------------------- */

static int failures;

static void mismatch(const char *file, int line, const char *what, const char *want,
                     const char *got)
{
    failures++;
    printf("%s:%d: %s\n  expected: %s\n  got:      %s\n", file, line, what, want, got);
}

static int run_case(const char *file, int line, const char *input, size_t inlen, char **expect,
                    int nexpect)
{
    outcome o;
    describe(input, inlen, &o);
    int before = failures;
    for (int i = 0; i < nexpect; i++) {
        const char *e = expect[i];
        if (!strncmp(e, "=> ", 3) || !strncmp(e, "!! ", 3)) {
            if (strcmp(e, o.result)) mismatch(file, line, "result", e, o.result);
        } else if (!strncmp(e, "cols: ", 6)) {
            if (strcmp(e + 6, o.cols)) mismatch(file, line, "columns", e + 6, o.cols);
        } else if (!strncmp(e, "vars: ", 6)) {
            if (strcmp(e + 6, o.vars)) mismatch(file, line, "variables", e + 6, o.vars);
        } else if (!strncmp(e, "params: ", 8)) {
            if (strcmp(e + 8, o.params)) mismatch(file, line, "parameters", e + 8, o.params);
        } else if (!strncmp(e, "consumed: ", 10)) {
            char got[32];
            snprintf(got, sizeof got, "%zu", o.consumed);
            if (strcmp(e + 10, got)) mismatch(file, line, "consumed", e + 10, got);
        } else {
            mismatch(file, line, "unknown expectation line",
                     "=>, !!, cols:, vars:, params:, consumed:", e);
        }
    }
    if (o.print) {
        /* round trip: the print parses to the same print */
        outcome again;
        describe(o.print, strlen(o.print), &again);
        if (strcmp(o.result, again.result))
            mismatch(file, line, "round trip", o.result, again.result);
        free(again.print);
        free(o.print);
    }
    return failures == before;
}

/* The end of a block of lines: a case (statement and expectations) runs; a block without an
 * expectation is a mistake in the file (a mistyped "=>" or "!!" would otherwise drop the case
 * silently), reported as a failure. */
static void end_block(const char *name, int start, const char *input, size_t inlen, char **expect,
                      int nexpect, int *ncases)
{
    if (nexpect > 0) {
        run_case(name, start, input, inlen, expect, nexpect);
        (*ncases)++;
    } else if (inlen > 0) {
        mismatch(name, start, "a case without an expectation", "a line starting \"=> \" or \"!! \"",
                 "none (mistyped?)");
    }
}

/* Run every case of a case file's text (modified in place); return how many cases ran. */
static int run_text(char *data, const char *name)
{
    int ncases = 0;
    char *input = malloc(strlen(data) + 1);
    assert_non_null(input);
    char *expect[16];
    int nexpect = 0, start = 0, lineno = 0;
    size_t inlen = 0;
    char *p = data;
    while (*p) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        char *line = p;
        p = nl ? nl + 1 : p + n;
        line[n] = '\0';
        if (n == 0) {
            end_block(name, start, input, inlen, expect, nexpect, &ncases);
            inlen = 0;
            nexpect = 0;
            continue;
        }
        if (nexpect == 0 && inlen == 0 && line[0] == '#') continue;
        if (!strncmp(line, "=> ", 3) || !strncmp(line, "!! ", 3) || nexpect > 0) {
            if (nexpect == 0 && inlen == 0) start = lineno;
            assert_true(nexpect < 16);
            expect[nexpect++] = line;
            continue;
        }
        if (inlen == 0)
            start = lineno;
        else
            input[inlen++] = '\n';
        memcpy(input + inlen, line, n);
        inlen += n;
        input[inlen] = '\0';
    }
    end_block(name, start, input, inlen, expect, nexpect, &ncases);
    free(input);
    return ncases;
}

static int run_file(const char *path, const char *name)
{
    size_t len;
    char *data = read_all(path, &len);
    assert_non_null(data);
    int ncases = run_text(data, name);
    free(data);
    return ncases;
}

/* The driver fails on a malformed case file instead of skipping what it cannot read. */
static void test_malformed_case_files(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int cases; /* cases that run */
    } bad[] = {
        /* "=>" without its space: no expectation, the case would be dropped */
        {"FIND ?s WHERE ?s p o;\n=>FIND ?s WHERE ?s p o;\n", 0},
        /* "!!" mistyped as "!": likewise, and before a good case */
        {"ASSERT a b c;\n! SEMANTIC 1:13 ASSERT needs FROM\n\nCHECK a b c;\n=> CHECK a b c;\n", 1},
        /* an unknown expectation line */
        {"CHECK a b c;\n=> CHECK a b c;\ncolumns: x\n", 1},
        /* an expectation that does not hold */
        {"CHECK a b c;\n=> CHECK a b d;\n", 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *text = strdup(bad[i].text);
        assert_non_null(text);
        failures = 0;
        int cases = run_text(text, "malformed.cases");
        free(text);
        if (failures != 1 || cases != bad[i].cases)
            fail_msg("malformed case %zu: %d failures, %d cases run (want 1 and %d)", i, failures,
                     cases, bad[i].cases);
    }
    failures = 0;
}

static void test_case_files(void **state)
{
    (void)state;
    const char *dir = CLAIMDB_SOURCE_DIR "/tests/parser";
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    int files = 0, cases = 0;
    failures = 0;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 6, ".cases")) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        cases += run_file(path, de->d_name);
        files++;
    }
    closedir(d);
    printf("%d case files, %d cases, %d mismatches\n", files, cases, failures);
    assert_true(files > 0);
    assert_true(cases > 100);
    assert_int_equal(failures, 0);
}

/* ---- the scanner and the keyword table ------------------------------------------------------ */

/* The kind of the first token of text, and its string value (freed by the caller). */
static int first_token(const char *text, char **str)
{
    parse_error err;
    memset(&err, 0, sizeof err);
    struct cq_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.text = text;
    ctx.len = strlen(text);
    ctx.err = &err;
    assert_int_equal(cq_scanner_open(&ctx), 0);
    cq_token t;
    memset(&t, 0, sizeof t);
    t.kind = cq_scan_token(&t.val, &t.loc, &ctx);
    int kind = t.kind;
    if (str) {
        *str = NULL;
        if (kind == TOK_WORD || kind == TOK_FUNC || kind == TOK_STRING || kind == TOK_VAR ||
            kind == TOK_PARAM || kind == TOK_LEXERR) {
            *str = t.val.str;
            t.val.str = NULL;
        }
    }
    cq_token_free(&t);
    cq_scanner_close(&ctx);
    return kind;
}

static void test_keywords_lex_as_keywords(void **state)
{
    (void)state;
    assert_true(parse_keyword_count() > 20);
    assert_null(parse_keyword_name(-1));
    assert_null(parse_keyword_name(parse_keyword_count()));
    for (int i = 0; i < parse_keyword_count(); i++) {
        const parse_keyword *k = parse_keyword_entry(i);
        assert_string_equal(parse_keyword_name(i), k->name);
        if (i > 0) assert_true(strcmp(parse_keyword_name(i - 1), k->name) < 0); /* sorted */
        char lower[32], call[40];
        size_t n = strlen(k->name);
        for (size_t j = 0; j <= n; j++)
            lower[j] =
                (char)(k->name[j] >= 'A' && k->name[j] <= 'Z' ? k->name[j] + 32 : k->name[j]);
        char *s = NULL;
        if (k->flags & (KW_RESERVED | KW_CONTEXTUAL)) {
            assert_int_equal(first_token(k->name, NULL), k->token);
            assert_int_equal(first_token(lower, NULL), k->token);
            lower[0] = k->name[0]; /* Mixed case */
            assert_int_equal(first_token(lower, NULL), k->token);
        } else {
            /* a function name alone is a plain word */
            assert_int_equal(first_token(lower, &s), TOK_WORD);
            assert_string_equal(s, lower);
            free(s);
        }
        if (k->flags & KW_FUNCTION) {
            snprintf(call, sizeof call, "%s(?x)", k->name);
            assert_int_equal(first_token(call, &s), TOK_FUNC);
            assert_string_equal(s, k->name);
            free(s);
        }
    }
}

/* Contextual keywords are bare terms; reserved ones are not. */
static void test_keywords_as_terms(void **state)
{
    (void)state;
    for (int i = 0; i < parse_keyword_count(); i++) {
        const parse_keyword *k = parse_keyword_entry(i);
        char text[128];
        snprintf(text, sizeof text, "FIND ?x WHERE ?x %s o;", k->name);
        ast_stmt *st = NULL;
        size_t used;
        parse_error err;
        int rc = parse_statement(text, strlen(text), &st, &used, &err);
        if (k->flags & KW_RESERVED) {
            assert_int_equal(rc, CLAIMDB_SYNTAX);
        } else {
            if (rc) print_message("%s: %s\n", text, err.message);
            assert_int_equal(rc, 0);
            assert_int_equal(st->u.find.pats[0].p.kind, TERM_CONST);
            assert_string_equal(st->u.find.pats[0].p.text, k->name);
            ast_stmt_free(st);
        }
    }
}

static void test_scanner_tokens(void **state)
{
    (void)state;
    char *s;
    assert_int_equal(first_token("_", NULL), TOK_ANON);
    assert_int_equal(first_token("_x", &s), TOK_WORD);
    assert_string_equal(s, "_x");
    free(s);
    assert_int_equal(first_token("al-Baghdadi -- c", &s), TOK_WORD);
    assert_string_equal(s, "al-Baghdadi");
    free(s);
    assert_int_equal(first_token("U.S.", &s), TOK_WORD);
    assert_string_equal(s, "U.S.");
    free(s);
    assert_int_equal(first_token("x--comment", &s), TOK_WORD);
    assert_string_equal(s, "x");
    free(s);
    assert_int_equal(first_token("Ελλάδα", &s), TOK_WORD);
    assert_string_equal(s, "Ελλάδα");
    free(s);
    assert_int_equal(first_token("?ville_2", &s), TOK_VAR);
    assert_string_equal(s, "ville_2");
    free(s);
    assert_int_equal(first_token("$p", &s), TOK_PARAM);
    assert_string_equal(s, "$p");
    free(s);
    assert_int_equal(first_token("\"a\\u00e9\\n\\t\\\\\\\"\\'\"", &s), TOK_STRING);
    assert_string_equal(s, "a\xc3\xa9\n\t\\\"'");
    free(s);
    assert_int_equal(first_token("'\\ud83d\\ude00'", &s), TOK_STRING);
    assert_string_equal(s, "\xf0\x9f\x98\x80");
    free(s);
    assert_int_equal(first_token("2021-07-18", NULL), TOK_DATE_LIT);
    assert_int_equal(first_token("-3", NULL), TOK_INT);
    assert_int_equal(first_token("0.25", NULL), TOK_REAL);
    assert_int_equal(first_token("<>", NULL), TOK_NE);
    assert_int_equal(first_token("-- only a comment", NULL), TOK_END);
    assert_int_equal(first_token("\xe2\x80\x9cx", &s), TOK_LEXERR); /* a curly quote */
    assert_string_equal(s, "unexpected character '\xe2\x80\x9c'");
    free(s);
    assert_int_equal(first_token("99999999999999999999", &s), TOK_LEXERR);
    free(s);
}

/* ---- the driver ----------------------------------------------------------------------------- */

static void test_recovery_and_consumed(void **state)
{
    (void)state;
    const char *text = "FIND ?x WHERE ?x \"a;b\" ; -- ; comment\n"
                       "ASSERT a b c FROM 1;\n"
                       "FIND ?x WHERE ?x demands 'x;' 4 ; ; BEGIN;";
    size_t len = strlen(text), off = 0;
    const int want_rc[] = {CLAIMDB_SYNTAX, 0, CLAIMDB_SYNTAX, CLAIMDB_SYNTAX, 0, 0};
    const char *want_rest[] = {" -- ; comment\nASSERT", "\nFIND", " ; BEGIN;", " BEGIN;", "", ""};
    for (int i = 0; i < 6; i++) {
        ast_stmt *st = NULL;
        size_t used = 0;
        parse_error err;
        int rc = parse_statement(text + off, len - off, &st, &used, &err);
        assert_int_equal(rc, want_rc[i]);
        off += used;
        assert_true(off <= len);
        assert_memory_equal(text + off, want_rest[i], strlen(want_rest[i]));
        if (i == 4) {
            assert_non_null(st);
            assert_int_equal(st->kind, STMT_BEGIN);
        }
        if (i == 5) assert_null(st); /* only white space left */
        ast_stmt_free(st);
    }
    assert_int_equal(off, len);

    /* an unterminated string swallows the rest: consumed is everything */
    ast_stmt *st = NULL;
    size_t used = 0;
    parse_error err;
    const char *bad = "FIND ?x WHERE ?x p \"open; FIND ?x WHERE ?x p o;";
    assert_int_equal(parse_statement(bad, strlen(bad), &st, &used, &err), CLAIMDB_SYNTAX);
    assert_int_equal(used, strlen(bad));
    assert_int_equal(err.offset, 19);
    assert_string_equal(err.message, "unterminated string");

    /* a statement without ';' at the end */
    const char *open = "FIND ?x WHERE ?x p o";
    assert_int_equal(parse_statement(open, strlen(open), &st, &used, &err), CLAIMDB_SYNTAX);
    assert_int_equal(used, strlen(open));
    assert_int_equal(err.offset, strlen(open));

    /* 8-bit clean: a NUL byte is an error at its place, not the end of the text */
    const char nul[] = "FIND ?x WHERE ?x p \0; FIND ?x WHERE ?x p \"a\0b\"; BEGIN;";
    size_t nlen = sizeof nul - 1, noff = 0;
    assert_int_equal(parse_statement(nul, nlen, &st, &used, &err), CLAIMDB_SYNTAX);
    assert_int_equal(err.offset, 19);
    assert_string_equal(err.message, "unexpected character U+0000");
    assert_int_equal(used, 21);
    noff += used;
    assert_int_equal(parse_statement(nul + noff, nlen - noff, &st, &used, &err), CLAIMDB_SYNTAX);
    assert_int_equal(err.offset, 22);
    assert_string_equal(err.message, "unexpected character U+0000 in a string");
    noff += used;
    assert_int_equal(parse_statement(nul + noff, nlen - noff, &st, &used, &err), 0);
    assert_int_equal(st->kind, STMT_BEGIN);
    ast_stmt_free(st);

    /* a length shorter than the string: the rest is not looked at */
    assert_int_equal(parse_statement("BEGIN; garbage", 6, &st, &used, &err), 0);
    assert_int_equal(used, 6);
    ast_stmt_free(st);
    assert_int_equal(parse_statement("BEGIN; garbage", 5, &st, &used, &err), CLAIMDB_SYNTAX);
    assert_int_equal(used, 5);
}

static void test_position_counts_characters(void **state)
{
    (void)state;
    const char *t = "FIND ?x\nWHERE \"\xc3\x9c"
                    "berraschung\" demands ;";
    unsigned line, col;
    parse_position(t, strlen(t), 0, &line, &col);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    size_t semi = (size_t)(strchr(t, ';') - t);
    parse_position(t, strlen(t), semi, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 30); /* 31 bytes into the line, one character of two bytes */
    parse_position(t, strlen(t), 1000, &line, &col); /* clamped to the end */
    assert_int_equal(line, 2);
    assert_int_equal(col, 31);

    ast_stmt *st;
    size_t used;
    parse_error err;
    assert_int_equal(parse_statement(t, strlen(t), &st, &used, &err), CLAIMDB_SYNTAX);
    assert_int_equal(err.offset, semi);
    assert_string_equal(err.message, "syntax error: expected a term, a variable or '_' after "
                                     "'demands', found ';'");
}

static void test_complete(void **state)
{
    (void)state;
    const struct {
        const char *text;
        int want;
    } cases[] = {
        {"", 0},
        {"FIND ?x WHERE ?x p o", 0},
        {"FIND ?x WHERE ?x p o;", 1},
        {"FIND ?x WHERE ?x p \"o;", 0},
        {"FIND ?x WHERE ?x p 'o;' ", 0},
        {"FIND ?x WHERE ?x p o -- ;", 0},
        {"FIND ?x WHERE ?x p o -- ;\n;", 1},
        {"\xff;", 1},
        {";", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (parse_complete(cases[i].text, strlen(cases[i].text)) != cases[i].want)
            fail_msg("parse_complete(\"%s\") != %d", cases[i].text, cases[i].want);
    }
    assert_int_equal(parse_complete(NULL, 0), 0);
}

static void test_params_in_order(void **state)
{
    (void)state;
    const char *t = "FIND ?x WHERE $s $p ?x FROM ?src CITED BY $a AND $b FILTER ?x != $s "
                    "LIMIT $n OFFSET $a;";
    ast_stmt *st;
    size_t used;
    parse_error err;
    assert_int_equal(parse_statement(t, strlen(t), &st, &used, &err), 0);
    const char *want[] = {"$s", "$p", "$a", "$b", "$n"};
    assert_int_equal(st->nparams, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(st->params[i], want[i]);
    assert_int_equal(st->u.find.pats[0].ncited, 2);
    assert_int_equal(st->u.find.pats[0].cited[1].kind, VAL_PARAM);
    assert_int_equal(st->u.find.limit.kind, VAL_PARAM);
    ast_stmt_free(st);
}

static void test_tree_shapes(void **state)
{
    (void)state;
    const char *t = "FIND ?who, COUNT(*) AS n WHERE ?who demands ?what FROM ?src QUOTE ?q "
                    "CONFIDENCE ?c AND NOT ?who accepts ?what CITED BY 1 OR 2 "
                    "WITHOUT ?what is_a obsolete GROUP BY ?who ORDER BY n DESC, ?who;";
    ast_stmt *st;
    size_t used;
    parse_error err;
    int rc = parse_statement(t, strlen(t), &st, &used, &err);
    if (rc) fail_msg("%s", err.message);
    const ast_find *f = &st->u.find;
    assert_true(f->aggregate);
    assert_int_equal(f->npats, 3);
    assert_false(f->pats[0].negated);
    assert_true(f->pats[1].negated);
    assert_int_equal(f->pats[1].cited_mode, CITED_ANY);
    assert_true(f->pats[2].without);
    assert_int_equal(f->pats[0].from.slot, 2);
    assert_int_equal(f->vars[2].kind, VAR_ARTICLE);
    assert_int_equal(f->vars[3].kind, VAR_QUOTE);
    assert_int_equal(f->vars[4].kind, VAR_CONFIDENCE);
    assert_int_equal(f->pats[2].s.slot, 1);
    assert_int_equal(f->items[0].expr->slot, 0);
    assert_int_equal(f->items[1].expr->kind, EXPR_AGG);
    assert_int_equal(f->items[1].expr->op, AGG_COUNT_STAR);
    assert_int_equal(f->order[0].expr->kind, EXPR_COLUMN);
    assert_int_equal(f->order[0].expr->op, 1);
    assert_true(f->order[0].desc);
    assert_int_equal(f->order[1].expr->kind, EXPR_VAR);
    assert_int_equal(f->order[1].expr->slot, 0);
    assert_int_equal(f->group[0]->slot, 0);
    assert_int_equal(st->loc.off, 0);
    assert_int_equal(st->loc.len, strlen(t));
    assert_int_equal(f->pats[0].loc.off, 31);
    ast_stmt_free(st);
}

/* POLARITY binds a variable of its own kind; GROUP BY an item name becomes that column; HAVING
 * words that are AS names become columns, its aggregates stay aggregates; BOUND is EXPR_EMPTY. */
static void test_group_shapes(void **state)
{
    (void)state;
    const char *t =
        "FIND outlet(?src) AS o, ?pol, COUNT(*) AS n WHERE ?s ?p ?o FROM ?src POLARITY ?pol "
        "FILTER BOUND(?s) GROUP BY o, ?pol HAVING n > 1 AND COUNT(DISTINCT ?s) > o;";
    ast_stmt *st;
    size_t used;
    parse_error err;
    int rc = parse_statement(t, strlen(t), &st, &used, &err);
    if (rc) fail_msg("%s", err.message);
    const ast_find *f = &st->u.find;
    assert_true(f->aggregate);
    assert_int_equal(f->vars[f->pats[0].polarity.slot].kind, VAR_POLARITY);
    assert_int_equal(f->filter->kind, EXPR_EMPTY);
    assert_int_equal(f->filter->op, EMPTY_BOUND);
    assert_int_equal(f->ngroup, 2);
    assert_int_equal(f->group[0]->kind, EXPR_COLUMN);
    assert_int_equal(f->group[0]->op, 0);
    assert_int_equal(f->group[1]->kind, EXPR_VAR);
    const ast_expr *h = f->having;
    assert_int_equal(h->kind, EXPR_AND);
    assert_int_equal(h->args[0]->a->kind, EXPR_COLUMN);
    assert_int_equal(h->args[0]->a->op, 2);
    assert_int_equal(h->args[1]->a->kind, EXPR_AGG);
    assert_int_equal(h->args[1]->a->op, AGG_COUNT_DISTINCT);
    assert_int_equal(h->args[1]->b->kind, EXPR_COLUMN);
    assert_int_equal(h->args[1]->b->op, 0);
    ast_stmt_free(st);
}

static void test_free_null(void **state)
{
    (void)state;
    ast_stmt_free(NULL);
    ast_expr_free(NULL);
    ast_pattern_free(NULL);
    ast_stmt *st = (ast_stmt *)1;
    size_t used = 7;
    parse_error err;
    assert_int_equal(parse_statement(NULL, 0, &st, &used, &err), 0);
    assert_null(st);
    assert_int_equal(used, 0);
    assert_int_equal(parse_statement("  -- nothing\n", 13, &st, &used, &err), 0);
    assert_null(st);
    assert_int_equal(used, 13);
}

/* Every prefix of some statements: errors of every kind, in every state of the parser, must
 * leave nothing behind (ASan's leak check runs at exit) and report an offset in the text. */
static void test_every_prefix(void **state)
{
    (void)state;
    const char *stmts[] = {
        "FIND DISTINCT ?s, title(?src) AS t, COUNT(DISTINCT ?o) WHERE ?s \"p q\" ?o CITED BY 1 "
        "AND $b FROM ?src QUOTE ?q BY ?w CONFIDENCE ?c INDEPENDENT SOURCES >= 2 AND WITHOUT ?s x "
        "?o FILTER (?o ~ \"a\" OR NOT ?q LIKE 'b%') AND ?c > 0.5 AND 2021-01-01 < date(?src) "
        "GROUP BY ?s, ?src ORDER BY t DESC, COUNT(DISTINCT ?o) LIMIT 3 OFFSET $o;",
        "ASSERT NOT a b c FROM 1, $x QUOTE 'q' BY w CONFIDENCE 1;",
        "ARTICLE 4 TITLE \"t\" OUTLET $o DATE 2018-10-13 URL 'u' AUTHOR 'a' TEXT 't' "
        "DUPLICATE OF 3;",
        "EXPLAIN FIND * WHERE ?x p ?y;",
    };
    for (size_t s = 0; s < sizeof stmts / sizeof stmts[0]; s++) {
        size_t len = strlen(stmts[s]);
        for (size_t n = 0; n <= len; n++) {
            ast_stmt *st = NULL;
            size_t used;
            parse_error err;
            int rc = parse_statement(stmts[s], n, &st, &used, &err);
            if (n == len && rc) fail_msg("%s: %s", stmts[s], err.message);
            if (rc) {
                assert_null(st);
                assert_true(err.offset <= n);
                assert_true(err.message[0] != '\0');
            }
            assert_true(used <= n);
            ast_stmt_free(st);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_files),
        cmocka_unit_test(test_malformed_case_files),
        cmocka_unit_test(test_keywords_lex_as_keywords),
        cmocka_unit_test(test_keywords_as_terms),
        cmocka_unit_test(test_scanner_tokens),
        cmocka_unit_test(test_recovery_and_consumed),
        cmocka_unit_test(test_position_counts_characters),
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_params_in_order),
        cmocka_unit_test(test_tree_shapes),
        cmocka_unit_test(test_group_shapes),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_every_prefix),
    };
    return cmocka_run_group_tests_name("parser", tests, NULL, NULL);
}
