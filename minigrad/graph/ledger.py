"""``mg.explain``: the backward pass written out as a ledger of chain-rule steps.

The steps are the engine's own, observed as it runs (see ``trace.py``): the
order, the gradients and the running totals are the ones ``backward()``
computes, so the ledger's totals equal the engine's gradients exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..tensor import Tensor
from .text import const_text, kwargs_text, number, rule_text, summary
from .trace import collect, display_names, local_derivative, observe_backward

__all__ = ["explain", "Ledger", "LedgerEntry"]

# A rule that mentions the incoming gradient (``g @ Bᵀ``) is already a product.
_SYMBOL_G = re.compile(r"(?<![A-Za-z_])g(?![A-Za-z_])|\.grad")


def _needs_parentheses(expr):
    return not re.fullmatch(r"[\w.()ᵀ²]+", expr)


def _call_text(node, names):
    """``f3 = add(beta3, t6)``-style description of how a node was made."""
    args = [names[id(a)] if isinstance(a, Tensor) else const_text(a) for a in node._args]
    extra = kwargs_text(node._kwargs)
    return f"{names[id(node)]} = {node.op_name}({', '.join(args + ([extra] if extra else []))})"


def _sum_text(parts):
    return " + ".join(number(np.asarray(p).item()) for p in parts)


@dataclass(frozen=True)
class LedgerEntry:
    """One chain-rule step: ``target.grad += output.grad * local``.

    ``incoming`` is the gradient flowing into ``output``; ``local`` the local
    derivative d(output)/d(target) as a number when both have one element
    (else None, and ``rule`` says what the VJP does); ``product`` is the
    contribution added to ``target``'s gradient, ``total`` the gradient after
    adding it, and ``count`` says it is the count-th contribution to it.
    """

    step: int
    target: str
    tensor: Tensor
    op: str
    output: str
    incoming: np.ndarray
    local: float | None
    rule: str
    product: np.ndarray
    total: np.ndarray
    count: int
    node: Tensor = None
    index: int = 0
    parts: tuple = ()

    def __str__(self):
        return self.text()

    def text(self, width=0):
        """The entry as one line; ``width`` pads the target's name to align columns."""
        lhs = f"{self.target + '.grad':<{width + 5}} += "
        scalar = self.incoming.size == 1 and self.product.size == 1
        if scalar and self.local is not None:
            expr = self.rule if not _SYMBOL_G.search(self.rule) else (
                f"∂{self.output}/∂{self.target}")
            if _needs_parentheses(expr):
                expr = f"({expr})"
            line = (f"{lhs}{self.output}.grad * {expr} = {number(self.incoming.item())} * "
                    f"{number(self.local)} = {number(self.product.item())}")
        else:
            expr = self.rule if _SYMBOL_G.search(self.rule) else (
                f"{self.output}.grad * "
                + (f"[{self.rule}]" if _needs_parentheses(self.rule) else self.rule))
            line = f"{lhs}{expr} : {summary(self.incoming)} -> {summary(self.product)}"
        if self.count > 1:
            if self.total.size == 1 and len(self.parts) <= 6:
                line += (f"   => {self.target}.grad = {_sum_text(self.parts)} = "
                         f"{number(self.total.item())}")
            else:
                line += (f"   => {self.target}.grad = sum of {self.count} contributions: "
                         f"{summary(self.total)}")
        return line


