"""PyTorch peers for bench/run, written from the tutorials. Each prints one JSON line with "torch",
"threads" and "seconds" (one entry per timed repeat, after a warm-up).

  python3 workloads.py sine CFG STEPS REPEATS      sine-fitting tutorial: make_layers(cfg), MSE, SGD 0.05, 1000 points;
                                                  seconds per STEPS full-batch steps
  python3 workloads.py planar STEPS REPEATS        Sequential-and-Module tutorial: two-layer tanh net on raw tensors, BCEWithLogits,
                                                  SGD lr 1 on the 400 planar points; seconds per STEPS steps
  python3 workloads.py predict BATCH CALLS REPEATS MNIST tutorial's MLP 784-200-200-10 (+ReLU): seconds per CALLS
                                                  forward passes of BATCH rows under torch.no_grad()
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn, optim


def report(seconds):
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds}))


def timed(fn, repeats):
    fn()  # warm-up
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def sine(cfg, steps, repeats):
    torch.manual_seed(1)
    layers = []
    for i in range(len(cfg) - 1):
        layers.append(nn.Linear(cfg[i], cfg[i + 1]))
        if i + 2 < len(cfg):
            layers.append(nn.ReLU())
    net = nn.Sequential(*layers)
    x = torch.unsqueeze(torch.linspace(-10, 10, 1000), dim=1)
    y = torch.sin(x)
    optimizer = optim.SGD(net.parameters(), lr=0.05)
    loss_func = nn.MSELoss()

    def run():
        for _ in range(steps):
            prediction = net(x)
            loss = loss_func(prediction, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    report(timed(run, repeats))


def planar_data():
    np.random.seed(1)
    m, n, d = 400, 200, 2
    X = np.zeros((m, d))
    Y = np.zeros((m, 1), dtype="uint8")
    a = 4
    for j in range(2):
        ix = range(n * j, n * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + np.random.randn(n) * 0.2
        r = a * np.sin(4 * t) + np.random.randn(n) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.float32)


def planar(steps, repeats):
    x, y = planar_data()
    torch.manual_seed(1)
    w1 = nn.Parameter(torch.randn(2, 4) * 0.01)
    b1 = nn.Parameter(torch.zeros(4))
    w2 = nn.Parameter(torch.randn(4, 1) * 0.01)
    b2 = nn.Parameter(torch.zeros(1))

    def two_network(x1):
        return torch.mm(torch.tanh(torch.mm(x1, w1) + b1), w2) + b2

    optimizer = torch.optim.SGD([w1, w2, b1, b2], 1.)
    criterion = nn.BCEWithLogitsLoss()

    def run():
        for _ in range(steps):
            out = two_network(x)
            loss = criterion(out, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    report(timed(run, repeats))


def predict(batch, calls, repeats):
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(784, 200), nn.ReLU(inplace=True), nn.Linear(200, 200), nn.ReLU(inplace=True),
                        nn.Linear(200, 10), nn.ReLU(inplace=True))
    data = torch.randn(batch, 784)

    def run():
        with torch.no_grad():
            for _ in range(calls):
                net(data)
    report(timed(run, repeats))


def main():
    kind = sys.argv[1]
    if kind == "sine":
        sine([int(v) for v in sys.argv[2].split(",")], int(sys.argv[3]), int(sys.argv[4]))
    elif kind == "planar":
        planar(int(sys.argv[2]), int(sys.argv[3]))
    elif kind == "predict":
        predict(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit("unknown workload " + kind)


if __name__ == "__main__":
    main()
