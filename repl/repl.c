/* repl.c — the interactive shell on libedit: "claimdb> " and "   ...> " prompts until
 * claimdb_complete() says the statement is complete, dot-commands at the start of an entry,
 * persistent history, Tab completion (keywords, dot-commands, terms of the database), and
 * Ctrl-C that cancels the input being typed or the statement running, without leaving. */
#include "repl.h"

#include "batch.h"
#include "dot.h"
#include "output.h"
#include "util.h"

#include <errno.h>
#include <histedit.h>
#include <signal.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#define MAX_CANDIDATES 50

/* What the SIGINT handler needs: a flag for the line editor, the handle for the statement. */
static volatile sig_atomic_t interrupted;
static shell *volatile running_shell; /* its db may be created by the entry's first write */

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
    shell *sh = running_shell;
    if (sh && sh->db) claimdb_interrupt(sh->db);
}

typedef struct repl {
    shell *sh;
    buf entry; /* the statement being typed, over several lines */
    History *hist;
    char *hpath; /* the history file, or NULL */
} repl;

static char *prompt(EditLine *el)
{
    repl *r = NULL;
    el_get(el, EL_CLIENTDATA, &r);
    return r && r->entry.len ? "   ...> " : "claimdb> ";
}

/* ---- history file ------------------------------------------------------------------------ */

static int mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int rc = mkdir(path, 0700);
        *p = '/';
        if (rc != 0 && errno != EEXIST) return -1;
    }
    return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* $XDG_STATE_HOME/claimdb/history, else ~/.claimdb_history; NULL when neither can be had. */
static char *history_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    buf b = {0};
    if (state && *state) {
        buf_printf(&b, "%s/claimdb", state);
        if (mkdir_p(b.p) == 0) {
            buf_puts(&b, "/history");
            return b.p;
        }
        buf_clear(&b);
    }
    const char *home = getenv("HOME");
    if (!home || !*home) {
        buf_free(&b);
        return NULL;
    }
    buf_printf(&b, "%s/.claimdb_history", home);
    return b.p;
}

/* ---- completion ------------------------------------------------------------------------ */

/* Completions: each a word as it would be written (a keyword, a command, a term quoted
 * when it has to be) and its raw text. */
typedef struct candidates {
    char **v, **raw;
    size_t n;
    int more; /* there were more than MAX_CANDIDATES */
} candidates;

static void add_candidate(candidates *c, const char *s, const char *raw)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->v[i], s)) return;
    if (c->n >= MAX_CANDIDATES) {
        c->more = 1;
        return;
    }
    c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
    c->raw = xrealloc(c->raw, (c->n + 1) * sizeof *c->raw);
    c->v[c->n] = xstrdup(s);
    c->raw[c->n] = xstrdup(raw);
    c->n++;
}

static void free_candidates(candidates *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i]);
        free(c->raw[i]);
    }
    free(c->v);
    free(c->raw);
}

/* Case-folded, NFC form of s (caller frees), or a copy when utf8proc fails. */
static char *fold(const char *s)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    if (n < 0) return xstrdup(s);
    char *copy = xstrdup((const char *)out);
    free(out);
    return copy;
}

static int is_keyword(const char *s)
{
    for (int i = 0; i < claimdb_keyword_count(); i++)
        if (!ascii_casecmp(claimdb_keyword_name(i), s)) return 1;
    return 0;
}

/* Whether text is made of bare-word characters (a letter or '_', then letters, digits and
 * _ - . '), and a term that can be written bare: such text that is no keyword. */
