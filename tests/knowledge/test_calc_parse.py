"""Reading cost questions typed in Chinese, Simplified or Traditional."""

from __future__ import annotations

import pytest

from knowledge.base import default
from knowledge.calc_follow_up import follow_up
from knowledge.calc_parse import CalcRequest, cn_number, looks_like_calculation, parse, products_named
from knowledge.costs import LoanQuote, Price


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一万", 10_000),
        ("两万五", 25_000),
        ("三千五", 3_500),
        ("五千", 5_000),
        ("十二", 12),
        ("二十万", 200_000),
        ("一百", 100),
        ("十万", 100_000),
        ("一万二千", 12_000),
    ],
)
def test_chinese_numerals(numeral: str, value: float) -> None:
    assert cn_number(numeral) == value


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("借1万分12期", 10_000),
        ("借一万12期", 10_000),
        ("10000元 12期", 10_000),
        ("借5千 6期", 5_000),
        ("2w 12期", 20_000),
        ("¥8,000 分6期", 8_000),
        ("借两万五一年", 25_000),
        ("借1.5万 12期", 15_000),
        ("借1万5 12期", 15_000),
        ("借3000块 3个月", 3_000),
        ("借款8000，分3期", 8_000),
    ],
)
def test_amounts_in_common_forms(text: str, amount: float) -> None:
    assert parse(text).amount == amount


@pytest.mark.parametrize(
    ("text", "months", "days"),
    [
        ("借1万12期", 12, None),
        ("借1万12个月", 12, None),
        ("借1万一年", 12, None),
        ("借1万半年", 6, None),
        ("借1万两年", 24, None),
        ("借1万一年半", 18, None),
        ("借1万30天", None, 30),
        ("借1万 十二期", 12, None),
        ("一万一年", 12, None),
        ("借1万 3个月零10天", None, 100),  # mixed: days, with 30-day months
        ("借5000 两个月又5天", None, 65),
    ],
)
def test_terms_in_common_forms(text: str, months: int | None, days: int | None) -> None:
    request = parse(text)
    assert (request.term_months, request.term_days) == (months, days)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("日利率0.05%", "daily", 0.05),
        ("日息万五", "daily", 0.05),
        ("日息万分之三", "daily", 0.03),
        ("月利率1%", "monthly", 1.0),
        ("月息1.2%", "monthly", 1.2),
        ("年化18%", "annual", 18.0),
        ("年利率7.2%", "annual", 7.2),
        ("月费率0.8%", "monthly_fee", 0.8),
        ("手续费率0.6%", "monthly_fee", 0.6),
        ("0.05%/天", "daily", 0.05),
        ("每天0.05%", "daily", 0.05),
        ("日利率：0.035%", "daily", 0.035),
        ("年化百分之十八", "annual", 18.0),
        ("日息千分之一", "daily", 0.1),
        # folk rates: a month's 分 is 1%, its 厘 0.1%; a year's 分 is 10%
        ("月息1分", "monthly", 1.0),
        ("月息8厘", "monthly", 0.8),
        ("月息一分五", "monthly", 1.5),
        ("年息1分", "annual", 10.0),
        ("年息8厘", "annual", 8.0),
    ],
)
def test_prices_as_lenders_state_them(text: str, kind: str, value: float) -> None:
    request = parse("借1万12期 " + text)
    assert request.price == Price(kind, value)  # type: ignore[arg-type]
    assert not request.price_guessed
    assert request.amount == 10_000


def test_a_bare_percentage_is_guessed_from_its_size_and_flagged() -> None:
    small, large = parse("借1万12期 利率0.05%"), parse("借1万12期 利率12%")
    assert small.price == Price("daily", 0.05) and small.price_guessed
    assert large.price == Price("annual", 12.0) and large.price_guessed


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("等额本息", "equal_installment"),
        ("等额本金", "equal_principal"),
        ("随借随还", "daily"),
        ("按日计息", "daily"),
        ("先息后本", "interest_first"),
    ],
)
def test_repayment_methods(text: str, method: str) -> None:
    assert parse(f"借1万12期 {text} 年化18%").method == method


def test_the_issue_example_reads_completely() -> None:
    request = parse("借1万分12期，日利率0.05%，要还多少")
    quote = request.quote()
    assert quote == LoanQuote(
        amount=10_000, method="equal_installment", price=Price("daily", 0.05), term_months=12, term_days=None
    )


def test_traditional_characters_are_understood() -> None:
    request = parse("借兩萬五，分12期，日利率0.05%，還款多少")
    assert (request.amount, request.term_months, request.price) == (25_000, 12, Price("daily", 0.05))
    overdue = parse("借1萬逾期十天罰多少")
    assert (overdue.intent, overdue.overdue_days, overdue.amount) == ("penalty", 10, 10_000)


