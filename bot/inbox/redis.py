"""The inbox in Redis Streams: for several bot processes sharing one Redis.

Updates go to one of :data:`SHARDS` streams, chosen by their chat, so one chat's updates are always in
one stream, in the order received. Each stream is read through a consumer group by one process at a
time: the process holds the stream's *lease* (a key with a random token and a short expiry, renewed
every second) and gives it up when it stops. A process that dies stops renewing; a few seconds later
another live process takes the lease, claims the entries the dead one had read and not acknowledged
(``XAUTOCLAIM``, in stream order) and handles them, then reads on. Live processes share the streams
evenly (each takes at most its share; one holding more than its share gives back streams that have
nothing in hand, so a stream busy with a slow group is never left unread). A handled entry is
acknowledged and deleted (``XACK``, ``XDEL``): it holds what the user wrote.

Writing an update is one ``XADD`` (Redis's own durability settings decide what survives a crash of
Redis itself; see the README); an update delivered twice by Telegram (a webhook answered too late) is
added once, remembered by id for :data:`SEEN_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
import time
import zlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from bot.inbox.base import Entry
from bot.storage.base import StorageUnavailable
from bot.storage.redis import LEASE_EXTEND, LEASE_RELEASE, redis_client

log = logging.getLogger(__name__)

#: streams the chats are spread over: the most processes that can share the work
SHARDS = 16
#: how long an update id is remembered against a second delivery of the same update
SEEN_SECONDS = 3600
GROUP = "bots"

_ADD = """
if redis.call('set', KEYS[2], '1', 'NX', 'EX', ARGV[5]) then
    redis.call('xadd', KEYS[1], '*', 'update_id', ARGV[1], 'chat', ARGV[2], 'data', ARGV[3], 'at', ARGV[4])
