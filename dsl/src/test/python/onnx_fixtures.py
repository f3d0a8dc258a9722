"""Writes dsl/src/test/resources/onnx/: ONNX files as PyTorch 1.13's torch.onnx.export writes them (eval mode, default
opset 14, a dynamic batch axis), and for each <case>.json with a probe input and PyTorch's output for it, and one SGD
step (lr 0.1, MSE against a target) in train mode: the loss and every parameter after the step. OnnxImportTest opens
the files with Net.fromOnnx and checks the outputs (1e-5), the step (where the exported graph is the net PyTorch
trains: no batch norm or dropout, which eval-mode export folds or drops) and that 20 steps lower the loss.
Tests never run Python; rerun this only to change the cases.

    /usr/bin/python3 dsl/src/test/python/onnx_fixtures.py   # apt-get install python3-torch python3-onnx libopenblas0-pthread
"""
import json
import pathlib
import warnings

import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "onnx"
OUT.mkdir(parents=True, exist_ok=True)


class Seq(nn.Module):
    """Embedding, one recurrent layer over the sequence, a Linear per position: the text-generation net's shape."""

    def __init__(self, kind):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.rnn = (nn.LSTM if kind == "lstm" else nn.GRU)(4, 5, batch_first=True)
        self.fc = nn.Linear(5, 3)

    def forward(self, x):
        h, _ = self.rnn(self.emb(x))
        return self.fc(h)


class Final(nn.Module):
    """An LSTM read by its final hidden state (h[-1]), as a sequence classifier uses it."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 6, batch_first=True)
        self.head = nn.Linear(6, 2)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


class Two(nn.Module):
    """A two-layer LSTM (PyTorch writes two LSTM nodes and slices their stacked zero states), read at the last step."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(3, 4, num_layers=2, batch_first=True)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        h, _ = self.rnn(x)
        return self.fc(h[:, -1])


class Encoder(nn.Module):
    """Token ids, a Transformer encoder layer (PyTorch 1.13 writes its attention and layer norms out op by op), the mean."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 8)
        self.enc = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc(self.enc(self.emb(x)).mean(1))


class ViewNet(nn.Module):
    """The classic tutorial CNN style: functional activations and x.view(x.size(0), -1), softmax at the end."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 3, 3)
        self.fc1 = nn.Linear(3 * 3 * 3, 5)
        self.fc2 = nn.Linear(5, 4)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = x.view(x.size(0), -1)
        return torch.softmax(self.fc2(torch.relu(self.fc1(x))), dim=1)


def cases():
    yield "mlp", nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3)), \
        lambda n: torch.randn(n, 4), True
    yield "cnn_plain", nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(3, 4, 3, stride=2),
                                     nn.Sigmoid(), nn.Flatten(), nn.Linear(4 * 2 * 2, 3)), lambda n: torch.randn(n, 1, 10, 10), True
    yield "cnn", nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3),
                               nn.ReLU(), nn.BatchNorm2d(6), nn.AvgPool2d(2), nn.Flatten(), nn.Dropout(0.3), nn.Linear(6 * 2 * 2, 8),
                               nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3)), lambda n: torch.randn(n, 1, 12, 12), False
    yield "mlp_acts", nn.Sequential(nn.Linear(3, 6), nn.LeakyReLU(0.2), nn.Linear(6, 6), nn.ELU(), nn.Linear(6, 6), nn.GELU(),
                                    nn.Linear(6, 6), nn.Softplus(), nn.Linear(6, 6), nn.Hardtanh(), nn.Linear(6, 2), nn.Sigmoid()), \
        lambda n: torch.randn(n, 3), True
    yield "lstm_final", Final(), lambda n: torch.randn(n, 5, 3), True
    yield "cnn_view", ViewNet(), lambda n: torch.randn(n, 2, 8, 8), True
    # Exported with a fixed batch size (no dynamic axes): PyTorch writes the batch of 2 into the reshape.
    yield "cnn_view_fixed", ViewNet(), lambda n: torch.randn(n, 2, 8, 8), True, {"dynamic": False}
    yield "mlp_opset9", nn.Sequential(nn.Linear(4, 5), nn.Sigmoid(), nn.Linear(5, 2)), lambda n: torch.randn(n, 4), True, \
        {"opset": 9}
    yield "lstm_two_layers", Two(), lambda n: torch.randn(n, 5, 3), False, {}
    # LayerNorm, which PyTorch writes out op by op before opset 17 (ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add).
    yield "mlp_layernorm", nn.Sequential(nn.Linear(4, 6), nn.LayerNorm(6), nn.ReLU(), nn.Linear(6, 2)), \
        lambda n: torch.randn(n, 4), True, {}
    yield "transformer", Encoder(), lambda n: torch.randint(0, 10, (n, 6)), True, {}
    yield "lstm", Seq("lstm"), lambda n: torch.randint(0, 10, (n, 6)), True
    yield "gru", Seq("gru"), lambda n: torch.randint(0, 10, (n, 6)), True


def main():
    for name, net, data, same_step, *options in cases():
        options = options[0] if options else {}
        torch.manual_seed(1)
        for m in net.modules():  # running statistics and affine values that are not their defaults
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.data.uniform_(0.5, 1.5)
                m.bias.data.uniform_(-0.5, 0.5)
        net.eval()
        probe = data(3)
        dynamic = {"input": {0: "batch"}, "output": {0: "batch"}} if options.get("dynamic", True) else None
        torch.onnx.export(net, data(2), str(OUT / f"{name}.onnx"), input_names=["input"], output_names=["output"],
                          dynamic_axes=dynamic, opset_version=options.get("opset", 14))
        with torch.no_grad():
            output = net(probe)
        x = data(4)
        net.train()
        y = torch.randn(net(x).shape)
        opt = torch.optim.SGD(net.parameters(), lr=0.1)
        opt.zero_grad()
        loss = nn.functional.mse_loss(net(x), y)
        loss.backward()
        opt.step()
        record = {
            "probe": probe.flatten().tolist(), "probe_shape": list(probe.shape), "output": output.flatten().tolist(),
            "x": x.flatten().tolist(), "x_shape": list(x.shape), "y": y.flatten().tolist(), "y_shape": list(y.shape),
            "same_step": same_step, "loss": loss.item(), "fixed_batch": not options.get("dynamic", True),
            "after": {k: v.flatten().tolist() for k, v in net.state_dict().items() if v.dtype == torch.float32},
        }
        (OUT / f"{name}.json").write_text(json.dumps(record))
        print(name, "loss", loss.item())


if __name__ == "__main__":
    main()
