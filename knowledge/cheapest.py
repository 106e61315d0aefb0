"""「借1万 三个月 哪个最便宜」: what the same loan costs at each product's rates, ranked.

Each product is priced at both ends of the rate range its articles give (:func:`knowledge.costs.rate_range`:
the lowest figure any article gives and the highest upper figure), over the same amount and term — one
repayment at the end for a term in days, 等额本息 for a term in months. Where the ranges overlap nobody
can say which will be cheaper for a given person: :attr:`Ranking.overlap` says so, and the caller says it.
Products whose articles put a ceiling below the amount asked (WE2000's fixed 2000元) are listed apart.

Pure arithmetic, no wording: :mod:`flows.calc_cheapest` words it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.base import KnowledgeBase
from knowledge.costs import LoanQuote, Method, Price, QuoteError, compute, rate_range


@dataclass(frozen=True)
class ProductCost:
    """The cost of the loan with one product, at the low and high end of its articles' rates."""

    product: str
    low: float
    #: ``None`` when the articles give only a lowest rate (「最低0.015%」)
    high: float | None
    low_price: Price
    high_price: Price | None
    low_apr_pct: float
    high_apr_pct: float | None
    sources: list[str]
    conflict: bool


@dataclass(frozen=True)
class Ranking:
    """Products ranked by what the loan would cost, cheapest low end first."""

    amount: float
    term_months: int | None
    term_days: int | None
    method: Method
    ranked: list[ProductCost]
    #: products whose articles cap the loan below the amount: (product, the highest amount stated)
    too_small: list[tuple[str, float]] = field(default_factory=list)

    @property
    def overlap(self) -> bool:
        """Whether the cheapest product's range reaches into the next one's, so the order may not hold."""
        if len(self.ranked) < 2:
            return False
        first, second = self.ranked[0], self.ranked[1]
        top = first.high if first.high is not None else float("inf")
        return top > second.low


def limit_of(kb: KnowledgeBase, product_id: str) -> float | None:
    """The highest amount any of the product's articles states, if they state one."""
    limit = kb.products[product_id].attributes.get("limit")
    if limit is None:
        return None
    highs = [c.high for c in limit.claims if c.unit == "yuan" and c.high is not None]
    return max(highs) if highs else None


def rank(
    kb: KnowledgeBase,
    amount: float,
    *,
    term_months: int | None = None,
    term_days: int | None = None,
    products: list[str] | None = None,
) -> Ranking:
    """Price one loan at every product's rates (or only ``products``') and rank them.

    Raises:
        QuoteError: the amount or term cannot describe a loan (as :func:`knowledge.costs.compute`).
    """
    method: Method = "daily" if term_days is not None else "equal_installment"
    ids = [p for p in (products or list(kb.products)) if p in kb.products]
    ranked: list[ProductCost] = []
    too_small: list[tuple[str, float]] = []

    def priced(price: Price) -> tuple[float, float]:
        result = compute(LoanQuote(amount, method, price, term_months=term_months, term_days=term_days))
        return result.total_cost, result.irr_annual_pct

    for product_id in ids:
        rates = rate_range(kb.products[product_id])
        if rates is None:
            continue
        ceiling = limit_of(kb, product_id)
        if ceiling is not None and ceiling < amount:
            too_small.append((product_id, ceiling))
            continue
        low, low_apr = priced(rates.low)
        high, high_apr = priced(rates.high) if rates.high is not None else (None, None)
        ranked.append(
            ProductCost(
                product=product_id,
                low=low,
                high=high,
                low_price=rates.low,
                high_price=rates.high,
                low_apr_pct=low_apr,
                high_apr_pct=high_apr,
                sources=rates.sources,
                conflict=rates.conflict,
            )
        )
    if not ranked and not too_small and ids:
        raise QuoteError("rate_not_positive", "no product has rates")
    ranked.sort(key=lambda c: (c.low, c.high if c.high is not None else float("inf")))
    return Ranking(amount, term_months, term_days, method, ranked, too_small)