def test_full_width_digits_are_folded() -> None:
    assert parse("借１００００元，１２期，年化１８％").quote() == LoanQuote(
        amount=10_000, method="equal_installment", price=Price("annual", 18.0), term_months=12
    )


def test_a_term_in_days_defaults_to_borrowing_by_the_day() -> None:
    quote = parse("借2000 30天 日利率0.05%").quote()
    assert isinstance(quote, LoanQuote) and quote.method == "daily"


def test_what_is_missing_is_listed_in_order() -> None:
    assert parse("借1万").missing() == ["term", "price"]
    assert parse("日利率0.05%").missing() == ["amount", "term"]
    assert parse("12期 年化18%").quote() == ["amount"]


def test_negative_and_absurd_figures_are_read_as_typed_so_they_can_be_refused() -> None:
    assert parse("借-5000 12期 日利率0.05%").amount == -5000
    assert parse("借1万 100期 年化18%").term_months == 100
    assert parse("借1万 12期 年化0%").price == Price("annual", 0.0)


def test_overdue_and_early_repayment_questions() -> None:
    late = parse("借1万逾期10天罚多少")
    assert (late.intent, late.overdue_days, late.missing()) == ("penalty", 10, [])
    assert parse("逾期了罚息怎么算").missing() == ["amount", "days"]
    early = parse("借了1万，提前还款手续费多少")
    assert (early.intent, early.amount, early.missing()) == ("early", 10_000, [])


def test_products_are_found_by_name_and_alias() -> None:
    kb = default()
    assert parse("小米贷款借1万12期", kb).product == "xiaomi"
    assert parse("随星借借1万12期", kb).product == "xiaomi"
    assert parse("微粒貸借5000 3期", kb).product == "weilidai"
    assert parse("WE2000 30天", kb).product == "we2000"
    assert products_named(kb, "小米贷款和微信微贷哪个好") == ["xiaomi", "weilidai"]


def test_a_product_name_is_not_read_as_an_amount() -> None:
    assert parse("WE2000 借30天").amount is None


def test_a_follow_up_changes_only_what_it_names() -> None:
    first = parse("借1万分12期，日利率0.05%")
    follow = parse("改成24期").merged_over(first)
    assert (follow.amount, follow.term_months, follow.price) == (10_000, 24, Price("daily", 0.05))
    cheaper = parse("年化12%呢").merged_over(follow)
    assert cheaper.price == Price("annual", 12.0) and cheaper.term_months == 24


def test_a_new_product_replaces_a_typed_price_in_a_follow_up() -> None:
    first = parse("借1万分12期，日利率0.05%")
    follow = parse("微粒贷呢", default()).merged_over(first)  # product names come from the knowledge base
    assert follow.product == "weilidai" and follow.price is None


def test_a_complete_new_question_does_not_inherit_the_last_one() -> None:
    first = parse("WE2000 借2000 30天 等额本金")
    fresh = parse("借1万逾期10天罚多少").merged_over(first)
    assert fresh.product is None and fresh.method is None and fresh.intent == "penalty"


def test_a_penalty_follow_up_about_another_product_stays_a_penalty_question() -> None:
    first = parse("小米贷款借1万逾期10天", default())
    follow = parse("那微粒贷呢", default()).merged_over(first)
    assert (follow.intent, follow.product, follow.overdue_days) == ("penalty", "weilidai", 10)


def test_a_request_survives_a_round_trip_through_the_session() -> None:
    request = parse("借2万，12期，月费率0.8%，等额本金")
    assert CalcRequest.from_dict(request.to_dict()) == request


def test_a_corrupt_stored_request_is_dropped_not_raised() -> None:
    garbage = {"amount": "many", "price_kind": "weekly", "price_pct": 3, "method": "magic", "intent": 7}
    assert CalcRequest.from_dict(garbage) == CalcRequest()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "is_calc"),
    [
        ("借1万分12期，日利率0.05%，要还多少", True),
        ("借1万一年利息多少", True),
        ("借5000逾期3天", True),
        ("小米贷款安全吗", False),
        ("微粒贷额度最高多少", False),
        ("借1万", False),
    ],
)
def test_calculations_are_told_apart_from_general_questions(text: str, is_calc: bool) -> None:
    assert looks_like_calculation(text) is is_calc


@pytest.mark.parametrize("text", ["借1万 一天5块 借30天", "借一万30天，每天利息5元"])
def test_interest_in_yuan_a_day_becomes_a_daily_rate_on_the_amount(text: str) -> None:
    request = parse(text)
    assert request.amount == 10_000
    price = request.stated_price()
    assert price is not None and price.kind == "daily"
    assert price.value_pct == pytest.approx(0.05)  # 5 of 10,000 a day
    assert request.term_days == 30  # 「一天」 is the price, not the term


