/* store_env.c — opening and closing stores, the process-wide environment registry, error
 * translation and the counts. */
#include "store_internal.h"
#include "try.h"

#include "claimdb.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

const char *const store_db_names[DB_COUNT] = {
    [DB_TERM] = "term",       [DB_TERMID] = "termid",     [DB_SPO] = "spo",
    [DB_POS] = "pos",         [DB_OSP] = "osp",           [DB_CITE] = "cite",
    [DB_ARTCITE] = "artcite", [DB_ARTICLE] = "article",   [DB_ALIAS] = "alias",
    [DB_TSTAT] = "tstat",     [DB_META] = "meta",         [DB_REVIEW] = "review",
    [DB_REVURL] = "revurl",   [DB_CLAIMREV] = "claimrev", [DB_REVCLAIM] = "revclaim",
    [DB_TXTPOST] = "txtpost", [DB_TXTDOC] = "txtdoc",
};

/* The registry of open environments. LMDB forbids opening one file twice in a process (its
 * locks are per process, and a second mdb_env_open of the same file corrupts the lock
 * state), yet claimdb lets a program open several handles on one database. So every store on
 * a file shares one MDB_env, found here by the file's (device, inode) and counted. This is the
 * storage layer's only global mutable state; the mutex guards the list, each entry's count,
 * and each entry's record of live transactions and of the writer (store_txn.c). */
static pthread_mutex_t registry_mutex = PTHREAD_MUTEX_INITIALIZER;
static store_env *registry;

void store_registry_lock(void)
{
    pthread_mutex_lock(&registry_mutex);
}
void store_registry_unlock(void)
{
    pthread_mutex_unlock(&registry_mutex);
}
pthread_mutex_t *store_registry_mutex(void)
{
    return &registry_mutex;
}

/* ---- errors ---- */

int store_seterr(store *st, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->buf, sizeof st->buf, fmt, ap);
    va_end(ap);
    st->msg = st->buf;
    return code;
}

void store_setmsg(store *st, const char *static_msg)
{
    st->msg = static_msg;
}

int store_code_of(int rc)
{
    switch (rc) {
    case MDB_SUCCESS:
        return CLAIMDB_OK;
    case MDB_NOTFOUND:
    case ENOENT:
        return CLAIMDB_NOTFOUND;
    case MDB_MAP_FULL:
        return STORE_MAPFULL;
    case MDB_PAGE_NOTFOUND:
    case MDB_CORRUPTED:
    case MDB_INVALID:
    case MDB_INCOMPATIBLE:
    case MDB_CURSOR_FULL:
        return CLAIMDB_CORRUPT;
    case MDB_VERSION_MISMATCH:
        return CLAIMDB_FORMAT;
    case MDB_READERS_FULL:
    case MDB_TLS_FULL:
    case MDB_MAP_RESIZED:
    case EBUSY:
    case EAGAIN:
        return CLAIMDB_BUSY;
    case MDB_TXN_FULL:
    case MDB_BAD_VALSIZE:
    case EFBIG:
        return CLAIMDB_TOOBIG;
    case MDB_BAD_RSLOT:
    case MDB_BAD_DBI:
    case EINVAL:
        return CLAIMDB_MISUSE;
    case MDB_KEYEXIST:
    case MDB_DBS_FULL:
    case MDB_PAGE_FULL:
    case MDB_BAD_TXN:
        return CLAIMDB_ERROR;
    case ENOMEM:
        return CLAIMDB_NOMEM;
    default: /* MDB_PANIC, EIO, ENOSPC, EACCES, EROFS, ... */
        return CLAIMDB_IOERR;
    }
}

/* LMDB reports a short write (ENOSPC) as EIO. Is the file system of the database (nearly)
 * full? Then that was it. */
static bool disk_full(const store *st)
{
    struct statvfs vs;
    if (!st->se || st->se->lockfd < 0 || fstatvfs(st->se->lockfd, &vs) != 0) return false;
    return (uint64_t)vs.f_bavail * vs.f_frsize < ((uint64_t)1 << 20);
}

