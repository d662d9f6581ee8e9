/* regex.c — ClaimQL's `~` over PCRE2 with match, depth and heap limits (see regex.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "cq_regex.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

struct cq_regex {
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mc;
};

void cq_regex_free(cq_regex *re)
{
    if (!re) return;
    pcre2_match_data_free(re->md);
    pcre2_match_context_free(re->mc);
    pcre2_code_free(re->code);
    free(re);
}

int cq_regex_compile(const char *pattern, cq_regex **out, char *msg, size_t msgsize)
{
    *out = NULL;
    cq_regex *re = calloc(1, sizeof *re);
    if (!re) {
        snprintf(msg, msgsize, "out of memory");
        return -1;
    }
    /* As POSIX ERE matched before: '.' also matches a newline and '$' only the end. */
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP | PCRE2_CASELESS |
                    PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY;
    int err = 0;
    PCRE2_SIZE off = 0;
    re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &err, &off, NULL);
    if (!re->code) {
        PCRE2_UCHAR text[160];
        if (pcre2_get_error_message(err, text, sizeof text) < 0) snprintf((char *)text, 8, "error");
        snprintf(msg, msgsize, "%s (at character %zu of the pattern)", (const char *)text,
                 (size_t)off + 1);
        cq_regex_free(re);
        return -1;
    }
    re->md = pcre2_match_data_create(1, NULL);
    re->mc = pcre2_match_context_create(NULL);
    if (!re->md || !re->mc) {
        snprintf(msg, msgsize, "out of memory");
        cq_regex_free(re);
        return -1;
    }
    pcre2_set_match_limit(re->mc, CQ_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(re->mc, CQ_REGEX_DEPTH_LIMIT);
    pcre2_set_heap_limit(re->mc, CQ_REGEX_HEAP_LIMIT);
    *out = re;
    return 0;
}

int cq_regex_match(cq_regex *re, const char *s, size_t n)
{
    int rc = pcre2_match(re->code, (PCRE2_SPTR)(n ? s : ""), n, 0, 0, re->md, re->mc);
    if (rc >= 0) return 1;
    switch (rc) {
    case PCRE2_ERROR_NOMATCH:
        return 0;
    case PCRE2_ERROR_NOMEMORY:
        return CQ_REGEX_NOMEM;
    default: /* PCRE2_ERROR_MATCHLIMIT, DEPTHLIMIT, HEAPLIMIT */
        return CQ_REGEX_LIMIT;
    }
}