static int bare_chars(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!*p || !(*p >= 0x80 || *p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
        return 0;
    for (; *p; p++)
        if (!(*p >= 0x80 || *p == '_' || *p == '-' || *p == '.' || *p == '\'' ||
              (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return 0;
    return 1;
}

static int bare_word(const char *s)
{
    return bare_chars(s) && !is_keyword(s);
}

/* A term as written: bare when it can be, else quoted with \" and \\ escapes; inside an
 * open string (quoted), the rest of the string. close: end the string. */
static void write_term(buf *w, const char *t, int quoted, int close)
{
    if (!quoted && bare_word(t)) {
        buf_puts(w, t);
        return;
    }
    if (!quoted) buf_putc(w, '"');
    for (const char *p = t; *p; p++) {
        if (*p == '"' || *p == '\\') buf_putc(w, '\\');
        buf_putc(w, *p);
    }
    if (close) buf_putc(w, '"');
}

/* Terms of the database starting with prefix: through SHOW TERMS LIKE $p, keeping the terms
 * of claims (not alias spellings, nor terms whose claims are gone); with predicates, through
 * SHOW PREDICATES, the predicates only. */
static void term_candidates(shell *sh, const char *prefix, int quoted, int predicates,
                            candidates *c)
{
    claimdb_stmt *stmt = NULL;
    if (!sh->db) return; /* not created yet */
    const char *sql = predicates ? "SHOW PREDICATES;" : "SHOW TERMS LIKE $p;";
    if (claimdb_prepare(sh->db, sql, -1, &stmt, NULL) != CLAIMDB_OK || !stmt) return;
    buf pattern = {0};
    buf_printf(&pattern, "%s%%", prefix);
    if (!predicates) claimdb_bind_text(stmt, "$p", pattern.p, -1);
    char *fprefix = fold(prefix);
    size_t fl = strlen(fprefix);
    int seen = 0;
    while (claimdb_step(stmt) == CLAIMDB_ROW && seen < 4 * MAX_CANDIDATES) {
        const char *t = claimdb_column_text(stmt, 0);
        if (!t) continue;
        seen++;
        char *ft = fold(t);
        int match = !strncmp(ft, fprefix, fl); /* LIKE's '_' matches more than a prefix */
        free(ft);
        int state = CLAIMDB_TERM_LIVE;
        if (match && !predicates && claimdb_term_state(sh->db, t, -1, &state) != CLAIMDB_OK)
            state = CLAIMDB_TERM_ABSENT;
        if (!match || state != CLAIMDB_TERM_LIVE) continue;
        buf w = {0};
        write_term(&w, t, quoted, 1);
        add_candidate(c, w.p, t);
        buf_free(&w);
    }
    free(fprefix);
    buf_free(&pattern);
    claimdb_finalize(stmt);
}

static int word_char(unsigned char ch)
{
    return ch >= 0x80 || ch == '_' || ch == '-' || ch == '.' || ch == '\'' || ch == '?' ||
           ch == '$' || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           (ch >= '0' && ch <= '9');
}

/* Whether the word starting at start is a pattern's predicate: exactly one term (a bare word
 * that is no keyword, a string, a ?variable, a $parameter) comes between it and the keyword
 * or punctuation that starts the pattern ("WHERE Taliban |", "CHECK Taliban |"). entry is
 * the statement's earlier lines. */
static int predicate_position(const char *entry, size_t elen, const char *line, const char *start)
{
    buf text = {0};
    buf_append(&text, entry, elen);
    buf_append(&text, line, (size_t)(start - line));
    int terms = 0, done = 0;
    const char *b = text.p ? text.p : "", *p = b + text.len;
    while (!done && p > b) {
        unsigned char ch = (unsigned char)p[-1];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            p--;
        } else if (ch == '"') { /* a string, read backwards to its opening quote */
            const char *q = p - 1;
            while (q > b && !(q[-1] == '"' && (q - 1 == b || q[-2] != '\\')))
                q--;
            p = q > b ? q - 1 : b;
            terms++;
        } else if (word_char(ch)) {
            const char *q = p;
            while (q > b && word_char((unsigned char)q[-1]))
                q--;
            char *w = xstrndup(q, (size_t)(p - q));
            if (*w != '?' && *w != '$' && is_keyword(w))
                done = 1;
            else
                terms++;
            free(w);
            p = q;
        } else {
            done = 1; /* ( , ; and the like */
        }
        if (terms > 1) done = 1;
    }
    buf_free(&text);
    return terms == 1;
}

/* The length of the common prefix of the candidates' raw texts. */
static size_t common_prefix(const candidates *c)
{
    size_t n = strlen(c->raw[0]);
    for (size_t i = 1; i < c->n; i++) {
        size_t k = 0;
        while (k < n && c->raw[i][k] == c->raw[0][k])
            k++;
        n = k;
    }
    while (n && ((unsigned char)c->raw[0][n] & 0xC0) == 0x80)
        n--; /* do not split a character */
    return n;
}

/* File names starting with word (its folder part, then the names in that folder). */
static void file_candidates(const char *word, candidates *c)
{
    const char *slash = strrchr(word, '/');
    char *dir = slash ? xstrndup(word, (size_t)(slash - word) + 1) : xstrdup("");
    const char *base = slash ? slash + 1 : word;
    DIR *d = opendir(*dir ? dir : ".");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && base[0] != '.') continue;
        if (strncmp(e->d_name, base, strlen(base))) continue;
        buf w = {0};
        buf_printf(&w, "%s%s", dir, e->d_name);
        struct stat sb;
        if (stat(w.p, &sb) == 0 && S_ISDIR(sb.st_mode)) buf_putc(&w, '/');
        add_candidate(c, w.p, w.p);
        buf_free(&w);
    }
    if (d) closedir(d);
    free(dir);
}

/* The arguments a dot-command takes at the word being completed: modes, on/off, files. 1 when
 * the command is one of those (candidates, possibly none, were added), else 0. */
static int argument_candidates(const char *cmd, size_t cmdlen, const char *word, candidates *c)
{
    static const char *const flags[] = {".headers", ".echo", ".bail", ".timer"};
    static const char *const files[] = {".read",   ".import", ".export",
                                        ".output", ".once",   ".ingest"};
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        if (strlen(flags[i]) == cmdlen && !strncmp(cmd, flags[i], cmdlen)) {
            if (!strncmp("on", word, strlen(word))) add_candidate(c, "on", "on");
            if (!strncmp("off", word, strlen(word))) add_candidate(c, "off", "off");
            return 1;
        }
    if (cmdlen == 5 && !strncmp(cmd, ".mode", 5)) {
        for (int m = 0; m < OUTPUT_COUNT; m++)
            if (!strncmp(output_mode_name(m), word, strlen(word)))
                add_candidate(c, output_mode_name(m), output_mode_name(m));
        return 1;
    }
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        if (strlen(files[i]) == cmdlen && !strncmp(cmd, files[i], cmdlen)) {
            file_candidates(word, c);
            return 1;
        }
    return 0;
}

/* The word being completed and what is around it on the line. */
typedef struct cursor_word {
    const char *line, *start; /* the line, and where the word starts in it */
    char *word;               /* the word up to the cursor */
    int quoted;               /* inside an open string: the word is the string's text so far */
    int dot_args;             /* after a dot-command's name */
    int at_entry_start;       /* the word is the first of the entry */
    const char *first;        /* the entry's first word */
    size_t firstlen;
    int in_command; /* the word is an argument of the dot-command that starts the entry */
    int after_show; /* the word is the second of the entry and the first is SHOW */
} cursor_word;

/* The text after the string open at cur, or NULL when no string is open. */
static const char *open_string(const char *line, const char *cur)
{
    int quoted = 0;
    const char *qstart = NULL;
    for (const char *p = line; p < cur; p++) {
        if (*p == '\\' && quoted) {
            p++;
            continue;
        }
        if (*p == '"') {
            quoted = !quoted;
            qstart = p + 1;
        }
    }
    return quoted ? qstart : NULL;
}

/* The line starts a dot-command (no entry is open) and the cursor is past its name. */
static int in_dot_args(const repl *r, const char *line, const char *cur)
{
    const char *lead = line;
    while (lead < cur && (*lead == ' ' || *lead == '\t'))
        lead++;
    if (r->entry.len || lead >= cur || *lead != '.') return 0;
    for (const char *p = lead; p < cur; p++)
        if (*p == ' ' || *p == '\t') return 1;
    return 0;
}

/* Where the word at the cursor starts, and what the entry's first word says of it. */
static void find_word(const repl *r, const char *line, const char *cur, cursor_word *w)
{
    const char *qstart = open_string(line, cur);
    const char *start = cur;
    w->line = line;
    w->quoted = qstart != NULL;
    w->dot_args = in_dot_args(r, line, cur);
    if (w->quoted) {
        start = qstart;
    } else if (w->dot_args) { /* a dot-command's arguments are file names too: up to a space */
        while (start > line && start[-1] != ' ' && start[-1] != '\t')
            start--;
    } else {
        while (start > line && word_char((unsigned char)start[-1]))
            start--;
    }
    w->start = start;
    w->word = xstrndup(start, (size_t)(cur - start));
    w->at_entry_start = !r->entry.len;
    for (const char *p = line; p < start && w->at_entry_start; p++)
        if (*p != ' ' && *p != '\t') w->at_entry_start = 0;
    /* the first word of the entry: a dot-command takes its arguments next, SHOW its kinds */
    const char *first = line;
    while (first < start && (*first == ' ' || *first == '\t'))
        first++;
    size_t firstlen = 0;
    while (first + firstlen < start && first[firstlen] != ' ' && first[firstlen] != '\t')
        firstlen++;
    int after_first = first + firstlen < start;
    int second = after_first; /* the word is the entry's second */
    for (const char *p = first + firstlen; p < start && second; p++)
        second = *p == ' ' || *p == '\t';
    w->first = first;
    w->firstlen = firstlen;
    w->in_command = !r->entry.len && after_first && *first == '.';
    w->after_show = !w->quoted && second && firstlen == 4 && !ascii_ncasecmp(first, "show", 4);
}

/* The keywords name(0) .. name(n - 1) that start with word (ignoring case), in lower case when the
 * word starts in lower case. */
static void keyword_candidates(const char *word, const char *(*name)(int), int n, candidates *c)
{
    int lower = word[0] >= 'a' && word[0] <= 'z';
    for (int i = 0; i < n; i++) {
        const char *k = name(i);
        if (ascii_ncasecmp(k, word, strlen(word))) continue;
        char *kw = xstrdup(k);
        if (lower)
            for (char *p = kw; *p; p++)
                if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        add_candidate(c, kw, kw);
        free(kw);
    }
}

/* What SHOW can show. */
static const char *const show_kinds[] = {"ARTICLES", "ARTICLE", "PREDICATES", "ALIASES",
                                         "STATS",    "TERMS",   "QUOTES"};

static const char *show_kind(int i)
{
    return show_kinds[i];
}

/* What fits where the word is: a dot-command's arguments, SHOW's kinds, dot-command names,
 * keywords and terms. */
static void gather_candidates(const repl *r, const cursor_word *w, candidates *c)
{
    const char *word = w->word;
    if (!w->quoted && w->in_command && argument_candidates(w->first, w->firstlen, word, c))
        return; /* the command's arguments, even none: never terms */
    if (w->after_show) {
        keyword_candidates(word, show_kind, (int)(sizeof show_kinds / sizeof *show_kinds), c);
        return;
    }
    if (!w->quoted && word[0] == '.' && w->at_entry_start) {
        for (size_t i = 0; dot_command_name(i); i++)
            if (!strncmp(dot_command_name(i), word, strlen(word)))
                add_candidate(c, dot_command_name(i), dot_command_name(i));
        return;
    }
    if (!w->quoted && (word[0] == '?' || word[0] == '$'))
        return; /* variables and parameters: nothing to offer */
    /* a predicate comes after a subject: no keyword fits there */
    int pred =
        predicate_position(r->entry.p, r->entry.len, w->line, w->quoted ? w->start - 1 : w->start);
    if (!w->quoted && word[0] && !pred)
        keyword_candidates(word, claimdb_keyword_name, claimdb_keyword_count(), c);
    if (word[0] || w->quoted || pred) term_candidates(r->sh, word, w->quoted, pred, c);
}

/* Puts the one candidate in place of the word, or what the candidates share when it is more
 * than was typed, or else lists them. */
static unsigned char apply_candidates(EditLine *el, const cursor_word *w, const candidates *c)
{
    const char *word = w->word;
    size_t wordchars = utf8_count(word, strlen(word));
    if (c->n == 1) {
        el_deletestr(el, (int)wordchars);
        el_insertstr(el, c->v[0]);
        size_t vl = strlen(c->v[0]);
        if (!vl || c->v[0][vl - 1] != '/') el_insertstr(el, " "); /* a folder goes on */
        return CC_REFRESH;
    }
    if (c->n == 0) return CC_REFRESH_BEEP;
    size_t lcp = common_prefix(c);
    /* Terms match case-insensitively, so the shared part may also change the case of what
     * was typed. */
    if (utf8_count(c->raw[0], lcp) > wordchars) {
        char *common = xstrndup(c->raw[0], lcp);
        buf b = {0};
        if (!w->quoted && (word[0] == '.' || w->dot_args || bare_chars(common)))
            buf_puts(&b, common); /* a command, keyword or bare-word prefix */
        else
            write_term(&b, common, w->quoted, 0); /* opens a string when it must */
        el_deletestr(el, (int)wordchars);
        el_insertstr(el, b.p);
        buf_free(&b);
        free(common);
        return CC_REFRESH;
    }
    fputc('\n', stdout);
    for (size_t i = 0; i < c->n; i++)
        fprintf(stdout, "%s%s", c->raw[i], i + 1 < c->n ? "  " : "");
    fputs(c->more ? "  …\n" : "\n", stdout);
    fflush(stdout);
    return CC_REDISPLAY;
}

static unsigned char complete(EditLine *el, int ch)
{
    (void)ch;
    repl *r = NULL;
    el_get(el, EL_CLIENTDATA, &r);
    const LineInfo *li = el_line(el);
    cursor_word w;
    find_word(r, li->buffer, li->cursor, &w);
    candidates c = {0};
    gather_candidates(r, &w, &c);
    unsigned char result = apply_candidates(el, &w, &c);
    free_candidates(&c);
    free(w.word);
    return result;
}

/* ---- the loop ---------------------------------------------------------------------------- */

/* Add an entry to the history (and its file) as one line when it can be: a statement typed
 * over several lines comes back whole with the up arrow. Lines stay apart only when a
 * "--" comment would swallow what follows. */
static void remember(History *hist, const char *path, const char *text, size_t n)
{
    while (n && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    if (!n) return;
    buf h = {0};
    int comment = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (text[i] == '-' && text[i + 1] == '-') comment = 1;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\n' && !comment) {
            while (h.len && (h.p[h.len - 1] == ' ' || h.p[h.len - 1] == '\t'))
                h.len--;
            buf_putc(&h, ' ');
        } else {
            buf_putc(&h, text[i]);
        }
    }
    HistEvent ev;
    history(hist, &ev, H_ENTER, h.p);
    if (path) history(hist, &ev, H_SAVE, path);
    buf_free(&h);
}

