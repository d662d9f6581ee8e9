/* relation.c — the claims of one tagged sentence.
 *
 * 1. Attribution is peeled off first: "according to X", a trailing ", X said" (or ", said X"),
 *    and a leading "X said (that) ..." (recursively: "X noted it believes ..."). What is left
 *    is the reported content, and X the claimant; "denied" negates the content, "suggested"
 *    lowers its confidence.
 * 2. In the content, verb groups are found (auxiliaries, modals, adverbs, negation, the verb,
 *    a particle), ReVerb-style: a verb may take a following preposition ("met with"), a light
 *    verb its noun ("made an offer to"), a copula its bare noun ("is home to"), a catenative
 *    its infinitive ("declined to comment").
 * 3. Each finite group's subject is the noun phrase on its left (through a relative pronoun
 *    to its antecedent, past an appositive, or the previous group's subject after "and"/"but");
 *    its object the noun phrase, "that"-clause or prepositional phrase on its right, up to the
 *    end of the clause. */
#include "extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct view {
    const char *text;
    const claimdb_lexicon *lex;
    token *tk;  /* the sentence's tokens */
    size_t *ix; /* visible tokens */
    size_t m;
    discourse *dc;
    int coref;
    raw_claim_fn fn;
    void *ctx;
} view;

#define T(v, i) (&(v)->tk[(v)->ix[i]])

static int is_low(const token *t, const char *w)
{
    return t->kind == TOK_WORD && strlen(w) == t->lowlen && !memcmp(t->low, w, t->lowlen);
}

static int is_punct(const view *v, size_t i, char c)
{
    const token *t = T(v, i);
    return t->tag == T_PUNCT && t->end - t->start == 1 && v->text[t->start] == c;
}

static unsigned cls(const view *v, const char *w)
{
    return w ? lex_class(v->lex, w, strlen(w)) : 0;
}

static int noun_head(int tag)
{
    return tag == T_NOUN || tag == T_PROPN || tag == T_NUM;
}

/* Punctuation that may sit inside a noun phrase: hyphen, ampersand, $, %. */
static int np_punct(const view *v, size_t i)
{
    return is_punct(v, i, '-') || is_punct(v, i, '&') || is_punct(v, i, '$') || is_punct(v, i, '%');
}

/* The end of the noun phrase starting at i (i when none), within [i, lim). */
static size_t np_right(const view *v, size_t i, size_t lim, int with_of)
{
    size_t k = i;
    while (k < lim && T(v, k)->tag == T_QUOTE)
        k++;
    if (k < lim && T(v, k)->tag == T_PRON) return k + 1;
    if (k < lim && (T(v, k)->tag == T_DET || T(v, k)->tag == T_PPRON)) k++;
    int head = 0;
    size_t end = i;
    while (k < lim) {
        int tag = T(v, k)->tag;
        if (noun_head(tag)) {
            head = 1;
            k++;
            end = k;
            continue;
        }
        if (tag == T_ADJ || tag == T_POSS || tag == T_QUOTE || tag == T_DET ||
            (tag == T_ADV && k + 1 < lim && T(v, k + 1)->tag == T_ADJ) ||
            (tag == T_VERB && !head &&
             (T(v, k)->vform == VF_ING || T(v, k)->vform == VF_PAST ||
              T(v, k)->vform == VF_PASTPART) &&
             k + 1 < lim && noun_head(T(v, k + 1)->tag) && k > i &&
             (T(v, k - 1)->tag == T_DET || T(v, k - 1)->tag == T_ADJ ||
              T(v, k - 1)->tag == T_PPRON)) ||
            np_punct(v, k)) {
            if (tag == T_DET && k > i && T(v, k - 1)->tag != T_POSS) break;
            k++;
            continue;
        }
        break;
    }
    if (!head) return i;
    /* closing quote right after the phrase */
    if (end < lim && T(v, end)->tag == T_QUOTE && T(v, end)->start == T(v, end - 1)->end) end++;
    if (with_of && end + 1 < lim && is_low(T(v, end), "of")) {
        size_t e = np_right(v, end + 1, lim, 1);
        if (e > end + 1) end = e;
    }
    return end;
}

