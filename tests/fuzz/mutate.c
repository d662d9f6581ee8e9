/* mutate.c — writes a damaged copy of a file to standard output: bytes flipped, lines cut,
 * pieces duplicated or truncated, chosen by a seed so that a failure can be replayed.
 *   mutate FILE SEED              text-file damage (the importers' inputs)
 *   mutate FILE SEED --flip SKIP  1 to 8 bytes changed past the first SKIP, the size kept:
 *                                 damage as a bad disk or a stray write makes it (database
 *                                 files; SKIP 8192 leaves LMDB's meta pages, which it checks) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    size_t skip = 0;
    int flip = argc == 5 && !strcmp(argv[3], "--flip");
    if (argc != 3 && !flip) {
        fprintf(stderr, "usage: mutate FILE SEED [--flip SKIP]\n");
        return 2;
    }
    if (flip) skip = strtoull(argv[4], NULL, 10);
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf || n == 0) return 2;
    uint64_t s = strtoull(argv[2], NULL, 10);
    if (flip) {
        if (n <= skip) return 2;
        int flips = 1 + (int)(next(&s) % 8);
        for (int e = 0; e < flips; e++)
            buf[skip + next(&s) % (n - skip)] = (unsigned char)next(&s);
        fwrite(buf, 1, n, stdout);
        free(buf);
        return 0;
    }
    int edits = 1 + (int)(next(&s) % 3);
    for (int e = 0; e < edits; e++) {
        size_t at = (size_t)(next(&s) % n);
        switch (next(&s) % 5) {
        case 0:
            buf[at] = (unsigned char)next(&s);
            break; /* any byte */
        case 1:
            buf[at] = "\t\n\"\\{}<>:,.@_ #-+"[next(&s) % 17];
            break; /* a syntax byte */
        case 2:
            n = at ? at : 1;
            break; /* truncated */
        case 3: {  /* a piece repeated */
            size_t len = (size_t)(next(&s) % 64);
            if (at + len > n) len = n - at;
            if (n + len > cap) break;
            memmove(buf + at + len, buf + at, n - at);
            n += len;
            break;
        }
        default: { /* a piece deleted */
            size_t len = (size_t)(next(&s) % 64);
            if (at + len > n) len = n - at;
            memmove(buf + at, buf + at + len, n - at - len);
            n -= len;
            if (n == 0) n = 1;
            break;
        }
        }
    }
    fwrite(buf, 1, n, stdout);
    free(buf);
    return 0;
}
