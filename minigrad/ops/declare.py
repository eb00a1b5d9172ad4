"""How the built-in operations of this package are declared.

[`builtin`][minigrad.ops.declare.builtin] declares a primitive whose VJPs are
written with minigrad operations (so they differentiate again), registers it
in ``mg.REGISTRY``, exports it and installs its Tensor methods and operators.
[`composite`][minigrad.primitive.composite] (from ``primitive.py``) declares a
function written with primitives, for the same registry-driven tests
(``declared`` does that, exports it and installs its methods).  Each
module of the package keeps its own ``__all__``; ``ops/__init__.py`` joins them.
"""

from __future__ import annotations

import numpy as np

from ..primitive import composite, install_methods, install_operator, primitive
from ..tensor import install_method, unwrap

__all__ = ["builtin", "cast_like", "composite", "declared"]


def builtin(exports, name, forward, *vjps, method=None, operator=None, function=None,
            public=True, jvp=None, **meta):
    """Declare a built-in primitive and return what ``mg.<name>`` should be.

    ``exports`` is the declaring module's ``__all__`` (the name is appended
    when ``public``); ``function`` is the public call when it differs from the
    primitive (a wrapper taking ``dim=``, say), else the primitive itself is
    returned; ``method`` is True (the op's name), a name, or a dict
    name -> function (None: call the op with the tensor first); ``operator`` is
    ``("__add__", "__radd__")``-style names; ``jvp`` is one JVP per argument,
    ``jvp(t, out, *args, **kwargs)`` (forward mode; without it forward mode
    derives the JVP from the VJP); ``meta`` is what
    [`primitive`][minigrad.primitive.primitive] takes (``rules``, ``domain``,
    ``kind``, ``smooth``, ``reference``, ``samples``, ``explain_error``).
    """
    op = primitive(forward, name=name, differentiable_vjp=True, **meta).defvjp(*vjps)
    if jvp is not None:
        op.defjvp(*jvp)
    if method is not None:
        install_methods(op, method if isinstance(method, dict)
                        else {name if method is True else method: None})
    if operator is not None:
        install_operator(op, *operator)
    if public:
        exports.append(name)
    return op if function is None else function


def declared(exports, method=(), **declaration):
    """A decorator: declare the function as a composite for the registry-driven
    tests (``declaration`` is what [`composite`][minigrad.primitive.composite]
    takes), append its name to ``exports`` (the module's ``__all__``) and make
    it the Tensor method of each name in ``method`` (called with the tensor first)."""
    def make(fn):
        composite(fn, **declaration)
        exports.append(fn.__name__)
        for name in method:
            install_method(name, fn)
        return fn
    return make


def cast_like(mask, g):
    """A mask (bool or float64) in the gradient's own dtype: float32 stays float32."""
    return np.asarray(mask, dtype=unwrap(g).dtype)
