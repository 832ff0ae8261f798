"""The desktop window (pygame-ce + pygame_gui). Importing this package does not import pygame:
:func:`launch` does, so the engine and the CLI run without it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # no pygame banner on stdout when it is imported

#: SDL's drivers that draw into memory: a window nobody can see unless the user asked for one
OFFSCREEN_DRIVERS = ("offscreen", "dummy")


def display_problem() -> str | None:
    """Why no window can be opened here (None when one probably can, or the user chose a video driver)."""
    if os.environ.get("SDL_VIDEODRIVER"):
        return None
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    return None


def init_display(*, offscreen_ok: bool = False) -> str:
    """Initialise SDL's video; returns the driver. Raises :class:`NoDisplay` when no visible window can
    be opened: the display is unreachable, or SDL fell back to an off-screen driver the user did not
    ask for with ``SDL_VIDEODRIVER`` (``offscreen_ok``: accept that fallback, for scripted runs)."""
    import pygame

    requested = os.environ.get("SDL_VIDEODRIVER", "").lower()
    x11_only = sys.platform.startswith("linux") and os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if not requested and x11_only and not offscreen_ok:
        os.environ["SDL_VIDEODRIVER"] = "x11"  # fail on an unreachable DISPLAY instead of probing others
    try:
        pygame.display.init()
    except pygame.error as exc:
        raise NoDisplay(f"no display: cannot open a window on DISPLAY={os.environ.get('DISPLAY')} ({exc})") from None
    finally:
        if not requested:
            os.environ.pop("SDL_VIDEODRIVER", None)
    driver = pygame.display.get_driver()
    if driver in OFFSCREEN_DRIVERS and driver != requested and not offscreen_ok:
        pygame.display.quit()
        raise NoDisplay(f"no display (SDL found none and fell back to its invisible '{driver}' driver)")
    return driver


def launch(
    scenario,
    *,
    compare: str | None = None,
    screenshot_after: tuple[float, Path] | None = None,
    size: tuple[int, int] = (1280, 720),
    run_to_end: bool = False,
    export_json: str | None = None,
    export_csv: str | None = None,
) -> int:
    """Open the window on ``scenario``; returns the exit status. Raises :class:`NoDisplay` when SDL
    cannot open a visible window (``run_to_end``: run off-screen then). ``run_to_end``: run as fast as
    possible to the scenario's duration, write ``export_json`` / ``export_csv`` and close."""
    import pygame

    if run_to_end and display_problem():
        os.environ["SDL_VIDEODRIVER"] = "dummy"  # a scripted run needs no visible window
    init_display(offscreen_ok=run_to_end)
    from .app import App

    try:
        app = App(scenario, size=size, compare=compare)
    except pygame.error as exc:
        raise NoDisplay(f"cannot open a window ({exc})") from None
    return app.run(screenshot_after=screenshot_after, run_to_end=run_to_end, export=(export_json, export_csv))


class NoDisplay(RuntimeError):
    """SDL could not open a window (no display server, or no video driver)."""
