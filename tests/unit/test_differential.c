/* test_differential.c — differential test of FIND and CHECK.
 *
 * A deliberately naive reference evaluator (nested loops over every claim and citation, held
 * in plain C arrays) and the engine must agree on random FIND and CHECK queries over random
 * data, and on the flags claimdb_assert returns while the data goes in.
 *
 * Data (a new database every 100 queries): ~8 subjects and ~8 objects drawn from one pool of
 * 12 terms, 4 predicates, claimants from the same pool (so BY ?who joins; sometimes the
 * claim's own subject: self-serving), 60-150 citations (400-900 in every fifth data set) over
 * 6 articles (ids 0..5, or ids past one byte such as 300 and 1048576), both polarities.
 * Terms are written with random case and white space; a term's display form is its first
 * spelling. Citations are identified by (claim, article, quote): a claim gets several
 * citations from one article with different quotes (10 quotes, one differing from another
 * in case only, one not ASCII; or none, sometimes written as ""), and citations are asserted
 * again with the same quote in other white space (space runs, tabs, line breaks, and through
 * the API \r \f \v), which replaces the citation whole: claimant, confidence, claim date
 * (ON / said_on), method, the quote as now written. Claimants and confidences present or
 * absent. Also: RETRACT (whole claims, the citations of some articles, or one citation by
 * its QUOTE, also QUOTE "" and quotes not there), ARTICLE metadata, ARTICLE n TEXT (before
 * and after the citations, changed and cleared: quotes in other white space, in upper case,
 * cut short, glued to a word, twice; fillers not ASCII so that characters and bytes differ),
 * ARTICLE n DUPLICATE OF m, ALIAS (alias spellings used before it are merged, after it they
 * mean the canonical term; claimants written by the alias spelling are rewritten). Before
 * ALIAS a claim may be stored under the alias spellings of its subject and/or object, as
 * claims of their own that ALIAS merges into the canonical one, often with a citation that
 * the canonical claim has too (the same article and quote, other values): the canonical
 * claim's is kept. Citations go in through claimdb_assert (its *added flags checked) or as
 * ASSERT (with ON) inside BEGIN/COMMIT, the other statements through claimdb_exec; some data
 * sets are queried while the last write transaction is still open; now and then more
 * writes come between queries.
 *
 * Queries: joins of 1-3 patterns (mostly sharing variables; some cross products and
 * all-constant patterns), constants in any position (changed case and white space, aliases,
 * unknown terms, $parameters bound through the API), '_', a variable repeated in a pattern,
 * NOT, WITHOUT, FROM (one row per citation)/QUOTE/BY/CONFIDENCE/AT/TO/ON/STORED, BY
 * constant, CITED BY a AND/OR b, [INDEPENDENT] SOURCES op n, POLARITY ?pol (both
 * polarities, "+" or "-"; shared by two patterns, and in WITHOUT), FILTER (= != < <= > >=
 * between variables and constants, ~, LIKE, title()/date()/outlet(), BOUND(?v), IS [NOT]
 * EMPTY, AND OR NOT), DISTINCT, GROUP BY variables, title()/date()/outlet() of one, or an
 * item's AS name, with or without COUNT(*), COUNT(DISTINCT), MIN, MAX, HAVING (COUNT(*) and
 * COUNT(DISTINCT ?v), also by AS name, against numbers; conditions on grouped variables),
 * ORDER BY, LIMIT/OFFSET, bare
 * one-pattern COUNT(*) (the engine's term-statistics path); sometimes a few rows are stepped
 * and the statement reset first. CHECK s p o and CHECK NOT s p o, mostly of a claim of the
 * data set (its terms respelled or by alias), sometimes of unknown terms.
 *
 * Checks: rows are rendered from claimdb_column_type/_text ("T:text", "I:n", "R:x", "L:ids"
 * for a CLAIMDB_LIST, whose text must be what claimdb_column_list gives; "N" for NULL) and
 * compared as multisets; under ORDER BY the engine's rows must also be in order of the keys
 * that are output columns; LIMIT/OFFSET under an ORDER BY over every output column is
 * compared as a sequence, without ORDER BY by its count and as a sub-multiset. Output column
 * names are checked where the query names them (variable or AS; CHECK's nine columns).
 *
 * The reference's rules (language.md 4.4, 5, 8; where the text is silent, marked *):
 *  - a citation's identity is (claim, article, quote): the quote with runs of ASCII white
 *    space as one space and none at the ends, case kept; no quote (or "") is its own value.
 *    Asserting an identity that exists replaces the citation (clauses not given are cleared);
 *    claimdb_assert gives ADDED_CLAIM|ADDED_CITATION, ADDED_CITATION, UPDATED_CITATION, or 0
 *    when every field (claimant, confidence, method, claim date, the quote's bytes) is as
 *    stored; plus QUOTE_NOT_FOUND when the article has a text without the quote;
 *  - RETRACT s p o FROM a drops every citation of (claim, a), with QUOTE only that one; a
 *    claim goes with its last citation;
 *  - FROM ?src gives one solution per citation; SOURCES and INDEPENDENT SOURCES count
 *    distinct articles (duplicate roots); CITED BY a: a cites the claim at least once; BY a
 *    constant without FROM: some citation has that claimant;
 *  - AT/TO: the quote's place in its article's text now (placed on ASSERT and again when
 *    TEXT changes): the quote's words in order, at least one white space character of the
 *    text wherever the quote has white space, the first place, in code points, the end
 *    exclusive; NULL without text or when not found. ON: the claim date. STORED: the time
 *    of SOURCE_DATE_EPOCH (main sets it);
 *  - ALIAS: claims using the alias's own term are rewritten onto the canonical term; each
 *    citation moves whole, and one whose (article, quote) the claim already stored under
 *    the canonical terms has is dropped (the target's is kept). A claim with one term as
 *    subject and object has three alias forms that one ALIAS merges together: when two of
 *    them have the same citation and the canonical claim does not, which one is kept depends
 *    on the engine's order (language.md leaves it open); the generator avoids it and a data
 *    set where it happens anyway (after a RETRACT) is drawn again;
 *  - CHECK [NOT] s p o: the "for" side is the claim named (negative with NOT), "against" its
 *    negation; supporting/contradicting = distinct articles per side; independent_supporting
 *    = distinct duplicate roots of the for side; self-serving = the claimant is the claim's
 *    subject; weight of a side = sum over duplicate roots of the largest confidence (1.0 when
 *    none) of its citations that are not self-serving; self_serving counts citations on both
 *    sides; sources_* = the ids, ascending; verdict unknown (no citation, or a term unknown),
 *    disputed (both weights > 0), supported (for >= 1), contradicted (against >= 1), else
 *    unverified;
 *  - NULL sorts first (and MIN/MAX, COUNT(DISTINCT) skip it; GROUP BY puts NULLs in one
 *    group)*; a constant compared by < or > stands for its term's display form when it names
 *    a term, else for its text*; texts (quotes, titles, dates) compare by key for = and !=
 *    and by bytes for < > ORDER BY MIN MAX, and DISTINCT/GROUP BY keep byte-different texts
 *    apart*; LIKE matches keys, '_' one character; ARTICLE changes only the fields it gives.
 * Queries whose result is not determined by the language (LIMIT without a total order; a
 * text variable bound in two patterns to two spellings of one quote, which shows the one of
 * the pattern the engine joins first) are not generated, drawn again, or only checked for
 * what is determined.
 *
 * Files: this one is the driver (options, the engine side, the database, the test); the parts
 * are in differential/: gen.c (random streams, data sets, queries), render.c (ClaimQL text and
 * result tables), ref.c (the reference store and evaluator), compare.c (comparison, reports),
 * and diff.h, whose diff_state holds all that changes while the test runs, passed explicitly.
 *
 * Usage: test_differential [--seed N] [--count N] [--all] [--dump] [--verbose] [--minimize]
 *   --seed N     seed (default fixed; also CLAIMDB_DIFF_SEED)
 *   --count N    number of queries (default 1000; also CLAIMDB_DIFF_COUNT)
 *   --all        report every mismatch instead of stopping at the first
 *   --dump       print each data set as ClaimQL
 *   --verbose    print every query (with the reference's solution and row counts)
 *   --minimize   on a mismatch, drop data statements while it persists and print the rest
 */
