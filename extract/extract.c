/* extract.c — claimdb_extract(): lines → prose regions → sentences → tokens → tags →
 * relations → claims with terms, spans and confidences, handed to the caller's callback.
 * Coreference-lite lives here too: a pronoun subject or claimant ("he", "they", "the group")
 * stands for the last named subject of the text. */
#include "extract.h"
#include "linkage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TERM_MAX 512
#define MAX_SENTENCE_TOKENS 400 /* longer sentences make no claims */
#define REGION_MAX 65536        /* prose is split into sentences this many bytes at a time */
/* The deep path parses sentences of at most this many words: longer ones can take over a
 * gigabyte and overshoot the parser's timer, so they go to the rules. */
#define DEEP_MAX_WORDS 60
/* In deep mode the rules' confidences are scaled below the parser's (0.7 and up), so that a
 * threshold keeps parsed claims first. */
#define RULES_SCALE 0.75

typedef struct run {
    const char *text;
    const claimdb_extract_options *opt;
    claimdb_extract_callback cb;
    void *ctx;
    token_buf tb;
    discourse dc;
    size_t sentence;
    size_t count;
    size_t qa, qb; /* the sentence */
    int stopped;
    int nomem;
    /* a quotation over several sentences, attributed in its last: "“A. B,” X said." */
    char quote_who[TERM_MAX]; /* X, for the sentences before the last */
    claimdb_span quote_span;  /* X as written (in the last sentence) */
    size_t quote_until;       /* the sentence number of the last */
    token_buf tb2;            /* the last sentence, read ahead */
    deep_parser *parser;      /* the deep path (NULL: rules only) */
    lk_parse *parse;
    char *sbuf; /* the sentence handed to the parser, quote marks blanked */
    size_t scap;
    double scale; /* of the confidences of the claims being emitted */
    /* the token ranges of the parsed claims' predicates (appositives: subject to object), so
     * that the rules add only what the parse did not give */
    size_t taken[64][2];
    size_t ntaken;
    int deep_claims; /* the claims being emitted come from the parse */
} run;

static const char *const group_nouns[] = {"group",        "militants",    "insurgents", "movement",
                                          "organization", "organisation", NULL};

/* Whether tokens [a, b) are a pronoun or "the group": something coreference may resolve. */
static int anaphor(const token_buf *tb, size_t a, size_t b)
{
    if (b - a == 1 && tb->t[a].tag == T_PRON) {
        const char *w = tb->t[a].low;
        return !strcmp(w, "he") || !strcmp(w, "she") || !strcmp(w, "they") || !strcmp(w, "it") ||
               !strcmp(w, "him") || !strcmp(w, "her") || !strcmp(w, "them");
    }
    if (b - a >= 2 && b - a <= 3 && tb->t[a].tag == T_DET && !strcmp(tb->t[a].low, "the") &&
        (b - a == 2 || tb->t[a + 1].tag == T_ADJ))
        for (size_t i = 0; group_nouns[i]; i++)
            if (!strcmp(tb->t[b - 1].low, group_nouns[i])) return 1;
    return 0;
}

/* Members speaking or acting for a named group: "Taliban terrorists", "the Taliban
 * delegation", "U.S. officials" stand for the name. */
static const char *const member_nouns[] = {
    "delegation", "officials",  "negotiators", "fighters",  "militants", "terrorists", "insurgents",
    "members",    "leadership", "authorities", "spokesmen", "diplomats", NULL};

/* The term of tokens [a, b): the name alone when they are a name and a member noun. */
static size_t subject_term(const char *text, const token_buf *tb, size_t a, size_t b, char *out,
                           size_t n)
{
    size_t s = a;
    while (s < b && (tb->t[s].tag == T_DET || tb->t[s].tag == T_QUOTE))
        s++;
    size_t e = s;
    while (e < b && (tb->t[e].tag == T_PROPN || tb->t[e].tag == T_QUOTE))
        e++;
    if (e > s && e + 1 == b)
        for (size_t i = 0; member_nouns[i]; i++)
            if (!strcmp(tb->t[e].low, member_nouns[i])) return make_term(text, tb, s, e, out, n);
    return make_name_term(text, tb, a, b, out, n);
}

