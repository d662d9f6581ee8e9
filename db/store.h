/* store.h — claimdb's storage layer over LMDB.
 *
 * The only module that includes lmdb.h. It keeps, in one LMDB environment (one file, opened
 * with MDB_NOSUBDIR), these named databases:
 *   "term"   normalised key (NFC, case folded, white space collapsed)  -> term id (u64 BE)
 *   "termid" term id (u64 BE)                                          -> display form
 *   "spo", "pos", "osp"  [pol][a][b][c] (1 + 3x5 bytes: in keys a term id is 40 bits, BE)
 *            stored split: LMDB key [pol][a], its sorted duplicates [b][c] (MDB_DUPSORT |
 *            MDB_DUPFIXED; store_internal.h's db_split), no values
 *   "cite"   [pol][s][p][o][article u64][slot u32] -> citation record (store_claim.c)
 *   "artcite" [article u64][pol][s][p][o], split: key [article], duplicates the claim (the
 *            article cites the claim at least once)
 *   "article" article id               -> article record
 *   "alias"  normalised key of the alias -> canonical term id (u64 BE)
 *   "tstat"  [pol][role][term id]       -> number of claims with that term in that role,
 *            big-endian in 1 to 8 bytes
 *   "review"   review id (u64 BE)       -> review record (store_review.c)
 *   "revurl"   the review's URL         -> review id (a review is identified by its URL)
 *   "claimrev" [pol][s][p][o][review u64] -> empty (the review is about that triple)
 *   "revclaim" [review u64][pol][s][p][o] -> empty (the same link, from the review's side)
 *   "txtpost"  [kind][stem][0][doc]   -> tf, document length (store_text.c: the text index)
 *   "txtdoc"   the text index's quote and claim documents and alias texts (store_text.c)
 *   "meta"   "format" -> u32 version; "next_term", "next_review" -> u64; "claims.pos",
 *            "claims.neg", "citations", "articles", "reviews" -> u64 counts
 * Fixed-width big-endian integers make LMDB's memcmp order the numeric order, so that every
 * pattern with bound positions is one prefix range scan (over whole keys: the split databases
 * are joined back by the cursors). Format 6 narrowed the keys (term ids of 5 bytes, slots of
 * 4), split the four value-less databases and packed citation records and counts: the
 * 1M-claim bench file, before the text index, went from 413.9 to 286.8 MB (docs/performance.md).
 *
 * Errors are CLAIMDB_* codes (claimdb.h); MDB_* and errno values are translated here and
 * nowhere else. A message for the last error is kept in the store handle (store_errmsg).
 * Cursors step as claimdb_step does: each store_cursor_next_* returns CLAIMDB_ROW with the
 * next record, CLAIMDB_DONE at the end (and on every call after it), or an error code.
 *
 * Memory returned by read functions (term text, quotes, article fields) points into the LMDB
 * map and is valid until the transaction ends or the next write in it.
 */
#ifndef CLAIMDB_STORE_H
#define CLAIMDB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "claimdb.h"

#define STORE_FORMAT_VERSION 6
#define STORE_MAX_KEY 480 /* bytes of a normalised term key; longer terms are CLAIMDB_TOOBIG */

typedef uint64_t term_id; /* 0 is never a term */

enum { POL_NEG = 0, POL_POS = 1 };
enum { ROLE_S = 0, ROLE_P = 1, ROLE_O = 2 };
typedef enum store_index { IDX_SPO = 0, IDX_POS = 1, IDX_OSP = 2 } store_index;

typedef struct claim_key {
    uint8_t pol; /* POL_POS or POL_NEG */
    term_id s, p, o;
} claim_key;

/* Sort keys[0..n) in s, p, o order (the polarity is not compared: the callers' keys share one)
 * and drop repeats; the number left. */
size_t claim_keys_sort_unique(claim_key *keys, size_t n);

typedef struct store_text {
    const char *ptr; /* NULL: absent */
    size_t len;
} store_text;

/* A citation is identified by (claim, article, quote): the quote compared with white space
 * runs collapsed to one space and trimmed (store_quote_same); no quote is its own value. In
 * "cite" the key ends with a slot, a hash of that identity (0 for no quote), probed linearly
 * past the rare collision; lookups compare the stored quote. */
