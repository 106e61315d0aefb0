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
  recogniser finds its meaning in the message runs its handler, an ``on_…`` method here.

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
from collections.abc import Callable
from typing import Any, Protocol

from flows import calc_flow, compare_flow, eligibility, faq, menu, wants
from flows.buttons import (
    ButtonData,
    CalcNew,
    CalcStart,
    CheckAnswer,
    CheckProduct,
    CheckRestart,
    CheckStart,
    Compare,
    CompareFull,
    CompareStart,
    Help,
    Home,
    Lang,
    Nav,
    OpenEntry,
    ProductCard,
    Products,
    Resume,
    Topic,
    Topics,
    unpack,
)
from flows.calculator import ask_for
from flows.faq import answer_aside
from flows.globals import GlobalWord
from flows.i18n import (
    LOCALE_NAMES,
    SCRIPT_CONVERSIONS,
    SUPPORTED_LOCALES,
    _,
    locale_named,
    localise_script,
    normalise_locale,
    using_locale,
)
from flows.inspect_view import inspection_reply
from flows.machine import FlowMachine, FlowTurn
from flows.questions import QUESTIONS, decode_token
from flows.render import home_button, render_entry, render_match
from flows.reply import Button, Message, Reply, Turn
from flows.routes import FIRST, LAST, RECOGNISERS, Route, TurnContext
from flows.session import CheckDraft, Session
from knowledge.base import KnowledgeBase
from knowledge.calc_parse import CalcRequest
from knowledge.eligibility import checkable_products
from knowledge.inspection import inspect_message
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
#: longest text handed to the reader; longer messages are cut (nobody asks a 2000-character question)
MAX_TEXT_CHARS = 300


class UnansweredLog(Protocol):
    """Where declined and unsure questions are recorded for editors (knowledge.unanswered.UnansweredLog)."""

    def record(self, question: str, *, band: str, confidence: float, best_guess: str | None) -> None:
        """Append one question (the log redacts identifiers itself)."""
        ...


