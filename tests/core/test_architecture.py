"""The house rules of docs/design.md, checked on the source.

* Data flows one way: every module imports only modules of its own layer or
  below, counting imports inside functions (a lazy import that dodges a cycle
  is still a cycle), and the import graph has no cycle.
* ``tensor.py`` imports only ``errors``; only ``graph/dot.py`` imports graphviz.
* No module is much over 500 lines; no ``noqa`` in the package.
* No module imports another's private (underscored) names.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "minigrad"

#: Bottom to top.  A module may import modules of its own layer or of a lower
#: one.  A subpackage sits in one layer as a whole.
LAYERS = [
    {"errors", "random", "dtypes"},
    {"tensor"},
    {"primitive", "op_errors", "grad_mode", "anomaly", "arguments"},
    {"ops"},
    {"autograd"},
    {"functional", "creation", "serialization", "ufuncs", "shape", "reductions", "linalg"},
    {"transforms", "fresh_variables", "forward", "program", "tracing", "jit"},
    {"gradcheck", "losses", "graph", "exercise"},
    {"nn", "optim"},
    {"data", "utils", "train", "callbacks", "metrics", "lab"},
    {""},                      # minigrad/__init__.py: re-exports only
]
RANK = {name: rank for rank, layer in enumerate(LAYERS) for name in layer}
MAX_LINES = 500


def module_name(path):
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path):
    """Every ``minigrad`` module and name imported anywhere in ``path``:
    (target module, imported names, line)."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    package = [p for p in package if p]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)]
            names = [a.name for a in node.names]
            if node.module is None:        # from . import ops, losses
                found += [(".".join(base + [n]), [], node.lineno) for n in names]
            else:
                found.append((".".join(base + node.module.split(".")), names, node.lineno))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("minigrad"):
            found.append((node.module.removeprefix("minigrad").lstrip("."),
                          [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name.removeprefix("minigrad").lstrip("."), [], node.lineno)
                      for a in node.names if a.name.startswith("minigrad")]
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(name):
    top = name.split(".")[0]
    if top not in RANK:
        pytest.fail(f"module minigrad.{name} is in no layer of LAYERS in {__file__}: "
                    f"place it there (and in docs/design.md)")
    return RANK[top]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_one_above_it(name):
    for target, _names, line in imports(MODULES[name]):
        assert layer_of(target) <= layer_of(name), (
            f"minigrad.{name} (line {line}) imports minigrad.{target}, which is in a "
            f"higher layer: data flows one way (docs/design.md)")


def test_the_import_graph_has_no_cycle():
    graph = {}
    for name, path in MODULES.items():
        deps = set()
        for target, _names, _line in imports(path):
            # "from .graph.dot import draw" depends on graph.dot; "from . import ops" on ops
            deps.add(target if target in MODULES else target.rsplit(".", 1)[0])
        graph[name] = deps - {name}
    state = {}

    def visit(node, path):
        state[node] = "open"
        for dep in graph.get(node, ()):
            if state.get(dep) == "open":
                cycle = path[path.index(dep):] + [dep]
                pytest.fail("import cycle: " + " -> ".join(f"minigrad.{m}" for m in cycle))
            if dep not in state:
                visit(dep, path + [dep])
        state[node] = "done"

    for name in graph:
        if name not in state:
            visit(name, [name])


def test_tensor_imports_only_errors():
    assert {target for target, _n, _l in imports(MODULES["tensor"])} == {"errors"}


def test_only_graph_dot_imports_graphviz():
    importers = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import) and any(a.name == "graphviz" for a in node.names):
                importers.append(name)
            if isinstance(node, ast.ImportFrom) and node.module == "graphviz":
                importers.append(name)
    assert importers == ["graph.dot"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_short_and_carry_no_noqa(name):
    text = MODULES[name].read_text()
    assert len(text.splitlines()) <= MAX_LINES, f"minigrad.{name} is over {MAX_LINES} lines"
    assert "noqa" not in text, f"minigrad.{name} has a noqa directive"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_names_cross_modules(name):
    for target, names, line in imports(MODULES[name]):
        private = [n for n in names if n.startswith("_") and n != "__version__"]
        assert not private, (f"minigrad.{name} (line {line}) imports private "
                             f"{private} from minigrad.{target}")


def test_init_only_re_exports():
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    for node in tree.body:
        assert isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.Expr)), (
            f"minigrad/__init__.py line {node.lineno}: only imports, __all__ and "
            f"__version__ belong there")
        if isinstance(node, ast.Assign):
            assert [t.id for t in node.targets] in (["__all__"], ["__version__"])
