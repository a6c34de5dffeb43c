"""Candidates -> Entity: group one article's mentions into people and institutions, with roles and quotes.

Single words are settled here: a surname joins the full name it shortens, an acronym joins its expansion, and
context decides the rest (``Biden`` in "the Biden administration" is a person; ``Twitter`` in "wrote on
Twitter" is an institution).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from builder.extract.classify import Candidate, is_acronym, is_head, is_place_phrase
from builder.extract.context import (
    has_the_before,
    is_after_org_noun,
    is_before_facility,
    is_before_role,
    is_common_noun,
    is_coordinated,
    is_institution_context,
    is_person_context,
    is_person_modifier,
    link_former_names,
    link_parentheticals,
    role_before,
    stands_alone,
)
from builder.extract.lexicon import Lexicon, with_article
from builder.extract.quotes import QuoteFound

EntityKind = Literal["person", "institution"]

_PARTY_STATE = re.compile(r"^\s*\((?P<party>[DRI])-(?P<state>[A-Z]{2})\)")
_APPOSITIVE = re.compile(r", (?P<role>(?:a|an|the) [^,.;:“”\"]{3,80}?)(?=[,.;])")
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
    texts: set[str] = field(default_factory=set)
    """The mentions' texts, to look a word up without a scan."""

    def __post_init__(self) -> None:
        self.texts.update(m.text for m in self.mentions)

    def extend(self, candidates: list[Candidate]) -> None:
        """Add mentions that never change the name (an acronym's uses)."""
        self.mentions.extend(candidates)
        self.texts.update(m.text for m in candidates)

    def add(self, candidate: Candidate) -> None:
        self.extend([candidate])
        fuller = candidate.canonical or candidate.text
        if self.kind == "institution" and len(fuller.split()) > len(self.name.split()) and \
                not _ACRONYM_SHAPE.fullmatch(fuller):
            self.name = fuller


_ACRONYM_SHAPE = re.compile(r"(?:[A-Z]\.?){2,6}|[A-Z][A-Z&]{1,5}")


def group_candidates(candidates: list[Candidate], paragraphs: tuple[str, ...], lex: Lexicon) -> list[_Group]:
    """People first (full names, then surnames), then institutions (names, then acronyms), then the rest:
    single words settled by what is known, by context, then by the list they are coordinated in."""
    ordered = sorted(candidates, key=lambda c: (c.paragraph, c.start))
    linked = link_former_names(link_parentheticals(ordered, paragraphs, lex), paragraphs, lex)
    ordered = [r for c in linked if (r := _retype(c, paragraphs, lex)) is not None]
    ordered = _name_prefixes_of_institutions(ordered, lex)
    people = _group_people([c for c in ordered if c.kind == "person" and " " in c.text])
    institutions = _group_institutions([c for c in ordered if c.kind == "institution"], paragraphs, lex)
    unsettled = [c for c in ordered if (c.kind == "single" or (c.kind == "person" and " " not in c.text))
                 and not _settle_single(c, people, institutions, paragraphs, lex)]
    beside = _neighbours(ordered) if unsettled else {}
    while unsettled:
        left = [c for c in unsettled if not _settle_coordinated(c, beside[id(c)], institutions, paragraphs)
                and not _join_known(c, people, institutions, lex)]
        if len(left) == len(unsettled):
            break
        unsettled = left
    return people + institutions


def name_national_bodies(groups: list[_Group], home_country: Callable[[], str], lex: Lexicon) -> list[_Group]:
    """``Congress``, ``the Treasury``, ``U.S. Congress``, ``Mexican Congress``: a body that every country has one of
    is named with its country (``Congress of Mexico``), read from the name, else a mention's qualifier, else the
    country the article is about (``home_country``, asked only when needed). The forms written stay aliases, two
    countries' congresses never share a name, and forms of one body that now share it are one group."""
    by_name: dict[str, _Group] = {}
    kept: list[_Group] = []
    for group in groups:
        body, country = _national_body(group.name, lex) if group.kind == "institution" else ("", "")
        if body:
            country = country or next((m.qualifier for m in group.mentions if m.qualifier), "") or home_country()
            group.name = f"{body} of {with_article(country)}" if country else group.name
        if group.kind == "institution":
            if group.name in by_name:
                by_name[group.name].extend(group.mentions)
                continue
            by_name[group.name] = group
        kept.append(group)
    return kept


