"""The gradient-descent tutorial's Himmelblau loop in PyTorch, timed: 20,000 Adam steps from [0, 0], lr 1e-3.

Prints one JSON line: {"torch": version, "threads": n, "seconds": [...], "end": [x, y]}.
Usage: python3 himmelblau.py [repeats] [steps]
"""
import json
import sys
import time

import torch


def himmelblau(x):
    return (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2


def run(steps):
    x_y = torch.tensor([0., 0.], requires_grad=True)
    optimizer = torch.optim.Adam([x_y], lr=1e-3)
    for step in range(steps):
        pred = himmelblau(x_y)
        optimizer.zero_grad()
        pred.backward()
        optimizer.step()
    return x_y.tolist()


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    run(500)  # warm-up
    seconds = []
    end = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        end = run(steps)
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds, "end": end}))


if __name__ == "__main__":
    main()
