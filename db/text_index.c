/* text_index.c — CREATE TEXT INDEX ON QUOTES, CLAIMS; DROP TEXT INDEX ON …; SHOW TEXT INDEX.
 *
 * Reviews are always in the text index; quotes and claims only once a database asks for
 * them, as SQLite's full-text search is a table one creates: they triple a load's work and the
 * file's size (bench/README.md), which a database that never searches them should not pay.
 * CREATE builds what it names in its write transaction and reports, per kind named, how many
 * documents the index holds; from then on every write keeps them (store_text.c). */
#include "engine.h"
#include "try.h"

static const char *const create_columns[] = {"kind", "documents"};
const char *const text_index_columns[TEXT_INDEX_COLUMNS] = {"kind", "indexed", "documents",
                                                            "words"};

static const struct {
    const char *name;
    uint8_t kind;
    unsigned bit; /* AST_TEXT_*, also STORE_TEXT_ON_* */
} kinds[] = {
    {"reviews", STORE_TEXT_REVIEW, 0},
    {"quotes", STORE_TEXT_QUOTE, AST_TEXT_QUOTES},
    {"claims", STORE_TEXT_CLAIM, AST_TEXT_CLAIMS},
};

_Static_assert(AST_TEXT_QUOTES == STORE_TEXT_ON_QUOTES && AST_TEXT_CLAIMS == STORE_TEXT_ON_CLAIMS,
               "the statement's kinds are the store's bits");

static int text_index_shape(claimdb_stmt *stmt)
{
    bool drop = stmt->ast->u.text_index.drop;
    return stmt_set_columns(stmt, drop ? 0 : COUNT_OF(create_columns),
                            drop ? NULL : create_columns);
}

static int exec_text_index(claimdb_stmt *stmt)
{
    const ast_text_index_stmt *ti = &stmt->ast->u.text_index;
    int rc = store_text_set_kinds(stmt->txn, ti->drop ? 0 : ti->kinds, ti->drop ? ti->kinds : 0);
    if (rc) return db_store_error(stmt->db, rc);
    if (ti->drop) return CLAIMDB_OK;
    rowset *rs = rowset_new(stmt->ncols);
    if (!rs) return db_nomem(stmt->db);
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds && !rc; i++) {
        uint64_t docs, words;
        if (!(kinds[i].bit & ti->kinds)) continue;
        if ((rc = store_text_stats(stmt->txn, kinds[i].kind, &docs, &words))) break;
        value row[COUNT_OF(create_columns)] = {v_cstr(kinds[i].name), v_int((int64_t)docs)};
        rc = rowset_add(rs, row);
    }
    if (!rc) rc = rowset_exec(rs, &stmt->ex);
    if (rc) {
        rowset_free(rs);
        return db_fail(stmt->db, rc);
    }
    return CLAIMDB_OK;
}

int show_text_index(claimdb_stmt *stmt, rowset *rs)
{
    unsigned on;
    int rc = store_text_kinds(stmt->txn, &on);
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds && !rc; i++) {
        uint64_t docs = 0, words = 0;
        bool indexed = store_text_kind_on(on, kinds[i].kind);
        if (indexed && (rc = store_text_stats(stmt->txn, kinds[i].kind, &docs, &words))) break;
        value row[TEXT_INDEX_COLUMNS] = {v_cstr(kinds[i].name), v_cstr(indexed ? "yes" : "no"),
                                         v_int((int64_t)docs), v_int((int64_t)words)};
        rc = rowset_add(rs, row);
    }
    return rc;
}

const stmt_kind stmt_text_index = {
    .mode = MODE_WRITE, .shape = text_index_shape, .run = exec_text_index};
