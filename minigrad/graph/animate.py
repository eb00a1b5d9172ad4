"""``mg.animate``: the backward pass as a film, one frame per step of the engine.

The frames are the steps of the one backward pass in ``autograd.run_backward``,
watched through its observer hook (``trace.observe_backward``) exactly as
``mg.explain`` and ``mg.draw`` watch it: no replay and no second backward
implementation.  Each step becomes a [`Frame`][minigrad.graph.animate.Frame] (structured data: the
node, its incoming gradient, what each argument received) and a picture drawn by
``mg.draw`` with the frame's state in place of the finished gradients.
``player.py`` turns the pictures into a GIF, an APNG or an HTML player.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..tensor import Tensor
from .dot import draw
from .ledger import Ledger
from .player import html_page, player_html, strip_svg, write_movie
from .text import const_text, kwargs_text, number, summary, values_text
from .trace import collect, display_names, observe_backward

__all__ = ["animate", "Animation", "Frame", "Contribution"]

_ACTIVE = "#dc2626"            # the edges a step sends gradient along
_PAST = "#6b7280"              # the edges earlier steps used
_NODE_LEVEL, _RECEIVER_LEVEL = 6, 3     # fills from draw's gradient palette


@dataclass(frozen=True, eq=False)
class Contribution:
    """What one argument of the step's node received: ``product = incoming * local``.

    ``local`` is the local derivative d(node)/d(argument) as a number when
    both have one element (else None, and ``rule`` says what the VJP does);
    ``product`` is the gradient sent along the edge, ``total`` the argument's
    gradient after adding it, the ``count``-th contribution to it; ``text`` is
    the ledger's line for it.
    """

    target: str
    tensor: Tensor
    index: int
    local: float | None
    rule: str
    product: np.ndarray
    total: np.ndarray
    count: int
    text: str


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture of the film: a step of the backward pass, or the final frame.

    ``step`` counts from 1; ``node`` is the tensor whose gradient is sent back
    (None on the final frame), ``name`` its display name, ``incoming`` the
    gradient that reached it and ``contributions`` what each of its arguments
    received ([`Contribution`][minigrad.graph.animate.Contribution]).  ``grad(t)`` is ``t``'s
    gradient as it
    stands after this step (None while no gradient has reached it).
    """

    step: int
    node: Tensor | None
    name: str | None
    incoming: np.ndarray | None
    contributions: tuple
    caption: str
    grads: dict = field(repr=False)
    parts: dict = field(repr=False)
    # How mg.draw marks the step: boxes outlined and filled, and the pass's
    # edge texts and box sizes, shared by every frame of the film.
    marked: frozenset = field(default=frozenset(), repr=False)
    levels: dict = field(default_factory=dict, repr=False)
    film: _Film = field(default=None, repr=False)

    @property
    def final(self):
        """True for the last frame, which shows the finished gradients."""
        return self.node is None

    def grad(self, t):
        """``t``'s gradient after this step; None while nothing has reached it."""
        return self.grads.get(id(t))

    def edge_attrs(self, node, i, attrs):
        """``mg.draw``'s DOT attributes of the edge from argument ``i`` to ``node``'s op,
        with what the edge carries in the pass under the local derivative."""
        key = (id(node), i)
        text = self.film.edge_texts.get(key)
        if text is None:
            return attrs
        when = self.film.edge_steps[key]
        # Every frame holds every edge's text, unseen before its step, so the
        # labels keep their size and the layout does not move between frames.
        color = (_ACTIVE if when == self.step else
                 _PAST if when < self.step else "transparent")
        lines = "<BR/>".join(html.escape(line) for line in attrs["label"].split("\\n"))
        attrs = dict(attrs, label=f'<{lines}<BR/><FONT COLOR="{color}">'
                                  f'{html.escape(text)}</FONT>>')
        if when == self.step:
            attrs.update(color=_ACTIVE, penwidth="2.4")
        elif when > self.step:
            attrs["decorate"] = "false"     # no underline under a text not shown yet
        return attrs

    def node_attrs(self, node_id):
        """Extra DOT attributes of a tensor's box: one size in every frame."""
        size = self.film.sizes.get(node_id)
        if size is None:
            return {}
        return {"shape": "box", "fixedsize": "true", "width": f"{size[0]:.4f}",
                "height": f"{size[1]:.4f}", "margin": "0", "peripheries": "0"}


class _Film:
    """What the frames share: each edge's text and step, and each box's size."""

    def __init__(self):
        self.edge_texts = {}
        self.edge_steps = {}
        self.sizes = {}


def _call_text(node, names):
    args = [names[id(a)] if isinstance(a, Tensor) else const_text(a) for a in node._args]
    extra = kwargs_text(node._kwargs)
    return f"{names[id(node)]} = {node.op_name}({', '.join(args + ([extra] if extra else []))})"


def _edge_text(entry):
    if entry.local is not None and entry.incoming.size == 1 and entry.product.size == 1:
        return (f"{number(entry.incoming.item())} × {number(entry.local)} = "
                f"{number(entry.product.item())}")
    return f"sends {values_text(entry.product)}"


