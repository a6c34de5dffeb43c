"""Paragraph text around a mention -> what it says about the mention: person, institution, or an alias link.

Also finds institutions that are not one capitalised run: coordinated names ("the Justice, Treasury and State
departments", "the State and Homeland Security Departments") and lower-case designations ("the congress").
``Name (ACRONYM)`` and ``ACRONYM (Name)`` link an acronym to the name it abbreviates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from builder.extract.classify import Candidate, is_acronym, is_place_phrase
from builder.extract.lexicon import Lexicon, with_article
from builder.extract.quotes import SPEECH_VERBS
from builder.names import has_name, is_whole_word, starts_of

_PERSON_VERB_AFTER = re.compile(rf"\s+(?:{SPEECH_VERBS}|has|had|is|was|who|himself|herself)\b")
_PERSON_MODIFIER_AFTER = re.compile(r"(?:’s|'s)? (?:administration|government|campaign|presidency|family|wife|husband"
                                    r"|son|daughter)\b")
_INSTITUTION_BEFORE = re.compile(
    r"\b(?:wrote|posted|tweeted|writing|posting|published|said|messages|used) (?:on|to|in a post on) $"
    r"|\b(?:told|according to|reported by|interview with|outreach from|visit to|(?:co-?)?founder of|CEO of) $"
    r"|\b(?:message|post|video|statement|account|channel|page|broadcast|live-?stream)s? on $",
    re.IGNORECASE)
_THE_BEFORE = re.compile(r"(?:^|[\s“\"(])[Tt]he $")
_VERB = rf"(?:{SPEECH_VERBS}|has|had|have|is|was|are|were|will|would|can|could|may|might|did|does|\w+ed)\b"
_FUNCTION_WORD = r"(?:and|or|that|which|whether|on|in|at|for|to|from|with|by|about|as|after|before|if|when)\b"
_VERB_OR_END = re.compile(rf"^(?:’s|'s)?\s*(?:$|[^\w\s]|{_FUNCTION_WORD}|{_VERB})")
_NAME_USE = _VERB_OR_END
_ALSO_KNOWN = re.compile(r"^,? (?:(?:also )?known (?:as|by its [\w\s]{0,30}?)|or) $")
_ITEM = r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2}"
_COORDINATED = re.compile(
    rf"((?:{_ITEM},\s+)*{_ITEM},?\s+and\s+{_ITEM})\s+"
    r"([Dd]epartments|[Mm]inistries|[Aa]gencies|[Cc]ommittees|[Cc]ourts|[Oo]ffices|[Cc]ommissions|[Cc]ouncils"
    r"|[Pp]arties|[Bb]anks|[Ss]ervices)\b"
)
_PLURAL_HEADS = ("departments", "ministries", "agencies", "committees", "courts", "offices", "commissions",
                 "councils", "parties", "banks", "services")
"""The plural head nouns, looked for as plain text (a pattern that opens with ``\\b`` is scanned slowly)."""
_LOWER_INSTITUTION = re.compile(r"the(?<!\wthe) (congress|parliament|senate|legislature|national assembly"
                                r"|supreme court)\b")
"""``the congress``; the look-behind after ``the`` (not ``\\b`` before it) lets the engine skip to each ``the``."""
_OPEN_BRACKET = re.compile(r"^\s*[(\[]\s*$")
_CLOSE_BRACKET = re.compile(r"\s*[)\]]")


def coordinated_candidates(paragraphs: tuple[str, ...]) -> list[Candidate]:
    """One institution per name in ``the Justice, Treasury and State departments``; each spans to the head noun
    so the plain runs inside the phrase can be dropped."""
    found: list[Candidate] = []
    article = " ".join(paragraphs).lower()
    heads = [head for head in _PLURAL_HEADS if head in article]
    for index, text in enumerate(paragraphs if heads else ()):
        for match in _coordinations(text, heads):
            head = _singular(match.group(2)).capitalize()
            for item in re.finditer(r"[^,]+?(?=,|\s+and\s+|$)", match.group(1)):
                name = re.sub(r"^(?:and\s+|The\s+)+", "", item.group().strip())
                if name:
                    start = match.start(1) + item.start() + item.group().index(name)
                    found.append(Candidate("institution", name, index, start, match.end(2),
                                           canonical=f"{name} {head}"))
    return found


def _coordinations(text: str, heads: list[str]) -> list[re.Match[str]]:
    """The coordinated names before each plural head noun of ``heads``, searched only in the words just before
    it."""
    found: dict[tuple[int, int], re.Match[str]] = {}
    lower = text.lower()
    heads = [head for head in heads if head in lower]
    for head_start, head_end in _plural_heads(text, heads):
        for match in _COORDINATED.finditer(text, max(0, head_start - 160), head_end):
            if match.end() == head_end:
                found.setdefault(match.span(), match)
    return list(found.values())


def _plural_heads(text: str, heads: list[str]) -> list[tuple[int, int]]:
    """Where one of the plural ``heads`` is written as a word, lower-case or capitalised (``agencies``,
    ``Departments``)."""
    return sorted((start, start + len(form)) for head in heads for form in (head, head.capitalize())
                  for start in starts_of(text, form) if is_whole_word(text, start, start + len(form), "_"))


def lowercase_candidates(paragraphs: tuple[str, ...], home_country: Callable[[], str]) -> list[Candidate]:
    """``the congress`` in an article set in one country (asked of ``home_country`` only when needed) is that
    country's congress."""
    matches = [(index, match) for index, text in enumerate(paragraphs) for match in _LOWER_INSTITUTION.finditer(text)]
    country = home_country() if matches else ""
    if not country:
        return []
    return [Candidate("institution", match.group(1), index, match.start(1), match.end(1),
                      canonical=f"{match.group(1).title()} of {with_article(country)}", qualifier=country)
            for index, match in matches]


