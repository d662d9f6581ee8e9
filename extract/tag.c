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

/* What choose() knows of word k: its possibilities, the word before and the word after. */
typedef struct word_ctx {
    const claimdb_lexicon *lex;
    const token_buf *tb;
    size_t k;
    const token *t;
    unsigned p;       /* P_* possibilities */
    int nk;           /* next_kind() */
    int next_nounish; /* the next word can head or modify a noun */
    size_t pi;        /* the previous word (prev_index()) */
    int pt;           /* its tag, T_NONE at the start of a clause */
    int speech;       /* the lemma is a speech verb */
    int phrasal_next; /* the next word is a particle of the lemma: "pull out" */
} word_ctx;

/* A word WordNet does not know. */
static int unknown_word(const token *t)
{
    if (ends_with(t, "ly")) return T_ADV;
    if (memchr(t->low, '-', t->lowlen) && (ends_with(t, "ed") || ends_with(t, "ing"))) return T_ADJ;
    return T_NOUN;
}

/* A word that can only be a verb: after a determiner, a verb form is an adjective ("the
 * proposed plan") or a noun. */
static int verb_only(const word_ctx *c)
{
    const token *t = c->t;
    size_t pi;
    if (prev_index(c->tb, c->k, &pi) &&
        (c->tb->t[pi].tag == T_DET || c->tb->t[pi].tag == T_PPRON || c->tb->t[pi].tag == T_POSS) &&
        (t->vform == VF_PAST || t->vform == VF_ING))
        return c->next_nounish ? T_ADJ : T_NOUN;
    return T_VERB;
}

/* After "and": a verb when a verb of the same form comes before it, "which started last week
 * and runs through". */
static int verb_before_conj(const word_ctx *c)
{
    const token *tt = c->tb->t;
    size_t pj;
    if (prev_index(c->tb, c->pi, &pj) && tt[pj].tag == T_VERB && tt[pj].vform == c->t->vform)
        return 1;
    if (c->t->vform == VF_PRES3 || c->t->vform == VF_PAST)
        for (size_t j = c->pi; j-- > 0;)
            if (tt[j].tag == T_VERB && tt[j].vform == c->t->vform) return 1;
    return 0;
}

/* The next word is one a verb takes after it: a determiner, a name, a number, "to", ... */
static int is_objectish(int nk)
{
    return nk == T_DET || nk == T_PPRON || nk == T_PRON || nk == T_TO || nk == T_WH ||
           nk == T_PROPN || nk == T_NUM;
}

/* After an auxiliary: "do" and "have" take verbs, "be" a verb form, adjective or noun. */
static int after_aux(const word_ctx *c)
{
    const token *t = c->t;
    unsigned p = c->p;
    const char *al = c->tb->t[c->pi].lemma ? c->tb->t[c->pi].lemma : "";
    if (!strcmp(al, "do")) return T_VERB;
    if (t->vform == VF_ING || t->vform == VF_PAST) return T_VERB;
    if (!strcmp(al, "have") && (t->vform == VF_BASE || t->vform == VF_PASTPART)) return T_VERB;
    if ((p & P_A) && c->nk != T_NOUN && c->nk != T_PROPN) return T_ADJ;
    return (p & P_N) ? T_NOUN : (p & P_A) ? T_ADJ : T_VERB;
}

/* After a pronoun: a verb after a subject pronoun, a noun after an object pronoun. */
static int after_pron(const word_ctx *c)
{
    const token *pv = &c->tb->t[c->pi];
    const token *tt = c->tb->t;
    unsigned p = c->p;
    size_t pj;
    if (!strcmp(pv->low, "one")) /* "One major difference" */
        return (p & P_A) && c->next_nounish ? T_ADJ : (p & P_N) ? T_NOUN : T_VERB;
    if (lex_class(c->lex, pv->low, pv->lowlen) & CL_PRONOBJ) return T_NOUN;
    const char *pw = pv->low;
    if (!strcmp(pw, "he") || !strcmp(pw, "she") || !strcmp(pw, "they") || !strcmp(pw, "we") ||
        !strcmp(pw, "i"))
        return T_VERB; /* subject pronouns */
    if (prev_index(c->tb, c->pi, &pj) && tt[pj].tag == T_VERB && tt[pj].lemma &&
        (lex_class(c->lex, tt[pj].lemma, strlen(tt[pj].lemma)) & CL_SPEECH))
        return T_VERB; /* "saying it favors" */
    if (prev_index(c->tb, c->pi, &pj) &&
        (tt[pj].tag == T_VERB || tt[pj].tag == T_PREP || tt[pj].tag == T_TO))
        return (p & P_A) ? T_ADJ : (p & P_N) ? T_NOUN : T_VERB; /* "make it clear" */
    return T_VERB;
}

