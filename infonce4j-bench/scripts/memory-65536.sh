#!/usr/bin/env bash
# The memory target: forward+backward at N = M = 65536, d = 128 (the full logit matrix alone would
# be 16 GiB) with a heap capped at inputs + gradients + 1 GiB, and PyTorch at the same size under
# an address-space limit of the machine's memory, so that it fails cleanly instead of waking the
# kernel's out-of-memory killer.
#
#   infonce4j-bench/scripts/memory-65536.sh [THREADS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads="${1:-2}"
n=65536
d=128
# inputs (A, C) and gradients (dA, dC): 4 matrices of n x d float32
io_mb=$(( 4 * n * d * 4 / 1000000 ))
heap_mb=$(( io_mb + 1024 ))
echo "# N=M=$n d=$d threads=$threads; inputs+gradients ${io_mb} MB; heap cap -Xmx${heap_mb}m; commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
INFONCE4J_JAVA_OPTS="-Xmx${heap_mb}m" "$root/infonce4j" bench --n "$n" --d "$d" --threads "$threads" --warmup 0 --repeats 1 --peak-seconds 0.5 2>&1 \
  | grep -v '^WARNING: Using incubator'
mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)
echo "# PyTorch at the same size, address space limited to the machine's memory (${mem_kb} kB):"
( ulimit -v "$mem_kb"; /usr/bin/python3 "$here/torch_infonce_bench.py" --n "$n" --d "$d" --threads "$threads" --warmup 0 --repeats 1 ) || true
