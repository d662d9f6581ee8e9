/* extract_cmd.c — `claimdb extract [--jobs N] [FILE...]`: a stateless filter. Articles come as
 * JSON Lines ({"id": N, "text": "...", ...} on standard input or in .jsonl files) or as plain
 * text files (N.txt is article N; other names are numbered by their place among the
 * arguments). Claims go to standard output as JSON Lines in the import format, with the words
 * as written (*_text) and their offsets (*_start, *_end: characters, i.e. Unicode code
 * points, from the start of the article's text). With --jobs N, N threads extract at once;
 * the output order is the input order whatever N. */
#include "extract_cmd.h"

#include "output.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char extract_usage[] =
    "Usage: claimdb extract [--jobs N] [--deep] [--reporting] [--no-coref] [FILE...]\n"
    "\n"
    "Extract claims from articles, without a database. Articles are read as JSON Lines\n"
    "({\"id\": N, \"text\": \"...\"}, other fields ignored) from standard input or from\n"
    ".jsonl files, or as plain text files (N.txt is article N; another name gets its place\n"
    "among the arguments, from 0). Claims are written to standard output as JSON Lines that\n"
    "'claimdb import DB - --format jsonl' reads, with the words as written (*_text) and\n"
    "their character offsets in the article's text (*_start, *_end).\n"
    "\n"
    "  -j, --jobs N    extract with N threads (default 1); the output order stays the same\n"
    "      --deep      parse each sentence with link-grammar (about a thousand times slower,\n"
    "                  better claims); the rules take the sentences it cannot parse. A\n"
    "                  summary of where the claims came from goes to standard error\n"
    "      --reporting also write the act of saying as a claim (\"X said Y\" gives X / say /\n"
    "                  Y besides Y by X), as Open IE benchmarks count it\n"
    "      --no-coref  keep pronouns as written, not the names they stand for\n"
    "  -h, --help      show this help and exit\n"
    "\n"
    "The WordNet dictionary is read from $CLAIMDB_WORDNET, else /usr/share/wordnet\n"
    "(Debian package wordnet-base). Exit status: 0 success, 1 a bad input line or file\n"
    "(the others are still processed), 2 bad usage.\n";

claimdb_grammar *open_grammar(void)
{
    claimdb_grammar *g = NULL;
    if (claimdb_grammar_open(NULL, &g) != CLAIMDB_OK) {
        diag("claimdb: --deep: %s\n", claimdb_grammar_errmsg(g));
        claimdb_grammar_close(g);
        return NULL;
    }
    return g;
}

void print_deep_stats(const char *who, const claimdb_extract_stats *st)
{
    size_t n = st->sentences ? st->sentences : 1;
    diag("%s: deep path: %zu sentences: %zu parsed (%.1f%%), to the rules: %zu without a full "
         "linkage (%.1f%%), %zu past the time limit (%.1f%%), %zu over 60 words (%.1f%%)\n",
         who, st->sentences, st->full, 100.0 * (double)st->full / (double)n, st->no_linkage,
         100.0 * (double)st->no_linkage / (double)n, st->timeout,
         100.0 * (double)st->timeout / (double)n, st->too_long,
         100.0 * (double)st->too_long / (double)n);
}

void add_deep_stats(claimdb_extract_stats *to, const claimdb_extract_stats *from)
{
    to->sentences += from->sentences;
    to->full += from->full;
    to->no_linkage += from->no_linkage;
    to->timeout += from->timeout;
    to->too_long += from->too_long;
}

claimdb_lexicon *open_lexicon(void)
{
    claimdb_lexicon *lex = NULL;
    if (claimdb_lexicon_open(NULL, &lex) != CLAIMDB_OK) {
        diag("claimdb: %s\n", claimdb_lexicon_errmsg(lex));
        claimdb_lexicon_close(lex);
        return NULL;
    }
    return lex;
}

void put_json_string(buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_reserve(b, n + 2);
    buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        buf_append(b, s + run, i - run);
        run = i + 1;
        char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
        switch (c) {
        case '"':
            buf_puts(b, "\\\"");
            break;
        case '\\':
            buf_puts(b, "\\\\");
            break;
        case '\n':
            buf_puts(b, "\\n");
            break;
        case '\t':
            buf_puts(b, "\\t");
            break;
        case '\r':
            buf_puts(b, "\\r");
            break;
        default:
            buf_append(b, e, 6);
        }
    }
    buf_append(b, s + run, n - run);
    buf_putc(b, '"');
}

