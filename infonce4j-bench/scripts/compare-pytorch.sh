#!/usr/bin/env bash
# Side by side, in one script: forward+backward of the InfoNCE loss by infonce4j's fast engine and
# by PyTorch CPU (F.cross_entropy on the full logit matrix with autograd), same sizes, same threads.
#
#   infonce4j-bench/scripts/compare-pytorch.sh [--json FILE] [N] [D] [THREADS] [extra bench options...]
#
# --json FILE also writes both sides' measurements and the speed-up as one JSON object, with the
# command line and commit, for scripts/keep-result.sh.
#
# Needs Debian's python3-torch (apt-get install python3-torch). PyTorch's speed depends on the BLAS
# that libblas.so.3 points to: Debian's reference BLAS is single-threaded and slow; install
# libopenblas0-pthread for a fair peer (the JSON's "blas" field says which one ran).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
command="infonce4j-bench/scripts/compare-pytorch.sh $*"
json=""
if [ "${1:-}" = "--json" ]; then json="$2"; shift 2; fi
n="${1:-4096}"
d="${2:-256}"
threads="${3:-2}"
shift $(( $# < 3 ? $# : 3 ))
python=/usr/bin/python3

echo "# infonce4j vs PyTorch CPU: N=M=$n d=$d threads=$threads, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
ours=$("$root/infonce4j" bench --n "$n" --d "$d" --threads "$threads" --warmup 5 --repeats 7 --json "$@" 2>/dev/null)
theirs=$("$python" "$here/torch_infonce_bench.py" --n "$n" --d "$d" --threads "$threads" --warmup 2 --repeats 5)
echo "infonce4j: $ours"
echo "pytorch:   $theirs"
"$python" - "$ours" "$theirs" "$json" "$command" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
if sys.argv[3]:
    result = {"recipe": "compare-pytorch", "command": sys.argv[4], "infonce4j": ours, "pytorch": theirs,
              "speedup": None if "error" in theirs else theirs["seconds_median"] / ours["seconds_median"],
              "provenance": ours.get("provenance")}
    with open(sys.argv[3], "w") as f:
        json.dump(result, f, indent=2)
print(f"infonce4j {ours['seconds_median']:.4f} s ({ours['gflops']:.1f} GFLOP/s, {100 * ours['peak_fraction']:.1f}% of the "
      f"{ours['fma_peak_gflops']:.0f} GFLOP/s FMA peak), loss {ours['loss']:.6f}")
if "error" in theirs:
    print(f"pytorch   failed: {theirs['error']}")
else:
    print(f"pytorch   {theirs['seconds_median']:.4f} s ({theirs['gflops']:.1f} GFLOP/s, BLAS {theirs.get('blas', '?')}), loss {theirs['loss']:.6f}")
    print(f"speed-up  {theirs['seconds_median'] / ours['seconds_median']:.2f}x (PyTorch median time / infonce4j median time)")
PY
