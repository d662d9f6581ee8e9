/* explain.c — EXPLAIN: the plan of a FIND as rows (step, pattern, index, bound positions,
 * estimated rows), from the same planner the executor uses. */
#include "plan.h"

#include <stdio.h>
#include <string.h>

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
    snprintf(pat, sizeof pat, "%s%s%s %s %s", without ? "WITHOUT " : "",
             sp->pol == POL_NEG ? "NOT " : "", s, p, o);
    static const char *const pos_names[] = {"s", "p", "o"};
    for (int i = 0; i < sp->nprefix; i++) {
        strcat(bound, i ? "," : "");
        strcat(bound, pos_names[idx_order[sp->idx][i]]);
    }
    if (!bound[0]) strcpy(bound, "-");
    char idx[64];
    snprintf(idx, sizeof idx, "%s%s", idx_name(sp->idx), sp->nprefix ? " prefix" : " full scan");
    value row[5] = {v_int(n), v_cstr(pat), v_cstr(idx), v_cstr(bound),
                    v_int((int64_t)(sp->est + 0.5))};
    (void)stmt;
    return rowset_add(rs, row);
}

int explain_start(claimdb_stmt *stmt, exec **out)
{
    plan pl;
    int rc = plan_build(stmt, &stmt->ast->u.find, &pl);
    if (rc != CLAIMDB_OK) return rc;
    rowset *rs = rowset_new(5);
    if (!rs) rc = CLAIMDB_NOMEM;
    for (size_t i = 0; rc == CLAIMDB_OK && i < pl.nsteps; i++)
        rc = explain_step(stmt, rs, &pl.steps[i], (int64_t)i + 1, false);
    for (size_t i = 0; rc == CLAIMDB_OK && i < pl.nwithout; i++)
        rc = explain_step(stmt, rs, &pl.without[i], (int64_t)(pl.nsteps + i + 1), true);
    plan_free(&pl);
    if (rc != CLAIMDB_OK) {
        rowset_free(rs);
        return db_error(stmt->db, rc, "out of memory");
    }
    return rowset_exec(rs, out);
}
