"""From match signals to two calibrated probabilities: the best guess is right, the question is in scope.

Two logistic regressions over the same handful of signals (the best score, the gap to the runner-up,
channel agreement, how much of the question the knowledge base knows at all, product agreement,
out-of-domain markers, foreign subjects, domain words):

- ``right``: the best guess (entry and product) is right. At or above the answer threshold, answer.
- ``scope``: the question is one the knowledge base can answer at all. Below the suggest threshold,
  decline; between, offer 「您是不是想问」 with the best guesses.

Keeping them apart is what lets an unsure in-scope question get suggestions instead of 「超出范围」: a
single "right" model lumps a plain question with two plausible entries together with a question about
credit cards. Both are fitted with numpy by :mod:`knowledge.understanding.calibrate` and saved as
``knowledge/data/calibration.json``; at run time each is a dot product in plain Python.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

CALIBRATION_PATH = Path(__file__).resolve().parent.parent / "data" / "calibration.json"
#: the want matcher's calibration (is a message a want such as a greeting, and which), fitted alike
WANTS_CALIBRATION_PATH = CALIBRATION_PATH.with_name("calibration_wants.json")

#: Signals the models read, in order. Each is computed by :mod:`knowledge.understanding.matcher`.
FEATURES: tuple[str, ...] = (
    "score",  # combined ranking score of the best entry
    "gap",  # its lead over the runner-up
    "word_best",  # best word-level cosine with one of its paraphrases
    "char_best",  # best character-bigram cosine
    "word_cov",  # share of the question's word weight found in the entry
    "char_cov",  # share of the question's bigram weight found in the entry
    "bayes",  # naive-Bayes posterior of the best entry
    "answer_cov",  # share of the question's words found in its answers
    "agree",  # word and character channels pick the same entry
    "unknown_words",  # share of word weight the knowledge base never uses
    "unknown_chars",  # share of bigram weight the knowledge base never uses
    "ood",  # an out-of-domain marker (保险, 白条, 电视 …) is present
    "harm",  # a harm marker (伪造, 套现, 躲催收 …) is present
    "product_match",  # the question names a product the entry covers
    "product_mismatch",  # the question names products, none of which the entry covers
    "foreign_product",  # only products the KB merely compares against are named, and this is no comparison
    "length",  # log(1 + characters left once products are taken out)
    "unknown_kb",  # share of word weight found nowhere in the knowledge base (paraphrases, answers, names)
    "foreign",  # a subject next to the domain that the advisor does not cover (信用卡, 房贷, 基金 …)
    "anchor",  # a word of the domain (借, 贷, 还款, 征信 …) occurs, product names included
    "foreign_alone",  # a foreign subject or out-of-domain marker, and no product named
    "own_product",  # a product the advisor covers is named, and the question speaks of borrowing
    "ratio",  # runner-up's score over the best one's
    "bayes_gap",  # naive-Bayes posterior of the best entry minus the runner-up's
    "related",  # the runner-up is one of the best entry's related entries (a known neighbour)
    "several",  # two or more products are named
    "foreign_unexplained",  # a foreign subject the best entry never speaks of, and no own product named
    "near_word",  # share of the similarity of the 5 nearest texts (words) that is the best entry's
    "near_char",  # the same over character bigrams
    "topic_agree",  # the question is a product and a topic (「微粒贷年龄限制」) whose entry is the best one
    "topic_other",  # it is one, and the topic's entry is not the best one
    "runner_excluded",  # the products named rule the runner-up out, and the best entry covers one of them
    "together",  # the runner-up is a sibling answered beside the best entry (either is right)
)


def scope_gate(signals: Mapping[str, float], probability: float) -> float:
    """The in-scope probability once the one hard rule has run: a foreign subject that the best entry never
    speaks of, with none of the advisor's products named (「信用卡还不上怎么办」), is out of scope.

    On the calibration and dev sets this signal marks about 140 out-of-scope questions and one in-scope
    one; a linear model gives it little weight because most of those questions are declined anyway, and
    then lets the few with a strong wording match through.
    """
    return 0.0 if signals.get("foreign_unexplained", 0.0) >= 1.0 else probability


@dataclass(frozen=True)
class LogisticModel:
    """A standardised logistic regression over named signals."""

    weights: dict[str, float]
    bias: float
    means: dict[str, float] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)

    @cached_property
    def _terms(self) -> list[tuple[str, float, float, float]]:
        """(name, weight, mean, scale) per signal, looked up once (each question used to look them up)."""
        return [
            (name, weight, self.means.get(name, 0.0), self.scales.get(name, 1.0) or 1.0)
            for name, weight in self.weights.items()
        ]

    def probability(self, signals: Mapping[str, float]) -> float:
        """The modelled probability for one question's ``signals`` (missing signals count as 0)."""
        z = self.bias
        for name, weight, mean, scale in self._terms:
            z += weight * (signals.get(name, 0.0) - mean) / scale
        if z < -30:
            return 0.0
        if z > 30:
            return 1.0
        return 1.0 / (1.0 + math.exp(-z))

    def to_dict(self) -> dict[str, Any]:
        """The model as plain data, for the JSON file."""
        return {"weights": self.weights, "bias": self.bias, "means": self.means, "scales": self.scales}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> LogisticModel:
        """Read back what :meth:`to_dict` wrote."""
        return cls(
            weights={k: float(v) for k, v in raw["weights"].items()},
            bias=float(raw["bias"]),
            means={k: float(v) for k, v in raw.get("means", {}).items()},
            scales={k: float(v) for k, v in raw.get("scales", {}).items()},
        )


