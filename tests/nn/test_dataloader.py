"""mg.utils.data: TensorDataset and DataLoader with PyTorch's meaning, checked by hand."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.utils.data import DataLoader, Dataset, TensorDataset


def make():
    x = mg.tensor(np.arange(10.0).reshape(5, 2))
    y = mg.tensor([0.0, 1.0, 2.0, 3.0, 4.0])
    return x, y, TensorDataset(x, y)


def test_reachable_by_pytorchs_path():
    assert mg.utils.data.TensorDataset is TensorDataset
    assert mg.utils.data.DataLoader is DataLoader
    assert "utils" in mg.__all__


def test_tensor_dataset_len_and_items():
    x, y, ds = make()
    assert len(ds) == 5
    xi, yi = ds[3]
    assert isinstance(xi, mg.Tensor) and xi.tolist() == [6.0, 7.0]
    assert yi.item() == 3.0
    assert ds.tensors[0] is x


def test_tensor_dataset_accepts_arrays_and_refuses_mismatch():
    ds = TensorDataset(np.zeros((3, 2)), [1, 2, 3])
    assert all(isinstance(t, mg.Tensor) for t in ds.tensors)
    with pytest.raises(mg.ShapeError, match=r"same size along dim 0.*\(3, 2\), \(4,\)"):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(mg.ShapeError, match="scalar"):
        TensorDataset(mg.tensor(1.0))


def test_default_is_batch_size_one_in_order():
    _, y, ds = make()
    loader = DataLoader(ds)
    assert len(loader) == 5
    batches = list(loader)
    assert [b[1].tolist() for b in batches] == [[0.0], [1.0], [2.0], [3.0], [4.0]]
    assert batches[0][0].shape == (1, 2)


def test_batches_are_lists_of_batched_tensors():
    _, _, ds = make()
    batches = list(DataLoader(ds, batch_size=2))
    assert len(batches) == 3
    xb, yb = batches[0]                      # unpacks like PyTorch's list
    assert isinstance(batches[0], list)
    assert xb.tolist() == [[0.0, 1.0], [2.0, 3.0]] and yb.tolist() == [0.0, 1.0]
    assert batches[-1][0].shape == (1, 2)     # the last batch is short


def test_drop_last():
    _, _, ds = make()
    loader = DataLoader(ds, batch_size=2, drop_last=True)
    assert len(loader) == 2
    assert [yb.tolist() for _, yb in loader] == [[0.0, 1.0], [2.0, 3.0]]
    assert len(DataLoader(ds, batch_size=5, drop_last=True)) == 1
    assert len(DataLoader(ds, batch_size=6)) == 1
    assert len(DataLoader(ds, batch_size=6, drop_last=True)) == 0


def test_shuffle_uses_the_generator_and_reshuffles_each_epoch():
    _, _, ds = make()
    loader = DataLoader(ds, batch_size=2, shuffle=True, generator=np.random.default_rng(4))
    rng = np.random.default_rng(4)
    for _ in range(3):
        order = rng.permutation(5)
        got = np.concatenate([yb.data for _, yb in loader])
        np.testing.assert_array_equal(got, order.astype(float))
    # x rows stay paired with their y
    for xb, yb in loader:
        np.testing.assert_array_equal(xb.data[:, 0], 2 * yb.data)


def test_seed_as_generator_is_reproducible_and_epochs_differ():
    _, _, ds = make()

    def run(n_epochs):
        loader = DataLoader(ds, batch_size=5, shuffle=True, generator=3)
        return [[yb.tolist() for _, yb in loader][0] for _ in range(n_epochs)]

    a, b = run(3), run(3)
    assert a == b
    assert a[0] != a[1] or a[1] != a[2]
    assert sorted(a[0]) == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_without_generator_manual_seed_fixes_the_order():
    _, _, ds = make()
    loader = DataLoader(ds, batch_size=5, shuffle=True)
    mg.manual_seed(11)
    first = [yb.tolist() for _, yb in loader]
    mg.manual_seed(11)
    assert [yb.tolist() for _, yb in loader] == first


def test_generic_dataset_is_collated_field_by_field():
    class Squares(Dataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return mg.tensor([i, i]), float(i * i), {"k": np.array(i)}

    (xb, yb, d), = list(DataLoader(Squares(), batch_size=3))
    assert xb.tolist() == [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]
    assert yb.tolist() == [0.0, 1.0, 4.0]
    assert d["k"].tolist() == [0, 1, 2]


def test_batch_size_none_yields_samples():
    _, _, ds = make()
    items = list(DataLoader(ds, batch_size=None))
    assert len(items) == 5 and items[2][1].item() == 2.0
    assert isinstance(items[0], list)


def test_bad_arguments_say_what_to_pass():
    _, _, ds = make()
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(TypeError, match="DataLoader"):
        DataLoader(ds, shuffle=True, generator="seed")
