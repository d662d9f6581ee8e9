/* relation.c — the verbal claims of a clause's content (attribution.c has taken the
 * claimant off). Each finite verb group (ReVerb-style: a verb may take a following preposition
 * "met with", a light verb its noun "made an offer to", a copula its bare noun "is home to", a
 * catenative its infinitive "declined to comment") gives a claim: its subject is the noun
 * phrase on its left (through a relative pronoun to its antecedent, past an appositive, or the
 * previous group's subject after "and"/"but"), its object the noun phrase, "that"-clause,
 * infinitive or prepositional phrase on its right, up to the end of the clause. Claims inside
 * "if" clauses are left out. */
#include "clause.h"

#include <string.h>

static int is_pronoun_word(const token *t)
{
    return t->tag == T_PRON;
}

int emit_claim(view *v, const frame *fr, size_t sa, size_t sb, const vgroup *g, size_t pb,
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
    c.indirect = fr->indirect;
    c.confidence = conf * fr->conf;
    if (c.confidence > 1) c.confidence = 1;
    return v->fn(v->ctx, &c);
}

/* What the reading of one clause carries from one verb group to the next. */
typedef struct clause_reader {
    view *v;
    size_t a, b; /* the content */
    const frame *fr;
    size_t last_sa, last_sb; /* the previous group's subject */
    int conditional;         /* inside "if ...," */
    int finite_seen;         /* this clause has its finite verb already */
} clause_reader;

/* One verb group's claim as it is read: subject, predicate and object. */
typedef struct verb_claim {
    vgroup g;
    int reduced;     /* a reduced relative clause: a participle after its noun */
    size_t sa, se;   /* the subject */
    int inherited;   /* the subject is the previous group's, after "and" */
    const char *lem; /* the main verb's lemma */
    unsigned lc;     /* its lexicon classes */
    char pred[128];
    int neg, passive;
    size_t pb;      /* end of the predicate's words */
    size_t oa, ob;  /* the object */
    int clause_obj; /* the object is a "that"-clause */
    double conf;
} verb_claim;

/* Punctuation and conjunctions end the clause that has its finite verb; "if", "unless" and
 * "whether" open a condition whose claims are left out, up to the next punctuation. */
static void note_boundary(clause_reader *r, size_t k)
{
    const token *t = T(r->v, k);
    int stop = t->tag == T_PUNCT && !np_punct(r->v, k);
    if (stop || t->tag == T_CONJ || t->tag == T_WH || t->tag == T_SUB) r->finite_seen = 0;
    if (t->tag == T_SUB && (is_low(t, "if") || is_low(t, "unless") || is_low(t, "whether")))
        r->conditional = 1;
    if (stop) r->conditional = 0;
}

/* A reduced relative clause: "a statement issued via its website", "X, released in". */
static int is_reduced_relative(const view *v, size_t a, size_t b, const vgroup *g)
{
    const token *t = T(v, g->a);
    if (g->finite || t->tag != T_VERB || g->a <= a) return 0;
    if (t->vform != VF_PAST && t->vform != VF_PASTPART && t->vform != VF_ING) return 0;
    /* "given the amount": a preposition in all but name */
    if (is_low(t, "given") && g->b < b && T(v, g->b)->tag == T_DET) return 0;
    /* "a revolving credit line", "a trading company": a modifier of the next noun */
    if (g->b < b && T(v, g->b)->tag == T_NOUN && g->b == g->a + 1) return 0;
    size_t e = g->a;
    if (e > a + 1 && is_punct(v, e - 1, ',')) e--;
    return noun_head(T(v, e - 1)->tag) ||
           (T(v, e - 1)->tag == T_QUOTE && e - 1 > a && noun_head(T(v, e - 2)->tag));
}

/* With no subject of its own, a group after "and"/"but" shares the previous group's. */
static void inherit_subject(const clause_reader *r, verb_claim *vc)
{
    size_t j = vc->g.a;
    while (j > r->a && T(r->v, j - 1)->tag == T_ADV)
        j--;
    if (j > r->a && T(r->v, j - 1)->tag == T_CONJ && r->last_sb > r->last_sa) {
        vc->sa = r->last_sa;
        vc->se = r->last_sb;
        vc->inherited = 1;
        vc->conf -= 0.1;
    }
}