/* The start of the noun phrase ending at end (end when none), within [lo, end). */
static size_t np_left(const view *v, size_t end, size_t lo)
{
    size_t k = end;
    while (k > lo && T(v, k - 1)->tag == T_QUOTE)
        k--;
    if (k > lo && T(v, k - 1)->tag == T_PRON) return k - 1;
    if (k > lo && T(v, k - 1)->tag == T_DET &&
        (k - 1 == lo || T(v, k - 2)->tag == T_PUNCT || T(v, k - 2)->tag == T_SUB ||
         T(v, k - 2)->tag == T_CONJ) &&
        (is_low(T(v, k - 1), "these") || is_low(T(v, k - 1), "those") ||
         is_low(T(v, k - 1), "this") || is_low(T(v, k - 1), "some") ||
         is_low(T(v, k - 1), "many") || is_low(T(v, k - 1), "both") ||
         is_low(T(v, k - 1), "several") || is_low(T(v, k - 1), "all")))
        return k - 1; /* "These include ..." */
    int head = 0;
    while (k > lo) {
        const token *t = T(v, k - 1);
        if (noun_head(t->tag)) {
            head = 1;
            k--;
            continue;
        }
        if (!head && t->tag == T_QUOTE) {
            k--;
            continue;
        }
        if (head &&
            (t->tag == T_ADJ || t->tag == T_POSS || t->tag == T_QUOTE || np_punct(v, k - 1) ||
             (t->tag == T_VERB &&
              (t->vform == VF_PAST || t->vform == VF_PASTPART || t->vform == VF_ING) &&
              k - 1 > lo && (T(v, k - 2)->tag == T_DET || T(v, k - 2)->tag == T_ADJ)))) {
            k--;
            continue;
        }
        if (head && (t->tag == T_DET || t->tag == T_PPRON)) {
            k--;
            break;
        }
        if (head && is_low(t, "of") && k - 1 > lo) {
            size_t s = np_left(v, k - 1, lo);
            if (s < k - 1) {
                k = s;
                break;
            }
        }
        break;
    }
    if (!head) return end;
    /* "He and his friends" */
    if (k > lo + 1 && T(v, k - 1)->tag == T_CONJ &&
        (is_low(T(v, k - 1), "and") || is_low(T(v, k - 1), "or"))) {
        size_t s2 = np_left(v, k - 1, lo);
        if (s2 < k - 1 && (s2 == lo || T(v, s2 - 1)->tag == T_PUNCT || T(v, s2 - 1)->tag == T_SUB))
            k = s2;
    }
    /* "a spokesperson for the embassy", at the start of a clause */
    if (k > lo + 1 && T(v, k - 1)->tag == T_PREP && !is_low(T(v, k - 1), "of")) {
        size_t s2 = np_left(v, k - 1, lo);
        if (s2 < k - 1 && T(v, s2)->tag != T_PRON &&
            (s2 == lo || T(v, s2 - 1)->tag == T_PUNCT || T(v, s2 - 1)->tag == T_SUB ||
             T(v, s2 - 1)->tag == T_QUOTE))
            k = s2;
    }
    while (k < end && T(v, k)->tag == T_PUNCT)
        k++;
    return k;
}

typedef struct vgroup {
    size_t a, b; /* tokens of the verb group (view indices) */
    size_t main; /* the main verb (or the auxiliary of a copula) */
    int neg, hedge, finite, copula;
    int implicit; /* not a verb group: an appositive's "be", a role noun */
} vgroup;

