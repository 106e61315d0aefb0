"""The matcher's entry index: all it derives from the knowledge base's texts, as a few flat arrays.

Building it means analysing every question, paraphrase, labelled example and answer (normalising, finding
products, cutting words) and reading pypinyin's tables: most of a process's start-up. So it is built once
(``loan-advisor kb build``, run by ``make setup`` and in the Docker image) and saved in the knowledge
base's folder, under ``.index/<view>-<key>/``, one ``.npy`` file per array, read back memory-mapped.

The key is a sha256 of every input: the data files the knowledge base was read from (with the view, FAQ
or wants), the lexicon and calibration files, the source of the modules that build the index, and the
versions of the libraries whose output it holds (rjieba's words, pypinyin's readings, OpenCC's
conversions, numpy's arrays). An index whose key differs is never used: the matcher builds its index at
start-up instead (with a log line) and saves it for the next process.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.understanding.index import Lookup, NaiveBayesIndex, OverlapIndex, csr, vocabulary

log = logging.getLogger(__name__)

#: Folder, inside the knowledge base's data folder, holding the saved indexes (git-ignored).
INDEX_FOLDER = ".index"
#: Bumped when the layout of the saved arrays changes.
FORMAT = 2
_HERE = Path(__file__).resolve().parent
#: Modules whose code decides what the index holds: a change to any of them gives a new key.
BUILDERS = (
    "index.py",
    "entry_index.py",
    "matcher.py",
    "normalize.py",
    "products.py",
    "pinyin.py",
    "lexicon.py",
    "compiled_lexicon.py",
)
#: Libraries whose output the index holds.
LIBRARIES = ("numpy", "rjieba", "pypinyin", "opencc")
#: Parts of the index, each a group of arrays saved as ``<part>.<array>.npy``.
PARTS = ("word", "char", "answer", "bayes", "topics", "foreign", "kb_words", "pinyin", "sounds", "entries")


@dataclass(frozen=True)
class EntryIndex:
    """What the matcher knows of the entries' texts, as arrays (see the module's docstring)."""

    #: entry ids in the order of every array's entry columns
    entries: list[str]
    word: OverlapIndex
    char: OverlapIndex
    #: the answers' own words
    answer: OverlapIndex
    bayes: NaiveBayesIndex
    #: the hashes of the topic keys, sorted (:func:`topic_hash`, ties by key), the keys in that order as
    #: UTF-8 (``text``, with ``starts``: where each begins), and per key the entry columns whose
    #: paraphrases or examples leave it (CSR)
    topics: Mapping[str, Any]
    #: per entry column, the foreign subjects the entry itself speaks of (CSR into ``words``)
    foreign: Mapping[str, Any]
    #: every word the knowledge base uses anywhere, sorted
    kb_words: Any
    #: the pinyin reader's syllable table (:meth:`.PinyinReader.table`)
    pinyin: Mapping[str, Any]
    #: the product finder's sound-alike tables (:meth:`.SoundAlikes.tables`)
    sounds: Mapping[str, Any]
    _kb_words: Lookup = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        missing = {"hashes", "text", "starts", "ptr", "entries"} - set(self.topics)
        if missing:  # a damaged index (or one of another layout): the loader rebuilds it
            raise KeyError(f"topics arrays missing: {sorted(missing)}")
        object.__setattr__(self, "_kb_words", Lookup(self.kb_words))

    def topic_entries(self, key: str) -> list[str]:
        """The entries some paraphrase or example of which leaves the topic ``key`` (none: unknown)."""
        at = self._topic_at(key)
        if at < 0:
            return []
        ptr = self.topics["ptr"]
        return [self.entries[c] for c in self.topics["entries"][ptr[at] : ptr[at + 1]].tolist()]

    def _topic_at(self, key: str) -> int:
        """Where ``key`` is among the topic keys, or -1. One look-up per ranking, found by its hash: a
        binary search over the keys as a fixed-width string array (600,000 of up to 71 characters at 100×,
        160 MB mapped from the saved index) touched pages all over it, and the kernel maps a block around
        each page touched: 120 MiB of it stayed resident after 100 questions. The hashes are 8 bytes a
        key, and the key (rarely keys) with the question's hash is compared, in UTF-8, to make sure."""
        hashes, text, starts = self.topics["hashes"], self.topics["text"], self.topics["starts"]
        wanted = key.rstrip("\x00").encode("utf-8")  # as numpy compared them (:func:`topic_hash`)
        hashed = np.uint64(_hash(wanted))
        at = int(np.searchsorted(hashes, hashed))
        while at < len(hashes) and hashes[at] == hashed:
            if text[starts[at] : starts[at + 1]].tobytes() == wanted:
                return at
            at += 1
        return -1

    def foreign_of(self, column: int) -> set[str]:
        """The foreign subjects the entry in ``column`` speaks of (its paraphrases and answers)."""
        ptr, words = self.foreign["ptr"], self.foreign["words"]
        return {str(words[i]) for i in self.foreign["ids"][ptr[column] : ptr[column + 1]].tolist()}

    def known_to_kb(self, words: Sequence[str]) -> list[bool]:
        """Whether the knowledge base uses each of ``words`` anywhere (paraphrases, answers, product ids)."""
        return [p >= 0 for p in self._kb_words(words)]

    def arrays(self) -> dict[str, Any]:
        """Every array, named ``<part>.<array>``."""
        parts: dict[str, Mapping[str, Any]] = {
            "word": self.word.arrays(),
            "char": self.char.arrays(),
            "answer": self.answer.arrays(),
            "bayes": self.bayes.arrays(),
            "topics": self.topics,
            "foreign": self.foreign,
            "kb_words": {"words": self.kb_words},
            "pinyin": self.pinyin,
            "sounds": self.sounds,
            "entries": {"ids": np.array(self.entries) if self.entries else np.array([], dtype="U1")},
        }
        return {f"{part}.{name}": array for part, group in parts.items() for name, array in group.items()}

    def save(self, folder: Path) -> None:
        """Write the arrays into ``folder`` (created whole, then renamed into place, so a reader never
        sees half an index). Deterministic: the same index gives the same bytes."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            for name, array in sorted(self.arrays().items()):
                np.save(building / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
            os.chmod(building, 0o755)
            try:
                building.rename(folder)
            except OSError:
                if not folder.is_dir():  # another process saving the same index won the race: fine
                    raise
        finally:
            shutil.rmtree(building, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> EntryIndex:
        """Read an index :meth:`save` wrote, memory-mapped (nothing is copied until it is used)."""
        parts: dict[str, dict[str, Any]] = {part: {} for part in PARTS}
        for path in folder.glob("*.npy"):
            part, _, name = path.stem.partition(".")
            # a plain array over the mapped file: slicing a np.memmap makes a memmap (slower) at every slice
            parts[part][name] = np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
        entries = parts["entries"]["ids"].tolist()
        return cls(
            entries=entries,
            word=OverlapIndex(parts["word"], entries),
            char=OverlapIndex(parts["char"], entries),
            answer=OverlapIndex(parts["answer"], entries),
            bayes=NaiveBayesIndex(parts["bayes"], entries),
            topics=parts["topics"],
            foreign=parts["foreign"],
            kb_words=parts["kb_words"]["words"],
            pinyin=parts["pinyin"],
            sounds=parts["sounds"],
        )


def topic_hash(key: str) -> int:
    """A topic key's hash, the same in every process (Python's own ``hash`` of a string is not). Without
    trailing NULs: the keys were a numpy string array, whose strings end at the first of them."""
    return _hash(key.rstrip("\x00").encode("utf-8"))


def _hash(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def topic_table(entries: Sequence[str], topics: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """The ``topics`` arrays of an index from topic key -> entries, the keys in the order of their
    hashes (ties by key), as :meth:`EntryIndex.topic_entries` looks them up."""
    column = {e: i for i, e in enumerate(entries)}
    ordered = sorted(topics, key=lambda key: (topic_hash(key), key))
    rows, cols = [], []
    for row, key in enumerate(ordered):
        for col in sorted({column[e] for e in topics[key]}):
            rows.append(row)
            cols.append(col)
    ptr, values = csr(rows, cols, len(ordered))
    encoded = [key.rstrip("\x00").encode("utf-8") for key in ordered]
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.array([len(b) for b in encoded], dtype=np.int64), out=starts[1:])
    return {
        "hashes": np.array([topic_hash(key) for key in ordered], dtype=np.uint64),
        "text": np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(),
        "starts": starts,
        "ptr": ptr,
        "entries": values,
    }


def foreign_table(entries: Sequence[str], spoken: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """The ``foreign`` arrays of an index from entry id -> the foreign subjects it speaks of."""
    words = vocabulary(w for found in spoken.values() for w in found)
    word_id = {w: i for i, w in enumerate(words.tolist())}
    rows, ids = [], []
    for row, entry in enumerate(entries):
        for i in sorted(word_id[w] for w in set(spoken.get(entry, ()))):
            rows.append(row)
            ids.append(i)
    ptr, values = csr(rows, ids, len(entries))
    return {"words": words, "ptr": ptr, "ids": values}


def index_key(fingerprint: str, files: Iterable[Path]) -> str:
    """The key of an index over a knowledge base with ``fingerprint`` (:meth:`KnowledgeBase.fingerprint`)
    read with the lexicon and calibration ``files``: see the module's docstring."""
    digest = hashlib.sha256(f"matcher index {FORMAT}\0{fingerprint}\0".encode())
    for path in [*files, *(_HERE / name for name in BUILDERS)]:
        data = path.read_bytes() if path.exists() else b""
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    digest.update(_library_versions().encode())
    return digest.hexdigest()


@functools.cache
def _library_versions() -> str:
    """``name=version`` of each of :data:`LIBRARIES`, looked up once per process (each look-up walks the
    installed packages: a few milliseconds, and both views' keys need them)."""
    parts = []
    for library in LIBRARIES:
        try:
            version = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        parts.append(f"{library}={version}\0")
    return "".join(parts)


def index_folder(data_dir: Path, view: str, key: str) -> Path:
    """Where the index of ``view`` (``faq`` or ``wants``) with ``key`` is kept."""
    return data_dir / INDEX_FOLDER / f"{view}-{key[:24]}"


def stale_indexes(data_dir: Path, view: str, key: str) -> list[Path]:
    """Saved indexes of ``view`` under ``data_dir`` whose key is not ``key`` (left by older inputs)."""
    current = index_folder(data_dir, view, key)
    root = data_dir / INDEX_FOLDER
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob(f"{view}-*") if p.is_dir() and p != current)


def prune(data_dir: Path, view: str, key: str) -> None:
    """Remove the stale indexes of ``view`` (best effort: a read-only folder keeps them)."""
    for path in stale_indexes(data_dir, view, key):
        shutil.rmtree(path, ignore_errors=True)
