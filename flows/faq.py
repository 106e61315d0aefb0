"""The FAQ flow: a free question is understood, then answered, met with suggestions, or declined.

The state records how the last question went; the session's ``faq`` context keeps the entry and
product of the last answer, so a follow-up such as 「那微粒贷呢？」 is understood in its light. The
question arrives already understood (the reader's :class:`FaqMatch`); asked in the middle of another flow,
it is answered on the side by :func:`answer_aside` and that flow is left as it was.
"""

from __future__ import annotations

from flows.buttons import Topics
from flows.i18n import _
from flows.machine import ANY, FlowMachine, FlowTable, FlowTurn, Row
from flows.render import entry_button_id, home_button, render_entry, render_match
from flows.reply import Reply
from flows.session import Session
from knowledge.base import KnowledgeBase
from knowledge.understanding.api import FaqMatch

FAQ = FlowTable(
    name="faq",
    title="常见问题：自由提问，有把握就回答，没把握就给出候选问题，答不了就说明并记录",
    states=["ready", "answered", "suggested", "declined"],
    initial="ready",
    transitions=[
        Row(trigger="prompt", source=ANY, dest="ready", after=["say_prompt"]),
        Row(
            trigger="ask",
            source=ANY,
            dest="answered",
            prepare=["understand"],
            conditions=["confident"],
            after=["remember", "say_match"],
        ),
        Row(
            trigger="ask",
            source=ANY,
            dest="suggested",
            prepare=["understand"],
            conditions=["unsure"],
            after=["log_unanswered", "say_match"],
        ),
        Row(
            trigger="ask",
            source=ANY,
            dest="declined",
            prepare=["understand"],
            after=["log_unanswered", "say_match"],
        ),
        Row(
            trigger="open_entry",
            source=ANY,
            dest="answered",
            conditions=["entry_exists"],
            after=["remember_entry", "say_entry"],
        ),
    ],
)


def remember(session: Session, match: FaqMatch) -> None:
    """Keep what an answer was about, for follow-ups (「那微粒贷呢」, 「上征信吗」)."""
    session.faq.entry_id = match.entry_id
    session.faq.product = match.product
    if match.product is not None:
        session.product = match.product


def answer_aside(kb: KnowledgeBase, session: Session, match: FaqMatch) -> Reply:
    """The reply to a question asked in the middle of another flow, which stays where it was."""
    if match.band == "answer" and match.entry_id is not None:
        remember(session, match)
    return render_match(kb, match)


class FaqTurn(FlowTurn):
    """Callbacks of the FAQ flow. ``payload``: the understood question (``ask``) or
    ``(entry_id, product)``."""

    match: FaqMatch | None = None

    def understand(self) -> None:
        self.match = self.payload if isinstance(self.payload, FaqMatch) else None

    def confident(self) -> bool:
        return self.match is not None and self.match.band == "answer" and self.match.entry_id is not None

    def unsure(self) -> bool:
        return self.match is not None and self.match.band == "suggest" and bool(self.match.suggestions)

    def remember(self) -> None:
        assert self.match is not None
        remember(self.session, self.match)

    def log_unanswered(self) -> None:
        assert self.match is not None
        self.engine.log_unanswered(self.match)

    def say_prompt(self) -> None:
        text = _("请直接输入您的问题，例如「微粒贷利息多少？」「借了会上征信吗？」。")
        rows = [[Topics().button(_("按主题浏览")), home_button()]]
        self.reply.add(text, rows)

    def say_match(self) -> None:
        assert self.match is not None
        self.reply.extend(render_match(self.engine.kb, self.match))

    def entry_exists(self) -> bool:
        entry_id, _product = self.payload
        return entry_id in self.engine.kb.entries

    def remember_entry(self) -> None:
        entry_id, product = self.payload
        self.session.faq.entry_id = entry_id
        self.session.faq.product = product
        if product is not None:
            self.session.product = product

    def say_entry(self) -> None:
        entry_id, product = self.payload
        self.reply.extend(render_entry(self.engine.kb, entry_id, product))


MACHINE = FlowMachine(FAQ, FaqTurn)


__all__ = ["FAQ", "MACHINE", "FaqTurn", "answer_aside", "entry_button_id", "remember"]
