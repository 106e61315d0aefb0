"""「哪个最便宜」: every product priced at both ends of its articles' rates, checked against
numpy-financial, ranked, with overlaps and products whose limit is too low said so."""

from __future__ import annotations

import numpy_financial as npf
import pytest

from knowledge.base import default
from knowledge.cheapest import rank
from knowledge.costs import rate_range


def test_each_product_costs_what_numpy_financial_says_at_both_ends_of_its_rates() -> None:
    kb = default()
    ranking = rank(kb, 10_000, term_months=12)
    for cost in ranking.ranked:
        rates = rate_range(kb.products[cost.product])
        assert rates is not None and rates.low.kind == "daily"
        monthly = rates.low.value_pct / 100 * 365 / 12
        assert cost.low == pytest.approx(npf.pmt(monthly, 12, -10_000) * 12 - 10_000)
        if rates.high is not None:
            monthly = rates.high.value_pct / 100 * 365 / 12
            assert cost.high == pytest.approx(npf.pmt(monthly, 12, -10_000) * 12 - 10_000)


def test_a_term_in_days_is_one_repayment_of_simple_interest() -> None:
    ranking = rank(default(), 10_000, term_days=30)
    assert ranking.method == "daily"
    first = ranking.ranked[0]
    assert first.low == pytest.approx(10_000 * first.low_price.value_pct / 100 * 30)


def test_products_are_ranked_by_their_lowest_cost_and_overlaps_are_flagged() -> None:
    ranking = rank(default(), 10_000, term_months=3)
    lows = [c.low for c in ranking.ranked]
    assert lows == sorted(lows)
    assert ranking.overlap  # the articles' ranges overlap: nobody can say which is cheaper


def test_a_product_whose_limit_is_below_the_amount_is_set_apart() -> None:
    ranking = rank(default(), 10_000, term_months=3)
    assert ("we2000", 2000.0) in ranking.too_small
    assert "we2000" not in [c.product for c in ranking.ranked]


def test_only_the_products_named_are_ranked() -> None:
    ranking = rank(default(), 5000, term_months=12, products=["xiaomi", "weilidai"])
    assert {c.product for c in ranking.ranked} == {"xiaomi", "weilidai"}
