"""mg.save / mg.load (issue 10): nested dicts, lists and tuples of tensors,
arrays and numbers in one .npz written and read without pickle, at exactly
the path given, atomically; everything comes back as the same types, arrays
bit for bit; clear errors for what cannot be saved and for other files."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg
from minigrad import serialization


def roundtrip(obj, tmp_path, name="ckpt.pt"):
    path = tmp_path / name
    mg.save(obj, path)
    return mg.load(path)


def same(a, b):
    """Equal, with the same types all the way down, arrays bit for bit."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert list(a) == list(b) and [type(k) for k in a] == [type(k) for k in b]
        return all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, mg.Tensor):
        assert (a.requires_grad, a.name) == (b.requires_grad, b.name)
        return same(a.data, b.data)
    if isinstance(a, (np.ndarray, np.generic)):
        a, b = np.asarray(a), np.asarray(b)
        assert (a.dtype, a.shape) == (b.dtype, b.shape)
        fortran = [x.flags.f_contiguous and not x.flags.c_contiguous for x in (a, b)]
        assert fortran[0] == fortran[1]
        return a.tobytes() == b.tobytes()
    if isinstance(a, float) and np.isnan(a):
        return np.isnan(b)
    return a == b and (not isinstance(a, float) or np.copysign(1, a) == np.copysign(1, b))


# --------------------------------------------------------------- round trips
def test_a_module_state_dict(tmp_path):
    model = mg.nn.MLP([3, 5, 2], seed=0)
    state = model.state_dict()
    loaded = roundtrip(state, tmp_path)
    assert same(state, loaded)
    other = mg.nn.MLP([3, 5, 2], seed=1)
    other.load_state_dict(loaded)
    assert same(other.state_dict(), state)


def optimizer_state_dict():
    """An Adam state dict in PyTorch's format: int keys, tuples, lists, bools, None."""
    return {
        "state": {0: {"step": np.array(3.0, dtype=np.float32),
                      "exp_avg": np.full((2, 3), 0.25), "exp_avg_sq": np.full((2, 3), 1e-8)},
                  1: {"step": 3, "exp_avg": np.zeros(2), "exp_avg_sq": np.zeros(2),
                      "max_exp_avg_sq": np.zeros(2)}},
        "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
                          "amsgrad": False, "maximize": False, "foreach": None,
                          "capturable": False, "differentiable": False, "fused": None,
                          "params": [0, 1]},
                         {"lr": 0.01, "betas": (0.5, 0.75), "params": [2]}],
    }


def test_an_optimizer_state_dict_in_pytorchs_format(tmp_path):
    state = optimizer_state_dict()
    loaded = roundtrip(state, tmp_path)
    assert same(state, loaded)
    assert list(loaded["state"]) == [0, 1] and loaded["param_groups"][0]["betas"] == (0.9, 0.999)


def test_a_checkpoint_dict_with_tensors_and_schedulers(tmp_path):
    model = mg.nn.Linear(2, 2, rng=0)
    opt = mg.optim.SGD(model.parameters(), lr=0.1)
    schedulers = [mg.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5),
                  mg.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1)]
    opt.step()
    schedulers[0].step()
    ckpt = {"epoch": 3, "model": model.state_dict(), "optimizer": optimizer_state_dict(),
            "scheduler": schedulers[0].state_dict(), "plateau": schedulers[1].state_dict(),
            "weights": list(model.parameters()), "loss": mg.tensor(0.5),
            "history": [(1, 0.5), (2, float("inf"))], "note": "résumé ✓", "seed": None}
    loaded = roundtrip(ckpt, tmp_path)
    assert loaded["weights"][0].requires_grad and loaded["weights"][0].name == "weight"
    ckpt["weights"] = [mg.tensor(p.data, requires_grad=True, name=p.name)
                       for p in ckpt["weights"]]      # Parameters come back as tensors
    assert same(ckpt, loaded)
    fresh = mg.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    fresh.load_state_dict(loaded["scheduler"])
    assert fresh.state_dict() == schedulers[0].state_dict()


