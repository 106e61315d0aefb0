"""The calculator's replies: figures, schedule, the 24 %/36 % lines with sources, questions, bad input."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from flows.calculator import calc_button, calc_intro, calc_reply, is_calc_button
from flows.formatting import width
from flows.i18n import using_locale
from flows.reply import MAX_BUTTON_ID_BYTES, Reply, plain_text
from flows.session import Session
from knowledge.base import KnowledgeBase, default
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


def test_the_issue_example_gives_payment_interest_and_irr(kb: KnowledgeBase) -> None:
    reply, state = calc_reply(kb, "借1万分12期，日利率0.05%，要还多少")
    text = _text(reply)
    assert "¥917.99" in text
    assert "¥1,015.88" in text  # the same as 年化18.25%: the knowledge base's 「约1016元」
    assert "¥11,015.88" in text
    assert "IRR年化 18.25%" in text
    assert "名义年化 18.25%" in text
    assert "每月按平均天数计" in text  # the convention is stated
    assert "仅为估算" in text and "合同" in text
    assert state["amount"] == 10_000 and state["term_months"] == 12


def test_every_result_holds_the_rate_against_24_and_36_pct_with_their_sources(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "借1万分12期，日利率0.05%")[0])
    assert "未超过24%（来源：《微贷开通指南》）" in text
    assert "36%（来源：《微信贷款综述》）" in text


def test_a_price_over_24_pct_is_flagged(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "借1万 12期 年化30%")[0])
    assert "超过了24%" in text and "未超过36%" in text


def test_a_price_over_36_pct_is_called_usury(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "借1万 12期 日利率0.1%")[0])
    assert "超过了36%红线" in text
    assert "不建议借" in text


def test_a_monthly_fee_quote_shows_its_true_rate_far_above_the_nominal(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "借1万，分12期，月费率0.8%")[0])
    assert "名义年化 9.60%" in text
    assert "IRR年化 17.27%" in text
    assert "费用 ¥960.00" in text
    assert "月费率×12" in text


def test_the_schedule_shows_first_two_and_last_rows_and_fits_a_phone(kb: KnowledgeBase) -> None:
    reply, _state = calc_reply(kb, "借1万分12期，日利率0.05%")
    lines = _pre_lines(reply)
    periods = [line.split()[0] for line in lines[1:]]
    assert periods == ["1", "2", "…", "12"]
    assert all(width(line) <= 28 for line in lines)
    assert "calc:schedule:full" in _button_ids(reply)


def test_the_full_schedule_button_shows_every_row(kb: KnowledgeBase) -> None:
    _reply, state = calc_reply(kb, "借1万分12期，日利率0.05%")
    full, state_after = calc_button(kb, "calc:schedule:full", state)
    periods = [line.split()[0] for line in _pre_lines(full)[1:]]
    assert periods == [str(n) for n in range(1, 13)]
    assert state_after == state


def test_a_follow_up_changes_the_term_and_keeps_the_rest(kb: KnowledgeBase) -> None:
    _reply, state = calc_reply(kb, "借1万分12期，日利率0.05%")
    reply, state = calc_reply(kb, "改成24期", state)
    assert "¥500.45" in _text(reply)
    assert state["term_months"] == 24


def test_a_method_button_recomputes_with_that_method(kb: KnowledgeBase) -> None:
    _reply, state = calc_reply(kb, "借1万分12期，日利率0.05%")
    reply, state = calc_button(kb, "calc:method:equal_principal", state)
    text = _text(reply)
    assert "等额本金" in text and "首期还 ¥985.42" in text
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


def test_a_product_button_fills_in_the_missing_price(kb: KnowledgeBase) -> None:
    ask, state = calc_reply(kb, "借1万12期")
    assert "calc:product:weilidai" in _button_ids(ask)
    reply, _state = calc_button(kb, "calc:product:weilidai", state)
    assert "微粒贷" in _text(reply) and "《微信贷款综述》" in _text(reply)


def test_we2000_is_always_2000_yuan(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "WE2000借5000，30天")[0])
    assert "固定为2,000元" in text
    assert "¥2,030.00" in text


@pytest.mark.parametrize(
    ("text", "asks", "button"),
    [
        ("借1万", "借多久", "calc:term:12m"),
        ("12期 日利率0.05%", "想借多少钱", "calc:amount:10000"),
        ("借1万12期", "利率或费率是多少", "calc:product:xiaomi"),
        ("借1万逾期了罚多少", "逾期多少天", "calc:days:10"),
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
    _ask, state = calc_reply(kb, "借1万，日利率0.05%")
    reply, _state = calc_button(kb, "calc:term:12m", state)
    assert "¥917.99" in _text(reply)
    _ask, state = calc_reply(kb, "借1万，日利率0.05%")
    reply, _state = calc_reply(kb, "12个月", state)
    assert "¥917.99" in _text(reply)


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
    # 1.5 × 0.02–0.05 % × 10 000 × 10: the 《小米八问》 rule at its own rates, not 0.06 % from another article
    assert "日利率的1.5倍 → ¥30.00–¥75.00（按日利率0.02%–0.05%）（来源：《小米八问》）" in text
    assert "¥90.00" not in text
    assert "说法不一" in text


def test_penalty_without_a_product_covers_every_product_with_a_rule(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "借1万逾期10天罚多少")[0])
    assert "小米贷款" in text and "微粒贷" in text
    assert "¥100.00" in text  # 微粒贷: 0.1 % a day


def test_early_repayment_fee_lists_every_source(kb: KnowledgeBase) -> None:
    text = _text(calc_reply(kb, "微粒贷借1万，提前还款手续费多少")[0])
    assert "¥0.00（来源：《微信贷款综述》）" in text
    assert "¥0.00–¥200.00" in text
    assert "说法不一" in text


def test_every_button_id_fits_telegram(kb: KnowledgeBase) -> None:
    replies = [calc_intro()]
    for text in ("借1万", "借1万12期", "借1万分12期，日利率0.05%", "借1万逾期", "小米贷款借1万12期"):
        replies.append(calc_reply(kb, text)[0])
    ids = [i for reply in replies for i in _button_ids(reply)]
    assert ids and all(len(i.encode()) <= MAX_BUTTON_ID_BYTES and is_calc_button(i) for i in ids)


def test_a_stale_button_is_answered_not_raised(kb: KnowledgeBase) -> None:
    reply, _state = calc_button(kb, "calc:term:xx", {})
    assert "失效" in _text(reply)


def test_the_intro_shows_examples() -> None:
    assert "借1万分12期" in _text(calc_intro())


def test_the_reply_renders_in_another_locale_without_error(kb: KnowledgeBase) -> None:
    with using_locale("en"):
        reply, _state = calc_reply(kb, "借1万分12期，日利率0.05%")
    assert "917.99" in _text(reply)


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


def test_a_penalty_rule_is_priced_at_its_own_articles_rates() -> None:
    text = _text(calc_reply(default(), "小米贷款借1万逾期10天")[0])
    (line,) = [line for line in text.splitlines() if "1.5倍" in line]
    assert "¥30.00–¥75.00（按日利率0.02%–0.05%）（来源：《小米贷款八问》）" in line


def test_no_article_stated_fee_is_shown_as_a_free_early_settlement() -> None:
    # 《小米贷款八问》 says no extra fees in general, never about settling early: no ¥0 under its name
    text = _text(calc_reply(default(), "小米贷款借1万，提前还款手续费多少")[0])
    (line,) = [line for line in text.splitlines() if "《小米贷款八问》" in line]
    assert "¥" not in line and "→" not in line
    assert "¥50.00（来源：《小米贷款测评》）" in text


def test_a_monthly_fee_is_far_above_its_nominal_rate_only_when_the_principal_is_repaid_early(
    kb: KnowledgeBase,
) -> None:
    installments = _text(calc_reply(kb, "借1万分12期，月费率1%")[0])
    bullet = _text(calc_reply(kb, "借1万分12期，月费率1%，先息后本")[0])
    assert "远高于" in installments and "IRR年化 21.46%" in installments
    assert "远高于" not in bullet and "IRR年化 12.00%" in bullet


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
