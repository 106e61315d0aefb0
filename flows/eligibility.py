"""The guided eligibility self-check: pick products, answer only the questions they need, get verdicts.

Questions come from :mod:`flows.questions` in the order of :func:`knowledge.eligibility.questions_needed`,
which skips keys no chosen product has a rule for and products already ruled out; the check stops as
soon as nothing is left to ask or every product has failed a hard rule. The verdicts are those of
:func:`knowledge.eligibility.evaluate`, the same function ``loan-advisor check`` uses.

The session's ``check`` draft holds the chosen products, the answers (``None`` = skipped, i.e. unknown)
and the question keys in the order asked; the last asked key is the question pending in ``asking``.
"""

from __future__ import annotations

from flows.faq import digression
from flows.i18n import N_, _
from flows.machine import ANY, FlowMachine, FlowTable, FlowTurn, Row
from flows.parsing import is_dont_know, looks_like_question, normalize
from flows.questions import QUESTIONS, AnswerValue, Question, question_buttons
from flows.render import entry_button_id, home_button, source_line, with_language_note
from flows.reply import Button, Reply, esc
from flows.session import CheckDraft
from knowledge.base import KnowledgeBase
from knowledge.eligibility import (
    EligibilityProfile,
    ProductVerdict,
    Reason,
    all_ruled_out,
    checkable_products,
    evaluate,
    questions_needed,
)
from knowledge.models import CriterionKey

CHECK = FlowTable(
    name="check",
    title="资格自测：选产品 → 只问需要的问题（可跳过、返回、插问）→ 逐个产品给出结论和依据",
    states=["choosing", "asking", "done"],
    initial="choosing",
    transitions=[
        Row(trigger="begin", source=ANY, dest="choosing", before=["reset_draft"], after=["ask_products"]),
        Row(
            trigger="choose",
            source="choosing",
            dest="done",
            prepare=["set_products"],
            conditions=["products_chosen", "nothing_to_ask"],
            after=["show_result"],
        ),
        Row(
            trigger="choose",
            source="choosing",
            dest="asking",
            prepare=["set_products"],
            conditions=["products_chosen"],
            after=["ask_next"],
        ),
        Row(
            trigger="choose",
            source="choosing",
            dest="choosing",
            after=["say_unknown_product", "ask_products"],
        ),
        Row(
            trigger="answer",
            source="asking",
            dest="done",
            prepare=["record_answer"],
            conditions=["nothing_to_ask"],
            after=["show_result"],
        ),
        Row(trigger="answer", source="asking", dest="asking", prepare=["record_answer"], after=["ask_next"]),
        Row(trigger="unclear", source="asking", dest="asking", after=["reask"]),
        Row(
            trigger="skip",
            source="asking",
            dest="done",
            prepare=["record_skip"],
            conditions=["nothing_to_ask"],
            after=["show_result"],
        ),
        Row(trigger="skip", source="asking", dest="asking", prepare=["record_skip"], after=["ask_next"]),
        Row(trigger="digress", source="asking", dest="asking", after=["say_digression", "ask_current"]),
        Row(trigger="digress", source="choosing", dest="choosing", after=["say_digression", "ask_products"]),
        Row(
            trigger="back",
            source="asking",
            dest="asking",
            conditions=["has_previous_question"],
            before=["step_back"],
            after=["ask_current"],
        ),
        Row(trigger="back", source="asking", dest="choosing", before=["reset_draft"], after=["ask_products"]),
        Row(
            trigger="back",
            source="done",
            dest="asking",
            conditions=["has_asked"],
            before=["reopen_last"],
            after=["ask_current"],
        ),
        Row(trigger="back", source="done", dest="choosing", before=["reset_draft"], after=["ask_products"]),
    ],
)

VERDICT_LABELS = {
    "eligible": N_("✅ 符合文章写明的条件"),
    "uncertain": N_("❔ 还不确定"),
    "ineligible": N_("❌ 不符合硬性条件"),
}
REASON_FRAMES = {
    "fail": N_("不符合「{text}」"),
    "conflict": N_("文章之间说法不一：「{text}」"),
    "unpublished": N_("文章没给出分数线：「{text}」"),
    "ours": N_("这是我们的理解，原文没说清：「{text}」"),
    "soft_fail": N_("不完全符合「{text}」（文章没说是硬性条件）"),
    "unknown": N_("没有回答，无法判断「{text}」"),
    "unchecked": N_("没有核对「{text}」：{why}"),
    "no_criteria": N_("公开文章没有写明这个产品的申请条件"),
    "pass": N_("符合「{text}」"),
    "step": N_("申请时还要：{text}"),
    "note": N_("{text}"),
}
#: what makes a verdict uncertain, in plain words (one per kind of reason)
UNCERTAINTY_WORDS = {
    "conflict": N_("文章之间说法不一"),
    "unpublished": N_("文章没给出分数线"),
    "ours": N_("这是我们的理解"),
    "soft_fail": N_("有一条不完全符合"),
    "unknown": N_("有问题没有回答"),
    "unchecked": N_("有条件这里核对不了"),
    "no_criteria": N_("文章没写条件"),
}
#: notes (approval factors) shown per product in the dialogue; the rest are counted in one line
MAX_NOTES = 3
#: how many unclear answers before the re-ask suggests 「跳过」 outright
FAILURES_BEFORE_SKIP_HINT = 2
#: ways people name the products in the self-check (the buttons are the main way)
PRODUCT_WORDS = {
    "xiaomi": ("小米", "随星借", "天星"),
    "weilidai": ("微粒贷", "微贷", "微众"),
    "we2000": ("we2000", "2000"),
}
ALL_WORDS = ("全部", "都", "所有", "全选", "all")


