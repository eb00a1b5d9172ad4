"""mg.animate: one frame per step of the engine's one backward pass, with the
ledger's numbers, written as GIF, APNG or a self-contained HTML player."""

import re
import sys

import numpy as np
import pytest
from graph_toys import mlp, scalar, toy
from optional_tools import require_dot, require_module

import minigrad as mg
from minigrad.graph import trace
from minigrad.graph.player import strip_svg
from minigrad.graph.text import number


def neuron():
    """tanh(w x + b) against a target, plus a penalty that uses w a second time."""
    w, b = scalar(0.8, "w"), scalar(-0.2, "b")
    x, y = mg.tensor(1.5, name="x"), mg.tensor(1.0, name="y")
    h = mg.tanh(w * x + b)
    loss = (h - y) ** 2 + 0.1 * w ** 2
    loss.name = "loss"
    return {"w": w, "b": b}, loss


@pytest.fixture(autouse=True)
def _dot():
    require_dot()


@pytest.mark.parametrize("make", [toy, neuron])
def test_one_frame_per_engine_step_then_the_final_frame(make):
    _, loss = make()
    steps = trace.observe_backward(loss).steps
    anim = mg.animate(loss)
    assert len(anim.frames) == len(anim.svgs) == len(anim) == len(steps) + 1
    assert [f.node for f in anim.frames[:-1]] == [node for node, _, _ in steps]
    assert [f.step for f in anim.frames] == list(range(1, len(steps) + 2))
    assert anim.frames[-1].final and not any(f.final for f in anim.frames[:-1])


def test_the_frames_watch_the_one_backward_pass(monkeypatch):
    calls = []
    engine = trace.run_backward

    def counting(*args, **kwargs):
        calls.append(kwargs.get("observer"))
        return engine(*args, **kwargs)

    monkeypatch.setattr(trace, "run_backward", counting)
    p, loss = toy()
    mg.animate(loss)
    assert len(calls) == 1 and calls[0] is not None      # one pass, observed: no replay
    assert all(v.grad is None for v in p.values())        # and nothing written to .grad


@pytest.mark.parametrize("make", [toy, neuron, mlp])
def test_each_frame_has_the_ledgers_and_the_engines_numbers(make):
    made = make()
    params, loss = made if isinstance(made, tuple) else (None, made)
    ledger = mg.explain(loss)
    anim = mg.animate(loss)
    shown = [(f, c) for f in anim.frames for c in f.contributions]
    assert len(shown) == len(ledger)
    totals = {id(loss): np.asarray(1.0)}
    entries = iter(ledger)
    for frame in anim.frames[:-1]:
        for c in frame.contributions:
            e = next(entries)
            assert frame.node is e.node and frame.name == e.output
            assert np.array_equal(frame.incoming, e.incoming)
            assert c.tensor is e.tensor and c.target == e.target and c.index == e.index
            assert c.local == e.local and c.count == e.count and c.text == e.text()
            assert np.array_equal(c.product, e.product) and np.array_equal(c.total, e.total)
            if c.local is not None:
                assert np.isclose(c.product.item(), frame.incoming.item() * c.local)
            totals[id(e.tensor)] = e.total
        assert frame.grads.keys() == totals.keys()           # the boxes: totals so far
        assert all(np.array_equal(frame.grads[k], g) for k, g in totals.items())
    final = anim.frames[-1]
    leaves = [e.tensor for e in ledger if e.tensor._op is None]
    engine = mg.autograd.grad(loss, leaves)
    for t, g in zip(leaves, engine):
        assert np.array_equal(final.grad(t), g)
    if params is not None:
        loss.backward()
        for v in params.values():
            assert np.array_equal(final.grad(v), v.grad)


def test_a_reused_tensor_accumulates_frame_by_frame():
    p, loss = neuron()
    anim = mg.animate(loss)
    w = p["w"]
    uses = [(f.step, c) for f in anim.frames for c in f.contributions if c.tensor is w]
    assert [c.count for _, c in uses] == [1, 2]
    (first_step, first), (second_step, second) = uses
    assert anim.frames[first_step - 1].grad(w) == first.product
    assert anim.frames[second_step - 2].grad(w) == first.product   # unchanged in between
    assert anim.frames[second_step - 1].grad(w) == first.product + second.product
    assert f"=> w.grad = {first.product.item():.4g} + " in second.text
    before = anim.frames[first_step - 2]
    assert before.grad(w) is None                       # not reached yet: no grad row
    parts = f"= {first.product.item():.4g} + {second.product.item():.4g}"
    assert parts in anim.graphs[-1].source                 # w's box in the final frame


