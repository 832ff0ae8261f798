"""A test strategy: conscientious reactive, but the first process to set it up dies (SIGKILL), to check that
a batch does not lose a run whose worker is killed mid-task."""

import os
import signal
from pathlib import Path

from patrolsim.strategies.base import Param
from patrolsim.strategies.reactive import ConscientiousReactive


class KillOnce(ConscientiousReactive):
    name = "kill-once"
    params = {**ConscientiousReactive.params, "marker": Param("", "file created before the first kill")}

    def setup(self, view):
        marker = Path(self.values["marker"])
        if self.values["marker"] and not marker.exists():
            marker.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        super().setup(view)
