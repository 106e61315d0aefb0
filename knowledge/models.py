"""Pydantic models of the knowledge base: what each data file under ``knowledge/data`` must look like.

Every model forbids unknown keys, so a typo in a data file is an error at load time rather than a
silently ignored field. Cross-references (source ids, product ids, topics, related entries) are checked
by :mod:`knowledge.validate`, which can name the file and entry at fault.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Longest answer text, in characters: about one phone screen.
MAX_ANSWER_CHARS = 500

Id = str


class StrictModel(BaseModel):
    """Base for every knowledge model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- sources -----------------------------------------------------------------------------------------


class Section(StrictModel):
    """A part of an article (a numbered Q&A, a heading, a table) that entries can say they cover."""

    id: Id
    title: str


SourceKind = Literal["article", "general"]


class Source(StrictModel):
    """Where a claim comes from: one of the web articles in ``shared/sources``, or general knowledge.

    ``kind: general`` marks what no article says (a hotline number, what 百行征信 is): it has no file, and
    every answer citing it tells the reader so.
    """

    id: Id
    kind: SourceKind = "article"
    file: str | None = Field(
        default=None, description="file name under shared/sources, e.g. 000_cf75ac8d3b4d9c8e.txt"
    )
    title: str
    short: str = Field(description="a short label shown in citations, e.g. 「小米贷款八问」")
    date: dt.date | None = None
    url: str | None = None
    reliability: str = Field(description="one line: how far to trust it and why")
    sections: list[Section] = Field(default_factory=list)

    @model_validator(mode="after")
    def _articles_have_files(self) -> Source:
        if self.kind == "article" and not self.file:
            raise ValueError(f"source {self.id!r}: an article needs its file")
        if self.kind == "general" and self.file:
            raise ValueError(f"source {self.id!r}: general knowledge has no article file")
        return self


# --- products ----------------------------------------------------------------------------------------

Unit = Literal[
    "yuan",  # an amount of money
    "pct_day",  # percent per day (日利率)
    "pct_year",  # percent per year (年化)
    "pct_month_fee",  # monthly fee on the original principal (月费率)
    "pct_principal_day",  # penalty: percent of principal per overdue day
    "pct_overdue_day",  # penalty: percent of the overdue amount per day
    "x_daily_rate",  # penalty: multiple of the contract daily rate
    "pct_remaining",  # early-repayment fee: percent of remaining principal
    "years",
    "minutes",
    "periods",
]

AttributeKey = Literal[
    "limit",  # credit limit range
    "initial_limit",
    "daily_rate",
    "annual_rate",
    "penalty",
    "credit_reporting",
    "age_range",
    "repayment",
    "terms",
    "early_repayment_fee",
    "extension",
    "speed",
    "funder",
    "access",  # how one gets it: invitation, self-service, advertising
    "use_of_funds",
    "raise_frequency",
]


class Claim(StrictModel):
    """One value of a product attribute as one or more sources state it, in our own words."""

    value: str
    sources: list[Id] = Field(min_length=1)
    low: float | None = None
    high: float | None = None
    unit: Unit | None = None
    note: str | None = Field(default=None, description="e.g. 「读者评论，未核实」")


class Attribute(StrictModel):
    """All claims about one attribute of a product. ``conflict`` marks sources that disagree."""

    claims: list[Claim] = Field(min_length=1)
    conflict: bool = False
    note: str | None = None


class Product(StrictModel):
    """A loan product (or a class of them, such as third-party platforms) the articles describe."""

    id: Id
    name: str
    aliases: list[str] = Field(default_factory=list, description="other names people use, for matching")
    provider: str
    summary: str
    checkable: bool = Field(default=False, description="offered in the eligibility self-check")
    attributes: dict[AttributeKey, Attribute] = Field(default_factory=dict)


# --- eligibility criteria ----------------------------------------------------------------------------

CriterionKey = Literal[
    "age",
    "mainland_id",
    "student",
    "credit",
    "monthly_income",
    "xiaomi_device",
    "xiaomi_purchases",  # has bought something in the Xiaomi ecosystem (小米商城、米家…)
    "wechat_pay_bound",  # WeChat Pay set up: real name verified and a bank card bound
    "wechat_wallet_entry",  # can see the 微粒贷 entry in the WeChat wallet (it is invitation-only)
    "wechat_pay_monthly",  # yuan spent through WeChat Pay in an average month
    "wechat_active",  # has opened WeChat at least 3 times a day over the last six months
    "wechat_pay_score",
]
CreditStatus = Literal["clean", "settled_overdue", "current_overdue"]


