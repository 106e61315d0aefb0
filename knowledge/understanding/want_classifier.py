"""A second reader of what people want: a linear classifier over the characters of a message.

The want matcher (:func:`knowledge.understanding.load_want_matcher`) answers only when a message is close
to one of a want's paraphrases or examples, and its scope gate must let almost no FAQ question through;
on a held-out set it recognised about six wants in ten. Wants are told by a few telling characters more
than by the whole sentence (「骗」「转了」「身份证号」「哈哈」「写成」), which a classifier over character
1–3-grams learns from every labelled example at once: each want is a class, FAQ questions are one class
and questions to decline another, so it learns what sets a want apart from a question as well.

It is a softmax regression on hashed n-grams (digits read as 0, so any ID or card number looks alike),
fitted on ``knowledge/data/examples/*.jsonl``. Its threshold is picked by cross-validation on the same
examples: the lowest probability at which at most :data:`MAX_FAQ_TAKEN` of the FAQ questions and
:data:`MAX_OOS_TAKEN` of those to decline would be taken for a want. The fitted weights are saved beside
the calibrations (``want_classifier.npz``) with a fingerprint of what they were fitted on; a test fails
when the examples change and the classifier is not fitted again
(``python -m knowledge.understanding.calibrate --wants`` refits it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.base import DATA_DIR, KnowledgeBase
from knowledge.understanding.normalize import fold

log = logging.getLogger(__name__)

MODEL_PATH = DATA_DIR / "want_classifier.npz"
#: hashed feature space: enough that the n-grams of ~7,000 short examples rarely collide
DIM = 1 << 15
#: bumped when the features change, so that a model fitted on other features is seen as stale
FEATURES_VERSION = 1
#: the two classes that are no want
FAQ, NONE = "faq", "none"
#: budgets for the threshold: FAQ questions and questions to decline taken for a want (cross-validated)
MAX_FAQ_TAKEN, MAX_OOS_TAKEN = 0.005, 0.02
#: wants this classifier never decides: a yes or a no means something only beside the question asked
#: (the want matcher and the cues read those)
NOT_DECIDED = frozenset({"act.affirm", "act.deny"})
_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s+")


def features(text: str) -> np.ndarray:
    """The hashed character 1–3-grams of ``text`` (folded; digits as 0; start and end marked)."""
    folded = "^" + _SPACES.sub(" ", _DIGIT.sub("0", fold(text))) + "$"
    grams = {
        folded[i : i + n] for n in (1, 2, 3) for i in range(len(folded) - n + 1) if folded[i : i + n].strip()
    }
    return np.array(sorted({zlib.crc32(g.encode()) % DIM for g in grams}), dtype=np.int64)


def class_of(entry: str | None) -> str:
    """The class a labelled example trains: its want, or :data:`FAQ`, or :data:`NONE`."""
    if entry is None:
        return NONE
    return entry if entry.startswith("act.") else FAQ


def training_set(kb: KnowledgeBase) -> tuple[list[str], list[str], tuple[str, ...]]:
    """The examples' questions, their classes, and the classes (the wants in order, then FAQ and NONE)."""
    texts = [item.question for item in kb.examples]
    labels = [class_of(item.entry) for item in kb.examples]
    wants = sorted({label for label in labels if label.startswith("act.")})
    return texts, labels, (*wants, FAQ, NONE)