class Ledger:
    """The backward pass as a list of chain-rule steps; ``str()`` gives the text.

    Iterate over it for [`LedgerEntry`][minigrad.graph.ledger.LedgerEntry] objects, or ask
    ``ledger.grad(t)`` for the gradient it found for any tensor of the graph.  ``trace`` is the
    observed pass (a [`BackwardTrace`][minigrad.graph.trace.BackwardTrace]), ``names`` the display
    name of each tensor by id.
    """

    def __init__(self, trace, names):
        self.root = trace.root
        self.seed = trace.seed
        self.trace = trace
        self._names = names
        self.entries = []
        parts = {}
        for node, incoming, flows in trace.steps:
            output = names[id(node)]
            for i, a, product, total in flows:
                parts.setdefault(id(a), []).append(product)
                self.entries.append(LedgerEntry(
                    step=len(self.entries) + 1, target=names[id(a)], tensor=a,
                    op=node.op_name, output=output, incoming=incoming,
                    local=local_derivative(node, i),
                    rule=rule_text(node, i, names, g_name=f"{output}.grad"),
                    product=product, total=total, count=len(parts[id(a)]),
                    node=node, index=i, parts=tuple(parts[id(a)])))

    def grad(self, t):
        """The gradient of the root with respect to tensor ``t`` (None if unreached)."""
        return self.trace.grad(t)

    def __iter__(self):
        return iter(self.entries)

    def __len__(self):
        return len(self.entries)

    def __getitem__(self, k):
        return self.entries[k]

    def __str__(self):
        names = self._names
        root = names[id(self.root)]
        if not self.trace.steps:
            return _nothing_to_explain(self.root, root)
        lines = [f"Backward pass from {root}, newest node first "
                 f"(seed: {root}.grad = {summary(self.seed)})"]
        k = 0
        width = max((len(e.target) for e in self.entries), default=0)
        for node, incoming, flows in self.trace.steps:
            lines.append(f"{_call_text(node, names)}    [{names[id(node)]}.grad = "
                         f"{summary(incoming)}]")
            for _ in flows:
                lines.append("  " + self.entries[k].text(width))
                k += 1
        last = {id(e.tensor): e for e in self.entries}     # each tensor's final entry
        leaves = sorted((e.tensor for e in last.values()
                         if e.tensor._op is None and e.tensor.requires_grad),
                        key=lambda t: t._seq)
        if leaves:
            lines.append("Gradients of the leaves:")
            for t in leaves:
                entry, g = last[id(t)], self.grad(t)
                text = summary(g)
                if entry.count > 1 and g.size == 1 and len(entry.parts) <= 6:
                    text = f"{_sum_text(entry.parts)} = {text}"
                lines.append(f"  {names[id(t)] + '.grad':<{width + 5}} = {text}")
        return "\n".join(lines)

    def __repr__(self):
        return str(self)


def _nothing_to_explain(t, name):
    """Why a root has no backward pass to show, and what to do."""
    if t.requires_grad:
        return (f"Nothing to explain: {name} is a leaf (no op made it), so its gradient\n"
                f"is the seed and there is no chain rule to write out.")
    return (f"Nothing to explain: no operation was recorded for {name}, so it has no graph.\n"
            f"It was computed under mg.no_grad() (or inference_mode), or only from\n"
            f"tensors without requires_grad=True. Compute it again outside no_grad,\n"
            f"from tensors made with requires_grad=True, and explain that result.")


def explain(root, gradient=None):
    """The backward pass from ``root`` as a chain-rule ledger, step by step.

    Nodes come in the order the engine visits them (newest first).  For every
    argument of every node: the incoming gradient, the local derivative (from
    the op's VJP), their product and the running total; a reused tensor
    collects one contribution per use and the ledger shows the sum.  Small
    arrays (up to six elements) are written out, larger ones shown by shape
    and norm.  ``gradient`` is the gradient flowing into
    ``root`` (as in ``backward(gradient=...)``); omit it for a one-element
    root.  Nothing is stored in ``.grad``.

    >>> import minigrad as mg
    >>> x = mg.tensor(1.0, requires_grad=True, name="x")
    >>> out = mg.sin(x)
    >>> out.name = "out"
    >>> print(mg.explain(out))
    Backward pass from out, newest node first (seed: out.grad = 1)
    out = sin(x)    [out.grad = 1]
      x.grad += out.grad * cos(x) = 1 * 0.5403 = 0.5403
    Gradients of the leaves:
      x.grad = 0.5403

    A tensor used twice gets two contributions, and the ledger adds them up:

    >>> y = x * x
    >>> print(mg.explain(y).entries[1])
    x.grad += t1.grad * x = 1 * 1 = 1   => x.grad = 1 + 1 = 2

    A result computed under ``no_grad`` has no graph, and the ledger says why:

    >>> with mg.no_grad():
    ...     z = mg.sin(x)
    >>> print(mg.explain(z))
    Nothing to explain: no operation was recorded for t1, so it has no graph.
    It was computed under mg.no_grad() (or inference_mode), or only from
    tensors without requires_grad=True. Compute it again outside no_grad,
    from tensors made with requires_grad=True, and explain that result.
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"mg.explain needs a Tensor, got {type(root).__name__}")
    tensors, _ = collect(root)
    return Ledger(observe_backward(root, gradient), display_names(tensors))
