"""Thin Telegram handlers: an ``Update`` becomes a :class:`Turn`, a :class:`Reply` becomes Bot API calls.

Nothing here decides what to say. The handlers read the update, load the session of the conversation
(the chat's; in a group, the member's: :class:`Conversation`) under its lock, let the engine answer (in
a worker thread, so a slow answer shows a typing indicator), save the session and send the reply:
inline keyboards from button rows, HTML parse mode, long texts split, a menu edited in place when a
button press is answered by a single message with buttons. The few notes of its own (a sticker, an
edited message, a stale button, someone else's button) go through gettext like every UI string.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

import httpx
from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram import Message as TgMessage
from telegram.constants import ChatAction, ChatType, MessageEntityType, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.metrics import Metrics
from bot.ocr import UNREADABLE_NOTES, ImageReading, ImageUnreadable
from bot.storage import LeaseLost, SessionStore, StorageUnavailable
from bot.telegram.delivery import current_received_at, current_update_id, remember_update
from bot.telegram.flood import FloodGate, Verdict
from bot.telegram.split import split_html
from flows.i18n import N_, _, locale_for_language_code, localise_script, using_locale
from flows.reply import MAX_BUTTON_ID_BYTES, Button, Reply, Turn, esc, plain_text
from flows.reply import Message as ReplyMessage
from flows.session import Session
from knowledge.inspection import looks_like_received_message

log = logging.getLogger(__name__)
T = TypeVar("T")

#: buttons that open an answer rather than a menu: their reply is a new message, so the answer the
#: user pressed on stays readable above it
CONTENT_BUTTON_PREFIXES = ("faq:",)

#: Bot API refusals the same request would meet again (400, 403, 401/404, 409, a group that became a
#: supergroup): never repeated, and a reply that meets one is dropped from the session's outbox, so the
#: chat's later updates do not try it again (a blocked user's chat must not fail at every update)
PERMANENT_ERRORS: tuple[type[TelegramError], ...] = (
    BadRequest,
    Forbidden,
    InvalidToken,
    EndPointNotFound,
    Conflict,
    ChatMigrated,
)

#: longest question worth reading; anything longer is probably pasted text, not a question
MAX_QUESTION_CHARS = 1000

NOTE_NOT_TEXT = N_("我只能读懂文字消息。请用一两句话写下您的问题，或发送 /help 查看我能做什么。")
NOTE_EDITED = N_("我看到您修改了消息，但我只回应新消息。请把修改后的内容重新发送一次。")
NOTE_EMPTY = N_("消息是空的。请写下您的问题，或发送 /start 打开菜单。")
NOTE_TOO_LONG = N_("这条消息太长了（超过 {limit} 字）。请用一两句话概括您的问题。")
NOTE_STALE_BUTTON = N_("这个按钮已经失效了（可能来自之前的对话）。请发送 /start 重新开始。")
NOTE_ERROR = N_("抱歉，刚才出了点问题，您的消息没有处理完。请稍后再发一次，或发送 /start 重新开始。")
NOTE_STORAGE = N_("暂时无法保存对话，请稍后再试。")
NOTE_RECOVERED = N_("抱歉，之前的对话记录无法读取，已重新开始。")
NOTE_SLOW_DOWN = N_("发得有点快，请稍等几秒再试。")
NOTE_NOT_YOURS = N_("这个按钮是给别人的，点了不会改变什么。想自己问，请 @我 或回复我的消息。")

# --- issue 21 (message check) ----------------------------------------------------------------------
#: the longest forwarded or pasted message checked (Telegram's own limit for a text message)
MAX_RECEIVED_CHARS = 4096

_MEDIA = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.Document.ALL
    | filters.ANIMATION
    | filters.LOCATION
    | filters.CONTACT
    | filters.POLL
)


#: issue 21: pictures that are read for the message check
_IMAGES = filters.PHOTO | filters.Document.IMAGE


class Engine(Protocol):
    """The dialogue engine as the adapter sees it (``flows.engine.Engine``)."""

    def handle(self, session: Session, turn: Turn) -> Reply:
        """Answer ``turn``, updating ``session`` in place."""
        ...


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard for button rows; buttons whose id would not fit ``callback_data`` are left out."""
    markup = [
        [
            InlineKeyboardButton(button.label, callback_data=button.id)
            for button in row
            if 0 < len(button.id.encode("utf-8")) <= MAX_BUTTON_ID_BYTES
        ]
        for row in rows
    ]
    markup = [row for row in markup if row]
    return InlineKeyboardMarkup(markup) if markup else None


