"""Convolution and pooling (NCHW), through im2col.
"""

from __future__ import annotations

#: The public names this module declares (``mg.<name>``).
__all__ = []
