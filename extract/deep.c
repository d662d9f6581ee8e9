/* deep.c — claims read from a sentence's full link-grammar linkage, ClausIE-style: each
 * subject link (S*, SI, RS) is a clause; its verb chain (I, PP, Pv, Pg) gives the predicate,
 * passives and negation (N, "never"); its complements (O*, TH/Ce clauses, TO infinitives,
 * Pa/Pp of a copula, MVp prepositional phrases) the object, kept whole as the object text
 * (n-ary: "in Herat on Tuesday" stays with the object). Coordinated subjects and verbs
 * (SJ, VJ) give one claim each. A clause under a speech verb ("X said that ...", "..., said X")
 * is claimed by X; appositives (MX) give an implicit "be". The words of the claim are token
 * ranges of the fast path's tokens, so terms, spans and coreference are shared with it. */
#include "clause.h"
#include "linkage.h"

#include <string.h>

#define MAX_CONJ 8

typedef struct deep {
    const claimdb_lexicon *lex;
    const char *text;
    size_t base;
    token_buf *tb;
    const lk_parse *lp;
    int flags;
    size_t tok[LK_MAX_WORDS]; /* the token each word starts in (SIZE_MAX: a wall) */
    raw_claim_fn fn;
    void *ctx;
} deep;

/* ---- labels and the direction of links ------------------------------------------------------ */

/* The upper-case part of a label ("MVp" → "MV", "Ss*s" → "S", "_IBHE" → "_"). */
static size_t prefix_len(const char *lab)
{
    if (lab[0] == '_') return 1;
    size_t n = 0;
    while (lab[n] >= 'A' && lab[n] <= 'Z')
        n++;
    return n;
}

static int is_prefix(const lk_link *k, const char *p)
{
    size_t n = prefix_len(k->label);
    return strlen(p) == n && !strncmp(k->label, p, n);
}

/* A conjunction link: SJ, VJ, OJ, MJ, AJ, RJ, ... with subscript l or r. */
static int conj_link(const lk_link *k)
{
    size_t n = prefix_len(k->label);
    return n == 2 && k->label[1] == 'J' && (k->label[2] == 'l' || k->label[2] == 'r');
}

/* Labels whose left word governs the right one (objects, modifiers on the right, verb chains,
 * complements), and those whose right word governs (determiners, adjectives, subjects). The
 * walls, openers (CO) and clause links (W*, X*p, CP) are neither: phrases never cross them. */
static const char *const left_heads[] = {"O",  "OD", "OT", "OX", "J",  "IN", "ON", "M",  "MV",
                                         "MX", "R",  "RS", "B",  "TH", "TO", "I",  "IV", "PP",
                                         "P",  "N",  "K",  "CV", "C",  "SI", "TY", "TM", "NM",
                                         "OF", "QI", "Xc", "MG", "JT", "Z",  "BI", "U",  NULL};
static const char *const right_heads[] = {
    "D",  "DG", "DD", "DT", "A",  "AN", "AA", "G",  "GN", "YS", "YP", "S",  "SX", "E",  "EN", "EA",
    "EE", "EB", "H",  "L",  "ND", "NN", "NI", "TA", "Xd", "_",  "NJ", "NS", "NT", "NW", "AL", NULL};

static int in_list(const lk_link *k, const char *const *list)
{
    char p[8];
    size_t n = prefix_len(k->label);
    if (n >= sizeof p) return 0;
    memcpy(p, k->label, n);
    p[n] = '\0';
    if (k->label[0] == 'X' && (k->label[1] == 'c' || k->label[1] == 'd')) {
        p[1] = k->label[1]; /* Xc, Xd: commas of an appositive */
        p[2] = '\0';
    }
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(p, list[i])) return 1;
    return 0;
}

