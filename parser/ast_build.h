/* ast_build.h — private to parser/: the constructors the grammar's actions call, the growable
 * lists it builds with, and the canonical printer.
 *
 * Ownership: a constructor that takes pointers or terms takes them over only when it succeeds.
 * When it fails (out of memory) it returns NULL/false and leaves its arguments untouched, so
 * that Bison's %destructor frees them with the rest of the stack.
 */
#ifndef CLAIMDB_AST_BUILD_H
#define CLAIMDB_AST_BUILD_H

#include "ast.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lists as the grammar grows them. */
typedef struct cq_values {
    ast_value *v;
    size_t n;
    ast_cited_mode mode; /* CITED BY: the connective seen first */
    bool mixed;          /* CITED BY: AND and OR both used */
    ast_loc mixed_at;    /* the first connective that differs from the first one */
} cq_values;
typedef struct cq_items {
    ast_item *v;
    size_t n; /* 0: FIND * */
} cq_items;
typedef struct cq_pats {
    ast_pattern *v;
    size_t n;
} cq_pats;
typedef struct cq_exprs {
    ast_expr **v;
    size_t n;
} cq_exprs;
typedef struct cq_orders {
    ast_order *v;
    size_t n;
} cq_orders;

ast_loc ast_loc_span(ast_loc a, ast_loc b); /* from a's start to b's end */

ast_term ast_term_make(ast_term_kind kind, char *text, ast_loc loc);
ast_term ast_term_none(void);
void ast_term_clear(ast_term *t);

ast_value ast_value_int(int64_t i, ast_loc loc);
ast_value ast_value_real(double r, ast_loc loc);
ast_value ast_value_str(ast_value_kind kind, char *s, ast_loc loc); /* STRING, DATE, PARAM */
ast_value ast_value_none(void);
void ast_value_clear(ast_value *v);

ast_expr *ast_expr_new(ast_expr_kind kind, ast_loc loc);
ast_expr *ast_expr_text(ast_expr_kind kind, char *text, ast_loc loc);
ast_expr *ast_expr_value(ast_expr_kind kind, ast_value v, ast_loc loc);
ast_expr *ast_expr_binary(ast_expr_kind kind, int op, ast_expr *a, ast_expr *b, ast_loc loc);
/* a AND b or a OR b (kind EXPR_AND or EXPR_OR): when a is already that kind, b joins its
 * operands (and a, now spanning loc, is returned), else a new node of two. NULL when out of
 * memory, having freed a and b. */
ast_expr *ast_expr_chain(ast_expr_kind kind, ast_expr *a, ast_expr *b, ast_loc loc);
/* name(arg), name(*) (arg NULL, star true) or name(DISTINCT arg): COUNT/MIN/MAX become
 * EXPR_AGG, everything else EXPR_CALL with text the lower-cased name. */
ast_expr *ast_expr_call(char *name, ast_expr *arg, bool star, bool distinct, ast_loc loc);

ast_pattern *ast_pattern_new(bool negated, ast_term s, ast_term p, ast_term o, ast_loc loc);
void ast_pattern_clear(ast_pattern *p);
void ast_pattern_free(ast_pattern *p);

void ast_item_clear(ast_item *it);
void ast_order_clear(ast_order *o);

ast_stmt *ast_stmt_new(ast_stmt_kind kind);

bool cq_values_push(cq_values *l, ast_value v);
void cq_values_clear(cq_values *l);
bool cq_items_push(cq_items *l, ast_item it);
void cq_items_clear(cq_items *l);
bool cq_pats_push(cq_pats *l, ast_pattern *p); /* takes p's contents and frees its shell */
void cq_pats_clear(cq_pats *l);
bool cq_exprs_push(cq_exprs *l, ast_expr *e);
void cq_exprs_clear(cq_exprs *l);
bool cq_orders_push(cq_orders *l, ast_order o);
void cq_orders_clear(cq_orders *l);

/* Canonical ClaimQL text of a statement (ended by ';'), malloc'ed; NULL when out of memory.
 * Printing a parsed statement and parsing the print gives the same print again. */
char *ast_print(const ast_stmt *stmt);

#endif /* CLAIMDB_AST_BUILD_H */
