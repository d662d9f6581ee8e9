/* render.c — the differential test's renderer: queries and data operations written as ClaimQL
 * (random case, spellings and $parameters), and result tables of rendered cells with their
 * orders. */
#define _GNU_SOURCE /* qsort_r */
#include "diff.h"

static void sb_put(sbuf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->n + k + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + k + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) abort();
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, k + 1);
    b->n += k;
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_put(b, tmp);
}

static void sb_clear(sbuf *b)
{
    b->n = 0;
    if (b->p) b->p[0] = '\0';
}

static void claimql_string(sbuf *b, const char *s)
{
    sb_put(b, "\"");
    for (; *s; s++) {
        char c[8] = {*s, 0};
        if (*s == '"' || *s == '\\')
            c[0] = '\\', c[1] = *s;
        else if (*s == '\t')
            c[0] = '\\', c[1] = 't';
        else if (*s == '\n')
            c[0] = '\\', c[1] = 'n';
        else if (*s == '\r' || *s == '\f' || *s == '\v')
            snprintf(c, sizeof c, "\\u%04X", (unsigned)*s);
        sb_put(b, c);
    }
    sb_put(b, "\"");
}

static void retract_statement(diff_state *d, sbuf *b, const op *o)
{
    sb_put(b, o->neg ? "RETRACT NOT " : "RETRACT ");
    claimql_string(b, o->s);
    sb_put(b, " ");
    claimql_string(b, o->p);
    sb_put(b, " ");
    claimql_string(b, o->o);
    for (int k = 0; k < o->nretract; k++)
        sb_printf(b, "%s%" PRId64, k ? ", " : " FROM ", d->ART_ID[o->retract[k]]);
    if (o->nretract && o->rquote != -2) {
        sb_put(b, " QUOTE ");
        claimql_string(b, o->rquote >= 0 ? o->q : "");
    }
    sb_put(b, ";");
}

static void alias_statement(sbuf *b, const op *o)
{
    sb_put(b, "ALIAS ");
    claimql_string(b, o->s);
    sb_put(b, " FOR ");
    claimql_string(b, o->o);
    sb_put(b, ";");
}

static void meta_statement(diff_state *d, sbuf *b, const op *o)
{
    sb_printf(b, "ARTICLE %" PRId64, d->ART_ID[o->art]);
    if (o->title >= 0) {
        sb_put(b, " TITLE ");
        claimql_string(b, TITLES[o->title]);
    }
    if (o->outlet >= 0) {
        sb_put(b, " OUTLET ");
        claimql_string(b, OUTLETS[o->outlet]);
    }
    if (o->date >= 0) sb_printf(b, " DATE %s", DATES[o->date]);
    if (o->text >= 0) {
        sb_put(b, " TEXT ");
        claimql_string(b, o->text ? o->tx : "");
    }
    sb_put(b, ";");
}

/* A citation as ASSERT (claimdb_assert's method has no ClaimQL form: the script leaves it). */
void cite_statement(diff_state *d, sbuf *b, const op *o)
{
    sb_put(b, o->neg ? "ASSERT NOT " : "ASSERT ");
    claimql_string(b, o->s);
    sb_put(b, " ");
    claimql_string(b, o->p);
    sb_put(b, " ");
    claimql_string(b, o->o);
    sb_printf(b, " FROM %" PRId64, d->ART_ID[o->article]);
    if (o->quote >= 0 || o->qempty) {
        sb_put(b, " QUOTE ");
        claimql_string(b, o->quote >= 0 ? o->q : "");
    }
    if (o->wb >= 0) {
        sb_put(b, " BY ");
        claimql_string(b, o->w);
    }
    if (o->has_conf) sb_printf(b, " CONFIDENCE %g", o->conf);
    if (o->said >= 0) sb_printf(b, " ON %s", SAID[o->said]);
    sb_put(b, ";");
}