def join_by_acronyms(candidates: list[Candidate], paragraphs: tuple[str, ...]) -> list[Candidate]:
    """``Customs and Border Protection, or CBP``: two runs joined by ``and`` whose initials are an acronym the
    article uses are one institution."""
    acronyms = {c.text for c in candidates if _BARE_ACRONYM.fullmatch(c.text)}
    if not acronyms:
        return candidates
    ordered = sorted(candidates, key=lambda c: (c.paragraph, c.start))
    result: list[Candidate] = []
    for candidate in ordered:
        last = result[-1] if result else None
        if last is not None and last.paragraph == candidate.paragraph and \
                paragraphs[last.paragraph][last.end : candidate.start] == " and " and \
                _initials(f"{last.text} {candidate.text}") in acronyms:
            text = paragraphs[last.paragraph][last.start : candidate.end]
            result[-1] = Candidate("institution", text, last.paragraph, last.start, candidate.end, canonical=text)
        else:
            result.append(candidate)
    return result


_BARE_ACRONYM = re.compile(r"[A-Z]{2,6}")


def join_nicknames(candidates: list[Candidate], paragraphs: tuple[str, ...]) -> list[Candidate]:
    """``Héctor “El Güero” Salcedo``: a first name, a nickname in quotation marks and a surname are one person; the
    nickname stays a mention of that person, so that its later use alone joins them."""
    ordered = sorted(candidates, key=lambda c: (c.paragraph, c.start))
    result: list[Candidate] = []
    at = 0
    while at < len(ordered):
        first, *pair = ordered[at : at + 3]
        if len(pair) == 2 and _is_nickname(first, pair[0], pair[1], paragraphs):
            nick, last = pair
            full = f"{first.text} {last.text}"
            result += [Candidate("person", full, first.paragraph, first.start, last.end, title=first.title,
                                 qualifier=first.qualifier), nick._replace(kind="person", canonical=full)]
            at += 3
        else:
            result.append(first)
            at += 1
    return result