/* An auxiliary or modal before the clause ends: "peace talks with Kabul could be ...", the
 * clause's verb comes later. */
static int aux_later(const word_ctx *c)
{
    for (size_t j = c->k + 1; j < c->tb->n; j++) {
        int tj = c->tb->t[j].tag;
        if (tj == T_PUNCT || tj == T_WH || tj == T_SUB || tj == T_CONJ || tj == T_TO ||
            tj == T_PRON)
            return 0;
        if (tj == T_AUX || tj == T_MODAL) return 1;
    }
    return 0;
}

/* The name before this word is inside a phrase that a preposition, determiner or verb
 * governs: "a withdrawal of U.S.-NATO troops", "the Jaguar shares". A preposition that opens
 * a clause ("as", "after", "before", "since") does not count. */
static int name_is_governed(const word_ctx *c)
{
    const token *tt = c->tb->t;
    size_t q = c->pi;
    while (q > 0 && (tt[q - 1].tag == T_PROPN || tt[q - 1].tag == T_NOUN ||
                     tt[q - 1].tag == T_ADJ || tt[q - 1].tag == T_QUOTE))
        q--;
    if (q == 0) return 0;
    const token *g = &tt[q - 1];
    int clause_prep = !strcmp(g->low, "as") || !strcmp(g->low, "after") ||
                      !strcmp(g->low, "before") || !strcmp(g->low, "since");
    return (g->tag == T_PREP && !clause_prep) || g->tag == T_DET || g->tag == T_TO ||
           g->tag == T_VERB || g->tag == T_PPRON || g->tag == T_POSS;
}

/* The noun phrase before this word follows a preposition or a verb other than one of
 * speech, so it is no subject: "in peace talks". */
static int noun_phrase_is_object(const word_ctx *c)
{
    const token *tt = c->tb->t;
    size_t q = c->pi;
    while (q > 0 &&
           (tt[q - 1].tag == T_NOUN || tt[q - 1].tag == T_ADJ || tt[q - 1].tag == T_PROPN ||
            tt[q - 1].tag == T_DET || tt[q - 1].tag == T_QUOTE || tt[q - 1].tag == T_PPRON))
        q--;
    if (q == 0) return 0;
    const token *g = &tt[q - 1];
    return g->tag == T_PREP || g->tag == T_TO ||
           (g->tag == T_VERB && g->lemma &&
            !(lex_class(c->lex, g->lemma, strlen(g->lemma)) & CL_SPEECH));
}

/* An -s form after a noun that no name-verb or next-word rule settled. */
static int pres3_after_noun(const word_ctx *c, int later)
{
    if (c->speech) return T_VERB;
    if (later) return T_NOUN;
    if (noun_phrase_is_object(c)) return T_NOUN;
    if (is_objectish(c->nk)) return T_VERB;
    const lex_word *w = lex_lookup(c->lex, c->t->lemma, strlen(c->t->lemma));
    return w && w->vfreq > w->nfreq ? T_VERB : T_NOUN;
}

/* After a noun or a name: the noun's verb, or the next word of a compound noun. */
static int after_noun(const word_ctx *c)
{
    const token *t = c->t;
    int nk = c->nk;
    /* "ground rents": an irregular past that is also a noun, before a noun */
    if (t->vform == VF_PAST && (c->p & P_N) && nk == T_NOUN && !ends_with(t, "ed")) return T_NOUN;
    if (t->vform == VF_PAST || t->vform == VF_ING) return T_VERB;
    if (c->phrasal_next) return T_VERB;
    /* an adverb between a noun and this word makes it a verb: "the lodge also hosts" */
    if (c->pi + 1 < c->k && c->tb->t[c->pi + 1].tag == T_ADV && t->vform != VF_BASE) return T_VERB;
    int later = t->vform == VF_PRES3 && aux_later(c);
    /* after a name, an -s form is its verb when something it can take follows:
     * "Bywaters offers personal tuition", but "Jaguar shares closed", "U.S. troops but" */
    if (c->pt == T_PROPN && t->vform == VF_PRES3 && !later &&
        (is_objectish(nk) || nk == T_ADJ || nk == T_NOUN) && !name_is_governed(c))
        return T_VERB;
    if (nk == T_VERB || nk == T_AUX || nk == T_MODAL || nk == T_NOUN || nk == T_ADJ) return T_NOUN;
    if (t->vform == VF_PRES3) return pres3_after_noun(c, later);
    /* base form: a verb after a plural noun ("forces pull out") */
    const token *pv = &c->tb->t[c->pi];
    int plural = pv->lowlen > 2 && pv->low[pv->lowlen - 1] == 's' && pv->low[pv->lowlen - 2] != 's';
    if (plural && (is_objectish(nk) || nk == T_PART || c->speech)) return T_VERB;
    return T_NOUN;
}

