/* lexicon.c — WordNet's index.{noun,verb,adj,adv} and {noun,verb}.exc read into hash tables at
 * run time, and the morphology (WordNet's "morphy" rules) that finds a form's lemma with them.
 * The tables are built once by claimdb_lexicon_open() and only read afterwards. */
#include "extract.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_WORDNET_DIR "/usr/share/wordnet"

typedef struct slot {
    uint64_t hash;
    uint32_t koff, klen;
    uint32_t val;
} slot;

typedef struct table {
    slot *slots;
    size_t cap, n;
} table;

struct claimdb_lexicon {
    char *arena; /* keys and lemmas */
    size_t alen, acap;
    table words; /* lemma -> index in info */
    lex_word *info;
    size_t ninfo, capinfo;
    table verb_exc, noun_exc; /* form -> arena offset of the lemma */
    table closed;             /* closed-list word -> tag | CL_* bits */
    char msg[8448];
};

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

static const slot *table_find(const claimdb_lexicon *lex, const table *t, const char *k, size_t n)
{
    if (!t->cap) return NULL;
    uint64_t h = hash_bytes(k, n);
    for (size_t i = (size_t)h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        const slot *s = &t->slots[i];
        if (!s->hash) return NULL;
        if (s->hash == h && s->klen == n && !memcmp(lex->arena + s->koff, k, n)) return s;
    }
}

static int arena_add(claimdb_lexicon *lex, const char *s, size_t n, uint32_t *off)
{
    if (lex->alen + n + 1 > lex->acap) {
        size_t cap = lex->acap ? lex->acap * 2 : 1 << 20;
        while (cap < lex->alen + n + 1)
            cap *= 2;
        char *p = realloc(lex->arena, cap);
        if (!p) return -1;
        lex->arena = p;
        lex->acap = cap;
    }
    memcpy(lex->arena + lex->alen, s, n);
    lex->arena[lex->alen + n] = '\0';
    *off = (uint32_t)lex->alen;
    lex->alen += n + 1;
    return 0;
}

static int table_grow(table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    slot *s = calloc(cap, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].hash) continue;
        size_t j = (size_t)t->slots[i].hash & (cap - 1);
        while (s[j].hash)
            j = (j + 1) & (cap - 1);
        s[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = s;
    t->cap = cap;
    return 0;
}

/* The slot of key k, inserted with val when absent (*created set). NULL on NOMEM. */
static slot *table_put(claimdb_lexicon *lex, table *t, const char *k, size_t n, uint32_t val,
                       int *created)
{
    if ((t->n + 1) * 2 > t->cap && table_grow(t)) return NULL;
    uint64_t h = hash_bytes(k, n);
    size_t i = (size_t)h & (t->cap - 1);
    for (;; i = (i + 1) & (t->cap - 1)) {
        slot *s = &t->slots[i];
        if (!s->hash) break;
        if (s->hash == h && s->klen == n && !memcmp(lex->arena + s->koff, k, n)) {
            *created = 0;
            return s;
        }
    }
    uint32_t off;
    if (arena_add(lex, k, n, &off)) return NULL;
    slot *s = &t->slots[i];
    s->hash = h;
    s->koff = off;
    s->klen = (uint32_t)n;
    s->val = val;
    t->n++;
    *created = 1;
    return s;
}

static int fail(claimdb_lexicon *lex, int rc, const char *fmt, const char *a, const char *b)
{
    snprintf(lex->msg, sizeof lex->msg, fmt, a, b);
    return rc;
}

