/* api.c — the public API (claimdb.h): handles, prepared statements, bindings, stepping,
 * columns, and the transaction rules that tie statements to LMDB transactions. */
#include "engine.h"
#include "try.h"

#include "ratings.h"
#include "parse.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *claimdb_version(void)
{
    return CLAIMDB_VERSION_STRING;
}

const char *claimdb_strerror(int status)
{
    switch (status) {
    case CLAIMDB_OK:
        return "not an error";
    case CLAIMDB_ERROR:
        return "statement failed";
    case CLAIMDB_SYNTAX:
        return "syntax error";
    case CLAIMDB_SEMANTIC:
        return "invalid statement";
    case CLAIMDB_NOMEM:
        return "out of memory";
    case CLAIMDB_NOTFOUND:
        return "no such database";
    case CLAIMDB_READONLY:
        return "database is read-only";
    case CLAIMDB_BUSY:
        return "database is busy";
    case CLAIMDB_IOERR:
        return "input/output error";
    case CLAIMDB_CORRUPT:
        return "not a claimdb database, or damaged";
    case CLAIMDB_FORMAT:
        return "unsupported database format version";
    case CLAIMDB_MISUSE:
        return "API misuse";
    case CLAIMDB_RANGE:
        return "index or name out of range";
    case CLAIMDB_INTERRUPT:
        return "interrupted";
    case CLAIMDB_ABORT:
        return "callback requested abort";
    case CLAIMDB_TOOBIG:
        return "value too big";
    case CLAIMDB_ROW:
        return "another row available";
    case CLAIMDB_DONE:
        return "no more rows available";
    default:
        return "unknown status";
    }
}

/* ---- handles ---- */

/* The store's busy callback: claimdb_interrupt() ends a wait too, then the user's handler. */
static int api_busy(void *ctx, int waited_ms)
{
    claimdb *db = ctx;
    if (db->interrupted) return 1;
    return db->busy_cb ? db->busy_cb(db->busy_ctx, waited_ms) : 0;
}

int claimdb_open(const char *path, int flags, claimdb **out)
{
    if (out) *out = NULL;
    if (!path || !out) return CLAIMDB_MISUSE;
    claimdb *db = calloc(1, sizeof *db);
    if (!db) return CLAIMDB_NOMEM;
    db->flags = flags;
    db->erroff = -1;
    *out = db;
    int rc = store_open(path, flags, &db->st);
    if (rc != CLAIMDB_OK) {
        if (db->st) return db_store_error(db, rc);
        return db_error(db, rc, "%s: %s", path, claimdb_strerror(rc));
    }
    store_busy_handler(db->st, api_busy, db);
    db_clear_error(db);
    return CLAIMDB_OK;
}

static void stmt_stop(claimdb_stmt *stmt, bool keep);

int claimdb_busy_timeout(claimdb *db, int ms)
{
    if (!db || !db->st) return CLAIMDB_MISUSE;
    store_busy_timeout(db->st, ms);
    return CLAIMDB_OK;
}

int claimdb_busy_handler(claimdb *db, claimdb_busy_callback callback, void *ctx)
{
    if (!db || !db->st) return CLAIMDB_MISUSE;
    db->busy_cb = callback;
    db->busy_ctx = ctx;
    return CLAIMDB_OK;
}

int claimdb_close(claimdb *db)
{
    if (!db) return CLAIMDB_OK;
    while (db->stmts)
        claimdb_finalize(db->stmts);
    if (db->txn) store_abort(db->txn);
    store_close(db->st);
    ratings_free(db->ratings);
    free(db);
    return CLAIMDB_OK;
}

int claimdb_autocommit(claimdb *db)
{
    return db && !db->txn;
}

void claimdb_interrupt(claimdb *db)
{
    if (db) db->interrupted = 1;
}

int64_t claimdb_counter(claimdb *db, int counter, int reset)
{
    if (!db || !db->st) return 0;
    if (counter == CLAIMDB_COUNTER_CURSOR_OPS) return store_cursor_ops(db->st, reset != 0);
    if (counter == CLAIMDB_COUNTER_PLANS) {
        int64_t n = db->plans;
        if (reset) db->plans = 0;
        return n;
    }
    if (counter == CLAIMDB_COUNTER_QUOTES_NOT_FOUND) {
        int64_t n = db->quotes_not_found;
        if (reset) db->quotes_not_found = 0;
        return n;
    }
    return 0;
}

