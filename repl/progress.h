/* progress.h — a progress bar on stderr for long imports: bytes done of total, rate, time
 * left. Shown only when stderr is a terminal and CI is not set, and only after half a second
 * (short imports print nothing; CLAIMDB_PROGRESS_DELAY=SECONDS changes that wait). */
#ifndef CLAIMDB_REPL_PROGRESS_H
#define CLAIMDB_REPL_PROGRESS_H

typedef struct progress {
    int enabled;
    int shown;
    long long total; /* bytes, or -1 when unknown (a pipe) */
    long long done;
    double start, last;
    double delay; /* seconds before the bar appears ($CLAIMDB_PROGRESS_DELAY, else 0.5) */
    const char *label;
} progress;

/* label must outlive the progress bar. */
void progress_start(progress *p, const char *label, long long total);
void progress_update(progress *p, long long done);
/* Erase the bar, if shown. */
void progress_end(progress *p);

#endif /* CLAIMDB_REPL_PROGRESS_H */