end
local last = tonumber(redis.call('get', KEYS[3]) or '-1')
if tonumber(ARGV[1]) > last then redis.call('set', KEYS[3], ARGV[1]) end
return 1
"""


def shard_of(chat: str) -> int:
    """The stream of a chat: the same in every process (Python's ``hash`` of a string is not)."""
    return zlib.crc32(chat.encode()) % SHARDS


class RedisInbox:
    """Received updates in Redis Streams, shared by every bot process on the same Redis.

    Args:
        url: ``redis://host:port/db``.
        prefix: namespace of this application's keys.
        lease_seconds: how long a stream stays with a process that stopped renewing (died).
    """

    def __init__(self, url: str, *, prefix: str = "loan-advisor:", lease_seconds: float = 3.0) -> None:
        self._redis: Redis = redis_client(url, socket_connect_timeout=2.0, socket_timeout=10.0)
        self._prefix = prefix
        self._lease_ms = int(lease_seconds * 1000)
        self.me = secrets.token_hex(8)
        self._add = self._redis.register_script(_ADD)
        self._extend = self._redis.register_script(LEASE_EXTEND)
        self._release = self._redis.register_script(LEASE_RELEASE)
        self._queue: asyncio.Queue[Entry] = asyncio.Queue()
        self._owned: dict[int, str] = {}  # shard -> lease token
        self._readers: dict[int, asyncio.Task[None]] = {}
        self._in_hand: dict[int, int] = {}  # shard -> entries handed out and not done
        self._keeper: asyncio.Task[None] | None = None
        self._closed = False

    def _key(self, *parts: object) -> str:
        return self._prefix + "inbox:" + ":".join(str(part) for part in parts)

    # --- writing -----------------------------------------------------------------------------------

    async def add(self, entries: Sequence[Entry]) -> None:
        """``XADD`` each entry to its chat's stream (once per update id)."""
        if not entries:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for entry in entries:
                    keys = [
                        self._key(shard_of(entry.chat)),
                        self._key("seen", entry.update_id),
                        self._key("last"),
                    ]
                    args: list[str | int | float] = [
                        entry.update_id,
                        entry.chat,
                        entry.data,
                        entry.received_at,
                        SEEN_SECONDS,
                    ]
                    await self._add(keys=keys, args=args, client=pipe)
                await pipe.execute()
        except RedisError as error:
            raise StorageUnavailable(f"Redis inbox: {error}") from error

    async def last_update_id(self) -> int | None:
        """The highest update id added by any process."""
        try:
            raw = await self._redis.get(self._key("last"))
        except RedisError as error:
            raise StorageUnavailable(f"Redis inbox: {error}") from error
        return None if raw is None else int(raw)

    # --- reading -----------------------------------------------------------------------------------

    async def claimed(self) -> AsyncIterator[Entry]:
        """The entries of the streams this process holds, each stream in order; endless."""
        if self._keeper is None:
            await self._keep_leases_once()
            self._keeper = asyncio.create_task(self._keep_leases())
        while True:
            entry = await self._queue.get()
            yield entry

    async def done(self, entry: Entry) -> None:
        """Acknowledge and delete the entry; its stream may now be given back if it was surplus."""
        shard = shard_of(entry.chat)
        self._in_hand[shard] = self._in_hand.get(shard, 1) - 1
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.xack(self._key(shard), GROUP, entry.receipt)
                pipe.xdel(self._key(shard), entry.receipt)
                await pipe.execute()
        except RedisError as error:  # handled all the same; a later owner may handle it again
            log.warning("could not acknowledge update %s: %s", entry.update_id, error)

    @property
    def shards(self) -> list[int]:
        """The streams this process holds now."""
        return sorted(self._owned)

    async def _keep_leases(self) -> None:
        while not self._closed:
            await asyncio.sleep(self._lease_ms / 3000)
            try:
                await self._keep_leases_once()
            except RedisError as error:
                if self._closed:
                    return
                log.warning("inbox: could not renew the stream leases: %s", error)

    async def _keep_leases_once(self) -> None:
        """Renew what is held, give back surplus that is idle, take free streams up to a fair share."""
        now = time.time()
        members = self._key("members")
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zadd(members, {self.me: now + self._lease_ms / 1000})
            pipe.zremrangebyscore(members, "-inf", now)
            pipe.zcard(members)
            _, _, alive = await pipe.execute()
        share = math.ceil(SHARDS / max(1, int(alive)))
        for shard, token in list(self._owned.items()):
            if not await self._extend(keys=[self._key("owner", shard)], args=[token, self._lease_ms]):
                log.warning("inbox: lost the lease of stream %d; another process has it", shard)
                self._drop(shard)
        # surplus goes back only from streams with nothing in hand (no await in between: no entry can
        # be handed out meanwhile); a stream busy with a slow group stays, and keeps being read
        surplus = len(self._owned) - share
        for shard in sorted(self._owned, reverse=True):
            if surplus <= 0:
                break
            if self._in_hand.get(shard, 0) <= 0:
                await self._give_back(shard)
                surplus -= 1
        if len(self._owned) >= share:
            return
        start = secrets.randbelow(SHARDS)
        for offset in range(SHARDS):
            shard = (start + offset) % SHARDS
            if shard in self._owned:
                continue
            token = secrets.token_hex(8)
            if await self._redis.set(self._key("owner", shard), token, nx=True, px=self._lease_ms):
                self._owned[shard] = token
                self._readers[shard] = asyncio.create_task(self._read(shard))
                if len(self._owned) >= share:
                    return

    def _drop(self, shard: int) -> None:
        self._owned.pop(shard, None)
        reader = self._readers.pop(shard, None)
        if reader is not None:
            reader.cancel()

    async def _give_back(self, shard: int) -> None:
        token = self._owned.get(shard)
        self._drop(shard)
        if token is not None:
            await self._release(keys=[self._key("owner", shard)], args=[token])

    async def _read(self, shard: int) -> None:
        """Hand out the stream's entries: first those a previous holder left unacknowledged, then new ones."""
        stream = self._key(shard)
        try:
            with contextlib.suppress(ResponseError):  # BUSYGROUP: it exists already
                await self._redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
            cursor = "0-0"
            while True:  # what the previous holder read and never acknowledged, in stream order
                reply = await self._redis.xautoclaim(stream, GROUP, self.me, 0, start_id=cursor, count=100)
                cursor = reply[0].decode() if isinstance(reply[0], bytes) else str(reply[0])
                self._hand_out(shard, reply[1])
                if cursor == "0-0":
                    break
            while True:
                batches: Any = await self._redis.xreadgroup(
                    GROUP, self.me, {stream: ">"}, count=100, block=1000
                )
                for _, messages in batches or []:
                    self._hand_out(shard, messages)
        except asyncio.CancelledError:
            raise
        except RedisError as error:  # the lease runs out; this or another process reads it again
            log.warning("inbox: reading stream %d failed: %s", shard, error)
            self._drop(shard)

    def _hand_out(self, shard: int, messages: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        for receipt, fields in messages:
            if not fields:  # deleted meanwhile: nothing left to handle
                continue
            entry = Entry(
                update_id=int(fields[b"update_id"]),
                chat=fields[b"chat"].decode(),
                data=fields[b"data"].decode(),
                received_at=float(fields[b"at"]),
                receipt=receipt.decode(),
            )
            self._in_hand[shard] = self._in_hand.get(shard, 0) + 1
            self._queue.put_nowait(entry)

    async def close(self) -> None:
        """Stop reading, give every stream back at once (a live process takes it up), disconnect."""
        self._closed = True
        if self._keeper is not None:
            self._keeper.cancel()
            # not awaited without a limit: redis-py may turn a cancellation into a connection error
            await asyncio.wait([self._keeper], timeout=1.0)
        for shard in list(self._owned):
            with contextlib.suppress(RedisError):
                await self._give_back(shard)
        readers = list(self._readers.values())
        for reader in readers:
            reader.cancel()
        if readers:
            await asyncio.wait(readers, timeout=1.0)
        with contextlib.suppress(RedisError):
            await self._redis.zrem(self._key("members"), self.me)
        await self._redis.aclose()