def language_of(update: Update) -> str | None:
    """The Telegram language code of the user behind ``update`` (``zh-hans``, ``zh-hant``, ``en``…)."""
    user = update.effective_user
    return user.language_code if user is not None else None


def chat_key(chat_id: int, member: int | None = None) -> str:
    """The storage key of a conversation: the chat's id, and in a group the member's id after it.

    Nothing else about the person goes into it (no name, no username).
    """
    return str(chat_id) if member is None else f"{chat_id}:{member}"


@dataclass(frozen=True)
class Conversation:
    """One person's conversation with the bot: the chat it is held in, and whose session it is.

    In a private chat the person is the chat. In a group each member has a conversation of their own
    (session key ``<chat>:<member>``), so one member's answers, buttons, ``/forget`` and ``/lang`` never
    touch another's. A reply in a group quotes the member's message it answers (``reply_to``): the
    group sees whom it is for, and a button on it tells whose it is (:meth:`TelegramAdapter._owner`).
    A message sent on behalf of a chat (an anonymous admin, a linked channel) is that chat's
    conversation, ``<group>:<sender chat>`` (:func:`sender_of`); no person can press its buttons.
    """

    chat_id: int
    member: int | None = None
    reply_to: int | None = None

    @property
    def key(self) -> str:
        """The session's storage key (:func:`chat_key`)."""
        return chat_key(self.chat_id, self.member)


def sender_of(update: Update) -> int | None:
    """Whose update it is: the person's id, or for a message sent on behalf of a chat (an anonymous group
    admin, a linked channel: ``sender_chat``) that chat's id, or ``None`` when Telegram names neither.

    Such a message's ``from`` is a placeholder bot shared by every anonymous admin of every group
    (``GroupAnonymousBot``, ``Channel_Bot``), so it must not stand for the sender.
    """
    message = update.message or update.edited_message
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id
    user = update.effective_user
    return user.id if user is not None else None


def conversation_of(update: Update) -> Conversation | None:
    """The conversation an update belongs to; a group message's reply will quote that message."""
    chat = update.effective_chat
    if chat is None:
        return None
    if chat.type == ChatType.PRIVATE:
        return Conversation(chat.id)
    message = update.message or update.edited_message
    return Conversation(chat.id, sender_of(update), message.message_id if message is not None else None)


