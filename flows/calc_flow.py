"""The calculator flow: a cost question and its follow-ups, with the request so far kept between turns.

The calculator itself (:mod:`flows.calculator`) is a set of pure functions; this flow keeps its request in
``Session.calc``, with the key ``asked`` naming what the calculator last asked for (the amount, the term,
the rate or the days overdue). While it is open, a typed message goes to it only when it is an answer to
that question (a bare 「12」 or 「10000」) or something a calculation can use (figures, a product,
「改成6期」);
anything else takes the shared routes, and the question is asked again afterwards.
"""

from __future__ import annotations

import re

from flows import calculator
from flows.buttons import ButtonData
from flows.machine import ANY, FlowMachine, FlowTable, FlowTurn, Row
from flows.routes import PRICED_ENTRIES, TurnContext, asks_of_its_own, recogniser, routes, tells_situation
from flows.session import Session
from knowledge.calc_parse import CalcRequest

CALC = FlowTable(
    name="calc",
    title="利息计算：一个成本问题和它的追问（改期数、换产品），没说全的会再问",
    states=["active"],
    initial="active",
    transitions=[
        Row(trigger="enter", source=ANY, dest="active", after=["say_calc"]),
        Row(trigger="input", source="active", dest="active", after=["say_calc"]),
    ],
)

#: what a typed message does while the calculator is open, before the shared routes (flows.routes)
ROUTES = {"active": routes("answers_calc -> calc_input", "calc_request -> calc_input")}

#: a reply that is nothing but a figure, perhaps with its unit: 「12」「10000」「1万」「12期」「0.05%」
_BARE = re.compile(
    r"^[¥￥]?\s*([0-9.]+\s*(?:w|k|万|千)?|[零〇一二两三四五六七八九十百千万.]+)\s*(元|块|期|个月|月|天|%)?$"
)
#: how a bare figure is read, by what the calculator asked for
_AS_ANSWER = {"amount": "借{n}元", "term": "{n}期", "days": "逾期{n}天"}


def asked(session: Session) -> str | None:
    """What the calculator asked for last (``amount``, ``term``, ``price``, ``days``), if anything."""
    value = session.calc.get("asked")
    return value if isinstance(value, str) else None


def _state_after(request_state: dict[str, float | int | str | None]) -> dict[str, float | int | str | None]:
    """The state to keep: the request, and what it still lacks as ``asked``."""
    if set(request_state) == {"asked"}:
        return dict(request_state)
    state = {k: v for k, v in request_state.items() if k != "asked"}
    if state:
        missing = CalcRequest.from_dict(state).missing()
        if missing:
            state["asked"] = missing[0]
    return state


class CalcTurn(FlowTurn):
    """Callbacks of the calculator flow. ``payload``: a pressed button's data, ``None`` for the calculator's
    introduction, or a typed message as ``(folded text, product mentions)``."""

    def say_calc(self) -> None:
        kb, previous = self.engine.kb, {k: v for k, v in self.session.calc.items() if k != "asked"}
        if isinstance(self.payload, ButtonData):
            reply, state = calculator.calc_button(kb, self.payload, previous or None)
        elif not self.payload:
            # the introduction asks for a loan; a bare 「8000」 in reply is its amount
            reply, state = calculator.calc_intro(), {"asked": "amount"}
        else:
            text, mentions, *in_view = self.payload  # (text, mentions[, product in view])
            reply, state = calculator.calc_reply(
                kb, text, previous or None, mentions=mentions, in_view=in_view[0] if in_view else None
            )
        self.session.calc = _state_after(state)
        product = self.session.calc.get("product")
        if isinstance(product, str):
            self.session.product = product
        self.reply.extend(reply)


MACHINE = FlowMachine(CALC, CalcTurn)


# --- recognisers of the calculator's routes -------------------------------------------------------------


@recogniser("answers_calc")
def _answers_calc(ctx: TurnContext) -> str | None:
    """A bare figure typed in reply to the calculator's own question, as the calculator reads it."""
    wanted = asked(ctx.session)
    match = _BARE.match(ctx.reading.text)
    if wanted is None or match is None:
        return None
    figure, unit = match.group(1), match.group(2) or ""
    if wanted == "price" and not unit:
        return _as_rate(figure) or ctx.reading.text
    if unit or wanted == "price":
        return ctx.reading.text  # 「12期」「0.05%」 say what they are
    return _AS_ANSWER[wanted].format(n=figure)


def _as_rate(figure: str) -> str | None:
    """A bare figure typed when the calculator asked for the rate: a percentage, read as the calculator reads
    one whose kind is not written (by its size, the reading said in the reply so that a misreading shows:
    「0.05」 a day, 「0.8」 a month, 「18」 a year). Chinese numerals are not rates (``None``)."""
    try:
        value = float(figure)
    except ValueError:
        return None
    return f"{figure}%" if 0 < value <= 100 else None


#: asking how something is computed (「罚息咋算的」), not giving the figures to compute it with
_HOW_COMPUTED = re.compile(r"(?:咋|怎么|如何|怎样)(?:算|计算|收|计)")


def _asks_about_a_rate(ctx: TurnContext, request: CalcRequest) -> bool:
    """A question whose only figure is a rate (「年化40% 还要还吗」), confidently answered by the FAQ, when
    the calculator did not ask for a rate: a question about that rate, not a new rate for the sum."""
    others = (request.amount, request.term_months, request.term_days, request.method, request.overdue_days)
    if request.price is None or any(value is not None for value in others):
        return False
    return ctx.reading.is_question and asked(ctx.session) != "price" and ctx.meaning.band == "answer"


@recogniser("calc_request")
def _calc_request(ctx: TurnContext) -> str | None:
    """Something a calculation can use: figures, a product to price it by, or a change to the last one."""
    reading = ctx.reading
    if reading.english:
        return None  # 「if i borrow 5000 for 12 months…」: the English route words it for the calculator
    if tells_situation(reading):
        return None  # 「我27 在厂里上班 一个月六千 没逾期」 in the calculator: kept for the check, not priced
    request = reading.loan
    figures = any(
        value is not None
        for value in (request.amount, request.term_months, request.term_days, request.price, request.method)
    )
    if _asks_about_a_rate(ctx, request):
        return None  # 「网上说的年化36%合法吗」: the FAQ answers it; the sum in progress is kept
    if request.intent == "penalty" and request.overdue_days is None and _HOW_COMPUTED.search(reading.text):
        return None  # 「要是逾期了罚息咋算的」: how penalties are computed, the FAQ's; the sum is kept
    if figures or request.overdue_days is not None or request.paid_periods is not None:
        return reading.text
    if request.product is not None and not reading.is_question and ctx.want() in (None, "calc"):
        return reading.text  # 「微粒贷」「用小米贷款的利率」: priced by it; 「测一下微粒贷」 is the check
    if ctx.session.calc and calculator.FOLLOW_UP.search(reading.text) and not asks_of_its_own(ctx):
        return reading.text  # 「那微粒贷呢」「改成6期」; but 「那WE2000呢 上征信吗」 is the FAQ's
    if not asked(ctx.session) and ctx.session.calc and calculator.ABOUT_THE_LOAN.search(reading.text):
        # 「那每个月还多少」「要是我提前还呢」 after the answer: about that loan; but 「逾期会咋样」 has an
        # answer of its own that no sum gives
        match = ctx.meaning
        if (
            match.band == "answer"
            and match.entry_id not in PRICED_ENTRIES
            and not calculator.LOAN_COST.search(reading.text)
        ):
            return None
        return reading.text
    return None
