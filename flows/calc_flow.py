"""The calculator flow: while it is open, every typed line goes to the calculator.

The calculator (:mod:`flows.calculator`: ``calc_intro``, ``calc_reply``, ``calc_button``) and the
comparison (:mod:`flows.compare`: ``compare_reply``, ``compare_button``, ``detect_comparison``) are pure
functions written elsewhere. They are imported when first used; while one is missing the user is told it
is being built. The calculator's state between turns (the request so far) is kept in ``Session.calc``.
"""

from __future__ import annotations

import importlib
from typing import Any

from flows.i18n import _
from flows.machine import ANY, FlowMachine, FlowTable, FlowTurn, Row
from flows.render import home_button
from flows.reply import Reply
from knowledge.base import KnowledgeBase

CALC = FlowTable(
    name="calc",
    title="利息计算：打开后，输入的每一行都交给计算器，直到返回或退出",
    states=["active"],
    initial="active",
    transitions=[
        Row(trigger="enter", source=ANY, dest="active", after=["say_calc"]),
        Row(trigger="input", source="active", dest="active", after=["say_calc"]),
    ],
)


def _function(module: str, name: str) -> Any | None:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def under_construction() -> Reply:
    """What the user sees while the calculator is not there yet."""
    return Reply().add(_("计算器正在建设中，先看看别的吧。"), [[home_button()]])


CalcState = dict[str, float | int | str | None]


def _reply_and_state(result: Any, previous: CalcState) -> tuple[Reply, CalcState]:
    """Accept both shapes of calculator answer: ``(reply, state)`` or a bare reply."""
    if isinstance(result, tuple):
        reply, state = result
        return reply, dict(state or {})
    return result, previous


def calc(kb: KnowledgeBase, text: str, previous: CalcState | None = None) -> tuple[Reply, CalcState]:
    """The calculator's reply to typed ``text`` (empty: its introduction) and its state to keep."""
    previous = dict(previous or {})
    if not text.strip():
        intro = _function("flows.calculator", "calc_intro")
        if intro is not None:
            return intro(), {}
    calc_reply = _function("flows.calculator", "calc_reply")
    if calc_reply is None:
        return under_construction(), previous
    if _function("flows.calculator", "calc_intro") is not None:
        return _reply_and_state(calc_reply(kb, text, previous or None), previous)
    return _reply_and_state(calc_reply(kb, text), previous)


def press(kb: KnowledgeBase, button_id: str, previous: CalcState | None = None) -> tuple[Reply, CalcState]:
    """The calculator's reply to one of its own ``calc:…`` buttons."""
    calc_button = _function("flows.calculator", "calc_button")
    if calc_button is None:
        return calc(kb, button_id, previous)
    return _reply_and_state(calc_button(kb, button_id, dict(previous or {}) or None), dict(previous or {}))


def looks_like_calculation(kb: KnowledgeBase, text: str) -> bool:
    """Whether free text is a cost question for the calculator (「借1万分12期，日利率0.05%」)."""
    check = _function("knowledge.calc_parse", "looks_like_calculation")
    return bool(check is not None and _function("flows.calculator", "calc_reply") and check(text, kb))


def compare(kb: KnowledgeBase, product_ids: list[str]) -> Reply:
    """The comparison of ``product_ids`` (empty: the comparison's own product picker)."""
    compare_reply = _function("flows.compare", "compare_reply")
    if compare_reply is None:
        return Reply().add(_("产品对比正在建设中，先看看别的吧。"), [[home_button()]])
    reply: Reply = compare_reply(kb, product_ids)
    return reply


def compare_press(kb: KnowledgeBase, button_id: str) -> Reply:
    """The comparison's reply to one of its ``compare:…`` buttons."""
    compare_button = _function("flows.compare", "compare_button")
    if compare_button is None:
        ids = [p for p in button_id.removeprefix("compare:").split(",") if p in kb.products]
        return compare(kb, ids)
    reply: Reply = compare_button(kb, button_id)
    return reply


def comparison_in(kb: KnowledgeBase, text: str) -> list[str] | None:
    """The products a free-text comparison names (「小米和微粒贷哪个利息低」), or ``None``."""
    detect = _function("flows.compare", "detect_comparison")
    if detect is None:
        return None
    found: list[str] | None = detect(kb, text)
    return found


class CalcTurn(FlowTurn):
    """Callbacks of the calculator flow; ``payload`` is ``("text" | "button", value)``."""

    def say_calc(self) -> None:
        kind, value = self.payload if isinstance(self.payload, tuple) else ("text", str(self.payload or ""))
        if kind == "button":
            reply, state = press(self.engine.kb, value, self.session.calc)
        else:
            reply, state = calc(self.engine.kb, value, self.session.calc)
        self.session.calc = state
        self.reply.extend(reply)


MACHINE = FlowMachine(CALC, CalcTurn)