def frames_of(ledger, names):
    """The frames of the pass the ledger recorded: one per step, then the final one."""
    trace = ledger.trace
    grads = {id(ledger.root): np.asarray(ledger.seed)}
    parts = {}
    entries = iter(ledger.entries)
    frames = []
    film = _Film()
    n = len(trace.steps)
    for k, (node, incoming, flows) in enumerate(trace.steps, start=1):
        contributions, levels = [], {id(node): _NODE_LEVEL}
        lines = [f"Step {k} of {n}: {_call_text(node, names)}; "
                 f"{names[id(node)]}.grad = {summary(incoming)} flows back"]
        for _ in flows:
            e = next(entries)
            grads[id(e.tensor)] = e.total
            parts[id(e.tensor)] = list(e.parts)
            levels[id(e.tensor)] = _RECEIVER_LEVEL
            film.edge_texts[(id(node), e.index)] = _edge_text(e)
            film.edge_steps[(id(node), e.index)] = k
            lines.append("    " + e.text())
            contributions.append(Contribution(
                target=e.target, tensor=e.tensor, index=e.index, local=e.local,
                rule=e.rule, product=e.product, total=e.total, count=e.count,
                text=e.text()))
        frames.append(Frame(step=k, node=node, name=names[id(node)], incoming=incoming,
                            contributions=tuple(contributions), caption="\n".join(lines),
                            grads=dict(grads), parts={i: list(p) for i, p in parts.items()},
                            marked=frozenset({id(node)}), levels=levels, film=film))
    leaves = sorted((e.tensor for e in ledger.entries
                     if e.tensor._op is None and e.tensor.requires_grad),
                    key=lambda t: t._seq)
    if ledger.root._op is None:        # a leaf drawn on its own: its gradient is the seed
        leaves.append(ledger.root)
    seen, lines = set(), [f"Done after {n} step{'s' if n != 1 else ''}: "
                          f"the gradients of the leaves"]
    for t in leaves:
        if id(t) not in seen:
            seen.add(id(t))
            lines.append(f"    {names[id(t)]}.grad = {summary(grads[id(t)])}")
    frames.append(Frame(step=n + 1, node=None, name=None, incoming=None, contributions=(),
                        caption="\n".join(lines), grads=dict(grads),
                        parts={i: list(p) for i, p in parts.items()}, film=film))
    return frames


