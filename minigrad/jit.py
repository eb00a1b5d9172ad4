"""``mg.jit``: trace once per input signature, then replay the recorded program.

The first call for each combination of input shapes, dtypes, static arguments
and argument structure runs ``f`` once under ``tracing.py``'s recorder (the
result of that call is the eager result).  The recorded
[`Program`][minigrad.program.Program] is then replayed once step by step on
the same inputs and every value compared, bit for bit, with the eager one (a
self-check that also plans each sum that undoes broadcasting), and compiled:
one straight-line Python function whose lines call the primitives' NumPy
forwards, the VJPs and the engine's sums directly on arrays, written into
local variables.  No tensor, no node, no heap, no dictionary of gradients:
later calls run only that function.

What is kept as it was traced: constants (anything computed from no array
argument: closed-over data, a seed of ones, random numbers drawn inside
``f``) and the Python control flow taken.  A branch on a traced value raises
a [`TraceError`][minigrad.errors.TraceError] when traced; see
[`jit`][minigrad.jit.jit].
"""

from __future__ import annotations

import dis
import functools
import math
import weakref

import numpy as np

from .autograd import is_grad_enabled
from .errors import TraceError
from .primitive import Primitive
from .program import Const, flatten, run_equation, unflatten
from .tensor import Tensor, to_array
from .tracing import TRACING, trace_function

__all__ = ["jit", "Compiled"]

_LITERALS = (bool, int, float, type(None))
_ndarray = np.ndarray


def jit(f=None, static_argnums=()):
    """Compile ``f``: trace it on the first call per input signature, replay after.

    ``f`` takes arrays (or tensors, or tuples, lists and dicts of them) and
    may be a plain forward function, ``mg.value_and_grad(loss)``,
    ``mg.grad(...)`` or any function calling them (a whole training step
    through ``mg.nn.functional_call``).  The result returns NumPy arrays in
    the structure ``f`` returns, equal bit for bit to what ``f`` computes.
    A new shape or dtype, a new value of an argument in ``static_argnums``,
    of a keyword argument or of a Python number argument traces again.

    A Python branch on a traced value (``if loss > 0``, ``float(x)``,
    ``x.item()``, ``bool(x)``) raises a [`TraceError`][minigrad.errors.TraceError]
    when traced: use ``mg.where`` for an elementwise choice, make the value a
    static argument, or leave the function uncompiled.  Randomness drawn
    inside ``f`` and ``.data`` read on a traced tensor are frozen at their
    traced values: pass random arrays in as arguments.

    >>> import numpy as np, minigrad as mg
    >>> loss = lambda w, x: ((x @ w) ** 2).mean()
    >>> step = mg.jit(mg.value_and_grad(loss))
    >>> w, x = np.array([0.5, -1.0]), np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> value, g = step(w, x)            # traces, then compiles
    >>> value, g
    (array(4.25), array([ -9., -13.]))
    >>> step(w * 2, x)[0], step.trace_count     # replayed: no second trace
    (array(17.), 1)
    >>> scale = mg.jit(lambda x, k: x * k if k > 0 else -x, static_argnums=1)
    >>> scale(np.ones(2), 3.0), scale(np.ones(2), -1.0), scale.trace_count
    (array([3., 3.]), array([-1., -1.]), 2)
    """
    if f is None:
        return functools.partial(jit, static_argnums=static_argnums)
    return Compiled(f, static_argnums)