def _is_nickname(first: Candidate, nick: Candidate, last: Candidate, paragraphs: tuple[str, ...]) -> bool:
    text = paragraphs[first.paragraph]
    return first.paragraph == nick.paragraph == last.paragraph and first.kind != "institution" and \
        last.kind == "single" and _OPEN_QUOTE.fullmatch(text, first.end, nick.start) is not None and \
        _CLOSE_QUOTE.fullmatch(text, nick.end, last.start) is not None


_OPEN_QUOTE = re.compile(r" [“\"‘']")
_CLOSE_QUOTE = re.compile(r"[”\"’'] ")


def _initials(text: str) -> str:
    return "".join(word[0] for word in text.split() if word[0].isupper())


def _singular(word: str) -> str:
    return word[:-3] + "y" if word.endswith("ies") else word[:-1]


def drop_covered(candidates: list[Candidate], covering: list[Candidate]) -> list[Candidate]:
    """Candidates that start inside a coordinated phrase are replaced by the phrase's own names."""
    return [c for c in candidates
            if not any(o.paragraph == c.paragraph and o.start <= c.start < o.end for o in covering)]


def link_parentheticals(ordered: list[Candidate], paragraphs: tuple[str, ...], lex: Lexicon) -> list[Candidate]:
    """``Korean Central News Agency (KCNA)``, ``CEI (Italian Episcopal Conference)``: both become one
    institution; the acronym carries the name as its canonical form so that every later use joins it."""
    result = list(ordered)
    for i in range(len(result) - 1):
        first, second = result[i], result[i + 1]
        if first.paragraph != second.paragraph or not _in_brackets(first, second, paragraphs):
            continue
        name, acronym = (first, second) if is_acronym(second.text, lex) else (second, first)
        if not is_acronym(acronym.text, lex) or is_acronym(name.text, lex) or not _may_abbreviate(name, acronym):
            continue
        canonical = name.canonical or name.text
        result[i], result[i + 1] = (c._replace(kind="institution", canonical=canonical) for c in (first, second))
    return result


def link_former_names(ordered: list[Candidate], paragraphs: tuple[str, ...], lex: Lexicon) -> list[Candidate]:
    """``X, formerly Twitter``, ``Meta (formerly Facebook)``: the former name is an alias of the name before it, of
    its kind; two names neither of which is known yet are an organisation's (people and places are rarely written
    so, and a place is never joined)."""
    result = list(ordered)
    for i in range(len(result) - 1):
        first, second = result[i], result[i + 1]
        if first.paragraph != second.paragraph or \
                not _FORMERLY.fullmatch(paragraphs[first.paragraph], first.end, second.start) or \
                is_place_phrase(first.text, lex) or is_place_phrase(second.text, lex):
            continue
        kind = first.kind if first.kind != "single" else second.kind if second.kind != "single" else "institution"
        canonical = first.canonical or first.text
        result[i] = first._replace(kind=kind, canonical=canonical)
        result[i + 1] = second._replace(kind=kind, canonical=canonical)
    return result


_FORMERLY = re.compile(r",? \(?(?:formerly|previously)(?: (?:known as|called|named))? ")


def _in_brackets(first: Candidate, second: Candidate, paragraphs: tuple[str, ...]) -> bool:
    """``Name (ACRONYM)``, or ``Name, known as ACRONYM`` / ``Name, or ACRONYM`` / ``Name, also known by its French
    initials ACRONYM``."""
    text = paragraphs[first.paragraph]
    between = text[first.end : second.start]
    return bool(_OPEN_BRACKET.match(between) and _CLOSE_BRACKET.match(text, second.end)) or \
        bool(_ALSO_KNOWN.match(between))


def _may_abbreviate(name: Candidate, acronym: Candidate) -> bool:
    """An institution may be abbreviated any way; a would-be person's name only by its own initial."""
    return name.kind == "institution" or name.text[:1] == acronym.text[:1]