/* The verb group starting at k (k must be AUX, MODAL or VERB). */
static void group_at(const view *v, size_t k, size_t lim, vgroup *g)
{
    memset(g, 0, sizeof *g);
    g->a = k;
    size_t j = k, last_aux = k;
    int has_verb = 0;
    while (j < lim) {
        const token *t = T(v, j);
        if (t->tag == T_AUX || t->tag == T_MODAL) {
            last_aux = j;
            if (t->tag == T_MODAL && (cls(v, t->low) & CL_HEDGE)) g->hedge = 1;
            j++;
        } else if (t->tag == T_NEG) {
            g->neg = 1;
            j++;
        } else if (t->tag == T_ADV) {
            if (cls(v, t->low) & CL_HEDGE) g->hedge = 1;
            if (is_low(t, "longer") && j > k && is_low(T(v, j - 1), "no")) g->neg = 1;
            j++;
        } else if (t->tag == T_DET && is_low(t, "no") && j + 1 < lim &&
                   is_low(T(v, j + 1), "longer")) {
            j++;
        } else if (t->tag == T_VERB) {
            g->main = j;
            has_verb = 1;
            j++;
            if (j < lim && T(v, j)->tag == T_PART) j++;
            break;
        } else {
            break;
        }
    }
    if (!has_verb) {
        g->main = last_aux;
        g->copula = T(v, last_aux)->lemma && !strcmp(T(v, last_aux)->lemma, "be");
        j = last_aux + 1;
        while (j < lim && (T(v, j)->tag == T_NEG ||
                           (T(v, j)->tag == T_ADV && j + 1 < lim && T(v, j + 1)->tag == T_NEG))) {
            g->neg = 1;
            j++;
        }
    }
    g->b = j;
    /* adverbs and negation just before the group: "never signed", "reportedly met" */
    for (size_t q = k; q > 0 && (T(v, q - 1)->tag == T_ADV || T(v, q - 1)->tag == T_NEG); q--) {
        if (T(v, q - 1)->tag == T_NEG) g->neg = 1;
        if (cls(v, T(v, q - 1)->low) & CL_HEDGE) g->hedge = 1;
    }
    const token *f = T(v, k);
    if (f->tag == T_MODAL)
        g->finite = 1;
    else if (f->tag == T_AUX)
        g->finite = f->vform != VF_ING && f->vform != VF_PASTPART &&
                    !(f->vform == VF_BASE && !strcmp(f->low, "be"));
    else
        g->finite = f->vform == VF_PAST || f->vform == VF_PRES3 || f->vform == VF_BASE;
    if (k > 0 && T(v, k - 1)->tag == T_TO) g->finite = 0;
    if (f->tag == T_VERB && f->vform == VF_PAST && k > 0 && noun_head(T(v, k - 1)->tag) &&
        k + 1 < lim && (is_low(T(v, k + 1), "by") || is_low(T(v, k + 1), "via")))
        g->finite = 0; /* "a statement issued via its website" */
    if (k > 0 && T(v, k - 1)->tag == T_ADV && k > 1 && T(v, k - 2)->tag == T_TO) g->finite = 0;
}

/* Whether [a, b) holds a finite verb group. */
static int has_finite(const view *v, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++) {
        int tag = T(v, k)->tag;
        if (tag == T_AUX || tag == T_MODAL || tag == T_VERB) {
            vgroup g;
            group_at(v, k, b, &g);
            if (g.finite) return 1;
            k = g.b - 1;
        }
    }
    return 0;
}

/* The first finite verb group in [a, b), or 0 when none. */
static int first_group(const view *v, size_t a, size_t b, vgroup *g)
{
    for (size_t k = a; k < b; k++) {
        int tag = T(v, k)->tag;
        if (tag == T_AUX || tag == T_MODAL || tag == T_VERB) {
            group_at(v, k, b, g);
            if (g->finite) return 1;
            k = g->b - 1;
        }
    }
    return 0;
}

static const char *lemma_of(const view *v, const vgroup *g)
{
    const token *t = T(v, g->main);
    return t->lemma ? t->lemma : t->low;
}

/* Where a clause ends, from k: punctuation, a relative pronoun, a subordinator, or "and" /
 * "but" before a verb group. */
static size_t clause_end(const view *v, size_t k, size_t lim, int allow_verbs)
{
    for (; k < lim; k++) {
        const token *t = T(v, k);
        if (t->tag == T_PUNCT && !np_punct(v, k)) return k;
        if (t->tag == T_SUB || (t->tag == T_WH && !is_low(t, "that"))) return k;
        if (t->tag == T_PREP && allow_verbs && k + 1 < lim && T(v, k + 1)->tag == T_PRON &&
            (is_low(t, "before") || is_low(t, "after") || is_low(t, "until") || is_low(t, "since")))
            return k;
        if (t->tag == T_WH && is_low(t, "that") && !allow_verbs) return k;
        if (t->tag == T_CONJ && k + 1 < lim) {
            size_t j = k + 1;
            while (j < lim && T(v, j)->tag == T_ADV)
                j++;
            if (j < lim &&
                (T(v, j)->tag == T_AUX || T(v, j)->tag == T_MODAL || T(v, j)->tag == T_VERB))
                return k;
        }
        if (!allow_verbs && (t->tag == T_AUX || t->tag == T_MODAL)) return k;
        if (!allow_verbs && t->tag == T_VERB &&
            (t->vform == VF_PAST || t->vform == VF_PRES3 || t->vform == VF_PASTPART))
            return k;
    }
    return lim;
}