def fingerprint(texts: Sequence[str], labels: Sequence[str]) -> str:
    """A sha256 of what a model is fitted on: the examples and their classes, the features' version."""
    pairs = sorted(zip(texts, labels, strict=True))
    payload = json.dumps([DIM, FEATURES_VERSION, pairs], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def fit(
    rows: Sequence[np.ndarray],
    targets: np.ndarray,
    n_classes: int,
    *,
    epochs: int = 200,
    rate: float = 0.1,
    l2: float = 1e-5,
) -> tuple[np.ndarray, np.ndarray]:
    """Weights and biases of a softmax regression on ``rows`` (feature indices per example).

    Full-batch Adam, so the result is the same at every run. Classes are weighted by the inverse square
    root of their size: the 4,000 FAQ questions would otherwise drown the fifty examples of a want.
    """
    n = len(rows)
    bounds = np.cumsum([0] + [len(r) for r in rows])
    indices = np.concatenate(rows)
    owner = np.repeat(np.arange(n), np.diff(bounds))
    counts = np.bincount(targets, minlength=n_classes).astype(np.float32)
    sample_weight = ((n / (n_classes * np.maximum(counts, 1))) ** 0.5)[targets]
    sample_weight /= sample_weight.sum()
    onehot = np.zeros((n, n_classes), dtype=np.float32)
    onehot[np.arange(n), targets] = 1.0
    weights = np.zeros((DIM, n_classes), dtype=np.float32)
    bias = np.zeros(n_classes, dtype=np.float32)
    moments = [np.zeros_like(weights), np.zeros_like(weights), np.zeros_like(bias), np.zeros_like(bias)]
    beta1, beta2 = 0.9, 0.999
    for step in range(1, epochs + 1):
        logits = np.add.reduceat(weights[indices], bounds[:-1]) + bias
        probs = _softmax(logits)
        error = (probs - onehot) * sample_weight[:, None]
        grad_w = np.zeros_like(weights)
        np.add.at(grad_w, indices, error[owner])
        grad_w += l2 * weights
        for k, (param, grad) in enumerate(((weights, grad_w), (bias, error.sum(0)))):
            first, second = moments[2 * k], moments[2 * k + 1]
            first *= beta1
            first += (1 - beta1) * grad
            second *= beta2
            second += (1 - beta2) * grad * grad
            param -= rate * (first / (1 - beta1**step)) / (np.sqrt(second / (1 - beta2**step)) + 1e-8)
    return weights, bias


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    result: np.ndarray = exp / exp.sum(axis=-1, keepdims=True)
    return result


@dataclass(frozen=True)
class WantClassifier:
    """A fitted classifier and the threshold above which its want is taken."""

    weights: np.ndarray
    bias: np.ndarray
    classes: tuple[str, ...]
    threshold: float
    fitted_on: str

    def probabilities(self, text: str) -> np.ndarray:
        """The probability of each class (:attr:`classes`) for ``text``."""
        found = features(text)
        return _softmax(self.weights[found].sum(axis=0) + self.bias)

    def want_of(self, text: str) -> tuple[str, float] | None:
        """The want ``text`` expresses and its probability, when the likeliest class is a want this
        classifier decides and its probability reaches the threshold; else ``None``."""
        probs = self.probabilities(text)
        best = int(probs.argmax())
        want = self.classes[best]
        if want in (FAQ, NONE) or want in NOT_DECIDED or probs[best] < self.threshold:
            return None
        return want, float(probs[best])

    def save(self, path: Path = MODEL_PATH) -> None:
        """Write the model (weights as float16: a third of the size, the same decisions)."""
        np.savez_compressed(
            path,
            weights=self.weights.astype(np.float16),
            bias=self.bias,
            classes=np.array(self.classes),
            threshold=np.array(self.threshold),
            fitted_on=np.array(self.fitted_on),
        )


def load_want_classifier(path: Path = MODEL_PATH) -> WantClassifier | None:
    """The saved classifier, or ``None`` (logged) when there is none: wants are then read by the want
    matcher alone."""
    if not path.exists():
        log.warning("no want classifier at %s: wants are read by the want matcher alone", path)
        return None
    with np.load(path) as saved:
        return WantClassifier(
            weights=saved["weights"].astype(np.float32),
            bias=saved["bias"].astype(np.float32),
            classes=tuple(str(c) for c in saved["classes"]),
            threshold=float(saved["threshold"]),
            fitted_on=str(saved["fitted_on"]),
        )


def classifier_state(kb: KnowledgeBase, path: Path = MODEL_PATH) -> str:
    """``fresh``, ``stale`` (fitted on other examples than ``kb``'s) or ``missing``."""
    saved = load_want_classifier(path) if path.exists() else None
    if saved is None:
        return "missing"
    texts, labels, _classes = training_set(kb)
    return "fresh" if saved.fitted_on == fingerprint(texts, labels) else "stale"


def cross_validated(
    rows: Sequence[np.ndarray], targets: np.ndarray, n_classes: int, keys: Sequence[str], folds: int = 5
) -> np.ndarray:
    """Each example's class probabilities from a model fitted without its fold (folds by a hash of the
    question, so the split is the same at every run)."""
    fold = np.array([zlib.crc32(key.encode()) % folds for key in keys])
    probs = np.zeros((len(rows), n_classes), dtype=np.float32)
    for k in range(folds):
        train, test = np.flatnonzero(fold != k).tolist(), np.flatnonzero(fold == k).tolist()
        weights, bias = fit([rows[i] for i in train], targets[train], n_classes)
        probs[test] = _softmax(np.stack([weights[rows[i]].sum(axis=0) for i in test]) + bias)
    return probs


def pick_threshold(
    probs: np.ndarray,
    labels: Sequence[str],
    classes: Sequence[str],
    excused: Callable[[int, str], bool] = lambda _i, _want: False,
) -> dict[str, float]:
    """The lowest threshold (0.30–0.95) within both budgets, and what it gives on the examples.

    ``excused(i, want)`` says that taking FAQ question ``i`` for ``want`` serves it as well (the want's
    reply answers that entry, or a calculation or comparison serves it as it did before wants).
    """
    best = probs.argmax(axis=1)
    top = probs.max(axis=1)
    is_want = np.array([not (classes[b] in (FAQ, NONE) or classes[b] in NOT_DECIDED) for b in best])
    label = np.array(labels)
    pairs = enumerate(zip(labels, best, strict=True))
    faq = np.array([lab == FAQ and not excused(i, classes[b]) for i, (lab, b) in pairs])
    none = label == NONE
    wants = ~((label == FAQ) | none) & ~np.isin(label, list(NOT_DECIDED))
    faq_count = max(int((label == FAQ).sum()), 1)
    right = np.array([classes[b] for b in best]) == label
    for threshold in np.arange(0.30, 0.951, 0.05):
        taken = is_want & (top >= threshold)
        faq_taken = float((taken & faq).sum() / faq_count)
        oos_taken = float((taken & none).sum() / max(none.sum(), 1))
        if faq_taken <= MAX_FAQ_TAKEN and oos_taken <= MAX_OOS_TAKEN:
            return {
                "threshold": round(float(threshold), 2),
                "wants_recognised": float((taken & right & wants).sum() / max(wants.sum(), 1)),
                "faq_taken": faq_taken,
                "oos_taken": oos_taken,
            }
    return {"threshold": 1.0, "wants_recognised": 0.0, "faq_taken": 0.0, "oos_taken": 0.0}


def refit(kb: KnowledgeBase, path: Path = MODEL_PATH) -> dict[str, float]:
    """Fit the classifier on every example, pick its threshold by cross-validation, and save it; returns
    the cross-validated figures the threshold was picked on."""
    texts, labels, classes = training_set(kb)
    index = {name: k for k, name in enumerate(classes)}
    rows = [features(text) for text in texts]
    targets = np.array([index[label] for label in labels])
    entries = [item.entry or "" for item in kb.examples]

    def excused(i: int, want: str) -> bool:
        found = kb.entries.get(want)
        # what `loan-advisor wants` does not count as taken away: a want that serves the entry as well,
        # and a calculation or a comparison (served as such before wants existed)
        return found is not None and (found.serves(entries[i]) or found.action in ("calc", "compare"))

    probs = cross_validated(rows, targets, len(classes), texts)
    figures = pick_threshold(probs, labels, classes, excused)
    weights, bias = fit(rows, targets, len(classes))
    WantClassifier(weights, bias, classes, figures["threshold"], fingerprint(texts, labels)).save(path)
    return figures
