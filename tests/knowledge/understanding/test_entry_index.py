"""The matcher's saved index: the matcher loaded from it answers exactly as the one built from the texts,
the build is deterministic, and an index of other inputs is never used."""

from __future__ import annotations

import filecmp
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from knowledge.base import DATA_DIR, KnowledgeBase, load, read_labelled
from knowledge.understanding import index_state, load_matcher
from knowledge.understanding.calibration import WANTS_CALIBRATION_PATH, load_calibration
from knowledge.understanding.entry_index import INDEX_FOLDER, EntryIndex
from knowledge.understanding.lexicon import load_lexicon
from knowledge.understanding.matcher import LexicalMatcher

ROOT = Path(__file__).resolve().parents[3]
LABELLED = sorted((ROOT / "tests" / "data").glob("*.jsonl")) + sorted((DATA_DIR / "examples").glob("*.jsonl"))


def _pair(view: KnowledgeBase, wants: bool, folder: Path) -> tuple[LexicalMatcher, LexicalMatcher]:
    """The matcher built from the texts, and the same matcher over its index saved and read back."""
    calibration = load_calibration(WANTS_CALIBRATION_PATH) if wants else load_calibration()
    lexicon = load_lexicon()
    thresholds = {
        "answer_threshold": calibration.answer_threshold,
        "suggest_threshold": calibration.suggest_threshold,
        "hedge_threshold": calibration.hedge_threshold,
    }
    built = LexicalMatcher(view, lexicon, calibration, **thresholds)  # type: ignore[arg-type]
    built.index.save(folder)
    loaded = LexicalMatcher(view, lexicon, calibration, index=EntryIndex.load(folder), **thresholds)  # type: ignore[arg-type]
    return built, loaded


@pytest.mark.parametrize("wants", [False, True], ids=["faq", "wants"])
def test_the_loaded_matcher_answers_every_labelled_question_as_the_built_one(
    kb: KnowledgeBase, wants: bool, tmp_path: Path
) -> None:
    built, loaded = _pair(kb.wants_view() if wants else kb.faq_view(), wants, tmp_path / "index")
    questions = [q.question for path in LABELLED for q in read_labelled(path)]
    assert len(questions) > 5000
    for question in questions:
        one, _ = built.understand(question)
        other, _ = loaded.understand(question)
        assert [(c.entry_id, c.score) for c in one.candidates] == [
            (c.entry_id, c.score) for c in other.candidates
        ], question
        assert (one.signals, one.confidence, one.in_scope) == (
            other.signals,
            other.confidence,
            other.in_scope,
        )
        assert built.decide(question, one) == loaded.decide(question, other), question
    # and the follow-ups, which read the index's topics
    assert built.ask("罚息呢", previous_entry="rate.level", previous_product="xiaomi") == loaded.ask(
        "罚息呢", previous_entry="rate.level", previous_product="xiaomi"
    )


_BUILD = """
import sys
from pathlib import Path
from knowledge.base import default
from knowledge.understanding.calibration import load_calibration
from knowledge.understanding.lexicon import load_lexicon
from knowledge.understanding.matcher import LexicalMatcher
kb = default().faq_view()
matcher = LexicalMatcher(kb, load_lexicon(), load_calibration(), answer_threshold=1, suggest_threshold=0)
matcher.index.save(Path(sys.argv[1]))
"""


def test_two_builds_are_byte_identical_whatever_the_hash_seed(tmp_path: Path) -> None:
    folders = [tmp_path / "one", tmp_path / "two"]
    for folder, seed in zip(folders, ["1", "2"], strict=True):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", _BUILD, str(folder)], cwd=ROOT, env=env, check=True, timeout=300
        )
    names = sorted(p.name for p in folders[0].iterdir())
    assert names == sorted(p.name for p in folders[1].iterdir())
    assert len(names) > 20
    _match, mismatch, errors = filecmp.cmpfiles(folders[0], folders[1], names, shallow=False)
    assert (mismatch, errors) == ([], [])


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped knowledge base, without any saved index."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns(INDEX_FOLDER))
    return target


def test_an_index_is_saved_at_first_start_then_used_and_a_changed_file_makes_it_stale(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kb = load(data_dir)
    assert index_state(kb) == {"faq": "missing", "wants": "missing"}
    with caplog.at_level(logging.INFO, logger="knowledge.understanding"):
        first = load_matcher(kb)
    assert "missing or stale" in caplog.text
    assert index_state(kb) == {"faq": "fresh", "wants": "missing"}
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="knowledge.understanding"):
        again = load_matcher(load(data_dir))
    assert caplog.text == ""
    assert again.ask("微粒贷逾期罚息多少") == first.ask("微粒贷逾期罚息多少")

    # one more paraphrase: the saved index is of older inputs, never used, and replaced at the next start
    faq = data_dir / "faq" / "rates.yaml"
    text = faq.read_text(encoding="utf-8")
    faq.write_text(
        text.replace("paraphrases:\n", "paraphrases:\n      - 这个利息到底咋算的呀\n", 1), encoding="utf-8"
    )
    changed = load(data_dir)
    assert index_state(changed)["faq"] == "stale"
    with caplog.at_level(logging.INFO, logger="knowledge.understanding"):
        load_matcher(changed)
    assert "missing or stale" in caplog.text
    assert index_state(changed)["faq"] == "fresh"
    assert len(list((data_dir / INDEX_FOLDER).glob("faq-*"))) == 1  # the stale one is gone


