"""Train gensim's word2vec (skip-gram, negative sampling) with the settings infonce4j's benchmark uses.

usage: gensim_word2vec.py CORPUS OUTPUT --epochs 5 --threads 2 [--dim 100 --window 5 --negative 5 --sample 1e-3 --min-count 5]
Writes OUTPUT in the word2vec text format and prints one JSON line with the wall time.
Needs Debian's python3-gensim; uses gensim's corpus_file mode (its fastest).
"""
import argparse
import json
import resource
import time

from gensim.models import Word2Vec


def main():
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    p.add_argument("output")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--min-count", type=int, default=5)
    a = p.parse_args()
    t0 = time.time()
    m = Word2Vec(corpus_file=a.corpus, vector_size=a.dim, window=a.window, negative=a.negative, sample=a.sample,
                 min_count=a.min_count, workers=a.threads, epochs=a.epochs, sg=1, hs=0, alpha=0.025)
    seconds = time.time() - t0
    m.wv.save_word2vec_format(a.output)
    print(json.dumps({"peer": "gensim", "seconds": seconds, "vocabulary": len(m.wv),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
