"""The operations: THE ONLY PACKAGE WITH CALCULUS.

Each primitive is one declaration: a NumPy forward function and, beside it,
one vector-Jacobian product (VJP) per argument, in the style of HIPS
autograd's ``defvjp`` table, with the text of each local derivative, the
domain the tests sample, its kind, and the Tensor method or operator it
gives.  That one entry makes ``mg.<name>``, the method, the docs listing and
the registry-driven property tests; nothing else needs editing.  A composite
(a function written with primitives and no derivative code of its own) is
declared with ``composite`` and the same test metadata.
A VJP has the signature ``vjp(g, out, *args, **kwargs)``: ``g`` is the gradient
flowing into the output, ``out`` the output, ``args`` the forward arguments.

The modules, one per family: ``core`` (arithmetic, ``exp``/``log``/...,
``sum``/``max``, shape and index, ``concatenate``, ``matmul``),
``elementwise`` and ``elementwise2`` (the rest of NumPy's elementwise
functions: the smooth ones, then the steps and kinks), ``scans`` (``prod``,
``cumsum``, ``sort``, ...), ``products`` and ``products2`` (``dot``,
``einsum``, ``tensordot``; ``trace``, ``diagonal``, ``tril``, ``cross``),
``linalg`` (the matrix functions of ``mg.linalg``: ``inv``, ``det``,
``solve``, ...), ``decompositions`` (its Cholesky, eigen and QR
factorizations), ``norms`` (its norms), ``movement`` (``flip``, ``roll``,
``pad``, ``repeat_interleave``, ...), ``gather`` (``take``,
``take_along_axis``, ``put_along_axis``), ``joining`` (``split``,
``vstack``, ``atleast_2d``, ...) and ``conv`` (convolution and pooling).
``declare`` holds the declaration helper they share.

Why the VJPs call ``cos(x)`` and not ``np.cos(x)``: every primitive is
*polymorphic*.  Called on plain arrays it returns a plain array (no graph, no
Tensor), called on tensors it returns a tensor: ``mg.exp(np.zeros(2))`` is
an ndarray, ``mg.exp(mg.zeros(2))`` a tensor, as with HIPS autograd's
``autograd.numpy``.  The engine runs the VJPs on
arrays in an ordinary backward pass (fast) and on tensors under
``create_graph=True``, which records the derivative's own graph and gives
higher-order derivatives from the same line of calculus.

No VJP mentions broadcasting: the engine sums every gradient back to its
input's shape, once, for every edge (``autograd.py``).

Conventions at kinks and ties (the same as PyTorch):

* ``relu'(0) = 0`` and ``abs'(0) = sign(0) = 0``;
* ``clip`` passes the gradient where ``lo <= x <= hi`` (boundaries included);
* ``maximum(x, y)`` with ``x == y`` gives half of the gradient to each;
* ``max`` over an axis splits the gradient evenly among tied maxima;
* at a zero base, ``d/dx x**y = 0`` where ``y == 0`` (``x**0`` is the constant 1)
  and ``d/dy x**y = 0`` where ``y >= 0`` (``0.0**y`` gives ``y`` no gradient);
* with a NaN operand the gradient propagates as the NaN does: ``maximum`` and
  ``minimum`` give all of it to both inputs, ``relu'(nan) = 1``, ``abs'(nan) = 0``,
  and ``max`` over an axis gives it to the NaN entries;
* the steps ``sign``, ``floor``, ``ceil``, ``round`` give a gradient of exactly 0,
  at their jumps too and even where the incoming gradient is inf or NaN;
* ``remainder(x, y)`` (``x % y``) gives ``1`` to ``x`` and ``-floor(x/y)`` to ``y``,
  ``fmod`` ``1`` and ``-trunc(x/y)``, at the jumps too;
* ``fmax(x, y)`` and ``fmin(x, y)`` with ``x == y`` give all of the gradient to ``x``
  (not half each, as ``maximum``); a NaN operand is skipped, as in the value: the
  gradient goes to the other one (to ``x`` when both are NaN);
* ``arctan2(y, x)`` and ``hypot(x, y)`` at the origin give 0 to both arguments
  (for ``hypot`` the subgradient of ``abs`` and ``linalg.norm``; ``torch.hypot``
  gives NaN there, its formula's 0/0);
* ``sinc'(0) = 0``, from the series, with no 0/0; ``logaddexp(x, y)`` at ``x = +inf``
  gives 1 to ``x`` and 0 to a finite ``y`` (NaN to both when both are infinite);
* ``sign(nan)`` is NaN, NumPy's value (``torch.sign`` gives 0, which hides the NaN).
"""

from __future__ import annotations

from . import (
               conv,
               core,
               decompositions,
               elementwise,
               elementwise2,
               gather,
               joining,
               linalg,
               movement,
               norms,
               products,
               products2,
               scans,
)
from .conv import *
from .core import *
from .core import (
               astype,
               axis_tuple,
               broadcast_to,
               first_order_only,
               getitem,
               reshape,
               transpose,
               unindex,
)
from .decompositions import *
from .elementwise import *
from .elementwise2 import *
from .gather import *
from .joining import *
from .linalg import *
from .movement import *
from .norms import *
from .products import *
from .products2 import *
from .scans import *

#: The public names of every module of the package (``mg.<name>``).
__all__ = list(dict.fromkeys(core.__all__ + elementwise.__all__ + scans.__all__
                             + elementwise2.__all__ + products.__all__ + products2.__all__
                             + linalg.__all__ + decompositions.__all__ + norms.__all__
                             + movement.__all__ + gather.__all__ + joining.__all__
                             + conv.__all__))
