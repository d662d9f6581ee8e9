/* explain.c — EXPLAIN: the plan of a FIND as rows (step, pattern, index, bound positions,
 * estimated rows), and after each step the WITHOUT and FILTER checks that run there, taken
 * from the executor's own set-up so that EXPLAIN shows what FIND does. */
#include "find.h"

#include <stdio.h>
#include <string.h>

static const char *const columns[] = {"step", "pattern", "index", "bound", "estimate"};

static void term_text(char *buf, size_t cap, const ast_term *t)
{
    switch (t->kind) {
    case TERM_VAR:
        snprintf(buf, cap, "?%s", t->text);
        break;
    case TERM_ANON:
        snprintf(buf, cap, "_");
        break;
    case TERM_PARAM:
        snprintf(buf, cap, "%s", t->text);
        break;
    case TERM_CONST: {
        bool bare = t->text[0] != '\0';
        for (const char *p = t->text; *p && bare; p++)
            bare = (*p & 0x80) || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                   (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.';
        snprintf(buf, cap, bare ? "%s" : "\"%s\"", t->text);
        break;
    }
    default:
        buf[0] = '\0';
        break;
    }
}

static int explain_step(claimdb_stmt *stmt, rowset *rs, const step_plan *sp, int64_t n,
                        bool without)
{
    char s[128], p[128], o[128], pat[512], bound[32] = "";
    term_text(s, sizeof s, &sp->pat->s);
    term_text(p, sizeof p, &sp->pat->p);
    term_text(o, sizeof o, &sp->pat->o);
    char pol[80] = "";
    if (sp->both_pol) snprintf(pol, sizeof pol, " POLARITY ?%s", sp->pat->polarity.text);
    snprintf(pat, sizeof pat, "%s%s%s %s %s%s", without ? "WITHOUT " : "",
             sp->pol == POL_NEG && !sp->both_pol ? "NOT " : "", s, p, o, pol);
    static const char *const pos_names[] = {"s", "p", "o"};
    char idx[64];
    if (sp->match) {
        /* the text index: the claims whose quote or term holds MATCH's words */
        snprintf(bound, sizeof bound, "?%.29s", sp->match->a->text);
        snprintf(idx, sizeof idx, "TEXT %s",
                 sp->match_kind == STORE_TEXT_QUOTE ? "quotes" : "claims");
    } else if (sp->by_article) {
        /* the article -> claims index, one range per article, in s, p, o order after it */
        strcpy(bound, sp->narts > 1 ? "articles" : "article");
        for (int i = 0; i < sp->art_nprefix; i++) {
            strcat(bound, ",");
            strcat(bound, pos_names[i]);
        }
        snprintf(idx, sizeof idx, "ARTICLE prefix");
    } else {
        for (int i = 0; i < sp->nprefix; i++) {
            strcat(bound, i ? "," : "");
            strcat(bound, pos_names[idx_order[sp->idx][i]]);
        }
        if (!bound[0]) strcpy(bound, "-");
        /* REVIEWED: the links of reviews to triples ("claimrev", s, p, o order) */
        snprintf(idx, sizeof idx, "%s%s", sp->reviewed ? "REVIEWS" : idx_name(sp->idx),
                 sp->nprefix ? " prefix" : " full scan");
    }
    value row[COUNT_OF(columns)] = {v_int(n), v_cstr(pat), v_cstr(idx), v_cstr(bound),
                                    v_int((int64_t)(sp->est + 0.5))};
    (void)stmt;
    return rowset_add(rs, row);
}

/* A FILTER part (or the GROUP BY keys, or HAVING) as written, white space collapsed. */
static int explain_filter(claimdb_stmt *stmt, rowset *rs, const char *head, ast_loc loc,
                          const char *index, int64_t n)
{
    char text[512];
    snprintf(text, sizeof text, "%s", head);
    size_t len = strlen(text);
    bool space = false;
    for (uint32_t i = 0; i < loc.len && loc.off + i < stmt->srclen && len + 4 < sizeof text; i++) {
        char c = stmt->src[loc.off + i];
        bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (ws) {
            space = true;
            continue;
        }
        if (space) text[len++] = ' ';
        space = false;
        text[len++] = c;
    }
    text[len] = '\0';
    value row[COUNT_OF(columns)] = {v_int(n), v_cstr(text), v_cstr(index), v_cstr("-"), v_null()};
    return rowset_add(rs, row);
}

static int explain_start(claimdb_stmt *stmt, exec **out)
{
    find_exec *fx = NULL;
    int rc = find_open(stmt, &stmt->ast->u.find, true, &fx);
    rowset *rs = rc == CLAIMDB_OK ? rowset_new(COUNT_OF(columns)) : NULL;
    if (rc == CLAIMDB_OK && !rs) rc = db_nomem(stmt->db);
    for (size_t i = 0; rc == CLAIMDB_OK && i < fx->pl.nsteps; i++) {
        int64_t n = (int64_t)i + 1;
        rc = explain_step(stmt, rs, &fx->pl.steps[i], n, false);
        for (size_t w = 0; rc == CLAIMDB_OK && w < fx->pl.nwithout; w++)
            if (fx->without_step[w] == i) rc = explain_step(stmt, rs, &fx->pl.without[w], n, true);
        for (size_t c = 0; rc == CLAIMDB_OK && c < fx->nconj; c++)
            if (fx->conj[c].step == i)
                rc = explain_filter(stmt, rs, "FILTER ", fx->conj[c].e->loc, "check", n);
        if (rc == CLAIMDB_NOMEM) rc = db_nomem(stmt->db);
    }
    if (rc == CLAIMDB_OK && fx->pl.count_join) {
        /* The steps ran alone; their claims are counted per value of the shared variable. */
        char what[160];
        int slot = fx->pl.join_slot;
        if (slot >= 0)
            snprintf(what, sizeof what, "COUNT ON ?%s", fx->f->vars[slot].name);
        else
            snprintf(what, sizeof what, "COUNT ON nothing shared");
        value row[COUNT_OF(columns)] = {v_int((int64_t)fx->pl.nsteps + 1), v_cstr(what),
                                        v_cstr("hash count"), v_cstr("-"), v_null()};
        if ((rc = rowset_add(rs, row)) == CLAIMDB_NOMEM) rc = db_nomem(stmt->db);
    }
    /* After the last step: the groups, and HAVING checked on each group's row (a count join
     * makes its groups itself). */
    const ast_find *f = rc == CLAIMDB_OK && !fx->pl.count_join ? fx->f : NULL;
    int64_t last = fx ? (int64_t)fx->pl.nsteps : 0;
    if (f && f->ngroup) {
        ast_loc keys = {f->group[0]->loc.off, 0};
        const ast_expr *end = f->group[f->ngroup - 1];
        keys.len = end->loc.off + end->loc.len - keys.off;
        rc = explain_filter(stmt, rs, "GROUP BY ", keys, "group", last);
    }
    if (rc == CLAIMDB_OK && f && f->having)
        rc = explain_filter(stmt, rs, "HAVING ", f->having->loc, "check", last);
    if (rc == CLAIMDB_NOMEM) rc = db_nomem(stmt->db);
    if (fx) find_free(&fx->base);
    if (rc != CLAIMDB_OK) {
        rowset_free(rs);
        return rc;
    }
    return rowset_exec(rs, out);
}

const stmt_kind stmt_explain = {
    .mode = MODE_READ, .columns = columns, .ncolumns = COUNT_OF(columns), .start = explain_start};