int store_mdb_err(store *st, int rc, const char *what)
{
    int code = store_code_of(rc);
    if (code == STORE_MAPFULL) return code;
    if (rc == EIO && disk_full(st))
        return store_seterr(st, code,
                            "%s: the disk is full (the transaction is not committed: free some "
                            "space and try again)",
                            what);
    if (rc == ENOSPC)
        return store_seterr(st, code, "%s: the disk is full (the transaction is not committed)",
                            what);
    if (rc == MDB_BAD_TXN)
        return store_seterr(st, code, "%s: the transaction failed earlier and must be rolled back",
                            what);
    if (code == CLAIMDB_CORRUPT)
        return store_seterr(st, code,
                            "%s: the database file is damaged (%s); 'claimdb check' tells where",
                            what, mdb_strerror(rc));
    return store_seterr(st, code, "%s: %s", what, mdb_strerror(rc));
}

const char *store_errmsg(const store *st)
{
    if (!st) return "out of memory";
    return st->msg ? st->msg : "not an error";
}

int64_t store_cursor_ops(store *st, bool reset)
{
    if (!st) return 0;
    int64_t n = st->cursor_ops;
    if (reset) st->cursor_ops = 0;
    return n;
}

/* ---- opening ---- */

static const char *const meta_format = "format";
static const char *const meta_next_term = "next_term";

/* Check the format record of an existing file. */
static int check_format(store *st, const char *path, MDB_txn *txn, MDB_dbi meta)
{
    MDB_val k = {strlen(meta_format), (void *)meta_format}, v;
    int rc = mdb_get(txn, meta, &k, &v);
    if (rc == MDB_NOTFOUND)
        return store_seterr(st, CLAIMDB_CORRUPT, "%s: not a claimdb database (no format record)",
                            path);
    if (rc) return store_mdb_err(st, rc, path);
    if (v.mv_size != 4) return store_seterr(st, CLAIMDB_CORRUPT, "%s: damaged format record", path);
    uint32_t version = get_u32(v.mv_data);
    if (version != STORE_FORMAT_VERSION)
        return store_seterr(st, CLAIMDB_FORMAT,
                            "%s: database format version %u, this claimdb reads version %d", path,
                            (unsigned)version, STORE_FORMAT_VERSION);
    return CLAIMDB_OK;
}

/* Create our databases and meta records in a new file. Returns an MDB code. */
static int init_new(store_env *e)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(e->env, NULL, 0, &txn);
    if (rc) return rc;
    for (int i = 0; i < DB_COUNT && !rc; i++)
        rc = mdb_dbi_open(txn, store_db_names[i],
                          MDB_CREATE | (db_split(i) ? MDB_DUPSORT | MDB_DUPFIXED : 0), &e->dbi[i]);
    uint8_t ver[4], next[8];
    put_u32(ver, STORE_FORMAT_VERSION);
    put_u64(next, 1);
    MDB_val k = {strlen(meta_format), (void *)meta_format}, v = {4, ver};
    if (!rc) {
        rc = mdb_put(txn, e->dbi[DB_META], &k, &v, MDB_NOOVERWRITE);
        if (rc == MDB_KEYEXIST) /* another process created it meanwhile */
            rc = 0;
    }
    k = (MDB_val){strlen(meta_next_term), (void *)meta_next_term};
    v = (MDB_val){8, next};
    if (!rc) {
        rc = mdb_put(txn, e->dbi[DB_META], &k, &v, MDB_NOOVERWRITE);
        if (rc == MDB_KEYEXIST) rc = 0;
    }
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    return mdb_txn_commit(txn);
}

