"""minigrad: small, clear, fast reverse-mode automatic differentiation on NumPy.

>>> import minigrad as mg
>>> x = mg.tensor([1.0, 2.0], requires_grad=True, name="x")
>>> y = (x * x).sum()
>>> y.backward()
>>> x.grad
array([2., 4.])
"""

from . import (  # noqa: E402  # noqa: E402
                       data,
                       datasets,
                       losses,
                       models,
                       nn,
                       ops,
                       optim,  # noqa: E402
)
from .autodiff import (
                       enable_grad,
                       grad,
                       grad_of,
                       hessian,
                       hvp,
                       is_grad_enabled,
                       jacobian,
                       no_grad,
                       value_and_grad,
)
from .errors import BackwardError, DTypeError, MinigradError, ShapeError
from .exercise import Exercise
from .functional import (
                       abs,
                       add,
                       broadcast_to,
                       clip,
                       concatenate,
                       cos,
                       div,
                       exp,
                       expand_dims,
                       flatten,
                       log,
                       log_softmax,
                       logsumexp,
                       matmul,
                       max,
                       maximum,
                       mean,
                       min,
                       minimum,
                       mul,
                       neg,
                       pow,
                       relu,
                       reshape,
                       sigmoid,
                       sin,
                       softmax,
                       sqrt,
                       squeeze,
                       stack,
                       sub,
                       sum,
                       tanh,
                       transpose,
                       where,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck, numerical_grad

# Modules of later layers (graph rendering, optimizers, data) are imported
# below this line, one line each.
from .graph import draw, explain, scope  # noqa: E402
from .ops import REGISTRY, Primitive, primitive
from .tensor import Tensor, as_tensor, tensor
from .train import fit  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "Tensor", "tensor", "as_tensor", "ops", "Primitive", "primitive", "REGISTRY",
    "no_grad", "enable_grad", "is_grad_enabled",
    "grad", "value_and_grad", "jacobian", "hessian", "hvp", "grad_of",
    "gradcheck", "gradgradcheck", "numerical_grad", "GradcheckError",
    "MinigradError", "ShapeError", "DTypeError", "BackwardError", "Exercise",
    "abs", "add", "broadcast_to", "clip", "concatenate", "cos", "div", "exp",
    "expand_dims", "flatten", "log", "log_softmax", "logsumexp", "matmul", "max",
    "maximum", "mean", "min", "minimum", "mul", "neg", "pow", "relu", "reshape",
    "sigmoid", "sin", "softmax", "sqrt", "squeeze", "stack", "sub", "sum", "tanh",
    "transpose", "where",
    "draw", "explain", "scope",
    "data", "datasets", "models",
    "losses", "nn", "fit",
    "optim",
]
