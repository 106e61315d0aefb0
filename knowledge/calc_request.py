"""What a cost question said, as read by :mod:`knowledge.calc_parse`: the :class:`CalcRequest`.

Besides a stated price (日息万五, 月息1分, 年化18%, 月费率0.8%) a request may hold the figures a lender
quoted instead of a rate — an instalment, a total repaid, the interest in yuan, the money actually
received, a fee taken off up front — from which :mod:`knowledge.cost_answer` solves the rate. What is
still missing is reported as field names (``amount``, ``term``, ``price``, ``days``); the caller asks for
them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal, get_args

from knowledge.costs import METHODS, PRICE_KINDS, LoanQuote, Method, Price, QuoteError, compute

Intent = Literal["cost", "penalty", "early", "cheapest"]
Missing = Literal["amount", "term", "price", "days"]
INTENTS: tuple[Intent, ...] = get_args(Intent)

#: figures a lender may quote instead of a rate, in yuan (each solved into the true annual rate)
QUOTED = ("installment", "total_repaid", "interest_total")
#: figures that give a rate once the amount is known (「一个月利息80」「一天4块」)
PER_AMOUNT = ("interest_month", "per_day_yuan", "fee_month")
_MONEY_FIELDS = ("amount", *QUOTED, *PER_AMOUNT, "received", "fee_upfront")
#: a new way of stating the cost replaces every old one
_NO_SUMS: dict[str, Any] = {name: None for name in (*QUOTED, *PER_AMOUNT)}


@dataclass(frozen=True)
class CalcRequest:
    """Everything a cost question said; ``None`` where it said nothing."""

    intent: Intent = "cost"
    amount: float | None = None
    term_months: int | None = None
    term_days: int | None = None
    #: the term was stated as instalments (「分12期」「每期还」「月供」), not only as a length of time
    by_periods: bool = False
    method: Method | None = None
    price: Price | None = None
    #: the price had no 日/月/年 word, so its kind was guessed from its size
    price_guessed: bool = False
    product: str | None = None
    #: every product named, for 「小米和微粒贷哪个便宜」 (comma-separated ids)
    products: str | None = None
    overdue_days: int | None = None
    installment: float | None = None
    total_repaid: float | None = None
    interest_total: float | None = None
    interest_month: float | None = None
    per_day_yuan: float | None = None
    #: a fee charged every period, in yuan (「每期手续费64」): a 月费率 once the amount is known
    fee_month: float | None = None
    received: float | None = None
    fee_upfront: float | None = None
    #: a fee taken up front as a percentage of the amount (「扣了10%手续费」)
    fee_upfront_pct: float | None = None
    #: instalments already paid before settling early (「已经还了6期」「第6个月想还清」): the fee is on what
    #: is left of the principal
    paid_periods: int | None = None
    #: an early-settlement fee in percent of what is left, given to try (「按2%算呢」)
    early_fee_pct: float | None = None
    #: the question asks for a sum of money (利息多少, 每期还多少), not only whether the price is high
    wants_money: bool = False
    #: the question asks whether the price is high or lawful (贵不贵, 算高利贷吗, 年化多少)
    judges: bool = False

    # --- what was said ---------------------------------------------------------------------------

    def self_contained(self) -> bool:
        """Whether this reads as a new question rather than a follow-up: an amount and something more."""
        more = (
            self.term_months is not None
            or self.term_days is not None
            or self.price is not None
            or self.product is not None
            or self.overdue_days is not None
            or self.intent != "cost"
            or any(getattr(self, name) is not None for name in (*QUOTED, *PER_AMOUNT, "received"))
        )
        return self.amount is not None and more

    def has_numbers(self) -> bool:
        """Whether anything a calculation needs was given."""
        return any(
            getattr(self, f.name) is not None
            for f in fields(self)
            if f.name not in ("intent", "price_guessed", "by_periods", "wants_money", "judges", "products")
        )

    def named(self) -> list[str]:
        """Every product named, in order."""
        return [p for p in (self.products or "").split(",") if p]

    def merged_over(self, previous: CalcRequest) -> CalcRequest:
        """This request with its gaps filled from ``previous`` (「改成24期」「那微粒贷呢」「不对 是一万」).

        A new question (:meth:`self_contained`) replaces the previous one. In a follow-up, a new product
        replaces an old typed price and a new typed price replaces an old product; a new way of stating
        the cost (a rate, an instalment, a total) replaces the old one.
        """
        if self.self_contained():
            return self
        keep = previous
        if self.product is not None:
            keep = replace(keep, price=None, price_guessed=False)
        if self.price is not None:
            keep = replace(keep, product=None, **_NO_SUMS)
        if any(getattr(self, name) is not None for name in (*QUOTED, *PER_AMOUNT)):
            keep = replace(keep, price=None, **_NO_SUMS)
        if self.term_months is not None or self.term_days is not None:
            keep = replace(keep, term_months=None, term_days=None, by_periods=self.by_periods)
        if self.amount is not None and self.paid_periods is None:
            keep = replace(keep, paid_periods=None)  # 「剩下一万」: the amount left, nothing paid off it
        if self.received is not None:
            keep = replace(keep, fee_upfront=None, fee_upfront_pct=None)
        if self.fee_upfront is not None or self.fee_upfront_pct is not None:
            keep = replace(keep, received=None)
        values = {
            f.name: getattr(self, f.name) if getattr(self, f.name) is not None else getattr(keep, f.name)
            for f in fields(self)
            if f.name not in ("intent", "price_guessed", "by_periods", "wants_money", "judges")
        }
        guessed = self.price_guessed if self.price is not None else keep.price_guessed
        # 「那微粒贷呢」 after a penalty question is still about the penalty; 「改成24期」 is about cost
        changes_cost = any(v is not None for v in (self.term_months, self.term_days, self.method))
        intent: Intent
        if self.intent != "cost":
            intent = self.intent
        elif changes_cost and previous.intent not in ("cheapest",):
            intent = "cost"
        else:
            intent = previous.intent
        return CalcRequest(
            intent=intent,
            price_guessed=guessed,
            by_periods=self.by_periods or keep.by_periods,
            wants_money=self.wants_money or previous.wants_money,
            judges=self.judges or previous.judges,
            **values,
        )

    # --- what it amounts to ----------------------------------------------------------------------

    def stated_price(self) -> Price | None:
        """The price, typed or worked out from yuan figures and the amount (「借1万 一个月利息80」 is
        月0.8%)."""
        if self.price is not None:
            return self.price
        if not self.amount:
            return None
        if self.interest_month is not None:
            return Price("monthly", self.interest_month / self.amount * 100)
        if self.per_day_yuan is not None:
            return Price("daily", self.per_day_yuan / self.amount * 100)
        if self.fee_month is not None:
            return Price("monthly_fee", self.fee_month / self.amount * 100)
        return None

    def quoted(self) -> bool:
        """Whether the cost is stated as sums of money to solve (an instalment, a total, the interest)."""
        return self.price is None and any(getattr(self, name) is not None for name in QUOTED)

    def fee(self) -> float:
        """Money kept back when the loan was paid out (砍头息): stated, or amount minus money received."""
        if self.fee_upfront is not None:
            return self.fee_upfront
        if self.fee_upfront_pct is not None and self.amount:
            return self.amount * self.fee_upfront_pct / 100
        if self.received is not None and self.amount:
            return max(self.amount - self.received, 0.0)
        return 0.0

    def remaining_principal(self) -> tuple[float, bool] | None:
        """What is left of the principal after :attr:`paid_periods` instalments, and whether it is exact:
        from the schedule when the price is known, else the principal paid off in equal parts (less than
        what 等额本息 leaves). ``None`` without an amount; the amount itself when nothing was paid."""
        if self.amount is None:
            return None
        periods, paid = self.term_months, self.paid_periods
        if not paid or not periods or paid >= periods:
            return self.amount, True
        price = self.stated_price()
        if price is not None and self.effective_method() != "daily":
            quote = self.quote(price=price)
            if isinstance(quote, LoanQuote):
                try:
                    return compute(quote).rows[paid - 1].balance, True
                except (QuoteError, IndexError):
                    pass
        return self.amount * (periods - paid) / periods, False

    def has_term(self) -> bool:
        """Whether a term was given."""
        return self.term_months is not None or self.term_days is not None

    def method_open(self) -> bool:
        """Whether the words leave open instalments vs one repayment at the end (「借两万 一年多少钱」)."""
        return self.method is None and (self.term_months or 0) > 1 and not self.by_periods

    def effective_method(self) -> Method:
        """The method asked for; else one repayment for a term in days or a term left open, and 等额本息
        for instalments."""
        if self.method is not None:
            return self.method
        if self.by_periods:
            return "equal_installment"
        return "daily"

    def missing(self) -> list[Missing]:
        """What the answer still needs, in the order to ask for it."""
        needs: list[Missing] = []
        if self.intent == "penalty":
            if self.amount is None:
                needs.append("amount")
            if self.overdue_days is None:
                needs.append("days")
            return needs
        if self.intent == "early":
            return [] if self.amount is not None else ["amount"]
        amount: list[Missing] = [] if self.amount is not None else ["amount"]
        term: list[Missing] = [] if self.has_term() else ["term"]
        if self.intent == "cheapest" or self.quoted():
            return amount + term  # a ranking, or a sum of money to solve, needs both
        if any(getattr(self, name) is not None for name in PER_AMOUNT) and self.price is None:
            # 「一个月利息80」 is a rate only once the amount is known
            return amount + (term if self.wants_money else [])
        if self.price is None and self.product is None:
            return [*amount, *term, "price"]
        if self.price is not None and self.price.kind == "monthly_fee":
            # the true rate of a fee on the original principal depends on how many periods
            return (amount if self.wants_money else []) + term
        if self.wants_money or not self.judges or self.product is not None:
            return amount + term
        return []  # 「日息万五算高利贷吗」: the rate alone answers it

    def quote(self, price: Price | None = None, method: Method | None = None) -> LoanQuote | list[Missing]:
        """The :class:`LoanQuote` to compute, or what is missing. ``price`` overrides (product scenarios)."""
        chosen = price or self.stated_price()
        gaps = [
            m
            for m in ("amount", "term")
            if (m == "amount" and self.amount is None) or (m == "term" and not self.has_term())
        ]
        if gaps or chosen is None or self.amount is None:
            return gaps or ["price"]  # type: ignore[return-value]
        return LoanQuote(
            amount=self.amount,
            method=method or self.effective_method(),
            price=chosen,
            term_months=self.term_months,
            term_days=self.term_days,
        )

    # --- kept between turns --------------------------------------------------------------------

    def to_dict(self) -> dict[str, float | int | str | None]:
        """Flat scalars, to keep between turns (``Session.calc``)."""
        data: dict[str, float | int | str | None] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "price":
                data["price_kind"] = value.kind if value else None
                data["price_pct"] = value.value_pct if value else None
            elif isinstance(value, bool):
                data[f.name] = 1 if value else 0
            else:
                data[f.name] = value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, float | int | str | None] | None) -> CalcRequest:
        """Rebuild from :meth:`to_dict`; unknown or malformed values are dropped, never raised."""
        if not data:
            return cls()

        def num(key: str) -> float | None:
            value = data.get(key)
            return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

        def whole(key: str) -> int | None:
            value = num(key)
            return int(value) if value is not None else None

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        kind, pct = data.get("price_kind"), num("price_pct")
        price = Price(kind, pct) if kind in PRICE_KINDS and pct else None
        method, intent = data.get("method"), data.get("intent")
        return cls(
            intent=intent if intent in INTENTS else "cost",
            term_months=whole("term_months"),
            term_days=whole("term_days"),
            by_periods=bool(data.get("by_periods")),
            method=method if method in METHODS else None,
            price=price,
            price_guessed=bool(data.get("price_guessed")),
            product=text("product"),
            products=text("products"),
            overdue_days=whole("overdue_days"),
            fee_upfront_pct=num("fee_upfront_pct"),
            paid_periods=whole("paid_periods"),
            early_fee_pct=num("early_fee_pct"),
            wants_money=bool(data.get("wants_money")),
            judges=bool(data.get("judges")),
            **{name: num(name) for name in _MONEY_FIELDS},
        )
