"""Graphs and DOT-reading helpers shared by the tests of minigrad.graph."""

import re

import numpy as np

import minigrad as mg


def scalar(value, name, requires_grad=True):
    return mg.tensor(value, requires_grad=requires_grad, name=name)


def toy():
    """Chapter 7's toy model and its least-squares loss at one data point."""
    p = {k: scalar(v, k) for k, v in dict(beta0=1.0, beta1=2.0, beta2=-3.0, beta3=0.4,
                                          omega0=0.1, omega1=-0.4, omega2=2.0,
                                          omega3=3.0).items()}
    x, y = mg.tensor(2.3, name="x"), mg.tensor(2.0, name="y")
    f0 = p["beta0"] + p["omega0"] * x
    h1 = mg.sin(f0)
    h1.name = "h1"
    f3 = p["beta3"] + p["omega3"] * mg.cos(
        p["beta2"] + p["omega2"] * mg.exp(p["beta1"] + p["omega1"] * h1))
    loss = (f3 - y) ** 2
    loss.name = "loss"
    return p, loss


def mlp():
    """A two-layer MLP's loss, its layers inside nested scopes."""
    rng = np.random.default_rng(0)
    X = mg.tensor(rng.standard_normal((5, 2)), name="X")
    W1 = mg.tensor(rng.standard_normal((2, 3)), requires_grad=True, name="W1")
    b1 = mg.tensor(np.zeros(3), requires_grad=True, name="b1")
    W2 = mg.tensor(rng.standard_normal((3, 1)), requires_grad=True, name="W2")
    with mg.scope("model"):
        with mg.scope("layer1"):
            h = mg.relu(X @ W1 + b1)
        with mg.scope("layer2"):
            out = h @ W2
    return (out ** 2).sum()


def every_tensor(root):
    """Every tensor ``root`` was computed from, and ``root``."""
    seen, stack, out = {id(root)}, [root], []
    while stack:
        t = stack.pop()
        out.append(t)
        for a in t.parents:
            if id(a) not in seen:
                seen.add(id(a))
                stack.append(a)
    return out


def node_lines(source):
    return [line for line in source.splitlines()
            if re.match(r"\s*\w+ \[", line) and line.split()[0] not in ("graph", "node", "edge")]


def edge_lines(source):
    return [line for line in source.splitlines() if "->" in line]


def label_of(graph, name):
    node_id = graph.tensor_ids[name]
    return next(line for line in graph.source.splitlines()
                if line.strip().startswith(f"{node_id} ["))


def edge_label(graph, src_name, op_output_seq):
    src = graph.tensor_ids[src_name]
    for line in edge_lines(graph.source):
        if line.strip().startswith(f"{src} -> op{op_output_seq} "):
            m = re.search(r'label="?([^" ]+)', line)
            return m.group(1) if m else None
    raise AssertionError(f"no edge {src_name} -> op{op_output_seq}")


def shown_grad(graph, name):
    """The gradient printed in a one-element tensor's box, and the parts of its
    ``= a + b`` breakdown (empty when the box has none)."""
    label = label_of(graph, name)
    value = re.search(r">grad</FONT></TD><TD ALIGN=\"RIGHT\">([^<]+)</TD>", label)
    assert value, f"no gradient in the box of {name}: {label}"
    parts = re.search(r">= ([^<]+)</FONT>", label)
    return float(value.group(1)), ([float(p) for p in parts.group(1).split(" + ")]
                                   if parts else [])
