"""The unanswered-questions log: redaction, what is kept, and the summary for maintainers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from knowledge.unanswered import REDACTED, UnansweredLog, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的身份证110101199003074512能借吗", f"我的身份证{REDACTED}能借吗"),
        ("身份证号11010119900307451X", f"身份证号{REDACTED}"),
        ("手机13812345678收不到验证码", f"手机{REDACTED}收不到验证码"),
        ("电话 +86 138 1234 5678", f"电话 {REDACTED}"),
        ("卡号6222020200112233445扣款失败", f"卡号{REDACTED}扣款失败"),
        ("卡 6222 0202 0011 2233 没钱", f"卡 {REDACTED} 没钱"),
    ],
)
def test_ids_phones_and_card_numbers_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", ["借10000元利息多少", "日利率0.05%", "2025年6月", "额度2000"])
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert redact(text) == text


def test_a_record_keeps_text_band_confidence_guess_and_day_only(tmp_path: Path) -> None:
    log = UnansweredLog(tmp_path / "log" / "unanswered.jsonl")
    log.record(
        "手机13812345678能借吗",
        band="decline",
        confidence=0.12345,
        best_guess="req.conditions",
        today=dt.date(2026, 1, 2),
    )
    row = json.loads(log.path.read_text(encoding="utf-8"))
    assert row == {
        "question": f"手机{REDACTED}能借吗",
        "band": "decline",
        "confidence": 0.123,
        "best_guess": "req.conditions",
        "date": "2026-01-02",
    }


def test_summary_puts_the_most_frequent_question_first_and_folds_spellings(tmp_path: Path) -> None:
    log = UnansweredLog(tmp_path / "unanswered.jsonl")
    for question in ["京东白条怎么开通", "小米电视多少钱", "京东白条 怎么开通？", "京東白條怎麼開通"]:
        log.record(question, band="decline", confidence=0.1, best_guess=None)
    summary = log.summary()
    assert [(s.count, s.band) for s in summary] == [(3, "decline"), (1, "decline")]
    assert "白" in summary[0].question


def test_broken_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "unanswered.jsonl"
    path.write_text('{"question": "好的"}\n{broken\n', encoding="utf-8")
    assert [s.question for s in UnansweredLog(path).summary()] == ["好的"]


def test_missing_log_has_an_empty_summary(tmp_path: Path) -> None:
    assert UnansweredLog(tmp_path / "none.jsonl").summary() == []