def reason_text(reason: Reason) -> str:
    """A verdict reason framed in UI words (plain text; escape before putting it in HTML)."""
    return _(REASON_FRAMES[reason.outcome]).format(text=reason.text, why=reason.why)


def uncertainty_text(verdict: ProductVerdict) -> str:
    """Why an uncertain verdict is uncertain, in plain words (「文章之间说法不一」…); else empty."""
    return _("；").join(_(UNCERTAINTY_WORDS[kind]) for kind in verdict.uncertainty)


def disclaimer() -> str:
    """The plain statement every result ends with."""
    return _(
        "这是根据公开文章做的自助参考，不是贷款机构的审批结论，也不构成金融建议；以官方页面和实际审批为准。"
    )


def draft_profile(draft: CheckDraft) -> EligibilityProfile:
    """The answers so far as a profile (skipped keys stay unknown)."""
    return EligibilityProfile.model_validate({k: v for k, v in draft.answers.items() if v is not None})


def skipped_keys(draft: CheckDraft) -> list[str]:
    """Keys the user skipped: asked, and answered with unknown."""
    return [k for k, v in draft.answers.items() if v is None]


def products_from_text(kb: KnowledgeBase, text: str) -> list[str]:
    """The checkable products a typed reply names (「小米」「都测一下」), in menu order."""
    norm = normalize(text)
    checkable = checkable_products(kb)
    if any(w in norm for w in ALL_WORDS):
        return checkable
    return [p for p in checkable if any(w in norm for w in PRODUCT_WORDS.get(p, (p,)))]


def render_verdict(kb: KnowledgeBase, verdict: ProductVerdict) -> str:
    """One product's verdict as HTML: name and verdict, reasons with sources, tips, notes."""
    head = _("<b>{product}</b>：{verdict}").format(
        product=esc(kb.product_name(verdict.product)), verdict=esc(_(VERDICT_LABELS[verdict.verdict]))
    )
    why = uncertainty_text(verdict)
    if why:
        head += _("（{why}）").format(why=esc(why))
    lines = [head]
    reasons = verdict.reasons
    if verdict.verdict == "ineligible":
        # once a hard rule fails, the unanswered and unchecked ones do not matter: spare the user them
        reasons = [r for r in reasons if r.outcome not in ("unknown", "unchecked", "step")]
    for reason in reasons:
        lines.append(f"• {esc(reason_text(reason))} {source_line(kb, reason.sources)}".rstrip())
    if verdict.tips:
        lines.append(_("建议："))
        lines.extend(f"→ {esc(tip)}" for tip in verdict.tips)
    if verdict.notes and verdict.verdict != "ineligible":
        lines.append(_("另外（影响审批但不是硬性条件）："))
        shown = verdict.notes[:MAX_NOTES]
        lines.extend(f"· {esc(note.text)} {source_line(kb, note.sources)}".rstrip() for note in shown)
        if len(verdict.notes) > MAX_NOTES:
            lines.append(_("· 还有{n}条，可问「怎么提高通过率？」").format(n=len(verdict.notes) - MAX_NOTES))
    return "\n".join(lines)


def result_reply(kb: KnowledgeBase, verdicts: list[ProductVerdict]) -> Reply:
    """The whole result: one message per product, then the disclaimer with what to do next."""
    reply = Reply()
    for verdict in verdicts:
        reply.add(render_verdict(kb, verdict))
    rows = [
        [Button(id="nav:back", label=_("改上一个回答")), Button(id="check:restart", label=_("重新自测"))],
    ]
    if "req.pass_rate" in kb.entries:
        rows.append([Button(id=entry_button_id("req.pass_rate"), label=_("怎么提高通过率？"))])
    rows.append([home_button()])
    reply.add(with_language_note(f"<i>{esc(disclaimer())}</i>"), rows)
    return reply