/* Byte offsets to character offsets, moving a cursor (claims of one sentence are close). */
typedef struct charpos {
    const char *text;
    size_t byte, chr;
} charpos;

static size_t char_at(charpos *cp, size_t off)
{
    while (cp->byte < off) {
        if (((unsigned char)cp->text[cp->byte] & 0xC0) != 0x80) cp->chr++;
        cp->byte++;
    }
    while (cp->byte > off) {
        cp->byte--;
        if (((unsigned char)cp->text[cp->byte] & 0xC0) != 0x80) cp->chr--;
    }
    return cp->chr;
}

typedef struct emit_ctx {
    buf *b;
    int64_t article;
    const char *text;
    charpos cp;
} emit_ctx;

static void put_span(emit_ctx *e, const char *name, claimdb_span s)
{
    buf_printf(e->b, ",\"%s_text\":", name);
    put_json_string(e->b, e->text + s.start, s.end - s.start);
    size_t a = char_at(&e->cp, s.start);
    size_t z = char_at(&e->cp, s.end);
    buf_printf(e->b, ",\"%s_start\":%zu,\"%s_end\":%zu", name, a, name, z);
}

static int emit_claim(void *ctx, const claimdb_extracted *c)
{
    emit_ctx *e = ctx;
    buf *b = e->b;
    buf_puts(b, "{\"subject\":");
    put_json_string(b, c->subject, strlen(c->subject));
    buf_puts(b, ",\"predicate\":");
    put_json_string(b, c->predicate, strlen(c->predicate));
    buf_puts(b, ",\"object\":");
    put_json_string(b, c->object, strlen(c->object));
    buf_printf(b, ",\"article\":%lld,\"quote\":", (long long)e->article);
    put_json_string(b, e->text + c->quote_span.start, c->quote_span.end - c->quote_span.start);
    if (c->claimant) {
        buf_puts(b, ",\"claimant\":");
        put_json_string(b, c->claimant, strlen(c->claimant));
    }
    buf_printf(b, ",\"polarity\":\"%c\",\"confidence\":%.3g,\"method\":\"extracted\"",
               c->negated ? '-' : '+', c->confidence);
    put_span(e, "subject", c->subject_span);
    put_span(e, "predicate", c->predicate_span);
    put_span(e, "object", c->object_span);
    if (c->claimant) put_span(e, "claimant", c->claimant_span);
    size_t qa = char_at(&e->cp, c->quote_span.start), qz = char_at(&e->cp, c->quote_span.end);
    buf_printf(b, ",\"quote_start\":%zu,\"quote_end\":%zu}\n", qa, qz);
    return 0;
}

long extract_article_jsonl(const claimdb_lexicon *lex, const claimdb_grammar *grammar,
                           claimdb_extract_stats *stats, int flags, int64_t article,
                           const char *text, size_t len, buf *b)
{
    claimdb_extract_options opt = {0};
    opt.lexicon = lex;
    opt.flags = flags;
    opt.grammar = grammar;
    opt.stats = stats;
    emit_ctx e = {b, article, text, {text, 0, 0}};
    size_t n = 0;
    if (claimdb_extract(text, len, &opt, emit_claim, &e, &n) != CLAIMDB_OK) return -1;
    return (long)n;
}

/* ---- a batch of articles, extracted by worker threads ------------------------------------ */

typedef struct article_job {
    int64_t id;
    char *text;
    size_t len;
    buf out;
    claimdb_extract_stats stats; /* its sentences, on the deep path */
} article_job;

typedef struct batch {
    const claimdb_lexicon *lex;
    const claimdb_grammar *grammar; /* --deep */
    claimdb_extract_stats stats;    /* of the articles written */
    int flags;                      /* CLAIMDB_EXTRACT_* */
    article_job *jobs;
    size_t n, cap;
    size_t next; /* guarded by lock */
    pthread_mutex_t lock;
} batch;

static void *worker(void *arg)
{
    batch *bt = arg;
    for (;;) {
        pthread_mutex_lock(&bt->lock);
        size_t i = bt->next++;
        pthread_mutex_unlock(&bt->lock);
        if (i >= bt->n) return NULL;
        article_job *j = &bt->jobs[i];
        buf_reserve(&j->out, 0);
        j->out.p[0] = '\0';
        if (extract_article_jsonl(bt->lex, bt->grammar, &j->stats, bt->flags, j->id, j->text,
                                  j->len, &j->out) < 0) {
            diag("claimdb: out of memory\n");
            exit(1);
        }
    }
}

