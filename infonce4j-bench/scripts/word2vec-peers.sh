#!/usr/bin/env bash
# word2vec side by side, one run: fastText (Debian `fasttext`, skipgram -loss ns, no subwords),
# gensim (Debian `python3-gensim`, sg=1, corpus_file mode) and infonce4j (sgns, sgns with shared
# negatives, infonce) with the same settings on the same corpus, all evaluated by the same analogy
# code (infonce4j word2vec analogy, 3CosAdd, top 30000 words).
#
#   infonce4j-bench/scripts/word2vec-peers.sh [--json FILE] CORPUS [EPOCHS] [THREADS] [QUESTIONS]
#
# --json FILE also writes the table as one JSON object, with the command line and commit, for
# scripts/keep-result.sh.
#
# CORPUS: for example the file that ../shared/data/make-dev-corpus.sh builds.
# words/s = corpus tokens x epochs / wall time of the whole training command (each tool counts
# its vocabulary itself). Needs: apt-get install fasttext python3-gensim.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
command="infonce4j-bench/scripts/word2vec-peers.sh $*"
json=""
if [ "${1:-}" = "--json" ]; then json="$2"; shift 2; fi
corpus="$1"
epochs="${2:-5}"
threads="${3:-2}"
questions="${4:-$root/../shared/data/questions-words.txt}"
out="$(mktemp -d "${TMPDIR:-/tmp}/w2v-peers.XXXXXX")"
tokens=$(wc -w < "$corpus")
common="dim 100, window 5, negative 5, sample 1e-3, min-count 5, alpha 0.025, $threads threads, $epochs epochs"
echo "# word2vec peers on $corpus ($tokens tokens): $common; commit $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
echo "# outputs in $out"

"$root/infonce4j" --version >/dev/null 2>&1 || true # build the command line before timing anything

results=()
run() { # name, vectors file, command...
  local name="$1" vec="$2"
  shift 2
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$out/$name.rss" "$@" > "$out/$name.log" 2>&1
  t1=$(date +%s.%N)
  local secs rss acc
  secs=$(awk "BEGIN { print $t1 - $t0 }")
  rss=$(tail -1 "$out/$name.rss")
  acc=$("$root/infonce4j" word2vec analogy --vectors "$vec" --questions "$questions" 2>/dev/null \
    | grep -m1 '"accuracy"' | sed 's/[^0-9.]//g')
  printf '%s\t%s\t%s\t%s\n' "$name" "$secs" "$acc" "$rss" >> "$out/rows.tsv"
  results+=("$(awk -v n="$name" -v s="$secs" -v t="$tokens" -v e="$epochs" -v a="$acc" -v r="$rss" \
    'BEGIN { printf "%-38s %9.1f %12.0f %9.2f%% %8.0f", n, s, t * e / s, 100 * a, r / 1024 }')")
  echo "done: $name"
}

run fasttext "$out/fasttext.vec" fasttext skipgram -input "$corpus" -output "$out/fasttext" -dim 100 -ws 5 -neg 5 -t 1e-3 \
  -minCount 5 -thread "$threads" -epoch "$epochs" -loss ns -minn 0 -maxn 0 -lr 0.025 -verbose 1
run gensim "$out/gensim.txt" /usr/bin/python3 "$here/gensim_word2vec.py" "$corpus" "$out/gensim.txt" --epochs "$epochs" --threads "$threads"
for variant in "sgns" "sgns --shared-negatives" "infonce" "infonce --shared-negatives"; do
  name="infonce4j $variant"
  file="$out/infonce4j-${variant// /}.txt"
  # shellcheck disable=SC2086
  run "$name" "$file" "$root/infonce4j" word2vec train --corpus "$corpus" --output "$file" --epochs "$epochs" --threads "$threads" \
    --objective $variant
done

printf '\n%-38s %9s %12s %10s %8s\n' tool seconds words/s analogy "RSS MB"
printf '%s\n' "${results[@]}"
if [ -n "$json" ]; then
  /usr/bin/python3 - "$out/rows.tsv" "$json" "$command" "$(basename "$corpus")" "$tokens" "$epochs" "$threads" \
    "$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)" <<'PY'
import json, sys
rows_file, out, command, corpus, tokens, epochs, threads, commit = sys.argv[1:]
rows = []
for line in open(rows_file):
    name, secs, acc, rss = line.rstrip("\n").split("\t")
    rows.append({"tool": name, "seconds": float(secs), "words_per_second": int(tokens) * int(epochs) / float(secs),
                 "analogy": float(acc) if acc else None, "peak_rss_mb": int(rss) / 1024})
result = {"recipe": "word2vec-peers", "command": command, "corpus": corpus, "tokens": int(tokens), "epochs": int(epochs),
          "threads": int(threads), "settings": "dim 100, window 5, negative 5, sample 1e-3, min-count 5, alpha 0.025",
          "rows": rows, "provenance": {"commit": commit}}
with open(out, "w") as f:
    json.dump(result, f, indent=2)
PY
fi