def is_person_context(candidate: Candidate, paragraphs: tuple[str, ...]) -> bool:
    """``Harris said``, ``Giammattei himself`` (but not ``the Treasury said``), ``the Biden administration``."""
    text = paragraphs[candidate.paragraph]
    return is_person_modifier(candidate, paragraphs) or (
        bool(_PERSON_VERB_AFTER.match(text, candidate.end)) and not has_the_before(candidate, paragraphs))


def is_person_modifier(candidate: Candidate, paragraphs: tuple[str, ...]) -> bool:
    """A name used as the modifier of a person's office or kin: ``the Biden administration``."""
    return bool(_PERSON_MODIFIER_AFTER.match(paragraphs[candidate.paragraph], candidate.end))


def has_the_before(candidate: Candidate, paragraphs: tuple[str, ...]) -> bool:
    """``the`` is written right before the mention: a person's name never takes it."""
    return bool(_THE_BEFORE.search(paragraphs[candidate.paragraph], max(0, candidate.start - 5), candidate.start))


def is_institution_context(candidate: Candidate, paragraphs: tuple[str, ...], lex: Lexicon) -> bool:
    """``wrote on Twitter``, ``Facebook founder``, ``the magazine Foo``, ``Foo news agency``, ``The Guardian
    cited`` — or a word that owns a title (``Labour’s Shadow Home Secretary``)."""
    text = paragraphs[candidate.paragraph]
    before, after = text[max(0, candidate.start - 40) : candidate.start], text[candidate.end :]
    cues = _cues(lex)
    return candidate.leans == "institution" or bool(
        _INSTITUTION_BEFORE.search(before) or cues.before.search(before) or cues.after.match(after)
        or (_THE_BEFORE.search(before) and _VERB_OR_END.match(after)))


def is_after_org_noun(candidate: Candidate, paragraphs: tuple[str, ...], lex: Lexicon) -> bool:
    """``the religious schools Santo Spirito``: a name written right after the kind of organisation it is."""
    before = paragraphs[candidate.paragraph][max(0, candidate.start - 40) : candidate.start]
    return bool(_cues(lex).before.search(before))


def stands_alone(candidate: Candidate, paragraphs: tuple[str, ...]) -> bool:
    """An acronym used as a name (``according to AFP,``, ``the KPA fired``), not as a modifier (``VIP guest``)."""
    return bool(_NAME_USE.match(paragraphs[candidate.paragraph][candidate.end :]))


def is_before_role(candidate: Candidate, paragraphs: tuple[str, ...], lex: Lexicon) -> bool:
    """``Harbour Freight chief executive``, ``Yonhap news agency``: a name right before its kind or a role in it."""
    return bool(_cues(lex).after.match(paragraphs[candidate.paragraph][candidate.end :]))


def is_before_facility(candidate: Candidate, paragraphs: tuple[str, ...], lex: Lexicon) -> bool:
    """``the Tropicana Field stadium``: a name written right before the kind of place it is."""
    return bool(_cues(lex).facility.match(paragraphs[candidate.paragraph], candidate.end))


def is_coordinated(left: Candidate, right: Candidate, paragraphs: tuple[str, ...]) -> bool:
    """``Meta, TikTok and Snap``: two mentions joined by a comma, ``and`` or ``or``."""
    return left.paragraph == right.paragraph and left.end <= right.start and \
        bool(_LIST_JOIN.fullmatch(paragraphs[left.paragraph], left.end, right.start))


_LIST_JOIN = re.compile(r",\s*|,?\s+(?:and|or)\s+")


def is_common_noun(word: str, paragraphs: tuple[str, ...]) -> bool:
    """The word is also written in lower case in the article (``Cholera is spread ...`` after ``cholera``); only
    the paragraphs that hold it are split into words."""
    lower = word.lower()
    return has_name(" ".join(paragraphs), lower, "_") and \
        any(lower in _LOWER_WORD.findall(text) for text in paragraphs if lower in text)


