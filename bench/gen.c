/* gen.c — deterministic synthetic claims for claimdb-bench.
 *
 * Shape (for N claims): ~N/10 subjects, 200 predicates, ~N/4 objects drawn from one entity
 * namespace (subjects are the first N/10 entities, so many objects are also subjects and
 * two-pattern joins find something), 5% negative claims, 1–3 citing articles per claim out of
 * 5000 (P = .64/.26/.10, so 1.46 citations per claim), a ~60-byte quote per citation, a
 * claimant on 40% of citations and a confidence on half of them. Popularity is skewed: an
 * entity or predicate of rank x is drawn with density ~ x^(1/k - 1) (k = 2 for entities, 3 for
 * predicates, 1.5 for articles), so a few terms are hot and most are rare.
 *
 * Everything comes from splitmix64 seeded with --seed: the same seed gives the same data on
 * every machine. Only the claim skeletons are kept in memory; names, quotes, claimants and
 * confidences are recomputed from (seed, claim, citation) when a loader asks for them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

uint64_t bench_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

uint64_t bench_mix(uint64_t a, uint64_t b)
{
    uint64_t st = a ^ (b * UINT64_C(0xD6E8FEB86659FD93));
    bench_splitmix64(&st);
    return bench_splitmix64(&st);
}

static double unit(uint64_t *st) /* uniform in [0, 1) */
{
    return (double)(bench_splitmix64(st) >> 11) * 0x1.0p-53;
}

/* A skewed draw in [0, n): rank x has density ~ x^(1/k - 1). */
static uint32_t skewed(uint64_t *st, uint32_t n, double k)
{
    double u = unit(st);
    double x = (double)n * pow(u, k);
    uint32_t r = (uint32_t)x;
    return r >= n ? n - 1 : r;
}

static const char *const entity_kinds[8] = {"Person",  "Party",   "Ministry", "City",
                                            "Company", "Militia", "Country",  "Agency"};

void bench_entity_name(uint32_t id, char *buf)
{
    snprintf(buf, BENCH_NAME_MAX, "%s %u", entity_kinds[id % 8], id);
}

static const char *const verbs[40] = {
    "says",       "denies",          "demands",  "met_with",  "accuses",       "supports",
    "opposes",    "attacked",        "funds",    "controls",  "rejects",       "praises",
    "warns",      "signed",          "leads",    "joined",    "left",          "visited",
    "sanctioned", "negotiates_with", "arrested", "released",  "blames",        "threatens",
    "recognises", "criticises",      "owns",     "employs",   "allied_with",   "fought",
    "announced",  "confirmed",       "elected",  "appointed", "resigned_from", "investigates",
    "sued",       "banned",          "endorses", "hosts"};

void bench_predicate_name(uint32_t id, char *buf)
{
    if (id < 40)
        snprintf(buf, BENCH_NAME_MAX, "%s", verbs[id]);
    else
        snprintf(buf, BENCH_NAME_MAX, "%s_%u", verbs[id % 40], id / 40);
}

static const char *const words[48] = {
    "the",       "minister",  "said",         "on",        "Tuesday",  "that",
    "forces",    "would",     "not",          "withdraw",  "before",   "talks",
    "a",         "spokesman", "told",         "reporters", "in",       "Kabul",
    "officials", "confirmed", "meeting",      "with",      "envoy",    "after",
    "weeks",     "of",        "negotiations", "and",       "denied",   "any",
    "role",      "attack",    "government",   "has",       "demanded", "statement",
    "late",      "Monday",    "according",    "to",        "sources",  "close",
    "talks",     "were",      "held",         "city",      "local",    "police"};

static void make_quote(uint64_t h, char *buf)
{
    uint64_t st = h;
    size_t len = 0, target = 50 + (size_t)(bench_splitmix64(&st) % 21); /* 50..70 bytes */
    while (len < target) {
        const char *w = words[bench_splitmix64(&st) % 48];
        size_t wl = strlen(w);
        if (len + wl + 2 >= BENCH_QUOTE_MAX) break;
        if (len) buf[len++] = ' ';
        memcpy(buf + len, w, wl);
        len += wl;
    }
    buf[len] = '\0';
}

