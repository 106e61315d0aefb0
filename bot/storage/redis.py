"""Redis session store: for several bot processes behind one webhook.

Each session is one string key with an expiry equal to the idle time to live, so Redis itself forgets
idle sessions. The per-chat lock is a ``SET NX PX`` key holding a random token, released by a small Lua
script only by its owner, so a lock that outlived its lease and was taken over is never released by
the wrong process. The lease is short (3 s) and the holder renews it every second while it works, so it
only runs out when the holding process has died (or lost Redis): another process takes the chat up
within seconds. Fencing: while the lock is held, a session is written only if the lock still holds this
holder's token (checked in the same Lua script as the write), so a process that lost its lease cannot
overwrite what the new holder wrote; it gets :class:`~bot.storage.base.LeaseLost`. Inside one
process, waiters for the same chat first queue on a local lock, which keeps them in arrival order and
spares Redis needless polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError

from bot.storage.base import LeaseLost, Loaded, LockTimeout, StorageUnavailable, decode_record
from bot.storage.redis_forget import FORGET_REWRITE_DELAY, ForgetRewrite
from bot.storage.sqlite import KeyedLocks
from flows.session import Session

log = logging.getLogger(__name__)

#: the chat lock this task holds, as (chat key, token): the writes under it are fenced by the token
_holding: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("holding", default=None)

#: connections one client (the store's, the inbox's) opens at most
MAX_CONNECTIONS = 100
#: how long a request waits for a free connection when all are in use, before Redis counts as unavailable
POOL_WAIT_SECONDS = 10.0


def redis_client(url: str, **options: object) -> Redis:
    """A client for ``url`` whose requests wait for a free connection when all are busy.

    redis-py's default pool refuses the request beyond its 100 connections at once ("Too many
    connections"): a burst of webhook updates, or hundreds of chats' turns, then failed as if Redis were
    down. ``options`` are the connections' (time-outs, retries).
    """
    pool = BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=POOL_WAIT_SECONDS, **options
    )
    return Redis.from_pool(pool)


#: a lease renewed only by its holder (its token): shared with the inbox's stream leases
LEASE_EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""

_FENCED_SET = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    redis.call('set', KEYS[2], ARGV[2], 'PX', ARGV[3])
    return 1
end
return 0
"""

