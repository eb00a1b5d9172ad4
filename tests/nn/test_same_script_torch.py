"""The same PyTorch training script, run by PyTorch and by minigrad with only the imports changed.

Each script below is plain PyTorch (the first is shown in docs/how-to/pytorch.md).  It runs
twice: with ``torch`` bound to PyTorch, and with its import lines changed to minigrad's.  Both
runs start from the same weights and see the same batches; their per-epoch losses, learning
rates and final weights must agree to float64 rounding.  The first script saves a checkpoint
mid-training and resumes from it in fresh objects; the second uses ModuleList, F.relu,
Adam(amsgrad, weight_decay), ReduceLROnPlateau on the validation loss, CrossEntropyLoss,
argmax(dim=1) and softmax(dim=-1).
"""

from pathlib import Path

import numpy as np
import pytest
from optional_tools import require_module

import minigrad

REGRESSION = '''\
import os
import tempfile

import numpy as np
import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(0)
x = rng.uniform(-2, 2, size=(40, 1))
X, Y = torch.tensor(x), torch.tensor(np.sin(2 * x) + 0.1 * rng.normal(size=x.shape))
loader = DataLoader(TensorDataset(X, Y), batch_size=8, shuffle=False)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(1, 16)
        self.out = nn.Linear(16, 1)

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(x)))


# The same starting weights in every run (and in both libraries).
start = {name: torch.tensor(rng.uniform(-0.5, 0.5, size=tuple(value.shape)))
         for name, value in Net().state_dict().items()}


def build():
    model = Net()
    model.load_state_dict(start)
    opt = optim.SGD([{"params": model.hidden.parameters()},
                     {"params": model.out.parameters(), "lr": 0.02}],
                    lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
    sched = optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    return model, opt, sched


loss_fn = nn.MSELoss()


def train_one_epoch(model, opt):
    model.train()
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        total += loss.item() * len(xb)
    return total / len(X)


path = os.path.join(tempfile.mkdtemp(), "checkpoint.pt")
model, opt, sched = build()
losses, lrs = [], []
for epoch in range(9):
    if epoch == 4:      # save, start again from scratch, and resume from the file
        torch.save({"epoch": epoch, "model": model.state_dict(),
                    "optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, path)
        model, opt, sched = build()
        checkpoint = torch.load(path)
        model.load_state_dict(checkpoint["model"])
        opt.load_state_dict(checkpoint["optimizer"])
        sched.load_state_dict(checkpoint["scheduler"])
    losses.append(train_one_epoch(model, opt))
    lrs.append(sched.get_last_lr())
    sched.step()
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}, learning rates {lrs[-1]}")
'''

CLASSIFIER = '''\
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(1)
centers = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])


def blobs(n):
    labels = rng.integers(0, 3, size=n)
    points = centers[labels] + rng.normal(scale=1.2, size=(n, 2))
    return torch.tensor(points), torch.tensor(labels, dtype=torch.long)


X, Y = blobs(96)
X_val, Y_val = blobs(48)
loader = DataLoader(TensorDataset(X, Y), batch_size=16)


class Classifier(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList(
            [nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])])

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = F.relu(layer(x))
        return self.layers[-1](x)


model = Classifier([2, 16, 16, 3])
model.load_state_dict({name: torch.tensor(rng.uniform(-0.5, 0.5, size=tuple(value.shape)))
                       for name, value in model.state_dict().items()})
opt = optim.Adam(model.parameters(), lr=0.02, amsgrad=True, weight_decay=1e-3)
sched = optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
loss_fn = nn.CrossEntropyLoss()

losses, accuracies, lrs, probabilities = [], [], [], []
for epoch in range(12):
    model.train()
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
        val_loss = loss_fn(logits, Y_val).item()
        accuracy = (logits.argmax(dim=1) == Y_val).float().mean().item()
        probs = torch.softmax(logits, dim=-1)
    sched.step(val_loss)
    losses.append(val_loss)
    accuracies.append(accuracy)
    lrs.append([group["lr"] for group in opt.param_groups])
    probabilities.append(probs.numpy().copy())
print(f"validation loss {losses[-1]:.4f}, accuracy {accuracies[-1]:.1%}")
'''

SCRIPTS = {"regression": REGRESSION, "classifier": CLASSIFIER}
PAGE = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "pytorch.md"


def with_minigrad(script):
    """The script with its imports changed from torch to minigrad, and nothing else."""
    lines = []
    for line in script.splitlines():
        if line == "import torch":
            line = "import minigrad as torch"
        elif line.startswith("import torch."):
            line = line.replace("import torch.", "import minigrad.", 1)
        elif line.startswith("from torch"):
            line = line.replace("from torch", "from minigrad", 1)
        lines.append(line)
    return "\n".join(lines) + "\n"


def run(script):
    namespace = {"__name__": "__training_script__"}
    try:
        exec(compile(script, "<training script>", "exec"), namespace)
    finally:                                    # the scripts change the default dtype
        torch = require_module("torch")
        torch.set_default_dtype(torch.float32)
        minigrad.set_default_dtype(minigrad.float64)
    weights = {name: np.asarray(value) for name, value in
               namespace["model"].state_dict().items()}
    return namespace, weights


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_the_same_script_trains_the_same(name, capsys):
    require_module("torch")
    theirs, their_weights = run(SCRIPTS[name])
    ours, our_weights = run(with_minigrad(SCRIPTS[name]))
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == printed[1]                  # the script's own summary line
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-10, atol=1e-13)
    assert ours["lrs"] == theirs["lrs"]
    assert our_weights.keys() == their_weights.keys()
    for key, value in their_weights.items():
        np.testing.assert_allclose(our_weights[key], value, rtol=1e-9, atol=1e-12,
                                   err_msg=key)
    if name == "classifier":
        assert ours["accuracies"] == theirs["accuracies"]
        np.testing.assert_allclose(np.array(ours["probabilities"]),
                                   np.array(theirs["probabilities"]), rtol=1e-9, atol=1e-13)
    # the schedules really acted during the run
    assert theirs["lrs"][-1] != theirs["lrs"][0]


def test_the_script_on_the_docs_page_is_the_tested_one():
    text = PAGE.read_text()
    assert REGRESSION in text
    changed = [b for a, b in zip(REGRESSION.splitlines(), with_minigrad(REGRESSION).splitlines())
               if a != b]
    assert "\n".join(changed) in text          # the page shows the minigrad import lines


def test_only_import_lines_change():
    for script in SCRIPTS.values():
        changed = [(a, b) for a, b in zip(script.splitlines(), with_minigrad(script).splitlines())
                   if a != b]
        assert changed and all(a.startswith(("import ", "from ")) for a, _ in changed)