def _national_body(name: str, lex: Lexicon) -> tuple[str, str]:
    """(``Congress``, ``United States``) for ``U.S. Congress``, (``Congress``, "") for ``Congress``, ("", "") for a
    name that is no country's own body (``Sierra Madre Cartel``, ``Congress of Guatemala``)."""
    if name in lex.national_bodies:
        return name, ""
    words = name.split()
    for cut in range(1, len(words)):
        body, nation = " ".join(words[cut:]), " ".join(words[:cut])
        if body in lex.national_bodies and (country := lex.countries.get(nation) or lex.demonyms.get(nation)):
            return body, country
    return "", ""


def _retype(candidate: Candidate, paragraphs: tuple[str, ...], lex: Lexicon) -> Candidate | None:
    """A would-be person's name written after the kind of organisation it is (``the schools Santo Spirito``), before
    a role in it (``Harbour Freight chief executive``) or after ``the`` (``the Daily Nation``) is an institution;
    after ``the`` and before a kind of place it is nothing (``the Tropicana Field stadium``)."""
    if candidate.kind != "person" or candidate.title or " " not in candidate.text:
        return candidate
    if is_after_org_noun(candidate, paragraphs, lex) or is_before_role(candidate, paragraphs, lex):
        return candidate._replace(kind="institution", canonical=candidate.text)
    if has_the_before(candidate, paragraphs):
        if is_before_facility(candidate, paragraphs, lex):
            return None
        return candidate._replace(kind="institution", canonical=candidate.text)
    return candidate


def _name_prefixes_of_institutions(ordered: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """``Baltic Freight`` after ``Baltic Freight Lines``: a short form of an institution's name that drops its
    head noun is that institution, not a person."""
    names = {c.canonical or c.text for c in ordered if c.kind == "institution"}
    return [c._replace(kind="institution", canonical=full) if c.kind == "person" and not c.title and
            (full := _longer_name(c.text, names, lex)) else c for c in ordered]


def _longer_name(text: str, names: set[str], lex: Lexicon) -> str:
    """The institution name that is ``text`` plus words ending in a head noun (``Nordhavn Shipping Group``)."""
    prefix = text + " "
    return min((name for name in names if name.startswith(prefix) and is_head(name.split()[-1], lex)),
               default="")


def _group_people(candidates: list[Candidate]) -> list[_Group]:
    """Full names by key; a longer form joins a shorter one; a nickname (``canonical`` set) joins its owner."""
    groups: dict[str, _Group] = {}
    for candidate in candidates:
        key = (candidate.canonical or candidate.text).casefold()
        match = groups.get(key) or groups.get(candidate.text.casefold()) or \
            next((g for k, g in groups.items() if _extends(k, key)), None)
        if match is None:
            match = groups[key] = _Group("person", candidate.canonical or candidate.text)
        match.add(candidate)
        groups.setdefault(candidate.text.casefold(), match)
        if len(candidate.canonical or candidate.text) > len(match.name):
            match.name = candidate.canonical or candidate.text
    return list({id(g): g for g in groups.values()}.values())


def _extends(known: str, new: str) -> bool:
    """``alejandro giammattei falla`` and ``alejandro giammattei`` are one person."""
    return known.startswith(new + " ") or new.startswith(known + " ")


def _group_institutions(candidates: list[Candidate], paragraphs: tuple[str, ...], lex: Lexicon) -> list[_Group]:
    """Names by key (``Supreme Court`` joins ``Supreme Court of Cassation``); acronyms join their expansion,
    and one that nothing expands is kept only when some use of it stands alone as a name or comes before a role
    in it (``NASA engineers``)."""
    groups: dict[str, _Group] = {}
    acronyms: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        if is_acronym(candidate.text, lex) and not candidate.canonical:
            acronyms.setdefault(candidate.text, []).append(candidate)
            continue
        key = institution_key(candidate.canonical or candidate.text)
        key = next((k for k in groups if _extends_office(k, key)), key)
        groups.setdefault(key, _Group("institution", candidate.canonical or candidate.text)).add(candidate)
    for text, uses in acronyms.items():
        target = _expansion(text, list(groups.values()))
        if target is None and any(stands_alone(c, paragraphs) or is_before_role(c, paragraphs, lex) for c in uses):
            target = groups.setdefault(text, _Group("institution", text))
        if target is not None:
            target.extend(uses)
    return list(groups.values())


def _extends_office(known: str, new: str) -> bool:
    """``supreme court`` and ``supreme court of cassation`` are one institution."""
    return known.startswith(new + " of ") or new.startswith(known + " of ")


def _expansion(acronym: str, groups: list[_Group]) -> _Group | None:
    """The group whose name, or a form of it, the acronym abbreviates (or already holds it)."""
    letters = acronym.replace(".", "")
    for group in groups:
        forms = {group.name, *group.texts}
        if acronym in forms or any(initials(form) == letters for form in forms):
            return group
    return None


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
                   paragraphs: tuple[str, ...], lex: Lexicon) -> bool:
    """A surname, a first name, a known institution or its short form, a bare head noun (``the Court``), a party
    word (``Labour``), or settled by context. False when nothing settles it (yet)."""
    word = candidate.text
    if _join_known(candidate, people, institutions, lex):
        return True
    if word in lex.party_words:
        institutions.append(_Group("institution", word, [candidate]))
    elif _is_no_name(candidate, paragraphs, lex):
        return True
    elif candidate.kind == "person" or is_person_context(candidate, paragraphs):
        people.append(_Group("person", word, [candidate]))
    elif is_institution_context(candidate, paragraphs, lex):
        institutions.append(_Group("institution", word, [candidate]))
    else:
        return False
    return True


