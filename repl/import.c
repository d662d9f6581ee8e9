/* import.c — the import driver: picks the format, runs its reader inside one transaction
 * (BEGIN … COMMIT, or ROLLBACK on the first error or with --dry-run), stores the records the
 * reader hands over (claimdb_assert for citations, prepared ARTICLE and ALIAS statements for
 * the rest), shows progress and prints the counts. */
#include "import.h"

#include "output.h"
#include "progress.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Quotes not found in their article's text are each reported up to this many times. */
#define IMPORT_MAX_WARNINGS 10

/* The optional fields of an ARTICLE statement, in the grammar's order; a statement is
 * prepared once for each combination that occurs. */
enum { ART_TITLE, ART_OUTLET, ART_DATE, ART_URL, ART_AUTHOR, ART_TEXT, ART_DUP, ART_NFIELDS };

static const char *const article_clause[ART_NFIELDS] = {
    " TITLE $title",   " OUTLET $outlet", " DATE $date",        " URL $url",
    " AUTHOR $author", " TEXT $text",     " DUPLICATE OF $dup",
};

struct import_ctx {
    claimdb *db;
    const import_options *o;
    const char *name; /* for messages */
    const char *path; /* as given */
    char *dir;        /* folder of the file, for text_file paths */
    FILE *fp;
    long line;
    long long bytes;
    progress prog;
    int failed;
    int format;
    long claims_added, citations_added, updated, unchanged, articles, aliases, not_found;
    long reviews, reviews_added, reviews_updated, reviews_unchanged, links_added, unmapped;
    strmap unmapped_labels; /* label -> how many reviews have it */
    claimdb_stmt *article_stmt[1 << ART_NFIELDS];
    claimdb_stmt *alias_stmt;
    /* Hashes of the rows read, to count the rows that repeat an earlier one of the file. */
    uint64_t *seen;
    size_t nseen, seencap;
    long repeats, first_repeat;
};

const char *import_name(const import_ctx *ic)
{
    return ic->name;
}

const char *import_dir(const import_ctx *ic)
{
    return ic->dir;
}

const char *import_base(const import_ctx *ic)
{
    return ic->o->base ? ic->o->base : IMPORT_DEFAULT_BASE;
}

const char *import_path(const import_ctx *ic)
{
    return ic->path;
}

/* A UTF-8 byte-order mark, which some editors put at the start of a file. */
static const char bom[] = "\xEF\xBB\xBF";

char *import_slurp(import_ctx *ic, size_t *len)
{
    buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, ic->fp)) > 0) {
        buf_append(&b, chunk, n);
        ic->bytes += (long long)n;
        progress_update(&ic->prog, ic->bytes);
    }
    if (ferror(ic->fp)) {
        buf_free(&b);
        import_error(ic, 1, 1, "read error: %s", strerror(errno));
        return NULL;
    }
    buf_putc(&b, '\0');
    *len = b.len - 1;
    if (*len >= 3 && !memcmp(b.p, bom, 3)) {
        memmove(b.p, b.p + 3, *len - 2);
        *len -= 3;
    }
    return b.p;
}

long import_lineno(const import_ctx *ic)
{
    return ic->line;
}

long import_getline(import_ctx *ic, char **line, size_t *cap)
{
    ssize_t n = getline(line, cap, ic->fp);
    if (n < 0) return -1;
    ic->line++;
    ic->bytes += n;
    progress_update(&ic->prog, ic->bytes);
    if (ic->line == 1 && n >= 3 && !memcmp(*line, bom, 3)) {
        memmove(*line, *line + 3, (size_t)n - 2); /* with the NUL */
        n -= 3;
    }
    return (long)n;
}

/* The row's hash, with the kind of record first. */
static uint64_t row_hash(int kind, const char *s, size_t n)
{
    unsigned char k = (unsigned char)kind;
    uint64_t h = hash_bytes(hash_bytes(HASH_INIT, &k, 1), s, n);
    return h ? h : 1; /* 0 marks a free slot */
}

void import_row_seen(import_ctx *ic, int kind, const char *row, size_t n, long line)
{
    if (ic->nseen * 2 >= ic->seencap) { /* keep the table at most half full */
        size_t cap = ic->seencap ? ic->seencap * 2 : 1024;
        uint64_t *t = xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < ic->seencap; i++) {
            if (!ic->seen[i]) continue;
            size_t k = (size_t)(ic->seen[i] & (cap - 1));
            while (t[k])
                k = (k + 1) & (cap - 1);
            t[k] = ic->seen[i];
        }
        free(ic->seen);
        ic->seen = t;
        ic->seencap = cap;
    }
    uint64_t h = row_hash(kind, row, n);
    size_t k = (size_t)(h & (ic->seencap - 1));
    while (ic->seen[k] && ic->seen[k] != h)
        k = (k + 1) & (ic->seencap - 1);
    if (ic->seen[k]) {
        if (!ic->repeats++) ic->first_repeat = line;
        return;
    }
    ic->seen[k] = h;
    ic->nseen++;
}

