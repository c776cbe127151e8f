#!/usr/bin/env bash
# The memory claim: a vocabulary of 1M words at dim 300 trains under the launcher's default heap.
# Builds a synthetic corpus of 1,000,000 distinct words, each used 5 times (5M tokens, 100 per
# line, in shuffled order), trains one epoch of skip-gram at dim 300 with min-count 5, and reports
# the vocabulary, the time and the peak resident memory. The heap is capped at HEAP (default 4g;
# the launcher's default is a quarter of the machine's memory, 6 GB on a 24 GB machine): the two
# 1M x 304 float matrices take 2.4 GB, and G1 wants room to place arrays that large.
#
#   infonce4j-bench/scripts/word2vec-memory.sh [HEAP]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
heap="${1:-4g}"
work="$(mktemp -d "${TMPDIR:-/tmp}/w2v-memory.XXXXXX")"
trap 'rm -rf "$work"' EXIT
awk 'BEGIN { srand(7); n = 1000000; for (r = 0; r < 5; r++) for (i = 0; i < n; i++) print rand(), "w" i }' \
  | sort -k1,1 -S 512M | awk '{ printf "%s%s", $2, (NR % 100 ? " " : "\n") } END { print "" }' > "$work/corpus.txt"
echo "# corpus: $(wc -w < "$work/corpus.txt") tokens; heap -Xmx$heap; commit $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
INFONCE4J_JAVA_OPTS="-Xmx$heap" /usr/bin/time -f "peak RSS %M kB, %e s wall" "$root/infonce4j" word2vec train --corpus "$work/corpus.txt" \
  --output "$work/vectors.bin" --binary --dim 300 --epochs 1 --min-count 5 2>&1 \
  | grep -E '"vocabulary"|"train_seconds"|"words_per_second"|peak RSS|Exception|Error'
ls -l "$work/vectors.bin" | awk '{ print "# vectors file", $5, "bytes" }'
