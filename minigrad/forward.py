"""Forward mode: ``jvp`` and ``jacfwd`` (JAX's names), tangents carried beside values.

``mg.jvp(f, primals, tangents)`` runs ``f`` once.  Every primitive call on a
tensor that has a tangent computes the tangent of its result on the spot, from
the op's JVP (Jacobian-vector product), so when ``f`` returns, the tangent of
its output, ``J t``, is there too: no backward pass of ``f`` runs.

Where a JVP comes from, for each argument of a primitive:

* declared on the op (``jvp=`` in ``ops/``, or ``op.defjvp``): ``jvp(t, out,
  *args, **kwargs)``, the part of the output's tangent that ``t`` makes;
* an elementwise op (``kind="elementwise"``) has a diagonal Jacobian, which
  is its own transpose: its VJP applied to the tangent is its JVP;
* any other op: the *transpose trick*.  The VJP ``g -> Jᵀg`` is linear in
  ``g``, so ``J t`` is the gradient with respect to ``g`` of ``<Jᵀg, t>``: a
  small reverse pass through the op's VJP alone (which is written with
  primitives), never through ``f``.  A user's op whose VJP is NumPy code
  gets ``J t`` from the rows of ``J``, one VJP call per output element.

So every registered op, built-in or user-defined, and every composite (made of
primitives) works in forward mode with no further code.

**Levels.**  Each ``jvp`` call is a level with its own tangents, so ``jvp`` of
a function that calls ``jvp`` keeps the two perturbations apart.  A level's
tangents are computed with only the enclosing levels watching, so those
enclosing levels see the tangent computation and differentiate it in turn.
The primals become fresh variables that require grad (``fresh_variables.py``):
a ``grad`` inside ``f`` then builds its backward pass as a graph, whose
primitive calls carry tangents too (forward over reverse, ``jacfwd(jacrev(f))``);
and a ``grad`` of a function that calls ``jvp`` differentiates the tangent
computation, recorded as a graph (reverse over forward).  When nothing outside
needs that record, tangents are computed on plain arrays, which is faster.

**Zero cost when off.**  ``Primitive.__call__`` gets a layer that carries
tangents only while some ``jvp`` runs (as ``detect_anomaly`` does).  Under a
trace (``mg.make_trace``, ``mg.jit``) each JVP call on arrays is also recorded
as one step of the program (``traced_tangent``), so a compiled ``jvp`` replays
the same NumPy calls as the eager one.
"""

from __future__ import annotations

import contextvars
import functools
import threading

import numpy as np

from . import ops
from .autograd import enable_grad
from .autograd import grad as autograd_grad
from .errors import BackwardError, DTypeError, ShapeError
from .fresh_variables import constant, constant_output, tree_map, variables
from .primitive import REGISTRY, add_call_layer, remove_call_layer
from .primitive import constant as operand
from .tensor import Tensor, leaf, to_array
from .tracing import TRACING, recording

__all__ = ["jvp", "jacfwd"]


class Level:
    """One ``jvp`` call: the tangent of every tensor it has seen, by ``id``:
    (tensor, tangent, recorded), and whether its tangent computations are all
    recorded on tensors (something outside may differentiate them).

    Otherwise a tangent is computed on arrays unless a tensor of another graph
    went into it (an operand that requires grad but has no tangent here, such
    as a closed-over parameter), or into an operand's tangent (``recorded``):
    then it is computed on tensors, so that ``backward`` reaches that graph."""

    __slots__ = ("tangents", "record", "trace")

    def __init__(self, record, trace=None):
        self.tangents = {}
        self.record = record
        self.trace = trace          # the recorder of a trace (mg.jit) this jvp runs in


#: The levels of the running ``jvp`` calls in this thread (or task), outermost first.
LEVELS = contextvars.ContextVar("minigrad_forward_levels", default=())
_live = [0]
_lock = threading.Lock()


def _hold(n):
    """Count the running ``jvp`` calls; the tangent-carrying layer is on while any runs."""
    with _lock:
        _live[0] += n
        if _live[0] == 1 and n > 0:
            add_call_layer("forward", _wrap, depth=2)
        elif _live[0] == 0:
            remove_call_layer("forward")


