/* check_file.c — the structure of an LMDB file, read with pread and never mapped.
 *
 * LMDB trusts its pages: a damaged page number or size makes it read past the file (SIGBUS)
 * or loop. So before claimdb opens a file to check its contents, this walks every B-tree of
 * it the way LMDB would, checking each page before going further: page numbers inside the
 * used part of the file, page headers, node offsets and sizes inside their page, overflow
 * runs, keys in order, no page reached twice, depths and counts as the tree records them.
 *
 * The on-disk format is LMDB's (mdb.c, data version 1, 64-bit little-endian hosts):
 *  page header  [pgno u64][pad u16][flags u16][lower u16][upper u16] (overflow: [pages u32])
 *  node         [lo u16][hi u16][flags u16][ksize u16][key][data]; a leaf's data size is
 *               lo | hi << 16, a branch's child page lo | hi << 16 | flags << 32
 *  meta page    header, then [magic u32][version u32][address u64][mapsize u64]
 *               [free db][main db][last page u64][txnid u64]
 *  db record    [pad u32 (page size in the free db)][flags u16][depth u16][branch pages u64]
 *               [leaf pages u64][overflow pages u64][entries u64][root u64]
 * Named databases are the main database's leaf nodes flagged F_SUBDATA, holding a db record.
 */
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGEHDRSZ 16
#define NODESIZE 8
#define DB_SIZE 48
#define META_DBS 24 /* offset of the db records in the meta, after the page header */
#define MDB_MAGIC 0xBEEFC0DEu
#define P_INVALID UINT64_MAX

enum { P_BRANCH = 0x01, P_LEAF = 0x02, P_OVERFLOW = 0x04, P_META = 0x08, P_LEAF2 = 0x20 };
enum { F_BIGDATA = 0x01, F_SUBDATA = 0x02, F_DUPDATA = 0x04 };
enum { MDB_DUPSORT = 0x04 };

typedef struct dbrec {
    uint32_t pad;
    uint16_t flags, depth;
    uint64_t branch, leaf, overflow, entries, root;
} dbrec;

typedef struct walker {
    int fd;
    const char *path;
    uint32_t psize;
    uint64_t npages; /* pages in use: last page + 1 */
    uint8_t *seen;   /* one bit per page */
    uint8_t *page;   /* scratch */
    int64_t problems;
    claimdb_check_report report;
    void *ctx;
    /* counts of the tree being walked */
    uint64_t branch, leaf, overflow, entries;
} walker;

