"""Scoring the message check on labelled messages: scam-sign recall, false alarms, figures.

``python -m knowledge.inspection.evaluate [FILE]`` prints the scores of ``tests/data/scam_messages.yaml``
(or FILE) for the whole set and for its two declared parts: the messages the patterns were tuned on
(:data:`TUNED_ON`, m001–m080) and the rest, never tuned on. The tests assert the same scores.

Scores:

- *sign recall*: of the signs the labels give scam messages, the share found;
- *false alarms*: of the legitimate messages, the share in which any sign is found;
- *sign precision*: of the signs found in scam messages, the share the labels give;
- *quotes agree*: of the signs found and labelled, the share whose quoted words overlap the label's;
- *figures right*: of all messages, the share whose figures are right — none found where the label has
  none, else the same periods and money received and an IRR年化 within 0.01 of the label's.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field

from knowledge.inspection.figures import CostFigures
from knowledge.inspection.report import Inspection, inspect_message
from knowledge.inspection.signs import SignId
from knowledge.models import StrictModel

DEFAULT_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "scam_messages.yaml"
#: the messages whose misses were looked at while the patterns were written (the rest never were)
TUNED_ON = frozenset(f"m{n:03d}" for n in range(1, 81))
APR_TOLERANCE = 0.01


class LabelledFigures(StrictModel):
    """A message's loan as the labeller worked it out; ``apr`` is the IRR年化 in percent."""

    amount: float
    installment: float
    periods: int
    fee: float
    received: float
    apr: float


class LabelledMessage(StrictModel):
    """One received message with its expected signs, the words showing each, and its figures."""

    id: str
    kind: Literal["scam", "legit"]
    text: str = Field(min_length=1)
    signs: list[SignId]
    quotes: dict[SignId, str] = Field(default_factory=dict)
    figures: LabelledFigures | None = None


def read_messages(path: Path = DEFAULT_SET) -> list[LabelledMessage]:
    """The labelled messages of a YAML file (a list of :class:`LabelledMessage`)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [LabelledMessage.model_validate(item) for item in raw]


def figures_right(expected: LabelledFigures | None, found: CostFigures | None) -> bool:
    """Whether the figures found match the label (both absent counts as right)."""
    if expected is None or found is None:
        return expected is None and found is None
    return (
        found.periods == expected.periods
        and abs(found.received - expected.received) < 0.01
        and abs(found.irr_annual_pct - expected.apr) <= APR_TOLERANCE
    )


def _overlap(a: str, b: str) -> bool:
    return a in b or b in a


@dataclass(frozen=True)
class Scores:
    """The scores of one set of messages (see the module docstring)."""

    messages: int
    scam: int
    legit: int
    labelled_signs: int
    found_signs: int
    signs_right: int
    false_alarms: int
    quotes_agree: int
    figures_right: int
    with_figures: int
    figures_found_right: int

    @property
    def recall(self) -> float:
        """Share of the labelled scam signs found."""
        return self.signs_right / self.labelled_signs if self.labelled_signs else 1.0

    @property
    def precision(self) -> float:
        """Share of the signs found in scam messages that the labels give."""
        return self.signs_right / self.found_signs if self.found_signs else 1.0

    @property
    def false_alarm_rate(self) -> float:
        """Share of legitimate messages with any sign found."""
        return self.false_alarms / self.legit if self.legit else 0.0

    @property
    def figures_rate(self) -> float:
        """Share of messages whose figures are right."""
        return self.figures_right / self.messages if self.messages else 1.0

    def lines(self, title: str) -> list[str]:
        """A readable summary."""
        return [
            f"{title}: {self.messages} messages ({self.scam} scam, {self.legit} legitimate)",
            f"  scam-sign recall    {self.recall:7.1%}  ({self.signs_right}/{self.labelled_signs})",
            f"  sign precision      {self.precision:7.1%}  ({self.signs_right}/{self.found_signs})",
            f"  false alarms        {self.false_alarm_rate:7.1%}  "
            f"({self.false_alarms}/{self.legit} legitimate)",
            f"  quotes agree        {self.quotes_agree / max(self.signs_right, 1):7.1%}"
            f"  ({self.quotes_agree}/{self.signs_right})",
            f"  figures right       {self.figures_rate:7.1%}  ({self.figures_right}/{self.messages}; "
            f"{self.figures_found_right}/{self.with_figures} of those with figures)",
        ]


def score(messages: list[LabelledMessage], reports: dict[str, Inspection] | None = None) -> Scores:
    """Score the check on ``messages`` (``reports`` by message id, else each message is inspected)."""
    labelled = found = right = alarms = quotes = figures_ok = with_figures = figures_found = 0
    for message in messages:
        report = reports[message.id] if reports is not None else inspect_message(message.text)
        got = {sign.id: sign.quotes for sign in report.signs}
        if message.kind == "legit":
            alarms += bool(got)
        else:
            labelled += len(message.signs)
            found += len(got)
            for sign in message.signs:
                if sign in got:
                    right += 1
                    expected_quote = message.quotes.get(sign, "")
                    quotes += any(_overlap(q, expected_quote) for q in got[sign]) if expected_quote else 1
        ok = figures_right(message.figures, report.figures)
        figures_ok += ok
        if message.figures is not None:
            with_figures += 1
            figures_found += ok
    return Scores(
        messages=len(messages),
        scam=sum(m.kind == "scam" for m in messages),
        legit=sum(m.kind == "legit" for m in messages),
        labelled_signs=labelled,
        found_signs=found,
        signs_right=right,
        false_alarms=alarms,
        quotes_agree=quotes,
        figures_right=figures_ok,
        with_figures=with_figures,
        figures_found_right=figures_found,
    )


def main(argv: list[str]) -> int:
    """Print the scores of the whole set and of its two parts; 2 when the set cannot be read."""
    if argv and argv[0].startswith("-"):
        print("usage: python -m knowledge.inspection.evaluate [FILE.yaml]  (default: the first set)")
        return 0 if argv[0] in ("-h", "--help") else 2
    path = Path(argv[0]) if argv else DEFAULT_SET
    try:
        messages = read_messages(path)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"cannot read {path}: {exc}", file=sys.stderr)
        return 2
    tuned = [m for m in messages if m.id in TUNED_ON]
    held_out = [m for m in messages if m.id not in TUNED_ON]
    print("\n".join(score(messages).lines("all")))
    if tuned and held_out:  # the first set's two parts; the other sets are one part each
        for title, part in (("tuned on (m001-m080)", tuned), ("never tuned on", held_out)):
            print("\n".join(score(part).lines(title)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