/* The word that w governs through link k, or -1. */
static long dependent(const lk_link *k, size_t w)
{
    if (k->l != w && k->r != w) return -1;
    if (conj_link(k)) { /* the conjunction governs its conjuncts */
        if (k->label[2] == 'l') return k->r == w ? (long)k->l : -1;
        return k->l == w ? (long)k->r : -1;
    }
    if (k->l == w && in_list(k, left_heads)) return k->r;
    if (k->r == w && in_list(k, right_heads)) return k->l;
    return -1;
}

/* ---- words -------------------------------------------------------------------------------------
 */

static int wall(const deep *d, size_t w)
{
    return w == 0 || w + 1 >= d->lp->nw || d->tok[w] == (size_t)-1;
}

/* The token of word w. Callers check wall() first; a wall falls back to the first token
 * rather than reading out of bounds. */
static const token *tk(const deep *d, size_t w)
{
    return &d->tb->t[wall(d, w) ? 0 : d->tok[w]];
}

/* The word's dictionary form starts with s followed by its end or a '.' ("said.v-d"). */
static int word_is(const deep *d, size_t w, const char *s)
{
    const char *x = d->lp->word[w];
    size_t n = strlen(s);
    return !strncmp(x, s, n) && (x[n] == '\0' || x[n] == '.' || x[n] == '[');
}

static int is_be(const deep *d, size_t w)
{
    const token *t = tk(d, w);
    return t->lemma && !strcmp(t->lemma, "be") && (t->tag == T_AUX || t->tag == T_VERB);
}

/* The word a link of prefix p joins to w, on the side given (l: w is the left word). */
static long linked(const deep *d, size_t w, const char *p, int w_left)
{
    for (size_t i = 0; i < d->lp->nl; i++) {
        const lk_link *k = &d->lp->link[i];
        if (!is_prefix(k, p)) continue;
        if (w_left && k->l == w) return k->r;
        if (!w_left && k->r == w) return k->l;
    }
    return -1;
}

/* ---- phrases ------------------------------------------------------------------------------------
 */

enum { EX_APPOS = 1, EX_REL = 2, EX_MV = 4 };

typedef struct span {
    size_t lo, hi; /* words, inclusive; lo > hi: empty */
} span;

static void walk(const deep *d, size_t w, int ex, unsigned char *seen, span *s)
{
    if (seen[w]) return;
    seen[w] = 1;
    if (!wall(d, w)) {
        if (w < s->lo) s->lo = w;
        if (w > s->hi || s->hi == (size_t)-1) s->hi = w;
    }
    for (size_t i = 0; i < d->lp->nl; i++) {
        const lk_link *k = &d->lp->link[i];
        long x = dependent(k, w);
        if (x < 0) continue;
        if ((ex & EX_APPOS) && is_prefix(k, "MX")) continue;
        if ((ex & EX_REL) && (is_prefix(k, "R") || is_prefix(k, "B") || is_prefix(k, "MX")))
            continue;
        if ((ex & EX_MV) && is_prefix(k, "MV")) continue;
        walk(d, (size_t)x, ex, seen, s);
    }
}

/* The phrase headed by w, never entering the words of block (may be NULL). */
static span phrase(const deep *d, size_t w, int ex, const unsigned char *block)
{
    unsigned char seen[LK_MAX_WORDS];
    if (block)
        memcpy(seen, block, sizeof seen);
    else
        memset(seen, 0, sizeof seen);
    seen[w] = 0;
    span s = {(size_t)-1, (size_t)-1};
    s.lo = (size_t)-1;
    walk(d, w, ex, seen, &s);
    return s;
}

static int empty(span s)
{
    return s.hi == (size_t)-1 || s.lo > s.hi;
}

/* Token range [*a, *b) of a word span. */
static void tokens_of(const deep *d, span s, size_t *a, size_t *b)
{
    *a = d->tok[s.lo];
    *b = d->tok[s.hi] + 1;
    /* a word ending inside a token ("U.S.-backed" split by the parser) ends with it */
    if (*b > d->tb->n) *b = d->tb->n;
}

