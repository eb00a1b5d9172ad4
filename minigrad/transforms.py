"""Function transforms, JAX-style: ``grad``, ``value_and_grad``, ``jacobian``,
``hessian``, ``hvp``, ``vjp``; autograd's ``elementwise_grad``; ``ggnvp``.

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

The machinery of the variables lives in ``fresh_variables.py``.  A ``vjp``
function runs its backward pass after the call returned: while it runs, its
retired variables require grad again (and retire once more when it is done).

A function whose output does not depend on the differentiated arguments (a
constant, or a tensor computed from other things) has a zero gradient, as in
JAX and HIPS autograd; minigrad returns zeros and warns, since that is most
often a bug in ``f``.
"""

from __future__ import annotations

import functools

import numpy as np

from . import functional as F
from .autograd import enable_grad, is_grad_enabled
from .autograd import grad as autograd_grad
from .errors import BackwardError, ShapeError
from .forward import jacfwd
from .fresh_variables import (
    constant,
    constant_output,
    dependencies,
    result,
    revived,
    split_aux,
    tree_map,
    variables,
    warn_independent,
)
from .tensor import Tensor, leaf, to_array

__all__ = ["grad", "value_and_grad", "jacobian", "jacrev", "hessian", "hvp", "vjp",
           "elementwise_grad", "ggnvp"]


# ------------------------------------------------------------------ helpers
def _single(argnums):
    return isinstance(argnums, (int, np.integer))


def _argnums_tuple(argnums):
    return (argnums,) if _single(argnums) else tuple(argnums)


# ------------------------------------------------------ functional transforms
def _value_and_grads(f, nums, args, kwargs, who, warn=True, has_aux=False):
    """The value of ``f``, its gradients with respect to the arguments ``nums``
    and, under ``has_aux``, the aux ``f`` returned beside its value."""
    was_tensor = [isinstance(args[i], Tensor) for i in nums]
    with variables(args, nums) as (args, xs, connect):
        out = f(*args, **kwargs)
        aux = None
        if has_aux:
            out, aux = split_aux(out, who)
        data = out.data if isinstance(out, Tensor) else constant_output(out, who)
        if data.size != 1:
            raise BackwardError(
                f"{who}(f) needs f to return a one-element tensor, got shape {data.shape}. "
                f"Reduce the output (e.g. .sum() or .mean()) or use mg.jacobian.")
        on_fresh = on_other = False
        if isinstance(out, Tensor) and out.requires_grad:
            on_fresh, on_other = dependencies(out, set(xs))
        keep = connect and on_other
        if on_fresh:
            grads = autograd_grad(out, xs, create_graph=keep, materialize_grads=True)
        else:
            if warn:
                warn_independent(who, f, nums, stacklevel=3)
            grads = [np.zeros(x.data.shape, dtype=x.data.dtype) for x in xs]
    grads = [result(g, t) for g, t in zip(grads, was_tensor)]
    if has_aux:
        # JAX's aux: cut from this transform's variables, still traced by the
        # enclosing ones; at the top level, concrete values.
        aux = tree_map(lambda a: constant(a, any(was_tensor), connect), aux)
    if not keep:
        value = data.reshape(())
        out = leaf(value) if any(was_tensor) else value
    return out, grads, aux


def value_and_grad(f, argnums=0, has_aux=False):
    """``f``'s value and its gradient with respect to argument(s) ``argnums``.

    ``argnums`` is an index or a tuple of indices (then the gradient is a
    tuple).  Closures and nesting work: see the module's notes.  With
    ``has_aux=True``, ``f`` returns ``(value, aux)`` and the result is
    ``((value, aux), gradient)``, as in JAX; ``aux`` is not differentiated.

    >>> import numpy as np, minigrad as mg
    >>> value, g = mg.value_and_grad(lambda x: (x ** 2).sum())(np.array([1.0, 3.0]))
    >>> float(value), g
    (10.0, array([2., 6.]))
    >>> def loss(x):
    ...     y = x ** 2
    ...     return y.sum(), y                  # (value, aux)
    >>> (value, y), g = mg.value_and_grad(loss, has_aux=True)(np.array([1.0, 3.0]))
    >>> float(value), y, g
    (10.0, array([1., 9.]), array([2., 6.]))
    """
    nums = _argnums_tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        value, grads, aux = _value_and_grads(f, nums, args, kwargs, "value_and_grad",
                                             has_aux=has_aux)
        g = grads[0] if _single(argnums) else tuple(grads)
        return ((value, aux), g) if has_aux else (value, g)
    return wrapped


