/* text_token.c — cutting text into index words (see text_token.h). */
#include "text_token.h"

#include "claimdb.h"

#include <libstemmer.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Words met again skip Snowball: a direct-mapped cache of short words and their stems
 * (stop words too). Text repeats its words (Zipf): a load of a million quotes stemmed the
 * same few thousand words tens of millions of times. */
#define CACHE_SLOTS 2048
#define CACHE_WORD 22

typedef struct stem_slot {
    uint8_t wlen; /* 0: empty */
    uint8_t slen; /* STOP_MARK: a stop word */
    char word[CACHE_WORD], stem[CACHE_WORD];
} stem_slot;

#define STOP_MARK 0xff

struct text_tokenizer {
    struct sb_stemmer *stem;
    stem_slot *cache; /* CACHE_SLOTS, made on first use */
};

/* English stop words (Snowball's list, apostrophes removed as the tokenizer removes them):
 * they match nearly every text and would only add noise and long posting lists. Sorted for
 * bsearch. */
static const char *const stop_words[] = {
    "a",       "about",     "above",    "after",      "again",    "against", "all",    "am",
    "an",      "and",       "any",      "are",        "arent",    "as",      "at",     "be",
    "because", "been",      "before",   "being",      "below",    "between", "both",   "but",
    "by",      "cannot",    "cant",     "could",      "couldnt",  "did",     "didnt",  "do",
    "does",    "doesnt",    "doing",    "dont",       "down",     "during",  "each",   "few",
    "for",     "from",      "further",  "had",        "hadnt",    "has",     "hasnt",  "have",
    "havent",  "having",    "he",       "hed",        "hell",     "her",     "here",   "heres",
    "hers",    "herself",   "hes",      "him",        "himself",  "his",     "how",    "hows",
    "i",       "id",        "if",       "ill",        "im",       "in",      "into",   "is",
    "isnt",    "it",        "its",      "itself",     "ive",      "lets",    "me",     "more",
    "most",    "mustnt",    "my",       "myself",     "no",       "nor",     "not",    "of",
    "off",     "on",        "once",     "only",       "or",       "other",   "ought",  "our",
    "ours",    "ourselves", "out",      "over",       "own",      "same",    "shant",  "she",
    "shed",    "shell",     "shes",     "should",     "shouldnt", "so",      "some",   "such",
    "than",    "that",      "thats",    "the",        "their",    "theirs",  "them",   "themselves",
    "then",    "there",     "theres",   "these",      "they",     "theyd",   "theyll", "theyre",
    "theyve",  "this",      "those",    "through",    "to",       "too",     "under",  "until",
    "up",      "very",      "was",      "wasnt",      "we",       "wed",     "well",   "were",
    "werent",  "weve",      "what",     "whats",      "when",     "whens",   "where",  "wheres",
    "which",   "while",     "who",      "whom",       "whos",     "why",     "whys",   "will",
    "with",    "wont",      "would",    "wouldnt",    "you",      "youd",    "youll",  "your",
    "youre",   "yours",     "yourself", "yourselves", "youve",
};

static int cmp_word(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_stop(const char *w)
{
    return bsearch(&w, stop_words, sizeof stop_words / sizeof stop_words[0], sizeof stop_words[0],
                   cmp_word) != NULL;
}

text_tokenizer *text_tokenizer_new(void)
{
    text_tokenizer *tk = calloc(1, sizeof *tk);
    if (!tk) return NULL;
    tk->stem = sb_stemmer_new("english", "UTF_8");
    if (!tk->stem) {
        free(tk);
        return NULL;
    }
    return tk;
}

void text_tokenizer_free(text_tokenizer *tk)
{
    if (!tk) return;
    sb_stemmer_delete(tk->stem);
    free(tk->cache);
    free(tk);
}

void token_list_free(token_list *l)
{
    free(l->buf);
    free(l->offs);
    memset(l, 0, sizeof *l);
}

static int push(token_list *l, const char *w, size_t n)
{
    if (l->n == l->ncap) {
        size_t cap = l->ncap ? l->ncap * 2 : 32;
        size_t *no = realloc(l->offs, cap * sizeof *no);
        if (!no) return CLAIMDB_NOMEM;
        l->offs = no;
        l->ncap = cap;
    }
    if (l->cap - l->len < n + 1) {
        size_t cap = l->cap ? l->cap : 256;
        while (cap - l->len < n + 1)
            cap *= 2;
        char *nb = realloc(l->buf, cap);
        if (!nb) return CLAIMDB_NOMEM;
        l->buf = nb;
        l->cap = cap;
    }
    l->offs[l->n++] = l->len;
    memcpy(l->buf + l->len, w, n);
    l->buf[l->len + n] = '\0';
    l->len += n + 1;
    return CLAIMDB_OK;
}

static stem_slot *cache_slot(text_tokenizer *tk, const char *w, size_t n)
{
    if (n > CACHE_WORD) return NULL;
    if (!tk->cache && !(tk->cache = calloc(CACHE_SLOTS, sizeof *tk->cache))) return NULL;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)w[i]) * 16777619u;
    return &tk->cache[(h ^ (h >> 15)) & (CACHE_SLOTS - 1)];
}

