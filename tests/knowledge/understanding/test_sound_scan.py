"""Mentions by sound are looked for only where a reading starts an alias: the same mentions as trying
every character, on the labelled questions and wants and every line typed in the conversation suite."""

from __future__ import annotations

import json
from pathlib import Path

from flows.engine import Engine
from knowledge.understanding.products import Mention, SoundAlikes, _inside, _overlaps
from tests.conversations.suite import HERE, conversations

ROOT = Path(__file__).resolve().parents[3]


def _every_character(sounds: SoundAlikes, text: str, taken: list[Mention]) -> list[Mention]:
    """The scan as it was: :meth:`SoundAlikes._longest` tried at every character."""
    found: list[Mention] = []
    i = 0
    while i < len(text):
        hit = None if _inside(i, taken) else sounds._longest(text, i, sounds._trie)
        if hit is None:
            i += 1
            continue
        product, length = hit
        span = Mention(product, i, i + length)
        if not any(_overlaps(span, m) for m in taken):
            found.append(span)
        i += length
    return found


def _texts() -> list[str]:
    texts: dict[str, None] = {}
    paths = [ROOT / "tests" / "data" / "faq_eval.jsonl", ROOT / "tests" / "data" / "faq_short.jsonl"]
    for path in [*paths, *sorted((ROOT / "knowledge" / "data" / "examples").glob("intent_*.jsonl"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts[json.loads(line)["question"]] = None
    for conversation in conversations(HERE):
        texts.update((step.say, None) for step in conversation.steps if step.say)
    # misspelt by sound, next to each other, and inside an exact name
    texts.update(dict.fromkeys(["为利贷和小咪贷款", "卫立带微利贷", "小米贷款为粒贷"]))
    return list(texts)


def test_the_sound_scan_finds_what_trying_every_character_finds(engine: Engine) -> None:
    products = engine.matcher.products  # type: ignore[attr-defined]
    sounds = products.sounds
    found_any = 0
    for text in _texts():
        folded = text.lower()
        exact = [m for m in products.find(folded) if m not in sounds.find(folded, [])]
        # and, where there is a mention by sound, mentions taken already at a few places, which the scan
        # must step over (where there is none, there is none whatever is taken)
        spelt = bool(_every_character(sounds, folded, []))
        windows = [[Mention("x", a, a + n)] for a in range(4) for n in (1, 2, 3)] if spelt else []
        for taken in ([], exact, *windows):
            expected = _every_character(sounds, folded, taken)
            assert sounds.find(folded, taken) == expected, (text, taken)
            found_any += bool(expected)
    assert found_any > 10
