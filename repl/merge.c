/* merge.c — `claimdb merge OUT DB...`. Each input is read through the public API (SHOW
 * ALIASES, SHOW ARTICLES and SHOW ARTICLE n, two FIND statements for the citations of both
 * polarities) and written into OUT inside one BEGIN … COMMIT: aliases first (so that the
 * citations that follow are aliased as ASSERT would), then articles (so that quotes are placed
 * in their texts), then citations through claimdb_assert() with their STORED time and their
 * METHOD, then fact-check reviews (SHOW REVIEWS) through claimdb_review_put(). The rules are
 * those of ALIAS and import, so merging a file twice changes nothing.
 *
 * Articles are the one thing two inputs can disagree on: the same id with another title, text,
 * ... is an error naming both files, unless the ids of an input are moved (--offset-articles N,
 * --renumber). A field one side leaves empty is not a conflict: the other side fills it. */
#include "merge.h"

#include "export.h"
#include "output.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The citation queries: no ORDER BY, since claimdb_assert() takes citations in any order and
 * sorting would cost a pass over the whole input. */
static const char *const find_citations[2] = {
    "FIND ?s, ?p, ?o, ?src, ?q, ?who, ?c, ?d, ?t, ?m WHERE ?s ?p ?o FROM ?src QUOTE ?q BY ?who "
    "CONFIDENCE ?c ON ?d STORED ?t METHOD ?m;",
    "FIND ?s, ?p, ?o, ?src, ?q, ?who, ?c, ?d, ?t, ?m WHERE NOT ?s ?p ?o FROM ?src QUOTE ?q "
    "BY ?who CONFIDENCE ?c ON ?d STORED ?t METHOD ?m;",
};

/* The fields of an article that merge carries, in the grammar's clause order; the index of
 * the last one, DUPLICATE OF, holds an article id. */
enum { F_TITLE, F_OUTLET, F_DATE, F_URL, F_AUTHOR, F_TEXT, F_DUP, F_N };

static const char *const field_column[F_N] = {"title",  "outlet", "date",        "url",
                                              "author", "text",   "duplicate_of"};
static const char *const field_clause[F_N] = {
    " TITLE $title",   " OUTLET $outlet", " DATE $date",        " URL $url",
    " AUTHOR $author", " TEXT $text",     " DUPLICATE OF $dup",
};
static const char *const field_param[F_N] = {"$title",  "$outlet", "$date", "$url",
                                             "$author", "$text",   "$dup"};

/* Which input first gave each article of OUT, so that a conflict names both files: an open
 * addressing table from article id to input number + 1 (0: an empty slot). */
typedef struct origin_map {
    int64_t *ids;
    int *who;
    size_t cap, n;
} origin_map;

static size_t origin_hash(int64_t id, size_t cap)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15u;
    return (size_t)(h >> 17) & (cap - 1);
}

