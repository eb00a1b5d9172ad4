"""mg.detect_anomaly: the first op (forward) or VJP (backward) that makes a NaN or inf,
named with the user's line; per thread; no cost and no change when off."""

import asyncio
import inspect
import threading
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import anomaly
from minigrad.primitive import Primitive

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")   # NumPy's own


def line():
    """The caller's line number."""
    return inspect.currentframe().f_back.f_lineno


def test_sqrt_at_zero_is_named_in_backward_with_its_forward_line():
    x = mg.tensor([0.0, 2.0], requires_grad=True)
    with pytest.raises(mg.AnomalyError) as info, mg.detect_anomaly():
        made = line() + 1
        y = mg.sqrt(x * x).sum()
        called = line() + 1
        y.backward()
    err = info.value
    assert (err.op, err.phase) == ("sqrt", "backward")
    assert err.where == (__file__, made)
    message = str(err)
    assert "VJP of 'sqrt'" in message
    assert f"{__file__}:{made}" in message and "mg.sqrt(x * x).sum()" in message
    assert f"{__file__}:{called}" in message          # where backward was called
    assert "1 inf" in message
    assert x.grad is None                             # nothing was written


def test_log_of_a_negative_value_is_named_in_forward():
    x = mg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    with pytest.raises(mg.AnomalyError) as info, mg.detect_anomaly():
        here = line() + 1
        mg.log(x * 1.0)
    err = info.value
    assert (err.op, err.phase, err.where) == ("log", "forward", (__file__, here))
    message = str(err)
    assert "'log' made 1 NaN" in message and f"{__file__}:{here}" in message
    assert "shape (3,) float64, min -2, max 3" in message
    assert "outside the positive numbers" in message


def softmax(z):
    exp_line = line() + 1
    e = mg.exp(z)
    return e / e.sum(), exp_line


def test_overflowing_exp_in_a_hand_written_softmax_is_named_in_forward():
    z = mg.tensor([1.0, 800.0, 2.0], requires_grad=True)
    with np.errstate(all="ignore"):
        p, exp_line = softmax(z)
    assert np.isnan(p.data).any()                 # what a learner sees without it
    with pytest.raises(mg.AnomalyError) as info, mg.detect_anomaly():
        softmax(z)
    err = info.value
    assert (err.op, err.phase, err.where) == ("exp", "forward", (__file__, exp_line))
    assert "'exp' made 1 inf" in str(err) and "overflowed" in str(err)
    assert "max 800" in str(err)


def test_a_tensor_that_does_not_require_grad_is_checked_too():
    with pytest.raises(mg.AnomalyError, match="'log'"), mg.detect_anomaly():
        mg.log(mg.tensor([-1.0]))


def test_nan_that_came_in_is_not_blamed_on_the_op_that_passes_it_on():
    x = mg.tensor([np.nan, 1.0], requires_grad=True)
    with mg.detect_anomaly():
        y = (mg.exp(x) * 2).sum()
        y.backward()
    assert np.isnan(y.item())


def test_nothing_goes_wrong_nothing_changes():
    def run():
        x = mg.tensor([0.5, 1.5, -2.0], requires_grad=True)
        y = (mg.tanh(x) * mg.exp(x) / (1 + x * x)).sum()
        y.backward()
        return y.item(), x.grad

    plain = run()
    with mg.detect_anomaly():
        watched = run()
    assert plain[0] == watched[0]
    np.testing.assert_array_equal(plain[1], watched[1])


def test_second_order_under_anomaly_mode_raises_nothing():
    x = mg.tensor([0.3, 0.7], requires_grad=True)
    with mg.detect_anomaly():
        h = mg.hessian(lambda t: (mg.sin(t) * t).sum())(x)
    assert h.shape == (2, 2)


def test_backward_of_a_graph_made_outside_the_mode_says_the_line_is_unknown():
    x = mg.tensor([0.0], requires_grad=True)
    y = mg.sqrt(x).sum()
    with pytest.raises(mg.AnomalyError) as info, mg.detect_anomaly():
        y.backward()
    assert info.value.where is None
    assert "run the forward inside detect_anomaly" in str(info.value)