def _wrap(below):
    def forward_call(self, *args, **kwargs):
        out = below(self, *args, **kwargs)
        if out.__class__ is not Tensor:
            return out                  # arrays in, array out (inside a VJP or a JVP)
        levels = LEVELS.get()
        if levels:
            push_tangents(self, args, kwargs, out, levels)
        return out
    return forward_call


def push_tangents(op, args, kwargs, out, levels):
    """Give ``out`` its tangent at every level where an argument has one."""
    if op.nargs is not None and len(args) > op.nargs:
        args, kwargs = op._split(args, kwargs)
    key = id(out)
    for k, level in enumerate(levels):
        tangents = level.tangents
        if key in tangents:
            continue                    # set by the call this one made (a list stacked)
        ts = None
        record = level.record
        i = 0
        for a in args:
            if isinstance(a, Tensor):
                entry = tangents.get(id(a))
                if entry is not None:
                    if ts is None:
                        ts = [None] * len(args)
                    ts[i] = entry[1]
                    if entry[2]:
                        record = True
                elif a.requires_grad:
                    record = True       # a tensor of another graph (a closed-over parameter)
                    if a._op is ops.first_order_only:
                        _refuse_numpy_vjp(a, tangents)
            i += 1
        if ts is None:
            continue
        rec = level.trace
        if rec is not None and rec.paused:
            rec = None                  # inside a recorded step: its NumPy is not recorded
        if record:
            token = LEVELS.set(levels[:k])   # only the enclosing levels watch this computation
            before = rec.tangent_begin(out) if rec is not None else None
            try:
                tangent = tangent_of_call(op, ts, out, args, kwargs, True)
            finally:
                LEVELS.reset(token)
                if rec is not None:
                    rec.tangent_end(before)
        elif rec is not None:           # on arrays, each JVP call a step of the trace
            tangent = traced_tangent(rec, op, ts, out, args, kwargs)
        else:                           # on arrays: no primitive call here makes a tensor
            tangent = tangent_of_call(op, ts, out, args, kwargs, False)
        if tangent is not None:
            tangents[key] = (out, tangent, record)


def tangent_of_call(op, ts, out, args, kwargs, record):
    """The tangent of ``out = op(*args)`` given the arguments' tangents ``ts``
    (None: zero): the sum of each argument's JVP, spread to the output's shape."""
    if record:
        o, xs = out, args
    else:
        o = out._data
        xs = out._values if out._op is op else tuple(
            a._data if isinstance(a, Tensor) else operand(a) for a in args)
    jvps = op.jvps or ()
    n = len(jvps)
    total = None
    i = 0
    for t in ts:
        if t is not None:
            rule = jvps[i] if i < n else None
            part = rule(t, o, *xs, **kwargs) if rule is not None else derived_jvp(
                op, i, t, o, xs, kwargs, record)
            if part is not None:
                total = part if total is None else total + part
        i += 1
    if total is None:
        return None
    shape = out._data.shape
    if getattr(total, "shape", ()) != shape:      # a broadcast operand: its tangent too
        total = REGISTRY["broadcast_to"](total, shape=shape)
    return total


def traced_tangent(rec, op, ts, out, args, kwargs):
    """``tangent_of_call`` on arrays while a trace records (``mg.make_trace``,
    ``mg.jit``): each argument's JVP is one step of the program, as each VJP is
    in a backward pass, which the replay runs on arrays as eager forward mode does."""
    o = out._data
    xs = out._values if out._op is op else tuple(
        a._data if isinstance(a, Tensor) else operand(a) for a in args)
    jvps = op.jvps or ()
    total = None
    before = rec.tangent_begin(out)
    try:
        for i, t in enumerate(ts):
            if t is None:
                continue
            rule, how = (jvps[i], "declared") if i < len(jvps) and jvps[i] is not None \
                else _derived_rule(op, i)
            if rule is None:
                continue                # not a differentiable argument
            if how == "elementwise" and getattr(t, "shape", ()) != o.shape:
                t = REGISTRY["broadcast_to"](t, shape=o.shape)     # recorded: arrays in
            part = rec.jvp_step(op, i, rule, how, t, o, xs, kwargs)
            if part is not None:
                total = part if total is None else rec.sum_step(total, part)
        if total is not None and getattr(total, "shape", ()) != o.shape:
            total = REGISTRY["broadcast_to"](total, shape=o.shape)
    finally:
        rec.tangent_end(before)
    return total


