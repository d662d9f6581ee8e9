/* clef_map.c — claimdb-clef: SIMILAR measured on CLEF CheckThat! 2020 task 2 (English).
 *
 *   claimdb-clef DB VCLAIMS TWEETS QRELS [--floor MAP] [--scores FILE]
 *
 * Creates DB (which must not exist), imports the verified claims of VCLAIMS as reviews
 * (claim_reviewed = vclaim, title = title, url = the vclaim id) in one transaction, runs
 * `SIMILAR $q LIMIT 5` (one prepared statement) for every tweet of TWEETS that has a gold
 * pair in QRELS, and prints MAP@5: per tweet 1/rank of its gold verified claim when it is in
 * the top 5, else 0; the mean. Also the import rate and SIMILAR's latency. With --floor it
 * exits 1 when MAP@5 is below it (the test in tests/clef/ uses that). --scores writes per
 * tweet the score of the first hit, whether it is the gold claim (1/0), and the gold claim's
 * rank (0: not in the top 5): what the thresholds of docs/language.md are read from. The
 * file formats are
 * those of the task's release: see tests/clef/README.md. */
#include "claimdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct buf {
    char *p;
    size_t n;
} buf;

static int read_all(const char *path, buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 1 << 16;
    b->p = malloc(cap);
    b->n = 0;
    size_t r;
    while (b->p && (r = fread(b->p + b->n, 1, cap - b->n, f)) > 0) {
        b->n += r;
        if (b->n == cap) {
            char *np = realloc(b->p, cap *= 2);
            if (!np) {
                free(b->p);
                b->p = NULL;
            }
            b->p = np;
        }
    }
    fclose(f);
    if (!b->p) return -1;
    b->p[b->n] = '\0';
    return 0;
}

/* One TSV field at *pos, CSV quoting ("…" with "" for a quote, line breaks inside) undone in
 * place; *end_of_line when it was the line's last. Returns the field's start. */
