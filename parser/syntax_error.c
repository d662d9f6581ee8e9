/* syntax_error.c — the message of a syntax error: what was expected after which token, and
 * what was found; for a mistyped keyword, the keyword it is closest to (see syntax_error.h). */
#include "syntax_error.h"

#include "claimdb.h"
#include "keywords.h"
#include "parser.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A contextual keyword: where a word may come, it needs no naming of its own. */
static bool soft_keyword(const char *name)
{
    const parse_keyword *k = parse_keyword_find(name, strlen(name));
    return k && (k->flags & KW_CONTEXTUAL);
}

/* How an expected token reads in a message, or NULL to leave it out. */
static const char *expected_name(const cq_expected *e, bool word_expected, bool others,
                                 bool real_expected)
{
    switch (e->kind) {
    case EXP_EOF:
        return "end of input";
    case EXP_WORD:
        return "a term";
    case EXP_STRING:
        return word_expected ? NULL : "a string";
    case EXP_VAR:
        return "a variable";
    case EXP_PARAM:
        return others ? NULL : "a parameter"; /* allowed nearly everywhere */
    case EXP_FUNC:
        return "a function call";
    case EXP_DATE:
        return "a date";
    case EXP_INT:
        return real_expected ? "a number" : "a whole number";
    case EXP_REAL:
        return "a number";
    case EXP_ANON:
        return "'_'";
    case EXP_AND_NUM:
        return "'AND'";
    case EXP_SKIP:
        return NULL;
    case EXP_TOKEN:
        if (word_expected && soft_keyword(e->name)) return NULL;
        return e->name;
    }
    return NULL;
}

/* Append to buf the token at loc as the user wrote it: 'text', or "a string", "end of input". */
static void describe_token(struct cq_ctx *ctx, int kind, ast_loc loc, char *buf, size_t size)
{
    if (kind == TOK_END) {
        snprintf(buf, size, "end of input");
        return;
    }
    if (kind == TOK_STRING && loc.len > 40) {
        snprintf(buf, size, "a string");
        return;
    }
    size_t n = loc.len;
    const char *s = ctx->text + loc.off;
    bool cut = false;
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        cut = true;
    }
    if (kind == TOK_STRING)
        snprintf(buf, size, "%.*s", (int)n, s);
    else
        snprintf(buf, size, "'%.*s%s'", (int)n, s, cut ? "..." : "");
}

/* Order of the names in "expected ...": descriptions, then keywords, then punctuation. */
static int name_rank(const char *nm)
{
    static const char *punct[] = {"'_'",  "','", "'='", "'!='", "'<'", "'<='", "'>'",
                                  "'>='", "'~'", "'('", "')'",  "'*'", "';'"};
    if (nm[0] >= 'a' && nm[0] <= 'z') return 0;
    for (int i = 0; i < (int)(sizeof punct / sizeof punct[0]); i++)
        if (!strcmp(nm, punct[i])) return i == 0 ? 1 : 100 + i;
    return 50;
}

/* Edit distance between a word and a keyword, ignoring case (transpositions count one). */
static int keyword_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 20 || lb > 20) return 99;
    int d[21][21];
    for (int i = 0; i <= la; i++)
        d[i][0] = i;
    for (int j = 0; j <= lb; j++)
        d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int ca = a[i - 1] >= 'a' && a[i - 1] <= 'z' ? a[i - 1] - 32 : a[i - 1];
            int cb = b[j - 1];
            int v = d[i - 1][j - 1] + (ca != cb);
            if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (i > 1 && j > 1) {
                int pa = a[i - 2] >= 'a' && a[i - 2] <= 'z' ? a[i - 2] - 32 : a[i - 2];
                if (ca == b[j - 2] && pa == cb && d[i - 2][j - 2] + 1 < v) v = d[i - 2][j - 2] + 1;
            }
            d[i][j] = v;
        }
    return d[la][lb];
}