int claimdb_errcode(claimdb *db)
{
    return db ? db->errcode : CLAIMDB_NOMEM;
}

const char *claimdb_errmsg(claimdb *db)
{
    if (!db) return claimdb_strerror(CLAIMDB_NOMEM);
    return db->errcode == CLAIMDB_OK ? "not an error" : db->errmsg;
}

const char *claimdb_errmsg_text(claimdb *db)
{
    if (!db) return claimdb_strerror(CLAIMDB_NOMEM);
    return db->errcode == CLAIMDB_OK ? "not an error" : db->errtext;
}

int claimdb_error_offset(claimdb *db)
{
    return db && db->errcode != CLAIMDB_OK ? db->erroff : -1;
}

int claimdb_complete(const char *text)
{
    return text ? parse_complete(text, strlen(text)) : 0;
}

int claimdb_keyword_count(void)
{
    return parse_keyword_count();
}

const char *claimdb_keyword_name(int i)
{
    return parse_keyword_name(i);
}

/* ---- statements ---- */

int claimdb_prepare(claimdb *db, const char *text, int len, claimdb_stmt **out, const char **tail)
{
    if (out) *out = NULL;
    if (tail) *tail = text;
    if (!db) return CLAIMDB_MISUSE;
    if (!text || !out) return db_error(db, CLAIMDB_MISUSE, "claimdb_prepare: NULL argument");
    size_t n = len < 0 ? strlen(text) : (size_t)len;
    ast_stmt *ast = NULL;
    size_t consumed = 0;
    parse_error perr;
    memset(&perr, 0, sizeof perr);
    db->interrupted = 0;
    int rc = parse_statement_stop(text, n, &db->interrupted, &ast, &consumed, &perr);
    if (tail) *tail = text + consumed;
    if (rc == CLAIMDB_INTERRUPT) {
        db->interrupted = 0;
        return db_error(db, rc, "interrupted");
    }
    if (rc != CLAIMDB_OK) {
        claimdb_stmt tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.db = db;
        tmp.src = (char *)text;
        tmp.srclen = n;
        if (rc == CLAIMDB_NOMEM) return db_nomem(db);
        return stmt_error_at(&tmp, rc, perr.offset, "%s", perr.message);
    }
    db_clear_error(db);
    if (!ast) return CLAIMDB_OK;
    claimdb_stmt *stmt = calloc(1, sizeof *stmt);
    if (stmt) stmt->src = malloc(consumed + 1);
    if (stmt && ast->nparams) stmt->binds = calloc(ast->nparams, sizeof *stmt->binds);
    if (!stmt || !stmt->src || (ast->nparams && !stmt->binds)) {
        if (stmt) free(stmt->src);
        free(stmt);
        ast_stmt_free(ast);
        return db_nomem(db);
    }
    memcpy(stmt->src, text, consumed);
    stmt->src[consumed] = '\0';
    stmt->srclen = consumed;
    stmt->db = db;
    stmt->ast = ast;
    stmt->state = ST_READY;
    stmt->next = db->stmts;
    if (db->stmts) db->stmts->prev = stmt;
    db->stmts = stmt;
    /* Columns are known before the first step: fixed by the kind, or read off the AST. */
    const stmt_kind *kind = stmt_kind_of(ast);
    if (!kind) {
        claimdb_finalize(stmt);
        return db_error(db, CLAIMDB_MISUSE, "a statement the engine does not know");
    }
    stmt->kind = kind;
    rc = kind->shape      ? kind->shape(stmt)
         : kind->ncolumns ? stmt_set_columns(stmt, kind->ncolumns, kind->columns)
                          : CLAIMDB_OK;
    if (rc != CLAIMDB_OK) {
        claimdb_finalize(stmt);
        return rc == CLAIMDB_NOMEM ? db_nomem(db) : rc;
    }
    *out = stmt;
    return CLAIMDB_OK;
}