/* The conjuncts of w ("the Taliban and the U.S." → both), or w itself. */
static size_t conjuncts(const deep *d, size_t w, size_t *out, size_t n, int depth)
{
    size_t m = 0;
    for (size_t i = 0; i < d->lp->nl && depth < 4; i++) {
        const lk_link *k = &d->lp->link[i];
        if (!conj_link(k)) continue;
        long x = dependent(k, w);
        if (x < 0) continue;
        m += conjuncts(d, (size_t)x, out + m, n - m, depth + 1);
        if (m >= n) return n;
    }
    if (!m && n) out[m++] = w;
    return m;
}

/* ---- verb chains ----------------------------------------------------------------------------- */

typedef struct chain {
    size_t head, main; /* the word the subject links to; the verb that takes the complements */
    int neg, passive, hedge;
} chain;

static int chain_link(const lk_link *k)
{
    if (is_prefix(k, "I") || is_prefix(k, "PP")) return 1;
    return is_prefix(k, "P") && (k->label[1] == 'v' || k->label[1] == 'g');
}

static int negation_word(const deep *d, size_t w)
{
    return word_is(d, w, "not") || word_is(d, w, "n't") || word_is(d, w, "never");
}

static void follow_chain(const deep *d, size_t v, chain *c)
{
    /* "not" links to the auxiliary (N) and to the verb (En): count each negation word once */
    unsigned char negs[LK_MAX_WORDS];
    memset(negs, 0, sizeof negs);
    memset(c, 0, sizeof *c);
    c->head = c->main = v;
    for (int step = 0; step < 8; step++) {
        size_t w = c->main;
        if (!wall(d, w)) {
            if (lex_class(d->lex, tk(d, w)->low, tk(d, w)->lowlen) & CL_HEDGE) c->hedge = 1;
        }
        long next = -1;
        for (size_t i = 0; i < d->lp->nl; i++) {
            const lk_link *k = &d->lp->link[i];
            if (k->l == w && (is_prefix(k, "N") || is_prefix(k, "E") || is_prefix(k, "EN")) &&
                negation_word(d, k->r) && !negs[k->r]) {
                negs[k->r] = 1;
                c->neg = !c->neg;
            }
            if (k->r == w && (is_prefix(k, "E") || is_prefix(k, "EN") || is_prefix(k, "N")) &&
                negation_word(d, k->l) && !negs[k->l]) {
                negs[k->l] = 1;
                c->neg = !c->neg;
            }
            if (next < 0 && k->l == w && k->r > w && !wall(d, k->r) && chain_link(k)) {
                next = k->r;
                if (is_prefix(k, "P") && k->label[1] == 'v') c->passive = 1;
            }
        }
        if (next < 0) break;
        c->main = (size_t)next;
    }
    if (c->neg > 1) c->neg = 1;
}

/* The top of the chain that v is in (v itself when nothing leads to it). */
static size_t chain_top(const deep *d, size_t v)
{
    for (int step = 0; step < 8; step++) {
        long up = -1;
        for (size_t i = 0; i < d->lp->nl && up < 0; i++) {
            const lk_link *k = &d->lp->link[i];
            if (k->r == v && k->l < v && chain_link(k)) up = k->l;
        }
        if (up < 0) break;
        v = (size_t)up;
    }
    return v;
}

/* The subject word of the clause whose chain starts at top, or -1. */
static long subject_of(const deep *d, size_t top)
{
    for (size_t i = 0; i < d->lp->nl; i++) {
        const lk_link *k = &d->lp->link[i];
        size_t n = prefix_len(k->label);
        if (k->r == top && k->label[0] == 'S' && (n == 1 || (n == 2 && k->label[1] == 'X')))
            return k->l;
        if (k->l == top && n >= 2 && k->label[0] == 'S' && k->label[1] == 'I') return k->r;
        if (k->r == top && is_prefix(k, "RS")) return k->l;
    }
    return -1;
}

/* ---- attribution ------------------------------------------------------------------------- */

