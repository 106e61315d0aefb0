"""Cross-file rules of the knowledge base: what pydantic cannot see when it checks one file at a time.

:func:`problems` returns one message per broken rule, each naming the file and the entry at fault, e.g.
``faq/credit.yaml: entry 'credit.reported': unknown source 'xm-9qa'``. An empty list means the data is
consistent. Shape errors (missing keys, over-long answers) never get this far: :func:`knowledge.base.load`
raises :class:`knowledge.base.KnowledgeBaseError` for them.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from knowledge.base import KnowledgeBase
from knowledge.models import Attribute, Claim, Criterion, CriterionKey, FaqEntry

#: criterion keys whose rule is a number range (min/max)
NUMERIC_KEYS: frozenset[CriterionKey] = frozenset({"age", "monthly_income", "wechat_pay_score"})
#: criterion keys whose rule is a yes/no value (equals)
BOOLEAN_KEYS: frozenset[CriterionKey] = frozenset({"mainland_id", "student", "xiaomi_device"})
#: criterion keys whose rule is a list of credit statuses (allowed)
CREDIT_KEYS: frozenset[CriterionKey] = frozenset({"credit"})

#: files whose items load() keys by id, so that a second item with the same id hides the first: file -> list
_ID_LISTS = {"sources.yaml": "sources", "products.yaml": "products", "topics.yaml": "topics"}


def normalise(text: str) -> str:
    """Text reduced for duplicate detection: no spaces or punctuation, case-folded, full-width folded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith(("P", "Z", "S", "C")))


def problems(kb: KnowledgeBase, data_dir: Path | None = None) -> list[str]:
    """Every cross-file rule the knowledge base breaks, one message each.

    Args:
        kb: the loaded knowledge base.
        data_dir: the folder ``kb`` was loaded from. Loading keys sources, products and topics by id, so
            a duplicate id there silently replaces the first; with ``data_dir`` the files are read again
            to report such duplicates.

    Returns:
        Messages of the form ``"<file>: <entry>: <what is wrong>"``; empty when everything holds.
    """
    found: list[str] = []
    if data_dir is not None:
        found += _duplicate_ids_in_files(data_dir)
    found += _source_problems(kb)
    found += _product_problems(kb)
    found += _criteria_problems(kb)
    found += _entry_problems(kb)
    found += _phrasing_problems(kb)
    found += _example_problems(kb)
    return found


# --- ids -------------------------------------------------------------------------------------------------