def grad(f, argnums=0, has_aux=False):
    """The gradient function of a scalar-valued ``f``; nests for higher order.

    Inside another transform, or when ``f`` closes over a tensor that requires
    grad, the gradient is a tensor that stays in that graph.  An output that
    does not depend on the argument gives zeros and a warning.  With
    ``has_aux=True``, ``f`` returns ``(value, aux)`` and the result is
    ``(gradient, aux)``, as in JAX.

    >>> import numpy as np, minigrad as mg
    >>> mg.grad(lambda x: mg.sin(x).sum())(np.array([0.0]))
    array([1.])
    >>> second = mg.grad(lambda x: mg.grad(lambda y: (y ** 3).sum())(x).sum())
    >>> second(np.array([2.0]))   # d²/dx² x³ = 6x
    array([12.])
    >>> inner = lambda y: mg.grad(lambda x: ((x * y) ** 2).sum())(1.0)  # closes over y
    >>> mg.grad(inner)(np.array([0.5, 2.0]))    # d/dy of 2 * sum(y²) at x = 1
    array([2., 8.])
    >>> mg.grad(lambda x: ((x ** 2).sum(), "aux"), has_aux=True)(np.array([3.0]))
    (array([6.]), 'aux')
    """
    nums = _argnums_tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        _, grads, aux = _value_and_grads(f, nums, args, kwargs, "grad", has_aux=has_aux)
        g = grads[0] if _single(argnums) else tuple(grads)
        return (g, aux) if has_aux else g
    return wrapped


def _jacobians(f, nums, args, kwargs, who, warn=True):
    """One Jacobian per argument in ``nums``: one backward pass per output element."""
    was_tensor = [isinstance(args[i], Tensor) for i in nums]
    with variables(args, nums) as (args, xs, connect):
        out = f(*args, **kwargs)
        on_fresh = on_other = False
        if isinstance(out, Tensor):
            data = out.data
            if out.requires_grad:
                on_fresh, on_other = dependencies(out, set(xs))
        else:
            data = constant_output(out, who)
        shapes = [data.shape + x.data.shape for x in xs]
        keep = connect and on_other
        if not on_fresh:
            if warn:
                warn_independent(who, f, nums, stacklevel=3)
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
    return [result(j, t) for j, t in zip(jacs, was_tensor)]


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


#: JAX's name for the reverse-mode Jacobian: the same function as ``jacobian``.
jacrev = jacobian


def hessian(f, argnums=0, *, mode="reverse"):
    """The Hessian of a scalar ``f``: the Jacobian of its gradient.

    ``mode="reverse"`` (reverse over reverse): the gradient's graph is built
    once and walked backward once per input element.  ``mode="forward"``
    (forward over reverse, JAX's ``jacfwd(jacrev(f))``): one forward-mode
    pass of the gradient per input element.  Same values either way.

    >>> import numpy as np, minigrad as mg
    >>> mg.hessian(lambda x: (x[0] ** 2) * x[1])(np.array([1.0, 3.0]))
    array([[6., 2.],
           [2., 0.]])
    >>> mg.hessian(lambda x: (x[0] ** 2) * x[1], mode="forward")(np.array([1.0, 3.0]))
    array([[6., 2.],
           [2., 0.]])
    """
    if not _single(argnums):
        raise TypeError("hessian(f, argnums) takes a single argument index")
    if mode not in ("reverse", "forward"):
        raise ValueError(f"hessian: mode must be 'reverse' (reverse over reverse) or "
                         f"'forward' (forward over reverse), got {mode!r}")
    nums = (argnums,)
    g = grad(f, argnums)
    if mode == "forward":
        return functools.wraps(f)(jacfwd(g, argnums))

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


# --------------------------------------------------- vector-Jacobian products
def _flatten(tree):
    """The leaves of ``f``'s output: nested tuples, lists and dicts (pytrees)."""
    if isinstance(tree, (tuple, list)):
        return [x for t in tree for x in _flatten(t)]
    if isinstance(tree, dict):
        return [x for k in tree for x in _flatten(tree[k])]
    return [tree]