def _derived_rule(op, i):
    """Argument ``i``'s JVP as a function of ``(t, out, *args, **kwargs)`` for an op
    that declares none, and which way ``derived_jvp`` finds it (the listing says)."""
    if op.vjps is None:
        derived_jvp(op, i, None, None, (), {}, False)     # raises: no derivative yet
    if op.vjps[i] is None:
        return None, None
    if op.differentiable_vjp and op.kind == "elementwise":
        return op.vjps[i], "elementwise"

    def rule(t, o, *xs, **kwargs):
        return derived_jvp(op, i, t, o, xs, kwargs, False)
    rule.__name__ = f"{op.name}_jvp{i}"
    return rule, "transpose" if op.differentiable_vjp else "numpy"


def derived_jvp(op, i, t, o, xs, kwargs, record):
    """Argument ``i``'s JVP for an op that declares none, from its VJP."""
    vjps = op.vjps
    if vjps is None:
        raise NotImplementedError(
            f"primitive '{op.name}' has no derivative yet: call {op.name}.defvjp(...) "
            f"(and optionally {op.name}.defjvp(...)) before using it in forward mode")
    vjp = vjps[i]
    if vjp is None:
        return None                     # not a differentiable argument
    if not op.differentiable_vjp:
        return _numpy_vjp_jvp(op, vjp, t, o, xs, kwargs, record)
    if op.kind == "elementwise":        # a diagonal Jacobian is its own transpose
        if getattr(t, "shape", ()) != o.shape:
            t = REGISTRY["broadcast_to"](t, shape=o.shape)
        return vjp(t, o, *xs, **kwargs)
    # The transpose trick: Jt = d/dg <Jᵀg, t>, a reverse pass through the VJP only.  Any
    # g gives the same derivative (the VJP is linear in g); ones, not zeros, because a
    # VJP may skip a term whose part of g is all zero (eigh's eigenvectors).
    g = leaf(np.ones(o.shape, dtype=o.dtype)).requires_grad_()
    with enable_grad():
        s = REGISTRY["sum"](vjp(g, o, *xs, **kwargs) * t)   # t broadcasts like the op did
    if not (isinstance(s, Tensor) and s.requires_grad):
        return None                     # a VJP that ignores g: a zero Jacobian
    return autograd_grad(s, [g], create_graph=record, materialize_grads=True)[0]


def _numpy_vjp_jvp(op, vjp, t, o, xs, kwargs, record):
    """J t for a user's op whose VJP is NumPy code: J's rows, one VJP per output element."""
    if record:
        raise BackwardError(
            f"forward mode: the VJP of custom op '{op.name}' was written with NumPy, so its "
            f"JVP cannot be differentiated again (this jvp is nested in another derivative). "
            f"Write the VJP with mg.ops functions and declare differentiable_vjp=True, or "
            f"give the op a JVP with {op.name}.defjvp(...).")
    t = np.asarray(t)
    o = np.asarray(o)
    rows = []
    for k in range(o.size):
        seed = np.zeros(o.size, dtype=o.dtype)
        seed[k] = 1.0
        row = np.asarray(vjp(seed.reshape(o.shape), o, *xs, **kwargs))
        rows.append(np.sum(row * t))    # <Jᵀe_k, t> = (J t)_k; t broadcasts like the op did
    return np.asarray(rows, dtype=o.dtype).reshape(o.shape)


