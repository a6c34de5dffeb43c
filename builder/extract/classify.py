"""Span -> Candidate: decide whether a run of capitalised words names a person, an institution, or neither.

Evidence is general: a title before a name, an organisation head noun, a nationality or country qualifier, an
acronym, a possessive owner. Single words that stay undecided here are settled by ``resolve`` against the rest
of the article (``Harris`` after ``Kamala Harris``).
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from builder.extract.lexicon import Lexicon
from builder.extract.spans import Span, Token, is_particle, strip_possessive

Kind = Literal["person", "institution", "single"]

_STATE_PARTY = re.compile(r"^[DRI]-[A-Z]{2}$")
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$|^[A-Z](?=[A-Z0-9&]*[A-Z][A-Z0-9&]*$)[A-Z0-9&]{1,5}$")
_CONNECTOR_WORDS = frozenset({"of", "for", "and", "the", "&", "on", "at"})
_DIRECTIONS = frozenset({"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western",
                         "Central", "Upper", "Lower"})


class Candidate(NamedTuple):
    """One mention found in a paragraph, before mentions are grouped into entities (a named tuple: cheap to make
    and to copy with ``_replace``)."""

    kind: Kind
    """``person``/``institution``, or ``single`` for one undecided capitalised word."""
    text: str
    """The name as written, without title, leading "the" or possessive (``Kamala Harris``)."""
    paragraph: int
    """Index of the paragraph it was found in."""
    start: int
    """Offset of ``text`` in the paragraph."""
    end: int
    """Offset just past ``text`` in the paragraph."""
    title: str = ""
    """The title written before a person's name (``Vice President``), if any."""
    qualifier: str = ""
    """The country a title or institution is qualified by (``Guatemala``), if any."""
    canonical: str = ""
    """A fuller name than ``text`` when the text implies one (``Constitutional Court of Guatemala``)."""
    leans: str = ""
    """``institution`` when a ``single`` word owns a title (``Labour’s Shadow Home Secretary``)."""
    opens_sentence: bool = False
    """The mention is the first word of its sentence (capitalised by position, perhaps)."""


def classify_span(span: Span, paragraph: int, lex: Lexicon) -> list[Candidate]:
    """Turn one span into zero, one or two candidates (an owner and the thing owned, an office and its head)."""
    if len(span.tokens) == 1 and span.tokens[0].text in lex.common:
        return []
    tokens = _drop_leading_common(list(span.tokens), lex)
    if span.sentence_start:
        tokens = _drop_leading_noun_of(tokens, lex)
    if not tokens:
        return []
    for index, token in enumerate(tokens[:-1]):
        if strip_possessive(token.text) != token.text:
            return _classify_possessive(tokens[: index + 1], tokens[index + 1 :], paragraph, lex)
    found = _classify_tokens(tokens, paragraph, lex, span.before)
    if span.sentence_start and found and found[0].start == span.start:
        found[0] = found[0]._replace(opens_sentence=True)
    return found


def _drop_leading_common(tokens: list[Token], lex: Lexicon) -> list[Token]:
    while tokens and (tokens[0].text in lex.common or tokens[0].text in ("The", "A", "An")):
        tokens = tokens[1:]
    while tokens and tokens[0].text in _CONNECTOR_WORDS:
        tokens = tokens[1:]
    while tokens and (tokens[-1].text in _CONNECTOR_WORDS or tokens[-1].text in ("de", "la")):
        tokens = tokens[:-1]
    return tokens


def _drop_leading_noun_of(tokens: list[Token], lex: Lexicon) -> list[Token]:
    """``Commanders of the Korean People’s Army`` opening a sentence: the first word is a common noun."""
    if len(tokens) > 2 and tokens[1].text == "of" and not is_head(tokens[0].text, lex) and \
            tokens[0].text not in lex.titles:
        return _drop_leading_common(tokens[2:], lex)
    return tokens


