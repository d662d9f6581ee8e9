/* phrase.c — the pieces of a clause in a view of a sentence: noun phrases (determiners,
 * adjectives, names, possessives, of-phrases, a post-modifier at the start of a clause,
 * conjoined subjects), verb groups (auxiliaries, modals, adverbs, negation, the verb, a
 * particle; finite or not) and where a clause ends. */
#include "clause.h"

#include <string.h>

int is_low(const token *t, const char *w)
{
    return t->kind == TOK_WORD && strlen(w) == t->lowlen && !memcmp(t->low, w, t->lowlen);
}

int is_punct(const view *v, size_t i, char c)
{
    const token *t = T(v, i);
    return t->tag == T_PUNCT && t->end - t->start == 1 && v->text[t->start] == c;
}

unsigned cls(const view *v, const char *w)
{
    return w ? lex_class(v->lex, w, strlen(w)) : 0;
}

int noun_head(int tag)
{
    return tag == T_NOUN || tag == T_PROPN || tag == T_NUM;
}

/* Punctuation that may sit inside a noun phrase: hyphen, ampersand, $, %. */
int np_punct(const view *v, size_t i)
{
    return is_punct(v, i, '-') || is_punct(v, i, '&') || is_punct(v, i, '$') || is_punct(v, i, '%');
}

/* The end of the noun phrase starting at i (i when none), within [i, lim). */
size_t np_right(const view *v, size_t i, size_t lim, int with_of)
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
        if (noun_head(tag) || (head && is_punct(v, k, '%') && T(v, k - 1)->tag == T_NUM)) {
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
        /* coordinated adjectives: "good and strong diplomatic, economic and political ties" */
        if (!head && k > i && k + 1 < lim && T(v, k - 1)->tag == T_ADJ &&
            (tag == T_CONJ || is_punct(v, k, ',')) && T(v, k + 1)->tag == T_ADJ) {
            k++;
            continue;
        }
        if (!head && k > i && k + 2 < lim && T(v, k - 1)->tag == T_ADJ && is_punct(v, k, ',') &&
            T(v, k + 1)->tag == T_CONJ && T(v, k + 2)->tag == T_ADJ) {
            k += 2;
            continue;
        }
        break;
    }
    if (!head) return i;
    /* closing quote right after the phrase */
    if (end < lim && T(v, end)->tag == T_QUOTE && T(v, end)->start == T(v, end - 1)->end) end++;
    while (with_of && end + 1 < lim && is_low(T(v, end), "of")) { /* a chain: no recursion */
        size_t e = np_right(v, end + 1, lim, 0);
        if (e == end + 1) break;
        end = e;
    }
    return end;
}

/* The start of the noun phrase ending at end (end when none), within [lo, end). */
static size_t np_left_at(const view *v, size_t end, size_t lo, int depth)
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
            size_t s = (depth < 3 ? np_left_at(v, k - 1, lo, depth + 1) : k - 1);
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
        size_t s2 = (depth < 3 ? np_left_at(v, k - 1, lo, depth + 1) : k - 1);
        if (s2 < k - 1 && (s2 == lo || T(v, s2 - 1)->tag == T_PUNCT || T(v, s2 - 1)->tag == T_SUB))
            k = s2;
    }
    /* "a spokesperson for the embassy", at the start of a clause */
    if (k > lo + 1 && T(v, k - 1)->tag == T_PREP && !is_low(T(v, k - 1), "of")) {
        size_t s2 = (depth < 3 ? np_left_at(v, k - 1, lo, depth + 1) : k - 1);
        if (s2 < k - 1 && T(v, s2)->tag != T_PRON &&
            (s2 == lo || T(v, s2 - 1)->tag == T_PUNCT || T(v, s2 - 1)->tag == T_SUB ||
             T(v, s2 - 1)->tag == T_QUOTE))
            k = s2;
    }
    while (k < end && T(v, k)->tag == T_PUNCT)
        k++;
    return k;
}

/* The verb group starting at k (k must be AUX, MODAL or VERB). */
void group_at(const view *v, size_t k, size_t lim, vgroup *g)
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
int has_finite(const view *v, size_t a, size_t b)
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
int first_group(const view *v, size_t a, size_t b, vgroup *g)
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

const char *lemma_of(const view *v, const vgroup *g)
{
    const token *t = T(v, g->main);
    return t->lemma ? t->lemma : t->low;
}

/* Where a clause ends, from k: punctuation, a relative pronoun, a subordinator, or "and" /
 * "but" before a verb group. */
size_t clause_end(const view *v, size_t k, size_t lim, int allow_verbs)
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
void set_pred(char pred[128], const char *a, const char *b)
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

size_t np_left(const view *v, size_t end, size_t lo)
{
    return np_left_at(v, end, lo, 0);
}

int subject_left(const view *v, size_t ga, size_t lo, size_t *sa, size_t *se)
{
    size_t e = ga;
    while (e > lo && (T(v, e - 1)->tag == T_ADV || T(v, e - 1)->tag == T_NEG))
        e--;
    /* a parenthetical adverb: "The University of Florida, however, refused" */
    if (e > lo + 2 && is_punct(v, e - 1, ',') && T(v, e - 2)->tag == T_ADV) {
        size_t q = e - 2;
        while (q > lo && T(v, q - 1)->tag == T_ADV)
            q--;
        if (q > lo && is_punct(v, q - 1, ',')) q--;
        if (q > lo && noun_head(T(v, q - 1)->tag)) e = q;
    }
    size_t s = np_left(v, e, lo);
    if (s < e) {
        *sa = s;
        *se = e;
        return 1;
    }
    /* an appositive or a relative clause between commas: "X, a leader, said", "X, which is
     * based in Paris, said" */
    if (e > lo + 1 && is_punct(v, e - 1, ',')) {
        for (size_t q = e - 1; q-- > lo && e - q < 30;) {
            if (!is_punct(v, q, ',')) continue;
            int t = T(v, q + 1)->tag;
            if (t == T_WH || t == T_DET || t == T_NOUN || t == T_ADJ || t == T_PROPN ||
                t == T_NUM || t == T_PPRON) {
                size_t s1 = np_left(v, q, lo);
                if (s1 < q && T(v, s1)->tag != T_PRON) {
                    *sa = s1;
                    *se = q;
                    return 1;
                }
            }
            break;
        }
    }
    return 0;
}
