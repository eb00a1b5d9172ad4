"""Pictures and narratives of the computation graph: ``draw``, ``explain``, ``scope``.

This module only *reads* the graph that ``tensor.py`` records; it never
changes a tensor, never writes ``.grad`` and contains no calculus.  Every local
derivative it shows comes from the op's own VJP in ``ops.py``: the derivative
of a one-element output with respect to a one-element input is the VJP
evaluated with an incoming gradient of 1 (for ``sin(u)`` that is ``cos(u)``).

* ``draw(root)`` gives a ``graphviz.Digraph``: one node per tensor (name, shape,
  value, gradient) and one per op, edges labelled with local derivatives.
  ``.source`` is DOT text and needs nothing installed; ``.render`` and Jupyter's
  inline SVG need Graphviz's ``dot`` program.
* ``explain(root)`` replays the backward pass in the engine's own order and
  returns it as a chain-rule ledger.
* ``scope(name)`` names a part of the computation so that ``draw`` can collapse
  it into one node (an ``nn`` layer, a block of a model).
"""

from __future__ import annotations

import functools
import html
import math
import re
from collections import deque
from dataclasses import dataclass
from heapq import heappop, heappush

import graphviz
import numpy as np

from .autograd import _unbroadcast, no_grad
from .errors import BackwardError, GraphvizNotFoundError
from .tensor import Tensor, next_seq

__all__ = ["draw", "explain", "scope", "Scope", "Graph", "Ledger", "LedgerEntry",
           "GraphvizNotFoundError"]


# ===================================================================== scopes
@dataclass(frozen=True)
class Scope:
    """A named stretch of computation: the tensors created while it was open.

    ``start`` and ``end`` are creation numbers (``Tensor._seq``): a tensor
    belongs to the scope when ``start <= t._seq < end``.  ``path`` joins the
    names of the enclosing scopes with ``/``.
    """

    name: str
    path: str
    depth: int
    start: int
    end: int


#: Closed scopes, oldest first.  Bounded so that a training loop that opens
#: scopes at every step cannot grow it without limit; only the graphs of the
#: most recent steps are ever drawn.
_SCOPES: deque[Scope] = deque(maxlen=100_000)
_OPEN: list[str] = []


class scope:
    """Name the tensors created inside a ``with`` block, for ``draw(collapse=...)``.

    Recording costs two counter reads, at enter and at exit: nothing per op.
    Scopes nest; ``draw(root, collapse=True)`` collapses each outermost scope
    into one node, ``collapse=["layer1"]`` only the scopes with that name.

    >>> import minigrad as mg
    >>> W = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, name="W")
    >>> x = mg.tensor([1.0, -1.0], name="x")
    >>> with mg.scope("layer1"):
    ...     h = mg.tanh(W @ x)
    >>> loss = (h * h).sum()
    >>> g = mg.draw(loss, collapse=True)   # W and the ops inside become one node
    >>> "layer1" in g.source, sorted(g.tensor_ids)
    (True, ['t2', 't3', 't4', 'x'])

    It also works as a decorator: ``@mg.scope("block")``.
    """

    def __init__(self, name):
        if not isinstance(name, str) or not name:
            raise TypeError(f"mg.scope(name) needs a non-empty string name, got {name!r}")
        self.name = name
        self.record = None

    def __enter__(self):
        self._start = next_seq()
        _OPEN.append(self.name)
        return self

    def __exit__(self, *exc):
        end = next_seq()
        path = "/".join(_OPEN)
        depth = len(_OPEN) - 1
        if _OPEN and _OPEN[-1] == self.name:
            _OPEN.pop()
        self.record = Scope(self.name, path, depth, self._start, end)
        _SCOPES.append(self.record)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with scope(self.name):
                return fn(*args, **kwargs)
        return wrapper


def _scope_chains(tensors):
    """For each tensor (oldest first), the scopes that contain it, outermost first.

    One sweep over tensors and scopes sorted by creation number, with a stack
    of the scopes open at the current tensor (scopes nest properly).
    """
    if not tensors or not _SCOPES:
        return {}
    low, high = tensors[0]._seq, tensors[-1]._seq
    relevant = sorted((s for s in _SCOPES if s.end > low and s.start <= high),
                      key=lambda s: (s.start, -s.end))
    chains, stack, j = {}, [], 0
    for t in tensors:
        seq = t._seq
        while j < len(relevant) and relevant[j].start <= seq:
            s = relevant[j]
            j += 1
            while stack and stack[-1].end <= s.start:
                stack.pop()
            stack.append(s)
        while stack and stack[-1].end <= seq:
            stack.pop()
        # Scopes that closed before t but were not popped lie below an open one
        # only if nesting was broken; filter to be safe.
        chain = tuple(s for s in stack if s.start <= seq < s.end)
        if chain:
            chains[id(t)] = chain
    return chains


