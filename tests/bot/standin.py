"""A local stand-in for the Telegram Bot API server, as strict as Telegram where the advisor can slip.

The real python-telegram-bot ``Application`` talks to it over HTTP (``base_url``), exactly as it would
talk to api.telegram.org or a self-hosted telegram-bot-api server: ``POST /bot<token>/<method>`` with a
form-encoded, multipart or JSON body, answered with Telegram's envelope (``{"ok": true, "result": …}``
or ``{"ok": false, "error_code": …, "description": …}``). Tests play users through it (messages, button
presses, stickers, edits, several chats at once) and read back what the bot sent.

Strictness: unknown tokens get 401, unknown methods 404, text over 4096 characters (after entity parsing)
or empty text is refused, as are callback data over 64 bytes, malformed HTML, an edit that changes
nothing ("message is not modified"), a second answer to one callback query, ``getUpdates`` while a
webhook is set and two ``getUpdates`` at once. Faults can be injected per method: 429 with
``retry_after``, 5xx, and a response that comes too late after the call took effect.

Updates are kept until confirmed by a later ``offset``, as Telegram does, so a poller that dies before
confirming hands its updates to the next one. With a webhook set, each update is POSTed to the webhook
(or round-robin to ``webhook_targets``, playing a load balancer) with the secret-token header, and sent
again, with growing waits, until a webhook answers it with a 2xx: a bot killed before answering gets it
again once restarted (or its sibling behind the balancer does).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import aiohttp
from aiohttp import web

TOKEN = "123456789:AAHstand-in-token-for-tests-0123456789"
BOT_USERNAME = "loan_advisor_test_bot"
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
CALLBACK_ANSWER_WINDOW = 15.0  # seconds Telegram keeps a callback query answerable
#: webhook redelivery, Telegram's schedule scaled down (its waits grow to a minute or two, for about a day)
REDELIVERY_FIRST_WAIT = 0.05
REDELIVERY_MAX_WAIT = 1.0
REDELIVERY_WINDOW = 120.0
#: how long a webhook may take to answer before the POST counts as failed: Telegram's connection gives up
#: after about a minute of silence (the bot answers after the turn, which may wait for a chat's lock)
WEBHOOK_ANSWER_TIMEOUT = 60.0

#: the tags Telegram's HTML parse mode accepts
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_ATTR = re.compile(r"""\s+([a-zA-Z_-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(@\w+)?")
_MENTION = re.compile(r"@\w{5,32}")
_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


#: the placeholder senders Telegram puts in ``from`` of a message sent on behalf of a chat
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}


class ApiError(Exception):
    """An error answer in Telegram's envelope."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _blank_png(width: int, height: int) -> bytes:
    """A white picture with nothing to read on it."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> str:
    """The visible text of Telegram-HTML ``source``; raises :class:`ApiError` where Telegram would."""
    out: list[str] = []
    stack: list[str] = []
    i = 0

    def fail(reason: str, at: int) -> ApiError:
        offset = len(source[:at].encode("utf-8"))
        return bad_request(f"can't parse entities: {reason} at byte offset {offset}")

    while i < len(source):
        char = source[i]
        if char == "<":
            end = source.find(">", i)
            if end < 0:
                raise fail("Unclosed start tag", i)
            inner = source[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise fail(f'Unexpected end tag "{name}"', i)
                if name != stack[-1]:
                    raise fail(f'Unmatched end tag, expected "</{stack[-1]}>", found "</{name}>"', i)
                stack.pop()
            else:
                match = re.fullmatch(r"([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s]+?)*)\s*", inner, flags=re.S)
                if not match:
                    raise fail(f'Unsupported start tag "{inner[:20]}"', i)
                name = match.group(1).lower()
                if name not in ALLOWED_TAGS:
                    raise fail(f'Unsupported start tag "{name}"', i)
                attrs_text = match.group(2)
                attrs = dict((k.lower(), v.strip("\"'")) for k, v in _ATTR.findall(attrs_text))
                if _ATTR.sub("", attrs_text).strip():
                    raise fail(f'Expected equal sign in declaration of an attribute of tag "{name}"', i)
                if name == "a" and not attrs.get("href"):
                    raise fail('Tag "a" must have attribute "href"', i)
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise fail('Tag "span" must have class "tg-spoiler"', i)
                stack.append(name)
            i = end + 1
        elif char == "&":
            entity = _ENTITY.match(source, i)
            if not entity:
                raise fail("Unsupported HTML entity or unescaped '&'", i)
            out.append(unescape(entity.group(0)))
            i = entity.end()
        else:
            out.append(char)
            i += 1
    if stack:
        raise bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return "".join(out)


_SYNONYMS = {"strong": "b", "em": "i", "ins": "u", "strike": "s", "del": "s"}


def canonical_html(source: str) -> str:
    """``source`` with synonymous tags unified and entities decoded, for Telegram's "not modified" test:
    Telegram compares the resulting text and formatting, not the markup that produced them."""
    unified = re.sub(
        r"<(/?)(strong|em|ins|strike|del)\b",
        lambda m: f"<{m.group(1)}{_SYNONYMS[m.group(2).lower()]}",
        source,
    )
    return re.sub(r"&[#\w]+;", lambda m: unescape(m.group(0)), unified)


@dataclass
class Fault:
    """An injected failure for the next ``times`` calls of ``method`` (``"*"`` for any)."""

    method: str
    #: "flood" (429), "server_error" (``status``), "bad_request" (400 with ``description``, no effect),
    #: "refuse" (``status`` with ``description`` and ``parameters``, no effect: 403, 404, 409, a migrated
    #: group's 400 with ``migrate_to_chat_id``…),
    #: "late" (takes effect, answers after ``delay``),
    #: "malformed" (200 with a body that is not JSON, no effect: a broken proxy), "stall" (no effect,
    #: answers only after ``delay``: a request lost on the way), "hold" (no effect; sets ``arrived``
    #: and keeps the connection open until ``release`` is set, so a test can kill the bot meanwhile)
    kind: str
    times: int = 1
    retry_after: int = 1
    status: int = 502
    delay: float = 0.0
    description: str = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    parameters: dict[str, Any] | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class BotMessage:
    """A message the bot sent, as the user's phone would show it."""

    chat_id: int
    message_id: int
    html: str
    text: str
    markup: dict[str, Any] | None
    edits: int = 0
    #: the message this one quotes (``reply_parameters``), as Telegram shows it above the text
    reply_to: int | None = None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, in reading order."""
        rows = (self.markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


@dataclass
class Event:
    """One visible change in a chat: a message sent or edited by the bot."""

    kind: str  # "send" or "edit"
    message: BotMessage
    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)  # as shown at that moment


@dataclass
class BotApiStandIn:
    """The stand-in server; ``await start()`` it, point the bot at :attr:`base_url`."""

    token: str = TOKEN
    bot_id: int = 123456789
    username: str = BOT_USERNAME
    host: str = "127.0.0.1"

    updates: list[dict[str, Any]] = field(default_factory=list)
    #: the kind of every update the users made, in order (``updates`` forgets confirmed ones)
    update_kinds: list[str] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    errors: list[tuple[str, ApiError]] = field(default_factory=list)
    events: dict[int, list[Event]] = field(default_factory=dict)
    commands: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    webhook: dict[str, Any] | None = None
    webhook_targets: list[str] = field(default_factory=list)
    deliveries: list[tuple[str, int, int]] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    #: called with (chat id, event) for every send and edit, as it happens (load tests time replies)
    on_event: Callable[[int, Event], None] | None = None

    def __post_init__(self) -> None:
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._bot_messages: dict[tuple[int, int], BotMessage] = {}
        #: the same messages by chat: reading one chat's must not cost a pass over every chat's (at 1,000
        #: chats that pass, made at every button press, kept the load test's own process busy)
        self._bot_messages_of: dict[int, dict[int, BotMessage]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._callbacks: dict[str, float] = {}
        self._answered: set[str] = set()
        self._changed = asyncio.Condition()
        self._poll_generation = 0
        self._closing = False
        self._delivery_tasks: set[asyncio.Task[None]] = set()
        self._delivering: set[int] = set()
        self._target_cycle = 0
        self._runner: web.AppRunner | None = None
        self.port = 0
        #: issue 21: files users sent (photos), by file id, served by getFile and the file URL
        self._files: dict[str, bytes] = {}
        self.downloads: list[str] = []

    # --- server life cycle -------------------------------------------------------------------------

    async def start(self) -> str:
        """Listen on a free port of 127.0.0.1; returns :attr:`base_url`."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._download)  # issue 21: getFile
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self.base_url

    async def stop(self) -> None:
        """Wake every long poll and shut the server down."""
        self._closing = True
        for task in list(self._delivery_tasks):
            task.cancel()
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """What goes into ``TELEGRAM_API_BASE_URL`` (PTB appends the token)."""
        return f"http://{self.host}:{self.port}/bot"

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
        """Wait until ``condition()`` holds, re-checking after every change; fail after ``timeout``."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(condition), timeout)
            except TimeoutError:
                raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}") from None

    async def quiet(self, chat_id: int, quiet_for: float = 0.25, timeout: float = 8.0) -> None:
        """Wait until the bot has done nothing in ``chat_id`` for ``quiet_for`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            count = len(self.chat_events(chat_id))

            def changed(seen: int = count) -> bool:
                return len(self.chat_events(chat_id)) != seen

            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(changed), quiet_for)
            if len(self.chat_events(chat_id)) == count:
                return
            if loop.time() > deadline:
                raise AssertionError(f"chat {chat_id} never went quiet")

    # --- the users' side ---------------------------------------------------------------------------

    def user(
        self, user_id: int, first_name: str = "测试用户", language_code: str = "zh-hans"
    ) -> dict[str, Any]:
        """A Telegram user (created on first use)."""
        return self._users.setdefault(
            user_id,
            {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code},
        )

    def chat(self, chat_id: int, title: str = "贷款交流群") -> dict[str, Any]:
        """A chat: private for a positive id (the user's own), a supergroup for a negative one."""
        if chat_id not in self._chats:
            if chat_id > 0:
                user = self.user(chat_id)
                self._chats[chat_id] = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            else:
                self._chats[chat_id] = {"id": chat_id, "type": "supergroup", "title": title}
            self._message_ids[chat_id] = itertools.count(1)
        return self._chats[chat_id]

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "网贷问答助手",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        self.update_kinds.append(kind)
        if self.webhook is not None:
            self._deliver(update)
        await self._notify()
        return update

    def _user_message(
        self, chat_id: int, from_id: int | None, sender_chat: int | None = None, **content: Any
    ) -> dict[str, Any]:
        chat = self.chat(chat_id)
        sender = self.user(from_id if from_id is not None else chat_id)
        if sender_chat is not None:
            # sent on behalf of a chat: the group itself (an anonymous admin) or a channel; ``from`` is
            # then Telegram's placeholder bot, the same for every anonymous admin of every group
            if sender_chat == chat_id:
                content["sender_chat"], sender = chat, dict(ANONYMOUS_ADMIN)
            else:
                channel = {"id": sender_chat, "type": "channel", "title": f"频道{sender_chat}"}
                content["sender_chat"], sender = channel, dict(CHANNEL_BOT)
        message = {
            "message_id": next(self._message_ids[chat_id]),
            "from": sender,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        self._messages[(chat_id, message["message_id"])] = message
        return message

    async def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        from_id: int | None = None,
        reply_to: int | None = None,
        sender_chat: int | None = None,
    ) -> dict[str, Any]:
        """The user types ``text`` (commands and mentions get their entities, as Telegram adds them);
        ``sender_chat`` sends it on behalf of a chat (the group's own id: an anonymous admin; another
        id: a channel)."""
        entities = []
        command = _COMMAND.match(text)
        if command:
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))})
        for mention in _MENTION.finditer(text):
            entities.append(
                {
                    "type": "mention",
                    "offset": utf16_len(text[: mention.start()]),
                    "length": utf16_len(mention.group(0)),
                }
            )
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        if reply_to is not None:
            content["reply_to_message"] = self._messages[(chat_id, reply_to)]
        return await self._push("message", self._user_message(chat_id, from_id, sender_chat, **content))

    async def send_media(self, chat_id: int, kind: str) -> dict[str, Any]:
        """The user sends a sticker, photo, voice note or document."""
        file = {"file_id": f"file-{kind}", "file_unique_id": f"u-{kind}"}
        contents: dict[str, dict[str, Any]] = {
            "sticker": {
                "sticker": {
                    **file,
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": "😀",
                }
            },
            "photo": {"photo": [{**file, "width": 90, "height": 90}], "caption": "看看这个"},
            "voice": {"voice": {**file, "duration": 3, "mime_type": "audio/ogg"}},
            "document": {"document": {**file, "file_name": "合同.pdf", "mime_type": "application/pdf"}},
        }
        content = contents[kind]
        if kind == "photo":  # issue 21: the bot downloads photos, so this one has a blank picture behind it
            self._files[file["file_id"]] = _blank_png(90, 90)
        return await self._push("message", self._user_message(chat_id, None, **content))

    # --- issue 21: forwarded messages and photos with real content --------------------------------------

    async def send_forward(self, chat_id: int, text: str, *, sender_name: str = "未知用户") -> dict[str, Any]:
        """The user forwards ``text`` from another chat (whose sender hides their account)."""
        origin = {"type": "hidden_user", "sender_user_name": sender_name, "date": int(time.time()) - 60}
        return await self._push(
            "message", self._user_message(chat_id, None, text=text, forward_origin=origin)
        )

    async def send_photo(self, chat_id: int, image: bytes, *, width: int, height: int) -> dict[str, Any]:
        """The user sends ``image`` as a photo; getFile and the file URL serve its bytes."""
        file_id = f"photo-{len(self._files) + 1}"
        self._files[file_id] = image
        thumb = {"file_id": f"{file_id}-thumb", "file_unique_id": f"t{file_id}", "width": 90, "height": 90}
        full = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "width": width,
            "height": height,
            "file_size": len(image),
        }
        return await self._push("message", self._user_message(chat_id, None, photo=[thumb, full]))

    async def _m_getfile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id", ""))
        if file_id not in self._files:
            raise bad_request("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self._files[file_id]),
            "file_path": f"photos/{file_id}.jpg",
        }

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].removeprefix("photos/").removesuffix(".jpg")
        if file_id not in self._files:
            return web.Response(status=404)
        self.downloads.append(file_id)
        return web.Response(body=self._files[file_id], content_type="application/octet-stream")

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The user edits an earlier message."""
        message = {**self._messages[(chat_id, message_id)], "text": text, "edit_date": int(time.time())}
        self._messages[(chat_id, message_id)] = message
        return await self._push("edited_message", message)

    async def press(self, chat_id: int, message_id: int, data: str, *, from_id: int | None = None) -> str:
        """The user presses a button carrying ``data`` on message ``message_id``; returns the query id."""
        query_id = str(next(self._callback_ids)) + "0042"
        self._callbacks[query_id] = time.monotonic()
        await self._push(
            "callback_query",
            {
                "id": query_id,
                "from": self.user(from_id if from_id is not None else chat_id),
                "message": self._messages[(chat_id, message_id)],
                "chat_instance": f"ci{chat_id}",
                "data": data,
            },
        )
        return query_id

    async def click(self, chat_id: int, label: str) -> str:
        """Press the button whose label contains ``label`` on the newest bot message that has one."""
        for message in reversed(self.bot_messages(chat_id)):
            for text, data in message.buttons:
                if label in text:
                    return await self.press(chat_id, message.message_id, data)
        raise AssertionError(f"no button labelled {label!r} in chat {chat_id}: {self.transcript(chat_id)}")

    # --- reading what the bot did ------------------------------------------------------------------

    def bot_messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in ``chat_id``, oldest first, in their current (possibly edited) form."""
        return [message for _, message in sorted(self._bot_messages_of.get(chat_id, {}).items())]

    def chat_events(self, chat_id: int) -> list[Event]:
        """Every send and edit by the bot in ``chat_id``, in order."""
        return self.events.get(chat_id, [])

    async def say(self, chat_id: int, text: str, *, timeout: float = 8.0) -> list[Event]:
        """Send ``text`` as the user and return what the bot did in answer, once it has gone quiet."""
        mark = len(self.chat_events(chat_id))
        await self.send_text(chat_id, text)
        return await self.answer_after(chat_id, mark, timeout)

    async def tap(self, chat_id: int, label: str, *, timeout: float = 8.0) -> list[Event]:
        """Press the newest button labelled ``label`` and return what the bot did in answer."""
        mark = len(self.chat_events(chat_id))
        await self.click(chat_id, label)
        return await self.answer_after(chat_id, mark, timeout)

    async def answer_after(self, chat_id: int, mark: int, timeout: float = 8.0) -> list[Event]:
        """The bot's sends and edits after the first ``mark``, once at least one came and it went quiet."""
        await self.wait_for(
            lambda: len(self.chat_events(chat_id)) > mark, timeout, f"a reply in chat {chat_id}"
        )
        await self.quiet(chat_id)
        return self.chat_events(chat_id)[mark:]

    def texts_since(self, chat_id: int, mark: int) -> list[str]:
        """The visible texts of sends and edits after the first ``mark`` events."""
        return [event.text for event in self.chat_events(chat_id)[mark:]]

    def transcript(self, chat_id: int) -> str:
        """A readable dump of the chat, for assertion messages."""
        return "\n---\n".join(f"[{e.kind}] {e.text} {e.buttons}" for e in self.chat_events(chat_id))

    @property
    def presses(self) -> int:
        """How many button presses the users made."""
        return len(self._callbacks)

    @property
    def unanswered_presses(self) -> list[str]:
        """Callback queries the bot never answered (each leaves a spinning button on the phone)."""
        return [query_id for query_id in self._callbacks if query_id not in self._answered]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every successful call of ``method``."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    # --- HTTP --------------------------------------------------------------------------------------

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:  # form-encoded or multipart, as PTB sends
                form = await request.post()
                params.update({k: v for k, v in form.items() if isinstance(v, str)})
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").envelope(), status=401)
        method = request.match_info["method"]
        params = await self._read_params(request)
        handler: Callable[[dict[str, Any]], Awaitable[Any]] | None = getattr(
            self, f"_m_{method.lower()}", None
        )
        if handler is None:
            return web.json_response(ApiError(404, "Not Found: method not found").envelope(), status=404)
        fault = next(
            (f for f in self.faults if f.times > 0 and f.method.lower() in (method.lower(), "*")), None
        )
        if fault is not None and fault.kind in ("malformed", "stall", "hold"):
            fault.times -= 1
            self.errors.append((method, ApiError(0, f"injected fault: {fault.kind}")))
            if fault.kind == "stall":
                await asyncio.sleep(fault.delay)
            elif fault.kind == "hold":
                fault.arrived.set()
                await fault.release.wait()
            if fault.kind == "malformed":
                return web.Response(text="<html><body>Bad Gateway</body></html>", content_type="text/html")
            late = ApiError(504, "Gateway Timeout")  # whoever still waits learns the call did nothing
            return web.json_response(late.envelope(), status=late.code)
        if fault is not None and fault.kind != "late":
            fault.times -= 1
            if fault.kind == "bad_request":
                error = ApiError(400, fault.description)
            elif fault.kind == "refuse":
                error = ApiError(fault.status, fault.description, fault.parameters)
            elif fault.kind == "flood":
                error = ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                )
            else:
                error = ApiError(
                    fault.status, "Bad Gateway" if fault.status == 502 else "Internal Server Error"
                )
            self.errors.append((method, error))
            return web.json_response(error.envelope(), status=error.code)
        try:
            result = await handler(params)
        except ApiError as error:
            self.errors.append((method, error))
            return web.json_response(error.envelope(), status=error.code)
        self.calls.append((method, params))
        await self._notify()
        if fault is not None:  # a "late" fault: the call took effect, the answer comes too late
            fault.times -= 1
            await asyncio.sleep(fault.delay)
        return web.json_response({"ok": True, "result": result})

    # --- parameters --------------------------------------------------------------------------------

    @staticmethod
    def _json(params: dict[str, Any], name: str) -> Any:
        value = params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    @staticmethod
    def _int(params: dict[str, Any], name: str, default: int | None = None) -> int:
        value = params.get(name, default)
        if value is None:
            raise bad_request(f"{name} is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def _target_chat(self, params: dict[str, Any]) -> int:
        chat_id = self._int(params, "chat_id")
        if chat_id not in self._chats:
            raise bad_request("chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _visible(self, params: dict[str, Any]) -> str:
        text = params.get("text")
        if not isinstance(text, str):
            raise bad_request("message text is empty")
        parse_mode = params.get("parse_mode")
        if parse_mode is None:
            visible = text
        elif str(parse_mode).lower() == "html":
            visible = parse_html(text)
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode!r} in this stand-in")
        if not visible.strip():
            raise bad_request("message text is empty")
        if utf16_len(visible) > MAX_TEXT:
            raise bad_request("message is too long")
        return visible

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = self._json(params, "reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return markup if isinstance(markup, dict) else None
        for row in markup["inline_keyboard"]:
            for button in row:
                if not str(button.get("text", "")).strip():
                    raise bad_request("BUTTON_TEXT_EMPTY")
                data = button.get("callback_data")
                if data is None and not button.get("url"):
                    raise bad_request(
                        "can't parse inline keyboard button: Text buttons are unallowed in the "
                        "inline keyboard"
                    )
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
        return markup

    def _record(self, kind: str, message: BotMessage) -> None:
        event = Event(kind, message, message.text, message.buttons)
        self.events.setdefault(message.chat_id, []).append(event)
        if self.on_event is not None:
            self.on_event(message.chat_id, event)

    def _message_json(self, message: BotMessage, edited: bool = False) -> dict[str, Any]:
        body = {**self._messages[(message.chat_id, message.message_id)]}
        if edited:
            body["edit_date"] = int(time.time())
        return body

    def _store(self, message: BotMessage) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self._bot_user(),
            "chat": self._chats[message.chat_id],
            "date": int(time.time()),
            "text": message.text,
        }
        if message.markup:
            body["reply_markup"] = message.markup
        quoted = self._messages.get((message.chat_id, message.reply_to or 0))
        if quoted is not None:  # one level deep, as Telegram nests it
            body["reply_to_message"] = {k: v for k, v in quoted.items() if k != "reply_to_message"}
        self._messages[(message.chat_id, message.message_id)] = body
        self._bot_messages[(message.chat_id, message.message_id)] = message
        self._bot_messages_of.setdefault(message.chat_id, {})[message.message_id] = message
        return body

    # --- Bot API methods ---------------------------------------------------------------------------

    async def _m_getme(self, params: dict[str, Any]) -> Any:
        return self._bot_user()

    async def _m_getupdates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = self._int(params, "offset", 0)
        timeout = self._int(params, "timeout", 0)
        limit = self._int(params, "limit", 100)
        allowed = self._json(params, "allowed_updates")
        if offset > 0:  # confirm everything before ``offset``
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        await self._notify()  # ends an older long poll: Telegram answers it with 409

        def pending() -> list[dict[str, Any]]:
            found = [u for u in self.updates if u["update_id"] >= offset]
            if allowed:
                found = [u for u in found if any(kind in u for kind in allowed)]
            return found[:limit]

        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(
                        lambda: bool(pending()) or self._closing or self._poll_generation != generation
                    ),
                    timeout,
                )
        if self._poll_generation != generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one "
                "bot instance is running",
            )
        return pending()

    async def _m_sendmessage(self, params: dict[str, Any]) -> Any:
        chat_id = self._target_chat(params)
        visible = self._visible(params)
        markup = self._markup(params)
        reply_to = self._reply_to(chat_id, params)
        message = BotMessage(
            chat_id, next(self._message_ids[chat_id]), str(params["text"]), visible, markup, reply_to=reply_to
        )
        body = self._store(message)
        self._record("send", message)
        return body

    def _reply_to(self, chat_id: int, params: dict[str, Any]) -> int | None:
        """The message a sent message quotes (``reply_parameters``), as Telegram checks it."""
        quoting = self._json(params, "reply_parameters")
        if quoting is None:
            return None
        if not isinstance(quoting, dict) or "message_id" not in quoting:
            raise bad_request("can't parse reply parameters JSON object")
        message_id = int(quoting["message_id"])
        if (chat_id, message_id) in self._messages:
            return message_id
        if quoting.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")

    def _bot_message(self, params: dict[str, Any]) -> BotMessage:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not used by this bot")
        chat_id = self._target_chat(params)
        message_id = self._int(params, "message_id")
        key = (chat_id, message_id)
        if key not in self._messages:
            raise bad_request("message to edit not found")
        if key not in self._bot_messages:
            raise bad_request("message can't be edited")
        return self._bot_messages[key]

    async def _m_editmessagetext(self, params: dict[str, Any]) -> Any:
        message = self._bot_message(params)
        visible = self._visible(params)
        markup = self._markup(params)
        if canonical_html(str(params["text"])) == canonical_html(message.html) and markup == message.markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.html, message.text, message.markup = str(params["text"]), visible, markup
        message.edits += 1
        self._store(message)
        self._record("edit", message)
        return self._message_json(message, edited=True)

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> Any:
        message = self._bot_message(params)
        markup = self._markup(params)
        if markup == message.markup or (not markup and not message.markup):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.markup = markup
        message.edits += 1
        self._store(message)
        self._record("edit", message)
        return self._message_json(message, edited=True)

    async def _m_deletemessage(self, params: dict[str, Any]) -> Any:
        message = self._bot_message(params)
        del self._bot_messages[(message.chat_id, message.message_id)]
        del self._bot_messages_of[message.chat_id][message.message_id]
        return True

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id", ""))
        asked = self._callbacks.get(query_id)
        too_old = asked is None or time.monotonic() - asked > CALLBACK_ANSWER_WINDOW
        if too_old or query_id in self._answered:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if utf16_len(str(params.get("text", ""))) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._answered.add(query_id)
        return True

    async def _m_sendchataction(self, params: dict[str, Any]) -> Any:
        self._target_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _m_setmycommands(self, params: dict[str, Any]) -> Any:
        commands = self._json(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 items")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands = commands
        return True

    async def _m_getmycommands(self, params: dict[str, Any]) -> Any:
        return self.commands

    async def _m_deletemycommands(self, params: dict[str, Any]) -> Any:
        self.commands = []
        return True

    async def _m_setwebhook(self, params: dict[str, Any]) -> Any:
        url = str(params.get("url", ""))
        if not url:
            return await self._m_deletewebhook(params)
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.updates.clear()
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": self._int(params, "max_connections", 40),
        }
        for update in self.updates:
            self._deliver(update)
        return True

    async def _m_deletewebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.updates.clear()
        return True

    async def _m_getwebhookinfo(self, params: dict[str, Any]) -> Any:
        url = self.webhook["url"] if self.webhook else ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": len(self.updates)}

    async def _m_logout(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_close(self, params: dict[str, Any]) -> Any:
        return True

    # --- webhook delivery --------------------------------------------------------------------------

    def _deliver(self, update: dict[str, Any]) -> None:
        if update["update_id"] in self._delivering:
            return
        self._delivering.add(update["update_id"])
        task = asyncio.get_running_loop().create_task(self._post_update(update))
        self._delivery_tasks.add(task)
        task.add_done_callback(self._delivery_tasks.discard)

    def _next_target(self) -> str:
        targets = self.webhook_targets or [self.webhook["url"] if self.webhook else ""]
        target = targets[self._target_cycle % len(targets)]
        self._target_cycle += 1
        return target

    async def _post_update(self, update: dict[str, Any]) -> None:
        """POST one update until a webhook answers it with a 2xx, as Telegram does.

        Telegram sends an update again whenever its POST fails (connection refused or dropped, no answer
        in time, any status outside 2xx), waiting longer after each failure, and drops it after about a
        day. Here the waits and the window are scaled down to test time: from :data:`REDELIVERY_FIRST_WAIT`
        doubling up to :data:`REDELIVERY_MAX_WAIT`, for :data:`REDELIVERY_WINDOW` seconds.
        """
        try:
            await self._redeliver(update)
        finally:  # delivered, dropped or webhook deleted: a later setWebhook may deliver what is left
            self._delivering.discard(update["update_id"])

    async def _redeliver(self, update: dict[str, Any]) -> None:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + REDELIVERY_WINDOW
        wait = REDELIVERY_FIRST_WAIT
        async with aiohttp.ClientSession() as http:
            while self.webhook is not None and not self._closing:
                target = self._next_target()
                headers = {}
                if self.webhook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = str(self.webhook["secret_token"])
                try:
                    async with http.post(
                        target,
                        json=update,
                        headers=headers,
                        timeout=aiohttp.ClientTimeout(total=WEBHOOK_ANSWER_TIMEOUT),
                    ) as response:
                        status = response.status
                except (aiohttp.ClientError, TimeoutError):
                    status = 0
                self.deliveries.append((target, update["update_id"], status))
                finished = 200 <= status < 300 or loop.time() + wait > give_up
                if finished:
                    self.updates = [u for u in self.updates if u["update_id"] != update["update_id"]]
                await self._notify()  # tests wait on deliveries, failed ones too
                if finished:
                    return
                await asyncio.sleep(wait)
                wait = min(wait * 2, REDELIVERY_MAX_WAIT)
