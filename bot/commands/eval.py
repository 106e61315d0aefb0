"""``loan-advisor eval FILE``: score the matcher (and, side by side, the BM25 baseline) on a labelled file.

Prints top-1 accuracy (entry and product), what the person sees for an in-scope question (answered
directly and right, answered right with alternatives, 「您是不是想问」, declined, answered wrong: these add up
to 100%), out-of-scope rejection, wrong answers and latency percentiles; ``--misses`` lists what went
wrong. A second matcher column leaves out the questions that coincide word for word (after
normalisation) with a training paraphrase, and their count is printed, so that the reader sees the score
on questions the matcher has never seen.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

_ROWS = [
    ("questions", "questions (in scope / out of scope)"),
    ("top1", "top-1 accuracy, entry+product (in scope)"),
    ("entry_only", "top-1 accuracy, entry only (in scope)"),
    ("direct_right", "answered directly and right (in scope)"),
    ("hedged_right", "answered right, alternatives offered (in scope)"),
    ("in_scope_suggested", "suggested: 您是不是想问 (in scope)"),
    ("in_scope_declined", "declined (in scope)"),
    ("wrong_in_scope", "answered wrong (in scope)"),
    ("oos_declined", "out-of-scope declined"),
    ("oos_not_answered", "out-of-scope not answered (declined or 您是不是想问)"),
    ("wrong_answers", "answered wrong, either way (share of all)"),
    ("p50_ms", "latency p50 ms"),
    ("p95_ms", "latency p95 ms"),
    ("p99_ms", "latency p99 ms"),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options."""
    parser.add_argument(
        "file", type=Path, help='JSON lines: {"question", "entry": id|null, "product": id|null}'
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the jieba+BM25 baseline column")
    parser.add_argument("--misses", action="store_true", help="list the matcher's misses")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument(
        "--strict-product",
        action="store_true",
        help="count a best guess right only with the labelled product, even when it shows the same answer",
    )


def _cell(key: str, figures: dict[str, float]) -> str:
    if key == "questions":
        return f"{int(figures['questions'])} ({int(figures['in_scope'])}/{int(figures['out_of_scope'])})"
    if key.endswith("_ms"):
        return f"{figures[key]:.2f}"
    return f"{figures[key] * 100:.1f}%"


def run(args: argparse.Namespace) -> int:
    """Score the file; 0 on success, 2 when the file cannot be read."""
    import time

    from bot.settings import Settings
    from knowledge.base import KnowledgeBaseError, default, read_labelled
    from knowledge.understanding import load_matcher
    from knowledge.understanding.baseline import Bm25Baseline
    from knowledge.understanding.calibration import load_calibration
    from knowledge.understanding.evaluation import coinciding, evaluate_baseline, evaluate_matcher

    try:
        items = read_labelled(args.file)
    except KnowledgeBaseError as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    settings = Settings()
    start = time.perf_counter()
    kb = default()
    matcher = load_matcher(
        kb, answer_threshold=settings.faq_answer_threshold, suggest_threshold=settings.faq_suggest_threshold
    )
    startup_ms = (time.perf_counter() - start) * 1000
    matched = evaluate_matcher(matcher, items, same_answer=not args.strict_product)
    seen = coinciding(items, kb)
    reports = [matched, matched.without(seen, "matcher unseen")]
    if not args.no_baseline:
        reports.append(evaluate_baseline(Bm25Baseline(kb, load_calibration().baseline_threshold), items))
    figures = {r.name: r.figures() for r in reports}
    if args.json:
        print(
            json.dumps(
                {
                    "file": str(args.file),
                    "startup_ms": round(startup_ms, 1),
                    "coinciding_with_paraphrases": len(seen),
                    **figures,
                },
                ensure_ascii=False,
            )
        )
    else:
        names = [r.name for r in reports]
        print(
            f"{args.file}  (thresholds: answer ≥ {matcher.answer_threshold}, "
            f"with alternatives ≥ {matcher.hedge_threshold}, "
            f"suggest ≥ {matcher.suggest_threshold}; start-up {startup_ms:.0f} ms)"
        )
        print(f"{'':52}" + "".join(f"{n:>16}" for n in names))
        for key, label in _ROWS:
            print(f"{label:52}" + "".join(f"{_cell(key, figures[n]):>16}" for n in names))
        print(
            f"{len(seen)} of {len(items)} questions coincide word for word (after normalisation) with a"
            " paraphrase or labelled example the matcher learns from; 'matcher unseen' leaves them out."
        )
    if args.misses:
        for o in reports[0].misses():
            expected = f"{o.item.entry}/{o.item.product}" if o.item.entry else "decline"
            print(
                f"MISS {o.item.question!r}: expected {expected}, got {o.entry}/{o.product} "
                f"[{'answer+alternatives' if o.hedged else o.band} {o.confidence:.2f}]"
            )
    return 0