/* At the start of a clause. */
static int at_clause_start(const word_ctx *c)
{
    const token *t = c->t;
    unsigned p = c->p;
    int nk = c->nk;
    if ((t->vform == VF_PRES3 || t->vform == VF_PAST) &&
        (c->speech || nk == T_DET || nk == T_PPRON || nk == T_PROPN))
        return T_VERB;
    if (t->vform == VF_ING || t->vform == VF_PAST)
        return (p & (P_N | P_A)) && c->next_nounish ? T_ADJ : T_VERB;
    if ((p & P_A) && c->next_nounish) return T_ADJ;
    return (p & P_N) ? T_NOUN : T_VERB;
}

/* A word that can be a verb and something else, by the tag of the word before. */
static int by_previous(const word_ctx *c)
{
    const token *t = c->t;
    unsigned p = c->p;
    switch (c->pt) {
    case T_WH: /* "remarks that sophisticated strategies are": an adjective before a noun */
        if ((t->vform == VF_PAST || t->vform == VF_ING) && (p & P_A) && c->next_nounish)
            return T_ADJ;
        return T_VERB;
    case T_MODAL:
    case T_NEG:
        return T_VERB;
    case T_TO:
        return t->vform == VF_BASE || !(p & (P_N | P_A)) ? T_VERB : T_NOUN;
    case T_AUX:
        return after_aux(c);
    case T_PRON:
        return after_pron(c);
    case T_DET:
    case T_PPRON:
    case T_POSS:
    case T_ADJ:
    case T_NUM:
        if ((p & P_A) && c->next_nounish) return T_ADJ;
        return (p & P_N) ? T_NOUN : T_ADJ;
    case T_PREP:
    case T_SUB:
        if (t->vform == VF_ING) return T_VERB;
        if ((p & P_A) && c->next_nounish) return T_ADJ;
        return (p & P_N) ? T_NOUN : T_VERB;
    case T_NOUN:
    case T_PROPN:
        return after_noun(c);
    case T_VERB:
        if (t->vform == VF_ING) return T_VERB;
        return (p & P_A) && c->next_nounish ? T_ADJ : (p & P_N) ? T_NOUN : T_VERB;
    default:
        return at_clause_start(c);
    }
}

/* Pass 2: the tag of word k, which the closed lists and names left open, from its
 * possibilities and its context. */
static int choose(const claimdb_lexicon *lex, const token_buf *tb, size_t k, const unsigned *poss)
{
    word_ctx c = {.lex = lex, .tb = tb, .k = k, .t = &tb->t[k], .p = poss[k], .pt = T_NONE};
    const token *t = c.t;
    unsigned p = c.p;
    c.nk = next_kind(tb, k, poss);
    c.next_nounish = c.nk == T_NOUN || c.nk == T_PROPN || c.nk == T_ADJ || c.nk == T_NUM;
    if (!p) return unknown_word(t);
    if ((p & P_R) && ends_with(t, "ly")) return T_ADV;
    if (!(p & P_V)) {
        if ((p & P_A) && (c.next_nounish || !(p & P_N))) return T_ADJ;
        return (p & P_N) ? T_NOUN : T_ADV;
    }
    if (p == P_V) return verb_only(&c);
    if (prev_index(tb, k, &c.pi)) c.pt = tb->t[c.pi].tag;
    if (c.pt == T_CONJ && c.pi > 0) {
        if (verb_before_conj(&c)) return T_VERB;
        c.pt = T_NONE;
    }
    c.speech = (lex_class(lex, t->lemma, strlen(t->lemma)) & CL_SPEECH) != 0;
    if (k + 1 < tb->n && tb->t[k + 1].kind == TOK_WORD &&
        (lex_class(lex, tb->t[k + 1].low, tb->t[k + 1].lowlen) & CL_PARTICLE))
        c.phrasal_next = lex_phrasal(lex, t->lemma, tb->t[k + 1].low, tb->t[k + 1].lowlen);
    return by_previous(&c);
}

/* Marks the sentence's first word and says whether the sentence is in title case: most
 * longer words after the first capitalised (a lower-case verb makes it no title). */
static int mark_start_title_case(token_buf *tb)
{
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
    return longw >= 3 && capw * 10 >= longw * 9;
}

/* The tag a token has by its kind or its form alone: quote, possessive, punctuation, number,
 * an all-capitals name; T_NONE for the others. */
static int form_tag(const char *text, const token *t)
{
    if (t->kind == TOK_QUOTE) return T_QUOTE;
    if (t->kind == TOK_POSS) return T_POSS;
    if (t->kind == TOK_PUNCT) return T_PUNCT;
    unsigned char c0 = (unsigned char)text[t->start];
    if (c0 >= '0' && c0 <= '9') return T_NUM;
    if (all_caps(text, t) && t->lowlen >= 2 && strcmp(t->low, "i")) return T_PROPN;
    return T_NONE;
}

