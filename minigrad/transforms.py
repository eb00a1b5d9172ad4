"""Function transforms, JAX-style: ``grad``, ``value_and_grad``, ``jacobian``,
``hessian``, ``hvp``.

Each takes a function of arrays (or tensors) and returns a new function.  They
are built on the one backward pass in ``autograd.py`` and compose to any depth.

How a call works.  Every differentiated argument becomes a *fresh variable* of
its own: a new leaf when the argument is an array (or a tensor nobody is
differentiating), or, when the argument is a tensor that requires grad, a new
node that copies it (a same-shape ``reshape``) so that it stays in the graph of
whoever is differentiating it.  The function runs with grad mode on, and the
gradient is taken with respect to the fresh variables only.  Two transforms
therefore never mix up their variables, even when one is called on the
other's variable: ``d/dx [x * d/dy (x + y)]`` at ``y = x`` is 1, not 2 (the
"perturbation confusion" of naive implementations).  When the call returns,
its new leaves stop requiring grad: that variable is finished, and to anything
that differentiates the result later it is a constant, as in JAX.

Whether the result stays in a graph.  After the function ran, its output is
walked once: if it depends on a tensor that requires grad other than the fresh
variables (an argument of an enclosing transform, a closed-over parameter, a
tensor argument that requires grad), the gradient is built with
``create_graph=True`` and returned as a tensor connected to that graph, so an
enclosing transform or a later ``backward`` differentiates through it.  If not,
the result is a plain array (a tensor when the argument was a tensor), as it
would be at the top level.  Under ``mg.no_grad()`` nothing is connected.

A function whose output does not depend on the differentiated arguments (a
constant, or a tensor computed from other things) has a zero gradient, as in
JAX and HIPS autograd; minigrad returns zeros and warns, since that is most
often a bug in ``f``.
"""

from __future__ import annotations

import contextlib
import functools
import warnings

import numpy as np

from . import functional as F
from .autograd import enable_grad, is_grad_enabled
from .autograd import grad as autograd_grad
from .errors import BackwardError
from .tensor import Tensor, leaf, to_array


# ------------------------------------------------------------------ helpers
def _single(argnums):
    return isinstance(argnums, (int, np.integer))


def _argnums_tuple(argnums):
    return (argnums,) if _single(argnums) else tuple(argnums)


def _fresh_variable(a, connect):
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
def _variables(args, nums):
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
        args[i] = _fresh_variable(args[i], connect)
    xs = [args[i] for i in nums]
    try:
        with enable_grad():
            yield args, xs, connect
    finally:
        for x in xs:
            if x.is_leaf:
                x.requires_grad_(False)


def _dependencies(t, fresh):
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


def _constant_output(out, who):
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


def _warn_independent(who, f, nums, stacklevel):
    name = getattr(f, "__name__", "f")
    which = f"argument {nums[0]}" if len(nums) == 1 else f"arguments {nums}"
    warnings.warn(
        f"mg.{who}: the output of {name} does not depend on its {which}, so the "
        f"derivative is zero. Check that {name} computes its output from the "
        f"argument with minigrad operations (not from .data, .item() or NumPy).",
        UserWarning, stacklevel=stacklevel + 1)


def _result(g, as_tensor):
    """Arrays in, arrays out; tensors in, tensors out; and a tensor whenever the
    result depends on a graph outside this transform, so it stays connected.
    (Called after the variables were retired: only outer tensors still count.)"""
    if isinstance(g, Tensor):
        if as_tensor or (g.requires_grad and _dependencies(g, set())[1]):
            return g
        return g.data
    g = np.asarray(g)
    return leaf(g) if as_tensor else g


# ------------------------------------------------------ functional transforms
def _value_and_grads(f, nums, args, kwargs, who, warn=True):
    """The value of ``f`` and its gradients with respect to the arguments ``nums``."""
    was_tensor = [isinstance(args[i], Tensor) for i in nums]
    with _variables(args, nums) as (args, xs, connect):
        out = f(*args, **kwargs)
        data = out.data if isinstance(out, Tensor) else _constant_output(out, who)
        if data.size != 1:
            raise BackwardError(
                f"{who}(f) needs f to return a one-element tensor, got shape {data.shape}. "
                f"Reduce the output (e.g. .sum() or .mean()) or use mg.jacobian.")
        on_fresh = on_other = False
        if isinstance(out, Tensor) and out.requires_grad:
            on_fresh, on_other = _dependencies(out, set(xs))
        keep = connect and on_other
        if on_fresh:
            grads = autograd_grad(out, xs, create_graph=keep, materialize_grads=True)
        else:
            if warn:
                _warn_independent(who, f, nums, stacklevel=3)
            grads = [np.zeros(x.data.shape, dtype=x.data.dtype) for x in xs]
    grads = [_result(g, t) for g, t in zip(grads, was_tensor)]
    if keep:
        return out, grads
    value = data.reshape(())
    return (leaf(value) if any(was_tensor) else value), grads


def value_and_grad(f, argnums=0):
    """``f``'s value and its gradient with respect to argument(s) ``argnums``.

    ``argnums`` is an index or a tuple of indices (then the gradient is a
    tuple).  Closures and nesting work: see the module's notes.

    >>> import numpy as np, minigrad as mg
    >>> value, g = mg.value_and_grad(lambda x: (x ** 2).sum())(np.array([1.0, 3.0]))
    >>> float(value), g
    (10.0, array([2., 6.]))
    """
    nums = _argnums_tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        value, grads = _value_and_grads(f, nums, args, kwargs, "value_and_grad")
        return value, (grads[0] if _single(argnums) else tuple(grads))
    return wrapped