static int origin_get(const origin_map *m, int64_t id)
{
    if (!m->cap) return 0;
    for (size_t i = origin_hash(id, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (!m->who[i]) return 0;
        if (m->ids[i] == id) return m->who[i];
    }
}

static void origin_set(origin_map *m, int64_t id, int who)
{
    if (2 * (m->n + 1) > m->cap) {
        origin_map g = {0};
        g.cap = m->cap ? 2 * m->cap : 1024;
        g.ids = xcalloc(g.cap, sizeof *g.ids);
        g.who = xcalloc(g.cap, sizeof *g.who);
        for (size_t i = 0; i < m->cap; i++)
            if (m->who[i]) origin_set(&g, m->ids[i], m->who[i]);
        free(m->ids);
        free(m->who);
        *m = g;
    }
    size_t i = origin_hash(id, m->cap);
    while (m->who[i] && m->ids[i] != id)
        i = (i + 1) & (m->cap - 1);
    if (!m->who[i]) m->n++;
    m->ids[i] = id;
    m->who[i] = who;
}

typedef struct merge_ctx {
    claimdb *out;
    const char *outpath;
    const merge_input *inputs;
    origin_map origin;
    claimdb_stmt *article_stmt[1 << F_N]; /* ARTICLE with the clauses of each field mask */
    claimdb_stmt *alias_stmt;
    claimdb_stmt *show_out; /* SHOW ARTICLE $id on OUT */
    long claims_added, citations_added, updated, unchanged, articles, aliases, reviews;
    long total_citations;
} merge_ctx;

static int db_failed(claimdb *db, const char *name, const char *what)
{
    diag("claimdb: merge: %s: %s: %s\n", name, what, claimdb_errmsg_text(db));
    return -1;
}

static claimdb_stmt *prepare(claimdb *db, const char *name, const char *text)
{
    claimdb_stmt *stmt = NULL;
    if (claimdb_prepare(db, text, -1, &stmt, NULL) != CLAIMDB_OK || !stmt) {
        db_failed(db, name, text);
        claimdb_finalize(stmt);
        return NULL;
    }
    return stmt;
}

/* Step a write statement to its end; -1 on failure, the message left in claimdb_errmsg(). */
static int run_write(claimdb_stmt *stmt)
{
    int rc = claimdb_step(stmt);
    while (rc == CLAIMDB_ROW)
        rc = claimdb_step(stmt);
    claimdb_reset(stmt);
    return rc == CLAIMDB_DONE ? 0 : -1;
}

/* "YYYY-MM-DDTHH:MM:SSZ" (STORED) to seconds since 1970 UTC, or 0 when it is not one: the
 * days from the civil date (Howard Hinnant's algorithm), since timegm() is not POSIX. */
static int64_t parse_utc(const char *s)
{
    int y, mo, d, h, mi, se;
    char z;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 ||
        z != 'Z')
        return 0;
    y -= mo <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    return days * 86400 + h * 3600 + mi * 60 + se;
}

/* METHOD's text ("curated", "imported", "extracted") as a CLAIMDB_METHOD_* code. */
static int method_code(const char *m)
{
    static const char *const names[] = {"curated", "imported", "extracted"};
    for (int i = 0; i < 3; i++)
        if (m && !strcmp(m, names[i])) return i;
    return CLAIMDB_METHOD_IMPORTED;
}

/* ---- aliases ------------------------------------------------------------------------------ */

static int merge_aliases(merge_ctx *m, claimdb *in, const char *name)
{
    claimdb_stmt *show = prepare(in, name, "SHOW ALIASES;");
    if (!show) return -1;
    if (!m->alias_stmt && !(m->alias_stmt = prepare(m->out, m->outpath, "ALIAS $a FOR $b;"))) {
        claimdb_finalize(show);
        return -1;
    }
    int rc, err = 0;
    while (!err && (rc = claimdb_step(show)) == CLAIMDB_ROW) {
        const char *alias = claimdb_column_text(show, 0), *term = claimdb_column_text(show, 1);
        claimdb_bind_text(m->alias_stmt, "$a", alias, -1);
        claimdb_bind_text(m->alias_stmt, "$b", term, -1);
        if (run_write(m->alias_stmt)) {
            diag("claimdb: merge: %s: the alias '%s' for '%s' cannot be stored in %s: %s\n", name,
                 alias, term, m->outpath, claimdb_errmsg_text(m->out));
            err = -1;
        } else {
            m->aliases++;
        }
    }
    if (!err && rc != CLAIMDB_DONE) err = db_failed(in, name, "reading the aliases");
    claimdb_finalize(show);
    return err;
}

/* ---- articles ----------------------------------------------------------------------------- */

/* One article's fields as SHOW ARTICLE gives them (NULL: absent). The strings belong to the
 * statement until its next step. */
typedef struct article_fields {
    int found;
    const char *v[F_N];
    int64_t dup;
} article_fields;

static int read_article(claimdb_stmt *show, claimdb *db, const char *name, int64_t id,
                        int64_t offset, article_fields *a)
{
    memset(a, 0, sizeof *a);
    claimdb_reset(show);
    claimdb_bind_int64(show, "$id", id);
    int rc = claimdb_step(show);
    if (rc == CLAIMDB_DONE) return 0;
    if (rc != CLAIMDB_ROW) return db_failed(db, name, "reading an article");
    a->found = 1;
    for (int f = 0; f < F_N; f++)
        a->v[f] = stmt_text_or_null(show, stmt_column_index(show, field_column[f]));
    if (a->v[F_DUP]) {
        int64_t dup = claimdb_column_int64(show, stmt_column_index(show, "duplicate_of"));
        if (dup > INT64_MAX - offset) {
            diag("claimdb: merge: %s: article %lld plus the offset %lld is too large\n", name,
                 (long long)dup, (long long)offset);
            return -1;
        }
        a->dup = dup + offset;
    }
    return 0;
}

