/* path.h — the base and directory parts of a file path. */
#ifndef CLAIMDB_REPL_PATH_H
#define CLAIMDB_REPL_PATH_H

/* The part of path after its last '/', and the directory part ("." when none; caller frees). */
const char *path_base(const char *path);
char *path_dir(const char *path);

#endif /* CLAIMDB_REPL_PATH_H */
