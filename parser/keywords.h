/* keywords.h — private to parser/: the keyword table behind parse_keyword_*(). */
#ifndef CLAIMDB_KEYWORDS_H
#define CLAIMDB_KEYWORDS_H

#include <stddef.h>

enum {
    KW_RESERVED = 1,   /* never a bare term */
    KW_CONTEXTUAL = 2, /* a keyword where the grammar wants it, else a bare term */
    KW_FUNCTION = 4,   /* a function name right before '(' */
    KW_STATEMENT = 8,  /* begins a statement (offered for a mistyped first word) */
};

typedef struct parse_keyword {
    const char *name; /* upper case */
    int token;        /* the parser's token (TOK_FUNC for function-only names) */
    unsigned flags;
} parse_keyword;

/* The entry for s[0..n) (any case), or NULL. */
const parse_keyword *parse_keyword_find(const char *s, size_t n);
/* The i-th entry (sorted by name), or NULL. */
const parse_keyword *parse_keyword_entry(int i);

#endif /* CLAIMDB_KEYWORDS_H */
