"""Function transforms, JAX-style: ``grad``, ``value_and_grad``, ``jacobian``,
``hessian``, ``hvp``.

Each takes a function of arrays (or tensors) and returns a new function.  They
are built on the one backward pass in ``autograd.py`` and nest: an argument
that already requires grad is being traced by an outer transform, so the inner
one builds its gradient with ``create_graph=True``.
"""

from __future__ import annotations

import functools

import numpy as np

from . import functional as F
from .autograd import grad as autograd_grad
from .errors import BackwardError
from .tensor import GradMode, Tensor, leaf, to_array, unwrap


def _grads_or_zeros(outputs, inputs, grad_outputs=None, create_graph=False):
    """Gradients of ``outputs`` w.r.t. a list of ``inputs``, zeros where unused."""
    return list(autograd_grad(outputs, inputs, grad_outputs, create_graph=create_graph,
                              materialize_grads=True))


# ------------------------------------------------------ functional transforms
def _prepare(args, argnums):
    """Turn the differentiated arguments into tensors that require grad.

    An argument that already requires grad is being traced by an outer
    transform: it is used as it is and the gradient is built with
    ``create_graph=True``, so transforms nest.
    """
    args = list(args)
    nested = False
    for i in argnums:
        a = args[i]
        if isinstance(a, Tensor) and a.requires_grad and GradMode.enabled:
            nested = True
        else:
            data = to_array(a)
            if data.dtype.kind != "f":
                data = data.astype(np.float64)
            args[i] = leaf(data).requires_grad_()
    return args, nested


def _argnums_tuple(argnums):
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


def _output(g, was_tensor):
    """Arrays in, arrays out; tensors in, tensors out."""
    if was_tensor:
        return g if isinstance(g, Tensor) else leaf(np.asarray(g))
    return unwrap(g)


def value_and_grad(f, argnums=0):
    """``f``'s value and its gradient with respect to argument(s) ``argnums``.

    >>> import numpy as np, minigrad as mg
    >>> value, g = mg.value_and_grad(lambda x: (x ** 2).sum())(np.array([1.0, 3.0]))
    >>> float(value), g
    (10.0, array([2., 6.]))
    """
    nums = _argnums_tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        was_tensor = [isinstance(args[i], Tensor) for i in nums]
        traced, nested = _prepare(args, nums)
        out = f(*traced, **kwargs)
        if not isinstance(out, Tensor) or out.data.size != 1:
            shape = out.shape if isinstance(out, Tensor) else type(out).__name__
            raise BackwardError(
                f"grad(f) needs f to return a one-element tensor, got {shape}. "
                f"Reduce the output (e.g. .sum() or .mean()) or use mg.jacobian.")
        grads = _grads_or_zeros(out, [traced[i] for i in nums], create_graph=nested)
        grads = [_output(g, t) for g, t in zip(grads, was_tensor)]
        value = out if nested else _output(out.data.reshape(()), any(was_tensor))
        return value, (grads[0] if isinstance(argnums, int) else tuple(grads))
    return wrapped


def grad(f, argnums=0):
    """The gradient function of a scalar-valued ``f``; nests for higher order.

    >>> import numpy as np, minigrad as mg
    >>> mg.grad(lambda x: mg.sin(x).sum())(np.array([0.0]))
    array([1.])
    >>> second = mg.grad(lambda x: mg.grad(lambda y: (y ** 3).sum())(x).sum())
    >>> second(np.array([2.0]))   # d²/dx² x³ = 6x
    array([12.])
    """
    vg = value_and_grad(f, argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        return vg(*args, **kwargs)[1]
    return wrapped


def jacobian(f, argnums=0):
    """The Jacobian of ``f`` at a point, of shape ``out.shape + x.shape``.

    One backward pass per output element (reverse mode).

    >>> import numpy as np, minigrad as mg
    >>> mg.jacobian(lambda x: x * x)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    if not isinstance(argnums, int):
        raise TypeError("jacobian(f, argnums) takes a single argument index")

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        was_tensor = isinstance(args[argnums], Tensor)
        traced, nested = _prepare(args, (argnums,))
        x = traced[argnums]
        out = f(*traced, **kwargs)
        if not isinstance(out, Tensor):
            raise BackwardError("jacobian(f) needs f to return a tensor")
        rows = []
        for k in range(out.data.size):
            seed = np.zeros(out.data.size, dtype=out.data.dtype)
            seed[k] = 1.0
            seed = seed.reshape(out.data.shape)
            rows.append(_grads_or_zeros(out, [x], seed, create_graph=nested)[0])
        shape = out.data.shape + x.data.shape
        if nested:
            jac = F.stack(rows, axis=0).reshape(shape) if rows else Tensor(np.zeros(shape))
            return jac if was_tensor else jac.data
        jac = np.stack(rows).reshape(shape) if rows else np.zeros(shape)
        return _output(jac, was_tensor)
    return wrapped


def hessian(f, argnums=0):
    """The Hessian of a scalar ``f``: the Jacobian of its gradient (double backward).

    >>> import numpy as np, minigrad as mg
    >>> mg.hessian(lambda x: (x[0] ** 2) * x[1])(np.array([1.0, 3.0]))
    array([[6., 2.],
           [2., 0.]])
    """
    return jacobian(grad(f, argnums), argnums)


def hvp(f, argnums=0):
    """Hessian-vector product ``H(x) @ v`` without forming ``H``: ``hvp(f)(x, v)``.

    >>> import numpy as np, minigrad as mg
    >>> mg.hvp(lambda x: (x ** 3).sum())(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    array([ 6., 12.])
    """
    if not isinstance(argnums, int):
        raise TypeError("hvp(f, argnums) takes a single argument index")
    g = grad(f, argnums)

    def wrapped(*args):
        *primals, v = args
        v_data = np.asarray(unwrap(v), dtype=np.float64)

        def directional(*xs):
            return (g(*xs) * v_data).sum()
        return grad(directional, argnums)(*primals)
    return wrapped