def _duplicate_ids_in_files(data_dir: Path) -> list[str]:
    found = []
    for file_name, list_key in _ID_LISTS.items():
        try:
            raw: Any = yaml.safe_load((data_dir / file_name).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue  # load() has already reported an unreadable file
        items = raw.get(list_key) if isinstance(raw, dict) else None
        ids = [item.get("id") for item in items or [] if isinstance(item, dict)]
        kind = list_key.rstrip("s")
        found += [f"{file_name}: {kind} '{i}': id is used {n} times" for i, n in _repeated(ids).items()]
    return found


def _repeated(values: Iterable[Any]) -> dict[Any, int]:
    return {value: n for value, n in Counter(values).items() if n > 1}


def _unknown(ids: Iterable[str | None], known: Iterable[str], what: str, where: str) -> list[str]:
    known_set = set(known)
    missing = [i for i in dict.fromkeys(ids) if i is not None and i not in known_set]
    return [f"{where}: unknown {what} '{i}'" for i in missing]


# --- sources ---------------------------------------------------------------------------------------------


def _source_problems(kb: KnowledgeBase) -> list[str]:
    found = []
    for source in kb.sources.values():
        for section, n in _repeated(s.id for s in source.sections).items():
            found.append(f"sources.yaml: source '{source.id}': section '{section}' is listed {n} times")
    return found


# --- products --------------------------------------------------------------------------------------------


def _product_problems(kb: KnowledgeBase) -> list[str]:
    found = []
    for product in kb.products.values():
        for key, attribute in product.attributes.items():
            where = f"products.yaml: product '{product.id}': attribute '{key}'"
            for claim in attribute.claims:
                found += _unknown(claim.sources, kb.sources, "source", where)
                found += [f"{where}: claim '{claim.value}': {message}" for message in _figure_problems(claim)]
            if not attribute.conflict and _figures_disagree(attribute):
                found.append(f"{where}: claims state different figures but conflict is false")
    return found


def _figure_problems(claim: Claim) -> list[str]:
    found = []
    if claim.low is not None and claim.high is not None and claim.low > claim.high:
        found.append(f"low {claim.low} is above high {claim.high}")
    if (claim.low is not None or claim.high is not None) and claim.unit is None:
        found.append("has a figure but no unit")
    return found


def _figures_disagree(attribute: Attribute) -> bool:
    """Whether two claims in the same unit give a different lower or a different upper bound.

    Claims in different units (a penalty as a share of principal versus a multiple of the daily rate) and
    claims in words only cannot be compared mechanically; marking those is the editor's judgement.
    """
    by_unit: dict[str, list[Claim]] = defaultdict(list)
    for claim in attribute.claims:
        if claim.unit is not None and (claim.low is not None or claim.high is not None):
            by_unit[claim.unit].append(claim)
    for claims in by_unit.values():
        lows = {c.low for c in claims if c.low is not None}
        highs = {c.high for c in claims if c.high is not None}
        if len(lows) > 1 or len(highs) > 1:
            return True
    return False


# --- criteria and factors --------------------------------------------------------------------------------


def _criteria_problems(kb: KnowledgeBase) -> list[str]:
    found = []
    ids = [c.id for c in kb.criteria]
    found += [f"criteria.yaml: criterion '{i}': id is used {n} times" for i, n in _repeated(ids).items()]
    factor_ids = [f.id for f in kb.factors]
    found += [f"criteria.yaml: factor '{i}': id is used {n} times" for i, n in _repeated(factor_ids).items()]
    for criterion in kb.criteria:
        where = f"criteria.yaml: criterion '{criterion.id}'"
        found += _unknown([criterion.product], kb.products, "product", where)
        found += _unknown(criterion.sources, kb.sources, "source", where)
        found += [f"{where}: {message}" for message in _rule_problems(criterion)]
        product = kb.products.get(criterion.product)
        if product is not None and not product.checkable:
            found.append(f"{where}: product '{product.id}' is not checkable (not in the self-check)")
    for factor in kb.factors:
        where = f"criteria.yaml: factor '{factor.id}'"
        found += _unknown([factor.product], kb.products, "product", where)
        found += _unknown(factor.sources, kb.sources, "source", where)
    with_criteria = {c.product for c in kb.criteria}
    for product in kb.products.values():
        if product.checkable and product.id not in with_criteria:
            found.append(f"products.yaml: product '{product.id}': checkable but has no criteria")
    return found


def _rule_problems(criterion: Criterion) -> list[str]:
    """What is wrong with the rule of one criterion, given the kind of value its key holds."""
    c = criterion
    has_range = c.min is not None or c.max is not None
    if not (has_range or c.equals is not None or c.allowed is not None):
        return ["has no rule (no min, max, equals or allowed)"]
    found = []
    if c.key in NUMERIC_KEYS:
        if not has_range:
            found.append(f"key '{c.key}' is a number: give min and/or max")
        if c.equals is not None or c.allowed is not None:
            found.append(f"key '{c.key}' is a number: equals/allowed do not apply")
        if c.min is not None and c.max is not None and c.min > c.max:
            found.append(f"min {c.min} is above max {c.max}")
    elif c.key in BOOLEAN_KEYS:
        if c.equals is None:
            found.append(f"key '{c.key}' is yes/no: give equals")
        if has_range or c.allowed is not None:
            found.append(f"key '{c.key}' is yes/no: min/max/allowed do not apply")
    elif c.key in CREDIT_KEYS:
        if not c.allowed:
            found.append(f"key '{c.key}' takes a non-empty allowed list of credit statuses")
        if has_range or c.equals is not None:
            found.append(f"key '{c.key}' takes allowed only: min/max/equals do not apply")
    return found


# --- FAQ entries -----------------------------------------------------------------------------------------


def _entry_where(kb: KnowledgeBase, entry: FaqEntry) -> str:
    return f"{kb.origin.get(entry.id, 'faq')}: entry '{entry.id}'"


def _entry_problems(kb: KnowledgeBase) -> list[str]:
    found = []
    for entry in kb.entries.values():
        where = _entry_where(kb, entry)
        found += _unknown([entry.topic], kb.topics, "topic", where)
        found += _unknown(entry.products, kb.products, "product", where)
        found += _unknown(entry.related, kb.entries, "related entry", where)
        if entry.id in entry.related:
            found.append(f"{where}: lists itself as related")
        found += _answer_problems(kb, entry, where)
        found += _covers_problems(kb, entry.covers, where)
    return found


def _answer_problems(kb: KnowledgeBase, entry: FaqEntry, where: str) -> list[str]:
    found = []
    for answer in entry.answers:
        label = f"answer for '{answer.product}'" if answer.product else "general answer"
        found += _unknown(answer.sources, kb.sources, "source", f"{where}: {label}")
        if answer.product is not None:
            found += _unknown([answer.product], kb.products, "product", f"{where}: {label}")
            if answer.product not in entry.products:
                found.append(f"{where}: {label}, but '{answer.product}' is not in the entry's products")
    variants = [a.product for a in entry.answers]
    for product, n in _repeated(variants).items():
        label = f"answer for '{product}'" if product else "general answer"
        found.append(f"{where}: {label} is given {n} times")
    if None not in variants:
        found.append(f"{where}: has no general answer (one without product)")
    return found


def _covers_problems(kb: KnowledgeBase, covers: list[str], where: str) -> list[str]:
    found = []
    for ref in covers:
        source_id, sep, section_id = ref.partition("#")
        source = kb.sources.get(source_id)
        if not sep or not section_id:
            found.append(f"{where}: covers '{ref}' is not of the form 'source#section'")
        elif source is None:
            found.append(f"{where}: covers '{ref}': unknown source '{source_id}'")
        elif section_id not in {s.id for s in source.sections}:
            found.append(f"{where}: covers '{ref}': source '{source_id}' has no section '{section_id}'")
    return found


def _example_problems(kb: KnowledgeBase) -> list[str]:
    # an example labelled with a retired entry would teach the matcher nothing and skew the calibration
    found = []
    for example in kb.examples:
        where = f"examples/*.jsonl: 「{example.question}」"
        found += _unknown([example.entry], kb.entries, "entry", where)
        found += _unknown([example.product], kb.products, "product", where)
    return found


def _phrasing_problems(kb: KnowledgeBase) -> list[str]:
    """Paraphrases that would make two entries (or one entry twice) answer the same words."""
    found = []
    owner: dict[str, str] = {}  # normalised paraphrase -> entry id that states it first
    for entry in kb.entries.values():
        where = _entry_where(kb, entry)
        seen_here: set[str] = set()
        for phrase in entry.paraphrases:
            key = normalise(phrase)
            if key in seen_here:
                found.append(f"{where}: paraphrase '{phrase}' is given twice")
                continue
            seen_here.add(key)
            if key in owner:
                found.append(f"{where}: paraphrase '{phrase}' is also a paraphrase of entry '{owner[key]}'")
            else:
                owner[key] = entry.id
    questions: dict[str, str] = {}
    for entry in kb.entries.values():
        where = _entry_where(kb, entry)
        key = normalise(entry.question)
        other = owner.get(key)
        if other is not None and other != entry.id:
            found.append(f"{where}: question '{entry.question}' is a paraphrase of entry '{other}'")
        if key in questions:
            found.append(f"{where}: question '{entry.question}' is also the question of '{questions[key]}'")
        else:
            questions[key] = entry.id
    return found
