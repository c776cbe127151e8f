#!/usr/bin/python3
"""PyTorch CPU peer benchmark for infonce4j.

Times forward + backward of the standard PyTorch InfoNCE formulation, which
materialises the full n x m logit matrix:

    logits = normalize(A) @ normalize(C).T / tau        (cosine; dot: A @ C.T / tau)
    loss   = cross_entropy(logits, arange(n))           (symmetric: averaged with
                                                          cross_entropy(logits.T, arange(n)))

Prints one JSON object on stdout. If the tensors cannot be allocated (e.g.
n = 65536 needs a 16 GiB float32 logit matrix plus its gradient) the same
JSON is printed with an "error" field and the exit status is still 0.

    /usr/bin/python3 torch_infonce_bench.py --n 4096 --d 256 --threads 2
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=4096, help="number of anchors")
    p.add_argument("--m", type=int, default=None, help="number of candidates (default: n)")
    p.add_argument("--d", type=int, default=256, help="embedding dimension")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--repeats", type=int, default=5, help="timed iterations")
    p.add_argument("--warmup", type=int, default=2, help="untimed iterations first")
    p.add_argument("--tau", type=float, default=0.07, help="temperature")
    p.add_argument("--similarity", choices=["cosine", "dot"], default="cosine")
    p.add_argument("--symmetric", action="store_true", help="CLIP-style symmetric loss")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    if args.m is None:
        args.m = args.n
    if args.m < args.n:
        p.error("--m must be >= --n (anchor i's positive is candidate i)")
    if args.symmetric and args.m != args.n:
        p.error("--symmetric needs --m == --n")
    if args.repeats < 1:
        p.error("--repeats must be >= 1")
    return args


def loss_fn(a, c, targets, args):
    if args.similarity == "cosine":
        a = F.normalize(a, dim=1)
        c = F.normalize(c, dim=1)
    logits = a @ c.T / args.tau
    loss = F.cross_entropy(logits, targets)
    if args.symmetric:
        loss = (loss + F.cross_entropy(logits.T, targets)) / 2
    return loss


def step(a, c, targets, args):
    """One timed forward + backward; returns (seconds, loss value)."""
    a.grad = None
    c.grad = None
    t0 = time.perf_counter()
    loss = loss_fn(a, c, targets, args)
    loss.backward()
    return time.perf_counter() - t0, loss.item()


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    result = {
        "peer": "pytorch",
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "n": args.n,
        "m": args.m,
        "d": args.d,
        "similarity": args.similarity,
        "symmetric": args.symmetric,
        "blas": blas_library(),
    }

    try:
        a = torch.randn(args.n, args.d, dtype=torch.float32, requires_grad=True)
        c = torch.randn(args.m, args.d, dtype=torch.float32, requires_grad=True)
        targets = torch.arange(args.n)
        for _ in range(args.warmup):
            step(a, c, targets, args)
        times, loss = [], None
        for _ in range(args.repeats):
            seconds, loss = step(a, c, targets, args)
            times.append(seconds)
    except (RuntimeError, MemoryError) as e:
        result["error"] = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        result["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(result))
        return 0

    median = statistics.median(times)
    result.update({
        "seconds_median": median,
        "seconds_min": min(times),
        "seconds_all": times,
        "gflops": 6.0 * args.n * args.m * args.d / median / 1e9,
        "peak_rss_mb": peak_rss_mb(),
        "loss": loss,
    })
    print(json.dumps(result))
    return 0


def blas_library():
    """The BLAS shared library torch is using (Debian's torch links the system
    libblas.so.3, which may be the slow netlib reference BLAS)."""
    try:
        with open("/proc/self/maps") as fh:
            paths = {line.split()[-1] for line in fh if "/" in line}
    except OSError:
        paths = set()
    for path in sorted(paths):
        name = os.path.basename(path).lower()
        if "blas" in name or "mkl" in name:
            return os.path.realpath(path)
    return None


def peak_rss_mb():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


if __name__ == "__main__":
    sys.exit(main())