class Engine:
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

    #: called as ``observer(flow, trigger, state)`` after each flow transition that ran, e.g. ``("faq",
    #: "ask", "declined")``: names from the flow tables only, never what the user typed. The bot counts
    #: them for operators (bot/metrics.py); it must not raise (it runs inside the turn).
    observer: Callable[[str, str, str], None] | None = None

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

        self.kb = kb
        self.matcher = matcher
        self.reader = Reader(kb, matcher, wants or load_want_matcher(kb))  # type: ignore[arg-type]
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

    def routes_for(self, session: Session) -> tuple[Route, ...]:
        """The routes a typed message is tried against where the person is: shared first, the flow's own
        for its state, shared last."""
        own = FLOW_ROUTES.get(session.flow, {}).get(session.state, ())
        return FIRST + own + LAST

    def _route(self, ctx: TurnContext, *, skip: frozenset[str] = frozenset()) -> Reply:
        session = ctx.session
        self._remember_facts(ctx)
        for route in self.routes_for(session):
            if route.means in skip:
                continue
            payload = RECOGNISERS[route.means](ctx)
            if payload is None:
                continue
            before = (session.flow, session.state)
            reply: Reply = getattr(self, "on_" + route.to)(ctx, payload)
            self._note_pause(session, before)
            return reply
        raise AssertionError("the last route takes anything")  # pragma: no cover

    def _remember_facts(self, ctx: TurnContext) -> None:
        """Keep the self-check facts a message states, whatever it is about; note which ones are new."""
        facts = ctx.reading.facts
        profile = ctx.session.profile
        ctx.extra["corrected"] = [k for k, v in facts.items() if k in profile and profile[k] != v]
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

    # --- handlers of the shared routes --------------------------------------------------------------

    def on_steer(self, ctx: TurnContext, word: GlobalWord) -> Reply:
        return self._global(ctx.session, word)

    def on_inspect(self, ctx: TurnContext, _payload: object) -> Reply:
        """A message received and passed on: its scam signs and true cost, nothing of it kept; the flow in
        progress goes on after it."""
        report = inspect_message(ctx.reading.plain, normalised=True)
        read_text = report.text if ctx.origin == "photo" else None
        return self._aside(ctx, inspection_reply(self.kb, report, read_text=read_text))

    def on_crisis(self, ctx: TurnContext, _payload: object) -> Reply:
        ctx.hold = True
        reply = self._aside(ctx, wants.crisis_reply(self.kb))
        ctx.session.offer = "entry:overdue.cant_repay"  # 「嗯」 then opens the help with the debt
        return reply

    def on_scammed(self, ctx: TurnContext, _payload: object) -> Reply:
        ctx.hold = True
        return self._aside(ctx, wants.scammed_reply(self.kb))

    def on_identifier(self, ctx: TurnContext, kinds: list[str]) -> Reply:
        """Warn, never echo; then serve whatever else the message asks, as if the number were not there.

        A message that holds an identifier is never written to the unanswered log, not even redacted.
        """
        ctx.extra["identifier"] = True
        reply = wants.identifier_warning(kinds)
        rest = self._route(ctx, skip=frozenset({"identifier"}))
        return reply.extend(rest)

    def on_english(self, ctx: TurnContext, _payload: object) -> Reply:
        if "act.scammed" in ctx.reading.cued:  # 「is it possible to get the money back」
            return self.on_scammed(ctx, None)
        if ctx.reading.cued and len(ctx.reading.text.split()) <= 4:
            # 「ok thanks a lot」: small talk, answered (in English); a longer message is introduced to
            return self.on_want(ctx, self.kb.entries[ctx.reading.cued[0]].action or "")
        topics = self.reader.english_topics(ctx.reading)
        entry = self.reader.english_entry(ctx.reading)
        reply = wants.english_reply(self.kb, topics, introduced=ctx.session.english_introduced)
        ctx.session.english_introduced = True
        if entry is not None:  # the answer the message points at, in Chinese, after the English words
            reply.extend(render_entry(self.kb, entry, ctx.session.product))
        return reply

    def on_compare(self, ctx: TurnContext, products: list[str]) -> Reply:
        ctx.session.compare = []  # a new comparison, whatever was compared before
        return self._compare(ctx.session, products)

    def on_compare_more(self, ctx: TurnContext, products: list[str]) -> Reply:
        return self._fire(compare_flow.MACHINE, "show", ctx.session, products)

    def on_calc(self, ctx: TurnContext, text: str) -> Reply:
        mentions = ctx.reading.mentions if text == ctx.reading.text else []
        return self._calc(ctx.session, (text, mentions))

    def on_want(self, ctx: TurnContext, action: str) -> Reply:
        session, reading = ctx.session, ctx.reading
        if action == "check":
            match = reading.want_match
            named = [match.product] if match.product else reading.products
            return self._begin_check(session, self._products_for_check(ctx, named))
        if action == "calc":
            return self._calc(session, None)
        if action == "compare":
            return self._compare(session, [p for p in reading.products if p in self.kb.products])
        if action == "products":
            return self._fire(menu.MACHINE, "show_products", session)
        if action == "topics":
            return self._fire(menu.MACHINE, "show_topics", session)
        if action == "help":
            return self._aside(ctx, wants.help_reply())
        if action == "crisis":
            return self.on_crisis(ctx, None)
        if action == "scammed":
            return self.on_scammed(ctx, None)
        if action == "comfort":
            ctx.hold = True
            return self._aside(ctx, wants.comfort_reply(self.kb, session))
        if action == "answer":
            want = reading.want or ""
            return self._aside(ctx, wants.related_answer(self.kb, want, session.product))
        if action == "identifier":  # 「要不要发身份证号」; after a pasted one the warning is already given
            return self._aside(ctx, Reply() if ctx.extra.get("identifier") else wants.identifier_warning([]))
        offer = ctx.extra.get("offer") or ""
        if action == "affirm" and offer == "check":
            return self._begin_check(session)
        if action == "affirm" and offer.startswith("entry:") and offer[6:] in self.kb.entries:
            return self._fire(faq.MACHINE, "open_entry", session, (offer[6:], session.product))
        if action == "affirm" and session.paused:
            return self._resume(session, next(reversed(session.paused)))
        if action == "affirm" and offer == "resume":
            return self._resume(session, session.flow)
        if action in ("affirm", "deny") and self._resumable(session.flow, session.state, session):
            # a plain 「好」「行 知道了」 mid-flow answers nothing (「行」 is not 「能看到入口」):
            # acknowledged, and the pending question again
            return self._aside(ctx, Reply().add(_("好的，我们接着来。")))
        # thanks, goodbye, a laugh: answered, and the flow in progress offered back rather than asked again
        ctx.hold = action != "greet"
        return self._aside(ctx, wants.small_talk(action, session))  # type: ignore[arg-type]

    def on_check_situation(self, ctx: TurnContext, _facts: dict[str, Any]) -> Reply:
        """A situation and 「能批吗」: the self-check with the facts, for the products named (or the one the
        person is looking at)."""
        return self._begin_check(ctx.session, self._products_for_check(ctx, ctx.reading.products))

    def _products_for_check(self, ctx: TurnContext, named: list[str]) -> list[str] | None:
        """The checkable products a message asks about; none named: the product in view, if checkable."""
        chosen = eligibility.checkable_named(self.kb, named, ctx.reading.text)
        if not chosen and ctx.session.product in checkable_products(self.kb):
            chosen = [ctx.session.product]  # 「我能开不」 right after the answer about 微粒贷
        return chosen or None

    def on_offer_check(self, ctx: TurnContext, facts: dict[str, Any]) -> Reply:
        """Facts stated outside the self-check: kept, said back, and a check with them offered."""
        known = eligibility.facts_text(facts)
        if self._resumable(ctx.session.flow, ctx.session.state, ctx.session):
            return self._aside(ctx, Reply().add(_("记下了：{facts}。").format(facts=known)))
        ctx.session.offer = "check"
        return wants.offer_check(self.kb, known)

    def on_ask(self, ctx: TurnContext, match: FaqMatch) -> Reply:
        """An FAQ question: answered, met with suggestions, or declined (worded afresh the second time)."""
        session = ctx.session
        if ctx.extra.get("identifier") and match.band != "answer":
            return self._aside(ctx, Reply())  # nothing asked beside the number: the warning says it all
        if match.band != "answer" and ctx.reading.cued:
            # nothing understood but a 「谢谢」 or a 「拜拜」 in it: that is what the message is
            return self.on_want(ctx, self.kb.entries[ctx.reading.cued[0]].action or "")
        if match.band != "answer":
            self.log_unanswered(match)
        answering = session.flow == "check" and session.state == "asking"
        if match.band == "decline" and answering and not ctx.reading.is_question:
            return self._fire(eligibility.MACHINE, "unclear", session)  # 「没看明白这个回答」, asked again
        again = False
        if match.band == "decline":
            session.fallbacks = ctx.extra.get("fallbacks", 0) + 1
            again = session.fallbacks >= 2
            ctx.extra["declined"] = True
        if self._resumable(session.flow, session.state, session) or session.flow in ("calc", "compare"):
            if again:
                return self._aside(ctx, render_match(self.kb, match, again=True))
            return self._aside(ctx, answer_aside(self.kb, session, match))
        if again:
            return render_match(self.kb, match, again=True)
        reply = self._fire(faq.MACHINE, "ask", session, match)
        if "act.scammed" in ctx.reading.cued:
            # 「你是哪个平台的 能帮我追回来吗」: the question answered, and money lost is never left unmet
            reply.extend(wants.scammed_reply(self.kb))
        if len(ctx.reading.facts) >= 2 and reply.messages:
            # the situation told beside the question is kept: offer the check that uses it
            reply.messages[-1].buttons.insert(0, [CheckStart().button(_("按我的情况测一下能不能申请"))])
            session.offer = "check"
        return reply

    # --- handlers of the self-check's routes --------------------------------------------------------

    def on_choose(self, ctx: TurnContext, products: list[str]) -> Reply:
        return self._fire(eligibility.MACHINE, "choose", ctx.session, products)

    def on_skip(self, ctx: TurnContext, _payload: object) -> Reply:
        return self._fire(eligibility.MACHINE, "skip", ctx.session)

    def on_answer(self, ctx: TurnContext, value: object) -> Reply:
        return self._fire(eligibility.MACHINE, "answer", ctx.session, value)

    def on_check_product(self, ctx: TurnContext, products: list[str]) -> Reply:
        """「那微粒贷呢」 in a check: the same check for that product, from the facts already given."""
        return self._begin_check(ctx.session, products)

    def on_prefill(self, ctx: TurnContext, facts: dict[str, Any]) -> Reply:
        draft = ctx.session.check
        corrected = [k for k in facts if draft.answers.get(k) not in (None, facts[k])]
        draft.answers.update(facts)
        return self._fire(eligibility.MACHINE, "prefill", ctx.session, (facts, corrected))

    def on_recheck(self, ctx: TurnContext, facts: dict[str, Any]) -> Reply:
        draft = ctx.session.check
        corrected = [k for k in facts if draft.answers.get(k) not in (None, facts[k])]
        draft.answers.update(facts)
        reply = Reply()
        if corrected or set(facts) - set(draft.asked):
            reply.add(_("按新的信息重新判断："))
        return reply.extend(self._fire(eligibility.MACHINE, "recheck", ctx.session, (facts, corrected)))

    # --- handlers of the calculator's routes --------------------------------------------------------

    def on_calc_input(self, ctx: TurnContext, text: str) -> Reply:
        mentions = ctx.reading.mentions if text == ctx.reading.text else []
        return self._fire(calc_flow.MACHINE, "input", ctx.session, (text, mentions))

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

    # --- commands ---------------------------------------------------------------------------------

    def _command(self, session: Session, name: str, args: str) -> Reply:
        handler = COMMANDS.get(name)
        if handler is None:
            text = _("没有「/{name}」这个命令。发送 /help 查看可用的命令，或直接打字提问。").format(name=name)
            return Reply().add(text, [[home_button()]])
        return handler(self, session, args)

    def _named(self, args: str) -> list[str]:
        """The products a command's argument names (「/compare 小米 微粒贷」「/check 微粒贷」)."""
        return [p for p in self.reader.read(args).products if p in self.kb.products] if args else []

    def _cmd_start(self, session: Session, payload: str) -> Reply:
        """``/start`` with an optional deep-link payload: check, check_xiaomi, faq, calc, compare."""
        self._reset(session)
        head, _sep, rest = payload.lower().partition("_")
        if head == "check":
            return self._begin_check(session, [rest] if rest in checkable_products(self.kb) else None)
        if head == "faq":
            return self._fire(faq.MACHINE, "prompt", session)
        if head == "calc":
            return self._calc(session, None)
        if head == "compare":
            return self._compare(session, [])
        return self._home(session)

    def _cmd_check(self, session: Session, args: str) -> Reply:
        named = eligibility.checkable_named(self.kb, self._named(args), args)
        return self._begin_check(session, named or None)

    def _cmd_faq(self, session: Session, question: str) -> Reply:
        if question:
            ctx = TurnContext(self, session, self.reader.read(question))
            return self.on_ask(ctx, ctx.meaning)
        return self._fire(faq.MACHINE, "prompt", session)

    def _cmd_calc(self, session: Session, args: str) -> Reply:
        if not args:
            return self._calc(session, None)
        reading = self.reader.read(args)
        return self._calc(session, (reading.text, reading.mentions))

    def _cmd_forget(self, session: Session, _args: str) -> Reply:
        fresh = Session(locale=session.locale, locale_chosen=session.locale_chosen)
        for name in type(session).model_fields:
            setattr(session, name, getattr(fresh, name))
        reply = Reply(forget=True)
        reply.add(_("已删除我们保存的这段对话的全部记录（进度和自测答案）。需要时随时发送 /start 重新开始。"))
        return reply

    def _cmd_lang(self, session: Session, wanted: str) -> Reply:
        """``/lang``: the language buttons; ``/lang en`` (or ``zh_TW``, ``繁体``…) switches at once."""
        if wanted:
            locale = locale_named(wanted)
            if locale is not None:
                return self._switch_locale(session, locale)
        rows = [[Lang(locale=locale).button(LOCALE_NAMES[locale])] for locale in SUPPORTED_LOCALES]
        rows.append([home_button()])
        return Reply().add(_("请选择界面语言："), rows)

    def _switch_locale(self, session: Session, locale: str) -> Reply:
        """Keep ``locale`` in the session and answer in it (the turn began in the old one)."""
        session.locale, session.locale_chosen = locale, True
        with using_locale(locale):
            reply = Reply().add(_("界面语言已切换为{language}。").format(language=LOCALE_NAMES[locale]))
            return reply.extend(self._pending(session) or menu.home_reply())

    def _help(self) -> Reply:
        return wants.help_reply()

    def _privacy(self) -> Reply:
        """What is kept, for how long, what is never kept, and how to erase it (``/privacy``)."""
        text = _(
            "<b>隐私说明</b>\n"
            "• 保存的内容：未做完的资格自测进行到哪一步和已选的答案（包括您在聊天里说过的年龄、收入等"
            "自测信息）、"
            "利息计算里填过的数字、最近一次问答的主题和产品、界面语言。\n"
            "• 不保存您打的字：消息原文只用来回答当次的提问，不写进记录。"
            "也从不索要身份证号、手机号或姓名；发来的号码会被隐去，不会保存。\n"
            "• 保存多久：连续 {ttl}没有新消息，记录自动删除。\n"
            "• 随时发送 /forget，立即删除保存的全部记录。"
        ).format(ttl=ttl_text(self.session_ttl_days))
        if self.unanswered_log is not None:
            text += "\n" + _("• 答不上来的问题会去掉号码后匿名记下（不含账号），用于改进答案。")
        return Reply().add(text, [[home_button()]])

    # --- global words -----------------------------------------------------------------------------

    def _global(self, session: Session, word: GlobalWord) -> Reply:
        if word == "menu":
            return self._leave(session, quiet=True)
        if word == "help":
            return self._help()
        if word == "cancel":
            return self._leave(session)
        if word == "restart":
            if session.flow == "check":
                return self._begin_check(session, fresh=True)
            if session.flow == "calc":
                return self._calc(session, None)
            return self._home(session)
        if word == "skip":
            if session.flow == "check" and session.state == "asking":
                return self._fire(eligibility.MACHINE, "skip", session)
            reply = Reply().add(_("现在没有要回答的问题，不需要跳过。"))
            return reply.extend(self._pending(session) or menu.home_reply())
        return self._back(session)

    def _back(self, session: Session) -> Reply:
        """One step back: the previous question, the level above in the menu, or the main menu."""
        if session.flow == "check":
            if session.state == "choosing":
                return self._leave(session)
            return self._fire(eligibility.MACHINE, "back", session)
        if session.flow == "menu":
            return self._fire(menu.MACHINE, "back", session)
        if session.flow == "faq" and session.menu.topic and session.faq.entry_id:
            entry = self.kb.entries.get(session.faq.entry_id)
            if entry is not None and entry.topic == session.menu.topic:
                return self._fire(menu.MACHINE, "open_topic", session, entry.topic)
        return self._home(session)

    def _leave(self, session: Session, *, quiet: bool = False) -> Reply:
        """Leave whatever flow is open (its unfinished answers are dropped) for the main menu."""
        was = session.flow
        self._reset(session)
        reply = Reply()
        if not quiet and was == "check":
            reply.add(_("已退出资格自测，刚才的回答没有保留。"))
        elif not quiet and was == "calc":
            reply.add(_("已退出利息计算。"))
        return reply.extend(self._home(session))

    # --- buttons ----------------------------------------------------------------------------------

    def _button(self, session: Session, data: ButtonData) -> Reply:
        """Dispatch a pressed button by the type of its data."""
        kb = self.kb
        match data:
            case Nav(action="home"):
                return self._leave(session, quiet=True)
            case Nav(action=action):
                return self._global(session, action)  # type: ignore[arg-type]
            case Home():
                return self._leave(session, quiet=True)
            case Topics():
                return self._fire(menu.MACHINE, "show_topics", session)
            case Topic(topic=topic) if topic in kb.topics:
                return self._fire(menu.MACHINE, "open_topic", session, topic)
            case Products():
                return self._fire(menu.MACHINE, "show_products", session)
            case ProductCard(product=product) if product in kb.products:
                session.product = product
                return self._fire(menu.MACHINE, "open_product", session, product)
            case Help():
                return self._help()
            case OpenEntry(entry=entry, product=product) if entry in kb.entries:
                known = product if product in kb.products else None
                return self._fire(faq.MACHINE, "open_entry", session, (entry, known))
            case CheckStart():
                return self._begin_check(session)
            case CheckRestart():
                return self._begin_check(session, fresh=True)
            case CheckProduct(product=product):
                return self._check_product(session, product)
            case CheckAnswer(key=key, token=token):
                return self._check_answer(session, key, token)
            case Resume(flow=flow):
                return self._resume(session, flow)
            case CalcStart():
                return self._calc(session, None)
            case CalcNew():
                return self._calc(session, data) if session.flow == "calc" else self._calc(session, None)
            case CompareStart():
                return self._compare(session, [])
            case Compare(products=products):
                session.compare = []
                return self._compare(session, list(products))
            case CompareFull(products=products):
                session.compare = []
                return self._compare(session, list(products), full=True)
            case Lang(locale=wanted):
                locale = normalise_locale(wanted)
                return self._switch_locale(session, locale) if locale is not None else self._stale(session)
            case _ if type(data).__name__.startswith("Calc"):
                return self._calc(session, data)  # the calculator's own buttons
        return self._stale(session)

    def _check_product(self, session: Session, product: str) -> Reply:
        checkable = checkable_products(self.kb)
        products = checkable if product == "all" else [product]
        if not all(p in checkable for p in products):
            return self._stale(session)
        if session.flow != "check" or session.state != "choosing":
            # a product card's 「自测」 button, or a product button from an old message: start afresh
            return self._begin_check(session, products)
        return self._fire(eligibility.MACHINE, "choose", session, products)

    def _check_answer(self, session: Session, key: str, token: str) -> Reply:
        pending = session.check.asked[-1] if session.check.asked else None
        if session.flow != "check" or session.state != "asking" or key != pending or key not in QUESTIONS:
            return self._stale(session)
        value = decode_token(QUESTIONS[key], token)
        if value is None:
            return self._stale(session)
        return self._fire(eligibility.MACHINE, "answer", session, value)


