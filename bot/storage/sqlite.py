"""SQLite session store: one file under the data directory, the default for a single bot process.

The standard library's ``sqlite3`` is blocking, so every statement runs in a worker thread
(:func:`asyncio.to_thread`) on one connection guarded by a thread lock. WAL journaling lets a reader
(for example ``sqlite3`` on the command line) look at the file while the bot writes. Per-chat locks are
in-process ``asyncio`` locks: several processes sharing one chat need the Redis store.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TypeVar

from bot.storage.base import Loaded, StorageUnavailable, decode_record
from flows.session import Session

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    chat_key   TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    touched_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_touched_at ON sessions (touched_at);
"""


class KeyedLocks:
    """One ``asyncio.Lock`` per key, dropped again when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Hold ``key``; waiters are served first come, first served (``asyncio.Lock`` is fair)."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class SqliteSessionStore:
    """Sessions in one SQLite file.

    Args:
        path: the database file; its folder is created when missing.
        ttl_seconds: idle time after which a session counts as gone.
    """

    def __init__(self, path: str | Path, ttl_seconds: float) -> None:
        self.path = Path(path)
        self.ttl_seconds = ttl_seconds
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # created private before SQLite opens it (whatever the umask); SQLite gives its write-ahead log
        # and shared-memory files the database file's mode
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db_lock = threading.Lock()
        self._locks = KeyedLocks()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        # a deleted session (/forget, expiry) is overwritten with zeros, not merely unlinked in the file
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.executescript(_SCHEMA)
        # sessions that ran out while the bot was down go now, not at the next write
        self._db.execute("DELETE FROM sessions WHERE touched_at < ?", (time.time() - ttl_seconds,))

    async def _run(self, job: Callable[[sqlite3.Connection], T]) -> T:
        def locked() -> T:
            with self._db_lock:
                return job(self._db)

        try:
            return await asyncio.to_thread(locked)
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as error:
            # disk full, read-only file or folder, database locked by another program: the bot must
            # say so and carry on, and the next statement may well succeed again
            raise StorageUnavailable(f"SQLite {self.path}: {error}") from error

    async def get(self, key: str) -> Session | None:
        """The stored session, or ``None`` when absent, idle too long or corrupt."""
        return (await self.load(key)).session

    async def load(self, key: str) -> Loaded:
        """The stored session, and whether a record was there but unreadable."""
        oldest = time.time() - self.ttl_seconds

        def read(db: sqlite3.Connection) -> str | None:
            row = db.execute(
                "SELECT data FROM sessions WHERE chat_key = ? AND touched_at >= ?", (key, oldest)
            ).fetchone()
            return None if row is None else str(row[0])

        return decode_record(key, await self._run(read))

    async def put(self, key: str, session: Session) -> None:
        """Store ``session`` (and sweep out sessions whose idle time has run out)."""
        now = time.time()
        data = session.dumps()

        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO sessions (chat_key, data, touched_at) VALUES (?, ?, ?) "
                "ON CONFLICT(chat_key) DO UPDATE SET data = excluded.data, touched_at = excluded.touched_at",
                (key, data, now),
            )
            # expired sessions must really go, not just be hidden: the privacy note promises it
            db.execute("DELETE FROM sessions WHERE touched_at < ?", (now - self.ttl_seconds,))

        await self._run(write)

    async def delete(self, key: str) -> None:
        """Erase the chat's session, from the database file and from the write-ahead log."""

        def erase(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM sessions WHERE chat_key = ?", (key,))
            # the WAL still holds earlier copies of the row's page: fold it into the (zeroed) file and
            # empty it, so /forget leaves no trace on disk
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        await self._run(erase)

    async def delete_member(self, member: int) -> None:
        """Erase the person's conversations in every group (keys ``<chat>:<member>``), as :meth:`delete`."""

        def erase(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM sessions WHERE chat_key LIKE ?", (f"%:{int(member)}",))
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        await self._run(erase)

    def lock(self, key: str) -> AbstractAsyncContextManager[None]:
        """Hold the chat ``key`` within this process."""
        return self._locks.hold(key)

    async def close(self) -> None:
        """Close the database file (closing twice is harmless)."""
        await self._run(lambda db: db.close())
