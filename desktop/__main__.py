"""`python -m desktop` (the app) and `python -m desktop classify PATH...` (batch)."""

import sys


def main() -> int:
    try:  # Ctrl-C before the program has set up its own handling (imports take a moment)
        import multiprocessing

        from desktop.cli import main as run

        multiprocessing.freeze_support()  # the executable's batch workers start through here
        return run()
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
