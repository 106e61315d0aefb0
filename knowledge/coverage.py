"""Which FAQ entries cover which article sections, so that no part of a source goes unanswered.

Entries say what they cover with ``covers: ["xm-8qa#q3", ...]``. :func:`coverage` maps every section of
every source to those entries (an empty list is a gap); :func:`report` renders that map as text for
``loan-advisor kb coverage``. References to sections that do not exist are ignored here and reported by
:func:`knowledge.validate.problems`.
"""

from __future__ import annotations

from knowledge.base import KnowledgeBase


def section_ref(source_id: str, section_id: str) -> str:
    """The reference an entry uses in ``covers`` for one section, e.g. ``xm-8qa#q3``."""
    return f"{source_id}#{section_id}"


def coverage(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Every section of every source, in article order, with the ids of the entries that cover it.

    Args:
        kb: the loaded knowledge base.

    Returns:
        ``{"xm-8qa#q1": ["about.xiaomi_what", ...], ...}``; a section no entry covers maps to ``[]``.
    """
    covered: dict[str, list[str]] = {
        section_ref(source.id, section.id): []
        for source in kb.sources.values()
        for section in source.sections
    }
    for entry in kb.faq_entries():
        for ref in dict.fromkeys(entry.covers):
            if ref in covered:
                covered[ref].append(entry.id)
    return covered


def gaps(kb: KnowledgeBase) -> list[str]:
    """The sections no entry covers, in article order."""
    return [ref for ref, entries in coverage(kb).items() if not entries]


def report(kb: KnowledgeBase) -> str:
    """A text report: one block per source, one line per section with its entries, then a summary."""
    covered = coverage(kb)
    lines: list[str] = []
    for source in kb.sources.values():
        lines.append(f"{source.id}《{source.short}》 {source.file}")
        for section in source.sections:
            entries = covered[section_ref(source.id, section.id)]
            listed = "、".join(entries) if entries else "（无条目覆盖）"
            lines.append(f"  #{section.id} {section.title}: {listed}")
    missing = [ref for ref, entries in covered.items() if not entries]
    done = len(covered) - len(missing)
    lines.append(f"共 {len(covered)} 个章节，已覆盖 {done} 个，缺口 {len(missing)} 个。")
    if missing:
        lines.append("未覆盖：" + "、".join(missing))
    return "\n".join(lines)
