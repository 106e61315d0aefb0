"""A conversation, not a menu: what people say besides FAQ questions, in every state of every flow."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.buttons import Resume
from flows.engine import Engine
from flows.session import Session
from knowledge.base import read_labelled
from tests.flows.chat import Chat

DECLINE = "暂时答不了"
#: how this person answers whatever is still asked (other keys: 「有」)
ANSWERS = {"monthly_income": "八千", "wechat_pay_score": "650", "credit": "没逾期", "student": "不是学生"}


def test_small_talk_is_answered_and_not_repeated_word_for_word(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("你好")
    assert "您好" in chat.text and DECLINE not in chat.text
    first = chat.say("谢谢").messages[0].text
    second = chat.say("多谢啦").messages[0].text
    assert first != second and all(DECLINE not in t for t in (first, second))
    assert any(w in chat.say("拜拜").messages[0].text for w in ("再见", "拜拜"))
    assert "不是真人" in chat.say("你是真人吗").messages[0].text or "程序" in chat.text


def test_the_self_check_starts_from_words_for_the_product_named(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我够条件借微粒贷不")
    assert chat.session.flow == "check" and chat.session.check.products == ["weilidai"]
    assert chat.pending is not None


def test_the_self_check_starts_from_a_bare_can_i_borrow_or_a_product_named_first(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("能借吗")
    assert chat.session.flow == "check" and DECLINE not in chat.text
    chat = Chat(engine)
    chat.say("微粒贷我能开吗")
    assert chat.session.flow == "check" and chat.session.check.products == ["weilidai"]


def test_a_plain_ok_mid_check_is_acknowledged_and_answers_nothing(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("帮我看看能不能申请微粒贷")
    chat.say("26")
    pending, answers = chat.pending, dict(chat.session.check.answers)
    chat.say("行 知道了")
    assert chat.text.startswith("好的") and chat.pending == pending
    assert chat.session.check.answers == answers  # 「行」 is no 「能看到入口」


def test_money_to_get_back_beside_another_question_is_met_with_what_to_do(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("交了解冻费还是不放款 我被骗了")
    chat.say("那你是哪个平台的 能帮我追回来吗")
    assert "不是" in chat.text and "110" in chat.text and "96110" in chat.text


def test_english_writers_are_introduced_once_and_scam_help_is_given_in_english_too(engine: Engine) -> None:
    chat = Chat(engine)
    first = chat.say("hello what is this bot").messages[0].text
    second = chat.say("which loans do you cover").messages[0].text
    assert len(second) < len(first) * 0.6 and "WE2000" in second and "not a lender" not in second
    chat.say("is it possible to get the money back")
    assert "110" in chat.text and "96110" in chat.text


def test_a_situation_in_one_message_gets_the_verdict_and_nothing_is_asked_twice(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我27，在成都做销售，一个月六千五，信用卡从没逾期，有台红米，小米贷款能批吗")
    assert "27岁" in chat.text and "月入6500元" in chat.text  # what it understood, said back
    asked = []
    for _ in range(10):
        if chat.pending is None:
            break
        asked.append(chat.pending)
        chat.say(ANSWERS.get(chat.pending, "有"))
    assert not {"age", "student", "monthly_income", "credit", "xiaomi_device"} & set(asked)
    assert "小米贷款" in chat.text and "来源" in chat.text


def test_a_correction_in_words_mid_check_and_after_the_verdict(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check 小米贷款")
    chat.say("不是学生")
    chat.say("25")
    chat.say("不对 我是26")
    assert chat.session.check.answers["age"] == 26 and "26岁" in chat.text
    for _ in range(10):
        if chat.pending is None:
            break
        chat.say(ANSWERS.get(chat.pending, "有"))
    assert chat.session.state == "done"
    chat.say("收入说错了 两千八")
    assert "重新判断" in chat.text and "❌" in chat.text  # under the 3000 line now


def test_the_calculator_takes_bare_numbers_for_its_own_questions(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("帮我算算利息")
    chat.say("10000")
    assert "借多久" in chat.text
    chat.say("12")
    assert "利率" in chat.text and chat.session.calc.get("term_months") == 12


def test_a_question_inside_the_calculator_is_answered_and_the_calculation_kept(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/calc 借1万")
    chat.say("小米贷款上征信吗")
    assert "征信" in chat.text and "借多久" in chat.text
    assert chat.session.flow == "calc" and chat.session.calc.get("amount") == 10000


def test_despair_comes_first_in_any_flow_and_the_flow_is_offered_back(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/calc 借1万")
    chat.say("真的撑不下去了")
    assert "12356" in chat.text and "110" in chat.text
    assert "借多久" not in chat.text and DECLINE not in chat.text
    assert Resume(flow="calc").pack() in chat.ids
    chat.say("嗯")  # accepts what was offered first: help with the debt
    assert "逾期" in chat.text or "协商" in chat.text


def test_at_the_end_of_one_s_strength_beside_a_debt_the_lines_to_call_come_before_the_debt(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("我真的快撑不住了 欠了好几家 每天被催")  # the debt question comes after the person
    assert "12356" in chat.text and DECLINE not in chat.text
    assert engine.want_served("压力好大 有点撑不住") == "act.sad"  # stressed, and met as such


def test_a_scam_already_paid_gets_what_to_do_now(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我转了2000解冻费 还能要回来吗")
    assert "96110" in chat.text and "110" in chat.text and "记录" in chat.text


def test_a_pasted_id_number_is_warned_about_never_echoed_never_kept(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我身份证号110105199001011234 帮我看看能不能借微粒贷")
    assert "不要" in chat.text and "身份证号" in chat.text
    assert "110105199001011234" not in chat.text
    assert "110105199001011234" not in chat.session.dumps()
    assert chat.session.flow == "check"  # and the rest of the message is served


def test_no_credit_check_loans_and_lying_get_the_articles_warnings(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("有没有不看征信的口子")
    assert "诈骗" in chat.text and "来源" in chat.text
    chat.say("我是学生 能勾不是学生吗")
    assert "虚假" in chat.text or "如实" in chat.text


def test_traditional_in_traditional_out_until_a_language_is_chosen(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("微粒貸上徵信嗎")
    assert "徵信" in chat.text and "征信" not in chat.text
    chat.say("那WE2000呢")  # the same in both scripts: the reply stays Traditional
    assert "徵信" in chat.text
    chosen = Chat(engine, Session(locale="zh_CN", locale_chosen=True))
    chosen.say("微粒貸上徵信嗎")
    assert "征信" in chosen.text


def test_an_english_message_gets_an_english_reply_with_topics(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("how can I check my credit report")
    assert "Chinese" in chat.text and chat.session.locale == "en"
    assert "menu:topic:credit" in chat.ids


def test_a_second_fallback_in_a_row_is_worded_differently_and_offers_the_menu(engine: Engine) -> None:
    chat = Chat(engine)
    first = chat.say("公积金怎么提取").messages[0].text
    second = chat.say("社保断缴了咋办").messages[0].text
    assert first != second
    assert "check:start" in chat.ids


def test_a_follow_up_without_a_product_keeps_the_product_in_view(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("WE2000是什么")
    chat.say("上征信吗")
    assert "WE2000" in chat.text and "百行" in chat.text


def test_a_flow_left_for_another_is_offered_back_and_resumed(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check 微粒贷")
    pending = chat.pending
    chat.say("借1万分12期日息万五")
    assert chat.session.flow == "calc" and chat.session.paused == {"check": "asking"}
    assert "继续刚才的自测（第1题）" in [b.label for b in chat.reply.buttons()]
    chat.press(Resume(flow="check").pack())
    assert chat.pending == pending and chat.session.paused == {}


def test_a_comparison_grows_by_a_product_named_after_it(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("小米和微粒贷哪个好")
    assert "对比：小米贷款 / 微粒贷" in chat.text
    chat.say("加个借呗一起比")
    assert "对比：小米贷款 / 微粒贷 / 蚂蚁借呗" in chat.text


def test_the_label_of_a_main_menu_button_typed_out_presses_it_in_any_language(engine: Engine) -> None:
    for typed in ("Can I apply? (self-check)", "can i apply self-check", "我能申请吗？（资格自测）"):
        chat = Chat(engine)
        chat.say(typed)
        assert chat.session.flow == "check" and chat.session.state == "choosing", typed


def test_a_foreigner_asking_in_english_gets_the_requirements_on_identity(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("I have a passport, not a Chinese ID")
    assert engine.kb.entries["req.conditions"].question in chat.text and "大陆居民身份证" in chat.text


def test_a_question_after_an_ok_is_the_question_not_the_ok(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("好吧 助学贷款咋申请")
    assert engine.kb.entries["req.student_aid"].question in chat.text


def test_crying_faces_alone_are_met_as_a_feeling(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("😭😭")
    assert "12356" in chat.text and "暂时答不了" not in chat.text


def test_a_thumbs_up_alone_is_an_ok_and_says_yes_to_the_offer_made(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("👍")
    assert "暂时答不了" not in chat.text
    chat.say("我28 月入一万 有红米")  # offers to check with these facts
    chat.say("👍")
    assert chat.session.flow == "check"


def test_folded_hands_alone_are_thanks(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("🙏")
    assert "不用谢" in chat.text or "不客气" in chat.text or "客气" in chat.text


def test_saying_the_answer_said_nothing_is_a_complaint_met_with_an_apology(engine: Engine) -> None:
    for text in ("你这回答跟没说一样", "这不是我要问的", "你没回答我的问题啊"):
        chat = Chat(engine)
        chat.say(text)
        assert ("抱歉" in chat.text or "对不起" in chat.text) and "暂时答不了" not in chat.text, text


def test_a_follow_up_the_answer_just_read_covers_is_answered_and_said_to_be_that_answer(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("小米贷款被拒了")
    first = chat.text
    chat.say("多久能再申请")
    assert "再贴一次" in chat.text and "您是不是想问" not in chat.text
    assert first.splitlines()[0] in chat.text


def test_someone_offering_to_open_weilidai_for_you_is_met_with_the_scam_signs(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("能不能找人帮我开通微粒贷")
    assert "强开额度" in chat.text and "暂时答不了" not in chat.text


def test_an_english_request_for_the_self_check_starts_it_for_the_product_named(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("can I check if I qualify for xiaomi loan")
    assert chat.session.flow == "check" and chat.session.check.products == ["xiaomi"]
    assert "Question 1" in chat.text


def test_a_fact_stated_in_english_after_the_introduction_is_kept_and_the_check_offered(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("hi, what can you do")
    chat.say("I am 31")
    assert chat.session.profile.get("age") == 31 and "Noted" in chat.text and chat.session.offer == "check"


def test_sadness_in_everyday_words_is_met_warmly_with_the_line_to_call(engine: Engine) -> None:
    for text in ("我好后悔 我老公知道了肯定骂死我 心里堵得慌", "唉 家里也困难 好想哭"):
        chat = Chat(engine)
        chat.say(text)
        assert "12356" in chat.text and "暂时答不了" not in chat.text, text


def test_shame_in_the_middle_of_a_scam_is_met_as_a_scam_victim_not_as_a_debtor(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我在一个app上借钱 说我流水不够要交5000保证金才能放款 我交了 现在还是不放款")
    chat.say("我好后悔 我老公知道了肯定骂死我 心里堵得慌")
    assert "不是你的错" in chat.text and "96110" in chat.text and "12356" in chat.text
    assert "协商延期" not in chat.text  # the advice on debts is not what a scam victim needs
    assert chat.session.concern == "scam_paid"


def test_questions_in_the_middle_of_a_scam_get_their_own_line(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我转了2000解冻费 还是没放款")
    chat.say("那个app我现在要不要删掉")
    assert "先别删" in chat.text and "证据" in chat.text
    chat.say("他们手里有我身份证正反面照片 会不会拿去贷款")
    assert "冒名" in chat.text and "征信" in chat.text


def test_an_english_number_with_a_unit_is_no_age_and_a_legal_rate_question_is_answered(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("hi, what can you do")
    chat.say("is 24 percent apr even legal here")
    assert "age" not in chat.session.profile and "24%" in chat.text and "36%" in chat.text


def test_a_check_says_which_facts_told_its_products_do_not_ask_about(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("微粒贷的利息多少")
    chat.say("我是台灣人 只有台胞證 沒有大陸身分證 能申請嗎")
    assert chat.session.profile.get("mainland_id") is False
    assert "沒有大陸身份證" in chat.text and "沒有寫" in chat.text


def test_asking_whether_a_message_is_real_asks_for_the_message(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("帮我看看这条短信是真的假的")
    assert "粘贴" in chat.text and "暂时答不了" not in chat.text


def test_a_bare_topic_follow_up_shared_by_several_entries_gets_their_overview(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("微粒贷要刷脸吗")
    chat.say("逾期呢")
    assert "逾期会有什么后果" in chat.text and "暂时答不了" not in chat.text


def test_a_debt_told_as_a_burden_is_met_as_a_person_then_with_what_can_be_done(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("欠了八个平台 加起来十二万 工作也没了")
    assert "以贷养贷" in chat.text and "协商" in chat.text and "您是不是想问" not in chat.text


def test_an_offer_to_send_an_id_number_is_declined_and_the_check_offered_instead(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我把身份证照片发你吧")
    assert "别发" in chat.text and "已从记录里隐去" not in chat.text
    assert any("资格自测" in b.label for b in chat.reply.buttons())


def test_a_sum_read_as_a_want_to_calculate_is_worked_out_not_met_with_the_intro(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("借1万分12期 每月手续费1% 实际年化是多少")
    assert "IRR" in chat.text and "例如" not in chat.text


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("征信黑了哪里还能借", "act.black_loan"),
        ("不看大数据的贷款", "act.black_loan"),
        ("any loan app that doesnt check credit", "act.black_loan"),
        ("黑户还有哪能借到钱", "act.black_loan"),
        ("有没有黑户也能下的", "act.black_loan"),
        ("黑户能借微粒贷吗", None),  # whether a record bars a loan: an FAQ question, not a lender sought
        ("无业能写成有工作吗", "act.lying"),
        ("负债能不填吗", "act.lying"),
        ("用家里人的身份证申请行不行", "act.lying"),
        ("他还在催我转钱", "act.scam_ongoing"),
        ("微粒代开通步骤", None),  # a typo of 微粒贷 is no 「代开通」
        ("微粒贷是不是不上征信", None),  # an FAQ question, not a wish for a loan that hides from it
    ],
)
def test_the_moments_that_matter_are_recognised_in_more_words(
    engine: Engine, text: str, want: str | None
) -> None:
    assert engine.want_served(text) == want


def test_an_english_writer_who_feels_down_gets_the_line_to_call_not_the_introduction(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("hi, what can you do")
    chat.say("ok thanks, is there someone i can talk to? i feel really down")
    assert "12356" in chat.text and "I cover" not in chat.text


def test_an_english_question_on_interest_gets_the_rates_answer(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("hi, what can you do")
    chat.say("what about the interest")
    assert "24%" in chat.text or "年化" in chat.text


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("that's not what i asked", "act.complaint"),
        ("which loans do you cover", "act.products"),
        ("can i send you my id number so you can check", "act.identifier"),
        ("can i lie about my income on the application", "act.lying"),
        ("i feel so sad", "act.sad"),
        ("what is the interest on weilidai", None),  # a question, introduced to with its answer
    ],
)
def test_english_messages_are_served_as_what_they_mean(engine: Engine, text: str, want: str | None) -> None:
    assert engine.want_served(text) == want


def test_a_laughing_face_beside_a_question_is_the_question_not_a_laugh(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("小米代款咋样啊 靠普不😂")  # 靠普: 靠谱 mistyped
    assert "小米贷款" in chat.text and "还有什么想问" not in chat.text


def test_shame_in_new_words_after_a_scam_is_met_as_a_victim(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我转了2000解冻费 还是没放款")
    chat.say("我老公知道了会骂死我的 我咋这么蠢")
    assert "不是你的错" in chat.text


def test_lying_defended_as_what_others_do_is_still_met_as_lying(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("那我填不是学生行不行")
    chat.say("室友说他就这么填的 也没事啊")
    assert "不能帮忙" in chat.text and "暂时答不了" not in chat.text


def test_english_questions_get_the_gist_in_english_and_small_talk_beside_a_question_is_no_small_talk(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("can i borrow money with a foreign passport")
    assert "mainland Chinese resident ID card" in chat.text  # the gist in English, then the Chinese answer
    chat.say("ok what about interest")
    assert "Annual rates in the articles" in chat.text
    chat.say("is 30% apr too high")
    assert "24%" in chat.text and "36%" in chat.text
    chat.say("is that normal?")  # no topic of its own: the last one's
    assert "24%" in chat.text


@pytest.mark.parametrize(
    ("message", "entry", "product"),
    [
        ("how much can i borrow from weilidai", "limit.amount", "weilidai"),
        ("what happens if i pay late", "overdue.consequences", None),
        ("is there a fee to pay off the loan early", "repay.early", None),
        ("i can't find weilidai in my wechat wallet", "apply.weilidai_missing", "weilidai"),
        ("how do i apply for xiaomi loan", "apply.xiaomi_how", "xiaomi"),
        ("what is we2000", "about.we2000_what", "we2000"),
        ("will applying hurt my credit score", "credit.inquiry", None),
        ("how old do i have to be for we2000", "req.age", "we2000"),
        ("can students apply for a xiaomi loan", "req.student", "xiaomi"),  # the student, not how to apply
        ("what is 0.05% a day in apr", "rate.daily_to_annual", None),
        ("are debt collectors allowed to call my family", "overdue.collection", None),
        ("how can i increase my weilidai limit", "limit.raise", "weilidai"),  # not the limit itself
        ("my application was declined, when can i apply again", "req.rejected", None),
    ],
)
def test_an_english_question_gets_its_entrys_gist_then_the_chinese_answer(
    engine: Engine, message: str, entry: str, product: str | None
) -> None:
    chat = Chat(engine)
    chat.say(message)
    gist = engine.kb.entries[entry].english
    assert gist and gist in chat.text
    answer = engine.kb.entries[entry].answer_for(product).text
    assert answer in chat.text and chat.text.index(gist) < chat.text.index(answer)


@pytest.mark.parametrize(
    ("message", "want"),
    [
        ("你好 請問你們這裡可以查哪些貸款", "act.products"),
        ("你好 我想测测能不能借", "act.check"),
        ("在吗 我被骗了两千", "act.scammed"),
        ("老师好 我想问哈 我这种跑外卖的能借微粒贷不", "act.check"),
        ("算了 想看看自己有没有资格开微粒贷", "act.check"),
        ("我想借点钱 急用", "act.check"),
        ("你是干啥的啊", "act.help"),
    ],
)
def test_a_greeting_before_a_want_leaves_the_want_to_be_served(
    engine: Engine, message: str, want: str
) -> None:
    assert engine.want_served(message) == want


def test_a_greeting_in_latin_letters_also_says_in_english_what_the_advisor_does(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("hi")
    assert "您好" in chat.text and "English: hi!" in chat.text
    chat.say("你好")  # in Chinese: no English line
    assert "English" not in chat.text


def test_a_greeting_beside_an_english_question_does_not_swallow_it(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("hello, is weilidai legit?")
    assert "WeBank" in chat.text and "微众银行" in chat.text  # the gist, then 微粒贷's own answer
    chat.say("how much interest for 10000 over 12 months?")  # a loan to price, in English
    assert chat.session.flow == "calc" and "12" in chat.text
    chat.say("if i borrow 5000 for 12 months at 20% how much do i pay each month")
    assert "463.17" in chat.text
    chat.say("what about 24 months")  # asked on about the same loan
    assert "254.48" in chat.text
    chat.say("compare weilidai and xiaomi loan")  # two products side by side, in English
    assert chat.session.flow == "compare" and set(chat.session.compare) == {"weilidai", "xiaomi"}


def test_after_hi_an_english_question_is_answered_without_the_introduction_again(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("hi")
    assert "English: hi!" in chat.text
    chat.say("is weilidai safe?")
    assert chat.text.startswith("It depends on the channel") and "Hello! I am loan-advisor" not in chat.text


@pytest.mark.parametrize("heard", ["哦", "。。。", "...", "哦哦 原来如此"])
def test_a_message_that_only_says_it_was_heard_is_met_as_a_yes(engine: Engine, heard: str) -> None:
    assert engine.want_served(heard) == "act.affirm"


def test_question_marks_alone_ask_what_the_advisor_can_do(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("？？？")
    assert "我能做的" in chat.text


@pytest.mark.parametrize(
    ("story", "want"),
    [
        ("对方说我流水不够 让我再存5000进去才能放款 我现在在去银行的路上", "act.scam_ongoing"),
        ("刚有个自称客服的打电话说我征信有问题要处理 还在通话", "act.scam_ongoing"),
        ("他让我转了3000才能放款 结果钱没到 人也联系不上了", "act.scammed"),
        ("我交了会员费 一直没下款", "act.scammed"),
    ],
)
def test_a_scam_told_as_a_story_is_read_as_going_on_or_already_paid(
    engine: Engine, story: str, want: str
) -> None:
    assert engine.want_served(story) == want


@pytest.mark.parametrize("story", ["交了资料 还没下款", "我打了电话 一直没下款", "还了款 钱没到账怎么办"])
def test_waiting_for_a_loan_or_a_repayment_is_no_scam(engine: Engine, story: str) -> None:
    assert engine.want_served(story) not in ("act.scammed", "act.scam_ongoing")


@pytest.mark.parametrize(
    "farewell",
    [
        "遗书都写好了",
        "站在桥上 不知道该不该跳",
        "没人在乎我 我走了也好",
        "信都写给我妈了 今晚过后就不麻烦大家了",
    ],
)
def test_a_farewell_or_a_place_to_jump_is_despair_whatever_the_words(engine: Engine, farewell: str) -> None:
    assert engine.want_served(farewell) == "act.despair"


@pytest.mark.parametrize("ordinary", ["我想跳槽", "申请信写好了吗", "今天过后再说吧"])
def test_ordinary_words_near_those_are_not_despair(engine: Engine, ordinary: str) -> None:
    assert engine.want_served(ordinary) != "act.despair"


@pytest.mark.parametrize(
    ("message", "want"),
    [
        ("贷款平台说要我先买个会员才能放款 在线等 挺急的", "act.scam_ongoing"),
        ("现在有人要我的验证码 说他是微粒贷客服 给不给", "act.scam_ongoing"),
        ("用我身份证查下我有几笔网贷", "act.identifier"),
        ("收到个放款通知 帮我分析下", "act.inspect_prompt"),
        ("88👋", "act.bye"),
    ],
)
def test_wants_the_tenth_sessions_held_out_set_found_missing(engine: Engine, message: str, want: str) -> None:
    """Read after that set was scored (so not scored again): a demand going on, an ID offered for a look-up,
    a message to check announced, a goodbye with an emoji."""
    assert engine.want_served(message) == want


def test_the_held_out_wants_keep_the_figures_they_were_scored_with(engine: Engine) -> None:
    """tests/data/wants_holdout5.jsonl, written before the tenth session's work and scored once at its end
    (`loan-advisor wants`, e8ca40c): 226 of 288 wants recognised (78.5%; the issue asks 95%), none of its 38
    FAQ questions nor 17 out-of-scope ones served as a want."""
    items = read_labelled(Path(__file__).resolve().parents[1] / "data" / "wants_holdout5.jsonl")
    wants = [i for i in items if i.entry and i.entry.startswith("act.")]
    recognised = sum(engine.want_served(i.question) == i.entry for i in wants)
    assert len(wants) == 288 and recognised >= 226
    others = [i for i in items if not (i.entry and i.entry.startswith("act."))]
    assert sum(engine.want_served(i.question) is not None for i in others) == 0
