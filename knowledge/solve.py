"""Solving a loan's true annual rate from what a lender or a message states: the money and the dates.

The calculator (:mod:`knowledge.costs`) goes from a stated price to the repayments; this module goes the
other way, from the repayments to the price, which is what a message or a contract hands a reader:
「借10000到手9500，分12期每期还1050」. Each solver returns a :class:`Solved` whose ``irr_annual_pct`` is
the IRR per period × periods per year — the 「IRR年化」 the articles hold against the 24 % and 36 % lines,
computed as :mod:`knowledge.costs` computes it (``numpy_financial.irr``, monthly IRR × 12). Conventions
shared with the calculator: a month counts 30 days, so a term of 30, 60… days is whole months; any other
term in days is one period of that many days, annualised over 365 days.

Money taken off before the loan arrives (a fee deducted, a 「保证金」 paid first) is not money lent:
the cash flow starts from what the borrower really receives (``amount - fee``).

Pure arithmetic, no wording; inputs that cannot describe a loan raise :class:`SolveError` with a code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy_financial as npf

from knowledge.costs import (
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    MAX_AMOUNT,
    MAX_TERM_DAYS,
    MAX_TERM_MONTHS,
    line_band,
)

SolveErrorCode = Literal[
    "not_positive",
    "too_large",
    "fee_not_below_amount",
    "term_missing",
    "term_too_long",
    "repaid_less_than_received",
    "no_rate",
]


class SolveError(ValueError):
    """Figures that do not describe a loan; ``code`` names the problem for the caller to word."""

    def __init__(self, code: SolveErrorCode, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code: SolveErrorCode = code
        self.detail = detail


@dataclass(frozen=True)
class Solved:
    """A loan's cash flows and the rate they imply.

    ``received`` is what reached the borrower, ``payments`` what they pay back, one per period of
    ``period_days`` days; ``irr_annual_pct`` is the IRR per period × periods per year.
    """

    amount: float
    fee: float
    received: float
    payments: tuple[float, ...]
    period_days: int
    irr_annual_pct: float

    @property
    def periods(self) -> int:
        """How many repayments."""
        return len(self.payments)

    @property
    def total_repaid(self) -> float:
        """Everything paid back."""
        return sum(self.payments)

    @property
    def cost(self) -> float:
        """What the loan costs: everything paid back (and the fee) beyond the money received."""
        return self.total_repaid - self.received

    @property
    def periods_per_year(self) -> float:
        """12 for monthly periods, 365 / days otherwise."""
        if self.period_days % DAYS_PER_MONTH == 0:
            return 12 / (self.period_days // DAYS_PER_MONTH)
        return DAYS_PER_YEAR / self.period_days

    @property
    def effective_annual_pct(self) -> float:
        """The IRR compounded over a year, for information only (the lines use ``irr_annual_pct``)."""
        per_period = self.irr_annual_pct / 100 / self.periods_per_year
        return ((1 + per_period) ** self.periods_per_year - 1) * 100

    @property
    def band(self) -> Literal["within_24", "over_24", "over_36"]:
        """Where the rate falls against the 24 % and 36 % lines (as :func:`knowledge.costs.line_band`)."""
        return line_band(self.irr_annual_pct)


def irr_annual_pct(received: float, payments: Sequence[float], periods_per_year: float = 12) -> float:
    """The IRR of lending ``received`` and getting ``payments`` back, one per period, × periods per year.

    Raises:
        SolveError: ``no_rate`` when the flows have no rate (numpy_financial gives NaN).
    """
    rate = float(npf.irr([-received, *payments]))
    if math.isnan(rate):
        raise SolveError("no_rate")
    return rate * periods_per_year * 100


def from_payments(
    amount: float, payments: Sequence[float], *, fee: float = 0.0, period_days: int = DAYS_PER_MONTH
) -> Solved:
    """Solve any schedule: ``amount`` lent, ``fee`` taken before it arrives, ``payments`` back.

    Args:
        amount: the loan as stated, in yuan.
        payments: each repayment, in order, one per period.
        fee: money deducted or paid before the loan arrives (0 when none).
        period_days: days per period (30: monthly).

    Raises:
        SolveError: amounts not positive or too large, a fee not below the amount, a term too long, or
            repayments below the money received (no loan costs less than nothing).
    """
    _check_money(amount, *payments)
    if fee < 0:
        raise SolveError("not_positive", f"fee {fee}")
    if fee >= amount:
        raise SolveError("fee_not_below_amount", f"{fee} >= {amount}")
    if not payments:
        raise SolveError("term_missing")
    if period_days <= 0:
        raise SolveError("not_positive", f"period of {period_days} days")
    if len(payments) * period_days > MAX_TERM_MONTHS * DAYS_PER_MONTH or period_days > MAX_TERM_DAYS:
        raise SolveError("term_too_long", f"{len(payments)} × {period_days} days")
    received = amount - fee
    if sum(payments) < received:
        raise SolveError("repaid_less_than_received", f"{sum(payments)} < {received}")
    periods_per_year = (
        12 / (period_days // DAYS_PER_MONTH)
        if period_days % DAYS_PER_MONTH == 0
        else DAYS_PER_YEAR / period_days
    )
    return Solved(
        amount=amount,
        fee=fee,
        received=received,
        payments=tuple(float(p) for p in payments),
        period_days=period_days,
        irr_annual_pct=irr_annual_pct(received, payments, periods_per_year),
    )


def from_installments(amount: float, installment: float, periods: int, *, fee: float = 0.0) -> Solved:
    """Solve 「借 ``amount``，分 ``periods`` 期，每期还 ``installment``」 (monthly periods).

    Raises:
        SolveError: as :func:`from_payments`, and ``not_positive`` for fewer than one period.
    """
    if periods < 1:
        raise SolveError("not_positive", f"{periods} periods")
    if periods > MAX_TERM_MONTHS:
        raise SolveError("term_too_long", f"{periods} periods")
    return from_payments(amount, [installment] * periods, fee=fee)


def from_total(
    amount: float,
    total: float,
    *,
    months: int | None = None,
    days: int | None = None,
    fee: float = 0.0,
    installments: bool = False,
) -> Solved:
    """Solve 「借 ``amount``，``months`` 个月（或 ``days`` 天）后共还 ``total``」.

    One repayment at the end of the term, unless ``installments`` says the total is repaid in equal
    monthly parts (「12个月共还12000」). A term in days that is whole months counts as those months.

    Raises:
        SolveError: ``term_missing`` without a term, and as :func:`from_payments`.
    """
    if days is not None and months is None and days % DAYS_PER_MONTH == 0:
        months, days = days // DAYS_PER_MONTH, None
    if months is not None:
        if months < 1:
            raise SolveError("not_positive", f"{months} months")
        if installments:
            return from_installments(amount, total / months, months, fee=fee)
        return from_payments(amount, [total], fee=fee, period_days=months * DAYS_PER_MONTH)
    if days is not None:
        if days < 1:
            raise SolveError("not_positive", f"{days} days")
        return from_payments(amount, [total], fee=fee, period_days=days)
    raise SolveError("term_missing")


def received_vs_repaid(
    received: float, repaid: float, *, months: int | None = None, days: int | None = None
) -> Solved:
    """Solve 「到手 ``received``，到期还 ``repaid``」: what was lent is what arrived, no fee to deduct.

    Raises:
        SolveError: as :func:`from_total`.
    """
    return from_total(received, repaid, months=months, days=days)


def _check_money(*values: float) -> None:
    for value in values:
        if not value > 0 or math.isnan(value):
            raise SolveError("not_positive", str(value))
        if value > MAX_AMOUNT:
            raise SolveError("too_large", str(value))
