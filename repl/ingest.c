/* ingest.c — article files into a database: each file is one article (N.txt is article N,
 * other names take the next free id), stored with ARTICLE ... TEXT (its headline as the title
 * when it has one and the article none), then the claims claimdb_extract() finds in it,
 * stored with claimdb_assert() (method extracted, the sentence as the quote), in one
 * transaction per article. The same text again is a no-op; a text whose MinHash similarity
 * with an earlier article reaches INGEST_DUPLICATE_THRESHOLD is marked DUPLICATE OF it. */
#include "ingest.h"

#include "extract_cmd.h"
#include "output.h"
#include "progress.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct known {
    int64_t id;
    uint64_t hash;
    int has_text, has_title;
    int has_sig;
    uint64_t sig[CLAIMDB_SIGNATURE_SIZE];
} known;

typedef struct ingest {
    claimdb *db;
    const claimdb_lexicon *lex;
    const claimdb_grammar *grammar; /* --deep */
    claimdb_extract_stats stats;
    known *arts;
    size_t n, cap;
    int64_t next_id;
    long stored, unchanged, duplicates, failed_files;
    long claims_added, citations_added, citations_updated, citations_unchanged;
    /* per article, while its claims are stored */
    int64_t article;
    const char *text;
    int failed;
} ingest;

static known *find_known(ingest *g, int64_t id)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->arts[i].id == id) return &g->arts[i];
    return NULL;
}

static known *add_known(ingest *g, int64_t id)
{
    known *k = find_known(g, id);
    if (k) return k;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 16;
        g->arts = xrealloc(g->arts, g->cap * sizeof *g->arts);
    }
    k = &g->arts[g->n++];
    memset(k, 0, sizeof *k);
    k->id = id;
    if (id >= g->next_id) g->next_id = id + 1;
    return k;
}

static int column(claimdb_stmt *st, const char *name)
{
    for (int i = 0; i < claimdb_column_count(st); i++)
        if (!strcmp(claimdb_column_name(st, i), name)) return i;
    return -1;
}

/* The articles already in the database: ids, and hashes and signatures of their texts. */
static int load_known(ingest *g)
{
    claimdb_stmt *st = NULL;
    if (claimdb_prepare(g->db, "SHOW ARTICLES;", -1, &st, NULL) != CLAIMDB_OK) return -1;
    int ci = column(st, "id"), ct = column(st, "title");
    int rc;
    while ((rc = claimdb_step(st)) == CLAIMDB_ROW) {
        known *k = add_known(g, claimdb_column_int64(st, ci));
        k->has_title = ct >= 0 && claimdb_column_type(st, ct) != CLAIMDB_NULL;
    }
    claimdb_finalize(st);
    if (rc != CLAIMDB_DONE) return -1;
    if (claimdb_prepare(g->db, "SHOW ARTICLE $id;", -1, &st, NULL) != CLAIMDB_OK) return -1;
    int tx = column(st, "text");
    for (size_t i = 0; i < g->n && tx >= 0; i++) {
        claimdb_bind_int64(st, "$id", g->arts[i].id);
        if (claimdb_step(st) == CLAIMDB_ROW && claimdb_column_type(st, tx) == CLAIMDB_TEXT) {
            const char *t = claimdb_column_text(st, tx);
            size_t len = strlen(t);
            if (len) {
                g->arts[i].has_text = 1;
                g->arts[i].hash = hash_bytes(HASH_INIT, t, len);
                g->arts[i].has_sig = claimdb_signature(t, len, g->arts[i].sig) > 0;
            }
        }
        claimdb_reset(st);
    }
    claimdb_finalize(st);
    return 0;
}

static int store_claim(void *ctx, const claimdb_extracted *e)
{
    ingest *g = ctx;
    char *quote = xstrndup(g->text + e->quote_span.start, e->quote_span.end - e->quote_span.start);
    claimdb_citation c = {0};
    c.subject = e->subject;
    c.predicate = e->predicate;
    c.object = e->object;
    c.negated = e->negated;
    c.article = g->article;
    c.quote = quote;
    c.claimant = e->claimant;
    c.has_confidence = 1;
    c.confidence = e->confidence;
    c.method = CLAIMDB_METHOD_EXTRACTED;
    int added = 0;
    int rc = claimdb_assert(g->db, &c, &added);
    free(quote);
    if (rc != CLAIMDB_OK) {
        g->failed = 1;
        return 1;
    }
    if (added & CLAIMDB_ADDED_CLAIM) g->claims_added++;
    if (added & CLAIMDB_ADDED_CITATION)
        g->citations_added++;
    else if (added & CLAIMDB_UPDATED_CITATION)
        g->citations_updated++;
    else
        g->citations_unchanged++;
    return 0;
}

/* N.txt gives N; other names -1. */
static int64_t id_of(const char *path)
{
    const char *b = path_base(path);
    int64_t v = 0;
    size_t i = 0;
    for (; b[i] >= '0' && b[i] <= '9'; i++) {
        if (v > (INT64_MAX - 9) / 10) return -1;
        v = v * 10 + (b[i] - '0');
    }
    return i > 0 && !strcmp(b + i, ".txt") ? v : -1;
}

