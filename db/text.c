/* text.c — the one check every text passes on its way into the database, whichever path it
 * takes: claimdb_assert() and the importers that call it, ASSERT (statement literals were
 * checked by the scanner already, bound parameters by claimdb_bind_text()), and every bound
 * parameter. Before it, a NUL or invalid UTF-8 got in through the API and bound values and
 * broke the JSON output and the exporters later, far from the cause. */
#include "engine.h"

#include <string.h>
#include <utf8proc.h>

int text_check(const char *s, size_t n, const char **why)
{
    if (n > CLAIMDB_MAX_TEXT) {
        *why = "longer than 1 GiB";
        return CLAIMDB_TOOBIG;
    }
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0) {
            *why = "a NUL character";
            return CLAIMDB_ERROR;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            *why = "invalid UTF-8";
            return CLAIMDB_ERROR;
        }
        i += (size_t)k;
    }
    return CLAIMDB_OK;
}

int text_check_citation(claimdb *db, const claimdb_citation *c)
{
    const char *const names[] = {"subject", "predicate", "object", "quote", "claimant", "said_on"};
    const char *const texts[] = {c->subject, c->predicate, c->object,
                                 c->quote,   c->claimant,  c->said_on};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        const char *why;
        int rc;
        if (texts[i] && (rc = text_check(texts[i], strlen(texts[i]), &why)))
            return db_error(db, rc, "%s: %s", names[i], why);
    }
    return CLAIMDB_OK;
}
