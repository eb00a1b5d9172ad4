"""Showing ``mg.animate``'s frames: an HTML player with a slider, a GIF or an APNG.

The HTML player is plain HTML, CSS and JavaScript with the SVG frames inline:
it needs no network and no kernel, so the same text serves a saved ``.html``
file, a notebook's output and a rendered notebook on a docs site.  The movies
need Pillow (matplotlib's dependency, the ``plot`` extra).
"""

from __future__ import annotations

import html
import io
import itertools
import re

__all__ = ["player_html", "html_page", "write_movie", "strip_svg"]

_IDS = itertools.count(1)

_SCRIPT = """
(function () {
  var box = document.getElementById("%(id)s");
  var frames = box.querySelectorAll(".mg-frame");
  var slider = box.querySelector("input");
  var count = box.querySelector(".mg-count");
  var play = box.querySelector("[data-act=play]");
  var k = 0, timer = null;
  function show(j) {
    k = Math.max(0, Math.min(frames.length - 1, j));
    for (var i = 0; i < frames.length; i++) frames[i].style.display = i === k ? "block" : "none";
    slider.value = k;
    count.textContent = (k + 1) + " / " + frames.length;
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "play"; }
  function start() {
    if (k === frames.length - 1) show(0);
    play.textContent = "pause";
    timer = setInterval(function () {
      if (k >= frames.length - 1) { stop(); } else { show(k + 1); }
    }, %(interval)d);
  }
  box.querySelector("[data-act=prev]").onclick = function () { stop(); show(k - 1); };
  box.querySelector("[data-act=next]").onclick = function () { stop(); show(k + 1); };
  box.querySelector("[data-act=first]").onclick = function () { stop(); show(0); };
  box.querySelector("[data-act=last]").onclick = function () { stop(); show(frames.length - 1); };
  play.onclick = function () { if (timer) { stop(); } else { start(); } };
  slider.oninput = function () { stop(); show(parseInt(slider.value, 10)); };
  box.onkeydown = function (e) {
    if (e.key === "ArrowLeft") { stop(); show(k - 1); }
    if (e.key === "ArrowRight") { stop(); show(k + 1); }
  };
  show(0);
})();
"""


def strip_svg(svg):
    """Graphviz's SVG as an element to put inside HTML: no XML prolog, no doctype,
    no comments and no namespace URLs (HTML5 knows ``<svg>`` without them).

    >>> svg = '<?xml version="1.0"?>\\n<!-- x -->\\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    >>> strip_svg(svg)
    '<svg></svg>'
    """
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    return svg.strip()


def player_html(svgs, interval=1500):
    """A stepper for the frames: first / prev / play / next / last and a slider.

    >>> text = player_html(["<svg>a</svg>", "<svg>b</svg>"])
    >>> text.count('class="mg-frame"'), "http" in text
    (2, False)
    """
    box = f"mg-animation-{next(_IDS)}"
    frames = "\n".join(
        f'<div class="mg-frame" style="display:{"block" if k == 0 else "none"}">'
        f"{strip_svg(svg)}</div>" for k, svg in enumerate(svgs))
    buttons = "".join(f'<button type="button" data-act="{act}">{label}</button> '
                      for act, label in (("first", "|&lt;"), ("prev", "&lt; prev"),
                                         ("play", "play"), ("next", "next &gt;"),
                                         ("last", "&gt;|")))
    return (
        f'<div id="{box}" class="mg-animation" tabindex="0" '
        f'style="font-family:sans-serif;font-size:14px;outline:none">\n'
        f'<style>#{box} svg {{max-width:100%;height:auto}} '
        f'#{box} button {{margin-right:2px}}</style>\n'
        f'<div class="mg-controls">{buttons}'
        f'<input type="range" min="0" max="{len(svgs) - 1}" value="0" '
        f'style="width:40%;vertical-align:middle" aria-label="step"> '
        f'<span class="mg-count">1 / {len(svgs)}</span></div>\n'
        f"{frames}\n<script>{_SCRIPT % {'id': box, 'interval': interval}}</script>\n</div>")


def html_page(svgs, title, interval=1500):
    """A whole self-contained page holding the player."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n</head>\n<body>\n"
            f"<h1 style=\"font-family:sans-serif;font-size:18px\">{html.escape(title)}</h1>\n"
            f"<p style=\"font-family:sans-serif;font-size:14px\">Step with the buttons, the "
            f"slider or the arrow keys (click the player first).</p>\n"
            f"{player_html(svgs, interval)}\n</body>\n</html>\n")


def _pillow():
    try:
        from PIL import Image
    except ImportError as exc:
        raise ImportError(
            "mg.animate writes GIF and PNG movies with Pillow, which is not installed: "
            "install the plot extra, pip install 'minigrad[plot]' (or pip install pillow); "
            "an .html path needs nothing more") from exc
    return Image


def write_movie(path, pngs, duration, fmt):
    """Write the PNG frames as an animated GIF (``fmt="GIF"``) or APNG (``"PNG"``).

    Frames are pasted at the top left of one white canvas of the largest size,
    so nothing is scaled; ``duration`` seconds per frame, three times that for
    the last one.
    """
    image = _pillow()
    pictures = [image.open(io.BytesIO(p)).convert("RGB") for p in pngs]
    width = max(p.width for p in pictures)
    height = max(p.height for p in pictures)
    canvases = []
    for p in pictures:
        canvas = image.new("RGB", (width, height), "white")
        canvas.paste(p, (0, 0))
        canvases.append(canvas)
    ms = int(round(duration * 1000))
    durations = [ms] * (len(canvases) - 1) + [3 * ms]
    if fmt == "GIF":
        # A palette per frame, without dithering: flat colours and crisp text.
        canvases = [c.quantize(colors=128, dither=image.Dither.NONE) for c in canvases]
    canvases[0].save(path, format=fmt, save_all=True, append_images=canvases[1:],
                     duration=durations, loop=0, optimize=fmt == "GIF")
