"""The gettext catalogs in ``locales/`` are in step with the code and complete.

CI fails when a UI string was added or changed without ``make i18n``, when a ``zh_CN`` (or ``en``)
message is missing, or when a translation's ``{placeholders}`` differ from its source string's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
KEYWORDS = {"_": None, "N_": None}
COMPLETE_LOCALES = ["zh_CN", "en"]
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")


def _code_msgids() -> set[str]:
    found: set[str] = set()
    for package in ("bot", "flows", "knowledge"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def test_template_matches_the_code() -> None:
    template = {m.id for m in _read(LOCALES / "messages.pot") if m.id}
    in_code = _code_msgids()
    assert in_code, "extraction found no UI strings: the check itself is broken"
    missing, stale = sorted(in_code - template), sorted(template - in_code)
    assert not missing and not stale, f"run `make i18n`: new {missing[:5]}, gone {stale[:5]}"


@pytest.mark.parametrize("locale", COMPLETE_LOCALES)
def test_catalog_translates_every_message(locale: str) -> None:
    catalog = _read(LOCALES / locale / "LC_MESSAGES" / "messages.po")
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    template = {m.id for m in _read(LOCALES / "messages.pot") if m.id}
    absent = sorted(template - {m.id for m in catalog if m.id})
    assert not absent, f"{locale}: not in the catalog (run `make i18n`): {absent[:5]}"
    assert not untranslated, f"{locale}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"


@pytest.mark.parametrize("locale", sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES").is_dir()))
def test_translations_keep_the_placeholders(locale: str) -> None:
    catalog = _read(LOCALES / locale / "LC_MESSAGES" / "messages.po")
    wrong = [
        (m.id, m.string)
        for m in catalog
        if m.id and m.string and _placeholders(str(m.id)) != _placeholders(str(m.string))
    ]
    assert not wrong, f"{locale}: placeholders differ: {wrong[:3]}"
