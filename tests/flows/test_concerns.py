"""What follows a scam, despair or a checked message is read in its light for a few messages."""

from __future__ import annotations

from flows.engine import Engine
from flows.engine_base import CONCERN_TURNS
from flows.formatting import pct
from tests.flows.chat import Chat

DECLINE = ("暂时答不了", "还是答不上来", "您是不是想问")
AGENT_MESSAGE = (
    "您好，您申请的贷款已审核通过，借款金额20000元，分12期，每期还款1980元，到账前需支付3%的工本费600元，"
    "请在30分钟内完成，逾期视为放弃"
)


def _declined(text: str) -> bool:
    return any(d in text for d in DECLINE)


def test_a_scam_going_on_is_met_at_every_follow_up(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("他让我把微粒贷里的钱借出来转到安全账户")
    assert "110" in chat.text and "安全账户" in chat.text
    chat.say("我还没转 他还在等我回电话")
    assert not _declined(chat.text) and "拉黑" in chat.text
    # the scammer's threat is not a question about overdue debt to be answered as one
    chat.say("他说不交的话会影响征信 还要起诉我")
    assert "骗" in chat.text and "逾期会有什么后果" not in chat.text


def test_questions_about_a_checked_message_are_answered_from_its_figures(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("这是中介发我的 你看看靠谱不")
    assert "粘贴" in chat.text and not _declined(chat.text)
    chat.say(AGENT_MESSAGE)
    checked = chat.session.checked
    assert checked is not None and checked.fee == 600 and checked.irr is not None
    irr = pct(checked.irr)  # the true rate of that message, as the reply writes it
    chat.say("就是说我要先给600?")
    assert "600" in chat.text and "不要给" in chat.text and irr in chat.text
    chat.say("每期1980 这利息高吗")
    assert irr in chat.text and "36%" in chat.text and not _declined(chat.text)


def test_what_a_checked_message_leaves_in_the_session_is_no_text_of_it(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say(AGENT_MESSAGE)
    kept = chat.session.model_dump_json()
    assert "工本费" not in kept and "审核通过" not in kept and "20000" not in kept


def test_despair_stays_in_mind_and_a_thank_you_after_it_is_met_warmly(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("活着没意思 真想一了百了")
    assert "12356" in chat.text
    chat.say("没用的 谁也帮不了我")
    assert "12356" in chat.text and not _declined(chat.text)
    chat.say("谢谢你 我没事 就是想说说")
    assert "12356" in chat.text and "还有别的问题随时问" not in chat.text


def test_a_concern_is_let_go_after_a_few_messages_that_do_not_serve_it(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("活着没意思 真想一了百了")
    elsewhere = ["小米贷款上征信吗", "微粒贷利息多少", "WE2000是什么", "借呗和微粒贷哪个好"]
    for question in elsewhere[:CONCERN_TURNS]:
        chat.say(question)
    assert chat.session.concern is None
    chat.say("那个东西咋弄")
    assert "12356" not in chat.text


def test_an_offer_to_wipe_a_bad_record_for_a_fee_is_met_as_a_scam(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("有人打电话说可以帮我消除逾期记录 要收费")
    assert chat.session.concern == "scam" and "骗" in chat.text and "这个我不能帮忙" not in chat.text


def test_a_question_answered_in_the_middle_of_a_scam_gets_one_line_on_the_threats_not_the_scam_reply_again(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("有人打电话说可以帮我消除逾期记录 要收费")
    first = chat.text
    chat.say("我已经转了500给他")
    assert "110" in chat.text and chat.text != first
    chat.say("那我的征信还能好吗")
    assert engine.kb.entries["credit.recover"].question in chat.text
    assert "吓唬人" in chat.text and first not in chat.text


def test_money_paid_to_a_scam_told_again_gets_the_lines_that_matter_not_the_same_paragraph(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("我转了2000解冻费 还能要回来吗")
    first = chat.text
    assert "110" in first and "96110" in first
    chat.say("他们说再交3000就能放款")
    assert chat.text != first and len(chat.text) < len(first)
    assert "别再转钱" in chat.text and "96110" in chat.text
    chat.say("报警有用吗")  # a question of its own after the steps: answered, not the steps a third time
    assert "报警有用" in chat.text and "还是那句话" not in chat.text


def test_lying_on_an_application_is_refused_even_in_the_middle_of_a_scam(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我转了2000解冻费 还能要回来吗")
    chat.say("我可以在申请的时候说我不是学生吗 其实我是")
    assert "如实" in chat.text and "安全账户" not in chat.text


def test_a_follow_up_on_a_checked_text_message_says_what_to_do_with_a_message_not_with_a_caller(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("帮我看看这条短信")
    assert "粘贴" in chat.text
    chat.say("【微粒贷】您的额度已提升至50000元，点击 wx.dl-vip.cc 领取，需先缴纳保证金500元激活，逾期作废")
    chat.say("那我不点就没事吧")
    assert "不点" in chat.text and "96110" in chat.text
    assert "安全账户" not in chat.text and "回电话" not in chat.text


def test_shame_told_with_a_scam_paid_is_met_before_the_steps(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("唉 我真是太蠢了 被骗了3000")
    assert "不是你的错" in chat.text and "110" in chat.text and "96110" in chat.text
