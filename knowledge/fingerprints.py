"""Fingerprints of the source articles: what the checks need from their text, without the text.

The articles live outside the repository (``../shared/sources``); a fresh clone has none of them. So that
the checks that need them still run there, ``knowledge/data/fingerprints.json`` keeps, per article:

- its file name and SHA-256 (the file the knowledge base cites, and whether it changed);
- hashes of every run of ``shared_run`` characters, after :func:`squash` (our own words: no such run may
  be shared with an answer, a claim or a criterion);
- hashes of the figures it states and of the named bodies (provenance.yaml) it names (a figure in an
  answer must be found in an article the answer cites);
- its requirement statements: an id, the products and the requirement terms (our vocabulary, never the
  article's words), for the rule that a stated requirement is never demoted to a factor.

Hashes are BLAKE2b cut to 6 bytes: a run cannot be recovered from its hash without already knowing it.
``loan-advisor kb fingerprint --sources DIR`` rebuilds the file; ``kb check --sources DIR`` verifies it
against the articles (:func:`verify`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.base import DATA_DIR, KnowledgeBase, KnowledgeBaseError
from knowledge.provenance import Provenance, RequirementVocabulary, find_terms

FINGERPRINT_FILE = "fingerprints.json"
#: bump when what is hashed, or how, changes: old fingerprints are then stale
FORMAT_VERSION = 1
DIGEST_BYTES = 6
#: run hashes per line of the JSON file (16 × 6 bytes = 128 base64 characters)
DIGESTS_PER_LINE = 16

_FIGURE = re.compile(r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?(?:\s*[万千亿])?")
_SCALE = {"万": 10_000, "千": 1_000, "亿": 100_000_000}
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
#: a sentence that asks (「有啥要求吗」「小米贷款有什么要求?」) states no requirement
_QUESTION = re.compile(r"[吗?？]")


def squash(text: str) -> str:
    """Text reduced for comparing wording: width and case folded, no spaces, punctuation or symbols."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith(("P", "Z", "S", "C")))


