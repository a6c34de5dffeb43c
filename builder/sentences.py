"""Text -> sentence spans: where each sentence of a paragraph starts and ends.

Used by extraction (roles and quotes keep their sentence) and by the site model (a mention's context).
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr Prof Rep Reps Sen Sens Gov Lt Gen Col Maj Capt Sgt Adm Cmdr Cpl Pvt Rev St Jr Sr Inc Corp Ltd "
    "Co No vs Jan Feb Mar Apr Aug Sept Sep Oct Nov Dec Mt Ft Ave Blvd Dept Univ Gens Brig etc approx".split()
)
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]*[A-Z0-9À-Þ])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of each sentence; a period after an abbreviation or initial is no end."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if _is_abbreviation(text, match.start()):
            continue
        spans.append((start, match.end()))
        start = match.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if e > s]


_INITIALISM = re.compile(r"(?:[A-Z]\.)+")


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    start = dot
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._"):
        start -= 1
    token = text[start:dot]
    if not token:
        return False
    if token.split(".")[-1] in ABBREVIATIONS:
        return True
    # Initials and dotted acronyms: "J.", "U.S." — but a sentence may end on "U.S." too: then the
    # next word is a capitalised common sentence opener, which we cannot know here; prefer not splitting.
    return is_initialism(token + ".")


def is_initialism(word: str) -> bool:
    """``J.``, ``U.S.``, ``D.C.``: capital letters each followed by a period."""
    return _INITIALISM.fullmatch(word) is not None
