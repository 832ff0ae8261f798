"""The compile choice belongs to each run: two runs in one process may differ, and neither changes
what a kernel call from outside any run does (no module global is rebound)."""

import threading
from pathlib import Path

import numpy as np

from patrolsim import jit, make
from patrolsim.algorithms.heap import heap_pop, heap_push
from patrolsim.engine import kernel
from patrolsim.maps.occupancy import grid_map
from patrolsim.scenario import scenario_from_dict

MAPS = Path(__file__).resolve().parents[2] / "maps"


def _scenario(duration):
    return scenario_from_dict(
        {
            "map": str(MAPS / "open_square.txt"),
            "duration": duration,
            "seed": 3,
            "agents": {"count": 2},
            "strategy": {"name": "cr"},
        }
    )


def test_the_work_estimate_decides_per_run(monkeypatch):
    monkeypatch.delenv("PATROLSIM_JIT", raising=False)
    assert jit.backend_for(0.5 * jit.COMPILE_ABOVE) is jit.PLAIN
    assert jit.backend_for(2.0 * jit.COMPILE_ABOVE) is jit.COMPILED
    monkeypatch.setenv("PATROLSIM_JIT", "0")
    assert jit.backend_for(1e12) is jit.PLAIN
    monkeypatch.setenv("PATROLSIM_JIT", "1")
    assert jit.backend_for(0.0) is jit.COMPILED


def test_a_short_run_is_plain_and_a_long_one_compiled(monkeypatch):
    monkeypatch.delenv("PATROLSIM_JIT", raising=False)
    short, long = make(_scenario(10.0)), make(_scenario(1e6))
    assert short.work() < jit.COMPILE_ABOVE < long.work()
    assert short.backend is jit.PLAIN and long.backend is jit.COMPILED


def test_plain_and_compiled_runs_in_one_process_give_the_same_result():
    plain = make(_scenario(600.0), backend=jit.PLAIN).run().to_dict()
    compiled = make(_scenario(600.0), backend=jit.COMPILED).run().to_dict()
    for run in (plain, compiled):
        run["run"].pop("wall_s", None)
        run["run"].pop("setup_s", None)
    assert plain["metrics"] == compiled["metrics"]
    assert plain["nodes"] == compiled["nodes"]


def test_module_globals_stay_the_plain_functions():
    make(_scenario(60.0), backend=jit.COMPILED).run()
    # the names in the modules are the registered functions, whichever backend ran
    assert isinstance(kernel.advance, jit._Dispatch)
    assert kernel.advance.plain.__module__ == "patrolsim.engine.kernel"
    assert jit.active() is jit.PLAIN or jit.active() is jit.COMPILED
    assert jit.COMPILED.version(kernel.advance) is not jit.PLAIN.version(kernel.advance)


def test_the_active_backend_is_scoped_to_its_block_and_thread():
    seen = []
    outside = jit.active()
    with jit.COMPILED.active():
        assert jit.active() is jit.COMPILED
        t = threading.Thread(target=lambda: seen.append(jit.active()))
        t.start()
        t.join()
    assert jit.active() is outside
    assert seen == [outside]  # a new thread starts from the default, not from its parent's block


def test_kernel_functions_give_the_same_answers_on_both_backends():
    for backend in (jit.PLAIN, jit.COMPILED):
        keys, vals = np.zeros(8), np.zeros(8, dtype=np.int64)
        with backend.active():
            size = 0
            for k, v in [(3.0, 1), (1.0, 2), (2.0, 3)]:
                size = heap_push(keys, vals, size, k, v)
            out = []
            while size:
                key, val, size = heap_pop(keys, vals, size)
                out.append((float(key), int(val)))
        assert out == [(1.0, 2), (2.0, 3), (3.0, 1)]


def test_a_map_loads_without_a_run_and_without_compiling():
    pmap = grid_map("g", np.ones((5, 5), dtype=bool))
    assert pmap.component_labels().tolist() == [0] * 25


def test_the_compiled_cache_folder_is_named_after_the_kernel_sources(tmp_path, monkeypatch):
    from numba.core import config

    before = config.CACHE_DIR
    import os

    stale, recent = tmp_path / ("0" * 16), tmp_path / ("1" * 16)
    stale.mkdir()
    recent.mkdir()
    os.utime(stale, (0, 0))
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    try:
        jit._use_cache_dir.__wrapped__()
        here = config.CACHE_DIR
    finally:
        config.CACHE_DIR = before
    assert here.startswith(str(tmp_path)) and len(here.rsplit("/", 1)[1]) == 16
    assert not stale.exists() and recent.exists()  # another version's folder goes once unused for a week
