"""What to tell the user when NumPy refuses the operands of an operation.

One function per family of operations, declared with it in ``ops/`` as
``explain_error=``: it receives the operands' arrays and the keyword
arguments and returns a message (what does not fit, and how to fix it), or
None when it has nothing to add.  ``primitive.explain_failure`` puts the
message into the right exception class.  No calculus here.
"""

from __future__ import annotations

import numpy as np


def broadcast_error(datas, kwargs):
    shapes = [np.shape(d) for d in datas]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        pretty = " and ".join(str(s) for s in shapes)
        return (f"shapes {pretty} do not broadcast together. Broadcasting lines shapes up "
                f"from the right; each pair of sizes must be equal or one of them 1. "
                f"Reshape one operand (e.g. x.reshape(-1, 1) or x[:, None]) or "
                f"transpose it so the sizes line up.")
    return None


def matmul_error(datas, kwargs):
    a, b = (np.shape(d) for d in datas)
    if len(a) == 0 or len(b) == 0:
        return (f"operands of shapes {a} and {b}: matmul needs arrays with at least one "
                f"dimension; use * to multiply by a scalar.")
    k_a, k_b = a[-1], (b[0] if len(b) == 1 else b[-2])
    if k_a != k_b:
        hint = " Did you mean to transpose the second operand (b.T)?" if (
            len(b) >= 2 and b[-1] == k_a) else ""
        return (f"shapes {a} and {b} do not align: the last dimension of the first "
                f"operand ({k_a}) must equal the "
                f"{'only' if len(b) == 1 else 'second-to-last'} dimension of the "
                f"second ({k_b}).{hint}")
    return (f"batch dimensions of {a} and {b} do not broadcast: the leading dimensions "
            f"(all but the last two) must be equal or 1.")


def index_error(datas, kwargs):
    x, index = datas[0], kwargs.get("index")
    items = index if isinstance(index, tuple) else (index,)
    if any(np.asarray(i).dtype.kind == "f" for i in items
           if isinstance(i, (np.ndarray, list))):
        return (f"index arrays must hold integers or booleans, got floats (indexing a "
                f"tensor of shape {np.shape(x)}). mg.tensor makes float64 by default: "
                f"index with a NumPy array, or mg.tensor(..., dtype=np.int64).")
    return f"index {index!r} does not fit a tensor of shape {np.shape(x)}."


def concat_error(datas, kwargs):
    shapes = " and ".join(str(np.shape(d)) for d in datas)
    return (f"cannot join shapes {shapes} along axis {kwargs.get('axis', 0)}: all sizes "
            f"except along that axis must match, and the arrays need the same number "
            f"of dimensions.")
