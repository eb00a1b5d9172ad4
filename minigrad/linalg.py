"""``mg.linalg``: PyTorch's ``torch.linalg`` (and NumPy's ``np.linalg``) names.

>>> import minigrad as mg
>>> A = mg.tensor([[4.0, 2.0], [2.0, 3.0]], requires_grad=True)
>>> x = mg.linalg.solve(A, mg.tensor([2.0, 1.0]))
>>> mg.linalg.det(A), x
(tensor(8., op=det), tensor([0.5, 0. ], op=solve))

Real float32 or float64 matrices in the last two dims, batched over the
leading ones.  Every function is differentiable twice (its VJP is written with
minigrad ops); the derivatives and their conventions are in the docstrings
of ``minigrad/ops/linalg.py``, ``decompositions.py`` and ``norms.py``.  ``np.linalg.<name>(tensor)``
runs these functions too, with NumPy's meaning, in the graph.  A matrix a
function cannot take (singular, not positive definite, not symmetric) raises
[`LinAlgError`][minigrad.errors.LinAlgError], a ``ValueError``.
"""

from __future__ import annotations

from .errors import LinAlgError
from .ops.decompositions import cholesky, eigh, linalg_qr
from .ops.linalg import EighResult, QRResult, SlogdetResult, det, inv, slogdet, solve
from .ops.norms import eigvalsh, linalg_norm, matrix_norm, svdvals, vector_norm

#: torch.linalg's names: NumPy's meanings where NumPy has the name.
qr = linalg_qr
norm = linalg_norm

__all__ = ["inv", "det", "slogdet", "solve", "cholesky", "eigh", "eigvalsh", "qr", "norm",
           "vector_norm", "matrix_norm", "svdvals", "LinAlgError", "SlogdetResult",
           "EighResult", "QRResult"]
