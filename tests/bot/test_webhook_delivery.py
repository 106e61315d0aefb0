"""Webhook mode loses no turn: Telegram's POST is answered once its update is kept in the inbox.

The stand-in delivers updates as Telegram does, sending an update again until a webhook answers it with a
2xx. The answer comes once the update is in the durable inbox, before the turn: a bot killed in the
middle of a turn finds the update in its inbox after the restart (or, sharing Redis, a sibling takes it
up within seconds), a bot stopped with SIGTERM finishes the turn in hand before it exits, and a body that
is not an update is refused with a 400 and a log line while the server carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from telegram.ext import Application

from bot.storage import open_store
from bot.telegram.adapter import Engine
from bot.telegram.app import build_application, start_webhook, stop
from bot.telegram.webhook import WebhookServer
from tests.bot.conftest import bot_settings, free_port, wait_port
from tests.bot.standin import BotApiStandIn, Fault
from tests.bot.test_faults import assert_redelivery_recognised, finish_and_check_each_question_once, kill
from tests.bot.test_telegram_e2e import last_question, question_number, start_bot_process, stop_process

SECRET = "Webhook_Secret-7"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


def webhook_env(folder: Path, port: int) -> dict[str, str]:
    """Environment of a webhook bot process on ``port`` keeping its sessions in ``folder``."""
    return {
        "LOAN_ADVISOR_TELEGRAM_MODE": "webhook",
        "LOAN_ADVISOR_WEBHOOK_URL": "https://bot.example.org/telegram",
        "LOAN_ADVISOR_WEBHOOK_SECRET": SECRET,
        "LOAN_ADVISOR_WEBHOOK_LISTEN": "127.0.0.1",
        "LOAN_ADVISOR_WEBHOOK_PORT": str(port),
        "LOAN_ADVISOR_STORAGE_URL": f"sqlite:///{folder / 'data' / 'sessions.sqlite3'}",
    }


def webhook_behind(standin: BotApiStandIn, folder: Path) -> dict[str, str]:
    """Environment of one webhook bot process on a free port, to which the stand-in delivers."""
    port = free_port()
    standin.webhook_targets = [f"http://127.0.0.1:{port}/telegram"]
    return webhook_env(folder, port)


async def until_webhook_set(standin: BotApiStandIn, times: int) -> None:
    """Wait until ``setWebhook`` has been called ``times`` times (once per process start)."""
    await standin.wait_for(
        lambda: len(standin.calls_of("setWebhook")) >= times, timeout=40, what=f"setWebhook #{times}"
    )


def statuses(standin: BotApiStandIn, update_id: int) -> list[int]:
    """The answers the webhook gave to each POST of one update (0: the connection failed)."""
    return [status for _, delivered, status in standin.deliveries if delivered == update_id]


async def wait_for_log(path: Path, line: str, timeout: float = 10.0) -> None:
    """Wait until the bot process has written ``line`` to its log."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while line not in path.read_text(errors="replace"):
        if loop.time() > deadline:
            raise AssertionError(f"{line!r} never appeared in {path.name}")
        await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_a_webhook_bot_killed_mid_turn_gets_the_update_again_and_answers_it_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = webhook_behind(standin, tmp_path)
    chat = 811
    bot = start_bot_process(standin, tmp_path, "bot1", **env)
    try:
        await until_webhook_set(standin, 1)
        await standin.say(chat, "/check", timeout=20)
        await standin.tap(chat, "小米贷款")
        await standin.tap(chat, "不是学生")
        assert question_number(last_question(standin, chat)) == 2

        # killed while the reply is on its way: the turn is saved, the message never got out; Telegram
        # was answered once the update was in the inbox
        hold = Fault("sendMessage", "hold")
        standin.faults.append(hold)
        mark = len(standin.chat_events(chat))
        update = await standin.send_text(chat, "28")
        await asyncio.wait_for(hold.arrived.wait(), 15)
        assert statuses(standin, update["update_id"]) == [200]  # kept, so answered before the turn
        kill(bot)
        hold.release.set()
        assert len(standin.chat_events(chat)) == mark  # the user has seen nothing yet

        # the restarted process finds the update in its inbox, finishes the reply, does not take "28" twice
        bot = start_bot_process(standin, tmp_path, "bot2", **env)
        events = await standin.answer_after(chat, mark, timeout=40)
        assert question_number(events[-1].text) == 3, standin.transcript(chat)  # not skipped to 4
        assert statuses(standin, update["update_id"]) == [200]  # Telegram never had to send it again

        await finish_and_check_each_question_once(standin, chat)
    finally:
        code = await stop_process(bot)
    assert code == 0
    assert_redelivery_recognised(tmp_path, "bot2", ["bot1", "bot2"])


