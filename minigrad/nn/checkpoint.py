"""The file format of ``Module.save`` and ``Module.load``: a NumPy ``.npz``
archive with one array per dotted parameter name.

Writing never passes parameter names through keyword arguments, and reading
never unpickles (a file must not be able to run code when it is loaded).  A
file that is not such an archive gets an error naming it and the format
expected.
"""

from __future__ import annotations

import os
import zipfile

import numpy as np

from ..serialization import write_archive

__all__ = ["checkpoint_path", "write_npz", "read_npz"]


def checkpoint_path(path):
    """The file ``Module.save`` writes and ``Module.load`` reads for
    ``path``: ``.npz`` is added when missing, as ``np.savez`` does.

    >>> from minigrad.nn.checkpoint import checkpoint_path
    >>> checkpoint_path("ckpt"), checkpoint_path("ckpt.npz")
    ('ckpt.npz', 'ckpt.npz')
    """
    path = os.fspath(path)
    return path if path.endswith(".npz") else path + ".npz"


def write_npz(path, arrays):
    """The archive np.savez writes, entry by entry.

    ``np.savez(path, **arrays)`` would take a parameter named ``file`` or
    ``allow_pickle`` as its own keyword (a crash, or an array silently left
    out), so the names never pass through keywords here.  The archive is
    written beside ``path`` and moved over it when complete, so a failed save
    leaves the previous checkpoint whole.
    """
    write_archive(path, arrays)       # mg.save's writer: one place writes archives


_NPY_MAGIC = b"\x93NUMPY"


def read_npz(path):
    """The arrays of a checkpoint, by name; clear errors for any other file."""
    given = os.fspath(path)
    path = checkpoint_path(given)
    if not os.path.exists(path) and os.path.exists(given):
        path = given            # not a name save() writes: read it to say what it is
    if not os.path.exists(path):
        also = f" (nor {given!r})" if given != path else ""
        raise FileNotFoundError(
            f"Module.load: no file {path!r}{also}. save() adds .npz to a path without "
            f"it and returns the path it wrote; load() takes either.")
    expected = ("Module.load reads the .npz archive of named arrays that Module.save "
                "writes (or np.savez(file, **model.state_dict()))")
    with open(path, "rb") as f:
        head = f.read(len(_NPY_MAGIC))
    if head == _NPY_MAGIC:
        raise ValueError(
            f"Module.load: {path!r} is a .npy file (one array, as np.save writes); "
            f"{expected}. For a single array, use np.load and load_state_dict.")
    if head[:1] == b"\x80":
        raise ValueError(
            f"Module.load: {path!r} holds pickled data, which is never unpickled "
            f"(allow_pickle=False: unpickling a file can run any code in it); {expected}.")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"Module.load: {path!r} is not a NumPy .npz archive; {expected}.")
    state = {}
    with np.load(path, allow_pickle=False) as archive:
        for name in archive.files:
            try:
                value = archive[name]
            except ValueError as exc:
                if "allow_pickle" not in str(exc):
                    raise ValueError(f"Module.load: entry {name!r} of {path!r} cannot be "
                                     f"read as an array ({exc}); {expected}.") from exc
                raise ValueError(
                    f"Module.load: entry {name!r} of {path!r} is an object array, stored "
                    f"pickled, which is never unpickled (allow_pickle=False: unpickling a "
                    f"file can run any code in it). Parameters are float arrays; "
                    f"{expected}.") from exc
            if not isinstance(value, np.ndarray):
                raise ValueError(
                    f"Module.load: entry {name!r} of {path!r} is not a NumPy array (is "
                    f"it another program's zip file, such as a PyTorch checkpoint?); "
                    f"{expected}.")
            state[name] = value
    return state