int stmt_set_columns(claimdb_stmt *stmt, int ncols, const char *const *names)
{
    stmt->ncols = ncols;
    size_t n = ncols ? (size_t)ncols : 1;
    stmt->colnames = calloc(n, sizeof *stmt->colnames);
    stmt->row = calloc(n, sizeof *stmt->row);
    stmt->coltext = calloc(n, sizeof *stmt->coltext);
    stmt->coltextcap = calloc(n, sizeof *stmt->coltextcap);
    stmt->coltextid = calloc(n, sizeof *stmt->coltextid);
    stmt->collist = calloc(n, sizeof *stmt->collist);
    stmt->collistcap = calloc(n, sizeof *stmt->collistcap);
    if (!stmt->colnames || !stmt->row || !stmt->coltext || !stmt->coltextcap || !stmt->coltextid ||
        !stmt->collist || !stmt->collistcap)
        return CLAIMDB_NOMEM;
    for (int i = 0; i < ncols; i++)
        stmt->colnames[i] = names[i];
    return CLAIMDB_OK;
}

/* Free what a statement keeps between runs. */
static void stmt_drop_kept(claimdb_stmt *stmt)
{
    if (stmt->idle) stmt->idle->free(stmt->idle);
    stmt->idle = NULL;
    store_abort(stmt->parked);
    stmt->parked = NULL;
}

/* End the statement's run. keep (a run that ended well, or a reset): its executor and its own
 * read transaction are kept for the next run, else freed. */
static void stmt_stop(claimdb_stmt *stmt, bool keep)
{
    if (stmt->ex) {
        if (keep && stmt->ex->rewind && !stmt->idle) {
            stmt->ex->rewind(stmt->ex);
            stmt->idle = stmt->ex;
        } else {
            stmt->ex->free(stmt->ex);
        }
        stmt->ex = NULL;
    }
    if (stmt->own_txn && stmt->txn) {
        if (keep && !stmt->parked) {
            store_park(&stmt->txn);
            stmt->parked = stmt->txn;
        } else {
            store_abort(stmt->txn);
        }
    }
    if (!keep) stmt_drop_kept(stmt);
    stmt->txn = NULL;
    stmt->own_txn = false;
    for (int i = 0; i < stmt->ncols; i++) {
        stmt->row[i] = v_null();
        stmt->coltextid[i] = 0; /* the next run may read another snapshot */
    }
}

int claimdb_reset(claimdb_stmt *stmt)
{
    if (!stmt) return CLAIMDB_MISUSE;
    stmt_stop(stmt, stmt->state != ST_FAILED);
    stmt_clear_warnings(stmt);
    stmt->state = ST_READY;
    stmt->db->interrupted = 0;
    return CLAIMDB_OK;
}

int claimdb_finalize(claimdb_stmt *stmt)
{
    if (!stmt) return CLAIMDB_OK;
    claimdb *db = stmt->db;
    stmt_stop(stmt, false);
    stmt_clear_warnings(stmt);
    if (stmt->prev)
        stmt->prev->next = stmt->next;
    else
        db->stmts = stmt->next;
    if (stmt->next) stmt->next->prev = stmt->prev;
    if (stmt->binds)
        for (size_t i = 0; i < stmt->ast->nparams; i++)
            binding_clear(&stmt->binds[i]);
    free(stmt->binds);
    for (int i = 0; i < stmt->ncols; i++) {
        free(stmt->coltext[i]);
        if (stmt->collist) free(stmt->collist[i]);
    }
    free(stmt->coltext);
    free(stmt->coltextcap);
    free(stmt->coltextid);
    free(stmt->collist);
    free(stmt->collistcap);
    free(stmt->colnames);
    free(stmt->row);
    ast_stmt_free(stmt->ast);
    free(stmt->src);
    free(stmt);
    return CLAIMDB_OK;
}

/* ---- bindings ---- */

int claimdb_bind_parameter_count(claimdb_stmt *stmt)
{
    return stmt ? (int)stmt->ast->nparams : 0;
}

const char *claimdb_bind_parameter_name(claimdb_stmt *stmt, int i)
{
    if (!stmt || i < 0 || (size_t)i >= stmt->ast->nparams) return NULL;
    return stmt->ast->params[i];
}