/* The closed-class tag of t (with an auxiliary's form and lemma), or 0. A capitalised word
 * inside a sentence is a name rather than a closed-class word, unless it is one that names
 * never are (a determiner, preposition, conjunction, "to", an auxiliary or modal). */
static int closed_tag(const claimdb_lexicon *lex, token *t, int titlecase)
{
    unsigned ct = lex_class(lex, t->low, t->lowlen) & CL_TAGMASK;
    if (!ct || (t->cap && !t->sent_start && !titlecase && ct != T_DET && ct != T_PREP &&
                ct != T_CONJ && ct != T_TO && ct != T_AUX && ct != T_MODAL))
        return 0;
    const char *al;
    int vf;
    if (ct == T_AUX && aux_form(t->low, &vf, &al)) {
        t->vform = vf;
        t->lemma = (char *)al;
    }
    return (int)ct;
}

/* A capitalised word at the start (or in a title) is a name when WordNet does not know it,
 * knows it only rarely as a noun, or another capital follows it. */
static int name_at_start(const claimdb_lexicon *lex, const token_buf *tb, size_t k, unsigned poss,
                         int titlecase)
{
    const token *t = &tb->t[k];
    const token *n = k + 1 < tb->n ? &tb->t[k + 1] : NULL;
    const lex_word *lw = lex_lookup(lex, t->low, t->lowlen);
    int rare = !(poss & P_V) && (!lw || (lw->nfreq == 0 && !(lw->pos & (WN_ADJ | WN_ADV))));
    return !poss || rare || (!titlecase && n && n->kind == TOK_WORD && n->cap);
}

/* Pass 1 for token k: its tag when its form, the closed lists or its capital settle it;
 * otherwise T_NONE, and poss[k] says what it can be. */
static void first_tag(const claimdb_lexicon *lex, const char *text, token_buf *tb, size_t k,
                      unsigned *poss, int titlecase)
{
    token *t = &tb->t[k];
    poss[k] = 0;
    t->tag = form_tag(text, t);
    if (t->tag != T_NONE) return;
    int ct = closed_tag(lex, t, titlecase);
    if (ct) {
        t->tag = ct;
        return;
    }
    if (t->cap && !titlecase && !t->sent_start) {
        t->tag = T_PROPN;
        return;
    }
    poss[k] = possibilities(lex, tb, t);
    if (t->cap && (t->sent_start || titlecase) && name_at_start(lex, tb, k, poss[k], titlecase)) {
        t->tag = T_PROPN;
        poss[k] = 0;
    }
}

/* A verb that pass 2 chose: a past form after have/be is a past participle, and a particle
 * after it ("pull out", "call off") is tagged. Returns 1 when the next token is that
 * particle. */
static int settle_verb(const claimdb_lexicon *lex, token_buf *tb, size_t k)
{
    token *t = &tb->t[k];
    size_t pi;
    if (t->vform == VF_PAST && prev_index(tb, k, &pi) && tb->t[pi].tag == T_AUX &&
        tb->t[pi].lemma && strcmp(tb->t[pi].lemma, "do"))
        t->vform = VF_PASTPART;
    if (k + 1 >= tb->n) return 0;
    token *n = &tb->t[k + 1];
    if (n->kind == TOK_WORD && (lex_class(lex, n->low, n->lowlen) & CL_PARTICLE) &&
        lex_phrasal(lex, t->lemma, n->low, n->lowlen)) {
        n->tag = T_PART;
        return 1;
    }
    return 0;
}

/* "as" before a clause ("as Khalilzad returned") subordinates it: a noun phrase and then a
 * verb group follow. */
static void subordinating_as(token_buf *tb)
{
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
}

int tag_tokens(const claimdb_lexicon *lex, const char *text, token_buf *tb)
{
    unsigned small[256];
    unsigned *poss = tb->n <= 256 ? small : malloc(tb->n * sizeof *poss);
    if (!poss) return -1;
    int titlecase = mark_start_title_case(tb);
    for (size_t k = 0; k < tb->n; k++)
        first_tag(lex, text, tb, k, poss, titlecase);
    /* pass 2: context */
    for (size_t k = 0; k < tb->n; k++) {
        token *t = &tb->t[k];
        if (t->tag != T_NONE) continue;
        t->tag = choose(lex, tb, k, poss);
        if (t->tag != T_VERB) continue;
        if (!t->lemma)
            t->tag = T_NOUN;
        else if (settle_verb(lex, tb, k))
            k++;
    }
    subordinating_as(tb);
    if (poss != small) free(poss);
    return 0;
}
