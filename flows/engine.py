"""The dialogue engine: one turn in (text, button or command, plus the session), one reply out.

Telegram, the terminal chat and the tests all call :meth:`Engine.handle`. The engine is transport-free
and stateless between turns: everything about a chat lives in the :class:`~flows.session.Session` it is
given (and mutates). Each flow is a shared state machine built from its table (:mod:`flows.menu`,
:mod:`flows.faq`, :mod:`flows.eligibility`, :mod:`flows.calc_flow`, :mod:`flows.compare_flow`).

A turn is handled by kind:

- a command (``/start check``, ``/cancel`` …) by the command table :data:`COMMANDS`;
- a button by the type of its data (:mod:`flows.buttons`);
- typed text is read once (:class:`~knowledge.understanding.reading.Reader`) and routed by the routes
  declared for the flow and state the person is in (:mod:`flows.routes`): the first route whose
  recogniser finds its meaning in the message runs its handler, an ``on_…`` method.

The engine is assembled in layers, each a module small enough to read at once: the machinery every turn
builds on (:mod:`flows.engine_base`: routes, machines, paused flows, starting a flow), the handlers of the
routes (:mod:`flows.route_handlers`), the commands, global words and buttons (:mod:`flows.controls`), and
here the entry point that dispatches a turn to them.

Whatever serves a message, a flow left unfinished is kept: a side answer is followed by the pending
question again, and a new flow started from the middle of another records it in ``Session.paused`` and
offers it back with a button (「继续刚才的自测（第3题）」).

Each turn is handled in the session's locale. Until the person picks one with ``/lang``, the locale follows
the script they write in (Traditional in, Traditional out; English gets an English reply). For Traditional
Chinese the finished reply, UI and knowledge-base text alike, is converted once at the end of
:meth:`Engine.handle`, the one place that sees all of it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flows.buttons import unpack
from flows.controls import COMMANDS, Controls
from flows.engine_base import FLOW_ROUTES, MACHINES, UnansweredLog
from flows.i18n import (
    SCRIPT_CONVERSIONS,
    SUPPORTED_LOCALES,
    _,
    localise_script,
    normalise_locale,
    using_locale,
)
from flows.render import home_button
from flows.reply import Message, Reply, Turn
from flows.route_handlers import _WANT_OF_ROUTE
from flows.routes import FIRST, LAST, RECOGNISERS, TurnContext
from flows.session import Session
from knowledge.base import KnowledgeBase
from knowledge.understanding.api import FaqMatcher
from knowledge.understanding.reading import Reader

log = logging.getLogger(__name__)


class Engine(Controls):
    """Turns user actions into replies, using one knowledge base and one matcher for every chat.

    Args:
        kb: the knowledge base, loaded once.
        matcher: FAQ question understanding over ``kb``.
        wants: the want matcher over ``kb`` (greetings, starting the self-check …); by default the one
            :func:`knowledge.understanding.load_want_matcher` builds.
        unanswered_log: where declined and unsure questions are recorded for editors; ``None`` keeps
            nothing.
        session_ttl_days: how long the transport keeps an idle session (its setting), for ``/privacy``.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        matcher: FaqMatcher,
        *,
        wants: FaqMatcher | None = None,
        unanswered_log: UnansweredLog | None = None,
        session_ttl_days: float = 30.0,
    ) -> None:
        from knowledge.understanding import load_want_matcher
        from knowledge.understanding.want_classifier import load_want_classifier

        self.kb = kb
        self.matcher = matcher
        self.reader = Reader(
            kb,
            matcher,  # type: ignore[arg-type]
            wants or load_want_matcher(kb),  # type: ignore[arg-type]
            load_want_classifier(),
        )
        self.unanswered_log = unanswered_log
        self.session_ttl_days = session_ttl_days

    # --- entry point ------------------------------------------------------------------------------

    def handle(self, session: Session, turn: Turn) -> Reply:
        """Answer one turn and update ``session`` in place.

        Never raises for bad input: an unexpected failure is logged, the session goes back to the main
        menu, and the user gets an apology. The reply is in the session's locale (after ``/lang``, the
        new one; before it, the script the person writes in).
        """
        if normalise_locale(session.locale) != session.locale:
            session.locale = normalise_locale(session.locale) or SUPPORTED_LOCALES[0]
        turn = encodable(turn)
        offer, session.offer = session.offer, None
        fallbacks, session.fallbacks = session.fallbacks, 0
        try:
            reading = self.reader.read(turn.text) if turn.kind == "text" and turn.text.strip() else None
            if reading is not None:
                self._follow_script(session, reading.script, reading.english)
        except Exception:
            log.exception("could not read a message")
            reading = None
        with using_locale(session.locale):
            try:
                reply = self._dispatch(session, turn, reading, offer=offer, fallbacks=fallbacks)
                reply = self._offer_paused(session, reply)
            except Exception:
                log.exception("turn failed: kind=%s flow=%s state=%s", turn.kind, session.flow, session.state)
                self._reset(session)
                reply = Reply().add(_("抱歉，刚才出了点问题，已回到主菜单。"), [[home_button()]])
        session.updated_at = time.time()
        return in_script(reply, session.locale)

    def want_served(self, text: str) -> str | None:
        """The want a message would be served as in a fresh chat (``act.greet``, ``act.check`` …), or
        ``None`` when it would go to the FAQ (answered, suggested or declined): for evaluation.

        The routes are tried as :meth:`handle` tries them, without running any handler.
        """
        session = Session()
        ctx = TurnContext(self, session, self.reader.read(text))
        for route in self.routes_for(session):
            payload = RECOGNISERS[route.means](ctx)
            if payload is None:
                continue
            return _WANT_OF_ROUTE.get(route.means, lambda c, p: None)(ctx, payload)
        return None

    @staticmethod
    def _follow_script(session: Session, script: str, english: bool) -> None:
        """Until ``/lang`` is used, answer in the script the person writes (a bare 「好」 changes nothing)."""
        if session.locale_chosen:
            return
        if english:
            session.locale = "en"
        elif script == "traditional" and session.locale not in SCRIPT_CONVERSIONS:
            session.locale = "zh_TW"
        elif script == "simplified" and session.locale != "zh_CN":
            session.locale = "zh_CN"

    # --- dispatch ---------------------------------------------------------------------------------

    def _dispatch(
        self, session: Session, turn: Turn, reading: Any, *, offer: str | None, fallbacks: int
    ) -> Reply:
        if session.flow not in MACHINES or session.state not in MACHINES[session.flow].table.states:
            self._reset(session)  # a record from an older version, or tampered with
        if turn.kind == "command":
            return self._command(session, turn.text.lower(), turn.args.strip())
        if turn.kind == "button":
            data = unpack(turn.text)
            return self._stale(session) if data is None else self._button(session, data)
        if reading is None:
            return Reply().add(_("请输入您的问题，或点按钮选择。"), [[home_button()]])
        ctx = TurnContext(self, session, reading, origin=turn.origin)
        ctx.extra.update(offer=offer, fallbacks=fallbacks)
        return self._route(ctx)


