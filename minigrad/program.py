"""Programs: what a traced function computed, step by step (``mg.make_trace``,
``mg.jit``).

A [`Program`][minigrad.program.Program] is the list of steps ``tracing.py``
recorded while a function ran once on example values:

* a **primitive call**: ``op.forward`` on these values (the forward pass);
* a **VJP call**: the VJP of argument ``i`` of a node, on the gradient that
  reached the node, its output and its saved operands (the backward pass of
  ``mg.grad``, ``mg.value_and_grad``, ``mg.autograd.grad``), after which the
  engine's own steps are replayed: the sum that undoes broadcasting (planned
  on the first replay) and the addition of a gradient that reaches a tensor
  twice (an ``add`` step);
* a **JVP call**: argument ``i``'s part of an op's tangent under ``mg.jvp``
  (``op.jvp[i]`` on the argument's tangent, the output and the operands; the
  listing shows it indented under ``-- tangent of`` its output);
* a few NumPy steps done outside primitives (``x > 0``, the copy
  ``mg.tensor`` or a transform makes of an argument, a reshape of a result).

A VJP is one step, not the NumPy inside it: a mask such as relu's ``x > 0``
is recomputed from the replayed values every time, never frozen.  Anything
computed from no argument (a seed of ones, a closed-over array) is a
[`Const`][minigrad.program.Const].  ``str(program)`` is the listing a learner
reads; ``replay`` runs it step by step; ``jit.py`` compiles it.
"""

from __future__ import annotations

import numpy as np

from .errors import TraceError

__all__ = ["Program", "Equation", "Const", "flatten", "unflatten", "run_equation",
           "unbroadcast_plan", "unbroadcast"]

