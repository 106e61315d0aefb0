"""``loan-advisor run``: the Telegram bot when a token is configured, otherwise the terminal chat."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options (those of ``bot`` and ``chat`` keep their defaults)."""
    parser.add_argument(
        "--no-greeting", action="store_true", help="terminal chat: do not show the menu first"
    )


def run(args: argparse.Namespace) -> int:
    """Start the advisor; returns the exit status of whichever front end ran."""
    import sys

    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        token = Settings().telegram_bot_token
    except ValidationError as error:
        print(f"配置有误 / invalid configuration:\n{error}", file=sys.stderr)
        return 2
    if token is not None and token.get_secret_value().strip():
        from bot.commands import bot

        status: int = bot.run(args)
        return status
    print("未设置 TELEGRAM_BOT_TOKEN，启动终端聊天。/ No Telegram token: terminal chat.", file=sys.stderr)
    from bot.commands import chat

    return chat.run(args)