/* Open the named databases and check the format, creating them in a new file. */
static int open_dbs(store *st, store_env *e, const char *path)
{
    for (;;) {
        MDB_txn *txn;
        int rc = mdb_txn_begin(e->env, NULL, MDB_RDONLY, &txn);
        if (rc) return store_mdb_err(st, rc, path);
        int missing = 0;
        for (int i = 0; i < DB_COUNT; i++) {
            rc = mdb_dbi_open(txn, store_db_names[i], 0, &e->dbi[i]);
            if (rc == MDB_NOTFOUND) {
                missing++;
            } else if (rc) {
                mdb_txn_abort(txn);
                if (rc == MDB_INCOMPATIBLE)
                    return store_seterr(st, CLAIMDB_CORRUPT, "%s: not a claimdb database", path);
                return store_mdb_err(st, rc, path);
            }
        }
        if (missing == 0) {
            rc = check_format(st, path, txn, e->dbi[DB_META]);
            for (int i = 0; i < DB_COUNT && !rc; i++) {
                /* (Opened with the flags the file has: the split ones must have them.) */
                unsigned fl = 0, want = db_split(i) ? MDB_DUPSORT | MDB_DUPFIXED : 0;
                if (mdb_dbi_flags(txn, e->dbi[i], &fl) ||
                    (fl & (MDB_DUPSORT | MDB_DUPFIXED)) != want)
                    rc = store_seterr(st, CLAIMDB_CORRUPT, "%s: the database \"%s\" is damaged",
                                      path, store_db_names[i]);
            }
            if (rc) {
                mdb_txn_abort(txn);
                return rc;
            }
            rc = mdb_txn_commit(txn); /* keeps the dbi handles */
            return rc ? store_mdb_err(st, rc, path) : CLAIMDB_OK;
        }
        /* A file of an older format lacks the databases added since: say so by its version
         * rather than call it damaged. */
        if (missing != DB_COUNT &&
            mdb_dbi_open(txn, store_db_names[DB_META], 0, &e->dbi[DB_META]) == 0 &&
            (rc = check_format(st, path, txn, e->dbi[DB_META])) != CLAIMDB_OK) {
            mdb_txn_abort(txn);
            return rc;
        }
        MDB_stat ms;
        rc = mdb_stat(txn, 1 /* MAIN_DBI */, &ms);
        mdb_txn_abort(txn);
        if (rc) return store_mdb_err(st, rc, path);
        if (missing != DB_COUNT || ms.ms_entries != 0)
            return store_seterr(st, CLAIMDB_CORRUPT, "%s: not a claimdb database", path);
        if (e->rdonly)
            return store_seterr(st, CLAIMDB_CORRUPT, "%s: empty LMDB file, not a claimdb database",
                                path);
        rc = init_new(e);
        if (rc == MDB_MAP_FULL) { /* a tiny initial map: no transaction can be active yet */
            MDB_envinfo info;
            mdb_env_info(e->env, &info);
            rc = mdb_env_set_mapsize(e->env, info.me_mapsize * 2);
            if (rc) return store_mdb_err(st, rc, path);
            continue;
        }
        if (rc) return store_mdb_err(st, rc, path);
        /* loop once more: reopen the handles read-only and check what we wrote */
    }
}

/* LMDB trusts its meta pages: it maps the file and follows page numbers into it, so a file
 * cut short (a partial copy) is a SIGBUS in mdb_env_open or the first read, not an error. So
 * before LMDB sees an existing file, read the two meta pages ourselves and check that they are
 * LMDB's and that the newer one describes no page past the end of the file. The offsets are
 * those of LMDB 0.9's MDB_meta on a 64-bit build (lmdb/mdb.c); a 32-bit build skips the
 * check, as LMDB files are not portable between the two anyway. */
enum {
    META_OFF = 16,   /* the page header before the meta */
    META_MAGIC = 0,  /* u32 0xBEEFC0DE */
    META_VER = 4,    /* u32 MDB_DATA_VERSION (1) */
    META_PSIZE = 24, /* mm_dbs[FREE_DBI].md_pad: the page size */
    META_FREE_ROOT = 64,
    META_MAIN_ROOT = 112,
    META_LAST_PG = 120,
    META_TXNID = 128,
    META_LEN = 136
};

static uint64_t host_u64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint32_t host_u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Read the meta page at off: its page header must say P_META, its meta LMDB's magic and
 * version. 0, or the CLAIMDB_* error already set. */
