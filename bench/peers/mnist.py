"""PyTorch peer of the MNIST benchmark: the MNIST tutorial's classifier, timed per training epoch.

The workload is the MNIST tutorial's nn.Sequential net, 784-200-200-10 with a ReLU after every Linear
(by default also one on the logits, as the tutorial has it). It is trained with cross-entropy and SGD
(learning rate 0.01) on shuffled batches of 200. Each epoch over the 60,000 training images is timed on
its own. After the last epoch the script measures accuracy on the 10,000 test images. That number only
checks that the net learned; it is not a timing.

Two ways of drawing the batches:
  default    the tutorial's code: a DataLoader over a TensorDataset draws shuffled batches, as in the
             tutorial (no worker processes, PyTorch's default thread count).
  --memory   the fastest ordinary PyTorch code: the training set is held as two tensors, and each epoch
             takes a torch.randperm of the indices and gathers each batch by indexing with a slice of
             it. No DataLoader, no per-sample Python work.

With --bf16 the forward pass and the loss run under torch.autocast("cpu", dtype=torch.bfloat16), PyTorch's
mixed-precision recipe: matrix products in bfloat16, weights, gradients and optimizer state in float32; backward
and the optimizer step run outside it, as usual. The test accuracy is then measured under autocast too.

Usage: python3 mnist.py DATA_DIR|random [EPOCHS] [FINAL_RELU] [--memory] [--threads N] [--batch B] [--width W] [--bf16]
  DATA_DIR    a directory with the four IDX files of MNIST or Fashion-MNIST (plain or .gz), or "random"
              for Gaussian noise of MNIST's shape (the timing does not depend on the pixel values)
  EPOCHS      number of epochs to train and time (default 3); bench/run discards the first as warm-up
  FINAL_RELU  1 (default) keeps the tutorial's ReLU on the logits, 0 drops it
  --memory    draw batches from tensors in memory (see above) instead of the tutorial's DataLoader
  --threads   PyTorch's intra-op thread count, set before any work (default: PyTorch's own choice)
  --batch     batch size (default 200, the tutorial's); the scaling table varies it
  --width     width of the two hidden layers (default 200, the tutorial's); the scaling table varies it
  --bf16      forward and loss under bfloat16 autocast (see above)

Prints one JSON line, which the Java benchmark (Peer.java) reads:
  {"torch": version, "threads": n, "seconds": [one per epoch], "accuracy": test accuracy}

cnn.py and seq.py import load_mnist() and autocast() from this file, so the peers read the same data and use
bfloat16 the same way.
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

# The tutorial's normalisation: the mean and standard deviation of MNIST's training pixels (on [0, 1]).
MEAN, STD = 0.1307, 0.3081
BATCH = 200
LEARNING_RATE = 0.01

IMAGES_MAGIC, LABELS_MAGIC = 0x803, 0x801


def read_idx(path):
    """Returns an IDX file's contents: images as a [n, rows * cols] uint8 array, labels as an [n] uint8 array."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    # Big-endian header: a magic number giving the element type and rank, then one count per dimension.
    magic, count = struct.unpack(">II", data[:8])
    if magic == IMAGES_MAGIC:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, rows * cols)
    if magic == LABELS_MAGIC:
        labels = np.frombuffer(data, np.uint8, offset=8)
        if labels.size != count:
            raise ValueError(f"{path}: header says {count} labels, file holds {labels.size}")
        return labels
    raise ValueError(f"{path}: not an IDX image or label file (magic {magic:#x})")