#include "differential/diff.h"

#include <time.h>
#include <unistd.h>

/* Step st to its end, each row's cells into out. */
static void collect_rows(claimdb *db, claimdb_stmt *st, table *out, engine_result *er)
{
    int rc;
    while ((rc = claimdb_step(st)) == CLAIMDB_ROW) {
        if (out->n >= 4 * REF_MAX_SOLUTIONS) {
            er->failed = true;
            snprintf(er->err, sizeof er->err, "engine gives more than %d rows", out->n);
            break;
        }
        int r = table_add(out);
        for (int c = 0; c < out->ncols; c++) {
            int ty = claimdb_column_type(st, c);
            const char *tx = claimdb_column_text(st, c);
            char *dst = cellp(out, r, c);
            if (ty == CLAIMDB_NULL && !tx)
                snprintf(dst, CELL, "N");
            else if (ty == CLAIMDB_NULL)
                snprintf(dst, CELL, "N(with text %s)", tx);
            else if (!tx)
                snprintf(dst, CELL, "type %d without text", ty);
            else if (ty == CLAIMDB_INTEGER)
                snprintf(dst, CELL, "I:%s", tx);
            else if (ty == CLAIMDB_REAL) {
                /* The text reads back as the value (the fewest digits that do); compared at
                 * 6 significant digits, as the reference prints, since the reference may add a
                 * CHECK weight's parts in another order (0.8 + 0.9 = 1.7000000000000002) */
                double x = claimdb_column_double(st, c);
                if (strtod(tx, NULL) != x)
                    snprintf(dst, CELL, "R:text %s is not %.17g", tx, x);
                else
                    snprintf(dst, CELL, "R:%g", x);
            } else if (ty == CLAIMDB_TEXT)
                snprintf(dst, CELL, "T:%s", tx);
            else if (ty == CLAIMDB_LIST) {
                /* The text ("0, 1, 4"; "" when empty) and claimdb_column_list must agree. */
                const int64_t *items = NULL;
                int n = claimdb_column_list(st, c, &items);
                char lt[CELL] = "";
                size_t k = 0;
                for (int i = 0; i < n && items && k < sizeof lt; i++)
                    k += (size_t)snprintf(lt + k, sizeof lt - k, "%s%" PRId64, i ? ", " : "",
                                          items[i]);
                if (n < 0 || (n > 0 && !items) || (n == 0 && items) || strcmp(lt, tx))
                    snprintf(dst, CELL, "list '%.24s' vs column_list %d '%.24s'", tx, n, lt);
                else
                    snprintf(dst, CELL, "L:%s", tx);
            } else
                snprintf(dst, CELL, "type%d:%s", ty, tx);
        }
    }
    if (rc != CLAIMDB_ROW && rc != CLAIMDB_DONE) {
        er->failed = true;
        snprintf(er->err, sizeof er->err, "step: %s (%s)", claimdb_errmsg(db),
                 claimdb_strerror(rc));
    }
}

