"""Extraction cases from ``tests/fixtures/extraction/*.yaml``: one test per case, named by the case.

Each case holds an invented paragraph (or several, separated by a blank line) and every person and
institution it names: names and alias sets must match exactly (nothing missing, nothing extra), each
expected role must be among those found, and each expected quotation must be attributed to its speaker.
Adding a case needs no Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from builder.extract import Entity, Extraction, extract_entities

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"


@dataclass(frozen=True, slots=True)
class Case:
    """One extraction case read from a fixture file."""

    name: str
    """The case's name, used as the test id."""
    paragraphs: tuple[str, ...]
    """The invented article text, one string per paragraph."""
    expected: dict[str, Any]
    """The case's mapping: ``people``, ``institutions`` and optional ``quotes``."""


def load_cases() -> list[Case]:
    """Every case of every fixture file, in file then case order."""
    cases = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            paragraphs = tuple(p.strip() for p in str(item["text"]).split("\n\n") if p.strip())
            cases.append(Case(str(item["case"]), paragraphs, item))
    return cases


CASES = load_cases()


def test_case_names_are_unique() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_extraction_case(case: Case) -> None:
    found = extract_entities(case.paragraphs)
    for kind, entities in (("people", found.people), ("institutions", found.institutions)):
        expected = {str(e["name"]): e for e in case.expected.get(kind) or []}
        assert sorted(e.name for e in entities) == sorted(expected), f"{kind} differ"
        for entity in entities:
            check_entity(entity, expected[entity.name])
    for quote in case.expected.get("quotes") or []:
        assert has_quote(found, str(quote["by"]), str(quote["says"])), f"quote not given to {quote['by']}"


def check_entity(entity: Entity, expected: dict[str, Any]) -> None:
    """Aliases match exactly; every expected role is found."""
    assert sorted(entity.aliases) == sorted(str(a) for a in expected.get("aliases") or []), entity.name
    roles = [role.text for role in entity.roles]
    for role in expected.get("roles") or []:
        assert str(role) in roles, f"{entity.name}: role {role!r} not in {roles}"


def has_quote(found: Extraction, speaker: str, words: str) -> bool:
    """True when ``speaker`` is given a quotation containing ``words``."""
    return any(words in quote.text for person in found.people if person.name == speaker for quote in person.quotes)
