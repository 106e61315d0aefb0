"""The engine's machinery, shared by every kind of turn: the routes tried for a typed message, the flows'
machines fired, a flow in progress kept while something else is answered, and flows started.

:class:`EngineBase` holds the parts; :mod:`flows.route_handlers` adds what each route does with a message,
:mod:`flows.controls` the commands, global words and buttons, and :class:`flows.engine.Engine` the entry
point that dispatches a turn to them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from flows import calc_flow, compare_flow, eligibility, faq, menu
from flows.buttons import CompareFull, Resume
from flows.calculator import ask_for
from flows.i18n import _
from flows.machine import FlowMachine, FlowTurn
from flows.reply import Button, Reply
from flows.routes import FIRST, LAST, RECOGNISERS, Route, TurnContext
from flows.session import CheckDraft, Session
from knowledge.base import KnowledgeBase
from knowledge.calc_parse import CalcRequest
from knowledge.understanding.api import FaqMatch, FaqMatcher
from knowledge.understanding.reading import Reader

log = logging.getLogger(__name__)

#: the machine of each flow, by the name kept in ``Session.flow``
MACHINES: dict[str, FlowMachine] = {
    m.table.name: m
    for m in (menu.MACHINE, faq.MACHINE, eligibility.MACHINE, calc_flow.MACHINE, compare_flow.MACHINE)
}
#: the routes each flow declares for its states (flows without any take only the shared ones)
FLOW_ROUTES: dict[str, dict[str, tuple[Route, ...]]] = {
    "check": eligibility.ROUTES,
    "calc": calc_flow.ROUTES,
    "compare": compare_flow.ROUTES,
}


#: typed messages read in the light of a concern (a scam going on, despair, a message just checked) after
#: the last one that served it
CONCERN_TURNS = 4


class UnansweredLog(Protocol):
    """Where declined and unsure questions are recorded for editors (knowledge.unanswered.UnansweredLog)."""

    def record(self, question: str, *, band: str, confidence: float, best_guess: str | None) -> None:
        """Append one question (the log redacts identifiers itself)."""
        ...


class EngineBase:
    """What every handler of a turn builds on: the knowledge base, the reader, the flows' machines.

    Attributes are set by :class:`flows.engine.Engine`; this class only declares them.
    """

    kb: KnowledgeBase
    matcher: FaqMatcher
    reader: Reader
    unanswered_log: UnansweredLog | None
    session_ttl_days: float
    #: called as ``observer(flow, trigger, state)`` after each flow transition that ran, e.g. ``("faq",
    #: "ask", "declined")``: names from the flow tables only, never what the user typed. The bot counts
    #: them for operators (bot/metrics.py); it must not raise (it runs inside the turn).
    observer: Callable[[str, str, str], None] | None = None

    def log_unanswered(self, match: FaqMatch) -> None:
        """Record a question the advisor could not answer confidently (if a log was given)."""
        if self.unanswered_log is None:
            return
        best_guess = match.entry_id or (match.suggestions[0] if match.suggestions else None)
        try:
            self.unanswered_log.record(
                match.question, band=match.band, confidence=match.confidence, best_guess=best_guess
            )
        except Exception:  # the log is a help for editors; it must never break a chat
            log.exception("could not record an unanswered question")

    def routes_for(self, session: Session) -> tuple[Route, ...]:
        """The routes a typed message is tried against where the person is: shared first, the flow's own
        for its state, shared last."""
        own = FLOW_ROUTES.get(session.flow, {}).get(session.state, ())
        return FIRST + own + LAST

    def _route(self, ctx: TurnContext, *, skip: frozenset[str] = frozenset()) -> Reply:
        session = ctx.session
        self._remember_facts(ctx)
        if session.concern is not None and not skip:  # (a second routing of the same message counts once)
            session.concern_left -= 1
            if session.concern_left <= 0:
                session.concern, session.checked = None, None
        for route in self.routes_for(session):
            if route.means in skip:
                continue
            payload = RECOGNISERS[route.means](ctx)
            if payload is None:
                continue
            before = (session.flow, session.state)
            reply: Reply = getattr(self, "on_" + route.to)(ctx, payload)
            if route.to != "steer":  # 「退出」「菜单」 leave the flow for good: nothing to offer back
                self._note_pause(session, before)
            return reply
        raise AssertionError("the last route takes anything")  # pragma: no cover

    def _remember_facts(self, ctx: TurnContext) -> None:
        """Keep the self-check facts a message states, whatever it is about; note which ones are new."""
        facts = ctx.reading.facts
        profile = ctx.session.profile
        ctx.extra["corrected"] = [k for k, v in facts.items() if k in profile and profile[k] != v]
        ctx.extra["told_before"] = bool(profile)  # a situation being told over several messages
        profile.update(facts)

    # --- the flows' machines ----------------------------------------------------------------------

    def _turn(self, cls: type[FlowTurn], session: Session) -> Any:
        return cls(session=session, engine=self)

    def _fire(self, machine: FlowMachine, trigger: str, session: Session, payload: Any = None) -> Reply:
        """Fire ``trigger`` on a flow; when it cannot fire in the current state, say so kindly."""
        turn = self._turn(machine.turn_class, session)
        turn.payload = payload
        before = session.state
        if machine.table.name != session.flow:
            session.state = machine.table.initial  # entering a flow: start from its first state
        if not machine.fire(turn, trigger):
            session.state = before
            return self._stale(session)
        if self.observer is not None:
            self.observer(machine.table.name, trigger, session.state)
        return turn.reply

    def _stale(self, session: Session) -> Reply:
        """A button from an earlier message, or an action that does not fit where the user is."""
        reply = Reply().add(_("这一步现在用不上了。"))
        return reply.extend(self._pending(session) or menu.home_reply())

    def _pending(self, session: Session) -> Reply | None:
        """The question the flow in progress is waiting for, asked again; ``None`` when none is."""
        if session.flow == "check" and session.state in ("asking", "choosing"):
            turn = self._turn(eligibility.CheckTurn, session)
            turn.ask_current() if session.state == "asking" else turn.ask_products()
            return turn.reply
        if session.flow == "calc" and calc_flow.asked(session):
            request = CalcRequest.from_dict({k: v for k, v in session.calc.items() if k != "asked"})
            return ask_for(self.kb, request)
        if session.flow == "compare" and session.state == "picking":
            return self._fire(compare_flow.MACHINE, "show", session, [])
        return None

    def _aside(self, ctx: TurnContext, reply: Reply) -> Reply:
        """``reply`` served on the side of a flow in progress, followed by that flow's pending question
        (or, when the handler asked to hold it, a button to come back to it)."""
        session = ctx.session
        if ctx.hold:
            resume = self._resume_button(session, session.flow)
            if resume is not None and self._resumable(session.flow, session.state, session):
                if not reply.messages:
                    reply.add(_("需要的话可以接着刚才的："))
                reply.messages[-1].buttons.insert(0, [resume])
                session.offer = "resume"
            return reply
        pending = self._pending(session)
        return reply.extend(pending) if pending is not None else reply

    def _reset(self, session: Session) -> None:
        session.flow, session.state = "menu", "home"
        session.check = CheckDraft()
        session.calc = {}
        session.compare = []
        session.paused = {}

    # --- flows left unfinished --------------------------------------------------------------------

    @staticmethod
    def _resumable(flow: str, state: str, session: Session) -> bool:
        if flow == "check":
            return state in ("asking", "choosing")
        if flow == "calc":
            return calc_flow.asked(session) is not None
        return False

    def _note_pause(self, session: Session, before: tuple[str, str]) -> None:
        """A flow left unfinished for another is kept, to be offered back."""
        flow, state = before
        if session.flow != flow and self._resumable(flow, state, session):
            session.paused[flow] = state
        session.paused.pop(session.flow, None)

    def _resume_button(self, session: Session, flow: str) -> Button | None:
        if flow == "check" and session.check.asked:
            label = _("继续刚才的自测（第{n}题）").format(n=len(session.check.asked))
            return Resume(flow="check").button(label)
        if flow == "check":
            return Resume(flow="check").button(_("继续刚才的自测"))
        if flow == "calc":
            return Resume(flow="calc").button(_("继续刚才的计算"))
        return None

    def _offer_paused(self, session: Session, reply: Reply) -> Reply:
        """Every reply while a flow is paused offers it back (a button, and 「好」/「继续」 accepts)."""
        for flow in list(session.paused):
            if flow == session.flow or not reply.messages:
                continue
            button = self._resume_button(session, flow)
            if button is not None and button.id not in {b.id for b in reply.buttons()}:
                reply.messages[-1].buttons.insert(0, [button])
            session.offer = session.offer or "resume"
        return reply

    def _resume(self, session: Session, flow: str) -> Reply:
        """Back to ``flow``, paused or only waiting (a reply that offered it back without asking again)."""
        state = session.paused.pop(flow, None)
        if state is None and session.flow == flow:
            state = session.state
        if state is None or not self._resumable(flow, state, session):
            return self._stale(session)
        session.flow, session.state = flow, state
        reply = Reply().add(_("好，接着刚才的。"))
        return reply.extend(self._pending(session) or Reply())

    # --- starting flows -----------------------------------------------------------------------------

    def _home(self, session: Session) -> Reply:
        return self._fire(menu.MACHINE, "show_home", session)

    def _begin_check(
        self, session: Session, products: list[str] | None = None, *, fresh: bool = False
    ) -> Reply:
        """Start the self-check (for ``products``: straight to the questions); it starts from the facts
        already stated, unless ``fresh`` (「重新开始」, 「重新自测」): then they are forgotten."""
        before = (session.flow, session.state)
        session.paused.pop("check", None)
        if fresh:
            session.profile = {}
        reply = self._fire(eligibility.MACHINE, "begin", session)
        if products:
            reply = self._fire(eligibility.MACHINE, "choose", session, products)
        self._note_pause(session, before)
        return reply

    def _calc(self, session: Session, payload: Any) -> Reply:
        """Open the calculator with a question (``(folded text, mentions)``), a button's data, or nothing."""
        if session.flow != "calc":
            session.calc = {}  # a fresh visit starts a fresh calculation
        before = (session.flow, session.state)
        reply = self._fire(calc_flow.MACHINE, "enter", session, payload)
        self._note_pause(session, before)
        return reply

    def _compare(self, session: Session, products: list[str], *, full: bool = False) -> Reply:
        before = (session.flow, session.state)
        if session.flow != "compare" or session.state == "shown":
            session.compare = []
        payload = CompareFull(products=tuple(products)) if full else products
        reply = self._fire(compare_flow.MACHINE, "show", session, payload)
        self._note_pause(session, before)
        return reply