# ============================================================= graph reading
def _collect(root):
    """Every tensor ``root`` depends on, oldest first, and the consumers of each.

    ``consumers[id(t)]`` lists ``(node, i)``: ``t`` is argument ``i`` of ``node``.
    Iterative depth-first search: no recursion, any depth.
    """
    seen = {id(root): root}
    consumers = {}
    stack = [root]
    while stack:
        node = stack.pop()
        for i, a in enumerate(node._args):
            if isinstance(a, Tensor):
                consumers.setdefault(id(a), []).append((node, i))
                if id(a) not in seen:
                    seen[id(a)] = a
                    stack.append(a)
    return sorted(seen.values(), key=lambda t: t._seq), consumers


def _display_names(tensors):
    """A name per tensor: its own (``x``, repeated ones as ``x#2``) or ``t1``, ``t2``..."""
    taken = {t.name for t in tensors if t.name}
    names, repeats, k = {}, {}, 0
    for t in tensors:
        if t.name:
            n = repeats.get(t.name, 0) + 1
            repeats[t.name] = n
            names[id(t)] = t.name if n == 1 else f"{t.name}#{n}"
        else:
            k += 1
            while f"t{k}" in taken:
                k += 1
            names[id(t)] = f"t{k}"
    return names


def _array(g):
    """A gradient as an array (``create_graph=True`` leaves tensors in ``.grad``)."""
    return g.data if isinstance(g, Tensor) else np.asarray(g)


def _seed(root, grad):
    if grad is not None:
        seed = np.array(_array(grad), dtype=root.data.dtype)
        if seed.shape != root.data.shape:
            raise BackwardError(
                f"grad= has shape {seed.shape} but the root has shape {root.shape}; "
                f"they must match.")
        return seed
    if root.data.size != 1:
        raise BackwardError(
            f"the root has shape {root.shape}: pass grad= an array of that shape (the "
            f"gradient flowing into it), or reduce it first (e.g. y.sum()).")
    return np.ones(root.data.shape, dtype=root.data.dtype)


def _backprop(root, seed):
    """Replay the engine's backward pass on arrays, recording every edge.

    The same order as ``autodiff._run_backward`` (newest node first, through a
    heap keyed on creation number), the same VJP calls, the same unbroadcast
    and the same order of accumulation, so the totals equal the engine's
    gradients exactly.  Returns the gradient of every reached tensor and the
    steps ``(node, incoming, [(i, arg, contribution, total), ...])``.
    """
    grads = {id(root): seed}
    steps = []
    heap = [] if root._op is None else [(-root._seq, root)]
    with no_grad():
        while heap:
            node = heappop(heap)[1]
            g = grads[id(node)]
            kwargs = node._kwargs or {}
            flows = []
            for i, a in enumerate(node._args):
                if not (isinstance(a, Tensor) and a.requires_grad):
                    continue
                vjp = node._op.vjps[i]
                if vjp is None:
                    continue
                gi = np.asarray(vjp(g, node.data, *node._values, **kwargs))
                if gi.shape != a.data.shape:
                    gi = np.asarray(_unbroadcast(gi, a.data.shape))
                key = id(a)
                if key in grads:
                    grads[key] = grads[key] + gi
                else:
                    grads[key] = gi
                    if a._op is not None:
                        heappush(heap, (-a._seq, a))
                flows.append((i, a, gi, grads[key]))
            steps.append((node, g, flows))
    return grads, steps


def _local_derivative(node, i):
    """d(node)/d(argument i) as a number when both have one element, else None.

    The VJP evaluated with an incoming gradient of 1: no derivative code here.
    """
    a = node._args[i]
    if node.data.size != 1 or not isinstance(a, Tensor) or a.data.size != 1:
        return None
    vjps = node._op.vjps
    vjp = None if vjps is None else vjps[i]
    if vjp is None:
        return None
    one = np.ones_like(node.data)
    try:
        with no_grad():
            d = np.asarray(vjp(one, node.data, *node._values, **(node._kwargs or {})))
    except Exception:  # e.g. a first-order-only op inside a create_graph graph
        return None
    return float(np.sum(d))


# ------------------------------------------------------------------ formatting
def _num(v):
    """A number to 4 significant digits, with a true minus sign for readability."""
    v = float(v)
    if v == 0.0:
        return "0"
    return f"{v:.4g}"


def _values_text(a):
    """Few numbers in full (4 significant digits), many as min / mean / max."""
    a = np.asarray(a)
    if a.size == 1:
        return _num(a.reshape(-1)[0])
    if a.size == 0:
        return "empty"
    if a.size <= 4:
        return "[" + ", ".join(_num(v) for v in a.reshape(-1)) + "]"
    return f"min {_num(a.min())}  mean {_num(a.mean())}  max {_num(a.max())}"


