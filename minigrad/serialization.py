"""Saving and loading with PyTorch's names: ``mg.save(obj, path)`` and ``mg.load(path)``.

``obj`` is any nesting of dicts, lists and tuples whose leaves are tensors,
NumPy arrays, NumPy scalars, Python numbers, bools, strings and None: a
model's state dict, an optimizer's (PyTorch's format, with int keys and
tuples of betas) or a checkpoint dict holding both with the epoch.  It comes
back as it went in: a tuple as a tuple, an int key as an int, a tensor as a
tensor (``requires_grad`` and ``name`` kept), an array with its dtype, shape
and every bit of its values.

The file is a NumPy ``.npz`` archive (``np.load`` reads it): one entry per
array, named by its place in ``obj`` (``model/0.weight``), and one entry,
``__minigrad__``, holding the structure as JSON text.  Nothing is pickled,
on either side, so loading a file never runs code from it: ``mg.load`` is
always what ``torch.load(..., weights_only=True)`` is.  The file is written
at exactly the path given (``mg.save(sd, "ckpt.pt")`` writes ``ckpt.pt``,
no ``.npz`` added), first beside it under a temporary name and then moved
over it, so an interrupted save leaves the previous file whole.

>>> import os, tempfile, minigrad as mg
>>> path = os.path.join(tempfile.mkdtemp(), "ckpt.pt")
>>> w = mg.tensor([1.0, 2.0], requires_grad=True)
>>> mg.save({"epoch": 3, "w": w, "betas": (0.9, 0.999), "state": {0: {"step": 5}}}, path)
>>> ckpt = mg.load(path)
>>> ckpt["epoch"], ckpt["betas"], ckpt["state"]
(3, (0.9, 0.999), {0: {'step': 5}})
>>> ckpt["w"]
tensor([1., 2.], requires_grad=True)

What differs from ``torch.save``: objects other than the ones above (a
module, a function, a custom class) are refused with an error naming where
they are (save ``module.state_dict()``, not the module); tensors that share
their data are saved, and loaded, as separate copies; a ``Parameter`` comes
back as a plain tensor (``requires_grad=True``), and ``.grad`` is not saved.
"""

from __future__ import annotations

import json
import os
import re
import uuid
import zipfile
from collections import OrderedDict

import numpy as np

from .errors import LoadError, SaveError
from .tensor import Tensor, leaf

__all__ = ["save", "load", "write_archive"]

#: The archive entry that holds the structure, and what its JSON says it is.
MANIFEST = "__minigrad__"
FORMAT = "minigrad.save"
VERSION = 1

_WHAT = ("mg.save stores nested dicts, lists and tuples of tensors, NumPy arrays, "
         "NumPy scalars, Python numbers, bools, strings and None")


def save(obj, f):
    """Write ``obj`` (nested dicts, lists, tuples of tensors, arrays and numbers) to ``f``.

    ``f`` is a path (written as given, atomically) or a binary file object.
    Everything is checked before anything is written: an object that cannot
    be stored raises [`SaveError`][minigrad.errors.SaveError] naming where it is in
    ``obj`` and its type, and leaves any previous file untouched.

    >>> import io, minigrad as mg
    >>> mg.save({"model": mg.nn.Linear(2, 1)}, io.BytesIO())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    minigrad.errors.SaveError: mg.save: obj['model'] is a Linear; ... obj['model'].state_dict() ...
    """
    arrays = {}
    root = _encode(obj, (), arrays, set())
    text = json.dumps({"format": FORMAT, "version": VERSION, "root": root})
    entries = {MANIFEST: np.frombuffer(text.encode("utf-8"), dtype=np.uint8)}
    entries.update(arrays)
    write_archive(f, entries)