def digest(text: str) -> bytes:
    """The short hash every fingerprint uses."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=DIGEST_BYTES).digest()


def runs(squashed: str, length: int) -> Iterator[str]:
    """Every run of ``length`` characters of an already squashed text."""
    for start in range(len(squashed) - length + 1):
        yield squashed[start : start + length]


#: full-width digits read as digits; circled list markers (①) are not figures, so no NFKC here
_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def figure_matches(text: str) -> list[str]:
    """The figures of ``text`` as written (「20万」「0.05」「200,000」), in order."""
    return [m.group() for m in _FIGURE.finditer(text.translate(_WIDTH))]


def figures(text: str) -> set[str]:
    """The figures a text states, each as a plain number (「20万」 also as 200000, 「200,000」 as 200000)."""
    found: set[str] = set()
    for written in figure_matches(text):
        raw = written.replace(",", "").replace(" ", "")
        scale = _SCALE.get(raw[-1], 1)
        number = float(raw.rstrip("万千亿"))
        found.add(_plain(number))
        if scale != 1:
            found.add(_plain(number * scale))
    return found


def _plain(number: float) -> str:
    return format(number, ".10g")


@dataclass(frozen=True)
class Statement:
    """A requirement an article states: which products, and which requirement terms (our vocabulary)."""

    id: str
    products: tuple[str, ...]
    terms: tuple[str, ...]


def _lines(digests: list[bytes]) -> list[str]:
    """Digests packed into base64 lines of :data:`DIGESTS_PER_LINE` each."""
    step = DIGESTS_PER_LINE
    return [
        base64.b64encode(b"".join(digests[i : i + step])).decode("ascii")
        for i in range(0, len(digests), step)
    ]


@dataclass
class ArticleFingerprint:
    """What the checks know of one article."""

    file: str
    sha256: str
    runs: set[bytes] = field(default_factory=set)
    figures: set[bytes] = field(default_factory=set)
    bodies: set[bytes] = field(default_factory=set)
    statements: list[Statement] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "runs": _lines(sorted(self.runs)),
            "figures": sorted(d.hex() for d in self.figures),
            "bodies": sorted(d.hex() for d in self.bodies),
            "statements": [
                {"id": s.id, "products": list(s.products), "terms": list(s.terms)} for s in self.statements
            ],
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ArticleFingerprint:
        packed = b"".join(base64.b64decode(line) for line in raw["runs"])
        return cls(
            file=raw["file"],
            sha256=raw["sha256"],
            runs={packed[i : i + DIGEST_BYTES] for i in range(0, len(packed), DIGEST_BYTES)},
            figures={bytes.fromhex(h) for h in raw["figures"]},
            bodies={bytes.fromhex(h) for h in raw["bodies"]},
            statements=[
                Statement(id=s["id"], products=tuple(s["products"]), terms=tuple(s["terms"]))
                for s in raw["statements"]
            ],
        )


@dataclass
class Fingerprints:
    """Fingerprints of every article, keyed by source id, with what they were built from."""

    run: int
    basis: str
    articles: dict[str, ArticleFingerprint]
    version: int = FORMAT_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "run": self.run,
            "basis": self.basis,
            "articles": {sid: a.to_json() for sid, a in sorted(self.articles.items())},
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Fingerprints:
        return cls(
            version=int(raw["version"]),
            run=int(raw["run"]),
            basis=str(raw["basis"]),
            articles={sid: ArticleFingerprint.from_json(a) for sid, a in raw["articles"].items()},
        )

    def statements(self) -> Iterator[tuple[str, Statement]]:
        """Every requirement statement, with the id of the article that makes it."""
        for source_id, article in self.articles.items():
            for statement in article.statements:
                yield source_id, statement


# --- reading an article ------------------------------------------------------------------------------


def _products_named(text: str, vocabulary: RequirementVocabulary) -> tuple[str, ...]:
    folded = text.casefold()
    return tuple(
        p for p, words in vocabulary.product_words.items() if any(w.casefold() in folded for w in words)
    )


def _has_cue(text: str, vocabulary: RequirementVocabulary) -> bool:
    return any(cue in text for cue in vocabulary.cues)


def _own_text(text: str, vocabulary: RequirementVocabulary) -> list[str]:
    """The article's lines up to where its own text ends (links to other pages, reader comments)."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if any(marker in line for marker in vocabulary.own_text_ends):
            return lines[:number]
    return lines


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _statement_texts(
    text: str, default: tuple[str, ...], vocabulary: RequirementVocabulary
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(text, products) of each statement that reads as a requirement, in article order.

    A sentence is one when it has a cue (「必须」「要求」…); a table row is one when it or the table's header
    has a cue. A header naming products gives each column its product (「准入维度 | 微粒贷 | WE2000」).
    """
    header: list[str] | None = None
    table_cue = False
    for line in _own_text(text, vocabulary):
        stripped = line.strip()
        if "|" not in stripped:
            header = None
            for sentence in _SENTENCE.findall(stripped):
                if _has_cue(sentence, vocabulary) and not _QUESTION.search(sentence):
                    yield sentence.rstrip("。；;！!"), _products_named(sentence, vocabulary) or default
            continue
        cells = _cells(stripped)
        if all(set(cell) <= {"-", ""} for cell in cells):
            continue  # the ---|--- line under a header
        if header is None:
            header, table_cue = cells, _has_cue(stripped, vocabulary)
            continue
        if not (table_cue or _has_cue(stripped, vocabulary)):
            continue
        columns = [_products_named(cell, vocabulary) for cell in header]
        if any(columns[1:]):
            for cell, products in zip(cells[1:], columns[1:], strict=False):
                if products:
                    yield f"{cells[0]} {cell}", products
        else:
            yield stripped, _products_named(stripped, vocabulary) or default


def requirement_statements(
    source_id: str, text: str, vocabulary: RequirementVocabulary
) -> list[tuple[Statement, str]]:
    """The requirement statements of one article, each with its text (for editors, never stored)."""
    default = tuple(vocabulary.article_products.get(source_id, ()))
    found: list[tuple[Statement, str]] = []
    for sentence, products in _statement_texts(text, default, vocabulary):
        terms = find_terms(sentence, vocabulary)
        if terms and products:
            number = len(found) + 1
            found.append((Statement(f"{source_id}#r{number}", products, tuple(terms)), sentence))
    return found


def fingerprint_article(
    source_id: str, file_name: str, raw: bytes, provenance: Provenance
) -> ArticleFingerprint:
    """The fingerprint of one article file's bytes."""
    text = raw.decode("utf-8")
    squashed = squash(text)
    return ArticleFingerprint(
        file=file_name,
        sha256=hashlib.sha256(raw).hexdigest(),
        runs={digest(run) for run in runs(squashed, provenance.shared_run)},
        figures={digest(f) for f in figures(text)},
        bodies={digest(b) for b in provenance.named_bodies if b in text},
        statements=[s for s, _text in requirement_statements(source_id, text, provenance.requirements)],
    )


def article_files(kb: KnowledgeBase) -> dict[str, str]:
    """Source id → article file name, for every article source (general knowledge has no file)."""
    return {s.id: s.file for s in kb.sources.values() if s.kind == "article" and s.file}


def build(kb: KnowledgeBase, provenance: Provenance, sources_dir: Path) -> Fingerprints:
    """Fingerprint every article of ``kb`` from the files in ``sources_dir``.

    Raises:
        KnowledgeBaseError: an article file is missing or unreadable.
    """
    articles = {}
    for source_id, file_name in article_files(kb).items():
        path = sources_dir / file_name
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise KnowledgeBaseError(f"{source_id}: cannot read {path}: {exc}") from exc
        articles[source_id] = fingerprint_article(source_id, file_name, raw, provenance)
    return Fingerprints(run=provenance.shared_run, basis=provenance.fingerprint_basis(), articles=articles)


def write(fingerprints: Fingerprints, path: Path) -> None:
    """Save fingerprints as JSON (one article per block, stable order, so that diffs stay readable)."""
    path.write_text(json.dumps(fingerprints.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def read(data_dir: Path = DATA_DIR) -> Fingerprints | None:
    """The fingerprints kept in ``data_dir``, or ``None`` when there are none.

    Raises:
        KnowledgeBaseError: the file exists but is not a fingerprint file.
    """
    path = data_dir / FINGERPRINT_FILE
    if not path.exists():
        return None
    try:
        return Fingerprints.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KnowledgeBaseError(f"{FINGERPRINT_FILE}: cannot read: {exc}") from exc


# --- checks ----------------------------------------------------------------------------------------------


def staleness(fingerprints: Fingerprints, kb: KnowledgeBase, provenance: Provenance) -> list[str]:
    """Why ``fingerprints`` do not fit this knowledge base and vocabulary, if they do not (else empty)."""
    rebuild = "rebuild it with `loan-advisor kb fingerprint --sources DIR`"
    found = []
    if fingerprints.version != FORMAT_VERSION:
        found.append(
            f"{FINGERPRINT_FILE}: format {fingerprints.version}, expected {FORMAT_VERSION}: {rebuild}"
        )
    elif fingerprints.basis != provenance.fingerprint_basis() or fingerprints.run != provenance.shared_run:
        found.append(f"{FINGERPRINT_FILE}: built with another provenance.yaml vocabulary: {rebuild}")
    files = article_files(kb)
    for source_id, file_name in files.items():
        article = fingerprints.articles.get(source_id)
        if article is None:
            found.append(f"sources.yaml: source '{source_id}': no fingerprint of {file_name}: {rebuild}")
        elif article.file != file_name:
            found.append(
                f"sources.yaml: source '{source_id}': names {file_name}, "
                f"fingerprinted {article.file}: {rebuild}"
            )
    for source_id in sorted(set(fingerprints.articles) - set(files)):
        found.append(f"{FINGERPRINT_FILE}: fingerprint of '{source_id}', which sources.yaml does not list")
    return found


def verify(
    fingerprints: Fingerprints, kb: KnowledgeBase, provenance: Provenance, sources_dir: Path
) -> list[str]:
    """Where the kept fingerprints differ from the articles in ``sources_dir`` (empty when they agree)."""
    try:
        fresh = build(kb, provenance, sources_dir)
    except KnowledgeBaseError as exc:
        return [f"{FINGERPRINT_FILE}: cannot verify against {sources_dir}: {exc}"]
    found = []
    for source_id, article in fresh.articles.items():
        kept = fingerprints.articles.get(source_id)
        if kept is None:
            continue  # reported by staleness()
        if kept.sha256 != article.sha256:
            found.append(f"{FINGERPRINT_FILE}: {article.file} has changed since it was fingerprinted")
        elif kept.to_json() != article.to_json():
            found.append(f"{FINGERPRINT_FILE}: the fingerprint of {article.file} is not what it yields now")
    return found


def shared_runs(text: str, fingerprints: Fingerprints, names: Iterable[str] = ()) -> dict[str, str]:
    """Runs of ``text`` shared with an article: ``{run: source id}`` (first article found).

    Listed names (an official column title) are cut out first, so that they can be quoted as they are.
    """
    for name in names:
        text = text.replace(name, "\n")
    found: dict[str, str] = {}
    for piece in text.split("\n"):
        for run in runs(squash(piece), fingerprints.run):
            key = digest(run)
            for source_id, article in fingerprints.articles.items():
                if key in article.runs:
                    found.setdefault(run, source_id)
                    break
    return found
