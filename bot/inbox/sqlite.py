"""The inbox in a SQLite file beside the session store: for one bot process.

Each received update is a row, written in a transaction that is synced to disk (``synchronous=FULL``)
before :meth:`SqliteInbox.add` returns, together with the highest update id received, from which long
polling resumes. Rows are read back at start (what a dead process left) and handed out in update order;
a row is deleted once its update is handled, and overwritten with zeros as it goes (``secure_delete``),
since it holds what the user wrote.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from bot.inbox.base import Entry
from bot.storage.base import StorageUnavailable

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    update_id   INTEGER PRIMARY KEY,
    chat        TEXT NOT NULL,
    data        TEXT NOT NULL,
    received_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS received (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    last_update_id INTEGER NOT NULL
);
"""


class SqliteInbox:
    """Received updates in one SQLite file.

    Args:
        path: the database file (``inbox.sqlite3`` beside ``sessions.sqlite3``); its folder is created.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db_lock = threading.Lock()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox")
        self._closed = False
        self._db.execute("PRAGMA journal_mode=WAL")
        # every commit reaches the disk before Telegram is told the update arrived
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.executescript(_SCHEMA)
        self._queue: asyncio.Queue[Entry] = asyncio.Queue()
        # what a process before this one left unhandled, handed out first, in update order
        for update_id, chat, data, received_at in self._db.execute(
            "SELECT update_id, chat, data, received_at FROM inbox ORDER BY update_id"
        ):
            self._queue.put_nowait(Entry(update_id, chat, data, received_at))

    async def _run(self, job: Callable[[sqlite3.Connection], T]) -> T:
        def locked() -> T:
            with self._db_lock:
                return job(self._db)

        try:
            # a thread of its own: receiving never queues behind the session store's work
            return await asyncio.get_running_loop().run_in_executor(self._thread, locked)
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as error:
            raise StorageUnavailable(f"SQLite {self.path}: {error}") from error

    async def add(self, entries: Sequence[Entry]) -> None:
        """Write ``entries`` (an update already in the inbox is not added twice), synced to disk."""
        if not entries:
            return

        def write(db: sqlite3.Connection) -> list[Entry]:
            added = []
            db.execute("BEGIN IMMEDIATE")
            try:
                for entry in entries:
                    cursor = db.execute(
                        "INSERT OR IGNORE INTO inbox (update_id, chat, data, received_at)"
                        " VALUES (?, ?, ?, ?)",
                        (entry.update_id, entry.chat, entry.data, entry.received_at),
                    )
                    if cursor.rowcount:
                        added.append(entry)
                db.execute(
                    "INSERT INTO received (id, last_update_id) VALUES (1, ?) ON CONFLICT(id) DO UPDATE "
                    "SET last_update_id = max(last_update_id, excluded.last_update_id)",
                    (max(entry.update_id for entry in entries),),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return added

        for entry in await self._run(write):
            self._queue.put_nowait(entry)

    async def last_update_id(self) -> int | None:
        """The highest update id received so far."""
        row = await self._run(lambda db: db.execute("SELECT last_update_id FROM received").fetchone())
        return None if row is None else int(row[0])

    async def claimed(self) -> AsyncIterator[Entry]:
        """Every entry of the file, as it arrives (one process owns them all)."""
        while True:
            yield await self._queue.get()

    async def done(self, entry: Entry) -> None:
        """Delete the handled entry's row.

        Not synced at once (WAL ``synchronous=NORMAL``: safe when the process dies, and at worst undone
        by a power cut, after which the update is handed out again and recognised as handled).
        """

        def delete(db: sqlite3.Connection) -> None:
            db.execute("PRAGMA synchronous=NORMAL")
            try:
                db.execute("DELETE FROM inbox WHERE update_id = ?", (entry.update_id,))
            finally:
                db.execute("PRAGMA synchronous=FULL")

        await self._run(delete)

    async def depth(self) -> int:
        """How many updates wait in the file (handled ones are gone)."""
        row = await self._run(lambda db: db.execute("SELECT count(*) FROM inbox").fetchone())
        return int(row[0])

    async def close(self) -> None:
        """Close the file; unhandled rows stay for the next start (closing twice is harmless)."""
        if self._closed:
            return
        self._closed = True
        await self._run(lambda db: db.close())
        self._thread.shutdown(wait=False)
