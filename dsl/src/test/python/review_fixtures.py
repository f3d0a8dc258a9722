"""Writes dsl/src/test/resources/pytorch/review.json: what PyTorch 1.13 and scikit-learn compute for the cases
of the second outside review (issue 24) that ReviewNumericsTest holds NetDSL to. Tests never run Python; rerun
this only to change the cases.

    /usr/bin/python3 dsl/src/test/python/review_fixtures.py   # apt-get install python3-torch python3-sklearn libopenblas0-pthread
"""
import json
import math
import pathlib

import numpy as np
import sklearn
import sklearn.metrics as skm
import torch

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "pytorch" / "review.json"
rng = np.random.default_rng(20261206)


def f32(a):
    return np.asarray(a, dtype=np.float32)


# 1. One BatchNorm1d applied to two tensors in one forward pass: out = bn(x) + bn(x * x); one SGD step on MSE.
torch.manual_seed(0)
x = torch.tensor(rng.normal(size=(6, 2)), dtype=torch.float32)
y = torch.tensor(rng.normal(size=(6, 2)), dtype=torch.float32)
bn = torch.nn.BatchNorm1d(2)
opt = torch.optim.SGD(bn.parameters(), lr=0.1)
bn.train()
out = bn(x) + bn(x * x)
loss = torch.nn.functional.mse_loss(out, y)
opt.zero_grad()
loss.backward()
opt.step()
bn.eval()
bn_twice = {
    "x": x.flatten().tolist(), "y": y.flatten().tolist(), "loss": loss.item(),
    "state": {k: v.flatten().tolist() for k, v in bn.state_dict().items()},
    "eval_output": (bn(x) + bn(x * x)).detach().flatten().tolist(),
}

# 2. BCE with logits per element: confident logits, soft targets, and the derivative (sigmoid(z) - y).
zs = [-30.0, -15.0, -10.0, -1.0, 0.0, 1.0, 10.0, 15.0, 30.0]
ys = [0.0, 1.0, 0.3]
z = torch.tensor([a for a in zs for _ in ys], dtype=torch.float64, requires_grad=True)
t = torch.tensor([b for _ in zs for b in ys], dtype=torch.float64)
bce = torch.nn.functional.binary_cross_entropy_with_logits(z, t, reduction="none")
bce.sum().backward()
z32 = torch.tensor([a for a in zs for _ in ys], dtype=torch.float32)
t32 = torch.tensor([b for _ in zs for b in ys], dtype=torch.float32)
bce_cases = {"z": z.detach().tolist(), "y": t.tolist(), "loss_float64": bce.detach().tolist(),
             "loss_float32": torch.nn.functional.binary_cross_entropy_with_logits(z32, t32, reduction="none").tolist(),
             "grad": z.grad.tolist()}

# 3. R² (sklearn's r2_score, uniform_average over outputs), from float32 values as NetDSL holds them.
r2 = {}
yt = f32(rng.normal(size=(40, 3)) * [1.0, 10.0, 0.1] + [0.0, 50.0, -3.0])
r2["column_means"] = {"y": yt, "pred": f32(np.tile(yt.mean(axis=0), (40, 1)))}
r2["noisy"] = {"y": yt, "pred": f32(yt + rng.normal(size=(40, 3)) * [0.7, 6.0, 0.08])}
r2["constant_exact"] = {"y": f32(np.full((30, 1), 0.11)), "pred": f32(np.full((30, 1), 0.11))}
r2["constant_off"] = {"y": f32(np.full((30, 1), 0.11)), "pred": f32(np.full((30, 1), 0.11) + rng.normal(size=(30, 1)) * 0.01)}
big = f32(3000 + rng.uniform(-0.001, 0.001, size=(64, 1)))
r2["large_mean_small_spread"] = {"y": big, "pred": f32(big + rng.normal(size=(64, 1)) * 0.0002)}
for case in r2.values():
    case["r2"] = skm.r2_score(case["y"].astype(np.float64), case["pred"].astype(np.float64))
    case["y"] = case["y"].flatten().tolist()
    case["pred"] = case["pred"].flatten().tolist()

# 4. Macro F1 over the classes that occur (sklearn and torchmetrics), 4 outputs, label/prediction pairs.
f1 = {}
f1["perfect_two_of_three"] = {"classes": 3, "labels": [0, 1, 1, 0, 1], "pred": [0, 1, 1, 0, 1]}
f1["mixed"] = {"classes": 5, "labels": [0, 0, 1, 1, 2, 2, 2, 0], "pred": [0, 1, 1, 3, 2, 0, 2, 0]}
for case in f1.values():
    case["macro_f1"] = skm.f1_score(case["labels"], case["pred"], average="macro", zero_division=0)


# 5. Learning rates of LinearLR(1/warm) stepped per batch chained with a scheduler stepped per epoch.
def warmup_rates(warm, then, epochs, batches, base_lr=0.1):
    p = torch.nn.Parameter(torch.zeros(1))
    o = torch.optim.SGD([p], lr=base_lr)
    linear = torch.optim.lr_scheduler.LinearLR(o, start_factor=1 / warm, end_factor=1.0, total_iters=warm)
    after = then(o)
    rates = []
    for _ in range(epochs):
        for _ in range(batches):
            rates.append(o.param_groups[0]["lr"])
            o.step()
            linear.step()
        after.step()
    return rates


S = torch.optim.lr_scheduler
schedules = {
    "warmup_8_cosine_6_min_0.02": {"batches": 3, "rates": warmup_rates(
        8, lambda o: S.CosineAnnealingLR(o, T_max=6, eta_min=0.02), epochs=9, batches=3)},
    "warmup_4_cosine_5": {"batches": 2, "rates": warmup_rates(4, lambda o: S.CosineAnnealingLR(o, T_max=5), epochs=7, batches=2)},
}

OUT.write_text(json.dumps({
    "torch": torch.__version__, "sklearn": sklearn.__version__,
    "bn_twice": bn_twice, "bce": bce_cases, "r2": r2, "macro_f1": f1, "schedules": schedules,
}, indent=1) + "\n")
print("wrote", OUT)
