/* extract_bench.c — claimdb-extract-bench: the extractor's speed in MB of text per second on
 * one core (one thread), on the seed articles and on a large synthetic text made by
 * concatenating the seed articles and the CaRB development sentences, repeated.
 *
 *   claimdb-extract-bench [SOURCE_DIR] [--mb N]     (default: the source tree, 20 MB)
 *
 * Rates are MB per second of the process's CPU time (one thread: per core), so that other
 * work on the machine does not change them; wall-clock time is printed beside. The lexicon's
 * loading time is printed apart and not counted in the rate. */
#include "claimdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(1);
    }
    size_t cap = 1 << 16, n = 0, got;
    char *p = malloc(cap);
    while (p && (got = fread(p + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) p = realloc(p, cap *= 2);
    }
    fclose(fp);
    if (!p) exit(1);
    *len = n;
    return p;
}

static int count_claim(void *ctx, const claimdb_extracted *c)
{
    (void)c;
    ++*(size_t *)ctx;
    return 0;
}

int main(int argc, char **argv)
{
    const char *src = CLAIMDB_SOURCE_DIR;
    double mb = 20;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mb") && i + 1 < argc)
            mb = atof(argv[++i]);
        else
            src = argv[i];
    }
    double t0 = now();
    claimdb_lexicon *lex;
    if (claimdb_lexicon_open(NULL, &lex) != CLAIMDB_OK) {
        fprintf(stderr, "%s\n", claimdb_lexicon_errmsg(lex));
        return 1;
    }
    printf("lexicon loaded in %.0f ms\n", (now() - t0) * 1000);
    claimdb_extract_options opt = {0};
    opt.lexicon = lex;

    /* the seed articles, each extracted again and again for at least a second */
    char *art[5];
    size_t alen[5], total = 0, claims = 0;
    char path[4096];
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/data/articles/%d.txt", src, i);
        art[i] = slurp(path, &alen[i]);
    }
    double start = now(), cstart = cpu(), el;
    size_t rounds = 0;
    do {
        for (int i = 0; i < 5; i++) {
            claimdb_extract(art[i], alen[i], &opt, count_claim, &claims, NULL);
            total += alen[i];
        }
        rounds++;
    } while ((el = cpu() - cstart) < 1.0);
    printf("seed articles: %.2f MB/s per core (%zu rounds of %zu bytes, %zu claims each round; "
           "%.2f s CPU, %.2f s wall)\n",
           (double)total / el / 1e6, rounds, total / rounds, claims / rounds, el, now() - start);

    /* a large synthetic text: the seeds and the CaRB sentences, repeated */
    size_t clen;
    snprintf(path, sizeof path, "%s/tests/carb/dev_sentences.txt", src);
    char *carb = slurp(path, &clen);
    size_t want = (size_t)(mb * 1e6), n = 0;
    char *big = malloc(want + (1 << 20));
    while (n < want) {
        for (int i = 0; i < 5; i++) {
            memcpy(big + n, art[i], alen[i]);
            n += alen[i];
            big[n++] = '\n';
            big[n++] = '\n';
        }
        memcpy(big + n, carb, clen);
        n += clen;
        big[n++] = '\n';
    }
    claims = 0;
    start = now();
    cstart = cpu();
    claimdb_extract(big, n, &opt, count_claim, &claims, NULL);
    el = cpu() - cstart;
    printf("synthetic text: %.2f MB/s per core (%.1f MB in %.2f s CPU, %.2f s wall, %zu claims)\n",
           (double)n / el / 1e6, (double)n / 1e6, el, now() - start, claims);
    free(big);
    free(carb);
    for (int i = 0; i < 5; i++)
        free(art[i]);
    claimdb_lexicon_close(lex);
    return 0;
}