class CheckTurn(FlowTurn):
    """Callbacks of the self-check. ``payload``: chosen product ids, or the parsed answer, or a question."""

    # --- conditions -------------------------------------------------------------------------------

    def products_chosen(self) -> bool:
        return bool(self.session.check.products)

    def nothing_to_ask(self) -> bool:
        draft, kb = self.session.check, self.engine.kb
        profile = draft_profile(draft)
        if all_ruled_out(kb, draft.products, profile):
            return True
        return not questions_needed(kb, draft.products, profile, skipped=skipped_keys(draft))

    def has_previous_question(self) -> bool:
        return len(self.session.check.asked) >= 2

    def has_asked(self) -> bool:
        return bool(self.session.check.asked)

    # --- changes to the draft ---------------------------------------------------------------------

    def reset_draft(self) -> None:
        self.session.check = CheckDraft()

    def set_products(self) -> None:
        valid = [p for p in (self.payload or []) if p in checkable_products(self.engine.kb)]
        self.session.check = CheckDraft(products=valid)

    def pending(self) -> CriterionKey | None:
        """The key of the question waiting for an answer."""
        asked = self.session.check.asked
        return asked[-1] if asked else None  # type: ignore[return-value]

    def record_answer(self) -> None:
        key = self.pending()
        if key is not None:
            self.session.check.answers[key] = self.payload
            self.session.check.failures = 0

    def record_skip(self) -> None:
        key = self.pending()
        if key is not None:
            self.session.check.answers[key] = None
            self.session.check.failures = 0

    def step_back(self) -> None:
        draft = self.session.check
        pending = draft.asked.pop()
        draft.answers.pop(pending, None)
        draft.answers.pop(draft.asked[-1], None)
        draft.failures = 0

    def reopen_last(self) -> None:
        draft = self.session.check
        draft.answers.pop(draft.asked[-1], None)
        draft.failures = 0

    # --- messages ---------------------------------------------------------------------------------

    def ask_products(self) -> None:
        kb = self.engine.kb
        buttons = [Button(id=f"check:product:{p}", label=kb.product_name(p)) for p in checkable_products(kb)]
        rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
        rows.append([Button(id="check:product:all", label=_("全部都测"))])
        rows.append([Button(id="nav:cancel", label=_("退出"))])
        text = _(
            "想看看自己能不能申请哪个产品？先选一个，或者全部都测。\n"
            "我只问几道选择题（年龄、征信等），不需要身份证号、手机号或姓名，随时可以说「跳过」「返回」「退出」。"
        )
        self.reply.add(text, rows)

    def say_unknown_product(self) -> None:
        self.reply.add(_("没看出您想测哪个产品，请点下面的按钮选择。"))

    def ask_next(self) -> None:
        draft, kb = self.session.check, self.engine.kb
        keys = questions_needed(kb, draft.products, draft_profile(draft), skipped=skipped_keys(draft))
        draft.asked.append(keys[0])
        self._ask(QUESTIONS[keys[0]])

    def ask_current(self) -> None:
        key = self.pending()
        if key is not None:
            self._ask(QUESTIONS[key])

    def _ask(self, question: Question, prefix: str = "") -> None:
        draft = self.session.check
        number = len(draft.asked)
        text = prefix + _("第{n}题：").format(n=number) + _(question.prompt)
        self.reply.add(text, question_buttons(question, self.engine.kb, draft.products))

    def reask(self) -> None:
        key = self.pending()
        if key is None:
            return
        draft = self.session.check
        draft.failures += 1
        question = QUESTIONS[key]
        prefix = _("没看明白这个回答。") + _(question.expected) + "\n"
        if draft.failures >= FAILURES_BEFORE_SKIP_HINT:
            prefix += _("实在不确定的话，点「跳过」就好，这一项会按“未知”处理。") + "\n"
        self._ask(question, prefix)

    def say_digression(self) -> None:
        if isinstance(self.payload, Reply):
            self.reply.extend(self.payload)

    def show_result(self) -> None:
        draft, kb = self.session.check, self.engine.kb
        profile = draft_profile(draft)
        verdicts = evaluate(kb, profile, draft.products)
        stated = {c.key for c in kb.criteria if c.product in draft.products}
        if all_ruled_out(kb, draft.products, profile) and stated - set(draft.answers):
            self.reply.add(_("根据已回答的条件，所选产品都不符合硬性要求，其余问题就不用再问了。"))
        self.reply.extend(result_reply(kb, verdicts))


MACHINE = FlowMachine(CHECK, CheckTurn)


def read_answer(turn: CheckTurn, text: str) -> tuple[str, object]:
    """Decide what a typed reply to the pending question is: an answer, 「不知道」, a digression, or unclear.

    Returns the trigger to fire and its payload.
    """
    key = turn.pending()
    if key is None:
        return "unclear", None
    if is_dont_know(text):
        return "skip", None
    value: AnswerValue | None = QUESTIONS[key].parse(text)
    if value is not None:
        return "answer", value
    side = digression(turn, text)
    if side is not None:
        return "digress", side
    return "unclear", None


def read_products(turn: CheckTurn, text: str) -> tuple[str, object]:
    """A typed reply while choosing products: product names, or a question to answer on the side.

    「小米」「都测」 choose; 「小米贷款上征信吗？」 names a product but is a question, so it is answered
    first (and the choice asked again) when the matcher is sure of it.
    """
    products = products_from_text(turn.engine.kb, text)
    if products and not looks_like_question(text):
        return "choose", products
    side = digression(turn, text)
    if side is not None:
        return "digress", side
    return "choose", products