#: a lease given up only by its holder
LEASE_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class RedisSessionStore:
    """Sessions in Redis.

    Args:
        url: ``redis://host:port/db``.
        ttl_seconds: idle time after which Redis drops a session.
        prefix: namespace of this application's keys.
        lock_lease_seconds: how long a lock survives a process that died while holding it.
        lock_wait_seconds: how long to wait for a busy chat before giving up.
        forget_rewrite_delay: seconds after a forget before Redis is asked to rewrite its files
            (:mod:`bot.storage.redis_forget`).
    """

    def __init__(
        self,
        url: str,
        ttl_seconds: float,
        *,
        prefix: str = "loan-advisor:",
        lock_lease_seconds: float = 3.0,
        lock_wait_seconds: float = 60.0,
        forget_rewrite_delay: float = FORGET_REWRITE_DELAY,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.url = url
        # a few quick retries ride out a blip; an outage surfaces within seconds as StorageUnavailable
        # instead of holding the chat for the client's default back-off
        self._redis: Redis = redis_client(
            url,
            socket_connect_timeout=2.0,
            socket_timeout=5.0,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
        )
        self._prefix = prefix
        self._lease_ms = int(lock_lease_seconds * 1000)
        self._wait = lock_wait_seconds
        self._local = KeyedLocks()
        self._release = self._redis.register_script(LEASE_RELEASE)
        self._extend = self._redis.register_script(LEASE_EXTEND)
        self._rewrite = ForgetRewrite(self._redis, forget_rewrite_delay)
        self._fenced_set = self._redis.register_script(_FENCED_SET)

    @staticmethod
    @contextlib.contextmanager
    def _reachable() -> Iterator[None]:
        """Turn Redis's own errors (connection refused, ``MISCONF``, ``OOM``…) into StorageUnavailable."""
        try:
            yield
        except RedisError as error:
            raise StorageUnavailable(f"Redis: {error}") from error

    def _session_key(self, key: str) -> str:
        return f"{self._prefix}session:{key}"

    async def get(self, key: str) -> Session | None:
        """The stored session, or ``None`` when absent, expired or corrupt."""
        return (await self.load(key)).session

    async def load(self, key: str) -> Loaded:
        """The stored session, and whether a record was there but unreadable."""
        with self._reachable():
            raw: bytes | str | None = await self._redis.get(self._session_key(key))
        return decode_record(key, raw)

    async def put(self, key: str, session: Session) -> None:
        """Store ``session`` with a fresh expiry; under the chat's lock, only while the lock is still ours.

        Raises:
            LeaseLost: the lock's lease ran out and another process holds the chat now.
        """
        expiry_ms = max(1, int(self.ttl_seconds * 1000))
        holding = _holding.get()
        with self._reachable():
            if holding is None or holding[0] != key:
                await self._redis.set(self._session_key(key), session.dumps(), px=expiry_ms)
                return
            keys = [self._lock_key(key), self._session_key(key)]
            written = await self._fenced_set(keys=keys, args=[holding[1], session.dumps(), expiry_ms])
        if not written:
            raise LeaseLost(f"the lock of chat {key} was lost; the session was not written")

    def _lock_key(self, key: str) -> str:
        return f"{self._prefix}lock:{key}"

    async def delete(self, key: str) -> None:
        """Erase the chat's session, from memory now and from Redis's files on disk soon after."""
        with self._reachable():
            await self._redis.delete(self._session_key(key))
        self._rewrite.forgotten()

    async def delete_member(self, member: int) -> None:
        """Erase the person's conversations in every group (keys ``<chat>:<member>``), and soon from disk.

        A ``SCAN`` over the sessions: it costs a pass over the keys, which a forget can afford.
        """
        # a group's id ends in a digit: the private chat's key, ``session:<member>``, does not match
        pattern = self._session_key(f"*[0-9]:{int(member)}")
        with self._reachable():
            keys = [key async for key in self._redis.scan_iter(match=pattern, count=500)]
            if keys:
                await self._redis.delete(*keys)
        self._rewrite.forgotten()

    def lock(self, key: str) -> AbstractAsyncContextManager[None]:
        """Hold the chat ``key`` across every process that shares this Redis."""
        return self._hold(key)

    @asynccontextmanager
    async def _hold(self, key: str) -> AsyncIterator[None]:
        lock_key = self._lock_key(key)
        token = secrets.token_hex(16)
        async with self._local.hold(key):
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self._wait
            pause = 0.005
            with self._reachable():
                while not await self._redis.set(lock_key, token, nx=True, px=self._lease_ms):
                    if loop.time() > deadline:
                        raise LockTimeout(f"chat {key} stayed locked for {self._wait:.0f}s")
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, 0.1)
            done = asyncio.Event()
            renewal = asyncio.create_task(self._keep_lease(lock_key, token, done))
            held = _holding.set((key, token))
            try:
                yield
            finally:
                _holding.reset(held)
                # told to stop, not cancelled: redis-py may turn a cancellation in the middle of a
                # command into a connection error, which the renewal would log and carry on after
                done.set()
                await asyncio.wait([renewal], timeout=self._lease_ms / 1000)
                try:
                    await self._release(keys=[lock_key], args=[token])
                except RedisError as error:  # the lease runs out by itself; the turn itself is done
                    log.warning("could not release the lock of chat %s: %s", key, error)

    async def _keep_lease(self, lock_key: str, token: str, done: asyncio.Event) -> None:
        """Renew the lease until ``done``, so a slow turn (a long flood wait) keeps its chat."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), self._lease_ms / 3000)
            if done.is_set():
                return
            try:
                if not await self._extend(keys=[lock_key], args=[token, self._lease_ms]):
                    log.warning("the lease of a chat lock ran out; its writes are refused from now on")
                    return
            except RedisError as error:  # Redis is down: the holder's own calls will fail and say so
                log.warning("could not renew a chat lock: %s", error)

    async def close(self) -> None:
        """Ask for a rewrite still due, then close the connection pool."""
        await self._rewrite.close()
        await self._redis.aclose()
