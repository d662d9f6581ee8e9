/* plan.h — the planner's output: for each pattern of a FIND, in the order it runs, how each
 * position is bound and which index serves it. Shared by the executor (find.c) and EXPLAIN. */
#ifndef CLAIMDB_PLAN_H
#define CLAIMDB_PLAN_H

#include "engine.h"

typedef enum pos_kind {
    POS_CONST, /* a term written in the query (id 0: not in the dictionary, nothing matches) */
    POS_BOUND, /* a variable bound by an earlier step */
    POS_NEW,   /* a variable first bound here */
    POS_SAME,  /* a variable first bound at an earlier position of this same pattern */
    POS_ANON,  /* _ */
} pos_kind;

typedef struct pos_plan {
    pos_kind kind;
    int slot;   /* variable slot, or -1 */
    term_id id; /* POS_CONST */
} pos_plan;

typedef struct cite_var {
    int slot; /* -1: not written */
    bool is_new;
} cite_var;

/* The citation-level variables of a pattern: FROM, QUOTE, BY, CONFIDENCE, AT, TO, ON, STORED,
 * METHOD. */
enum { CV_SRC, CV_QUOTE, CV_WHO, CV_CONF, CV_AT, CV_TO, CV_ON, CV_STORED, CV_METHOD, CV_N };

typedef struct step_plan {
    const ast_pattern *pat;
    uint8_t pol;
    pos_plan pos[3]; /* subject, predicate, object */
    store_index idx;
    int nprefix; /* leading index positions bound: the range scanned */
    double est;  /* estimated rows */
    /* citation level */
    bool cite_rows; /* FROM: one row per citation */
    cite_var cv[CV_N];
    bool has_by_const;
    term_id by_const;
    /* claim filters, resolved */
    uint64_t *cited;
    size_t ncited;
    bool has_sources;
    int64_t sources_n;
    /* access path: by default the range of idx above; with by_article, the claims an article
     * cites ("artcite", in s, p, o order), when that range is estimated smaller */
    bool by_article;
    uint64_t *arts; /* the articles scanned, known when planning (CITED BY, a FILTER) */
    size_t narts;
    bool art_from_var;  /* the article is FROM's variable, bound by an earlier step */
    bool src_fixed;     /* FROM's variable is new here and a FILTER fixes it to arts[0]: only
                         * that article's citations can make rows */
    bool cited_implied; /* every claim of the scan passes CITED BY (no check per claim) */
    int art_nprefix;    /* leading s, p, o positions bound, which narrow the article's range */
    /* REVIEWED ?r: the step scans the links of reviews to triples ("claimrev", in s, p, o
     * order, nprefix leading positions bound) instead of the claims: one row per link */
    bool reviewed;
    cite_var rv;
    /* MATCH: the claims the text index gives for a FILTER part `?v MATCH "…"` on a variable
     * the step binds (its QUOTE's, or a subject, predicate or object), read instead of an
     * index range when they are fewer; the FILTER part still checks every row. */
    const ast_expr *match;
    uint8_t match_kind; /* STORE_TEXT_QUOTE or STORE_TEXT_CLAIM */
    int match_pos;      /* STORE_TEXT_CLAIM: the position (0 s, 1 p, 2 o) the variable is */
    claim_key *mkeys;   /* read when the step first runs, kept for the statement */
    size_t nmkeys;
    bool mready;
    /* POLARITY ?pol: the step scans the claims of both polarities (positive, then negative)
     * and binds "+" or "-"; when ?pol is bound before, only the polarity it holds */
    bool both_pol;
    cite_var pv;
    /* per position, the constant's statistic when the plan was made (plan_refresh) */
    uint64_t stat[3];
    bool quiet[3]; /* the constant gave no warning when last read (stmt_read_term) */
} step_plan;

typedef struct plan {
    step_plan *steps; /* positive patterns in run order */
    size_t nsteps;
    step_plan *without; /* WITHOUT patterns, checked once every variable is bound */
    size_t nwithout;
    /* A count of two patterns' join from per-value counts (count.c) instead of their
     * solutions: each step scans the range of its constants alone, and the claims are counted
     * per value of the one variable both share (join_slot; -1: none, a cross product). Chosen
     * for COUNT(*), COUNT(?v), COUNT(DISTINCT ?shared) and GROUP BY ?shared when scanning both
     * ranges is estimated cheaper than the nested loop's solutions. */
    bool count_join;
    int join_slot;
    /* What the plan was chosen with, for plan_refresh: whether estimates were read at all,
     * the counts they started from, and the read snapshot its constants were resolved in. */
    bool estimated;
    store_counts counts;
    uint64_t snap;
} plan;

/* Plan stmt's FIND (resolving constants and parameters in the statement's transaction).
 * explain: fill in every step's estimate even where no choice depends on it. */
int plan_build(claimdb_stmt *stmt, const ast_find *f, bool explain, plan *out);
void plan_free(plan *p);
/* Make a plan built for an earlier run of stmt serve this one: resolve its constants and
 * parameters again (a parameter's term once per bind and snapshot, a constant's once per
 * snapshot) and check that what chose it still holds. *kept false: the plan's shape may no
 * longer be the right one (statistics moved by more than a factor of 2 — the claim,
 * citation, article and review counts, or a constant's number of claims —, or a binding
 * changed which access paths exist): plan again. */
#define PLAN_STATS_FACTOR 2
/* The warnings of a FIND's patterns (stmt_read_term) for a run that found no solution: a run
 * that found one has read a claim holding each term of its positive patterns, so it has none
 * to give, and a FIND run plans without them (plan_build warns for EXPLAIN and for WITHOUT
 * patterns only). Given in the order planning would have given them. */
int plan_warn(claimdb_stmt *stmt, const ast_find *f);
int plan_refresh(claimdb_stmt *stmt, const ast_find *f, plan *p, bool *kept);
/* Index position order: idx_order[idx][i] is the claim position (0 s, 1 p, 2 o) at index
 * key position i. */
extern const int idx_order[3][3];
const char *idx_name(store_index idx);

#endif /* CLAIMDB_PLAN_H */
