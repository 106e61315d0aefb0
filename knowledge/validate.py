"""Cross-file rules of the knowledge base: what pydantic cannot see when it checks one file at a time.

:func:`problems` returns one message per broken rule, each naming the file and the entry at fault, e.g.
``faq/credit.yaml: entry 'credit.reported': unknown source 'xm-9qa'``. An empty list means the data is
consistent. Shape errors (missing keys, over-long answers) never get this far: :func:`knowledge.base.load`
raises :class:`knowledge.base.KnowledgeBaseError` for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from knowledge import fingerprints as fp
from knowledge.base import KnowledgeBase, KnowledgeBaseError
from knowledge.eligibility import key_verdict
from knowledge.models import Attribute, Claim, Criterion, CriterionKey, FaqEntry
from knowledge.provenance import Provenance, find_terms, load_provenance

#: criterion keys whose rule is a number range (min/max)
NUMERIC_KEYS: frozenset[CriterionKey] = frozenset(
    {"age", "monthly_income", "wechat_pay_score", "wechat_pay_monthly"}
)
#: criterion keys whose rule is a yes/no value (equals)
BOOLEAN_KEYS: frozenset[CriterionKey] = frozenset(
    {
        "mainland_id",
        "student",
        "xiaomi_device",
        "xiaomi_purchases",
        "wechat_pay_bound",
        "wechat_wallet_entry",
        "wechat_active",
    }
)
#: criterion keys whose rule is a list of credit statuses (allowed)
CREDIT_KEYS: frozenset[CriterionKey] = frozenset({"credit"})

#: files whose items load() keys by id, so that a second item with the same id hides the first: file -> list
_ID_LISTS = {"sources.yaml": "sources", "products.yaml": "products", "topics.yaml": "topics"}


def normalise(text: str) -> str:
    """Text reduced for duplicate detection: no spaces or punctuation, case-folded, full-width folded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith(("P", "Z", "S", "C")))


