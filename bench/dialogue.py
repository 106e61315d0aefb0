"""Dialogue path: whole eligibility conversations through the engine, the session loaded and saved each turn.

One conversation is the self-check a user walks through: ``/start``, the 「资格自测」 button, 「全部产品」,
every question answered in typed words (the profile of tests/flows/test_conversations.py), then one
FAQ question about the result. The turns per second are measured three ways in one process:

- ``engine``: the engine alone, the session kept in memory;
- ``sqlite``: each turn loads the session from a SQLite file (in a temporary folder) and saves it back,
  under the chat's lock, as the Telegram adapter does;
- ``redis``: the same against a real redis-server started on a free port.

Conversations run ``concurrency`` at a time (asyncio tasks), as chats do in a bot process.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import PROFILE_TEXT, latency_summary, median_of, redis_server
from flows.engine import Engine
from flows.reply import Turn
from flows.session import Session

#: the fixed opening of a conversation, before the questions (which depend on the answers so far)
OPENING = [
    Turn.from_text("/start"),
    Turn(kind="button", text="check:start"),
    Turn(kind="button", text="check:product:all"),
]
CLOSING = Turn.from_text("微粒贷的利息是多少？")


def next_turn(session: Session, step: int) -> Turn | None:
    """The user's next turn in the scripted conversation, or ``None`` when it is over."""
    if step < len(OPENING):
        return OPENING[step]
    if session.flow == "check" and session.state == "asking":
        return Turn.from_text(PROFILE_TEXT[session.check.asked[-1]])
    if session.flow == "check":  # the verdict is shown: ask about it once
        return CLOSING
    return None


def converse(engine: Engine) -> tuple[int, Session]:
    """One conversation with the session in memory; returns the number of turns and the final session."""
    session = Session()
    step = 0
    while (turn := next_turn(session, step)) is not None:
        engine.handle(session, turn)
        step += 1
    return step, session


def measure_engine(engine: Engine, conversations: int) -> dict[str, Any]:
    """Turns per second of ``conversations`` whole conversations, engine only."""
    converse(engine)  # warm-up
    turns = 0
    started = time.perf_counter()
    for _ in range(conversations):
        count, _session = converse(engine)
        turns += count
    elapsed = time.perf_counter() - started
    return {"conversations": conversations, "turns": turns, "turns_per_second": turns / elapsed}


async def _converse_stored(engine: Engine, store: Any, key: str, times: list[float]) -> int:
    step = 0
    while True:
        started = time.perf_counter()
        async with store.lock(key):
            session = await store.get(key) or Session()
            turn = next_turn(session, step)
            if turn is None:
                return step
            engine.handle(session, turn)
            await store.put(key, session)
        times.append(time.perf_counter() - started)
        step += 1


async def measure_store(engine: Engine, store: Any, conversations: int, concurrency: int) -> dict[str, Any]:
    """Turns per second and per-turn latency with the session loaded from and saved to ``store``."""
    times: list[float] = []
    queue = list(range(conversations))

    async def worker() -> int:
        done = 0
        while queue:
            number = queue.pop()
            done += await _converse_stored(engine, store, f"bench-{number}", times)
        return done

    started = time.perf_counter()
    counts = await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    turns = sum(counts)
    summary = latency_summary(times)
    return {
        "conversations": conversations,
        "concurrency": concurrency,
        "turns": turns,
        "turns_per_second": turns / elapsed,
        "turn_p50_ms": summary["p50_ms"],
        "turn_p99_ms": summary["p99_ms"],
    }


async def _sqlite_run(engine: Engine, conversations: int, concurrency: int) -> dict[str, Any]:
    from bot.storage.sqlite import SqliteSessionStore

    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as folder:
        store = SqliteSessionStore(Path(folder) / "sessions.sqlite3", ttl_seconds=3600)
        try:
            result = await measure_store(engine, store, conversations, concurrency)
            result.update(await sqlite_sizes(store))
        finally:
            await store.close()
    return result


async def sqlite_sizes(store: Any) -> dict[str, float]:
    """Bytes per stored session in a SQLite store: the data column, and the file's pages per session."""

    def read(db: Any) -> tuple[int, int, int, int]:
        count, data = db.execute("SELECT count(*), coalesce(sum(length(data)), 0) FROM sessions").fetchone()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        size = db.execute("PRAGMA page_size").fetchone()[0]
        return count, data, pages, size

    count, data, pages, page_size = await store._run(read)
    return {
        "sessions_stored": count,
        "stored_bytes_per_session": data / count if count else 0.0,
        "file_bytes_per_session": pages * page_size / count if count else 0.0,
    }


async def _redis_run(engine: Engine, url: str, conversations: int, concurrency: int) -> dict[str, Any]:
    from bot.storage.redis import RedisSessionStore

    store = RedisSessionStore(url, ttl_seconds=3600)
    try:
        result = await measure_store(engine, store, conversations, concurrency)
        # what Redis itself spends on one session key (value, key, expiry, allocator overhead)
        usage = await store._redis.memory_usage(store._session_key("bench-0"))
        result["redis_memory_bytes_per_session"] = float(usage or 0)
    finally:
        await store.close()
    return result


def measure(
    engine: Engine, *, conversations: int = 300, concurrency: int = 20, runs: int = 3
) -> dict[str, Any]:
    """Median over ``runs`` of the three ways; also the size of a finished conversation's session."""
    _turns, session = converse(engine)
    engine_runs, sqlite_runs, redis_runs = [], [], []
    with redis_server() as url:
        for _ in range(runs):
            engine_runs.append(measure_engine(engine, conversations))
            sqlite_runs.append(asyncio.run(_sqlite_run(engine, conversations, concurrency)))
            redis_runs.append(asyncio.run(_redis_run(engine, url, conversations, concurrency)))
    return {
        "runs": runs,
        "turns_per_conversation": _turns,
        "session_json_bytes": len(session.dumps().encode("utf-8")),
        "engine": median_of(engine_runs),
        "sqlite": median_of(sqlite_runs),
        "redis": median_of(redis_runs),
    }