/* pred = a, or "a b" (truncated to fit). */
static void set_pred(char pred[128], const char *a, const char *b)
{
    size_t n = strlen(a);
    if (n > 125) n = 125;
    memmove(pred, a, n);
    if (b) {
        size_t k = strlen(b);
        if (n + 1 + k > 127) k = 126 - n;
        pred[n++] = ' ';
        memcpy(pred + n, b, k);
        n += k;
    }
    pred[n] = '\0';
}

/* ---- claims ------------------------------------------------------------------------------- */

typedef struct frame {
    size_t claim_a, claim_b; /* claimant (view indices), a == b: none */
    const char *claimant_text;
    int negated;
    double conf;
} frame;

static int is_pronoun_word(const token *t)
{
    return t->tag == T_PRON;
}

static int emit(view *v, const frame *fr, size_t sa, size_t sb, const vgroup *g, size_t pb,
                size_t oa, size_t ob, int whole, const char *pred, int neg, double conf)
{
    raw_claim c;
    memset(&c, 0, sizeof c);
    c.subj_a = v->ix[sa];
    c.subj_b = v->ix[sb - 1] + 1;
    c.pred_a = v->ix[g->a];
    c.pred_b = pb > g->a ? v->ix[pb - 1] + 1 : c.pred_a; /* empty: an implicit "be" */
    c.obj_a = v->ix[oa];
    c.obj_b = v->ix[ob - 1] + 1;
    size_t core = whole ? oa : np_right(v, oa, ob, 1);
    c.objt_a = c.obj_a;
    c.objt_b = core > oa ? v->ix[core - 1] + 1 : c.obj_b;
    if (fr->claim_b > fr->claim_a) {
        c.claim_a = v->ix[fr->claim_a];
        c.claim_b = v->ix[fr->claim_b - 1] + 1;
    }
    c.claimant_text = fr->claimant_text;
    set_pred(c.predicate, pred, NULL);
    c.negated = neg ^ fr->negated;
    c.implicit = g->implicit;
    c.confidence = conf * fr->conf;
    if (c.confidence > 1) c.confidence = 1;
    return v->fn(v->ctx, &c);
}

/* Relational nouns: a role and the verb it stands for ("Taliban leader Mullah Omar": Mullah
 * Omar leads the Taliban). Other nouns in -er/-or whose stem is a verb count too. */
static const char *const relnouns[][2] = {{"leader", "lead"},
                                          {"head", "lead"},
                                          {"chief", "lead"},
                                          {"president", "lead"},
                                          {"chairman", "chair"},
                                          {"chairwoman", "chair"},
                                          {"commander", "command"},
                                          {"founder", "found"},
                                          {"spokesman", "represent"},
                                          {"spokeswoman", "represent"},
                                          {"spokesperson", "represent"},
                                          {"envoy", "represent"},
                                          {"ambassador", "represent"},
                                          {"representative", "represent"},
                                          {"governor", "govern"},
                                          {"director", "direct"},
                                          {"owner", "own"},
                                          {"editor", "edit"},
                                          {"adviser", "advise"},
                                          {"advisor", "advise"},
                                          {"ruler", "rule"}};

static const char *relnoun_verb(const view *v, const token *t, char *buf)
{
    for (size_t i = 0; i < sizeof relnouns / sizeof relnouns[0]; i++)
        if (is_low(t, relnouns[i][0])) return relnouns[i][1];
    size_t n = t->lowlen;
    if (n > 5 && n < 60 && (!memcmp(t->low + n - 2, "er", 2) || !memcmp(t->low + n - 2, "or", 2))) {
        char stem[64];
        memcpy(stem, t->low, n - 2);
        stem[n - 2] = '\0';
        const lex_word *w = lex_lookup(v->lex, stem, n - 2);
        if (w && (w->pos & WN_VERB)) return strcpy(buf, stem);
        stem[n - 2] = 'e';
        stem[n - 1] = '\0';
        w = lex_lookup(v->lex, stem, n - 1);
        if (w && (w->pos & WN_VERB)) return strcpy(buf, stem);
    }
    return NULL;
}

