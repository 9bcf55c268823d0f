"""What the answer panel shows for a reading: headline, detail line, bars, "not sure" state.

Pure functions of the predictions, so the honesty rules are tested without a window: an empty
drawing shows no digit, and a digit the model is unsure of is shown as "?" with its candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SURE_CONFIDENCE = 0.6   # below this the top probability is not trusted
SURE_MARGIN = 0.3       # nor when the runner-up is closer than this
UNSURE_MARK = "?"
ADAPTED_NOTE = "adapted to your handwriting"


def runner_up(probabilities: Sequence[float]) -> int:
    """The second most probable digit."""
    order = sorted(range(len(probabilities)), key=lambda d: probabilities[d], reverse=True)
    return order[1]


def is_sure(probabilities: Sequence[float]) -> bool:
    """Confident and clearly ahead of the runner-up."""
    top = max(probabilities)
    second = probabilities[runner_up(probabilities)]
    return top >= SURE_CONFIDENCE and top - second >= SURE_MARGIN


def percent(p: float) -> str:
    """A probability for people: 99.7 %, 12 %, < 1 %."""
    if p < 0.005:
        return "< 1 %"
    return f"{p * 100:.1f} %" if p >= 0.995 else f"{p * 100:.0f} %"


@dataclass(frozen=True)
class Answer:
    headline: str                   # the number in large type, "?" where unsure, "" when empty
    detail: str                     # one line under it
    sure: bool
    bars: tuple[float, ...]         # ten probabilities for the chart
    highlighted: int | None         # the bar of the predicted digit
    chart_title: str
    labels: tuple[str, ...] = ()    # one caption per digit, under its 28x28 view
    selected: int | None = None     # which digit the chart shows


def empty_answer(detail: str = "Draw a digit") -> Answer:
    return Answer("", detail, True, (0.0,) * 10, None, "Probabilities")


def least_sure(predictions: Sequence) -> int:
    return min(range(len(predictions)), key=lambda i: predictions[i].confidence)


def _detail(predictions: Sequence) -> str:
    unsure = [(i, p) for i, p in enumerate(predictions) if not is_sure(p.probabilities)]
    if not unsure:
        if len(predictions) == 1:
            return f"{percent(predictions[0].confidence)} sure"
        return f"all {len(predictions)} digits at least " \
               f"{percent(min(p.confidence for p in predictions))} sure"  # one line in the panel
    i, p = unsure[0]
    guess = f"{p.digit} ({percent(p.confidence)}) or " \
            f"{runner_up(p.probabilities)} ({percent(p.probabilities[runner_up(p.probabilities)])})"
    where = "" if len(predictions) == 1 else f" about digit {i + 1}"
    more = f", and {len(unsure) - 1} more" if len(unsure) > 1 else ""
    return f"Not sure{where}: {guess}?{more}"


def answer(predictions: Sequence, selected: int | None = None, adapted: bool = False) -> Answer:
    """The panel for the predictions of one reading, digits left to right; `adapted`: the
    person's samples changed the answer, which the detail line says, quietly."""
    if not predictions:
        return empty_answer()
    if selected is None or not 0 <= selected < len(predictions):
        selected = least_sure(predictions)
    sure_each = [is_sure(p.probabilities) for p in predictions]
    headline = "".join(str(p.digit) if ok else UNSURE_MARK
                       for p, ok in zip(predictions, sure_each, strict=True))
    chosen = predictions[selected]
    title = "Probabilities" if len(predictions) == 1 else \
        f"Probabilities of digit {selected + 1} of {len(predictions)}"
    labels = tuple(f"{p.digit} · {percent(p.confidence)}" for p in predictions)
    detail = _detail(predictions) + (f" · {ADAPTED_NOTE}" if adapted else "")
    return Answer(headline, detail, all(sure_each), tuple(chosen.probabilities),
                  chosen.digit, title, labels, selected)