class Compiled:
    """A compiled function: its cache of programs, one per input signature.

    ``trace_count`` counts the traces; ``program(*args)`` is the recorded
    [`Program`][minigrad.program.Program] for these arguments' signature
    and ``source(*args)`` the Python code it was compiled to.
    """

    def __init__(self, f, static_argnums=()):
        self.f = f
        self.static = (static_argnums,) if isinstance(static_argnums, int) else tuple(
            static_argnums)
        self.cache = {}
        self.trace_count = 0
        functools.update_wrapper(self, f)

    def __call__(self, *args, **kwargs):
        # The common call (arrays only, no static or keyword arguments) keys the
        # cache on shapes and dtypes alone: the cost per call is a lookup.
        # (A key holding None, for a non-array argument, is never in the cache.)
        if not kwargs and not self.static:
            entry = self.cache.get(tuple([(a.shape, a.dtype) if a.__class__ is _ndarray
                                          else None for a in args]))
            if entry is not None and entry.verified and TRACING.get() is None:
                return entry.code(*args)
        if TRACING.get() is not None or _differentiated(args, kwargs):
            # Inside another trace: record f itself.  A tensor that requires grad (a
            # transform's variable: grad(jit(f)), jvp(jit(f))): f on it, in its graph,
            # since the compiled code returns arrays, whose derivative would be zero.
            return self.f(*args, **kwargs)
        key, flat = self._signature(args, kwargs)
        entry = self.cache.get(key)
        if entry is None:
            entry = self.cache[key] = self._compile(args, kwargs)
        out = entry.code(*flat)
        if not entry.verified:
            self._verify(entry, args, kwargs, flat, out)
        return out

    def _verify(self, entry, args, kwargs, flat, out):
        """The first replay on new values is checked against an eager run of ``f``
        (traced again): a value ``f`` computed outside the recorded steps (NumPy on
        ``.data``, random numbers drawn inside) would otherwise stay frozen."""
        program = entry.program
        if all(a is b for a, b in zip(flat, program.sources)):
            return                        # the traced values themselves: nothing new
        entry.verified = True
        fresh = trace_function(self.f, args, kwargs, self.static)
        expected = [o.value if isinstance(o, Const) else fresh.values[o]
                    for o in fresh.outputs]
        outs = flatten(out)[0]
        if len(expected) == len(outs) and all(_same(a, b) for a, b in zip(outs, expected)):
            return
        self.cache.clear()
        where = _first_difference(program, fresh, flat)
        raise TraceError(
            f"mg.jit({program.name}): replaying the program on new values does not give "
            f"what {program.name} computes{where}. Some value was computed outside "
            f"minigrad's operations and frozen at the trace: NumPy on .data or on "
            f"mg.unwrap(...) of a tensor, a random number drawn inside the function, or a "
            f"Python branch on a NumPy value. Write it with minigrad operations (x > 0 on "
            f"the tensor, mg.where), pass random arrays in as arguments, or leave this "
            f"function uncompiled.")

    def _signature(self, args, kwargs):
        key, flat = [], []
        for n, a in enumerate(args):
            if type(a) is np.ndarray and n not in self.static:
                key.append((a.shape, a.dtype))
                flat.append(a)
            elif n in self.static:
                key.append(("static", _hashable(a, f"static argument {n}")))
            else:
                leaves, structure = flatten(a)
                parts = [structure]
                for x in leaves:
                    if isinstance(x, (np.ndarray, np.generic, Tensor)):
                        x = np.asarray(x.data if isinstance(x, Tensor) else x)
                        parts.append((x.shape, x.dtype))
                        flat.append(x)
                    else:
                        parts.append(("value", type(x), _hashable(x, f"argument {n}")))
                key.append(tuple(parts))
        if kwargs:
            key.append(tuple(sorted((k, _hashable(v, f"keyword argument '{k}'"))
                                    for k, v in kwargs.items())))
        return tuple(key), flat

    def _compile(self, args, kwargs):
        program = trace_function(self.f, args, kwargs, self.static)
        self.trace_count += 1
        program.replay(*[program.values[k] for k in program.inputs], check=True)
        source, namespace = generate(program)
        exec(compile(source, f"<mg.jit {program.name}>", "exec"), namespace)
        return Entry(namespace["program"], program, source)

    def program(self, *args, **kwargs):
        """The recorded program for these arguments' signature (traced if new)."""
        return self._entry(args, kwargs).program

    def source(self, *args, **kwargs):
        """The Python source the program for these arguments was compiled to."""
        return self._entry(args, kwargs).source

    def _entry(self, args, kwargs):
        key, _ = self._signature(args, kwargs)
        if key not in self.cache:
            self.cache[key] = self._compile(args, kwargs)
        return self.cache[key]