/* "Taliban supreme leader Hibatullah Akhundzada": Hibatullah Akhundzada / lead / Taliban. */
static int role_names(view *v, size_t a, size_t b, const frame *fr)
{
    int rc = 0;
    for (size_t k = a + 1; k + 1 < b && !rc; k++) {
        const token *t = T(v, k);
        if (t->tag != T_NOUN && t->tag != T_PROPN) continue;
        char buf[64];
        const char *verb = relnoun_verb(v, t, buf);
        if (!verb || T(v, k + 1)->tag != T_PROPN) continue;
        size_t pe = k + 1;
        while (pe < b && T(v, pe)->tag == T_PROPN)
            pe++;
        size_t j = k;
        while (j > a && (T(v, j - 1)->tag == T_ADJ || T(v, j - 1)->tag == T_NOUN))
            j--;
        size_t os = j;
        while (os > a && T(v, os - 1)->tag == T_PROPN)
            os--;
        if (os == j) continue;
        vgroup g;
        memset(&g, 0, sizeof g);
        g.implicit = 1;
        g.a = k;
        rc = emit(v, fr, k + 1, pe, &g, k + 1, os, j, 0, verb, 0, 0.55);
        k = pe - 1;
    }
    return rc;
}

/* Appositives: "Ismail Khan, a prominent jihadi leader," gives Ismail Khan / be / leader,
 * with an empty predicate span (the relation is implicit). */
static int appositives(view *v, size_t a, size_t b, const frame *fr)
{
    int rc = 0;
    for (size_t k = a + 1; k + 2 < b && !rc; k++) {
        if (!is_punct(v, k, ',') || T(v, k - 1)->tag != T_PROPN) continue;
        const token *d = T(v, k + 1);
        if (!(is_low(d, "a") || is_low(d, "an") || is_low(d, "the"))) continue;
        size_t e = np_right(v, k + 1, b, 1);
        if (e == k + 1) continue;
        if (e < b && !is_punct(v, e, ',') && !is_punct(v, e, ')') && !is_punct(v, e, '.') &&
            !(T(v, e)->tag == T_CONJ && e + 1 < b && T(v, e + 1)->tag == T_ADJ))
            continue;
        if (e < b && T(v, e)->tag == T_CONJ) { /* "a leader and former governor of X" */
            size_t e2 = np_right(v, e + 1, b, 1);
            if (e2 > e + 1) e = e2;
        }
        size_t s = np_left(v, k, a);
        if (s == k) continue;
        vgroup g;
        memset(&g, 0, sizeof g);
        g.implicit = 1;
        g.a = k + 1;
        rc = emit(v, fr, s, k, &g, k + 1, k + 1, e, 0, "be", 0, 0.6);
        /* "..., former governor of Herat": Ismail Khan / govern / Herat */
        for (size_t r = k + 2; r + 2 < e && !rc; r++) {
            char buf[64];
            const char *verb;
            if (T(v, r)->tag != T_NOUN || !is_low(T(v, r + 1), "of") ||
                !(verb = relnoun_verb(v, T(v, r), buf)))
                continue;
            size_t oe = np_right(v, r + 2, e, 1);
            if (oe == r + 2) continue;
            g.a = r;
            rc = emit(v, fr, s, k, &g, r + 2, r + 2, oe, 0, verb, 0, 0.55);
            break;
        }
    }
    return rc;
}

