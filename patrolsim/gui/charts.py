"""Small live charts drawn with plain pygame: line charts over simulated time and a histogram, each with
axes (values and units at both ends), a legend, and a note while there is nothing to draw yet."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pygame

from . import palette as P
from .text import Text

MAX_POINTS = 300
AXIS = (120, 126, 138)
WARMUP = (48, 52, 64)  # the shaded warm-up band
LEFT = 44  # pixels for the y-axis labels
BOTTOM = 14  # pixels for the x-axis labels


def _frame(surface: pygame.Surface, rect: pygame.Rect, text: Text, title: str, legend: list) -> pygame.Rect:
    """Background, title, legend (label, colour) on the right of the title; returns the plot area."""
    pygame.draw.rect(surface, (26, 29, 36), rect, border_radius=4)
    text.draw(surface, title, (rect.x + 6, rect.y + 4), 15, P.TEXT_DIM)
    x = rect.right - 6
    for label, colour in reversed(legend):
        r = text.draw(surface, label, (x, rect.y + 4), 14, P.TEXT_DIM, "topright")
        pygame.draw.line(surface, colour, (r.x - 14, r.centery), (r.x - 4, r.centery), 3)
        x = r.x - 20
    plot = pygame.Rect(rect.x + LEFT, rect.y + 22, rect.w - LEFT - 8, rect.h - 22 - BOTTOM - 4)
    return plot


def _axes(surface, plot: pygame.Rect, text: Text, y_top: str, x_left: str, x_right: str, y_bottom: str = "0"):
    pygame.draw.line(surface, AXIS, plot.bottomleft, plot.bottomright, 1)
    pygame.draw.line(surface, AXIS, plot.bottomleft, plot.topleft, 1)
    text.draw(surface, y_top, (plot.x - 4, plot.y), 13, P.TEXT_DIM, "topright")
    text.draw(surface, y_bottom, (plot.x - 4, plot.bottom), 13, P.TEXT_DIM, "bottomright")
    text.draw(surface, x_left, (plot.x, plot.bottom + 2), 13, P.TEXT_DIM, "topleft")
    text.draw(surface, x_right, (plot.right, plot.bottom + 2), 13, P.TEXT_DIM, "topright")


def line_chart(
    surface: pygame.Surface,
    rect: pygame.Rect,
    text: Text,
    title: str,
    lines: list[tuple[np.ndarray, np.ndarray, tuple, str]],
    y_label: Callable[[float], str],
    warmup: tuple[float, float] = (0.0, 0.0),
) -> None:
    """``lines``: (t seconds, values, colour, legend label). The y axis starts at 0 (its top formatted
    by ``y_label``); the x axis is simulated time (h:mm:ss). ``warmup``: (its length, now) in seconds:
    the warm-up, which the metrics leave out, is shaded from time 0."""
    legend = list(dict.fromkeys((label, colour) for _, _, colour, label in lines if label))
    plot = _frame(surface, rect, text, title, legend)
    drawn = [(t, y, c) for t, y, c, _ in lines if len(t) >= 2]
    length, now = warmup
    if not drawn:
        if length > 0 and now < length:
            band = pygame.Rect(plot.x, plot.y, max(int(plot.w * now / length), 1), plot.h)
            pygame.draw.rect(surface, WARMUP, band)
            text.draw(surface, f"warm-up: metrics start at {P.clock_label(length)}", plot.center, 14, P.TEXT, "center")
        else:
            text.draw(surface, "waiting for samples", plot.center, 14, P.TEXT_DIM, "center")
        return
    t_max = max(float(t[-1]) for t, _, _ in drawn)
    t_min = 0.0 if length > 0 else min(float(t[0]) for t, _, _ in drawn)
    if length > 0:
        band = pygame.Rect(plot.x, plot.y, int(plot.w * length / max(t_max, 1e-9)), plot.h)
        pygame.draw.rect(surface, WARMUP, band)
        text.draw(surface, "warm-up", (band.centerx, plot.bottom - 2), 13, P.TEXT_DIM, "midbottom")
    y_max = max(float(np.nanmax(y)) for _, y, _ in drawn) or 1.0
    for t, y, colour in drawn:
        step = max(1, len(t) // MAX_POINTS)
        t, y = t[::step], y[::step]
        xs = plot.x + (t - t_min) / max(t_max - t_min, 1e-9) * plot.w
        ys = plot.bottom - np.nan_to_num(y) / y_max * plot.h
        pygame.draw.lines(surface, colour, False, np.stack([xs, ys], axis=1), 2)
    _axes(surface, plot, text, y_label(y_max), P.clock_label(t_min), P.clock_label(t_max) + " (time)")


def histogram(
    surface: pygame.Surface,
    rect: pygame.Rect,
    text: Text,
    title: str,
    samples: list[tuple[np.ndarray, tuple, str]],
    target_s: float,
    bins: int = 12,
) -> None:
    """Response-time histogram (seconds) of one or more runs (values, colour, legend label), with the
    target drawn over the bars."""
    legend = [(label, colour) for _, colour, label in samples if label] + [("target", P.TEXT)]
    plot = _frame(surface, rect, text, title, legend)
    shown = [(v, c) for v, c, _ in samples if len(v)]
    if not shown:
        text.draw(surface, "no call reached yet", plot.center, 14, P.TEXT_DIM, "center")
        return
    hi = max(float(v.max()) for v, _ in shown)
    hi = max(hi, target_s) * 1.05
    edges = np.linspace(0.0, hi, bins + 1)
    counts = [np.histogram(v, edges)[0] for v, _ in shown]
    top = max(int(c.max()) for c in counts) or 1
    bw = plot.w / bins / len(shown)
    for k, ((_, colour), c) in enumerate(zip(shown, counts)):
        for i, n in enumerate(c.tolist()):
            h = n / top * plot.h
            pygame.draw.rect(surface, colour, (plot.x + (i * len(shown) + k) * bw, plot.bottom - h, max(bw - 1, 1), h))
    tx = plot.x + target_s / hi * plot.w
    pygame.draw.line(surface, (20, 20, 24), (tx, plot.y), (tx, plot.bottom), 4)  # drawn over the bars
    pygame.draw.line(surface, P.TEXT, (tx, plot.y), (tx, plot.bottom), 2)
    text.draw(surface, P.duration_label(target_s), (tx + 5, plot.y + 1), 13, P.TEXT, "topleft", box=(20, 20, 24))
    _axes(surface, plot, text, f"{top} call{'s' if top > 1 else ''}", "0 s", P.seconds_label(hi) + " (response time)")
