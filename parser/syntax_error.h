/* syntax_error.h — private to parser/: the message of a syntax error, from what the parser
 * could have taken where it stopped. The grammar's yyreport_syntax_error only translates
 * Bison's symbols into this form. */
#ifndef CLAIMDB_SYNTAX_ERROR_H
#define CLAIMDB_SYNTAX_ERROR_H

#include <stddef.h>

struct cq_ctx;

/* What an expected token is, as far as the message cares. */
typedef enum cq_expect_kind {
    EXP_SKIP,    /* the error token, an invalid token: never named */
    EXP_EOF,     /* end of input */
    EXP_WORD,    /* a bare word */
    EXP_STRING,  /* a quoted string */
    EXP_VAR,     /* ?name */
    EXP_PARAM,   /* $name */
    EXP_FUNC,    /* name( */
    EXP_DATE,    /* YYYY-MM-DD */
    EXP_INT,     /* a whole number */
    EXP_REAL,    /* a decimal number */
    EXP_ANON,    /* _ */
    EXP_AND_NUM, /* AND before an article id */
    EXP_TOKEN,   /* a keyword (name "WHERE") or punctuation (name "','") */
} cq_expect_kind;

typedef struct cq_expected {
    cq_expect_kind kind;
    const char *name; /* EXP_TOKEN: as Bison names it */
} cq_expected;

/* Record in ctx the syntax error at byte offset off, where the parser could have taken
 * exp[0..n); ctx's last tokens say what came before and what was found. Does nothing when an
 * error is recorded already. */
void cq_syntax_error(struct cq_ctx *ctx, const cq_expected *exp, int n, size_t off);

#endif /* CLAIMDB_SYNTAX_ERROR_H */
