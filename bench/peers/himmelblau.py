"""PyTorch peer of the Himmelblau benchmark: the gradient-descent (Himmelblau) tutorial's minimisation, timed.

The workload follows the gradient-descent tutorial. The point (x, y) is a single tensor with
requires_grad, starting at [0, 0]. Adam (learning rate 1e-3) moves it downhill on Himmelblau's
function f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2 for 20,000 steps, and each step is the usual
forward, zero_grad, backward, step. The tutorial also prints progress every 2000 steps. This peer
prints nothing inside the loop, so the time is the optimisation alone.

Usage: python3 himmelblau.py [REPEATS] [STEPS] [--threads N]
  REPEATS    number of timed runs (default 5), each from [0, 0] with a fresh optimizer, after one warm-up run
  STEPS      Adam steps per run (default 20000)
  --threads  PyTorch's intra-op thread count, set before any work (default: PyTorch's own choice). The
             benchmark runs this peer at 1 thread and at all cores and keeps the faster.

Prints one JSON line, which the Java benchmark (Peer.java) reads:
  {"torch": version, "threads": n, "seconds": [one per run], "end": [x, y] where the last run ended}
From [0, 0], 20,000 steps end at the minimum (3, 2).
"""
import argparse
import json
import time

import torch

LEARNING_RATE = 1e-3
WARM_UP_STEPS = 500


def himmelblau(point):
    """Returns Himmelblau's function at point = [x, y].

    x and y are indexed out of the tensor each time they appear, as in the tutorial, so each step runs
    the same operations as the tutorial's step does.
    """
    return (point[0] ** 2 + point[1] - 11) ** 2 + (point[0] + point[1] ** 2 - 7) ** 2


def minimise(steps):
    """Runs Adam for steps steps from [0, 0] and returns where it ends, as [x, y].

    The timed region contains everything this function does: creating the point and the optimizer,
    the steps themselves, and reading the result back.
    """
    point = torch.tensor([0., 0.], requires_grad=True)
    optimizer = torch.optim.Adam([point], lr=LEARNING_RATE)
    for _ in range(steps):
        value = himmelblau(point)
        optimizer.zero_grad()
        value.backward()
        optimizer.step()
    return point.tolist()


def main():
    parser = argparse.ArgumentParser(description="Times the gradient-descent tutorial's Himmelblau loop in PyTorch.")
    parser.add_argument("repeats", nargs="?", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("steps", nargs="?", type=int, default=20000, help="Adam steps per run (default 20000)")
    parser.add_argument("--threads", type=int, help="intra-op threads (default: PyTorch's choice)")
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)

    # A short untimed run first. It runs the autograd and Adam code paths once and makes their
    # allocations, so the first timed run is not slower than the rest.
    minimise(WARM_UP_STEPS)
    seconds = []
    end = None
    for _ in range(args.repeats):
        start = time.perf_counter()
        end = minimise(args.steps)
        seconds.append(time.perf_counter() - start)
    # json.dumps' default separators (", " and ": ") are part of the format Peer.java's patterns expect.
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds, "end": end}))


if __name__ == "__main__":
    main()