/* One word (folded, without apostrophes): drop it if a stop word, else stem and keep it. */
static int word(text_tokenizer *tk, const char *w, size_t n, bool stem, token_list *out)
{
    /* A lone letter carries no meaning of its own ("s" of "U.S." is already a problem). */
    if (n == 1 && !(w[0] >= '0' && w[0] <= '9')) return CLAIMDB_OK;
    stem_slot *c = stem ? cache_slot(tk, w, n) : NULL;
    if (c && c->wlen == n && !memcmp(c->word, w, n)) {
        if (c->slen == STOP_MARK) return CLAIMDB_OK;
        return push(out, c->stem, c->slen);
    }
    bool stop = is_stop(w);
    if (!stem) return stop ? CLAIMDB_OK : push(out, w, n);
    const char *sw = w;
    size_t sn = n;
    if (!stop) {
        const sb_symbol *s = sb_stemmer_stem(tk->stem, (const sb_symbol *)w, (int)n);
        if (!s) return CLAIMDB_NOMEM;
        int len = sb_stemmer_length(tk->stem);
        if (len > 0) {
            sw = (const char *)s;
            sn = (size_t)len;
        }
    }
    if (c && sn <= CACHE_WORD) {
        c->wlen = (uint8_t)n;
        memcpy(c->word, w, n);
        c->slen = stop ? STOP_MARK : (uint8_t)sn;
        if (!stop) memcpy(c->stem, sw, sn);
    }
    return stop ? CLAIMDB_OK : push(out, sw, sn);
}

/* Is the text at p (folded) the start of a link? Links are kept out: "https", "com" and the
 * shortener's code would match every other text that carries a link. Inside a word only the
 * schemes count (a link glued to the end of a hashtag is common in posts), "www." only at a
 * word's start. */
static size_t link_len(const char *p, size_t n, bool in_word)
{
    static const char *const starts[] = {"http://", "https://", "pic.twitter.com/", "www."};
    size_t nstarts = sizeof starts / sizeof starts[0] - (in_word ? 2 : 0);
    if (n < 4 || (p[0] != 'h' && p[0] != 'p' && p[0] != 'w')) return 0;
    for (size_t i = 0; i < nstarts; i++) {
        size_t l = strlen(starts[i]);
        if (n >= l && !memcmp(p, starts[i], l)) {
            size_t e = l;
            while (e < n && p[e] != ' ' && p[e] != '\t' && p[e] != '\n' && p[e] != '\r')
                e++;
            return e;
        }
    }
    return 0;
}

static int cut(text_tokenizer *tk, const char *s, size_t n, bool stem, token_list *out)
{
    utf8proc_uint8_t *f = NULL;
    /* Most claims are ASCII, where folding is lower-casing: utf8proc's normalisation was a
     * sixth of an import's time. */
    bool ascii = true;
    for (size_t i = 0; i < n && ascii; i++)
        ascii = (unsigned char)s[i] < 0x80;
    utf8proc_ssize_t fn = 0;
    if (!ascii) {
        fn = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &f,
                          UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
        if (fn == UTF8PROC_ERROR_NOMEM) {
            free(f);
            return CLAIMDB_NOMEM;
        }
    }
    if (ascii || fn < 0) {
        free(f);
        /* ASCII, or not UTF-8: fold by hand (what is not ASCII in the latter is dropped, rather
         * than the whole text). */
        f = malloc(n + 1);
        if (!f) return CLAIMDB_NOMEM;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            f[i] = c >= 'A' && c <= 'Z' ? (utf8proc_uint8_t)(c + 32) : c >= 0x80 ? ' ' : c;
        }
        fn = (utf8proc_ssize_t)n;
    }
    char w[TOKEN_MAX + 8];
    size_t wl = 0;
    int rc = CLAIMDB_OK;
    utf8proc_ssize_t i = 0;
    while (i < fn && rc == CLAIMDB_OK) {
        size_t ll = link_len((const char *)f + i, (size_t)(fn - i), wl > 0);
        if (ll) {
            if (wl) {
                w[wl] = '\0';
                rc = word(tk, w, wl, stem, out);
                wl = 0;
            }
            i += (utf8proc_ssize_t)ll;
            continue;
        }
        utf8proc_int32_t cp = f[i];
        utf8proc_ssize_t k = 1;
        bool alnum;
        if (cp < 0x80) {
            alnum = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
        } else {
            k = utf8proc_iterate(f + i, fn - i, &cp);
            if (k <= 0) {
                k = 1;
                cp = ' ';
            }
            utf8proc_category_t cat = utf8proc_category(cp);
            alnum = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                    (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
        }
        bool apostrophe = cp == '\'' || cp == 0x2019;
        if (alnum) {
            if (wl + (size_t)k <= TOKEN_MAX) {
                memcpy(w + wl, f + i, (size_t)k);
                wl += (size_t)k;
            }
        } else if (!(apostrophe && wl > 0)) { /* "don't" is one word, "dont" */
            if (wl) {
                w[wl] = '\0';
                rc = word(tk, w, wl, stem, out);
                wl = 0;
            }
        }
        i += k;
    }
    if (rc == CLAIMDB_OK && wl) {
        w[wl] = '\0';
        rc = word(tk, w, wl, stem, out);
    }
    free(f);
    return rc;
}

int text_tokenize(text_tokenizer *tk, const char *s, size_t n, token_list *out)
{
    return cut(tk, s, n, true, out);
}

int text_words(text_tokenizer *tk, const char *s, size_t n, token_list *out)
{
    return cut(tk, s, n, false, out);
}
