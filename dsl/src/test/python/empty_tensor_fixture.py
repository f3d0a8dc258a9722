"""A state dict with empty tensors, written by real PyTorch, for HostileWeightFilesTest.

    /usr/bin/python3 dsl/src/test/python/empty_tensor_fixture.py     # PyTorch 1.13: apt-get install python3-torch

writes dsl/src/test/resources/pytorch/sequential-with-empty.pth: the planar tutorial's Sequential
(Linear(2, 4), Tanh, Linear(4, 1)) with weights 0.1 * (0, 1, 2, ...) per tensor, plus three empty tensors
PyTorch saves as any other: "empty" (torch.zeros(0)), "empty2d" (torch.zeros(2, 0)) and "tail" (a view of
zero elements at the end of a 3-element storage, offset 3). torch.save writes their storages as zero-byte
entries (the view's as the 3 elements it views none of).

The tests never run Python; rerun this only to change the fixture, and commit what it writes.
"""
import pathlib
from collections import OrderedDict

import torch
import torch.nn as nn

ROOT = pathlib.Path(__file__).resolve().parents[4]
OUT = ROOT / "dsl" / "src" / "test" / "resources" / "pytorch"
OUT.mkdir(parents=True, exist_ok=True)

seq = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
state = OrderedDict()
for name, t in seq.state_dict().items():
    state[name] = 0.1 * torch.arange(t.numel(), dtype=torch.float32).reshape(t.shape)
state["empty"] = torch.zeros(0)
state["empty2d"] = torch.zeros(2, 0)
state["tail"] = torch.ones(3)[3:]
assert state["tail"].storage_offset() == 3 and state["tail"].numel() == 0
torch.save(state, OUT / "sequential-with-empty.pth")
print("wrote", OUT / "sequential-with-empty.pth", {k: tuple(v.shape) for k, v in state.items()})