class TelegramAdapter:
    """Connects one engine and one session store to a PTB ``Application``.

    Args:
        engine: answers turns; called from a single worker thread, one turn at a time.
        store: keeps sessions; the adapter closes it when the application shuts down.
        typing_after: seconds an answer may take before a typing indicator is shown.
        attempts: tries of one Bot API call on network errors that surely did no harm.
        flood: the per-user flood limit (default: 30 turns a minute, 10 at once).
        images: reads screenshots for the message check (issue 21); ``None``: photos get a note.
        metrics: where refusals and failures are counted (:mod:`bot.metrics`); default: nowhere.
    """

    def __init__(
        self,
        engine: Engine,
        store: SessionStore,
        *,
        typing_after: float = 0.5,
        attempts: int = 3,
        flood: FloodGate | None = None,
        images: ImageReading | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.engine = engine
        self.images = images
        self.store = store
        self.flood = flood if flood is not None else FloodGate()
        self.metrics = metrics if metrics is not None else Metrics()
        self.typing_after = typing_after
        self.attempts = attempts
        # one thread: the engine's state machines are shared by all sessions and not thread-safe
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")

    def register(self, application: Application) -> None:
        """Add the handlers and the error handler to ``application``."""
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, self.on_edited))
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self.on_text))
        # issue 21: screenshots are read and checked; registered before the other media, which get a note
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & _IMAGES, self.on_image))
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & _MEDIA, self.on_media))
        application.add_error_handler(self.on_error)

    async def close(self) -> None:
        """Stop the worker threads and close the store."""
        self._worker.shutdown(wait=True)
        if self.images is not None:
            self.images.close()
        await self.store.close()

    # --- handlers ----------------------------------------------------------------------------------

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer typed text or a command."""
        message = update.message
        if message is None or message.text is None:
            return
        text = message.text
        if message.chat.type != ChatType.PRIVATE:
            addressed = self._group_text(message, context.bot)
            if addressed is None:
                return
            text = addressed
        conversation = conversation_of(update)
        assert conversation is not None  # a message always has its chat
        if not await self._admitted(update, context.bot, conversation):
            return
        language = language_of(update)
        if not text.strip():
            await self._note(context.bot, conversation, NOTE_EMPTY, language=language)
            return
        # issue 21: a forwarded message, or a long paste, is a message to check rather than a question
        turn = Turn.from_text(text)
        if message.forward_origin is not None and turn.kind == "text":
            turn = turn.model_copy(update={"origin": "forwarded"})
        received = turn.origin == "forwarded" or looks_like_received_message(text)
        if len(text) > (MAX_RECEIVED_CHARS if received else MAX_QUESTION_CHARS):
            await self._note(
                context.bot, conversation, NOTE_TOO_LONG, language=language, limit=MAX_QUESTION_CHARS
            )
            return
        await self._converse(context.bot, conversation, turn, language)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer a button press; stale or forged callback data, or someone else's button, gets a note."""
        query = update.callback_query
        if query is None:
            return
        answered = False
        language = language_of(update)
        try:
            pressed = query.message if isinstance(query.message, TgMessage) else None
            conversation = conversation_of(update)
            if pressed is None or conversation is None or not self._is_offered(query, pressed):
                note = await self._text(conversation, NOTE_STALE_BUTTON, language=language)
                answered = await self._answer(query, note)
                return
            if not await self._admitted(update, context.bot, conversation):
                return  # the note, if due, went to the chat; ``finally`` stops the spinner
            if pressed.chat.type != ChatType.PRIVATE:
                owner = self._owner(pressed, context.bot)
                if owner is not None and owner != conversation.member:
                    # another member's button: a note for the presser alone, and nothing changes
                    note = await self._text(conversation, NOTE_NOT_YOURS, language=language)
                    answered = await self._answer(query, note)
                    return
                # what follows quotes the member's message again, so its buttons stay theirs
                replied = pressed.reply_to_message if owner is not None else None
                conversation = replace(conversation, reply_to=replied.message_id if replied else None)
            key = conversation.key
            async with self.store.lock(key):
                loaded = await self.store.load(key)
                session = loaded.session
                if loaded.unreadable:
                    # the keyboard belongs to a conversation we can no longer read: start afresh, say so
                    answered = await self._answer(query)
                    fresh = await self._recover(context.bot, conversation, language)
                    start = Turn(kind="command", text="start")
                    await self._take_turn(context.bot, conversation, fresh, start, None)
                    return
                if session is None:  # expired or forgotten: the keyboard belongs to a conversation now gone
                    note = await self._text(conversation, NOTE_STALE_BUTTON, language=language)
                    answered = await self._answer(query, note)
                    return
                answered = await self._answer(query)
                turn = Turn(kind="button", text=query.data or "")
                menu = None if turn.text.startswith(CONTENT_BUTTON_PREFIXES) else pressed
                await self._take_turn(context.bot, conversation, session, turn, menu)
        finally:
            if not answered:  # whatever happened, the spinner on the user's button must stop
                await self._answer(query)

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Explain that edits are not answered."""
        message = update.edited_message
        if message is None:
            return
        if message.chat.type != ChatType.PRIVATE and (
            message.text is None or self._group_text(message, context.bot) is None
        ):
            return
        conversation = conversation_of(update)
        assert conversation is not None  # a message always has its chat
        if not await self._admitted(update, context.bot, conversation):
            return
        await self._note(context.bot, conversation, NOTE_EDITED, language=language_of(update))

    async def on_media(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Ask for text when a sticker, photo, voice note or file arrives."""
        message = update.message
        if message is None:
            return
        if message.chat.type != ChatType.PRIVATE and not self._replies_to_me(message, context.bot):
            return
        conversation = conversation_of(update)
        assert conversation is not None  # a message always has its chat
        if not await self._admitted(update, context.bot, conversation):
            return
        await self._note(context.bot, conversation, NOTE_NOT_TEXT, language=language_of(update))

    # --- issue 21: screenshots (kept together, apart from the rest, for the issue-20 rework) ------------

    async def on_image(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Read a screenshot (in memory, off the event loop) and check its text like a forwarded message."""
        message = update.message
        if message is None:
            return
        if message.chat.type != ChatType.PRIVATE and not self._replies_to_me(message, context.bot):
            return
        conversation = conversation_of(update)
        assert conversation is not None  # a message always has its chat
        if not await self._admitted(update, context.bot, conversation):
            return
        language = language_of(update)
        if self.images is None:
            await self._note(context.bot, conversation, NOTE_NOT_TEXT, language=language)
            return
        person = sender_of(update) or message.chat_id
        try:
            data = await self._image_bytes(context.bot, message, self.images)
        except ImageUnreadable as error:
            await self._note(context.bot, conversation, UNREADABLE_NOTES[error.code], language=language)
            return
        # reading takes seconds and is awaited here: the update counts as handled only once its reply is
        # sent, so a process that dies meanwhile reads the photo again at the next start. Only this chat
        # waits for it: every chat is handled in a task of its own (bot/inbox/dispatch.py), and the
        # reading runs in a thread of its own, beside the engine's
        await self._read_and_answer(context.bot, conversation, person, data, language)

    async def _read_and_answer(
        self, bot: Bot, conversation: Conversation, person: int, data: bytes, language: str | None
    ) -> None:
        """Read the image (showing "typing…"), then answer its text as a message to check."""
        assert self.images is not None
        chat_id = conversation.chat_id
        typing = asyncio.create_task(self._keep_typing(bot, chat_id))
        try:
            text = await self.images.read(person, data)
        except ImageUnreadable as error:
            await self._note(bot, conversation, UNREADABLE_NOTES[error.code], language=language)
            return
        finally:
            typing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await typing
        await self._converse(bot, conversation, Turn(kind="text", text=text, origin="photo"), language)

    @staticmethod
    async def _image_bytes(bot: Bot, message: TgMessage, images: ImageReading) -> bytes:
        """The picture of a photo (its largest size within the limits) or an image file, in memory."""
        limits = images.limits
        if message.photo:
            fitting = [
                size
                for size in message.photo
                if (size.file_size or 0) <= limits.max_bytes and size.width * size.height <= limits.max_pixels
            ]
            if not fitting:
                raise ImageUnreadable("too_large")
            file_id = max(fitting, key=lambda size: size.width * size.height).file_id
        elif message.document is not None:
            if (message.document.file_size or 0) > limits.max_bytes:
                raise ImageUnreadable("too_large")
            file_id = message.document.file_id
        else:
            raise ImageUnreadable("not_an_image")
        try:
            file = await bot.get_file(file_id)
        except BadRequest as error:  # Telegram serves no file over 20 MB, and none it cannot find
            raise ImageUnreadable("too_large" if "too big" in error.message else "not_an_image") from error
        if (file.file_size or 0) > limits.max_bytes:
            raise ImageUnreadable("too_large")
        return bytes(await file.download_as_bytearray())

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error and, when a chat is known, tell the user their message was not handled."""
        error = context.error
        if isinstance(update, Update):
            self.metrics.update_failed(error)
        elif isinstance(error, TelegramError):  # polling reports a failed getUpdates with no update
            self.metrics.bot_api_error("getUpdates", error)
        note = NOTE_ERROR
        if isinstance(error, LeaseLost):
            # this process stalled past its lease on the chat; the process that took it over answers
            log.warning("turn abandoned: %s", error)
            return
        if isinstance(error, StorageUnavailable):
            # disk full, read-only file, Redis down: an operator's problem, stated in one line; the turn
            # was not saved, so the user may simply send the message again later
            log.error("session storage unavailable, turn not handled: %s", error)
            note = NOTE_STORAGE
        else:
            log.error("error while handling an update: %r", error, exc_info=error)
        if not isinstance(update, Update) or (conversation := conversation_of(update)) is None:
            return
        if isinstance(error, Forbidden):  # blocked by the user: nobody to tell
            return
        with contextlib.suppress(TelegramError):
            await self._note(context.bot, conversation, note, language=language_of(update))

    # --- addressing in groups ----------------------------------------------------------------------

    def _group_text(self, message: TgMessage, bot: Bot) -> str | None:
        """The text meant for the bot in a group message, or ``None`` when it is not for the bot.

        For the bot are: a command addressed to it (``/check@ourbot``), a message mentioning it, and a
        reply to one of its messages. A bare ``/start`` is not: other bots in the group take it as
        theirs, and Telegram's own menu adds ``@ourbot`` to a command chosen for this bot.
        """
        text = message.text or ""
        username = (bot.username or "").lower()
        entities = message.parse_entities([MessageEntityType.BOT_COMMAND, MessageEntityType.MENTION])
        for entity, value in entities.items():
            if entity.type == MessageEntityType.BOT_COMMAND and entity.offset == 0:
                target = value.partition("@")[2]
                if target:
                    return text if target.lower() == username else None
                break  # a bare command: for the bot only when mentioned or replied to as well
        mentions = [value for entity, value in entities.items() if entity.type == MessageEntityType.MENTION]
        if any(value[1:].lower() == username for value in mentions):
            for value in mentions:
                if value[1:].lower() == username:
                    text = text.replace(value, " ")
            return text.strip()
        if self._replies_to_me(message, bot):
            return text
        return None

    @staticmethod
    def _replies_to_me(message: TgMessage, bot: Bot) -> bool:
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.id == bot.id)

    @staticmethod
    def _owner(pressed: TgMessage, bot: Bot) -> int | None:
        """Whom the buttons of a group message were offered to: the member whose message it quotes.

        ``None`` when it quotes nobody's (a reply sent before groups were per person, or the member's
        message was deleted): the press then acts on the presser's own conversation, which is all any
        press can change.
        """
        replied = pressed.reply_to_message
        if replied is not None and replied.sender_chat is not None:
            return replied.sender_chat.id  # sent on behalf of a chat: no person may press for it
        if replied is None or replied.from_user is None or replied.from_user.id == bot.id:
            return None
        return replied.from_user.id

    @staticmethod
    def _is_offered(query: CallbackQuery, pressed: TgMessage) -> bool:
        """Whether the pressed data is one of the buttons the message really carries (else forged)."""
        markup = pressed.reply_markup
        if not query.data or markup is None:
            return False
        return any(button.callback_data == query.data for row in markup.inline_keyboard for button in row)

    # --- one turn ----------------------------------------------------------------------------------

    async def _converse(
        self, bot: Bot, conversation: Conversation, turn: Turn, language: str | None = None
    ) -> None:
        key = conversation.key
        async with self.store.lock(key):
            loaded = await self.store.load(key)
            if loaded.unreadable:
                session = await self._recover(bot, conversation, language)
            else:
                # a new chat starts in the user's Telegram language; /lang changes it, the session keeps it
                session = loaded.session or Session(locale=locale_for_language_code(language))
            await self._take_turn(bot, conversation, session, turn, None)

    async def _recover(self, bot: Bot, conversation: Conversation, language: str | None) -> Session:
        """Replace an unreadable session record with a fresh session and apologise; returns the session.

        The fresh session is stored at once, so a record that cannot be read is met once, not at every
        message (no loop of apologies); the store has logged the failure, without the record's content.
        """
        session = Session(locale=locale_for_language_code(language))
        await self.store.put(conversation.key, session)
        with contextlib.suppress(TelegramError):
            await self._note(bot, conversation, NOTE_RECOVERED, language=language)
        return session

    async def _admitted(self, update: Update, bot: Bot, conversation: Conversation) -> bool:
        """Whether the per-user flood limit lets this update through; the first refusal is explained.

        Refused turns are dropped unanswered (a button press still has its spinner stopped by the
        caller); the note 「发得有点快……」 goes out once per cooldown, not once per dropped message.
        """
        sender = sender_of(update)
        if sender is None:
            return True
        verdict = self.flood.check(sender, at=current_received_at.get())
        if verdict is Verdict.ALLOW:
            return True
        self.metrics.flood_refused()
        log.info("flood limit: dropping a turn in chat %s", conversation.chat_id)
        if verdict is Verdict.DROP_AND_NOTE:
            with contextlib.suppress(TelegramError):
                await self._note(bot, conversation, NOTE_SLOW_DOWN, language=language_of(update))
        return False

    async def _take_turn(
        self, bot: Bot, conversation: Conversation, session: Session, turn: Turn, pressed: TgMessage | None
    ) -> None:
        """Run the engine, save (or erase) the session, send the reply; the caller holds the chat's lock.

        The reply is saved with the new state (the session's outbox) and cleared once sent, and the
        update's id is recorded with it: an update Telegram delivers again because the bot died before
        confirming it only gets the rest of its reply, never a second turn.
        """
        chat_id, key = conversation.chat_id, conversation.key
        update_id = current_update_id.get()
        if session.outbox:
            # a reply the bot died while sending (or this very update's, delivered again): finish it first
            await self._flush(bot, conversation, session)
        if update_id is not None and update_id in session.handled_updates:
            log.info("update %s of chat %s was handled before; not answered again", update_id, chat_id)
            return
        reply = await self._think(bot, chat_id, session, turn)
        if reply.forget:
            # erase before sending: the promise to forget must not depend on the network. 「删除我保存的
            # 关于您的全部数据」: the person's private chat and their conversations in every group
            person = conversation.member if conversation.member is not None else chat_id
            await self.store.delete(key)
            await self.store.delete(chat_key(person))
            await self.store.delete_member(person)
            await self.send_reply(bot, conversation, reply, pressed)
            return
        session.updated_at = time.time()
        session.handled_updates = remember_update(session.handled_updates, update_id)
        session.outbox = list(reply.messages)
        session.outbox_edit = pressed.message_id if pressed is not None else None
        session.outbox_reply_to = conversation.reply_to
        await self.store.put(key, session)
        await self._flush(bot, conversation, session)

    async def _flush(self, bot: Bot, conversation: Conversation, session: Session) -> None:
        """Send the saved reply of ``session`` (in a group, quoting the message it answers), taking each
        message out of the stored outbox once sent.

        A crash can then repeat only the message whose request was in flight (Telegram may have shown
        it, the bot did not learn so), never the messages of the reply sent before it.
        """
        try:
            await self._send_outbox(bot, conversation, session)
        except PERMANENT_ERRORS as error:
            # refused for good: what is left of the reply is dropped rather than tried again at every
            # later update of the chat; the person is told (unless they blocked the bot)
            session.outbox, session.outbox_edit, session.outbox_reply_to = [], None, None
            await self.store.put(conversation.key, session)
            if isinstance(error, Forbidden):
                log.info("chat %s blocked the bot; reply dropped", conversation.chat_id)
                return
            log.warning("Telegram refused a reply to chat %s (%s); dropped", conversation.chat_id, error)
            raise

    async def _send_outbox(self, bot: Bot, conversation: Conversation, session: Session) -> None:
        chat_id, key, reply_to = conversation.chat_id, conversation.key, session.outbox_reply_to
        messages, menu_id = session.outbox, session.outbox_edit
        in_place = menu_id is not None and len(messages) == 1 and bool(messages[0].buttons)
        if in_place and menu_id is not None and await self._edit_in_place(bot, chat_id, menu_id, messages[0]):
            messages = []
        session.outbox_edit = None
        while messages:
            await self._send_message(bot, chat_id, messages[0], reply_to)
            messages = messages[1:]
            session.outbox = messages
            await self.store.put(key, session)
        if session.outbox or menu_id is not None or reply_to is not None:
            session.outbox, session.outbox_reply_to = [], None
            await self.store.put(key, session)

    async def _think(self, bot: Bot, chat_id: int, session: Session, turn: Turn) -> Reply:
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        answer = loop.run_in_executor(self._worker, context.run, self.engine.handle, session, turn)
        typing = asyncio.create_task(self._keep_typing(bot, chat_id))
        try:
            return await answer
        finally:
            typing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await typing

    async def _keep_typing(self, bot: Bot, chat_id: int) -> None:
        """Show "typing…" once the answer takes longer than ``typing_after``, renewed before it fades."""
        await asyncio.sleep(self.typing_after)
        while True:
            try:
                await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
            except PERMANENT_ERRORS:
                return  # blocked, gone or migrated: it would be refused every time
            except TelegramError:
                pass
            await asyncio.sleep(4.5)  # Telegram shows the indicator for 5 seconds

    # --- sending -----------------------------------------------------------------------------------

    async def send_reply(
        self, bot: Bot, conversation: Conversation, reply: Reply, pressed: TgMessage | None = None
    ) -> None:
        """Send ``reply``; a single message with buttons answering a button press replaces the menu."""
        menu_id = pressed.message_id if pressed is not None else None
        await self._deliver(bot, conversation, reply.messages, menu_id)

    async def _deliver(
        self, bot: Bot, conversation: Conversation, messages: list[ReplyMessage], menu_id: int | None
    ) -> None:
        """Send ``messages``; a single one with buttons replaces the menu ``menu_id`` when there is one."""
        chat_id = conversation.chat_id
        in_place = menu_id is not None and len(messages) == 1 and bool(messages[0].buttons)
        if in_place and menu_id is not None and await self._edit_in_place(bot, chat_id, menu_id, messages[0]):
            return
        for message in messages:
            await self._send_message(bot, chat_id, message, conversation.reply_to)

    async def _edit_in_place(self, bot: Bot, chat_id: int, message_id: int, message: ReplyMessage) -> bool:
        parts = split_html(message.text)
        if len(parts) != 1:
            return False
        try:
            await self._call(
                lambda: bot.edit_message_text(
                    chat_id=chat_id,
                    message_id=message_id,
                    text=parts[0],
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(message.buttons),
                ),
                idempotent=True,
            )
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return True  # the same menu pressed twice: it already shows what it should
            log.info("could not edit message in place (%s); sending a new one", error.message)
            return False
        return True

    async def _send_message(
        self, bot: Bot, chat_id: int, message: ReplyMessage, reply_to: int | None = None
    ) -> None:
        parts = split_html(message.text)
        for number, part in enumerate(parts, start=1):
            markup = keyboard(message.buttons) if number == len(parts) else None
            await self._send_part(bot, chat_id, part, markup, reply_to)

    async def _send_part(
        self,
        bot: Bot,
        chat_id: int,
        part: str,
        markup: InlineKeyboardMarkup | None,
        reply_to: int | None = None,
    ) -> None:
        # a group reply quotes the member's message; sent all the same if that message was deleted
        quoting = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
        try:
            await self._call(
                lambda: bot.send_message(
                    chat_id=chat_id,
                    text=part,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    reply_parameters=quoting,
                ),
                idempotent=False,
            )
        except BadRequest as error:
            if "parse entities" not in error.message:
                raise
            # a formatting slip in our own text must not cost the user the answer
            log.error("Telegram refused the HTML of a reply (%s); sending it as plain text", error.message)
            await self._call(
                lambda: bot.send_message(
                    chat_id=chat_id, text=plain_text(part), reply_markup=markup, reply_parameters=quoting
                ),
                idempotent=False,
            )
        except ChatMigrated as error:
            # the group became a supergroup with a new id: the reply goes there, once (the quoted message
            # stayed behind in the old group)
            moved_to = error.new_chat_id
            log.info("chat %s moved to %s; reply sent there", chat_id, moved_to)
            await self._call(
                lambda: bot.send_message(
                    chat_id=moved_to, text=part, parse_mode=ParseMode.HTML, reply_markup=markup
                ),
                idempotent=False,
            )
        except TimedOut as error:
            # the request went out and the answer did not come back: Telegram has probably delivered the
            # message, and sending it again would show it twice
            log.warning("sendMessage to chat %s timed out after sending (%s); not repeated", chat_id, error)

    async def _call(self, request: Callable[[], Awaitable[T]], *, idempotent: bool) -> T:
        """Make a Bot API call, repeating it after network errors that cannot have delivered anything.

        ``RetryAfter`` is already honoured by PTB's rate limiter; what reaches here are connection
        failures, 5xx answers, unreadable answers and time-outs. A time-out after the request was sent
        is repeated only for calls that are harmless to repeat (edits, chat actions): a ``sendMessage``
        that timed out is taken as delivered (at most once), since repeating it would show it twice.
        A 400 (``BadRequest``, which PTB derives from ``NetworkError``) is never repeated: Telegram read
        the request and refused it, and the same request gets the same answer; nor are the other
        refusals of :data:`PERMANENT_ERRORS` (blocked, unknown token or method, conflict, migrated).
        """
        for attempt in range(1, self.attempts + 1):
            try:
                return await request()
            except RetryAfter:
                raise
            except PERMANENT_ERRORS:
                raise
            except TimedOut as error:
                never_sent = isinstance(error.__cause__, (httpx.ConnectTimeout, httpx.PoolTimeout))
                if attempt == self.attempts or not (idempotent or never_sent):
                    raise
            except NetworkError:
                if attempt == self.attempts:
                    raise
            except TelegramError as error:
                # a body that is not JSON comes from a proxy in the way, not from Telegram, which would
                # have answered in its envelope: the call did not get through, so it is repeated
                if error.message != "Invalid server response" or attempt == self.attempts:
                    raise
            await asyncio.sleep(0.2 * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # the loop either returns or raises

    async def _answer(self, query: CallbackQuery, note: str | None = None) -> bool:
        """Answer a callback query; a failure only leaves a spinner, so it is logged, never raised."""
        try:
            await self._call(lambda: query.answer(text=note, show_alert=note is not None), idempotent=False)
        except TelegramError as error:
            log.info("could not answer callback query: %s", error.message)
        return True

    async def _text(
        self, conversation: Conversation | None, note: str, *, language: str | None = None, **values: object
    ) -> str:
        """A note of the adapter's own, in the conversation's language and script (plain text).

        The person's session decides; one without a session gets their Telegram ``language`` code.
        """
        try:
            session = None if conversation is None else await self.store.get(conversation.key)
        except StorageUnavailable:  # the note must still go out, in the user's Telegram language
            session = None
        locale = session.locale if session is not None else locale_for_language_code(language)
        with using_locale(locale):
            return localise_script(_(note).format(**values), locale)

    async def _note(
        self,
        bot: Bot,
        conversation: Conversation,
        note: str,
        *,
        language: str | None = None,
        **values: object,
    ) -> None:
        text = await self._text(conversation, note, language=language, **values)
        await self._send_part(bot, conversation.chat_id, esc(text), None, conversation.reply_to)