class Const:
    """An operand that is the same on every call (computed from no argument)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class Equation:
    """One step of a program: ``outs = kind(ins, **params)``.

    ``kind`` is ``"primitive"`` (``op.forward``), ``"vjp"`` (argument ``index``
    of ``op``'s VJP, operands ``g, out, *saved``), ``"jvp"`` (``fn``, argument
    ``index``'s JVP, operands ``t, out, *args``; ``phase`` "tangent"), ``"split"`` (a variadic
    op's VJP giving every part at once) with ``"part"`` (one of them),
    ``"add"`` (two gradients of one tensor), ``"call"`` (a NumPy function
    ``fn``, named ``name``) or ``"view"`` (a reshape).  ``ins`` holds slot
    numbers and [`Const`][minigrad.program.Const]s; ``target`` is the shape a
    VJP's result is summed to (broadcasting undone), ``unbroadcast`` the plan
    for it, filled in by the first replay.
    """

    __slots__ = ("kind", "op", "fn", "name", "ins", "kwargs", "out", "index", "target",
                 "unbroadcast", "as_array", "phase", "raw_is_array", "about", "note")

    def __init__(self, kind, out, ins, *, op=None, fn=None, name=None, kwargs=None,
                 index=None, target=None, as_array=False, phase="forward", note=None):
        self.kind, self.out, self.ins, self.op, self.fn = kind, out, ins, op, fn
        self.name = name or (op.name if op is not None else kind)
        self.kwargs, self.index, self.target = kwargs or {}, index, target
        self.unbroadcast, self.as_array, self.phase = None, as_array, phase
        self.raw_is_array = None     # the forward's own result was an ndarray (replay)
        self.about = None            # a tangent step: the slot whose tangent it computes
        self.note = note             # a JVP step: where its rule comes from


# ------------------------------------------------------------------ pytrees
def flatten(tree):
    """Leaves of nested tuples, lists and dicts, and the structure to rebuild it."""
    if isinstance(tree, (tuple, list)):
        parts = [flatten(t) for t in tree]
        leaves = [x for p in parts for x in p[0]]
        return leaves, (type(tree), tuple(p[1] for p in parts))
    if isinstance(tree, dict):
        keys = sorted(tree, key=repr)
        parts = [flatten(tree[k]) for k in keys]
        return [x for p in parts for x in p[0]], (dict, tuple(keys), tuple(p[1] for p in parts))
    return [tree], None


def unflatten(structure, leaves):
    """The inverse of ``flatten``: ``leaves`` (an iterator) back into the structure."""
    leaves = iter(leaves)
    return _build(structure, leaves)


def _build(structure, leaves):
    if structure is None:
        return next(leaves)
    if structure[0] is dict:
        return {k: _build(s, leaves) for k, s in zip(structure[1], structure[2])}
    kind, subs = structure
    items = [_build(s, leaves) for s in subs]
    return kind(*items) if hasattr(kind, "_fields") else kind(items)


# ------------------------------------------------------------------ printing
def _name(k):
    letters = "abcdefghijklmnopqrstuvwxyz"
    name = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        name = letters[r] + name
    return name


def _type(value):
    if value is None:
        return "(parts)"
    value = np.asarray(value)
    short = {"float64": "f64", "float32": "f32", "int64": "i64", "int32": "i32",
             "bool": "bool"}.get(value.dtype.name, value.dtype.name)
    return f"{short}[{','.join(str(n) for n in value.shape)}]"


def _const_text(c):
    v = c.value
    if isinstance(v, np.ndarray):
        return repr(v.item()) if v.size == 1 else f"const:{_type(v)}"
    return repr(v)


class Program:
    """A recorded program: what ``f`` computed from its array arguments.

    ``equations`` lists the steps in the order they ran (forward first, then
    any backward pass); ``inputs`` and ``outputs`` are slot numbers (an output
    may be a [`Const`][minigrad.program.Const]); ``str(program)`` is the
    listing, one step per line with its shape and dtype, variables named
    ``a, b, c, ...`` as in JAX's jaxpr.  ``replay(*arrays)`` runs it step by
    step (``mg.jit`` compiles it instead).
    """

    def __init__(self, values, equations, inputs, outputs, structure, name):
        self.values, self.equations = values, equations
        self.inputs, self.outputs, self.structure, self.name = inputs, outputs, structure, name
        self.sources = []        # the arrays the trace was called with (tracing.py)

    def replay(self, *arrays, check=False):
        """Run the steps on new input arrays (flat, in order); fills each VJP's
        plan for undoing broadcasting.  ``check=True`` also compares every
        value with the trace's, bit for bit, and raises at the first that differs.
        """
        env = [None] * len(self.values)
        for k, a in zip(self.inputs, arrays):
            env[k] = a
        for eq in self.equations:
            value = run_equation(eq, env)
            env[eq.out] = value
            if check and not _same(value, self.values[eq.out]):
                raise TraceError(f"replaying the trace of {self.name} changed the value of "
                                 f"step '{eq.name}' ({_type(value)}): the function is not "
                                 f"a pure function of its array arguments.")
        outs = [o.value if isinstance(o, Const) else env[o] for o in self.outputs]
        return unflatten(self.structure, outs)

    def __str__(self):
        names = {}

        def text(i):
            if isinstance(i, Const):
                return _const_text(i)
            if isinstance(i, tuple):
                return "(" + " ".join(text(j) for j in i[2]) + ")"
            return names[i]

        def bind(k):
            names[k] = _name(len(names))
            return f"{names[k]}:{_type(self.values[k])}"
        head = " ".join(bind(k) for k in self.inputs)
        lines = [f"{{ lambda ; {head}. let"]
        phase, about = "forward", None
        for eq in self.equations:
            if eq.phase == "tangent":
                if phase != "tangent" or eq.about != about:
                    of = f" of {names[eq.about]}" if eq.about in names else ""
                    lines.append(f"    -- tangent{of}")
                phase, about = "tangent", eq.about
            elif phase == "tangent" and eq.phase == "forward":
                phase = "forward"       # back to the forward pass: its lines say so
            elif eq.phase != phase and eq.kind != "view":
                phase = eq.phase
                lines.append(f"    -- {phase} pass")
            indent = "      " if eq.phase == "tangent" else "    "
            lines.append(indent + _equation_text(eq, bind(eq.out), text))
        outs = " ".join(text(o) for o in self.outputs)
        lines.append(f"  in ({outs}) }}")
        return "\n".join(lines)

    __repr__ = __str__

    def primitives(self, phase=None):
        """The names of the steps (``"mul"``, ``"tanh.vjp[0]"``, ...) of ``phase``."""
        return [_step_name(eq) for eq in self.equations if phase in (None, eq.phase)]


def _step_name(eq):
    if eq.kind == "jvp":
        return f"{eq.name}.jvp[{eq.index}]"
    return f"{eq.name}.vjp[{eq.index}]" if eq.kind in ("vjp", "part") else eq.name


#: Where a JVP step's rule comes from (forward.py), as the listing says it.
_JVP_NOTES = {
    "declared": "the op's JVP",
    "elementwise": "its VJP applied to the tangent (a diagonal Jacobian is symmetric)",
    "transpose": "the transpose trick through its VJP",
    "numpy": "the rows of its Jacobian, one VJP each",
}


def _equation_text(eq, out, text):
    ins = " ".join(text(i) for i in eq.ins)
    params = ", ".join(f"{k}={text(v)}" for k, v in eq.kwargs.items()
                       if not (isinstance(v, Const) and v.value is None)) if eq.kind != "view" \
        else f"shape={eq.kwargs['shape'].value}"
    line = f"{out} = {_step_name(eq)}{f'[{params}]' if params else ''} {ins}".rstrip()
    if eq.kind in ("vjp", "part"):
        rules = eq.op.rules or ()
        rule = rules[eq.index] if eq.index < len(rules) else ""
        arg = "xyzw"[eq.index] if eq.index < 4 else f"arg{eq.index}"
        note = f"∂/∂{arg}: {rule}" if rule else f"gradient of argument {eq.index}"
        if eq.unbroadcast is not None:
            note += f"; summed back to shape {eq.target}"
        line = f"{line:<40}  # {note}"
    if eq.kind == "jvp":
        rules = eq.op.rules or ()
        rule = rules[eq.index] if eq.index < len(rules) else ""
        arg = "xyzw"[eq.index] if eq.index < 4 else f"arg{eq.index}"
        rule = f" (∂/∂{arg}: {rule})" if rule and eq.op.kind == "elementwise" else ""
        line = f"{line:<40}  # {arg}'s part{rule}: {_JVP_NOTES.get(eq.note, eq.note)}"
    if eq.kind == "add" and eq.phase != "tangent":
        line = f"{line:<40}  # a second gradient reaches the same tensor"
    return line


def _same(a, b):
    if b is None or isinstance(b, tuple):
        return True
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(
        a, b, equal_nan=a.dtype.kind in "fc")


def _value(i, env):
    if isinstance(i, Const):
        return i.value
    if isinstance(i, tuple):
        return i[1](_value(j, env) for j in i[2])
    return env[i]


def run_equation(eq, env):
    """One step on the values in ``env`` (the interpreter ``replay`` uses)."""
    args = [_value(i, env) for i in eq.ins]
    kwargs = {k: _value(v, env) for k, v in eq.kwargs.items()}
    kind = eq.kind
    if kind == "primitive":
        out = eq.fn(*args, **kwargs)
        eq.raw_is_array = out.__class__ is np.ndarray and eq.raw_is_array is not False
        return np.asarray(out) if eq.as_array and out.__class__ is not np.ndarray else out
    if kind == "call" or kind == "jvp":
        return eq.fn(*args, **kwargs)
    if kind == "add":
        return args[0] + args[1]
    if kind == "view":
        return args[0].reshape(kwargs["shape"])
    if kind == "split":
        return eq.fn(args[0], args[1], args[2:], **kwargs)
    raw = args[0][eq.index] if kind == "part" else eq.fn(*args, **kwargs)
    if eq.unbroadcast is None and raw.shape != eq.target:
        eq.unbroadcast = unbroadcast_plan(raw.shape, eq.target)
    return raw if eq.unbroadcast is None else unbroadcast(raw, eq.unbroadcast)


def unbroadcast_plan(shape, target):
    """How the engine sums a gradient of ``shape`` back to ``target``, worked
    out once: (sum everything?, leading axes, stretched axes, reshape to)."""
    if not target:
        return (True, (), (), ())
    lead = len(shape) - len(target)
    rest = shape[lead:]
    stretched = tuple(i for i, n in enumerate(target) if n == 1 and rest[i] != 1)
    after = tuple(1 if i in stretched else n for i, n in enumerate(rest))
    return (False, tuple(range(lead)), stretched, target if after != target else None)


def unbroadcast(g, plan):
    """The engine's sums (the same NumPy calls, in the same order), planned."""
    everything, lead, stretched, shape = plan
    if everything:
        return np.add.reduce(g, axis=None)
    if lead:
        g = np.add.reduce(g, axis=lead)
    if stretched:
        g = np.add.reduce(g, axis=stretched, keepdims=True)
    return g if shape is None else g.reshape(shape)


