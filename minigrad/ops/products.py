"""Products: ``einsum`` (a primitive), and ``dot``, ``vdot``, ``inner``,
``outer`` (``ger``), ``tensordot``, ``kron`` (composites of ``matmul``,
``reshape``, ``transpose`` and ``mul``).  The matrix structure around them
(``trace``, ``diag``, ``diagonal``, ``tril``, ``triu``, ``cross``) is in
``products2``.

``einsum`` is the one primitive: the gradient of each operand is itself an
einsum of the output's gradient with the other operands, so it differentiates
again with no other code.  The products with a fixed pattern are composites
of ``matmul`` (one BLAS call forward and backward) rather than einsums, which
NumPy evaluates with slower loops.
"""

from __future__ import annotations

import functools
import math
import string

import numpy as np

from ..errors import ShapeError
from ..primitive import REGISTRY, numpy_meaning
from ..tensor import Tensor, install_method, unwrap
from .core import matmul, reshape, transpose
from .declare import builtin, composite

#: The public names this module declares (``mg.<name>``).
__all__ = []


def _builtin(name, forward, *vjps, **declaration):
    return builtin(__all__, name, forward, *vjps, **declaration)


def _public(fn, method=None):
    """Export ``fn`` as ``mg.<name>``, and as the Tensor method ``method`` if given."""
    __all__.append(fn.__name__)
    if method:
        install_method(method, fn)
    return fn


def _shape(x):
    return np.shape(unwrap(x))


