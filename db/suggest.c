/* suggest.c — warnings for the terms of reading patterns that no claim holds, with the nearest
 * spelling that one does ("Talibn" -> "Taliban").
 *
 * The search is bounded so that a misspelling costs the same on a database of millions of
 * terms as on the demo: it runs only for a term that is in no claim, and reads at most
 * SUGGEST_SCAN_NEAR dictionary keys sharing the key's first three characters and
 * SUGGEST_SCAN_FAR sharing its first character (aliases are terms of the dictionary too, so
 * both spellings are seen). A misspelt first character therefore gets no suggestion. */
#include "engine.h"
#include "try.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUGGEST_SCAN_NEAR 1024
#define SUGGEST_SCAN_FAR 4096
#define SUGGEST_MAX_KEY 64 /* longer keys are not compared: their typos are not typos */

void stmt_clear_warnings(claimdb_stmt *stmt)
{
    for (int i = 0; i < stmt->nwarnings; i++)
        free(stmt->warnings[i]);
    stmt->nwarnings = 0;
}

/* Is the term in a claim? first (pol << 2 | role, or -1) is the statistic to probe first: a
 * pattern's term is usually in a claim of its own role and polarity, found in one get. */
static int term_live_first(store_txn *txn, term_id id, int first, bool *live)
{
    *live = false;
    for (int k = -1; k < 6; k++) {
        int which = k < 0 ? first : (k / 3) << 2 | k % 3; /* POL_NEG first, roles in order */
        if (which < 0 || (k >= 0 && which == first)) continue;
        uint64_t n = 0;
        int rc = store_term_stat(txn, (uint8_t)(which >> 2), which & 3, id, &n);
        if (rc != CLAIMDB_OK) return rc;
        if (n) {
            *live = true;
            return CLAIMDB_OK;
        }
    }
    return CLAIMDB_OK;
}

static int term_live(store_txn *txn, term_id id, bool *live)
{
    return term_live_first(txn, id, -1, live);
}

static int key_state(store_txn *txn, const char *key, size_t kl, int *state)
{
    term_id id, own = 0;
    int rc = store_term_lookup_key(txn, key, kl, &id);
    if (rc == CLAIMDB_NOTFOUND) {
        *state = CLAIMDB_TERM_ABSENT;
        return CLAIMDB_OK;
    }
    if (rc != CLAIMDB_OK) return rc;
    /* an alias spelling resolves to another id than the one its own key holds */
    store_cursor *cur;
    TRY(rc, store_terms_open(txn, key, kl, &cur));
    store_text k, d;
    term_id tid;
    int r;
    while ((r = store_cursor_next_term_key(cur, &tid, &k, &d)) == CLAIMDB_ROW)
        if (k.len == kl) { /* the prefix range starts with the key itself */
            own = tid;
            break;
        }
    store_cursor_close(cur);
    TRY(rc, store_step_err(r));
    if (own != id) {
        *state = CLAIMDB_TERM_ALIAS;
        return CLAIMDB_OK;
    }
    bool live;
    TRY(rc, term_live(txn, id, &live));
    *state = live ? CLAIMDB_TERM_LIVE : CLAIMDB_TERM_DEAD;
    return CLAIMDB_OK;
}

int term_state(store_txn *txn, const char *text, size_t len, int *state)
{
    char *key;
    size_t kl;
    int rc = store_term_key(text, len, &key, &kl);
    if (rc != CLAIMDB_OK) return rc;
    rc = key_state(txn, key, kl, state);
    free(key);
    return rc;
}

/* Optimal string alignment distance (Levenshtein plus adjacent transpositions) of two keys,
 * byte by byte; any value above limit is returned as limit + 1. */
