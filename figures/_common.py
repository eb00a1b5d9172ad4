"""What every figure module of figures/ shares: how a picture is saved."""

from __future__ import annotations

from pathlib import Path

import minigrad.lab.plot as mplot


def save(fig, path, quick):
    """Save as PNG; the quick form skips the layout pass and uses a low resolution
    (the test suite draws every figure in quick form; most of its time is text layout)."""
    if quick:
        fig.set_layout_engine("none")
    return Path(mplot.save(fig, path, dpi=50 if quick else 90))
