"""The one wiring factory for the Telegram bot, and how to run it (long polling or webhook).

In webhook mode the bot runs its own small server (:mod:`bot.telegram.webhook`) instead of PTB's, so that
Telegram's request is answered only once its update has been handled.

:func:`build_application` joins the settings, the engine and the session store into a PTB
``Application``: Bot API base URL from the settings (for a self-hosted telegram-bot-api server or the
test stand-in), PTB's ``AIORateLimiter`` for Telegram's flood limits and ``RetryAfter``, updates of one
chat handled in order while different chats proceed side by side, the command menu registered at start.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor

from bot.logging_setup import hide_secrets
from bot.metrics import Metrics
from bot.ocr import ImageReading, OcrLimits, RapidOcrReader
from bot.settings import Settings
from bot.storage import SessionStore
from bot.storage.sqlite import KeyedLocks
from bot.telegram.adapter import Engine, TelegramAdapter
from bot.telegram.counting import CountingRateLimiter
from bot.telegram.delivery import ConfirmingRequest, PendingUpdates, current_update_id
from bot.telegram.flood import FloodGate
from bot.telegram.webhook import WebhookServer, set_webhook
from flows.i18n import N_, _, using_locale

log = logging.getLogger(__name__)

#: the command menu (``setMyCommands``): name -> description, in Simplified Chinese
COMMANDS: dict[str, str] = {
    "start": N_("打开主菜单"),
    "check": N_("贷款资格自查"),
    "faq": N_("常见问题"),
    "calc": N_("计算利息和月供"),
    "compare": N_("比较几家产品"),
    "help": N_("使用说明"),
    "cancel": N_("取消当前操作"),
    "lang": N_("切换语言（Language）"),
    "privacy": N_("隐私说明：我保存了什么"),
    "forget": N_("删除我保存的关于您的全部数据"),
}

#: update kinds the bot handles; anything else is not even fetched
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


class PerChatOrder(BaseUpdateProcessor):
    """Process updates concurrently, except that updates of one chat wait for each other, in order.

    Updates arrive in order; each one queues on its chat's first-come-first-served lock before it is
    handled, so a slow answer in one chat never holds up the others and never overtakes its own chat.
    Each update is reported to ``pending`` once handled, which lets polling confirm it to Telegram, and
    counted in ``metrics`` (received, handled, and the time in between).
    """

    def __init__(
        self,
        max_concurrent_updates: int = 32,
        pending: PendingUpdates | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._chats = KeyedLocks()
        self.pending = pending if pending is not None else PendingUpdates()
        self.metrics = metrics if metrics is not None else Metrics()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle ``update`` once the updates of its chat that came before it are done."""
        update_id = update.update_id if isinstance(update, Update) else None
        current_update_id.set(update_id)  # this task handles this one update
        started = time.perf_counter()
        self.metrics.update_received(update)
        try:
            chat = update.effective_chat if isinstance(update, Update) else None
            if chat is None:
                await coroutine
                return
            async with self._chats.hold(str(chat.id)):
                await coroutine
        finally:
            self.metrics.update_handled(update, time.perf_counter() - started)
            if update_id is not None:
                self.pending.handled(update_id)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def image_reading(settings: Settings) -> ImageReading | None:
    """The screenshot reader the settings ask for (issue 21), or ``None`` with OCR switched off."""
    if not settings.ocr_enabled:
        return None
    limits = OcrLimits(
        max_bytes=int(settings.ocr_max_image_mb * 1024 * 1024),
        max_pixels=settings.ocr_max_pixels,
        timeout_seconds=settings.ocr_timeout_seconds,
    )
    return ImageReading(RapidOcrReader(), limits)


