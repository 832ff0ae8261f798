"""Thin entry point: `python run.py ...` is the same as `patrolsim ...`."""
import sys

from patrolsim.cli import main

if __name__ == "__main__":
    sys.exit(main())
