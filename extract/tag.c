/* tag.c — part-of-speech tags for the words of one sentence, from the closed word lists,
 * WordNet (which parts of speech a lemma has, and how often each was seen) and context rules:
 * a determiner or adjective before makes a noun, a modal or "to" before makes a verb, a noun
 * before and a determiner after make a verb, and so on. Capitalised words inside a sentence
 * are proper nouns unless the whole sentence is in title case. */
#include "extract.h"

#include <stdlib.h>
#include <string.h>

#define P_V 1u
#define P_N 2u
#define P_A 4u
#define P_R 8u

static int ends_with(const token *t, const char *s)
{
    size_t k = strlen(s);
    return t->lowlen > k && !memcmp(t->low + t->lowlen - k, s, k);
}

static int all_caps(const char *text, const token *t)
{
    int letters = 0;
    for (size_t i = t->start; i < t->end; i++) {
        char c = text[i];
        if (c >= 'a' && c <= 'z') return 0;
        if (c >= 'A' && c <= 'Z') letters++;
    }
    return letters >= 2;
}

static int aux_form(const char *w, int *vform, const char **lemma)
{
    static const struct {
        const char *w, *lemma;
        int vf;
    } forms[] = {{"be", "be", VF_BASE},       {"is", "be", VF_PRES3},   {"are", "be", VF_PRES3},
                 {"am", "be", VF_PRES3},      {"was", "be", VF_PAST},   {"were", "be", VF_PAST},
                 {"been", "be", VF_PASTPART}, {"being", "be", VF_ING},  {"have", "have", VF_BASE},
                 {"has", "have", VF_PRES3},   {"had", "have", VF_PAST}, {"having", "have", VF_ING},
                 {"do", "do", VF_BASE},       {"does", "do", VF_PRES3}, {"did", "do", VF_PAST}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (!strcmp(w, forms[i].w)) {
            *vform = forms[i].vf;
            *lemma = forms[i].lemma;
            return 1;
        }
    return 0;
}

/* Pass 1: the possibilities of each word. Returns the P_* bits; sets lemma/vform. */
static unsigned possibilities(const claimdb_lexicon *lex, token_buf *tb, token *t)
{
    unsigned p = 0;
    char buf[256];
    if (t->lowlen + 3 > sizeof buf) return P_N;
    const char *vl = lex_verb_lemma(lex, t->low, t->lowlen, buf);
    if (vl) {
        p |= P_V;
        t->lemma = token_arena_add(tb, vl, strlen(vl));
        if (!strcmp(vl, t->low))
            t->vform = VF_BASE;
        else if (ends_with(t, "ing"))
            t->vform = VF_ING;
        else if (ends_with(t, "s"))
            t->vform = VF_PRES3;
        else
            t->vform = VF_PAST;
    }
    const lex_word *w = lex_lookup(lex, t->low, t->lowlen);
    if (w)
        p |= (w->pos & WN_NOUN ? P_N : 0) | (w->pos & WN_ADJ ? P_A : 0) |
             (w->pos & WN_ADV ? P_R : 0);
    if (!(p & P_N) && lex_noun_lemma(lex, t->low, t->lowlen, buf)) p |= P_N;
    /* a verb form that is not the base form is a noun only if WordNet has it as one */
    return p;
}

static int prev_index(const token_buf *tb, size_t k, size_t *out)
{
    while (k > 0) {
        k--;
        if (tb->t[k].tag != T_QUOTE && tb->t[k].tag != T_ADV && tb->t[k].tag != T_NEG) {
            *out = k;
            return 1;
        }
    }
    return 0;
}

/* What the next word can be, roughly: its closed tag, or T_VERB/T_NOUN by its possibilities. */
static int next_kind(const token_buf *tb, size_t k, const unsigned *poss)
{
    for (size_t j = k + 1; j < tb->n; j++) {
        const token *t = &tb->t[j];
        if (t->tag == T_QUOTE) continue;
        if (t->tag != T_NONE) return t->tag;
        if (poss[j] == P_V) return T_VERB;
        if ((poss[j] & P_V) && (t->vform == VF_PAST || t->vform == VF_PASTPART)) return T_VERB;
        if (poss[j] & P_N) return T_NOUN;
        if (poss[j] & P_A) return T_ADJ;
        if (poss[j] & P_V) return T_VERB;
        return T_NOUN;
    }
    return T_PUNCT;
}

static int choose(const claimdb_lexicon *lex, const char *text, token_buf *tb, size_t k,
                  const unsigned *poss)
{
    token *t = &tb->t[k];
    unsigned p = poss[k];
    (void)text;
    int nk = next_kind(tb, k, poss);
    int next_nounish = nk == T_NOUN || nk == T_PROPN || nk == T_ADJ || nk == T_NUM;
    if (!p) {
        if (ends_with(t, "ly")) return T_ADV;
        if (memchr(t->low, '-', t->lowlen) && (ends_with(t, "ed") || ends_with(t, "ing")))
            return T_ADJ;
        return T_NOUN;
    }
    if ((p & P_R) && ends_with(t, "ly")) return T_ADV;
    if (!(p & P_V)) {
        if ((p & P_A) && (next_nounish || !(p & P_N))) return T_ADJ;
        if (p & P_N) return T_NOUN;
        return T_ADV;
    }
    if (p == P_V) {
        /* a verb form after a determiner is an adjective ("the proposed plan") */
        size_t pi;
        if (prev_index(tb, k, &pi) &&
            (tb->t[pi].tag == T_DET || tb->t[pi].tag == T_PPRON || tb->t[pi].tag == T_POSS) &&
            (t->vform == VF_PAST || t->vform == VF_ING))
            return next_nounish ? T_ADJ : T_NOUN;
        return T_VERB;
    }
    size_t pi = 0;
    int pt = T_NONE;
    if (prev_index(tb, k, &pi)) pt = tb->t[pi].tag;
    if (pt == T_CONJ && pi > 0) {
        size_t pj;
        if (prev_index(tb, pi, &pj) && tb->t[pj].tag == T_VERB && tb->t[pj].vform == t->vform)
            return T_VERB;
        /* "which started last week and runs through": a verb of the same form earlier */
        if (t->vform == VF_PRES3 || t->vform == VF_PAST)
            for (size_t j = pi; j-- > 0;)
                if (tb->t[j].tag == T_VERB && tb->t[j].vform == t->vform) return T_VERB;
        pt = T_NONE;
    }
    unsigned nouny = p & (P_N | P_A);
    int speech = (lex_class(lex, t->lemma, strlen(t->lemma)) & CL_SPEECH) != 0;
    int phrasal_next = 0;
    for (size_t j = k + 1; j < tb->n && j < k + 2; j++)
        if (tb->t[j].kind == TOK_WORD &&
            (lex_class(lex, tb->t[j].low, tb->t[j].lowlen) & CL_PARTICLE))
            phrasal_next = lex_phrasal(lex, t->lemma, tb->t[j].low, tb->t[j].lowlen);
    switch (pt) {
    case T_WH: /* "remarks that sophisticated strategies are": an adjective before a noun */
        if ((t->vform == VF_PAST || t->vform == VF_ING) && (p & P_A) && next_nounish) return T_ADJ;
        return T_VERB;
    case T_MODAL:
    case T_NEG:
        return T_VERB;
    case T_TO:
        return t->vform == VF_BASE || !nouny ? T_VERB : T_NOUN;
    case T_AUX: {
        const char *al = tb->t[pi].lemma ? tb->t[pi].lemma : "";
        if (!strcmp(al, "do")) return T_VERB;
        if (t->vform == VF_ING || t->vform == VF_PAST) return T_VERB;
        if (!strcmp(al, "have") && (t->vform == VF_BASE || t->vform == VF_PASTPART)) return T_VERB;
        if ((p & P_A) && nk != T_NOUN && nk != T_PROPN) return T_ADJ;
        return (p & P_N) ? T_NOUN : (p & P_A) ? T_ADJ : T_VERB;
    }
    case T_PRON: {
        size_t pj;
        if (!strcmp(tb->t[pi].low, "one")) /* "One major difference" */
            return (p & P_A) && next_nounish ? T_ADJ : (p & P_N) ? T_NOUN : T_VERB;
        if (lex_class(lex, tb->t[pi].low, tb->t[pi].lowlen) & CL_PRONOBJ) return T_NOUN;
        const char *pw = tb->t[pi].low;
        if (!strcmp(pw, "he") || !strcmp(pw, "she") || !strcmp(pw, "they") || !strcmp(pw, "we") ||
            !strcmp(pw, "i"))
            return T_VERB; /* subject pronouns */
        if (prev_index(tb, pi, &pj) && tb->t[pj].tag == T_VERB && tb->t[pj].lemma &&
            (lex_class(lex, tb->t[pj].lemma, strlen(tb->t[pj].lemma)) & CL_SPEECH))
            return T_VERB; /* "saying it favors" */
        if (prev_index(tb, pi, &pj) &&
            (tb->t[pj].tag == T_VERB || tb->t[pj].tag == T_PREP || tb->t[pj].tag == T_TO))
            return (p & P_A) ? T_ADJ : (p & P_N) ? T_NOUN : T_VERB; /* "make it clear" */
        return T_VERB;
    }
    case T_DET:
    case T_PPRON:
    case T_POSS:
    case T_ADJ:
    case T_NUM:
        if ((p & P_A) && next_nounish) return T_ADJ;
        return (p & P_N) ? T_NOUN : T_ADJ;
    case T_PREP:
    case T_SUB:
        if (t->vform == VF_ING) return T_VERB;
        if ((p & P_A) && next_nounish) return T_ADJ;
        return (p & P_N) ? T_NOUN : T_VERB;
    case T_NOUN:
    case T_PROPN: {
        /* "ground rents": an irregular past that is also a noun, before a noun */
        if (t->vform == VF_PAST && (p & P_N) && nk == T_NOUN && !ends_with(t, "ed")) return T_NOUN;
        if (t->vform == VF_PAST || t->vform == VF_ING) return T_VERB;
        if (phrasal_next) return T_VERB;
        int objectish = nk == T_DET || nk == T_PPRON || nk == T_PRON || nk == T_TO || nk == T_WH ||
                        nk == T_PROPN || nk == T_NUM;
        /* an adverb between a noun and this word makes it a verb: "the lodge also hosts" */
        if (pi + 1 < k && tb->t[pi + 1].tag == T_ADV && t->vform != VF_BASE) return T_VERB;
        /* "peace talks with Kabul could be ...": the clause's verb comes later */
        int aux_later = 0;
        for (size_t j = k + 1; j < tb->n && t->vform == VF_PRES3 && !aux_later; j++) {
            int tj = tb->t[j].tag;
            if (tj == T_PUNCT || tj == T_WH || tj == T_SUB || tj == T_CONJ || tj == T_TO ||
                tj == T_PRON)
                break;
            aux_later = tj == T_AUX || tj == T_MODAL;
        }
        /* after a name, an -s form is its verb when something it can take follows:
         * "Bywaters offers personal tuition", but "Jaguar shares closed", "U.S. troops but" */
        int name_verb = pt == T_PROPN && t->vform == VF_PRES3 && !aux_later &&
                        (nk == T_DET || nk == T_ADJ || nk == T_NOUN || nk == T_PROPN ||
                         nk == T_NUM || nk == T_PPRON || nk == T_PRON || nk == T_TO || nk == T_WH);
        if (name_verb) {
            size_t q = pi;
            while (q > 0 && (tb->t[q - 1].tag == T_PROPN || tb->t[q - 1].tag == T_NOUN ||
                             tb->t[q - 1].tag == T_ADJ || tb->t[q - 1].tag == T_QUOTE))
                q--;
            const char *qw = q > 0 ? tb->t[q - 1].low : "";
            int clause_prep = !strcmp(qw, "as") || !strcmp(qw, "after") || !strcmp(qw, "before") ||
                              !strcmp(qw, "since");
            if (q > 0 &&
                ((tb->t[q - 1].tag == T_PREP && !clause_prep) || tb->t[q - 1].tag == T_DET ||
                 tb->t[q - 1].tag == T_TO || tb->t[q - 1].tag == T_VERB ||
                 tb->t[q - 1].tag == T_PPRON || tb->t[q - 1].tag == T_POSS))
                name_verb = 0; /* "a withdrawal of U.S.-NATO troops", "the Jaguar shares" */
        }
        if (name_verb) return T_VERB;
        if (nk == T_VERB || nk == T_AUX || nk == T_MODAL || nk == T_NOUN || nk == T_ADJ)
            return T_NOUN;
        if (t->vform == VF_PRES3) {
            if (speech) return T_VERB;
            if (aux_later) return T_NOUN;
            /* a noun phrase after a preposition or a verb is no subject: "in peace talks" */
            size_t q = pi;
            while (q > 0 && (tb->t[q - 1].tag == T_NOUN || tb->t[q - 1].tag == T_ADJ ||
                             tb->t[q - 1].tag == T_PROPN || tb->t[q - 1].tag == T_DET ||
                             tb->t[q - 1].tag == T_QUOTE || tb->t[q - 1].tag == T_PPRON))
                q--;
            if (q > 0 &&
                (tb->t[q - 1].tag == T_PREP || tb->t[q - 1].tag == T_TO ||
                 (tb->t[q - 1].tag == T_VERB && tb->t[q - 1].lemma &&
                  !(lex_class(lex, tb->t[q - 1].lemma, strlen(tb->t[q - 1].lemma)) & CL_SPEECH))))
                return T_NOUN;
            if (objectish) return T_VERB;
            const lex_word *w = lex_lookup(lex, t->lemma, strlen(t->lemma));
            return w && w->vfreq > w->nfreq ? T_VERB : T_NOUN;
        }
        /* base form: a verb after a plural noun ("forces pull out") */
        const token *pv = &tb->t[pi];
        int plural =
            pv->lowlen > 2 && pv->low[pv->lowlen - 1] == 's' && pv->low[pv->lowlen - 2] != 's';
        if (plural && (objectish || nk == T_PART || speech)) return T_VERB;
        return T_NOUN;
    }
    case T_VERB:
        if (t->vform == VF_ING) return T_VERB;
        return (p & P_A) && next_nounish ? T_ADJ : (p & P_N) ? T_NOUN : T_VERB;
    default: /* start of a clause */
        if ((t->vform == VF_PRES3 || t->vform == VF_PAST) &&
            (speech || nk == T_DET || nk == T_PPRON || nk == T_PROPN))
            return T_VERB;
        if (t->vform == VF_ING || t->vform == VF_PAST)
            return nouny && next_nounish ? T_ADJ : T_VERB;
        if ((p & P_A) && next_nounish) return T_ADJ;
        return (p & P_N) ? T_NOUN : T_VERB;
    }
}

int tag_tokens(const claimdb_lexicon *lex, const char *text, token_buf *tb)
{
    unsigned small[256];
    unsigned *poss = tb->n <= 256 ? small : malloc(tb->n * sizeof *poss);
    if (!poss) return -1;
    /* title case: most longer words capitalised */
    size_t longw = 0, capw = 0;
    int first = 1;
    for (size_t k = 0; k < tb->n; k++) {
        token *t = &tb->t[k];
        if (t->kind != TOK_WORD) continue;
        if (first) {
            t->sent_start = 1;
            first = 0;
            continue;
        }
        if (t->lowlen >= 4) {
            longw++;
            capw += t->cap;
        }
    }
    int titlecase = longw >= 3 && capw * 10 >= longw * 9; /* a lower-case verb: not a title */
    /* pass 1: closed classes, numbers, names, possibilities */
    for (size_t k = 0; k < tb->n; k++) {
        token *t = &tb->t[k];
        poss[k] = 0;
        t->tag = T_NONE;
        if (t->kind == TOK_QUOTE) {
            t->tag = T_QUOTE;
            continue;
        }
        if (t->kind == TOK_POSS) {
            t->tag = T_POSS;
            continue;
        }
        if (t->kind == TOK_PUNCT) {
            t->tag = T_PUNCT;
            continue;
        }
        unsigned char c0 = (unsigned char)text[t->start];
        if (c0 >= '0' && c0 <= '9') {
            t->tag = T_NUM;
            continue;
        }
        if (all_caps(text, t) && t->lowlen >= 2 && strcmp(t->low, "i")) {
            t->tag = T_PROPN;
            continue;
        }
        unsigned cls = lex_class(lex, t->low, t->lowlen);
        unsigned ct = cls & CL_TAGMASK;
        if (ct && !(t->cap && !t->sent_start && !titlecase && ct != T_DET && ct != T_PREP &&
                    ct != T_CONJ && ct != T_TO && ct != T_AUX && ct != T_MODAL)) {
            t->tag = (int)ct;
            const char *al;
            int vf;
            if (ct == T_AUX && aux_form(t->low, &vf, &al)) {
                t->vform = vf;
                t->lemma = (char *)al;
            }
            continue;
        }
        if (t->cap && !titlecase && !t->sent_start) {
            t->tag = T_PROPN;
            continue;
        }
        poss[k] = possibilities(lex, tb, t);
        if (t->cap && (t->sent_start || titlecase)) {
            /* a name at the start: unknown to WordNet, or followed by another capital */
            const token *n = k + 1 < tb->n ? &tb->t[k + 1] : NULL;
            const lex_word *lw = lex_lookup(lex, t->low, t->lowlen);
            int rare =
                !(poss[k] & P_V) && (!lw || (lw->nfreq == 0 && !(lw->pos & (WN_ADJ | WN_ADV))));
            if (!poss[k] || rare || (!titlecase && n && n->kind == TOK_WORD && n->cap)) {
                t->tag = T_PROPN;
                poss[k] = 0;
            }
        }
    }
    /* pass 2: context */
    for (size_t k = 0; k < tb->n; k++) {
        token *t = &tb->t[k];
        if (t->tag != T_NONE) continue;
        t->tag = choose(lex, text, tb, k, poss);
        if (t->tag != T_VERB) continue;
        if (!t->lemma) {
            t->tag = T_NOUN;
            continue;
        }
        /* a past form after have/be is a past participle */
        size_t pi;
        if (t->vform == VF_PAST && prev_index(tb, k, &pi) && tb->t[pi].tag == T_AUX &&
            tb->t[pi].lemma && strcmp(tb->t[pi].lemma, "do"))
            t->vform = VF_PASTPART;
        /* a particle: "pull out", "call off" */
        if (k + 1 < tb->n) {
            token *n = &tb->t[k + 1];
            if (n->kind == TOK_WORD && (lex_class(lex, n->low, n->lowlen) & CL_PARTICLE) &&
                lex_phrasal(lex, t->lemma, n->low, n->lowlen)) {
                n->tag = T_PART;
                k++;
            }
        }
    }
    /* "as" before a clause ("as Khalilzad returned") subordinates it */
    for (size_t k = 0; k + 1 < tb->n; k++) {
        if (strcmp(tb->t[k].low, "as") || tb->t[k].tag != T_PREP) continue;
        size_t j = k + 1;
        while (j < tb->n &&
               (tb->t[j].tag == T_DET || tb->t[j].tag == T_ADJ || tb->t[j].tag == T_NOUN ||
                tb->t[j].tag == T_PROPN || tb->t[j].tag == T_PPRON || tb->t[j].tag == T_POSS ||
                tb->t[j].tag == T_NUM || tb->t[j].tag == T_PRON))
            j++;
        if (j > k + 1 && j < tb->n &&
            (tb->t[j].tag == T_AUX || tb->t[j].tag == T_MODAL ||
             (tb->t[j].tag == T_VERB && tb->t[j].vform != VF_ING)))
            tb->t[k].tag = T_SUB;
    }
    if (poss != small) free(poss);
    return 0;
}