static int bind_slot(claimdb_stmt *stmt, const char *name, binding **out)
{
    if (!stmt) return CLAIMDB_MISUSE;
    if (!name) return db_error(stmt->db, CLAIMDB_MISUSE, "bind: NULL parameter name");
    if (stmt->state == ST_RUNNING)
        return db_error(stmt->db, CLAIMDB_MISUSE,
                        "bind: the statement is running; reset it before binding");
    for (size_t i = 0; i < stmt->ast->nparams; i++) {
        if (strcmp(stmt->ast->params[i], name) == 0) {
            binding *b = &stmt->binds[i];
            binding_clear(b);
            *out = b;
            db_clear_error(stmt->db);
            return CLAIMDB_OK;
        }
    }
    return db_error(stmt->db, CLAIMDB_RANGE, "no parameter %s in this statement", name);
}

int claimdb_bind_text(claimdb_stmt *stmt, const char *name, const char *text, int len)
{
    binding *b;
    int rc = bind_slot(stmt, name, &b);
    if (rc != CLAIMDB_OK) return rc;
    if (!text) return CLAIMDB_OK; /* binding NULL leaves the parameter unbound */
    size_t n = len < 0 ? strlen(text) : (size_t)len;
    const char *why;
    if ((rc = text_check(text, n, &why))) return db_error(stmt->db, rc, "%s: %s", name, why);
    char *copy = malloc(n + 1);
    if (!copy) return db_nomem(stmt->db);
    memcpy(copy, text, n);
    copy[n] = '\0';
    b->k = V_TEXT;
    b->u.s.p = copy;
    b->u.s.n = n;
    return CLAIMDB_OK;
}

int claimdb_bind_int64(claimdb_stmt *stmt, const char *name, int64_t num)
{
    binding *b;
    int rc = bind_slot(stmt, name, &b);
    if (rc != CLAIMDB_OK) return rc;
    b->k = V_INT;
    b->u.i = num;
    return CLAIMDB_OK;
}

int claimdb_bind_double(claimdb_stmt *stmt, const char *name, double num)
{
    binding *b;
    int rc = bind_slot(stmt, name, &b);
    if (rc != CLAIMDB_OK) return rc;
    b->k = V_REAL;
    b->u.r = num;
    return CLAIMDB_OK;
}

int claimdb_clear_bindings(claimdb_stmt *stmt)
{
    if (!stmt) return CLAIMDB_MISUSE;
    if (stmt->state == ST_RUNNING)
        return db_error(stmt->db, CLAIMDB_MISUSE, "clear_bindings: the statement is running");
    for (size_t i = 0; i < stmt->ast->nparams; i++)
        binding_clear(&stmt->binds[i]);
    return CLAIMDB_OK;
}

/* ---- stepping ---- */

/* Before a write in the explicit transaction, finish the handle's statements that are still
 * reading in it, so that none of them sees the write (or loops on its own derived claims). */
static int freeze_readers(claimdb *db, claimdb_stmt *self)
{
    for (claimdb_stmt *s = db->stmts; s; s = s->next) {
        if (s == self || s->state != ST_RUNNING || !s->ex || s->txn != db->txn || s->own_txn)
            continue;
        if (rowset_drain(s) != CLAIMDB_OK) return db_nomem(db);
    }
    return CLAIMDB_OK;
}

/* Run a write statement: in the explicit transaction under a savepoint, else in its own. */
static int step_write(claimdb_stmt *stmt)
{
    claimdb *db = stmt->db;
    if (db->flags & CLAIMDB_OPEN_READONLY)
        return db_error(db, CLAIMDB_READONLY, "the database is open read-only");
    int rc;
    if (db->txn) {
        TRY(rc, freeze_readers(db, stmt));
        if ((rc = store_savepoint(db->txn)) != CLAIMDB_OK) return db_store_error(db, rc);
        stmt->txn = db->txn;
        rc = stmt->kind->run(stmt);
        stmt->txn = NULL;
        if (rc != CLAIMDB_OK) {
            store_savepoint_rollback(db->txn);
            return rc;
        }
        if ((rc = store_savepoint_release(db->txn)) != CLAIMDB_OK) return db_store_error(db, rc);
        return CLAIMDB_OK;
    }
    store_txn *txn;
    if ((rc = store_begin(db->st, true, &txn)) != CLAIMDB_OK) return db_store_error(db, rc);
    stmt->txn = txn;
    rc = stmt->kind->run(stmt);
    stmt->txn = NULL;
    if (rc != CLAIMDB_OK) {
        store_abort(txn);
        return rc;
    }
    if ((rc = store_commit(txn)) != CLAIMDB_OK) return db_store_error(db, rc);
    return CLAIMDB_OK;
}

