"""The one wiring factory for the Telegram bot, and how to run it (long polling or webhook).

Received updates go to the durable inbox (:mod:`bot.inbox`) before Telegram is told they arrived: long
polling (:mod:`bot.telegram.polling`) asks for the next batch only once the last is kept, and the webhook
(:mod:`bot.telegram.webhook`, the bot's own small server instead of PTB's) answers Telegram's POST once
the update is kept. The updates are handled from the inbox, one chat's in order, every chat independent
of the others (:mod:`bot.inbox.dispatch`).

:func:`build_application` joins the settings, the engine, the session store and the inbox into a PTB
``Application``: Bot API base URL from the settings (for a self-hosted telegram-bot-api server or the
test stand-in), PTB's ``AIORateLimiter`` for Telegram's flood limits and ``RetryAfter``, the command
menu registered at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time

from telegram import BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder, ExtBot
from telegram.request import HTTPXRequest

from bot.inbox import Entry, Inbox, inbox_beside
from bot.inbox.dispatch import Dispatcher
from bot.logging_setup import hide_secrets
from bot.metrics import Metrics
from bot.ocr import ImageReading, OcrLimits, RapidOcrReader
from bot.settings import Settings
from bot.storage import SessionStore
from bot.telegram.adapter import Engine, TelegramAdapter
from bot.telegram.counting import CountingRateLimiter
from bot.telegram.delivery import current_received_at, current_update_id
from bot.telegram.flood import FloodGate
from bot.telegram.polling import fetch_updates
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

#: seconds the turns in progress may take to finish at shutdown; the rest go back to the inbox. With the
#: webhook's own grace and closing, a stop stays well within Docker's default 10 s grace
TURN_GRACE = 4.0

#: update kinds the bot handles; anything else is not even fetched
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


class Intake:
    """The inbox of one application and what runs on it: long polling into it, the per-chat dispatcher.

    Args:
        application: whose handlers take each update.
        inbox: where received updates wait (:mod:`bot.inbox`).
        metrics: where updates are counted (received, handled, the time in between, the inbox depth).
    """

    def __init__(self, application: Application, inbox: Inbox, metrics: Metrics) -> None:
        self.application = application
        self.inbox = inbox
        self.metrics = metrics
        self.dispatcher = Dispatcher(inbox, self.handle)
        self.polling: asyncio.Task[None] | None = None
        metrics.watch_inbox(lambda: self.dispatcher.in_hand)

    async def handle(self, entry: Entry) -> None:
        """Handle one update from the inbox through the application's handlers."""
        bot = self.application.bot
        update = Update.de_json(json.loads(entry.data), bot)
        if isinstance(bot, ExtBot):  # as PTB does on receiving, for arbitrary callback data
            bot.insert_callback_data(update)
        # at DEBUG, the update as PTB's fetcher would log it (names and numbers redacted by the filter)
        log.debug("handling update %s from the inbox", update)
        current_update_id.set(entry.update_id)  # this task handles this one update
        current_received_at.set(entry.received_at)  # the flood limit counts it as of then
        started = time.perf_counter()
        self.metrics.update_received(update)
        try:
            await self.application.process_update(update)
        finally:
            self.metrics.update_handled(update, time.perf_counter() - started)

    def start(self) -> None:
        """Start handling the inbox."""
        self.dispatcher.start()

    def start_polling(self, settings: Settings) -> None:
        """Start fetching updates from Telegram into the inbox."""
        self.polling = asyncio.create_task(
            fetch_updates(
                self.application.bot,
                self.inbox,
                timeout=settings.telegram_poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
                failed=lambda error: self.metrics.bot_api_error("getUpdates", error),
            )
        )

    async def stop(self, grace: float = TURN_GRACE) -> None:
        """Stop fetching, hand what is unfinished back to the inbox (after ``grace`` s), close it."""
        if self.polling is not None:
            self.polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.polling
        await self.dispatcher.stop(grace)
        await self.inbox.close()


def intake_of(application: Application) -> Intake:
    """The :class:`Intake` that :func:`build_application` gave ``application``."""
    intake = application.bot_data["intake"]
    assert isinstance(intake, Intake)
    return intake


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
    settings: Settings,
    engine: Engine,
    store: SessionStore,
    metrics: Metrics | None = None,
    inbox: Inbox | None = None,
) -> Application:
    """Wire the Telegram bot.

    Args:
        settings: the process configuration; ``telegram_bot_token`` must be set.
        engine: the dialogue engine, built once.
        store: the session store; the application closes it at shutdown.
        metrics: where the bot counts what it does (:mod:`bot.metrics`); default: nowhere.
        inbox: where received updates wait to be handled; default: the one beside ``store``
            (:func:`bot.inbox.inbox_beside`).

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
    inbox = inbox if inbox is not None else inbox_beside(store)

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
        .updater(None)  # updates are fetched into the inbox (bot/telegram/polling.py), handled from it
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .write_timeout(timeout)
        .pool_timeout(timeout)
        .get_updates_request(
            HTTPXRequest(
                connection_pool_size=1,
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
    application.bot_data["intake"] = Intake(application, inbox, metrics)
    return application


def run(application: Application, settings: Settings) -> None:
    """Run until SIGINT or SIGTERM, then shut down within Docker's 10 s grace (unfinished updates go
    back to the inbox)."""
    asyncio.run(_serve(application, settings))


async def _serve(application: Application, settings: Settings) -> None:
    """Poll or serve the webhook until SIGINT or SIGTERM."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    server = None
    if settings.telegram_mode == "webhook":
        server = await start_webhook(application, settings)
    else:
        await start_polling(application, settings)
    polling = intake_of(application).polling
    try:
        waiting = asyncio.create_task(stopping.wait())
        watched = [waiting] if polling is None else [waiting, polling]
        await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if polling is not None and polling.done() and not polling.cancelled():
            polling.result()  # InvalidToken: the token was revoked while running
        log.info("stopping: unfinished updates go back to the inbox")
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
    intake_of(application).start()
    server = WebhookServer(
        application,
        settings.webhook_path,
        secret,
        intake_of(application).inbox,
        max_body=settings.webhook_max_update_kib * 1024,
    )
    try:
        server.listen(settings.webhook_listen, settings.webhook_port)
        await set_webhook(application.bot, settings.webhook_url, secret, ALLOWED_UPDATES, retries=3)
    except BaseException:
        await stop(application, server)
        raise
    return server


async def start_polling(application: Application, settings: Settings) -> None:
    """Start polling inside a running event loop (for embedding and tests too): a webhook left set is
    deleted, then updates are fetched into the inbox and handled from it."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    for attempt in range(4):
        try:
            await application.bot.delete_webhook()
            break
        except TelegramError as error:
            if isinstance(error, InvalidToken) or attempt == 3:
                raise
            log.warning("deleteWebhook failed (%s); trying again", error)
            await asyncio.sleep(1.0)
    intake = intake_of(application)
    intake.start()
    intake.start_polling(settings)


async def stop(application: Application, webhook: WebhookServer | None = None) -> None:
    """Stop an application started by :func:`start_polling` or :func:`start_webhook`: stop receiving,
    give the turns in progress a short grace, hand the rest back to the inbox, then close."""
    if webhook is not None:
        await webhook.close()
    await intake_of(application).stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