/* "we" or "I": the speaker of a quotation */
static int speaker_pronoun_word(const token_buf *tb, size_t a, size_t b)
{
    return b - a == 1 && tb->t[a].tag == T_PRON &&
           (!strcmp(tb->t[a].low, "we") || !strcmp(tb->t[a].low, "i"));
}

/* Whether tokens [a, b) are a name and a member noun ("Taliban delegation"): a group. */
static int group_name(const token_buf *tb, size_t a, size_t b)
{
    size_t s = a;
    while (s < b && tb->t[s].tag == T_DET)
        s++;
    if (s >= b || tb->t[s].tag != T_PROPN || b - s < 2) return 0;
    for (size_t i = 0; member_nouns[i]; i++)
        if (!strcmp(tb->t[b - 1].low, member_nouns[i])) return 1;
    return 0;
}

/* Whether the subject is a name (a proper noun heads it), to remember for coreference. */
static int named(const token_buf *tb, size_t a, size_t b)
{
    int head = T_NONE;
    for (size_t k = a; k < b && tb->t[k].tag != T_PREP; k++) {
        if (tb->t[k].tag == T_PROPN || tb->t[k].tag == T_NOUN) head = tb->t[k].tag;
        if (tb->t[k].tag == T_POSS) head = T_NONE; /* "Khalilzad's experience": experience */
    }
    return head == T_PROPN;
}

/* Whether the phrase is headed by a plural common noun ("American forces"). */
static int plural(const token_buf *tb, size_t a, size_t b)
{
    size_t h = b;
    for (size_t k = a; k < b && tb->t[k].tag != T_PREP; k++)
        if (tb->t[k].tag == T_NOUN || tb->t[k].tag == T_PROPN) h = k;
    if (h == b || tb->t[h].tag != T_NOUN) return 0;
    const token *t = &tb->t[h];
    return t->lowlen > 3 && t->low[t->lowlen - 1] == 's' && t->low[t->lowlen - 2] != 's';
}

/* Whether the phrase is "the statement", "the message": a document that speaks. */
static int report_noun(const claimdb_lexicon *lex, const token_buf *tb, size_t a, size_t b)
{
    if (b - a < 1 || b - a > 3) return 0;
    for (size_t k = a; k + 1 < b; k++)
        if (tb->t[k].tag != T_DET && tb->t[k].tag != T_ADJ) return 0;
    const token *t = &tb->t[b - 1];
    return t->tag == T_NOUN && (lex_class(lex, t->low, t->lowlen) & CL_REPORTNOUN) &&
           strcmp(t->low, "spokesman") && strcmp(t->low, "spokeswoman") &&
           strcmp(t->low, "spokesperson") && strcmp(t->low, "official") &&
           strcmp(t->low, "officials") && strcmp(t->low, "source") && strcmp(t->low, "sources");
}

/* The antecedent of the pronoun or "the group" at token a into out: "they" the latest of the
 * last name and the last plural subject, the others the last name; never the object itself.
 * Returns 1 when resolved. */
static int resolve(run *r, const token_buf *tb, size_t a, char *out, size_t n, const char *obj)
{
    const char *w = tb->t[a].low;
    int they = !strcmp(w, "they") || !strcmp(w, "them");
    int group = they || !strcmp(w, "the"); /* "the group", "the militants" */
    const char *cand = they && r->dc.plural_newer && r->dc.last_plural[0] ? r->dc.last_plural
                       : group && r->dc.last_group[0]                     ? r->dc.last_group
                                                                          : r->dc.last_entity;
    if (!cand[0] || (obj && !strcmp(cand, obj))) return 0;
    snprintf(out, n, "%s", cand);
    return 1;
}

