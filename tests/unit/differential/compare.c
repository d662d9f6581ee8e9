/* compare.c — the differential test's comparer: the reference's and the engine's rows as
 * multisets, in order where ORDER BY makes it visible, and the report of a mismatch. */
#include "diff.h"

static void table_copy(table *dst, const table *src)
{
    table_reset(dst, src->ncols);
    for (int r = 0; r < src->n; r++) {
        int k = table_add(dst);
        memcpy(cellp(dst, k, 0), cellp(src, r, 0), (size_t)src->ncols * CELL);
    }
}

static bool rows_equal(const table *a, int ra, const table *b, int rb)
{
    for (int c = 0; c < a->ncols; c++)
        if (strcmp(cellp(a, ra, c), cellp(b, rb, c))) return false;
    return true;
}

/* Compare; on a difference write why into why. */
bool compare(diff_state *d, const query *q, const table *ref, const table *eng,
             const engine_result *er, char *why, size_t whycap)
{
    if (er->failed) {
        snprintf(why, whycap, "%s", er->err);
        return false;
    }
    for (int i = 0; i < q->nitems; i++) {
        const char *want = col_name(q, i);
        if (want && strcmp(want, er->names[i])) {
            snprintf(why, whycap, "column %d is named '%s', expected '%s'", i + 1, er->names[i],
                     want);
            return false;
        }
    }
    if ((q->limit >= 0 || q->offset >= 0) && !q->norder) {
        /* LIMIT/OFFSET without ORDER BY: the count is determined, and every row must be one
         * of the full result's (as a sub-multiset). */
        int from = q->offset > 0 ? q->offset : 0;
        int n = from > ref->n ? 0 : ref->n - from;
        if (q->limit >= 0 && q->limit < n) n = q->limit;
        if (eng->n != n) {
            snprintf(why, whycap, "LIMIT/OFFSET without ORDER BY: %d rows, expected %d of the %d",
                     eng->n, n, ref->n);
            return false;
        }
        table_copy(&d->tmp_a, ref);
        table_copy(&d->tmp_b, eng);
        table_sort(&d->tmp_a);
        table_sort(&d->tmp_b);
        int i = 0;
        for (int j = 0; j < d->tmp_b.n; j++) {
            while (i < d->tmp_a.n && row_cmp(&d->tmp_a, i, &d->tmp_b, j) < 0)
                i++;
            if (i == d->tmp_a.n || !rows_equal(&d->tmp_a, i, &d->tmp_b, j)) {
                snprintf(why, whycap,
                         "LIMIT/OFFSET without ORDER BY: engine row %d is not in the full result",
                         j + 1);
                return false;
            }
            i++;
        }
        return true;
    }
    if (q->limit >= 0 || q->offset >= 0) {
        /* ORDER BY covers every column: the sequence is determined. */
        bool same = ref->n == eng->n;
        for (int r = 0; same && r < ref->n; r++)
            same = rows_equal(ref, r, eng, r);
        if (!same)
            snprintf(why, whycap,
                     "rows differ (LIMIT/OFFSET under a total ORDER BY: compared in order)");
        return same;
    }
    table_copy(&d->tmp_a, ref);
    table_copy(&d->tmp_b, eng);
    table_sort(&d->tmp_a);
    table_sort(&d->tmp_b);
    bool same = d->tmp_a.n == d->tmp_b.n;
    for (int r = 0; same && r < d->tmp_a.n; r++)
        same = rows_equal(&d->tmp_a, r, &d->tmp_b, r);
    if (!same) {
        snprintf(why, whycap, "the multisets of rows differ");
        return false;
    }
    if (q->norder) {

        for (int r = 1; r < eng->n; r++)
            if (cmp_row_keys(cellp(eng, r - 1, 0), cellp(eng, r, 0), (void *)q) > 0) {
                snprintf(why, whycap, "rows %d and %d are out of ORDER BY order", r, r + 1);
                return false;
            }
    }
    return true;
}

static void print_row(const char *prefix, const table *t, int r)
{
    printf("%s", prefix);
    for (int c = 0; c < t->ncols; c++)
        printf("%s%s", c ? " | " : "", cellp(t, r, c));
    printf("\n");
}

void print_table(const char *title, const table *t)
{
    printf("[diff] %s: %d row(s)\n", title, t->n);
    for (int r = 0; r < t->n && r < 12; r++)
        print_row("[diff]     ", t, r);
    if (t->n > 12) printf("[diff]     ... %d more\n", t->n - 12);
}

/* Rows of a not in b (as multisets; both sorted by cmp_row_full). */
static void print_only(const char *title, const table *a, const table *b)
{
    int i = 0, j = 0, shown = 0, total = 0;
    while (i < a->n) {
        int c = j < b->n ? cmp_row_full(cellp(a, i, 0), cellp(b, j, 0), (void *)&a->ncols) : -1;
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            if (shown++ == 0) printf("[diff] %s:\n", title);
            if (shown <= 10) print_row("[diff]     ", a, i);
            total++;
            i++;
        } else {
            j++;
        }
    }
    if (total > 10) printf("[diff]     ... %d more\n", total - 10);
}

static void print_params(const query *q)
{
    for (int i = 0; i < q->nparams; i++) {
        const struct qparam *pp = &q->params[i];
        if (pp->kind == 0)
            printf("[diff] bind %s = '%s'\n", pp->name, pp->text);
        else if (pp->kind == 1)
            printf("[diff] bind %s = %" PRId64 "\n", pp->name, pp->i);
        else
            printf("[diff] bind %s = %g\n", pp->name, pp->r);
    }
    if (q->reset_after)
        printf("[diff] (stepped %d row(s) and reset before the run)\n", q->reset_after);
}

void report(diff_state *d, const query *q, int dset, int qi, const table *ref, const table *eng,
            const char *why)
{
    printf("[diff] MISMATCH (seed %" PRIu64 ", data set %d, query %d): %s\n", d->opt_seed, dset, qi,
           why);
    printf("[diff] query: %s\n", q->text.p);
    print_params(q);
    print_table("expected (reference)", ref);
    print_table("engine", eng);
    table_copy(&d->tmp_a, ref);
    table_copy(&d->tmp_b, eng);
    table_sort(&d->tmp_a);
    table_sort(&d->tmp_b);
    print_only("only in expected", &d->tmp_a, &d->tmp_b);
    print_only("only in engine", &d->tmp_b, &d->tmp_a);
    printf("[diff] reproduce: test_differential --seed %" PRIu64
           " --count %ld [--dump] [--minimize]\n",
           d->opt_seed, (long)dset * QUERIES_PER_DATASET + qi + 1);
}