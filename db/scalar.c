/* scalar.c — dates and reals as text: the library's one date validator and one real
 * formatter, for the lexer, the statement printer, values and bindings, and (being public)
 * for the program's importers and exporters too. */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool date_valid(const char *s, size_t n)
{
    if (n != 10 || s[4] != '-' || s[7] != '-') return false;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

int claimdb_date_valid(const char *text, int len)
{
    return text && date_valid(text, len < 0 ? strlen(text) : (size_t)len);
}

/* A double has 15 to 17 significant decimal digits: when 15 read back, the 15-digit text with
 * %g's trailing zeros dropped is also the shortest that does, so fewer need not be tried. */
int claimdb_real_digits(double v)
{
    char tmp[64];
    for (int d = 15; d < 17; d++) {
        snprintf(tmp, sizeof tmp, "%.*g", d, v);
        if (strtod(tmp, NULL) == v) return d;
    }
    return 17;
}

size_t real_text(double r, char *buf, size_t bufsz)
{
    int n = snprintf(buf, bufsz, "%.*g", claimdb_real_digits(r), r);
    return n < 0 ? 0 : (size_t)n >= bufsz ? bufsz - 1 : (size_t)n;
}
