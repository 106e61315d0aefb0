"""The lexicon of question understanding: typo, product-alias and synonym maps and out-of-domain markers.

The lexicon is data (``knowledge/data/lexicon.yaml``) so that a maintainer can add a colloquial form or a
near-homophone without touching code; :func:`load_lexicon` reads and checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    #: words that mark a harmful request (forging, cashing out, evading collection)
    harm_markers: list[str]


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


def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read the lexicon file.

    Args:
        path: the YAML file; the one shipped with the package by default.

    Raises:
        LexiconError: the file cannot be read or has the wrong shape.
    """
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
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
        harm_markers=[str(w) for w in raw.get("harm_markers") or []],
    )
