"""At-least-once handling of updates: an update handled twice is recognised by its id.

Updates are kept in the inbox (:mod:`bot.inbox`) until handled, so a process killed after a turn and
before marking its update done hands the update out again at the next start. The adapter recognises
such an update by its id, which the session records together with the new state
(:attr:`flows.session.Session.handled_updates`), and only finishes sending its reply.

:data:`current_update_id` tells the adapter which update it is handling without threading the id
through every handler: it is set for the duration of one update's processing.
"""

from __future__ import annotations

import contextvars

#: the ``update_id`` of the update being handled in this task, or ``None`` outside one
current_update_id: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "current_update_id", default=None
)

#: when the update being handled in this task was received (seconds since the epoch), or ``None``
current_received_at: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "current_received_at", default=None
)

#: how many handled update ids a session remembers; redelivery only concerns the last few
REMEMBERED_UPDATES = 20


def remember_update(handled: list[int], update_id: int | None) -> list[int]:
    """``handled`` with ``update_id`` appended, keeping only the newest :data:`REMEMBERED_UPDATES`."""
    if update_id is None or update_id in handled:
        return handled
    return [*handled, update_id][-REMEMBERED_UPDATES:]
