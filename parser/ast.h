/* ast.h — the ClaimQL syntax tree, as built by grammar/parser.y and checked by check.c.
 *
 * The tree is plain data: the grammar's actions only call the ast_* constructors, the checker
 * annotates (variable slots and kinds, column names), and db/ plans and executes from it.
 * Every node carries its location as a byte range in the text given to the parser; line and
 * column are computed only when an error is reported. Everything is freed by ast_stmt_free().
 */
#ifndef CLAIMDB_AST_H
#define CLAIMDB_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ast_loc {
    uint32_t off; /* byte offset of the first byte in the parsed text */
    uint32_t len; /* bytes */
} ast_loc;

/* A term position (subject, predicate, object, claimant, ...). */
typedef enum ast_term_kind {
    TERM_NONE = 0, /* absent (an optional slot that was not written) */
    TERM_CONST,    /* a bare word or quoted string; text is the unescaped UTF-8 value */
    TERM_VAR,      /* ?name; text is the name without '?' */
    TERM_ANON,     /* _ ; text is NULL */
    TERM_PARAM,    /* $name; text is the name with its '$' */
} ast_term_kind;

typedef struct ast_term {
    ast_term_kind kind;
    char *text;
    ast_loc loc;
    int slot; /* TERM_VAR after checking: index into ast_find.vars; else -1 */
} ast_term;

/* A number, article id or string value that may be a parameter instead. */
typedef enum ast_value_kind {
    VAL_NONE = 0,
    VAL_INT,    /* i */
    VAL_REAL,   /* r */
    VAL_STRING, /* s (unescaped UTF-8) */
    VAL_DATE,   /* s, "YYYY-MM-DD", validated by the parser */
    VAL_PARAM,  /* s is the name with '$' */
} ast_value_kind;

typedef struct ast_value {
    ast_value_kind kind;
    int64_t i;
    double r;
    char *s;
    ast_loc loc;
} ast_value;

typedef enum ast_cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE } ast_cmp;

typedef enum ast_cited_mode { CITED_NONE = 0, CITED_ALL, CITED_ANY } ast_cited_mode;

/* One pattern of FIND's WHERE, or a WITHOUT pattern. */
typedef struct ast_pattern {
    bool negated; /* NOT s p o: matches negative claims */
    bool without; /* WITHOUT s p o: negation as failure */
    ast_term s, p, o;
    ast_cited_mode cited_mode; /* CITED BY a AND b (ALL) / a OR b (ANY) */
    ast_value *cited;          /* article ids (VAL_INT or VAL_PARAM) */
    size_t ncited;
    ast_term from;       /* FROM ?src: TERM_VAR, or TERM_NONE */
    ast_term quote;      /* QUOTE ?q: TERM_VAR, or TERM_NONE */
    ast_term by;         /* BY ?who: TERM_VAR or TERM_CONST, or TERM_NONE */
    ast_term confidence; /* CONFIDENCE ?c: TERM_VAR, or TERM_NONE */
    ast_term at, to;     /* AT ?start, TO ?end (where the quote is): TERM_VAR, or TERM_NONE */
    ast_term on;         /* ON ?d (the date the claim was made): TERM_VAR, or TERM_NONE */
    ast_term stored;     /* STORED ?t (when the citation was stored): TERM_VAR, or TERM_NONE */
    ast_term reviewed;   /* REVIEWED ?r (a fact-check review of the triple): TERM_VAR, or
                          * TERM_NONE; the pattern then ranges over the reviewed triples */
    ast_term method;     /* METHOD ?m (how the citation got in): TERM_VAR, or TERM_NONE */
    ast_term polarity;   /* POLARITY ?pol: TERM_VAR, or TERM_NONE; the pattern then matches
                          * claims of both polarities and binds "+" or "-" */
    bool has_sources;    /* [INDEPENDENT] SOURCES op n */
    bool independent;
    ast_cmp sources_op;
    ast_value sources_n; /* VAL_INT or VAL_PARAM */
    ast_loc loc;
} ast_pattern;

typedef enum ast_expr_kind {
    EXPR_VAR,    /* text = name, slot set by the checker */
    EXPR_TERM,   /* text = a bare word or string (in ORDER BY a bare word may name a column) */
    EXPR_NUMBER, /* value.kind VAL_INT or VAL_REAL */
    EXPR_DATE,   /* value.s */
    EXPR_PARAM,  /* text = "$name" */
    EXPR_CMP,    /* a op b; op is an ast_cmp */
    EXPR_AND,    /* a AND b */
    EXPR_OR,     /* a OR b */
    EXPR_NOT,    /* NOT a */
    EXPR_REGEX,  /* a ~ text (the regex source) */
    EXPR_LIKE,   /* a LIKE text (the pattern) */
    EXPR_MATCH,  /* a MATCH b: b the words to find (EXPR_TERM, a string, or EXPR_PARAM) */
    EXPR_CALL,   /* text(a): title, date, outlet (the checker rejects other names) */
    EXPR_AGG,    /* op is an ast_agg; a is the argument (NULL for COUNT(*)) */
    EXPR_COLUMN, /* set by the checker: an ORDER BY, GROUP BY or HAVING word naming a select
                  * item; op = index */
    EXPR_EMPTY,  /* a IS EMPTY (op EMPTY_IS), a IS NOT EMPTY (op EMPTY_NOT), BOUND(a) (op
                  * EMPTY_BOUND): whether a has a value */
} ast_expr_kind;

