"""``loan-advisor check``: the eligibility self-check for a profile given as JSON on standard input.

The profile keys are those of :class:`knowledge.eligibility.EligibilityProfile` (each optional; missing =
unknown), e.g. ``{"age": 25, "student": false, "credit": "clean", "wechat_wallet_entry": true}``. With
``--json`` the verdicts are printed as ``{"results": [{"product", "verdict", "uncertainty", "reasons":
[{"text", "sources", "outcome"}], "tips", "notes"}]}``, where ``uncertainty`` lists what makes an
uncertain verdict uncertain (``conflict``: the articles disagree, ``unpublished``: no threshold given,
``ours``: our reading, ``soft_fail``, ``unknown``: not answered, ``unchecked``: a requirement the check
cannot ask); without it, as a readable Chinese summary. The rules are :func:`knowledge.eligibility.evaluate`,
the same the dialogue uses. Bad JSON, unknown keys or out-of-range values: a message on standard error
and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase
    from knowledge.eligibility import ProductVerdict

EXIT_BAD_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options."""
    parser.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    parser.add_argument(
        "--products",
        default="",
        help="comma-separated product ids to check (default: every product of the self-check)",
    )


def as_json(verdicts: list[ProductVerdict]) -> dict[str, Any]:
    """The JSON document for ``verdicts``; reason texts framed as the dialogue frames them."""
    from flows.eligibility import reason_text

    return {
        "results": [
            {
                "product": v.product,
                "verdict": v.verdict,
                "uncertainty": list(v.uncertainty),
                "reasons": [
                    {"text": reason_text(r), "sources": list(r.sources), "outcome": r.outcome}
                    for r in v.reasons
                ],
                "tips": list(v.tips),
                "notes": [{"text": n.text, "sources": list(n.sources)} for n in v.notes],
            }
            for v in verdicts
        ]
    }


def as_text(kb: KnowledgeBase, verdicts: list[ProductVerdict]) -> str:
    """A readable summary: the dialogue's own result messages, as plain text."""
    from flows.eligibility import result_reply
    from flows.reply import plain_text

    return "\n\n".join(plain_text(m.text) for m in result_reply(kb, verdicts).messages)


def _describe(error: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        lines = []
        for err in error.errors():
            where = ".".join(str(p) for p in err["loc"]) or "profile"
            lines.append(f"  {where}: {err['msg']}")
        return "\n".join(lines)
    return f"  {error}"


def run(args: argparse.Namespace) -> int:
    """Evaluate the profile on standard input; 0 on success, 2 on bad input, 1 if the KB cannot load."""
    from pydantic import ValidationError

    from knowledge.base import KnowledgeBaseError, default
    from knowledge.eligibility import EligibilityProfile, checkable_products, evaluate

    raw = sys.stdin.read()
    try:
        data = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as error:
        print(f"输入不是有效的 JSON / not valid JSON: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not isinstance(data, dict):
        print('输入应是一个 JSON 对象，如 {"age": 25} / expected a JSON object', file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        profile = EligibilityProfile.model_validate(data)
    except ValidationError as error:
        print("资料有误 / invalid profile:\n" + _describe(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        kb = default()
    except KnowledgeBaseError as error:
        print(f"知识库读取失败 / knowledge base error: {error}", file=sys.stderr)
        return 1
    products = [p.strip() for p in args.products.split(",") if p.strip()] or checkable_products(kb)
    unknown = [p for p in products if p not in checkable_products(kb)]
    if unknown:
        known = ", ".join(checkable_products(kb))
        print(f"未知产品 / unknown product: {', '.join(unknown)} (choose from: {known})", file=sys.stderr)
        return EXIT_BAD_INPUT
    verdicts = evaluate(kb, profile, products)
    if args.json:
        print(json.dumps(as_json(verdicts), ensure_ascii=False, indent=2))
    else:
        print(as_text(kb, verdicts))
    return 0
