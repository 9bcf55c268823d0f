"""Progress text and the one-line summary of a batch run."""

from __future__ import annotations

import io
from collections import Counter

from desktop.batch.progress import Progress, duration, progress_text, summary
from desktop.batch.rows import Tally


def test_duration():
    assert [duration(s) for s in (0, 7.4, 725, 3723)] == ["0:00", "0:07", "12:05", "1:02:03"]


def test_progress_text_with_and_without_a_total():
    assert progress_text(500, 2000, 2.0) == "500/2,000 files  250 images/s  ETA 0:06"
    assert progress_text(500, None, 2.0) == "500 files  250 images/s"


def test_summary_is_one_line_with_digits_failures_and_skips():
    tally = Tally(classified=3, uncertain=1, failed=2, hidden=4, not_images=1,
                  digits=Counter({"7": 2, "1": 1}))
    line = summary(tally, 2.0)
    assert line == ("Read 6 files in 2.0 s (3 images/s); digits 1:1 7:2; 1 uncertain, 2 failed; "
                    "skipped 4 hidden, 1 not images")
    assert summary(Tally(failed=1), 1.0, interrupted=True).startswith("Interrupted after 1 file ")


def test_progress_draws_only_on_a_terminal():
    quiet = io.StringIO()
    Progress(quiet).update(5, force=True)
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    progress = Progress(shown, enabled=True)
    progress.total = 10
    progress.update(5, force=True)
    progress.clear()
    assert shown.getvalue().startswith("\r5/10 files")
    assert shown.getvalue().endswith("\r")
