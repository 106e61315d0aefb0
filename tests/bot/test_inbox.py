"""The durable inbox on its own: kept across a crash, one chat in order, chats independent, and with Redis
a stopped or dead process's streams taken up by a live one. Real SQLite files and a real redis-server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot.inbox import Entry, entry_of
from bot.inbox.dispatch import Dispatcher
from bot.inbox.redis import SHARDS, RedisInbox, shard_of
from bot.inbox.sqlite import SqliteInbox


def update(update_id: int, chat: int, text: str = "你好") -> dict[str, object]:
    """A Telegram message update as JSON."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"},
            "from": {"id": abs(chat), "is_bot": False, "first_name": "x"},
            "text": text,
        },
    }


async def take(inbox: SqliteInbox | RedisInbox, count: int) -> list[Entry]:
    """The next ``count`` entries the inbox hands out (failing after 10 s)."""
    taken: list[Entry] = []

    async def collect() -> None:
        async for entry in inbox.claimed():
            taken.append(entry)
            if len(taken) == count:
                return

    await asyncio.wait_for(collect(), 10)
    return taken


def test_an_update_is_ordered_by_its_chat_and_a_button_press_by_the_chat_of_its_message() -> None:
    assert entry_of(update(1, -100)).chat == "-100"
    press = {"update_id": 2, "callback_query": {"id": "q", "from": {"id": 7}, "message": {"chat": {"id": 9}}}}
    assert entry_of(press).chat == "9"
    assert entry_of({"update_id": 3, "poll": {}}).chat == "update:3"  # no chat: waits for nothing
    assert json.loads(entry_of(update(4, 5, "中文")).data)["message"]["text"] == "中文"


async def test_sqlite_keeps_what_was_not_done_across_a_crash_in_order_and_forgets_what_was(
    tmp_path: Path,
) -> None:
    path = tmp_path / "inbox.sqlite3"
    first = SqliteInbox(path)
    await first.add([entry_of(update(n, 10 + n % 2)) for n in (1, 2, 3, 4)])
    await first.add([entry_of(update(2, 11))])  # fetched again: kept once
    handed = await take(first, 4)
    assert [e.update_id for e in handed] == [1, 2, 3, 4]
    await first.done(handed[0])
    assert await first.last_update_id() == 4
    first._db.close()  # the process dies: nothing more is written

    second = SqliteInbox(path)  # the next start hands out what was left, in order
    assert [e.update_id for e in await take(second, 3)] == [2, 3, 4]
    assert await second.last_update_id() == 4
    for entry in handed[1:]:
        await second.done(entry)
    assert await second.depth() == 0
    await second.close()
    assert b"\xe4\xbd\xa0\xe5\xa5\xbd" not in path.read_bytes()  # 你好: handled text overwritten


async def test_an_update_with_a_lone_surrogate_is_kept_and_read_back_as_it_came(tmp_path: Path) -> None:
    inbox = SqliteInbox(tmp_path / "inbox.sqlite3")
    hostile = update(7, 12, "你好\ud800")
    await inbox.add([entry_of(hostile)])  # raised UnicodeEncodeError, and long polling retried for ever
    [entry] = await take(inbox, 1)
    assert json.loads(entry.data) == hostile
    await inbox.close()


async def test_a_slow_chat_holds_up_only_its_own_later_updates(tmp_path: Path) -> None:
    inbox = SqliteInbox(tmp_path / "inbox.sqlite3")
    release = asyncio.Event()
    handled: list[tuple[str, int]] = []

    async def handle(entry: Entry) -> None:
        if entry.update_id == 1:
            await release.wait()  # a group whose reply waits on Telegram's limit
        handled.append((entry.chat, entry.update_id))

    dispatcher = Dispatcher(inbox, handle)
    dispatcher.start()
    await inbox.add([entry_of(update(1, -100)), entry_of(update(2, -100))])
    await inbox.add([entry_of(update(n, 7)) for n in range(3, 13)])
    for _ in range(200):
        if len(handled) == 10:
            break
        await asyncio.sleep(0.01)
    assert handled == [("7", n) for n in range(3, 13)]  # the other chat went on, in its order
    assert dispatcher.in_hand == 2
    release.set()
    for _ in range(200):
        if len(handled) == 12:
            break
        await asyncio.sleep(0.01)
    assert handled[10:] == [("-100", 1), ("-100", 2)]
    await dispatcher.stop(grace=1)
    assert await inbox.depth() == 0
    await inbox.close()