_LOWER_WORD = re.compile(r"\b[a-z][a-z’'-]*\b")


_KIN_AND_COURTESY = frozenset({"mr", "mrs", "ms", "miss", "sir", "dame", "lord", "lady", "father", "sister", "brother",
                               "doctor", "deputy", "private", "major", "general", "chief", "officer", "agent",
                               "king", "queen", "prince", "princess"})
"""Title words that, lower-case before a name, are kin or plain words, not a role (``her brother Erik``)."""


def role_before(candidate: Candidate, paragraphs: tuple[str, ...], lex: Lexicon) -> str:
    """The role written before a name: ``Its housing spokesman, Oliver ...``, ``Meta chief executive Julian ...``,
    ``TikTok’s head of safety, Mei-Ling ...``."""
    text = paragraphs[candidate.paragraph]
    cues, start = _cues(lex), max(0, candidate.start - 80)
    if cues.role_starts.isdisjoint(_LOWER_TOKEN.findall(text, start, candidate.start)):
        return ""
    match = cues.role_before.search(text, start, candidate.start)
    return match.group("role") if match else ""


_LOWER_TOKEN = re.compile(r"[a-z][\w-]*")
"""A lower-case word as ``role_before`` reads one: no role can start where none of these is a role's first word."""


class _Cues:
    """Regular expressions built once from the lexicon's organisation, role and place nouns."""

    def __init__(self, org_nouns: frozenset[str], role_nouns: frozenset[str], other_heads: frozenset[str],
                 titles: frozenset[str]) -> None:
        orgs = "|".join(sorted(map(re.escape, org_nouns), key=len, reverse=True))
        roles = "|".join(sorted(map(re.escape, role_nouns), key=len, reverse=True))
        self.before = re.compile(rf"\b(?:{orgs}) $")
        """A name right after its kind: ``the magazine MicroMega``."""
        self.after = re.compile(rf"^(?:’s|'s)?\s+(?:{orgs}|{roles})\b(?! of\b)")
        """A name right before its kind or a role in it: ``Yonhap news agency``, ``Google headquarters``."""
        person_words = {w.lower() for w in (*titles, *role_nouns) if "." not in w} - _KIN_AND_COURTESY
        person_roles = "|".join(sorted(map(re.escape, person_words), key=len, reverse=True))
        self.role_before = re.compile(
            rf"(?:^|(?<=[\s(“\"]))(?:(?:[Tt]he\s+)?[a-z][\w-]*(?:’s|'s)|[Tt]he|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir"
            r"|[A-Z][\w.&-]*(?:’s|'s)?)\s+"
            rf"(?P<role>(?:[a-z][\w-]*\s+){{0,2}}?(?:{person_roles})\b(?:\s+(?:of|for)\s+[a-z][\w-]*)?)"
            r"(?:,\s+|\s+)(?:[A-Z][a-z]*\.\s+)?$")
        """A role written right before a name, after its owner or a determiner."""
        self.role_starts = frozenset(w.split()[0] for w in person_words)
        """The first word of every role ``role_before`` knows: a window without one holds no role (checked first,
        since searching the window with the pattern is slow)."""
        places = "|".join(sorted(re.escape(w.lower()) for w in other_heads))
        self.facility = re.compile(rf"(?:’s|'s)?\s+(?:{places})\b")
        """A name right before the kind of place or event it is: ``the Tropicana Field stadium``."""


@functools.cache
def _cues_for(org_nouns: frozenset[str], role_nouns: frozenset[str], other_heads: frozenset[str],
              titles: frozenset[str]) -> _Cues:
    return _Cues(org_nouns, role_nouns, other_heads, titles)


def _cues(lex: Lexicon) -> _Cues:
    return _cues_for(lex.org_nouns, lex.role_nouns, lex.other_heads, lex.title_words)