/* The claims of the content v[a, b) under the attribution frame fr. */
static int relations(view *v, size_t a, size_t b, const frame *fr)
{
    if (appositives(v, a, b, fr) || role_names(v, a, b, fr)) return 1;
    size_t last_sa = 0, last_sb = 0; /* the previous group's subject */
    int rc = 0;
    int conditional = 0; /* inside "if ...," */
    int finite_seen = 0; /* this clause has its finite verb already */
    for (size_t k = a; k < b && !rc; k++) {
        int tag = T(v, k)->tag;
        if ((tag == T_PUNCT && !np_punct(v, k)) || tag == T_CONJ || tag == T_WH || tag == T_SUB)
            finite_seen = 0;
        if (tag == T_SUB &&
            (is_low(T(v, k), "if") || is_low(T(v, k), "unless") || is_low(T(v, k), "whether")))
            conditional = 1;
        if (tag == T_PUNCT && !np_punct(v, k)) conditional = 0;
        if (conditional && (tag == T_AUX || tag == T_MODAL || tag == T_VERB)) {
            vgroup g;
            group_at(v, k, b, &g);
            k = g.b - 1;
            continue;
        }
        if (tag != T_AUX && tag != T_MODAL && tag != T_VERB) continue;
        vgroup g;
        group_at(v, k, b, &g);
        size_t next = g.b;
        /* a past form right after a noun, in a clause that has its verb: a participle */
        if (g.finite && finite_seen && T(v, g.a)->tag == T_VERB && T(v, g.a)->vform == VF_PAST &&
            g.a > a && noun_head(T(v, g.a - 1)->tag))
            g.finite = 0;
        if (g.finite) finite_seen = 1;
        /* a reduced relative clause: "a statement issued via its website", "X, released in" */
        int reduced = 0;
        if (!g.finite && T(v, g.a)->tag == T_VERB && g.a > a &&
            (T(v, g.a)->vform == VF_PAST || T(v, g.a)->vform == VF_PASTPART ||
             T(v, g.a)->vform == VF_ING)) {
            size_t e = g.a;
            if (e > a + 1 && is_punct(v, e - 1, ',')) e--;
            if (noun_head(T(v, e - 1)->tag) ||
                (T(v, e - 1)->tag == T_QUOTE && e - 1 > a && noun_head(T(v, e - 2)->tag)))
                reduced = 1;
            /* "given the amount": a preposition in all but name */
            if (is_low(T(v, g.a), "given") && g.b < b && T(v, g.b)->tag == T_DET) reduced = 0;
        }
        if (!g.finite && !reduced) {
            k = next - 1;
            continue;
        }
        double conf = reduced ? 0.6 : 0.9;
        /* subject */
        size_t se = g.a, sa;
        while (se > a && (T(v, se - 1)->tag == T_ADV || T(v, se - 1)->tag == T_NEG))
            se--;
        int via_wh = 0;
        if (reduced) {
            if (se > a + 1 && is_punct(v, se - 1, ',')) se--;
            sa = np_left(v, se, a);
        } else if (se > a && T(v, se - 1)->tag == T_WH) {
            size_t e = se - 1;
            if (e > a && is_punct(v, e - 1, ',')) e--;
            sa = np_left(v, e, a);
            via_wh = 1;
            if (sa < e)
                se = e;
            else
                sa = se = g.a;
        } else {
            sa = np_left(v, se, a);
            if (sa == se && se > a && is_punct(v, se - 1, ',')) {
                /* "X, an appositive, said" */
                size_t e2 = se - 1, s2 = np_left(v, e2, a);
                if (s2 < e2 && s2 > a && is_punct(v, s2 - 1, ',')) {
                    size_t s1 = np_left(v, s2 - 1, a);
                    if (s1 < s2 - 1) {
                        sa = s1;
                        se = s2 - 1;
                    }
                }
            }
        }
        (void)via_wh;
        int inherited = 0;
        if (sa == se) {
            size_t j = g.a;
            while (j > a && T(v, j - 1)->tag == T_ADV)
                j--;
            if (j > a && T(v, j - 1)->tag == T_CONJ && last_sb > last_sa) {
                sa = last_sa;
                se = last_sb;
                inherited = 1;
                conf -= 0.1;
            }
        }
        if (sa == se || is_low(T(v, sa), "there")) {
            k = next - 1;
            continue;
        }
        if (!inherited) {
            last_sa = sa;
            last_sb = se;
        }
        /* predicate and object */
        const char *lem = lemma_of(v, &g);
        char pred[128];
        set_pred(pred, lem, NULL);
        int neg = g.neg;
        if (g.hedge) conf *= 0.75;
        size_t pb = g.b; /* end of the predicate's words */
        if (T(v, g.main)->tag == T_VERB && g.b > g.main + 1 && T(v, g.main + 1)->tag == T_PART) {
            set_pred(pred, lem, T(v, g.main + 1)->low);
        }
        /* passive: "were held" is "be held" (the subject is what was held) */
        int passive = 0;
        if (T(v, g.main)->tag == T_VERB && T(v, g.main)->vform == VF_PASTPART && g.main > g.a) {
            for (size_t q = g.a; q < g.main; q++)
                if (T(v, q)->tag == T_AUX && T(v, q)->lemma && !strcmp(T(v, q)->lemma, "be"))
                    passive = 1;
        }
        unsigned lc = cls(v, lem);
        /* catenative: "declined to comment", "seeks to coordinate" */
        if (T(v, g.main)->tag == T_VERB && pb + 1 < b && T(v, pb)->tag == T_TO &&
            (T(v, pb + 1)->tag == T_VERB || (T(v, pb + 1)->tag == T_AUX && T(v, pb + 1)->lemma &&
                                             !strcmp(T(v, pb + 1)->lemma, "be"))) &&
            (lc & (CL_CATENATIVE | CL_NEGVERB))) {
            if (T(v, pb + 1)->tag == T_AUX) g.copula = 1;
            const token *inner = T(v, pb + 1);
            const char *il = inner->lemma ? inner->lemma : inner->low;
            if (lc & CL_NEGVERB) neg = !neg;
            if (lc & CL_HEDGE) conf *= 0.75;
            set_pred(pred, il, NULL);
            pb += 2;
            if (pb < b && T(v, pb)->tag == T_PART) {
                set_pred(pred, il, T(v, pb)->low);
                pb++;
            }
        } else if (lc & CL_NEGVERB && !strcmp(lem, "deny")) {
            /* "denied X": keep deny as the predicate */
        }
        size_t oa = pb, ob;
        while (oa < b && T(v, oa)->tag == T_ADV)
            oa++;
        int clause_obj = 0;
        if (oa < b && T(v, oa)->tag == T_WH && is_low(T(v, oa), "that")) {
            pb = oa + 1;
            oa = pb;
            clause_obj = 1;
        }
        if (oa >= b) {
            k = next - 1;
            continue;
        }
        if (clause_obj) {
            ob = clause_end(v, oa, b, 1);
        } else {
            size_t e = np_right(v, oa, b, 1);
            if (e > oa) {
                /* light verb + noun + preposition: "made an offer to" */
                size_t hn = e - 1;
                if ((lc & CL_LIGHT || g.copula) && e < b &&
                    (T(v, e)->tag == T_PREP || T(v, e)->tag == T_TO) && noun_head(T(v, hn)->tag) &&
                    T(v, hn)->tag != T_PROPN && e - oa <= 3) {
                    char buf[160];
                    const char *nv = T(v, hn)->lowlen < 150 ? lex_verb_lemma(v->lex, T(v, hn)->low,
                                                                             T(v, hn)->lowlen, buf)
                                                            : NULL;
                    if (nv && strcmp(nv, lem) && !g.copula)
                        set_pred(pred, nv, NULL);
                    else
                        set_pred(pred, lem, T(v, hn)->low);
                    pb = e + 1;
                    oa = pb;
                    if (oa >= b) {
                        k = next - 1;
                        continue;
                    }
                }
                ob = clause_end(v, oa, b, 0);
            } else if (T(v, oa)->tag == T_TO && oa + 1 < b && T(v, oa + 1)->tag == T_VERB) {
                ob = clause_end(v, oa, b, 0); /* "was laid to rest at ..." */
            } else if (T(v, oa)->tag == T_PREP || T(v, oa)->tag == T_TO) {
                /* "met with X", "pull out of X", "is in control of X" */
                size_t p = oa;
                size_t e2 = np_right(v, p + 1, b, 0);
                if (e2 == p + 1) {
                    k = next - 1;
                    continue;
                }
                if (e2 < b && is_low(T(v, e2), "of") && e2 - (p + 1) <= 2) {
                    const token *hn = T(v, e2 - 1);
                    char buf[160];
                    const char *nv =
                        hn->lowlen < 150 ? lex_verb_lemma(v->lex, hn->low, hn->lowlen, buf) : NULL;
                    if (g.copula && nv && hn->tag == T_NOUN) {
                        set_pred(pred, nv, NULL); /* "is in control of" */
                        pb = e2 + 1;
                        oa = pb;
                        ob = clause_end(v, oa, b, 0);
                        goto have_object;
                    }
                }
                if (lex_phrasal(v->lex, pred, T(v, p)->low, T(v, p)->lowlen)) {
                    char tmp[128];
                    memcpy(tmp, pred, sizeof tmp);
                    set_pred(pred, tmp, T(v, p)->low);
                } else if (g.copula) {
                    set_pred(pred, "be", T(v, p)->low);
                }
                pb = p + 1;
                oa = pb;
                ob = clause_end(v, oa, b, 0);
            } else if (T(v, oa)->tag == T_ADJ && g.copula) {
                if (oa + 2 < b && (T(v, oa + 1)->tag == T_PREP || T(v, oa + 1)->tag == T_TO)) {
                    char tmp[128];
                    memcpy(tmp, pred, sizeof tmp);
                    set_pred(pred, tmp, T(v, oa)->low); /* "is home to", "is necessary to" */
                    pb = oa + 2;
                    oa = pb;
                }
                ob = clause_end(v, oa, b, 0);
            } else if (T(v, oa)->tag == T_VERB && T(v, oa)->vform == VF_ING) {
                ob = clause_end(v, oa, b, 0); /* "continue fighting" */
            } else if (T(v, oa)->tag == T_TO && oa + 1 < b && T(v, oa + 1)->tag == T_VERB) {
                ob = clause_end(v, oa, b, 0);
            } else {
                k = next - 1;
                continue;
            }
        }
    have_object:
        while (ob > oa && (T(v, ob - 1)->tag == T_PUNCT && !np_punct(v, ob - 1)))
            ob--;
        if (ob <= oa) {
            k = next - 1;
            continue;
        }
        if (is_pronoun_word(T(v, sa)) && se - sa == 1) conf -= 0.15;
        if (ob - oa > 12) conf -= 0.1;
        if (clause_obj) conf -= 0.05;
        if (inherited) conf -= 0.0;
        if (passive && !strcmp(pred, lem)) {
            char part[128];
            const token *pp = T(v, g.main);
            size_t n = pp->lowlen < sizeof part - 1 ? pp->lowlen : sizeof part - 1;
            memcpy(part, pp->low, n);
            part[n] = '\0';
            set_pred(pred, "be", part);
        }
        rc = emit(v, fr, sa, se, &g, pb, oa, ob, clause_obj, pred, neg, conf);
        /* a "that"-clause of a verb that is not speech is not a claim of its own */
        if (clause_obj && !(lc & CL_SPEECH))
            k = ob - 1;
        else
            k = next - 1;
    }
    return rc;
}

