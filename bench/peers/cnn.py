"""PyTorch peer of the CNN benchmark: the cnn example's network, trained and run the fastest ordinary way.

This peer follows the convolutional chapter after the tutorials (NetDSL's `./netdsl cnn`, built by
Cnn.mnist()). It mirrors none of the five tutorials. The net has two convolution blocks, each a
Conv2d 3x3, BatchNorm2d, ReLU and MaxPool2d(2), with 32 and then 64 channels. Then come Flatten,
Linear(1600, 128), ReLU, Dropout(0.25) and Linear(128, 10). It is trained with cross-entropy and Adam
(learning rate 1e-3) in batches of 128, reshuffled every epoch. Each training epoch over the 60,000
images is timed. Then the script measures test accuracy and inference throughput at batch 1000.

The batches are taken by indexing tensors already in memory, with no DataLoader, so PyTorch's time
includes no data-pipeline overhead. This is the fastest ordinary way to train in PyTorch.

With --bf16 the forward pass and the loss run under torch.autocast("cpu", dtype=torch.bfloat16) (see
mnist.autocast): convolutions and linear layers in bfloat16, weights and optimizer state in float32, backward and
the optimizer step outside it. The test accuracy and the inference timing then run under autocast too.

Usage: python3 cnn.py DATA_DIR|random [EPOCHS] [--threads N] [--limit N] [--bf16]
  DATA_DIR   a directory with the four IDX files of MNIST or Fashion-MNIST, or "random" (see mnist.py)
  EPOCHS     number of epochs to train and time (default 1); the benchmark discards the first as warm-up
  --threads  PyTorch's intra-op thread count (default: PyTorch's own choice)
  --limit    train on the first N training images only (default: all 60,000); for quick checks
  --bf16     forward and loss under bfloat16 autocast (see above)

Prints one JSON line, which the Java benchmark (Peer.java) reads:
  {"torch": version, "threads": n, "seconds": [one per epoch], "accuracy": test accuracy after the
   last epoch, "predict_per_second": test images per second at batch 1000}
"""
import argparse
import json
import time

import torch
from torch import nn, optim

from mnist import autocast, load_mnist

BATCH = 128
PREDICT_BATCH = 1000
LEARNING_RATE = 1e-3


def cnn():
    """Returns the cnn example's network for 1x28x28 images: 32x13x13, then 64x5x5 = 1600 features, then 10 logits."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))


def main():
    parser = argparse.ArgumentParser(description="Times the cnn example's network in PyTorch.")
    parser.add_argument("data", help='directory with the IDX files, or "random"')
    parser.add_argument("epochs", nargs="?", type=int, default=1, help="epochs to train and time (default 1)")
    parser.add_argument("--threads", type=int, help="intra-op threads (default: PyTorch's choice)")
    parser.add_argument("--limit", type=int, help="train on the first LIMIT images only (default: all)")
    parser.add_argument("--bf16", action="store_true", help="forward and loss under bfloat16 autocast")
    args = parser.parse_args()

    # The benchmark runs this peer once with 1 thread and once with all cores and reports the faster
    # run, so the count is set explicitly, before any work.
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    # One fixed seed for the initial weights, the epoch shuffles and the dropout masks.
    torch.manual_seed(1)
    # Decode all the data before timing (load_mnist reads it whole), and store the images as contiguous
    # [n, 1, 28, 28] tensors, so that an epoch measures training only.
    x, y, test_x, test_y = load_mnist(args.data)
    if args.limit is not None:
        x, y = x[:args.limit], y[:args.limit]
    x = x.reshape(-1, 1, 28, 28).contiguous()
    test_x = test_x.reshape(-1, 1, 28, 28).contiguous()

    net = cnn()
    optimizer = optim.Adam(net.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.CrossEntropyLoss()
    n, n_test = x.shape[0], test_x.shape[0]

    seconds = []
    for _ in range(args.epochs):
        net.train()
        start = time.perf_counter()
        # The shuffle is a random permutation of indices. Each batch gathers its rows from it, all of
        # which is part of the epoch's time.
        order = torch.randperm(n)
        for first in range(0, n, BATCH):
            batch = order[first:first + BATCH]
            optimizer.zero_grad()
            with autocast(args.bf16):
                loss = loss_fn(net(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)

    # Evaluation mode: batch norm uses its running statistics and dropout is off.
    net.eval()
    with torch.no_grad(), autocast(args.bf16):
        # The accuracy pass also warms up inference, so the timed pass after it sees steady-state speed.
        correct = sum(int((net(test_x[first:first + PREDICT_BATCH]).argmax(1) == test_y[first:first + PREDICT_BATCH]).sum())
                      for first in range(0, n_test, PREDICT_BATCH))
        start = time.perf_counter()
        for first in range(0, n_test, PREDICT_BATCH):
            net(test_x[first:first + PREDICT_BATCH])
        predict_per_second = n_test / (time.perf_counter() - start)

    # json.dumps' default separators (", " and ": ") are part of the format Peer.java's patterns expect.
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds,
                      "accuracy": correct / n_test, "predict_per_second": predict_per_second}))


if __name__ == "__main__":
    main()