# ------------------------------------------------------------------ einsum
@functools.lru_cache(maxsize=512)
def _explicit(equation, shapes):
    """``equation`` with its ellipses spelled out as letters and its output
    written: ``('...ij,...jk', ((2, 3, 4), (4, 5)))`` -> ``(['aij', 'jk'], 'aik')``.
    It does not validate them: NumPy's einsum does, with its own message."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    inputs = lhs.split(",")
    spare = [c for c in string.ascii_letters if c not in equation]
    dots = [len(s) - (len(sub) - 3) if "..." in sub else 0 for sub, s in zip(inputs, shapes)]
    ellipsis = "".join(spare[:max(dots, default=0)])
    inputs = [sub.replace("...", ellipsis[len(ellipsis) - n:]) for sub, n in zip(inputs, dots)]
    if arrow:
        output = rhs.replace("...", ellipsis)
    else:   # NumPy's implicit output: the ellipsis, then the letters seen once, sorted
        letters = "".join(inputs)
        output = ellipsis + "".join(sorted(c for c in set(letters)
                                           if letters.count(c) == 1 and c not in ellipsis))
    return inputs, output


@functools.lru_cache(maxsize=512)
def _loop_size(equation, shapes):
    """How many products the plain einsum loop makes: one per combination of letters."""
    sizes = {}
    for sub, shape in zip(_explicit(equation, shapes)[0], shapes):
        for letter, n in zip(sub, shape):
            sizes[letter] = max(n, sizes.get(letter, 1))
    return math.prod(sizes.values())


def _einsum(*operands, equation):
    # NumPy's optimizer (a contraction order, BLAS through tensordot) costs
    # 10-30 us to plan: it pays for itself from three operands on, and for two
    # once the plain loop is large (a 128x128 matrix product: 5x faster).
    optimize = len(operands) > 2 or (
        len(operands) == 2
        and _loop_size(equation, tuple(np.shape(x) for x in operands)) > 100_000)
    return np.einsum(equation, *operands, optimize=optimize)


class _EinsumVJPs:
    """The gradient of operand k: an einsum of ``g`` (the output's letters) with
    every other operand, written in operand k's letters.

    Two things NumPy's einsum cannot write as an output are handled with
    constant operands: a letter repeated in operand k (``'ii->i'``: the
    gradient lives on the diagonal) takes a fresh letter for each repeat, tied
    to the first by an identity matrix; a letter found in operand k alone
    (``'ij->i'``: summed over j) comes from a vector of ones, which broadcasts
    the gradient along it.
    """

    def __getitem__(self, k):
        def vjp(g, out, *xs, equation):
            return _einsum_grad(k, g, xs, equation)
        return vjp


def _einsum_grad(k, g, xs, equation):
    shapes = tuple(_shape(x) for x in xs)
    plan, constants = _grad_plan(k, equation, shapes, _shape(g))
    dtype = unwrap(g).dtype
    operands = [g] + [x for j, x in enumerate(xs) if j != k] + [
        np.eye(n, dtype=dtype) if kind == "eye" else np.ones(n, dtype=dtype)
        for kind, n in constants]
    return einsum_op(*operands, equation=plan)


@functools.lru_cache(maxsize=512)
def _grad_plan(k, equation, shapes, g_shape):
    """The subscripts of operand k's gradient and the constants it needs
    (``("eye", n)`` or ``("ones", n)``), after the operands ``g`` and the others."""
    inputs, output = _explicit(equation, shapes)
    subscripts = [output] + [s for j, s in enumerate(inputs) if j != k]
    own, shape = inputs[k], shapes[k]
    sizes = {}                          # each letter's size outside operand k
    for sub, s in zip(subscripts, (g_shape,) + shapes[:k] + shapes[k + 1:]):
        for letter, n in zip(sub, s):
            sizes[letter] = max(n, sizes.get(letter, 1))
    taken = set(equation) | set(output).union(*inputs)   # the ellipsis's letters too
    fresh = iter(c for c in string.ascii_letters if c not in taken)
    constants, result = [], ""
    for p, (letter, n) in enumerate(zip(own, shape)):
        if letter in own[:p]:           # a repeat: a new letter on the diagonal
            tied = next(fresh)
            subscripts.append(letter + tied)
            constants.append(("eye", n))
            result += tied
            sizes[letter] = n
        else:
            result += letter
    for letter in dict.fromkeys(own):
        n = shape[own.index(letter)]
        if letter not in sizes or sizes[letter] < n:   # only in operand k, or stretched
            subscripts.append(letter)
            constants.append(("ones", n))
    return ",".join(subscripts) + "->" + result, tuple(constants)


def _einsum_error(datas, kwargs):
    shapes = ", ".join(str(np.shape(d)) for d in datas)
    return (f"the subscripts {kwargs.get('equation')!r} do not fit {len(datas)} operand(s) "
            f"of shapes {shapes}: give one comma-separated term per operand, one letter "
            f"per axis (or '...' for the leading ones), and the same size wherever a "
            f"letter repeats")


def einsum(equation, *operands, optimize=None):
    """Einstein summation, as ``torch.einsum`` and ``np.einsum``: the operands'
    axes are named by letters, repeated letters are multiplied along, letters
    missing from the output (after ``->``) are summed over.

    Any subscripts NumPy takes: several operands, a letter repeated within one
    operand (``'ii'`` is the trace, ``'ii->i'`` the diagonal), ``...`` for
    leading (batch) axes, and the implicit output when there is no ``->``
    (the letters that appear once, in alphabetical order).  The operands may
    also be given as one list of tensors, as ``torch.einsum('ij,jk', [a, b])``.
    NumPy's ``optimize=`` is accepted and left to minigrad, which asks NumPy
    for an optimized contraction where it pays (three or more operands, large
    loops): the result is the same either way.

    >>> import minigrad as mg
    >>> a = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> mg.einsum("ii", a)
    tensor(5., op=einsum)
    >>> mg.einsum("ij,jk->ik", a, a).data
    array([[ 7., 10.],
           [15., 22.]])
    >>> mg.einsum("ii->i", a).sum().backward()
    >>> a.grad
    array([[1., 0.],
           [0., 1.]])
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)) and all(
            isinstance(o, (Tensor, np.ndarray)) for o in operands[0]):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the first argument is the subscripts string, such as "
                        f"'ij,jk->ik', got {type(equation).__name__}; NumPy's other form "
                        f"(operand, axes, operand, axes, ...) is not supported")
    return einsum_op(*operands, equation=equation)