static int read_file(claimdb_lexicon *lex, const char *dir, const char *name, char **data,
                     size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        int e = errno;
        if (e == ENOENT)
            return fail(lex, CLAIMDB_NOTFOUND,
                        "cannot open %s: no such file (install the WordNet dictionary: "
                        "apt-get install wordnet-base, or set CLAIMDB_WORDNET to its folder%s)",
                        path, "");
        return fail(lex, CLAIMDB_IOERR, "cannot open %s: %s", path, strerror(e));
    }
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    size_t got;
    while (p && (got = fread(p + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *q = realloc(p, cap * 2);
            if (!q) {
                free(p);
                p = NULL;
                break;
            }
            p = q;
            cap *= 2;
        }
    }
    int err = ferror(fp);
    fclose(fp);
    if (!p) return fail(lex, CLAIMDB_NOMEM, "out of memory reading %s%s", path, "");
    if (err) {
        free(p);
        return fail(lex, CLAIMDB_IOERR, "cannot read %s%s", path, "");
    }
    p[n] = '\0';
    *data = p;
    *len = n;
    return CLAIMDB_OK;
}

/* index.POS: "lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offsets..." */
static int load_index(claimdb_lexicon *lex, const char *dir, const char *name, unsigned pos)
{
    char *data;
    size_t len;
    int rc = read_file(lex, dir, name, &data, &len);
    if (rc) return rc;
    size_t entries = 0;
    char key[256];
    for (char *line = data; line < data + len;) {
        char *eol = memchr(line, '\n', (size_t)(data + len - line));
        if (!eol) eol = data + len;
        if (*line != ' ' && line < eol) {
            char *f[8];
            int nf = 0;
            char *p = line;
            /* fields: lemma pos synset_cnt p_cnt */
            while (nf < 4 && p < eol) {
                f[nf++] = p;
                while (p < eol && *p != ' ')
                    p++;
                while (p < eol && *p == ' ')
                    p++;
            }
            size_t klen = (size_t)(strchr(f[0], ' ') - f[0]);
            if (nf < 4 || klen >= sizeof key) {
                line = eol + 1;
                continue;
            }
            for (size_t i = 0; i < klen; i++)
                key[i] = f[0][i] == '_' ? ' ' : f[0][i];
            long pcnt = strtol(f[3], NULL, 10);
            for (long i = 0; i < pcnt && p < eol; i++) {
                while (p < eol && *p != ' ')
                    p++;
                while (p < eol && *p == ' ')
                    p++;
            }
            /* sense_cnt, then tagsense_cnt */
            while (p < eol && *p != ' ')
                p++;
            long tagged = strtol(p, NULL, 10);
            if (tagged > 65535) tagged = 65535;
            if (lex->ninfo == lex->capinfo) {
                size_t cap = lex->capinfo ? lex->capinfo * 2 : 65536;
                lex_word *q = realloc(lex->info, cap * sizeof *q);
                if (!q) {
                    free(data);
                    return fail(lex, CLAIMDB_NOMEM, "out of memory%s%s", "", "");
                }
                lex->info = q;
                lex->capinfo = cap;
            }
            int created;
            slot *s = table_put(lex, &lex->words, key, klen, (uint32_t)lex->ninfo, &created);
            if (!s) {
                free(data);
                return fail(lex, CLAIMDB_NOMEM, "out of memory%s%s", "", "");
            }
            if (created) lex->info[lex->ninfo++] = (lex_word){0, 0, 0};
            lex_word *w = &lex->info[s->val];
            w->pos |= pos;
            if (pos == WN_VERB) w->vfreq = (unsigned short)tagged;
            if (pos == WN_NOUN) w->nfreq = (unsigned short)tagged;
            entries++;
        }
        line = eol + 1;
    }
    free(data);
    if (entries < 100)
        return fail(lex, CLAIMDB_CORRUPT, "%s/%s does not look like a WordNet index file", dir,
                    name);
    return CLAIMDB_OK;
}

