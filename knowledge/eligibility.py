"""The eligibility self-check rules: a profile against the criteria the articles state, per product.

A criterion is a stated requirement (「年龄18–60周岁」), from one article. For one product, the criteria of
one key (one question) decide together:

- ``ineligible``: a requirement an article states clearly fails, and no article says otherwise for this
  person. Silence is not saying otherwise: an article giving no upper age limit does not contradict one
  that gives 60 for someone aged 61.
- ``uncertain``: the articles explicitly disagree on this person's case (one allows what another rules
  out, or calls soft what another calls a must); an answer is unknown or skipped; the requirement has no
  published threshold (「支付分达标」); the verdict would rest on our own reading of the article's words (is
  a repaid overdue 「征信良好」?); a soft criterion is not met; or a stated requirement is not asked at all
  (``unchecked`` in criteria.yaml: named in the verdict).
- ``eligible``: every requirement the articles state is known and met.

Approval factors never decide a verdict: they become notes. Steps of applying (人脸识别) are named, and
do not decide either.

The dialogue and ``loan-advisor check`` both call :func:`evaluate`, and the FAQ's conclusions are checked
with :func:`key_verdict`, so the three cannot disagree. Reason texts are the criteria's own texts (data);
each reason carries its ``outcome`` so that the dialogue can frame it in UI words (this package never
imports the UI's gettext: ``flows/eligibility.py`` frames it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from knowledge.base import KnowledgeBase
from knowledge.models import ConcludedVerdict, CreditStatus, Criterion, CriterionKey

Verdict = Literal["eligible", "uncertain", "ineligible"]
Outcome = Literal["pass", "fail", "unknown", "ours", "unpublished"]
#: how a reason bears on the verdict: ``fail`` (a stated requirement clearly fails), ``conflict`` (the
#: articles disagree on this case), ``unpublished`` (no threshold given), ``ours`` (our reading of the
#: article's words), ``soft_fail``, ``unknown`` (not answered), ``unchecked`` (a stated requirement the
#: check does not ask), ``no_criteria`` (nothing stated), ``pass``, ``step`` (done while applying),
#: ``note`` (an approval factor, never a requirement)
ReasonKind = Literal[
    "fail",
    "conflict",
    "unpublished",
    "ours",
    "soft_fail",
    "unknown",
    "unchecked",
    "no_criteria",
    "pass",
    "step",
    "note",
]
#: the kinds that make a verdict uncertain, in the order they are explained
UNCERTAIN_KINDS: tuple[ReasonKind, ...] = (
    "conflict",
    "unpublished",
    "ours",
    "soft_fail",
    "unknown",
    "unchecked",
    "no_criteria",
)
REASON_ORDER: tuple[ReasonKind, ...] = ("fail", *UNCERTAIN_KINDS, "pass", "step")

#: Order of the questions. Student and age first: one tap or one number, and each can rule a product out
#: at once; then whether the 微粒贷 entry shows in the wallet (one tap that settles 微粒贷's invitation
#: rule and spares its other questions when it does not). ID and credit next (hard rules in every
#: source), then income, then the product-specific questions, which only matter to the products still
#: in play by then.
QUESTION_ORDER: tuple[CriterionKey, ...] = (
    "student",
    "age",
    "wechat_wallet_entry",
    "mainland_id",
    "credit",
    "monthly_income",
    "xiaomi_device",
    "xiaomi_purchases",
    "wechat_pay_bound",
    "wechat_pay_monthly",
    "wechat_active",
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
    xiaomi_purchases: bool | None = None
    wechat_pay_bound: bool | None = None
    wechat_wallet_entry: bool | None = None
    wechat_pay_monthly: int | None = Field(default=None, ge=0, lt=10**8)
    wechat_active: bool | None = None
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
    #: for an unchecked requirement: why the self-check does not ask it
    why: str = ""


class ProductVerdict(BaseModel):
    """The verdict for one product, with why, what would help, and what else shapes approval."""

    product: str
    verdict: Verdict
    reasons: list[Reason] = Field(default_factory=list)
    tips: list[str] = Field(default_factory=list)
    notes: list[Reason] = Field(default_factory=list)

    @property
    def uncertainty(self) -> list[ReasonKind]:
        """What makes an uncertain verdict uncertain, as reason kinds in :data:`UNCERTAIN_KINDS` order."""
        if self.verdict != "uncertain":
            return []
        kinds = {r.outcome for r in self.reasons}
        return [k for k in UNCERTAIN_KINDS if k in kinds]


def _same(a: object, b: object) -> bool:
    # True == 1 in Python; an answer of 1 must never match a rule about True
    return type(a) is type(b) and a == b


def check_criterion(criterion: Criterion, value: int | bool | str | None) -> Outcome:
    """Whether ``value`` meets one criterion.

    ``unpublished`` for a requirement without a published threshold (whatever the value); ``unknown``
    when the value is missing; ``ours`` when the article's words do not settle this value (so that any
    verdict would be our reading); else ``pass`` or ``fail``.
    """
    if criterion.unpublished:
        return "unpublished"
    if value is None:
        return "unknown"
    if any(_same(value, v) for v in criterion.interpreted):
        return "ours"
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


class _Grouped:
    """A knowledge base's criteria grouped by product and key, and the outcomes already worked out for
    them: every turn of the self-check asks which products are still in play, several times, of the
    same few criteria (it was a fifth of a self-check turn's time)."""

    #: most outcomes remembered (answers vary: ages, incomes); past it the memo starts afresh
    LIMIT = 4096

    def __init__(self, criteria: list[Criterion]) -> None:
        self.criteria = criteria  # held, so the list's id stays this one's while it is cached
        self.by_product: dict[str, dict[CriterionKey, list[Criterion]]] = {}
        for criterion in criteria:
            self.by_product.setdefault(criterion.product, {}).setdefault(criterion.key, []).append(criterion)
        #: (id of a list of criteria, type of the value, value) -> the deciding kind of :func:`key_outcome`
        self.outcomes: dict[tuple[int, type, object], ReasonKind] = {}
        #: (product, the profile's answers with their types) -> whether a hard criterion fails
        self.failures: dict[tuple[str, tuple[object, ...]], bool] = {}

    def outcome(self, criteria: list[Criterion], value: int | bool | str | None) -> ReasonKind:
        """:func:`key_outcome`'s kind for one of this grouping's lists (the type is in the key: 1 is not
        True)."""
        memo = (id(criteria), type(value), value)
        kind = self.outcomes.get(memo)
        if kind is None:
            if len(self.outcomes) >= self.LIMIT:
                self.outcomes.clear()
            kind = self.outcomes[memo] = key_outcome(criteria, value)[0]
        return kind


#: the grouping of each list of criteria in use, by its id (a knowledge base or two per process)
_GROUPINGS: dict[int, _Grouped] = {}


def _grouping(kb: KnowledgeBase) -> _Grouped:
    found = _GROUPINGS.get(id(kb.criteria))
    if found is None or found.criteria is not kb.criteria:
        if len(_GROUPINGS) >= 8:  # tests build many knowledge bases; a process serves one
            _GROUPINGS.clear()
        found = _GROUPINGS[id(kb.criteria)] = _Grouped(kb.criteria)
    return found


def _criteria_by_key(kb: KnowledgeBase, product: str) -> dict[CriterionKey, list[Criterion]]:
    """The criteria of ``product`` by key, in the knowledge base's order (shared: not to be changed)."""
    return _grouping(kb).by_product.get(product, {})


def checkable_products(kb: KnowledgeBase) -> list[str]:
    """Products offered in the self-check, in the knowledge base's order."""
    return [p.id for p in kb.products.values() if p.checkable]


def _rule(criterion: Criterion) -> tuple[object, ...]:
    c = criterion
    return (c.min, c.max, c.equals, tuple(c.allowed or ()), tuple(map(repr, c.interpreted)), c.unpublished)


def _contradicts(passing: Criterion, failing: Criterion, value: int | bool | str) -> bool:
    """Whether ``passing`` says otherwise than ``failing`` for ``value``, rather than saying nothing.

    A rule with no upper limit (「年满18周岁」) is silent about someone older than another rule's limit:
    it does not contradict it. A yes/no or credit rule that passes always contradicts.
    """
    if not isinstance(value, int | float) or isinstance(value, bool):
        return True
    if failing.max is not None and value > failing.max:
        return passing.max is not None
    if failing.min is not None and value < failing.min:
        return passing.min is not None
    return True


def key_reasons(
    criteria: list[Criterion], value: int | bool | str | None
) -> list[tuple[ReasonKind, list[Criterion]]]:
    """How one product fares on one key, given every criterion the articles state for it.

    Returns (kind, criteria that explain it) pairs, the deciding one first:

    - a hard criterion fails and no criterion says otherwise → ``fail`` (the product is ruled out);
    - a hard criterion fails while another passes where it speaks, or another article calls the same
      rule soft (「必须」 vs 「通常」) → ``conflict``;
    - otherwise, each of: ``unpublished`` (no threshold given), ``unknown`` (no answer), ``ours``
      (the words do not settle this value), ``soft_fail``; or ``pass`` when none applies.
    """
    outcomes = [(c, check_criterion(c, value)) for c in criteria]
    if value is not None:
        hard_fails = [c for c, o in outcomes if o == "fail" and c.hard]
        if hard_fails:
            passes = [c for c, o in outcomes if o == "pass"]
            softened = {_rule(c) for c in criteria if not c.hard}
            decisive = [c for c in hard_fails if _rule(c) not in softened]
            contradicted = any(_contradicts(p, f, value) for p in passes for f in hard_fails)
            if decisive and not contradicted:
                return [("fail", decisive)]
            return [("conflict", criteria)]
    found: list[tuple[ReasonKind, list[Criterion]]] = []
    by_outcome: dict[Outcome, list[Criterion]] = {}
    for criterion, outcome in outcomes:
        by_outcome.setdefault(outcome, []).append(criterion)
    soft_fails = [c for c, o in outcomes if o == "fail"]
    for kind, outcome in (("unpublished", "unpublished"), ("unknown", "unknown"), ("ours", "ours")):
        if outcome in by_outcome:
            found.append((kind, by_outcome[outcome]))  # type: ignore[arg-type]
    if soft_fails:
        found.append(("soft_fail", soft_fails))
    return found or [("pass", criteria)]


def key_outcome(
    criteria: list[Criterion], value: int | bool | str | None
) -> tuple[ReasonKind, list[Criterion]]:
    """The deciding kind of :func:`key_reasons` and the criteria that explain it."""
    return key_reasons(criteria, value)[0]


def key_verdict(
    kb: KnowledgeBase, product: str, key: CriterionKey, value: int | bool | str
) -> ConcludedVerdict:
    """What knowing ``key = value``, and nothing else, tells about ``product``.

    ``ineligible`` when it rules the product out; ``uncertain`` when the articles disagree on it, give no
    threshold, or it is our reading (or a soft rule is unmet); ``open`` when it decides nothing (it passes,
    or no article sets a rule for it). The FAQ's ``concludes`` must agree with this.
    """
    criteria = _criteria_by_key(kb, product).get(key, [])
    if not criteria:
        return "open"
    kind = key_outcome(criteria, value)[0]
    if kind == "fail":
        return "ineligible"
    return "open" if kind == "pass" else "uncertain"


def _evaluate_product(kb: KnowledgeBase, product: str, profile: EligibilityProfile) -> ProductVerdict:
    by_outcome: dict[ReasonKind, list[Reason]] = {}
    tips_by_outcome: dict[ReasonKind, list[str]] = {}
    grouped = _criteria_by_key(kb, product)
    for key in sorted(grouped, key=QUESTION_ORDER.index):
        for outcome, criteria in key_reasons(grouped[key], profile.value(key)):
            text = "；".join(dict.fromkeys(c.text for c in criteria))
            by_outcome.setdefault(outcome, []).append(
                Reason(outcome=outcome, text=text, sources=_sources(criteria))
            )
            tips_by_outcome.setdefault(outcome, []).extend(c.tip for c in criteria if c.tip)
    for requirement in kb.unchecked:
        if requirement.product == product:
            kind: ReasonKind = "step" if requirement.kind == "step" else "unchecked"
            by_outcome.setdefault(kind, []).append(
                Reason(
                    outcome=kind,
                    text=requirement.text,
                    sources=list(requirement.sources),
                    why=requirement.why,
                )
            )
    if not grouped:
        by_outcome["no_criteria"] = [Reason(outcome="no_criteria", text="", sources=[])]
    verdict: Verdict
    if "fail" in by_outcome:
        verdict = "ineligible"
    elif set(by_outcome) & set(UNCERTAIN_KINDS):
        verdict = "uncertain"
    else:
        verdict = "eligible"
    # tips address what went wrong: for a product ruled out, only its failed rules; never unanswered ones
    improvable: tuple[ReasonKind, ...] = (
        ("fail",) if verdict == "ineligible" else ("conflict", "ours", "soft_fail")
    )
    tips = [t for kind in improvable for t in tips_by_outcome.get(kind, [])]
    notes = [
        Reason(outcome="note", text=f.text, sources=list(f.sources))
        for f in kb.factors
        if f.product == product
    ]
    return ProductVerdict(
        product=product,
        verdict=verdict,
        reasons=[r for kind in REASON_ORDER for r in by_outcome.get(kind, [])],
        tips=list(dict.fromkeys(tips)),
        notes=notes,
    )


def evaluate(
    kb: KnowledgeBase, profile: EligibilityProfile, products: Iterable[str] | None = None
) -> list[ProductVerdict]:
    """The verdict for each product.

    Args:
        kb: the knowledge base whose ``criteria``, ``unchecked`` requirements and ``factors`` apply.
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
    grouping = _grouping(kb)
    answers = tuple((type(v), v) for v in profile.__dict__.values())  # a turn asks this many times
    failed = grouping.failures.get((product, answers))
    if failed is None:
        if len(grouping.failures) >= grouping.LIMIT:
            grouping.failures.clear()
        failed = grouping.failures[(product, answers)] = any(
            grouping.outcome(criteria, profile.value(key)) == "fail"
            for key, criteria in grouping.by_product.get(product, {}).items()
        )
    return failed


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

    Only keys whose answer can change the verdict of a product still in play: one it has a criterion
    for, other than a requirement without a published threshold (WE2000's 「支付分达标」 is uncertain
    whatever the score), and not already answered or skipped.

    Args:
        kb: the knowledge base.
        products: the products the user chose.
        profile: the answers so far.
        skipped: keys the user skipped (unknown on purpose); not asked again.
    """
    in_play = set(products_in_play(kb, products, profile))
    wanted = {c.key for c in kb.criteria if c.product in in_play and not c.unpublished}
    skip = set(skipped)
    return [k for k in QUESTION_ORDER if k in wanted and k not in skip and profile.value(k) is None]