/* ---- attribution -------------------------------------------------------------------------- */

static void set_claimant(const view *v, frame *fr, size_t a, size_t b)
{
    /* a pronoun claimant keeps the outer one */
    if (b - a == 1 && T(v, a)->tag == T_PRON && fr->claim_b > fr->claim_a) return;
    if (b - a == 1 && T(v, a)->tag == T_PRON && v->coref && v->dc->last_entity[0]) {
        fr->claimant_text = v->dc->last_entity;
        fr->claim_a = a;
        fr->claim_b = b;
        return;
    }
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
    const char *lem = lemma_of(v, &g);
    unsigned lc = cls(v, lem);
    if (!(lc & CL_SPEECH) || g.copula) return 0;
    size_t se = g.a;
    while (se > a && T(v, se - 1)->tag == T_ADV)
        se--;
    size_t sa = np_left(v, se, a);
    if (sa == se) return 0;
    size_t c = g.b;
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
    if (g.neg) fr.negated = !fr.negated;
    if (lc & CL_NEGVERB) fr.negated = !fr.negated;
    if ((lc & CL_HEDGE) || g.hedge) fr.conf *= 0.8;
    set_claimant(v, &fr, sa, se);
    *rc = content(v, c, b, fr, depth + 1);
    return 1;
}

