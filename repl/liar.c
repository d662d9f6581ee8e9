/* liar.c — the LIAR data set (Wang, ACL 2017): PolitiFact statements with their Truth-O-Meter
 * label, one a line, 14 TAB-separated columns, no header and no quoting (a '"' is an ordinary
 * character: the statements' quotes are irregular, so none is interpreted):
 *   id (N.json), label, statement, subjects, speaker, speaker's job, state, party,
 *   five credit-history counts, context (the venue).
 * Each line is one review by PolitiFact: statement -> claim_reviewed, speaker -> claimant,
 * label -> rating. A review needs a URL for its identity; LIAR gives none, so the identity is
 * "liar:SPLIT/ID", SPLIT the file's base name without extension (liar:train/2635.json for line
 * "2635.json …" of train.tsv; "liar:stdin/…" from standard input). The other columns are not
 * stored. */
#include "import.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define LIAR_COLUMNS 14
enum { L_ID, L_LABEL, L_STATEMENT, L_SUBJECTS, L_SPEAKER };

/* "train" from "…/train.tsv". */
static char *split_name(const import_ctx *ic)
{
    const char *path = import_path(ic);
    if (!strcmp(path, "-")) return xstrdup("stdin");
    const char *base = path_base(path);
    const char *dot = strrchr(base, '.');
    return xstrndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

int liar_read(import_ctx *ic)
{
    char *line = NULL, *split = split_name(ic);
    size_t cap = 0;
    long len;
    int rc = 0;
    buf url = {0};
    while (rc == 0 && (len = import_getline(ic, &line, &cap)) >= 0) {
        size_t n = (size_t)len;
        if (n && line[n - 1] == '\n') n--;
        if (n && line[n - 1] == '\r') n--;
        if ((rc = import_check_text(ic, line, n)) != 0) break;
        line[n] = '\0';
        if (n == 0) continue; /* a blank line, as at the end of some copies */
        char *field[LIAR_COLUMNS];
        size_t start[LIAR_COLUMNS];
        int nf = 0;
        size_t s = 0;
        for (size_t i = 0; i <= n && nf < LIAR_COLUMNS; i++) {
            if (i < n && line[i] != '\t') continue;
            start[nf] = s;
            field[nf++] = line + s;
            if (i < n) line[i] = '\0';
            s = i + 1;
        }
        long lineno = import_lineno(ic);
        if (nf < LIAR_COLUMNS || s <= n) {
            /* Too few columns, or a 15th: the row is not LIAR's. */
            size_t at = nf < LIAR_COLUMNS ? n : s;
            rc = import_error(ic, lineno, (long)utf8_count(line, at) + 1,
                              "expected %d TAB-separated columns (LIAR), found %s", LIAR_COLUMNS,
                              nf < LIAR_COLUMNS ? "fewer" : "more");
            break;
        }
        static const int required[] = {L_ID, L_LABEL, L_STATEMENT};
        static const char *const names[] = {"id", "label", "statement"};
        for (int k = 0; k < 3 && rc == 0; k++)
            if (!*field[required[k]])
                rc = import_error(ic, lineno, (long)utf8_count(line, start[required[k]]) + 1,
                                  "empty %s", names[k]);
        if (rc) break;
        buf_clear(&url);
        buf_printf(&url, "liar:%s/%s", split, field[L_ID]);
        claimdb_review r = {0};
        r.url = url.p;
        r.claim_reviewed = field[L_STATEMENT];
        r.rating = field[L_LABEL];
        r.reviewer = "PolitiFact";
        r.claimant = *field[L_SPEAKER] ? field[L_SPEAKER] : NULL;
        r.language = "en";
        rc = import_review(ic, &r, lineno, 1);
    }
    buf_free(&url);
    free(line);
    free(split);
    return rc;
}