typedef struct said {
    long verb;    /* the speech verb, or -1 */
    long subject; /* its subject word */
    int negated;  /* "denied that", "did not say that" */
    int speech;   /* the verb is a speech verb (else: "demanded that": not a claim of its own) */
} said;

static unsigned word_class(const deep *d, size_t w)
{
    if (wall(d, w)) return 0;
    const token *t = tk(d, w);
    const char *lem = t->lemma ? t->lemma : t->low;
    return lex_class(d->lex, lem, strlen(lem));
}

/* The verb whose "that"-clause or bare clause (TH, Ce + CV) holds the chain of c. */
static void governing_verb(const deep *d, const chain *c, said *s)
{
    memset(s, 0, sizeof *s);
    s->verb = s->subject = -1;
    for (size_t i = 0; i < d->lp->nl && s->verb < 0; i++) {
        const lk_link *k = &d->lp->link[i];
        if (!is_prefix(k, "CV") || k->r < c->head || k->r > c->main) continue;
        size_t g = k->l;
        long th = linked(d, g, "TH", 0);
        if (th >= 0)
            s->verb = th;
        else if (!wall(d, g) && (tk(d, g)->tag == T_VERB || tk(d, g)->tag == T_AUX))
            s->verb = (long)g;
    }
    /* "…, said the official": a quotation verb (".q") speaks for the whole sentence */
    if (s->verb < 0)
        for (size_t w = 1; w + 1 < d->lp->nw; w++)
            if (strstr(d->lp->word[w], ".q") && w != c->head && w != c->main) {
                s->verb = (long)w;
                break;
            }
    if (s->verb < 0) return;
    chain sc;
    size_t top = chain_top(d, (size_t)s->verb);
    follow_chain(d, top, &sc);
    unsigned lc = word_class(d, (size_t)s->verb);
    s->speech = (lc & CL_SPEECH) != 0;
    s->negated = sc.neg ^ ((lc & CL_NEGVERB) != 0);
    s->subject = subject_of(d, top);
}

/* ---- claims -------------------------------------------------------------------------------- */

/* The antecedent of a relative pronoun subject ("the man who ...", "John, who ..."). */
static long antecedent(const deep *d, size_t w)
{
    if (!(word_is(d, w, "who") || word_is(d, w, "which") || word_is(d, w, "that"))) return -1;
    /* R ("the man who"), MX*r ("John, who"), Mr: the noun on the left */
    for (size_t i = 0; i < d->lp->nl; i++) {
        const lk_link *k = &d->lp->link[i];
        if (k->r == w && k->l < w && (k->label[0] == 'R' || k->label[0] == 'M') && !wall(d, k->l))
            return k->l;
    }
    return -1;
}

static int pronoun(const deep *d, span s)
{
    return s.lo == s.hi && tk(d, s.lo)->tag == T_PRON;
}

static int emit(deep *d, span subj, size_t pred_first, size_t pred_last, int implicit, span objt,
                span obj, const char *pred, int neg, double local, const said *sd)
{
    raw_claim c;
    memset(&c, 0, sizeof c);
    tokens_of(d, subj, &c.subj_a, &c.subj_b);
    if (implicit) {
        c.pred_a = c.pred_b = d->tok[objt.lo];
    } else {
        c.pred_a = d->tok[pred_first];
        c.pred_b = d->tok[pred_last] + 1;
    }
    tokens_of(d, obj, &c.obj_a, &c.obj_b);
    tokens_of(d, objt, &c.objt_a, &c.objt_b);
    if (c.subj_b <= c.subj_a || c.obj_b <= c.obj_a) return 0;
    /* the subject and the object must not overlap ("said the official" inverted) */
    if (c.obj_a < c.subj_b && c.subj_a < c.obj_b) return 0;
    if (sd && sd->subject >= 0 && sd->speech) {
        span who = phrase(d, (size_t)sd->subject, EX_APPOS | EX_REL, NULL);
        if (!empty(who)) tokens_of(d, who, &c.claim_a, &c.claim_b);
        c.indirect = 1;
    }
    set_pred(c.predicate, pred, NULL);
    c.negated = neg ^ (sd && sd->speech && sd->negated);
    c.implicit = implicit;
    if (local > 1) local = 1;
    /* a full linkage ranks above the rules (their confidences are scaled below 0.7) */
    c.confidence = 0.7 + 0.3 * local;
    return d->fn(d->ctx, &c);
}

