"""From a cost question to the figures of its answer: what the loan costs and its true annual rate.

A :class:`~knowledge.calc_request.CalcRequest` states a price (priced by :mod:`knowledge.costs`) or the
sums a lender quoted — an instalment, a total repaid, the interest in yuan — which are solved for the rate
(:mod:`knowledge.solve`). Money kept back when the loan is paid out (砍头息, 「到手9500」) is not money lent:
the rate is the IRR of what really arrived against what is repaid, and the cost counts the fee.

When the words leave open whether the loan is repaid in instalments or kept to the end (「日息万三借两万
一年多少钱」), both readings are worked out, one repayment at the end first: the answer states the
assumption and shows the other figure beside it.

Pure arithmetic, no wording: :mod:`flows.calc_render` words the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from knowledge.calc_request import CalcRequest, Missing
from knowledge.costs import (
    DAYS_PER_MONTH,
    CostResult,
    LoanQuote,
    Method,
    Price,
    QuoteError,
    compute,
    line_band,
)
from knowledge.solve import Solved, SolveError, from_installments, from_payments, from_total

Band = Literal["within_24", "over_24", "over_36"]
#: the amount a scale-free rate is worked out on when none was given (a 月费率's true rate)
NOTIONAL_AMOUNT = 10_000.0


@dataclass(frozen=True)
class Figures:
    """One reading of the loan: its true annual rate, what it costs, and the schedule behind it."""

    method: Method
    #: the IRR of the real cash flows × periods per year (IRR年化)
    apr_pct: float
    #: the figure held against 24 % / 36 %: the IRR, or a stated nominal rate when that is higher
    compared_pct: float
    received: float
    total_repaid: float
    first_payment: float
    last_payment: float
    periods: int
    #: the priced schedule (``None`` when the rate was solved from sums quoted)
    result: CostResult | None = None
    solved: Solved | None = None

    @property
    def total_cost(self) -> float:
        """Everything repaid beyond the money received: interest, fees and any fee taken up front."""
        return self.total_repaid - self.received

    @property
    def band(self) -> Band:
        """Where the loan stands against the 24 % and 36 % lines."""
        return line_band(self.compared_pct)


@dataclass(frozen=True)
class CostAnswer:
    """The figures for a request, headline reading first, or what is missing, or why it cannot be."""

    request: CalcRequest
    price: Price | None
    figures: list[Figures] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    #: the true annual rate of the price alone, when the loan itself cannot be worked out yet
    rate_apr_pct: float | None = None
    error: QuoteError | SolveError | None = None

    @property
    def apr_pct(self) -> float | None:
        """The headline true annual rate, if there is one."""
        return self.figures[0].apr_pct if self.figures else self.rate_apr_pct

    @property
    def compared_pct(self) -> float | None:
        """The headline figure held against the lines."""
        if self.figures:
            return self.figures[0].compared_pct
        if self.rate_apr_pct is None:
            return None
        nominal = self.price.nominal_annual_pct() if self.price is not None else 0.0
        return max(self.rate_apr_pct, nominal)

    @property
    def band(self) -> Band | None:
        """Where the headline figure stands against the 24 % and 36 % lines."""
        compared = self.compared_pct
        return line_band(compared) if compared is not None else None


def answer(request: CalcRequest, price: Price | None = None) -> CostAnswer:
    """Work out the figures of a cost question.

    Args:
        request: what the question said (with any corrections merged in).
        price: a price to use instead of the request's own (a product's rate from the knowledge base).
    """
    missing = [m for m in request.missing() if not (m == "price" and price is not None)]
    price = price or request.stated_price()
    outcome = CostAnswer(request=request, price=price, missing=missing)
    try:
        if price is not None and request.amount is not None and request.has_term():
            return replace(outcome, figures=[_priced(request, price, m) for m in _methods(request, price)])
        if request.quoted() and request.amount is not None and request.has_term():
            return replace(outcome, figures=[_solved(request)])
        if price is not None:
            return replace(outcome, rate_apr_pct=_rate_alone(request, price))
    except (QuoteError, SolveError) as exc:
        return replace(outcome, error=exc)
    return outcome


def _methods(request: CalcRequest, price: Price) -> list[Method]:
    if price.kind == "monthly_fee":
        # a 月费率 is charged on the original principal while the principal is repaid in equal parts
        return ["interest_first" if request.method == "interest_first" else "equal_principal"]
    if request.method_open():
        return ["daily", "equal_installment"]  # kept to the end first; instalments beside it
    return [request.effective_method()]


def _priced(request: CalcRequest, price: Price, method: Method) -> Figures:
    assert request.amount is not None
    quote = LoanQuote(request.amount, method, price, request.term_months, request.term_days)
    result = compute(quote)
    payments = [row.payment for row in result.rows]
    fee = request.fee()
    solved = None
    apr = result.irr_annual_pct
    if fee > 0:
        if method == "daily":
            days = request.term_days
            period = days if days is not None else quote.months() * DAYS_PER_MONTH
            solved = from_payments(
                request.amount, payments, fee=fee, period_days=period, in_days=days is not None
            )
        else:
            solved = from_payments(request.amount, payments, fee=fee)
        apr = solved.irr_annual_pct
    return Figures(
        method=method,
        apr_pct=apr,
        compared_pct=max(apr, result.nominal_annual_pct),
        received=request.amount - fee,
        total_repaid=result.total_paid,
        first_payment=result.per_period,
        last_payment=result.last_payment,
        periods=len(result.rows),
        result=result,
        solved=solved,
    )


def _periods(request: CalcRequest) -> int:
    if request.term_months is not None:
        return request.term_months
    days = request.term_days or 0
    if days % DAYS_PER_MONTH:
        raise QuoteError("term_not_whole_months", f"{days} days")
    return days // DAYS_PER_MONTH


def _solved(request: CalcRequest) -> Figures:
    """The rate of a loan stated as sums of money: an instalment, a total repaid or the interest."""
    assert request.amount is not None
    amount, fee = request.amount, request.fee()
    instalments = request.by_periods or request.method in ("equal_installment", "equal_principal")
    if request.installment is not None:
        solved = from_installments(amount, request.installment, _periods(request), fee=fee)
        method: Method = "equal_installment"
    else:
        total = request.total_repaid
        if total is None:
            total = amount + (request.interest_total or 0.0)
        if instalments:
            solved = from_total(amount, total, months=_periods(request), fee=fee, installments=True)
            method = "equal_installment"
        else:
            solved = from_total(
                amount, total, months=request.term_months, days=request.term_days, fee=fee, in_days=True
            )
            method = "daily"
    return Figures(
        method=method,
        apr_pct=solved.irr_annual_pct,
        compared_pct=solved.irr_annual_pct,
        received=solved.received,
        total_repaid=solved.total_repaid,
        first_payment=solved.payments[0],
        last_payment=solved.payments[-1],
        periods=solved.periods,
        solved=solved,
    )


def _rate_alone(request: CalcRequest, price: Price) -> float:
    """The true annual rate of a price when the loan is not fully known: a rate's own annual figure, or
    a 月费率's IRR over the periods given (it does not depend on the amount)."""
    if price.kind == "monthly_fee" and request.has_term():
        quote = LoanQuote(
            NOTIONAL_AMOUNT, "equal_principal", price, request.term_months, request.term_days
        )
        return compute(quote).irr_annual_pct
    return price.nominal_annual_pct()