static void run_entry(repl *r, const char *text, size_t len)
{
    running_shell = r->sh;
    interrupted = 0;
    batch_run_text(r->sh, "<stdin>", text, len);
    running_shell = NULL;
    /* errors in the shell are shown, not kept; but one that .bail stops at is the status */
    if (!(r->sh->bail && r->sh->stop)) r->sh->failed = 0;
    fflush(stdout);
}

/* History (loaded from its file), emacs keys, the prompt, and Tab for completion. */
static void setup_editor(repl *r, EditLine *el)
{
    HistEvent ev;
    history(r->hist, &ev, H_SETSIZE, 1000);
    history(r->hist, &ev, H_SETUNIQUE, 1);
    if (r->hpath) history(r->hist, &ev, H_LOAD, r->hpath);
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_CLIENTDATA, r);
    el_set(el, EL_PROMPT, prompt);
    el_set(el, EL_HIST, history, r->hist);
    /* The wide call: libedit's narrow EL_ADDFN leaks its converted copies of the strings. */
    el_wset(el, EL_ADDFN, L"claimdb-complete", L"complete a keyword, command or term", complete);
    el_set(el, EL_BIND, "^I", "claimdb-complete", NULL);
    el_source(el, NULL);
}

/* One line typed: a dot-command runs at once; other lines gather into the entry, which runs
 * once it is complete statements. */