/* Remember who wrote "a message from X" / "X's statement" in this sentence. */
static void note_report_author(run *r)
{
    const token_buf *tb = &r->tb;
    const claimdb_lexicon *lex = r->opt->lexicon;
    for (size_t k = 0; k < tb->n; k++) {
        const token *t = &tb->t[k];
        if (t->tag != T_NOUN || !(lex_class(lex, t->low, t->lowlen) & CL_REPORTNOUN)) continue;
        size_t a = 0, b = 0;
        if (k + 2 < tb->n && !strcmp(tb->t[k + 1].low, "from")) {
            /* the last run of names after "from", within its noun phrase */
            for (size_t j = k + 2; j < tb->n; j++) {
                int tag = tb->t[j].tag;
                if (tag == T_PROPN) {
                    if (!b || b != j) a = j;
                    b = j + 1;
                } else if (tag != T_DET && tag != T_ADJ && tag != T_NOUN && tag != T_POSS &&
                           !(tag == T_PREP && !strcmp(tb->t[j].low, "of"))) {
                    break;
                }
            }
        } else if (k >= 2 && tb->t[k - 1].tag == T_POSS && tb->t[k - 2].tag == T_PROPN) {
            b = k - 1;
            a = b - 1;
            while (a > 0 && tb->t[a - 1].tag == T_PROPN)
                a--;
        }
        if (b > a) {
            make_term(r->text, tb, a, b, r->dc.report_author, sizeof r->dc.report_author);
            return;
        }
    }
}

static claimdb_span span_of(const token_buf *tb, size_t a, size_t b)
{
    while (a < b && tb->t[a].tag == T_PUNCT)
        a++;
    while (b > a && tb->t[b - 1].tag == T_PUNCT)
        b--;
    claimdb_span s = {0, 0};
    if (a == b && a < tb->n) s.start = s.end = tb->t[a].start; /* an implicit predicate */
    if (b > a) {
        s.start = tb->t[a].start;
        s.end = tb->t[b - 1].end;
    }
    return s;
}

/* Whether the rules' claim c says what a parsed claim of the sentence says. */
static int taken(const run *r, const raw_claim *c)
{
    size_t a = c->pred_a, b = c->pred_b > c->pred_a ? c->pred_b : c->pred_a + 1;
    for (size_t i = 0; i < r->ntaken; i++)
        if (a < r->taken[i][1] && r->taken[i][0] < b) return 1;
    return 0;
}

/* A parsed claim's predicate range (an appositive's implicit "be": subject to object), for
 * taken() to find when the rules give the same claim. */
static void record_taken(run *r, const raw_claim *c)
{
    if (r->ntaken >= sizeof r->taken / sizeof r->taken[0]) return;
    size_t a = c->pred_a, b = c->pred_b;
    if (b <= a) {
        a = c->subj_a;
        b = c->obj_b;
    }
    r->taken[r->ntaken][0] = a;
    r->taken[r->ntaken][1] = b;
    r->ntaken++;
}

/* The terms of a claim as on_claim() settles them. */
typedef struct claim_terms {
    char subj[TERM_MAX], obj[TERM_MAX], who[TERM_MAX];
    const char *claimant; /* who, or NULL */
    claimdb_span cspan;   /* the claimant as written */
    double conf;
    int coref; /* pronouns and report nouns are resolved */
} claim_terms;

/* The claimant of the attribution frame: its text, or its words (a report noun is the
 * report's author, a pronoun what it refers to). */
