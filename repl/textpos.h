/* textpos.h — line and column of byte offsets in a text, for error messages. */
#ifndef CLAIMDB_REPL_TEXTPOS_H
#define CLAIMDB_REPL_TEXTPOS_H

#include <stddef.h>

/* Line and column (1-based, columns in characters) of byte offsets in one text, computed
 * incrementally: offsets asked in increasing order cost one pass over the text in all. */
typedef struct textpos {
    const char *text;
    size_t len;
    size_t off; /* position reached */
    long line;  /* line of off */
    size_t bol; /* offset of the start of that line */
} textpos;

void textpos_init(textpos *tp, const char *text, size_t len);
void textpos_at(textpos *tp, size_t off, long *line, long *col);

#endif /* CLAIMDB_REPL_TEXTPOS_H */