/* The enabled statements as a ClaimQL script (for --dump and reproductions). */
/* The ClaimQL statement of an operation that is not a DUPLICATE OF. */
void op_statement(diff_state *d, sbuf *b, const op *o)
{
    switch (o->kind) {
    case OP_RETRACT:
        retract_statement(d, b, o);
        break;
    case OP_META:
        meta_statement(d, b, o);
        break;
    case OP_ALIAS:
        alias_statement(b, o);
        break;
    default:
        cite_statement(d, b, o);
        break;
    }
}

void data_script(diff_state *d, sbuf *b)
{
    for (int i = 0; i < d->nops; i++) {
        if (!d->op_on[i]) continue;
        const op *o = &d->OPS[i];
        if (o->kind == OP_DUP) {
            sb_printf(b, "ARTICLE %" PRId64 " DUPLICATE OF %" PRId64 ";\n", d->ART_ID[o->art],
                      d->ART_ID[o->dup_of]);
            continue;
        }
        op_statement(d, b, o);
        if (o->kind == OP_CITE && o->method != CLAIMDB_METHOD_CURATED)
            sb_printf(b, "   -- method %d", o->method);
        sb_put(b, "\n");
    }
}

/* ---- rendering a query as ClaimQL --------------------------------------------------------- */

static void kw(diff_state *d, sbuf *b, const char *k)
{
    char out[32];
    int m = rnd(d, 10);
    size_t i = 0;
    for (; k[i] && i + 1 < sizeof out; i++) {
        char c = k[i];
        if (m >= 7) c = (char)((m == 9 && i == 0) ? c : tolower((unsigned char)c));
        out[i] = c;
    }
    out[i] = '\0';
    sb_put(b, out);
}

static bool is_reserved(const char *s)
{
    static const char *const R[] = {
        "AND",    "AS",   "BY",    "CITED",       "CONFIDENCE", "DISTINCT", "FILTER",
        "FOR",    "FROM", "GROUP", "INDEPENDENT", "LIKE",       "LIMIT",    "NOT",
        "OFFSET", "OR",   "ORDER", "QUOTE",       "SOURCES",    "WHERE",    "WITHOUT"};
    for (int i = 0; i < NELEM(R); i++) {
        size_t k = 0;
        while (R[i][k] && s[k] && toupper((unsigned char)s[k]) == R[i][k])
            k++;
        if (!R[i][k] && !s[k]) return true;
    }
    return false;
}

static bool is_bare(const char *s)
{
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_') || (s[0] == '_' && !s[1])) return false;
    for (const char *p = s + 1; *p; p++) {
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.' || *p == '\''))
            return false;
        if (p[0] == '-' && p[1] == '-') return false;
    }
    return !is_reserved(s);
}

static void put_string(diff_state *d, sbuf *b, const char *s)
{
    char q = chance(d, 50) ? '"' : '\'';
    char qs[2] = {q, 0};
    sb_put(b, qs);
    for (; *s; s++) {
        char c[3] = {*s, 0, 0};
        if (*s == q || *s == '\\')
            c[0] = '\\', c[1] = *s;
        else if (*s == '\t')
            c[0] = '\\', c[1] = 't';
        else if (*s == '\n')
            c[0] = '\\', c[1] = 'n';
        sb_put(b, c);
    }
    sb_put(b, qs);
}

/* Write $name for a value and record the binding; a value bound before may reuse its name. */
static bool put_param(diff_state *d, sbuf *b, int kind, const char *text, int64_t i, double r)
{
    query *q = d->render_q;
    if (!q || q->nparams >= NELEM(q->params)) return false;
    for (int k = 0; k < q->nparams; k++) {
        const struct qparam *pp = &q->params[k];
        if (pp->kind == kind &&
            (kind == 0   ? !strcmp(pp->text, text)
             : kind == 1 ? pp->i == i
                         : pp->r == r) &&
            chance(d, 50)) {
            sb_put(b, pp->name);
            return true;
        }
    }
    struct qparam *pp = &q->params[q->nparams];
    snprintf(pp->name, sizeof pp->name, "$p%d", q->nparams);
    pp->kind = kind;
    snprintf(pp->text, sizeof pp->text, "%s", text ? text : "");
    pp->i = i;
    pp->r = r;
    q->nparams++;
    sb_put(b, pp->name);
    return true;
}

