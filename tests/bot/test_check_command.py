"""``loan-advisor check``: verdicts for a JSON profile, the same as the dialogue gives."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from flows.engine import build_engine
from flows.reply import plain_text
from flows.session import Session
from tests.bot.users import GOOD_PROFILE
from tests.flows.chat import Chat

pytestmark = pytest.mark.slow  # starts `loan-advisor check` processes

PROFILES: list[dict[str, Any]] = [
    GOOD_PROFILE,
    {"age": 20, "student": True, "credit": "clean"},
    {
        "age": 58,
        "mainland_id": True,
        "student": False,
        "credit": "settled_overdue",
        "monthly_income": 12000,
        "xiaomi_device": False,
        "wechat_wallet_entry": False,
        "wechat_pay_score": 550,
    },
    {"age": 35, "credit": "current_overdue"},
    {},
]


def check(profile: object, *args: str) -> subprocess.CompletedProcess[str]:
    raw = profile if isinstance(profile, str) else json.dumps(profile)
    return subprocess.run(
        [sys.executable, "-m", "bot", "check", *args], input=raw, capture_output=True, text=True, timeout=60
    )


def dialogue_verdicts(profile: dict[str, Any]) -> dict[str, str]:
    """Walk the self-check for every product, answering from ``profile`` (missing keys skipped)."""
    chat = Chat(build_engine(), Session())
    chat.say("/check")
    chat.press("check:product:all")
    while chat.pending is not None:
        key = chat.pending
        value = profile.get(key)
        if value is None:
            chat.say("跳过")
        elif key == "credit":
            chat.press(f"check:answer:credit:{value}")
        elif isinstance(value, bool):
            chat.say(("是" if value else "不是") if key == "student" else ("有" if value else "没有"))
        else:
            chat.say(str(value))
    labels = {"✅": "eligible", "❔": "uncertain", "❌": "ineligible"}
    names = {"小米贷款": "xiaomi", "微粒贷": "weilidai", "WE2000": "we2000"}
    found = {}
    for message in chat.reply.messages:
        head = plain_text(message.text).splitlines()[0]
        name, _sep, verdict = head.partition("：")
        if name in names:
            found[names[name]] = labels[verdict[:1]]
    return found


@pytest.mark.parametrize("profile", PROFILES)
def test_check_json_agrees_with_the_dialogue(profile: dict[str, Any]) -> None:
    result = check(profile, "--json")
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout)["results"]
    from_cli = {r["product"]: r["verdict"] for r in results}
    assert set(from_cli) == {"xiaomi", "weilidai", "we2000"}
    assert from_cli == dialogue_verdicts(profile)


def test_json_output_has_reasons_with_sources() -> None:
    result = check(PROFILES[1], "--json")
    xiaomi = next(r for r in json.loads(result.stdout)["results"] if r["product"] == "xiaomi")
    assert xiaomi["verdict"] == "ineligible"
    failing = [r for r in xiaomi["reasons"] if r["outcome"] == "fail"]
    assert failing and all(r["sources"] and r["text"] for r in failing)


def test_a_complete_good_profile_is_eligible_where_every_requirement_was_asked() -> None:
    results = {r["product"]: r for r in json.loads(check(PROFILES[0], "--json").stdout)["results"]}
    assert results["xiaomi"]["verdict"] == "eligible" and results["xiaomi"]["notes"]
    # 微粒贷: one stated requirement (no abnormal logins) cannot be asked, so it is named, never green
    weilidai = results["weilidai"]
    assert (weilidai["verdict"], weilidai["uncertainty"]) == ("uncertain", ["unchecked"])
    assert [r["outcome"] for r in weilidai["reasons"]].count("unchecked") == 1
    # WE2000: its pay-score requirement has no published threshold
    assert (results["we2000"]["verdict"], results["we2000"]["uncertainty"]) == ("uncertain", ["unpublished"])


def test_products_can_be_chosen() -> None:
    result = check({"age": 30}, "--json", "--products", "we2000")
    assert [r["product"] for r in json.loads(result.stdout)["results"]] == ["we2000"]


def test_without_json_a_readable_summary_is_printed() -> None:
    result = check(PROFILES[1])
    assert result.returncode == 0
    assert "小米贷款" in result.stdout and "来源：" in result.stdout
    assert "不是贷款机构的审批结论" in result.stdout


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{age", "JSON"),
        ("[1, 2]", "JSON"),
        ('{"age": 130}', "age"),
        ('{"monthly_income": -1}', "monthly_income"),
        ('{"wechat_pay_score": 900}', "wechat_pay_score"),
        ('{"credit": "bad"}', "credit"),
        ('{"age": "25"}', "age"),
        ('{"phone": "13800000000"}', "phone"),
    ],
)
def test_bad_input_is_a_clear_error_and_a_nonzero_exit(raw: str, message: str) -> None:
    result = check(raw, "--json")
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_an_unknown_product_is_refused() -> None:
    result = check({}, "--json", "--products", "nosuch")
    assert result.returncode != 0 and "nosuch" in result.stderr