def _refuse_numpy_vjp(a, tangents):
    """A gradient made by a custom op's NumPy VJP under create_graph (autograd builds
    that node itself, not through a primitive call): its tangent is unknown, so
    forward over reverse through it would be silently wrong where it has one."""
    if any(isinstance(p, Tensor) and id(p) in tangents for p in a._args):
        name = (a._kwargs or {}).get("op_name", "?")
        raise BackwardError(
            f"forward mode over reverse mode: the VJP of custom op '{name}' was written "
            f"with NumPy, so its gradient has no tangent (jacfwd(jacrev(f)), jvp of a "
            f"grad). Write the VJP with mg.ops functions and declare "
            f"differentiable_vjp=True, or use mg.hessian(f) for reverse over reverse, "
            f"which says the same.")


# ------------------------------------------------------------------ the calls
def _check_pairs(primals, tangents, who):
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(
            f"{who}(f, primals, tangents): primals and tangents are tuples, one entry per "
            f"argument of f (JAX's signature), got {type(primals).__name__} and "
            f"{type(tangents).__name__}. Write {who}(f, (x,), (v,)) for one argument.")
    if len(primals) != len(tangents):
        raise ShapeError(
            f"{who}: {len(primals)} primal(s) but {len(tangents)} tangent(s); give one "
            f"tangent per primal.")
    if not primals:
        raise TypeError(f"{who}(f, primals, tangents) needs at least one primal")


def _tangent_array(t, x, i, who):
    """Tangent ``i`` as the level keeps it, checked against its primal ``x``."""
    data = t.data if isinstance(t, Tensor) else to_array(t)
    want = x.data
    if data.shape != want.shape:
        raise ShapeError(
            f"{who}: tangent {i} has shape {data.shape}, but primal {i} has shape "
            f"{want.shape}. A tangent is a direction in the primal's space: give it the "
            f"primal's shape.")
    if data.dtype != want.dtype:
        if data.dtype.kind not in "f" or want.dtype.kind not in "f":
            raise DTypeError(
                f"{who}: tangent {i} has dtype {data.dtype}, primal {i} has dtype "
                f"{want.dtype}. Tangents are floating point, of the primal's dtype.")
        raise DTypeError(
            f"{who}: tangent {i} has dtype {data.dtype}, but primal {i} has dtype "
            f"{want.dtype}. Give the tangent the primal's dtype (e.g. "
            f"v.astype(x.dtype)), as JAX requires.")
    return t if isinstance(t, Tensor) and t.requires_grad else data


def _jvp(f, args, kwargs, nums, tangents, who):
    """``f``'s output and its tangent, for tangents of the arguments ``nums``."""
    as_tensor = any(isinstance(args[i], Tensor) for i in nums)
    outer = LEVELS.get()
    with variables(args, nums) as (args, xs, connect):
        ts = [_tangent_array(t, x, i, who) for i, (t, x) in enumerate(zip(tangents, xs))]
        record = bool(outer) or connect and (
            any(x._op is not None for x in xs) or any(isinstance(t, Tensor) for t in ts))
        level = Level(record, TRACING.get())
        for x, t in zip(xs, ts):
            level.tangents[id(x)] = (x, t, record)
        _hold(1)
        token = LEVELS.set(outer + (level,))
        try:
            out = f(*args, **kwargs)
        finally:
            LEVELS.reset(token)
            _hold(-1)
        tangent_out = tree_map(lambda o: _tangent_out(o, level, who), out)
    out = tree_map(lambda o: constant(o, as_tensor, connect), out)
    tangent_out = tree_map(lambda t: constant(t, as_tensor, connect) if isinstance(t, Tensor)
                           else (leaf(np.asarray(t)) if as_tensor else np.asarray(t)),
                           tangent_out)
    return out, tangent_out


def _tangent_out(o, level, who):
    if isinstance(o, Tensor):
        entry = level.tangents.get(id(o))
        if entry is not None and entry[0] is o:
            t = entry[1]
            if level.trace is not None and t.__class__ is not np.ndarray and not isinstance(
                    t, Tensor):
                return level.trace.as_array(t)     # a 0-d tangent: the array is a step
            return t
        return np.zeros(o.shape, dtype=o.dtype)   # o does not depend on the primals
    return np.zeros_like(constant_output(o, who))


