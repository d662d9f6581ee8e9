/* progress.c — see progress.h. */
#include "progress.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PROGRESS_DELAY 0.5    /* seconds before the bar appears */
#define PROGRESS_INTERVAL 0.1 /* seconds between redraws */
#define PROGRESS_BAR 24       /* characters of the bar */

void progress_start(progress *p, const char *label, long long total)
{
    const char *ci = getenv("CI");
    p->enabled = isatty(STDERR_FILENO) && !(ci && *ci);
    p->shown = 0;
    p->total = total;
    p->done = 0;
    p->start = p->last = now_seconds();
    p->label = label;
    const char *delay = getenv("CLAIMDB_PROGRESS_DELAY"); /* seconds; tests set 0 */
    p->delay = delay && *delay ? atof(delay) : PROGRESS_DELAY;
}

static void human_bytes(char *out, size_t n, double bytes)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1000 && u < 4) {
        bytes /= 1000;
        u++;
    }
    snprintf(out, n, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

void progress_update(progress *p, long long done)
{
    p->done = done;
    if (!p->enabled) return;
    double now = now_seconds();
    if (now - p->start < p->delay || (p->shown && now - p->last < PROGRESS_INTERVAL)) return;
    p->last = now;
    double elapsed = now - p->start;
    double rate = (double)done / elapsed;
    char d[32], t[32], r[32];
    human_bytes(d, sizeof d, (double)done);
    human_bytes(r, sizeof r, rate);
    if (p->total > 0) {
        double frac = (double)done / (double)p->total;
        if (frac > 1) frac = 1;
        int fill = (int)(frac * PROGRESS_BAR);
        char bar[PROGRESS_BAR + 1];
        for (int i = 0; i < PROGRESS_BAR; i++)
            bar[i] = i < fill ? '#' : '-';
        bar[PROGRESS_BAR] = '\0';
        human_bytes(t, sizeof t, (double)p->total);
        double eta = rate > 0 ? (double)(p->total - done) / rate : 0;
        fprintf(stderr, "\r\033[K%s [%s] %3.0f%% %s of %s, %s/s, %.0f s left", p->label, bar,
                frac * 100, d, t, r, eta);
    } else {
        fprintf(stderr, "\r\033[K%s %s, %s/s", p->label, d, r);
    }
    fflush(stderr);
    p->shown = 1;
}

void progress_end(progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->shown = 0;
}
