"""Primitives: THE ONLY FILE WITH CALCULUS.

Each primitive is a NumPy forward function and, beside it, one vector-Jacobian
product (VJP) per argument, in the style of HIPS autograd's ``defvjp`` table.
A VJP has the signature ``vjp(g, out, *args, **kwargs)``: ``g`` is the gradient
flowing into the output, ``out`` the output, ``args`` the forward arguments.

Why the VJPs call ``cos(x)`` and not ``np.cos(x)``: every primitive is
*polymorphic*.  Called on plain arrays it returns a plain array (no graph, no
Tensor), called on tensors it returns a tensor.  The engine runs the VJPs on
arrays in an ordinary backward pass (fast) and on tensors under
``create_graph=True``, which records the derivative's own graph and gives
higher-order derivatives from the same line of calculus.

No VJP mentions broadcasting: the engine sums every gradient back to its
input's shape (``autograd._unbroadcast``), once, for every edge.

Conventions at kinks and ties (the same as PyTorch):

* ``relu'(0) = 0`` and ``abs'(0) = sign(0) = 0``;
* ``clip`` passes the gradient where ``lo <= x <= hi`` (boundaries included);
* ``maximum(x, y)`` with ``x == y`` gives half of the gradient to each;
* ``max`` over an axis splits the gradient evenly among tied maxima.
"""

from __future__ import annotations

import numpy as np

from .errors import ShapeError
from .tensor import GradMode, Tensor, _next_seq

_from_op = Tensor._from_op
_new_tensor = Tensor.__new__

#: Every primitive, built-in or user-defined, by name.  Tests iterate over it.
REGISTRY: dict[str, Primitive] = {}


class Primitive:
    """An operation with a NumPy forward and one VJP per argument.

    ``rules`` holds one short formula per argument (the local derivative in
    words and symbols) that ``mg.draw`` and ``mg.explain`` print; ``domain``
    holds one of ``"real"``, ``"positive"``, ``"nonzero"`` per argument, the
    region where the derivative is defined (the property tests sample it);
    ``smooth`` says whether second derivatives exist almost everywhere and are
    worth testing.  ``differentiable_vjp`` says the VJPs are written with
    minigrad primitives and operators only, so ``create_graph=True`` can
    differentiate through them.
    """

    __slots__ = ("name", "forward", "vjps", "rules", "domain", "smooth",
                 "differentiable_vjp", "explain_error", "doc")

    def __init__(self, name, forward, *, rules=None, domain=None, smooth=True,
                 differentiable_vjp=True, explain_error=None, doc=None):
        self.name = name
        self.forward = forward
        self.vjps = None
        self.rules = rules
        self.domain = domain
        self.smooth = smooth
        self.differentiable_vjp = differentiable_vjp
        self.explain_error = explain_error
        self.doc = doc or forward.__doc__

    def defvjp(self, *vjps):
        """Set the VJP of each argument, in order (``None``: not differentiable)."""
        self.vjps = vjps
        return self

    def __call__(self, *args, **kwargs):
        # The hot path of the whole library: keep it flat.
        datas = []
        is_tensor_call = traced = False
        for a in args:
            if isinstance(a, Tensor):
                is_tensor_call = True
                if a.requires_grad:
                    traced = True
                datas.append(a.data)
            else:
                datas.append(a)
        try:
            out = self.forward(*datas, **kwargs)
        except (ValueError, TypeError, IndexError) as exc:
            raise _explain(self, datas, kwargs, exc) from exc
        if not is_tensor_call:
            return out                    # arrays in, array out: used inside VJPs
        if out.__class__ is not np.ndarray:
            out = np.asarray(out)         # NumPy returns scalars for 0-d results
        if traced and GradMode.enabled:
            if self.vjps is None:
                raise NotImplementedError(
                    f"primitive '{self.name}' has no derivative yet: call "
                    f"{self.name}.defvjp(...) before using it on tensors that require grad")
            # Build the output node inline (this is Tensor._from_op, unrolled
            # because a function call here costs a tenth of the whole op).
            t = _new_tensor(Tensor)
            t.data = out
            t.grad = t.name = None
            t.requires_grad = True
            t._op = self
            t._args = args
            t._values = tuple(datas)   # a tuple of arrays: the GC stops tracking it
            t._kwargs = kwargs or None
            t._seq = _next_seq()
            t._retains_grad = False
            return t
        return _from_op(out, None, (), None)

    def __repr__(self):
        return f"<minigrad primitive '{self.name}'>"