static int start_reader(claimdb_stmt *stmt)
{
    claimdb *db = stmt->db;
    int rc;
    if (db->txn) {
        stmt->txn = db->txn;
        stmt->own_txn = false;
    } else {
        if (stmt->parked) {
            /* the statement's transaction of its last run, on the latest snapshot */
            stmt->txn = stmt->parked;
            stmt->parked = NULL;
            if (store_renew(stmt->txn) != CLAIMDB_OK) {
                store_abort(stmt->txn);
                stmt->txn = NULL;
            }
        }
        if (!stmt->txn && (rc = store_begin(db->st, false, &stmt->txn)) != CLAIMDB_OK) {
            stmt->txn = NULL;
            return db_store_error(db, rc);
        }
        stmt->own_txn = true;
    }
    if (stmt->idle) {
        exec *ex = stmt->idle;
        bool kept = false;
        stmt->idle = NULL;
        rc = ex->restart(stmt, ex, &kept);
        if (rc == CLAIMDB_OK && kept) {
            stmt->ex = ex;
            return CLAIMDB_OK;
        }
        ex->free(ex);
        if (rc != CLAIMDB_OK) return rc;
    }
    return stmt->kind->start(stmt, &stmt->ex);
}

int claimdb_step(claimdb_stmt *stmt)
{
    if (!stmt) return CLAIMDB_MISUSE;
    claimdb *db = stmt->db;
    int rc;
    switch (stmt->state) {
    case ST_DONE:
        return CLAIMDB_DONE;
    case ST_FAILED:
        return db_error(db, CLAIMDB_MISUSE, "step after an error: reset the statement first");
    case ST_READY:
        db->interrupted = 0;
        db_clear_error(db);
        stmt_clear_warnings(stmt);
        if (stmt->kind->mode != MODE_READ) {
            rc = stmt->kind->mode == MODE_WRITE ? step_write(stmt) : stmt->kind->run(stmt);
            /* A write that reports what it did (CREATE TEXT INDEX) leaves its rows in ex. */
            if (rc != CLAIMDB_OK || !stmt->ex) {
                if (rc != CLAIMDB_OK) stmt_stop(stmt, false);
                stmt->state = rc == CLAIMDB_OK ? ST_DONE : ST_FAILED;
                return rc == CLAIMDB_OK ? CLAIMDB_DONE : rc;
            }
            stmt->state = ST_RUNNING;
            break;
        }
        stmt->state = ST_RUNNING;
        if ((rc = start_reader(stmt)) != CLAIMDB_OK) {
            stmt_stop(stmt, false);
            stmt->state = ST_FAILED;
            return rc;
        }
        break;
    case ST_RUNNING:
        break;
    }
    if (db->txn && stmt->txn && stmt->txn != db->txn && !stmt->own_txn) {
        stmt_stop(stmt, false);
        stmt->state = ST_FAILED;
        return db_error(db, CLAIMDB_ERROR, "the transaction this statement read in has ended");
    }
    if (db->interrupted) {
        db->interrupted = 0;
        stmt_stop(stmt, false);
        stmt->state = ST_FAILED;
        return db_error(db, CLAIMDB_INTERRUPT, "interrupted");
    }
    rc = stmt->ex->next(stmt, stmt->ex);
    if (rc == CLAIMDB_ROW) return rc;
    stmt_stop(stmt, rc == CLAIMDB_DONE);
    if (rc == CLAIMDB_DONE) {
        stmt->state = ST_DONE;
        return rc;
    }
    stmt->state = ST_FAILED;
    return rc;
}

/* ---- columns ---- */

int claimdb_column_count(claimdb_stmt *stmt)
{
    return stmt ? stmt->ncols : 0;
}

const char *claimdb_column_name(claimdb_stmt *stmt, int i)
{
    if (!stmt || i < 0 || i >= stmt->ncols) return NULL;
    return stmt->colnames[i];
}

static const value *column(claimdb_stmt *stmt, int i)
{
    if (!stmt || i < 0 || i >= stmt->ncols || stmt->state != ST_RUNNING) return NULL;
    return &stmt->row[i];
}

