"""The FAQ flow: a free question is understood, then answered, met with suggestions, or declined.

The state records how the last question went; the session's ``faq`` context keeps the entry and
product of the last answer, so a follow-up such as 「那微粒贷呢？」 is understood in its light.
"""

from __future__ import annotations

from flows.i18n import _
from flows.machine import ANY, FlowMachine, FlowTable, FlowTurn, Row
from flows.parsing import looks_like_question
from flows.render import entry_button_id, home_button, render_entry, render_match
from flows.reply import Button, Reply
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


def understand(turn: FlowTurn, question: str) -> FaqMatch:
    """Ask the engine's matcher, in the context of the session's last answer."""
    faq = turn.session.faq
    return turn.engine.matcher.ask(question, previous_entry=faq.entry_id, previous_product=faq.product)


class FaqTurn(FlowTurn):
    """Callbacks of the FAQ flow. ``payload``: the question text (``ask``) or ``(entry_id, product)``."""

    match: FaqMatch | None = None

    def understand(self) -> None:
        if self.match is None:  # prepare runs once per candidate transition; understand only once
            self.match = understand(self, str(self.payload))

    def confident(self) -> bool:
        return self.match is not None and self.match.band == "answer" and self.match.entry_id is not None

    def unsure(self) -> bool:
        return self.match is not None and self.match.band == "suggest" and bool(self.match.suggestions)

    def remember(self) -> None:
        assert self.match is not None
        self.session.faq.entry_id = self.match.entry_id
        self.session.faq.product = self.match.product

    def log_unanswered(self) -> None:
        assert self.match is not None
        self.engine.log_unanswered(self.match)

    def say_prompt(self) -> None:
        text = _("请直接输入您的问题，例如「微粒贷利息多少？」「借了会上征信吗？」。")
        rows = [[Button(id="menu:topics", label=_("按主题浏览")), home_button()]]
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

    def say_entry(self) -> None:
        entry_id, product = self.payload
        self.reply.extend(render_entry(self.engine.kb, entry_id, product))


MACHINE = FlowMachine(FAQ, FaqTurn)


def digression(turn: FlowTurn, question: str) -> Reply | None:
    """The answer to a question typed in the middle of another flow, or ``None`` if it is not one.

    A confident match is answered; an unsure one that reads as a question gets its suggestions. The
    caller then repeats its own pending question, so the flow is not lost.
    """
    match = understand(turn, question)
    if match.band == "answer" and match.entry_id is not None:
        turn.session.faq.entry_id = match.entry_id
        turn.session.faq.product = match.product
        return render_match(turn.engine.kb, match)
    if looks_like_question(question):
        turn.engine.log_unanswered(match)
        if match.band == "suggest" and match.suggestions:
            return render_match(turn.engine.kb, match)
        return Reply().add(_("这个问题我暂时答不了，先接着刚才的问题。"))
    return None


__all__ = ["FAQ", "MACHINE", "FaqTurn", "digression", "entry_button_id"]