def primitive(forward=None, *, name=None, rules=None, domain=None, smooth=True,
              differentiable_vjp=False, explain_error=None, register=True):
    """Declare a new operation from its NumPy forward; then give its derivative.

    This is how every built-in op is made, and how you add your own::

        >>> import numpy as np, minigrad as mg
        >>> @mg.primitive
        ... def softplus(x):
        ...     return np.logaddexp(0.0, x)
        >>> _ = softplus.defvjp(lambda g, out, x: g / (1.0 + np.exp(-x)))
        >>> mg.gradcheck(softplus, (np.array([-1.0, 0.5, 2.0]),))
        True

    The VJP receives NumPy arrays.  Write it with ``mg.ops`` functions and
    operators only (``mg.ops.exp`` instead of ``np.exp``) and pass
    ``differentiable_vjp=True`` to make the op twice differentiable; otherwise
    a second derivative through it raises an error that says so.
    ``explain_error(arrays, kwargs)`` may return a message for operands the
    forward rejects.
    """
    def make(fn):
        op = Primitive(name or fn.__name__, fn, rules=rules, domain=domain,
                       smooth=smooth, differentiable_vjp=differentiable_vjp,
                       explain_error=explain_error)
        if register:
            REGISTRY[op.name] = op
        return op
    return make if forward is None else make(forward)


def _builtin(name, forward, *vjps, **meta):
    op = primitive(forward, name=name, differentiable_vjp=True, **meta)
    return op.defvjp(*vjps)


def _raw(x):
    """The array inside a tensor (masks and shapes never need a graph)."""
    return x.data if isinstance(x, Tensor) else x


def _cast_like(mask, g):
    """Masks are float64; keep the gradient in its own dtype (float32 stays)."""
    return np.asarray(mask, dtype=_raw(g).dtype)


# ---------------------------------------------------------------- errors
def _describe(datas):
    return ", ".join(f"{np.shape(d)} {np.asarray(d).dtype}" if not np.isscalar(d)
                     else f"scalar {type(d).__name__}" for d in datas)


def _explain(op, datas, kwargs, exc):
    if op.explain_error is not None:
        message = op.explain_error(datas, kwargs)
        if message:
            return ShapeError(f"{op.name}: {message}")
    extra = f" with {kwargs}" if kwargs else ""
    return ShapeError(f"{op.name}: NumPy refused operands ({_describe(datas)}){extra}: {exc}")


def _broadcast_error(datas, kwargs):
    shapes = [np.shape(d) for d in datas]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        pretty = " and ".join(str(s) for s in shapes)
        return (f"shapes {pretty} do not broadcast together. Broadcasting lines shapes up "
                f"from the right; each pair of sizes must be equal or one of them 1. "
                f"Reshape one operand (e.g. x.reshape(-1, 1) or x[:, None]) or "
                f"transpose it so the sizes line up.")
    return None


def _matmul_error(datas, kwargs):
    a, b = (np.shape(d) for d in datas)
    if len(a) == 0 or len(b) == 0:
        return (f"operands of shapes {a} and {b}: matmul needs arrays with at least one "
                f"dimension; use * to multiply by a scalar.")
    k_a, k_b = a[-1], (b[0] if len(b) == 1 else b[-2])
    if k_a != k_b:
        hint = " Did you mean to transpose the second operand (b.T)?" if (
            len(b) >= 2 and b[-1] == k_a) else ""
        return (f"shapes {a} and {b} do not align: the last dimension of the first "
                f"operand ({k_a}) must equal the "
                f"{'only' if len(b) == 1 else 'second-to-last'} dimension of the "
                f"second ({k_b}).{hint}")
    return (f"batch dimensions of {a} and {b} do not broadcast: the leading dimensions "
            f"(all but the last two) must be equal or 1.")


