"""Long polling into the inbox: each batch of updates is kept durably before the next ``getUpdates``
confirms it to Telegram.

Telegram keeps an update until a ``getUpdates`` carries an ``offset`` above its id. This loop asks for
the next batch only once the last one is in the inbox (:mod:`bot.inbox`), so a process killed at any
moment leaves every update either at Telegram or in the inbox, never nowhere; and it never waits for
an update to be *handled*, so one slow chat holds up no other. The offset is resumed from the inbox at
start, so updates already received are not fetched again.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from telegram import Bot
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.inbox import Inbox, entry_of
from bot.storage import StorageUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

#: longest pause between two tries after an error (Bot API or inbox)
MAX_PAUSE = 10.0


async def fetch_updates(
    bot: Bot,
    inbox: Inbox,
    *,
    timeout: int,
    allowed_updates: Sequence[str],
    failed: Callable[[TelegramError], None] = lambda error: None,
) -> None:
    """Fetch updates into ``inbox`` until cancelled; each failed ``getUpdates`` is reported to ``failed``.

    Raises:
        InvalidToken: the token was revoked; nothing else stops the loop.
    """
    last = await _resilient(inbox.last_update_id)
    offset = 0 if last is None else last + 1
    pause = 0.5
    while True:
        try:
            updates = await bot.get_updates(
                offset=offset, timeout=timeout, allowed_updates=list(allowed_updates)
            )
        except InvalidToken as error:
            failed(error)
            raise
        except RetryAfter as error:
            failed(error)
            delay = error.retry_after
            await asyncio.sleep(delay.total_seconds() if isinstance(delay, timedelta) else float(delay))
            continue
        except (TimedOut, Conflict, NetworkError, TelegramError) as error:
            failed(error)
            log.warning("getUpdates failed (%s); trying again in %.1fs", error, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE)
            continue
        pause = 0.5
        if not updates:
            continue
        entries = [entry_of(update.to_dict()) for update in updates]
        await _resilient(functools.partial(inbox.add, entries))  # kept before the next call confirms them
        offset = updates[-1].update_id + 1


async def _resilient(job: Callable[[], Awaitable[T]]) -> T:
    """Run ``job`` until the inbox's storage answers (it may be down for a while: nothing is lost)."""
    pause = 0.5
    while True:
        try:
            return await job()
        except StorageUnavailable as error:
            log.error("inbox storage unavailable, updates not confirmed until it is back: %s", error)
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE)