/* Trailing ", X said" / ", said X": returns 1 and recurses when it applies. */
static int trailing_attribution(view *v, size_t a, size_t b, frame fr, int depth, int *rc)
{
    for (size_t c = b; c-- > a + 1;) {
        if (!is_punct(v, c, ',')) continue;
        size_t r = c + 1;
        while (r < b && T(v, r)->tag == T_QUOTE)
            r++;
        if (r >= b) continue;
        vgroup g;
        if (!first_group(v, r, b, &g)) continue;
        unsigned lc = cls(v, lemma_of(v, &g));
        if (!(lc & CL_SPEECH) || g.copula) continue;
        size_t sa, se;
        if (g.a == r) { /* ", said X" / ", reports X" */
            sa = g.b;
            se = np_right(v, sa, b, 1);
        } else {
            sa = r;
            se = np_right(v, r, b, 1);
            size_t gse = g.a;
            while (gse > r && T(v, gse - 1)->tag == T_ADV)
                gse--;
            if (se != gse) continue;
        }
        if (se == sa) continue;
        size_t ce = c;
        while (ce > a && (T(v, ce - 1)->tag == T_QUOTE))
            ce--;
        if (!has_finite(v, a, ce)) continue;
        if (g.neg) fr.negated = !fr.negated;
        if ((lc & CL_HEDGE) || g.hedge) fr.conf *= 0.8;
        frame outer = fr;
        set_claimant(v, &fr, sa, se);
        (void)outer;
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
    return relations(v, a, b, &fr);
}

int find_relations(const claimdb_lexicon *lex, const char *text, token_buf *tb, discourse *dc,
                   int coref, raw_claim_fn fn, void *ctx)
{
    size_t small[256];
    size_t *ix = tb->n <= 256 ? small : malloc(tb->n * sizeof *ix);
    if (!ix) return -1;
    view v = {text, lex, tb->t, ix, 0, dc, coref, fn, ctx};
    frame fr = {0, 0, NULL, 0, 1.0};
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
