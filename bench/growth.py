"""Growth: the FAQ figures again with the knowledge base grown 10× and 100× by synthetic entries.

A grown knowledge base is the shipped one plus copies of every FAQ entry under new ids, whose question
and paraphrases are re-worded from the knowledge base's own vocabulary: each word of two characters or
more is, with some probability, swapped for another domain word (利息、逾期、额度、征信 …), and a domain
word is sometimes added. The copies are therefore realistic neighbours of the real entries: they share
words and character bigrams with them, which is what makes a lexical matcher slower as it grows.
Answers, products and topics are copied unchanged. The labelled examples the matcher learns from grow
with the entries: each in-scope example is re-worded the same way for every copy and labelled with the
copy's id, so the index grows by the same factor. The files are written to a temporary folder, the
matchers' index is built for it (``kb build``, as ``make setup`` does for the shipped one; its time is
``index_build_s``), and it is measured by :func:`bench.faq.measure` exactly as the shipped knowledge base
is.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from bench.common import ROOT
from bench.faq import DEFAULT_DATA
from bench.faq import measure as measure_faq
from knowledge.base import read_labelled

_HAN = re.compile(r"^[\u4e00-\u9fff]{2,}$")
#: chance that a word of a paraphrase is replaced by another domain word, and that one is added
SWAP = 0.3
ADD = 0.5


def _domain_words(entries: list[dict[str, Any]], product_names: set[str]) -> list[str]:
    import rjieba

    words: set[str] = set()
    for entry in entries:
        for text in (entry["question"], *entry["paraphrases"]):
            words.update(w for w in rjieba.cut(text) if _HAN.match(w) and w not in product_names)
    return sorted(words)


def _reword(text: str, vocabulary: list[str], rng: random.Random) -> str:
    import rjieba

    words = [rng.choice(vocabulary) if _HAN.match(w) and rng.random() < SWAP else w for w in rjieba.cut(text)]
    if rng.random() < ADD:
        words.insert(rng.randrange(len(words) + 1), rng.choice(vocabulary))
    return "".join(words)


def grow(data_dir: Path, target: Path, factor: int, *, seed: int = 8) -> int:
    """Write a knowledge base ``factor`` times the FAQ size of ``data_dir`` into ``target``.

    Returns:
        The number of FAQ entries written (originals included).
    """
    shutil.copytree(data_dir, target, dirs_exist_ok=True)
    entries: list[dict[str, Any]] = []
    for path in sorted((data_dir / "faq").glob("*.yaml")):
        entries.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["entries"])
    products = yaml.safe_load((data_dir / "products.yaml").read_text(encoding="utf-8"))["products"]
    names = {str(n).lower() for p in products for n in (p["id"], p["name"], *p.get("aliases", []))}
    vocabulary = _domain_words(entries, names)
    rng = random.Random(seed)
    synthetic = []
    for copy in range(1, factor):
        for entry in entries:
            clone = dict(entry)
            clone["id"] = f"{entry['id']}_syn{copy}"
            clone["question"] = _reword(entry["question"], vocabulary, rng)
            clone["paraphrases"] = [_reword(p, vocabulary, rng) for p in entry["paraphrases"]]
            clone["related"] = []
            clone["covers"] = []
            synthetic.append(clone)
    if synthetic:
        text = yaml.safe_dump({"entries": synthetic}, allow_unicode=True, sort_keys=False)
        (target / "faq" / "zz_synthetic.yaml").write_text(text, encoding="utf-8")
        lines = _grown_examples(data_dir, factor, vocabulary, rng, {e["id"] for e in entries})
        (target / "examples").mkdir(exist_ok=True)
        (target / "examples" / "zz_synthetic.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(entries) + len(synthetic)


def _grown_examples(
    data_dir: Path, factor: int, vocabulary: list[str], rng: random.Random, faq_ids: set[str]
) -> list[str]:
    """JSON lines of the examples of FAQ entries re-worded once per copy, each labelled with the copy's
    id (the wants, 「你好」 and the like, are not copied: they do not grow with the FAQ)."""
    examples = [q for path in sorted((data_dir / "examples").glob("*.jsonl")) for q in read_labelled(path)]
    lines = []
    for copy in range(1, factor):
        for example in examples:
            if example.entry in faq_ids:
                copy_id = f"{example.entry}_syn{copy}"
                question = _reword(example.question, vocabulary, rng)
                grown = example.model_copy(update={"question": question, "entry": copy_id})
                lines.append(grown.model_dump_json())
    return lines


@contextmanager
def grown(factor: int, data_dir: Path = DEFAULT_DATA) -> Iterator[Path]:
    """A temporary knowledge base folder ``factor`` times the shipped FAQ."""
    with tempfile.TemporaryDirectory(prefix=f"bench-kb{factor}x-") as folder:
        target = Path(folder) / "data"
        grow(data_dir, target, factor)
        yield target


def measure(
    factors: tuple[int, ...] = (1, 10, 100), *, runs: int = 3, passes: int = 1, questions: int = 200
) -> dict[str, Any]:
    """Start-up and FAQ latency at each growth ``factor`` (1 = the shipped knowledge base, same method).

    Args:
        factors: sizes to measure, as multiples of the shipped FAQ.
        runs: cold workers per size and system.
        passes: timed passes over the questions inside a worker.
        questions: evenly spaced sample of the evaluation questions (the big sizes are slow to run).
    """
    results: dict[str, Any] = {}
    for factor in factors:
        with grown(factor) as data_dir:
            started = time.perf_counter()
            build = [sys.executable, "-m", "bot", "kb", "build", "--data-dir", str(data_dir)]
            subprocess.run(build, cwd=ROOT, check=True, capture_output=True)
            built = time.perf_counter() - started
            results[f"{factor}x"] = measure_faq(
                data_dir, runs=runs, passes=passes, questions=questions, matcher=False
            )
            results[f"{factor}x"]["index_build_s"] = built
    return results
