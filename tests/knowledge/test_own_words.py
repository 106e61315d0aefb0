"""The knowledge base is written in our own words: no text of ours copies a run of an article.

The rule (provenance.yaml ``shared_run``): no run of 15 characters, spaces and punctuation dropped, is
shared with any article. Names on the ``names`` list (an official column title) may be quoted as they
are. The articles are not in the repository: the check reads their fingerprints (fingerprints.json),
so it runs on a fresh clone too.
"""

from __future__ import annotations

from knowledge import fingerprints as fp
from knowledge.base import default
from knowledge.provenance import load_provenance
from knowledge.validate import our_texts


def test_the_rule_is_a_run_of_15_characters() -> None:
    provenance = load_provenance()
    kept = fp.read()
    assert provenance.shared_run == 15
    assert kept is not None and kept.run == 15


def test_no_text_of_ours_shares_a_run_with_an_article() -> None:
    kb, provenance, kept = default(), load_provenance(), fp.read()
    assert kept is not None
    copied = {
        where: sorted(shared)[0]
        for where, text in our_texts(kb)
        if (shared := fp.shared_runs(text, kept, provenance.names))
    }
    assert copied == {}, "say these in our own words"


def test_every_kind_of_text_we_write_is_checked() -> None:
    places = {
        where.split(":")[0] + ":" + where.split(":")[-1].split("'")[0] for where, _t in our_texts(default())
    }
    kinds = " ".join(places)
    for kind in ("faq/", "summary", "claim", "criterion", "unchecked", "factor", "reliability"):
        assert kind in kinds, kind


def test_the_message_checks_words_are_ours_too() -> None:
    from knowledge.inspection.signs import default_signs

    provenance, kept = load_provenance(), fp.read()
    assert kept is not None
    copied = {
        f"{sign.id} {number}": sorted(shared)[0]
        for sign in default_signs().signs
        for number, cited in enumerate([*sign.facts, sign.advice])
        if (shared := fp.shared_runs(cited.text, kept, provenance.names))
    }
    assert copied == {}, "say these in our own words"