#: the want each shared route serves a message as (see :meth:`Engine.want_served`)
_WANT_OF_ROUTE: dict[str, Callable[[TurnContext, Any], str | None]] = {
    "global_word": lambda ctx, word: {"help": "act.help", "cancel": "act.deny"}.get(word),
    "despair": lambda ctx, _p: ctx.reading.want,
    "scammed": lambda ctx, _p: ctx.reading.want,
    "marked": lambda ctx, _p: ctx.reading.want,
    "want": lambda ctx, _p: ctx.reading.want,
    "identifier": lambda ctx, _p: "act.identifier",
    "situation": lambda ctx, _p: "act.check",
    "states_facts": lambda ctx, _p: "act.check",
    "comparison": lambda ctx, _p: "act.compare",
    "calculation": lambda ctx, _p: "act.calc",
    "figure_for_last_answer": lambda ctx, _p: "act.calc",
    "anything": lambda ctx, match: _cued_instead(ctx, match),
}


def _cued_instead(ctx: TurnContext, match: FaqMatch) -> str | None:
    """The FAQ's route serves a want only when nothing was understood but a 「谢谢」 (see Engine.on_ask)."""
    return ctx.reading.cued[0] if match.band != "answer" and ctx.reading.cued else None

#: the slash commands, by name: each takes the engine, the session and the rest of the line
COMMANDS: dict[str, Callable[[Engine, Session, str], Reply]] = {
    "start": Engine._cmd_start,
    "help": lambda e, s, a: e._help(),
    "menu": lambda e, s, a: e._leave(s, quiet=True),
    "check": Engine._cmd_check,
    "faq": Engine._cmd_faq,
    "calc": Engine._cmd_calc,
    "compare": lambda e, s, a: e._compare(s, e._named(a)),
    "cancel": lambda e, s, a: e._leave(s),
    "privacy": lambda e, s, a: e._privacy(),
    "forget": Engine._cmd_forget,
    "lang": Engine._cmd_lang,
    "language": Engine._cmd_lang,
}


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


def ttl_text(days: float) -> str:
    """An idle time to live in words: 「30 天」, 「12 小时」, 「5 分钟」."""
    if days >= 1:
        return _("{days} 天").format(days=f"{days:g}" if days == int(days) else f"{days:.1f}")
    hours = days * 24
    if hours >= 1:
        return _("{hours} 小时").format(hours=f"{hours:.0f}")
    return _("{minutes} 分钟").format(minutes=f"{max(1.0, hours * 60):.0f}")


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


__all__ = ["COMMANDS", "MACHINES", "Engine", "build_engine"]


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