void cq_syntax_error(struct cq_ctx *ctx, const cq_expected *exp, int n, size_t off)
{
    if (ctx->err->code) return;
    bool word = false, and = false, real = false, var = false, like = false;
    for (int i = 0; i < n; i++) {
        /* after a FILTER operand, where the word that may come is MATCH */
        like |= exp[i].kind == EXP_TOKEN && !strcmp(exp[i].name, "LIKE");
        var |= exp[i].kind == EXP_VAR;
        word |= exp[i].kind == EXP_WORD;
        and |= exp[i].kind == EXP_TOKEN && !strcmp(exp[i].name, "AND");
        real |= exp[i].kind == EXP_REAL;
    }
    if (like) word = false; /* the word that may come is MATCH, not a term */
    /* "p o AND 4 ...": the AND was read as part of a CITED BY list; say what is wrong */
    if (ctx->cur_kind == TOK_AND_NUM && and&&ctx->nqueue > 0) {
        char num[64];
        describe_token(ctx, ctx->queue[0].kind, ctx->queue[0].loc, num, sizeof num);
        cq_error(ctx, CLAIMDB_SYNTAX, ctx->queue[0].loc.off,
                 "syntax error: expected a term, a variable or '_' after 'AND', found %s", num);
        return;
    }
    /* "FIND … FROM 3": in FIND, FROM binds a variable; CITED BY takes article ids */
    if (ctx->prev_kind == TOK_FROM && ctx->cur_kind == TOK_INT && var) {
        char num[64];
        describe_token(ctx, ctx->cur_kind, ctx->cur_loc, num, sizeof num);
        cq_error(
            ctx, CLAIMDB_SYNTAX, ctx->cur_loc.off,
            "syntax error: expected a variable after 'FROM', found %s (in FIND, FROM ?src "
            "binds the citing article; for claims that given articles cite, write CITED BY %.*s)",
            num, (int)ctx->cur_loc.len, ctx->text + ctx->cur_loc.off);
        return;
    }
    char(*names)[24] = malloc((size_t)(n > 0 ? n : 1) * sizeof *names);
    if (!names) {
        cq_error(ctx, CLAIMDB_NOMEM, off, "out of memory");
        return;
    }
    int nn = 0;
    for (int pass = 0; pass < 2; pass++) {
        nn = 0;
        for (int i = 0; i < n; i++) {
            const char *nm = exp[i].kind == EXP_WORD && like
                                 ? "MATCH"
                                 : expected_name(&exp[i], word, pass == 0 ? n > 1 : false, real);
            if (!nm) continue;
            char q[24];
            bool quote = nm[0] != '\'' && !(nm[0] >= 'a' && nm[0] <= 'z');
            snprintf(q, sizeof q, quote ? "'%s'" : "%s", nm);
            bool dup = false;
            for (int j = 0; j < nn; j++)
                dup |= !strcmp(names[j], q);
            if (dup) continue;
            int j = nn++;
            for (; j > 0 && name_rank(names[j - 1]) > name_rank(q); j--)
                memcpy(names[j], names[j - 1], sizeof names[j]);
            memcpy(names[j], q, sizeof q);
        }
        if (nn > 0) break;
    }

    char found[128], after[128], list[512];
    describe_token(ctx, ctx->cur_kind, ctx->cur_loc, found, sizeof found);
    after[0] = '\0';
    if (ctx->ntokens > 1) {
        char prev[100];
        describe_token(ctx, ctx->prev_kind, ctx->prev_loc, prev, sizeof prev);
        snprintf(after, sizeof after, " after %s", prev);
    }
    list[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < nn && used < sizeof list; i++) {
        const char *sep = i == 0 ? "" : i == nn - 1 ? " or " : ", ";
        int w = snprintf(list + used, sizeof list - used, "%s%s", sep, names[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
    if (ctx->cur_kind == TOK_END) off = ctx->cur_loc.off;
    /* A word that is a keyword mistyped (FIDN, WHER): name the keyword it is closest to, among
     * the statements' first keywords (the table's KW_STATEMENT) at the start, else among the
     * keywords expected here. */
    char hint[64] = "";
    if (ctx->cur_kind == TOK_WORD && ctx->cur_loc.len >= 3) {
        char typed[32];
        size_t wl = ctx->cur_loc.len < sizeof typed ? ctx->cur_loc.len : sizeof typed - 1;
        memcpy(typed, ctx->text + ctx->cur_loc.off, wl);
        typed[wl] = '\0';
        char best[24] = "";
        int bestd = 3;
        bool start = ctx->ntokens <= 1;
        const parse_keyword *k;
        for (int i = 0; start ? (k = parse_keyword_entry(i)) != NULL : i < nn; i++) {
            char cand[24];
            if (start && !(k->flags & KW_STATEMENT)) continue;
            if (start)
                snprintf(cand, sizeof cand, "%s", k->name);
            else if (names[i][0] == '\'' && strlen(names[i]) > 2)
                snprintf(cand, sizeof cand, "%.*s", (int)strlen(names[i]) - 2, names[i] + 1);
            else
                continue;
            int d = keyword_distance(typed, cand);
            if (d > 0 && d < bestd) {
                bestd = d;
                memcpy(best, cand, sizeof best);
            }
        }
        if (best[0]) snprintf(hint, sizeof hint, "; did you mean %s?", best);
    }
    if (ctx->ntokens <= 1)
        cq_error(ctx, CLAIMDB_SYNTAX, off, "syntax error: expected a statement, found %s%s", found,
                 hint);
    else if (nn == 0 || nn > 10)
        cq_error(ctx, CLAIMDB_SYNTAX, off, "syntax error: unexpected %s%s%s", found, after, hint);
    else
        cq_error(ctx, CLAIMDB_SYNTAX, off, "syntax error: expected %s%s, found %s%s", list, after,
                 found, hint);
    free(names);
}
