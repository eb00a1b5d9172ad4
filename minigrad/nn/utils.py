"""PyTorch's ``nn.utils``: gradient clipping,
[`clip_grad_norm_()`][minigrad.nn.utils.clip_grad_norm_] and
[`clip_grad_value_()`][minigrad.nn.utils.clip_grad_value_], called between ``backward()`` and
``step()``; and [`functional_call()`][minigrad.nn.utils.functional_call] (PyTorch's
``torch.func.functional_call``), which turns a module into a function of its parameters.

They rescale or clip each parameter's ``.grad`` array in place (the trailing
underscore says so, as in PyTorch); no graph holds those arrays, so nothing
already computed changes.

>>> import numpy as np, minigrad as mg
>>> w = mg.nn.Parameter([0.0, 0.0])
>>> w.grad = np.array([3.0, 4.0])
>>> mg.nn.utils.clip_grad_norm_([w], max_norm=1.0)
tensor(5.)
>>> w.grad.round(6).tolist()
[0.6, 0.8]
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor, as_tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "functional_call"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale the gradients of ``parameters`` together so that their total norm is
    at most ``max_norm``; returns the total norm before clipping (a tensor).

    The total norm is that of all gradients joined into one vector
    (``norm_type`` is ``p`` of the p-norm; ``float("inf")`` for the largest
    absolute value).  When it exceeds ``max_norm`` every gradient is
    multiplied by ``max_norm / (total_norm + 1e-6)``, as PyTorch does, so the
    direction of the step is kept.

    >>> import numpy as np, minigrad as mg
    >>> a, b = mg.nn.Parameter([0.0]), mg.nn.Parameter([0.0])
    >>> a.grad, b.grad = np.array([1.0]), np.array([-2.0])
    >>> mg.nn.utils.clip_grad_norm_([a, b], 10.0, norm_type="inf")
    tensor(2.)
    >>> a.grad.tolist(), b.grad.tolist()                # under max_norm: unchanged
    ([1.0], [-2.0])
    """
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return Tensor(0.0)
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    else:
        total = float(np.sum([np.sum(np.abs(g) ** norm_type) for g in grads]) **
                      (1.0 / norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
            f"{total}, so they cannot be clipped; find where the loss becomes non-finite, or "
            f"pass error_if_nonfinite=False")
    coef = min(float(max_norm) / (total + 1e-6), 1.0)
    for g in grads:
        g *= coef           # PyTorch scales even when coef is 1.0; that is exact
    return Tensor(total)


def clip_grad_value_(parameters, clip_value):
    """Clip every gradient element of ``parameters`` into ``[-clip_value, clip_value]``.

    >>> import numpy as np, minigrad as mg
    >>> w = mg.nn.Parameter([0.0, 0.0, 0.0])
    >>> w.grad = np.array([-5.0, 0.5, 2.0])
    >>> mg.nn.utils.clip_grad_value_([w], 1.0)
    >>> w.grad.tolist()
    [-1.0, 0.5, 1.0]
    """
    clip_value = float(clip_value)
    for g in _grads(parameters):
        np.clip(g, -clip_value, clip_value, out=g)


def functional_call(module, params, *args, **kwargs):
    """Call ``module`` with its parameters replaced by ``params``, as a function of them.

    ``params`` is a dict from dotted names to tensors or arrays, or a sequence
    in the order of ``module.parameters()``.  The module is restored
    afterwards.  This turns a model into a function of its parameters, the
    form ``mg.gradcheck``, ``mg.grad`` and ``mg.hessian`` take.

    >>> import numpy as np, minigrad as mg
    >>> net = mg.nn.MLP([2, 3, 1], activation="tanh", seed=0)
    >>> x = np.ones((4, 2))
    >>> mg.gradcheck(lambda *ps: mg.nn.functional_call(net, ps, x), tuple(net.parameters()))
    True
    """
    owners = []                        # (module, attribute, dotted name)
    for mod_name, m in module.named_modules():
        for k, p in m._parameters.items():
            if p is not None:
                owners.append((m, k, f"{mod_name}.{k}" if mod_name else k))
    if isinstance(params, dict):
        unknown = set(params) - {name for _, _, name in owners}
        if unknown:
            raise KeyError(f"functional_call: {sorted(unknown)} are not parameters of "
                           f"{type(module).__name__}; it has {[n for _, _, n in owners]}")
        replace = [(m, k, params[name]) for m, k, name in owners if name in params]
    else:
        params = list(params)
        names = [n for n, _ in module.named_parameters()]
        if len(params) != len(names):
            raise ValueError(f"functional_call: {len(params)} values for the {len(names)} "
                             f"parameters {names} of {type(module).__name__}")
        by_name = dict(zip(names, params))
        replace = [(m, k, by_name[name]) for m, k, name in owners if name in by_name]
    saved = [(m, k, m.__dict__[k]) for m, k, _ in replace]
    try:
        for m, k, value in replace:
            object.__setattr__(m, k, as_tensor(value))
        return module(*args, **kwargs)
    finally:
        for m, k, value in saved:
            object.__setattr__(m, k, value)