class Criterion(StrictModel):
    """One stated requirement of one product, from one source.

    Two criteria with the same product and key but different rules are sources that disagree; the
    evaluation keeps both and says so.
    """

    id: Id
    product: Id
    key: CriterionKey
    hard: bool = Field(description="failing it rules the product out; a soft one only lowers the odds")
    min: float | None = None
    max: float | None = None
    equals: bool | None = Field(default=None, description="for yes/no keys: the value required")
    allowed: list[CreditStatus] | None = Field(default=None, description="for the credit key")
    interpreted: list[CreditStatus | bool] = Field(
        default_factory=list,
        description="answers the article's words do not settle: any verdict on them is our reading",
    )
    unpublished: bool = Field(
        default=False,
        description="stated, but with no threshold (「支付分达标」): never met, never failed",
    )
    text: str = Field(description="the requirement in our words, e.g. 「年龄18–60周岁」")
    tip: str | None = Field(default=None, description="what to do when it is not met")
    sources: list[Id] = Field(min_length=1)


UncheckedKind = Literal["unasked", "step"]


class UncheckedRequirement(StrictModel):
    """A requirement an article states that the self-check does not ask, and why.

    ``unasked``: a person cannot tell (「账户有无异常登录记录」): named in every verdict as not checked, so
    the product is never shown as eligible. ``step``: something done while applying (人脸识别), not a
    trait of the person: named as a step still to come.
    """

    id: Id
    product: Id
    kind: UncheckedKind = "unasked"
    text: str
    why: str = Field(description="why the self-check does not ask it, in plain words")
    terms: list[str] = Field(min_length=1, description="requirement terms of provenance.yaml it covers")
    sources: list[Id] = Field(min_length=1)


class Exemption(StrictModel):
    """A statement the fingerprints read as a requirement that is not one, and why."""

    statement: str = Field(description="the statement id of fingerprints.json, e.g. 'xm-review#r4'")
    terms: list[str] = Field(min_length=1)
    why: str


FactorBasis = Literal["assessment", "odds", "advice", "comment", "hedged", "step"]


class ApprovalFactor(StrictModel):
    """Something that shapes approval but is not a stated requirement: shown as a note or tip.

    ``basis`` says why it is not a requirement: the article only says it is weighed (``assessment``) or
    raises the odds (``odds``), advises it (``advice``), hedges it (``hedged``: 据称、通常), a reader comment
    says it (``comment``), or it is a step of applying (``step``).
    """

    id: Id
    product: Id
    basis: FactorBasis
    text: str
    sources: list[Id] = Field(min_length=1)


class CriteriaFile(StrictModel):
    criteria: list[Criterion]
    unchecked: list[UncheckedRequirement] = Field(default_factory=list)
    exemptions: list[Exemption] = Field(default_factory=list)
    factors: list[ApprovalFactor] = Field(default_factory=list)


# --- FAQ ---------------------------------------------------------------------------------------------

EntryKind = Literal["info", "warning", "refusal", "action"]
#: What the dialogue does for a want (an entry of kind ``action``, from ``intents.yaml``): start the
#: self-check, return a greeting, meet despair with a crisis line, and so on.
Action = Literal[
    "check",
    "calc",
    "compare",
    "products",
    "topics",
    "help",
    "greet",
    "thanks",
    "bye",
    "identity",
    "affirm",
    "deny",
    "laugh",
    "complaint",
    "crisis",
    "scammed",
    "identifier",
    "comfort",
    "scam_ongoing",  # a scam still going on (「他还在等我回电话」): what to do, and the scam kept in mind
    "inspect_prompt",  # 「帮我看看这条消息」 without the message: ask for it
    "answer",  # answer the want's first related FAQ entry (「不看征信的口子」 → the scam signs)
]


class Topic(StrictModel):
    id: Id
    title: str
    description: str
    browsable: bool = Field(default=True, description="listed in 「按主题浏览」 (false for the wants)")


ConcludedVerdict = Literal["ineligible", "uncertain", "open"]


class Conclusion(StrictModel):
    """What an answer tells a person with one fact about one product: checked against the criteria.

    ``ineligible``: the fact alone rules the product out; ``uncertain``: the articles disagree, give no
    threshold, or it is our reading; ``open``: the fact decides nothing, the other conditions do. The
    self-check reaches the same from the same criteria (:func:`knowledge.eligibility.key_verdict`).
    """

    product: Id | None = Field(default=None, description="the answer's product when empty")
    key: CriterionKey
    value: int | bool | CreditStatus
    verdict: ConcludedVerdict


class Answer(StrictModel):
    """The answer text for the general case (``product`` empty) or for one product."""

    product: Id | None = None
    text: str
    sources: list[Id] = Field(min_length=1)
    concludes: list[Conclusion] = Field(default_factory=list)

    @field_validator("text")
    @classmethod
    def _fits_a_phone_screen(cls, text: str) -> str:
        if len(text) > MAX_ANSWER_CHARS:
            raise ValueError(f"answer is {len(text)} characters; at most {MAX_ANSWER_CHARS}")
        return text


