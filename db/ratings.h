/* ratings.h — fact-checkers' rating labels ("Pants on Fire", "Mostly False", "Misleading")
 * mapped onto claimdb's six verdicts, from tables of TSV lines "label<TAB>verdict".
 *
 * A table starts with the default one, which the build embeds into the library from
 * data/ratings/ (so it needs no file at run time), then the file $CLAIMDB_RATINGS names when it
 * is set, then any file given to claimdb_ratings_load(); a label mapped twice takes its last
 * verdict. Labels are compared by key: every Unicode punctuation or symbol character becomes a
 * space, then the key of a term (NFC, case folded, white space runs collapsed, trimmed), so
 * that "Pants on Fire!", "pants-fire" and "PANTS ON FIRE" are one label. */
#ifndef CLAIMDB_RATINGS_H
#define CLAIMDB_RATINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ratings ratings;

/* The default table with $CLAIMDB_RATINGS read over it. NULL when out of memory; else, when
 * that file cannot be read or has a bad line, err (when not NULL) gets why (the table is the
 * default one; the caller decides). err is "" on success. */
ratings *ratings_new(char *err, size_t errsz);
void ratings_free(ratings *r); /* NULL is a no-op */
/* Read a file of mappings over the table. CLAIMDB_OK, or CLAIMDB_NOTFOUND / CLAIMDB_IOERR
 * (cannot read it), CLAIMDB_ERROR (a bad line: nothing of the file is kept), CLAIMDB_NOMEM,
 * with err saying which line and why. */
int ratings_load_file(ratings *r, const char *path, char *err, size_t errsz);
/* The verdict of a label: true when the table maps it; else *verdict is VERDICT_OTHER. */
bool ratings_lookup(const ratings *r, const char *label, size_t len, uint8_t *verdict);
/* The verdict from a numeric rating on a scale from worst to best, for a review that gives no
 * label: the fifth of the scale it falls in. false when the scale is empty or value off it. */
bool ratings_numeric(double value, double best, double worst, uint8_t *verdict);
/* "true", "mostly-true", "mixture", "mostly-false", "false", "other". */
const char *verdict_name(uint8_t verdict);
/* The VERDICT_* a name gives (as verdict_name writes it), or -1. */
int verdict_parse(const char *s, size_t n);

#endif /* CLAIMDB_RATINGS_H */
