"""PyTorch's numbers for `./netdsl all --quick`: the report's like-for-like references.

`./netdsl all --quick` trains mnist, mnist-raw and cnn for 2 epochs on the 10,000 digits shipped in the jar
(8,000 train / 2,000 test). The published numbers (Fashion-MNIST, 10 epochs) are not comparable with that,
so this script runs the same code in PyTorch on the same digits for the same 2 epochs, over seeds 1 to 5
(with the tutorial's ReLU on the logits, which classes die depends on the initial weights, so one seed says
little), and prints each model's test accuracies, lowest and highest. AllExamples.java quotes them.

  mnist      the MNIST tutorial's nn.Sequential 784-200-200-10 with its final ReLU, SGD 0.01, batches of 200
  mnist-raw  the tutorial's hand-written w1,b1..w3,b3 (torch.randn, then kaiming_normal_), the same training
  cnn        the cnn example's net (bench/peers/cnn.py), Adam 1e-3, batches of 128, cosine over 2 epochs

Usage (from the repository root, with Debian's python3-torch):
  python3 apps/pytorch/quick_reference.py datasets/src/main/resources/dev/netdsl/datasets/mnist-sample
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "peers"))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn, optim  # noqa: E402

from cnn import cnn  # noqa: E402
from mnist import dataloader_epoch, load_mnist, tutorial_mlp  # noqa: E402

EPOCHS = 2
SEEDS = range(1, 6)


def accuracy(forward, test_x, test_y):
    with torch.no_grad():
        return (forward(test_x).argmax(1) == test_y).float().mean().item()


def mnist(data, seed):
    torch.manual_seed(seed)
    x, y, test_x, test_y = data
    net = tutorial_mlp(True)
    optimizer = optim.SGD(net.parameters(), lr=0.01)
    epoch = dataloader_epoch(net, nn.CrossEntropyLoss(), optimizer, x, y, 200)
    for _ in range(EPOCHS):
        epoch()
    return accuracy(net, test_x, test_y)


def mnist_raw(data, seed):
    torch.manual_seed(seed)
    x, y, test_x, test_y = data
    w1, b1 = torch.randn(200, 784, requires_grad=True), torch.zeros(200, requires_grad=True)
    w2, b2 = torch.randn(200, 200, requires_grad=True), torch.zeros(200, requires_grad=True)
    w3, b3 = torch.randn(10, 200, requires_grad=True), torch.zeros(10, requires_grad=True)
    for w in (w1, w2, w3):
        torch.nn.init.kaiming_normal_(w)

    def forward(v):
        v = F.relu(v @ w1.t() + b1)
        v = F.relu(v @ w2.t() + b2)
        return F.relu(v @ w3.t() + b3)

    optimizer = optim.SGD([w1, b1, w2, b2, w3, b3], lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=200, shuffle=True)
    for _ in range(EPOCHS):
        for images, labels in loader:
            loss = loss_fn(forward(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return accuracy(forward, test_x, test_y)


def cnn_example(data, seed):
    torch.manual_seed(seed)
    x, y, test_x, test_y = data
    x, test_x = x.reshape(-1, 1, 28, 28), test_x.reshape(-1, 1, 28, 28)
    net = cnn()
    optimizer = optim.Adam(net.parameters(), lr=1e-3)
    schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(EPOCHS):
        net.train()
        order = torch.randperm(x.shape[0])
        for first in range(0, x.shape[0], 128):
            rows = order[first:first + 128]
            loss = loss_fn(net(x[rows]), y[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        schedule.step()
    net.eval()
    return accuracy(net, test_x, test_y)


def main():
    data = load_mnist(sys.argv[1])
    out = {"torch": torch.__version__, "data": sys.argv[1], "epochs": EPOCHS, "seeds": list(SEEDS)}
    for name, run in (("mnist", mnist), ("mnist-raw", mnist_raw), ("cnn", cnn_example)):
        accuracies = [run(data, seed) for seed in SEEDS]
        out[name] = {"accuracies": accuracies, "min": min(accuracies), "max": max(accuracies)}
        print(json.dumps({name: out[name]}), file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
