/* extract_cmd.h — `claimdb extract`: articles in, claims out as JSON Lines; no database. */
#ifndef CLAIMDB_REPL_EXTRACT_CMD_H
#define CLAIMDB_REPL_EXTRACT_CMD_H

#include "claimdb.h"
#include "util.h"

#include <stdint.h>

/* Run `claimdb extract [--jobs N] [FILE...]` (argv[1] is "extract"). Returns the exit status. */
int cmd_extract(int argc, char **argv);

/* Open the lexicon, printing why on failure (NULL then). */
claimdb_lexicon *open_lexicon(void);
/* link-grammar's dictionary for --deep; prints why and returns NULL when it cannot. */
claimdb_grammar *open_grammar(void);
/* "WHO: deep path: N sentences: F parsed (x%), ..." on standard error. */
void print_deep_stats(const char *who, const claimdb_extract_stats *st);
void add_deep_stats(claimdb_extract_stats *to, const claimdb_extract_stats *from);

/* Append text[0..n) to b as a JSON string (with its quotes). */
void put_json_string(buf *b, const char *s, size_t n);

/* Append the claims of one article to b, one JSON object per line (flags: CLAIMDB_EXTRACT_*).
 * Returns the number of claims, or -1 on NOMEM. */
long extract_article_jsonl(const claimdb_lexicon *lex, const claimdb_grammar *grammar,
                           claimdb_extract_stats *stats, int flags, int64_t article,
                           const char *text, size_t len, buf *b);

#endif /* CLAIMDB_REPL_EXTRACT_CMD_H */
