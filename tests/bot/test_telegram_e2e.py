"""The advisor on Telegram, end to end and offline: real engine, real Application, real stores, the stand-in.

Each scenario plays users through the stand-in Bot API server and checks what their phones would show:
the whole eligibility self-check, an FAQ exchange, a digression in the middle of the self-check,
``/forget``, a restart in the middle of a flow, two bot processes sharing one Redis behind one webhook,
and the command line's answers to a missing or wrong token.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.storage import SessionStore, open_store
from bot.telegram.adapter import Engine
from tests.bot.conftest import env_for_process, free_port, running_bot, wait_port
from tests.bot.standin import BotApiStandIn, Event
from tests.bot.users import ANSWERS

ROOT = Path(__file__).resolve().parents[2]

def question_number(text: str) -> int | None:
    match = re.search(r"第(\d+)题", text)
    return int(match.group(1)) if match else None


def last_question(standin: BotApiStandIn, chat: int) -> str:
    for event in reversed(standin.chat_events(chat)):
        if question_number(event.text) is not None:
            return event.text
    raise AssertionError(f"no question in chat {chat}:\n{standin.transcript(chat)}")


async def answer_current_question(standin: BotApiStandIn, chat: int) -> list[Event]:
    """Answer the question on screen the way :data:`ANSWERS` says."""
    question = last_question(standin, chat)
    for topic, (how, value) in ANSWERS.items():
        if topic in question:
            return await (standin.tap(chat, value) if how == "tap" else standin.say(chat, value))
    raise AssertionError(f"the test has no answer for: {question}")


async def run_self_check(standin: BotApiStandIn, chat: int, max_questions: int = 12) -> list[int]:
    """From the product choice to the verdict; returns the question numbers seen, in order."""
    await standin.tap(chat, "小米贷款")
    numbers = [question_number(last_question(standin, chat))]
    for _ in range(max_questions):
        events = await answer_current_question(standin, chat)
        if any("不是贷款机构的审批结论" in e.text for e in events):
            return [n for n in numbers if n is not None]
        numbers.append(question_number(events[-1].text))
    raise AssertionError(f"the self-check never ended:\n{standin.transcript(chat)}")


@pytest.fixture
def store(sqlite_url: str) -> SessionStore:
    return open_store(sqlite_url, ttl_seconds=3600)


async def test_the_whole_eligibility_self_check(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, real_engine, store):
        welcome = await standin.say(1, "/start")
        assert "不是贷款机构" in welcome[0].text  # says plainly what it is not
        await standin.tap(1, "资格自测")
        numbers = await run_self_check(standin, 1)
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 4
        verdict = "\n".join(e.text for e in standin.chat_events(1)[-3:])
        assert "小米贷款" in verdict and "来源" in verdict
        assert standin.errors == [], standin.errors
        assert standin.presses >= 4 and standin.unanswered_presses == []


async def test_a_deep_link_opens_the_self_check_directly(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, real_engine, store):
        events = await standin.say(2, "/start check")
        assert "小米贷款" in [label for label, _ in events[-1].buttons]


async def test_an_faq_exchange_with_a_follow_up_and_a_related_question(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, real_engine, store):
        answer = await standin.say(3, "小米贷款上征信吗？")
        assert "征信" in answer[0].text and "《" in answer[0].text  # the answer names its source
        follow_up = await standin.say(3, "那微粒贷呢？")
        assert "微粒贷" in follow_up[0].text
        related_label = follow_up[-1].buttons[0][0]
        related = await standin.tap(3, related_label[:6])
        assert related[0].kind == "send"  # a new answer below, the earlier one stays readable
        assert standin.errors == []


async def test_the_calculator_and_a_comparison(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, real_engine, store):
        cost = await standin.say(8, "/calc 借1万分12期，日利率0.05%")
        text = "\n".join(e.text for e in cost)
        assert "¥917.99" in text and "IRR" in text and "24%" in text
        longer = await standin.say(8, "改成24期")
        assert any("24期" in e.text for e in longer)  # a follow-up keeps the rest of the loan
        table = await standin.say(8, "小米贷款和微粒贷哪个利息低")
        shown = "\n".join(e.message.html for e in table)
        assert "<pre>" in shown and "微粒贷" in shown and "来源" in shown  # monospace table, cited
        assert standin.errors == [], standin.errors


async def test_which_is_cheapest_gets_a_ranked_answer_in_one_reply(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, real_engine, store):
        ranked = await standin.say(9, "借5千 分12期 小米和微粒贷哪个便宜")
        assert len(ranked) == 1  # one reply, not a rate question and a table
        text = ranked[0].text
        assert "1. " in text and "2. " in text and "小米贷款" in text and "微粒贷" in text
        assert "区间重叠" in text and "来源：" in text
        assert "借呗" not in text  # only the products named
        assert len(text.splitlines()) <= 12  # phone-sized
        everyone = await standin.say(9, "都算一下")
        assert "借呗" in everyone[0].text and "额度不够：WE2000" in everyone[0].text
        assert standin.errors == [], standin.errors


async def test_a_digression_mid_check_is_answered_and_the_check_resumes(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore
) -> None:
    async with running_bot(standin, real_engine, store):
        await standin.say(4, "/check")
        await standin.tap(4, "小米贷款")
        await standin.tap(4, "不是学生")
        assert question_number(last_question(standin, 4)) == 2
        digression = await standin.say(4, "微粒贷的利息是多少？")
        assert any("微粒贷" in e.text and "《" in e.text for e in digression)  # the FAQ answer
        assert question_number(digression[-1].text) == 2  # then the same question again
        resumed = await standin.say(4, "28")
        assert question_number(resumed[-1].text) == 3


async def test_forget_erases_the_chat_and_old_buttons_turn_stale(
    standin: BotApiStandIn, real_engine: Engine, store: SessionStore, sqlite_url: str
) -> None:
    async with running_bot(standin, real_engine, store):
        await standin.say(5, "/check")
        await standin.tap(5, "小米贷款")
        gone = await standin.say(5, "/forget")
        assert "删除" in gone[0].text
        probe = open_store(sqlite_url, ttl_seconds=3600)
        assert await probe.get("5") is None
        answers_before = len(standin.calls_of("answerCallbackQuery"))
        await standin.click(5, "不是学生")  # a button from before /forget
        await standin.wait_for(lambda: len(standin.calls_of("answerCallbackQuery")) > answers_before)
        assert "失效" in standin.calls_of("answerCallbackQuery")[-1]["text"]
        assert await probe.get("5") is None
        await probe.close()
        fresh = await standin.say(5, "/start")
        assert "不是贷款机构" in fresh[0].text


async def test_a_restart_mid_flow_continues_where_the_user_was(
    standin: BotApiStandIn, real_engine: Engine, sqlite_url: str
) -> None:
    async with running_bot(standin, real_engine, open_store(sqlite_url, ttl_seconds=3600)):
        await standin.say(6, "/check")
        await standin.tap(6, "小米贷款")
        await standin.tap(6, "不是学生")
        assert question_number(last_question(standin, 6)) == 2
    # the bot is down; the user answers anyway, and the update waits at Telegram
    mark = len(standin.chat_events(6))
    await standin.send_text(6, "28")
    async with running_bot(standin, real_engine, open_store(sqlite_url, ttl_seconds=3600)):
        events = await standin.answer_after(6, mark)
        assert question_number(events[-1].text) == 3
        numbers = [2, 3]
        while True:
            events = await answer_current_question(standin, 6)
            if any("不是贷款机构的审批结论" in e.text for e in events):
                break
            numbers.append(question_number(events[-1].text) or 0)
        assert numbers == list(range(2, numbers[-1] + 1))


# --- several processes ---------------------------------------------------------------------------


def start_bot_process(
    standin: BotApiStandIn, tmp_path: Path, name: str, **env: str
) -> subprocess.Popen[bytes]:
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "bot"],
        cwd=tmp_path,
        env={**env_for_process(standin, **env), "PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


async def stop_process(process: subprocess.Popen[bytes], timeout: float = 15.0) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while process.poll() is None and loop.time() < deadline:
        await asyncio.sleep(0.05)
    if process.poll() is None:
        process.kill()
    return process.wait()


@pytest.mark.slow
async def test_two_processes_behind_one_webhook_share_sessions_through_redis(
    standin: BotApiStandIn, redis_url: str, tmp_path: Path
) -> None:
    ports = [free_port(), free_port()]
    standin.webhook_targets = [f"http://127.0.0.1:{port}/telegram" for port in ports]
    common = {
        "LOAN_ADVISOR_TELEGRAM_MODE": "webhook",
        "LOAN_ADVISOR_WEBHOOK_URL": "https://bot.example.org/telegram",
        "LOAN_ADVISOR_WEBHOOK_SECRET": "s3cret-Token_1",
        "LOAN_ADVISOR_WEBHOOK_LISTEN": "127.0.0.1",
        "LOAN_ADVISOR_STORAGE_URL": redis_url,
    }
    processes = [
        start_bot_process(standin, tmp_path, f"bot{n}", LOAN_ADVISOR_WEBHOOK_PORT=str(port), **common)
        for n, port in enumerate(ports)
    ]
    try:
        for port in ports:
            await wait_port(port)
        await standin.wait_for(
            lambda: len(standin.calls_of("setWebhook")) >= 2, timeout=20, what="two webhooks"
        )
        assert standin.calls_of("setWebhook")[0]["secret_token"] == "s3cret-Token_1"

        # a request without the secret-token header is refused
        async with (
            aiohttp.ClientSession() as http,
            http.post(standin.webhook_targets[0], json={"update_id": 999999}) as response,
        ):
            assert response.status == 403

        chats = [701, 702, 703]

        async def conversation(chat: int) -> None:
            await standin.say(chat, "/check", timeout=15)
            await standin.tap(chat, "小米贷款", timeout=15)
            await standin.tap(chat, "不是学生", timeout=15)
            await standin.say(chat, "28", timeout=15)
            await standin.tap(chat, "有", timeout=15)

        await asyncio.gather(*(conversation(chat) for chat in chats))
        for chat in chats:
            numbers = [question_number(e.text) for e in standin.chat_events(chat)]
            assert [n for n in numbers if n is not None] == [1, 2, 3, 4], standin.transcript(chat)

        # two questions sent at once from one chat land on different processes; both are answered
        mark = len(standin.chat_events(701))
        await standin.send_text(701, "小米贷款上征信吗？")
        await standin.send_text(701, "微粒贷的利息是多少？")
        await standin.wait_for(
            lambda: len(standin.chat_events(701)) >= mark + 4, timeout=15, what="two answers"
        )
        await standin.quiet(701)
        burst = standin.chat_events(701)[mark:]
        assert sum("第4题" in e.text for e in burst) == 2, standin.transcript(701)  # each re-asks question 4

        served = {target for target, _, status in standin.deliveries if status == 200}
        assert served == set(standin.webhook_targets)  # both processes really took part
    finally:
        codes = [await stop_process(p) for p in processes]
    logs = "\n".join((tmp_path / f"bot{n}.log").read_text(errors="replace") for n in range(2))
    assert codes == [0, 0], logs
    assert "Traceback" not in logs, logs


async def run_bot_command(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m bot bot`` with ``env`` until it exits (these runs are expected to stop at start-up)."""
    command = [sys.executable, "-m", "bot", "bot"]
    return await asyncio.to_thread(subprocess.run, command, cwd=cwd, env=env, capture_output=True, timeout=60)


