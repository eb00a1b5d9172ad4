"""``mg.draw``: the computation graph as a Graphviz picture.

One box per tensor (name, shape, value, gradient), one oval per op, and on
each edge the local derivative of the op's output with respect to that input.
The gradients shown are those of the root being drawn, taken from the
engine's own backward pass observed as it runs (see ``trace.py``), never the
``.grad`` stored on the tensors, which may hold the sum of several passes.

This is the only module that imports ``graphviz``.  Building a drawing needs
only that Python package; ``.render``, ``.pipe`` and Jupyter's inline SVG also
need Graphviz's ``dot`` program.
"""

from __future__ import annotations

import html
import math

import graphviz
import numpy as np

from ..autograd import seed_gradient
from ..errors import BackwardError, GraphvizNotFoundError
from ..tensor import Tensor
from .layout import Plan, check_size, path_to
from .scope import closed_scopes
from .text import (
    caption_text,
    const_text,
    kwargs_text,
    mentions_gradient,
    norm,
    number,
    rule_text,
    shape_text,
    values_text,
)
from .trace import collect, display_names, local_derivative, observe_backward

__all__ = ["draw", "Graph"]


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
        """Graphviz's ``render``, but the DOT file it writes first is removed
        (``cleanup=True`` by default): ``render("toy", format="png")`` leaves
        only ``toy.png``.  Pass ``cleanup=False`` to keep the DOT file too."""
        if len(args) < 4:          # (filename, directory, view, cleanup, ...)
            kwargs.setdefault("cleanup", True)
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