def _join_known(candidate: Candidate, people: list[_Group], institutions: list[_Group], lex: Lexicon) -> bool:
    """Add the word to the person or institution it already names; False when it names none yet."""
    word = candidate.text
    known = _person_with_surname(word, candidate, people) or \
        next((g for g in institutions if word in g.texts), None) or \
        _institution_with_head(candidate, institutions, lex) or _person_with_first_name(word, people) or \
        _institution_with_prefix(word, institutions, lex)
    if known is not None:
        known.add(candidate)
    return known is not None


def _is_no_name(candidate: Candidate, paragraphs: tuple[str, ...], lex: Lexicon) -> bool:
    """Head nouns, places (but a city's name may be a surname: ``the Hale administration``), titles, common and
    generic words, and a sentence's first word that the article also writes in lower case (``Cholera is ...``)."""
    word = candidate.text
    if word in lex.titles or word in lex.common or word in lex.generic or is_head(word, lex):
        return True
    if is_place_phrase(word, lex):
        return lex.is_nation(word) or not is_person_modifier(candidate, paragraphs)
    return candidate.opens_sentence and is_common_noun(word, paragraphs)


def _settle_coordinated(candidate: Candidate, beside: list[Candidate], institutions: list[_Group],
                        paragraphs: tuple[str, ...]) -> bool:
    """``Meta, TikTok and Snap``: a word listed beside (``beside``) an institution is one too."""
    for other in beside:
        left, right = sorted((candidate, other), key=lambda c: (c.paragraph, c.start))
        if is_coordinated(left, right, paragraphs) and \
                any(other is mention for group in institutions for mention in group.mentions):
            institutions.append(_Group("institution", candidate.text, [candidate]))
            return True
    return False


def _neighbours(ordered: list[Candidate]) -> dict[int, list[Candidate]]:
    """Each mention's neighbours in reading order, by the mention's identity."""
    return {id(c): ordered[max(0, i - 1) : i] + ordered[i + 1 : i + 2] for i, c in enumerate(ordered)}


def _institution_with_prefix(word: str, institutions: list[_Group], lex: Lexicon) -> _Group | None:
    """``Nordhavn`` after ``Nordhavn Shipping Group``."""
    names = {g.name for g in institutions}
    full = _longer_name(word, names, lex)
    return next((g for g in institutions if g.name == full), None) if full else None


def _institution_with_head(candidate: Candidate, institutions: list[_Group], lex: Lexicon) -> _Group | None:
    """``the Court`` after ``the Supreme Court of Cassation``: the latest earlier institution with that head."""
    if not is_head(candidate.text, lex):
        return None
    position = (candidate.paragraph, candidate.start)
    earlier = [(max((m.paragraph, m.start) for m in g.mentions if (m.paragraph, m.start) < position), i)
               for i, g in enumerate(institutions)
               if candidate.text in g.name.split() and any((m.paragraph, m.start) < position for m in g.mentions)]
    return institutions[max(earlier)[1]] if earlier else None