static void find_claimant(run *r, const raw_claim *c, claim_terms *ct)
{
    const token_buf *tb = &r->tb;
    if (c->claim_b <= c->claim_a) return;
    ct->cspan = span_of(tb, c->claim_a, c->claim_b);
    if (c->claimant_text) {
        snprintf(ct->who, sizeof ct->who, "%s", c->claimant_text);
        ct->claimant = ct->who;
    } else if (subject_term(r->text, tb, c->claim_a, c->claim_b, ct->who, sizeof ct->who)) {
        ct->claimant = ct->who;
        if (ct->coref && report_noun(r->opt->lexicon, tb, c->claim_a, c->claim_b) &&
            r->dc.report_author[0])
            snprintf(ct->who, sizeof ct->who, "%s", r->dc.report_author);
        else if (anaphor(tb, c->claim_a, c->claim_b) && ct->coref)
            resolve(r, tb, c->claim_a, ct->who, sizeof ct->who, NULL);
    }
}

/* "Biden said he will ...", "“We will ...,” the Taliban said": a pronoun subject that is
 * the speaker ("he", "she", "it", "they" only in indirect speech). */
static int is_speaker_pronoun(const token_buf *tb, const raw_claim *c)
{
    if (speaker_pronoun_word(tb, c->subj_a, c->subj_b)) return 1;
    const char *sw = tb->t[c->subj_a].low;
    return c->indirect && c->subj_b - c->subj_a == 1 && tb->t[c->subj_a].tag == T_PRON &&
           (!strcmp(sw, "he") || !strcmp(sw, "she") || !strcmp(sw, "it") || !strcmp(sw, "they"));
}

/* A subject that is a group, a name or a plural is what later pronouns may refer to. */
static void remember_subject(run *r, const raw_claim *c, const char *subj)
{
    const token_buf *tb = &r->tb;
    if (c->implicit) return;
    if (group_name(tb, c->subj_a, c->subj_b)) {
        snprintf(r->dc.last_group, sizeof r->dc.last_group, "%s", subj);
        snprintf(r->dc.last_entity, sizeof r->dc.last_entity, "%s", subj);
        r->dc.plural_newer = 0;
    } else if (named(tb, c->subj_a, c->subj_b)) {
        snprintf(r->dc.last_entity, sizeof r->dc.last_entity, "%s", subj);
        r->dc.plural_newer = 0;
    } else if (plural(tb, c->subj_a, c->subj_b)) {
        snprintf(r->dc.last_plural, sizeof r->dc.last_plural, "%s", subj);
        r->dc.plural_newer = 1;
    }
}

/* The subject: the speaker for a speaker's pronoun, what an anaphor refers to (with less
 * confidence), else as written, remembered for later pronouns. */
static void resolve_subject(run *r, const raw_claim *c, claim_terms *ct)
{
    const token_buf *tb = &r->tb;
    if (ct->coref && ct->claimant && is_speaker_pronoun(tb, c)) {
        snprintf(ct->subj, sizeof ct->subj, "%s", ct->claimant);
        ct->conf -= 0.05;
    } else if (anaphor(tb, c->subj_a, c->subj_b)) {
        if (ct->coref && resolve(r, tb, c->subj_a, ct->subj, sizeof ct->subj, ct->obj))
            ct->conf -= 0.05;
        else
            ct->conf -= 0.1;
    } else {
        remember_subject(r, c, ct->subj);
    }
}

/* A sentence inside a quotation attributed at its end is claimed by who said it there. */
static void quotation_claimant(run *r, const raw_claim *c, claim_terms *ct)
{
    if (ct->claimant || !r->quote_who[0] || r->sentence >= r->quote_until) return;
    snprintf(ct->who, sizeof ct->who, "%s", r->quote_who);
    ct->claimant = ct->who;
    ct->cspan = r->quote_span;
    if (ct->coref && speaker_pronoun_word(&r->tb, c->subj_a, c->subj_b))
        snprintf(ct->subj, sizeof ct->subj, "%s", ct->claimant);
}

