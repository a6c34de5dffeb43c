"""Text + known names -> where each name is written as a whole word (not inside ``Harrison`` or ``al-Harris``).

Plain ``str.find`` per name, not one pattern of every name: no regular expression is compiled per article, and
the search runs at C speed however many names an article has.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

Occurrence = tuple[int, int, str]
"""(start, end, name): one place a name is written."""


def find_names(text: str, names: Iterable[str]) -> list[Occurrence]:
    """Every whole-word occurrence of every name in ``text``, by start, the longest first at one start."""
    found = [(start, start + len(name), name) for name in names for start in starts_of(text, name)
             if is_whole_word(text, start, start + len(name), "_-")]
    found.sort(key=lambda o: (o[0], o[0] - o[1]))
    return found


def leftmost_longest(found: list[Occurrence]) -> list[Occurrence]:
    """From occurrences sorted by ``find_names``, those a reader would see: scanning left to right, the longest
    name at each place, and nothing that starts inside a name already taken."""
    chosen: list[Occurrence] = []
    for occurrence in found:
        if not chosen or occurrence[0] >= chosen[-1][1]:
            chosen.append(occurrence)
    return chosen


def has_name(text: str, name: str, joiners: str = "_-") -> bool:
    """``name`` is written in ``text`` as a whole word (``joiners``: the marks that, like letters, join words)."""
    return any(is_whole_word(text, start, start + len(name), joiners) for start in starts_of(text, name))


def is_whole_word(text: str, start: int, end: int, joiners: str = "_-") -> bool:
    """No letter, digit or joiner (by default underscore or hyphen) touches ``text[start:end]`` on either side."""
    return (start == 0 or not _is_word_char(text[start - 1], joiners)) and \
        (end == len(text) or not _is_word_char(text[end], joiners))


def _is_word_char(char: str, joiners: str) -> bool:
    return char.isalnum() or char in joiners


def starts_of(text: str, name: str) -> Iterator[int]:
    """Offsets where ``name`` is written in ``text`` (overlapping ones too)."""
    at = text.find(name)
    while at >= 0:
        yield at
        at = text.find(name, at + 1)
