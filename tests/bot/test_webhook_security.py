"""Webhook mode, as deployed: one bot process with its own web server, behind the stand-in.

Requests without Telegram's secret-token header, or with a wrong one, are refused; updates delivered with
it are answered. The same process logs at DEBUG, the noisiest level, and its log is read afterwards:
ID and phone numbers a user typed appear nowhere in it, nor the user's name or the bot token, and the
typed text appears only in DEBUG lines. Its data folder and the files in it are the owner's alone.
A request refused for its secret or its size is refused from its headers, its body left unread.
"""

from __future__ import annotations

import asyncio
import logging
import stat
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

from bot.settings import Settings
from bot.telegram.adapter import Engine
from bot.telegram.webhook import MAX_UPDATE_BYTES
from tests.bot.conftest import free_port, wait_port
from tests.bot.standin import TOKEN, BotApiStandIn
from tests.bot.test_telegram_e2e import start_bot_process, stop_process
from tests.bot.test_webhook_delivery import SECRET as BOT_SECRET
from tests.bot.test_webhook_delivery import webhook_bot

SECRET = "Webhook_Secret-42"
ID_NUMBER = "11010519491231002X"
MOBILE = "13912345678"
MARK = "蓝色长颈鹿"
NAME = "紫衣侠客"


@pytest.mark.slow
async def test_the_webhook_refuses_requests_without_the_secret_and_the_log_keeps_no_numbers(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    folder = tmp_path
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    process = start_bot_process(
        standin,
        folder,
        "webhook",
        LOAN_ADVISOR_TELEGRAM_MODE="webhook",
        LOAN_ADVISOR_WEBHOOK_URL="https://bot.example.org/telegram",
        LOAN_ADVISOR_WEBHOOK_SECRET=SECRET,
        LOAN_ADVISOR_WEBHOOK_LISTEN="127.0.0.1",
        LOAN_ADVISOR_WEBHOOK_PORT=str(port),
        LOAN_ADVISOR_DATA_DIR=str(folder / "data"),  # the sessions' SQLite file goes there
        LOAN_ADVISOR_LOG_LEVEL="DEBUG",
    )
    standin.user(5152, first_name=NAME)
    try:
        await wait_port(port)
        await standin.wait_for(lambda: bool(standin.calls_of("setWebhook")), timeout=20, what="setWebhook")
        standin.webhook_targets = [url]
        update = {
            "update_id": 990001,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 5151, "type": "private", "first_name": "x"},
                "from": {"id": 5151, "is_bot": False, "first_name": "x"},
                "text": "/forget",
            },
        }
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 403, headers
        assert standin.chat_events(5151) == []  # a refused request is never handled

        events = await standin.say(
            5152, f"我叫{MARK}，身份证{ID_NUMBER}，手机{MOBILE}，微粒贷利息多少？", timeout=15
        )
        assert events, "an update delivered with the secret is answered"
    finally:
        code = await stop_process(process)
    log = (folder / "webhook.log").read_text(errors="replace")
    assert code == 0, log
    assert ID_NUMBER not in log and MOBILE not in log
    assert "[已隐去]" in log  # the numbers did reach the log (PTB's debug lines), redacted
    loud = [line for line in log.splitlines() if MARK in line and " DEBUG " not in line]
    assert loud == []
    assert "Set Bot API URL" in log and TOKEN not in log and TOKEN.partition(":")[2] not in log
    assert NAME not in log
    data = folder / "data"
    files = sorted(data.iterdir())
    assert [f.name for f in files if f.name.startswith("sessions.sqlite3")], files
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in files} == {f.name: 0o600 for f in files}


def test_an_empty_or_malformed_webhook_secret_is_refused_at_start_up() -> None:
    base = {"telegram_mode": "webhook", "webhook_url": "https://bot.example.org/telegram"}
    for secret in ["", "has space", "x" * 257, "中文"]:
        with pytest.raises(ValueError, match="LOAN_ADVISOR_WEBHOOK_SECRET"):
            Settings(_env_file=None, webhook_secret=secret, **base)
    assert Settings(_env_file=None, webhook_secret="ok_Secret-1", **base).webhook_secret is not None


# --- what is read of a request before it is refused -------------------------------------------------------

HUGE = 100 * 1024 * 1024  # what a hostile sender announces (tornado's own ceiling)


async def _status_after_headers(url: str, headers: dict[str, str]) -> int:
    """Send a POST's headers only, no body, and return the status the server answers with (within 5 s).

    A server that wants the body before judging the request waits for it, and the read times out.
    """
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        lines = [
            f"POST {parts.path} HTTP/1.1",
            f"Host: {parts.netloc}",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 5)
        return int(status_line.split()[1])
    finally:
        writer.close()


async def test_an_oversized_or_unauthorised_body_is_refused_from_its_headers_without_being_read(
    standin: BotApiStandIn, real_engine: Engine, tmp_path: Path
) -> None:
    async with webhook_bot(standin, real_engine, tmp_path) as bot:
        big = {"Content-Type": "application/json", "Content-Length": str(HUGE)}
        assert await _status_after_headers(bot.url, big) == 403
        wrong = {**big, "X-Telegram-Bot-Api-Secret-Token": "wrong"}
        assert await _status_after_headers(bot.url, wrong) == 403
        right = {**big, "X-Telegram-Bot-Api-Secret-Token": BOT_SECRET}
        assert await _status_after_headers(bot.url, right) == 413
        just_over = {**right, "Content-Length": str(MAX_UPDATE_BYTES + 1)}
        assert await _status_after_headers(bot.url, just_over) == 413
        # and an update of an ordinary size still gets through
        events = await standin.say(820, "/start", timeout=15)
        assert events


async def test_a_body_streamed_without_its_length_is_cut_off_at_the_limit(
    standin: BotApiStandIn, real_engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.telegram.webhook")
    async with webhook_bot(standin, real_engine, tmp_path) as bot:
        parts = urlsplit(bot.url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        head = (
            f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {BOT_SECRET}\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        writer.write(head.encode())
        answer = asyncio.create_task(reader.read(200))
        chunk = 64 * 1024
        sent = 0
        try:
            while sent < HUGE and not answer.done():
                writer.write(f"{chunk:x}\r\n".encode() + b"x" * chunk + b"\r\n")
                await asyncio.wait_for(writer.drain(), 5)
                sent += chunk
        except (ConnectionError, TimeoutError):
            pass  # the server closed the connection (or stopped reading): what it read was cut off
        try:
            first = await asyncio.wait_for(answer, 5)
        except ConnectionError:
            first = b""  # the answer lost to the reset of a connection closed with data still coming
        writer.close()
    assert sent < 16 * 1024 * 1024, f"{sent} bytes went in before the server stopped reading"
    assert first == b"" or first.startswith(b"HTTP/1.1 413"), first
    assert "webhook body cut off" in caplog.text
