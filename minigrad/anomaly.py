"""Anomaly mode (PyTorch's ``torch.autograd.detect_anomaly``): find the first
operation that turns finite numbers into NaN or inf, forward or backward.

>>> import minigrad as mg
>>> with mg.detect_anomaly():
...     mg.is_anomaly_enabled()
True
>>> mg.is_anomaly_enabled()
False

Inside ``detect_anomaly`` every operation on tensors checks its result: the
first one that makes a NaN or an inf from finite inputs raises an
[`AnomalyError`][minigrad.errors.AnomalyError] naming the operation, its inputs (shape,
dtype, smallest and largest value, how many are not finite) and the line of
your code that called it.  Every node of the graph remembers that line, so in
the backward pass the first VJP that makes a NaN or an inf from a finite
gradient is named with the forward line that made its node.

The mode belongs to the current thread (and asyncio task), as grad mode does.

**Zero cost when off.**  Nothing on the hot paths reads the mode per
operation: while some thread has it on, ``Primitive.__call__`` is swapped for a
checking version (which does nothing more for threads where it is off), and the
original comes back when the last user turns it off.  ``run_backward`` reads the
mode once per pass, not per node.
"""

from __future__ import annotations

import contextvars
import linecache
import os
import sys
import threading
import weakref

import numpy as np

from . import random
from .errors import AnomalyError
from .grad_mode import no_grad
from .primitive import PLAIN_CALL, add_call_layer, remove_call_layer
from .tensor import Tensor

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "first_anomaly", "culprit", "ANOMALY"]


class Mode:
    """The mode while it is on in some thread or task.  Only contexts hold it, so
    it lives exactly as long as some context has the mode on; the checking call
    is installed while any exists."""

    __slots__ = ("check_nan",)

    def __init__(self, check_nan):
        self.check_nan = bool(check_nan)
        hold(1)

    def __del__(self):
        try:
            hold(-1)
        except NameError:      # at interpreter exit the module may be gone first
            pass


class Backward:
    """The mode during a backward pass run under detect_anomaly: the VJPs are
    checked by the pass itself, so operations inside them are not checked again
    as forward operations (with create_graph=True they run on tensors)."""

    __slots__ = ("check_nan",)

    def __init__(self, check_nan):
        self.check_nan = check_nan


#: None (off), a Mode (on) or a Backward (on, inside a backward pass).
ANOMALY = contextvars.ContextVar("minigrad_detect_anomaly", default=None)

plain_call = PLAIN_CALL
#: The call the checking call wraps: the plain call, or another mode's layer.
_below = [plain_call]
_live = [0]
_lock = threading.RLock()      # reentrant: a Mode may be freed while the lock is held


def hold(n):
    """Count the live modes; install the checking call while there is one."""
    with _lock:
        _live[0] += n
        if _live[0]:
            add_call_layer("anomaly", _wrap)
        else:
            remove_call_layer("anomaly")


def _wrap(below):
    _below[0] = below
    return checking_call


def _state():
    """The current setting, as something that holds no Mode (so a finished
    context manager never keeps the checking call installed)."""
    mode = ANOMALY.get()
    return mode.check_nan if mode.__class__ is Mode else mode


def _restore(state):
    ANOMALY.set(Mode(state) if state is True or state is False else state)


class detect_anomaly(no_grad):
    """Context manager and decorator: find the first operation that makes a NaN or inf.

    PyTorch's ``torch.autograd.detect_anomaly(check_nan=True)``, for the forward
    pass as well as the backward pass.  ``check_nan=False`` only records the
    line that made each node.  As a decorator it may be written with or without
    parentheses.  It is slow (every result is scanned): use it to find a
    problem, not to train.  Inside it NumPy's overflow and invalid-value
    warnings are silenced, since the error says more.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, -1.0], requires_grad=True)
    >>> with mg.detect_anomaly():
    ...     y = mg.log(x)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    minigrad.errors.AnomalyError: detect_anomaly: 'log' made 1 NaN ... (forward pass)...
    """

    def __new__(cls, check_nan=True):
        if callable(check_nan):                # bare @mg.detect_anomaly
            return cls()(check_nan)
        return object.__new__(cls)

    def __init__(self, check_nan=True):
        self.check_nan = True if callable(check_nan) else bool(check_nan)
        self._previous = []

    def __enter__(self):
        # NumPy's own warnings (overflow, invalid value) would come before, and
        # say less than, the error that names the op: silence them while checking.
        quiet = np.errstate(over="ignore", invalid="ignore", divide="ignore") \
            if self.check_nan else None
        self._previous.append((_state(), quiet))
        ANOMALY.set(Mode(self.check_nan))
        if quiet is not None:
            quiet.__enter__()
        return self

    def __exit__(self, *exc):
        state, quiet = self._previous.pop()
        if quiet is not None:
            quiet.__exit__(*exc)
        _restore(state)
        return False

    def clone(self):
        return type(self)(self.check_nan)


