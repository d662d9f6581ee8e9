/* count.c — COUNT over the join of two patterns without making its solutions (plan.count_join):
 * each pattern's range is scanned once, alone, and its claims counted per value of the
 * variable the two share; a value's solutions are the product of its two counts. A nested
 * loop would make every one of those solutions to count it. */
#include "find.h"

#include <stdlib.h>
#include <string.h>

typedef struct key_count {
    term_id key;
    uint64_t a, b; /* claims of the first and of the second step with this value */
} key_count;

/* Values of the first step, in the order its scan met them, with an open-addressing index:
 * groups then come out in the order the nested loop would have made them. A slot holds its
 * value, so that a probe reads the slot alone. */
typedef struct count_slot {
    term_id key;
    size_t ent; /* index into ents + 1; 0 empty */
} count_slot;

typedef struct count_table {
    key_count *ents;
    size_t n, cap;
    count_slot *slots;
    size_t nslots;
} count_table;

static count_slot *slot_of(const count_table *t, term_id key)
{
    size_t mask = t->nslots - 1;
    size_t i = (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 24) & mask;
    while (t->slots[i].ent && t->slots[i].key != key)
        i = (i + 1) & mask;
    return &t->slots[i];
}

/* Grow to at least want slots (a power of two, at least twice the last). */
static bool table_grow(count_table *t, size_t want)
{
    size_t ns = t->nslots ? 2 * t->nslots : 1024;
    while (ns < want)
        ns *= 2;
    count_slot *slots = calloc(ns, sizeof *slots);
    key_count *ents = realloc(t->ents, ns / 2 * sizeof *ents);
    if (!slots || !ents) {
        free(slots);
        if (ents) t->ents = ents;
        return false;
    }
    free(t->slots);
    t->ents = ents;
    t->cap = ns / 2;
    t->slots = slots;
    t->nslots = ns;
    for (size_t e = 0; e < t->n; e++)
        *slot_of(t, t->ents[e].key) = (count_slot){t->ents[e].key, e + 1};
    return true;
}

/* Multiplication that stops at INT64_MAX rather than wrapping. */
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    uint64_t r;
    if (__builtin_mul_overflow(a, b, &r) || r > INT64_MAX) return INT64_MAX;
    return r;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a + b < a || a + b > INT64_MAX ? INT64_MAX : a + b;
}

/* Scan a step's range (its constants are the prefix: nothing else is bound). With role >= 0,
 * count its claims per value at that position: the first step adds values, the second counts
 * only values the first has. *total gets the claims scanned. */
static int scan_side(find_exec *fx, const step_plan *sp, int role, count_table *t, bool first,
                     uint64_t *total)
{
    term_id prefix[3];
    *total = 0;
    for (int i = 0; i < sp->nprefix; i++) {
        prefix[i] = sp->pos[idx_order[sp->idx][i]].id;
        if (prefix[i] == 0) return CLAIMDB_OK; /* an unknown constant: no claim */
    }
    store_cursor *c;
    int rc = store_scan_open(fx->stmt->txn, sp->idx, sp->pol, prefix, sp->nprefix, &c);
    if (rc) return db_store_error(fx->stmt->db, rc);
    claim_key k;
    int r;
    uint64_t n = 0;
    while ((r = store_cursor_next_claim(c, &k)) == CLAIMDB_ROW) {
        if ((++n & 0xFFF) == 0 && fx->stmt->db->interrupted) {
            r = CLAIMDB_INTERRUPT;
            break;
        }
        if (role < 0) continue;
        term_id key = role == 0 ? k.s : role == 1 ? k.p : k.o;
        if (!first) {
            if (!t->nslots) continue; /* the first step found nothing */
            count_slot *sl = slot_of(t, key);
            if (sl->ent) t->ents[sl->ent - 1].b++;
            continue;
        }
        if (2 * (t->n + 1) > t->nslots && !table_grow(t, 0)) {
            r = CLAIMDB_NOMEM;
            break;
        }
        count_slot *sl = slot_of(t, key);
        if (sl->ent) {
            t->ents[sl->ent - 1].a++;
        } else {
            t->ents[t->n] = (key_count){key, 1, 0};
            *sl = (count_slot){key, ++t->n};
        }
    }
    store_cursor_close(c);
    *total = n;
    if (r == CLAIMDB_INTERRUPT) return db_error(fx->stmt->db, CLAIMDB_INTERRUPT, "interrupted");
    if (r == CLAIMDB_NOMEM) return db_nomem(fx->stmt->db);
    if (store_step_err(r)) return find_store_err(fx, r);
    return CLAIMDB_OK;
}

/* Add a group with these counts (solutions, distinct values of the shared variable) to every
 * aggregate column; fx->vars holds the group's key. */
static int add_group(find_exec *fx, uint64_t solutions, uint64_t values)
{
    int rc = find_group_add(fx, false);
    if (rc) return rc;
    group *g = fx->grouplist[fx->ngroups - 1];
    for (size_t i = 0; i < fx->ncomputed; i++) {
        const ast_expr *e = fx->cols[i];
        if (!find_is_agg(e)) continue;
        g->aggs[i].count = (int64_t)(e->op == AGG_COUNT_DISTINCT ? values : solutions);
    }
    return CLAIMDB_OK;
}

static int role_of(const step_plan *sp, int slot)
{
    for (int i = 0; slot >= 0 && i < 3; i++)
        if (sp->pos[i].slot == slot) return i;
    return -1;
}

int find_count_join(find_exec *fx)
{
    const step_plan *s0 = &fx->pl.steps[0], *s1 = &fx->pl.steps[1];
    int slot = fx->pl.join_slot;
    count_table t;
    memset(&t, 0, sizeof t);
    uint64_t n0 = 0, n1 = 0;
    /* Sized for the claims the plan expects of the first step (at most one value each), so that
     * the table is not rehashed as it fills; a larger range grows it as before. */
    if (role_of(s0, slot) >= 0 && s0->est >= 512) {
        double want = 2 * (s0->est < (1 << 20) ? s0->est : (1 << 20));
        if (!table_grow(&t, (size_t)want)) return db_nomem(fx->stmt->db);
    }
    int rc = scan_side(fx, s0, role_of(s0, slot), &t, true, &n0);
    if (rc == CLAIMDB_OK && n0) rc = scan_side(fx, s1, role_of(s1, slot), &t, false, &n1);
    for (size_t i = 0; i < fx->f->nvars; i++)
        fx->vars[i] = v_null();
    uint64_t solutions = 0, values = 0;
    if (slot < 0) solutions = mul_sat(n0, n1);
    for (size_t e = 0; rc == CLAIMDB_OK && e < t.n; e++) {
        const key_count *kc = &t.ents[e];
        if (!kc->b) continue;
        uint64_t here = mul_sat(kc->a, kc->b);
        solutions = add_sat(solutions, here);
        values++;
        if (fx->f->ngroup) {
            fx->vars[slot] = v_term(kc->key);
            rc = add_group(fx, here, 1);
        }
    }
    free(t.ents);
    free(t.slots);
    if (rc == CLAIMDB_OK && !fx->f->ngroup) rc = add_group(fx, solutions, values);
    return rc;
}
