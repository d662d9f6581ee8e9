/* flip.c — writes a copy of a database file with a few bytes changed, its size kept, chosen
 * by a seed so that a failure can be replayed: damage as a bad disk or a stray write makes it.
 *   flip FILE SEED [SKIP]    (SKIP: bytes at the start left alone; default 8192, LMDB's two
 *                             meta pages, whose damage LMDB itself detects) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: flip FILE SEED [SKIP]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    size_t cap = 1 << 16, n = 0, r;
    unsigned char *buf = malloc(cap);
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    size_t skip = argc == 4 ? strtoull(argv[3], NULL, 10) : 8192;
    if (!buf || n <= skip) return 2;
    uint64_t s = strtoull(argv[2], NULL, 10);
    int edits = 1 + (int)(next(&s) % 8);
    for (int e = 0; e < edits; e++)
        buf[skip + next(&s) % (n - skip)] = (unsigned char)next(&s);
    fwrite(buf, 1, n, stdout);
    free(buf);
    return 0;
}
