"""Hyperparameter search that scales out (section 6.5; minigrad/lab/trials.py): the same
grid_search / random_search call runs serially, on a local process pool and on a Dask
cluster, and gives the same table bit for bit; failing trials keep their rows; an
objective that cannot be pickled gets an explanation; the progress bar counts trials."""

import pickle
import sys
import types
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg
from minigrad import lab
from minigrad.errors import NotPicklableError
from minigrad.lab import datasets, models

GRID = {"lr": [0.5, 2.0], "batch": [3, 10]}


# The objectives are module-level functions: worker processes import them by name.
def batch_loss(phi, batch=None):
    x, y = batch if batch is not None else datasets.book_gabor()
    return models.make_loss(models.gabor, x, y)(phi)


def sgd_on_gabor(lr, batch, seed, steps=8):
    """SGD on the book's Gabor data: batches drawn from ``seed``, the start jittered with
    the package generator (mg.randn), so both of a trial's random sources are used."""
    x, y = datasets.book_gabor()
    stream = (b for _, b in mg.data.epochs((x, y), batch, rng=np.random.default_rng(seed)))
    start = np.array([-1.0, 15.0]) + 0.5 * mg.randn(2).data
    res = lab.minimize(batch_loss, start, optimizer="SGD", steps=steps, batches=stream, lr=lr)
    return {"loss": res.loss, "phi0": float(res.x[0]), "phi1": float(res.x[1])}


def breaks_at_large_lr(lr, batch):
    if lr > 1.0:
        raise ValueError(f"lr={lr} is too large for batches of {batch}")
    return {"loss": lr * batch}


def same_tables(a, b):
    assert str(a) == str(b)
    assert [r.params for r in a] == [r.params for r in b]
    assert [r.seed for r in a] == [r.seed for r in b]
    # bit for bit: == on the floats themselves, not approx
    assert [r.metrics for r in a] == [r.metrics for r in b]


def test_trials_are_seeded_on_their_own_and_can_be_rerun():
    table = lab.grid_search(sgd_on_gabor, GRID, seed=3)
    assert [r.params for r in table] == [{"lr": lr, "batch": b} for lr in (0.5, 2.0)
                                         for b in (3, 10)]                 # trial order
    seeds = [r.seed for r in table]
    assert len(set(seeds)) == 4 and seeds == [lab.trials.trial_seed(3, i) for i in range(4)]
    # one trial, rerun alone with its seed and the package generator restarted from it
    mg.manual_seed(table[2].seed)
    assert sgd_on_gabor(**table[2].params, seed=table[2].seed) == table[2].metrics
    # the same settings at different trial indices draw different batches and starts
    again = lab.random_search(sgd_on_gabor, {"lr": [1.0], "batch": [3]}, trials=3, seed=3)
    assert len({r.loss for r in again}) == 3
    # and a search leaves the caller's generators as they were
    mg.manual_seed(7)
    before = mg.randn(3).data
    mg.manual_seed(7)
    lab.grid_search(sgd_on_gabor, GRID)
    np.testing.assert_array_equal(mg.randn(3).data, before)


def test_serial_and_process_pool_tables_are_identical():
    serial = lab.grid_search(sgd_on_gabor, GRID)
    pooled = lab.grid_search(sgd_on_gabor, GRID, workers=2)
    same_tables(serial, pooled)
    space = {"lr": lab.log_uniform(0.1, 3.0), "batch": [3, 5, 10]}
    same_tables(lab.random_search(sgd_on_gabor, space, trials=4, seed=1),
                lab.random_search(sgd_on_gabor, space, trials=4, seed=1, workers=2))
    # objective() makes a picklable objective from a module-level function
    run = lab.objective(datasets.rosenbrock, [-1.0, 1.0], "Adam", steps=20)
    assert pickle.loads(pickle.dumps(run))(lr=0.1) == run(lr=0.1)
    same_tables(lab.grid_search(run, {"lr": [0.01, 0.1]}),
                lab.grid_search(run, {"lr": [0.01, 0.1]}, workers=2))


def test_a_dask_cluster_gives_the_same_table():
    distributed = require_module("distributed")
    serial = lab.grid_search(sgd_on_gabor, GRID)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = lab.grid_search(sgd_on_gabor, GRID, executor=client.get_executor())
        with pytest.warns(RuntimeWarning, match="1 of 2 trials failed"):
            broken = lab.grid_search(breaks_at_large_lr, {"lr": [0.5, 2.0], "batch": [3]},
                                     executor=client.get_executor())
    same_tables(serial, on_dask)
    assert broken[0].loss == 1.5 and broken[1].failed
    assert "breaks_at_large_lr" in broken[1].traceback     # the worker's traceback came back


