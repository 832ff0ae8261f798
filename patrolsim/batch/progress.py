"""A one-line progress display for sweeps: runs done / total, failures, elapsed time and ETA."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class Progress:
    """Counts finished runs and redraws a line on ``stream`` (in place on a terminal; otherwise a new line
    at most every ``every`` seconds and at the end). ``skipped`` runs were already complete."""

    def __init__(
        self, total: int, skipped: int = 0, stream: TextIO | None = None, enabled: bool = True, every: float = 10.0
    ) -> None:
        self.total, self.skipped = total, skipped
        self.done = self.failed = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = every
        self.started = time.monotonic()
        self._last = -float("inf")
        self._shown = ""

    def update(self, ok: bool) -> None:
        """One more run finished (``ok`` False = failed)."""
        self.done += 1
        self.failed += not ok
        self._draw(final=False)

    def line(self) -> str:
        """The progress text, e.g. ``[#####.....]  37/200 runs, 1 failed, 0:12 elapsed, ETA 0:40``."""
        finished = self.skipped + self.done
        elapsed = time.monotonic() - self.started
        width = 24
        filled = int(width * finished / self.total) if self.total else width
        text = f"[{'#' * filled}{'.' * (width - filled)}] {finished:>{len(str(self.total))}}/{self.total} runs"
        if self.skipped:
            text += f" ({self.skipped} already done)"
        text += f", {self.failed} failed, {_clock(elapsed)} elapsed"
        remaining = self.total - finished
        if self.done and remaining:
            text += f", ETA {_clock(elapsed / self.done * remaining)}"
        return text

    def _draw(self, final: bool) -> None:
        if not self.enabled:
            return
        now, text = time.monotonic(), self.line()
        if self.tty:
            self.stream.write("\r" + text + ("\n" if final else ""))
        elif (final and text.split(",")[:2] != self._shown.split(",")[:2]) or (
            not final and now - self._last >= self.every
        ):
            self.stream.write(text + "\n")
            self._last, self._shown = now, text
        self.stream.flush()

    def close(self) -> None:
        """Draw the final state."""
        self._draw(final=True)
