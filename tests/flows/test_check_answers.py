"""The self-check takes what people tell it in the order they tell it, and asks nothing twice."""

from __future__ import annotations

from flows.engine import Engine
from tests.flows.chat import Chat

UNCLEAR = "没看明白"


def test_a_bare_number_that_fits_only_another_open_question_answers_that_one(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("帮我测测小米贷款")
    assert chat.pending == "student"
    chat.say("28")  # no answer to 「是在校学生吗」, but an age, which is asked later
    assert chat.session.check.answers.get("age") == 28 and UNCLEAR not in chat.text
    assert chat.pending == "student"
    chat.say("不是")
    chat.say("四千多")  # an income, whatever is asked now
    assert chat.session.check.answers.get("monthly_income") == 4000
    assert "age" not in chat.session.check.asked  # told, so never asked


def test_a_number_no_open_question_would_take_is_not_guessed_at(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("帮我测测小米贷款")
    chat.say("650")  # a pay score, but the check of 小米贷款 never asks one
    assert UNCLEAR in chat.text and "wechat_pay_score" not in chat.session.check.answers


def test_one_more_fact_after_the_offer_to_check_is_kept_and_the_offer_made_again(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我28 在厂里上班 一个月四千多")
    assert chat.session.offer == "check"
    chat.say("没有信用卡 也没逾期过")
    assert "28岁" in chat.text and "征信没有逾期" in chat.text and "暂时答不了" not in chat.text


def test_a_situation_told_after_a_product_s_answer_is_offered_that_product_s_check_first(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("微粒贷利息多少")
    chat.say("我41 每个月七八千 征信有过一次逾期 早还了")
    assert chat.session.offer == "check" and "测一下微粒贷吗" in chat.text
    labels = [b.label for b in chat.reply.buttons()]
    assert labels[0] == "微粒贷" and "全部都测" in labels
    chat = Chat(engine)  # nothing in view: which product is the person's choice
    chat.say("我41 每个月七八千 征信有过一次逾期 早还了")
    assert "能申请哪个产品" in chat.text


def test_what_now_after_an_answer_points_to_its_steps_and_the_next_questions(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("微粒贷入口我找不到")
    entry = chat.session.faq.entry_id
    assert entry is not None
    chat.say("那咋办")
    assert "暂时答不了" not in chat.text and engine.kb.entries[entry].question in chat.text
    assert len(chat.reply.buttons()) >= 2


def test_a_figure_inside_a_question_mid_check_is_no_answer_to_another_question(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("帮我测测微粒贷")
    chat.say("他们说先交500保证金就能放款 靠谱不")
    assert "wechat_pay_score" not in chat.session.check.answers
    assert "保证金" in chat.text  # the question is answered: an upfront fee is the classic scam


def test_asking_for_the_verdict_before_the_check_is_over_keeps_the_question(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("帮我测测微粒贷")
    pending = chat.pending
    chat.say("所以到底行不行啊")
    assert "暂时答不了" not in chat.text and "答完" in chat.text and chat.pending == pending


def test_a_figure_a_stated_fact_takes_is_not_also_the_answer_to_the_question_pending(engine: Engine) -> None:
    chat = Chat(engine)
    for message in ("测一下我能不能借微粒贷", "32", "看得到", "没逾期", "有"):
        chat.say(message)
    assert "每月用微信支付花多少钱" in chat.text
    chat.say("多少分 我支付分 720")  # the score, split by a space from its figure: not 720元 a month
    assert chat.session.check.answers.get("wechat_pay_score") == 720
    assert "wechat_pay_monthly" not in chat.session.check.answers or (
        chat.session.check.answers["wechat_pay_monthly"] is None
    )
    assert "每月用微信支付花多少钱" in chat.text  # still asked
