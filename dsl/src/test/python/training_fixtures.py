"""Writes dsl/src/test/resources/pytorch/training.json: what PyTorch's optimizers (with momentum, Nesterov,
weight decay, AdamW, gradient clipping) and learning-rate schedulers do, for FitOptionsTest and
LrScheduleTest to match. Tests never run Python; rerun this only to change the cases.

    /usr/bin/python3 dsl/src/test/python/training_fixtures.py   # PyTorch 1.13: apt-get install python3-torch libopenblas0-pthread
"""
import json
import math
import pathlib

import torch

torch.manual_seed(20261124)
torch.set_default_dtype(torch.float64)  # the reference in double: the Java side runs float32

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "pytorch" / "training.json"


def net():
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))


base = net()
x = torch.randn(8, 3)
y = 3 * torch.randn(8, 2)  # large targets: gradients big enough for the clipping cases to clip
start = {k: v.clone() for k, v in base.state_dict().items()}


def flat(model):
    return {k: v.flatten().tolist() for k, v in model.state_dict().items()}


def run(make_opt, clip_norm=None, clip_value=None, steps=8):
    model = net()
    model.load_state_dict(start)
    opt = make_opt(model.parameters())
    losses, norms = [], []
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        losses.append(loss.item())
        if clip_value is not None:
            torch.nn.utils.clip_grad_value_(model.parameters(), clip_value)
        if clip_norm is not None:
            norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)))
        opt.step()
    return {"losses": losses, "grad_norms": norms, "parameters": flat(model)}


O = torch.optim
optimizers = {
    "sgd": run(lambda p: O.SGD(p, lr=0.05)),
    "sgd_momentum": run(lambda p: O.SGD(p, lr=0.05, momentum=0.9)),
    "sgd_nesterov": run(lambda p: O.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    "sgd_momentum_weight_decay": run(lambda p: O.SGD(p, lr=0.05, momentum=0.9, weight_decay=0.1)),
    "adam": run(lambda p: O.Adam(p, lr=0.05)),
    "adam_weight_decay": run(lambda p: O.Adam(p, lr=0.05, weight_decay=0.5)),
    "adamw": run(lambda p: O.AdamW(p, lr=0.05, weight_decay=0.5)),
    "sgd_clip_norm": run(lambda p: O.SGD(p, lr=0.05), clip_norm=0.5),
    "sgd_clip_value": run(lambda p: O.SGD(p, lr=0.05), clip_value=0.1),
    "adam_clip_norm_weight_decay": run(lambda p: O.Adam(p, lr=0.05, weight_decay=0.5), clip_norm=0.5),
}


def epoch_rates(make_sched, epochs, base_lr=0.1, metrics=None):
    """The rate each epoch trains with, scheduler.step() called after each epoch (with metrics for plateau)."""
    p = torch.nn.Parameter(torch.zeros(1))
    opt = O.SGD([p], lr=base_lr)
    sched = make_sched(opt)
    rates = []
    for e in range(epochs):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[e])
    return rates


def warmup_rates(warm, then, epochs, batches, base_lr=0.1):
    """LinearLR(1/warm) stepped after every batch, chained with `then` stepped after every epoch: each step's rate."""
    p = torch.nn.Parameter(torch.zeros(1))
    opt = O.SGD([p], lr=base_lr)
    linear = O.lr_scheduler.LinearLR(opt, start_factor=1 / warm, end_factor=1.0, total_iters=warm)
    after = then(opt)
    rates = []
    for _ in range(epochs):
        for _ in range(batches):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            linear.step()
        after.step()
    return rates


S = O.lr_scheduler
plateau_min = [1.0, 0.9, 0.9, 0.95, 0.91, 0.899, 0.89995, 0.85, 0.86, 0.87, 0.88, 0.89, 0.7, 0.71]
plateau_max = [0.5, 0.6, 0.6, 0.59, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.71, 0.7]
schedules = {
    "step_3_0.5": {"rates": epoch_rates(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 10)},
    "cosine_10": {"rates": epoch_rates(lambda o: S.CosineAnnealingLR(o, T_max=10), 14)},
    "cosine_6_min_0.001": {"rates": epoch_rates(lambda o: S.CosineAnnealingLR(o, T_max=6, eta_min=0.001), 8)},
    "plateau_val_loss_0.5_1": {"metrics": plateau_min,
                               "rates": epoch_rates(lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1),
                                                    len(plateau_min), metrics=plateau_min)},
    "plateau_val_accuracy_0.1_2_min_0.002": {
        "metrics": plateau_max,
        "rates": epoch_rates(lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.1, patience=2, min_lr=0.002),
                             len(plateau_max), metrics=plateau_max)},
    "warmup_5_step_2_0.5": {"batches": 3,
                            "rates": warmup_rates(5, lambda o: S.StepLR(o, step_size=2, gamma=0.5), epochs=4, batches=3)},
}

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({
    "torch": torch.__version__,
    "x": x.tolist(), "y": y.tolist(),
    "start": {k: {"shape": list(v.shape), "values": v.flatten().tolist()} for k, v in start.items()},
    "optimizers": optimizers,
    "schedules": schedules,
}, indent=1) + "\n")
print("wrote", OUT)
