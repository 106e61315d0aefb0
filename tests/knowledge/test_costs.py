"""Loan cost arithmetic, checked against numpy-financial and against the articles' worked examples."""

from __future__ import annotations

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.costs import (
    LoanQuote,
    Price,
    QuoteError,
    compute,
    early_fee,
    line_band,
    penalty,
    rate_range,
)
from knowledge.models import Attribute, Claim, Product


def _quote(amount: float, months: int, method: str = "equal_installment", **price: float) -> LoanQuote:
    ((kind, value),) = price.items()
    return LoanQuote(amount=amount, method=method, price=Price(kind, value), term_months=months)  # type: ignore[arg-type]


# --- the articles' worked examples ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("daily_pct", "annual_pct"),
    [(0.03, 10.95), (0.04, 14.60), (0.05, 18.25), (0.02, 7.30)],  # article 001's table and q3
)
def test_daily_rate_times_365_gives_the_articles_annual_rate(daily_pct: float, annual_pct: float) -> None:
    assert Price("daily", daily_pct).nominal_annual_pct() == pytest.approx(annual_pct)


def test_ten_thousand_borrowed_by_the_day_for_a_year_at_0_03_pct_costs_1095_yuan() -> None:
    result = compute(LoanQuote(amount=10_000, method="daily", price=Price("daily", 0.03), term_days=365))
    assert result.total_interest == pytest.approx(1095.0)
    assert result.irr_annual_pct == pytest.approx(10.95)


def test_penalty_by_xm_review_rule_is_principal_times_0_05_pct_times_days() -> None:
    rule = Claim(
        value="本金×0.05%×逾期天数", sources=["xm-review"], low=0.05, high=0.05, unit="pct_principal_day"
    )
    estimate = penalty(rule, principal=10_000, overdue_amount=900, days=10)
    assert estimate is not None
    assert estimate.low == pytest.approx(50.0)
    assert estimate.high == pytest.approx(50.0)


def test_penalty_of_1_5_times_the_daily_rate_is_charged_on_the_overdue_amount() -> None:
    rule = Claim(value="日利率的1.5倍", sources=["xm-8qa"], low=1.5, high=1.5, unit="x_daily_rate")
    estimate = penalty(rule, principal=10_000, overdue_amount=10_000, days=10, daily_rate_pct=(0.02, 0.05))
    assert estimate is not None
    assert (estimate.low, estimate.high) == (pytest.approx(30.0), pytest.approx(75.0))


def test_penalty_of_0_1_pct_a_day_on_the_overdue_amount() -> None:
    rule = Claim(value="每天0.1%", sources=["wx-loans"], low=0.1, high=0.1, unit="pct_overdue_day")
    estimate = penalty(rule, principal=10_000, overdue_amount=2_000, days=30)
    assert estimate is not None and estimate.low == pytest.approx(60.0)


def test_penalty_rule_without_a_figure_or_a_daily_rate_gives_no_estimate() -> None:
    words_only = Claim(value="分阶段催收", sources=["wx-loans"])
    needs_rate = Claim(value="日利率的1.5倍", sources=["xm-8qa"], low=1.5, high=1.5, unit="x_daily_rate")
    assert penalty(words_only, principal=1000, overdue_amount=1000, days=3) is None
    assert penalty(needs_rate, principal=1000, overdue_amount=1000, days=3) is None


def test_early_settlement_fee_is_a_share_of_the_remaining_principal() -> None:
    rule = Claim(value="剩余本金0.5%", sources=["xm-review"], low=0.5, high=0.5, unit="pct_remaining")
    ranged = Claim(value="0–2%", sources=["wx-weidai-open"], low=0, high=2, unit="pct_remaining")
    fee = early_fee(rule, 8_000)
    spread = early_fee(ranged, 8_000)
    assert fee is not None and fee.low == pytest.approx(40.0)
    assert spread is not None and (spread.low, spread.high) == (0.0, pytest.approx(160.0))