/* The subject of vc->g: 0 when it has none, or it is the "there" of "there is". */
static int find_subject(const clause_reader *r, verb_claim *vc)
{
    const view *v = r->v;
    size_t a = r->a, ga = vc->g.a;
    size_t se = ga, sa;
    while (se > a && (T(v, se - 1)->tag == T_ADV || T(v, se - 1)->tag == T_NEG))
        se--;
    if (vc->reduced && T(v, ga)->vform == VF_ING && se > a + 1 && is_punct(v, se - 1, ',') &&
        r->last_sb > r->last_sa) {
        sa = r->last_sa; /* "..., noting that": the main clause's subject notes */
        se = r->last_sb;
    } else if (vc->reduced) {
        if (se > a + 1 && is_punct(v, se - 1, ',')) se--;
        sa = np_left(v, se, a);
    } else if (se > a && T(v, se - 1)->tag == T_WH) {
        size_t e = se - 1; /* through the relative pronoun to its antecedent */
        if (e > a && is_punct(v, e - 1, ',')) e--;
        sa = np_left(v, e, a);
        if (sa < e)
            se = e;
        else
            sa = se = ga;
    } else if (!subject_left(v, ga, a, &sa, &se)) {
        sa = se = ga;
    }
    vc->sa = sa;
    vc->se = se;
    if (sa == se) inherit_subject(r, vc);
    return vc->sa != vc->se && !is_low(T(v, vc->sa), "there");
}

/* A catenative takes its infinitive into the predicate: "declined to comment", "seeks to
 * coordinate", "refused to be". */
static int governs_infinitive(const view *v, size_t b, const verb_claim *vc)
{
    size_t pb = vc->pb;
    if (T(v, vc->g.main)->tag != T_VERB || pb + 1 >= b || T(v, pb)->tag != T_TO) return 0;
    if (!(vc->lc & (CL_CATENATIVE | CL_NEGVERB))) return 0;
    const token *inner = T(v, pb + 1);
    return inner->tag == T_VERB ||
           (inner->tag == T_AUX && inner->lemma && !strcmp(inner->lemma, "be"));
}

/* The infinitive's verb (and its particle) become the predicate; "declined" negates it. */
static void take_infinitive(const view *v, size_t b, verb_claim *vc)
{
    const token *inner = T(v, vc->pb + 1);
    const char *il = inner->lemma ? inner->lemma : inner->low;
    if (inner->tag == T_AUX) vc->g.copula = 1;
    if (vc->lc & CL_NEGVERB) vc->neg = !vc->neg;
    if (vc->lc & CL_HEDGE) vc->conf *= 0.75;
    set_pred(vc->pred, il, NULL);
    vc->pb += 2;
    if (vc->pb < b && T(v, vc->pb)->tag == T_PART) {
        set_pred(vc->pred, il, T(v, vc->pb)->low);
        vc->pb++;
    }
}

/* The predicate of vc->g: the main verb's lemma with its particle ("pull out"), or the verb
 * of the infinitive a catenative governs. */
static void read_predicate(const view *v, size_t b, verb_claim *vc)
{
    const vgroup *g = &vc->g;
    vc->lem = lemma_of(v, g);
    set_pred(vc->pred, vc->lem, NULL);
    vc->neg = g->neg;
    if (g->hedge) vc->conf *= 0.75;
    vc->pb = g->b;
    if (T(v, g->main)->tag == T_VERB && g->b > g->main + 1 && T(v, g->main + 1)->tag == T_PART)
        set_pred(vc->pred, vc->lem, T(v, g->main + 1)->low);
    /* passive: "were held" is "be held" (the subject is what was held) */
    vc->passive = 0;
    if (T(v, g->main)->tag == T_VERB && T(v, g->main)->vform == VF_PASTPART && g->main > g->a) {
        for (size_t q = g->a; q < g->main; q++)
            if (T(v, q)->tag == T_AUX && T(v, q)->lemma && !strcmp(T(v, q)->lemma, "be"))
                vc->passive = 1;
    }
    vc->lc = cls(v, vc->lem);
    if (governs_infinitive(v, b, vc)) take_infinitive(v, b, vc);
}

