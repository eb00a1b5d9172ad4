"""Tracing: run a function once and record its [`Program`][minigrad.program.Program].

``make_trace(f)(*args)`` (JAX's ``make_jaxpr``) and ``mg.jit`` run ``f`` with
each array argument as a tensor and record every step computed from them
(``program.py`` says which steps there are).  Recording costs nothing when
off: as anomaly and forward mode do, the recorder is a layer of
``Primitive.__call__`` (``add_call_layer``), the innermost one, so a call is
recorded before forward mode computes its tangent, whatever order the modes
began in; and it swaps in its versions of ``autograd.run_backward``, the copy
hook of ``to_array`` and a few Tensor methods only while some thread traces,
putting back what was there.  The swapped Tensor methods are the comparisons
(recorded as steps) and the conversions to Python values (``bool``,
``float``, ``int``, ``.item()``): on a traced tensor those raise a
[`TraceError`][minigrad.errors.TraceError], since a branch taken on today's
value would be frozen into the program.  A ``jvp`` inside the trace records
each op's JVP call as one step (``forward.py``, ``Recorder.jvp_step``).
"""

from __future__ import annotations

import contextvars
import threading

import numpy as np

from . import autograd
from .errors import TraceError
from .primitive import add_call_layer, call_layers, constant, holds_tensor, remove_call_layer
from .program import Const, Equation, Program, flatten, unflatten
from .tensor import ARRAY_HOOK, Tensor, leaf, to_array, unwrap

__all__ = ["make_trace", "trace_function", "recording", "TRACING"]

#: The recorder of the trace running in this thread (or task), else None.
TRACING = contextvars.ContextVar("minigrad_trace", default=None)


