"""The reply to a message someone received and wants checked: scam signs first, then what it really costs.

:func:`inspection_reply` renders a :class:`knowledge.inspection.Inspection` for any transport, phone-short:
the verdict first (signs found, or none found and what that does not prove), each sign with the words that
triggered it, what the articles say and what to do (each with its sources), then the loan's figures with
the true annual rate against the 24 % and 36 % lines (the calculator's own wording), and, for a photo, the
beginning of what was read so a misreading can be seen. Everything shown of the message comes from the
report's redacted text: no ID, card or phone number is ever repeated.

The engine's route ``received_message -> inspect`` (:mod:`flows.routes`) takes a turn forwarded, read from
a photo, or pasted (:func:`knowledge.inspection.looks_like_received_message`) and answers it with this;
the message is read from the reader's one normalisation and kept nowhere.
"""

from __future__ import annotations

import re

from flows.calc_ask import judgement, line_citations
from flows.formatting import pct, yuan
from flows.i18n import N_, _
from flows.render import entry_button_id, home_button, source_line
from flows.reply import Button, Reply, esc
from flows.session import CheckedMessage
from knowledge.base import KnowledgeBase
from knowledge.inspection import Inspection
from knowledge.inspection.figures import CostFigures
from knowledge.inspection.signs import SignFound, default_signs

#: characters of a photo's text shown back, so the person can spot a misreading without a wall of text
READ_PREVIEW_CHARS = 120
#: the FAQ entry offered after any check
SCAM_SIGNS_ENTRY = "safety.scam_signs"


def inspection_reply(kb: KnowledgeBase, report: Inspection, *, read_text: str | None = None) -> Reply:
    """The reply for ``report``: verdict, signs, figures, and (for a photo) what was read.

    Args:
        kb: the knowledge base, for the sources' names.
        report: the inspection.
        read_text: the text read from a photo (already redacted, as ``report.text`` is), shown briefly.
    """
    reply = Reply()
    if read_text is not None:
        reply.add(_read_back(read_text))
    reply.add(_verdict(kb, report))
    if report.figures is not None:
        reply.add(_figures_text(kb, report.figures))
    buttons = [
        Button(
            id=entry_button_id(found.sign.faq), label=_("了解：{title}").format(title=found.sign.title[:20])
        )
        for found in report.signs[:2]
        if found.sign.faq and found.sign.faq in kb.entries
    ]
    if not buttons and SCAM_SIGNS_ENTRY in kb.entries:
        buttons = [Button(id=entry_button_id(SCAM_SIGNS_ENTRY), label=_("怎么识别贷款诈骗"))]
    rows = [[button] for button in dict.fromkeys(buttons)]
    reply.messages[-1].buttons = [*rows, [home_button()]]
    return reply


def _read_back(text: str) -> str:
    flat = " ".join(text.split())
    shown = flat if len(flat) <= READ_PREVIEW_CHARS else flat[:READ_PREVIEW_CHARS] + "…"
    return "\n".join(
        [
            _("📷 图片里读到的文字（开头部分）："),
            f"<i>{esc(shown)}</i>",
            _("如果读错了，可以把文字直接粘贴发给我再查一次。"),
        ]
    )


def _verdict(kb: KnowledgeBase, report: Inspection) -> str:
    if not report.signs:
        lines = [
            _("✅ <b>没有发现文章提到的诈骗迹象。</b>"),
            _(
                "但这不能证明它是安全的：这里只查了几类常见迹象（先收费、要验证码、屏幕共享、私人渠道、"
                "包过、催促、冒充官方），骗术会换说法。办借款只用官方APP；拿不准就自己打官方客服电话核实。"
            ),
        ]
        if report.cut:
            lines.append(_("消息太长，只检查了开头部分。"))
        return "\n".join(lines)
    lines = [
        _("⚠️ <b>发现 {count} 个诈骗常见迹象，请先不要转账、不要提供验证码。</b>").format(
            count=len(report.signs)
        )
    ]
    for number, found in enumerate(report.signs, start=1):
        lines.append("")
        lines.append(_sign_text(kb, number, found))
    if report.cut:
        lines.append(_("消息太长，只检查了开头部分。"))
    return "\n".join(lines)


def _sign_text(kb: KnowledgeBase, number: int, found: SignFound) -> str:
    sign = found.sign
    quotes = "".join(f"「{esc(quote)}」" for quote in found.quotes)
    lines = [f"<b>{number}. {esc(sign.title)}</b>", _("原文：{quotes}").format(quotes=quotes)]
    # one fact per sign keeps the reply phone-short: an article's word first, general knowledge otherwise
    fact = next((f for f in sign.facts if any(_is_article(kb, s) for s in f.sources)), sign.facts[0])
    lines.append(f"• {esc(fact.text)} {source_line(kb, fact.sources)}")
    lines.append(f"👉 {esc(sign.advice.text)} {source_line(kb, sign.advice.sources)}")
    return "\n".join(lines)


def _is_article(kb: KnowledgeBase, source_id: str) -> bool:
    source = kb.sources.get(source_id)
    return source is not None and source.kind == "article"


