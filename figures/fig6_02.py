"""Figure 6.2: the Gabor model (eq. 6.8) under different parameters.

Three panels, as in the book: (a) a reference setting; (b) a larger phi0, which
moves the centre of the function to the left; (c) a larger phi1, which squeezes
the function towards its centre.  The reference curve is repeated, dashed, in
(b) and (c) so the change is visible.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _gabor import model

import minigrad.lab.plot as mplot

REFERENCE = (0.0, 16.6)                          # the parameters behind the book's data
PANELS = [("a) reference", REFERENCE),
          (r"b) larger $\phi_0$: moves left", (5.0, 16.6)),
          (r"c) larger $\phi_1$: narrower", (0.0, 33.2))]


def draw(out_dir, quick=False):
    xs = np.linspace(-15.0, 15.0, 300 if quick else 600)
    fig, axes = mplot.figure(1, 3, size=(12.0, 3.6), sharey=True)
    for ax, (title, phi) in zip(axes, PANELS):
        if phi != REFERENCE:
            ax.plot(xs, model(REFERENCE)(xs), "--", color="0.6", lw=1.2,
                    label=rf"$\phi$ = [{REFERENCE[0]:g}, {REFERENCE[1]:g}]")
        ax.plot(xs, model(phi)(xs), color="C0", lw=2,
                label=rf"$\phi$ = [{phi[0]:g}, {phi[1]:g}]")
        ax.axhline(0, color="k", lw=0.5)
        ax.set(title=title, xlabel="input $x$", xlim=(-15, 15), ylim=(-1.1, 1.1))
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper right", fontsize=8)
    axes[0].set_ylabel(r"output $y = f[x, \phi]$")
    fig.suptitle(r"Gabor model $f[x,\phi] = \sin(\phi_0 + 0.06\phi_1 x)\,"
                 r"\exp(-(\phi_0 + 0.06\phi_1 x)^2/32)$")
    path = Path(out_dir) / "fig6_2_gabor_models.png"
    mplot.save(fig, path)
    return [path]
