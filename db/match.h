/* match.h — FILTER a MATCH "words": the query's words and phrases, whether a text holds them
 * (cut by the text index's tokenizer, so that the per-row check and the index agree), and
 * the claims the text index says can hold them (the access path the planner may choose). */
#ifndef CLAIMDB_MATCH_H
#define CLAIMDB_MATCH_H

#include "store.h"
#include "text_token.h"

#include <stdbool.h>
#include <stddef.h>

/* Groups of stems, all required: a word alone, or a phrase (its stems consecutive in the
 * text's stems, stop words being no stems). No group: the query matches no text. */
typedef struct match_query {
    token_list stems; /* the query's stems in order */
    size_t *start;    /* group g is stems [start[g], start[g + 1]) */
    size_t ngroups;
} match_query;

/* Parse s[0, n): what lies between two '"' is a phrase, every other word a word of its own.
 * CLAIMDB_ERROR (*why set) when a '"' is left open; CLAIMDB_NOMEM. */
int match_query_parse(text_tokenizer *tk, const char *s, size_t n, match_query *out,
                      const char **why);
void match_query_free(match_query *q);
/* Does the text s[0, n) hold every group of q? */
int match_text(text_tokenizer *tk, const match_query *q, const char *s, size_t n, bool *res);

/* At most this many documents of kind can match q (the shortest posting list of its stems,
 * counted up to cap). */
int match_estimate(store_txn *txn, uint8_t kind, const match_query *q, uint64_t cap, uint64_t *out);
/* The claims of polarity pol (sorted in s, p, o order, each once) with a document of kind
 * (STORE_TEXT_QUOTE: one of their quotes; STORE_TEXT_CLAIM: the term at position pos)
 * whose text matches q: a superset of the rows the per-row check passes, never less. */
int match_claims(store_txn *txn, text_tokenizer *tk, uint8_t kind, int pos, const match_query *q,
                 uint8_t pol, claim_key **keys, size_t *n);

#endif /* CLAIMDB_MATCH_H */