/* The claim to the caller's callback: 1 when it asks to stop. */
static int deliver(run *r, const raw_claim *c, const claim_terms *ct)
{
    const token_buf *tb = &r->tb;
    claimdb_extracted e;
    memset(&e, 0, sizeof e);
    e.subject = ct->subj;
    e.predicate = c->predicate;
    e.object = ct->obj;
    e.claimant = ct->claimant;
    e.subject_span = span_of(tb, c->subj_a, c->subj_b);
    e.predicate_span = span_of(tb, c->pred_a, c->pred_b);
    e.object_span = span_of(tb, c->obj_a, c->obj_b);
    e.claimant_span = ct->cspan;
    e.quote_span.start = r->qa;
    e.quote_span.end = r->qb;
    e.negated = c->negated;
    e.confidence = (double)(long)(ct->conf * 1000 + 0.5) / 1000;
    e.method = CLAIMDB_METHOD_EXTRACTED;
    e.sentence = r->sentence;
    r->count++;
    if (r->cb && r->cb(r->ctx, &e)) {
        r->stopped = 1;
        return 1;
    }
    return 0;
}

static int on_claim(void *vctx, const raw_claim *c)
{
    run *r = vctx;
    if (r->deep_claims)
        record_taken(r, c);
    else if (r->ntaken && taken(r, c))
        return 0;
    claim_terms ct;
    memset(&ct, 0, sizeof ct);
    ct.coref = !(r->opt->flags & CLAIMDB_EXTRACT_NO_COREF);
    ct.conf = c->confidence * r->scale;
    if (!subject_term(r->text, &r->tb, c->subj_a, c->subj_b, ct.subj, sizeof ct.subj)) return 0;
    if (!make_name_term(r->text, &r->tb, c->objt_a, c->objt_b, ct.obj, sizeof ct.obj)) return 0;
    find_claimant(r, c, &ct);
    resolve_subject(r, c, &ct);
    quotation_claimant(r, c, &ct);
    if (ct.conf < 0.05) ct.conf = 0.05;
    if (ct.conf > 1) ct.conf = 1;
    if (ct.conf < r->opt->min_confidence) return 0;
    return deliver(r, c, &ct);
}

/* Double quotation marks in text[a, b): opening minus closing (curly), and straight ones. */
static void count_quotes(const char *text, size_t a, size_t b, int *curly, int *straight)
{
    *curly = *straight = 0;
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"') ++*straight;
        if (c == 0xE2 && i + 2 < b && (unsigned char)text[i + 1] == 0x80) {
            if ((unsigned char)text[i + 2] == 0x9C) ++*curly;
            if ((unsigned char)text[i + 2] == 0x9D) --*curly;
        }
    }
}

typedef struct sentences {
    size_t (*s)[2];
    size_t n, cap;
    int nomem;
} sentences;

static int collect_sentence(void *ctx, size_t start, size_t end)
{
    sentences *ss = ctx;
    if (ss->n == ss->cap) {
        size_t cap = ss->cap ? ss->cap * 2 : 32;
        size_t(*p)[2] = realloc(ss->s, cap * sizeof *p);
        if (!p) {
            ss->nomem = 1;
            return -1;
        }
        ss->s = p;
        ss->cap = cap;
    }
    ss->s[ss->n][0] = start;
    ss->s[ss->n][1] = end;
    ss->n++;
    return 0;
}

/* Sentence i opens a quotation that a later sentence closes with its speaker ("…,” the
 * statement added."): remember the speaker for the sentences until then. */
