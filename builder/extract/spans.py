"""Sentence text -> Span: runs of capitalised words that may name a person, a place or an organisation.

``Vice President Kamala Harris``, ``Guatemala’s Constitutional Court``, ``Federal Bureau of Investigation``:
connectors (``of``, ``for``, ``the``, ``de``...) are kept inside a run when a capitalised word follows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.sentences import ABBREVIATIONS, is_initialism

_WORD = re.compile(r"[^\W\d_](?:[\w]|[.'’&-](?=[^\W_]))*(?:\.(?=[\s,;:)”’\"]|$))?|\d[\w,.]*|[^\w\s]")
_CONNECTORS = frozenset({"of", "for", "de", "del", "della", "da", "do", "dos", "das", "du", "des", "van",
                         "von", "der", "den", "la", "le", "bin", "ibn", "al", "el", "y", "&"})
"""Lower-case words that may join two capitalised words of one name; ``the`` and ``and`` only after ``of``."""
_NAME_PARTICLES = frozenset({"de", "del", "della", "da", "do", "dos", "das", "du", "van", "von", "der", "den", "la",
                             "le", "bin", "ibn", "al", "el", "y"})


@dataclass(frozen=True, slots=True)
class Token:
    """One word or punctuation mark of a sentence."""

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


@dataclass(frozen=True, slots=True)
class Span:
    """A run of capitalised words in one sentence."""

    tokens: tuple[Token, ...]
    """The words of the run, in order."""
    sentence_start: bool
    """True when the run opens its sentence (its first word may just be capitalised by position)."""

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
    for ending in ("'s", "’s"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word.rstrip("'’") if word.endswith(("s'", "s’")) else word


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Split ``text[start:end]`` into tokens with paragraph offsets; a possessive apostrophe stays with its word."""
    stop = len(text) if end is None else end
    tokens: list[Token] = []
    for match in _WORD.finditer(text, start, stop):
        word = match.group()
        token_end = match.end()
        if word.endswith(".") and len(word) > 1 and not _keeps_period(word):
            word, token_end = word[:-1], token_end - 1
        if word[-1:] == "s" and text[token_end : token_end + 1] in ("'", "’") and \
                not text[token_end + 1 : token_end + 2].isalnum():
            word, token_end = word + text[token_end], token_end + 1
        tokens.append(Token(word, match.start(), token_end))
    return tokens


def find_spans(tokens: list[Token]) -> list[Span]:
    """Group capitalised tokens (with inner connectors) into spans."""
    spans: list[Span] = []
    index = 0
    while index < len(tokens):
        if not _is_name_word(tokens[index]):
            index += 1
            continue
        run = [tokens[index]]
        cursor = index + 1
        while cursor < len(tokens):
            token = tokens[cursor]
            if _is_name_word(token) and _adjacent(run[-1], token):
                run.append(token)
                cursor += 1
                continue
            connectors = _connector_run(tokens, cursor)
            if connectors and cursor + connectors < len(tokens) and _is_name_word(tokens[cursor + connectors]):
                run.extend(tokens[cursor : cursor + connectors + 1])
                cursor += connectors + 1
                continue
            break
        spans.append(Span(tuple(run), sentence_start=index == 0 or _opens_clause(tokens[index - 1])))
        index = cursor
    return spans


def _is_name_word(token: Token) -> bool:
    if token.is_capitalised and token.text[0].isalpha():
        return True
    # "al-Assad", "de la Cruz", "bin Salman" inside names begin lower-case but carry a capital after the hyphen
    return bool(re.fullmatch(r"(?:al|el|ad|as|ibn|bin)-[A-Z]\w+", token.text))


def _adjacent(left: Token, right: Token) -> bool:
    return right.start - left.end <= 1


def _keeps_period(word: str) -> bool:
    return word[:-1] in ABBREVIATIONS or is_initialism(word)


def _connector_run(tokens: list[Token], index: int) -> int:
    """How many connector words start at ``index`` (``of``, ``for the``, ``and`` after an ``of``)."""
    first = tokens[index].text
    if first not in _CONNECTORS and first not in ("and", "the"):
        return 0
    if first in ("and", "the"):
        before = [t.text for t in tokens[max(0, index - 4) : index]]
        if "of" not in before and "for" not in before:
            return 0
    if index + 1 < len(tokens) and tokens[index + 1].text in ("the", "la", "le", "de", "del"):
        return 2
    return 1


def _opens_clause(token: Token) -> bool:
    return token.text in {"“", '"', "‘", "(", ":", ";", "—", "–", "-"}


def is_particle(word: str) -> bool:
    """Lower-case name particles that belong to a surname (``de``, ``van``, ``bin``)."""
    return word in _NAME_PARTICLES
