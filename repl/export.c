/* export.c — the export driver: reads aliases (SHOW ALIASES), articles (SHOW ARTICLES) and
 * every citation (two FIND statements, positive and negative claims, each ordered by subject,
 * predicate, object and article, merged here so that a claim's positive citations come before
 * its negative ones) and hands them to the format's sink in that deterministic order. */
#include "export.h"

#include "output.h"
#include "records.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define IRI_DEFAULT_BASE "urn:claimdb:"

static const char *const find_citations[2] = {
    "FIND ?s, ?p, ?o, ?src, ?q, ?who, ?c, ?d WHERE ?s ?p ?o FROM ?src QUOTE ?q BY ?who "
    "CONFIDENCE ?c ON ?d ORDER BY ?s, ?p, ?o, ?src, ?q;",
    "FIND ?s, ?p, ?o, ?src, ?q, ?who, ?c, ?d WHERE NOT ?s ?p ?o FROM ?src QUOTE ?q BY ?who "
    "CONFIDENCE ?c ON ?d ORDER BY ?s, ?p, ?o, ?src, ?q;",
};

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static int column_index(claimdb_stmt *stmt, const char *name)
{
    int n = claimdb_column_count(stmt);
    for (int i = 0; i < n; i++)
        if (!strcmp(claimdb_column_name(stmt, i), name)) return i;
    return -1;
}

static const char *text_at(claimdb_stmt *stmt, int i)
{
    return i < 0 || claimdb_column_type(stmt, i) == CLAIMDB_NULL ? NULL
                                                                 : claimdb_column_text(stmt, i);
}

static int failed(claimdb *db, const char *name, const char *what)
{
    diag("claimdb: %s: export failed reading %s: %s\n", name, what, claimdb_errmsg_text(db));
    return 1;
}

/* ---- aliases ----------------------------------------------------------------------------- */

typedef struct alias_row {
    char *alias, *canonical;
} alias_row;

static int cmp_alias(const void *a, const void *b)
{
    const alias_row *x = a, *y = b;
    int c = strcmp(x->alias, y->alias);
    return c ? c : strcmp(x->canonical, y->canonical);
}

static int export_aliases(claimdb *db, const char *name, export_sink *sink)
{
    claimdb_stmt *stmt = NULL;
    if (claimdb_prepare(db, "SHOW ALIASES;", -1, &stmt, NULL) != CLAIMDB_OK)
        return failed(db, name, "aliases");
    int ia = column_index(stmt, "alias"), ic = column_index(stmt, "term");
    if (ia < 0) ia = 0;
    if (ic < 0) ic = 1;
    alias_row *rows = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = claimdb_step(stmt)) == CLAIMDB_ROW) {
        const char *a = text_at(stmt, ia), *c = text_at(stmt, ic);
        if (!a || !c) continue;
        if (n == cap) rows = xrealloc(rows, (cap = cap ? cap * 2 : 64) * sizeof *rows);
        rows[n].alias = xstrdup(a);
        rows[n].canonical = xstrdup(c);
        n++;
    }
    int result = 0;
    if (rc != CLAIMDB_DONE) result = failed(db, name, "aliases");
    claimdb_finalize(stmt);
    if (n) qsort(rows, n, sizeof *rows, cmp_alias);
    for (size_t i = 0; i < n; i++) {
        rec_alias r = {rows[i].alias, rows[i].canonical};
        if (!result && sink->alias(sink->state, &r) != 0) result = 1;
        free(rows[i].alias);
        free(rows[i].canonical);
    }
    free(rows);
    return result;
}

/* ---- articles ----------------------------------------------------------------------------- */

static int export_articles(claimdb *db, const char *name, export_sink *sink)
{
    claimdb_stmt *stmt = NULL;
    if (claimdb_prepare(db, "SHOW ARTICLES;", -1, &stmt, NULL) != CLAIMDB_OK)
        return failed(db, name, "articles");
    int col[8];
    static const char *const names[8] = {"id",  "title",  "outlet",       "date",
                                         "url", "author", "duplicate_of", "text"};
    for (int i = 0; i < 8; i++)
        col[i] = column_index(stmt, names[i]);
    /* SHOW ARTICLES leaves the texts out (they are long); SHOW ARTICLE n has the text. */
    claimdb_stmt *one = NULL;
    if (claimdb_prepare(db, "SHOW ARTICLE $id;", -1, &one, NULL) != CLAIMDB_OK) {
        claimdb_finalize(stmt);
        return failed(db, name, "articles");
    }
    int text_col = column_index(one, "text");
    int rc, result = 0;
    int64_t last = -1;
    while (!result && (rc = claimdb_step(stmt)) == CLAIMDB_ROW) {
        rec_article a;
        a.id = claimdb_column_int64(stmt, col[0] >= 0 ? col[0] : 0);
        a.title = text_at(stmt, col[1]);
        a.outlet = text_at(stmt, col[2]);
        a.date = text_at(stmt, col[3]);
        a.url = text_at(stmt, col[4]);
        a.author = text_at(stmt, col[5]);
        a.duplicate_of = col[6] >= 0 && claimdb_column_type(stmt, col[6]) != CLAIMDB_NULL
                             ? claimdb_column_int64(stmt, col[6])
                             : -1;
        a.text = text_at(stmt, col[7]);
        if (!a.text && text_col >= 0) {
            claimdb_reset(one);
            if (claimdb_bind_int64(one, "$id", a.id) != CLAIMDB_OK) {
                result = failed(db, name, "articles");
                break;
            }
            int r1 = claimdb_step(one);
            if (r1 == CLAIMDB_ROW)
                a.text = text_at(one, text_col);
            else if (r1 != CLAIMDB_DONE) {
                result = failed(db, name, "article texts");
                break;
            }
        }
        if (a.id <= last) { /* the engine lists articles by id; the order is part of the format */
            diag("claimdb: %s: SHOW ARTICLES is not in id order\n", name);
            result = 1;
            break;
        }
        last = a.id;
        if (sink->article(sink->state, &a) != 0) result = 1;
    }
    if (!result && rc != CLAIMDB_DONE) result = failed(db, name, "articles");
    claimdb_finalize(one);
    claimdb_finalize(stmt);
    return result;
}