# ------------------------------------------------------ elementwise, binary
add = _builtin(
    "add", np.add,
    lambda g, out, x, y: g,
    lambda g, out, x, y: g,
    rules=("1", "1"), explain_error=_broadcast_error)

sub = _builtin(
    "sub", np.subtract,
    lambda g, out, x, y: g,
    lambda g, out, x, y: -g,
    rules=("1", "-1"), explain_error=_broadcast_error)

mul = _builtin(
    "mul", np.multiply,
    lambda g, out, x, y: g * y,
    lambda g, out, x, y: g * x,
    rules=("y", "x"), explain_error=_broadcast_error)

# Division is a primitive rather than x * y**-1: one node and one rounding.
div = _builtin(
    "div", np.true_divide,
    lambda g, out, x, y: g / y,
    lambda g, out, x, y: -g * out / y,
    rules=("1/y", "-x/y²"), domain=("real", "nonzero"), explain_error=_broadcast_error)

pow = _builtin(  # noqa: A001  (mirrors the operator's name, like numpy.power)
    "pow", np.power,
    lambda g, out, x, y: g * y * x ** (y - 1),
    lambda g, out, x, y: g * out * log(x),
    rules=("y·x^(y-1)", "x^y·log(x)"), domain=("positive", "real"),
    explain_error=_broadcast_error)


def _maximum_mask(x, y, g):
    x, y = _raw(x), _raw(y)
    return _cast_like((x > y) + 0.5 * (x == y), g)


maximum = _builtin(
    "maximum", np.maximum,
    lambda g, out, x, y: g * _maximum_mask(x, y, g),
    lambda g, out, x, y: g * _maximum_mask(y, x, g),
    rules=("1 where x>y (½ at ties)", "1 where y>x (½ at ties)"),
    smooth=False, explain_error=_broadcast_error)

where = _builtin(
    "where", np.where,
    None,
    lambda g, out, c, x, y: where(_raw(c), g, 0.0),
    lambda g, out, c, x, y: where(_raw(c), 0.0, g),
    rules=(None, "1 where cond", "1 where not cond"), explain_error=_broadcast_error)

# --------------------------------------------------------- elementwise, unary
neg = _builtin("neg", np.negative, lambda g, out, x: -g, rules=("-1",))
exp = _builtin("exp", np.exp, lambda g, out, x: g * out, rules=("exp(x)",))
log = _builtin("log", np.log, lambda g, out, x: g / x, rules=("1/x",), domain=("positive",))
sqrt = _builtin("sqrt", np.sqrt, lambda g, out, x: g / (2.0 * out),
                rules=("1/(2·sqrt(x))",), domain=("positive",))
sin = _builtin("sin", np.sin, lambda g, out, x: g * cos(x), rules=("cos(x)",))
cos = _builtin("cos", np.cos, lambda g, out, x: -g * sin(x), rules=("-sin(x)",))
tanh = _builtin("tanh", np.tanh, lambda g, out, x: g * (1.0 - out * out),
                rules=("1 - tanh(x)²",))
abs = _builtin(  # noqa: A001
    "abs", np.abs, lambda g, out, x: g * np.sign(_raw(x)),
    rules=("sign(x)",), smooth=False)
relu = _builtin(
    "relu", lambda x: np.maximum(x, 0.0), lambda g, out, x: g * (_raw(x) > 0),
    rules=("1 where x>0 else 0",), smooth=False)


def _clip(x, lo=None, hi=None):
    return np.clip(x, lo, hi)


def _clip_mask(x, lo, hi):
    x = _raw(x)
    inside = np.ones(x.shape, dtype=bool)
    if lo is not None:
        inside &= x >= lo
    if hi is not None:
        inside &= x <= hi
    return inside


clip = _builtin(
    "clip", _clip, lambda g, out, x, lo=None, hi=None: g * _clip_mask(x, lo, hi),
    rules=("1 where lo≤x≤hi else 0",), smooth=False)


