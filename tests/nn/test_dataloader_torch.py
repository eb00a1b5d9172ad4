"""mg.utils.data against torch.utils.data: same lengths, batch shapes and items (needs torch)."""

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg

torch = require_module("torch")

X = np.arange(14.0).reshape(7, 2)
Y = np.arange(7.0)


def datasets():
    return (mg.utils.data.TensorDataset(mg.tensor(X), mg.tensor(Y)),
            torch.utils.data.TensorDataset(torch.tensor(X), torch.tensor(Y)))


def test_dataset_semantics_match():
    ours, theirs = datasets()
    assert len(ours) == len(theirs)
    for i in (0, 3, -1):
        for a, b in zip(ours[i], theirs[i], strict=True):
            np.testing.assert_array_equal(a.data, b.numpy())
    assert type(ours[0]) is type(theirs[0]) is tuple


@pytest.mark.parametrize("batch_size", [None, 1, 2, 3, 7, 9])
@pytest.mark.parametrize("drop_last", [False, True])
def test_unshuffled_batches_match(batch_size, drop_last):
    ours, theirs = datasets()
    if batch_size is None and drop_last:     # both refuse: nothing to drop
        with pytest.raises(ValueError):
            mg.utils.data.DataLoader(ours, batch_size=None, drop_last=True)
        with pytest.raises(ValueError):
            torch.utils.data.DataLoader(theirs, batch_size=None, drop_last=True)
        return
    a = mg.utils.data.DataLoader(ours, batch_size=batch_size, drop_last=drop_last)
    b = torch.utils.data.DataLoader(theirs, batch_size=batch_size, drop_last=drop_last)
    assert len(a) == len(b)
    got, want = list(a), list(b)
    assert len(got) == len(want)
    for ga, wb in zip(got, want, strict=True):
        assert type(ga) is type(wb)
        for p, q in zip(ga, wb, strict=True):
            assert p.shape == tuple(q.shape)
            np.testing.assert_array_equal(p.data, q.numpy())


def test_shuffled_epochs_cover_the_data_like_torch():
    ours, theirs = datasets()
    a = mg.utils.data.DataLoader(ours, batch_size=3, shuffle=True, generator=0)
    b = torch.utils.data.DataLoader(theirs, batch_size=3, shuffle=True,
                                    generator=torch.Generator().manual_seed(0))
    for _ in range(2):
        ga, gb = list(a), list(b)
        assert [tuple(t.shape) for t, _ in ga] == [tuple(t.shape) for t, _ in gb]
        assert sorted(np.concatenate([y.data for _, y in ga])) == sorted(
            torch.cat([y for _, y in gb]).tolist())