def jvp(f, primals, tangents):
    """``f``'s output at ``primals`` and its Jacobian-vector product along ``tangents``.

    JAX's ``jax.jvp`` (and ``torch.func.jvp``): ``primals`` and ``tangents``
    are tuples, one entry per argument of ``f``, each tangent of its primal's
    shape and dtype; returns ``(out, tangent_out)`` with ``tangent_out = J t``,
    the derivative of ``f`` at ``primals`` in the direction ``tangents``.  One
    pass of ``f``, with tangents computed beside the values (forward mode).
    An output that is a tuple, list or dict gives a tangent of that structure.

    >>> import numpy as np, minigrad as mg
    >>> x = np.array([0.0, 1.0])
    >>> out, t = mg.jvp(lambda x: mg.sin(x) * x, (x,), (np.ones(2),))
    >>> t                                        # cos(x)·x + sin(x)
    array([0.        , 1.38177329])
    >>> mg.jvp(lambda a, b: a @ b, (np.eye(2), x), (np.zeros((2, 2)), np.ones(2)))[1]
    array([1., 1.])
    """
    _check_pairs(primals, tangents, "jvp")
    nums = tuple(range(len(primals)))
    return _jvp(f, list(primals), {}, nums, tuple(tangents), "jvp")


def jacfwd(f, argnums=0):
    """The Jacobian of ``f`` by forward mode, of shape ``out.shape + x.shape``.

    One ``jvp`` per input element (a column of the Jacobian each), where
    [`jacrev`][minigrad.transforms.jacobian] does one backward pass per output
    element: ``jacfwd`` is the cheaper one for functions with few inputs and
    many outputs.  With a tuple of ``argnums`` it returns a tuple.

    >>> import numpy as np, minigrad as mg
    >>> mg.jacfwd(lambda x: x * x)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    >>> mg.jacfwd(mg.jacrev(lambda x: (x ** 3).sum()))(np.array([1.0, 2.0]))   # a Hessian
    array([[ 6.,  0.],
           [ 0., 12.]])
    """
    single = isinstance(argnums, (int, np.integer))
    nums = (argnums,) if single else tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        jacs = [_jacobian_columns(f, list(args), kwargs, i) for i in nums]
        return jacs[0] if single else tuple(jacs)
    return wrapped


def _jacobian_columns(f, args, kwargs, i):
    x = args[i]
    data = to_array(x.data if isinstance(x, Tensor) else x)
    if data.dtype.kind != "f":
        data = data.astype(np.float64)
    columns, out = [], None
    for k in range(data.size):
        seed = np.zeros(data.size, dtype=data.dtype)
        seed[k] = 1.0
        out, column = _jvp(f, args, kwargs, (i,), (seed.reshape(data.shape),), "jacfwd")
        columns.append(column)
    if out is None:                     # an empty input: run f for the output's shape
        out = f(*args, **kwargs)
    if isinstance(out, (tuple, list, dict)):
        raise BackwardError(
            f"jacfwd(f) needs f to return one tensor, got a {type(out).__name__}: take the "
            f"Jacobian of each output separately, or use mg.jvp, which takes any structure.")
    out_shape = np.shape(out.data if isinstance(out, Tensor) else out)
    if not columns:
        jac = np.zeros(out_shape + data.shape, dtype=data.dtype)
        return leaf(jac) if isinstance(x, Tensor) else jac
    if any(isinstance(c, Tensor) for c in columns):
        stacked = REGISTRY["concatenate"](
            *[REGISTRY["reshape"](c, shape=out_shape + (1,)) for c in columns], axis=-1)
        return REGISTRY["reshape"](stacked, shape=out_shape + data.shape)
    rec = recording()
    if rec is not None:                 # under a trace: the stacking is a step too
        jac = _stack_columns(*columns, shape=out_shape + data.shape)
        rec.call("jacfwd_columns", _stack_columns, columns, jac, shape=out_shape + data.shape)
        return jac
    return _stack_columns(*columns, shape=out_shape + data.shape)


def _stack_columns(*columns, shape):
    return np.stack(columns, axis=-1).reshape(shape)
