"""Every phrasing of the cost table (tests/data/costs_phrasings.yaml) is read and answered as its writer
expected: amount, term, what must still be asked, the true annual rate, the total cost and the band."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.base import default
from tests.knowledge.cost_phrasings import case_id, judge, load, outcome

CASES = load()


def test_the_table_has_the_cases_the_issue_asks_for() -> None:
    assert len(CASES) >= 150
    assert sum(case.get("kind") == "cheapest" for case in CASES) >= 15
    assert sum(bool(case.get("then")) for case in CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_phrasing_is_read_and_answered_as_expected(case: dict[str, Any]) -> None:
    assert judge(case, outcome(default(), case)) == []
