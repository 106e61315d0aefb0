"""Whole conversations through the engine, over the shipped knowledge base and the real matcher."""

from __future__ import annotations

import re

import pytest

from flows.engine import Engine
from flows.reply import MAX_BUTTON_ID_BYTES
from flows.session import Session
from tests.flows.chat import GOOD_PROFILE_TEXT, Chat


def answer_until_done(chat: Chat, answers: dict[str, str]) -> list[str]:
    """Answer each pending question by typing ``answers[key]``; returns the keys in the order asked."""
    asked = []
    while chat.pending is not None:
        key = chat.pending
        asked.append(key)
        chat.say(answers[key])
    return asked




def test_start_shows_the_main_menu_with_every_tool(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/start")
    assert {"check:start", "menu:topics", "menu:products", "calc:start", "compare:start"} <= set(chat.ids)
    assert "不是贷款机构" in chat.text


def test_happy_path_all_products_by_free_text(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/start")
    chat.press("check:start")
    chat.press("check:product:all")
    asked = answer_until_done(chat, GOOD_PROFILE_TEXT)
    assert asked[:2] == ["student", "age"]
    assert chat.session.state == "done"
    for name in ("小米贷款", "微粒贷", "WE2000"):
        assert name in chat.text
    assert "✅" in chat.text
    assert "来源：" in chat.text
    assert "不是贷款机构的审批结论" in chat.text


def test_answer_buttons_work_like_typed_answers(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.press("check:product:we2000")
    assert chat.pending == "age"
    age_buttons = [b for b in chat.reply.buttons() if b.id.startswith("check:answer:age:")]
    assert len(age_buttons) >= 2
    chat.press(next(b.id for b in age_buttons if "18–40" in b.label))
    assert chat.session.check.answers["age"] == 18
    assert chat.session.state in ("asking", "done")


def test_only_the_chosen_products_questions_are_asked(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.press("check:product:weilidai")
    asked = answer_until_done(chat, GOOD_PROFILE_TEXT)
    assert "xiaomi_device" not in asked
    assert "student" not in asked  # no weilidai criterion mentions students


def test_we2000_is_asked_only_its_age_since_no_article_gives_its_pay_score_line(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.press("check:product:we2000")
    asked = answer_until_done(chat, GOOD_PROFILE_TEXT)
    assert asked == ["age"]
    assert "还不确定" in chat.text and "文章没给出分数线" in chat.text


def test_each_product_is_asked_the_requirements_its_articles_state(engine: Engine) -> None:
    asked = {}
    for product in ("xiaomi", "weilidai"):
        chat = Chat(engine)
        chat.say("/check")
        chat.press(f"check:product:{product}")
        asked[product] = answer_until_done(chat, GOOD_PROFILE_TEXT)
    assert {"xiaomi_device", "xiaomi_purchases", "wechat_pay_bound", "monthly_income"} <= set(asked["xiaomi"])
    assert "wechat_wallet_entry" not in asked["xiaomi"]
    assert {"wechat_wallet_entry", "wechat_pay_bound", "wechat_pay_monthly", "wechat_active"} <= set(
        asked["weilidai"]
    )
    assert not {"xiaomi_device", "xiaomi_purchases", "monthly_income", "student"} & set(asked["weilidai"])


def test_without_the_wallet_entry_weilidai_asks_nothing_more(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check 微粒贷")
    asked = [chat.pending]
    chat.say("30")
    asked.append(chat.pending)
    chat.say("看不到")
    assert asked == ["age", "wechat_wallet_entry"]
    assert chat.session.state == "done"
    assert "❌" in chat.text and "不符合「受到邀请" in chat.text
    assert "强开" in chat.text  # the tip warns about paid 「强开」


def test_student_is_ruled_out_for_xiaomi_and_the_check_stops_early(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/start check_xiaomi")
    assert chat.pending == "student"
    chat.say("我是大学生")
    assert chat.session.state == "done"
    assert "不用再问" in chat.text
    assert "❌" in chat.text
    assert chat.session.check.asked == ["student"]


def test_back_goes_to_the_previous_question_and_forgets_its_answer(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.press("check:product:all")
    chat.say("不是")
    chat.say("25")
    third = chat.pending
    assert third not in (None, "student", "age")
    chat.say("返回")
    assert chat.pending == "age"
    assert "age" not in chat.session.check.answers
    chat.press("nav:back")
    assert chat.pending == "student"
    chat.say("上一步")
    assert chat.session.state == "choosing"


def test_back_from_the_result_reopens_the_last_question(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check 微粒贷")
    answer_until_done(chat, GOOD_PROFILE_TEXT)
    last = chat.session.check.asked[-1]
    chat.press("nav:back")
    assert chat.pending == last


def test_skip_makes_an_answer_unknown_and_the_verdict_uncertain(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check 微粒贷")
    while chat.pending is not None:
        if chat.pending == "credit":
            chat.say("跳过")
        else:
            chat.say(GOOD_PROFILE_TEXT[chat.pending])
    assert chat.session.check.answers["credit"] is None
    assert "还不确定" in chat.text
    assert "没有回答" in chat.text


def test_dont_know_is_a_skip(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check 微粒贷")
    first = chat.pending
    chat.say("不知道")
    assert chat.session.check.answers[first or ""] is None
    assert chat.pending != first


def test_cancel_leaves_the_check_and_drops_the_answers(engine: Engine) -> None:
    for word in ("取消", "退出", "/cancel"):
        chat = Chat(engine)
        chat.say("/check")
        chat.press("check:product:all")
        chat.say("不是")
        chat.say(word)
        assert (chat.session.flow, chat.session.state) == ("menu", "home")
        assert chat.session.check.answers == {}
        assert "已退出" in chat.text


def test_restart_asks_for_products_again(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.press("check:product:all")
    chat.say("不是")
    chat.say("重新开始")
    assert chat.session.state == "choosing"
    assert chat.session.check.answers == {}


def test_menu_word_works_in_the_middle_of_a_question(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.press("check:product:all")
    chat.say("菜单")
    assert "check:start" in chat.ids


def test_unclear_answers_are_asked_again_then_skip_is_offered(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check 微粒贷")
    assert chat.pending == "age"
    chat.say("一般般吧")
    assert chat.pending == "age"
    assert "周岁年龄" in chat.text  # says what is expected
    assert "跳过" not in chat.text.split("第")[0]
    chat.say("差不多吧")
    assert "点「跳过」" in chat.text
    assert "nav:skip" in chat.ids


def test_a_question_in_the_middle_is_answered_then_the_pending_question_repeated(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.press("check:product:all")
    chat.say("不是")
    pending = chat.pending
    chat.say("这个上征信吗？")
    assert chat.pending == pending
    assert "征信" in chat.reply.messages[0].text and "来源" in chat.text
    # the question is repeated last, with its buttons
    assert chat.reply.messages[-1].text.startswith("第")
    assert "nav:skip" in [b.id for b in chat.reply.messages[-1].all_buttons()]
    # and the flow goes on
    chat.say(GOOD_PROFILE_TEXT[pending or ""])
    assert chat.pending != pending


def test_a_saved_session_resumes_in_a_fresh_engine(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.press("check:product:all")
    chat.say("不是")
    chat.say("25")
    saved = chat.session.dumps()
    pending = chat.pending

    from flows.engine import build_engine

    fresh = Chat(build_engine(), Session.loads(saved))
    assert fresh.pending == pending
    fresh.say(GOOD_PROFILE_TEXT[pending or ""])
    assert fresh.session.check.answers["age"] == 25
    assert fresh.session.check.answers[pending or ""] is not None
    fresh.say("返回")
    assert fresh.pending == pending


def test_an_old_answer_button_is_refused_kindly(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check 微粒贷")
    chat.say("25")
    chat.press_id("check:answer:age:30")  # the previous question's button
    assert "用不上" in chat.text
    assert chat.session.check.answers["age"] == 25


def test_unknown_buttons_and_commands_get_a_friendly_note(engine: Engine) -> None:
    chat = Chat(engine)
    chat.press_id("nonsense:button")
    assert chat.text and (chat.session.flow, chat.session.state) == ("menu", "home")
    chat.say("/frobnicate")
    assert "/help" in chat.text


def test_the_check_never_asks_for_an_id_number_phone_or_name(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.press("check:product:all")
    prompts = []
    while chat.pending is not None:
        prompts.append(chat.reply.messages[-1].text)
        chat.say(GOOD_PROFILE_TEXT[chat.pending])
    for prompt in prompts:
        assert not re.search(r"身份证号|手机号|姓名|名字", prompt.replace("不要发送证件号", ""))


def test_faq_free_text_is_answered_with_sources(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("小米贷款上征信吗？")
    assert chat.session.flow == "faq"
    assert "来源：" in chat.text
    assert chat.session.faq.entry_id == "credit.reported"


def test_browse_topics_then_an_entry_then_back(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/start")
    chat.press("menu:topics")
    chat.press("menu:topic:credit")
    assert "faq:entry:credit.reported" in chat.ids
    chat.press("faq:entry:credit.reported")
    assert "来源：" in chat.text
    chat.say("返回")
    assert (chat.session.flow, chat.session.state) == ("menu", "topic")
    chat.say("返回")
    assert chat.session.state == "topics"


def test_product_card_shows_key_attributes_with_sources(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/start")
    chat.press("menu:products")
    chat.press("menu:product:weilidai")
    assert "微粒贷" in chat.text and "来源：" in chat.text
    chat.press("check:product:weilidai")
    assert chat.session.flow == "check" and chat.pending is not None


def test_calculator_is_wired_to_its_flow(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/calc")
    assert chat.session.flow == "calc"
    chat.say("借1万分12期，日利率0.05%")
    assert "IRR" in chat.text and "18.25%" in chat.text
    chat.say("退出")
    assert chat.session.flow == "menu"


def test_compare_is_wired(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/compare 小米贷款 微粒贷")
    assert "小米贷款" in chat.text and "微粒贷" in chat.text and "额度" in chat.text


def test_forget_resets_the_session_and_tells_the_transport(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.press("check:product:all")
    chat.say("不是")
    reply = chat.say("/forget")
    assert reply.forget is True
    assert chat.session.check.answers == {} and chat.session.flow == "menu"


def test_asking_in_words_to_delete_one_s_data_does_what_forget_does(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我28 在厂里上班 一个月四千多")
    assert chat.session.profile
    reply = chat.say("删除我的数据")
    assert reply.forget is True and not chat.session.profile and "已删除" in chat.text
    chat.say("怎么删除逾期记录")  # a question about a credit record, not about this chat's
    assert "已删除" not in chat.text


def test_privacy_and_help(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/privacy")
    assert "/forget" in chat.text
    chat.say("/help")
    assert "/check" in chat.text


@pytest.mark.parametrize("start", ["/start", "/check", "/start check", "/faq"])
def test_every_button_id_is_ascii_and_fits_telegram(engine: Engine, start: str) -> None:
    chat = Chat(engine)
    chat.say(start)
    seen = list(chat.reply.buttons())
    if start != "/faq":
        chat.say("/check")
        chat.press("check:product:all")
        seen += chat.reply.buttons()
    chat.say("/start")
    chat.press("menu:topics")
    seen += chat.reply.buttons()
    for button in seen:
        assert button.id.isascii() and len(button.id.encode()) <= MAX_BUTTON_ID_BYTES


def test_a_corrupt_session_state_falls_back_to_the_menu(engine: Engine) -> None:
    session = Session(flow="check", state="nowhere")
    chat = Chat(engine, session)
    chat.say("你好")
    assert chat.session.flow in ("faq", "menu")


def test_a_question_while_choosing_products_is_answered_then_the_choice_asked_again(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.say("小米贷款上征信吗？")
    assert chat.session.state == "choosing"
    assert "来源：" in chat.text
    assert "check:product:all" in chat.ids
    chat.say("小米")
    assert chat.session.check.products == ["xiaomi"]
