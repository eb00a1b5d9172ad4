"""Every exception minigrad defines, in one place.

Each error minigrad raises on purpose names the operation, the shapes and
dtypes involved, and what to do about it.  Every class derives from
[`MinigradError`][minigrad.errors.MinigradError] *and* from the built-in exception a NumPy or
PyTorch user would catch (``ValueError``, ``TypeError``, ``IndexError``, ``RuntimeError``), so
``except ValueError`` keeps working.

>>> import minigrad as mg
>>> issubclass(mg.ShapeError, ValueError) and issubclass(mg.ShapeError, mg.MinigradError)
True
"""


class MinigradError(Exception):
    """Base class of every error minigrad raises on purpose."""


class ShapeError(MinigradError, ValueError):
    """Operands whose shapes do not fit the operation."""


class DTypeError(MinigradError, TypeError):
    """A dtype the operation cannot handle or differentiate (integers, complex, objects)."""


class LinAlgError(MinigradError, ValueError):
    """A matrix a linear-algebra function cannot take (singular, not positive definite,
    not symmetric) or an option it does not have (a norm's ``ord``): a ``ValueError``,
    as NumPy's ``np.linalg.LinAlgError`` is."""


class IndexingError(MinigradError, IndexError):
    """An index that does not fit the tensor (out of range, float index arrays, ...)."""


class BackwardError(MinigradError, RuntimeError):
    """A backward pass that cannot run as asked (non-scalar root, no graph, ...)."""


class GradcheckError(MinigradError, AssertionError):
    """Analytic and numeric derivatives disagree; the message says where."""


class GraphvizNotFoundError(MinigradError, RuntimeError):
    """Graphviz's ``dot`` program is missing; the message says how to install it."""


class ClosureRequired(MinigradError, TypeError):
    """An optimizer that re-evaluates the loss was stepped without a closure."""


class DeclarationError(MinigradError, ValueError):
    """An operation declared in a way that cannot work (a Tensor method declared twice, ...)."""


class UfuncError(MinigradError, TypeError):
    """A NumPy ufunc called on a tensor in a way minigrad cannot keep in the graph
    (no minigrad op for it, ``out=``, ``np.add.reduce``, ...)."""


class SaveError(MinigradError, TypeError):
    """An object ``mg.save`` cannot store; the message says where it is and its type."""


class LoadError(MinigradError, ValueError):
    """A file ``mg.load`` cannot read as a minigrad save; the message says what it is."""


class StateDictError(MinigradError, RuntimeError, KeyError):
    """A state dict that does not fit the module (missing, unexpected or wrongly shaped
    entries): a ``RuntimeError`` as in PyTorch, and a ``KeyError`` as before."""

    __str__ = BaseException.__str__      # KeyError would print the message as a quoted repr


class NotPicklableError(MinigradError, TypeError):
    """A search's objective (or a trial's hyperparameters or results) cannot be sent to an
    executor's worker processes; the message says how to define one that can."""


class AnomalyError(MinigradError, RuntimeError):
    """Under ``mg.detect_anomaly()``, the first operation that made a NaN or an inf
    from finite numbers; ``op``, ``phase`` (``"forward"`` or ``"backward"``) and
    ``where`` (the user's ``(file, line)`` that made it, or None) say which."""

    def __init__(self, message, op=None, phase=None, where=None):
        super().__init__(message)
        self.op, self.phase, self.where = op, phase, where


class TraceError(MinigradError, RuntimeError):
    """``mg.jit`` or ``mg.make_trace`` met something a recorded program cannot
    replay faithfully (a Python value read from a traced tensor, ``.backward()``
    writing ``.grad``); the message says what to write instead."""