ARRAYS = {
    "f64": np.array([0.1, -0.0, np.inf, -np.inf]),
    "nan payload": np.array([0x7FF8000000000123], dtype=np.uint64).view(np.float64),
    "f32": np.arange(6, dtype=np.float32).reshape(2, 3),
    "f16": np.array([1.5, 2.25], dtype=np.float16),
    "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    "0-d": np.array(2.5),
    "empty": np.zeros((0, 3)),
    "int8": np.array([-128, 127], dtype=np.int8),
    "uint64": np.array([2**64 - 1], dtype=np.uint64),
    "bool": np.array([[True, False]]),
    "complex": np.array([1 + 2j]),
    "str": np.array(["a", "βγ"]),
    "big-endian": np.array([1.0, 2.0], dtype=">f8"),
    "view": np.arange(10.0)[::3],
}


@pytest.mark.parametrize("key", sorted(ARRAYS))
def test_arrays_come_back_bit_for_bit(tmp_path, key):
    assert same({key: ARRAYS[key]}, roundtrip({key: ARRAYS[key]}, tmp_path))


def test_tensors_come_back_as_tensors(tmp_path):
    w = mg.tensor([[1.0, 2.0]], requires_grad=True, name="w")
    obj = {"w": w, "y": w * 2, "i": mg.tensor([1, 2], dtype=np.int64),
           "f32": mg.tensor([0.5], dtype=np.float32)}
    loaded = roundtrip(obj, tmp_path)
    assert all(isinstance(t, mg.Tensor) and t.is_leaf for t in loaded.values())
    assert loaded["w"].requires_grad and loaded["w"].name == "w"
    assert loaded["y"].requires_grad and loaded["y"].tolist() == [[2.0, 4.0]]
    assert loaded["i"].dtype == np.int64 and not loaded["i"].requires_grad
    assert loaded["f32"].dtype == np.float32
    loaded["w"].sum().backward()
    assert loaded["w"].grad.tolist() == [[1.0, 1.0]]


def test_numbers_and_the_other_leaves_keep_their_types(tmp_path):
    obj = [1, 2**80, -0.0, float("nan"), float("-inf"), 1e-310, True, False, None, "",
           "0", np.float32(0.1), np.int64(-3), np.bool_(True), np.float16(2.5),
           np.complex64(1j), np.uint8(255), [], (), {}, [[]], ((1,),), OrderedDict(b=1, a=2)]
    loaded = roundtrip(obj, tmp_path)
    assert same(obj, loaded)
    assert type(loaded[1]) is int and type(loaded[6]) is bool


def test_keys_of_every_allowed_type_stay_apart(tmp_path):
    obj = {0: "int", "0": "str", 1.5: "float", True: "bool", None: "none", -1: "neg"}
    loaded = roundtrip(obj, tmp_path)
    assert same(obj, loaded)


def test_names_that_collide_in_the_archive_stay_apart(tmp_path):
    obj = {"a/b": np.ones(1), "a": {"b": np.zeros(1)}, "a b": np.full(1, 2.0),
           "a_b": np.full(1, 3.0), "__minigrad__": np.full(1, 4.0), 0: np.full(1, 5.0),
           "0": np.full(1, 6.0)}
    assert same(obj, roundtrip(obj, tmp_path))


def test_a_top_level_array_or_number(tmp_path):
    assert same(np.arange(3.0), roundtrip(np.arange(3.0), tmp_path))
    assert roundtrip(7, tmp_path) == 7 and roundtrip(None, tmp_path) is None


# --------------------------------------------------------- the file itself
@pytest.mark.parametrize("name", ["ckpt.pt", "ckpt", "model.pth", "a.npz", "x.tar"])
def test_the_file_is_exactly_the_path_given(tmp_path, name):
    mg.save({"x": np.ones(2)}, tmp_path / name)
    assert os.listdir(tmp_path) == [name]
    assert same({"x": np.ones(2)}, mg.load(os.fspath(tmp_path / name)))


