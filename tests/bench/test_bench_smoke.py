"""The benchmark code still runs: every part on tiny counts, checked for shape and sanity, never for speed.

Timings depend on the machine, so nothing here compares a figure with a target; what must hold anywhere
is that every part produces its figures, that they are positive, and that every message got its answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.__main__ import PARTS, Plan, main, run_parts, table, targets
from bench.common import latency_summary, median_of, percentile
from bench.growth import grow
from bench.report import markdown
from knowledge.base import load
from tests.conversations.suite import HERE, conversations
from tests.load.harness import REDIS_SERVER

#: the benchmarks' own set-up (every part once, a bot process among them) took 114 s at a load average
#: of 7 on two cores: more than a test's default 120 s leaves room for
pytestmark = pytest.mark.timeout(600)

TINY = Plan(
    faq_runs=1,
    faq_passes=1,
    conversation_passes=1,
    conversations=3,
    dialogue_runs=1,
    e2e=((3, False, 4, 1),),
    memory_chats=2,
    growth_factors=(1, 2),
    growth_runs=1,
    growth_questions=8,
)


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    if not REDIS_SERVER.exists():
        pytest.skip("redis-server is not installed (run `make redis-server`)")
    return run_parts(list(PARTS), TINY, log=lambda *args, **kwargs: None)


def _positive(figures: dict[str, Any], *keys: str) -> None:
    for key in keys:
        assert figures[key] > 0, f"{key} = {figures[key]!r}"


def test_every_part_reports_its_figures(results: dict[str, Any]) -> None:
    assert set(results) == set(PARTS)


def test_faq_times_the_engine_the_matcher_and_the_baseline_on_the_same_questions(
    results: dict[str, Any],
) -> None:
    faq = results["faq"]
    for system in ("engine", "matcher", "baseline"):
        assert faq[system]["count"] == faq["questions"] > 100  # the whole evaluation set
        _positive(faq[system], "per_second", "p50_ms", "p99_ms")
        assert faq[system]["p50_ms"] <= faq[system]["p99_ms"] <= faq[system]["max_ms"]
    for system in ("engine", "baseline"):
        _positive(faq[system], "startup_s", "process_ready_s", "rss_mib")
        assert faq[system]["startup_s"] <= faq[system]["process_ready_s"]


def test_dialogue_plays_whole_conversations_and_stores_every_session(results: dict[str, Any]) -> None:
    dialogue = results["dialogue"]
    per_conversation = dialogue["turns_per_conversation"]
    assert per_conversation >= 10  # opening, seven questions, the closing FAQ question
    for way in ("engine", "sqlite", "redis"):
        assert dialogue[way]["turns"] == 3 * per_conversation
        _positive(dialogue[way], "turns_per_second")
    assert dialogue["sqlite"]["sessions_stored"] == 3
    _positive(dialogue["sqlite"], "stored_bytes_per_session", "file_bytes_per_session")
    _positive(dialogue["redis"], "redis_memory_bytes_per_session")
    assert 0 < dialogue["session_json_bytes"] < 100_000


def test_e2e_gets_every_answer_through_the_application_and_the_stand_in(results: dict[str, Any]) -> None:
    scenario = results["e2e"]["chats_3"]
    assert scenario["updates_sent"] == 3 * 4
    assert scenario["updates_answered"] == scenario["updates_sent"]
    _positive(scenario, "updates_per_second", "first_reply_p50_ms", "full_reply_p99_ms")
    assert scenario["first_reply_p50_ms"] <= scenario["full_reply_p99_ms"]


def test_memory_reads_the_bot_process_and_its_stored_sessions(results: dict[str, Any]) -> None:
    memory = results["memory"]
    assert memory["updates_answered"] == memory["updates_sent"] > 0
    assert memory["sessions_stored"] == 2
    _positive(
        memory, "rss_idle_mib", "rss_load_peak_mib", "bot_cpu_ms_per_update", "sqlite_data_bytes_per_session"
    )
    assert memory["rss_idle_mib"] <= memory["hwm_mib"]


def test_startup_measures_ask_and_chat_with_and_without_the_saved_index(results: dict[str, Any]) -> None:
    startup = results["startup"]
    for way in ("indexed", "built_at_start"):
        _positive(startup[way]["ask"], "cpu_s", "wall_s", "peak_rss_mib")
        _positive(startup[way], "chat_idle_rss_mib")
    _positive(startup, "ask_cpu_speed_up", "kb_build_s")


def test_growth_measures_each_size_with_the_entries_it_claims(results: dict[str, Any]) -> None:
    growth = results["growth"]
    assert growth["2x"]["entries"] == 2 * growth["1x"]["entries"]
    for size in ("1x", "2x"):
        assert growth[size]["questions"] == 8
        _positive(growth[size]["engine"], "startup_s", "p50_ms")
        _positive(growth[size]["baseline"], "startup_s", "p50_ms")
        _positive(growth[size], "index_build_s")


def test_targets_cover_the_issue_and_the_table_shows_every_part(results: dict[str, Any]) -> None:
    rows = targets(results)
    names = " ".join(row["target"] for row in rows)
    for wanted in ("p99", "Start-up", "turns per second", "per session", "Growth 2x"):
        assert wanted in names
    assert all(isinstance(row["pass"], bool) for row in rows)
    printed = table(results)
    for part in PARTS:
        assert f"\n{part}\n" in f"\n{printed}\n"


def test_markdown_report_lists_every_target_and_part(results: dict[str, Any]) -> None:
    meta = {"date": "d", "command": "c", "cpus": 2, "cpu_model": "m", "python": "3"}
    report: dict[str, Any] = {"meta": meta, "results": results, "targets": targets(results)}
    text = markdown(report)
    assert text.count("| Growth 2x") == 3
    for heading in ("FAQ path", "Dialogue", "End to end", "Memory:", "| Growth |"):
        assert heading in text


def test_grown_knowledge_base_loads_with_new_ids_and_reworded_paraphrases(tmp_path: Path) -> None:
    # the FAQ grows; the wants (greetings, the self-check …) are the same at every size
    shipped = load().faq_view()
    count = grow(Path("knowledge/data"), tmp_path / "data", 3)
    grown = load(tmp_path / "data").faq_view()
    assert count == len(grown.entries) == 3 * len(shipped.entries)
    copies = [e for e in grown.entries.values() if e.id.endswith("_syn1")]
    assert len(copies) == len(shipped.entries)
    reworded = sum(c.paraphrases != shipped.entries[c.id.removesuffix("_syn1")].paraphrases for c in copies)
    assert reworded > len(copies) * 0.9
    # the labelled examples grow with the entries, so the index grows by the same factor
    learned = [q for q in shipped.examples if q.entry is not None]
    assert sum(q.entry is not None for q in grown.examples) == 3 * len(learned)
    assert sum(1 for q in grown.examples if (q.entry or "").endswith("_syn2")) == len(learned)


def test_statistics_helpers() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile(list(map(float, range(1, 101))), 99) == 99.0
    summary = latency_summary([0.001, 0.002, 0.003])
    assert summary["p50_ms"] == pytest.approx(2.0)
    assert summary["per_second"] == pytest.approx(500.0)
    assert median_of([{"a": 1, "b": {"c": 5}}, {"a": 3, "b": {"c": 1}}, {"a": 2, "b": {"c": 3}}]) == {
        "a": 2,
        "b": {"c": 3},
    }


def test_the_command_line_refuses_an_unknown_part_and_writes_json(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["--only", "speed"])
    output = tmp_path / "latest.json"
    assert main(["--only", "", "--output", str(output)]) == 0
    report = json.loads(output.read_text(encoding="utf-8"))
    assert report["results"] == {} and report["targets"] == []
    assert report["meta"]["cpus"] > 0


def test_conversation_times_every_turn_and_counts_normalisations(results: dict[str, Any]) -> None:
    talk = results["conversation"]
    # every conversation of the suite is played, each of several turns
    assert talk["turns"] > talk["conversations"] == len(conversations(HERE)) > 0
    _positive(talk, "turn_p50_ms", "turn_p99_ms", "typed_messages")
    assert talk["folds_per_message"] == 1.0  # each typed message normalised once, whatever it meant


def test_ocr_times_screenshots_and_other_chats_while_they_are_read(results: dict[str, Any]) -> None:
    per_image, others = results["ocr"]["per_image"], results["ocr"]["other_chats"]
    _positive(per_image, "images", "seconds_per_image_p50", "rss_added_by_models_mib", "rss_peak_added_mib")
    assert per_image["images_with_exactly_the_labelled_signs"] == per_image["images"]
    assert others["images_answered"] == others["images"]
    _positive(others["alone"], "first_reply_p50_ms")
    _positive(others["while_reading_images"], "first_reply_p50_ms")
