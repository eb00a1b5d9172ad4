"""Exercise 4: a linear layer, three arguments.

    linear(x, W, b) = x @ W.T + b

``x`` holds a batch of inputs, one per row, shape (n, d_in); ``W`` has shape
(d_out, d_in) as in ``torch.nn.Linear``; ``b`` has shape (d_out,) and is
broadcast over the batch.  Write the three VJPs.  Then run

    python exercises/ex04_linear.py

(in the repository's venv: ``. .venv/bin/activate`` first, or
``.venv/bin/python exercises/ex04_linear.py``)

Page: docs/exercises/ex04_linear.md
"""


import minigrad as mg

NAME = "linear"
NAMES = ("x", "W", "b")


def forward(x, W, b):
    return x @ W.T + b


def vjp_x(g, out, x, W, b):
    """dL/dx, shape (n, d_in), from g = dL/d(out) of shape (n, d_out)."""
    raise NotImplementedError("write the derivative of linear with respect to x (input 0)")


def vjp_W(g, out, x, W, b):
    """dL/dW, shape (d_out, d_in)."""
    raise NotImplementedError("write the derivative of linear with respect to W (input 1)")


def vjp_b(g, out, x, W, b):
    """dL/db, shape (d_out,) (or g's shape: the engine sums over the batch)."""
    raise NotImplementedError("write the derivative of linear with respect to b (input 2)")


VJPS = (vjp_x, vjp_W, vjp_b)


def sample_inputs(rng):
    n, d_in, d_out = 4, 3, 2
    return (rng.normal(size=(n, d_in)), rng.normal(size=(d_out, d_in)),
            rng.normal(size=d_out))


# ---------------------------------------------------- the checker (no need to edit below)
exercise = mg.Exercise(NAME, NAMES, forward, sample_inputs, VJPS)   # minigrad/exercise.py
OK, make_op, check = exercise.OK, exercise.make_op, exercise.check

if __name__ == "__main__":   # python exercises/exNN_name.py [seed]
    exercise.main()
