/* attribution.c — who says it. Before the claims of a sentence are found, its attribution is
 * taken off: "according to X" (its words leave the content), a trailing ", X said" or
 * ", said X", and a leading "X said (that) ..." (recursively: "X noted it believes ...").
 * What is left is the reported content, X its claimant; a negated or negating speech verb
 * ("denied") negates it, a hedging one ("suggested") lowers its confidence. */
#include "clause.h"

#include <stdlib.h>
#include <string.h>

static void set_claimant(const view *v, frame *fr, size_t a, size_t b)
{
    /* a pronoun claimant keeps the outer one */
    if (b - a == 1 && T(v, a)->tag == T_PRON && fr->claim_b > fr->claim_a) return;

    fr->claim_a = a;
    fr->claim_b = b;
    fr->claimant_text = NULL;
}

static int content(view *v, size_t a, size_t b, frame fr, int depth);

/* Leading "X said (that) ...": returns 1 and recurses when it applies. */
static int leading_attribution(view *v, size_t a, size_t b, frame fr, int depth, int *rc)
{
    vgroup g;
    if (!first_group(v, a, b, &g)) return 0;
    /* past the verbs of relative clauses: "The company, which is based in Paris, said" */
    for (int skip = 0; skip < 3; skip++) {
        size_t q = g.a;
        while (q > a && T(v, q - 1)->tag == T_ADV)
            q--;
        if (!(q > a && T(v, q - 1)->tag == T_WH)) break;
        size_t end = clause_end(v, g.b, b, 0);
        if (!first_group(v, end, b, &g)) return 0;
    }
    const char *lem = lemma_of(v, &g);
    unsigned lc = cls(v, lem);
    /* "made (it) clear that": a way of saying */
    size_t made_clear = 0;
    if (!strcmp(lem, "make") && !g.copula) {
        size_t q = g.b;
        if (q < b && is_low(T(v, q), "it")) q++;
        if (q + 1 < b && is_low(T(v, q), "clear") && is_low(T(v, q + 1), "that")) {
            made_clear = q + 1;
            lc |= CL_SPEECH;
        }
    }
    if (!(lc & CL_SPEECH) || g.copula) return 0;
    size_t sa, se;
    if (!subject_left(v, g.a, a, &sa, &se)) return 0;
    size_t c = made_clear ? made_clear : g.b;
    while (c < b && T(v, c)->tag == T_ADV)
        c++;
    /* "told reporters (that)", "warned the US that" */
    if (c < b && !(T(v, c)->tag == T_WH && is_low(T(v, c), "that"))) {
        size_t e = np_right(v, c, b, 0);
        if (e > c && e < b && (is_low(T(v, e), "that") || has_finite(v, e, b)) &&
            (!strcmp(lem, "tell") || !strcmp(lem, "warn") || !strcmp(lem, "assure") ||
             !strcmp(lem, "inform") || !strcmp(lem, "remind")))
            c = e;
    }
    if (c < b && (T(v, c)->tag == T_PREP || T(v, c)->tag == T_PROPN)) { /* "said on Tuesday that" */
        size_t q = T(v, c)->tag == T_PREP ? np_right(v, c + 1, b, 0) : np_right(v, c, b, 0);
        if (q > c + (T(v, c)->tag == T_PREP) && q < b && is_low(T(v, q), "that") && q - c <= 5)
            c = q;
    }
    int that = c < b && is_low(T(v, c), "that");
    if (that) c++;
    while (c < b && (T(v, c)->tag == T_PUNCT && is_punct(v, c, ':')))
        c++;
    if (c >= b || !has_finite(v, c, b)) return 0;
    /* the content must start like a clause: a noun phrase then its verb */
    if (!that) {
        size_t e = np_right(v, c, b, 1);
        if (e == c) return 0;
        vgroup g2;
        if (!first_group(v, e, b, &g2) || g2.a != e) {
            size_t e2 = e;
            while (e2 < b && T(v, e2)->tag == T_ADV)
                e2++;
            if (!first_group(v, e2, b, &g2) || g2.a != e2) return 0;
        }
    }
    if (v->reporting) { /* X / said (that) / the content */
        *rc = emit_claim(v, &fr, sa, se, &g, c, c, b, 1, lem, g.neg, 0.5);
        if (*rc) return 1;
    }
    if (g.neg) fr.negated = !fr.negated;
    if (lc & CL_NEGVERB) fr.negated = !fr.negated;
    if ((lc & CL_HEDGE) || g.hedge) fr.conf *= 0.8;
    set_claimant(v, &fr, sa, se);
    fr.indirect = 1;
    *rc = content(v, c, b, fr, depth + 1);
    return 1;
}