# --- schedules against numpy-financial -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "months", "monthly_pct"), [(10_000, 12, 1.5), (2_500, 3, 0.9), (80_000, 36, 2.0)]
)
def test_equal_installment_rows_match_numpy_financial(amount: float, months: int, monthly_pct: float) -> None:
    result = compute(_quote(amount, months, monthly=monthly_pct))
    rate = monthly_pct / 100
    assert result.per_period == pytest.approx(npf.pmt(rate, months, -amount))
    for row in result.rows:
        assert row.interest == pytest.approx(npf.ipmt(rate, row.period, months, -amount))
        assert row.principal == pytest.approx(npf.ppmt(rate, row.period, months, -amount))
    assert result.total_interest == pytest.approx(npf.pmt(rate, months, -amount) * months - amount)
    assert result.rows[-1].balance == 0.0


def test_ten_thousand_over_12_months_at_0_05_pct_a_day_costs_1015_88() -> None:
    # 0.05 % a day × 365 / 12 ≈ 1.5208 % a month: the knowledge base's own 「约1016元」 (rate.true_cost)
    result = compute(_quote(10_000, 12, daily=0.05))
    assert round(result.per_period, 2) == 917.99
    assert round(result.total_interest, 2) == 1015.88
    assert result.irr_annual_pct == pytest.approx(18.25)
    assert result.nominal_annual_pct == pytest.approx(18.25)


def test_a_daily_rate_and_the_same_annual_rate_cost_the_same() -> None:
    for method in ("equal_installment", "equal_principal", "interest_first"):
        by_day = compute(_quote(10_000, 12, method, daily=0.05))
        by_year = compute(_quote(10_000, 12, method, annual=18.25))
        assert by_day.total_interest == pytest.approx(by_year.total_interest), method
        assert by_day.irr_annual_pct == pytest.approx(by_year.irr_annual_pct), method


def test_equal_principal_interest_matches_the_closed_form() -> None:
    result = compute(_quote(12_000, 12, "equal_principal", annual=18))
    rate = 0.015
    assert result.total_interest == pytest.approx(12_000 * rate * 13 / 2)
    assert result.per_period > result.last_payment
    assert {round(row.principal, 6) for row in result.rows} == {1000.0}


def test_interest_first_pays_interest_monthly_and_principal_at_the_end() -> None:
    result = compute(_quote(10_000, 6, "interest_first", monthly=1))
    assert [round(r.payment, 2) for r in result.rows] == [100.0] * 5 + [10_100.0]
    assert result.irr_annual_pct == pytest.approx(12.0)


def test_monthly_fee_quote_costs_far_more_than_its_nominal_rate() -> None:
    # article 004: 分期还款，月费率0.6%–1.2%；0.8 % × 12 = 9.6 % nominal
    result = compute(_quote(10_000, 12, monthly_fee=0.8))
    assert result.nominal_annual_pct == pytest.approx(9.6)
    assert round(result.per_period, 2) == 913.33
    assert result.total_fees == pytest.approx(960.0)
    assert result.total_interest == 0.0
    # the same cash flows priced by numpy-financial's own solver
    expected = npf.rate(12, -result.per_period, 10_000, 0) * 12 * 100
    assert result.irr_annual_pct == pytest.approx(expected, rel=1e-6)
    assert 17.0 < result.irr_annual_pct < 18.0


def test_top_of_article_004_fee_range_crosses_the_24_pct_line() -> None:
    result = compute(_quote(10_000, 12, monthly_fee=1.2))
    assert result.nominal_annual_pct == pytest.approx(14.4)
    assert result.irr_annual_pct > 24.0
    assert line_band(result.compared_pct) == "over_24"


def test_by_the_day_loan_of_30_days_at_0_05_pct() -> None:
    result = compute(LoanQuote(amount=10_000, method="daily", price=Price("daily", 0.05), term_days=30))
    assert result.total_interest == pytest.approx(150.0)
    assert result.irr_annual_pct == pytest.approx(18.25)
    assert result.effective_annual_pct > result.irr_annual_pct
    assert len(result.rows) == 1


@settings(max_examples=60, deadline=None)
@given(
    amount=st.floats(min_value=100, max_value=1_000_000),
    months=st.integers(min_value=1, max_value=60),
    monthly_pct=st.floats(min_value=0.05, max_value=5),
    method=st.sampled_from(["equal_installment", "equal_principal", "interest_first"]),
)
def test_every_schedule_repays_the_principal_and_its_irr_is_the_monthly_rate(
    amount: float, months: int, monthly_pct: float, method: str
) -> None:
    result = compute(_quote(amount, months, method, monthly=monthly_pct))
    assert sum(row.principal for row in result.rows) == pytest.approx(amount)
    assert result.total_paid == pytest.approx(amount + result.total_interest + result.total_fees)
    assert result.rows[-1].balance == pytest.approx(0.0, abs=1e-6)
    # interest on the running balance at r a month has an IRR of exactly r
    assert result.irr_annual_pct == pytest.approx(monthly_pct * 12, rel=1e-6)


