"""Reading screenshots (bot/ocr.py): 24 screenshots the tests draw of labelled messages, in three layouts
(an SMS thread, a chat, and the SMS thread photographed: turned, unevenly lit, grainy, JPEG), read with
the shipped OCR and checked like a forwarded message; and the limits around it.

The scores asserted are the issue's: scam signs found with at least 95 % recall, at most 5 % false
alarms on the legitimate messages, figures right in at least 95 %.
"""

from __future__ import annotations

import asyncio
import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.ocr import (
    ImageReading,
    ImageUnreadable,
    OcrLimits,
    OcrLine,
    RapidOcrReader,
    assemble,
    decode_image,
    read_text,
)
from knowledge.inspection import Inspection, inspect_message
from knowledge.inspection.evaluate import LabelledMessage, read_messages, score
from tests.bot.screens import LAYOUTS, Layout, font_available, screenshot

pytestmark = [
    pytest.mark.skipif(not font_available(), reason="the CJK font is missing: run `make cjk-font`"),
    pytest.mark.slow,  # loads the OCR models and reads real screenshots
]

DATA = Path(__file__).resolve().parents[1] / "data" / "scam_messages.yaml"
#: which messages are drawn in which layout: transcripts as chats, the rest as SMS, eight photographed;
#: 16 scam and 8 legitimate, 8 with figures
SCREENSHOTS: dict[Layout, tuple[str, ...]] = {
    "chat": ("m003", "m012", "m019", "m027", "m045", "m048", "m077", "m091"),
    "sms": ("m001", "m002", "m005", "m006", "m021", "m057", "m072", "m079"),
    "photo": ("m009", "m014", "m029", "m037", "m044", "m063", "m101", "m106"),
}


@pytest.fixture(scope="module")
def reader() -> RapidOcrReader:
    reader = RapidOcrReader()
    reader.load()
    return reader


@pytest.fixture(scope="module")
def labelled() -> dict[str, LabelledMessage]:
    return {message.id: message for message in read_messages(DATA)}


@pytest.fixture(scope="module")
def read_back(reader: RapidOcrReader, labelled: dict[str, LabelledMessage]) -> dict[tuple[Layout, str], str]:
    """The text read from every screenshot, by (layout, message id)."""
    return {
        (layout, message_id): read_text(
            screenshot(labelled[message_id].text, layout, seed=int(message_id[1:])), reader, OcrLimits()
        )
        for layout, ids in SCREENSHOTS.items()
        for message_id in ids
    }


def test_there_are_at_least_twenty_screenshots_in_three_layouts() -> None:
    assert sum(len(ids) for ids in SCREENSHOTS.values()) >= 20 and set(SCREENSHOTS) == set(LAYOUTS)


@pytest.mark.parametrize("layout", [*LAYOUTS, "all"])
def test_screenshots_are_checked_as_well_as_the_text(
    read_back: dict[tuple[Layout, str], str], labelled: dict[str, LabelledMessage], layout: str
) -> None:
    chosen = {key: text for key, text in read_back.items() if layout in (key[0], "all")}
    reports: dict[str, Inspection] = {
        message_id: inspect_message(text) for (_, message_id), text in chosen.items()
    }
    scores = score([labelled[message_id] for message_id in reports], reports)
    assert scores.recall >= 0.95, scores.lines(layout)
    assert scores.false_alarm_rate <= 0.05, scores.lines(layout)
    assert scores.figures_rate >= 0.95, scores.lines(layout)


def test_the_persons_own_bubbles_are_marked_as_theirs(read_back: dict[tuple[Layout, str], str]) -> None:
    chat = read_back[("chat", "m048")]  # 「我：有人…让我共享屏幕」 must not count as the sender's words
    assert chat.splitlines()[1].startswith("我：") and "共享屏幕" in chat
    assert "客服小林：" in read_back[("chat", "m003")]  # a name above a bubble is its speaker


def test_lines_are_put_back_into_bubbles_and_speakers() -> None:
    lines = [
        OcrLine("客服", 20, 100, 80, 120),
        OcrLine("您的额度已经批了，需要先交", 40, 130, 600, 160),
        OcrLine("保证金", 40, 165, 140, 195),
        OcrLine("能从贷款里扣吗", 420, 260, 690, 290),
    ]
    assert assemble(lines, 720) == "客服：您的额度已经批了，需要先交保证金\n我：能从贷款里扣吗"


def _png(width: int, height: int, colour: str = "white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    huge = _png(6000, 5000)  # 30 million pixels, a few kilobytes of PNG
    with pytest.raises(ImageUnreadable) as caught:
        decode_image(huge, OcrLimits())
    assert caught.value.code == "too_many_pixels"


def test_too_many_bytes_or_not_an_image_is_refused() -> None:
    with pytest.raises(ImageUnreadable) as caught:
        decode_image(b"\x89PNG" + b"0" * 2000, OcrLimits(max_bytes=1000))
    assert caught.value.code == "too_large"
    with pytest.raises(ImageUnreadable) as caught:
        decode_image("这不是图片".encode() * 10, OcrLimits())
    assert caught.value.code == "not_an_image"


def test_a_large_image_is_scaled_down_before_reading() -> None:
    pixels = decode_image(_png(3000, 1500), OcrLimits(max_side=2000))
    assert pixels.shape == (1000, 2000, 3) and pixels.dtype == np.uint8


def test_an_image_without_text_says_so(reader: RapidOcrReader) -> None:
    with pytest.raises(ImageUnreadable) as caught:
        read_text(_png(400, 300, "#88aadd"), reader, OcrLimits())
    assert caught.value.code == "no_text"


async def test_reading_runs_off_the_event_loop_within_its_limits(reader: RapidOcrReader) -> None:
    image = screenshot(read_messages(DATA)[0].text, "sms")
    reading = ImageReading(reader, OcrLimits(max_waiting=2))
    try:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        started = time.monotonic()
        first = asyncio.create_task(reading.read("person-1", image))
        await asyncio.sleep(0)
        with pytest.raises(ImageUnreadable) as same:  # one image at a time per person
            await reading.read("person-1", image)
        second = asyncio.create_task(reading.read("person-2", image))
        await asyncio.sleep(0)
        with pytest.raises(ImageUnreadable) as busy:  # the queue is full
            await reading.read("person-3", image)
        texts = await asyncio.gather(first, second)
        elapsed = time.monotonic() - started
        ticker.cancel()
        assert same.value.code == "same_person" and busy.value.code == "busy"
        assert all("解冻金" in text for text in texts)
        assert ticks >= 0.5 * elapsed / 0.01  # the loop kept turning while the images were read
    finally:
        reading.close()


async def test_an_image_that_takes_too_long_is_given_up_with_a_reason(reader: RapidOcrReader) -> None:
    reading = ImageReading(reader, OcrLimits(timeout_seconds=0.05))
    try:
        with pytest.raises(ImageUnreadable) as caught:
            await reading.read("person", screenshot("【测试】" + "很长的消息" * 40, "sms"))
        assert caught.value.code == "timed_out"
        with pytest.raises(ImageUnreadable) as again:  # the person may send it again at once
            await reading.read("person", screenshot("再发一次：解冻金", "sms"))
        assert again.value.code == "timed_out"
    finally:
        reading.close()