/* Trailing ", X said" / ", said X": returns 1 and recurses when it applies. */
/* Whether v[c + 1, b) after the comma at c is ", X said" or ", said X": the speech group in *g,
 * X in [*sa, *se). */
static int match_trailing(const view *v, size_t c, size_t b, vgroup *g, size_t *sa, size_t *se)
{
    size_t r = c + 1;
    while (r < b && T(v, r)->tag == T_QUOTE)
        r++;
    if (r >= b || !first_group(v, r, b, g)) return 0;
    unsigned lc = cls(v, lemma_of(v, g));
    if (!(lc & CL_SPEECH) || g->copula) return 0;
    if (g->a == r) { /* ", said X" / ", reports X" */
        *sa = g->b;
        *se = np_right(v, *sa, b, 1);
        if (*se < b && has_finite(v, *se, b)) return 0; /* ", said it would cut jobs" */
    } else {
        *sa = r;
        *se = np_right(v, r, b, 1);
        size_t gse = g->a;
        while (gse > r && T(v, gse - 1)->tag == T_ADV)
            gse--;
        if (*se != gse) return 0;
    }
    return *se > *sa;
}

int quote_speaker(const claimdb_lexicon *lex, const char *text, token_buf *tb, size_t *ca,
                  size_t *cb)
{
    size_t small[256];
    size_t *ix = tb->n <= 256 ? small : malloc(tb->n * sizeof *ix);
    if (!ix) return 0;
    for (size_t i = 0; i < tb->n; i++)
        ix[i] = i;
    view v = {text, lex, tb->t, ix, tb->n, NULL, 0, NULL, NULL};
    int found = 0;
    for (size_t c = tb->n; c-- > 1 && !found;) {
        vgroup g;
        size_t sa, se;
        if (!is_punct(&v, c, ',') || c + 1 >= tb->n || T(&v, c + 1)->tag != T_QUOTE) continue;
        if (match_trailing(&v, c, tb->n, &g, &sa, &se)) {
            *ca = sa;
            *cb = se;
            found = 1;
        }
    }
    if (ix != small) free(ix);
    return found;
}

static int trailing_attribution(view *v, size_t a, size_t b, frame fr, int depth, int *rc)
{
    for (size_t c = b; c-- > a + 1;) {
        if (!is_punct(v, c, ',')) continue;
        vgroup g;
        size_t sa, se;
        if (!match_trailing(v, c, b, &g, &sa, &se)) continue;
        unsigned lc = cls(v, lemma_of(v, &g));
        size_t ce = c;
        while (ce > a && (T(v, ce - 1)->tag == T_QUOTE))
            ce--;
        if (!has_finite(v, a, ce)) continue;
        if (v->reporting) { /* X / said / the content */
            *rc = emit_claim(v, &fr, sa, se, &g, g.b, a, ce, 1, lemma_of(v, &g), g.neg, 0.5);
            if (*rc) return 1;
        }
        if (g.neg) fr.negated = !fr.negated;
        if ((lc & CL_HEDGE) || g.hedge) fr.conf *= 0.8;
        set_claimant(v, &fr, sa, se);
        fr.indirect = 0;
        *rc = content(v, a, ce, fr, depth + 1);
        return 1;
    }
    return 0;
}

