"""Small live charts drawn with plain pygame: line charts over simulated time and a histogram."""

from __future__ import annotations

import numpy as np
import pygame

from . import palette as P
from .text import Text

MAX_POINTS = 300


def _frame(surface: pygame.Surface, rect: pygame.Rect, text: Text, title: str) -> pygame.Rect:
    pygame.draw.rect(surface, (26, 29, 36), rect, border_radius=4)
    text.draw(surface, title, (rect.x + 6, rect.y + 4), 15, P.TEXT_DIM)
    return pygame.Rect(rect.x + 6, rect.y + 20, rect.w - 12, rect.h - 26)


def line_chart(
    surface: pygame.Surface,
    rect: pygame.Rect,
    text: Text,
    title: str,
    lines: list[tuple[np.ndarray, np.ndarray, tuple]],
    y_label,
) -> None:
    """``lines``: (t seconds, values, colour). The y axis starts at 0; ``y_label(v)`` formats its top."""
    plot = _frame(surface, rect, text, title)
    lines = [(t, y, c) for t, y, c in lines if len(t) >= 2]
    if not lines:
        text.draw(surface, "waiting for samples", plot.center, 14, P.TEXT_DIM, "center")
        return
    t_max = max(float(t[-1]) for t, _, _ in lines)
    t_min = min(float(t[0]) for t, _, _ in lines)
    y_max = max(float(np.nanmax(y)) for _, y, _ in lines) or 1.0
    for t, y, colour in lines:
        step = max(1, len(t) // MAX_POINTS)
        t, y = t[::step], y[::step]
        xs = plot.x + (t - t_min) / max(t_max - t_min, 1e-9) * plot.w
        ys = plot.bottom - np.nan_to_num(y) / y_max * plot.h
        pygame.draw.lines(surface, colour, False, np.stack([xs, ys], axis=1), 2)
    text.draw(surface, y_label(y_max), (rect.right - 6, rect.y + 4), 14, P.TEXT_DIM, "topright")


def histogram(
    surface: pygame.Surface,
    rect: pygame.Rect,
    text: Text,
    title: str,
    samples: list[tuple[np.ndarray, tuple]],
    target_s: float,
    bins: int = 12,
) -> None:
    """Response-time histogram (seconds) of one or more runs, with the target marked."""
    plot = _frame(surface, rect, text, f"{title}; white line: target {P.duration_label(target_s)}")
    samples = [(v, c) for v, c in samples if len(v)]
    if not samples:
        text.draw(surface, "no incident reached yet", plot.center, 14, P.TEXT_DIM, "center")
        return
    hi = max(float(v.max()) for v, _ in samples)
    hi = max(hi, target_s) * 1.05
    edges = np.linspace(0.0, hi, bins + 1)
    counts = [np.histogram(v, edges)[0] for v, _ in samples]
    top = max(int(c.max()) for c in counts) or 1
    bw = plot.w / bins / len(samples)
    for k, ((_, colour), c) in enumerate(zip(samples, counts)):
        for i, n in enumerate(c.tolist()):
            h = n / top * plot.h
            pygame.draw.rect(
                surface, colour, (plot.x + (i * len(samples) + k) * bw, plot.bottom - h, max(bw - 1, 1), h)
            )
    tx = plot.x + target_s / hi * plot.w
    pygame.draw.line(surface, P.TEXT, (tx, plot.y), (tx, plot.bottom), 1)
    text.draw(surface, P.duration_label(hi), (rect.right - 6, rect.y + 4), 14, P.TEXT_DIM, "topright")
