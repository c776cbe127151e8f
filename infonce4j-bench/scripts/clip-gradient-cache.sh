#!/usr/bin/env bash
# CLIP's gradient caching against the plain step, each in its own process (peak memory is per process):
# the same initialisation and batch, the gradients compared value by value.
#   infonce4j-bench/scripts/clip-gradient-cache.sh [BATCH] [CHUNK] [THREADS] [LOSS: full|core, for the cached step]
set -euo pipefail
BATCH=${1:-1024}
CHUNK=${2:-128}
THREADS=${3:-2}
LOSS=${4:-full}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "commit $(git -C "$ROOT" rev-parse --short HEAD), batch $BATCH, chunk $CHUNK, $THREADS threads, cached step's loss: $LOSS"
"$ROOT/infonce4j" bench-clip-cache --batch "$BATCH" --chunk 0 --threads "$THREADS" --grad-out "$OUT/plain.npy" | tee "$OUT/plain.json"
"$ROOT/infonce4j" bench-clip-cache --batch "$BATCH" --chunk "$CHUNK" --loss "$LOSS" --threads "$THREADS" --grad-out "$OUT/cached.npy" | tee "$OUT/cached.json"
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
import numpy as np
d = sys.argv[1]
p, c = np.load(d + "/plain.npy"), np.load(d + "/cached.npy")
jp, jc = json.load(open(d + "/plain.json")), json.load(open(d + "/cached.json"))
diff = np.abs(p - c).max()
print(f"max |plain - cached| gradient {diff:.3e} (largest |gradient| {np.abs(p).max():.3e}); loss {jp['loss']:.6f} vs {jc['loss']:.6f}")
print(f"peak RSS: plain {jp['peak_rss_mb']:.0f} MB, cached {jc['peak_rss_mb']:.0f} MB (before the step: {jp['peak_rss_mb_before_step']:.0f} / {jc['peak_rss_mb_before_step']:.0f} MB); "
      f"time {jp['seconds']:.2f} s vs {jc['seconds']:.2f} s")
PY