def test_yuan_a_day_without_an_amount_is_no_price_yet() -> None:
    request = parse("一天5块 借30天")
    assert request.stated_price() is None
    assert request.per_day_yuan == 5
    assert request.missing() == ["amount"]


def test_a_flood_of_digits_is_noise_and_the_question_beside_it_is_still_read() -> None:
    # a run of thousands of digits made one regex quadratic (seconds per message); it is cut out first
    assert parse("1" * 5000).amount is None
    assert parse("1" * 5000 + " 借1万分12期").amount == 10_000


def test_a_rate_in_words_after_its_name() -> None:
    price = parse("年化十八").price
    assert price is not None and (price.kind, price.value_pct) == ("annual", 18)
    assert parse("年息一分").price == Price("annual", 10)  # a folk rate stays one


def test_instalments_paid_before_settling_early() -> None:
    request = parse("借了两万 分12期 已经还了6期 现在提前还清要多少钱")
    assert (request.intent, request.amount, request.term_months, request.paid_periods) == (
        "early",
        20_000,
        12,
        6,
    )
    assert parse("如果我第6个月想一次还清呢").paid_periods == 5  # the sixth settles it
    assert parse("借3万 分24期 一次还清").paid_periods is None


def test_what_is_left_of_the_principal() -> None:
    # no rate: paid off in equal parts
    assert parse("借两万 分12期 已经还了6期 提前还清").remaining_principal() == (10_000, False)
    # a rate: the schedule's balance (equal instalments leave more than half after half the term)
    left, exact = parse("借两万 分12期 月利率1% 已经还了6期 提前还清").remaining_principal() or (0, False)
    assert exact and 10_000 < left < 10_500


def test_a_rough_amount_is_read_as_its_lower_end() -> None:
    assert parse("想借五六千 分三个月").amount == 5000
    assert parse("借一两万 一年").amount == 10_000


def test_a_fee_in_yuan_is_what_the_loan_costs() -> None:
    request = parse("借5000 一个月 手续费300 合适吗")
    assert (request.amount, request.term_months, request.interest_total) == (5000, 1, 300)
    assert parse("借5000 分3期 每期手续费100").fee_month == 100  # per period stays a monthly fee
    assert parse("借5000 先扣了300手续费 一个月还5000").fee_upfront == 300  # taken first stays so


@pytest.mark.parametrize(
    ("text", "days"),
    [("微粒贷逾期了半个月了", 15), ("逾期十几天了", 10), ("逾期两个月了", 60), ("晚还了3天", 3)],
)
def test_days_overdue_said_loosely(text: str, days: int) -> None:
    request = parse(text)
    assert request.overdue_days == days
    assert request.term_months is None  # 「两个月」 overdue is no term


def test_half_a_month_is_a_term_of_fifteen_days() -> None:
    assert parse("借一万 半个月 利息多少").term_days == 15


def test_after_the_ranking_one_product_named_is_that_products_figures_for_the_same_loan() -> None:
    ranking = parse("我想借2万块 分12期 哪个平台利息最低", default())
    assert ranking.intent == "cheapest"
    for message, product in (("微粒贷的话一个月还多少", "weilidai"), ("那小米呢", "xiaomi")):
        follow = follow_up(message, ranking, default())
        assert (follow.intent, follow.product) == ("cost", product)
        assert (follow.amount, follow.term_months) == (20000, 12)


def test_a_month_asked_about_after_a_loan_with_a_term_is_the_instalment_not_a_one_month_loan() -> None:
    loan = parse("借1万分12期，日利率0.05%")
    assert follow_up("那一个月还多少", loan).term_months == 12
    assert parse("借1万一个月，日利率0.05%").term_months == 1  # asked with the loan: a one-month loan


def test_asking_for_something_cheaper_after_a_sum_ranks_every_product_for_that_loan() -> None:
    loan = parse("借2万 分12期 微粒贷", default())
    follow = follow_up("有没有更便宜的", loan, default())
    assert (follow.intent, follow.product, follow.amount, follow.term_months) == ("cheapest", None, 20000, 12)


@pytest.mark.parametrize(
    ("text", "days"), [("晚3天罚多少 欠了6000", 3), ("拖了5天罚多少", 5), ("迟了两天罚多少", 2)]
)
def test_days_late_in_everyday_words_are_the_overdue_not_a_term(text: str, days: int) -> None:
    request = parse(text)
    assert (request.intent, request.overdue_days, request.term_days) == ("penalty", days, None)
