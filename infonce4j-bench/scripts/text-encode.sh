#!/usr/bin/env bash
# Corpus encoding throughput: the DJL text encoder (infonce4j-text, all-MiniLM-L6-v2) beside ONNX Runtime on the same ONNX file,
# same threads, tokens, length-sorted batches and pooling, in one process.
#   infonce4j-bench/scripts/text-encode.sh CORPUS.jsonl [DOCS=1000] [THREADS=2] [BATCH=32] [ROUNDS=2]
# CORPUS.jsonl: BEIR documents, one JSON object per line with "title" and "text" (e.g. SciFact's corpus.jsonl).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
(cd "$root" && mvn -q -B -DskipTests -Dmaven.source.skip=true -Dmaven.javadoc.skip=true -pl infonce4j-bench -am package)
for lib in /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 /usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4; do
  if [ -e "$lib" ]; then
    case "${LD_PRELOAD:-}" in *tcmalloc*) ;; *) export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}" ;; esac
    break
  fi
done
echo "# commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(java -version 2>&1 | head -1), $(nproc) cores"
exec java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -cp "$root/infonce4j-bench/target/infonce4j-bench.jar:$root/infonce4j-bench/target/lib/*" \
  org.infonce4j.bench.TextEncodingBench "$@"