/* The file that gave OUT's article id: an input of this merge, or OUT itself. */
static const char *origin_name(const merge_ctx *m, int64_t id, const char **suffix)
{
    int who = origin_get(&m->origin, id);
    *suffix = who ? "" : " (the output)";
    return who ? m->inputs[who - 1].path : m->outpath;
}

/* Store the input's article (already moved to id) in OUT: the fields OUT lacks are set, equal
 * ones left, different ones are a conflict. */
static int merge_article(merge_ctx *m, int which, int64_t id, const article_fields *in)
{
    const char *name = m->inputs[which].path;
    article_fields cur;
    if (read_article(m->show_out, m->out, m->outpath, id, 0, &cur)) return -1;
    unsigned mask = 0;
    for (int f = 0; f < F_N; f++) {
        if (!in->v[f]) continue;
        int same =
            f == F_DUP ? cur.v[f] && cur.dup == in->dup : cur.v[f] && !strcmp(cur.v[f], in->v[f]);
        if (same) continue;
        if (cur.v[f]) {
            const char *suffix;
            const char *first = origin_name(m, id, &suffix);
            diag("claimdb: merge: article %lld: %s%s and %s give different %s%s; nothing was "
                 "merged (move one file's articles with --offset-articles N or --renumber)\n",
                 (long long)id, first, suffix, name, field_column[f],
                 m->inputs[which].offset ? " (after the offset)" : "");
            claimdb_reset(m->show_out);
            return -1;
        }
        mask |= 1u << f;
    }
    if (!origin_get(&m->origin, id)) origin_set(&m->origin, id, which + 1);
    if (cur.found && !mask) {
        claimdb_reset(m->show_out);
        return 0;
    }
    /* The values are copied by the binds below before show_out is stepped again. */
    claimdb_stmt *stmt = m->article_stmt[mask];
    if (!stmt) {
        buf text = {0};
        buf_puts(&text, "ARTICLE $id");
        for (int f = 0; f < F_N; f++)
            if (mask & (1u << f)) buf_puts(&text, field_clause[f]);
        buf_putc(&text, ';');
        stmt = m->article_stmt[mask] = prepare(m->out, m->outpath, text.p);
        buf_free(&text);
        if (!stmt) return -1;
    }
    claimdb_bind_int64(stmt, "$id", id);
    for (int f = 0; f < F_DUP; f++)
        if (mask & (1u << f)) claimdb_bind_text(stmt, field_param[f], in->v[f], -1);
    if (mask & (1u << F_DUP)) claimdb_bind_int64(stmt, "$dup", in->dup);
    claimdb_reset(m->show_out);
    if (run_write(stmt)) {
        diag("claimdb: merge: %s: article %lld cannot be stored in %s: %s\n", name, (long long)id,
             m->outpath, claimdb_errmsg_text(m->out));
        return -1;
    }
    m->articles++;
    return 0;
}

static int merge_articles(merge_ctx *m, claimdb *in, int which)
{
    const char *name = m->inputs[which].path;
    int64_t offset = m->inputs[which].offset;
    claimdb_stmt *list = prepare(in, name, "SHOW ARTICLES;");
    claimdb_stmt *show = list ? prepare(in, name, "SHOW ARTICLE $id;") : NULL;
    if (!show) {
        claimdb_finalize(list);
        return -1;
    }
    int rc, err = 0;
    while (!err && (rc = claimdb_step(list)) == CLAIMDB_ROW) {
        int64_t id = claimdb_column_int64(list, 0);
        article_fields a;
        if (read_article(show, in, name, id, offset, &a)) {
            err = -1;
        } else if (a.found && id > INT64_MAX - offset) {
            diag("claimdb: merge: %s: article %lld plus the offset %lld is too large\n", name,
                 (long long)id, (long long)offset);
            err = -1;
        } else if (a.found) {
            err = merge_article(m, which, id + offset, &a);
        }
    }
    if (!err && rc != CLAIMDB_DONE) err = db_failed(in, name, "reading the articles");
    claimdb_finalize(show);
    claimdb_finalize(list);
    return err;
}