async def test_stopping_hands_the_unfinished_turns_back_to_the_inbox(tmp_path: Path) -> None:
    path = tmp_path / "inbox.sqlite3"
    inbox = SqliteInbox(path)
    started = asyncio.Event()

    async def stuck(entry: Entry) -> None:
        started.set()
        await asyncio.Event().wait()  # never finishes by itself

    dispatcher = Dispatcher(inbox, stuck)
    dispatcher.start()
    await inbox.add([entry_of(update(1, 5)), entry_of(update(2, 5))])
    await asyncio.wait_for(started.wait(), 5)
    await dispatcher.stop(grace=0.1)
    await inbox.close()
    again = SqliteInbox(path)
    assert [e.update_id for e in await take(again, 2)] == [1, 2]
    await again.close()


async def test_redis_shares_the_streams_and_a_stopped_process_leaves_its_updates_to_the_other(
    redis_url: str,
) -> None:
    one, two = RedisInbox(redis_url), RedisInbox(redis_url)
    await take_nothing(one)  # one takes every stream
    assert len(one.shards) == SHARDS
    chat = 42
    await two.add([entry_of(update(n, chat)) for n in (1, 2, 3)])  # received by the other process
    handed = await take(one, 3)
    assert [e.update_id for e in handed] == [1, 2, 3]
    await one.done(handed[0])
    assert await two.last_update_id() == 3

    await one.close()  # stopped with two updates in hand: the streams go back at once
    again = await take(two, 2)
    assert [e.update_id for e in again] == [2, 3]  # in order, taken up by the live process
    await two.add([entry_of(update(2, chat))])  # the same update delivered again by Telegram
    for entry in again:
        await two.done(entry)
    assert await two._redis.xlen(f"loan-advisor:inbox:{shard_of(str(chat))}") == 0  # text deleted
    await two.close()


async def test_redis_live_processes_split_the_streams_and_a_dead_ones_lapse(redis_url: str) -> None:
    one = RedisInbox(redis_url, lease_seconds=0.6)
    two = RedisInbox(redis_url, lease_seconds=0.6)
    await take_nothing(one)
    await take_nothing(two)
    for _ in range(50):  # one gives back its surplus, two takes it
        if len(one.shards) == len(two.shards) == SHARDS // 2:
            break
        await asyncio.sleep(0.1)
    assert sorted(one.shards + two.shards) == list(range(SHARDS))
    first = 1
    owner_of_first = one if shard_of(str(first)) in one.shards else two
    other = two if owner_of_first is one else one
    await other.add([entry_of(update(1, first))])
    assert [e.update_id for e in await take(owner_of_first, 1)] == [1]

    # the owner dies: no renewal, no release; its leases lapse and the survivor takes its streams
    assert owner_of_first._keeper is not None
    owner_of_first._keeper.cancel()
    for reader in owner_of_first._readers.values():
        reader.cancel()
    assert [e.update_id for e in await take(other, 1)] == [1]
    assert len(other.shards) == SHARDS
    await other.close()


async def take_nothing(inbox: RedisInbox) -> None:
    """Start ``inbox`` handing out (takes its streams) without waiting for an entry."""
    iterator = inbox.claimed().__aiter__()
    task = asyncio.ensure_future(iterator.__anext__())
    await asyncio.sleep(0.2)
    task.cancel()


async def test_busy_groups_fill_only_the_group_slots_and_private_chats_go_on(tmp_path: Path) -> None:
    inbox = SqliteInbox(tmp_path / "inbox.sqlite3")
    release = asyncio.Event()
    handled: list[int] = []

    async def handle(entry: Entry) -> None:
        if entry.chat.startswith("-"):
            await release.wait()  # every group waits on Telegram's per-group limit
        handled.append(entry.update_id)

    dispatcher = Dispatcher(inbox, handle, private_turns=2, group_turns=2)
    dispatcher.start()
    await inbox.add([entry_of(update(n, -100 - n)) for n in range(1, 6)])  # five busy groups
    await inbox.add([entry_of(update(n, n)) for n in range(10, 20)])  # ten private chats
    for _ in range(300):
        if len(handled) == 10:
            break
        await asyncio.sleep(0.01)
    assert sorted(handled) == list(range(10, 20))
    release.set()
    for _ in range(300):
        if len(handled) == 15:
            break
        await asyncio.sleep(0.01)
    assert sorted(handled[10:]) == [1, 2, 3, 4, 5]
    await dispatcher.stop(grace=1)
    await inbox.close()


async def test_redis_a_burst_of_updates_beyond_the_connection_pool_waits_for_a_connection(
    redis_url: str,
) -> None:
    # a webhook burst: more updates kept at once than the client has connections (redis-py's pool holds
    # 100); each waits for a connection instead of failing, which answered Telegram with a 500
    inbox = RedisInbox(redis_url)
    try:
        burst = [inbox.add([entry_of(update(n, -700 - n % 10))]) for n in range(1, 401)]
        await asyncio.gather(*burst)
        assert await inbox.last_update_id() == 400
    finally:
        await inbox.close()
