"""Reading the text of a screenshot, offline, in memory, bounded: the OCR edge of the message check.

The recogniser is behind a small interface (:class:`TextReader`: an RGB image in, lines with their boxes
out); :class:`RapidOcrReader` is the shipped one (``rapidocr-onnxruntime``, whose Chinese detection and
recognition models are inside its wheel, so nothing is downloaded at run time). Around it:

- :func:`decode_image` refuses what is too big before decoding it (bytes, then pixels read from the header),
  and anything that is not a PNG, JPEG, WebP, BMP or GIF picture;
- :func:`assemble` turns the lines back into the message: lines of one bubble joined, the person's own
  bubbles (right-aligned, as every chat app draws them) marked 「我：」 so that their words are not taken
  for the sender's, a short name above a bubble taken as its speaker (「客服小林：…」);
- :class:`ImageReading` runs it off the event loop in one worker thread, one image at a time per person,
  with a time limit and a short queue, and answers every failure with an :class:`ImageUnreadable` whose
  ``code`` the adapter words in Chinese.

Privacy: images and their text stay in memory; nothing here writes them anywhere or logs them (the log
gets sizes and timings only).
"""

from __future__ import annotations

import asyncio
import ctypes
import io
import logging
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Protocol

import numpy as np

from flows.i18n import N_

log = logging.getLogger(__name__)

UnreadableCode = Literal[
    "too_large", "too_many_pixels", "not_an_image", "timed_out", "no_text", "busy", "same_person"
]
#: what the person is told for each reason an image could not be read (translated at sending)
UNREADABLE_NOTES: dict[UnreadableCode, str] = {
    "too_large": N_("图片太大了，请截取有文字的那一部分再发，或者直接把文字粘贴过来。"),
    "too_many_pixels": N_("图片尺寸太大了，请截取有文字的那一部分再发，或者直接把文字粘贴过来。"),
    "not_an_image": N_("这个文件打不开，不像是图片。请发送截图（PNG 或 JPG），或者直接把文字粘贴过来。"),
    "timed_out": N_("这张图片读得太久，没能读完。请截取有文字的那一部分再发，或者直接把文字粘贴过来。"),
    "no_text": N_("这张图片里没有读到文字。请发送清晰一些的截图，或者直接把文字粘贴过来。"),
    "busy": N_("现在要读的图片有点多，请过一会儿再发。"),
    "same_person": N_("上一张图片还在读，请稍等，读完再发下一张。"),
}
#: formats a phone's screenshot or photo comes in
IMAGE_FORMATS = frozenset({"PNG", "JPEG", "WEBP", "BMP", "GIF", "MPO"})


