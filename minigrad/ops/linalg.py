"""The matrix functions of ``mg.linalg``: ``inv``, ``det``, ``slogdet``,
``solve``, ``cholesky``, ``eigh``, ``qr``, ``norm``.
"""

from __future__ import annotations

#: The public names this module declares (``mg.<name>``).
__all__ = []