static int content(view *v, size_t a, size_t b, frame fr, int depth)
{
    while (a < b && (T(v, a)->tag == T_QUOTE || T(v, a)->tag == T_PUNCT))
        a++;
    while (b > a && (T(v, b - 1)->tag == T_QUOTE || T(v, b - 1)->tag == T_PUNCT))
        b--;
    if (a >= b) return 0;
    int rc = 0;
    if (depth < 3) {
        if (trailing_attribution(v, a, b, fr, depth, &rc)) return rc;
        if (leading_attribution(v, a, b, fr, depth, &rc)) return rc;
    }
    return verb_relations(v, a, b, &fr);
}

int find_relations(const claimdb_lexicon *lex, const char *text, token_buf *tb, discourse *dc,
                   int flags, raw_claim_fn fn, void *ctx)
{
    size_t small[256];
    size_t *ix = tb->n <= 256 ? small : malloc(tb->n * sizeof *ix);
    if (!ix) return -1;
    view v = {text, lex, tb->t, ix, 0, dc, (flags & CLAIMDB_EXTRACT_REPORTING) != 0, fn, ctx};
    frame fr = {0, 0, NULL, 0, 1.0, 0};
    /* "according to X": X is the claimant, and the words leave the content */
    size_t acc_a = 0, acc_b = 0, cl_a = 0, cl_b = 0;
    int has_acc = 0;
    for (size_t k = 0; k + 1 < tb->n; k++) {
        if (is_low(&tb->t[k], "according") && is_low(&tb->t[k + 1], "to")) {
            /* temporarily view everything to find the noun phrase */
            for (size_t i = 0; i < tb->n; i++)
                ix[i] = i;
            v.m = tb->n;
            size_t e = np_right(&v, k + 2, tb->n, 1);
            if (e == k + 2) break;
            acc_a = k;
            acc_b = e;
            cl_a = k + 2;
            cl_b = e;
            if (acc_a > 0 && tb->t[acc_a - 1].tag == T_PUNCT && text[tb->t[acc_a - 1].start] == ',')
                acc_a--;
            else if (acc_b < tb->n && tb->t[acc_b].tag == T_PUNCT &&
                     text[tb->t[acc_b].start] == ',')
                acc_b++;
            has_acc = 1;
            break;
        }
    }
    v.m = 0;
    size_t ca = 0, cb = 0;
    for (size_t i = 0; i < tb->n; i++) {
        if (has_acc && i >= acc_a && i < acc_b && !(i >= cl_a && i < cl_b)) continue;
        if (has_acc && i >= cl_a && i < cl_b) {
            if (i == cl_a) ca = v.m;
            ix[v.m++] = i;
            if (i + 1 == cl_b) cb = v.m;
            continue;
        }
        ix[v.m++] = i;
    }
    int rc;
    if (has_acc) {
        /* the claimant's words stay visible only for the claimant span */
        fr.claim_a = ca;
        fr.claim_b = cb;
        /* content: the visible words other than the claimant */
        size_t m = 0;
        size_t *cix = malloc((v.m + 1) * sizeof *cix);
        if (!cix) {
            if (ix != small) free(ix);
            return -1;
        }
        for (size_t i = 0; i < v.m; i++)
            if (i < ca || i >= cb) cix[m++] = ix[i];
        /* claimant indices then content: put the claimant at the end of the view */
        size_t claim_n = cb - ca;
        for (size_t i = 0; i < claim_n; i++)
            cix[m + i] = ix[ca + i];
        memcpy(ix, cix, (m + claim_n) * sizeof *ix);
        free(cix);
        v.m = m + claim_n;
        fr.claim_a = m;
        fr.claim_b = m + claim_n;
        rc = content(&v, 0, m, fr, 0);
    } else {
        rc = content(&v, 0, v.m, fr, 0);
    }
    if (ix != small) free(ix);
    return rc;
}
