"""The machinery of an operation: [`Primitive`][minigrad.primitive.Primitive], its declaration, the
registry.

There is no calculus here; the derivatives are in ``ops/``.  A primitive is
a NumPy forward function with one vector-Jacobian product (VJP) per argument.
Calling it is the hot path of the library:

* on plain arrays or numbers it is the NumPy function (array in, array out),
  which is what the VJPs use in an ordinary backward pass;
* when an argument is a tensor it returns a tensor, and when an argument
  requires grad it records the node of the graph (op, arguments, their
  values at the time).

One declaration says everything about an operation: the forward, the VJPs,
the local-derivative text that ``mg.draw`` and ``mg.explain`` print, where
the derivative is defined (``domain``, which the property tests sample), its
``kind`` (``"elementwise"`` or ``"reduction"`` ops get their property tests
with no other edit), and the Tensor method or operator it provides.  From it
come ``mg.<name>``, the method, the reference listing in the docs and the
tests.
"""

from __future__ import annotations

import inspect

import numpy as np

from .errors import DTypeError, IndexingError, MinigradError, ShapeError
from .tensor import GRAD_ENABLED, Tensor, install_method, next_seq, to_array

_from_op = Tensor._from_op
_new_tensor = Tensor.__new__
_grad_enabled = GRAD_ENABLED.get
#: Constant types passed to the forward as they are (with ndarray); any other
#: operand of a call on tensors goes through ``constant`` (NumPy scalars, lists).
_PLAIN = frozenset((float, int))
_ndarray = np.ndarray
_F64, _F32 = np.dtype(np.float64), np.dtype(np.float32)

#: Every primitive, built-in or user-defined, by name.  Tests iterate over it.
REGISTRY: dict[str, Primitive] = {}

#: NumPy functions whose meaning differs from minigrad's function of the same name
#: (``np.sort`` gives values where ``mg.sort`` gives PyTorch's values and
#: indices; ``np.dot`` multiplies matrices where ``mg.dot`` takes vectors only):
#: name -> the function with NumPy's meaning, which ``np.<name>(tensor)`` runs
#: (``ufuncs.py``).  Declared beside the op with ``numpy_meaning``.
NUMPY_MEANINGS: dict = {}


def numpy_meaning(name):
    """Declare the function ``np.<name>`` runs on tensors when NumPy's meaning of
    ``name`` differs from ``mg.<name>``'s (PyTorch's).

    >>> @numpy_meaning("example_numpy_name")
    ... def example(a):
    ...     return a
    >>> NUMPY_MEANINGS.pop("example_numpy_name") is example
    True
    """
    def declare(fn):
        NUMPY_MEANINGS[name] = fn
        return fn
    return declare


#: Every composite declared for the registry-driven tests, by name: a function
#: written with primitives (no derivative code of its own).  See ``composite``.
COMPOSITES: dict[str, Composite] = {}

#: The kinds of operation whose property tests need no hand-written strategy:
#: ``elementwise`` (operands broadcast together), ``reduction`` (one operand,
#: ``axis`` and ``keepdims``), ``scan`` (one operand of at least one dim and an
#: int ``axis``).  Any other op declares ``samples``.
KINDS = ("elementwise", "reduction", "scan")
#: The regions a differentiable argument is sampled from by the property tests:
#: ``real``, ``positive`` (0.3 to 3), ``nonzero`` (|x| >= 0.2), ``unit``
#: (|x| <= 0.9, inside arcsin's and arctanh's domain), ``above_one`` (1.2 to 3),
#: ``distinct`` (pairwise at least 0.27 apart: no ties, as ``sort`` needs),
#: ``divisor`` (±0.5, ±1 or ±2: the divisor of ``remainder``/``fmod``, of which a
#: sampled dividend is never near a multiple, where the result jumps),
#: ``invertible`` (square matrices, well conditioned, singular values at least
#: 1 apart) and ``spd`` (symmetric positive definite matrices with eigenvalues at
#: least 1 apart; the tests differentiate ``f((A + Aᵀ)/2)``).
DOMAINS = ("real", "positive", "nonzero", "unit", "above_one", "distinct", "divisor",
           "invertible", "spd")