static int read_meta(store *st, const char *path, int fd, uint64_t size, uint64_t off, uint8_t *m)
{
    uint8_t page[META_OFF + META_LEN];
    if (off + sizeof page > size ||
        pread(fd, page, sizeof page, (off_t)off) != (ssize_t)sizeof page)
        return store_seterr(st, CLAIMDB_CORRUPT,
                            off ? "%s: damaged: the file is cut short (%llu bytes; a partial copy?)"
                                : "%s: not a claimdb database",
                            path, (unsigned long long)size);
    uint16_t flags;
    memcpy(&flags, page + 10, 2); /* MDB_page.mp_flags */
    memcpy(m, page + META_OFF, META_LEN);
    if (!(flags & 0x08) || host_u32(m + META_MAGIC) != 0xBEEFC0DEu)
        return store_seterr(st, CLAIMDB_CORRUPT,
                            off ? "%s: damaged (the second meta page is not one)"
                                : "%s: not a claimdb database",
                            path);
    if (host_u32(m + META_VER) != 1)
        return store_seterr(st, CLAIMDB_FORMAT, "%s: written by an incompatible version of LMDB",
                            path);
    return CLAIMDB_OK;
}

static int check_header(store *st, const char *path, int fd, uint64_t size)
{
    if (sizeof(size_t) != 8) return CLAIMDB_OK;
    uint8_t m[2][META_LEN];
    int rc = read_meta(st, path, fd, size, 0, m[0]);
    if (rc) return rc;
    /* LMDB finds the second meta page one page (the first's page size) further, and lays out
     * the map by the page size of the meta it uses: both must be the same valid size. */
    uint32_t psize = host_u32(m[0] + META_PSIZE);
    if (psize < 512 || psize > 65536 || (psize & (psize - 1)))
        return store_seterr(st, CLAIMDB_CORRUPT, "%s: damaged (bad page size %u)", path,
                            (unsigned)psize);
    TRY(rc, read_meta(st, path, fd, size, psize, m[1]));
    if (host_u32(m[1] + META_PSIZE) != psize)
        return store_seterr(st, CLAIMDB_CORRUPT,
                            "%s: damaged (the meta pages disagree on the page size)", path);
    /* LMDB uses the meta page with the larger transaction id (mdb_env_pick_meta). */
    const uint8_t *cur = m[0];
    if (host_u64(m[1] + META_TXNID) > host_u64(m[0] + META_TXNID)) cur = m[1];
    uint64_t last = host_u64(cur + META_LAST_PG);
    uint64_t pages = size / psize;
    if (last < 1 || last >= pages)
        return store_seterr(st, CLAIMDB_CORRUPT,
                            "%s: damaged: the file is cut short (%llu bytes, its header "
                            "describes %llu pages of %u; a partial copy?)",
                            path, (unsigned long long)size, (unsigned long long)last + 1,
                            (unsigned)psize);
    const uint64_t none = ~(uint64_t)0; /* P_INVALID: an empty tree */
    uint64_t roots[2] = {host_u64(cur + META_FREE_ROOT), host_u64(cur + META_MAIN_ROOT)};
    for (int i = 0; i < 2; i++)
        if (roots[i] != none && (roots[i] < 2 || roots[i] > last))
            return store_seterr(st, CLAIMDB_CORRUPT, "%s: damaged header (root page %llu)", path,
                                (unsigned long long)roots[i]);
    return CLAIMDB_OK;
}

/* Open the file read-only and check its header. A new (empty) file has nothing to check. */
static int check_file(store *st, const char *path, const struct stat *sb)
{
    if (sb->st_size == 0) return CLAIMDB_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return store_seterr(st, CLAIMDB_IOERR, "%s: %s", path, strerror(errno));
    int rc = check_header(st, path, fd, (uint64_t)sb->st_size);
    close(fd);
    return rc;
}

/* Remove the lock file LMDB made for a file that turned out not to be a claimdb database, so
 * that opening a wrong file leaves nothing behind. Only when no other process uses it: LMDB
 * holds a shared lock on its first byte in every process that has the file open, so an
 * exclusive lock that we get means nobody else does; unlinking while holding it leaves a
 * process that opens the file later to make a lock file of its own. */
static void remove_lock(const char *lockpath)
{
    int fd = open(lockpath, O_RDWR | O_CLOEXEC);
    if (fd < 0) return;
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
    if (fcntl(fd, F_SETLK, &lk) == 0) unlink(lockpath);
    close(fd);
}

/* LMDB keeps a table of readers in the lock file; when it is full (MDB_READERS_FULL) every
 * reader fails. 126, LMDB's default, is few for a server with a handle per connection: each
 * slot is 64 bytes of the lock file. */
