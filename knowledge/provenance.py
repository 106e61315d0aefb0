"""The vocabulary of ``provenance.yaml``: what makes a statement sourced, and a requirement a requirement.

It is read by the checks of ``loan-advisor kb check`` (:mod:`knowledge.validate`) and by the builder of
the article fingerprints (:mod:`knowledge.fingerprints`), never by the advisor at run time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from knowledge.base import DATA_DIR, KnowledgeBaseError
from knowledge.models import CriterionKey, Id, StrictModel

PROVENANCE_FILE = "provenance.yaml"


class RequirementVocabulary(StrictModel):
    """How requirement statements are found in an article, and what they are about."""

    cues: list[str] = Field(min_length=1)
    own_text_ends: list[str] = Field(default_factory=list)
    article_products: dict[Id, list[Id]] = Field(default_factory=dict)
    product_words: dict[Id, list[str]] = Field(default_factory=dict)
    terms: dict[str, list[str]] = Field(min_length=1)
    key_terms: dict[CriterionKey, list[str]] = Field(default_factory=dict)

    def forms(self) -> list[tuple[str, str]]:
        """Every (surface form, term) pair, longest form first, for :func:`find_terms`."""
        pairs = [(form, term) for term, forms in self.terms.items() for form in forms]
        return sorted(pairs, key=lambda pair: -len(pair[0]))


class Provenance(StrictModel):
    """The whole of ``provenance.yaml``."""

    shared_run: int = Field(ge=8)
    names: list[str] = Field(default_factory=list)
    named_bodies: list[str] = Field(default_factory=list)
    general_marks: list[str] = Field(min_length=1)
    calculation_marks: list[str] = Field(default_factory=list)
    requirements: RequirementVocabulary

    def fingerprint_basis(self) -> str:
        """A hash of everything the fingerprints are built from, so that stale fingerprints are noticed."""
        basis: dict[str, Any] = {
            "shared_run": self.shared_run,
            "named_bodies": sorted(self.named_bodies),
            "requirements": self.requirements.model_dump(mode="json"),
        }
        raw = json.dumps(basis, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.blake2b(raw, digest_size=8).hexdigest()


def find_terms(text: str, vocabulary: RequirementVocabulary) -> list[str]:
    """The requirement terms ``text`` names, in order of first mention, reading the longest form first.

    「微信支付分」 is the pay score, not WeChat Pay: at each position the longest form that matches wins.
    """
    forms = vocabulary.forms()
    found: list[str] = []
    i = 0
    while i < len(text):
        for form, term in forms:
            if text.startswith(form, i):
                if term not in found:
                    found.append(term)
                i += len(form)
                break
        else:
            i += 1
    return found


def load_provenance(data_dir: Path = DATA_DIR) -> Provenance:
    """Read ``provenance.yaml`` from ``data_dir``.

    Raises:
        KnowledgeBaseError: the file is missing, not YAML, or not of the expected shape.
    """
    path = data_dir / PROVENANCE_FILE
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"{PROVENANCE_FILE}: cannot read: {exc}") from exc
    try:
        return Provenance.model_validate(raw)
    except ValidationError as exc:
        raise KnowledgeBaseError(f"{PROVENANCE_FILE}: {exc}") from exc
