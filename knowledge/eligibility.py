"""The eligibility self-check rules: a profile against the criteria the articles state, per product.

A criterion is a stated requirement (「年龄18–60周岁」). Each one passes, fails or is unknown for a
profile; several criteria of one product and key are sources that may disagree. A product is
``ineligible`` when a hard criterion fails, ``uncertain`` when anything is unknown, a soft criterion
fails or the sources disagree, and ``eligible`` only when every stated criterion passes. Approval
factors (ecosystem activity, invitation-only access…) never decide a verdict: they become notes.

The dialogue and ``loan-advisor check`` both call :func:`evaluate`, so they cannot disagree. Reason texts
are the criteria's own texts (data); each reason carries its ``outcome`` so that the dialogue can frame
it in UI words (this package never imports the UI's gettext: ``flows/eligibility.py`` frames it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from knowledge.base import KnowledgeBase
from knowledge.models import CreditStatus, Criterion, CriterionKey

Verdict = Literal["eligible", "uncertain", "ineligible"]
Outcome = Literal["pass", "fail", "unknown"]
#: how a reason bears on the verdict: ``fail`` (a hard criterion fails), ``soft_fail``, ``conflict``
#: (sources disagree), ``unknown`` (not answered), ``pass``, ``no_criteria`` (nothing stated), ``note``
#: (an approval factor, never a requirement)
ReasonKind = Literal["fail", "soft_fail", "conflict", "unknown", "pass", "no_criteria", "note"]

#: Order of the questions. Student and age first: one tap or one number, and each can rule a product out
#: at once. ID and credit next (hard rules in every source), then income, then the product-specific
#: device and pay-score questions, which only matter to the products still in play by then.
QUESTION_ORDER: tuple[CriterionKey, ...] = (
    "student",
    "age",
    "mainland_id",
    "credit",
    "monthly_income",
    "xiaomi_device",
    "wechat_pay_score",
)
CRITERION_KEYS: tuple[str, ...] = get_args(CriterionKey)


class EligibilityProfile(BaseModel):
    """What the user told the self-check; every key is optional and missing means unknown."""

    model_config = ConfigDict(extra="forbid", strict=True)

    age: int | None = Field(default=None, ge=0, le=120)
    mainland_id: bool | None = None
    student: bool | None = None
    credit: CreditStatus | None = None
    monthly_income: int | None = Field(default=None, ge=0, lt=10**8)
    xiaomi_device: bool | None = None
    wechat_pay_score: int | None = Field(default=None, ge=300, le=850)

    def value(self, key: CriterionKey) -> int | bool | str | None:
        """The answer for ``key``, or ``None`` when unknown."""
        value: int | bool | str | None = getattr(self, key)
        return value


class Reason(BaseModel):
    """One line of a verdict's explanation: the criterion text (data), its outcome, its sources."""

    outcome: ReasonKind = "pass"
    text: str
    sources: list[str] = Field(default_factory=list)


class ProductVerdict(BaseModel):
    """The verdict for one product, with why, what would help, and what else shapes approval."""

    product: str
    verdict: Verdict
    reasons: list[Reason] = Field(default_factory=list)
    tips: list[str] = Field(default_factory=list)
    notes: list[Reason] = Field(default_factory=list)


def check_criterion(criterion: Criterion, value: int | bool | str | None) -> Outcome:
    """Whether ``value`` meets one criterion; ``unknown`` when the value is missing."""
    if value is None:
        return "unknown"
    if criterion.allowed is not None:
        return "pass" if value in criterion.allowed else "fail"
    if criterion.equals is not None:
        return "pass" if value is criterion.equals else "fail"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "unknown"  # a numeric rule for a yes/no answer: a data error, never a verdict
    if criterion.min is not None and value < criterion.min:
        return "fail"
    if criterion.max is not None and value > criterion.max:
        return "fail"
    return "pass"


def _sources(criteria: Iterable[Criterion]) -> list[str]:
    return list(dict.fromkeys(s for c in criteria for s in c.sources))


def _criteria_by_key(kb: KnowledgeBase, product: str) -> dict[CriterionKey, list[Criterion]]:
    grouped: dict[CriterionKey, list[Criterion]] = {}
    for criterion in kb.criteria:
        if criterion.product == product:
            grouped.setdefault(criterion.key, []).append(criterion)
    return grouped


def checkable_products(kb: KnowledgeBase) -> list[str]:
    """Products offered in the self-check, in the knowledge base's order."""
    return [p.id for p in kb.products.values() if p.checkable]


def _rule(criterion: Criterion) -> tuple[object, ...]:
    return (criterion.min, criterion.max, criterion.equals, tuple(criterion.allowed or ()))


