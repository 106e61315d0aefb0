"""What people say in passing reaches the part that needs it: a loan's figures, an overdue of their own,
the pending question answered beside other facts, the product they were just reading about."""

from __future__ import annotations

from flows.engine import Engine
from tests.flows.chat import Chat


def test_the_pending_question_answered_beside_other_facts(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("为粒贷能借不")
    assert chat.pending == "age"
    chat.say("俺26 送外卖的")  # the age in a clause of its own, a job in the other
    assert chat.session.check.answers["age"] == 26
    assert chat.session.check.answers["student"] is False
    assert chat.pending != "age"


def test_a_personal_overdue_gets_the_penalty_for_those_days_then_for_the_sum(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我已经逾期三天了")
    assert "逾期 3 天的罚息估算" in chat.text and "逾期一两天有影响吗" not in chat.text
    assert "逾期的是多少钱" in chat.text
    chat.say("欠了五千")
    assert "按逾期金额＝5,000元" in chat.text and "¥7.50" in chat.text


def test_a_question_about_the_overdue_is_answered_beside_the_penalty(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我逾期3天了会上征信吗")
    assert "征信" in chat.text and "逾期 3 天的罚息估算" in chat.text


def test_a_loan_asked_after_an_answer_on_one_product_is_priced_by_it(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("WE2000利息多少")
    chat.say("那借2000分3期要还多少")
    assert "WE2000" in chat.text and "利率或费率是多少" not in chat.text
    chat.say("借1万分12期 日息万五")  # a rate typed wins over the product in view
    assert "0.05%" in chat.text


def test_the_loan_worked_out_stays_for_the_questions_about_it(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("借3万 24期")
    chat.say("年化十八")
    assert "1,497" in chat.text
    chat.say("那每个月还多少")
    assert "1,497" in chat.text and "借款成本计算器" not in chat.text
    chat.say("如果我第6个月想一次还清呢")
    assert "提前还款手续费估算" in chat.text and "已还5期" in chat.text
    chat.say("那这个利息合法吗")
    assert "18.00%" in chat.text and "24%" in chat.text


def test_an_early_fee_tried_at_a_percentage(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("微粒贷借了两万 分12期 已经还了6期 现在提前还清要多少钱")
    assert "剩余本金约1万元" in chat.text
    chat.say("剩下一万 按2%算呢")
    assert "¥200.00" in chat.text and "借多久" not in chat.text
    chat.say("那按1%呢")
    assert "¥100.00" in chat.text


def test_putting_it_off_is_a_goodbye_that_keeps_the_door_open(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("小米贷款能借吗")
    chat.say("好吧 那我毕业了再来")
    assert "再来" in chat.text and "第" not in chat.text.split("\n")[0]


def test_a_rough_amount_is_its_lower_end_and_a_quit_leaves(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("想借五六千 分三个月 利息大概多少")
    assert "借 5,000元" in chat.text
    chat.say("那我不借了 算了")
    assert chat.session.flow != "calc" and "接着来" not in chat.text


def test_a_question_the_faq_answers_is_not_taken_for_the_loan_in_view(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("借5000 分3期 日息万五")
    chat.say("逾期会咋样")
    assert "征信" in chat.text and "逾期多少天" not in chat.text
    chat.say("要是我提前还呢")
    assert "提前还款手续费估算" in chat.text


def test_can_i_borrow_a_named_product_is_the_check_in_either_order(engine: Engine) -> None:
    for text in ("我能借小米贷款吗", "小米贷款我能借吗", "我能借小米貸款嗎"):
        chat = Chat(engine)
        chat.say(text)
        assert chat.session.flow == "check" and chat.session.check.products == ["xiaomi"], text
    chat = Chat(engine)
    chat.say("学生能申请微粒贷吗")  # about students, not about me: the FAQ answers it
    assert chat.session.flow != "check"


def test_a_situation_told_over_several_messages_is_kept_and_offered(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("不是学生 今年二十八")
    chat.say("小米贷款上征信吗")  # a question between
    chat.say("不对 我是26")
    assert "26岁" in chat.text and "测一下" in chat.text


def test_loan_figures_after_an_answer_on_rates_are_priced_by_that_product(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("微粒贷利息多少")
    chat.say("借一万的话")
    assert "已记下：微粒贷 · 借 1万元" in chat.text
    chat.say("那分12期呢")
    assert "微粒贷 · 借 1万元 · 12期" in chat.text


def test_a_fee_in_yuan_is_priced_as_the_cost_of_the_loan(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("借5000 一个月 手续费300 合适吗")
    assert "72.00%" in chat.text and "利率或费率是多少" not in chat.text


def test_an_overdue_told_by_a_scammer_or_of_a_friend_is_no_overdue_of_ones_own(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("客服说我逾期三天了 让我先转500解冻")
    assert "诈骗" in chat.text and "罚息估算" not in chat.text
    chat = Chat(engine)
    chat.say("我朋友逾期三天了 会怎样")
    assert "逾期的是多少钱" not in chat.text


def test_a_scam_told_in_the_scammers_words_is_kept_in_mind(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("客服说我逾期三天了 让我先转500解冻")
    assert chat.session.concern == "scam"
    chat.say("那我真的逾期了吗")
    assert "诈骗" in chat.text and "暂时答不了" not in chat.text


def test_a_figure_said_to_be_unknown_is_said_back_and_not_asked_later(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我想看看自己能不能借微粒贷")
    chat.say("26")
    chat.say("支付分不知道")
    assert "支付分不清楚" in chat.text
    assert chat.session.check.answers["wechat_pay_score"] is None  # skipped, not asked again


def test_facts_told_after_a_products_result_judge_that_product_again(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("WE2000我能开不")
    chat.say("39")  # the result: WE2000's only criterion that can be checked
    chat.say("借了会上征信吗")  # a side question moves on to the FAQ
    chat.say("身份证有 支付分好像650")
    assert "按新的信息重新判断" in chat.text and "WE2000" in chat.text
    assert "要我用这些信息测一下" not in chat.text


def test_a_sum_asked_in_a_one_product_check_is_priced_by_it_and_a_short_answer_then_resumes_the_check(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("我今年23 刚毕业在深圳做设计 月薪九千 信用卡没逾期过 用的小米13 想借小米贷款买电脑 能批吗")
    asked = chat.pending
    chat.say("要是批了 借8000分6期每个月还多少")
    assert "小米贷款 · 借 8,000元 · 6期" in chat.text
    assert any("继续刚才的自测" in b.label for b in chat.reply.buttons())
    chat.say("有")  # the answer to the check's question, not a message to decline
    assert chat.session.flow == "check" and chat.session.check.answers[asked] is True
    assert "暂时答不了" not in chat.text


def test_a_bare_sum_while_choosing_what_to_check_is_the_sum_to_borrow(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我想借钱")
    assert chat.session.flow == "check"
    chat.say("5000")  # no question of the check was asked yet: what they want to borrow
    assert "借 5,000元" in chat.text and "暂时答不了" not in chat.text


def test_a_due_date_with_not_enough_money_is_met_and_answered(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("小米贷款明天到期 钱不够")
    assert "还不上了怎么办" in chat.text and "您是不是想问" not in chat.text