# ----------------------------------------------------------------- reductions
def _normalize_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    return tuple(int(a) % ndim if ndim else 0 for a in axes)


def _kept_shape(shape, axis):
    """The shape a reduction over ``axis`` has with keepdims=True."""
    axes = _normalize_axes(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


# Forwards call NumPy's C-level ufunc methods and array methods rather than
# np.sum / np.reshape / np.broadcast_to: those Python wrappers cost several
# microseconds each, more than the arithmetic on a small array.
def _sum(x, axis=None, keepdims=False):
    return np.add.reduce(x, axis=axis, keepdims=keepdims)


def _sum_vjp(g, out, x, axis=None, keepdims=False):
    # Put the summed axes back as 1s so that g lines up with x.  (A full or
    # 1-D sum needs no reshape: broadcasting aligns a scalar by itself.)
    if axis is not None and not keepdims and x.ndim > 1:
        g = reshape(g, shape=_kept_shape(x.shape, axis))
    return broadcast_to(g, shape=x.shape)


sum = _builtin(  # noqa: A001
    "sum", _sum, _sum_vjp, rules=("copy g to every summed element",))


def _max(x, axis=None, keepdims=False):
    return np.maximum.reduce(x, axis=axis, keepdims=keepdims)


def _max_vjp(g, out, x, axis=None, keepdims=False):
    kept = _kept_shape(x.shape, axis)
    is_max = _raw(x) == np.reshape(_raw(out), kept)
    share = is_max / np.sum(is_max, axis=axis, keepdims=True)   # ties split evenly
    return reshape(g, shape=kept) * _cast_like(share, g)


max = _builtin(  # noqa: A001
    "max", _max, _max_vjp, rules=("1 at the maximum (shared by ties)",), smooth=False)

# ------------------------------------------------------------ shape and index
reshape = _builtin(
    "reshape", lambda x, shape: np.asarray(x).reshape(shape),
    lambda g, out, x, shape: reshape(g, shape=x.shape),
    rules=("reshape g back",))


def _transpose(x, axes=None):
    return np.asarray(x).transpose(axes)


def _transpose_vjp(g, out, x, axes=None):
    # Negative axes count from the end: normalise them before inverting.
    inverse = None if axes is None else tuple(np.argsort([a % x.ndim for a in axes]))
    return transpose(g, axes=inverse)


def _broadcast_to(x, shape):
    """A new array of ``shape`` holding ``x`` broadcast (not a read-only view:
    the gradient of a sum is one, and it should be an array of its own)."""
    x = np.asarray(x)
    if x.shape == tuple(shape):
        return x
    if x.ndim > len(shape):         # assignment would drop leading 1s; NumPy refuses
        np.broadcast_to(x, shape)
    out = np.empty(shape, dtype=x.dtype)
    try:
        out[...] = x
    except ValueError:
        np.broadcast_to(x, shape)   # raises NumPy's own message for _explain
        raise
    return out


transpose = _builtin("transpose", _transpose, _transpose_vjp, rules=("transpose g back",))

broadcast_to = _builtin(
    "broadcast_to", _broadcast_to,
    lambda g, out, x, shape: g,   # the engine sums g back to x's shape
    rules=("sum g over the broadcast axes",), explain_error=None)


def _is_basic_index(index):
    """Slices, integers, None and Ellipsis never select an element twice."""
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer))
               for i in items)


def _unindex(g, index, shape):
    """Scatter-add ``g`` into zeros of ``shape`` at ``index`` (inverse of getitem)."""
    out = np.zeros(shape, dtype=g.dtype if hasattr(g, "dtype") else np.float64)
    if type(index) is int or _is_basic_index(index):
        out[index] = g
    else:
        np.add.at(out, index, g)   # repeated indices accumulate
    return out


