"""Paragraphs -> QuoteFound: direct quotations and who said them (a name, or a pronoun to resolve).

Handles ``“…,” Harris said``, ``“…” she wrote on Twitter``, ``Harris said: “…”``, a second quote in the same
paragraph, and a quotation that runs on over paragraphs (an opening mark with no closing one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPEECH_VERBS = (
    "said|says|wrote|writes|told|tells|added|adds|asked|asks|explained|continued|tweeted|stated|insisted|noted|"
    "warned|declared|argued|replied|responded|posted|announced|claimed|remarked|recalled|urged|acknowledged"
)
_PRONOUN = r"(?:he|she|they|He|She|They)"
_CAP = "A-ZÀ-ÖØ-Þ"
_NAME = rf"(?:[{_CAP}][\w’'.-]*(?:\s+(?:[{_CAP}][\w’'.-]*|de|van|von|al|bin|of|the))*)"
_BARE_TITLE = r"(?:the [a-z]+(?: [a-z]+)?)"
"""``the chancellor``: a speaker named by the role given earlier."""
_WHO = rf"(?:{_PRONOUN}|{_NAME}|{_BARE_TITLE})"
_ADVERB = r"(?:\s+(?:later|also|then|again|once|separately|previously|earlier))?"
_QUOTE = re.compile(r"[“\"]([^”\"]+)(?:[”\"]|$)")
_AFTER = re.compile(rf"[\s,]*(?:[^\s“”\"]+\s+){{0,5}}?(?P<who>{_WHO}),?{_ADVERB}\s+(?:{SPEECH_VERBS})\b"
                    rf"|[\s,]*(?:{SPEECH_VERBS})\s+(?P<who2>{_NAME})")
_BEFORE = re.compile(rf"(?P<who>{_PRONOUN}|{_NAME})(?:,[^,“”\"]{{1,80}},|,)?{_ADVERB}\s+(?:{SPEECH_VERBS})\b"
                     r"[^“\"]{0,80}?[:,]?\s*$")
_INTRODUCES = re.compile(rf"(?P<who>{_PRONOUN}|{_NAME})(?:,[^,“”\"]{{1,80}},)?{_ADVERB}\s+(?:{SPEECH_VERBS})\s*:\s*$")
"""A paragraph that ends ``She said:`` introduces the quotation that opens the next one."""


@dataclass(frozen=True, slots=True)
class QuoteFound:
    """A quotation and the words naming its speaker."""

    text: str
    """The words inside the quotation marks."""
    paragraph: int
    """Index of the paragraph holding it."""
    start: int
    """Offset of the quotation in its paragraph."""
    speaker: str
    """The name (``Harris``) or pronoun (``she``) that introduces it; empty when unknown."""
    speaker_at: int
    """Offset of ``speaker`` in the paragraph (or of the quote, for a carried-over speaker)."""
    speaker_paragraph: int
    """The paragraph ``speaker`` is in (an earlier one when a quote runs on)."""


def find_quotes(paragraphs: tuple[str, ...], min_words: int = 4) -> list[QuoteFound]:
    """Every quotation of at least ``min_words`` words with the words that attribute it."""
    found: list[QuoteFound] = []
    carried: QuoteFound | None = None
    for index, text in enumerate(paragraphs):
        in_paragraph: list[QuoteFound] = []
        for match in _QUOTE.finditer(text):
            quote = match.group(1).strip().rstrip(",")
            if len(quote.split()) < min_words:
                continue
            who, at = _attribution(text, match.start(), match.end())
            in_paragraph.append(QuoteFound(quote, index, match.start(), who, at, index))
        in_paragraph = _share_speaker(in_paragraph, carried, text)
        found.extend(q for q in in_paragraph if q.speaker)
        carried = in_paragraph[-1] if in_paragraph and _runs_on(text) else _introduction(text, index)
    return found


def _introduction(text: str, index: int) -> QuoteFound | None:
    """``... She said:`` closing a paragraph: its speaker, to give the quotation that opens the next one."""
    match = _INTRODUCES.search(text, max(0, len(text) - 200)) if text.rstrip().endswith(":") else None
    return QuoteFound("", index, len(text), match.group("who"), match.start("who"), index) if match else None


def _attribution(text: str, start: int, end: int) -> tuple[str, int]:
    after = _AFTER.match(text, end)
    if after:
        group = "who" if after.group("who") else "who2"
        return after.group(group), after.start(group)
    window = text[max(0, start - 160) : start]
    before = _BEFORE.search(window) if has_speech_verb(window) else None
    if before:
        return before.group("who"), max(0, start - 160) + before.start("who")
    return "", start


def has_speech_verb(text: str) -> bool:
    """A speech verb (``said``) is written in ``text`` as a word: without one no attribution can match, and this
    is much faster to check than the attribution patterns."""
    return not _SPEECH_WORDS.isdisjoint(_LOWER_RUN.findall(text))


_SPEECH_WORDS = frozenset(SPEECH_VERBS.split("|"))
_LOWER_RUN = re.compile(r"[a-z]+")


def _share_speaker(quotes: list[QuoteFound], carried: QuoteFound | None, text: str) -> list[QuoteFound]:
    """Unattributed quotes take the speaker of the paragraph's attributed one, or of the quote running on."""
    known = next((q for q in quotes if q.speaker), None)
    if known is None and carried is not None and text.lstrip().startswith(("“", '"')):
        known = carried
    if known is None:
        return quotes
    return [q if q.speaker else QuoteFound(q.text, q.paragraph, q.start, known.speaker, known.speaker_at,
                                           known.speaker_paragraph) for q in quotes]


def _runs_on(text: str) -> bool:
    """A paragraph that opens a quotation and never closes it: the next paragraph continues it."""
    return text.count("“") > text.count("”")
