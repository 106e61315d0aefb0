"""``loan-advisor kb unanswered``: questions the advisor declined or was unsure about, most frequent first."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.unanswered import UnansweredSummary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options."""
    parser.add_argument(
        "--path", type=Path, default=None, help="the log file (default: <data_dir>/unanswered.jsonl)"
    )
    parser.add_argument("--limit", type=int, default=30, help="show at most this many questions")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument(
        "--examples",
        action="store_true",
        help="draft labelled examples (the best guess as entry): check each label, then append them to"
        " knowledge/data/examples/from_use.jsonl and recalibrate",
    )


def run(args: argparse.Namespace) -> int:
    """Print the summary of the unanswered log; 0 even when it is empty."""
    from bot.settings import Settings
    from flows.i18n import _
    from knowledge.unanswered import UnansweredLog

    path = args.path or Settings().data_dir / "unanswered.jsonl"
    summary = UnansweredLog(path).summary()[: max(args.limit, 0)]
    if args.examples:
        for line in draft_examples(summary):
            print(line)
        return 0
    if args.json:
        for item in summary:
            print(json.dumps(item.__dict__, ensure_ascii=False))
        return 0
    if not summary:
        print(_("还没有记录到未能回答的问题（{path}）").format(path=path))
        return 0
    print(_("未能回答或把握不大的问题（按次数排序）："))
    for item in summary:
        guess = _("最接近：{entry}").format(entry=item.best_guess) if item.best_guess else _("无接近条目")
        print(f"{item.count:>4}  {item.question}  [{item.band}，{guess}，{item.last_seen}]")
    return 0


def draft_examples(summary: list[UnansweredSummary]) -> list[str]:
    """Lines in the ``knowledge/data/examples`` format, one per question the matcher has not learned yet.

    The entry is the matcher's best guess and the product is left empty: both are drafts for a maintainer
    to check, since the matcher was unsure of exactly these questions.
    """
    from knowledge.base import default
    from knowledge.models import LabelledQuestion
    from knowledge.understanding.normalize import clean

    learned = {clean(q.question) for q in default().examples}
    return [
        json.dumps(
            LabelledQuestion(question=item.question, entry=item.best_guess, product=None).model_dump(),
            ensure_ascii=False,
        )
        for item in summary
        if clean(item.question) not in learned
    ]