static void put_const(diff_state *d, sbuf *b, const char *s)
{
    if (chance(d, 10) && put_param(d, b, 0, s, 0, 0)) return;
    if (is_bare(s) && chance(d, 65))
        sb_put(b, s);
    else
        put_string(d, b, s);
}

/* An article id, count, LIMIT or OFFSET: a number, sometimes a parameter. */
static void put_uint(diff_state *d, sbuf *b, int64_t v)
{
    if (!d->no_param && chance(d, 8) && put_param(d, b, 1, NULL, v, 0)) return;
    sb_printf(b, "%" PRId64, v);
}

static void put_qterm(diff_state *d, sbuf *b, const query *q, const qterm *t)
{
    if (t->kind == Q_ANON)
        sb_put(b, "_");
    else if (t->kind == Q_VAR)
        sb_printf(b, "?%s", q->vars[t->var].name);
    else
        put_const(d, b, t->text);
}

static void put_pattern(diff_state *d, sbuf *b, const query *q, const qpat *p)
{
    if (p->neg) {
        kw(d, b, "NOT");
        sb_put(b, " ");
    }
    for (int k = 0; k < 3; k++) {
        if (k) sb_put(b, " ");
        put_qterm(d, b, q, &p->spo[k]);
    }
    for (int c_ = 0; c_ < p->nclauses; c_++) {
        sb_put(b, " ");
        switch (p->corder[c_]) {
        case CL_FROM:
            kw(d, b, "FROM");
            sb_printf(b, " ?%s", q->vars[p->src].name);
            break;
        case CL_QUOTE:
            kw(d, b, "QUOTE");
            sb_printf(b, " ?%s", q->vars[p->quote].name);
            break;
        case CL_BY:
            kw(d, b, "BY");
            sb_put(b, " ");
            if (p->who >= 0)
                sb_printf(b, "?%s", q->vars[p->who].name);
            else
                put_const(d, b, p->by.text);
            break;
        case CL_CONF:
            kw(d, b, "CONFIDENCE");
            sb_printf(b, " ?%s", q->vars[p->conf].name);
            break;
        case CL_AT:
        case CL_TO:
        case CL_ON:
        case CL_STORED: {
            int c = p->corder[c_];
            kw(d, b, c == CL_AT ? "AT" : c == CL_TO ? "TO" : c == CL_ON ? "ON" : "STORED");
            sb_printf(b, " ?%s",
                      q->vars[c == CL_AT   ? p->at
                              : c == CL_TO ? p->to
                              : c == CL_ON ? p->on
                                           : p->stored]
                          .name);
            break;
        }
        case CL_CITED:
            kw(d, b, "CITED");
            sb_put(b, " ");
            kw(d, b, "BY");
            for (int i = 0; i < p->ncited; i++) {
                if (i) {
                    sb_put(b, " ");
                    kw(d, b, p->cited_mode == 1 ? "AND" : "OR");
                }
                sb_put(b, " ");
                /* CITED BY 1 AND $p AT ?st: "$p AT ?st" starts a pattern (AT, TO, ON and
                 * STORED are contextual keywords, so terms there; language.md 4.4). */
                d->no_param = i > 0 && c_ + 1 < p->nclauses && p->corder[c_ + 1] >= CL_AT;
                put_uint(d, b, d->ART_ID[p->cited[i]]);
                d->no_param = false;
            }
            break;
        case CL_POL:
            kw(d, b, "POLARITY");
            sb_printf(b, " ?%s", q->vars[p->pol].name);
            break;
        case CL_SOURCES:
            if (p->indep) {
                kw(d, b, "INDEPENDENT");
                sb_put(b, " ");
            }
            kw(d, b, "SOURCES");
            sb_printf(b, " %s ", CMP_TEXT[p->src_op]);
            put_uint(d, b, p->src_n);
            break;
        }
    }
}