_builtin("einsum", _einsum, rules=("einsum of g with the other operands",),
         function=einsum, explain_error=_einsum_error, domain=("real", "real", "real"),
         samples=[(((2, 3), (3, 4)), {"equation": "ij,jk->ik"}),
                  (((2, 3), (3, 4)), {"equation": "ij,jk"}),
                  (((3, 3),), {"equation": "ii"}),
                  (((3, 3),), {"equation": "ii->i"}),
                  (((2, 2, 3),), {"equation": "iij->j"}),
                  (((3,), (3,)), {"equation": "i,i"}),
                  (((2, 3),), {"equation": "ij->"}),
                  (((2, 3),), {"equation": "ij->ji"}),
                  (((2, 3, 4),), {"equation": "ijk->kj"}),
                  (((2,), (3,)), {"equation": "i,j->ij"}),
                  (((2, 2, 3), (2, 3, 2)), {"equation": "bij,bjk->bik"}),
                  (((2, 1, 2, 3), (3, 3, 2)), {"equation": "...ij,...jk->...ik"}),
                  (((2, 3), (3,)), {"equation": "...i,...i"}),
                  (((2, 3), (3, 4), (4, 2)), {"equation": "ij,jk,kl->il"}),
                  (((2, 3), (2, 3), (3,)), {"equation": "ij,ij,j->i"})])
einsum_op = REGISTRY["einsum"]
einsum_op.vjps = _EinsumVJPs()
einsum_op.nargs = None     # variadic: every positional argument is an operand


# ------------------------------------------------------------ dot and kin
def _vector_pair(fn, a, b, instead):
    """The shapes of two 1-D operands of equal length, or a ShapeError."""
    sa, sb = _shape(a), _shape(b)
    if len(sa) != 1 or len(sb) != 1:
        raise ShapeError(f"{fn}: takes two 1-D tensors (PyTorch's meaning), got shapes "
                         f"{sa} and {sb}. {instead}")
    return sa, sb


def _same_length(fn, sa, sb):
    if sa[0] != sb[0]:
        raise ShapeError(f"{fn}: the two vectors have different lengths (shapes {sa} and "
                         f"{sb}); they must have the same number of elements")


@composite(nargs=2, rules=("g·b", "g·a"), reference=np.dot,
           samples=[(((3,), (3,)), {}), (((1,), (1,)), {})])
def dot(a, b):
    """The dot product of two vectors (``torch.dot``): 1-D tensors only.

    For matrices use ``mg.matmul`` (``a @ b``) or
    [`tensordot`][minigrad.ops.products.tensordot]; ``np.dot(a, b)`` on
    tensors keeps NumPy's meaning (a matrix product for 2-D operands).

    >>> import minigrad as mg
    >>> mg.dot(mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0]))
    tensor(11.)
    """
    sa, sb = _vector_pair("dot", a, b, "For matrices and batches use mg.matmul (a @ b); to "
                          "sum over chosen axes use mg.tensordot; np.dot(a, b) keeps "
                          "NumPy's meaning.")
    _same_length("dot", sa, sb)
    return matmul(a, b)


@numpy_meaning("dot")
def numpy_dot(a, b, out=None):
    """``np.dot(a, b)`` on tensors, with NumPy's meaning: a product of scalars,
    the matrix product of 2-D operands, and for N-D operands the sum over
    the last axis of ``a`` and the second-to-last of ``b``.

    >>> import numpy as np, minigrad as mg
    >>> np.dot(mg.tensor([[1.0, 2.0]]), mg.tensor([[3.0], [4.0]]))
    tensor([[11.]])
    """
    if out is not None:
        raise TypeError("np.dot on tensors: out= is not supported (a tensor is never "
                        "written in place by an op); use the returned tensor")
    sa, sb = _shape(a), _shape(b)
    if not sa or not sb:
        return a * b
    if len(sb) <= 2:
        return matmul(a, b)
    return tensordot(a, b, dims=([len(sa) - 1], [len(sb) - 2]))


@composite(nargs=2, rules=("g·b (flattened)", "g·a (flattened)"), reference=np.vdot,
           samples=[(((3,), (3,)), {}), (((2, 3), (3, 2)), {})])