typedef struct store_citation {
    uint64_t article;
    bool has_confidence;
    double confidence;
    term_id claimant; /* 0: none */
    uint8_t method;   /* CLAIMDB_METHOD_* */
    store_text quote;
    store_text said_on; /* the date the claim was made, "YYYY-MM-DD", or absent */
    int64_t stored;     /* when first stored, seconds since 1970 UTC; 0 on a put: now */
    int64_t qstart;     /* where the quote is in the article's text, in characters; -1: not */
    int64_t qend;       /* placed (no text, no quote, or not found); end exclusive */
} store_citation;

typedef struct store_article {
    uint64_t id;
    store_text title, outlet, date, url, author, text;
    bool has_duplicate_of;
    uint64_t duplicate_of;
} store_article;

/* A fact-checker's review of a claim (schema.org ClaimReview). The URL is its identity. The
 * links to triples live apart ("claimrev", "revclaim"): they name a triple, not a claim, so
 * a review outlives the retraction of the claims it is about and is found again when the
 * claim is asserted again. */
enum {
    VERDICT_OTHER = 0,
    VERDICT_TRUE,
    VERDICT_MOSTLY_TRUE,
    VERDICT_MIXTURE,
    VERDICT_MOSTLY_FALSE,
    VERDICT_FALSE,
    VERDICT_COUNT
};
typedef struct store_review {
    uint64_t id;     /* set by the store */
    store_text text; /* claim_reviewed: the claim as the reviewer wrote it (required) */
    store_text url;  /* the review's URL (required, its identity) */
    store_text claimant, appearance_url, claim_date, reviewer, author, date, rating, language,
        title;
    bool has_appearance; /* the claim appeared in this article of the database */
    uint64_t appearance;
    bool has_value, has_best, has_worst; /* the numeric rating, where given */
    double value, best, worst;
    uint8_t verdict; /* VERDICT_* */
} store_review;

/* Flags of store_review_put's *added. */
#define STORE_REVIEW_ADDED 0x1    /* no review had that URL */
#define STORE_REVIEW_UPDATED 0x2  /* the record of an existing review changed */
#define STORE_REVIEW_ATTACHED 0x4 /* the link to the triple is new */

typedef struct store_counts {
    uint64_t terms, claims_pos, claims_neg, citations, articles, aliases, reviews;
    uint64_t map_size, used_bytes;
} store_counts;

typedef struct store store;         /* one per claimdb handle; shares the process's MDB_env */
typedef struct store_txn store_txn; /* a read or write transaction */
typedef struct store_cursor store_cursor;

/* The error a loop over a cursor stopped on: CLAIMDB_OK when its last step gave a row or the
 * end, else that step's code. */
static inline int store_step_err(int r)
{
    return r == CLAIMDB_ROW || r == CLAIMDB_DONE ? CLAIMDB_OK : r;
}

/* ---- environment ---- */

/* Open (flags: CLAIMDB_OPEN_*). An MDB_env is opened once per file and process and shared,
 * counted, by every store on it (LMDB forbids opening one file twice in a process). Runs
 * mdb_reader_check. On a new file writes the format version; on an old one checks it
 * (CLAIMDB_FORMAT). On failure *out is still set (for store_errmsg) unless CLAIMDB_NOMEM. */
int store_open(const char *path, int flags, store **out);
/* As store_open, with the map size to start from when this process opens the file first
 * (store_open: 16 GiB, 1 GiB in a 32-bit process, or twice the file's size, whichever is
 * larger). Tests use a tiny map to exercise growth. LMDB never maps less than an existing
 * file's recorded size. */
int store_open_mapsize(const char *path, int flags, size_t initial_map, store **out);
void store_close(store *st);
/* How long a write transaction waits for another writer (of this process or another) before
 * CLAIMDB_BUSY; 0 fails at once. STORE_DEFAULT_BUSY_MS until set. */
#define STORE_DEFAULT_BUSY_MS 5000
void store_busy_timeout(store *st, int ms);
/* cb is called about ten times a second while a write waits, with the milliseconds waited so far;
 * a nonzero return stops the wait (CLAIMDB_BUSY). NULL: no callback. */