def _classify_possessive(owner: list[Token], owned: list[Token], paragraph: int, lex: Lexicon) -> list[Candidate]:
    """``Guatemala’s Constitutional Court`` and ``Korean People’s Army`` are one institution; ``Giammattei’s
    Vamos`` is two names; ``Labour’s Shadow Home Secretary Yvette Cooper`` makes its owner an organisation."""
    owner_text = strip_possessive(" ".join(t.text for t in owner))
    if len(owned) == 1 and is_head(owned[0].text, lex) and not _country_of(owner_text, lex):
        text = _text(owner, owned)
        return [Candidate("institution", text, paragraph, owner[0].start, owned[-1].end, canonical=text)]
    owned_found = _classify_tokens(owned, paragraph, lex, ())
    country = _country_of(owner_text, lex)
    if country and owned_found and owned_found[0].kind == "institution":
        head = owned_found[0]
        return [Candidate("institution", _text(owner, owned), paragraph, owner[0].start, head.end,
                          qualifier=country, canonical=f"{head.canonical or head.text} of {country}")]
    owner_found = _classify_tokens(owner, paragraph, lex, ())
    if owned_found and owned_found[0].title and len(owner_found) == 1 and owner_found[0].kind == "single":
        owner_found = [owner_found[0]._replace(leans="institution")]
    return owner_found + owned_found


def _classify_tokens(tokens: list[Token], paragraph: int, lex: Lexicon, before: tuple[str, ...]) -> list[Candidate]:
    words = [t.text for t in tokens]
    words[-1] = strip_possessive(words[-1])
    text = " ".join(words)
    if _STATE_PARTY.match(text) or text in lex.common:
        return []
    if is_place_phrase(text, lex) and not _may_be_surname(tokens, text, lex):
        return []
    split = _split_office_holder(tokens, words, before, paragraph, lex)
    if split:
        return split
    if is_institution_name(words, lex):
        return [_institution(tokens, words, paragraph, lex)]
    trailing = _trailing_title_length(words, lex)
    if trailing and is_institution_name(words[:-trailing], lex):
        return _classify_tokens(tokens[:-trailing], paragraph, lex, before)
    qualifier, title, rest = _split_title(tokens, words, lex)
    if title:
        rest, place = _split_place(rest, lex)
        if not rest or rest[0].text in _CONNECTOR_WORDS:
            return []
        return [_person(rest, paragraph, title, qualifier or place)]
    return _classify_plain(tokens, words, paragraph, lex)


def _classify_plain(tokens: list[Token], words: list[str], paragraph: int, lex: Lexicon) -> list[Candidate]:
    """A run with no title and no organisation head: a person's name, a single word to settle, or nothing."""
    if len(tokens) == 1:
        return [Candidate("single", words[0], paragraph, tokens[0].start, tokens[0].end)]
    if is_acronym(words[0], lex) and not is_acronym(words[1], lex):
        return [Candidate("single", words[0], paragraph, tokens[0].start, tokens[0].end)]
    nation = _nation_prefix_length(words, lex)
    if nation:
        return _classify_plain(tokens[nation:], words[nation:], paragraph, lex)
    if not is_name_like(words, lex):
        return []
    return [Candidate("person", " ".join(words), paragraph, tokens[0].start, tokens[-1].end)]


def is_name_like(words: list[str], lex: Lexicon) -> bool:
    """Words that can be a person's name: capitalised (or particles), none a connector, head, title or
    common word, not ending like an event or a place (``Science Fair``, ``Constitution Hall``)."""
    if words[-1] in lex.other_heads or words[-1] in lex.org_heads:
        return False
    return all((w[:1].isupper() and w not in lex.common and w not in lex.titles and not is_acronym(w, lex))
               or is_particle(w) for w in words)


def _person(tokens: list[Token], paragraph: int, title: str = "", qualifier: str = "") -> Candidate:
    words = [t.text for t in tokens]
    words[-1] = strip_possessive(words[-1])
    return Candidate("person", " ".join(words), paragraph, tokens[0].start, tokens[-1].end, title=title,
                     qualifier=qualifier)