class Primitive:
    """An operation with a NumPy forward and one VJP per argument.

    ``rules`` holds one short formula per argument (the local derivative in
    words and symbols) that ``mg.draw`` and ``mg.explain`` print; ``domain``
    holds one of ``"real"``, ``"positive"``, ``"nonzero"`` per argument, the
    region where the derivative is defined (the property tests sample it);
    ``smooth`` says whether second derivatives exist almost everywhere and are
    worth testing; ``kind`` is ``"elementwise"`` (arguments broadcast
    together), ``"reduction"`` (one argument, ``axis`` and ``keepdims``) or
    None (shape and index ops, tested with hand-written cases);
    ``reference`` is an independent NumPy function the forward is tested
    against (the forward itself when None).  ``samples`` lists example calls
    for an op that is neither elementwise nor a reduction nor a scan: pairs
    ``(shapes, kwargs)``, one shape per operand; the tests draw the operands'
    values from ``domain`` (PyTorch's ``OpInfo.sample_inputs`` in a table).
    ``differentiable_vjp`` says the VJPs are written with minigrad primitives and operators only, so
    ``create_graph=True`` can differentiate through them.

    Positional arguments after the differentiable ones are passed to the
    forward by keyword: ``mg.sum(x, 0)`` is ``mg.sum(x, axis=0)``.
    """

    __slots__ = ("name", "forward", "vjps", "jvps", "rules", "domain", "smooth", "kind",
                 "reference", "differentiable_vjp", "explain_error", "doc", "nargs",
                 "params", "method_names", "samples")

    def __init__(self, name, forward, *, rules=None, domain=None, smooth=True, kind=None,
                 reference=None, differentiable_vjp=True, explain_error=None, doc=None,
                 samples=None):
        check_declaration(name, kind, domain)
        self.samples = samples
        self.name = name
        self.forward = forward
        self.vjps = None
        self.jvps = None           # set by defjvp; else forward mode derives them
        self.rules = rules
        self.domain = domain
        self.smooth = smooth
        self.kind = kind
        self.reference = reference
        self.differentiable_vjp = differentiable_vjp
        self.explain_error = explain_error
        self.doc = doc or forward.__doc__
        self.nargs = None          # set by defvjp: how many arguments are operands
        self.params = _keyword_names(forward)
        self.method_names = ()

    def defvjp(self, *vjps):
        """Set the VJP of each argument, in order (``None``: not differentiable)."""
        self.vjps = vjps
        if isinstance(vjps, tuple):
            self.nargs = len(vjps)
            self.params = _keyword_names(self.forward, skip=self.nargs)
        return self

    def defjvp(self, *jvps):
        """Set the JVP of each argument, in order: ``jvp(t, out, *args, **kwargs)``
        is the part of the output's tangent that argument's tangent ``t`` makes
        (None: derived from the VJP; see ``minigrad/forward.py``)."""
        self.jvps = jvps
        return self

    def __call__(self, *args, **kwargs):
        # The hot path of the whole library: keep it flat.
        nargs = self.nargs
        if nargs is not None and len(args) > nargs:
            args, kwargs = self._split(args, kwargs)
        datas = []
        is_tensor_call = traced = convert = False
        for a in args:
            if isinstance(a, Tensor):
                is_tensor_call = True
                if a.requires_grad:
                    traced = True
                datas.append(a._data)
            else:
                if type(a) is not _ndarray and type(a) not in _PLAIN:
                    convert = True        # a NumPy scalar or a list: see constant()
                datas.append(a)
        if convert:
            if any(holds_tensor(a) for a in args):   # mg.sum([x, x + 2]): keep the graph
                return self(*[stack_into_graph(a) if holds_tensor(a) else a for a in args],
                            **kwargs)
            if is_tensor_call:
                datas = [constant(d) for d in datas]
        try:
            out = self.forward(*datas, **kwargs)
        except (ValueError, TypeError, IndexError) as exc:
            if isinstance(exc, MinigradError):
                raise                     # a forward that checked its operands said why
            raise explain_failure(self, datas, kwargs, exc) from exc
        if not is_tensor_call:
            return out                    # arrays in, array out: used inside VJPs
        if out.__class__ is not np.ndarray:
            out = np.asarray(out)         # NumPy returns scalars for 0-d results
        if traced and _grad_enabled():
            if self.vjps is None:
                raise NotImplementedError(
                    f"primitive '{self.name}' has no derivative yet: call "
                    f"{self.name}.defvjp(...) before using it on tensors that require grad")
            dtype = out.dtype
            if dtype is not _F64 and dtype is not _F32 and dtype.kind == "c":
                raise complex_error(self, datas)
            # Build the output node inline (this is Tensor._from_op, unrolled
            # because a function call here costs a tenth of the whole op).
            t = _new_tensor(Tensor)
            t._data = out
            t.grad = t.name = None
            t.requires_grad = True
            t._op = self
            t._args = args
            t._values = tuple(datas)   # a tuple of arrays: the GC stops tracking it
            t._kwargs = kwargs or None
            t._seq = next_seq()
            t._retains_grad = False
            t._changes = ()
            return t
        return _from_op(out, None, (), None)

    def _split(self, args, kwargs):
        """Move positional arguments past the operands to their keywords."""
        extra = args[self.nargs:]
        if len(extra) > len(self.params):
            raise TypeError(
                f"{self.name}() takes {self.nargs} operand(s) and the parameters "
                f"{', '.join(self.params) or '(none)'}, but got {len(args)} positional "
                f"arguments")
        kwargs = dict(kwargs)
        for name, value in zip(self.params, extra):
            if name in kwargs:
                raise TypeError(f"{self.name}() got two values for '{name}'")
            kwargs[name] = value
        return args[:self.nargs], kwargs

    def __repr__(self):
        return f"<minigrad primitive '{self.name}'>"