int import_error(import_ctx *ic, long line, long col, const char *fmt, ...)
{
    progress_end(&ic->prog);
    buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    diag("%s:%ld:%ld: %s\n", ic->name, line, col, b.p);
    buf_free(&b);
    ic->failed = 1;
    return -1;
}

int import_check_text(import_ctx *ic, const char *line, size_t n)
{
    const char *nul = memchr(line, '\0', n);
    size_t limit = nul ? (size_t)(nul - line) : n;
    size_t ok = utf8_valid_prefix(line, limit);
    if (ok < limit)
        return import_error(ic, ic->line, (long)utf8_count(line, ok) + 1,
                            "invalid UTF-8 (byte 0x%02X)", (unsigned char)line[ok]);
    if (nul) return import_error(ic, ic->line, (long)utf8_count(line, limit) + 1, "NUL byte");
    return 0;
}

int import_claim(import_ctx *ic, const rec_claim *c, long line, long col)
{
    claimdb_citation cit = {
        .subject = c->subject,
        .predicate = c->predicate,
        .object = c->object,
        .negated = c->negated,
        .article = c->article,
        .quote = c->quote,
        .claimant = c->claimant,
        .has_confidence = c->has_confidence,
        .confidence = c->confidence,
        .method = c->extracted ? CLAIMDB_METHOD_EXTRACTED : CLAIMDB_METHOD_IMPORTED,
        .said_on = c->said_on,
    };
    int added = 0;
    int rc = claimdb_assert(ic->db, &cit, &added);
    if (rc != CLAIMDB_OK) return import_error(ic, line, col, "%s", claimdb_errmsg_text(ic->db));
    if (added & CLAIMDB_ADDED_CLAIM) ic->claims_added++;
    if (added & CLAIMDB_ADDED_CITATION)
        ic->citations_added++;
    else if (added & CLAIMDB_UPDATED_CITATION)
        ic->updated++;
    else
        ic->unchanged++;
    if (added & CLAIMDB_QUOTE_NOT_FOUND) {
        /* A warning, not an error: the citation is stored, only without a position. */
        if (ic->not_found++ < IMPORT_MAX_WARNINGS)
            diag("%s:%ld:%ld: warning: the quote is not in article %lld's text\n", ic->name, line,
                 col, (long long)c->article);
    }
    return 0;
}

int import_review(import_ctx *ic, const claimdb_review *r, long line, long col)
{
    int added = 0;
    if (claimdb_review_put(ic->db, r, &added) != CLAIMDB_OK)
        return import_error(ic, line, col, "%s", claimdb_errmsg_text(ic->db));
    ic->reviews++;
    if (added & CLAIMDB_ADDED_REVIEW)
        ic->reviews_added++;
    else if (added & CLAIMDB_UPDATED_REVIEW)
        ic->reviews_updated++;
    else
        ic->reviews_unchanged++;
    if (added & CLAIMDB_ATTACHED_REVIEW) ic->links_added++;
    if (added & CLAIMDB_RATING_UNMAPPED) {
        ic->unmapped++;
        /* A record without a rating that updates a stored review keeps the stored label,
         * which is the one unmapped: this record has none to name. */
        int created;
        if (r->rating)
            (*strmap_put(&ic->unmapped_labels, r->rating, strlen(r->rating), &created))++;
    }
    return 0;
}

/* Run a prepared write statement once, then reset it for the next record. */
static int run_write(import_ctx *ic, claimdb_stmt *stmt, long line, long col)
{
    int rc = claimdb_step(stmt);
    while (rc == CLAIMDB_ROW)
        rc = claimdb_step(stmt);
    if (rc != CLAIMDB_DONE) {
        import_error(ic, line, col, "%s", claimdb_errmsg_text(ic->db));
        claimdb_reset(stmt);
        return -1;
    }
    claimdb_reset(stmt);
    return 0;
}

static claimdb_stmt *prepare(import_ctx *ic, const char *text, long line)
{
    claimdb_stmt *stmt = NULL;
    if (claimdb_prepare(ic->db, text, -1, &stmt, NULL) != CLAIMDB_OK || !stmt) {
        import_error(ic, line, 1, "cannot prepare '%s': %s", text, claimdb_errmsg_text(ic->db));
        return NULL;
    }
    return stmt;
}

