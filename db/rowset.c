/* rowset.c — a materialised result: rows of values whose texts the rowset owns, handed out
 * in order by an exec. EVIDENCE, CHECK, EXPLAIN and most of SHOW produce small results and
 * build them whole. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

struct rowset {
    int ncols;
    size_t nrows, cap, next;
    value *cells;
    char **strings; /* owned copies of text values */
    size_t nstrings, capstrings;
};

typedef struct rowset_exec_t {
    exec base;
    rowset *rs;
    int end; /* what comes after the last row: CLAIMDB_DONE, or the error a drain met */
} rowset_exec_t;

rowset *rowset_new(int ncols)
{
    rowset *rs = calloc(1, sizeof *rs);
    if (rs) rs->ncols = ncols;
    return rs;
}

void rowset_free(rowset *rs)
{
    if (!rs) return;
    for (size_t i = 0; i < rs->nstrings; i++)
        free(rs->strings[i]);
    free(rs->strings);
    free(rs->cells);
    free(rs);
}

int rowset_add(rowset *rs, const value *row)
{
    if (rs->nrows == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 16;
        value *c = realloc(rs->cells, cap * (size_t)rs->ncols * sizeof *c);
        if (!c) return CLAIMDB_NOMEM;
        rs->cells = c;
        rs->cap = cap;
    }
    value *dst = rs->cells + rs->nrows * (size_t)rs->ncols;
    for (int i = 0; i < rs->ncols; i++) {
        dst[i] = row[i];
        if (row[i].k != V_TEXT && row[i].k != V_LIST) continue;
        if (rs->nstrings == rs->capstrings) {
            size_t cap = rs->capstrings ? rs->capstrings * 2 : 16;
            char **s = realloc(rs->strings, cap * sizeof *s);
            if (!s) return CLAIMDB_NOMEM;
            rs->strings = s;
            rs->capstrings = cap;
        }
        char *copy = malloc(row[i].u.s.n + 1);
        if (!copy) return CLAIMDB_NOMEM;
        memcpy(copy, row[i].u.s.p, row[i].u.s.n);
        copy[row[i].u.s.n] = '\0';
        rs->strings[rs->nstrings++] = copy;
        dst[i].u.s.p = copy;
    }
    rs->nrows++;
    return CLAIMDB_OK;
}

static int rowset_next(claimdb_stmt *stmt, exec *self)
{
    rowset *rs = ((rowset_exec_t *)self)->rs;
    if (rs->next >= rs->nrows) return ((rowset_exec_t *)self)->end;
    const value *src = rs->cells + rs->next * (size_t)rs->ncols;
    for (int i = 0; i < rs->ncols && i < stmt->ncols; i++)
        stmt->row[i] = src[i];
    rs->next++;
    return CLAIMDB_ROW;
}

static void rowset_exec_free(exec *self)
{
    rowset_free(((rowset_exec_t *)self)->rs);
    free(self);
}

int rowset_exec(rowset *rs, exec **out)
{
    rowset_exec_t *e = calloc(1, sizeof *e);
    if (!e) {
        rowset_free(rs);
        return CLAIMDB_NOMEM;
    }
    e->base.next = rowset_next;
    e->base.free = rowset_exec_free;
    e->rs = rs;
    e->end = CLAIMDB_DONE;
    *out = &e->base;
    return CLAIMDB_OK;
}

int rowset_drain(claimdb_stmt *stmt)
{
    rowset *rs = rowset_new(stmt->ncols);
    if (!rs || rowset_add(rs, stmt->row) != CLAIMDB_OK) {
        rowset_free(rs);
        return CLAIMDB_NOMEM;
    }
    int rc;
    while ((rc = stmt->ex->next(stmt, stmt->ex)) == CLAIMDB_ROW)
        if (rowset_add(rs, stmt->row) != CLAIMDB_OK) {
            rc = CLAIMDB_NOMEM;
            break;
        }
    exec *ex;
    if (rowset_exec(rs, &ex) != CLAIMDB_OK) return CLAIMDB_NOMEM;
    stmt->ex->free(stmt->ex);
    stmt->ex = ex;
    ((rowset_exec_t *)ex)->end = rc;
    /* The current row, which the caller may still be reading, now lives in the rowset. */
    for (int i = 0; i < rs->ncols && i < stmt->ncols; i++)
        stmt->row[i] = rs->cells[i];
    rs->next = 1;
    return CLAIMDB_OK;
}