static size_t distance(const char *a, size_t al, const char *b, size_t bl, size_t limit)
{
    if ((al > bl ? al - bl : bl - al) > limit) return limit + 1;
    size_t rows[3][SUGGEST_MAX_KEY + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *row = rows[2];
    for (size_t j = 0; j <= bl; j++)
        prev[j] = j;
    for (size_t i = 1; i <= al; i++) {
        row[0] = i;
        size_t best = row[0];
        for (size_t j = 1; j <= bl; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = prev[j - 1] + cost;
            if (prev[j] + 1 < d) d = prev[j] + 1;
            if (row[j - 1] + 1 < d) d = row[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            row[j] = d;
            if (d < best) best = d;
        }
        if (best > limit) return limit + 1;
        size_t *t = prev2;
        prev2 = prev;
        prev = row;
        row = t;
    }
    return prev[bl] > limit ? limit + 1 : prev[bl];
}

typedef struct nearest {
    const char *key;
    size_t kl, limit;
    size_t best;   /* distance of the best so far (limit + 1: none) */
    char *display; /* its display form (owned) */
    bool any;      /* any term of the dictionary will do, not only one in a claim */
} nearest;

/* Read at most max keys starting with the key's first plen bytes, keeping the nearest one
 * that is in a claim. */
static int probe(store_txn *txn, nearest *n, size_t plen, size_t max)
{
    store_cursor *cur;
    int rc = store_terms_open(txn, n->key, plen, &cur);
    if (rc != CLAIMDB_OK) return rc;
    store_text k, d;
    term_id own;
    int r = CLAIMDB_DONE;
    for (size_t seen = 0;
         seen < max && (r = store_cursor_next_term_key(cur, &own, &k, &d)) == CLAIMDB_ROW; seen++) {
        if (k.len > SUGGEST_MAX_KEY) continue;
        size_t dist = distance(n->key, n->kl, k.ptr, k.len, n->limit);
        if (dist == 0 || dist >= n->best) continue;
        term_id id;
        bool live = n->any;
        if (!live && ((rc = store_term_lookup_key(txn, k.ptr, k.len, &id)) != CLAIMDB_OK ||
                      (rc = term_live(txn, id, &live)) != CLAIMDB_OK))
            break;
        if (!live) continue;
        char *copy = malloc(d.len + 1);
        if (!copy) {
            rc = CLAIMDB_NOMEM;
            break;
        }
        memcpy(copy, d.ptr, d.len);
        copy[d.len] = '\0';
        free(n->display);
        n->display = copy;
        n->best = dist;
    }
    store_cursor_close(cur);
    if (rc == CLAIMDB_OK) rc = store_step_err(r);
    return rc;
}

/* The byte length of the first n characters of s (at most len). */
static size_t chars_len(const char *s, size_t len, int n)
{
    size_t i = 0;
    for (int c = 0; c < n && i < len; c++)
        for (i++; i < len && ((unsigned char)s[i] & 0xC0) == 0x80; i++)
            ;
    return i;
}

/* The display form of the nearest term in a claim (caller frees), or NULL when none is
 * close enough. */
static int suggest(store_txn *txn, const char *key, size_t kl, bool any, char **out)
{
    *out = NULL;
    if (kl > SUGGEST_MAX_KEY) return CLAIMDB_OK;
    nearest n = {key, kl, kl <= 4 ? 1 : kl <= 8 ? 2 : 3, 0, NULL, any};
    n.best = n.limit + 1;
    size_t near = chars_len(key, kl, 3), far = chars_len(key, kl, 1);
    int rc = CLAIMDB_OK;
    if (near > far) rc = probe(txn, &n, near, SUGGEST_SCAN_NEAR);
    if (rc == CLAIMDB_OK && n.best > 1) rc = probe(txn, &n, far, SUGGEST_SCAN_FAR);
    if (rc != CLAIMDB_OK) {
        free(n.display);
        return rc;
    }
    *out = n.display;
    return CLAIMDB_OK;
}

static int add_warning(claimdb_stmt *stmt, size_t off, const char *text, size_t len, int state,
                       const char *suggestion)
{
    for (int i = 0; i < stmt->nwarnings; i++)
        if (stmt->warnoff[i] == off) return CLAIMDB_OK; /* planned again: said already */
    if (stmt->nwarnings == STMT_MAX_WARNINGS) return CLAIMDB_OK;
    char msg[700];
    int shown = len > 200 ? 200 : (int)len;
    int n = snprintf(msg, sizeof msg, "\"%.*s\" %s", shown, text,
                     state == CLAIMDB_TERM_DEAD ? "is in no claim of the database"
                                                : "is not in the database");
    if (suggestion && n > 0 && (size_t)n < sizeof msg)
        snprintf(msg + n, sizeof msg - (size_t)n, "; did you mean \"%.200s\"?", suggestion);
    char *copy = strdup(msg);
    if (!copy) return db_nomem(stmt->db);
    stmt->warnings[stmt->nwarnings] = copy;
    stmt->warnoff[stmt->nwarnings] = off;
    stmt->nwarnings++;
    return CLAIMDB_OK;
}

/* Warn that term t is in no claim (state CLAIMDB_TERM_DEAD) or not in the database, with the
 * nearest spelling of a term in a claim (or, any: of any term of the dictionary). */
static int warn_term(claimdb_stmt *stmt, const ast_term *t, int state, bool any)
{
    const char *s;
    size_t n;
    char buf[64];
    int rc;
    TRY(rc, stmt_term_text(stmt, t, &s, &n, buf, sizeof buf));
    char *key, *near = NULL;
    size_t kl;
    if (store_term_key(s, n, &key, &kl) != CLAIMDB_OK) return CLAIMDB_OK; /* looked up before */
    rc = suggest(stmt->txn, key, kl, any, &near);
    free(key);
    if (rc != CLAIMDB_OK) return db_store_error(stmt->db, rc);
    rc = add_warning(stmt, t->loc.off, s, n, state, near);
    free(near);
    return rc;
}

int stmt_read_term(claimdb_stmt *stmt, const ast_term *t, term_id *id)
{
    return stmt_read_term_at(stmt, t, -1, -1, id);
}

int stmt_read_term_at(claimdb_stmt *stmt, const ast_term *t, int pol, int role, term_id *id)
{
    int rc = stmt_term_lookup(stmt, t, id);
    if (rc != CLAIMDB_OK) return rc;
    int state = CLAIMDB_TERM_ABSENT;
    if (*id) {
        /* A term in no claim may still be that of a review's triple, which CHECK and EVIDENCE
         * show: finding out would read every review link, so such a term is said to be in
         * no claim only when the database holds no review at all. */
        bool live;
        store_counts c;
        if ((rc = term_live_first(stmt->txn, *id, pol < 0 ? -1 : pol << 2 | role, &live)) !=
                CLAIMDB_OK ||
            (!live && (rc = store_claim_counts(stmt->txn, &c)) != CLAIMDB_OK))
            return db_store_error(stmt->db, rc);
        if (live || c.reviews) return CLAIMDB_OK;
        state = CLAIMDB_TERM_DEAD;
    }
    return warn_term(stmt, t, state, false);
}

int stmt_read_claimant(claimdb_stmt *stmt, const ast_term *t)
{
    term_id id;
    int rc = stmt_term_lookup(stmt, t, &id);
    if (rc != CLAIMDB_OK) return rc;
    /* Claimants have no statistic: a term of the dictionary may or may not be one, and
     * finding out would read every citation, so only a name the dictionary lacks is said. */
    return id ? CLAIMDB_OK : warn_term(stmt, t, CLAIMDB_TERM_ABSENT, true);
}

int claimdb_warning_count(claimdb_stmt *stmt)
{
    return stmt ? stmt->nwarnings : 0;
}

const char *claimdb_warning(claimdb_stmt *stmt, int i, int *offset)
{
    if (!stmt || i < 0 || i >= stmt->nwarnings) return NULL;
    if (offset) *offset = stmt->warnoff[i] <= (size_t)INT32_MAX ? (int)stmt->warnoff[i] : -1;
    return stmt->warnings[i];
}

int claimdb_term_state(claimdb *db, const char *text, int len, int *state)
{
    if (!db || !db->st || !text || !state)
        return db ? db_error(db, CLAIMDB_MISUSE, "NULL argument") : CLAIMDB_MISUSE;
    size_t n = len < 0 ? strlen(text) : (size_t)len;
    store_txn *txn = db->txn;
    int rc;
    if (!txn && (rc = store_begin(db->st, false, &txn)) != CLAIMDB_OK)
        return db_store_error(db, rc);
    rc = term_state(txn, text, n, state);
    if (txn != db->txn) store_abort(txn);
    if (rc != CLAIMDB_OK) return db_store_error(db, rc);
    db_clear_error(db);
    return CLAIMDB_OK;
}