class Entry:
    """A compiled program: the function, its program, its source, and whether its
    first replay on new values was checked."""

    __slots__ = ("code", "program", "source", "verified")

    def __init__(self, code, program, source):
        self.code, self.program, self.source, self.verified = code, program, source, False


def _same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(
        a, b, equal_nan=a.dtype.kind in "fc")


def _first_difference(program, fresh, flat):
    """Where the replay first departs from the new trace (when both list the same steps)."""
    if [e.name for e in program.equations] != [e.name for e in fresh.equations]:
        return " (it even takes different steps)"
    env = [None] * len(program.values)
    for k, a in zip(program.inputs, flat):
        env[k] = a
    for n, (eq, other) in enumerate(zip(program.equations, fresh.equations)):
        env[eq.out] = run_equation(eq, env)
        if eq.kind != "split" and not _same(env[eq.out], fresh.values[other.out]):
            return f": step {n} ('{eq.name}', a {eq.phase} step) is the first to differ"
    return ""


def _differentiated(args, kwargs):
    """Whether a tensor that requires grad is among the arguments (grad mode on)."""
    return is_grad_enabled() and any(isinstance(x, Tensor) and x.requires_grad
                                     for x in flatten((args, kwargs))[0])


def _hashable(value, what):
    try:
        hash(value)
    except TypeError:
        raise TraceError(
            f"mg.jit: {what} is a {type(value).__name__}, which is neither an array nor "
            f"hashable, so it cannot key the cache of compiled programs: pass arrays (or "
            f"tuples, lists, dicts of them), or a hashable static value.") from None
    return value


# ---------------------------------------------------------------- compiling
def generate(program):
    """The straight-line Python source of ``program`` and the names it uses."""
    eqs = _live_equations(program)
    namespace = {"_reduce": np.add.reduce, "_asarray": np.asarray, "_to_array": to_array}
    names = {k: f"a{n}" for n, k in enumerate(program.inputs)}
    inputs = set(names.values())
    ids = {}

    def bound(value, hint="k"):
        key = id(value)
        if key not in ids:
            ids[key] = f"{hint}_{len(ids)}"
            namespace[ids[key]] = value
        return ids[key]

    def text(i):
        if isinstance(i, Const):
            v = i.value
            if type(v) in _LITERALS and not (type(v) is float and not math.isfinite(v)):
                return f"({v!r})" if repr(v).startswith("-") else repr(v)
            return bound(v)
        if isinstance(i, tuple):                # ("tree", type, items)
            inner = ", ".join(text(j) for j in i[2])
            return f"({inner},)" if i[1] is tuple else f"[{inner}]"
        return names[i]

    def call(fn, ins, kwargs, hint):
        parts = [text(i) for i in ins] + [f"{k}={text(v)}" for k, v in kwargs.items()]
        return f"{bound(fn, hint)}({', '.join(parts)})"

    seen = {}                                   # inlined expression -> its variable
    lines = [f"def program({', '.join(names[k] for k in program.inputs)}):"]
    for eq in eqs:
        out, kind = f"s{eq.out}", eq.kind
        if kind == "call" and eq.name == "copy" and _copy_is_alias(program, eq):
            names[eq.out] = text(eq.ins[0])     # a copy nothing writes into: share it
            continue
        names[eq.out] = out
        if kind == "primitive":
            expr = call(eq.fn, eq.ins, eq.kwargs, eq.name)
            expr = f"_asarray({expr})" if eq.as_array and not eq.raw_is_array else expr
        elif kind == "call":
            expr = call(eq.fn, eq.ins, eq.kwargs, eq.name)
        elif kind == "add":
            expr = f"{text(eq.ins[0])} + {text(eq.ins[1])}"
        elif kind == "view":
            expr = f"{text(eq.ins[0])}.reshape({eq.kwargs['shape'].value!r})"
        elif kind == "split":
            g, o, *saved = (text(i) for i in eq.ins)
            kw = "".join(f", {k}={text(v)}" for k, v in eq.kwargs.items())
            packed = "".join(s + ", " for s in saved)
            expr = f"{bound(eq.fn, eq.name + '_split')}({g}, {o}, ({packed}){kw})"
        elif kind == "part":
            expr = f"{text(eq.ins[0])}[{eq.index}]"
        elif _returns_first_argument(eq.fn):     # add's and sub's: the gradient itself
            if eq.unbroadcast is None:
                names[eq.out] = text(eq.ins[0])
                continue
            expr = None
        else:
            expr = not eq.kwargs and _inlined(eq.fn, [text(i) for i in eq.ins])
            if expr and eq.unbroadcast is None and expr in seen:
                names[eq.out] = seen[expr]      # the same arithmetic on the same arrays
                continue
            if expr and eq.unbroadcast is None:
                seen[expr] = out
            expr = expr or call(eq.fn, eq.ins, eq.kwargs, f"{eq.name}_{kind}{eq.index}")
        if expr is not None:
            lines.append(f"    {out} = {expr}")
        if kind in ("vjp", "part") and eq.unbroadcast is not None:
            source = out if expr is not None else text(eq.ins[0])
            lines += [f"    {out} = {e}" for e in _unbroadcast_lines(out, eq.unbroadcast, source)]
    outs = []
    for o in program.outputs:
        name = text(o)
        # An argument or a constant returned as it is: a new array per call, as eagerly.
        own = name in inputs or (name in namespace and isinstance(namespace[name], np.ndarray))
        outs.append(f"{name}.copy()" if own else name)
    namespace.update(_FORWARD_NAMES)           # the forwards inlined VJPs call
    if _literal_structure(program.structure):
        lines.append(f"    return {_structure_text(program.structure, iter(outs))}")
    else:
        namespace.update(_unflatten=unflatten, _structure=program.structure)
        lines.append(f"    return _unflatten(_structure, ({''.join(o + ', ' for o in outs)}))")
    return "\n".join(lines) + "\n", namespace


