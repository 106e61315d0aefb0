"""What a loan really costs: repayment schedules, totals, IRR, overdue penalties and early-settlement fees.

Pure arithmetic, no wording: :mod:`flows.calculator` turns the results into text. Payments come from
``numpy_financial`` (``pmt``) and the true rate from ``numpy_financial.irr``; the schedule rows follow
the balance month by month the way a lender's statement does (the tests check them against
``ipmt``/``ppmt``).

Conventions (the rendered text states them too):

- A daily rate ``d`` % is a nominal annual rate of ``d × 365`` % — how the articles turn 0.03 % a day
  into 10.95 % a year.
- A monthly schedule priced by a daily rate charges ``d × 365 / 12`` % a month: interest runs on the
  actual days of a year, so 「日息万五」 costs what 「年化18.25%」 costs (the knowledge base's own example,
  1万 at 18.25 % over 12 instalments, is 「约1016元」). An annual rate ``a`` % is ``a / 12`` % a month and
  ``a / 365`` % a day; a monthly rate ``m`` % is ``m × 12 / 365`` % a day.
- A monthly fee rate (月费率, article 004) ``f`` % is charged on the *original* principal every month
  while the principal is repaid in equal parts. Its nominal annual rate is ``f × 12`` %, but the true
  rate is far higher because the fee does not shrink with the balance.
- 随借随还 / one repayment at the end (``daily``): simple interest, everything repaid in one go after the
  term. A term in days runs ``amount × daily rate × days``; a term in months runs ``amount × monthly rate
  × months`` (so a year of 「日息万三」 is 365 days of it, and 「年息1分」 for a year is 10 %).
- The rate compared with the 24 % and 36 % lines is ``irr_annual_pct`` (``compared_pct`` takes the stated
  nominal rate instead when that is higher): the IRR per period × periods
  per year (monthly IRR × 12), which is what regulators and lenders call IRR年化. The compounded
  effective rate is ``effective_annual_pct``, shown for information only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal, get_args

import numpy_financial as npf

from knowledge.models import AttributeKey, Claim, Product, Unit

Method = Literal["equal_installment", "equal_principal", "daily", "interest_first"]
PriceKind = Literal["daily", "monthly", "annual", "monthly_fee"]
METHODS: tuple[Method, ...] = get_args(Method)
PRICE_KINDS: tuple[PriceKind, ...] = get_args(PriceKind)

#: Limits beyond which an input is taken as a typo rather than a loan.
MAX_AMOUNT = 10_000_000.0
MAX_TERM_MONTHS = 60
MAX_TERM_DAYS = 1825
MAX_ANNUAL_PCT = 1000.0
DAYS_PER_MONTH = 30
DAYS_PER_YEAR = 365

#: The lines the articles cite: 24 % (article 004 §8, IRR basis) and 36 % (article 003).
LINE_24 = 24.0
LINE_36 = 36.0
LINE_SOURCES = {LINE_24: "wx-weidai-open", LINE_36: "wx-loans"}

ErrorCode = Literal[
    "amount_not_positive",
    "amount_too_large",
    "term_missing",
    "term_not_positive",
    "term_too_long",
    "term_not_whole_months",
    "rate_not_positive",
    "rate_too_high",
    "fee_needs_installments",
    "days_not_positive",
    "days_too_long",
]


class QuoteError(ValueError):
    """An input that cannot describe a real loan. ``code`` names the problem for the caller to word."""

    def __init__(self, code: ErrorCode, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code: ErrorCode = code
        self.detail = detail


@dataclass(frozen=True)
class Price:
    """The price as the lender states it: ``value_pct`` percent per day, month, year, or monthly fee."""

    kind: PriceKind
    value_pct: float

    def nominal_annual_pct(self) -> float:
        """The stated price scaled to a year without compounding (daily × 365, monthly × 12)."""
        scale = {"daily": DAYS_PER_YEAR, "monthly": 12, "annual": 1, "monthly_fee": 12}[self.kind]
        return self.value_pct * scale

    def monthly_pct(self) -> float:
        """Percent per month on the balance (for a fee: on the original principal).

        A daily rate is charged on the days of an average month (365 / 12), the same total as the
        equivalent annual rate.
        """
        if self.kind == "daily":
            return self.value_pct * DAYS_PER_YEAR / 12
        if self.kind == "annual":
            return self.value_pct / 12
        return self.value_pct

    def daily_pct(self) -> float:
        """Percent per day on the balance."""
        if self.kind == "daily":
            return self.value_pct
        if self.kind == "annual":
            return self.value_pct / DAYS_PER_YEAR
        return self.value_pct * 12 / DAYS_PER_YEAR


@dataclass(frozen=True)
class LoanQuote:
    """A loan to price: amount in yuan, a term in months or days, a repayment method and a price."""

    amount: float
    method: Method
    price: Price
    term_months: int | None = None
    term_days: int | None = None

    def months(self) -> int:
        """The number of monthly periods (a term in days must be whole months of 30 days)."""
        if self.term_months is not None:
            return self.term_months
        if self.term_days is not None and self.term_days % DAYS_PER_MONTH == 0:
            return self.term_days // DAYS_PER_MONTH
        raise QuoteError("term_not_whole_months", f"{self.term_days} days")

    def days(self) -> int:
        """The term in days (months count 30 days)."""
        if self.term_days is not None:
            return self.term_days
        return (self.term_months or 0) * DAYS_PER_MONTH

    def to_dict(self) -> dict[str, float | int | str | None]:
        """A flat dict of scalars, small enough to keep in a session."""
        return {
            "amount": self.amount,
            "method": self.method,
            "price_kind": self.price.kind,
            "price_pct": self.price.value_pct,
            "term_months": self.term_months,
            "term_days": self.term_days,
        }


@dataclass(frozen=True)
class Row:
    """One repayment: what is paid, split into principal, interest and fee, and the balance after it."""

    period: int
    payment: float
    principal: float
    interest: float
    fee: float
    balance: float


@dataclass(frozen=True)
class CostResult:
    """The cost of one quote.

    ``irr_annual_pct`` is the IRR per period × periods per year (the IRR年化 lenders must show and the
    one compared with 24 % / 36 %); ``effective_annual_pct`` compounds it.
    """

    quote: LoanQuote
    period_unit: Literal["month", "day"]
    rows: list[Row]
    per_period: float
    last_payment: float
    total_interest: float
    total_fees: float
    total_paid: float
    nominal_annual_pct: float
    irr_annual_pct: float
    effective_annual_pct: float
    period_rate_pct: float = field(default=0.0)

    @property
    def compared_pct(self) -> float:
        """The figure held against 24 % / 36 %: the IRR年化, or the stated nominal rate when higher.

        A loan repaid in one go after a short term can have an IRR年化 below its stated rate; the stated
        price must not slip under a line through how the IRR is annualised.
        """
        return max(self.irr_annual_pct, self.nominal_annual_pct)

    @property
    def total_cost(self) -> float:
        """Interest and fees together."""
        return self.total_interest + self.total_fees


def validate(quote: LoanQuote) -> None:
    """Reject inputs that cannot describe a real loan.

    Raises:
        QuoteError: with a code such as ``amount_not_positive`` or ``rate_too_high``.
    """
    if not quote.amount > 0:
        raise QuoteError("amount_not_positive", str(quote.amount))
    if quote.amount > MAX_AMOUNT:
        raise QuoteError("amount_too_large", str(quote.amount))
    if quote.term_months is None and quote.term_days is None:
        raise QuoteError("term_missing")
    for value, limit in ((quote.term_months, MAX_TERM_MONTHS), (quote.term_days, MAX_TERM_DAYS)):
        if value is None:
            continue
        if value <= 0:
            raise QuoteError("term_not_positive", str(value))
        if value > limit:
            raise QuoteError("term_too_long", str(value))
    if not quote.price.value_pct > 0:
        raise QuoteError("rate_not_positive", str(quote.price.value_pct))
    if quote.price.nominal_annual_pct() > MAX_ANNUAL_PCT:
        raise QuoteError("rate_too_high", f"{quote.price.nominal_annual_pct():.2f}%")
    if quote.price.kind == "monthly_fee" and quote.method == "daily":
        raise QuoteError("fee_needs_installments")
    if quote.method != "daily":
        quote.months()  # raises term_not_whole_months


def compute(quote: LoanQuote) -> CostResult:
    """Price ``quote``: its schedule, totals, nominal rate and IRR.

    Raises:
        QuoteError: the quote does not pass :func:`validate`.
    """
    validate(quote)
    if quote.method == "daily":
        return _daily(quote)
    n = quote.months()
    if quote.price.kind == "monthly_fee":
        rows = _fee_rows(
            quote.amount, quote.price.value_pct / 100, n, bullet=quote.method == "interest_first"
        )
    else:
        rate = quote.price.monthly_pct() / 100
        builders = {
            "equal_installment": _equal_installment_rows,
            "equal_principal": _equal_principal_rows,
            "interest_first": _interest_first_rows,
        }
        rows = builders[quote.method](quote.amount, rate, n)
    monthly_irr = float(npf.irr([-quote.amount, *(row.payment for row in rows)]))
    return CostResult(
        quote=quote,
        period_unit="month",
        rows=rows,
        per_period=rows[0].payment,
        last_payment=rows[-1].payment,
        total_interest=sum(row.interest for row in rows),
        total_fees=sum(row.fee for row in rows),
        total_paid=sum(row.payment for row in rows),
        nominal_annual_pct=quote.price.nominal_annual_pct(),
        irr_annual_pct=monthly_irr * 12 * 100,
        effective_annual_pct=((1 + monthly_irr) ** 12 - 1) * 100,
        period_rate_pct=quote.price.monthly_pct(),
    )


def _equal_installment_rows(amount: float, rate: float, n: int) -> list[Row]:
    payment = float(npf.pmt(rate, n, -amount))
    rows, balance = [], amount
    for period in range(1, n + 1):
        interest = balance * rate
        principal = payment - interest
        balance = _settled(balance - principal)
        rows.append(Row(period, payment, principal, interest, 0.0, balance))
    return rows


def _equal_principal_rows(amount: float, rate: float, n: int) -> list[Row]:
    principal = amount / n
    rows, balance = [], amount
    for period in range(1, n + 1):
        interest = balance * rate
        balance = _settled(balance - principal)
        rows.append(Row(period, principal + interest, principal, interest, 0.0, balance))
    return rows


def _interest_first_rows(amount: float, rate: float, n: int) -> list[Row]:
    interest = amount * rate
    rows = [Row(period, interest, 0.0, interest, 0.0, amount) for period in range(1, n)]
    rows.append(Row(n, amount + interest, amount, interest, 0.0, 0.0))
    return rows


def _fee_rows(amount: float, fee_rate: float, n: int, *, bullet: bool) -> list[Row]:
    # the fee is charged on the original principal, so it stays the same while the balance falls
    fee = amount * fee_rate
    rows, balance = [], amount
    for period in range(1, n + 1):
        principal = (amount if period == n else 0.0) if bullet else amount / n
        balance = _settled(balance - principal)
        rows.append(Row(period, principal + fee, principal, 0.0, fee, balance))
    return rows


def _daily(quote: LoanQuote) -> CostResult:
    if quote.term_days is not None:
        interest = quote.amount * quote.price.daily_pct() / 100 * quote.term_days
        per_year = DAYS_PER_YEAR / quote.term_days
        period_rate = quote.price.daily_pct()
    else:
        months = quote.months()
        interest = quote.amount * quote.price.monthly_pct() / 100 * months
        per_year = 12 / months
        period_rate = quote.price.monthly_pct()
    row = Row(1, quote.amount + interest, quote.amount, interest, 0.0, 0.0)
    term_rate = interest / quote.amount
    return CostResult(
        quote=quote,
        period_unit="day",
        rows=[row],
        per_period=row.payment,
        last_payment=row.payment,
        total_interest=interest,
        total_fees=0.0,
        total_paid=row.payment,
        nominal_annual_pct=quote.price.nominal_annual_pct(),
        # one repayment after the term: the IRR over the term is interest / principal, annualised simply
        irr_annual_pct=term_rate * per_year * 100,
        effective_annual_pct=((1 + term_rate) ** per_year - 1) * 100,
        period_rate_pct=period_rate,
    )


def _settled(balance: float) -> float:
    # float noise after the last instalment must not show as ¥-0.00
    return 0.0 if abs(balance) < 1e-6 else balance


def line_band(irr_annual_pct: float) -> Literal["within_24", "over_24", "over_36"]:
    """Where an IRR年化 falls against the 24 % and 36 % lines the articles cite (to 0.01 %)."""
    irr_annual_pct = round(irr_annual_pct, 2)
    if irr_annual_pct > LINE_36:
        return "over_36"
    if irr_annual_pct > LINE_24:
        return "over_24"
    return "within_24"


# --- a product's own price ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRange:
    """A product's rate range from its claims: the low and high scenario, with the claims behind them."""

    low: Price
    #: ``None`` when the sources only give a lowest rate (「最低0.025%」)
    high: Price | None
    sources: list[str]
    conflict: bool
    claims: list[Claim]