static void take_line(repl *r, const char *line)
{
    size_t n = (size_t)strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    const char *first = batch_skip_space(line, line + n);
    if (!r->entry.len && first < line + n && *first == '.') {
        remember(r->hist, r->hpath, line, n);
        run_entry(r, line, n);
        return;
    }
    buf_append(&r->entry, line, n);
    buf_putc(&r->entry, '\n');
    if (batch_skip_space(r->entry.p, r->entry.p + r->entry.len) == r->entry.p + r->entry.len) {
        buf_clear(&r->entry); /* only blanks and comments */
        return;
    }
    if (!claimdb_complete(r->entry.p)) return;
    remember(r->hist, r->hpath, r->entry.p, r->entry.len);
    run_entry(r, r->entry.p, r->entry.len);
    buf_clear(&r->entry);
}

/* Lines until .exit, Ctrl-D or the end of input; Ctrl-C forgets the input and prompts anew. */
static void read_lines(repl *r, EditLine *el)
{
    while (!r->sh->stop) {
        int count = 0;
        interrupted = 0;
        errno = 0;
        const char *line = el_gets(el, &count);
        if (line && count > 0) {
            take_line(r, line);
            continue;
        }
        if (!interrupted && errno != EINTR) break; /* Ctrl-D or end of input */
        fputs("^C\n", stdout);
        fflush(stdout);
        buf_clear(&r->entry);
        el_reset(el);
    }
}

int repl_run(shell *sh)
{
    repl r = {sh, {0}, NULL, NULL};
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a read in the line editor returns at Ctrl-C */
    sigaction(SIGINT, &sa, &old);

    EditLine *el = el_init("claimdb", stdin, stdout, stderr);
    r.hist = history_init();
    if (!el || !r.hist) {
        diag("claimdb: cannot set up the terminal\n");
        if (el) el_end(el);
        if (r.hist) history_end(r.hist);
        sigaction(SIGINT, &old, NULL);
        return 1;
    }
    r.hpath = history_path();
    setup_editor(&r, el);
    out_printf(sh, "claimdb %s. Statements end with ';'. Enter .help for help, Ctrl-D to leave.\n",
               claimdb_version());
    fflush(stdout);
    sh->interactive = 1;
    read_lines(&r, el);
    if (!sh->stop) fputc('\n', stdout);
    HistEvent ev;
    if (r.hpath) history(r.hist, &ev, H_SAVE, r.hpath);
    free(r.hpath);
    buf_free(&r.entry);
    history_end(r.hist);
    el_end(el);
    sigaction(SIGINT, &old, NULL);
    sh->interactive = 0;
    return 0;
}
