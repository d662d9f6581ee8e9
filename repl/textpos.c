/* textpos.c — see textpos.h. */
#include "textpos.h"
#include "utf8.h"

void textpos_init(textpos *tp, const char *text, size_t len)
{
    tp->text = text;
    tp->len = len;
    tp->off = 0;
    tp->line = 1;
    tp->bol = 0;
}

void textpos_at(textpos *tp, size_t off, long *line, long *col)
{
    if (off > tp->len) off = tp->len;
    if (off < tp->off) { /* asked backwards: start over */
        tp->off = 0;
        tp->line = 1;
        tp->bol = 0;
    }
    for (size_t i = tp->off; i < off; i++) {
        if (tp->text[i] == '\n') {
            tp->line++;
            tp->bol = i + 1;
        }
    }
    tp->off = off;
    *line = tp->line;
    *col = (long)utf8_count(tp->text + tp->bol, off - tp->bol) + 1;
}
