"""Question understanding: from a free Chinese question to an FAQ entry, a product and a confidence."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.understanding.api import Band, FaqMatch, FaqMatcher

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase
    from knowledge.understanding.calibration import Calibration
    from knowledge.understanding.entry_index import EntryIndex
    from knowledge.understanding.lexicon import Lexicon
    from knowledge.understanding.matcher import LexicalMatcher

__all__ = [
    "Band",
    "FaqMatch",
    "FaqMatcher",
    "build_index",
    "index_state",
    "load_matcher",
    "load_want_matcher",
]

log = logging.getLogger(__name__)

#: Set to ``off`` to neither read nor save the saved index (every start builds it, as before there was one):
#: for measuring what the index saves (``bench``), and for ruling it out when something looks wrong.
INDEX_SWITCH = "LOAN_ADVISOR_MATCHER_INDEX"


def _inputs(view: str) -> list[Path]:
    """The files besides the knowledge base that the matcher of ``view`` reads: lexicon, calibration."""
    from knowledge.understanding.calibration import CALIBRATION_PATH, WANTS_CALIBRATION_PATH
    from knowledge.understanding.lexicon import LEXICON_PATH

    return [LEXICON_PATH, WANTS_CALIBRATION_PATH if view == "wants" else CALIBRATION_PATH]


def _place(view_kb: KnowledgeBase, view: str) -> tuple[Path, str] | None:
    """The data folder and index key of a view read unchanged from files; None for one made in code."""
    from knowledge.understanding.entry_index import index_key

    found = view_kb.fingerprint()
    if found is None or os.environ.get(INDEX_SWITCH, "").lower() in ("off", "0", "false", "no"):
        return None
    data_dir, fingerprint = found
    return data_dir, index_key(fingerprint, _inputs(view))


def index_state(kb: KnowledgeBase) -> dict[str, str]:
    """Per view (``faq``, ``wants``): ``fresh`` (an index with the current key is saved), ``stale`` (only
    indexes of older inputs are), ``missing`` (none is), or ``none`` (``kb`` was not read from files)."""
    from knowledge.understanding.entry_index import index_folder, stale_indexes

    states = {}
    for view, view_kb in (("faq", kb.faq_view()), ("wants", kb.wants_view())):
        place = _place(view_kb, view)
        if place is None:
            states[view] = "none"
        elif index_folder(*place[:1], view, place[1]).is_dir():
            states[view] = "fresh"
        else:
            states[view] = "stale" if stale_indexes(place[0], view, place[1]) else "missing"
    return states


def build_index(kb: KnowledgeBase) -> list[Path]:
    """Build and save the FAQ and want matchers' indexes of ``kb`` (read from files) where they are not
    up to date; returns their folders. Older indexes of the same views are removed."""
    load_matcher(kb)
    load_want_matcher(kb)
    folders = []
    for view, view_kb in (("faq", kb.faq_view()), ("wants", kb.wants_view())):
        place = _place(view_kb, view)
        if place is not None:
            from knowledge.understanding.entry_index import index_folder

            folders.append(index_folder(place[0], view, place[1]))
    return folders


def _indexed(
    view_kb: KnowledgeBase, view: str, lexicon: Lexicon, calibration: Calibration, **thresholds: Any
) -> LexicalMatcher:
    """The matcher over ``view_kb`` with its saved index, built and saved first when missing or stale."""
    from knowledge.understanding.entry_index import EntryIndex, index_folder, prune
    from knowledge.understanding.matcher import LexicalMatcher

    place = _place(view_kb, view)
    index: EntryIndex | None = None
    folder = None if place is None else index_folder(place[0], view, place[1])
    if folder is not None and folder.is_dir():
        try:
            index = EntryIndex.load(folder)
        except (OSError, ValueError, KeyError) as exc:  # a damaged index is rebuilt, never trusted
            log.warning("matcher index %s unreadable (%s): building it", folder, exc)
            shutil.rmtree(folder, ignore_errors=True)
    if index is not None and index.entries != list(view_kb.entries):
        log.warning("matcher index %s does not match the knowledge base: building it", folder)
        index = None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    matcher = LexicalMatcher(view_kb, lexicon, calibration, index=index, **thresholds)
    if folder is not None and place is not None and index is None:
        log.info("matcher index %s missing or stale: built at start-up, saving it", folder)
        try:
            matcher.index.save(folder)
            prune(place[0], view, place[1])
        except OSError as exc:  # a read-only folder: the next start builds it again
            log.warning("matcher index %s could not be saved: %s", folder, exc)
    return matcher


def load_matcher(
    kb: KnowledgeBase, *, answer_threshold: float | None = None, suggest_threshold: float | None = None
) -> LexicalMatcher:
    """The default (lexical) matcher over ``kb``, calibration read from data.

    Its index is read from the knowledge base's folder when one with the current key is saved there;
    otherwise it is built (with a log line) and saved for the next process (:mod:`.entry_index`).

    Args:
        kb: the knowledge base to answer from.
        answer_threshold: answer at or above this calibrated confidence (``faq_answer_threshold``);
            ``None``: the threshold calibrated with the matcher (knowledge/data/calibration.json).
        suggest_threshold: offer 「您是不是想问」 at or above this, decline below (``faq_suggest_threshold``);
            ``None``: the calibrated one.
    """
    from knowledge.understanding.calibration import load_calibration
    from knowledge.understanding.lexicon import load_lexicon

    calibration = load_calibration()
    return _indexed(
        kb.faq_view(),
        "faq",
        load_lexicon(),
        calibration,
        answer_threshold=calibration.answer_threshold if answer_threshold is None else answer_threshold,
        suggest_threshold=calibration.suggest_threshold if suggest_threshold is None else suggest_threshold,
        # the middle band (answer with alternatives) as calibrated, never above the answer threshold
        hedge_threshold=calibration.hedge_threshold,
    )


def load_want_matcher(kb: KnowledgeBase) -> LexicalMatcher:
    """The matcher of wants besides FAQ questions (greetings, starting the self-check, despair …).

    The same lexical matcher over the wants alone (:meth:`KnowledgeBase.wants_view`), with a calibration of
    its own (``calibration_wants.json``): its answer band means "this message is that want"; anything
    else (an FAQ question, an out-of-scope one) it declines, and the FAQ matcher takes over.
    """
    from knowledge.understanding.calibration import WANTS_CALIBRATION_PATH, load_calibration
    from knowledge.understanding.lexicon import load_lexicon

    calibration = load_calibration(WANTS_CALIBRATION_PATH)
    return _indexed(
        kb.wants_view(),
        "wants",
        load_lexicon(),
        calibration,
        answer_threshold=calibration.answer_threshold,
        suggest_threshold=calibration.suggest_threshold,
    )
