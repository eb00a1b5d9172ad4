"""Moving elements without arithmetic: flip, roll, tile,
repeat_interleave, pad, take_along_axis, ...
"""

from __future__ import annotations

#: The public names this module declares (``mg.<name>``).
__all__ = []