/* The object of the chain c: its first complement (direct object, clause, infinitive, copula
 * complement) with the prepositional phrases after it; with none, the first prepositional
 * phrase joins the predicate ("pulled out of the country"). */
typedef struct object {
    span objt, obj;
    size_t pred_last; /* the last word of the predicate */
    char prep[64];    /* a preposition joined to the predicate */
    int clause;       /* the object is a clause */
} object;

static int find_object(const deep *d, const chain *c, const unsigned char *subj_words, object *o)
{
    memset(o, 0, sizeof *o);
    size_t m = c->main;
    o->pred_last = m;
    long head = -1, first_mv = -1;
    int kind = 0; /* 1 object, 2 clause, 3 infinitive, 4 copula complement */
    span all = {(size_t)-1, (size_t)-1};
    for (size_t i = 0; i < d->lp->nl; i++) {
        const lk_link *k = &d->lp->link[i];
        if (k->l != m || k->r <= m || wall(d, k->r)) continue;
        int kk = 0;
        if (is_prefix(k, "O") || is_prefix(k, "OT") || is_prefix(k, "OD")) kk = 1;
        if (is_prefix(k, "TH") || is_prefix(k, "C") || is_prefix(k, "QI")) kk = 2;
        if (is_prefix(k, "TO")) kk = 3;
        if (is_prefix(k, "P") && (k->label[1] == 'a' || k->label[1] == 'p')) kk = 4;
        if (is_prefix(k, "K")) {
            if (k->r > o->pred_last) o->pred_last = k->r; /* "pull out" */
            continue;
        }
        if (is_prefix(k, "MV") && k->label[2] == 'p') {
            if (first_mv < 0 || k->r < (size_t)first_mv) first_mv = k->r;
            continue;
        }
        if (kk && (head < 0 || k->r < (size_t)head)) {
            head = k->r;
            kind = kk;
        }
    }
    if (head < 0 && first_mv < 0) return 0;
    if (head >= 0) {
        o->objt = phrase(d, (size_t)head, kind == 1 ? EX_REL : 0, subj_words);
        o->clause = kind == 2;
    } else {
        /* the preposition joins the predicate; its object is the object */
        o->pred_last = (size_t)first_mv;
        size_t n = tk(d, (size_t)first_mv)->lowlen;
        if (n >= sizeof o->prep) n = sizeof o->prep - 1;
        memcpy(o->prep, tk(d, (size_t)first_mv)->low, n);
        o->prep[n] = '\0';
        span p = phrase(d, (size_t)first_mv, EX_REL, subj_words);
        if (empty(p) || p.hi <= (size_t)first_mv) return 0;
        p.lo = (size_t)first_mv + 1;
        o->objt = p;
    }
    if (empty(o->objt)) return 0;
    all = o->objt;
    /* n-ary: the prepositional phrases right after the object stay with it ("in Herat on
     * Tuesday"), and so do adverbials; one further away would bring what lies between */
    for (int grew = 1; grew;) {
        grew = 0;
        for (size_t i = 0; i < d->lp->nl; i++) {
            const lk_link *k = &d->lp->link[i];
            if (k->l != m || k->r <= all.hi || k->r > all.hi + 2 || !is_prefix(k, "MV")) continue;
            span p = phrase(d, k->r, EX_REL, subj_words);
            if (empty(p) || p.lo < all.hi) continue;
            all.hi = p.hi;
            grew = 1;
        }
    }
    if (all.lo <= o->pred_last) all.lo = o->pred_last + 1;
    if (o->objt.lo <= o->pred_last) o->objt.lo = o->pred_last + 1;
    if (all.lo > all.hi || o->objt.lo > o->objt.hi) return 0;
    o->obj = all;
    return 1;
}

