"""A module's tensors: [`Parameter`][minigrad.nn.parameter.Parameter] (PyTorch's ``nn.Parameter``),
the tensor a module learns, and two small conventions about them shared with
[`Module`][minigrad.nn.modules.Module]: the named tuple ``load_state_dict`` returns and the reading
of the arguments of ``to(...)``.

A module finds its parameters among its attributes by their type, so
``parameters()``, an optimizer and ``state_dict()`` see exactly the tensors
made with this class.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from .. import creation
from ..tensor import Tensor

__all__ = ["Parameter", "IncompatibleKeys", "default_dtype", "requested_dtype"]


class Parameter(Tensor):
    """A tensor that is a trainable parameter of a module: a leaf that requires grad.

    >>> import minigrad as mg
    >>> w = mg.nn.Parameter([1.0, 2.0], name="w")
    >>> w.requires_grad, w.is_leaf
    (True, True)
    >>> w
    Parameter([1., 2.], name='w')
    """

    __slots__ = ()

    def __init__(self, data, name=None, dtype=None):
        super().__init__(data, requires_grad=True, name=name, dtype=dtype)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", precision=4, threshold=20,
                               prefix="Parameter(")
        dtype = f", dtype={self.dtype}" if self.dtype != default_dtype() else ""
        name = f", name={self.name!r}" if self.name else ""
        return f"Parameter({body}{dtype}{name})"


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What [`Module.load_state_dict()`][minigrad.nn.modules.Module.load_state_dict] returns: the
    names it did not find in the state and the names of the state it did not use (PyTorch's
    fields)."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"           # as PyTorch prints it
        return super().__repr__()


def default_dtype():
    """The package's default dtype (``mg.get_default_dtype()``, PyTorch's), which
    layers create their parameters in."""
    return np.dtype(creation.get_default_dtype())


def requested_dtype(args, kwargs, where="Module.to"):
    """The dtype that ``Module.to(...)`` asks for (None for none), after checking
    the device: PyTorch's positional forms and keywords."""
    kwargs = dict(kwargs)
    device, dtype = kwargs.pop("device", None), kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None)
    if kwargs:
        raise TypeError(f"{where}() got unexpected keyword argument(s) {sorted(kwargs)}; "
                        f"it takes a dtype, a device, or a tensor to match")
    for arg in args:
        if isinstance(arg, str):
            device = arg
        elif isinstance(arg, Tensor):
            dtype = arg.dtype
        elif not isinstance(arg, bool):        # to(dtype, non_blocking) has a bool
            dtype = arg
    if device is not None and str(device) not in ("cpu", "cpu:0"):
        raise RuntimeError(f"{where}(device={device!r}): minigrad computes with NumPy on the CPU "
                           f"and has no other device; leave the device out or use "
                           f"'cpu'" + (" (for a dtype, pass np.float32 or np.float64, not "
                                       "a string)" if "float" in str(device) else ""))
    if dtype is None:
        return None
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{where}: {dtype!r} is not a dtype; pass np.float32 or "
                        f"np.float64") from None
    if dtype.kind != "f":
        raise TypeError(f"{where} only accepts floating-point dtypes (parameters must stay "
                        f"differentiable), got {dtype}")
    return dtype
