"""PyTorch peer of the matrix-multiply peak: the machine's float32 matrix-multiply rate through PyTorch.

The Java benchmark measures the same through TensorFlow (MatmulPeak.java) and uses the higher of the
two as the limit its "% of peak" column refers to. One timing is one torch.mm of two N x N float32
matrices of Gaussian noise (2 N^3 floating-point operations); one untimed product comes first, so
the timings see warm caches and an allocated output. The product is written into the same
preallocated output each time (out=), so no timing includes an allocation.

Usage: python3 matmul.py [N] [RUNS] [--threads T]
  N          matrix size (default 2048)
  RUNS       timed products (default 10); the benchmark keeps the fastest
  --threads  PyTorch's intra-op thread count, set before any work (default: PyTorch's own choice).
             The benchmark runs this peer at 1 thread and at all cores and keeps the faster.

Prints one JSON line, which the Java benchmark (Peer.java) reads:
  {"torch": version, "threads": n, "seconds": [one per product], "gflops": best GFLOP/s}
"""
import argparse
import json
import time

import torch


def main():
    parser = argparse.ArgumentParser(description="Times torch.mm of two N x N float32 matrices.")
    parser.add_argument("n", nargs="?", type=int, default=2048, help="matrix size (default 2048)")
    parser.add_argument("runs", nargs="?", type=int, default=10, help="timed products (default 10)")
    parser.add_argument("--threads", type=int, help="intra-op threads (default: PyTorch's choice)")
    args = parser.parse_args()

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(2)
    a = torch.randn(args.n, args.n, generator=g)
    b = torch.randn(args.n, args.n, generator=g)
    out = torch.mm(a, b)  # the warm-up product
    seconds = []
    for _ in range(args.runs):
        start = time.perf_counter()
        torch.mm(a, b, out=out)
        seconds.append(time.perf_counter() - start)
    # json.dumps' default separators (", " and ": ") are part of the format Peer.java's patterns expect.
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds,
                      "gflops": 2.0 * args.n ** 3 / min(seconds) / 1e9}))


if __name__ == "__main__":
    main()
