"""The MNIST tutorial's nn.Sequential MLP in PyTorch, timed per training epoch.

Reads the IDX files directly (no torchvision), normalises like the tutorial, trains with SGD(lr 0.01)
on shuffled batches of 200. Prints one JSON line: {"torch", "threads", "seconds": [per epoch],
"accuracy": test accuracy after the last epoch}.
Usage: python3 mnist.py DATA_DIR|random [epochs] [final_relu 0|1]
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn, optim


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic == 0x803:
        n, r, c = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, r * c)
    n = int.from_bytes(data[4:8], "big")
    return np.frombuffer(data, np.uint8, offset=8)


def load(directory, part):
    def find(base):
        for name in (base + ".gz", base):
            if os.path.exists(os.path.join(directory, name)):
                return os.path.join(directory, name)
        raise FileNotFoundError(base)
    x = idx(find(f"{part}-images-idx3-ubyte")).astype(np.float32) / 255.0
    y = idx(find(f"{part}-labels-idx1-ubyte")).astype(np.int64)
    x = (x - 0.1307) / 0.3081
    return torch.from_numpy(x), torch.from_numpy(y)


def main():
    directory = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    final_relu = len(sys.argv) <= 3 or sys.argv[3] == "1"
    torch.manual_seed(1)
    if directory == "random":
        # No data set installed: random data of MNIST's shape (the timing does not depend on the values).
        g = torch.Generator().manual_seed(0)
        x, y = torch.randn(60000, 784, generator=g), torch.randint(0, 10, (60000,), generator=g)
        tx, ty = torch.randn(10000, 784, generator=g), torch.randint(0, 10, (10000,), generator=g)
    else:
        x, y = load(directory, "train")
        tx, ty = load(directory, "t10k")
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=200, shuffle=True)
    layers = [nn.Linear(784, 200), nn.ReLU(inplace=True), nn.Linear(200, 200), nn.ReLU(inplace=True), nn.Linear(200, 10)]
    if final_relu:
        layers.append(nn.ReLU(inplace=True))
    net = nn.Sequential(*layers)
    optimizer = optim.SGD(net.parameters(), lr=0.01)
    criteon = nn.CrossEntropyLoss()
    seconds = []
    for epoch in range(epochs):
        t0 = time.perf_counter()
        for data, target in loader:
            logits = net(data)
            loss = criteon(logits, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - t0)
    with torch.no_grad():
        correct = (net(tx).argmax(1) == ty).sum().item()
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds,
                      "accuracy": correct / len(ty)}))


if __name__ == "__main__":
    main()