def load(f, map_location=None, weights_only=True):
    """Read what [`save()`][minigrad.serialization.save] wrote to ``f`` (a path or a binary file
    object).

    ``weights_only`` is accepted for PyTorch's scripts and changes nothing:
    the file holds no code, so loading is always weights-only.
    ``map_location`` may be None or ``"cpu"`` (minigrad computes on the CPU).
    A file that is not a minigrad save raises [`LoadError`][minigrad.errors.LoadError]
    saying what it seems to be and how to read it.

    >>> import io, numpy as np, minigrad as mg
    >>> buffer = io.BytesIO()
    >>> mg.save([np.arange(3, dtype=np.int32), np.float32(0.5), None], buffer)
    >>> _ = buffer.seek(0)
    >>> mg.load(buffer, weights_only=True)
    [array([0, 1, 2], dtype=int32), np.float32(0.5), None]
    """
    if map_location is not None and str(map_location) != "cpu":
        raise ValueError(f"mg.load: map_location={map_location!r}; minigrad computes on the "
                         f"CPU only, so pass nothing (or 'cpu')")
    name = _check_archive(f)
    try:
        with np.load(f, allow_pickle=False) as archive:
            names = set(archive.files)
            if any(n.endswith("data.pkl") for n in names):
                raise LoadError(
                    f"mg.load: {name} is a PyTorch file (torch.save writes a zip archive "
                    f"holding a pickle), which mg.load never unpickles: unpickling a file "
                    f"can run any code in it. In PyTorch, save the arrays instead: "
                    f"np.savez(path, **{{k: v.numpy() for k, v in state_dict.items()}}), "
                    f"then model.load_state_dict(np.load(path)) in minigrad.")
            if MANIFEST not in names:
                raise LoadError(
                    f"mg.load: {name} is a NumPy .npz archive but not one mg.save wrote (it "
                    f"has no {MANIFEST!r} entry; its entries are {sorted(names)[:6]}). Read "
                    f"it with np.load (a dict of arrays: model.load_state_dict(np.load(path)) "
                    f"for a state dict), or with model.load(path) if Module.save wrote it.")
            manifest = _read_manifest(archive, name)
            return _decode(manifest["root"], archive, name)
    except LoadError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise LoadError(f"mg.load: {name} is damaged, or not a file mg.save wrote: "
                        f"{type(exc).__name__}: {exc}") from exc


def write_archive(f, arrays):
    """Write ``arrays`` (entry name -> array) as the ``.npz`` archive ``np.savez`` makes.

    The names never pass through keyword arguments (``np.savez(f, **arrays)``
    would take an entry named ``file`` as its own argument), and no entry is
    pickled.  A path is written as given, under a temporary name beside it
    that is then moved over it: a failed write leaves the previous file
    whole.  A file object is written as it is.
    """
    if hasattr(f, "write"):
        _write_zip(f, arrays)
        return
    path = os.fspath(f)
    partial = f"{path}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial"
    folder = os.path.dirname(path)
    if folder and not os.path.isdir(folder):
        raise FileNotFoundError(f"mg.save: the folder {folder!r} of {path!r} does not exist; "
                                f"create it first (os.makedirs(folder, exist_ok=True))")
    try:
        with open(partial, "xb") as out:
            _write_zip(out, arrays)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _write_zip(f, arrays):
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in arrays.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as entry:
                np.lib.format.write_array(entry, np.asanyarray(array), allow_pickle=False)


# ------------------------------------------------------------------ saving
def _where(keys):
    return "obj" + "".join(f"[{k!r}]" for k in keys)


