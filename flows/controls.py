"""The turns that are not a message to understand: slash commands, global words (「返回」「退出」) and
buttons, each dispatched by a table or by the type of its data."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from flows import eligibility, faq, menu, wants
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
from flows.globals import GlobalWord
from flows.i18n import LOCALE_NAMES, SUPPORTED_LOCALES, _, locale_named, normalise_locale, using_locale
from flows.questions import QUESTIONS, decode_token
from flows.render import home_button, main_menu_rows
from flows.reply import Reply
from flows.route_handlers import RouteHandlers
from flows.routes import TurnContext, recogniser
from flows.session import Session
from knowledge.eligibility import checkable_products

#: what a typed label is compared by: letters and Han characters only, case folded
_NOT_LABEL = re.compile(r"[\s?？()（）!！.。,，:：、]+")


def _label_key(text: str) -> str:
    return _NOT_LABEL.sub("", text).casefold()


@functools.cache
def _menu_labels() -> dict[str, str]:
    """Every main-menu button's label in every locale (as :func:`_label_key` folds it) -> its id."""
    found: dict[str, str] = {}
    for locale in SUPPORTED_LOCALES:
        with using_locale(locale):
            found.update((_label_key(b.label), b.id) for row in main_menu_rows() for b in row)
    return found


@recogniser("typed_button")
def _typed_button(ctx: TurnContext) -> str | None:
    """The id of the main-menu button whose label the message is, typed out rather than pressed."""
    return _menu_labels().get(_label_key(ctx.reading.text))


class Controls(RouteHandlers):
    """Commands, global words and buttons."""

    def on_press(self, ctx: TurnContext, button_id: str) -> Reply:
        """The label of a main-menu button typed out (「Can I apply? (self-check)」): that button pressed."""
        data = unpack(button_id)
        return self._stale(ctx.session) if data is None else self._button(ctx.session, data)

    def on_steer(self, ctx: TurnContext, word: GlobalWord) -> Reply:
        """A global word typed (「返回」「菜单」), whatever flow is open."""
        return self._global(ctx.session, word)

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
            "利息计算里填过的数字、最近一次问答的主题和产品、界面语言；帮你检查过的消息，只记发现的诈骗"
            "迹象类别、要你先交的费用和算出的年化，几条消息后就删掉。\n"
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
        if word == "forget":  # 「删除我的数据」 asks what /forget does
            return self._cmd_forget(session, "")
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
            session.profile = {}  # 「刚才的回答没有保留」 must be true: the facts stated go with the answers
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


#: the slash commands, by name: each takes the engine, the session and the rest of the line
COMMANDS: dict[str, Callable[[Controls, Session, str], Reply]] = {
    "start": Controls._cmd_start,
    "help": lambda e, s, a: e._help(),
    "menu": lambda e, s, a: e._leave(s, quiet=True),
    "check": Controls._cmd_check,
    "faq": Controls._cmd_faq,
    "calc": Controls._cmd_calc,
    "compare": lambda e, s, a: e._compare(s, e._named(a)),
    "cancel": lambda e, s, a: e._leave(s),
    "privacy": lambda e, s, a: e._privacy(),
    "forget": Controls._cmd_forget,
    "lang": Controls._cmd_lang,
    "language": Controls._cmd_lang,
}


def ttl_text(days: float) -> str:
    """An idle time to live in words: 「30 天」, 「12 小时」, 「5 分钟」."""
    if days >= 1:
        return _("{days} 天").format(days=f"{days:g}" if days == int(days) else f"{days:.1f}")
    hours = days * 24
    if hours >= 1:
        return _("{hours} 小时").format(hours=f"{hours:.0f}")
    return _("{minutes} 分钟").format(minutes=f"{max(1.0, hours * 60):.0f}")