class set_detect_anomaly(detect_anomaly):
    """PyTorch's ``set_detect_anomaly(mode, check_nan=True)``: switch anomaly mode
    on or off now, as a call, or for a block, as a context manager.

    >>> import minigrad as mg
    >>> with mg.set_detect_anomaly(True):
    ...     mg.is_anomaly_enabled()
    True
    >>> _ = mg.set_detect_anomaly(True); mg.is_anomaly_enabled()
    True
    >>> _ = mg.set_detect_anomaly(False); mg.is_anomaly_enabled()
    False
    """

    def __new__(cls, mode, check_nan=True):
        return object.__new__(cls)

    def __init__(self, mode, check_nan=True):
        self.mode, self.check_nan = bool(mode), bool(check_nan)
        self._previous = [(_state(), None)]
        ANOMALY.set(Mode(self.check_nan) if self.mode else None)   # takes effect at once

    def __enter__(self):
        return self

    def clone(self):
        return type(self)(self.mode, self.check_nan)


def is_anomaly_enabled():
    """True when anomaly mode is on in this thread (or task)."""
    return ANOMALY.get() is not None


def is_anomaly_check_nan_enabled():
    """True when anomaly mode is on here and checks for NaN and inf."""
    mode = ANOMALY.get()
    return mode is not None and mode.check_nan


# ------------------------------------------------------------ the forward check
def checking_call(self, *args, **kwargs):
    """``Primitive.__call__`` while some thread has anomaly mode on."""
    out = _below[0](self, *args, **kwargs)
    if out.__class__ is not Tensor or ANOMALY.get().__class__ is not Mode:
        return out          # arrays (inside a VJP), mode off here, or a backward pass
    if out._op is self:
        remember(out)
    if ANOMALY.get().check_nan and _bad(out._data):
        if out._op is self:
            operands = list(out._values)
        else:
            operands = list(args if self.nargs is None else args[:self.nargs])
            operands = [a._data if isinstance(a, Tensor) else a for a in operands]
        if not any(_bad(d) for d in operands):
            where = user_line()
            raise AnomalyError(_forward_message(self, operands, out._data, where),
                               op=self.name, phase="forward", where=where)
    return out


def _bad(d):
    """How many values of ``d`` are NaN or inf (0 for anything not floating)."""
    if isinstance(d, Tensor):
        d = d._data
    if isinstance(d, (list, tuple)):
        try:
            d = np.asarray(d)
        except (ValueError, TypeError):
            return 0
    kind = np.asarray(d).dtype.kind if not isinstance(d, np.ndarray) else d.dtype.kind
    if kind not in "fc":
        return 0
    finite = np.isfinite(d)
    return int(np.size(d) - np.count_nonzero(finite))


#: id(node) -> (weak reference, (file, line)): the user's line that made each node
#: while anomaly mode was on.  An entry goes when its node does.
_WHERE = {}


def remember(t):
    key = id(t)

    def forget(ref, key=key):
        if _WHERE.get(key, (None,))[0] is ref:     # the id may have been reused
            del _WHERE[key]
    _WHERE[key] = (weakref.ref(t, forget), user_line())


def made_at(node):
    """The user's line that made ``node``, if anomaly mode was on then."""
    entry = _WHERE.get(id(node))
    return entry[1] if entry is not None and entry[0]() is node else None


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_inside = {}