/* pred becomes "pred word". */
static void extend_pred(char pred[128], const char *word)
{
    char tmp[128];
    memcpy(tmp, pred, sizeof tmp);
    set_pred(pred, tmp, word);
}

/* The object starts at word k of the clause, which ends at b. */
static int object_from(const view *v, size_t k, size_t b, verb_claim *vc)
{
    vc->pb = k;
    vc->oa = k;
    vc->ob = clause_end(v, k, b, 0);
    return 1;
}

/* A noun phrase object, e: its end. A light verb (or a copula) and its noun before a
 * preposition are the predicate, "made an offer to", and the object follows. */
static int noun_object(const view *v, size_t b, size_t e, verb_claim *vc)
{
    const token *hn = T(v, e - 1);
    if (((vc->lc & CL_LIGHT) || vc->g.copula) && e < b &&
        (T(v, e)->tag == T_PREP || T(v, e)->tag == T_TO) && noun_head(hn->tag) &&
        hn->tag != T_PROPN && e - vc->oa <= 3) {
        char buf[160];
        const char *nv = hn->lowlen < 150 ? lex_verb_lemma(v->lex, hn->low, hn->lowlen, buf) : NULL;
        if (nv && strcmp(nv, vc->lem) && !vc->g.copula)
            set_pred(vc->pred, nv, NULL);
        else
            set_pred(vc->pred, vc->lem, hn->low);
        if (e + 1 >= b) return 0;
        return object_from(v, e + 1, b, vc);
    }
    vc->ob = clause_end(v, vc->oa, b, 0);
    return 1;
}

/* A preposition after the verb: "met with X", "pull out of X", "is in control of X",
 * "died after giving a speech". */
static int prep_object(const view *v, size_t b, verb_claim *vc)
{
    size_t p = vc->oa;
    size_t e = np_right(v, p + 1, b, 0);
    if (e == p + 1) {
        if (p + 1 < b && T(v, p + 1)->tag == T_VERB && T(v, p + 1)->vform == VF_ING)
            return object_from(v, p + 1, b, vc);
        return 0;
    }
    if (e < b && is_low(T(v, e), "of") && e - (p + 1) <= 2) {
        const token *hn = T(v, e - 1);
        char buf[160];
        const char *nv = hn->lowlen < 150 ? lex_verb_lemma(v->lex, hn->low, hn->lowlen, buf) : NULL;
        if (vc->g.copula && nv && hn->tag == T_NOUN) {
            set_pred(vc->pred, nv, NULL); /* "is in control of" */
            return object_from(v, e + 1, b, vc);
        }
    }
    if (lex_phrasal(v->lex, vc->pred, T(v, p)->low, T(v, p)->lowlen))
        extend_pred(vc->pred, T(v, p)->low);
    else if (vc->g.copula)
        set_pred(vc->pred, "be", T(v, p)->low);
    return object_from(v, p + 1, b, vc);
}

/* An object that is not a "that"-clause, starting at vc->oa: 0 when there is none. */
static int phrase_object(const view *v, size_t b, verb_claim *vc)
{
    size_t oa = vc->oa;
    const token *t = T(v, oa);
    size_t e = np_right(v, oa, b, 1);
    if (e > oa) return noun_object(v, b, e, vc);
    if ((t->tag == T_TO && oa + 1 < b && T(v, oa + 1)->tag == T_VERB) || /* "laid to rest" */
        (t->tag == T_VERB && t->vform == VF_ING)) {                      /* "continue fighting" */
        vc->ob = clause_end(v, oa, b, 0);
        return 1;
    }
    if (t->tag == T_PREP || t->tag == T_TO) return prep_object(v, b, vc);
    if (t->tag == T_ADJ && vc->g.copula) {
        if (oa + 2 < b && (T(v, oa + 1)->tag == T_PREP || T(v, oa + 1)->tag == T_TO)) {
            extend_pred(vc->pred, t->low); /* "is home to", "is necessary to" */
            return object_from(v, oa + 2, b, vc);
        }
        vc->ob = clause_end(v, oa, b, 0);
        return 1;
    }
    return 0;
}

