"""``loan-advisor wants FILE``: how the dialogue recognises what people want besides FAQ questions.

FILE is JSON lines of labelled messages (``{"question", "entry", "product"}``). Messages labelled with a
want (``act.greet``, ``act.check`` …) are scored on whether the dialogue serves them as that want (in a
fresh chat, through the same routes as a real turn); messages labelled with an FAQ entry are scored on
how many the wants would take away from the FAQ; messages labelled ``null`` (out of scope) are counted by
what took them. ``--misses`` lists what went wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

#: routes that served a message outside the FAQ before wants existed: a comparison or a calculation is
#: not "taken away" by the wants, and is counted apart
_EARLIER = {"act.compare", "act.calc"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options."""
    parser.add_argument("file", type=Path, help="JSON lines: question, entry (id or null), product")
    parser.add_argument("--misses", action="store_true", help="list wants missed and FAQ questions taken")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")


def run(args: argparse.Namespace) -> int:
    """Score the file; 0 on success, 2 when it cannot be read."""
    from flows.engine import build_engine
    from knowledge.base import KnowledgeBaseError, read_labelled

    try:
        items = read_labelled(args.file)
    except KnowledgeBaseError as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    engine = build_engine()
    kb = engine.kb

    def faq_served(want: str | None, entry: str) -> bool:
        """Served as the FAQ would serve it: not a want, a want answered by that very entry, or one that
        overlaps the entry (「你是机器人吗」: act.identity and advice.disclaimer are both right)."""
        if want is None:
            return True
        return want in kb.entries and kb.entries[want].serves(entry)

    wants = [i for i in items if i.entry is not None and i.entry.startswith("act.")]
    faq = [i for i in items if i.entry is not None and not i.entry.startswith("act.")]
    out_of_scope = [i for i in items if i.entry is None]
    served = {i.question: engine.want_served(i.question) for i in items}
    missed = [i for i in wants if served[i.question] != i.entry]
    earlier = [i for i in faq if served[i.question] in _EARLIER]
    taken = [
        i
        for i in faq
        if served[i.question] not in _EARLIER and not faq_served(served[i.question], i.entry or "")
    ]
    per_want = Counter(i.entry for i in wants)
    per_missed = Counter(i.entry for i in missed)
    oos_taken = sum(served[i.question] is not None for i in out_of_scope)
    figures: dict[str, Any] = {
        "file": str(args.file),
        "wants": len(wants),
        "wants_recognised": 1 - len(missed) / len(wants) if wants else None,
        "faq_questions": len(faq),
        "faq_taken_by_wants": len(taken) / len(faq) if faq else None,
        "faq_to_comparison_or_calculator": len(earlier) / len(faq) if faq else None,
        "out_of_scope": len(out_of_scope),
        "out_of_scope_served_as_wants": oos_taken / len(out_of_scope) if out_of_scope else None,
        "per_want": {
            w: {"count": n, "recognised": 1 - per_missed[w] / n} for w, n in sorted(per_want.items())
        },
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(args.file)
        if wants:
            print(f"  wants recognised: {figures['wants_recognised']:.1%} of {len(wants)}")
            for want, row in figures["per_want"].items():
                print(f"    {want:<18} {row['recognised']:>7.1%} of {row['count']}")
        if faq:
            print(f"  FAQ questions taken away by wants: {figures['faq_taken_by_wants']:.1%} of {len(faq)}")
            print(
                "  FAQ questions served by the comparison or the calculator (as before wants): "
                f"{figures['faq_to_comparison_or_calculator']:.1%}"
            )
        if out_of_scope:
            share = figures["out_of_scope_served_as_wants"]
            print(f"  out-of-scope questions served as wants: {share:.1%} of {len(out_of_scope)}")
    if args.misses:
        for item in missed:
            print(f"MISSED {item.question!r}: expected {item.entry}, served as {served[item.question]}")
        for item in taken:
            print(f"TAKEN {item.question!r} ({item.entry}): served as {served[item.question]}")
    return 0
