/* run_sqlite.c — the SQLite side of claimdb-bench: the natural relational schema for claims.
 *
 *   terms(id INTEGER PRIMARY KEY, name TEXT UNIQUE)
 *   claims(id INTEGER PRIMARY KEY, pol, s, p, o)  indexes (pol,s,p,o) unique, (pol,p,o,s),
 * (pol,o,s,p) citations(claim, article, quote, claimant, confidence, method)  PRIMARY KEY (claim,
 * article) WITHOUT ROWID, index (article, claim) articles(id INTEGER PRIMARY KEY)               an
 * empty record per cited article, as claimdb
 *
 * The loader does what claimdb_assert() does for each citation, with prepared statements in
 * one transaction: find or create the three terms (and the claimant), find or create the
 * claim, create the article record if missing, and upsert the citation. Indexes exist before
 * the load, journal_mode and synchronous are SQLite's defaults (DELETE, FULL): durable. The
 * page cache is SQLite's default (2 MiB) unless --sqlite-cache MB is given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"

static const char schema[] =
    "CREATE TABLE terms(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE claims(id INTEGER PRIMARY KEY, pol INTEGER NOT NULL, s INTEGER NOT NULL,"
    "  p INTEGER NOT NULL, o INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX claims_spo ON claims(pol, s, p, o);"
    "CREATE INDEX claims_pos ON claims(pol, p, o, s);"
    "CREATE INDEX claims_osp ON claims(pol, o, s, p);"
    "CREATE TABLE citations(claim INTEGER NOT NULL, article INTEGER NOT NULL, quote TEXT,"
    "  claimant INTEGER, confidence REAL, method INTEGER NOT NULL,"
    "  PRIMARY KEY (claim, article)) WITHOUT ROWID;"
    "CREATE INDEX citations_article ON citations(article, claim);"
    "CREATE TABLE articles(id INTEGER PRIMARY KEY);";

static void check(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        bench_die("SQLite: %s: %s", what, sqlite3_errmsg(db));
}

static void set_cache(sqlite3 *db)
{
    if (bench_sqlite_cache_mb <= 0) return;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d;", bench_sqlite_cache_mb * 1024);
    check(db, sqlite3_exec(db, sql, NULL, NULL, NULL), sql);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    check(db, sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL), sql);
    return st;
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = prep(db, sql);
    if (sqlite3_step(st) != SQLITE_ROW) bench_die("SQLite: %s: no row", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

typedef struct loader {
    sqlite3 *db;
    sqlite3_stmt *term_get, *term_put, *claim_get, *claim_put, *article_put, *cite_put;
} loader;

static int64_t term_id(loader *l, const char *name)
{
    sqlite3_bind_text(l->term_get, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(l->term_get);
    int64_t id = -1;
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(l->term_get, 0);
    else
        check(l->db, rc, "term lookup");
    sqlite3_reset(l->term_get);
    if (id >= 0) return id;
    sqlite3_bind_text(l->term_put, 1, name, -1, SQLITE_STATIC);
    check(l->db, sqlite3_step(l->term_put), "term insert");
    sqlite3_reset(l->term_put);
    return sqlite3_last_insert_rowid(l->db);
}

/* Returns 1 when the claim was created. */
static int claim_id(loader *l, int pol, int64_t s, int64_t p, int64_t o, int64_t *id)
{
    sqlite3_stmt *g = l->claim_get;
    sqlite3_bind_int(g, 1, pol);
    sqlite3_bind_int64(g, 2, s);
    sqlite3_bind_int64(g, 3, p);
    sqlite3_bind_int64(g, 4, o);
    int rc = sqlite3_step(g);
    int found = rc == SQLITE_ROW;
    if (found)
        *id = sqlite3_column_int64(g, 0);
    else
        check(l->db, rc, "claim lookup");
    sqlite3_reset(g);
    if (found) return 0;
    sqlite3_stmt *pu = l->claim_put;
    sqlite3_bind_int(pu, 1, pol);
    sqlite3_bind_int64(pu, 2, s);
    sqlite3_bind_int64(pu, 3, p);
    sqlite3_bind_int64(pu, 4, o);
    check(l->db, sqlite3_step(pu), "claim insert");
    sqlite3_reset(pu);
    *id = sqlite3_last_insert_rowid(l->db);
    return 1;
}

