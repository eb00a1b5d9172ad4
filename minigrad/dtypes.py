"""PyTorch's dtype names, as the NumPy types minigrad computes with.

``mg.float64`` is ``np.float64`` and so on, so a dtype written the PyTorch way
(``x.to(mg.long)``, ``mg.tensor(labels, dtype=mg.long)``) and one written the
NumPy way (``np.int64``) are the same object.  ``float``, ``double``, ``int``,
``long`` and ``bool`` keep PyTorch's meanings (float32, float64, int32, int64,
bool), which are not Python's: ``mg.float`` is float32.  There is no half
precision: minigrad's derivatives are checked in float64 and float32.

>>> import numpy as np, minigrad as mg
>>> mg.long is np.int64, mg.float is np.float32, mg.double is np.float64
(True, True, True)
>>> mg.tensor([0, 2], dtype=mg.long).dtype
dtype('int64')
"""

from __future__ import annotations

import numpy as np

__all__ = ["float32", "float64", "float", "double", "int8", "int16", "int32", "int64",
           "int", "long", "uint8", "bool"]

float32 = np.float32
float64 = np.float64
double = np.float64
int8 = np.int8
int16 = np.int16
int32 = np.int32
int64 = np.int64
long = np.int64
uint8 = np.uint8
# The three below shadow Python's builtins inside this module only; nothing
# here calls them, and elsewhere they are read as mg.float, mg.int, mg.bool.
float = np.float32      # torch.float is float32
int = np.int32          # torch.int is int32
bool = np.bool_         # torch.bool
