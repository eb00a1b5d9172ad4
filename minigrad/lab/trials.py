"""Running a search's trials: serially, on local cores, or on any executor.

[`grid_search()`][minigrad.lab.search.grid_search] and
[`random_search()`][minigrad.lab.search.random_search] decide *which* settings to try; this module
runs them.  The same call runs

* serially (the default);
* on ``workers=N`` local processes (a ``ProcessPoolExecutor`` made and shut
  down here);
* on any ``concurrent.futures.Executor`` passed as ``executor=``, such as a
  Dask cluster's ``distributed.Client(address).get_executor()``.

Three rules make the table the same in every mode:

* **Each trial is seeded on its own** from ``(seed, trial index)`` through
  ``numpy.random.SeedSequence``, never from a stream shared by the trials, so
  a result does not depend on which process ran the trial or in what order.
  The trial's seed is passed as ``seed=`` to an objective that has a ``seed``
  parameter, and the package generator (``mg.manual_seed``) and NumPy's global
  generator are restarted from it for the trial (and restored afterwards).
* **Results come back in trial order**, not in the order trials finish.
* **A trial that raises is a row, not a crash**: its row holds the exception's
  type and message (and the worker's traceback), the others' results are
  kept, and a warning at the end names every failed trial's hyperparameters.

>>> trial_seed(0, 0) == trial_seed(0, 0) != trial_seed(0, 1)
True
"""

from __future__ import annotations

import inspect
import math
import pickle
import traceback
import warnings
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed

import numpy as np

from ..errors import NotPicklableError
from ..random import default_generator, manual_seed

__all__ = ["trial_seed", "run_trial", "run_trials", "takes_seed"]


def trial_seed(seed, index):
    """The seed of trial ``index`` of a search seeded with ``seed``: an int in [0, 2**32).

    ``SeedSequence(seed, spawn_key=(index,))`` is NumPy's way to give workers
    independent streams; it does not depend on the number of trials.
    """
    state = np.random.SeedSequence(seed, spawn_key=(index,)).generate_state(1)
    return int(state[0])


def takes_seed(objective):
    """Whether ``objective`` has a parameter named ``seed`` (then each trial passes its own)."""
    try:
        params = inspect.signature(objective).parameters
    except (TypeError, ValueError):        # a builtin without a signature
        return False
    return "seed" in params and params["seed"].kind is not inspect.Parameter.VAR_KEYWORD


def run_trial(objective, params, seed, pass_seed=False):
    """Run one trial; returns ``(metrics, traceback_text)``, the text ``None`` on success.

    It runs in the worker, so it never raises for the objective's sake: an
    exception becomes ``{"loss": nan, "error": "Type: message"}`` and its
    traceback, which would otherwise stay in the worker's process.
    """
    kwargs = dict(params)
    if pass_seed and "seed" not in kwargs:
        kwargs["seed"] = seed
    saved = default_generator.bit_generator.state, np.random.get_state()
    manual_seed(seed)
    np.random.seed(seed)
    try:
        out = objective(**kwargs)
        metrics = dict(out) if isinstance(out, dict) else {"loss": float(out)}
    except Exception as exc:
        return {"loss": math.nan, "error": _describe(exc)}, traceback.format_exc()
    finally:
        default_generator.bit_generator.state = saved[0]
        np.random.set_state(saved[1])
    return metrics, None


def _describe(exc):
    text = str(exc).strip().splitlines()
    return type(exc).__name__ + (f": {text[0]}" if text else "")


def _progress_bar(total, where):
    try:
        from tqdm.auto import tqdm
    except ImportError:                   # the bar is optional: pip install tqdm
        return None
    return tqdm(total=total, desc=where, unit="trial", leave=True)


def _is_pickling_error(exc):
    # Executors report a function they could not send as pickle.PicklingError,
    # or as the AttributeError/TypeError pickle raised ("Can't pickle local
    # object", "cannot pickle '_thread.lock' object"), sometimes as the cause.
    while exc is not None:
        if isinstance(exc, pickle.PicklingError) or (
                isinstance(exc, (AttributeError, TypeError)) and "pickle" in str(exc).lower()):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _not_picklable(where, objective, exc):
    name = getattr(objective, "__qualname__", type(objective).__name__)
    return NotPicklableError(
        f"{where}: the executor could not send the objective {name!r} (or a trial's "
        f"hyperparameters or results) to its workers: {_describe(exc)}.\n"
        f"Worker processes receive the objective by pickling, and Python pickles a "
        f"function by its importable name, so a lambda, a function defined inside another "
        f"function (a closure), or a loss made by models.make_loss cannot be sent. Define "
        f"the objective with `def` at the top level of a module (in a script, keep the "
        f"search under `if __name__ == \"__main__\":`), build its data inside it, and pass "
        f"fixed settings as one-value grid entries or with functools.partial; or run "
        f"serially (no executor=, no workers=).")


