"""Neural-network building blocks in PyTorch's habit: Module, Parameter, Linear,
LayerNorm, ... and the book's MLP.

A [`Module`][minigrad.nn.modules.Module] holds [`Parameter`][minigrad.nn.parameter.Parameter]
tensors, buffers and other modules as attributes; it finds them itself, so ``parameters()``,
``named_parameters()``, ``zero_grad()``, ``state_dict()``, ``to(dtype)`` and ``save()``/``load()``
need no bookkeeping from the user.  Calling a module runs its ``forward``.

Nothing here has derivative code: a layer is written with minigrad operations,
and the engine differentiates it.  ``Linear`` starts as PyTorch's does;
``MLP`` starts with the book's He or Glorot weights ([`minigrad.nn.init`][minigrad.nn.init]
has both families), drawn from a seeded ``numpy.random.Generator`` so that a
model is the same on every run.

>>> import numpy as np, minigrad as mg
>>> model = mg.nn.MLP([2, 8, 1], seed=0)
>>> model
MLP(
  (0): Linear(in_features=2, out_features=8, bias=True, init='he')
  (1): ReLU()
  (2): Linear(in_features=8, out_features=1, bias=True, init='he')
)
>>> [(name, p.shape) for name, p in model.named_parameters()]
[('0.weight', (8, 2)), ('0.bias', (8,)), ('2.weight', (1, 8)), ('2.bias', (1,))]
>>> loss = (model(np.ones((5, 2))) ** 2).sum()
>>> loss.backward()
>>> model[0].weight.grad.shape
(8, 2)
"""

from . import functional, init, utils
from .activation import ACTIVATIONS, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .containers import ModuleDict, ModuleList
from .conv import AvgPool2d, Conv1d, Conv2d, MaxPool2d
from .dropout import Dropout, Flatten
from .layers import MLP, Linear, Sequential
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .modules import Module
from .normalization import LayerNorm
from .parameter import Parameter
from .utils import functional_call

__all__ = ["Parameter", "Module", "functional_call", "Linear", "Sequential", "MLP",
           "Identity", "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "ACTIVATIONS",
           "init", "functional", "utils", "Softmax", "LogSoftmax", "ModuleList", "ModuleDict",
           "Dropout", "Flatten", "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
           "BCEWithLogitsLoss", "LayerNorm", "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d"]
