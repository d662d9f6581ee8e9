/* ptydrive — runs a program on a pseudo-terminal and drives it like a person would: a script
 * on standard input says what to type and what to wait for. Everything the program printed is
 * copied to standard output at the end. Used by tests/sh/repl_pty.sh.
 *
 *   usage: ptydrive PROGRAM [ARG...] < SCRIPT
 *   script lines:  send TEXT     wait until the program reads the terminal key by key (a
 *                                line editor has turned canonical mode off), then type TEXT
 *                                (escapes: \n \r \t \e \\ \xHH)
 *                  sendnow TEXT  type TEXT at once (Ctrl-C to a running statement)
 *                  expect TEXT   wait (up to 10 s) until the output since the last expect
 *                                holds TEXT; fail with status 3 if it never does
 *                  sleep MS      wait MS milliseconds
 *                  signal        send SIGINT to the program (as Ctrl-C would)
 *  Exit status: the program's, or 3 when an expect timed out, 4 on a setup error. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static char *out;
static size_t outlen, outcap, mark;

static void append(const char *s, size_t n)
{
    if (outlen + n + 1 > outcap) {
        outcap = (outlen + n + 1) * 2;
        out = realloc(out, outcap);
        if (!out) exit(4);
    }
    memcpy(out + outlen, s, n);
    outlen += n;
    out[outlen] = '\0';
}

/* Read what the program printed for up to ms milliseconds (or until it closes). */
static int pump(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    int r = poll(&p, 1, ms);
    if (r <= 0) return 0;
    char b[4096];
    ssize_t n = read(fd, b, sizeof b);
    if (n <= 0) return -1;
    append(b, (size_t)n);
    return 1;
}

/* Wait (up to 10 s) until the terminal is out of canonical mode: the program is in its line
 * editor, and keys typed now reach it as keys. */
static void wait_raw(int fd)
{
    for (int i = 0; i < 1000; i++) {
        struct termios t;
        if (tcgetattr(fd, &t) == 0 && !(t.c_lflag & ICANON)) return;
        pump(fd, 10);
    }
}

static size_t unescape(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r != '\\' || !r[1]) {
            *w++ = *r;
            continue;
        }
        r++;
        switch (*r) {
        case 'n':
            *w++ = '\n';
            break;
        case 'r':
            *w++ = '\r';
            break;
        case 't':
            *w++ = '\t';
            break;
        case 'e':
            *w++ = 27;
            break;
        case 'x': {
            char hex[3] = {r[1], r[2], 0};
            *w++ = (char)strtol(hex, NULL, 16);
            r += 2;
            break;
        }
        default:
            *w++ = *r;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: ptydrive PROGRAM [ARG...] < SCRIPT\n", stderr);
        return 4;
    }
    struct winsize ws = {24, 100, 0, 0};
    int fd;
    pid_t pid = forkpty(&fd, NULL, NULL, &ws);
    if (pid < 0) {
        perror("forkpty");
        return 4;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror("exec");
        _exit(127);
    }
    char line[4096];
    int status = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "send ", 5) || !strncmp(line, "sendnow ", 8)) {
            char *text = strchr(line, ' ') + 1;
            size_t n = unescape(text);
            if (line[4] == ' ') wait_raw(fd);
            for (size_t i = 0; i < n; i++) { /* one key at a time, as typed */
                if (write(fd, text + i, 1) != 1) return 4;
                pump(fd, 5);
            }
        } else if (!strncmp(line, "expect ", 7)) {
            unescape(line + 7);
            double end = now() + 10;
            while (!(out && strstr(out + mark, line + 7))) {
                if (now() > end || pump(fd, 100) < 0) {
                    fprintf(stderr, "ptydrive: timed out waiting for \"%s\"\n", line + 7);
                    status = 3;
                    break;
                }
            }
            if (status) break;
            mark = (size_t)(strstr(out + mark, line + 7) - out) + strlen(line + 7);
        } else if (!strncmp(line, "sleep ", 6)) {
            double end = now() + atoi(line + 6) / 1000.0;
            while (now() < end)
                pump(fd, 10);
        } else if (!strcmp(line, "signal")) {
            kill(pid, SIGINT);
        }
    }
    /* Let the program finish and collect the rest of its output. */
    int wst = 0, reaped = 0;
    double end = now() + 10;
    while (now() < end) {
        int pr = pump(fd, 100);
        if (!reaped && waitpid(pid, &wst, WNOHANG) == pid) reaped = 1;
        if (pr < 0 || (reaped && pr == 0)) break;
    }
    if (!reaped) {
        kill(pid, SIGKILL);
        waitpid(pid, &wst, 0);
    }
    if (out) fwrite(out, 1, outlen, stdout);
    if (status) return status;
    return WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
}
