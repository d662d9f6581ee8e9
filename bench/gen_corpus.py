#!/usr/bin/python3
"""Write a synthetic article corpus as JSON Lines ({"id", "text"}), for the throughput
measurement of docs/scaling.md (bench/scale_bench.sh).

The articles are made, with a fixed seed, of two kinds of paragraphs: sentences of the seed
articles (data/articles/*.txt) recombined in a new order, and sentences generated here from
templates (attributions, denials, hedges, appositives: the constructions the extractor
handles) over word lists written for this script. Everything is generated or taken from this
repository, so the corpus is free of third-party rights; it is never committed (200 MB),
only made at measurement time.

    gen_corpus.py --mb 200 --out corpus.jsonl [--seed 1] [--articles DIR]
"""

import argparse
import json
import os
import random
import re

PEOPLE = ["Maria Lopez", "John Carter", "Amina Yusuf", "Chen Wei", "Olga Petrova",
          "Rahul Mehta", "Fatima Khan", "David Brown", "Ines Moreau", "Kwame Mensah"]
GROUPS = ["the ministry", "the army", "the rebels", "the council", "the union",
          "the Taliban", "the government", "the opposition", "the committee", "the police"]
ROLES = ["a spokesperson for the ministry", "the former governor of the province",
         "a senior official", "the head of the union", "a local commander"]
VERBS = [("attacked", "the village"), ("rejected", "the proposal"), ("signed", "the agreement"),
         ("demanded", "a ceasefire"), ("closed", "the border"), ("released", "the prisoners"),
         ("funded", "the campaign"), ("blocked", "the road"), ("approved", "the budget"),
         ("criticised", "the decision"), ("supported", "the talks"), ("banned", "the protest")]
PLACES = ["Kabul", "Herat", "the capital", "the northern province", "the border region",
          "Doha", "the port city", "the valley"]
SPEECH = ["said", "told reporters", "announced", "claimed", "stated"]
HEDGES = ["reportedly", "allegedly"]

TEMPLATES = [
    "{G} {V} {O} in {P}, {N} said.",
    "According to {N}, {g} {V} {O} last week.",
    "{N} denied that {g} {V} {O}.",
    "{N}, {R}, {S} that {g} had {V} {O}.",
    "{G} {H} {V} {O} near {P} on Monday.",
    "{N} said {g} would not accept {O}.",
    "Officials in {P} declined to comment on the report.",
    "{G} has {V} {O} several times since the talks began.",
]


def cap(s):
    return s[0].upper() + s[1:]


def generated_sentence(rng):
    verb, obj = rng.choice(VERBS)
    g = rng.choice(GROUPS)
    return rng.choice(TEMPLATES).format(
        G=cap(g), g=g, V=verb, O=obj, P=rng.choice(PLACES), N=rng.choice(PEOPLE),
        R=rng.choice(ROLES), S=rng.choice(SPEECH), H=rng.choice(HEDGES))


def seed_sentences(folder):
    out = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".txt"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                for para in f.read().split("\n"):
                    # sentences of the paragraphs of prose (page furniture lines are short)
                    if len(para) > 80:
                        out += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", para) if s]
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=200, help="size to reach, in MB (10^6 bytes)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--articles", default=os.path.join(here, "..", "data", "articles"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    seeds = seed_sentences(args.articles)
    target = int(args.mb * 1e6)
    size, ident = 0, 0
    with open(args.out, "w", encoding="utf-8") as out:
        while size < target:
            paras = []
            for _ in range(rng.randint(3, 8)):
                n = rng.randint(2, 5)
                if rng.random() < 0.5 and seeds:
                    paras.append(" ".join(rng.choice(seeds) for _ in range(n)))
                else:
                    paras.append(" ".join(generated_sentence(rng) for _ in range(n)))
            line = json.dumps({"id": ident, "text": "\n\n".join(paras)}, ensure_ascii=False)
            out.write(line + "\n")
            size += len(line.encode("utf-8")) + 1
            ident += 1
    print("gen_corpus: %d articles, %.1f MB in %s" % (ident, size / 1e6, args.out))


if __name__ == "__main__":
    main()
