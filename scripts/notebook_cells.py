"""The cells of the lesson notebooks, one list per lesson: ("md", text) or ("code", text).

scripts/make_notebooks.py turns each list into notebooks/<name>.ipynb. Edit here,
then run it; the notebooks are stored without outputs.
"""

SETUP = r"""
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import minigrad as mg
import minigrad.lab.plot as mplot    # the chapter's pictures

np.set_printoptions(precision=4, suppress=True)
"""

# --------------------------------------------------------------------------- 01
L01 = [
    ("md", r"""
# Lesson 1: gradient descent and line search

Training a model means choosing its parameters $\phi$ so that a loss $L[\phi]$,
one number that measures how badly the model fits the training pairs
$\{x_i, y_i\}$, is as small as we can make it:

$$\hat{\phi} = \underset{\phi}{\operatorname{argmin}} \; L[\phi]. \tag{6.1}$$

For a handful of parameters we could search a grid, but a network has millions.
Gradient descent instead starts from a guess and repeats two moves:

1. measure the slope of the loss at the current parameters, the gradient
   $\dfrac{\partial L}{\partial \phi} = \left[\dfrac{\partial L}{\partial \phi_0},
   \dots, \dfrac{\partial L}{\partial \phi_N}\right]^\top$ (eq. 6.2), which points uphill;
2. take a step downhill, of a size set by the learning rate $\alpha$:

$$\phi \leftarrow \phi - \alpha \, \frac{\partial L}{\partial \phi}. \tag{6.3}$$

In this lesson minigrad computes step 1 for us (its backward pass), and we
look at two ways of choosing $\alpha$: a fixed number, and a line search.
"""),
    ("code", SETUP),
    ("md", r"""
## The data and the model

The twelve input/output pairs are the ones of the book's companion notebook
(`mg.lab.datasets.book_linear()`). The model is a straight line with an
intercept $\phi_0$ and a slope $\phi_1$:

$$f[x, \phi] = \phi_0 + \phi_1 x. \tag{6.4}$$
"""),
    ("code", r"""
x, y = mg.lab.datasets.book_linear()
print(x.shape, y.shape)
mplot.data_fit(x, y, title="The twelve training pairs")
"""),
    ("md", r"""
## The least-squares loss

The loss adds up the squared differences between what the line predicts and
what was observed:

$$L[\phi] = \sum_{i=1}^{I} \big(f[x_i, \phi] - y_i\big)^2
          = \sum_{i=1}^{I} \big(\phi_0 + \phi_1 x_i - y_i\big)^2. \tag{6.5}$$

`mg.lab.models.make_loss` builds exactly this function of $\phi$ from a model
and the data (a *sum* over the examples, the book's convention; PyTorch's
`mse_loss` takes the mean unless you pass `reduction="sum"`). The companion
notebook checks its loss at $\phi = (0.6, -0.2)$, where it is 12.367; so does
this one.
"""),
    ("code", r"""
L = mg.lab.models.make_loss(mg.lab.models.linear, x, y)
check = L(np.array([0.6, -0.2])).item()
print(f"L[0.6, -0.2] = {check:.3f}")
assert round(check, 3) == 12.367

# The same number written with PyTorch's loss function:
line = mg.lab.models.linear(x, mg.tensor([0.6, -0.2]))
print(mg.losses.mse_loss(line, y, reduction="sum").item())
"""),
    ("md", r"""
## The gradient, by hand and by the backward pass

Differentiating one term $\ell_i = (\phi_0 + \phi_1 x_i - y_i)^2$ of the sum gives

$$\frac{\partial \ell_i}{\partial \phi_0} = 2(\phi_0 + \phi_1 x_i - y_i), \qquad
  \frac{\partial \ell_i}{\partial \phi_1} = 2x_i(\phi_0 + \phi_1 x_i - y_i), \tag{6.7}$$

and the gradient of $L$ is the sum of these over $i$. minigrad gets the same
numbers without the calculus: mark $\phi$ with `requires_grad=True`, compute the
loss, call `backward()`, and read `phi.grad`, exactly as in PyTorch.
"""),
    ("code", r"""
phi = mg.tensor([0.6, -0.2], requires_grad=True)
loss = L(phi)
loss.backward()

residual = 0.6 - 0.2 * x - y
by_hand = np.array([np.sum(2 * residual), np.sum(2 * x * residual)])
print("backward pass:", phi.grad)
print("equation 6.7: ", by_hand)
assert np.allclose(phi.grad, by_hand)
"""),
    ("md", r"""
## Gradient descent with a fixed learning rate

Here is equation 6.3 as a PyTorch-style training loop: an optimizer holds the
parameters, `zero_grad()` clears the old gradient, `backward()` computes the
new one and `step()` moves downhill. `mg.optim.SGD` with no momentum is plain
gradient descent when it is fed the gradient of the whole training set.

The learning rate must suit the curvature: too small and the descent crawls,
too large and each step overshoots the valley floor, further each time.
"""),
    ("code", r"""
def descend(lr, steps=40, start=(1.6, -0.8)):
    phi = mg.tensor(start, requires_grad=True)
    opt = mg.optim.SGD([phi], lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = L(phi)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses)

curves = {f"lr = {lr}": descend(lr) for lr in (0.005, 0.02, 0.04)}
for label, c in curves.items():
    print(f"{label:>10}: loss after 40 steps {c[-1]:.4g}")
mplot.loss_curves(curves, title="Fixed learning rates")
"""),
    ("md", r"""
The largest rate oscillates: its loss grows. The reason is the curvature. For a
quadratic loss, a fixed step is stable only when $\alpha < 2/\lambda_{\max}$,
where $\lambda_{\max}$ is the largest eigenvalue of the Hessian, the matrix of
second derivatives. minigrad computes the Hessian by differentiating twice
(`mg.hessian`):
"""),
    ("code", r"""
H = mg.hessian(L)(np.array([0.0, 0.0]))
eig = np.linalg.eigvalsh(H)
print("Hessian:\n", H)
print("eigenvalues:", eig, " ->  stability limit 2/lambda_max =", round(2 / eig.max(), 4))
"""),
    ("md", r"""
Both eigenvalues are positive everywhere (the Hessian of a sum of squares of
linear functions does not depend on $\phi$), so the loss is **convex**: a single
bowl, and gradient descent cannot get stuck on the way to its bottom. The
eigenvalues are far apart, so the bowl is a long narrow valley: a rate small
enough for the steep direction is slow along the shallow one.

## Line search: let the loss choose the step

Instead of fixing $\alpha$, a **line search** looks along the downhill direction
$-\partial L/\partial\phi$ and walks to (close to) the lowest point on that line.
The bracketing search of the book (figure 6.10) keeps four points
$a < b < c < d$ along the line and repeatedly throws away an outer part: if
$L[b] > L[c]$ the minimum cannot be in $[a, b]$, otherwise it cannot be in
$[c, d]$. Here is one search, from $\phi = (1.6, -0.8)$:
"""),
    ("code", r"""
start = np.array([1.6, -0.8])
g = mg.grad(L)(start)                      # the gradient as a NumPy array
along = lambda alpha: L(start - alpha * g).item()
result = mg.optim.Bracketing(max_dist=0.05, thresh=1e-5).search(along)
print("first brackets (a, b, c, d):\n", result.brackets[:3])
print("chosen step alpha =", round(result.lr, 5))

# For a quadratic, the best step is known exactly: alpha* = g.g / (g.H.g).
exact = g @ g / (g @ mg.hessian(L)(start) @ g)
print("exact best step  =", round(exact, 5))
mplot.line_search_probes(along, result.brackets[:, 1:3].ravel()[:12], 0.05,
                         chosen=result.lr, title="Bracketing along the downhill line")
"""),
    ("md", r"""
`mg.lab.minimize` runs an optimizer and records its whole path. Gradient descent
with this line search (`mg.optim.GD(..., line_search=Bracketing(...))`) reaches
the bottom of the valley in a few steps. Because each search stops where the
loss stops falling along its line, the next gradient is perpendicular to the
step just taken: the path turns by a right angle at every point (problem 6.7).
"""),
    ("code", r"""
run = mg.lab.minimize(L, start, optimizer="GD", steps=8,
                      line_search=mg.optim.Bracketing(max_dist=0.5))
print(run)
print("losses:", run.trajectory.loss.round(3))

grads = [mg.grad(L)(p) for p in run.trajectory.x[:5]]
cosines = [a @ b / np.linalg.norm(a) / np.linalg.norm(b) for a, b in zip(grads, grads[1:])]
print("cosine between consecutive gradients:", np.round(cosines, 4))

fixed = mg.lab.minimize(L, start, optimizer="GD", steps=8, lr=0.02)
mplot.loss_surface(lambda P: L(P[..., None]), (-0.5, 2.0), (-1.0, 1.5), vectorized=True,
                   trajectories=[run.trajectory.x, fixed.trajectory.x],
                   labels=["line search", "fixed lr = 0.02"], number_steps=True, log=True,
                   title="Eight steps on the least-squares loss")
"""),
    ("md", r"""
Seen in data space, each iterate is a line, and the lines close in on the data
(compare figure 6.1d):
"""),
    ("code", r"""
fits = {f"step {k}": (lambda xs, p=p: p[0] + p[1] * xs)
        for k, p in enumerate(run.trajectory.x[:5])}
mplot.data_fit(x, y, fits, progression=True, title="The line after each step")
"""),
    ("md", r"""
The least-squares problem also has a closed-form answer (the normal
equations), which a longer descent reaches:
"""),
    ("code", r"""
A = np.stack([np.ones_like(x), x], axis=1)
exact_phi = np.linalg.lstsq(A, y, rcond=None)[0]
longer = mg.lab.minimize(L, start, optimizer="GD", steps=40, tol=1e-6,
                         line_search=mg.optim.Bracketing(max_dist=0.5))
print("normal equations:", exact_phi.round(4), "  gradient descent:", longer.x.round(4))
assert np.allclose(exact_phi, longer.x, atol=1e-3)
"""),
    ("md", r"""
## Things to try

* Change the start and the learning rates above; find the rate at which the
  fixed-step descent starts to diverge and compare it with $2/\lambda_{\max}$.
* Replace `Bracketing` with `mg.optim.GoldenSection` or `mg.optim.Backtracking`:
  how many loss evaluations does each step cost (`run.trajectory.probe_loss`)?
* The next lesson fits a model whose loss is *not* a bowl.
"""),
]