static uint16_t u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t u64(const uint8_t *p)
{
    return (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32;
}

static void problem(walker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(walker *w, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    w->problems++;
    if (w->report) w->report(w->ctx, msg);
}

static void read_db(const uint8_t *p, dbrec *d)
{
    d->pad = u32(p);
    d->flags = u16(p + 4);
    d->depth = u16(p + 6);
    d->branch = u64(p + 8);
    d->leaf = u64(p + 16);
    d->overflow = u64(p + 24);
    d->entries = u64(p + 32);
    d->root = u64(p + 40);
}

/* Read page pgno into w->page; false (after reporting) when it cannot be used. */
static bool load(walker *w, uint64_t pgno, const char *what)
{
    if (pgno >= w->npages) {
        problem(w, "%s: page %llu is past the last page in use (%llu)", what,
                (unsigned long long)pgno, (unsigned long long)w->npages - 1);
        return false;
    }
    ssize_t n = pread(w->fd, w->page, w->psize, (off_t)(pgno * w->psize));
    if (n != (ssize_t)w->psize) {
        problem(w, "%s: page %llu cannot be read (the file is cut short)", what,
                (unsigned long long)pgno);
        return false;
    }
    if (u64(w->page) != pgno) {
        problem(w, "%s: page %llu says it is page %llu", what, (unsigned long long)pgno,
                (unsigned long long)u64(w->page));
        return false;
    }
    return true;
}

/* Mark a run of pages as used; false when one was reached before (a cycle or shared page). */
static bool mark(walker *w, uint64_t pgno, uint64_t n, const char *what)
{
    for (uint64_t i = 0; i < n; i++) {
        uint64_t p = pgno + i;
        if (w->seen[p / 8] & (1u << (p % 8))) {
            problem(w, "%s: page %llu is reached twice", what, (unsigned long long)p);
            return false;
        }
        w->seen[p / 8] |= (uint8_t)(1u << (p % 8));
    }
    return true;
}

static int keycmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

/* An overflow run holding a leaf's big data. */
static void check_overflow(walker *w, const char *name, uint64_t pgno, uint64_t size)
{
    uint8_t hdr[PAGEHDRSZ];
    if (pgno >= w->npages) {
        problem(w, "%s: overflow page %llu is past the last page in use", name,
                (unsigned long long)pgno);
        return;
    }
    if (pread(w->fd, hdr, sizeof hdr, (off_t)(pgno * w->psize)) != (ssize_t)sizeof hdr) {
        problem(w, "%s: overflow page %llu cannot be read", name, (unsigned long long)pgno);
        return;
    }
    uint32_t pages = u32(hdr + 12);
    if (u64(hdr) != pgno || !(u16(hdr + 10) & P_OVERFLOW)) {
        problem(w, "%s: page %llu is not the overflow page a record points to", name,
                (unsigned long long)pgno);
        return;
    }
    if (pages == 0 || pgno + pages > w->npages || (uint64_t)pages * w->psize < size + PAGEHDRSZ) {
        problem(w,
                "%s: overflow run at page %llu (%u pages) does not hold its %llu bytes inside "
                "the file",
                name, (unsigned long long)pgno, pages, (unsigned long long)size);
        return;
    }
    if (mark(w, pgno, pages, name)) w->overflow += pages;
}

#define MAX_FRAMES 4096

typedef struct frame {
    uint64_t pgno;
    int depth;
} frame;

/* One B-tree's walk: an explicit stack of (page, depth), so a deep or cyclic tree cannot
 * overflow the C stack, and the last leaf key, to check the order. */
typedef struct tree_walk {
    walker *w;
    const char *name;
    const dbrec *d;
    frame *stack;
    size_t top;
    uint8_t *prev;
    size_t prevlen;
    bool have_prev;
    dbrec *subs; /* the main tree's named databases, or NULL */
    char (*subnames)[64];
    int *nsubs, maxsubs;
} tree_walk;

/* Loads the frame's page into w->page, marks it, and checks its header and its kind against
 * its depth; false (after reporting) when the page cannot be walked. */
static bool page_usable(tree_walk *tw, frame f)
{
    walker *w = tw->w;
    const char *name = tw->name;
    const dbrec *d = tw->d;
    if (f.depth > d->depth || f.depth > 64) {
        problem(w, "%s: page %llu is deeper than the tree's depth %u", name,
                (unsigned long long)f.pgno, d->depth);
        return false;
    }
    if (!load(w, f.pgno, name) || !mark(w, f.pgno, 1, name)) return false;
    const uint8_t *pg = w->page;
    uint16_t flags = u16(pg + 10), lower = u16(pg + 12), upper = u16(pg + 14);
    bool branch = flags & P_BRANCH, leaf = flags & P_LEAF;
    if (branch == leaf || (flags & (P_OVERFLOW | P_META))) {
        problem(w, "%s: page %llu has flags 0x%x, not a branch or leaf page", name,
                (unsigned long long)f.pgno, flags);
        return false;
    }
    if (lower < PAGEHDRSZ || lower > upper || upper > w->psize || (lower - PAGEHDRSZ) % 2) {
        problem(w, "%s: page %llu has a damaged header (lower %u, upper %u)", name,
                (unsigned long long)f.pgno, lower, upper);
        return false;
    }
    if ((leaf && f.depth != d->depth) || (branch && f.depth == d->depth)) {
        problem(w, "%s: page %llu is a %s at depth %d of %u", name, (unsigned long long)f.pgno,
                leaf ? "leaf" : "branch", f.depth, d->depth);
        return false;
    }
    return true;
}

/* LMDB acts on a leaf node's flags without checking them: an unknown one, a duplicate in a
 * database without duplicates, or a sub-database outside the main one would send it into the
 * data as if it were a page. */
static bool leaf_flags_ok(const tree_walk *tw, uint16_t nflags)
{
    bool dupsort = tw->d->flags & MDB_DUPSORT;
    return !((nflags & ~(F_BIGDATA | F_SUBDATA | F_DUPDATA)) ||
             ((nflags & F_DUPDATA) && !dupsort) ||
             ((nflags & F_SUBDATA) && !dupsort && !tw->subs) ||
             ((nflags & F_BIGDATA) && (nflags & (F_SUBDATA | F_DUPDATA))));
}

/* A named database's record in the main tree: remembered, to be walked after this tree. */
static void remember_subdb(tree_walk *tw, const uint8_t *key, uint16_t ksize, const uint8_t *data,
                           uint64_t dsize)
{
    if (dsize != DB_SIZE) {
        problem(tw->w, "%s: named database record of %llu bytes", tw->name,
                (unsigned long long)dsize);
        return;
    }
    if (*tw->nsubs >= tw->maxsubs) return;
    read_db(data, &tw->subs[*tw->nsubs]);
    size_t n = ksize < 63 ? ksize : 63;
    memcpy(tw->subnames[*tw->nsubs], key, n);
    tw->subnames[*tw->nsubs][n] = '\0';
    (*tw->nsubs)++;
}

/* Leaf node i at nd of page pgno, whose key lies inside the page: flags, key order, data. */
static void check_leaf_node(tree_walk *tw, uint64_t pgno, unsigned i, const uint8_t *nd)
{
    walker *w = tw->w;
    uint16_t nflags = u16(nd + 4), ksize = u16(nd + 6);
    if (!leaf_flags_ok(tw, nflags)) {
        problem(w, "%s: page %llu, node %u has flags 0x%x, which this database cannot hold",
                tw->name, (unsigned long long)pgno, i, nflags);
        return;
    }
    uint64_t dsize = u16(nd) | (uint64_t)u16(nd + 2) << 16;
    const uint8_t *key = nd + NODESIZE, *data = key + ksize;
    size_t room = w->psize - (size_t)(data - w->page);
    if (tw->have_prev && keycmp(tw->prev, tw->prevlen, key, ksize) >= 0)
        problem(w, "%s: page %llu, node %u: keys out of order", tw->name, (unsigned long long)pgno,
                i);
    memcpy(tw->prev, key, ksize);
    tw->prevlen = ksize;
    tw->have_prev = true;
    w->entries++;
    if (nflags & F_BIGDATA) {
        if (room < 8)
            problem(w, "%s: page %llu, node %u: overflow page number past the page", tw->name,
                    (unsigned long long)pgno, i);
        else
            check_overflow(w, tw->name, u64(data), dsize);
        return;
    }
    if (dsize > room) {
        problem(w, "%s: page %llu, node %u: %llu bytes of data past the page's end", tw->name,
                (unsigned long long)pgno, i, (unsigned long long)dsize);
        return;
    }
    if ((nflags & F_SUBDATA) && !(nflags & F_DUPDATA) && tw->subs)
        remember_subdb(tw, key, ksize, data, dsize);
}

/* Node i of the page in w->page (frame f): checked, or its child pushed; false when the
 * page's remaining nodes cannot be reached safely. */
static bool walk_node(tree_walk *tw, frame f, unsigned i, uint16_t upper, bool branch)
{
    walker *w = tw->w;
    uint16_t off = u16(w->page + PAGEHDRSZ + 2 * i);
    if (off < upper || (size_t)off + NODESIZE > w->psize) {
        problem(w, "%s: page %llu, node %u lies outside the page's nodes", tw->name,
                (unsigned long long)f.pgno, i);
        return false;
    }
    const uint8_t *nd = w->page + off;
    if ((size_t)off + NODESIZE + u16(nd + 6) > w->psize) {
        problem(w, "%s: page %llu, node %u has a key past the page's end", tw->name,
                (unsigned long long)f.pgno, i);
        return false;
    }
    if (!branch) {
        check_leaf_node(tw, f.pgno, i, nd);
        return true;
    }
    if (tw->top >= MAX_FRAMES) {
        problem(w, "%s: page %llu: the tree is too wide to walk", tw->name,
                (unsigned long long)f.pgno);
        return false;
    }
    uint64_t child = u16(nd) | (uint64_t)u16(nd + 2) << 16 | (uint64_t)u16(nd + 4) << 32;
    tw->stack[tw->top++] = (frame){child, f.depth + 1};
    return true;
}

static void reverse_frames(frame *stack, size_t a, size_t b)
{
    for (; a + 1 < b; a++, b--) {
        frame t = stack[a];
        stack[a] = stack[b - 1];
        stack[b - 1] = t;
    }
}

/* One page of the tree: counted, its nodes checked, its children pushed. */
static void walk_page(tree_walk *tw, frame f)
{
    walker *w = tw->w;
    if (!page_usable(tw, f)) return;
    const uint8_t *pg = w->page;
    uint16_t flags = u16(pg + 10), lower = u16(pg + 12), upper = u16(pg + 14);
    bool branch = flags & P_BRANCH;
    unsigned nkeys = (lower - PAGEHDRSZ) / 2;
    if (branch)
        w->branch++;
    else
        w->leaf++;
    if (flags & P_LEAF2) { /* fixed-size keys, packed: only their room is checked */
        if (PAGEHDRSZ + (size_t)nkeys * tw->d->pad > w->psize)
            problem(w, "%s: page %llu holds more fixed keys than fit", tw->name,
                    (unsigned long long)f.pgno);
        w->entries += nkeys;
        return;
    }
    /* Children are pushed last to first, so that leaves come in key order. */
    size_t first_child = tw->top;
    for (unsigned i = 0; i < nkeys; i++)
        if (!walk_node(tw, f, i, upper, branch)) break;
    reverse_frames(tw->stack, first_child, tw->top);
    if (branch) tw->have_prev = false; /* keys are compared within runs of leaves */
}

/* The tree's recorded page and entry counts against those the walk found. */
static void check_tree_counts(walker *w, const char *name, const dbrec *d)
{
    if (w->branch != d->branch || w->leaf != d->leaf || w->overflow != d->overflow)
        problem(w,
                "%s: the tree records %llu branch, %llu leaf and %llu overflow pages; it has "
                "%llu, %llu and %llu",
                name, (unsigned long long)d->branch, (unsigned long long)d->leaf,
                (unsigned long long)d->overflow, (unsigned long long)w->branch,
                (unsigned long long)w->leaf, (unsigned long long)w->overflow);
    if (w->entries != d->entries && !(d->flags & MDB_DUPSORT))
        problem(w, "%s: the tree records %llu entries; it has %llu", name,
                (unsigned long long)d->entries, (unsigned long long)w->entries);
}

/* One B-tree; the main one (subs not NULL) also collects its named databases. */
static void walk_tree(walker *w, const char *name, const dbrec *d, dbrec *subs,
                      char (*subnames)[64], int *nsubs, int maxsubs)
{
    w->branch = w->leaf = w->overflow = w->entries = 0;
    if (d->root == P_INVALID) {
        if (d->entries || d->depth)
            problem(w, "%s: empty, yet records %llu entries", name, (unsigned long long)d->entries);
        return;
    }
    tree_walk tw = {.w = w,
                    .name = name,
                    .d = d,
                    .stack = malloc(sizeof(frame) * MAX_FRAMES),
                    .subs = subs,
                    .subnames = subnames,
                    .nsubs = nsubs,
                    .maxsubs = maxsubs};
    if (!tw.stack) {
        problem(w, "%s: out of memory", name);
        return;
    }
    tw.stack[tw.top++] = (frame){d->root, 1};
    tw.prev = malloc(w->psize);
    while (tw.top && tw.prev)
        walk_page(&tw, tw.stack[--tw.top]);
    free(tw.prev);
    free(tw.stack);
    check_tree_counts(w, name, d);
}

#define META_LEN (PAGEHDRSZ + 136)

/* The current meta page into cur: of the two, the one with the larger transaction id. Page 1
 * is at the page size, which the meta itself records (in the free db's pad); w->psize gets
 * it. False (after reporting) when no meta page can be used. */
static bool read_current_meta(walker *w, uint8_t cur[META_LEN])
{
    uint8_t meta[2][META_LEN];
    if (pread(w->fd, meta[0], sizeof meta[0], 0) != (ssize_t)sizeof meta[0] ||
        u32(meta[0] + PAGEHDRSZ) != MDB_MAGIC) {
        problem(w, "not an LMDB file (no meta page at the start)");
        return false;
    }
    w->psize = u32(meta[0] + PAGEHDRSZ + META_DBS);
    if (w->psize < 512 || w->psize > 65536 || (w->psize & (w->psize - 1))) {
        problem(w, "meta page 0: page size %u is not one LMDB uses", w->psize);
        return false;
    }
    int best = -1;
    uint64_t txnid[2] = {0, 0};
    for (int m = 0; m < 2; m++) {
        if (m == 1 && pread(w->fd, meta[1], sizeof meta[1], w->psize) != (ssize_t)sizeof meta[1]) {
            problem(w, "meta page 1 cannot be read (the file is cut short)");
            continue;
        }
        const uint8_t *mp = meta[m] + PAGEHDRSZ;
        if (u32(mp) != MDB_MAGIC || u32(mp + 4) != 1 || !(u16(meta[m] + 10) & P_META)) {
            problem(w, "meta page %d is damaged", m);
            continue;
        }
        txnid[m] = u64(mp + META_DBS + 2 * DB_SIZE + 8);
        if (best < 0 || txnid[m] > txnid[best]) best = m;
    }
    if (best < 0) return false;
    memcpy(cur, meta[best], META_LEN);
    return true;
}

/* Every tree the meta page mp (past its header) leads to: the free list, the main database
 * and the named databases in it. *pages gets the pages in use once they were walked. */
static int walk_file(walker *w, const struct stat *sb, const uint8_t *mp, uint64_t *pages)
{
    dbrec freedb, maindb;
    read_db(mp + META_DBS, &freedb);
    read_db(mp + META_DBS + DB_SIZE, &maindb);
    uint64_t last = u64(mp + META_DBS + 2 * DB_SIZE);
    w->npages = last + 1;
    uint64_t filepages = (uint64_t)sb->st_size / w->psize;
    if (w->npages > filepages) {
        problem(w, "the file is cut short: it holds %llu pages, its last page in use is %llu",
                (unsigned long long)filepages, (unsigned long long)last);
        return CLAIMDB_OK;
    }
    int rc = CLAIMDB_OK;
    w->seen = calloc((size_t)(w->npages / 8 + 1), 1);
    w->page = malloc(w->psize);
    if (!w->seen || !w->page) {
        rc = CLAIMDB_NOMEM;
    } else {
        mark(w, 0, 2, "meta");
        dbrec subs[32];
        char names[32][64];
        int nsubs = 0;
        walk_tree(w, "free list", &freedb, NULL, NULL, NULL, 0);
        walk_tree(w, "main", &maindb, subs, names, &nsubs, 32);
        for (int i = 0; i < nsubs; i++)
            walk_tree(w, names[i], &subs[i], NULL, NULL, NULL, 0);
        *pages = w->npages;
    }
    free(w->seen);
    free(w->page);
    return rc;
}

int check_file(const char *path, claimdb_check_report report, void *ctx, int64_t *problems,
               uint64_t *pages)
{
    walker w = {.path = path, .report = report, .ctx = ctx};
    *problems = 0;
    *pages = 0;
    w.fd = open(path, O_RDONLY);
    if (w.fd < 0) return errno == ENOENT ? CLAIMDB_NOTFOUND : CLAIMDB_IOERR;
    struct stat sb;
    if (fstat(w.fd, &sb) != 0) {
        close(w.fd);
        return CLAIMDB_IOERR;
    }
    uint8_t meta[META_LEN];
    int rc = read_current_meta(&w, meta) ? walk_file(&w, &sb, meta + PAGEHDRSZ, pages) : CLAIMDB_OK;
    close(w.fd);
    *problems = w.problems;
    return rc;
}
