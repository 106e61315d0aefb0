"""The calculator's replies: figures, schedule, the 24 %/36 % lines with sources, questions, bad input."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy_financial as npf
import pytest

from flows.buttons import CalcAmount, CalcDays, CalcMethod, CalcProduct, CalcSchedule, CalcTerm, unpack
from flows.calculator import calc_button, calc_intro, calc_reply
from flows.engine import Engine
from flows.formatting import width
from flows.i18n import using_locale
from flows.reply import MAX_BUTTON_ID_BYTES, Reply, plain_text
from flows.session import Session
from knowledge.base import KnowledgeBase, default
from tests.flows.chat import Chat
from tests.flows.sample_kb import sample_kb


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return sample_kb()


def _text(reply: Reply) -> str:
    return "\n".join(plain_text(m.text) for m in reply.messages)


def _pre_lines(reply: Reply) -> list[str]:
    blocks = [b for m in reply.messages for b in re.findall(r"<pre>(.*?)</pre>", m.text, flags=re.S)]
    return [line for block in blocks for line in plain_text(block).split("\n")]


def _button_ids(reply: Reply) -> list[str]:
    return [b.id for b in reply.buttons()]


def test_the_issue_example_gives_payment_interest_and_irr_first(kb: KnowledgeBase) -> None:
    reply, state = calc_reply(kb, "借1万分12期，日利率0.05%，要还多少")
    text = _text(reply)
    # on actual days: 0.05 % a day is 18.25 % / 12 a month (numpy-financial, independently)
    payment = npf.pmt(0.0005 * 365 / 12, 12, -10_000)
    answer = text.split("\n")[1:3]  # the answer comes first, under the headline
    assert f"每期还 ¥{payment:,.2f}" in answer[0]
    assert f"利息 ¥{payment * 12 - 10_000:,.2f}" in answer[0]
    assert "真实年化（IRR）18.25%" in answer[1] and "未超过24%" in answer[1]
    assert "日利率0.05%（名义年化 18.25%）" in text  # how the quote was read
    assert "按实际天数计息" in text  # the convention is stated
    assert "仅为估算" in text and "合同" in text
    assert state["amount"] == 10_000 and state["term_months"] == 12


def test_every_result_holds_the_rate_against_24_and_36_pct_with_their_sources(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "借1万分12期，日利率0.05%")[0])
    assert "未超过24%（24%见《微贷开通指南》，36%见《微信贷款综述》）" in text


def test_a_price_over_24_pct_is_flagged(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "借1万 12期 年化30%")[0])
    assert "真实年化（IRR）30.00%：超过24%，偏贵" in text


def test_a_price_over_36_pct_is_called_usury(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "借1万 12期 日利率0.1%")[0])
    assert "超过36%，是高利贷的价格" in text


def test_a_monthly_fee_quote_shows_its_true_rate_far_above_the_nominal(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "借1万，分12期，月费率0.8%")[0])
    flows = [-10_000] + [10_000 / 12 + 80] * 12  # principal in equal parts, the fee on the original
    assert f"真实年化（IRR）{npf.irr(flows) * 12 * 100:.2f}%" in text
    assert "名义年化 9.60%" in text
    assert "利息和费用 ¥960.00" in text
    assert "比月费率×12（9.60%）高得多" in text


def test_a_monthly_fee_repaid_at_the_end_is_not_said_to_cost_more_than_twelve(kb: KnowledgeBase) -> None:
    # with the principal repaid at the end the fee does run on the whole balance: IRR = 12 × the fee
    text = _text(calc_reply(kb, "借1万 12期 月费率1% 先息后本")[0])
    assert "真实年化（IRR）12.00%" in text
    assert "高得多" not in text and "远高于" not in text


def test_the_schedule_is_behind_a_button_and_fits_a_phone(kb: KnowledgeBase) -> None:
    reply, state = calc_reply(kb, "借1万分12期，日利率0.05%")
    assert _pre_lines(reply) == []  # the answer first; the schedule behind the button
    assert CalcSchedule().pack() in _button_ids(reply)
    full, _state = calc_button(kb, CalcSchedule(), state)
    assert all(width(line) <= 28 for line in _pre_lines(full))


def test_the_full_schedule_button_shows_every_row(kb: KnowledgeBase) -> None:
    _reply, state = calc_reply(kb, "借1万分12期，日利率0.05%")
    full, state_after = calc_button(kb, CalcSchedule(), state)
    periods = [line.split()[0] for line in _pre_lines(full)[1:]]
    assert periods == [str(n) for n in range(1, 13)]
    assert state_after == state


def test_a_follow_up_changes_the_term_and_keeps_the_rest(kb: KnowledgeBase) -> None:
    _reply, state = calc_reply(kb, "借1万分12期，日利率0.05%")
    reply, state = calc_reply(kb, "改成24期", state)
    assert f"每期还 ¥{npf.pmt(0.0005 * 365 / 12, 24, -10_000):,.2f}" in _text(reply)
    assert state["term_months"] == 24


@pytest.mark.parametrize(
    ("first", "correction", "expected"),
    [
        ("借两万 日息万五 30天 多少利息", "不对 是一万", "¥150.00"),
        ("借1万 一个月利息80 贵不贵", "不是80 是180", "¥180.00"),
        ("日息万三 借一万 90天 利息多少", "不是万三 是万五", "¥450.00"),
        ("借8k 分12期 每期还800 年化多少", "打错了 每期780", "30.03%"),
    ],
)
def test_a_correction_in_words_changes_only_what_it_names(
    kb: KnowledgeBase, first: str, correction: str, expected: str
) -> None:
    _reply, state = calc_reply(kb, first)
    reply, _state = calc_reply(kb, correction, state)
    assert expected in _text(reply)


def test_asking_whether_the_last_answer_is_usury_repeats_its_verdict(kb: KnowledgeBase) -> None:
    _reply, state = calc_reply(kb, "借1万 12期 年化30%")
    reply, kept = calc_reply(kb, "算高利贷吗", state)
    assert "超过24%" in _text(reply)
    assert {k: kept[k] for k in ("amount", "term_months", "price_pct")} == {
        k: state[k] for k in ("amount", "term_months", "price_pct")
    }


def test_asking_why_a_monthly_fee_costs_more_explains_the_principal_and_the_irr(kb: KnowledgeBase) -> None:
    _reply, state = calc_reply(kb, "借1万分12期 每月手续费1%")
    text = _text(calc_reply(kb, "这种按月费率收的 为啥比看着高", state)[0])
    assert "最初的本金" in text and "IRR" in text


def test_a_method_button_recomputes_with_that_method(kb: KnowledgeBase) -> None:
    _reply, state = calc_reply(kb, "借1万分12期，日利率0.05%")
    reply, state = calc_button(kb, CalcMethod(method="equal_principal"), state)
    text = _text(reply)
    first = 10_000 / 12 + 10_000 * 0.0005 * 365 / 12
    assert "等额本金" in text and f"首期还 ¥{first:,.2f}" in text
    assert state["method"] == "equal_principal"


def test_the_stored_state_fits_the_session(kb: KnowledgeBase) -> None:
    _reply, state = calc_reply(kb, "小米贷款借1万，分12期")
    session = Session(calc=state)
    assert Session.loads(session.dumps()).calc == state


def test_a_product_gives_low_and_high_scenarios_with_the_sources_of_its_rates(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "小米贷款借1万，分12期")[0])
    assert "0.02%–0.06%" in text
    assert "各来源说法不一" in text
    assert "《小米测评》" in text and "《小米八问》" in text
    assert "低：日利率0.02%" in text and "高：日利率0.06%" in text
    assert "IRR年化 7.30%" in text and "IRR年化 21.90%" in text
    low = npf.pmt(0.0002 * 365 / 12, 12, -10_000) * 12 - 10_000
    high = npf.pmt(0.0006 * 365 / 12, 12, -10_000) * 12 - 10_000
    assert f"利息约 ¥{low:,.2f}–¥{high:,.2f}" in text


def test_a_product_button_fills_in_the_missing_price(kb: KnowledgeBase) -> None:
    ask, state = calc_reply(kb, "借1万12期")
    assert CalcProduct(product="weilidai").pack() in _button_ids(ask)
    reply, _state = calc_button(kb, CalcProduct(product="weilidai"), state)
    assert "微粒贷" in _text(reply) and "《微信贷款综述》" in _text(reply)


def test_we2000_is_always_2000_yuan(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "WE2000借5000，30天")[0])
    assert "固定为2,000元" in text
    assert "¥2,030.00" in text


@pytest.mark.parametrize(
    ("text", "asks", "button"),
    [
        ("借1万", "借多久", CalcTerm(unit="m", count=12).pack()),
        ("12期 日利率0.05%", "想借多少钱", CalcAmount(yuan=10000).pack()),
        ("借1万12期", "利率或费率是多少", CalcProduct(product="xiaomi").pack()),
        ("借1万逾期了罚多少", "逾期多少天", CalcDays(days=10).pack()),
    ],
)
def test_what_is_missing_is_asked_with_an_example_and_buttons(
    kb: KnowledgeBase, text: str, asks: str, button: str
) -> None:
    reply, _state = calc_reply(kb, text)
    assert asks in _text(reply)
    assert "例如" in _text(reply)
    assert button in _button_ids(reply)


def test_answering_the_question_completes_the_calculation(kb: KnowledgeBase) -> None:
    payment = f"¥{npf.pmt(0.0005 * 365 / 12, 12, -10_000):,.2f}"
    _ask, state = calc_reply(kb, "借1万，日利率0.05%")
    reply, _state = calc_button(kb, CalcTerm(unit="m", count=12), state)
    assert payment in _text(reply)
    _ask, state = calc_reply(kb, "借1万，日利率0.05%")
    reply, _state = calc_reply(kb, "12期", state)
    assert payment in _text(reply)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("借-5000 12期 日利率0.05%", "要大于0"),
        ("借0元 12期 日利率0.05%", "要大于0"),
        ("借2000万 12期 年化18%", "超过1000万元"),
        ("借1万 分100期 年化18%", "最长算到60个月"),
        ("借1万 0期 年化18%", "至少要1期"),
        ("借1万 3000天 日利率0.05%", "最长算到60个月"),
        ("借1万 12期 年化0%", "利率要大于0"),
        ("借1万 12期 年化1200%", "超过1000%"),
        ("借1万 12期 日利率5%", "超过1000%"),
    ],
)
def test_bad_inputs_get_a_clear_chinese_answer(kb: KnowledgeBase, text: str, says: str) -> None:
    reply, _state = calc_reply(kb, text)
    assert says in _text(reply)
    assert "calc:new" in _button_ids(reply)


def test_penalty_uses_each_source_rule_and_shows_the_disagreement(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "小米贷款借1万逾期10天罚多少")[0])
    assert "本金每天0.05% → ¥50.00（来源：《小米测评》）" in text
    # 《小米八问》's 1.5 × its own 0.02–0.05 % (never 《小米测评》's 0.06 %) × 10 000 × 10 days
    assert "¥30.00–¥75.00（按日利率0.02%–0.05%）（来源：《小米八问》）" in text
    assert "¥90.00" not in text
    assert "说法不一" in text


def test_a_penalty_multiple_of_a_rate_its_article_does_not_give_is_not_priced(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "微粒贷借1万逾期10天罚多少")[0])
    assert "这篇文章没给日利率" in text  # 《微贷开通指南》 names no daily rate in this knowledge base
    assert "¥100.00（来源：《微信贷款综述》）" in text


def test_penalty_without_a_product_covers_every_product_with_a_rule(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "借1万逾期10天罚多少")[0])
    assert "小米贷款" in text and "微粒贷" in text
    assert "¥100.00" in text  # 微粒贷: 0.1 % a day


def test_early_repayment_fee_lists_every_source(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "微粒贷借1万，提前还款手续费多少")[0])
    assert "不收手续费（来源：《微信贷款综述》）" in text  # its words, not a ¥0.00 of ours
    assert "→ ¥0.00（" not in text
    assert "¥0.00–¥200.00" in text
    assert "说法不一" in text


def test_every_button_id_fits_telegram(kb: KnowledgeBase) -> None:
    replies = [calc_intro()]
    for text in ("借1万", "借1万12期", "借1万分12期，日利率0.05%", "借1万逾期", "小米贷款借1万12期"):
        replies.append(calc_reply(kb, text)[0])
    ids = [i for reply in replies for i in _button_ids(reply)]
    assert ids and all(len(i.encode()) <= MAX_BUTTON_ID_BYTES and i.startswith("calc:") for i in ids)


def test_a_forged_button_is_refused_and_a_stale_one_answered_not_raised(kb: KnowledgeBase) -> None:
    assert unpack("calc:term:m:xx") is None  # not a count: never reaches the calculator
    reply, _state = calc_button(kb, CalcMethod(method="no_such_method"), {})
    assert "失效" in _text(reply)


def test_the_intro_shows_examples() -> None:
    assert "借1万分12期" in _text(calc_intro())


def test_the_reply_renders_in_another_locale_without_error(kb: KnowledgeBase) -> None:
    with using_locale("en"):
        reply, _state = calc_reply(kb, "借1万分12期，日利率0.05%")
    assert f"{npf.pmt(0.0005 * 365 / 12, 12, -10_000):,.2f}" in _text(reply)


# --- with the shipped knowledge base ----------------------------------------------------------------------


def test_shipped_knowledge_base_prices_each_checkable_product() -> None:
    shipped = default()
    for product in ("xiaomi", "weilidai", "we2000"):
        text = _text(calc_reply(shipped, f"{shipped.product_name(product)}借1万，12期")[0])
        assert "IRR年化" in text and "来源：" in text, product


def test_shipped_knowledge_base_penalty_for_xiaomi_matches_the_review_rule() -> None:
    text = _text(calc_reply(default(), "小米贷款借1万逾期10天")[0])
    assert "¥50.00" in text
    assert "《小米贷款测评》" in text


def test_a_comparison_typed_in_the_calculator_gets_the_side_by_side(kb: KnowledgeBase) -> None:
    _reply, state = calc_reply(kb, "借1万分12期，日利率0.05%")
    reply, kept = calc_reply(kb, "小米贷款和微粒贷哪个利息低", state)
    assert "对比：小米贷款 / 微粒贷" in _text(reply)
    assert kept == state


class _TelegramHtml(HTMLParser):
    """Fails on anything Telegram's HTML parse mode would reject: unknown or unbalanced tags."""

    ALLOWED = frozenset({"b", "i", "u", "s", "code", "pre", "a"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in self.ALLOWED, tag
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, tag


@pytest.mark.parametrize(
    "text",
    [
        "借1万分12期，日利率0.05%",
        "小米贷款借1万，分12期",
        "借2万 12期 月费率1.2%",
        "借1万逾期10天罚多少",
        "微粒贷借1万提前还款",
        "借1万",
        "借-1 12期 年化18%",
        "<b>借1万</b> 12期 年化18%",
    ],
)
def test_replies_are_well_formed_telegram_html(text: str) -> None:
    for message in calc_reply(default(), text)[0].messages:
        parser = _TelegramHtml()
        parser.feed(message.text)
        parser.close()
        assert parser.open == []


def test_text_with_nothing_to_compute_gets_a_hint_and_keeps_the_state(kb: KnowledgeBase) -> None:
    _reply, state = calc_reply(kb, "借1万分12期，日利率0.05%")
    reply, kept = calc_reply(kb, "你好", state)
    assert "没看懂" in _text(reply) and "例如" in _text(reply)
    assert kept == state


def test_folk_and_per_day_prices_are_restated_as_rates(kb: KnowledgeBase) -> None:
    # 「月息1分」 is 1% a month; 「一天5块」 on 1万 is 0.05% a day: the reply says how it read them
    monthly = _text(calc_reply(kb, "借1万 月息1分 分12期 要还多少")[0])
    daily = _text(calc_reply(kb, "借1万30天 一天5块 利息多少")[0])
    assert "月利率1.00%" in monthly and "名义年化 12.00%" in monthly
    assert "日利率0.05%" in daily and "利息 ¥150.00" in daily


# --- in the dialogue ---------------------------------------------------------------------------------


def test_cost_messages_are_not_normalised_again_by_the_calculator(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the reader folds each message once; the calculator reads its folded text and product mentions
    def refold(text: str) -> str:
        raise AssertionError(f"folded again: {text!r}")

    chat = Chat(engine)
    monkeypatch.setattr("knowledge.calc_parse.fold", refold)
    monkeypatch.setattr("flows.calculator.fold", refold)
    chat.say("借一万 三个月 哪个最便宜")
    assert "1. " in chat.text
    chat.say("借了两万 分24期 每期还1050 年化多少")
    assert "真实年化（IRR）" in chat.text
    chat.say("改成30期")
    assert "30期" in chat.text


def test_which_is_cheapest_in_the_dialogue_is_one_ranked_reply(engine: Engine) -> None:
    chat = Chat(engine)
    reply = chat.say("借5千 分12期 小米和微粒贷哪个便宜")
    assert len(reply.messages) == 1
    assert "1. 微粒贷" in chat.text or "1. 小米贷款" in chat.text
    assert "区间重叠" in chat.text


def test_a_question_about_a_rate_inside_the_calculator_is_answered_not_taken_as_a_new_rate(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("借3000 一个月 哪个便宜")
    ranking = chat.text
    chat.say("网上说的年化36%合法吗")
    assert chat.text != ranking and "24%" in chat.text and "红线" in chat.text
    assert chat.session.calc  # the sum in progress is kept


def test_a_rate_typed_when_the_calculator_asked_for_one_is_still_the_rate(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/calc")
    chat.say("借1万")
    chat.say("12期")
    chat.say("年化24%高吗")
    assert "IRR" in chat.text


@pytest.mark.parametrize("text", ["5000", "借5000", "我想借两万", "急需3000块钱"])
def test_a_sum_to_borrow_and_nothing_else_asks_the_term_and_offers_the_check_beside(
    engine: Engine, text: str
) -> None:
    chat = Chat(engine)
    chat.say(text)
    assert chat.session.flow == "calc" and "借多久" in chat.text
    assert "check:start" in chat.ids and "暂时答不了" not in chat.text


def test_a_bare_figure_in_the_self_check_answers_its_question_not_the_calculator(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("帮我测测小米贷款")
    chat.say("不是")  # student: no
    chat.say("5000")
    assert chat.session.flow == "check"


def test_the_total_interest_asked_after_a_sum_is_that_sum_s_interest(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("借5万 分12期 年化15% 每个月还多少")
    chat.say("总共多少利息")
    assert "4,154.99" in chat.text  # not the articles' 「借1万一年要多少利息」


def test_settling_after_half_a_year_is_an_early_settlement_of_what_is_left(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("借5万 分12期 年化15% 每个月还多少")
    chat.say("要是半年后我想一次还清呢")
    assert "提前还款" in chat.text and "已还6期" in chat.text


def test_another_term_for_a_loan_given_by_its_instalment_keeps_the_rate_it_implies(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("借2万 分12期 每月还1900 这利息高不高")
    chat.say("那换成24期呢")
    assert "24.91%" in chat.text and "1,900.00" not in chat.text  # not 1900 a month for twice as long


@pytest.mark.parametrize(("typed", "reading"), [("0.05", "日利率"), ("0.8", "月利率"), ("18", "年化利率")])
def test_a_bare_figure_typed_for_the_rate_is_read_by_its_size_and_the_reading_is_said(
    engine: Engine, typed: str, reading: str
) -> None:
    chat = Chat(engine)
    for message in ("帮我算利息", "5000", "6期", typed):
        chat.say(message)
    assert "每期还" in chat.text and f"我按{reading}理解" in chat.text


def test_asking_the_result_before_the_rate_asks_for_the_rate_and_keeps_the_loan(engine: Engine) -> None:
    chat = Chat(engine)
    for message in ("我要算一下利息", "10000", "12", "每个月还多少"):
        chat.say(message)
    assert "利率或费率是多少" in chat.text and "借款成本计算器" not in chat.text
    assert chat.session.calc.get("amount") == 10000
    chat.say("帮我算利息")  # a new sum asked for: from its first question, the old loan gone
    assert "借款成本计算器" in chat.text and chat.session.calc == {"asked": "amount"}