static void run_engine(claimdb *db, const query *q, table *out, engine_result *er)
{
    memset(er, 0, sizeof *er);
    table_reset(out, q->nitems);
    claimdb_stmt *st = NULL;
    int rc = claimdb_prepare(db, q->text.p, -1, &st, NULL);
    if (rc != CLAIMDB_OK || !st) {
        er->failed = true;
        snprintf(er->err, sizeof er->err, "prepare: %s (%s)", claimdb_errmsg(db),
                 claimdb_strerror(rc));
        claimdb_finalize(st);
        return;
    }
    for (int i = 0; i < q->nparams; i++) {
        const struct qparam *pp = &q->params[i];
        rc = pp->kind == 0   ? claimdb_bind_text(st, pp->name, pp->text, -1)
             : pp->kind == 1 ? claimdb_bind_int64(st, pp->name, pp->i)
                             : claimdb_bind_double(st, pp->name, pp->r);
        if (rc != CLAIMDB_OK) {
            er->failed = true;
            snprintf(er->err, sizeof er->err, "bind %s: %s", pp->name, claimdb_errmsg(db));
            claimdb_finalize(st);
            return;
        }
    }
    if (q->reset_after > 0) {
        /* Step a few rows, then start again: the rows after the reset are the result. */
        for (int i = 0; i < q->reset_after && claimdb_step(st) == CLAIMDB_ROW; i++)
            continue;
        claimdb_reset(st);
    }
    er->ncols = claimdb_column_count(st);
    for (int i = 0; i < er->ncols && i < MAXCOLS; i++) {
        const char *nm = claimdb_column_name(st, i);
        snprintf(er->names[i], sizeof er->names[i], "%s", nm ? nm : "(null)");
    }
    if (er->ncols != q->nitems) {
        er->failed = true;
        snprintf(er->err, sizeof er->err, "engine gives %d columns, expected %d", er->ncols,
                 q->nitems);
        claimdb_finalize(st);
        return;
    }
    collect_rows(db, st, out, er);
    if (!er->failed && q->reset_after == 0) {
        /* Run it again, as a prepared statement is: reset, the same bindings, the plan and
         * executor kept from the first run. The rows must be the same. */
        static table first;
        table_reset(&first, out->ncols);
        for (int r = 0; r < out->n; r++) {
            int k = table_add(&first);
            memcpy(cellp(&first, k, 0), cellp(out, r, 0), (size_t)out->ncols * CELL);
        }
        claimdb_reset(st);
        table_reset(out, q->nitems);
        collect_rows(db, st, out, er);
        bool same = first.n == out->n;
        for (int r = 0; same && r < out->n; r++)
            same = !memcmp(cellp(&first, r, 0), cellp(out, r, 0), (size_t)out->ncols * CELL);
        if (!er->failed && !same) {
            er->failed = true;
            snprintf(er->err, sizeof er->err,
                     "run again after claimdb_reset: %d rows, the first run %d or others", out->n,
                     first.n);
        }
    }
    claimdb_finalize(st);
}