def _split_office_holder(tokens: list[Token], words: list[str], before: tuple[str, ...], paragraph: int,
                         lex: Lexicon) -> list[Candidate]:
    """``CEO of the Refugee Council Enver Solomon`` -> the council and the person who speaks for it.

    The last two words split off as a person when what precedes them names an organisation and either ends
    in a head noun or follows a role (``director of the``, ``major at``, a title opening the run)."""
    if len(words) < 4 or not is_name_like(words[-2:], lex) or words[-3] in _CONNECTOR_WORDS:
        return []
    office = words[:-2]
    if not (is_institution_name(office, lex) or is_institution_name(office[1:], lex)):
        return []
    if not (is_head(office[-1], lex) or _follows_role(before) or office[0] in lex.titles):
        return []
    body = _drop_leading_common(tokens[1:-2] if office[0] in lex.titles else tokens[:-2], lex)
    return [_institution(body, [t.text for t in body], paragraph, lex), _person(tokens[-2:], paragraph)]


def _follows_role(before: tuple[str, ...]) -> bool:
    """The run comes after ``... of``, ``... of the`` or ``... at`` (``director of the Dallas chapter of the``)."""
    words = [w for w in before if w != "the"]
    return bool(words) and words[-1] in ("of", "at")


def _trailing_title_length(words: list[str], lex: Lexicon) -> int:
    for length in (2, 1):
        if len(words) > length and " ".join(words[-length:]) in lex.titles:
            return length
    return 0


def _nation_prefix_length(words: list[str], lex: Lexicon) -> int:
    """How many leading words name a country, nationality, region or US state (``United States``)."""
    for length in range(min(3, len(words) - 1), 0, -1):
        if lex.is_nation(" ".join(words[:length])):
            return length
    return 0


def _institution(tokens: list[Token], words: list[str], paragraph: int, lex: Lexicon) -> Candidate:
    """An organisation; a leading country or nationality is kept as its qualifier (``U.S. Treasury Department``)."""
    words = [*words[:-1], strip_possessive(words[-1])]
    nation = _nation_prefix_length(words, lex)
    keep_all = not nation or (len(words) - nation < 2) or is_head(words[nation], lex)
    core = words if keep_all else words[nation:]
    qualifier = "" if keep_all else _country_of(" ".join(words[:nation]), lex)
    return Candidate("institution", " ".join(words), paragraph, tokens[0].start, tokens[-1].end,
                     qualifier=qualifier, canonical="" if keep_all else " ".join(core))


def _split_title(tokens: list[Token], words: list[str], lex: Lexicon) -> tuple[str, str, list[Token]]:
    """Peel ``[country] title [of Office]`` off the front: ``Guatemalan President Alejandro Giammattei``,
    ``Minister of Education Stefania Giannini``."""
    start = 0
    qualifier = ""
    if len(words) > 1 and _country_of(words[0], lex):
        qualifier, start = _country_of(words[0], lex), 1
    titles: list[str] = []
    prefix = _title_prefix(words, start, lex)
    if prefix:
        titles.append(" ".join(words[start + is_acronym(words[start], lex) : start + prefix]))
        start += prefix
    while start < len(words):
        length = _title_length(words, start, lex) or (_office_length(words, start, lex) if titles else 0)
        if length == 0:
            break
        if titles and words[start] in ("of", "for"):
            titles[-1] += " " + " ".join(words[start : start + length])
        else:
            titles.append(" ".join(words[start : start + length]))
        start += length
    if not titles:
        return "", "", tokens
    return qualifier, " ".join(titles), tokens[start:]