def _check_mode(where, executor, workers):
    if executor is not None and workers is not None:
        raise TypeError(f"{where}: give executor= or workers=, not both "
                        f"(workers=N makes a local process pool of N workers)")
    if executor is not None and not isinstance(executor, Executor):
        raise TypeError(f"{where}: executor must be a concurrent.futures.Executor (for "
                        f"Dask: distributed.Client(...).get_executor()), got "
                        f"{type(executor).__name__}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise ValueError(f"{where}: workers must be a positive int, got {workers!r}")


def run_trials(objective, configs, seed=0, executor=None, workers=None, progress=False,
               where="search"):
    """Run ``objective(**params)`` for each dict of ``configs``; returns, in trial order,
    ``(params, seed, metrics, traceback_text)`` for every trial and warns once about the
    trials that raised."""
    _check_mode(where, executor, workers)
    seeds = [trial_seed(seed, i) for i in range(len(configs))]
    pass_seed = takes_seed(objective)
    outcomes = [None] * len(configs)
    bar = _progress_bar(len(configs), where) if progress else None
    try:
        if executor is None and workers in (None, 1):
            for i, (params, s) in enumerate(zip(configs, seeds)):
                outcomes[i] = run_trial(objective, params, s, pass_seed)
                if bar is not None:
                    bar.update(1)
        else:
            _run_on(executor, workers, objective, configs, seeds, pass_seed, outcomes, bar,
                    where)
    finally:
        if bar is not None:
            bar.close()
    rows = [(dict(p), s, m, tb) for p, s, (m, tb) in zip(configs, seeds, outcomes)]
    _warn_failures(where, rows)
    return rows


def _run_on(executor, workers, objective, configs, seeds, pass_seed, outcomes, bar, where):
    own = executor is None
    if own or isinstance(executor, ProcessPoolExecutor):
        # A process pool pickles in a background thread, and a failure there can leave
        # its shutdown waiting forever: try it here first, with the same pickle.
        try:
            pickle.dumps((objective, configs))
        except Exception as exc:
            raise _not_picklable(where, objective, exc) from exc
    if own:
        executor = ProcessPoolExecutor(max_workers=workers)
    futures = {}
    try:
        for i, (params, s) in enumerate(zip(configs, seeds)):
            futures[executor.submit(run_trial, objective, params, s, pass_seed)] = i
        for future in as_completed(futures):
            i = futures[future]
            try:
                outcomes[i] = future.result()
            except Exception as exc:       # the executor's failure, not the objective's
                if _is_pickling_error(exc):
                    raise _not_picklable(where, objective, exc) from exc
                outcomes[i] = ({"loss": math.nan, "error": _describe(exc)},
                               "".join(traceback.format_exception(exc)))
            if bar is not None:
                bar.update(1)
    except BaseException as exc:
        for future in futures:
            future.cancel()
        if _is_pickling_error(exc) and not isinstance(exc, NotPicklableError):
            raise _not_picklable(where, objective, exc) from exc
        raise
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)


def _warn_failures(where, rows):
    failed = [(params, metrics["error"]) for params, _, metrics, tb in rows if tb is not None]
    if not failed:
        return
    lines = "\n".join(f"  {', '.join(f'{k}={v!r}' for k, v in params.items())}: {error}"
                      for params, error in failed)
    if len(failed) == len(rows):
        head = (f"all {len(rows)} trials failed: look at the objective itself (the "
                f"traceback of each is in record.traceback)")
    else:
        head = (f"{len(failed)} of {len(rows)} trials failed (their rows hold the error, "
                f"with the traceback in record.traceback; the other trials' results are kept)")
    warnings.warn(f"{where}: {head}:\n{lines}", RuntimeWarning, stacklevel=4)
