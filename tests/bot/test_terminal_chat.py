"""The terminal chat, end to end: a real ``loan-advisor chat`` process fed one user turn per line."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.terminal import chat, read_turn, render, styled_text, wants_style
from flows.engine import build_engine
from flows.reply import Button, Reply

pytestmark = pytest.mark.slow  # starts `loan-advisor chat` processes

ROOT = Path(__file__).resolve().parents[2]
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
    env["LOAN_ADVISOR_DATA_DIR"] = str(tmp_path)  # the unanswered log goes here, not into the work tree
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


# --- in a terminal: line editing, history, emphasis -------------------------------------------------

#: answered by one entry with one source line (「微粒贷利息多少」 is answered with its sibling, the true cost:
#: two source lines would count as two answers)
QUESTION = "微粒贷额度多少"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
UP, BACKSPACE, ENTER = "\x1b[A", "\x7f", "\r"


class Terminal:
    """``loan-advisor chat`` on a pseudo-terminal of 100×40, typed into key by key, read back as a screen
    would show it. It answers the cursor-position requests a real terminal answers."""

    def __init__(self, data_dir: Path, cwd: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LOAN_ADVISOR_"))}
        env.update(TERM="xterm-256color", LOAN_ADVISOR_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
        env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat", "--no-greeting"],
            stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self.raw = b""
        self.positions_told = 0

    @property
    def screen(self) -> str:
        """Everything shown so far, terminal codes removed."""
        return ANSI.sub("", self.raw.decode("utf-8", errors="replace")).replace("\r", "")

    def read_until(self, condition: Callable[[], bool], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; the screen shows:\n{self.screen[-2000:]}")
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the process ended
                return
            self.raw += chunk
            while self.positions_told < self.raw.count(b"\x1b[6n"):  # "where is the cursor?"
                os.write(self.master, b"\x1b[1;1R")
                self.positions_told += 1

    def prompted(self, times: int) -> None:
        """Wait for the ``times``-th prompt (each one switches bracketed paste on as it opens)."""
        self.read_until(lambda: self.raw.count(b"\x1b[?2004h") >= times)

    def recall(self) -> None:
        """Press ↑ and wait until the recalled line is drawn."""
        shown = self.screen.count(QUESTION)
        self.type(UP)
        self.read_until(lambda: self.screen.count(QUESTION) > shown)

    def type(self, keys: str) -> None:
        """Type one key at a time, as a person does; a key's escape sequence arrives whole, as a terminal
        sends it (split, it could read as a lone Esc)."""
        for key in re.findall(r"\x1b\[[0-9;]*[A-Za-z~]|.", keys, flags=re.S):
            os.write(self.master, key.encode())
            time.sleep(0.01)

    def close(self) -> int:
        """End the chat with Ctrl-D on an empty line; returns its exit status (-9: it had to be killed)."""
        try:
            # between two prompts the terminal is in line mode, where Ctrl-D would not reach the chat
            self.read_until(lambda: self.raw.rfind(b"\x1b[?2004h") > self.raw.rfind(b"\x1b[?2004l"), 20)
            os.write(self.master, b"\x04")
            self.read_until(lambda: self.process.poll() is not None, timeout=20)
        except AssertionError:  # let the test's own failure, if any, be the one reported
            self.process.kill()
        os.close(self.master)
        return self.process.wait(timeout=10)


def answers(terminal: Terminal) -> int:
    return terminal.screen.count("来源：")


def kept(data_dir: Path) -> list[str]:
    path = data_dir / "chat_history.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_in_a_terminal_backspace_edits_chinese_and_arrow_up_recalls_the_last_line(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    terminal = Terminal(data_dir, tmp_path)
    try:
        terminal.prompted(1)
        terminal.type(QUESTION + "钱X" + BACKSPACE * 2 + ENTER)  # two keys erase two characters, not bytes
        terminal.read_until(lambda: answers(terminal) >= 1)
        assert kept(data_dir) == [QUESTION]
        terminal.prompted(2)
        terminal.recall()  # the last line comes back…
        terminal.type(ENTER)  # …and is asked again
        terminal.read_until(lambda: answers(terminal) >= 2)
        assert kept(data_dir) == [QUESTION]  # the same line twice in a row is kept once
        assert "\x1b[1m" in terminal.raw.decode()  # the answer's heading in bold on a terminal
    finally:
        status = terminal.close()
    assert status == 0 and "Traceback" not in terminal.screen


def test_the_history_outlives_the_chat_keeps_no_private_numbers_and_forget_erases_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = Terminal(data_dir, tmp_path)
    try:
        first.prompted(1)
        first.type(QUESTION + ENTER)
        first.read_until(lambda: answers(first) >= 1)
        first.prompted(2)
        first.type("我的手机号13812345678" + ENTER)  # private: answered, never written down
        first.prompted(3)
    finally:
        assert first.close() == 0
    assert kept(data_dir) == [QUESTION]
    assert (data_dir / "chat_history.jsonl").stat().st_mode & 0o077 == 0  # the owner's eyes only

    second = Terminal(data_dir, tmp_path)
    try:
        second.prompted(1)
        second.recall()  # yesterday's question, recalled in a new chat
        second.type(ENTER)
        second.read_until(lambda: answers(second) >= 1)
        second.prompted(2)
        second.type("/privacy" + ENTER)
        second.read_until(lambda: "↑ 键找回" in second.screen)  # /privacy says the history exists
        second.prompted(3)
        second.type("/forget" + ENTER)
        second.read_until(lambda: "已删除" in second.screen)
        second.prompted(4)
        assert not (data_dir / "chat_history.jsonl").exists()
    finally:
        assert second.close() == 0


def test_piped_output_is_plain_text_without_terminal_codes(tmp_path: Path) -> None:
    result = run_cli("chat", ["/check", "全部都测", *ANSWERS], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "✅" in result.stdout or "❔" in result.stdout or "❌" in result.stdout  # a verdict was shown
    assert "\x1b[" not in result.stdout and "<b>" not in result.stdout
    assert not (tmp_path / "chat_history.jsonl").exists()  # a script's lines are not history


def test_styled_text_puts_headings_in_bold_and_each_verdict_in_its_colour() -> None:
    text = styled_text("<b>小米贷款</b>：✅ 符合\n<b>微粒贷</b>：❌ 不符合\n<i>仅供参考</i> &lt;b&gt;")
    assert text.splitlines() == [
        "\x1b[1m小米贷款\x1b[22m：\x1b[32m✅ 符合\x1b[39m",
        "\x1b[1m微粒贷\x1b[22m：\x1b[31m❌ 不符合\x1b[39m",
        "\x1b[3m仅供参考\x1b[23m <b>",  # typed text that looks like a tag stays text
    ]
    plain = render(Reply().add("<b>标题</b>", [[Button(id="a:1", label="一")]]), styled=False)
    assert plain == "标题\n[1] 一"


def test_colour_only_on_a_terminal_and_never_with_no_color_or_a_dumb_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Screen(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert wants_style(Screen()) and not wants_style(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_style(Screen())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not wants_style(Screen())
