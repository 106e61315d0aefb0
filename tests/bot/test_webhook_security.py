"""Webhook mode, as deployed: one bot process with its own web server, behind the stand-in.

Requests without Telegram's secret-token header, or with a wrong one, are refused; updates delivered with
it are answered. The same process logs at DEBUG, the noisiest level, and its log is read afterwards:
ID and phone numbers a user typed appear nowhere in it, and the typed text appears only in DEBUG lines.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.settings import Settings
from tests.bot.conftest import free_port, wait_port
from tests.bot.standin import BotApiStandIn
from tests.bot.test_telegram_e2e import start_bot_process, stop_process

SECRET = "Webhook_Secret-42"
ID_NUMBER = "11010519491231002X"
MOBILE = "13912345678"
MARK = "蓝色长颈鹿"


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
        LOAN_ADVISOR_STORAGE_URL=f"sqlite:///{folder / 'sessions.sqlite3'}",
        LOAN_ADVISOR_LOG_LEVEL="DEBUG",
    )
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


def test_an_empty_or_malformed_webhook_secret_is_refused_at_start_up() -> None:
    base = {"telegram_mode": "webhook", "webhook_url": "https://bot.example.org/telegram"}
    for secret in ["", "has space", "x" * 257, "中文"]:
        with pytest.raises(ValueError, match="LOAN_ADVISOR_WEBHOOK_SECRET"):
            Settings(_env_file=None, webhook_secret=secret, **base)
    assert Settings(_env_file=None, webhook_secret="ok_Secret-1", **base).webhook_secret is not None
