"""Self-check facts and yes/no replies typed in English are read with the same caution as Chinese ones."""

from __future__ import annotations

import pytest

from knowledge.understanding.english_facts import (
    english_calc_follow_up,
    english_facts,
    english_loan,
    english_yes_no,
)
from knowledge.understanding.profile import facts_in


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("about 9000 rmb per month", {"monthly_income": 9000}),
        ("i earn 12k a month", {"monthly_income": 12000}),
        ("my salary is 8,500", {"monthly_income": 8500}),
        ("no overdue", {"credit": "clean"}),
        ("never been late", {"credit": "clean"}),
        ("i am still overdue on one loan", {"credit": "current_overdue"}),
        ("i was late once but paid it off", {"credit": "settled_overdue"}),
        ("i'm a student", {"student": True}),
        ("not a student, i work", {"student": False}),
        ("i have a passport, not a chinese id", {"mainland_id": False}),
        ("i use a redmi", {"xiaomi_device": True}),
        ("how much interest", {}),
    ],
)
def test_an_english_phrase_gives_the_fact_it_states_and_nothing_else(
    text: str, facts: dict[str, object]
) -> None:
    assert english_facts(text) == facts


def test_english_facts_join_the_chinese_ones_and_a_chinese_reading_wins() -> None:
    assert facts_in("i am 29, no overdue") == {"age": 29, "credit": "clean"}
    assert english_facts("月入8000") == {}  # no English words: nothing read here


@pytest.mark.parametrize(
    ("text", "said"),
    [("yes", True), ("Yes I do", True), ("no, only a passport", False), ("nope", False), ("maybe", None)],
)
def test_a_reply_that_starts_with_yes_or_no_is_that_answer(text: str, said: bool | None) -> None:
    assert english_yes_no(text) is said


@pytest.mark.parametrize(
    ("text", "loan"),
    [
        ("how much interest for 10000 over 12 months?", "借10000元 12个月 利息多少"),
        ("interest for 12 months on a loan of 10000", "借10000元 12个月 利息多少"),
        (
            "borrow 5k for 6 months at 0.05% a day, how much do i pay back",
            "借5000元 6个月 日利率0.05% 利息多少",
        ),
        (
            "monthly payment on a loan of 20,000 rmb, 24 installments, 18% apr",
            "借20000元 分24期 年化18% 每月还多少",
        ),
        ("how much interest if i borrow 10000 for a year", "借10000元 1年 利息多少"),
        ("is weilidai legit", None),
        ("i am 29 and earn 9000 a month", None),  # an income, not a loan
    ],
)
def test_an_english_loan_to_price_is_put_in_the_words_the_calculator_reads(
    text: str, loan: str | None
) -> None:
    assert english_loan(text) == loan


@pytest.mark.parametrize(
    ("text", "follow_up"),
    [
        ("and the total interest", "总共多少利息"),
        ("what about 24 months", "改成24期"),
        ("how much is that each month", "每月还多少"),
        ("ok thanks bye", None),
    ],
)
def test_an_english_follow_up_on_the_loan_priced_is_put_in_the_calculator_s_words(
    text: str, follow_up: str | None
) -> None:
    assert english_calc_follow_up(text) == follow_up
