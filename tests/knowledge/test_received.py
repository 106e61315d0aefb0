"""Telling a pasted message (to check) from a typed question (to answer): looks_like_received_message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.inspection import looks_like_received_message
from knowledge.inspection.evaluate import read_messages

ROOT = Path(__file__).resolve().parents[2]


def _questions(pattern: str, folder: Path) -> list[str]:
    return [
        json.loads(line)["question"]
        for path in sorted(folder.glob(pattern))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


@pytest.mark.parametrize(
    "name", ["scam_messages.yaml", "scam_messages3.yaml", "scam_messages4.yaml", "scam_messages5.yaml"]
)
def test_every_labelled_message_is_recognised_as_received(name: str) -> None:
    # scam_messages3 missed three single chat lines (「小陈（微粒贷官方）：…」) until one speaker line
    # counted; scam_messages4 two (an ad whose only contact is 「v：wld8866」, a 预缴 tax no sign read)
    messages = read_messages(ROOT / "tests" / "data" / name)
    missed = [m.id for m in messages if not looks_like_received_message(m.text)]
    assert missed == []


@pytest.mark.parametrize(
    ("folder", "pattern"),
    [(ROOT / "knowledge" / "data" / "examples", "*.jsonl"), (ROOT / "tests" / "data", "faq_*.jsonl")],
    ids=["examples", "report sets"],
)
def test_typed_questions_are_not_taken_for_received_messages(folder: Path, pattern: str) -> None:
    questions = _questions(pattern, folder)
    assert len(questions) > 1000
    taken = [q for q in questions if looks_like_received_message(q)]
    assert len(taken) <= len(questions) // 1000, taken[:10]  # at most one in a thousand


@pytest.mark.parametrize(
    "text",
    [
        # probe round 28 (tenth session): styles no labelled set had, three of them not taken at first
        "请在手机上搜“云视讯”下载，输入房间号883201，我们的风控专员会带您一步步把额度解冻",
        "专业办理大额信用贷，有社保的就给批，征信差的也有办法，审批不过分文不取",
        "额度给您保留到今晚12点，过了系统自动释放给下一位客户，您这边抓紧把保证金交一下",
        # round 29: a call transcribed without punctuation, a reply under a post, a first-person ad, a
        # link sent
        "喂你好我这边是京东金融的工作人员 看到您之前开通了京东金条的学生身份 需要您配合注销 "
        "您现在方便打开一下手机的共享功能吗",
        "回复 @小王：私我，有渠道，征信花了也能批，就是要收点前期的茶水费",
        "本人建行信贷部员工，可以帮你走内部流程，征信有逾期也没事，额度最高30万",
        "这个活动在官方APP里看不到，你点我发的这个小程序「微粒贷福利站」领取额度",
        # round 31: an instruction to the reader, an ad's 「当天出额度」
        "为了确保操作正确，请下载“小鱼易连”，我这边给您演示如何关闭金条，不关会一直扣费",
        "无需看信用记录，有没有逾期都可以办，当天出额度",
        # an app's push notice, a chat stamped with its times, a notice in English: no sign needed
        "招商银行 · 刚刚\n您尾号8812的信用卡本期账单已出，应还3,256.70元，可在掌上生活App还款。",
        "[14:20] 贷款经理-陈：张先生，您的经营贷明天上午放款\n[14:21] 我：好的谢谢",
        "Your loan repayment of 1,050.00 is due on Dec 20. Please keep enough balance for auto-debit.",
    ],
)
def test_pushes_stamped_chats_and_english_notices_are_taken_for_received_messages(text: str) -> None:
    assert looks_like_received_message(text)


@pytest.mark.parametrize(
    "question",
    [
        "客服说我银行卡号填错了要交解冻费才能放款，是真的吗",
        "有人加我微信说不看征信包下款，可信吗？",
        "微粒贷利息多少",
        "【微粒贷】是什么意思",
        # told without a question mark, by the one it happened to (「…私信我」「…让我加他」)
        "有人在抖音私信我 说可以低息借5万 现在让我加他的企业微信",
        "那個專員叫我加QQ 說在QQ上才能辦",
    ],
)
def test_a_story_retold_as_a_question_is_a_question(question: str) -> None:
    assert not looks_like_received_message(question)


def test_half_a_surrogate_pair_from_telegram_is_read_not_raised() -> None:
    # Telegram's JSON can carry a lone surrogate; the adapter asks before the engine cleans the turn
    assert looks_like_received_message("【微粒贷】请缴纳解冻金\ud83d，加QQ 12345678，30分钟内处理")
    assert not looks_like_received_message("微粒贷利息多少\ud800")
