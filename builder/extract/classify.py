"""Span -> Candidate: decide whether a run of capitalised words names a person, an institution, or neither.

Evidence is general: a title before a name, an organisation head noun, a nationality or country qualifier, an
acronym, a possessive owner. Single words that stay undecided here are settled by ``resolve`` against the rest
of the article (``Harris`` after ``Kamala Harris``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from builder.extract.lexicon import Lexicon
from builder.extract.spans import Span, Token, strip_possessive

Kind = Literal["person", "institution", "single"]

_STATE_PARTY = re.compile(r"^[DRI]-[A-Z]{2}$")
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$|^[A-Z][A-Z&]{1,5}$")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One mention found in a paragraph, before mentions are grouped into entities."""

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


def classify_span(span: Span, paragraph: int, lex: Lexicon) -> list[Candidate]:
    """Turn one span into zero, one or two candidates (an owner and the thing owned)."""
    tokens = _drop_leading_common(list(span.tokens), lex)
    if not tokens:
        return []
    for index, token in enumerate(tokens[:-1]):
        if strip_possessive(token.text) != token.text:
            return _classify_possessive(tokens[: index + 1], tokens[index + 1 :], paragraph, lex)
    return _classify_tokens(tokens, paragraph, lex)


def _drop_leading_common(tokens: list[Token], lex: Lexicon) -> list[Token]:
    while tokens and (tokens[0].text in lex.common or tokens[0].text in ("The", "A", "An")):
        tokens = tokens[1:]
    while tokens and tokens[0].text in ("of", "for", "and", "the", "&"):
        tokens = tokens[1:]
    while tokens and tokens[-1].text in ("of", "for", "and", "the", "&", "de", "la"):
        tokens = tokens[:-1]
    return tokens


def _classify_possessive(owner: list[Token], owned: list[Token], paragraph: int, lex: Lexicon) -> list[Candidate]:
    """``Guatemala’s Constitutional Court`` is one institution; ``Giammattei’s Vamos`` is two names."""
    owner_text = strip_possessive(" ".join(t.text for t in owner))
    owned_found = _classify_tokens(owned, paragraph, lex)
    country = _country_of(owner_text, lex)
    if country and owned_found and owned_found[0].kind == "institution":
        head = owned_found[0]
        surface_start = owner[0].start
        return [Candidate("institution", _text(owner, owned), paragraph, surface_start, head.end,
                          qualifier=country, canonical=f"{head.canonical or head.text} of {country}")]
    return _classify_tokens(owner, paragraph, lex) + owned_found


def _classify_tokens(tokens: list[Token], paragraph: int, lex: Lexicon) -> list[Candidate]:
    words = [strip_possessive(t.text) if i == len(tokens) - 1 else t.text for i, t in enumerate(tokens)]
    text = " ".join(words)
    if _STATE_PARTY.match(text) or text in lex.common:
        return []
    if is_place_phrase(text, lex) and not (len(tokens) == 1 and text in lex.places and text not in lex.countries):
        return []
    if is_institution_name(words, lex):
        return [_institution(tokens, words, paragraph, lex)]
    qualifier, title, rest = _split_title(tokens, words, lex)
    if title and not rest:
        return []
    if title:
        return [Candidate("person", " ".join(words[-len(rest):]), paragraph, rest[0].start, rest[-1].end,
                          title=title, qualifier=qualifier)]
    if len(tokens) == 1:
        return [Candidate("single", text, paragraph, tokens[0].start, tokens[0].end)]
    if any(w in lex.common or _country_of(w, lex) for w in words if w[0].isupper()):
        return []
    return [Candidate("person", text, paragraph, tokens[0].start, tokens[-1].end)]


def _institution(tokens: list[Token], words: list[str], paragraph: int, lex: Lexicon) -> Candidate:
    """An organisation; a leading country or nationality is kept as its qualifier (``U.S. Treasury Department``)."""
    country = _country_of(words[0], lex) if len(words) > 2 or not is_head(words[-1], lex) else ""
    core = words[1:] if country and len(words) > 2 and not is_head(words[1], lex) else words
    return Candidate("institution", " ".join(words), paragraph, tokens[0].start, tokens[-1].end,
                     qualifier=country if core is not words else "", canonical=" ".join(core))


def _split_title(tokens: list[Token], words: list[str], lex: Lexicon) -> tuple[str, str, list[Token]]:
    """Peel ``[country] title`` off the front: ``Guatemalan President Alejandro Giammattei``."""
    start = 0
    qualifier = ""
    if len(words) > 1 and _country_of(words[0], lex):
        qualifier, start = _country_of(words[0], lex), 1
    titles: list[str] = []
    while start < len(words):
        length = _title_length(words, start, lex)
        if length == 0:
            break
        titles.append(" ".join(words[start : start + length]))
        start += length
    if not titles:
        return "", "", tokens
    return qualifier, " ".join(titles), tokens[start:]


def _title_length(words: list[str], start: int, lex: Lexicon) -> int:
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
    """``Justice Department``, ``Department of Justice``, ``British Red Cross``, ``FBI``."""
    if words[-1] in lex.org_heads or " ".join(words[-2:]) in lex.org_heads:
        return len(words) > 1 or words[0] in ("Congress", "Parliament", "Senate")
    if len(words) > 2 and words[0] in lex.org_heads and words[1] in ("of", "for"):
        return True
    return len(words) == 1 and is_acronym(words[0], lex)


def is_acronym(word: str, lex: Lexicon) -> bool:
    """``FBI``, ``NATO``, ``U.N.`` — but not ``U.S.`` (a country) or ``CEO`` (a title)."""
    return bool(_ACRONYM.match(word)) and word not in lex.countries and word not in lex.common \
        and word not in lex.titles and word not in lex.us_states


def is_place_phrase(text: str, lex: Lexicon) -> bool:
    """Countries, cities, nationalities (also plural: ``Guatemalans``), and ``United States-Mexico``."""
    if lex.is_place(text) or (text.endswith("s") and text[:-1] in lex.demonyms):
        return True
    parts = text.split("-")
    return len(parts) > 1 and all(lex.is_place(p) for p in parts)
