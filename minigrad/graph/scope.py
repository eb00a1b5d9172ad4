"""``mg.scope``: name a stretch of computation so that ``mg.draw`` can collapse it.

A scope records two creation numbers, at enter and at exit; a tensor belongs to
it when it was created in between.  Nothing is recorded per op, so ``nn``
layers open a scope on every call.  This module imports neither Graphviz nor
the drawing code: a model that never draws pays for two counter reads.
"""

from __future__ import annotations

import functools
from collections import deque
from dataclasses import dataclass

from ..tensor import next_seq

__all__ = ["scope", "Scope", "closed_scopes"]


@dataclass(frozen=True)
class Scope:
    """A named stretch of computation: the tensors created while it was open.

    ``start`` and ``end`` are creation numbers: a tensor ``t`` belongs to the
    scope when ``start <= t._seq < end``.  ``path`` joins the names of the
    enclosing scopes with ``/``; ``depth`` is 0 for an outermost scope.
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


def closed_scopes():
    """Every scope closed so far (the most recent 100,000), oldest first.

    >>> import minigrad as mg
    >>> with mg.scope("block"):
    ...     pass
    >>> closed_scopes()[-1].name
    'block'
    """
    return _SCOPES


class scope:
    """Name the tensors created inside a ``with`` block, for ``draw(collapse=...)``.

    Scopes nest; ``draw(root, collapse=True)`` collapses each outermost scope
    into one node, ``collapse=["layer1"]`` only the scopes with that name.
    After the block, ``.record`` is the [`Scope`][minigrad.graph.scope.Scope] it recorded.

    >>> import minigrad as mg
    >>> W = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, name="W")
    >>> x = mg.tensor([1.0, -1.0], name="x")
    >>> with mg.scope("layer1") as s:
    ...     h = mg.tanh(W @ x)
    >>> s.record.name, s.record.start < h._seq < s.record.end
    ('layer1', True)

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
