/* util.c — see util.h. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void out_of_memory(void)
{
    fputs("claimdb: out of memory\n", stderr);
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

void *xcalloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) out_of_memory();
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void buf_reserve(buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void buf_append(buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_puts(buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_putc(buf *b, char c)
{
    buf_append(b, &c, 1);
}

void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return;
    buf_reserve(b, (size_t)n);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_clear(buf *b)
{
    b->len = 0;
    if (b->p) b->p[0] = '\0';
}

void buf_free(buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

int read_stream(FILE *fp, buf *b)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_append(b, chunk, n);
    buf_reserve(b, 0);
    b->p[b->len] = '\0';
    return ferror(fp) ? -1 : 0;
}

size_t utf8_valid_prefix(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned min;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            min = 0x10000;
        } else {
            return i;
        }
        unsigned cp = c & (0x3Fu >> need);
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += need + 1;
    }
    return n;
}

size_t utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) count++;
    return count;
}

void textpos_init(textpos *tp, const char *text, size_t len)
{
    tp->text = text;
    tp->len = len;
    tp->off = 0;
    tp->line = 1;
    tp->bol = 0;
}

void textpos_at(textpos *tp, size_t off, long *line, long *col)
{
    if (off > tp->len) off = tp->len;
    if (off < tp->off) { /* asked backwards: start over */
        tp->off = 0;
        tp->line = 1;
        tp->bol = 0;
    }
    for (size_t i = tp->off; i < off; i++) {
        if (tp->text[i] == '\n') {
            tp->line++;
            tp->bol = i + 1;
        }
    }
    tp->off = off;
    *line = tp->line;
    *col = (long)utf8_count(tp->text + tp->bol, off - tp->bol) + 1;
}

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
    char tmp[64];
    for (int d = 15; d < 17; d++) {
        snprintf(tmp, sizeof tmp, "%.*g", d, v);
        if (strtod(tmp, NULL) == v) return d;
    }
    return 17;
}

void format_real(char *out, size_t n, double v)
{
    snprintf(out, n, "%.*g", real_digits(v), v);
}

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *prev = xmalloc((lb + 1) * sizeof *prev);
    size_t *cur = xmalloc((lb + 1) * sizeof *cur);
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost =
                tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            cur[j] = best;
        }
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    size_t d = prev[lb];
    free(prev);
    free(cur);
    return d;
}

int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || !ca) return ca - cb;
    }
}

int ascii_ncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int ca = tolower((unsigned char)a[i]), cb = tolower((unsigned char)b[i]);
        if (ca != cb || !ca) return ca - cb;
    }
    return 0;
}

int parse_bool(const char *s)
{
    static const char *const yes[] = {"on", "1", "yes", "true"};
    static const char *const no[] = {"off", "0", "no", "false"};
    for (size_t i = 0; i < 4; i++) {
        if (!ascii_casecmp(s, yes[i])) return 1;
        if (!ascii_casecmp(s, no[i])) return 0;
    }
    return -1;
}

const char *path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

char *path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return xstrdup(".");
    if (slash == path) return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

static size_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

static size_t strmap_find(const strmap *m, const char *key, size_t len)
{
    size_t i = hash_bytes(key, len) & (m->cap - 1);
    while (m->keys[i] && (m->lens[i] != len || memcmp(m->keys[i], key, len)))
        i = (i + 1) & (m->cap - 1);
    return i;
}

size_t *strmap_get(const strmap *m, const char *key, size_t len)
{
    if (!m->cap) return NULL;
    size_t i = strmap_find(m, key, len);
    return m->keys[i] ? &m->vals[i] : NULL;
}

static void strmap_grow(strmap *m)
{
    strmap bigger = {0};
    bigger.cap = m->cap ? m->cap * 2 : 64;
    bigger.keys = xcalloc(bigger.cap, sizeof *bigger.keys);
    bigger.lens = xcalloc(bigger.cap, sizeof *bigger.lens);
    bigger.vals = xcalloc(bigger.cap, sizeof *bigger.vals);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t j = strmap_find(&bigger, m->keys[i], m->lens[i]);
        bigger.keys[j] = m->keys[i];
        bigger.lens[j] = m->lens[i];
        bigger.vals[j] = m->vals[i];
    }
    bigger.n = m->n;
    free(m->keys);
    free(m->lens);
    free(m->vals);
    *m = bigger;
}

size_t *strmap_put(strmap *m, const char *key, size_t len, int *created)
{
    if ((m->n + 1) * 2 > m->cap) strmap_grow(m);
    size_t i = strmap_find(m, key, len);
    *created = !m->keys[i];
    if (*created) {
        m->keys[i] = xstrndup(key, len);
        m->lens[i] = len;
        m->vals[i] = 0;
        m->n++;
    }
    return &m->vals[i];
}

void strmap_free(strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->lens);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

int valid_date(const char *s)
{
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-') return 0;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    if (s[10]) return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}
