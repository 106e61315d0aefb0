"""The per-chat session: a small serialisable model, versioned so old records can be recognised.

Only what the dialogue needs between turns is kept: where the user is (flow and state of that flow's
machine, the topic or product being browsed), flows left unfinished to come back to, the self-check facts
the person has stated (their answers, never their words), the product and answer they are looking at for
follow-ups, and a few counters that keep replies from repeating themselves. Free text is never stored.
Fields added later have defaults, so a record saved by an older version of schema 1 still loads.
"""

from __future__ import annotations

import time

from pydantic import BaseModel, ConfigDict, Field

from flows.reply import Message

SCHEMA_VERSION = 1


class FaqContext(BaseModel):
    """What the last FAQ answer was about, so 「那微粒贷呢？」 can reuse its topic."""

    entry_id: str | None = None
    product: str | None = None


class MenuContext(BaseModel):
    """Where the user is while browsing, so 「返回」 climbs back to the topic or product list."""

    topic: str | None = None
    product: str | None = None


class CheckDraft(BaseModel):
    """The unfinished eligibility self-check: chosen products, answers so far, questions asked."""

    products: list[str] = Field(default_factory=list)
    answers: dict[str, int | bool | str | None] = Field(default_factory=dict)
    asked: list[str] = Field(default_factory=list, description="question keys in the order asked")
    failures: int = 0


class CheckedMessage(BaseModel):
    """Of a message just checked for scam signs, only what questions about it need; never its text."""

    signs: list[str] = Field(default_factory=list, description="ids of the scam signs found")
    fee: float = 0.0
    irr: float | None = None
    band: str | None = None


#: a self-check answer as kept: a number (age, income, score), yes/no, or a credit status
FactValue = int | bool | str


class Session(BaseModel):
    """Everything kept about one chat between turns."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = SCHEMA_VERSION
    locale: str = "zh_CN"
    #: the person chose the locale with ``/lang``; until then replies follow the script they write in
    locale_chosen: bool = False
    flow: str = "menu"
    state: str = "home"
    check: CheckDraft = Field(default_factory=CheckDraft)
    faq: FaqContext = Field(default_factory=FaqContext)
    menu: MenuContext = Field(default_factory=MenuContext)
    calc: dict[str, float | int | str | None] = Field(default_factory=dict)
    #: products picked for a comparison that still needs a second one
    compare: list[str] = Field(default_factory=list)
    #: self-check facts stated so far, in any flow (「我27，月入六千五」): a check starts from them
    profile: dict[str, FactValue | None] = Field(default_factory=dict)
    #: the product the person is looking at (an answer, a card, a check of one product), for follow-ups
    #: such as 「上征信吗」 that name none
    product: str | None = None
    #: flows left unfinished for another (flow name -> its state), offered back until resumed or ended
    paused: dict[str, str] = Field(default_factory=dict)
    #: what the last reply offered that a plain 「好」 accepts: ``check`` (a check with the stated facts) or
    #: ``resume`` (the paused flow)
    offer: str | None = None
    #: what the last turns were about, so that the next messages are read in its light for a while:
    #: ``scam`` (a scam going on), ``scam_paid`` (money already paid to one), ``crisis`` (despair),
    #: ``message`` (a message just checked)
    concern: str | None = None
    #: typed messages left before ``concern`` is let go (a message it serves renews them)
    concern_left: int = 0
    #: the message just checked (while ``concern`` is ``message``)
    checked: CheckedMessage | None = None
    #: the introduction for English writers was given: later English messages get the topics alone
    english_introduced: bool = False
    #: replies of small talk and fallbacks so far, so that the next one is worded differently
    chatter: int = 0
    #: fallbacks in a row (「这个问题我暂时答不了」): the second is worded differently and offers the menu
    fallbacks: int = 0
    updated_at: float = Field(default_factory=time.time)
    #: Telegram ``update_id``s already applied to this session (the newest few): an update delivered
    #: again after a crash is recognised and not answered twice
    handled_updates: list[int] = Field(default_factory=list)
    #: the reply of the last turn until every message of it is sent (saved with the new state, cleared
    #: once sent), so a bot killed in between still sends it after restarting; never the user's text
    outbox: list[Message] = Field(default_factory=list)
    #: message id of the menu that reply replaces in place, when it does
    outbox_edit: int | None = None
    #: in a group, the member's message that reply quotes (it tells whose its buttons are)
    outbox_reply_to: int | None = None

    def dumps(self) -> str:
        """Serialise to compact JSON for storage."""
        return self.model_dump_json(exclude_defaults=False)

    @classmethod
    def loads(cls, raw: str | bytes) -> Session:
        """Parse a stored record; raises ``ValueError`` for a corrupt or foreign-schema one."""
        session = cls.model_validate_json(raw)
        if session.schema_version != SCHEMA_VERSION:
            raise ValueError(f"session schema {session.schema_version}, expected {SCHEMA_VERSION}")
        return session
