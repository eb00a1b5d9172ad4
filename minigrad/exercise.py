"""Gradient-checking exercises: an op whose derivative the learner writes.

An [`Exercise`][minigrad.exercise.Exercise] holds a NumPy forward, the names of its inputs and a
way to draw random float64 inputs.  Given VJPs (one per input), it builds the op as a
[`minigrad.primitive()`][minigrad.primitive.primitive] (not registered) and compares it with finite
differences through [`minigrad.gradcheck()`][minigrad.gradcheck.gradcheck]: the report names the
wrong input, by index and name, and the wrong elements.  The files in ``exercises/``
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

import argparse
import os
import sys
import traceback

import numpy as np

from .errors import GradcheckError, ShapeError
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
        return self._build(vjps or self.vjps, failures=[])

    def _build(self, vjps, failures):
        if len(vjps) != len(self.names):
            raise TypeError(self._count_message(len(vjps)))
        op = primitive(self.forward, name=self.name, register=False)
        return op.defvjp(*(self._checked(i, vjp, failures) for i, vjp in enumerate(vjps)))

    def _count_message(self, given):
        n = len(self.names)
        inputs = ", ".join(f"input {i} ('{name}')" for i, name in enumerate(self.names))
        return (f"{self.name} has {n} input{'s' if n != 1 else ''}, so it takes {n} "
                f"VJP{'s' if n != 1 else ''}, one per input in this order: {inputs}; "
                f"got {given}.")

    def _checked(self, i, vjp, failures):
        """Wrap a VJP so that what goes wrong in it is reported by input: an
        exception it raises, a missing return, a gradient of the wrong shape.
        The report goes into ``failures`` (check() prints it) and into the
        exception raised (make_op's users see it)."""
        name = self.names[i]
        which = f"input {i} ('{name}')"

        def checked(g, out, *args):
            try:
                grad = vjp(g, out, *args)
            except NotImplementedError:
                raise                           # the starter's "write the derivative"
            except Exception as exc:
                failures.append(f"your VJP for {which} raised {type(exc).__name__}: "
                                f"{exc}{_where(exc)}")
                raise
            shape = np.shape(args[i])
            if grad is None:
                message = (f"your VJP for {which} returned None; a VJP must return an "
                           f"array shaped like input {i}, here {shape} (is a 'return' "
                           f"missing?)")
                failures.append(message)
                raise TypeError(message)
            grad = np.asarray(grad)
            # The input's shape, or the output's when the input was broadcast to
            # it (the engine sums such a gradient back to the input's shape).
            fits = grad.shape == shape or (
                grad.shape == np.shape(out) and _broadcasts(shape, out))
            if not fits:
                message = (f"the VJP of {which} returned shape {grad.shape}; expected "
                           f"{shape}, the shape of {name} (a VJP returns an array shaped "
                           f"like its input)")
                failures.append(f"Wrong shape: {message}")
                raise ShapeError(message)
            return grad
        return checked

    def check(self, *vjps, seed=0):
        """Compare the VJPs (default: the learner's) with finite differences on
        random float64 inputs; print the report, which names the wrong input and
        elements, and return it."""
        vjps = vjps or self.vjps
        if len(vjps) != len(self.names):
            report = f"Wrong number of VJPs: {self._count_message(len(vjps))}"
        else:
            report = self._report(vjps, seed)
        print(report)
        return report

    def _report(self, vjps, seed):
        failures = []
        rng = np.random.default_rng(seed)
        inputs = [tensor(x, requires_grad=True, name=name)
                  for x, name in zip(self.sample_inputs(rng), self.names)]
        try:
            gradcheck(self._build(vjps, failures), inputs)
        except GradcheckError as exc:
            legend = ", ".join(f"{i} = {n}" for i, n in enumerate(self.names))
            return f"{exc}\n  (inputs: {legend})"
        except NotImplementedError as exc:
            return f"Not finished: {exc}"
        except Exception:
            if not failures:
                raise               # not the learner's VJP: a bug in the exercise
            return failures[0]
        return OK

    def main(self, argv=None):
        """``python exercises/exNN_name.py [seed]``: exit status 0 when correct,
        1 when not, 2 for an argument that is not an integer seed."""
        parser = argparse.ArgumentParser(
            prog=None if argv is None else f"exercise {self.name}",
            description=f"Check your VJPs for {self.name} against finite differences.")
        parser.add_argument("seed", nargs="?", default=0, type=_seed,
                            help="an integer seed for the random inputs (default 0)")
        args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
        raise SystemExit(0 if self.check(seed=args.seed) == OK else 1)


def _seed(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"the optional argument is an integer seed for the random inputs, "
            f"e.g. 3; got {text!r}") from None


def _where(exc):
    """' (line 27 of ex01_softplus.py, in vjp_x: return ...)': the line of the
    learner's VJP that raised.  The traceback starts at the wrapper's frame;
    the next frame is the VJP itself."""
    frames = traceback.extract_tb(exc.__traceback__)
    if len(frames) < 2:
        return ""
    frame = frames[1]
    code = f": {frame.line.strip()}" if frame.line else ""
    return (f"\n  at line {frame.lineno} of {os.path.basename(frame.filename)}, in "
            f"{frame.name}{code}")


def _broadcasts(shape, out):
    try:
        return np.broadcast_shapes(shape, np.shape(out)) == np.shape(out)
    except ValueError:
        return False
