"""``loan-advisor inspect FILE``: check a received message — a text file or a screenshot — for scam signs.

FILE is a UTF-8 text file or an image (PNG, JPEG, WebP, BMP, GIF), or ``-`` for standard input. An image
is read with the same offline OCR the bot uses (:mod:`bot.ocr`), within the same limits. Without
``--json`` the reply is printed as the chat shows it (plain text); with ``--json`` the inspection is
printed as ``{"suspicious", "signs": [{"id", "title", "quotes", "facts", "advice", "faq"}], "figures",
"text", "redactions", "cut", "read_from_image"}``. The text shown is redacted: ID, card and phone
numbers never appear. Exit status 0 on success, 2 when the file cannot be read or the image has no text.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the sub-command's options."""
    parser.add_argument("file", help="a text file or a screenshot (PNG, JPEG…), or - for standard input")
    parser.add_argument("--json", action="store_true", help="print the inspection as JSON")


def _is_image(data: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)):
            return True
    except (UnidentifiedImageError, OSError):
        return False


def run(args: argparse.Namespace) -> int:
    """Check the file; print the reply or the JSON."""
    from bot.ocr import UNREADABLE_NOTES, ImageUnreadable, OcrLimits, RapidOcrReader, read_text
    from flows.i18n import _, using_locale
    from flows.inspect_view import inspection_reply
    from flows.reply import plain_text
    from knowledge.base import default
    from knowledge.inspection import inspect_message

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as error:
        print(f"读不到这个文件 / cannot read the file: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from_image = _is_image(data)
    if from_image:
        try:
            text = read_text(data, RapidOcrReader(threads=2), OcrLimits())
        except ImageUnreadable as error:
            with using_locale("zh_CN"):
                print(f"{_(UNREADABLE_NOTES[error.code])} ({error.code})", file=sys.stderr)
            return EXIT_BAD_INPUT
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            print("文件不是 UTF-8 文本，也不是图片 / neither UTF-8 text nor an image", file=sys.stderr)
            return EXIT_BAD_INPUT
    if not text.strip():
        print("文件是空的 / the file is empty", file=sys.stderr)
        return EXIT_BAD_INPUT
    report = inspect_message(text)
    if args.json:
        print(json.dumps({**report.to_dict(), "read_from_image": from_image}, ensure_ascii=False, indent=2))
        return 0
    with using_locale("zh_CN"):
        reply = inspection_reply(default(), report, read_text=report.text if from_image else None)
        print("\n\n".join(plain_text(message.text) for message in reply.messages))
    return 0