def test_off_by_default_and_zero_cost_when_off():
    assert not mg.is_anomaly_enabled()
    assert Primitive.__call__ is anomaly.plain_call
    with np.errstate(all="ignore"):
        assert np.isnan(mg.log(mg.tensor([-1.0])).item())     # no error when off
    with mg.detect_anomaly():
        assert Primitive.__call__ is anomaly.checking_call
        assert mg.is_anomaly_enabled() and mg.is_anomaly_check_nan_enabled()
    assert Primitive.__call__ is anomaly.plain_call
    with pytest.raises(mg.AnomalyError), mg.detect_anomaly():
        mg.log(mg.tensor([-1.0]))
    assert Primitive.__call__ is anomaly.plain_call     # also after an error
    assert not mg.is_anomaly_enabled()


def test_names_and_kinds():
    assert mg.autograd.detect_anomaly is mg.detect_anomaly
    assert mg.autograd.set_detect_anomaly is mg.set_detect_anomaly
    assert mg.autograd.is_anomaly_enabled is mg.is_anomaly_enabled
    assert issubclass(mg.AnomalyError, RuntimeError)
    assert issubclass(mg.AnomalyError, mg.MinigradError)


def test_set_detect_anomaly_as_a_call_and_as_a_context_manager():
    mg.set_detect_anomaly(True)
    try:
        assert mg.is_anomaly_enabled()
        with mg.set_detect_anomaly(False):
            assert not mg.is_anomaly_enabled()
            with np.errstate(all="ignore"):
                mg.log(mg.tensor([-1.0]))                  # off in here
        assert mg.is_anomaly_enabled()
    finally:
        mg.set_detect_anomaly(False)
    assert not mg.is_anomaly_enabled()
    assert Primitive.__call__ is anomaly.plain_call


def test_nested_modes_come_back_in_order():
    with mg.detect_anomaly():
        with mg.detect_anomaly(check_nan=False):
            assert mg.is_anomaly_enabled() and not mg.is_anomaly_check_nan_enabled()
            with np.errstate(all="ignore"):
                mg.log(mg.tensor([-1.0]))                  # recorded, not checked
        assert mg.is_anomaly_check_nan_enabled()
        with pytest.raises(mg.AnomalyError):
            mg.log(mg.tensor([-1.0]))
    assert not mg.is_anomaly_enabled()


def test_decorator_forms():
    def body():
        return mg.is_anomaly_enabled(), mg.is_anomaly_check_nan_enabled()

    assert mg.detect_anomaly(body)() == (True, True)
    bare = mg.detect_anomaly(body)
    called = mg.detect_anomaly()(body)
    quiet = mg.detect_anomaly(check_nan=False)(body)
    assert bare() == called() == (True, True)
    assert quiet() == (True, False)
    assert not mg.is_anomaly_enabled()

    @mg.detect_anomaly
    def logs(t):
        return mg.log(t)
    with pytest.raises(mg.AnomalyError, match="'log'"):
        logs(mg.tensor([-1.0]))

    @mg.detect_anomaly
    def gen():
        yield mg.is_anomaly_enabled()
        yield mg.is_anomaly_enabled()
    it = gen()
    assert next(it) is True and not mg.is_anomaly_enabled()
    assert next(it) is True


def test_the_mode_belongs_to_one_thread():
    inside, go_on, seen = threading.Event(), threading.Event(), {}

    def watched():
        with mg.detect_anomaly():
            inside.set()
            go_on.wait(10)
            try:
                mg.log(mg.tensor([-1.0]))
            except mg.AnomalyError:
                seen["watched"] = "raised"

    t = threading.Thread(target=watched)
    t.start()
    assert inside.wait(10)
    # The other thread has the mode on (so the checking call is installed): here
    # it is off, and log of a negative number is NaN without an error.
    assert Primitive.__call__ is anomaly.checking_call
    assert not mg.is_anomaly_enabled()
    with np.errstate(all="ignore"):
        assert np.isnan(mg.log(mg.tensor([-1.0])).item())
    go_on.set()
    t.join(10)
    assert seen == {"watched": "raised"}
    assert Primitive.__call__ is anomaly.plain_call