class Animation:
    """The frames of one backward pass and their pictures.

    ``frames`` lists [`Frame`][minigrad.graph.animate.Frame] objects (one per step of the engine,
    then the final frame); ``graphs`` their ``mg.draw`` pictures (Graphviz
    graphs), ``svgs`` the same as SVG text; ``ledger`` is
    the [`Ledger`][minigrad.graph.ledger.Ledger] of the same pass.
    ``save(path)`` writes ``.gif``, ``.png`` (APNG) or ``.html``.  In Jupyter
    the object shows itself as the HTML player (buttons and a slider, in plain
    JavaScript); ``widget()`` gives an ipywidgets stepper instead.  The player
    is the default because it works everywhere a notebook's output goes: a
    notebook rendered into a web page (nbconvert, the docs site) would show a
    widget only with the widget manager's JavaScript fetched from the network.
    """

    def __init__(self, root, frames, graphs, ledger, duration):
        self.root = root
        self.frames = frames
        self.ledger = ledger
        self.duration = duration
        self._interval = int(round(duration * 1000))
        self.graphs = graphs
        self.svgs = [g.pipe(format="svg", encoding="utf-8") for g in graphs]

    def __len__(self):
        return len(self.frames)

    def __repr__(self):
        return (f"<Animation of the backward pass: {len(self.frames) - 1} steps "
                f"+ the final frame>")

    def pngs(self, dpi=96):
        """Each frame as PNG bytes (rendered by Graphviz's ``dot``)."""
        out = []
        for g in self.graphs:
            g = g.copy()
            g.graph_attr["dpi"] = str(dpi)
            out.append(g.pipe(format="png"))
        return out

    def html(self, title="The backward pass, step by step"):
        """The whole animation as one self-contained HTML page (no network needed)."""
        return html_page(self.svgs, title, self._interval)

    def save(self, path, *, dpi=96):
        """Write the animation to ``path``: ``.gif``, ``.png`` (APNG) or ``.html``."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".html":
            path.write_text(self.html(), encoding="utf-8")
        elif suffix in (".gif", ".png", ".apng"):
            write_movie(path, self.pngs(dpi), self.duration, "GIF" if suffix == ".gif" else "PNG")
        else:
            raise ValueError(f"mg.animate: cannot write {path.name!r}; the path must end in "
                             f".gif, .png (an animated PNG) or .html")
        return path

    def _repr_html_(self):
        return player_html(self.svgs, self._interval)

    def widget(self):
        """An ipywidgets stepper (play button, slider, picture) for a live kernel;
        needs ipywidgets (``pip install ipywidgets``)."""
        try:
            import ipywidgets as widgets
        except ImportError as exc:
            raise ImportError("Animation.widget needs ipywidgets: pip install ipywidgets "
                              "(without it, Jupyter shows the HTML player)") from exc
        last = len(self.svgs) - 1
        svgs = [strip_svg(svg) for svg in self.svgs]
        picture = widgets.HTML(svgs[0])
        slider = widgets.IntSlider(value=0, min=0, max=last, description="step")
        play = widgets.Play(value=0, min=0, max=last, interval=int(self.duration * 1000))
        widgets.jslink((play, "value"), (slider, "value"))
        slider.observe(lambda change: setattr(picture, "value", svgs[change["new"]]),
                       names="value")
        return widgets.VBox([widgets.HBox([play, slider]), picture])


def animate(root, path=None, *, gradient=None, show_values=True, rankdir="LR",
            max_nodes=200, duration=1.5, dpi=96):
    """Animate the backward pass from ``root``: one frame per step of the engine.

    Each frame is ``mg.draw``'s picture of the graph at one step of the
    backward pass: the node being processed filled dark and outlined red, the
    gradient that reached it in its box, each edge to an argument in red with
    ``incoming × local derivative = product``, and each argument's box showing
    its gradient as it accumulates (``= a + b`` for a tensor used twice).  The
    last frame shows the finished gradients.  The steps are those of the
    engine's own pass, observed as it runs (as ``mg.explain`` does): nothing is
    replayed and nothing is written to ``.grad``.

    ``path`` ending in ``.gif`` writes an animated GIF, ``.png`` an animated
    PNG (both need Pillow: ``pip install 'minigrad[plot]'``), ``.html`` one
    self-contained page with the SVG frames, a slider and prev / next / play
    buttons.  With no path, Jupyter shows the returned
    [`Animation`][minigrad.graph.animate.Animation] as
    that player (``.widget()`` gives an ipywidgets slider instead).
    ``duration`` is the seconds per frame of a movie or of the player's play
    button (a movie holds its final frame three times as long); ``dpi`` the
    resolution of a movie; ``gradient``, ``show_values``, ``rankdir`` and
    ``max_nodes`` are ``mg.draw``'s (``rankdir="TB"`` suits slides).  Needs Graphviz's ``dot``
    (``GraphvizNotFoundError`` without it, as ``mg.draw``).

    The frames are data too: ``frames[k].node``, ``.incoming`` and
    ``.contributions`` hold the numbers each picture shows.

    >>> import minigrad as mg
    >>> require_dot()            # the test suite skips this example without Graphviz
    >>> x = mg.tensor(2.0, requires_grad=True, name="x")
    >>> anim = mg.animate(x * x)
    >>> len(anim.frames)          # one step (the node x * x), then the finished gradients
    2
    >>> for c in anim.frames[0].contributions:
    ...     print(c.text)
    x.grad += t1.grad * x = 1 * 2 = 2
    x.grad += t1.grad * x = 1 * 2 = 2   => x.grad = 2 + 2 = 4
    >>> anim.frames[-1].final, float(anim.frames[-1].grad(x))
    (True, 4.0)
    >>> anim.save("backward.gif")          # doctest: +SKIP
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"mg.animate needs a Tensor, got {type(root).__name__}")
    if not root.requires_grad:
        raise ValueError(
            "mg.animate: this tensor does not require grad, so the backward pass has no step "
            "to show; make a leaf with requires_grad=True (and compute outside no_grad)")
    if duration <= 0:
        raise ValueError(f"duration must be a positive number of seconds, got {duration!r}")
    if path is not None and Path(path).suffix.lower() not in (".gif", ".png", ".apng", ".html"):
        raise ValueError(f"mg.animate: cannot write {Path(path).name!r}; the path must end in "
                         f".gif, .png (an animated PNG) or .html")
    ledger, names = _ledger(root, gradient)
    frames = frames_of(ledger, names)
    height = max(f.caption.count("\n") for f in frames) + 1

    def pictures():
        return [draw(root, frame=f, show_values=show_values, rankdir=rankdir,
                     max_nodes=max_nodes, legend=False, title=_dot_caption(f.caption, height))
                for f in frames]

    # Lay every frame out once, then draw each box at its largest size in
    # every frame: the same layout throughout, so the picture does not jump.
    film = frames[0].film
    for g in pictures():
        for line in g.pipe(format="plain", encoding="utf-8").splitlines():
            words = line.split(" ", 6)
            if words[0] == "node" and words[1].startswith("t"):
                w, h = float(words[4]), float(words[5])
                old = film.sizes.get(words[1], (0.0, 0.0))
                film.sizes[words[1]] = (max(old[0], w), max(old[1], h))
    graphs = pictures()
    animation = Animation(root, frames, graphs, ledger, duration)
    if path is not None:
        animation.save(path, dpi=dpi)
    return animation


def _ledger(root, gradient=None):
    """The ledger of one observed backward pass from ``root``, and the display names."""
    tensors, _ = collect(root)
    names = display_names(tensors)
    return Ledger(observe_backward(root, gradient), names), names


def _dot_caption(text, height):
    # draw ends the title with DOT's left-justified line break; use it inside
    # too, and give every caption the same number of lines.
    text += "\n " * (height - 1 - text.count("\n"))
    return text.replace("\\", "\\\\").replace("\n", "\\l")
