"""After a verdict, 「那咋办」 and 「先申请哪个好」 are answered from that verdict; nothing is asked again."""

from __future__ import annotations

from flows.engine import Engine
from flows.next_steps import FURTHER_READING
from tests.flows.chat import Chat

FALLBACK = "暂时答不了"


def _ruled_out_of_weilidai(engine: Engine) -> Chat:
    chat = Chat(engine)
    chat.say("我够条件借微粒贷不")
    chat.say("三十")
    chat.say("看不到")  # the wallet entry is missing: 微粒贷 is ruled out
    assert chat.session.state == "done" and "❌" in chat.text
    return chat


def test_what_now_after_a_product_is_ruled_out_says_what_the_articles_say_about_the_failed_rule(
    engine: Engine,
) -> None:
    chat = _ruled_out_of_weilidai(engine)
    chat.say("那咋办")
    # the entry about a missing 微粒贷 entry, with its sources, not the fallback
    assert engine.kb.entries["apply.weilidai_missing"].question in chat.text
    assert "来源" in chat.text and FALLBACK not in chat.text
    assert chat.session.flow == "check"


def test_asking_again_for_other_ways_gets_the_short_version_not_the_same_answer_twice(engine: Engine) -> None:
    chat = _ruled_out_of_weilidai(engine)
    chat.say("那咋办")
    first = chat.text
    chat.say("有没有别的办法让入口出来")
    assert chat.text != first and "没有别的捷径" in chat.text and "强开" in chat.text


def test_which_first_groups_the_products_by_verdict_and_picks_none(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("帮我测一下全部产品 我30 没逾期 月入八千 不是学生 用小米手机 有身份证 支付分650")
    while chat.session.state == "asking":
        chat.press("跳过")
    chat.say("那我先申请哪个好")
    text = chat.text
    assert "不构成金融建议" in text and "一次只申请一家" in text and "来源：《小米贷款征信问答》" in text
    for name in ("小米贷款", "WE2000"):
        assert name in text
    assert "推荐" not in text  # neutral: no product is recommended


def test_which_first_in_the_middle_of_the_check_answers_and_keeps_the_pending_question(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("帮我测测小米贷款")
    pending = chat.pending
    chat.say("先申请哪个好")
    assert "自测还没做完" in chat.text and chat.pending == pending


def test_what_now_in_the_middle_of_the_check_says_what_the_questions_left_are_for(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("帮我测测微粒贷能不能申请")
    pending = chat.pending
    chat.say("那咋办")
    assert "跳过" in chat.text and FALLBACK not in chat.text and chat.pending == pending


def test_what_now_in_the_middle_of_the_check_after_a_product_is_ruled_out_answers_from_it(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("帮我测测全部产品")
    chat.say("我是学生")  # 小米贷款 rules students out; the check goes on for the others
    assert chat.session.state == "asking"
    pending = chat.pending
    chat.say("那咋办")
    assert "小米贷款" in chat.text and FALLBACK not in chat.text and chat.pending == pending


def test_every_further_reading_entry_exists(engine: Engine) -> None:
    missing = {key: entry for key, entry in FURTHER_READING.items() if entry not in engine.kb.entries}
    assert not missing
