# score.awk — precision and recall of extracted citations against the curated ones.
# Input files, in order: ALIASES (alias TAB canonical, header), SYNONYMS (one set per line,
# '#' comments), CURATED (claims.tsv), EXTRACTED (subject TAB predicate TAB object TAB
# article, no header). A citation matches when the article is the same, the subject keys
# overlap, the object keys overlap and the predicates are equal or synonyms (see
# docs/extraction.md). Prints "precision P recall R ..." and, with -v verbose=1, the
# unmatched curated citations.
BEGIN {
    FS = "\t"
    split("the a an of to in on for and with by at from its their his her our this that these those it they he she we all any some its", sw, " ")
    for (i in sw) stop[sw[i]] = 1
}
function words(s, out,    n, i, w, parts) {
    s = tolower(s)
    gsub(/[“”‘’"'(),.:;]/, " ", s)
    n = split(s, parts, /[ \t]+/)
    for (i = 1; i <= n; i++) if (parts[i] != "" && !(parts[i] in stop)) out[parts[i]] = 1
}
# The key words of a term: its words, plus those of the canonical term of any alias it holds.
function key(s, out,    a, padded) {
    delete out
    words(s, out)
    padded = " " tolower(s) " "
    for (a in alias) if (index(padded, " " a " ") > 0) words(alias[a], out)
}
function overlap(x, y,    w, kx, ky) {
    key(x, kx)
    key(y, ky)
    for (w in kx) if (w in ky) return 1
    return 0
}
function head(p,    parts) {
    split(p, parts, " ")
    return parts[1]
}
function same_pred(p, q,    a, b) {
    if (p == q) return 1
    a = head(p); b = head(q)
    if (a == b) return 1
    return (a in syn) && (b in syn) && syn[a] == syn[b]
}
FILENAME == ARGV[1] { if (FNR > 1) alias[tolower($1)] = $2; next }
FILENAME == ARGV[2] {
    if ($0 ~ /^#/ || $0 == "") next
    n = split($0, ws, " ")
    for (i = 1; i <= n; i++) syn[ws[i]] = FNR
    next
}
FILENAME == ARGV[3] {
    if (FNR == 1) next
    nc++
    cs[nc] = $1; cp[nc] = $2; co[nc] = $3; ca[nc] = $4
    next
}
{
    ne++
    es[ne] = $1; ep[ne] = $2; eo[ne] = $3; ea[ne] = $4
}
END {
    for (i = 1; i <= ne; i++)
        for (j = 1; j <= nc; j++) {
            if (ea[i] != ca[j] || !same_pred(ep[i], cp[j])) continue
            if (!overlap(es[i], cs[j]) || !overlap(eo[i], co[j])) continue
            emat[i] = 1
            cmat[j] = 1
        }
    me = 0; mc = 0
    for (i = 1; i <= ne; i++) me += (i in emat)
    for (j = 1; j <= nc; j++) mc += (j in cmat)
    p = ne ? me / ne : 0
    r = nc ? mc / nc : 0
    printf "precision %.3f recall %.3f (%d of %d extracted citations match, %d of %d curated found)\n", p, r, me, ne, mc, nc
    if (verbose) {
        for (j = 1; j <= nc; j++) if (!(j in cmat)) printf "missed: %s | %s | %s | %s\n", cs[j], cp[j], co[j], ca[j]
        for (i = 1; i <= ne; i++) if (i in emat) printf "matched: %s | %s | %s | %s\n", es[i], ep[i], eo[i], ea[i]
    }
}
