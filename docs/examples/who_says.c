/* who_says.c — the smallest useful embedding of claimdb: which articles say that SUBJECT
 * does PREDICATE to OBJECT, with their quotes.
 *
 *   cc who_says.c $(pkg-config --cflags --libs claimdb) -o who_says
 *   ./who_says demo.db Taliban demand withdrawal
 */
#include <claimdb.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s DB SUBJECT PREDICATE OBJECT\n", argv[0]);
        return 2;
    }
    claimdb *db = NULL;
    if (claimdb_open(argv[1], CLAIMDB_OPEN_READONLY, &db) != CLAIMDB_OK) {
        fprintf(stderr, "%s\n", claimdb_errmsg(db));
        claimdb_close(db);
        return 1;
    }
    claimdb_stmt *stmt = NULL;
    int rc = claimdb_prepare(db, "FIND ?src, ?q WHERE $s $p $o FROM ?src QUOTE ?q ORDER BY ?src;",
                             -1, &stmt, NULL);
    if (rc == CLAIMDB_OK) rc = claimdb_bind_text(stmt, "$s", argv[2], -1);
    if (rc == CLAIMDB_OK) rc = claimdb_bind_text(stmt, "$p", argv[3], -1);
    if (rc == CLAIMDB_OK) rc = claimdb_bind_text(stmt, "$o", argv[4], -1);
    while (rc == CLAIMDB_OK && (rc = claimdb_step(stmt)) == CLAIMDB_ROW) {
        const char *quote = claimdb_column_text(stmt, 1);
        printf("article %lld: %s\n", (long long)claimdb_column_int64(stmt, 0),
               quote ? quote : "(no quote)");
        rc = CLAIMDB_OK;
    }
    if (rc != CLAIMDB_DONE) fprintf(stderr, "%s\n", claimdb_errmsg(db));
    claimdb_finalize(stmt);
    claimdb_close(db);
    return rc == CLAIMDB_DONE ? 0 : 1;
}
