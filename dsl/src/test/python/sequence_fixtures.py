"""Writes dsl/src/test/resources/pytorch/seq/: for each sequence layer case (issue 26) PyTorch 1.13's weights as a
state_dict (<case>.pth, keys prefixed "0." as an nn.Sequential would), and <case>.json with the input, the target,
the output, the MSE loss and the weights after one SGD step (lr 0.1) on that loss. SequenceLayersTest loads the
weights into the same layer in NetDSL and checks the output and the stepped weights within 1e-5. Tests never run
Python; rerun this only to change the cases.

    /usr/bin/python3 dsl/src/test/python/sequence_fixtures.py   # apt-get install python3-torch libopenblas0-pthread
"""
import json
import pathlib

import torch

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "pytorch" / "seq"
OUT.mkdir(parents=True, exist_ok=True)
B, T, F, H = 3, 4, 3, 5


class Final(torch.nn.Module):
    """An RNN whose output is the last layer's final hidden state, directions concatenated."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        _, h = self.rnn(x)
        if isinstance(h, tuple):
            h = h[0]
        return torch.cat((h[-2], h[-1]), 1) if self.rnn.bidirectional else h[-1]


class Seq(torch.nn.Module):
    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]


def case(name, module, x, keys_of):
    torch.manual_seed(7)
    y = module(x)
    target = torch.randn(y.shape)
    loss = torch.nn.functional.mse_loss(y, target)
    before = {k: v.detach().clone() for k, v in keys_of(module).items()}
    torch.save({"0." + k: v for k, v in before.items()}, OUT / (name + ".pth"))
    opt = torch.optim.SGD(module.parameters(), lr=0.1)
    opt.zero_grad()
    loss.backward()
    opt.step()
    after = {("0." + k): {"shape": list(v.shape), "values": v.detach().flatten().tolist()} for k, v in keys_of(module).items()}
    (OUT / (name + ".json")).write_text(json.dumps({
        "torch": torch.__version__,
        "x": x.flatten().tolist(), "x_shape": list(x.shape),
        "target": target.flatten().tolist(), "y": y.detach().flatten().tolist(), "y_shape": list(y.shape),
        "loss": loss.item(), "after": after,
    }) + "\n")


torch.manual_seed(20261206)
xs = torch.randn(B, T, F)
ids = torch.tensor([[0, 3, 9, 0], [5, 5, 1, 2], [0, 0, 7, 8]])

case("embedding_pad0", torch.nn.Embedding(10, 4, padding_idx=0), ids, lambda m: m.state_dict())
case("layernorm", torch.nn.LayerNorm(F), xs, lambda m: m.state_dict())
for kind, cls in (("lstm", torch.nn.LSTM), ("gru", torch.nn.GRU)):
    for layers in (1, 2):
        for bi in (False, True):
            torch.manual_seed(layers * 10 + bi)
            rnn = cls(F, H, num_layers=layers, batch_first=True, bidirectional=bi)
            tag = f"{kind}_l{layers}{'_bi' if bi else ''}"
            case(tag + "_seq", Seq(rnn), xs, lambda m: m.rnn.state_dict())
            torch.manual_seed(layers * 10 + bi)
            rnn = cls(F, H, num_layers=layers, batch_first=True, bidirectional=bi)
            case(tag + "_final", Final(rnn), xs, lambda m: m.rnn.state_dict())
print("wrote", OUT)


class LM(torch.nn.Module):
    """A language model: embedding -> LSTM -> linear per position, as nn.Sequential names them (0, 1, 2)."""

    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(10, 4)
        self.lstm = torch.nn.LSTM(4, 6, batch_first=True)
        self.fc = torch.nn.Linear(6, 10)

    def forward(self, x):
        return self.fc(self.lstm(self.emb(x))[0])


def lm_case(name, ignore):
    torch.manual_seed(11)
    model = LM()
    tokens = torch.randint(0, 10, (B, T + 1))
    x, labels = tokens[:, :-1], tokens[:, 1:].clone()
    labels[0, 1] = 0  # a padding label to ignore
    names = {"emb.": "0.", "lstm.": "1.", "fc.": "2."}

    def ours(k):
        for p, q in names.items():
            if k.startswith(p):
                return q + k[len(p):]
        return k

    state = {ours(k): v.detach().clone() for k, v in model.state_dict().items()}
    torch.save(state, OUT / (name + ".pth"))
    logits = model(x)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 10), labels.reshape(-1), ignore_index=ignore)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    opt.zero_grad()
    loss.backward()
    opt.step()
    after = {ours(k): {"shape": list(v.shape), "values": v.detach().flatten().tolist()} for k, v in model.state_dict().items()}
    (OUT / (name + ".json")).write_text(json.dumps({
        "torch": torch.__version__, "x": x.flatten().tolist(), "x_shape": list(x.shape), "labels": labels.flatten().tolist(),
        "y": logits.detach().flatten().tolist(), "y_shape": list(logits.shape), "loss": loss.item(), "after": after,
    }) + "\n")


lm_case("lm", -100)
lm_case("lm_ignore0", 0)
print("wrote the language models")


class Attend(torch.nn.Module):
    """Embedding (0.) then self-attention or a Transformer encoder layer (1.), masks from the token ids."""

    def __init__(self, layer, pad, causal):
        super().__init__()
        self.emb = torch.nn.Embedding(10, 8)
        self.layer = layer
        self.pad = pad
        self.causal = causal

    def forward(self, ids):
        x = self.emb(ids)
        mask = torch.nn.Transformer.generate_square_subsequent_mask(ids.shape[1]) if self.causal else None
        padding = (ids == 0) if self.pad else None
        if isinstance(self.layer, torch.nn.MultiheadAttention):
            return self.layer(x, x, x, key_padding_mask=padding, attn_mask=mask, need_weights=False)[0]
        return self.layer(x, src_mask=mask, src_key_padding_mask=padding)


def attend_case(name, layer, pad=False, causal=False):
    torch.manual_seed(13)
    model = Attend(layer, pad, causal)
    model.train()
    ids = torch.tensor([[3, 0, 9, 1], [5, 5, 1, 2], [7, 0, 0, 8]])
    names = {"emb.": "0.", "layer.": "1."}

    def ours(k):
        for p, q in names.items():
            if k.startswith(p):
                return q + k[len(p):]
        return k

    torch.save({ours(k): v.detach().clone() for k, v in model.state_dict().items()}, OUT / (name + ".pth"))
    y = model(ids)
    extra = {}
    if isinstance(layer, torch.nn.MultiheadAttention):
        # What .averageWeights() gives: the attention weights averaged over the heads, [batch, T, T].
        x = model.emb(ids)
        mask = torch.nn.Transformer.generate_square_subsequent_mask(ids.shape[1]) if causal else None
        w = layer(x, x, x, key_padding_mask=(ids == 0) if pad else None, attn_mask=mask, need_weights=True,
                  average_attn_weights=True)[1]
        extra["average_weights"] = w.detach().flatten().tolist()
    target = torch.randn(y.shape)
    loss = torch.nn.functional.mse_loss(y, target)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    opt.zero_grad()
    loss.backward()
    opt.step()
    after = {ours(k): {"shape": list(v.shape), "values": v.detach().flatten().tolist()} for k, v in model.state_dict().items()}
    (OUT / (name + ".json")).write_text(json.dumps({
        "torch": torch.__version__, "x": ids.flatten().tolist(), "x_shape": list(ids.shape), "target": target.flatten().tolist(),
        "y": y.detach().flatten().tolist(), "y_shape": list(y.shape), "loss": loss.item(), "after": after, **extra,
    }) + "\n")


attend_case("mha", torch.nn.MultiheadAttention(8, 2, batch_first=True))
attend_case("mha_pad", torch.nn.MultiheadAttention(8, 2, batch_first=True), pad=True)
attend_case("mha_causal", torch.nn.MultiheadAttention(8, 2, batch_first=True), causal=True)
attend_case("tel_post", torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True))
attend_case("tel_pre_gelu_pad", torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True,
                                                                  activation="gelu", norm_first=True), pad=True)
print("wrote the attention cases")
