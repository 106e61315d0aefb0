"""Free-text answers to the self-check questions: numbers, yes/no, phones, credit history (each parser
reads the folded message, as the reader hands it over)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.understanding import answers
from knowledge.understanding.normalize import fold


def _folded(parse):  # type: ignore[no-untyped-def]
    """The parser as the reader calls it: on the folded message."""
    return lambda text: parse(fold(text))


is_dont_know = _folded(answers.is_dont_know)
looks_like_question = _folded(answers.looks_like_question)
parse_age = _folded(answers.parse_age)
parse_credit = _folded(answers.parse_credit)
parse_income = _folded(answers.parse_income)
parse_mainland_id = _folded(answers.parse_mainland_id)
parse_number = _folded(answers.parse_number)
parse_pay_score = _folded(answers.parse_pay_score)
parse_student = _folded(answers.parse_student)
parse_xiaomi_device = _folded(answers.parse_xiaomi_device)
parse_wallet_entry = _folded(answers.parse_wallet_entry)
parse_wechat_active = _folded(answers.parse_wechat_active)
parse_wechat_pay_bound = _folded(answers.parse_wechat_pay_bound)
parse_wechat_spending = _folded(answers.parse_wechat_spending)
parse_xiaomi_purchases = _folded(answers.parse_xiaomi_purchases)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("25", 25),
        ("25岁", 25),
        ("二十五", 25),
        ("二十五岁", 25),
        ("我今年二十五了", 25),
        ("我今年二十五歲", 25),  # Traditional
        ("２５", 25),  # full-width digits
        ("十八", 18),
        ("十八周岁", 18),
        ("三十", 30),
        ("六十一", 61),
        ("25岁可以吗？", 25),
        ("今年刚满18岁", 18),
    ],
)
def test_ages_are_read_however_they_are_written(text: str, age: int) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["不告诉你", "", "二百", "0", "25岁，我哥30岁"])
def test_unclear_or_impossible_ages_are_not_guessed(text: str) -> None:
    assert parse_age(text) is None


@pytest.mark.parametrize(
    ("text", "income"),
    [
        ("8000", 8000),
        ("8k", 8000),
        ("8K", 8000),
        ("月入八千", 8000),
        ("一万二", 12000),
        ("1.2万", 12000),
        ("1万2", 12000),
        ("1.2w", 12000),
        ("三千五", 3500),
        ("3千5", 3500),
        ("两万", 20000),
        ("月薪8000元", 8000),
        ("我一个月挣八千块", 8000),
        ("年薪十二万", 10000),
        ("一萬二", 12000),  # Traditional
        ("没有收入", 0),
        ("一千零五", 1005),
    ],
)
def test_monthly_incomes_are_read_in_yuan(text: str, income: int) -> None:
    assert parse_income(text) == income


@pytest.mark.parametrize("text", ["8", "还行吧", "挺多的"])
def test_incomes_without_a_clear_amount_are_unclear(text: str) -> None:
    assert parse_income(text) is None


@pytest.mark.parametrize(("text", "score"), [("650", 650), ("六百五", 650), ("我的支付分是700分", 700)])
def test_pay_scores_are_read(text: str, score: int) -> None:
    assert parse_pay_score(text) == score


@pytest.mark.parametrize("text", ["200", "900", "很高"])
def test_pay_scores_outside_the_scale_are_unclear(text: str) -> None:
    assert parse_pay_score(text) is None


@pytest.mark.parametrize(
    ("text", "has_xiaomi"),
    [
        ("有小米手机", True),
        ("用的红米", True),
        ("Redmi K70", True),
        ("我有华为也有小米", True),
        ("用的华为", False),
        ("苹果", False),
        ("iPhone 15", False),
        ("没有小米手机", False),
        ("不是小米的", False),
        ("有", True),
        ("没有", False),
        ("沒有", False),  # Traditional
    ],
)
def test_phones_are_read_by_brand_or_yes_no(text: str, has_xiaomi: bool) -> None:
    assert parse_xiaomi_device(text) is has_xiaomi


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("征信有逾期但已经还清了", "settled_overdue"),
        ("以前逾期过", "settled_overdue"),
        ("逾期过，现在都结清了", "settled_overdue"),
        ("现在还有逾期没还", "current_overdue"),
        ("正在逾期", "current_overdue"),
        ("有逾期，还没还清", "current_overdue"),
        ("征信良好", "clean"),
        ("没有逾期", "clean"),
        ("从没逾期过", "clean"),
        ("征信很干净", "clean"),
        ("没有", "clean"),
    ],
)
def test_credit_history_phrases(text: str, status: str) -> None:
    assert parse_credit(text) == status


def test_a_bare_overdue_is_unclear_because_repayment_decides() -> None:
    assert parse_credit("有逾期") is None


@pytest.mark.parametrize(
    ("text", "student"),
    [("不是学生", False), ("已经工作了", False), ("我是大学生", True), ("在读研究生", True), ("是", True)],
)
def test_student_answers(text: str, student: bool) -> None:
    assert parse_student(text) is student


@pytest.mark.parametrize(
    ("text", "mainland"),
    [("有", True), ("有大陆身份证", True), ("我是香港人", False), ("外籍", False), ("没有", False)],
)
def test_mainland_id_answers_never_need_the_number(text: str, mainland: bool) -> None:
    assert parse_mainland_id(text) is mainland


@pytest.mark.parametrize("text", ["不知道", "不清楚", "忘了", "我也不知道啊"])
def test_dont_know_is_recognised(text: str) -> None:
    assert is_dont_know(text)


def test_a_real_answer_is_not_dont_know() -> None:
    assert not is_dont_know("不知道微粒贷利息多少")


@pytest.mark.parametrize(
    "text",
    ["这个上征信吗？", "多大能借", "利息怎么算", "小米代款利息贼高不🤔", "能借不", "靠谱不啊", "高不高"],
)
def test_questions_look_like_questions(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize(
    "text", ["这么高 那不借了", "那么多啊", "要么就算了", "我不", "当然不", "不不不", "不"]
)
def test_an_exclamation_with_this_or_that_is_no_question(text: str) -> None:
    assert not looks_like_question(text)


def test_counts_are_not_taken_for_the_number() -> None:
    assert parse_number("两个月前借了8000") == 8000


def test_two_numbers_are_not_guessed_between() -> None:
    assert parse_number("8000或者9000") is None


@given(st.integers(min_value=0, max_value=99_999_999))
def test_every_arabic_income_reads_back(amount: int) -> None:
    expected = None if 0 < amount < 100 else amount
    assert parse_income(str(amount)) == expected


@given(st.integers(min_value=1, max_value=120))
def test_every_arabic_age_reads_back(age: int) -> None:
    assert parse_age(f"{age}岁") == age


@pytest.mark.parametrize(
    ("text", "seen"),
    [
        ("有", True),
        ("看得到", True),
        ("能看到入口", True),
        ("钱包里有微粒贷", True),
        ("能看到，没问题", True),
        ("看得見", True),  # Traditional
        ("没有", False),
        ("看不到", False),
        ("没有入口", False),
        ("找不到微粒贷", False),
        ("没被邀请", False),
    ],
)
def test_wallet_entry_answers(text: str, seen: bool) -> None:
    assert parse_wallet_entry(text) is seen


def test_not_having_looked_for_the_wallet_entry_is_unclear() -> None:
    assert parse_wallet_entry("没看过") is None


@pytest.mark.parametrize(
    ("text", "spent"),
    [
        ("2000", 2000),
        ("2000左右", 2000),
        ("每个月刷两三千", 2000),  # a rough range counts as its cautious lower end
        ("一两千", 1000),
        ("三千多", 3000),
        ("几千", 2000),
        ("几百块", 500),
        ("1500元", 1500),
        ("八百", 800),
        ("一个月两千", 2000),  # 「一个月」 is a count, not the amount
        ("不怎么用", 0),
    ],
)
def test_monthly_wechat_pay_spending_is_read_in_yuan(text: str, spent: int) -> None:
    assert parse_wechat_spending(text) == spent


def test_a_rough_income_range_is_its_lower_end_not_a_run_of_digits() -> None:
    assert parse_income("月入两三千") == 2000  # not 23000


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("开通了", True),
        ("有", True),
        ("绑了银行卡", True),
        ("已实名", True),
        ("没绑卡", False),
        ("没有", False),
        ("不用微信支付", False),
        ("没实名", False),
    ],
)
def test_wechat_pay_answers(text: str, bound: bool) -> None:
    assert parse_wechat_pay_bound(text) is bound


@pytest.mark.parametrize(
    ("text", "active"),
    [
        ("天天用", True),
        ("每天都开好多次", True),
        ("会", True),
        ("是", True),
        ("一天打开十几次", True),
        ("每天5次", True),
        ("很少用", False),
        ("偶尔打开", False),
        ("不是每天", False),
        ("不会", False),
        ("一天两次", False),
    ],
)
def test_wechat_activity_answers(text: str, active: bool) -> None:
    assert parse_wechat_active(text) is active


@pytest.mark.parametrize(
    ("text", "bought"),
    [
        ("买过", True),
        ("在小米商城买过手机", True),
        ("有", True),
        ("买过小米手机", True),
        ("没买过", False),
        ("没有", False),
        ("从来没在小米买过东西", False),
    ],
)
def test_xiaomi_purchase_answers(text: str, bought: bool) -> None:
    assert parse_xiaomi_purchases(text) is bought


@pytest.mark.parametrize(
    ("text", "born"),
    [("95年的", 1995), ("1995年生", 1995), ("我是01年出生的", 2001), ("九五年的", 1995), ("88年人", 1988)],
)
def test_a_year_of_birth_gives_the_age_as_of_this_year(text: str, born: int) -> None:
    assert answers.age_from_birth_year(fold(text), date(2026, 12, 7)) == 2026 - born
    assert parse_age(text) == date.today().year - born


@pytest.mark.parametrize("text", ["2025年的话", "95", "借了一年的"])
def test_no_year_of_birth_no_age_from_it(text: str) -> None:
    assert answers.age_from_birth_year(fold(text), date(2026, 12, 7)) is None


@pytest.mark.parametrize(
    ("text", "question"),
    [("征信没啥问题", False), ("没什么逾期", False), ("有没有啥办法", True), ("微粒贷利息多少", True)],
)
def test_an_indefinite_after_a_negation_asks_nothing(text: str, question: bool) -> None:
    assert answers.looks_like_question(text) is question


def test_about_to_graduate_is_a_student_still() -> None:
    assert answers.parse_student("是学生 不过下个月就毕业了") is True
    assert answers.parse_student("快毕业了") is True
    assert answers.parse_student("已经毕业了") is False
    assert answers.parse_student("不是学生 下个月毕业") is False


def test_a_pointing_or_exclaiming_me_asks_nothing() -> None:
    assert not answers.looks_like_question("这么高 那不借了")
    assert answers.looks_like_question("那么高吗")


@pytest.mark.parametrize(
    ("text", "bought"),
    [("没在小米商城买过东西", False), ("从来没在米家下过单", False), ("在小米商城买过手机", True)],
)
def test_purchases_negated_before_the_shop(text: str, bought: bool) -> None:
    assert answers.parse_xiaomi_purchases(text) is bought
