/* find.h — what the parts of the FIND executor share: the running state of one FIND and the
 * functions each part gives the others. The parts: join.c (nested index lookups and the
 * checks placed between them), filter.c (FILTER expressions), group.c (computed columns,
 * grouping, DISTINCT sets, sorting), find.c (the pipeline and its output), explain.c. */
#ifndef CLAIMDB_FIND_H
#define CLAIMDB_FIND_H

#include "plan.h"

#include "cq_regex.h"
#include "match.h"

typedef struct level {
    step_plan *sp;
    store_cursor *scan;
    store_cursor *cites;
    store_cursor *srcs; /* SOURCES and BY checks: one citation cursor for all the claims */
    claim_key *keys;    /* an article path over several articles: their claims, merged */
    size_t nkeys, ki;
    claim_key cur;
    uint64_t rev;  /* REVIEWED: the review of the current link */
    bool empty;    /* a constant is unknown or a bound value is null: nothing matches */
    bool borrowed; /* keys belong to the step (MATCH's claims), not to the level */
    uint8_t pol;   /* the polarity scanned (the step's, or with POLARITY the current one) */
    bool pol_next; /* POLARITY: the negative claims are still to scan */
} level;

typedef struct regex_entry {
    const ast_expr *e;
    cq_regex *re;
} regex_entry;

typedef struct match_entry {
    const ast_expr *e;
    match_query q;
} match_entry;

typedef struct const_entry {
    const ast_expr *e;
    value v;
} const_entry;

typedef struct conjunct {
    const ast_expr *e;
    size_t step;
} conjunct;

/* Gathered rows: the output columns, then the sort keys, then the arrival number (the
 * final tie-break, so equal keys keep the order they came in). */
typedef struct grow {
    size_t seq;
    value v[];
} grow;

typedef struct agg_state {
    int64_t count;
    value best; /* MIN / MAX */
    void *distinct;
    value **dkeys; /* the nodes of distinct, freed at the end */
    size_t ndkeys, capdkeys;
} agg_state;

typedef struct group {
    value *key;      /* ngroup values */
    value *first;    /* the first solution's variables (for grouped variables and functions) */
    agg_state *aggs; /* one per computed column */
    size_t seq;
} group;

typedef struct find_exec {
    exec base;
    claimdb_stmt *stmt;
    const ast_find *f;
    plan pl;
    level *lv;
    size_t nlv;
    int depth;
    bool started, finished, gathered;
    /* a solution was found (its patterns' terms are in claims), the warnings were given */
    bool any_solution, warned;
    value *vars;
    /* checks placed at the step that binds what they read (find_place_checks) */
    size_t *bound_at;     /* per variable: the step that binds it */
    size_t *without_step; /* per WITHOUT pattern */
    conjunct *conj;       /* the AND-ed parts of FILTER */
    size_t nconj;
    /* resolved pieces of FILTER */
    regex_entry *regexes;
    size_t nregex;
    const_entry *consts;
    size_t nconsts;
    match_entry *matches; /* MATCH queries, parsed once per run */
    size_t nmatch;
    text_tokenizer *tk; /* MATCH's: made when the FILTER has one */
    /* computed columns: items, then ORDER BY keys, then the aggregates HAVING reads */
    size_t ncols, nkeys, nhaving;
    const ast_expr **cols;
    const value *gvals; /* while HAVING runs: the group's computed columns */
    /* LIMIT / OFFSET */
    bool has_limit;
    uint64_t limit, offset, emitted, skipped;
    /* DISTINCT */
    void *seen;
    value **seen_rows;
    size_t nseen, capseen;
    /* gathered rows (ORDER BY, or aggregates) */
    bool gather;
    grow **rows;
    size_t nrows, caprows, next;
    /* groups */
    void *groups;
    group **grouplist;
    size_t ngroups, capgroups;
    size_t ncomputed; /* ncols + nkeys */
    /* texts of STORED times, one per distinct time (join.c) */
    struct stored_time {
        struct stored_ent {
            int64_t t;
            size_t len;
            char text[24];
        } * *slots;
        size_t n, nslots;
    } stored;
} find_exec;

static inline value find_var(const find_exec *fx, int slot)
{
    return fx->vars[slot];
}

/* The statement's error for a store cursor's error code r. */
static inline int find_store_err(find_exec *fx, int r)
{
    return db_store_error(fx->stmt->db, r);
}

/* find.c */
/* Plan f and resolve its constants and checks, ready to run (EXPLAIN reads it unrun, with
 * explain set: every estimate filled in); *out is set even on failure, for find_free. */
int find_open(claimdb_stmt *stmt, const ast_find *f, bool explain, find_exec **out);
void find_free(exec *self);

/* join.c */
int find_place_checks(find_exec *fx);
/* The next solution of the patterns that passes WITHOUT and FILTER: CLAIMDB_ROW, CLAIMDB_DONE
 * or an error. */
int find_next_solution(find_exec *fx);
void find_level_close(level *l);
void find_stored_free(find_exec *fx);

/* count.c */
/* Count the join of plan.count_join into fx's groups (one, or one per value of the shared
 * variable with GROUP BY), without making its solutions. */
int find_count_join(find_exec *fx);

/* Does a op b hold? SOURCES compares counts of articles with it. */
static inline bool find_cmp_holds(ast_cmp op, int64_t a, int64_t b)
{
    switch (op) {
    case CMP_EQ:
        return a == b;
    case CMP_NE:
        return a != b;
    case CMP_LT:
        return a < b;
    case CMP_LE:
        return a <= b;
    case CMP_GT:
        return a > b;
    case CMP_GE:
        return a >= b;
    }
    return false;
}

/* filter.c */
int find_prepare_expr(find_exec *fx, const ast_expr *e);
/* Arrays that grow one element at a time (constants, patterns, conjuncts) have a capacity of
 * the next power of two: full when n is 0 or a power of two, then grown to find_grown(n). */
static inline bool find_full(size_t n)
{
    return (n & (n - 1)) == 0;
}
static inline size_t find_grown(size_t n)
{
    return n ? 2 * n : 1;
}
/* qsort/bsearch order of fx->consts (by node). */
int find_const_order(const void *a, const void *b);
/* qsort/bsearch order of fx->regexes (by node), so that a FILTER of many `~` finds each
 * node's compiled pattern in log time. */
int find_regex_order(const void *a, const void *b);
/* The parsed query of a MATCH node (NULL if none), for the per-row check and the index path. */
const match_query *find_match_query(const find_exec *fx, const ast_expr *e);
int find_eval_value(find_exec *fx, const ast_expr *e, value *out);
int find_eval_cond(find_exec *fx, const ast_expr *e, bool *res);

/* group.c */
bool find_is_agg(const ast_expr *e);
int find_compute_plain(find_exec *fx, value *vals);
int find_gather_row(find_exec *fx, const value *vals);
int find_group_add(find_exec *fx, bool accumulate);
int find_groups_emit(find_exec *fx);
int find_group_cmp(const void *pa, const void *pb);
void find_group_free(find_exec *fx, group *g);
int find_tuple_insert(void **tree, value ***keep, size_t *nkeep, size_t *capkeep, const value *v,
                      size_t n);
void find_tuples_free(void **tree, value **keep, size_t n);
int find_resolve_sort_keys(find_exec *fx);
void find_merge_sort(find_exec *fx, grow **a, grow **tmp, size_t n);

#endif /* CLAIMDB_FIND_H */
