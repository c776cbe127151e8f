#!/usr/bin/python3
"""Writes the gensim fixtures that GensimFixturesTest reads (run with Debian's python3-gensim 4.2).

Outputs, next to this script:
  gensim-4.2.txt, gensim-4.2.bin   KeyedVectors.save_word2vec_format, text and binary, of the
                                   vectors in FORMAT_WORDS / FORMAT_VECTORS below (the Java test
                                   repeats these values as float literals)
  analogy-vectors.txt              a structured vector set for the analogy check (gensim text format)
  analogy-questions.txt            questions in the Google analogy format
  analogy-expected.txt             what evaluate_word_analogies returned on them
  pairs.tsv                        word pairs with human scores
  pairs-expected.txt               what evaluate_word_pairs returned on them

Usage: /usr/bin/python3 make_gensim_fixtures.py
"""
import logging
import os

import gensim
import numpy as np
from gensim.models import KeyedVectors

OUT = os.path.dirname(os.path.abspath(__file__))
RESTRICT = 40  # analogy candidates: the first 40 words

FORMAT_WORDS = ["the", "café", "naïve", "日本", "x"]
FORMAT_VECTORS = np.array([
    [0.1, -0.0, 1e-07, 123456.789],
    [-1.5, 0.0078125, 3.4028235e38, -2.5e-39],
    [1e-45, -1e-07, 0.333333333, 7.0],
    [float("inf"), float("-inf"), 42.0, -0.5],
    [0.0, 0.0, 0.0, 0.0],
], dtype=np.float32)  # 5 x 4


def path(name):
    return os.path.join(OUT, name)


def save(words, vectors, name, binary):
    kv = KeyedVectors(vectors.shape[1], count=0, dtype=np.float32)
    kv.add_vectors(words, vectors)
    kv.save_word2vec_format(path(name), binary=binary)
    return kv


def analogy_vectors():
    """Words with a capital-of offset and a female-of offset, noise, and case variants."""
    rng = np.random.default_rng(20240601)
    dim = 8
    capital = rng.normal(size=dim)
    female = rng.normal(size=dim)
    words, rows = [], []

    def add(word, vec):
        words.append(word)
        rows.append(vec)

    countries = ["france", "italy", "spain", "germany", "japan", "china", "egypt", "peru"]
    capitals = ["paris", "rome", "madrid", "berlin", "tokyo", "beijing", "cairo", "lima"]
    for country, city in zip(countries, capitals):
        base = rng.normal(size=dim)
        add(country, base)
        add(city, base + capital + 0.9 * rng.normal(size=dim))
    males = ["king", "man", "boy", "father", "uncle", "prince"]
    females = ["queen", "woman", "girl", "mother", "aunt", "princess"]
    for m, f in zip(males, females):
        base = rng.normal(size=dim)
        add(m, base)
        add(f, base + female + 0.9 * rng.normal(size=dim))
    # Case variants, later (less frequent) than their first forms: the first form stands for both,
    # and a variant of a question word near the top must be passed over by name.
    add("Paris", rows[words.index("paris")] + 0.05 * rng.normal(size=dim))
    add("KING", rows[words.index("king")] + 0.05 * rng.normal(size=dim))
    add("Queen", rows[words.index("queen")] + 0.05 * rng.normal(size=dim))
    # A question whose five best candidates are all case variants of its own words: gensim's loop
    # then predicts the last of them (here a variant of "cd", the farthest from the query), which
    # makes "ab cd ef cd" count as correct.
    xa, xb, xc = rng.normal(size=dim), rng.normal(size=dim), rng.normal(size=dim)
    target = xb / np.linalg.norm(xb) - xa / np.linalg.norm(xa) + xc / np.linalg.norm(xc)
    add("ab", xa)
    add("cd", xb)
    add("ef", xc)
    for v, noise in [("Cd", 0.05), ("cD", 0.06), ("CD", 0.07), ("Ef", 0.001), ("eF", 0.002)]:
        add(v, target + noise * rng.normal(size=dim))
    while len(words) < RESTRICT:
        add("filler%d" % len(words), rng.normal(size=dim))
    add("lisbon", rng.normal(size=dim))  # beyond RESTRICT: questions with it are skipped
    add("portugal", rng.normal(size=dim))
    return words, np.array(rows, dtype=np.float32)


