"""Solving the true annual rate from what a message states (knowledge/solve.py)."""

from __future__ import annotations

import numpy_financial as npf
import pytest

from knowledge.costs import LoanQuote, Price, compute
from knowledge.solve import SolveError, from_installments, from_payments, from_total, received_vs_repaid


def test_a_fee_taken_up_front_is_not_money_lent() -> None:
    # the brief's own example: 10000 lent, 500 taken first, 1050 a month for 12 months
    solved = from_installments(10_000, 1_050, 12, fee=500)
    assert solved.received == 9_500
    assert solved.irr_annual_pct == pytest.approx(55.64, abs=0.01)  # not 33.4 %, as the brief first said
    assert solved.band == "over_36"


def test_the_rate_is_the_monthly_irr_times_twelve_as_numpy_financial_gives_it() -> None:
    solved = from_installments(20_000, 1_833.6, 12)
    assert solved.irr_annual_pct == pytest.approx(float(npf.irr([-20_000] + [1_833.6] * 12)) * 1200)
    assert solved.irr_annual_pct == pytest.approx(18.0, abs=0.01)
    assert solved.band == "within_24"


def test_it_agrees_with_the_calculator_going_the_other_way() -> None:
    cost = compute(LoanQuote(10_000, "equal_installment", Price("annual", 30.0), term_months=12))
    solved = from_installments(10_000, cost.per_period, 12)
    assert solved.irr_annual_pct == pytest.approx(cost.irr_annual_pct, abs=1e-6)
    assert solved.band == "over_24"


def test_a_single_repayment_after_thirty_days_is_one_monthly_period() -> None:
    solved = from_total(2_000, 2_000, days=30, fee=600)  # 借2000到手1400，30天后还2000
    assert solved.periods == 1 and solved.period_days == 30
    assert solved.irr_annual_pct == pytest.approx((2_000 / 1_400 - 1) * 12 * 100)


def test_a_term_in_days_that_is_not_whole_months_is_annualised_over_365_days() -> None:
    solved = received_vs_repaid(700, 1_000, days=7)
    assert solved.irr_annual_pct == pytest.approx((1_000 / 700 - 1) * 365 / 7 * 100)
    assert solved.effective_annual_pct > solved.irr_annual_pct


def test_a_total_repaid_in_equal_monthly_parts() -> None:
    solved = from_total(10_000, 12_000, months=12, installments=True)
    assert solved.payments == (1_000.0,) * 12
    assert solved.irr_annual_pct == pytest.approx(float(npf.irr([-10_000] + [1_000] * 12)) * 1200)


def test_an_uneven_schedule() -> None:
    solved = from_payments(3_000, [100, 100, 3_100])
    assert solved.irr_annual_pct == pytest.approx(40.0, abs=0.01)
    assert solved.cost == pytest.approx(300)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: from_installments(0, 100, 12), "not_positive"),
        (lambda: from_installments(10_000, 100, 0), "not_positive"),
        (lambda: from_installments(10_000, 1_000, 61), "term_too_long"),
        (lambda: from_installments(10_000, 1_000, 12, fee=10_000), "fee_not_below_amount"),
        (lambda: from_installments(10_000, 500, 12), "repaid_less_than_received"),
        (lambda: from_installments(20_000_000, 2_000_000, 12), "too_large"),
        (lambda: from_total(1_000, 1_100), "term_missing"),
    ],
)
def test_figures_that_are_no_loan_are_refused_with_a_reason(call: object, code: str) -> None:
    with pytest.raises(SolveError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.code == code
