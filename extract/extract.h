/* extract.h — the extractor's internal interfaces, shared by the files of extract/: the
 * lexicon (lexicon.c), page cleaning (clean.c), tokens (token.c), sentences (sentence.c),
 * tags (tag.c), claims (attribution.c, relation.c, nominal.c, phrase.c: see clause.h), terms
 * (term.c), near duplicates (minhash.c) and the driver (extract.c). Nothing here knows of
 * LMDB. */
#ifndef CLAIMDB_EXTRACT_H
#define CLAIMDB_EXTRACT_H

#include "claimdb.h"

#include <stddef.h>
#include <stdint.h>

/* ---- lexicon.c ---------------------------------------------------------------------------- */

/* Parts of speech WordNet lists a word under (bit flags). */
enum { WN_NOUN = 1, WN_VERB = 2, WN_ADJ = 4, WN_ADV = 8 };

/* What the lexicon knows of one lower-case word form. */
typedef struct lex_word {
    unsigned pos;         /* WN_* of the word as a lemma */
    unsigned short vfreq; /* WordNet tagged-sense count as a verb (a frequency hint) */
    unsigned short nfreq; /* ... as a noun */
} lex_word;

/* Look a lower-case word up (NULL when WordNet has no lemma spelt so). */
const lex_word *lex_lookup(const claimdb_lexicon *lex, const char *w, size_t n);
/* The verb lemma of a lower-case form into out (>= n + 3 bytes), or NULL. */
const char *lex_verb_lemma(const claimdb_lexicon *lex, const char *w, size_t n, char *out);
/* The noun lemma (singular) of a lower-case form into out (>= n + 3 bytes), or NULL. */
const char *lex_noun_lemma(const claimdb_lexicon *lex, const char *w, size_t n, char *out);
/* Whether "verb particle" (lemma, space, word) is a phrasal verb in WordNet. */
int lex_phrasal(const claimdb_lexicon *lex, const char *lemma, const char *part, size_t plen);

/* Word classes of the closed lists (lexicon.c): lex_class() returns tag | CL_* bits. */
#define CL_TAGMASK 0xffu
#define CL_SPEECH 0x100u      /* say, claim, note: reported speech introduces the claim */
#define CL_NEGVERB 0x200u     /* deny, refuse, decline, reject, fail: the claim is negated */
#define CL_HEDGE 0x400u       /* reportedly, allegedly, may, might, suggest: lower confidence */
#define CL_LIGHT 0x800u       /* make, take, give, have: "made an offer to" */
#define CL_CATENATIVE 0x1000u /* want, seek, try, continue + to VERB */
#define CL_PARTICLE 0x2000u   /* up, out, off, down: may be a verb particle */
#define CL_PRONOBJ 0x4000u    /* him, them, us, me: object pronouns */
#define CL_REPORTNOUN 0x8000u /* statement, message, report: a speaker-like subject */

/* The closed-list tag and classes of a lower-case word or lemma (0 when none). */
unsigned lex_class(const claimdb_lexicon *lex, const char *w, size_t n);

/* ---- clean.c: which lines are prose --------------------------------------------------------- */

enum { LINE_BLANK, LINE_PROSE, LINE_FURNITURE, LINE_TITLE };

typedef struct text_line {
    size_t start, end; /* the line without its newline and surrounding blanks */
    int kind;          /* LINE_* */
} text_line;

/* Classify the lines of text; *lines is malloc'ed (free it). Returns the count, or -1 on
 * NOMEM. With no_clean every non-blank line is prose. */
long clean_lines(const char *text, size_t len, int no_clean, text_line **lines);

/* ---- token.c ------------------------------------------------------------------------------- */

enum {
    TOK_WORD,  /* letters, digits, with inner - ' . (U.S.-NATO, don't, 4.25) */
    TOK_PUNCT, /* one punctuation character (or an ellipsis) */
    TOK_QUOTE, /* a quote mark, straight or curly, single or double, `` and '' */
    TOK_POSS   /* 's or ’s after a word */
};

/* Tags (tag.c). */
enum {
    T_NONE,
    T_DET,   /* the a an this that(det) these those some any each every no all both */
    T_PRON,  /* he she it they we i you (subject and object forms) */
    T_PPRON, /* possessive determiners: his her its their our my your */
    T_WH,    /* who which that(relative) whom whose where when */
    T_PREP,
    T_TO,
    T_CONJ,  /* and or but nor */
    T_SUB,   /* subordinators: because although if while since unless whether ... */
    T_AUX,   /* forms of be, have, do */
    T_MODAL, /* will would can could may might must shall should */
    T_NEG,   /* not n't never */
    T_ADV,
    T_ADJ,
    T_NUM,
    T_NOUN,
    T_PROPN,
    T_VERB,
    T_PART, /* a verb particle: up out off down ... after a verb */
    T_PUNCT,
    T_QUOTE,
    T_POSS
};