enum { EMPTY_IS, EMPTY_NOT, EMPTY_BOUND };

typedef enum ast_agg { AGG_COUNT_STAR, AGG_COUNT, AGG_COUNT_DISTINCT, AGG_MIN, AGG_MAX } ast_agg;

typedef struct ast_expr {
    ast_expr_kind kind;
    int op;
    char *text;
    ast_value value;
    struct ast_expr *a, *b;
    /* EXPR_AND, EXPR_OR: the operands in order (a and b are NULL). A chain a OR b OR ... is
     * one node, so that no walk over a condition recurses once per operator. */
    struct ast_expr **args;
    size_t nargs;
    int slot; /* EXPR_VAR after checking; else -1 */
    ast_loc loc;
} ast_expr;

typedef struct ast_item {
    ast_expr *expr;
    char *alias; /* AS name, or NULL */
    char *name;  /* column name: alias, else variable name, else the expression's text */
} ast_item;

typedef struct ast_order {
    ast_expr *expr;
    bool desc;
} ast_order;

/* What a variable holds, decided by the checker from where it is bound. */
typedef enum ast_var_kind {
    VAR_TERM,       /* bound in s/p/o or BY: a term id */
    VAR_ARTICLE,    /* bound by FROM: an article id */
    VAR_QUOTE,      /* bound by QUOTE: a string */
    VAR_CONFIDENCE, /* bound by CONFIDENCE: a real */
    VAR_POSITION,   /* bound by AT or TO: an integer (characters into the article's text) */
    VAR_SAID_ON,    /* bound by ON: a date (text) */
    VAR_STORED,     /* bound by STORED: a UTC time (text) */
    VAR_REVIEW,     /* bound by REVIEWED: a review (its URL, as text) */
    VAR_METHOD,     /* bound by METHOD: curated, imported or extracted (text) */
    VAR_POLARITY,   /* bound by POLARITY: "+" or "-" (text) */
} ast_var_kind;

typedef struct ast_var {
    char *name; /* without '?' */
    ast_var_kind kind;
    ast_loc first; /* first occurrence */
} ast_var;

typedef struct ast_find {
    bool distinct;
    bool star; /* FIND *: the checker expands it into items */
    ast_item *items;
    size_t nitems;
    ast_pattern *pats; /* positive, NOT and WITHOUT patterns in written order */
    size_t npats;
    ast_expr *filter; /* or NULL */
    ast_expr **group; /* EXPR_VAR, EXPR_CALL of a variable, or (after checking) EXPR_COLUMN
                       * naming an item that is one of those */
    size_t ngroup;
    ast_expr *having; /* or NULL; may read aggregates and EXPR_COLUMN (an AS name) */
    ast_order *order;
    size_t norder;
    ast_value limit;  /* VAL_NONE, VAL_INT or VAL_PARAM */
    ast_value offset; /* VAL_NONE, VAL_INT or VAL_PARAM */
    /* filled by the checker */
    ast_var *vars;
    size_t nvars;
    bool aggregate; /* any aggregate in items: one row per group */
} ast_find;

/* ASSERT [NOT] s p o FROM a, b QUOTE "q" BY who CONFIDENCE c ON d;
 * RETRACT [NOT] s p o [FROM a, b [QUOTE "q"]];
 * CHECK [NOT] s p o; EVIDENCE s p o; */
typedef struct ast_claim_stmt {
    bool negated;
    ast_term s, p, o;    /* TERM_CONST or TERM_PARAM */
    ast_value *articles; /* VAL_INT or VAL_PARAM; RETRACT without FROM: none */
    size_t narticles;
    ast_value quote;      /* VAL_NONE, VAL_STRING or VAL_PARAM */
    ast_term by;          /* TERM_NONE, TERM_CONST or TERM_PARAM */
    ast_value confidence; /* VAL_NONE, VAL_INT, VAL_REAL or VAL_PARAM */
    ast_value said_on;    /* VAL_NONE, VAL_DATE or VAL_PARAM */
    bool reviews;         /* CHECK … REVIEWS: the review side too */
} ast_claim_stmt;

/* ARTICLE id [TITLE s] [OUTLET s] [DATE d] [URL s] [AUTHOR s] [TEXT s] [DUPLICATE OF id]; */
typedef struct ast_article_stmt {
    ast_value id;                                     /* VAL_INT or VAL_PARAM */
    ast_value title, outlet, date, url, author, text; /* VAL_NONE when not written */
    ast_value duplicate_of;                           /* VAL_NONE, VAL_INT or VAL_PARAM */
} ast_article_stmt;

