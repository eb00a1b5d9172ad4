"""docs/autodiff.md and functional.py list the functions that are not Tensor
methods; the list must stay exactly true as methods are added."""

import re
from pathlib import Path

import minigrad as mg
import minigrad.functional as F
import minigrad.ops as O

ROOT = Path(__file__).resolve().parents[2]
OPERATORS = {"add", "sub", "mul", "div", "neg"}


def functions_without_methods():
    names = set(O.__all__) | set(F.__all__)
    return {n for n in names if callable(getattr(mg, n, None)) and not hasattr(mg.Tensor, n)}


def listed(text, start, end):
    """The `names` between two markers of a page."""
    part = text[text.index(start):text.index(end, text.index(start))]
    return set(re.findall(r"`(\w+)`", part))


def test_autodiff_page_lists_exactly_the_functions_without_methods():
    text = (ROOT / "docs" / "autodiff.md").read_text()
    operators = listed(text, "the arithmetic primitives", "(there is no")
    functions_only = listed(text, "* `where`", "are functions only")
    functions_only -= {"to", "float"}                    # the cast methods named in passing
    assert operators == OPERATORS
    assert operators | functions_only == functions_without_methods()
    for name in ("pow", "matmul"):                       # both an operator and a method
        assert hasattr(mg.Tensor, name)


def test_functional_docstring_lists_the_same_functions():
    doc = F.__doc__
    part = doc[doc.index("Not every function is a method"):doc.index("keeps this list true")]
    named = set(re.findall(r"``(\w+)``", part)) - {"pow", "matmul"}
    assert named - {"x"} == functions_without_methods()