@pytest.mark.parametrize("mode", [{}, {"workers": 2}, {"executor": "threads"}])
def test_a_failing_trial_keeps_the_others(mode):
    if mode.get("executor") == "threads":
        mode = {"executor": ThreadPoolExecutor(2)}
    with pytest.warns(RuntimeWarning) as caught:
        table = lab.grid_search(breaks_at_large_lr, {"lr": [0.5, 2.0, 1.0], "batch": [3, 4]},
                                **mode)
    if "executor" in mode:
        mode["executor"].shutdown()
    message = str(caught[0].message)
    assert "2 of 6 trials failed" in message
    assert "lr=2.0, batch=3: ValueError: lr=2.0 is too large for batches of 3" in message
    assert "lr=2.0, batch=4" in message
    assert [r.loss for r in table if not r.failed] == [1.5, 2.0, 3.0, 4.0]
    failed = table.failed
    assert [r.params for r in failed] == [{"lr": 2.0, "batch": 3}, {"lr": 2.0, "batch": 4}]
    assert all(np.isnan(r.loss) for r in failed)
    assert failed[1].metrics["error"] == "ValueError: lr=2.0 is too large for batches of 4"
    assert "raise ValueError" in failed[0].traceback
    lines = str(table).splitlines()
    assert lines[0].split() == ["lr", "batch", "loss", "error"]
    assert "ValueError: lr=2.0 is too large" in lines[4] and lines[2].rstrip().endswith("-")
    assert [r.params["lr"] for r in table.sort()][-2:] == [2.0, 2.0]     # failures last


def test_when_every_trial_fails_the_warning_points_at_the_objective():
    with pytest.warns(RuntimeWarning, match="all 2 trials failed.*the objective itself"):
        table = lab.grid_search(breaks_at_large_lr, {"lr": [0.1, 0.2]})   # no batch given
    assert all("missing 1 required positional argument: 'batch'" in r.metrics["error"]
               for r in table)


def test_an_objective_that_cannot_be_pickled_is_explained():
    def closure(lr):
        return lr
    for f, name in [(lambda lr: lr, "<lambda>"), (closure, "closure")]:
        with pytest.raises(NotPicklableError, match="top level of a module") as info:
            lab.grid_search(f, {"lr": [0.1, 0.2]}, workers=2)
        assert name in str(info.value) and "lambda" in str(info.value)
        assert isinstance(info.value, TypeError)
    # a thread pool shares the process: nothing is pickled, so a lambda is fine there
    with ThreadPoolExecutor(2) as pool:
        table = lab.grid_search(lambda lr: lr, {"lr": [0.1, 0.2]}, executor=pool)
    assert [r.loss for r in table] == [0.1, 0.2]


def test_modes_are_checked():
    with pytest.raises(TypeError, match="not both"), ThreadPoolExecutor(1) as pool:
        lab.grid_search(breaks_at_large_lr, GRID, executor=pool, workers=2)
    with pytest.raises(ValueError, match="positive int"):
        lab.random_search(breaks_at_large_lr, GRID, workers=0)
    with pytest.raises(TypeError, match="get_executor"):
        lab.grid_search(breaks_at_large_lr, GRID, executor="dask")


def test_progress_bar_counts_trials(monkeypatch):
    calls = []

    class FakeBar:
        def __init__(self, total, **kwargs):
            calls.append(("init", total, kwargs["desc"], kwargs["unit"]))

        def update(self, n):
            calls.append(("update", n))

        def close(self):
            calls.append(("close",))

    fake = types.ModuleType("tqdm.auto")
    fake.tqdm = FakeBar
    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    monkeypatch.setitem(sys.modules, "tqdm.auto", fake)
    lab.grid_search(breaks_at_large_lr, {"lr": [0.1, 0.2, 0.3], "batch": [1]}, progress=True)
    assert calls == [("init", 3, "grid_search", "trial")] + [("update", 1)] * 3 + [("close",)]
    calls.clear()
    lab.random_search(breaks_at_large_lr, {"lr": (0.1, 0.2), "batch": [1]}, trials=4,
                      progress=True, workers=2)
    assert calls[0] == ("init", 4, "random_search", "trial") and calls[-1] == ("close",)
    assert calls.count(("update", 1)) == 4
    calls.clear()
    lab.grid_search(breaks_at_large_lr, {"lr": [0.1], "batch": [1]})     # progress=False
    assert calls == []
    # without tqdm, progress=True runs the search without a bar
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = lab.grid_search(breaks_at_large_lr, {"lr": [0.1], "batch": [2]}, progress=True)
    assert table[0].loss == pytest.approx(0.2)
