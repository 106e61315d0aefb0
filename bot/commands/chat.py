"""``loan-advisor chat``: talk to the advisor in the terminal (or pipe one user turn per line into it)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options."""
    parser.add_argument("--no-greeting", action="store_true", help="do not show the main menu first")


def run(args: argparse.Namespace) -> int:
    """Chat until end of input; returns 0, or 1 when the knowledge base cannot be loaded."""
    import sys

    from bot.settings import Settings
    from bot.terminal import chat
    from flows.engine import build_engine
    from knowledge.base import KnowledgeBaseError
    from knowledge.unanswered import UnansweredLog

    settings = Settings()
    log = UnansweredLog(settings.data_dir / "unanswered.jsonl") if settings.keep_unanswered else None
    try:
        engine = build_engine(
            answer_threshold=settings.faq_answer_threshold,
            suggest_threshold=settings.faq_suggest_threshold,
            unanswered_log=log,
        )
    except KnowledgeBaseError as error:
        print(f"知识库读取失败 / knowledge base error: {error}", file=sys.stderr)
        return 1
    lines = None if sys.stdin.isatty() else sys.stdin
    return chat(engine, lines, sys.stdout, greet=not args.no_greeting)
