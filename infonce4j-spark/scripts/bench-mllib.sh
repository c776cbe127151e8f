#!/usr/bin/env bash
# Distributed word2vec side by side, one run, one Spark master: Spark MLlib's Word2Vec
# (skip-gram, hierarchical soft-max), infonce4j on Spark (skip-gram, negative sampling) and
# infonce4j's single-machine trainer (the same settings, as many threads as Spark has cores), all
# evaluated by the same analogy code (infonce4j word2vec analogy: 3CosAdd over the 30,000 most
# frequent words, Google questions-words).
#
#   infonce4j-spark/scripts/bench-mllib.sh CORPUS [MASTER] [PARTITIONS] [QUESTIONS]
#
# Settings shared by all: dim 100, window 5, one iteration (epoch), min-count 5, the same corpus
# and the same partitions. MLlib runs at its defaults otherwise (stepSize 0.025); infonce4j at
# INFONCE4J_ARGS (default below: learning rate, rounds per epoch, combine). words/s = corpus tokens
# in the vocabulary / seconds of the fit (from the input to the trained vectors, in the same JVM:
# vocabulary, encoding and training; Spark's start-up and writing the vectors excluded); "command"
# is the wall time of the whole command.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="$1"
master="${2:-local[2]}"
partitions="${3:-2}"
questions="${4:-$root/../shared/data/questions-words.txt}"
args="${INFONCE4J_ARGS:---alpha 0.05 --rounds-per-epoch 16 --combine touched-average}"
threads=$(echo "$master" | sed -n 's/^local\[\([0-9]*\)\]$/\1/p')
threads="${threads:-2}"
out="$(mktemp -d "${TMPDIR:-/tmp}/w2v-mllib.XXXXXX")"
commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
echo "# $corpus on $master, $partitions partitions: dim 100, window 5, 1 iteration, min-count 5; infonce4j: $args; commit $commit"
echo "# outputs in $out"

"$root/infonce4j" --version >/dev/null 2>&1 # build the command line before timing anything
(cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl infonce4j-spark -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >/dev/null)
cp="$root/infonce4j-spark/target/classes:$root/infonce4j-spark/target/test-classes:$(cat "$out/classpath.txt")"
opens=$(sed -n '/spark_opens=(/,/)/p' "$root/infonce4j" | tr -d '()' | sed 's/spark_opens=//')

results=()
run() { # name, vectors file, JSON file, command...
  local name="$1" vec="$2" json="$3"
  shift 3
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$out/$name.rss" "$@" > "$json" 2> "$out/$name.log"
  t1=$(date +%s.%N)
  local secs fit wps acc rss
  secs=$(awk "BEGIN { print $t1 - $t0 }")
  fit=$(python3 -c "import json,sys; d=json.load(open('$json')); print(d.get('fit_seconds') or d.get('total_seconds') or (d['vocab_seconds']+d['train_seconds']))")
  wps=$(python3 -c "import json,sys; d=json.load(open('$json')); print(d['corpus_tokens'] / $fit)")
  rss=$(tail -1 "$out/$name.rss")
  acc=$("$root/infonce4j" word2vec analogy --vectors "$vec" --questions "$questions" 2>/dev/null \
    | grep -m1 '"accuracy"' | sed 's/[^0-9.]//g')
  results+=("$(awk -v n="$name" -v s="$secs" -v f="$fit" -v w="$wps" -v a="$acc" -v r="$rss" \
    'BEGIN { printf "%-34s %8.1f %8.1f %10.0f %9.2f%% %8.0f", n, s, f, w, 100 * a, r / 1024 }')")
  echo "done: $name"
}

# shellcheck disable=SC2086
run "spark-mllib Word2Vec" "$out/mllib.txt" "$out/mllib.json" \
  java --add-modules jdk.incubator.vector $opens -cp "$cp" org.infonce4j.spark.bench.MllibWord2Vec \
  "$master" "$corpus" "$out/mllib.txt" "$partitions" 100 5 1 5
# shellcheck disable=SC2086
run "infonce4j on Spark" "$out/spark.txt" "$out/spark.json" \
  "$root/infonce4j" word2vec train --spark "$master" --partitions "$partitions" --corpus "$corpus" --output "$out/spark.txt" \
  --dim 100 --window 5 --epochs 1 --min-count 5 $args
local_args=$(echo "$args" | sed -E 's/--(rounds-per-epoch|combine|partitions) [^ ]+//g')
# shellcheck disable=SC2086
run "infonce4j single machine" "$out/local.txt" "$out/local.json" \
  "$root/infonce4j" word2vec train --threads "$threads" --corpus "$corpus" --output "$out/local.txt" \
  --dim 100 --window 5 --epochs 1 --min-count 5 $local_args

printf '\n%-34s %8s %8s %10s %10s %8s\n' tool command fit "words/s" analogy "RSS MB"
printf '%s\n' "${results[@]}"