# ------------------------------------------------------------------ recorder
class Recorder:
    """The program being written while ``f`` runs: slots (every array computed
    from the arguments, by identity) and equations."""

    def __init__(self):
        self.slots = {}          # id(array) -> slot number
        self.values = []         # slot number -> the value at trace time (kept alive)
        self.equations = []
        self.paused = 0          # inside a VJP: its NumPy is part of one step
        self.totals = {}
        self.tangent = None      # (primal's slot, ) while forward mode computes its tangent

    def new_slot(self, value):
        self.slots[id(value)] = len(self.values)
        self.values.append(value)
        return len(self.values) - 1

    def ref(self, value):
        if isinstance(value, Tensor):
            value = value._data
        k = self.slots.get(id(value))
        return Const(value) if k is None else k

    def deep_ref(self, value):
        """A keyword argument: a slot, a tuple or list holding slots, or a Const."""
        if isinstance(value, (tuple, list)):
            items = [self.deep_ref(v) for v in value]
            if any(not isinstance(i, Const) for i in items):
                return ("tree", type(value), items)
            return Const(value)
        return self.ref(value)

    def add(self, eq):
        if self.tangent is not None:
            eq.phase, eq.about = "tangent", self.tangent[0]
        self.equations.append(eq)
        return eq

    # ---------------------------------------------------------- the tangents
    def tangent_begin(self, out):
        """Steps recorded from now on compute the tangent of ``out`` (forward mode);
        returns what ``tangent_end`` restores."""
        before = self.tangent
        k = self.slots.get(id(out._data if isinstance(out, Tensor) else out))
        self.tangent = (k,) if k is not None else before
        return before

    def tangent_end(self, before):
        self.tangent = before

    def jvp_step(self, op, i, rule, how, t, o, xs, kwargs):
        """Argument ``i``'s part of a tangent, ``rule(t, o, *xs, **kwargs)`` on arrays,
        as one step (its NumPy is not recorded, as a VJP's is not)."""
        self.paused += 1
        try:
            part = rule(t, o, *xs, **kwargs)
        finally:
            self.paused -= 1
        if part is None:
            return None
        ins = [self.ref(t), self.ref(o)] + [self.ref(x) for x in xs]
        kw = {k: self.deep_ref(v) for k, v in kwargs.items()}
        if all(isinstance(r, Const) for r in ins) and all(
                isinstance(v, Const) for v in kw.values()):
            return part           # computed from no argument: a constant
        eq = Equation("jvp", None, ins, op=op, fn=rule, kwargs=kw, index=i, note=how)
        eq.out = self.new_slot(part)
        self.add(eq)
        return part

    def sum_step(self, total, part):
        """Two parts of one tangent added, as a step."""
        value = total + part
        ins = [self.ref(total), self.ref(part)]
        if not all(isinstance(r, Const) for r in ins):
            self.add(Equation("add", self.new_slot(value), ins))
        return value

    def as_array(self, value):
        """``np.asarray(value)`` (a 0-d tangent), as a step, so that the array is known."""
        arr = np.asarray(value)
        if arr is not value:
            self.call("asarray", np.asarray, (value,), arr)
        return arr

    # ---------------------------------------------------------- the forward
    def primitive(self, op, args, kwargs, out):
        if op.nargs is not None and len(args) > op.nargs:
            args, kwargs = op._split(args, kwargs)
        if any(holds_tensor(a) for a in args):
            return                # the call re-entered itself on a stacked tensor
        tensor_call = any(isinstance(a, Tensor) for a in args)
        datas = [a._data if isinstance(a, Tensor) else a for a in args]
        if tensor_call and any(not isinstance(a, Tensor) and type(a) is not np.ndarray
                               and type(a) not in (float, int) for a in args):
            datas = [constant(d) for d in datas]
        ins = [self.ref(d) for d in datas]
        kw = {k: self.deep_ref(v) for k, v in kwargs.items()}
        if all(isinstance(i, Const) for i in ins) and all(
                isinstance(v, Const) for v in kw.values()):
            return                # computed from no argument: a constant (folded)
        value = out._data if isinstance(out, Tensor) else out
        self.add(Equation("primitive", self.new_slot(value), ins, op=op, fn=op.forward,
                          kwargs=kw, as_array=tensor_call and np.ndim(value) == 0))

    def call(self, name, fn, operands, out, **kwargs):
        ins = [self.ref(d) for d in operands]
        if all(isinstance(i, Const) for i in ins):
            return
        self.add(Equation("call", self.new_slot(out), ins, fn=fn, name=name, kwargs={
            k: Const(v) for k, v in kwargs.items()}))

    # --------------------------------------------------------- the backward
    def backward(self, run, roots, seeds, wanted, observer):
        if wanted is None:
            raise TraceError(
                "backward() inside a traced function writes .grad, which a recorded "
                "program cannot return: compute gradients with mg.grad / "
                "mg.value_and_grad (or mg.autograd.grad) inside the function, and leave "
                ".backward() to code that is not compiled.")
        if len({id(r) for r in roots}) < len(roots):
            raise TraceError("a traced backward pass got the same root twice; sum the "
                             "outputs first (mg.autograd.grad(a + b, ...)).")
        self.totals = {}

        def watch(node, g, flows):
            self.vjp_steps(node, g, flows)
            if observer is not None:
                observer(node, g, flows)
        self.paused += 1
        try:
            results = run(roots, seeds, False, wanted, watch)
        finally:
            self.paused -= 1
        for k, v in results.items():
            # A VJP on 0-d arrays gives a NumPy scalar, which the transforms turn into
            # a new array: make it that array here, as a step, so the output is known.
            if not isinstance(v, np.ndarray) and id(v) in self.slots:
                results[k] = arr = np.asarray(v)
                self.add(Equation("call", self.new_slot(arr), [self.slots[id(v)]],
                                  fn=np.asarray, name="asarray", phase="backward"))
        return results

    def vjp_steps(self, node, g, flows):
        op, kwargs = node._op, node._kwargs or {}
        kw = {k: self.deep_ref(v) for k, v in kwargs.items()}
        saved = [self.ref(v) for v in node._values]
        head = [self.ref(g), self.ref(node._data)]
        parts = None
        if op.nargs is None and hasattr(op.vjps, "split"):
            parts = self.add(Equation("split", len(self.values), head + saved, op=op,
                                      fn=op.vjps.split, kwargs=kw, phase="backward"))
            self.values.append(None)      # the tuple of parts, seen only on replay
        for i, a, contribution, total in flows:
            shape = a._data.shape
            if parts is not None:
                eq = Equation("part", None, [parts.out], op=op, index=i, target=shape,
                              phase="backward")
            else:
                eq = Equation("vjp", None, head + saved, op=op, fn=op.vjps[i], kwargs=kw,
                              index=i, target=shape, phase="backward")
            eq.out = self.new_slot(contribution)
            self.add(eq)
            if total is not contribution:
                before = self.totals[id(a)]
                self.add(Equation("add", self.new_slot(total), [before, eq.out],
                                  phase="backward"))
            self.totals[id(a)] = self.slots[id(total)]


