/* try.h — early return on error, as serd's TRY: shared by the store and the engine.
 *
 *     int rc;
 *     TRY(rc, store_savepoint(t));
 *
 * runs the expression, keeps its status in rc and returns it from the enclosing function
 * unless it is CLAIMDB_OK (0). Only for functions whose own return value is that status.
 */
#ifndef CLAIMDB_TRY_H
#define CLAIMDB_TRY_H

#define TRY(rc, expr)                                                                              \
    do {                                                                                           \
        if (((rc) = (expr)) != 0) return (rc);                                                     \
    } while (0)

#endif /* CLAIMDB_TRY_H */
