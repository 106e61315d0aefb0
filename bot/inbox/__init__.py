"""The durable inbox of received updates (:mod:`bot.inbox.base`), in SQLite or Redis Streams, and the
dispatcher that handles it per chat (:mod:`bot.inbox.dispatch`)."""

from __future__ import annotations

from bot.inbox.base import Entry, Inbox, entry_of
from bot.storage import SessionStore

__all__ = ["Entry", "Inbox", "entry_of", "inbox_beside"]

#: the inbox file's name, beside the session store's file
INBOX_FILE = "inbox.sqlite3"


def inbox_beside(store: SessionStore) -> Inbox:
    """The inbox that goes with ``store``: a SQLite file in the same folder, or the same Redis.

    Raises:
        ValueError: for a store of another kind.
    """
    from bot.storage.redis import RedisSessionStore
    from bot.storage.sqlite import SqliteSessionStore

    if isinstance(store, SqliteSessionStore):
        from bot.inbox.sqlite import SqliteInbox

        return SqliteInbox(store.path.with_name(INBOX_FILE))
    if isinstance(store, RedisSessionStore):
        from bot.inbox.redis import RedisInbox

        return RedisInbox(store.url)
    raise ValueError(f"no inbox goes with a {type(store).__name__}")
