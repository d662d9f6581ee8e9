/* date.h — calendar dates and the monotonic clock. */
#ifndef CLAIMDB_REPL_DATE_H
#define CLAIMDB_REPL_DATE_H

/* Whether s is an ISO 8601 calendar date YYYY-MM-DD that exists: the library's rule. */
int valid_date(const char *s);

/* Seconds since an arbitrary start (monotonic). */
double now_seconds(void);

#endif /* CLAIMDB_REPL_DATE_H */