def _cotangents(ct, out, where, who):
    """The leaves of the cotangent ``ct`` in the order of ``out``'s, after
    checking that it has ``out``'s structure and every leaf its shape."""
    if isinstance(out, (tuple, list, dict)):
        if isinstance(out, dict):      # JAX's dicts: the keys, in any order
            kind, same = "dict", isinstance(ct, dict) and set(ct) == set(out)
        else:
            kind = "tuple or list"
            same = isinstance(ct, (tuple, list)) and len(ct) == len(out)
        if not same:
            raise ShapeError(
                f"{who}: the cotangent for {where} must be a {kind} like the output "
                f"({_describe(out)}), got {_describe(ct)}. Pass one array per output, in "
                f"the output's structure.")
        keys = out if isinstance(out, dict) else range(len(out))
        return [c for k in keys for c in _cotangents(ct[k], out[k], f"{where}[{k!r}]", who)]
    want = np.shape(out.data if isinstance(out, Tensor) else out)
    got = np.shape(ct.data if isinstance(ct, Tensor) else ct)
    if got != want:
        raise ShapeError(
            f"{who}: the cotangent for {where} has shape {got}, but that output has shape "
            f"{want}. Pass an array of the output's shape: the gradient of the final "
            f"result with respect to that output.")
    return [ct]


def _describe(tree):
    if isinstance(tree, dict):
        return f"a dict with keys {sorted(map(str, tree))}"
    if isinstance(tree, (tuple, list)):
        return f"a {type(tree).__name__} of {len(tree)}"
    return f"one array of shape {np.shape(tree.data if isinstance(tree, Tensor) else tree)}"


def _vjp(f, nums, args, kwargs, who, has_aux=False):
    """``f``'s output, its vector-Jacobian product function with respect to the
    arguments ``nums``, and the aux (None without ``has_aux``)."""
    was_tensor = [isinstance(args[i], Tensor) for i in nums]
    as_tensor = any(was_tensor)
    with variables(args, nums) as (args, xs, connect):
        out = f(*args, **kwargs)
        aux = None
        if has_aux:
            out, aux = split_aux(out, who)
        leaves = _flatten(out)
        on_fresh = on_other = False
        for o in leaves:
            if not isinstance(o, Tensor):
                constant_output(o, who)           # a number is a constant; None is a bug
            elif o.requires_grad:
                fresh, other = dependencies(o, set(xs))
                on_fresh, on_other = on_fresh or fresh, on_other or other
        if not on_fresh:
            warn_independent(who, f, nums, stacklevel=3)
    keep = connect and on_other

    def vjp_fn(cotangent):
        cts = _cotangents(cotangent, out, "the output", f"{who}'s function")
        # A variable itself among the outputs (f = identity) was retired: it counts too.
        pairs = [(o, c) for o, c in zip(leaves, cts) if isinstance(o, Tensor) and (
            o.requires_grad or any(o is x for x in xs))]
        # Build the graph of the product when it is differentiated later: the
        # output is in an outer graph, or the cotangent is (J v by double vjp).
        create = is_grad_enabled() and (keep or any(
            isinstance(c, Tensor) and c.requires_grad for _, c in pairs))
        if on_fresh:
            with revived(xs), enable_grad():
                grads = autograd_grad([o for o, _ in pairs], xs, [c for _, c in pairs],
                                      create_graph=create, materialize_grads=True)
        else:
            grads = [np.zeros(x.data.shape, dtype=x.data.dtype) for x in xs]
        return tuple(result(g, t) for g, t in zip(grads, was_tensor))

    out = tree_map(lambda o: constant(o, as_tensor, connect), out)
    if has_aux:
        aux = tree_map(lambda a: constant(a, as_tensor, connect), aux)
    return out, vjp_fn, aux


