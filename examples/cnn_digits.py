"""A small convolutional network reads 8x8 handwritten-style digits (chapter 10).

Run ``python examples/cnn_digits.py`` (add ``--quick`` for fewer examples and epochs).

The digits are generated, not downloaded, so the example needs no data file
and gives the same images on every run.  Each digit 0-9 is a stroke template:
a few polylines in the unit square (a ring for 0, two loops for 8, ...).  An
example draws its template with a random affine distortion (scale 0.8-1.05,
rotation within +-12 degrees, shear within +-0.2, shift within +-0.12 of the
width) and a random pen width, on a 32x32 grid (a pixel is ink when it lies
within the pen's half-width of a stroke), averages 4x4 blocks down to 8x8
grey levels in [0, 1] (as the UCI optical-digits scans are 4x4 blocks of a
32x32 bitmap) and adds Gaussian noise of standard deviation 0.05.  All of it
comes from one seeded ``numpy.random.Generator``.

The network is written as a PyTorch user would write it (``nn.Conv2d``,
``nn.MaxPool2d``, ``nn.Sequential``, ``optim.Adam``, a ``DataLoader``): two
3x3 convolutions with ReLU and 2x2 max pooling, then a linear layer to ten
logits and the cross-entropy loss.  It prints the test accuracy on examples
it never trained on, and writes a picture of test digits with the predicted
labels to ``out/cnn_digits/``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import minigrad as mg
import minigrad.lab.plot
from minigrad import nn, optim
from minigrad.utils.data import DataLoader, TensorDataset


def _ring(cx, cy, rx, ry, start=0.0, stop=360.0, n=16):
    angles = np.radians(np.linspace(start, stop, n))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


#: Each digit as polylines of (x, y) points in the unit square, y pointing down.
TEMPLATES = {
    0: [_ring(0.5, 0.5, 0.28, 0.4)],
    1: [[(0.32, 0.28), (0.55, 0.1), (0.55, 0.9)]],
    2: [_ring(0.5, 0.32, 0.25, 0.22, 190, 380, 8) + [(0.25, 0.9), (0.8, 0.9)]],
    3: [_ring(0.47, 0.3, 0.25, 0.2, 210, 450, 8), _ring(0.47, 0.7, 0.28, 0.2, 270, 510, 8)],
    4: [[(0.65, 0.9), (0.65, 0.1), (0.2, 0.65), (0.85, 0.65)]],
    5: [[(0.75, 0.1), (0.32, 0.1), (0.3, 0.45)], _ring(0.48, 0.66, 0.28, 0.23, 230, 490, 9)],
    6: [[(0.7, 0.1), (0.4, 0.3), (0.25, 0.62)], _ring(0.5, 0.68, 0.25, 0.21)],
    7: [[(0.2, 0.1), (0.8, 0.1), (0.42, 0.9)]],
    8: [_ring(0.5, 0.3, 0.2, 0.2), _ring(0.5, 0.7, 0.26, 0.2)],
    9: [_ring(0.5, 0.33, 0.25, 0.22), [(0.75, 0.33), (0.7, 0.9)]],
}


def _segments(polylines):
    """The strokes as an array of segments (start, end): shape (S, 2, 2)."""
    return np.array([(p, q) for line in polylines for p, q in zip(line[:-1], line[1:])])


SEGMENTS = {digit: _segments(lines) for digit, lines in TEMPLATES.items()}
FINE = 32                                       # drawn on 32x32, averaged down to 8x8
_GRID = np.stack(np.meshgrid(np.arange(FINE), np.arange(FINE)), -1).reshape(-1, 2)
GRID = (_GRID + 0.5) / FINE                     # pixel centres (x, y) in the unit square


def draw_digit(digit, rng):
    """One 8x8 image of ``digit`` with a random distortion, pen width and noise."""
    angle, shear = np.radians(rng.uniform(-12, 12)), rng.uniform(-0.2, 0.2)
    scale = rng.uniform(0.8, 1.05, size=2)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    affine = rotation @ np.array([[1.0, shear], [0.0, 1.0]]) @ np.diag(scale)
    shift = rng.uniform(-0.12, 0.12, size=2)
    seg = (SEGMENTS[digit] - 0.5) @ affine.T + 0.5 + shift          # (S, 2, 2)
    a, b = seg[:, 0], seg[:, 1]
    # Distance from every pixel centre to every segment, then to the nearest one.
    ab = b - a
    t = np.clip(((GRID[:, None] - a) * ab).sum(-1) / (ab * ab).sum(-1), 0.0, 1.0)
    nearest = a + t[..., None] * ab
    distance = np.sqrt(((GRID[:, None] - nearest) ** 2).sum(-1)).min(axis=1)
    ink = (distance < rng.uniform(0.045, 0.085)).reshape(FINE, FINE).astype(np.float64)
    image = ink.reshape(8, 4, 8, 4).mean(axis=(1, 3))
    return np.clip(image + rng.normal(0.0, 0.05, size=(8, 8)), 0.0, 1.0)


def make_digits(n, seed):
    """``n`` images of shape (1, 8, 8) (channels first) and their labels, balanced."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    rng.shuffle(labels)
    images = np.stack([draw_digit(int(d), rng) for d in labels])[:, None]
    return images, labels


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),     # 8x4x4
        nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),    # 16x2x2
        nn.Flatten(), nn.Linear(64, 10))


def accuracy(model, x, y):
    model.eval()
    with mg.no_grad():
        predicted = model(mg.tensor(x)).numpy().argmax(axis=1)
    return float(np.mean(predicted == y)), predicted


def train(model, x, y, epochs, batch_size=32, lr=0.01):
    loader = DataLoader(TensorDataset(mg.tensor(x), mg.tensor(y)), batch_size=batch_size,
                        shuffle=True, generator=0)
    opt = optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        print(f"epoch {epoch + 1}: mean training loss {total / len(x):.4f}")


def draw(x, y, predicted, path):
    fig, axes = mg.lab.plot.figure(3, 10, size=(10.0, 3.4))
    for ax, image, label, guess in zip(axes.ravel(), x[:, 0], y, predicted):
        ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(f"{guess}", color="k" if guess == label else "C3", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("Test digits and the CNN's predictions (red: wrong)")
    mg.lab.plot.save(fig, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer examples and epochs")
    parser.add_argument("--out", default=os.path.join("out", "cnn_digits"))
    args = parser.parse_args()
    n_train, epochs = (1200, 4) if args.quick else (3000, 6)
    start = time.perf_counter()
    x_train, y_train = make_digits(n_train, seed=0)
    x_test, y_test = make_digits(1000, seed=1)           # a different seed: unseen digits
    mg.manual_seed(0)
    model = cnn()
    print(f"{n_train} training and {len(x_test)} test digits of 8x8; "
          f"{model.num_parameters()} parameters")
    train(model, x_train, y_train, epochs)
    test_accuracy, predicted = accuracy(model, x_test, y_test)
    seconds = time.perf_counter() - start
    print(f"test accuracy: {test_accuracy:.3f} ({seconds:.1f} s, data and training)")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "predictions.png")
    draw(x_test[:30], y_test[:30], predicted[:30], path)
    print(f"picture -> {path}")


if __name__ == "__main__":
    main()