def vdot(a, b):
    """The dot product of the flattened operands (``np.vdot``; ``torch.vdot``
    for vectors): any shapes with the same number of elements.  Real numbers
    only, so there is no conjugate to take.

    >>> import minigrad as mg
    >>> mg.vdot(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), mg.tensor([[1.0, 1.0], [1.0, 1.0]]))
    tensor(10.)
    """
    sa, sb = _shape(a), _shape(b)
    if math.prod(sa) != math.prod(sb):
        raise ShapeError(f"vdot: the operands have {math.prod(sa)} and {math.prod(sb)} "
                         f"elements (shapes {sa} and {sb}); they must have as many")
    return matmul(reshape(a, shape=(-1,)), reshape(b, shape=(-1,)))


@composite(nargs=2, rules=("g contracted with b", "g contracted with a"), reference=np.inner,
           samples=[(((3,), (3,)), {}), (((2, 3), (3,)), {}), (((2, 3), (4, 3)), {}),
                    (((2, 2, 3), (2, 3)), {}), (((), (2, 3)), {})])
def inner(a, b):
    """The sum of products over the last axes of ``a`` and ``b`` (``torch.inner``,
    ``np.inner``); the result has the other axes of ``a``, then of ``b``.  A
    0-d operand multiplies the other.

    >>> import minigrad as mg
    >>> mg.inner(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), mg.tensor([1.0, 1.0]))
    tensor([3., 7.])
    """
    sa, sb = _shape(a), _shape(b)
    if not sa or not sb:
        return a * b
    if sa[-1] != sb[-1]:
        raise ShapeError(f"inner: the last axes differ (shapes {sa} and {sb}); inner sums "
                         f"over the last axis of both, so they must have the same size")
    return tensordot(a, b, dims=([-1], [-1]))


@composite(nargs=2, rules=("g·b", "gᵀ·a"), reference=np.outer,
           samples=[(((3,), (2,)), {}), (((1,), (4,)), {})])
def outer(a, b):
    """The outer product of two vectors (``torch.outer``; ``ger`` is its
    other name): ``out[i, j] = a[i] * b[j]``.  ``np.outer`` on tensors
    flattens its operands first, as NumPy does.

    >>> import minigrad as mg
    >>> mg.outer(mg.tensor([1.0, 2.0]), mg.tensor([1.0, 10.0, 100.0])).data
    array([[  1.,  10., 100.],
           [  2.,  20., 200.]])
    """
    sa, sb = _vector_pair("outer", a, b, "np.outer flattens its operands: "
                          "mg.outer(a.reshape(-1), b.reshape(-1)) does the same.")
    return reshape(a, shape=(sa[0], 1)) * reshape(b, shape=(1, sb[0]))


@numpy_meaning("outer")
def numpy_outer(a, b, out=None):
    """``np.outer(a, b)`` on tensors: NumPy flattens both operands first."""
    if out is not None:
        raise TypeError("np.outer on tensors: out= is not supported; use the returned tensor")
    return outer(reshape(a, shape=(-1,)), reshape(b, shape=(-1,)))


def _contracted(dims, na, nb, sa, sb):
    """Tensordot's ``dims`` (an int or two sequences of axes) as two tuples of axes."""
    if isinstance(dims, (int, np.integer)) and not isinstance(dims, bool):
        if not 0 <= dims <= min(na, nb):
            raise ShapeError(f"tensordot: dims={dims} contracts the last {dims} axes of a "
                             f"and the first {dims} of b, but the shapes are {sa} and {sb}")
        return tuple(range(na - dims, na)), tuple(range(dims))
    try:
        first, second = dims
    except (TypeError, ValueError):
        raise TypeError(f"tensordot: dims (axes) must be an int or a pair of sequences of "
                        f"axes, such as ([1, 0], [0, 1]); got {dims!r}") from None
    first = (first,) if isinstance(first, (int, np.integer)) else tuple(first)
    second = (second,) if isinstance(second, (int, np.integer)) else tuple(second)
    if len(first) != len(second):
        raise ShapeError(f"tensordot: {len(first)} axes of a but {len(second)} of b in "
                         f"dims={dims!r}; they are contracted in pairs")
    for axes, n, s in ((first, na, sa), (second, nb, sb)):
        if any(not -n <= d < n for d in axes):
            raise ShapeError(f"tensordot: an axis in {dims!r} is out of range for the "
                             f"shape {s}")
    first, second = tuple(d % na for d in first), tuple(d % nb for d in second)
    if len(set(first)) != len(first) or len(set(second)) != len(second):
        raise ShapeError(f"tensordot: dims={dims!r} names an axis twice")
    return first, second


