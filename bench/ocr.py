"""OCR of screenshots: time per image, the memory it adds, and whether other chats keep their latency.

Three measures:

- **per image** (in a fresh interpreter, so its memory is the OCR's alone): the 24 screenshots of
  ``tests/bot/test_ocr.py`` (three layouts) are drawn, then each is read ``runs`` times with the shipped
  reader (one ONNX Runtime thread, as the bot runs it); seconds per image by layout, and ``VmRSS``
  before the models load, after they load and at the peak while reading.
- **other chats while an image is read**: the bot is wired as in production (the adapter with its OCR
  worker, SQLite sessions) and long-polls the stand-in; ``chats`` users each ask FAQ questions one after
  another, first alone (``rounds`` each: the baseline), then all the time one more user sends
  screenshots back to back. The latency of the other chats' first reply message is compared (p50, p90,
  max).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import latency_summary, rss_kib, run_json

#: FAQ questions the other chats ask, in turn
QUESTIONS = ("微粒贷的利息是多少？", "小米贷款上征信吗？", "逾期了会怎么样？", "WE2000能提前还款吗？")


def _worker(runs: int, limit: int = 0) -> dict[str, Any]:
    """Time the screenshots (the first ``limit``, 0 for all) in this process; returns JSON-able figures."""
    from bot.ocr import OcrLimits, RapidOcrReader, read_text
    from knowledge.inspection import inspect_message
    from knowledge.inspection.evaluate import read_messages
    from tests.bot.screens import screenshot
    from tests.bot.test_ocr import DATA, SCREENSHOTS

    messages = {message.id: message for message in read_messages(DATA)}
    images = [
        (layout, message_id, screenshot(messages[message_id].text, layout, seed=int(message_id[1:])))
        for layout, ids in SCREENSHOTS.items()
        for message_id in ids
    ][: limit or None]
    before = rss_kib()["VmRSS"]
    reader = RapidOcrReader(threads=1)
    started = time.perf_counter()
    reader.load()
    load_s = time.perf_counter() - started
    loaded = rss_kib()["VmRSS"]
    by_layout: dict[str, list[float]] = {}
    signs_right = 0
    for layout, message_id, image in images:
        for _ in range(runs):
            started = time.perf_counter()
            text = read_text(image, reader, OcrLimits())
            by_layout.setdefault(layout, []).append(time.perf_counter() - started)
        signs_right += set(inspect_message(text).sign_ids) == set(messages[message_id].signs)
    every = [seconds for values in by_layout.values() for seconds in values]
    figures: dict[str, Any] = {
        "images": len(images),
        "runs_per_image": runs,
        "model_load_s": load_s,
        "seconds_per_image_p50": statistics.median(every),
        "seconds_per_image_max": max(every),
        "rss_before_models_mib": before / 1024,
        "rss_added_by_models_mib": (loaded - before) / 1024,
        "rss_peak_added_mib": (rss_kib()["VmHWM"] - before) / 1024,
        "images_with_exactly_the_labelled_signs": signs_right,
    }
    for name, values in by_layout.items():
        figures[f"seconds_{name}_p50"] = statistics.median(values)
    return figures


async def _ask(
    standin: Any, chat: int, rounds: int, latencies: list[float], timeout: float, until: Any = None
) -> None:
    """One user asking the questions in turn, ``rounds`` of them and on until ``until`` (a task) is
    done; the latency of each first reply message is noted."""
    number = 0
    while number < rounds or (until is not None and not until.done()):
        mark = len(standin.chat_events(chat))
        sent = time.perf_counter()
        await standin.send_text(chat, QUESTIONS[number % len(QUESTIONS)])
        await standin.wait_for(lambda mark=mark: len(standin.chat_events(chat)) > mark, timeout, "an answer")
        latencies.append(time.perf_counter() - sent)
        await standin.quiet(chat, quiet_for=0.1, timeout=timeout)
        number += 1


async def _send_images(standin: Any, chat: int, images: list[tuple[bytes, int, int]], timeout: float) -> int:
    """One user sending screenshots back to back, each once the previous one is answered."""
    answered = 0
    for data, width, height in images:
        mark = len(standin.chat_events(chat))
        await standin.send_photo(chat, data, width=width, height=height)
        await standin.wait_for(lambda mark=mark: len(standin.chat_events(chat)) > mark, timeout, "an answer")
        await standin.quiet(chat, quiet_for=0.3, timeout=timeout)
        answered += 1
    return answered


async def _latency_run(chats: int, rounds: int, images: int, timeout: float = 120.0) -> dict[str, Any]:
    from bot.settings import Settings
    from bot.storage.sqlite import SqliteSessionStore
    from bot.telegram.app import build_application, start_polling, stop
    from flows.engine import build_engine
    from knowledge.inspection.evaluate import read_messages
    from tests.bot.screens import Layout, render, screenshot
    from tests.bot.standin import TOKEN, BotApiStandIn
    from tests.bot.test_ocr import DATA

    engine = build_engine()
    texts = [m.text for m in read_messages(DATA) if m.kind == "scam"][:images]
    pictures = []
    for number, text in enumerate(texts):
        layout: Layout = "photo" if number % 2 else "sms"
        image = render(text, layout, seed=number)
        pictures.append((screenshot(text, layout, seed=number), image.width, image.height))
    standin = BotApiStandIn()
    await standin.start()
    results: dict[str, Any] = {"chats": chats, "questions_per_chat": rounds, "images": len(pictures)}
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as folder:
        settings = Settings(
            _env_file=None,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=standin.base_url,
            telegram_poll_timeout=1,
            telegram_request_timeout=30.0,
            # benchmark users type far faster than people; the per-user flood limit would drop them
            flood_rate_per_minute=60_000,
            flood_burst=1_000,
        )
        store = SqliteSessionStore(Path(folder) / "sessions.sqlite3", ttl_seconds=3600)
        application = build_application(settings, engine, store)
        with application.bot._unfrozen():
            application.bot._rate_limiter = None  # measure the bot, not Telegram's 30 messages/s
        await start_polling(application, settings)
        try:
            # the models load on the first image; load them before timing, as a running bot has
            await _send_images(standin, 9000, pictures[:1], timeout)
            baseline: list[float] = []
            await asyncio.gather(*(_ask(standin, 100 + n, rounds, baseline, timeout) for n in range(chats)))
            during: list[float] = []
            started = time.perf_counter()
            reading = asyncio.create_task(_send_images(standin, 9001, pictures, timeout))
            await asyncio.gather(
                *(_ask(standin, 200 + n, 1, during, timeout, until=reading) for n in range(chats))
            )
            results["images_answered"] = await reading
            results["images_seconds"] = time.perf_counter() - started
            results["questions_during_images"] = len(during)
        finally:
            await stop(application)
            await standin.stop()
    for name, values in (("alone", baseline), ("while_reading_images", during)):
        summary = latency_summary(values)
        results[name] = {
            "first_reply_p50_ms": summary["p50_ms"],
            "first_reply_p90_ms": summary["p90_ms"],
            "first_reply_max_ms": max(values) * 1000,
        }
    return results


def measure(*, runs: int, screenshots: int, chats: int, rounds: int, images: int) -> dict[str, Any]:
    """Both measures: per image in a fresh interpreter, and other chats' latency in this one."""
    per_image = run_json(["-m", "bench.ocr", "--worker", str(runs), str(screenshots)], timeout=1800)
    return {"per_image": per_image, "other_chats": asyncio.run(_latency_run(chats, rounds, images))}


if __name__ == "__main__":
    import json

    if len(sys.argv) >= 4 and sys.argv[1] == "--worker":
        print(json.dumps(_worker(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        print(json.dumps(measure(runs=1, screenshots=0, chats=3, rounds=8, images=4), indent=2))
