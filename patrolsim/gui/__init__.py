"""The desktop window (pygame-ce + pygame_gui). Importing this package does not import pygame:
:func:`launch` does, so the engine and the CLI run without it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # no pygame banner on stdout when it is imported


def display_problem() -> str | None:
    """Why no window can be opened here (None when one probably can)."""
    if os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return None
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    return None


def launch(
    scenario,
    *,
    compare: str | None = None,
    screenshot_after: tuple[float, Path] | None = None,
    size: tuple[int, int] = (1280, 800),
) -> int:
    """Open the window on ``scenario``; returns the exit status. Raises :class:`NoDisplay` when SDL
    cannot open a window."""
    import pygame

    from .app import App

    try:
        app = App(scenario, size=size, compare=compare)
    except pygame.error as exc:
        raise NoDisplay(f"cannot open a window ({exc})") from None
    return app.run(screenshot_after=screenshot_after)


class NoDisplay(RuntimeError):
    """SDL could not open a window (no display server, or no video driver)."""