/* NAME.exc: "form lemma [lemma...]" per line. */
static int load_exc(claimdb_lexicon *lex, const char *dir, const char *name, table *t)
{
    char *data;
    size_t len;
    int rc = read_file(lex, dir, name, &data, &len);
    if (rc) return rc;
    for (char *line = data; line < data + len;) {
        char *eol = memchr(line, '\n', (size_t)(data + len - line));
        if (!eol) eol = data + len;
        char *sp = memchr(line, ' ', (size_t)(eol - line));
        if (sp) {
            char *l = sp + 1, *le = l;
            while (le < eol && *le != ' ')
                le++;
            uint32_t off;
            int created;
            if (arena_add(lex, l, (size_t)(le - l), &off)) {
                free(data);
                return fail(lex, CLAIMDB_NOMEM, "out of memory%s%s", "", "");
            }
            for (char *c = lex->arena + off; *c; c++)
                if (*c == '_') *c = ' ';
            slot *s = table_put(lex, t, line, (size_t)(sp - line), off, &created);
            if (!s) {
                free(data);
                return fail(lex, CLAIMDB_NOMEM, "out of memory%s%s", "", "");
            }
        }
        line = eol + 1;
    }
    free(data);
    return CLAIMDB_OK;
}

/* The closed lists: words separated by spaces, each list with its tag and classes. */
static const struct {
    unsigned cls;
    const char *words;
} closed_lists[] = {
    {T_DET, "the a an this these those some any each every no all both another either neither "
            "several few many much such"},
    {T_PRON, "i you he she it we they me him us them himself herself itself themselves "
             "ourselves myself yourself one there everyone someone anyone nobody everything "
             "something anything nothing what"},
    {T_PPRON, "my your his her its our their"},
    {T_WH, "who whom whose which that"},
    {T_PREP, "of in on at by for with from into onto about against among amongst between "
             "through during before after over under within without across along around behind "
             "beyond toward towards upon via despite amid amidst per near like including "
             "throughout inside outside above below beneath beside besides except regarding "
             "concerning following as"},
    {T_TO, "to"},
    {T_CONJ, "and or but nor"},
    {T_SUB, "because although though if while whereas unless whether since until when where "
            "once so than why how"},
    {T_AUX, "be is are am was were been being have has had having do does did"},
    {T_MODAL, "will would can could may might must shall should ought wo ca"},
    {T_NEG, "not n't never"},
    {T_ADV, "also still already just even only very really now then here however too quite "
            "rather almost soon later again ever yet further moreover repeatedly often always "
            "sometimes perhaps probably apparently reportedly allegedly recently currently "
            "longer instead meanwhile nevertheless therefore thus hence indeed explicitly "
            "strenuously clearly certainly possibly likely"},
    {T_NUM, "two three four five six seven eight nine ten eleven twelve twenty thirty forty "
            "fifty hundred thousand million billion trillion dozens hundreds thousands millions"},
};

static const struct {
    unsigned cls;
    const char *words;
} class_lists[] = {
    {CL_SPEECH, "say tell note claim insist state add report announce argue assert maintain "
                "believe think suggest allege warn write declare explain confirm deny "
                "acknowledge admit reiterate stress emphasize emphasise contend indicate "
                "predict comment mention recall affirm concede estimate conclude fear hope "
                "reveal disclose testify charge accuse complain boast agree disagree read "
                "show find know understand"},
    {CL_NEGVERB, "deny refuse decline reject fail dismiss oppose"},
    {CL_HEDGE, "reportedly allegedly apparently possibly perhaps probably likely may might "
               "could suggest appear seem speculate hint purportedly supposedly"},
    {CL_LIGHT, "make take give have hold pay reach express show launch issue offer"},
    {CL_CATENATIVE, "want seek try attempt continue begin start hope plan agree promise "
                    "threaten vow decide intend need appear seem tend keep stop resume aim "
                    "wish prepare expect fail refuse decline manage help"},
    {CL_PARTICLE, "up out off down away back over on in through along around about forward"},
    {CL_PRONOBJ, "me him us them"},
    {CL_REPORTNOUN, "statement message report letter announcement communique spokesman "
                    "spokeswoman spokesperson official officials source sources"},
};