/* ---- citations ---------------------------------------------------------------------------- */

static int merge_citations(merge_ctx *m, claimdb *in, int which)
{
    const char *name = m->inputs[which].path;
    int64_t offset = m->inputs[which].offset;
    for (int neg = 0; neg < 2; neg++) {
        claimdb_stmt *find = prepare(in, name, find_citations[neg]);
        if (!find) return -1;
        int rc, err = 0;
        while (!err && (rc = claimdb_step(find)) == CLAIMDB_ROW) {
            claimdb_citation c = {
                .subject = claimdb_column_text(find, 0),
                .predicate = claimdb_column_text(find, 1),
                .object = claimdb_column_text(find, 2),
                .negated = neg,
                .article = claimdb_column_int64(find, 3) + offset,
                .quote = stmt_text_or_null(find, 4),
                .claimant = stmt_text_or_null(find, 5),
                .has_confidence = claimdb_column_type(find, 6) != CLAIMDB_NULL,
                .confidence = claimdb_column_double(find, 6),
                .method = method_code(stmt_text_or_null(find, 9)),
                .said_on = stmt_text_or_null(find, 7),
                .stored = parse_utc(stmt_text_or_null(find, 8)),
            };
            int added = 0;
            if (claimdb_assert(m->out, &c, &added) != CLAIMDB_OK) {
                diag("claimdb: merge: %s: the citation (%s, %s, %s) of article %lld cannot be "
                     "stored in %s: %s\n",
                     name, c.subject, c.predicate, c.object, (long long)c.article, m->outpath,
                     claimdb_errmsg_text(m->out));
                err = -1;
                break;
            }
            if (added & CLAIMDB_ADDED_CLAIM) m->claims_added++;
            if (added & CLAIMDB_ADDED_CITATION)
                m->citations_added++;
            else if (added & CLAIMDB_UPDATED_CITATION)
                m->updated++;
            else
                m->unchanged++;
        }
        if (!err && rc != CLAIMDB_DONE) err = db_failed(in, name, "reading the citations");
        claimdb_finalize(find);
        if (err) return -1;
    }
    return 0;
}

/* Every review of the input, one SHOW REVIEWS row per (review, triple): a review is identified
 * by its URL, so the rows of one review store it once and add its links. An appearance in an
 * article of the input moves with the input's article ids. */
static int merge_reviews(merge_ctx *m, claimdb *in, int which)
{
    const char *name = m->inputs[which].path;
    int64_t offset = m->inputs[which].offset;
    claimdb_stmt *show = prepare(in, name, "SHOW REVIEWS;");
    if (!show) return -1;
    review_columns cols;
    review_columns_find(show, &cols);
    int rc, err = 0;
    while (!err && (rc = claimdb_step(show)) == CLAIMDB_ROW) {
        rec_review rr;
        review_of_row(show, &cols, &rr);
        claimdb_review r = rr.r;
        if (r.has_appearance) r.appearance += offset;
        if (claimdb_review_put(m->out, &r, NULL) != CLAIMDB_OK) {
            diag("claimdb: merge: %s: the review %s cannot be stored in %s: %s\n", name,
                 r.url ? r.url : "?", m->outpath, claimdb_errmsg_text(m->out));
            err = -1;
            break;
        }
        m->reviews++;
    }
    if (!err && rc != CLAIMDB_DONE) err = db_failed(in, name, "reading the reviews");
    claimdb_finalize(show);
    return err;
}

/* ---- the driver --------------------------------------------------------------------------- */

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* The largest article id in OUT, -1 when it has none (SHOW ARTICLES lists them by id). */
static int max_article_id(merge_ctx *m, int64_t *max)
{
    claimdb_stmt *list = prepare(m->out, m->outpath, "SHOW ARTICLES;");
    if (!list) return -1;
    int rc;
    *max = -1;
    while ((rc = claimdb_step(list)) == CLAIMDB_ROW)
        *max = claimdb_column_int64(list, 0);
    claimdb_finalize(list);
    return rc == CLAIMDB_DONE ? 0 : db_failed(m->out, m->outpath, "reading the articles");
}

