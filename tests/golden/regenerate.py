"""Rewrite the golden-results table (tests/golden/results.json) from the current code.

Run from the repository root after a change of behaviour made on purpose:

    python tests/golden/regenerate.py

then read ``git diff tests/golden/results.json`` and commit the table with the change that caused it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from cases import TABLE, cases, record  # noqa: E402


def main() -> None:
    table = {case_id: record(data) for case_id, data in cases().items()}
    TABLE.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(table)} cases to {TABLE}")


if __name__ == "__main__":
    main()
