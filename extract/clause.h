/* clause.h — what the claim finders of extract/ share (phrase.c, relation.c, nominal.c,
 * attribution.c): a view of a sentence's tokens (the words left once attribution is taken
 * off), noun phrases, verb groups and clause ends, and the attribution frame a claim is
 * emitted under. */
#ifndef CLAIMDB_EXTRACT_CLAUSE_H
#define CLAIMDB_EXTRACT_CLAUSE_H

#include "extract.h"

typedef struct view {
    const char *text;
    const claimdb_lexicon *lex;
    token *tk;  /* the sentence's tokens */
    size_t *ix; /* visible tokens */
    size_t m;
    discourse *dc;
    int reporting; /* CLAIMDB_EXTRACT_REPORTING: also "X / say / content" */
    raw_claim_fn fn;
    void *ctx;
} view;

#define T(v, i) (&(v)->tk[(v)->ix[i]])

typedef struct vgroup {
    size_t a, b; /* tokens of the verb group (view indices) */
    size_t main; /* the main verb (or the auxiliary of a copula) */
    int neg, hedge, finite, copula;
    int implicit; /* not a verb group: an appositive's "be", a role noun */
} vgroup;

typedef struct frame {
    size_t claim_a, claim_b; /* claimant (view indices), a == b: none */
    const char *claimant_text;
    int negated;
    double conf;
    int indirect; /* "X said (that) he ...": he and she are X; in quoted speech only I and we */
} frame;

/* phrase.c */
int is_low(const token *t, const char *w); /* the word, lower-cased, is w */
int is_punct(const view *v, size_t i, char c);
unsigned cls(const view *v, const char *w); /* lex_class() of a word or lemma (NULL: 0) */
int noun_head(int tag);                     /* a noun, a name or a number */
int np_punct(const view *v, size_t i);      /* - & $ %: punctuation inside a noun phrase */
/* The end of the noun phrase starting at i (i when none) within [i, lim); with_of: with its
 * of-phrases. */
size_t np_right(const view *v, size_t i, size_t lim, int with_of);
/* The start of the noun phrase ending at end (end when none) within [lo, end). */
size_t np_left(const view *v, size_t end, size_t lo);
/* The verb group starting at k (an auxiliary, a modal or a verb). */
void group_at(const view *v, size_t k, size_t lim, vgroup *g);
int has_finite(const view *v, size_t a, size_t b); /* [a, b) has a finite verb group */
/* The first finite verb group in [a, b): 1 and *g, or 0. */
int first_group(const view *v, size_t a, size_t b, vgroup *g);
const char *lemma_of(const view *v, const vgroup *g); /* the main verb's lemma */
/* Where the clause from k ends: punctuation, a relative pronoun, a subordinator, "and"
 * before a verb group; without allow_verbs, also a finite verb. */
size_t clause_end(const view *v, size_t k, size_t lim, int allow_verbs);
void set_pred(char pred[128], const char *a, const char *b); /* pred = "a" or "a b" */
/* The subject on the left of the verb group starting at ga, within [lo, ga): past adverbs and
 * negation, a parenthetical adverb, and an appositive or relative clause between commas. */
int subject_left(const view *v, size_t ga, size_t lo, size_t *sa, size_t *se);

/* relation.c: emit one claim (token indices of the view), and the verbal claims of v[a, b). */
int emit_claim(view *v, const frame *fr, size_t sa, size_t sb, const vgroup *g, size_t pb,
               size_t oa, size_t ob, int whole, const char *pred, int neg, double conf);
int verb_relations(view *v, size_t a, size_t b, const frame *fr);

/* nominal.c: appositives and role nouns in v[a, b). */
int nominal_relations(view *v, size_t a, size_t b, const frame *fr);

#endif /* CLAIMDB_EXTRACT_CLAUSE_H */