#: The call every primitive starts with; a mode (anomaly, forward) wraps it
#: while it is on, through ``add_call_layer``.
PLAIN_CALL = Primitive.__call__
_LAYERS = {}
_base = [PLAIN_CALL]            # what the layers wrap
_installed = [PLAIN_CALL]       # what the last rebuild installed


def add_call_layer(key, wrap, depth=1):
    """Wrap ``Primitive.__call__`` while a mode is on: ``wrap(below)`` returns the
    new call, which calls ``below``.  Layers compose (each mode is added and
    removed by its key, in any order) and the plain call is back when none is on.
    ``depth`` orders them whatever order they were added in: the smallest wraps
    the plain call directly (the trace recorder, 0, so that a call is recorded
    before forward mode, 2, computes its tangent from it)."""
    _LAYERS[key] = (depth, wrap)
    _rebuild()


def remove_call_layer(key):
    """Take a mode's layer off (nothing if it is not on)."""
    if _LAYERS.pop(key, None) is not None:
        _rebuild()


def call_layers():
    """The keys of the layers on now, innermost first."""
    return [key for key, _ in sorted(_LAYERS.items(), key=lambda item: item[1][0])]


def _rebuild():
    current = Primitive.__call__
    if current is not _installed[0]:
        _base[0] = current          # swapped in by other code since: keep it beneath
    call = _base[0]
    for _, wrap in sorted(_LAYERS.values(), key=lambda layer: layer[0]):
        call = wrap(call)
    Primitive.__call__ = _installed[0] = call


def holds_tensor(a):
    """A list or tuple with a tensor somewhere inside."""
    return isinstance(a, (list, tuple)) and any(
        isinstance(i, Tensor) or holds_tensor(i) for i in a)


def stack_into_graph(items):
    """A (nested) list holding tensors as one tensor of the graph, stacked along a
    new first axis as ``np.array`` would stack it, so its gradient reaches every
    tensor inside: ``mg.sum([x, x + 2])`` is ``mg.sum(mg.stack([x, x + 2]))``."""
    reshape, concatenate = REGISTRY["reshape"], REGISTRY["concatenate"]
    parts = [stack_into_graph(i) if isinstance(i, (list, tuple)) else i for i in items]
    rows = [reshape(p, (1,) + np.shape(p.data if isinstance(p, Tensor) else p)) for p in parts]
    return concatenate(*rows, axis=0)


