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
#
# Every tool runs once per seed of SEEDS (default "1 2 3"): one run's analogy accuracy moves by about
# a point with the seed (or with where a corpus is cut into rounds), so the table gives the mean and
# the spread (population standard deviation) over the seeds, and every run on a line of its own.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="$1"
master="${2:-local[2]}"
partitions="${3:-2}"
questions="${4:-$root/../shared/data/questions-words.txt}"
args="${INFONCE4J_ARGS:---alpha 0.05 --rounds-per-epoch 32 --combine average}"
seeds="${SEEDS:-1 2 3}"
threads=$(echo "$master" | sed -n 's/^local\[\([0-9]*\)\]$/\1/p')
threads="${threads:-2}"
out="$(mktemp -d "${TMPDIR:-/tmp}/w2v-mllib.XXXXXX")"
commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
echo "# $corpus on $master, $partitions partitions: dim 100, window 5, 1 iteration, min-count 5; infonce4j: $args; seeds $seeds; commit $commit"
echo "# outputs in $out"

"$root/infonce4j" --version >/dev/null 2>&1 # build the command line before timing anything
(cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl infonce4j-spark -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >/dev/null)
cp="$root/infonce4j-spark/target/classes:$root/infonce4j-spark/target/test-classes:$(cat "$out/classpath.txt")"
opens=$(sed -n '/spark_opens=(/,/)/p' "$root/infonce4j" | tr -d '()' | sed 's/spark_opens=//')

runs=()
run() { # name, seed, vectors file, JSON file, command...
  local name="$1" seed="$2" vec="$3" json="$4"
  shift 4
  local t0 t1 tag="$name-$seed"
  tag="${tag// /-}"
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$out/$tag.rss" "$@" > "$json" 2> "$out/$tag.log"
  t1=$(date +%s.%N)
  local secs fit wps acc rss
  secs=$(awk "BEGIN { print $t1 - $t0 }")
  read -r fit wps < <(python3 -c "import json; d=json.load(open('$json'))
f = d.get('fit_seconds') or d.get('total_seconds') or (d['vocab_seconds'] + d['train_seconds'])
print(f, d['corpus_tokens'] / f)")
  rss=$(tail -n 1 "$out/$tag.rss")
  acc=$("$root/infonce4j" word2vec analogy --vectors "$vec" --questions "$questions" 2>/dev/null \
    | grep -m1 '"accuracy"' | sed 's/[^0-9.]//g')
  rm -f "$vec"
  runs+=("$name|$seed|$secs|$fit|$wps|$acc|$rss")
  printf '%-26s seed %-3s %8.1f s  fit %7.1f s  %10.0f words/s  analogy %6.2f%%  %6.0f MB\n' "$name" "$seed" "$secs" "$fit" "$wps" \
    "$(awk "BEGIN { print 100 * $acc }")" "$(awk "BEGIN { print $rss / 1024 }")"
}

local_args=$(echo "$args" | sed -E 's/--(rounds-per-epoch|combine|partitions) [^ ]+//g') # the single machine's
for seed in $seeds; do
  # shellcheck disable=SC2086
  run "spark-mllib Word2Vec" "$seed" "$out/mllib.txt" "$out/mllib-$seed.json" \
    java --add-modules jdk.incubator.vector $opens -cp "$cp" org.infonce4j.spark.bench.MllibWord2Vec \
    "$master" "$corpus" "$out/mllib.txt" "$partitions" 100 5 1 5 "$seed"
  # shellcheck disable=SC2086
  run "infonce4j on Spark" "$seed" "$out/spark.txt" "$out/spark-$seed.json" \
    "$root/infonce4j" word2vec train --spark "$master" --partitions "$partitions" --corpus "$corpus" --output "$out/spark.txt" \
    --dim 100 --window 5 --epochs 1 --min-count 5 --seed "$seed" $args
  # shellcheck disable=SC2086
  run "infonce4j single machine" "$seed" "$out/local.txt" "$out/local-$seed.json" \
    "$root/infonce4j" word2vec train --threads "$threads" --corpus "$corpus" --output "$out/local.txt" \
    --dim 100 --window 5 --epochs 1 --min-count 5 --seed "$seed" $local_args
done

# mean (and spread) over the seeds, and the ratios the targets name
printf '%s\n' "${runs[@]}" | python3 -c '
import sys, statistics as st
rows = [l.rstrip("\n").split("|") for l in sys.stdin if l.strip()]
tools = []
for r in rows:
    if r[0] not in tools:
        tools.append(r[0])
def col(t, i):
    return [float(r[i]) for r in rows if r[0] == t]
print()
print("%-26s %5s %9s %9s %11s %17s %8s" % ("tool", "runs", "command s", "fit s", "words/s", "analogy", "RSS MB"))
mean = {}
for t in tools:
    fit, wps, acc, rss = col(t, 3), col(t, 4), [100 * a for a in col(t, 5)], col(t, 6)
    mean[t] = (st.mean(wps), st.mean(acc))
    print("%-26s %5d %9.1f %9.1f %11.0f %8.2f%% +- %4.2f %8.0f" % (t, len(fit), st.mean(col(t, 2)), st.mean(fit), st.mean(wps),
          st.mean(acc), st.pstdev(acc), max(rss) / 1024))
m, s, l = mean.get("spark-mllib Word2Vec"), mean.get("infonce4j on Spark"), mean.get("infonce4j single machine")
if m and s and l:
    print()
    print("infonce4j on Spark vs MLlib: %.2fx the words/s, analogy %+.2f points; vs the single machine: analogy %+.2f points"
          % (s[0] / m[0], s[1] - m[1], s[1] - l[1]))
'
