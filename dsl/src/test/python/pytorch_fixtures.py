"""PyTorch files for NetDSL's interchange tests, written by real PyTorch, and PyTorch's verdict on a file NetDSL wrote.

    /usr/bin/python3 dsl/src/test/python/pytorch_fixtures.py     # PyTorch 1.13: apt-get install python3-torch

writes into dsl/src/test/resources/pytorch/ (and the planar tutorial's save_seq_net_params.pth, with PyTorch's
loss and accuracy on the planar data, into apps/src/test/resources/pytorch/):

- state dicts saved with torch.save (zip format) for a Sequential (also as float64, float16 and bfloat16), a
  module with named layers, a ModuleList, the MNIST MLP, a small CNN with batch norm, tensors that are strided
  and offset views of one storage, and a checkpoint dict; the Sequential and the CNN also as safetensors;
- interchange.json: each net's inputs and PyTorch's outputs (eval mode), and the views' values;
- files NetDSL must refuse: a pickle that calls posix.system, a whole pickled model, the pre-1.6 format, a
  TorchScript archive.

If netdsl_cnn.safetensors and netdsl_cnn.json exist (NetDSL writes them: mvn -pl dsl test
-Dtest=PyTorchInteropTest -Dnetdsl.writeFixtures=true), it also loads NetDSL's file into the same PyTorch CNN
with load_state_dict(strict=True), runs NetDSL's inputs through it and writes netdsl_cnn.roundtrip.json with
the largest difference from NetDSL's outputs. Hugging Face's safetensors package is not in Debian, so the
safetensors files are read and written here by the format's specification (8-byte little-endian header
length, JSON header, little-endian data), with the checks its reference loader makes.

The tests never run Python; rerun this only to change the fixtures, and commit what it writes.
"""
import json
import os
import pathlib
import struct
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

ROOT = pathlib.Path(__file__).resolve().parents[4]
OUT = ROOT / "dsl" / "src" / "test" / "resources" / "pytorch"
APPS = ROOT / "apps" / "src" / "test" / "resources" / "pytorch"
OUT.mkdir(parents=True, exist_ok=True)
APPS.mkdir(parents=True, exist_ok=True)

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}


