"""Gold files + extractions -> Score: precision, recall and F1 per entity type, role and quote accuracy.

A gold file ``<stem>.yaml`` lists ``people:`` and ``institutions:`` (items ``{name, aliases, optional, roles}``)
and, optionally, ``quotes:`` (items ``{speaker, text}``). A prediction matches a gold entity of its type when its
name or any alias equals the gold name or any gold alias, ignoring case, punctuation, a leading "the" and a
possessive "'s"; each side is matched at most once (maximum bipartite matching); a prediction that only matches an
``optional`` gold entity counts neither way. This is the rule of the shared ``score_entities.py``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from builder.extract.resolve import Entity

TYPES = ("people", "institutions")
_DELETE = re.compile(r"[.'’‘`´]")
_POSSESSIVE = re.compile(r"['’]s\b")


@dataclass(frozen=True, slots=True)
class Named:
    """One entity of one article, gold or predicted, reduced to what matching reads."""

    name: str
    """The canonical name, for reports."""
    keys: frozenset[str]
    """The normalised name and aliases."""
    optional: bool = False
    """A borderline gold entity: matching it counts neither for nor against."""
    roles: tuple[str, ...] = ()
    """Roles, normalised."""
    quotes: tuple[str, ...] = ()
    """Quotations, normalised (predictions only)."""


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """A quotation an editor attributes to a speaker."""

    speaker: str
    """The speaker's canonical name in the gold file."""
    text: str
    """The quotation (or a distinctive part of it), normalised."""


@dataclass(frozen=True, slots=True)
class Gold:
    """One article's gold file."""

    entities: dict[str, list[Named]]
    """``people`` and ``institutions``."""
    quotes: tuple[GoldQuote, ...]
    """Attributed quotations."""
    has_roles: bool = False
    """The file gives roles (else roles are not scored for it)."""
    has_quotes: bool = False
    """The file gives quotations (else quotations are not scored for it)."""


@dataclass(slots=True)
class Tally:
    """Hits and misses of one measure, with the errors for reports."""

    tp: int = 0
    """Predictions matched to a required gold item."""
    fp: int = 0
    """Predictions matching no gold item."""
    fn: int = 0
    """Required gold items no prediction matched."""
    errors: list[str] = field(default_factory=list)
    """``article: FP/FN item`` lines."""

    def scores(self) -> tuple[float, float, float]:
        """Precision, recall and F1."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        total = precision + recall
        return precision, recall, (2 * precision * recall / total if total else 0.0)


@dataclass(slots=True)
class Score:
    """Every tally of a scored set: one per entity type, then roles and quotes."""

    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in (*TYPES, "roles", "quotes")})
    """``people``, ``institutions``, ``roles`` (gold roles of matched people) and ``quotes``."""

    def f1(self, kind: str) -> float:
        """F1 of one tally."""
        return self.tallies[kind].scores()[2]


def normalise(text: str) -> str:
    """Fold case, drop a possessive, dots and apostrophes, other punctuation and a leading "the"."""
    folded = _DELETE.sub("", _POSSESSIVE.sub("", unicodedata.normalize("NFKC", text).casefold()))
    spaced = "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in folded)
    words = spaced.split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def named(name: str, aliases: Iterable[str], optional: bool = False, roles: Iterable[str] = (),
          quotes: Iterable[str] = ()) -> Named:
    """A Named from a name and its aliases."""
    keys = frozenset(k for k in (normalise(s) for s in (name, *aliases)) if k)
    return Named(name, keys, optional, tuple(normalise(r) for r in roles), tuple(normalise(q) for q in quotes))


def load_gold(path: Path) -> Gold:
    """Read one gold file."""
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entities = {kind: [named(str(item["name"]), [str(a) for a in item.get("aliases") or []],
                             bool(item.get("optional", False)), [str(r) for r in item.get("roles") or []])
                       for item in data.get(kind) or []]
                for kind in TYPES}
    quotes = tuple(GoldQuote(str(q["speaker"]), normalise(str(q["text"]))) for q in data.get("quotes") or [])
    has_roles = any("roles" in item for kind in TYPES for item in data.get(kind) or [])
    return Gold(entities, quotes, has_roles, "quotes" in data)


def from_entity(entity: Entity) -> Named:
    """A predicted entity reduced to Named."""
    return named(entity.name, entity.aliases, roles=(r.text for r in entity.roles),
                 quotes=(q.text for q in entity.quotes))


def max_matching(preds: Sequence[Named], golds: Sequence[Named]) -> dict[int, int]:
    """Maximum bipartite matching of predictions to gold entities sharing a key (pred index -> gold index)."""
    edges = [[j for j, g in enumerate(golds) if p.keys & g.keys] for p in preds]
    owner: dict[int, int] = {}

    def assign(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or assign(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(preds)):
        assign(i, set())
    return {i: j for j, i in owner.items()}


def score_article(stem: str, preds: dict[str, list[Named]], gold: Gold, score: Score) -> None:
    """Add one article's entity, role and quote matches and errors to ``score``."""
    speakers: dict[str, Named] = {}
    for kind in TYPES:
        required = [g for g in gold.entities[kind] if not g.optional]
        matched = _score_entities(stem, preds[kind], gold.entities[kind], required, score.tallies[kind])
        for i, j in matched.items():
            speakers[required[j].name] = preds[kind][i]
            if kind == "people" and gold.has_roles:
                _score_roles(stem, preds[kind][i], required[j], score.tallies["roles"])
    if gold.has_quotes:
        _score_quotes(stem, gold.quotes, speakers, preds["people"], score.tallies["quotes"])


