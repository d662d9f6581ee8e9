/* number.c — see number.h. */
#include "number.h"

#include "claimdb.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_int64(const char *s, int64_t *out)
{
    if (!*s || isspace((unsigned char)*s)) return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return -1;
    *out = (int64_t)v;
    return 0;
}

int parse_uint64(const char *s, int64_t *out)
{
    if (!*s) return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return -1;
    return parse_int64(s, out);
}

int parse_real(const char *s, double *out)
{
    if (!*s || isspace((unsigned char)*s)) return -1;
    /* Only decimal notation: no hex, inf or nan. */
    for (const char *p = s; *p; p++)
        if (!strchr("0123456789+-.eE", *p)) return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int real_digits(double v)
{
    return claimdb_real_digits(v);
}

void format_real(char *out, size_t n, double v)
{
    snprintf(out, n, "%.*g", real_digits(v), v);
}