void store_busy_handler(store *st, int (*cb)(void *ctx, int waited_ms), void *ctx);
const char *store_errmsg(const store *st);
/* A load keeps its new claims and citations in memory up to about this many bytes of their
 * size in the file, then moves them to a sorted run in a temporary file (store_run.c).
 * STORE_DEFAULT_RUN_BYTES until set; tests use a small one to exercise the runs. */
#define STORE_DEFAULT_RUN_BYTES ((size_t)64 << 20)
void store_run_bytes(store *st, size_t bytes);
/* Cursor positionings made through this store (for tests of laziness). */
int64_t store_cursor_ops(store *st, bool reset);

/* ---- transactions ---- */

/* Begin a transaction. A write transaction fails with CLAIMDB_READONLY on a read-only store
 * and CLAIMDB_BUSY when another store of this process holds the write lock. A full map is
 * grown transparently: the write calls below keep a log of the transaction's writes and, on
 * MDB_MAP_FULL, abort, grow the map, begin again and replay the log. */
int store_begin(store *st, bool write, store_txn **out);
int store_commit(store_txn *txn); /* frees txn, also on failure */
void store_abort(store_txn *txn); /* frees txn; NULL is a no-op */
bool store_txn_is_write(const store_txn *txn);
/* End a read transaction's snapshot but keep the transaction for store_renew: its memory, its
 * LMDB reader slot (which pins no page while parked) and its closed cursors. A statement run
 * again then begins without mdb_txn_begin or an allocation. Cursors still open die as at
 * the end of a transaction. A write transaction, a failed one, or one past the limit of
 * STORE_MAX_PARKED parked transactions per file and process (they would hold reader slots
 * that live readers need) is aborted instead and *txn set to NULL. NULL is a no-op. */
#define STORE_MAX_PARKED 64
void store_park(store_txn **txn);
/* Begin a parked transaction again, on the latest snapshot (what store_begin would see).
 * On failure the transaction stays parked-dead: store_abort it. */
int store_renew(store_txn *txn);
/* The snapshot a read transaction sees (LMDB's transaction id; never 0), or 0 for a write
 * transaction. Two read transactions on one file with the same snapshot see the same data, so
 * what was read in one holds in the other. */
uint64_t store_txn_snapshot(const store_txn *txn);

/* Savepoint for "an error inside BEGIN…COMMIT rolls back that statement only": LMDB nested
 * write transactions. */
int store_savepoint(store_txn *txn);
int store_savepoint_release(store_txn *txn);
int store_savepoint_rollback(store_txn *txn);

/* ---- terms ---- */

/* The matching key of a term: NFC, case fold, white space runs collapsed to one space,
 * trimmed (utf8proc). *key is malloc'd, caller frees. CLAIMDB_TOOBIG beyond STORE_MAX_KEY,
 * CLAIMDB_ERROR for invalid UTF-8 or an empty key. */
int store_term_key(const char *text, size_t len, char **key, size_t *keylen);
/* Find a term's id through aliases: CLAIMDB_OK, or CLAIMDB_NOTFOUND. */
int store_term_lookup(store_txn *txn, const char *text, size_t len, term_id *id);
/* As store_term_lookup, given the term's key (store_term_key), for callers that keep it. */
int store_term_lookup_key(store_txn *txn, const char *key, size_t keylen, term_id *id);
/* Find or create (write transactions only). The display form of a new term is text as given. */
int store_term_intern(store_txn *txn, const char *text, size_t len, term_id *id);
/* store_term_intern of n terms (0 <= n <= STORE_TERMS_MAX), each checked first: when one has
 * no valid key (see store_term_key) nothing is written, *bad gets its index and the error is
 * that of store_term_key. On other errors *bad is -1 (terms before the failing one may have
 * been created). */
#define STORE_TERMS_MAX 8
int store_terms_intern(store_txn *txn, int n, const char *const *texts, const size_t *lens,
                       term_id *ids, int *bad);
/* The display form of a term id (CLAIMDB_NOTFOUND if none). */
int store_term_text(store_txn *txn, term_id id, store_text *out);
/* Iterate terms whose key starts with keyprefix (already normalised, may be empty): each call
 * of store_cursor_next_term gives one id and its display form. */