void bench_citation(const bench_data *d, size_t i, int k, bench_cit *out)
{
    const bench_claim *c = &d->claims[i];
    bench_entity_name(c->s, out->s);
    bench_predicate_name(c->p, out->p);
    bench_entity_name(c->o, out->o);
    out->pol = c->pol;
    out->article = c->art[k];
    uint64_t h = bench_mix(d->seed ^ UINT64_C(0x5157), (uint64_t)i * 4 + (uint64_t)k);
    make_quote(h, out->quote);
    uint64_t st = h ^ UINT64_C(0xC1A1);
    out->has_claimant = bench_splitmix64(&st) % 10 < 4;
    if (out->has_claimant)
        snprintf(out->claimant, BENCH_NAME_MAX, "Official %u", skewed(&st, BENCH_NCLAIMANTS, 2.0));
    else
        out->claimant[0] = '\0';
    out->has_confidence = bench_splitmix64(&st) % 2 == 0;
    out->confidence =
        out->has_confidence ? 0.5 + (double)(bench_splitmix64(&st) % 501) / 1000.0 : 0.0;
}

static uint64_t claim_hash(const bench_claim *c)
{
    return bench_mix(((uint64_t)c->s << 32) | c->o, ((uint64_t)c->p << 1) | c->pol);
}

void bench_generate(bench_data *d, size_t n, uint64_t seed)
{
    memset(d, 0, sizeof *d);
    d->seed = seed;
    d->nclaims = n;
    d->nsubjects = (uint32_t)(n / 10 > 0 ? n / 10 : 1);
    d->nentities = (uint32_t)(n / 4 > d->nsubjects ? n / 4 : d->nsubjects);
    d->claims = calloc(n ? n : 1, sizeof *d->claims);
    size_t cap = 16;
    while (cap < 2 * n)
        cap <<= 1;
    uint32_t *set = calloc(cap, sizeof *set); /* claim index + 1, 0 = empty */
    if (!d->claims || !set) bench_die("out of memory generating %zu claims", n);

    uint64_t st = seed;
    for (size_t i = 0; i < n; i++) {
        bench_claim *c = &d->claims[i];
        for (;;) { /* draw until the claim is new */
            c->s = skewed(&st, d->nsubjects, 2.0);
            c->p = (uint16_t)skewed(&st, BENCH_NPREDICATES, 3.0);
            c->o = skewed(&st, d->nentities, 2.0);
            c->pol = bench_splitmix64(&st) % 20 != 0;
            size_t slot = (size_t)claim_hash(c) & (cap - 1);
            int dup = 0;
            while (set[slot]) {
                const bench_claim *e = &d->claims[set[slot] - 1];
                if (e->s == c->s && e->p == c->p && e->o == c->o && e->pol == c->pol) {
                    dup = 1;
                    break;
                }
                slot = (slot + 1) & (cap - 1);
            }
            if (dup) continue;
            set[slot] = (uint32_t)(i + 1);
            break;
        }
        uint64_t r = bench_splitmix64(&st) % 100;
        c->ncit = r < 64 ? 1 : r < 90 ? 2 : 3;
        for (int k = 0; k < c->ncit; k++) {
            uint16_t a;
            int again;
            do {
                a = (uint16_t)skewed(&st, BENCH_NARTICLES, 1.5);
                again = 0;
                for (int j = 0; j < k; j++)
                    again |= c->art[j] == a;
            } while (again);
            c->art[k] = a;
        }
        d->ncitations += c->ncit;
        if (c->pol) {
            d->npos++;
            d->pred_pos[c->p]++;
        }
    }
    free(set);
}

void bench_data_free(bench_data *d)
{
    free(d->claims);
    d->claims = NULL;
}