def _norm(a):
    return float(np.sqrt(np.sum(np.square(np.asarray(a, dtype=np.float64)))))


def _summary(a):
    """For the ledger: the number, or shape and norm."""
    a = np.asarray(a)
    if a.size == 1:
        return _num(a.reshape(-1)[0])
    return f"{a.shape} ‖·‖ {_num(_norm(a))}"


def _shape_text(shape):
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _const_text(c):
    a = np.asarray(c)
    if a.size == 1:
        return _num(a.reshape(-1)[0]) if a.dtype.kind in "biuf" else repr(c)
    return f"array{_shape_text(a.shape)}"


def _kwargs_text(kwargs):
    parts = []
    for k, v in (kwargs or {}).items():
        if v is None or v is False:
            continue
        text = repr(v) if not isinstance(v, np.ndarray) else f"array{_shape_text(v.shape)}"
        parts.append(f"{k}={text if len(text) <= 24 else text[:21] + '...'}")
    return ", ".join(parts)


_SYMBOL = re.compile(r"(?<![A-Za-z_])([xyABg])(?![A-Za-z_])")


def _rule(node, i, names, g_name=None):
    """The op's local-derivative formula for argument ``i``, with the arguments'
    names put in for the symbols (x, y or A, B; g for the incoming gradient
    when ``g_name`` is given)."""
    rules = node._op.rules
    text = None
    if rules:
        text = rules[min(i, len(rules) - 1)]
    if text is None:
        return f"VJP of {node.op_name}"
    args = node._args

    def show(a):
        return names[id(a)] if isinstance(a, Tensor) else _const_text(a)

    symbols = {}
    if len(args) == 1:
        symbols = {"x": show(args[0])}
    elif len(args) == 2:
        symbols = {"x": show(args[0]), "y": show(args[1]),
                   "A": show(args[0]), "B": show(args[1])}
    if g_name is not None:
        symbols["g"] = g_name
    return _SYMBOL.sub(lambda m: symbols.get(m.group(1), m.group(1)), text)


def _call_text(node, names):
    """``f3 = add(beta3, t6)``-style description of how a node was made."""
    args = [names[id(a)] if isinstance(a, Tensor) else _const_text(a) for a in node._args]
    extra = _kwargs_text(node._kwargs)
    return f"{names[id(node)]} = {node.op_name}({', '.join(args + ([extra] if extra else []))})"


def _needs_parentheses(expr):
    return not re.fullmatch(r"[\w.()ᵀ²]+", expr)


# ===================================================================== ledger
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
            line = (f"{lhs}{self.output}.grad * {expr} = {_num(self.incoming.item())} * "
                    f"{_num(self.local)} = {_num(self.product.item())}")
        else:
            expr = self.rule if _SYMBOL_G.search(self.rule) else (
                f"{self.output}.grad * "
                + (f"[{self.rule}]" if _needs_parentheses(self.rule) else self.rule))
            line = f"{lhs}{expr} : {_summary(self.incoming)} -> {_summary(self.product)}"
        if self.count > 1:
            if self.total.size == 1 and len(self.parts) <= 6:
                parts = " + ".join(_num(np.asarray(p).item()) for p in self.parts)
                line += f"   => {self.target}.grad = {parts} = {_num(self.total.item())}"
            else:
                line += (f"   => {self.target}.grad = sum of {self.count} contributions: "
                         f"{_summary(self.total)}")
        return line


_SYMBOL_G = re.compile(r"(?<![A-Za-z_])g(?![A-Za-z_])|\.grad")


class Ledger:
    """The backward pass as a list of chain-rule steps; ``str()`` gives the text.

    Iterate over it for :class:`LedgerEntry` objects, or ask ``ledger.grad(t)``
    for the gradient it found for any tensor of the graph.
    """

    def __init__(self, root, names, steps, grads, seed):
        self.root = root
        self._names = names
        self._steps = steps
        self._grads = grads
        self.seed = seed
        self.entries = []
        parts = {}
        for node, _incoming, flows in steps:
            for i, a, product, total in flows:
                parts.setdefault(id(a), []).append(product)
                self.entries.append(LedgerEntry(
                    step=len(self.entries) + 1, target=names[id(a)], tensor=a,
                    op=node.op_name, output=names[id(node)], incoming=np.asarray(_incoming),
                    local=_local_derivative(node, i),
                    rule=_rule(node, i, names, g_name=f"{names[id(node)]}.grad"),
                    product=product, total=total, count=len(parts[id(a)]),
                    node=node, index=i, parts=tuple(parts[id(a)])))

    def grad(self, t):
        """The gradient of the root with respect to tensor ``t`` (None if unreached)."""
        return self._grads.get(id(t))

    def __iter__(self):
        return iter(self.entries)

    def __len__(self):
        return len(self.entries)

    def __getitem__(self, k):
        return self.entries[k]

    def __str__(self):
        names = self._names
        root = names[id(self.root)]
        lines = [f"Backward pass from {root}, newest node first "
                 f"(seed: {root}.grad = {_summary(self.seed)})"]
        k = 0
        width = max((len(e.target) for e in self.entries), default=0)
        for node, incoming, flows in self._steps:
            lines.append(f"{_call_text(node, names)}    [{names[id(node)]}.grad = "
                         f"{_summary(incoming)}]")
            for _ in flows:
                lines.append("  " + self.entries[k].text(width))
                k += 1
        leaves = [t for t in _leaves_reached(self) if t.requires_grad]
        if leaves:
            lines.append("Gradients of the leaves:")
            counts = {}
            for e in self.entries:
                counts[id(e.tensor)] = e
            for t in leaves:
                last = counts.get(id(t))
                g = self._grads[id(t)]
                text = _summary(g)
                if last is not None and last.count > 1 and g.size == 1 and len(last.parts) <= 6:
                    text = " + ".join(_num(np.asarray(p).item()) for p in last.parts) + \
                        f" = {text}"
                lines.append(f"  {names[id(t)] + '.grad':<{width + 5}} = {text}")
        return "\n".join(lines)

    def __repr__(self):
        return str(self)


