"""Minibatches (mg.data): drawn without replacement, one pass per epoch, seeded."""

import itertools

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import Batches, batch_indices, batches, epochs, num_batches


def _data(n=23):
    x = np.arange(n, dtype=np.float64)
    return x, 100.0 + x          # y_i = 100 + x_i, so pairs can be checked


@pytest.mark.parametrize("n", [1, 7, 23])
def test_every_example_exactly_once_per_epoch_for_every_batch_size(n):
    x, y = _data(n)
    rng = np.random.default_rng(3)
    for batch_size in range(1, n + 1):
        seen = []
        sizes = []
        for xb, yb in batches((x, y), batch_size, rng=rng):
            np.testing.assert_array_equal(yb, 100.0 + xb)     # pairs stay together
            seen.extend(xb.tolist())
            sizes.append(len(xb))
        assert sorted(seen) == x.tolist()
        assert len(sizes) == num_batches(n, batch_size)
        assert all(s == batch_size for s in sizes[:-1])
        assert 1 <= sizes[-1] <= batch_size


def test_full_batch_is_one_batch_with_all_data():
    x, y = _data(12)
    (xb, yb), = list(batches((x, y), 12, rng=np.random.default_rng(0)))
    assert sorted(xb.tolist()) == x.tolist()


def test_same_seed_same_batches_and_different_seeds_differ():
    x, y = _data()

    def run(seed):
        rng = np.random.default_rng(seed)
        return [xb.tolist() for _ in range(3) for xb, _ in batches((x, y), 5, rng=rng)]

    assert run(0) == run(0)
    assert run(0) != run(1)
    assert [b.tolist() for b in batch_indices(23, 5, rng=7)] == \
        [b.tolist() for b in batch_indices(23, 5, rng=7)]


def test_epochs_reshuffle_and_each_is_a_permutation():
    x, y = _data(10)
    stream = list(epochs((x, y), 3, n_epochs=4, rng=np.random.default_rng(0)))
    assert [e for e, _ in stream] == [0] * 4 + [1] * 4 + [2] * 4 + [3] * 4
    orders = []
    for epoch in range(4):
        order = np.concatenate([xb for e, (xb, _) in stream if e == epoch])
        assert sorted(order.tolist()) == x.tolist()
        orders.append(order.tolist())
    assert len({tuple(o) for o in orders}) == 4        # a new order each epoch


def test_epochs_without_limit_run_forever():
    x = np.arange(4.0)
    steps = list(itertools.islice(epochs(x, 3, rng=np.random.default_rng(0)), 100))
    assert len(steps) == 100 and steps[-1][0] == 49


def test_drop_last_leaves_out_the_partial_batch():
    x, y = _data(23)
    out = list(batches((x, y), 5, rng=np.random.default_rng(0), drop_last=True))
    assert len(out) == 4 == num_batches(23, 5, drop_last=True)
    assert all(len(xb) == 5 for xb, _ in out)
    used = np.concatenate([xb for xb, _ in out])
    assert len(set(used.tolist())) == 20
    # when the batch size divides n, drop_last changes nothing
    assert len(list(batches(x[:20], 5, rng=0, drop_last=True))) == 4


def test_no_shuffle_keeps_order_and_needs_no_rng():
    x = np.arange(5.0)
    assert [b.tolist() for b in batches(x, 2, shuffle=False)] == [[0, 1], [2, 3], [4]]


def test_single_array_yields_arrays_and_tensors_stay_tensors():
    x = np.arange(6.0).reshape(3, 2)
    assert all(isinstance(b, np.ndarray) and b.shape[1:] == (2,)
               for b in batches(x, 2, rng=0))
    t = mg.tensor(np.arange(4.0))
    assert all(isinstance(b, mg.Tensor) for b in batches(t, 2, rng=0))


def test_Batches_is_reiterable_per_epoch_and_seeded():
    x, y = _data(11)
    a = Batches((x, y), batch_size=4, seed=5)
    b = Batches((x, y), batch_size=4, seed=5)
    c = Batches((x, y), batch_size=4, seed=6)
    assert len(a) == 3
    ea = [[xb.tolist() for xb, _ in a] for _ in range(3)]
    eb = [[xb.tolist() for xb, _ in b] for _ in range(3)]
    ec = [[xb.tolist() for xb, _ in c] for _ in range(3)]
    assert ea == eb and ea != ec
    assert ea[0] != ea[1]                               # epochs differ
    for epoch in ea:
        assert sorted(sum(epoch, [])) == x.tolist()
    assert a.epoch == 3
    assert "batch_size=4" in repr(a)
    assert len(Batches(x, 4, drop_last=True)) == 2


def test_Batches_accepts_a_shared_generator():
    x = np.arange(8.0)
    rng1, rng2 = np.random.default_rng(9), np.random.default_rng(9)
    a = [xb.tolist() for xb in Batches(x, 3, rng=rng1)]
    b = [xb.tolist() for xb in batches(x, 3, rng=rng2)]
    assert a == b


def test_sgd_loop_with_any_optimizer_style_update():
    # eq. 6.10 by hand: each step uses the gradient summed over one batch only
    x, y = mg.lab.datasets.linear_regression()
    phi = mg.tensor([0.0, 0.0], requires_grad=True)
    rng = np.random.default_rng(0)
    first = mg.losses.mse_loss(mg.lab.models.linear(x, phi), y, reduction="sum").item()
    for _epoch in range(200):
        for xb, yb in batches((x, y), 4, rng=rng):
            phi.grad = None
            mg.losses.mse_loss(mg.lab.models.linear(xb, phi), yb, reduction="sum").backward()
            phi.data = phi.data - 0.05 * phi.grad
    last = mg.losses.mse_loss(mg.lab.models.linear(x, phi), y, reduction="sum").item()
    exact = np.linalg.lstsq(np.stack([np.ones_like(x), x], 1), y, rcond=None)[0]
    assert last < 0.1 * first
    np.testing.assert_allclose(phi.data, exact, atol=0.1)


@pytest.mark.parametrize("bad, error, words", [
    (dict(batch_size=0), ValueError, "batch_size=0"),
    (dict(batch_size=6), ValueError, "full-batch"),
    (dict(batch_size=2.5), TypeError, "must be an int"),
    (dict(batch_size=2, rng=None), TypeError, "default_rng"),
    (dict(batch_size=2, rng="seed"), TypeError, "Generator"),
])
def test_errors_teach(bad, error, words):
    x = np.arange(5.0)
    with pytest.raises(error, match=words):
        list(batches(x, **bad))


def test_mismatched_lengths_are_reported_with_shapes():
    with pytest.raises(ValueError, match=r"\(5,\), \(4,\)"):
        list(batches((np.zeros(5), np.zeros(4)), 2, rng=0))
