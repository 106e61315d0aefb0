"""The cost phrasings table (tests/data/costs_phrasings.yaml): each case, what the calculator made of it,
and whether that is what the writer expected.

``python -m tests.knowledge.cost_phrasings [FILE]`` prints the pass rate and every failed case; the
pytest file ``test_cost_phrasings.py`` runs the same judgement case by case.

A case passes when the reading (amount, term, what must still be asked) and the answer (the true annual
rate within ±0.1 point, the total cost within ±1 yuan, the band against 24 % / 36 %) are all as written.
Where the text leaves a reading open the writer lists every acceptable figure (``apr_any``,
``total_interest_any``): one of the figures the answer shows must be among them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.base import KnowledgeBase, default

DATA = Path(__file__).resolve().parents[1] / "data" / "costs_phrasings.yaml"
APR_TOLERANCE = 0.1
YUAN_TOLERANCE = 1.0
BANDS = {"within_24": "below_24", "over_24": "from_24_to_36", "over_36": "above_36"}


@dataclass
class Outcome:
    """What the advisor made of a case: its reading and the figures its answer shows."""

    amount: float | None = None
    term_months: int | None = None
    term_days: int | None = None
    #: the true annual rate of the headline answer, and of any other reading shown beside it
    aprs: list[float] = field(default_factory=list)
    #: total cost (everything repaid minus the money received) of each reading shown, headline first
    interests: list[float] = field(default_factory=list)
    band: str | None = None
    asks: set[str] = field(default_factory=set)
    cheapest: bool = False


def load(path: Path = DATA) -> list[dict[str, Any]]:
    """The cases of a phrasings file."""
    return list(yaml.safe_load(path.read_text(encoding="utf-8")))


def case_id(case: dict[str, Any]) -> str:
    """A short id for a case: its text (and its correction)."""
    return case["text"] + (" → " + case["then"] if case.get("then") else "")


def _near(value: float, targets: list[float], tolerance: float) -> bool:
    return any(abs(value - t) <= tolerance for t in targets)


def judge(case: dict[str, Any], got: Outcome) -> list[str]:
    """What is wrong with ``got`` for ``case`` (empty: it passes)."""
    problems: list[str] = []
    expect = case.get("expect") or {}
    if case.get("kind") == "cheapest" and not got.cheapest:
        problems.append("not answered as 'which is cheapest'")
    amount = case.get("amount")
    if amount is not None and (got.amount is None or abs(got.amount - amount) > 0.5):
        problems.append(f"amount {got.amount} != {amount}")
    term = case.get("term") or {}
    months = term.get("months", term.get("periods"))
    days = term.get("days")
    if term and (got.term_months, got.term_days) != (months, days):
        problems.append(f"term {got.term_months}m/{got.term_days}d != {months}m/{days}d")
    asks = set(expect.get("asks") or [])
    if got.asks != asks:
        problems.append(f"asks {sorted(got.asks)} != {sorted(asks)}")
    apr = expect.get("apr")
    if apr is not None:
        targets = [apr, *(expect.get("apr_any") or [])]
        if not got.aprs or not _near(got.aprs[0], targets, APR_TOLERANCE):
            problems.append(f"apr {got.aprs} not in {targets}")
    total = expect.get("total_interest")
    if total is not None and not (got.interests and abs(got.interests[0] - total) <= YUAN_TOLERANCE):
        problems.append(f"total {got.interests} != {total}")
    totals = expect.get("total_interest_any")
    if totals is not None and not any(_near(v, totals, YUAN_TOLERANCE) for v in got.interests):
        problems.append(f"totals {got.interests} share none of {totals}")
    line = expect.get("line")
    if line is not None and got.band != line:
        problems.append(f"band {got.band} != {line}")
    return problems


def outcome(kb: KnowledgeBase, case: dict[str, Any]) -> Outcome:
    """What the calculator makes of a case: its first message, then its correction if it has one."""
    from knowledge.calc_follow_up import follow_up
    from knowledge.calc_parse import parse
    from knowledge.cost_answer import answer

    request = parse(case["text"], kb)
    if case.get("then"):
        request = follow_up(case["then"], request, kb)
    result = answer(request)
    got = Outcome(amount=request.amount, term_months=request.term_months, term_days=request.term_days)
    got.asks = {"rate" if m == "price" else m for m in result.missing if m != "days"}
    got.cheapest = request.intent == "cheapest"
    got.aprs = [f.apr_pct for f in result.figures]
    if not got.aprs and result.rate_apr_pct is not None:
        got.aprs = [result.rate_apr_pct]
    got.interests = [f.total_cost for f in result.figures]
    got.band = BANDS[result.band] if result.band else None
    return got


def score(kb: KnowledgeBase, cases: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[str]]]:
    """Each case with its problems."""
    return [(case, judge(case, outcome(kb, case))) for case in cases]


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DATA
    results = score(default(), load(path))
    failed = [(c, p) for c, p in results if p]
    for case, problems in failed:
        print(f"FAIL {case_id(case)}: {'; '.join(problems)}")
    passed = len(results) - len(failed)
    print(f"{path.name}: {passed} of {len(results)} cases pass ({passed / len(results):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
