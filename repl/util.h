/* util.h — the program's shared helpers, one small header per job; a module may include just
 * the ones it needs. */
#ifndef CLAIMDB_REPL_UTIL_H
#define CLAIMDB_REPL_UTIL_H

#include "mem.h"
#include "buf.h"
#include "utf8.h"
#include "textpos.h"
#include "number.h"
#include "date.h"
#include "ascii.h"
#include "path.h"
#include "strmap.h"

#endif /* CLAIMDB_REPL_UTIL_H */