def read_part(directory, part):
    """Returns one split ("train" or "t10k") as normalised float32 rows of 784 pixels and int64 labels.

    The tutorial loads MNIST through torchvision, but bench/run installs only python3-torch. Reading
    the IDX files directly gives the same tensors as its ToTensor() and Normalize((0.1307,), (0.3081,)).
    """
    def find(base):
        for name in (base + ".gz", base):
            path = os.path.join(directory, name)
            if os.path.exists(path):
                return path
        raise FileNotFoundError(os.path.join(directory, base))

    pixels = read_idx(find(f"{part}-images-idx3-ubyte")).astype(np.float32) / 255.0
    labels = read_idx(find(f"{part}-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy((pixels - MEAN) / STD), torch.from_numpy(labels)


def random_mnist():
    """Returns Gaussian images and uniform labels of MNIST's sizes (60,000 train, 10,000 test).

    The benchmark uses these when Fashion-MNIST is not installed. The generator has a fixed seed of its
    own, so the data does not depend on the global seed and stays the same between runs.
    """
    g = torch.Generator().manual_seed(0)
    x = torch.randn(60000, 784, generator=g)
    y = torch.randint(0, 10, (60000,), generator=g)
    test_x = torch.randn(10000, 784, generator=g)
    test_y = torch.randint(0, 10, (10000,), generator=g)
    return x, y, test_x, test_y


def load_mnist(source):
    """Returns (train_x, train_y, test_x, test_y) from an IDX directory, or random data when source is "random".

    The whole data set is decoded into tensors once, before any timing starts. The epoch times then
    measure training and the DataLoader's batching, not reading and decompressing files.
    """
    if source == "random":
        return random_mnist()
    return (*read_part(source, "train"), *read_part(source, "t10k"))


def autocast(bf16):
    """The context forward and loss run in: bfloat16 autocast on the CPU when bf16 is true, else a no-op.

    Under torch.autocast("cpu", dtype=torch.bfloat16) PyTorch 1.13 computes linear layers, matrix products and
    convolutions in bfloat16 and keeps the rest (losses, batch norm, softmax) in float32; the weights stay float32.
    """
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16)


def tutorial_mlp(final_relu, width=200):
    """Returns the tutorial's 784-200-200-10 Sequential (784-width-width-10), with in-place ReLUs as the tutorial writes them."""
    layers = [nn.Linear(784, width), nn.ReLU(inplace=True),
              nn.Linear(width, width), nn.ReLU(inplace=True),
              nn.Linear(width, 10)]
    if final_relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


def dataloader_epoch(net, loss_fn, optimizer, x, y, batch, bf16=False):
    """Returns a function that trains one epoch the tutorial's way: a DataLoader draws shuffled batches
    (forward and loss under bfloat16 autocast when bf16 is true)."""
    # No worker processes (the default): the tensors are in memory already, so workers would only add
    # process start-up and copying between processes.
    loader = DataLoader(TensorDataset(x, y), batch_size=batch, shuffle=True)

    def epoch():
        for images, labels in loader:
            with autocast(bf16):
                loss = loss_fn(net(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return epoch


def memory_epoch(net, loss_fn, optimizer, x, y, batch, bf16=False):
    """Returns a function that trains one epoch from tensors in memory: a random permutation of the
    indices, each batch gathered with a slice of it. The shuffle and the gathers are part of the epoch.
    Forward and loss run under bfloat16 autocast when bf16 is true."""
    n = x.shape[0]

    def epoch():
        order = torch.randperm(n)
        for first in range(0, n, batch):
            rows = order[first:first + batch]
            with autocast(bf16):
                loss = loss_fn(net(x[rows]), y[rows])
            # set_to_none frees the gradients instead of zeroing them (PyTorch 2's default): the cheaper way.
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    return epoch


def main():
    parser = argparse.ArgumentParser(description="Times the MNIST tutorial's MLP in PyTorch, one epoch at a time.")
    parser.add_argument("data", help='directory with the IDX files, or "random"')
    parser.add_argument("epochs", nargs="?", type=int, default=3, help="epochs to train and time (default 3)")
    parser.add_argument("final_relu", nargs="?", default="1", choices=("0", "1"),
                        help="1 keeps the ReLU on the logits (default), 0 drops it")
    parser.add_argument("--memory", action="store_true",
                        help="batches by indexing tensors in memory instead of the tutorial's DataLoader")
    parser.add_argument("--threads", type=int, help="intra-op threads (default: PyTorch's choice)")
    parser.add_argument("--batch", type=int, default=BATCH, help=f"batch size (default {BATCH})")
    parser.add_argument("--width", type=int, default=200, help="hidden layers' width (default 200)")
    parser.add_argument("--bf16", action="store_true", help="forward and loss under bfloat16 autocast")
    args = parser.parse_args()

    # The benchmark runs the in-memory peer at 1 thread and at all cores and keeps the faster, so the
    # count is set explicitly, before any work.
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    # One fixed seed for the weights' initialisation and the shuffling, so every run trains the same way
    # and reports the same accuracy.
    torch.manual_seed(1)
    x, y, test_x, test_y = load_mnist(args.data)
    net = tutorial_mlp(args.final_relu == "1", args.width)
    optimizer = optim.SGD(net.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.CrossEntropyLoss()
    epoch = (memory_epoch if args.memory else dataloader_epoch)(net, loss_fn, optimizer, x, y, args.batch, args.bf16)

    seconds = []
    for _ in range(args.epochs):
        # The timer also covers starting the epoch's shuffle (the DataLoader's iterator, or randperm).
        start = time.perf_counter()
        epoch()
        seconds.append(time.perf_counter() - start)

    with torch.no_grad(), autocast(args.bf16):
        correct = (net(test_x).argmax(1) == test_y).sum().item()
    # json.dumps' default separators (", " and ": ") are part of the format Peer.java's patterns expect.
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds,
                      "accuracy": correct / len(test_y)}))


if __name__ == "__main__":
    main()