static int exec(ingest *g, const char *sql)
{
    return claimdb_exec(g->db, sql, NULL, NULL) == CLAIMDB_OK ? 0 : -1;
}

/* One article file as it is ingested. */
typedef struct article {
    const char *path;
    buf text;
    uint64_t hash;
    int64_t id;
    int has_sig;
    uint64_t sig[CLAIMDB_SIGNATURE_SIZE];
    int has_title;
    claimdb_span title;
    int64_t dup;       /* the article this one is a near duplicate of, or -1 */
    double similarity; /* to dup */
} article;

/* The file's text into *text: 0, or 1 when it cannot be read or is not UTF-8 text. */
static int read_article(const char *path, progress *prog, buf *text)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        progress_end(prog);
        diag("%s: cannot open: %s\n", path, strerror(errno));
        return 1;
    }
    int rd = read_stream(fp, text);
    fclose(fp);
    buf_reserve(text, 0);
    if (rd != 0) {
        progress_end(prog);
        diag("%s: read error: %s\n", path, strerror(errno));
        return 1;
    }
    size_t ok = utf8_valid_prefix(text->p, text->len);
    if (ok < text->len || memchr(text->p, '\0', text->len)) {
        progress_end(prog);
        diag("%s: not UTF-8 text (byte %zu)\n", path, ok + 1);
        return 1;
    }
    return 0;
}

/* The stored article whose text has the hash h, or NULL. */
static const known *same_text(const ingest *g, uint64_t h)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->arts[i].has_text && g->arts[i].hash == h) return &g->arts[i];
    return NULL;
}

/* The most similar other article at INGEST_DUPLICATE_THRESHOLD or above (the lowest id of
 * equally similar ones) into a->dup and a->similarity. */
static void find_duplicate(const ingest *g, article *a)
{
    a->dup = -1;
    a->similarity = 0;
    for (size_t i = 0; i < g->n && a->has_sig; i++) {
        const known *k = &g->arts[i];
        if (!k->has_sig || k->id == a->id) continue;
        double s = claimdb_signature_similarity(a->sig, k->sig);
        if (s >= INGEST_DUPLICATE_THRESHOLD &&
            (s > a->similarity || (s == a->similarity && k->id < a->dup))) {
            a->similarity = s;
            a->dup = k->id;
        }
    }
}

/* ARTICLE $id TEXT $text [TITLE $title] [DUPLICATE OF $dup]: 0, or nonzero on an error. */
static int add_article(ingest *g, const article *a)
{
    buf sql = {0};
    buf_puts(&sql, "ARTICLE $id TEXT $text");
    if (a->has_title) buf_puts(&sql, " TITLE $title");
    if (a->dup >= 0)
        buf_puts(&sql, " DUPLICATE OF $dup;");
    else
        buf_putc(&sql, ';');
    claimdb_stmt *st = NULL;
    int rc = claimdb_prepare(g->db, sql.p, -1, &st, NULL) != CLAIMDB_OK;
    if (!rc) {
        const char *text = a->text.p;
        claimdb_bind_int64(st, "$id", a->id);
        claimdb_bind_text(st, "$text", text, (int)a->text.len);
        if (a->has_title)
            claimdb_bind_text(st, "$title", text + a->title.start,
                              (int)(a->title.end - a->title.start));
        if (a->dup >= 0) claimdb_bind_int64(st, "$dup", a->dup);
        rc = claimdb_step(st) != CLAIMDB_DONE;
        claimdb_finalize(st);
    }
    buf_free(&sql);
    return rc;
}

/* The claims claimdb_extract() finds in the text, each stored by store_claim(). */
static int extract_claims(ingest *g, const article *a)
{
    claimdb_extract_options opt = {0};
    opt.lexicon = g->lex;
    opt.grammar = g->grammar;
    opt.stats = &g->stats;
    g->article = a->id;
    g->text = a->text.p;
    g->failed = 0;
    int erc = claimdb_extract(a->text.p, a->text.len, &opt, store_claim, g, NULL);
    return g->failed || (erc != CLAIMDB_OK);
}

/* The article and its claims in one transaction: 0, or 1 when it was rolled back (and the
 * counts are as they were). */
static int store_article(ingest *g, const article *a, progress *prog)
{
    long before_claims = g->claims_added, before_cit = g->citations_added,
         before_upd = g->citations_updated, before_same = g->citations_unchanged;
    int rc = exec(g, "BEGIN;");
    if (!rc) rc = add_article(g, a);
    if (!rc) rc = extract_claims(g, a);
    if (!rc) rc = exec(g, "COMMIT;");
    if (!rc) return 0;
    progress_end(prog);
    diag("%s: %s\n", a->path, claimdb_errmsg_text(g->db));
    claimdb_exec(g->db, "ROLLBACK;", NULL, NULL);
    g->claims_added = before_claims;
    g->citations_added = before_cit;
    g->citations_updated = before_upd;
    g->citations_unchanged = before_same;
    return 1;
}

/* An article read from its file: skipped when its text is stored already (0) or its id has
 * another text (1), else stored with its claims. */
