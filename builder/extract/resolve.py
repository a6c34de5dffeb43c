"""Candidates -> Entity: group one article's mentions into people and institutions, with roles and quotes.

Single words are settled here: a surname joins the full name it shortens, an acronym joins its expansion, and
context decides the rest (``Biden`` in "the Biden administration" is a person; ``Twitter`` in "wrote on
Twitter" is an institution).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from builder.extract.classify import Candidate, is_acronym, is_place_phrase
from builder.extract.lexicon import Lexicon
from builder.extract.quotes import SPEECH_VERBS, QuoteFound

EntityKind = Literal["person", "institution"]

_PERSON_AFTER = re.compile(rf"^\s+(?:{SPEECH_VERBS}|has|had|is|was|who|himself|herself)\b|^(?:’s|'s)? "
                           r"(?:administration|government|campaign|presidency|family|wife|husband)\b")
_PERSON_BEFORE = re.compile(rf"\b(?:{SPEECH_VERBS}|by|against|with|told|asked|met|and)\s+$")
_INSTITUTION_BEFORE = re.compile(r"\b(?:wrote|posted|tweeted|writing|posting|published|said) (?:on|in a post on) $"
                                 r"|\b(?:told|according to|reported by|interview with) $")
_COORDINATED = re.compile(
    r"\b((?:[A-Z][\w.-]*,\s+)+[A-Z][\w.-]*,?\s+and\s+[A-Z][\w.-]*)\s+"
    r"(departments|ministries|agencies|committees|courts|offices|commissions|councils|parties|banks|services)\b"
)
_LOWER_INSTITUTION = re.compile(r"\bthe (congress|parliament|senate|legislature|national assembly|supreme court)\b")
_PARTY_STATE = re.compile(r"^\s*\((?P<party>[DRI])-(?P<state>[A-Z]{2})\)")
_APPOSITIVE = re.compile(r"^, (?P<role>(?:a|an|the) [^,.;:“”\"]{3,80}?)(?=[,.;])")
_PARTIES = {"D": "Democrat", "R": "Republican", "I": "Independent"}


@dataclass(frozen=True, slots=True)
class Evidence:
    """A fact and the sentence it was read from."""

    text: str
    """The fact: a role (``Vice President``) or a quotation."""
    paragraph: int
    """Index of the paragraph it came from."""
    sentence: str
    """The sentence it came from, as written."""


@dataclass(frozen=True, slots=True)
class Entity:
    """A person or institution named in one article."""

    kind: EntityKind
    """``person`` or ``institution``."""
    name: str
    """Canonical name: the fullest form used (``Kamala Harris``, ``Constitutional Court of Guatemala``)."""
    aliases: tuple[str, ...]
    """Every other form the article uses (``Harris``, ``Guatemala’s Constitutional Court``)."""
    roles: tuple[Evidence, ...] = ()
    """Roles the text gives, each with its sentence."""
    quotes: tuple[Evidence, ...] = ()
    """Direct quotations attributed to this entity, each with its paragraph."""
    first: tuple[int, int] = (0, 0)
    """(paragraph, offset) of the first mention, to keep entities in reading order."""


@dataclass(slots=True)
class _Group:
    kind: EntityKind
    name: str
    mentions: list[Candidate] = field(default_factory=list)

    def add(self, candidate: Candidate) -> None:
        self.mentions.append(candidate)
        fuller = candidate.canonical or candidate.text
        if self.kind == "institution" and len(fuller.split()) > len(self.name.split()) and \
                not is_acronym(fuller, _NO_LEX):
            self.name = fuller


_NO_LEX = Lexicon({}, frozenset(), {}, {}, frozenset(), {}, {}, frozenset())


def context_candidates(paragraphs: tuple[str, ...], country: str) -> list[Candidate]:
    """Institutions that are not a plain capitalised run: coordinated names and lower-case designations."""
    found: list[Candidate] = []
    for index, text in enumerate(paragraphs):
        for match in _COORDINATED.finditer(text):
            head = _singular(match.group(2)).capitalize()
            for word in re.finditer(r"[A-Z][\w.-]*", match.group(1)):
                name = f"{word.group()} {head}"
                found.append(Candidate("institution", name, index, match.start(1) + word.start(),
                                       match.start(1) + word.end(), canonical=name))
        if country:
            for match in _LOWER_INSTITUTION.finditer(text):
                name = f"{match.group(1).title()} of {country}"
                found.append(Candidate("institution", match.group(1), index, match.start(1), match.end(1),
                                       canonical=name, qualifier=country))
    return found


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1]


def group_candidates(candidates: list[Candidate], paragraphs: tuple[str, ...], lex: Lexicon) -> list[_Group]:
    """People first (full names, then surnames), then institutions (names, then acronyms), then the rest."""
    ordered = sorted(candidates, key=lambda c: (c.paragraph, c.start))
    ordered = _drop_overlapped(ordered)
    people = _group_people([c for c in ordered if c.kind == "person" and " " in c.text])
    institutions = _group_institutions([c for c in ordered if c.kind == "institution"], lex)
    for candidate in (c for c in ordered if c.kind == "single" or (c.kind == "person" and " " not in c.text)):
        _settle_single(candidate, people, institutions, paragraphs, lex)
    return people + institutions


def _drop_overlapped(candidates: list[Candidate]) -> list[Candidate]:
    """A context candidate (coordination) wins over the plain runs inside it."""
    context = [c for c in candidates if c.canonical and c.kind == "institution"]
    kept = []
    for candidate in candidates:
        inside = any(o is not candidate and o.paragraph == candidate.paragraph and o.start <= candidate.start
                     and candidate.end <= o.end and (o.end - o.start) > (candidate.end - candidate.start)
                     for o in context)
        if not inside:
            kept.append(candidate)
    return kept


def _group_people(candidates: list[Candidate]) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for candidate in candidates:
        key = candidate.text.casefold()
        match = groups.get(key) or next((g for k, g in groups.items() if _extends(k, key)), None)
        if match is None:
            match = groups[key] = _Group("person", candidate.text)
        match.add(candidate)
        if len(candidate.text) > len(match.name):
            match.name = candidate.text
    return list(groups.values())


def _extends(known: str, new: str) -> bool:
    """``alejandro giammattei falla`` and ``alejandro giammattei`` are one person."""
    return known.startswith(new + " ") or new.startswith(known + " ")


def _group_institutions(candidates: list[Candidate], lex: Lexicon) -> list[_Group]:
    groups: dict[str, _Group] = {}
    acronyms: list[Candidate] = []
    for candidate in candidates:
        if is_acronym(candidate.text, lex):
            acronyms.append(candidate)
            continue
        key = institution_key(candidate.canonical or candidate.text)
        groups.setdefault(key, _Group("institution", candidate.canonical or candidate.text)).add(candidate)
    for candidate in acronyms:
        target = next((g for g in groups.values() if initials(g.name) == candidate.text.replace(".", "")), None)
        if target is None:
            target = groups.setdefault(candidate.text, _Group("institution", candidate.text))
        target.add(candidate)
    return list(groups.values())


def institution_key(name: str) -> str:
    """One key for ``the Justice Department``, ``Department of Justice`` and ``U.S. Justice Department``."""
    words = name.replace("’s", "").replace("'s", "").split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if len(words) == 3 and words[1] in ("of", "for"):
        words = [words[2], words[0]]
    return " ".join(words).casefold()


def initials(name: str) -> str:
    """``Federal Bureau of Investigation`` -> ``FBI``; ``The Associated Press`` -> ``AP``."""
    words = [w for w in name.split() if w[0].isupper() and w not in ("The", "Of", "And", "For")]
    return "".join(w[0] for w in words)


def _settle_single(candidate: Candidate, people: list[_Group], institutions: list[_Group],
                   paragraphs: tuple[str, ...], lex: Lexicon) -> None:
    word = candidate.text
    person = _person_with_surname(word, candidate, people)
    if person is not None:
        person.add(candidate)
        return
    institution = next((g for g in institutions if any(m.text == word for m in g.mentions)
                        or word in g.name.split()[-1:] and len(g.name.split()) == 1), None)
    if institution is not None:
        institution.add(candidate)
        return
    text = paragraphs[candidate.paragraph]
    before, after = text[: candidate.start], text[candidate.end :]
    if is_place_phrase(word, lex) or word in lex.titles:
        return
    if candidate.kind == "person" or _PERSON_AFTER.match(after) or (
            _PERSON_BEFORE.search(before) and _PERSON_AFTER.match(after)):
        people.append(_Group("person", word, [candidate]))
    elif _INSTITUTION_BEFORE.search(before):
        institutions.append(_Group("institution", word, [candidate]))


def _person_with_surname(word: str, candidate: Candidate, people: list[_Group]) -> _Group | None:
    """The person whose name ends (or, hyphenated, ends in part) with ``word``; the nearest earlier one wins."""
    matches = [g for g in people if _is_surname(word, g.name)]
    if not matches:
        return None
    position = (candidate.paragraph, candidate.start)
    earlier = [g for g in matches if min((m.paragraph, m.start) for m in g.mentions) < position]
    pool = earlier or matches
    return max(pool, key=lambda g: max((m.paragraph, m.start) for m in g.mentions
                                       if (m.paragraph, m.start) < position) if earlier else (0, 0))


def _is_surname(word: str, name: str) -> bool:
    parts = name.split()
    return len(parts) > 1 and (parts[-1] == word or word in parts[1:])


def finish(group: _Group, paragraphs: tuple[str, ...], quotes: list[Evidence], lex: Lexicon,
           sentence_of: dict[tuple[int, int], str]) -> Entity:
    """Freeze a group into an Entity with its aliases and roles."""
    aliases = _unique(m.text for m in group.mentions if m.text != group.name)
    roles = _unique_evidence(_roles(group, paragraphs, lex, sentence_of))
    first = min((m.paragraph, m.start) for m in group.mentions)
    return Entity(group.kind, group.name, tuple(aliases), tuple(roles), tuple(quotes), first)


def _roles(group: _Group, paragraphs: tuple[str, ...], lex: Lexicon,
           sentence_of: dict[tuple[int, int], str]) -> Iterable[Evidence]:
    if group.kind != "person":
        return
    for mention in group.mentions:
        sentence = sentence_of[(mention.paragraph, mention.start)]
        after = paragraphs[mention.paragraph][mention.end :]
        if mention.title and lex.titles.get(mention.title, mention.title) not in _COURTESY:
            yield Evidence(_role_from_title(mention, after, lex), mention.paragraph, sentence)
        appositive = _APPOSITIVE.match(after) if " " in mention.text else None
        if appositive:
            yield Evidence(appositive.group("role"), mention.paragraph, sentence)


_COURTESY = frozenset({"Mr.", "Mrs.", "Ms.", "Miss", "Mr", "Mrs", "Ms", "Sir", "Dame", "Doctor"})


def _role_from_title(mention: Candidate, after: str, lex: Lexicon) -> str:
    """``Guatemalan President`` -> ``President of Guatemala``; ``Rep. … (D-NY)`` -> ``…, Democrat, New York``."""
    words = mention.title.split()
    role = " ".join(lex.titles.get(w, w) if w.endswith(".") else w for w in words)
    role = lex.titles.get(mention.title, role)
    if mention.qualifier and mention.qualifier not in role:
        role = f"{role} of {mention.qualifier}"
    party = _PARTY_STATE.match(after)
    if party:
        state = lex.us_states.get(party.group("state"), party.group("state"))
        role = f"{role}, {_PARTIES[party.group('party')]}, {state}"
    return role


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def _unique_evidence(items: Iterable[Evidence]) -> list[Evidence]:
    seen: dict[str, Evidence] = {}
    for item in items:
        seen.setdefault(item.text, item)
    return list(seen.values())


def attribute_quotes(found: list[QuoteFound], groups: list[_Group]) -> dict[int, list[QuoteFound]]:
    """Map each quotation to the group (by index) of its speaker: a named mention, or the last person before a
    pronoun."""
    people = [(i, g) for i, g in enumerate(groups) if g.kind == "person"]
    result: dict[int, list[QuoteFound]] = {}
    for quote in found:
        owner = _speaker_group(quote, people)
        if owner is not None:
            result.setdefault(owner, []).append(quote)
    return result


def _speaker_group(quote: QuoteFound, people: list[tuple[int, _Group]]) -> int | None:
    where = (quote.speaker_paragraph, quote.speaker_at)
    if quote.speaker[:1].islower() or quote.speaker in ("He", "She", "They"):
        before = [(max((m.paragraph, m.start) for m in g.mentions if (m.paragraph, m.start) < where), i)
                  for i, g in people if any((m.paragraph, m.start) < where for m in g.mentions)]
        return max(before)[1] if before else None
    for index, group in people:
        if any(m.paragraph == where[0] and m.start <= where[1] + len(quote.speaker) and m.end >= where[1]
               for m in group.mentions):
            return index
    return None
