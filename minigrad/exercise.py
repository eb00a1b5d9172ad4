"""Gradient-checking exercises: an op whose derivative the learner writes.

An :class:`Exercise` holds a NumPy forward, the names of its inputs and a way
to draw random float64 inputs.  Given VJPs (one per input), it builds the op as
a :func:`minigrad.primitive` (not registered) and compares it with finite
differences through :func:`minigrad.gradcheck`: the report names the wrong
input, by index and name, and the wrong elements.  The files in ``exercises/``
are built on it, and an instructor can write a new exercise in a few lines.

>>> import numpy as np, minigrad as mg
>>> square = mg.Exercise("square", ("x",), lambda x: x * x,
...                      lambda rng: (rng.normal(size=3),))
>>> square.check(lambda g, out, x: g * 2 * x)
All derivatives correct
'All derivatives correct'
>>> report = square.check(lambda g, out, x: g * x)  # doctest: +ELLIPSIS
gradcheck failed: analytic and numeric derivatives disagree
...
>>> "input 0 ('x')" in report          # the report names the wrong input
True
"""

from __future__ import annotations

import sys

import numpy as np

from .errors import GradcheckError
from .gradcheck import gradcheck
from .primitive import primitive
from .tensor import tensor

OK = "All derivatives correct"


class Exercise:
    """An op to differentiate: ``forward(*arrays)``, the input ``names``, and
    ``sample_inputs(rng)`` returning random float64 arrays, one per input.
    ``vjps`` are the default VJPs (the learner's), used when ``check()`` and
    ``make_op()`` are called without any."""

    OK = OK

    def __init__(self, name, names, forward, sample_inputs, vjps=()):
        self.name = name
        self.names = tuple(names)
        self.forward = forward
        self.sample_inputs = sample_inputs
        self.vjps = tuple(vjps)

    def make_op(self, *vjps):
        """The op with the given VJPs, one per input (default: the learner's)."""
        op = primitive(self.forward, name=self.name, register=False)
        vjps = vjps or self.vjps
        return op.defvjp(*(self._shape_checked(i, vjp) for i, vjp in enumerate(vjps)))

    def _shape_checked(self, i, vjp):
        """Wrap a VJP so that a gradient of the wrong shape is reported by input."""
        name = self.names[i]

        def checked(g, out, *args):
            grad = np.asarray(vjp(g, out, *args))
            shape = np.shape(args[i])
            # The input's shape, or the output's when the input was broadcast to
            # it (the engine sums such a gradient back to the input's shape).
            fits = grad.shape == shape or (
                grad.shape == np.shape(out) and _broadcasts(shape, out))
            if not fits:
                raise ValueError(f"the VJP of input {i} ('{name}') returned shape "
                                 f"{grad.shape}, but {name} has shape {shape}")
            return grad
        return checked

    def check(self, *vjps, seed=0):
        """Compare the VJPs (default: the learner's) with finite differences on
        random float64 inputs; print the report, which names the wrong input and
        elements, and return it."""
        rng = np.random.default_rng(seed)
        inputs = [tensor(x, requires_grad=True, name=name)
                  for x, name in zip(self.sample_inputs(rng), self.names)]
        try:
            gradcheck(self.make_op(*vjps), inputs)
            report = OK
        except GradcheckError as exc:
            legend = ", ".join(f"{i} = {n}" for i, n in enumerate(self.names))
            report = f"{exc}\n  (inputs: {legend})"
        except NotImplementedError as exc:
            report = f"Not finished: {exc}"
        except ValueError as exc:
            report = f"Wrong shape: {exc}"
        print(report)
        return report

    def main(self, argv=None):
        """``python exercises/exNN_name.py [seed]``: exit status 0 when correct."""
        argv = sys.argv[1:] if argv is None else argv
        raise SystemExit(0 if self.check(seed=int((list(argv) + ["0"])[0])) == OK else 1)


def _broadcasts(shape, out):
    try:
        return np.broadcast_shapes(shape, np.shape(out)) == np.shape(out)
    except ValueError:
        return False
