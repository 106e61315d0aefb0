"""Handling the inbox: each chat's updates one after another, in order, every chat independent of the rest.

The dispatcher takes the entries the inbox hands out and gives each chat a task of its own that handles
the chat's entries in turn and marks each done in the inbox once handled. A chat whose replies wait on
Telegram's limits (a busy group may receive 20 messages a minute) holds up only its own later updates;
nothing else waits for it, and fetching new updates never does.

Turns in progress at once are bounded (:data:`PRIVATE_TURNS`, :data:`GROUP_TURNS`): a thousand chats
all at once would otherwise each wait for the one engine thread while showing "typing…" to Telegram,
flooding the Bot API with chat actions. Groups have slots of their own, so groups whose replies wait on
Telegram's per-group limit never take the slots of private chats. A chat waiting for a slot waits in
arrival order (``asyncio.Semaphore`` wakes its waiters first come, first served).

Stopping hands back what is unfinished: no entry is taken any more, the turns in progress get a short
grace to finish, and those still running after it are cancelled; their entries stay in the inbox, for
the next start or another process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from bot.inbox.base import Entry, Inbox

log = logging.getLogger(__name__)

#: private chats whose turns may be in progress at once
PRIVATE_TURNS = 32
#: groups whose turns may be in progress at once (a busy group's turn lasts while its replies wait)
GROUP_TURNS = 32


class Dispatcher:
    """Runs ``handle`` on every entry of ``inbox``, per chat in order, chats side by side.

    Args:
        inbox: where the entries come from, and are marked done.
        handle: handles one entry; an exception is logged and the entry counts as handled (it would
            fail again), cancellation leaves the entry in the inbox.
        private_turns: private chats' turns in progress at once.
        group_turns: groups' turns in progress at once (group chat ids are negative).
    """

    def __init__(
        self,
        inbox: Inbox,
        handle: Callable[[Entry], Awaitable[None]],
        *,
        private_turns: int = PRIVATE_TURNS,
        group_turns: int = GROUP_TURNS,
    ) -> None:
        self.inbox = inbox
        self.handle = handle
        self._private_slots = asyncio.Semaphore(private_turns)
        self._group_slots = asyncio.Semaphore(group_turns)
        self._waiting: dict[str, deque[Entry]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._taking: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def in_hand(self) -> int:
        """Entries taken from the inbox and not yet handled (the inbox depth the metrics show)."""
        return sum(len(queue) for queue in self._waiting.values())  # the one in progress is still first

    def start(self) -> None:
        """Start taking entries from the inbox (in the running event loop)."""
        self._taking = asyncio.create_task(self._take())

    async def _take(self) -> None:
        try:
            async for entry in self.inbox.claimed():
                if self._stopping:
                    return
                self._waiting.setdefault(entry.chat, deque()).append(entry)
                if entry.chat not in self._workers:
                    self._workers[entry.chat] = asyncio.create_task(self._work(entry.chat))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the inbox stopped handing out updates")

    async def _work(self, chat: str) -> None:
        queue = self._waiting[chat]
        slots = self._group_slots if chat.startswith("-") else self._private_slots
        try:
            while queue and not self._stopping:
                entry = queue[0]
                try:
                    async with slots:
                        if self._stopping:
                            return
                        await self.handle(entry)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("update %s could not be handled", entry.update_id)
                queue.popleft()
                try:
                    await self.inbox.done(entry)
                except Exception as error:  # handled all the same; a restart may hand it out again
                    log.warning("could not mark update %s done: %s", entry.update_id, error)
        finally:
            if not queue or self._stopping:
                self._waiting.pop(chat, None)
            self._workers.pop(chat, None)

    async def stop(self, grace: float) -> None:
        """Take no more entries, give the turns in progress ``grace`` seconds, cancel the rest."""
        self._stopping = True
        if self._taking is not None:
            self._taking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._taking
        running = list(self._workers.values())
        if running:
            _, late = await asyncio.wait(running, timeout=grace)
            if late:
                log.warning("%d chat(s) still busy at shutdown; their updates stay in the inbox", len(late))
            for task in late:
                task.cancel()
            if late:  # bounded: a cancellation inside a Redis call may be turned into an error and go on
                await asyncio.wait(late, timeout=1.0)
