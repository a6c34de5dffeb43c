"""Sentence text -> Span: runs of capitalised words that may name a person, a place or an organisation.

``Vice President Kamala Harris``, ``Guatemala’s Constitutional Court``, ``Federal Bureau of Investigation``:
connectors (``of``, ``for``, ``the``, ``de``...) are kept inside a run when a capitalised word follows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from builder.sentences import ABBREVIATIONS, is_initialism

_JOINERS = ("of", "for", "and", "the", "on", "at", "de", "del", "della", "da", "do", "dos", "das", "du", "des", "van",
            "von", "der", "den", "la", "le", "bin", "ibn", "al", "el", "y")
_LOWER = r"[a-z]+(?:[-’'][a-z]+)*"
_PLAIN = rf"(?!(?:{'|'.join(_JOINERS)})\b){_LOWER}"
_GAP = rf"{_PLAIN}(?: (?:{_LOWER} )*?{_PLAIN})*(?: (?=[a-z])|(?=[^\w]|$))"
"""A run of lower-case words that starts and ends with a word that joins no name (``the``, ``of`` inside it are
plain): one token, since no name starts or continues inside it."""
_WORD = re.compile(rf"(?=[a-z]){_GAP}"
                   r"|[^\W\d_]\w*(?:[.'’&-](?=[^\W_])\w*)*(?:(?<=s)['’](?![^\W_])|(?P<dot>\.)(?=[\s,;:)”’\"]|$))?"
                   r"|\d[\w,.]*|[^\w\s]")
"""A lower-case gap, a word (inner ``.'’&-`` kept, ``’s`` and a kept period after it), a number or a mark. The
look-ahead and the unrolled word loop only make the engine faster: a capital never tries the gap's branches."""
_CONNECTORS = frozenset({"of", "for", "de", "del", "della", "da", "do", "dos", "das", "du", "des", "van",
                         "von", "der", "den", "la", "le", "bin", "ibn", "al", "el", "y", "&"})
"""Lower-case words that may join two capitalised words of one name; ``the`` and ``and`` only after ``of``."""
_MAY_JOIN = _CONNECTORS | {"and", "the", "on", "at"}
"""Words that may continue a run; any other word (or punctuation) ends it."""
_NAME_PARTICLES = frozenset({"de", "del", "della", "da", "do", "dos", "das", "du", "van", "von", "der", "den", "la",
                             "le", "bin", "ibn", "al", "el", "y"})


@dataclass(frozen=True, slots=True)
class SpanWords:
    """The words that shape a run: head nouns (``Council on ...``) and words no connector leads into."""

    heads: frozenset[str] = frozenset()
    """Organisation head nouns (``Department``, ``Court``)."""
    stops: frozenset[str] = frozenset()
    """Titles, days and months: ``Party of President X`` and ``Court on Monday`` are two runs, or one."""
    common: frozenset[str] = frozenset()
    """Words that alone are no name (``The``, ``Monday``): a run of just one of them is skipped."""


class Token(NamedTuple):
    """One word or punctuation mark of a sentence (a named tuple: articles have thousands)."""

    text: str
    """The word as written, possessive included (``Giammattei’s``)."""
    start: int
    """Offset of its first character in the paragraph."""
    end: int
    """Offset just past its last character in the paragraph."""

    @property
    def is_capitalised(self) -> bool:
        """Starts with an upper-case letter (``Harris``, ``U.S.``, ``al-Assad`` is not)."""
        return self.text[:1].isupper()

    @property
    def bare(self) -> str:
        """The word without a possessive ending: ``Giammattei’s`` -> ``Giammattei``, ``Harris’`` -> ``Harris``."""
        return strip_possessive(self.text)


class Span(NamedTuple):
    """A run of capitalised words in one sentence (a named tuple: articles have hundreds)."""

    tokens: tuple[Token, ...]
    """The words of the run, in order."""
    sentence_start: bool
    """True when the run opens its sentence (its first word may just be capitalised by position)."""
    before: tuple[str, ...] = ()
    """Up to three words written just before the run, in order (``("CEO", "of", "the")``)."""

    @property
    def start(self) -> int:
        """Offset of the run in the paragraph."""
        return self.tokens[0].start

    @property
    def end(self) -> int:
        """Offset just past the run in the paragraph."""
        return self.tokens[-1].end

    @property
    def words(self) -> list[str]:
        """The words, possessive of the last one removed."""
        words = [t.text for t in self.tokens]
        words[-1] = strip_possessive(words[-1])
        return words

    @property
    def text(self) -> str:
        """The run as one string, possessive of the last word removed."""
        return " ".join(self.words)

    @property
    def is_possessive(self) -> bool:
        """True for ``Giammattei’s`` / ``Harris’``."""
        return strip_possessive(self.tokens[-1].text) != self.tokens[-1].text


def strip_possessive(word: str) -> str:
    """Remove a trailing ``'s``/``’s`` (or a bare apostrophe after s)."""
    last = word[-1:]
    if last == "s":
        return word[:-2] if word.endswith(("'s", "’s")) else word
    if last in ("'", "’") and word.endswith(("s'", "s’")):
        return word.rstrip("'’")
    return word


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Split ``text[start:end]`` into tokens with paragraph offsets; a possessive apostrophe stays with its word."""
    stop = len(text) if end is None else end
    return [_new_token(Token, (m[0], m.start(), m.end())) if m.lastgroup is None else _dotted(m)
            for m in _WORD.finditer(text, start, stop)]


_new_token = tuple.__new__
"""Builds a Token or Span from all its fields without the named tuple's Python-level ``__new__`` (tokenising is
the extractor's hot loop)."""


def _dotted(match: re.Match[str]) -> Token:
    """A word written with a period: kept for ``Gov.`` and ``U.S.``, dropped when the period ends the sentence."""
    word = match.group()
    if _keeps_period(word):
        return Token(word, match.start(), match.end())
    return Token(word[:-1], match.start(), match.end() - 1)


def find_spans(tokens: list[Token], words: SpanWords = SpanWords()) -> list[Span]:
    """Group capitalised tokens (with inner connectors) into spans; ``@handles`` and ``#hashtags`` are skipped."""
    spans: list[Span] = []
    cursor = 0
    for index in [i for i, t in enumerate(tokens) if t.text[0].isupper() or "-" in t.text]:
        if index < cursor or not _is_name_word(tokens[index]) or \
                (index and _is_handle_mark(tokens[index - 1], tokens[index])):
            continue
        cursor = _run_end(tokens, index, words)
        if cursor == index + 1 and tokens[index].text in words.common:
            continue
        before = tuple([t.text for t in tokens[max(0, index - 3) : index]])
        spans.append(_new_token(Span, (tuple(tokens[index:cursor]), index == 0 or _opens_clause(tokens[index - 1]),
                                       before)))
    return spans


def _run_end(tokens: list[Token], index: int, words: SpanWords) -> int:
    """Index just past the run of name words (with inner connectors or a number) that starts at ``index``.

    A connector never leads into a title or a day (``Party of President ...``, ``Court on Monday``); ``on`` and
    ``at`` join only after a head noun (``Council on ...``); ``and`` after ``of`` or before a run that ends in a
    head noun (``Securities and Exchange Commission``)."""
    cursor = index + 1
    while cursor < len(tokens):
        token = tokens[cursor]
        if _is_name_word(token) and _adjacent(tokens[cursor - 1], token):
            cursor += 1
            continue
        if token.text not in _MAY_JOIN and not token.text[0].isdigit():
            break
        inner = _connector_run(tokens, cursor) or _inner_number(tokens, cursor) or \
            int(tokens[cursor].text in ("on", "at") and tokens[cursor - 1].text in words.heads) or \
            int(tokens[cursor].text == "and" and _ends_in_head(tokens, cursor + 1, words.heads))
        following = tokens[cursor + inner] if inner and cursor + inner < len(tokens) else None
        if following is not None and _is_name_word(following) and following.text not in words.stops:
            cursor += inner + 1
            continue
        break
    return cursor


def _ends_in_head(tokens: list[Token], index: int, heads: frozenset[str]) -> bool:
    """The adjacent name words from ``index`` on end in an organisation head noun."""
    end = index
    while end < len(tokens) and _is_name_word(tokens[end]) and \
            (end == index or _adjacent(tokens[end - 1], tokens[end])):
        end += 1
    return end > index and tokens[end - 1].text in heads


def _inner_number(tokens: list[Token], index: int) -> int:
    """1 for a number inside a name (``Movimento 5 Stelle``)."""
    return 1 if tokens[index].text.isdigit() and len(tokens[index].text) < 3 else 0


def _is_handle_mark(mark: Token, word: Token) -> bool:
    return mark.text in ("@", "#") and mark.end == word.start


_PREFIXED = re.compile(r"(?:al|el|ad|as|ibn|bin)-[A-Z]\w+")


def _is_name_word(token: Token) -> bool:
    first = token.text[0]
    if first.isupper():
        return first.isalpha()
    # "al-Assad", "de la Cruz", "bin Salman" inside names begin lower-case but carry a capital after the hyphen
    return first in "aeib" and bool(_PREFIXED.fullmatch(token.text))


def _adjacent(left: Token, right: Token) -> bool:
    return right.start - left.end <= 1


def _keeps_period(word: str) -> bool:
    return word[:-1] in ABBREVIATIONS or is_initialism(word)


def _connector_run(tokens: list[Token], index: int) -> int:
    """How many connector words start at ``index`` (``of``, ``for the``, ``and`` after an ``of``)."""
    first = tokens[index].text
    if first not in _CONNECTORS and first not in ("and", "the"):
        return 0
    if first in ("and", "the") and not _inside_of_phrase(tokens, index):
        return 0
    if index + 1 < len(tokens) and tokens[index + 1].text in ("the", "la", "le", "de", "del"):
        return 2
    return 1


def _inside_of_phrase(tokens: list[Token], index: int) -> bool:
    """``index`` follows ``Name of Name...`` with no punctuation between (``Department of Health and ...``)."""
    at = index - 1
    while at > 0 and (_is_name_word(tokens[at]) or tokens[at].text == "the"):
        at -= 1
    return at > 0 and tokens[at].text in ("of", "for") and _is_name_word(tokens[at - 1])


def _opens_clause(token: Token) -> bool:
    return token.text in {"“", '"', "‘", "(", ":", ";", "—", "–", "-"}


def is_particle(word: str) -> bool:
    """Lower-case name particles that belong to a surname (``de``, ``van``, ``bin``)."""
    return word in _NAME_PARTICLES