# ------------------------------------------------- the swapped-in versions
_live = [0]
_lock = threading.RLock()
_saved = {}
_GUARDED = ("__bool__", "__float__", "__int__", "__index__", "__complex__", "__round__",
            "item", "tolist")
_COMPARISONS = {"__lt__": np.less, "__le__": np.less_equal, "__gt__": np.greater,
                "__ge__": np.greater_equal, "__eq__": np.equal, "__ne__": np.not_equal}


def recording():
    """The recorder of the trace running here, unless it is paused (inside a step)."""
    rec = TRACING.get()
    return rec if rec is not None and not rec.paused else None


def _wrap(below):
    def recording_call(self, *args, **kwargs):
        out = below(self, *args, **kwargs)
        rec = recording()
        if rec is not None:
            rec.primitive(self, args, kwargs, out)
        return out
    return recording_call


def _recording_backward(roots, seeds, create_graph=False, wanted=None, observer=None):
    rec = recording()
    if rec is None or create_graph:
        # create_graph=True runs the VJPs on tensors: their primitives are recorded.
        return _saved["backward"](roots, seeds, create_graph, wanted, observer)
    return rec.backward(_saved["backward"], roots, seeds, wanted, observer)


def _array_hook(data, dtype, arr):
    rec = recording()
    if rec is not None:
        rec.call("copy", to_array, (unwrap(data),), arr, dtype=dtype)
    previous = _saved["hook"]
    return arr if previous is None else previous(data, dtype, arr)


def _guard(name, method):
    def guarded(self, *args):
        rec = recording()
        if rec is not None and id(self._data) in rec.slots:
            raise TraceError(
                f"{name.strip('_')}() of a traced tensor (shape {self.shape}, {self.dtype}): "
                f"mg.jit and mg.make_trace run the function once on example values and "
                f"replay the recorded operations, so a Python value read from a tensor "
                f"(an `if` on it, float(), int(), .item(), bool()) would freeze the branch "
                f"taken now. Use mg.where(condition, a, b) for a choice made per element, "
                f"pass the value as a static argument (mg.jit(f, static_argnums=...)), or "
                f"leave this function uncompiled.")
        return method(self, *args)
    guarded.__name__ = name
    return guarded


def _comparison(name, ufunc, method):
    def compare(self, other):
        out = method(self, other)
        rec = recording()
        if rec is not None:
            rec.call(name.strip("_"), ufunc, (self._data, unwrap(other)), out._data)
        return out
    compare.__name__ = name
    return compare


def _install():
    with _lock:
        if _live[0] == 0:
            _saved.update(backward=autograd.run_backward, hook=ARRAY_HOOK[0], methods={})
            # The innermost layer: a call is recorded before forward mode (an outer
            # layer) computes its tangent from it, in whatever order the modes began.
            add_call_layer("trace", _wrap, depth=0)
            autograd.run_backward = _recording_backward
            ARRAY_HOOK[0] = _array_hook
            for name in _GUARDED + tuple(_COMPARISONS):
                method = Tensor.__dict__[name]
                _saved["methods"][name] = method
                setattr(Tensor, name, _guard(name, method) if name in _GUARDED
                        else _comparison(name, _COMPARISONS[name], method))
        _live[0] += 1


def _uninstall():
    with _lock:
        _live[0] -= 1
        if _live[0] == 0:
            # Put back what was there, unless someone swapped in after us.
            remove_call_layer("trace")
            if autograd.run_backward is _recording_backward:
                autograd.run_backward = _saved["backward"]
            if ARRAY_HOOK[0] is _array_hook:
                ARRAY_HOOK[0] = _saved["hook"]
            for name, method in _saved["methods"].items():
                setattr(Tensor, name, method)