def _literal_structure(structure):
    """Whether the output structure can be written as a Python literal."""
    if structure is None:
        return True
    if structure[0] is dict:
        return all(type(k) in (str, int) for k in structure[1]) and all(
            _literal_structure(s) for s in structure[2])
    return structure[0] in (tuple, list) and all(_literal_structure(s) for s in structure[1])


def _structure_text(structure, names):
    if structure is None:
        return next(names)
    if structure[0] is dict:
        items = [f"{k!r}: {_structure_text(s, names)}" for k, s in zip(structure[1], structure[2])]
        return "{" + ", ".join(items) + "}"
    items = [_structure_text(s, names) for s in structure[1]]
    return f"({''.join(i + ', ' for i in items)})" if structure[0] is tuple \
        else f"[{', '.join(items)}]"


def _returns_first_argument(fn):
    """Whether ``fn``'s whole body is ``return <its first argument>`` (a VJP that
    passes the gradient through): such a call is replaced by the argument."""
    template = _template_of(fn)
    return template is not None and template[1] == "{0}"


_OPERATORS = {"+", "-", "*", "/", "**", "@"}


def _inlined(fn, args):
    """A VJP that is one arithmetic expression of its arguments (mul's ``g * y``,
    sub's ``-g``) written out in place of the call: the same operators on the same
    objects, without a Python call. None for anything else."""
    template = _template_of(fn)
    if template is None or template[0] != len(args):
        return None
    return template[1].format(*args)


#: VJP -> (number of arguments, expression with {0}, {1}, ...) or None; weak, so a
#: user's VJP defined in a closure is not kept alive by having been compiled once.
_TEMPLATES = weakref.WeakKeyDictionary()


def _template_of(fn):
    try:
        return _TEMPLATES[fn]
    except KeyError:
        template = _TEMPLATES[fn] = _template(fn)
        return template
    except TypeError:                    # not weakly referable (a builtin): no template
        return None