/* A claim of a clause as clause() reads it. */
typedef struct deep_claim {
    chain c;     /* the verb chain of the clause's verb */
    chain inner; /* the chain of the predicate's verb: c, or a catenative's infinitive */
    said sd;     /* the speech verb the clause is the content of */
    span subj;
    unsigned char block[LK_MAX_WORDS]; /* the subject and its verb: no part of the object */
    object o;
    char pred[128];
    int neg;
    double local; /* confidence in the reading, before emit() scales it */
} deep_claim;

/* Both the parser and the tagger must see verbs: where they disagree ("Gladiators : Train 2
 * Win", "nine middle schools", "Queen 's Birthday") the parse is wrong. */
static int verbs_agree(const deep *d, const chain *c)
{
    for (int i = 0; i < 2; i++) {
        size_t w = i ? c->main : c->head;
        int vt = tk(d, w)->tag;
        if (!strstr(d->lp->word[w], ".v") && !strstr(d->lp->word[w], ".q")) return 0;
        if (vt == T_NOUN || vt == T_PROPN || vt == T_NUM || vt == T_POSS || vt == T_PUNCT ||
            vt == T_DET)
            return 0;
    }
    return 1;
}

/* The subject phrase of word s (through a relative pronoun to its antecedent), which never
 * reaches into its verb; 0 when it is empty or comes after the verb. */
static int deep_subject(const deep *d, size_t s, deep_claim *dc)
{
    long ante = antecedent(d, s);
    unsigned char verb_only[LK_MAX_WORDS];
    memset(verb_only, 0, sizeof verb_only);
    verb_only[dc->c.head] = 1;
    if (ante >= 0) {
        dc->subj = phrase(d, (size_t)ante, EX_APPOS | EX_REL, verb_only);
        dc->local -= 0.05;
    } else {
        dc->subj = phrase(d, s, EX_APPOS | EX_REL, verb_only);
    }
    if (empty(dc->subj) || dc->subj.lo > dc->c.head) return 0;
    memset(dc->block, 0, sizeof dc->block);
    for (size_t w = dc->subj.lo; w <= dc->subj.hi; w++)
        dc->block[w] = 1;
    dc->block[dc->c.head] = 1;
    return 1;
}

/* A catenative's infinitive is the predicate: "declined to comment", "want to leave". */
static void deep_infinitive(const deep *d, deep_claim *dc)
{
    unsigned lc = word_class(d, dc->c.main);
    long to = linked(d, dc->c.main, "TO", 1);
    dc->inner = dc->c;
    dc->neg = dc->c.neg;
    if (to < 0 || !(lc & (CL_CATENATIVE | CL_NEGVERB))) return;
    long iv = linked(d, (size_t)to, "I", 1);
    if (iv < 0 || wall(d, (size_t)iv)) return;
    follow_chain(d, (size_t)iv, &dc->inner);
    dc->inner.head = dc->c.head;
    if (lc & CL_NEGVERB) dc->neg = !dc->neg;
    if (lc & CL_HEDGE) dc->local *= 0.75;
}

/* The first n bytes of t's lower-case form (at most size - 1) into out. */
static size_t copy_low(const token *t, char *out, size_t size)
{
    size_t n = t->lowlen < size - 1 ? t->lowlen : size - 1;
    memcpy(out, t->low, n);
    out[n] = '\0';
    return n;
}

/* The predicate: "be held" for a passive, "be" (with its preposition) for a copula, the verb
 * with a preposition it forms a phrasal verb with, or with its particle. */
