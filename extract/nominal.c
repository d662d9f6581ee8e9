/* nominal.c — claims without a verb: appositives ("Ismail Khan, a prominent jihadi leader,"
 * gives an implicit "be"; "..., former governor of Herat" gives govern) and role nouns
 * ("Taliban supreme leader Hibatullah Akhundzada" gives lead). */
#include "clause.h"

#include <string.h>

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
    if (t->tag == T_NOUN && n > 5 && n < 60 &&
        (!memcmp(t->low + n - 2, "er", 2) || !memcmp(t->low + n - 2, "or", 2))) { /* not "Warner" */
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
        rc = emit_claim(v, fr, k + 1, pe, &g, k + 1, os, j, 0, verb, 0, 0.55);
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
        /* "X, a leader", "X, president of Y", "X, Y's bride" */
        int bare = d->tag == T_NOUN || d->tag == T_ADJ ||
                   (d->tag == T_PROPN && k + 2 < b && T(v, k + 2)->tag == T_POSS);
        if (!(is_low(d, "a") || is_low(d, "an") || is_low(d, "the") || bare)) continue;
        size_t e = np_right(v, k + 1, b, 1);
        if (bare && e < b && !is_punct(v, e, ',') && !is_punct(v, e, '.')) continue;
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
        rc = emit_claim(v, fr, s, k, &g, k + 1, k + 1, e, 0, "be", 0, 0.6);
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
            rc = emit_claim(v, fr, s, k, &g, r + 2, r + 2, oe, 0, verb, 0, 0.55);
            break;
        }
    }
    return rc;
}

/* A common noun just before a name: "keyboardist Philippe Saisse", "friend Derek Stevens"
 * give Philippe Saisse / be / keyboardist (role nouns with an organisation before them are
 * role_names()'s). */
static int title_names(view *v, size_t a, size_t b, const frame *fr)
{
    int rc = 0;
    for (size_t k = a; k + 1 < b && !rc; k++) {
        const token *t = T(v, k);
        char buf[64];
        if (t->tag != T_NOUN || T(v, k + 1)->tag != T_PROPN || t->lowlen < 3) continue;
        if (k > a && T(v, k - 1)->tag == T_PROPN && relnoun_verb(v, t, buf)) continue;
        size_t pe = k + 1;
        while (pe < b && T(v, pe)->tag == T_PROPN)
            pe++;
        if (pe < b && (T(v, pe)->tag == T_NOUN || T(v, pe)->tag == T_POSS)) continue;
        size_t s = k;
        while (s > a && (T(v, s - 1)->tag == T_ADJ || T(v, s - 1)->tag == T_NOUN))
            s--;
        vgroup g;
        memset(&g, 0, sizeof g);
        g.implicit = 1;
        g.a = k + 1;
        rc = emit_claim(v, fr, k + 1, pe, &g, k + 1, s, k + 1, 0, "be", 0, 0.5);
        k = pe - 1;
    }
    return rc;
}

int nominal_relations(view *v, size_t a, size_t b, const frame *fr)
{
    return appositives(v, a, b, fr) || role_names(v, a, b, fr) || title_names(v, a, b, fr);
}
