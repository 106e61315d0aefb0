"""Session storage: a small interface (:class:`SessionStore`) with a SQLite and a Redis backend."""

from __future__ import annotations

from bot.storage.base import LeaseLost, Loaded, LockTimeout, SessionStore, StorageUnavailable

__all__ = ["LeaseLost", "Loaded", "LockTimeout", "SessionStore", "StorageUnavailable", "open_store"]


def open_store(url: str, ttl_seconds: float) -> SessionStore:
    """Open the store named by ``url``.

    Args:
        url: ``sqlite:///relative/or/absolute/path.sqlite3`` or ``redis://host:port/db``
            (also ``rediss://`` and ``unix://``).
        ttl_seconds: idle time after which a session is forgotten.

    Raises:
        ValueError: for a URL of any other kind.
    """
    if url.startswith("sqlite:///"):
        from bot.storage.sqlite import SqliteSessionStore

        return SqliteSessionStore(url.removeprefix("sqlite:///"), ttl_seconds)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from bot.storage.redis import RedisSessionStore

        return RedisSessionStore(url, ttl_seconds)
    raise ValueError(f"unsupported storage URL {url!r}: use sqlite:///path or redis://host:port/db")