class ImageUnreadable(Exception):
    """An image that could not be read; ``code`` says why, for a friendly reply."""

    def __init__(self, code: UnreadableCode, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code: UnreadableCode = code


@dataclass(frozen=True)
class OcrLimits:
    """How much one image may cost: bytes, pixels, the longest side read, seconds, images waiting."""

    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 25_000_000
    #: larger images are scaled down first: phone text stays legible and the time stays bounded
    max_side: int = 2000
    timeout_seconds: float = 20.0
    #: images waiting for the worker, all chats together; more get 「busy」 at once
    max_waiting: int = 4


@dataclass(frozen=True)
class OcrLine:
    """One line of text found in an image, with its box in pixels."""

    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def height(self) -> float:
        """The box's height."""
        return self.bottom - self.top


class TextReader(Protocol):
    """A recogniser: lines of text (with boxes) in an RGB image. Blocking; called from a worker thread."""

    def read_lines(self, image: np.ndarray) -> list[OcrLine]:
        """The lines of text in ``image`` (height × width × 3, RGB, uint8)."""
        ...


class RapidOcrReader:
    """``rapidocr-onnxruntime`` with its bundled PP-OCRv4 Chinese models, loaded on first use.

    Args:
        threads: ONNX Runtime threads per model; 1 leaves the other core to the bot's other chats.
        min_score: lines recognised with less confidence are dropped.
    """

    def __init__(self, *, threads: int = 1, min_score: float = 0.5) -> None:
        self.threads = threads
        self.min_score = min_score
        self._engine: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the models now (about 2 s), rather than on the first image."""
        with self._lock:
            if self._engine is None:
                from rapidocr_onnxruntime import RapidOCR

                self._engine = RapidOCR(
                    intra_op_num_threads=self.threads,
                    inter_op_num_threads=1,
                    text_score=self.min_score,
                    # detect on the image scaled to at most 1280 pixels a side (text is then read from
                    # the full image): the package's default scales small sides up, which on phone
                    # screenshots doubled the peak memory (bench/ocr.py) for no better reading
                    det_limit_type="max",
                    det_limit_side_len=1280,
                    # lines recognised two at a time rather than six: a batch is padded to its widest
                    # line, and smaller batches read the screenshots no slower (bench/ocr.py)
                    rec_batch_num=2,
                    cls_batch_num=2,
                )

    def read_lines(self, image: np.ndarray) -> list[OcrLine]:
        """The lines rapidocr finds in ``image``."""
        self.load()
        bgr = np.ascontiguousarray(image[..., ::-1])  # rapidocr takes arrays in OpenCV's order
        try:
            result, _elapsed = self._engine(bgr)
        finally:
            release_freed_memory()
        lines = []
        for box, text, _score in result or []:
            xs = [float(point[0]) for point in box]
            ys = [float(point[1]) for point in box]
            if str(text).strip():
                lines.append(OcrLine(str(text), min(xs), min(ys), max(xs), max(ys)))
        return lines


@cache
def _libc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or ``None`` on a C library without it."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def release_freed_memory() -> None:
    """Give the memory freed after a reading back to the system.

    ONNX Runtime runs here without its arena, on glibc's malloc, which keeps what a reading freed for
    later; each screenshot's tensors have shapes of their own, so the kept pieces did not fit the next
    one and the peak grew from image to image. Trimming after each image lowered the peak the OCR adds
    by about 50 MiB (bench/ocr.py, paired runs) for a millisecond's work.
    """
    trim = _libc_trim()
    if trim is not None:
        trim(0)


def decode_image(data: bytes, limits: OcrLimits) -> np.ndarray:
    """The RGB pixels of ``data``, scaled down to ``limits.max_side``.

    Raises:
        ImageUnreadable: ``too_large`` (bytes), ``too_many_pixels`` (from the header, before decoding) or
            ``not_an_image``.
    """
    from PIL import Image, UnidentifiedImageError

    if len(data) > limits.max_bytes:
        raise ImageUnreadable("too_large", f"{len(data)} bytes")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in IMAGE_FORMATS:
                raise ImageUnreadable("not_an_image", str(image.format))
            width, height = image.size
            if width * height > limits.max_pixels:
                raise ImageUnreadable("too_many_pixels", f"{width}x{height}")
            image.draft("RGB", (limits.max_side, limits.max_side))  # JPEG: decode at a reduced scale
            rgb = image.convert("RGB")
    except ImageUnreadable:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageUnreadable("not_an_image", type(exc).__name__) from exc
    if max(rgb.size) > limits.max_side:
        rgb.thumbnail((limits.max_side, limits.max_side))
    return np.asarray(rgb)


def assemble(lines: list[OcrLine], width: int) -> str:
    """The message as text from OCR lines: bubbles joined, own bubbles 「我：」, speakers named.

    Args:
        lines: the recogniser's lines, in any order.
        width: the image's width, to tell the right-hand (own) bubbles from the left-hand ones.
    """
    ordered = sorted(lines, key=lambda line: (line.top, line.left))
    column = min((line.left for line in ordered), default=0.0)
    paragraphs: list[list[OcrLine]] = []
    for line in ordered:
        if paragraphs and _continues(paragraphs[-1][-1], line, width, column):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    out: list[str] = []
    speaker = ""
    for number, paragraph in enumerate(paragraphs):
        text = "".join(line.text.strip() for line in paragraph)
        if _own(paragraph, width, column):
            out.append("我：" + text)
            continue
        following = paragraphs[number + 1] if number + 1 < len(paragraphs) else None
        if following is not None and _is_speaker(paragraph, following, width, column):
            speaker = text
            continue
        out.append(f"{speaker}：{text}" if speaker else text)
        speaker = ""
    return "\n".join(out)


def _own(paragraph: list[OcrLine], width: int, column: float) -> bool:
    # the person's own bubbles hug the right edge and start well right of the left-hand column of text
    # (even a full-width own bubble leaves the other side's avatar space free)
    return all(line.left > column + 0.12 * width and line.right > 0.75 * width for line in paragraph)


def _continues(previous: OcrLine, line: OcrLine, width: int, column: float) -> bool:
    """Whether ``line`` is the next line of the bubble ``previous`` is in."""
    gap = line.top - previous.bottom
    same_column = abs(line.left - previous.left) < 0.06 * width
    # a name above a bubble is short and set smaller than the bubble's text (only compared for short
    # lines: a photographed screen's turned lines have boxes taller the longer they are)
    name_above = len(previous.text.strip()) <= 10 and line.height > 1.2 * previous.height
    return (
        gap < 0.8 * max(previous.height, 1)
        and same_column
        and not name_above
        and _own([line], width, column) == _own([previous], width, column)
    )


def _is_speaker(paragraph: list[OcrLine], following: list[OcrLine], width: int, column: float) -> bool:
    """A short name just above a left-hand bubble (「客服小林」) is that bubble's speaker."""
    if len(paragraph) != 1 or _own(following, width, column):
        return False
    name = paragraph[0]
    close = following[0].top - name.bottom < 1.5 * max(name.height, 1)
    short = len(name.text.strip()) <= 10 and not any(mark in name.text for mark in "，。！？,.!?：:")
    return close and short and abs(following[0].left - name.left) < 0.08 * width


def read_text(data: bytes, reader: TextReader, limits: OcrLimits) -> str:
    """Decode, recognise and assemble one image (blocking).

    Raises:
        ImageUnreadable: as :func:`decode_image`, or ``no_text`` when nothing legible was found.
    """
    pixels = decode_image(data, limits)
    lines = reader.read_lines(pixels)
    text = assemble(lines, pixels.shape[1])
    if len(text.replace("\n", "").strip()) < 4:
        raise ImageUnreadable("no_text")
    return text


class ImageReading:
    """Reads images off the event loop: one worker thread, one image per person at a time, a time limit.

    The time limit bounds how long a person waits; a recognition that overruns it cannot be stopped
    mid-call, so it finishes in the worker (bounded by ``max_side``) while the person is told it took too
    long, and the short queue (``max_waiting``) keeps later images from piling up behind it.
    """

    def __init__(self, reader: TextReader, limits: OcrLimits | None = None) -> None:
        self.reader = reader
        self.limits = limits or OcrLimits()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ocr")
        self._reading: set[Hashable] = set()
        self._waiting = 0

    async def read(self, person: Hashable, data: bytes) -> str:
        """The text of ``data``, read for ``person``.

        Raises:
            ImageUnreadable: ``same_person`` while this person's previous image is being read, ``busy``
                when too many images wait, ``timed_out``, and the codes of :func:`read_text`.
        """
        if person in self._reading:
            raise ImageUnreadable("same_person")
        if self._waiting >= self.limits.max_waiting:
            raise ImageUnreadable("busy")
        self._reading.add(person)
        self._waiting += 1
        started = time.monotonic()
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(self._worker, read_text, data, self.reader, self.limits)
        job.add_done_callback(self._finished)  # an overrun job still holds its place until it ends
        try:
            text = await asyncio.wait_for(asyncio.shield(job), self.limits.timeout_seconds)
        except TimeoutError:
            log.warning(
                "an image took longer than %.0fs to read; the person was told", self.limits.timeout_seconds
            )
            raise ImageUnreadable("timed_out") from None
        finally:
            self._reading.discard(person)
        log.info("read an image of %d bytes in %.2fs", len(data), time.monotonic() - started)
        return text

    def _finished(self, _job: object) -> None:
        self._waiting -= 1

    def close(self) -> None:
        """Stop the worker thread (after the image it is reading)."""
        self._worker.shutdown(wait=True)