/* The object after the predicate, up to the end of the clause (without its closing
 * punctuation): 0 when there is none. */
static int find_object(const view *v, size_t b, verb_claim *vc)
{
    size_t oa = vc->pb;
    while (oa < b && T(v, oa)->tag == T_ADV)
        oa++;
    vc->clause_obj = 0;
    if (oa < b && T(v, oa)->tag == T_WH && is_low(T(v, oa), "that")) {
        vc->pb = ++oa;
        vc->clause_obj = 1;
    }
    if (oa >= b) return 0;
    vc->oa = oa;
    if (vc->clause_obj)
        vc->ob = clause_end(v, oa, b, 1);
    else if (!phrase_object(v, b, vc))
        return 0;
    while (vc->ob > vc->oa && T(v, vc->ob - 1)->tag == T_PUNCT && !np_punct(v, vc->ob - 1))
        vc->ob--;
    return vc->ob > vc->oa;
}

/* What lowers the confidence once the claim is read, and "be held" for a passive whose
 * predicate is still the bare verb. */
static void finish_claim(const view *v, verb_claim *vc)
{
    if (is_pronoun_word(T(v, vc->sa)) && vc->se - vc->sa == 1) vc->conf -= 0.15;
    if (vc->ob - vc->oa > 12) vc->conf -= 0.1;
    if (vc->clause_obj) vc->conf -= 0.05;
    if (vc->passive && !strcmp(vc->pred, vc->lem)) {
        char part[128];
        const token *pp = T(v, vc->g.main);
        size_t n = pp->lowlen < sizeof part - 1 ? pp->lowlen : sizeof part - 1;
        memcpy(part, pp->low, n);
        part[n] = '\0';
        set_pred(vc->pred, "be", part);
    }
}

/* The claim of the verb group g, if it makes one. *resume is where the reading goes on: past
 * the group, or past a "that"-clause that is not a claim of its own. */
static int group_claim(clause_reader *r, const vgroup *g, size_t *resume)
{
    const view *v = r->v;
    verb_claim vc;
    memset(&vc, 0, sizeof vc);
    vc.g = *g;
    /* a past form right after a noun, in a clause that has its verb: a participle */
    if (vc.g.finite && r->finite_seen && T(v, g->a)->tag == T_VERB &&
        T(v, g->a)->vform == VF_PAST && g->a > r->a && noun_head(T(v, g->a - 1)->tag))
        vc.g.finite = 0;
    if (vc.g.finite) r->finite_seen = 1;
    vc.reduced = is_reduced_relative(v, r->a, r->b, &vc.g);
    if (!vc.g.finite && !vc.reduced) return 0;
    vc.conf = vc.reduced ? 0.6 : 0.9;
    if (!find_subject(r, &vc)) return 0;
    if (!vc.inherited) {
        r->last_sa = vc.sa;
        r->last_sb = vc.se;
    }
    read_predicate(v, r->b, &vc);
    if (!find_object(v, r->b, &vc)) return 0;
    finish_claim(v, &vc);
    int rc = emit_claim(r->v, r->fr, vc.sa, vc.se, &vc.g, vc.pb, vc.oa, vc.ob, vc.clause_obj,
                        vc.pred, vc.neg, vc.conf);
    /* a "that"-clause of a verb that is not speech is not a claim of its own */
    if (vc.clause_obj && !(vc.lc & CL_SPEECH)) *resume = vc.ob;
    return rc;
}

/* The claims of the content v[a, b) under the attribution frame fr. */
int verb_relations(view *v, size_t a, size_t b, const frame *fr)
{
    if (nominal_relations(v, a, b, fr)) return 1;
    clause_reader r = {.v = v, .a = a, .b = b, .fr = fr};
    int rc = 0;
    for (size_t k = a; k < b && !rc; k++) {
        note_boundary(&r, k);
        int tag = T(v, k)->tag;
        if (tag != T_AUX && tag != T_MODAL && tag != T_VERB) continue;
        vgroup g;
        group_at(v, k, b, &g);
        size_t resume = g.b;
        if (!r.conditional) rc = group_claim(&r, &g, &resume);
        k = resume - 1;
    }
    return rc;
}