def _leaves_reached(ledger):
    seen, out = set(), []
    for e in ledger.entries:
        t = e.tensor
        if t._op is None and id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return sorted(out, key=lambda t: t._seq)


def explain(root, grad=None):
    """The backward pass from ``root`` as a chain-rule ledger, step by step.

    Nodes come in the order the engine visits them (newest first).  For every
    argument of every node: the incoming gradient, the local derivative (from
    the op's VJP), their product and the running total; a reused tensor
    collects one contribution per use and the ledger shows the sum.  Arrays
    are shown by shape and norm.  Nothing is stored in ``.grad``.

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
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"mg.explain needs a Tensor, got {type(root).__name__}")
    tensors, _ = _collect(root)
    names = _display_names(tensors)
    seed = _seed(root, grad)
    grads, steps = _backprop(root, seed)
    return Ledger(root, names, steps, grads, seed)


# ================================================================== rendering
_INSTALL_HINT = (
    "Rendering needs Graphviz's `dot` program, which was not found on the PATH. "
    "Install it: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS), `conda install -c conda-forge graphviz` (conda), or the installer from "
    "https://graphviz.org/download/ (Windows: add its bin folder to PATH). The Python "
    "package `graphviz` alone is not enough. Without the program, `.source` still gives "
    "the DOT text, which any Graphviz viewer (e.g. https://dreampuf.github.io/GraphvizOnline) "
    "can show.")


class Graph(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering errors say how to install Graphviz.

    ``.source`` is the DOT text; ``.render(path, format="png")`` and ``.pipe``
    run the ``dot`` program; in Jupyter the graph shows inline as SVG.
    """

    def render(self, *args, **kwargs):
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as exc:
            raise GraphvizNotFoundError(_INSTALL_HINT) from exc

    def pipe(self, *args, **kwargs):
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as exc:
            raise GraphvizNotFoundError(_INSTALL_HINT) from exc

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        # In a notebook without Graphviz, show the advice instead of a traceback.
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except GraphvizNotFoundError as exc:
            return {"text/plain": str(exc)}


_OP_SYMBOLS = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "pow": "^",
               "matmul": "@", "neg": "−x"}
_FONT = "Helvetica"
_PARAM_COLOR = "#dbeafe"      # leaves that require grad
_DATA_COLOR = "#eeeeee"       # leaves that do not (data, constants)
_ROOT_COLOR = "#d1fae5"
_SCOPE_COLOR = "#ede9fe"
_OP_COLOR = "#fef3c7"
_EDGE_LABEL_COLOR = "#1d4ed8"
_HIGHLIGHT = "#dc2626"
# ColorBrewer "Oranges", light to dark: gradient magnitude, log scale.
_GRAD_COLORS = ("#ffffff", "#fff5eb", "#fee6ce", "#fdd0a2", "#fdb97d", "#fdae6b", "#fd9a4e")


def _cell(text, *, bold=False, color=None, small=False, align=None, span=1):
    text = html.escape(text)
    if bold:
        text = f"<B>{text}</B>"
    if small and text:       # Graphviz rejects an empty <FONT></FONT>
        text = f'<FONT POINT-SIZE="9" COLOR="#555555">{text}</FONT>'
    attrs = f' BGCOLOR="{color}"' if color else ""
    if align:
        attrs += f' ALIGN="{align}"'
    if span > 1:
        attrs += f' COLSPAN="{span}"'
    return f"<TD{attrs}>{text}</TD>"


def _td(text, **kwargs):
    """A table row of one cell."""
    return f"<TR>{_cell(text, **kwargs)}</TR>"


