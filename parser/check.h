/* check.h — the semantic checks of ClaimQL, run by parse_statement() after parsing.
 *
 * check_statement() checks a parsed statement and annotates it in place: for FIND and
 * EXPLAIN it assigns variable slots and kinds (ast_find.vars, ast_term.slot, ast_expr.slot),
 * expands FIND *, names the columns, sets ast_find.aggregate and turns ORDER BY words that
 * name a column into EXPR_COLUMN. The first error found is returned (CLAIMDB_SEMANTIC, or
 * CLAIMDB_NOMEM) and described in *err with the byte offset of the offending node; the
 * statement is then partly annotated and only good for ast_stmt_free().
 */
#ifndef CLAIMDB_CHECK_H
#define CLAIMDB_CHECK_H

#include "ast.h"
#include "parse.h"

#include <stddef.h>

/* text[0..len) is the text the statement was parsed from (for column names). */
int check_statement(ast_stmt *stmt, const char *text, size_t len, parse_error *err);

#endif /* CLAIMDB_CHECK_H */