def _figures_text(kb: KnowledgeBase, figures: CostFigures) -> str:
    lines = [_("💰 <b>消息里的借款算下来</b>")]
    if figures.fee > 0:
        lines.append(
            _("借款 {amount}，放款前扣掉或先交 {fee}，实际到手 {received}。").format(
                amount=yuan(figures.amount), fee=yuan(figures.fee), received=yuan(figures.received)
            )
        )
    else:
        lines.append(_("借款 {amount}。").format(amount=yuan(figures.amount)))
    if figures.periods > 1:
        lines.append(
            _("分 {periods} 期，每期还 {installment}，一共还 {total}。").format(
                periods=figures.periods,
                installment=yuan(figures.installment),
                total=yuan(figures.total_repaid),
            )
        )
    else:
        lines.append(
            _("到期一次还 {total}（期限 {days} 天）。").format(
                total=yuan(figures.total_repaid), days=figures.solved.period_days
            )
        )
    if figures.assumed_term:
        lines.append(_("消息没写期限，按1个月估算；期限更长的话，真实年化会低一些。"))
    lines.append(
        _("真实年化利率（IRR，按实际到手的钱算）：<b>{rate}</b>").format(rate=pct(figures.irr_annual_pct))
    )
    if figures.stated_annual_pct is not None and abs(figures.stated_annual_pct - figures.irr_annual_pct) >= 1:
        lines.append(
            _("消息里写的年化约 {stated}，和真实成本不一样，以真实年化为准。").format(
                stated=pct(figures.stated_annual_pct)
            )
        )
    # the same plain word and the same lines as the calculator's answer
    lines.append(
        _("和24%、36%两条线比：{verdict}（{lines}）。").format(
            verdict=judgement(figures.solved.band, figures.irr_annual_pct), lines=line_citations(kb)
        )
    )
    return "\n".join(lines)


#: follow-ups to a message just checked that one line answers, before what the message comes to
_MESSAGE_FOLLOW_UPS = (
    # 「我没转 已经删了」: done right, and said so (the whole summary again would answer nothing)
    (
        re.compile(r"没(?:有)?(?:转|给|点|回|交|付|填|理)|(?:已经|早)?(?:删了|删掉了|拉黑了?)|不理(?:他|它|了)"),
        N_("做得对：没转钱、没给验证码、没点链接，就不会有损失。以后再收到这类消息，直接删除、拉黑就好。"),
    ),
    # 「那我征信会不会受影响」: the message's threat, not a question about overdue debt
    (
        re.compile(r"征信|信用|黑名单|上报"),
        N_(
            "这类消息说“影响征信”是吓唬人的：征信只记你真实借过的款和还款，不理它、不交钱，征信不会因此受"
            "影响（常识）。不放心的话，自己从人民银行征信中心的官方渠道查一次征信。"
        ),
    ),
)


#: a follow-up still deciding (「还没转 要不要转」): not yet done right, the summary answers it
_STILL_ASKING = re.compile(r"要不要|该不该|能不能|可不可以|行不行|要转吗|要交吗")


def message_follow_up(text: str) -> str | None:
    """The one line that answers a follow-up to a checked message (「我没转 已经删了」「征信会受影响吗」)."""
    if _STILL_ASKING.search(text):
        return None
    for pattern, line in _MESSAGE_FOLLOW_UPS:
        if pattern.search(text):
            return _(line)
    return None


def checked_message_reply(kb: KnowledgeBase, checked: CheckedMessage) -> Reply:
    """A question about the message just checked (「就是说我要先给600?」「他说放款后会退」「这利息高吗」):
    what it came to in a few lines, then what to do about a scam going on."""
    from flows.wants import scam_rows

    lines = []
    if checked.signs:
        book = default_signs()
        titles = "；".join(book.sign(s).title for s in checked.signs if s in {x.id for x in book.signs})
        lines.append(
            _("刚才那条消息有 {count} 个诈骗常见迹象：{titles}。").format(
                count=len(checked.signs), titles=esc(titles)
            )
        )
    else:
        lines.append(_("刚才那条消息里没查到文章提到的诈骗迹象，但这不等于它就安全。"))
    if checked.fee > 0:
        lines.append(_("放款前要你先交的 {fee}，一分钱也不要给。").format(fee=yuan(checked.fee)))
    if checked.irr is not None and checked.band is not None:
        lines.append(
            _("按消息里的数字，真实年化约 {rate}，{verdict}（{lines}）。").format(
                rate=pct(checked.irr),
                verdict=judgement(checked.band, checked.irr),  # type: ignore[arg-type]
                lines=line_citations(kb),
            )
        )
    if not (checked.signs or checked.fee > 0):
        return Reply().add("\n".join(lines))
    # what to do about a message, not about a caller: the scam-call reply (「不回电话」「安全账户」) is not it
    lines.append(
        _(
            "不点里面的链接、不回复、不转钱、不给验证码，就不会有损失，删掉即可；已经点开填了信息或转了钱的，"
            "马上改密码、联系银行，并打 110 报警或 96110 反诈专线（常识）。"
        )
    )
    return Reply().add("\n".join(lines), scam_rows(kb))