def _table(rows, *, border_color="black", pen=1, bgcolor=None):
    bg = f' BGCOLOR="{bgcolor}"' if bgcolor else ""
    return (f'<<TABLE BORDER="{pen}" COLOR="{border_color}" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="3"{bg}>' + "".join(rows) + "</TABLE>>")


def _grad_level(magnitude, largest):
    if largest <= 0 or magnitude <= 0:
        return 0
    decades = math.log10(magnitude / largest)          # 0 for the largest, negative below
    fraction = max(0.0, 1.0 + decades / 4.0)           # four decades of range
    return int(round(fraction * (len(_GRAD_COLORS) - 1)))


class _Plan:
    """Which tensors, ops and scope nodes are drawn, and where."""

    def __init__(self, root, tensors, consumers, collapse):
        chains = _scope_chains(tensors)
        self.chains = chains
        self.consumers = consumers
        wanted = None
        if isinstance(collapse, str):
            wanted = {collapse}
        elif collapse and collapse is not True:
            wanted = set(collapse)
        self.collapsed = {}               # id(tensor) -> Scope it disappears into
        if collapse:
            for t in tensors:
                for s in chains.get(id(t), ()):
                    if wanted is None or s.name in wanted or s.path in wanted:
                        self.collapsed[id(t)] = s
                        break
        self.scopes = sorted(set(self.collapsed.values()), key=lambda s: s.start)
        self._collapsed_set = set(self.scopes)
        collapsed = self.collapsed
        self.visible = []
        self.absorbed = {}                # Scope -> parameters listed inside its node
        for t in tensors:
            s = collapsed.get(id(t))
            users = consumers.get(id(t), ())
            if s is None:
                inside = {collapsed.get(id(n)) for n, _ in users}
                if (t._op is None and t.requires_grad and users and len(inside) == 1
                        and None not in inside and t is not root):
                    self.absorbed.setdefault(next(iter(inside)), []).append(t)
                    continue
                self.visible.append(t)
            elif t is root or any(collapsed.get(id(n)) is not s for n, _ in users):
                self.visible.append(t)    # an output of the collapsed scope
        self.visible_ids = {id(t) for t in self.visible}

    def has_op_node(self, t):
        return t._op is not None and id(t) not in self.collapsed

    def cluster(self, t):
        """The innermost scope drawn as a box around ``t`` (None: top level).

        Parameters made outside every scope stay outside the boxes: placed
        inside, they pull the boxes out of line and the chain zigzags.
        """
        chain = self.chains.get(id(t), ())
        inner = None
        for s in chain:
            if s in self._collapsed_set:
                break
            inner = s
        return inner