static void read_ahead_speaker(run *r, const sentences *ss, size_t i)
{
    int curly, straight;
    count_quotes(r->text, ss->s[i][0], ss->s[i][1], &curly, &straight);
    if (curly <= 0 && straight % 2 == 0) return;
    for (size_t j = i + 1; j < ss->n && j <= i + 8; j++) {
        int c2, s2;
        count_quotes(r->text, ss->s[j][0], ss->s[j][1], &c2, &s2);
        if (c2 == 0 && s2 % 2 == 0) continue; /* the quotation goes on */
        if (c2 > 0) return;                   /* another one opens: give up */
        token_buf *tb = &r->tb2;
        size_t ca, cb;
        if (tokenize(r->text, ss->s[j][0], ss->s[j][1], tb) ||
            tag_tokens(r->opt->lexicon, r->text, tb) ||
            !quote_speaker(r->opt->lexicon, r->text, tb, &ca, &cb))
            return;
        char who[TERM_MAX];
        if (!subject_term(r->text, tb, ca, cb, who, sizeof who)) return;
        if (report_noun(r->opt->lexicon, tb, ca, cb) && r->dc.report_author[0])
            snprintf(who, sizeof who, "%s", r->dc.report_author);
        else if (anaphor(tb, ca, cb) && r->dc.last_entity[0])
            snprintf(who, sizeof who, "%s", r->dc.last_entity);
        snprintf(r->quote_who, sizeof r->quote_who, "%s", who);
        r->quote_span.start = tb->t[ca].start;
        r->quote_span.end = tb->t[cb - 1].end;
        r->quote_until = r->sentence + (j - i);
        return;
    }
}

static int is_question(const char *text, const token_buf *tb)
{
    for (size_t k = tb->n; k-- > 0;) {
        if (tb->t[k].kind == TOK_QUOTE) continue;
        return tb->t[k].kind == TOK_PUNCT && text[tb->t[k].start] == '?';
    }
    return 0;
}

/* The deep path: parse the sentence and read its claims from a full linkage. Returns 1 when
 * it did (rc set), 0 when the sentence goes to the rules, -1 on NOMEM. */
static int deep_sentence(run *r, size_t start, size_t end, int *rc)
{
    claimdb_extract_stats *st = r->opt->stats;
    size_t words = 0;
    for (size_t k = 0; k < r->tb.n; k++)
        if (r->tb.t[k].kind == TOK_WORD) words++;
    if (words > DEEP_MAX_WORDS) {
        if (st) st->too_long++;
        return 0;
    }
    size_t n = end - start;
    if (n + 1 > r->scap) {
        char *p = realloc(r->sbuf, n + 1);
        if (!p) return -1;
        r->sbuf = p;
        r->scap = n + 1;
    }
    memcpy(r->sbuf, r->text + start, n);
    r->sbuf[n] = '\0';
    /* Quote marks cost the parser its full linkage (58.7% of sentences have one with them,
     * 76-81% without): blanked, byte for byte, so offsets stay those of the text. */
    for (size_t k = 0; k < r->tb.n; k++)
        if (r->tb.t[k].kind == TOK_QUOTE)
            memset(r->sbuf + (r->tb.t[k].start - start), ' ', r->tb.t[k].end - r->tb.t[k].start);
    for (size_t i = 0; i < n; i++)
        if (r->sbuf[i] == '\0' || r->sbuf[i] == '\n' || r->sbuf[i] == '\r') r->sbuf[i] = ' ';
    int got = deep_parse(r->parser, r->sbuf, r->parse);
    if (got < 0) return -1;
    if (got != DEEP_FULL) {
        if (st && got == DEEP_TIMEOUT) st->timeout++;
        if (st && got == DEEP_TOOLONG) st->too_long++;
        if (st && got == DEEP_NONE) st->no_linkage++;
        return 0;
    }
    if (st) st->full++;
    r->scale = 1;
    r->deep_claims = 1;
    *rc = deep_relations(r->opt->lexicon, r->text, start, &r->tb, r->parse, r->opt->flags, on_claim,
                         r);
    r->deep_claims = 0;
    return *rc ? 1 : 0;
}