def problems(
    kb: KnowledgeBase, data_dir: Path | None = None, *, sources_dir: Path | None = None
) -> list[str]:
    """Every cross-file rule the knowledge base breaks, one message each.

    Args:
        kb: the loaded knowledge base.
        data_dir: the folder ``kb`` was loaded from. Loading keys sources, products and topics by id, so
            a duplicate id there silently replaces the first; with ``data_dir`` the files are read again
            to report such duplicates. Its ``provenance.yaml`` and ``fingerprints.json`` also enable the
            rules that need the articles: our own words, sourced figures, stated requirements kept as
            requirements (see :func:`provenance_problems`).
        sources_dir: the folder of the article files, when at hand: the fingerprints are then verified
            against them.

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
    if data_dir is not None:
        found += _article_problems(kb, data_dir, sources_dir)
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
    unchecked_ids = [u.id for u in kb.unchecked]
    found += [
        f"criteria.yaml: unchecked '{i}': id is used {n} times" for i, n in _repeated(unchecked_ids).items()
    ]
    for requirement in kb.unchecked:
        where = f"criteria.yaml: unchecked '{requirement.id}'"
        found += _unknown([requirement.product], kb.products, "product", where)
        found += _unknown(requirement.sources, kb.sources, "source", where)
    with_criteria = {c.product for c in kb.criteria}
    for product in kb.products.values():
        if product.checkable and product.id not in with_criteria:
            found.append(f"products.yaml: product '{product.id}': checkable but has no criteria")
    return found


def _rule_problems(criterion: Criterion) -> list[str]:
    """What is wrong with the rule of one criterion, given the kind of value its key holds."""
    c = criterion
    has_range = c.min is not None or c.max is not None
    if c.unpublished:
        if has_range or c.equals is not None or c.allowed is not None or c.interpreted:
            return ["has no published threshold (unpublished) but states a rule"]
        return []
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
        found += _unknown(entry.overlaps, kb.entries, "overlapping entry", where)
        found += _unknown(entry.together, kb.entries, "entry answered together", where)
        if entry.id in entry.related:
            found.append(f"{where}: lists itself as related")
        if entry.id in entry.together:
            found.append(f"{where}: lists itself as answered together")
        if entry.answers or entry.kind != "action":  # a want may have no answer of its own
            found += _answer_problems(kb, entry, where)
        found += _conclusion_problems(kb, entry, where)
        found += _covers_problems(kb, entry.covers, where)
        if (kb.origin.get(entry.id) == "intents.yaml") != (entry.kind == "action"):
            found.append(f"{where}: wants (kind action) belong in intents.yaml, and only they")
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


def _conclusion_problems(kb: KnowledgeBase, entry: FaqEntry, where: str) -> list[str]:
    """Conclusions an answer states that the self-check, from the same criteria, would not reach."""
    found = []
    for answer in entry.answers:
        label = f"answer for '{answer.product}'" if answer.product else "general answer"
        for conclusion in answer.concludes:
            product = conclusion.product or answer.product
            if product is None:
                found.append(f"{where}: {label}: a conclusion on '{conclusion.key}' names no product")
                continue
            if product not in kb.products:
                continue  # reported as an unknown product
            reached = key_verdict(kb, product, conclusion.key, conclusion.value)
            if reached != conclusion.verdict:
                found.append(
                    f"{where}: {label} concludes '{conclusion.verdict}' for {product} when "
                    f"{conclusion.key} = {conclusion.value!r}, but the criteria give '{reached}'"
                )
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


# --- what needs the articles: own words, sourced figures, stated requirements ------------------------------


def _article_problems(kb: KnowledgeBase, data_dir: Path, sources_dir: Path | None) -> list[str]:
    """The rules that need the articles, run against their fingerprints in ``data_dir``."""
    try:
        provenance = load_provenance(data_dir)
        prints = fp.read(data_dir)
    except KnowledgeBaseError as exc:
        return [str(exc)]
    if prints is None:
        return [
            f"{fp.FINGERPRINT_FILE}: missing, so our own words, figures and requirements cannot be checked "
            "against the articles: build it with `loan-advisor kb fingerprint --sources DIR`"
        ]
    return provenance_problems(kb, provenance, prints, sources_dir)


def provenance_problems(
    kb: KnowledgeBase, provenance: Provenance, prints: fp.Fingerprints, sources_dir: Path | None = None
) -> list[str]:
    """The rules of ``kb check`` that need the articles, run against their fingerprints.

    - the fingerprints fit this knowledge base (and, with ``sources_dir``, the article files);
    - no text of ours shares a run of ``shared_run`` characters with an article;
    - an answer sentence with a figure or a named body finds it in an article the answer cites, or is
      marked as general knowledge (and the answer cites ``general``) or as our own calculation;
    - every requirement an article states is a criterion or an unchecked requirement citing it, or an
      exemption: never only a factor;
    - a criterion's text names only what its question asks.
    """
    stale = fp.staleness(prints, kb, provenance)
    if sources_dir is not None and not stale:
        stale += fp.verify(prints, kb, provenance, sources_dir)
    if stale:
        return stale  # the rules below would judge against the wrong articles
    found: list[str] = []
    found += _own_words_problems(kb, provenance, prints)
    found += _attribution_problems(kb, provenance, prints)
    found += _requirement_problems(kb, provenance, prints)
    found += _criterion_text_problems(kb, provenance)
    return found


def our_texts(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """(where, text) of every statement we write: answers, claims, summaries, criteria, factors, notes."""
    for entry in kb.entries.values():
        for answer in entry.answers:
            label = f"answer for '{answer.product}'" if answer.product else "general answer"
            yield f"{kb.origin.get(entry.id, 'faq')}: entry '{entry.id}': {label}", answer.text
    for product in kb.products.values():
        where = f"products.yaml: product '{product.id}'"
        yield f"{where}: summary", product.summary
        yield f"{where}: provider", product.provider
        for key, attribute in product.attributes.items():
            if attribute.note:
                yield f"{where}: attribute '{key}': note", attribute.note
            for claim in attribute.claims:
                yield f"{where}: attribute '{key}': claim", claim.value + "\n" + (claim.note or "")
    for criterion in kb.criteria:
        yield f"criteria.yaml: criterion '{criterion.id}'", criterion.text + "\n" + (criterion.tip or "")
    for requirement in kb.unchecked:
        yield f"criteria.yaml: unchecked '{requirement.id}'", requirement.text + "\n" + requirement.why
    for factor in kb.factors:
        yield f"criteria.yaml: factor '{factor.id}'", factor.text
    for source in kb.sources.values():
        yield f"sources.yaml: source '{source.id}': reliability", source.reliability


def _own_words_problems(kb: KnowledgeBase, provenance: Provenance, prints: fp.Fingerprints) -> list[str]:
    found = []
    for where, text in our_texts(kb):
        shared = fp.shared_runs(text, prints, provenance.names)
        if shared:
            run, source_id = next(iter(shared.items()))
            more = f" (and {len(shared) - 1} more runs)" if len(shared) > 1 else ""
            found.append(
                f"{where}: shares 「{run}」 with 《{_short(kb, source_id)}》, "
                f"a run of {prints.run} characters"
                f"{more}: say it in our own words"
            )
    return found


def _short(kb: KnowledgeBase, source_id: str) -> str:
    source = kb.sources.get(source_id)
    return source.short if source else source_id


_SENTENCES = re.compile(r"[^。！？!?\n]+")


def _attribution_problems(kb: KnowledgeBase, provenance: Provenance, prints: fp.Fingerprints) -> list[str]:
    """Figures and named bodies in answers that no cited article states and no mark owns up to."""
    found = []
    general_ids = {s.id for s in kb.sources.values() if s.kind == "general"}
    for entry in kb.entries.values():
        for answer in entry.answers:
            label = f"answer for '{answer.product}'" if answer.product else "general answer"
            where = f"{kb.origin.get(entry.id, 'faq')}: entry '{entry.id}': {label}"
            cites_general = bool(general_ids & set(answer.sources))
            cited = [prints.articles[s] for s in answer.sources if s in prints.articles]
            marked = False
            for sentence in _SENTENCES.findall(answer.text):
                if any(mark in sentence for mark in provenance.general_marks):
                    marked = True
                    if not cites_general:
                        found.append(
                            f"{where}: 「{sentence}」 is marked as general knowledge: cite 'general' too"
                        )
                    continue
                missing = _unsourced(sentence, cited, provenance)
                if missing:
                    found.append(
                        f"{where}: 「{sentence}」 states {'、'.join(missing)}, "
                        "which no article it cites states: "
                        "cite the article that does, or mark the sentence 「（常识）」 and cite 'general'"
                    )
            if cites_general and not marked:
                found.append(
                    f"{where}: cites 'general' but no sentence is marked 「（常识）」 for the reader"
                )
    return found


def _unsourced(sentence: str, cited: list[fp.ArticleFingerprint], provenance: Provenance) -> list[str]:
    """The figures and named bodies of one sentence that no cited article states."""
    missing = []
    if not any(mark in sentence for mark in provenance.calculation_marks):
        for match in fp.figure_matches(sentence):
            forms = {fp.digest(f) for f in fp.figures(match)}
            if not any(forms & article.figures for article in cited):
                missing.append(match)
    for body in provenance.named_bodies:
        if body in sentence and not any(fp.digest(body) in article.bodies for article in cited):
            missing.append(body)
    return list(dict.fromkeys(missing))


def _requirement_problems(kb: KnowledgeBase, provenance: Provenance, prints: fp.Fingerprints) -> list[str]:
    """Requirements an article states that the criteria do not keep as requirements."""
    vocabulary = provenance.requirements
    found = []
    covered: set[tuple[str, str, str]] = set()
    for criterion in kb.criteria:
        for term in vocabulary.key_terms.get(criterion.key, []):
            covered |= {(criterion.product, term, s) for s in criterion.sources}
    for requirement in kb.unchecked:
        where = f"criteria.yaml: unchecked '{requirement.id}'"
        found += _unknown(requirement.terms, vocabulary.terms, "requirement term", where)
        for term in requirement.terms:
            covered |= {(requirement.product, term, s) for s in requirement.sources}
    statements = {statement.id: statement for _source, statement in prints.statements()}
    exempt: set[tuple[str, str]] = set()
    for exemption in kb.exemptions:
        where = f"criteria.yaml: exemption '{exemption.statement}'"
        statement = statements.get(exemption.statement)
        if statement is None:
            found.append(f"{where}: no such requirement statement in {fp.FINGERPRINT_FILE}")
            continue
        stray = [t for t in exemption.terms if t not in statement.terms]
        if stray:
            found.append(f"{where}: the statement names no {', '.join(stray)}")
        exempt |= {(exemption.statement, t) for t in exemption.terms}
    checkable = {p.id for p in kb.products.values() if p.checkable}
    for source_id, statement in prints.statements():
        for product in (p for p in statement.products if p in checkable):
            for term in statement.terms:
                if (statement.id, term) in exempt or (product, term, source_id) in covered:
                    continue
                message = (
                    f"criteria.yaml: 《{_short(kb, source_id)}》 states a requirement on '{term}' for "
                    f"'{product}' ({statement.id}), and no criterion or unchecked requirement "
                    "citing it keeps it"
                )
                demoted = [
                    f.id
                    for f in kb.factors
                    if f.product == product
                    and source_id in f.sources
                    and term in find_terms(f.text, vocabulary)
                ]
                if demoted:
                    message += f"; factor {', '.join(repr(d) for d in demoted)} demotes it to 'not required'"
                found.append(message)
    return found


def _criterion_text_problems(kb: KnowledgeBase, provenance: Provenance) -> list[str]:
    """Criteria whose text names more than their question asks: a pass would print 「符合」 for it all."""
    vocabulary = provenance.requirements
    found = []
    for key in sorted(set(CriterionKey.__args__) - set(vocabulary.key_terms)):  # type: ignore[attr-defined]
        found.append(f"provenance.yaml: key '{key}' has no key_terms")
    for criterion in kb.criteria:
        asked = set(vocabulary.key_terms.get(criterion.key, []))
        extra = [t for t in find_terms(criterion.text, vocabulary) if t not in asked]
        if extra:
            found.append(
                f"criteria.yaml: criterion '{criterion.id}': its text names {', '.join(extra)}, which its "
                f"question ('{criterion.key}') does not ask: split it, or make it an unchecked requirement"
            )
    return found