def vjp(f, *primals, has_aux=False):
    """``f``'s output at ``primals`` and its vector-Jacobian product function.

    JAX's ``jax.vjp``: ``out, vjp_fn = mg.vjp(f, x, y)``; then ``vjp_fn(ct)``
    is ``ct``ᵀ J, one gradient per primal, always a tuple.  The cotangent
    ``ct`` has the output's shape (and structure, for an output that is a
    tuple, list or dict of tensors).  ``vjp_fn`` may be called any number of
    times: ``f`` ran once and its graph is kept.  With ``has_aux=True``, ``f``
    returns ``(output, aux)`` and ``vjp`` returns ``(out, vjp_fn, aux)``.

    >>> import numpy as np, minigrad as mg
    >>> out, vjp_fn = mg.vjp(lambda x, y: x * y, np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    >>> out
    array([3., 8.])
    >>> vjp_fn(np.array([1.0, 10.0]))              # (ct * y, ct * x)
    (array([ 3., 40.]), array([ 1., 20.]))
    >>> _, vjp_fn = mg.vjp(lambda x: (mg.sin(x), x.sum()), np.array([0.0, np.pi]))
    >>> vjp_fn((np.ones(2), 2.0))                  # cos(x) + 2
    (array([3., 1.]),)
    """
    if not primals:
        raise TypeError("vjp(f, *primals) needs at least one primal to differentiate at")
    out, vjp_fn, aux = _vjp(f, tuple(range(len(primals))), primals, {}, "vjp", has_aux)
    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def elementwise_grad(f, argnums=0):
    """HIPS autograd's ``elementwise_grad``: the vector-Jacobian product of
    ``f`` with a cotangent of ones, that is the gradient of ``sum(f(x))``.

    For an elementwise ``f`` (output ``i`` depends on input ``i`` only) that
    is the derivative of every element, the diagonal of the Jacobian: handy
    to plot f' over a grid.  For any other ``f`` it is the sum of the
    Jacobian's rows, not a derivative of each element.

    >>> import numpy as np, minigrad as mg
    >>> mg.elementwise_grad(mg.tanh)(np.array([0.0, 1.0]))     # 1 - tanh²
    array([1.        , 0.41997434])
    """
    nums = _argnums_tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        out, vjp_fn, _ = _vjp(f, nums, args, kwargs, "elementwise_grad")
        ones = tree_map(lambda o: np.ones(np.shape(o.data if isinstance(o, Tensor) else o)),
                        out)
        grads = vjp_fn(ones)
        return grads[0] if _single(argnums) else grads
    return wrapped


def ggnvp(f, loss, argnums=0):
    """The generalized Gauss-Newton matrix times a vector: ``ggnvp(f, loss)(x, v)``.

    For a model ``f`` (argument ``argnums`` to one output tensor ``z``) and a
    ``loss`` from ``z`` to a scalar, ``G = Jᵀ H J`` with ``J`` the Jacobian of
    ``f`` at ``x`` and ``H`` the Hessian of ``loss`` at ``z = f(x)``: the
    Hessian of ``loss(f(x))`` without the term of ``f``'s second derivatives.
    ``G`` is positive semi-definite when ``loss`` is convex, which is why
    Gauss-Newton and Hessian-free methods use it instead of the Hessian.
    Targets and inputs are closed over: ``loss = lambda z: mg.mse_loss(z, y)``.

    ``G v`` is built without forming a matrix and without forward mode: one
    ``vjp`` of ``f``, then ``J v`` as the gradient along ``v`` of the linear
    map ``u -> Jᵀ u`` (the double-vjp trick), ``H (J v)`` by ``hvp`` of the
    loss, and ``Jᵀ`` of that by the same ``vjp`` function; ``f`` runs once.
    Like ``hvp``, the last positional argument is ``v``; the others are
    ``f``'s.

    >>> import numpy as np, minigrad as mg
    >>> X = np.array([[1.0, 2.0], [0.0, 1.0], [1.0, -1.0]])
    >>> y = np.array([1.0, 0.0, 2.0])
    >>> model = lambda w: mg.matmul(X, w)               # linear: G is the Hessian XᵀX
    >>> loss = lambda z: 0.5 * ((z - y) ** 2).sum()
    >>> mg.ggnvp(model, loss)(np.zeros(2), np.array([1.0, 0.0]))
    array([2., 1.])
    """
    if not _single(argnums):
        raise TypeError("ggnvp(f, loss, argnums) takes a single argument index")

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        *primals, v = args
        if not isinstance(v, Tensor):
            v = to_array(v)

        def model(x):
            call = list(primals)
            call[argnums] = x
            return f(*call, **kwargs)
        z, f_vjp = vjp(model, primals[argnums])
        if not isinstance(z, (Tensor, np.ndarray)):
            raise BackwardError(
                f"ggnvp(f, loss) needs f to return one tensor, got {type(z).__name__}: "
                f"the loss takes that output.")
        # J v: u -> Jᵀu is linear in u, so its derivative along v is J v at any u.
        jv = grad(lambda u: (f_vjp(u)[0] * v).sum())(np.zeros(z.shape, dtype=z.dtype))
        return f_vjp(hvp(loss)(z, jv))[0]
    return wrapped
