"""Paragraphs of one article -> Extraction: the people and institutions it names, with roles and quotes.

Stages, one module each: ``spans`` (capitalised runs) -> ``classify`` (person / institution / undecided)
-> ``resolve`` (surnames, acronyms, context; roles) with ``quotes`` (quotations and their speakers).
Every rule is general; the word lists live in ``lexicon``.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from builder.extract.classify import classify_span
from builder.extract.context import (
    coordinated_candidates,
    drop_covered,
    join_by_acronyms,
    join_nicknames,
    lowercase_candidates,
)
from builder.extract.lexicon import Lexicon, load_lexicon
from builder.extract.quotes import find_quotes
from builder.extract.resolve import (
    Entity,
    Evidence,
    attribute_quotes,
    finish,
    group_candidates,
    name_national_bodies,
)
from builder.extract.spans import find_spans, tokenize
from builder.extract.ties import Tie, find_ties
from builder.sentences import split_sentences

__all__ = ["Entity", "Evidence", "Extraction", "Tie", "extract_entities"]

_CAPITALISED = re.compile(r"[A-Z](?<=\b[A-Z])[\w.-]*")
"""A capitalised word (``\\b[A-Z]...``, with the boundary checked after the capital so the engine skips to
capitals)."""


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one article names, each list in order of first mention."""

    people: tuple[Entity, ...]
    """People named in the article."""
    institutions: tuple[Entity, ...]
    """Institutions named in the article."""
    ties: tuple[Tie, ...] = ()
    """Typed ties the sentences state between them (``builder.extract.ties``)."""


def extract_entities(paragraphs: tuple[str, ...], dateline: str = "") -> Extraction:
    """Find the people and institutions named in an article's paragraphs."""
    lex = load_lexicon()
    sentences = [split_sentences(text) for text in paragraphs]
    candidates = [candidate
                  for index, text in enumerate(paragraphs) for start, end in sentences[index]
                  for span in find_spans(tokenize(text, start, end), lex.span_words)
                  for candidate in classify_span(span, index, lex)]
    coordinated = coordinated_candidates(paragraphs)
    candidates = join_nicknames(join_by_acronyms(candidates, paragraphs), paragraphs)
    # the article's country, worked out at most once and only if a rule asks for it
    home_country = functools.cache(functools.partial(_home_country, dateline, paragraphs, lex))
    candidates = drop_covered(candidates, coordinated) + coordinated + lowercase_candidates(paragraphs, home_country)
    sentence_of = {(c.paragraph, c.start): _sentence(paragraphs[c.paragraph], sentences[c.paragraph], c.start)
                   for c in candidates}
    groups = group_candidates(candidates, paragraphs, lex)
    groups = name_national_bodies(groups, home_country, lex)
    quotes = attribute_quotes(find_quotes(paragraphs), groups)
    entities = [
        finish(group, paragraphs, [Evidence(q.text, q.paragraph,
                                            _sentence(paragraphs[q.paragraph], sentences[q.paragraph], q.start))
                                   for q in quotes.get(i, [])], lex, sentence_of)
        for i, group in enumerate(groups)
    ]
    entities.sort(key=lambda e: e.first)
    return Extraction(
        people=tuple(e for e in entities if e.kind == "person"),
        institutions=tuple(e for e in entities if e.kind == "institution"),
        ties=find_ties(paragraphs, sentences, entities),
    )


def _sentence(text: str, sentences: list[tuple[int, int]], offset: int) -> str:
    """The sentence of ``text`` (split once into ``sentences``) that holds ``offset``."""
    at = bisect.bisect_right(sentences, (offset, len(text) + 1)) - 1
    if at >= 0 and sentences[at][0] <= offset < sentences[at][1]:
        return text[sentences[at][0] : sentences[at][1]]
    return text


def _home_country(dateline: str, paragraphs: tuple[str, ...], lex: Lexicon) -> str:
    """The country an article is set in: its dateline's city, else the country it names most."""
    place = dateline.split("(")[0].split(",")[0].strip().upper()
    if place and lex.city_country.get(place):
        return lex.city_country[place]
    counts: dict[str, int] = {}
    text = " ".join(paragraphs)
    for word in set(_CAPITALISED.findall(text)):
        for name in lex.country_names_by_first_word.get(word, ()):
            if len(name) > 3 and name in text:
                counts[lex.countries[name]] = counts.get(lex.countries[name], 0) + text.count(name)
    return max(sorted(counts), key=lambda c: counts[c]) if counts else ""
