#!/usr/bin/env bash
# The memory target: forward+backward at N = M = 65536, d = 128 (the full logit matrix alone would
# be 16 GiB) with a heap capped at inputs + gradients + 1 GiB, and PyTorch at the same size under
# an address-space limit of the machine's memory, so that it fails cleanly instead of waking the
# kernel's out-of-memory killer.
#
#   infonce4j-bench/scripts/memory-65536.sh [--json FILE] [THREADS]
#
# --json FILE also writes both sides' results as one JSON object, with the command line and commit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
command="infonce4j-bench/scripts/memory-65536.sh $*"
json=""
if [ "${1:-}" = "--json" ]; then json="$2"; shift 2; fi
threads="${1:-2}"
n=65536
d=128
# inputs (A, C) and gradients (dA, dC): 4 matrices of n x d float32
io_mb=$(( 4 * n * d * 4 / 1000000 ))
heap_mb=$(( io_mb + 1024 ))
echo "# N=M=$n d=$d threads=$threads; inputs+gradients ${io_mb} MB; heap cap -Xmx${heap_mb}m; commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
ours=$(INFONCE4J_JAVA_OPTS="-Xmx${heap_mb}m" "$root/infonce4j" bench --n "$n" --d "$d" --threads "$threads" --warmup 0 --repeats 1 --peak-seconds 0 --json \
  2> >(grep -v '^WARNING: Using incubator' >&2))
echo "infonce4j: $ours"
mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)
echo "# PyTorch at the same size, address space limited to the machine's memory (${mem_kb} kB):"
theirs=$( (ulimit -v "$mem_kb"; /usr/bin/python3 "$here/torch_infonce_bench.py" --n "$n" --d "$d" --threads "$threads" --warmup 0 --repeats 1) || true)
[ -n "$theirs" ] || theirs='{"error": "no output"}'
echo "pytorch:   $theirs"
if [ -n "$json" ]; then
  /usr/bin/python3 - "$ours" "$theirs" "$json" "$command" "$heap_mb" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
result = {"recipe": "memory-65536", "command": sys.argv[4], "heap_cap_mb": int(sys.argv[5]), "infonce4j": ours, "pytorch": theirs,
          "provenance": ours.get("provenance")}
with open(sys.argv[3], "w") as f:
    json.dump(result, f, indent=2)
PY
fi