int store_terms_open(store_txn *txn, const char *keyprefix, size_t len, store_cursor **out);
int store_cursor_next_term(store_cursor *c, term_id *id, store_text *display);
/* As store_cursor_next_term, with the term's key (its own: an alias spelling's key gives the
 * alias's own term, which store_term_lookup_key resolves to the canonical one). */
int store_cursor_next_term_key(store_cursor *c, term_id *id, store_text *key, store_text *display);

/* ---- aliases ---- */

/* alias means canonical from now on (both created as terms as needed). Claims already stored
 * with the alias's own term are rewritten onto the canonical term, their citations merged.
 * Error CLAIMDB_ERROR when it would make a cycle or alias a term to itself. */
int store_alias_put(store_txn *txn, const char *alias, size_t alen, const char *canonical,
                    size_t clen);
/* Iterate aliases: alias display text and canonical id. */
int store_aliases_open(store_txn *txn, store_cursor **out);
int store_cursor_next_alias(store_cursor *c, store_text *alias, term_id *canonical);

/* ---- claims and citations ---- */

/* Add or update the citation (claim, c->article, c->quote). Creates the claim and its index
 * entries when new, creates an empty article record when the article is unknown, and keeps
 * the counts. An update keeps the first stored time. *added (may be NULL) gets
 * CLAIMDB_ADDED_* flags, CLAIMDB_UPDATED_CITATION when an existing citation changed, 0 when
 * it was already there as given. */
int store_cite_put(store_txn *txn, const claim_key *k, const store_citation *c, int *added);
/* Remove the citations of (claim, article): all of them when quote is NULL, else the one with
 * that quote (quote->ptr NULL: the one without quote). The claim goes too with its last
 * citation. CLAIMDB_NOTFOUND if none matched. */
int store_cite_delete(store_txn *txn, const claim_key *k, uint64_t article,
                      const store_text *quote);
/* Remove a claim and all its citations. CLAIMDB_NOTFOUND if absent. */
int store_claim_delete(store_txn *txn, const claim_key *k);
/* CLAIMDB_OK if the claim exists, CLAIMDB_NOTFOUND if not. */
int store_claim_exists(store_txn *txn, const claim_key *k);
/* CLAIMDB_OK if the article cites the claim at least once, CLAIMDB_NOTFOUND if not. */
int store_cite_exists(store_txn *txn, const claim_key *k, uint64_t article);
/* The citation (claim, article, quote) (CLAIMDB_NOTFOUND if there is none). */
int store_cite_get(store_txn *txn, const claim_key *k, uint64_t article, const store_text *quote,
                   store_citation *out);
/* The bytes of the white space character at p (< end), or 0: ASCII white space, and the
 * no-break spaces U+00A0, U+2009 (thin) and U+202F (narrow), which web text is full of. */
size_t store_space_len(const char *p, const char *end);
/* Are two quotes the same for citation identity (white space runs count as one space, leading
 * and trailing white space not at all; an absent quote equals only an absent quote)? */
bool store_quote_same(store_text a, store_text b);
/* Number of distinct articles citing the claim. */
int store_cite_count(store_txn *txn, const claim_key *k, uint64_t *n);
/* As store_cite_count, through *cur, a citation cursor the caller keeps across claims (opened
 * here when *cur is NULL, retargeted after; the caller closes it). */
int store_cite_count_cur(store_txn *txn, store_cursor **cur, const claim_key *k, uint64_t *n);

/* Scan claims of polarity pol whose leading positions in index order equal prefix[0..nprefix)
 * (nprefix 0..3; for IDX_POS the order is p, o, s; for IDX_OSP o, s, p). */
int store_scan_open(store_txn *txn, store_index idx, uint8_t pol, const term_id *prefix,
                    int nprefix, store_cursor **out);
int store_cursor_next_claim(store_cursor *c, claim_key *k);
/* The citations of one claim in article order (within an article, in slot order). */
int store_cites_open(store_txn *txn, const claim_key *k, store_cursor **out);
/* The citations of one claim by one article. */
int store_cites_open_article(store_txn *txn, const claim_key *k, uint64_t article,
                             store_cursor **out);
