/* grammar.c — claimdb_grammar (link-grammar's English dictionary, opened once and shared by
 * every thread) and deep_parser (one per thread: parse options, the time limit). The only
 * file that includes link-grammar; without the library (CLAIMDB_HAVE_LINK_GRAMMAR undefined)
 * claimdb_grammar_open() says so and the deep path is absent. */
#include "linkage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DICT "/usr/share/link-grammar/en"
#define PARSE_SECONDS 1 /* a sentence not parsed in this time goes to the rules */
#define PARSE_MEMORY (256 << 20)

struct claimdb_grammar {
    void *dict; /* Dictionary */
    char errmsg[1200];
};

int deep_available(const claimdb_grammar *g)
{
    return g && g->dict;
}

const char *claimdb_grammar_errmsg(const claimdb_grammar *g)
{
    if (!g) return "out of memory";
    return g->errmsg[0] ? g->errmsg : "not an error";
}

#ifdef CLAIMDB_HAVE_LINK_GRAMMAR

#include <link-grammar/link-includes.h>

/* link-grammar prints its warnings and errors unless a handler takes them; the library
 * never prints. */
static void quiet(lg_errinfo *e, void *data)
{
    (void)e;
    (void)data;
}

int claimdb_grammar_open(const char *dir, claimdb_grammar **out)
{
    if (!out) return CLAIMDB_MISUSE;
    claimdb_grammar *g = calloc(1, sizeof *g);
    *out = g;
    if (!g) return CLAIMDB_NOMEM;
    if (!dir) dir = getenv("CLAIMDB_LINK_GRAMMAR");
    if (!dir || !*dir) dir = DEFAULT_DICT;
    /* A relative name would be searched in ./data first, and claimdb has a data/ folder. */
    if (dir[0] != '/') {
        snprintf(g->errmsg, sizeof g->errmsg,
                 "the link-grammar dictionary must be an absolute path, not '%s'", dir);
        return CLAIMDB_ERROR;
    }
    char probe[1024];
    snprintf(probe, sizeof probe, "%s/4.0.dict", dir);
    FILE *fp = fopen(probe, "r");
    if (!fp) {
        snprintf(g->errmsg, sizeof g->errmsg,
                 "cannot read %s: install the Debian package link-grammar-dictionaries-en "
                 "or set CLAIMDB_LINK_GRAMMAR to the dictionary's folder",
                 probe);
        return CLAIMDB_ERROR;
    }
    fclose(fp);
    lg_error_handler prev = lg_error_set_handler(quiet, NULL);
    g->dict = dictionary_create_lang(dir);
    lg_error_clearall();
    lg_error_set_handler(prev, NULL);
    if (!g->dict) {
        snprintf(g->errmsg, sizeof g->errmsg, "link-grammar cannot load the dictionary in %s", dir);
        return CLAIMDB_ERROR;
    }
    return CLAIMDB_OK;
}

void claimdb_grammar_close(claimdb_grammar *g)
{
    if (!g) return;
    if (g->dict) dictionary_delete(g->dict);
    free(g);
}

struct deep_parser {
    Dictionary dict;
    Parse_Options po;
    lg_error_handler prev;
};

deep_parser *deep_parser_new(const claimdb_grammar *g)
{
    deep_parser *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->dict = g->dict;
    p->po = parse_options_create();
    if (!p->po) {
        free(p);
        return NULL;
    }
    parse_options_set_verbosity(p->po, 0);
    parse_options_set_max_parse_time(p->po, PARSE_SECONDS);
    parse_options_set_max_memory(p->po, PARSE_MEMORY);
    parse_options_set_linkage_limit(p->po, 64);
    /* full linkages only: a sentence without one goes to the rules */
    parse_options_set_min_null_count(p->po, 0);
    parse_options_set_max_null_count(p->po, 0);
    parse_options_set_spell_guess(p->po, 0);
    p->prev = lg_error_set_handler(quiet, NULL);
    return p;
}

void deep_parser_free(deep_parser *p)
{
    if (!p) return;
    parse_options_delete(p->po);
    lg_error_clearall();
    lg_error_set_handler(p->prev, NULL);
    free(p);
}

int deep_parse(deep_parser *p, const char *s, lk_parse *out)
{
    Sentence sent = sentence_create(s, p->dict);
    if (!sent) return -1;
    int rc = DEEP_NONE;
    if (sentence_split(sent, p->po) < 0 || sentence_length(sent) > LK_MAX_WORDS) {
        sentence_delete(sent);
        return DEEP_TOOLONG;
    }
    int n = sentence_parse(sent, p->po);
    if (parse_options_timer_expired(p->po) || parse_options_resources_exhausted(p->po))
        rc = DEEP_TIMEOUT;
    else if (n > 0) {
        Linkage lk = linkage_create(0, sent, p->po);
        if (lk && linkage_get_num_words(lk) <= LK_MAX_WORDS &&
            linkage_get_num_links(lk) <= LK_MAX_LINKS) {
            out->nw = linkage_get_num_words(lk);
            out->nl = linkage_get_num_links(lk);
            for (size_t w = 0; w < out->nw; w++) {
                const char *word = linkage_get_word(lk, w);
                snprintf(out->word[w], LK_WORD_MAX, "%s", word ? word : "");
                int wall = w == 0 || w + 1 == out->nw;
                out->start[w] = wall ? 0 : linkage_get_word_byte_start(lk, w);
                out->end[w] = wall ? 0 : linkage_get_word_byte_end(lk, w);
            }
            for (size_t i = 0; i < out->nl; i++) {
                out->link[i].l = (unsigned short)linkage_get_link_lword(lk, i);
                out->link[i].r = (unsigned short)linkage_get_link_rword(lk, i);
                const char *lab = linkage_get_link_label(lk, i);
                snprintf(out->link[i].label, sizeof out->link[i].label, "%s", lab ? lab : "");
            }
            rc = DEEP_FULL;
        }
        if (lk) linkage_delete(lk);
    }
    sentence_delete(sent);
    lg_error_clearall();
    return rc;
}

#else /* no link-grammar */

int claimdb_grammar_open(const char *dir, claimdb_grammar **out)
{
    (void)dir;
    if (!out) return CLAIMDB_MISUSE;
    claimdb_grammar *g = calloc(1, sizeof *g);
    *out = g;
    if (!g) return CLAIMDB_NOMEM;
    snprintf(g->errmsg, sizeof g->errmsg,
             "this claimdb was built without link-grammar, so the deep path is absent: install "
             "liblink-grammar-dev and link-grammar-dictionaries-en (scripts/deps.sh) and rebuild");
    return CLAIMDB_ERROR;
}

void claimdb_grammar_close(claimdb_grammar *g)
{
    free(g);
}

deep_parser *deep_parser_new(const claimdb_grammar *g)
{
    (void)g;
    return NULL;
}

void deep_parser_free(deep_parser *p)
{
    (void)p;
}

int deep_parse(deep_parser *p, const char *s, lk_parse *out)
{
    (void)p;
    (void)s;
    (void)out;
    return DEEP_NONE;
}

#endif