def draw(root, *, show_values=True, show_grads=None, highlight=None, color_by_grad=False,
         rankdir="LR", collapse=False, max_nodes=200, grad=None, legend=True, title=None):
    """Draw the computation graph of ``root``: values, gradients, local derivatives.

    One box per tensor (name, shape, value and, once backward has run, its
    gradient) and one oval per op.  The edge from an input to an op carries
    the local derivative of the op's output with respect to that input: the
    number when both have one element, else the VJP's rule (e.g. ``g @ Bᵀ``).
    A tensor used by several ops shows its gradient as the sum of the
    contributions.  Returns a :class:`Graph` (a ``graphviz.Digraph``).

    Options: ``show_values=False`` hides values; ``show_grads`` (default: when
    some leaf has a ``.grad``) shows gradients, those of interior nodes computed
    for display without touching ``.grad``; ``highlight=leaf`` marks the path
    from the root to that leaf; ``color_by_grad=True`` fills nodes by gradient
    magnitude; ``rankdir="LR"`` or ``"TB"``; ``collapse=True`` (or a list of
    names) draws each :func:`scope` as one node; ``max_nodes`` (None: no limit)
    stops runaway drawings with advice.  ``grad`` seeds a root with more than
    one element.

    >>> import minigrad as mg
    >>> x = mg.tensor(1.0, requires_grad=True, name="x")
    >>> y = mg.sin(x) * 2.0
    >>> y.name = "y"
    >>> y.backward()
    >>> g = mg.draw(y)
    >>> "label=0.5403" in g.source     # the local derivative cos(1) on the edge x -> sin
    True
    >>> "1.081" in g.source            # x.grad = 2 cos(1), shown in x's box
    True
    >>> g.render("graph", format="png")    # doctest: +SKIP
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"mg.draw needs a Tensor, got {type(root).__name__}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR' or 'TB' (or 'RL', 'BT'), got {rankdir!r}")
    tensors, consumers = _collect(root)
    names = _display_names(tensors)
    plan = _Plan(root, tensors, consumers, collapse)
    _check_size(root, names, tensors, plan, max_nodes, collapse)

    if show_grads is None:
        show_grads = grad is not None or any(
            t.grad is not None for t in tensors if t._op is None)
    grads, parts = ({}, {})
    if show_grads:
        grads, parts = _display_grads(root, tensors, grad)

    on_path = _path_to(highlight, tensors, consumers) if highlight is not None else set()
    levels = _grad_levels(plan.visible, grads) if color_by_grad and grads else {}

    g = Graph(name="minigrad", graph_attr={
        "rankdir": rankdir, "nodesep": "0.3", "ranksep": "0.35", "fontname": _FONT,
        "fontsize": "11", "newrank": "true"},
        node_attr={"fontname": _FONT, "fontsize": "11", "shape": "plain"},
        edge_attr={"fontname": _FONT, "fontsize": "10", "arrowsize": "0.6"})
    bodies = {None: []}                # cluster scope -> DOT statements

    def add(where, stmt):
        bodies.setdefault(where, []).append(stmt)

    def tid(t):
        return f"t{t._seq}"

    # ------------------------------------------------------------ tensors
    for t in plan.visible:
        label = _tensor_label(t, names, show_values, grads.get(id(t)), parts.get(id(t)),
                              root, levels.get(id(t)), id(t) in on_path)
        add(plan.cluster(t), _node(tid(t), label=label))
    # ------------------------------------------------------------ ops and edges
    scope_ids = {s: f"scope{k}" for k, s in enumerate(plan.scopes)}
    scope_edges = set()
    for t in plan.visible:
        if t._op is None:
            continue
        if not plan.has_op_node(t):
            s = plan.collapsed[id(t)]
            red = id(t) in on_path
            add(None, _edge(scope_ids[s], tid(t), red))
            continue
        op_id = f"op{t._seq}"
        where = plan.cluster(t)
        red = id(t) in on_path
        label = _op_label(t)
        shape = ({"shape": "circle", "width": "0.32", "fixedsize": "true", "fontsize": "13"}
                 if len(label) <= 2 else {"shape": "ellipse", "fontsize": "10",
                                          "margin": "0.04,0.02", "height": "0.3"})
        add(where, _node(op_id, label=label, style="filled", fillcolor=_OP_COLOR,
                         color=_HIGHLIGHT if red else "#a16207",
                         penwidth="2" if red else "1", **shape))
        # Heavy edges along the chain of computed tensors keep it straight.
        add(None, _edge(op_id, tid(t), red, weight="4"))
        for i, a in enumerate(t._args):
            if not isinstance(a, Tensor):
                cid = f"c{t._seq}_{i}"
                add(where, _node(cid, label=_const_text(a), shape="plaintext",
                                 fontcolor="#555555", fontsize="10"))
                add(None, _edge(cid, op_id, False, style="dashed", color="#999999",
                                arrowhead="none"))
                continue
            source = tid(a) if id(a) in plan.visible_ids else scope_ids[plan.collapsed[id(a)]]
            red_edge = id(a) in on_path and red
            if not a.requires_grad:
                add(None, _edge(source, op_id, red_edge, style="dashed", color="#888888"))
                continue
            # With two inputs, two labels meet at the op: underline each and tie it
            # to its own edge so no reader pairs a number with the wrong input.
            decorate = "true" if len(t.parents) > 1 else "false"
            local = _local_derivative(t, i)
            text = _num(local) if local is not None else _wrap(_rule(t, i, names))
            add(None, _edge(source, op_id, red_edge, label=text, decorate=decorate,
                            weight="4" if a._op is not None else "1"))
    # ------------------------------------------------------------ collapsed scopes
    for s in plan.scopes:
        members = [t for t in tensors if plan.collapsed.get(id(t)) is s]
        params = plan.absorbed.get(s, [])
        add(plan.cluster(members[0]),
            _node(scope_ids[s], label=_scope_label(s, members, params, names, grads,
                                                    plan, consumers, root)))
        for t in members:
            for a in t._args:
                if not isinstance(a, Tensor) or plan.collapsed.get(id(a)) is s:
                    continue
                if any(a is p for p in params):
                    continue
                source = tid(a) if id(a) in plan.visible_ids else \
                    scope_ids[plan.collapsed[id(a)]]
                if (source, s) not in scope_edges:
                    scope_edges.add((source, s))
                    red = id(a) in on_path and id(t) in on_path
                    add(None, _edge(source, scope_ids[s], red,
                                    style="solid" if a.requires_grad else "dashed"))
    # ------------------------------------------------------------ assemble
    _assemble(g, bodies)
    caption = _caption(title, legend, show_grads and bool(grads), levels, highlight, names)
    if caption:
        g.attr(label=caption, labelloc="b", labeljust="l", fontsize="10",
               fontcolor="#444444")
    g.tensor_ids = {names[id(t)]: tid(t) for t in plan.visible}
    return g


def _wrap(text, width=14):
    """Break a long edge label into lines at spaces."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\\n".join(lines + [line])     # DOT's escape for a line break