def _index_error(datas, kwargs):
    x, index = datas[0], kwargs.get("index")
    items = index if isinstance(index, tuple) else (index,)
    if any(np.asarray(i).dtype.kind == "f" for i in items
           if isinstance(i, (np.ndarray, list))):
        return (f"index arrays must hold integers or booleans, got floats (indexing a "
                f"tensor of shape {np.shape(x)}). mg.tensor makes float64 by default: "
                f"index with a NumPy array, or mg.tensor(..., dtype=np.int64).")
    return f"index {index!r} does not fit a tensor of shape {np.shape(x)}."


getitem = _builtin(
    "getitem", lambda x, index: x[index],
    lambda g, out, x, index: unindex(g, index=index, shape=x.shape),
    rules=("g scattered back to the indexed elements",), explain_error=_index_error)

unindex = _builtin(
    "unindex", _unindex,
    lambda g, out, h, index, shape: getitem(g, index=index),
    rules=("g read at the indices",))


class _ConcatVJPs:
    """Argument i of a concatenation receives its own slice of ``g``."""

    def __getitem__(self, i):
        def vjp(g, out, *xs, axis=0):
            axis = axis % out.ndim
            start = int(np.sum([x.shape[axis] for x in xs[:i]], dtype=int))
            index = (slice(None),) * axis + (slice(start, start + xs[i].shape[axis]),)
            return getitem(g, index=index)
        return vjp


def _concatenate(*xs, axis=0):
    return np.concatenate(xs, axis=axis)


def _concat_error(datas, kwargs):
    shapes = " and ".join(str(np.shape(d)) for d in datas)
    return (f"cannot join shapes {shapes} along axis {kwargs.get('axis', 0)}: all sizes "
            f"except along that axis must match, and the arrays need the same number "
            f"of dimensions.")


concatenate = _builtin("concatenate", _concatenate, explain_error=_concat_error,
                       rules=("the matching slice of g",))
concatenate.vjps = _ConcatVJPs()

# ------------------------------------------------------------------ matmul


def _swap_last(x):
    if x.ndim == 2:
        return x.T
    axes = list(range(x.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return transpose(x, axes=tuple(axes))


def _matmul_vjp_a(g, out, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return g * b
    if a.ndim == 1:   # (k,) @ (..., k, n): treat a as a row (1, k)
        grad_row = matmul(reshape(g, shape=g.shape[:-1] + (1, g.shape[-1])), _swap_last(b))
        return reshape(grad_row, shape=grad_row.shape[:-2] + (grad_row.shape[-1],))
    if b.ndim == 1:   # (..., m, k) @ (k,): outer product of g and b
        return reshape(g, shape=g.shape + (1,)) * b
    return matmul(g, _swap_last(b))


def _matmul_vjp_b(g, out, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return g * a
    if b.ndim == 1:   # (..., m, k) @ (k,): treat b as a column (k, 1)
        grad_col = matmul(_swap_last(a), reshape(g, shape=g.shape + (1,)))
        return reshape(grad_col, shape=grad_col.shape[:-1])
    if a.ndim == 1:   # (k,) @ (..., k, n): outer product of a and g
        return reshape(a, shape=(a.shape[0], 1)) * reshape(
            g, shape=g.shape[:-1] + (1, g.shape[-1]))
    return matmul(_swap_last(a), g)


matmul = _builtin("matmul", np.matmul, _matmul_vjp_a, _matmul_vjp_b,
                  rules=("g @ Bᵀ", "Aᵀ @ g"), explain_error=_matmul_error)


# ------------------------------------------------ higher order, first-order VJPs
def _refuse_second_derivative(g, out, *args, op_name):
    from .errors import BackwardError
    raise BackwardError(
        f"the derivative of custom op '{op_name}' was written with NumPy, so it cannot be "
        f"differentiated again. Write its VJP with mg.ops functions and operators "
        f"and declare it with differentiable_vjp=True to get higher-order derivatives.")


class _RefuseAll:
    def __getitem__(self, i):
        return _refuse_second_derivative


#: Wraps the gradient of a first-order-only custom op under create_graph=True.
first_order_only = Primitive("first_order_only", lambda g, *args, op_name: g)
first_order_only.vjps = _RefuseAll()
