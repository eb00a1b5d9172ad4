"""mg.scope: records, nesting, the decorator, and no Graphviz behind it."""

import ast
from pathlib import Path

import pytest

import minigrad as mg
from minigrad.graph import scope as scope_module
from minigrad.graph.trace import collect, scope_chains

GRAPH = Path(mg.__file__).parent / "graph"


def test_a_scope_records_the_tensors_made_inside():
    x = mg.tensor(1.0, requires_grad=True)
    before = x * 2.0
    with mg.scope("block") as s:
        inside = mg.sin(before)
    after = inside + 1.0
    r = s.record
    assert (r.name, r.path, r.depth) == ("block", "block", 0)
    assert r.start <= inside._seq < r.end
    assert not r.start <= before._seq < r.end and not r.start <= after._seq < r.end
    assert scope_module.closed_scopes()[-1] is r


def test_scopes_nest_and_chains_list_them_outermost_first():
    x = mg.tensor(1.0, requires_grad=True)
    with mg.scope("model"):
        with mg.scope("layer1") as inner:
            h = mg.tanh(x)
        out = h * 2.0
    assert (inner.record.path, inner.record.depth) == ("model/layer1", 1)
    tensors, _ = collect(out)
    chains = scope_chains(tensors)
    assert [s.name for s in chains[id(h)]] == ["model", "layer1"]
    assert [s.name for s in chains[id(out)]] == ["model"]
    assert id(x) not in chains


def test_scope_as_a_decorator_and_its_name_check():
    @mg.scope("double")
    def double(t):
        return t * 2.0

    y = double(mg.tensor(1.0, requires_grad=True))
    record = scope_module.closed_scopes()[-1]
    assert record.name == "double" and record.start <= y._seq < record.end
    with pytest.raises(TypeError, match="non-empty string"):
        mg.scope("")


def _imports(path):
    """The modules a file imports at any level, relative ones resolved in graph/."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 1:
                names.add(f"minigrad.graph.{node.module}")
            elif node.level == 2:
                names.add(f"minigrad.{node.module}" if node.module else "minigrad")
            else:
                names.add(node.module)
    return names


def test_only_dot_imports_graphviz_and_scope_imports_no_drawing_code():
    users = {p.name for p in GRAPH.glob("*.py") if "graphviz" in _imports(p)}
    assert users == {"dot.py"}
    assert _imports(GRAPH / "__init__.py") == set()
    assert not any(name.startswith("minigrad.graph") for name in _imports(GRAPH / "scope.py"))