def _node(node_id, **attrs):
    return f"\t{node_id} " + _attrs(attrs)


def _edge(a, b, red, **attrs):
    if red:
        attrs.update(color=_HIGHLIGHT, penwidth="2.2")
    if "label" in attrs:
        attrs.setdefault("fontcolor", _EDGE_LABEL_COLOR)
    return f"\t{a} -> {b} " + _attrs(attrs)


def _attrs(attrs):
    items = []
    for k, v in attrs.items():
        if isinstance(v, str) and v.startswith("<") and v.endswith(">"):
            items.append(f"{k}={v}")                      # HTML-like label
        else:
            items.append(f"{k}={graphviz.quoting.quote(str(v))}")
    return "[" + " ".join(items) + "]\n"


def _assemble(g, bodies):
    """Nest the clusters (deepest first) and add everything to ``g``."""
    clusters = sorted((s for s in bodies if s is not None), key=lambda s: -s.depth)
    # Make sure every enclosing scope of a cluster exists, so boxes nest.
    pending = list(clusters)
    known = set(clusters)
    for s in pending:
        for other in _SCOPES:
            if other.depth < s.depth and other.start <= s.start and s.end <= other.end \
                    and other not in known:
                known.add(other)
                bodies.setdefault(other, [])
    clusters = sorted((s for s in bodies if s is not None), key=lambda s: (-s.depth, s.start))
    subgraphs = {}
    for s in clusters:
        sub = graphviz.Digraph(name=f"cluster_{s.start}")
        sub.attr(label=s.name, style="rounded,dashed", color="#7c3aed", fontcolor="#5b21b6",
                 fontname=_FONT, fontsize="11", labeljust="l")
        sub.body.extend(bodies[s])
        for child in [c for c in subgraphs if _parent_of(c, clusters) is s]:
            sub.subgraph(subgraphs.pop(child))
        subgraphs[s] = sub
    g.body.extend(bodies[None])
    for sub in subgraphs.values():
        g.subgraph(sub)


def _parent_of(s, clusters):
    best = None
    for c in clusters:
        if c.depth < s.depth and c.start <= s.start and s.end <= c.end:
            if best is None or c.depth > best.depth:
                best = c
    return best


def _check_size(root, names, tensors, plan, max_nodes, collapse):
    if max_nodes is None:
        return
    ops = sum(1 for t in plan.visible if plan.has_op_node(t))
    consts = sum(1 for t in plan.visible if plan.has_op_node(t)
                 for a in t._args if not isinstance(a, Tensor))
    count = len(plan.visible) + ops + consts + len(plan.scopes)
    if count <= max_nodes:
        return
    scopes = sorted({s.name for chain in plan.chains.values() for s in chain})
    if scopes and not collapse:
        hint = (f"This graph has scopes {', '.join(repr(s) for s in scopes[:6])}: draw it "
                f"with collapse=True (each outermost scope becomes one node) or "
                f"collapse={scopes[:2]!r}.")
    else:
        hint = ("Group parts of the computation with `with mg.scope('layer1'): ...` "
                "(an nn layer does this for you) and draw with collapse=True, which turns "
                "each outermost scope into one node, or collapse=['layer1'].")
    raise ValueError(
        f"mg.draw: the graph of {names[id(root)]} has {count} nodes to draw "
        f"({len(plan.visible)} tensors, {ops} ops, {consts} constants, "
        f"{len(plan.scopes)} collapsed scopes), more than max_nodes={max_nodes}. {hint} "
        f"Or pass a larger max_nodes= (None for no limit).")


def _display_grads(root, tensors, grad):
    """Gradients to print: leaves' ``.grad``; interior ones replayed, not stored."""
    grads, parts = {}, {}
    if grad is not None or root.data.size == 1:
        try:
            table, steps = _backprop(root, _seed(root, grad))
        except Exception:       # e.g. a first-order-only op in a create_graph graph
            table, steps = {}, []
        grads.update(table)
        for _step in steps:
            for _i, a, product, _total in _step[2]:
                parts.setdefault(id(a), []).append(product)
    for t in tensors:
        if t._op is None:
            if t.grad is not None:
                grads[id(t)] = _array(t.grad)
            elif not t.requires_grad:
                grads.pop(id(t), None)
    return grads, parts


def _path_to(leaf, tensors, consumers):
    """Tensors on a path from ``leaf`` up to the root (iterative search)."""
    if not any(t is leaf for t in tensors):
        raise ValueError(
            f"highlight: tensor {leaf._label()} is not part of this graph; pass a tensor "
            f"the root was computed from.")
    on_path = {id(leaf)}
    stack = [leaf]
    while stack:
        t = stack.pop()
        for node, _i in consumers.get(id(t), ()):
            if id(node) not in on_path:
                on_path.add(id(node))
                stack.append(node)
    return on_path