@pytest.mark.slow
async def test_sigterm_finishes_the_turn_in_hand_and_leaves_later_updates_to_the_next_process(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = webhook_behind(standin, tmp_path)
    chat = 812
    bot = start_bot_process(standin, tmp_path, "bot1", **env)
    try:
        await until_webhook_set(standin, 1)
        await standin.say(chat, "/start", timeout=20)

        hold = Fault("sendMessage", "hold")
        standin.faults.append(hold)
        mark = len(standin.chat_events(chat))
        in_hand = await standin.send_text(chat, "微粒贷的利息是多少？")
        await asyncio.wait_for(hold.arrived.wait(), 15)
        bot.send_signal(signal.SIGTERM)
        await wait_for_log(tmp_path / "bot1.log", "stopping: unfinished updates go back to the inbox")
        # sent while the process is stopping: it must wait for the next process, not be lost
        later = await standin.send_text(chat, "/help")
        hold.release.set()  # the held sendMessage fails (504) and the bot sends it again

        code = await asyncio.wait_for(asyncio.to_thread(bot.wait), 20)
        log = (tmp_path / "bot1.log").read_text(errors="replace")
        assert code == 0, log
        assert statuses(standin, in_hand["update_id"]) == [200], log  # answered, once kept
        answer = standin.texts_since(chat, mark)
        assert len(answer) == 1 and "微粒贷" in answer[0], standin.transcript(chat)
        assert 200 not in statuses(standin, later["update_id"])

        bot = start_bot_process(standin, tmp_path, "bot2", **env)
        help_text = await standin.answer_after(chat, mark + 1, timeout=40)
        assert help_text and statuses(standin, later["update_id"])[-1] == 200
        await standin.quiet(chat, quiet_for=1.0)
        assert standin.texts_since(chat, mark).count(answer[0]) == 1  # the first answer was not repeated
    finally:
        code = await stop_process(bot)
    assert code == 0
    logs = "\n".join((tmp_path / f"bot{n}.log").read_text(errors="replace") for n in (1, 2))
    assert "Traceback" not in logs and "still busy at shutdown" not in logs, logs


@pytest.mark.slow
async def test_a_webhook_process_killed_mid_turn_leaves_the_update_to_its_sibling_sharing_redis(
    standin: BotApiStandIn, redis_url: str, tmp_path: Path
) -> None:
    ports = [free_port(), free_port()]
    targets = [f"http://127.0.0.1:{port}/telegram" for port in ports]
    bots = [
        start_bot_process(
            standin,
            tmp_path,
            f"bot{n}",
            **{**webhook_env(tmp_path, port), "LOAN_ADVISOR_STORAGE_URL": redis_url},
        )
        for n, port in enumerate(ports)
    ]
    chat = 817
    try:
        await until_webhook_set(standin, 2)
        standin.webhook_targets = targets
        await standin.say(chat, "/check", timeout=20)
        await standin.tap(chat, "小米贷款")
        await standin.tap(chat, "不是学生")
        assert question_number(last_question(standin, chat)) == 2

        # the balancer sends "28" to the first process, which is killed while a reply is on its way
        # (its own, or — the inbox's streams being shared — its sibling's: then the kill takes nothing)
        standin.webhook_targets = targets[:1]
        hold = Fault("sendMessage", "hold")
        standin.faults.append(hold)
        update = await standin.send_text(chat, "28")
        await asyncio.wait_for(hold.arrived.wait(), 15)
        assert (targets[0], update["update_id"], 200) in standin.deliveries  # kept in Redis
        standin.webhook_targets = targets[1:]
        kill(bots[0])
        killed = asyncio.get_running_loop().time()
        hold.release.set()
        await standin.wait_for(lambda: question_number(last_question(standin, chat)) == 3, 45, "question 3")

        # the chat goes on from the sibling, without a restart: once the dead process's leases have
        # lapsed (3 s) it holds every stream of the inbox, this chat's included
        mark = len(standin.chat_events(chat))
        await standin.send_text(chat, "跳过")
        events = await standin.answer_after(chat, mark, timeout=45)
        waited = asyncio.get_running_loop().time() - killed
        assert question_number(events[-1].text) == 4, standin.transcript(chat)
        assert waited < 8, f"the chat went on {waited:.1f}s after the kill"
        await standin.quiet(chat, quiet_for=1.5)
        numbers = [question_number(e.text) for e in standin.chat_events(chat)]
        assert [n for n in numbers if n is not None] == [1, 2, 3, 4], standin.transcript(chat)
    finally:
        codes = [await stop_process(bot) for bot in bots]
    sibling = (tmp_path / "bot1.log").read_text(errors="replace")
    assert codes[1] == 0, sibling
    assert "Traceback" not in sibling, sibling


# --- the endpoint itself, in this process ---------------------------------------------------------


@dataclass
class WebhookBot:
    """A bot served by its webhook server in this process."""

    url: str
    application: Application
    server: WebhookServer


@asynccontextmanager
async def webhook_bot(standin: BotApiStandIn, engine: Engine, folder: Path) -> AsyncIterator[WebhookBot]:
    """The real Application behind its webhook server, in this process, until the block ends."""
    port = free_port()
    settings = bot_settings(
        standin,
        telegram_mode="webhook",
        webhook_url="https://bot.example.org/telegram",
        webhook_secret=SECRET,
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    store = open_store(f"sqlite:///{folder / 'sessions.sqlite3'}", ttl_seconds=3600)
    application = build_application(settings, engine, store)
    server = await start_webhook(application, settings)
    url = f"http://127.0.0.1:{port}/telegram"
    standin.webhook_targets = [url]
    try:
        await wait_port(port)
        yield WebhookBot(url, application, server)
    finally:
        await stop(application, server)  # a second stop, after a test's own, is harmless


async def test_the_webhook_answers_telegram_once_the_update_is_kept_not_after_the_turn(
    standin: BotApiStandIn, real_engine: Engine, tmp_path: Path
) -> None:
    chat = 813
    async with webhook_bot(standin, real_engine, tmp_path):
        assert standin.calls_of("setWebhook")[-1]["secret_token"] == SECRET
        hold = Fault("sendMessage", "hold")
        standin.faults.append(hold)
        update = await standin.send_text(chat, "/start")
        await asyncio.wait_for(hold.arrived.wait(), 10)
        # the turn hangs on its reply, yet Telegram has its answer: the update is in the inbox file
        await standin.wait_for(lambda: statuses(standin, update["update_id"]) == [200], what="the 200")
        with sqlite3.connect(tmp_path / "inbox.sqlite3") as db:
            kept = db.execute("SELECT update_id FROM inbox").fetchall()
        assert kept == [(update["update_id"],)]
        hold.release.set()  # the held call fails (504); the bot sends it again
        await standin.wait_for(lambda: len(standin.chat_events(chat)) >= 1, what="the reply")
        await standin.quiet(chat)
        with sqlite3.connect(tmp_path / "inbox.sqlite3") as db:
            assert db.execute("SELECT count(*) FROM inbox").fetchone() == (0,)  # handled, so gone


async def test_a_body_that_is_not_an_update_gets_a_400_and_a_log_line_and_the_server_carries_on(
    standin: BotApiStandIn, real_engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bodies: list[bytes] = [
        b"not json at all",
        b"[1, 2, 3]",
        b'{"message": {"text": "no update_id"}}',
        b'{"update_id": "7"}',
        b'{"update_id": 7, "message": "a string where a message belongs"}',
        '{"update_id": 8, "message": {"text": "你好"'.encode(),  # cut short
    ]
    chat = 814
    async with webhook_bot(standin, real_engine, tmp_path) as bot, aiohttp.ClientSession() as http:
        with caplog.at_level(logging.WARNING, logger="bot.telegram.webhook"):
            for body in bodies:
                post = http.post(bot.url, data=body, headers={**HEADERS, "Content-Type": "application/json"})
                async with post as response:
                    assert response.status == 400, body
        refusals = [r for r in caplog.records if "is not a Telegram update" in r.getMessage()]
        assert len(refusals) == len(bodies)
        assert "你好" not in caplog.text  # what the body held is not logged

        async with http.post(bot.url, json={"update_id": 1}) as response:  # no secret
            assert response.status == 403
        async with http.get(bot.url, headers=HEADERS) as response:
            assert response.status == 405

        events = await standin.say(chat, "/start")  # still serving
        assert events and events[-1].buttons
    assert standin.chat_events(chat) == events  # none of the refused bodies reached a handler


async def test_an_update_arriving_during_shutdown_is_refused_while_the_turn_in_hand_is_finished(
    standin: BotApiStandIn, real_engine: Engine, tmp_path: Path
) -> None:
    chat, other = 815, 816
    async with webhook_bot(standin, real_engine, tmp_path) as bot, aiohttp.ClientSession() as http:
        hold = Fault("sendMessage", "hold")
        standin.faults.append(hold)
        in_hand = await standin.send_text(chat, "/start")
        await asyncio.wait_for(hold.arrived.wait(), 10)

        stopping = asyncio.create_task(stop(bot.application, bot.server))
        await asyncio.sleep(0.1)
        assert not bot.server.accepting and not stopping.done()  # waiting for the turn in hand
        late = {
            "update_id": 99001,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": other, "type": "private", "first_name": "x"},
                "from": {"id": other, "is_bot": False, "first_name": "x"},
                "text": "/start",
            },
        }
        # not taken (503 on a connection still open, or no connection at all): Telegram sends it again
        with contextlib.suppress(aiohttp.ClientConnectionError):
            async with http.post(bot.url, json=late, headers=HEADERS) as response:
                assert response.status == 503

        hold.release.set()  # the held sendMessage fails (504); the bot sends it again
        await asyncio.wait_for(stopping, 15)
        assert statuses(standin, in_hand["update_id"]) == [200]  # answered once kept, not again
        assert len(standin.chat_events(chat)) >= 1 and standin.chat_events(other) == []