static void print_counts(merge_ctx *m, const char *name)
{
    buf b = {0};
    buf_printf(&b, "%s: %ld claims added, %ld citations added, %ld updated, %ld unchanged", name,
               m->claims_added, m->citations_added, m->updated, m->unchanged);
    if (m->articles) buf_printf(&b, ", %ld article%s", m->articles, m->articles == 1 ? "" : "s");
    if (m->aliases) buf_printf(&b, ", %ld alias%s", m->aliases, m->aliases == 1 ? "" : "es");
    if (m->reviews) buf_printf(&b, ", %ld review record%s", m->reviews, m->reviews == 1 ? "" : "s");
    diag("%s\n", b.p);
    buf_free(&b);
    m->total_citations += m->citations_added + m->updated + m->unchanged;
    m->claims_added = m->citations_added = m->updated = m->unchanged = m->articles = 0;
    m->aliases = m->reviews = 0;
}

static int merge_one(merge_ctx *m, const merge_input *in, int which)
{
    if (same_file(in->path, m->outpath)) {
        diag("claimdb: merge: %s is the output database itself\n", in->path);
        return -1;
    }
    claimdb *db = NULL;
    int rc = claimdb_open(in->path, CLAIMDB_OPEN_READONLY, &db);
    if (rc != CLAIMDB_OK) {
        diag("claimdb: merge: cannot open %s: %s\n", in->path,
             db ? claimdb_errmsg(db) : claimdb_strerror(rc));
        claimdb_close(db);
        return -1;
    }
    int err = merge_aliases(m, db, in->path);
    if (!err) err = merge_articles(m, db, which);
    if (!err) err = merge_citations(m, db, which);
    if (!err) err = merge_reviews(m, db, which);
    claimdb_close(db);
    if (!err) print_counts(m, in->path);
    return err;
}

int merge_databases(const char *outpath, const merge_input *inputs, int ninputs,
                    const merge_options *o)
{
    double t0 = now_seconds();
    merge_ctx m = {0};
    m.outpath = outpath;
    /* Offsets chosen by --renumber are written into a copy of the inputs. */
    merge_input *in = xmalloc((size_t)ninputs * sizeof *in);
    memcpy(in, inputs, (size_t)ninputs * sizeof *in);
    m.inputs = in;
    int rc = claimdb_open(outpath, CLAIMDB_OPEN_CREATE, &m.out);
    if (rc != CLAIMDB_OK) {
        diag("claimdb: merge: cannot open %s: %s\n", outpath,
             m.out ? claimdb_errmsg(m.out) : claimdb_strerror(rc));
        claimdb_close(m.out);
        free(in);
        return 1;
    }
    claimdb_busy_timeout(m.out, o->timeout_ms);
    int err = 0;
    if (claimdb_exec(m.out, "BEGIN;", NULL, NULL) != CLAIMDB_OK) {
        db_failed(m.out, outpath, "BEGIN");
        claimdb_close(m.out);
        free(in);
        return 1;
    }
    if (!(m.show_out = prepare(m.out, outpath, "SHOW ARTICLE $id;"))) err = -1;
    for (int i = 0; !err && i < ninputs; i++) {
        int64_t max;
        if (o->renumber && !(err = max_article_id(&m, &max))) in[i].offset = max + 1;
        if (!err) err = merge_one(&m, &in[i], i);
    }
    for (size_t i = 0; i < sizeof m.article_stmt / sizeof m.article_stmt[0]; i++)
        claimdb_finalize(m.article_stmt[i]);
    claimdb_finalize(m.alias_stmt);
    claimdb_finalize(m.show_out);
    const char *end = err || o->dry_run ? "ROLLBACK;" : "COMMIT;";
    if (claimdb_exec(m.out, end, NULL, NULL) != CLAIMDB_OK) err = db_failed(m.out, outpath, end);
    claimdb_close(m.out);
    free(m.origin.ids);
    free(m.origin.who);
    free(in);
    if (err) {
        diag("claimdb: merge: nothing was stored in %s\n", outpath);
        return 1;
    }
    double dt = now_seconds() - t0;
    diag("merge: %d database%s into %s, %ld citations in %.2f s%s\n", ninputs,
         ninputs == 1 ? "" : "s", outpath, m.total_citations, dt,
         o->dry_run ? " (dry run: nothing stored)" : "");
    return 0;
}
