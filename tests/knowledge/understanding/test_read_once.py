"""A message is analysed once for both matchers, and its markers, cues and harm markers are looked for with
one search first: the same reading as analysing it per matcher and searching each pattern, on every
labelled example and every line typed in the conversation suite."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from flows.engine import Engine
from knowledge.understanding.compiled_lexicon import CompiledLexicon, joined
from knowledge.understanding.reading import Reader
from tests.conversations.suite import HERE, conversations

ROOT = Path(__file__).resolve().parents[3]


def _texts() -> list[str]:
    """The labelled examples' questions (FAQ and wants) and the suite's typed lines, each once."""
    texts: dict[str, None] = {}
    for path in sorted((ROOT / "knowledge" / "data" / "examples").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts[json.loads(line)["question"]] = None
    for conversation in conversations(HERE):
        texts.update((step.say, None) for step in conversation.steps if step.say)
    # a harm marker, which only the FAQ matcher's entries answer
    texts.update(dict.fromkeys(["怎么用微粒贷去还小米贷款", "教我伪造流水", "小米汽车贷款利息多少"]))
    return list(texts)


def _cued_each(reader: Reader, text: str) -> list[str]:
    """:meth:`Reader._cued` as it was: every want's cue pattern searched."""
    ends = []
    for want, pattern in reader._cues:
        found = [m.end() for m in pattern.finditer(text)]
        if found:
            ends.append((max(found), want))
    return [want for _end, want in sorted(ends, reverse=True)]


def test_the_want_analysis_is_the_want_matchers_own(engine: Engine) -> None:
    reader = engine.reader
    assert reader._wants_read_alike  # else the reader analyses twice and this tests nothing new
    differing = 0
    for text in _texts():
        reading = reader.read(text)
        own = reader.wants.analyse_prepared(reader.matcher.prepare_folded(reading.text))
        assert reading.want_analysis == own, text
        # what the analysis keeps besides its meaning: the mentions and brands found in its text
        assert reading.want_analysis.mentions == tuple(reader.wants.products.find(own.text)), text
        assert list(reading.mentions) == reader.matcher.products.find(reading.text), text
        differing += reading.analysis != own
    assert differing >= 2  # the harm markers, and 借呗 is the want matcher's own product but not the FAQ's


def test_lexicons_compiled_from_other_words_do_not_read_alike(engine: Engine) -> None:
    words = engine.reader.matcher.words
    lexicon, aliases, products = words._recipe
    assert words.reads_as(engine.reader.wants.words)
    typo = replace(lexicon, typos={**lexicon.typos, "借钱钱": "借钱"})
    other = CompiledLexicon(typo, aliases, {p: engine.kb.products[p] for p in products}, frozenset(), set())
    assert not words.reads_as(other)


def test_harm_markers_are_found_as_each_refusals_patterns_find_them(engine: Engine) -> None:
    words = engine.reader.matcher.words
    assert words._any_harm is not None
    harmful = 0
    for text in _texts():
        analysis = engine.reader.read(text).analysis
        both = (analysis.text, analysis.topic_text)
        expected = tuple(
            entry
            for entry, (markers, patterns) in words._harm.items()
            if any(p.search(t) for p in ([markers] if markers else []) + patterns for t in both)
        )
        assert analysis.harm_entries == expected, text
        harmful += bool(expected)
    assert harmful >= 10


def test_markers_and_cues_are_found_as_each_pattern_finds_them(engine: Engine) -> None:
    reader = engine.reader
    assert reader._any_marker is not None and reader._any_cue is not None
    marked = cued = 0
    for text in _texts():
        reading = reader.read(text)
        assert reading.marked == [w for w, p in reader._markers if p.search(reading.text)], text
        assert reading.cued == _cued_each(reader, reading.text), text
        marked += bool(reading.marked)
        cued += bool(reading.cued)
    assert marked > 20 and cued > 20


def test_patterns_that_cannot_be_joined_are_searched_each() -> None:
    assert joined([re.compile(r"(好)\1"), re.compile("谢谢")]) is None
    assert joined([re.compile("ok", re.IGNORECASE), re.compile("谢谢")]) is None
    assert joined([re.compile("(?i)ok"), re.compile("谢谢")]) is None
    one = joined([re.compile("谢谢"), re.compile("(?<!不)好的")])
    assert one is not None and one.search("不好的") is None and one.search("好的 谢谢") is not None
    assert joined([]) is None