# --------------------------------------------------------------------------- 02
L02 = [
    ("md", r"""
# Lesson 2: the Gabor model, local minima and saddle points

The straight line of lesson 1 had a convex loss: one bowl, one bottom. Most
models do not. The book's example is the **Gabor model**, a sine wave inside a
Gaussian envelope, with two parameters:

$$f[x, \phi] = \sin\big[\phi_0 + 0.06\,\phi_1 x\big] \cdot
  \exp\!\left(-\frac{(\phi_0 + 0.06\,\phi_1 x)^2}{32}\right). \tag{6.8}$$

$\phi_0$ shifts the wave left and right and $\phi_1$ squeezes it. In this
lesson we draw its loss, find its minima and saddle points, and tell them
apart with the Hessian.
"""),
    ("code", SETUP),
    ("code", r"""
x, y = mg.lab.datasets.book_gabor()          # the companion notebooks' thirty pairs
gabor = mg.lab.models.gabor
L = mg.lab.models.make_loss(gabor, x, y)      # least squares, a sum over the pairs
shapes = {f"phi = {p}": (lambda xs, p=p: gabor(xs, p)) for p in ([0, 16.6], [2, 16.6], [0, 8])}
mplot.data_fit(x, y, shapes, x_range=(-15, 15), title="The Gabor model for three phi")
"""),
    ("md", r"""
## The loss over both parameters

`make_loss` sums over the last axis, so evaluating it on a grid of parameter
values at once (`P[..., None]`) gives the whole surface in one call. It is
nothing like a bowl: there is a long valley around the best fit, and many
smaller hollows besides.
"""),
    ("code", r"""
surface = lambda P: L(P[..., None])
window = dict(p0_range=(-10, 10), p1_range=(2.5, 22.5), vectorized=True, resolution=100)
mplot.loss_surface(surface, **window, title="Least-squares loss of the Gabor model")
"""),
    ("md", r"""
## Gradient descent ends where it starts

Gradient descent only ever goes downhill, so it stops at the bottom of whatever
hollow it starts in. Three runs with the line search of lesson 1:
"""),
    ("code", r"""
search = mg.optim.Bracketing(max_dist=2.0, thresh=1e-3)
starts = [[0.0, 17.6], [3.0, 10.8], [-6.0, 20.0]]
runs = [mg.lab.minimize(L, s, optimizer="GD", steps=150, tol=1e-3, line_search=search)
        for s in starts]
for s, r in zip(starts, runs):
    print(f"start {s} -> phi = {r.x.round(3)}, loss {r.loss:.3f}")
mplot.loss_surface(surface, **window, trajectories=[r.trajectory.x for r in runs],
                   labels=[f"start {k + 1}" for k in range(3)],
                   title="Gradient descent from three starts")
"""),
    ("md", r"""
Each run stopped where the gradient is (almost) zero, but with very different
losses. Only the first is the **global minimum**; the others are **local
minima**: every small move from them raises the loss, yet far better
parameters exist elsewhere. The models make the difference plain:
"""),
    ("code", r"""
ends = {f"end {k + 1}, loss {r.loss:.2f}": (lambda xs, p=r.x: gabor(xs, p))
        for k, r in enumerate(runs)}
mplot.data_fit(x, y, ends, x_range=(-15, 15), title="The model at the three ends")
"""),
    ("md", r"""
## Telling critical points apart: the Hessian

A point where the gradient vanishes is a *critical point*. Whether it is a
minimum, a maximum or a saddle is decided by the second derivatives, the
Hessian

$$H = \frac{\partial^2 L}{\partial \phi\, \partial \phi^\top} =
\begin{bmatrix}
\dfrac{\partial^2 L}{\partial \phi_0^2} & \dfrac{\partial^2 L}{\partial \phi_0 \partial
   \phi_1}\\[2mm]
\dfrac{\partial^2 L}{\partial \phi_1 \partial \phi_0} & \dfrac{\partial^2 L}{\partial \phi_1^2}
\end{bmatrix}.$$

Near a critical point the loss looks like $\tfrac12 \delta^\top H \delta$. If
every eigenvalue of $H$ is positive the loss rises in every direction (a
minimum); if all are negative it falls in every direction (a maximum); with
both signs it rises one way and falls another: a **saddle point**, where the
gradient is zero yet we are not at the bottom of anything.

`mg.hessian(L)` differentiates minigrad's backward pass a second time. Newton's
method, $\phi \leftarrow \phi - H^{-1}\,\partial L/\partial \phi$, jumps to the
critical point of the local quadratic, whatever its kind, so it is a handy way
to *find* saddle points that gradient descent would slide off.
"""),
    ("code", r"""
def classify(start):
    end = mg.lab.minimize(L, start, optimizer="Newton", steps=25).x
    H = mg.hessian(L)(end)
    eig = np.linalg.eigvalsh(H)
    kind = mg.lab.classify_critical_point(L, end)
    print(f"from {start}: phi = {end.round(3)}, |grad| = "
          f"{np.linalg.norm(mg.grad(L)(end)):.1e}, eigenvalues {eig.round(3)} -> {kind}")
    return end, kind

best, kind = classify([0.2, 16.0])
assert kind == "minimum"
saddle, kind = classify([6.3, 14.9])
assert kind == "saddle"
"""),
    ("md", r"""
Now a systematic search: Newton's method from a lattice of starts, keeping
each distinct point where the gradient vanished, classified by its Hessian.
"""),
    ("code", r"""
found = {}
for p0 in np.linspace(-9, 9, 7):
    for p1 in np.linspace(4, 21, 6):
        end = mg.lab.minimize(L, [p0, p1], optimizer="Newton", steps=20).x
        inside = -10 <= end[0] <= 10 and 2.5 <= end[1] <= 22.5
        if not inside or np.linalg.norm(mg.grad(L)(end)) > 1e-6:
            continue
        key = tuple(end.round(2))
        if key not in found:
            found[key] = mg.lab.classify_critical_point(L, end)

kinds = {k: [p for p, v in found.items() if v == k] for k in ("minimum", "saddle", "maximum")}
print({k: len(v) for k, v in kinds.items()})
minima = np.array(kinds["minimum"])
best = minima[np.argmin([L(p).item() for p in minima])]
points = {"global minimum": (best[None], "o", "0.75"),
          "local minima": (minima[(minima != best).any(axis=1)], "o", "cyan"),
          "saddle points": (np.array(kinds["saddle"]), "X", "royalblue"),
          "maxima": (np.array(kinds["maximum"]), "^", "red")}
mplot.loss_surface(surface, **window, points=points, points_on_top=True,
                   title="Critical points found by Newton's method")
"""),
    ("md", r"""
## What to take away

* A non-convex loss has many critical points; gradient descent stops at one
  of them, chosen by where it started.
* The Hessian's eigenvalues classify a critical point. In high dimensions
  saddle points are far more common than local minima (a minimum needs *every*
  eigenvalue positive).
* Lesson 3 adds noise to the descent on purpose, which lets it escape some of
  these traps.

## Things to try

* Start gradient descent from a saddle point found above, nudged by $10^{-3}$:
  which way does it leave?
* `mg.lab.hessian_eigenvalues(L, phi)` and `mg.lab.check_convexity` do the
  bookkeeping above in one call each.
"""),
]