QUESTIONS = """: capital-common
france paris italy rome
italy rome spain madrid
spain madrid germany berlin
germany berlin japan tokyo
japan tokyo china beijing
china beijing egypt cairo
egypt cairo peru lima
peru lima france paris
France PARIS Japan Tokyo
portugal lisbon france paris
france paris atlantis atlantis
: family
king queen man woman
man woman boy girl
boy girl father mother
father mother uncle aunt
uncle aunt prince princess
prince princess king queen
KING Queen Man Woman
queen king woman man
: case-variants
ab cd ab cd
ab cd ef cd
ab cd ef gh
: empty-section
"""

PAIRS = """# word1\tword2\thuman score (comment lines are skipped)
france\titaly\t5.0
paris\trome\t5.0
king\tqueen\t8.5
man\twoman\t8.5
boy\tgirl\t7.25
Paris\tFRANCE\t9.0
king\tparis\t1.0
atlantis\tparis\t3.0
tokyo\tjapan\t9.0
queen\tking\t8.5
mother\tfather\t7.0
uncle\tlima\t0.5
"""


def main():
    logging.basicConfig(level=logging.WARNING)
    save(FORMAT_WORDS, FORMAT_VECTORS, "gensim-4.2.txt", binary=False)
    save(FORMAT_WORDS, FORMAT_VECTORS, "gensim-4.2.bin", binary=True)

    words, vectors = analogy_vectors()
    save(words, vectors, "analogy-vectors.txt", binary=False)
    kv = KeyedVectors.load_word2vec_format(path("analogy-vectors.txt"), binary=False)
    with open(path("analogy-questions.txt"), "w", encoding="utf-8") as f:
        f.write(QUESTIONS)
    score, sections = kv.evaluate_word_analogies(
        path("analogy-questions.txt"), restrict_vocab=RESTRICT, case_insensitive=True, dummy4unknown=False)
    questions = sum(1 for line in QUESTIONS.splitlines() if line and not line.startswith(":"))
    with open(path("analogy-expected.txt"), "w", encoding="utf-8") as f:
        f.write("# evaluate_word_analogies(restrict_vocab=%d, case_insensitive=True, dummy4unknown=False),"
                " gensim %s\n" % (RESTRICT, gensim.__version__))
        f.write("restrict %d\n" % RESTRICT)
        for s in sections:
            name = s["section"].replace(" ", "_")
            f.write("section %s correct %d incorrect %d\n" % (name, len(s["correct"]), len(s["incorrect"])))
            for q in s["correct"]:
                f.write("correct %s\n" % " ".join(q))
        total = sections[-1]
        f.write("skipped %d\n" % (questions - len(total["correct"]) - len(total["incorrect"])))
        f.write("accuracy %r\n" % score)

    with open(path("pairs.tsv"), "w", encoding="utf-8") as f:
        f.write(PAIRS)
    pearson, spearman, oov_ratio = kv.evaluate_word_pairs(path("pairs.tsv"), restrict_vocab=300000,
                                                          case_insensitive=True, dummy4unknown=False)
    with open(path("pairs-expected.txt"), "w", encoding="utf-8") as f:
        f.write("# evaluate_word_pairs(restrict_vocab=300000, case_insensitive=True, dummy4unknown=False),"
                " gensim %s\n" % gensim.__version__)
        f.write("pearson %r\n" % float(pearson[0]))
        f.write("spearman %r\n" % float(spearman[0]))
        f.write("oov_ratio %r\n" % float(oov_ratio))


if __name__ == "__main__":
    main()
