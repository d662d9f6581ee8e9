/* date.c — see date.h. */
#include "date.h"

#include "claimdb.h"

#include <stdlib.h>
#include <time.h>

int valid_date(const char *s)
{
    return claimdb_date_valid(s, -1);
}

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