static void put_operand(diff_state *d, sbuf *b, const query *q, const operand *o)
{
    switch (o->kind) {
    case O_VAR:
        sb_printf(b, "?%s", q->vars[o->var].name);
        break;
    case O_TERM:
        put_const(d, b, o->text);
        break;
    case O_INT:
        put_uint(d, b, o->i);
        break;
    case O_FUNC:
        kw(d, b, FUNC_NAME[o->fn]);
        sb_printf(b, "(?%s)", q->vars[o->var].name);
        break;
    case O_DATE:
        sb_put(b, o->text);
        break;
    case O_AGG:
        if (o->text[0]) {
            sb_put(b, o->text);
        } else if (o->fn == I_COUNT) {
            kw(d, b, "COUNT");
            sb_put(b, "(*)");
        } else {
            kw(d, b, "COUNT");
            sb_put(b, "(");
            kw(d, b, "DISTINCT");
            sb_printf(b, " ?%s)", q->vars[o->var].name);
        }
        break;
    default:
        if (chance(d, 8) && put_param(d, b, 2, NULL, 0, o->r)) break;
        if (o->r == (double)(int64_t)o->r)
            sb_printf(b, "%.1f", o->r); /* 1.0: a real, not an id */
        else
            sb_printf(b, "%g", o->r);
        break;
    }
}

static void put_expr(diff_state *d, sbuf *b, const query *q, int ei, bool top)
{
    const expr *e = &q->ex[ei];
    switch (e->kind) {
    case E_AND:
    case E_OR:
        if (!top) sb_put(b, "(");
        put_expr(d, b, q, e->l, false);
        sb_put(b, " ");
        kw(d, b, e->kind == E_AND ? "AND" : "OR");
        sb_put(b, " ");
        put_expr(d, b, q, e->r, false);
        if (!top) sb_put(b, ")");
        break;
    case E_NOT:
        kw(d, b, "NOT");
        sb_put(b, " (");
        put_expr(d, b, q, e->l, true);
        sb_put(b, ")");
        break;
    case E_CMP:
        put_operand(d, b, q, &e->a);
        sb_printf(b, " %s ", CMP_TEXT[e->cmp]);
        put_operand(d, b, q, &e->b);
        break;
    case E_REGEX:
    case E_LIKE:
        put_operand(d, b, q, &e->a);
        sb_put(b, " ");
        if (e->kind == E_LIKE)
            kw(d, b, "LIKE");
        else
            sb_put(b, "~");
        sb_put(b, " ");
        put_string(d, b, e->pat);
        break;
    case E_EMPTY:
        if (e->cmp == 2) {
            kw(d, b, "BOUND");
            sb_printf(b, "(?%s)", q->vars[e->a.var].name);
            break;
        }
        put_operand(d, b, q, &e->a);
        sb_put(b, " ");
        kw(d, b, "IS");
        sb_put(b, " ");
        if (e->cmp == 1) {
            kw(d, b, "NOT");
            sb_put(b, " ");
        }
        kw(d, b, "EMPTY");
        break;
    }
}

const char *col_name(const query *q, int i)
{
    const qitem *it = &q->items[i];
    if (it->alias[0]) return it->alias;
    if (it->kind == I_VAR) return q->vars[it->var].name;
    return NULL;
}

