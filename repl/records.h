/* records.h — what the data formats (tsv.c, jsonl.c, nquads.c) exchange with the import and
 * export drivers: one record per citation, article or alias, and the formats' names. */
#ifndef CLAIMDB_REPL_RECORDS_H
#define CLAIMDB_REPL_RECORDS_H

#include <stdint.h>
#include <stdio.h>

#include "claimdb.h"

/* The first three carry everything; the others carry fact-check reviews only: LIAR's TSV
 * (import), schema.org ClaimReview as JSON-LD (import and export), ClaimsKG's CSV (import). */
enum {
    FORMAT_TSV,
    FORMAT_JSONL,
    FORMAT_NQUADS,
    FORMAT_LIAR,
    FORMAT_CLAIMREVIEW,
    FORMAT_CLAIMSKG,
    FORMAT_COUNT
};

/* The format called name ("tsv", "jsonl", "nquads", "liar", "claimreview", "claimskg"; also
 * "ndjson", "nq", "nt", "jsonld", "csv"), or -1. */
int format_from_name(const char *name);
/* The format a file's extension names (.tsv, .jsonl/.ndjson, .nq/.nt, .jsonld, .csv), or -1. */
int format_from_path(const char *path);
const char *format_name(int format);

/* One citation: a claim and the article that cites it. Strings are NULL when absent. */
typedef struct rec_claim {
    const char *subject, *predicate, *object;
    int negated;
    int64_t article;
    const char *quote, *claimant;
    int has_confidence;
    double confidence;
    const char *said_on; /* the date the claim was made, YYYY-MM-DD */
    int extracted; /* JSON Lines "method":"extracted": stored with CLAIMDB_METHOD_EXTRACTED */
} rec_claim;

/* An article's record; duplicate_of is -1 when none. */
typedef struct rec_article {
    int64_t id;
    const char *title, *outlet, *date, *url, *author;
    int64_t duplicate_of;
    const char *text;
} rec_article;

typedef struct rec_alias {
    const char *alias, *canonical;
} rec_alias;

/* A fact-check review: the API's record, plus the verdict on export (NULL on import: the
 * library normalises the rating). */
typedef struct rec_review {
    claimdb_review r;
    const char *verdict;
} rec_review;

/* Where export sends records, in this order: aliases, articles, citations, reviews (one
 * record per review and triple it is about). Each function returns 0, or -1 on a write error;
 * a NULL function means the format cannot hold such records (the export says how many it
 * left out). finish flushes and frees the state. */
typedef struct export_sink {
    void *state;
    int (*alias)(void *state, const rec_alias *a);
    int (*article)(void *state, const rec_article *a);
    int (*claim)(void *state, const rec_claim *c);
    int (*review)(void *state, const rec_review *r);
    int (*finish)(void *state);
} export_sink;

/* Open a sink of each format on out; base is the IRI base (N-Quads only). */
void tsv_sink_open(export_sink *sink, FILE *out);
void jsonl_sink_open(export_sink *sink, FILE *out);
void nquads_sink_open(export_sink *sink, FILE *out, const char *base);
void claimreview_sink_open(export_sink *sink, FILE *out);

#endif /* CLAIMDB_REPL_RECORDS_H */