static void exec_ok(claimdb *db, const char *sql)
{
    int rc = claimdb_exec(db, sql, NULL, NULL);
    if (rc != CLAIMDB_OK) fail_msg("%s: %s", sql, claimdb_errmsg(db));
}

static void describe_flags(int f, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s%s%s%s", f == 0 ? "0" : "",
             f & CLAIMDB_ADDED_CLAIM ? "ADDED_CLAIM " : "",
             f & CLAIMDB_ADDED_CITATION ? "ADDED_CITATION " : "",
             f & CLAIMDB_UPDATED_CITATION ? "UPDATED_CITATION " : "",
             f & CLAIMDB_QUOTE_NOT_FOUND ? "QUOTE_NOT_FOUND " : "");
}

/* Run data statement i on db (a citation through claimdb_assert, or ASSERT). */
static void apply_op(diff_state *d, claimdb *db, int i)
{
    const op *o = &d->OPS[i];
    if (o->kind != OP_DUP && (o->kind != OP_CITE || o->via_sql)) {
        sbuf b = {0};
        op_statement(d, &b, o);
        exec_ok(db, b.p);
        free(b.p);
        return;
    }
    if (o->kind == OP_DUP) {
        char sql[80];
        snprintf(sql, sizeof sql, "ARTICLE %" PRId64 " DUPLICATE OF %" PRId64 ";",
                 d->ART_ID[o->art], d->ART_ID[o->dup_of]);
        exec_ok(db, sql);
        return;
    }
    claimdb_citation c = {.subject = o->s,
                          .predicate = o->p,
                          .object = o->o,
                          .negated = o->neg,
                          .article = d->ART_ID[o->article],
                          .quote = o->quote >= 0 ? o->q
                                   : o->qempty   ? ""
                                                 : NULL,
                          .claimant = o->wb >= 0 ? o->w : NULL,
                          .has_confidence = o->has_conf,
                          .confidence = o->conf,
                          .method = o->method,
                          .said_on = o->said >= 0 ? SAID[o->said] : NULL};
    int added = -1;
    int rc = claimdb_assert(db, &c, &added);
    if (rc != CLAIMDB_OK) fail_msg("claimdb_assert: %s", claimdb_errmsg(db));
    if (!d->check_flags) return;
    d->flags_checked++;
    if (added != d->exp_flags[i] && d->flag_errors++ == 0) {
        char want[120], got[120];
        describe_flags(d->exp_flags[i], want, sizeof want);
        describe_flags(added, got, sizeof got);
        sbuf b = {0};
        cite_statement(d, &b, o);
        snprintf(d->flag_error, sizeof d->flag_error,
                 "claimdb_assert (statement %d: %s) set *added to %s, expected %s", i + 1, b.p, got,
                 want);
        free(b.p);
    }
}