static int fill_closed(claimdb_lexicon *lex)
{
    for (int pass = 0; pass < 2; pass++) {
        size_t nl = pass ? sizeof class_lists / sizeof class_lists[0]
                         : sizeof closed_lists / sizeof closed_lists[0];
        for (size_t i = 0; i < nl; i++) {
            const char *w = pass ? class_lists[i].words : closed_lists[i].words;
            unsigned cls = pass ? class_lists[i].cls : closed_lists[i].cls;
            while (*w) {
                size_t k = strcspn(w, " ");
                int created;
                slot *s = table_put(lex, &lex->closed, w, k, 0, &created);
                if (!s) return fail(lex, CLAIMDB_NOMEM, "out of memory%s%s", "", "");
                if (pass == 0 && (s->val & CL_TAGMASK)) cls &= ~CL_TAGMASK; /* first tag wins */
                s->val |= cls;
                w += k;
                while (*w == ' ')
                    w++;
            }
        }
    }
    return CLAIMDB_OK;
}

unsigned lex_class(const claimdb_lexicon *lex, const char *w, size_t n)
{
    const slot *s = table_find(lex, &lex->closed, w, n);
    return s ? s->val : 0;
}

int claimdb_lexicon_open(const char *dir, claimdb_lexicon **out)
{
    if (!out) return CLAIMDB_MISUSE;
    claimdb_lexicon *lex = *out = calloc(1, sizeof *lex);
    if (!lex) return CLAIMDB_NOMEM;
    if (!dir) dir = getenv("CLAIMDB_WORDNET");
    if (!dir || !*dir) dir = DEFAULT_WORDNET_DIR;
    static const struct {
        const char *name;
        unsigned pos;
    } idx[] = {{"index.verb", WN_VERB},
               {"index.noun", WN_NOUN},
               {"index.adj", WN_ADJ},
               {"index.adv", WN_ADV}};
    int rc = CLAIMDB_OK;
    for (size_t i = 0; i < sizeof idx / sizeof idx[0] && !rc; i++)
        rc = load_index(lex, dir, idx[i].name, idx[i].pos);
    if (!rc) rc = load_exc(lex, dir, "verb.exc", &lex->verb_exc);
    if (!rc) rc = load_exc(lex, dir, "noun.exc", &lex->noun_exc);
    if (!rc) rc = fill_closed(lex);
    if (!rc) snprintf(lex->msg, sizeof lex->msg, "not an error");
    return rc;
}

const char *claimdb_lexicon_errmsg(const claimdb_lexicon *lex)
{
    return lex ? lex->msg : "out of memory";
}

void claimdb_lexicon_close(claimdb_lexicon *lex)
{
    if (!lex) return;
    free(lex->arena);
    free(lex->info);
    free(lex->words.slots);
    free(lex->verb_exc.slots);
    free(lex->noun_exc.slots);
    free(lex->closed.slots);
    free(lex);
}

const lex_word *lex_lookup(const claimdb_lexicon *lex, const char *w, size_t n)
{
    const slot *s = table_find(lex, &lex->words, w, n);
    return s ? &lex->info[s->val] : NULL;
}

static int has_pos(const claimdb_lexicon *lex, const char *w, size_t n, unsigned pos)
{
    const lex_word *lw = lex_lookup(lex, w, n);
    return lw && (lw->pos & pos);
}

static int ends(const char *w, size_t n, const char *suf, size_t *stem)
{
    size_t k = strlen(suf);
    if (n <= k || memcmp(w + n - k, suf, k)) return 0;
    *stem = n - k;
    return 1;
}

/* Try stem + add as a lemma of pos; on success write it to out. */
static const char *try_form(const claimdb_lexicon *lex, const char *w, size_t stem, const char *add,
                            unsigned pos, char *out)
{
    size_t k = strlen(add);
    memcpy(out, w, stem);
    memcpy(out + stem, add, k);
    out[stem + k] = '\0';
    return stem + k > 0 && has_pos(lex, out, stem + k, pos) ? out : NULL;
}