static char *field(buf *b, size_t *pos, int *end_of_line)
{
    char *s = b->p + *pos, *w = s;
    size_t i = *pos;
    if (i < b->n && b->p[i] == '"') {
        i++;
        for (; i < b->n; i++) {
            if (b->p[i] == '"') {
                if (i + 1 < b->n && b->p[i + 1] == '"') {
                    *w++ = '"';
                    i++;
                    continue;
                }
                i++;
                break;
            }
            *w++ = b->p[i];
        }
    }
    for (; i < b->n && b->p[i] != '\t' && b->p[i] != '\n' && b->p[i] != '\r'; i++)
        *w++ = b->p[i];
    *end_of_line = i >= b->n || b->p[i] != '\t';
    if (i < b->n && b->p[i] == '\r') i++;
    if (i < b->n) i++;
    *w = '\0';
    *pos = i;
    return s;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Skip the rest of the line (a header, or columns past those read). */
static void skip_line(buf *b, size_t *pos, int eol)
{
    while (!eol && *pos < b->n)
        field(b, pos, &eol);
}

static int import(claimdb *db, buf *b, long *count)
{
    size_t pos = 0;
    int eol = 0;
    skip_line(b, &pos, 0); /* the header */
    int rc = claimdb_exec(db, "BEGIN;", NULL, NULL);
    while (rc == CLAIMDB_OK && pos < b->n) {
        char *id = field(b, &pos, &eol);
        if (eol) continue; /* a blank line */
        char *text = field(b, &pos, &eol);
        char *title = eol ? NULL : field(b, &pos, &eol);
        skip_line(b, &pos, eol);
        if (!*id || !*text) continue;
        claimdb_review r = {0};
        r.url = id;
        r.claim_reviewed = text;
        r.title = title && *title ? title : NULL;
        if ((rc = claimdb_review_put(db, &r, NULL)) == CLAIMDB_OK) (*count)++;
    }
    if (rc == CLAIMDB_OK) rc = claimdb_exec(db, "COMMIT;", NULL, NULL);
    return rc;
}

typedef struct pair {
    char *tweet, *vclaim;
} pair;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *floor_arg = NULL, *scores_path = NULL;
    for (int i = 5; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--floor"))
            floor_arg = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--scores"))
            scores_path = argv[++i];
        else
            argc = 0;
    }
    if (argc < 5) {
        fprintf(stderr, "usage: claimdb-clef DB VCLAIMS TWEETS QRELS [--floor MAP] [--scores FILE]\n");
        return 2;
    }
    FILE *scores = scores_path ? fopen(scores_path, "w") : NULL;
    if (scores_path && !scores) {
        fprintf(stderr, "claimdb-clef: cannot write %s\n", scores_path);
        return 2;
    }
    buf vc, tw, qr;
    if (read_all(argv[2], &vc) || read_all(argv[3], &tw) || read_all(argv[4], &qr)) {
        fprintf(stderr, "claimdb-clef: cannot read the data files\n");
        return 2;
    }
    claimdb *db;
    if (claimdb_open(argv[1], CLAIMDB_OPEN_CREATE, &db) != CLAIMDB_OK) {
        fprintf(stderr, "claimdb-clef: %s\n", claimdb_errmsg(db));
        return 2;
    }
    long nclaims = 0;
    double t0 = now();
    int rc = import(db, &vc, &nclaims);
    double t1 = now();
    if (rc != CLAIMDB_OK) {
        fprintf(stderr, "claimdb-clef: import: %s\n", claimdb_errmsg(db));
        return 2;
    }
    /* The gold pairs: "tweet_id 0 vclaim_id 1" per line. */
    pair *pairs = NULL;
    size_t npairs = 0;
    for (char *line = strtok(qr.p, "\n"); line; line = strtok(NULL, "\n")) {
        char t[64], v[64];
        int rel;
        if (sscanf(line, "%63s %*s %63s %d", t, v, &rel) != 3 || rel <= 0) continue;
        pair *np = realloc(pairs, (npairs + 1) * sizeof *np);
        if (!np) return 2;
        pairs = np;
        pairs[npairs].tweet = strdup(t);
        pairs[npairs].vclaim = strdup(v);
        npairs++;
    }
    claimdb_stmt *st;
    if (claimdb_prepare(db, "SIMILAR $q LIMIT 5;", -1, &st, NULL) != CLAIMDB_OK) {
        fprintf(stderr, "claimdb-clef: %s\n", claimdb_errmsg(db));
        return 2;
    }
    double sum = 0, *lat = NULL;
    size_t nq = 0, top1 = 0, top5 = 0;
    size_t pos = 0;
    int eol;
    skip_line(&tw, &pos, 0);
    while (pos < tw.n) {
        char *id = field(&tw, &pos, &eol);
        if (eol) continue;
        char *text = field(&tw, &pos, &eol);
        skip_line(&tw, &pos, eol);
        for (size_t i = 0; i < npairs; i++) {
            if (strcmp(pairs[i].tweet, id)) continue;
            claimdb_reset(st);
            claimdb_bind_text(st, "$q", text, -1);
            double q0 = now();
            int rank = 0, k = 0, r;
            double first = 0;
            while ((r = claimdb_step(st)) == CLAIMDB_ROW) {
                if (!k) first = claimdb_column_double(st, 3);
                k++;
                if (!rank && !strcmp(claimdb_column_text(st, 1), pairs[i].vclaim)) rank = k;
            }
            double q1 = now();
            if (r != CLAIMDB_DONE) {
                fprintf(stderr, "claimdb-clef: SIMILAR: %s\n", claimdb_errmsg(db));
                return 2;
            }
            double *nl = realloc(lat, (nq + 1) * sizeof *nl);
            if (!nl) return 2;
            lat = nl;
            lat[nq++] = (q1 - q0) * 1e3;
            if (scores) fprintf(scores, "%.4f\t%d\t%d\n", first, rank == 1, rank);
            if (rank) sum += 1.0 / rank;
            top1 += rank == 1;
            top5 += rank > 0;
        }
    }
    claimdb_finalize(st);
    claimdb_close(db);
    if (!nq) {
        fprintf(stderr, "claimdb-clef: no tweet with a gold pair\n");
        return 2;
    }
    double mean = 0;
    for (size_t i = 0; i < nq; i++)
        mean += lat[i];
    mean /= (double)nq;
    qsort(lat, nq, sizeof *lat, cmp_double);
    double map = sum / (double)nq;
    printf("verified claims\t%ld\nimport_s\t%.3f\nimport_per_s\t%.0f\n", nclaims, t1 - t0,
           (double)nclaims / (t1 - t0));
    printf("queries\t%zu\nMAP@5\t%.4f\nP@1\t%.4f\nrecall@5\t%.4f\n", nq, map,
           (double)top1 / (double)nq, (double)top5 / (double)nq);
    printf("similar_ms_mean\t%.3f\nsimilar_ms_p50\t%.3f\nsimilar_ms_p99\t%.3f\n", mean,
           lat[nq / 2], lat[(nq * 99) / 100]);
    for (size_t i = 0; i < npairs; i++) {
        free(pairs[i].tweet);
        free(pairs[i].vclaim);
    }
    free(pairs);
    free(lat);
    free(vc.p);
    free(tw.p);
    free(qr.p);
    if (scores) fclose(scores);
    if (floor_arg && map < atof(floor_arg)) {
        fprintf(stderr, "claimdb-clef: MAP@5 %.4f is below the floor %s\n", map, floor_arg);
        return 1;
    }
    return 0;
}