static void deep_predicate(const deep *d, deep_claim *dc)
{
    const object *o = &dc->o;
    const token *mt = tk(d, dc->inner.main);
    const char *lem = mt->lemma ? mt->lemma : mt->low;
    if (dc->inner.passive) {
        char part[100];
        copy_low(mt, part, sizeof part);
        set_pred(dc->pred, "be", part);
    } else if (is_be(d, dc->inner.main)) {
        set_pred(dc->pred, "be", o->prep[0] ? o->prep : NULL);
    } else if (o->prep[0] && lex_phrasal(d->lex, lem, o->prep, strlen(o->prep))) {
        set_pred(dc->pred, lem, o->prep);
    } else {
        set_pred(dc->pred, lem, NULL);
    }
    if (o->pred_last != dc->inner.main && !o->prep[0]) { /* a particle */
        char part[64];
        size_t n = copy_low(tk(d, o->pred_last), part, sizeof part);
        if (lex_phrasal(d->lex, lem, part, n)) set_pred(dc->pred, lem, part);
    }
}

/* "bought apples and oranges in the market": the parser may join the second object to the
 * verb through a conjunction (VJd); it is a claim of its own. */
static int conjoined_objects(deep *d, deep_claim *dc)
{
    int rc = 0;
    for (size_t i = 0; i < d->lp->nl && !rc && !dc->o.prep[0]; i++) {
        const lk_link *k = &d->lp->link[i];
        if (k->l != dc->inner.main || !is_prefix(k, "VJ") || k->label[2] != 'd' || wall(d, k->r))
            continue;
        chain cc = dc->inner;
        cc.main = k->r;
        object o2;
        if (!find_object(d, &cc, dc->block, &o2) || o2.prep[0] || o2.clause) continue;
        rc = emit(d, dc->subj, dc->c.head, dc->o.pred_last, 0, o2.objt, o2.obj, dc->pred, dc->neg,
                  dc->local, &dc->sd);
    }
    return rc;
}

/* The clause of subject word s and verb word v; reduced: a participle after its noun ("a
 * statement issued via its website"), a claim with less confidence. */
static int clause(deep *d, size_t s, size_t v, int reduced)
{
    deep_claim dc;
    follow_chain(d, v, &dc.c);
    if (wall(d, dc.c.head) || wall(d, dc.c.main) || wall(d, s)) return 0;
    if (!verbs_agree(d, &dc.c)) return 0;
    governing_verb(d, &dc.c, &dc.sd);
    if (dc.sd.verb >= 0 && !dc.sd.speech) return 0;     /* "demanded that X": not claimed */
    if (strstr(d->lp->word[dc.c.main], ".q")) return 0; /* "…, said X" */
    if (word_is(d, s, "there")) return 0;
    dc.local = reduced ? 0.6 : 0.9;
    if (!deep_subject(d, s, &dc)) return 0;
    deep_infinitive(d, &dc);
    if (!find_object(d, &dc.inner, dc.block, &dc.o)) return 0;
    /* "X said that ...": the content is its own claim, claimed by X */
    if (dc.o.clause && (word_class(d, dc.inner.main) & CL_SPEECH) &&
        !(d->flags & CLAIMDB_EXTRACT_REPORTING))
        return 0;
    deep_predicate(d, &dc);
    if (dc.c.hedge || dc.inner.hedge) dc.local *= 0.75;
    if (pronoun(d, dc.subj)) dc.local -= 0.15;
    if (dc.o.obj.hi - dc.o.obj.lo > 12) dc.local -= 0.1;
    if (dc.o.clause) dc.local -= 0.05;
    /* Coordinated objects ("bought apples and oranges", SJ under the O link) stay one
     * object: a claim per conjunct lowered CaRB's F1 (0.480 to 0.479) and the curated
     * precision (0.186 to 0.181). */
    int rc = emit(d, dc.subj, dc.c.head, dc.o.pred_last, 0, dc.o.objt, dc.o.obj, dc.pred, dc.neg,
                  dc.local, &dc.sd);
    return rc ? rc : conjoined_objects(d, &dc);
}

