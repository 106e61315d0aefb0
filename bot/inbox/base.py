"""The inbox interface: updates kept durably from the moment they are received until they are handled.

An update is written to the inbox before Telegram is told it arrived (before the next ``getUpdates``
confirms it, or before the webhook's POST is answered), and leaves it only once handled. A process that
dies leaves its unfinished updates in the inbox; the next one (or, with Redis, another live process)
takes them up. :class:`Entry` is one update as stored: its id, the chat it belongs to (the unit of
order) and its JSON text.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class Entry:
    """One received update.

    Attributes:
        update_id: Telegram's id of the update (increasing).
        chat: the key updates are ordered by: the chat's id, or ``update:<id>`` for an update without a
            chat, which then waits for nothing.
        data: the update as JSON text, exactly what the bot needs to handle it later.
        received_at: when the bot received it (seconds since the epoch).
        receipt: the backend's own handle of the entry (a Redis stream id), empty for SQLite.
    """

    update_id: int
    chat: str
    data: str
    received_at: float = field(default_factory=time.time)
    receipt: str = ""


def chat_of(update: dict[str, Any]) -> str:
    """The ordering key of an update given as Telegram's JSON object."""
    for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
        message = update.get(kind)
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return str(message["chat"].get("id"))
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return str(message["chat"].get("id"))
        sender = query.get("from")
        if isinstance(sender, dict):  # a press on an inline message: the person's own chat with the bot
            return str(sender.get("id"))
    return f"update:{update.get('update_id')}"


def entry_of(update: dict[str, Any]) -> Entry:
    """An :class:`Entry` for an update given as Telegram's JSON object (with an integer ``update_id``)."""
    data = json.dumps(update, ensure_ascii=False)
    try:
        data.encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate (「\ud800」, hostile input Telegram passes on) cannot be stored as UTF-8 by SQLite
        # or Redis; escaped, the update is kept and read back as it came, instead of stalling the inbox
        data = json.dumps(update)
    return Entry(int(update["update_id"]), chat_of(update), data)


@runtime_checkable
class Inbox(Protocol):
    """Where received updates wait until they are handled."""

    async def add(self, entries: Sequence[Entry]) -> None:
        """Keep ``entries`` durably; returns only once they would survive a crash of this process."""

    async def last_update_id(self) -> int | None:
        """The highest update id ever added (long polling resumes after it), or ``None``."""

    def claimed(self) -> AsyncIterator[Entry]:
        """The entries this process is to handle, one chat's entries in the order received; endless."""

    async def done(self, entry: Entry) -> None:
        """``entry`` has been handled: remove it (with the text it holds) for good."""

    async def close(self) -> None:
        """Stop handing out entries; what was handed out and not done stays for the next process."""
