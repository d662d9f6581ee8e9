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

/* The claims of the content v[a, b) under the attribution frame fr. */
int verb_relations(view *v, size_t a, size_t b, const frame *fr)
{
    if (nominal_relations(v, a, b, fr)) return 1;
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
            /* "a revolving credit line", "a trading company": a modifier of the next noun */
            if (g.b < b && T(v, g.b)->tag == T_NOUN && g.b == g.a + 1) reduced = 0;
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
        if (reduced && T(v, g.a)->vform == VF_ING && se > a + 1 && is_punct(v, se - 1, ',') &&
            last_sb > last_sa) {
            sa = last_sa; /* "..., noting that": the main clause's subject notes */
            se = last_sb;
        } else if (reduced) {
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
        } else if (!subject_left(v, g.a, a, &sa, &se)) {
            sa = se = g.a;
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
                if (e2 == p + 1 && p + 1 < b && T(v, p + 1)->tag == T_VERB &&
                    T(v, p + 1)->vform == VF_ING) {
                    /* "died after giving a speech" */
                    pb = p + 1;
                    oa = pb;
                    ob = clause_end(v, oa, b, 0);
                    goto have_object;
                }
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
        rc = emit_claim(v, fr, sa, se, &g, pb, oa, ob, clause_obj, pred, neg, conf);
        /* a "that"-clause of a verb that is not speech is not a claim of its own */
        if (clause_obj && !(lc & CL_SPEECH))
            k = ob - 1;
        else
            k = next - 1;
    }
    return rc;
}