/* "Ismail Khan, a prominent jihadi leader,": Ismail Khan / be / a prominent jihadi leader. */
static int appositive(deep *d, const lk_link *k)
{
    if (k->label[2] == 'r' || wall(d, k->l) || wall(d, k->r)) return 0;
    if (antecedent(d, k->r) >= 0 || tk(d, k->r)->tag == T_VERB) return 0;
    span subj = phrase(d, k->l, EX_APPOS | EX_REL, NULL);
    unsigned char block[LK_MAX_WORDS];
    memset(block, 0, sizeof block);
    block[k->l] = 1;
    span obj = phrase(d, k->r, EX_APPOS | EX_REL | EX_MV, block);
    if (empty(subj) || empty(obj) || obj.lo <= subj.hi) return 0;
    /* an appositive stands between commas: without one, MX joins the parts of a compound the
     * parser misread ("reduced instruction set computing") */
    if (strcmp(d->lp->word[obj.lo], ",") && strcmp(d->lp->word[obj.lo - 1], ",")) return 0;
    if (!strcmp(d->lp->word[obj.lo], ",")) obj.lo++;
    for (size_t w = obj.lo + 1; w <= obj.hi; w++)
        if (!strcmp(d->lp->word[w], ",")) { /* the appositive ends at its comma */
            obj.hi = w - 1;
            break;
        }
    return emit(d, subj, 0, 0, 1, obj, obj, "be", 0, 0.6, NULL);
}

/* The token each word starts in: the parse's byte offsets are from base. */
static int map_words(deep *d)
{
    const token_buf *tb = d->tb;
    size_t t = 0;
    for (size_t w = 0; w < d->lp->nw; w++) {
        d->tok[w] = (size_t)-1;
        if (w == 0 || w + 1 == d->lp->nw || d->lp->end[w] <= d->lp->start[w]) continue;
        size_t off = d->base + d->lp->start[w];
        while (t > 0 && tb->t[t].start > off)
            t--;
        while (t + 1 < tb->n && tb->t[t].end <= off)
            t++;
        /* a word in a blank (the parser's own tokens never are) takes the next token, so that
         * every word but the walls has one */
        d->tok[w] = t;
    }
    return 0;
}

int deep_relations(const claimdb_lexicon *lex, const char *text, size_t base, token_buf *tb,
                   const lk_parse *lp, int flags, raw_claim_fn fn, void *ctx)
{
    deep d;
    memset(&d, 0, sizeof d);
    d.lex = lex;
    d.text = text;
    d.base = base;
    d.tb = tb;
    d.lp = lp;
    d.flags = flags;
    d.fn = fn;
    d.ctx = ctx;
    if (!tb->n) return 0;
    map_words(&d);
    int rc = 0;
    for (size_t i = 0; i < lp->nl && !rc; i++) {
        const lk_link *k = &lp->link[i];
        size_t n = prefix_len(k->label);
        long s = -1, v = -1;
        if (k->label[0] == 'S' && (n == 1 || (n == 2 && k->label[1] == 'X'))) {
            s = k->l;
            v = k->r;
        } else if (n >= 2 && k->label[0] == 'S' && k->label[1] == 'I') {
            s = k->r;
            v = k->l;
        } else if (is_prefix(k, "RS")) {
            s = k->l;
            v = k->r;
        } else if (is_prefix(k, "M") && k->label[1] == 'v') {
            /* Mv: "the organ built by Arp Schnitger" (Mg, "-ing" modifiers, lowered CaRB F1) */
            rc = clause(&d, k->l, k->r, 1);
            continue;
        } else if (is_prefix(k, "MX")) {
            rc = appositive(&d, k);
            continue;
        } else {
            continue;
        }
        size_t subs[MAX_CONJ], verbs[MAX_CONJ];
        size_t ns = conjuncts(&d, (size_t)s, subs, MAX_CONJ, 0);
        size_t nv = conjuncts(&d, (size_t)v, verbs, MAX_CONJ, 0);
        for (size_t a = 0; a < ns && !rc; a++)
            for (size_t b = 0; b < nv && !rc; b++)
                rc = clause(&d, subs[a], verbs[b], 0);
    }
    return rc;
}