int claimdb_column_type(claimdb_stmt *stmt, int i)
{
    const value *v = column(stmt, i);
    if (!v) return CLAIMDB_NULL;
    switch (v->k) {
    case V_INT:
        return CLAIMDB_INTEGER;
    case V_REAL:
        return CLAIMDB_REAL;
    case V_TERM:
    case V_TEXT:
        return CLAIMDB_TEXT;
    case V_LIST:
        return CLAIMDB_LIST;
    default:
        return CLAIMDB_NULL;
    }
}

int claimdb_column_list(claimdb_stmt *stmt, int i, const int64_t **items)
{
    if (items) *items = NULL;
    const value *v = column(stmt, i);
    if (!v || v->k != V_LIST) return -1;
    /* Parse the text form: the ids are few (one per citing article). */
    size_t n = 0;
    const char *p = v->u.s.p, *end = p + v->u.s.n;
    for (const char *q = p; q < end; q++)
        n += *q >= '0' && *q <= '9' && (q == p || q[-1] < '0' || q[-1] > '9');
    if (stmt->collistcap[i] < n || !stmt->collist[i]) {
        int64_t *a = realloc(stmt->collist[i], (n ? n : 1) * sizeof *a);
        if (!a) return -1;
        stmt->collist[i] = a;
        stmt->collistcap[i] = n ? n : 1;
    }
    size_t k = 0;
    int64_t cur = 0;
    bool in = false;
    for (const char *q = p; q <= end; q++) {
        if (q < end && *q >= '0' && *q <= '9') {
            cur = cur * 10 + (*q - '0');
            in = true;
        } else if (in) {
            stmt->collist[i][k++] = cur;
            cur = 0;
            in = false;
        }
    }
    if (items) *items = k ? stmt->collist[i] : NULL;
    return (int)k;
}

const char *claimdb_column_text(claimdb_stmt *stmt, int i)
{
    const value *v = column(stmt, i);
    if (!v || v->k == V_NULL) return NULL;
    if (v->k == V_TERM && v->u.t == stmt->coltextid[i]) return stmt->coltext[i];
    stmt->coltextid[i] = 0;
    char buf[64];
    const char *s;
    size_t n;
    if (value_text(stmt->txn, v, &s, &n, buf, sizeof buf) != CLAIMDB_OK) return NULL;
    if (stmt->coltextcap[i] < n + 1) {
        size_t cap = n + 1 < 64 ? 64 : n + 1;
        char *p = realloc(stmt->coltext[i], cap);
        if (!p) return NULL;
        stmt->coltext[i] = p;
        stmt->coltextcap[i] = cap;
    }
    memcpy(stmt->coltext[i], s, n);
    stmt->coltext[i][n] = '\0';
    if (v->k == V_TERM) stmt->coltextid[i] = v->u.t;
    return stmt->coltext[i];
}

int64_t claimdb_column_int64(claimdb_stmt *stmt, int i)
{
    const value *v = column(stmt, i);
    if (!v) return 0;
    if (v->k == V_INT) return v->u.i;
    if (v->k == V_REAL) return (int64_t)v->u.r;
    const char *s = claimdb_column_text(stmt, i);
    return s ? strtoll(s, NULL, 10) : 0;
}

double claimdb_column_double(claimdb_stmt *stmt, int i)
{
    const value *v = column(stmt, i);
    if (!v) return 0.0;
    if (v->k == V_REAL) return v->u.r;
    if (v->k == V_INT) return (double)v->u.i;
    const char *s = claimdb_column_text(stmt, i);
    return s ? strtod(s, NULL) : 0.0;
}

/* ---- scripts and bulk loading ---- */

int claimdb_exec(claimdb *db, const char *script, claimdb_row_callback cb, void *ctx)
{
    if (!db) return CLAIMDB_MISUSE;
    if (!script) return db_error(db, CLAIMDB_MISUSE, "claimdb_exec: NULL script");
    size_t total = strlen(script);
    const char *p = script;
    while (*p) {
        claimdb_stmt *stmt;
        const char *tail;
        int rc = claimdb_prepare(db, p, -1, &stmt, &tail);
        if (rc != CLAIMDB_OK) {
            db_error_rebase(db, script, total, (size_t)(p - script));
            return rc;
        }
        if (!stmt) break;
        while ((rc = claimdb_step(stmt)) == CLAIMDB_ROW) {
            if (cb && cb(ctx, stmt) != 0) {
                claimdb_finalize(stmt);
                return db_error(db, CLAIMDB_ABORT, "callback requested abort");
            }
        }
        if (rc != CLAIMDB_DONE) {
            /* Keep the statement's error while freeing it. */
            int code = db->errcode, off = db->erroff;
            char text[sizeof db->errtext];
            memcpy(text, db->errtext, sizeof text);
            claimdb_finalize(stmt);
            db->errcode = code;
            db->erroff = off;
            memcpy(db->errtext, text, sizeof text);
            snprintf(db->errmsg, sizeof db->errmsg, "%s", text);
            if (off >= 0) db_error_rebase(db, script, total, (size_t)(p - script));
            return rc;
        }
        claimdb_finalize(stmt);
        p = tail;
    }
    db_clear_error(db);
    return CLAIMDB_OK;
}

