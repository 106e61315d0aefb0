"""Loading the knowledge base from its data files into one immutable :class:`KnowledgeBase`.

The data directory holds ``sources.yaml``, ``products.yaml``, ``criteria.yaml``, ``topics.yaml``, any
number of ``faq/*.yaml`` files, ``intents.yaml`` (the wants besides FAQ questions, kept with the FAQ
entries as entries of kind ``action``) and the labelled questions of ``examples/*.jsonl``. Loading checks the
shape of each file (pydantic); the cross-file rules (ids that must exist, duplicates) are
:func:`knowledge.validate.problems`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, overload

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.models import (
    ApprovalFactor,
    CriteriaFile,
    Criterion,
    Exemption,
    FaqEntry,
    FaqFile,
    IntentsFile,
    LabelledQuestion,
    Product,
    ProductsFile,
    Source,
    SourcesFile,
    Topic,
    TopicsFile,
    UncheckedRequirement,
)

DATA_DIR = Path(__file__).parent / "data"

M = TypeVar("M", bound=BaseModel)

# libyaml's parser is ~10x faster than the pure-Python one and start-up reads every data file.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class KnowledgeBaseError(Exception):
    """A data file cannot be read or does not have the expected shape; the message names the file."""


class Examples(Sequence[LabelledQuestion]):
    """Labelled questions read at their first use: a process that starts with the matcher's saved index
    never needs them (they are read to build the index, and to score and check the matcher), and at 100
    times today's size reading them would be most of its start-up."""

    def __init__(self, read: Callable[[], Sequence[LabelledQuestion]]) -> None:
        self._read: Callable[[], Sequence[LabelledQuestion]] | None = read
        self._items: tuple[LabelledQuestion, ...] = ()

    def _all(self) -> tuple[LabelledQuestion, ...]:
        if self._read is not None:
            self._items = tuple(self._read())
            self._read = None
        return self._items

    @property
    def read(self) -> bool:
        """The questions have been read."""
        return self._read is None

    @overload
    def __getitem__(self, index: int) -> LabelledQuestion: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[LabelledQuestion, ...]: ...

    def __getitem__(self, index: int | slice) -> LabelledQuestion | tuple[LabelledQuestion, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[LabelledQuestion]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and self._all() == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Examples({len(self)} questions)" if self.read else "Examples(not read yet)"


def _filtered(
    examples: Sequence[LabelledQuestion],
    keep: Callable[[Sequence[LabelledQuestion]], Sequence[LabelledQuestion]],
) -> Sequence[LabelledQuestion]:
    """``keep(examples)``, at the first use of the result when ``examples`` are not read yet."""
    if isinstance(examples, Examples) and not examples.read:
        return Examples(lambda: keep(examples))
    return tuple(keep(examples))


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the advisor knows, indexed by id. Built once at start-up and shared read-only."""

    sources: dict[str, Source]
    products: dict[str, Product]
    topics: dict[str, Topic]
    entries: dict[str, FaqEntry]
    criteria: list[Criterion]
    factors: list[ApprovalFactor]
    #: file each entry id was read from, so that validation messages can name it
    origin: dict[str, str] = field(default_factory=dict)
    #: questions people typed, labelled with their entry: the matcher learns from them (examples/*.jsonl)
    #: (read at their first use when the knowledge base comes from :func:`default`)
    examples: Sequence[LabelledQuestion] = ()
    #: requirements the articles state that the self-check does not ask (named in the verdicts)
    unchecked: tuple[UncheckedRequirement, ...] = ()
    #: statements read as requirements that are not eligibility rules (criteria.yaml ``exemptions``)
    exemptions: tuple[Exemption, ...] = ()

    def cite(self, source_ids: list[str]) -> str:
        """Render source ids as a short citation line, e.g. 「来源：《小米贷款八问》《微信贷款综述》」."""
        labels = []
        for source_id in source_ids:
            source = self.sources.get(source_id)
            if source is not None and source.kind == "general":
                labels.append(f"（{source.short}）")
            else:
                labels.append(f"《{source.short if source else source_id}》")
        return "来源：" + "".join(dict.fromkeys(labels))

    def fingerprint(self) -> tuple[Path, str] | None:
        """Where this knowledge base was read from, and a sha256 of every file read (with the view's
        name for :meth:`faq_view` and :meth:`wants_view`); ``None`` for a knowledge base made or changed
        in code. The matcher's saved index is keyed on it: only a knowledge base read unchanged from
        files can use one. (It is no dataclass field, so ``replace()`` drops it.)"""
        found: tuple[Path, str] | None = getattr(self, "_fingerprint", None)
        return found

    def _with_fingerprint(self, folder: Path, digest: str) -> KnowledgeBase:
        object.__setattr__(self, "_fingerprint", (folder, digest))
        return self

    def _view_of(self, view: KnowledgeBase, name: str) -> KnowledgeBase:
        """``view`` keeping this knowledge base's fingerprint, marked with the view's name."""
        found = self.fingerprint()
        if found is None:
            return view
        folder, digest = found
        return view._with_fingerprint(folder, hashlib.sha256(f"{digest}:{name}".encode()).hexdigest())

    def faq_entries(self) -> list[FaqEntry]:
        """The FAQ entries, without the wants (entries of kind ``action``)."""
        return [e for e in self.entries.values() if e.kind != "action"]

    def faq_view(self) -> KnowledgeBase:
        """The knowledge base as the FAQ matcher sees it: FAQ entries only, and the labelled examples of
        FAQ questions and of questions to decline (the wants' examples are the want matcher's)."""
        wants = {e.id for e in self.entries.values() if e.kind == "action"}
        view = replace(
            self,
            entries={k: e for k, e in self.entries.items() if k not in wants},
            examples=_filtered(self.examples, lambda all_: tuple(q for q in all_ if q.entry not in wants)),
        )
        return self._view_of(view, "faq")

    def wants_view(self) -> KnowledgeBase:
        """The knowledge base as the want matcher sees it: the wants only; every other labelled question
        (FAQ or to decline) is an example of something that is not a want, except those of the FAQ entries
        a want overlaps (``overlaps``), which are examples of neither."""
        wants = {k: e for k, e in self.entries.items() if e.kind == "action"}
        either = {entry for want in wants.values() for entry in want.overlaps}
        examples = _filtered(
            self.examples,
            lambda all_: tuple(
                q if q.entry in wants else q.model_copy(update={"entry": None, "product": None})
                for q in all_
                if q.entry not in either
            ),
        )
        return self._view_of(replace(self, entries=wants, examples=examples), "wants")

    def product_name(self, product_id: str | None) -> str:
        """Display name of a product id; empty for ``None``."""
        if product_id is None:
            return ""
        product = self.products.get(product_id)
        return product.name if product else product_id


def _text(path: Path, digest: Any = None) -> str:
    """The text of ``path``; its name and bytes are added to ``digest`` (a hashlib object) when given."""
    data = path.read_bytes()
    if digest is not None:
        digest.update(f"{path.parent.name}/{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return data.decode("utf-8")


#: YAML files at least this big are also kept parsed, as JSON (which Python reads about ten times faster than
#: PyYAML builds its objects), in ``<data dir>/.index/yaml/``, named by their sha256: at 100 times today's
#: size, building the YAML's objects was most of a start-up. The shipped files are far smaller.
PARSED_CACHE_BYTES = 1_000_000


def _parse(path: Path, text: str, cache_dir: Path | None) -> Any:
    """The YAML ``text`` of ``path`` parsed, through the parsed copy in ``cache_dir`` for a big file."""
    if cache_dir is None or len(text) < PARSED_CACHE_BYTES // 4:  # (characters of up to 4 bytes)
        return yaml.load(text, Loader=_Loader)
    data = text.encode("utf-8")
    if len(data) < PARSED_CACHE_BYTES:
        return yaml.load(text, Loader=_Loader)
    cached = cache_dir / f"{path.stem}-{hashlib.sha256(data).hexdigest()[:32]}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    raw = yaml.load(text, Loader=_Loader)
    copy = json.dumps(raw, ensure_ascii=False)
    if json.loads(copy) == raw:  # only what JSON gives back unchanged (no dates, no number keys)
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f".{cached.name}.{os.getpid()}")
            partial.write_text(copy, encoding="utf-8")
            partial.replace(cached)
        except OSError:  # a read-only folder: parsed again next time
            pass
    return raw


def _read(path: Path, model: type[M], digest: Any = None, cache_dir: Path | None = None) -> M:
    try:
        raw: Any = _parse(path, _text(path, digest), cache_dir)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"{path.name}: cannot read: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise KnowledgeBaseError(f"{path.name}: {_describe(exc, raw)}") from exc


def _describe(exc: ValidationError, raw: Any) -> str:
    """Name the entry (by its id where it has one) and field of each validation error."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        # loc looks like ('entries', 3, 'answers', 0, 'text'): find the id of entries[3]
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(raw, dict):
            items = raw.get(str(loc[0]))
            if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
                ident = items[loc[1]].get("id")
                if ident:
                    where = f"{loc[0]} '{ident}' " + ".".join(str(p) for p in loc[2:])
        lines.append(f"{where.strip()}: {err['msg']}")
    return "; ".join(lines)


def read_labelled(path: Path, digest: Any = None) -> list[LabelledQuestion]:
    """Read a JSON-lines file of labelled questions; blank lines are skipped.

    ``digest``, a hashlib object, is fed the file's name and bytes (:meth:`KnowledgeBase.fingerprint`).

    Raises:
        KnowledgeBaseError: the file cannot be read, or a line is not a labelled question; the message
            names the file and line.
    """
    try:
        lines = _text(path, digest).splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(f"{path.name}: cannot read: {exc}") from exc
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(LabelledQuestion.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise KnowledgeBaseError(f"{path.name}:{number}: not a labelled question ({exc})") from exc
    return items


def load(data_dir: Path = DATA_DIR, *, examples_at_first_use: bool = False) -> KnowledgeBase:
    """Read and shape-check every data file under ``data_dir``.

    Args:
        data_dir: the folder holding the YAML files.
        examples_at_first_use: read (and check) ``examples/*.jsonl`` when they are first used, not now
            (:class:`Examples`); their bytes are hashed now all the same, for the fingerprint, and a file
            changed in between is an error at that first use.

    Raises:
        KnowledgeBaseError: a file is missing, not YAML, or not of the expected shape.
    """
    digest = hashlib.sha256()
    cache_dir = data_dir / ".index" / "yaml"  # beside the matcher's index (git-ignored)
    sources = _read(data_dir / "sources.yaml", SourcesFile, digest).sources
    products = _read(data_dir / "products.yaml", ProductsFile, digest).products
    topics = _read(data_dir / "topics.yaml", TopicsFile, digest).topics
    criteria = _read(data_dir / "criteria.yaml", CriteriaFile, digest)
    entries: dict[str, FaqEntry] = {}
    origin: dict[str, str] = {}
    for path in sorted((data_dir / "faq").glob("*.yaml")):
        for entry in _read(path, FaqFile, digest, cache_dir).entries:
            if entry.id in entries:
                raise KnowledgeBaseError(
                    f"{path.name}: entry '{entry.id}' is defined twice (also in {origin[entry.id]})"
                )
            entries[entry.id] = entry
            origin[entry.id] = f"faq/{path.name}"
    intents_path = data_dir / "intents.yaml"
    if intents_path.exists():
        for entry in _read(intents_path, IntentsFile, digest).intents:
            if entry.id in entries:
                raise KnowledgeBaseError(
                    f"intents.yaml: '{entry.id}' is also an FAQ entry ({origin[entry.id]})"
                )
            entries[entry.id] = entry
            origin[entry.id] = "intents.yaml"
    paths = sorted((data_dir / "examples").glob("*.jsonl"))
    examples: Sequence[LabelledQuestion]
    examples_digest = hashlib.sha256()
    if examples_at_first_use:
        for path in paths:
            try:
                _text(path, examples_digest)
            except (OSError, UnicodeDecodeError) as exc:
                raise KnowledgeBaseError(f"{path.name}: cannot read: {exc}") from exc
        examples = Examples(lambda: _read_examples(paths, examples_digest.hexdigest()))
    else:
        examples = tuple(q for path in paths for q in read_labelled(path, examples_digest))
    digest.update(f"examples\0{examples_digest.hexdigest()}".encode())
    kb = KnowledgeBase(
        sources={s.id: s for s in sources},
        products={p.id: p for p in products},
        topics={t.id: t for t in topics},
        entries=entries,
        criteria=criteria.criteria,
        factors=criteria.factors,
        origin=origin,
        examples=examples,
        unchecked=tuple(criteria.unchecked),
        exemptions=tuple(criteria.exemptions),
    )
    return kb._with_fingerprint(data_dir.resolve(), digest.hexdigest())


def _read_examples(paths: list[Path], expected: str) -> tuple[LabelledQuestion, ...]:
    """The labelled questions of ``paths``, which must still be the files hashed at load (``expected``)."""
    digest = hashlib.sha256()
    items = tuple(q for path in paths for q in read_labelled(path, digest))
    if digest.hexdigest() != expected:
        raise KnowledgeBaseError("examples/*.jsonl changed since the knowledge base was loaded: restart")
    return items


@cache
def default() -> KnowledgeBase:
    """The knowledge base shipped with the package, loaded once per process; its labelled examples are
    read at their first use (a process that starts with the matcher's saved index never reads them)."""
    return load(DATA_DIR, examples_at_first_use=True)
