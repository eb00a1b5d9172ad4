"""Products and the matrix structure around them: ``dot``, ``vdot``, ``inner``,
``outer``, ``tensordot``, ``einsum``, ``kron``, ``trace``, ``diag``,
``diagonal``, ``tril``, ``triu``, ``cross``.
"""

from __future__ import annotations

#: The public names this module declares (``mg.<name>``).
__all__ = []