#define STORE_MAX_READERS 1024

/* The files of one open: the database and the lock file LMDB makes beside it. */
typedef struct env_files {
    const char *path;
    char *lockpath; /* PATH-lock */
    bool had_lock;  /* it was there before: a failed open must not remove it */
} env_files;

static store_env *env_alloc(const struct stat *sb, bool rdonly)
{
    store_env *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->dev = sb->st_dev;
    e->ino = sb->st_ino;
    e->pid = getpid();
    e->rdonly = rdonly;
    e->lockfd = -1;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* waits are timed by store_txn.c's clock */
    pthread_cond_init(&e->writer_done, &ca);
    pthread_condattr_destroy(&ca);
    return e;
}

/* An LMDB environment with claimdb's databases and map size, not yet open; *env is NULL when
 * it cannot be made, which mdb_env_close takes. */
static int env_create(MDB_env **env, size_t mapsize)
{
    *env = NULL;
    int rc = mdb_env_create(env);
    if (rc) return rc;
    mdb_env_set_maxdbs(*env, DB_COUNT + 4);
    mdb_env_set_mapsize(*env, mapsize);
    return MDB_SUCCESS;
}

/* Opens e->env on the file; an LMDB or errno code. */
static int env_open_lmdb(store_env *e, const env_files *f, size_t mapsize)
{
    int rc = env_create(&e->env, mapsize);
    if (rc) return rc;
    mdb_env_set_maxreaders(e->env, STORE_MAX_READERS);
    unsigned flags = MDB_NOSUBDIR | MDB_NOTLS | (e->rdonly ? MDB_RDONLY : 0);
    rc = mdb_env_open(e->env, f->path, flags, 0644);
    if (!(rc == EACCES && e->rdonly && !f->had_lock && access(f->lockpath, F_OK) != 0)) return rc;
    /* Read-only, and no lock file can be made beside the database (a directory we may
     * not write; LMDB itself handles read-only media, EROFS). No process can be writing
     * it with locks, as there is no lock file: read without one (docs/reliability.md). */
    mdb_env_close(e->env);
    if ((rc = env_create(&e->env, mapsize))) return rc;
    return mdb_env_open(e->env, f->path, flags | MDB_NOLOCK, 0644);
}

/* The store's error for an LMDB open that failed with rc. */
static int env_open_error(store *st, const store_env *e, const env_files *f, int rc)
{
    if (rc == MDB_INVALID)
        return store_seterr(st, CLAIMDB_CORRUPT, "%s: not a claimdb database", f->path);
    if (rc == MDB_VERSION_MISMATCH)
        return store_seterr(st, CLAIMDB_FORMAT, "%s: written by an incompatible version of LMDB",
                            f->path);
    if (rc == EACCES || rc == EROFS || rc == EPERM)
        return store_seterr(st, CLAIMDB_IOERR, "%s: %s (%s)", f->had_lock ? f->lockpath : f->path,
                            strerror(rc),
                            e->rdonly ? "the lock file must be writable, also to read"
                                      : "open it read-only with --readonly");
    return store_mdb_err(st, rc, f->path);
}

/* What a writable handle needs besides LMDB: the file descriptor writers queue on with a
 * flock (store_txn.c), which, unlike LMDB's writer mutex, can be waited for with a timeout,
 * and the database's directory for temporary files. */
static int env_open_writer(store *st, store_env *e, const char *path)
{
    e->lockfd = open(path, O_RDONLY | O_CLOEXEC);
    if (e->lockfd < 0) return store_seterr(st, CLAIMDB_IOERR, "%s: %s", path, strerror(errno));
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + (slash == path) : 1;
    if (!(e->tmpdir = malloc(dl + 1))) return store_seterr(st, CLAIMDB_NOMEM, "out of memory");
    memcpy(e->tmpdir, slash ? path : ".", dl);
    e->tmpdir[dl] = '\0';
    return CLAIMDB_OK;
}

static void env_free(store_env *e)
{
    mdb_env_close(e->env);
    if (e->lockfd >= 0) close(e->lockfd);
    free(e->tmpdir);
    pthread_cond_destroy(&e->writer_done);
    free(e);
}