class FaqEntry(StrictModel):
    """A question people ask, the ways they phrase it, and the answer(s) with their sources.

    Paraphrases are product-neutral where the entry concerns several products: the product a user
    names is recognised separately and selects the matching :class:`Answer`.
    """

    id: Id
    topic: Id
    kind: EntryKind = "info"
    products: list[Id] = Field(default_factory=list, description="products it concerns; empty = general")
    question: str
    paraphrases: list[str] = Field(min_length=1)
    answers: list[Answer] = Field(default_factory=list)
    related: list[Id] = Field(default_factory=list)
    #: entries a person would not tell apart from this one (逾期罚息 / 逾期后果): when the matcher's two
    #: best guesses are this entry and one of these, both are answered in one reply (either way round)
    together: list[Id] = Field(default_factory=list)
    covers: list[str] = Field(default_factory=list, description="article sections, as 'source_id#section'")
    #: for ``kind: action`` only: what the dialogue does; regular expressions on the folded message that
    #: decide this want outright (despair must never be missed for a lack of matching words); and
    #: ``cues``, weaker ones that decide it only when nothing else in the message was understood
    #: (「好 我明天去派出所 谢谢」 is a thank-you; 「谢谢，微粒贷利息多少」 is a question)
    action: Action | None = None
    markers: list[str] = Field(default_factory=list)
    cues: list[str] = Field(default_factory=list)
    #: for ``kind: action`` only: FAQ entries some of whose questions are this want as well (「你是机器人吗」
    #: is both act.identity and advice.disclaimer, and either reply is right): the want matcher learns
    #: from their examples neither way, instead of learning that a perfect match may be no want
    overlaps: list[Id] = Field(default_factory=list)
    #: for ``kind: action`` only: words one of which a message must hold for the want classifier's guess
    #: of this want to be taken (「我能去投诉吗」 has the form of 「我能借吗」 but asks nothing of a loan);
    #: none: its guess is taken as it is
    guess_needs: str | None = None
    #: for FAQ entries an English question can point at (lexicon ``english_entries``): the answers' gist
    #: in English, shown above the Chinese answer, which keeps the sources; it adds no fact of its own
    english: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _actions_and_answers(self) -> FaqEntry:
        if (self.kind == "action") != (self.action is not None):
            raise ValueError(f"{self.id}: an entry has an action exactly when its kind is action")
        if self.kind != "action" and not self.answers:
            raise ValueError(f"{self.id}: an FAQ entry needs at least one answer")
        if (self.markers or self.cues or self.overlaps or self.guess_needs) and self.kind != "action":
            raise ValueError(f"{self.id}: only wants (kind action) have markers, cues, overlaps, guess_needs")
        for marker in [*self.markers, *self.cues, *([self.guess_needs] if self.guess_needs else [])]:
            try:
                re.compile(marker)
            except re.error as exc:
                raise ValueError(f"{self.id}: marker {marker!r} is not a regular expression: {exc}") from exc
        return self

    def serves(self, entry_id: Id) -> bool:
        """Whether this want's reply serves a question of FAQ entry ``entry_id`` as well as the FAQ would:
        an overlap (「你是机器人吗」), or the answer the want points at (「不看征信的口子」 → scam signs)."""
        return entry_id in self.overlaps or (self.action == "answer" and self.related[:1] == [entry_id])

    def answer_for(self, product: Id | None) -> Answer:
        """The answer for ``product`` when the entry has one, else the general answer."""
        general = None
        for answer in self.answers:
            if answer.product == product:
                return answer
            if answer.product is None:
                general = answer
        return general if general is not None else self.answers[0]


class FaqFile(StrictModel):
    entries: list[FaqEntry]


class IntentsFile(StrictModel):
    """``intents.yaml``: the wants besides FAQ questions, as entries of kind ``action``."""

    intents: list[FaqEntry]


class LabelledQuestion(StrictModel):
    """A question as someone typed it, with the entry and product that answer it.

    ``entry`` None marks a question the advisor should decline. Labelled questions are the matcher's
    worked examples (``examples/*.jsonl``: indexed beside the paraphrases and used to fit the confidence
    models) and the evaluation sets (``tests/data``: only measured).
    """

    question: str = Field(min_length=1)
    entry: Id | None
    product: Id | None


class SourcesFile(StrictModel):
    sources: list[Source]


class ProductsFile(StrictModel):
    products: list[Product]


class TopicsFile(StrictModel):
    topics: list[Topic]
