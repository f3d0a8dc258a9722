"""PyTorch peers of the small benchmarks: sine fitting, the planar two-layer net and MNIST-MLP inference.

Each sub-command builds one tutorial's network in PyTorch, runs the workload once untimed as a warm-up,
then times it REPEATS times.

  python3 workloads.py sine CFG STEPS REPEATS
      The sine-fitting tutorial: an MLP whose layer sizes are the comma-separated CFG (e.g. 1,20,50,20,1),
      with a ReLU after every Linear but the last, fitted to y = sin(x) at 1000 points evenly spaced on
      [-10, 10] with MSE and SGD (learning rate 0.05). One timing is STEPS full-batch steps.
  python3 workloads.py planar STEPS REPEATS
      The Sequential-and-Module (planar data) tutorial's two-layer tanh net written by hand from
      parameter tensors (2-4-1, weights randn x 0.01, zero biases), trained with BCEWithLogitsLoss and SGD
      (learning rate 1) on the tutorial's 400 "flower" points. One timing is STEPS full-batch steps.
  python3 workloads.py predict BATCH CALLS REPEATS
      The MNIST tutorial's MLP (784-200-200-10, ReLU after every layer including the logits). One timing
      is CALLS forward passes over the same BATCH random rows under torch.no_grad().

Each takes an optional --threads N (after the sub-command's arguments), PyTorch's intra-op thread count,
set before any work; without it PyTorch's default is used. The benchmark runs each at 1 thread and at
all cores and keeps the faster. All of them hold their data as tensors in memory, as the tutorials do.

Each prints one JSON line, which the Java benchmark (Peer.java) reads:
  {"torch": version, "threads": n, "seconds": [one per timed repeat]}
"threads" reports the count the run used.
"""
import argparse
import json
import time

import numpy as np
import torch
from torch import nn, optim


def report(seconds):
    """Prints the result line. json.dumps' default separators (", " and ": ") are part of the format Peer.java expects."""
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds}))


def timed(work, repeats):
    """Runs work() once untimed, then returns the times in seconds of repeats more calls.

    The untimed call absorbs the first call's allocations and lazy set-up. Each call continues from the
    state the previous one left, so training goes on from where it stopped. That does not affect the
    timings, because a step costs the same whatever the weights' values.
    """
    work()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return seconds


def full_batch_training(forward, loss_fn, optimizer, x, y, steps):
    """Returns a function that runs steps full-batch steps, in the tutorials' order: forward, loss,
    zero_grad, backward, step."""
    def run():
        for _ in range(steps):
            loss = loss_fn(forward(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return run


# --- the sine-fitting tutorial ---

def sine_mlp(cfg):
    """Returns the sine-fitting tutorial's make_layers(cfg): Linear(cfg[i], cfg[i + 1]) for each pair of
    neighbours in cfg, with a ReLU after every one except the last."""
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(cfg, cfg[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        if i < len(cfg) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def sine(cfg, steps, repeats):
    # A fixed seed, so that every run starts from the same initial weights.
    torch.manual_seed(1)
    net = sine_mlp(cfg)
    x = torch.linspace(-10, 10, 1000).unsqueeze(1)  # a [1000, 1] column, one point per row
    y = torch.sin(x)
    optimizer = optim.SGD(net.parameters(), lr=0.05)
    report(timed(full_batch_training(net, nn.MSELoss(), optimizer, x, y, steps), repeats))


# --- the Sequential-and-Module (planar data) tutorial ---

def planar_flower(points=400, seed=1):
    """Returns the tutorial's two-class "flower" as float32 tensors x [points, 2] and y [points, 1].

    Class j takes points/2 angles t evenly spaced on [3.12 j, 3.12 (j + 1)], jittered by N(0, 0.2). The
    radius is r = 4 sin(4t), also jittered by N(0, 0.2), and the point is (r sin t, r cos t). NumPy's
    legacy generator seeded with 1, drawn in this order, gives the tutorial's points. NetDSL's
    PlanarFlower.generate(400, 1) gives the same points.
    """
    rng = np.random.RandomState(seed)
    per_class = points // 2
    coordinates, labels = [], []
    for label in (0, 1):
        t = np.linspace(label * 3.12, (label + 1) * 3.12, per_class) + rng.randn(per_class) * 0.2
        r = 4 * np.sin(4 * t) + rng.randn(per_class) * 0.2
        coordinates.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        labels.append(np.full((per_class, 1), label))
    x, y = np.concatenate(coordinates), np.concatenate(labels)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def planar(steps, repeats):
    x, y = planar_flower()
    # The tutorial's first two-layer net, written by hand from raw parameter tensors rather than
    # nn.Linear layers. NetDSL's fused Minimizer row builds the net from raw weights in the same way.
    # The seed fixes the two randn draws.
    torch.manual_seed(1)
    w1 = nn.Parameter(torch.randn(2, 4) * 0.01)
    b1 = nn.Parameter(torch.zeros(4))
    w2 = nn.Parameter(torch.randn(4, 1) * 0.01)
    b2 = nn.Parameter(torch.zeros(1))

    def two_layer(points):
        return torch.mm(torch.tanh(torch.mm(points, w1) + b1), w2) + b2

    optimizer = optim.SGD([w1, b1, w2, b2], lr=1.)
    report(timed(full_batch_training(two_layer, nn.BCEWithLogitsLoss(), optimizer, x, y, steps), repeats))


# --- the MNIST tutorial, inference only ---

def predict(batch, calls, repeats):
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(784, 200), nn.ReLU(inplace=True),
                        nn.Linear(200, 200), nn.ReLU(inplace=True),
                        nn.Linear(200, 10), nn.ReLU(inplace=True))
    # Random inputs: inference time does not depend on the pixel values. They are made once, outside the
    # timing, so one timing is the forward passes alone.
    rows = torch.randn(batch, 784)

    def run():
        # no_grad, as a PyTorch user predicting would write it: no autograd graph is recorded.
        with torch.no_grad():
            for _ in range(calls):
                net(rows)
    report(timed(run, repeats))


def main():
    parser = argparse.ArgumentParser(description="PyTorch peers of bench/run's small workloads.")
    # Every sub-command accepts --threads, so it can follow the sub-command's own arguments.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--threads", type=int, help="intra-op threads (default: PyTorch's choice)")
    workloads = parser.add_subparsers(dest="workload", required=True)
    p = workloads.add_parser("sine", parents=[common], help="the sine-fitting tutorial's MLP, full-batch SGD steps")
    p.add_argument("cfg", help="layer sizes, comma-separated, e.g. 1,20,50,20,1")
    p.add_argument("steps", type=int)
    p.add_argument("repeats", type=int)
    p = workloads.add_parser("planar", parents=[common], help="the planar tutorial's hand-written two-layer tanh net, full-batch SGD steps")
    p.add_argument("steps", type=int)
    p.add_argument("repeats", type=int)
    p = workloads.add_parser("predict", parents=[common], help="the MNIST tutorial's MLP, forward passes under no_grad")
    p.add_argument("batch", type=int)
    p.add_argument("calls", type=int)
    p.add_argument("repeats", type=int)
    args = parser.parse_args()

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    if args.workload == "sine":
        sine([int(size) for size in args.cfg.split(",")], args.steps, args.repeats)
    elif args.workload == "planar":
        planar(args.steps, args.repeats)
    else:
        predict(args.batch, args.calls, args.repeats)


if __name__ == "__main__":
    main()