def _title_prefix(words: list[str], start: int, lex: Lexicon) -> int:
    """``Housing Secretary Priya Venkataraman``, ``WHO Director-General Amara Nwosu-Bello``: a word that is no
    title, then a title, then a name of two words or more. Returns the length of the word and the title."""
    if _title_length(words, start, lex) or start + 1 >= len(words):
        return 0
    length = _title_length(words, start + 1, lex)
    if not length or len(words) - (start + 1 + length) < 2 or not words[start][:1].isupper():
        return 0
    return 1 + length


def _split_place(tokens: list[Token], lex: Lexicon) -> tuple[list[Token], str]:
    """``Raymond Tolliver of Texas`` after a title: the name, and the place that qualifies the title."""
    if len(tokens) > 3 and tokens[-2].text in ("of", "from") and is_place_phrase(tokens[-1].text, lex):
        return tokens[:-2], strip_possessive(tokens[-1].text)
    return tokens, ""


def _office_length(words: list[str], start: int, lex: Lexicon) -> int:
    """``of Education`` after a title, leaving at least a two-word name (or a title) after it."""
    if words[start] not in ("of", "for") or len(words) - start <= 2:
        return 0
    left = 2 if len(words) - start > 3 else 1
    end = start + 1
    while len(words) - end > left and words[end][:1].isupper() and not _title_length(words, end, lex):
        end += 1
    return end - start if end > start + 1 else 0


def _title_length(words: list[str], start: int, lex: Lexicon) -> int:
    if words[start] not in lex.title_starts:
        return 0
    for length in range(min(4, len(words) - start), 0, -1):
        if " ".join(words[start : start + length]) in lex.titles:
            return length
    return 0


def _country_of(word: str, lex: Lexicon) -> str:
    word = strip_possessive(word)
    return lex.countries.get(word) or lex.demonyms.get(word) or ""


def _text(*groups: list[Token]) -> str:
    words = [t.text for group in groups for t in group]
    words[-1] = strip_possessive(words[-1])
    return " ".join(words)


def is_head(word: str, lex: Lexicon) -> bool:
    """True for organisation head nouns (``Department``, ``Court``)."""
    return word in lex.org_heads


def is_institution_name(words: list[str], lex: Lexicon) -> bool:
    """``Justice Department``, ``Department of Justice``, ``Council on Foreign Relations``, ``United Nations
    High Commissioner for Refugees``, ``FBI``."""
    if not words:
        return False
    if words[-1] in lex.org_heads or " ".join(words[-2:]) in lex.org_heads:
        return len(words) > 1 or words[0] in ("Congress", "Parliament", "Senate")
    for index, word in enumerate(words[:-1]):
        if word in lex.org_heads and any(w in ("of", "for", "on", "at") for w in words[index + 1 :]):
            return True
    return len(words) == 1 and is_acronym(words[0], lex)


def is_acronym(word: str, lex: Lexicon) -> bool:
    """``FBI``, ``NATO``, ``U.N.``, ``M5S`` — but not ``U.S.`` (a country), ``D.C.`` (a state) or ``CEO``."""
    return bool(_ACRONYM.match(word)) and word not in lex.countries and word not in lex.common \
        and word not in lex.titles and word.replace(".", "") not in lex.us_states


def _may_be_surname(tokens: list[Token], text: str, lex: Lexicon) -> bool:
    """One word that is only a city's name (``Sousa``, ``Jackson``) may still be a surname: resolve decides."""
    return len(tokens) == 1 and text in lex.places and text not in lex.countries and text not in lex.demonyms


def is_place_phrase(text: str, lex: Lexicon) -> bool:
    """Countries, cities, nationalities (also plural: ``Guatemalans``), ``South East Asia`` and
    ``United States-Mexico``."""
    if lex.is_place(text) or (text.endswith("s") and text[:-1] in lex.demonyms):
        return True
    words = text.split()
    if len(words) > 1 and words[0] in _DIRECTIONS:
        return is_place_phrase(" ".join(words[1:]), lex)
    parts = text.split("-")
    return len(parts) > 1 and all(lex.is_place(p) for p in parts)
