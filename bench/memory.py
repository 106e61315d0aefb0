"""Memory: resident memory of a bot process idle and under load, and the bytes kept per session.

The bot runs as its own OS process (``python -m bot.cli bot``, exactly as deployed, rate limiter and
all), long-polling the stand-in that runs here, with a SQLite store in a temporary folder. Its
``VmRSS`` is read from ``/proc/<pid>/status`` once it is up and idle, sampled every 100 ms while
``chats`` users each play the conversation of :mod:`bench.e2e`, and read again afterwards. The CPU
time the bot process spent (``/proc/<pid>/stat``) per update is recorded too: it is what one update
costs the bot, whatever the limiter does to the wall clock.

Bytes per session: the JSON of a session after a whole conversation (self-check done, an FAQ answer
shown), the ``data`` column of SQLite for the sessions the load left behind, and the file's pages per
session.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, rss_kib
from bench.e2e import TimedStandIn, _user, script
from flows.engine import Engine
from tests.bot.standin import TOKEN


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    # utime and stime are fields 14 and 15 of the line; after the ")" they are the 12th and 13th
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _load_bot(engine: Engine, chats: int, timeout: float) -> dict[str, Any]:
    lines = script(engine)
    standin = TimedStandIn()
    await standin.start()
    folder = tempfile.TemporaryDirectory(prefix="bench-memory-")
    database = Path(folder.name) / "sessions.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "STORAGE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        LOAN_ADVISOR_TELEGRAM_API_BASE_URL=standin.base_url,
        LOAN_ADVISOR_TELEGRAM_POLL_TIMEOUT="1",
        LOAN_ADVISOR_TELEGRAM_REQUEST_TIMEOUT="30",
        LOAN_ADVISOR_STORAGE_URL=f"sqlite:///{database}",
        LOAN_ADVISOR_DATA_DIR=folder.name,
        LOAN_ADVISOR_LOG_LEVEL="WARNING",
        # scripted users answer as fast as the bot does: no per-user flood limit (as in tests/load)
        LOAN_ADVISOR_FLOOD_RATE_PER_MINUTE="100000",
        LOAN_ADVISOR_FLOOD_BURST="100000",
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "bot"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        await standin.wait_for(
            lambda: bool(standin.calls_of("setMyCommands")) and bool(standin.calls_of("getUpdates")),
            timeout=60,
            what="the bot process to start",
        )
        ready = time.perf_counter() - started
        await asyncio.sleep(1.0)  # let start-up garbage settle
        idle = rss_kib(process.pid)["VmRSS"]
        cpu_before = _cpu_seconds(process.pid)
        samples: list[int] = []

        async def sample() -> None:
            while True:
                samples.append(rss_kib(process.pid)["VmRSS"])
                await asyncio.sleep(0.1)

        sampler = asyncio.create_task(sample())
        load_started = time.perf_counter()
        answered = await asyncio.gather(
            *(_user(standin, 5000 + n, lines, [], [], timeout) for n in range(chats))
        )
        load_seconds = time.perf_counter() - load_started
        sampler.cancel()
        cpu = _cpu_seconds(process.pid) - cpu_before
        after = rss_kib(process.pid)
        updates = sum(answered)
    finally:
        stopping = time.perf_counter()
        process.terminate()
        try:
            await asyncio.to_thread(process.wait, 30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutdown = time.perf_counter() - stopping
        await standin.stop()
    with sqlite3.connect(database) as db:
        count, data = db.execute("SELECT count(*), coalesce(sum(length(data)), 0) FROM sessions").fetchone()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
    folder.cleanup()
    return {
        "chats": chats,
        "updates_sent": chats * len(lines),
        "updates_answered": updates,
        "process_ready_s": ready,
        "shutdown_s": shutdown,
        "rss_idle_mib": idle / 1024,
        "rss_load_peak_mib": max(samples, default=idle) / 1024,
        "rss_after_load_mib": after["VmRSS"] / 1024,
        "hwm_mib": after["VmHWM"] / 1024,
        "load_seconds": load_seconds,
        "updates_per_second_limited": updates / load_seconds if load_seconds else 0.0,
        "bot_cpu_ms_per_update": cpu * 1000 / updates if updates else 0.0,
        "sessions_stored": count,
        "sqlite_data_bytes_per_session": data / count if count else 0.0,
        "sqlite_file_bytes_per_session": pages / count if count else 0.0,
    }


def measure(engine: Engine, *, chats: int = 100, timeout: float = 120.0) -> dict[str, Any]:
    """The bot process's memory idle and under load, and bytes per session.

    Args:
        engine: used here only to script the conversation and to size a finished session.
        chats: users playing the whole conversation at once.
        timeout: longest wait for one answer (the rate limiter queues messages).
    """
    from bench.dialogue import converse

    _turns, session = converse(engine)
    result = asyncio.run(_load_bot(engine, chats, timeout))
    result["session_json_bytes"] = len(session.dumps().encode("utf-8"))
    return result
