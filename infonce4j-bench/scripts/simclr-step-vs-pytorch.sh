#!/usr/bin/env bash
# Training-step throughput of the image recipes, infonce4j (DJL, PyTorch engine) beside PyTorch's
# own Python API on the same model, batch, threads and machine, interleaved ROUNDS times so that
# both see the same load; fixed random views, augmentation excluded.
#
#   infonce4j-bench/scripts/simclr-step-vs-pytorch.sh [RECIPE] [BATCH] [WIDTH] [THREADS] [ROUNDS] [STEM_STRIDE]
#
# Needs Debian's python3-torch. Both sides preload tcmalloc when it is installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
recipe="${1:-simclr}"
batch="${2:-256}"
width="${3:-32}"
threads="${4:-2}"
rounds="${5:-3}"
stride="${6:-2}"
python=/usr/bin/python3
tc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
[ -e "$tc" ] && export LD_PRELOAD="$tc"

echo "# $recipe step, batch $batch, width $width, stem stride $stride, $threads threads; commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
ours=()
theirs=()
for r in $(seq "$rounds"); do
  o=$("$root/infonce4j" bench-step --recipe "$recipe" --batch "$batch" --width "$width" --stem-stride "$stride" --threads "$threads" --json 2>/dev/null)
  t=$("$python" "$here/torch_simclr_step.py" --recipe "$recipe" --batch "$batch" --width "$width" --stem-stride "$stride" --threads "$threads")
  echo "round $r infonce4j: $o"
  echo "round $r pytorch:   $t"
  ours+=("$o")
  theirs+=("$t")
done
"$python" - "${#ours[@]}" "${ours[@]}" "${theirs[@]}" <<'PY'
import json, statistics, sys
n = int(sys.argv[1])
ours = [json.loads(x)["images_per_second"] for x in sys.argv[2:2 + n]]
theirs = [json.loads(x)["images_per_second"] for x in sys.argv[2 + n:2 + 2 * n]]
ratios = [o / t for o, t in zip(ours, theirs)]
print(f"infonce4j (DJL) images/s per round: {', '.join(f'{v:.1f}' for v in ours)}")
print(f"pytorch         images/s per round: {', '.join(f'{v:.1f}' for v in theirs)}")
print(f"ratio infonce4j/pytorch per round:  {', '.join(f'{v:.2f}' for v in ratios)}; median {statistics.median(ratios):.2f}")
PY