const char *lex_verb_lemma(const claimdb_lexicon *lex, const char *w, size_t n, char *out)
{
    const slot *s = table_find(lex, &lex->verb_exc, w, n);
    if (s) {
        strcpy(out, lex->arena + s->val);
        return out;
    }
    if (has_pos(lex, w, n, WN_VERB)) {
        memcpy(out, w, n);
        out[n] = '\0';
        return out;
    }
    size_t st;
    const char *r = NULL;
    if (ends(w, n, "ies", &st)) r = try_form(lex, w, st, "y", WN_VERB, out);
    if (!r && ends(w, n, "es", &st)) {
        r = try_form(lex, w, st, "e", WN_VERB, out);
        if (!r) r = try_form(lex, w, st, "", WN_VERB, out);
    }
    if (!r && ends(w, n, "s", &st) && !ends(w, n, "ss", &st))
        r = try_form(lex, w, n - 1, "", WN_VERB, out);
    if (!r && (ends(w, n, "ed", &st) || ends(w, n, "ing", &st))) {
        if (st >= 2 && w[st - 1] == w[st - 2] && !strchr("aeiousl", w[st - 1]))
            r = try_form(lex, w, st - 1, "", WN_VERB, out); /* stopped, planning */
        if (!r) r = try_form(lex, w, st, "e", WN_VERB, out);
        if (!r) r = try_form(lex, w, st, "", WN_VERB, out);
        if (!r && st >= 2 && w[st - 1] == w[st - 2]) r = try_form(lex, w, st - 1, "", WN_VERB, out);
        if (!r && ends(w, n, "ied", &st)) r = try_form(lex, w, st, "y", WN_VERB, out);
    }
    return r;
}

const char *lex_noun_lemma(const claimdb_lexicon *lex, const char *w, size_t n, char *out)
{
    const slot *s = table_find(lex, &lex->noun_exc, w, n);
    if (s) {
        strcpy(out, lex->arena + s->val);
        return out;
    }
    size_t st;
    const char *r = NULL;
    if (ends(w, n, "ies", &st)) r = try_form(lex, w, st, "y", WN_NOUN, out);
    if (!r && ends(w, n, "men", &st)) r = try_form(lex, w, st, "man", WN_NOUN, out);
    if (!r && (ends(w, n, "ses", &st) || ends(w, n, "xes", &st) || ends(w, n, "zes", &st) ||
               ends(w, n, "ches", &st) || ends(w, n, "shes", &st)))
        r = try_form(lex, w, n - 2, "", WN_NOUN, out);
    if (!r && ends(w, n, "s", &st) && !ends(w, n, "ss", &st))
        r = try_form(lex, w, n - 1, "", WN_NOUN, out);
    if (!r && has_pos(lex, w, n, WN_NOUN)) {
        memcpy(out, w, n);
        out[n] = '\0';
        r = out;
    }
    return r;
}

int lex_phrasal(const claimdb_lexicon *lex, const char *lemma, const char *part, size_t plen)
{
    char key[160];
    size_t n = strlen(lemma);
    if (n + plen + 2 > sizeof key) return 0;
    memcpy(key, lemma, n);
    key[n] = ' ';
    memcpy(key + n + 1, part, plen);
    return has_pos(lex, key, n + 1 + plen, WN_VERB);
}

const char *claimdb_lexicon_verb_lemma(const claimdb_lexicon *lex, const char *word, size_t len,
                                       char *buf)
{
    if (!lex || !word || !buf || len > 200) return NULL;
    char low[208];
    for (size_t i = 0; i < len; i++)
        low[i] = (char)((word[i] >= 'A' && word[i] <= 'Z') ? word[i] + 32 : word[i]);
    low[len] = '\0';
    return lex_verb_lemma(lex, low, len, buf);
}
