"""What ``mg.draw`` draws: which tensors get a box, which scopes collapse into
one node, which path is highlighted, and whether the drawing is too big.

Pure bookkeeping on the graph, shared by nothing else; no Graphviz here.
"""

from __future__ import annotations

from ..tensor import Tensor
from .trace import scope_chains

__all__ = ["Plan", "check_size", "path_to"]


class Plan:
    """Which tensors, ops and scope nodes are drawn, and where."""

    def __init__(self, root, tensors, consumers, collapse):
        chains = scope_chains(tensors)
        self.chains = chains
        self.consumers = consumers
        wanted = None
        if isinstance(collapse, str):
            wanted = {collapse}
        elif collapse and collapse is not True:
            wanted = set(collapse)
        self.collapsed = {}               # id(tensor) -> Scope it disappears into
        if collapse:
            for t in tensors:
                for s in chains.get(id(t), ()):
                    if wanted is None or s.name in wanted or s.path in wanted:
                        self.collapsed[id(t)] = s
                        break
        self.scopes = sorted(set(self.collapsed.values()), key=lambda s: s.start)
        self._collapsed_set = set(self.scopes)
        collapsed = self.collapsed
        self.visible = []
        self.absorbed = {}                # Scope -> parameters listed inside its node
        for t in tensors:
            s = collapsed.get(id(t))
            users = consumers.get(id(t), ())
            if s is None:
                inside = {collapsed.get(id(n)) for n, _ in users}
                if (t._op is None and t.requires_grad and users and len(inside) == 1
                        and None not in inside and t is not root):
                    self.absorbed.setdefault(next(iter(inside)), []).append(t)
                    continue
                self.visible.append(t)
            elif t is root or any(collapsed.get(id(n)) is not s for n, _ in users):
                self.visible.append(t)    # an output of the collapsed scope
        self.visible_ids = {id(t) for t in self.visible}

    def has_op_node(self, t):
        """Whether ``t`` gets an op oval (made by an op, not inside a collapsed scope)."""
        return t._op is not None and id(t) not in self.collapsed

    def cluster(self, t):
        """The innermost scope drawn as a box around ``t`` (None: top level).

        Parameters made outside every scope stay outside the boxes: placed
        inside, they pull the boxes out of line and the chain zigzags.
        """
        chain = self.chains.get(id(t), ())
        inner = None
        for s in chain:
            if s in self._collapsed_set:
                break
            inner = s
        return inner


def check_size(root, names, tensors, plan, max_nodes, collapse):
    """Refuse a drawing of more than ``max_nodes`` nodes, saying how to shrink it."""
    if max_nodes is None:
        return
    ops = sum(1 for t in plan.visible if plan.has_op_node(t))
    consts = sum(1 for t in plan.visible if plan.has_op_node(t)
                 for a in t._args if not isinstance(a, Tensor))
    count = len(plan.visible) + ops + consts + len(plan.scopes)
    if count <= max_nodes:
        return
    scopes = sorted({s.name for chain in plan.chains.values() for s in chain})
    if scopes and not collapse:
        hint = (f"This graph has scopes {', '.join(repr(s) for s in scopes[:6])}: draw it "
                f"with collapse=True (each outermost scope becomes one node) or "
                f"collapse={scopes[:2]!r}.")
    else:
        hint = ("Group parts of the computation with `with mg.scope('layer1'): ...` "
                "(an nn layer does this for you) and draw with collapse=True, which turns "
                "each outermost scope into one node, or collapse=['layer1'].")
    raise ValueError(
        f"mg.draw: the graph of {names[id(root)]} has {count} nodes to draw "
        f"({len(plan.visible)} tensors, {ops} ops, {consts} constants, "
        f"{len(plan.scopes)} collapsed scopes), more than max_nodes={max_nodes}. {hint} "
        f"Or pass a larger max_nodes= (None for no limit).")


def path_to(leaf, tensors, consumers):
    """Tensors on a path from ``leaf`` up to the root (iterative search)."""
    if not any(t is leaf for t in tensors):
        raise ValueError(
            f"highlight: tensor {leaf._label()} is not part of this graph; pass a tensor "
            f"the root was computed from.")
    on_path = {id(leaf)}
    stack = [leaf]
    while stack:
        t = stack.pop()
        for node, _i in consumers.get(id(t), ()):
            if id(node) not in on_path:
                on_path.add(id(node))
                stack.append(node)
    return on_path