# --- thresholds and bad inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("irr", "band"),
    [(18.0, "within_24"), (24.0, "within_24"), (24.01, "over_24"), (36.0, "over_24"), (36.5, "over_36")],
)
def test_rates_fall_in_bands_against_the_24_and_36_pct_lines(irr: float, band: str) -> None:
    assert line_band(irr) == band


def test_a_daily_price_of_0_1_pct_is_over_36_pct() -> None:
    result = compute(_quote(10_000, 12, daily=0.1))
    assert result.irr_annual_pct == pytest.approx(36.5)
    assert line_band(result.compared_pct) == "over_36"


@pytest.mark.parametrize(
    ("quote", "code"),
    [
        (LoanQuote(-5000, "equal_installment", Price("daily", 0.05), term_months=12), "amount_not_positive"),
        (LoanQuote(0, "equal_installment", Price("daily", 0.05), term_months=12), "amount_not_positive"),
        (LoanQuote(2e7, "equal_installment", Price("daily", 0.05), term_months=12), "amount_too_large"),
        (LoanQuote(1e4, "equal_installment", Price("daily", 0.05)), "term_missing"),
        (LoanQuote(1e4, "equal_installment", Price("daily", 0.05), term_months=0), "term_not_positive"),
        (LoanQuote(1e4, "equal_installment", Price("daily", 0.05), term_months=100), "term_too_long"),
        (LoanQuote(1e4, "daily", Price("daily", 0.05), term_days=4000), "term_too_long"),
        (LoanQuote(1e4, "equal_installment", Price("daily", 0.05), term_days=45), "term_not_whole_months"),
        (LoanQuote(1e4, "equal_installment", Price("annual", 0), term_months=12), "rate_not_positive"),
        (LoanQuote(1e4, "equal_installment", Price("annual", 1200), term_months=12), "rate_too_high"),
        (LoanQuote(1e4, "equal_installment", Price("daily", 3), term_months=12), "rate_too_high"),
        (LoanQuote(1e4, "daily", Price("monthly_fee", 0.8), term_days=30), "fee_needs_installments"),
    ],
)
def test_impossible_loans_are_refused_with_a_code(quote: LoanQuote, code: str) -> None:
    with pytest.raises(QuoteError) as caught:
        compute(quote)
    assert caught.value.code == code


def test_a_rate_of_exactly_1000_pct_a_year_is_still_computed() -> None:
    result = compute(_quote(1000, 12, annual=1000))
    assert line_band(result.compared_pct) == "over_36"


def test_overdue_days_must_be_positive() -> None:
    rule = Claim(value="x", sources=["xm-review"], low=0.05, high=0.05, unit="pct_principal_day")
    with pytest.raises(QuoteError) as caught:
        penalty(rule, principal=1000, overdue_amount=1000, days=0)
    assert caught.value.code == "days_not_positive"


def test_a_products_rate_range_spans_every_source_and_flags_disagreement() -> None:
    product = Product(
        id="p",
        name="p",
        provider="p",
        summary="p",
        attributes={
            "daily_rate": Attribute(
                claims=[
                    Claim(value="a", sources=["s1"], low=0.03, high=0.06, unit="pct_day"),
                    Claim(value="b", sources=["s2"], low=0.02, high=0.05, unit="pct_day"),
                    Claim(value="words only", sources=["s3"]),
                ]
            )
        },
    )
    rates = rate_range(product)
    assert rates is not None
    assert (rates.low, rates.high) == (Price("daily", 0.02), Price("daily", 0.06))
    assert rates.conflict and rates.sources == ["s1", "s2"]


def test_a_lowest_rate_alone_gives_no_high_scenario() -> None:
    product = Product(
        id="p",
        name="p",
        provider="p",
        summary="p",
        attributes={
            "annual_rate": Attribute(claims=[Claim(value="最低5%", sources=["s1"], low=5, unit="pct_year")])
        },
    )
    rates = rate_range(product)
    assert rates is not None and rates.low == Price("annual", 5) and rates.high is None
