"""The table of every operation, generated from ``mg.REGISTRY``.

``scripts/mkdocs_hooks.py`` puts it in place of ``OPERATIONS_MARKER`` when the
site is built: declaring an op in ``minigrad/ops/`` (a primitive, or a
composite declared with ``composite``) is all it takes to be listed.  Kept
apart from the hook so that the test suite can check it without the docs
extras (the hook needs the ``markdown`` package).
"""

import minigrad as mg
from minigrad.primitive import COMPOSITES

OPERATIONS_MARKER = "<!-- operations-table -->"


def operations_table():
    """Markdown table of every registered operation, from its declaration."""
    def code(text):
        return f"`{text}`" if text else ""

    rows = ["| operation | call | Tensor method / operator | kind | domain | local derivative "
            "per argument |", "|---|---|---|---|---|---|"]
    declared = {**mg.REGISTRY, **{n: c for n, c in COMPOSITES.items() if "_test_" not in n}}
    for name, op in sorted(declared.items()):
        public = getattr(mg, name, None) is not None
        call = f"mg.{name}" if public else "(internal)"
        method_names = getattr(op, "method_names", ())
        if name in COMPOSITES and callable(getattr(mg.Tensor, name, None)):
            method_names = (name,)
        methods = ", ".join(code(m) for m in method_names)
        domain = ", ".join(op.domain) if op.domain else "real"
        rules = "; ".join(code(r) for r in (op.rules or ()) if r)
        kind = op.kind or ("tested on declared examples" if op.samples else "shape / index")
        if name in COMPOSITES:
            kind += " (composite)"
        if not op.smooth:
            kind += " (kinks)"
        rows.append(f"| {name} | {code(call) if public else call} | {methods} | {kind} | "
                    f"{domain} | {rules} |")
    return "\n".join(rows)
