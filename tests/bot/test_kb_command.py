"""``loan-advisor kb check | coverage | unanswered`` through the real command line entry point."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from knowledge.base import load
from tests.knowledge.test_validate import Data, make_data_dir

pytestmark = pytest.mark.slow  # runs `loan-advisor kb check` over the whole knowledge base

Capture = pytest.CaptureFixture[str]


def run_kb(capsys: Capture, *argv: str) -> tuple[int, str]:
    """Run ``loan-advisor kb <argv>``; returns the exit status and everything printed."""
    status = main(["kb", *argv])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _unknown_source(files: dict[str, Data]) -> None:
    files["faq/credit.yaml"]["entries"][0]["answers"][0]["sources"] = ["xm-9qa"]


def _overlong_answer(files: dict[str, Data]) -> None:
    files["faq/credit.yaml"]["entries"][1]["answers"][0]["text"] = "字" * 501


def _cover_every_section(files: dict[str, Data]) -> None:
    sources = files["sources.yaml"]["sources"]
    refs = [f"{s['id']}#{sec['id']}" for s in sources for sec in s.get("sections", [])]
    entries: list[dict[str, Any]] = files["faq/credit.yaml"]["entries"]
    entries[1]["covers"] = refs


def test_check_passes_on_consistent_data_with_a_summary(tmp_path: Path, capsys: Capture) -> None:
    data_dir = make_data_dir(tmp_path)
    assert run_kb(capsys, "build", "--data-dir", str(data_dir))[0] == 0
    # the confusions that follow the summary have tests of their own
    status, out = run_kb(capsys, "check", "--data-dir", str(data_dir), "--no-confusions")
    criteria = len(load(data_dir).criteria)
    assert status == 0
    assert out.strip() == f"知识库检查通过：5 篇来源，7 个产品，2 条问答，{criteria} 条资格条件。"


def test_check_lists_each_problem_and_fails(tmp_path: Path, capsys: Capture) -> None:
    data_dir = make_data_dir(tmp_path, _unknown_source)
    status, out = run_kb(capsys, "check", "--data-dir", str(data_dir))
    assert status == 1
    assert "faq/credit.yaml: entry 'credit.reported': general answer: unknown source 'xm-9qa'" in out
    assert "发现 1 个问题" in out


def test_check_fails_with_the_file_and_entry_of_a_shape_error(
    tmp_path: Path, capsys: Capture
) -> None:
    data_dir = make_data_dir(tmp_path, _overlong_answer)
    status, out = run_kb(capsys, "check", "--data-dir", str(data_dir))
    assert status == 1
    assert "知识库加载失败：credit.yaml: entries 'credit.inquiry'" in out


def test_coverage_lists_sections_with_their_entries(tmp_path: Path, capsys: Capture) -> None:
    status, out = run_kb(capsys, "coverage", "--data-dir", str(make_data_dir(tmp_path)))
    assert status == 0  # gaps are reported, but only --fail-on-gap turns them into a failure
    assert "  #q5 问5：会上个人征信吗: credit.reported" in out
    assert "  #q1 问1：小米贷款是什么，和银行贷款有何不同: （无条目覆盖）" in out
    assert "共 47 个章节，已覆盖 2 个，缺口 45 个。" in out


def test_coverage_fails_on_a_gap_when_asked(tmp_path: Path, capsys: Capture) -> None:
    status, out = run_kb(capsys, "coverage", "--fail-on-gap", "--data-dir", str(make_data_dir(tmp_path)))
    assert status == 1
    assert "未覆盖：xm-review#intro、" in out


def test_coverage_passes_when_every_section_is_covered(
    tmp_path: Path, capsys: Capture
) -> None:
    data_dir = make_data_dir(tmp_path, _cover_every_section)
    status, out = run_kb(capsys, "coverage", "--fail-on-gap", "--data-dir", str(data_dir))
    assert status == 0
    assert "缺口 0 个" in out


def test_unanswered_without_its_module_explains_and_returns_2(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    # None in sys.modules makes `import bot.commands.kb_unanswered` raise ImportError
    monkeypatch.setitem(sys.modules, "bot.commands.kb_unanswered", None)
    status, out = run_kb(capsys, "unanswered")
    assert status == 2
    assert "kb unanswered” 暂不可用" in out


def test_unanswered_is_delegated_to_its_module(tmp_path: Path, capsys: Capture) -> None:
    status, _ = run_kb(capsys, "unanswered", "--path", str(tmp_path / "none.jsonl"))
    assert status == 0


def test_shipped_knowledge_base_passes_the_check(capsys: Capture) -> None:
    status, out = run_kb(capsys, "check")
    assert status == 0, out
    assert out.startswith("知识库检查通过：5 篇来源，7 个产品，")


def test_the_check_lists_the_entries_the_matcher_confuses_on_the_labelled_examples(capsys: Capture) -> None:
    from knowledge.base import default

    status, out = run_kb(capsys, "check")
    assert status == 0, out
    pairs = [line.strip() for line in out.splitlines() if "↔" in line]
    assert pairs, out  # a few look-alike entries are always mixed up now and then
    entries = default().entries
    for line in pairs:
        first, _, rest = line.partition(" ↔ ")
        second = rest.split("：")[0]
        assert first in entries and second in entries, line
        # a pair declared answered together says so (the reply already holds both)
        declared = second in entries[first].together or first in entries[second].together
        assert declared == ("一并回答" in line), line


def test_the_confusions_can_be_left_out(capsys: Capture) -> None:
    status, out = run_kb(capsys, "check", "--no-confusions")
    assert status == 0, out
    assert "↔" not in out


def test_build_saves_the_index_and_check_says_when_it_is_missing_or_stale(
    tmp_path: Path, capsys: Capture
) -> None:
    data_dir = make_data_dir(tmp_path)
    status, out = run_kb(capsys, "check", "--data-dir", str(data_dir), "--no-confusions")
    assert status == 0  # start-up builds it: a note, no failure
    assert "还没有匹配索引（faq、wants）" in out and "kb build" in out
    status, out = run_kb(capsys, "build", "--data-dir", str(data_dir))
    assert status == 0
    assert "匹配索引（faq）已构建" in out and "匹配索引（wants）已构建" in out
    assert (data_dir / ".index").is_dir()
    assert "已是最新" in run_kb(capsys, "build", "--data-dir", str(data_dir))[1]
    topics = data_dir / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    status, out = run_kb(capsys, "check", "--data-dir", str(data_dir), "--no-confusions")
    assert status == 0
    assert "匹配索引已过期（faq、wants" in out
    run_kb(capsys, "build", "--data-dir", str(data_dir))
    assert "匹配索引" not in run_kb(capsys, "check", "--data-dir", str(data_dir), "--no-confusions")[1]
