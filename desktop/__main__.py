"""`python -m desktop` (the app) and `python -m desktop classify PATH...` (batch)."""

import multiprocessing
import sys

from desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the executable's batch workers start through here
    sys.exit(main())
