#!/usr/bin/env python3
"""The PyTorch peer of `infonce4j bench-step`: the same encoder (3x3 stem, three stages of basic
residual blocks at widths w, 2w, 4w, global average pooling), the same projection head, the same
losses and SGD, timed on fixed random 28x28 views. Prints one JSON object.

    python3 torch_simclr_step.py --recipe simclr --batch 256 --width 32 --stem-stride 2 --threads 2
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(cin, cout, k, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False), nn.BatchNorm2d(cout))


class Residual(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(conv_bn(cin, cout, 3, stride), nn.ReLU(), conv_bn(cout, cout, 3, 1))
        self.short = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return F.relu(self.body(x) + self.short(x))


def encoder(w, stem_stride):
    layers = [conv_bn(1, w, 3, stem_stride), nn.ReLU()]
    cin = w
    for stage, cout in enumerate([w, 2 * w, 4 * w]):
        layers.append(Residual(cin, cout, 2 if stage > 0 else 1))
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers)


def net(w, head_out, classes, stem_stride):
    head = nn.Linear(4 * w, classes) if classes else nn.Sequential(nn.Linear(4 * w, head_out), nn.ReLU(), nn.Linear(head_out, head_out))
    return nn.Sequential(encoder(w, stem_stride), head)


def nt_xent(z, t):
    z = F.normalize(z, dim=1)
    n2 = z.shape[0]
    n = n2 // 2
    logits = z @ z.t() / t
    logits = logits.masked_fill(torch.eye(n2, dtype=torch.bool), float("-inf"))
    target = torch.cat([torch.arange(n, n2), torch.arange(0, n)])
    return F.cross_entropy(logits, target)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--recipe", default="simclr", choices=["simclr", "moco", "supervised"])
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--stem-stride", type=int, default=2)
    p.add_argument("--queue", type=int, default=4096)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(42)
    b = a.batch
    model = net(a.width, 128, 10 if a.recipe == "supervised" else 0, a.stem_stride)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    views = torch.rand(2 * b, 1, 28, 28)
    views = (views - 0.2860) / 0.3530
    labels = torch.randint(0, 10, (b,))
    keys = queue = None
    if a.recipe == "moco":
        keys = net(a.width, 128, 0, a.stem_stride)
        keys.load_state_dict(model.state_dict())
        for q in keys.parameters():
            q.requires_grad_(False)
        queue = F.normalize(torch.randn(a.queue, 128), dim=1)
        ptr = [0]

    def step():
        opt.zero_grad(set_to_none=True)
        if a.recipe == "simclr":
            loss = nt_xent(model(views), 0.5)
        elif a.recipe == "supervised":
            loss = F.cross_entropy(model(views[:b]), labels)
        else:
            with torch.no_grad():
                # key BN over 4 groups, as infonce4j's single-device stand-in for shuffling BN
                k = F.normalize(torch.cat([keys(c) for c in views[b:].chunk(4)]), dim=1)
            q = F.normalize(model(views[:b]), dim=1)
            logits = torch.cat([(q * k).sum(1, keepdim=True), q @ queue.t()], dim=1) / 0.2
            loss = F.cross_entropy(logits, torch.zeros(b, dtype=torch.long))
        loss.backward()
        opt.step()
        if keys is not None:
            with torch.no_grad():
                for pk, pq in zip(keys.parameters(), model.parameters()):
                    pk.mul_(0.99).add_(pq, alpha=0.01)
                for i in range(b):
                    queue[(ptr[0] + i) % a.queue] = k[i]
                ptr[0] = (ptr[0] + b) % a.queue
        return loss.item()

    model.train()
    for _ in range(a.warmup):
        step()
    rates = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step()
        rates.append(a.steps * b / (time.perf_counter() - t0))
    s = sorted(rates)
    print(json.dumps({"recipe": a.recipe, "batch": b, "width": a.width, "stem_stride": a.stem_stride, "threads": a.threads, "torch": torch.__version__,
                      "images_per_second": s[len(s) // 2], "images_per_second_all": rates}))


if __name__ == "__main__":
    main()
