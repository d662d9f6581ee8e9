/* extract_bench.c — claimdb-extract-bench: the extractor's speed in MB of text per second on
 * one core (one thread), on the seed articles and on a large synthetic text made by
 * concatenating the seed articles and the CaRB development sentences, repeated.
 *
 *   claimdb-extract-bench [SOURCE_DIR] [--mb N]     (default: the source tree, 20 MB)
 *   claimdb-extract-bench [SOURCE_DIR] --deep       the deep path (link-grammar)
 *
 * --deep measures KB per second of CPU time on the seed articles and on the CaRB development
 * sentences, where the sentences' claims came from (parsed, or the rules and why), and the
 * CaRB sentences again on two threads sharing one grammar: the wall-clock speed-up over one
 * thread (meaningful only with two idle cores).
 *
 * Rates are MB per second of the process's CPU time (one thread: per core), so that other
 * work on the machine does not change them; wall-clock time is printed beside. The lexicon's
 * loading time is printed apart and not counted in the rate. */
#include "claimdb.h"

#include <pthread.h>
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

typedef struct half {
    const char *text;
    size_t len;
    const claimdb_extract_options *opt;
    size_t claims;
} half;

static void *extract_half(void *arg)
{
    half *h = arg;
    claimdb_extract(h->text, h->len, h->opt, count_claim, &h->claims, NULL);
    return NULL;
}

static void print_stats(const char *what, const claimdb_extract_stats *st)
{
    double n = st->sentences ? (double)st->sentences : 1;
    printf("  %s: %zu sentences: parsed %.1f%%; to the rules: no full linkage %.1f%%, past the "
           "time limit %.1f%%, over 60 words %.1f%%\n",
           what, st->sentences, 100 * (double)st->full / n, 100 * (double)st->no_linkage / n,
           100 * (double)st->timeout / n, 100 * (double)st->too_long / n);
}

static int deep_bench(const claimdb_lexicon *lex, const char *src)
{
    claimdb_grammar *g = NULL;
    double t0 = now();
    if (claimdb_grammar_open(NULL, &g) != CLAIMDB_OK) {
        fprintf(stderr, "%s\n", claimdb_grammar_errmsg(g));
        claimdb_grammar_close(g);
        return 1;
    }
    printf("grammar loaded in %.0f ms\n", (now() - t0) * 1000);
    claimdb_extract_stats st = {0};
    claimdb_extract_options opt = {0};
    opt.lexicon = lex;
    opt.grammar = g;
    opt.stats = &st;
    char path[4096];
    size_t total = 0, claims = 0;
    double start = now(), cstart = cpu();
    for (int i = 0; i < 5; i++) {
        size_t len;
        snprintf(path, sizeof path, "%s/data/articles/%d.txt", src, i);
        char *art = slurp(path, &len);
        claimdb_extract(art, len, &opt, count_claim, &claims, NULL);
        total += len;
        free(art);
    }
    double el = cpu() - cstart;
    printf("deep, seed articles: %.1f KB/s per core (%zu bytes, %zu claims; %.2f s CPU, %.2f s "
           "wall)\n",
           (double)total / el / 1e3, total, claims, el, now() - start);
    print_stats("seed articles", &st);

    size_t clen;
    snprintf(path, sizeof path, "%s/tests/carb/dev_sentences.txt", src);
    char *carb = slurp(path, &clen);
    memset(&st, 0, sizeof st);
    claims = 0;
    start = now();
    cstart = cpu();
    claimdb_extract(carb, clen, &opt, count_claim, &claims, NULL);
    el = cpu() - cstart;
    double wall1 = now() - start;
    printf("deep, CaRB sentences: %.1f KB/s per core (%zu bytes, %zu claims; %.2f s CPU, %.2f s "
           "wall)\n",
           (double)clen / el / 1e3, clen, claims, el, wall1);
    print_stats("CaRB sentences", &st);

    /* two threads, one grammar: each half of the sentences (cut at a line end) */
    opt.stats = NULL;
    size_t cut = clen / 2;
    while (cut < clen && carb[cut] != '\n')
        cut++;
    half h[2] = {{carb, cut, &opt, 0}, {carb + cut, clen - cut, &opt, 0}};
    pthread_t th;
    start = now();
    cstart = cpu();
    if (pthread_create(&th, NULL, extract_half, &h[0]) != 0) return 1;
    extract_half(&h[1]);
    pthread_join(th, NULL);
    double wall2 = now() - start;
    /* CPU time beside: on a busy machine the wall clock says little, while a CPU time close
     * to one thread's says the threads do not wait on each other */
    printf("deep, CaRB sentences on 2 threads: %.2f s wall, %.2fx one thread's %.2f s (%.2f s "
           "CPU, one thread %.2f s)\n",
           wall2, wall1 / wall2, wall1, cpu() - cstart, el);
    free(carb);
    claimdb_grammar_close(g);
    return 0;
}

int main(int argc, char **argv)
{
    const char *src = CLAIMDB_SOURCE_DIR;
    double mb = 20;
    int deep = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mb") && i + 1 < argc)
            mb = atof(argv[++i]);
        else if (!strcmp(argv[i], "--deep"))
            deep = 1;
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
    if (deep) {
        int rc = deep_bench(lex, src);
        claimdb_lexicon_close(lex);
        return rc;
    }
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
