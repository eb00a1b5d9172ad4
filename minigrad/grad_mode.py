"""Grad mode (PyTorch's ``torch.autograd.grad_mode``): whether operations record
the graph, per thread and per asyncio task, and the context managers that
switch it: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

>>> import minigrad as mg
>>> with mg.no_grad():
...     mg.is_grad_enabled()
False
"""

from __future__ import annotations

import functools
import inspect

from .tensor import GRAD_ENABLED

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled"]


class no_grad:
    """Context manager and decorator: operations inside record no graph.

    Grad mode belongs to the current thread (and asyncio task), as in
    PyTorch: ``no_grad`` here never stops another thread from recording, and
    the previous mode comes back on leaving, even through an exception.

    >>> import minigrad as mg
    >>> x = mg.tensor(2.0, requires_grad=True)
    >>> with mg.no_grad():
    ...     y = x * 3
    >>> y.requires_grad
    False

    As a decorator it may be written with or without parentheses; on a
    generator function it applies to the generator's body, each time it resumes:

    >>> @mg.no_grad
    ... def scaled(t):
    ...     yield t * 2
    >>> next(scaled(x)).requires_grad, mg.is_grad_enabled()
    (False, True)
    """

    _enable = False

    def __new__(cls, func=None):
        # Bare ``@mg.no_grad``: the class is called with the function itself.
        if func is None:
            return super().__new__(cls)
        if not callable(func):
            raise TypeError(f"{cls.__name__}() takes no arguments, or a function to "
                            f"decorate; got {type(func).__name__}")
        return cls()(func)

    def __init__(self, func=None):
        self._previous = []

    def __enter__(self):
        self._previous.append(GRAD_ENABLED.get())
        GRAD_ENABLED.set(self._enable)

    def __exit__(self, *exc):
        GRAD_ENABLED.set(self._previous.pop())
        return False

    def clone(self):
        return type(self)()

    def __call__(self, fn):
        if inspect.isgeneratorfunction(fn):
            return self._wrap_generator(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def _wrap_generator(self, fn):
        """Run every resume of the generator (first step, send, throw, close)
        inside the mode, and leave the caller's mode untouched between resumes."""
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            gen = fn(*args, **kwargs)
            try:
                with self.clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as exc:
                        with self.clone():
                            response = gen.throw(exc)
                    else:
                        with self.clone():
                            response = gen.send(request)
            except StopIteration as stop:
                return stop.value
        return wrapper


class enable_grad(no_grad):
    """Turn graph recording back on inside a ``no_grad`` block (same forms as ``no_grad``).

    >>> import minigrad as mg
    >>> x = mg.tensor(2.0, requires_grad=True)
    >>> with mg.no_grad(), mg.enable_grad():
    ...     (x * 3).requires_grad
    True
    """

    _enable = True


class set_grad_enabled(no_grad):
    """PyTorch's ``set_grad_enabled(mode)``: switch recording on or off now, as a
    call, or for a block, as a context manager (the previous mode comes back).

    >>> import minigrad as mg
    >>> x = mg.tensor(2.0, requires_grad=True)
    >>> with mg.set_grad_enabled(False):
    ...     (x * 3).requires_grad
    False
    >>> mg.is_grad_enabled()
    True
    """

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        self._enable = bool(mode)
        self._previous = [GRAD_ENABLED.get()]
        GRAD_ENABLED.set(self._enable)          # a plain call takes effect at once

    def __enter__(self):
        pass

    def clone(self):
        return type(self)(self._enable)


class inference_mode(no_grad):
    """PyTorch's ``inference_mode``: here the same as ``no_grad`` (``mode=False``
    leaves recording on).

    >>> import minigrad as mg
    >>> with mg.inference_mode():
    ...     mg.is_grad_enabled()
    False
    """

    def __new__(cls, mode=True):
        return super().__new__(cls, mode if callable(mode) else None)

    def __init__(self, mode=True):
        super().__init__()
        self._enable = callable(mode) is False and not mode

    def clone(self):
        return type(self)(not self._enable)


def is_grad_enabled():
    """True when operations in this thread (or task) record the graph."""
    return GRAD_ENABLED.get()
