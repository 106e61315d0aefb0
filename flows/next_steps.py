"""What comes after a verdict: 「那咋办」 and 「那我先申请哪个好」, answered from the verdicts just given.

A verdict is where many people stop and ask what now. The answer is built from the same draft the verdict
came from (nothing is asked again): for a product ruled out, what the articles say about the requirement it
failed (the FAQ entry in :data:`FURTHER_READING`) or the criterion's tip; for 「先申请哪个」, the products
grouped by verdict and the neutral habits that protect a credit report — never a pick made for the person.
"""

from __future__ import annotations

from flows.buttons import CalcStart, Compare
from flows.eligibility import VERDICT_LABELS, draft_profile
from flows.i18n import _
from flows.render import entry_button_id, home_button, render_entry, source_line
from flows.reply import Button, Reply, esc
from flows.session import Session
from knowledge.base import KnowledgeBase
from knowledge.eligibility import ProductVerdict, check_criterion, evaluate
from knowledge.models import CriterionKey

#: the FAQ entry that says more about a requirement not met, by the criterion's key
FURTHER_READING: dict[CriterionKey, str] = {
    "wechat_wallet_entry": "apply.weilidai_missing",
    "credit": "credit.bad_record",
    "student": "req.student",
    "age": "req.age",
    "monthly_income": "req.income",
    "xiaomi_device": "req.xiaomi_phone",
    "wechat_pay_score": "gloss.pay_score",
    "mainland_id": "req.conditions",
}
#: the article that says each application leaves an inquiry on the credit report (entry credit.inquiry)
INQUIRY_SOURCE = "xm-credit-faq"


def verdicts(kb: KnowledgeBase, session: Session) -> list[ProductVerdict]:
    """The verdicts of the last self-check, worked out again from its draft (they are not stored)."""
    return evaluate(kb, draft_profile(session.check), session.check.products)


def failed_keys(kb: KnowledgeBase, session: Session, product: str) -> list[CriterionKey]:
    """The keys of the hard requirements ``product`` failed in the last self-check, in the data's order."""
    answers = session.check.answers
    keys = [
        c.key
        for c in kb.criteria
        if c.product == product and c.hard and c.key in answers
        if check_criterion(c, answers[c.key]) == "fail"
    ]
    return list(dict.fromkeys(keys))


def what_now(kb: KnowledgeBase, session: Session) -> Reply:
    """「那咋办」 after a verdict: for each product ruled out, what the articles say about the requirement
    it failed; the second time in a row, the short version (what the articles offer is what was shown)."""
    found = verdicts(kb, session)
    ruled_out = [v for v in found if v.verdict == "ineligible"]
    reading = [
        FURTHER_READING[key]
        for v in ruled_out
        for key in failed_keys(kb, session, v.product)
        if FURTHER_READING.get(key) in kb.entries
    ]
    reading = list(dict.fromkeys(reading))
    open_ones = [v for v in found if v.verdict != "ineligible"]
    if not ruled_out:
        return which_first(kb, session)
    if reading and session.faq.entry_id not in reading:
        reply = Reply()
        for entry_id in reading[:2]:
            reply.extend(render_entry(kb, entry_id, ruled_out[0].product))
        session.faq.entry_id = reading[0]
        session.faq.product = ruled_out[0].product
        if open_ones:
            reply.add(_open_line(kb, open_ones), _buttons(kb, open_ones))
        return reply
    lines = [_("文章里能找到的办法就是这些，没有别的捷径：")]
    for verdict in ruled_out:
        lines.extend(f"→ {esc(kb.product_name(verdict.product))}：{esc(tip)}" for tip in verdict.tips)
    if open_ones:
        lines.append(_open_line(kb, open_ones))
    return Reply().add("\n".join(lines), _buttons(kb, open_ones))


def what_now_so_far(kb: KnowledgeBase, session: Session) -> Reply:
    """「那咋办」 in the middle of the check: what the articles say about a requirement already failed, or,
    with none failed yet, that the questions left are what a verdict needs (skipping is allowed)."""
    if any(v.verdict == "ineligible" for v in verdicts(kb, session)):
        return what_now(kb, session)
    return Reply().add(
        _("把下面几个问题答完，我就能按文章写的条件告诉你能不能申请、差在哪里；不清楚的可以点「跳过」，不想测了点「退出」。")
    )


def which_first(kb: KnowledgeBase, session: Session) -> Reply:
    """「先申请哪个好」 after a verdict: the products grouped by verdict and neutral habits, not a pick."""
    found = verdicts(kb, session)
    lines = [_("先申请哪个，得你自己决定；我不是贷款机构，这也不构成金融建议。")]
    if session.state == "asking":
        lines[0] += _("按目前的回答（自测还没做完）：")
    else:
        lines[0] += _("按刚才的自测：")
    for verdict_kind in ("eligible", "uncertain", "ineligible"):
        names = [kb.product_name(v.product) for v in found if v.verdict == verdict_kind]
        if names:
            lines.append(f"{_(VERDICT_LABELS[verdict_kind])}：{esc('、'.join(names))}")
    lines.append(_("如果确实要借："))
    lines.append(
        _(
            "· 一次只申请一家，有结果再考虑下一家：每次申请都会查一次征信、留一条查询记录，"
            "短时间内查得多会影响审批。"
        )
        + " "
        + source_line(kb, [INQUIRY_SOURCE])
    )
    lines.append(_("· 申请前比一比真实年化、罚息和提前还款的规矩，只借确实需要的金额。"))
    if any(v.verdict == "ineligible" for v in found):
        lines.append(_("· 结论是 ❌ 的先别申请：被拒也会留下查询记录。"))
    open_ones = [v for v in found if v.verdict != "ineligible"]
    return Reply().add("\n".join(line.rstrip() for line in lines), _buttons(kb, open_ones))


def _open_line(kb: KnowledgeBase, open_ones: list[ProductVerdict]) -> str:
    names = "、".join(kb.product_name(v.product) for v in open_ones)
    return _("其余的（{names}）不受这一条影响；要申请的话，一次只申请一家。").format(names=esc(names))


def _buttons(kb: KnowledgeBase, open_ones: list[ProductVerdict]) -> list[list[Button]]:
    rows: list[list[Button]] = []
    products = tuple(v.product for v in open_ones if v.product in kb.products)
    if len(products) >= 2:
        names = " vs ".join(kb.product_name(p) for p in products)
        rows.append([Compare(products=products).button(_("对比{names}").format(names=names))])
    rows.append([CalcStart().button(_("算算借款成本"))])
    if "advice.should_borrow" in kb.entries:
        label = kb.entries["advice.should_borrow"].question
        rows.append([Button(id=entry_button_id("advice.should_borrow"), label=label)])
    rows.append([home_button()])
    return rows