int import_article(import_ctx *ic, const rec_article *a, long line, long col)
{
    const char *vals[ART_NFIELDS] = {a->title,  a->outlet, a->date, a->url,
                                     a->author, a->text,   NULL};
    unsigned mask = 0;
    for (int i = 0; i < ART_NFIELDS; i++)
        if (vals[i] || (i == ART_DUP && a->duplicate_of >= 0)) mask |= 1u << i;
    claimdb_stmt *stmt = ic->article_stmt[mask];
    if (!stmt) {
        buf text = {0};
        buf_puts(&text, "ARTICLE $id");
        for (int i = 0; i < ART_NFIELDS; i++)
            if (mask & (1u << i)) buf_puts(&text, article_clause[i]);
        buf_putc(&text, ';');
        stmt = ic->article_stmt[mask] = prepare(ic, text.p, line);
        buf_free(&text);
        if (!stmt) return -1;
    }
    static const char *const names[ART_NFIELDS] = {"$title",  "$outlet", "$date", "$url",
                                                   "$author", "$text",   "$dup"};
    claimdb_bind_int64(stmt, "$id", a->id);
    for (int i = 0; i < ART_DUP; i++)
        if (vals[i]) claimdb_bind_text(stmt, names[i], vals[i], -1);
    if (a->duplicate_of >= 0) claimdb_bind_int64(stmt, "$dup", a->duplicate_of);
    if (run_write(ic, stmt, line, col) != 0) return -1;
    ic->articles++;
    return 0;
}

int import_alias(import_ctx *ic, const rec_alias *a, long line, long col)
{
    if (!ic->alias_stmt && !(ic->alias_stmt = prepare(ic, "ALIAS $a FOR $b;", line))) return -1;
    claimdb_bind_text(ic->alias_stmt, "$a", a->alias, -1);
    claimdb_bind_text(ic->alias_stmt, "$b", a->canonical, -1);
    if (run_write(ic, ic->alias_stmt, line, col) != 0) return -1;
    ic->aliases++;
    return 0;
}

static int exec_simple(import_ctx *ic, const char *sql)
{
    if (claimdb_exec(ic->db, sql, NULL, NULL) != CLAIMDB_OK) {
        progress_end(&ic->prog);
        diag("%s: %s: %s\n", ic->name, sql, claimdb_errmsg_text(ic->db));
        ic->failed = 1;
        return -1;
    }
    return 0;
}

typedef struct label_count {
    const char *label;
    size_t n;
} label_count;

static int cmp_label_count(const void *a, const void *b)
{
    const label_count *x = a, *y = b;
    if (x->n != y->n) return x->n < y->n ? 1 : -1;
    return strcmp(x->label, y->label);
}

/* The reviews' counts, and the labels the rating table does not know, most frequent first. */
static void print_review_counts(const import_ctx *ic, buf *b, int first)
{
    buf_printf(b,
               "%s%ld review record%s (%ld reviews added, %ld updated, %ld unchanged), %ld "
               "link%s to a triple added",
               first ? "" : ", ", ic->reviews, ic->reviews == 1 ? "" : "s", ic->reviews_added,
               ic->reviews_updated, ic->reviews_unchanged, ic->links_added,
               ic->links_added == 1 ? "" : "s");
    buf_printf(b, ", %ld with an unmapped rating", ic->unmapped);
    if (!ic->unmapped) return;
    const strmap *m = &ic->unmapped_labels;
    label_count *lc = xcalloc(m->n ? m->n : 1, sizeof *lc);
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) lc[n++] = (label_count){m->keys[i], m->vals[i]};
    qsort(lc, n, sizeof *lc, cmp_label_count);
    buf_puts(b, " (");
    for (size_t i = 0; i < n && i < 10; i++)
        buf_printf(b, "%s\"%s\" %zu", i ? ", " : "", lc[i].label, lc[i].n);
    if (n > 10) buf_printf(b, ", and %zu more label%s", n - 10, n - 10 == 1 ? "" : "s");
    buf_puts(b, ": verdict other)");
    free(lc);
}

static void print_counts(const import_ctx *ic)
{
    buf b = {0};
    buf_printf(&b, "%s: ", ic->name);
    int review_format = ic->format == FORMAT_LIAR || ic->format == FORMAT_CLAIMREVIEW ||
                        ic->format == FORMAT_CLAIMSKG;
    if (review_format) {
        print_review_counts(ic, &b, 1);
        if (ic->o->dry_run) buf_puts(&b, " (dry run: nothing stored)");
        diag("%s\n", b.p);
        buf_free(&b);
        return;
    }
    buf_printf(&b, "%ld claims added, %ld citations added, %ld updated, %ld unchanged",
               ic->claims_added, ic->citations_added, ic->updated, ic->unchanged);
    if (ic->articles) buf_printf(&b, ", %ld article%s", ic->articles, ic->articles == 1 ? "" : "s");
    if (ic->aliases) buf_printf(&b, ", %ld alias%s", ic->aliases, ic->aliases == 1 ? "" : "es");
    if (ic->not_found)
        buf_printf(&b, ", %ld quote%s not found in the article's text", ic->not_found,
                   ic->not_found == 1 ? "" : "s");
    if (ic->reviews) print_review_counts(ic, &b, 0);
    if (ic->o->dry_run) buf_puts(&b, " (dry run: nothing stored)");
    diag("%s\n", b.p);
    buf_free(&b);
}