def _template(fn):
    code = getattr(fn, "__code__", None)
    if code is None or code.co_flags & 0x0C:
        return None                      # *args or **kwargs: not a plain call
    stack = []
    for ins in dis.get_instructions(fn):
        op = ins.opname
        if op in ("RESUME", "NOP"):
            continue
        if op == "LOAD_FAST" and ins.arg < code.co_argcount:
            stack.append(f"{{{ins.arg}}}")
        elif op == "LOAD_CONST" and type(ins.argval) in (int, float) and math.isfinite(
                ins.argval):
            stack.append(f"({ins.argval!r})".replace("{", "{{"))
        elif op == "BINARY_OP" and ins.argrepr in _OPERATORS and len(stack) >= 2 and all(
                isinstance(t, str) for t in stack[-2:]):
            b, a = stack.pop(), stack.pop()
            stack.append(f"({a} {ins.argrepr} {b})")
        elif op == "UNARY_NEGATIVE" and stack and isinstance(stack[-1], str):
            stack.append(f"(-{stack.pop()})")
        elif op == "LOAD_GLOBAL" and isinstance(fn.__globals__.get(ins.argval), Primitive):
            stack.append(fn.__globals__[ins.argval])      # a primitive, called below
        elif op == "PRECALL":
            continue
        elif op == "CALL" and len(stack) > ins.arg and isinstance(
                stack[-ins.arg - 1], Primitive) and stack[-ins.arg - 1].nargs == ins.arg:
            # On arrays, calling a primitive is calling its forward (no tensor, no
            # keyword): name the forward, bound in the generated code's namespace.
            operands = [stack.pop() for _ in range(ins.arg)][::-1]
            prim = stack.pop()
            if any(isinstance(o, Primitive) for o in operands):
                return None
            stack.append(f"{_forward_name(prim)}({', '.join(operands)})")
        elif op == "RETURN_VALUE" and len(stack) == 1 and isinstance(stack[0], str):
            return code.co_argcount, stack[0]
        else:
            return None
    return None


def _forward_name(prim):
    name = f"_fwd_{len(_FORWARDS)}_{prim.name}"
    _FORWARDS.setdefault(prim, name)
    _FORWARD_NAMES[_FORWARDS[prim]] = prim.forward
    return _FORWARDS[prim]


_FORWARDS = {}           # primitive -> the name its forward has in generated code
_FORWARD_NAMES = {}      # that name -> the forward


def _unbroadcast_lines(out, plan, source):
    """The engine's sums as lines, the first reading ``source``."""
    everything, lead, stretched, shape = plan
    if everything:
        return [f"_reduce({source}, axis=None)"]
    lines = [f"_reduce({{}}, axis={lead!r})"] if lead else []
    if stretched:
        lines.append(f"_reduce({{}}, axis={stretched!r}, keepdims=True)")
    if shape is not None:
        lines.append("{}" + f".reshape({shape!r})")
    if not lines:
        return [source]
    return [line.format(source if k == 0 else out) for k, line in enumerate(lines)]


def _copy_is_alias(program, eq):
    """A copy of an argument (``mg.tensor(x)``, a transform's variable) needs no
    copying on replay: no step writes into an array."""
    src = eq.ins[0]
    if isinstance(src, Const):
        return False
    a, b = program.values[src], program.values[eq.out]
    return isinstance(a, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape


def _live_equations(program):
    """The steps the outputs depend on (dead code dropped), in order."""
    needed = {o for o in program.outputs if not isinstance(o, Const)}
    live = []
    for eq in reversed(program.equations):
        if eq.out in needed:
            live.append(eq)
            stack = list(eq.ins) + list(eq.kwargs.values())
            while stack:
                i = stack.pop()
                if isinstance(i, tuple):
                    stack.extend(i[2])
                elif not isinstance(i, Const):
                    needed.add(i)
    return live[::-1]
