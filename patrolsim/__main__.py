"""``python -m patrolsim ...`` is the same as ``patrolsim ...``."""

import sys

from .cli import main

sys.exit(main())