# --------------------------------------------------------------------------- 03
L03 = [
    ("md", r"""
# Lesson 3: stochastic gradient descent, batches and epochs

Gradient descent is deterministic: from a given start it always ends in the
same place, trapped or not (lesson 2). **Stochastic gradient descent** (SGD)
computes each step's gradient from a random subset of the training data, a
*batch* $\mathcal{B}_t$, instead of from all of it:

$$\phi_{t+1} \leftarrow \phi_t - \alpha \sum_{i \in \mathcal{B}_t}
  \frac{\partial \ell_i[\phi_t]}{\partial \phi}. \tag{6.10}$$

The batch gradient is a noisy estimate of the full one: on average it points
downhill, but each step can wander, even uphill on the full loss. That noise
is what lets SGD climb out of a hollow that would trap gradient descent, and
each step is cheaper because it looks at fewer examples.
"""),
    ("code", SETUP),
    ("md", r"""
## Batches and epochs

The batches are drawn *without replacement*: the data set is shuffled, then cut
into batches, and one pass through all of them is an **epoch**. With 30
examples and batches of 4 an epoch has 8 batches, the last one with only 2
examples (`drop_last=True` would skip it).
"""),
    ("code", r"""
x, y = mg.lab.datasets.book_gabor()
rng = np.random.default_rng(0)
for epoch in range(2):
    sizes = [len(xb) for xb, yb in mg.data.batches((x, y), batch_size=4, rng=rng)]
    print(f"epoch {epoch}: batch sizes {sizes}")
"""),
    ("md", r"""
PyTorch's way to say the same is a `TensorDataset` and a `DataLoader`, and
minigrad has both under the same names. Each `for` loop over the loader is one
epoch, freshly shuffled:
"""),
    ("code", r"""
from minigrad.utils.data import DataLoader, TensorDataset

loader = DataLoader(TensorDataset(mg.tensor(x), mg.tensor(y)), batch_size=4,
                    shuffle=True, generator=0)
print("batches per epoch:", len(loader))
xb, yb = next(iter(loader))
print("first batch:", xb.shape, yb.shape)
"""),
    ("md", r"""
## A different loss at every step

Each batch has its own loss $L_t[\phi] = \sum_{i\in\mathcal{B}_t} \ell_i[\phi]$,
and SGD takes one step downhill on it. The pictures show the full loss next to
the losses of two batches: their valleys are in roughly the same places, but
their shapes differ, and so do their gradients.
"""),
    ("code", r"""
gabor = mg.lab.models.gabor
L = mg.lab.models.make_loss(gabor, x, y)
window = dict(p0_range=(-10, 10), p1_range=(2.5, 22.5), vectorized=True, resolution=80)

fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
mplot.loss_surface(lambda P: L(P[..., None]), **window, ax=axes[0], title="full loss")
batches = list(mg.data.batches((x, y), batch_size=5, rng=np.random.default_rng(1)))
for ax, (xb, yb), k in zip(axes[1:], batches, (1, 2)):
    Lb = mg.lab.models.make_loss(gabor, xb, yb)
    mplot.loss_surface(lambda P, Lb=Lb: Lb(P[..., None]), **window, ax=ax,
                       title=f"loss of batch {k} (5 examples)")
fig.tight_layout()
"""),
    ("md", r"""
## SGD escapes a local minimum

`mg.lab.minimize` runs SGD when it is given `batches=` (an iterable of batches,
one per step) and a loss `f(phi, batch)`; it still records the full loss at
every point. From start 2 of lesson 2, gradient descent with a line search goes
straight into a local minimum. SGD with a fixed learning rate and batches of
five, from the same start:
"""),
    ("code", r"""
def batch_loss(phi, batch=None):
    xb, yb = (x, y) if batch is None else batch
    return mg.lab.models.make_loss(gabor, xb, yb)(phi)

def sgd_run(seed, start=(3.0, 10.8), epochs=40, lr=0.8, batch_size=5):
    stream = mg.data.epochs((x, y), batch_size=batch_size, n_epochs=epochs,
                            rng=np.random.default_rng(seed))
    return mg.lab.minimize(batch_loss, start, optimizer="GD", steps=10**6, lr=lr,
                           batches=(b for _, b in stream))

gd = mg.lab.minimize(L, [3.0, 10.8], optimizer="GD", steps=150, tol=1e-3,
                     line_search=mg.optim.Bracketing(max_dist=2.0, thresh=1e-3))
sgd = sgd_run(seed=0)
print(f"GD : phi = {gd.x.round(2)}, loss {gd.loss:.3f}")
print(f"SGD: phi = {sgd.x.round(2)}, loss {sgd.loss:.3f} after {sgd.trajectory.steps} steps")
mplot.loss_surface(lambda P: L(P[..., None]), **window,
                   trajectories=[gd.trajectory.x, sgd.trajectory.x],
                   labels=["gradient descent", "SGD, batches of 5"],
                   title="From the same start")
"""),
    ("md", r"""
The full loss along the SGD path is not monotone: some steps go uphill on the
full loss, because they followed the batch's loss instead.
"""),
    ("code", r"""
ups = int(np.sum(np.diff(sgd.trajectory.loss) > 0))
print(f"{ups} of {sgd.trajectory.steps} SGD steps raised the full loss")
mplot.loss_curves({"gradient descent": gd.trajectory.loss, "SGD": sgd.trajectory.loss},
                  title="Full loss along each path")
"""),
    ("md", r"""
One run could be luck. Over several seeds (each a different order of batches):
"""),
    ("code", r"""
finals = [sgd_run(seed) for seed in range(6)]
near = [np.linalg.norm(r.x - [0.0, 16.0]) < 1.5 for r in finals]
print("final phi:", [r.x.round(1).tolist() for r in finals])
print(f"{sum(near)} of {len(finals)} SGD runs ended in the valley of the global minimum; "
      "gradient descent from this start never does")
"""),
    ("md", r"""
## Epochs and learning rate, PyTorch style

The same training written as the loop you would write in PyTorch: a model
whose parameters are a tensor, `DataLoader`, `mg.optim.SGD`, and the mean
loss of each epoch recorded. A smaller batch gives more (noisier) steps per
epoch.
"""),
    ("code", r"""
def train(batch_size, lr, epochs=30, seed=0):
    phi = mg.tensor([3.0, 10.8], requires_grad=True)
    opt = mg.optim.SGD([phi], lr=lr)
    loader = DataLoader(TensorDataset(mg.tensor(x), mg.tensor(y)), batch_size=batch_size,
                        shuffle=True, generator=seed)
    history = []
    for epoch in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = mg.losses.mse_loss(gabor(xb, phi), yb, reduction="sum")
            loss.backward()
            opt.step()
        history.append(L(phi.detach()).item())
    return history

curves = {f"batch {b}, lr {lr}": train(b, lr) for b, lr in ((30, 0.8), (10, 0.8), (5, 0.8))}
mplot.loss_curves(curves, xlabel="epoch", title="Full loss after each epoch")
"""),
    ("md", r"""
With the whole data set as one batch this is gradient descent with a fixed
step, and it settles in the local minimum at once. The smaller the batch, the
more (and noisier) steps each epoch takes: here batches of 10 leave the local
minimum but wander between other hollows, and batches of 5 reach the valley of
the global minimum and keep bouncing around its floor. With a fixed learning
rate the noise never dies down; lesson 5 lowers the rate as training goes on.

## Things to try

* Change `batch_size` and `lr` together: is a larger batch happier with a
  larger learning rate?
* How many epochs are 1000 steps with 30 examples and batches of 4
  (problem 6.9)? Check your answer by counting the batches of `mg.data.epochs`.
"""),
]