int store_cursor_next_cite(store_cursor *c, store_citation *out);
/* Point a citation cursor (store_cites_open) at another claim's citations, from the start.
 * One cursor for many claims spares an open each; in a read transaction, claims visited in
 * key order are read as one merge, without a seek from the root per claim. */
int store_cites_retarget(store_cursor *c, const claim_key *k);
/* The claims of polarity pol that have citations, with their numbers of citing articles,
 * read from the citation tree alone (in s, p, o order), for counts that need nothing else of
 * a claim; prefix[0..nprefix) as for store_scan_open on IDX_SPO. */
int store_cited_claims_open(store_txn *txn, uint8_t pol, const term_id *prefix, int nprefix,
                            store_cursor **out);
/* CLAIMDB_ROW with the next claim and its number of distinct citing articles. */
int store_cursor_next_cited(store_cursor *c, claim_key *k, uint64_t *articles);
/* The claims an article cites (both polarities). */
int store_article_claims_open(store_txn *txn, uint64_t article, store_cursor **out);
/* The claims of polarity pol an article cites whose leading positions in s, p, o order equal
 * prefix[0..nprefix) (nprefix 0..3), in s, p, o order: a range of "artcite". */
int store_article_scan_open(store_txn *txn, uint64_t article, uint8_t pol, const term_id *prefix,
                            int nprefix, store_cursor **out);
/* next claim: store_cursor_next_claim */
void store_cursor_close(store_cursor *c); /* NULL is a no-op */

/* ---- articles ---- */

int store_article_get(store_txn *txn, uint64_t id, store_article *out); /* or CLAIMDB_NOTFOUND */
/* The article's stored text (ptr NULL: none, or no such article). A write transaction
 * remembers the articles it found without text until an article is written, so that a load
 * of many citations reads each article once. */
int store_article_text(store_txn *txn, uint64_t id, store_text *text);
/* Create or replace the whole record. */
int store_article_put(store_txn *txn, const store_article *a);
int store_articles_open(store_txn *txn, store_cursor **out);
int store_cursor_next_article(store_cursor *c, store_article *out);

/* ---- fact-check reviews (store_review.c) ---- */

/* Store the review identified by r->url, replacing the record of that URL (its id and links
 * stay); when k is given, link the review to that triple (which need not be a claim). r->id
 * is ignored. *added (may be NULL) gets STORE_REVIEW_* flags. CLAIMDB_TOOBIG for a URL of
 * more than STORE_MAX_KEY bytes. */
int store_review_put(store_txn *txn, const store_review *r, const claim_key *k, int *added);
/* Remove the review of that URL and its links. CLAIMDB_NOTFOUND if there is none. */
int store_review_delete(store_txn *txn, const char *url, size_t len);
/* The review of that URL, or of that id (CLAIMDB_NOTFOUND if none). */
int store_review_get_url(store_txn *txn, const char *url, size_t len, store_review *out);
int store_review_get(store_txn *txn, uint64_t id, store_review *out);
/* Every review, in id order (the order they were first stored). */
int store_reviews_open(store_txn *txn, store_cursor **out);
int store_cursor_next_review(store_cursor *c, store_review *out);
/* The ids of the reviews of a triple, in id order. */
int store_claim_reviews_open(store_txn *txn, const claim_key *k, store_cursor **out);
int store_cursor_next_review_id(store_cursor *c, uint64_t *id);
/* The links of polarity pol whose triple's leading positions in s, p, o order equal
 * prefix[0..nprefix) (nprefix 0..3): a range of "claimrev", in s, p, o order, then by review.
 * Each step gives the triple and the review's id. */
int store_claimrev_scan_open(store_txn *txn, uint8_t pol, const term_id *prefix, int nprefix,
                             store_cursor **out);
int store_cursor_next_link(store_cursor *c, claim_key *k, uint64_t *id);
/* The triples a review is about. */
int store_review_claims_open(store_txn *txn, uint64_t id, store_cursor **out);
int store_cursor_next_review_claim(store_cursor *c, claim_key *k);

/* ---- statistics ---- */