def _keyword_names(forward, skip=0):
    """The forward's parameters after the first ``skip``: its non-operand keywords."""
    try:
        parameters = list(inspect.signature(forward).parameters.values())
    except (TypeError, ValueError):       # a NumPy ufunc has no Python signature
        return ()
    names = [p.name for p in parameters
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    return tuple(names[skip:])


def primitive(forward=None, *, name=None, rules=None, domain=None, smooth=True, kind=None,
              reference=None, differentiable_vjp=False, explain_error=None, method=None,
              register=True, samples=None):
    """Declare a new operation from its NumPy forward; then give its derivative.

    This is how every built-in op is made, and how you add your own::

        >>> import numpy as np, minigrad as mg
        >>> @mg.primitive(kind="elementwise")
        ... def softplus_np(x):
        ...     return np.logaddexp(0.0, x)
        >>> _ = softplus_np.defvjp(lambda g, out, x: g / (1.0 + np.exp(-x)))
        >>> mg.gradcheck(softplus_np, (np.array([-1.0, 0.5, 2.0]),))
        True

    The VJP receives NumPy arrays.  Write it with ``mg.ops`` functions and
    operators only (``mg.ops.exp`` instead of ``np.exp``) and pass
    ``differentiable_vjp=True`` to make the op twice differentiable; otherwise
    a second derivative through it raises an error that says so.
    ``explain_error(arrays, kwargs)`` may return a message for operands the
    forward rejects.  ``method="name"`` (or ``True`` for the op's own name)
    also makes it a Tensor method.  ``kind="elementwise"`` or
    ``"reduction"`` with a ``domain`` is all the registry-driven property
    tests need to cover a registered op.
    """
    def make(fn):
        op = Primitive(name or fn.__name__, fn, rules=rules, domain=domain, smooth=smooth,
                       kind=kind, reference=reference, differentiable_vjp=differentiable_vjp,
                       explain_error=explain_error, samples=samples)
        if register:
            REGISTRY[op.name] = op
        if method:
            install_methods(op, {op.name if method is True else method: None})
        return op
    return make if forward is None else make(forward)


def check_declaration(name, kind, domain):
    """A clear error at declaration time for a kind or domain the tests cannot sample."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"op '{name}': kind must be one of {KINDS} or None, got {kind!r}")
    if domain is not None and any(d not in DOMAINS for d in domain):
        raise ValueError(f"op '{name}': each domain entry must be one of {DOMAINS}, "
                         f"got {domain!r}")


class Composite:
    """The declaration of a composite: a function written with primitives, whose
    derivative (and second derivative) comes from theirs.  It carries the same
    test metadata as a [`Primitive`][minigrad.primitive.Primitive] (``nargs``
    operands, ``rules``, ``domain``, ``smooth``, ``kind``, ``reference``,
    ``samples``) so that the registry-driven tests cover it; ``function`` is
    what ``mg.<name>`` is."""

    __slots__ = ("name", "function", "nargs", "rules", "domain", "smooth", "kind",
                 "reference", "samples")

    def __init__(self, name, function, *, nargs, rules, domain, smooth, kind, reference,
                 samples):
        check_declaration(name, kind, domain)
        self.name, self.function, self.nargs, self.rules = name, function, nargs, rules
        self.domain, self.smooth, self.kind = domain, smooth, kind
        self.reference, self.samples = reference, samples

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


def composite(function=None, *, name=None, nargs=1, rules=None, domain=None, smooth=True,
              kind=None, reference=None, samples=None):
    """Declare a composite for the registry-driven tests; returns the function itself.

    >>> import numpy as np, minigrad as mg
    >>> @composite(kind="elementwise", rules=("2x",), reference=np.square)
    ... def square_example(x):
    ...     return x * x
    >>> COMPOSITES["square_example"].rules, square_example(np.array(3.0))
    (('2x',), np.float64(9.0))
    >>> del COMPOSITES["square_example"]
    """
    def make(fn):
        declared = Composite(name or fn.__name__, fn, nargs=nargs, rules=rules, domain=domain,
                             smooth=smooth, kind=kind, reference=reference, samples=samples)
        COMPOSITES[declared.name] = declared
        return fn
    return make if function is None else make(function)


def install_methods(op, methods):
    """Give tensors the methods of ``op``: ``{name: function}``, where a
    function of None means "call the op with the tensor first"."""
    names = []
    for name, fn in methods.items():
        install_method(name, _bound(op) if fn is None else fn)
        names.append(name)
    op.method_names = op.method_names + tuple(names)


def _bound(op):
    def method(self, *args, **kwargs):
        return op(self, *args, **kwargs)
    method.__name__ = op.name
    method.__doc__ = op.doc
    return method


def install_operator(op, name, reflected=None):
    """``x <name> y`` calls ``op(x, y)``, the reflected form ``op(y, x)``; a
    unary operator (``-x``) calls ``op(x)``."""
    if op.nargs == 1:
        install_methods(op, {name: None})
        return

    def forward(self, other):
        return op(self, other)

    def backward(self, other):
        return op(other, self)
    install_methods(op, {name: forward, **({reflected: backward} if reflected else {})})


def constant(a):
    """A constant operand as the forward and the VJPs should see it.

    Applied to the operands of a call on tensors (a call on arrays alone, as
    in a VJP, keeps NumPy's rules).  A NumPy scalar (``np.float64(2.0)``,
    ``np.sqrt(d)``) becomes the Python number it holds, so it never promotes
    a float32 tensor (PyTorch's rule: a scalar never raises a tensor's float
    precision); a list or tuple becomes an array as ``mg.tensor`` makes it
    (int64 for Python ints, as torch.tensor), so the backward pass gets an
    array like every other operand.  Anything else (arrays included) is kept.

    >>> import numpy as np
    >>> constant(np.float64(2.0)), constant([1.0, 2.0])
    (2.0, array([1., 2.]))
    """
    if isinstance(a, (np.number, np.bool_)):
        return a.item()
    if isinstance(a, (list, tuple)):
        return to_array(a)
    return a


def complex_error(op, datas):
    """The error for a complex result in a graph that requires grad."""
    return DTypeError(
        f"{op.name}: the result is complex (operands: {describe(datas)}), but an operand "
        f"requires grad: minigrad differentiates real numbers only, and a complex value "
        f"in the graph would give a wrong gradient. Keep complex numbers out of the "
        f"graph (compute them under mg.no_grad() or on .data), or differentiate the real "
        f"and imaginary parts as separate real tensors.")


# ------------------------------------------------------------------ errors
def describe(datas):
    """Shapes and dtypes of operands, for error messages."""
    return ", ".join(f"{np.shape(d)} {np.asarray(d).dtype}" if not np.isscalar(d)
                     else f"scalar {type(d).__name__}" for d in datas)


def _bad_dtype(datas):
    """The first operand whose dtype NumPy arithmetic cannot take, or None."""
    for d in datas:
        if isinstance(d, (np.ndarray, list, tuple)) or np.isscalar(d):
            try:
                kind = np.asarray(d).dtype.kind
            except (ValueError, TypeError):
                continue
            if kind in "OSUVMm":
                return np.asarray(d).dtype
    return None


def explain_failure(op, datas, kwargs, exc):
    """The error to raise when NumPy refused a forward, classified by its cause:
    an index that does not fit (IndexingError), operands of a dtype the op
    cannot take (DTypeError) or shapes that do not fit (ShapeError)."""
    message = op.explain_error(datas, kwargs) if op.explain_error is not None else None
    extra = f" with {kwargs}" if kwargs else ""
    if isinstance(exc, IndexError) and not isinstance(exc, np.exceptions.AxisError):
        return IndexingError(f"{op.name}: {message or exc}")
    dtype = _bad_dtype(datas)
    if dtype is not None:
        return DTypeError(
            f"{op.name}: cannot compute with dtype {dtype} (operands: {describe(datas)})"
            f"{extra}. minigrad computes on floating-point numbers: convert the data first, "
            f"e.g. mg.tensor(np.asarray(data, dtype=np.float64)). NumPy said: {exc}")
    if isinstance(exc, TypeError):     # an argument of the wrong type, not a shape
        return DTypeError(
            f"{op.name}: NumPy refused the types of the arguments (operands: "
            f"{describe(datas)}){extra}: {exc}. Check the types of the parameters "
            f"(axes are integers, shapes tuples of integers).")
    if message:
        return ShapeError(f"{op.name}: {message}")
    return ShapeError(f"{op.name}: NumPy refused operands ({describe(datas)}){extra}: {exc}")


def normalize_axes(axis, ndim):
    """``axis`` of a reduction (None, an int or a tuple) as a tuple of axes >= 0."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    return tuple(int(a) % ndim if ndim else 0 for a in axes)
