"""The lexicon of question understanding: typo, product-alias and synonym maps and out-of-domain markers.

The lexicon is data (``knowledge/data/lexicon.yaml``) so that a maintainer can add a colloquial form or a
near-homophone without touching code; :func:`load_lexicon` reads and checks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.yaml"


class LexiconError(Exception):
    """The lexicon file is missing or not of the expected shape."""


@dataclass(frozen=True)
class Lexicon:
    """The maps and word lists of ``lexicon.yaml``, each variant pointing at its canonical form."""

    #: wrong form -> right form
    typos: dict[str, str]
    #: product id -> extra aliases (beyond products.yaml)
    product_aliases: dict[str, list[str]]
    #: variant -> canonical word
    synonyms: dict[str, str]
    out_of_domain: list[str]
    fillers: list[str]
    #: refusal entry -> words that mark a request for the harmful help it refuses (伪造, 套现, 躲催收 …)
    harm_markers: dict[str, list[str]]
    #: refusal entry -> regular expressions for requests no fixed word catches (「用微粒贷去还小米贷款」)
    harm_patterns: dict[str, list[str]] = field(default_factory=dict)
    #: subjects next to the domain that the advisor does not cover (信用卡, 房贷, 基金 …); a soft signal
    foreign_subjects: list[str] = field(default_factory=list)
    #: lenders, loan apps and bank loan products the advisor does not cover (分期乐, 招行闪电贷 …); they
    #: count as foreign subjects
    other_lenders: list[str] = field(default_factory=list)
    #: words of the advisor's own domain (借, 贷, 还款, 征信 …); a soft signal
    domain_anchors: list[str] = field(default_factory=list)
    #: names holding a product's brand that are something else (小米汽车, 小米账号): foreign subjects
    brand_compounds: list[str] = field(default_factory=list)
    #: product id -> (descriptions that point at it without naming it (「公众号推的贷款」), words one of
    #: which the question must also hold for a description to count; none: no such condition)
    product_cues: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    #: words that shape a question rather than say what it is about (是, 干嘛, 意思, 都 …); their weight
    #: in the word channel is damped
    form_words: list[str] = field(default_factory=list)
    #: topic id -> English words that point at it (「credit report」 → credit): the topics offered as
    #: buttons to a message written in English
    english_topics: dict[str, list[str]] = field(default_factory=dict)
    #: FAQ entry id -> English phrases that ask exactly it (「verification code」): its answer is shown
    english_entries: dict[str, list[str]] = field(default_factory=dict)
    #: words that only make a short question a question (怎么, 多少, 吗 …): what is left of 「WE2000利率咋算」
    #: without them and the product is its topic (「利率算」), read against the topics of the entries' own
    #: paraphrases and examples
    question_forms: list[str] = field(default_factory=list)
    #: pinyin spelling -> the word it reads as in a question about loans, whatever pypinyin's usual
    #: reading of that word (「huan」 -> 还, usually 「hai」)
    pinyin: dict[str, str] = field(default_factory=dict)


def _by_entry(raw: Any, name: str, *, patterns: bool = False) -> dict[str, list[str]]:
    """A table ``name`` of entry id -> strings; with ``patterns``, each must be a regular expression."""
    if not isinstance(raw, dict):
        raise LexiconError(f"lexicon.yaml: '{name}' must map refusal entry ids to lists")
    table = {str(entry): [str(item) for item in items or []] for entry, items in raw.items()}
    for entry, items in table.items():
        for item in items if patterns else []:
            try:
                re.compile(item)
            except re.error as exc:
                raise LexiconError(
                    f"lexicon.yaml: {name}: {entry}: {item!r} is not a regular expression: {exc}"
                ) from exc
    return table


def _invert(groups: Any, name: str) -> dict[str, str]:
    if not isinstance(groups, dict):
        raise LexiconError(f"lexicon.yaml: '{name}' must map a canonical word to a list of variants")
    inverted: dict[str, str] = {}
    for canonical, variants in groups.items():
        if not isinstance(variants, list):
            raise LexiconError(f"lexicon.yaml: {name}.{canonical} must be a list")
        for variant in variants:
            variant = str(variant)
            if variant in inverted and inverted[variant] != str(canonical):
                raise LexiconError(
                    f"lexicon.yaml: '{variant}' in {name} points at both "
                    f"'{inverted[variant]}' and '{canonical}'"
                )
            inverted[variant] = str(canonical)
    return inverted


def _cues(raw: Any) -> dict[str, tuple[list[str], list[str]]]:
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise LexiconError("lexicon.yaml: 'product_cues' must map product ids to {cues: [...], needs: [...]}")
    return {
        str(product): ([str(c) for c in spec.get("cues") or []], [str(n) for n in spec.get("needs") or []])
        for product, spec in raw.items()
    }


def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read the lexicon file.

    Args:
        path: the YAML file; the one shipped with the package by default.

    Raises:
        LexiconError: the file cannot be read or has the wrong shape.
    """
    try:
        # libyaml's loader when present: the pure-Python one takes a tenth of a second of start-up here
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(raw, dict):
        raise LexiconError(f"{path.name}: expected a mapping at the top")
    products = raw.get("products") or {}
    if not isinstance(products, dict):
        raise LexiconError(f"{path.name}: 'products' must map product ids to alias lists")
    return Lexicon(
        typos=_invert(raw.get("typos") or {}, "typos"),
        product_aliases={str(k): [str(a) for a in v] for k, v in products.items()},
        synonyms=_invert(raw.get("synonyms") or {}, "synonyms"),
        out_of_domain=[str(w) for w in raw.get("out_of_domain") or []],
        fillers=[str(w) for w in raw.get("fillers") or []],
        harm_markers=_by_entry(raw.get("harm_markers") or {}, "harm_markers"),
        harm_patterns=_by_entry(raw.get("harm_patterns") or {}, "harm_patterns", patterns=True),
        foreign_subjects=[str(w) for w in raw.get("foreign_subjects") or []],
        other_lenders=[str(w) for w in raw.get("other_lenders") or []],
        domain_anchors=[str(w) for w in raw.get("domain_anchors") or []],
        brand_compounds=[str(w) for w in raw.get("brand_compounds") or []],
        product_cues=_cues(raw.get("product_cues") or {}),
        form_words=[str(w) for w in raw.get("form_words") or []],
        english_topics={
            str(k): [str(w).lower() for w in v or []] for k, v in (raw.get("english_topics") or {}).items()
        },
        english_entries={
            str(k): [str(w).lower() for w in v or []] for k, v in (raw.get("english_entries") or {}).items()
        },
        question_forms=[str(w) for w in raw.get("question_forms") or []],
        pinyin={str(k).lower(): str(v) for k, v in (raw.get("pinyin") or {}).items()},
    )
