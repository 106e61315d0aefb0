"""The real engine with the message check in front, wired as ``Engine._dispatch`` will have it (issue 15).

Until the lead routes :func:`flows.inspect_view.inspect_turn` inside the engine, the end-to-end tests and
the benchmark put it in front: a turn the check takes (forwarded, read from a photo, or a pasted message)
is answered by it, in the session's locale and script; any other turn goes to the engine unchanged.
"""

from __future__ import annotations

from flows.engine import Engine, in_script
from flows.i18n import using_locale
from flows.inspect_view import inspect_turn
from flows.reply import Reply, Turn
from flows.session import Session


class InspectingEngine:
    """``engine`` with the message check in front."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def handle(self, session: Session, turn: Turn) -> Reply:
        """The check's reply when it takes the turn, else the engine's."""
        with using_locale(session.locale):
            reply = inspect_turn(self.engine.kb, turn)
        if reply is None:
            return self.engine.handle(session, turn)
        return in_script(reply, session.locale)
