/* error.c — one place where the engine records errors, with their positions. */
#include "engine.h"
#include "parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void format_position(claimdb *db, const char *text, size_t len)
{
    if (db->erroff < 0 || !text) {
        snprintf(db->errmsg, sizeof db->errmsg, "%s", db->errtext);
        return;
    }
    unsigned line, col;
    parse_position(text, len, (size_t)db->erroff, &line, &col);
    snprintf(db->errmsg, sizeof db->errmsg, "%u:%u: %s", line, col, db->errtext);
}

int db_error(claimdb *db, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->errtext, sizeof db->errtext, fmt, ap);
    va_end(ap);
    db->errcode = code;
    db->erroff = -1;
    format_position(db, NULL, 0);
    return code;
}

int stmt_error_at(claimdb_stmt *stmt, int code, size_t off, const char *fmt, ...)
{
    claimdb *db = stmt->db;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->errtext, sizeof db->errtext, fmt, ap);
    va_end(ap);
    db->errcode = code;
    db->erroff = off <= stmt->srclen && off <= (size_t)INT32_MAX ? (int)off : -1;
    format_position(db, stmt->src, stmt->srclen);
    return code;
}

int db_store_error(claimdb *db, int code)
{
    const char *msg = db->st ? store_errmsg(db->st) : NULL;
    return db_error(db, code, "%s", msg && *msg ? msg : claimdb_strerror(code));
}

int db_nomem(claimdb *db)
{
    return db_error(db, CLAIMDB_NOMEM, "out of memory");
}

int db_fail(claimdb *db, int code)
{
    return code == CLAIMDB_NOMEM ? db_nomem(db) : db_store_error(db, code);
}

void db_clear_error(claimdb *db)
{
    db->errcode = CLAIMDB_OK;
    db->erroff = -1;
    db->errtext[0] = '\0';
    db->errmsg[0] = '\0';
}

void db_error_rebase(claimdb *db, const char *text, size_t len, size_t base)
{
    if (db->erroff < 0) return;
    db->erroff += (int)base;
    format_position(db, text, len);
}
