"""Golden results: every built-in strategy on three shipped maps, with and without incidents, gives
exactly the committed numbers (every metric bit for bit, and a digest of the whole JSON output).

``.ci/run`` runs this file as is, with PATROLSIM_JIT=0 and =1, and with numpy limited to its baseline CPU
features, so a result that depends on the compile path or on the CPU fails here. After a change of
behaviour made on purpose, regenerate the table (``python tests/golden/regenerate.py``) and commit the
diff with the change.
"""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from cases import TABLE, cases, record  # noqa: E402

GOLDEN = json.loads(TABLE.read_text(encoding="utf-8"))
CASES = cases()


def test_the_table_covers_exactly_the_cases():
    assert sorted(GOLDEN) == sorted(CASES)


@pytest.mark.parametrize("case_id", list(CASES))
def test_golden(case_id):
    expected, got = GOLDEN[case_id], record(CASES[case_id])
    if "error" in expected or "error" in got:
        assert got == expected
        return
    changed = {k: (expected["metrics"].get(k), v) for k, v in got["metrics"].items() if expected["metrics"].get(k) != v}
    assert not changed, f"metrics differ from the golden table (expected, got): {changed}"
    assert sorted(got["metrics"]) == sorted(expected["metrics"])
    assert got["digest"] == expected["digest"], "per-node, per-agent, series or incident tables differ"