/* Number of claims of polarity pol having term id in role (ROLE_*). */
int store_term_stat(store_txn *txn, uint8_t pol, int role, term_id id, uint64_t *n);
int store_counts_get(store_txn *txn, store_counts *out);
/* Only the claim, citation, article and review counts of store_counts (what a planner
 * needs): the other fields are 0. Cheaper: no database sizes, and a read transaction on the
 * snapshot the store last counted reuses that count. */
int store_claim_counts(store_txn *txn, store_counts *out);

/* ---- checking ---- */

/* Check that the databases agree with one another (store_check.c), reporting each problem
 * (the first thousand described, all counted in *problems); *found gets what the data holds
 * (terms, claims, citations, articles, aliases). Returns an error only when the check itself
 * could not run. */
int store_check(store_txn *txn, void (*report)(void *ctx, const char *msg), void *ctx,
                int64_t *problems, store_counts *found);

/* ---- the text index (store_text.c) ---- */
#define STORE_TEXT_REVIEW                                                                          \
    'r'                      /* documents: a review's claim_reviewed and title; id: the review's   \
                              */
#define STORE_TEXT_QUOTE 'q' /* a citation's quote and its claimant's name */
#define STORE_TEXT_CLAIM 'c' /* a claim's subject, predicate and object, and their aliases */
/* A quote or claim document: what it refers to and the texts it was indexed with. */
typedef struct store_text_doc {
    uint64_t id;
    uint8_t kind;     /* STORE_TEXT_QUOTE or STORE_TEXT_CLAIM */
    claim_key k;      /* the claim (of the quote) */
    uint64_t article; /* the quote's article */
    store_text text;  /* the quote; the claim's subject, predicate and object, space-separated */
    store_text extra; /* the quote's claimant; the claim's terms' aliases, one per line */
} store_text_doc;
/* The document of that kind and id (CLAIMDB_NOTFOUND if none); texts valid as for reads. */
int store_text_doc_get(store_txn *t, uint8_t kind, uint64_t doc, store_text_doc *out);
int store_text_doc_decode(uint8_t kind, const void *rec, size_t n, store_text_doc *out);
/* Drop the whole text index and build it again from the reviews and aliases, and from the
 * citations and claims when their kinds are indexed (write transactions only). */
int store_text_rebuild(store_txn *t);
/* Reviews are always indexed; quotes and claims only once asked for (CREATE TEXT INDEX): the
 * kinds asked for are kept in the meta record "text.kinds" as these bits. */
#define STORE_TEXT_ON_QUOTES 1u
#define STORE_TEXT_ON_CLAIMS 2u
/* The STORE_TEXT_ON_* bits of the kinds indexed. */
int store_text_kinds(store_txn *t, unsigned *on);
/* Is that kind of document (STORE_TEXT_*) indexed? */
bool store_text_kind_on(unsigned on, uint8_t kind);
/* Index the kinds of the bits in add (the ones not yet indexed are built from the citations
 * or claims), then stop indexing those in drop (their postings, documents and counters are
 * removed); write transactions only. */
int store_text_set_kinds(store_txn *t, unsigned add, unsigned drop);
/* How many documents of that kind are indexed and how many words they hold together. */
int store_text_stats(store_txn *t, uint8_t kind, uint64_t *docs, uint64_t *words);
/* The greatest document id of that kind so far (documents' ids are 1 to it, some gone). */
int store_text_maxdoc(store_txn *t, uint8_t kind, uint64_t *max);
/* The posting list of a stem (as text_tokenize makes it), in document order. */
typedef struct store_postings store_postings;
int store_postings_open(store_txn *t, uint8_t kind, const char *stem, store_postings **out);
/* CLAIMDB_ROW and the next posting, CLAIMDB_DONE at the end, or an error. */
int store_postings_next(store_postings *p, uint64_t *doc, uint32_t *tf, uint32_t *dl);
/* The number of postings (of an unread list), counted up to about cap (by blocks). */
int store_postings_count(store_postings *p, uint64_t cap, uint64_t *n);
void store_postings_close(store_postings *p); /* NULL is a no-op */

#endif /* CLAIMDB_STORE_H */