static claimdb *build_db(diff_state *d, char *path, size_t pathcap, bool leave_open)
{
    snprintf(path, pathcap, "%s/d%d.db", d->tmpdir, d->dbcounter++);
    claimdb *db = NULL;
    int rc = claimdb_open(path, CLAIMDB_OPEN_CREATE, &db);
    if (rc != CLAIMDB_OK) fail_msg("open %s: %s", path, db ? claimdb_errmsg(db) : "?");
    int split = rnd(d, d->nops + 1); /* two transactions */
    exec_ok(db, "BEGIN;");
    for (int i = 0; i < d->nops; i++) {
        if (i == split) {
            exec_ok(db, "COMMIT;");
            exec_ok(db, "BEGIN;");
        }
        if (d->op_on[i]) apply_op(d, db, i);
    }
    if (!leave_open) exec_ok(db, "COMMIT;");
    return db;
}

static void drop_db(claimdb *db, const char *path)
{
    claimdb_close(db);
    char lock[160];
    snprintf(lock, sizeof lock, "%s-lock", path);
    unlink(path);
    unlink(lock);
}

/* Does q still show a difference on the enabled data? */
static bool still_fails(diff_state *d, query *q)
{
    d->check_flags = false;
    build_ref(d);
    if (d->ref_ambiguous) return false;
    resolve_query(d, q);
    int ns;
    if (!ref_eval(d, q, &d->ref_t, &ns)) return false;
    char path[128];
    claimdb *db = build_db(d, path, sizeof path, false);
    engine_result er;
    run_engine(db, q, &d->eng_t, &er);
    drop_db(db, path);
    char why[600];
    return !compare(d, q, &d->ref_t, &d->eng_t, &er, why, sizeof why);
}

/* Greedily drop data statements while the difference persists; print what is left. */
static void minimize(diff_state *d, query *q)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (int i = 0; i < d->nops; i++) {
            if (!d->op_on[i]) continue;
            d->op_on[i] = false;
            if (still_fails(d, q))
                changed = true;
            else
                d->op_on[i] = true;
        }
    }
    still_fails(d, q);
    sbuf b = {0};
    data_script(d, &b);
    printf("[diff] minimized data:\n%s", b.p ? b.p : "");
    printf("[diff] query: %s\n", q->text.p);
    print_table("expected (reference)", &d->ref_t);
    print_table("engine", &d->eng_t);
    free(b.p);
}

