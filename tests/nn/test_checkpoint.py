"""Module.save and Module.load: the same path round-trips, any parameter name
survives, and a file that is not a checkpoint gets an error that names it,
without ever unpickling anything."""

import os
import pickle
import zipfile

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


class Named(nn.Module):
    """A module whose parameter names are np.savez's own keywords."""

    NAMES = ("allow_pickle", "file", "args", "kwds", "arr_0")

    def __init__(self, seed):
        super().__init__()
        rng = np.random.default_rng(seed)
        for k, name in enumerate(self.NAMES):
            setattr(self, name, nn.Parameter(rng.normal(size=k + 1)))

    def forward(self, x):
        return x


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a.state_dict().values(),
                                                  b.state_dict().values()))


@pytest.mark.parametrize("given", ["ckpt", "ckpt.npz", "dir/ckpt", "ckpt.v2", "ckpt.npy"])
def test_the_path_given_to_save_loads_back(tmp_path, given):
    a, b = nn.MLP([2, 3, 1], seed=0), nn.MLP([2, 3, 1], seed=1)
    written = a.save(tmp_path / given)
    assert written == os.fspath(tmp_path / given) + ("" if given.endswith(".npz") else ".npz")
    b.load(tmp_path / given)                      # the same path as save(), not `written`
    assert same(a, b)
    c = nn.MLP([2, 3, 1], seed=2).load(written)   # and the path save() returned
    assert same(a, c)
    b.load(os.fspath(tmp_path / given))           # str as well as Path
    assert not [p for p in os.listdir(os.path.dirname(written)) if "partial" in p]


def test_a_missing_file_names_the_path_looked_for(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no file '.*nothing\.npz' \(nor '.*nothing'\)"):
        nn.MLP([2, 1]).load(tmp_path / "nothing")


def test_parameter_names_never_collide_with_the_writers_keywords(tmp_path):
    # np.savez(path, **state) dropped 'allow_pickle' silently and crashed on 'file'.
    a, b = Named(0), Named(1)
    path = a.save(tmp_path / "named")
    with np.load(path, allow_pickle=False) as archive:          # a plain .npz
        assert sorted(archive.files) == sorted(Named.NAMES)
    b.load(path)
    assert same(a, b)
    for name in Named.NAMES:
        np.testing.assert_array_equal(getattr(a, name).data, getattr(b, name).data)


def test_an_npz_written_by_numpy_still_loads(tmp_path):
    a, b = nn.MLP([2, 3, 1], seed=0), nn.MLP([2, 3, 1], seed=1)
    np.savez(tmp_path / "by_numpy.npz", **a.state_dict())
    b.load(tmp_path / "by_numpy")
    assert same(a, b)


def test_a_failed_save_leaves_the_previous_checkpoint_whole(tmp_path):
    a = nn.MLP([2, 3, 1], seed=0)
    path = a.save(tmp_path / "ckpt")
    before = open(path, "rb").read()
    a.state_dict = lambda: {"0.weight": np.array([object()], dtype=object)}  # unwritable
    with pytest.raises(ValueError):
        a.save(tmp_path / "ckpt")
    assert open(path, "rb").read() == before
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_loading_a_npy_file_says_what_it_is_and_what_is_expected(tmp_path):
    np.save(tmp_path / "weights.npy", np.ones(3))
    with pytest.raises(ValueError) as info:
        nn.MLP([2, 1]).load(tmp_path / "weights.npy")
    message = str(info.value)
    assert "weights.npy' is a .npy file" in message
    assert ".npz archive" in message and "Module.save" in message


@pytest.mark.parametrize("content", [b"not a checkpoint\n", b"", b"PK\x03\x04 broken"])
def test_loading_any_other_file_names_it_and_the_format(tmp_path, content):
    (tmp_path / "notes.txt").write_bytes(content)
    with pytest.raises(ValueError, match=r"notes\.txt' is not a NumPy \.npz archive.*"
                                         r"Module\.save"):
        nn.MLP([2, 1]).load(tmp_path / "notes.txt")


def test_a_pickled_file_is_never_unpickled_and_the_error_says_so(tmp_path):
    class Boom:
        def __reduce__(self):
            return (os.remove, (os.fspath(tmp_path / "canary"),))
    (tmp_path / "canary").write_text("still here")
    (tmp_path / "model.pkl").write_bytes(pickle.dumps({"0.weight": Boom()}))
    with pytest.raises(ValueError, match=r"model\.pkl' holds pickled data, which is never "
                                         r"unpickled \(allow_pickle=False"):
        nn.MLP([2, 1]).load(tmp_path / "model.pkl")
    assert (tmp_path / "canary").exists()


def test_an_object_array_in_an_npz_is_never_unpickled(tmp_path):
    state = nn.MLP([2, 1], seed=0).state_dict()
    state["0.bias"] = np.array([{"x": 1}], dtype=object)
    np.savez(tmp_path / "objects.npz", **state)               # pickles the object array
    with pytest.raises(ValueError, match=r"entry '0\.bias' of '.*objects\.npz' is an object "
                                         r"array, stored pickled, which is never unpickled"):
        nn.MLP([2, 1]).load(tmp_path / "objects.npz")


def test_a_zip_that_is_not_an_npz_names_the_entry(tmp_path):
    with zipfile.ZipFile(tmp_path / "other.npz", "w") as archive:
        archive.writestr("archive/data.pkl", b"\x80\x04N.")   # e.g. a PyTorch checkpoint
    with pytest.raises(ValueError, match=r"entry 'archive/data\.pkl' of .* is not a NumPy "
                                         r"array"):
        nn.MLP([2, 1]).load(tmp_path / "other")


def test_load_then_train_keeps_the_optimizer_working(tmp_path):
    a, b = nn.MLP([2, 3, 1], seed=0), nn.MLP([2, 3, 1], seed=1)
    opt = mg.optim.SGD(b.parameters(), lr=0.1)
    b.load(a.save(tmp_path / "m"))
    x = np.ones((4, 2))
    loss = (b(x) ** 2).sum()
    loss.backward()
    opt.step()
    assert not same(a, b)                   # the optimizer moved the loaded parameters


def test_loading_a_state_dict_invalidates_graphs_built_before_it():
    lin = nn.Linear(2, 1)
    loss = lin(mg.tensor([[1.0, 2.0]])).sum()
    lin.load_state_dict({k: v * 2 for k, v in lin.state_dict().items()})
    with pytest.raises(mg.BackwardError, match="modified by an inplace operation"):
        loss.backward()
