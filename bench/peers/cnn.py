"""The cnn example's net in PyTorch, on tensors already in memory: the fastest ordinary PyTorch.

Conv2d(1, 32, 3) BatchNorm2d ReLU MaxPool2d(2), Conv2d(32, 64, 3) BatchNorm2d ReLU MaxPool2d(2),
Flatten, Linear(1600, 128) ReLU Dropout(0.25), Linear(128, 10); Adam(1e-3), batch 128, shuffled each
epoch by index (no DataLoader). Prints one JSON line: {"torch", "threads", "seconds": [per epoch],
"accuracy": test accuracy after the last epoch, "predict_per_second": inference throughput at batch 1000}.
Usage: python3 cnn.py DATA_DIR|random [epochs] [threads]
"""
import json
import sys
import time

import torch
from torch import nn, optim

from mnist import load


def main():
    directory = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    if len(sys.argv) > 3:
        torch.set_num_threads(int(sys.argv[3]))
    torch.manual_seed(1)
    if directory == "random":
        g = torch.Generator().manual_seed(0)
        x, y = torch.randn(60000, 784, generator=g), torch.randint(0, 10, (60000,), generator=g)
        tx, ty = torch.randn(10000, 784, generator=g), torch.randint(0, 10, (10000,), generator=g)
    else:
        x, y = load(directory, "train")
        tx, ty = load(directory, "t10k")
    x, tx = x.reshape(-1, 1, 28, 28).contiguous(), tx.reshape(-1, 1, 28, 28).contiguous()
    net = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))
    opt = optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    seconds = []
    for _ in range(epochs):
        net.train()
        start = time.perf_counter()
        order = torch.randperm(x.shape[0])
        for b in range(0, x.shape[0], 128):
            idx = order[b:b + 128]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
    net.eval()
    with torch.no_grad():
        correct = sum(int((net(tx[b:b + 1000]).argmax(1) == ty[b:b + 1000]).sum()) for b in range(0, tx.shape[0], 1000))
        start = time.perf_counter()
        for b in range(0, tx.shape[0], 1000):
            net(tx[b:b + 1000])
        predict = tx.shape[0] / (time.perf_counter() - start)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds,
                      "accuracy": correct / tx.shape[0], "predict_per_second": predict}))


if __name__ == "__main__":
    main()
