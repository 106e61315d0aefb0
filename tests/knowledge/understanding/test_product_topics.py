"""One comparison asked of different products (issue 18's product × topic reading): 「小米还是借呗好」 and
「微粒贷还是借呗好」 are worded alike once the names are taken out, and the product named, not which
comparison happens to hold an example in that wording, tells the comparisons apart.

The matcher here has not learned the questions asked (as cross-fitting scores an example): learned, each
would be found word for word whatever the rule.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from knowledge.base import KnowledgeBase
from knowledge.understanding.calibration import load_calibration
from knowledge.understanding.lexicon import load_lexicon
from knowledge.understanding.matcher import LexicalMatcher
from knowledge.understanding.normalize import clean

ASKED = {
    # comparisons of one of the advisor's products with others: its own comparison, whichever was
    # worded this way in the examples (a product only compared against, 金条, says less than our own)
    "小米还是借呗好": "compare.xiaomi_vs_others",
    "微粒贷还是借呗好": "compare.wechat_vs_others",
    "小米贷款和金条哪个放款快": "compare.xiaomi_vs_others",
    "小米vs借呗 哪个好批": "compare.xiaomi_vs_others",
    "微粒貸同借唄": "compare.wechat_vs_others",
}


@pytest.fixture(scope="module")
def unlearned(kb: KnowledgeBase) -> LexicalMatcher:
    """The FAQ matcher without the questions of :data:`ASKED` among its examples."""
    faq = kb.faq_view()
    asked = {clean(q) for q in ASKED}
    examples = tuple(q for q in faq.examples if clean(q.question) not in asked)
    return LexicalMatcher(
        replace(faq, examples=examples),
        load_lexicon(),
        load_calibration(),
        answer_threshold=1.0,
        suggest_threshold=0.0,
    )


@pytest.mark.parametrize(("question", "entry"), ASKED.items())
def test_the_product_named_picks_the_comparison(
    unlearned: LexicalMatcher, question: str, entry: str
) -> None:
    assert unlearned.best_guess(question)[0] == entry


def test_products_listed_equally_still_ask_which_is_cheapest(unlearned: LexicalMatcher) -> None:
    # no one product's comparison: the wording is shared among the comparisons of given products only
    assert unlearned.best_guess("小米贷款 微粒贷 借呗哪个利息最低")[0] == "compare.which_cheaper"

