"""The session store interface: what the transports need to keep one :class:`Session` per chat.

A store keeps nothing but serialised sessions, keyed by the chat id as a string, and forgets a session
that has been idle longer than its time to live. :meth:`SessionStore.lock` serialises the handling of one
chat's updates, across tasks and, for the Redis store, across processes, so two updates that arrive at
once are applied one after the other and neither is lost.
"""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager
from typing import NamedTuple, Protocol, runtime_checkable

from pydantic import ValidationError

from flows.session import Session

log = logging.getLogger(__name__)


class LockTimeout(RuntimeError):
    """A chat stayed locked for longer than a handler may plausibly take."""


class LeaseLost(RuntimeError):
    """This process no longer holds the chat's lock (its lease ran out and another process took it):
    it must not write, the other process handles the chat now (fencing)."""


class StorageUnavailable(RuntimeError):
    """The store cannot be read or written right now (disk full, read-only file, Redis down).

    The stores raise it instead of their backend's own errors, so the transport can tell the user
    politely and carry on; the message names the backend and its reason, never a session's content.
    """


class Loaded(NamedTuple):
    """What a store holds for a chat: the session, or ``None`` with ``unreadable`` telling why.

    ``unreadable`` is true when a record was there but could not be read (corrupt, or saved by a
    version with another schema): the transport then starts afresh and tells the user so, instead of
    silently forgetting where they were.
    """

    session: Session | None
    unreadable: bool = False


@runtime_checkable
class SessionStore(Protocol):
    """Where sessions live between turns and across restarts."""

    ttl_seconds: float

    async def get(self, key: str) -> Session | None:
        """The stored session, or ``None`` when absent, expired or unreadable."""

    async def load(self, key: str) -> Loaded:
        """The stored session, and whether a record was found that could not be read."""

    async def put(self, key: str, session: Session) -> None:
        """Store ``session`` and restart its idle clock."""

    async def delete(self, key: str) -> None:
        """Erase every record kept for ``key``."""

    async def delete_member(self, member: int) -> None:
        """Erase the person's conversations in every group: the keys ``<chat>:<member>``."""

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
    return decode_record(key, raw).session


def decode_record(key: str, raw: str | bytes | None) -> Loaded:
    """Parse a stored record; a corrupt or foreign one is logged (never its content) and reported.

    Args:
        key: the chat key, for the log line only.
        raw: the stored bytes, or ``None`` when nothing is stored.
    """
    if raw is None:
        return Loaded(None)
    try:
        return Loaded(Session.loads(raw))
    except (ValueError, TypeError, UnicodeError) as exc:  # pydantic's ValidationError is a ValueError
        log.warning("discarding unreadable session record for chat %s: %s", key, _reason(exc))
        return Loaded(None, unreadable=True)


def _reason(exc: Exception) -> str:
    """Why a record could not be read, without any of its content (pydantic's text quotes the input)."""
    if isinstance(exc, ValidationError):
        kinds = sorted({str(error["type"]) for error in exc.errors(include_input=False)})
        return f"{exc.error_count()} validation error(s): {', '.join(kinds)}"
    if isinstance(exc, UnicodeError):
        return "not UTF-8"
    return str(exc).splitlines()[0][:200]  # our own messages (the schema version), not the record
