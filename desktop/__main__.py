"""`python -m desktop` (the app) and `python -m desktop classify PATH...` (batch)."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
