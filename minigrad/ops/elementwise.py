"""NumPy's elementwise functions beyond the core: trigonometric and hyperbolic
functions and their inverses, logarithms and exponentials in other bases,
rounding, ``sign``, ``mod``, ``fmax``/``fmin``, ...
"""

from __future__ import annotations

#: The public names this module declares (``mg.<name>``).
__all__ = []