static int on_sentence(void *vctx, size_t start, size_t end)
{
    run *r = vctx;
    if (tokenize(r->text, start, end, &r->tb) || tag_tokens(r->opt->lexicon, r->text, &r->tb)) {
        r->nomem = 1;
        return -1;
    }
    r->qa = start;
    r->qb = end;
    r->ntaken = 0;
    note_report_author(r);
    int rc = 0;
    /* a "sentence" of thousands of words is a table or a list, not prose: no claims */
    if (r->tb.n <= MAX_SENTENCE_TOKENS && !is_question(r->text, &r->tb)) {
        int deep = 0;
        if (r->opt->stats) r->opt->stats->sentences++;
        if (r->parser) deep = deep_sentence(r, start, end, &rc);
        if (deep < 0) {
            r->nomem = 1;
            return -1;
        }
        if (!deep) {
            /* the rules add what the parse did not give (all of it when there was none) */
            r->scale = r->parser ? RULES_SCALE : 1;
            rc = find_relations(r->opt->lexicon, r->text, &r->tb, &r->dc, r->opt->flags, on_claim,
                                r);
        }
    }
    if (rc < 0) r->nomem = 1;
    r->sentence++;
    return rc;
}

int claimdb_extract(const char *text, size_t len, const claimdb_extract_options *opt,
                    claimdb_extract_callback callback, void *ctx, size_t *count)
{
    if (count) *count = 0;
    if ((!text && len) || !opt || !opt->lexicon) return CLAIMDB_MISUSE;
    if (opt->grammar && !deep_available(opt->grammar)) return CLAIMDB_MISUSE;
    if (!len) return CLAIMDB_OK;
    text_line *lines;
    long n = clean_lines(text, len, opt->flags & CLAIMDB_EXTRACT_NO_CLEAN, &lines);
    if (n < 0) return CLAIMDB_NOMEM;
    run r;
    memset(&r, 0, sizeof r);
    r.text = text;
    r.opt = opt;
    r.cb = callback;
    r.ctx = ctx;
    r.scale = 1;
    if (opt->grammar) {
        r.parser = deep_parser_new(opt->grammar);
        r.parse = malloc(sizeof *r.parse);
        if (!r.parser || !r.parse) {
            deep_parser_free(r.parser);
            free(r.parse);
            free(lines);
            return CLAIMDB_NOMEM;
        }
    }
    int rc = 0;
    for (long k = 0; k < n && !rc; k++) {
        if (lines[k].kind == LINE_TITLE) {
            rc = on_sentence(&r, lines[k].start, lines[k].end);
            continue;
        }
        if (lines[k].kind != LINE_PROSE) continue;
        long j = k;
        while (j + 1 < n && lines[j + 1].kind == LINE_PROSE)
            j++;
        /* at most REGION_MAX bytes at a time, cut at a line end, else at a space */
        for (size_t s = lines[k].start, e; s < lines[j].end && !rc; s = e) {
            e = lines[j].end;
            if (e - s > REGION_MAX) {
                size_t q = s + REGION_MAX;
                while (q > s + REGION_MAX / 2 && text[q] != '\n')
                    q--;
                if (text[q] != '\n') {
                    q = s + REGION_MAX;
                    while (q > s + REGION_MAX / 2 && text[q] != ' ')
                        q--;
                }
                e = q;
            }
            sentences ss = {NULL, 0, 0, 0};
            rc = split_sentences(text, s, e, collect_sentence, &ss);
            if (ss.nomem) r.nomem = 1;
            for (size_t i = 0; i < ss.n && !rc; i++) {
                if (r.sentence >= r.quote_until) {
                    r.quote_who[0] = '\0';
                    read_ahead_speaker(&r, &ss, i);
                }
                rc = on_sentence(&r, ss.s[i][0], ss.s[i][1]);
            }
            free(ss.s);
        }
        k = j;
    }
    free(lines);
    token_buf_free(&r.tb);
    token_buf_free(&r.tb2);
    deep_parser_free(r.parser);
    free(r.parse);
    free(r.sbuf);
    if (count) *count = r.count;
    if (r.nomem) return CLAIMDB_NOMEM;
    if (r.stopped) return CLAIMDB_ABORT;
    return CLAIMDB_OK;
}
