/* extract.c — claimdb_extract(): lines → prose regions → sentences → tokens → tags →
 * relations → claims with terms, spans and confidences, handed to the caller's callback.
 * Coreference-lite lives here too: a pronoun subject or claimant ("he", "they", "the group")
 * stands for the last named subject of the text. */
#include "extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TERM_MAX 512
#define MAX_SENTENCE_TOKENS 400 /* longer sentences make no claims */
#define REGION_MAX 65536        /* prose is split into sentences this many bytes at a time */

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
    return make_term(text, tb, a, b, out, n);
}

/* Whether the subject is a name (a proper noun heads it), to remember for coreference. */
static int named(const token_buf *tb, size_t a, size_t b)
{
    int head = T_NONE;
    for (size_t k = a; k < b && tb->t[k].tag != T_PREP && tb->t[k].tag != T_POSS; k++)
        if (tb->t[k].tag == T_PROPN || tb->t[k].tag == T_NOUN) head = tb->t[k].tag;
    return head == T_PROPN;
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

static int on_claim(void *vctx, const raw_claim *c)
{
    run *r = vctx;
    const token_buf *tb = &r->tb;
    int coref = !(r->opt->flags & CLAIMDB_EXTRACT_NO_COREF);
    char subj[TERM_MAX], obj[TERM_MAX], who[TERM_MAX];
    double conf = c->confidence;
    if (!subject_term(r->text, tb, c->subj_a, c->subj_b, subj, sizeof subj)) return 0;
    if (!make_term(r->text, tb, c->objt_a, c->objt_b, obj, sizeof obj)) return 0;
    const char *claimant = NULL;
    claimdb_span cspan = {0, 0};
    if (c->claim_b > c->claim_a) {
        cspan = span_of(tb, c->claim_a, c->claim_b);
        if (c->claimant_text) {
            snprintf(who, sizeof who, "%s", c->claimant_text);
            claimant = who;
        } else if (subject_term(r->text, tb, c->claim_a, c->claim_b, who, sizeof who)) {
            claimant = who;
            if (anaphor(tb, c->claim_a, c->claim_b) && coref && r->dc.last_entity[0])
                snprintf(who, sizeof who, "%s", r->dc.last_entity);
        }
    }
    /* "Biden said he will ...", "“We will ...,” the Taliban said": the speaker */
    int speaker_pronoun =
        c->subj_b - c->subj_a == 1 && tb->t[c->subj_a].tag == T_PRON &&
        (!strcmp(tb->t[c->subj_a].low, "he") || !strcmp(tb->t[c->subj_a].low, "she") ||
         !strcmp(tb->t[c->subj_a].low, "we") || !strcmp(tb->t[c->subj_a].low, "i"));
    if (coref && claimant && speaker_pronoun) {
        snprintf(subj, sizeof subj, "%s", claimant);
        conf -= 0.05;
    } else if (anaphor(tb, c->subj_a, c->subj_b)) {
        if (coref && r->dc.last_entity[0]) {
            snprintf(subj, sizeof subj, "%s", r->dc.last_entity);
            conf -= 0.05;
        } else {
            conf -= 0.1;
        }
    } else if (!c->implicit && named(tb, c->subj_a, c->subj_b)) {
        snprintf(r->dc.last_entity, sizeof r->dc.last_entity, "%s", subj);
    }
    if (conf < 0.05) conf = 0.05;
    if (conf > 1) conf = 1;
    if (conf < r->opt->min_confidence) return 0;
    claimdb_extracted e;
    memset(&e, 0, sizeof e);
    e.subject = subj;
    e.predicate = c->predicate;
    e.object = obj;
    e.claimant = claimant;
    e.subject_span = span_of(tb, c->subj_a, c->subj_b);
    e.predicate_span = span_of(tb, c->pred_a, c->pred_b);
    e.object_span = span_of(tb, c->obj_a, c->obj_b);
    e.claimant_span = cspan;
    e.quote_span.start = r->qa;
    e.quote_span.end = r->qb;
    e.negated = c->negated;
    e.confidence = (double)(long)(conf * 1000 + 0.5) / 1000;
    e.method = CLAIMDB_METHOD_EXTRACTED;
    e.sentence = r->sentence;
    r->count++;
    if (r->cb && r->cb(r->ctx, &e)) {
        r->stopped = 1;
        return 1;
    }
    return 0;
}

static int is_question(const char *text, const token_buf *tb)
{
    for (size_t k = tb->n; k-- > 0;) {
        if (tb->t[k].kind == TOK_QUOTE) continue;
        return tb->t[k].kind == TOK_PUNCT && text[tb->t[k].start] == '?';
    }
    return 0;
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
    int rc = 0;
    /* a "sentence" of thousands of words is a table or a list, not prose: no claims */
    if (r->tb.n <= MAX_SENTENCE_TOKENS && !is_question(r->text, &r->tb))
        rc = find_relations(r->opt->lexicon, r->text, &r->tb, &r->dc,
                            !(r->opt->flags & CLAIMDB_EXTRACT_NO_COREF), on_claim, r);
    if (rc < 0) r->nomem = 1;
    r->sentence++;
    return rc;
}

int claimdb_extract(const char *text, size_t len, const claimdb_extract_options *opt,
                    claimdb_extract_callback callback, void *ctx, size_t *count)
{
    if (count) *count = 0;
    if ((!text && len) || !opt || !opt->lexicon) return CLAIMDB_MISUSE;
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
            rc = split_sentences(text, s, e, on_sentence, &r);
        }
        k = j;
    }
    free(lines);
    token_buf_free(&r.tb);
    if (count) *count = r.count;
    if (r.nomem) return CLAIMDB_NOMEM;
    if (r.stopped) return CLAIMDB_ABORT;
    return CLAIMDB_OK;
}