void sqlite_run_load(const bench_data *d, const char *path, bench_load *out, int verbose)
{
    char journal[4200];
    snprintf(journal, sizeof journal, "%s-journal", path);
    unlink(path);
    unlink(journal);
    loader l;
    memset(&l, 0, sizeof l);
    if (sqlite3_open_v2(path, &l.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        bench_die("SQLite: open %s: %s", path, sqlite3_errmsg(l.db));
    set_cache(l.db);
    check(l.db, sqlite3_exec(l.db, schema, NULL, NULL, NULL), "schema");
    l.term_get = prep(l.db, "SELECT id FROM terms WHERE name = ?1;");
    l.term_put = prep(l.db, "INSERT INTO terms(name) VALUES (?1);");
    l.claim_get =
        prep(l.db, "SELECT id FROM claims WHERE pol = ?1 AND s = ?2 AND p = ?3 AND o = ?4;");
    l.claim_put = prep(l.db, "INSERT INTO claims(pol, s, p, o) VALUES (?1, ?2, ?3, ?4);");
    l.article_put = prep(l.db, "INSERT OR IGNORE INTO articles(id) VALUES (?1);");
    l.cite_put =
        prep(l.db, "INSERT INTO citations(claim, article, quote, claimant, confidence, method)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (claim, article) DO UPDATE SET"
                   " quote = excluded.quote, claimant = excluded.claimant,"
                   " confidence = excluded.confidence, method = excluded.method;");

    bench_cit bc;
    double t0 = bench_now(), c0 = bench_cpu_now();
    check(l.db, sqlite3_exec(l.db, "BEGIN;", NULL, NULL, NULL), "BEGIN");
    for (size_t i = 0; i < d->nclaims; i++) {
        for (int k = 0; k < d->claims[i].ncit; k++) {
            bench_citation(d, i, k, &bc);
            int64_t s = term_id(&l, bc.s), p = term_id(&l, bc.p), o = term_id(&l, bc.o), cid;
            int created = claim_id(&l, bc.pol, s, p, o, &cid);
            if (created != (k == 0))
                bench_die("SQLite: claim %zu citation %d: created=%d", i, k, created);
            int64_t who = bc.has_claimant ? term_id(&l, bc.claimant) : -1;
            sqlite3_bind_int64(l.article_put, 1, bc.article);
            check(l.db, sqlite3_step(l.article_put), "article insert");
            sqlite3_reset(l.article_put);
            sqlite3_stmt *c = l.cite_put;
            sqlite3_bind_int64(c, 1, cid);
            sqlite3_bind_int64(c, 2, bc.article);
            sqlite3_bind_text(c, 3, bc.quote, -1, SQLITE_STATIC);
            if (who >= 0)
                sqlite3_bind_int64(c, 4, who);
            else
                sqlite3_bind_null(c, 4);
            if (bc.has_confidence)
                sqlite3_bind_double(c, 5, bc.confidence);
            else
                sqlite3_bind_null(c, 5);
            sqlite3_bind_int(c, 6, 1);
            check(l.db, sqlite3_step(c), "citation insert");
            sqlite3_reset(c);
        }
        if (verbose || (i & 0xFFFF) == 0) bench_progress("SQLite load", i, d->nclaims);
    }
    check(l.db, sqlite3_exec(l.db, "COMMIT;", NULL, NULL, NULL), "COMMIT");
    out->seconds = bench_now() - t0;
    out->cpu_seconds = bench_cpu_now() - c0;
    bench_progress("SQLite load", d->nclaims, d->nclaims);
    sqlite3_finalize(l.term_get);
    sqlite3_finalize(l.term_put);
    sqlite3_finalize(l.claim_get);
    sqlite3_finalize(l.claim_put);
    sqlite3_finalize(l.article_put);
    sqlite3_finalize(l.cite_put);
    sqlite3_close(l.db);
    out->file_bytes = bench_file_size(path);
    out->peak_rss = bench_peak_rss(); /* before the count below reads the file */

    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        bench_die("SQLite: reopen %s: %s", path, sqlite3_errmsg(db));
    double t1 = bench_now();
    out->check_pos_claims = scalar(db, "SELECT count(*) FROM claims WHERE pol = 1;");
    out->check_pos_citations = scalar(
        db, "SELECT count(*) FROM claims c, citations ct WHERE c.pol = 1 AND ct.claim = c.id;");
    fprintf(stderr,
            "  SQLite: load %.2f s; counted %lld positive claims, %lld citations in %.2f s\n",
            out->seconds, (long long)out->check_pos_claims, (long long)out->check_pos_citations,
            bench_now() - t1);
    sqlite3_close(db);
}

static void bind_params(sqlite3_stmt *st, int mask, const bench_param *bp)
{
    if (mask & 1) sqlite3_bind_text(st, 1, bp->s, -1, SQLITE_STATIC);
    if (mask & 2) sqlite3_bind_text(st, 2, bp->p, -1, SQLITE_STATIC);
    if (mask & 4) sqlite3_bind_text(st, 3, bp->o, -1, SQLITE_STATIC);
    if (mask & 8) sqlite3_bind_int64(st, 4, bp->a);
    if (mask & 16) sqlite3_bind_text(st, 5, bp->p2, -1, SQLITE_STATIC);
}

static void explain(sqlite3 *db, const char *sql)
{
    char text[1024];
    snprintf(text, sizeof text, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st = prep(db, text);
    fprintf(stderr, "  SQLite plan of %s\n", sql);
    while (sqlite3_step(st) == SQLITE_ROW)
        fprintf(stderr, "    %s\n", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
}

struct sqlite_q {
    sqlite3 *db;
    sqlite3_stmt *st[W_COUNT_OF];
};

sqlite_q *sqlite_q_open(const char *path, int verbose)
{
    sqlite_q *h = calloc(1, sizeof *h);
    if (!h) bench_die("out of memory");
    if (sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        bench_die("SQLite: open %s: %s", path, sqlite3_errmsg(h->db));
    set_cache(h->db);
    for (int wi = 0; wi < W_COUNT_OF; wi++) {
        const bench_workload *w = &bench_workloads[wi];
        if (verbose) explain(h->db, w->sql);
        h->st[wi] = prep(h->db, w->sql);
        if (sqlite3_column_count(h->st[wi]) != w->ncols)
            bench_die("SQLite: %s has %d columns, expected %d", w->sql,
                      sqlite3_column_count(h->st[wi]), w->ncols);
    }
    return h;
}

void sqlite_q_pass(sqlite_q *h, int wi, const bench_queryset *q, bench_result *r)
{
    const bench_workload *w = &bench_workloads[wi];
    sqlite3_stmt *st = h->st[wi];
    int rc;
    r->total_rows = 0;
    double t0 = bench_now();
    for (size_t i = 0; i < q->n; i++) {
        bind_params(st, w->nparams, &q->params[i]);
        int64_t rows = 0;
        uint64_t hash = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            for (int col = 0; col < w->ncols; col++) {
                if (w->coltype[col] == COL_INT) {
                    int64_t v = sqlite3_column_int64(st, col);
                    hash += bench_hash_int(v);
                    if (w->is_count && col == 0) rows = v;
                } else {
                    hash += bench_hash_text((const char *)sqlite3_column_text(st, col));
                }
            }
            if (!w->is_count) rows++;
        }
        if (rc != SQLITE_DONE) bench_die("SQLite: step %s: %s", w->sql, sqlite3_errmsg(h->db));
        sqlite3_reset(st);
        r->rows[i] = rows;
        r->hash[i] = hash;
        r->total_rows += rows;
    }
    r->seconds = bench_now() - t0;
}

void sqlite_q_close(sqlite_q *h)
{
    if (!h) return;
    for (int wi = 0; wi < W_COUNT_OF; wi++)
        sqlite3_finalize(h->st[wi]);
    sqlite3_close(h->db);
    free(h);
}