def test_the_step_is_marked_in_its_picture():
    _, loss = neuron()
    anim = mg.animate(loss)
    for frame, g in zip(anim.frames[:-1], anim.graphs):
        red = [line for line in g.source.splitlines() if "->" in line and "#dc2626" in line]
        # the op -> node edge, and one edge per argument that received gradient
        assert len(red) == 1 + len(frame.contributions)
        for c in frame.contributions:                     # incoming × local = product
            product = f"{number(frame.incoming.item())} × {number(c.local)} = " \
                      f"{number(c.product.item())}"
            assert any(product in line for line in red), product
    assert "#dc2626" not in anim.graphs[-1].source      # the final frame marks nothing


def test_the_layout_does_not_move_between_frames():
    _, loss = toy()
    anim = mg.animate(loss)

    def positions(g):
        return {line.split()[1]: line.split()[2:4]
                for line in g.pipe(format="plain", encoding="utf-8").splitlines()
                if line.startswith("node ")}

    first = positions(anim.graphs[0])
    assert all(positions(g) == first for g in anim.graphs[1:])
    sizes = {re.search(r'<svg width="[^"]+" height="[^"]+"', s).group(0) for s in anim.svgs}
    assert len(sizes) == 1


def test_gif_and_apng_have_one_frame_per_step(tmp_path):
    image = require_module("PIL.Image")
    _, loss = neuron()
    anim = mg.animate(loss, tmp_path / "backward.gif", duration=0.5)
    for name in ("backward.gif", "backward.png"):
        if name.endswith(".png"):
            assert anim.save(tmp_path / name) == tmp_path / name
        with image.open(tmp_path / name) as movie:
            assert movie.format == ("GIF" if name.endswith(".gif") else "PNG")
            assert movie.is_animated and movie.n_frames == len(anim.frames)
            sizes = set()
            for k in range(movie.n_frames):
                movie.seek(k)
                sizes.add(movie.size)
            assert len(sizes) == 1


def test_html_is_one_offline_file_with_every_frame(tmp_path):
    _, loss = toy()
    anim = mg.animate(loss, tmp_path / "backward.html")
    page = (tmp_path / "backward.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", page)              # nothing to fetch
    assert page.count('class="mg-frame"') == page.count("<svg") == len(anim.frames)
    assert '<input type="range"' in page and f'max="{len(anim.frames) - 1}"' in page
    for act in ("prev", "next", "play"):
        assert f'data-act="{act}"' in page
    assert "<script>" in page and "src=" not in page and "<link" not in page
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")


def test_jupyter_shows_the_html_player():
    _, loss = neuron()
    anim = mg.animate(loss)
    html = anim._repr_html_()
    assert html.count('class="mg-frame"') == html.count("<svg") == len(anim.frames)
    assert "<script>" in html and not re.search(r"https?://", html)
    # Two players in one notebook must not steer each other.
    assert html.split('id="', 1)[1][:20] != anim._repr_html_().split('id="', 1)[1][:20]
    assert "8 steps" in repr(anim)


def test_the_widget_steps_through_the_svgs():
    require_module("ipywidgets")
    _, loss = neuron()
    anim = mg.animate(loss)
    box = anim.widget()
    (play, slider), picture = box.children[0].children, box.children[1]
    assert slider.max == play.max == len(anim.frames) - 1
    assert "<svg" in picture.value and "<?xml" not in picture.value
    slider.value = 3
    assert picture.value == strip_svg(anim.svgs[3])


def test_widget_needs_ipywidgets(monkeypatch):
    _, loss = neuron()
    anim = mg.animate(loss)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match="pip install ipywidgets"):
        anim.widget()


def test_errors(monkeypatch, tmp_path):
    with pytest.raises(TypeError, match="mg.animate needs a Tensor"):
        mg.animate(1.0)
    with pytest.raises(ValueError, match="does not require grad"):
        mg.animate(mg.tensor(2.0) * 3.0)
    x = scalar(2.0, "x")
    with pytest.raises(ValueError, match=r"\.gif, \.png .* or \.html"):
        mg.animate(x * x, tmp_path / "backward.mp4")
    assert not (tmp_path / "backward.mp4").exists()
    with pytest.raises(ValueError, match="duration"):
        mg.animate(x * x, duration=0)
    with pytest.raises(mg.BackwardError):
        mg.animate(mg.tensor([1.0, 2.0], requires_grad=True) * 2.0)   # no gradient= given
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"minigrad\[plot\]"):
        mg.animate(x * x, tmp_path / "backward.gif")
    monkeypatch.setenv("PATH", "")
    with pytest.raises(mg.GraphvizNotFoundError, match="apt-get install graphviz"):
        mg.animate(x * x)


def test_an_array_root_with_its_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True, name="x")
    anim = mg.animate(x * x, gradient=np.array([1.0, -1.0]))
    assert np.array_equal(anim.frames[-1].grad(x), [2.0, -4.0])
    assert "sends [" in anim.graphs[0].source


def test_a_leaf_alone_is_one_final_frame():
    x = scalar(2.0, "x")
    anim = mg.animate(x)
    assert len(anim.frames) == 1 and anim.frames[0].final
    assert anim.frames[0].grad(x) == 1.0 and "x.grad = 1" in anim.frames[0].caption
