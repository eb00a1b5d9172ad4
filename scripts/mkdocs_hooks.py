"""MkDocs hook: show docstring examples (``>>>`` lines) as Python console code.

minigrad's docstrings hold doctests as plain ``>>>`` paragraphs, the form
``pytest --doctest-modules`` runs.  Markdown would render them as text and
read ``[0, 1]`` in an output line as a link.  This hook adds a Markdown
preprocessor, used for the pages and for the docstrings that mkdocstrings
renders, that fences every run of lines starting at column 0 with ``>>>``
(with its ``...`` continuations and output lines, up to the next blank line)
as a ``pycon`` code block.  Lines already inside a fence are left alone.
"""

import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

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
