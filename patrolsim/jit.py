"""Two ways to run the hot loops, chosen per run: plain Python, or compiled by numba.

Numba costs about a second the first time a process calls compiled code (importing it, its
type registries, and scipy's BLAS check), even with the on-disk cache. A small run finishes faster
than that as plain Python, so the kernel functions (the event loop, searches, tours, p-median swaps)
are written once as numba-compatible Python and registered with :func:`kernel_function`. Both forms
execute the same source with the same IEEE arithmetic, so results are identical either way (a test
checks this).

A :class:`Backend` is one of the two forms. Each Simulation owns one, picked by :func:`backend_for`
from the run's work estimate, and makes it the *active* backend (:meth:`Backend.active`, a context
variable, so two runs in one process or in two threads may differ) while its own code runs. A call of
a registered function from Python goes to the active backend's version of it; inside either version,
calls between kernel functions go straight to that version (copies of the functions whose globals
name the plain, or the compiled, versions of the others), so the plain loop pays nothing per call.
Module globals are never rebound. ``PATROLSIM_JIT=0`` never compiles (for debugging with pdb),
``PATROLSIM_JIT=1`` always does.
"""

from __future__ import annotations

import functools
import os
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

#: estimated events (arrivals, node visits of a search, ...) above which compiling pays off
COMPILE_ABOVE = 40_000

F = TypeVar("F", bound=Callable[..., Any])

#: the plain function behind every registered name, by (module, name)
_registered: dict[tuple[str, str], Callable] = {}


class Backend:
    """Plain Python or numba-compiled versions of every kernel function (made when first asked for)."""

    def __init__(self, name: str, compiled: bool) -> None:
        self.name, self.compiled = name, compiled
        self._versions: dict[tuple[str, str], Callable] = {}
        self._modules: dict[str, types.ModuleType] = {}

    def __repr__(self) -> str:
        return f"<Backend {self.name}>"

    def version(self, fn: Callable) -> Callable:
        """This backend's version of the registered function ``fn``."""
        key = _key(fn)
        return self._versions.get(key) or self._make(key)

    @contextmanager
    def active(self) -> Iterator[Backend]:
        """Make this the backend that calls of kernel functions from Python use, inside the block."""
        token = _active.set(self)
        try:
            yield self
        finally:
            _active.reset(token)

    def _make(self, key: tuple[str, str]) -> Callable:
        """A copy of the plain function ``key`` whose globals see this backend's versions of the other
        kernel functions (and proxy modules for ``module.function`` calls); compiled if so chosen."""
        plain = _registered[key]
        scope: dict[str, Any] = {}
        copy = types.FunctionType(plain.__code__, scope, plain.__name__, plain.__defaults__, plain.__closure__)
        copy.__qualname__, copy.__doc__ = plain.__qualname__, plain.__doc__
        if self.compiled:
            from numba import njit

            _use_cache_dir()
            made: Callable = njit(cache=True)(copy)
        else:
            made = copy
        self._versions[key] = made  # before filling the globals: kernel functions may call each other
        scope.update(self._scope(plain.__globals__))
        return made

    def _scope(self, module_globals: dict[str, Any]) -> dict[str, Any]:
        scope = dict(module_globals)
        for name, value in module_globals.items():
            if isinstance(value, _Dispatch):
                scope[name] = self.version(value)
            elif isinstance(value, types.ModuleType) and _holds_kernels(value.__name__):
                scope[name] = self._module(value)
        return scope

    def _module(self, module: types.ModuleType) -> types.ModuleType:
        proxy = self._modules.get(module.__name__)
        if proxy is None:
            proxy = types.ModuleType(module.__name__, module.__doc__)
            self._modules[module.__name__] = proxy
            proxy.__dict__.update(self._scope(vars(module)))
        return proxy


@functools.cache
def _use_cache_dir() -> None:
    """Point numba's on-disk cache at a folder named after a hash of every kernel module's source.

    Numba checks only the source file of the function it loads, so a compiled function cached before
    a kernel function it calls in *another* file changed would run the old callee: results would
    depend on the cache. One folder per version of all the kernel sources rules that out (folders of
    other versions are removed once unused for a week). ``NUMBA_CACHE_DIR``, when set, is used as the parent folder."""
    import hashlib
    import shutil
    import sys
    import time
    from pathlib import Path

    from numba.core import config

    digest = hashlib.sha256()
    for name in sorted({mod for mod, _ in _registered}):
        digest.update(name.encode() + b"\0" + Path(sys.modules[name].__file__ or "").read_bytes())
    base = os.environ.get("NUMBA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "patrolsim", "numba"
    )
    here = Path(base) / digest.hexdigest()[:16]
    here.mkdir(parents=True, exist_ok=True)
    here.touch()  # in use: other versions' folders untouched for a week are removed
    week_ago = time.time() - 7 * 86400
    for old in Path(base).glob("?" * 16):
        if old != here and old.stat().st_mtime < week_ago:
            shutil.rmtree(old, ignore_errors=True)
    config.CACHE_DIR = str(here)  # type: ignore[attr-defined]


PLAIN = Backend("plain", compiled=False)
COMPILED = Backend("compiled", compiled=True)


#: the backend outside any run (a library call, a map being loaded): plain unless PATROLSIM_JIT=1
_active: ContextVar[Backend] = ContextVar(
    "patrolsim_backend", default=COMPILED if os.environ.get("PATROLSIM_JIT") == "1" else PLAIN
)


def active() -> Backend:
    """The backend kernel calls from Python go to now."""
    return _active.get()


def backend_for(work: float) -> Backend:
    """The backend for a run estimated at ``work`` plain-Python events (arrivals, settled nodes, ...):
    compiled when that is worth numba's start-up, or as PATROLSIM_JIT says (0 never, 1 always)."""
    choice = os.environ.get("PATROLSIM_JIT")
    if choice == "0":
        return PLAIN
    if choice == "1" or work > COMPILE_ABOVE:
        return COMPILED
    return PLAIN


class _Dispatch:
    """A registered kernel function as Python code sees it: each call goes to the active backend."""

    def __init__(self, fn: Callable) -> None:
        self.plain = fn
        self.key = (fn.__module__, fn.__name__)
        functools.update_wrapper(self, fn)

    def __call__(self, *args: Any) -> Any:
        backend = _active.get()
        return (backend._versions.get(self.key) or backend._make(self.key))(*args)


def _key(fn: Callable) -> tuple[str, str]:
    return fn.key if isinstance(fn, _Dispatch) else (fn.__module__, fn.__name__)


def _holds_kernels(module_name: str) -> bool:
    return any(mod == module_name for mod, _ in _registered)


def kernel_function(fn: F) -> F:
    """Register ``fn`` (numba-compatible Python that calls other kernel functions through its module's
    globals) so that it runs plain or compiled as the active backend says."""
    _registered[(fn.__module__, fn.__name__)] = fn
    return _Dispatch(fn)  # type: ignore[return-value]