LESSONS = {
    "01_gradient_descent": L01,
    "02_gabor_minima_saddles": L02,
    "03_sgd_batches_epochs": L03,
}

# --------------------------------------------------------------------------- 04
L04 = [
    ("md", r"""
# Lesson 4: momentum and Nesterov momentum

SGD's steps are noisy, and in a narrow valley even exact gradients point
mostly across the valley rather than along it, so the path zig-zags. **Momentum**
replaces the gradient by a running average of recent gradients. In the book's
form (eq. 6.11), with batch $\mathcal{B}_t$ and a weight $\beta \in [0, 1)$:

$$\begin{aligned}
\mathbf{m}_{t+1} &\leftarrow \beta\,\mathbf{m}_t + (1-\beta)
   \sum_{i\in\mathcal{B}_t} \frac{\partial \ell_i[\phi_t]}{\partial \phi} \\
\phi_{t+1} &\leftarrow \phi_t - \alpha\,\mathbf{m}_{t+1}.
\end{aligned} \tag{6.11}$$

Unrolling the recursion, $\mathbf{m}_{t+1}$ weights the gradient of $k$ steps
ago by $(1-\beta)\beta^{k}$: the components that keep changing sign (across
the valley) cancel, and those that agree (along it) add up.

**Nesterov momentum** (eq. 6.12) measures the gradient not where we are but
where the momentum is about to carry us, the look-ahead point
$\phi_t - \alpha\beta\,\mathbf{m}_t$:

$$\begin{aligned}
\mathbf{m}_{t+1} &\leftarrow \beta\,\mathbf{m}_t + (1-\beta)
   \sum_{i\in\mathcal{B}_t} \frac{\partial \ell_i[\phi_t -
   \alpha\beta\,\mathbf{m}_t]}{\partial \phi} \\
\phi_{t+1} &\leftarrow \phi_t - \alpha\,\mathbf{m}_{t+1}.
\end{aligned} \tag{6.12}$$

so it can correct a step that would overshoot before taking it.
"""),
    ("code", SETUP),
    ("md", r"""
## The weights of the average

The weight each past gradient gets in $\mathbf{m}$, for three values of
$\beta$ (problem 6.10). A larger $\beta$ remembers longer; the weights always
add up to (almost) one.
"""),
    ("code", r"""
k = np.arange(40)
fig, ax = plt.subplots(figsize=(6, 3.5))
for beta in (0.5, 0.8, 0.95):
    w = (1 - beta) * beta ** k
    ax.plot(k, w, "o-", ms=3, label=f"beta = {beta} (sum of 40: {w.sum():.3f})")
ax.set_xlabel("steps ago"); ax.set_ylabel("weight in m"); ax.legend(); ax.grid(alpha=0.3)
"""),
    ("md", r"""
## Three optimizers on the same batches

The Gabor loss of lessons 2 and 3, with the same sequence of batches of five
for every optimizer, so that only the update rule differs. `mg.optim.Momentum`
and `mg.optim.Nesterov` are the book's equations 6.11 and 6.12;
`mg.lab.minimize` runs them and records the path.
"""),
    ("code", r"""
x, y = mg.lab.datasets.book_gabor()
gabor = mg.lab.models.gabor
L = mg.lab.models.make_loss(gabor, x, y)

def batch_loss(phi, batch=None):
    xb, yb = (x, y) if batch is None else batch
    return mg.lab.models.make_loss(gabor, xb, yb)(phi)

stream = mg.data.epochs((x, y), batch_size=5, n_epochs=20, rng=np.random.default_rng(2))
batches = [b for _, b in stream]                      # 120 batches, shared by all runs
start, lr = [-1.5, 20.0], 0.3
runs = {
    "SGD": mg.lab.minimize(batch_loss, start, "GD", steps=120, lr=lr, batches=batches),
    "momentum": mg.lab.minimize(batch_loss, start, "Momentum", steps=120, lr=lr, beta=0.9,
                                batches=batches),
    "Nesterov": mg.lab.minimize(batch_loss, start, "Nesterov", steps=120, lr=lr, beta=0.9,
                                batches=batches),
}
for name, r in runs.items():
    print(f"{name:>9}: phi = {r.x.round(3)}, loss {r.loss:.3f}")
mplot.loss_surface(lambda P: L(P[..., None]), (-4, 4), (12, 21), vectorized=True,
                   resolution=80, trajectories=[r.trajectory.x for r in runs.values()],
                   labels=list(runs), title="120 steps on the same batches")
"""),
    ("code", r"""
mplot.loss_curves({name: r.trajectory.loss for name, r in runs.items()},
                  title="Full loss along each path")
"""),
    ("md", r"""
Plain SGD changes direction with every batch; the momentum methods average
the batch gradients, so their paths are smoother and they keep moving along
the valley floor instead of across it.

## Larger learning rates

Averaging also lets momentum make better use of a larger learning rate. The
full loss after 120 steps for a range of rates (`nan` would mean the run
diverged):
"""),
    ("code", r"""
rates = [0.1, 0.2, 0.4, 0.8]
print("lr      " + "".join(f"{lr:>10}" for lr in rates))
for name, extra in (("GD", {}), ("Momentum", {"beta": 0.9}), ("Nesterov", {"beta": 0.9})):
    finals = []
    for lr in rates:
        r = mg.lab.minimize(batch_loss, start, name, steps=120, lr=lr, batches=batches, **extra)
        finals.append(r.loss if r.trajectory.steps == 120 else float("nan"))
    print(f"{name:<8}" + "".join(f"{v:>10.3f}" for v in finals))
"""),
    ("md", r"""
## The same thing in PyTorch's words

PyTorch's `SGD(momentum=β)` keeps a buffer $\mathbf{b} \leftarrow \beta\mathbf{b} + \mathbf{g}$
without the factor $(1-\beta)$ and steps by $\alpha\mathbf{b}$. The two are the
same method with a rescaled learning rate: the book's momentum with $\alpha$ is
PyTorch's with $\alpha(1-\beta)$. minigrad has both, so we can check:
"""),
    ("code", r"""
def run(make_opt, steps=30):
    phi = mg.tensor([-1.5, 20.0], requires_grad=True)
    opt = make_opt([phi])
    for xb, yb in batches[:steps]:
        opt.zero_grad()
        mg.losses.mse_loss(gabor(xb, phi), yb, reduction="sum").backward()
        opt.step()
    return phi.detach().numpy()

book = run(lambda p: mg.optim.Momentum(p, lr=0.3, beta=0.9))
torch_style = run(lambda p: mg.optim.SGD(p, lr=0.3 * (1 - 0.9), momentum=0.9))
print(book, torch_style)
assert np.allclose(book, torch_style)
"""),
    ("md", r"""
`SGD(momentum=β, nesterov=True)` is PyTorch's Nesterov. It is written in terms
of the look-ahead points rather than the book's iterates, so its path differs
slightly from `mg.optim.Nesterov`'s even with matching learning rates (see the
optimizers page of the docs).

## Things to try

* Set `beta=0.99`: what happens to the path, and why (look at the weights plot)?
* Start from `[3.0, 10.8]`, the trap of lesson 2: does momentum roll through
  the local minimum more often than SGD does?
"""),
]

