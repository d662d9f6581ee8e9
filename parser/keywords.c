/* keywords.c — the ClaimQL keyword table.
 *
 * Keywords are case-insensitive. Three sorts:
 *  - reserved: never a bare term (write "from" in quotes to mean the word);
 *  - contextual: a keyword where the grammar expects it, and a bare term anywhere a term goes
 *    (ARTICLE TITLE ... / FIND ?x WHERE ?x title ?t);
 *  - function: a keyword only right before '(' (COUNT(*), title(?src)); alone it is a word.
 * The table is what completion offers and what the tests check against the scanner.
 */
#include "keywords.h"

#include "parser.h"

#include <stddef.h>

static const parse_keyword table[] = {
    {"ALIAS", TOK_ALIAS, KW_CONTEXTUAL | KW_STATEMENT},
    {"ALIASES", TOK_ALIASES, KW_CONTEXTUAL},
    {"AND", TOK_AND, KW_RESERVED},
    {"APPEARANCE", TOK_APPEARANCE, KW_CONTEXTUAL},
    {"ARTICLE", TOK_ARTICLE, KW_CONTEXTUAL | KW_STATEMENT},
    {"ARTICLES", TOK_ARTICLES, KW_CONTEXTUAL},
    {"AS", TOK_AS, KW_RESERVED},
    {"ASC", TOK_ASC, KW_CONTEXTUAL},
    {"ASSERT", TOK_ASSERT, KW_CONTEXTUAL | KW_STATEMENT},
    {"AT", TOK_AT, KW_CONTEXTUAL},
    {"AUTHOR", TOK_AUTHOR, KW_CONTEXTUAL | KW_FUNCTION},
    {"BEGIN", TOK_BEGIN, KW_CONTEXTUAL | KW_STATEMENT},
    {"BEST", TOK_BEST, KW_CONTEXTUAL},
    {"BOUND", TOK_FUNC, KW_FUNCTION},
    {"BY", TOK_BY, KW_RESERVED},
    {"CHECK", TOK_CHECK, KW_CONTEXTUAL | KW_STATEMENT},
    {"CITED", TOK_CITED, KW_RESERVED},
    {"CLAIMANT", TOK_CLAIMANT, KW_CONTEXTUAL},
    {"COMMIT", TOK_COMMIT, KW_CONTEXTUAL | KW_STATEMENT},
    {"CONFIDENCE", TOK_CONFIDENCE, KW_RESERVED},
    {"COUNT", TOK_FUNC, KW_FUNCTION},
    {"CREATE", TOK_CREATE, KW_CONTEXTUAL | KW_STATEMENT},
    {"DATE", TOK_DATE, KW_CONTEXTUAL | KW_FUNCTION},
    {"DESC", TOK_DESC, KW_CONTEXTUAL},
    {"DISTINCT", TOK_DISTINCT, KW_RESERVED},
    {"DROP", TOK_DROP, KW_CONTEXTUAL | KW_STATEMENT},
    {"DUPLICATE", TOK_DUPLICATE, KW_CONTEXTUAL},
    {"EMPTY", TOK_EMPTY, KW_CONTEXTUAL},
    {"EVIDENCE", TOK_EVIDENCE, KW_CONTEXTUAL | KW_STATEMENT},
    {"EXPLAIN", TOK_EXPLAIN, KW_CONTEXTUAL | KW_STATEMENT},
    {"FILTER", TOK_FILTER, KW_RESERVED},
    {"FIND", TOK_FIND, KW_CONTEXTUAL | KW_STATEMENT},
    {"FOR", TOK_FOR, KW_RESERVED},
    {"FOUND", TOK_FOUND, KW_CONTEXTUAL},
    {"FROM", TOK_FROM, KW_RESERVED},
    {"GROUP", TOK_GROUP, KW_RESERVED},
    {"HAVING", TOK_HAVING, KW_CONTEXTUAL},
    {"INDEPENDENT", TOK_INDEPENDENT, KW_RESERVED},
    {"INDEX", TOK_INDEX, KW_CONTEXTUAL},
    {"IS", TOK_IS, KW_CONTEXTUAL},
    {"LANGUAGE", TOK_LANGUAGE, KW_CONTEXTUAL},
    {"LIKE", TOK_LIKE, KW_RESERVED},
    {"LIMIT", TOK_LIMIT, KW_RESERVED},
    {"MAX", TOK_FUNC, KW_FUNCTION},
    {"METHOD", TOK_METHOD, KW_CONTEXTUAL},
    {"MIN", TOK_FUNC, KW_FUNCTION},
    {"NOT", TOK_NOT, KW_RESERVED},
    {"OF", TOK_OF, KW_CONTEXTUAL},
    {"OFFSET", TOK_OFFSET, KW_RESERVED},
    {"ON", TOK_ON, KW_CONTEXTUAL},
    {"OR", TOK_OR, KW_RESERVED},
    {"ORDER", TOK_ORDER, KW_RESERVED},
    {"OUTLET", TOK_OUTLET, KW_CONTEXTUAL | KW_FUNCTION},
    {"POLARITY", TOK_POLARITY, KW_CONTEXTUAL},
    {"PREDICATES", TOK_PREDICATES, KW_CONTEXTUAL},
    {"QUOTE", TOK_QUOTE, KW_RESERVED},
    {"QUOTES", TOK_QUOTES, KW_CONTEXTUAL},
    {"RATING", TOK_RATING, KW_CONTEXTUAL | KW_FUNCTION},
    {"RETRACT", TOK_RETRACT, KW_CONTEXTUAL | KW_STATEMENT},
    {"REVIEW", TOK_REVIEW, KW_CONTEXTUAL},
    {"REVIEWED", TOK_REVIEWED, KW_CONTEXTUAL},
    {"REVIEWER", TOK_FUNC, KW_FUNCTION},
    {"REVIEWS", TOK_REVIEWS, KW_CONTEXTUAL},
    {"ROLLBACK", TOK_ROLLBACK, KW_CONTEXTUAL | KW_STATEMENT},
    {"SHOW", TOK_SHOW, KW_CONTEXTUAL | KW_STATEMENT},
    {"SIMILAR", TOK_SIMILAR, KW_CONTEXTUAL | KW_STATEMENT},
    {"SOURCES", TOK_SOURCES, KW_RESERVED},
    {"STATS", TOK_STATS, KW_CONTEXTUAL},
    {"STORED", TOK_STORED, KW_CONTEXTUAL},
    {"TERMS", TOK_TERMS, KW_CONTEXTUAL},
    {"TEXT", TOK_TEXT, KW_CONTEXTUAL | KW_FUNCTION},
    {"TITLE", TOK_TITLE, KW_CONTEXTUAL | KW_FUNCTION},
    {"TO", TOK_TO, KW_CONTEXTUAL},
    {"URL", TOK_URL, KW_CONTEXTUAL | KW_FUNCTION},
    {"VALUE", TOK_VALUE, KW_CONTEXTUAL},
    {"VERDICT", TOK_FUNC, KW_FUNCTION},
    {"WHERE", TOK_WHERE, KW_RESERVED},
    {"WITHOUT", TOK_WITHOUT, KW_RESERVED},
    {"WORST", TOK_WORST, KW_CONTEXTUAL},
};

#define NKEYWORDS ((int)(sizeof table / sizeof table[0]))

int parse_keyword_count(void)
{
    return NKEYWORDS;
}

const char *parse_keyword_name(int i)
{
    return i >= 0 && i < NKEYWORDS ? table[i].name : NULL;
}

const parse_keyword *parse_keyword_entry(int i)
{
    return i >= 0 && i < NKEYWORDS ? &table[i] : NULL;
}

static int upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

const parse_keyword *parse_keyword_find(const char *s, size_t n)
{
    int lo = 0, hi = NKEYWORDS - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const char *k = table[mid].name;
        int c = 0;
        size_t i = 0;
        for (; i < n && k[i]; i++) {
            c = upper((unsigned char)s[i]) - (unsigned char)k[i];
            if (c) break;
        }
        if (!c) c = i < n ? 1 : k[i] ? -1 : 0;
        if (!c) return &table[mid];
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return NULL;
}

int cq_keyword_token(const char *s, size_t n)
{
    const parse_keyword *k = parse_keyword_find(s, n);
    return k && (k->flags & (KW_RESERVED | KW_CONTEXTUAL)) ? k->token : 0;
}
