"""Reductions and scans beyond sum and max: prod, cumsum,
cumprod, diff, sort, ...
"""

from __future__ import annotations

#: The public names this module declares (``mg.<name>``).
__all__ = []