# --------------------------------------------------------------------------- 05
L05 = [
    ("md", r"""
# Lesson 5: Adam, the adaptive family, and learning-rate schedules

Gradient descent uses one learning rate for every parameter. When the loss is
much steeper in one direction than another, a rate small enough to be stable
in the steep direction is tiny for the shallow one. The cure is to scale each
parameter's step by the size of its own gradient.

**Normalized gradients** (eqs. 6.13–6.14) divide each component by a running
root-mean-square of it, so every parameter moves by about $\alpha$ per step:

$$\mathbf{m}_{t+1} \leftarrow \frac{\partial L[\phi_t]}{\partial \phi}, \qquad
  \mathbf{v}_{t+1} \leftarrow \left(\frac{\partial L[\phi_t]}{\partial \phi}\right)^{2}, \qquad
  \phi_{t+1} \leftarrow \phi_t - \alpha \frac{\mathbf{m}_{t+1}}{\sqrt{\mathbf{v}_{t+1}} +
   \epsilon}.$$

The squares and square roots are taken element by element. This never settles:
near the minimum it still takes steps of size $\alpha$. **Adam** (eqs.
6.15–6.17) averages both with momentum, $\beta$ for the gradient and $\gamma$
for its square, and corrects the bias of averages that start at zero:

$$\begin{aligned}
\mathbf{m}_{t+1} &\leftarrow \beta\,\mathbf{m}_t + (1-\beta)\frac{\partial L[\phi_t]}{\partial
   \phi}, &
\mathbf{v}_{t+1} &\leftarrow \gamma\,\mathbf{v}_t + (1-\gamma)\left(\frac{\partial
   L[\phi_t]}{\partial \phi}\right)^{2}, \\
\tilde{\mathbf{m}}_{t+1} &\leftarrow \frac{\mathbf{m}_{t+1}}{1-\beta^{t+1}}, &
\tilde{\mathbf{v}}_{t+1} &\leftarrow \frac{\mathbf{v}_{t+1}}{1-\gamma^{t+1}}, \\
\phi_{t+1} &\leftarrow \phi_t -
   \alpha\,\frac{\tilde{\mathbf{m}}_{t+1}}{\sqrt{\tilde{\mathbf{v}}_{t+1}}+\epsilon}.
\end{aligned}$$

(The book puts $\epsilon$ inside the square root; PyTorch and minigrad's default
put it outside, and `eps_inside_sqrt=True` gives the book's form.) In PyTorch's
names, $\beta$ and $\gamma$ are `betas=(0.9, 0.999)`.
"""),
    ("code", SETUP),
    ("md", r"""
## A lopsided bowl

$L[\phi] = 0.1\,\phi_0^2 + 10\,\phi_1^2$ is a hundred times more curved along
$\phi_1$ than along $\phi_0$ (`mg.lab.datasets.bowl`). Gradient descent is
stable only for $\alpha < 2/20 = 0.1$.
"""),
    ("code", r"""
bowl = mg.lab.datasets.bowl
start, steps = [-9.0, 0.9], 60
runs = {
    "GD, lr 0.09": mg.lab.minimize(bowl, start, "GD", steps=steps, lr=0.09),
    "GD, lr 0.101": mg.lab.minimize(bowl, start, "GD", steps=steps, lr=0.101),
    "normalized, lr 0.5": mg.lab.minimize(bowl, start, "NormalizedGD", steps=steps, lr=0.5),
    "Adam, lr 0.5": mg.lab.minimize(bowl, start, "Adam", steps=steps, lr=0.5),
}
fig, axes = plt.subplots(1, 4, figsize=(18, 3.6))
for ax, (name, r) in zip(axes, runs.items()):
    mplot.loss_surface(bowl, (-10, 3), (-1.5, 1.5), vectorized=True, resolution=80, log=True,
                       trajectories=[r.trajectory.x], ax=ax, colorbar=False,
                       title=f"{name}: loss {r.loss:.2g}")
fig.tight_layout()
"""),
    ("md", r"""
* With the largest stable rate, gradient descent settles the steep direction
  at once and then crawls along the shallow one.
* Just above the limit the steep direction oscillates with growing amplitude.
* Normalized gradients move about equally in both directions, but bounce
  around the minimum with steps that never shrink.
* Adam moves in both directions at once and, as its averaged gradient shrinks
  relative to its averaged square, settles down.

## Adam's update, written out

The update rule is a pure function in `mg.optim.rules`; one step of
`mg.optim.Adam` equals the equations above computed by hand:
"""),
    ("code", r"""
phi = mg.tensor([-9.0, 0.9], requires_grad=True)
opt = mg.optim.Adam([phi], lr=0.5, betas=(0.9, 0.999), eps=1e-8)
bowl(phi).backward()
g = phi.grad.copy()
opt.step()

m = (1 - 0.9) * g; v = (1 - 0.999) * g**2
m_hat, v_hat = m / (1 - 0.9), v / (1 - 0.999)
by_hand = np.array([-9.0, 0.9]) - 0.5 * m_hat / (np.sqrt(v_hat) + 1e-8)
print(phi.detach().numpy(), by_hand)
assert np.allclose(phi.detach().numpy(), by_hand)
print("state kept by the optimizer:", sorted(opt.state_dict()["state"][0]))
"""),
    ("md", r"""
## The adaptive family

Adam has relatives, all in `mg.optim` with PyTorch's names and defaults:
**Adagrad** divides by the root of the *sum* of all past squared gradients (so
its steps shrink for good), **RMSprop** by a running average of them (Adam
without the momentum on $\mathbf{m}$ and without bias correction), **AdamW**
decays the weights separately from the gradient, **NAdam** uses Nesterov's
look-ahead inside Adam. On the bowl:
"""),
    ("code", r"""
family = {
    "Adagrad": dict(lr=1.0),
    "RMSprop": dict(lr=0.05),
    "Adam": dict(lr=0.5),
    "AdamW": dict(lr=0.5, weight_decay=0.01),
    "NAdam": dict(lr=0.5),
}
curves = {name: mg.lab.minimize(bowl, start, name, steps=150, **kw).trajectory.loss
          for name, kw in family.items()}
mplot.loss_curves(curves, title="The adaptive family on the lopsided bowl")
"""),
    ("md", r"""
## Learning-rate schedules

A large learning rate early makes fast progress; a small one late lets the
noise of SGD (lesson 3) and the bouncing of Adam die down. A **scheduler**
changes the optimizer's rate as training goes on. minigrad's
`mg.optim.lr_scheduler` has PyTorch's classes, used the PyTorch way: call
`scheduler.step()` once per epoch (or per step, for `OneCycleLR`) after
`optimizer.step()`.
"""),
    ("code", r"""
from minigrad.optim import lr_scheduler

def rates(make, epochs=60):
    opt = mg.optim.SGD([mg.tensor([0.0], requires_grad=True)], lr=0.1)
    sched = make(opt)
    out = []
    for _ in range(epochs):
        out.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    return out

schedules = {
    "StepLR(step_size=20, gamma=0.3)": rates(lambda o: lr_scheduler.StepLR(o, 20, gamma=0.3)),
    "ExponentialLR(gamma=0.95)": rates(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.95)),
    "CosineAnnealingLR(T_max=60)": rates(lambda o: lr_scheduler.CosineAnnealingLR(o, 60)),
    "OneCycleLR(max_lr=0.1)": rates(lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=60)),
}
mplot.schedule_curves({k: (lambda t, v=v: v[t]) for k, v in schedules.items()}, 60,
                      xlabel="epoch")
"""),
    ("md", r"""
## Putting it together: a small network, Adam and a schedule

A one-hidden-layer network (`mg.nn.MLP`) fitted to a noisy sine wave, written
exactly like a PyTorch training loop. The same seed gives the same start, so
the two runs differ only in the schedule.
"""),
    ("code", r"""
from minigrad.utils.data import DataLoader, TensorDataset

x, y = mg.lab.datasets.sine(n=60, noise=0.1, frequency=0.5)
X, Y = mg.tensor(x[:, None]), mg.tensor(y[:, None])
loader = DataLoader(TensorDataset(X, Y), batch_size=10, shuffle=True, generator=0)

def train(schedule, epochs=300):
    model = mg.nn.MLP([1, 16, 1], activation="tanh", seed=0)
    opt = mg.optim.Adam(model.parameters(), lr=0.05)
    sched = schedule(opt)
    history = []
    for epoch in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = mg.nn.functional.mse_loss(model(xb), yb)
            loss.backward()
            opt.step()
        if sched is not None:
            sched.step()
        with mg.no_grad():
            history.append(mg.nn.functional.mse_loss(model(X), Y).item())
    return model, history

constant, h_const = train(lambda opt: None)
cosine, h_cos = train(lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=300))
print(f"final training loss: constant lr {h_const[-1]:.4f}, cosine schedule {h_cos[-1]:.4f}")
mplot.loss_curves({"Adam, constant lr": h_const, "Adam + CosineAnnealingLR": h_cos},
                  xlabel="epoch", title="Mean squared error on the training set")
"""),
    ("md", r"""
With a constant rate, Adam's loss keeps jumping up and down to the end: each
batch pushes the weights by about the same amount however close they are. The
cosine schedule makes the same early progress and then shrinks the steps, so
the loss settles near the noise level of the data (its variance is
$0.1^2 = 0.01$).
"""),
    ("code", r"""
fits = {"constant lr": lambda xs: constant(mg.tensor(xs[:, None]))[:, 0],
        "cosine schedule": lambda xs: cosine(mg.tensor(xs[:, None]))[:, 0]}
mplot.data_fit(x, y, fits, title="The two fitted networks")
"""),
    ("md", r"""
## Things to try

* Run Adam on the bowl with `eps_inside_sqrt=True` (the book's form): does
  anything change here? When would it?
* Replace `CosineAnnealingLR` with `ReduceLROnPlateau(opt, patience=5)`, stepped
  with the epoch's loss: `sched.step(history[-1])`.
"""),
]