def encodable(turn: Turn) -> Turn:
    """``turn`` with lone surrogates replaced by U+FFFD.

    Telegram's JSON can carry half of a surrogate pair (``"\\ud83d"``), which Python decodes into a
    string that cannot be encoded as UTF-8: OpenCC, the matcher and the reply would each fail on it.
    """
    fields = {"text": turn.text, "args": turn.args}
    cleaned = {
        name: value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        for name, value in fields.items()
    }
    return turn if cleaned == fields else turn.model_copy(update=cleaned)


def in_script(reply: Reply, locale: str) -> Reply:
    """``reply`` with every text and button label in the script of ``locale`` (ids are never touched)."""
    if locale not in SCRIPT_CONVERSIONS:  # Simplified or English: nothing to convert
        return reply

    def convert(message: Message) -> Message:
        rows = [
            [button.model_copy(update={"label": localise_script(button.label, locale)}) for button in row]
            for row in message.buttons
        ]
        return message.model_copy(update={"text": localise_script(message.text, locale), "buttons": rows})

    messages = [convert(message) for message in reply.messages]
    return reply.model_copy(update={"messages": messages})


def build_engine(
    *,
    answer_threshold: float | None = None,
    suggest_threshold: float | None = None,
    unanswered_log: UnansweredLog | None = None,
    session_ttl_days: float = 30.0,
) -> Engine:
    """The engine over the shipped knowledge base and the default matcher (each built once).

    Args:
        answer_threshold: matcher confidence at which to answer; ``None``: the calibration's own.
        suggest_threshold: confidence at which to suggest rather than decline; ``None``: the calibration's.
        unanswered_log: passed to :class:`Engine`.
        session_ttl_days: passed to :class:`Engine` (the bot passes its ``session_ttl_days`` setting).
    """
    from knowledge.base import default
    from knowledge.understanding import load_matcher

    kb = default()
    matcher = load_matcher(kb, answer_threshold=answer_threshold, suggest_threshold=suggest_threshold)
    return Engine(kb, matcher, unanswered_log=unanswered_log, session_ttl_days=session_ttl_days)


__all__ = ["COMMANDS", "FLOW_ROUTES", "MACHINES", "Engine", "UnansweredLog", "build_engine"]


def _check_routes() -> None:
    """Every route names a known recogniser and an ``on_…`` handler (checked once, at import)."""
    every = [*FIRST, *LAST, *(r for table in FLOW_ROUTES.values() for rows in table.values() for r in rows)]
    unknown = sorted(
        {f"recogniser {r.means}" for r in every if r.means not in RECOGNISERS}
        | {f"handler on_{r.to}" for r in every if not hasattr(Engine, "on_" + r.to)}
    )
    if unknown:
        raise TypeError(f"routes name what does not exist: {unknown}")
    for name, table in FLOW_ROUTES.items():
        states = set(MACHINES[name].table.states)
        if set(table) - states:
            raise TypeError(f"{name}: routes for unknown states {sorted(set(table) - states)}")


_check_routes()