def save_safetensors(tensors, path):
    """The safetensors layout: tensors back to back in the header's order, header padded with spaces to 8 bytes."""
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name, t in tensors.items():
        t = t.detach().contiguous()
        data = t.view(torch.uint8).numpy().tobytes() if t.dim() else t.reshape(1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load_safetensors(path):
    """Reads a safetensors file, checking what the reference loader checks: header bounds, dtypes, contiguous offsets."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    assert 8 + n <= len(raw) and n < 100_000_000, "header length out of range"
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    types = {v: k for k, v in DTYPES.items()}
    out, spans = {}, []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = types[info["dtype"]]
        count = int(np.prod(info["shape"])) if info["shape"] else 1
        assert end - begin == count * torch.tensor([], dtype=dtype).element_size(), name + ": offsets do not match the shape"
        spans.append((begin, end))
        buf = bytearray(data[begin:end])
        out[name] = torch.frombuffer(buf, dtype=dtype).reshape(info["shape"]).clone()
    spans.sort()
    assert spans[0][0] == 0 and spans[-1][1] == len(data), "data not covered"
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:])), "gaps or overlaps between tensors"
    return out


def as_list(t):
    return t.detach().double().flatten().tolist()


torch.manual_seed(20261124)
fixtures = {"torch": torch.__version__}


# The planar tutorial's Sequential, trained as the tutorial trains it (SGD 1.0, 10,000 full-batch steps) on its
# flower data (np.random.seed(1)), saved under the tutorial's file name.
def planar_data(m=400):
    np.random.seed(1)
    n = m // 2
    x = np.zeros((m, 2))
    y = np.zeros((m, 1), dtype="uint8")
    for j in range(2):
        ix = range(n * j, n * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + np.random.randn(n) * 0.2
        r = 4 * np.sin(4 * t) + np.random.randn(n) * 0.2
        x[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return torch.from_numpy(x).float(), torch.from_numpy(y).float()


px, py = planar_data()
torch.manual_seed(2)
seq_net = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
optimizer = torch.optim.SGD(seq_net.parameters(), 1.0)
criterion = nn.BCEWithLogitsLoss()
for e in range(10000):
    loss = criterion(seq_net(px), py)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
torch.save(seq_net.state_dict(), APPS / "save_seq_net_params.pth")
with torch.no_grad():
    logits = seq_net(px)
    fixtures["planar"] = {"loss": criterion(logits, py).item(),
                          "accuracy": ((logits > 0).float() == py).float().mean().item()}
(APPS / "save_seq_net_params.json").write_text(json.dumps(fixtures["planar"], indent=1) + "\n")

# A Sequential (the planar net, fresh weights) in four element types.
seq = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1)).eval()
x = torch.randn(8, 2)
torch.save(seq.state_dict(), OUT / "sequential.pth")
save_safetensors(seq.state_dict(), OUT / "sequential.safetensors")
fixtures["sequential"] = {"x": as_list(x), "y": as_list(seq(x))}
for dtype, name in [(torch.float64, "float64"), (torch.float16, "float16"), (torch.bfloat16, "bfloat16")]:
    converted = {k: v.to(dtype) for k, v in seq.state_dict().items()}
    torch.save(converted, OUT / f"sequential-{name}.pth")
    # PyTorch's outputs for the converted weights, computed in float32 (what NetDSL computes with them).
    ref = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    ref.load_state_dict({k: v.float() for k, v in converted.items()})
    fixtures[f"sequential-{name}"] = {"x": as_list(x), "y": as_list(ref(x))}


class ModuleNet(nn.Module):
    """The planar tutorial's module_net: layer1, layer2 (Tanh), layer3."""

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(2, 4)
        self.layer2 = nn.Tanh()
        self.layer3 = nn.Linear(4, 1)

    def forward(self, x):
        return self.layer3(self.layer2(self.layer1(x)))


module = ModuleNet()
torch.save(module.state_dict(), OUT / "module.pth")
fixtures["module"] = {"x": as_list(x), "y": as_list(module(x))}


class ListNet(nn.Module):
    """Hidden layers in an nn.ModuleList (parameters hidden.0.weight, ...), then out."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.ModuleList([nn.Linear(3, 5), nn.Linear(5, 5)])
        self.out = nn.Linear(5, 2)

    def forward(self, x):
        for layer in self.hidden:
            x = torch.tanh(layer(x))
        return self.out(x)


listnet = ListNet()
x3 = torch.randn(6, 3)
torch.save(listnet.state_dict(), OUT / "modulelist.pth")
fixtures["modulelist"] = {"x": as_list(x3), "y": as_list(listnet(x3))}

# The MNIST tutorial's MLP (784-200-200-10, ReLU between, none on the logits).
mlp = nn.Sequential(nn.Linear(784, 200), nn.ReLU(), nn.Linear(200, 200), nn.ReLU(), nn.Linear(200, 10))
xm = torch.rand(4, 784)
torch.save(mlp.state_dict(), OUT / "mnist_mlp.pth")
fixtures["mnist_mlp"] = {"x": as_list(xm), "y": as_list(mlp(xm))}


def cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(6 * 3 * 3, 10))


# A small CNN with batch norm whose running statistics moved (five training-mode passes), then in eval mode.
conv = cnn()
with torch.no_grad():
    for _ in range(5):
        conv(torch.randn(16, 1, 14, 14) * 2 + 0.5)
conv.eval()
xc = torch.randn(3, 1, 14, 14)
torch.save(conv.state_dict(), OUT / "cnn.pth")
save_safetensors(conv.state_dict(), OUT / "cnn.safetensors")
fixtures["cnn"] = {"x": as_list(xc), "y": as_list(conv(xc))}

# Strided and offset views of one storage: torch.save writes the storage once, each tensor as a view of it.
base = torch.randn(5, 6)
weight = base[1:5, 0:6:2]   # shape (4, 3), stride (6, 2), offset 6
bias = base[0, 1:5]         # shape (4,), offset 1
assert not weight.is_contiguous()
torch.save(OrderedDict([("0.weight", weight), ("0.bias", bias)]), OUT / "views.pth")
fixtures["views"] = {"weight": as_list(weight), "bias": as_list(bias)}

# A training checkpoint dict, as the PyTorch docs recommend saving one.
opt = torch.optim.SGD(seq.parameters(), lr=0.1, momentum=0.9)
seq.train()
nn.functional.mse_loss(seq(x), torch.zeros(8, 1)).backward()
opt.step()
seq.eval()
torch.save({"epoch": 3, "model_state_dict": seq.state_dict(), "optimizer_state_dict": opt.state_dict()},
           OUT / "checkpoint.pth")
fixtures["checkpoint"] = {"x": as_list(x), "y": as_list(seq(x))}


# Files NetDSL must refuse.
class Evil:
    def __reduce__(self):
        return os.system, ("echo this pickle runs code",)


torch.save({"0.weight": Evil()}, OUT / "evil.pth")
torch.save(nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1)), OUT / "whole_model.pth")
torch.save(module.state_dict(), OUT / "legacy.pth", _use_new_zipfile_serialization=False)
torch.jit.script(nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))).save(str(OUT / "torchscript.pt"))

(OUT / "interchange.json").write_text(json.dumps(fixtures, indent=1) + "\n")
print("wrote fixtures to", OUT, "and", APPS / "save_seq_net_params.pth")

# PyTorch's verdict on a file NetDSL wrote.
written, expected = OUT / "netdsl_cnn.safetensors", OUT / "netdsl_cnn.json"
if written.exists() and expected.exists():
    reference = json.loads(expected.read_text())
    net = cnn()
    state = load_safetensors(written)
    # NetDSL stores num_batches_tracked as float32; load_state_dict copies it into the int64 buffer.
    net.load_state_dict(state, strict=True)
    net.eval()
    xs = torch.tensor(reference["x"], dtype=torch.float32).reshape(reference["x_shape"])
    with torch.no_grad():
        ys = net(xs).double().flatten()
    diff = (ys - torch.tensor(reference["y"], dtype=torch.float64)).abs().max().item()
    verdict = {"torch": torch.__version__, "file": written.name, "load_state_dict_strict": True,
               "tensors": len(state), "outputs": ys.numel(), "max_abs_diff": diff}
    (OUT / "netdsl_cnn.roundtrip.json").write_text(json.dumps(verdict, indent=1) + "\n")
    print("PyTorch on NetDSL's file:", verdict)
else:
    print("no netdsl_cnn.safetensors yet: run PyTorchInteropTest with -Dnetdsl.writeFixtures=true, then this again")
