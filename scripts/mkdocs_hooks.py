"""MkDocs hooks: docstring examples as console code; the table of operations.

1. The table of every operation.  A page that holds the line
``<!-- operations-table -->`` gets, in its place, a table generated from
``mg.REGISTRY`` (name, call, Tensor method or operator, kind, domain, and the
local derivative of each argument, the text ``mg.draw`` and ``mg.explain``
print).  Declaring an op in ``minigrad/ops/`` is all it takes to be listed.

2. Docstring examples.

minigrad's docstrings hold doctests as plain ``>>>`` paragraphs, the form
``pytest --doctest-modules`` runs.  Markdown would render them as text and
read ``[0, 1]`` in an output line as a link.  This hook adds a Markdown
preprocessor, used for the pages and for the docstrings that mkdocstrings
renders, that fences every run of lines starting at column 0 with ``>>>``
(with its ``...`` continuations and output lines, up to the next blank line)
as a ``pycon`` code block.  Lines already inside a fence are left alone.
"""

import importlib.util
import re
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor


def _sibling(name):
    """MkDocs loads this file by path, so a module beside it is loaded by path too."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_table = _sibling("operations_table")

FENCE = re.compile(r"^\s*(```|~~~)")


class DoctestFence(Preprocessor):
    def run(self, lines):
        out, in_fence, in_example = [], False, False
        for line in lines:
            if in_example and not line.strip():
                out += ["```", ""]
                in_example = False
                continue
            if not in_example and FENCE.match(line):
                in_fence = not in_fence
            elif not in_fence and not in_example and line.startswith(">>>"):
                out += ["", "```pycon"]
                in_example = True
            out.append(line)
        if in_example:
            out.append("```")
        return out


class DoctestFenceExtension(Extension):
    def extendMarkdown(self, md):  # Markdown's API name (camelCase)
        # Before the fenced-code preprocessors (priority 25 and up).
        md.preprocessors.register(DoctestFence(md), "doctest_fence", 40)


def on_config(config):
    config.markdown_extensions.append(DoctestFenceExtension())
    return config


def on_page_markdown(markdown, page, config, files):
    if _table.OPERATIONS_MARKER in markdown:
        markdown = markdown.replace(_table.OPERATIONS_MARKER, _table.operations_table())
    return markdown
