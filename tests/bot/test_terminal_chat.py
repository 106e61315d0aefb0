"""The terminal chat, end to end: a real ``loan-advisor chat`` process fed one user turn per line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.terminal import chat, read_turn, render
from flows.engine import build_engine
from flows.reply import Button, Reply

ANSWERS = [
    "不是",
    "我今年二十五了",
    "能看到入口",
    "有",
    "征信有逾期但已经还清了",
    "8k",
    "用的华为",
    "在小米商城买过耳机",
    "开通了",
    "每个月刷两三千",
    "天天用",
    "六百五",
]


def run_cli(command: str, lines: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env["DATA_DIR"] = str(tmp_path)  # the unanswered log goes here, not into the working tree
    return subprocess.run(
        [sys.executable, "-m", "bot", command],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,  # no .env from the developer's checkout
        env=env,
    )


def test_chat_runs_the_self_check_end_to_end(tmp_path: Path) -> None:
    # "1" presses the first button of the menu; 「全部都测」 presses a button by its label
    result = run_cli("chat", ["1", "全部都测", *ANSWERS], tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] 我能申请吗？（资格自测）" in out
    assert "第1题：您现在是在校学生吗？" in out
    assert "小米贷款：" in out and "微粒贷：" in out and "WE2000：" in out
    assert "来源：" in out
    assert "不是贷款机构的审批结论" in out
    assert "<b>" not in out  # plain text, no HTML


def test_chat_answers_a_question_and_survives_nonsense(tmp_path: Path) -> None:
    result = run_cli("chat", ["小米贷款上征信吗？", "/nonsense", "99", "退出"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "来源：" in result.stdout
    assert "/help" in result.stdout
    assert "Traceback" not in result.stderr


def test_chat_computes_a_loan_and_compares_two_products(tmp_path: Path) -> None:
    lines = ["/calc 借1万分12期，日利率0.05%", "1", "小米贷款和微粒贷哪个利息低"]
    result = run_cli("chat", lines, tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # 10,000 at 0.05% a day (18.25% a year on actual days, 18.25/12 % a month) over 12 months
    assert "每期还 ¥917.99" in out
    assert "真实年化（IRR）18.25%" in out and "24%" in out and "36%" in out
    assert "12 917.99" in out  # "1" pressed 还款计划与明细: the whole schedule down to period 12
    assert "对比：小米贷款 / 微粒贷" in out and "各来源说法不一" in out


def test_chat_ranks_the_products_for_which_is_cheapest_in_one_reply(tmp_path: Path) -> None:
    result = run_cli("chat", ["借一万 三个月 哪个最便宜", "退出"], tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "按各文章的利率估算总利息" in out
    assert "1. " in out and "2. " in out  # ranked
    assert "区间重叠，说不准谁更便宜" in out  # the articles' ranges overlap: the honest conclusion
    assert "额度不够：WE2000" in out
    assert "来源：" in out
    assert "利率或费率是多少" not in out  # never asked for a rate


def test_run_without_a_token_starts_the_terminal_chat(tmp_path: Path) -> None:
    result = run_cli("run", ["/help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "/check" in result.stdout


def test_buttons_are_numbered_across_the_reply() -> None:
    reply = Reply().add("a", [[Button(id="x:1", label="一")]]).add("b", [[Button(id="x:2", label="二")]])
    assert render(reply) == "a\n[1] 一\n\nb\n[2] 二"


def test_a_number_or_label_presses_a_button_and_other_text_is_typed() -> None:
    buttons = [Button(id="check:start", label="自测"), Button(id="menu:topics", label="常见问题")]
    assert read_turn("2", buttons).text == "menu:topics"
    assert read_turn("常见问题", buttons).kind == "button"
    assert read_turn("3", buttons).kind == "text"  # no third button: it is an answer such as an age
    assert read_turn("/help", buttons).kind == "command"


def test_forget_starts_a_fresh_session_in_process() -> None:
    out = io.StringIO()
    chat(build_engine(), ["/check", "全部都测", "/forget", "跳过"], out)
    text = out.getvalue()
    assert "已删除" in text
    assert "现在没有要回答的问题" in text  # the check was forgotten with the session
