/* parse.h — ClaimQL text to checked statements.
 *
 * The one entry point from db/ into the parser: parse one statement, check it, and report
 * errors as a byte offset plus a message. Nothing here prints or touches storage.
 */
#ifndef CLAIMDB_PARSE_H
/* Limits of one statement (docs/language.md, section 10): far beyond what a person or a
 * program writes, and low enough that the checks and the planner, which compare names and
 * patterns pairwise, stay fast on hostile input. */
#define CQ_MAX_PARAMS 1000   /* distinct $names */
#define CQ_MAX_VARS 1000     /* distinct ?names */
#define CQ_MAX_PATTERNS 1000 /* patterns of one FIND, WITHOUT ones included */
#define CLAIMDB_PARSE_H

#include "ast.h"

#include <signal.h>
#include <stddef.h>

typedef struct parse_error {
    int code;          /* CLAIMDB_SYNTAX or CLAIMDB_SEMANTIC (or CLAIMDB_NOMEM) */
    size_t offset;     /* byte offset of the error in the parsed text */
    char message[512]; /* without position, e.g. "syntax error: expected a term, ... found ';'" */
} parse_error;

/* Parse and check the first statement of text[0..len).
 * On success returns 0, sets *out (NULL when only white space and comments remain) and
 * *consumed to the bytes up to and including the statement's ';' (or len).
 * On error returns the error code, fills *err, sets *out to NULL and *consumed to the bytes up
 * to and including the next ';' at or after the error (token-aware: a ';' in a string or a
 * comment does not count), or len, so that the caller can go on with the next statement.
 * A statement at the end of text without its ';' is a syntax error. */
int parse_statement(const char *text, size_t len, ast_stmt **out, size_t *consumed,
                    parse_error *err);
/* As parse_statement, stopping with CLAIMDB_INTERRUPT ("interrupted", *consumed = len) when
 * *stop becomes nonzero while the text is read (claimdb_interrupt() during a long prepare). */
int parse_statement_stop(const char *text, size_t len, const volatile sig_atomic_t *stop,
                         ast_stmt **out, size_t *consumed, parse_error *err);

/* 1 when text holds a statement ended by ';' outside strings and comments (see
 * claimdb_complete()), else 0. */
int parse_complete(const char *text, size_t len);

/* The keyword table, upper case, for completion: count and i-th entry (NULL out of range). */
int parse_keyword_count(void);
const char *parse_keyword_name(int i);

/* Line and column (1-based; the column counts characters, not bytes) of offset in text. */
void parse_position(const char *text, size_t len, size_t offset, unsigned *line, unsigned *column);

#endif /* CLAIMDB_PARSE_H */
