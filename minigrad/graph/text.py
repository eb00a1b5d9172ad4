"""How the graph tools write numbers, shapes, constants and derivative rules.

Shared by the ledger (``explain``) and the drawing (``draw``) so that a
number or a rule reads the same in both.
"""

from __future__ import annotations

import re

import numpy as np

from ..tensor import Tensor

__all__ = ["number", "values_text", "norm", "summary", "shape_text", "const_text",
           "kwargs_text", "rule_text", "mentions_gradient", "caption_text", "SUMMARY_VALUES"]


def number(v):
    """A number to 4 significant digits (``0`` for zero).

    >>> number(3.14159), number(-0.0), number(12345.6)
    ('3.142', '0', '1.235e+04')
    """
    v = float(v)
    if v == 0.0:
        return "0"
    return f"{v:.4g}"


def values_text(a):
    """Few numbers in full (4 significant digits), many as min / mean / max.

    >>> values_text(np.array([1.0, 2.0])), values_text(np.arange(6.0))
    ('[1, 2]', 'min 0  mean 2.5  max 5')
    """
    a = np.asarray(a)
    if a.size == 1:
        return number(a.reshape(-1)[0])
    if a.size == 0:
        return "empty"
    if a.size <= 4:
        return "[" + ", ".join(number(v) for v in a.reshape(-1)) + "]"
    return f"min {number(a.min())}  mean {number(a.mean())}  max {number(a.max())}"


def norm(a):
    """The Euclidean norm of all the elements, in float64."""
    return float(np.sqrt(np.sum(np.square(np.asarray(a, dtype=np.float64)))))


SUMMARY_VALUES = 6     # arrays up to this many elements are written out in the ledger


def _nested(a):
    if a.ndim == 0:
        return number(a)
    return "[" + ", ".join(_nested(row) for row in a) + "]"


def summary(a):
    """For the ledger: the number; a small array's values (up to ``SUMMARY_VALUES``
    elements, nested as NumPy prints them); a larger one's shape and norm.

    >>> summary(np.array(2.0)), summary(np.array([0.5, -2.0])), summary(np.ones((3, 4)))
    ('2', '[0.5, -2]', '(3, 4) ‖·‖ 3.464')
    >>> summary(np.arange(6.0).reshape(2, 3))
    '[[0, 1, 2], [3, 4, 5]]'
    """
    a = np.asarray(a)
    if a.size == 1:
        return number(a.reshape(-1)[0])
    if 0 < a.size <= SUMMARY_VALUES:
        return _nested(a)
    return f"{a.shape} ‖·‖ {number(norm(a))}"


def shape_text(shape):
    """``(3,)``, ``(2, 4)``: a shape as Python writes a tuple."""
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def const_text(c):
    """A constant argument of an op: its number, or ``array(shape)``."""
    a = np.asarray(c)
    if a.size == 1:
        return number(a.reshape(-1)[0]) if a.dtype.kind in "biuf" else repr(c)
    return f"array{shape_text(a.shape)}"


def kwargs_text(kwargs):
    """An op's keyword arguments, short: ``axis=0, keepdims=True``."""
    parts = []
    for k, v in (kwargs or {}).items():
        if v is None or v is False:
            continue
        text = repr(v) if not isinstance(v, np.ndarray) else f"array{shape_text(v.shape)}"
        parts.append(f"{k}={text if len(text) <= 24 else text[:21] + '...'}")
    return ", ".join(parts)


_SYMBOL = re.compile(r"(?<![A-Za-z_])([xyABg])(?![A-Za-z_])")


def rule_text(node, i, names, g_name=None):
    """The op's local-derivative formula for argument ``i``, with the arguments'
    names put in for the symbols (x, y or A, B; g for the incoming gradient
    when ``g_name`` is given).

    >>> import minigrad as mg
    >>> X, W = mg.tensor(np.ones((3, 2))), mg.tensor(np.ones((2, 4)), requires_grad=True)
    >>> out = X @ W
    >>> rule_text(out, 1, {id(X): "X", id(W): "W", id(out): "out"}, g_name="out.grad")
    'Xᵀ @ out.grad'
    """
    rules = node._op.rules
    text = None
    if rules:
        text = rules[min(i, len(rules) - 1)]
    if text is None:
        return f"VJP of {node.op_name}"
    args = node._args

    def show(a):
        return names[id(a)] if isinstance(a, Tensor) else const_text(a)

    symbols = {}
    if len(args) == 1:
        symbols = {"x": show(args[0])}
    elif len(args) == 2:
        symbols = {"x": show(args[0]), "y": show(args[1]),
                   "A": show(args[0]), "B": show(args[1])}
    if g_name is not None:
        symbols["g"] = g_name
    return _SYMBOL.sub(lambda m: symbols.get(m.group(1), m.group(1)), text)


def mentions_gradient(node, i):
    """True when the op's rule for argument ``i`` is written with the incoming
    gradient ``g`` (``g @ Bᵀ``, "copy g to every summed element"): it says what
    the input receives, not a local derivative to multiply by.

    >>> import minigrad as mg
    >>> A, B = mg.tensor(np.ones((2, 2)), requires_grad=True), mg.tensor(np.ones((2, 2)))
    >>> mentions_gradient(A @ B, 0), mentions_gradient(mg.sin(A), 0)
    (True, False)
    """
    rules = node._op.rules
    if not rules:
        return False
    rule = rules[min(i, len(rules) - 1)]
    return rule is not None and bool(re.search(r"(?<![A-Za-z_])g(?![A-Za-z_])", rule))


def caption_text(title, legend, grads_shown, colored, highlight_name, note, vjp_labels=False):
    """The caption under a drawing (DOT text: each line ends in ``\\l``, left-justified):
    the title, then a legend of what the drawing shows.

    >>> print(caption_text("toy", True, False, False, None, None))
    toy\\ledge labels: local derivative ∂(op output)/∂(input)\\l
    """
    lines = [title] if title else []
    if legend:
        text = "edge labels: local derivative ∂(op output)/∂(input)"
        if grads_shown:
            text += ";  grad = ∂(root)/∂(tensor)"
        lines.append(text)
        if vjp_labels:
            # For matmul, sum, reshape, ... the local derivative is a large Jacobian
            # that nobody writes out; the label says what it does to the gradient.
            lines.append("a label with g (arrays: @, sum, reshape, ...): what the input "
                         "receives, g = grad of the op's output")
        if note:
            lines.append(note)
        if colored:
            lines.append("fill: gradient magnitude, log scale (darker = larger)")
        if highlight_name is not None:
            lines.append(f"red: path from the root to {highlight_name}")
    return "".join(line + "\\l" for line in lines)
