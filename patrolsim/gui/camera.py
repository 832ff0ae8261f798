"""Camera: metres <-> pixels for one map viewport (fit, wheel zoom about the cursor, drag pan)."""

from __future__ import annotations

import numpy as np


class Camera:
    """Maps world metres (x east, y north) into the pixel rectangle ``rect`` (x, y, w, h).

    ``scale`` is pixels per metre; ``centre`` is the world point shown at the middle of ``rect``.
    """

    MIN_ZOOM, MAX_ZOOM = 0.5, 200.0

    def __init__(self, bounds: tuple[float, float, float, float], rect: tuple[int, int, int, int]) -> None:
        self.bounds = bounds
        self.rect = tuple(rect)
        self.fit()

    def fit(self) -> None:
        """Show the whole map, centred, with a small margin."""
        xmin, ymin, xmax, ymax = self.bounds
        w, h = self.rect[2], self.rect[3]
        self.fit_scale = 0.96 * min(w / max(xmax - xmin, 1e-6), h / max(ymax - ymin, 1e-6))
        self.scale = self.fit_scale
        self.centre = np.array([(xmin + xmax) / 2, (ymin + ymax) / 2])

    def resize(self, rect: tuple[int, int, int, int]) -> None:
        """New viewport; keeps the zoom relative to the fitted view."""
        zoom = self.scale / self.fit_scale
        centre = self.centre.copy()
        self.rect = tuple(rect)
        self.fit()
        self.scale = self.fit_scale * zoom
        self.centre = centre

    @property
    def key(self) -> tuple:
        """Changes whenever the mapping changes (for caches)."""
        return (self.rect, round(self.scale, 9), round(float(self.centre[0]), 6), round(float(self.centre[1]), 6))

    def to_screen(self, xy: np.ndarray) -> np.ndarray:
        """(N, 2) metres -> (N, 2) float pixels."""
        xy = np.asarray(xy, dtype=float)
        x, y, w, h = self.rect
        out = np.empty_like(xy)
        out[..., 0] = x + w / 2 + (xy[..., 0] - self.centre[0]) * self.scale
        out[..., 1] = y + h / 2 - (xy[..., 1] - self.centre[1]) * self.scale
        return out

    def to_world(self, px: float, py: float) -> np.ndarray:
        x, y, w, h = self.rect
        return np.array(
            [self.centre[0] + (px - x - w / 2) / self.scale, self.centre[1] - (py - y - h / 2) / self.scale]
        )

    def zoom_at(self, factor: float, px: float, py: float) -> None:
        """Zoom by ``factor`` keeping the world point under pixel (px, py) in place."""
        before = self.to_world(px, py)
        zoom = np.clip(self.scale * factor / self.fit_scale, self.MIN_ZOOM, self.MAX_ZOOM)
        self.scale = self.fit_scale * zoom
        self.centre += before - self.to_world(px, py)

    def pan(self, dx: float, dy: float) -> None:
        """Move the view by (dx, dy) pixels (the map follows the mouse)."""
        self.centre -= np.array([dx, -dy]) / self.scale

    def contains(self, px: float, py: float) -> bool:
        x, y, w, h = self.rect
        return x <= px < x + w and y <= py < y + h
