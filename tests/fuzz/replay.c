/* replay.c — a main() for the fuzz targets when built without libFuzzer (any compiler): runs
 * the target once on each file named, so that ctest replays the saved crashes and seeds on
 * every build, under the sanitizers in CI.
 *   replay FILE... */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int n = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        size_t cap = 1 << 16, len = 0, r;
        unsigned char *buf = malloc(cap);
        while (buf && (r = fread(buf + len, 1, cap - len, f)) > 0) {
            len += r;
            if (len == cap) buf = realloc(buf, cap *= 2);
        }
        fclose(f);
        if (!buf) return 1;
        LLVMFuzzerTestOneInput(buf, len);
        free(buf);
        n++;
    }
    printf("replayed %d input(s)\n", n);
    return 0;
}
