"""Pictures and narratives of the computation graph: ``mg.draw``, ``mg.explain``,
``mg.animate``, ``mg.scope``.

The graph tools only *read* the graph that the tensors record: they never change
a tensor, never write ``.grad`` and hold no calculus.  Gradients come from the
engine's one backward pass (``autograd.run_backward``), observed through its
hook; a local derivative is the op's own VJP evaluated at an incoming gradient
of 1.

* ``scope.py``  ``scope``: name a stretch of computation (no Graphviz import;
  ``nn`` layers import only this module).
* ``trace.py``  reading the graph: tensors, consumers, display names, scope
  chains, local derivatives, and the observed backward pass.
* ``text.py``   how numbers, shapes and derivative rules are written.
* ``ledger.py`` ``explain``: the backward pass as a chain-rule ledger.
* ``layout.py`` what ``draw`` draws: visible boxes, collapsed scopes, size limit.
* ``dot.py``    ``draw``: the Graphviz picture (the only module importing ``graphviz``).
* ``animate.py`` ``animate``: one frame per observed step, each drawn by ``draw``.
* ``player.py`` the HTML player and the GIF / APNG writer of an animation.

This file imports nothing, so ``import minigrad.graph.scope`` does not load Graphviz.
"""
