"""``loan-advisor bot``: run the Telegram bot (long polling, or a webhook server when configured).

Exit status: 0 after a clean shutdown (SIGINT/SIGTERM), 2 when the configuration is incomplete (no
token, webhook without URL or secret, bad storage URL), 3 when Telegram refuses the token, 4 when the
Bot API server cannot be reached. The token is checked with ``getMe`` before anything else starts, so a
wrong one gets a clear message rather than a traceback (PTB's own message would print the token).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

EXIT_CONFIG = 2
EXIT_BAD_TOKEN = 3
EXIT_UNREACHABLE = 4

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


UNREACHABLE = """\
无法连接 Telegram Bot API 服务器：{url}
Cannot reach the Telegram Bot API server at {url} ({error}).
请检查网络，或 LOAN_ADVISOR_TELEGRAM_API_BASE_URL 是否正确。
Check the network, or LOAN_ADVISOR_TELEGRAM_API_BASE_URL.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options (everything else comes from the environment)."""
    parser.add_argument(
        "--mode",
        choices=["polling", "webhook"],
        help="override LOAN_ADVISOR_TELEGRAM_MODE (default: polling)",
    )


def run(args: argparse.Namespace) -> int:
    """Start the bot and block until it is stopped; returns the exit status."""
    import asyncio

    from pydantic import ValidationError
    from telegram.error import InvalidToken, NetworkError

    from bot.settings import Settings

    try:
        overrides = {"telegram_mode": args.mode} if getattr(args, "mode", None) else {}
        settings = Settings(**overrides)
    except ValidationError as error:
        # field names and reasons only: pydantic's full text repeats the input, token included
        reasons = "\n".join(
            f"  {'.'.join(str(part) for part in item['loc']) or 'settings'}: {item['msg']}"
            for item in error.errors(include_input=False)
        )
        print(f"配置有误 / invalid configuration:\n{reasons}", file=sys.stderr)
        return EXIT_CONFIG
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value().strip():
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_CONFIG
    from bot.logging_setup import configure_logging

    # redacts ID, phone and card numbers and people's names in every line, and the token at any level;
    # keeps httpx (whose URLs hold the token) quiet
    configure_logging(settings.log_level, secrets=[settings.telegram_bot_token.get_secret_value()])

    try:
        asyncio.run(_check_token(settings))
    except InvalidToken:
        print(BAD_TOKEN, file=sys.stderr)
        return EXIT_BAD_TOKEN
    except NetworkError as error:
        print(UNREACHABLE.format(url=settings.telegram_api_base_url, error=error.message), file=sys.stderr)
        return EXIT_UNREACHABLE

    from bot import __version__
    from bot.metrics import open_metrics
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
        answer_threshold=settings.faq_answer_threshold,
        suggest_threshold=settings.faq_suggest_threshold,
        session_ttl_days=settings.session_ttl_days,
    )
    try:
        metrics = open_metrics(settings, __version__)
    except OSError as error:  # the port is taken, or the address is not this machine's
        where = f"{settings.metrics_listen}:{settings.metrics_port}"
        print(f"配置有误 / invalid configuration: metrics cannot listen on {where}: {error}", file=sys.stderr)
        return EXIT_CONFIG
    engine.observer = metrics.flow_step  # FAQ bands, self-checks and calculator uses, counted
    application = build_application(settings, engine, store, metrics)
    try:
        run_application(application, settings)
    except InvalidToken:
        print(BAD_TOKEN, file=sys.stderr)
        return EXIT_BAD_TOKEN
    finally:
        metrics.close()
    return 0


async def _check_token(settings: Settings) -> None:
    """Ask the Bot API who we are (``getMe``); raises ``InvalidToken`` or ``NetworkError``."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    assert settings.telegram_bot_token is not None
    timeout = settings.telegram_request_timeout
    bot = Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_base_url,
        request=HTTPXRequest(connect_timeout=timeout, read_timeout=timeout),
    )
    await bot.initialize()
    await bot.shutdown()