/* ---- the test ----------------------------------------------------------------------------------
 */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_differential(void **state)
{
    diff_state *d = *state;
    double t0 = now();
    printf("[diff] seed %" PRIu64 ", %ld queries\n", d->opt_seed, d->opt_count);
    snprintf(d->tmpdir, sizeof d->tmpdir, "/tmp/claimdb-diff-XXXXXX");
    assert_non_null(mkdtemp(d->tmpdir));
    query q;
    memset(&q, 0, sizeof q);
    long done = 0, nonempty_rows = 0, nonempty_sols = 0, redrawn = 0, redrawn_empty = 0,
         mismatches = 0;
    long ordered = 0, limited = 0, aggregates = 0, withouts = 0, filters = 0;
    int ndatasets = 0, nopen = 0, ncitations = 0, maxcitations = 0, nbatches = 0;
    long checks = 0, verdicts[5] = {0}, clause_queries = 0, regenerated = 0;
    long merged_moved = 0, merged_dropped = 0, placed = 0, multi = 0;
    for (int dset = 0; done < d->opt_count; dset++) {
        /* A data set whose ALIAS merge is not determined (see gen_cite) is drawn again. */
        for (int attempt = 0;; attempt++) {
            reseed(d, (uint64_t)dset, UINT64_MAX - (uint64_t)attempt);
            gen_data(d, dset % 5 == 3);
            build_ref(d);
            if (!d->ref_ambiguous) break;
            regenerated++;
            if (attempt == 20) fail_msg("generator bug: data set %d: ALIAS merges stay open", dset);
        }
        merged_moved += d->ref_merge_moved;
        merged_dropped += d->ref_merge_dropped;
        for (int k = 0; k < d->ncites; k++)
            placed += d->CT[k].qs >= 0;
        for (int ci = 0; ci < d->nclaims; ci++) {
            bool seen[NART] = {false};
            for (int k = 0; k < d->C[ci].ncite; k++) {
                multi += seen[d->CT[d->C[ci].cites[k]].article];
                seen[d->CT[d->C[ci].cites[k]].article] = true;
            }
        }
        d->check_flags = true;
        if (d->opt_dump) {
            sbuf b = {0};
            data_script(d, &b);
            printf("[diff] data set %d:\n%s", dset, b.p ? b.p : "");
            free(b.p);
        }
        char path[128];
        bool open_txn = dset % 4 == 1 || chance(d, 10);
        ndatasets++;
        nopen += open_txn;
        ncitations += d->ncites;
        maxcitations = d->ncites > maxcitations ? d->ncites : maxcitations;
        claimdb *db = build_db(d, path, sizeof path, open_txn);
        for (int qi = 0; qi < QUERIES_PER_DATASET && done < d->opt_count; qi++, done++) {
            int ns = 0;
            for (int attempt = 0;; attempt++) {
                reseed(d, (uint64_t)dset, (uint64_t)qi * 64 + (uint64_t)attempt);
                gen_query(d, &q);
                render_query(d, &q);
                resolve_query(d, &q);
                if (!ref_eval(d, &q, &d->ref_t, &ns)) {
                    redrawn++;
                    continue;
                }
                /* Most queries should find something, or the test proves little: draw again
                 * for most (not all) queries without solutions. */
                if (ns == 0 && attempt < 12 && chance(d, 75)) {
                    redrawn_empty++;
                    continue;
                }
                break;
            }
            if (d->opt_verbose)
                printf("[diff] %d.%d (%d solutions, %d rows): %s\n", dset, qi, ns, d->ref_t.n,
                       q.text.p);
            engine_result er;
            run_engine(db, &q, &d->eng_t, &er);
            char why[600];
            nonempty_rows += d->ref_t.n > 0;
            nonempty_sols += ns > 0;
            ordered += q.norder > 0;
            limited += q.limit >= 0 || q.offset >= 0;
            aggregates += q.agg;
            filters += q.filter >= 0;
            if (q.check) {
                checks++;
                static const char *const vs[5] = {"unknown", "disputed", "supported",
                                                  "contradicted", "unverified"};
                for (int k = 0; k < 5; k++)
                    verdicts[k] += !strcmp(cellp(&d->ref_t, 0, 0) + 2, vs[k]);
            }
            for (int i = 0; i < q.npats; i++)
                if (q.pats[i].at >= 0 || q.pats[i].to >= 0 || q.pats[i].on >= 0 ||
                    q.pats[i].stored >= 0) {
                    clause_queries++;
                    break;
                }
            for (int i = 0; i < q.npats; i++)
                if (q.pats[i].without) {
                    withouts++;
                    break;
                }
            if (!compare(d, &q, &d->ref_t, &d->eng_t, &er, why, sizeof why)) {
                mismatches++;
                report(d, &q, dset, qi, &d->ref_t, &d->eng_t, why);
                if (d->opt_dump || d->opt_minimize) {
                    sbuf b = {0};
                    data_script(d, &b);
                    if (d->opt_dump) printf("[diff] data:\n%s", b.p ? b.p : "");
                    free(b.p);
                }
                if (d->opt_minimize) {
                    minimize(d, &q);
                    for (int i = 0; i < d->nops; i++)
                        d->op_on[i] = true;
                    build_ref(d);
                    d->check_flags = true;
                }
                if (!d->opt_all) {
                    fflush(stdout);
                    drop_db(db, path);
                    rmdir(d->tmpdir);
                    fail_msg("differential mismatch: seed %" PRIu64 ", data set %d, query %d: %s",
                             d->opt_seed, dset, qi, q.text.p);
                }
            }
            /* Now and then more writes between two queries: in the open transaction, in one
             * of their own, or each committing on its own. */
            reseed(d, (uint64_t)dset, ((uint64_t)1 << 40) + (uint64_t)qi);
            if (qi % 20 == 19 && chance(d, 50)) {
                int first = d->nops;
                gen_citations(d, 3 + rnd(d, 15), -1);
                if (chance(d, 40)) gen_retract(d, d->gc, d->ngc, d->written, d->pre_alias);
                bool own = !open_txn && chance(d, 50);
                if (own) exec_ok(db, "BEGIN;");
                for (int i = first; i < d->nops; i++)
                    d->op_on[i] = true;
                build_ref(d);
                if (d->ref_ambiguous)
                    fail_msg("generator bug: data set %d, writes after query %d", dset, qi);
                for (int i = first; i < d->nops; i++)
                    apply_op(d, db, i);
                if (own) exec_ok(db, "COMMIT;");
                if (d->opt_dump) {
                    sbuf b = {0};
                    for (int i = 0; i < first; i++)
                        d->op_on[i] = false;
                    data_script(d, &b);
                    for (int i = 0; i < first; i++)
                        d->op_on[i] = true;
                    printf("[diff] more after query %d:\n%s", qi, b.p ? b.p : "");
                    free(b.p);
                }
                nbatches++;
            }
        }
        drop_db(db, path);
    }
    rmdir(d->tmpdir);
    printf("[diff] %ld data sets drawn again (ALIAS merge not determined); %ld citations with "
           "a second one from the same article, %ld placed in their article's text; ALIAS "
           "moved %ld citations and dropped %ld exact duplicates; %ld claimdb_assert flags "
           "checked\n",
           regenerated, multi, placed, merged_moved, merged_dropped, d->flags_checked);
    printf("[diff] %ld CHECK (%ld unknown, %ld disputed, %ld supported, %ld contradicted, %ld "
           "unverified), %ld FIND with AT/TO/ON/STORED\n",
           checks, verdicts[0], verdicts[1], verdicts[2], verdicts[3], verdicts[4], clause_queries);
    printf("[diff] %d data sets (%d queried inside an open write transaction), %d citations at "
           "first, at most %d in one; %d batches of writes between queries\n",
           ndatasets, nopen, ncitations, maxcitations, nbatches);
    printf("[diff] %ld queries: %ld with solutions (%.0f%%), %ld with rows; %ld ORDER BY, %ld "
           "LIMIT/OFFSET, "
           "%ld aggregate, %ld WITHOUT, %ld FILTER; redrawn: %ld empty, %ld too big for the "
           "reference; %.2f s\n",
           done, nonempty_sols, done ? 100.0 * (double)nonempty_sols / (double)done : 0.0,
           nonempty_rows, ordered, limited, aggregates, withouts, filters, redrawn_empty, redrawn,
           now() - t0);
    fflush(stdout);
    free(q.text.p);
    if (d->flag_errors)
        fail_msg("%ld claimdb_assert flag mismatch(es) (seed %" PRIu64 "), the first: %s",
                 d->flag_errors, d->opt_seed, d->flag_error);
    if (mismatches) fail_msg("%ld mismatches (seed %" PRIu64 ")", mismatches, d->opt_seed);
}