def test_the_mode_belongs_to_one_asyncio_task():
    async def watched():
        with mg.detect_anomaly():
            await asyncio.sleep(0.01)
            return mg.is_anomaly_enabled()

    async def plain():
        await asyncio.sleep(0)
        return mg.is_anomaly_enabled()

    async def both():
        return await asyncio.gather(watched(), plain())

    assert asyncio.run(both()) == [True, False]
    assert Primitive.__call__ is anomaly.plain_call


class Exploding(mg.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = mg.nn.Linear(1, 1, rng=0)
        self.lin.weight.data = np.ones((1, 1))

    def forward(self, x):
        h = self.lin(x)
        return mg.exp(h * 1000.0)


def test_fit_names_the_culprit_of_a_nan_loss():
    x = np.linspace(1, 2, 8).reshape(-1, 1)
    y = 2 * x
    model = Exploding()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = mg.fit(model, mg.losses.mse_loss, (x, y), mg.optim.SGD(model, lr=0.1),
                         epochs=3, progress=False)
    assert history.stopped_by == "non-finite loss"
    message = history.stopped
    assert "Try a smaller learning rate" in message             # the message it had
    assert "mg.detect_anomaly()" in message and "'exp' in the forward pass" in message
    assert f"{__file__}:" in message and "mg.exp(h * 1000.0)" in message
    assert any(str(w.message) == message for w in caught)       # still the warning
    assert not mg.is_anomaly_enabled()
    assert Primitive.__call__ is anomaly.plain_call


def test_fit_says_when_the_data_already_held_nan():
    x, y = np.array([[1.0], [np.nan]]), np.array([[1.0], [2.0]])
    model = mg.nn.Linear(1, 1, rng=0)
    with pytest.warns(RuntimeWarning, match="this batch's data holds NaN"):
        mg.fit(model, mg.losses.mse_loss, (x, y), mg.optim.SGD(model, lr=0.1), epochs=2,
               progress=False)


def test_fit_rerun_leaves_the_random_generators_as_they_were(monkeypatch):
    x = np.linspace(1, 2, 8).reshape(-1, 1)

    def run():
        mg.manual_seed(3)
        drop = mg.nn.Dropout(0.5, generator=7)
        model = mg.nn.Sequential(Exploding(), drop, mg.nn.Dropout(0.5))
        with pytest.warns(RuntimeWarning):
            mg.fit(model, mg.losses.mse_loss, (x, 2 * x), mg.optim.SGD(model, lr=0.1),
                   epochs=1, progress=False)
        return (mg.random.default_generator.bit_generator.state,
                drop.generator.bit_generator.state)

    with_rerun = run()
    monkeypatch.setattr("minigrad.train.first_anomaly", lambda step: None)   # no rerun
    assert run() == with_rerun


def test_minimize_names_the_culprit_of_a_nan_loss():
    def f(x):
        return mg.exp(x * x).sum()
    res = mg.lab.minimize(f, [3.0], steps=20, lr=1.0)
    assert res.stopped.startswith("minimize: the loss became inf at step")
    assert "'exp' in the forward pass" in res.stopped
    assert f"{__file__}:" in res.stopped and "mg.exp(x * x).sum()" in res.stopped
    assert not np.isfinite(res.trajectory.loss[-1])


def test_minimize_names_the_vjp_that_made_x_nan():
    res = mg.lab.minimize(lambda x: mg.sqrt(x * x).sum(), [0.0], steps=5, lr=0.1)
    assert "x itself held NaN or inf" in res.stopped
    assert "the VJP of 'sqrt' in the backward pass, whose node was made at" in res.stopped
    assert f"{__file__}:" in res.stopped


def test_minimize_without_trouble_stops_nothing():
    res = mg.lab.minimize(lambda x: ((x - 3.0) ** 2).sum(), [0.0], steps=10, lr=0.1)
    assert res.stopped is None


def test_explain_watches_the_same_pass_under_anomaly_mode():
    x = mg.tensor([0.5, 2.0], requires_grad=True, name="x")
    y = (mg.exp(x) * x).sum()
    plain = str(mg.explain(y))
    with mg.detect_anomaly():
        assert str(mg.explain(y)) == plain     # its observer and the check both run
        with pytest.raises(mg.AnomalyError, match="'sqrt'"):
            mg.explain(mg.sqrt(x * 0.0).sum())
