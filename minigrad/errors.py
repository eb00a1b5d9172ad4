"""Exceptions that explain themselves.

Every error minigrad raises on bad input names the operation, the shapes and
dtypes involved, and what to do about it.  They subclass the built-in
exception a NumPy user would expect (``ValueError`` / ``TypeError``), so
``except ValueError`` keeps working.
"""


class MinigradError(Exception):
    """Base class of every error minigrad raises on purpose."""


class ShapeError(MinigradError, ValueError):
    """Operands whose shapes do not fit the operation."""


class DTypeError(MinigradError, TypeError):
    """A dtype the operation cannot differentiate (integers, complex, objects)."""


class BackwardError(MinigradError, RuntimeError):
    """A backward pass that cannot run as asked (non-scalar root, no graph, ...)."""
