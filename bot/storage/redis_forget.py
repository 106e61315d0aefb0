"""After ``/forget``, Redis is asked to rewrite its files on disk, so a forgotten session leaves the disk too.

``DEL`` removes a session from Redis's memory, but with persistence on, the disk still holds it: the
append-only file keeps every ``SET`` of the session until the file is rewritten (Redis does that by
itself only when the file has doubled in size), and an RDB snapshot keeps it until the next snapshot.
So after a forget, :class:`ForgetRewrite` asks for ``BGREWRITEAOF`` (when the append-only file is on)
and ``BGSAVE SCHEDULE`` (when snapshots are configured): Redis writes the files anew from what it holds
now, without the session, and removes the old ones once the new are in place.

The request waits :data:`FORGET_REWRITE_DELAY` seconds first, so a burst of forgets costs one rewrite;
a forget that arrives while a rewrite is being asked for gets one of its own. A rewrite costs about the
time to write every session once; the sessions are small.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

log = logging.getLogger(__name__)

#: seconds between a forget and the rewrite that takes the session off the disk
FORGET_REWRITE_DELAY = 10.0


class ForgetRewrite:
    """Asks Redis to rewrite its persistence files a little after sessions were forgotten.

    Args:
        redis: the store's client.
        delay: seconds to wait after the first forget of a burst.
    """

    def __init__(self, redis: Redis, delay: float = FORGET_REWRITE_DELAY) -> None:
        self._redis = redis
        self.delay = delay
        self._due = False
        self._task: asyncio.Task[None] | None = None

    def forgotten(self) -> None:
        """Note that a session was deleted; a rewrite follows within :attr:`delay` seconds."""
        self._due = True
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._later())

    async def _later(self) -> None:
        while self._due:
            await asyncio.sleep(self.delay)
            self._due = False  # a forget from here on is not covered by this rewrite: it loops again
            await self.rewrite()

    async def rewrite(self) -> None:
        """Ask for the rewrites now; Redis does them in the background. Failures are logged, not raised."""
        try:
            persistence = await self._redis.info("persistence")
            if persistence.get("aof_enabled"):
                await self._redis.execute_command("BGREWRITEAOF")
            if await self._snapshots_configured():
                await self._redis.execute_command("BGSAVE", "SCHEDULE")
        except RedisError as error:
            # the session is gone from memory; the disk keeps it until Redis rewrites by itself
            log.warning("could not ask Redis to rewrite its files after a forget: %s", error)

    async def _snapshots_configured(self) -> bool:
        try:
            config = await self._redis.config_get("save")
        except ResponseError:  # CONFIG renamed away, as managed services do: snapshots are theirs
            return False
        return bool(str(config.get("save", "")).strip())

    async def close(self) -> None:
        """A rewrite still waiting is asked for at once, rather than lost with the process."""
        task, self._task = self._task, None
        if task is None or task.done():
            return
        task.cancel()  # waiting, or cut off while asking: asked (again) now
        with contextlib.suppress(asyncio.CancelledError):
            await task
        self._due = False
        await self.rewrite()