def _grad_levels(visible, grads):
    magnitudes = {id(t): _norm(grads[id(t)]) for t in visible if id(t) in grads}
    largest = max(magnitudes.values(), default=0.0)
    return {k: _grad_level(m, largest) for k, m in magnitudes.items()}


def _tensor_label(t, names, show_values, g, parts, root, level, red):
    """A box: name and shape on top, then value and gradient.

    One-element and tiny tensors show their numbers; larger ones a small table
    of min, mean and max, so that a box stays narrow in a left-to-right graph.
    """
    if t is root:
        header_color = _ROOT_COLOR
    elif t._op is None:
        header_color = _PARAM_COLOR if t.requires_grad else _DATA_COLOR
    else:
        header_color = None
    fill = None
    if level is not None:
        fill, header_color = _GRAD_COLORS[level], None
    name = names[id(t)]
    head = name if t.ndim == 0 else f"{name}  {_shape_text(t.shape)}"
    summarize = t.data.size > 4
    span = 4 if summarize else 2
    rows = [_td(head, bold=bool(t.name), color=header_color, span=span)]
    lines = []
    if show_values:
        lines.append(("value", t.data))
    if g is not None:
        lines.append(("grad", g))
    if summarize and lines:
        rows.append("<TR>" + _cell("", small=True) + "".join(
            _cell(k, small=True, align="RIGHT") for k in ("min", "mean", "max")) + "</TR>")
        for key, a in lines:
            a = np.asarray(a)
            rows.append("<TR>" + _cell(key, small=True, align="LEFT") + "".join(
                _cell(_num(v), align="RIGHT") for v in (a.min(), a.mean(), a.max())) + "</TR>")
    else:
        for key, a in lines:
            rows.append("<TR>" + _cell(key, small=True, align="LEFT")
                        + _cell(_values_text(a), align="RIGHT") + "</TR>")
    if g is not None and parts and len(parts) > 1:
        # A reused tensor: its gradient is the sum of one contribution per use.
        if g.size == 1 and len(parts) <= 4:
            text = "= " + " + ".join(_num(np.asarray(p).item()) for p in parts)
        else:
            text = f"= sum of {len(parts)} contributions"
        rows.append(_td(text, small=True, align="RIGHT", span=span))
    return _table(rows, border_color=_HIGHLIGHT if red else "#333333",
                  pen=2 if red else 1, bgcolor=fill)


def _op_label(t):
    name = t.op_name
    text = _OP_SYMBOLS.get(name, name)
    extra = _kwargs_text(t._kwargs)
    if name == "first_order_only":
        text = f"VJP of {t._kwargs.get('op_name', '?')}"
        extra = ""
    return f"{text}\\n{extra}" if extra else text


def _scope_label(s, members, params, names, grads, plan, consumers, root):
    ops = {}
    for t in members:
        if t._op is not None:
            ops[t.op_name] = ops.get(t.op_name, 0) + 1
    op_text = ", ".join(f"{n}×{k}" if k > 1 else n for n, k in ops.items())
    rows = [_td(s.path if s.depth else s.name, bold=True, color=_SCOPE_COLOR),
            _td(f"{sum(ops.values())} op{'s' if sum(ops.values()) != 1 else ''}: {op_text}",
                small=True)]
    for p in params:
        text = f"{names[id(p)]} {_shape_text(p.shape)}"
        if id(p) in grads:
            text += f"  grad ‖·‖ {_num(_norm(grads[id(p)]))}"
        rows.append(_td(text, align="LEFT"))
    inputs = []
    for t in members:
        for a in t._args:
            if isinstance(a, Tensor) and plan.collapsed.get(id(a)) is not s \
                    and not any(a is p for p in params) and not any(a is x for x in inputs):
                inputs.append(a)
    outputs = [t for t in members if id(t) in plan.visible_ids]
    if inputs:
        rows.append(_td("in: " + ", ".join(f"{names[id(a)]} {_shape_text(a.shape)}"
                                           for a in inputs), small=True, align="LEFT"))
    if outputs:
        rows.append(_td("out: " + ", ".join(f"{names[id(a)]} {_shape_text(a.shape)}"
                                            for a in outputs), small=True, align="LEFT"))
    return _table(rows, border_color="#7c3aed", pen=2)


def _caption(title, legend, grads_shown, levels, highlight, names):
    lines = [title] if title else []
    if legend:
        text = "edge labels: local derivative ∂(op output)/∂(input)"
        if grads_shown:
            text += ";  grad = ∂(root)/∂(tensor)"
        lines.append(text)
        if levels:
            lines.append("fill: gradient magnitude, log scale (darker = larger)")
        if highlight is not None:
            lines.append(f"red: path from the root to {names[id(highlight)]}")
    return "".join(line + "\\l" for line in lines)     # \\l ends a left-justified line
