"""Fixtures for the bot tests: the Bot API stand-in, a real redis-server, the real engine, a running bot."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.settings import Settings
from bot.storage import SessionStore, open_store
from bot.telegram.adapter import Engine
from bot.telegram.app import build_application, start_polling, stop
from tests.bot.standin import TOKEN, BotApiStandIn

REDIS_SERVER = Path("/usr/bin/redis-server")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    """The Bot API stand-in, listening on a free port of 127.0.0.1."""
    server = BotApiStandIn()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server of our own on a free port, killed at teardown."""
    if not REDIS_SERVER.exists():
        pytest.skip(
            "redis-server is not installed (run `make redis-server`, which installs Debian's package)"
        )
    port = free_port()
    process = subprocess.Popen(
        [
            str(REDIS_SERVER),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(tmp_path),
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait(timeout=5)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with status {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"redis-server did not listen on port {port} within {timeout}s")


@pytest.fixture(scope="session")
def real_engine() -> Engine:
    """The real dialogue engine over the shipped knowledge base, with the configured FAQ thresholds
    (built once: it takes a second)."""
    from flows.engine import build_engine

    defaults = Settings(_env_file=None)
    engine: Engine = build_engine(
        answer_threshold=defaults.faq_answer_threshold, suggest_threshold=defaults.faq_suggest_threshold
    )
    return engine


def bot_settings(standin: BotApiStandIn, **overrides: Any) -> Settings:
    """Settings pointing the bot at the stand-in, with short time-outs for tests."""
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": standin.base_url,
        "telegram_poll_timeout": 1,
        "telegram_request_timeout": 2.0,
        # tests play users far faster than people type; the flood-limit tests set their own limits
        "flood_rate_per_minute": 60_000,
        "flood_burst": 1_000,
        **overrides,
    }
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def running_bot(
    standin: BotApiStandIn, engine: Engine, store: SessionStore, **overrides: Any
) -> AsyncIterator[Application]:
    """The real Application, long-polling the stand-in, until the block ends."""
    application = build_application(bot_settings(standin, **overrides), engine, store)
    await start_polling(application, bot_settings(standin, **overrides))
    try:
        yield application
    finally:
        await stop(application)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite store URL in the test's own folder."""
    return f"sqlite:///{tmp_path / 'data' / 'sessions.sqlite3'}"


@pytest.fixture
async def sqlite_store(sqlite_url: str) -> AsyncIterator[SessionStore]:
    """A SQLite session store (the application closes it; closing twice is harmless)."""
    store = open_store(sqlite_url, ttl_seconds=3600)
    yield store


def env_for_process(standin: BotApiStandIn, **values: str) -> dict[str, str]:
    """Environment for a bot started as its own OS process."""
    prefixes = ("LOAN_ADVISOR_", "TELEGRAM_", "WEBHOOK_", "STORAGE_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    # as bot_settings; ``values`` overrides
    env.update(LOAN_ADVISOR_FLOOD_RATE_PER_MINUTE="60000", LOAN_ADVISOR_FLOOD_BURST="1000")
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        LOAN_ADVISOR_TELEGRAM_API_BASE_URL=standin.base_url,
        LOAN_ADVISOR_TELEGRAM_POLL_TIMEOUT="1",
        LOAN_ADVISOR_TELEGRAM_REQUEST_TIMEOUT="3",
        **values,
    )
    return env


async def wait_port(port: int, timeout: float = 20.0) -> None:
    """Wait until something listens on ``port`` of 127.0.0.1."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError(f"nothing listened on port {port} within {timeout}s")


# --- a session store of each kind: tests that take ``store`` run once per backend -----------------------


@pytest.fixture(params=["sqlite", "redis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file in ``tmp_path``, then the test's own redis-server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'sessions.sqlite3'}"
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[SessionStore]:
    opened = open_store(store_url, ttl_seconds=3600)
    yield opened
    await opened.close()
