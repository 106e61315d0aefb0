"""``loan-advisor bot``: run the Telegram bot (long polling, or a webhook server when configured).

Exit status: 0 after a clean shutdown (SIGINT/SIGTERM), 2 when the configuration is incomplete (no
token, webhook without URL or secret, bad storage URL), 3 when Telegram refuses the token.
"""

from __future__ import annotations

import argparse
import logging
import sys

EXIT_CONFIG = 2
EXIT_BAD_TOKEN = 3

NO_TOKEN = """\
未设置 Telegram 机器人令牌（TELEGRAM_BOT_TOKEN）。
No Telegram bot token: TELEGRAM_BOT_TOKEN is not set.

在 Telegram 里找 @BotFather，发送 /newbot 创建机器人并复制令牌，然后：
Create a bot with @BotFather (/newbot), copy its token, then:

    export TELEGRAM_BOT_TOKEN='123456789:AA…'
    make bot
"""

BAD_TOKEN = """\
Telegram 拒绝了这个机器人令牌（TELEGRAM_BOT_TOKEN 无效或已被撤销）。
Telegram refused the bot token (TELEGRAM_BOT_TOKEN is wrong or was revoked).
请在 @BotFather 里用 /token 查看或重新生成令牌。 Check it, or get a new one, with /token in @BotFather.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options (everything else comes from the environment)."""
    parser.add_argument(
        "--mode", choices=["polling", "webhook"], help="override TELEGRAM_MODE (default: polling)"
    )


def run(args: argparse.Namespace) -> int:
    """Start the bot and block until it is stopped; returns the exit status."""
    from pydantic import ValidationError
    from telegram.error import InvalidToken

    from bot.settings import Settings

    try:
        overrides = {"telegram_mode": args.mode} if getattr(args, "mode", None) else {}
        settings = Settings(**overrides)
    except ValidationError as error:
        print(f"配置有误 / invalid configuration:\n{error}", file=sys.stderr)
        return EXIT_CONFIG
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value().strip():
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_CONFIG
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and the URL contains the token
    logging.getLogger("httpx").setLevel(logging.WARNING)

    from bot.storage import open_store
    from bot.telegram.app import build_application
    from bot.telegram.app import run as run_application
    from flows.engine import build_engine

    try:
        store = open_store(settings.resolved_storage_url(), settings.session_ttl_days * 86400)
    except ValueError as error:
        print(f"配置有误 / invalid configuration: {error}", file=sys.stderr)
        return EXIT_CONFIG
    engine = build_engine(
        answer_threshold=settings.faq_answer_threshold, suggest_threshold=settings.faq_suggest_threshold
    )
    application = build_application(settings, engine, store)
    try:
        run_application(application, settings)
    except InvalidToken:
        print(BAD_TOKEN, file=sys.stderr)
        return EXIT_BAD_TOKEN
    return 0