def _encode(value, keys, arrays, open_containers):
    """The JSON node of ``value``; its arrays go into ``arrays`` under new names."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value                # JSON keeps each of these as it is (NaN, inf too)
    if isinstance(value, Tensor):
        node = {"type": "tensor", "entry": _store(value.data, keys, arrays),
                "requires_grad": bool(value.requires_grad)}
        if value.name is not None:
            node["name"] = value.name
        return node
    if kind is np.ndarray:
        if value.dtype.hasobject:
            raise SaveError(f"mg.save: {_where(keys)} is an array of Python objects (dtype "
                            f"{value.dtype}, shape {value.shape}), which only pickling "
                            f"could store; convert it to numbers or to a list first.")
        return {"type": "array", "entry": _store(value, keys, arrays)}
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        return {"type": "scalar", "entry": _store(np.asarray(value), keys, arrays)}
    if kind in (dict, OrderedDict, list, tuple):
        if id(value) in open_containers:
            raise SaveError(f"mg.save: {_where(keys)} contains itself; a saved object "
                            f"must be a tree, without cycles.")
        open_containers.add(id(value))
        if kind in (list, tuple):
            items = [_encode(v, keys + (i,), arrays, open_containers)
                     for i, v in enumerate(value)]
        else:
            items = [[_key(k, keys), _encode(v, keys + (k,), arrays, open_containers)]
                     for k, v in value.items()]
        open_containers.discard(id(value))
        return {"type": {dict: "dict", OrderedDict: "ordered_dict"}.get(kind, kind.__name__),
                "items": items}
    hint = ""
    if callable(getattr(value, "state_dict", None)):
        hint = f" Save {_where(keys)}.state_dict() instead."
    elif isinstance(value, (dict, list, tuple)):
        hint = (f" Convert it to a plain {type(value).__mro__[1].__name__} first "
                f"(which loses what the subclass adds).")
    raise SaveError(f"mg.save: {_where(keys)} is a {kind.__name__}; {_WHAT}.{hint}")


def _key(key, keys):
    if key is None or type(key) in (bool, int, float, str):
        return key
    raise SaveError(f"mg.save: {_where(keys)} has the key {key!r} of type "
                    f"{type(key).__name__}; dict keys must be str, int, float, bool or None "
                    f"(convert a NumPy integer with int(key)).")


_NAME_UNSAFE = re.compile(r"[^\w.\-]")


def _store(array, keys, arrays):
    """Add ``array`` under a name made from its place in the saved object."""
    base = "/".join(_NAME_UNSAFE.sub("_", str(k)) for k in keys) or "obj"
    name, n = base, 1
    while name in arrays or name == MANIFEST:
        n += 1
        name = f"{base}~{n}"
    arrays[name] = array
    return name


# ----------------------------------------------------------------- loading
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_NPY_MAGIC = b"\x93NUMPY"


def _check_archive(f):
    """A name for ``f`` in messages; raises LoadError for a file that is not a zip archive."""
    if hasattr(f, "read"):
        name = getattr(f, "name", "the file object")
        start = f.tell()
        head = f.read(6)
        f.seek(start)
    else:
        name = repr(os.fspath(f))
        if not os.path.exists(f):
            raise FileNotFoundError(f"mg.load: no file {name}")
        with open(f, "rb") as file:
            head = file.read(6)
    if head[:4] in _ZIP_MAGIC:
        return name
    if head == _NPY_MAGIC:
        what = "a .npy file holding one array (np.save writes them): read it with np.load"
    elif head[:1] == b"\x80":
        what = ("pickled data (pickle.dump, or torch.save's old format), which mg.load "
                "never unpickles: unpickling a file can run any code in it")
    else:
        what = "not a minigrad save (an .npz archive written by mg.save)"
    raise LoadError(f"mg.load: {name} is {what}.")


def _read_manifest(archive, name):
    manifest = json.loads(bytes(archive[MANIFEST]).decode("utf-8"))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise LoadError(f"mg.load: the {MANIFEST!r} entry of {name} is not a minigrad "
                        f"manifest; the file was not written by mg.save.")
    if manifest.get("version", 0) > VERSION:
        raise LoadError(f"mg.load: {name} was written by a newer minigrad (format version "
                        f"{manifest['version']}, this one reads up to {VERSION}); upgrade "
                        f"minigrad to read it.")
    return manifest


def _decode(node, archive, name):
    if not isinstance(node, dict):
        return node
    kind = node["type"]
    if kind in ("dict", "ordered_dict"):
        pairs = ((k, _decode(v, archive, name)) for k, v in node["items"])
        return dict(pairs) if kind == "dict" else OrderedDict(pairs)
    if kind in ("list", "tuple"):
        items = [_decode(v, archive, name) for v in node["items"]]
        return items if kind == "list" else tuple(items)
    array = archive[node["entry"]]
    if kind == "array":
        return array
    if kind == "scalar":
        return array[()]
    if kind == "tensor":
        t = leaf(array)
        t.name = node.get("name")
        return t.requires_grad_(True) if node["requires_grad"] else t
    raise LoadError(f"mg.load: {name} holds an object of unknown type {kind!r}; was it "
                    f"written by a newer minigrad?")
