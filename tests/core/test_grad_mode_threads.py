"""Grad mode belongs to a thread and an asyncio task (issue 9, items 3 and 14);
``no_grad`` works bare, as a decorator and on generator functions."""

import asyncio
import threading

import numpy as np
import pytest

import minigrad as mg


def test_no_grad_in_one_thread_does_not_stop_another_from_recording():
    inside, done = threading.Event(), threading.Event()

    def idle_without_grad():
        with mg.no_grad():
            inside.set()
            done.wait(10)

    other = threading.Thread(target=idle_without_grad)
    other.start()
    try:
        assert inside.wait(10)
        x = mg.tensor([1.0, 2.0], requires_grad=True)
        lost = sum(not (x * 2.0).requires_grad for _ in range(2000))
        assert mg.is_grad_enabled()
    finally:
        done.set()
        other.join()
    assert lost == 0


def test_threads_entering_and_leaving_no_grad_leave_grad_mode_on():
    start = threading.Barrier(4)
    recorded = []

    def churn():
        start.wait()
        x = mg.tensor([1.0], requires_grad=True)
        for _ in range(500):
            with mg.no_grad():
                assert not (x * 2).requires_grad
            recorded.append((x * 2).requires_grad)

    threads = [threading.Thread(target=churn) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert mg.is_grad_enabled()
    assert len(recorded) == 2000 and all(recorded)


def test_a_backward_pass_in_another_thread_does_not_switch_recording_off():
    # The backward pass turns recording off while it runs (create_graph=False):
    # only in its own thread.
    stop = threading.Event()
    x = mg.tensor(np.linspace(0.1, 1.0, 50), requires_grad=True)

    def backward_forever():
        while not stop.is_set():
            y = x
            for _ in range(20):
                y = mg.tanh(y * 1.01)
            y.sum().backward()

    other = threading.Thread(target=backward_forever)
    other.start()
    try:
        z = mg.tensor([1.0], requires_grad=True)
        lost = sum(not (z + 1.0).requires_grad for _ in range(5000))
    finally:
        stop.set()
        other.join()
    assert lost == 0


def test_a_new_thread_starts_with_grad_mode_on():
    seen = []
    with mg.no_grad():
        thread = threading.Thread(target=lambda: seen.append(mg.is_grad_enabled()))
        thread.start()
        thread.join()
    assert seen == [True]


def test_asyncio_tasks_keep_their_own_grad_mode():
    async def without_grad(x, step_in, step_out):
        with mg.no_grad():
            step_in.set()
            await step_out.wait()
            return (x * 2).requires_grad

    async def with_grad(x, step_in, step_out):
        await step_in.wait()              # the other task is inside no_grad now
        recorded = (x * 2).requires_grad
        step_out.set()
        return recorded

    async def main():
        x = mg.tensor([1.0], requires_grad=True)
        step_in, step_out = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(without_grad(x, step_in, step_out),
                                    with_grad(x, step_in, step_out))

    assert asyncio.run(main()) == [False, True]
    assert mg.is_grad_enabled()


def test_the_previous_mode_comes_back_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with mg.no_grad():
            raise ZeroDivisionError
    assert mg.is_grad_enabled()
    with mg.no_grad():
        with pytest.raises(KeyError):
            with mg.enable_grad():
                assert mg.is_grad_enabled()
                raise KeyError
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()


def test_one_instance_can_be_nested():
    ng = mg.no_grad()
    with ng:
        with mg.enable_grad():
            with ng:
                assert not mg.is_grad_enabled()
            assert mg.is_grad_enabled()
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()


# ------------------------------------------------------------- decorators
def test_bare_decorator():
    @mg.no_grad
    def double(t):
        return t * 2

    @mg.enable_grad
    def triple(t):
        return t * 3

    x = mg.tensor([1.0], requires_grad=True)
    assert double.__name__ == "double"
    assert not double(x).requires_grad
    with mg.no_grad():
        assert triple(x).requires_grad
    assert mg.is_grad_enabled()


def test_decorator_with_parentheses_still_works():
    @mg.no_grad()
    def double(t):
        return t * 2

    assert not double(mg.tensor([1.0], requires_grad=True)).requires_grad


def test_no_grad_takes_only_a_function():
    with pytest.raises(TypeError, match="a function"):
        mg.no_grad(3)


@pytest.mark.parametrize("parentheses", [False, True])
def test_decorated_generator_runs_its_body_without_grad(parentheses):
    decorate = mg.no_grad() if parentheses else mg.no_grad
    x = mg.tensor([1.0, 2.0], requires_grad=True)

    @decorate
    def scaled(t, n):
        for k in range(n):
            received = yield t * k
            if received is not None:
                yield received * 2
        return "done"

    gen = scaled(x, 3)
    first = next(gen)
    assert not first.requires_grad
    assert mg.is_grad_enabled()                   # between resumes: the caller's mode
    assert (x * 2).requires_grad
    assert not gen.send(x).requires_grad          # send resumes inside no_grad too
    rest = []
    with pytest.raises(StopIteration) as stop:
        while True:
            rest.append(next(gen))
    assert stop.value.value == "done"
    assert not any(t.requires_grad for t in rest)
    assert mg.is_grad_enabled()


def test_decorated_generator_sees_throw_and_close_inside_the_mode():
    modes = []

    @mg.no_grad
    def watcher():
        try:
            while True:
                try:
                    yield
                except ValueError:
                    modes.append(("throw", mg.is_grad_enabled()))
        finally:
            modes.append(("close", mg.is_grad_enabled()))

    gen = watcher()
    next(gen)
    gen.throw(ValueError("x"))
    gen.close()
    assert modes == [("throw", False), ("close", False)]
    assert mg.is_grad_enabled()


def test_enable_grad_on_a_generator_inside_no_grad():
    @mg.enable_grad
    def recorder(t):
        yield t * 2

    x = mg.tensor([1.0], requires_grad=True)
    with mg.no_grad():
        out = next(recorder(x))
        assert not mg.is_grad_enabled()
    assert out.requires_grad