def test_np_load_reads_it_without_pickle(tmp_path):
    mg.save({"model": {"0.weight": np.eye(2)}, "epoch": 4}, tmp_path / "c.pt")
    with np.load(tmp_path / "c.pt", allow_pickle=False) as archive:
        assert sorted(archive.files) == ["__minigrad__", "model/0.weight"]
        np.testing.assert_array_equal(archive["model/0.weight"], np.eye(2))
        manifest = json.loads(bytes(archive["__minigrad__"]).decode())
    assert manifest["format"] == "minigrad.save" and manifest["version"] == 1


def test_file_objects(tmp_path):
    buffer = io.BytesIO()
    mg.save({"a": np.ones(2)}, buffer)
    buffer.seek(0)
    assert same({"a": np.ones(2)}, mg.load(buffer))
    with open(tmp_path / "f.pt", "wb") as f:
        mg.save([1, 2], f)
    with open(tmp_path / "f.pt", "rb") as f:
        assert mg.load(f) == [1, 2]


def test_pytorchs_keywords_are_accepted(tmp_path):
    mg.save({"a": 1}, tmp_path / "k.pt")
    for kwargs in ({"weights_only": True}, {"weights_only": False}, {"map_location": "cpu"}):
        assert mg.load(tmp_path / "k.pt", **kwargs) == {"a": 1}
    with pytest.raises(ValueError, match="CPU only"):
        mg.load(tmp_path / "k.pt", map_location="cuda:0")