#: where a product's rate is read from, in order of preference
RATE_ATTRIBUTES: tuple[tuple[AttributeKey, Unit, PriceKind], ...] = (
    ("daily_rate", "pct_day", "daily"),
    ("annual_rate", "pct_year", "annual"),
)


def rate_range(product: Product, sources: Iterable[str] | None = None) -> RateRange | None:
    """The product's daily rate range (else its annual one), over every source that gives a figure.

    The low end is the lowest figure any source gives, the high end the highest upper figure; sources
    that disagree (or an attribute marked ``conflict``) make ``conflict`` true. With ``sources``, only
    claims of those sources count (a penalty rule of one article priced at that article's rates).
    """
    only = set(sources) if sources is not None else None
    for key, unit, kind in RATE_ATTRIBUTES:
        attribute = product.attributes.get(key)
        if attribute is None:
            continue
        claims = [
            c
            for c in attribute.claims
            if c.unit == unit
            and (c.low is not None or c.high is not None)
            and (only is None or only & set(c.sources))
        ]
        if not claims:
            continue
        lows = [c.low if c.low is not None else c.high for c in claims]
        # a claim with only a lower figure says nothing about the dear end
        highs = [c.high for c in claims if c.high is not None]
        return RateRange(
            low=Price(kind, min(v for v in lows if v is not None)),
            high=Price(kind, max(highs)) if highs else None,
            sources=list(dict.fromkeys(s for c in claims for s in c.sources)),
            conflict=attribute.conflict or len({(c.low, c.high) for c in claims}) > 1,
            claims=claims,
        )
    return None


