#!/usr/bin/env bash
# Keeps a run's metrics.json as docs/results/NAME.json (the run's command line and commit are in it),
# then rewrites the results tables of README.md and docs/ from every kept run. RUNDIR may also be a
# JSON file a command printed (./infonce4j bench --json > bench.json).
#   scripts/keep-result.sh runs/simclr-20261204-120000 simclr-50-epochs
#   scripts/keep-result.sh bench.json loss-engine-4096
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -eq 2 ] || { echo "usage: $0 RUNDIR NAME" >&2; exit 2; }
if [ -f "$1" ]; then src="$1"; else src="$1/metrics.json"; fi
[ -f "$src" ] || { echo "$1: no metrics.json (has the run finished its evaluation?)" >&2; exit 1; }
mkdir -p "$here/docs/results"
cp "$src" "$here/docs/results/$2.json"
python3 "$here/scripts/results-table.py"