def grad(f, argnums=0):
    """The gradient function of a scalar-valued ``f``; nests for higher order.

    Inside another transform, or when ``f`` closes over a tensor that requires
    grad, the gradient is a tensor that stays in that graph.  An output that
    does not depend on the argument gives zeros and a warning.

    >>> import numpy as np, minigrad as mg
    >>> mg.grad(lambda x: mg.sin(x).sum())(np.array([0.0]))
    array([1.])
    >>> second = mg.grad(lambda x: mg.grad(lambda y: (y ** 3).sum())(x).sum())
    >>> second(np.array([2.0]))   # d²/dx² x³ = 6x
    array([12.])
    >>> inner = lambda y: mg.grad(lambda x: ((x * y) ** 2).sum())(1.0)  # closes over y
    >>> mg.grad(inner)(np.array([0.5, 2.0]))    # d/dy of 2 * sum(y²) at x = 1
    array([2., 8.])
    """
    nums = _argnums_tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        grads = _value_and_grads(f, nums, args, kwargs, "grad")[1]
        return grads[0] if _single(argnums) else tuple(grads)
    return wrapped


def _jacobians(f, nums, args, kwargs, who, warn=True):
    """One Jacobian per argument in ``nums``: one backward pass per output element."""
    was_tensor = [isinstance(args[i], Tensor) for i in nums]
    with _variables(args, nums) as (args, xs, connect):
        out = f(*args, **kwargs)
        on_fresh = on_other = False
        if isinstance(out, Tensor):
            data = out.data
            if out.requires_grad:
                on_fresh, on_other = _dependencies(out, set(xs))
        else:
            data = _constant_output(out, who)
        shapes = [data.shape + x.data.shape for x in xs]
        keep = connect and on_other
        if not on_fresh:
            if warn:
                _warn_independent(who, f, nums, stacklevel=3)
            jacs = [np.zeros(s, dtype=x.data.dtype) for s, x in zip(shapes, xs)]
        else:
            rows = [[] for _ in xs]
            for k in range(data.size):
                seed = np.zeros(data.size, dtype=data.dtype)
                seed[k] = 1.0
                gs = autograd_grad(out, xs, seed.reshape(data.shape), create_graph=keep,
                                   materialize_grads=True)
                for r, g in zip(rows, gs):
                    r.append(g)
            stack = F.stack if keep else np.stack
            jacs = [stack(r).reshape(s) if r else np.zeros(s, dtype=x.data.dtype)
                    for r, s, x in zip(rows, shapes, xs)]
    return [_result(j, t) for j, t in zip(jacs, was_tensor)]


def jacobian(f, argnums=0):
    """The Jacobian of ``f`` at a point, of shape ``out.shape + x.shape``.

    One backward pass per output element (reverse mode).  With a tuple of
    ``argnums`` it returns a tuple of Jacobians, one per argument.

    >>> import numpy as np, minigrad as mg
    >>> mg.jacobian(lambda x: x * x)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    >>> w0 = np.array([0.5, 2.0])   # differentiate through the Jacobian itself
    >>> mg.grad(lambda w: mg.jacobian(lambda x: x * w)(np.ones(2)).sum())(w0)
    array([1., 1.])
    """
    nums = _argnums_tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        jacs = _jacobians(f, nums, args, kwargs, "jacobian")
        return jacs[0] if _single(argnums) else tuple(jacs)
    return wrapped


def hessian(f, argnums=0):
    """The Hessian of a scalar ``f``: the Jacobian of its gradient (double backward).

    >>> import numpy as np, minigrad as mg
    >>> mg.hessian(lambda x: (x[0] ** 2) * x[1])(np.array([1.0, 3.0]))
    array([[6., 2.],
           [2., 0.]])
    """
    if not _single(argnums):
        raise TypeError("hessian(f, argnums) takes a single argument index")
    nums = (argnums,)
    g = grad(f, argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        # A gradient that does not depend on x is a zero Hessian (f is linear),
        # not a suspicious f: no warning here (grad warns if f is constant).
        return _jacobians(g, nums, args, kwargs, "hessian", warn=False)[0]
    return wrapped


def hvp(f, argnums=0):
    """Hessian-vector product ``H(x) @ v`` without forming ``H``: ``hvp(f)(x, v)``.

    ``v`` may be a tensor that requires grad: the product then stays in its graph.

    >>> import numpy as np, minigrad as mg
    >>> mg.hvp(lambda x: (x ** 3).sum())(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    array([ 6., 12.])
    """
    if not _single(argnums):
        raise TypeError("hvp(f, argnums) takes a single argument index")
    nums = (argnums,)
    g = grad(f, argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        *primals, v = args
        if not isinstance(v, Tensor):
            v = to_array(v)

        def directional(*xs):
            return (g(*xs, **kwargs) * v).sum()
        # A gradient that does not depend on x gives a zero product (f is
        # linear): no warning for that (grad warns if f itself is constant).
        return _value_and_grads(directional, nums, primals, {}, "hvp", warn=False)[1][0]
    return wrapped
