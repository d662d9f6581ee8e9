/* linkage.h — a sentence's link-grammar parse as plain data (grammar.c fills it; deep.c reads
 * it), so that only grammar.c includes link-grammar and the reading of a linkage can be built
 * and tested without the library. */
#ifndef CLAIMDB_EXTRACT_LINKAGE_H
#define CLAIMDB_EXTRACT_LINKAGE_H

#include "extract.h"

#define LK_MAX_WORDS 192 /* link-grammar words of one sentence (the length cap is below this) */
#define LK_MAX_LINKS 512
#define LK_WORD_MAX 32 /* the dictionary form kept of a word ("said.q-d"), truncated */

typedef struct lk_link {
    unsigned short l, r; /* word indices, l < r */
    char label[16];      /* "Ss*s", "MVp", "TH" */
} lk_link;

typedef struct lk_parse {
    size_t nw, nl;
    size_t start[LK_MAX_WORDS], end[LK_MAX_WORDS]; /* bytes of the parsed string; walls: 0, 0 */
    char word[LK_MAX_WORDS][LK_WORD_MAX];
    lk_link link[LK_MAX_LINKS];
} lk_parse;

/* What deep_parse() found. */
enum { DEEP_FULL, DEEP_NONE, DEEP_TIMEOUT, DEEP_TOOLONG };

typedef struct deep_parser deep_parser;

/* Whether g holds a dictionary (it opened, and link-grammar is built in). */
int deep_available(const claimdb_grammar *g);

/* A parser for one thread (its own parse options; the dictionary is shared). Installs a
 * silent link-grammar error handler on the calling thread until deep_parser_free(). NULL on
 * NOMEM. */
deep_parser *deep_parser_new(const claimdb_grammar *g);
void deep_parser_free(deep_parser *p);
/* Parse the NUL-terminated sentence s: DEEP_FULL with *out filled (the best full linkage), or
 * why not; -1 on NOMEM. */
int deep_parse(deep_parser *p, const char *s, lk_parse *out);

/* deep.c: the claims of a tagged sentence read from its parse (byte offsets of the parse are
 * offsets from base in text). Returns 0, or what fn returned when non-zero. */
int deep_relations(const claimdb_lexicon *lex, const char *text, size_t base, token_buf *tb,
                   const lk_parse *lp, int flags, raw_claim_fn fn, void *ctx);

#endif /* CLAIMDB_EXTRACT_LINKAGE_H */
