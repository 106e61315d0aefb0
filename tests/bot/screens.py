"""Screenshots of received messages, drawn by the tests themselves, for the OCR tests and the benchmark.

Three layouts of a phone screen 720 pixels wide, text in WenQuanYi Micro Hei (Debian's
``fonts-wqy-microhei``, which ``make cjk-font`` installs):

- ``sms``: a text-message thread, the sender above a grey bubble;
- ``chat``: a chat app, the other side's lines in white bubbles on the left, the person's own (「我：」) in
  green bubbles on the right, speaker names above the left bubbles;
- ``photo``: the ``sms`` screen photographed with another phone: turned a few degrees, unevenly lit,
  blurred, grainy and saved as a JPEG.

Everything is drawn in memory from a seed, so a failing test can be replayed exactly.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
Layout = Literal["sms", "chat", "photo"]
LAYOUTS: tuple[Layout, ...] = ("sms", "chat", "photo")
WIDTH = 720
MARGIN = 28
BUBBLE_PAD = 22
FONT_SIZE = 30
LINE_GAP = 12


def font_available() -> bool:
    """Whether the CJK font is installed (``make cjk-font``)."""
    return FONT_PATH.exists()


def _font(size: int = FONT_SIZE) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines of at most ``width`` pixels, broken between any two characters as phones break Chinese."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if line and font.getlength(line + char) > width:
                lines.append(line)
                line = char
            else:
                line += char
        lines.append(line)
    return lines


def _bubble_size(lines: list[str], font: ImageFont.FreeTypeFont) -> tuple[int, int]:
    width = max(int(font.getlength(line)) for line in lines) + 2 * BUBBLE_PAD
    height = len(lines) * (FONT_SIZE + LINE_GAP) - LINE_GAP + 2 * BUBBLE_PAD
    return width, height


def _draw_bubble(
    draw: ImageDraw.ImageDraw, x: int, y: int, lines: list[str], font: ImageFont.FreeTypeFont, fill: str
) -> int:
    width, height = _bubble_size(lines, font)
    draw.rounded_rectangle((x, y, x + width, y + height), radius=18, fill=fill)
    for number, line in enumerate(lines):
        draw.text(
            (x + BUBBLE_PAD, y + BUBBLE_PAD + number * (FONT_SIZE + LINE_GAP)),
            line,
            font=font,
            fill="#111111",
        )
    return y + height


def _sms(text: str) -> Image.Image:
    font, small = _font(), _font(24)
    lines = _wrap(text, font, WIDTH - 2 * MARGIN - 2 * BUBBLE_PAD - 60)
    _, height = _bubble_size(lines, font)
    image = Image.new("RGB", (WIDTH, height + 200), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 90), fill="#f2f2f7")
    draw.text((WIDTH // 2 - 70, 30), "106 9xxx 0000", font=small, fill="#333333")
    draw.text((MARGIN, 110), "短信 · 今天 09:41", font=small, fill="#8e8e93")
    _draw_bubble(draw, MARGIN, 150, lines, font, "#e9e9eb")
    return image


def _chat(text: str) -> Image.Image:
    font, small = _font(), _font(22)
    turns: list[tuple[str, str]] = []
    for line in text.splitlines():
        speaker, sep, said = line.partition("：")
        if not sep or len(speaker) > 14:
            speaker, said = "", line
        turns.append((speaker, said))
    inner = WIDTH - 2 * MARGIN - 2 * BUBBLE_PAD - 120
    blocks = [(speaker, _wrap(said, font, inner)) for speaker, said in turns if said.strip()]
    height = 120 + sum(_bubble_size(lines, font)[1] + 60 for _, lines in blocks)
    image = Image.new("RGB", (WIDTH, height), "#ededed")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 80), fill="#f7f7f7")
    draw.text((WIDTH // 2 - 40, 26), "聊天", font=_font(26), fill="#111111")
    y = 110
    for speaker, lines in blocks:
        width, _ = _bubble_size(lines, font)
        if speaker == "我":
            y = _draw_bubble(draw, WIDTH - MARGIN - width, y, lines, font, "#95ec69") + 40
            continue
        if speaker:
            draw.text((MARGIN, y), speaker, font=small, fill="#7f7f7f")
            y += 30
        y = _draw_bubble(draw, MARGIN, y, lines, font, "white") + 40
    return image


def _photographed(image: Image.Image, rng: random.Random) -> Image.Image:
    """The screen as another phone's camera sees it: turned, unevenly lit, soft and grainy."""
    image = image.rotate(
        rng.uniform(-4.0, 4.0), resample=Image.Resampling.BICUBIC, expand=True, fillcolor="#3a3a3a"
    )
    pixels = np.asarray(image, dtype=np.float32)
    height, width = pixels.shape[:2]
    # light falling off towards one corner, as under a desk lamp
    ys, xs = np.mgrid[0:height, 0:width]
    light = 1.0 - 0.25 * ((xs / width) * rng.uniform(0.5, 1.0) + (ys / height) * rng.uniform(0.3, 1.0)) / 2
    pixels *= light[..., None]
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 9.0, pixels.shape)
    pixels = np.clip(pixels + noise, 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.1)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=rng.randint(60, 80))
    return Image.open(io.BytesIO(buffer.getvalue()))


def render(text: str, layout: Layout, seed: int = 0) -> Image.Image:
    """A screenshot of ``text`` in ``layout`` (see the module docstring)."""
    if layout == "chat":
        return _chat(text)
    image = _sms(text)
    if layout == "photo":
        return _photographed(image, random.Random(seed))
    return image


def screenshot(text: str, layout: Layout, seed: int = 0) -> bytes:
    """``render`` as file bytes: PNG for the screenshots, JPEG for the photograph."""
    image = render(text, layout, seed)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG" if layout == "photo" else "PNG", quality=85)
    return buffer.getvalue()