def test_a_knowledge_base_changed_in_code_is_indexed_afresh_and_nothing_is_saved(data_dir: Path) -> None:
    kb = load(data_dir)
    changed = replace(kb, examples=kb.examples[:10])
    assert changed.fingerprint() is None
    assert index_state(changed) == {"faq": "none", "wants": "none"}
    load_matcher(changed)
    assert not (data_dir / INDEX_FOLDER).exists()


def test_a_damaged_index_is_rebuilt(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    kb = load(data_dir)
    expected = load_matcher(kb).ask("小米贷款上征信吗")
    (folder,) = (data_dir / INDEX_FOLDER).glob("faq-*")
    for path in folder.glob("word.*.npy"):
        path.write_bytes(b"not an array")
    with caplog.at_level(logging.WARNING, logger="knowledge.understanding"):
        assert load_matcher(load(data_dir)).ask("小米贷款上征信吗") == expected
    assert "unreadable" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="knowledge.understanding"):
        load_matcher(load(data_dir))
    assert caplog.text == ""  # the damaged index was replaced


def test_a_unit_is_found_alike_through_the_dict_and_by_binary_search() -> None:
    from knowledge.understanding.index import Lookup, vocabulary

    units = vocabulary(["征信", "逾期", "利息", "w:征信", "额度"])
    asked = ["逾期", "利息多少", "w:征信", "", "额", "额度", "zz"]
    expected = [units.tolist().index(u) if u in units.tolist() else -1 for u in asked]
    assert Lookup(units)(asked) == Lookup(units, limit=0)(asked) == expected
    assert expected.count(-1) == 4


def test_a_unit_wider_than_the_vocabulary_is_not_found_without_widening_it() -> None:
    from knowledge.understanding.index import Lookup, vocabulary

    units = vocabulary(["征信", "逾期", "利息", "w:征信", "额度"])
    # wider than any unit (4 characters): searched for, it made numpy copy the vocabulary wider
    asked = ["利息多少钱啊", "逾期", "w:征信征信", "额度", "a" * 80]
    expected = [-1, units.tolist().index("逾期"), -1, units.tolist().index("额度"), -1]
    assert Lookup(units)(asked) == Lookup(units, limit=0)(asked) == expected
    assert units.dtype.itemsize // 4 == 4
    # numpy's strings end at their first trailing NUL: the search finds what it found before
    listed = units.tolist()
    found = Lookup(units, limit=0)(["额度\x00\x00\x00", "利息\x00"])
    assert found == [listed.index("额度"), listed.index("利息")]


def test_the_vocabulary_is_searched_in_its_own_type() -> None:
    """A wider query makes numpy cast the whole vocabulary (at 100× all 160 MB of the topic keys)."""
    import numpy as np

    from knowledge.understanding.index import Lookup, vocabulary

    class Vocabulary(np.ndarray):
        def searchsorted(self, v, *args, **kwargs):  # type: ignore[no-untyped-def]
            assert v.dtype == self.dtype
            return np.asarray(self).searchsorted(v, *args, **kwargs)

    units = vocabulary(["征信", "逾期", "利息"]).view(Vocabulary)
    assert Lookup(units, limit=0)(["利息多少钱啊", "逾期", "利"]) == [-1, 2, -1]


@pytest.mark.parametrize("weak_hash", [False, True])
def test_a_topic_is_found_by_its_hash_and_its_words(monkeypatch: pytest.MonkeyPatch, weak_hash: bool) -> None:
    """Every key finds its own entries, and a key not in the table none; with a hash of a few values
    (every key shares its hash with many others) the keys are told apart by their words."""
    from types import SimpleNamespace

    from knowledge.understanding import entry_index

    if weak_hash:
        monkeypatch.setattr(entry_index, "_hash", lambda data: len(data) % 5)
    entries = [f"e{i}" for i in range(40)]
    topics = {
        f"{word}{i}": [entries[i % 40], entries[i * 7 % 40]] for i in range(3000) for word in ("利率", "额度")
    }
    topics["利息算"] = ["e3"]
    table = entry_index.topic_table(entries, topics)
    index = SimpleNamespace(topics=table, entries=entries)
    index._topic_at = lambda key: entry_index.EntryIndex._topic_at(index, key)  # type: ignore[arg-type]

    def found(key: str) -> list[str]:
        return entry_index.EntryIndex.topic_entries(index, key)  # type: ignore[arg-type]

    for key, wanted in topics.items():
        assert found(key) == sorted(set(wanted), key=entries.index), key
    for missing in ("利率", "利率30000", "额度1 ", "利息", "", "利息算吗"):
        assert found(missing) == []
    assert found("利息算\x00") == ["e3"]  # as the numpy keys compared: a trailing NUL ends the string