def test_a_failed_save_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    mg.save({"epoch": 1, "w": np.ones(3)}, path)
    before = path.read_bytes()
    with pytest.raises(mg.SaveError):                    # refused before writing
        mg.save({"epoch": 2, "w": np.ones(3), "fn": print}, path)
    original, calls = np.lib.format.write_array, []

    def failing_write(entry, array, allow_pickle=False):
        calls.append(1)
        if len(calls) == 2:                              # the first array entry
            raise OSError("disk full")
        original(entry, array, allow_pickle=allow_pickle)

    monkeypatch.setattr(np.lib.format, "write_array", failing_write)
    with pytest.raises(OSError, match="disk full"):
        mg.save({"epoch": 2, "w": np.zeros(3)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.pt"]


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="the folder .*nowhere.* does not exist"):
        mg.save({}, tmp_path / "nowhere" / "c.pt")


# -------------------------------------------------------------- the errors
@pytest.mark.parametrize("obj, where, what", [
    ({"model": mg.nn.Linear(1, 1)}, r"obj\['model'\]", r"a Linear.*state_dict\(\)"),
    ({"a": [1, {"f": print}]}, r"obj\['a'\]\[1\]\['f'\]", "builtin_function_or_method"),
    ({"s": {1, 2}}, r"obj\['s'\]", "a set"),
    ({"o": np.array([None, 1])}, r"obj\['o'\]", "array of Python objects"),
    ({(1, 2): 3}, "obj", r"the key \(1, 2\) of type tuple"),
    ({np.int64(0): 3}, "obj", "int\\(key\\)"),
    ({"c": 1 + 2j}, r"obj\['c'\]", "a complex"),
    ({"m": np.ma.masked_array([1.0], mask=[True])}, r"obj\['m'\]", "a MaskedArray"),
])
def test_what_cannot_be_saved_is_named_with_its_place(tmp_path, obj, where, what):
    with pytest.raises(mg.SaveError, match=f"mg.save: {where}.*{what}") as info:
        mg.save(obj, tmp_path / "x.pt")
    assert isinstance(info.value, TypeError)
    assert os.listdir(tmp_path) == []


def test_a_cycle_is_refused(tmp_path):
    loop = {"a": []}
    loop["a"].append(loop)
    with pytest.raises(mg.SaveError, match=r"obj\['a'\]\[0\] contains itself"):
        mg.save(loop, tmp_path / "x.pt")
    shared = [1.0]
    assert mg.load(_saved(tmp_path, {"p": shared, "q": shared})) == {"p": [1.0], "q": [1.0]}


def _saved(tmp_path, obj):
    mg.save(obj, tmp_path / "s.pt")
    return tmp_path / "s.pt"


def test_files_that_are_not_minigrad_saves(tmp_path):
    np.save(tmp_path / "one.npy", np.ones(2))
    np.savez(tmp_path / "plain.npz", w=np.ones(2))
    (tmp_path / "text.txt").write_text("hello")
    mg.nn.Linear(2, 1).save(tmp_path / "module")
    cases = {"one.npy": ".npy file holding one array", "plain.npz": "not one mg.save wrote",
             "module.npz": r"model.load\(path\)", "text.txt": "not a minigrad save"}
    for name, words in cases.items():
        with pytest.raises(mg.LoadError, match=words) as info:
            mg.load(tmp_path / name)
        assert isinstance(info.value, ValueError)
    with pytest.raises(FileNotFoundError, match="no file"):
        mg.load(tmp_path / "absent.pt")


class _Trap:
    def __reduce__(self):
        return (open, (os.environ["TRAP_FILE"], "w"))


def test_a_pickle_is_never_unpickled(tmp_path, monkeypatch):
    trap = tmp_path / "sprung"
    monkeypatch.setenv("TRAP_FILE", os.fspath(trap))
    (tmp_path / "evil.pt").write_bytes(pickle.dumps(_Trap()))
    with pytest.raises(mg.LoadError, match="never unpickles"):
        mg.load(tmp_path / "evil.pt")
    with zipfile.ZipFile(tmp_path / "evil.npz", "w") as archive:   # an object array
        with archive.open("__minigrad__.npy", "w") as entry:
            np.lib.format.write_array(entry, np.array([_Trap()], dtype=object),
                                      allow_pickle=True)
    with pytest.raises(mg.LoadError, match="damaged, or not a file mg.save wrote"):
        mg.load(tmp_path / "evil.npz")
    assert not trap.exists()


def test_a_damaged_manifest(tmp_path):
    mg.save({"w": np.ones(2)}, tmp_path / "c.pt")
    with zipfile.ZipFile(tmp_path / "c.pt") as source, \
            zipfile.ZipFile(tmp_path / "cut.pt", "w") as target:
        target.writestr("__minigrad__.npy", source.read("__minigrad__.npy"))
    with pytest.raises(mg.LoadError, match="damaged"):
        mg.load(tmp_path / "cut.pt")


def test_a_newer_format_is_refused_by_name(tmp_path):
    text = json.dumps({"format": "minigrad.save", "version": 99, "root": 1}).encode()
    serialization.write_archive(tmp_path / "new.pt", {
        "__minigrad__": np.frombuffer(text, dtype=np.uint8)})
    with pytest.raises(mg.LoadError, match="newer minigrad"):
        mg.load(tmp_path / "new.pt")


def test_a_pytorch_file_is_named(tmp_path):
    torch = require_module("torch")
    torch.save({"w": torch.ones(2)}, tmp_path / "torch.pt")
    with pytest.raises(mg.LoadError, match="PyTorch file"):
        mg.load(tmp_path / "torch.pt")


def test_pytorchs_own_optimizer_state_dict_survives(tmp_path):
    torch = require_module("torch")
    w = torch.nn.Parameter(torch.ones(2, dtype=torch.float64))
    opt = torch.optim.Adam([w], lr=0.1, betas=(0.8, 0.9), amsgrad=True)
    (w * w).sum().backward()
    opt.step()

    def to_numpy(obj):
        if isinstance(obj, dict):
            return {k: to_numpy(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return type(obj)(to_numpy(v) for v in obj)
        return obj.numpy() if isinstance(obj, torch.Tensor) else obj

    state = to_numpy(opt.state_dict())
    assert same(state, roundtrip(state, tmp_path))
