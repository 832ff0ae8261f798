"""Screenshots (PNG) and recordings: animated GIF (Pillow) or MP4 (imageio-ffmpeg's ffmpeg)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pygame

GIF_MAX_FRAMES = 300  # 30 s at 10 frames/s (a GIF is for short clips; MP4 has no limit)
RECORD_FPS = 10
MAX_WIDTH = 800  # recordings are scaled down to this width (pixels)


def capture_name(folder: Path, suffix: str) -> Path:
    """A fresh file name ``patrolsim-YYYYmmdd-HHMMSS[-k].suffix`` in ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = "patrolsim-" + time.strftime("%Y%m%d-%H%M%S")
    path, k = folder / f"{stem}{suffix}", 1
    while path.exists():
        path, k = folder / f"{stem}-{k}{suffix}", k + 1
    return path


def save_screenshot(surface: pygame.Surface, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(path))
    return path


def _frame_array(surface: pygame.Surface) -> np.ndarray:
    """(H, W, 3) uint8 of the surface, scaled to at most MAX_WIDTH (even sizes, as video codecs want)."""
    w, h = surface.get_size()
    if w > MAX_WIDTH:
        surface = pygame.transform.smoothscale(surface, (MAX_WIDTH, int(h * MAX_WIDTH / w)))
    w, h = surface.get_size()
    surface = surface.subsurface((0, 0, w - w % 2, h - h % 2))
    return pygame.surfarray.array3d(surface).transpose(1, 0, 2)


class Recorder:
    """Records frames at :data:`RECORD_FPS` (of wall time) into a GIF or an MP4 until stopped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = path.suffix.lower().lstrip(".")
        self.frames = 0
        self._next = 0.0
        self._gif: list = []
        self._writer: Any = None  # imageio-ffmpeg's frame generator, started by the first frame
        if self.kind == "mp4":
            try:
                import imageio_ffmpeg
            except ImportError:
                raise RuntimeError(
                    "MP4 recording needs the imageio-ffmpeg package (pip install imageio-ffmpeg); "
                    "GIF recording works without it"
                ) from None
            self._ffmpeg = imageio_ffmpeg

    def capture(self, surface: pygame.Surface, now: float | None = None) -> bool:
        """Keep a frame if one is due; False once the GIF frame limit is reached (then stop)."""
        now = time.perf_counter() if now is None else now
        if now < self._next:
            return True
        self._next = now + 1.0 / RECORD_FPS
        frame = _frame_array(surface)
        if self.kind == "mp4":
            if self._writer is None:
                h, w = frame.shape[:2]
                self._writer = self._ffmpeg.write_frames(
                    str(self.path), (w, h), fps=RECORD_FPS, quality=7, macro_block_size=2
                )
                self._writer.send(None)
            writer = self._writer
            writer.send(np.ascontiguousarray(frame).tobytes())
        else:
            from PIL import Image

            self._gif.append(Image.fromarray(frame).quantize(colors=128, method=Image.Quantize.MEDIANCUT))
        self.frames += 1
        return self.kind == "mp4" or self.frames < GIF_MAX_FRAMES

    def finish(self) -> Path:
        """Write (GIF) or close (MP4) the file; returns its path."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.kind == "mp4":
            if self._writer is not None:
                self._writer.close()
        elif self._gif:
            self._gif[0].save(
                self.path,
                save_all=True,
                append_images=self._gif[1:],
                loop=0,
                duration=int(1000 / RECORD_FPS),
                optimize=False,
            )
        return self.path