/* Undoes a failed env_new; the lock file goes only when it was made for a file that is not a
 * claimdb database, and after LMDB has let go of it. */
static void env_discard(store_env *e, const env_files *f, int rc)
{
    mdb_env_close(e->env);
    e->env = NULL;
    if (!f->had_lock && (rc == CLAIMDB_CORRUPT || rc == CLAIMDB_FORMAT)) remove_lock(f->lockpath);
    env_free(e);
}

static int env_new(store *st, const char *path, const struct stat *sb, size_t mapsize,
                   store_env **out)
{
    int rc = check_file(st, path, sb);
    if (rc) return rc;
    /* LMDB creates PATH-lock; a failed open must not leave one behind that was not there. */
    size_t plen = strlen(path);
    env_files f = {.path = path, .lockpath = malloc(plen + 6)};
    store_env *e = env_alloc(sb, st->readonly);
    if (!e || !f.lockpath) {
        if (e) env_discard(e, &f, CLAIMDB_NOMEM);
        free(f.lockpath);
        return store_seterr(st, CLAIMDB_NOMEM, "out of memory");
    }
    memcpy(f.lockpath, path, plen);
    memcpy(f.lockpath + plen, "-lock", 6);
    f.had_lock = access(f.lockpath, F_OK) == 0;
    if ((rc = env_open_lmdb(e, &f, mapsize))) rc = env_open_error(st, e, &f, rc);
    if (!rc) {
        int dead = 0;
        mdb_reader_check(e->env, &dead);
        rc = open_dbs(st, e, path);
    }
    if (!rc && !e->rdonly) rc = env_open_writer(st, e, path);
    if (rc) {
        env_discard(e, &f, rc);
    } else {
        e->refs = 1;
        *out = e;
    }
    free(f.lockpath);
    return rc;
}

static int open_locked(store *st, const char *path, bool create, size_t initial_map)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT)
            return store_seterr(st, CLAIMDB_IOERR, "%s: %s", path, strerror(errno));
        if (!create) return store_seterr(st, CLAIMDB_NOTFOUND, "%s: no such database", path);
        if (st->readonly)
            return store_seterr(st, CLAIMDB_READONLY,
                                "%s: no such database, and cannot create one read-only", path);
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            return store_seterr(st, CLAIMDB_IOERR, "%s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        if (stat(path, &sb) != 0)
            return store_seterr(st, CLAIMDB_IOERR, "%s: %s", path, strerror(errno));
    }
    if (!S_ISREG(sb.st_mode))
        return store_seterr(st, CLAIMDB_CORRUPT, "%s: not a claimdb database (not a file)", path);
    if (sb.st_size == 0 && (!create || st->readonly))
        return store_seterr(st, st->readonly && create ? CLAIMDB_READONLY : CLAIMDB_CORRUPT,
                            "%s: empty file, not a claimdb database", path);

    pid_t pid = getpid();
    for (store_env *e = registry; e; e = e->next) {
        if (e->dev == sb.st_dev && e->ino == sb.st_ino && e->pid == pid) {
            if (e->rdonly && !st->readonly)
                return store_seterr(st, CLAIMDB_BUSY, "%s: already open read-only in this process",
                                    path);
            e->refs++;
            st->se = e;
            return CLAIMDB_OK;
        }
    }
    if (initial_map == 0) {
        initial_map = STORE_DEFAULT_MAP;
        if ((uint64_t)sb.st_size * 2 > initial_map) initial_map = (size_t)sb.st_size * 2;
    }
    store_env *e = NULL;
    int rc = env_new(st, path, &sb, initial_map, &e);
    if (rc) return rc;
    e->next = registry;
    registry = e;
    st->se = e;
    return CLAIMDB_OK;
}