/* REVIEW [[NOT] s p o] URL u [TEXT t] [BY org] [RATING r] [DATE d] [ON d] [CLAIMANT c]
 *        [AUTHOR a] [TITLE t] [LANGUAGE l] [APPEARANCE id|url] [VALUE n] [BEST n] [WORST n];
 * RETRACT REVIEW URL u; */
enum {
    REV_URL,
    REV_TEXT,
    REV_RATING,
    REV_DATE,       /* the review's date */
    REV_CLAIM_DATE, /* ON: when the claim was made */
    REV_AUTHOR,
    REV_TITLE,
    REV_LANGUAGE,
    REV_APPEARANCE, /* an article id or a URL */
    REV_VALUE,
    REV_BEST,
    REV_WORST,
    REV_NVALUES
};
typedef struct ast_review_stmt {
    bool has_claim, negated;
    ast_term s, p, o;         /* TERM_CONST or TERM_PARAM when has_claim */
    ast_term by, claimant;    /* TERM_NONE, TERM_CONST or TERM_PARAM */
    ast_value v[REV_NVALUES]; /* VAL_NONE when not written */
} ast_review_stmt;

typedef struct ast_alias_stmt {
    ast_term alias, canonical; /* TERM_CONST or TERM_PARAM */
} ast_alias_stmt;

typedef enum ast_show_kind {
    SHOW_ARTICLES,
    SHOW_PREDICATES,
    SHOW_ALIASES,
    SHOW_STATS,
    SHOW_TERMS,
    SHOW_ARTICLE,          /* one article with its text; its id is in show.like */
    SHOW_QUOTES_NOT_FOUND, /* citations whose quote is not in their article's stored text */
    SHOW_REVIEWS,          /* every fact-check review, with the triples it is about */
    SHOW_TEXT_INDEX,       /* what the text index holds: each kind of document, and whether */
} ast_show_kind;

typedef enum ast_stmt_kind {
    STMT_FIND,
    STMT_ASSERT,
    STMT_RETRACT,
    STMT_ARTICLE,
    STMT_ALIAS,
    STMT_EVIDENCE, /* claim: s p o (negated ignored: both sides are shown) */
    STMT_CHECK,    /* claim: s p o */
    STMT_EXPLAIN,  /* find */
    STMT_SHOW,
    STMT_REVIEW,         /* review */
    STMT_RETRACT_REVIEW, /* review: only v[REV_URL] */
    STMT_BEGIN,
    STMT_COMMIT,
    STMT_ROLLBACK,
    STMT_SIMILAR,    /* similar */
    STMT_TEXT_INDEX, /* text_index: CREATE or DROP TEXT INDEX */
} ast_stmt_kind;

/* CREATE TEXT INDEX ON QUOTES, CLAIMS; and DROP TEXT INDEX ON …: the kinds named. */
#define AST_TEXT_QUOTES 1u
#define AST_TEXT_CLAIMS 2u
typedef struct ast_text_index_stmt {
    unsigned kinds; /* AST_TEXT_* */
    bool drop;
} ast_text_index_stmt;

/* SIMILAR text [IN REVIEWS | QUOTES | CLAIMS] [MIN score] [LIMIT k]; */
typedef enum ast_similar_in {
    SIMILAR_IN_ALL = 0, /* no IN: every kind of document */
    SIMILAR_IN_REVIEWS,
    SIMILAR_IN_QUOTES,
    SIMILAR_IN_CLAIMS
} ast_similar_in;
typedef struct ast_similar_stmt {
    ast_similar_in in;
    ast_loc in_loc;  /* the collection's name after IN */
    ast_value text;  /* VAL_STRING or VAL_PARAM */
    ast_value min;   /* VAL_NONE, a number or VAL_PARAM */
    ast_value limit; /* VAL_NONE, VAL_INT or VAL_PARAM */
} ast_similar_stmt;

typedef struct ast_stmt {
    ast_stmt_kind kind;
    ast_loc loc; /* the whole statement, up to and including ';' */
    union {
        ast_find find;        /* FIND, EXPLAIN */
        ast_claim_stmt claim; /* ASSERT, RETRACT, EVIDENCE, CHECK */
        ast_article_stmt article;
        ast_alias_stmt alias;
        ast_review_stmt review; /* REVIEW, RETRACT REVIEW */
        ast_similar_stmt similar;
        ast_text_index_stmt text_index;
        struct {
            ast_show_kind kind;
            ast_value like; /* SHOW TERMS LIKE: VAL_STRING or VAL_PARAM; SHOW ARTICLE: the id */
        } show;
    } u;
    /* every distinct $name used, in order of first appearance (filled by the parser) */
    char **params;
    size_t nparams;
} ast_stmt;

void ast_stmt_free(ast_stmt *stmt);
void ast_expr_free(ast_expr *e);

#endif /* CLAIMDB_AST_H */
