/* import.c — placeholder until the import driver lands. */
#include "import.h"

#include "output.h"

int import_file(claimdb *db, const char *path, const import_options *o)
{
    (void)db;
    (void)o;
    diag("claimdb: %s: import is not implemented yet\n", path);
    return 1;
}