static int flush_batch(batch *bt, int jobs)
{
    if (!bt->n) return 0;
    bt->next = 0;
    int nt = jobs > 1 ? jobs : 1;
    if ((size_t)nt > bt->n) nt = (int)bt->n;
    pthread_t *th = xmalloc((size_t)nt * sizeof *th);
    int started = 0;
    for (int i = 1; i < nt; i++)
        if (pthread_create(&th[i], NULL, worker, bt) == 0)
            started = i;
        else
            break;
    worker(bt);
    for (int i = 1; i <= started; i++)
        pthread_join(th[i], NULL);
    free(th);
    int rc = 0;
    for (size_t i = 0; i < bt->n; i++) {
        article_job *j = &bt->jobs[i];
        if (j->out.len && fwrite(j->out.p, 1, j->out.len, stdout) != j->out.len) rc = -1;
        add_deep_stats(&bt->stats, &j->stats);
        buf_free(&j->out);
        free(j->text);
    }
    bt->n = 0;
    return rc;
}

static void add_job(batch *bt, int64_t id, char *text, size_t len)
{
    if (bt->n == bt->cap) {
        bt->cap = bt->cap ? bt->cap * 2 : 64;
        bt->jobs = xrealloc(bt->jobs, bt->cap * sizeof *bt->jobs);
    }
    article_job *j = &bt->jobs[bt->n++];
    memset(j, 0, sizeof *j);
    j->id = id;
    j->text = text;
    j->len = len;
}

static int is_jsonl_name(const char *path)
{
    size_t n = strlen(path);
    return !strcmp(path, "-") || (n > 6 && !strcmp(path + n - 6, ".jsonl")) ||
           (n > 7 && !strcmp(path + n - 7, ".ndjson"));
}

/* Read JSON Lines articles from fp into the batch, flushing as it fills. */
static int read_jsonl(batch *bt, FILE *fp, const char *name, int jobs)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = 0;
    size_t batch_max = (size_t)(jobs > 1 ? jobs : 1) * 32;
    while ((n = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        size_t k = 0;
        while (k < (size_t)n &&
               (line[k] == ' ' || line[k] == '\t' || line[k] == '\n' || line[k] == '\r'))
            k++;
        if (k == (size_t)n) continue;
        json_error_t err;
        json_t *obj = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &err);
        if (!obj || !json_is_object(obj)) {
            diag("%s:%ld:%d: %s\n", name, lineno, obj ? 1 : err.column,
                 obj ? "expected a JSON object" : err.text);
            json_decref(obj);
            rc = 1;
            continue;
        }
        json_t *id = json_object_get(obj, "id"), *text = json_object_get(obj, "text");
        if (!id || !json_is_integer(id) || json_integer_value(id) < 0) {
            diag("%s:%ld: field 'id': expected an integer >= 0\n", name, lineno);
            rc = 1;
        } else if (!text || !json_is_string(text)) {
            diag("%s:%ld: field 'text': expected a string\n", name, lineno);
            rc = 1;
        } else {
            size_t len = json_string_length(text);
            char *copy = xmalloc(len + 1);
            memcpy(copy, json_string_value(text), len);
            copy[len] = '\0';
            add_job(bt, (int64_t)json_integer_value(id), copy, len);
        }
        json_decref(obj);
        if (bt->n >= batch_max && flush_batch(bt, jobs)) rc = 1;
    }
    free(line);
    if (ferror(fp)) {
        diag("%s: read error: %s\n", name, strerror(errno));
        rc = 1;
    }
    return rc;
}

/* N.txt (or N, or any name whose base starts with digits then '.') gives N; else -1. */
static int64_t id_from_name(const char *path)
{
    const char *b = path_base(path);
    int64_t v = 0;
    size_t i = 0;
    for (; b[i] >= '0' && b[i] <= '9'; i++) {
        if (v > (INT64_MAX - 9) / 10) return -1;
        v = v * 10 + (b[i] - '0');
    }
    if (i == 0 || (b[i] && strcmp(b + i, ".txt"))) return -1;
    return v;
}

/* What `claimdb extract` is asked to do. */
typedef struct extract_args {
    int jobs, flags, deep;
    const char **files;
    int nfiles;
} extract_args;

enum { EXTRACT_GO_ON = -1 }; /* the arguments are read: extract */