def key_outcome(
    criteria: list[Criterion], value: int | bool | str | None
) -> tuple[ReasonKind, list[Criterion]]:
    """How one product fares on one key, given every criterion the sources state for it.

    Returns the outcome and the criteria that explain it:

    - any criterion unknown → ``unknown``;
    - all pass → ``pass``;
    - the failing ones all soft → ``soft_fail`` (lower odds, not a rule);
    - some pass while a hard one fails → ``conflict``: the sources disagree on the rule;
    - all fail, and a hard one is not contradicted by a source calling the same rule soft → ``fail``
      (the product is ruled out);
    - all fail, but each hard rule is called soft by another source (「必须」 vs 「不一定」) → ``conflict``.
    """
    outcomes = [check_criterion(c, value) for c in criteria]
    if "unknown" in outcomes:
        return "unknown", criteria
    failing = [c for c, o in zip(criteria, outcomes, strict=True) if o == "fail"]
    if not failing:
        return "pass", criteria
    if all(not c.hard for c in failing):
        return "soft_fail", failing
    if len(failing) < len(criteria):
        return "conflict", criteria
    softened = {_rule(c) for c in criteria if not c.hard}
    decisive = [c for c in failing if c.hard and _rule(c) not in softened]
    if decisive:
        return "fail", decisive
    return "conflict", criteria


def _evaluate_product(kb: KnowledgeBase, product: str, profile: EligibilityProfile) -> ProductVerdict:
    by_outcome: dict[ReasonKind, list[Reason]] = {}
    tips_by_outcome: dict[ReasonKind, list[str]] = {}
    grouped = _criteria_by_key(kb, product)
    for key in sorted(grouped, key=QUESTION_ORDER.index):
        outcome, criteria = key_outcome(grouped[key], profile.value(key))
        text = "；".join(dict.fromkeys(c.text for c in criteria))
        by_outcome.setdefault(outcome, []).append(
            Reason(outcome=outcome, text=text, sources=_sources(criteria))
        )
        tips_by_outcome.setdefault(outcome, []).extend(c.tip for c in criteria if c.tip)
    if not grouped:
        by_outcome["no_criteria"] = [Reason(outcome="no_criteria", text="", sources=[])]
    verdict: Verdict
    if "fail" in by_outcome:
        verdict = "ineligible"
    elif set(by_outcome) - {"pass"}:
        verdict = "uncertain"
    else:
        verdict = "eligible"
    order: tuple[ReasonKind, ...] = ("fail", "conflict", "soft_fail", "unknown", "no_criteria", "pass")
    # tips address what went wrong: for a product ruled out, only its failed rules; never unanswered ones
    improvable: tuple[ReasonKind, ...] = ("fail",) if verdict == "ineligible" else ("conflict", "soft_fail")
    tips = [t for kind in improvable for t in tips_by_outcome.get(kind, [])]
    notes = [
        Reason(outcome="note", text=f.text, sources=list(f.sources))
        for f in kb.factors
        if f.product == product
    ]
    return ProductVerdict(
        product=product,
        verdict=verdict,
        reasons=[r for kind in order for r in by_outcome.get(kind, [])],
        tips=list(dict.fromkeys(tips)),
        notes=notes,
    )


def evaluate(
    kb: KnowledgeBase, profile: EligibilityProfile, products: Iterable[str] | None = None
) -> list[ProductVerdict]:
    """The verdict for each product.

    Args:
        kb: the knowledge base whose ``criteria`` and ``factors`` are applied.
        profile: the user's answers; missing keys are unknown.
        products: product ids to check; all checkable products when ``None``.

    Raises:
        KeyError: a product id the knowledge base does not know.
    """
    chosen = list(products) if products is not None else checkable_products(kb)
    for product in chosen:
        if product not in kb.products:
            raise KeyError(product)
    return [_evaluate_product(kb, product, profile) for product in chosen]


def _hard_failure(kb: KnowledgeBase, product: str, profile: EligibilityProfile) -> bool:
    return any(
        key_outcome(criteria, profile.value(key))[0] == "fail"
        for key, criteria in _criteria_by_key(kb, product).items()
    )


def products_in_play(kb: KnowledgeBase, products: Iterable[str], profile: EligibilityProfile) -> list[str]:
    """The products not yet ruled out by a failed hard criterion."""
    return [p for p in products if not _hard_failure(kb, p, profile)]


def all_ruled_out(kb: KnowledgeBase, products: Iterable[str], profile: EligibilityProfile) -> bool:
    """Whether every chosen product already fails a hard criterion, so asking more is pointless."""
    chosen = list(products)
    return bool(chosen) and not products_in_play(kb, chosen, profile)


def questions_needed(
    kb: KnowledgeBase,
    products: Iterable[str],
    profile: EligibilityProfile,
    *,
    skipped: Iterable[str] = (),
) -> list[CriterionKey]:
    """The keys still worth asking, in :data:`QUESTION_ORDER`.

    Only keys that a product still in play has a criterion for, and not already answered or skipped.

    Args:
        kb: the knowledge base.
        products: the products the user chose.
        profile: the answers so far.
        skipped: keys the user skipped (unknown on purpose); not asked again.
    """
    in_play = set(products_in_play(kb, products, profile))
    wanted = {c.key for c in kb.criteria if c.product in in_play}
    skip = set(skipped)
    return [k for k in QUESTION_ORDER if k in wanted and k not in skip and profile.value(k) is None]
