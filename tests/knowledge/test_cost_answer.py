"""The figures of a cost answer, each checked against an independent computation (numpy-financial or a
closed form): solving a rate from sums quoted, fees taken up front, the two readings of an open method."""

from __future__ import annotations

import numpy_financial as npf
import pytest

from knowledge.calc_parse import parse
from knowledge.cost_answer import answer


def _apr(text: str) -> float:
    result = answer(parse(text))
    assert result.figures, result
    return result.figures[0].apr_pct


def test_an_instalment_quoted_is_solved_for_the_rate() -> None:
    assert _apr("借了两万 分24期 每期还1050 年化多少") == pytest.approx(
        npf.rate(24, -1050, 20_000, 0) * 12 * 100
    )


def test_a_total_repaid_in_instalments_is_spread_over_them() -> None:
    assert _apr("借的一万 分12期还的 总共还了13000 年化多少") == pytest.approx(
        npf.rate(12, -13_000 / 12, 10_000, 0) * 12 * 100
    )


def test_a_total_repaid_at_the_end_of_a_term_in_days_is_annualised_over_its_days() -> None:
    result = answer(parse("借2万 30天 利息350 算高利贷吗"))
    assert result.figures[0].apr_pct == pytest.approx(350 / 20_000 * 365 / 30 * 100)
    assert result.figures[0].total_cost == pytest.approx(350)


def test_money_received_is_what_the_rate_is_worked_out_on() -> None:
    result = answer(parse("到手9500 要还一万 一个月 这算多少利息"))
    main = result.figures[0]
    assert main.received == 9500 and main.total_cost == pytest.approx(500)
    assert main.apr_pct == pytest.approx(500 / 9500 * 12 * 100)
    assert result.band == "over_36"


def test_a_fee_taken_up_front_raises_the_rate_of_a_priced_schedule() -> None:
    result = answer(parse("借两万 先扣了2000服务费 月息1分 12期等额本息 真实年化多少"))
    payment = npf.pmt(0.01, 12, -20_000)
    main = result.figures[0]
    assert main.first_payment == pytest.approx(payment)
    assert main.apr_pct == pytest.approx(npf.irr([-18_000] + [payment] * 12) * 12 * 100)
    assert main.total_cost == pytest.approx(payment * 12 - 18_000)  # the fee counts as cost


def test_a_fee_up_front_with_interest_first() -> None:
    result = answer(parse("借1.5万 砍头息1500 月息1分5 先息后本 半年 算下年化"))
    flows = [-13_500] + [225.0] * 5 + [15_225.0]
    assert result.figures[0].apr_pct == pytest.approx(npf.irr(flows) * 12 * 100)


def test_an_open_method_gives_both_readings_keeping_it_first() -> None:
    result = answer(parse("日息万三借两万 一年多少钱"))
    kept, instalments = result.figures
    assert kept.method == "daily" and instalments.method == "equal_installment"
    assert kept.total_cost == pytest.approx(20_000 * 0.0003 * 365)  # a year of days
    payment = npf.pmt(0.0003 * 365 / 12, 12, -20_000)
    assert instalments.total_cost == pytest.approx(payment * 12 - 20_000)
    assert kept.total_cost > 1.5 * instalments.total_cost  # why the assumption must be said


def test_instalments_stated_leave_no_reading_open() -> None:
    assert len(answer(parse("日息万9 借2万 分12期 贵不贵")).figures) == 1


def test_a_monthly_fee_has_a_true_rate_without_an_amount() -> None:
    result = answer(parse("月费率1% 分12期 合法吗"))
    flows = [-12.0] + [1 + 0.12] * 12  # any amount: principal in twelve parts, 1 % of it a month
    assert result.rate_apr_pct == pytest.approx(npf.irr(flows) * 12 * 100)
    assert result.missing == []


def test_a_rate_alone_answers_whether_it_is_high() -> None:
    result = answer(parse("日息万五算高利贷吗"))
    assert result.rate_apr_pct == pytest.approx(0.05 * 365)
    assert result.band == "within_24" and result.missing == []


def test_a_sum_of_money_asked_for_needs_the_loan() -> None:
    assert answer(parse("日息万五 一共要还多少利息")).missing == ["amount", "term"]
    assert answer(parse("借2w 每个月还1800 年化多少")).missing == ["term"]


def test_repayments_below_the_money_received_are_an_error_not_a_rate() -> None:
    result = answer(parse("借1万 分12期 每期还500 年化多少"))
    assert result.error is not None and result.error.code == "repaid_less_than_received"
