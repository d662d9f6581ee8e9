/* parser.y — the ClaimQL grammar (see LANGUAGE.md). Actions only build the tree through the
 * ast_* constructors of parser/ast_build.h; checks that need the whole statement live in
 * parser/check.c. The tokens come from cq_yylex() in parser/parse.c, which wraps the Flex
 * scanner (grammar/lexer.l): it stops at the first ';', and turns an AND that is followed by
 * an article id into AND_NUM so that "CITED BY 0 AND 4 AND ?x p o" needs no lookahead here.
 */
%require "3.6"
%define api.pure full
%define api.prefix {cq_yy}
%define api.token.prefix {TOK_}
%define api.location.type {ast_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%parse-param {struct cq_ctx *ctx}
%lex-param {struct cq_ctx *ctx}

%code requires {
#include "ast_build.h"
#include "parse.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cq_ctx;
}

%union {
    char *str;
    int64_t num;
    double real;
    int cmp;
    bool flag;
    ast_term term;
    ast_value value;
    cq_values values;
    ast_pattern *pat;
    cq_pats pats;
    ast_expr *expr;
    ast_item item;
    cq_items items;
    cq_exprs exprs;
    ast_order order;
    cq_orders orders;
    ast_stmt *stmt;
}

%code provides {
/* One token as the scanner gave it, kept while cq_yylex() looks ahead. */
typedef struct cq_token {
    int kind;
    CQ_YYSTYPE val;
    ast_loc loc;
} cq_token;

/* The state of one parse: the input, the scanner, the lookahead queue, the first error. */
struct cq_ctx {
    const char *text;
    size_t len;
    size_t rd;     /* bytes handed to the scanner so far (YY_INPUT) */
    size_t pos;    /* the scanner's byte offset */
    void *scanner; /* yyscan_t */
    cq_token queue[3];
    int nqueue;
    bool done;        /* the ';' has been delivered: everything else is end of input */
    size_t semi_end;  /* offset just after that ';' */
    int ntokens;      /* tokens delivered to the parser */
    int prev_kind;    /* the token before the last one delivered, and its place */
    ast_loc prev_loc;
    int cur_kind; /* the last token delivered */
    ast_loc cur_loc;
    char **params; /* every distinct $name delivered, in order */
    size_t nparams;
    ast_stmt *result;
    parse_error *err; /* err->code != 0 once an error is recorded */
    bool nomem;
    bool has_deferred; /* a semantic error found while parsing (duplicate clause, ...) */
    parse_error deferred;
    const volatile sig_atomic_t *stop; /* claimdb_interrupt()'s flag, or NULL */
    bool stopped;                      /* the scanner saw it set and ended the input */
    void *scan_jmp;                    /* cq_scan_token's jmp_buf while the scanner runs */
    const char *scan_fatal;            /* the scanner's fatal error, once it had one */
};

int cq_yylex(CQ_YYSTYPE *lval, ast_loc *lloc, struct cq_ctx *ctx);
int cq_yyparse(struct cq_ctx *ctx);

/* parse.c */
void cq_error(struct cq_ctx *ctx, int code, size_t offset, const char *fmt, ...);
void cq_defer(struct cq_ctx *ctx, ast_loc at, const char *fmt, ...);
char *cq_source(struct cq_ctx *ctx, ast_loc loc); /* a copy of the source text at loc */
void cq_token_free(cq_token *t);

/* lexer.l */
int cq_scanner_open(struct cq_ctx *ctx);
void cq_scanner_close(struct cq_ctx *ctx);
/* The next token. A fatal error of the scanner (out of memory growing its buffer) ends the
 * input with a lexical error naming it, instead of Flex's print and exit. */
int cq_scan_token(CQ_YYSTYPE *lval, ast_loc *lloc, struct cq_ctx *ctx);

/* keywords.c: the token of a keyword (case-insensitive), or 0 */
int cq_keyword_token(const char *s, size_t n);
}

%code {
#include "claimdb.h"
#include "syntax_error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The parser stack's limit is the limit of nesting (parentheses, NOT): the checker, planner
 * and executor walk a condition recursively once per level of nesting (flat AND and OR chains
 * are lists, ast_expr_chain), so this bounds their stack use too: under 1000 levels fit a
 * thread stack of 1 MiB with room to spare. */
#define YYMAXDEPTH 1000

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                          \
    do {                                                                                     \
        if (N) {                                                                             \
            (Cur).off = YYRHSLOC(Rhs, 1).off;                                                \
            (Cur).len = YYRHSLOC(Rhs, N).off + YYRHSLOC(Rhs, N).len - YYRHSLOC(Rhs, 1).off;  \
        } else {                                                                             \
            (Cur).off = YYRHSLOC(Rhs, 0).off + YYRHSLOC(Rhs, 0).len;                         \
            (Cur).len = 0;                                                                   \
        }                                                                                    \
    } while (0)

/* Out of memory inside an action: abort; the %destructors free the stack. */
#define NOMEM                                                                                \
    do {                                                                                     \
        ctx->nomem = true;                                                                   \
        YYABORT;                                                                             \
    } while (0)
#define TRY(x)                                                                               \
    do {                                                                                     \
        if (!(x))                                                                            \
            NOMEM;                                                                           \
    } while (0)

static void cq_yyerror(const ast_loc *loc, struct cq_ctx *ctx, const char *msg);

static ast_term term_of(ast_term_kind kind, char *text, ast_loc loc)
{
    return ast_term_make(kind, text, loc);
}

/* A clause that may be given once ("FROM is given twice"): the first is kept, a second is
 * freed and reported after parsing, so that the rest of the statement is still read. */
static void once_term(struct cq_ctx *ctx, ast_term *slot, ast_term t, const char *what,
                      ast_loc at)
{
    if (slot->kind == TERM_NONE) {
        *slot = t;
        return;
    }
    cq_defer(ctx, at, "%s is given twice", what);
    ast_term_clear(&t);
}

/* SIMILAR's "IN what": in is SIMILAR_IN_ALL when what is not a collection's name. */
static ast_stmt *similar_in(struct cq_ctx *ctx, ast_stmt *st, char *word, ast_loc wat,
                            ast_similar_in in, ast_loc at)
{
    if (strcasecmp(word, "IN") != 0)
        cq_defer(ctx, wat, "expected IN before the collection");
    else if (in == SIMILAR_IN_ALL)
        cq_defer(ctx, at, "expected REVIEWS, QUOTES or CLAIMS after IN");
    else if (st->u.similar.in != SIMILAR_IN_ALL)
        cq_defer(ctx, wat, "IN is given twice");
    else {
        st->u.similar.in = in;
        st->u.similar.in_loc = at;
    }
    free(word);
    return st;
}

/* FILTER a MATCH "words": MATCH is a word, read by its spelling (it stays a term elsewhere). */
static ast_expr *match_expr(struct cq_ctx *ctx, ast_expr *a, char *word, ast_loc wat,
                            ast_expr_kind kind, char *text, ast_loc tat, ast_loc at)
{
    if (strcasecmp(word, "MATCH") != 0)
        cq_defer(ctx, wat, "expected MATCH, a comparison, LIKE or '~'");
    free(word);
    ast_expr *b = ast_expr_text(kind, text, tat);
    if (!b) free(text);
    ast_expr *e = b ? ast_expr_binary(EXPR_MATCH, 0, a, b, at) : NULL;
    if (!e) {
        ast_expr_free(a);
        ast_expr_free(b);
    }
    return e;
}

static void once_value(struct cq_ctx *ctx, ast_value *slot, ast_value v, const char *what,
                       ast_loc at)
{
    if (slot->kind == VAL_NONE) {
        *slot = v;
        return;
    }
    cq_defer(ctx, at, "%s is given twice", what);
    ast_value_clear(&v);
}

static void once_values(struct cq_ctx *ctx, ast_value **slot, size_t *n, cq_values l,
                        const char *what, ast_loc at)
{
    if (*n == 0) {
        *slot = l.v;
        *n = l.n;
        return;
    }
    cq_defer(ctx, at, "%s is given twice", what);
    cq_values_clear(&l);
}
}

%token END 0 "end of input"
%token <str> WORD "a term" STRING "a string" VAR "a variable" PARAM "a parameter"
%token <str> FUNC "a function" DATE_LIT "a date" LEXERR "an invalid token"
%token <num> INT "a number"
%token <real> REAL "a real number"
%token ANON "_" AND_NUM "AND " NE "!=" LE "<=" GE ">="

/* reserved words: never a bare term */
%token AND "AND" AS "AS" BY "BY" CITED "CITED" CONFIDENCE "CONFIDENCE" DISTINCT "DISTINCT"
%token FILTER "FILTER" FOR "FOR" FROM "FROM" GROUP "GROUP" INDEPENDENT "INDEPENDENT"
%token LIKE "LIKE" LIMIT "LIMIT" NOT "NOT" OFFSET "OFFSET" OR "OR" ORDER "ORDER"
%token QUOTE "QUOTE" SOURCES "SOURCES" WHERE "WHERE" WITHOUT "WITHOUT"
/* contextual keywords: also bare terms wherever a term goes */
%token ALIAS "ALIAS" ALIASES "ALIASES" ARTICLE "ARTICLE" ARTICLES "ARTICLES" ASC "ASC"
%token ASSERT "ASSERT" AT "AT" AUTHOR "AUTHOR" BEGIN "BEGIN" CHECK "CHECK" COMMIT "COMMIT"
%token DATE "DATE" DESC "DESC" DUPLICATE "DUPLICATE" EVIDENCE "EVIDENCE" EXPLAIN "EXPLAIN"
%token FOUND "FOUND"
%token FIND "FIND" OF "OF" ON "ON" OUTLET "OUTLET" PREDICATES "PREDICATES" QUOTES "QUOTES"
%token RETRACT "RETRACT"
%token ROLLBACK "ROLLBACK" SHOW "SHOW" STATS "STATS" STORED "STORED" METHOD "METHOD" TERMS "TERMS" TEXT "TEXT"
%token TITLE "TITLE" TO "TO" URL "URL"
%token APPEARANCE "APPEARANCE" BEST "BEST" CLAIMANT "CLAIMANT" LANGUAGE "LANGUAGE"
%token RATING "RATING" REVIEW "REVIEW" REVIEWED "REVIEWED" REVIEWS "REVIEWS" VALUE "VALUE"
%token WORST "WORST" SIMILAR "SIMILAR" CREATE "CREATE" DROP "DROP" INDEX "INDEX"
%token POLARITY "POLARITY" HAVING "HAVING" IS "IS" EMPTY "EMPTY"

/* RETRACT REVIEW URL "u" is the retraction of a review, never RETRACT of the claim (REVIEW,
 * URL, "u"): reading REVIEW as a word there yields to shifting URL. */
%precedence REVIEW_AS_WORD
%precedence URL

%left OR
%left AND AND_NUM
%precedence NOT

%type <str> word opt_as
%type <term> pterm by_term
%type <value> id_value str_value date_value num_value opt_limit opt_offset
%type <values> id_list cited_list
%type <pat> pattern
%type <pats> where
%type <expr> cond operand call opt_filter opt_having order_expr group_key
%type <item> item
%type <items> select items
%type <exprs> opt_group group_list
%type <order> order_item
%type <orders> opt_order order_list
%type <cmp> cmp
%type <flag> opt_distinct opt_dir
%type <stmt> statement find assert retract claim_head article show review similar text_index
%type <num> text_kinds text_kind
%type <term> review_subject

%destructor { free($$); } <str>
%destructor { ast_term_clear(&$$); } <term>
%destructor { ast_value_clear(&$$); } <value>
%destructor { cq_values_clear(&$$); } <values>
%destructor { ast_pattern_free($$); } <pat>
%destructor { cq_pats_clear(&$$); } <pats>
%destructor { ast_expr_free($$); } <expr>
%destructor { ast_item_clear(&$$); } <item>
%destructor { cq_items_clear(&$$); } <items>
%destructor { cq_exprs_clear(&$$); } <exprs>
%destructor { ast_order_clear(&$$); } <order>
%destructor { cq_orders_clear(&$$); } <orders>
%destructor { ast_stmt_free($$); } <stmt>
%destructor { } <num> <real> <cmp> <flag>

%%

input:
  %empty                { ctx->result = NULL; }
| statement ';'         { $1->loc = @$; ctx->result = $1; }
;

statement:
  find
| EXPLAIN find          { $$ = $2; $$->kind = STMT_EXPLAIN; }
| assert
| retract
| EVIDENCE pterm pterm pterm {
        TRY($$ = ast_stmt_new(STMT_EVIDENCE));
        $$->u.claim.s = $2; $$->u.claim.p = $3; $$->u.claim.o = $4;
    }
| CHECK claim_head      { $$ = $2; $$->kind = STMT_CHECK; }
| CHECK claim_head REVIEWS { $$ = $2; $$->kind = STMT_CHECK; $$->u.claim.reviews = true; }
| article
| ALIAS pterm FOR pterm {
        TRY($$ = ast_stmt_new(STMT_ALIAS));
        $$->u.alias.alias = $2; $$->u.alias.canonical = $4;
    }
| show
| review
| similar
| text_index
| BEGIN                 { TRY($$ = ast_stmt_new(STMT_BEGIN)); }
| COMMIT                { TRY($$ = ast_stmt_new(STMT_COMMIT)); }
| ROLLBACK              { TRY($$ = ast_stmt_new(STMT_ROLLBACK)); }
;

/* ---- FIND --------------------------------------------------------------------------- */

find:
  FIND opt_distinct select WHERE where opt_filter opt_group opt_having opt_order opt_limit
  opt_offset {
        TRY($$ = ast_stmt_new(STMT_FIND));
        ast_find *f = &$$->u.find;
        f->distinct = $2;
        f->star = $3.n == 0;
        f->items = $3.v; f->nitems = $3.n;
        f->pats = $5.v; f->npats = $5.n;
        f->filter = $6;
        f->group = $7.v; f->ngroup = $7.n;
        f->having = $8;
        f->order = $9.v; f->norder = $9.n;
        f->limit = $10;
        f->offset = $11;
    }
;

opt_distinct:
  %empty                { $$ = false; }
| DISTINCT              { $$ = true; }
;

select:
  '*'                   { $$ = (cq_items){NULL, 0}; }
| items
;

items:
  item                  { $$ = (cq_items){NULL, 0}; TRY(cq_items_push(&$$, $1)); }
| items ',' item        { $$ = $1; TRY(cq_items_push(&$$, $3)); }
;

item:
  VAR opt_as {
        ast_expr *e;
        TRY(e = ast_expr_text(EXPR_VAR, $1, @1));
        $$ = (ast_item){e, $2, NULL};
    }
| call opt_as           { $$ = (ast_item){$1, $2, NULL}; }
;

opt_as:
  %empty                { $$ = NULL; }
| AS word               { $$ = $2; }
| AS reserved           { TRY($$ = cq_source(ctx, @2)); }
| AS STRING             { $$ = $2; }
;

/* after AS only a name can come, so even reserved words may name a column */
reserved:
  AND | AS | BY | CITED | CONFIDENCE | DISTINCT | FILTER | FOR | FROM | GROUP | INDEPENDENT
| LIKE | LIMIT | NOT | OFFSET | OR | ORDER | QUOTE | SOURCES | WHERE | WITHOUT
;

call:
  FUNC '(' '*' ')'      { TRY($$ = ast_expr_call($1, NULL, true, false, @$)); }
| FUNC '(' DISTINCT operand ')' { TRY($$ = ast_expr_call($1, $4, false, true, @$)); }
| FUNC '(' operand ')'  { TRY($$ = ast_expr_call($1, $3, false, false, @$)); }
;

where:
  pattern               { $$ = (cq_pats){NULL, 0}; TRY(cq_pats_push(&$$, $1)); }
| WITHOUT pattern       { $2->without = true; $2->loc = @$; $$ = (cq_pats){NULL, 0}; TRY(cq_pats_push(&$$, $2)); }
| where AND pattern     { $$ = $1; TRY(cq_pats_push(&$$, $3)); }
| where AND WITHOUT pattern {
        $4->without = true; $4->loc = ast_loc_span(@3, @4);
        $$ = $1; TRY(cq_pats_push(&$$, $4));
    }
| where WITHOUT pattern {
        $3->without = true; $3->loc = ast_loc_span(@2, @3);
        $$ = $1; TRY(cq_pats_push(&$$, $3));
    }
;

pattern:
  pterm pterm pterm     { TRY($$ = ast_pattern_new(false, $1, $2, $3, @$)); }
| NOT pterm pterm pterm { TRY($$ = ast_pattern_new(true, $2, $3, $4, @$)); }
| pattern CITED BY cited_list {
        $$ = $1; $$->loc = @$;
        if ($$->cited_mode != CITED_NONE) {
            cq_defer(ctx, @2, "CITED BY is given twice");
            cq_values_clear(&$4);
        } else {
            if ($4.mixed)
                cq_defer(ctx, $4.mixed_at, "CITED BY mixes AND and OR: use one of them");
            $$->cited_mode = $4.mode == CITED_NONE ? CITED_ALL : $4.mode;
            $$->cited = $4.v; $$->ncited = $4.n;
        }
    }
| pattern FROM VAR {
        $$ = $1; $$->loc = @$;
        once_term(ctx, &$$->from, term_of(TERM_VAR, $3, @3), "FROM", @2);
    }
| pattern QUOTE VAR {
        $$ = $1; $$->loc = @$;
        once_term(ctx, &$$->quote, term_of(TERM_VAR, $3, @3), "QUOTE", @2);
    }
| pattern BY by_term {
        $$ = $1; $$->loc = @$;
        once_term(ctx, &$$->by, $3, "BY", @2);
    }
| pattern CONFIDENCE VAR {
        $$ = $1; $$->loc = @$;
        once_term(ctx, &$$->confidence, term_of(TERM_VAR, $3, @3), "CONFIDENCE", @2);
    }
| pattern AT VAR {
        $$ = $1; $$->loc = @$;
        once_term(ctx, &$$->at, term_of(TERM_VAR, $3, @3), "AT", @2);
    }
| pattern TO VAR {
        $$ = $1; $$->loc = @$;
        once_term(ctx, &$$->to, term_of(TERM_VAR, $3, @3), "TO", @2);
    }
| pattern ON VAR {
        $$ = $1; $$->loc = @$;
        once_term(ctx, &$$->on, term_of(TERM_VAR, $3, @3), "ON", @2);
    }
| pattern STORED VAR {
        $$ = $1; $$->loc = @$;
        once_term(ctx, &$$->stored, term_of(TERM_VAR, $3, @3), "STORED", @2);
    }
| pattern REVIEWED VAR {
        $$ = $1; $$->loc = @$;
        once_term(ctx, &$$->reviewed, term_of(TERM_VAR, $3, @3), "REVIEWED", @2);
    }
| pattern METHOD VAR {
        $$ = $1; $$->loc = @$;
        once_term(ctx, &$$->method, term_of(TERM_VAR, $3, @3), "METHOD", @2);
    }
| pattern POLARITY VAR {
        $$ = $1; $$->loc = @$;
        once_term(ctx, &$$->polarity, term_of(TERM_VAR, $3, @3), "POLARITY", @2);
    }
| pattern SOURCES cmp id_value {
        $$ = $1; $$->loc = @$;
        if (!$$->has_sources) $$->sources_op = (ast_cmp)$3;
        once_value(ctx, &$$->sources_n, $4, "SOURCES", @2);
        $$->has_sources = true;
    }
| pattern INDEPENDENT SOURCES cmp id_value {
        $$ = $1; $$->loc = @$;
        if (!$$->has_sources) { $$->sources_op = (ast_cmp)$4; $$->independent = true; }
        once_value(ctx, &$$->sources_n, $5, "SOURCES", @2);
        $$->has_sources = true;
    }
;

cited_list:
  id_value              { $$ = (cq_values){0}; TRY(cq_values_push(&$$, $1)); }
| cited_list AND_NUM id_value {
        $$ = $1; TRY(cq_values_push(&$$, $3));
        if ($$.mode == CITED_NONE) $$.mode = CITED_ALL;
        else if ($$.mode != CITED_ALL && !$$.mixed) { $$.mixed = true; $$.mixed_at = @2; }
    }
| cited_list OR id_value {
        $$ = $1; TRY(cq_values_push(&$$, $3));
        if ($$.mode == CITED_NONE) $$.mode = CITED_ANY;
        else if ($$.mode != CITED_ANY && !$$.mixed) { $$.mixed = true; $$.mixed_at = @2; }
    }
;

pterm:
  word                  { $$ = term_of(TERM_CONST, $1, @1); }
| STRING                { $$ = term_of(TERM_CONST, $1, @1); }
| VAR                   { $$ = term_of(TERM_VAR, $1, @1); }
| ANON                  { $$ = term_of(TERM_ANON, NULL, @1); }
| PARAM                 { $$ = term_of(TERM_PARAM, $1, @1); }
;

by_term:
  word                  { $$ = term_of(TERM_CONST, $1, @1); }
| STRING                { $$ = term_of(TERM_CONST, $1, @1); }
| VAR                   { $$ = term_of(TERM_VAR, $1, @1); }
| PARAM                 { $$ = term_of(TERM_PARAM, $1, @1); }
;

/* a bare word: an unreserved word, or a contextual keyword as written */
word:
  WORD
| soft_kw               { TRY($$ = cq_source(ctx, @1)); }
;

/* the contextual keywords (KW_CONTEXTUAL in parser/keywords.c, which the tests hold to this
 * list): keywords where the grammar wants them, bare words everywhere else */
soft_kw:
  ALIAS | ALIASES | APPEARANCE | ARTICLE | ARTICLES | ASC | ASSERT | AT | AUTHOR | BEGIN | BEST
| CHECK | CLAIMANT | COMMIT | CREATE | DATE | DESC | DROP | DUPLICATE | EMPTY | EVIDENCE
| EXPLAIN | FIND | FOUND | HAVING | INDEX | IS | LANGUAGE | METHOD | OF | ON | OUTLET | POLARITY | PREDICATES | QUOTES
| RATING | RETRACT | REVIEW %prec REVIEW_AS_WORD | REVIEWED | REVIEWS | ROLLBACK | SHOW
| SIMILAR | STATS | STORED | TERMS | TEXT | TITLE | TO | URL | VALUE | WORST
;

cmp:
  '='                   { $$ = CMP_EQ; }
| NE                    { $$ = CMP_NE; }
| '<'                   { $$ = CMP_LT; }
| LE                    { $$ = CMP_LE; }
| '>'                   { $$ = CMP_GT; }
| GE                    { $$ = CMP_GE; }
;

opt_filter:
  %empty                { $$ = NULL; }
| FILTER cond           { $$ = $2; }
;

cond:
  cond OR cond          { TRY($$ = ast_expr_chain(EXPR_OR, $1, $3, @$)); }
| cond AND cond         { TRY($$ = ast_expr_chain(EXPR_AND, $1, $3, @$)); }
| cond AND_NUM cond     { TRY($$ = ast_expr_chain(EXPR_AND, $1, $3, @$)); }
| NOT cond              { TRY($$ = ast_expr_binary(EXPR_NOT, 0, $2, NULL, @$)); }
| '(' cond ')'          { $$ = $2; }
| operand cmp operand   { TRY($$ = ast_expr_binary(EXPR_CMP, $2, $1, $3, @$)); }
| operand '~' STRING {
        ast_expr *e;
        TRY(e = ast_expr_binary(EXPR_REGEX, 0, $1, NULL, @$));
        e->text = $3; e->value.loc = @3; $$ = e;
    }
| operand WORD STRING         { $$ = match_expr(ctx, $1, $2, @2, EXPR_TERM, $3, @3, @$); TRY($$); }
| operand WORD PARAM          { $$ = match_expr(ctx, $1, $2, @2, EXPR_PARAM, $3, @3, @$); TRY($$); }
| operand LIKE STRING {
        ast_expr *e;
        TRY(e = ast_expr_binary(EXPR_LIKE, 0, $1, NULL, @$));
        e->text = $3; e->value.loc = @3; $$ = e;
    }
| operand IS EMPTY      { TRY($$ = ast_expr_binary(EXPR_EMPTY, EMPTY_IS, $1, NULL, @$)); }
| operand IS NOT EMPTY  { TRY($$ = ast_expr_binary(EXPR_EMPTY, EMPTY_NOT, $1, NULL, @$)); }
| call                  /* BOUND(?v); the checker says which calls are no condition */
;

operand:
  VAR                   { TRY($$ = ast_expr_text(EXPR_VAR, $1, @1)); }
| word                  { TRY($$ = ast_expr_text(EXPR_TERM, $1, @1)); }
| STRING                { TRY($$ = ast_expr_text(EXPR_TERM, $1, @1)); }
| PARAM                 { TRY($$ = ast_expr_text(EXPR_PARAM, $1, @1)); }
| INT                   { TRY($$ = ast_expr_value(EXPR_NUMBER, ast_value_int($1, @1), @1)); }
| REAL                  { TRY($$ = ast_expr_value(EXPR_NUMBER, ast_value_real($1, @1), @1)); }
| DATE_LIT {
        ast_expr *e;
        TRY(e = ast_expr_value(EXPR_DATE, ast_value_str(VAL_DATE, $1, @1), @1));
        $$ = e;
    }
| call
;

opt_group:
  %empty                { $$ = (cq_exprs){NULL, 0}; }
| GROUP BY group_list   { $$ = $3; }
;

group_list:
  group_key             { $$ = (cq_exprs){NULL, 0}; if (!cq_exprs_push(&$$, $1)) { ast_expr_free($1); NOMEM; } }
| group_list ',' group_key {
        $$ = $1;
        if (!cq_exprs_push(&$$, $3)) { ast_expr_free($3); NOMEM; }
    }
;

/* a variable, a function of one, or the name of an item (as in ORDER BY) */
group_key:
  VAR                   { TRY($$ = ast_expr_text(EXPR_VAR, $1, @1)); }
| word                  { TRY($$ = ast_expr_text(EXPR_TERM, $1, @1)); }
| STRING                { TRY($$ = ast_expr_text(EXPR_TERM, $1, @1)); }
| call
;

opt_having:
  %empty                { $$ = NULL; }
| HAVING cond           { $$ = $2; }
;

opt_order:
  %empty                { $$ = (cq_orders){NULL, 0}; }
| ORDER BY order_list   { $$ = $3; }
;

order_list:
  order_item            { $$ = (cq_orders){NULL, 0}; TRY(cq_orders_push(&$$, $1)); }
| order_list ',' order_item { $$ = $1; TRY(cq_orders_push(&$$, $3)); }
;

order_item:
  order_expr opt_dir    { $$ = (ast_order){$1, $2}; }
;

order_expr:
  VAR                   { TRY($$ = ast_expr_text(EXPR_VAR, $1, @1)); }
| word                  { TRY($$ = ast_expr_text(EXPR_TERM, $1, @1)); }
| STRING                { TRY($$ = ast_expr_text(EXPR_TERM, $1, @1)); }
| call
;

opt_dir:
  %empty                { $$ = false; }
| ASC                   { $$ = false; }
| DESC                  { $$ = true; }
;

opt_limit:
  %empty                { $$ = ast_value_none(); }
| LIMIT id_value        { $$ = $2; }
;

opt_offset:
  %empty                { $$ = ast_value_none(); }
| OFFSET id_value       { $$ = $2; }
;

/* ---- SIMILAR ------------------------------------------------------------------------- */

/* IN and MIN are not keywords (MIN is a function only before '('): they come as words, read
 * here by their spelling, so that they stay usable as terms everywhere else. */
similar:
  SIMILAR str_value {
        TRY($$ = ast_stmt_new(STMT_SIMILAR));
        $$->u.similar.text = $2;
    }
| similar WORD REVIEWS         { $$ = similar_in(ctx, $1, $2, @2, SIMILAR_IN_REVIEWS, @3); }
| similar WORD QUOTES          { $$ = similar_in(ctx, $1, $2, @2, SIMILAR_IN_QUOTES, @3); }
| similar WORD WORD {
        $$ = similar_in(ctx, $1, $2, @2, strcasecmp($3, "CLAIMS") ? SIMILAR_IN_ALL : SIMILAR_IN_CLAIMS, @3);
        free($3);
    }
| similar WORD num_value {
        $$ = $1;
        if (strcasecmp($2, "MIN") != 0) {
            cq_defer(ctx, @2, "expected MIN, IN or LIMIT");
            ast_value_clear(&$3);
        } else {
            once_value(ctx, &$$->u.similar.min, $3, "MIN", @2);
        }
        free($2);
    }
| similar LIMIT id_value { $$ = $1; once_value(ctx, &$$->u.similar.limit, $3, "LIMIT", @2); }
;

/* ---- CREATE / DROP TEXT INDEX ------------------------------------------------------------ */

/* ON QUOTES, CLAIMS: the kinds as AST_TEXT_* bits. CLAIMS is not a keyword: read by its
 * spelling, as in SIMILAR … IN CLAIMS. */
text_index:
  CREATE TEXT INDEX ON text_kinds {
        TRY($$ = ast_stmt_new(STMT_TEXT_INDEX));
        $$->u.text_index.kinds = (unsigned)$5;
    }
| DROP TEXT INDEX ON text_kinds {
        TRY($$ = ast_stmt_new(STMT_TEXT_INDEX));
        $$->u.text_index.kinds = (unsigned)$5; $$->u.text_index.drop = true;
    }
;

text_kinds:
  text_kind
| text_kinds ',' text_kind {
        if ($1 & $3) cq_defer(ctx, @3, "%s is given twice", $3 == AST_TEXT_QUOTES ? "QUOTES" : "CLAIMS");
        $$ = $1 | $3;
    }
;

text_kind:
  QUOTES                { $$ = AST_TEXT_QUOTES; }
| REVIEWS {
        cq_defer(ctx, @1, "reviews are always indexed: the text index is made ON QUOTES or CLAIMS");
        $$ = 0;
    }
| WORD {
        $$ = AST_TEXT_CLAIMS;
        if (strcasecmp($1, "CLAIMS") != 0) cq_defer(ctx, @1, "expected QUOTES or CLAIMS");
        free($1);
    }
;

/* ---- data statements ------------------------------------------------------------------- */

claim_head:
  pterm pterm pterm {
        TRY($$ = ast_stmt_new(STMT_ASSERT));
        $$->u.claim.s = $1; $$->u.claim.p = $2; $$->u.claim.o = $3;
    }
| NOT pterm pterm pterm {
        TRY($$ = ast_stmt_new(STMT_ASSERT));
        $$->u.claim.negated = true;
        $$->u.claim.s = $2; $$->u.claim.p = $3; $$->u.claim.o = $4;
    }
;

assert:
  ASSERT claim_head     { $$ = $2; }
| assert FROM id_list {
        $$ = $1; once_values(ctx, &$$->u.claim.articles, &$$->u.claim.narticles, $3, "FROM", @2);
    }
| assert QUOTE str_value   { $$ = $1; once_value(ctx, &$$->u.claim.quote, $3, "QUOTE", @2); }
| assert BY pterm          { $$ = $1; once_term(ctx, &$$->u.claim.by, $3, "BY", @2); }
| assert CONFIDENCE num_value {
        $$ = $1; once_value(ctx, &$$->u.claim.confidence, $3, "CONFIDENCE", @2);
    }
| assert ON date_value     { $$ = $1; once_value(ctx, &$$->u.claim.said_on, $3, "ON", @2); }
;

retract:
  RETRACT claim_head    { $$ = $2; $$->kind = STMT_RETRACT; }
| RETRACT claim_head FROM id_list {
        $$ = $2; $$->kind = STMT_RETRACT;
        $$->u.claim.articles = $4.v; $$->u.claim.narticles = $4.n;
    }
| RETRACT claim_head FROM id_list QUOTE str_value {
        $$ = $2; $$->kind = STMT_RETRACT;
        $$->u.claim.articles = $4.v; $$->u.claim.narticles = $4.n;
        $$->u.claim.quote = $6;
    }
| RETRACT REVIEW URL str_value {
        TRY($$ = ast_stmt_new(STMT_RETRACT_REVIEW));
        $$->u.review.v[REV_URL] = $4;
    }
;

/* REVIEW's subject is a plain word, a string or a parameter, never a contextual keyword: so
 * that REVIEW URL "…" (no triple) and REVIEW Taliban demand withdrawal URL "…" read apart
 * with one token of look-ahead. Write a subject that is a keyword in quotes. */
review_subject:
  WORD                  { $$ = term_of(TERM_CONST, $1, @1); }
| STRING                { $$ = term_of(TERM_CONST, $1, @1); }
| PARAM                 { $$ = term_of(TERM_PARAM, $1, @1); }
;

review:
  REVIEW                { TRY($$ = ast_stmt_new(STMT_REVIEW)); }
| REVIEW review_subject pterm pterm {
        TRY($$ = ast_stmt_new(STMT_REVIEW));
        $$->u.review.has_claim = true;
        $$->u.review.s = $2; $$->u.review.p = $3; $$->u.review.o = $4;
    }
| REVIEW NOT review_subject pterm pterm {
        TRY($$ = ast_stmt_new(STMT_REVIEW));
        $$->u.review.has_claim = true; $$->u.review.negated = true;
        $$->u.review.s = $3; $$->u.review.p = $4; $$->u.review.o = $5;
    }
| review BY by_term          { $$ = $1; once_term(ctx, &$$->u.review.by, $3, "BY", @2); }
| review CLAIMANT by_term    { $$ = $1; once_term(ctx, &$$->u.review.claimant, $3, "CLAIMANT", @2); }
| review URL str_value        { $$ = $1; once_value(ctx, &$$->u.review.v[REV_URL], $3, "URL", @2); }
| review TEXT str_value       { $$ = $1; once_value(ctx, &$$->u.review.v[REV_TEXT], $3, "TEXT", @2); }
| review RATING str_value     { $$ = $1; once_value(ctx, &$$->u.review.v[REV_RATING], $3, "RATING", @2); }
| review DATE date_value      { $$ = $1; once_value(ctx, &$$->u.review.v[REV_DATE], $3, "DATE", @2); }
| review ON date_value        { $$ = $1; once_value(ctx, &$$->u.review.v[REV_CLAIM_DATE], $3, "ON", @2); }
| review AUTHOR str_value     { $$ = $1; once_value(ctx, &$$->u.review.v[REV_AUTHOR], $3, "AUTHOR", @2); }
| review TITLE str_value      { $$ = $1; once_value(ctx, &$$->u.review.v[REV_TITLE], $3, "TITLE", @2); }
| review LANGUAGE str_value   { $$ = $1; once_value(ctx, &$$->u.review.v[REV_LANGUAGE], $3, "LANGUAGE", @2); }
| review APPEARANCE id_value  { $$ = $1; once_value(ctx, &$$->u.review.v[REV_APPEARANCE], $3, "APPEARANCE", @2); }
| review APPEARANCE STRING {
        $$ = $1;
        once_value(ctx, &$$->u.review.v[REV_APPEARANCE], ast_value_str(VAL_STRING, $3, @3), "APPEARANCE", @2);
    }
| review VALUE num_value      { $$ = $1; once_value(ctx, &$$->u.review.v[REV_VALUE], $3, "VALUE", @2); }
| review BEST num_value       { $$ = $1; once_value(ctx, &$$->u.review.v[REV_BEST], $3, "BEST", @2); }
| review WORST num_value      { $$ = $1; once_value(ctx, &$$->u.review.v[REV_WORST], $3, "WORST", @2); }
;

id_list:
  id_value              { $$ = (cq_values){0}; TRY(cq_values_push(&$$, $1)); }
| id_list ',' id_value  { $$ = $1; TRY(cq_values_push(&$$, $3)); }
;

id_value:
  INT                   { $$ = ast_value_int($1, @1); }
| PARAM                 { $$ = ast_value_str(VAL_PARAM, $1, @1); }
;

str_value:
  STRING                { $$ = ast_value_str(VAL_STRING, $1, @1); }
| PARAM                 { $$ = ast_value_str(VAL_PARAM, $1, @1); }
;

date_value:
  DATE_LIT              { $$ = ast_value_str(VAL_DATE, $1, @1); }
| PARAM                 { $$ = ast_value_str(VAL_PARAM, $1, @1); }
;

num_value:
  INT                   { $$ = ast_value_int($1, @1); }
| REAL                  { $$ = ast_value_real($1, @1); }
| PARAM                 { $$ = ast_value_str(VAL_PARAM, $1, @1); }
;

article:
  ARTICLE id_value {
        TRY($$ = ast_stmt_new(STMT_ARTICLE));
        $$->u.article.id = $2;
    }
| article TITLE str_value { $$ = $1; once_value(ctx, &$$->u.article.title, $3, "TITLE", @2); }
| article OUTLET str_value { $$ = $1; once_value(ctx, &$$->u.article.outlet, $3, "OUTLET", @2); }
| article DATE date_value { $$ = $1; once_value(ctx, &$$->u.article.date, $3, "DATE", @2); }
| article URL str_value { $$ = $1; once_value(ctx, &$$->u.article.url, $3, "URL", @2); }
| article AUTHOR str_value { $$ = $1; once_value(ctx, &$$->u.article.author, $3, "AUTHOR", @2); }
| article TEXT str_value { $$ = $1; once_value(ctx, &$$->u.article.text, $3, "TEXT", @2); }
| article DUPLICATE OF id_value {
        $$ = $1; once_value(ctx, &$$->u.article.duplicate_of, $4, "DUPLICATE OF", @2);
    }
;

show:
  SHOW ARTICLES         { TRY($$ = ast_stmt_new(STMT_SHOW)); $$->u.show.kind = SHOW_ARTICLES; }
| SHOW PREDICATES       { TRY($$ = ast_stmt_new(STMT_SHOW)); $$->u.show.kind = SHOW_PREDICATES; }
| SHOW ALIASES          { TRY($$ = ast_stmt_new(STMT_SHOW)); $$->u.show.kind = SHOW_ALIASES; }
| SHOW STATS            { TRY($$ = ast_stmt_new(STMT_SHOW)); $$->u.show.kind = SHOW_STATS; }
| SHOW REVIEWS          { TRY($$ = ast_stmt_new(STMT_SHOW)); $$->u.show.kind = SHOW_REVIEWS; }
| SHOW QUOTES NOT FOUND { TRY($$ = ast_stmt_new(STMT_SHOW)); $$->u.show.kind = SHOW_QUOTES_NOT_FOUND; }
| SHOW TEXT INDEX       { TRY($$ = ast_stmt_new(STMT_SHOW)); $$->u.show.kind = SHOW_TEXT_INDEX; }
| SHOW ARTICLE id_value  {
        TRY($$ = ast_stmt_new(STMT_SHOW));
        $$->u.show.kind = SHOW_ARTICLE; $$->u.show.like = $3;
    }
| SHOW TERMS LIKE str_value {
        TRY($$ = ast_stmt_new(STMT_SHOW));
        $$->u.show.kind = SHOW_TERMS; $$->u.show.like = $4;
    }
;

%%

/* ---- syntax error messages --------------------------------------------------------------- */

/* Bison's own messages: syntax errors go through yyreport_syntax_error. "memory exhausted"
 * means the parser stack passed YYMAXDEPTH (1000): a statement nested that deep. */
static void cq_yyerror(const ast_loc *loc, struct cq_ctx *ctx, const char *msg)
{
    if (!strcmp(msg, "memory exhausted"))
        cq_error(ctx, CLAIMDB_SYNTAX, loc->off, "statement nested too deeply");
    else
        cq_error(ctx, CLAIMDB_SYNTAX, loc->off, "%s", msg);
}

static cq_expect_kind expect_kind(yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_YYEOF: return EXP_EOF;
    case YYSYMBOL_WORD: return EXP_WORD;
    case YYSYMBOL_STRING: return EXP_STRING;
    case YYSYMBOL_VAR: return EXP_VAR;
    case YYSYMBOL_PARAM: return EXP_PARAM;
    case YYSYMBOL_FUNC: return EXP_FUNC;
    case YYSYMBOL_DATE_LIT: return EXP_DATE;
    case YYSYMBOL_INT: return EXP_INT;
    case YYSYMBOL_REAL: return EXP_REAL;
    case YYSYMBOL_ANON: return EXP_ANON;
    case YYSYMBOL_AND_NUM: return EXP_AND_NUM;
    case YYSYMBOL_YYerror: case YYSYMBOL_YYUNDEF: case YYSYMBOL_LEXERR: return EXP_SKIP;
    default: return EXP_TOKEN;
    }
}

/* The message itself is parser/syntax_error.c's: here only Bison's symbols are translated. */
static int yyreport_syntax_error(const yypcontext_t *yyctx, struct cq_ctx *ctx)
{
    yysymbol_kind_t sym[YYNTOKENS];
    cq_expected exp[YYNTOKENS];
    int n = yypcontext_expected_tokens(yyctx, sym, YYNTOKENS);
    for (int i = 0; i < n; i++)
        exp[i] = (cq_expected){expect_kind(sym[i]), yysymbol_name(sym[i])};
    cq_syntax_error(ctx, exp, n < 0 ? 0 : n, yypcontext_location(yyctx)->off);
    return 0;
}
