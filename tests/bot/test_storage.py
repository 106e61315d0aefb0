"""Both session stores, for real: a SQLite file and a redis-server of our own."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.storage import LockTimeout, SessionStore, open_store
from bot.storage.redis import RedisSessionStore
from flows.session import CheckDraft, Session


def midway_session() -> Session:
    return Session(
        flow="check",
        state="asking",
        check=CheckDraft(products=["xiaomi"], answers={"age": 30}, asked=["student", "age"]),
    )


async def test_a_session_comes_back_as_it_was_stored(store: SessionStore) -> None:
    await store.put("1001", midway_session())
    loaded = await store.get("1001")
    assert loaded is not None
    assert (loaded.flow, loaded.state, loaded.check.answers, loaded.check.asked) == (
        "check",
        "asking",
        {"age": 30},
        ["student", "age"],
    )


async def test_an_unknown_chat_has_no_session(store: SessionStore) -> None:
    assert await store.get("424242") is None


async def test_delete_erases_the_session_and_leaves_other_chats_alone(store: SessionStore) -> None:
    await store.put("1", midway_session())
    await store.put("2", midway_session())
    await store.delete("1")
    assert await store.get("1") is None
    assert await store.get("2") is not None


async def test_a_session_idle_longer_than_its_ttl_is_gone(store_url: str) -> None:
    short = open_store(store_url, ttl_seconds=0.3)
    try:
        await short.put("7", midway_session())
        assert await short.get("7") is not None
        await asyncio.sleep(0.45)
        assert await short.get("7") is None
    finally:
        await short.close()


async def test_sqlite_really_deletes_expired_sessions_not_just_hides_them(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    short = open_store(f"sqlite:///{path}", ttl_seconds=0.2)
    await short.put("old", midway_session())
    await short.put("older", midway_session())
    await asyncio.sleep(0.3)
    await short.put("new", midway_session())
    await short.close()
    keys = [row[0] for row in sqlite3.connect(path).execute("SELECT chat_key FROM sessions")]
    assert keys == ["new"]
    await asyncio.sleep(0.3)
    reopened = open_store(f"sqlite:///{path}", ttl_seconds=0.2)  # a restart after a quiet spell sweeps too
    assert list(sqlite3.connect(path).execute("SELECT chat_key FROM sessions")) == []
    await reopened.close()


async def test_sessions_survive_closing_and_reopening_the_store(store_url: str) -> None:
    first = open_store(store_url, ttl_seconds=3600)
    await first.put("55", midway_session())
    await first.close()
    second = open_store(store_url, ttl_seconds=3600)
    try:
        loaded = await second.get("55")
        assert loaded is not None and loaded.check.asked == ["student", "age"]
    finally:
        await second.close()


async def test_updates_of_one_chat_take_the_lock_in_arrival_order(store: SessionStore) -> None:
    events: list[str] = []

    async def turn(name: str) -> None:
        async with store.lock("9"):
            events.append(f"{name}+")
            await asyncio.sleep(0.01)
            events.append(f"{name}-")

    tasks = []
    for name in "abcde":
        tasks.append(asyncio.create_task(turn(name)))
        await asyncio.sleep(0)  # let each task start queueing before the next arrives
    await asyncio.gather(*tasks)
    assert events == [f"{n}{s}" for n in "abcde" for s in "+-"]


async def test_other_chats_are_not_held_up_by_a_locked_chat(store: SessionStore) -> None:
    async with store.lock("1"):
        await asyncio.wait_for(_enter_and_leave(store, "2"), timeout=2)


async def _enter_and_leave(store: SessionStore, key: str) -> None:
    async with store.lock(key):
        pass


async def test_concurrent_read_modify_write_loses_nothing(store: SessionStore) -> None:
    await store.put("c", Session(check=CheckDraft(failures=0)))

    async def bump() -> None:
        async with store.lock("c"):
            session = await store.get("c")
            assert session is not None
            await asyncio.sleep(0)  # give a competitor every chance to interleave
            session.check.failures += 1
            await store.put("c", session)

    await asyncio.gather(*(bump() for _ in range(25)))
    final = await store.get("c")
    assert final is not None and final.check.failures == 25


async def test_two_redis_clients_like_two_processes_never_hold_one_chat_together(redis_url: str) -> None:
    first, second = RedisSessionStore(redis_url, 3600), RedisSessionStore(redis_url, 3600)
    await first.put("c", Session(check=CheckDraft(failures=0)))

    async def bump(store: RedisSessionStore) -> None:
        async with store.lock("c"):
            session = await store.get("c")
            assert session is not None
            await asyncio.sleep(0.002)
            session.check.failures += 1
            await store.put("c", session)

    await asyncio.gather(*(bump(s) for _ in range(15) for s in (first, second)))
    final = await first.get("c")
    await first.close()
    await second.close()
    assert final is not None and final.check.failures == 30


async def test_a_redis_lock_left_by_a_dead_process_expires_with_its_lease(redis_url: str) -> None:
    store = RedisSessionStore(redis_url, 3600, lock_lease_seconds=0.3, lock_wait_seconds=0.1)
    raw = Redis.from_url(redis_url)
    await raw.set("loan-advisor:lock:d", "someone-else", px=300)
    with pytest.raises(LockTimeout):
        async with store.lock("d"):
            pass
    store2 = RedisSessionStore(redis_url, 3600, lock_wait_seconds=2)
    async with store2.lock("d"):
        assert await raw.get("loan-advisor:lock:d") not in (None, b"someone-else")
    assert await raw.get("loan-advisor:lock:d") is None  # released by its owner
    await raw.aclose()
    await store.close()
    await store2.close()


async def test_a_redis_lock_is_kept_past_its_lease_while_its_holder_still_works(redis_url: str) -> None:
    holder = RedisSessionStore(redis_url, 3600, lock_lease_seconds=0.2)
    other = RedisSessionStore(redis_url, 3600, lock_wait_seconds=0.5)
    async with holder.lock("slow"):
        with pytest.raises(LockTimeout):
            async with other.lock("slow"):
                pass
    async with other.lock("slow"):  # free again once the holder is done
        pass
    await holder.close()
    await other.close()


async def test_a_corrupt_sqlite_record_reads_as_absent_and_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "s.sqlite3"
    store = open_store(f"sqlite:///{path}", ttl_seconds=3600)
    await store.put("5", midway_session())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE sessions SET data = '{\"flow\": 12, broken' WHERE chat_key = '5'")
    with caplog.at_level(logging.WARNING, logger="bot.storage.base"):
        assert await store.get("5") is None
    assert "unreadable session record for chat 5" in caplog.text
    await store.put("5", Session())  # and the chat can carry on
    assert await store.get("5") is not None
    await store.close()


async def test_a_corrupt_or_foreign_redis_record_reads_as_absent(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(redis_url, ttl_seconds=3600)
    raw = Redis.from_url(redis_url)
    await raw.set("loan-advisor:session:6", b"\xff\xfe not json")
    await raw.set("loan-advisor:session:8", '{"schema_version": 99}')
    with caplog.at_level(logging.WARNING, logger="bot.storage.base"):
        assert await store.get("6") is None
        assert await store.get("8") is None
    assert caplog.text.count("unreadable session record") == 2
    await raw.aclose()
    await store.close()


def test_an_unknown_storage_url_is_refused_with_the_accepted_forms() -> None:
    with pytest.raises(ValueError, match="sqlite:///path or redis://"):
        open_store("postgres://localhost/db", ttl_seconds=60)


async def test_the_sqlite_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    import os
    import stat

    previous = os.umask(0o022)  # a permissive mask, as a library or a shell may leave it
    try:
        path = tmp_path / "fresh" / "sessions.sqlite3"
        store = open_store(f"sqlite:///{path}", ttl_seconds=3600)
        await store.put("1", midway_session())
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        assert all(f.exists() for f in files)
        assert [stat.S_IMODE(f.stat().st_mode) for f in files] == [0o600] * 3
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        await store.close()
    finally:
        os.umask(previous)


async def test_delete_member_erases_the_persons_conversations_in_groups_and_nothing_else(
    store: SessionStore,
) -> None:
    keys = ["702", "-100777:702", "-100888:702", "-100777:701", "7020", "-100777:7020", "-100702"]
    for key in keys:
        await store.put(key, midway_session())
    await store.delete_member(702)
    kept = [key for key in keys if await store.get(key) is not None]
    assert kept == ["702", "-100777:701", "7020", "-100777:7020", "-100702"]


async def test_a_redis_store_under_more_requests_than_connections_makes_them_wait(redis_url: str) -> None:
    # hundreds of chats' turns at once: each waits for one of the pool's connections rather than failing
    # (which told the user 「暂时无法保存对话」)
    store = open_store(redis_url, ttl_seconds=3600)
    try:
        await asyncio.gather(*(store.put(f"chat{n}", Session()) for n in range(400)))
        loaded = await asyncio.gather(*(store.get(f"chat{n}") for n in range(400)))
        assert all(session is not None for session in loaded)
    finally:
        await store.close()