def _intact():
    return "trace" in call_layers() and autograd.run_backward is _recording_backward


# ------------------------------------------------------------------ tracing
def trace_function(f, args, kwargs=None, static_argnums=()):
    """Run ``f(*args, **kwargs)`` once and record it: a [`Program`][minigrad.program.Program].

    Array and tensor leaves of the positional arguments (nested tuples,
    lists, dicts) are the program's inputs; each runs as a tensor that does
    not require grad, so every operation on it is a primitive call.
    Arguments in ``static_argnums``, keyword arguments and Python numbers are
    fixed: part of the program, not inputs.
    """
    kwargs = kwargs or {}
    rec = Recorder()
    call_args, inputs, sources = [], [], []
    for n, a in enumerate(args):
        if n in static_argnums:
            call_args.append(a)
            continue
        leaves, structure = flatten(a)
        fresh = []
        for x in leaves:
            if isinstance(x, (np.ndarray, np.generic, Tensor)):
                sources.append(unwrap(x))
                # A view: each input its own object, even when one array is passed
                # twice or is also closed over (the closure's is then a constant).
                data = np.asarray(unwrap(x)).view()
                inputs.append(rec.new_slot(data))
                x = leaf(data)
            fresh.append(x)
        call_args.append(unflatten(structure, fresh))
    _install()
    token = TRACING.set(rec)
    try:
        out = f(*call_args, **kwargs)
        if not _intact():
            raise TraceError(
                "the recording of the trace was switched off while the function ran "
                "(detect_anomaly entered or left inside it?): trace outside such modes.")
    finally:
        TRACING.reset(token)
        _uninstall()
    leaves, structure = flatten(out)
    outs = [_output_ref(rec, x) for x in leaves]
    program = Program(rec.values, rec.equations, inputs, outs, structure,
                      getattr(f, "__name__", "f"))
    program.sources = sources
    return program


def _output_ref(rec, x):
    """An output: a slot, a reshape of one (``value_and_grad``'s value), or a Const."""
    if isinstance(x, Tensor):
        x = x._data
    if not isinstance(x, np.ndarray) or id(x) in rec.slots:
        return rec.ref(x)
    if x.base is not None:
        address = x.__array_interface__["data"][0]
        for k in range(len(rec.values) - 1, -1, -1):
            s = rec.values[k]
            if (isinstance(s, np.ndarray) and s.size == x.size and s.dtype == x.dtype
                    and s.flags.c_contiguous and x.flags.c_contiguous
                    and s.__array_interface__["data"][0] == address):
                rec.add(Equation("view", rec.new_slot(x), [k], kwargs={"shape": Const(x.shape)}))
                return rec.slots[id(x)]
    return Const(x)


def make_trace(f, static_argnums=()):
    """A function that runs ``f`` once and returns its [`Program`][minigrad.program.Program].

    JAX's ``make_jaxpr``: the listing shows each primitive call of the
    forward pass and, when ``f`` differentiates (``mg.grad``,
    ``mg.value_and_grad``), each VJP call of the backward pass, with the
    shapes and dtypes of what it makes; under ``mg.jvp``, each op's JVP
    calls, under a ``-- tangent of`` line.

    >>> import numpy as np, minigrad as mg
    >>> print(mg.make_trace(mg.grad(lambda x: mg.tanh(x * 2.0).sum()))(np.ones(3)))
    { lambda ; a:f64[3]. let
        b:f64[3] = copy a
        c:f64[3] = mul b 2.0
        d:f64[3] = tanh c
        e:f64[] = sum d
        -- backward pass
        f:f64[3] = sum.vjp[0] 1.0 e d             # ∂/∂x: copy g to every summed element
        g:f64[3] = tanh.vjp[0] f d c              # ∂/∂x: 1 - tanh(x)²
        h:f64[3] = mul.vjp[0] g c b 2.0           # ∂/∂x: y
      in (h) }
    """
    def traced(*args, **kwargs):
        program = trace_function(f, args, kwargs, static_argnums)
        program.replay(*[program.values[k] for k in program.inputs])   # plans unbroadcasts
        return program
    return traced