/* ---- citations ---------------------------------------------------------------------------- */

typedef struct cursor {
    claimdb_stmt *stmt;
    int negated;
    int has_row;
    rec_claim row; /* strings owned by the cursor */
} cursor;

static void cursor_clear(cursor *c)
{
    free((char *)c->row.subject);
    free((char *)c->row.predicate);
    free((char *)c->row.object);
    free((char *)c->row.quote);
    free((char *)c->row.claimant);
    free((char *)c->row.said_on);
    memset(&c->row, 0, sizeof c->row);
    c->has_row = 0;
}

/* Step to the next citation; returns CLAIMDB_ROW, CLAIMDB_DONE or an error. */
static int cursor_next(cursor *c)
{
    cursor_clear(c);
    int rc = claimdb_step(c->stmt);
    if (rc != CLAIMDB_ROW) return rc;
    claimdb_stmt *s = c->stmt;
    c->row.subject = dup_or_null(text_at(s, 0));
    c->row.predicate = dup_or_null(text_at(s, 1));
    c->row.object = dup_or_null(text_at(s, 2));
    c->row.article = claimdb_column_int64(s, 3);
    c->row.quote = dup_or_null(text_at(s, 4));
    c->row.claimant = dup_or_null(text_at(s, 5));
    c->row.has_confidence = claimdb_column_type(s, 6) != CLAIMDB_NULL;
    c->row.confidence = c->row.has_confidence ? claimdb_column_double(s, 6) : 0;
    c->row.said_on = dup_or_null(text_at(s, 7));
    c->row.negated = c->negated;
    if (!c->row.subject || !c->row.predicate || !c->row.object) {
        cursor_clear(c);
        return CLAIMDB_ERROR;
    }
    c->has_row = 1;
    return rc;
}

static int cmp_claim(const rec_claim *a, const rec_claim *b)
{
    int c;
    if ((c = strcmp(a->subject, b->subject)) || (c = strcmp(a->predicate, b->predicate)) ||
        (c = strcmp(a->object, b->object)))
        return c;
    if (a->negated != b->negated) return a->negated - b->negated;
    return (a->article > b->article) - (a->article < b->article);
}

static int export_citations(claimdb *db, const char *name, export_sink *sink)
{
    cursor cur[2] = {{0}};
    int result = 0;
    for (int i = 0; i < 2 && !result; i++) {
        cur[i].negated = i;
        if (claimdb_prepare(db, find_citations[i], -1, &cur[i].stmt, NULL) != CLAIMDB_OK) {
            result = failed(db, name, "citations");
            break;
        }
        int rc = cursor_next(&cur[i]);
        if (rc != CLAIMDB_ROW && rc != CLAIMDB_DONE) result = failed(db, name, "citations");
    }
    while (!result && (cur[0].has_row || cur[1].has_row)) {
        int pick;
        if (!cur[0].has_row || !cur[1].has_row)
            pick = cur[1].has_row;
        else
            pick = cmp_claim(&cur[0].row, &cur[1].row) > 0;
        if (sink->claim(sink->state, &cur[pick].row) != 0) {
            result = 1;
            break;
        }
        int rc = cursor_next(&cur[pick]);
        if (rc != CLAIMDB_ROW && rc != CLAIMDB_DONE) result = failed(db, name, "citations");
    }
    for (int i = 0; i < 2; i++) {
        cursor_clear(&cur[i]);
        claimdb_finalize(cur[i].stmt);
    }
    return result;
}

int export_db(claimdb *db, FILE *out, const char *name, const export_options *o)
{
    export_sink sink;
    switch (o->format) {
    case FORMAT_TSV:
        tsv_sink_open(&sink, out);
        break;
    case FORMAT_JSONL:
        jsonl_sink_open(&sink, out);
        break;
    default:
        nquads_sink_open(&sink, out, o->base ? o->base : IRI_DEFAULT_BASE);
        break;
    }
    int rc = export_aliases(db, name, &sink);
    if (!rc) rc = export_articles(db, name, &sink);
    if (!rc) rc = export_citations(db, name, &sink);
    if (sink.finish(sink.state) != 0 && !rc) {
        diag("claimdb: %s: write error\n", name);
        rc = 1;
    }
    return rc;
}
