/* value.c — values: constructors, their text, equality as matching defines it, ordering, LIKE. */
#include "engine.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

value v_int(int64_t i)
{
    value v = {.k = V_INT};
    v.u.i = i;
    return v;
}

value v_real(double r)
{
    value v = {.k = V_REAL};
    v.u.r = r;
    return v;
}

value v_text(const char *s, size_t n)
{
    value v = {.k = s ? V_TEXT : V_NULL};
    v.u.s.p = s;
    v.u.s.n = n;
    return v;
}

value v_cstr(const char *s)
{
    return v_text(s, s ? strlen(s) : 0);
}

value v_stored(store_text t)
{
    return v_text(t.ptr, t.len);
}

value v_term(term_id t)
{
    value v = {.k = t ? V_TERM : V_NULL};
    v.u.t = t;
    return v;
}

value v_list(const char *s, size_t n)
{
    value v = {.k = V_LIST};
    v.u.s.p = s;
    v.u.s.n = n;
    return v;
}

value v_null(void)
{
    value v = {.k = V_NULL};
    return v;
}

int value_text(store_txn *txn, const value *v, const char **s, size_t *n, char *buf, size_t bufsz)
{
    switch (v->k) {
    case V_INT:
        *n = (size_t)snprintf(buf, bufsz, "%" PRId64, v->u.i);
        *s = buf;
        return CLAIMDB_OK;
    case V_REAL:
        *n = real_text(v->u.r, buf, bufsz);
        *s = buf;
        return CLAIMDB_OK;
    case V_TEXT:
    case V_LIST:
        *s = v->u.s.p;
        *n = v->u.s.n;
        return CLAIMDB_OK;
    case V_TERM: {
        store_text t;
        int rc = store_term_text(txn, v->u.t, &t);
        if (rc != CLAIMDB_OK) return rc;
        *s = t.ptr;
        *n = t.len;
        return CLAIMDB_OK;
    }
    default:
        *s = "";
        *n = 0;
        return CLAIMDB_OK;
    }
}

static bool is_number(const value *v)
{
    return v->k == V_INT || v->k == V_REAL;
}

static double num(const value *v)
{
    return v->k == V_INT ? (double)v->u.i : v->u.r;
}

/* A text that reads as a whole number or a real (a term "2018" compared with 2018). */
static bool text_number(const char *s, size_t n, double *out)
{
    if (n == 0 || n > 40) return false;
    char buf[48];
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    *out = strtod(buf, &end);
    return end == buf + n;
}

/* A value's text with room for a formatted number. */
typedef struct vtext {
    const char *s;
    size_t n;
    char buf[64];
} vtext;

static int texts(store_txn *txn, const value *a, const value *b, vtext *ta, vtext *tb)
{
    int rc = value_text(txn, a, &ta->s, &ta->n, ta->buf, sizeof ta->buf);
    return rc == CLAIMDB_OK ? value_text(txn, b, &tb->s, &tb->n, tb->buf, sizeof tb->buf) : rc;
}

/* When exactly one of a and b is a number: both as numbers, if the other's text reads as one
 * (a term "2018" against 2018). *ok false otherwise. */
static int as_numbers(store_txn *txn, const value *a, const value *b, double *x, double *y,
                      bool *ok)
{
    *ok = false;
    if (is_number(a) == is_number(b)) return CLAIMDB_OK;
    const value *t = is_number(a) ? b : a;
    vtext tt;
    int rc = value_text(txn, t, &tt.s, &tt.n, tt.buf, sizeof tt.buf);
    if (rc != CLAIMDB_OK) return rc;
    double d;
    if (!text_number(tt.s, tt.n, &d)) return CLAIMDB_OK;
    *x = is_number(a) ? num(a) : d;
    *y = is_number(b) ? num(b) : d;
    *ok = true;
    return CLAIMDB_OK;
}

int value_equal(store_txn *txn, const value *a, const value *b, bool *eq)
{
    *eq = false;
    if (a->k == V_NULL || b->k == V_NULL) return CLAIMDB_OK;
    if (a->k == V_TERM && b->k == V_TERM) {
        *eq = a->u.t == b->u.t;
        return CLAIMDB_OK;
    }
    if (is_number(a) && is_number(b)) {
        *eq = num(a) == num(b);
        return CLAIMDB_OK;
    }
    if (is_number(a) || is_number(b)) {
        double x, y;
        bool ok;
        int rc = as_numbers(txn, a, b, &x, &y, &ok);
        *eq = ok && x == y;
        return rc;
    }
    vtext ta, tb;
    int rc = texts(txn, a, b, &ta, &tb);
    if (rc != CLAIMDB_OK) return rc;
    char *ka = NULL, *kb = NULL;
    size_t kna, knb;
    /* Texts that have no key (empty, or not valid UTF-8) compare by their bytes. */
    if (store_term_key(ta.s, ta.n, &ka, &kna) == CLAIMDB_OK &&
        store_term_key(tb.s, tb.n, &kb, &knb) == CLAIMDB_OK)
        *eq = kna == knb && memcmp(ka, kb, kna) == 0;
    else
        *eq = ta.n == tb.n && memcmp(ta.s, tb.s, ta.n) == 0;
    free(ka);
    free(kb);
    return CLAIMDB_OK;
}