async def test_a_missing_token_exits_with_status_2_and_says_how_to_get_one(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = {**env_for_process(standin), "PYTHONPATH": str(ROOT)}
    env.pop("TELEGRAM_BOT_TOKEN")
    result = await run_bot_command(env, tmp_path)
    assert result.returncode == 2
    message = result.stderr.decode()
    assert "TELEGRAM_BOT_TOKEN" in message and "BotFather" in message and "未设置" in message


async def test_a_wrong_token_exits_with_status_3_and_a_clear_message(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = {**env_for_process(standin), "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "111:wrong-token"}
    result = await run_bot_command(env, tmp_path)
    assert result.returncode == 3, result.stderr.decode()
    message = result.stderr.decode()
    assert "refused the bot token" in message and "拒绝" in message
    assert "111:wrong-token" not in message  # the token never ends up in the output


async def test_webhook_mode_without_a_secret_exits_with_status_2_without_echoing_the_token(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = {**env_for_process(standin), "PYTHONPATH": str(ROOT), "LOAN_ADVISOR_TELEGRAM_MODE": "webhook"}
    result = await run_bot_command(env, tmp_path)
    assert result.returncode == 2
    message = result.stderr.decode()
    assert "LOAN_ADVISOR_WEBHOOK_SECRET" in message and "配置有误" in message
    assert env["TELEGRAM_BOT_TOKEN"] not in message
