"""Big YAML files are read through a parsed copy (JSON) kept beside the matcher's index: the same result."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import base
from knowledge.base import DATA_DIR, load


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped knowledge base, whose FAQ files all count as big."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns(".index"))
    monkeypatch.setattr(base, "PARSED_CACHE_BYTES", 4000)
    return target


def test_a_big_yaml_file_is_read_through_its_parsed_copy_with_the_same_result(data_dir: Path) -> None:
    parsed = load(data_dir)
    copies = sorted((data_dir / ".index" / "yaml").glob("*.json"))
    assert {p.name.rsplit("-", 1)[0] for p in copies} >= {"rates", "credit", "overdue"}
    again = load(data_dir)
    assert again.entries == parsed.entries
    assert again.fingerprint() == parsed.fingerprint()


def test_a_damaged_copy_is_parsed_again_and_an_edited_file_gets_a_new_one(data_dir: Path) -> None:
    parsed = load(data_dir)
    (copy,) = (data_dir / ".index" / "yaml").glob("rates-*.json")
    copy.write_text("{not json", encoding="utf-8")
    assert load(data_dir).entries == parsed.entries
    rates = data_dir / "faq" / "rates.yaml"
    rates.write_text(
        rates.read_text(encoding="utf-8").replace(
            "paraphrases:\n", "paraphrases:\n      - 利息咋算的呀\n", 1
        ),
        encoding="utf-8",
    )
    edited = load(data_dir)
    assert "利息咋算的呀" in [p for e in edited.entries.values() for p in e.paraphrases]
    assert len(list((data_dir / ".index" / "yaml").glob("rates-*.json"))) == 2


def test_the_shipped_files_are_too_small_to_need_a_copy() -> None:
    assert all(p.stat().st_size < base.PARSED_CACHE_BYTES for p in DATA_DIR.rglob("*.yaml"))