def user_line():
    """(file, line) of the innermost frame outside the minigrad package."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        inside = _inside.get(name)
        if inside is None:
            inside = _inside[name] = os.path.abspath(name).startswith(_PACKAGE)
        if not inside:
            return name, frame.f_lineno
        frame = frame.f_back
    return None


# ----------------------------------------------------------- the backward check
def checked_backward(run, roots, seeds, create_graph, wanted, observer):
    """``run_backward`` under anomaly mode: watch every VJP's result.  A VJP is
    blamed only when its incoming gradient and its saved inputs were finite."""
    check = ANOMALY.get().check_nan
    token = ANOMALY.set(Backward(check))
    try:
        if check:
            observer = _watch(observer, user_line())
        return run(roots, seeds, create_graph, wanted, observer)
    finally:
        ANOMALY.reset(token)
        del token               # a traceback kept for debugging must not keep the mode on


def _watch(inner, called_at):
    def observe(node, g, flows):
        if flows and not _bad(g) and not any(_bad(v) for v in node._values):
            for i, _, gi, _ in flows:
                if _bad(gi):
                    where = made_at(node)
                    raise AnomalyError(_backward_message(node, i, g, gi, where, called_at),
                                       op=node._op.name, phase="backward", where=where)
        if inner is not None:
            inner(node, g, flows)
    return observe


# ------------------------------------------------------------------ messages
def summary(d):
    """Shape, dtype, smallest and largest finite value, and the non-finite count."""
    if isinstance(d, Tensor):
        d = d._data
    a = np.asarray(d)
    if a.dtype.kind not in "fciub":
        return type(d).__name__
    text = f"shape {a.shape} {a.dtype}" if isinstance(d, np.ndarray) else f"scalar {d!r}"
    finite = np.isfinite(a) if a.dtype.kind in "fc" else np.ones(a.shape, dtype=bool)
    values = a[finite]
    if values.size and a.dtype.kind != "c" and isinstance(d, np.ndarray):
        text += f", min {float(values.min()):.6g}, max {float(values.max()):.6g}"
    nan = int(np.count_nonzero(np.isnan(a))) if a.dtype.kind in "fc" else 0
    inf = a.size - values.size - nan
    bad = ", ".join(f"{n} {kind}" for n, kind in ((nan, "NaN"), (inf, "inf")) if n)
    if bad:
        return text + f", not finite: {bad} (of {a.size})"
    return text + (", all finite" if isinstance(d, np.ndarray) else "")


def where_text(where):
    if where is None:
        return "a line that is not known"
    file, line = where
    code = linecache.getline(file, line).strip()
    return f"{file}:{line}" + (f"\n      {code}" if code else "")


def _counts(d):
    a = np.asarray(d)
    nan = int(np.count_nonzero(np.isnan(a)))
    return nan, int(a.size - np.count_nonzero(np.isfinite(a))) - nan


def _forward_message(op, operands, out, where):
    nan, inf = _counts(out)
    made = " and ".join(f"{n} {kind}" for n, kind in ((nan, "NaN"), (inf, "inf")) if n)
    lines = [f"detect_anomaly: '{op.name}' made {made} (of {out.size} values) from finite "
             f"inputs (forward pass), called at {where_text(where)}"]
    lines += [f"  input {i}: {summary(d)}" for i, d in enumerate(operands)]
    for i, (domain, d) in enumerate(zip(op.domain or (), operands)):
        a = np.asarray(d)
        if a.dtype.kind == "f" and ((domain == "positive" and (a <= 0).any())
                                    or (domain == "nonzero" and (a == 0).any())):
            lines.append(f"  input {i} has values outside the {domain} numbers, where "
                         f"'{op.name}' is defined.")
    if nan:
        lines.append("  A NaN from finite numbers: an operation outside its domain (log or "
                     "sqrt of a negative number, 0/0, 0*inf, inf-inf).")
    else:
        big = np.finfo(out.dtype).max if out.dtype.kind == "f" else np.finfo(float).max
        lines.append(f"  An inf from finite numbers: the result overflowed (larger than "
                     f"{big:.3g}) or divided by zero." +
                     (" In a softmax or log-sum-exp, subtract the maximum before exp "
                      "(mg.softmax and mg.logsumexp do)." if op.name == "exp" else ""))
    return "\n".join(lines)


def _backward_message(node, i, g, gi, where, called_at):
    op = node._op
    rule = op.rules[i] if op.rules and i < len(op.rules) else None
    lines = [f"detect_anomaly: the VJP of '{op.name}' for argument {i} made a non-finite "
             f"gradient from a finite one (backward pass)",
             "  its node was made (forward pass) at " + (
                 where_text(where) if where is not None else
                 "a line that is not known: run the forward inside detect_anomaly too"),
             f"  backward called at {where_text(called_at)}",
             f"  incoming gradient: {summary(g)}",
             f"  gradient for argument {i}: {summary(gi)}"]
    lines += [f"  forward input {k}: {summary(v)}" for k, v in enumerate(node._values)]
    lines.append("  The local derivative" + (f" ({rule})" if rule else "") + " is infinite "
                 "or undefined at these inputs (a singularity such as sqrt or log at 0, or a "
                 "kink). Move the point away from it (e.g. sqrt(x*x + 1e-12)) or choose "
                 "another formula.")
    return "\n".join(lines)


# ------------------------------------------------------------------ reruns
def first_anomaly(step):
    """Run ``step()`` under detect_anomaly and return the
    [`AnomalyError`][minigrad.errors.AnomalyError] it
    raises, or None.  The package's random generator is put back afterwards, so
    the rerun leaves no trace (``fit`` and ``minimize`` use this to explain a
    NaN loss)."""
    state = random.default_generator.bit_generator.state
    try:
        with detect_anomaly(), np.errstate(all="ignore"):
            step()
    except AnomalyError as exc:
        return exc
    finally:
        random.default_generator.bit_generator.state = state
    return None


def culprit(exc):
    """One line naming the op, the pass and the user's line of an AnomalyError."""
    where = "a line that is not known" if exc.where is None else \
        f"{exc.where[0]}:{exc.where[1]}"
    code = "" if exc.where is None else linecache.getline(*exc.where).strip()
    code = f" ({code})" if code else ""
    if exc.phase == "backward":
        return f"the VJP of '{exc.op}' in the backward pass, whose node was made at {where}{code}"
    return f"'{exc.op}' in the {exc.phase} pass, at {where}{code}"