/* The bulk writes (claimdb_assert, claimdb_review_put): inside BEGIN … COMMIT they join the
 * transaction (the handle's reading statements first run to their end); otherwise each
 * commits on its own. */
typedef int (*bulk_fn)(claimdb *db, store_txn *txn, void *arg, int *added);

static int citation_write_fn(claimdb *db, store_txn *txn, void *arg, int *added)
{
    return write_citation(db, txn, arg, added);
}

static int review_write_fn(claimdb *db, store_txn *txn, void *arg, int *added)
{
    return write_review(db, txn, arg, added);
}

static int bulk_write(claimdb *db, bulk_fn fn, void *arg, int *added)
{
    if (db->flags & CLAIMDB_OPEN_READONLY)
        return db_error(db, CLAIMDB_READONLY, "the database is open read-only");
    db_clear_error(db);
    int rc;
    if (db->txn) {
        TRY(rc, freeze_readers(db, NULL));
        return fn(db, db->txn, arg, added);
    }
    store_txn *txn;
    if ((rc = store_begin(db->st, true, &txn)) != CLAIMDB_OK) return db_store_error(db, rc);
    if ((rc = fn(db, txn, arg, added)) != CLAIMDB_OK) {
        store_abort(txn);
        return rc;
    }
    if ((rc = store_commit(txn)) != CLAIMDB_OK) return db_store_error(db, rc);
    return CLAIMDB_OK;
}

int claimdb_review_put(claimdb *db, const claimdb_review *r, int *added)
{
    if (added) *added = 0;
    if (!db) return CLAIMDB_MISUSE;
    review_in in;
    if (!r || review_from_api(r, &in) != CLAIMDB_OK)
        return db_error(db, CLAIMDB_MISUSE,
                        "claimdb_review_put: a triple needs subject, predicate and object, and "
                        "an appearance is an article id >= 0");
    return bulk_write(db, review_write_fn, &in, added);
}

int claimdb_assert(claimdb *db, const claimdb_citation *c, int *added)
{
    if (added) *added = 0;
    if (!db) return CLAIMDB_MISUSE;
    if (!c || !c->subject || !c->predicate || !c->object)
        return db_error(db, CLAIMDB_MISUSE,
                        "claimdb_assert: subject, predicate and object are required");
    if (c->article < 0) return db_error(db, CLAIMDB_MISUSE, "claimdb_assert: negative article id");
    if (c->method < CLAIMDB_METHOD_CURATED || c->method > CLAIMDB_METHOD_EXTRACTED)
        return db_error(db, CLAIMDB_MISUSE, "claimdb_assert: unknown method %d", c->method);
    if (c->has_confidence && !(c->confidence >= 0.0 && c->confidence <= 1.0))
        return db_error(db, CLAIMDB_ERROR, "confidence must be between 0 and 1");
    if (c->said_on && *c->said_on && !date_valid(c->said_on, strlen(c->said_on)))
        return db_error(db, CLAIMDB_ERROR,
                        "said_on must be a calendar date YYYY-MM-DD that exists");
    return bulk_write(db, citation_write_fn, (void *)c, added);
}

static int text_rebuild_fn(claimdb *db, store_txn *txn, void *arg, int *added)
{
    (void)arg;
    (void)added;
    int rc = store_text_rebuild(txn);
    return rc ? db_store_error(db, rc) : CLAIMDB_OK;
}

int claimdb_text_rebuild(claimdb *db)
{
    if (!db) return CLAIMDB_MISUSE;
    return bulk_write(db, text_rebuild_fn, NULL, NULL);
}
