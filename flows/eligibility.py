"""The guided eligibility self-check: pick products, answer only the questions they need, get verdicts.

Questions come from :mod:`flows.questions` in the order of :func:`knowledge.eligibility.questions_needed`,
which skips keys no chosen product has a rule for and products already ruled out; the check stops as
soon as nothing is left to ask or every product has failed a hard rule. The verdicts are those of
:func:`knowledge.eligibility.evaluate`, the same function ``loan-advisor check`` uses.

The session's ``check`` draft holds the chosen products, the answers (``None`` = skipped, i.e. unknown)
and the question keys in the order asked; the last asked key is the question pending in ``asking``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flows.buttons import CheckProduct, CheckRestart, Nav
from flows.i18n import N_, _
from flows.machine import ANY, FlowMachine, FlowTable, FlowTurn, Row
from flows.questions import QUESTIONS, AnswerValue, Question, question_buttons
from flows.render import entry_button_id, home_button, source_line, with_language_note
from flows.reply import Button, Reply, esc
from flows.routes import WHAT_NOW, TurnContext, recogniser, routes
from flows.session import CheckDraft, Session
from flows.wants import DEFERRAL
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
from knowledge.understanding.answers import looks_like_question
from knowledge.understanding.profile import clauses_of, facts_in

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
            after=["say_known", "show_result"],
        ),
        Row(
            trigger="choose",
            source="choosing",
            dest="asking",
            prepare=["set_products"],
            conditions=["products_chosen"],
            after=["say_known", "ask_next"],
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
        # facts stated in words (「不对 我是26」「收入五千」): kept, said back, and the check goes on
        Row(
            trigger="prefill",
            source="asking",
            dest="done",
            conditions=["nothing_to_ask"],
            after=["say_noted", "show_result"],
        ),
        Row(trigger="prefill", source="asking", dest="asking", after=["say_noted", "ask_pending_or_next"]),
        Row(trigger="prefill", source="choosing", dest="choosing", after=["ask_products"]),
        Row(
            trigger="recheck",
            source="done",
            dest="asking",
            unless=["nothing_to_ask"],
            after=["say_noted", "ask_next"],
        ),
        Row(trigger="recheck", source="done", dest="done", after=["say_noted", "show_result"]),
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
#: facts volunteered (not answered one by one) from which the check already says where things stand
PROVISIONAL_AFTER = 2
#: the reasons shown beside a provisional verdict, and how many
PROVISIONAL_REASONS = ("fail", "soft_fail", "conflict", "unpublished", "ours")
MAX_PROVISIONAL_REASONS = 2
#: notes (approval factors) shown per product in the dialogue; the rest are counted in one line
MAX_NOTES = 3
#: how many unclear answers before the re-ask suggests 「跳过」 outright
FAILURES_BEFORE_SKIP_HINT = 2
#: words that choose every product at once (「都测一下」「三个都看看」; not the 都 of 成都)
ALL_WORDS = re.compile(r"全部|所有|全选|都测|都看|都试|都要|都行|都可以|三个都|几个都|\ball\b")

#: what a typed message does in each state of the self-check, before the shared routes (flows.routes)
ROUTES = {
    "choosing": routes("names_products -> choose", "states_facts -> prefill"),
    "asking": routes(
        "dont_know -> skip",
        "names_other_product -> check_product",
        "states_facts -> prefill",
        "answers_pending -> answer",
        "answers_another -> prefill",
        "asks_mid_check -> next_step",
    ),
    "done": routes(
        "asks_next_step -> next_step", "names_other_product -> check_product", "states_facts -> recheck"
    ),
}
#: how each fact is said back to the person (「我记下了：27岁 · 月入6500元」)
FACT_LABELS: dict[str, dict[object, str]] = {
    "student": {True: N_("在校学生"), False: N_("不是学生")},
    "mainland_id": {True: N_("有大陆身份证"), False: N_("没有大陆身份证")},
    "credit": {
        "clean": N_("征信没有逾期"),
        "settled_overdue": N_("逾期过、已还清"),
        "current_overdue": N_("现在还有逾期"),
    },
    "xiaomi_device": {True: N_("有小米设备"), False: N_("没有小米设备")},
    "xiaomi_purchases": {True: N_("在小米生态消费过"), False: N_("没在小米生态消费过")},
    "wechat_wallet_entry": {True: N_("钱包里有微粒贷入口"), False: N_("钱包里没有微粒贷入口")},
    "wechat_pay_bound": {True: N_("微信支付已绑卡"), False: N_("微信支付没绑卡")},
    "wechat_active": {True: N_("每天常用微信"), False: N_("不常用微信")},
}
NUMBER_LABELS = {
    "age": N_("{n}岁"),
    "monthly_income": N_("月入{n}元"),
    "wechat_pay_score": N_("支付分{n}"),
    "wechat_pay_monthly": N_("微信每月支付{n}元"),
}
#: a figure of nothing, said as a person says it (「我而家冇返工」 is no income, not an income of 0元)
ZERO_LABELS = {"monthly_income": N_("没有收入")}
#: a figure stated as not known (「支付分不知道」): said back, so the person sees that question is skipped
UNKNOWN_LABELS = {
    "monthly_income": N_("收入说不准"),
    "wechat_pay_score": N_("支付分不清楚"),
    "wechat_pay_monthly": N_("微信每月支付多少不清楚"),
}


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


def checkable_named(kb: KnowledgeBase, products: list[str], folded: str = "") -> list[str]:
    """The checkable products among ``products`` (a reading's), or all of them for 「都测一下」, in menu
    order."""
    checkable = checkable_products(kb)
    if ALL_WORDS.search(folded):
        return checkable
    return [p for p in checkable if p in products]


def facts_text(facts: Mapping[str, object]) -> str:
    """Facts said back in a few words, in question order: 「27岁 · 不是学生 · 月入6500元」."""
    parts = []
    for key in QUESTIONS:
        if key not in facts:
            continue
        value = facts[key]
        if value is None:
            if key in UNKNOWN_LABELS:
                parts.append(_(UNKNOWN_LABELS[key]))
            continue
        if key in ZERO_LABELS and value == 0:
            parts.append(_(ZERO_LABELS[key]))  # 「没有收入」, not 「月入0元」
        elif key in NUMBER_LABELS:
            parts.append(_(NUMBER_LABELS[key]).format(n=value))
        elif value in FACT_LABELS.get(key, {}):
            parts.append(_(FACT_LABELS[key][value]))
    return " · ".join(parts)


def seeded_draft(session: Session, products: list[str]) -> CheckDraft:
    """A new self-check draft for ``products``, starting from the facts the person has already stated."""
    return CheckDraft(products=products, answers=dict(session.profile))


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
    rows = [[Nav(action="back").button(_("改上一个回答")), CheckRestart().button(_("重新自测"))]]
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
        self.session.check = seeded_draft(self.session, [])

    def set_products(self) -> None:
        valid = [p for p in (self.payload or []) if p in checkable_products(self.engine.kb)]
        self.session.check = seeded_draft(self.session, valid)
        if len(valid) == 1:
            self.session.product = valid[0]

    def pending(self) -> CriterionKey | None:
        """The key of the question waiting for an answer."""
        asked = self.session.check.asked
        return asked[-1] if asked else None  # type: ignore[return-value]

    def record_answer(self) -> None:
        key = self.pending()
        if key is not None:
            self.session.check.answers[key] = self.payload
            self.session.profile[key] = self.payload
            self.session.check.failures = 0

    def record_skip(self) -> None:
        key = self.pending()
        if key is not None:
            self.session.check.answers[key] = None
            self.session.check.failures = 0

    def step_back(self) -> None:
        draft = self.session.check
        pending = draft.asked.pop()
        for key in (pending, draft.asked[-1]):
            draft.answers.pop(key, None)
            self.session.profile.pop(key, None)
        draft.failures = 0

    def reopen_last(self) -> None:
        draft = self.session.check
        draft.answers.pop(draft.asked[-1], None)
        self.session.profile.pop(draft.asked[-1], None)
        draft.failures = 0

    # --- messages ---------------------------------------------------------------------------------

    def ask_products(self) -> None:
        kb = self.engine.kb
        buttons = [CheckProduct(product=p).button(kb.product_name(p)) for p in checkable_products(kb)]
        rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
        rows.append([CheckProduct(product="all").button(_("全部都测"))])
        rows.append([Nav(action="cancel").button(_("退出"))])
        names = "、".join(kb.product_name(p) for p in checkable_products(kb))
        text = _(
            "想看看自己能不能申请哪个产品？可以测：{names}。先选一个，或者全部都测。\n"
            "我只问几道选择题（年龄、征信等），不需要身份证号、手机号或姓名，随时可以说「跳过」「返回」「退出」。"
        ).format(names=esc(names))
        known = facts_text(self.session.check.answers)
        if known:
            text = _("我记下了：{facts}。").format(facts=esc(known)) + "\n" + text
        self.reply.add(text, rows)

    def say_known(self) -> None:
        """Before the first question or the verdict: which products are checked, and what is already known,
        so nothing said is asked again."""
        draft, kb = self.session.check, self.engine.kb
        if draft.asked:
            return
        names = "、".join(kb.product_name(p) for p in draft.products)
        text = _("好的，测一下{products}。").format(products=esc(names))
        asked_for = {c.key for c in kb.criteria if c.product in draft.products}
        known = facts_text({k: v for k, v in draft.answers.items() if k in asked_for})
        if known:
            text += _("我记下了：{facts}（说错了可以直接改，比如「不对 我是26」）。").format(facts=esc(known))
        # 「只有台胞证」 for 微粒贷: said, and not silently dropped — no article names it for that product
        unused = facts_text({k: v for k, v in draft.answers.items() if k not in asked_for})
        if unused:
            text += _("您说的「{facts}」：{products}的文章没有写这方面的要求，这次测不到。").format(
                facts=esc(unused), products=esc(names)
            )
        self.reply.add(text + self._where_it_stands())

    def _where_it_stands(self) -> str:
        """「按你说的，目前：小米贷款 ❔ 还不确定。再答3个问题就能说得更准：」 once a situation has been told
        (facts stated, not answered one by one) and questions are still left; else nothing.

        A person who tells everything at once deserves an answer now; the questions left only firm it.
        """
        draft, kb = self.session.check, self.engine.kb
        asked_for = {c.key for c in kb.criteria if c.product in draft.products}
        # 「支付分不知道」 is told too: the person said what they know of it, and it is not asked again
        told = [k for k in asked_for - set(draft.asked) if k in draft.answers]
        left = questions_needed(kb, draft.products, draft_profile(draft), skipped=skipped_keys(draft))
        if len(told) < PROVISIONAL_AFTER or not left:
            return ""
        lines = []
        for verdict in evaluate(kb, draft_profile(draft), draft.products):
            line = f"{kb.product_name(verdict.product)} {_(VERDICT_LABELS[verdict.verdict])}"
            # what already decides it, or already makes it unsure: a failed rule, articles that disagree
            telling = [r for r in verdict.reasons if r.outcome in PROVISIONAL_REASONS]
            if telling := telling[:MAX_PROVISIONAL_REASONS]:
                line += "（" + "；".join(reason_text(r) for r in telling) + "）"
            lines.append(line)
        text = _("按你说的，目前：{verdicts}。再答{n}个问题就能说得更准：")
        return "\n" + text.format(verdicts=esc("；".join(lines)), n=len(left))

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

    def ask_pending_or_next(self) -> None:
        """After facts were stated: the pending question again if it is still open and needed, else the
        next one."""
        draft, kb = self.session.check, self.engine.kb
        key = self.pending()
        needed = questions_needed(kb, draft.products, draft_profile(draft), skipped=skipped_keys(draft))
        if key is not None and key not in draft.answers:
            if key in needed:
                self.ask_current()
                return
            draft.asked.pop()  # no longer needed (a product it was for is ruled out)
        self.ask_next()

    def say_noted(self) -> None:
        """Say back the facts just stated (payload: the facts and the keys they corrected)."""
        facts, corrected = self.payload
        known = facts_text(facts)
        if not known:
            return
        if corrected:
            self.reply.add(_("好的，已改成：{facts}。").format(facts=esc(known)) + self._where_it_stands())
        else:
            self.reply.add(_("记下了：{facts}。").format(facts=esc(known)) + self._where_it_stands())

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

    def show_result(self) -> None:
        draft, kb = self.session.check, self.engine.kb
        profile = draft_profile(draft)
        verdicts = evaluate(kb, profile, draft.products)
        stated = {c.key for c in kb.criteria if c.product in draft.products}
        if all_ruled_out(kb, draft.products, profile) and stated - set(draft.answers):
            self.reply.add(_("根据已回答的条件，所选产品都不符合硬性要求，其余问题就不用再问了。"))
        self.reply.extend(result_reply(kb, verdicts))


MACHINE = FlowMachine(CHECK, CheckTurn)


# --- recognisers of the self-check's routes ------------------------------------------------------------


#: 「先申请哪个好」「哪个好批」: which of the products checked to apply for first
_WHICH_FIRST = re.compile(
    r"先(?:申请|借|办|试)哪|(?:申请|借|办|选|试)哪(?:个|家|一个|款)"
    r"|哪(?:个|家|一个)(?:先|好批|容易|更容易|好通过|下款快|好申请)"
)
#: 「有没有别的办法」「怎么才能开通」: what else can be done about a requirement not met
_OTHER_WAYS = re.compile(r"(?:别的|其他|其它|什么)(?:办法|方法|路子|途径)|还有(?:没有)?办法|怎么(?:样)?才能")


@recogniser("asks_next_step")
def _asks_next_step(ctx: TurnContext) -> str | None:
    """After a verdict: 「先申请哪个好」 (``which_first``), or 「那咋办」「有没有别的办法」 (``what_now``)."""
    text = ctx.reading.text.replace(" ", "")
    if _WHICH_FIRST.search(text):
        return "which_first"
    if WHAT_NOW.fullmatch(text) or _OTHER_WAYS.search(text):
        return "what_now"
    return None


@recogniser("asks_mid_check")
def _asks_mid_check(ctx: TurnContext) -> str | None:
    """「先申请哪个好」 or 「那咋办」 before the check is over: answered from the verdicts so far (or, with
    nothing ruled out yet, what the remaining questions are for), the question kept."""
    text = ctx.reading.text.replace(" ", "")
    if _WHICH_FIRST.search(text):
        return "which_first"
    return "what_now" if WHAT_NOW.fullmatch(text) or _VERDICT_NOW.fullmatch(text) else None


#: 「所以到底行不行啊」「那结果呢」 before the check is over: the verdict asked for now
_VERDICT_NOW = re.compile(
    r"(?:那|所以|那我|我)?(?:到底|究竟)?(?:行不行|能不能借|能不能批|能不能过|能借不|结果呢|结论呢|咋样|怎么样)"
    r"[呀啊呢哇吧嘛]*"
)


@recogniser("names_products")
def _names_products(ctx: TurnContext) -> list[str] | None:
    """「小米」「都测」 choose; 「小米贷款上征信吗？」 names a product but is a question (shared routes)."""
    reading = ctx.reading
    if reading.is_question:
        return None
    return checkable_named(ctx.engine.kb, reading.products, reading.text) or None


#: 「微粒贷也测一下」「那WE2000我能不能」: the check asked for another product
_ASKS_FOR_IT = re.compile(
    r"测|看看|查查|呢$|能不能|能吗|行吗|可以吗|能批|能借|能开|可以开|开不|办不|可以不|行不|呢\s"
)


@recogniser("names_other_product")
def _names_other_product(ctx: TurnContext) -> list[str] | None:
    """「那微粒贷呢」「微粒贷也测一下」 during or after a check: the same check for that product."""
    reading = ctx.reading
    named = checkable_named(ctx.engine.kb, reading.products)
    new = [p for p in named if p not in ctx.session.check.products]
    if not new:
        return None
    bare = ctx.engine.reader.matcher.is_bare_follow_up(reading.analysis)
    return new if bare or _ASKS_FOR_IT.search(reading.text) else None


@recogniser("dont_know")
def _dont_know(ctx: TurnContext) -> bool | None:
    return True if ctx.reading.dont_know else None


def pending_answer_beside(ctx: TurnContext, facts: Mapping[str, object]) -> dict[str, AnswerValue]:
    """The pending question answered in a clause of its own beside facts stated in the others (「俺26
    送外卖的」 to 「您今年多大」: 26 and not a student), as ``{key: value}``; empty when no clause that
    states nothing answers it, or more than one does."""
    draft = ctx.session.check
    if ctx.session.state != "asking" or not draft.asked or draft.asked[-1] in facts:
        return {}
    key = draft.asked[-1]
    question: Question = QUESTIONS[key]  # type: ignore[index]
    # 「我支付分 720」: a figure a fact already took is that fact's, not an answer to the question pending
    taken = {v for v in facts.values() if isinstance(v, int | float) and not isinstance(v, bool)}
    found = []
    for clause in clauses_of(ctx.reading.text):
        if facts_in(clause) or looks_like_question(clause):
            continue
        value = question.parse(clause)
        if value is not None and not (isinstance(value, int | float) and value in taken):
            found.append(value)
    return {key: found[0]} if len(found) == 1 else {}


@recogniser("answers_pending")
def _answers_pending(ctx: TurnContext) -> AnswerValue | None:
    """The pending question's own reading of a reply that names nothing else (「25」「有」「用的华为」)."""
    asked = ctx.session.check.asked
    if not asked or DEFERRAL.search(ctx.reading.text):
        return None  # 「那我毕业了再来」 puts the check off; it answers nothing
    question: Question = QUESTIONS[asked[-1]]  # type: ignore[index]
    return question.parse(ctx.reading.text)


#: at most this many characters for a reply to be read as the answer to a paused check's question
PAUSED_ANSWER_CHARS = 8


@recogniser("answers_paused_check")
def _answers_paused_check(ctx: TurnContext) -> AnswerValue | None:
    """「有」 typed after a side sum in the middle of the check: the answer to the check's pending question,
    when the flow in front takes nothing and the reply is short and no question."""
    session = ctx.session
    if session.paused.get("check") != "asking" or not session.check.asked:
        return None
    if len(ctx.reading.text) > PAUSED_ANSWER_CHARS or ctx.reading.is_question:
        return None
    question: Question = QUESTIONS[session.check.asked[-1]]  # type: ignore[index]
    return question.parse(ctx.reading.text)


#: a bare number that cannot answer the question asked, read as the answer to the one other question
#: whose likely values it falls in: 「28」 to 「是在校学生吗」 is an age, 「四千多」 to the age question an
#: income (a pay score is 300–850; an income below 1000 or an age above 99 is more likely something else)
LIKELY_NUMBERS: dict[str, tuple[int, int]] = {
    "age": (16, 99),
    "wechat_pay_score": (300, 850),
    "monthly_income": (1000, 10**6),
}


#: what may stand beside a bare number answering a question (「好像六百二吧」「大概650分」): the rest is more
_ANSWER_FILLERS = re.compile(
    r"[0-9０-９.,，。\s]|[零一二两三四五六七八九十百千万]|分|岁|元|块|左右|上下|吧|啊|呀|大概|大约|差不多|好像|应该|"
    r"估计|的|是|我|俺|了|多|有|就|才|只|刚|满|目前|现在"
)


@recogniser("answers_another")
def _answers_another(ctx: TurnContext) -> dict[str, AnswerValue] | None:
    """A bare number answering, it seems, another question still open than the one asked."""
    draft, text = ctx.session.check, ctx.reading.text
    if not draft.asked or ctx.reading.facts or not ctx.reading.numbers:
        return None
    if ctx.reading.is_question or len(_ANSWER_FILLERS.sub("", text)) > 4:
        return None  # 「他们说先交500保证金就能放款 靠谱不」 is no pay score of 500
    kb, profile = ctx.engine.kb, draft_profile(draft)
    needed = questions_needed(kb, draft.products, profile, skipped=skipped_keys(draft))
    fits = []
    for key in [k for k in needed if k in LIKELY_NUMBERS and k != draft.asked[-1]]:
        value = QUESTIONS[key].parse(text)
        low, high = LIKELY_NUMBERS[key]
        if isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high:
            fits.append((key, value))
    return {fits[0][0]: fits[0][1]} if len(fits) == 1 else None
