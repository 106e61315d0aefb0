"""The verdict rules of the self-check on the shipped criteria, each with profiles on both sides of it.

For every case the rules (:func:`knowledge.eligibility.evaluate`), ``loan-advisor check --json`` and the
dialogue reach the same verdict; where the FAQ answers the same question (「学生能申请微粒贷吗」), its
answer concludes what the self-check concludes from the same criteria.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from bot.cli import main
from flows.engine import Engine, build_engine
from flows.reply import plain_text
from flows.session import Session
from knowledge.base import default
from knowledge.eligibility import EligibilityProfile, evaluate, key_verdict
from tests.bot.users import GOOD_PROFILE
from tests.flows.chat import Chat

#: a profile that meets every requirement the self-check asks, aged 30
GOOD: dict[str, Any] = {**GOOD_PROFILE, "age": 30}

#: (rule, product, changes to GOOD, verdict, what makes it uncertain)
CASES: list[tuple[str, str, dict[str, Any], str, list[str]]] = [
    ("every stated requirement known and met", "xiaomi", {}, "eligible", []),
    ("silence about an upper age limit is no contradiction", "xiaomi", {"age": 61}, "ineligible", []),
    ("silence about an upper age limit is no contradiction", "xiaomi", {"age": 62}, "ineligible", []),
    ("articles that disagree on this age", "xiaomi", {"age": 58}, "uncertain", ["conflict"]),
    ("articles that agree on this age", "xiaomi", {"age": 55}, "eligible", []),
    ("a stated requirement that clearly fails", "xiaomi", {"student": True}, "ineligible", []),
    ("a stated requirement that clearly fails", "xiaomi", {"mainland_id": False}, "ineligible", []),
    (
        "one article's only requirement fails, the others are silent",
        "xiaomi",
        {"wechat_pay_bound": False},
        "ineligible",
        [],
    ),
    (
        "must in one article, a plus in another",
        "xiaomi",
        {"xiaomi_purchases": False},
        "uncertain",
        ["conflict"],
    ),
    ("must in one article, usual in another", "xiaomi", {"xiaomi_device": False}, "uncertain", ["conflict"]),
    ("a skipped answer", "xiaomi", {"xiaomi_purchases": None}, "uncertain", ["unknown"]),
    (
        "a repaid overdue as 征信良好 is our reading",
        "xiaomi",
        {"credit": "settled_overdue"},
        "uncertain",
        ["ours", "soft_fail"],
    ),
    ("a current overdue clearly fails 征信良好", "xiaomi", {"credit": "current_overdue"}, "ineligible", []),
    ("a threshold no article published", "we2000", {}, "uncertain", ["unpublished"]),
    (
        "a threshold no article published, whatever else",
        "we2000",
        {"credit": "current_overdue", "wechat_pay_score": 350, "monthly_income": 0},
        "uncertain",
        ["unpublished"],
    ),
    ("a stated age limit", "we2000", {"age": 41}, "ineligible", []),
    ("a requirement nobody can answer is named, never green", "weilidai", {}, "uncertain", ["unchecked"]),
    (
        "not invited: no 微粒贷 entry in the wallet",
        "weilidai",
        {"wechat_wallet_entry": False},
        "ineligible",
        [],
    ),
    (
        "a repaid overdue as 征信良好 is our reading",
        "weilidai",
        {"credit": "settled_overdue"},
        "uncertain",
        ["ours", "unchecked"],
    ),
    ("a current overdue clearly fails 征信良好", "weilidai", {"credit": "current_overdue"}, "ineligible", []),
    (
        "monthly WeChat Pay spending below the stated floor",
        "weilidai",
        {"wechat_pay_monthly": 1999},
        "ineligible",
        [],
    ),
    (
        "monthly WeChat Pay spending at the stated floor",
        "weilidai",
        {"wechat_pay_monthly": 2000},
        "uncertain",
        ["unchecked"],
    ),
    ("a pay score below the refusal line", "weilidai", {"wechat_pay_score": 499}, "ineligible", []),
    (
        "a pay score between the article's two lines",
        "weilidai",
        {"wechat_pay_score": 550},
        "uncertain",
        ["soft_fail", "unchecked"],
    ),
    ("being a student decides nothing for 微粒贷", "weilidai", {"student": True}, "uncertain", ["unchecked"]),
    (
        "no mainland ID card decides nothing for 微粒贷",
        "weilidai",
        {"mainland_id": False},
        "uncertain",
        ["unchecked"],
    ),
]
IDS = [f"{product}-{rule}-{sorted(changes.items())}" for rule, product, changes, _v, _u in CASES]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return build_engine()


def profile_of(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in {**GOOD, **changes}.items() if v is not None}


@pytest.mark.parametrize(("rule", "product", "changes", "verdict", "kinds"), CASES, ids=IDS)
def test_each_rule_gives_its_verdict(
    rule: str, product: str, changes: dict[str, Any], verdict: str, kinds: list[str]
) -> None:
    (result,) = evaluate(default(), EligibilityProfile(**profile_of(changes)), [product])
    assert (result.verdict, result.uncertainty) == (verdict, kinds), rule


@pytest.mark.parametrize(("rule", "product", "changes", "verdict", "kinds"), CASES, ids=IDS)
def test_check_json_gives_the_same_verdict(
    rule: str,
    product: str,
    changes: dict[str, Any],
    verdict: str,
    kinds: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(profile_of(changes))))
    assert main(["check", "--json", "--products", product]) == 0
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert (result["verdict"], result["uncertainty"]) == (verdict, kinds), rule


def dialogue_verdict(engine: Engine, product: str, profile: dict[str, Any]) -> tuple[str, str]:
    """Walk the self-check for one product, answering from ``profile`` (missing keys skipped)."""
    chat = Chat(engine, Session())
    chat.say("/check")
    chat.press(f"check:product:{product}")
    while chat.pending is not None:
        key = chat.pending
        value = profile.get(key)
        if value is None:
            chat.say("跳过")
        elif isinstance(value, bool):
            chat.press_id(f"check:answer:{key}:{'yes' if value else 'no'}")
        elif isinstance(value, str):
            chat.press_id(f"check:answer:{key}:{value}")
        else:
            chat.say(str(value))
    name = default().product_name(product) + "："
    heads = [plain_text(m.text).splitlines()[0] for m in chat.reply.messages]
    (head,) = [h for h in heads if h.startswith(name)]
    labels = {"✅": "eligible", "❔": "uncertain", "❌": "ineligible"}
    return labels[head.partition("：")[2][:1]], head


@pytest.mark.parametrize(("rule", "product", "changes", "verdict", "kinds"), CASES, ids=IDS)
def test_the_dialogue_gives_the_same_verdict_and_says_why_in_plain_words(
    engine: Engine, rule: str, product: str, changes: dict[str, Any], verdict: str, kinds: list[str]
) -> None:
    found, head = dialogue_verdict(engine, product, profile_of(changes))
    assert found == verdict, (rule, head)
    words = {
        "conflict": "文章之间说法不一",
        "unpublished": "文章没给出分数线",
        "ours": "这是我们的理解",
        "unknown": "有问题没有回答",
        "unchecked": "核对不了",
    }
    for kind in kinds:
        if kind in words:
            assert words[kind] in head, (rule, head)


def test_the_dialogue_never_says_it_checked_what_it_did_not_ask(engine: Engine) -> None:
    chat = Chat(engine, Session())
    chat.say("/check")
    chat.press("check:product:weilidai")
    while chat.pending is not None:
        key = chat.pending
        value = GOOD[key]
        chat.press_id(f"check:answer:{key}:{'yes' if value else 'no'}") if isinstance(value, bool) else (
            chat.press_id(f"check:answer:{key}:{value}") if isinstance(value, str) else chat.say(str(value))
        )
    text = chat.text
    assert "没有核对「账户没有异常登录记录" in text
    assert "符合「账户没有异常登录记录" not in text
    assert "✅" not in text


# --- the FAQ concludes what the self-check concludes ----------------------------------------------------

#: a question people ask, the product and the one fact it is about
FAQ_CASES: list[tuple[str, str, str, Any]] = [
    ("学生能申请微粒贷吗", "weilidai", "student", True),
    ("学生能申请小米贷款吗", "xiaomi", "student", True),
    ("大学生能借WE2000吗", "we2000", "student", True),
    ("61岁还能借小米贷款吗", "xiaomi", "age", 61),
    ("WE2000年龄要求多少", "we2000", "age", 41),
    ("微信里找不到微粒贷入口怎么办", "weilidai", "wechat_wallet_entry", False),
    ("没有小米手机能借小米贷款吗", "xiaomi", "xiaomi_device", False),
    ("WE2000要多少支付分", "we2000", "wechat_pay_score", 700),
    ("月收入不到3000能借小米贷款吗", "xiaomi", "monthly_income", 2999),
]


@pytest.mark.parametrize(("question", "product", "key", "value"), FAQ_CASES)
def test_the_faq_answer_concludes_what_the_self_check_does(
    engine: Engine, question: str, product: str, key: str, value: Any
) -> None:
    kb = default()
    chat = Chat(engine, Session())
    chat.say(question)
    entry = kb.entries[chat.session.faq.entry_id or ""]
    shown = entry.answer_for(chat.session.faq.product)
    assert shown.text.split("。")[0] in chat.text  # the answer the person reads
    concluded = [
        c.verdict
        for c in shown.concludes
        if (c.product or shown.product) == product
        and c.key == key
        and type(c.value) is type(value)
        and c.value == value
    ]
    assert concluded, f"{entry.id} ({shown.product}) states no conclusion on {key} = {value!r} for {product}"
    reached = key_verdict(kb, product, key, value)  # type: ignore[arg-type]
    assert concluded == [reached]
    (alone,) = evaluate(kb, EligibilityProfile(**{key: value}), [product])
    assert (alone.verdict == "ineligible") == (reached == "ineligible")
    opening = shown.text[:12]
    if reached == "ineligible":
        assert "不能" in shown.text or "不符合" in shown.text or "开通不了" in shown.text
    if reached == "open":
        assert not opening.startswith(("不能", "基本不能")), opening
