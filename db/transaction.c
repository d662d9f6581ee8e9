/* transaction.c — BEGIN, COMMIT and ROLLBACK: the handle's explicit write transaction, in
 * which the statements that follow read and write until it ends. */
#include "engine.h"

static int begin(claimdb_stmt *stmt)
{
    claimdb *db = stmt->db;
    if (db->txn)
        return stmt_error_at(stmt, CLAIMDB_ERROR, stmt->ast->loc.off,
                             "a transaction is already open");
    if (db->flags & CLAIMDB_OPEN_READONLY)
        return db_error(db, CLAIMDB_READONLY, "the database is open read-only");
    int rc = store_begin(db->st, true, &db->txn);
    if (rc != CLAIMDB_OK) {
        db->txn = NULL;
        return db_store_error(db, rc);
    }
    return CLAIMDB_OK;
}

static bool other_running(claimdb *db, claimdb_stmt *self)
{
    for (claimdb_stmt *s = db->stmts; s; s = s->next)
        if (s != self && s->state == ST_RUNNING && s->txn && s->txn == db->txn) return true;
    return false;
}

/* COMMIT and ROLLBACK: no statement may still be reading in the transaction they end. */
static int end(claimdb_stmt *stmt)
{
    claimdb *db = stmt->db;
    if (!db->txn)
        return stmt_error_at(stmt, CLAIMDB_ERROR, stmt->ast->loc.off, "no transaction is open");
    if (other_running(db, stmt))
        return stmt_error_at(stmt, CLAIMDB_ERROR, stmt->ast->loc.off,
                             "a statement is still reading in this transaction: "
                             "finish or reset it first");
    if (stmt->ast->kind == STMT_ROLLBACK) {
        store_abort(db->txn);
        db->txn = NULL;
        return CLAIMDB_OK;
    }
    int rc = store_commit(db->txn);
    db->txn = NULL;
    if (rc != CLAIMDB_OK) return db_store_error(db, rc);
    return CLAIMDB_OK;
}

const stmt_kind stmt_begin = {.mode = MODE_TXN, .run = begin};
const stmt_kind stmt_commit = {.mode = MODE_TXN, .run = end};
const stmt_kind stmt_rollback = {.mode = MODE_TXN, .run = end};