# --------------------------------------------------------------------------- 06
L06 = [
    ("md", r"""
# Lesson 6: the chain rule on chapter 7's toy model

Every optimizer so far needed $\partial L/\partial\phi$, and minigrad's
`backward()` supplied it. This lesson opens that box on the small model that
chapter 7 uses to explain backpropagation: a chain of four linear maps, each
followed by a different function, with eight parameters
$\phi = \{\beta_0, \omega_0, \dots, \beta_3, \omega_3\}$:

$$f[x, \phi] = \beta_3 + \omega_3 \cos\!\Big[\beta_2 + \omega_2
  \exp\big[\beta_1 + \omega_1 \sin[\beta_0 + \omega_0 x]\big]\Big],$$

with the least-squares loss $\ell = (f[x, \phi] - y)^2$ of one training pair.

## The forward pass, one stage at a time

Name every intermediate quantity, as the chapter does:

$$\begin{aligned}
f_0 &= \beta_0 + \omega_0 x, & h_1 &= \sin f_0, \\
f_1 &= \beta_1 + \omega_1 h_1, & h_2 &= \exp f_1, \\
f_2 &= \beta_2 + \omega_2 h_2, & h_3 &= \cos f_2, \\
f_3 &= \beta_3 + \omega_3 h_3, & \ell &= (f_3 - y)^2.
\end{aligned}$$

minigrad records exactly these stages when we write them as code; naming the
tensors lets the graph tools use the same names.
"""),
    ("code", SETUP),
    ("code", r"""
values = dict(beta0=1.0, beta1=2.0, beta2=-3.0, beta3=0.4,
              omega0=0.1, omega1=-0.4, omega2=2.0, omega3=3.0)
p = {k: mg.tensor(v, requires_grad=True, name=k) for k, v in values.items()}
x, y = mg.tensor(2.3, name="x"), mg.tensor(2.0, name="y")

def named(t, name):
    t.name = name
    return t

f0 = named(p["beta0"] + p["omega0"] * x, "f0")
h1 = named(mg.sin(f0), "h1")
f1 = named(p["beta1"] + p["omega1"] * h1, "f1")
h2 = named(mg.exp(f1), "h2")
f2 = named(p["beta2"] + p["omega2"] * h2, "f2")
h3 = named(mg.cos(f2), "h3")
f3 = named(p["beta3"] + p["omega3"] * h3, "f3")
loss = named((f3 - y) ** 2, "loss")
print({t.name: round(t.item(), 4) for t in (f0, h1, f1, h2, f2, h3, f3, loss)})
"""),
    ("md", r"""
## The backward pass, by hand

The loss depends on $f_3$ directly, on $h_3$ through $f_3$, on $f_2$ through
$h_3$, and so on down the chain. The chain rule turns that into a recursion
that starts at the loss and walks backwards, each step multiplying by one
*local* derivative:

$$\begin{aligned}
\frac{\partial \ell}{\partial f_3} &= 2(f_3 - y), &
\frac{\partial \ell}{\partial h_3} &= \omega_3 \frac{\partial \ell}{\partial f_3}, &
\frac{\partial \ell}{\partial f_2} &= -\sin f_2 \,\frac{\partial \ell}{\partial h_3}, \\
\frac{\partial \ell}{\partial h_2} &= \omega_2 \frac{\partial \ell}{\partial f_2}, &
\frac{\partial \ell}{\partial f_1} &= \exp f_1 \,\frac{\partial \ell}{\partial h_2}, &
\frac{\partial \ell}{\partial h_1} &= \omega_1 \frac{\partial \ell}{\partial f_1}, \\
\frac{\partial \ell}{\partial f_0} &= \cos f_0 \,\frac{\partial \ell}{\partial h_1}.
\end{aligned}$$

Once the derivative with respect to each $f_k$ is known, the parameters follow
in one more step, because $f_k = \beta_k + \omega_k h_k$ (with $h_0 = x$):

$$\frac{\partial \ell}{\partial \beta_k} = \frac{\partial \ell}{\partial f_k}, \qquad
  \frac{\partial \ell}{\partial \omega_k} = h_k \frac{\partial \ell}{\partial f_k}.$$

Each quantity is used once and then only its successor is needed: that is
why the backward pass costs about as much as the forward pass. In NumPy:
"""),
    ("code", r"""
v = {t.name: t.item() for t in (f0, h1, f1, h2, f2, h3, f3)}
d = {}
d["f3"] = 2 * (v["f3"] - 2.0)
d["h3"] = values["omega3"] * d["f3"]
d["f2"] = -np.sin(v["f2"]) * d["h3"]
d["h2"] = values["omega2"] * d["f2"]
d["f1"] = np.exp(v["f1"]) * d["h2"]
d["h1"] = values["omega1"] * d["f1"]
d["f0"] = np.cos(v["f0"]) * d["h1"]

h = {0: 2.3, 1: v["h1"], 2: v["h2"], 3: v["h3"]}
by_hand = {}
for k in range(4):
    by_hand[f"beta{k}"] = d[f"f{k}"]
    by_hand[f"omega{k}"] = h[k] * d[f"f{k}"]
print({k: round(float(val), 4) for k, val in by_hand.items()})
"""),
    ("md", r"""
## The same numbers from the backward pass

minigrad's engine performs the same recursion: it visits the nodes newest
first, multiplies the incoming gradient by each op's local derivative (its
*vector-Jacobian product*), and adds the results into the inputs.
"""),
    ("code", r"""
loss.backward()
for k, t in p.items():
    print(f"{k:>7}: backward {t.grad.item():>10.4f}   by hand {by_hand[k]:>10.4f}")
    assert np.isclose(t.grad.item(), by_hand[k])
"""),
    ("md", r"""
## Watching the engine with mg.explain

`mg.explain(loss)` runs the engine's backward pass again, watches it, and
writes each chain-rule step down in the order the engine took it: the node,
the gradient that flowed into it, and each input's share, as
*incoming gradient × local derivative*. Compare the lines with the equations
above.
"""),
    ("code", r"""
print(mg.explain(loss))
"""),
    ("md", r"""
## The graph, drawn by mg.draw

`mg.draw(loss)` draws the same computation: a box per tensor with its value
and gradient, an oval per operation, and on every edge the local derivative.
Multiply along a path from the loss down to a parameter and you get that
parameter's gradient. (The picture needs Graphviz's `dot` program; without it
the cell says so, and the ledger above carries the same numbers.)
"""),
    ("code", r"""
from IPython.display import SVG, display

def show(graph):
    try:
        display(SVG(graph.pipe(format="svg")))
    except mg.GraphvizNotFoundError:
        print("(Graphviz's `dot` is not installed, so the picture is skipped: "
              "see the ledger above.)")

show(mg.draw(loss, rankdir="TB"))
"""),
    ("md", r"""
`highlight=` marks the path from the loss down to one leaf: every factor of
$\partial \ell/\partial \omega_0$ lies on it.
"""),
    ("code", r"""
show(mg.draw(loss, highlight=p["omega0"], rankdir="TB", legend=False))
"""),
    ("md", r"""
## Things to try

* Change `x` to a vector of five inputs (and `y` to five targets, with
  `loss = ((f3 - y) ** 2).sum()`): the ledger then shows arrays, and the
  gradients of the parameters are sums over the examples.
* Use a parameter twice (say, `omega1` in place of `omega2`): the graph shows
  its gradient as the sum of one contribution per use.

## Next: the backward pass as an animation

The animation below is this same backward pass: one frame per step of the
engine, the node being processed highlighted, with the incoming gradient and
each product as it is added in. Step through it with the slider or the
buttons; `mg.animate(loss, "backward.gif")` writes it as a GIF for slides, and
`"backward.html"` as one page that opens offline.
"""),
    ("code", r"""
try:
    animation = mg.animate(loss, rankdir="TB")
    print(f"{len(animation.frames)} frames: one per backward step, then the result")
    display(animation)
except mg.GraphvizNotFoundError:
    print("(Graphviz's `dot` is not installed, so the animation is skipped: "
          "the ledger above lists the same steps.)")
"""),
]

