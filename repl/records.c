/* records.c — the data formats' names and file extensions. */
#include "records.h"

#include "util.h"

#include <string.h>

static const struct {
    const char *name;
    int format;
} names[] = {
    {"tsv", FORMAT_TSV},
    {"jsonl", FORMAT_JSONL},
    {"ndjson", FORMAT_JSONL},
    {"nquads", FORMAT_NQUADS},
    {"nq", FORMAT_NQUADS},
    {"nt", FORMAT_NQUADS},
    {"ntriples", FORMAT_NQUADS},
    {"liar", FORMAT_LIAR},
    {"claimreview", FORMAT_CLAIMREVIEW},
    {"jsonld", FORMAT_CLAIMREVIEW},
    {"claimskg", FORMAT_CLAIMSKG},
    {"csv", FORMAT_CLAIMSKG},
};

int format_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!ascii_casecmp(name, names[i].name)) return names[i].format;
    return -1;
}

int format_from_path(const char *path)
{
    const char *base = path_base(path);
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base) return -1;
    return format_from_name(dot + 1);
}

const char *format_name(int format)
{
    switch (format) {
    case FORMAT_TSV:
        return "tsv";
    case FORMAT_JSONL:
        return "jsonl";
    case FORMAT_NQUADS:
        return "nquads";
    case FORMAT_LIAR:
        return "liar";
    case FORMAT_CLAIMREVIEW:
        return "claimreview";
    case FORMAT_CLAIMSKG:
        return "claimskg";
    default:
        return "?";
    }
}