def _person_with_first_name(word: str, people: list[_Group]) -> _Group | None:
    """``Ahmed`` alone, when exactly one person named so far has that first name."""
    matches = [g for g in people if g.name.split()[0] == word]
    return matches[0] if len(matches) == 1 else None


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
    return word in _later_names(name)


@functools.lru_cache(maxsize=1024)
def _later_names(name: str) -> frozenset[str]:
    """Every word of a full name but the first (``Gloria Porras`` -> ``Porras``)."""
    return frozenset(name.split()[1:])


def finish(group: _Group, paragraphs: tuple[str, ...], quotes: list[Evidence], lex: Lexicon,
           sentence_of: dict[tuple[int, int], str]) -> Entity:
    """Freeze a group into an Entity with its aliases and roles."""
    aliases = _unique(m.text for m in group.mentions if m.text != group.name)
    roles = _unique_evidence(_roles(group, paragraphs, lex, sentence_of))
    first = min((m.paragraph, m.start) for m in group.mentions)
    return Entity(group.kind, group.name, tuple(aliases), tuple(roles), tuple(quotes), first)


def _roles(group: _Group, paragraphs: tuple[str, ...], lex: Lexicon,
           sentence_of: dict[tuple[int, int], str]) -> Iterable[Evidence]:
    """Roles from a title (``Vice President Kamala Harris``), a role written before the name (``Nordhavn’s chief
    executive, Anna Lindqvist``) and an appositive after it (``Gloria Porras, a respected force ...``)."""
    if group.kind != "person":
        return
    for mention in group.mentions:
        sentence = sentence_of[(mention.paragraph, mention.start)]
        text = paragraphs[mention.paragraph]
        if mention.title and lex.titles.get(mention.title, mention.title) not in _COURTESY:
            yield Evidence(_role_from_title(mention, text[mention.end :], lex), mention.paragraph, sentence)
        for role in (role_before(mention, paragraphs, lex), _appositive(text, mention.end)):
            if role:
                yield Evidence(role, mention.paragraph, sentence)


def _appositive(text: str, end: int) -> str:
    """``, a former federal judge,`` after a name; a clause with a verb is no appositive."""
    match = _APPOSITIVE.match(text, end)
    return match.group("role") if match and not _CLAUSE_VERB.search(match.group("role")) else ""


_CLAUSE_VERB = re.compile(r"\b(?:is|was|are|were|has|had|have|will|would|said|says)\b")


_COURTESY = frozenset({"Mr.", "Mrs.", "Ms.", "Miss", "Mr", "Mrs", "Ms", "Sir", "Dame", "Doctor", "Dr."})


def _role_from_title(mention: Candidate, after: str, lex: Lexicon) -> str:
    """``Guatemalan President`` -> ``President of Guatemala``; ``Rep. … (D-NY)`` -> ``…, Democrat, New York``."""
    words = mention.title.split()
    while len(words) > 1 and words[-1] in _COURTESY:
        words.pop()
    role = " ".join(lex.titles.get(w, w) if w.endswith(".") else w for w in words)
    role = lex.titles.get(" ".join(words), role)
    if mention.qualifier and mention.qualifier not in role:
        role = f"{role} of {with_article(mention.qualifier)}"
    party = _PARTY_STATE.match(after)
    if party:
        state = lex.us_states.get(party.group("state"), party.group("state"))
        role = f"{role}, {_PARTIES[party.group('party')]}, {state}"
    return role


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


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
    """The named speaker's group; for a pronoun the last person mentioned before it; for ``the chancellor`` the
    last person before it who holds that title."""
    where = (quote.speaker_paragraph, quote.speaker_at)
    if quote.speaker.startswith("the "):
        role = quote.speaker[4:].casefold()
        people = [(i, g) for i, g in people if any(m.title.casefold().endswith(role) for m in g.mentions)]
    if quote.speaker[:1].islower() or quote.speaker in ("He", "She", "They"):
        before = [(max((m.paragraph, m.start) for m in g.mentions if (m.paragraph, m.start) < where), i)
                  for i, g in people if any((m.paragraph, m.start) < where for m in g.mentions)]
        return max(before)[1] if before else None
    for index, group in people:
        if any(m.paragraph == where[0] and m.start <= where[1] + len(quote.speaker) and m.end >= where[1]
               for m in group.mentions):
            return index
    return None
