"""``loan-advisor chat``: talk to the advisor in the terminal (or pipe one user turn per line into it)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options."""
    parser.add_argument("--no-greeting", action="store_true", help="do not show the main menu first")
    parser.add_argument(
        "--no-history",
        action="store_true",
        help="keep typed lines for the arrow keys only until the chat ends (LOAN_ADVISOR_CHAT_HISTORY=false)",
    )


def run(args: argparse.Namespace) -> int:
    """Chat until end of input; returns 0, or 1 when the knowledge base cannot be loaded."""
    import sys

    from bot.settings import Settings
    from bot.terminal import chat, wants_style
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
    if not sys.stdin.isatty():  # a script or a pipe: one turn a line, plain replies
        return chat(engine, sys.stdin, sys.stdout, greet=not args.no_greeting)
    editor = None
    if sys.stdout.isatty():
        from bot.line_editor import HISTORY_FILE, LineEditor

        keep = settings.chat_history and not getattr(args, "no_history", False)
        editor = LineEditor(settings.data_dir / HISTORY_FILE if keep else None)
    styled = wants_style(sys.stdout)
    return chat(engine, None, sys.stdout, greet=not args.no_greeting, styled=styled, editor=editor)