int import_scratch_open(claimdb **db, char **dir)
{
    const char *tmpdir = getenv("TMPDIR");
    buf d = {0};
    buf_printf(&d, "%s/claimdb-dry-run-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    *db = NULL;
    *dir = NULL;
    if (!mkdtemp(d.p)) {
        diag("claimdb: cannot make a folder for the dry run (%s): %s\n", d.p, strerror(errno));
        buf_free(&d);
        return 1;
    }
    buf path = {0};
    buf_printf(&path, "%s/dry.claimdb", d.p);
    int rc = claimdb_open(path.p, CLAIMDB_OPEN_CREATE, db);
    buf_free(&path);
    *dir = d.p;
    if (rc != CLAIMDB_OK) {
        diag("claimdb: cannot make the dry run's database: %s\n",
             *db ? claimdb_errmsg(*db) : claimdb_strerror(rc));
        import_scratch_close(*db, *dir);
        *db = NULL;
        *dir = NULL;
        return 1;
    }
    return 0;
}

void import_scratch_close(claimdb *db, char *dir)
{
    claimdb_close(db);
    if (!dir) return;
    static const char *const files[] = {"/dry.claimdb", "/dry.claimdb-lock"};
    for (size_t i = 0; i < 2; i++) {
        buf f = {0};
        buf_printf(&f, "%s%s", dir, files[i]);
        remove(f.p);
        buf_free(&f);
    }
    rmdir(dir);
    free(dir);
}

int import_file(claimdb *db, const char *path, const import_options *o)
{
    int is_stdin = !strcmp(path, "-");
    import_ctx ic = {0};
    ic.db = db;
    ic.o = o;
    ic.name = is_stdin ? "<stdin>" : path;
    ic.path = path;
    int format = o->format >= 0 ? o->format : format_from_path(path);
    if (format < 0) {
        diag("%s: cannot tell the format from the file name; give --format tsv, jsonl, nquads, "
             "liar, claimreview or claimskg\n",
             ic.name);
        return 1;
    }
    ic.format = format;
    ic.fp = is_stdin ? stdin : fopen(path, "rb");
    if (!ic.fp) {
        diag("%s: cannot open: %s\n", ic.name, strerror(errno));
        return 1;
    }
    ic.dir = is_stdin ? xstrdup(".") : path_dir(path);
    struct stat st;
    long long total = -1;
    if (fstat(fileno(ic.fp), &st) == 0 && S_ISREG(st.st_mode)) total = (long long)st.st_size;
    progress_start(&ic.prog, ic.name, total);

    if (exec_simple(&ic, "BEGIN;") == 0) {
        int rc = format == FORMAT_TSV           ? tsv_read(&ic)
                 : format == FORMAT_JSONL       ? jsonl_read(&ic)
                 : format == FORMAT_LIAR        ? liar_read(&ic)
                 : format == FORMAT_CLAIMREVIEW ? claimreview_read(&ic)
                 : format == FORMAT_CLAIMSKG    ? claimskg_read(&ic)
                                                : nquads_read(&ic);
        if (rc == 0 && ferror(ic.fp))
            import_error(&ic, ic.line + 1, 1, "read error: %s", strerror(errno));
        for (size_t i = 0; i < sizeof ic.article_stmt / sizeof ic.article_stmt[0]; i++)
            claimdb_finalize(ic.article_stmt[i]);
        claimdb_finalize(ic.alias_stmt);
        if (ic.failed || o->dry_run) {
            int failed = ic.failed;
            exec_simple(&ic, "ROLLBACK;");
            ic.failed |= failed;
        } else {
            exec_simple(&ic, "COMMIT;");
        }
    }
    progress_end(&ic.prog);
    if (!ic.failed && ic.repeats)
        diag("%s:%ld: warning: %ld row%s repeat%s an earlier row of the file (the first repeat is "
             "on this line)\n",
             ic.name, ic.first_repeat, ic.repeats, ic.repeats == 1 ? "" : "s",
             ic.repeats == 1 ? "s" : "");
    if (!ic.failed) print_counts(&ic);
    free(ic.seen);
    if (!is_stdin) fclose(ic.fp);
    free(ic.dir);
    strmap_free(&ic.unmapped_labels);
    return ic.failed ? 1 : 0;
}
