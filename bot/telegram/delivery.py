"""At-least-once delivery of polled updates: an update is confirmed to Telegram only once it is handled.

Telegram keeps an update until a later ``getUpdates`` carries an ``offset`` above its ``update_id``.
PTB's poller asks for the next batch (and so confirms the last one) as soon as it has queued the
updates, before any of them is handled: a process killed mid-turn would lose the update for good.
Here the ``getUpdates`` call waits until every update fetched before has been handled, so a killed
process leaves its unfinished updates at Telegram and the next process receives them again.

Receiving an update twice is then possible (killed after handling, before confirming); the adapter
recognises such an update by its id, which the session records together with the new state
(:attr:`flows.session.Session.handled_updates`), and only finishes sending its reply.

:data:`current_update_id` tells the adapter which update it is handling without threading the id
through every handler: it is set for the duration of one update's processing.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
from collections.abc import Iterable
from typing import Any

from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

#: the ``update_id`` of the update being handled in this task, or ``None`` outside one
current_update_id: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "current_update_id", default=None
)

#: how many handled update ids a session remembers; redelivery only concerns the last few
REMEMBERED_UPDATES = 20


def remember_update(handled: list[int], update_id: int | None) -> list[int]:
    """``handled`` with ``update_id`` appended, keeping only the newest :data:`REMEMBERED_UPDATES`."""
    if update_id is None or update_id in handled:
        return handled
    return [*handled, update_id][-REMEMBERED_UPDATES:]


class PendingUpdates:
    """The update ids fetched by long polling and not yet handled.

    Args:
        wait_limit: longest a ``getUpdates`` waits for the updates in hand; after it, polling goes on
            (a turn stuck that long is logged, and its update is confirmed unhandled rather than
            holding up every other chat).
    """

    def __init__(self, wait_limit: float = 30.0) -> None:
        self.wait_limit = wait_limit
        self._pending: set[int] = set()
        self._settled = asyncio.Event()
        self._settled.set()

    def fetched(self, update_ids: Iterable[int]) -> None:
        """Note updates just received from ``getUpdates``."""
        self._pending.update(update_ids)
        if self._pending:
            self._settled.clear()

    def handled(self, update_id: int) -> None:
        """Note that an update has been handled (successfully or not: an error is handled too)."""
        self._pending.discard(update_id)
        if not self._pending:
            self._settled.set()

    @property
    def in_hand(self) -> int:
        """How many fetched updates are still being handled."""
        return len(self._pending)

    async def settled(self) -> None:
        """Wait until every fetched update is handled, or :attr:`wait_limit` has passed."""
        try:
            await asyncio.wait_for(self._settled.wait(), self.wait_limit)
        except TimeoutError:
            log.warning(
                "%d update(s) still unhandled after %.0fs; confirming them to keep the other chats going",
                len(self._pending),
                self.wait_limit,
            )
            self._pending.clear()
            self._settled.set()


class ConfirmingRequest(HTTPXRequest):
    """The HTTP client of ``getUpdates`` alone: each call first waits until the previous batch is handled.

    PTB sends ``getUpdates`` through a connection of its own (``get_updates_request``), which makes
    it the one place to delay the confirming call without replacing PTB's poller.

    Args:
        pending: shared with the update processor, which reports each update as handled.
        **options: passed on to ``HTTPXRequest`` (time-outs).
    """

    def __init__(self, pending: PendingUpdates, **options: Any) -> None:
        super().__init__(connection_pool_size=1, **options)
        self.pending = pending

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """Wait for the updates in hand, fetch the next batch, and note what arrived."""
        await self.pending.settled()
        code, payload = await super().do_request(*args, **kwargs)
        if 200 <= code < 300:
            with contextlib.suppress(ValueError, TypeError, KeyError):  # PTB itself reports a bad body
                result = json.loads(payload)["result"]
                self.pending.fetched(int(update["update_id"]) for update in result)
        return code, payload
