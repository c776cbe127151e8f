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


def compare_pytorch(m):
    ours, theirs = m["infonce4j"], m["pytorch"]
    what = "loss engine against PyTorch %s CPU, forward+backward, N = M = %d, d = %d, %s, %d threads" % (
        theirs.get("torch_version", "?"), ours["n"], ours["d"], ours["similarity"], ours["threads"])
    if m.get("speedup") is None:
        return what, "PyTorch failed: %s" % theirs.get("error"), ""
    result = "infonce4j %.3f s (%.1f%% of the FMA peak), PyTorch %.3f s: **%.2fx**" % (
        ours["seconds_median"], 100 * ours["peak_fraction"], theirs["seconds_median"], m["speedup"])
    return what, result, ""


def memory(m):
    ours, theirs = m["infonce4j"], m["pytorch"]
    what = "loss engine memory, forward+backward, N = M = %d, d = %d, %d threads" % (ours["n"], ours["d"], ours["threads"])
    result = "completes under a %d MB heap cap in %.1f s, peak heap **%.0f MB**" % (m["heap_cap_mb"], ours["seconds_median"], ours["peak_heap_mb"])
    if "error" in theirs:
        result += "; PyTorch: %s" % ("cannot allocate its logit-sized tensor" if "allocate" in theirs["error"] else theirs["error"])
    else:
        result += "; PyTorch %.1f s, peak RSS %.0f MB" % (theirs["seconds_median"], theirs.get("peak_rss_mb", float("nan")))
    return what, result, ""


def word2vec_peers(m):
    rows = {r["tool"]: r for r in m["rows"]}
    ours, gensim = rows.get("infonce4j sgns"), rows.get("gensim")
    what = "word2vec skip-gram, negative sampling, %d epochs on %s (%.1fM tokens), %d threads" % (
        m["epochs"], m["corpus"], m["tokens"] / 1e6, m["threads"])
    parts = []
    for name in ("infonce4j sgns", "infonce4j sgns --shared-negatives", "gensim", "fasttext"):
        r = rows.get(name)
        if r:
            ratio = "" if gensim is None or name == "gensim" else " (**%.2fx** gensim)" % (r["words_per_second"] / gensim["words_per_second"])
            parts.append("%s %s words/s%s, analogy %s" % (name, format(int(r["words_per_second"]), ","), ratio, pct(r["analogy"])))
    return what, "; ".join(parts), ""


def text_eval(m):
    x, c = m["metrics"], m.get("config", {})
    what = "%s on %s (%s split), retrieval over the whole corpus" % (c.get("model", "?"), c.get("data", "?"), c.get("split", "?"))
    result = "nDCG@10 **%.4f**, MRR@10 %.4f, Recall@100 %.4f, MAP@100 %.4f" % (x["ndcg@10"], x["mrr@10"], x["recall@100"], x["map@100"])
    if "hnsw_ndcg@10" in x:
        result += "; through HNSW nDCG@10 %.4f (%.1f%% of the exact top 10)" % (x["hnsw_ndcg@10"], 100 * x["hnsw_vs_exact_recall@10"])
    return what, result, "%.1f documents/s" % x["documents_per_second"]


SUMMARIES = {"text-eval": text_eval, "simclr": image_recipe, "moco": image_recipe, "clip": clip, "dpo": dpo, "bench": bench, "mi-staircase": mi,
             "compare-pytorch": compare_pytorch, "memory-65536": memory, "word2vec-peers": word2vec_peers}

# Each recipe's documentation page (the row links to it) and its place in the table.
PAGES = {"bench": "loss.md", "compare-pytorch": "loss.md", "memory-65536": "loss.md", "simclr": "simclr-moco.md", "moco": "simclr-moco.md",
         "clip": "clip.md", "text-eval": "text.md", "word2vec-peers": "word2vec.md", "dpo": "dpo.md", "mi-staircase": "instruments.md"}
ORDER = list(PAGES)


def rows(page):
    """The table as written into page (links relative to its folder)."""
    here = os.path.dirname(page)
    kept = []
    for path in sorted(glob.glob(os.path.join(ROOT, "docs", "results", "*.json"))):
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
        if m.get("recipe") not in SUMMARIES:
            sys.exit("%s: no summary for recipe %r (add one to %s)" % (path, m.get("recipe"), __file__))
        kept.append((ORDER.index(m["recipe"]), os.path.basename(path), path, m))
    out = []
    for _, _, path, m in sorted(kept):
        what, result, time = SUMMARIES[m["recipe"]](m)
        commit = m.get("provenance", {}).get("commit", "unknown")
        doc = os.path.relpath(os.path.join(ROOT, "docs", PAGES[m["recipe"]]), here)
        rel = os.path.relpath(path, here)
        out.append("| [%s](%s) | %s | %s | `%s` | [%s](%s), commit %s |" % (what, doc, result, time, m["command"], os.path.basename(path), rel, commit))
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
    pages = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    ok = all([update(p, rows(p), check) for p in pages])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
