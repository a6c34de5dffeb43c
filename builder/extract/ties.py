"""One article's entities and sentences -> typed ties between them, each with the sentence that states it.

Only what a sentence says in words, between two names with no other name in between: ``A met (with) B``,
``A criticised B`` (or ``B was criticised by A``), ``A, head of B`` / ``B chief executive A`` / ``A leads B``
(``leads``), ``A, a member of B`` / ``A, of the B Party`` / ``B Party lawmaker A`` (``member of``). A role that
names an institution (``chief executive of the Refugee Council``) ties its holder to it too. Every rule is general.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from builder.content import TieKind
from builder.extract.resolve import Entity
from builder.names import find_names, has_name, leftmost_longest

_NAMEISH = r"(?:(?:the|The)\s+)?(?:[A-Z][\w’'.-]*\s+){0,3}"
_LEAD_NOUN = (r"(?:head|leader|chair|chairman|chairwoman|chairperson|director|director-general|president|"
              r"chief executive|chief|CEO|secretary-general|secretary general|commissioner|governor|speaker|"
              r"minister|founder)")
_DELEGATION = r"(?:(?:officials|representatives|leaders|members|delegates|envoys)\s+(?:of|from)\s+)?"
_MET = re.compile(rf"\b(?:met|meets|meeting|to meet|will meet)(?:\s+\w+ly)?(?:\s+with)?\s+{_DELEGATION}{_NAMEISH}$")
_CRITICISED = re.compile(
    r"^(?:[’']s?)?\s*(?:\([^)]{1,20}\)\s*)?(?:,[^,]{1,60},\s*)?(?:(?:has|had|have|also|publicly|sharply|again)\s+)*"
    rf"(?:criticized|criticised|criticizes|criticises|condemned|denounced|slammed|rebuked)\s+{_NAMEISH}$")
_CRITICISED_BY = re.compile(
    r"^\s+(?:was|were|has been|have been|had been|is|are)\s+(?:\w+ly\s+)?"
    rf"(?:criticized|criticised|condemned|denounced|slammed|rebuked)\s+by\s+{_NAMEISH}$")
_HEAD_OF = re.compile(rf"^,?\s+(?:(?:the|a|an|its|now)\s+)?(?:[\w-]+\s+){{0,2}}?{_LEAD_NOUN}\s+of\s+(?:the\s+)?$")
_LEADS = re.compile(r"^,?\s+(?:who\s+)?(?:now\s+|still\s+|also\s+)?(?:leads|led|heads|headed|chairs|chaired|runs|ran"
                    r"|founded)\s+(?:the\s+)?$")
_CLAUSE = re.compile(r",[^,]{1,80},")
_HEAD_BEFORE = re.compile(rf"^(?:[’']s?)?,?\s+(?:(?:new|former|acting|interim|deputy)\s+)?{_LEAD_NOUN},?\s+$",
                          re.IGNORECASE)
_MEMBER_OF = re.compile(r"^,?\s+(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,2}?member\s+of\s+(?:the\s+)?$"
                        r"|^\s+(?:has\s+)?(?:joined|belongs to|is a member of)\s+(?:the\s+)?$")
_OF_PARTY = re.compile(r"^,?\s+(?:(?:a|an)\s+[\w-]+\s+)?(?:of|from)\s+the\s+$")
_PARTY_BEFORE = re.compile(r"^\s+(?:lawmaker|legislator|senator|member|politician|deputy|MP|candidate|activist),?\s+$",
                           re.IGNORECASE)
_ROLE_LEADS = re.compile(rf"\b{_LEAD_NOUN}\b", re.IGNORECASE)
_ROLE_MEMBER = re.compile(r"\bmember\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Tie:
    """A relation between two entities of one article, as one sentence states it."""

    kind: TieKind
    """``member of``, ``leads``, ``criticised`` or ``met with``."""
    source: str
    """Canonical name of the entity the relation starts from (the one who leads, criticises, meets...)."""
    target: str
    """Canonical name of the other entity."""
    paragraph: int
    """Index of the paragraph that holds the sentence."""
    sentence: str
    """The sentence, as written."""


def find_ties(paragraphs: tuple[str, ...], sentences: Sequence[Sequence[tuple[int, int]]],
              entities: Sequence[Entity]) -> tuple[Tie, ...]:
    """Every tie the sentences state between two of ``entities`` (each tie once), in reading order."""
    by_name = {name: e for e in entities for name in (e.name, *e.aliases) if len(name) > 1}
    article = "\n".join(paragraphs)
    written = find_names(article, by_name) if by_name else []
    starts = [o[0] for o in written]
    found: list[Tie] = []
    offset = 0
    for index, text in enumerate(paragraphs):
        for start, end in sentences[index]:
            first, last = offset + start, offset + end
            inside = [o for o in written[bisect.bisect_left(starts, first) : bisect.bisect_left(starts, last)]
                      if o[1] <= last]
            named = [(s - first, e - first, by_name[name]) for s, e, name in leftmost_longest(inside)]
            if len(named) > 1:
                found += _sentence_ties(text[start:end], index, named)
        offset += len(text) + 1
    found += _role_ties(entities)
    return tuple(dict.fromkeys(found))


def _sentence_ties(sentence: str, paragraph: int, named: list[tuple[int, int, Entity]]) -> Iterable[Tie]:
    """Ties between each pair of names that follow one another in the sentence, and across a name inside a clause
    between commas (``A, who leads B, criticised C``)."""
    pairs = list(itertools.pairwise(named))
    pairs += [(a, c) for a, (b_start, _, _), c in zip(named, named[1:], named[2:], strict=False)
              if (clause := _CLAUSE.match(sentence, a[1])) and clause.end() <= c[0] and b_start < clause.end()]
    for (_, first_end, first), (second_start, _, second) in pairs:
        if first.name == second.name:
            continue
        kind_and_order = _relation(sentence[first_end:second_start], first, second)
        if kind_and_order is not None:
            kind, forward = kind_and_order
            source, target = (first, second) if forward else (second, first)
            yield Tie(kind, source.name, target.name, paragraph, sentence)


def _relation(between: str, first: Entity, second: Entity) -> tuple[TieKind, bool] | None:
    """What the words between two names say: (kind, whether the first name is the source), or None."""
    if first.kind == "person" and _MET.search(between):
        return "met with", True
    if _CRITICISED.match(between):
        return "criticised", True
    if _CRITICISED_BY.match(between):
        return "criticised", False
    if first.kind == "person" and second.kind == "institution":
        if _HEAD_OF.match(between) or _LEADS.match(between):
            return "leads", True
        if _MEMBER_OF.match(between) or (_OF_PARTY.match(between) and _is_party(second)):
            return "member of", True
    if first.kind == "institution" and second.kind == "person":
        if _HEAD_BEFORE.match(between):
            return "leads", False
        if _is_party(first) and _PARTY_BEFORE.match(between):
            return "member of", False
    return None


def _is_party(entity: Entity) -> bool:
    return entity.name.split()[-1].lower() == "party"


def _role_ties(entities: Sequence[Entity]) -> Iterable[Tie]:
    """A role that names an institution: its holder leads it (``head of``) or belongs to it (``member of``)."""
    institutions = [(e, [n for n in (e.name, *e.aliases) if len(n) > 3]) for e in entities if e.kind == "institution"]
    for person in (e for e in entities if e.kind == "person"):
        for role in person.roles:
            kind = _role_kind(role.text)
            if kind is None:
                continue
            for institution, names in institutions:
                if any(has_name(role.text, n) for n in names):
                    yield Tie(kind, person.name, institution.name, role.paragraph, role.sentence)


def _role_kind(role: str) -> TieKind | None:
    """``leads`` for a role that heads something (``chief executive of ...``), ``member of`` for a member's."""
    if _ROLE_LEADS.search(role):
        return "leads"
    return "member of" if _ROLE_MEMBER.search(role) else None