# --------------------------------------------------------------------------- 07
L07 = [
    ("md", r"""
# Lesson 7: gradient checking

Backpropagation is only as right as the local derivatives it multiplies. When
you write an operation yourself, a slip in its derivative gives wrong
gradients with no error at all: training just goes badly. **Gradient
checking** compares the derivative you wrote with one measured numerically.

For a small $h$, the central difference

$$\frac{\partial f}{\partial x} \approx \frac{f[x + h] - f[x - h]}{2h}$$

has an error that shrinks like $h^2$, until $h$ is so small that rounding in
$f[x+h] - f[x-h]$ takes over. For a function of many inputs, nudge one input
element at a time: each nudge gives one column of the Jacobian, to be compared
with what the backward pass says.
"""),
    ("code", SETUP),
    ("md", r"""
## How small should $h$ be?

The error of the central difference for $\sin$ at $x = 1$, whose derivative we
know exactly:
"""),
    ("code", r"""
hs = np.logspace(-12, -1, 45)
error = np.abs((np.sin(1 + hs) - np.sin(1 - hs)) / (2 * hs) - np.cos(1))
fig, ax = plt.subplots(figsize=(6, 3.8))
ax.loglog(hs, error, "o-", ms=3)
ax.loglog(hs, hs**2 / 6 * np.cos(1), "--", label=r"truncation $\approx h^2 |f'''| / 6$")
ax.loglog(hs, 1e-16 / hs, ":", label=r"rounding $\approx 10^{-16} / h$")
ax.set_xlabel("h"); ax.set_ylabel("error"); ax.set_ylim(1e-13, 1e-2); ax.legend()
ax.grid(alpha=0.3)
print(f"best h here: {hs[np.argmin(error)]:.1e}")
"""),
    ("md", r"""
The sweet spot is around $h \approx 10^{-5}$ to $10^{-6}$ in float64, with an
error near $10^{-10}$; in float32 it would be about $10^{-3}$, too coarse to
catch small mistakes. That is why checks run in float64 (minigrad's default).

## Writing a primitive

`mg.primitive` turns a NumPy function into a minigrad operation; `defvjp`
gives its derivative as a *vector-Jacobian product*: a function of the
incoming gradient `g`, the output and the inputs that returns `g` times the
local derivative. Our example is a smooth absolute value,

$$s(x) = \sqrt{x^2 + 1}, \qquad \frac{ds}{dx} = \frac{x}{\sqrt{x^2 + 1}}.$$
"""),
    ("code", r"""
@mg.primitive(register=False)          # register=False: keep it out of minigrad's own op table
def smooth_abs(x):
    return np.sqrt(x * x + 1.0)

smooth_abs.defvjp(lambda g, out, x: g * x / out)     # out is sqrt(x^2 + 1)

t = mg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
smooth_abs(t).sum().backward()
print("gradient:", t.grad)
"""),
    ("md", r"""
`mg.gradcheck(f, inputs)` checks every input element against central
differences and returns `True`, or raises an error with a report. Check at
several random points, in float64:
"""),
    ("code", r"""
rng = np.random.default_rng(0)
for _ in range(3):
    assert mg.gradcheck(smooth_abs, (rng.normal(size=5) * 3,))
print("smooth_abs passes")
"""),
    ("md", r"""
## Breaking it on purpose

Now the same operation with a typical slip: the derivative forgets to divide
by $\sqrt{x^2+1}$. Nothing complains when we use it...
"""),
    ("code", r"""
@mg.primitive(register=False)
def broken_abs(x):
    return np.sqrt(x * x + 1.0)

broken_abs.defvjp(lambda g, out, x: g * x)           # wrong: should be g * x / out

t = mg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
broken_abs(t).sum().backward()
print("gradient (wrong, silently):", t.grad)
"""),
    ("md", r"""
...but the check does, and its report says where:
"""),
    ("code", r"""
try:
    mg.gradcheck(broken_abs, (np.array([-2.0, 0.0, 0.5, 3.0]),))
except mg.GradcheckError as err:
    print(err)
"""),
    ("md", r"""
How to read the report:

* **input 0** is the argument that is wrong (the only one here), and the
  count says how many Jacobian entries disagree;
* each row names the **output element** and the **input element** of one
  Jacobian entry, with the **analytic** value (from the VJP) and the
  **numeric** one (the central difference), and their absolute and relative
  errors;
* entries that agree are not listed. At $x = 0$ the broken derivative is right
  by accident ($0$ either way), which is why a check should use several random
  points, never only special ones such as $0$ or $1$.

The ratio of the two columns is $\sqrt{x^2+1}$, the factor we forgot. The
picture shows the same over a range of $x$:
"""),
    ("code", r"""
xs = np.linspace(-3, 3, 121)
numeric = (np.sqrt((xs + 1e-6) ** 2 + 1) - np.sqrt((xs - 1e-6) ** 2 + 1)) / 2e-6
fig, ax = plt.subplots(figsize=(6, 3.8))
for f, label in ((smooth_abs, "smooth_abs (right)"), (broken_abs, "broken_abs (wrong)")):
    ax.plot(xs, mg.grad(lambda v: f(v).sum())(xs), lw=2, label=f"backward: {label}")
ax.plot(xs[::6], numeric[::6], "ko", ms=4, label="central difference")
ax.set_xlabel("x"); ax.set_ylabel("ds/dx"); ax.legend(); ax.grid(alpha=0.3)
"""),
    ("md", r"""
## An operation of two inputs

With several inputs the report names the one that is wrong. Here
$\sin(a x)$, whose derivative with respect to $a$ has lost its factor $x$:
"""),
    ("code", r"""
@mg.primitive(register=False)
def scaled_sin(x, a):
    return np.sin(a * x)

scaled_sin.defvjp(lambda g, out, x, a: g * a * np.cos(a * x),   # d/dx: right
                  lambda g, out, x, a: g * np.cos(a * x))       # d/da: forgot the factor x

try:
    mg.gradcheck(scaled_sin, (np.array([0.3, 1.0, 2.0]), np.array(1.5)))
except mg.GradcheckError as err:
    print(err)
"""),
    ("md", r"""
Input 0 ($x$) passes and input 1 ($a$) fails, except at $x = 1$, where the
missing factor happens to be 1.

Composites of minigrad's own operations need no derivative code at all, and
`gradcheck` confirms the backward pass through them, here the Gabor model of
lesson 2 with respect to its parameters:
"""),
    ("code", r"""
x, y = mg.lab.datasets.book_gabor()
print(mg.gradcheck(lambda phi: mg.lab.models.gabor(x, phi), (np.array([0.3, 15.0]),)))
"""),
    ("md", r"""
## Checklist for your own operations

* forward in NumPy; one VJP per input, returning `g` times the local derivative;
* `mg.gradcheck` in float64, at several random points away from kinks
  (`abs`, `relu` and `max` have corners where any finite difference straddles
  the kink);
* if you need second derivatives, write the VJP with minigrad operations,
  declare `differentiable_vjp=True`, and check with `mg.gradgradcheck`.

The exercises of the docs (softplus, Huber loss, a Gabor layer, ...) each ask
for one such operation and check it the same way.
"""),
]

LESSONS.update({
    "04_momentum_nesterov": L04,
    "05_adam_schedules": L05,
    "06_chain_rule_toy_model": L06,
    "07_gradient_checking": L07,
})
