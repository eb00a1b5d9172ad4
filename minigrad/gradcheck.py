"""Finite-difference gradient checks with reports that point at the mistake.

``gradcheck`` compares the derivative the engine computes (analytic) with
central differences (numeric).  For small problems it compares the whole
Jacobian, entry by entry; for large ones it compares random projections
``v·J·u`` and, if one disagrees, falls back to element-by-element differences
of ``v·f`` to name the wrong elements.  This module only reads the graph.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import functional as F
from .autograd import enable_grad, no_grad
from .autograd import grad as autograd_grad
from .errors import GradcheckError
from .tensor import Tensor, leaf, unwrap

#: Problems with at most this many (input elements) x (output elements) get a
#: full Jacobian comparison; larger ones get random projections.
FULL_JACOBIAN_LIMIT = 250_000
#: How many rows a report prints per input.
REPORT_ROWS = 10


# ------------------------------------------------------------ finite differences
def _as_arrays(inputs):
    return [np.array(unwrap(x), copy=True)
            if _is_float(x) else unwrap(x) for x in inputs]


def _is_float(x):
    data = np.asarray(unwrap(x))
    return data.dtype.kind == "f"


def _evaluate(f, arrays):
    """f on constant tensors, as a flat float64 array."""
    with no_grad():
        out = f(*[leaf(a) if isinstance(a, np.ndarray) else a
                  for a in arrays])
    # A copy: f may return a view of its input (reshape, slicing, broadcast_to),
    # which the next perturbation would change under our feet.
    return np.array(unwrap(out), dtype=np.float64).ravel()


def _numeric_columns(f, arrays, i, eps, elements=None):
    """d f / d arrays[i][j] by central differences, one column per element j
    (j counts the elements of arrays[i] in C order, as ravel does)."""
    x = arrays[i]
    # Index x itself, never x.reshape(-1): for a transposed or Fortran-ordered
    # array that is a copy, and perturbing a copy changes nothing f reads.
    columns = []
    for j in (range(x.size) if elements is None else elements):
        index = np.unravel_index(j, x.shape)
        original = x[index]
        x[index] = original + eps
        up = _evaluate(f, arrays)
        x[index] = original - eps
        down = _evaluate(f, arrays)
        x[index] = original
        columns.append((up - down) / (2 * eps))
    return np.array(columns).T    # (outputs, elements)


def numerical_grad(f, *inputs, eps=1e-6):
    """Gradient of a scalar ``f`` by central differences, one array per input.

    >>> import numpy as np, minigrad as mg
    >>> g = mg.numerical_grad(lambda x: (x ** 2).sum(), np.array([1.0, -2.0]))
    >>> np.round(g, 6)
    array([ 2., -4.])
    """
    arrays = _as_arrays(inputs)
    grads = []
    for i, x in enumerate(arrays):
        if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
            grads.append(None)
            continue
        jac = _numeric_columns(f, arrays, i, eps)
        if jac.shape[0] != 1:
            raise ValueError(f"numerical_grad needs f to return one number, got "
                             f"{jac.shape[0]} values; use gradcheck for vector outputs.")
        grads.append(jac[0].reshape(x.shape))
    return grads[0] if len(grads) == 1 else tuple(grads)


# -------------------------------------------------------------- the check
def _checked_inputs(inputs):
    """Indices of the inputs to differentiate: float arrays, and tensors with
    requires_grad (a tensor without it is a constant, as in PyTorch)."""
    checked = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor):
            if x.requires_grad:
                checked.append(i)
        elif _is_float(x):
            checked.append(i)
    return checked


def _label(inputs, i):
    name = getattr(inputs[i], "name", None)
    return f"input {i}" + (f" ('{name}')" if name else "")


def _compare(analytic, numeric, atol, rtol):
    """Boolean array of entries that fail |a - n| <= atol + rtol |n| (or are not finite)."""
    finite = np.isfinite(analytic) & np.isfinite(numeric)
    close = np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric)
    return ~(finite & close)


def _rows(bad, analytic, numeric, out_shape, in_shape, out_label=None):
    """One line per wrong entry, the largest errors first, at most REPORT_ROWS of
    them and then how many more there are."""
    outs, ins = np.nonzero(bad)
    with np.errstate(invalid="ignore"):         # inf - inf is nan: the worst of all
        errors = np.abs(analytic[outs, ins] - numeric[outs, ins])
    # Largest first, NaN before everything; a stable sort keeps index order on ties.
    order = np.argsort(-np.nan_to_num(errors, nan=np.inf, posinf=np.inf), kind="stable")
    lines = []
    for r in order[:REPORT_ROWS]:
        k, j, err = outs[r], ins[r], errors[r]
        # + 0.0 turns -0.0 into 0.0: "analytic -0" reads as a sign mistake.
        a, n = analytic[k, j] + 0.0, numeric[k, j] + 0.0
        if n == 0:
            relative = "numeric is 0"          # no relative error to speak of
        else:
            with np.errstate(invalid="ignore"):  # inf / inf: report nan, quietly
                relative = f"rel err {err / abs(n):.2e}"
        out_index = out_label or (np.unravel_index(k, out_shape) if out_shape else "()")
        in_index = np.unravel_index(j, in_shape) if in_shape else ()
        lines.append(f"    output {_fmt_index(out_index)}  element {_fmt_index(in_index)}  "
                     f"analytic {a: .6g}  numeric {n: .6g}  abs err {err:.2e}  {relative}")
    if len(order) > REPORT_ROWS:
        lines.append(f"    ... and {len(order) - REPORT_ROWS} more wrong entries not shown")
    return lines


def _fmt_index(index):
    if isinstance(index, str):
        return index
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def _analytic_rows(f, tensors, checked, out, seeds):
    """Rows v·J for each seed v, one array per checked input."""
    rows = {i: [] for i in checked}
    for seed in seeds:
        grads = autograd_grad(out, [tensors[i] for i in checked], seed, materialize_grads=True)
        for i, g in zip(checked, grads):
            rows[i].append(np.asarray(g, dtype=np.float64).ravel())
    # reshape: an empty output (no seeds) still gives a (0, n) Jacobian.
    return {i: np.array(r).reshape(len(seeds), tensors[i].data.size)
            for i, r in rows.items()}


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              seed=0):
    """Check the derivatives of ``f`` at ``inputs`` against central differences.

    ``f`` takes tensors and returns a tensor of any shape.  Float arrays and
    tensors with ``requires_grad`` are checked; other inputs are constants.
    Returns True, or raises [`GradcheckError`][minigrad.errors.GradcheckError] whose message names
    the input, the output and input elements, the analytic and numeric values and their errors
    (returns False instead when ``raise_exception=False``).  The wrong entries of each input are
    listed largest error first, at most ``REPORT_ROWS`` of them, and a last line counts the rest.

    >>> import numpy as np, minigrad as mg
    >>> mg.gradcheck(lambda x, y: x * mg.sin(y), (np.array([1.0, 2.0]), np.array([0.5])))
    True
    """
    inputs = tuple(inputs)
    checked = _checked_inputs(inputs)
    for i in checked:
        dtype = np.asarray(unwrap(inputs[i])).dtype
        if dtype != np.float64:
            warnings.warn(f"gradcheck: {_label(inputs, i)} has dtype {dtype}; finite "
                          f"differences with eps={eps} need float64 to be meaningful. "
                          f"Pass float64 inputs.", stacklevel=2)
    arrays = _as_arrays(inputs)
    tensors = [leaf(a).requires_grad_() if k in checked else
               (leaf(a) if isinstance(a, np.ndarray) else a)
               for k, a in enumerate(arrays)]
    out = f(*tensors)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: f must return a tensor, got {type(out).__name__}")
    n_out = out.data.size
    n_in = sum(arrays[i].size for i in checked)
    analytic_zero = not out.requires_grad   # f ignores its inputs: J is zero
    if n_out * n_in <= FULL_JACOBIAN_LIMIT:
        problems = _full_check(f, arrays, tensors, checked, out, eps, atol, rtol,
                               analytic_zero, inputs)
    else:
        problems = _projected_check(f, arrays, tensors, checked, out, eps, atol, rtol,
                                    analytic_zero, inputs, np.random.default_rng(seed))
    if not problems:
        return True
    message = ("gradcheck failed: analytic and numeric derivatives disagree\n"
               + "\n".join(problems)
               + f"\n  (tolerance: |analytic - numeric| <= {atol} + {rtol} * |numeric|)")
    if raise_exception:
        raise GradcheckError(message)
    warnings.warn(message, stacklevel=2)
    return False


def _full_check(f, arrays, tensors, checked, out, eps, atol, rtol, analytic_zero, inputs):
    n_out = out.data.size
    seeds = [np.eye(1, n_out, k, dtype=out.data.dtype).reshape(out.data.shape)
             for k in range(n_out)]
    if analytic_zero:
        analytic = {i: np.zeros((n_out, arrays[i].size)) for i in checked}
    else:
        analytic = _analytic_rows(f, tensors, checked, out, seeds)
    problems = []
    for i in checked:
        numeric = _numeric_columns(f, arrays, i, eps)
        bad = _compare(analytic[i], numeric, atol, rtol)
        if bad.any():
            problems.append(
                f"  {_label(inputs, i)}, shape {arrays[i].shape}: {int(bad.sum())} of "
                f"{bad.size} Jacobian entries wrong")
            problems += _rows(bad, analytic[i], numeric, out.data.shape, arrays[i].shape)
    return problems


def _projected_check(f, arrays, tensors, checked, out, eps, atol, rtol, analytic_zero,
                     inputs, rng, projections=3):
    problems = []
    for _ in range(projections):
        v = rng.standard_normal(out.data.shape).astype(out.data.dtype)

        def scalar(*xs, v=v):
            return (f(*xs) * v).sum()

        rows = ({i: np.zeros((1, arrays[i].size)) for i in checked} if analytic_zero
                else _analytic_rows(f, tensors, checked, out, [v]))
        for i in checked:
            u = rng.standard_normal(arrays[i].shape)
            original = arrays[i].copy()
            arrays[i][...] = original + eps * u
            up = _evaluate(scalar, arrays)
            arrays[i][...] = original - eps * u
            down = _evaluate(scalar, arrays)
            arrays[i][...] = original
            numeric = (up - down) / (2 * eps)
            analytic = rows[i] @ u.ravel()
            scale = np.abs(u).sum()
            if _compare(analytic, numeric, atol * scale, rtol).any():
                # Localise: v·J element by element for this input.
                numeric_row = _numeric_columns(scalar, arrays, i, eps)
                bad = _compare(rows[i], numeric_row, atol, rtol)
                problems.append(
                    f"  {_label(inputs, i)}, shape {arrays[i].shape}: the projection v·J·u "
                    f"is {analytic.item():.6g} analytically but {numeric.item():.6g} "
                    f"numerically; {int(bad.sum())} of {bad.size} entries of v·J are wrong")
                problems += _rows(bad, rows[i], numeric_row, (), arrays[i].shape,
                                  out_label="v·f")
        if problems:
            break
    return problems


def gradgradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  seed=0):
    """Check second derivatives: gradcheck of the gradient of ``v·f``.

    The first derivative is built with ``create_graph=True`` (for a fixed random
    cotangent ``v``), and its derivatives are compared with finite differences
    of it, so a wrong derivative *of a derivative* is reported by input and
    element like any other.

    >>> import numpy as np, minigrad as mg
    >>> mg.gradgradcheck(lambda x: mg.tanh(x) * x, (np.array([0.3, -1.2]),))
    True
    """
    inputs = tuple(inputs)
    checked = _checked_inputs(inputs)
    rng = np.random.default_rng(seed)
    probe = f(*[Tensor(unwrap(x)) if k in checked else x
                for k, x in enumerate(inputs)])
    v = rng.standard_normal(probe.data.shape)

    def first_derivative(*xs):
        out = f(*xs)
        wrt = [xs[i] for i in checked if isinstance(xs[i], Tensor) and xs[i].requires_grad]
        if not wrt:   # finite differences call f on constants: no graph to follow
            with no_grad():
                return _constant_gradient(f, xs, checked, v)
        grads = autograd_grad(out, wrt, v.astype(out.data.dtype), create_graph=True,
                              materialize_grads=True)
        return F.concatenate([g.reshape(-1) for g in grads])

    return gradcheck(first_derivative, inputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, seed=seed)


def _constant_gradient(f, xs, checked, v):
    """The first derivative evaluated (not traced) at constant inputs."""
    with enable_grad():
        traced = list(xs)
        for i in checked:
            traced[i] = leaf(np.array(xs[i].data)).requires_grad_()
        out = f(*traced)
        grads = autograd_grad(out, [traced[i] for i in checked], v.astype(out.data.dtype),
                              materialize_grads=True)
    return Tensor(np.concatenate([np.ravel(g) for g in grads]))
