"""Reading the graph: its tensors, their display names and scopes, and the
engine's backward pass as observed step by step.

Nothing here changes a tensor or writes ``.grad``, and nothing here
differentiates: the gradients come from the one backward pass in
``autograd.run_backward``, watched through its ``observer`` hook, and a local
derivative is the op's own VJP evaluated at an incoming gradient of 1.
"""

from __future__ import annotations

import numpy as np

from ..autograd import no_grad, run_backward, seed_gradient
from ..tensor import Tensor
from .scope import closed_scopes

__all__ = ["collect", "display_names", "scope_chains", "local_derivative",
           "BackwardTrace", "observe_backward"]


def collect(root):
    """Every tensor ``root`` depends on, oldest first, and the consumers of each.

    ``consumers[id(t)]`` lists ``(node, i)``: ``t`` is argument ``i`` of ``node``.
    Iterative depth-first search: no recursion, any depth.

    >>> import minigrad as mg
    >>> x = mg.tensor(2.0, requires_grad=True)
    >>> y = x * x
    >>> tensors, consumers = collect(y)
    >>> len(tensors), [i for _, i in consumers[id(x)]]
    (2, [0, 1])
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


def display_names(tensors):
    """A name per tensor: its own (``x``, repeated ones as ``x#2``) or ``t1``, ``t2``...

    >>> import minigrad as mg
    >>> x = mg.tensor(1.0, name="x")
    >>> sorted(display_names([x, mg.tensor(2.0), mg.tensor(3.0, name="x")]).values())
    ['t1', 'x', 'x#2']
    """
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


def scope_chains(tensors):
    """For each tensor (oldest first), the scopes that contain it, outermost first.

    One sweep over tensors and scopes sorted by creation number, with a stack
    of the scopes open at the current tensor (scopes nest properly).  Tensors
    outside every scope are left out of the result.
    """
    scopes = closed_scopes()
    if not tensors or not scopes:
        return {}
    low, high = tensors[0]._seq, tensors[-1]._seq
    relevant = sorted((s for s in scopes if s.end > low and s.start <= high),
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
        # Only a broken nesting leaves a closed scope under an open one;
        # filter so that it never claims a tensor it does not contain.
        chain = tuple(s for s in stack if s.start <= seq < s.end)
        if chain:
            chains[id(t)] = chain
    return chains


def local_derivative(node, i):
    """d(node)/d(argument i) as a number when both have one element, else None.

    The op's VJP evaluated with an incoming gradient of 1: it explains one
    edge, it does not replay the pass.

    >>> import minigrad as mg
    >>> x = mg.tensor(0.0, requires_grad=True)
    >>> local_derivative(mg.sin(x), 0)        # cos(0)
    1.0
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


class BackwardTrace:
    """What the engine did in one backward pass from ``root``, step by step.

    ``steps`` lists ``(node, incoming, flows)`` in the engine's order (newest
    node first): ``incoming`` is the gradient that reached ``node`` and
    ``flows`` lists ``(i, arg, contribution, total)`` for each argument that
    received gradient.  ``grad(t)`` is the gradient of the root with respect
    to ``t`` (the seed for the root, the last running total for any other
    tensor); ``contributions(t)`` lists what each use of ``t`` added to it, in
    order, so they sum to ``grad(t)``.
    """

    def __init__(self, root, seed):
        self.root = root
        self.seed = seed
        self.steps = []
        self._grads = {id(root): seed}
        self._parts = {}

    def observe(self, node, g, flows):
        """The hook ``run_backward`` calls once per node it visits."""
        grads, parts = self._grads, self._parts
        seen = []
        for i, a, contribution, total in flows:
            contribution, total = np.asarray(contribution), np.asarray(total)
            grads[id(a)] = total
            parts.setdefault(id(a), []).append(contribution)
            seen.append((i, a, contribution, total))
        self.steps.append((node, np.asarray(g), seen))

    def grad(self, t):
        """The gradient of the root with respect to ``t``; None if unreached."""
        return self._grads.get(id(t))

    def contributions(self, t):
        """One array per use of ``t`` (empty for the root and unreached tensors)."""
        return self._parts.get(id(t), [])


def observe_backward(root, gradient=None):
    """Run the engine's backward pass from ``root`` and record every step.

    ``gradient`` is the gradient flowing into ``root`` (PyTorch's
    ``backward(gradient=...)``); omit it for a one-element root.  Nothing is
    stored in ``.grad`` and no graph is recorded.

    >>> import minigrad as mg
    >>> x = mg.tensor(3.0, requires_grad=True)
    >>> trace = observe_backward(x * x)
    >>> float(trace.grad(x)), [float(c) for c in trace.contributions(x)], x.grad
    (6.0, [3.0, 3.0], None)
    """
    seed = seed_gradient(root, gradient)
    trace = BackwardTrace(root, seed)
    # wanted={} asks for no gradient back and so writes none into .grad;
    # create_graph=False runs the VJPs on arrays with graph recording off.
    run_backward([root], [seed], create_graph=False, wanted={}, observer=trace.observe)
    return trace
