"""The backend fixture of the fleet tests: every hand-computed case runs plain and compiled."""

import pytest


@pytest.fixture(params=["plain", "compiled"])
def backend(request):
    from patrolsim import jit

    return jit.PLAIN if request.param == "plain" else jit.COMPILED