void render_query(diff_state *d, query *q)
{
    sbuf *b = &q->text;
    sb_clear(b);
    d->render_q = q;
    q->nparams = 0;
    q->reset_after = chance(d, 10) ? 1 + rnd(d, 3) : 0;
    if (q->check) {
        kw(d, b, "CHECK");
        if (q->check == 2) {
            sb_put(b, " ");
            kw(d, b, "NOT");
        }
        for (int k = 0; k < 3; k++) {
            sb_put(b, " ");
            put_qterm(d, b, q, &q->pats[0].spo[k]);
        }
        sb_put(b, ";");
        d->render_q = NULL;
        return;
    }
    kw(d, b, "FIND");
    sb_put(b, " ");
    if (q->distinct) {
        kw(d, b, "DISTINCT");
        sb_put(b, " ");
    }
    if (q->star) sb_put(b, "*");
    for (int i = 0; !q->star && i < q->nitems; i++) {
        const qitem *it = &q->items[i];
        if (i) sb_put(b, ", ");
        switch (it->kind) {
        case I_VAR:
            sb_printf(b, "?%s", q->vars[it->var].name);
            break;
        case I_FUNC:
            kw(d, b, FUNC_NAME[it->fn]);
            sb_printf(b, "(?%s)", q->vars[it->var].name);
            break;
        case I_COUNT:
            kw(d, b, "COUNT");
            sb_put(b, "(*)");
            break;
        case I_COUNTD:
            kw(d, b, "COUNT");
            sb_put(b, "(");
            kw(d, b, "DISTINCT");
            sb_printf(b, " ?%s)", q->vars[it->var].name);
            break;
        default:
            kw(d, b, it->kind == I_MIN ? "MIN" : "MAX");
            sb_printf(b, "(?%s)", q->vars[it->var].name);
            break;
        }
        if (it->alias[0]) {
            sb_put(b, " ");
            kw(d, b, "AS");
            sb_printf(b, " %s", it->alias);
        }
    }
    sb_put(b, " ");
    kw(d, b, "WHERE");
    sb_put(b, " ");
    for (int i = 0; i < q->npats; i++) {
        const qpat *p = &q->pats[i];
        if (i) {
            sb_put(b, " ");
            if (!(p->without && p->omit_and)) {
                kw(d, b, "AND");
                sb_put(b, " ");
            }
        }
        if (p->without) {
            kw(d, b, "WITHOUT");
            sb_put(b, " ");
        }
        put_pattern(d, b, q, p);
    }
    if (q->filter >= 0) {
        sb_put(b, " ");
        kw(d, b, "FILTER");
        sb_put(b, " ");
        put_expr(d, b, q, q->filter, chance(d, 70));
    }
    if (q->ngroup) {
        sb_put(b, " ");
        kw(d, b, "GROUP");
        sb_put(b, " ");
        kw(d, b, "BY");
        for (int i = 0; i < q->ngroup; i++) {
            sb_put(b, i ? ", " : " ");
            const char *name = NULL;
            for (int k = 0; q->group_by_name[i] && k < q->nitems && !name; k++)
                if (q->items[k].var == q->group[i] &&
                    q->items[k].kind == (q->group_fn[i] < 0 ? I_VAR : I_FUNC) &&
                    (q->group_fn[i] < 0 || q->items[k].fn == q->group_fn[i]) &&
                    q->items[k].alias[0])
                    name = q->items[k].alias;
            if (name) {
                sb_put(b, name);
            } else if (q->group_fn[i] >= 0) {
                kw(d, b, FUNC_NAME[q->group_fn[i]]);
                sb_printf(b, "(?%s)", q->vars[q->group[i]].name);
            } else {
                sb_printf(b, "?%s", q->vars[q->group[i]].name);
            }
        }
    }
    if (q->having >= 0) {
        sb_put(b, " ");
        kw(d, b, "HAVING");
        sb_put(b, " ");
        put_expr(d, b, q, q->having, chance(d, 70));
    }
    if (q->norder) {
        sb_put(b, " ");
        kw(d, b, "ORDER");
        sb_put(b, " ");
        kw(d, b, "BY");
        for (int i = 0; i < q->norder; i++) {
            const qorder *o = &q->order[i];
            const qitem *it = &q->items[o->col < 0 ? 0 : o->col];
            sb_put(b, i ? ", " : " ");
            if (o->col < 0) {
                sb_printf(b, "?%s", q->vars[o->var].name);
            } else if (o->by_name) {
                sb_put(b, col_name(q, o->col));
            } else if (it->kind == I_FUNC) {
                kw(d, b, FUNC_NAME[it->fn]);
                sb_printf(b, "(?%s)", q->vars[it->var].name);
            } else {
                sb_printf(b, "?%s", q->vars[it->var].name);
            }
            if (o->dir) {
                sb_put(b, " ");
                kw(d, b, o->dir == 1 ? "ASC" : "DESC");
            }
        }
    }
    if (q->limit >= 0) {
        sb_put(b, " ");
        kw(d, b, "LIMIT");
        sb_put(b, " ");
        put_uint(d, b, q->limit);
    }
    if (q->offset >= 0) {
        sb_put(b, " ");
        kw(d, b, "OFFSET");
        sb_put(b, " ");
        put_uint(d, b, q->offset);
    }
    sb_put(b, ";");
    d->render_q = NULL;
}