int value_order(store_txn *txn, const value *a, const value *b, int *cmp)
{
    int ra = a->k == V_NULL ? 0 : is_number(a) ? 1 : 2;
    int rb = b->k == V_NULL ? 0 : is_number(b) ? 1 : 2;
    double x = 0, y = 0;
    bool numeric = ra == 1 && rb == 1;
    if (numeric) {
        x = num(a);
        y = num(b);
    } else if (ra + rb == 3) {
        /* A number against a text that reads as a number compares as numbers, as = does. */
        int rc = as_numbers(txn, a, b, &x, &y, &numeric);
        if (rc != CLAIMDB_OK) return rc;
    }
    if (numeric) {
        *cmp = x < y ? -1 : x > y ? 1 : 0;
        return CLAIMDB_OK;
    }
    if (ra != rb || ra == 0) {
        *cmp = ra < rb ? -1 : ra > rb ? 1 : 0;
        return CLAIMDB_OK;
    }
    if (a->k == V_TERM && b->k == V_TERM && a->u.t == b->u.t) {
        *cmp = 0;
        return CLAIMDB_OK;
    }
    vtext ta, tb;
    int rc = texts(txn, a, b, &ta, &tb);
    if (rc != CLAIMDB_OK) return rc;
    int c = memcmp(ta.s, tb.s, ta.n < tb.n ? ta.n : tb.n);
    *cmp = c != 0 ? c : ta.n < tb.n ? -1 : ta.n > tb.n ? 1 : 0;
    return CLAIMDB_OK;
}

/* Match code points of s against the LIKE pattern p; both already case-folded. */
static bool like_cp(const uint8_t *p, size_t pn, const uint8_t *s, size_t sn)
{
    /* Iterative matching with one backtrack point for the last '%', as in glob matchers. */
    size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;
    while (si < sn) {
        utf8proc_int32_t pc = -1, sc;
        utf8proc_ssize_t pl = 0, sl = utf8proc_iterate(s + si, (utf8proc_ssize_t)(sn - si), &sc);
        if (sl <= 0) sl = 1;
        if (pi < pn) pl = utf8proc_iterate(p + pi, (utf8proc_ssize_t)(pn - pi), &pc);
        if (pl <= 0 && pi < pn) pl = 1;
        if (pi < pn && pc == '%') {
            star_p = pi++;
            star_s = si;
            continue;
        }
        if (pi < pn && (pc == '_' || pc == sc)) {
            pi += (size_t)pl;
            si += (size_t)sl;
            continue;
        }
        if (star_p == SIZE_MAX) return false;
        pi = star_p + 1;
        utf8proc_int32_t c;
        utf8proc_ssize_t l = utf8proc_iterate(s + star_s, (utf8proc_ssize_t)(sn - star_s), &c);
        star_s += l > 0 ? (size_t)l : 1;
        si = star_s;
    }
    while (pi < pn && p[pi] == '%')
        pi++;
    return pi == pn;
}

int like_match(const char *pattern, size_t plen, const char *s, size_t n, bool *match)
{
    char *kp = NULL, *ks = NULL;
    size_t kpn = 0, ksn = 0;
    *match = false;
    if (plen == 0) {
        *match = n == 0;
        return CLAIMDB_OK;
    }
    if (store_term_key(pattern, plen, &kp, &kpn) != CLAIMDB_OK) return CLAIMDB_OK;
    if (n == 0 || store_term_key(s, n, &ks, &ksn) != CLAIMDB_OK) {
        ks = NULL;
        ksn = 0;
    }
    *match = like_cp((const uint8_t *)kp, kpn, (const uint8_t *)(ks ? ks : ""), ksn);
    free(kp);
    free(ks);
    return CLAIMDB_OK;
}

size_t like_prefix(const char *pattern, size_t plen)
{
    size_t i = 0;
    while (i < plen && pattern[i] != '%' && pattern[i] != '_')
        i++;
    return i;
}
