"""``loan-advisor ask``: answer one question, or JSON lines from standard input with ``--json``.

Plain mode prints the answer as text with its citation line; ``--json`` reads one question per line and
writes one JSON object per line (see :func:`as_json`). Declined and unsure questions are kept, redacted,
in the unanswered log unless ``keep_unanswered`` is off or ``--no-log`` is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase
    from knowledge.unanswered import UnansweredLog
    from knowledge.understanding.api import FaqMatch


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options."""
    parser.add_argument("question", nargs="?", help="the question, e.g. 「微粒贷逾期罚息多少」")
    parser.add_argument("--json", action="store_true", help="read questions from stdin, write JSON lines")
    parser.add_argument(
        "--conversation",
        action="store_true",
        help="with --json: the lines are one conversation (「那微粒贷呢」 follows the previous answer)",
    )
    parser.add_argument("--no-log", action="store_true", help="do not keep declined questions")


def render(kb: KnowledgeBase, match: FaqMatch) -> str:
    """The plain-text reply for ``match``: the answer with its sources, the suggestions, or a decline."""
    from flows.i18n import _

    if match.band == "answer":
        lines = _answer_lines(kb, match)
        for sibling in match.together:
            if sibling in kb.entries:  # a sibling answered together, under its own question
                sibling_match = replace(match, entry_id=sibling, together=[])
                lines += ["", kb.entries[sibling].question, *_answer_lines(kb, sibling_match)]
        others = [kb.entries[e].question for e in match.alternatives if e in kb.entries]
        if others:  # answered without certainty: what else it may have meant
            lines.append(_("如果您问的不是这个，您可能还想问："))
            lines.extend(f"{i}. {q}" for i, q in enumerate(others, start=1))
        return "\n".join(lines)
    questions = [kb.entries[e].question for e in match.suggestions if e in kb.entries]
    numbered = "\n".join(f"{i}. {q}" for i, q in enumerate(questions, start=1))
    if match.band == "suggest":
        return _("您是不是想问：") + "\n" + numbered
    head = _(
        "抱歉，这个问题超出了我掌握的资料范围（我只了解小米贷款、微粒贷、WE2000和微信里的贷款平台），不想给您不准确的答案。"
    )
    if questions:
        return head + "\n" + _("您也许想看：") + "\n" + numbered
    return head


def _answer_lines(kb: KnowledgeBase, match: FaqMatch) -> list[str]:
    """The lines of one entry's answer: its texts, the sources, the products with an answer of their own."""
    from flows.i18n import _
    from knowledge.understanding.compose import compose

    composed = compose(kb, match)
    lines = []
    for product, text in composed.texts:
        if product is not None and len(composed.texts) > 1:
            lines.append(_("{product}：{text}").format(product=kb.product_name(product), text=text))
        else:
            lines.append(text)
    if composed.sources:
        lines.append(kb.cite(composed.sources))
    if composed.more_products:
        names = _("、").join(kb.product_name(p) for p in composed.more_products)
        lines.append(_("想看某个产品的详细回答，提问时带上产品名：{names}。").format(names=names))
    return lines


def as_json(kb: KnowledgeBase, match: FaqMatch) -> dict[str, Any]:
    """The JSON object for one question.

    ``answered`` is true only in the confident band. ``topic`` and ``product`` are the entry and product
    understood: the answer's in the confident band, the best guess (the first suggestion) in the
    「您是不是想问」 band, and null when the question is declined as out of scope. ``confidence`` is the
    probability that the best guess is right; ``in_scope`` the probability that the question is in scope.
    ``alternatives`` are the entries offered beside an answer given without certainty (the middle band);
    ``together`` the sibling entries answered in the same reply (a person would not tell them apart).
    """
    from knowledge.understanding.compose import compose

    answered = match.band == "answer"
    declined = match.band == "decline"
    composed = compose(kb, match) if answered else None
    return {
        "question": match.question,
        "answered": answered,
        "topic": None if declined else match.entry_id,
        "product": None if declined else match.product,
        "confidence": round(match.confidence, 4),
        "in_scope": round(match.in_scope, 4),
        "answer": render(kb, match),
        "sources": composed.sources if composed else [],
        "suggestions": []
        if answered
        else [kb.entries[e].question for e in match.suggestions if e in kb.entries],
        "band": match.band,
        "suggested_entries": [] if answered else list(match.suggestions),
        "alternatives": list(match.alternatives),
        "together": list(match.together),
    }


def _log(log: UnansweredLog | None, match: FaqMatch) -> None:
    if log is None or match.band == "answer" or not match.question.strip():
        return
    best = match.entry_id or (match.suggestions[0] if match.suggestions else None)
    log.record(match.question, band=match.band, confidence=match.confidence, best_guess=best)


def run(args: argparse.Namespace) -> int:
    """Answer the question(s); returns 0, or 1 when the knowledge base cannot be loaded."""
    from bot.settings import Settings
    from flows.i18n import _
    from knowledge.base import KnowledgeBaseError, default
    from knowledge.unanswered import UnansweredLog
    from knowledge.understanding import load_matcher

    settings = Settings()
    try:
        kb = default()
        # (the labelled examples are read here, and may be malformed, when the index must be built first)
        matcher = load_matcher(
            kb,
            answer_threshold=settings.faq_answer_threshold,
            suggest_threshold=settings.faq_suggest_threshold,
        )
    except KnowledgeBaseError as exc:
        print(_("知识库加载失败：{error}").format(error=exc), file=sys.stderr)
        return 1
    log = (
        None
        if args.no_log or not settings.keep_unanswered
        else UnansweredLog(settings.data_dir / "unanswered.jsonl")
    )
    if not args.json:
        question = (args.question or "").strip()
        if not question:
            print(_('请输入您的问题，例如：loan-advisor ask "微粒贷逾期罚息多少"'))
            return 0
        match = matcher.ask(question)
        _log(log, match)
        print(render(kb, match))
        return 0
    previous_entry: str | None = None
    previous_product: str | None = None
    for line in sys.stdin:
        question = line.strip()
        if not question:
            continue
        match = matcher.ask(question, previous_entry=previous_entry, previous_product=previous_product)
        _log(log, match)
        if args.conversation and match.band == "answer":
            previous_entry, previous_product = match.entry_id, match.product
        print(json.dumps(as_json(kb, match), ensure_ascii=False), flush=True)
    return 0
