"""Redis session store: for several bot processes behind one webhook.

Each session is one string key with an expiry equal to the idle time to live, so Redis itself forgets
idle sessions. The per-chat lock is a ``SET NX PX`` key holding a random token, released by a small Lua
script only by its owner, so a lock that outlived its lease and was taken over is never released by
the wrong process. The holder renews the lease while it works; the lease only runs out when the
holding process has died. Inside one process, waiters for the same chat first queue on a local lock, which
keeps them in arrival order and spares Redis needless polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from redis.asyncio import Redis

from bot.storage.base import LockTimeout, decode
from bot.storage.sqlite import KeyedLocks
from flows.session import Session

_EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""

_RELEASE = """
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
    """

    def __init__(
        self,
        url: str,
        ttl_seconds: float,
        *,
        prefix: str = "loan-advisor:",
        lock_lease_seconds: float = 30.0,
        lock_wait_seconds: float = 60.0,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self._redis: Redis = Redis.from_url(url)
        self._prefix = prefix
        self._lease_ms = int(lock_lease_seconds * 1000)
        self._wait = lock_wait_seconds
        self._local = KeyedLocks()
        self._release = self._redis.register_script(_RELEASE)
        self._extend = self._redis.register_script(_EXTEND)

    def _session_key(self, key: str) -> str:
        return f"{self._prefix}session:{key}"

    async def get(self, key: str) -> Session | None:
        """The stored session, or ``None`` when absent, expired or corrupt."""
        raw: bytes | str | None = await self._redis.get(self._session_key(key))
        return decode(key, raw)

    async def put(self, key: str, session: Session) -> None:
        """Store ``session`` with a fresh expiry."""
        expiry_ms = max(1, int(self.ttl_seconds * 1000))
        await self._redis.set(self._session_key(key), session.dumps(), px=expiry_ms)

    async def delete(self, key: str) -> None:
        """Erase the chat's session."""
        await self._redis.delete(self._session_key(key))

    def lock(self, key: str) -> AbstractAsyncContextManager[None]:
        """Hold the chat ``key`` across every process that shares this Redis."""
        return self._hold(key)

    @asynccontextmanager
    async def _hold(self, key: str) -> AsyncIterator[None]:
        lock_key = f"{self._prefix}lock:{key}"
        token = secrets.token_hex(16)
        async with self._local.hold(key):
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self._wait
            pause = 0.005
            while not await self._redis.set(lock_key, token, nx=True, px=self._lease_ms):
                if loop.time() > deadline:
                    raise LockTimeout(f"chat {key} stayed locked for {self._wait:.0f}s")
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.1)
            renewal = asyncio.create_task(self._keep_lease(lock_key, token))
            try:
                yield
            finally:
                renewal.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewal
                await self._release(keys=[lock_key], args=[token])

    async def _keep_lease(self, lock_key: str, token: str) -> None:
        """Renew the lease while the holder works, so a slow turn (a long flood wait) keeps its chat."""
        while True:
            await asyncio.sleep(self._lease_ms / 3000)
            await self._extend(keys=[lock_key], args=[token, self._lease_ms])

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()
