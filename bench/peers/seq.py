"""PyTorch peer of the sequence benchmark: the textgen and textclass examples' nets on the same token ids.

textgen: a character-level language model, nn.Embedding(V, 32), nn.LSTM(32, 128, batch_first=True) and
nn.Linear(128, V) per position, cross-entropy on the next character, Adam 3e-3, batches of 32 windows.
textclass: nn.Embedding(V, 64, padding_idx=0) plus the PyTorch tutorial's sinusoidal positions, one
nn.TransformerEncoderLayer(64, 4, dim_feedforward=256, dropout=0.1, batch_first=True) with the padding as
src_key_padding_mask, the mean over the non-padding positions and nn.Linear(64, 4); cross-entropy, Adam 1e-3,
batches of 32 quotes. Both read the ids NetDSL trains on (written by SeqBench.java), hold them as tensors in
memory and take each batch by indexing a fresh permutation (no DataLoader): the fastest ordinary PyTorch code.

With --bf16 the forward pass and the loss run under torch.autocast("cpu", dtype=torch.bfloat16) (see
mnist.autocast), and so does the forward throughput; backward and the optimizer step run outside it.

Usage: python3 seq.py textgen|textclass IDS_FILE EPOCHS [--threads N] [--bf16]
  IDS_FILE  line 1: "examples length vocabulary classes"; line 2: the ids, examples * length of them;
            line 3: the labels (textgen: examples * length next characters; textclass: examples classes)
Prints one JSON line (Peer.java reads it): {"torch": version, "threads": n, "seconds": [one per epoch],
  "predict_per_second": sequences per second, forward only, batches of 256}
"""
import argparse
import json
import math
import time

import torch
from torch import nn

from mnist import autocast

PREDICT_BATCH = 256


class TextGen(nn.Module):
    def __init__(self, vocabulary):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, 32)
        self.lstm = nn.LSTM(32, 128, batch_first=True)
        self.linear = nn.Linear(128, vocabulary)

    def forward(self, ids):
        return self.linear(self.lstm(self.embedding(ids))[0])


class TextClass(nn.Module):
    def __init__(self, vocabulary, length, classes, dim=64):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, dim, padding_idx=0)
        position = torch.arange(length).unsqueeze(1)
        div = torch.exp(torch.arange(0, dim, 2) * (-math.log(10000.0) / dim))
        pe = torch.zeros(length, dim)
        pe[:, 0::2] = torch.sin(position * div)
        pe[:, 1::2] = torch.cos(position * div)
        self.register_buffer("pe", pe)
        self.encoder = nn.TransformerEncoderLayer(dim, 4, dim_feedforward=4 * dim, dropout=0.1, batch_first=True)
        self.linear = nn.Linear(dim, classes)

    def forward(self, ids):
        padding = ids == 0
        h = self.encoder(self.embedding(ids) + self.pe, src_key_padding_mask=padding)
        keep = (~padding).unsqueeze(-1).float()
        return self.linear((h * keep).sum(1) / keep.sum(1).clamp(min=1))


def main():
    parser = argparse.ArgumentParser(description="Times the sequence examples' nets in PyTorch.")
    parser.add_argument("mode", choices=["textgen", "textclass"])
    parser.add_argument("ids")
    parser.add_argument("epochs", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--bf16", action="store_true", help="forward and loss under bfloat16 autocast")
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    with open(args.ids) as f:
        n, length, vocabulary, classes = (int(v) for v in f.readline().split())
        x = torch.tensor([int(v) for v in f.readline().split()], dtype=torch.long).reshape(n, length)
        y = torch.tensor([int(v) for v in f.readline().split()], dtype=torch.long)
    if args.mode == "textgen":
        net, lr, y = TextGen(vocabulary), 3e-3, y.reshape(n, length)
    else:
        net, lr = TextClass(vocabulary, length, classes), 1e-3
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    seconds = []
    for _ in range(args.epochs):
        net.train()
        start = time.perf_counter()
        order = torch.randperm(n)
        for first in range(0, n, 32):
            batch = order[first:first + 32]
            optimizer.zero_grad()
            with autocast(args.bf16):
                out = net(x[batch])
                loss = loss_fn(out.reshape(-1, out.shape[-1]), y[batch].reshape(-1))
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
    net.eval()
    with torch.no_grad(), autocast(args.bf16):
        for first in range(0, n, PREDICT_BATCH):  # warm-up
            net(x[first:first + PREDICT_BATCH])
        start = time.perf_counter()
        rounds = 0
        while rounds < 3 or time.perf_counter() - start < 1.0:
            for first in range(0, n, PREDICT_BATCH):
                net(x[first:first + PREDICT_BATCH])
            rounds += 1
        predict_per_second = rounds * n / (time.perf_counter() - start)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds,
                      "predict_per_second": predict_per_second}))


if __name__ == "__main__":
    main()
