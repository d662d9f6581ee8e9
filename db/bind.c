/* bind.c — turning what a statement wrote (constants and $parameters) into values the
 * engine uses: term ids, article ids, numbers, texts. Conversions of bound values happen
 * here, so every statement reports a bad binding the same way, at the parameter's position. */
#include "engine.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const binding *stmt_binding(claimdb_stmt *stmt, const char *name)
{
    for (size_t i = 0; i < stmt->ast->nparams; i++)
        if (strcmp(stmt->ast->params[i], name) == 0) return &stmt->binds[i];
    return NULL;
}

void binding_clear(binding *b)
{
    if (b->k == V_TEXT) free(b->u.s.p);
    free(b->key);
    memset(b, 0, sizeof *b);
}

static int param_value(claimdb_stmt *stmt, const char *name, ast_loc loc, const binding **out)
{
    const binding *b = stmt_binding(stmt, name);
    if (!b || b->k == V_NULL)
        return stmt_error_at(stmt, CLAIMDB_ERROR, loc.off, "parameter %s is not bound", name);
    *out = b;
    return CLAIMDB_OK;
}

/* The text of a binding: numbers are formatted into buf. */
static void binding_text(const binding *b, const char **s, size_t *n, char *buf, size_t bufsz)
{
    switch (b->k) {
    case V_INT:
        *n = (size_t)snprintf(buf, bufsz, "%" PRId64, b->u.i);
        *s = buf;
        break;
    case V_REAL:
        *n = real_text(b->u.r, buf, bufsz);
        *s = buf;
        break;
    default:
        *s = b->u.s.p;
        *n = b->u.s.n;
        break;
    }
}

int stmt_term_text(claimdb_stmt *stmt, const ast_term *t, const char **text, size_t *len,
                   char *numbuf, size_t numbufsz)
{
    if (t->kind == TERM_CONST) {
        *text = t->text;
        *len = strlen(t->text);
        return CLAIMDB_OK;
    }
    if (t->kind == TERM_PARAM) {
        const binding *b = NULL;
        int rc = param_value(stmt, t->text, t->loc, &b);
        if (rc != CLAIMDB_OK) return rc;
        binding_text(b, text, len, numbuf, numbufsz);
        return CLAIMDB_OK;
    }
    return stmt_error_at(stmt, CLAIMDB_ERROR, t->loc.off, "a term is needed here");
}

static int term_error(claimdb_stmt *stmt, const ast_term *t, int rc)
{
    if (rc == CLAIMDB_TOOBIG)
        return stmt_error_at(stmt, rc, t->loc.off, "term too long (at most %d bytes)",
                             STORE_MAX_KEY);
    if (rc == CLAIMDB_ERROR) {
        const char *m = store_errmsg(stmt->db->st);
        return stmt_error_at(stmt, rc, t->loc.off, "%s", m && *m ? m : "invalid term");
    }
    return db_store_error(stmt->db, rc);
}

/* A parameter's term: normalised once per bind, looked up once per read snapshot (a prepared
 * statement reset and run again with the same binding finds it without either). */
static int param_term_lookup(claimdb_stmt *stmt, binding *b, term_id *id)
{
    uint64_t snap = store_txn_snapshot(stmt->txn);
    if (snap && b->snap == snap) {
        *id = b->id;
        return CLAIMDB_OK;
    }
    if (!b->key) {
        const char *s;
        size_t n;
        char buf[64];
        binding_text(b, &s, &n, buf, sizeof buf);
        /* an invalid term: store_term_lookup below says why */
        if (store_term_key(s, n, &b->key, &b->keylen) != CLAIMDB_OK) {
            b->key = NULL;
            return store_term_lookup(stmt->txn, s, n, id);
        }
    }
    int rc = store_term_lookup_key(stmt->txn, b->key, b->keylen, id);
    if (rc == CLAIMDB_OK || rc == CLAIMDB_NOTFOUND) {
        b->snap = snap;
        b->id = rc == CLAIMDB_OK ? *id : 0;
    }
    return rc;
}

int stmt_term_lookup(claimdb_stmt *stmt, const ast_term *t, term_id *id)
{
    const char *s;
    size_t n;
    char buf[64];
    *id = 0;
    int rc;
    if (t->kind == TERM_PARAM) {
        binding *b = (binding *)stmt_binding(stmt, t->text);
        if (!b || b->k == V_NULL)
            return stmt_error_at(stmt, CLAIMDB_ERROR, t->loc.off, "parameter %s is not bound",
                                 t->text);
        rc = param_term_lookup(stmt, b, id);
    } else {
        rc = stmt_term_text(stmt, t, &s, &n, buf, sizeof buf);
        if (rc != CLAIMDB_OK) return rc;
        rc = store_term_lookup(stmt->txn, s, n, id);
    }
    if (rc == CLAIMDB_NOTFOUND) {
        *id = 0;
        return CLAIMDB_OK;
    }
    return rc == CLAIMDB_OK ? rc : term_error(stmt, t, rc);
}