/* Verb forms. */
enum { VF_NONE, VF_BASE, VF_PRES3, VF_PAST, VF_PASTPART, VF_ING };

typedef struct token {
    size_t start, end; /* bytes of the original text */
    int kind;          /* TOK_* */
    int tag;           /* T_* */
    int vform;         /* VF_* when tag is T_VERB or T_AUX */
    unsigned lexpos;   /* WN_* possibilities (of the lemma) */
    int cap;           /* starts with an upper-case letter */
    int sent_start;    /* first word of the sentence */
    char *low;         /* lower-case form (NUL-terminated, in the sentence arena) */
    size_t lowlen;
    char *lemma; /* verb lemma when the word can be a verb, else NULL */
} token;

/* A growable array of tokens with a string arena, reused from sentence to sentence. */
typedef struct token_buf {
    token *t;
    size_t n, cap;
    char *arena;
    size_t alen, acap;
} token_buf;

/* Tokenise text[start, end) into tb (cleared first). Returns 0, or -1 on NOMEM. */
int tokenize(const char *text, size_t start, size_t end, token_buf *tb);
void token_buf_free(token_buf *tb);
/* Copy n bytes into the arena, NUL-terminated; NULL on NOMEM. Pointers stay valid until the
 * next tokenize() (the arena is one block: callers index it through offsets while growing). */
char *token_arena_add(token_buf *tb, const char *s, size_t n);

/* ---- sentence.c ----------------------------------------------------------------------------- */

/* Split text[start, end) (one paragraph of prose) into sentences, calling fn for each with
 * its byte range (surrounding blanks excluded). fn returns 0 to go on. Returns 0, -1 on NOMEM,
 * or what fn returned when it stopped. */
typedef int (*sentence_fn)(void *ctx, size_t start, size_t end);
int split_sentences(const char *text, size_t start, size_t end, sentence_fn fn, void *ctx);
/* Whether a lower-case word followed by '.' is a known abbreviation (Mr, Jan, Gen, ...). */
int is_abbreviation(const char *low, size_t n);

/* ---- tag.c ---------------------------------------------------------------------------------- */

/* Tag the tokens of one sentence. Returns 0, or -1 on NOMEM. */
int tag_tokens(const claimdb_lexicon *lex, const char *text, token_buf *tb);

/* ---- attribution.c (with relation.c, nominal.c, phrase.c) ---------------------------------- */

/* What relation.c hands the driver for one claim: token ranges [a, b) of the sentence. */
typedef struct raw_claim {
    size_t subj_a, subj_b;
    size_t pred_a, pred_b;
    size_t obj_a, obj_b;
    size_t objt_a, objt_b;     /* the object's term: its first noun phrase, or the whole object */
    size_t claim_a, claim_b;   /* claimant tokens (claim_a == claim_b: none) */
    const char *claimant_text; /* a claimant resolved from an earlier sentence, or NULL */
    char predicate[128];       /* the predicate term */
    int negated;
    double confidence;
    int implicit; /* from an appositive or a role noun: not a subject for coreference */
    int indirect; /* reported by "X said (that) ...": he and she may be X */
} raw_claim;

typedef int (*raw_claim_fn)(void *ctx, const raw_claim *c);

/* Context carried from sentence to sentence of one text (coreference-lite). */
typedef struct discourse {
    char last_entity[512];   /* the last proper-name subject, for he/she/it/the group */
    char last_plural[512];   /* the last plural common-noun subject ("American forces") */
    char last_group[512];    /* the last group named with a member noun ("Taliban delegation") */
    int plural_newer;        /* last_plural came after last_entity: "they" means it */
    char report_author[512]; /* "a message from X", "X's statement": X, for "the message said" */
} discourse;

/* The speaker of a quotation that a sentence closes: "… now,” the statement added." gives the
 * tokens of "the statement" in [*ca, *cb). Returns 1 when found. */
int quote_speaker(const claimdb_lexicon *lex, const char *text, token_buf *tb, size_t *ca,
                  size_t *cb);

/* Find the claims of one tagged sentence (flags: CLAIMDB_EXTRACT_*). Returns 0, or what fn
 * returned when non-zero. */
int find_relations(const claimdb_lexicon *lex, const char *text, token_buf *tb, discourse *dc,
                   int flags, raw_claim_fn fn, void *ctx);

/* ---- term.c --------------------------------------------------------------------------------- */

/* Write the term for tokens [a, b) (determiners, quote marks and outer punctuation dropped)
 * into out (size n). Returns its length (0: nothing left). */
size_t make_term(const char *text, const token_buf *tb, size_t a, size_t b, char *out, size_t n);
/* The same, but a name after a title or role ("U.S. envoy Zalmay Khalilzad", "Secretive Taliban
 * leader Mullah Omar") is the name alone. */
size_t make_name_term(const char *text, const token_buf *tb, size_t a, size_t b, char *out,
                      size_t n);

#endif /* CLAIMDB_EXTRACT_H */