static bool parse_num(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !*s) return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end) return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    uint64_t v;
    /* The test's state is large (the data set and its reference, in arrays): not on the stack. */
    diff_state *d = calloc(1, sizeof *d);
    if (!d) return 1;
    d->opt_seed = 20240611;
    d->opt_count = 1000;
    /* Every citation's STORED time is this one (so that STORED ?t is determined). */
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    if (parse_num(getenv("CLAIMDB_DIFF_SEED"), &v)) d->opt_seed = v;
    if (parse_num(getenv("CLAIMDB_DIFF_COUNT"), &v)) d->opt_count = (long)v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--seed") && parse_num(val, &v))
            d->opt_seed = v, i++;
        else if (!strncmp(a, "--seed=", 7) && parse_num(a + 7, &v))
            d->opt_seed = v;
        else if (!strcmp(a, "--count") && parse_num(val, &v))
            d->opt_count = (long)v, i++;
        else if (!strncmp(a, "--count=", 8) && parse_num(a + 8, &v))
            d->opt_count = (long)v;
        else if (!strcmp(a, "--all"))
            d->opt_all = true;
        else if (!strcmp(a, "--dump"))
            d->opt_dump = true;
        else if (!strcmp(a, "--verbose"))
            d->opt_verbose = true;
        else if (!strcmp(a, "--minimize"))
            d->opt_minimize = true;
        else {
            fprintf(stderr,
                    "usage: %s [--seed N] [--count N] [--all] [--dump] [--verbose] [--minimize]\n",
                    argv[0]);
            free(d);
            return 2;
        }
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_differential, d),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(d->sols);
    free(d->ref_t.cells);
    free(d->eng_t.cells);
    free(d->tmp_a.cells);
    free(d->tmp_b.cells);
    free(d);
    return rc;
}