"""Metrics for operators: a real ``loan-advisor bot`` process, a scripted conversation through the Bot API
stand-in, then a scrape of ``/metrics`` as Prometheus would make it.

The counts must be what happened (updates by kind, FAQ bands as the matcher decided them, one self-check
started and finished, two calculator turns, the flood refusals, each Bot API error the stand-in
answered), and nothing in the scrape may be text someone typed, a chat or user id, a name or the token.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import __version__
from bot.metrics import FAQ_BANDS, Metrics, PrometheusMetrics, open_metrics
from bot.settings import Settings
from knowledge.base import default
from knowledge.understanding import load_matcher
from tests.bot.conftest import free_port, wait_port
from tests.bot.standin import TOKEN, BotApiStandIn, Fault
from tests.bot.test_telegram_e2e import run_self_check, start_bot_process, stop_process

#: one fresh chat per question, so that no earlier answer colours the next (follow-ups are another test's)
QUESTIONS = {919191001: "小米贷款上征信吗？", 919191002: "今天天气怎么样", 919191003: "微粒贷咋样"}
CHECKER, CALCULATOR, FLOODER, BLOCKED = 919191004, 919191005, 919191006, 919191007
BURST = 30  # each user's allowance at once; the flooder sends five more
STICKERS = BURST + 5

#: label names a scrape may carry: ours, and those of prometheus-client's standard collectors
ALLOWED_LABELS = {"kind", "band", "method", "version", "le"} | {
    "implementation", "major", "minor", "patchlevel", "generation",
}  # fmt: skip


def parse(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """``{sample name: {sorted labels: value}}`` from the Prometheus text format."""
    samples: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict[str, dict[tuple[tuple[str, str], ...], float]], name: str, **labels: str) -> float:
    return samples.get(name, {}).get(tuple(sorted(labels.items())), 0.0)


async def scrape(port: int) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        return await response.text()


def expected_bands() -> Counter[str]:
    """The band the matcher gives each question, with the thresholds the bot runs with."""
    settings = Settings(_env_file=None)
    matcher = load_matcher(
        default(),
        answer_threshold=settings.faq_answer_threshold,
        suggest_threshold=settings.faq_suggest_threshold,
    )
    return Counter(matcher.ask(question).band for question in QUESTIONS.values())


@pytest.mark.slow
async def test_a_scrape_after_a_scripted_conversation_counts_what_happened_and_nothing_personal(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    port = free_port()
    process = start_bot_process(
        standin,
        tmp_path,
        "bot",
        LOAN_ADVISOR_METRICS_PORT=str(port),
        LOAN_ADVISOR_FLOOD_BURST=str(BURST),
        LOAN_ADVISOR_FLOOD_RATE_PER_MINUTE="1",
        LOAN_ADVISOR_STORAGE_URL=f"sqlite:///{tmp_path / 'sessions.sqlite3'}",
        LOAN_ADVISOR_DATA_DIR=str(tmp_path),
    )
    try:
        await wait_port(port, timeout=60)
        before = parse(await scrape(port))
        assert value(before, "loan_advisor_updates_received_total", kind="message") == 0

        # free questions, one band each (as the matcher decides them)
        for chat, question in QUESTIONS.items():
            await standin.say(chat, question, timeout=20)
        # a whole self-check; the first reply to it is refused once with 429 (and sent after the wait)
        standin.faults.append(Fault("sendMessage", "flood", times=1, retry_after=1))
        await standin.say(CHECKER, "/check", timeout=20)
        await run_self_check(standin, CHECKER)
        # the calculator, opened with a loan and then changed
        await standin.say(CALCULATOR, "/calc 借1万分12期，日利率0.05%", timeout=20)
        await standin.say(CALCULATOR, "改成24期", timeout=20)
        # a user who has blocked the bot: the reply is refused with 403
        standin.blocked.add(BLOCKED)
        await standin.send_text(BLOCKED, "/start")
        await standin.wait_for(lambda: any(e.code == 403 for _, e in standin.errors), 20, "a 403")
        # a flood of stickers: the first BURST are answered, the rest dropped
        for _ in range(STICKERS):
            await standin.send_media(FLOODER, "sticker")

        async def settled() -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
            for _ in range(200):
                samples = parse(await scrape(port))
                handled = sum(samples.get("loan_advisor_updates_handled_total", {}).values())
                if handled == len(standin.update_kinds):
                    return samples
                await asyncio.sleep(0.1)
            raise AssertionError(f"handled {handled} of {len(standin.update_kinds)} updates")

        samples = await settled()
        text = await scrape(port)
        # what the stand-in refused until now (stopping may add a getUpdates conflict of its own)
        refused = Counter((method, error.code) for method, error in standin.errors)
    finally:
        status = await stop_process(process)
    log = (tmp_path / "bot.log").read_text(errors="replace")
    assert status == 0, log

    # updates, by kind, received and handled; every one timed; none left in the inbox
    kinds = Counter(standin.update_kinds)
    for kind, count in kinds.items():
        assert value(samples, "loan_advisor_updates_received_total", kind=kind) == count
        assert value(samples, "loan_advisor_updates_handled_total", kind=kind) == count
    assert kinds["callback_query"] >= 3  # the self-check's buttons were pressed
    assert value(samples, "loan_advisor_turn_seconds_count") == len(standin.update_kinds)
    assert value(samples, "loan_advisor_turn_seconds_bucket", le="+Inf") == len(standin.update_kinds)
    assert value(samples, "loan_advisor_inbox_depth") == 0

    # what the engine did: bands, the self-check, the calculator
    bands = expected_bands()
    assert set(bands) == set(FAQ_BANDS.values())  # the script covers all three bands
    for band in FAQ_BANDS.values():
        assert value(samples, "loan_advisor_faq_questions_total", band=band) == bands[band], band
    assert value(samples, "loan_advisor_self_checks_started_total") == 1
    assert value(samples, "loan_advisor_self_checks_finished_total") == 1
    assert value(samples, "loan_advisor_calculator_uses_total") == 2

    # refusals: the flood limit's, and every error answer of the Bot API
    assert value(samples, "loan_advisor_flood_refusals_total") == STICKERS - BURST
    assert refused == {("sendMessage", 429): 1, ("sendMessage", 403): refused[("sendMessage", 403)]}
    assert value(samples, "loan_advisor_bot_api_errors_total", method="sendMessage", kind="retry_after") == 1
    forbidden = value(samples, "loan_advisor_bot_api_errors_total", method="sendMessage", kind="forbidden")
    assert forbidden == refused[("sendMessage", 403)] >= 1
    assert value(samples, "loan_advisor_build_info", version=__version__) == 1

    # nothing personal: label names from a fixed list, no id, name, typed text or token anywhere
    for series in samples.values():
        for labels in series:
            assert {name for name, _ in labels} <= ALLOWED_LABELS, labels
    typed = [*QUESTIONS.values(), "借1万分12期", "改成24期", "不是学生", "测试用户", "sticker", "😀"]
    assert not [t for t in typed if t in text]
    ids = [*QUESTIONS, CHECKER, CALCULATOR, FLOODER, BLOCKED]
    assert not [i for i in ids if re.search(rf"(?<![\d.]){i}(?![\d.])", text)]
    assert TOKEN not in text and TOKEN.split(":")[0] not in text


def test_metrics_are_off_by_default_and_the_interface_is_the_same_either_way() -> None:
    off = open_metrics(Settings(_env_file=None))
    assert type(off) is Metrics  # counts nothing, serves nothing
    public = {name for name in vars(Metrics) if not name.startswith("_")}
    assert public <= {name for name in dir(PrometheusMetrics) if name in vars(PrometheusMetrics)}


def test_the_engines_flow_steps_become_the_faq_check_and_calculator_counts() -> None:
    metrics = PrometheusMetrics()
    steps = [
        ("faq", "ask", "answered"), ("faq", "ask", "declined"), ("faq", "open_entry", "answered"),
        ("check", "begin", "choosing"), ("check", "choose", "asking"), ("check", "answer", "done"),
        ("calc", "enter", "active"), ("calc", "input", "active"), ("menu", "show_home", "home"),
    ]  # fmt: skip
    for step in steps:
        metrics.flow_step(*step)
    samples = parse(metrics.scrape())
    # an entry opened from a button is no question
    assert value(samples, "loan_advisor_faq_questions_total", band="answer") == 1
    assert value(samples, "loan_advisor_faq_questions_total", band="decline") == 1
    assert value(samples, "loan_advisor_faq_questions_total", band="suggest") == 0
    assert value(samples, "loan_advisor_self_checks_started_total") == 1
    assert value(samples, "loan_advisor_self_checks_finished_total") == 1
    assert value(samples, "loan_advisor_calculator_uses_total") == 2