@dataclass(frozen=True)
class Calibration:
    """The two fitted models plus the thresholds they suggest for the three bands."""

    #: P(best guess right): compared with the answer threshold
    right: LogisticModel
    #: P(question in scope): compared with the suggest threshold
    scope: LogisticModel
    #: thresholds picked on the calibration data (the live ones come from settings)
    answer_threshold: float = 0.6
    suggest_threshold: float = 0.3
    #: between this and the answer threshold, answer with the close alternatives offered beside it
    hedge_threshold: float = 0.6
    #: the baseline's raw BM25 threshold, tuned on the same set
    baseline_threshold: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)

    def probability(self, signals: Mapping[str, float]) -> float:
        """The calibrated probability that the best guess is right (the confidence)."""
        return self.right.probability(signals)

    def in_scope(self, signals: Mapping[str, float]) -> float:
        """The calibrated probability that the question is one the knowledge base answers."""
        return scope_gate(signals, self.scope.probability(signals))

    def to_json(self) -> str:
        """The models as the JSON text stored in the repository."""
        return json.dumps(
            {
                "features": list(FEATURES),
                "right": self.right.to_dict(),
                "scope": self.scope.to_dict(),
                "answer_threshold": self.answer_threshold,
                "suggest_threshold": self.suggest_threshold,
                "hedge_threshold": self.hedge_threshold,
                "baseline_threshold": self.baseline_threshold,
                "info": self.info,
            },
            ensure_ascii=False,
            indent=2,
        )


#: Used until ``calibrate`` has been run: hand-set, deliberately cautious.
FALLBACK = Calibration(
    right=LogisticModel(
        weights={"score": 6.0, "gap": 6.0, "agree": 1.0, "unknown_words": -4.0, "ood": -4.0},
        bias=-4.0,
    ),
    scope=LogisticModel(
        weights={"score": 4.0, "unknown_words": -4.0, "ood": -4.0, "foreign": -2.0, "anchor": 2.0},
        bias=-2.0,
    ),
)


def load_calibration(path: Path = CALIBRATION_PATH) -> Calibration:
    """Read the fitted models; the cautious :data:`FALLBACK` when the file does not exist (or is old)."""
    if not path.exists():
        return FALLBACK
    raw = json.loads(path.read_text(encoding="utf-8"))
    if "right" not in raw or "scope" not in raw:
        return FALLBACK
    return Calibration(
        right=LogisticModel.from_dict(raw["right"]),
        scope=LogisticModel.from_dict(raw["scope"]),
        answer_threshold=float(raw.get("answer_threshold", 0.6)),
        suggest_threshold=float(raw.get("suggest_threshold", 0.3)),
        hedge_threshold=float(raw.get("hedge_threshold", raw.get("answer_threshold", 0.6))),
        baseline_threshold=float(raw.get("baseline_threshold", 0.0)),
        info=dict(raw.get("info", {})),
    )


def fit_logistic(
    rows: Sequence[Mapping[str, float]], labels: Sequence[int], *, l2: float = 1.0, iterations: int = 50
) -> LogisticModel:
    """Fit a standardised, L2-regularised logistic regression by Newton's method (numpy only).

    Args:
        rows: one signal mapping per question.
        labels: 1 when the question has the property modelled (best guess right, in scope), else 0.
        l2: ridge penalty on the weights (not the bias); keeps the model smooth on a small set.
        iterations: Newton steps at most.
    """
    import numpy as np

    names = list(FEATURES)
    x = np.array([[float(r.get(n, 0.0)) for n in names] for r in rows], dtype=float)
    y = np.array(labels, dtype=float)
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales < 1e-9] = 1.0
    xs = np.hstack([(x - means) / scales, np.ones((len(x), 1))])
    w = np.zeros(xs.shape[1])
    penalty = np.full(xs.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xs @ w, -30, 30)))
        grad = xs.T @ (p - y) + penalty * w
        hess = (xs * (p * (1 - p))[:, None]).T @ xs + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return LogisticModel(
        weights={n: float(w[i]) for i, n in enumerate(names)},
        bias=float(w[-1]),
        means={n: float(means[i]) for i, n in enumerate(names)},
        scales={n: float(scales[i]) for i, n in enumerate(names)},
    )