int store_open_mapsize(const char *path, int flags, size_t initial_map, store **out)
{
    if (!out) return CLAIMDB_MISUSE;
    *out = NULL;
    store *st = calloc(1, sizeof *st);
    if (!st) return CLAIMDB_NOMEM;
    *out = st;
    st->msg = "not an error";
    st->busy_ms = STORE_DEFAULT_BUSY_MS;
    st->run_bytes = STORE_DEFAULT_RUN_BYTES;
    if (!path || !*path) return store_seterr(st, CLAIMDB_MISUSE, "no database path given");
    st->readonly = (flags & CLAIMDB_OPEN_READONLY) != 0;
    /* Reproducible outputs (tests, documentation) stamp citations with a fixed time: the
     * SOURCE_DATE_EPOCH convention of reproducible builds. */
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        char *end;
        long long v = strtoll(epoch, &end, 10);
        if (*end == '\0' && v > 0) st->fixed_now = (int64_t)v;
    }
    store_registry_lock();
    int rc = open_locked(st, path, (flags & CLAIMDB_OPEN_CREATE) != 0, initial_map);
    store_registry_unlock();
    return rc;
}

int store_open(const char *path, int flags, store **out)
{
    return store_open_mapsize(path, flags, 0, out);
}

void store_close(store *st)
{
    if (!st) return;
    store_env *e = st->se;
    if (e) {
        store_registry_lock();
        if (--e->refs == 0) {
            for (store_env **pp = &registry; *pp; pp = &(*pp)->next) {
                if (*pp == e) {
                    *pp = e->next;
                    break;
                }
            }
            env_free(e);
        }
        store_registry_unlock();
    }
    free(st);
}

/* ---- counts ---- */

int store_claim_counts(store_txn *t, store_counts *out)
{
    int rc = txn_check_read(t);
    if (rc || (rc = pend_sync(t))) return rc;
    memset(out, 0, sizeof *out);
    store *st = t->st;
    uint64_t snap = store_txn_snapshot(t);
    if (!snap || st->counted_snap != snap) {
        uint64_t v[5];
        if ((rc = meta_u64(t, "claims.pos", &v[0])) || (rc = meta_u64(t, "claims.neg", &v[1])) ||
            (rc = meta_u64(t, "citations", &v[2])) || (rc = meta_u64(t, "articles", &v[3])) ||
            (rc = meta_u64(t, "reviews", &v[4])))
            return rc;
        if (!snap) {
            out->claims_pos = v[0];
            out->claims_neg = v[1];
            out->citations = v[2];
            out->articles = v[3];
            out->reviews = v[4];
            return CLAIMDB_OK;
        }
        memcpy(st->counts_cache, v, sizeof v);
        st->counted_snap = snap;
    }
    out->claims_pos = st->counts_cache[0];
    out->claims_neg = st->counts_cache[1];
    out->citations = st->counts_cache[2];
    out->articles = st->counts_cache[3];
    out->reviews = st->counts_cache[4]; /* a REVIEWED step's scan is about one row a review */
    return CLAIMDB_OK;
}

int store_counts_get(store_txn *t, store_counts *out)
{
    int rc = txn_check_read(t);
    if (rc || (rc = pend_sync(t))) /* the sizes are those with the pending writes written */
        return rc;
    memset(out, 0, sizeof *out);
    if ((rc = meta_u64(t, "claims.pos", &out->claims_pos)) ||
        (rc = meta_u64(t, "claims.neg", &out->claims_neg)) ||
        (rc = meta_u64(t, "citations", &out->citations)) ||
        (rc = meta_u64(t, "articles", &out->articles)) ||
        (rc = meta_u64(t, "reviews", &out->reviews)))
        return rc;
    MDB_stat ms;
    rc = mdb_stat(txn_mdb(t), txn_dbi(t, DB_TERMID), &ms);
    if (rc) return store_mdb_err(t->st, rc, "counting terms");
    out->terms = ms.ms_entries;
    rc = mdb_stat(txn_mdb(t), txn_dbi(t, DB_ALIAS), &ms);
    if (rc) return store_mdb_err(t->st, rc, "counting aliases");
    out->aliases = ms.ms_entries;
    MDB_envinfo info;
    mdb_env_info(t->se->env, &info);
    rc = mdb_env_stat(t->se->env, &ms);
    if (rc) return store_mdb_err(t->st, rc, "reading the environment");
    out->map_size = info.me_mapsize;
    out->used_bytes = (uint64_t)(info.me_last_pgno + 1) * ms.ms_psize;
    return CLAIMDB_OK;
}