# --- penalties and early settlement -----------------------------------------------------------------

#: ``pct_day`` is a penalty rate per day whose base the source does not name; it is charged on the
#: overdue amount here, and the caller shows the source's note.
PENALTY_UNITS: tuple[Unit, ...] = ("pct_principal_day", "pct_overdue_day", "pct_day", "x_daily_rate")
EARLY_FEE_UNITS: tuple[Unit, ...] = ("pct_remaining",)


@dataclass(frozen=True)
class ChargeEstimate:
    """A penalty or fee computed from one source's rule; ``low``/``high`` differ when the rule is a range."""

    low: float
    high: float
    unit: Unit
    basis: float
    claim: Claim

    def to_dict(self) -> dict[str, object]:
        """Plain data, for JSON output and tests."""
        return asdict(self)


def _bounds(claim: Claim) -> tuple[float, float] | None:
    if claim.low is None and claim.high is None:
        return None
    low = claim.low if claim.low is not None else claim.high
    high = claim.high if claim.high is not None else claim.low
    assert low is not None and high is not None
    return low, high


def _check_days(days: int) -> None:
    if days <= 0:
        raise QuoteError("days_not_positive", str(days))
    if days > MAX_TERM_DAYS:
        raise QuoteError("days_too_long", str(days))


def penalty(
    claim: Claim,
    *,
    principal: float,
    overdue_amount: float,
    days: int,
    daily_rate_pct: tuple[float, float] | None = None,
) -> ChargeEstimate | None:
    """The penalty for ``days`` days late under one source's rule, or ``None`` if the rule has no figure.

    Rules by unit: ``pct_principal_day`` = principal × rate × days (article 000's 本金×0.05%×天数);
    ``pct_overdue_day`` (and ``pct_day``, base unstated) = overdue amount × rate × days;
    ``x_daily_rate`` = overdue amount × (multiple × contract daily rate) × days, which needs
    ``daily_rate_pct`` (low, high).

    Args:
        claim: a ``penalty`` claim from the knowledge base.
        principal: the loan principal, in yuan.
        overdue_amount: what is overdue, in yuan.
        days: days late.
        daily_rate_pct: the contract daily rate range in percent, for ``x_daily_rate`` rules.

    Raises:
        QuoteError: non-positive amounts or days, or more days than :data:`MAX_TERM_DAYS`.
    """
    _check_days(days)
    if not principal > 0 or not overdue_amount > 0:
        raise QuoteError("amount_not_positive")
    if principal > MAX_AMOUNT or overdue_amount > MAX_AMOUNT:
        raise QuoteError("amount_too_large")
    bounds = _bounds(claim)
    if bounds is None or claim.unit not in PENALTY_UNITS:
        return None
    low, high = bounds
    basis = principal if claim.unit == "pct_principal_day" else overdue_amount
    if claim.unit == "x_daily_rate":
        if daily_rate_pct is None:
            return None
        low, high = low * daily_rate_pct[0], high * daily_rate_pct[1]
    return ChargeEstimate(
        low=basis * low / 100 * days,
        high=basis * high / 100 * days,
        unit=claim.unit,
        basis=basis,
        claim=claim,
    )


def early_fee(claim: Claim, remaining_principal: float) -> ChargeEstimate | None:
    """The early-settlement fee on ``remaining_principal`` under one source's rule (``pct_remaining``).

    Returns ``None`` for a claim without a figure or with another unit.

    Raises:
        QuoteError: a non-positive or absurdly large remaining principal.
    """
    if not remaining_principal > 0:
        raise QuoteError("amount_not_positive")
    if remaining_principal > MAX_AMOUNT:
        raise QuoteError("amount_too_large")
    bounds = _bounds(claim)
    if bounds is None or claim.unit not in EARLY_FEE_UNITS:
        return None
    low, high = bounds
    return ChargeEstimate(
        low=remaining_principal * low / 100,
        high=remaining_principal * high / 100,
        unit="pct_remaining",
        basis=remaining_principal,
        claim=claim,
    )
