#!/usr/bin/env bash
# Builds the benchmark module and runs its JMH benchmarks; extra arguments go to JMH, e.g.
#   infonce4j-bench/scripts/jmh.sh LossBenchmark.forwardBackward -p n=4096 -p d=256
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
(cd "$root" && mvn -q -B -DskipTests -Dmaven.source.skip=true -Dmaven.javadoc.skip=true -pl infonce4j-bench -am package)
echo "# commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(java -version 2>&1 | head -1)"
exec java -cp "$root/infonce4j-bench/target/infonce4j-bench.jar:$root/infonce4j-bench/target/lib/*" org.openjdk.jmh.Main "$@"