int stmt_term_intern(claimdb_stmt *stmt, const ast_term *t, term_id *id)
{
    const char *s;
    size_t n;
    char buf[64];
    int rc = stmt_term_text(stmt, t, &s, &n, buf, sizeof buf);
    if (rc != CLAIMDB_OK) return rc;
    rc = store_term_intern(stmt->txn, s, n, id);
    return rc == CLAIMDB_OK ? rc : term_error(stmt, t, rc);
}

static bool parse_uint(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

int stmt_value_uint(claimdb_stmt *stmt, const ast_value *v, const char *what, uint64_t *out)
{
    if (v->kind == VAL_INT) {
        if (v->i < 0)
            return stmt_error_at(stmt, CLAIMDB_ERROR, v->loc.off, "%s must not be negative", what);
        *out = (uint64_t)v->i;
        return CLAIMDB_OK;
    }
    if (v->kind != VAL_PARAM)
        return stmt_error_at(stmt, CLAIMDB_ERROR, v->loc.off, "%s must be a whole number", what);
    const binding *b = NULL;
    int rc = param_value(stmt, v->s, v->loc, &b);
    if (rc != CLAIMDB_OK) return rc;
    if (b->k == V_INT && b->u.i >= 0) {
        *out = (uint64_t)b->u.i;
        return CLAIMDB_OK;
    }
    if (b->k == V_TEXT && parse_uint(b->u.s.p, b->u.s.n, out)) return CLAIMDB_OK;
    return stmt_error_at(stmt, CLAIMDB_ERROR, v->loc.off,
                         "%s must be a whole number >= 0 (parameter %s)", what, v->s);
}

int stmt_value_real(claimdb_stmt *stmt, const ast_value *v, const char *what, double *out)
{
    if (v->kind == VAL_INT) {
        *out = (double)v->i;
        return CLAIMDB_OK;
    }
    if (v->kind == VAL_REAL) {
        *out = v->r;
        return CLAIMDB_OK;
    }
    if (v->kind != VAL_PARAM)
        return stmt_error_at(stmt, CLAIMDB_ERROR, v->loc.off, "%s must be a number", what);
    const binding *b = NULL;
    int rc = param_value(stmt, v->s, v->loc, &b);
    if (rc != CLAIMDB_OK) return rc;
    if (b->k == V_INT) {
        *out = (double)b->u.i;
        return CLAIMDB_OK;
    }
    if (b->k == V_REAL) {
        *out = b->u.r;
        return CLAIMDB_OK;
    }
    char *end;
    errno = 0;
    double d = strtod(b->u.s.p, &end);
    if (b->u.s.n && end == b->u.s.p + b->u.s.n && errno == 0 && isfinite(d)) {
        *out = d;
        return CLAIMDB_OK;
    }
    return stmt_error_at(stmt, CLAIMDB_ERROR, v->loc.off, "%s must be a number (parameter %s)",
                         what, v->s);
}

size_t format_utc(int64_t t, char *buf, size_t bufsz)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if ((int64_t)tt != t || !gmtime_r(&tt, &tm)) return 0;
    return strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int stmt_value_text(claimdb_stmt *stmt, const ast_value *v, const char *what, const char **s,
                    size_t *n, char *numbuf, size_t numbufsz)
{
    switch (v->kind) {
    case VAL_STRING:
    case VAL_DATE:
        *s = v->s;
        *n = strlen(v->s);
        return CLAIMDB_OK;
    case VAL_INT:
        *n = (size_t)snprintf(numbuf, numbufsz, "%" PRId64, v->i);
        *s = numbuf;
        return CLAIMDB_OK;
    case VAL_REAL:
        *n = real_text(v->r, numbuf, numbufsz);
        *s = numbuf;
        return CLAIMDB_OK;
    case VAL_PARAM: {
        const binding *b = NULL;
        int rc = param_value(stmt, v->s, v->loc, &b);
        if (rc != CLAIMDB_OK) return rc;
        binding_text(b, s, n, numbuf, numbufsz);
        return CLAIMDB_OK;
    }
    default:
        return stmt_error_at(stmt, CLAIMDB_ERROR, v->loc.off, "%s: a value is needed", what);
    }
}
