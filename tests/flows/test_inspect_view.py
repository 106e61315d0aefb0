"""The reply to a checked message (flows/inspect_view.py): verdict first, signs with their words and
sources, the true rate against the lines, what was read from a photo, and never an identifier."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from flows.inspect_view import inspection_reply
from flows.reply import Reply, Turn, plain_text
from flows.session import Session
from knowledge.inspection import inspect_message
from knowledge.privacy import redact
from tests.flows.chat import Chat

SCAM = (
    "【微粒贷】尊敬的用户，您申请的借款因银行卡号填写错误已被系统冻结，请添加客服微信 wld-kf08xx 办理，"
    "需先缴纳解冻金3000元，30分钟内未处理将影响个人征信。"
)
OFFER = "【安心借】您的借款10000元已审批通过，分12期每期还1050元，放款前需缴纳500元保证金，缴纳后即可放款。"
NOTICE = (
    "【小米金融】验证码482913，您正在进行借款申请，5分钟内有效。验证码切勿告诉他人，工作人员不会向您索取。"
)


def _text(reply: Reply) -> str:
    return "\n".join(plain_text(message.text) for message in reply.messages)


def _reply(engine: Engine, text: str, origin: str = "forwarded", locale: str = "zh_CN") -> Reply:
    """The engine's reply to a message passed on (a chosen locale: the reply is in it whatever the text)."""
    session = Session(locale=locale, locale_chosen=True)
    return engine.handle(session, Turn(kind="text", text=text, origin=origin))  # type: ignore[arg-type]


def test_the_verdict_comes_first_then_each_sign_with_its_words_advice_and_sources(engine: Engine) -> None:
    reply = _reply(engine, SCAM)
    first = plain_text(reply.messages[0].text)
    assert first.startswith("⚠️ 发现 4 个诈骗常见迹象")
    # the fee is quoted with the demand before it when the demand is read (「先缴纳解冻金」)
    for words in ("解冻金」", "「添加客服微信」", "「【微粒贷】」", "「30分钟内未处理"):
        assert words in first
    assert first.count("👉") == 4 and first.count("来源：") >= 8  # a fact and the advice, each cited
    assert "（常识，非文章所述）" in first  # what no article says is marked as such


def test_the_figures_show_the_true_rate_against_the_24_and_36_lines(engine: Engine) -> None:
    text = _text(_reply(engine, OFFER))
    assert "实际到手 ¥9,500.00" in text and "55.64%" in text
    assert "超过36%" in text and "《微信贷款综述》" in text and "《微贷开通指南》" in text


def test_nothing_found_says_what_that_does_not_prove(engine: Engine) -> None:
    text = _text(_reply(engine, NOTICE))
    assert text.startswith("✅ 没有发现文章提到的诈骗迹象")
    assert "这不能证明它是安全的" in text


def test_a_photo_shows_briefly_what_was_read_with_the_code_masked(engine: Engine) -> None:
    reply = _reply(engine, NOTICE, origin="photo")
    read = plain_text(reply.messages[0].text)
    assert read.startswith("📷 图片里读到的文字")
    assert "验证码●●●●●●" in read and "482913" not in _text(reply)


def test_no_id_card_or_phone_number_is_ever_repeated(engine: Engine) -> None:
    message = SCAM + "身份证号110101199003071234，银行卡6222020200112233445，手机13812345678。"
    for origin in ("forwarded", "photo"):
        text = _text(_reply(engine, message, origin=origin))
        assert redact(text) == text
        assert ("[已隐去]" in text) == (origin == "photo")  # what was read is shown back, redacted


def test_buttons_lead_to_the_faq_and_home(engine: Engine) -> None:
    ids = [button.id for button in _reply(engine, SCAM).buttons()]
    assert "faq:entry:safety.upfront_fee" in ids and ids[-1] == "menu:home"
    assert [button.id for button in _reply(engine, NOTICE).buttons()] == [
        "faq:entry:safety.scam_signs",
        "menu:home",
    ]


def test_only_messages_to_check_are_taken(engine: Engine) -> None:
    checked = "诈骗常见迹象"

    def said(text: str, origin: str = "typed") -> str:
        return _text(engine.handle(Session(), Turn(kind="text", text=text, origin=origin)))  # type: ignore[arg-type]

    assert checked not in said("微粒贷利息多少")
    assert checked in said(SCAM)  # a paste, typed in
    forwarded = said("微粒贷利息多少", "forwarded")  # passed on: checked, whatever it says
    assert "没有发现" in forwarded or checked in forwarded


def test_a_message_checked_in_the_middle_of_the_self_check_keeps_the_check(engine: Engine) -> None:
    session = Session()
    engine.handle(session, Turn.from_text("/check 小米贷款"))
    pending = session.check.asked[-1]
    reply = _text(engine.handle(session, Turn(kind="text", text=SCAM, origin="forwarded")))
    assert "诈骗常见迹象" in reply and "第1题" in reply
    assert session.check.asked[-1] == pending


def test_the_reply_is_translated_in_english(engine: Engine) -> None:
    text = _text(_reply(engine, OFFER, locale="en"))
    assert "Found 1 common scam sign" in text and "True annual rate" in text


@pytest.mark.parametrize("text", [SCAM, OFFER, NOTICE])
def test_every_message_fits_telegram_after_splitting(engine: Engine, text: str) -> None:
    reply = inspection_reply(engine.kb, inspect_message(text * 3), read_text="x" * 500)
    assert all(len(message.text) < 4096 for message in reply.messages)


SMS = (
    "【微粒贷】尊敬的用户，您的借款申请已通过，额度50000元，因银行卡号填写错误资金已冻结，"
    "请添加客服QQ 38291022 "
    "缴纳解冻金2000元，24小时内未处理将影响征信。"
)


def test_follow_ups_to_a_checked_message_are_each_answered_not_met_with_the_same_summary(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say(SMS)
    chat.say("那我征信会不会受影响")
    assert "吓唬人" in chat.text and "诈骗常见迹象" not in chat.text
    chat.say("我没转 已经删了")
    assert "做得对" in chat.text
    chat.say("还没转 要不要转")  # still deciding: what the message comes to, and not to pay
    assert "不转钱" in chat.text and "做得对" not in chat.text
    chat.say("微粒贷真实利率多少")  # a product named, and the message had no rate of its own: the FAQ's
    assert "【微粒贷】" in chat.text and "诈骗常见迹象" not in chat.text