def _score_entities(stem: str, preds: list[Named], golds: list[Named], required: list[Named],
                    tally: Tally) -> dict[int, int]:
    matched = max_matching(preds, required)
    tally.tp += len(matched)
    for i, pred in enumerate(preds):
        if i not in matched and not any(pred.keys & g.keys for g in golds if g.optional):
            tally.fp += 1
            tally.errors.append(f"{stem}: FP {pred.name}")
    hit = set(matched.values())
    for j, gold in enumerate(required):
        if j not in hit:
            tally.fn += 1
            tally.errors.append(f"{stem}: FN {gold.name}")
    return matched


def _score_roles(stem: str, pred: Named, gold: Named, tally: Tally) -> None:
    """Each gold role found among the predicted roles is a hit; each predicted role not in gold a false one."""
    for role in gold.roles:
        if role in pred.roles:
            tally.tp += 1
        else:
            tally.fn += 1
            tally.errors.append(f"{stem}: FN {gold.name}: {role}")
    for role in pred.roles:
        if role not in gold.roles:
            tally.fp += 1
            tally.errors.append(f"{stem}: FP {gold.name}: {role}")


def _score_quotes(stem: str, quotes: tuple[GoldQuote, ...], speakers: dict[str, Named], people: list[Named],
                  tally: Tally) -> None:
    """A gold quotation is a hit when its speaker's matched entity holds a quotation that contains it (or is
    contained in it); every predicted quotation that is no gold one of its speaker is a false one."""
    used: set[tuple[str, str]] = set()
    for quote in quotes:
        pred = speakers.get(quote.speaker)
        found = next((q for q in pred.quotes if _same_quote(q, quote.text)), None) if pred else None
        if found is None:
            tally.fn += 1
            tally.errors.append(f"{stem}: FN {quote.speaker}: {quote.text[:50]}")
        else:
            tally.tp += 1
            used.add((pred.name if pred else "", found))
    for person in people:
        for text in person.quotes:
            if (person.name, text) not in used:
                tally.fp += 1
                tally.errors.append(f"{stem}: FP {person.name}: {text[:50]}")


def _same_quote(found: str, gold: str) -> bool:
    return bool(found) and (gold in found or found in gold)
