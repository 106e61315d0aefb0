"""The session store interface: what the transports need to keep one :class:`Session` per chat.

A store keeps nothing but serialised sessions, keyed by the chat id as a string, and forgets a session
that has been idle longer than its time to live. :meth:`SessionStore.lock` serialises the handling of one
chat's updates, across tasks and, for the Redis store, across processes, so two updates that arrive at
once are applied one after the other and neither is lost.
"""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager
from typing import Protocol, runtime_checkable

from flows.session import Session

log = logging.getLogger(__name__)


class LockTimeout(RuntimeError):
    """A chat stayed locked for longer than a handler may plausibly take."""


@runtime_checkable
class SessionStore(Protocol):
    """Where sessions live between turns and across restarts."""

    ttl_seconds: float

    async def get(self, key: str) -> Session | None:
        """The stored session, or ``None`` when absent, expired or unreadable."""

    async def put(self, key: str, session: Session) -> None:
        """Store ``session`` and restart its idle clock."""

    async def delete(self, key: str) -> None:
        """Erase every record kept for ``key``."""

    def lock(self, key: str) -> AbstractAsyncContextManager[None]:
        """Hold the chat ``key`` exclusively for the duration of the ``async with`` block."""

    async def close(self) -> None:
        """Release connections and files."""


def decode(key: str, raw: str | bytes | None) -> Session | None:
    """Parse a stored record, treating a corrupt or foreign one as absent (and saying so in the log).

    Args:
        key: the chat key, for the log line only.
        raw: the stored bytes, or ``None`` when nothing is stored.
    """
    if raw is None:
        return None
    try:
        return Session.loads(raw)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError too
        log.warning("discarding unreadable session record for chat %s: %s", key, str(exc).splitlines()[0])
        return None
