"""`python -m desktop` (the app) and `python -m desktop classify PATH...` (batch)."""

import sys


def main() -> int:
    try:  # Ctrl-C in the moment before signals are held
        from desktop import hold_signals

        hold_signals()  # until the imports are done: a signal must not cut one in half
        import multiprocessing

        from desktop.cli import main as run

        multiprocessing.freeze_support()  # the executable's batch workers start through here
        return run()
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # a bug: one line for the user, the traceback in the error log
        from desktop import say
        from desktop.user.bug_log import bug_line

        say(f"error: {bug_line(err)}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