def build_application(
    settings: Settings, engine: Engine, store: SessionStore, metrics: Metrics | None = None
) -> Application:
    """Wire the Telegram bot.

    Args:
        settings: the process configuration; ``telegram_bot_token`` must be set.
        engine: the dialogue engine, built once.
        store: the session store; the application closes it at shutdown.
        metrics: where the bot counts what it does (:mod:`bot.metrics`); default: nowhere.

    Raises:
        ValueError: when no token is configured.
    """
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    # before the Bot exists: PTB logs its API URL, token inside, as soon as it is made
    hide_secrets(settings.telegram_bot_token.get_secret_value())
    metrics = metrics if metrics is not None else Metrics()
    flood = FloodGate(settings.flood_rate_per_minute, settings.flood_burst)
    adapter = TelegramAdapter(engine, store, flood=flood, images=image_reading(settings), metrics=metrics)
    timeout = settings.telegram_request_timeout
    base_url = settings.telegram_api_base_url
    # polled updates are confirmed to Telegram only once handled (see bot/telegram/delivery.py)
    pending = PendingUpdates()
    if settings.telegram_mode == "polling":  # the inbox: fetched from Telegram, not yet handled
        metrics.watch_inbox(lambda: pending.in_hand)

    async def post_init(application: Application) -> None:
        with using_locale("zh_CN"):
            commands = [BotCommand(name, _(description)) for name, description in COMMANDS.items()]
        await application.bot.set_my_commands(commands)
        log.info("bot @%s is up", application.bot.username)

    async def post_shutdown(application: Application) -> None:
        await adapter.close()

    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(base_url)
        .base_file_url(base_url.removesuffix("/bot") + "/file/bot")
        .rate_limiter(
            CountingRateLimiter(metrics, max_retries=3, overall_max_rate=settings.telegram_overall_rate)
        )
        .concurrent_updates(PerChatOrder(pending=pending, metrics=metrics))
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .write_timeout(timeout)
        .pool_timeout(timeout)
        .get_updates_request(
            ConfirmingRequest(
                pending,
                connect_timeout=timeout,
                read_timeout=settings.telegram_poll_timeout + timeout,
                write_timeout=timeout,
                pool_timeout=timeout,
            )
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    adapter.register(application)
    application.bot_data["adapter"] = adapter
    return application


def run(application: Application, settings: Settings) -> None:
    """Run until SIGINT or SIGTERM, then shut down cleanly (finishing the updates in hand)."""
    if settings.telegram_mode == "webhook":
        asyncio.run(_serve_webhook(application, settings))
    else:
        application.run_polling(
            timeout=settings.telegram_poll_timeout, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=3
        )


async def _serve_webhook(application: Application, settings: Settings) -> None:
    """Serve the webhook until SIGINT or SIGTERM (PTB's ``run_webhook`` would confirm updates unhandled)."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    server = await start_webhook(application, settings)
    try:
        await stopping.wait()
        log.info("stopping: finishing the updates in hand")
    finally:
        await stop(application, server)


async def start_webhook(application: Application, settings: Settings) -> WebhookServer:
    """Start the webhook server and register it with ``setWebhook`` (for embedding and tests too).

    The server listens on the ``webhook_listen`` address and ``webhook_port`` at ``webhook_path``
    (``LOAN_ADVISOR_WEBHOOK_…``); Telegram is told the public ``webhook_url``, the secret token and the
    update kinds the bot handles.
    """
    if settings.webhook_secret is None or settings.webhook_url is None:
        raise ValueError(
            "LOAN_ADVISOR_TELEGRAM_MODE=webhook needs LOAN_ADVISOR_WEBHOOK_URL"
            " and LOAN_ADVISOR_WEBHOOK_SECRET"
        )
    secret = settings.webhook_secret.get_secret_value()
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    server = WebhookServer(
        application, settings.webhook_path, secret, max_body=settings.webhook_max_update_kib * 1024
    )
    try:
        server.listen(settings.webhook_listen, settings.webhook_port)
        await set_webhook(application.bot, settings.webhook_url, secret, ALLOWED_UPDATES, retries=3)
    except BaseException:
        await stop(application, server)
        raise
    return server


async def start_polling(application: Application, settings: Settings) -> None:
    """Start polling inside a running event loop (what ``run_polling`` does, for embedding and tests)."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        timeout=settings.telegram_poll_timeout, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=3
    )
    await application.start()


async def stop(application: Application, webhook: WebhookServer | None = None) -> None:
    """Stop an application started by :func:`start_polling` or :func:`start_webhook`: finish the updates
    in hand (answering their webhook requests), then close."""
    if webhook is not None:
        await webhook.close()
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