/* Resolve the query's constants against the reference's dictionary. */
void resolve_query(diff_state *d, query *q)
{
    for (int i = 0; i < q->npats; i++) {
        qpat *p = &q->pats[i];
        for (int k = 0; k < 3; k++)
            if (p->spo[k].kind == Q_CONST) p->spo[k].term = term_lookup(d, p->spo[k].text);
        if (p->has_by_const) p->by.term = term_lookup(d, p->by.text);
    }
    for (int i = 0; i < q->nex; i++) {
        if (q->ex[i].a.kind == O_TERM) q->ex[i].a.term = term_lookup(d, q->ex[i].a.text);
        if (q->ex[i].b.kind == O_TERM) q->ex[i].b.term = term_lookup(d, q->ex[i].b.text);
    }
}

char *cellp(const table *t, int r, int c)
{
    return t->cells + ((size_t)r * (size_t)t->ncols + (size_t)c) * CELL;
}

void table_reset(table *t, int ncols)
{
    t->ncols = ncols > 0 ? ncols : 1;
    t->n = 0;
}

int table_add(table *t)
{
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 256;
        char *c = realloc(t->cells, (size_t)cap * MAXCOLS * CELL);
        if (!c) abort();
        t->cells = c;
        t->cap = cap;
    }
    memset(cellp(t, t->n, 0), 0, (size_t)t->ncols * CELL);
    return t->n++;
}

static int cell_rank(const char *c)
{
    return c[0] == 'N' ? 0 : (c[0] == 'I' || c[0] == 'R') ? 1 : 2;
}

/* The order of ORDER BY, MIN and MAX: NULL first, numbers by value, texts by bytes. */
int cmp_cell(const char *a, const char *b)
{
    int ra = cell_rank(a), rb = cell_rank(b);
    if (ra != rb) return ra < rb ? -1 : 1;
    if (ra == 0) return 0;
    if (ra == 1) {
        double x = strtod(a + 2, NULL), y = strtod(b + 2, NULL);
        return x < y ? -1 : x > y;
    }
    return strcmp(a + 2, b + 2);
}

/* Rows compared cell by cell, over *(const int *)ncols cells (qsort_r's argument). */
int cmp_row_full(const void *pa, const void *pb, void *ncols)
{
    const char *a = pa, *b = pb;
    for (int c = 0; c < *(const int *)ncols; c++) {
        int k = strcmp(a + (size_t)c * CELL, b + (size_t)c * CELL);
        if (k) return k;
    }
    return 0;
}

/* Rows compared by the ORDER BY keys of query *sq that are output columns. */
int cmp_row_keys(const void *pa, const void *pb, void *sq)
{
    const query *sort_q = sq;
    const char *a = pa, *b = pb;
    for (int i = 0; i < sort_q->norder; i++) {
        int c = sort_q->order[i].col;
        if (c < 0) break; /* not an output column: its order cannot be seen */
        int k = cmp_cell(a + (size_t)c * CELL, b + (size_t)c * CELL);
        if (k) return sort_q->order[i].dir == 2 ? -k : k;
    }
    return 0;
}

/* Two rows of t, cell by cell. */
int row_cmp(const table *t, int ra, const table *u, int rb)
{
    return cmp_row_full(cellp(t, ra, 0), cellp(u, rb, 0), (void *)&t->ncols);
}

/* Sort t's rows cell by cell. */
void table_sort(table *t)
{
    if (t->n < 2) return;
    qsort_r(t->cells, (size_t)t->n, (size_t)t->ncols * CELL, cmp_row_full, &t->ncols);
}

/* Sort t's rows by the ORDER BY keys of q that are output columns. */
void table_sort_keys(table *t, const query *q)
{
    if (t->n < 2) return;
    qsort_r(t->cells, (size_t)t->n, (size_t)t->ncols * CELL, cmp_row_keys, (void *)q);
}