@composite(nargs=2, rules=("g contracted with b", "g contracted with a"),
           reference=lambda a, b, dims=2: np.tensordot(a, b, axes=dims),
           samples=[(((2, 3), (3, 4)), {"dims": 1}), (((2, 3, 4), (3, 4, 2)), {}),
                    (((2, 3), (4,)), {"dims": 0}),
                    (((2, 3, 4), (4, 2, 3)), {"dims": ([1, 2], [2, 0])}),
                    (((3, 2), (2, 3)), {"dims": (0, 1)})])
def tensordot(a, b, dims=None, *, axes=None):
    """The sum of products over chosen axes (``torch.tensordot`` with ``dims=``,
    ``np.tensordot`` with ``axes=``; the default is 2).  An int ``n`` pairs
    the last ``n`` axes of ``a`` with the first ``n`` of ``b``; two sequences
    pair ``a``'s axes ``dims[0]`` with ``b``'s ``dims[1]``.  The result has
    the remaining axes of ``a``, then of ``b``.  One ``matmul`` of the
    operands laid out as matrices does the sum.

    >>> import minigrad as mg
    >>> a, b = mg.ones((2, 3, 4)), mg.ones((4, 3, 5))
    >>> mg.tensordot(a, b, dims=([1, 2], [1, 0])).shape
    (2, 5)
    """
    if dims is not None and axes is not None:
        raise TypeError(f"tensordot: got both dims={dims!r} (PyTorch's name) and "
                        f"axes={axes!r} (NumPy's name); pass only one of them")
    dims = 2 if dims is None and axes is None else (axes if dims is None else dims)
    sa, sb = _shape(a), _shape(b)
    first, second = _contracted(dims, len(sa), len(sb), sa, sb)
    if any(sa[i] != sb[j] for i, j in zip(first, second)):
        raise ShapeError(f"tensordot: the contracted axes differ in size: axes {first} of "
                         f"shape {sa} against axes {second} of shape {sb}")
    free_a = [i for i in range(len(sa)) if i not in first]
    free_b = [j for j in range(len(sb)) if j not in second]
    k = math.prod(sa[i] for i in first)
    left = _as_matrix(a, free_a + list(first), (math.prod(sa[i] for i in free_a), k))
    right = _as_matrix(b, list(second) + free_b, (k, math.prod(sb[j] for j in free_b)))
    return reshape(matmul(left, right),
                   shape=tuple(sa[i] for i in free_a) + tuple(sb[j] for j in free_b))


def _as_matrix(x, order, shape):
    if order != sorted(order):
        x = transpose(x, axes=tuple(order))
    return reshape(x, shape=shape)


@composite(nargs=2, rules=("g summed over b's blocks times b", "g's blocks times a"),
           reference=np.kron,
           samples=[(((2, 3), (2, 2)), {}), (((2,), (3,)), {}), (((2, 2), (3,)), {}),
                    (((2, 1, 2), (2, 2)), {})])
def kron(a, b):
    """The Kronecker product (``torch.kron``, ``np.kron``): ``b`` scaled by each
    element of ``a``, laid out in ``a``'s pattern.  The operand with fewer axes
    gets leading ones.

    >>> import minigrad as mg
    >>> mg.kron(mg.tensor([1.0, 10.0]), mg.tensor([1.0, 2.0])).data
    array([ 1.,  2., 10., 20.])
    """
    sa, sb = _shape(a), _shape(b)
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    spread_a = tuple(v for m in sa for v in (m, 1))   # (a0, 1, a1, 1, ...)
    spread_b = tuple(v for m in sb for v in (1, m))   # (1, b0, 1, b1, ...)
    blocks = reshape(a, shape=spread_a) * reshape(b, shape=spread_b)
    return reshape(blocks, shape=tuple(p * q for p, q in zip(sa, sb)))


for _fn in (dot, vdot, inner, outer, kron):
    _public(_fn, method=_fn.__name__)
_public(tensordot)
#: ``torch.ger``, the older name of ``outer``.
ger = outer
__all__.append("ger")
install_method("ger", outer)
