"""The variables of the function transforms, and how their results come back.

The machinery under every transform of ``transforms.py`` (``grad``, ``vjp``,
``ggnvp``, ...): a fresh variable per differentiated argument, retired
when the call returns (and revived while a ``vjp`` function runs), one walk
that says what an output depends on, and the rule that turns a gradient or
an output into what the caller gets (an array, a tensor, or a tensor that
stays in an outer graph).  ``transforms.py``'s docstring tells the story.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np

from .autograd import enable_grad, is_grad_enabled
from .errors import BackwardError
from .tensor import Tensor, leaf, to_array


def fresh_variable(a, connect):
    """The variable a transform differentiates with respect to, for argument ``a``.

    When ``a`` is a tensor that requires grad (and ``connect``: grad mode was
    on at the call), the variable is a new node computed from ``a``: its
    gradient counts only the uses of the variable, never other uses of ``a``
    (no perturbation confusion), and an outer transform differentiating ``a``
    still sees through it.  Otherwise it is a new leaf holding ``a``'s values,
    in floating point.
    """
    if connect and isinstance(a, Tensor) and a.requires_grad:
        return a.reshape(a.shape)
    data = to_array(a)
    if data.dtype.kind in "biu":
        data = data.astype(np.float64)
    return leaf(data).requires_grad_()


@contextlib.contextmanager
def variables(args, nums):
    """Fresh variables for the arguments ``nums``, and grad mode on while in use.

    Yields the new argument list, the variables and whether the result may
    join the caller's graph (grad mode was on at the call).  On the way out the
    variables that are new leaves stop requiring grad: that perturbation is
    over, so an enclosing transform, or a later ``backward`` through a result
    that kept its graph, treats them as the constants they now are.
    """
    connect = is_grad_enabled()
    args = list(args)
    for i in nums:
        args[i] = fresh_variable(args[i], connect)
    xs = [args[i] for i in nums]
    try:
        with enable_grad():
            yield args, xs, connect
    finally:
        for x in xs:
            if x.is_leaf:
                x.requires_grad_(False)


def dependencies(t, fresh):
    """What ``t`` depends on: (a fresh variable, a tensor that requires grad
    and is not one of the fresh variables).  ``fresh`` is a set of tensors.

    One walk over the graph, stopping as soon as both are found.  It reads
    the node's ``_op`` and ``_args`` directly, as ``graph/`` does: the public
    ``parents`` builds a tuple per node and made the walk cost a third of a
    backward pass instead of a tenth.
    """
    on_fresh = on_other = False
    stack, seen = [t], {t}          # tensors hash by identity
    pop, push, add = stack.pop, stack.append, seen.add
    while stack:
        node = pop()
        if node in fresh:
            on_fresh = True
            if node._op is None:
                continue
        elif node._op is None:
            on_other = True
        if on_fresh and on_other:
            break
        for p in node._args:
            if isinstance(p, Tensor) and p.requires_grad and p not in seen:
                add(p)
                push(p)
    return on_fresh, on_other


def constant_output(out, who):
    """The array of an output that is not a tensor: a number or a numeric array.
    Anything else (None from a forgotten ``return``, a string) is an error."""
    try:
        data = np.asarray(out)
    except (TypeError, ValueError):
        data = None
    if data is None or data.dtype.kind not in "biuf":
        raise BackwardError(
            f"{who}(f) needs f to return a tensor, got {type(out).__name__}. Compute the "
            f"output with minigrad operations on f's arguments (and check that f returns it).")
    return data if data.dtype.kind == "f" else data.astype(np.float64)


def warn_independent(who, f, nums, stacklevel):
    name = getattr(f, "__name__", "f")
    which = f"argument {nums[0]}" if len(nums) == 1 else f"arguments {nums}"
    warnings.warn(
        f"mg.{who}: the output of {name} does not depend on its {which}, so the "
        f"derivative is zero. Check that {name} computes its output from the "
        f"argument with minigrad operations (not from .data, .item() or NumPy).",
        UserWarning, stacklevel=stacklevel + 1)


def result(g, as_tensor):
    """Arrays in, arrays out; tensors in, tensors out; and a tensor whenever the
    result depends on a graph outside this transform, so it stays connected.
    (Called after the variables were retired: only outer tensors still count.)"""
    if isinstance(g, Tensor):
        if as_tensor or (g.requires_grad and dependencies(g, set())[1]):
            return g
        return g.data
    g = np.asarray(g)
    return leaf(g) if as_tensor else g


def split_aux(out, who):
    """``f``'s (output, aux) pair under ``has_aux=True``, or a clear error."""
    if isinstance(out, (tuple, list)) and len(out) == 2:
        return out
    got = f"a {type(out).__name__} of length {len(out)}" if isinstance(
        out, (tuple, list)) else f"a {type(out).__name__}"
    raise BackwardError(
        f"{who}(f, has_aux=True) needs f to return a pair (output, aux), got {got}. "
        f"Return `out, aux` from f, or drop has_aux=True.")


def constant(t, as_tensor, connect):
    """A tensor computed in a finished transform, as the caller gets it (call
    after the variables retired): the tensor itself while it is in an outer
    graph (a parameter, an enclosing transform's variable), else its values
    (an array, or a tensor without graph when the arguments were tensors).
    Anything that is not a tensor is returned as given."""
    if isinstance(t, Tensor):
        if connect and t.requires_grad and dependencies(t, set())[1]:
            return t
        return leaf(t.data) if as_tensor else t.data
    return t


def tree_map(fn, tree):
    """``fn`` on every leaf of nested tuples, lists and dicts (JAX's pytrees)."""
    if isinstance(tree, (tuple, list)):
        items = [tree_map(fn, t) for t in tree]
        return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
    if isinstance(tree, dict):
        return {k: tree_map(fn, v) for k, v in tree.items()}
    return fn(tree)


@contextlib.contextmanager
def revived(xs):
    """The retired leaf variables ``xs`` require grad again while in use: a
    ``vjp`` function runs its backward pass after its call returned."""
    back = [x for x in xs if x.is_leaf and not x.requires_grad]
    for x in back:
        x.requires_grad_(True)
    try:
        yield
    finally:
        for x in back:
            x.requires_grad_(False)