/* --jobs N (or -j N, --jobs=N) at argv[*i]: 0, or 2 when N is not from 1 to 256. */
static int jobs_option(int argc, char **argv, int *i, int *jobs)
{
    const char *a = argv[*i];
    const char *v = a[1] == '-' && a[6] == '=' ? a + 7 : (*i + 1 < argc ? argv[++*i] : NULL);
    int64_t n;
    if (!v || parse_uint64(v, &n) || n < 1 || n > 256) {
        diag("claimdb: --jobs needs a number from 1 to 256, not '%s'\n"
             "Try 'claimdb extract --help'.\n",
             v ? v : "");
        return 2;
    }
    *jobs = (int)n;
    return 0;
}

static int read_extract_args(int argc, char **argv, extract_args *ea)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(extract_usage, stdout);
            return 0;
        }
        if (!strcmp(a, "--reporting")) {
            ea->flags |= CLAIMDB_EXTRACT_REPORTING;
        } else if (!strcmp(a, "--deep")) {
            ea->deep = 1;
        } else if (!strcmp(a, "--no-coref")) {
            ea->flags |= CLAIMDB_EXTRACT_NO_COREF;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs") || !strncmp(a, "--jobs=", 7)) {
            if (jobs_option(argc, argv, &i, &ea->jobs)) return 2;
        } else if (a[0] == '-' && a[1]) {
            diag("claimdb: extract: unknown option '%s'\nTry 'claimdb extract --help'.\n", a);
            return 2;
        } else {
            ea->files[ea->nfiles++] = a;
        }
    }
    return EXTRACT_GO_ON;
}

/* A plain text file is one article: N.txt is article N, another name gets number i. */
static int read_text_article(batch *bt, FILE *fp, const char *path, int i)
{
    buf text = {0};
    if (read_stream(fp, &text) != 0) {
        diag("%s: read error: %s\n", path, strerror(errno));
        buf_free(&text);
        return 1;
    }
    if (utf8_valid_prefix(text.p ? text.p : "", text.len) < text.len) {
        diag("%s: not UTF-8 text (byte %zu)\n", path, utf8_valid_prefix(text.p, text.len) + 1);
        buf_free(&text);
        return 1;
    }
    int64_t id = id_from_name(path);
    buf_reserve(&text, 0);
    add_job(bt, id >= 0 ? id : i, text.p, text.len);
    return 0;
}

/* The articles of the i-th file argument ("-": standard input) into the batch. */
static int read_input(batch *bt, const char *path, int i, int jobs)
{
    int is_stdin = !strcmp(path, "-");
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        diag("%s: cannot open: %s\n", path, strerror(errno));
        return 1;
    }
    int rc = is_jsonl_name(path) ? read_jsonl(bt, fp, is_stdin ? "<stdin>" : path, jobs)
                                 : read_text_article(bt, fp, path, i);
    if (!is_stdin) fclose(fp);
    if (bt->n >= (size_t)jobs * 32 && flush_batch(bt, jobs)) rc = 1;
    return rc;
}

/* Every input's claims to standard output, in the order of the inputs. */
static int extract_all(const extract_args *ea, claimdb_lexicon *lex, claimdb_grammar *grammar)
{
    batch bt = {0};
    bt.lex = lex;
    bt.grammar = grammar;
    bt.flags = ea->flags;
    pthread_mutex_init(&bt.lock, NULL);
    int rc = 0;
    if (ea->nfiles == 0) rc |= read_jsonl(&bt, stdin, "<stdin>", ea->jobs);
    for (int i = 0; i < ea->nfiles; i++)
        rc |= read_input(&bt, ea->files[i], i, ea->jobs);
    if (flush_batch(&bt, ea->jobs)) rc = 1;
    if (fflush(stdout) != 0) {
        diag("claimdb: cannot write to standard output: %s\n", strerror(errno));
        rc = 1;
    }
    if (grammar) print_deep_stats("extract", &bt.stats);
    pthread_mutex_destroy(&bt.lock);
    free(bt.jobs);
    return rc;
}

int cmd_extract(int argc, char **argv)
{
    extract_args ea = {.jobs = 1};
    ea.files = xmalloc((size_t)argc * sizeof *ea.files);
    int rc = read_extract_args(argc, argv, &ea);
    claimdb_lexicon *lex = NULL;
    claimdb_grammar *grammar = NULL;
    if (rc == EXTRACT_GO_ON && !(lex = open_lexicon())) rc = 1;
    if (rc == EXTRACT_GO_ON && ea.deep && !(grammar = open_grammar())) rc = 1;
    if (rc == EXTRACT_GO_ON) rc = extract_all(&ea, lex, grammar) ? 1 : 0;
    free(ea.files);
    claimdb_grammar_close(grammar);
    claimdb_lexicon_close(lex);
    return rc;
}
