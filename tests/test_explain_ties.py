"""Typed ties (builder/extract/ties.py) from data cases: tests/fixtures/ties/cases.yaml, one case per item."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from builder.extract.resolve import Entity
from builder.extract.ties import find_ties
from builder.sentences import split_sentences

CASES = Path(__file__).resolve().parent / "fixtures" / "ties" / "cases.yaml"


@pytest.mark.parametrize("case", yaml.safe_load(CASES.read_text(encoding="utf-8")),
                         ids=lambda c: str(c["text"])[:40])
def test_typed_ties_are_read_only_where_a_sentence_states_them(case: dict[str, object]) -> None:
    found = [Entity(kind, name, tuple(aliases)) for kind, name, aliases in case["entities"]]  # type: ignore[attr-defined]
    paragraphs = (str(case["text"]),)
    ties = find_ties(paragraphs, [split_sentences(p) for p in paragraphs], found)
    assert [f"{t.source} {t.kind} {t.target}" for t in ties] == case["ties"]