static int ingest_text(ingest *g, article *a, progress *prog)
{
    a->hash = hash_bytes(HASH_INIT, a->text.p, a->text.len);
    const known *same = same_text(g, a->hash);
    if (same) {
        progress_end(prog);
        diag("%s: same text as article %lld: already stored\n", a->path, (long long)same->id);
        g->unchanged++;
        return 0;
    }
    a->id = id_of(a->path);
    if (a->id < 0) a->id = g->next_id;
    const known *prev = find_known(g, a->id);
    if (prev && prev->has_text) {
        progress_end(prog);
        diag("%s: article %lld already has another text: skipped\n", a->path, (long long)a->id);
        return 1;
    }
    a->has_sig = claimdb_signature(a->text.p, a->text.len, a->sig) > 0;
    find_duplicate(g, a);
    a->has_title =
        !(prev && prev->has_title) && claimdb_extract_title(a->text.p, a->text.len, &a->title);
    if (store_article(g, a, prog)) return 1;
    known *k = add_known(g, a->id);
    k->has_text = 1;
    k->has_title = a->has_title;
    k->hash = a->hash;
    k->has_sig = a->has_sig;
    memcpy(k->sig, a->sig, sizeof a->sig);
    g->stored++;
    if (a->dup >= 0) {
        progress_end(prog);
        diag("%s: article %lld is a near duplicate of article %lld (similarity %.2f)\n", a->path,
             (long long)a->id, (long long)a->dup, a->similarity);
        g->duplicates++;
    }
    return 0;
}

static int ingest_file(ingest *g, const char *path, progress *prog)
{
    article a;
    memset(&a, 0, sizeof a);
    a.path = path;
    int rc = read_article(path, prog, &a.text) || ingest_text(g, &a, prog);
    buf_free(&a.text);
    return rc;
}

/* Numbered names by number, then the others by name. */
static int cmp_names(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int64_t i = id_of(x), j = id_of(y);
    if (i >= 0 && j >= 0) return i < j ? -1 : i > j;
    if (i >= 0 || j >= 0) return i >= 0 ? -1 : 1;
    return strcmp(x, y);
}

/* The *.txt files of a folder, sorted; caller frees each and the array. */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d) return NULL;
    char **names = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") || e->d_name[0] == '.') continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            names = xrealloc(names, cap * sizeof *names);
        }
        buf p = {0};
        buf_printf(&p, "%s/%s", dir, e->d_name);
        names[(*n)++] = p.p;
    }
    closedir(d);
    if (*n) qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

int ingest_paths(claimdb *db, const char *const *paths, int npaths, int deep)
{
    claimdb_lexicon *lex = open_lexicon();
    if (!lex) return 1;
    claimdb_grammar *grammar = NULL;
    if (deep && !(grammar = open_grammar())) {
        claimdb_lexicon_close(lex);
        return 1;
    }
    ingest g = {0};
    g.db = db;
    g.lex = lex;
    g.grammar = grammar;
    int rc = 0;
    if (load_known(&g) != 0) {
        diag("ingest: %s\n", claimdb_errmsg(db));
        claimdb_grammar_close(grammar);
        claimdb_lexicon_close(lex);
        return 1;
    }
    /* the files, in order */
    char **files = NULL;
    size_t nfiles = 0, cap = 0;
    long long total = 0;
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            diag("%s: cannot open: %s\n", paths[i], strerror(errno));
            rc = 1;
            continue;
        }
        size_t k = 0;
        char **list = NULL;
        if (S_ISDIR(st.st_mode)) {
            list = list_dir(paths[i], &k);
            if (!k) diag("%s: no .txt files\n", paths[i]);
        } else {
            list = xmalloc(sizeof *list);
            list[0] = xstrdup(paths[i]);
            k = 1;
        }
        for (size_t j = 0; j < k; j++) {
            if (nfiles == cap) {
                cap = cap ? cap * 2 : 16;
                files = xrealloc(files, cap * sizeof *files);
            }
            files[nfiles++] = list[j];
            if (stat(list[j], &st) == 0) total += (long long)st.st_size;
        }
        free(list);
    }
    progress prog;
    progress_start(&prog, "ingest", total);
    long long done = 0;
    for (size_t i = 0; i < nfiles; i++) {
        if (ingest_file(&g, files[i], &prog) != 0) {
            rc = 1;
            g.failed_files++;
        }
        struct stat st;
        if (stat(files[i], &st) == 0) done += (long long)st.st_size;
        progress_update(&prog, done);
        free(files[i]);
    }
    progress_end(&prog);
    free(files);
    diag("ingest: %ld article%s stored (%ld marked duplicate), %ld already stored, %ld failed; "
         "%ld claims added, %ld citations added, %ld updated, %ld unchanged\n",
         g.stored, g.stored == 1 ? "" : "s", g.duplicates, g.unchanged, g.failed_files,
         g.claims_added, g.citations_added, g.citations_updated, g.citations_unchanged);
    if (grammar) print_deep_stats("ingest", &g.stats);
    free(g.arts);
    claimdb_grammar_close(grammar);
    claimdb_lexicon_close(lex);
    return rc;
}
