"""The decision to compile: work announced in one process adds up."""

from patrolsim import jit


def test_small_pieces_of_work_add_up_to_compiling(monkeypatch):
    compiled = []
    monkeypatch.setattr(jit, "_expected", 0.0)
    monkeypatch.setattr(jit, "use_compiled", lambda: compiled.append(True))
    monkeypatch.delenv("PATROLSIM_JIT", raising=False)
    jit.for_work(0.6 * jit.COMPILE_ABOVE)
    assert not compiled
    jit.for_work(0.6 * jit.COMPILE_ABOVE)
    assert compiled
