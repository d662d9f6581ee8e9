/* export.c — placeholder until the export driver lands. */
#include "export.h"

#include "output.h"

int export_db(claimdb *db, FILE *out, const char *name, const export_options *o)
{
    (void)db;
    (void)out;
    (void)o;
    diag("claimdb: %s: export is not implemented yet\n", name);
    return 1;
}
