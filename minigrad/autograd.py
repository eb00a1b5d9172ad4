"""The backward pass (PyTorch's ``torch.autograd``): ``backward`` and ``grad``; grad mode
(``no_grad`` and kin) lives in ``grad_mode.py`` and is re-exported here.

Order: every tensor carries a creation number (``_seq``), and an op's output is
always created after its inputs, so visiting nodes newest first (a heap keyed
on that number) is a topological order.  Nothing recurses, so a chain of a
million ops backpropagates with Python's default recursion limit.

Broadcasting: a VJP returns a gradient of the *broadcast* shape; ``_unbroadcast``
sums it back to the input's shape here, once, for every edge.
"""

from __future__ import annotations

from heapq import heappop, heappush

import numpy as np

from . import ops
from .anomaly import (  # re-exported: mg.autograd.detect_anomaly, as torch.autograd's
    ANOMALY,
    Mode,
    checked_backward,
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .errors import BackwardError
from .grad_mode import (  # re-exported: mg.autograd.no_grad, as torch.autograd.no_grad
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .tensor import (
    GRAD_ENABLED,
    LAST_CHANGE,
    Tensor,
    install_method,
    leaf,
    unwrap,
    version_at,
)

__all__ = ["grad", "backward", "run_backward", "seed_gradient", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "is_grad_enabled", "detect_anomaly",
           "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]


# ------------------------------------------------------------- the engine
def _unbroadcast(g, shape):
    """Sum ``g`` over the axes that broadcasting added or stretched.

    Works on arrays and on tensors alike (``sum`` and ``reshape`` are methods
    of both), and returns a fresh array rather than a view when it sums.
    """
    if g.shape == shape:
        return g
    # np.add.reduce is the C-level sum (the ndarray.sum wrapper costs more
    # than the arithmetic on small arrays); tensors use their differentiable sum.
    total = np.add.reduce if isinstance(g, np.ndarray) else ops.sum
    if not shape:                      # a scalar input: sum everything
        return total(g, axis=None)
    lead = g.ndim - len(shape)
    if lead:
        g = total(g, axis=tuple(range(lead)))
    stretched = 1 in shape and tuple(
        i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = total(g, axis=stretched, keepdims=True)
    return g if g.shape == shape else g.reshape(shape)


def _check_vjp_shape(node, i, gshape, shape):
    """A VJP must return its argument's shape or one that broadcasting made
    from it; anything else is a bug in the VJP, named here rather than turned
    into a wrong gradient (a (3, 4) gradient for a (4, 3) input would reshape)."""
    lead = len(gshape) - len(shape)
    if lead < 0 or any(n != 1 and n != gshape[lead + k] for k, n in enumerate(shape)):
        raise BackwardError(
            f"the VJP of '{node._op.name}' for argument {i} returned a gradient of shape "
            f"{gshape}, but the argument has shape {shape} (and {gshape} is not a "
            f"broadcast of it). A VJP must return an array of its argument's shape.")


def _tensor_vjp(node, vjp, g, kwargs):
    """A VJP under create_graph=True: run on tensors, so it records a graph."""
    if node._op.differentiable_vjp:
        return vjp(g, node, *node._args, **kwargs)
    # A user's NumPy-only VJP is computed on arrays and wrapped so that
    # differentiating it again explains itself instead of silently giving zero.
    value = np.asarray(vjp(g._data, node._data, *node._values, **kwargs))
    return Tensor._from_op(value, ops.first_order_only, (g,) + node.parents,
                           {"op_name": node._op.name})


def run_backward(roots, seeds, create_graph=False, wanted=None, observer=None):
    """The backward pass: the only one in minigrad.

    Nodes are visited newest first through a heap keyed on creation number,
    so a node is processed only after every node that feeds gradient into it.
    A node enters the heap when it first receives a gradient: no separate
    graph traversal, no recursion.  Returns the gradients of the tensors in
    ``wanted`` (a dict id -> tensor); when ``wanted`` is None, accumulates them
    into ``.grad`` of leaves instead (and of tensors that called retain_grad()).

    ``observer``, when given, is called once per visited node, after its VJPs
    ran, as ``observer(node, g, flows)``: ``g`` is the gradient that flowed
    into ``node`` and ``flows`` lists ``(i, arg, contribution, total)`` for
    every argument that received gradient (the VJP's result after
    unbroadcasting, and the argument's gradient so far).  ``mg.explain`` and
    ``mg.draw`` watch the pass this way instead of replaying it.

    Under ``mg.detect_anomaly()`` the pass is watched by an observer that
    checks every VJP's result (one read of the mode per pass, none per node).
    """
    if ANOMALY.get().__class__ is Mode:
        return checked_backward(run_backward, roots, seeds, create_graph, wanted, observer)
    grads = {}      # tensor -> gradient so far (tensors hash by identity)
    heap = []
    for r, g in zip(roots, seeds):
        if r in grads:
            grads[r] = grads[r] + g
            continue
        grads[r] = g
        if r._op is not None:
            heappush(heap, (-r._seq, r))
    results = {}
    written = set()
    # Record the backward pass only under create_graph; a context variable, so
    # other threads keep their own mode while this pass runs.
    mode = GRAD_ENABLED.set(create_graph)
    last_change = LAST_CHANGE[0]
    try:
        node = heappop(heap)[1] if heap else None
        while node is not None:
            g = grads.pop(node)
            if node._seq < last_change:
                check_versions(node)
            if wanted is not None:
                if id(node) in wanted:
                    results[id(node)] = g
            elif node._retains_grad:
                _store(node, g, written)
            vjps = node._op.vjps
            kwargs = node._kwargs
            follow = None    # a newly reached node that may skip the heap
            flows = [] if observer is not None else None
            # A variadic op (concatenate) gives every argument's gradient in one
            # call: asking per argument would spread N saved values into N calls.
            parts = None
            if node._op.nargs is None and hasattr(vjps, "split"):
                parts = vjps.split(g, node if create_graph else node._data,
                                   node._args if create_graph else node._values,
                                   **(kwargs or _NO_KWARGS))
            i = -1
            for a in node._args:
                i += 1
                if not (isinstance(a, Tensor) and a.requires_grad):
                    continue
                if parts is not None:
                    gi = parts[i]
                elif (vjp := vjps[i]) is None:
                    continue
                elif create_graph:
                    gi = _tensor_vjp(node, vjp, g, kwargs or _NO_KWARGS)
                elif kwargs is None:       # most ops: skip the cost of **{}
                    gi = vjp(g, node._data, *node._values)
                else:
                    gi = vjp(g, node._data, *node._values, **kwargs)
                if gi.shape != a._data.shape:
                    _check_vjp_shape(node, i, gi.shape, a._data.shape)
                    gi = _unbroadcast(gi, a._data.shape)
                if a in grads:
                    grads[a] = grads[a] + gi
                    if flows is not None:
                        flows.append((i, a, gi, grads[a]))
                    continue
                grads[a] = gi
                if flows is not None:
                    flows.append((i, a, gi, gi))
                if a._op is None:
                    continue            # a leaf: its gradient waits in grads
                if follow is None:
                    follow = a
                else:
                    heappush(heap, (-a._seq, a))
            if flows is not None:
                observer(node, g, flows)
            # In a chain, the one node just reached is the only one pending:
            # go straight to it instead of through the heap.
            if follow is not None and heap:
                heappush(heap, (-follow._seq, follow))
                follow = None
            node = follow if follow is not None else (heappop(heap)[1] if heap else None)
    finally:
        GRAD_ENABLED.reset(mode)
    # Only leaves are left in ``grads``.
    for t, g in grads.items():
        if wanted is None:
            _store(t, g, written)
        elif id(t) in wanted:
            results[id(t)] = g
    return results


_NO_KWARGS = {}


def check_versions(node):
    """Raise if a tensor ``node`` saved (an argument, or its own output) was
    changed in place after ``node`` was made.  Change stamps and creation
    numbers come from the same clock, so "after" is a comparison."""
    seq = node._seq
    if node._changes:            # an interior tensor changes only after it is made
        raise modified_error(node, None, node)
    for i, a in enumerate(node._args):
        if isinstance(a, Tensor) and a._changes and a._changes[-1] > seq:
            raise modified_error(node, i, a)


def modified_error(node, i, t):
    """The error for a tensor changed in place after ``node`` saved it
    (``i`` is its argument number, None for the node's own output)."""
    label = f"'{t.name}' of shape {t.shape}" if t.name else f"of shape {t.shape}"
    if i is None:
        role = f"the output of '{node._op.name}', which its derivative may use"
        saved = 0
    else:
        role = f"argument {i} of '{node._op.name}', which saved it in the forward pass"
        saved = version_at(t, node._seq)
    saved = f"version {saved}" if saved is not None else "an older version"
    return BackwardError(
        f"one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: the tensor {label}, {role}, is at version {t._version}; "
        f"the graph saw it at {saved}. An optimizer step or a '.data =' assignment "
        f"changed it after the graph was built, so the gradient would mix old and new "
        f"values. Call backward() before opt.step(), or recompute the loss after the "
        f"step (a new forward pass).")


def _store(t, g, written):
    """Accumulate ``g`` into ``t.grad`` without ever aliasing another gradient."""
    if isinstance(g, Tensor):          # create_graph=True: keep the graph
        t.grad = g if t.grad is None else t.grad + g
        return
    g = np.asarray(g)
    if g.dtype != t._data.dtype:
        g = g.astype(t._data.dtype)
    if t.grad is not None:
        t.grad = t.grad + g
        return
    # A VJP may pass ``g`` straight through (add) or return a read-only
    # broadcast view (sum); copy those so each .grad is its own array.
    if id(g) in written or g.base is not None or not g.flags.writeable:
        g = g.copy()
    written.add(id(g))
    t.grad = g


def seed_gradient(root, gradient, create_graph=False):
    """The gradient that starts the pass: ``gradient``, or 1 for a one-element root."""
    if gradient is None:
        if root.data.size != 1:
            raise BackwardError(
                f"backward() on a tensor of shape {root.shape} needs the gradient of the "
                f"final result with respect to it: pass gradient= an array of that shape, "
                f"or reduce first (e.g. y.sum().backward()).")
        seed = np.empty(root.data.shape, dtype=root.data.dtype)   # np.ones is a slow wrapper
        seed.fill(1)
    else:
        seed = np.array(unwrap(gradient), dtype=root.data.dtype)
        if seed.shape != root.data.shape:
            raise BackwardError(
                f"backward(gradient=...) got a gradient of shape {seed.shape} for a tensor "
                f"of shape {root.shape}; they must match.")
    if create_graph:
        return gradient if isinstance(gradient, Tensor) else leaf(seed)
    return seed


def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(self)/d(leaf) into ``.grad`` of every leaf that requires grad.

    PyTorch's ``Tensor.backward``.  ``gradient`` is the gradient flowing into
    this tensor; it may be omitted only for a one-element output.  With
    ``create_graph=True`` the gradients are tensors with graphs of their own,
    so they can be differentiated again.  ``inputs`` limits the accumulation
    to those tensors.  ``retain_graph`` is accepted for PyTorch's sake: the
    graph is always kept, so calling ``backward`` a second time adds the same
    gradients again (PyTorch with ``retain_graph=True``).

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).backward(gradient=mg.tensor([1.0, 0.5]))
    >>> x.grad
    array([2., 2.])
    """
    del retain_graph                       # the graph is never freed
    if not self.requires_grad:
        raise BackwardError(
            "backward() on a tensor that does not require grad: none of the tensors it "
            "was computed from has requires_grad=True (or it was computed under "
            "mg.no_grad()). Create your variables with mg.tensor(..., requires_grad=True).")
    seed = seed_gradient(self, gradient, create_graph)
    if inputs is None:
        run_backward([self], [seed], create_graph)
        return
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    results = run_backward([self], [seed], create_graph, {id(t): t for t in inputs})
    written = set()
    for t in inputs:
        if id(t) in results:
            _store(t, results[id(t)], written)


install_method("backward", backward)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned, not stored.

    PyTorch's ``torch.autograd.grad``, with its arguments and defaults: a
    tuple with one gradient per input, and ``.grad`` fields left untouched.
    ``grad_outputs`` is the gradient flowing into each output (omit it for
    one-element outputs).  An input the outputs do not depend on is an error
    unless ``allow_unused=True`` (then its gradient is None) or
    ``materialize_grads=True`` (then it is zeros).  ``retain_graph`` is
    accepted for PyTorch's sake: minigrad always keeps the graph.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> mg.autograd.grad((x ** 3).sum(), x)
    (array([ 3., 12.]),)
    """
    del retain_graph                     # the graph is never freed
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs] * len(outputs)
    else:
        grad_outputs = list(grad_outputs)
        if len(grad_outputs) != len(outputs):
            # zip would silently drop the outputs (or gradients) left over.
            raise BackwardError(
                f"autograd.grad: got {len(outputs)} output(s) but {len(grad_outputs)} "
                f"grad_outputs; pass one gradient per output (None for a one-element "
                f"output), in the same order.")
    roots, seeds = [], []
    for out, g in zip(outputs, grad_outputs):
        if out.requires_grad:
            roots.append(out)
            seeds.append(seed_gradient(out, g, create_graph))
    if not roots and not allow_unused:
        raise BackwardError(
            "autograd.grad: none of the outputs requires grad, so there is no graph to "
            "differentiate. Create the inputs with requires_grad=True (and compute the "
            "outputs outside mg.no_grad()).")
    wanted = {id(x): x for x in inputs}
    results = run_backward(roots, seeds, create_graph, wanted) if roots else {}
    grads = []
    for k, x in enumerate(inputs):
        g = results.get(id(x))
        if g is None:
            if not allow_unused:
                raise BackwardError(
                    f"autograd.grad: input {k} (shape {x.shape}) was not used to compute "
                    f"the outputs, so it has no gradient. Pass allow_unused=True to get "
                    f"None for it, or materialize_grads=True to get zeros.")
            if materialize_grads:
                zeros = np.zeros(x.data.shape, dtype=x.data.dtype)
                g = leaf(zeros) if create_graph else zeros
        grads.append(g)
    return tuple(grads)
