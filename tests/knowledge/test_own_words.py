"""The knowledge base is written in our own words: no text pastes a sentence from an article.

Names, figures and short lists legitimately recur (「中国人民银行官网【金融消费者权益保护】专栏」 is 21
characters), so the rule is: no run of more than 24 consecutive characters, white space ignored, is
shared with any source article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase, default
from knowledge.inspection.signs import default_signs

SOURCES_DIR = Path(__file__).resolve().parents[3] / "shared" / "sources"
LONGEST_SHARED_RUN = 24


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _runs(text: str, length: int) -> set[str]:
    return {text[i : i + length] for i in range(len(text) - length + 1)}


@pytest.fixture(scope="module")
def article_runs() -> set[str]:
    texts = [_squash(p.read_text(encoding="utf-8")) for p in sorted(SOURCES_DIR.glob("*.txt"))]
    if len(texts) != 5:
        pytest.fail(f"expected the five articles in {SOURCES_DIR}, found {len(texts)}")
    return set().union(*(_runs(t, LONGEST_SHARED_RUN + 1) for t in texts))


def _our_texts(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    for entry in kb.entries.values():
        for answer in entry.answers:
            yield f"faq '{entry.id}' answer {answer.product or 'general'}", answer.text
    for product in kb.products.values():
        yield f"product '{product.id}' summary", product.summary
        for key, attribute in product.attributes.items():
            for claim in attribute.claims:
                yield f"product '{product.id}' {key}", claim.value
    for criterion in kb.criteria:
        yield f"criterion '{criterion.id}'", criterion.text + (criterion.tip or "")
    for factor in kb.factors:
        yield f"factor '{factor.id}'", factor.text
    for sign in default_signs().signs:
        for number, cited in enumerate([*sign.facts, sign.advice]):
            yield f"scam sign '{sign.id}' text {number}", cited.text


def test_no_text_pastes_a_sentence_from_an_article(article_runs: set[str]) -> None:
    pasted = [
        (where, sorted(_runs(_squash(text), LONGEST_SHARED_RUN + 1) & article_runs)[0])
        for where, text in _our_texts(default())
        if _runs(_squash(text), LONGEST_SHARED_RUN + 1) & article_runs
    ]
    assert not pasted, f"reword these (they copy an article): {pasted[:5]}"


def test_the_check_detects_a_pasted_sentence(article_runs: set[str]) -> None:
    pasted = "小米贷款的额度通常在500元至5万元之间,具体额度由根据用户的信用评分"
    assert _runs(_squash(pasted), LONGEST_SHARED_RUN + 1) & article_runs
