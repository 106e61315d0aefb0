"""The dialogue engine: one turn in (text, button or command, plus the session), one reply out.

Telegram, the terminal chat and the tests all call :meth:`Engine.handle`. The engine is transport-free
and stateless between turns: everything about a chat lives in the :class:`~flows.session.Session` it is
given (and mutates). Each flow is a shared state machine built from its table (:mod:`flows.menu`,
:mod:`flows.faq`, :mod:`flows.eligibility`, :mod:`flows.calc_flow`); the engine routes a turn to the
right flow and trigger:

1. commands (``/start check``, ``/cancel``…);
2. buttons, by id prefix (``menu:``, ``faq:``, ``check:``, ``calc:``, ``compare:``, ``lang:``, ``nav:``);
3. global words (返回、跳过、取消、重新开始、菜单、帮助), whole messages only, in every state;
4. text, by the current flow: an answer in the self-check, a calculator input, otherwise a question.

Each turn is handled in the session's locale (``Session.locale``, chosen with ``/lang``); for Traditional
Chinese the finished reply, UI and knowledge-base text alike, is converted once at the end of
:meth:`Engine.handle`, the one place that sees all of it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from flows import calc_flow, eligibility, faq, menu
from flows.globals import BUTTONS, GlobalWord, global_word
from flows.i18n import (
    LOCALE_NAMES,
    SCRIPT_CONVERSIONS,
    SUPPORTED_LOCALES,
    _,
    localise_script,
    normalise_locale,
    using_locale,
)
from flows.machine import FlowMachine, FlowTurn
from flows.questions import QUESTIONS, decode_token
from flows.render import home_button
from flows.reply import Button, Message, Reply, Turn
from flows.session import CheckDraft, Session
from knowledge.base import KnowledgeBase
from knowledge.eligibility import checkable_products
from knowledge.understanding.api import FaqMatch, FaqMatcher

log = logging.getLogger(__name__)

#: the machine of each flow, by the name kept in ``Session.flow``
MACHINES: dict[str, FlowMachine] = {
    m.table.name: m for m in (menu.MACHINE, faq.MACHINE, eligibility.MACHINE, calc_flow.MACHINE)
}
#: longest text handed to the matcher; longer messages are cut (nobody asks a 2000-character question)
MAX_TEXT_CHARS = 300


class Engine:
    """Turns user actions into replies, using one knowledge base and one matcher for every chat.

    Args:
        kb: the knowledge base, loaded once.
        matcher: question understanding over ``kb``.
        unanswered_log: where declined and unsure questions are recorded for editors: a
            :class:`knowledge.unanswered.UnansweredLog` (anything with its ``record(question, band=,
            confidence=, best_guess=)``) or a callable taking the match; ``None`` keeps nothing.
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
        unanswered_log: Any = None,
        session_ttl_days: float = 30.0,
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self.unanswered_log = unanswered_log
        self.session_ttl_days = session_ttl_days

    # --- entry point ------------------------------------------------------------------------------

    def handle(self, session: Session, turn: Turn) -> Reply:
        """Answer one turn and update ``session`` in place.

        Never raises for bad input: an unexpected failure is logged, the session goes back to the main
        menu, and the user gets an apology. The reply is in the session's locale (after ``/lang``, the
        new one), in its script.
        """
        if normalise_locale(session.locale) != session.locale:
            session.locale = normalise_locale(session.locale) or SUPPORTED_LOCALES[0]
        turn = encodable(turn)
        with using_locale(session.locale):
            try:
                reply = self._dispatch(session, turn)
            except Exception:
                log.exception("turn failed: kind=%s flow=%s state=%s", turn.kind, session.flow, session.state)
                self._reset(session)
                reply = Reply().add(_("抱歉，刚才出了点问题，已回到主菜单。"), [[home_button()]])
        session.updated_at = time.time()
        return in_script(reply, session.locale)

    def log_unanswered(self, match: FaqMatch) -> None:
        """Record a question the advisor could not answer confidently (if a log was given)."""
        target = self.unanswered_log
        if target is None:
            return
        best_guess = match.entry_id or (match.suggestions[0] if match.suggestions else None)
        try:
            if hasattr(target, "record"):  # knowledge.unanswered.UnansweredLog
                target.record(
                    match.question, band=match.band, confidence=match.confidence, best_guess=best_guess
                )
            elif callable(target):
                target(match)
        except Exception:  # the log is a help for editors; it must never break a chat
            log.exception("could not record an unanswered question")

    # --- routing ----------------------------------------------------------------------------------

    def _dispatch(self, session: Session, turn: Turn) -> Reply:
        if session.flow not in MACHINES or session.state not in MACHINES[session.flow].table.states:
            self._reset(session)  # a record from an older version, or tampered with
        if turn.kind == "command":
            return self._command(session, turn.text.lower(), turn.args.strip())
        if turn.kind == "button":
            return self._button(session, turn.text)
        text = turn.text.strip()[:MAX_TEXT_CHARS]
        if not text:
            return Reply().add(_("请输入您的问题，或点按钮选择。"), [[home_button()]])
        word = global_word(text)
        if word is not None:
            return self._global(session, word)
        if session.flow == "check" and session.state == "asking":
            turn_ = self._turn(eligibility.CheckTurn, session)
            trigger, payload = eligibility.read_answer(turn_, text)
            return self._fire(eligibility.MACHINE, turn_, trigger, payload)
        if session.flow == "check" and session.state == "choosing":
            turn_ = self._turn(eligibility.CheckTurn, session)
            trigger, payload = eligibility.read_products(turn_, text)
            return self._fire(eligibility.MACHINE, turn_, trigger, payload)
        if session.flow == "calc":
            turn_ = self._turn(calc_flow.CalcTurn, session)
            return self._fire(calc_flow.MACHINE, turn_, "input", ("text", text))
        compared = calc_flow.comparison_in(self.kb, text)
        if compared:
            return self._compare(session, compared)
        if calc_flow.looks_like_calculation(self.kb, text):
            return self._calc(session, text)
        return self._ask(session, text)

    def _turn(self, cls: type[FlowTurn], session: Session) -> Any:
        return cls(session=session, engine=self)

    def _fire(self, machine: FlowMachine, turn: FlowTurn, trigger: str, payload: Any = None) -> Reply:
        """Fire ``trigger`` on a flow; when it cannot fire in the current state, say so kindly."""
        turn.payload = payload
        session = turn.session
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
        return reply.extend(self._resume(session))

    def _resume(self, session: Session) -> Reply:
        """Repeat what the user was last asked, or show the main menu."""
        if session.flow == "check" and session.state in ("asking", "choosing"):
            turn = self._turn(eligibility.CheckTurn, session)
            if session.state == "asking":
                turn.ask_current()
            else:
                turn.ask_products()
            return turn.reply
        return menu.home_reply()

    def _reset(self, session: Session) -> None:
        session.flow, session.state = "menu", "home"
        session.check = CheckDraft()
        session.calc = {}

    def _home(self, session: Session) -> Reply:
        return self._fire(menu.MACHINE, self._turn(menu.MenuTurn, session), "show_home")

    def _ask(self, session: Session, question: str) -> Reply:
        return self._fire(faq.MACHINE, self._turn(faq.FaqTurn, session), "ask", question)

    def _begin_check(self, session: Session, products: list[str] | None = None) -> Reply:
        turn = self._turn(eligibility.CheckTurn, session)
        reply = self._fire(eligibility.MACHINE, turn, "begin")
        if products:
            return self._fire(
                eligibility.MACHINE, self._turn(eligibility.CheckTurn, session), "choose", products
            )
        return reply

    def _calc(self, session: Session, text: str = "", *, button: str = "") -> Reply:
        if session.flow != "calc":
            session.calc = {}  # a fresh visit starts a fresh calculation
        payload = ("button", button) if button else ("text", text)
        return self._fire(calc_flow.MACHINE, self._turn(calc_flow.CalcTurn, session), "enter", payload)

    def _compare(self, session: Session, product_ids: list[str]) -> Reply:
        if session.flow != "menu":
            self._reset(session)
        return calc_flow.compare(self.kb, product_ids)

    def _products_named(self, text: str) -> list[str]:
        """Product ids a command argument names, by id, name or alias (「/compare 小米 微粒贷」)."""
        found = []
        for word in text.replace("，", " ").replace(",", " ").split():
            for product in self.kb.products.values():
                names = [product.id, product.name, *product.aliases]
                if any(word.lower() == n.lower() for n in names) or word in product.name:
                    found.append(product.id)
                    break
        return list(dict.fromkeys(found))

    # --- commands ---------------------------------------------------------------------------------

    def _command(self, session: Session, name: str, args: str) -> Reply:
        handlers: dict[str, Callable[[Session, str], Reply]] = {
            "start": self._cmd_start,
            "help": lambda s, a: self._help(),
            "menu": lambda s, a: self._leave(s, quiet=True),
            "check": lambda s, a: self._begin_check(s, self._check_products(a)),
            "faq": self._cmd_faq,
            "calc": lambda s, a: self._calc(s, a),
            "compare": lambda s, a: self._compare(s, self._products_named(a)),
            "cancel": lambda s, a: self._leave(s),
            "privacy": lambda s, a: self._privacy(),
            "forget": self._cmd_forget,
            "lang": self._cmd_lang,
            "language": self._cmd_lang,
        }
        handler = handlers.get(name)
        if handler is None:
            text = _("没有「/{name}」这个命令。发送 /help 查看可用的命令，或直接打字提问。").format(name=name)
            return Reply().add(text, [[home_button()]])
        return handler(session, args)

    def _check_products(self, args: str) -> list[str] | None:
        if not args:
            return None
        wanted = eligibility.products_from_text(self.kb, args)
        return wanted or None

    def _cmd_start(self, session: Session, payload: str) -> Reply:
        """``/start`` with an optional deep-link payload: check, check_xiaomi, faq, calc, compare."""
        self._reset(session)
        head, _sep, rest = payload.lower().partition("_")
        if head == "check":
            return self._begin_check(session, [rest] if rest in checkable_products(self.kb) else None)
        if head == "faq":
            return self._fire(faq.MACHINE, self._turn(faq.FaqTurn, session), "prompt")
        if head == "calc":
            return self._calc(session)
        if head == "compare":
            return self._compare(session, [])
        return self._home(session)

    def _cmd_faq(self, session: Session, question: str) -> Reply:
        if question:
            return self._ask(session, question)
        return self._fire(faq.MACHINE, self._turn(faq.FaqTurn, session), "prompt")

    def _cmd_forget(self, session: Session, _args: str) -> Reply:
        fresh = Session(locale=session.locale)
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
        rows = [[Button(id=f"lang:{locale}", label=LOCALE_NAMES[locale])] for locale in SUPPORTED_LOCALES]
        rows.append([home_button()])
        return Reply().add(_("请选择界面语言："), rows)

    def _switch_locale(self, session: Session, locale: str) -> Reply:
        """Keep ``locale`` in the session and answer in it (the turn began in the old one)."""
        session.locale = locale
        with using_locale(locale):
            reply = Reply().add(_("界面语言已切换为{language}。").format(language=LOCALE_NAMES[locale]))
            return reply.extend(self._resume(session))

    def _help(self) -> Reply:
        text = _(
            "可以直接打字提问，例如「微粒贷利息多少？」。\n"
            "命令：\n/check 资格自测\n/faq 常见问题\n/calc 利息计算\n/compare 产品对比\n"
            "/menu 主菜单\n/cancel 退出当前流程\n/lang 切换语言（Language）\n/privacy 隐私说明\n"
            "/forget 删除我的记录\n"
            "随时可以说：返回、跳过、取消、重新开始、菜单。"
        )
        return Reply().add(text, [[home_button()]])

    def _privacy(self) -> Reply:
        """What is kept, for how long, what is never kept, and how to erase it (``/privacy``)."""
        text = _(
            "<b>隐私说明</b>\n"
            "• 保存的内容：未做完的资格自测进行到哪一步和已选的答案、"
            "利息计算里填过的数字、最近一次问答的主题、界面语言。\n"
            "• 不保存您打的字：消息原文只用来回答当次的提问，不写进记录。"
            "也从不索要身份证号、手机号或姓名。\n"
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
                return self._begin_check(session)
            if session.flow == "calc":
                return self._calc(session)
            return self._home(session)
        if word == "skip":
            if session.flow == "check" and session.state == "asking":
                return self._fire(eligibility.MACHINE, self._turn(eligibility.CheckTurn, session), "skip")
            return Reply().add(_("现在没有要回答的问题，不需要跳过。")).extend(self._resume(session))
        return self._back(session)

    def _back(self, session: Session) -> Reply:
        """One step back: the previous question, the level above in the menu, or the main menu."""
        if session.flow == "check":
            if session.state == "choosing":
                return self._leave(session)
            return self._fire(eligibility.MACHINE, self._turn(eligibility.CheckTurn, session), "back")
        if session.flow == "menu":
            return self._fire(menu.MACHINE, self._turn(menu.MenuTurn, session), "back")
        if session.flow == "faq" and session.menu.topic and session.faq.entry_id:
            entry = self.kb.entries.get(session.faq.entry_id)
            if entry is not None and entry.topic == session.menu.topic:
                return self._open_topic(session, entry.topic)
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

    def _open_topic(self, session: Session, topic: str) -> Reply:
        return self._fire(menu.MACHINE, self._turn(menu.MenuTurn, session), "open_topic", topic)

    def _button(self, session: Session, button_id: str) -> Reply:
        if button_id in BUTTONS:
            return self._global(session, BUTTONS[button_id])
        prefix, _sep, rest = button_id.partition(":")
        if prefix == "menu":
            return self._menu_button(session, rest)
        if prefix == "faq" and rest.startswith("entry:"):
            entry_id, _sep, product = rest.removeprefix("entry:").partition(":")
            if entry_id not in self.kb.entries:
                return self._stale(session)
            payload = (entry_id, product if product in self.kb.products else None)
            return self._fire(faq.MACHINE, self._turn(faq.FaqTurn, session), "open_entry", payload)
        if prefix == "check":
            return self._check_button(session, rest)
        if prefix == "calc":
            if rest == "start":
                return self._calc(session)
            return self._calc(session, button=button_id)  # the calculator's own buttons
        if prefix == "lang":
            locale = normalise_locale(rest)
            return self._switch_locale(session, locale) if locale is not None else self._stale(session)
        if prefix == "compare":
            if rest == "start":
                return self._compare(session, [])
            if session.flow != "menu":
                self._reset(session)
            return calc_flow.compare_press(self.kb, button_id)
        return self._stale(session)

    def _menu_button(self, session: Session, rest: str) -> Reply:
        kind, _sep, ident = rest.partition(":")
        turn = self._turn(menu.MenuTurn, session)
        if kind == "home":
            return self._leave(session, quiet=True)
        if kind == "topics":
            return self._fire(menu.MACHINE, turn, "show_topics")
        if kind == "topic" and ident in self.kb.topics:
            return self._open_topic(session, ident)
        if kind == "products":
            return self._fire(menu.MACHINE, turn, "show_products")
        if kind == "product" and ident in self.kb.products:
            return self._fire(menu.MACHINE, turn, "open_product", ident)
        if kind == "privacy":
            return self._privacy()
        if kind == "help":
            return self._help()
        return self._stale(session)

    def _check_button(self, session: Session, rest: str) -> Reply:
        kind, _sep, ident = rest.partition(":")
        if kind in ("start", "restart"):
            return self._begin_check(session)
        if kind == "product":
            products = checkable_products(self.kb) if ident == "all" else [ident]
            if not all(p in checkable_products(self.kb) for p in products):
                return self._stale(session)
            if session.flow != "check" or session.state != "choosing":
                # a product card's 「自测」 button, or a product button from an old message: start afresh
                return self._begin_check(session, products)
            return self._fire(
                eligibility.MACHINE, self._turn(eligibility.CheckTurn, session), "choose", products
            )
        if kind == "answer":
            key, _sep, token = ident.partition(":")
            pending = session.check.asked[-1] if session.check.asked else None
            if session.flow != "check" or session.state != "asking" or key != pending or key not in QUESTIONS:
                return self._stale(session)
            value = decode_token(QUESTIONS[key], token)
            if value is None:
                return self._stale(session)
            return self._fire(
                eligibility.MACHINE, self._turn(eligibility.CheckTurn, session), "answer", value
            )
        return self._stale(session)


#: what people type after ``/lang`` besides the locale names themselves
LOCALE_WORDS = {
    "zh_CN": ("zh", "cn", "zh_hans", "简体", "简体中文", "简", "中文", "普通话"),
    "zh_TW": ("tw", "zh_hant", "繁体", "繁體", "繁体中文", "繁體中文", "繁", "台湾", "台灣"),
    "zh_HK": ("hk", "香港", "港"),
    "en": ("english", "英文", "英语", "英語", "eng"),
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


def locale_named(text: str) -> str | None:
    """The locale a ``/lang`` argument names (``en``, ``zh-TW``, ``繁體``, ``English``), or ``None``."""
    word = text.strip().lower().replace("-", "_")
    found = normalise_locale(word)
    if found is not None:
        return found
    for locale, words in LOCALE_WORDS.items():
        if word in words:
            return locale
    return None


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
    answer_threshold: float = 0.6,
    suggest_threshold: float = 0.3,
    unanswered_log: Any = None,
    session_ttl_days: float = 30.0,
) -> Engine:
    """The engine over the shipped knowledge base and the default matcher (each built once).

    Args:
        answer_threshold: matcher confidence at which to answer (the bot passes its settings' value).
        suggest_threshold: confidence at which to suggest rather than decline.
        unanswered_log: passed to :class:`Engine`.
        session_ttl_days: passed to :class:`Engine` (the bot passes its ``session_ttl_days`` setting).
    """
    from knowledge.base import default
    from knowledge.understanding import load_matcher

    kb = default()
    matcher = load_matcher(kb, answer_threshold=answer_threshold, suggest_threshold=suggest_threshold)
    return Engine(kb, matcher, unanswered_log=unanswered_log, session_ttl_days=session_ttl_days)


__all__ = ["MACHINES", "Button", "Engine", "build_engine"]