def draw(root, *, show_values=True, show_grads=None, highlight=None, color_by_grad=False,
         rankdir="LR", collapse=False, max_nodes=200, gradient=None, legend=True, title=None,
         frame=None):
    """Draw the computation graph of ``root``: values, gradients, local derivatives.

    One box per tensor (name, shape, value and, once backward has run, its
    gradient) and one oval per op.  The edge from an input to an op carries
    the local derivative of the op's output with respect to that input: the
    number when both have one element, else the VJP's rule (e.g. ``g @ Bᵀ``).
    Returns a [`Graph`][minigrad.graph.dot.Graph] (a ``graphviz.Digraph``).

    The gradient in a box is ∂root/∂tensor, from the engine's backward pass
    run from ``root`` and observed as it runs: the same numbers ``backward()``
    computes, for this root alone, whatever ``.grad`` holds (it may have
    summed several passes).  A tensor used by several ops shows its gradient
    as the sum of one contribution per use.  Nothing is written to ``.grad``.

    Options: ``show_values=False`` hides values; ``show_grads`` forces
    gradients on or off (default: on once some leaf has a ``.grad``, or when
    ``gradient`` is given); ``gradient`` is the gradient flowing into a root
    with more than one element (as in ``backward(gradient=...)``);
    ``highlight=leaf`` marks the path from the root to that leaf;
    ``color_by_grad=True`` fills nodes by gradient magnitude; ``rankdir="LR"``
    or ``"TB"``; ``collapse=True`` (or a list of names) draws each
    [`scope()`][minigrad.graph.scope.scope] as one node; ``max_nodes`` (None: no
    limit) stops runaway drawings with advice; ``title`` and ``legend`` make
    the caption.  ``frame`` is one step of [`animate`][minigrad.graph.animate.animate]
    (its gradients so far, marked boxes, edge labels and box sizes replace the
    pass's).

    >>> import minigrad as mg
    >>> x = mg.tensor(1.0, requires_grad=True, name="x")
    >>> y = mg.sin(x) * 2.0
    >>> y.name = "y"
    >>> y.backward()
    >>> g = mg.draw(y)
    >>> "label=0.5403" in g.source     # the local derivative cos(1) on the edge x -> sin
    True
    >>> "1.081" in g.source            # ∂y/∂x = 2 cos(1), shown in x's box
    True
    >>> g.render("graph", format="png")    # doctest: +SKIP

    With ``collapse=True`` each outermost scope becomes one node, and a
    parameter used only inside it is listed in that node:

    >>> W = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, name="W")
    >>> v = mg.tensor([1.0, -1.0], name="v")
    >>> with mg.scope("layer1"):
    ...     h = mg.tanh(W @ v)
    >>> g = mg.draw((h * h).sum(), collapse=True)
    >>> "layer1" in g.source, sorted(g.tensor_ids)
    (True, ['t2', 't3', 't4', 'v'])
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"mg.draw needs a Tensor, got {type(root).__name__}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR' or 'TB' (or 'RL', 'BT'), got {rankdir!r}")
    tensors, consumers = collect(root)
    names = display_names(tensors)
    plan = Plan(root, tensors, consumers, collapse)
    check_size(root, names, tensors, plan, max_nodes, collapse)

    if show_grads is None and gradient is None and not any(
            t.grad is not None for t in tensors if t._op is None):
        show_grads = False           # no backward() yet: a picture of the forward pass
    grads, parts, note = (_observed_grads(root, tensors, gradient, show_grads)
                          if frame is None else (frame.grads, frame.parts, None))

    on_path = path_to(highlight, tensors, consumers) if highlight is not None else set()
    levels = _grad_levels(plan.visible, grads) if color_by_grad and grads else {}
    if frame is not None:
        on_path, levels = frame.marked, frame.levels

    g = Graph(name="minigrad", graph_attr={
        "rankdir": rankdir, "nodesep": "0.3", "ranksep": "0.35", "fontname": _FONT,
        "fontsize": "11", "newrank": "true"},
        node_attr={"fontname": _FONT, "fontsize": "11", "shape": "plain"},
        edge_attr={"fontname": _FONT, "fontsize": "10", "arrowsize": "0.6"})
    bodies = {None: []}                # cluster scope -> DOT statements
    vjp_labels = False                 # an edge label says what happens to g (matmul, sum...)

    def add(where, stmt):
        bodies.setdefault(where, []).append(stmt)

    def tid(t):
        return f"t{t._seq}"

    # ------------------------------------------------------------ tensors
    for t in plan.visible:
        label = _tensor_label(t, names, show_values, grads.get(id(t)), parts.get(id(t)),
                              root, levels.get(id(t)), id(t) in on_path)
        add(plan.cluster(t), _node(tid(t), label=label,
                                   **({} if frame is None else frame.node_attrs(tid(t)))))
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
                add(where, _node(cid, label=const_text(a), shape="plaintext",
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
            local = local_derivative(t, i)
            if local is not None:
                text = number(local)
            else:
                text = _wrap(rule_text(t, i, names))
                vjp_labels = vjp_labels or mentions_gradient(t, i)
            attrs = {"label": text, "decorate": decorate}
            if frame is not None:
                attrs = frame.edge_attrs(t, i, attrs)
            add(None, _edge(source, op_id, red_edge, **attrs,
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
    caption = caption_text(title, legend, bool(grads), bool(levels),
                           None if highlight is None else names[id(highlight)], note, vjp_labels)
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
        for other in closed_scopes():
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


def _observed_grads(root, tensors, gradient, show_grads):
    """The gradients to print, from the engine's pass observed from ``root``.

    Returns ``(grads, parts, note)``: the gradient of the root with respect
    to each reached tensor, the contributions of each use of a reused tensor
    (they sum to its gradient), and a caption line saying why gradients are
    missing, if they are.  The ``.grad`` stored on the leaves is never used:
    after two ``backward()`` calls it holds twice the gradient of this root.
    """
    if show_grads is False or not root.requires_grad:
        return {}, {}, None
    if show_grads is None and gradient is None and root.data.size != 1:
        return {}, {}, (f"gradients not shown: the root has shape {shape_text(root.shape)}; "
                        f"pass gradient= (the gradient flowing into it) to see them")
    # A wrong gradient= is the caller's mistake: report it, do not hide it.
    seed = seed_gradient(root, gradient)
    try:
        trace = observe_backward(root, seed)
    except BackwardError:     # e.g. a first-order-only op in a create_graph graph
        return {}, {}, "gradients not shown: mg.explain(root) says why this graph has none"
    grads, parts = {}, {}
    for t in tensors:
        g = trace.grad(t)
        if g is not None:
            grads[id(t)] = g
            parts[id(t)] = trace.contributions(t)
    return grads, parts, None


def _grad_levels(visible, grads):
    magnitudes = {id(t): norm(grads[id(t)]) for t in visible if id(t) in grads}
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
    head = name if t.ndim == 0 else f"{name}  {shape_text(t.shape)}"
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
                _cell(number(v), align="RIGHT") for v in (a.min(), a.mean(), a.max())) + "</TR>")
    else:
        for key, a in lines:
            rows.append("<TR>" + _cell(key, small=True, align="LEFT")
                        + _cell(values_text(a), align="RIGHT") + "</TR>")
    if g is not None and parts and len(parts) > 1:
        # A reused tensor: its gradient is the sum of one contribution per use.
        if g.size == 1 and len(parts) <= 4:
            text = "= " + " + ".join(number(np.asarray(p).item()) for p in parts)
        else:
            text = f"= sum of {len(parts)} contributions"
        rows.append(_td(text, small=True, align="RIGHT", span=span))
    return _table(rows, border_color=_HIGHLIGHT if red else "#333333",
                  pen=2 if red else 1, bgcolor=fill)


def _op_label(t):
    name = t.op_name
    text = _OP_SYMBOLS.get(name, name)
    extra = kwargs_text(t._kwargs)
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
        text = f"{names[id(p)]} {shape_text(p.shape)}"
        if id(p) in grads:
            text += f"  grad ‖·‖ {number(norm(grads[id(p)]))}"
        rows.append(_td(text, align="LEFT"))
    inputs = []
    for t in members:
        for a in t._args:
            if isinstance(a, Tensor) and plan.collapsed.get(id(a)) is not s \
                    and not any(a is p for p in params) and not any(a is x for x in inputs):
                inputs.append(a)
    outputs = [t for t in members if id(t) in plan.visible_ids]
    if inputs:
        rows.append(_td("in: " + ", ".join(f"{names[id(a)]} {shape_text(a.shape)}"
                                           for a in inputs), small=True, align="LEFT"))
    if outputs:
        rows.append(_td("out: " + ", ".join(f"{names[id(a)]} {shape_text(a.shape)}"
                                            for a in outputs), small=True, align="LEFT"))
    return _table(rows, border_color="#7c3aed", pen=2)
