"""minigrad: small, clear, fast reverse-mode automatic differentiation on NumPy.

>>> import minigrad as mg
>>> x = mg.tensor([1.0, 2.0], requires_grad=True, name="x")
>>> y = (x * x).sum()
>>> y.backward()
>>> x.grad
array([2., 4.])
"""

from . import (
    autograd,
    callbacks,
    creation,
    data,
    dtypes,
    functional,
    lab,
    linalg,
    losses,
    metrics,
    nn,
    ops,
    optim,
    random,
    serialization,
    ufuncs,
    utils,
)
from .autograd import (
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from .creation import *  # mg.zeros, mg.randn, mg.manual_seed, ...: creation.__all__
from .dtypes import *  # mg.float32, mg.long, mg.bool, ...: PyTorch's dtype names
from .errors import (
    AnomalyError,
    BackwardError,
    ClosureRequired,
    DTypeError,
    GradcheckError,
    GraphvizNotFoundError,
    IndexingError,
    LoadError,
    MinigradError,
    SaveError,
    ShapeError,
    TraceError,
    UfuncError,
)
from .exercise import Exercise
from .forward import jacfwd, jvp
from .functional import *  # mg.exp, mg.softmax, ...: functional.__all__
from .gradcheck import gradcheck, gradgradcheck, numerical_grad
from .graph.animate import animate
from .graph.dot import draw
from .graph.ledger import explain
from .graph.scope import scope
from .jit import jit
from .primitive import REGISTRY, Primitive, primitive
from .serialization import load, save
from .tensor import Tensor, as_tensor, tensor
from .tracing import make_trace
from .train import fit
from .transforms import (
    elementwise_grad,
    ggnvp,
    grad,
    hessian,
    hvp,
    jacobian,
    jacrev,
    value_and_grad,
    vjp,
)

__version__ = "0.1.0"

__all__ = functional.__all__ + creation.__all__ + [
    name for name in dtypes.__all__ if name not in creation.__all__] + [
    "Tensor", "tensor", "as_tensor", "ops", "linalg", "Primitive", "primitive", "REGISTRY",
    "autograd", "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
    "inference_mode", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
    "is_anomaly_check_nan_enabled", "AnomalyError",
    "grad", "value_and_grad", "jacobian", "jacrev", "jacfwd", "jvp", "hessian", "hvp", "vjp",
    "elementwise_grad", "ggnvp", "jit", "make_trace", "TraceError",
    "gradcheck", "gradgradcheck", "numerical_grad",
    "MinigradError", "ShapeError", "DTypeError", "IndexingError", "BackwardError",
    "GradcheckError", "GraphvizNotFoundError", "ClosureRequired", "Exercise",
    "UfuncError", "SaveError", "LoadError", "save", "load",
    "draw", "explain", "scope", "animate",
    "data", "lab", "losses", "nn", "fit", "optim", "random", "utils", "creation", "callbacks",
    "metrics", "serialization", "ufuncs",
]
