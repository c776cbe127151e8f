#!/usr/bin/env python3
"""Writes the README's table of measured runs from the runs' own metrics.json files.

Each file in docs/results/ is a run's metrics.json, kept with scripts/keep-result.sh RUNDIR NAME.
It names the recipe, the command line as typed and the commit (provenance) of the run. This script
turns every kept run into one table row and replaces the lines between

    <!-- results:begin -->  and  <!-- results:end -->

in README.md (and in any docs page that has the markers). With --check it changes nothing and
exits 1 when a page is out of date.
"""
import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def pct(v):
    return "n/a" if v is None else "%.2f%%" % (100 * v)


def minutes(seconds):
    return "" if seconds is None else "%.1f min of training" % (seconds / 60)


def image_recipe(m):
    rows = m.get("evaluation", [])
    own = rows[0] if rows else {}
    result = "kNN **%s**, linear probe **%s**" % (pct(own.get("knn_accuracy")), pct(own.get("linear_probe_accuracy")))
    for r in rows[1:]:
        result += "; %s %s / %s" % (r["name"], pct(r.get("knn_accuracy")), pct(r.get("linear_probe_accuracy")))
    return "%s on Fashion-MNIST, %d epochs" % (m["recipe"], len(m.get("epochs", []))), result, minutes(m.get("training_seconds"))


def clip(m):
    t2i = m["final"]["text_to_image"]
    result = "text-to-image R@1 **%s** (ceiling %s)" % (pct(t2i.get("recall@1")), pct(t2i.get("ceiling@1")))
    zs = m["final"].get("zero_shot_ensemble")
    if zs:
        result += "; zero-shot on held-out combinations: colour %s, shape %s" % (pct(zs.get("colour_held_out")), pct(zs.get("shape_held_out")))
    return "CLIP, %d epochs" % len(m.get("epochs", [])), result, "%.1f min of training" % m.get("training_minutes", 0)


def dpo(m):
    parts = []
    for r in m.get("runs", []):
        last = r["points"][-1]
        parts.append("K = %d: win rate **%s**, KL %.2f" % (r["rejected"], pct(last.get("win_rate")), last.get("kl_to_reference", float("nan"))))
    steps = m.get("config", {}).get("dpo_steps")
    return "DPO on the sorting task%s" % ("" if steps is None else ", %d steps per K" % steps), "; ".join(parts), ""


def mi(m):
    runs = m["runs"] if "runs" in m else [m]
    parts = []
    for r in runs:
        top = []
        for e in r["estimators"]:
            stair = e["stairs"][-1]
            top.append("%s %.2f" % (e["estimator"], stair["mean"]))
        parts.append("batch %d (log batch %.2f): %s at true %.0f nats" % (r["config"]["batch"], r["log_batch"], ", ".join(top), r["estimators"][0]["stairs"][-1]["true_mi"]))
    return "MI staircase, top stair", "; ".join(parts), ""


def bench(m):
    what = "loss engine, forward+backward, N = %d, M = %d, K = %d, d = %d, %s%s, %d threads" % (
        m["n"], m["m"], m["queue"], m["d"], m["similarity"], " symmetric" if m.get("symmetric") else "", m["threads"])
    result = "%.3f s median, **%.1f GFLOP/s = %.1f%%** of the %.0f GFLOP/s FMA peak measured in the same run" % (
        m["seconds_median"], m["gflops"], 100 * m["peak_fraction"], m["fma_peak_gflops"])
    return what, result, ""


SUMMARIES = {"simclr": image_recipe, "moco": image_recipe, "clip": clip, "dpo": dpo, "bench": bench, "mi-staircase": mi}


def rows():
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "docs", "results", "*.json"))):
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
        summary = SUMMARIES.get(m.get("recipe"))
        if summary is None:
            sys.exit("%s: no summary for recipe %r (add one to %s)" % (path, m.get("recipe"), __file__))
        what, result, time = summary(m)
        commit = m.get("provenance", {}).get("commit", "unknown")
        rel = os.path.relpath(path, ROOT)
        out.append("| %s | %s | %s | `%s` | %s, commit %s |" % (what, result, time, m["command"], rel, commit))
    return ["| run | result | time | command | metrics, commit |", "|---|---|---|---|---|"] + out


def update(page, table, check):
    with open(page, encoding="utf-8") as f:
        text = f.read()
    if BEGIN not in text:
        return True
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + "\n" + "\n".join(table) + "\n" + END + tail
    if new == text:
        return True
    if check:
        print("%s: the results table is out of date; run scripts/results-table.py" % page)
        return False
    with open(page, "w", encoding="utf-8") as f:
        f.write(new)
    print("wrote", page)
    return True


def main():
    check = "--check" in sys.argv[1:]
    table = rows()
    pages = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    ok = all([update(p, table, check) for p in pages])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
