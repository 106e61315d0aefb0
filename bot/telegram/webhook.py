"""The webhook endpoint: Telegram's POST is answered only once its update is kept in the durable inbox.

PTB's own webhook server answers 200 as soon as the update is queued in memory, so a process killed then
loses it: Telegram has been told it arrived. Here the answer waits until the update is in the inbox
(:mod:`bot.inbox`), from which it is handled like a polled one, per chat in order. A process killed
before that leaves the POST unanswered, and Telegram sends the update again (to this process once
restarted, or to another one behind the balancer); one killed after it leaves the update in the inbox.
Answering does not wait for the turn, so Telegram's connection is never held by a slow chat.

Before a byte of the body is read, the request must carry the secret token (else 403) and announce a
body no longer than :data:`MAX_UPDATE_BYTES` (else 413); a body sent without a length (chunked) is cut
off with a 413 as soon as it passes the limit. Tornado's own defaults would read up to 100 MB of anyone's
body before the handler saw the request. The largest Telegram update (a 4,096-character message with
its entities, a replied-to message inside it) is a few tens of kilobytes.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Sequence
from http import HTTPStatus

import tornado.httpserver
import tornado.web
from telegram import Bot, Update
from telegram.error import BadRequest, InvalidToken, TelegramError
from telegram.ext import Application

from bot.inbox import Inbox, entry_of

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

#: how much of a body is read at a time
_CHUNK = 16 * 1024

#: the largest request body taken by default: well above any Telegram update, far below tornado's 100 MB
MAX_UPDATE_BYTES = 256 * 1024

#: longest a shutdown waits for the requests in hand (each only writes to the inbox); one still
#: unfinished after it is left unanswered, so Telegram delivers it again
SHUTDOWN_GRACE = 2.0


class WebhookServer:
    """A small tornado server with one route, ``POST /<path>``, that keeps each update before answering.

    Args:
        application: the initialised PTB application (its bot reads the updates).
        path: the URL path Telegram posts to (``webhook_path``), with or without the leading slash.
        secret: the ``secret_token`` given to ``setWebhook``; requests without it are refused with 403.
        inbox: where each update is kept until it is handled.
        max_body: the largest request body read, in bytes; a larger one is refused with 413.
    """

    def __init__(
        self, application: Application, path: str, secret: str, inbox: Inbox, max_body: int = MAX_UPDATE_BYTES
    ) -> None:
        if not secret:
            raise ValueError("the webhook needs a secret token")
        self.application = application
        self.inbox = inbox
        self.secret = secret.encode()
        self.max_body = max_body
        self.accepting = True
        self._in_hand = 0
        self._idle = asyncio.Event()
        self._idle.set()
        routes = [(rf"/{path.strip('/')}/?", UpdateEndpoint, {"server": self})]
        # no access log: tornado's would repeat every request line at INFO
        web_app = tornado.web.Application(routes, log_function=lambda handler: None)
        # tornado's own ceiling, a backstop behind the endpoint's checks (which answer 413 at the limit):
        # a chunk announcing more than that gets tornado's bare 400 and the connection closed
        backstop = 4 * max_body
        self._http = tornado.httpserver.HTTPServer(
            web_app, max_body_size=backstop, max_buffer_size=backstop, chunk_size=_CHUNK
        )

    def listen(self, address: str, port: int) -> None:
        """Start accepting connections on ``address:port``."""
        self._http.listen(port, address=address)

    async def handle(self, update: Update) -> None:
        """Keep one update in the inbox (durably: it is handled from there)."""
        self._in_hand += 1
        self._idle.clear()
        try:
            await self.inbox.add([entry_of(update.to_dict())])
        finally:
            self._in_hand -= 1
            if not self._in_hand:
                self._idle.set()

    async def close(self, grace: float = SHUTDOWN_GRACE) -> None:
        """Stop listening, let the requests in hand be kept (at most ``grace`` seconds), close connections."""
        self.accepting = False
        self._http.stop()
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            unfinished = self._in_hand
            log.warning("%d update(s) unfinished at shutdown; Telegram will deliver them again", unfinished)
        await self._http.close_all_connections()


@tornado.web.stream_request_body
class UpdateEndpoint(tornado.web.RequestHandler):
    """``POST`` of one update: 200 once handled; 403 without the secret, 413 for a body over the limit,
    400 for a body that is no update, 503 while shutting down.

    The body is streamed (:meth:`data_received`) rather than read by tornado beforehand, so the headers
    are judged first (:meth:`prepare`): a refused request is answered and its connection closed
    without its body being read.
    """

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, server: WebhookServer) -> None:
        """Tornado's per-request set-up: the server whose application takes the update."""
        self.server = server
        self._chunks: list[bytes] = []
        self._size = 0

    def prepare(self) -> None:
        """Judge the headers before any of the body is read: shutdown, secret token, announced length."""
        if not self.server.accepting:
            # shutting down: a non-2xx answer makes Telegram deliver it again, to a live process
            self._answer(HTTPStatus.SERVICE_UNAVAILABLE)
            return
        token = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(token, self.server.secret):  # constant time: the secret is a password
            log.debug("webhook request without the right secret token refused")
            self._answer(HTTPStatus.FORBIDDEN)
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > self.server.max_body):
            log.warning("webhook body of %s bytes refused (limit %d)", length[:20], self.server.max_body)
            self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def data_received(self, chunk: bytes) -> None:
        """Keep a piece of the body; past the limit (a body sent without its length) answer 413."""
        if self._finished:  # refused already: what is still on its way is not kept
            return
        self._size += len(chunk)
        if self._size > self.server.max_body:
            log.warning("webhook body cut off at %d bytes (limit %d)", self._size, self.server.max_body)
            self._chunks.clear()
            self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        self._chunks.append(chunk)

    async def post(self) -> None:
        """Parse and handle the update; the status code tells Telegram whether to send it again."""
        if self._finished:
            return
        update = self._parse()
        if update is None:
            # no handler could take it. Telegram repeats any answer outside 2xx, this one too, with
            # growing waits until the update expires; a 4xx at least says the fault is in the request
            self._answer(HTTPStatus.BAD_REQUEST)
            return
        log.debug("webhook received update %s", update)
        try:
            await self.server.handle(update)
        except Exception:
            # PTB reports errors of the handlers itself, so this is a fault of our own; logged here rather
            # than by tornado, whose report would print the request headers, secret token included
            log.exception("update %s could not be handled; Telegram will send it again", update.update_id)
            self._answer(HTTPStatus.INTERNAL_SERVER_ERROR)
            return
        self._answer(HTTPStatus.OK)

    def _parse(self) -> Update | None:
        """The update in the request body, or ``None`` (with a log line) when the body is not one."""
        body = b"".join(self._chunks)
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an object with an integer update_id")
            update = Update.de_json(data, self.server.application.bot)
        except Exception as error:  # whatever a malformed body makes PTB raise, it is the same refusal
            # the body's content is not logged: it may hold what a user typed
            log.warning(
                "webhook body of %d bytes is not a Telegram update (%s); answered 400",
                len(body),
                type(error).__name__,
            )
            return None
        return update

    def _answer(self, status: HTTPStatus) -> None:
        if status in (HTTPStatus.FORBIDDEN, HTTPStatus.REQUEST_ENTITY_TOO_LARGE):
            # the connection is closed once this answer is out, so the rest of a refused body is not read
            self.set_header("Connection", "close")
        self.set_status(status)
        self.finish()


async def set_webhook(
    bot: Bot, url: str, secret: str, allowed_updates: Sequence[str], retries: int, interval: float = 1.0
) -> None:
    """``setWebhook``, tried ``retries`` more times after an error, as PTB's bootstrap does.

    A flood-limit answer (``RetryAfter``) is already waited out and retried by the rate limiter.

    Raises:
        InvalidToken, BadRequest: at once, as retrying would not help.
        TelegramError: the last error, once the retries are used up.
    """
    for attempt in range(retries + 1):
        try:
            await bot.set_webhook(
                url=url, secret_token=secret, allowed_updates=allowed_updates, max_connections=40
            )
            return
        except (InvalidToken, BadRequest):
            raise
        except TelegramError as error:
            if attempt == retries:
                raise
            log.warning("setWebhook failed (%s); trying again", error)
            await asyncio.sleep(interval)
